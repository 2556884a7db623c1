import Foundation
import VQLCore

/// Target attention of each sample's query over its history, per head h:
///
///     a_{j,h} = q_h·k̂_{j,h}/√d_h + λ_h·Δ_j + b_h(s_j),   Δ_j = (t_j − t_q)/τ ≤ 0
///     o_h     = Σ_j softmax_j(a_{·,h}) v_{j,h}
///
/// Keys, values and static biases live per *distinct item* of the batch (a "slot"); each
/// history position names its slot. With quantized keys, q_h·k̂_{j,h} only takes K values,
/// so the scores are looked up from q_h·C[c]_h, computed once per sample.
///
/// With `uniform` (the `mean` encoder) there are no logits: p_{j,h} = 1/L, o_h = mean_j v_{j,h},
/// and only the values receive gradients.
public struct AttentionOperands {
    public var heads: Int
    public var keyDim: Int
    public var valueDim: Int
    /// q[nS, H·d_h]
    public var queries: UnsafePointer<Float>
    /// k̂[U, H·d_h] (exact keys for `full`; unused when `codes` is set)
    public var keys: UnsafePointer<Float>
    /// v[U, H·d_v]
    public var values: UnsafePointer<Float>
    /// b[U, H], or nil for no static bias
    public var staticBias: UnsafePointer<Float>?
    /// λ[H] = softplus(ρ)
    public var decay: UnsafePointer<Float>
    /// slot of each history position [P], Δ of each position [P], sample offsets [nS+1]
    public var slots: UnsafePointer<Int32>
    public var delta: UnsafePointer<Float>
    public var offsets: UnsafePointer<Int>
    public var samples: Int
    /// Quantized path: codes[U, G] and codewords C[G, K, (H/G)·d_h].
    public var codes: UnsafePointer<Int32>?
    public var codewords: UnsafePointer<Float>?
    public var groups: Int
    public var codebookSize: Int
    /// p_{j,h} = 1/L instead of the softmax (the `mean` encoder).
    public var uniform = false
}

/// Where the attention's gradients go; each is accumulated (+=).
public struct AttentionGradients {
    /// dq[nS, H·d_h] (overwritten)
    public var queries: UnsafeMutablePointer<Float>
    /// dk̂[U, H·d_h]
    public var keys: UnsafeMutablePointer<Float>
    /// dv[U, H·d_v]
    public var values: UnsafeMutablePointer<Float>
    /// db[U, H] or nil
    public var staticBias: UnsafeMutablePointer<Float>?
    /// ∂loss/∂λ[H]
    public var decay: UnsafeMutablePointer<Float>
    /// With flags[U] (0: untouched), a slot's dk̂, dv and db rows are zeroed when a position
    /// first reaches them rather than beforehand, while they are about to be in cache anyway;
    /// the caller zeroes the rows of slots no position reached (`zeroUntouched`).
    public var zeroOnFirstTouch: UnsafeMutablePointer<UInt8>? = nil
}

public enum TargetAttention {
    /// o[nS, H·d_v]; probs[P·H] stores softmax weights, sample s at H·offsets[s], laid out [h][j].
    /// `codeScores` needs H·K floats (quantized path only).
    public static func forward(_ x: AttentionOperands, output o: UnsafeMutablePointer<Float>,
                               probs: UnsafeMutablePointer<Float>, codeScores: UnsafeMutablePointer<Float>) {
        let H = x.heads, dh = x.keyDim, dv = x.valueDim, kw = H * dh, vw = H * dv
        let scale = 1 / Float(dh).squareRoot()
        let hpg = H / x.groups, gw = hpg * dh, K = x.codebookSize
        for s in 0..<x.samples {
            let start = x.offsets[s], L = x.offsets[s + 1] - start
            let q = x.queries + s * kw
            let os = o + s * vw
            os.update(repeating: 0, count: vw)
            if L == 0 { continue }
            let p = probs + H * start
            if x.uniform {
                p.update(repeating: 1 / Float(L), count: H * L)
            } else if let codes = x.codes, let cw = x.codewords {
                for h in 0..<H {
                    let g = h / hpg
                    for c in 0..<K {
                        codeScores[h * K + c] = scale * BLAS.dot(dh, q + h * dh, cw + (g * K + c) * gw + (h % hpg) * dh)
                    }
                }
                for h in 0..<H {
                    let g = h / hpg, ph = p + h * L, cs = codeScores + h * K, lam = x.decay[h]
                    for j in 0..<L {
                        let slot = Int(x.slots[start &+ j])
                        var a = cs[Int(codes[slot &* x.groups &+ g])] + lam * x.delta[start &+ j]
                        if let b = x.staticBias { a += b[slot &* H &+ h] }
                        ph[j] = a
                    }
                }
            } else {
                for h in 0..<H {
                    let ph = p + h * L, qh = q + h * dh, lam = x.decay[h]
                    for j in 0..<L {
                        let slot = Int(x.slots[start + j])
                        var a = scale * BLAS.dot(dh, qh, x.keys + slot * kw + h * dh) + lam * x.delta[start + j]
                        if let b = x.staticBias { a += b[slot * H + h] }
                        ph[j] = a
                    }
                }
            }
            if !x.uniform { for h in 0..<H { Softmax.forwardInPlace(p + h * L, L) } }
            for j in 0..<L {
                let v = x.values + Int(x.slots[start &+ j]) &* vw
                for h in 0..<H { BLAS.axpy(dv, p[h &* L &+ j], v + h &* dv, os + h &* dv) }
            }
        }
    }

    /// Backward of `forward` given dO[nS, H·d_v]. `codeGrads` needs H·K floats; `scratch`
    /// needs 2·H floats.
    public static func backward(_ x: AttentionOperands, output o: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                outputGrad dO: UnsafePointer<Float>, into d: AttentionGradients,
                                codeGrads: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let H = x.heads, dh = x.keyDim, dv = x.valueDim, kw = H * dh, vw = H * dv
        let scale = 1 / Float(dh).squareRoot()
        let hpg = H / x.groups, gw = hpg * dh, K = x.codebookSize
        let dOo = scratch, dLambda = scratch + H
        let groupOfHead = (0..<H).map { $0 / hpg }
        d.queries.update(repeating: 0, count: x.samples * kw)
        for s in 0..<x.samples {
            let start = x.offsets[s], L = x.offsets[s + 1] - start
            if L == 0 { continue }
            let q = x.queries + s * kw, dq = d.queries + s * kw, dOs = dO + s * vw
            let p = probs + H * start
            for h in 0..<H {
                dOo[h] = BLAS.dot(dv, dOs + h * dv, o + s * vw + h * dv)
                dLambda[h] = 0
            }
            if x.codes != nil { codeGrads.update(repeating: 0, count: H * K) }
            // One pass over positions, all heads per position: each slot's rows are touched
            // once. Index arithmetic wraps (&+, &*): offsets are products of buffer sizes
            // that already exist, and overflow checks here sit in the step's hottest loop.
            for j in 0..<L {
                let slot = Int(x.slots[start &+ j])
                let v = x.values + slot &* vw, dvRow = d.values + slot &* vw, dkRow = d.keys + slot &* kw
                if let first = d.zeroOnFirstTouch, first[slot] == 0 {
                    first[slot] = 1
                    dvRow.update(repeating: 0, count: vw)
                    dkRow.update(repeating: 0, count: kw)
                    if let db = d.staticBias { (db + slot &* H).update(repeating: 0, count: H) }
                }
                let dj = x.delta[start &+ j]
                for h in 0..<H {
                    let pj = p[h &* L &+ j], dOh = dOs + h &* dv
                    if x.uniform { BLAS.axpy(dv, pj, dOh, dvRow + h &* dv); continue }  // no logits: nothing reaches q, k, λ or b
                    // da_j = p_j (dO·v_j − dO·o)
                    let da = pj * (axpyAndDot(dv, pj, dOh, v + h &* dv, dvRow + h &* dv) - dOo[h])
                    dLambda[h] += da * dj
                    if let db = d.staticBias { db[slot &* H &+ h] += da }
                    // straight-through: dk̂ flows to the key unchanged
                    BLAS.axpy(dh, da * scale, q + h &* dh, dkRow + h &* dh)
                    if let codes = x.codes {
                        codeGrads[h &* K &+ Int(codes[slot &* x.groups &+ groupOfHead[h]])] += da
                    } else {
                        BLAS.axpy(dh, da * scale, x.keys + (slot &* kw &+ h &* dh), dq + h &* dh)
                    }
                }
            }
            if x.uniform { continue }
            for h in 0..<H { d.decay[h] += dLambda[h] }
            if x.codes != nil, let cw = x.codewords {
                for h in 0..<H {
                    let g = h / hpg
                    for c in 0..<K where codeGrads[h * K + c] != 0 {
                        BLAS.axpy(dh, codeGrads[h * K + c] * scale, cw + (g * K + c) * gw + (h % hpg) * dh, dq + h * dh)
                    }
                }
            }
        }
    }

    /// y += alpha·x over `n` floats, returning x·v: the value row's two uses in backward in
    /// one pass. The dot's partial sums are those of `BLAS.dot`, so its value is too.
    @inline(__always)
    static func axpyAndDot(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                           _ y: UnsafeMutablePointer<Float>) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
            let c = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += a * b
            UnsafeMutableRawPointer(y + i).storeBytes(of: c + alpha * a, as: SIMD8<Float>.self)
            i &+= 8
        }
        var s = acc.sum()
        while i < n { s += x[i] * v[i]; y[i] += alpha * x[i]; i &+= 1 }
        return s
    }
}
