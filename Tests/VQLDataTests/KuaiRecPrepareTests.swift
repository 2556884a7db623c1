import Foundation
import Testing
@testable import VQLData

/// KuaiRec fixture: unsorted rows, non-dense ids, an equal timestamp (file order decides),
/// an empty and a NaN timestamp (dropped and counted), the label at the threshold exactly,
/// `feat` lists quoted and unquoted, an item only in item_categories.csv.
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
    #expect(f.userOffsets == [0, 1, 5, 6])
    #expect(f.items == [2, 1, 0, 2, 3, 3])
    #expect(f.times == [ms(1593800000.5), ms(1593898068.378), ms(1593898068.378), ms(1593898080.057), ms(1593898149.479), 1593824400000])
    #expect(f.labels == [0, 0, 1, 0, 1, 1])
    #expect(f.tagRaw == [0, 8, 9, 27])
    #expect(f.tagLists == [[1, 3], [1], [3, 2], [0]])
    #expect(f.summary.rowsRead == 8)
    #expect(f.summary.events == 6)
    #expect(f.summary.dropped(DropReason.noTimestamp) == 2)
    #expect(f.summary.dropped.count == 1)
    #expect(f.summary.historyLength == .init([1, 4, 1]))
    #expect(f.dataset.manifest.labelColumn == "watch_ratio >= 2.0")
    #expect(f.dataset.manifest.sourceFiles.map(\.name) == ["small_matrix.csv", "item_categories.csv"])
}

@Test func kuaiRecThresholdAndBigMatrixAreConfigurable() throws {
    let f = try PreparedFixture(.kuairec, ["big_matrix.csv": kuaiRecMatrix, "item_categories.csv": kuaiRecCategories]) {
        $0.threshold = 0.5
    }
    defer { f.cleanup() }
    #expect(f.labels == [0, 1, 1, 1, 1, 1])
    #expect(throws: DataError.self) {
        _ = try PreparedFixture(.kuairec, ["big_matrix.csv": kuaiRecMatrix]) { $0.matrix = "small" }
    }
}
