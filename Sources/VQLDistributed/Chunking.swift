/// How one logical collective is split into MPI calls whose counts fit in `Int32`.
///
/// MPI takes element counts (and displacements) as C `int`. Buffers longer than
/// `limit` elements are processed as consecutive chunks; the limit is `Int32.max` in
/// production and lowered in tests (and by `vql debug collectives --max-chunk`) so the
/// chunked paths run on small data.
enum Chunking {
    /// Calls `body(offset, length)` for consecutive chunks covering `0..<count`, each at
    /// most `limit` long. Does nothing for `count == 0`. Every rank computes the same
    /// chunks from the same `count`, so the MPI calls line up across ranks.
    static func forEachChunk(count: Int, limit: Int, _ body: (_ offset: Int, _ length: Int32) -> Void) {
        precondition(limit >= 1 && limit <= Int(Int32.max), "chunk limit \(limit) outside 1...Int32.max")
        var offset = 0
        while offset < count {
            let n = min(limit, count - offset)
            body(offset, Int32(n))
            offset += n
        }
    }

    /// The chunks `forEachChunk` would visit, as ranges (for tests and diagnostics).
    static func ranges(count: Int, limit: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        forEachChunk(count: count, limit: limit) { offset, n in out.append(offset..<(offset + Int(n))) }
        return out
    }
}

/// The plan for a variable-count gather (allgatherv / gatherv) given every rank's count.
///
/// Fast path: when the total fits in one call (`total <= limit`), one `MPI_Allgatherv`
/// / `MPI_Gatherv` writes straight into the result with `Int32` displacements.
/// Otherwise the gather runs in *rounds*: in round r each rank contributes elements
/// `[r*q, (r+1)*q)` of its own data (clipped), with `q = max(1, budget / ranks)` and
/// `budget = min(limit, roundBudgetCap)`, so a round moves at most `max(budget, ranks)`
/// elements and all its counts and displacements fit in `Int32`. The round lands in a
/// scratch buffer (bounded by the cap, 256 MiB of floats) on receiving ranks and is
/// copied to its final place.
/// Chosen over per-rank broadcasts because it keeps every rank sending concurrently.
struct GatherPlan: Equatable {
    let counts: [Int]
    /// Where each rank's block starts in the concatenated result.
    let offsets: [Int]
    let total: Int
    /// Elements per rank per round (only meaningful when `!singleCall`).
    let perRound: Int
    let rounds: Int
    let singleCall: Bool

    /// Upper bound on elements per round, so the scratch buffer stays modest even though
    /// the single-call limit is `Int32.max`.
    static let roundBudgetCap = 1 << 26

    init(counts: [Int], limit: Int) {
        precondition(limit >= 1 && limit <= Int(Int32.max), "chunk limit \(limit) outside 1...Int32.max")
        self.counts = counts
        var offsets: [Int] = []
        offsets.reserveCapacity(counts.count)
        var running = 0
        for c in counts { offsets.append(running); running += c }
        self.offsets = offsets
        total = running
        singleCall = running <= limit
        perRound = max(1, min(limit, GatherPlan.roundBudgetCap) / max(1, counts.count))
        let largest = counts.max() ?? 0
        rounds = singleCall ? (running > 0 ? 1 : 0) : (largest + perRound - 1) / perRound
    }

    /// The slice of `rank`'s own data it sends in `round` (rounds path).
    func slice(rank: Int, round: Int) -> Range<Int> {
        let lo = min(counts[rank], round * perRound)
        let hi = min(counts[rank], lo + perRound)
        return lo..<hi
    }
}
