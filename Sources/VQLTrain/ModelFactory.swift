import VQLData
import VQLModel

extension RunConfig {
    /// The model shape this config gives on `dataset`: with `model.user_features`, every user
    /// feature of the dataset, in manifest order.
    public func modelShape(dataset: PreparedDataset) throws -> ModelShape {
        var s = try modelShape(itemCount: dataset.itemCount, tagCount: dataset.tagCount)
        if model.userFeatures {
            s.userFeatures = dataset.manifest.userFeatures.map { .init(name: $0.name, vocabularySize: $0.vocabularySize) }
        }
        return s
    }

    /// The model shape this config gives for these vocabulary sizes, without user features.
    public func modelShape(itemCount: Int, tagCount: Int) throws -> ModelShape {
        var s = ModelShape(itemCount: itemCount, tagCount: tagCount)
        guard let encoder = EncoderKind(rawValue: model.encoder) else {
            throw ConfigError(source: "config", key: "model.encoder",
                              message: "expected one of \(EncoderKind.allCases.map(\.rawValue)), got '\(model.encoder)'")
        }
        s.encoder = encoder
        s.itemDim = model.itemDim
        s.heads = model.heads
        s.groups = model.groups
        s.keyDim = model.keyDim
        s.valueDim = model.valueDim
        s.codebookSize = model.codebookSize
        s.keyNorm = model.keyNorm
        s.commitment = Float(model.commitment)
        s.emaDecay = Float(model.emaDecay)
        s.timeUnitSeconds = model.timeUnitSeconds
        s.staticBias = model.staticBias
        s.mlp = model.mlp
        s.recentLength = model.recentLen
        s.retrieveK = model.retrieveK
        if let problem = s.problems().first {
            throw ConfigError(source: "config", key: nil, message: problem)
        }
        return s
    }

    public var denseAdam: AdamSettings {
        AdamSettings(learningRate: Float(train.lr), beta1: Float(train.beta1), beta2: Float(train.beta2), epsilon: Float(train.eps))
    }

    public var sparseAdam: AdamSettings {
        AdamSettings(learningRate: Float(train.embeddingLr), beta1: Float(train.beta1), beta2: Float(train.beta2), epsilon: Float(train.eps))
    }
}
