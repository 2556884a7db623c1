import VQLCore

/// The collectives the item-sharded step needs, implemented by the trainer over MPI.
/// Every rank must call them in the same order with the same counts where stated.
public protocol ItemWorkExchange {
    var rank: Int { get }
    var size: Int { get }
    /// Concatenation, in rank order, of every rank's `values`, and each rank's count.
    func allgather(_ values: [Int32]) -> (values: [Int32], counts: [Int])
    /// Concatenation of every rank's `values`, whose lengths `counts` every rank knows.
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float]
    /// Sums `values` (length Σ counts on every rank) over ranks; this rank's block of the
    /// sum goes to `block`. `values` may be overwritten.
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>)
    /// With every rank on one machine: memory for the exchanged rows and for the slots'
    /// gradients that the ranks read from each other in place, instead of `allgather`'s and
    /// `reduceScatterSum`'s copies. nil: the copies.
    var rowMemory: PeerMemory? { get }
    var gradientMemory: PeerMemory? { get }
}

extension ItemWorkExchange {
    public var rowMemory: PeerMemory? { nil }
    public var gradientMemory: PeerMemory? { nil }
}

/// One segment of floats per rank, each readable by every rank (shared memory on one machine).
public protocol PeerMemory: AnyObject {
    /// Collective, with the same `count` on every rank: every segment holds ≥ `count` floats
    /// (contents are lost when it grows).
    func reserve(_ count: Int)
    /// This rank's segment, the only one it writes.
    var own: UnsafeMutablePointer<Float> { get }
    /// Rank `r`'s segment.
    func segment(of r: Int) -> UnsafePointer<Float>
    /// Collective: the writes of every rank before it are visible to every rank after it.
    func synchronize()
}

/// Per-item work split across ranks (DESIGN §7 with data parallelism): with long histories
/// every rank's share of a batch touches almost every item, so computing keys, values,
/// static biases and codes per *local* distinct item would repeat the same work on every
/// rank. Instead the union of the ranks' distinct items (in order of first appearance in the
/// gathered lists, the same on every rank) is cut into one
/// contiguous chunk per rank; each rank computes its chunk and the rows are allgathered.
/// In backward the per-item gradients (dk, dv, db) and occurrence counts are summed over
/// ranks and each rank back-propagates its own chunk through the projections.
final class ItemShard {
    /// union[i] = item id, in first-appearance order; unionIndex[item] = i (reset after use)
    var union: [Int32] = []
    var unionIndex: [Int32] = []
    var chunk = 0..<0
    /// Every rank's chunk (`chunk` is this rank's).
    var chunks: [Range<Int>] = []
    /// Own chunk activations: x, raw keys, keys (normalised), rstd, codes.
    let x = ScratchBuffer(), raw = ScratchBuffer(), keys = ScratchBuffer(), rstd = ScratchBuffer()
    /// Own chunk's rows as sent (`rowWidth` floats each).
    let rows = ScratchBuffer()
    var codes: [Int32] = []
    /// Own chunk gradients after the reduction: [rows, `gradientWidth`] (messages only).
    let reduced = ScratchBuffer()
    /// Own chunk's summed occurrences and commitment weights, one float per item each.
    let occurrences = ScratchBuffer(), commitWeights = ScratchBuffer()
    let dRaw = ScratchBuffer(), dX = ScratchBuffer()
    /// Every rank's distinct items in its slot order, concatenated in rank order, and where
    /// each rank's list starts (`ranks + 1` entries).
    var gathered: [Int32] = []
    var gatheredStarts: [Int] = []
    /// Scratch of `sumSlotGradients`: where each chunk item lies in each rank's slots.
    var slotIn: [Int32] = []
    /// Floats this rank has read from other ranks' `PeerMemory` segments, in all.
    var peerFloatsRead = 0
    /// The most slots any rank has this step: the stride of the slot gradients in `PeerMemory`.
    var slotCapacity: Int { zip(gatheredStarts, gatheredStarts.dropFirst()).map { $1 - $0 }.max() ?? 0 }
    /// Set by a sharded forward; backward and the codebook statistics follow it.
    var exchange: ItemWorkExchange?
    var targets: [Int32] = []
    /// Commitment loss sum of this rank's chunk (with the global weights), set by backward.
    var commitment = 0.0

    /// Floats per exchanged forward row: key, value, static bias; with codebooks no key but
    /// the codes (as bit patterns): `vq` attention reads only codes and q·C, and the
    /// commitment term, the one use of the key itself, is computed by the key's owner.
    static func rowWidth(_ s: ModelShape, quantized: Bool) -> Int {
        (quantized ? s.groups : s.keyWidth) + s.valueWidth + s.heads
    }
    /// Floats per reduced backward row: dk, dv, db, occurrences, commitment weight.
    static func gradientWidth(_ s: ModelShape) -> Int { s.keyWidth + s.valueWidth + s.heads + 2 }

    /// Gathers every rank's distinct items, forms the union and this rank's chunk of it
    /// (`evenChunks`). Every rank gathers the same lists, so every rank builds the same union
    /// without sorting it.
    func buildUnion(localItems: [Int32], exchange ex: ItemWorkExchange, itemCount: Int) {
        if unionIndex.count != itemCount { unionIndex = [Int32](repeating: -1, count: itemCount) }
        for item in union { unionIndex[Int(item)] = -1 }
        let (all, counts) = ex.allgather(localItems)
        gathered = all
        gatheredStarts = [0]
        for c in counts { gatheredStarts.append(gatheredStarts.last! + c) }
        union.removeAll(keepingCapacity: true)
        for item in all where unionIndex[Int(item)] < 0 {
            unionIndex[Int(item)] = Int32(union.count)
            union.append(item)
        }
        chunks = Self.evenChunks(items: union.count, ranks: ex.size)
        chunk = chunks[ex.rank]
    }

    /// `n` items cut into `p` contiguous chunks whose sizes differ by at most one.
    ///
    /// Even, not levelled against the ranks' sample work: the step meets at the rows'
    /// allgather, at the gradients' reduce-scatter and at the gradient exchange, so its time
    /// is the slowest rank's item forward plus the slowest rank's samples plus the slowest
    /// rank's item backward. Giving the rank with fewer samples more items equalises the
    /// ranks' totals but lengthens the item stretches by as much (measured: np=2 on the demo
    /// config, even was faster in 11 of 16 alternated pairs, median +8%).
    static func evenChunks(items n: Int, ranks p: Int) -> [Range<Int>] {
        (0..<p).map { (n * $0 / p)..<(n * ($0 + 1) / p) }
    }
}
