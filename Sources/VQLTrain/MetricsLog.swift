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
    private let fd: Int32

    /// Opens (creating if needed) `path` for appending.
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MetricsLogError(path: path, message: "cannot open for appending: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Appends `fields` as one JSON object line, keys in sorted order.
    public func write(_ fields: [String: MetricValue]) throws {
        let line = MetricsLog.line(fields)
        var bytes = Array(line.utf8)
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
