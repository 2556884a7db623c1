import Foundation
import Testing
@testable import VQLData

/// One kind of bad input: the files, what `strict` must say (error prefix and a phrase),
/// and what `skip` must count and keep.
struct BadInputCase: CustomStringConvertible, Sendable {
    let name: String
    let format: PrepareSettings.Format
    let files: [String: String]
    let strictPrefix: String
    let strictPhrase: String
    let reason: String
    let keptEvents: Int
    var description: String { name }
}

private let good1 = Fixture.row(1, 1, time: 5, click: 0)
private let good2 = Fixture.row(2, 2, time: 6, click: 1)
private func kuaiRand(_ rows: [String], file: String = Fixture.standard422, extra: [String: String] = [:]) -> [String: String] {
    [file: lines([Fixture.logHeader] + rows), Fixture.videos: Fixture.simpleVideos([1, 2])].merging(extra) { $1 }
}
private let swappedHeader: String = {
    var c = KuaiRandFormat.logColumns
    c.swapAt(0, 1)
    return c.joined(separator: ",")
}()

let badInputCases: [BadInputCase] = [
    .init(name: "wrong column count", format: .kuairand, files: kuaiRand([good1, good1 + ",99", good2]),
          strictPrefix: "\(Fixture.standard422):3: ", strictPhrase: "expected 19 columns, found 20",
          reason: DropReason.wrongColumnCount, keptEvents: 2),
    .init(name: "non-numeric field", format: .kuairand, files: kuaiRand([good1, "1,2,20220410,1200,12:00,0,0,0,0,0,0,0,1,1,0,0,0,0,1", good2]),
          strictPrefix: "\(Fixture.standard422):3: ", strictPhrase: "column time_ms: expected an integer",
          reason: DropReason.notNumeric, keptEvents: 2),
    .init(name: "broken quotes", format: .kuairand, files: kuaiRand([good1, "1,\"2\"x,20220410,1200,7,0,0,0,0,0,0,0,1,1,0,0,0,0,1", good2]),
          strictPrefix: "\(Fixture.standard422):3: ", strictPhrase: "after the closing quote",
          reason: DropReason.brokenQuotes, keptEvents: 2),
    .init(name: "label out of range", format: .kuairand, files: kuaiRand([good1, Fixture.row(1, 2, time: 7, click: 3), good2]),
          strictPrefix: "\(Fixture.standard422):3: ", strictPhrase: "is_click: expected 0 or 1",
          reason: DropReason.badLabel, keptEvents: 2),
    .init(name: "empty file", format: .kuairand, files: kuaiRand([good1, good2], file: Fixture.standard408, extra: [Fixture.standard422: ""]),
          strictPrefix: "\(Fixture.standard422):1: ", strictPhrase: "empty file",
          reason: DropReason.emptyFile, keptEvents: 2),
    .init(name: "missing file", format: .kuairand, files: [Fixture.standard408: lines([Fixture.logHeader, good1, good2])],
          strictPrefix: "\(Fixture.videos): ", strictPhrase: "file not found",
          reason: DropReason.missingFile, keptEvents: 2),
    .init(name: "header mismatch", format: .kuairand,
          files: kuaiRand([good1], file: Fixture.standard408, extra: [Fixture.standard422: lines([swappedHeader, good2])]),
          strictPrefix: "\(Fixture.standard422):1: ", strictPhrase: "expected the header",
          reason: DropReason.wrongHeader, keptEvents: 1),
    .init(name: "tmall non-numeric brand", format: .tmall,
          files: [TmallPreparer.logFile: lines([TmallPreparer.columns.joined(separator: ","), "1,2,3,4,5,829,0", "1,2,3,4,b5,829,0", "1,3,3,4,,1111,2"])],
          strictPrefix: "\(TmallPreparer.logFile):3: ", strictPhrase: "column brand_id",
          reason: DropReason.notNumeric, keptEvents: 2),
    .init(name: "tmall impossible month-day", format: .tmall,
          files: [TmallPreparer.logFile: lines([TmallPreparer.columns.joined(separator: ","), "1,2,3,4,5,829,0", "1,2,3,4,5,1341,0"])],
          strictPrefix: "\(TmallPreparer.logFile):3: ", strictPhrase: "mmdd",
          reason: DropReason.notNumeric, keptEvents: 1),
    .init(name: "recbole spaces are not separators", format: .recbole,
          files: ["x.inter": lines(["user_id:token\titem_id:token\trating:float\ttimestamp:float", "a\tb\t5\t10", "a b 5 11", "a\tc\t1\t12"])],
          strictPrefix: "x.inter:3: ", strictPhrase: "expected 4 columns, found 1",
          reason: DropReason.wrongColumnCount, keptEvents: 2),
    .init(name: "recbole non-numeric float", format: .recbole,
          files: ["x.inter": lines(["user_id:token\titem_id:token\trating:float\ttimestamp:float", "a\tb\tfive\t10", "a\tc\t1\t12"])],
          strictPrefix: "x.inter:2: ", strictPhrase: "column rating: expected a number",
          reason: DropReason.notNumeric, keptEvents: 1),
    .init(name: "kuairec bad feat list", format: .kuairec,
          files: ["big_matrix.csv": lines([KuaiRecPreparer.matrixColumns.joined(separator: ","), "1,2,1,1,,,10.5,2.5"]),
                  "item_categories.csv": lines(["video_id,feat", "2,\"[1, x]\""])],
          strictPrefix: "item_categories.csv:2: ", strictPhrase: "column feat",
          reason: DropReason.notNumeric, keptEvents: 1),
    .init(name: "kuairec time text that is not a time", format: .kuairec,
          files: ["big_matrix.csv": lines([KuaiRecPreparer.matrixColumns.joined(separator: ","), "1,2,1,1,,,10.5,2.5",
                                           "1,3,1,1,2020-02-30 10:00:00,,NaN,2.5"]),
                  "item_categories.csv": lines(["video_id,feat", "2,[1]"])],
          strictPrefix: "big_matrix.csv:3: ", strictPhrase: "column time: expected a Beijing time like 2020-07-05 00:08:23.438",
          reason: DropReason.notNumeric, keptEvents: 1),
]

@Test(arguments: badInputCases)
func strictStopsWithFileLineAndLeavesNoOutput(_ c: BadInputCase) throws {
    let dir = TempDir("strict")
    defer { dir.cleanup() }
    for (name, text) in c.files { dir.write(name, text) }
    var s = PrepareSettings()
    s.format = c.format
    s.input = dir.path
    s.output = dir.file("out")
    do {
        _ = try DatasetPreparer.prepare(s)
        Issue.record("\(c.name): expected an error")
    } catch let e as DataError {
        #expect(e.description.hasPrefix(c.strictPrefix), "\(c.name): \(e)")
        #expect(e.message.contains(c.strictPhrase), "\(c.name): \(e)")
    }
    #expect(!dir.contents().contains { $0.hasPrefix("out") }, "\(c.name): output left behind")
}

@Test(arguments: badInputCases)
func skipCountsTheReasonAndKeepsTheRest(_ c: BadInputCase) throws {
    let f = try PreparedFixture(c.format, c.files, tag: "skip") { $0.badRows = .skip }
    defer { f.cleanup() }
    #expect(f.summary.dropped(c.reason) == 1, "\(c.name): \(f.summary.dropped)")
    #expect(f.summary.dropped.count == 1, "\(c.name): \(f.summary.dropped)")
    #expect(f.dataset.eventCount == c.keptEvents, "\(c.name)")
    let example = try #require(f.summary.dropped.first?.example)
    #expect(example.hasPrefix(c.strictPrefix), "\(c.name): \(example)")
}

@Test func unterminatedQuoteAtEndOfFileIsOneSkippedRow() throws {
    let f = try PreparedFixture(.kuairand, kuaiRand([good1, good2, "1,\"2,20220410"]), tag: "eofquote") { $0.badRows = .skip }
    defer { f.cleanup() }
    #expect(f.summary.dropped(DropReason.brokenQuotes) == 1)
    #expect(f.dataset.eventCount == 2)
}

@Test func filtersWindowAndMinimumEventsAreCounted() throws {
    let rows = [Fixture.row(1, 1, time: 5, click: 0), Fixture.row(1, 2, time: 50, click: 1), Fixture.row(1, 1, time: 60, click: 1),
                Fixture.row(2, 2, time: 55, click: 0), Fixture.row(3, 1, time: 500, click: 0)]
    let f = try PreparedFixture(.kuairand, kuaiRand(rows, file: Fixture.standard408), tag: "filters") {
        $0.timeStartMs = 10
        $0.timeEndMs = 100
        $0.minEventsPerUser = 2
    }
    defer { f.cleanup() }
    #expect(f.summary.dropped(EventFilters.outsideWindow) == 2)
    #expect(f.summary.dropped(EventFilters.tooFewEvents) == 1)
    #expect(f.userRaw == [1])
    #expect(f.times == [50, 60])
}
