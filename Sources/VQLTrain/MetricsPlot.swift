import Foundation
import VQLData

/// Training curves of a run as one SVG: the training loss (per logged step, and its
/// exponential moving average) above, the evaluations' AUC and GAUC per split below, both
/// against the step. Read from `metrics.jsonl` (the records `Trainer` writes).
public struct MetricsPlot {
    public struct Point: Equatable { public var step: Double, value: Double }
    public var loss: [Point] = [], smoothedLoss: [Point] = []
    /// "valid auc", "valid gauc", "test auc", … → points in file order.
    public var evaluations: [String: [Point]] = [:]

    /// Parses `text` (JSON lines); `path` names the file in errors.
    public init(jsonLines text: String, path: String) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: path, line: index + 1, "expected one JSON object per line, got '\(line.prefix(80))'")
            }
            guard let step = (object["step"] as? NSNumber)?.doubleValue else { continue }
            func add(_ key: String, to points: inout [Point]) {
                if let v = (object[key] as? NSNumber)?.doubleValue, v.isFinite { points.append(Point(step: step, value: v)) }
            }
            switch object["kind"] as? String {
            case "train":
                add("loss", to: &loss)
                add("loss_smoothed", to: &smoothedLoss)
            case "eval":
                let split = (object["split"] as? String) ?? "?"
                for metric in ["auc", "gauc"] { add(metric, to: &evaluations["\(split) \(metric)", default: []]) }
            default: continue
            }
        }
    }

    /// Reads and parses `path`.
    public init(file path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(file: path, "cannot read the metrics file (expected a run directory's metrics.jsonl)")
        }
        try self.init(jsonLines: text, path: path)
    }

    static let colors = ["valid auc": "crimson", "valid gauc": "darkorange", "test auc": "seagreen", "test gauc": "olive"]

    /// The two panels, 800 × 560 px.
    public var svg: String {
        let steps = (loss + evaluations.values.flatMap { $0 }).map(\.step)
        // 3% room on the right, so the last evaluation's markers clear the frame and legend
        let x0 = min(steps.min() ?? 0, 0), x1 = max(steps.max() ?? 1, x0 + 1) * 1.03
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"560\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        var top = SVGPanel(title: "training loss", x: (x0, x1), y: SVGPanel.range(loss.map(\.value) + smoothedLoss.map(\.value)),
                           frame: (left: 70, top: 30, width: 560, height: 200))
        top.line(loss, color: "lightgray", label: "loss per step")
        top.line(smoothedLoss, color: "steelblue", label: "moving average")
        let evalKeys = evaluations.keys.sorted()
        var bottom = SVGPanel(title: "evaluations", x: (x0, x1), y: SVGPanel.range(evalKeys.flatMap { evaluations[$0]!.map(\.value) }),
                              frame: (left: 70, top: 300, width: 560, height: 200))
        for key in evalKeys { bottom.line(evaluations[key]!, color: Self.colors[key] ?? "black", label: key, markers: true) }
        s += top.text + bottom.text
        s += "<text x=\"350\" y=\"540\" text-anchor=\"middle\">step</text>\n"
        return s + "</svg>\n"
    }
}

/// One chart panel: axes with ticks, a title, polylines and a legend, in SVG text.
struct SVGPanel {
    let title: String
    let x: (Double, Double), y: (Double, Double)
    let frame: (left: Double, top: Double, width: Double, height: Double)
    private var body = "", legend: [(String, String)] = []

    init(title: String, x: (Double, Double), y: (Double, Double), frame: (left: Double, top: Double, width: Double, height: Double)) {
        self.title = title; self.x = x; self.y = y; self.frame = frame
    }

    /// The data range padded by 5% on each side (a unit range around a single value).
    static func range(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        let pad = hi > lo ? (hi - lo) * 0.05 : max(abs(lo) * 0.05, 0.5)
        return (lo - pad, hi + pad)
    }

    /// About five round tick values (1, 2 or 5 × 10^k apart) inside `range`.
    static func ticks(_ range: (Double, Double)) -> [Double] {
        let span = range.1 - range.0
        guard span > 0, span.isFinite else { return [range.0] }
        let raw = span / 5, magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: ceil(range.0 / step) * step, through: range.1, by: step).map { $0 }
    }

    func px(_ v: Double) -> Double { frame.left + (v - x.0) / (x.1 - x.0) * frame.width }
    func py(_ v: Double) -> Double { frame.top + frame.height - (v - y.0) / (y.1 - y.0) * frame.height }

    mutating func line(_ points: [MetricsPlot.Point], color: String, label: String, markers: Bool = false) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.f(px($0.step))),\(Self.f(py($0.value)))" }
        body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(coordinates.joined(separator: " "))\"/>\n"
        if markers || points.count == 1 {
            for p in points { body += "<circle cx=\"\(Self.f(px(p.step)))\" cy=\"\(Self.f(py(p.value)))\" r=\"3\" fill=\"\(color)\"/>" }
            body += "\n"
        }
        legend.append((label, color))
    }

    var text: String {
        let (l, t, w, h) = frame
        var s = "<text x=\"\(l + w / 2)\" y=\"\(t - 10)\" text-anchor=\"middle\" font-weight=\"bold\">\(title)</text>\n"
        s += "<rect x=\"\(l)\" y=\"\(t)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"black\"/>\n"
        for v in Self.ticks(x) {
            s += "<text x=\"\(Self.f(px(v)))\" y=\"\(Self.f(t + h + 16))\" text-anchor=\"middle\">\(Self.label(v))</text>\n"
        }
        for v in Self.ticks(y) {
            s += "<line x1=\"\(Self.f(l))\" y1=\"\(Self.f(py(v)))\" x2=\"\(Self.f(l + w))\" y2=\"\(Self.f(py(v)))\" stroke=\"#eee\"/>"
            s += "<text x=\"\(Self.f(l - 6))\" y=\"\(Self.f(py(v) + 4))\" text-anchor=\"end\">\(Self.label(v))</text>\n"
        }
        s += body
        for (i, entry) in legend.enumerated() {
            let ly = t + 14 + Double(i) * 16
            s += "<line x1=\"\(Self.f(l + w + 8))\" y1=\"\(Self.f(ly - 4))\" x2=\"\(Self.f(l + w + 24))\" y2=\"\(Self.f(ly - 4))\" stroke=\"\(entry.1)\" stroke-width=\"3\"/>"
            s += "<text x=\"\(Self.f(l + w + 28))\" y=\"\(Self.f(ly))\">\(entry.0)</text>\n"
        }
        return s
    }

    /// A coordinate with one decimal.
    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A tick label: integers without decimals, others with up to four significant digits.
    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%.4g", v)
    }
}
