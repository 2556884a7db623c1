import Foundation
import VQLCore
import VQLData
import VQLDistributed
import VQLModel

/// Data-parallel training (DESIGN §4): every rank holds the whole model, computes the
/// samples of the global batch whose users it owns, and applies the same summed gradients,
/// so parameters stay identical without a broadcast. A world of size 1 is the same code.
public final class Trainer {
    public let config: RunConfig
    public let world: World
    public let dataset: PreparedDataset
    public let split: DatasetSplit
    public let sharding: UserSharding
    public let builder: BatchBuilder
    public let network: VQLNetwork
    public let exchange: GradientExchange
    public let seeding: CodebookSeeding
    public let runDirectory: String?
    /// Optimizer steps taken (also the Adam step count and the data cursor); set by `restore`.
    public internal(set) var step = 0
    /// Evaluations so far, saved in checkpoints as the metric history.
    var history: [CheckpointState.Evaluation] = []
    var schedule: SampleSchedule
    let metrics: MetricsLog?
    let codebookStatistics: FloatBuffer
    /// On several ranks, per-item work is split across them (`ItemShard`).
    let itemExchange: WorldItemExchange?
    /// Seconds spent in collectives during training steps (by place in the step, and in
    /// all), and in whole steps.
    public var collectiveSeconds: CollectiveSeconds {
        var c = itemExchange?.seconds ?? CollectiveSeconds()
        c.gradientExchange = exchangeSeconds
        return c
    }
    public var communicationSeconds: Double { collectiveSeconds.total }
    /// Bytes this rank read in place from other ranks' shared memory (item rows, slot
    /// gradients, sparse gradients), the shared-memory counterpart of `World.bytesSent`.
    public var peerBytesRead: Int { network.peerBytesRead + exchange.peerFloatsRead * MemoryLayout<Float>.stride }
    /// How the item-sharded step moves rows and gradients between ranks: "shared memory",
    /// "messages", or nil on one rank.
    public var itemTransport: String? { itemExchange?.transport }
    public private(set) var stepSeconds = 0.0
    private var exchangeSeconds = 0.0
    public private(set) var lastLoss = Double.nan
    /// This rank's samples of the current step, kept so its arrays keep their capacity.
    private var batch = SampleBatch()
    /// Set at the end of a step on every rank alike when any rank received a stop signal.
    public private(set) var stopRequested = false

    public init(config: RunConfig, world: World, runDirectory: String?) throws {
        try config.validate()
        self.config = config
        self.world = world
        self.runDirectory = runDirectory
        dataset = try PreparedDataset(directory: config.data.path)
        split = DatasetSplit(dataset: dataset, settings: SplitSettings(
            validFraction: config.data.validFraction, testFraction: config.data.testFraction, minHistory: config.data.minHistory))
        guard !split.train.isEmpty else {
            throw ConfigError(source: "config", key: "data.path", message: "the training split of \(config.data.path) is empty")
        }
        sharding = UserSharding(dataset: dataset, trainTargets: split.train, maxLength: config.data.maxLen, ranks: world.size)
        let shape = try config.modelShape(dataset: dataset)
        builder = try BatchBuilder(dataset: dataset, maxLength: config.data.maxLen, userFeatures: shape.userFeatures.map(\.name))
        network = VQLNetwork(shape: shape, itemTags: builder.itemTags, seed: UInt64(config.train.seed))
        seeding = CodebookSeeding(dataset: dataset)
        schedule = SampleSchedule(sampleCount: split.train.count, batchSize: config.train.globalBatchSize, seed: UInt64(config.train.seed))
        codebookStatistics = FloatBuffer(count: network.codebooks?.statisticsCount ?? 0)
        itemExchange = world.size > 1 ? try WorldItemExchange(world: world) : nil
        exchange = GradientExchange(world: world, memory: itemExchange?.sparseMemory)
        if world.isRoot, let dir = runDirectory {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try config.yaml().write(toFile: dir + "/config.yaml", atomically: true, encoding: .utf8)
            try sharding.record(ranks: world.size).write(toFile: dir + "/sharding.json", atomically: true, encoding: .utf8)
            metrics = try MetricsLog(path: dir + "/metrics.jsonl")
        } else {
            metrics = nil
        }
        seeding.initialize(network, seed: UInt64(config.train.seed))
    }

    public var evaluator: Evaluator {
        Evaluator(builder: builder, sharding: sharding, world: world, batchSize: config.eval.batchSize, maxSamples: config.eval.maxSamples)
    }

    /// One global step: forward/backward of the local share, exchange, optimizer, codebook EMA.
    /// Returns the global mean loss (BCE + commitment).
    @discardableResult
    public func trainStep() throws -> Double {
        let t0 = Date()
        let B = config.train.globalBatchSize
        let train = split.train
        let local = schedule.indices(step: step).map { train[$0] }.filter {
            Int(sharding.owner[Int(dataset.eventUser[Int($0)])]) == world.rank
        }
        batch.removeAll()
        builder.append(events: local, to: &batch)
        try DebugFailure.check(rank: world.rank, step: step)

        network.zeroGradients()
        network.forward(batch, itemExchange: itemExchange)
        network.backward(labels: batch.label, scale: 1 / Float(B))
        let l = network.losses(labels: batch.label)
        codebookStatistics.zero()
        network.accumulateCodebookStatistics(into: codebookStatistics.pointer)
        DebugFailure.poison(network, rank: world.rank, step: step)

        let c0 = Date()
        // The third sum counts ranks asked to stop (`StopSignals`), so all ranks agree.
        var sums = [l.crossEntropy, l.commitment, StopSignals.received == 0 ? 0 : 1]
        exchange.reduce(network, statistics: codebookStatistics, sums: &sums)
        stopRequested = sums[2] > 0
        exchangeSeconds += Date().timeIntervalSince(c0)

        let loss = (sums[0] + sums[1]) / Double(B)
        // Every rank holds the same reduced values, so every rank takes the same decision.
        if let problem = NonFiniteGuard.problem(loss: loss, network: network) {
            throw TrainingError.nonFinite(step: step, detail: problem)
        }
        step += 1
        network.params.applyAdam(config.denseAdam, step: step)
        for t in network.tables { t.applyAdam(config.sparseAdam, step: step) }
        if let cb = network.codebooks {
            cb.applyEMA(statistics: codebookStatistics.pointer, decay: network.shape.emaDecay)
            if config.model.reseedEvery > 0 && step % config.model.reseedEvery == 0 {
                seeding.reseedDeadCodes(network, fraction: Float(config.model.reseedThreshold), seed: UInt64(config.train.seed), step: step)
            }
        }
        lastLoss = loss
        stepSeconds += Date().timeIntervalSince(t0)
        return loss
    }

    /// Trains to `train.max_steps`, evaluating every `train.eval_every` steps and at the end.
    public func run(log: (String) -> Void) throws -> [String: EvaluationResult] {
        let total = config.train.maxSteps
        let progress = ProgressReporter(total: total, label: "train", enabled: world.isRoot)
        let started = Date()
        var smoothed = Double.nan
        StopSignals.install()
        while step < total {
            let loss = try trainStep()
            if stopRequested { try stop(progress: progress, log: log) }
            smoothed = smoothed.isNaN ? loss : 0.95 * smoothed + 0.05 * loss
            let rate = Double(step * config.train.globalBatchSize) / max(Date().timeIntervalSince(started), 1e-9)
            progress.update(done: step, extra: String(format: "loss %.4f  %.0f samples/s", smoothed, rate))
            if step % max(config.train.logEvery, 1) == 0 || step == total {
                try metrics?.write(["kind": "train", "step": .int(step), "loss": .double(loss), "loss_smoothed": .double(smoothed),
                                    "samples_per_second": .double(rate)])
            }
            if config.train.evalEvery > 0 && step % config.train.evalEvery == 0 && step < total {
                if let r = evaluator.evaluate(network, samples: split.valid) { try record("valid", r, log: log) }
                if try stopsEarly(log: log) { break }
            }
            if config.train.checkpointEvery > 0 && step % config.train.checkpointEvery == 0 && step < total {
                try saveCheckpoint(log: log)
            }
        }
        progress.finish(done: step)
        var results: [String: EvaluationResult] = [:]
        for (name, samples) in [("valid", split.valid), ("test", split.test)] {
            if let r = evaluator.evaluate(network, samples: samples) {
                try record(name, r, log: log)
                results[name] = r
            }
        }
        try saveModel()
        try saveCheckpoint(log: log)
        writePlot(log: log)
        return results
    }

    /// After a validation pass with `train.early_stop_patience` set: rank 0 (which alone
    /// holds the metrics) keeps a new best model as `best_model.safetensors` and decides
    /// whether to stop; every rank learns the decision through `allAgree`.
    func stopsEarly(log: (String) -> Void) throws -> Bool {
        let patience = config.train.earlyStopPatience
        guard patience > 0 else { return false }
        var stop = false
        if world.isRoot, let (best, since) = EarlyStopping.best(in: history) {
            if since == 0 && best.step == step {
                try saveModel(as: "best_model.safetensors", metadata: ["valid_auc": String(best.auc ?? .nan)])
            }
            stop = EarlyStopping.shouldStop(history: history, patience: patience)
            if stop {
                log(String(format: "step %d: validation AUC has not improved for %d evaluations (best %.4f at step %d, kept as best_model.safetensors); stopping early",
                           step, since, best.auc ?? .nan, best.step))
                try metrics?.write(["kind": "early_stop", "step": .int(step), "best_step": .int(best.step), "best_auc": .double(best.auc ?? .nan)])
            }
        }
        return !world.allAgree(!stop)
    }

    /// Rank 0 draws `metrics.jsonl` into `metrics.svg` (`MetricsPlot`); a failure is
    /// reported, not fatal: the model and checkpoint are already written.
    func writePlot(log: (String) -> Void) {
        guard world.isRoot, let dir = runDirectory else { return }
        do {
            try MetricsPlot(file: dir + "/metrics.jsonl").svg.write(toFile: dir + "/metrics.svg", atomically: true, encoding: .utf8)
        } catch {
            log("could not write \(dir)/metrics.svg: \(error)")
        }
    }

    /// Ends training on a stop signal: a checkpoint of the current step, then
    /// `TrainingStopped` on every rank (the exit code names the highest signal any rank got).
    func stop(progress: ProgressReporter, log: (String) -> Void) throws -> Never {
        progress.finish(done: step)
        let signal = Int32(world.allreduceMax(Double(StopSignals.received)))
        log("step \(step): \(StopSignals.name(signal)) received, writing a checkpoint before stopping")
        let written = try saveCheckpoint(log: log)
        try metrics?.write(["kind": "stop", "step": .int(step), "signal": .string(StopSignals.name(signal))])
        writePlot(log: log)
        throw TrainingStopped(step: step, signal: signal, checkpoint: written?.path)
    }

    func record(_ split: String, _ r: EvaluationResult, log: (String) -> Void) throws {
        log(String(format: "step %d %@: auc %.4f gauc %.4f logloss %.4f (%d samples)", step, split,
                   r.auc ?? .nan, r.gauc ?? .nan, r.logloss, r.samples))
        history.removeAll { $0.step == step && $0.split == split }
        history.append(.init(step: step, split: split, samples: r.samples, auc: r.auc, gauc: r.gauc, logloss: r.logloss))
        try metrics?.write(["kind": .string("eval"), "split": .string(split), "step": .int(step), "samples": .int(r.samples),
                            "auc": .double(r.auc ?? .nan), "gauc": .double(r.gauc ?? .nan), "logloss": .double(r.logloss)])
    }

    /// Rank 0 writes the model (parameters, optimizer and codebook state) next to the config,
    /// as `name`, with the step, the format and `metadata` in the header.
    public func saveModel(as name: String = "model.safetensors", metadata: [String: String] = [:]) throws {
        guard world.isRoot, let dir = runDirectory else { return }
        try SafetensorsFile.write(path: dir + "/" + name, tensors: network.stateTensors(),
                                  metadata: metadata.merging(["step": String(step), "format": "vql-model-1"]) { $1 })
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case nonFinite(step: Int, detail: String)
    case injected(rank: Int, step: Int)

    public var description: String {
        switch self {
        case .nonFinite(let step, let detail): return "non-finite values at step \(step): \(detail); no checkpoint written of this state"
        case .injected(let rank, let step): return "injected failure on rank \(rank) at step \(step) (VQL_DEBUG_FAIL_RANK)"
        }
    }
}
