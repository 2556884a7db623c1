import VQLCore

/// The collectives the item-sharded step needs, implemented by the trainer over MPI.
/// Every rank must call them in the same order with the same counts where stated.
public protocol ItemWorkExchange {
    var rank: Int { get }
    var size: Int { get }
    /// Concatenation, in rank order, of every rank's `values`.
    func allgather(_ values: [Int32]) -> [Int32]
    func allgather(_ values: UnsafeBufferPointer<Float>) -> [Float]
    /// In-place sum over ranks; `count` is the same on every rank.
    func allreduceSum(_ values: UnsafeMutablePointer<Float>, count: Int)
}

/// Per-item work split across ranks (DESIGN §7 with data parallelism): with long histories
/// every rank's share of a batch touches almost every item, so computing keys, values,
/// static biases and codes per *local* distinct item would repeat the same work on every
/// rank. Instead the union of the ranks' distinct items (sorted by id) is cut into one
/// contiguous chunk per rank; each rank computes its chunk and the rows are allgathered.
/// In backward the per-item gradients (dk, dv, db) and occurrence counts are summed over
/// ranks and each rank back-propagates its own chunk through the projections.
final class ItemShard {
    /// union[i] = item id, sorted ascending; unionIndex[item] = i (reset after use)
    var union: [Int32] = []
    var unionIndex: [Int32] = []
    var chunk = 0..<0
    /// Own chunk activations: x, raw keys, keys (normalised), rstd, codes.
    let x = ScratchBuffer(), raw = ScratchBuffer(), keys = ScratchBuffer(), rstd = ScratchBuffer()
    var codes: [Int32] = []
    /// Own chunk gradients after the reduction: [rows, kw + vw + H + 1].
    let reduced = ScratchBuffer()
    let dRaw = ScratchBuffer(), dX = ScratchBuffer()
    /// Set by a sharded forward; backward and the codebook statistics follow it.
    var exchange: ItemWorkExchange?
    var targets: [Int32] = []

    /// Floats per exchanged forward row: key, value, static bias, codes (as bit patterns).
    static func rowWidth(_ s: ModelShape) -> Int { s.keyWidth + s.valueWidth + s.heads + s.groups }
    /// Floats per reduced backward row: dk, dv, db, occurrences.
    static func gradientWidth(_ s: ModelShape) -> Int { s.keyWidth + s.valueWidth + s.heads + 1 }

    func buildUnion(localItems: [Int32], exchange ex: ItemWorkExchange, itemCount: Int) {
        if unionIndex.count != itemCount { unionIndex = [Int32](repeating: -1, count: itemCount) }
        for item in union { unionIndex[Int(item)] = -1 }
        union = Array(Set(ex.allgather(localItems))).sorted()
        for (i, item) in union.enumerated() { unionIndex[Int(item)] = Int32(i) }
        let n = union.count, p = ex.size, r = ex.rank
        chunk = (n * r / p)..<(n * (r + 1) / p)
    }
}
