import ArgumentParser
import Foundation
import VQLTrain

extension Bench {
    /// `vql bench scaling`: `vql bench train` under `mpirun` at several world sizes, in
    /// alternating rounds (1, 2, 1, 2, …) so that a slow spell of a shared machine hits every
    /// size alike; prints each round and the median speed-up over the first size.
    ///
    /// Each round also runs, for every larger size N, N independent baseline runs at once
    /// (no communication at all): their summed samples/s over one run's is the most the
    /// machine gives N processes (shared caches, memory bandwidth, the hypervisor), the
    /// ceiling the speed-up of N ranks is measured against. Ranks in lock-step all wait for
    /// the slowest, so when the cores' speeds drift (a shared VM's noisy neighbours) the
    /// lock-step ceiling is lower: the pace of N ranks each doing 1/N of every step at the
    /// speed its core kept in the independent runs at that moment (`LockStepPace`), also printed.
    struct Scaling: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scaling", abstract: "Samples/s at several world sizes (mpirun), alternating rounds, median speed-up.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "World sizes, comma-separated; the first is the baseline.") var ranks = "1,2"
        @Option(help: "Rounds; each runs every world size once.") var rounds = 3
        @Option(help: "Timed steps per run.") var steps = 40
        @Option(help: "mpirun to use.") var mpirun = "mpirun"
        @Option(help: "OpenBLAS threads per rank (default: cores ÷ ranks, as launch/local.sh).") var blasThreads: Int?

        func run() throws {
            let sizes = ranks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--ranks must list at least two positive world sizes, got \"\(ranks)\"")
            }
            guard rounds >= 1, steps >= 1, (blasThreads ?? 1) >= 1 else {
                throw ValidationError("--rounds, --steps and --blas-threads must be at least 1")
            }
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var samples = [[Double]](repeating: [], count: sizes.count)
            var ceiling = [[Double]](repeating: [], count: sizes.count)
            var lockstep = [[Double?]](repeating: [], count: sizes.count)
            var compute = [[Double]](repeating: [], count: sizes.count)   // ms per step, mean over ranks
            var last = [String](repeating: "", count: sizes.count)
            let threads = blasThreads.map { "\($0)" } ?? "cores ÷ ranks"
            print("vql bench scaling (\(cores) cores, \(options.config ?? "built-in demo config"), \(steps) steps per run, OpenBLAS threads per rank: \(threads))")
            for round in 1...rounds {
                for (k, np) in sizes.enumerated() {
                    let result = try runBench(np: np, cores: cores)
                    samples[k].append(result.samplesPerSecond)
                    compute[k].append(result.computeMs)
                    last[k] = result.summary
                    print("round \(round)  np=\(np)  \(String(format: "%.0f", result.samplesPerSecond)) samples/s  \(result.summary)")
                }
                for (k, np) in sizes.enumerated() where k > 0 && np % sizes[0] == 0 {
                    let copies = np / sizes[0]
                    let runs = try runIndependent(copies: copies, np: sizes[0], threadsPerRank: blasThreads ?? max(1, cores / np))
                    let rates = runs.map(\.samplesPerSecond), rate = rates.reduce(0, +)
                    ceiling[k].append(rate)
                    // none when the runs' timed steps never overlapped (too few steps)
                    let pace = LockStepPace(runs: runs.map(\.steps)).stepsPerSecond
                    lockstep[k].append(pace > 0 ? pace * Double(runs[0].globalBatch) : nil)
                    // each run's own rate too: unequal rates show cores running at unequal speeds
                    print("round \(round)  \(copies) independent np=\(sizes[0]) runs at once  \(String(format: "%.0f", rate)) samples/s in all ("
                          + rates.map { String(format: "%.0f", $0) }.joined(separator: " + ") + ")")
                }
            }
            /// Round by round a[i] / b[i].
            func ratios(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 / $1 } }
            /// `text` right-aligned in `width` columns (`String(format:)`'s `%37@` does not pad on Linux).
            func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
            print("")
            print("np  median samples/s  speed-up (median of per-round ratios)  last run")
            for (k, np) in sizes.enumerated() {
                let speedUps = ratios(samples[k], samples[0])
                let speedUp = String(format: "%.2f× (range %.2f–%.2f)", median(speedUps), speedUps.min() ?? 0, speedUps.max() ?? 0)
                print(String(format: "%-3d %17.0f  ", np, median(samples[k])) + right(speedUp, 37) + "  " + last[k])
            }
            print("")
            print("np  ceiling: independent runs at once vs one  lock-step ceiling: their cores' pace step by step  speed-up / ceiling  / lock-step ceiling")
            for (k, np) in sizes.enumerated() where !ceiling[k].isEmpty {
                // over the rounds whose independent runs overlapped
                let overlapped = lockstep[k].indices.filter { lockstep[k][$0] != nil }
                let pace = overlapped.map { lockstep[k][$0]! }
                let paced = pace.isEmpty ? "n/a (runs never overlapped: more --steps)" : spread(ratios(pace, overlapped.map { samples[0][$0] }), "%.2f", unit: "×")
                let ofPaced = pace.isEmpty ? "n/a" : String(format: "%.0f%%", 100 * median(ratios(overlapped.map { samples[k][$0] }, pace)))
                print(String(format: "%-3d ", np) + right(spread(ratios(ceiling[k], samples[0]), "%.2f", unit: "×"), 41) + "  " + right(paced, 48)
                      + String(format: "  %17.0f%%  ", 100 * median(ratios(samples[k], ceiling[k]))) + right(ofPaced, 18))
            }
            // a rank's time outside collectives times the ranks, over the baseline's in the same
            // round: what splitting a step adds to the work (and what slower cores add), apart
            // from waiting
            print("")
            print("np  compute per step: a rank's × ranks, over np=\(sizes[0])'s (the split's extra work, apart from waiting)")
            for (k, np) in sizes.enumerated() where k > 0 && compute[0].allSatisfy({ $0 > 0 }) {
                let extra = zip(compute[k], compute[0]).map { $0 * Double(np) / Double(sizes[0]) / $1 - 1 }
                print(String(format: "%-3d %+.0f%% (%+.0f%% to %+.0f%%)", np, 100 * median(extra), 100 * (extra.min() ?? 0), 100 * (extra.max() ?? 0)))
            }
        }

        /// `copies` runs of `mpirun -np np … vql bench train --json --step-times` started
        /// together: the samples/s of each, its rank 0's steps (start, end) and its global batch.
        func runIndependent(copies: Int, np: Int, threadsPerRank: Int) throws
            -> [(samplesPerSecond: Double, steps: [(start: Double, end: Double)], globalBatch: Int)] {
            let arguments = mpirunArguments(np: np, threads: threadsPerRank, cores: Int.max) + ["--step-times"]
            let started = try (0..<copies).map { _ in try ChildProcess.start(mpirun, arguments) }
            return try started.map { child in
                let run = child.finish(), object = try jsonLine(run, np: np)
                let wall = (object["step_wall_seconds"] as? [Double]) ?? []
                guard let rate = object["samples_per_second"] as? Double, let batch = object["global_batch"] as? Int,
                      wall.count >= 2, wall.count % 2 == 0 else {
                    throw ValidationError("mpirun -np \(np) vql bench train --step-times printed no rate or step times: \(run.output.suffix(400))")
                }
                let steps = stride(from: 0, to: wall.count, by: 2).map { (start: wall[$0], end: wall[$0 + 1]) }
                return (rate, steps, batch)
            }
        }

        /// One `mpirun -np N … vql bench train --json` run.
        func runBench(np: Int, cores: Int) throws -> (samplesPerSecond: Double, summary: String, computeMs: Double) {
            try parse(ChildProcess.run(mpirun, mpirunArguments(np: np, threads: blasThreads ?? max(1, cores / np), cores: cores)), np: np)
        }

        func mpirunArguments(np: Int, threads: Int, cores: Int) -> [String] {
            var args = ["-np", "\(np)", "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS=\(threads)"]
            if np > cores { args.append("--oversubscribe") }
            if getuid() == 0 { args.append("--allow-run-as-root") }
            args += [CommandLine.arguments[0], "bench", "train", "--json", "--steps", "\(steps)"]
            if let config = options.config { args += ["--config", config] }
            for o in options.overrides { args += ["--set", o] }
            return args
        }

        /// samples/s, a summary and the ranks' mean compute ms per step from a run's `--json` line.
        func parse(_ run: (status: Int32, output: String), np: Int) throws -> (samplesPerSecond: Double, summary: String, computeMs: Double) {
            let object = try jsonLine(run, np: np)
            guard let rate = object["samples_per_second"] as? Double else {
                throw ValidationError("mpirun -np \(np) vql bench train printed no samples_per_second: \(run.output.suffix(400))")
            }
            let bytes = (object["bytes_per_step"] as? Double) ?? 0, share = (object["communication_share"] as? Double) ?? 0
            let inPlace = (object["peer_bytes_per_step"] as? Double) ?? 0
            func byRank(_ values: Any?) -> String { ((values as? [Double]) ?? []).map { String(format: "%.1f", $0) }.joined(separator: "/") }
            var summary = String(format: "%.2f MB sent", bytes / 1e6) + (inPlace > 0 ? String(format: " + %.2f MB read in place", inPlace / 1e6) : "")
                + String(format: "/step, comm %.1f%%", 100 * share) + ", compute ms by rank " + byRank(object["compute_ms_by_rank"])
            if np > 1, let excess = object["positions_excess_of_busiest"] as? Double {
                summary += String(format: ", busiest rank's positions +%.1f%% over mean", 100 * excess)
            }
            if np > 1, let excess = object["compute_excess_of_busiest"] as? Double, let repeats = object["busiest_repeats"] as? Double {
                // positions are the data's share of the imbalance; the rest is the cores'
                summary += String(format: ", compute +%.1f%% (same rank %.0f%% of steps)", 100 * excess, 100 * repeats)
            }
            if np > 1, let inside = object["collective_ms_by_rank"] as? [String: Any] {
                // where the ranks wait: more time inside means the rank finished the work before sooner
                summary += "; in collectives " + CollectiveSeconds.labels.map { "\($0) " + byRank(inside[$0]) }.joined(separator: ", ")
            }
            let computeMs = (object["compute_ms_by_rank"] as? [Double]).map { $0.reduce(0, +) / Double(max($0.count, 1)) } ?? 0
            return (rate, summary, computeMs)
        }

        /// The JSON object of a run's last `{` line.
        func jsonLine(_ run: (status: Int32, output: String), np: Int) throws -> [String: Any] {
            let (status, text) = run
            guard status == 0,
                  let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
                  let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ValidationError("mpirun -np \(np) vql bench train failed (exit \(status)): \(text.suffix(400))")
            }
            return object
        }
    }
}
