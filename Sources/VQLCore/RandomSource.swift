import Foundation

/// A seedable, serializable pseudo-random generator (xoshiro256**, seeded by SplitMix64).
///
/// Its whole state is four `UInt64`s, so a checkpoint stores it and a resumed run draws the
/// same numbers. `derive` makes independent streams from (seed, purpose, index) without
/// sharing state, which is how every rank draws the same numbers without communicating.
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable, Codable {
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        var sm = seed
        state = (0..<4).map { _ in RandomSource.splitMix(&sm) }
    }

    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "invalid RNG state")
        self.state = state
    }

    /// An independent stream for (seed, stream, index): e.g. the permutation of epoch e.
    public static func derive(seed: UInt64, stream: UInt64, index: UInt64 = 0) -> RandomSource {
        var sm = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        let a = splitMix(&sm)
        var sm2 = a ^ (index &* 0xD1B5_4A32_D192_ED03)
        return RandomSource(seed: splitMix(&sm2))
    }

    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

    /// Uniform in [0, 1) with double precision.
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * (1.0 / Double(UInt64(1) << 53)) }

    /// Standard normal by Box–Muller.
    public mutating func normal() -> Float {
        let u1 = max(uniformDouble(), 1e-300)
        let u2 = uniformDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<n.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next(upperBound: UInt64(n)))
    }

    /// In-place Fisher–Yates shuffle of `n` indices.
    public mutating func permutation(_ n: Int) -> [Int32] {
        var p = (0..<n).map { Int32($0) }
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = below(i + 1)
            p.swapAt(i, j)
        }
        return p
    }
}
