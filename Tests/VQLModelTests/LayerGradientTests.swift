import Testing
import VQLCore
@testable import VQLModel

/// Every input of every layer against finite differences, through f = Σ r ⊙ layer(inputs).
/// Inputs live in `FloatBuffer`s so the check can perturb them while f reads them.
struct LayerGradientTests {
    let check = DirectionalCheck()

    func random(_ n: Int, _ rng: inout RandomSource, scale: Float = 1) -> FloatBuffer {
        FloatBuffer((0..<n).map { _ in scale * rng.normal() })
    }

    func weighted(_ y: [Float], _ r: FloatBuffer) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y[i] * r[i]) }
        return s
    }

    func expectClose(_ values: FloatBuffer, _ gradient: [Float], seed: UInt64, _ what: String, _ f: () -> Double) {
        let err = check.worstRelativeError(values: values.pointer, gradient: gradient, count: values.count, seed: seed, loss: f)
        #expect(err < 1e-2, "\(what): relative error \(err)")
    }

    @Test func linearInputsWeightsAndBias() {
        var rng = RandomSource(seed: 1)
        let n = 3, i = 4, o = 5
        let x = random(n * i, &rng), w = random(o * i, &rng), b = random(o, &rng), r = random(n * o, &rng)
        func f() -> Double {
            var y = [Float](repeating: 0, count: n * o)
            Linear.forward(x: x.pointer, w: w.pointer, b: b.pointer, y: &y, rows: n, inputs: i, outputs: o)
            return weighted(y, r)
        }
        var dx = [Float](repeating: 0, count: n * i), dw = [Float](repeating: 0, count: o * i), db = [Float](repeating: 0, count: o)
        Linear.backward(x: x.pointer, w: w.pointer, dy: r.pointer, dx: &dx, accumulateInput: false, dw: &dw, db: &db,
                        rows: n, inputs: i, outputs: o)
        expectClose(x, dx, seed: 2, "linear input", f)
        expectClose(w, dw, seed: 3, "linear weight", f)
        expectClose(b, db, seed: 4, "linear bias", f)
    }

    /// Widths below, at and above one SIMD8 (the vector body and the scalar tail).
    @Test(arguments: [6, 8, 13]) func groupNormInput(width w: Int) {
        var rng = RandomSource(seed: 5)
        let n = 4, g = 2
        let x = random(n * g * w, &rng), r = random(n * g * w, &rng)
        func run() -> ([Float], [Float]) {
            var y = [Float](repeating: 0, count: x.count), rs = [Float](repeating: 0, count: n * g)
            GroupNorm.forward(x: x.pointer, y: &y, rstd: &rs, rows: n, groups: g, width: w)
            return (y, rs)
        }
        let (y, rstd) = run()
        var dx = [Float](repeating: 0, count: x.count)
        GroupNorm.backward(y: y, rstd: rstd, dy: r.pointer, dx: &dx, rows: n, groups: g, width: w)
        expectClose(x, dx, seed: 6, "group norm input") { weighted(run().0, r) }
    }

    @Test func softmaxInput() {
        var rng = RandomSource(seed: 7)
        let a = random(9, &rng), r = random(9, &rng)
        func run() -> [Float] { var p = a.array; Softmax.forwardInPlace(&p, 9); return p }
        let p = run()
        var dp = r.array
        Softmax.backwardInPlace(p: p, &dp, 9)
        expectClose(a, dp, seed: 8, "softmax input") { weighted(run(), r) }
    }

    @Test func binaryCrossEntropyLogit() {
        for (z, y) in [(Float(0.3), Float(1)), (-2.5, 0), (4, 0), (-1, 1)] {
            let zz = FloatBuffer([z])
            expectClose(zz, [BinaryCrossEntropy.gradient(logit: z, label: y)], seed: 9, "bce logit") {
                Double(BinaryCrossEntropy.loss(logit: zz[0], label: y))
            }
        }
    }

    @Test func reluInput() {
        let x = FloatBuffer([0.5, -0.7, 1.3, -0.2, 0.9]), r = FloatBuffer([0.3, -1, 2, 0.5, -0.4])
        func run() -> [Float] { var y = x.array; Activation.reluForward(x.pointer, &y, 5); return y }
        var dx = [Float](repeating: 0, count: 5)
        Activation.reluBackward(run(), r.pointer, &dx, 5)
        expectClose(x, dx, seed: 10, "relu input") { weighted(run(), r) }
    }
}
