import Testing
import VQLCore
@testable import VQLTrain

/// Codeword seeds: distinct items while there are enough items with events, so that no two
/// codewords of a group start as the same point.
struct CodebookSeedingTests {
    /// One very popular item among many rare ones: plain popularity draws repeat it.
    let counts: [Int64] = [1000] + [Int64](repeating: 1, count: 30) + [0, 0]

    @Test func drawsAreDistinctWhileItemsLast() {
        let seeding = CodebookSeeding(eventCounts: counts)
        var rng = RandomSource(seed: 5)
        let items = seeding.drawDistinct(16, &rng)
        #expect(items.count == 16 && Set(items).count == 16, "\(items)")
        #expect(items.allSatisfy { counts[Int($0)] > 0 }, "an item without events was drawn: \(items)")
        #expect(items.contains(0), "the popular item is among the first draws")
    }

    @Test func moreCodesThanItemsRepeatOnlyAfterEveryItemIsUsed() {
        let seeding = CodebookSeeding(eventCounts: [5, 0, 3])
        var rng = RandomSource(seed: 9)
        let items = seeding.drawDistinct(6, &rng)
        #expect(items.count == 6)
        #expect(Array(Set(items.prefix(2))).sorted() == [0, 2], "the first two draws are the two items with events: \(items)")
        #expect(!items.contains(1))
    }
}
