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
    /// the slowest, so when the cores run at unequal speeds (a shared VM's noisy neighbours)
    /// N times the slowest independent run is the lock-step ceiling, also printed.
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
            var lockstep = [[Double]](repeating: [], count: sizes.count)
            var last = [String](repeating: "", count: sizes.count)
            let threads = blasThreads.map { "\($0)" } ?? "cores ÷ ranks"
            print("vql bench scaling (\(cores) cores, \(options.config ?? "built-in demo config"), \(steps) steps per run, OpenBLAS threads per rank: \(threads))")
            for round in 1...rounds {
                for (k, np) in sizes.enumerated() {
                    let result = try runBench(np: np, cores: cores)
                    samples[k].append(result.samplesPerSecond)
                    last[k] = result.summary
                    print("round \(round)  np=\(np)  \(String(format: "%.0f", result.samplesPerSecond)) samples/s  \(result.summary)")
                }
                for (k, np) in sizes.enumerated() where k > 0 && np % sizes[0] == 0 {
                    let copies = np / sizes[0]
                    let rates = try runIndependent(copies: copies, np: sizes[0], threadsPerRank: blasThreads ?? max(1, cores / np))
                    let rate = rates.reduce(0, +)
                    ceiling[k].append(rate)
                    lockstep[k].append(Double(copies) * (rates.min() ?? 0))
                    // each run's own rate too: unequal rates show cores running at unequal speeds
                    print("round \(round)  \(copies) independent np=\(sizes[0]) runs at once  \(String(format: "%.0f", rate)) samples/s in all ("
                          + rates.map { String(format: "%.0f", $0) }.joined(separator: " + ") + ")")
                }
            }
            /// Round by round a[i] / b[i].
            func ratios(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 / $1 } }
            print("")
            print("np  median samples/s  speed-up (median of per-round ratios)  last run")
            for (k, np) in sizes.enumerated() {
                let speedUps = ratios(samples[k], samples[0])
                print(String(format: "%-3d %17.0f  %37@  %@", np, median(samples[k]),
                             String(format: "%.2f× (range %.2f–%.2f)", median(speedUps), speedUps.min() ?? 0, speedUps.max() ?? 0), last[k]))
            }
            print("")
            print("np  ceiling: independent runs at once vs one  lock-step ceiling: copies × slowest run  speed-up / ceiling  / lock-step ceiling")
            for (k, np) in sizes.enumerated() where !ceiling[k].isEmpty {
                func spread(_ r: [Double]) -> String { String(format: "%.2f× (%.2f–%.2f)", median(r), r.min() ?? 0, r.max() ?? 0) }
                print(String(format: "%-3d %41@  %39@  %17.0f%%  %17.0f%%", np, spread(ratios(ceiling[k], samples[0])), spread(ratios(lockstep[k], samples[0])),
                             100 * median(ratios(samples[k], ceiling[k])), 100 * median(ratios(samples[k], lockstep[k]))))
            }
        }

        /// `copies` runs of `mpirun -np np … vql bench train --json` started together; the
        /// samples/s of each.
        func runIndependent(copies: Int, np: Int, threadsPerRank: Int) throws -> [Double] {
            let started = try (0..<copies).map { _ in try ChildProcess.start(mpirun, mpirunArguments(np: np, threads: threadsPerRank, cores: Int.max)) }
            return try started.map { try parse($0.finish(), np: np).samplesPerSecond }
        }

        /// One `mpirun -np N … vql bench train --json` run.
        func runBench(np: Int, cores: Int) throws -> (samplesPerSecond: Double, summary: String) {
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

        /// samples/s and a summary from a run's `--json` line.
        func parse(_ run: (status: Int32, output: String), np: Int) throws -> (samplesPerSecond: Double, summary: String) {
            let (status, text) = run
            guard status == 0,
                  let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
                  let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let rate = object["samples_per_second"] as? Double else {
                throw ValidationError("mpirun -np \(np) vql bench train failed (exit \(status)): \(text.suffix(400))")
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
            return (rate, summary)
        }
    }
}
