import Testing
import VQLCore
@testable import VQLModel

/// DESIGN §6.1: every parameter's gradient against central differences, codes frozen.
/// Settings: encoder, key norm, static bias, user features in the MLP input.
struct ModelGradientTests {
    static let settings: [(EncoderKind, Bool, Bool, Bool)] = [
        (.vq, true, true, true), (.full, true, true, true), (.vq, false, false, false), (.full, false, true, false),
        (.recent, true, true, true), (.simHard, true, true, true), (.topk, true, true, true), (.topk, false, false, true),
        (.mean, true, true, true),
    ]

    static func setup(_ encoder: EncoderKind, _ keyNorm: Bool, _ staticBias: Bool, _ userFeatures: Bool, lengths: [Int],
                      seed: UInt64) -> (VQLNetwork, SampleBatch) {
        let net = Fixtures.network(Fixtures.shape(encoder, keyNorm: keyNorm, staticBias: staticBias, userFeatures: userFeatures))
        let batch = Fixtures.batch(lengths: lengths, items: 40, seed: seed, userFeatureSizes: userFeatures ? Fixtures.userFeatureSizes : [])
        return (net, batch)
    }

    /// Loss of the whole tower for the batch, as the trainer defines it (mean over the batch).
    func loss(_ net: VQLNetwork, _ batch: SampleBatch) -> Double {
        net.forward(batch)
        let l = net.losses(labels: batch.label)
        return (l.crossEntropy + l.commitment) / Double(batch.count)
    }

    func gradients(_ net: VQLNetwork, _ batch: SampleBatch) {
        net.freezeCodes = false
        net.zeroGradients()
        net.forward(batch)
        net.freezeCodeAssignments()
        net.backward(labels: batch.label, scale: 1 / Float(batch.count))
    }

    @Test(arguments: settings)
    func everyDenseTensor(encoder: EncoderKind, keyNorm: Bool, staticBias: Bool, userFeatures: Bool) {
        let (net, batch) = Self.setup(encoder, keyNorm, staticBias, userFeatures, lengths: [0, 1, 5, 12, 30], seed: 3)
        checkDenseTensors(net, batch, "\(encoder)")
    }

    /// Backward's gradient of every dense tensor against directional differences of the loss.
    func checkDenseTensors(_ net: VQLNetwork, _ batch: SampleBatch, _ label: String) {
        gradients(net, batch)
        let check = DirectionalCheck()
        for slot in net.params.slots {
            let g = Array(UnsafeBufferPointer(start: net.params.grad(slot.name), count: slot.count))
            let err = check.worstRelativeError(values: net.params.value(slot.name), gradient: g, count: slot.count, seed: 5) {
                loss(net, batch)
            }
            #expect(err < 1e-2, "\(label) \(slot.name): relative error \(err)")
        }
    }

    /// Head widths past one SIMD8 (key 8 + 8, value 9: vector bodies and scalar tails of the
    /// attention, key-norm and commitment kernels), which the small fixture never reaches.
    @Test(arguments: [EncoderKind.vq, .full])
    func everyDenseTensorWithWideHeads(encoder: EncoderKind) {
        var shape = Fixtures.shape(encoder, heads: 2, groups: 1)
        shape.keyDim = 8
        shape.valueDim = 9
        checkDenseTensors(Fixtures.network(shape), Fixtures.batch(lengths: [0, 1, 5, 12, 30], items: 40, seed: 3), "\(encoder) wide")
    }

    @Test(arguments: settings)
    func everySparseTable(encoder: EncoderKind, keyNorm: Bool, staticBias: Bool, userFeatures: Bool) {
        let (net, batch) = Self.setup(encoder, keyNorm, staticBias, userFeatures, lengths: [0, 1, 5, 12, 30], seed: 4)
        gradients(net, batch)
        #expect(net.tables.contains { $0.name == "user_feature_embedding" } == userFeatures)
        let check = DirectionalCheck()
        for table in net.tables {
            var dense = [Float](repeating: 0, count: table.rows * table.width)
            for (k, row) in table.gradient.rowIds.enumerated() {
                for i in 0..<table.width { dense[Int(row) * table.width + i] = table.gradient.values.pointer[k * table.width + i] }
            }
            let err = check.worstRelativeError(values: table.values.pointer, gradient: dense, count: dense.count, seed: 6) {
                loss(net, batch)
            }
            #expect(err < 1e-2, "\(encoder) \(table.name): relative error \(err)")
        }
    }

    /// The check must be able to fail: a backward that drops 10% of one gradient is caught.
    @Test func aWrongBackwardIsCaught() {
        let net = Fixtures.network(Fixtures.shape(.vq))
        let batch = Fixtures.batch(lengths: [3, 8, 20], items: 40, seed: 7)
        gradients(net, batch)
        let check = DirectionalCheck()
        for name in ["key.weight", "decay.rho", "value.weight"] {
            let slot = net.params.slot(name)
            let wrong = Array(UnsafeBufferPointer(start: net.params.grad(name), count: slot.count)).map { $0 * 0.9 }
            let err = check.worstRelativeError(values: net.params.value(name), gradient: wrong, count: slot.count, seed: 8) {
                loss(net, batch)
            }
            #expect(err > 2e-2, "a 10% error in \(name) went unnoticed (\(err))")
        }
    }
}

/// The user feature embeddings in the MLP input: which rows a batch touches, what missing
/// means, and that the logit depends on them.
struct UserFeatureInputTests {
    @Test func rowsTouchedAreTheSamplesValuesAndEmptyMeansMissing() {
        let net = Fixtures.network(Fixtures.shape(.vq, userFeatures: true))
        var batch = Fixtures.batch(lengths: [2, 3, 4], items: 40, seed: 9)
        // sizes [3, 5]: feature 0 rows 0..<3, feature 1 rows 3..<8
        batch.userFeatures = [0, 4, 2, 0, 2, 1]
        net.zeroGradients()
        net.forward(batch)
        net.backward(labels: batch.label, scale: 1)
        let ue = net.userFeatureEmbedding!
        #expect(ue.table.rows == 8 && ue.offsets == [0, 3])
        #expect(ue.table.gradient.rowIds.sorted() == [0, 2, 3, 4, 7])  // (0,4) (2,0) (2,1) → rows 0,7 2,3 2,4
        let withValues = net.forward(batch)
        batch.userFeatures = [0, 0, 0, 0, 0, 0]
        let zeros = net.forward(batch)
        batch.userFeatures = []
        #expect(net.forward(batch) == zeros)
        #expect(withValues[0] != zeros[0] && withValues[1] != zeros[1])
        #expect(withValues.count == 3)
    }

    /// User features leave the initial item tables and projections as they were (the user
    /// table is drawn last; only the first MLP layer is wider).
    @Test func userFeaturesDoNotChangeTheOtherInitialTensors() {
        let plain = VQLNetwork(shape: Fixtures.shape(.vq), itemTags: Fixtures.tags(items: 40, tags: 7, seed: 1), seed: 5)
        let with = VQLNetwork(shape: Fixtures.shape(.vq, userFeatures: true), itemTags: Fixtures.tags(items: 40, tags: 7, seed: 1), seed: 5)
        #expect(plain.itemTable.values.array == with.itemTable.values.array)
        #expect(Array(UnsafeBufferPointer(start: plain.params.value("key.weight"), count: plain.params.slot("key.weight").count))
                == Array(UnsafeBufferPointer(start: with.params.value("key.weight"), count: with.params.slot("key.weight").count)))
        #expect(with.params.slot("mlp0.weight").shape == [6, 8 + 12 + 8])  // [x 2·4, o 4·3, e 2·4]
    }
}
