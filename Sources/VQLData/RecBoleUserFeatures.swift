import Foundation

/// RecBole's `NAME.user` (tab-separated, typed header) read into a `UserSide` against the
/// log's users (`user_field` is the user token, as in `NAME.inter`).
///
/// Kept: the fields of `prepare.user_feature_fields`, which must be `token` fields; by
/// default every `token` field except the user field. `token_seq` fields (lists) are not
/// used: a single categorical value per user cannot hold a list, and keeping only its first
/// element would pick one arbitrarily. `float` fields are not categorical and are not used.
/// Each token is one category (spaces and all); an empty token is missing (0).
enum RecBoleUserFeatures {
    /// Reads `dir/NAME.user` when present. Absent: no user features, unless fields were asked
    /// for explicitly, when the bad-file policy applies (`missingFile`).
    static func read(dir: String, name: String, settings s: PrepareSettings,
                     log: inout EventLog, guard g: inout RowGuard) throws -> UserSide {
        let file = name + ".user"
        if s.userFeatureFields?.isEmpty == true { return .none(file: file, "prepare.user_feature_fields is empty") }
        if s.userFeatureFields == nil && !FileManager.default.fileExists(atPath: SourceFile.join(dir, file)) {
            return .none(file: file, "\(file) not found")
        }
        guard let (r, fields) = try SourceFile.open(dir, file, columns: nil, &g, separator: 0x09, quoting: false) else {
            return .none(file: file, "\(file) skipped")
        }
        let h = try RecBolePreparer.header(fields, r)
        guard let ui = h.index(s.userField), h.types[ui] == "token" else {
            throw r.error("expected a field \(s.userField):token in the header")
        }
        for f in s.userFeatureFields ?? [] {
            guard let i = h.index(f), h.types[i] == "token" else {
                throw r.error("user feature field \(f): expected a token field in the header (token_seq and float fields are not used)")
            }
        }
        let tokenFields = h.names.indices.filter { h.types[$0] == "token" && $0 != ui }.map { h.names[$0] }
        let kept = try UserSide.keptColumns(s.userFeatureFields, defaults: tokenFields, allowed: tokenFields, file: file)
        let keptIndex = kept.map { h.index($0)! }
        var side = UserSide(file: file, columns: kept)
        if kept.isEmpty { side.summary?.none = "\(file) has no token field besides \(s.userField)" }
        while try r.next() {
            guard try r.check(columns: h.names.count, &g) else { continue }
            guard let user = side.claim(log.users.find(token: r.string(ui))) else { continue }
            for (k, c) in keptIndex.enumerated() {
                let v = r.string(c)
                if !v.isEmpty { side.set(k, user: user, token: v) }
            }
        }
        log.sources.append(SourceFile.record(r))
        return side
    }
}
