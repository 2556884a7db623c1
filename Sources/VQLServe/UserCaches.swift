import Foundation
import VQLModel

/// Fixed-size, query-independent caches of many users (DESIGN §3 "Cache identity"):
/// for user u, head h and code c of h's group,
///
///     N[u,h,c] = Σ_{j: z_j = c} w_{j,h},   U[u,h,c] = Σ_{j: z_j = c} w_{j,h} v_{j,h},
///     w_{j,h} = exp(λ_h (t_j − t_ref)/τ + b_h(s_j) − m_h)
///
/// with t_ref the user's last event time at build and m_h a per-head shift that keeps the
/// exponentials in float range (it cancels in the ratio of `CachedScorer`). Size per user:
/// H·K·(d_v + 1) floats, one shift per head and t_ref, whatever the history length, plus the
/// user's F feature values when the model reads user features.
public final class UserCaches: @unchecked Sendable {
    public let users: Int
    public let heads: Int
    public let groups: Int
    public let codes: Int
    public let valueDim: Int
    /// λ_h / τ in 1/ms.
    public let decayPerMs: [Double]
    public var tRef: [Int64]
    public var shift: [Float]
    public var weightSums: [Float]
    public var valueSums: [Float]
    /// F user feature values per user (`ModelShape.userFeatures` order); empty when F = 0.
    public let userFeatureCount: Int
    public var userFeatures: [Int32]
    /// Larger jumps of a head's exponent than this rescale the head (append path).
    static let rescaleMargin: Float = 20

    public init(users: Int, heads: Int, groups: Int, codes: Int, valueDim: Int, decayPerMs: [Double], userFeatureCount: Int = 0) {
        self.users = users
        self.userFeatureCount = userFeatureCount
        userFeatures = [Int32](repeating: 0, count: users * userFeatureCount)
        self.heads = heads
        self.groups = groups
        self.codes = codes
        self.valueDim = valueDim
        self.decayPerMs = decayPerMs
        tRef = [Int64](repeating: UserCaches.empty, count: users)
        shift = [Float](repeating: 0, count: users * heads)
        weightSums = [Float](repeating: 0, count: users * heads * codes)
        valueSums = [Float](repeating: 0, count: users * heads * codes * valueDim)
    }

    /// t_ref of a user without events.
    public static let empty = Int64.min

    public convenience init(network: VQLNetwork, users: Int) {
        let s = network.shape
        self.init(users: users, heads: s.heads, groups: s.groups, codes: s.codebookSize, valueDim: s.valueDim,
                  decayPerMs: network.decays().map { Double($0) / (s.timeUnitSeconds * 1000) }, userFeatureCount: s.userFeatures.count)
    }

    public var bytesPerUser: Int { 8 + 4 * heads + 4 * heads * codes * (valueDim + 1) + 4 * userFeatureCount }

    /// User u's feature values (nil when the model reads none).
    public func withUserFeatures<R>(of u: Int?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
        guard let u, userFeatureCount > 0 else { return body(nil) }
        return userFeatures.withUnsafeBufferPointer { body($0.baseAddress! + u * userFeatureCount) }
    }

    @inline(__always) func exponent(_ h: Int, item i: Int, time t: Int64, ref: Int64, items: ItemVectors) -> Float {
        Float(decayPerMs[h] * Double(t - ref)) + items.bias[i * heads + h]
    }

    /// Rebuilds user u's cache from its events (items[k] at times[k], any order), with
    /// t_ref = the latest time and m_h = the largest exponent of head h.
    public func build(user u: Int, items events: UnsafeBufferPointer<Int32>, times: UnsafeBufferPointer<Int64>, vectors: ItemVectors) {
        clear(user: u)
        guard let last = times.max() else { return }
        tRef[u] = last
        for h in 0..<heads {
            var m = -Float.infinity
            for k in 0..<events.count { m = max(m, exponent(h, item: Int(events[k]), time: times[k], ref: last, items: vectors)) }
            shift[u * heads + h] = m
        }
        for k in 0..<events.count { accumulate(user: u, item: Int(events[k]), time: times[k], vectors: vectors) }
    }

    /// Folds one new event into user u's cache in O(H·d_v) (plus an O(H·K·d_v) rescale of a
    /// head whose exponent jumped by more than `rescaleMargin`, which is rare).
    public func append(user u: Int, item: Int32, time: Int64, vectors: ItemVectors) {
        if tRef[u] == UserCaches.empty {
            tRef[u] = time
            for h in 0..<heads { shift[u * heads + h] = exponent(h, item: Int(item), time: time, ref: time, items: vectors) }
        }
        for h in 0..<heads {
            let e = exponent(h, item: Int(item), time: time, ref: tRef[u], items: vectors)
            let s = shift[u * heads + h]
            if e > s + UserCaches.rescaleMargin {
                let f = expf(s - e)
                let nBase = (u * heads + h) * codes
                for c in 0..<codes { weightSums[nBase + c] *= f }
                for k in 0..<(codes * valueDim) { valueSums[nBase * valueDim + k] *= f }
                shift[u * heads + h] = e
            }
        }
        accumulate(user: u, item: Int(item), time: time, vectors: vectors)
    }

    func accumulate(user u: Int, item i: Int, time t: Int64, vectors: ItemVectors) {
        let hpg = heads / groups, vw = heads * valueDim
        for h in 0..<heads {
            let w = expf(exponent(h, item: i, time: t, ref: tRef[u], items: vectors) - shift[u * heads + h])
            let c = Int(vectors.codes[i * groups + h / hpg])
            let slot = (u * heads + h) * codes + c
            weightSums[slot] += w
            let dst = slot * valueDim, src = i * vw + h * valueDim
            for k in 0..<valueDim { valueSums[dst + k] += w * vectors.values[src + k] }
        }
    }

    public func clear(user u: Int) {
        tRef[u] = UserCaches.empty
        for h in 0..<heads { shift[u * heads + h] = 0 }
        let n = heads * codes
        for k in 0..<n { weightSums[u * n + k] = 0 }
        for k in 0..<(n * valueDim) { valueSums[u * n * valueDim + k] = 0 }
    }
}

extension UserCaches {
    /// The same caches with the model's decays (read from a file before the model was known).
    public convenience init(adopting other: UserCaches, decayPerMs: [Double]) {
        self.init(users: other.users, heads: other.heads, groups: other.groups, codes: other.codes, valueDim: other.valueDim,
                  decayPerMs: decayPerMs, userFeatureCount: other.userFeatureCount)
        userFeatures = other.userFeatures
        tRef = other.tRef
        shift = other.shift
        weightSums = other.weightSums
        valueSums = other.valueSums
    }
}
