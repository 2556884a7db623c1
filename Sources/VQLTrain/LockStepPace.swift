/// The pace of N ranks in lock-step whose cores keep, moment by moment, the speeds that N
/// independent runs on those cores kept at the same moments: the most a lock-step job can
/// reach on a machine whose cores drift in speed, before any communication or extra work.
///
/// Run r's speed is piecewise constant: during its step i it does one step of work in
/// `starts[i+1] − starts[i]` seconds (the last step: in its own duration). From the latest
/// first start, every lock-step step gives each run 1/N of a step of work, and ends when
/// the last of them has done its share; steps are counted until the earliest last end.
///
///     stepsPerSecond = lock-step steps completed / seconds they took
///
/// Two cores at constant speeds of 1 and 2 steps/s give 2 steps/s (the slower one's half
/// step takes 0.5 s); independent runs would give 3 in all.
public struct LockStepPace: Sendable, Equatable {
    /// Lock-step steps per second; 0 when the runs share no time.
    public let stepsPerSecond: Double

    /// `runs[r]`: run r's steps as (start, end) wall-clock seconds, in order.
    public init(runs: [[(start: Double, end: Double)]]) {
        let n = Double(runs.count)
        guard !runs.isEmpty, runs.allSatisfy({ !$0.isEmpty }) else { stepsPerSecond = 0; return }
        let first = runs.map { $0[0].start }.max()!, last = runs.map { $0[$0.count - 1].end }.min()!
        var cursors = runs.map { StepCursor(steps: $0) }
        var t = first, steps = 0
        while true {
            var end = t
            for r in cursors.indices {
                guard let done = cursors[r].finish(work: 1 / n, from: t) else { end = .infinity; break }
                end = max(end, done)
            }
            guard end <= last else { break }
            t = end
            steps += 1
        }
        stepsPerSecond = steps > 0 && t > first ? Double(steps) / (t - first) : 0
    }
}

/// Walks one run's steps forward in time (the lock-step clock only moves forward).
private struct StepCursor {
    let steps: [(start: Double, end: Double)]
    var index = 0

    init(steps: [(start: Double, end: Double)]) { self.steps = steps }

    /// When `work` steps of this run's work, begun at `t`, are done; nil past its last step.
    mutating func finish(work: Double, from t: Double) -> Double? {
        while index + 1 < steps.count && steps[index + 1].start <= t { index += 1 }
        var now = max(t, steps[index].start), left = work, i = index
        while i < steps.count {
            let until = i + 1 < steps.count ? steps[i + 1].start : steps[i].end
            let seconds = until - steps[i].start
            guard seconds > 0 else { i += 1; continue }
            let available = (until - now) / seconds
            if available >= left { return now + left * seconds }
            left -= max(available, 0)
            now = until
            i += 1
        }
        return nil
    }
}
