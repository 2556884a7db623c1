import Foundation
import VQLCore

extension VQLNetwork {
    /// Backward of the last `forward` for loss = Σ_s BCE_s · scale + commitment · scale
    /// (scale = 1/global batch size). Accumulates into `params.grads` and the tables' sparse
    /// gradients; call `zeroGradients` first.
    public func backward(labels: [Float], scale: Float) {
        let w = work, sh = shape
        let n = w.samples, U = w.slots
        let dx = sh.inputDim, kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads, din = sh.mlpInputDim

        // BCE: ∂/∂z = σ(z) − y
        let dz = w.dLogits.reserve(n)
        for s in 0..<n { dz[s] = scale * BinaryCrossEntropy.gradient(logit: w.logits.pointer[s], label: labels[s]) }

        // MLP, output to input
        var dy = UnsafeMutablePointer(dz)
        for i in stride(from: mlpLayers.count - 1, through: 0, by: -1) {
            let layer = mlpLayers[i]
            let input = i == 0 ? UnsafePointer(w.mlpIn.pointer) : UnsafePointer(w.hidden[i - 1].pointer)
            let dInput = i == 0 ? w.dMlpIn.reserve(n * din) : w.dHidden[i - 1].reserve(n * layer.inputs)
            Linear.backward(x: input, w: params.value(layer.weight), dy: dy, dx: dInput, accumulateInput: false,
                            dw: params.grad(layer.weight), db: params.grad(layer.bias), rows: n, inputs: layer.inputs, outputs: layer.outputs)
            if i > 0 { Activation.reluBackward(w.hidden[i - 1].pointer, dInput, dInput, n * layer.inputs) }
            dy = dInput
        }
        let dIn = w.dMlpIn.pointer
        if let ue = userFeatureEmbedding {
            w.userFeatureValues.withUnsafeBufferPointer { ue.backward(values: $0.isEmpty ? nil : $0.baseAddress, count: n, gradient: dIn + dx + vw, stride: din) }
        }
        let dxt = w.dXTarget.reserve(n * dx), dO = w.dOutput.reserve(n * vw)
        for s in 0..<n {
            (dxt + s * dx).update(from: dIn + s * din, count: dx)
            (dO + s * vw).update(from: dIn + s * din + dx, count: vw)
        }

        // attention
        let keys = sh.keyNorm ? w.keys.pointer : w.keysRaw.pointer
        let dq = w.dQueries.reserve(n * kw)
        let (dk, dv, db) = slotGradients(slots: U)
        var dLambda = [Float](repeating: 0, count: H)
        let lambda = decays()
        dLambda.withUnsafeMutableBufferPointer { dl in
            w.slotTouched.withUnsafeMutableBufferPointer { touched in
                withOperands(keys: keys, lambda: lambda) { ops in
                    TargetAttention.backward(ops, output: w.output.pointer, probs: w.probs.pointer, outputGrad: dO,
                                             into: AttentionGradients(queries: dq, keys: dk, values: dv, staticBias: db, decay: dl.base,
                                                                      zeroOnFirstTouch: touched.baseAddress),
                                             codeGrads: w.codeGrads.reserve(H * sh.codebookSize), scratch: w.dScores.reserve(2 * H))
                }
            }
        }
        zeroUntouched(dk: dk, dv: dv, db: db)
        // λ = softplus(ρ): dρ = dλ·σ(ρ)
        let rho = params.value("decay.rho"), drho = params.grad("decay.rho")
        for h in 0..<H { drho[h] += dLambda[h] * Activation.sigmoid(rho[h]) }

        // commitment β·‖k − sg(k̂)‖²/(H·d_h), weighted by Σ 1/L_s over the key's occurrences
        if let cb = codebooks, shard.exchange == nil {  // sharded: the key's owner adds it
            let c = 2 * sh.commitment * scale / Float(kw)
            w.codes.withUnsafeBufferPointer { codes in
                for u in 0..<U where w.commitWeight[u] > 0 {
                    _ = cb.commitment(key: keys + u * kw, codes: codes.base + u * sh.groups, gradient: dk + u * kw, factor: c * w.commitWeight[u])
                }
            }
        }
        if let ex = shard.exchange {
            Linear.backward(x: w.xTarget.pointer, w: params.value("query.weight"), dy: dq, dx: dxt, accumulateInput: true,
                            dw: params.grad("query.weight"), db: params.grad("query.bias"), rows: n, inputs: dx, outputs: kw)
            shardedItemBackward(ex, dk: dk, dv: dv, db: db.map { UnsafePointer($0) }, targets: shard.targets, dxt: dxt, scale: scale)
            return
        }
        var dRaw = dk
        if sh.keyNorm {
            dRaw = w.dKeysRaw.reserve(U * kw)
            GroupNorm.backward(y: w.keys.pointer, rstd: w.keyRstd.pointer, dy: dk, dx: dRaw, rows: U, groups: sh.groups, width: sh.groupWidth)
        }

        // projections
        let x = w.x.pointer, dX = w.dX.reserve(U * dx)
        Linear.backward(x: x, w: params.value("key.weight"), dy: dRaw, dx: dX, accumulateInput: false,
                        dw: params.grad("key.weight"), db: params.grad("key.bias"), rows: U, inputs: dx, outputs: kw)
        Linear.backward(x: x, w: params.value("value.weight"), dy: dv, dx: dX, accumulateInput: true,
                        dw: params.grad("value.weight"), db: params.grad("value.bias"), rows: U, inputs: dx, outputs: vw)
        Linear.backward(x: w.xTarget.pointer, w: params.value("query.weight"), dy: dq, dx: dxt, accumulateInput: true,
                        dw: params.grad("query.weight"), db: params.grad("query.bias"), rows: n, inputs: dx, outputs: kw)
        for s in 0..<n { BLAS.axpy(dx, 1, dxt + s * dx, dX + Int(w.targetSlot[s]) * dx) }

        w.slotItems.withUnsafeBufferPointer {
            ItemEncoder.backward(slotItems: $0.base, count: U, tags: itemTags, itemTable: itemTable, tagTable: tagTable,
                                 tagBias: tagBias, dx: dX, dbias: db.map { UnsafePointer($0) })
        }
    }
}
