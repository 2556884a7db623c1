import Foundation
import Testing
@testable import VQLTrain

/// Parses and expects a ConfigError, returning it (or nil if parsing unexpectedly succeeded).
private func parseError(_ yaml: String, source: String = "test.yaml", overrides: [String] = []) -> ConfigError? {
    do {
        _ = try RunConfig.parse(yaml: yaml, source: source, overrides: overrides)
        return nil
    } catch let e as ConfigError {
        return e
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

@Test func emptyDocumentGivesDefaults() throws {
    #expect(try RunConfig.parse(yaml: "", source: "x", overrides: []) == RunConfig())
    #expect(try RunConfig.parse(yaml: "model:\n", source: "x", overrides: []) == RunConfig())
    let c = RunConfig()
    #expect(c.model.heads == 4 && c.model.groups == 2 && c.model.mlp == [64, 32])
    #expect(c.train.eps == 1e-8 && c.eval.maxSamples == 20000 && c.data.path == "data/demo/prepared")
    try c.validate()
}

@Test func missingKeysKeepDefaults() throws {
    let c = try RunConfig.parse(yaml: "model:\n  heads: 8\ntrain:\n  lr: 0.01\n", source: "x", overrides: [])
    var expected = RunConfig()
    expected.model.heads = 8
    expected.train.lr = 0.01
    #expect(c == expected)
}

/// The key table and the Codable keys of RunConfig must be the same set, and each table
/// entry must write the property its key names.
@Test func keyTableMatchesCodableKeysAndAccessors() throws {
    let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RunConfig())) as! [String: [String: Any]]
    var codableKeys = Set<String>()
    for (section, body) in json { for key in body.keys { codableKeys.insert("\(section).\(key)") } }
    let tableKeys = RunConfig.fields.map(\.key)
    #expect(Set(tableKeys) == codableKeys)
    #expect(tableKeys.count == Set(tableKeys).count)
    #expect(tableKeys.count == 39)

    for field in RunConfig.fields {
        var c = RunConfig()
        let changed: ConfigValue
        switch field.get(c) {
        case .int(let v): changed = .int(v + 3)
        case .double(let v): changed = .double(v / 2)
        case .bool(let v): changed = .bool(!v)
        case .string: changed = .string(field.key == "model.encoder" ? "full" : "elsewhere")
        case .intList(let v): changed = .intList(v + [7])
        }
        field.set(&c, changed)
        #expect(field.get(c) == changed, "\(field.key)")
        let j = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as! [String: [String: Any]]
        let d = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RunConfig())) as! [String: [String: Any]]
        let parts = field.key.split(separator: ".").map(String.init)
        // The JSON at exactly this key changed, and nothing else did.
        for (section, body) in j {
            for (key, value) in body {
                let same = "\(value)" == "\(d[section]![key]!)"
                #expect(same == (section != parts[0] || key != parts[1]), "\(field.key) vs \(section).\(key)")
            }
        }
    }
}

@Test func yamlRoundTripsANonDefaultConfig() throws {
    var c = RunConfig()
    c.data.path = "some dir/with \"quotes\" and: colon"
    c.data.validFraction = 0.05
    c.model.encoder = "full"
    c.model.heads = 6
    c.model.groups = 3
    c.model.keyNorm = false
    c.model.mlp = [128, 64, 8]
    c.model.timeUnitSeconds = 3600
    c.train.eps = 1e-12
    c.train.lr = 0.0003
    c.train.seed = 12345
    let text = c.yaml()
    #expect(try RunConfig.parse(yaml: text, source: "rt", overrides: []) == c)
    #expect(try RunConfig.parse(yaml: RunConfig().yaml(), source: "rt", overrides: []) == RunConfig())
    #expect(text.contains("  heads: 6\n"))
}

@Test func demoFileMatchesEmbeddedCopy() throws {
    let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs/demo.yaml").path
    let fromFile = try RunConfig.load(path: path, overrides: [])
    let embedded = try RunConfig.parse(yaml: RunConfig.demoYAML, source: "demoYAML", overrides: [])
    #expect(fromFile == embedded)
    #expect(fromFile.data.path == "data/demo/prepared")
    #expect(fromFile.train.maxSteps == 600 && fromFile.train.evalEvery == 200)
}

@Test func unknownKeysAreErrorsNamingTheKey() throws {
    let e = try #require(parseError("model:\n  heads: 4\n  headz: 8\n", source: "cfg.yaml"))
    #expect(e.key == "model.headz")
    #expect(e.source == "cfg.yaml")
    #expect(e.line == 3)
    #expect(e.description.hasPrefix("cfg.yaml:3:"))
    #expect(e.description.contains("model.headz"))
    #expect(e.description.contains("unknown key"))

    let s = try #require(parseError("optimizer:\n  lr: 1\n"))
    #expect(s.key == "optimizer" && s.message.contains("unknown section"))

    let o = try #require(parseError("", overrides: ["train.lrr=0.1"]))
    #expect(o.source == "--set train.lrr=0.1" && o.key == "train.lrr")
    let o2 = try #require(parseError("", overrides: ["lr=0.1"]))
    #expect(o2.key == "lr" && o2.message.contains("unknown key"))
}

@Test func wrongTypesNameKeyAndExpectation() throws {
    let e = try #require(parseError("data:\n  path: x\nmodel:\n  heads: abc\n", source: "bad.yaml"))
    #expect(e.description == "bad.yaml:4:10: model.heads: expected a positive integer, got 'abc'")

    let b = try #require(parseError("model:\n  key_norm: maybe\n"))
    #expect(b.key == "model.key_norm" && b.message.contains("boolean"))
    let l = try #require(parseError("model:\n  mlp: 64\n"))
    #expect(l.key == "model.mlp" && l.message.contains("list"))
    let l2 = try #require(parseError("model:\n  mlp: [64, x]\n"))
    #expect(l2.key == "model.mlp")
    let m = try #require(parseError("train:\n  lr: {a: 1}\n"))
    #expect(m.key == "train.lr" && m.message.contains("got a mapping"))
    let n = try #require(parseError("data:\n  path:\n"))
    #expect(n.key == "data.path" && n.message.contains("null"))
    let sec = try #require(parseError("data: 3\n"))
    #expect(sec.key == "data")
    let top = try #require(parseError("- a\n- b\n"))
    #expect(top.key == nil && top.message.contains("mapping"))
    let dup = try #require(parseError("model:\n  heads: 4\n  heads: 8\n"))
    #expect(dup.key == "model.heads" && dup.message.contains("duplicate"))
    let syntax = try #require(parseError("model: [unclosed\n", source: "syn.yaml"))
    #expect(syntax.source == "syn.yaml" && syntax.message.contains("invalid YAML"))
}

@Test func rangesAreChecked() throws {
    let cases: [(String, String)] = [
        ("model:\n  heads: 0\n", "model.heads"),
        ("model:\n  heads: 4\n  groups: 3\n", "model.groups"),
        ("model:\n  encoder: lstm\n", "model.encoder"),
        ("data:\n  valid_fraction: 1.0\n", "data.valid_fraction"),
        ("data:\n  valid_fraction: 0.5\n  test_fraction: 0.5\n", "data.test_fraction"),
        ("data:\n  test_fraction: -0.1\n", "data.test_fraction"),
        ("train:\n  lr: 0\n", "train.lr"),
        ("train:\n  eval_every: -1\n", "train.eval_every"),
        ("train:\n  beta2: 1\n", "train.beta2"),
        ("model:\n  mlp: [64, 0]\n", "model.mlp"),
        ("eval:\n  batch_size: 0\n", "eval.batch_size"),
        ("model:\n  time_unit_seconds: .nan\n", "model.time_unit_seconds"),
    ]
    for (yaml, key) in cases {
        let e = parseError(yaml, source: "r.yaml")
        #expect(e?.key == key, "\(yaml)")
        #expect(e?.source == "r.yaml")
    }
    // 0 is allowed where it means "off".
    let ok = try RunConfig.parse(yaml: "model:\n  reseed_every: 0\ntrain:\n  eval_every: 0\n  checkpoint_every: 0\n", source: "x", overrides: [])
    #expect(ok.model.reseedEvery == 0 && ok.train.evalEvery == 0)
    // validate() on a hand-built value.
    var c = RunConfig()
    c.model.groups = 3
    #expect(throws: ConfigError.self) { try c.validate() }
}

@Test func overridesApplyInOrderAndAreAttributed() throws {
    let c = try RunConfig.parse(
        yaml: "model:\n  heads: 4\n", source: "x",
        overrides: ["model.heads=8", "model.groups=4", "model.mlp=[128, 64]", "train.lr=1e-3",
                    "data.path=/tmp/a=b", "model.key_norm=false", "train.max_steps=10", "train.max_steps=20"])
    #expect(c.model.heads == 8 && c.model.groups == 4 && c.model.mlp == [128, 64])
    #expect(c.train.lr == 1e-3 && c.data.path == "/tmp/a=b" && !c.model.keyNorm && c.train.maxSteps == 20)

    let e = try #require(parseError("", overrides: ["model.heads=abc"]))
    #expect(e.description == "--set model.heads=abc: model.heads: expected a positive integer, got 'abc'")
    // A range error caused by an override is attributed to the override, not the file.
    let g = try #require(parseError("model:\n  heads: 4\n", source: "f.yaml", overrides: ["model.groups=3"]))
    #expect(g.source == "--set model.groups=3" && g.key == "model.groups")
    let noEq = try #require(parseError("", overrides: ["model.heads"]))
    #expect(noEq.source == "--set model.heads" && noEq.message.contains("section.key=value"))
}

@Test func loadNamesUnreadableFile() {
    #expect {
        _ = try RunConfig.load(path: "/nonexistent/cfg.yaml", overrides: [])
    } throws: { ($0 as? ConfigError)?.source == "/nonexistent/cfg.yaml" }
}

@Test func referenceListsEveryKey() {
    let md = RunConfig.referenceMarkdown()
    let rows = md.split(separator: "\n")
    #expect(rows.count == RunConfig.fields.count + 2)
    #expect(rows[0] == "| key | type | default | meaning |")
    for f in RunConfig.fields { #expect(md.contains("| `\(f.key)` |")) }
    #expect(md.contains("| `model.mlp` | list of int ≥ 1 | `[64, 32]` |"))
    #expect(md.contains("| `model.encoder` | vq \\| full \\| recent \\| sim_hard \\| topk \\| mean | `\"vq\"` |"))
}
