import Foundation
import Testing
@testable import VQLData

/// Runs prepare on a directory holding `files` and returns the DataError (nil if none),
/// checking that no output (and no temporary directory) was left behind.
private func prepareError(_ files: [String: String], label: String = "is_click") -> DataError? {
    let dir = TempDir()
    defer { dir.cleanup() }
    for (name, text) in files { dir.write(name, text) }
    let out = dir.file("out")
    do {
        _ = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out, labelColumn: label)
        return nil
    } catch let e as DataError {
        let left = dir.contents().filter { $0.hasPrefix("out") }
        #expect(left.isEmpty, "left behind: \(left)")
        return e
    } catch {
        Issue.record("expected a DataError, got \(error)")
        return nil
    }
}

private let goodVideos = Fixture.simpleVideos([1, 2])

private func log(_ lines: [String]) -> String { ([Fixture.logHeader] + lines).joined(separator: "\n") + "\n" }

@Test func wrongColumnCountNamesFileAndLine() throws {
    let bad = Fixture.row(1, 1, time: 5, click: 0) + ",99"
    let e = try #require(prepareError([Fixture.standard422: log([Fixture.row(1, 1, time: 5, click: 0), bad]),
                                       Fixture.videos: goodVideos]))
    #expect(e.description.hasPrefix("\(Fixture.standard422):3: "), "\(e)")
    #expect(e.message.contains("expected 19 columns, found 20"))
}

@Test func nonNumericFieldNamesColumn() throws {
    let bad = "1,2,20220410,1200,12:00,0,0,0,0,0,0,0,1,1,0,0,0,0,1"
    let e = try #require(prepareError([Fixture.standard408: log([bad]), Fixture.videos: goodVideos]))
    #expect(e.description.hasPrefix("\(Fixture.standard408):2: "), "\(e)")
    #expect(e.message.contains("time_ms"))
    #expect(e.message.contains("integer"))
    let badUnused = "1,2,2022-04-10,1200,5,0,0,0,0,0,0,0,1,1,0,0,0,0,1"
    let e2 = try #require(prepareError([Fixture.random: log([badUnused]), Fixture.videos: goodVideos]))
    #expect(e2.description.hasPrefix("\(Fixture.random):2: "), "\(e2)")
    #expect(e2.message.contains("date"))
}

@Test func labelMustBeZeroOrOne() throws {
    let e = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 2, time: 5, click: 3)]),
                                       Fixture.videos: goodVideos]))
    #expect(e.description.hasPrefix("\(Fixture.standard408):2: "), "\(e)")
    #expect(e.message.contains("is_click"))
    let e2 = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 2, time: 5, click: 0)]),
                                        Fixture.videos: goodVideos], label: "play_time_ms"))
    #expect(e2.description.contains("expected one of"))
}

@Test func brokenQuoteInVideoFile() throws {
    let videos = [Fixture.videoHeader, Fixture.video(1, tag: "\"1,2\""), Fixture.video(2, tag: "\"3,4")]
        .joined(separator: "\n") + "\n"
    let e = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 2, time: 5, click: 0)]),
                                       Fixture.videos: videos]))
    #expect(e.description.hasPrefix("\(Fixture.videos):3: "), "\(e)")
    #expect(e.message.contains("quote"))
}

@Test func badTagListInVideoFile() throws {
    let videos = [Fixture.videoHeader, Fixture.video(1, tag: "\"1,x\"")].joined(separator: "\n")
    let e = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 1, time: 5, click: 0)]),
                                       Fixture.videos: videos]))
    #expect(e.description.hasPrefix("\(Fixture.videos):2: "), "\(e)")
    #expect(e.message.contains("tag"))
}

@Test func badDurationAndAuthorInVideoFile() throws {
    let videos = [Fixture.videoHeader, Fixture.video(1, tag: "1"), Fixture.video(2, tag: "1", duration: "12s")]
        .joined(separator: "\n")
    let e = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 1, time: 5, click: 0)]),
                                       Fixture.videos: videos]))
    #expect(e.description.hasPrefix("\(Fixture.videos):3: "), "\(e)")
    #expect(e.message.contains("video_duration"))
    let videos2 = [Fixture.videoHeader, Fixture.video(1, tag: "1", author: "x7")].joined(separator: "\n")
    let e2 = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 1, time: 5, click: 0)]),
                                        Fixture.videos: videos2]))
    #expect(e2.description.hasPrefix("\(Fixture.videos):2: "), "\(e2)")
    #expect(e2.message.contains("author_id"))
}

@Test func missingFilesAreNamed() throws {
    let e = try #require(prepareError([Fixture.videos: goodVideos]))
    #expect(e.description.contains(Fixture.standard408))
    #expect(e.message.contains("expected at least one"))
    let e2 = try #require(prepareError([Fixture.random: log([Fixture.row(1, 1, time: 5, click: 0)])]))
    #expect(e2.description.hasPrefix(Fixture.videos), "\(e2)")
    #expect(e2.message.contains("not found"))
}

@Test func emptyFileAndHeaderOnly() throws {
    let e = try #require(prepareError([Fixture.standard422: "", Fixture.videos: goodVideos]))
    #expect(e.description.hasPrefix("\(Fixture.standard422):1: "), "\(e)")
    #expect(e.message.contains("empty file"))
    let e2 = try #require(prepareError([Fixture.standard422: log([]), Fixture.videos: goodVideos]))
    #expect(e2.message.contains("no events"), "\(e2)")
}

@Test func wrongHeaderIsLineOne() throws {
    var cols = KuaiRandFormat.logColumns
    cols.swapAt(0, 1)
    let text = cols.joined(separator: ",") + "\n" + Fixture.row(1, 1, time: 5, click: 0) + "\n"
    let e = try #require(prepareError([Fixture.standard408: text, Fixture.videos: goodVideos]))
    #expect(e.description.hasPrefix("\(Fixture.standard408):1: "), "\(e)")
    #expect(e.message.contains("expected the header"))
    let e2 = try #require(prepareError([Fixture.standard408: log([Fixture.row(1, 1, time: 5, click: 0)]),
                                        Fixture.videos: "video_id,tag\n1,2\n"]))
    #expect(e2.description.hasPrefix("\(Fixture.videos):1: "), "\(e2)")
}

@Test func corruptPreparedFileIsNamedOnOpen() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write(Fixture.standard408, log([Fixture.row(1, 1, time: 5, click: 0), Fixture.row(1, 2, time: 6, click: 1)]))
    dir.write(Fixture.videos, goodVideos)
    let out = dir.file("p")
    _ = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out)
    #expect(try PreparedDataset(directory: out).eventCount == 2)
    // Truncate event_time.i64 by one element.
    let path = dir.file("p/\(PreparedFile.eventTime)")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(8).write(to: URL(fileURLWithPath: path))
    do {
        _ = try PreparedDataset(directory: out)
        Issue.record("expected an error")
    } catch let e as DataError {
        #expect(e.description.contains(PreparedFile.eventTime))
        #expect(e.message.contains("expected 16 bytes"), "\(e)")
    }
    // Corrupt an item id.
    try data.write(to: URL(fileURLWithPath: path))
    var items = try Data(contentsOf: URL(fileURLWithPath: dir.file("p/\(PreparedFile.eventItem)")))
    items[0] = 9
    try items.write(to: URL(fileURLWithPath: dir.file("p/\(PreparedFile.eventItem)")))
    #expect(throws: DataError.self) { try PreparedDataset(directory: out) }
}
