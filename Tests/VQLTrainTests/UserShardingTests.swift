import Foundation
import Testing
import VQLData
@testable import VQLTrain

struct UserShardingTests {
    /// Contiguous ranges cut nearest r·E/ranks: ranks own consecutive user ids, every
    /// boundary is within half a user of its target (so a rank's load is within one user's
    /// events of E/ranks), every user has exactly one owner, and the record says so.
    @Test(arguments: [1, 2, 3, 5])
    func contiguousBalancedAndRecorded(ranks: Int) throws {
        let d = try PreparedDataset(directory: TrainerFixture.preparedDirectory)
        let s = UserSharding(dataset: d, ranks: ranks)
        let sizes = (0..<d.userCount).map { Int(d.userOffsets[$0 + 1] - d.userOffsets[$0]) }
        #expect(s.eventsPerRank.reduce(0, +) == d.eventCount)
        #expect(zip(s.owner, s.owner.dropFirst()).allSatisfy { $0 <= $1 }, "owners not contiguous")
        #expect(s.owner.allSatisfy { $0 >= 0 && Int($0) < ranks })
        let share = Double(d.eventCount) / Double(ranks)
        for load in s.eventsPerRank { #expect(abs(Double(load) - share) <= Double(sizes.max()!), "loads \(s.eventsPerRank)") }
        let json = try JSONSerialization.jsonObject(with: Data(s.record(ranks: ranks).utf8)) as? [String: Any]
        #expect(json?["events_per_rank"] as? [Int] == s.eventsPerRank)
        #expect((json?["owner"] as? [Int])?.count == d.userCount)
    }
}
