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

extension ParameterStore {
    /// One Adam step over the whole flat buffer (t ≥ 1):
    /// m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
    public func applyAdam(_ s: AdamSettings, step t: Int) {
        let c1 = 1 - powf(s.beta1, Float(t)), c2 = 1 - powf(s.beta2, Float(t))
        let p = values.pointer, g = grads.pointer, m = adamM.pointer, v = adamV.pointer
        for i in 0..<count {
            let gi = g[i]
            m[i] = s.beta1 * m[i] + (1 - s.beta1) * gi
            v[i] = s.beta2 * v[i] + (1 - s.beta2) * gi * gi
            p[i] -= s.learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + s.epsilon)
        }
    }
}
