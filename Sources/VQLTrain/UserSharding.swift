import VQLData

/// Which rank owns each user: contiguous ranges of user ids, cut where the running event
/// count comes closest to r·E/ranks, so every rank holds about the same events (within one
/// user's events of its share). Contiguous because `SampleSchedule` stratifies batches over
/// the training targets in user order: a contiguous range then gets its share of every
/// batch, not just on average. Deterministic from the dataset and the world size alone.
public struct UserSharding: Sendable {
    public let owner: [Int32]
    public let eventsPerRank: [Int]
    /// First user of each rank, and the user count at the end (ranks + 1 entries).
    public let userBounds: [Int]

    public init(dataset: PreparedDataset, ranks: Int) {
        let n = dataset.userCount, total = Int(dataset.userOffsets[n])
        var bounds = [0]
        for r in 1..<max(ranks, 1) {
            let target = Double(total) * Double(r) / Double(ranks)
            // the first user whose start is at or past the target, or the one before it
            var lo = bounds[r - 1], hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(dataset.userOffsets[mid]) < target { lo = mid + 1 } else { hi = mid }
            }
            if lo > bounds[r - 1], target - Double(dataset.userOffsets[lo - 1]) < Double(dataset.userOffsets[lo]) - target { lo -= 1 }
            bounds.append(lo)
        }
        bounds.append(n)
        var owner = [Int32](repeating: 0, count: n)
        for r in 0..<ranks { for u in bounds[r]..<bounds[r + 1] { owner[u] = Int32(r) } }
        self.owner = owner
        userBounds = bounds
        eventsPerRank = (0..<ranks).map { Int(dataset.userOffsets[bounds[$0 + 1]] - dataset.userOffsets[bounds[$0]]) }
    }

    /// The assignment as JSON (`RUN_DIR/sharding.json`): events and users per rank, each
    /// rank's first user, and the owner of every user (dense user ids).
    public func record(ranks: Int) -> String {
        let users = (0..<ranks).map { userBounds[$0 + 1] - userBounds[$0] }
        return "{\"ranks\": \(ranks), \"policy\": \"contiguous user ranges balanced by event count\", \"events_per_rank\": \(eventsPerRank), "
            + "\"users_per_rank\": \(users), \"first_user\": \(Array(userBounds.dropLast())), \"owner\": \(owner)}\n"
    }
}
