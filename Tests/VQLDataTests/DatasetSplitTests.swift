import Foundation
import Testing
@testable import VQLData

/// Two users, ten timestamps: user 1 at 1...6, user 2 at 3, 7, 8, 9 (raw ids 40 and 30).
private func splitFixture(_ dir: TempDir) throws -> PreparedDataset {
    let times1: [Int64] = [6, 1, 2, 3, 4, 5], times2: [Int64] = [9, 3, 7, 8]
    let lines = times1.map { Fixture.row(40, 1, time: $0, click: 1) } + times2.map { Fixture.row(30, 2, time: $0, click: 0) }
    dir.write(Fixture.standard408, ([Fixture.logHeader] + lines).joined(separator: "\n"))
    dir.write(Fixture.videos, Fixture.simpleVideos([1, 2]))
    _ = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: dir.file("p"))
    return try PreparedDataset(directory: dir.file("p"))
}

@Test func timeSplitUsesGlobalQuantileCutoffs() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let d = try splitFixture(dir)
    // Dense: user 30 → 0 (events 0..<4 at 3,7,8,9), user 40 → 1 (events 4..<10 at 1..6).
    #expect(d.events(ofUser: 0) == 0..<4)
    // Sorted times 1,2,3,3,4,5,6,7,8,9: cutoffs at index 6 (time 6) and 8 (time 8).
    let s = DatasetSplit(dataset: d, settings: SplitSettings(validFraction: 0.2, testFraction: 0.2, minHistory: 1))
    #expect(s.validCutoffMs == 6)
    #expect(s.testCutoffMs == 8)
    #expect(s.train == [5, 6, 7, 8])  // user 40 at 2,3,4,5 (its first event has no history)
    #expect(s.valid == [1, 9])       // user 30 at 7, user 40 at 6
    #expect(s.test == [2, 3])        // user 30 at 8, 9
    let s3 = DatasetSplit(dataset: d, settings: SplitSettings(validFraction: 0.2, testFraction: 0.2, minHistory: 3))
    #expect(s3.train == [7, 8])
    #expect(s3.valid == [9])
    #expect(s3.test == [3])
}

@Test func splitWithoutHeldOutPartsKeepsEverythingInTrain() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let d = try splitFixture(dir)
    let s = DatasetSplit(dataset: d, settings: SplitSettings(validFraction: 0, testFraction: 0, minHistory: 0))
    #expect(s.train == (0..<10).map(Int64.init))
    #expect(s.valid.isEmpty && s.test.isEmpty)
}

@Test func historyIsTheUsersEarlierEventsCapped() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let d = try splitFixture(dir)
    #expect(d.history(ofEvent: 4, maxLength: 10) == 4..<4)  // first event of user 40
    #expect(d.history(ofEvent: 7, maxLength: 10) == 4..<7)
    #expect(d.history(ofEvent: 9, maxLength: 2) == 7..<9)
    #expect(d.history(ofEvent: 3, maxLength: 0) == 3..<3)
    #expect(d.history(ofEvent: 3, maxLength: 100) == 0..<3)
}

@Test func leaveLastOutSplitsPerUser() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let d = try splitFixture(dir)
    // user 30: events 0..<4, user 40: events 4..<10.
    let s = DatasetSplit(dataset: d, settings: SplitSettings(minHistory: 1, mode: .leaveLastOut, leaveOutCount: 1))
    #expect(s.test == [3, 9])
    #expect(s.valid == [2, 8])
    #expect(s.train == [1, 5, 6, 7])
    let s2 = DatasetSplit(dataset: d, settings: SplitSettings(minHistory: 0, mode: .leaveLastOut, leaveOutCount: 2))
    #expect(s2.test == [2, 3, 8, 9])
    #expect(s2.valid == [0, 1, 6, 7])
    #expect(s2.train == [4, 5])
    // Older JSON without the new keys still decodes, with the time mode.
    let old = try JSONDecoder().decode(SplitSettings.self, from: Data(#"{"validFraction":0.2,"testFraction":0.3,"minHistory":4}"#.utf8))
    #expect(old == SplitSettings(validFraction: 0.2, testFraction: 0.3, minHistory: 4))
    let round = try JSONDecoder().decode(SplitSettings.self, from: JSONEncoder().encode(s2Settings))
    #expect(round == s2Settings)
}

private let s2Settings = SplitSettings(validFraction: 0.05, testFraction: 0.15, minHistory: 2, mode: .leaveLastOut, leaveOutCount: 3)
