import Foundation
import Testing
import VQLCore
@testable import VQLData

private func fileBytes(_ dir: TempDir) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in KuaiRandFormat.logFiles + [KuaiRandFormat.videoFeaturesFile] {
        out[name] = try Data(contentsOf: URL(fileURLWithPath: dir.file(name)))
    }
    return out
}

@Test func synthIsDeterministicPerSeed() throws {
    let a = TempDir(), b = TempDir(), c = TempDir()
    defer { a.cleanup(); b.cleanup(); c.cleanup() }
    let s = SynthSettings(users: 12, items: 300, tags: 10, meanLength: 150, seed: 9)
    try KuaiRandSynthesizer.generate(settings: s, to: a.path)
    try KuaiRandSynthesizer.generate(settings: s, to: b.path)
    var other = s
    other.seed = 10
    try KuaiRandSynthesizer.generate(settings: other, to: c.path)
    let fa = try fileBytes(a), fb = try fileBytes(b), fc = try fileBytes(c)
    #expect(fa == fb)
    #expect(fa[KuaiRandFormat.logFiles[0]] != fc[KuaiRandFormat.logFiles[0]])
    #expect(fa.values.allSatisfy { $0.count > 100 })
}

/// Parses one generated log file with plain Swift string handling (independent of CSVReader).
private func rows(_ path: String) throws -> (header: String, rows: [[Int64]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines.removeFirst()
    return (header, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { Int64($0) ?? -999 } })
}

@Test func synthFilesFollowTheKuaiRandLayout() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let s = SynthSettings(users: 15, items: 400, tags: 12, meanLength: 300, seed: 4)
    let summary = try KuaiRandSynthesizer.generate(settings: s, to: dir.path)
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    var total = 0, randomRows = 0
    for (f, name) in KuaiRandFormat.logFiles.enumerated() {
        let (header, rs) = try rows(dir.file(name))
        #expect(header == KuaiRandFormat.logColumns.joined(separator: ","))
        var lastTime: [Int64: Int64] = [:]
        for r in rs {
            #expect(r.count == 19)
            #expect(!r.contains(-999))
            let d = cal.dateComponents([.year, .month, .day, .hour],
                                       from: Date(timeIntervalSince1970: Double(r[4]) / 1000))
            #expect(r[2] == Int64(d.year! * 10000 + d.month! * 100 + d.day!))
            #expect(r[3] == Int64(d.hour! * 100))
            #expect((r[0] - 1000) % 17 == 0 && (r[1] - 50000) % 7 == 0)
            #expect(r[2] >= 20220408 && r[2] <= 20220508)
            #expect(r[17] == (f == 2 ? 1 : 0))  // is_rand only in the random log
            if f == 0 { #expect(r[2] < 20220422) } else { #expect(r[2] >= 20220422) }
            if let prev = lastTime[r[0]] { #expect(r[4] >= prev) }
            lastTime[r[0]] = r[4]
        }
        total += rs.count
        if f == 2 { randomRows = rs.count }
    }
    #expect(total == summary.events)
    #expect(total >= 15 * 20)
    // 10% of the events after 4/22 (a bit under half the span) are random exposures: ~5% overall.
    let share = Double(randomRows) / Double(total)
    #expect(share > 0.025 && share < 0.08, "random share \(share)")
    let video = try String(contentsOfFile: dir.file(KuaiRandFormat.videoFeaturesFile), encoding: .utf8)
    let vlines = video.split(separator: "\n")
    #expect(vlines.count == 401)
    #expect(vlines[0] == KuaiRandFormat.videoColumns.joined(separator: ",")[...])
    #expect(vlines.contains { $0.hasSuffix("\"") })  // some quoted multi-tag lists
}

/// Click rate on interest-tag targets vs others, and the 2-hour same-tag boost, measured on
/// the prepared dataset against the generator's hidden world.
@Test func synthPlantsTheInterestAndRecencySignal() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let s = SynthSettings(users: 80, items: 2000, tags: 40, meanLength: 800, seed: 3)
    try KuaiRandSynthesizer.generate(settings: s, to: dir.path)
    let out = dir.file("prepared")
    _ = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out)
    let d = try PreparedDataset(directory: out)
    let world = SyntheticWorld(settings: s)
    #expect(d.userCount == 80)
    var clicks = [[Double]](repeating: [0, 0], count: 4), shown = [[Double]](repeating: [0, 0], count: 4)
    var tagAgreement = 0, tagged = 0
    for u in 0..<d.userCount {
        let wu = Int((d.userRawIds[u] - 1000) / 17)
        var last = [Int: Int64]()
        for e in d.events(ofUser: u) {
            let item = Int(d.eventItem[e])
            let wi = Int((d.itemRawIds[item] - 50000) / 7)
            let tag = world.itemPrimaryTag[wi]
            let interest = world.userInterests[wu].contains(tag) ? 1 : 0
            let t = d.eventTime[e]
            let recent = (last[tag].map { t - $0 <= 2 * 3_600_000 } ?? false) ? 1 : 0
            last[tag] = t
            clicks[interest * 2 + recent][0] += Double(d.eventLabel[e])
            shown[interest * 2 + recent][0] += 1
            let tags = d.tags(ofItem: item)
            if let first = tags.first {
                tagged += 1
                if d.tagRawIds[Int(first)] == world.tagRawIds[tag] { tagAgreement += 1 }
            }
        }
    }
    func rate(_ k: Int) -> Double { clicks[k][0] / max(shown[k][0], 1) }
    let other = (clicks[0][0] + clicks[1][0]) / (shown[0][0] + shown[1][0])
    let interest = (clicks[2][0] + clicks[3][0]) / (shown[2][0] + shown[3][0])
    #expect(interest > other + 0.25, "interest \(interest) vs other \(other)")
    #expect(rate(1) > rate(0) + 0.08, "non-interest recent \(rate(1)) vs not \(rate(0))")
    // Interest-tag items are only slightly over-represented (≈ 10% targeted + base rate).
    let interestShare = (shown[2][0] + shown[3][0]) / shown.reduce(0) { $0 + $1[0] }
    #expect(interestShare > 0.1 && interestShare < 0.35, "interest share \(interestShare)")
    #expect(tagged > d.eventCount * 9 / 10 && tagAgreement == tagged)
    // Long histories must be worth more than short ones: a count-based predictor (smoothed
    // click rate of the target's tag in the history) ranks better with the whole history.
    let short = historyTagCTRAUC(d, window: 20), long = historyTagCTRAUC(d, window: Int.max)
    #expect(long > short + 0.03, "AUC whole history \(long) vs last 20 \(short)")
    #expect(long > 0.6)
}

/// AUC over targets with ≥ 50 earlier events of score = (clicks + 0.8) / (shown + 2) on the
/// target's first tag among the last `window` history events.
private func historyTagCTRAUC(_ d: PreparedDataset, window: Int) -> Double {
    var scored: [(Double, Float)] = []
    var clicks = [Double](repeating: 0, count: d.tagCount), shown = [Double](repeating: 0, count: d.tagCount)
    func tag(_ e: Int) -> Int? { d.tags(ofItem: Int(d.eventItem[e])).first.map(Int.init) }
    for u in 0..<d.userCount {
        for k in 0..<d.tagCount { clicks[k] = 0; shown[k] = 0 }
        let r = d.events(ofUser: u)
        for e in r {
            if e - r.lowerBound >= 50, let t = tag(e) {
                scored.append(((clicks[t] + 0.8) / (shown[t] + 2), d.eventLabel[e]))
            }
            if let t = tag(e) { clicks[t] += Double(d.eventLabel[e]); shown[t] += 1 }
            if window != Int.max, e - window >= r.lowerBound, let t = tag(e - window) {
                clicks[t] -= Double(d.eventLabel[e - window]); shown[t] -= 1
            }
        }
    }
    // AUC = P(score of a positive > score of a negative), ties counted half (average ranks).
    scored.sort { $0.0 < $1.0 }
    var rankSumPositive = 0.0, positives = 0.0
    var i = 0
    while i < scored.count {
        var j = i
        while j < scored.count && scored[j].0 == scored[i].0 { j += 1 }
        let averageRank = Double(i + j + 1) / 2
        for k in i..<j where scored[k].1 == 1 { rankSumPositive += averageRank; positives += 1 }
        i = j
    }
    let negatives = Double(scored.count) - positives
    return (rankSumPositive - positives * (positives + 1) / 2) / (positives * negatives)
}
