/// e^x for eight floats at once, for the softmax over history positions (the largest use of
/// `exp` in a training step; glibc's `expf` is one call per element).
///
/// Range reduction x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln 2 / 2 (ln 2 split in a
/// high part exact in float and a low part), e^r by Cephes' degree-6 polynomial
/// 1 + r + r²·P(r), and 2ⁿ assembled in the exponent bits. Inputs are clamped to
/// [−87.3, 88], where 2ⁿ stays a normal float; below −87.3 the result is 0. (Not the
/// smallest normal: softmax weights that small, times a gradient, would make subnormal
/// products, each of which costs the CPU a slow assist; measured, the step ran 10% slower.)
/// A NaN input gives NaN. Relative error ≤ 2·10⁻⁷ (`VectorExpTests`).
/// Baseline x86-64 has no SIMD rounding instruction, so n is rounded by adding and
/// subtracting 1.5·2²³ (round-to-nearest, exact for |x·log₂e| < 2²²).
public enum VectorExp {
    @inlinable @inline(__always)
    public static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let x = input.replacing(with: 88, where: input .> 88).replacing(with: -87.3, where: input .< -87.3)
        let shifter = SIMD8<Float>(repeating: 12_582_912)  // 1.5·2²³
        let t = x * 1.442_695_04 + shifter
        let n = t - shifter
        let r = (x - n * 0.693_359_375) - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let er = p * (r * r) + r + 1
        // n's integer value sits in t's low mantissa bits; read it there (a float-to-int
        // conversion would trap on NaN)
        let integer = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(shifter, to: SIMD8<Int32>.self)
        let bits = (integer &+ 127) &<< 23
        return (er * unsafeBitCast(bits, to: SIMD8<Float>.self)).replacing(with: 0, where: input .< -87.3)
    }

    /// e^x of one float through the same lanes (for rows whose length is not a multiple of 8).
    @inlinable
    public static func exp(_ x: Float) -> Float { exp(SIMD8(repeating: x))[0] }
}
