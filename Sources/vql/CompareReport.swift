import Foundation

/// One trained encoder (one seed) of `vql bench compare`.
struct CompareRun {
    var encoder: String
    var seed: Int
    var auc: Double, gauc: Double, logloss: Double
    var samplesPerSecond: Double
    var latencyMedian: Double, latencyP99: Double
    var bytesMedian: Int, bytesP99: Int
}

/// mean ± sample standard deviation (n − 1; 0 for one value).
struct Spread {
    var mean: Double, std: Double
    init(_ xs: [Double]) {
        mean = xs.reduce(0, +) / Double(max(xs.count, 1))
        let m = mean
        std = xs.count > 1 ? (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot() : 0
    }
    func text(_ digits: Int) -> String {
        std > 0 ? String(format: "%.\(digits)f ± %.\(digits)f", mean, std) : String(format: "%.\(digits)f", mean)
    }
}

/// The comparison table in text, CSV, Markdown and an SVG chart (test AUC against serving
/// latency per candidate at the median history length).
struct CompareReport {
    var runs: [CompareRun]
    var medianLength: Int, p99Length: Int
    var repeats: Int

    var encoders: [String] { runs.map(\.encoder).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
    func spread(_ e: String, _ f: (CompareRun) -> Double) -> Spread { Spread(runs.filter { $0.encoder == e }.map(f)) }

    var header: [String] {
        ["encoder", "test AUC", "test GAUC", "test logloss", "train samples/s",
         "µs/candidate L=\(medianLength)", "µs/candidate L=\(p99Length)", "bytes/user L=\(medianLength)", "bytes/user L=\(p99Length)"]
    }

    func row(_ e: String) -> [String] {
        [e, spread(e, \.auc).text(4), spread(e, \.gauc).text(4), spread(e, \.logloss).text(4),
         spread(e, \.samplesPerSecond).text(0), spread(e, \.latencyMedian).text(1), spread(e, \.latencyP99).text(1),
         String(Int(spread(e) { Double($0.bytesMedian) }.mean)), String(Int(spread(e) { Double($0.bytesP99) }.mean))]
    }

    var markdown: String {
        var s = "| " + header.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: header.count) + "\n"
        for e in encoders { s += "| " + row(e).joined(separator: " | ") + " |\n" }
        return s
    }

    var text: String {
        let rows = [header] + encoders.map(row)
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { r in r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
            .joined(separator: "\n") + "\n"
    }

    /// One line per run (every seed), raw numbers.
    var csv: String {
        var s = "encoder,seed,test_auc,test_gauc,test_logloss,train_samples_per_s,us_per_candidate_median_L,us_per_candidate_p99_L,"
            + "bytes_per_user_median_L,bytes_per_user_p99_L,median_L,p99_L\n"
        for r in runs {
            s += "\(r.encoder),\(r.seed),\(r.auc),\(r.gauc),\(r.logloss),\(r.samplesPerSecond),\(r.latencyMedian),\(r.latencyP99),"
                + "\(r.bytesMedian),\(r.bytesP99),\(medianLength),\(p99Length)\n"
        }
        return s
    }

    /// Test AUC (mean, ± std bars) against µs per candidate at the median length, log-scaled x.
    var svg: String {
        let W = 680.0, H = 420.0, left = 70.0, right = 80.0, top = 30.0, bottom = 50.0
        let pts = encoders.map { e in (e, spread(e, \.latencyMedian).mean, spread(e, \.auc)) }
        let xs = pts.map { log10(max($0.1, 1e-3)) }, ys = pts.flatMap { [$0.2.mean - $0.2.std, $0.2.mean + $0.2.std] }
        let x0 = (xs.min() ?? 0) - 0.2, x1 = (xs.max() ?? 1) + 0.2
        let pad = max(((ys.max() ?? 1) - (ys.min() ?? 0)) * 0.1, 0.002)
        let y0 = (ys.min() ?? 0) - pad, y1 = (ys.max() ?? 1) + pad
        func px(_ lx: Double) -> Double { left + (lx - x0) / (x1 - x0) * (W - left - right) }
        func py(_ y: Double) -> Double { H - bottom - (y - y0) / (y1 - y0) * (H - top - bottom) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(W))\" height=\"\(Int(H))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(W / 2)\" y=\"18\" text-anchor=\"middle\">test AUC vs serving latency (L = \(medianLength), \(repeats) seed\(repeats == 1 ? "" : "s"))</text>\n"
        s += "<line x1=\"\(left)\" y1=\"\(H - bottom)\" x2=\"\(W - right)\" y2=\"\(H - bottom)\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(H - bottom)\" stroke=\"black\"/>\n"
        for d in Int(floor(x0))...Int(ceil(x1)) where Double(d) >= x0 && Double(d) <= x1 {
            s += "<line x1=\"\(px(Double(d)))\" y1=\"\(H - bottom)\" x2=\"\(px(Double(d)))\" y2=\"\(H - bottom + 5)\" stroke=\"black\"/>"
            s += "<text x=\"\(px(Double(d)))\" y=\"\(H - bottom + 18)\" text-anchor=\"middle\">\(d >= 0 ? String(Int(pow(10, Double(d)))) : String(pow(10, Double(d))))</text>\n"
        }
        for k in 0...4 {
            let y = y0 + Double(k) / 4 * (y1 - y0)
            s += "<text x=\"\(left - 6)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(String(format: "%.3f", y))</text>\n"
        }
        s += "<text x=\"\((left + W - right) / 2)\" y=\"\(H - 12)\" text-anchor=\"middle\">µs per candidate (log scale)</text>\n"
        s += "<text x=\"16\" y=\"\((top + H - bottom) / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \((top + H - bottom) / 2))\">test AUC</text>\n"
        for (i, p) in pts.enumerated() {
            let x = px(xs[i]), y = py(p.2.mean)
            if p.2.std > 0 {
                s += "<line x1=\"\(x)\" y1=\"\(py(p.2.mean - p.2.std))\" x2=\"\(x)\" y2=\"\(py(p.2.mean + p.2.std))\" stroke=\"gray\"/>\n"
            }
            s += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"5\" fill=\"\(p.0 == "vq" ? "crimson" : "steelblue")\"/>"
            s += "<text x=\"\(x + 8)\" y=\"\(y - 6)\">\(p.0)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Writes compare.csv, compare.md and compare.svg into `directory`.
    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try csv.write(toFile: directory + "/compare.csv", atomically: true, encoding: .utf8)
        try markdown.write(toFile: directory + "/compare.md", atomically: true, encoding: .utf8)
        try svg.write(toFile: directory + "/compare.svg", atomically: true, encoding: .utf8)
    }
}
