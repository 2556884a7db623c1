import ArgumentParser
import Foundation
import VQLData

/// `vql synth`: writes a synthetic dataset in a raw format (KuaiRand-1K, KuaiRec, Tmall or
/// RecBole atomic files) with the same planted, learnable long-history structure (see
/// `SyntheticWorld`, `SyntheticEvents`).
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a synthetic dataset in a raw dataset format (kuairand, kuairec, tmall, recbole).")

    @Option(help: "Raw format to write: kuairand, kuairec, tmall or recbole.") var format: String = "kuairand"
    @Option(help: "Output directory for the raw CSV files.") var out: String
    @Option(help: "Number of users.") var users: Int = 500
    @Option(help: "Number of items (videos).") var items: Int = 5000
    @Option(help: "Number of tags.") var tags: Int = 50
    @Option(name: .customLong("mean-len"), help: "Typical events per user (lognormal, min 20).") var meanLen: Int = 1000
    @Option(help: "Random seed; same seed, same bytes.") var seed: UInt64 = 1

    func validate() throws {
        guard PrepareSettings.Format(rawValue: format) != nil else {
            throw ValidationError("--format: expected one of \(PrepareSettings.Format.allCases.map(\.rawValue).joined(separator: ", ")), found '\(format)'")
        }
        guard users >= 1, items >= 1, tags >= 1, meanLen >= 1 else {
            throw ValidationError("--users, --items, --tags and --mean-len must be ≥ 1")
        }
    }

    func run() throws {
        let settings = SynthSettings(users: users, items: items, tags: tags, meanLength: meanLen, seed: seed)
        let start = Date()
        let s = try OtherFormatSynthesizer.generate(format: PrepareSettings.Format(rawValue: format)!, settings: settings, to: out)
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(s.events) \(format) events (\(s.randomEvents) random, click rate \(String(format: "%.3f", Double(s.clicks) / Double(max(s.events, 1))))) for \(users) users to \(out) in \(String(format: "%.2f", seconds)) s (\(Int(Double(s.events) / max(seconds, 1e-9))) rows/s)")
    }
}
