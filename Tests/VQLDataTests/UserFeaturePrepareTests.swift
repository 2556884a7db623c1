import Foundation
import Testing
@testable import VQLData

// Expected arrays are by dense user (ascending raw id); 0 = missing, known values 1... by
// ascending raw value over the prepared users' values (tokens: byte order unless all
// numeric). See `UserFixture` for the rows.

@Test func kuaiRandUserFeaturesPrepareExactly() throws {
    let f = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles)
    defer { f.cleanup() }
    #expect(f.userRaw == [5, 17, 300, 17387])
    // Byte order: "UNKNOWN" < "high_active" (U = 0x55 < h = 0x68). Had user 999's
    // "full_active" been counted, high_active would be 3; had the repeated row of user 17
    // won, user 17 would be UNKNOWN (1).
    #expect(f.userFeature("user_active_degree") == [0, 2, 0, 1])
    #expect(f.userFeature("is_lowactive_period") == [0, 1, 0, 2])
    #expect(f.userFeature("is_live_streamer") == [1, 2, 0, 1])
    #expect(f.userFeature("is_video_author") == [2, 1, 0, 1])
    #expect(f.userFeature("follow_user_num_range") == [0, 1, 0, 1])
    #expect(f.userFeature("fans_user_num_range") == [0, 1, 0, 2])     // "[1,10)" < "[100,1k)"
    #expect(f.userFeature("friend_user_num_range") == [0, 1, 0, 2])   // "0" < "[5,30)"
    #expect(f.userFeature("register_days_range") == [0, 2, 0, 1])     // "15-30" < "181-365"
    #expect(f.userFeature("onehot_feat0") == [1, 2, 0, 2])
    #expect(f.userFeature("onehot_feat1") == [0, 2, 0, 1])
    #expect(f.userFeature("onehot_feat2") == [0, 0, 0, 0])            // only the ignored repeat had one
    #expect(f.userFeature("onehot_feat3") == [0, 1, 0, 2])            // "3.0" is 3
    for k in 4..<18 {
        #expect(f.userFeature("onehot_feat\(k)") == [0, 0, 0, 0], "onehot_feat\(k)")  // only user 999 had one
        #expect(f.dataset.userFeatureVocabularySize("onehot_feat\(k)") == 1)
    }
    for raw in ["follow_user_num", "fans_user_num", "friend_user_num", "register_days", "user_id"] {
        #expect(f.dataset.userFeature(raw) == nil, "\(raw)")
    }
    let m = f.dataset.manifest
    #expect(m.userFeatures.map(\.name) == ["user_active_degree", "is_lowactive_period", "is_live_streamer", "is_video_author",
                                           "follow_user_num_range", "fans_user_num_range", "friend_user_num_range",
                                           "register_days_range"] + (0..<18).map { "onehot_feat\($0)" })
    #expect(m.userFeatures[0].values == ["missing", "UNKNOWN", "high_active"])
    #expect(m.userFeatures[0].vocabularySize == 3)
    #expect(m.userFeatures.allSatisfy { m.array(named: $0.file) == .init(name: $0.file, elementType: "i32", count: 4) })
    #expect(m.userFeatures[0].file == "user_feature_user_active_degree.i32")
    #expect(m.sourceFiles.map(\.name) == [Fixture.standard408, Fixture.videos, KuaiUserFeatures.kuaiRandFile])
    let u = try #require(f.summary.userFeatures)
    #expect(u.none == nil && u.file == KuaiUserFeatures.kuaiRandFile)
    #expect(u.rows == 5 && u.rowsNotInLog == 1 && u.duplicateRows == 1 && u.rowsOfFilteredUsers == 0)
    #expect(u.usersWithFeatures == 3 && u.usersWithoutFeatures == 1)
    #expect(u.columns.count == 26 && u.columns[0] == .init(name: "user_active_degree", vocabularySize: 3))
    #expect(f.summary.lines.contains { $0.hasPrefix("user features for 3 of 4 users") })
}

@Test func userFeatureValuesAreNumberedOverPreparedUsersOnly() throws {
    // min_events_per_user 2 drops user 17387 (one event): its row counts as filtered, and
    // its values no longer take part in the numbering.
    let f = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles) { $0.minEventsPerUser = 2 }
    defer { f.cleanup() }
    #expect(f.userRaw == [5, 17, 300])
    #expect(f.userFeature("user_active_degree") == [0, 1, 0])
    #expect(f.userFeature("register_days_range") == [0, 1, 0])
    #expect(f.userFeature("onehot_feat3") == [0, 1, 0])
    #expect(f.userFeature("is_live_streamer") == [1, 2, 0])
    let u = try #require(f.summary.userFeatures)
    #expect(u.rowsOfFilteredUsers == 1 && u.rowsNotInLog == 1 && u.usersWithFeatures == 2 && u.usersWithoutFeatures == 1)
}

@Test func userFeatureColumnsAreConfigurable() throws {
    // Kept in file order whatever the config order.
    let f = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles) {
        $0.userFeatureFields = ["register_days_range", "user_active_degree"]
    }
    defer { f.cleanup() }
    #expect(f.dataset.manifest.userFeatures.map(\.name) == ["user_active_degree", "register_days_range"])
    #expect(f.userFeature("register_days_range") == [0, 2, 0, 1])
    #expect(f.dataset.userFeature("onehot_feat0") == nil)

    let none = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles) { $0.userFeatureFields = [] }
    defer { none.cleanup() }
    #expect(none.dataset.manifest.userFeatures.isEmpty)
    #expect(none.summary.userFeatures?.none == "prepare.user_feature_fields is empty")
    #expect(!none.dataset.manifest.sourceFiles.map(\.name).contains(KuaiUserFeatures.kuaiRandFile))

    for (fields, phrase) in [(["follow_user_num"], "use follow_user_num_range"), (["colour"], "expected columns of user_features_1k.csv")] {
        do {
            _ = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles) { $0.userFeatureFields = fields }
            Issue.record("expected an error for \(fields)")
        } catch let e as DataError {
            #expect(e.file == "prepare.user_feature_fields" && e.message.contains(phrase), "\(e)")
        }
    }
}

@Test func absentUserFileMeansNoUserFeaturesUnlessAskedFor() throws {
    var files = UserFixture.kuaiRandFiles
    files[KuaiUserFeatures.kuaiRandFile] = nil
    let f = try PreparedFixture(.kuairand, files)
    defer { f.cleanup() }
    #expect(f.dataset.manifest.userFeatures.isEmpty && f.dataset.userFeatures.isEmpty)
    #expect(f.summary.userFeatures?.none == "user_features_1k.csv not found")
    #expect(f.summary.dropped.isEmpty)
    let written = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("prepared"))
    #expect(!written.contains { $0.hasPrefix("user_feature") })
    // Asked for explicitly: a missing file, under the bad-file policy.
    do {
        _ = try PreparedFixture(.kuairand, files) { $0.userFeatureFields = ["user_active_degree"] }
        Issue.record("expected a missing-file error")
    } catch let e as DataError {
        #expect(e.file == KuaiUserFeatures.kuaiRandFile && e.message.hasPrefix("file not found"), "\(e)")
    }
    let skipped = try PreparedFixture(.kuairand, files) { $0.userFeatureFields = ["user_active_degree"]; $0.badRows = .skip }
    defer { skipped.cleanup() }
    #expect(skipped.summary.dropped(DropReason.missingFile) == 1)
    #expect(skipped.dataset.manifest.userFeatures.isEmpty)
}

@Test func kuaiRecReadsTheSameUserColumns() throws {
    // kuaiRecMatrix users: 7, 14, 21. Rows: 21 (two flags empty), 14, 8 (not in the log); 7 has none.
    let users = lines([
        UserFixture.kuaiHeader,
        UserFixture.kuai("21", "middle_active", flags: ["", "", "1"], counts: ["5", "\"(0,10]\"", "", "", "", "", "40", "31-60"], onehot: ["1"]),
        UserFixture.kuai("14", "full_active", flags: ["0", "0", "0"], counts: ["0", "0", "0", "0", "0", "0", "16", "15-30"], onehot: ["0.0"]),
        UserFixture.kuai("8", "high_active", flags: ["1", "1", "1"], counts: Array(repeating: "1", count: 8), onehot: ["5"]),
    ])
    let f = try PreparedFixture(.kuairec, ["big_matrix.csv": kuaiRecMatrix, "item_categories.csv": kuaiRecCategories,
                                           KuaiUserFeatures.kuaiRecFile: users])
    defer { f.cleanup() }
    #expect(f.userRaw == [7, 14, 21])
    #expect(f.dataset.manifest.userFeatures.count == 26)
    #expect(f.userFeature("user_active_degree") == [0, 1, 2])      // full_active < middle_active
    #expect(f.userFeature("is_lowactive_period") == [0, 1, 0])
    #expect(f.userFeature("is_video_author") == [0, 1, 2])
    #expect(f.userFeature("follow_user_num_range") == [0, 2, 1])   // "(0,10]" < "0"
    #expect(f.userFeature("fans_user_num_range") == [0, 1, 0])
    #expect(f.userFeature("register_days_range") == [0, 1, 2])     // "15-30" < "31-60"
    #expect(f.userFeature("onehot_feat0") == [0, 1, 2])
    #expect(f.summary.userFeatures?.rowsNotInLog == 1)
    #expect(f.dataset.manifest.sourceFiles.map(\.name) == ["big_matrix.csv", "item_categories.csv", KuaiUserFeatures.kuaiRecFile])
}

@Test func tmallUserInfoPreparesExactly() throws {
    let f = try PreparedFixture(.tmall, [TmallPreparer.logFile: tmallLog, TmallUserInfo.file: UserFixture.tmallUsers])
    defer { f.cleanup() }
    #expect(f.userRaw == [234512, 328862])
    #expect(f.userFeature("age_range") == [0, 1])   // only 6 (from "6.0"); 111's 3 and the repeat's 2 are ignored
    #expect(f.userFeature("gender") == [2, 1])      // values 1, 2 → 1, 2
    #expect(f.dataset.manifest.userFeatures.map(\.values) == [["missing", "6"], ["missing", "1", "2"]])
    let u = try #require(f.summary.userFeatures)
    #expect(u.rows == 4 && u.rowsNotInLog == 1 && u.duplicateRows == 1 && u.usersWithFeatures == 2 && u.usersWithoutFeatures == 0)
}

@Test func recboleUserFileTokenFieldsPrepareExactly() throws {
    let files = ["ml.inter": recboleInter, "ml.user": UserFixture.recboleUsers]
    let f = try PreparedFixture(.recbole, files)
    defer { f.cleanup() }
    #expect(f.tokens("users_tokens.txt") == ["u 1", "u2"])
    // Default: every token field but the user's; genres (token_seq) and score (float) are not used.
    #expect(f.dataset.manifest.userFeatures.map(\.name) == ["age", "gender", "occupation", "zip_code"])
    #expect(f.userFeature("age") == [1, 2])         // 18 < 25 numerically; the repeat's 1 is ignored
    #expect(f.userFeature("gender") == [1, 2])      // F < M
    #expect(f.userFeature("occupation") == [1, 0])  // u2's is empty
    #expect(f.userFeature("zip_code") == [1, 2])    // u9's 00000 is ignored
    #expect(f.dataset.manifest.userFeatures[2].values == ["missing", "college/grad student"])
    #expect(f.summary.userFeatures?.rowsNotInLog == 1 && f.summary.userFeatures?.duplicateRows == 1)

    let chosen = try PreparedFixture(.recbole, files) { $0.userFeatureFields = ["zip_code", "gender"] }
    defer { chosen.cleanup() }
    #expect(chosen.dataset.manifest.userFeatures.map(\.name) == ["gender", "zip_code"])
    do {
        _ = try PreparedFixture(.recbole, files) { $0.userFeatureFields = ["genres"] }
        Issue.record("expected an error for a token_seq user field")
    } catch let e as DataError {
        #expect(e.description.hasPrefix("ml.user:1: ") && e.message.contains("genres: expected a token field"), "\(e)")
    }
}

@Test func manifestWithoutUserFeaturesStillDecodes() throws {
    let f = try PreparedFixture(.kuairand, UserFixture.kuaiRandFiles)
    defer { f.cleanup() }
    let m = f.dataset.manifest
    #expect(!m.userFeatures.isEmpty)
    #expect(try JSONDecoder().decode(DatasetManifest.self, from: m.encoded()) == m)
    var object = try #require(try JSONSerialization.jsonObject(with: m.encoded()) as? [String: Any])
    #expect(object.removeValue(forKey: "userFeatures") != nil)
    let old = try JSONDecoder().decode(DatasetManifest.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(old.userFeatures.isEmpty && old.itemFeatures == m.itemFeatures)
}
