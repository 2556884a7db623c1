/// What `vql prepare` does with a malformed data row (wrong column count, a non-numeric
/// field, broken quotes, a value out of range).
public enum BadRowPolicy: String, Sendable, Codable, CaseIterable {
    /// Stop at the first bad row with `file:line: what was expected` (the default).
    case strict
    /// Count the row under its reason, remember the first example, and go on.
    case skip
}

/// Rows left out of a prepared dataset, counted by reason, in the order reasons first occur.
/// Reasons are short fixed phrases ("wrong column count", "no usable timestamp", ...); the
/// first `DataError` of each reason is kept as an example for the summary.
public struct DropCounts: Sendable, Equatable {
    public private(set) var reasons: [String] = []
    public private(set) var counts: [String: Int] = [:]
    public private(set) var examples: [String: String] = [:]

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public subscript(reason: String) -> Int { counts[reason] ?? 0 }

    public mutating func add(_ reason: String, count: Int = 1, example: String? = nil) {
        guard count > 0 else { return }
        if counts[reason] == nil { reasons.append(reason); if let example { examples[reason] = example } }
        counts[reason, default: 0] += count
    }

    public mutating func merge(_ other: DropCounts) {
        for r in other.reasons { add(r, count: other[r], example: other.examples[r]) }
    }
}

/// Applies a `BadRowPolicy`: under `strict` a bad row throws its error; under `skip` it is
/// counted under `reason` and the caller drops the row.
public struct RowGuard: Sendable {
    public let policy: BadRowPolicy
    public var dropped = DropCounts()

    public init(policy: BadRowPolicy) { self.policy = policy }

    /// Throws `error` (strict) or counts it (skip); returns normally only when skipping.
    public mutating func reject(_ reason: String, _ error: DataError) throws {
        if policy == .strict { throw error }
        dropped.add(reason, example: error.description)
    }
}
