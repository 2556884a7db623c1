/// Which history positions of a sample the attention sees (DESIGN §3 "Encoders"). The
/// baselines `recent`, `sim_hard` and `topk` are the `full` attention restricted to a
/// per-sample subset J_s of positions; every other encoder sees all of them:
///
///     recent:   J = the last S positions
///     sim_hard: J = the last k positions j with tags(item_j) ∩ tags(target) ≠ ∅
///     topk:     J = the k positions of largest Σ_h q_h·k_{j,h}/√d_h (ties: the more recent)
///
/// Positions stay oldest first. The selection is a hard, non-differentiable choice: the
/// gradient flows through the selected positions only (as in SIM and ETA).
enum HistorySelection {
    /// Positions of the sample's history [lo, hi) kept before keys are known (`recent`,
    /// `sim_hard`; `topk` keeps everything here and selects after the keys). Appends to `out`.
    static func select(_ encoder: EncoderKind, shape: ModelShape, tags: ItemTags, target: Int32,
                       items: UnsafePointer<Int32>, lo: Int, hi: Int, into out: inout [Int]) {
        switch encoder {
        case .recent:
            out.append(contentsOf: max(lo, hi - shape.recentLength)..<hi)
        case .simHard:
            let t0 = Int(tags.offsets[Int(target)]), t1 = Int(tags.offsets[Int(target) + 1])
            let start = out.count
            var j = hi - 1
            while j >= lo && out.count - start < shape.retrieveK {
                if sharesTag(Int(items[j]), t0, t1, tags) { out.append(j) }
                j -= 1
            }
            out[start...].reverse()
        case .vq, .full, .topk, .mean:
            out.append(contentsOf: lo..<hi)
        }
    }

    /// Whether `select` keeps every position for this encoder (all but the baselines that
    /// select before the keys are known).
    static func keepsEveryPosition(_ encoder: EncoderKind) -> Bool {
        switch encoder {
        case .recent, .simHard: return false
        case .vq, .full, .topk, .mean: return true
        }
    }

    /// Whether item i has a tag among tags[t0 ..< t1] (the target's tags; none ⇒ false).
    @inline(__always)
    static func sharesTag(_ i: Int, _ t0: Int, _ t1: Int, _ tags: ItemTags) -> Bool {
        let a0 = Int(tags.offsets[i]), a1 = Int(tags.offsets[i + 1])
        for a in a0..<a1 {
            for b in t0..<t1 where tags.tags[a] == tags.tags[b] { return true }
        }
        return false
    }

    /// Indices (into 0..<L, ascending) of the k largest `scores[0..<L]`; on ties the later
    /// (more recent) position wins. `order` is scratch.
    static func topK(_ scores: UnsafePointer<Float>, count L: Int, k: Int, order: inout [Int]) -> ArraySlice<Int> {
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<L)
        if L <= k { return order[...] }
        order.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }
        order.removeLast(L - k)
        order.sort()
        return order[...]
    }
}
