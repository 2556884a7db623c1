import Foundation
import Testing
@testable import VQLData

@Test func prepareSectionAndDataPathAreRead() throws {
    let yaml = """
    data: {path: out/prepared, max_len: 777, valid_fraction: 0.1}
    model: {encoder: vq}
    prepare:
      format: tmall
      input: raw/tmall
      bad_rows: skip
      min_events_per_user: 20
      time_start: "2014-05-11"
      time_end: 1415750400000
      year: 2014
      event_actions: [0, 2]
      target_actions: [2]
      negatives_per_positive: 3
      negative_seed: 9
    """
    let s = try PrepareConfigFile.parse(yaml: yaml, source: "t.yaml")
    #expect(s.format == .tmall && s.input == "raw/tmall" && s.output == "out/prepared" && s.maxLen == 777)
    #expect(s.badRows == .skip && s.minEventsPerUser == 20 && s.eventActions == [0, 2] && s.targetActions == [2])
    #expect(s.negativesPerPositive == 3 && s.negativeSeed == 9)
    #expect(s.timeStartMs == 1_399_766_400_000)  // 2014-05-11 00:00 UTC
    #expect(s.timeEndMs == 1_415_750_400_000)
    let r = try PrepareConfigFile.parse(yaml: "prepare: {format: recbole, input: x, tag_fields: [genre], split_fields: [genre], label: score, threshold: 3.5}", source: "r.yaml")
    #expect(r.tagFields == ["genre"] && r.splitFields == ["genre"] && r.labelColumn == "score" && r.labelThreshold == 3.5)
    #expect(r.userFeatureFields == nil)  // the format's default
    let u = try PrepareConfigFile.parse(yaml: "prepare: {format: recbole, input: x, user_feature_fields: [age, gender]}", source: "u.yaml")
    #expect(u.userFeatureFields == ["age", "gender"])
    let none = try PrepareConfigFile.parse(yaml: "prepare: {format: tmall, input: x, user_feature_fields: []}", source: "n.yaml")
    #expect(none.userFeatureFields == [])
}

@Test func badPrepareConfigNamesFileLineAndKey() throws {
    let cases: [(String, Int, String)] = [
        ("data: {path: p}\nprepare:\n  format: csv\n", 3, "prepare.format: expected one of"),
        ("prepare:\n  input: x\n  year: soon\n", 3, "prepare.year: expected an integer"),
        ("prepare:\n  input: x\n  colour: red\n", 3, "prepare.colour: unknown key"),
        ("prepare:\n  target_actions: [2, 7]\n", 2, "expected values in 0...3"),
        ("prepare:\n  time_start: yesterday\n", 2, "prepare.time_start: expected Unix milliseconds or a date"),
        ("prepare:\n  input: x\n  user_feature_fields: gender\n", 3, "prepare.user_feature_fields: expected a list"),
    ]
    for (yaml, line, phrase) in cases {
        do {
            _ = try PrepareConfigFile.parse(yaml: yaml, source: "c.yaml")
            Issue.record("expected an error for \(yaml)")
        } catch let e as DataError {
            #expect(e.description.hasPrefix("c.yaml:\(line): "), "\(e)")
            #expect(e.message.contains(phrase), "\(e)")
        }
    }
    #expect(throws: DataError.self) { try PrepareConfigFile.parse(yaml: "data: {path: p}\n", source: "c.yaml") }
}

@Test func shippedDatasetConfigsParse() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    for (name, format) in [("kuairand1k", PrepareSettings.Format.kuairand), ("kuairec", .kuairec), ("tmall", .tmall), ("recbole-example", .recbole)] {
        let s = try PrepareConfigFile.load(path: root + "/configs/\(name).yaml")
        #expect(s.format == format, "\(name)")
        #expect(!s.input.isEmpty && !s.output.isEmpty && s.maxLen >= 1024, "\(name)")
    }
}
