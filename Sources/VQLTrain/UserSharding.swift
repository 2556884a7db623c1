import VQLData

/// Which rank owns each user: greedy balancing by event count (largest users first, each
/// to the currently lightest rank, ties to the lowest rank), so every rank does about the
/// same work. Deterministic from the dataset and the world size alone.
public struct UserSharding: Sendable {
    public let owner: [Int32]
    public let eventsPerRank: [Int]

    public init(dataset: PreparedDataset, ranks: Int) {
        let n = dataset.userCount
        let sizes = (0..<n).map { Int(dataset.userOffsets[$0 + 1] - dataset.userOffsets[$0]) }
        let order = (0..<n).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var load = [Int](repeating: 0, count: ranks)
        var owner = [Int32](repeating: 0, count: n)
        for u in order {
            var best = 0
            for r in 1..<ranks where load[r] < load[best] { best = r }
            owner[u] = Int32(best)
            load[best] += sizes[u]
        }
        self.owner = owner
        eventsPerRank = load
    }

    /// The assignment as JSON (`RUN_DIR/sharding.json`): events and users per rank, and the
    /// owner of every user (dense user ids).
    public func record(ranks: Int) -> String {
        var users = [Int](repeating: 0, count: ranks)
        for o in owner { users[Int(o)] += 1 }
        return "{\"ranks\": \(ranks), \"policy\": \"greedy by event count\", \"events_per_rank\": \(eventsPerRank), "
            + "\"users_per_rank\": \(users), \"owner\": \(owner)}\n"
    }
}
