/// A configuration problem, always attributed: `source` is the file path or the `--set`
/// argument the value came from, `key` the full dotted key (e.g. `model.heads`) when one
/// applies, `line`/`column` the YAML position when known.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    public var key: String?
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(source: String, key: String?, message: String, line: Int? = nil, column: Int? = nil) {
        self.source = source
        self.key = key
        self.message = message
        self.line = line
        self.column = column
    }

    /// `configs/demo.yaml:12:10: model.heads: expected a positive integer, got 'abc'`
    public var description: String {
        var where_ = source
        if let line { where_ += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        if let key { return "\(where_): \(key): \(message)" }
        return "\(where_): \(message)"
    }
}
