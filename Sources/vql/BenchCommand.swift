import ArgumentParser
import Foundation
import VQLCore
import VQLModel
import VQLTrain

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed and print tables (release builds only give meaningful numbers).",
        subcommands: [TrainSpeed.self, Scaling.self, Cores.self, Serve.self, Compare.self, PrepareSpeed.self])
}

extension Bench {
    /// `vql bench train`: training throughput, counted FLOPs, achieved GFLOP/s against
    /// OpenBLAS sgemm on one core in the same process, and where a step's time goes.
    struct TrainSpeed: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "train", abstract: "Training samples/s, FLOPs per sample, GFLOP/s vs sgemm.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Timed steps (after 3 warm-up steps).") var steps = 30
        @Flag(help: "Print one JSON object (for `vql bench scaling`) instead of the table.") var json = false
        @Flag(help: "With --json: also every timed step's start and end on rank 0 (Unix seconds), and the global batch.") var stepTimes = false

        func validate() throws {
            if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        }

        func run() throws {
            let config = try options.load()
            try WorldRunner.run { world in
                let trainer = try Trainer(config: config, world: world, runDirectory: nil)
                for _ in 0..<3 { try trainer.trainStep() }
                let bytes0 = world.bytesSent, peerBytes0 = trainer.peerBytesRead
                let collectives0 = trainer.collectiveSeconds
                // each rank's attended positions per step, the work the sample stretch scales
                // with, and its seconds outside collectives, what the step's pace follows
                var positions = [Double](repeating: 0, count: world.size * steps), busy = positions
                let ledger = GemmLedger()
                BLAS.ledger = ledger
                let start = Date()
                var wallClock: [Double] = []
                for s in 0..<steps {
                    let t = Date(), inside = trainer.collectiveSeconds.total
                    try trainer.trainStep()
                    let end = Date()
                    if stepTimes { wallClock += [t.timeIntervalSince1970, end.timeIntervalSince1970] }
                    positions[s * world.size + world.rank] = Double(trainer.network.attendedPositionsInLastBatch)
                    busy[s * world.size + world.rank] = end.timeIntervalSince(t) - (trainer.collectiveSeconds.total - inside)
                }
                let seconds = Date().timeIntervalSince(start)
                BLAS.ledger = nil
                if world.size > 1 {
                    positions.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: $0.count) }
                    busy.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: $0.count) }
                }
                let imbalance = WorkImbalance(perStepByRank: positions, ranks: world.size)
                let timing = WorkImbalance(perStepByRank: busy, ranks: world.size)
                let collectives = trainer.collectiveSeconds - collectives0, comm = collectives.total
                let bytesPerStep = Double(world.bytesSent - bytes0) / Double(steps)
                let peerBytesPerStep = Double(trainer.peerBytesRead - peerBytes0) / Double(steps)
                // Each rank's time outside collectives over the steps (their spread is load
                // imbalance), then its time inside each place of the step, rank after rank.
                let compute = (0..<world.size).map { r in (0..<steps).reduce(0) { $0 + busy[$1 * world.size + r] } }
                let places = CollectiveSeconds.labels.count
                var byRank = [Double](repeating: 0, count: world.size * places)
                for (k, v) in collectives.values.enumerated() { byRank[world.rank * places + k] = v }
                byRank.withUnsafeMutableBufferPointer { if world.size > 1 { world.allreduceSum($0.baseAddress!, count: $0.count) } }
                let inside = (0..<places).map { k in (0..<world.size).map { byRank[$0 * places + k] } }
                func perStep(_ values: [Double]) -> String { values.map { String(format: "%.2f", 1000 * $0 / Double(steps)) }.joined(separator: " / ") }
                let profile = StepProfile.measure(trainer)
                // FLOPs the algorithm does for the whole global batch: every rank's samples and
                // positions, and per-item work once per distinct item of the global batch (on
                // several ranks each rank computes a share of them, `ItemShard`)
                var totals = [Double(profile.samples), Double(profile.positions)]
                totals.withUnsafeMutableBufferPointer { if world.size > 1 { world.allreduceSum($0.baseAddress!, count: 2) } }
                let items = world.size > 1 ? trainer.network.distinctItemsInLastGlobalBatch : profile.items
                let cost = StepCost(shape: trainer.network.shape, samples: Int(totals[0]), positions: Int(totals[1]), items: items)
                guard world.isRoot else { return }
                let B = Double(config.train.globalBatchSize)
                let samplesPerSecond = B * Double(steps) / seconds
                let flopsPerSample = cost.total / totals[0]
                let achieved = flopsPerSample * samplesPerSecond / 1e9
                let sgemm = SgemmBenchmark.gflops(size: 512)
                func imbalanceText(_ w: WorkImbalance) -> String {
                    world.size == 1 ? "none (one rank)"
                        : String(format: "+%.1f%% (the same rank as the step before in %.0f%% of steps)", 100 * w.excessOfBusiest, 100 * w.busiestRepeats)
                }
                let rows: [(String, String)] = [
                    ("ranks", "\(world.size)"),
                    ("OpenBLAS threads per rank", "\(BLAS.threads)"),
                    ("encoder", config.model.encoder),
                    ("global batch", "\(config.train.globalBatchSize)"),
                    ("mean history length", String(format: "%.0f", totals[1] / totals[0])),
                    ("distinct items per local batch", "\(profile.items)"),
                    ("distinct items per global batch", "\(items)"),
                    ("samples/s", String(format: "%.0f", samplesPerSecond)),
                    ("FLOPs per sample (counted)", String(format: "%.3g", flopsPerSample)),
                    ("  projections + key norm", String(format: "%.0f%%", 100 * cost.projections / cost.total)),
                    ("  quantization", String(format: "%.0f%%", 100 * cost.quantization / cost.total)),
                    ("  attention", String(format: "%.0f%%", 100 * cost.attention / cost.total)),
                    ("  MLP", String(format: "%.0f%%", 100 * cost.mlp / cost.total)),
                    ("achieved GFLOP/s (all ranks)", String(format: "%.2f", achieved)),
                    ("sgemm GFLOP/s, 1 core, 512³", String(format: "%.2f", sgemm)),
                    ("achieved / (sgemm × ranks)", String(format: "%.1f%%", 100 * achieved / (sgemm * Double(world.size)))),
                    ("item rows and gradients between ranks", trainer.itemTransport ?? "none (one rank)"),
                    ("bytes sent per step (rank 0)", String(format: "%.0f", bytesPerStep)),
                    ("bytes read in place from other ranks per step (rank 0)", String(format: "%.0f", peerBytesPerStep)),
                    ("communication share of step time", String(format: "%.1f%%", 100 * comm / seconds)),
                    ("compute ms per step, by rank", perStep(compute)),
                    ("positions per step, slowest rank over mean", imbalanceText(imbalance)),
                    ("compute per step, slowest rank over mean", imbalanceText(timing)),
                ] + zip(CollectiveSeconds.labels, inside).map { ("  in \($0.0) collectives, ms per step", perStep($0.1)) } + [
                    ("time: batch assembly", String(format: "%.1f%%", profile.share(\.assembly))),
                    ("time: forward", String(format: "%.1f%%", profile.share(\.forward))),
                    ("time: backward", String(format: "%.1f%%", profile.share(\.backward))),
                    ("time: optimizer + EMA", String(format: "%.1f%%", profile.share(\.optimizer))),
                ]
                func msArray(_ values: [Double]) -> String { "[" + values.map { String(1000 * $0 / Double(steps)) }.joined(separator: ", ") + "]" }
                if json {
                    let fields = ["\"ranks\": \(world.size)", "\"samples_per_second\": \(samplesPerSecond)",
                                  "\"bytes_per_step\": \(bytesPerStep)", "\"peer_bytes_per_step\": \(peerBytesPerStep)", "\"communication_share\": \(comm / seconds)",
                                  "\"compute_ms_by_rank\": \(msArray(compute))", "\"positions_excess_of_busiest\": \(imbalance.excessOfBusiest)",
                                  "\"compute_excess_of_busiest\": \(timing.excessOfBusiest)", "\"busiest_repeats\": \(timing.busiestRepeats)",
                                  "\"collective_ms_by_rank\": {" + zip(CollectiveSeconds.labels, inside).map { "\"\($0.0)\": \(msArray($0.1))" }.joined(separator: ", ") + "}"]
                        + (stepTimes ? ["\"global_batch\": \(config.train.globalBatchSize)",
                                        "\"step_wall_seconds\": [" + wallClock.map { String($0) }.joined(separator: ", ") + "]"] : [])
                    print("{" + fields.joined(separator: ", ") + "}")
                    return
                }
                let width = rows.map(\.0.count).max() ?? 0
                print("vql bench train (\(options.config ?? "built-in demo config"))")
                for (k, v) in rows { print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
                print(GemmTable(ledger: ledger, steps: steps, stepSeconds: seconds / Double(steps), squareGflops: sgemm).text)
            }
        }
    }
}

/// sgemm C = A·B on n×n matrices on one OpenBLAS thread (the calling one), best of several
/// runs, in GFLOP/s (2n³ FLOPs).
enum SgemmBenchmark {
    static func gflops(size n: Int) -> Double {
        let threads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = threads }
        let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
        var rng = RandomSource(seed: 1)
        for i in 0..<(n * n) { a[i] = rng.normal(); b[i] = rng.normal() }
        var best = Double.infinity
        for _ in 0..<8 {
            let t = Date()
            BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
            best = min(best, Date().timeIntervalSince(t))
        }
        return 2 * Double(n * n * n) / best / 1e9
    }
}
