import Foundation
import Testing
import VQLData
@testable import VQLTrain

/// Records as `MetricsLog` writes them, plus kinds the plot ignores and a non-finite value.
private let sampleLog = """
{"kind":"train","loss":0.7,"loss_smoothed":0.75,"samples_per_second":1000,"step":10}
{"kind":"train","loss":0.6,"loss_smoothed":0.7,"samples_per_second":1000,"step":20}
{"auc":0.61,"gauc":0.6,"kind":"eval","logloss":0.66,"samples":300,"split":"valid","step":20}
{"bytes":1000,"kind":"checkpoint","seconds":0.01,"step":20}
{"kind":"train","loss":null,"loss_smoothed":0.69,"samples_per_second":1000,"step":30}
{"auc":0.62,"gauc":null,"kind":"eval","logloss":0.65,"samples":300,"split":"test","step":30}

"""

@Test func metricsPlotReadsTrainingAndEvaluationRecords() throws {
    let plot = try MetricsPlot(jsonLines: sampleLog, path: "m.jsonl")
    #expect(plot.loss == [.init(step: 10, value: 0.7), .init(step: 20, value: 0.6)])
    #expect(plot.smoothedLoss.map(\.step) == [10, 20, 30])
    #expect(plot.evaluations["valid auc"] == [.init(step: 20, value: 0.61)])
    #expect(plot.evaluations["valid gauc"] == [.init(step: 20, value: 0.6)])
    #expect(plot.evaluations["test auc"] == [.init(step: 30, value: 0.62)])
    #expect(plot.evaluations["test gauc"] == nil || plot.evaluations["test gauc"] == [])
    // one polyline per non-empty series, each with its points
    let svg = plot.svg
    let polylines = svg.components(separatedBy: "<polyline").dropFirst()
    #expect(polylines.count == 5)
    let counts = polylines.map { $0.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ").count }
    #expect(counts.sorted() == [1, 1, 1, 2, 3])
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
}

@Test func metricsPlotNamesTheBadLine() {
    let text = "{\"kind\":\"train\",\"loss\":0.7,\"step\":1}\nnot json\n"
    #expect(throws: DataError(file: "run/metrics.jsonl", line: 2, "expected one JSON object per line, got 'not json'")) {
        try MetricsPlot(jsonLines: text, path: "run/metrics.jsonl")
    }
    #expect(throws: DataError.self) { try MetricsPlot(file: "/nonexistent/metrics.jsonl") }
}

@Test(arguments: [(0.0, 1.0), (0.5712, 0.6034), (-3.2, 41.0), (0.0, 600.0), (1e-5, 3e-5), (7.0, 7.0)])
func plotTicksAreRoundAndInsideTheRange(range: (Double, Double)) {
    let ticks = SVGPanel.ticks(range)
    #expect(!ticks.isEmpty && ticks.count <= 11)
    #expect(ticks.allSatisfy { $0 >= range.0 - 1e-12 && $0 <= range.1 + 1e-12 })
    guard ticks.count > 1 else { return }
    let step = ticks[1] - ticks[0]
    let mantissa = step / pow(10, floor(log10(step)))
    #expect([1.0, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 })
    for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) < step * 1e-9) }
}
