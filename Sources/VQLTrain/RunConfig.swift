/// The fully resolved configuration of one run: data, model, training and evaluation.
///
/// Every stored property has its default here; the list of keys, their types, constraints
/// and documentation lives in one table, `RunConfig.fields` (ConfigSchema.swift), which
/// drives YAML parsing, `--set` overrides, validation, `yaml()` and `referenceMarkdown()`.
/// A test checks that the table covers exactly the Codable keys of this struct.
public struct RunConfig: Codable, Sendable, Equatable {
    public var data = DataSection()
    public var model = ModelSection()
    public var train = TrainSection()
    public var eval = EvalSection()

    public init() {}

    /// `data:` — where the prepared dataset lives and how it is split.
    public struct DataSection: Codable, Sendable, Equatable {
        public var path = "data/demo/prepared"
        public var maxLen = 512
        public var validFraction = 0.1
        public var testFraction = 0.1
        public var minHistory = 1
        public init() {}
        enum CodingKeys: String, CodingKey {
            case path, maxLen = "max_len", validFraction = "valid_fraction"
            case testFraction = "test_fraction", minHistory = "min_history"
        }
    }

    /// `model:` — the encoder, VQ attention geometry and the prediction MLP.
    public struct ModelSection: Codable, Sendable, Equatable {
        public var encoder = "vq"
        public var itemDim = 16
        public var heads = 4
        public var groups = 2
        public var keyDim = 16
        public var valueDim = 16
        public var codebookSize = 64
        public var keyNorm = true
        public var commitment = 0.25
        public var emaDecay = 0.99
        public var reseedEvery = 100
        public var reseedThreshold = 0.01
        public var timeUnitSeconds = 86400.0
        public var staticBias = true
        public var mlp = [64, 32]
        public var recentLen = 50
        public var retrieveK = 50
        public var userFeatures = false
        public init() {}
        enum CodingKeys: String, CodingKey {
            case encoder, itemDim = "item_dim", heads, groups, keyDim = "key_dim"
            case valueDim = "value_dim", codebookSize = "codebook_size", keyNorm = "key_norm"
            case commitment, emaDecay = "ema_decay", reseedEvery = "reseed_every"
            case reseedThreshold = "reseed_threshold", timeUnitSeconds = "time_unit_seconds"
            case staticBias = "static_bias", mlp, recentLen = "recent_len", retrieveK = "retrieve_k"
            case userFeatures = "user_features"
        }
    }

    /// `train:` — optimisation schedule, logging and checkpointing cadence.
    public struct TrainSection: Codable, Sendable, Equatable {
        public var seed = 1
        public var globalBatchSize = 256
        public var maxSteps = 600
        public var evalEvery = 200
        public var logEvery = 20
        public var lr = 0.002
        public var embeddingLr = 0.02
        public var beta1 = 0.9
        public var beta2 = 0.999
        public var eps = 1e-8
        public var checkpointEvery = 0
        public var keepCheckpoints = 3
        public var buildCacheAtEnd = false
        public var earlyStopPatience = 0
        public init() {}
        enum CodingKeys: String, CodingKey {
            case seed, globalBatchSize = "global_batch_size", maxSteps = "max_steps"
            case evalEvery = "eval_every", logEvery = "log_every", lr, embeddingLr = "embedding_lr"
            case beta1, beta2, eps, checkpointEvery = "checkpoint_every"
            case keepCheckpoints = "keep_checkpoints", buildCacheAtEnd = "build_cache_at_end"
            case earlyStopPatience = "early_stop_patience"
        }
    }

    /// `eval:` — how many held-out samples are scored and in what batch size.
    public struct EvalSection: Codable, Sendable, Equatable {
        public var maxSamples = 20000
        public var batchSize = 1024
        public init() {}
        enum CodingKeys: String, CodingKey {
            case maxSamples = "max_samples", batchSize = "batch_size"
        }
    }
}
