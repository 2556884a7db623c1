import Foundation

/// Tmall's `user_info_format1.csv` (`user_id, age_range, gender`) read into a `UserSide`
/// against the log's users. Both features are kept by default; each is an integer or empty
/// (missing, 0; an integral decimal `6.0` counts as 6). The dataset's own "unknown" codes
/// (age_range 0, gender 2) are kept as categories of their own: they are what the source
/// says, distinct from an empty field. Every row is validated, whether or not its user is
/// in the log.
enum TmallUserInfo {
    static let file = "user_info_format1.csv"
    static let columns = ["user_id", "age_range", "gender"]
    static let defaultColumns = ["age_range", "gender"]

    static func keptColumns(_ requested: [String]?) throws -> [String] {
        try UserSide.keptColumns(requested, defaults: defaultColumns, allowed: defaultColumns, file: file)
    }

    /// Reads `dir/user_info_format1.csv` when present. Absent: no user features, unless
    /// columns were asked for explicitly (`explicit`), when the bad-file policy applies.
    static func read(dir: String, columns kept: [String], explicit: Bool,
                     log: inout EventLog, guard g: inout RowGuard) throws -> UserSide {
        let r: CSVReader
        switch try UserSide.open(dir: dir, file: file, header: columns, kept: kept, explicit: explicit, guard: &g) {
        case .none(let side): return side
        case .file(let reader): r = reader
        }
        var side = UserSide(file: file, columns: kept)
        let age = kept.firstIndex(of: "age_range") ?? -1, gender = kept.firstIndex(of: "gender") ?? -1
        while try r.next() {
            guard try r.check(columns: columns.count, &g),
                  let raw = try r.int(0, "user_id", &g),
                  let ageRange = try r.optionalWhole(1, "age_range", &g),
                  let genderCode = try r.optionalWhole(2, "gender", &g),
                  let user = side.claim(log.users.find(raw)) else { continue }
            if age >= 0, let ageRange { side.set(age, user: user, ageRange) }
            if gender >= 0, let genderCode { side.set(gender, user: user, genderCode) }
        }
        log.sources.append(SourceFile.record(r))
        return side
    }
}
