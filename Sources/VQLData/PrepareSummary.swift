import Foundation

/// What a prepare run produced and left out; printed by `vql prepare` and written to
/// `prepare_summary.json` in the prepared directory.
public struct PrepareSummary: Codable, Sendable, Equatable {
    public var format = ""
    public var users = 0
    public var items = 0
    public var tags = 0
    public var events = 0
    public var positives = 0
    /// Of `events`, those added as sampled negatives (tmall).
    public var sampledNegatives = 0
    /// Data rows read from the sources (excluding headers and blank lines).
    public var rowsRead = 0
    /// Rows/events left out, by reason, in order of first occurrence.
    public var dropped: [Reason] = []
    /// Events per user: min, median, p90, p99, max (nearest rank).
    public var historyLength = Distribution()
    /// Samples whose history is longer than `maxLen` (training keeps the most recent `maxLen`).
    public var maxLen = 0
    public var samplesTruncated = 0
    /// kuairec: kept rows whose `timestamp` was empty or NaN, placed by their `time` text.
    public var timeFromText = 0
    /// The user feature file: what was kept and which rows were left out (nil: the format has none).
    public var userFeatures: UserFeatures?

    public struct Reason: Codable, Sendable, Equatable {
        public var reason: String
        public var count: Int
        public var example: String?
    }

    public struct Distribution: Codable, Sendable, Equatable {
        public var min = 0, median = 0, p90 = 0, p99 = 0, max = 0

        public init() {}

        /// Nearest-rank percentiles of `values` (all zero when empty).
        public init(_ values: [Int]) {
            guard !values.isEmpty else { return }
            let s = values.sorted()
            func q(_ p: Double) -> Int { s[Swift.min(s.count - 1, Swift.max(0, Int((p * Double(s.count)).rounded(.up)) - 1))] }
            min = s[0]; median = q(0.5); p90 = q(0.9); p99 = q(0.99); max = s[s.count - 1]
        }
    }

    /// User features read (`UserSide`, completed by `UserFeatureArrays`). Users are
    /// "in the log" when they have an event before the filters; the filters can still drop
    /// all of a user's events, and then the row is counted in `rowsOfFilteredUsers`.
    public struct UserFeatures: Codable, Sendable, Equatable {
        public struct Column: Codable, Sendable, Equatable {
            public var name: String
            /// Including the missing value 0.
            public var vocabularySize = 0
        }

        public var file: String
        /// Why there are no user features (file absent, no column asked for), else nil.
        public var none: String?
        /// Kept columns, in file order.
        public var columns: [Column] = []
        /// Valid data rows read.
        public var rows = 0
        /// Rows ignored: user not in the log, every event of the user filtered out, a later
        /// row of a user already seen (the first row wins).
        public var rowsNotInLog = 0
        public var rowsOfFilteredUsers = 0
        public var duplicateRows = 0
        /// Prepared users with a row, and without one (0 in every column).
        public var usersWithFeatures = 0
        public var usersWithoutFeatures = 0
    }

    public init() {}

    public mutating func setDropped(_ d: DropCounts) {
        dropped = d.reasons.map { Reason(reason: $0, count: d[$0], example: d.examples[$0]) }
    }

    /// Count dropped for `reason` (0 if none).
    public func dropped(_ reason: String) -> Int { dropped.first { $0.reason == reason }?.count ?? 0 }

    /// Human-readable lines.
    public var lines: [String] {
        var out = ["\(format): \(users) users, \(items) items, \(tags) tags, \(events) events (\(positives) positive\(sampledNegatives > 0 ? ", \(sampledNegatives) sampled negatives" : "")) from \(rowsRead) rows"]
        let h = historyLength
        out.append("events per user: min \(h.min), median \(h.median), p90 \(h.p90), p99 \(h.p99), max \(h.max); \(samplesTruncated) samples have more than max_len = \(maxLen) earlier events")
        if timeFromText > 0 { out.append("\(timeFromText) rows without a timestamp placed by their time text") }
        if let u = userFeatures {
            if let none = u.none {
                out.append("user features: none (\(none))")
            } else {
                out.append("user features from \(u.file): \(u.columns.map { "\($0.name) (\($0.vocabularySize))" }.joined(separator: ", "))")
                out.append("user features for \(u.usersWithFeatures) of \(u.usersWithFeatures + u.usersWithoutFeatures) users (the others get 0); of \(u.rows) rows, ignored: \(u.rowsNotInLog) of users not in the log, \(u.rowsOfFilteredUsers) of users filtered out, \(u.duplicateRows) repeated users")
            }
        }
        if dropped.isEmpty { out.append("dropped: none") }
        for r in dropped {
            out.append("dropped \(r.count): \(r.reason)" + (r.example.map { " (first: \($0))" } ?? ""))
        }
        return out
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}
