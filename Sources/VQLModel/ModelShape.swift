/// How a user's history becomes the attention output o (DESIGN §3 "Encoders").
public enum EncoderKind: String, Sendable, Codable, CaseIterable {
    /// Keys quantized against per-group codebooks (the method).
    case vq
    /// The same attention with exact keys: the fidelity upper bound.
    case full
    /// Exact attention over the last `recentLength` events only (DIN-style truncation).
    case recent
    /// Exact attention over the most recent `retrieveK` events sharing a tag with the
    /// target (SIM hard search).
    case simHard = "sim_hard"
    /// Exact attention over the `retrieveK` events of largest Σ_h q_h·k_{j,h}/√d_h
    /// (SIM-soft / ETA-style retrieval with exact keys).
    case topk
    /// o = mean_j v_j: uniform weights, no query, no temporal kernel, no static bias.
    case mean
}

/// Every hyperparameter that fixes the model's tensors and math.
/// Two runs whose shapes differ cannot share a checkpoint.
public struct ModelShape: Sendable, Codable, Equatable {
    /// A categorical user feature fed to the MLP: the prepared array it comes from
    /// (`user_feature_<name>.i32`) and its vocabulary size, including the missing value 0.
    public struct UserFeature: Sendable, Codable, Equatable {
        public var name: String
        public var vocabularySize: Int
        public init(name: String, vocabularySize: Int) {
            self.name = name
            self.vocabularySize = vocabularySize
        }
    }

    public var encoder: EncoderKind = .vq
    public var itemCount: Int
    public var tagCount: Int
    /// Width d_e of the item and tag embeddings; x_i = [E_item[i], mean E_tag[tags(i)]] has width 2·d_e.
    public var itemDim = 16
    public var heads = 4
    public var groups = 2
    public var keyDim = 16
    public var valueDim = 16
    public var codebookSize = 64
    /// LayerNorm without gain over each group's key slice before quantization.
    public var keyNorm = true
    /// β of the commitment loss β·||k − sg(k̂)||².
    public var commitment: Float = 0.25
    /// γ of the codebook EMA.
    public var emaDecay: Float = 0.99
    /// τ, the time unit of the temporal kernel −λ_h·(t_q − t_j)/τ.
    public var timeUnitSeconds: Double = 86_400
    /// Learned per-head bias b_h(s_j) of the history item's tags.
    public var staticBias = true
    /// Hidden widths of the scoring MLP.
    public var mlp: [Int] = [64, 32]
    /// S of the `recent` encoder: events kept, most recent first.
    public var recentLength = 50
    /// k of the `sim_hard` and `topk` encoders: events retrieved per sample.
    public var retrieveK = 50
    /// User features whose embeddings (width `itemDim` each) join the MLP input; empty = none.
    public var userFeatures: [UserFeature] = []

    public init(itemCount: Int, tagCount: Int) {
        self.itemCount = itemCount
        self.tagCount = tagCount
    }

    public var inputDim: Int { 2 * itemDim }
    public var headsPerGroup: Int { heads / groups }
    /// Width of one group's key slice, and of its codewords: (H/G)·d_h.
    public var groupWidth: Int { headsPerGroup * keyDim }
    public var keyWidth: Int { heads * keyDim }
    public var valueWidth: Int { heads * valueDim }
    /// Width of the user feature embeddings [e_1 … e_F] in the MLP input.
    public var userWidth: Int { userFeatures.count * itemDim }
    /// Width of the MLP input: [x_target, o_1 … o_H, e_1 … e_F].
    public var mlpInputDim: Int { inputDim + valueWidth + userWidth }

    /// Checks the relations DESIGN §3 requires; returns a message per violation.
    public func problems() -> [String] {
        var out: [String] = []
        if itemCount <= 0 { out.append("item vocabulary is empty") }
        if tagCount < 0 { out.append("tag count is negative") }
        for (name, v) in [("model.item_dim", itemDim), ("model.heads", heads), ("model.groups", groups),
                          ("model.key_dim", keyDim), ("model.value_dim", valueDim), ("model.codebook_size", codebookSize)]
        where v <= 0 { out.append("\(name) must be positive, got \(v)") }
        if groups > 0 && heads % groups != 0 { out.append("model.groups (\(groups)) must divide model.heads (\(heads))") }
        if mlp.contains(where: { $0 <= 0 }) { out.append("model.mlp widths must be positive, got \(mlp)") }
        if !(emaDecay >= 0 && emaDecay < 1) { out.append("model.ema_decay must be in [0, 1), got \(emaDecay)") }
        if recentLength <= 0 { out.append("model.recent_len must be positive, got \(recentLength)") }
        if retrieveK <= 0 { out.append("model.retrieve_k must be positive, got \(retrieveK)") }
        if !(timeUnitSeconds > 0) { out.append("model.time_unit_seconds must be positive") }
        for f in userFeatures where f.vocabularySize < 1 {
            out.append("user feature \(f.name) has vocabulary size \(f.vocabularySize), expected ≥ 1")
        }
        return out
    }
}
