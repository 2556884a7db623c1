import Foundation
import Testing
@testable import VQLData

// Bad user feature files follow the bad-row policy like every other source: `strict` stops
// with `file:line: expected …`, `skip` counts the row or file by reason and keeps the events
// (and the other users' features).

private let kuaiRandBase: [String: String] = [Fixture.standard408: UserFixture.kuaiRandLog, Fixture.videos: Fixture.simpleVideos([1, 2])]

/// The KuaiRand fixture with `rows` (after the header) as the user file.
private func kuaiRandUsers(_ rows: [String], header: String = UserFixture.kuaiHeader) -> [String: String] {
    kuaiRandBase.merging([KuaiUserFeatures.kuaiRandFile: lines([header] + rows)]) { $1 }
}

private let user17 = UserFixture.kuai("17", "high_active", flags: ["0", "1", "0"],
                                      counts: ["12", "\"(10,50]\"", "3", "\"[1,10)\"", "0", "0", "200", "181-365"], onehot: ["1"])
private let tmallHeader = TmallUserInfo.columns.joined(separator: ",")
private let recboleUserHeader = "user_id:token\tage:token\tgender:token"

let userFileBadInputCases: [BadInputCase] = [
    .init(name: "user file wrong column count", format: .kuairand, files: kuaiRandUsers([user17, user17.replacingOccurrences(of: "17,", with: "5,") + ",9"]),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):3: ", strictPhrase: "expected 31 columns, found 32",
          reason: DropReason.wrongColumnCount, keptEvents: 7),
    .init(name: "user file non-integer onehot", format: .kuairand,
          files: kuaiRandUsers([UserFixture.kuai("5", "", flags: ["", "", ""], counts: Array(repeating: "", count: 8), onehot: ["1", "x"]), user17]),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):2: ", strictPhrase: "column onehot_feat1: expected an integer or nothing, found \"x\"",
          reason: DropReason.notNumeric, keptEvents: 7),
    .init(name: "user file fractional flag", format: .kuairand,
          files: kuaiRandUsers([user17, UserFixture.kuai("5", "", flags: ["", "1.5", ""], counts: Array(repeating: "", count: 8), onehot: [])]),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):3: ", strictPhrase: "column is_live_streamer: expected an integer",
          reason: DropReason.notNumeric, keptEvents: 7),
    .init(name: "user file unquoted comma shifts the columns", format: .kuairand,
          files: kuaiRandUsers([user17.replacingOccurrences(of: "\"(10,50]\"", with: "(10,50]")]),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):2: ", strictPhrase: "expected 31 columns, found 32",
          reason: DropReason.wrongColumnCount, keptEvents: 7),
    .init(name: "user file broken quotes", format: .kuairand,
          files: kuaiRandUsers([user17.replacingOccurrences(of: "\"(10,50]\"", with: "\"(10,50]\"x")]),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):2: ", strictPhrase: "after the closing quote",
          reason: DropReason.brokenQuotes, keptEvents: 7),
    .init(name: "user file header mismatch", format: .kuairand,
          files: kuaiRandUsers([user17], header: UserFixture.kuaiHeader.replacingOccurrences(of: "user_id,", with: "uid,")),
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):1: ", strictPhrase: "expected the header line",
          reason: DropReason.wrongHeader, keptEvents: 7),
    .init(name: "user file empty", format: .kuairand, files: kuaiRandBase.merging([KuaiUserFeatures.kuaiRandFile: ""]) { $1 },
          strictPrefix: "\(KuaiUserFeatures.kuaiRandFile):1: ", strictPhrase: "empty file",
          reason: DropReason.emptyFile, keptEvents: 7),
    .init(name: "kuairec user file non-integer user_id", format: .kuairec,
          files: ["big_matrix.csv": lines([KuaiRecPreparer.matrixColumns.joined(separator: ","), "1,2,1,1,,,10.5,2.5"]),
                  "item_categories.csv": lines(["video_id,feat", "2,[1]"]),
                  KuaiUserFeatures.kuaiRecFile: lines([UserFixture.kuaiHeader, user17.replacingOccurrences(of: "17,", with: "u1,")])],
          strictPrefix: "\(KuaiUserFeatures.kuaiRecFile):2: ", strictPhrase: "column user_id: expected an integer",
          reason: DropReason.notNumeric, keptEvents: 1),
    .init(name: "tmall user info non-numeric gender", format: .tmall,
          files: [TmallPreparer.logFile: tmallLog, TmallUserInfo.file: lines([tmallHeader, "328862,6,1", "234512,5,f"])],
          strictPrefix: "\(TmallUserInfo.file):3: ", strictPhrase: "column gender: expected an integer or nothing",
          reason: DropReason.notNumeric, keptEvents: 6),
    .init(name: "tmall user info wrong column count", format: .tmall,
          files: [TmallPreparer.logFile: tmallLog, TmallUserInfo.file: lines([tmallHeader, "328862,6", "234512,5,1"])],
          strictPrefix: "\(TmallUserInfo.file):2: ", strictPhrase: "expected 3 columns, found 2",
          reason: DropReason.wrongColumnCount, keptEvents: 6),
    .init(name: "recbole user file spaces are not separators", format: .recbole,
          files: ["ml.inter": lines(["user_id:token\titem_id:token\trating:float\ttimestamp:float", "u2\ta\t5\t10", "u 1\tb\t1\t12"]),
                  "ml.user": lines([recboleUserHeader, "u2\t25\tM", "u 1 18 F"])],
          strictPrefix: "ml.user:3: ", strictPhrase: "expected 3 columns, found 1",
          reason: DropReason.wrongColumnCount, keptEvents: 2),
]

@Test(arguments: userFileBadInputCases)
func userFileStrictStopsWithFileLine(_ c: BadInputCase) throws {
    try strictStopsWithFileLineAndLeavesNoOutput(c)
}

@Test(arguments: userFileBadInputCases)
func userFileSkipCountsAndKeepsTheRest(_ c: BadInputCase) throws {
    try skipCountsTheReasonAndKeepsTheRest(c)
}

@Test func skippedUserRowsLeaveTheirUserMissingAndOthersIntact() throws {
    // Row 2 (user 5) is bad, row 3 (user 17) good: under skip user 5 gets 0 everywhere.
    let bad = UserFixture.kuai("5", "UNKNOWN", flags: ["1", "1", "x"], counts: Array(repeating: "", count: 8), onehot: ["1"])
    let f = try PreparedFixture(.kuairand, kuaiRandUsers([bad, user17])) { $0.badRows = .skip }
    defer { f.cleanup() }
    #expect(f.userRaw == [5, 17, 300, 17387])
    #expect(f.userFeature("user_active_degree") == [0, 1, 0, 0])
    #expect(f.userFeature("is_live_streamer") == [0, 1, 0, 0])
    #expect(f.userFeature("onehot_feat0") == [0, 1, 0, 0])
    let u = try #require(f.summary.userFeatures)
    #expect(u.rows == 1 && u.usersWithFeatures == 1 && u.usersWithoutFeatures == 3)
    #expect(f.summary.dropped(DropReason.notNumeric) == 1)
}

@Test func skippedUserFileMeansNoUserFeatures() throws {
    let f = try PreparedFixture(.kuairand, kuaiRandBase.merging([KuaiUserFeatures.kuaiRandFile: ""]) { $1 }) { $0.badRows = .skip }
    defer { f.cleanup() }
    #expect(f.dataset.manifest.userFeatures.isEmpty)
    #expect(f.summary.userFeatures?.none == "\(KuaiUserFeatures.kuaiRandFile) skipped")
    #expect(!f.dataset.manifest.sourceFiles.map(\.name).contains(KuaiUserFeatures.kuaiRandFile))
}
