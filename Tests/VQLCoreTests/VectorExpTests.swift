import Foundation
import Testing
import VQLCore

@Test func vectorExpMatchesTheCLibraryWithinTwoTenMillionths() {
    var worst: Double = 0
    var x: Float = -87
    while x < 87.9 {
        let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 1.37e-3 })
        let e = VectorExp.exp(lanes)
        for k in 0..<8 {
            let exact = Foundation.exp(Double(lanes[k]))
            worst = max(worst, abs(Double(e[k]) - exact) / exact)
        }
        x += 0.0173
    }
    #expect(worst <= 2e-7, "worst relative error \(worst)")
    #expect(VectorExp.exp(0) == 1)
    #expect(VectorExp.exp(-1000) == 0 && VectorExp.exp(-87.4) == 0 && VectorExp.exp(-87.2).isNormal)
    #expect(VectorExp.exp(Float.nan).isNaN)
    #expect(VectorExp.exp(1000).isFinite)
}

@Test func softmaxRowsSumToOneAndDoNotDependOnTheirStart() {
    var rng = RandomSource(seed: 3)
    for n in [1, 7, 8, 9, 100] {
        let row = (0..<n).map { _ in 4 * rng.normal() }
        var a = row, shifted = [Float(0)] + row
        Softmax.forwardInPlace(&a, n)
        shifted.withUnsafeMutableBufferPointer { _ = Softmax.forwardInPlace($0.baseAddress! + 1, n) }
        #expect(abs(a.reduce(0, +) - 1) < 1e-5)
        #expect(a == Array(shifted.dropFirst()))
        let reference = row.map { Foundation.exp(Double($0 - row.max()!)) }
        let total = reference.reduce(0, +)
        for (p, r) in zip(a, reference) { #expect(abs(Double(p) - r / total) <= 1e-6) }
    }
    // Weights below e^−69 of the largest are 0, never subnormal, in the vector body and the tail.
    for n in [3, 9] {
        var a = [Float](repeating: 0, count: n)
        a[0] = 80
        a[n - 1] = 80 + Softmax.negligible + 0.5
        Softmax.forwardInPlace(&a, n)
        #expect(a[1] == 0 && a[n - 1] > 0 && a[n - 1].isNormal, "\(a)")
    }
}
