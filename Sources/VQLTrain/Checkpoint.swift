import Foundation
import VQLCore

/// A checkpoint directory opened for reading, after its integrity checks: every file listed
/// in `SHA256SUMS` is present with the recorded checksum, `state.json` decodes and agrees
/// with `SHA256SUMS`, and `model.safetensors` has a valid header whose tensors fit the file.
/// Every failure names the file and what was expected.
public struct Checkpoint: Sendable {
    public let path: String
    public let state: CheckpointState
    public let tensors: SafetensorsFile

    /// Opens and checks `path` (a `step_N` directory). With `verify: false` the checksums
    /// are not recomputed (the other checks still run): for ranks that load a checkpoint
    /// rank 0 has just verified.
    public init(path: String, verify: Bool = true) throws {
        var dir = path
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        self.path = dir
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            throw CheckpointError(path: dir, "missing: expected a checkpoint directory (step_NNNNNNNN with state.json, model.safetensors, SHA256SUMS)")
        }
        guard isDirectory.boolValue else {
            throw CheckpointError(path: dir, "expected a checkpoint directory (step_NNNNNNNN with state.json, model.safetensors, SHA256SUMS), found a file")
        }
        let sumsPath = dir + "/" + CheckpointFiles.checksumsName
        guard let sumsData = FileManager.default.contents(atPath: sumsPath) else {
            throw CheckpointError(path: sumsPath, "missing or unreadable: the list of file checksums")
        }
        let sums = try CheckpointFiles.parseChecksums(String(decoding: sumsData, as: UTF8.self), path: sumsPath)
        for required in [CheckpointState.fileName, CheckpointState.tensorsFileName] where sums[required] == nil {
            throw CheckpointError(path: sumsPath, "expected a checksum line for \(required)")
        }
        for name in sums.keys.sorted() {
            let file = dir + "/" + name
            guard FileManager.default.fileExists(atPath: file) else {
                throw CheckpointError(path: file, "missing (listed in \(CheckpointFiles.checksumsName))")
            }
            if verify {
                let found = try CheckpointFiles.digest(path: file)
                guard found.sha256 == sums[name] else {
                    throw CheckpointError(path: file, "checksum mismatch: expected sha256 \(sums[name]!), found \(found.sha256) (\(found.bytes) bytes): the file is damaged or truncated")
                }
            }
        }
        let statePath = dir + "/" + CheckpointState.fileName
        guard let stateData = FileManager.default.contents(atPath: statePath) else {
            throw CheckpointError(path: statePath, "unreadable")
        }
        state = try CheckpointState.decode(stateData, path: statePath)
        let tensorsPath = dir + "/" + CheckpointState.tensorsFileName
        guard let recorded = state.files[CheckpointState.tensorsFileName] else {
            throw CheckpointError(path: statePath, "files: expected an entry for \(CheckpointState.tensorsFileName)")
        }
        guard recorded.sha256 == sums[CheckpointState.tensorsFileName] else {
            throw CheckpointError(path: statePath, "files.\(CheckpointState.tensorsFileName).sha256 disagrees with \(CheckpointFiles.checksumsName)")
        }
        do { tensors = try SafetensorsFile(path: tensorsPath) } catch {
            throw CheckpointError(path: tensorsPath, "\(error)")
        }
        if let s = tensors.metadata["step"], s != String(state.step) {
            throw CheckpointError(path: tensorsPath, "metadata step \(s) disagrees with state.json step \(state.step)")
        }
    }

    /// The newest valid checkpoint under `location`, which may be a run directory, its
    /// `checkpoints/` directory, or one step directory (then only that one is tried).
    /// `latest` is tried first, then every step directory from the newest; each damaged one
    /// is skipped with a note saying why, so the caller can say what it fell back from.
    public static func newestValid(in location: String) throws -> (checkpoint: Checkpoint, skipped: [String]) {
        let fm = FileManager.default
        if fm.fileExists(atPath: location + "/" + CheckpointState.fileName) || fm.fileExists(atPath: location + "/" + CheckpointFiles.checksumsName)
            || CheckpointFiles.step(ofDirectoryName: (location as NSString).lastPathComponent) != nil {
            return (try Checkpoint(path: location), [])
        }
        let root = fm.fileExists(atPath: location + "/" + CheckpointFiles.directoryName) ? location + "/" + CheckpointFiles.directoryName : location
        var candidates: [String] = []
        var skipped: [String] = []
        let latestPath = root + "/" + CheckpointFiles.latestName
        if let data = fm.contents(atPath: latestPath) {
            let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if CheckpointFiles.step(ofDirectoryName: name) != nil, !name.contains("/") {
                candidates.append(root + "/" + name)
            } else {
                skipped.append("\(latestPath): expected the name of a step directory, found \"\(name)\"")
            }
        } else if fm.fileExists(atPath: root) {
            skipped.append("\(latestPath): missing")
        }
        for entry in CheckpointFiles.stepDirectories(in: root) where !candidates.contains(entry.path) { candidates.append(entry.path) }
        for c in candidates {
            do { return (try Checkpoint(path: c), skipped) } catch { skipped.append("\(error)") }
        }
        throw CheckpointError(path: root, "no valid checkpoint found" + (skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")))
    }
}
