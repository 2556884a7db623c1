import Foundation
import Testing
@testable import VQLData

/// Each synthetic format prepares back to its events: every event kept (kuairec: except the
/// rows written without a timestamp, which are counted), labels equal to the clicks.
@Test(arguments: [PrepareSettings.Format.kuairec, .tmall, .recbole])
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
    } else {
        #expect(untimed == 0)
        #expect(summary.positives == synth.clicks)
    }
    let d = try PreparedDataset(directory: s.output)
    // Times never decrease within a user.
    for u in 0..<d.userCount {
        let r = d.events(ofUser: u)
        for e in r.dropFirst() { #expect(d.eventTime[e - 1] <= d.eventTime[e]) }
    }
}
