import Foundation
import VQLCore
import VQLData

/// File-level helpers of the checkpoint format: checksums, the `SHA256SUMS` list, durable
/// writes (fsync of files and directories) and the names of the directory layout:
///
///     RUN_DIR/checkpoints/
///       latest                 one line: the name of the newest complete step directory
///       step_00000040/
///         model.safetensors    parameters, Adam moments, sparse row moments, codebooks + EMA
///         state.json           CheckpointState (step, config, dataset identity, sha256 of model.safetensors, …)
///         SHA256SUMS           `sha256sum -c` format: one line per other file of the directory
public enum CheckpointFiles {
    public static let directoryName = "checkpoints"
    public static let latestName = "latest"
    public static let checksumsName = "SHA256SUMS"
    static let stepPrefix = "step_"

    /// `step_00000040` for step 40 (eight digits, so names sort by step).
    public static func stepDirectoryName(_ step: Int) -> String {
        stepPrefix + String(repeating: "0", count: max(0, 8 - String(step).count)) + String(step)
    }

    /// The step of a directory named by `stepDirectoryName`, nil for any other name.
    public static func step(ofDirectoryName name: String) -> Int? {
        guard name.hasPrefix(stepPrefix), name.count >= stepPrefix.count + 8 else { return nil }
        let digits = name.dropFirst(stepPrefix.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Complete step directories under `checkpoints`, newest (highest step) first.
    public static func stepDirectories(in checkpoints: String) -> [(step: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []
        return names.compactMap { n in step(ofDirectoryName: n).map { ($0, checkpoints + "/" + n) } }
            .sorted { $0.step > $1.step }
    }

    /// Size and SHA-256 of a file, read through a memory map.
    public static func digest(path: String) throws -> CheckpointState.FileDigest {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw CheckpointError(path: path, "cannot read (\(error.localizedDescription))")
        }
        return .init(bytes: Int64(data.count), sha256: data.withUnsafeBytes { FastSHA256.hex($0) })
    }

    /// `SHA256SUMS` text: "<hex>  <name>\n" per file, names sorted.
    static func checksumsText(_ files: [String: CheckpointState.FileDigest]) -> String {
        files.keys.sorted().map { "\(files[$0]!.sha256)  \($0)\n" }.joined()
    }

    /// Parses `SHA256SUMS` (read from `path`) into name → lower-case hex.
    static func parseChecksums(_ text: String, path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else {
                throw CheckpointError(path: path, "line \(i + 1): expected \"<64 hex digits>  <file name>\"")
            }
            var name = parts[1]
            while name.first == " " || name.first == "*" { name = name.dropFirst() }
            out[String(name)] = parts[0].lowercased()
        }
        return out
    }

    /// Writes `bytes` to `path` and fsyncs the file (not atomic: use inside a temp directory,
    /// or through `replaceAtomically`).
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError(path: path, "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CheckpointError(path: path, "write failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
        guard fsync(fd) == 0 else { throw CheckpointError(path: path, "fsync failed: \(String(cString: strerror(errno)))") }
    }

    /// Replaces `path` by a file holding `bytes`: written to a temporary sibling, fsynced,
    /// renamed over `path`, directory fsynced. Readers see the old or the new content.
    static func replaceAtomically(_ path: String, with bytes: [UInt8]) throws {
        let tmp = path + ".tmp-\(getpid())"
        do { try writeDurably(bytes, to: tmp) } catch { unlink(tmp); throw error }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw CheckpointError(path: path, "cannot rename \(tmp) into place: \(reason)")
        }
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// fsync of a directory, so renames and new entries in it survive a crash.
    static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}
