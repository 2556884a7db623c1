import Testing
@testable import VQLDistributed

/// Splitting long buffers into Int32-sized MPI calls, and the variable-gather plan.
@Suite struct ChunkingTests {
    @Test func chunksCoverExactlyOnce() {
        #expect(Chunking.ranges(count: 0, limit: 4).isEmpty)
        #expect(Chunking.ranges(count: 3, limit: 4) == [0..<3])
        #expect(Chunking.ranges(count: 8, limit: 4) == [0..<4, 4..<8])
        #expect(Chunking.ranges(count: 9, limit: 4) == [0..<4, 4..<8, 8..<9])
        #expect(Chunking.ranges(count: 5, limit: 1).count == 5)
    }

    @Test func productionLimitHandlesHugeCounts() {
        let big = Int(Int32.max) * 2 + 5
        let r = Chunking.ranges(count: big, limit: Int(Int32.max))
        #expect(r.count == 3)
        #expect(r.last == (Int(Int32.max) * 2)..<big)
    }

    @Test func planSingleCallWhenTotalFits() {
        let p = GatherPlan(counts: [3, 0, 2], limit: 5)
        #expect(p.singleCall)
        #expect(p.offsets == [0, 3, 3])
        #expect(p.total == 5)
        #expect(p.rounds == 1)
        #expect(GatherPlan(counts: [0, 0], limit: 5).rounds == 0)
    }

    @Test func planRoundsCoverEveryRankExactlyOnce() {
        let counts = [7, 0, 3, 11]
        let p = GatherPlan(counts: counts, limit: 8)
        #expect(!p.singleCall)
        #expect(p.perRound == 2)
        #expect(p.rounds == 6)
        for r in counts.indices {
            var covered: [Int] = []
            for round in 0..<p.rounds {
                let s = p.slice(rank: r, round: round)
                #expect(s.count <= p.perRound)
                covered += Array(s)
            }
            #expect(covered == Array(0..<counts[r]))
        }
    }

    @Test func roundsStayBoundedWithTinyLimit() {
        // limit smaller than the number of ranks: one element per rank per round.
        let p = GatherPlan(counts: [2, 1, 2], limit: 1)
        #expect(p.perRound == 1)
        #expect(p.rounds == 2)
    }
}
