import Foundation
import VQLCore

/// Parameters of the synthetic KuaiRand-format generator.
public struct SynthSettings: Sendable, Codable, Equatable {
    public var users = 500
    public var items = 5000
    public var tags = 50
    /// Geometric-mean-ish target of the per-user history length (lognormal, min 20).
    public var meanLength = 1000
    public var seed: UInt64 = 1

    public init(users: Int = 500, items: Int = 5000, tags: Int = 50, meanLength: Int = 1000, seed: UInt64 = 1) {
        self.users = users
        self.items = items
        self.tags = tags
        self.meanLength = meanLength
        self.seed = seed
    }
}

/// The hidden structure behind a synthetic dataset: tags of items, item quality and
/// popularity, users' interest tags. It is a pure function of the settings (its own RNG
/// stream), so tests can rebuild it to check that the generated logs carry the signal.
///
/// Planted signal: P(click) = σ(−1 + 2·[primary tag ∈ user's interests] + q_item
/// + 0.8·[same primary tag shown to the user within the previous 2 h]).
public struct SyntheticWorld: Sendable {
    public let settings: SynthSettings
    /// Raw ids as written to the files (deliberately neither 0-based nor dense).
    public let userRawIds: [Int64]
    public let itemRawIds: [Int64]
    public let tagRawIds: [Int64]
    /// Primary tag (index into tagRawIds) of every item, and its 0–2 extra tags.
    public let itemPrimaryTag: [Int]
    public let itemExtraTags: [[Int]]
    /// Hidden quality q_i ~ N(0, 0.5²).
    public let itemQuality: [Float]
    public let itemDurationMs: [Int64]
    /// Three distinct interest tags per user (fewer if there are fewer tags).
    public let userInterests: [[Int]]
    /// Items whose primary tag is t.
    public let itemsByPrimaryTag: [[Int32]]
    /// Cumulative Zipf popularity over items (last element 1).
    public let popularityCDF: [Double]

    public static func userRawId(_ u: Int) -> Int64 { 1000 + 17 * Int64(u) }
    public static func itemRawId(_ i: Int) -> Int64 { 50000 + 7 * Int64(i) }
    public static func tagRawId(_ t: Int) -> Int64 { 3 + 2 * Int64(t) }

    public init(settings s: SynthSettings) {
        settings = s
        var rng = RandomSource.derive(seed: s.seed, stream: 1)
        let t = max(s.tags, 1)
        userRawIds = (0..<s.users).map(Self.userRawId)
        itemRawIds = (0..<s.items).map(Self.itemRawId)
        tagRawIds = (0..<t).map(Self.tagRawId)
        var primary = [Int](), extras = [[Int]](), quality = [Float](), duration = [Int64]()
        var byTag = [[Int32]](repeating: [], count: t)
        for i in 0..<s.items {
            let p = rng.below(t)
            var ex: [Int] = []
            let wanted = min(rng.below(3), t - 1)
            while ex.count < wanted {
                let x = rng.below(t)
                if x != p && !ex.contains(x) { ex.append(x) }
            }
            primary.append(p)
            extras.append(ex)
            quality.append(0.5 * rng.normal())
            duration.append(5000 + Int64(rng.below(115_000)))
            byTag[p].append(Int32(i))
        }
        itemPrimaryTag = primary
        itemExtraTags = extras
        itemQuality = quality
        itemDurationMs = duration
        itemsByPrimaryTag = byTag
        // Zipf(0.9) over a random ranking of the items.
        let rank = rng.permutation(s.items)
        var weight = [Double](repeating: 0, count: s.items)
        for i in 0..<s.items { weight[i] = 1 / pow(Double(rank[i]) + 1, 0.9) }
        let total = weight.reduce(0, +)
        var cdf = [Double](repeating: 0, count: s.items)
        var acc = 0.0
        for i in 0..<s.items { acc += weight[i] / total; cdf[i] = acc }
        if !cdf.isEmpty { cdf[cdf.count - 1] = 1 }
        popularityCDF = cdf
        var interests = [[Int]]()
        for _ in 0..<s.users {
            var chosen: [Int] = []
            while chosen.count < min(3, t) {
                let x = rng.below(t)
                if !chosen.contains(x) { chosen.append(x) }
            }
            interests.append(chosen)
        }
        userInterests = interests
    }

    /// An item drawn by popularity.
    @inline(__always)
    public func popularItem(_ rng: inout RandomSource) -> Int {
        let x = rng.uniformDouble()
        var lo = 0, hi = popularityCDF.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if popularityCDF[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The click logit of showing item `i` to user `u` (`recent`: same primary tag shown ≤ 2 h ago).
    @inline(__always)
    public func clickLogit(user u: Int, item i: Int, recent: Bool) -> Float {
        let interested = userInterests[u].contains(itemPrimaryTag[i])
        return -1.0 + (interested ? 2.0 : 0) + itemQuality[i] + (recent ? 0.8 : 0)
    }
}
