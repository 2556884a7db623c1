import Foundation
import VQLCore
import VQLModel

/// The serving path without a cache: target attention over the user's raw history,
/// O(L·H·(d_h + d_v)) per candidate, with every item's key, value and static bias
/// precomputed (the fairest version of full attention at serving time).
public final class RawHistoryScorer: @unchecked Sendable {
    public let network: VQLNetwork
    let vectors: ItemVectors
    let queries: [Float]
    let decayPerMs: [Double]
    private let scratch: UnsafeMutablePointer<Float>
    private let attention: UnsafeMutablePointer<Float>
    private var weights: [Float] = []

    public init(network: VQLNetwork, vectors: ItemVectors) {
        self.network = network
        self.vectors = vectors
        queries = network.queries(inputs: vectors.inputs, count: vectors.count)
        let s = network.shape
        decayPerMs = network.decays().map { Double($0) / (s.timeUnitSeconds * 1000) }
        scratch = .allocate(capacity: s.mlpInputDim + 2 * (s.mlp.max() ?? 1) + 1)
        attention = .allocate(capacity: s.valueWidth)
    }

    deinit { scratch.deallocate(); attention.deallocate() }

    /// logit of `item` for a user whose history is (items, times), at request time `now`, with
    /// feature values `userFeatures` (nil: missing).
    public func logit(item: Int, history items: UnsafeBufferPointer<Int32>, times: UnsafeBufferPointer<Int64>, now: Int64,
                      userFeatures: UnsafePointer<Int32>? = nil) -> Float {
        let s = network.shape, H = s.heads, dh = s.keyDim, dv = s.valueDim, kw = s.keyWidth, vw = s.valueWidth
        let L = items.count, scale = 1 / Float(dh).squareRoot()
        if weights.count < L { weights = [Float](repeating: 0, count: L) }
        attention.update(repeating: 0, count: vw)
        queries.withUnsafeBufferPointer { Q in
            vectors.keys.withUnsafeBufferPointer { Kp in
                vectors.values.withUnsafeBufferPointer { V in
                    weights.withUnsafeMutableBufferPointer { w in
                        let q = Q.base + item * kw
                        for h in 0..<H where L > 0 {
                            for j in 0..<L {
                                let i = Int(items[j])
                                w[j] = scale * BLAS.dot(dh, q + h * dh, Kp.base + i * kw + h * dh)
                                    + Float(decayPerMs[h] * Double(times[j] - now)) + vectors.bias[i * H + h]
                            }
                            Softmax.forwardInPlace(w.base, L)
                            let oh = attention + h * dv
                            for j in 0..<L { BLAS.axpy(dv, w[j], V.base + Int(items[j]) * vw + h * dv, oh) }
                        }
                    }
                }
            }
        }
        return vectors.inputs.withUnsafeBufferPointer { X in
            network.headLogit(input: X.base + item * s.inputDim, attention: attention, userFeatures: userFeatures, scratch: scratch)
        }
    }
}
