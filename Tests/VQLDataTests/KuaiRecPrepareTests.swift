import Foundation
import Testing
@testable import VQLData

/// KuaiRec fixture: unsorted rows, non-dense ids, an equal timestamp (file order decides),
/// a row with neither timestamp nor time (dropped and counted), a NaN timestamp with a time
/// text (placed by the text), the label at the threshold exactly, `feat` lists quoted and
/// unquoted, an item only in item_categories.csv.
let kuaiRecMatrix = lines([
    KuaiRecPreparer.matrixColumns.joined(separator: ","),
    "14,148,4381,6067,2020-07-05 05:27:48.378,20200705,1593898068.378,0.722",
    "14,183,11635,6100,2020-07-05 05:28:00.057,20200705,1593898080.057,1.907",
    "14,3649,22422,10867,2020-07-05 05:29:09.479,20200705,1593898149.479,2.063",
    "21,148,9000,6067,,,,1.48",
    "21,183,9000,6100,2020-07-05 05:28:00.057,20200705,NaN,3.0",
    "21,3649,25000,10867,2020-07-04 09:00:00.000,20200704,1593824400.0,2.3",
    "14,9,100,1000,2020-07-05 05:27:48.378,20200705,1593898068.378,2.0",
    "7,183,10,6100,2020-07-04 02:13:20.500,20200704,1593800000.5,0.1",
])
let kuaiRecCategories = lines(["video_id,feat", "148,[8]", "183,\"[27, 9]\"", "3649,[0]", "9,\"[8, 27]\"", "500,[3]"])

@Test func kuaiRecFixturePreparesExactly() throws {
    let f = try PreparedFixture(.kuairec, ["small_matrix.csv": kuaiRecMatrix, "item_categories.csv": kuaiRecCategories]) {
        $0.matrix = "small"
    }
    defer { f.cleanup() }
    #expect(f.userRaw == [7, 14, 21])
    #expect(f.itemRaw == [9, 148, 183, 3649])
    // User 21: item 148 has no time at all (dropped); item 183 has a NaN timestamp and the
    // text 2020-07-05 05:28:00.057 Beijing = 2020-07-04 21:28:00.057 UTC = 1593898080.057 s
    // (the same instant as user 14's row for item 183), after item 3649 at 1593824400.
    #expect(f.userOffsets == [0, 1, 5, 7])
    #expect(f.items == [2, 1, 0, 2, 3, 3, 2])
    #expect(f.times == [ms(1593800000.5), ms(1593898068.378), ms(1593898068.378), ms(1593898080.057), ms(1593898149.479), 1593824400000, 1593898080057])
    #expect(f.labels == [0, 0, 1, 0, 1, 1, 1])
    #expect(f.tagRaw == [0, 8, 9, 27])
    #expect(f.tagLists == [[1, 3], [1], [3, 2], [0]])
    #expect(f.summary.rowsRead == 8)
    #expect(f.summary.events == 7)
    #expect(f.summary.timeFromText == 1)
    #expect(f.summary.dropped(DropReason.noTimestamp) == 1)
    #expect(f.summary.dropped.count == 1)
    #expect(f.summary.historyLength == .init([1, 4, 2]))
    #expect(f.dataset.manifest.labelColumn == "watch_ratio >= 2.0")
    #expect(f.dataset.manifest.sourceFiles.map(\.name) == ["small_matrix.csv", "item_categories.csv"])
}

@Test func kuaiRecThresholdAndBigMatrixAreConfigurable() throws {
    let f = try PreparedFixture(.kuairec, ["big_matrix.csv": kuaiRecMatrix, "item_categories.csv": kuaiRecCategories]) {
        $0.threshold = 0.5
    }
    defer { f.cleanup() }
    #expect(f.labels == [0, 1, 1, 1, 1, 1, 1])
    #expect(throws: DataError.self) {
        _ = try PreparedFixture(.kuairec, ["big_matrix.csv": kuaiRecMatrix]) { $0.matrix = "small" }
    }
}

/// Rows without a usable timestamp are placed by their `time` text (Beijing, UTC+8) to the
/// millisecond. Expected values by hand: 2020-07-04 00:00 UTC is day 18447 since 1970
/// (50 years with 12 leap days = 18262 days to 2020-01-01, + 31+29+31+30+31+30 + 3), so
/// 1593820800 s; 2020-12-31 00:00 UTC is day 18262 + 365 = 18627, so 1609372800 s.
@Test func kuaiRecTimeTextPlacesRowsWithoutTimestamp() throws {
    let matrix = lines([
        KuaiRecPreparer.matrixColumns.joined(separator: ","),
        "5,10,100,1000,2020-07-05 05:28:00.057,20200705,,2.5",          // 07-04 21:28:00.057 UTC
        "5,11,100,1000,2020-07-04 09:00:00,20200704,NaN,0.5",           // no fraction: 07-04 01:00 UTC
        "5,12,100,1000,2020-07-04 09:00:00.5,20200704,nan,0.5",         // .5 s = 500 ms
        "5,13,100,1000,2020-07-04 09:00:00.4385,20200704,,0.5",         // rounds half up to 439 ms
        "5,14,100,1000,2020-12-31 23:59:59.9996,,NaN,3",                // rounds to 2021-01-01 00:00 Beijing
        "5,15,100,1000,NaN,,NaN,3",                                     // neither: dropped
        "5,16,100,1000,,,,3",                                           // neither: dropped
        "5,17,100,1000,2020-07-05 05:28:00.057,20200705,1593898000.0,3", // the timestamp wins
    ])
    let f = try PreparedFixture(.kuairec, ["big_matrix.csv": matrix, "item_categories.csv": lines(["video_id,feat"])])
    defer { f.cleanup() }
    let july4 = Int64(1_593_820_800_000)
    let expectedTimes: [Int64] = [
        july4 + 3_600_000,            // item 11
        july4 + 3_600_000 + 439,      // item 13
        july4 + 3_600_000 + 500,      // item 12
        1_593_898_000_000,            // item 17
        july4 + 77_280_000 + 57,      // item 10: 21:28:00.057
        1_609_372_800_000 + 57_600_000,  // item 14: 2020-12-31 16:00 UTC
    ]
    #expect(f.times == expectedTimes)
    #expect(f.itemRaw == [10, 11, 12, 13, 14, 17])
    #expect(f.items == [1, 3, 2, 5, 0, 4])
    #expect(f.labels == [0, 0, 0, 1, 1, 1])
    #expect(f.summary.timeFromText == 5)
    #expect(f.summary.dropped(DropReason.noTimestamp) == 2)
    #expect(f.summary.dropped.first?.example?.hasPrefix("big_matrix.csv:7: ") == true)
}

@Test func beijingTimeTextParsesOnlyRealTimes() {
    func parse(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBufferPointer { BeijingCalendar.parseMs($0) } }
    #expect(parse("1970-01-01 08:00:00") == 0)
    #expect(parse("1970-01-01 08:00:00.001") == 1)
    #expect(parse("2020-02-29 08:00:00") == Int64(18321) * 86_400_000)  // 2020-01-01 is day 18262, + 31 + 28
    for bad in ["2019-02-29 08:00:00", "2020-04-31 00:00:00", "2020-13-01 00:00:00", "2020-07-05 24:00:00",
                "2020-07-05 05:60:00", "2020-07-05T05:27:48", "2020-07-05 05:27:48.", "2020-07-05 05:27:48.3x",
                "2020-7-05 05:27:48", "2020-07-05 05:27", "yesterday", ""] {
        #expect(parse(bad) == nil, "\(bad)")
    }
}
