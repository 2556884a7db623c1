import Foundation
import Testing
import VQLCore
@testable import VQLModel

/// Adam against a Double reference of its textbook form, θ ← θ − lr·(m/c₁)/(√(v/c₂) + ε),
/// and sparse (row) Adam against the dense update of the same rows.
struct AdamTests {
    let settings = AdamSettings(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)

    /// Gradients of step t for `n` parameters, some tiny so that ε matters.
    func gradients(_ n: Int, step t: Int) -> [Float] {
        var rng = RandomSource(seed: UInt64(100 + t))
        return (0..<n).map { i in (i % 5 == 0 ? 1e-7 : 1) * rng.normal() }
    }

    @Test func denseUpdateFollowsTheReferenceOverSteps() {
        let n = 21   // two 8-lane blocks and a tail
        let store = ParameterStore(shapes: [("w", [n])])
        var rng = RandomSource(seed: 7)
        for i in 0..<n { store.values[i] = rng.normal() }
        var theta = (0..<n).map { Double(store.values[$0]) }
        var m = [Double](repeating: 0, count: n), v = m
        let b1 = Double(settings.beta1), b2 = Double(settings.beta2), lr = Double(settings.learningRate), eps = Double(settings.epsilon)
        for t in 1...20 {
            let g = gradients(n, step: t)
            for i in 0..<n { store.grads[i] = g[i] }
            store.applyAdam(settings, step: t)
            let c1 = 1 - pow(b1, Double(t)), c2 = 1 - pow(b2, Double(t))
            for i in 0..<n {
                m[i] = b1 * m[i] + (1 - b1) * Double(g[i])
                v[i] = b2 * v[i] + (1 - b2) * Double(g[i]) * Double(g[i])
                theta[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        }
        let worst = (0..<n).map { abs(Double(store.values[$0]) - theta[$0]) / max(abs(theta[$0]), 1e-3) }.max()!
        #expect(worst < 1e-5, "largest relative difference to the Double reference: \(worst)")
    }

    /// Touched rows move exactly as the dense update moves the same numbers; untouched rows
    /// and their moments stay as they were. `touched` rows of 64 cover both orders of
    /// `SparseRows.forEachRow` (touch order below 1/8 of the table, row order from it).
    @Test(arguments: [3, 8, 40])
    func sparseRowsMatchTheDenseUpdate(touched: Int) {
        let rows = 64, width = 11
        let table = EmbeddingTable(name: "t", rows: rows, width: width)
        var rng = RandomSource(seed: 3)
        table.initialize(std: 1, rng: &rng)
        let before = table.values.array
        let order = (0..<rows).map { Int32(($0 * 37 + 5) % rows) }.prefix(touched)   // not in id order
        let dense = ParameterStore(shapes: [("rows", [touched * width])])
        for t in 1...3 {
            table.gradient.clear()
            let g = gradients(touched * width, step: t)
            for (k, row) in order.enumerated() {
                let r = table.gradient.row(row)
                for j in 0..<width { r[j] = g[k * width + j]; dense.grads[k * width + j] = g[k * width + j] }
                if t == 1 { for j in 0..<width { dense.values[k * width + j] = before[Int(row) * width + j] } }
            }
            table.applyAdam(settings, step: t)
            dense.applyAdam(settings, step: t)
        }
        var touchedRows = Set<Int>()
        for (k, row) in order.enumerated() {
            touchedRows.insert(Int(row))
            for j in 0..<width {
                #expect(table.values[Int(row) * width + j].bitPattern == dense.values[k * width + j].bitPattern)
                #expect(table.adamV[Int(row) * width + j].bitPattern == dense.adamV[k * width + j].bitPattern)
            }
        }
        for row in 0..<rows where !touchedRows.contains(row) {
            for j in 0..<width {
                #expect(table.values[row * width + j] == before[row * width + j])
                #expect(table.adamM[row * width + j] == 0 && table.adamV[row * width + j] == 0)
            }
        }
    }
}
