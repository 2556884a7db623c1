import Foundation
import VQLCore
import VQLModel

/// Per-user serving state of a baseline encoder, built once per user (query-independent).
public struct BaselineUserState: Sendable {
    /// Raw history, oldest first (times in ms).
    public var items: [Int32]
    public var times: [Int64]
    /// `sim_hard`: positions of each tag's events, ascending (the SIM per-user tag index).
    public var positionsByTag: [Int32: [Int32]] = [:]
    /// `mean`: mean_j v_j [H·d_v] (the whole answer: the encoder has no query).
    public var meanValue: [Float] = []
    /// The user's feature values (`ModelShape.userFeatures` order); empty: every feature missing.
    public var userFeatures: [Int32] = []

    /// Bytes a server keeps for this user: the events as (item i32, time i64) — for `recent`
    /// only the last S — plus the tag index (one i32 per (event, tag)) for `sim_hard`; for
    /// `mean` only the H·d_v floats of the mean value.
    public var bytes = 0
}

/// Serving-time scoring of one candidate for the baseline encoders (`full`, `recent`,
/// `sim_hard`, `topk`, `mean`): the same arithmetic as the training forward with t_q = now,
///
///     a_{j,h} = q_h·k_{j,h}/√d_h + λ_h (t_j − now)/τ + b_h(j),  o_h = Σ_{j∈J} softmax_J(a)_j v_{j,h}
///
/// over the selected positions J, with every item's x, k, v, b precomputed (`ItemVectors`).
/// Costs per candidate: `full` O(L·H·(d_h+d_v)); `recent` O(S·…); `sim_hard` a merge of the
/// target's tag lists (O(k·tags)) then O(k·…); `topk` the retrieval q·k over all L
/// (O(L·H·d_h), heap of size k) then O(k·H·d_v); `mean` only the MLP.
public final class BaselineScorer: @unchecked Sendable {
    public let network: VQLNetwork
    public let vectors: ItemVectors
    public let queries: [Float]
    let decayPerMs: [Float]
    private let scratch: UnsafeMutablePointer<Float>
    private let attention: UnsafeMutablePointer<Float>
    private var dots: [Float] = [], logits: [Float] = [], selected: [Int] = [], heap: [(Float, Int)] = []

    public init(network: VQLNetwork, vectors: ItemVectors) {
        precondition(network.shape.encoder != .vq, "the vq encoder serves from its cache (CachedScorer)")
        self.network = network
        self.vectors = vectors
        queries = network.queries(inputs: vectors.inputs, count: vectors.count)
        let s = network.shape
        decayPerMs = network.decays().map { Float(Double($0) / (s.timeUnitSeconds * 1000)) }
        scratch = .allocate(capacity: s.mlpInputDim + 2 * (s.mlp.max() ?? 1) + 1)
        attention = .allocate(capacity: s.valueWidth)
    }

    deinit { scratch.deallocate(); attention.deallocate() }

    /// The query-independent state of a user with history (items, times), oldest first, and
    /// feature values `userFeatures` (empty: missing).
    public func prepare(items: [Int32], times: [Int64], userFeatures: [Int32] = []) -> BaselineUserState {
        var state = prepareHistory(items: items, times: times)
        state.userFeatures = userFeatures
        state.bytes += 4 * userFeatures.count
        return state
    }

    private func prepareHistory(items: [Int32], times: [Int64]) -> BaselineUserState {
        let s = network.shape
        var state = BaselineUserState(items: items, times: times)
        state.bytes = 12 * items.count
        switch s.encoder {
        case .recent:
            state = BaselineUserState(items: Array(items.suffix(s.recentLength)), times: Array(times.suffix(s.recentLength)))
            state.bytes = 12 * state.items.count
        case .simHard:
            let tags = network.itemTags
            for (j, i) in items.enumerated() {
                for t in Int(tags.offsets[Int(i)])..<Int(tags.offsets[Int(i) + 1]) {
                    state.positionsByTag[tags.tags[t], default: []].append(Int32(j))
                    state.bytes += 4
                }
            }
        case .mean:
            var m = [Float](repeating: 0, count: s.valueWidth)
            for i in items { for k in 0..<s.valueWidth { m[k] += vectors.values[Int(i) * s.valueWidth + k] } }
            if !items.isEmpty { for k in 0..<m.count { m[k] /= Float(items.count) } }
            state = BaselineUserState(items: [], times: [], meanValue: m)
            state.bytes = 4 * m.count
        default: break
        }
        return state
    }

    /// The logit of candidate `item` for the user of `state`. The request time cancels in the
    /// softmax, so times are taken relative to the user's last event.
    public func logit(item: Int, user state: BaselineUserState) -> Float {
        let s = network.shape, L = state.items.count
        attention.update(repeating: 0, count: s.valueWidth)
        if s.encoder == .mean {
            state.meanValue.withUnsafeBufferPointer { attention.update(from: $0.base, count: s.valueWidth) }
        } else if L > 0 {
            selected.removeAll(keepingCapacity: true)
            switch s.encoder {
            case .recent: selected.append(contentsOf: max(0, L - s.recentLength)..<L)
            case .simHard: selectSameTag(item: item, state: state, k: s.retrieveK)
            case .topk: selectTopK(item: item, state: state, k: s.retrieveK)
            default: selected.append(contentsOf: 0..<L)
            }
            attend(item: item, state: state, dotsReady: s.encoder == .topk)
        }
        return vectors.inputs.withUnsafeBufferPointer { X in
            state.userFeatures.withUnsafeBufferPointer { uf in
                network.headLogit(input: X.base + item * s.inputDim, attention: attention, userFeatures: uf.isEmpty ? nil : uf.baseAddress, scratch: scratch)
            }
        }
    }

    /// dots[j·H + h] = q_h·k_{j,h}/√d_h for positions `js`.
    private func headDots(item: Int, state: BaselineUserState, positions js: some Sequence<Int>) {
        let s = network.shape, H = s.heads, dh = s.keyDim, kw = s.keyWidth
        let scale = 1 / Float(dh).squareRoot()
        if dots.count < state.items.count * H { dots = [Float](repeating: 0, count: state.items.count * H) }
        queries.withUnsafeBufferPointer { Q in
            vectors.keys.withUnsafeBufferPointer { K in
                dots.withUnsafeMutableBufferPointer { d in
                    let q = Q.base + item * kw
                    for j in js {
                        let k = K.base + Int(state.items[j]) * kw
                        for h in 0..<H { d[j * H + h] = scale * BLAS.dot(dh, q + h * dh, k + h * dh) }
                    }
                }
            }
        }
    }

    /// SIM hard search: the last k positions carrying one of the target's tags.
    private func selectSameTag(item: Int, state: BaselineUserState, k: Int) {
        let tags = network.itemTags
        for t in Int(tags.offsets[item])..<Int(tags.offsets[item + 1]) {
            if let list = state.positionsByTag[tags.tags[t]] { for p in list.suffix(k) { selected.append(Int(p)) } }
        }
        selected.sort()
        var out = 0
        for p in selected where out == 0 || selected[out - 1] != p { selected[out] = p; out += 1 }
        selected.removeLast(selected.count - out)
        if selected.count > k { selected.removeFirst(selected.count - k) }
    }

    /// Retrieval: the k positions of largest Σ_h q_h·k_{j,h}/√d_h (ties: the more recent),
    /// with a min-heap of size k; the per-head dots are kept for the attention.
    private func selectTopK(item: Int, state: BaselineUserState, k: Int) {
        let H = network.shape.heads, L = state.items.count
        headDots(item: item, state: state, positions: 0..<L)
        if L <= k { selected.append(contentsOf: 0..<L); return }
        heap.removeAll(keepingCapacity: true)
        func less(_ a: (Float, Int), _ b: (Float, Int)) -> Bool { a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
        for j in 0..<L {
            var score: Float = 0
            for h in 0..<H { score += dots[j * H + h] }
            let e = (score, j)
            if heap.count < k {
                heap.append(e)
                var c = heap.count - 1
                while c > 0, less(heap[c], heap[(c - 1) / 2]) { heap.swapAt(c, (c - 1) / 2); c = (c - 1) / 2 }
            } else if less(heap[0], e) {
                heap[0] = e
                var c = 0
                while true {
                    let l = 2 * c + 1, r = l + 1
                    var m = c
                    if l < k && less(heap[l], heap[m]) { m = l }
                    if r < k && less(heap[r], heap[m]) { m = r }
                    if m == c { break }
                    heap.swapAt(c, m); c = m
                }
            }
        }
        for e in heap { selected.append(e.1) }
        selected.sort()
    }

    /// o_h = Σ_{j ∈ selected} softmax(a_{·,h})_j v_{j,h}.
    private func attend(item: Int, state: BaselineUserState, dotsReady: Bool) {
        let s = network.shape, H = s.heads, dv = s.valueDim, vw = s.valueWidth
        if !dotsReady { headDots(item: item, state: state, positions: selected) }
        let n = selected.count
        if logits.count < n { logits = [Float](repeating: 0, count: n) }
        vectors.values.withUnsafeBufferPointer { V in
            logits.withUnsafeMutableBufferPointer { a in
                for h in 0..<H {
                    for (r, j) in selected.enumerated() {
                        let i = Int(state.items[j])
                        a[r] = dots[j * H + h] + decayPerMs[h] * Float(state.times[j] - state.times[state.items.count - 1])
                            + vectors.bias[i * H + h]
                    }
                    Softmax.forwardInPlace(a.base, n)
                    let oh = attention + h * dv
                    for (r, j) in selected.enumerated() { BLAS.axpy(dv, a[r], V.base + Int(state.items[j]) * vw + h * dv, oh) }
                }
            }
        }
    }
}
