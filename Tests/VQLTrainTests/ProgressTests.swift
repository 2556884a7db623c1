import Foundation
import Testing
@testable import VQLTrain

private final class Capture { var text = "" }

@Test func progressLineShowsCountsRateAndETA() {
    let l = ProgressReporter.line(label: "train", done: 250, total: 1000, elapsed: 5, extra: "loss 0.5")
    #expect(l == "train  250/1000  25%  50.00 it/s  ETA 0:00:15  loss 0.5")
    let done = ProgressReporter.line(label: "eval", done: 40, total: 40, elapsed: 3725, extra: "")
    #expect(done.contains("took 1:02:05"))
    #expect(ProgressReporter.line(label: "x", done: 0, total: 10, elapsed: 0, extra: "").contains("ETA ?"))
}

@Test func nonInteractiveReporterThrottlesToInterval() {
    var now = 0.0
    let out = Capture()
    let p = ProgressReporter(total: 100, label: "t", enabled: true, interactive: false, interval: 10,
                             clock: { now }, sink: { out.text += $0 })
    for i in 1...99 {
        now = Double(i) * 0.5  // 49.5 s in total ⇒ lines at 10, 20, 30, 40 s
        p.update(done: i, extra: "")
    }
    p.finish()
    let lines = out.text.split(separator: "\n")
    #expect(lines.count == 5)
    #expect(!out.text.contains("\r"))
    #expect(lines.last!.hasPrefix("t  100/100  100%"))
    p.update(done: 100)  // after finish: silent
    #expect(out.text.split(separator: "\n").count == 5)
}

@Test func interactiveReporterRedrawsOneLine() {
    var now = 0.0
    let out = Capture()
    let p = ProgressReporter(total: 10, label: "t", enabled: true, interactive: true, interval: 10,
                             clock: { now }, sink: { out.text += $0 })
    for i in 1...9 { now = Double(i); p.update(done: i, extra: "e") }
    p.finish(extra: "e")
    #expect(out.text.filter { $0 == "\n" }.count == 1)
    #expect(out.text.components(separatedBy: "\r").count == 11)
}

@Test func disabledReporterIsSilent() {
    let out = Capture()
    let p = ProgressReporter(total: 10, label: "t", enabled: false, interactive: false, interval: 0,
                             clock: { 1 }, sink: { out.text += $0 })
    p.update(done: 5)
    p.finish()
    #expect(out.text.isEmpty)
}

@Test func metricsLogAppendsSortedJSONLines() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vql-metrics-\(getpid()).jsonl").path
    try? FileManager.default.removeItem(atPath: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        let log = try MetricsLog(path: path)
        try log.write(["step": 20, "loss": 0.5, "phase": "train", "auc": .double(.nan)])
        try log.write(["z": "a \"quoted\"\nline", "a": 1e-8])
    }
    let reopened = try MetricsLog(path: path)  // appends, does not truncate
    try reopened.write(["step": 40])
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0] == #"{"auc":null,"loss":0.5,"phase":"train","step":20}"#)
    #expect(lines[2] == #"{"step":40}"#)
    let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
    #expect(second["z"] as? String == "a \"quoted\"\nline")
    #expect((second["a"] as? NSNumber)?.doubleValue == 1e-8)
    #expect(text.hasSuffix("\n"))
}

@Test func metricsLogNamesUnwritablePath() {
    #expect { _ = try MetricsLog(path: "/nonexistent-dir/m.jsonl") } throws: {
        "\($0)".contains("/nonexistent-dir/m.jsonl")
    }
}
