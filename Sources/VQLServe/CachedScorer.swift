import Foundation
import VQLCore
import VQLModel

/// Scores a candidate item for a user from the user's cache alone, in O(H·K·(d_h + d_v)):
///
///     o_h = Σ_c e^{q_h·C[c]_h/√d_h} U_{h,c} / Σ_c e^{q_h·C[c]_h/√d_h} N_{h,c},   logit = MLP([x, o, e_u])
///
/// exactly the training forward with quantized keys (up to float rounding): the temporal
/// kernel and static bias are inside N and U, and the request time cancels in the ratio.
public final class CachedScorer: @unchecked Sendable {
    public let network: VQLNetwork
    public let caches: UserCaches
    /// Inputs x and queries q of every item, computed once.
    public let itemInputs: [Float]
    public let itemQueries: [Float]
    private let scratch: UnsafeMutablePointer<Float>
    private let scores: UnsafeMutablePointer<Float>
    private let attention: UnsafeMutablePointer<Float>

    public init(network: VQLNetwork, caches: UserCaches, vectors: ItemVectors) {
        precondition(network.codebooks != nil, "cached scoring needs the vq encoder")
        self.network = network
        self.caches = caches
        itemInputs = vectors.inputs
        itemQueries = network.queries(inputs: vectors.inputs, count: vectors.count)
        let s = network.shape
        scratch = .allocate(capacity: s.mlpInputDim + 2 * (s.mlp.max() ?? 1) + 1)
        scores = .allocate(capacity: s.codebookSize)
        attention = .allocate(capacity: s.valueWidth)
    }

    deinit { scratch.deallocate(); scores.deallocate(); attention.deallocate() }

    /// The logit of `item` for user `u` (nil user: no history, o = 0, every user feature missing).
    public func logit(user u: Int?, item: Int) -> Float {
        let s = network.shape
        return itemInputs.withUnsafeBufferPointer { X in
            itemQueries.withUnsafeBufferPointer { Q in
                logit(user: u, input: X.base + item * s.inputDim, query: Q.base + item * s.keyWidth)
            }
        }
    }

    /// The defined answer for an item outside the vocabulary: scored from a zero item
    /// representation (x = 0, so q = b_q), against the user's cache as usual.
    public func logitOfUnknownItem(user u: Int?) -> Float {
        let zero = [Float](repeating: 0, count: network.shape.inputDim)
        let q = network.params.value("query.bias")
        return zero.withUnsafeBufferPointer { logit(user: u, input: $0.base, query: q) }
    }

    /// logit = MLP([x, o, e_u]) with o from the user's cache for query q, e_u from its features.
    func logit(user u: Int?, input x: UnsafePointer<Float>, query q: UnsafePointer<Float>) -> Float {
        let s = network.shape, H = s.heads, K = s.codebookSize, dh = s.keyDim, dv = s.valueDim
        let hpg = H / s.groups, gw = s.groupWidth
        let scale = 1 / Float(dh).squareRoot()
        let cb = network.codebooks!
        attention.update(repeating: 0, count: s.valueWidth)
        caches.weightSums.withUnsafeBufferPointer { N in
            caches.valueSums.withUnsafeBufferPointer { U in
                guard let u else { return }
                for h in 0..<H {
                    let g = h / hpg, nBase = (u * H + h) * K
                    var m = -Float.infinity
                    for c in 0..<K where N[nBase + c] > 0 {
                        scores[c] = scale * BLAS.dot(dh, q + h * dh, cb.codewords.pointer + (g * K + c) * gw + (h % hpg) * dh)
                        m = max(m, scores[c])
                    }
                    if m == -Float.infinity { continue }
                    var den: Float = 0
                    let oh = attention + h * dv
                    for c in 0..<K where N[nBase + c] > 0 {
                        let e = expf(scores[c] - m)
                        den += e * N[nBase + c]
                        BLAS.axpy(dv, e, U.base + (nBase + c) * dv, oh)
                    }
                    let inv = 1 / den
                    for k in 0..<dv { oh[k] *= inv }
                }
            }
        }
        return caches.withUserFeatures(of: u) { network.headLogit(input: x, attention: attention, userFeatures: $0, scratch: scratch) }
    }
}
