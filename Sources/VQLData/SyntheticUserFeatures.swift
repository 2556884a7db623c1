import Foundation
import VQLCore

/// The user feature files of the synthetic formats: KuaiRand's `user_features_1k.csv` and
/// KuaiRec's `user_features.csv` (31 columns), Tmall's `user_info_format1.csv`, RecBole's
/// `synth.user`. Values come from their own RNG stream (the events are unchanged) and carry
/// no planted signal. Each file has the pitfalls of the real ones:
///
/// - users without a row (`hasRow`: every tenth user) get 0 in every feature;
/// - extra users not in any log (`extraUsers`, raw ids past the last user's) are ignored;
/// - about 5% of the feature fields are empty (missing);
/// - KuaiRand/KuaiRec `*_range` texts with a comma are quoted (`"(10,50]"`); counts come
///   with their range bucket; RecBole occupations hold spaces and a `/`.
public enum SyntheticUserFeatures {
    /// Whether log user `u` has a feature row.
    public static func hasRow(_ u: Int) -> Bool { u % 10 != 9 }

    /// Number of feature rows of users that have no event.
    public static func extraUsers(_ settings: SynthSettings) -> Int { max(1, settings.users / 20) }

    /// Raw user ids of the rows, in file order: the log users with a row, one extra user
    /// after every twentieth of them (from the eleventh), the remaining extras at the end.
    static func rows(_ world: SyntheticWorld) -> [Int64] {
        let n = world.settings.users, extra = extraUsers(world.settings)
        var out: [Int64] = []
        var nextExtra = 0
        for u in 0..<n {
            if hasRow(u) { out.append(world.userRawIds[u]) }
            if u % 20 == 10 && nextExtra < extra { out.append(SyntheticWorld.userRawId(n + nextExtra)); nextExtra += 1 }
        }
        for k in nextExtra..<extra { out.append(SyntheticWorld.userRawId(n + k)) }
        return out
    }

    static let degrees = ["full_active", "high_active", "middle_active", "UNKNOWN"]
    /// (upper bound, label) buckets of each raw count, in KuaiRand's own range texts.
    static let followRanges: [(Int64, String)] = [(0, "0"), (10, "(0,10]"), (50, "(10,50]"), (100, "(50,100]"),
                                                  (150, "(100,150]"), (250, "(150,250]"), (500, "(250,500]"), (.max, "500+")]
    static let fansRanges: [(Int64, String)] = [(0, "0"), (9, "[1,10)"), (99, "[10,100)"), (999, "[100,1k)"),
                                                (4999, "[1k,5k)"), (9999, "[5k,1w)"), (.max, "[1w,10w)")]
    static let friendRanges: [(Int64, String)] = [(0, "0"), (4, "[1,5)"), (29, "[5,30)"), (59, "[30,60)"),
                                                  (119, "[60,120)"), (249, "[120,250)"), (.max, "250+")]
    static let dayRanges: [(Int64, String)] = [(30, "15-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"),
                                               (365, "181-365"), (730, "366-730"), (.max, "730+")]
    /// Distinct values of `onehot_feat0…17`.
    static let onehotSizes = [2, 7, 50, 100, 15, 34, 3, 118, 45, 7, 5, 5, 2, 2, 2, 2, 2, 2]

    /// The 31-column file of KuaiRand-1K and KuaiRec at `path`.
    public static func writeKuai(_ world: SyntheticWorld, path: String) throws {
        let w = try BufferedWriter(path: path)
        try w.ascii(KuaiUserFeatures.columns.joined(separator: ",") + "\n")
        var rng = RandomSource.derive(seed: world.settings.seed, stream: 21)
        func maybe(_ text: String) -> String { rng.uniform() < 0.05 ? "" : text }
        func quoted(_ s: String) -> String { s.contains(",") ? "\"\(s)\"" : s }
        func count(_ mean: Double, _ ranges: [(Int64, String)], minimum: Int64 = 0) -> String {
            let c = max(minimum, Int64(exp(Double(rng.normal()) * 1.5 + log(mean))))
            let label = ranges.first { c <= $0.0 }!.1
            return maybe("\(c)") + "," + maybe(quoted(label))
        }
        for raw in rows(world) {
            var fields = [String(raw), maybe(degrees[rng.below(degrees.count)])]
            for _ in 0..<3 { fields.append(maybe("\(rng.below(2))")) }
            fields.append(count(40, followRanges))
            fields.append(count(60, fansRanges))
            fields.append(count(8, friendRanges))
            fields.append(count(250, dayRanges, minimum: 15))
            for size in onehotSizes { fields.append(maybe("\(rng.below(size))")) }
            try w.ascii(fields.joined(separator: ",") + "\n")
        }
        try w.flush()
    }

    /// Tmall's `user_info_format1.csv` at `path`: age_range 0–8, gender 0–2, either may be empty.
    public static func writeTmall(_ world: SyntheticWorld, path: String) throws {
        let w = try BufferedWriter(path: path)
        try w.ascii(TmallUserInfo.columns.joined(separator: ",") + "\n")
        var rng = RandomSource.derive(seed: world.settings.seed, stream: 22)
        for raw in rows(world) {
            let age = rng.below(9), gender = rng.below(3)
            let ageText = rng.uniform() < 0.05 ? "" : "\(age)", genderText = rng.uniform() < 0.05 ? "" : "\(gender)"
            try w.ascii("\(raw),\(ageText),\(genderText)\n")
        }
        try w.flush()
    }

    static let recboleAges = ["1", "18", "25", "35", "45", "50", "56"]
    static let occupations = ["other", "academic/educator", "artist", "college/grad student", "K-12 student", "writer"]

    /// RecBole's `NAME.user` at `path`: MovieLens-like token fields (age, gender, occupation,
    /// zip_code) plus a `token_seq` and a `float` field, which are not user features.
    public static func writeRecBole(_ world: SyntheticWorld, path: String) throws {
        let w = try BufferedWriter(path: path)
        try w.ascii("user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\tdevices:token_seq\tscore:float\n")
        var rng = RandomSource.derive(seed: world.settings.seed, stream: 23)
        for raw in rows(world) {
            let age = recboleAges[rng.below(recboleAges.count)], gender = rng.below(2) == 0 ? "F" : "M"
            let occupation = rng.uniform() < 0.05 ? "" : occupations[rng.below(occupations.count)]
            let zip = String(format: "%05d", 10_000 + rng.below(90_000))
            try w.ascii("\(raw)\t\(age)\t\(gender)\t\(occupation)\t\(zip)\tphone tv\t\(rng.below(100))\n")
        }
        try w.flush()
    }
}
