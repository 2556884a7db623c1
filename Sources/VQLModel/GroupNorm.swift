import VQLCore

/// LayerNorm without gain or bias over each contiguous group slice of a row
/// (Transformer-VQ's key normalisation): y = (x − μ)/√(σ² + ε) per (row, group).
///
/// Sums over a slice use eight partial sums (one SIMD8, then its lanes in order), like
/// `BLAS.dot`: a fixed order, so the result depends only on the slice.
public enum GroupNorm {
    public static let epsilon: Float = 1e-5

    /// y[n, G·w] from x[n, G·w]; stores 1/√(σ²+ε) per (row, group) in rstd[n, G].
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for slice in 0..<(n * groups) {
            let xs = x + slice &* w, ys = y + slice &* w
            let mean = sum(w) { load(xs, $0) } tail: { xs[$0] } * inv
            let variance = sum(w) { let d = load(xs, $0) - mean; return d * d } tail: { let d = xs[$0] - mean; return d * d } * inv
            let rs = 1 / (variance + epsilon).squareRoot()
            rstd[slice] = rs
            apply(w, ys) { (load(xs, $0) - mean) * rs } tail: { (xs[$0] - mean) * rs }
        }
    }

    /// dx = r·(dy − mean(dy) − y·mean(dy ⊙ y)), written into dx[n, G·w].
    public static func backward(y: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for slice in 0..<(n * groups) {
            let ys = y + slice &* w, dys = dy + slice &* w
            let meanDy = sum(w) { load(dys, $0) } tail: { dys[$0] } * inv
            let meanDyY = sum(w) { load(dys, $0) * load(ys, $0) } tail: { dys[$0] * ys[$0] } * inv
            let rs = rstd[slice]
            apply(w, dx + slice &* w) { rs * (load(dys, $0) - meanDy - load(ys, $0) * meanDyY) }
                tail: { rs * (dys[$0] - meanDy - ys[$0] * meanDyY) }
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Σ_i term(i) over 0..<n: `lanes(i)` gives terms i..<i+8, `tail(i)` one term.
    @inline(__always)
    static func sum(_ n: Int, _ lanes: (Int) -> SIMD8<Float>, tail: (Int) -> Float) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= n { acc += lanes(i); i &+= 8 }
        var s = acc.sum()
        while i < n { s += tail(i); i &+= 1 }
        return s
    }

    /// out[i] = value(i) over 0..<n, eight at a time.
    @inline(__always)
    static func apply(_ n: Int, _ out: UnsafeMutablePointer<Float>, _ lanes: (Int) -> SIMD8<Float>, tail: (Int) -> Float) {
        var i = 0
        while i &+ 8 <= n { UnsafeMutableRawPointer(out + i).storeBytes(of: lanes(i), as: SIMD8<Float>.self); i &+= 8 }
        while i < n { out[i] = tail(i); i &+= 1 }
    }
}
