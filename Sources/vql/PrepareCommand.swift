import ArgumentParser
import Foundation
import VQLData

/// `vql prepare`: raw dataset files → a prepared, memory-mappable dataset directory.
struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert raw dataset files (kuairand) into the prepared binary format.")

    @Option(help: "Raw format to read (only 'kuairand').") var format: String = "kuairand"
    @Option(help: "Directory holding the raw files.") var input: String
    @Option(help: "Prepared dataset directory to create.") var out: String
    @Option(help: "0/1 log column used as the label (e.g. is_click, long_view, is_like).") var label: String = "is_click"
    @Flag(help: "Replace --out if it already exists.") var overwrite = false

    func validate() throws {
        guard format == "kuairand" else { throw ValidationError("--format: expected 'kuairand', found '\(format)'") }
    }

    func run() throws {
        let start = Date()
        // A DataError prints as `Error: file:line: message` and exits non-zero.
        let m = try KuaiRandPreparer.prepare(
            inputDirectory: input, outputDirectory: out, labelColumn: label, overwrite: overwrite)
        let seconds = Date().timeIntervalSince(start)
        let c = m.counts
        print("prepared \(c.events) events, \(c.users) users, \(c.items) items, \(c.tags) tags into \(out) in \(String(format: "%.2f", seconds)) s (\(Int(Double(c.events) / max(seconds, 1e-9))) rows/s)")
    }
}
