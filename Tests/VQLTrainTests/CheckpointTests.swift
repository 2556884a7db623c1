import Foundation
import Testing
import VQLCore
@testable import VQLTrain

/// Checkpoints (issue #4) in a world of size 1: exact resume, integrity checks that name the
/// damaged file, fallback of automatic resume, refusal of incompatible runs, and a failed
/// write that leaves the previous checkpoint intact.
@Suite(.serialized) struct CheckpointTests {
    static let overrides = ["train.max_steps=6", "train.checkpoint_every=2", "train.keep_checkpoints=3"]

    /// A fresh run directory with checkpoints at steps 2, 4 and 6 (the last one at the end).
    func trainedRun(_ extra: [String] = []) throws -> (dir: String, trainer: Trainer) {
        let dir = NSTemporaryDirectory() + "vql-ckpt-\(getpid())-\(UUID().uuidString)"
        let t = try Trainer(config: try TrainerFixture.config(Self.overrides + extra), world: TrainerFixture.world, runDirectory: dir)
        _ = try t.run { _ in }
        return (dir, t)
    }

    func stepDir(_ dir: String, _ step: Int) -> String { dir + "/checkpoints/" + CheckpointFiles.stepDirectoryName(step) }

    /// The message of the error `body` throws ("" when it does not throw).
    func errorText(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test func writesStepDirectoriesLatestAndKeepsTheNewest() throws {
        let (dir, _) = try trainedRun(["train.keep_checkpoints=2"])
        let steps = CheckpointFiles.stepDirectories(in: dir + "/checkpoints").map(\.step)
        #expect(steps == [6, 4])
        let latest = try String(contentsOfFile: dir + "/checkpoints/latest", encoding: .utf8)
        #expect(latest == "step_00000006\n")
        let c = try Checkpoint(path: stepDir(dir, 6))
        #expect(c.state.step == 6 && c.state.dataCursor == 6 && c.state.worldSize == 1)
        #expect(c.state.metricHistory.map(\.split) == ["valid", "test"])
        #expect(try c.state.runConfig() == TrainerFixture.config(Self.overrides + ["train.keep_checkpoints=2"]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/checkpoints").filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary directories left: \(leftovers)")
    }

    @Test func resumeContinuesBitwiseIdentically() throws {
        let (dir, straight) = try trainedRun()
        let c = try Checkpoint(path: stepDir(dir, 2))
        try c.checkCompatible(with: straight.config)
        let resumed = try Trainer(config: straight.config, world: TrainerFixture.world, runDirectory: nil)
        try resumed.restore(from: c)
        #expect(resumed.step == 2)
        while resumed.step < 6 { try resumed.trainStep() }
        let a = modelState(straight), b = modelState(resumed)
        #expect(a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern })
        let adam = straight.network.params.adamV.array, adamResumed = resumed.network.params.adamV.array
        #expect(adam == adamResumed, "Adam moments must continue exactly")
    }

    @Test func flippedByteTruncationAndDeletionNameTheFile() throws {
        let (dir, _) = try trainedRun()
        let newest = stepDir(dir, 6), tensors = newest + "/model.safetensors", state = newest + "/state.json"
        let original = try Data(contentsOf: URL(fileURLWithPath: tensors))

        var flipped = original
        flipped[flipped.count / 2] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: tensors))
        var message = errorText { _ = try Checkpoint(path: newest) }
        #expect(message.contains(tensors) && message.contains("checksum mismatch"), "\(message)")

        try original.prefix(original.count - 100).write(to: URL(fileURLWithPath: tensors))
        message = errorText { _ = try Checkpoint(path: newest) }
        #expect(message.contains(tensors) && message.contains("truncated"), "\(message)")

        try original.write(to: URL(fileURLWithPath: tensors))
        #expect(throws: Never.self) { _ = try Checkpoint(path: newest) }

        let stateData = try Data(contentsOf: URL(fileURLWithPath: state))
        try FileManager.default.removeItem(atPath: state)
        message = errorText { _ = try Checkpoint(path: newest) }
        #expect(message.contains(state) && message.contains("missing"), "\(message)")
        try stateData.write(to: URL(fileURLWithPath: state))

        try FileManager.default.removeItem(atPath: tensors)
        message = errorText { _ = try Checkpoint(path: newest) }
        #expect(message.contains(tensors) && message.contains("missing"), "\(message)")

        // Automatic resume skips the damaged newest checkpoint, says why, and uses step 4.
        let (found, skipped) = try Checkpoint.newestValid(in: dir)
        #expect(found.state.step == 4)
        #expect(skipped.count == 1 && skipped[0].contains(tensors), "\(skipped)")
        let viaWorld = try Checkpoint.locate(dir, world: TrainerFixture.world) { _ in }
        #expect(viaWorld.state.step == 4)

        // An explicit path gets no fallback.
        message = errorText { _ = try Checkpoint.newestValid(in: newest) }
        #expect(message.contains(tensors))

        // With every checkpoint damaged, the error lists each one.
        for s in [2, 4] { try FileManager.default.removeItem(atPath: stepDir(dir, s) + "/SHA256SUMS") }
        message = errorText { _ = try Checkpoint.newestValid(in: dir) }
        #expect(message.contains("no valid checkpoint") && message.contains(stepDir(dir, 2) + "/SHA256SUMS"), "\(message)")
    }

    @Test func incompatibleRunsAreRefusedHarmlessChangesAllowed() throws {
        let (dir, t) = try trainedRun()
        let c = try Checkpoint(path: stepDir(dir, 6))
        try c.checkCompatible(with: try TrainerFixture.config(Self.overrides + ["train.max_steps=50", "train.eval_every=5", "train.log_every=3",
                                                                               "train.checkpoint_every=7", "train.keep_checkpoints=9"]))
        let message = errorText { try c.checkCompatible(with: try TrainerFixture.config(Self.overrides + ["model.item_dim=6", "train.lr=0.1"])) }
        #expect(message.contains("model.item_dim: checkpoint has 4, config has 6"), "\(message)")
        #expect(message.contains("train.lr"), "\(message)")
        var other = c.state.dataset
        other.counts.events += 1
        other.sourceFiles[0].checksum = "xxh64:" + String(repeating: "0", count: 16)
        let problems = CheckpointCompatibility.problems(saved: t.config, current: t.config, savedDataset: c.state.dataset, currentDataset: other)
        #expect(problems.count == 2 && problems[0].contains("dataset counts") && problems[1].contains(other.sourceFiles[0].name), "\(problems)")
        // A checksum of another algorithm cannot be compared; the size still is.
        var older = c.state.dataset
        #expect(older.sourceFiles[0].checksum.hasPrefix("xxh64:"))
        older.sourceFiles[0].checksum = "sha256:" + String(repeating: "a", count: 64)
        #expect(CheckpointCompatibility.problems(saved: t.config, current: t.config, savedDataset: older, currentDataset: c.state.dataset).isEmpty)
        older.sourceFiles[0].bytes += 1
        #expect(CheckpointCompatibility.problems(saved: t.config, current: t.config, savedDataset: older, currentDataset: c.state.dataset).count == 1)
    }

    @Test func aFailedWriteLeavesThePreviousCheckpointIntact() throws {
        let (dir, t) = try trainedRun()
        let before = try Data(contentsOf: URL(fileURLWithPath: stepDir(dir, 6) + "/model.safetensors"))
        // A tensor whose bytes disagree with its shape makes the writer fail after it made its temporary directory.
        var state = t.checkpointState()
        state.step = 8
        let bad = SafetensorsFile.Tensor.float("broken", shape: [4], [1, 2])
        #expect(throws: (any Error).self) {
            _ = try CheckpointWriter.write(runDirectory: dir, state: state, tensors: t.network.stateTensors() + [bad], keep: 3)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/checkpoints").sorted()
        #expect(names == ["latest", "step_00000002", "step_00000004", "step_00000006"], "\(names)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stepDir(dir, 6) + "/model.safetensors")) == before)
        #expect(try Checkpoint.newestValid(in: dir).checkpoint.state.step == 6)
        // Re-writing an existing step swaps the new directory in and stays valid.
        state.step = 6
        _ = try CheckpointWriter.write(runDirectory: dir, state: state, tensors: t.network.stateTensors(), keep: 3)
        #expect(try Checkpoint(path: stepDir(dir, 6)).state.step == 6)
    }
}
