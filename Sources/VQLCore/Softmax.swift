import Foundation

/// Max-shifted softmax over one row and its backward.
public enum Softmax {
    /// p_i = e^{a_i − max a} / Σ_j e^{a_j − max a}, in place over n floats. Returns max a.
    @discardableResult
    public static func forwardInPlace(_ a: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        if n == 0 { return 0 }
        var m = a[0]
        for i in 1..<n where a[i] > m { m = a[i] }
        var s: Float = 0
        for i in 0..<n { let e = expf(a[i] - m); a[i] = e; s += e }
        let inv = 1 / s
        for i in 0..<n { a[i] *= inv }
        return m
    }

    /// da_i = p_i (dp_i − Σ_j p_j dp_j), in place over dp.
    public static func backwardInPlace(p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>, _ n: Int) {
        var s: Float = 0
        for i in 0..<n { s += p[i] * dp[i] }
        for i in 0..<n { dp[i] = p[i] * (dp[i] - s) }
    }
}
