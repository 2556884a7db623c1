import Foundation
import Testing
@testable import VQLData

/// Each synthetic format prepares back to its events: every event kept (kuairec: except the
/// rows written without a timestamp or time text, which are counted), labels equal to the
/// clicks; its user feature file gives features to every user with a row (all but every
/// tenth) and ignores the extra users.
@Test(arguments: [PrepareSettings.Format.kuairand, .kuairec, .tmall, .recbole])
func synthesizedFormatsPrepareBackToTheirEvents(_ format: PrepareSettings.Format) throws {
    let dir = TempDir("synthformats")
    defer { dir.cleanup() }
    let synth = try OtherFormatSynthesizer.generate(
        format: format, settings: SynthSettings(users: 25, items: 300, tags: 12, meanLength: 80, seed: 4), to: dir.file("raw"))
    var s = PrepareSettings()
    s.format = format
    s.input = dir.file("raw")
    s.output = dir.file("prepared")
    if format == .recbole { s.tagFields = ["genre"]; s.splitFields = ["genre"]; s.featureFields = ["year"] }
    let (_, summary) = try DatasetPreparer.prepare(s)
    let untimed = summary.dropped(DropReason.noTimestamp)
    #expect(summary.events + untimed == synth.events)
    #expect(summary.users == 25)
    #expect(summary.tags > 0)
    if format == .kuairec {
        #expect(untimed > 0 && untimed < synth.events / 50)
        #expect(abs(summary.positives - synth.clicks) <= untimed)
        #expect(summary.timeFromText > 0 && summary.timeFromText < synth.events / 50)
    } else {
        #expect(untimed == 0)
        #expect(summary.positives == synth.clicks)
    }
    let u = try #require(summary.userFeatures)
    #expect(u.none == nil)
    #expect(u.columns.count == [.kuairand: 26, .kuairec: 26, .tmall: 2, .recbole: 4][format])
    #expect(u.usersWithFeatures == 23 && u.usersWithoutFeatures == 2)  // users 9 and 19 have no row
    #expect(u.rowsNotInLog == SyntheticUserFeatures.extraUsers(SynthSettings(users: 25)) && u.duplicateRows == 0)
    let d = try PreparedDataset(directory: s.output)
    for f in d.manifest.userFeatures {
        let values = try #require(d.userFeature(f.name))
        for user in 0..<d.userCount where !SyntheticUserFeatures.hasRow(Int((d.userRawIds[user] - 1000) / 17)) {
            #expect(values[user] == 0, "\(f.name): user \(d.userRawIds[user]) has no row")
        }
        #expect(f.vocabularySize >= 2, "\(f.name)")
    }
    // Times never decrease within a user.
    for u in 0..<d.userCount {
        let r = d.events(ofUser: u)
        for e in r.dropFirst() { #expect(d.eventTime[e - 1] <= d.eventTime[e]) }
    }
}
