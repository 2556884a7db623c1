/// An error reading or writing a dataset. Its description always names the file, and the
/// line (1-based) when one applies, followed by what was expected: `file:line: message`.
/// Bad input never traps; every parser path ends here.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    /// 1-based line number, or nil when the error concerns the file as a whole.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
