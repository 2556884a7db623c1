import Foundation
import VQLCore
import VQLModel

/// Cost of checkpointing a model of a given size, without a dataset: builds a network of
/// `itemCount` items (default model shape, the demo config's), then times the tensor copy
/// (`stateTensors`), the atomic write with checksums, the verified open and the load.
/// Used by `vql debug checkpoint-bench` to size checkpoints of large item tables.
public enum CheckpointBenchmark {
    public struct Result: Sendable {
        public var bytes: Int64
        public var copySeconds: Double
        public var writeSeconds: Double
        public var verifySeconds: Double
        public var loadSeconds: Double
    }

    public static func run(itemCount: Int, tagCount: Int = 50, directory: String) throws -> Result {
        let shape = ModelShape(itemCount: itemCount, tagCount: tagCount)
        let net = VQLNetwork(shape: shape, itemTags: ItemTags(lists: (0..<itemCount).map { [Int32($0 % tagCount)] }), seed: 1)
        let identity = try JSONDecoder().decode(CheckpointState.DatasetIdentity.self, from: Data("""
            {"source_format": "none", "label_column": "none", "counts": {"users": 0, "items": \(itemCount), "tags": \(tagCount), "events": 0}, "source_files": []}
            """.utf8))
        let state = CheckpointState(format: CheckpointState.currentFormat, step: 1, epoch: 0, dataCursor: 1, samplesSeen: 0, seed: 1,
                                    worldSize: 1, config: RunConfig().yaml(), metricHistory: [], dataset: identity, files: [:],
                                    createdAt: ISO8601DateFormatter().string(from: Date()))
        var t = Date()
        let tensors = net.stateTensors()
        let copy = Date().timeIntervalSince(t)
        let written = try CheckpointWriter.write(runDirectory: directory, state: state, tensors: tensors, keep: 1)
        t = Date()
        let checkpoint = try Checkpoint(path: written.path)
        let verify = Date().timeIntervalSince(t)
        t = Date()
        try net.loadState(from: checkpoint.tensors)
        let load = Date().timeIntervalSince(t)
        return Result(bytes: written.bytes, copySeconds: copy, writeSeconds: written.seconds, verifySeconds: verify, loadSeconds: load)
    }
}
