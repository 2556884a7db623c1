import ArgumentParser
import Foundation
import VQLCore
import VQLData

extension Bench {
    /// `vql bench prepare`: generates a KuaiRand-format log of at least `--rows` rows, then in
    /// `--repeats` alternating rounds runs the full `vql prepare` on it (parse + sort + write +
    /// source checksums) in a child process and times `pandas.read_csv` (parse only) on the
    /// same log files, if pandas is installed; reports medians, rows/s and the child's peak
    /// memory (getrusage ru_maxrss).
    struct PrepareSpeed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prepare", abstract: "vql prepare rows/s and peak memory on a generated KuaiRand log, vs pandas.read_csv.")

        @Option(help: "Minimum rows of the generated log.") var rows = 10_000_000
        @Option(help: "Work directory (default: a temporary one, removed at the end).") var dir: String?
        @Option(help: "Python interpreter for the pandas comparison.") var python = "python3"
        @Option(help: "Rounds of (vql prepare, pandas.read_csv), alternating; medians are reported.") var repeats = 3

        func validate() throws {
            if rows < 1 { throw ValidationError("--rows must be at least 1, got \(rows)") }
            if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        }

        func run() throws {
            let fm = FileManager.default
            let work = dir ?? NSTemporaryDirectory() + "vql-bench-prepare-\(getpid())"
            defer { if dir == nil { try? fm.removeItem(atPath: work) } }
            let raw = work + "/raw", out = work + "/prepared"
            try fm.createDirectory(atPath: work, withIntermediateDirectories: true)

            // 1. A log of at least `rows` rows (mean ~1,000 events per user).
            var users = max(1, Int((Double(rows) / 1000 * 1.03).rounded(.up)))
            var written = 0
            let synthStart = Date()
            while true {
                try? fm.removeItem(atPath: raw)
                let settings = SynthSettings(users: users, items: 200_000, tags: 100, meanLength: 1000, seed: 1)
                written = try KuaiRandSynthesizer.generate(settings: settings, to: raw).events
                if written >= rows { break }
                users = Int(Double(users) * Double(rows) / Double(max(written, 1)) * 1.01) + 1
            }
            let logs = KuaiRandFormat.logFiles.map { raw + "/" + $0 }
            let bytes = logs.reduce(Int64(0)) { $0 + ((try? fm.attributesOfItem(atPath: $1)[.size] as? Int64) ?? 0) }
            print("generated \(written) rows (\(String(format: "%.0f", Double(bytes) / 1e6)) MB of logs) in \(String(format: "%.1f", Date().timeIntervalSince(synthStart))) s")

            // 2. vql prepare (child process: wall time, its own peak RSS) and pandas.read_csv (parse
            // only) on the same files, alternating, so a slow spell of a shared machine hits both.
            // CPU time (all threads, user + system) next to wall time: it shows how much of the
            // speed-up comes from using both cores, and varies less with the machine's load.
            let script = "import sys, time\ntry:\n import pandas as pd\nexcept ImportError:\n print('none'); sys.exit(0)\nt = time.time(); c = time.process_time()\nn = sum(len(pd.read_csv(f)) for f in sys.argv[1:])\nprint(time.time() - t, n, time.process_time() - c)\n"
            var vqlSeconds: [Double] = [], pandasSeconds: [Double] = []
            var vqlCPU: [Double] = [], pandasCPU: [Double] = []
            /// Waited-for children so far: CPU seconds (user + system) and peak RSS in MB.
            func children() -> (cpu: Double, peakMB: Double) {
                var u = rusage()
                getrusage(RUSAGE_CHILDREN.rawValue, &u)
                return (u.ru_utime.seconds + u.ru_stime.seconds, Double(u.ru_maxrss) / 1024)
            }
            var peakMB = 0.0
            for round in 1...repeats {
                let start = Date(), before = children()
                let status = try ChildProcess.run(CommandLine.arguments[0], ["prepare", "--format", "kuairand", "--input", raw, "--out", out, "--overwrite"],
                                                  captureOutput: false).status
                vqlSeconds.append(Date().timeIntervalSince(start))
                let after = children()
                vqlCPU.append(after.cpu - before.cpu)
                guard status == 0 else { throw ValidationError("vql prepare failed (exit \(status))") }
                if round == 1 { peakMB = after.peakMB }  // ru_maxrss covers every child so far: read it before pandas runs
                let pandas = try? ChildProcess.run(python, ["-c", script] + logs, discardErrors: true).output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let fields = pandas?.split(separator: " ").map(String.init) ?? []
                if fields.count == 3, let p = Double(fields[0]), let c = Double(fields[2]) {
                    pandasSeconds.append(p)
                    pandasCPU.append(c)
                }
                print(String(format: "round %d: vql prepare %.2f s (CPU %.2f s)", round, vqlSeconds.last!, vqlCPU.last!)
                      + (pandasSeconds.count == round ? String(format: ", pandas.read_csv %.2f s (CPU %.2f s)", pandasSeconds.last!, pandasCPU.last!) : ""))
            }
            let outputMB = Double(((try? fm.contentsOfDirectory(atPath: out)) ?? []).reduce(Int64(0)) {
                $0 + ((try? fm.attributesOfItem(atPath: out + "/" + $1)[.size] as? Int64) ?? 0)
            }) / 1e6
            let seconds = median(vqlSeconds)
            var table: [(String, String)] = [
                ("rows", "\(written)"),
                ("vql prepare (parse + sort + write + checksums), median s", String(format: "%.2f", seconds)),
                ("vql prepare CPU (all threads, user + system), median s", String(format: "%.2f", median(vqlCPU))),
                ("vql prepare rows/s", String(format: "%.0f", Double(written) / seconds)),
                ("vql prepare MB/s of CSV", String(format: "%.0f", Double(bytes) / 1e6 / seconds)),
                ("vql prepare peak RSS (ru_maxrss, round 1), MB", String(format: "%.0f", peakMB)),
                ("prepared output, MB", String(format: "%.0f", outputMB)),
            ]
            if pandasSeconds.count == repeats {
                let ratios = zip(pandasSeconds, vqlSeconds).map { $0 / $1 }
                table.append(("pandas.read_csv (parse only), median s", String(format: "%.2f", median(pandasSeconds))))
                table.append(("pandas.read_csv CPU, median s", String(format: "%.2f", median(pandasCPU))))
                table.append(("pandas rows/s", String(format: "%.0f", Double(written) / median(pandasSeconds))))
                table.append(("speed-up of vql prepare over pandas parse", String(format: "%.2f× (median of %d rounds; range %.2f–%.2f)",
                                                                              median(ratios), repeats, ratios.min()!, ratios.max()!)))
            } else {
                table.append(("pandas.read_csv", "skipped: pandas not available to \(python) (pip install pandas)"))
            }
            let width = table.map(\.0.count).max() ?? 0
            print("vql bench prepare (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
            for (k, v) in table { print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
        }
    }
}
