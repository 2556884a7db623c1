import Testing
import VQLCore
@testable import VQLModel

/// Every input of the attention layer against finite differences, through f = Σ r ⊙ o:
/// queries, keys (exact path), values, static biases and decays; on the quantized path the
/// codewords, whose gradient is the straight-through dk̂ summed over the slots of each code.
struct AttentionGradientTests {
    let H = 4, G = 2, dh = 3, dv = 2, K = 5, U = 7
    let offsets = [0, 0, 1, 6, 15]   // L = 0, 1, 5, 9

    struct Inputs {
        let q, keys, values, bias, decay, codewords, r: FloatBuffer
        let slots: [Int32], delta: [Float], codes: [Int32]
    }

    func inputs(seed: UInt64) -> Inputs {
        var rng = RandomSource(seed: seed)
        func buf(_ n: Int, _ s: Float = 1) -> FloatBuffer { FloatBuffer((0..<n).map { _ in s * rng.normal() }) }
        let P = offsets.last!, n = offsets.count - 1
        return Inputs(q: buf(n * H * dh), keys: buf(U * H * dh), values: buf(U * H * dv), bias: buf(U * H, 0.5),
                      decay: FloatBuffer((0..<H).map { _ in 0.2 + rng.uniform() }), codewords: buf(G * K * (H / G) * dh),
                      r: buf(n * H * dv), slots: (0..<P).map { _ in Int32(rng.below(U)) },
                      delta: (0..<P).map { _ in -3 * rng.uniform() }, codes: (0..<(U * G)).map { _ in Int32(rng.below(K)) })
    }

    func run(_ x: Inputs, quantized: Bool, backward: Bool) -> (f: Double, grads: [String: [Float]]) {
        let n = offsets.count - 1, P = offsets.last!
        var o = [Float](repeating: 0, count: n * H * dv), probs = [Float](repeating: 0, count: P * H)
        var scores = [Float](repeating: 0, count: H * K)
        var grads: [String: [Float]] = [:]
        x.slots.withUnsafeBufferPointer { slots in
            x.delta.withUnsafeBufferPointer { delta in
                x.codes.withUnsafeBufferPointer { codes in
                    offsets.withUnsafeBufferPointer { off in
                        let ops = AttentionOperands(heads: H, keyDim: dh, valueDim: dv, queries: x.q.pointer, keys: x.keys.pointer,
                                                    values: x.values.pointer, staticBias: x.bias.pointer, decay: x.decay.pointer,
                                                    slots: slots.base, delta: delta.base, offsets: off.base, samples: n,
                                                    codes: quantized ? codes.base : nil, codewords: quantized ? x.codewords.pointer : nil,
                                                    groups: G, codebookSize: K)
                        TargetAttention.forward(ops, output: &o, probs: &probs, codeScores: &scores)
                        guard backward else { return }
                        var dq = [Float](repeating: 0, count: n * H * dh), dk = [Float](repeating: 0, count: U * H * dh)
                        var dvv = [Float](repeating: 0, count: U * H * dv), db = [Float](repeating: 0, count: U * H)
                        var dl = [Float](repeating: 0, count: H), cg = [Float](repeating: 0, count: H * K), scratch = [Float](repeating: 0, count: 2 * H)
                        dq.withUnsafeMutableBufferPointer { dqp in dk.withUnsafeMutableBufferPointer { dkp in
                            dvv.withUnsafeMutableBufferPointer { dvp in db.withUnsafeMutableBufferPointer { dbp in
                                dl.withUnsafeMutableBufferPointer { dlp in
                                    TargetAttention.backward(ops, output: o, probs: probs, outputGrad: x.r.pointer,
                                                             into: AttentionGradients(queries: dqp.base, keys: dkp.base, values: dvp.base,
                                                                                      staticBias: dbp.base, decay: dlp.base),
                                                             codeGrads: &cg, scratch: &scratch)
                                } } } } }
                        grads = ["q": dq, "keys": dk, "values": dvv, "bias": db, "decay": dl]
                    }
                }
            }
        }
        var f = 0.0
        for i in 0..<o.count { f += Double(o[i] * x.r[i]) }
        return (f, grads)
    }

    @Test(arguments: [false, true])
    func everyInput(quantized: Bool) {
        let x = inputs(seed: quantized ? 2 : 1)
        let g = run(x, quantized: quantized, backward: true).grads
        let check = DirectionalCheck()
        var checked: [(String, FloatBuffer, [Float])] = [("q", x.q, g["q"]!), ("values", x.values, g["values"]!),
                                                          ("bias", x.bias, g["bias"]!), ("decay", x.decay, g["decay"]!)]
        if quantized {
            // ∂f/∂C[g, c, slice of head h] = Σ_{slots u: z[u,g] = c} dk̂[u, h]
            let hpg = H / G, gw = hpg * dh
            var dc = [Float](repeating: 0, count: G * K * gw)
            for u in 0..<U {
                for h in 0..<H {
                    let grp = h / hpg, c = Int(x.codes[u * G + grp])
                    for k in 0..<dh { dc[(grp * K + c) * gw + (h % hpg) * dh + k] += g["keys"]![(u * H + h) * dh + k] }
                }
            }
            checked.append(("codewords", x.codewords, dc))
        } else {
            checked.append(("keys", x.keys, g["keys"]!))
        }
        for (name, values, gradient) in checked {
            let err = check.worstRelativeError(values: values.pointer, gradient: gradient, count: values.count, seed: 3) {
                run(x, quantized: quantized, backward: false).f
            }
            #expect(err < 1e-2, "\(quantized ? "vq" : "exact") attention input \(name): relative error \(err)")
        }
    }
}
