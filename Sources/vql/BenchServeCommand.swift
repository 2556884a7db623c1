import ArgumentParser
import Foundation
import VQLCore
import VQLModel
import VQLServe
import VQLTrain

extension Bench {
    /// `vql bench serve`: per-candidate latency of the cache path and of full attention over
    /// the raw history at growing history lengths, with the cache path's arithmetic bounds.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per-candidate latency: cache path vs full attention over the raw history.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Model file to load (default: the config's freshly initialised model; timing does not depend on the weights).")
        var model: String?
        @Option(parsing: .upToNextOption, help: "History lengths.") var lengths: [Int] = [100, 1_000, 10_000, 100_000]
        @Option(help: "Candidates timed per length and path.") var candidates = 2_000

        func validate() throws {
            if candidates < 1 { throw ValidationError("--candidates must be at least 1, got \(candidates)") }
            if let bad = lengths.first(where: { $0 < 0 }) { throw ValidationError("--lengths must be non-negative, got \(bad)") }
        }

        func run() throws {
            var config = try options.load()
            config.model.encoder = "vq"
            try WorldRunner.run { world in
                guard world.isRoot else { return }
                let trainer = try model.map { try Trainer.loaded(config: config, modelPath: $0, world: world) }
                    ?? Trainer(config: config, world: world, runDirectory: nil)
                let net = trainer.network
                let nItems = trainer.dataset.itemCount
                let vectors = net.itemVectors((0..<Int32(nItems)).map { $0 })
                let raw = RawHistoryScorer(network: net, vectors: vectors)
                let s = net.shape
                print("vql bench serve: H=\(s.heads) G=\(s.groups) K=\(s.codebookSize) d_h=\(s.keyDim) d_v=\(s.valueDim) mlp=\(s.mlp), \(nItems) items")
                print("L        path   p50 µs    p99 µs    cand/s      bytes/user")
                var rng = RandomSource(seed: 7)
                for L in lengths {
                    var items = [Int32](), times = [Int64]()
                    var t: Int64 = 1_650_000_000_000
                    for _ in 0..<L { items.append(Int32(rng.below(nItems))); t += Int64(1 + rng.below(600_000)); times.append(t) }
                    let caches = UserCaches(network: net, users: 1)
                    items.withUnsafeBufferPointer { i in times.withUnsafeBufferPointer { caches.build(user: 0, items: i, times: $0, vectors: vectors) } }
                    let cached = CachedScorer(network: net, caches: caches, vectors: vectors)
                    // full attention at L = 100,000 costs milliseconds per candidate: time fewer
                    let count = max(10, min(candidates, L >= 100_000 ? 100 : (L >= 10_000 ? 400 : candidates)))
                    let cand = (0..<candidates).map { _ in rng.below(nItems) }
                    var sink: Float = 0
                    let c = Latency.measure(candidates) { k in sink += cached.logit(user: 0, item: cand[k]) }
                    let f = items.withUnsafeBufferPointer { i in
                        times.withUnsafeBufferPointer { tm in Latency.measure(count) { k in sink += raw.logit(item: cand[k], history: i, times: tm, now: t) } }
                    }
                    print(Latency.row(L, "cache", c, bytes: caches.bytesPerUser))
                    print(Latency.row(L, "full", f, bytes: L * 12))
                    if sink.isNaN { print("(NaN score)") }
                }
                let flops = 2 * s.heads * s.codebookSize * s.keyDim + s.heads * s.codebookSize * (2 * s.valueDim + 3)
                    + 2 * zip([s.mlpInputDim] + s.mlp, s.mlp + [1]).reduce(0) { $0 + $1.0 * $1.1 }
                let bytes = 4 * s.heads * s.codebookSize * (s.valueDim + 1)
                print("cache path lower bound per candidate: \(flops) FLOPs, \(bytes) bytes of user cache read (+ \(4 * s.groups * s.codebookSize * s.groupWidth) bytes of codebook, shared)")
                print("full path bytes/user: 12 per event (item id + time); its per-candidate work grows as L·H·(2·d_h + 2·d_v)")
            }
        }
    }
}

/// Per-call latencies of a closure, in microseconds.
enum Latency {
    struct Stats { var p50: Double; var p99: Double; var perSecond: Double }

    static func measure(_ n: Int, _ body: (Int) -> Void) -> Stats {
        var samples = [Double](repeating: 0, count: n)
        let start = DispatchTime.now().uptimeNanoseconds
        for k in 0..<n {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body(k)
            samples[k] = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        samples.sort()
        return Stats(p50: samples[n / 2], p99: samples[min(n - 1, n * 99 / 100)], perSecond: Double(n) / total)
    }

    static func row(_ L: Int, _ path: String, _ s: Stats, bytes: Int) -> String {
        String(format: "%-8d ", L) + path.padding(toLength: 6, withPad: " ", startingAt: 0)
            + String(format: " %-9.2f %-9.2f %-11.0f %d", s.p50, s.p99, s.perSecond, bytes)
    }
}
