import Foundation

/// The 31-column user feature file of KuaiRand-1K (`user_features_1k.csv`) and KuaiRec
/// (`user_features.csv`), read into a `UserSide` against the log's users.
///
/// Kept by default: `user_active_degree`, the three 0/1 flags, the four `*_range` columns
/// and `onehot_feat0…17` (27 columns). The raw counts `follow_user_num`, `fans_user_num`,
/// `friend_user_num` and `register_days` are validated but never kept: one category per
/// distinct count would be close to a user id, and the dataset already buckets each of them
/// in its `*_range` column (asking for one in `prepare.user_feature_fields` is an error
/// naming the range column to use). Text columns (`user_active_degree`, `*_range`, quoted
/// when they hold a comma such as `"(0,10]"`) are tokens; the others are integers or empty
/// (an integral decimal `3.0` counts as 3). Empty = missing (0). Every row is validated,
/// whether or not its user is in the log.
enum KuaiUserFeatures {
    static let kuaiRandFile = "user_features_1k.csv"
    static let kuaiRecFile = "user_features.csv"

    static let columns = [
        "user_id", "user_active_degree", "is_lowactive_period", "is_live_streamer", "is_video_author",
        "follow_user_num", "follow_user_num_range", "fans_user_num", "fans_user_num_range",
        "friend_user_num", "friend_user_num_range", "register_days", "register_days_range",
    ] + (0..<18).map { "onehot_feat\($0)" }

    static let textColumns: Set<String> = [
        "user_active_degree", "follow_user_num_range", "fans_user_num_range", "friend_user_num_range", "register_days_range",
    ]

    /// Raw count columns and the range column that buckets each.
    static let rawCounts = [
        "follow_user_num": "follow_user_num_range", "fans_user_num": "fans_user_num_range",
        "friend_user_num": "friend_user_num_range", "register_days": "register_days_range",
    ]

    /// Every column except `user_id` and the raw counts, in file order.
    static let defaultColumns = columns.filter { $0 != "user_id" && rawCounts[$0] == nil }

    /// The kept columns for `requested` (nil = `defaultColumns`); a config error for a raw
    /// count or an unknown name. Call before reading the logs, so a typo costs no parse.
    static func keptColumns(_ requested: [String]?, file: String) throws -> [String] {
        try UserSide.keptColumns(requested, defaults: defaultColumns, allowed: defaultColumns, file: file, instead: rawCounts)
    }

    /// Reads `dir/file` when present. Absent: no user features, unless columns were asked
    /// for explicitly (`explicit`), when the bad-file policy applies (`missingFile`).
    static func read(dir: String, file: String, columns kept: [String], explicit: Bool,
                     log: inout EventLog, guard g: inout RowGuard) throws -> UserSide {
        let r: CSVReader
        switch try UserSide.open(dir: dir, file: file, header: columns, kept: kept, explicit: explicit, guard: &g) {
        case .none(let side): return side
        case .file(let reader): r = reader
        }
        var side = UserSide(file: file, columns: kept)
        // Per file column: index into the kept columns (-1 = not kept), and whether it is text.
        let keptIndex = columns.map { kept.firstIndex(of: $0) ?? -1 }
        let isText = columns.map { textColumns.contains($0) }
        var whole = [Int64?](repeating: nil, count: columns.count)
        rowLoop: while try r.next() {
            guard try r.check(columns: columns.count, &g), let raw = try r.int(0, "user_id", &g) else { continue }
            for c in 1..<columns.count where !isText[c] {
                guard let v = try r.optionalWhole(c, columns[c], &g) else { continue rowLoop }
                whole[c] = v
            }
            guard let user = side.claim(log.users.find(raw)) else { continue }
            for c in 1..<columns.count where keptIndex[c] >= 0 {
                if isText[c] {
                    let text = r.string(c)
                    if !text.isEmpty { side.set(keptIndex[c], user: user, token: text) }
                } else if let v = whole[c] {
                    side.set(keptIndex[c], user: user, v)
                }
            }
        }
        log.sources.append(SourceFile.record(r))
        return side
    }
}
