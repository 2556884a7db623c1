import ArgumentParser
import Foundation
import VQLData
import VQLTrain

/// `vql plot`: a run's training curves as SVG (training also writes it when it ends).
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a run's metrics.jsonl (training loss, evaluation AUC/GAUC against the step) as SVG.")

    @Option(name: .customLong("run"), help: "Run directory written by `vql train` (reads its metrics.jsonl).")
    var runDirectory: String

    @Option(help: "Where to write the SVG (default: RUN_DIR/metrics.svg).")
    var out: String?

    func run() throws {
        let path = out ?? runDirectory + "/metrics.svg"
        let plot: MetricsPlot
        do {
            plot = try MetricsPlot(file: runDirectory + "/metrics.jsonl")
            // Foundation's write errors read poorly; check the destination first
            let directory = (path as NSString).deletingLastPathComponent
            if access(directory.isEmpty ? "." : directory, W_OK) != 0 {
                throw DataError(file: path, "cannot write the plot (\(String(cString: strerror(errno))))")
            }
            try plot.svg.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("vql plot: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let evaluations = plot.evaluations.values.map(\.count).reduce(0, +)
        print("\(path): \(plot.loss.count) training loss points, \(evaluations) evaluation points")
    }
}
