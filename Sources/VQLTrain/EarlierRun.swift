import Foundation

/// What an earlier `vql train` left in a run directory. A new run must neither overwrite it
/// by accident (a second `vql train` into the same directory) nor fail to continue it (a
/// preempted Slurm job requeued with `--resume`, whose first start had nothing to resume).
public struct EarlierRun {
    public let directory: String
    /// Step directories under `checkpoints/`, newest first.
    public let checkpoints: [(step: Int, path: String)]
    /// The files of `fileNames` that exist.
    public let files: [String]

    /// Everything `vql train` writes into a run directory besides `checkpoints/`.
    static let fileNames = ["metrics.jsonl", MetricsLog.discardedPath(of: "metrics.jsonl"), "metrics.svg", "model.safetensors", "best_model.safetensors", "config.yaml", "sharding.json"]

    public init(directory: String) {
        self.directory = directory
        checkpoints = CheckpointFiles.stepDirectories(in: directory + "/" + CheckpointFiles.directoryName)
        files = Self.fileNames.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// True when the directory holds nothing of a training run.
    public var isEmpty: Bool { checkpoints.isEmpty && files.isEmpty }

    /// Why a fresh run must not start here, or nil when it may.
    public var refusal: String? {
        if let newest = checkpoints.first {
            return "\(directory) holds checkpoints of an earlier run (newest: step \(newest.step)); continue it with --resume, "
                + "start over with --restart (deletes them), or pass another --out"
        }
        if !files.isEmpty {
            return "\(directory) holds an earlier run (\(files.joined(separator: ", "))); start over with --restart (deletes it), or pass another --out"
        }
        return nil
    }

    /// Deletes the earlier run: `checkpoints/` and the files of `fileNames`; leaves anything
    /// else (a `cache/` built from it, files of the user's own) in place.
    public func remove() throws {
        let fm = FileManager.default
        let checkpointDirectory = directory + "/" + CheckpointFiles.directoryName
        if fm.fileExists(atPath: checkpointDirectory) { try fm.removeItem(atPath: checkpointDirectory) }
        for name in files { try fm.removeItem(atPath: directory + "/" + name) }
    }
}
