import Foundation

/// Progress of a long loop (training steps, evaluation batches, preparation rows) on stderr.
///
/// On a terminal it redraws one line in place (`\r`, then clear-to-end-of-line) at most
/// ~10 times a second; otherwise (logs, CI, mpirun output) it prints a plain line at most
/// every `interval` seconds and always at `finish`, so log files stay short.
///
///     label  1200/5000  24%  310.2 it/s  ETA 0:00:12  loss 0.4412
///
/// rate = done / elapsed; ETA = (total − done) / rate.
public final class ProgressReporter {
    public let total: Int
    public let label: String
    public let enabled: Bool
    let interactive: Bool
    let interval: Double
    let clock: () -> Double
    let sink: (String) -> Void
    let start: Double
    var lastPrint: Double
    var printedAny = false
    var finished = false

    /// `enabled` is false on ranks other than 0 (and for --quiet); then nothing is printed.
    public convenience init(total: Int, label: String, enabled: Bool) {
        self.init(total: total, label: label, enabled: enabled,
                  interactive: isatty(STDERR_FILENO) != 0, interval: 10,
                  clock: { Date().timeIntervalSinceReferenceDate },
                  sink: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// Injectable terminal mode, interval, clock and output, for tests.
    init(total: Int, label: String, enabled: Bool, interactive: Bool, interval: Double,
         clock: @escaping () -> Double, sink: @escaping (String) -> Void) {
        self.total = total
        self.label = label
        self.enabled = enabled
        self.interactive = interactive
        self.interval = interval
        self.clock = clock
        self.sink = sink
        start = clock()
        lastPrint = start
    }

    /// Reports that `done` of `total` items are complete; `extra` is appended (e.g. loss).
    public func update(done: Int, extra: String = "") {
        guard enabled, !finished else { return }
        let now = clock()
        if interactive {
            guard now - lastPrint >= 0.1 || !printedAny || done >= total else { return }
            sink("\r" + ProgressReporter.line(label: label, done: done, total: total, elapsed: now - start, extra: extra) + "\u{1B}[K")
        } else {
            guard now - lastPrint >= interval else { return }
            sink(ProgressReporter.line(label: label, done: done, total: total, elapsed: now - start, extra: extra) + "\n")
        }
        lastPrint = now
        printedAny = true
    }

    /// Prints the final line (always, also when not a terminal) and ends the line.
    public func finish(done: Int? = nil, extra: String = "") {
        guard enabled, !finished else { return }
        finished = true
        let text = ProgressReporter.line(label: label, done: done ?? total, total: total, elapsed: clock() - start, extra: extra)
        sink(interactive ? "\r" + text + "\u{1B}[K\n" : text + "\n")
    }

    /// The progress line itself (pure, for tests).
    static func line(label: String, done: Int, total: Int, elapsed: Double, extra: String) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var parts = [label, "\(done)/\(total)"]
        if total > 0 { parts.append("\(Int((100 * Double(done) / Double(total)).rounded(.down)))%") }
        parts.append(String(format: rate >= 100 ? "%.0f it/s" : "%.2f it/s", rate))
        if done >= total {
            parts.append("took \(duration(elapsed))")
        } else if rate > 0 {
            parts.append("ETA \(duration(Double(total - done) / rate))")
        } else {
            parts.append("ETA ?")
        }
        if !extra.isEmpty { parts.append(extra) }
        return parts.joined(separator: "  ")
    }

    /// `h:mm:ss`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
    }
}
