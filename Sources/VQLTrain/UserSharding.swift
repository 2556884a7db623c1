import VQLData

/// Which rank owns each user: contiguous ranges of user ids, cut where the running count of
/// attended events comes closest to r·A/ranks. A user's attended events are what its
/// training samples make a step compute: Σ over its training targets of the history
/// positions the sample attends, min(earlier events, max_len), plus one for the sample.
/// Raw event counts undercount short histories, whose cost grows with the square of their
/// length below max_len (on the demo they left the busiest rank 3% over the mean per step).
/// Contiguous because `SampleSchedule` stratifies batches over the training targets in user
/// order: a contiguous range then gets its share of every batch, not just on average.
/// Deterministic from the dataset, the split, max_len and the world size alone.
public struct UserSharding: Sendable {
    public let owner: [Int32]
    public let eventsPerRank: [Int]
    public let attendedEventsPerRank: [Int]
    /// First user of each rank, and the user count at the end (ranks + 1 entries).
    public let userBounds: [Int]

    public init(dataset: PreparedDataset, trainTargets: [Int64], maxLength: Int, ranks: Int) {
        let n = dataset.userCount
        // prefix[u] = attended events of users before u
        var prefix = [Int](repeating: 0, count: n + 1)
        for e in trainTargets {
            let u = Int(dataset.eventUser[Int(e)])
            prefix[u + 1] += min(Int(e - dataset.userOffsets[u]), maxLength) + 1
        }
        for u in 0..<n { prefix[u + 1] += prefix[u] }
        var bounds = [0]
        for r in 1..<max(ranks, 1) {
            let target = Double(prefix[n]) * Double(r) / Double(ranks)
            // the first user whose start is at or past the target, or the one before it
            var lo = bounds[r - 1], hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(prefix[mid]) < target { lo = mid + 1 } else { hi = mid }
            }
            if lo > bounds[r - 1], target - Double(prefix[lo - 1]) < Double(prefix[lo]) - target { lo -= 1 }
            bounds.append(lo)
        }
        bounds.append(n)
        var owner = [Int32](repeating: 0, count: n)
        for r in 0..<ranks { for u in bounds[r]..<bounds[r + 1] { owner[u] = Int32(r) } }
        self.owner = owner
        userBounds = bounds
        eventsPerRank = (0..<ranks).map { Int(dataset.userOffsets[bounds[$0 + 1]] - dataset.userOffsets[bounds[$0]]) }
        attendedEventsPerRank = (0..<ranks).map { prefix[bounds[$0 + 1]] - prefix[bounds[$0]] }
    }

    /// The assignment as JSON (`RUN_DIR/sharding.json`): attended events, events and users
    /// per rank, each rank's first user, and the owner of every user (dense user ids).
    public func record(ranks: Int) -> String {
        let users = (0..<ranks).map { userBounds[$0 + 1] - userBounds[$0] }
        return "{\"ranks\": \(ranks), \"policy\": \"contiguous user ranges balanced by attended events: per training target, min(earlier events, max_len) + 1\", "
            + "\"attended_events_per_rank\": \(attendedEventsPerRank), \"events_per_rank\": \(eventsPerRank), "
            + "\"users_per_rank\": \(users), \"first_user\": \(Array(userBounds.dropLast())), \"owner\": \(owner)}\n"
    }
}
