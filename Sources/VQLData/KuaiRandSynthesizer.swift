import Foundation
import VQLCore

/// Writes a synthetic dataset in exact KuaiRand-1K format (the three log files,
/// `video_features_basic_1k.csv` and `user_features_1k.csv`) from a `SyntheticWorld`.
///
/// Per user: a lognormal number of impressions (min 20) in sessions spread over 4/08–5/08
/// (Beijing time; seconds apart within a session, hours or days between sessions). Each
/// impression on or after 4/22 is, with probability 0.10, a random exposure (`is_rand` = 1,
/// uniform item, written to the random log; about 5% of all events); otherwise, with
/// probability 0.10, an item of one of the user's interest tags, else a popularity-sampled item. Standard impressions go to the
/// 4_08 or the 4_22 file by date. Every user has its own RNG stream, so output is a pure
/// function of the settings.
public enum KuaiRandSynthesizer {
    public static let startMs = BeijingCalendar.midnightMs(year: 2022, month: 4, day: 8)
    public static let randomStartMs = BeijingCalendar.midnightMs(year: 2022, month: 4, day: 22)
    public static let endMs = BeijingCalendar.midnightMs(year: 2022, month: 5, day: 9)
    static let twoHoursMs: Int64 = 2 * 3_600_000

    /// Summary of what was written.
    public struct Summary: Sendable {
        public var events = 0
        public var randomEvents = 0
        public var clicks = 0
        public init() {}
        mutating func add(_ e: SyntheticEvent) {
            events += 1
            randomEvents += e.isRandom ? 1 : 0
            clicks += e.click ? 1 : 0
        }
    }

    @discardableResult
    public static func generate(settings: SynthSettings, to directory: String) throws -> Summary {
        guard settings.users >= 1, settings.items >= 1, settings.tags >= 1, settings.meanLength >= 1 else {
            throw DataError(file: "synth", "expected users, items, tags and mean-len ≥ 1")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let world = SyntheticWorld(settings: settings)
        func path(_ n: String) -> String { (directory as NSString).appendingPathComponent(n) }
        let writers = try KuaiRandFormat.logFiles.map { try BufferedWriter(path: path($0)) }
        let header = KuaiRandFormat.logColumns.joined(separator: ",") + "\n"
        for w in writers { try w.ascii(header) }
        var summary = Summary()
        try SyntheticEvents.forEach(world) { event, rng in
            let file = event.isRandom ? 2 : (event.timeMs < randomStartMs ? 0 : 1)
            try writeEvent(writers[file], &rng, world: world, user: event.user, item: event.item, timeMs: event.timeMs,
                           click: event.click, isRandom: event.isRandom)
            summary.add(event)
        }
        for w in writers { try w.flush() }
        try writeVideoFeatures(world, path: path(KuaiRandFormat.videoFeaturesFile), seed: settings.seed)
        try SyntheticUserFeatures.writeKuai(world, path: path(KuaiUserFeatures.kuaiRandFile))
        return summary
    }

    /// Increasing event times of one user: a lognormal count (min 20), sessions of ~20
    /// impressions 5–90 s apart, session gaps scaled so the history spans 20–29 days.
    static func sessionTimes(_ rng: inout RandomSource, meanLength: Int, into times: inout [Int64]) {
        let z = Double(rng.normal())
        let length = max(20, Int((Double(meanLength) * exp(0.6 * z - 0.18)).rounded()))
        var gaps = [Int64](repeating: 0, count: length)
        var isSessionGap = [Bool](repeating: false, count: length)
        var within: Int64 = 0
        var between = 0.0
        var rawBetween = [Double](repeating: 0, count: length)
        for k in 1..<length {
            if rng.uniform() < 0.05 {
                isSessionGap[k] = true
                rawBetween[k] = -log(max(rng.uniformDouble(), 1e-12))  // exponential(1)
                between += rawBetween[k]
            } else {
                gaps[k] = 5000 + Int64(rng.below(85_000))
                within += gaps[k]
            }
        }
        let span = Int64((20 + 9 * rng.uniformDouble()) * 86_400_000)
        let scale = between > 0 ? Double(max(span - within, 0)) / between : 0
        let minimumGap: Int64 = 30 * 60_000
        var t = startMs + Int64(rng.below(6 * 3_600_000))
        times.removeAll(keepingCapacity: true)
        for k in 0..<length {
            if k > 0 { t += isSessionGap[k] ? max(minimumGap, Int64(rawBetween[k] * scale)) : gaps[k] }
            times.append(min(t, endMs - 1))
        }
    }

    /// One log row, 19 integer columns.
    static func writeEvent(
        _ w: BufferedWriter, _ rng: inout RandomSource, world: SyntheticWorld, user u: Int, item: Int,
        timeMs t: Int64, click: Bool, isRandom: Bool
    ) throws {
        let (date, hourmin) = BeijingCalendar.dateAndHour(t)
        let duration = world.itemDurationMs[item]
        let r = rng.uniform()
        let like = click && r < 0.06
        let follow = click && r < 0.005
        let comment = click && r < 0.012
        let forward = click && r > 0.99
        let hate = !click && r < 0.002
        let longView = click ? rng.uniform() < 0.6 : rng.uniform() < 0.05
        let play = Int64(Double(duration) * (click ? 0.3 + Double(rng.uniform()) : 0.2 * Double(rng.uniform())))
        let profileEnter = click && rng.uniform() < 0.03
        let b = { (x: Bool) -> Int64 in x ? 1 : 0 }
        let profileStay = profileEnter ? Int64(rng.below(30_000)) : 0
        let commentStay = comment ? Int64(rng.below(60_000)) : 0
        let tab = Int64(rng.below(5))
        // Column order: KuaiRandFormat.logColumns.
        try w.field(world.userRawIds[u]); try w.field(world.itemRawIds[item]); try w.field(date)
        try w.field(hourmin); try w.field(t); try w.field(b(click)); try w.field(b(like))
        try w.field(b(follow)); try w.field(b(comment)); try w.field(b(forward)); try w.field(b(hate))
        try w.field(b(longView)); try w.field(play); try w.field(duration); try w.field(profileStay)
        try w.field(commentStay); try w.field(b(profileEnter)); try w.field(b(isRandom)); try w.int(tab)
        try w.byte(0x0A)
    }

    /// `video_features_basic_1k.csv`: 12 columns; `tag` is the primary tag then the extras,
    /// quoted when it has a comma, empty for ~3% of items; `video_duration` empty for ~5%.
    static func writeVideoFeatures(_ world: SyntheticWorld, path: String, seed: UInt64) throws {
        let w = try BufferedWriter(path: path)
        try w.ascii(KuaiRandFormat.videoColumns.joined(separator: ",") + "\n")
        var rng = RandomSource.derive(seed: seed, stream: 3)
        for i in 0..<world.itemRawIds.count {
            try w.int(world.itemRawIds[i]); try w.byte(0x2C)
            try w.int(Int64(3000 + rng.below(max(world.itemRawIds.count / 5, 1)))); try w.byte(0x2C)
            try w.ascii(rng.uniform() < 0.03 ? "AD," : "NORMAL,")
            try w.ascii("2021-"); try twoDigits(w, 1 + rng.below(12)); try w.byte(0x2D)
            try twoDigits(w, 1 + rng.below(28)); try w.byte(0x2C)
            try w.ascii("ShortImport,1,")
            if rng.uniform() >= 0.05 { try w.fixed1(Double(world.itemDurationMs[i])) }
            try w.ascii(",720,1280,")
            try w.int(Int64(700_000 + rng.below(50_000))); try w.ascii(",9,")
            if rng.uniform() >= 0.03 {
                let tags = [world.itemPrimaryTag[i]] + world.itemExtraTags[i]
                if tags.count > 1 { try w.byte(0x22) }
                for (k, t) in tags.enumerated() {
                    if k > 0 { try w.byte(0x2C) }
                    try w.int(world.tagRawIds[t])
                }
                if tags.count > 1 { try w.byte(0x22) }
            }
            try w.byte(0x0A)
        }
        try w.flush()
    }

    static func twoDigits(_ w: BufferedWriter, _ v: Int) throws {
        try w.byte(UInt8(48 + v / 10))
        try w.byte(UInt8(48 + v % 10))
    }
}
