import VQLCore

/// The one table of configuration keys: full key, type and constraint, documentation, and
/// the accessor into `RunConfig` (whose property initialisers hold the defaults).
/// Parsing, overrides, validation, `yaml()` and `referenceMarkdown()` all read this table.

/// A typed configuration value as it appears in YAML.
public enum ConfigValue: Equatable, Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case intList([Int])

    /// The value in YAML flow syntax; parses back to the same value.
    public var yamlText: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return ConfigValue.doubleText(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return ConfigValue.quoted(v)
        case .intList(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        }
    }

    /// Shortest round-tripping decimal form, always with a `.` or exponent so YAML readers
    /// see a float (`86400.0`, `0.1`, `1e-08`).
    static func doubleText(_ v: Double) -> String {
        let s = "\(v)"
        return s.contains(".") || s.contains("e") || s.contains("n") ? s : s + ".0"
    }

    /// A YAML double-quoted scalar (YAML accepts JSON's escapes).
    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}

/// The type of a key together with its admissible range. The `expected` text is used both
/// for type errors and range errors, so both read "expected a positive integer, got 'x'".
public enum ConfigRule: Sendable, Equatable {
    /// An integer ≥ `min`.
    case int(min: Int)
    /// A finite float; `range` says which interval.
    case double(DoubleRange)
    case bool
    /// A string; when `allowed` is non-empty it must be one of them.
    case string(allowed: [String])
    /// A list of integers, each ≥ 1 (possibly empty).
    case positiveIntList

    public enum DoubleRange: Sendable, Equatable { case positive, nonNegative, unitHalfOpen }

    /// Type name for the reference table.
    public var typeName: String {
        switch self {
        case .int(let min): return "int ≥ \(min)"
        case .double(.positive): return "float > 0"
        case .double(.nonNegative): return "float ≥ 0"
        case .double(.unitHalfOpen): return "float in [0, 1)"
        case .bool: return "bool"
        case .string(let allowed): return allowed.isEmpty ? "string" : allowed.joined(separator: " \\| ")
        case .positiveIntList: return "list of int ≥ 1"
        }
    }

    /// What a valid value looks like, in words.
    public var expected: String {
        switch self {
        case .int(let min):
            return min == 1 ? "a positive integer" : min == 0 ? "a non-negative integer" : "an integer ≥ \(min)"
        case .double(.positive): return "a positive number"
        case .double(.nonNegative): return "a non-negative number"
        case .double(.unitHalfOpen): return "a number in [0, 1)"
        case .bool: return "a boolean (true/false)"
        case .string(let allowed):
            return allowed.isEmpty ? "a non-empty string" : "one of " + allowed.joined(separator: ", ")
        case .positiveIntList: return "a list of positive integers, e.g. [64, 32]"
        }
    }

    /// Whether a value of the right type lies in the admissible range.
    func admits(_ value: ConfigValue) -> Bool {
        switch (self, value) {
        case (.int(let min), .int(let v)): return v >= min
        case (.double(let r), .double(let v)):
            guard v.isFinite else { return false }
            switch r {
            case .positive: return v > 0
            case .nonNegative: return v >= 0
            case .unitHalfOpen: return v >= 0 && v < 1
            }
        case (.bool, .bool): return true
        case (.string(let allowed), .string(let v)): return allowed.isEmpty ? !v.isEmpty : allowed.contains(v)
        case (.positiveIntList, .intList(let v)): return v.allSatisfy { $0 >= 1 }
        default: return false
        }
    }
}

/// One row of the key table.
struct ConfigField {
    let key: String
    let rule: ConfigRule
    let doc: String
    let get: (RunConfig) -> ConfigValue
    let set: (inout RunConfig, ConfigValue) -> Void

    var section: Substring { key.split(separator: ".")[0] }
    var name: Substring { key.split(separator: ".")[1] }

    static func int(_ key: String, _ kp: WritableKeyPath<RunConfig, Int>, min: Int, _ doc: String) -> ConfigField {
        ConfigField(key: key, rule: .int(min: min), doc: doc,
                    get: { .int($0[keyPath: kp]) },
                    set: { c, v in if case .int(let x) = v { c[keyPath: kp] = x } })
    }
    static func double(_ key: String, _ kp: WritableKeyPath<RunConfig, Double>, _ r: ConfigRule.DoubleRange, _ doc: String) -> ConfigField {
        ConfigField(key: key, rule: .double(r), doc: doc,
                    get: { .double($0[keyPath: kp]) },
                    set: { c, v in if case .double(let x) = v { c[keyPath: kp] = x } })
    }
    static func bool(_ key: String, _ kp: WritableKeyPath<RunConfig, Bool>, _ doc: String) -> ConfigField {
        ConfigField(key: key, rule: .bool, doc: doc,
                    get: { .bool($0[keyPath: kp]) },
                    set: { c, v in if case .bool(let x) = v { c[keyPath: kp] = x } })
    }
    static func string(_ key: String, _ kp: WritableKeyPath<RunConfig, String>, allowed: [String] = [], _ doc: String) -> ConfigField {
        ConfigField(key: key, rule: .string(allowed: allowed), doc: doc,
                    get: { .string($0[keyPath: kp]) },
                    set: { c, v in if case .string(let x) = v { c[keyPath: kp] = x } })
    }
    static func intList(_ key: String, _ kp: WritableKeyPath<RunConfig, [Int]>, _ doc: String) -> ConfigField {
        ConfigField(key: key, rule: .positiveIntList, doc: doc,
                    get: { .intList($0[keyPath: kp]) },
                    set: { c, v in if case .intList(let x) = v { c[keyPath: kp] = x } })
    }
}

extension RunConfig {
    /// Section names in output order.
    static let sections = ["data", "model", "train", "eval"]
    /// Top-level sections read by other commands and skipped here: `prepare:` (read by
    /// `vql prepare --config`, see VQLData's `PrepareConfigFile`).
    static let otherCommandSections = ["prepare"]

    /// THE key table. Order within a section is the order of `yaml()` and the reference.
    static var fields: [ConfigField] {
        [
            .string("data.path", \.data.path, "Directory of the prepared (memory-mapped) dataset."),
            .int("data.max_len", \.data.maxLen, min: 1, "Longest user history fed to the encoder (most recent events kept)."),
            .double("data.valid_fraction", \.data.validFraction, .unitHalfOpen, "Fraction of samples held out for validation."),
            .double("data.test_fraction", \.data.testFraction, .unitHalfOpen, "Fraction of samples held out for test (valid + test < 1)."),
            .int("data.min_history", \.data.minHistory, min: 1, "Samples whose user has fewer past events are skipped."),

            .string("model.encoder", \.model.encoder, allowed: ["vq", "full", "recent", "sim_hard", "topk", "mean"], "History encoder: `vq` = vector-quantized target attention, `full` = exact target attention; baselines: `recent` (last `recent_len` events), `sim_hard` (last `retrieve_k` events sharing a tag with the target), `topk` (`retrieve_k` events of largest q·k), `mean` (mean of values)."),
            .int("model.item_dim", \.model.itemDim, min: 1, "Width of item and side-feature embeddings."),
            .int("model.heads", \.model.heads, min: 1, "Attention heads."),
            .int("model.groups", \.model.groups, min: 1, "Key groups sharing a codebook; must divide `model.heads`."),
            .int("model.key_dim", \.model.keyDim, min: 1, "Per-head query/key width."),
            .int("model.value_dim", \.model.valueDim, min: 1, "Per-head value width."),
            .int("model.codebook_size", \.model.codebookSize, min: 1, "Codewords per group codebook."),
            .bool("model.key_norm", \.model.keyNorm, "LayerNorm without gain over each group's key slice before quantization (codewords live on that scale)."),
            .double("model.commitment", \.model.commitment, .nonNegative, "Weight β of the commitment loss β·‖k − sg(c)‖²."),
            .double("model.ema_decay", \.model.emaDecay, .unitHalfOpen, "EMA decay γ of codebook counts and sums: N ← γN + (1−γ)n, M ← γM + (1−γ)m, C = M/N."),
            .int("model.reseed_every", \.model.reseedEvery, min: 0, "Steps between re-seeding dead codewords; 0 = never."),
            .double("model.reseed_threshold", \.model.reseedThreshold, .nonNegative, "A codeword whose EMA count is below this fraction of its group's mean count is dead and re-seeded."),
            .double("model.time_unit_seconds", \.model.timeUnitSeconds, .positive, "Time unit τ of the recency decay λ·Δt/τ, in seconds."),
            .bool("model.static_bias", \.model.staticBias, "Learned per-head static bias b_h(s_j) added to attention logits."),
            .intList("model.mlp", \.model.mlp, "Hidden widths of the prediction MLP."),
            .int("model.recent_len", \.model.recentLen, min: 1, "S of the `recent` encoder: attention over the last S events only."),
            .int("model.retrieve_k", \.model.retrieveK, min: 1, "k of the `sim_hard` and `topk` encoders: events retrieved per sample."),
            .bool("model.user_features", \.model.userFeatures, "Feed the dataset's user features (`user_feature_*.i32`, one `model.item_dim` embedding each, 0 = missing) to the MLP next to x_target and o; none when the dataset has none."),

            .int("train.seed", \.train.seed, min: 0, "Seed of every random stream (initialisation, epoch permutations, codeword seeding)."),
            .int("train.global_batch_size", \.train.globalBatchSize, min: 1, "Samples per optimizer step, summed over all ranks."),
            .int("train.max_steps", \.train.maxSteps, min: 1, "Optimizer steps to run."),
            .int("train.eval_every", \.train.evalEvery, min: 0, "Steps between validation passes; 0 = only at the end."),
            .int("train.log_every", \.train.logEvery, min: 1, "Steps between training-loss log lines."),
            .double("train.lr", \.train.lr, .positive, "Adam learning rate of dense parameters."),
            .double("train.embedding_lr", \.train.embeddingLr, .positive, "Learning rate of (sparse) embedding rows."),
            .double("train.beta1", \.train.beta1, .unitHalfOpen, "Adam β₁."),
            .double("train.beta2", \.train.beta2, .unitHalfOpen, "Adam β₂."),
            .double("train.eps", \.train.eps, .positive, "Adam ε."),
            .int("train.checkpoint_every", \.train.checkpointEvery, min: 0, "Steps between periodic checkpoints (`RUN_DIR/checkpoints/step_N`); 0 = none. A checkpoint is always written at the end."),
            .int("train.keep_checkpoints", \.train.keepCheckpoints, min: 1, "Most recent checkpoints kept on disk; older step directories are removed after a new one is complete."),
            .int("train.early_stop_patience", \.train.earlyStopPatience, min: 0, "Stop once validation AUC has not improved for this many evaluations in a row (needs `train.eval_every` > 0); the best model so far is kept as RUN_DIR/best_model.safetensors. 0 = never stop early."),
            .bool("train.build_cache_at_end", \.train.buildCacheAtEnd, "Build the item→code and per-user caches after training. Needs `model.encoder: vq`; writes RUN/cache (see `vql build-cache`)."),

            .int("eval.max_samples", \.eval.maxSamples, min: 1, "Cap on valid/test samples scored (a deterministic subset)."),
            .int("eval.batch_size", \.eval.batchSize, min: 1, "Samples per scoring batch."),
        ]
    }

    static func field(_ key: String) -> ConfigField? { fields.first { $0.key == key } }
}
