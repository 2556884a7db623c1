import VQLCore

/// The world-size-invariant order of training samples (DESIGN §4): epoch e is one
/// permutation of the training targets drawn from (seed, e); global step s covers
/// positions [s·B, (s+1)·B) of the concatenated epochs.
public struct SampleSchedule: Sendable {
    public let sampleCount: Int
    public let batchSize: Int
    public let seed: UInt64
    private var cachedEpoch = -1
    private var permutation: [Int32] = []

    public init(sampleCount: Int, batchSize: Int, seed: UInt64) {
        self.sampleCount = sampleCount
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Epoch that global step `step` starts in.
    public func epoch(ofStep step: Int) -> Int { step * batchSize / max(sampleCount, 1) }

    /// Indices into the training targets for global step `step`, in global-batch order.
    public mutating func indices(step: Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(batchSize)
        for i in 0..<batchSize {
            let g = step * batchSize + i
            let e = g / sampleCount
            if e != cachedEpoch {
                var rng = RandomSource.derive(seed: seed, stream: 0xE90C, index: UInt64(e))
                permutation = rng.permutation(sampleCount)
                cachedEpoch = e
            }
            out.append(Int(permutation[g % sampleCount]))
        }
        return out
    }
}
