import Foundation

/// Static user side information: single-valued categorical user features, keyed by the
/// provisional user ids of an `EventLog` (the user-side twin of `ItemSide`). Rows of users
/// with no event in the log are not recorded, only counted; the first row of a user wins.
/// `PreparedWriter` turns each column into `user_feature_<name>.i32` (`UserFeatureArrays`).
public struct UserSide {
    /// One column per kept feature, in the file's column order.
    public var features: [FeatureColumn] = []
    /// Provisional users that already have a feature row.
    var hasRow: [Bool] = []
    /// What was read, for `PrepareSummary.userFeatures` (nil: the format has no user file).
    public var summary: PrepareSummary.UserFeatures?

    public init() {}

    /// No user features, with the reason (`PrepareSummary.UserFeatures.none`).
    static func none(file: String, _ reason: String) -> UserSide {
        var side = UserSide()
        side.summary = .init(file: file, none: reason)
        return side
    }

    /// What a user-feature reader starts from: the open file, or already the answer.
    enum Source {
        case file(CSVReader)
        case none(UserSide)
    }

    /// Opens `dir/file` (header `header`) for a reader keeping `kept`: `.none` when no column
    /// is kept, when the file is absent and no columns were asked for (`explicit` false), or
    /// when the bad-file policy skips it.
    static func open(dir: String, file: String, header: [String], kept: [String], explicit: Bool,
                     guard g: inout RowGuard) throws -> Source {
        if kept.isEmpty { return .none(.none(file: file, "prepare.user_feature_fields is empty")) }
        if !explicit && !FileManager.default.fileExists(atPath: SourceFile.join(dir, file)) {
            return .none(.none(file: file, "\(file) not found"))
        }
        guard let (r, _) = try SourceFile.open(dir, file, columns: header, &g) else {
            return .none(.none(file: file, "\(file) skipped"))
        }
        return .file(r)
    }

    /// Starts reading `file` with these kept columns.
    init(file: String, columns: [String]) {
        features = columns.map { FeatureColumn(name: $0, keepValues: true) }
        summary = .init(file: file, columns: columns.map { .init(name: $0) })
    }

    /// The provisional user a valid row's features go to: nil, and counted, when the user
    /// has no event in the log (`user` nil) or already had a row.
    mutating func claim(_ user: Int32?) -> Int32? {
        summary?.rows += 1
        guard let user else { summary?.rowsNotInLog += 1; return nil }
        let u = Int(user)
        if u >= hasRow.count { hasRow.append(contentsOf: repeatElement(false, count: u + 1 - hasRow.count)) }
        if hasRow[u] { summary?.duplicateRows += 1; return nil }
        hasRow[u] = true
        return user
    }

    /// Records integer value `v` of kept column `k` for a claimed user.
    @inline(__always)
    mutating func set(_ k: Int, user: Int32, _ v: Int64) {
        features[k].set(item: user, value: features[k].values.id(v))
    }

    /// Records token `t` (non-empty) of kept column `k` for a claimed user.
    mutating func set(_ k: Int, user: Int32, token t: String) {
        features[k].set(item: user, value: features[k].values.id(token: t))
    }

    /// The kept columns: `requested` (prepare.user_feature_fields) or, when nil, `defaults`;
    /// every requested name must be in `allowed`, else a config error naming `file`'s columns.
    /// `instead` maps a refused column to the one to use (KuaiRand's raw counts → ranges).
    static func keptColumns(_ requested: [String]?, defaults: [String], allowed: [String], file: String,
                            instead: [String: String] = [:]) throws -> [String] {
        guard let requested else { return defaults }
        for name in requested where !allowed.contains(name) {
            if let better = instead[name] {
                throw DataError(file: "prepare.user_feature_fields", "\(name) is a raw count (one category per distinct number would be an id, not a feature): use \(better)")
            }
            throw DataError(file: "prepare.user_feature_fields", "expected columns of \(file) among \(allowed.joined(separator: ", ")), found \"\(name)\"")
        }
        // File order, not config order: the arrays and the manifest list features as the file does.
        return allowed.filter { requested.contains($0) }
    }
}

extension CSVReader {
    /// Field `i` as a whole number (`12`, or an integral decimal `12.0`: a file written from
    /// a column with missing values often looks like that) or empty (`.some(nil)`); nil (row
    /// skipped) when neither.
    @inline(__always)
    func optionalWhole(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Int64?? {
        let v: Int64?? = withField(i) { b in
            if b.isEmpty { return .some(nil) }
            if let v = ByteNumber.parseInt64(b) { return .some(v) }
            guard let d = ByteNumber.parseDecimal(b), d == d.rounded(), abs(d) < 9e15 else { return nil }
            return .some(Int64(d))
        }
        if let v { return v }
        try g.reject(DropReason.notNumeric, error("column \(column): expected an integer or nothing, found \"\(string(i))\""))
        return nil
    }
}
