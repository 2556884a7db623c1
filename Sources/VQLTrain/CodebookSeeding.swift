import VQLCore
import VQLData
import VQLModel

/// Chooses codeword seeds identically on every rank without communication: items are drawn
/// by popularity (event counts, which every rank has) from a stream derived from the seed,
/// and their keys are computed with the replicated parameters.
public struct CodebookSeeding {
    let cumulative: [Int64]
    /// Items with at least one event: the most distinct items a draw can give.
    let itemsWithEvents: Int

    public init(dataset: PreparedDataset) {
        self.init(eventCounts: (0..<dataset.itemCount).map { dataset.itemEventCount[$0] })
    }

    /// Draws item i with probability ∝ `eventCounts[i]`.
    init(eventCounts: [Int64]) {
        var c = [Int64](repeating: 0, count: eventCounts.count)
        var s: Int64 = 0
        for (i, n) in eventCounts.enumerated() { s += n; c[i] = s }
        cumulative = c
        itemsWithEvents = eventCounts.filter { $0 > 0 }.count
    }

    /// An item drawn with probability ∝ its event count.
    func draw(_ rng: inout RandomSource) -> Int32 {
        guard let total = cumulative.last, total > 0 else { return Int32(rng.below(max(cumulative.count, 1))) }
        let x = Int64(rng.next() % UInt64(total))
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return Int32(lo)
    }

    /// `n` items drawn by popularity, distinct while there are items with events left to
    /// draw: two codewords seeded from one item are the same point, and which of them a key
    /// goes to is then decided by rounding (np=1 and np=2 split such keys differently).
    func drawDistinct(_ n: Int, _ rng: inout RandomSource) -> [Int32] {
        var items: [Int32] = [], seen = Set<Int32>()
        var attempts = 0
        while items.count < n {
            let item = draw(&rng)
            attempts += 1
            // Once every item with events is drawn (or after many misses), repeats are allowed.
            if seen.insert(item).inserted || seen.count >= itemsWithEvents || attempts > 64 * n { items.append(item) }
        }
        return items
    }

    /// Seeds every codeword from the key of a popularity-drawn item, distinct within a group.
    public func initialize(_ net: VQLNetwork, seed: UInt64) {
        guard let cb = net.codebooks else { return }
        var rng = RandomSource.derive(seed: seed, stream: 0xC0DE)
        let items = (0..<cb.groups).flatMap { _ in drawDistinct(cb.size, &rng) }
        let keys = net.keys(ofItems: items)
        let kw = net.shape.keyWidth
        keys.withUnsafeBufferPointer { k in
            for g in 0..<cb.groups {
                for c in 0..<cb.size { cb.seed(group: g, code: c, key: k.base + (g * cb.size + c) * kw + g * cb.width) }
            }
        }
    }

    /// Re-seeds codes whose EMA count fell below `fraction` × the group's mean count.
    /// Returns how many were re-seeded.
    @discardableResult
    public func reseedDeadCodes(_ net: VQLNetwork, fraction: Float, seed: UInt64, step: Int) -> Int {
        guard let cb = net.codebooks else { return 0 }
        var mean: Float = 0
        for i in 0..<(cb.groups * cb.size) { mean += cb.emaCounts[i] }
        mean /= Float(cb.groups * cb.size)
        let dead = cb.deadCodes(threshold: fraction * mean)
        if dead.isEmpty { return 0 }
        var rng = RandomSource.derive(seed: seed, stream: 0x5EED, index: UInt64(step))
        let items = drawDistinct(dead.count, &rng)
        let keys = net.keys(ofItems: items)
        let kw = net.shape.keyWidth
        keys.withUnsafeBufferPointer { k in
            for (i, d) in dead.enumerated() { cb.seed(group: d.group, code: d.code, key: k.base + i * kw + d.group * cb.width) }
        }
        return dead.count
    }
}
