import VQLCore

/// LayerNorm without gain or bias over each contiguous group slice of a row
/// (Transformer-VQ's key normalisation): y = (x − μ)/√(σ² + ε) per (row, group).
///
/// Sums over a slice are `Lanes.sum`s: a fixed order, so the result depends only on the slice.
public enum GroupNorm {
    public static let epsilon: Float = 1e-5

    /// y[n, G·w] from x[n, G·w]; stores 1/√(σ²+ε) per (row, group) in rstd[n, G].
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for slice in 0..<(n * groups) {
            let xs = x + slice &* w, ys = y + slice &* w
            let mean = Lanes.sum(w) { Lanes.load(xs, $0) } tail: { xs[$0] } * inv
            let variance = Lanes.sum(w) { let d = Lanes.load(xs, $0) - mean; return d * d } tail: { let d = xs[$0] - mean; return d * d } * inv
            let rs = 1 / (variance + epsilon).squareRoot()
            rstd[slice] = rs
            Lanes.apply(w, ys) { (Lanes.load(xs, $0) - mean) * rs } tail: { (xs[$0] - mean) * rs }
        }
    }

    /// dx = r·(dy − mean(dy) − y·mean(dy ⊙ y)), written into dx[n, G·w].
    public static func backward(y: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for slice in 0..<(n * groups) {
            let ys = y + slice &* w, dys = dy + slice &* w
            let meanDy = Lanes.sum(w) { Lanes.load(dys, $0) } tail: { dys[$0] } * inv
            let meanDyY = Lanes.sum(w) { Lanes.load(dys, $0) * Lanes.load(ys, $0) } tail: { dys[$0] * ys[$0] } * inv
            let rs = rstd[slice]
            Lanes.apply(w, dx + slice &* w) { rs * (Lanes.load(dys, $0) - meanDy - Lanes.load(ys, $0) * meanDyY) }
                tail: { rs * (dys[$0] - meanDy - ys[$0] * meanDyY) }
        }
    }
}
