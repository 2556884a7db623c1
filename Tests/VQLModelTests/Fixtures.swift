import VQLCore
@testable import VQLModel

/// A small random model and batch for gradient and property tests.
enum Fixtures {
    /// Vocabulary sizes of the user features of `shape(userFeatures: true)`.
    static let userFeatureSizes = [3, 5]

    static func shape(_ encoder: EncoderKind, heads: Int = 4, groups: Int = 2, keyNorm: Bool = true, staticBias: Bool = true,
                      userFeatures: Bool = false) -> ModelShape {
        var s = ModelShape(itemCount: 40, tagCount: 7)
        s.encoder = encoder
        s.itemDim = 4
        s.heads = heads
        s.groups = groups
        s.keyDim = 3
        s.valueDim = 3
        s.codebookSize = 6
        s.keyNorm = keyNorm
        s.staticBias = staticBias
        s.mlp = [6]
        s.commitment = 0.5
        s.timeUnitSeconds = 86_400
        // small enough that the baselines' selections drop positions of the test batches
        s.recentLength = 4
        s.retrieveK = 4
        if userFeatures { s.userFeatures = userFeatureSizes.enumerated().map { .init(name: "f\($0.offset)", vocabularySize: $0.element) } }
        return s
    }

    static func tags(items: Int, tags: Int, seed: UInt64) -> ItemTags {
        var rng = RandomSource(seed: seed)
        return ItemTags(lists: (0..<items).map { i in
            i % 9 == 0 ? [] : (0..<(1 + rng.below(2))).map { _ in Int32(rng.below(tags)) }
        })
    }

    /// Samples with history lengths `lengths`, random items and increasing times (ms), and
    /// random values (0 = missing included) of user features with `userFeatureSizes`.
    static func batch(lengths: [Int], items: Int, seed: UInt64, userFeatureSizes: [Int] = []) -> SampleBatch {
        var rng = RandomSource(seed: seed)
        var b = SampleBatch()
        for (s, L) in lengths.enumerated() {
            var t: Int64 = 1_600_000_000_000
            var hi: [Int32] = [], ht: [Int64] = []
            for _ in 0..<L { hi.append(Int32(rng.below(items))); t += Int64(rng.below(7_200_000)); ht.append(t) }
            t += Int64(rng.below(3_600_000))
            hi.withUnsafeBufferPointer { ip in
                ht.withUnsafeBufferPointer { tp in
                    b.append(user: Int32(s), targetItem: Int32(rng.below(items)), targetTime: t, label: Float(rng.below(2)), items: ip, times: tp)
                }
            }
            for size in userFeatureSizes { b.userFeatures.append(Int32(rng.below(size))) }
        }
        return b
    }

    /// A network whose codewords are keys of random items plus noise, so assignments are
    /// well separated and the commitment term is non-zero.
    static func network(_ shape: ModelShape, seed: UInt64 = 11) -> VQLNetwork {
        let net = VQLNetwork(shape: shape, itemTags: tags(items: shape.itemCount, tags: shape.tagCount, seed: seed), seed: seed)
        var rng = RandomSource(seed: seed &+ 1)
        // unit-scale embeddings and sharper queries, so attention is far from uniform and every
        // gradient is large against float32 rounding; non-zero biases so their paths are exercised
        net.itemTable.initialize(std: 1, rng: &rng)
        net.tagTable.initialize(std: 1, rng: &rng)
        let q = net.params.value("query.weight")
        for i in 0..<net.params.slot("query.weight").count { q[i] *= 3 }
        for name in ["query.bias", "key.bias", "value.bias"] {
            let p = net.params.value(name)
            for i in 0..<net.params.slot(name).count { p[i] = 0.1 * rng.normal() }
        }
        if let tb = net.tagBias { tb.initialize(std: 0.5, rng: &rng) }
        if let cb = net.codebooks {
            let items = (0..<(cb.groups * cb.size)).map { _ in Int32(rng.below(shape.itemCount)) }
            let keys = net.keys(ofItems: items)
            for g in 0..<cb.groups {
                for c in 0..<cb.size {
                    var key = Array(keys[((g * cb.size + c) * shape.keyWidth + g * cb.width)...].prefix(cb.width))
                    for i in 0..<key.count { key[i] += 0.3 * rng.normal() }
                    cb.seed(group: g, code: c, key: key)
                }
            }
        }
        net.userFeatureEmbedding?.table.initialize(std: 1, rng: &rng)
        return net
    }
}
