import Testing
import VQLCore
import VQLModel
@testable import VQLServe

/// DESIGN §6.2: scores from a user's cache equal the training-path forward with quantized
/// keys, for any history length, with the temporal kernel and the static bias active, and
/// with the user's features in the MLP input.
struct CacheIdentityTests {
    static let itemCount = 60
    /// Vocabulary sizes of the user features of `network(userFeatures: true)`, and one user's values.
    static let userFeatureSizes = [4, 6]
    static let someUserFeatures: [Int32] = [3, 1]

    static func network(heads: Int, groups: Int, staticBias: Bool, seed: UInt64, userFeatures: Bool = false) -> VQLNetwork {
        var s = ModelShape(itemCount: itemCount, tagCount: 9)
        s.itemDim = 6; s.heads = heads; s.groups = groups; s.keyDim = 4; s.valueDim = 5; s.codebookSize = 8
        s.staticBias = staticBias; s.mlp = [12, 6]; s.timeUnitSeconds = 86_400
        if userFeatures { s.userFeatures = userFeatureSizes.enumerated().map { .init(name: "f\($0.offset)", vocabularySize: $0.element) } }
        var rng = RandomSource(seed: seed)
        let tags = ItemTags(lists: (0..<itemCount).map { i in i % 7 == 0 ? [] : [Int32(rng.below(9)), Int32(rng.below(9))] })
        let net = VQLNetwork(shape: s, itemTags: tags, seed: seed)
        net.itemTable.initialize(std: 1, rng: &rng)
        if let tb = net.tagBias { tb.initialize(std: 1, rng: &rng) }
        net.userFeatureEmbedding?.table.initialize(std: 1, rng: &rng)
        let rho = net.params.value("decay.rho")
        for h in 0..<heads { rho[h] = Float(h) - 1 }   // λ from 0.3 to several per day
        let cb = net.codebooks!
        let keys = net.keys(ofItems: (0..<(cb.groups * cb.size)).map { Int32(($0 * 7) % itemCount) })
        for g in 0..<cb.groups {
            for c in 0..<cb.size {
                keys.withUnsafeBufferPointer { cb.seed(group: g, code: c, key: $0.base + (g * cb.size + c) * s.keyWidth + g * cb.width) }
            }
        }
        return net
    }

    static func history(_ L: Int, seed: UInt64) -> (items: [Int32], times: [Int64], now: Int64) {
        var rng = RandomSource(seed: seed)
        var t: Int64 = 1_650_000_000_000
        var items: [Int32] = [], times: [Int64] = []
        for _ in 0..<L {
            t += Int64(rng.below(20_000_000))
            items.append(Int32(rng.below(itemCount))); times.append(t)
        }
        return (items, times, t + Int64(rng.below(50_000_000)))
    }

    /// The training forward's logit of one sample (user feature values `userFeatures`, empty = missing).
    func trainingLogit(_ net: VQLNetwork, _ h: (items: [Int32], times: [Int64], now: Int64), candidate: Int32,
                       userFeatures: [Int32] = []) -> Float {
        var batch = SampleBatch()
        h.items.withUnsafeBufferPointer { i in
            h.times.withUnsafeBufferPointer { t in
                batch.append(user: 0, targetItem: candidate, targetTime: h.now, label: 1, items: i, times: t)
            }
        }
        batch.userFeatures = userFeatures
        return net.forward(batch)[0]
    }

    @Test(arguments: [(4, 2, true, true), (4, 1, true, false), (4, 4, false, true), (2, 2, true, false), (6, 3, true, true)])
    func cacheScoresEqualTheTrainingForward(heads: Int, groups: Int, staticBias: Bool, userFeatures: Bool) {
        let net = Self.network(heads: heads, groups: groups, staticBias: staticBias, seed: UInt64(heads * 10 + groups), userFeatures: userFeatures)
        let vectors = net.itemVectors((0..<Int32(Self.itemCount)).map { $0 })
        let features = userFeatures ? Self.someUserFeatures : []
        for (k, L) in [0, 1, 2, 37, 2_000].enumerated() {
            let h = Self.history(L, seed: UInt64(100 + k))
            let caches = UserCaches(network: net, users: 1)
            caches.userFeatures = features
            h.items.withUnsafeBufferPointer { i in h.times.withUnsafeBufferPointer { caches.build(user: 0, items: i, times: $0, vectors: vectors) } }
            let scorer = CachedScorer(network: net, caches: caches, vectors: vectors)
            for candidate in [Int32(0), 13, 59] {
                let expected = trainingLogit(net, h, candidate: candidate, userFeatures: features)
                let got = scorer.logit(user: 0, item: Int(candidate))
                #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected)), "L=\(L) H=\(heads) G=\(groups): cache \(got) vs forward \(expected)")
                if userFeatures && L == 0 {
                    // an unknown user: no history and every feature missing
                    let unknown = trainingLogit(net, h, candidate: candidate, userFeatures: [0, 0])
                    #expect(abs(scorer.logit(user: nil, item: Int(candidate)) - unknown) <= 1e-4 * max(1, abs(unknown)))
                    #expect(abs(unknown - expected) > 1e-3, "the user's features should change the score")
                }
            }
        }
    }

    /// Appending events one by one, then scoring, equals rebuilding the cache from scratch.
    @Test func appendEqualsRebuild() {
        let net = Self.network(heads: 4, groups: 2, staticBias: true, seed: 3)
        let vectors = net.itemVectors((0..<Int32(Self.itemCount)).map { $0 })
        let h = Self.history(500, seed: 9)
        let appended = UserCaches(network: net, users: 1), rebuilt = UserCaches(network: net, users: 1)
        h.items.withUnsafeBufferPointer { i in
            h.times.withUnsafeBufferPointer { t in
                appended.build(user: 0, items: UnsafeBufferPointer(rebasing: i[0..<200]), times: UnsafeBufferPointer(rebasing: t[0..<200]), vectors: vectors)
                rebuilt.build(user: 0, items: i, times: t, vectors: vectors)
            }
        }
        for k in 200..<500 { appended.append(user: 0, item: h.items[k], time: h.times[k], vectors: vectors) }
        let a = CachedScorer(network: net, caches: appended, vectors: vectors), b = CachedScorer(network: net, caches: rebuilt, vectors: vectors)
        for item in 0..<Self.itemCount {
            let x = a.logit(user: 0, item: item), y = b.logit(user: 0, item: item)
            #expect(abs(x - y) <= 1e-4 * max(1, abs(y)), "item \(item): appended \(x) vs rebuilt \(y)")
        }
        // and an empty cache appended from nothing equals the build too
        let fresh = UserCaches(network: net, users: 1)
        for k in 0..<500 { fresh.append(user: 0, item: h.items[k], time: h.times[k], vectors: vectors) }
        let c = CachedScorer(network: net, caches: fresh, vectors: vectors)
        #expect(abs(c.logit(user: 0, item: 5) - b.logit(user: 0, item: 5)) <= 1e-4 * max(1, abs(b.logit(user: 0, item: 5))))
    }

    /// The cache does not grow with the history.
    @Test func cacheSizeIsIndependentOfHistoryLength() {
        let net = Self.network(heads: 4, groups: 2, staticBias: true, seed: 4)
        let caches = UserCaches(network: net, users: 3)
        #expect(caches.bytesPerUser == 8 + 4 * 4 + 4 * 4 * 8 * (5 + 1))
        #expect(caches.valueSums.count == 3 * 4 * 8 * 5)
    }
}
