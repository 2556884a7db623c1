import Foundation
@testable import VQLData

/// User feature file fixtures for every format. Each holds: a user not in the log (whose
/// values would shift the numbering if counted), a log user without a row, a repeated user
/// (the first row wins), empty fields, and for KuaiRand/KuaiRec quoted range texts with
/// commas and an integral decimal (`3.0`).
enum UserFixture {
    static let kuaiHeader = KuaiUserFeatures.columns.joined(separator: ",")

    /// One 31-column row: id, user_active_degree, the three flags, (count, range) × 4 as
    /// written (quoted when needed), then onehot_feat0… (the rest of the 18 empty).
    static func kuai(_ id: String, _ degree: String, flags: [String], counts: [String], onehot: [String]) -> String {
        precondition(flags.count == 3 && counts.count == 8 && onehot.count <= 18)
        return ([id, degree] + flags + counts + onehot + Array(repeating: "", count: 18 - onehot.count)).joined(separator: ",")
    }

    /// KuaiRand log: users 5, 17, 300 (2 events each) and 17387 (1 event); videos 1 and 2.
    static let kuaiRandLog = lines([Fixture.logHeader] + [
        Fixture.row(5, 1, time: 10, click: 0), Fixture.row(5, 2, time: 20, click: 1),
        Fixture.row(17, 1, time: 30, click: 1), Fixture.row(17, 2, time: 40, click: 0),
        Fixture.row(300, 2, time: 50, click: 0), Fixture.row(300, 1, time: 60, click: 1),
        Fixture.row(17387, 1, time: 70, click: 1),
    ])

    /// Rows (line numbers in the file): 2 user 17; 3 user 999 (not in the log); 4 user 5 with
    /// mostly empty fields; 5 user 17387; 6 user 17 again (ignored). User 300 has no row.
    static let kuaiUsers = lines([
        kuaiHeader,
        kuai("17", "high_active", flags: ["0", "1", "0"],
             counts: ["12", "\"(10,50]\"", "3", "\"[1,10)\"", "0", "0", "200", "181-365"], onehot: ["1", "5", "", "3.0"]),
        kuai("999", "full_active", flags: ["1", "1", "1"],
             counts: ["600", "500+", "20000", "\"[1w,10w)\"", "0", "0", "1000", "730+"], onehot: ["0", "0", "0", "0", "7"]),
        kuai("5", "", flags: ["", "0", "1"], counts: Array(repeating: "", count: 8), onehot: ["0"]),
        kuai("17387", "UNKNOWN", flags: ["1", "0", "0"],
             counts: ["40", "\"(10,50]\"", "150", "\"[100,1k)\"", "7", "\"[5,30)\"", "20", "15-30"], onehot: ["1", "2", "", "12"]),
        kuai("17", "UNKNOWN", flags: ["1", "1", "1"],
             counts: ["1", "\"(0,10]\"", "1", "\"[1,10)\"", "1", "\"[1,5)\"", "16", "15-30"], onehot: ["0", "0", "4", "0"]),
    ])

    static var kuaiRandFiles: [String: String] {
        [Fixture.standard408: kuaiRandLog, Fixture.videos: Fixture.simpleVideos([1, 2]), KuaiUserFeatures.kuaiRandFile: kuaiUsers]
    }

    /// Tmall: the log's users are 234512 and 328862 (`tmallLog`).
    static let tmallUsers = lines([
        "user_id,age_range,gender",
        "328862,6.0,1",
        "111,3,0",     // not in the log
        "234512,,2",   // age missing; gender 2 (the dataset's "unknown") is a category
        "328862,2,0",  // repeated: ignored
    ])

    /// RecBole: the log's users are "u 1" and "u2" (`recboleInter`).
    static let recboleUsers = lines([
        "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\tgenres:token_seq\tscore:float",
        "u2\t25\tM\t\t55455\tAction Comedy\t0.5",
        "u 1\t18\tF\tcollege/grad student\t48067\tDrama\t1",
        "u9\t56\tM\tartist\t00000\tHorror\t2",  // not in the log
        "u2\t1\tF\tx\t1\tA\t3",                 // repeated: ignored
    ])
}

extension PreparedFixture {
    func userFeature(_ name: String) -> [Int32] {
        dataset.userFeature(name).map { array($0, dataset.userCount) } ?? []
    }
}
