import Foundation
import Testing
import VQLData
@testable import VQLTrain

struct UserShardingTests {
    /// Contiguous ranges cut nearest r·A/ranks of the attended events: ranks own consecutive
    /// user ids, every boundary is within half a user of its target (so a rank's load is
    /// within one user's attended events of A/ranks), every user has exactly one owner, the
    /// loads are what the training targets attend, and the record says so.
    @Test(arguments: [1, 2, 3, 5])
    func contiguousBalancedAndRecorded(ranks: Int) throws {
        let d = try PreparedDataset(directory: TrainerFixture.preparedDirectory)
        let split = DatasetSplit(dataset: d, settings: SplitSettings(validFraction: 0.1, testFraction: 0.1, minHistory: 1))
        let maxLength = 16
        let s = UserSharding(dataset: d, trainTargets: split.train, maxLength: maxLength, ranks: ranks)
        var attended = [Int](repeating: 0, count: d.userCount)
        for e in split.train {
            let u = Int(d.eventUser[Int(e)])
            attended[u] += min(Int(e - d.userOffsets[u]), maxLength) + 1
        }
        #expect(s.eventsPerRank.reduce(0, +) == d.eventCount)
        #expect(s.attendedEventsPerRank.reduce(0, +) == attended.reduce(0, +))
        #expect(zip(s.owner, s.owner.dropFirst()).allSatisfy { $0 <= $1 }, "owners not contiguous")
        #expect(s.owner.allSatisfy { $0 >= 0 && Int($0) < ranks })
        for r in 0..<ranks {
            let mine = (0..<d.userCount).filter { s.owner[$0] == r }
            #expect(s.attendedEventsPerRank[r] == mine.reduce(0) { $0 + attended[$1] })
        }
        let share = Double(attended.reduce(0, +)) / Double(ranks)
        for load in s.attendedEventsPerRank {
            #expect(abs(Double(load) - share) <= Double(attended.max()!), "loads \(s.attendedEventsPerRank)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(s.record(ranks: ranks).utf8)) as? [String: Any]
        #expect(json?["attended_events_per_rank"] as? [Int] == s.attendedEventsPerRank)
        #expect(json?["events_per_rank"] as? [Int] == s.eventsPerRank)
        #expect((json?["owner"] as? [Int])?.count == d.userCount)
    }
}
