import Foundation
import Testing
@testable import VQLData

/// Tmall fixture: unsorted log, mmdd times without a year or leading zero, ties within a
/// day (file order), an empty brand_id, all four action types.
let tmallLog = lines([
    TmallPreparer.columns.joined(separator: ","),
    "328862,323294,833,2882,2661,829,0",
    "328862,844400,1271,2882,2661,829,2",
    "234512,323294,833,2882,2661,1111,2",
    "328862,575153,1271,2882,,511,0",
    "328862,323294,833,2882,2661,829,3",
    "234512,844400,1271,2882,2661,1111,1",
])

@Test func tmallFixturePreparesExactly() throws {
    let f = try PreparedFixture(.tmall, [TmallPreparer.logFile: tmallLog])
    defer { f.cleanup() }
    let nov11 = BeijingCalendar.midnightMs(year: 2014, month: 11, day: 11)
    let aug29 = BeijingCalendar.midnightMs(year: 2014, month: 8, day: 29)
    let may11 = BeijingCalendar.midnightMs(year: 2014, month: 5, day: 11)
    #expect(f.userRaw == [234512, 328862])
    #expect(f.itemRaw == [323294, 575153, 844400])
    #expect(f.userOffsets == [0, 2, 6])
    #expect(f.items == [0, 2, 1, 0, 2, 0])
    #expect(f.times == [nov11, nov11, may11, aug29, aug29, aug29])
    #expect(f.labels == [1, 0, 0, 0, 1, 0])
    #expect(f.tagRaw == [833, 1271])
    #expect(f.tagLists == [[0], [1], [1]])
    #expect(f.feature("brand") == [1, 0, 1])
    #expect(f.feature("seller") == [1, 1, 1])
    #expect(f.summary.events == 6 && f.summary.positives == 2 && f.summary.dropped.isEmpty)
}

@Test func tmallLabelRuleActionFilterAndYear() throws {
    let f = try PreparedFixture(.tmall, [TmallPreparer.logFile: tmallLog]) {
        $0.eventActions = [0, 2]
        $0.targetActions = [0]
        $0.year = 2015
    }
    defer { f.cleanup() }
    #expect(f.summary.dropped(TmallPreparer.actionNotKept) == 2)
    #expect(f.items == [0, 1, 0, 2])
    #expect(f.labels == [0, 1, 1, 0])
    #expect(f.times[0] == BeijingCalendar.midnightMs(year: 2015, month: 11, day: 11))
}

@Test func tmallSampledNegativesAvoidTouchedItems() throws {
    let f = try PreparedFixture(.tmall, [TmallPreparer.logFile: tmallLog]) { $0.negativesPerPositive = 1 }
    defer { f.cleanup() }
    // User 234512 touched items 0 and 2: its one negative must be item 1, at its positive's
    // day, after its events of that day. User 328862 touched every item: none can be drawn.
    #expect(f.summary.sampledNegatives == 1)
    #expect(f.userOffsets == [0, 3, 7])
    #expect(Array(f.items[0..<3]) == [0, 2, 1])
    #expect(Array(f.labels[0..<3]) == [1, 0, 0])
    #expect(f.times[2] == f.times[0])
}
