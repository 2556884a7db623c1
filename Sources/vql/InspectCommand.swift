import ArgumentParser
import Foundation
import VQLCore
import VQLTrain

/// `vql inspect PATH`: what a checkpoint holds, and whether it is intact. Prints the step,
/// data position, world size at save, dataset identity, config summary, metric history,
/// every file with its checksum status, and every tensor with dtype, shape and the sha256
/// of its raw bytes (what `Tests/python/check_checkpoint.py` compares against numpy).
/// Exits 1 when a file is missing, damaged or truncated, naming it.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a checkpoint (step, config, tensors) and verify its checksums.")

    @Argument(help: "A checkpoint step directory, or a run / checkpoints directory (then its `latest`).")
    var path: String

    @Flag(help: "Print one JSON object (state summary, files, tensors) instead of text.")
    var json = false

    func run() throws {
        let dir = try resolve(path)
        let report = CheckpointReport(directory: dir)
        if json {
            FileHandle.standardOutput.write(try report.json())
            print("")
        } else {
            print(report.text())
        }
        if !report.problems.isEmpty {
            for p in report.problems { FileHandle.standardError.write(Data("vql inspect: \(p)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    /// A step directory as given; for a run or `checkpoints/` directory, the one `latest` names.
    func resolve(_ p: String) throws -> String {
        let fm = FileManager.default
        if CheckpointFiles.step(ofDirectoryName: ((p as NSString).standardizingPath as NSString).lastPathComponent) != nil
            || fm.fileExists(atPath: p + "/" + CheckpointFiles.checksumsName) { return p }
        let root = fm.fileExists(atPath: p + "/" + CheckpointFiles.directoryName) ? p + "/" + CheckpointFiles.directoryName : p
        let latest = root + "/" + CheckpointFiles.latestName
        guard let data = fm.contents(atPath: latest) else {
            FileHandle.standardError.write(Data("vql inspect: \(p): not a checkpoint directory, and \(latest) is missing\n".utf8))
            throw ExitCode(1)
        }
        return root + "/" + String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The facts `vql inspect` prints, gathered without stopping at the first problem.
struct CheckpointReport {
    struct FileStatus { let name: String; let bytes: Int64?; let sha256: String?; let status: String }
    struct TensorInfo { let name: String; let dtype: String; let shape: [Int]; let sha256: String }

    let directory: String
    var files: [FileStatus] = []
    var state: CheckpointState?
    var tensors: [TensorInfo] = []
    var problems: [String] = []

    init(directory: String) {
        self.directory = directory
        let sumsPath = directory + "/" + CheckpointFiles.checksumsName
        var expected: [String: String] = [:]
        if let text = FileManager.default.contents(atPath: sumsPath).map({ String(decoding: $0, as: UTF8.self) }) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { expected[parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " *"))] = String(parts[0]) }
            }
        } else {
            problems.append("\(sumsPath): missing or unreadable")
        }
        for name in Set(expected.keys).union([CheckpointState.fileName, CheckpointState.tensorsFileName]).sorted() {
            let file = directory + "/" + name
            guard FileManager.default.fileExists(atPath: file) else {
                files.append(.init(name: name, bytes: nil, sha256: nil, status: "MISSING"))
                problems.append("\(file): missing")
                continue
            }
            guard let d = try? CheckpointFiles.digest(path: file) else {
                files.append(.init(name: name, bytes: nil, sha256: nil, status: "UNREADABLE"))
                problems.append("\(file): unreadable")
                continue
            }
            let want = expected[name]
            let status = want == nil ? "NOT LISTED" : want == d.sha256 ? "ok" : "CHECKSUM MISMATCH"
            files.append(.init(name: name, bytes: d.bytes, sha256: d.sha256, status: status))
            if status != "ok" { problems.append("\(file): \(status.lowercased()) (expected \(want ?? "a line in SHA256SUMS"), found \(d.sha256))") }
        }
        guard problems.isEmpty else { return }
        do {
            let c = try Checkpoint(path: directory, verify: false)
            state = c.state
            for name in c.tensors.names {
                let digest = try c.tensors.withRawBytes(name) { raw -> String in
                    var h = SHA256()
                    h.update(raw)
                    return SHA256.hex(h.finalize())
                }
                tensors.append(.init(name: name, dtype: try c.tensors.dtype(name).rawValue, shape: try c.tensors.shape(name), sha256: digest))
            }
        } catch {
            problems.append("\(error)")
        }
    }

    func text() -> String {
        var out = "checkpoint \(directory)\n"
        if let s = state {
            out += "  step \(s.step), epoch \(s.epoch), data cursor \(s.dataCursor) (\(s.samplesSeen) samples seen), seed \(s.seed), "
                + "saved by \(s.worldSize) rank(s) at \(s.createdAt)\n"
            let d = s.dataset
            out += "  dataset: \(d.sourceFormat), label \(d.labelColumn), users \(d.counts.users), items \(d.counts.items), "
                + "tags \(d.counts.tags), events \(d.counts.events), \(d.sourceFiles.count) source files\n"
            for section in ["model", "train"] { out += "  \(section): " + Self.section(section, of: s.config) + "\n" }
            out += "  metric history (\(s.metricHistory.count)):" + (s.metricHistory.isEmpty ? " none" : "") + "\n"
            for e in s.metricHistory.suffix(6) {
                out += String(format: "    step %d %@: auc %.4f gauc %.4f logloss %.4f (%d samples)\n", e.step, e.split,
                              e.auc ?? .nan, e.gauc ?? .nan, e.logloss ?? .nan, e.samples)
            }
        }
        out += "  files:\n"
        for f in files {
            out += "    \(f.name)  \(f.bytes.map { "\($0) bytes" } ?? "-")  sha256 \(f.sha256 ?? "-")  \(f.status)\n"
        }
        if !tensors.isEmpty {
            out += "  tensors (\(tensors.count)):\n"
            for t in tensors { out += "    \(t.name)  \(t.dtype)  \(t.shape)  sha256 \(t.sha256)\n" }
        }
        return out + (problems.isEmpty ? "  all checksums ok" : "  DAMAGED: \(problems.count) problem(s)")
    }

    /// One config section of the resolved YAML on one line: `key value, …`.
    static func section(_ name: String, of yaml: String) -> String {
        var inside = false, parts: [String] = []
        for line in yaml.split(separator: "\n") {
            if !line.hasPrefix(" ") { inside = line == "\(name):"; continue }
            if inside { parts.append(line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ": ", with: " ")) }
        }
        return parts.joined(separator: ", ")
    }

    func json() throws -> Data {
        var object: [String: Any] = [
            "directory": directory, "problems": problems,
            "files": files.map { f -> [String: Any] in
                ["name": f.name, "bytes": f.bytes.map { Int($0) as Any } ?? NSNull(), "sha256": f.sha256 as Any? ?? NSNull(), "status": f.status]
            },
            "tensors": tensors.map { ["name": $0.name, "dtype": $0.dtype, "shape": $0.shape, "sha256": $0.sha256] },
        ]
        if let s = state {
            object["step"] = s.step
            object["epoch"] = s.epoch
            object["world_size"] = s.worldSize
            object["seed"] = s.seed
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
