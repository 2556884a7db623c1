import Foundation

/// The event-side numbers `PreparedWriter` needs, computed on all cores over contiguous
/// slices of the events: dense user and item ids (by ascending raw id, over the users and
/// items that occur), events per user (CSR offsets) and per item, positives, and `order`,
/// the events sorted by (dense user, time, file order).
///
/// The sort is a parallel counting sort by user, stable because slice t places its events of
/// user u after those of slices before t, followed by a per-user stable sort by time (skipped
/// when a user's events are already in time order). The result does not depend on the
/// number of slices.
struct EventIndex {
    let users: (map: [Int32], raw: [Int64], names: [String]?)
    let items: (map: [Int32], raw: [Int64], names: [String]?)
    /// userOffsets[u]..<userOffsets[u + 1]: positions of dense user u's events in `order`.
    let userOffsets: [Int64]
    /// Sorted position → event index.
    let order: [Int32]
    /// Events per dense item.
    let itemEvents: [Int64]
    let positives: Int

    /// `slices` slices of at least `minimumSlice` events each (fewer for small logs).
    init(_ log: EventLog, slices: Int = ProcessInfo.processInfo.activeProcessorCount, minimumSlice: Int = 65_536) {
        let n = log.count
        let T = max(1, min(slices, n / max(minimumSlice, 1) + 1))
        let bounds = (0...T).map { n * $0 / T }
        let userKeys = log.users.count, itemKeys = log.items.count
        let user = log.user, item = log.item, label = log.label, time = log.time

        // Events per provisional user and item, and positives, per slice.
        let counts = parallelMap(T) { t -> (perUser: [Int64], perItem: [Int64], positives: Int) in
            var perUser = [Int64](repeating: 0, count: userKeys), perItem = [Int64](repeating: 0, count: itemKeys)
            var positives = 0
            for e in bounds[t]..<bounds[t + 1] {
                perUser[Int(user[e])] += 1
                perItem[Int(item[e])] += 1
                if label[e] > 0 { positives += 1 }
            }
            return (perUser, perItem, positives)
        }
        var userTotal = [Int64](repeating: 0, count: userKeys), itemTotal = [Int64](repeating: 0, count: itemKeys)
        for c in counts {
            for u in 0..<userKeys { userTotal[u] += c.perUser[u] }
            for i in 0..<itemKeys { itemTotal[i] += c.perItem[i] }
        }
        users = log.users.dense(used: userTotal.map { $0 > 0 })
        items = log.items.dense(used: itemTotal.map { $0 > 0 })
        positives = counts.reduce(0) { $0 + $1.positives }

        let userCount = users.raw.count
        var offsets = [Int64](repeating: 0, count: userCount + 1)
        for u in 0..<userKeys where users.map[u] >= 0 { offsets[Int(users.map[u]) + 1] = userTotal[u] }
        for u in 0..<userCount { offsets[u + 1] += offsets[u] }
        userOffsets = offsets
        var perItem = [Int64](repeating: 0, count: items.raw.count)
        for i in 0..<itemKeys where items.map[i] >= 0 { perItem[Int(items.map[i])] = itemTotal[i] }
        itemEvents = perItem

        // Where slice t starts writing each provisional user's events.
        var cursors: [[Int64]] = []
        let userMap = users.map
        var next = (0..<userKeys).map { userMap[$0] >= 0 ? offsets[Int(userMap[$0])] : 0 }
        for c in counts {
            cursors.append(next)
            for u in 0..<userKeys { next[u] += c.perUser[u] }
        }
        let start = cursors, denseOffsets = offsets
        var sorted: [Int32] = parallelFill(count: n, tasks: T) { t, out in
            // Each task prefaults an equal share first; the scatter then writes anywhere.
            PrefaultedPages.populate(out + bounds[t], count: bounds[t + 1] - bounds[t])
            var cursor = start[t]
            for e in bounds[t]..<bounds[t + 1] {
                let u = Int(user[e])
                out[Int(cursor[u])] = Int32(e)
                cursor[u] += 1
            }
        }
        // Within each user, by time (stable: file order breaks ties); users split by slice.
        sorted.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.base)
            DispatchQueue.concurrentPerform(iterations: T) { t in
                let o = out.pointer
                for u in (userCount * t / T)..<(userCount * (t + 1) / T) {
                    let lo = Int(denseOffsets[u]), hi = Int(denseOffsets[u + 1])
                    var k = lo + 1
                    while k < hi && time[Int(o[k - 1])] <= time[Int(o[k])] { k += 1 }
                    if k >= hi { continue }
                    var slice = UnsafeMutableBufferPointer<Int32>(start: o + lo, count: hi - lo)
                    slice.sort { (a: Int32, b: Int32) -> Bool in
                        let ta = time[Int(a)], tb = time[Int(b)]
                        return ta != tb ? ta < tb : a < b
                    }
                }
            }
        }
        order = sorted
    }
}
