import ArgumentParser
import Foundation
import VQLData

/// `vql prepare`: raw dataset files → a prepared, memory-mappable dataset directory.
/// Settings come from the `prepare:` and `data:` sections of `--config`; flags override.
struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert raw dataset files (kuairand, kuairec, tmall, recbole) into the prepared binary format.",
        discussion: "With --config, reads prepare.* (format, input, label, filters, …) and data.path / data.max_len from the run config; flags override them.")

    @Option(help: "Run config with a prepare: section (and data.path = the output).") var config: String?
    @Option(help: "Raw format: kuairand, kuairec, tmall or recbole (default kuairand).") var format: String?
    @Option(help: "Directory holding the raw files.") var input: String?
    @Option(help: "Prepared dataset directory to create (default: data.path of --config).") var out: String?
    @Option(help: "Label column (kuairand: a 0/1 column such as is_click, long_view; kuairec: watch_ratio; recbole: a float field).") var label: String?
    @Option(help: "Label threshold: label = column ≥ threshold (kuairec default 2.0, recbole rating default 4).") var threshold: Double?
    @Option(name: .customLong("bad-rows"), help: "strict (stop at the first bad row) or skip (count by reason and go on).") var badRows: String?
    @Option(name: .customLong("min-events"), help: "Drop users with fewer events.") var minEvents: Int?
    @Option(help: "kuairec: big or small matrix.") var matrix: String?
    @Option(help: "tmall: sampled negatives per positive.") var negatives: Int?
    @Flag(help: "Replace the output directory if it already exists.") var overwrite = false

    func run() throws {
        var s = try config.map(PrepareConfigFile.load) ?? PrepareSettings()
        if let format {
            guard let f = PrepareSettings.Format(rawValue: format) else {
                throw ValidationError("--format: expected one of \(PrepareSettings.Format.allCases.map(\.rawValue).joined(separator: ", ")), found '\(format)'")
            }
            s.format = f
        }
        if let input { s.input = input }
        if let out { s.output = out }
        if let label { s.label = label }
        if let threshold { s.threshold = threshold }
        if let badRows {
            guard let p = BadRowPolicy(rawValue: badRows) else { throw ValidationError("--bad-rows: expected strict or skip, found '\(badRows)'") }
            s.badRows = p
        }
        if let minEvents {
            guard minEvents >= 1 else { throw ValidationError("--min-events: expected ≥ 1") }
            s.minEventsPerUser = minEvents
        }
        if let matrix { s.matrix = matrix }
        if let negatives {
            guard negatives >= 0 else { throw ValidationError("--negatives: expected ≥ 0") }
            s.negativesPerPositive = negatives
        }
        if overwrite { s.overwrite = true }
        guard !s.input.isEmpty else { throw ValidationError("--input (or prepare.input in --config) is required") }
        guard !s.output.isEmpty else { throw ValidationError("--out (or data.path in --config) is required") }
        PrepareProgress.enabled = isatty(2) != 0 || ProcessInfo.processInfo.environment["VQL_PROGRESS"] != nil

        let start = Date()
        // A DataError prints as `Error: file:line: message` and exits non-zero.
        let (_, summary) = try DatasetPreparer.prepare(s)
        let seconds = Date().timeIntervalSince(start)
        print("prepared \(summary.events) events, \(summary.users) users, \(summary.items) items, \(summary.tags) tags into \(s.output) in \(String(format: "%.2f", seconds)) s (\(Int(Double(summary.rowsRead) / max(seconds, 1e-9))) rows/s)")
        for line in summary.lines { print("  " + line) }
    }
}
