/// The event filters of `vql prepare`, applied after reading and before sorting: the time
/// window [timeStartMs, timeEndMs), then the minimum number of events per user (counted
/// after the window). Dropped events are counted by reason.
public enum EventFilters {
    public static let outsideWindow = "outside the time window"
    public static let tooFewEvents = "user with fewer than min_events_per_user events"

    public static func apply(_ log: inout EventLog, _ s: PrepareSettings, dropped: inout DropCounts) {
        let n = log.count
        var keep = [Bool](repeating: true, count: n)
        var removed = 0
        if s.timeStartMs != nil || s.timeEndMs != nil {
            let lo = s.timeStartMs ?? Int64.min, hi = s.timeEndMs ?? Int64.max
            for e in 0..<n where log.time[e] < lo || log.time[e] >= hi { keep[e] = false; removed += 1 }
            dropped.add(outsideWindow, count: removed)
        }
        if s.minEventsPerUser > 1 {
            var perUser = [Int](repeating: 0, count: log.users.count)
            for e in 0..<n where keep[e] { perUser[Int(log.user[e])] += 1 }
            var few = 0
            for e in 0..<n where keep[e] && perUser[Int(log.user[e])] < s.minEventsPerUser { keep[e] = false; few += 1 }
            dropped.add(tooFewEvents, count: few)
            removed += few
        }
        if removed > 0 { log.compact(keep) }
    }
}
