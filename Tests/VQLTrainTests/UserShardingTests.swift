import Foundation
import Testing
import VQLData
@testable import VQLTrain

struct UserShardingTests {
    /// Greedy largest-first balancing: every rank's load is within one user's events of the
    /// mean, every user has exactly one owner, and the record is valid JSON that says so.
    @Test(arguments: [1, 2, 3, 5])
    func balancedByEventsAndRecorded(ranks: Int) throws {
        let d = try PreparedDataset(directory: TrainerFixture.preparedDirectory)
        let s = UserSharding(dataset: d, ranks: ranks)
        let sizes = (0..<d.userCount).map { Int(d.userOffsets[$0 + 1] - d.userOffsets[$0]) }
        #expect(s.eventsPerRank.reduce(0, +) == d.eventCount)
        #expect(s.owner.allSatisfy { $0 >= 0 && Int($0) < ranks })
        let spread = s.eventsPerRank.max()! - s.eventsPerRank.min()!
        #expect(spread <= sizes.max()!, "loads \(s.eventsPerRank)")
        let json = try JSONSerialization.jsonObject(with: Data(s.record(ranks: ranks).utf8)) as? [String: Any]
        #expect(json?["events_per_rank"] as? [Int] == s.eventsPerRank)
        #expect((json?["owner"] as? [Int])?.count == d.userCount)
    }
}
