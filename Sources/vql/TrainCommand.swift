import ArgumentParser
import Foundation
import VQLTrain

/// Options shared by every command that reads a run config.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML config file (default: the built-in demo config).")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key, e.g. --set train.max_steps=100 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    func load() throws -> RunConfig {
        if let config { return try RunConfig.load(path: config, overrides: overrides) }
        return try RunConfig.parse(yaml: RunConfig.demoYAML, source: "built-in demo config", overrides: overrides)
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model (alone, or under mpirun: ranks shard users data-parallel).")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Run directory for config, metrics, checkpoints and the model (default: runs/<config name>).")
    var out: String?

    @Option(name: .long, defaultAsFlag: "latest", help: ArgumentHelp(
        "Continue from a checkpoint: alone, the newest valid one of the run directory (falling back past damaged ones); "
        + "or PATH = a step directory, a checkpoints/ directory or a run directory. Without --config, the checkpoint's config is used.",
        valueName: "PATH"))
    var resume: String? = nil

    @Flag(help: "Start over in a run directory that holds an earlier run: deletes its checkpoints, metrics and model first.")
    var restart = false

    func validate() throws {
        if restart && resume != nil { throw ValidationError("--restart and --resume exclude each other: start over, or continue") }
    }

    func run() throws {
        var config = try options.load()
        let name = options.config.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "demo"
        let runDirectory = out ?? "runs/\(name)"
        try WorldRunner.run { world in
            var checkpoint: Checkpoint? = nil
            // What an earlier run left here decides whether this one may start; the ranks
            // agree (allAgree) so that none goes on alone if their views differ.
            let earlier = EarlierRun(directory: runDirectory)
            let refusal = restart || resume != nil ? nil : earlier.refusal
            if !world.allAgree(refusal == nil) {
                throw EveryRankError(refusal ?? "another rank found an earlier run in \(runDirectory)")
            }
            if restart && world.isRoot && !earlier.isEmpty {
                try earlier.remove()
                print("vql train: removed the earlier run in \(runDirectory)")
            }
            if resume == "latest" && world.allAgree(earlier.isEmpty) {
                // a requeued job's first start: nothing to continue yet
                if world.isRoot { print("vql train: no earlier run in \(runDirectory) to resume; starting a new one") }
            } else if let resume {
                let c = try Checkpoint.locate(resume == "latest" ? runDirectory : resume, world: world) { if world.isRoot { print($0) } }
                if options.config == nil { config = try c.state.runConfig(overrides: options.overrides) }
                try c.checkCompatible(with: config)
                if world.isRoot { print("vql train: resuming from \(c.path) (step \(c.state.step), saved by \(c.state.worldSize) rank(s))") }
                checkpoint = c
            }
            let trainer = try Trainer(config: config, world: world, runDirectory: runDirectory)
            if let checkpoint { try trainer.restore(from: checkpoint) }
            if world.isRoot {
                let d = trainer.dataset, s = trainer.split
                print("vql train: \(world.size) rank(s), \(d.userCount) users, \(d.itemCount) items, \(d.eventCount) events; "
                      + "samples train \(s.train.count) valid \(s.valid.count) test \(s.test.count); encoder \(config.model.encoder); "
                      + (trainer.itemTransport.map { "item exchange: \($0); " } ?? "") + "run \(runDirectory)")
            }
            _ = try trainer.run { if world.isRoot { print($0) } }
            if world.isRoot { print("model written to \(runDirectory)/model.safetensors") }
            if config.train.buildCacheAtEnd {
                if let m = try CacheExport.build(config: config, modelPath: runDirectory + "/model.safetensors", out: runDirectory + "/cache", world: world) {
                    print("caches of \(m.users) users written to \(runDirectory)/cache")
                }
            }
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained model on the valid and test splits (AUC, GAUC, logloss).")

    @Option(name: .customLong("run"), help: "Run directory written by `vql train` (config.yaml + model.safetensors).")
    var runDirectory: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key (e.g. eval.max_samples=0).", valueName: "key=value"))
    var overrides: [String] = []

    func run() throws {
        let config = try RunConfig.load(path: runDirectory + "/config.yaml", overrides: overrides)
        try WorldRunner.run { world in
            let results = try ModelEvaluation.evaluate(config: config, modelPath: runDirectory + "/model.safetensors", world: world)
            if world.isRoot {
                for (split, r) in results.sorted(by: { $0.key > $1.key }) {
                    print(String(format: "%@: auc %.4f gauc %.4f logloss %.4f (%d samples)", split, r.auc ?? .nan, r.gauc ?? .nan, r.logloss, r.samples))
                }
            }
        }
    }
}
