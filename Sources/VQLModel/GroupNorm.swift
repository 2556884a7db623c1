import Foundation

/// LayerNorm without gain or bias over each contiguous group slice of a row
/// (Transformer-VQ's key normalisation): y = (x − μ)/√(σ² + ε) per (row, group).
public enum GroupNorm {
    public static let epsilon: Float = 1e-5

    /// y[n, G·w] from x[n, G·w]; stores 1/√(σ²+ε) per (row, group) in rstd[n, G].
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for r in 0..<n {
            for g in 0..<groups {
                let xs = x + (r * groups + g) * w
                let ys = y + (r * groups + g) * w
                var mean: Float = 0
                for i in 0..<w { mean += xs[i] }
                mean *= inv
                var variance: Float = 0
                for i in 0..<w { let d = xs[i] - mean; variance += d * d }
                variance *= inv
                let rs = 1 / (variance + epsilon).squareRoot()
                rstd[r * groups + g] = rs
                for i in 0..<w { ys[i] = (xs[i] - mean) * rs }
            }
        }
    }

    /// dx = r·(dy − mean(dy) − y·mean(dy ⊙ y)), written into dx[n, G·w].
    public static func backward(y: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, rows n: Int, groups: Int, width w: Int) {
        let inv = 1 / Float(w)
        for r in 0..<n {
            for g in 0..<groups {
                let base = (r * groups + g) * w
                var meanDy: Float = 0, meanDyY: Float = 0
                for i in 0..<w { meanDy += dy[base + i]; meanDyY += dy[base + i] * y[base + i] }
                meanDy *= inv
                meanDyY *= inv
                let rs = rstd[r * groups + g]
                for i in 0..<w { dx[base + i] = rs * (dy[base + i] - meanDy - y[base + i] * meanDyY) }
            }
        }
    }
}
