import VQLCore

/// Sampled negatives for implicit-feedback logs (tmall): for every positive event of user
/// u, `perPositive` items drawn by popularity (event counts in the log) among the items u
/// never interacted with, added as label-0 events with the positive's time. Appended after
/// every read event, so in the prepared order they follow u's events of the same time.
/// User u draws from its own stream `RandomSource.derive(seed, 7, u)`, so the result is a
/// function of the log and the seed. A draw that keeps hitting touched items gives up after
/// 64 tries (a user who touched nearly every popular item gets fewer negatives).
public enum NegativeSampler {
    /// Returns the number of negatives added.
    public static func add(to log: inout EventLog, perPositive: Int, seed: UInt64) -> Int {
        let n = log.count, users = log.users.count, items = log.items.count
        var popularity = [Double](repeating: 0, count: items)
        for e in 0..<n { popularity[Int(log.item[e])] += 1 }
        var cdf = [Double](repeating: 0, count: items)
        var acc = 0.0
        for i in 0..<items { acc += popularity[i]; cdf[i] = acc }
        // Each user's touched items, sorted (CSR by provisional user).
        var offsets = [Int](repeating: 0, count: users + 1)
        for e in 0..<n { offsets[Int(log.user[e]) + 1] += 1 }
        for u in 0..<users { offsets[u + 1] += offsets[u] }
        var touched = [Int32](repeating: 0, count: n)
        var cursor = offsets
        var positivesOf = [[Int]](repeating: [], count: users)
        for e in 0..<n {
            let u = Int(log.user[e])
            touched[cursor[u]] = log.item[e]
            cursor[u] += 1
            if log.label[e] > 0 { positivesOf[u].append(e) }
        }
        var added = 0
        for u in 0..<users where !positivesOf[u].isEmpty {
            touched[offsets[u]..<offsets[u + 1]].sort()
            let mine = touched[offsets[u]..<offsets[u + 1]]
            var rng = RandomSource.derive(seed: seed, stream: 7, index: UInt64(u))
            for e in positivesOf[u] {
                for _ in 0..<perPositive {
                    for _ in 0..<64 {
                        let x = rng.uniformDouble() * acc
                        var lo = 0, hi = items - 1
                        while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] > x { hi = mid } else { lo = mid + 1 } }
                        if binaryContains(mine, Int32(lo)) { continue }
                        log.append(user: Int32(u), item: Int32(lo), time: log.time[e], label: 0)
                        added += 1
                        break
                    }
                }
            }
        }
        return added
    }

    static func binaryContains(_ s: ArraySlice<Int32>, _ v: Int32) -> Bool {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi { let mid = (lo + hi) / 2; if s[mid] < v { lo = mid + 1 } else { hi = mid } }
        return lo < s.endIndex && s[lo] == v
    }
}
