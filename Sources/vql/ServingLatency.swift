import Foundation
import VQLData
import VQLModel
import VQLServe

/// Serving cost of a trained model for one user history of a given length: microseconds
/// per scored candidate and the bytes kept per user.
///
/// `vq` scores from the user's cache (`UserCaches` + `CachedScorer`, O(H·K·(d_h+d_v)) per
/// candidate, the cache built once beforehand); the baselines score with `BaselineScorer`
/// over the raw (selected) positions, retrieval included, with every item's key, value and
/// static bias precomputed. Times are the best of 3 passes over the same candidates.
struct ServingLatency {
    var microsecondsPerCandidate: Double
    var bytesPerUser: Int
    /// The history length actually used (the chosen user's last `length` events).
    var length: Int

    /// History length quantiles over users (events per user): (median, p99).
    static func lengthQuantiles(_ d: PreparedDataset) -> (median: Int, p99: Int) {
        let lengths = (0..<d.userCount).map { d.events(ofUser: $0).count }.sorted()
        guard !lengths.isEmpty else { return (0, 0) }
        func q(_ p: Double) -> Int { lengths[min(lengths.count - 1, Int((p * Double(lengths.count - 1)).rounded()))] }
        return (q(0.5), q(0.99))
    }

    /// The last `length` events of the user with the fewest events ≥ `length` (the longest user
    /// when none has that many).
    static func history(_ d: PreparedDataset, length: Int) -> (items: [Int32], times: [Int64]) {
        var best = -1, bestCount = Int.max, longest = 0
        for u in 0..<d.userCount {
            let n = d.events(ofUser: u).count
            if n >= length && n < bestCount { best = u; bestCount = n }
            if n > d.events(ofUser: longest).count { longest = u }
        }
        let r = d.events(ofUser: best >= 0 ? best : longest)
        let range = max(r.lowerBound, r.upperBound - length)..<r.upperBound
        return (range.map { d.eventItem[$0] }, range.map { d.eventTime[$0] })
    }

    /// Measures `network` on the given history with `candidates` scored per pass.
    static func measure(_ network: VQLNetwork, vectors: ItemVectors, history h: (items: [Int32], times: [Int64]),
                        candidates: [Int]) -> ServingLatency {
        var sink: Float = 0
        let score: (Int) -> Float
        let bytes: Int
        if network.shape.encoder == .vq {
            let caches = UserCaches(network: network, users: 1)
            h.items.withUnsafeBufferPointer { i in h.times.withUnsafeBufferPointer { caches.build(user: 0, items: i, times: $0, vectors: vectors) } }
            let scorer = CachedScorer(network: network, caches: caches, vectors: vectors)
            score = { scorer.logit(user: 0, item: $0) }
            bytes = caches.bytesPerUser
        } else {
            let scorer = BaselineScorer(network: network, vectors: vectors)
            let state = scorer.prepare(items: h.items, times: h.times)
            score = { scorer.logit(item: $0, user: state) }
            bytes = state.bytes
        }
        var best = Double.infinity
        for pass in 0..<4 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for c in candidates { sink += score(c) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if pass > 0 { best = min(best, seconds) }  // pass 0 warms up
        }
        if sink.isNaN { FileHandle.standardError.write(Data("vql: serving scores are NaN\n".utf8)) }
        return ServingLatency(microsecondsPerCandidate: 1e6 * best / Double(max(candidates.count, 1)),
                              bytesPerUser: bytes, length: h.items.count)
    }
}
