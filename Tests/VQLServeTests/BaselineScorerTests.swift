import Testing
import VQLCore
import VQLModel
@testable import VQLServe

/// The serving path of the baselines (per-user state + per-candidate selection and attention)
/// gives the training forward's logit, for histories shorter and longer than S and k.
struct BaselineScorerTests {
    static func network(_ encoder: EncoderKind, seed: UInt64, userFeatures: Bool = false) -> VQLNetwork {
        var s = ModelShape(itemCount: CacheIdentityTests.itemCount, tagCount: 9)
        s.encoder = encoder
        s.itemDim = 6; s.heads = 4; s.groups = 2; s.keyDim = 4; s.valueDim = 5
        s.mlp = [12, 6]; s.recentLength = 7; s.retrieveK = 5
        if userFeatures {
            s.userFeatures = CacheIdentityTests.userFeatureSizes.enumerated().map { .init(name: "f\($0.offset)", vocabularySize: $0.element) }
        }
        var rng = RandomSource(seed: seed)
        let tags = ItemTags(lists: (0..<s.itemCount).map { i in i % 7 == 0 ? [] : [Int32(rng.below(9)), Int32(rng.below(9))] })
        let net = VQLNetwork(shape: s, itemTags: tags, seed: seed)
        net.itemTable.initialize(std: 1, rng: &rng)
        if let tb = net.tagBias { tb.initialize(std: 1, rng: &rng) }
        let q = net.params.value("query.weight")
        for i in 0..<net.params.slot("query.weight").count { q[i] *= 3 }
        net.userFeatureEmbedding?.table.initialize(std: 1, rng: &rng)
        return net
    }

    @Test(arguments: [(EncoderKind.full, false), (.recent, true), (.simHard, false), (.topk, true), (.mean, true), (.full, true)])
    func servingEqualsTheTrainingForward(encoder: EncoderKind, userFeatures: Bool) {
        let net = Self.network(encoder, seed: 3, userFeatures: userFeatures)
        let vectors = net.itemVectors((0..<Int32(CacheIdentityTests.itemCount)).map { $0 })
        let scorer = BaselineScorer(network: net, vectors: vectors)
        let features = userFeatures ? CacheIdentityTests.someUserFeatures : []
        var worst: Float = 0
        for (k, L) in [0, 1, 6, 40, 300].enumerated() {
            let h = CacheIdentityTests.history(L, seed: UInt64(200 + k))
            let state = scorer.prepare(items: h.items, times: h.times, userFeatures: features)
            for candidate in [0, 5, 13, 29, 58] as [Int32] {
                let served = scorer.logit(item: Int(candidate), user: state)
                let trained = CacheIdentityTests().trainingLogit(net, h, candidate: candidate, userFeatures: features)
                worst = max(worst, abs(served - trained) / max(1, abs(trained)))
            }
        }
        #expect(worst < 1e-4, "\(encoder): relative error \(worst)")
    }

    @Test func stateBytes() {
        let h = CacheIdentityTests.history(100, seed: 9)
        func bytes(_ e: EncoderKind) -> Int {
            let net = Self.network(e, seed: 4)
            return BaselineScorer(network: net, vectors: net.itemVectors((0..<Int32(CacheIdentityTests.itemCount)).map { $0 })).prepare(items: h.items, times: h.times).bytes
        }
        #expect(bytes(.full) == 1200 && bytes(.topk) == 1200)
        #expect(bytes(.recent) == 12 * 7)
        #expect(bytes(.mean) == 4 * 4 * 5)
        #expect(bytes(.simHard) > 1200)
    }
}
