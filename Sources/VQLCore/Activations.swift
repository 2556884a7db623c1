import Foundation

/// Scalar activations and their derivatives, written to be stable in float32.
public enum Activation {
    /// σ(x) = 1 / (1 + e^{−x}).
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }

    /// softplus(x) = log(1 + e^x); d/dx softplus = σ(x).
    @inlinable public static func softplus(_ x: Float) -> Float {
        x > 20 ? x : (x < -20 ? expf(x) : log1pf(expf(x)))
    }

    /// y = max(x, 0) over n floats.
    public static func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
    }

    /// dx = dy · 1[y > 0] over n floats (dx may alias dy).
    public static func reluBackward(_ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dx[i] = y[i] > 0 ? dy[i] : 0 }
    }
}

/// Binary cross-entropy on logits.
public enum BinaryCrossEntropy {
    /// ℓ(z, y) = max(z,0) − z·y + log(1 + e^{−|z|}) = −[y log σ(z) + (1−y) log(1−σ(z))].
    @inlinable public static func loss(logit z: Float, label y: Float) -> Float {
        max(z, 0) - z * y + log1pf(expf(-abs(z)))
    }

    /// ∂ℓ/∂z = σ(z) − y.
    @inlinable public static func gradient(logit z: Float, label y: Float) -> Float {
        Activation.sigmoid(z) - y
    }
}
