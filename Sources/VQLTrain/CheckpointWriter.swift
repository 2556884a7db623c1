import Foundation
import VQLCore

/// Writes one checkpoint directory so that a crash at any moment leaves either the previous
/// checkpoints untouched or the new one complete (DESIGN §5):
///
/// 1. everything goes into `checkpoints/.tmp-step_N-<pid>/`: `model.safetensors` (fsynced),
///    `state.json` with the tensors file's sha256, `SHA256SUMS` of both; directory fsynced;
/// 2. the directory is renamed to `step_N` and `checkpoints/` is fsynced;
/// 3. `latest` is replaced atomically (temp file, fsync, rename, fsync);
/// 4. only then are step directories beyond the newest `keep` removed (and leftovers of
///    interrupted writes: `.tmp-*`, `.old-*`).
///
/// A step directory is never modified in place: re-writing an existing step (e.g. the end
/// of a run resumed from its final checkpoint) builds the new one aside and swaps it in.
public enum CheckpointWriter {
    /// What was written, for the log and the report.
    public struct Written: Sendable {
        public let path: String
        public let bytes: Int64
        public let seconds: Double
    }

    public static func write(runDirectory: String, state: CheckpointState, tensors: [SafetensorsFile.Tensor], keep: Int) throws -> Written {
        let started = Date()
        let fm = FileManager.default
        let root = runDirectory + "/" + CheckpointFiles.directoryName
        do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw CheckpointError(path: root, "cannot create the checkpoint directory (\(error.localizedDescription))")
        }
        let name = CheckpointFiles.stepDirectoryName(state.step)
        let final = root + "/" + name
        let pid = getpid()
        let tmp = root + "/.tmp-\(name)-\(pid)"
        try? fm.removeItem(atPath: tmp)
        do { try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false) } catch {
            throw CheckpointError(path: tmp, "cannot create (\(error.localizedDescription))")
        }
        var finished = false
        defer { if !finished { try? fm.removeItem(atPath: tmp) } }

        let tensorsPath = tmp + "/" + CheckpointState.tensorsFileName
        try SafetensorsFile.write(path: tensorsPath, tensors: tensors,
                                  metadata: ["step": String(state.step), "format": "vql-model-1", "checkpoint": CheckpointState.currentFormat])
        var state = state
        state.files = [CheckpointState.tensorsFileName: try CheckpointFiles.digest(path: tensorsPath)]
        let stateBytes = [UInt8](try state.encoded())
        try CheckpointFiles.writeDurably(stateBytes, to: tmp + "/" + CheckpointState.fileName)
        var sums = state.files
        sums[CheckpointState.fileName] = .init(bytes: Int64(stateBytes.count), sha256: SHA256.hexDigest(stateBytes))
        try CheckpointFiles.writeDurably(Array(CheckpointFiles.checksumsText(sums).utf8), to: tmp + "/" + CheckpointFiles.checksumsName)
        CheckpointFiles.syncDirectory(tmp)

        var aside: String? = nil
        if fm.fileExists(atPath: final) {
            let old = root + "/.old-\(name)-\(pid)"
            try? fm.removeItem(atPath: old)
            guard rename(final, old) == 0 else {
                throw CheckpointError(path: final, "cannot move the existing checkpoint aside: \(String(cString: strerror(errno)))")
            }
            aside = old
        }
        guard rename(tmp, final) == 0 else {
            let reason = String(cString: strerror(errno))
            if let aside { _ = rename(aside, final) }
            throw CheckpointError(path: final, "cannot rename \(tmp) into place: \(reason)")
        }
        finished = true
        CheckpointFiles.syncDirectory(root)
        try CheckpointFiles.replaceAtomically(root + "/" + CheckpointFiles.latestName, with: Array((name + "\n").utf8))
        if let aside { try? fm.removeItem(atPath: aside) }
        prune(root, keep: keep, current: name)
        let bytes = sums.values.reduce(Int64(0)) { $0 + $1.bytes }
        return Written(path: final, bytes: bytes, seconds: Date().timeIntervalSince(started))
    }

    /// Removes step directories beyond the newest `keep` (never `current`) and leftovers
    /// of interrupted writes.
    static func prune(_ root: String, keep: Int, current: String) {
        let fm = FileManager.default
        for (i, entry) in CheckpointFiles.stepDirectories(in: root).enumerated() where i >= max(keep, 1) {
            if (entry.path as NSString).lastPathComponent != current { try? fm.removeItem(atPath: entry.path) }
        }
        for n in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where n.hasPrefix(".tmp-") || n.hasPrefix(".old-") {
            try? fm.removeItem(atPath: root + "/" + n)
        }
        CheckpointFiles.syncDirectory(root)
    }
}
