import Foundation
import VQLCore

/// Synthetic datasets in the KuaiRec, Tmall and RecBole raw formats, from the same event
/// stream as the KuaiRand one (`SyntheticEvents`), so the planted structure is the same
/// and a prepared copy of each is learnable. Each format carries its own pitfalls:
///
/// - kuairec: `big_matrix.csv` (+ `item_categories.csv`), `watch_ratio ≥ 2.0` exactly when
///   the impression is a click, about 0.5% of rows without time/date/timestamp and about
///   0.5% with a `time` text but no `timestamp` (empty or NaN).
/// - tmall: `user_log_format1.csv`, a click is a purchase (action 2), otherwise a click
///   (0), add-to-cart (1) or favourite (3); `mmdd` times; each user's rows in shuffled order;
///   about 2% of rows with an empty `brand_id`.
/// - recbole: `synth.inter` (`rating ≥ 4` exactly for clicks) and `synth.item` with a title
///   token containing spaces and the tags as a space-separated `genre:token` (split in the
///   config).
///
/// Every format also gets its user feature file (`SyntheticUserFeatures`).
public enum OtherFormatSynthesizer {
    @discardableResult
    public static func generate(format: PrepareSettings.Format, settings: SynthSettings, to directory: String) throws -> KuaiRandSynthesizer.Summary {
        guard settings.users >= 1, settings.items >= 1, settings.tags >= 1, settings.meanLength >= 1 else {
            throw DataError(file: "synth", "expected users, items, tags and mean-len ≥ 1")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let world = SyntheticWorld(settings: settings)
        func path(_ n: String) -> String { (directory as NSString).appendingPathComponent(n) }
        var summary = KuaiRandSynthesizer.Summary()
        switch format {
        case .kuairand:
            return try KuaiRandSynthesizer.generate(settings: settings, to: directory)
        case .kuairec:
            let w = try BufferedWriter(path: path("big_matrix.csv"))
            try w.ascii(KuaiRecPreparer.matrixColumns.joined(separator: ",") + "\n")
            try SyntheticEvents.forEach(world) { e, rng in
                summary.add(e)
                let duration = world.itemDurationMs[e.item]
                let ratio = e.click ? 2.0 + 1.5 * rng.uniformDouble() : 1.9 * rng.uniformDouble()
                try w.field(world.userRawIds[e.user]); try w.field(world.itemRawIds[e.item])
                try w.field(Int64(Double(duration) * ratio)); try w.field(duration)
                let r = rng.uniform()
                if r < 0.005 {
                    try w.ascii(",,,")  // no time, date or timestamp: cannot be placed in time
                } else if r < 0.01 {
                    // No timestamp, but the time text places the event (to the millisecond).
                    try w.ascii(beijingTime(e.timeMs) + ","); try w.field(BeijingCalendar.dateAndHour(e.timeMs).date)
                    try w.ascii(r < 0.0075 ? "," : "NaN,")
                } else {
                    try w.ascii(beijingTime(e.timeMs) + ","); try w.field(BeijingCalendar.dateAndHour(e.timeMs).date)
                    try w.ascii(String(format: "%.3f", Double(e.timeMs) / 1000) + ",")
                }
                try w.ascii(String(format: "%.3f", ratio) + "\n")
            }
            try w.flush()
            let c = try BufferedWriter(path: path(KuaiRecPreparer.categoriesFile))
            try c.ascii("video_id,feat\n")
            for i in 0..<world.itemRawIds.count {
                let tags = ([world.itemPrimaryTag[i]] + world.itemExtraTags[i]).map { String(world.tagRawIds[$0]) }
                let list = "[" + tags.joined(separator: ", ") + "]"
                try c.int(world.itemRawIds[i]); try c.ascii(tags.count > 1 ? ",\"\(list)\"\n" : ",\(list)\n")
            }
            try c.flush()
            try SyntheticUserFeatures.writeKuai(world, path: path(KuaiUserFeatures.kuaiRecFile))
        case .tmall:
            let w = try BufferedWriter(path: path(TmallPreparer.logFile))
            try w.ascii(TmallPreparer.columns.joined(separator: ",") + "\n")
            var rows: [(item: Int, mmdd: Int64, action: Int64, brand: Bool)] = []
            var user = -1
            var shuffle = RandomSource.derive(seed: settings.seed, stream: 11)
            func flush() throws {
                for k in shuffle.permutation(rows.count) {
                    let r = rows[Int(k)], i = r.item
                    try w.field(world.userRawIds[user]); try w.field(world.itemRawIds[i])
                    try w.field(world.tagRawIds[world.itemPrimaryTag[i]]); try w.field(Int64(3000 + i % 97))
                    if r.brand { try w.int(Int64(100 + i % 41)) }
                    try w.byte(0x2C); try w.field(r.mmdd); try w.int(r.action); try w.byte(0x0A)
                }
                rows.removeAll(keepingCapacity: true)
            }
            try SyntheticEvents.forEach(world) { e, rng in
                summary.add(e)
                if e.user != user { try flush(); user = e.user }
                let date = BeijingCalendar.dateAndHour(e.timeMs).date
                let r = rng.uniform()
                let action: Int64 = e.click ? 2 : (r < 0.05 ? 1 : (r < 0.08 ? 3 : 0))
                rows.append((e.item, date % 10000, action, rng.uniform() >= 0.02))
            }
            try flush()
            try w.flush()
            try SyntheticUserFeatures.writeTmall(world, path: path(TmallUserInfo.file))
        case .recbole:
            let w = try BufferedWriter(path: path("synth.inter"))
            try w.ascii("user_id:token\titem_id:token\trating:float\ttimestamp:float\n")
            try SyntheticEvents.forEach(world) { e, rng in
                summary.add(e)
                let rating = e.click ? 4 + Int64(rng.below(2)) : 1 + Int64(rng.below(3))
                try w.int(world.userRawIds[e.user]); try w.byte(0x09); try w.int(world.itemRawIds[e.item]); try w.byte(0x09)
                try w.int(rating); try w.byte(0x09); try w.ascii(String(format: "%.3f", Double(e.timeMs) / 1000) + "\n")
            }
            try w.flush()
            let it = try BufferedWriter(path: path("synth.item"))
            try it.ascii("item_id:token\ttitle:token\tgenre:token\tyear:token\n")
            for i in 0..<world.itemRawIds.count {
                let tags = ([world.itemPrimaryTag[i]] + world.itemExtraTags[i]).map { "t\(world.tagRawIds[$0])" }
                try it.int(world.itemRawIds[i]); try it.ascii("\tItem \(i) \"Part \(i % 3)\" (\(2000 + i % 20))\t")
                try it.ascii(tags.joined(separator: " ") + "\t\(2000 + i % 20)\n")
            }
            try it.flush()
            try SyntheticUserFeatures.writeRecBole(world, path: path("synth.user"))
        }
        return summary
    }

    /// "YYYY-MM-DD HH:MM:SS.mmm" in Beijing time (KuaiRec's `time`).
    static func beijingTime(_ ms: Int64) -> String {
        let (date, _) = BeijingCalendar.dateAndHour(ms)
        let local = ms + BeijingCalendar.offsetMs
        let ofDay = local - BeijingCalendar.floorDiv(local, 86_400_000) * 86_400_000
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(date / 10000), Int(date / 100 % 100), Int(date % 100),
                      Int(ofDay / 3_600_000), Int(ofDay / 60_000 % 60), Int(ofDay / 1000 % 60), Int(ofDay % 1000))
    }
}
