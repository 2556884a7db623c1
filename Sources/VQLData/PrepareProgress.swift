import Foundation
import VQLCore

/// A progress line on stderr every few seconds while a big file is read: rows so far and
/// rows/s. Silent for runs shorter than the interval, and off when `enabled` is false (the
/// command turns it off when stderr is not a terminal and `VQL_PROGRESS` is not set).
public final class PrepareProgress: @unchecked Sendable {
    public nonisolated(unsafe) static var enabled = true
    private let start = Date()
    private var last = Date()
    private let interval: TimeInterval
    private let lock = NSLock()
    private var rows = 0

    public init(interval: TimeInterval = 3) { self.interval = interval }

    /// Adds `count` rows read by one of several parallel tasks and reports the total.
    public func advance(by count: Int, file: String) {
        guard Self.enabled else { return }
        lock.lock()
        rows += count
        let total = rows
        lock.unlock()
        report(file: file, rows: total)
    }

    /// Call every so often (e.g. every 64 Ki rows) with the running row count.
    public func report(file: String, rows: Int) {
        guard Self.enabled else { return }
        let now = Date()
        lock.lock()
        let due = now.timeIntervalSince(last) >= interval
        if due { last = now }
        lock.unlock()
        guard due else { return }
        let seconds = now.timeIntervalSince(start)
        FileHandle.standardError.write(Data("prepare: \(file): \(rows) rows, \(Int(Double(rows) / max(seconds, 1e-9))) rows/s\n".utf8))
    }
}

/// Phase timings of a prepare run on stderr when `VQL_PREPARE_TIMING` is set (for profiling).
enum PrepareTiming {
    nonisolated(unsafe) static var last = Date()
    nonisolated(unsafe) static var lastCPU = (user: 0.0, system: 0.0)
    static let enabled = ProcessInfo.processInfo.environment["VQL_PREPARE_TIMING"] != nil

    /// Prints the phase's wall time, the CPU time all threads spent in it (user, system:
    /// against 2 × wall on 2 cores, it shows how parallel the phase ran) and the peak RSS.
    static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = (user: usage.ru_utime.seconds, system: usage.ru_stime.seconds)
        // Peak resident memory so far (Linux), to see which phase sets ru_maxrss.
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
        FileHandle.standardError.write(Data(String(format: "prepare timing: %@ %.3f s, CPU user %.3f s system %.3f s (peak RSS %@)\n", phase,
                                                   now.timeIntervalSince(last), cpu.user - lastCPU.user, cpu.system - lastCPU.system, peak).utf8))
        last = now
        lastCPU = cpu
    }
}
