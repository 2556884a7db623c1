import Foundation
import VQLCore

/// A value in a metrics record.
public enum MetricValue: Equatable, Sendable, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    case int(Int)
    case double(Double)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// JSON text. Non-finite doubles have no JSON number form and are written as `null`.
    var json: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? "\(v)" : "null"
        case .string(let v): return MetricValue.jsonString(v)
        }
    }

    static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}

/// Append-only JSON-lines metrics file: one JSON object per `write`, keys sorted so the
/// same record always serialises identically. Each line goes out in a single `write(2)` on
/// an `O_APPEND` descriptor, so it is on disk (in the page cache) before `write` returns
/// and a crash never leaves half a line from an earlier record.
public final class MetricsLog {
    public let path: String
    private var fd: Int32

    /// Opens (creating if needed) `path` for appending.
    public init(path: String) throws {
        self.path = path
        fd = try Self.openForAppending(path)
    }

    private static func openForAppending(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MetricsLogError(path: path, message: "cannot open for appending: \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// The side file that receives `discardRecords(afterStep:)`'s records.
    public var discardedPath: String { Self.discardedPath(of: path) }

    /// `metrics.jsonl` → `metrics.discarded.jsonl`.
    static func discardedPath(of path: String) -> String { (path as NSString).deletingPathExtension + ".discarded.jsonl" }

    /// On resume from step `step`: moves the records of later steps (written by the run
    /// that went on past that checkpoint; the resumed run writes them again) to
    /// `discardedPath`, so the log reads as one run and plots have one point per step.
    /// Nothing is deleted; the log is replaced atomically. Returns the records moved.
    @discardableResult
    public func discardRecords(afterStep step: Int) throws -> Int {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var kept: [Substring] = [], moved: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let s = record?["step"] as? Int, s > step { moved.append(line) } else { kept.append(line) }
        }
        guard !moved.isEmpty else { return 0 }
        let side = try Self.openForAppending(discardedPath)
        defer { close(side) }
        try Self.writeAll(side, moved.map { $0 + "\n" }.joined(), path: discardedPath)
        let temporary = path + ".tmp"
        try kept.map { $0 + "\n" }.joined().write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw MetricsLogError(path: path, message: "cannot replace: \(String(cString: strerror(errno)))")
        }
        close(fd)
        fd = try Self.openForAppending(path)
        return moved.count
    }

    deinit { close(fd) }

    /// Appends `fields` as one JSON object line, keys in sorted order.
    public func write(_ fields: [String: MetricValue]) throws {
        try Self.writeAll(fd, MetricsLog.line(fields), path: path)
    }

    private static func writeAll(_ fd: Int32, _ text: String, path: String) throws {
        var bytes = Array(text.utf8)
        let ok = bytes.withUnsafeMutableBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        if !ok { throw MetricsLogError(path: path, message: "write failed: \(String(cString: strerror(errno)))") }
    }

    /// `{"a":1,"b":"x"}\n` with keys sorted.
    static func line(_ fields: [String: MetricValue]) -> String {
        "{" + fields.keys.sorted().map { MetricValue.jsonString($0) + ":" + fields[$0]!.json }.joined(separator: ",") + "}\n"
    }
}

public struct MetricsLogError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
