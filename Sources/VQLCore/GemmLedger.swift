import Dispatch

/// Time and FLOPs of `BLAS.sgemm` calls by shape, recorded while it is `BLAS.ledger` (nil by
/// default, which costs one branch per call): `vql bench train`'s table of the step's matrix
/// products against a square sgemm. A's stored rows (m, or k when A is transposed) are the
/// rows of a batch (samples, items) and change from step to step, so calls that differ only
/// there, by at most a factor of two from the entry's mean, share an entry, which keeps the
/// mean of that dimension (so a step's samples and its items stay apart).
public final class GemmLedger {
    public struct Entry: Sendable, Equatable {
        public let transposeA: Bool, transposeB: Bool
        /// m, n, k as called; 0 where the dimension is pooled.
        public let dims: [Int]
        public var calls = 0
        public var seconds = 0.0
        /// Σ 2·m·n·k
        public var flops = 0.0
        /// Σ m, Σ n, Σ k over the calls (the means of pooled dimensions).
        public var dimSums = [0.0, 0.0, 0.0]

        /// The mean of each dimension over the calls.
        public var meanDims: [Double] { dimSums.map { $0 / Double(max(calls, 1)) } }
        public var gflops: Double { seconds > 0 ? flops / seconds / 1e9 : 0 }
        /// "A·Bᵀ" and the like: the product as the caller wrote it.
        public var operation: String { (transposeA ? "Aᵀ" : "A") + "·" + (transposeB ? "Bᵀ" : "B") }
    }

    /// Entries in order of first call.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds one call of `seconds` to its shape's entry.
    public func record(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, seconds: Double) {
        let pooled = transposeA ? 2 : 0, dims = transposeA ? [m, n, 0] : [0, n, k]
        let rows = Double(transposeA ? k : m)
        // a step makes a few dozen calls of a handful of shapes: a scan beats hashing
        let i = entries.firstIndex {
            $0.transposeA == transposeA && $0.transposeB == transposeB && $0.dims == dims
                && rows <= 2 * $0.meanDims[pooled] && 2 * rows >= $0.meanDims[pooled]
        } ?? { entries.append(Entry(transposeA: transposeA, transposeB: transposeB, dims: dims)); return entries.count - 1 }()
        entries[i].calls += 1
        entries[i].seconds += seconds
        entries[i].flops += 2 * Double(m) * Double(n) * Double(k)
        for (d, v) in [m, n, k].enumerated() { entries[i].dimSums[d] += Double(v) }
    }

    /// Nanoseconds on a monotonic clock, for `BLAS.sgemm` to time a call.
    @inlinable
    public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
