import ArgumentParser
import Foundation
import VQLModel
import VQLTrain

extension Bench {
    /// `vql bench compare`: trains each encoder on the same data, seed, steps and batch (one
    /// after another, in this process; alone or under mpirun), then reports test AUC, GAUC,
    /// logloss, training samples/s, serving µs per candidate and bytes per user at the
    /// dataset's median and p99 history length (`ServingLatency`), as text, CSV, Markdown and SVG.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare", abstract: "Train every encoder on the same data and print one quality/speed/size table.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Comma-separated encoders, in table order.") var encoders = "vq,full,recent,sim_hard,topk,mean"
        @Option(help: "Seeds per encoder (train.seed, +1, …); the table shows mean ± std.") var repeats = 1
        @Option(help: "Training steps per run (default: train.max_steps of the config).") var steps: Int?
        @Option(help: "Output directory for compare.csv, compare.md, compare.svg.") var out = "runs/compare"
        @Option(help: "Candidates scored per timing pass.") var candidates = 200

        func validate() throws {
            for e in encoderList where EncoderKind(rawValue: e) == nil {
                throw ValidationError("--encoders: '\(e)' is not one of \(EncoderKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard repeats >= 1, (steps ?? 1) >= 1, candidates >= 1 else { throw ValidationError("--repeats, --steps and --candidates must be ≥ 1") }
        }

        var encoderList: [String] { encoders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

        func run() throws {
            let base = try options.load()
            let started = Date()
            try WorldRunner.run { world in
                var runs: [CompareRun] = []
                var lengths = (median: 0, p99: 0)
                for encoder in encoderList {
                    for r in 0..<repeats {
                        var set = ["model.encoder=\(encoder)", "train.seed=\(base.train.seed + r)"]
                        if let steps { set.append("train.max_steps=\(steps)") }
                        let config = try RunConfig.parse(yaml: base.yaml(), source: options.config ?? "built-in demo config", overrides: set)
                        let trainer = try Trainer(config: config, world: world, runDirectory: nil)
                        let t0 = Date()
                        for _ in 0..<config.train.maxSteps { try trainer.trainStep() }
                        let rate = Double(config.train.maxSteps * config.train.globalBatchSize) / max(trainer.stepSeconds, 1e-9)
                        let result = trainer.evaluator.evaluate(trainer.network, samples: trainer.split.test)
                        guard world.isRoot, let result else { continue }
                        lengths = ServingLatency.lengthQuantiles(trainer.dataset)
                        let net = trainer.network
                        let vectors = net.itemVectors((0..<Int32(net.shape.itemCount)).map { $0 })
                        let cands = (0..<candidates).map { ($0 &* 7919 &+ 13) % net.shape.itemCount }
                        let med = ServingLatency.measure(net, vectors: vectors, history: ServingLatency.history(trainer.dataset, length: lengths.median), candidates: cands)
                        let p99 = ServingLatency.measure(net, vectors: vectors, history: ServingLatency.history(trainer.dataset, length: lengths.p99), candidates: cands)
                        let run = CompareRun(encoder: encoder, seed: config.train.seed, auc: result.auc ?? .nan, gauc: result.gauc ?? .nan,
                                             logloss: result.logloss, samplesPerSecond: rate, latencyMedian: med.microsecondsPerCandidate,
                                             latencyP99: p99.microsecondsPerCandidate, bytesMedian: med.bytesPerUser, bytesP99: p99.bytesPerUser)
                        runs.append(run)
                        print(String(format: "%@ seed %d: %d steps in %.1f s, test auc %.4f gauc %.4f logloss %.4f, %.0f samples/s, %.1f / %.1f µs per candidate",
                                     encoder, config.train.seed, config.train.maxSteps, Date().timeIntervalSince(t0), run.auc, run.gauc,
                                     run.logloss, rate, run.latencyMedian, run.latencyP99))
                        fflush(nil)  // progress shows when stdout is a file
                    }
                }
                guard world.isRoot else { return }
                let report = CompareReport(runs: runs, medianLength: lengths.median, p99Length: lengths.p99, repeats: repeats)
                print("\nvql bench compare (\(options.config ?? "built-in demo config"); \(world.size) rank\(world.size == 1 ? "" : "s"); "
                      + "history length per user: median \(lengths.median), p99 \(lengths.p99); \(repeats) seed\(repeats == 1 ? "" : "s"))")
                print(report.text, terminator: "")
                try report.write(to: out)
                print(String(format: "wrote %@/compare.{csv,md,svg} in %.0f s", out, Date().timeIntervalSince(started)))
            }
        }
    }
}
