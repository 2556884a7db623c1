/// Max-shifted softmax over one row and its backward.
public enum Softmax {
    /// p_i = e^{a_i − max a} / Σ_j e^{a_j − max a}, in place over n floats. Returns max a.
    /// Eight lanes at a time with `VectorExp` (the row's tail through the same function), so
    /// a value depends only on the row, not on where it sits in memory; terms whose exponent
    /// is below `negligible` are 0.
    @discardableResult
    public static func forwardInPlace(_ a: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        if n == 0 { return 0 }
        var m = a[0]
        for i in 1..<n where a[i] > m { m = a[i] }
        var sums = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= n {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) - m
            let e = VectorExp.exp(x).replacing(with: 0, where: x .< negligible)
            UnsafeMutableRawPointer(a + i).storeBytes(of: e, as: SIMD8<Float>.self)
            sums += e
            i &+= 8
        }
        var s = sums.sum()
        while i < n { let x = a[i] - m, e = x < negligible ? 0 : VectorExp.exp(x); a[i] = e; s += e; i &+= 1 }
        let inv = 1 / s
        Lanes.apply(n, a) { inv * Lanes.load(a, $0) } tail: { a[$0] * inv }
        return m
    }

    /// Exponents below this give weight 0: e^−69 ≈ 10⁻³⁰ of the largest weight is far below
    /// what any float sum it enters can resolve, and such weights times a gradient are
    /// subnormal, each a slow microcode assist in the attention backward.
    public static let negligible: Float = -69

    /// da_i = p_i (dp_i − Σ_j p_j dp_j), in place over dp.
    public static func backwardInPlace(p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>, _ n: Int) {
        var s: Float = 0
        for i in 0..<n { s += p[i] * dp[i] }
        for i in 0..<n { dp[i] = p[i] * (dp[i] - s) }
    }
}
