import Foundation
import VQLCore
import VQLData
import VQLDistributed

/// Checkpoints of a training run (issue #4): rank 0 saves, every rank restores.
///
/// The whole trainer state is (parameters, Adam moments, sparse row moments, codebooks with
/// their EMA state, step): `stateTensors()` plus `step`. The sample schedule, sharding and
/// every random stream are functions of (seed, step, world size), so restoring those tensors
/// and the step continues the exact trajectory, on the same or another world size.
extension Trainer {
    /// The `state.json` content for the current step (file checksums are filled in by the writer).
    func checkpointState() -> CheckpointState {
        let f = ISO8601DateFormatter()
        return CheckpointState(
            format: CheckpointState.currentFormat, step: step, epoch: schedule.epoch(ofStep: step), dataCursor: step,
            samplesSeen: step * config.train.globalBatchSize, seed: config.train.seed, worldSize: world.size,
            config: config.yaml(), metricHistory: history, dataset: .init(manifest: dataset.manifest), files: [:],
            createdAt: f.string(from: Date()))
    }

    /// Rank 0 writes `RUN_DIR/checkpoints/step_N` (see `CheckpointWriter`) and logs its size
    /// and time; other ranks, or a trainer without a run directory, do nothing.
    @discardableResult
    public func saveCheckpoint(log: (String) -> Void = { _ in }) throws -> CheckpointWriter.Written? {
        guard world.isRoot, let dir = runDirectory else { return nil }
        let started = Date()
        let tensors = network.stateTensors()
        let written = try CheckpointWriter.write(runDirectory: dir, state: checkpointState(), tensors: tensors, keep: config.train.keepCheckpoints)
        let seconds = Date().timeIntervalSince(started)
        log(String(format: "checkpoint %@ written: %.1f MB in %.3f s (file write %.3f s)",
                   written.path, Double(written.bytes) / 1e6, seconds, written.seconds))
        try metrics?.write(["kind": "checkpoint", "step": .int(step), "bytes": .int(Int(written.bytes)), "seconds": .double(seconds)])
        return written
    }

    /// Continues from `checkpoint`: loads every tensor (shapes must match exactly) and the
    /// step and metric history. Call on every rank, right after `init`, with the same
    /// checkpoint (see `Checkpoint.locate(_:world:log:)`) after `checkCompatible`.
    public func restore(from checkpoint: Checkpoint) throws {
        do { try network.loadState(from: checkpoint.tensors) } catch { throw EveryRankError("\(error)") }
        step = checkpoint.state.step
        history = checkpoint.state.metricHistory
        try metrics?.discardRecords(afterStep: step)
        try metrics?.write(["kind": "resume", "step": .int(step), "checkpoint": .string(checkpoint.path),
                            "world_size_at_save": .int(checkpoint.state.worldSize), "world_size": .int(world.size)])
    }
}

extension Checkpoint {
    /// Finds the checkpoint to resume from, identically on every rank: rank 0 looks in
    /// `location` (a run directory, its `checkpoints/`, or one step directory), verifies the
    /// checksums, falls back past damaged ones (saying so through `log`), and broadcasts the
    /// chosen directory; the other ranks open it without recomputing checksums. When rank 0
    /// finds nothing usable, every rank throws the same error.
    public static func locate(_ location: String, world: World, log: (String) -> Void) throws -> Checkpoint {
        var message: [UInt8] = []
        if world.isRoot {
            do {
                let (found, skipped) = try newestValid(in: location)
                if !skipped.isEmpty {
                    log("vql train: skipped damaged or unusable checkpoints:\n  " + skipped.joined(separator: "\n  ")
                        + "\nvql train: falling back to \(found.path) (step \(found.state.step))")
                }
                message = Array(("ok:" + found.path).utf8)
            } catch {
                message = Array(("error:" + "\(error)").utf8)
            }
        }
        world.broadcast(bytes: &message, root: 0)
        let text = String(decoding: message, as: UTF8.self)
        guard text.hasPrefix("ok:") else { throw EveryRankError(String(text.dropFirst("error:".count))) }
        let path = String(text.dropFirst(3))
        do { return try Checkpoint(path: path, verify: false) } catch { throw EveryRankError("\(error)") }
    }

    /// Refuses a checkpoint that cannot continue under `config` (see `CheckpointCompatibility`),
    /// listing every difference; reads the dataset manifest at `config.data.path`.
    public func checkCompatible(with config: RunConfig) throws {
        let saved: RunConfig
        do { saved = try state.runConfig() } catch { throw EveryRankError("\(path)/\(CheckpointState.fileName): config: \(error)") }
        let dataset: PreparedDataset
        do { dataset = try PreparedDataset(directory: config.data.path) } catch { throw EveryRankError("\(error)") }
        let problems = CheckpointCompatibility.problems(saved: saved, current: config, savedDataset: state.dataset,
                                                        currentDataset: .init(manifest: dataset.manifest))
        if !problems.isEmpty {
            throw EveryRankError("cannot resume from \(path): the run differs from the checkpoint:\n  " + problems.joined(separator: "\n  ")
                                 + "\n(only train.max_steps, eval_every, log_every, checkpoint_every, keep_checkpoints, build_cache_at_end, early_stop_patience, eval.* and data.path may change)")
        }
    }
}

/// A failure that every rank reaches at the same point of the same sequence of collectives
/// (a checkpoint every rank refuses, a non-finite reduced gradient), so the job can end
/// cleanly on every rank, each printing the diagnostic, without `MPI_Abort`.
public struct EveryRankError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Whether `error` is reached by every rank together.
    public static func isShared(_ error: Error) -> Bool {
        if error is EveryRankError { return true }
        if case TrainingError.nonFinite = error { return true }
        return false
    }
}
