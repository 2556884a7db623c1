import Foundation
import VQLData

/// `state.json` of a checkpoint directory: everything besides the tensors that a resumed
/// run needs to continue exactly, plus what `vql inspect` and the compatibility check read.
///
/// The trainer has no hidden state beyond (tensors, step): the Adam step count is `step`,
/// the sample schedule and every random stream (codeword re-seeding, epoch permutations)
/// are pure functions of (seed, step), so `dataCursor` equals `step` and no RNG state is
/// stored. `worldSize` is informational: a checkpoint resumes on any world size.
public struct CheckpointState: Codable, Sendable, Equatable {
    public static let currentFormat = "vql-checkpoint-1"
    public static let fileName = "state.json"
    /// The tensors file inside a checkpoint directory (same layout as a run's model file).
    public static let tensorsFileName = "model.safetensors"

    /// One evaluation recorded during training (the metric history).
    public struct Evaluation: Codable, Sendable, Equatable {
        public var step: Int
        public var split: String
        public var samples: Int
        public var auc: Double?
        public var gauc: Double?
        public var logloss: Double?
    }

    /// What identifies the training data: its counts, label and source file checksums.
    /// A dataset re-prepared from the same raw files has the same identity wherever it lives.
    public struct DatasetIdentity: Codable, Sendable, Equatable {
        public var sourceFormat: String
        public var labelColumn: String
        public var counts: DatasetManifest.Counts
        public var sourceFiles: [DatasetManifest.SourceFile]

        public init(manifest m: DatasetManifest) {
            sourceFormat = m.sourceFormat
            labelColumn = m.labelColumn
            counts = m.counts
            sourceFiles = m.sourceFiles.sorted { $0.name < $1.name }
        }

        enum CodingKeys: String, CodingKey {
            case sourceFormat = "source_format", labelColumn = "label_column", counts, sourceFiles = "source_files"
        }
    }

    /// Size and lower-case hex SHA-256 of one file of the checkpoint.
    public struct FileDigest: Codable, Sendable, Equatable {
        public var bytes: Int64
        public var sha256: String
    }

    public var format: String
    public var step: Int
    /// Epoch that the next step (`step`) starts in.
    public var epoch: Int
    /// Position in the sample schedule: the next global step to run (= `step`).
    public var dataCursor: Int
    /// Training samples consumed so far (step × global batch size).
    public var samplesSeen: Int
    public var seed: Int
    public var worldSize: Int
    /// The full resolved configuration (`RunConfig.yaml()`).
    public var config: String
    public var metricHistory: [Evaluation]
    public var dataset: DatasetIdentity
    /// Every other file of the directory by name (`model.safetensors`).
    public var files: [String: FileDigest]
    /// ISO-8601 time of writing (informational).
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case format, step, epoch, dataCursor = "data_cursor", samplesSeen = "samples_seen", seed
        case worldSize = "world_size", config, metricHistory = "metric_history", dataset, files
        case createdAt = "created_at"
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(self)
    }

    /// Decodes `data` read from `path`; the error names the file and what was expected.
    public static func decode(_ data: Data, path: String) throws -> CheckpointState {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let state: CheckpointState
        do { state = try d.decode(CheckpointState.self, from: data) } catch {
            throw CheckpointError(path: path, "expected a checkpoint state JSON object: \(CheckpointError.describe(error))")
        }
        guard state.format == currentFormat else {
            throw CheckpointError(path: path, "format: expected \"\(currentFormat)\", found \"\(state.format)\"")
        }
        return state
    }

    /// The configuration the checkpoint was trained with.
    public func runConfig(overrides: [String] = []) throws -> RunConfig {
        try RunConfig.parse(yaml: config, source: "checkpoint state.json config", overrides: overrides)
    }
}

/// A checkpoint that is missing, damaged, or does not fit the current run; names the file
/// (or directory) and what was expected.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    /// A short, readable account of a decoding error (the key path and what was wrong).
    static func describe(_ error: Error) -> String {
        func at(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map(\.stringValue).joined(separator: ".")
            return p.isEmpty ? c.debugDescription : "field \(p): \(c.debugDescription)"
        }
        switch error {
        case DecodingError.keyNotFound(let key, let c): return "missing field \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c): return at(c)
        default: return "\(error)"
        }
    }
}
