import Foundation
import VQLCore

/// Sums over the samples of one forward pass (not yet divided by the global batch size).
public struct ForwardLosses: Sendable {
    /// Σ_s BCE(logit_s, y_s)
    public var crossEntropy: Double = 0
    /// Σ_s β·(1/L_s)·Σ_j ‖k_j − k̂_j‖² / (H·d_h)
    public var commitment: Double = 0
}

extension VQLNetwork {
    /// Runs the tower over `batch`, keeping what backward needs. Returns logits[nS].
    /// With `itemExchange` (training on several ranks) the per-item work is split across the
    /// ranks (`ItemShard`); every rank must then call forward and backward together.
    @discardableResult
    public func forward(_ batch: SampleBatch, itemExchange: ItemWorkExchange? = nil) -> [Float] {
        let w = work, sh = shape
        let previousCodes = freezeCodes ? w.codes : nil
        w.index(batch, timeUnitMs: sh.timeUnitSeconds * 1000, shape: sh, tags: itemTags)
        let n = w.samples, U = w.slots
        let dx = sh.inputDim, kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads
        shard.exchange = itemExchange
        shard.targets = itemExchange == nil ? [] : batch.targetItem

        let xt = w.xTarget.reserve(n * dx)
        var keys: UnsafeMutablePointer<Float>
        if let ex = itemExchange {
            keys = shardedItemForward(ex, targets: batch.targetItem, xt: xt)
        } else {
            let x = w.x.reserve(U * dx), bias = sh.staticBias ? w.bias.reserve(U * H) : nil
            w.slotItems.withUnsafeBufferPointer {
                ItemEncoder.forward(slotItems: $0.base, count: U, tags: itemTags, itemTable: itemTable,
                                    tagTable: tagTable, tagBias: tagBias, x: x, bias: bias)
            }
            for s in 0..<n { (xt + s * dx).update(from: x + Int(w.targetSlot[s]) * dx, count: dx) }
            let raw = w.keysRaw.reserve(U * kw)
            Linear.forward(x: x, w: params.value("key.weight"), b: params.value("key.bias"), y: raw, rows: U, inputs: dx, outputs: kw)
            keys = UnsafeMutablePointer(raw)
            if sh.keyNorm {
                keys = w.keys.reserve(U * kw)
                GroupNorm.forward(x: raw, y: keys, rstd: w.keyRstd.reserve(U * sh.groups), rows: U, groups: sh.groups, width: sh.groupWidth)
            }
            let v = w.values.reserve(U * vw)
            Linear.forward(x: x, w: params.value("value.weight"), b: params.value("value.bias"), y: v, rows: U, inputs: dx, outputs: vw)
        }
        let q = w.queries.reserve(n * kw)
        Linear.forward(x: xt, w: params.value("query.weight"), b: params.value("query.bias"), y: q, rows: n, inputs: dx, outputs: kw)

        if let cb = codebooks {
            if itemExchange != nil {
                // codes came with the rows
            } else if let previousCodes, previousCodes.count == U * sh.groups {
                w.codes = previousCodes
            } else {
                if w.codes.count < U * sh.groups { w.codes = [Int32](repeating: 0, count: U * sh.groups) }
                w.codes.withUnsafeMutableBufferPointer { cb.assign(keys: keys, rows: U, codes: $0.base, scratch: w.assignScratch) }
                w.codes.removeLast(w.codes.count - U * sh.groups)
            }
            // Attention reads codes and q·C (k̂ = C[z] is never materialised), except that with
            // codes frozen it sees the straight-through k̂ = k + sg(C[z] − k), keys moved by the
            // frozen residual, so finite differences measure exactly the estimator backward uses.
            if freezeCodes {
                precondition(w.frozenResidual.count == U * kw, "freezeCodeAssignments() after a forward of the same batch")
                let st = w.straightThrough.reserve(U * kw)
                for i in 0..<(U * kw) { st[i] = keys[i] + w.frozenResidual[i] }
            }
        }

        if sh.encoder == .topk {
            w.restrictToTopK(queries: q, keys: keys, keyWidth: kw, keyDim: sh.keyDim, k: sh.retrieveK, reuse: freezeCodes)
        }
        let P = w.positionSlot.count
        let lambda = decays()
        let o = w.output.reserve(n * vw), probs = w.probs.reserve(P * H)
        withOperands(keys: keys, lambda: lambda) { ops in
            TargetAttention.forward(ops, output: o, probs: probs, codeScores: w.codeScores.reserve(H * sh.codebookSize))
        }

        let din = sh.mlpInputDim
        let hin = w.mlpIn.reserve(n * din)
        for s in 0..<n {
            (hin + s * din).update(from: xt + s * dx, count: dx)
            (hin + s * din + dx).update(from: o + s * vw, count: vw)
        }
        if let ue = userFeatureEmbedding {
            precondition(batch.userFeatures.isEmpty || batch.userFeatures.count == n * ue.count,
                         "user features: expected \(ue.count) values per sample, found \(batch.userFeatures.count) for \(n) samples")
            w.userFeatureValues = batch.userFeatures
            w.userFeatureValues.withUnsafeBufferPointer { ue.forward(values: $0.isEmpty ? nil : $0.baseAddress, count: n, into: hin + dx + vw, stride: din) }
        }
        var input = UnsafePointer(hin)
        for (i, layer) in mlpLayers.enumerated() {
            let last = i == mlpLayers.count - 1
            let y = last ? w.logits.reserve(n) : w.hidden[i].reserve(n * layer.outputs)
            Linear.forward(x: input, w: params.value(layer.weight), b: params.value(layer.bias), y: y,
                           rows: n, inputs: layer.inputs, outputs: layer.outputs)
            if !last { Activation.reluForward(y, y, n * layer.outputs) }
            input = UnsafePointer(y)
        }
        return Array(UnsafeBufferPointer(start: w.logits.pointer, count: n))
    }

    /// Freezes the last forward's code assignments and quantization residuals C[z] − k, so
    /// later forwards of the same batch compute k̂ = k + sg(C[z] − k): the function whose
    /// derivative the straight-through backward is (gradient checks).
    public func freezeCodeAssignments() {
        let w = work, n = w.slots * shape.keyWidth
        let keys = shape.keyNorm ? w.keys.pointer : w.keysRaw.pointer
        guard let cb = codebooks else { w.frozenResidual = []; freezeCodes = true; return }
        let kw = shape.keyWidth, G = shape.groups, gw = shape.groupWidth
        w.frozenResidual = (0..<n).map { i in
            let u = i / kw, g = (i % kw) / gw
            return cb.codeword(g, Int(w.codes[u * G + g]))[i % gw] - keys[i]
        }
        let st = w.straightThrough.reserve(n)
        for i in 0..<n { st[i] = keys[i] + w.frozenResidual[i] }
        freezeCodes = true
    }

    /// Loss sums of the last forward for `labels`. With an item exchange the commitment sum
    /// is this rank's share, known only after `backward` (its keys' owners compute it): call
    /// this after backward.
    public func losses(labels: [Float]) -> ForwardLosses {
        let w = work
        var out = ForwardLosses()
        for s in 0..<w.samples {
            out.crossEntropy += Double(BinaryCrossEntropy.loss(logit: w.logits.pointer[s], label: labels[s]))
        }
        if codebooks != nil && shard.exchange != nil {
            out.commitment = shard.commitment
        } else if let cb = codebooks {
            let kw = shape.keyWidth
            let keys = shape.keyNorm ? w.keys.pointer : w.keysRaw.pointer
            w.codes.withUnsafeBufferPointer { codes in
                for u in 0..<w.slots where w.commitWeight[u] > 0 {
                    let d2 = cb.commitment(key: keys + u * kw, codes: codes.base + u * shape.groups, gradient: nil, factor: 0)
                    out.commitment += Double(shape.commitment * w.commitWeight[u] * d2 / Float(kw))
                }
            }
        }
        return out
    }

    /// Adds the last forward's codebook statistics (n_c, m_c over history occurrences) to `stats`.
    public func accumulateCodebookStatistics(into stats: UnsafeMutablePointer<Float>) {
        if shard.exchange != nil { accumulateShardedStatistics(into: stats); return }
        guard let cb = codebooks else { return }
        let w = work
        let keys = shape.keyNorm ? w.keys.pointer : w.keysRaw.pointer
        w.codes.withUnsafeBufferPointer { codes in
            w.occurrences.withUnsafeBufferPointer { occ in
                cb.accumulateStatistics(keys: keys, codes: codes.base, weight: occ.base, rows: w.slots, into: stats)
            }
        }
    }

    func withOperands(keys: UnsafePointer<Float>, lambda: [Float], _ body: (AttentionOperands) -> Void) {
        let w = work, sh = shape
        w.positionSlot.withUnsafeBufferPointer { slots in
            w.delta.withUnsafeBufferPointer { delta in
                w.codes.withUnsafeBufferPointer { codes in
                    w.offsets.withUnsafeBufferPointer { offsets in
                        lambda.withUnsafeBufferPointer { lam in
                            body(AttentionOperands(
                                heads: sh.heads, keyDim: sh.keyDim, valueDim: sh.valueDim,
                                queries: w.queries.pointer, keys: codebooks != nil && freezeCodes ? UnsafePointer(w.straightThrough.pointer) : keys,
                                values: w.values.pointer, staticBias: sh.staticBias ? UnsafePointer(w.bias.pointer) : nil,
                                decay: lam.base, slots: slots.base, delta: delta.base,
                                offsets: offsets.base, samples: w.samples,
                                codes: codebooks == nil || freezeCodes ? nil : codes.base,
                                codewords: codebooks.map { UnsafePointer($0.codewords.pointer) },
                                groups: sh.groups, codebookSize: sh.codebookSize, uniform: sh.encoder == .mean))
                        }
                    }
                }
            }
        }
    }
}
