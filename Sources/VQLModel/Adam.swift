import Foundation
import VQLCore

/// Adam hyperparameters.
public struct AdamSettings: Sendable, Equatable, Codable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

extension AdamSettings {
    /// One Adam step on `n` contiguous parameters with bias corrections c₁ = 1−β₁ᵗ, c₂ = 1−β₂ᵗ:
    /// m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − (lr/c₁)·m / (√v·(1/√c₂) + ε),
    /// PyTorch's arrangement of (lr·m/c₁) / (√(v/c₂) + ε) with its scalar division turned
    /// into a product: one division and one square root per element instead of three
    /// divisions and a root. Eight lanes at a time; each lane does the scalar tail's
    /// operations in the same order (square roots and quotients are correctly rounded either
    /// way), so results do not depend on where a row starts.
    @inline(__always)
    func update(_ n: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, c1: Float, c2: Float) {
        let b1 = beta1, b2 = beta2, a1 = 1 - beta1, a2 = 1 - beta2, eps = epsilon
        let stepSize = learningRate / c1, rootScale = 1 / c2.squareRoot()
        var i = 0
        while i &+ 8 <= n {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
            let mi = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self) + a1 * gi
            let vi = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self) + a2 * gi * gi
            let pi = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: pi - stepSize * (mi / (Lanes.squareRoot(vi) * rootScale + eps)), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < n {
            let gi = g[i]
            m[i] = b1 * m[i] + a1 * gi
            v[i] = b2 * v[i] + a2 * gi * gi
            p[i] -= stepSize * (m[i] / (v[i].squareRoot() * rootScale + eps))
            i &+= 1
        }
    }

    /// The bias corrections (1−β₁ᵗ, 1−β₂ᵗ) of step t ≥ 1.
    func corrections(step t: Int) -> (Float, Float) { (1 - powf(beta1, Float(t)), 1 - powf(beta2, Float(t))) }
}

extension ParameterStore {
    /// One Adam step over the whole flat buffer (t ≥ 1), `AdamSettings.update`.
    public func applyAdam(_ s: AdamSettings, step t: Int) {
        let (c1, c2) = s.corrections(step: t)
        s.update(count, parameters: values.pointer, gradients: grads.pointer, m: adamM.pointer, v: adamV.pointer, c1: c1, c2: c2)
    }
}
