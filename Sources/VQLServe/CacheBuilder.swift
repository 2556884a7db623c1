import Foundation
import VQLData
import VQLDistributed
import VQLModel

/// Builds every user's cache in parallel: each rank computes the caches of the users it
/// owns over their whole history (the cache does not grow with it), then rank 0 gathers
/// them. Per-user arithmetic does not depend on the world size, so np=2 equals np=1. The
/// user feature values come from the dataset on rank 0 (every rank has it).
public enum CacheBuilder {
    /// All users' caches on rank 0 (nil elsewhere). `owner[u]` is the rank of user u.
    public static func build(network: VQLNetwork, dataset: PreparedDataset, owner: [Int32], world: World) -> UserCaches? {
        let vectors = network.itemVectors((0..<Int32(dataset.itemCount)).map { $0 })
        let caches = UserCaches(network: network, users: dataset.userCount)
        let F = caches.userFeatureCount
        for (k, f) in network.shape.userFeatures.enumerated() {
            guard let values = dataset.userFeature(f.name) else { preconditionFailure("the model's user feature \(f.name) is not in the dataset") }
            for u in 0..<dataset.userCount { caches.userFeatures[u * F + k] = values[u] }
        }
        var mine: [Int32] = []
        for u in 0..<dataset.userCount where Int(owner[u]) == world.rank {
            let r = dataset.events(ofUser: u)
            caches.build(user: u, items: UnsafeBufferPointer(start: dataset.eventItem + r.lowerBound, count: r.count),
                         times: UnsafeBufferPointer(start: dataset.eventTime + r.lowerBound, count: r.count), vectors: vectors)
            mine.append(Int32(u))
        }
        guard world.size > 1 else { return caches }
        // one float record per user: t_ref as two 32-bit halves (bit patterns), shifts, N, U
        let H = caches.heads, n = H * caches.codes, nv = n * caches.valueDim
        let record = 2 + H + n + nv
        var payload: [Float] = []
        payload.reserveCapacity(mine.count * record)
        for u32 in mine {
            let u = Int(u32), t = UInt64(bitPattern: caches.tRef[u])
            payload.append(Float(bitPattern: UInt32(truncatingIfNeeded: t >> 32)))
            payload.append(Float(bitPattern: UInt32(truncatingIfNeeded: t)))
            payload += caches.shift[(u * H)..<((u + 1) * H)]
            payload += caches.weightSums[(u * n)..<((u + 1) * n)]
            payload += caches.valueSums[(u * nv)..<((u + 1) * nv)]
        }
        let users = world.gatherv(mine, root: 0)
        let all = world.gatherv(payload, root: 0)
        guard world.isRoot else { return nil }
        for (k, u32) in users.enumerated() {
            let u = Int(u32), base = k * record
            caches.tRef[u] = Int64(bitPattern: UInt64(all[base].bitPattern) << 32 | UInt64(all[base + 1].bitPattern))
            for i in 0..<H { caches.shift[u * H + i] = all[base + 2 + i] }
            for i in 0..<n { caches.weightSums[u * n + i] = all[base + 2 + H + i] }
            for i in 0..<nv { caches.valueSums[u * nv + i] = all[base + 2 + H + n + i] }
        }
        return caches
    }
}
