import ArgumentParser
import Foundation
import VQLTrain

extension Debug {
    /// `vql debug checkpoint-bench --items N`: size and time of one checkpoint of a model
    /// with an N-row item table (the demo model shape), written under `--out`.
    struct CheckpointBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint-bench",
            abstract: "Size and write/verify/load time of a checkpoint of a model with N items.")

        @Option(help: "Rows of the item embedding table.") var items = 1_000_000
        @Option(help: "Run directory to write the checkpoint under (removed afterwards unless --keep).") var out = "/tmp/vql-checkpoint-bench"
        @Flag(help: "Keep the checkpoint on disk.") var keep = false

        func run() throws {
            let r = try CheckpointBenchmark.run(itemCount: items, directory: out)
            print(String(format: "items %d: checkpoint %.1f MB; stateTensors copy %.3f s, write (safetensors + sha256 + fsync + rename) %.3f s, "
                         + "verified open %.3f s, load %.3f s", items, Double(r.bytes) / 1e6, r.copySeconds, r.writeSeconds, r.verifySeconds, r.loadSeconds))
            if !keep { try? FileManager.default.removeItem(atPath: out) }
        }
    }
}
