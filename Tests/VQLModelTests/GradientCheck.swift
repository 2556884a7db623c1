import Foundation
import VQLCore

/// Directional central differences: for a unit direction d over the checked values,
/// compares (f(θ+εd) − f(θ−εd)) / 2ε with the analytic ⟨∇f, d⟩.
struct DirectionalCheck {
    var epsilon: Float = 1e-2
    var directions = 3

    /// Worst relative error over `directions` random directions.
    /// `values` is perturbed in place and restored; `gradient` is ∇f at the unperturbed θ.
    func worstRelativeError(values: UnsafeMutablePointer<Float>, gradient: [Float], count: Int, seed: UInt64,
                            loss: () -> Double) -> Double {
        var rng = RandomSource(seed: seed)
        var worst = 0.0
        var worstPair = (0.0, 0.0)
        // GC_VERBOSE=1 prints the worst pair of each check, to see how far off a failing one is
        defer { if ProcessInfo.processInfo.environment["GC_VERBOSE"] != nil { print("numeric \(worstPair.0) analytic \(worstPair.1)") } }
        for _ in 0..<directions {
            // half along the gradient (signal well above float32 rounding), half random (so an
            // error in any direction shows)
            let r = unit((0..<count).map { _ in rng.normal() })
            let g = unit(gradient)
            let d = unit((0..<count).map { g[$0] + r[$0] })
            let original = Array(UnsafeBufferPointer(start: values, count: count))
            for i in 0..<count { values[i] = original[i] + epsilon * d[i] }
            let plus = loss()
            for i in 0..<count { values[i] = original[i] - epsilon * d[i] }
            let minus = loss()
            for i in 0..<count { values[i] = original[i] }
            let numeric = (plus - minus) / Double(2 * epsilon)
            var analytic = 0.0
            for i in 0..<count { analytic += Double(gradient[i]) * Double(d[i]) }
            // 5e-4 sits above the float32 rounding of a loss near 1 divided by 2ε; it only matters
            // for derivatives that are truly ~0 (a key bias that the softmax cancels).
            let denominator = max(abs(numeric), abs(analytic)) + 5e-4
            let error = abs(numeric - analytic) / denominator
            if error > worst { worst = error; worstPair = (numeric, analytic) }
        }
        return worst
    }

    private func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
