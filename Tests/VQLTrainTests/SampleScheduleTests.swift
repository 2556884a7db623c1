import Testing
@testable import VQLTrain

struct SampleScheduleTests {
    /// Every epoch is a permutation of the targets, and a different one each epoch.
    @Test(arguments: [(1000, 64), (1003, 64), (50, 64), (64, 64)])
    func epochsArePermutations(n: Int, batch: Int) {
        var s = SampleSchedule(sampleCount: n, batchSize: batch, seed: 7)
        let steps = (3 * n + batch - 1) / batch
        let all = (0..<steps).flatMap { s.indices(step: $0) }
        for e in 0..<3 { #expect(Array(all[(e * n)..<((e + 1) * n)]).sorted() == Array(0..<n)) }
        if n > 1 { #expect(all[0..<n] != all[n..<(2 * n)]) }
    }

    /// Every batch draws one target from each of the B contiguous strata (where it straddles
    /// two rounds too), so a contiguous range of targets gets its share of every batch to
    /// within the two strata cut by the range's ends.
    @Test(arguments: [1000, 1003, 1200])
    func batchesAreStratified(n: Int) {
        let batch = 64
        var s = SampleSchedule(sampleCount: n, batchSize: batch, seed: 3)
        let range = 137..<(137 + n / 3), share = Double(range.count) * Double(batch) / Double(n)
        for step in 0..<(n / batch) {   // the full batches of the first epoch
            let idx = s.indices(step: step)
            let strata = idx.map { k in (0..<batch).last { $0 * n / batch <= k }! }
            #expect(Set(strata).count == batch, "step \(step): strata \(strata.sorted())")
            let inRange = idx.filter { range.contains($0) }.count
            #expect(abs(Double(inRange) - share) <= 2, "step \(step): \(inRange) of the range, share \(share)")
        }
    }

    /// The same (seed, step) gives the same batch whatever was asked before.
    @Test func batchesDependOnlyOnSeedAndStep() {
        var a = SampleSchedule(sampleCount: 777, batchSize: 32, seed: 5)
        var b = SampleSchedule(sampleCount: 777, batchSize: 32, seed: 5)
        _ = a.indices(step: 60)
        #expect(a.indices(step: 3) == b.indices(step: 3))
        #expect(a.indices(step: 50) == b.indices(step: 50))
    }
}
