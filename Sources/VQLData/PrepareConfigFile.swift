import Foundation
import Yams

/// Reads `PrepareSettings` from a run config file: the `prepare:` section (every key below;
/// an unknown key is an error) and, from `data:`, `path` (the prepared directory to write)
/// and `max_len`. Other sections belong to `vql train` and are not read here. Errors name
/// the file, the line and the key: `cfg.yaml:7: prepare.year: expected an integer, found "x"`.
///
/// ```yaml
/// data: {path: data/tmall/prepared, max_len: 1024}
/// prepare:
///   format: tmall            # kuairand | kuairec | tmall | recbole
///   input: data/tmall/raw
///   bad_rows: strict         # or skip
///   min_events_per_user: 20
///   time_start: "2014-05-11" # optional window [start, end): a date (UTC) or Unix ms
///   target_actions: [2]
///   negatives_per_positive: 1
///   user_feature_fields: [age_range, gender]   # optional; default per format, [] = none
/// ```
public enum PrepareConfigFile {
    /// Every key of the `prepare:` section.
    public static let keys = [
        "format", "input", "bad_rows", "label", "threshold", "min_events_per_user", "time_start", "time_end",
        "matrix", "year", "event_actions", "target_actions", "negatives_per_positive", "negative_seed",
        "recbole_name", "user_field", "item_field", "time_field", "tag_fields", "feature_fields", "split_fields",
        "user_feature_fields",
    ]

    public static func load(path: String) throws -> PrepareSettings {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DataError(file: path, "cannot read the config file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, source: path)
    }

    public static func parse(yaml: String, source: String) throws -> PrepareSettings {
        var s = PrepareSettings()
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw DataError(file: source, "invalid YAML: \(error)")
        }
        guard let root, case .mapping(let sections) = root else {
            throw DataError(file: source, "expected a mapping with a prepare: section")
        }
        var sawPrepare = false
        for (nameNode, body) in sections {
            guard let name = nameNode.string, name == "data" || name == "prepare" else { continue }
            guard case .mapping(let entries) = body else {
                throw DataError(file: source, line: body.mark?.line, "\(name): expected a mapping of keys")
            }
            sawPrepare = sawPrepare || name == "prepare"
            for (keyNode, value) in entries {
                let key = keyNode.string ?? ""
                let v = Value(node: value, key: "\(name).\(key)", source: source)
                if name == "data" {
                    if key == "path" { s.output = try v.string() }
                    if key == "max_len" { s.maxLen = try v.int(min: 1) }
                    continue
                }
                switch key {
                case "format":
                    let f = try v.string()
                    guard let format = PrepareSettings.Format(rawValue: f) else {
                        throw v.error("expected one of \(PrepareSettings.Format.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(f)\"")
                    }
                    s.format = format
                case "input": s.input = try v.string()
                case "bad_rows":
                    let p = try v.string()
                    guard let policy = BadRowPolicy(rawValue: p) else { throw v.error("expected strict or skip, found \"\(p)\"") }
                    s.badRows = policy
                case "label": s.label = try v.string()
                case "threshold": s.threshold = try v.double()
                case "min_events_per_user": s.minEventsPerUser = try v.int(min: 1)
                case "time_start": s.timeStartMs = try v.time()
                case "time_end": s.timeEndMs = try v.time()
                case "matrix":
                    s.matrix = try v.string()
                    guard s.matrix == "big" || s.matrix == "small" else { throw v.error("expected big or small, found \"\(s.matrix)\"") }
                case "year": s.year = try v.int(min: 1)
                case "event_actions": s.eventActions = try v.intList(in: 0...3)
                case "target_actions": s.targetActions = try v.intList(in: 0...3)
                case "negatives_per_positive": s.negativesPerPositive = try v.int(min: 0)
                case "negative_seed": s.negativeSeed = UInt64(try v.int(min: 0))
                case "recbole_name": s.recboleName = try v.string()
                case "user_field": s.userField = try v.string()
                case "item_field": s.itemField = try v.string()
                case "time_field": s.timeField = try v.string()
                case "tag_fields": s.tagFields = try v.stringList()
                case "feature_fields": s.featureFields = try v.stringList()
                case "split_fields": s.splitFields = try v.stringList()
                case "user_feature_fields": s.userFeatureFields = try v.stringList()
                default:
                    throw DataError(file: source, line: keyNode.mark?.line, "prepare.\(key): unknown key (known: \(keys.joined(separator: ", ")))")
                }
            }
        }
        if !sawPrepare { throw DataError(file: source, "expected a prepare: section (format, input, …)") }
        return s
    }

    /// A scalar or list node with its key, for typed reads with `file:line: key: expected` errors.
    struct Value {
        let node: Node
        let key: String
        let source: String

        func error(_ message: String) -> DataError { DataError(file: source, line: node.mark?.line, "\(key): \(message)") }
        var text: String { node.string ?? "\(node)" }

        func string() throws -> String {
            guard let s = node.scalar?.string, !s.isEmpty else { throw error("expected a non-empty string") }
            return s
        }
        func int(min: Int) throws -> Int {
            guard let s = node.scalar?.string, let v = Int(s) else { throw error("expected an integer, found \"\(text)\"") }
            guard v >= min else { throw error("expected an integer ≥ \(min), found \(v)") }
            return v
        }
        func double() throws -> Double {
            guard let s = node.scalar?.string, let v = Double(s), v.isFinite else { throw error("expected a number, found \"\(text)\"") }
            return v
        }
        func sequence() throws -> [Value] {
            guard case .sequence(let items) = node else { throw error("expected a list like [a, b]") }
            return items.map { Value(node: $0, key: key, source: source) }
        }
        func intList(in range: ClosedRange<Int>) throws -> [Int] {
            try sequence().map { v in
                let x = try v.int(min: range.lowerBound)
                guard range.contains(x) else { throw v.error("expected values in \(range.lowerBound)...\(range.upperBound), found \(x)") }
                return x
            }
        }
        func stringList() throws -> [String] { try sequence().map { try $0.string() } }
        /// Unix ms (an integer) or a UTC date "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS".
        func time() throws -> Int64 {
            let s = try string()
            if let ms = Int64(s) { return ms }
            let parts = s.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" || $0 == "T" }).map { Int64($0) }
            guard parts.count == 3 || parts.count == 6, parts.allSatisfy({ $0 != nil }) else {
                throw error("expected Unix milliseconds or a date \"YYYY-MM-DD[ HH:MM:SS]\" (UTC), found \"\(s)\"")
            }
            let p = parts.map { $0! }
            let day = BeijingCalendar.days(fromCivil: p[0], p[1], p[2])
            let seconds = p.count == 6 ? p[3] * 3600 + p[4] * 60 + p[5] : 0
            return (day * 86400 + seconds) * 1000
        }
    }
}
