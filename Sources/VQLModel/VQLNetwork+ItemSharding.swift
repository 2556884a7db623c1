import VQLCore

extension VQLNetwork {
    /// Sharded per-item forward: computes this rank's chunk of the union of items, shares
    /// the rows (in place through shared memory, or by an allgather) and fills the local
    /// slots' keys, values, static biases and codes; writes the targets' inputs into
    /// xt[n, 2·d_e]. Returns the local keys [U, H·d_h] (left unfilled with codebooks: see
    /// `ItemShard.rowWidth`).
    func shardedItemForward(_ ex: ItemWorkExchange, targets: [Int32], xt: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let w = work, sh = shape, S = shard
        let dx = sh.inputDim, kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads, G = sh.groups, U = w.slots
        S.buildUnion(localItems: w.slotItems, exchange: ex, itemCount: sh.itemCount)
        let own = Array(S.union[S.chunk]), m = own.count
        let x = S.x.reserve(m * dx), raw = S.raw.reserve(m * kw)
        let bias = sh.staticBias ? w.dScores.reserve(m * H) : nil   // scratch until gathered
        own.withUnsafeBufferPointer {
            ItemEncoder.forward(slotItems: $0.base, count: m, tags: itemTags, itemTable: itemTable,
                                tagTable: tagTable, tagBias: tagBias, x: x, bias: bias)
        }
        Linear.forward(x: x, w: params.value("key.weight"), b: params.value("key.bias"), y: raw, rows: m, inputs: dx, outputs: kw)
        var keys = UnsafeMutablePointer(raw)
        if sh.keyNorm {
            keys = S.keys.reserve(m * kw)
            GroupNorm.forward(x: raw, y: keys, rstd: S.rstd.reserve(m * G), rows: m, groups: G, width: sh.groupWidth)
        }
        let quantized = codebooks != nil
        let width = ItemShard.rowWidth(sh, quantized: quantized), keyPart = quantized ? 0 : kw
        let rows: UnsafeMutablePointer<Float>
        if let memory = ex.rowMemory {
            memory.reserve((S.chunks.map(\.count).max() ?? 0) * width)
            rows = memory.own
        } else {
            rows = S.rows.reserve(m * width)
        }
        let ownValues = w.values.reserve(max(m, U) * vw)   // own values first, local values later
        Linear.forward(x: x, w: params.value("value.weight"), b: params.value("value.bias"), y: ownValues, rows: m, inputs: dx, outputs: vw)
        S.codes = [Int32](repeating: 0, count: quantized ? m * G : 0)
        if let cb = codebooks { S.codes.withUnsafeMutableBufferPointer { cb.assign(keys: keys, rows: m, codes: $0.base, scratch: w.assignScratch) } }
        S.codes.withUnsafeBufferPointer { codes in
            for i in 0..<m {
                let row = rows + i * width
                if !quantized { Lanes.copy(kw, from: keys + i * kw, to: row) }
                Lanes.copy(vw, from: ownValues + i * vw, to: row + keyPart)
                if let bias { Lanes.copy(H, from: bias + i * H, to: row + keyPart + vw) } else { (row + keyPart + vw).update(repeating: 0, count: H) }
                if quantized { for g in 0..<G { row[keyPart + vw + H + g] = Float(bitPattern: UInt32(bitPattern: codes[i * G + g])) } }
            }
        }
        let localKeys = sh.keyNorm ? w.keys.reserve(U * kw) : w.keysRaw.reserve(U * kw)
        let values = w.values.reserve(U * vw), localBias = sh.staticBias ? w.bias.reserve(U * H) : nil
        if quantized { w.codes = [Int32](repeating: 0, count: U * G) }
        w.codes.withUnsafeMutableBufferPointer { codes in
            /// Fills local slot `u` from its item's row.
            @inline(__always) func fill(_ u: Int, from row: UnsafePointer<Float>) {
                if !quantized { Lanes.copy(kw, from: row, to: localKeys + u * kw) }
                Lanes.copy(vw, from: row + keyPart, to: values + u * vw)
                if let localBias { Lanes.copy(H, from: row + keyPart + vw, to: localBias + u * H) }
                if quantized { for g in 0..<G { codes[u * G + g] = Int32(bitPattern: row[keyPart + vw + H + g].bitPattern) } }
            }
            if let memory = ex.rowMemory {
                memory.synchronize()
                // owner by owner, each segment front to back: the other cores' memory streams in
                var remote = 0
                for (r, chunk) in S.chunks.enumerated() {
                    let segment = memory.segment(of: r)
                    for i in chunk {
                        let u = Int(w.slotOfItem[Int(S.union[i])])
                        guard u >= 0 else { continue }
                        fill(u, from: segment + (i - chunk.lowerBound) * width)
                        if r != ex.rank { remote += 1 }
                    }
                }
                S.peerFloatsRead += remote * width
            } else {
                let all = ex.allgather(UnsafeBufferPointer(start: rows, count: m * width), counts: S.chunks.map { $0.count * width })
                all.withUnsafeBufferPointer { a in
                    for u in 0..<U { fill(u, from: a.base + Int(S.unionIndex[Int(w.slotItems[u])]) * width) }
                }
            }
        }
        targets.withUnsafeBufferPointer {
            ItemEncoder.forward(slotItems: $0.base, count: $0.count, tags: itemTags, itemTable: itemTable,
                                tagTable: tagTable, tagBias: nil, x: xt, bias: nil)
        }
        return localKeys
    }

    /// Sharded per-item backward: sums the local slots' (dk, dv, db, occurrences) over ranks,
    /// each rank getting its chunk's sums (read in place from shared memory, or by a
    /// reduce-scatter), then back-propagates this rank's chunk through the key norm, the key
    /// and value projections and the item encoder; the targets' dxt goes to their rows here.
    func shardedItemBackward(_ ex: ItemWorkExchange, dk: UnsafePointer<Float>, dv: UnsafePointer<Float>, db: UnsafePointer<Float>?,
                             targets: [Int32], dxt: UnsafePointer<Float>, scale: Float) {
        let w = work, sh = shape, S = shard
        let dx = sh.inputDim, kw = sh.keyWidth, vw = sh.valueWidth, H = sh.heads
        let m = S.chunk.count
        let dKeys = S.dRaw.reserve(m * (kw + vw + H))
        let dVals = dKeys + m * kw, dBias = dVals + m * vw
        let occurrences = S.occurrences.reserve(m), commitWeights = S.commitWeights.reserve(m)
        if let memory = ex.gradientMemory {
            let layout = SlotGradientLayout(shape: sh, capacity: S.slotCapacity)
            memory.reserve(layout.floats)
            let own = memory.own, U = w.slots   // see `slotGradients` for why they are copied
            (own + layout.keys).update(from: dk, count: U * kw)
            (own + layout.values).update(from: dv, count: U * vw)
            if let db { (own + layout.bias).update(from: db, count: U * H) }
            w.occurrences.withUnsafeBufferPointer { (own + layout.occurrences).update(from: $0.base, count: $0.count) }
            w.commitWeight.withUnsafeBufferPointer { (own + layout.commitWeights).update(from: $0.base, count: $0.count) }
            memory.synchronize()
            sumSlotGradients(memory, into: [(layout.keys, kw, dKeys), (layout.values, vw, dVals),
                                             (layout.occurrences, 1, occurrences), (layout.commitWeights, 1, commitWeights)]
                                            + (sh.staticBias ? [(layout.bias, H, dBias)] : []))
        } else {
            reduceSlotGradients(ex, dk: dk, dv: dv, db: db, into: (dKeys, dVals, dBias, occurrences, commitWeights))
        }
        // commitment β·‖k − sg(C[z])‖²/(H·d_h) of the chunk's keys, weighted by Σ 1/L_s over
        // all ranks' occurrences
        S.commitment = 0
        if let cb = codebooks {
            let keys = sh.keyNorm ? S.keys.pointer : S.raw.pointer, c = 2 * sh.commitment * scale / Float(kw)
            S.codes.withUnsafeBufferPointer { codes in
                for i in 0..<m {
                    let weight = commitWeights[i]
                    guard weight > 0 else { continue }
                    let d2 = cb.commitment(key: keys + i * kw, codes: codes.base + i * sh.groups, gradient: dKeys + i * kw, factor: c * weight)
                    S.commitment += Double(sh.commitment * weight * d2 / Float(kw))
                }
            }
        }
        var dRaw = UnsafeMutablePointer(dKeys)
        let dRawNormed = w.dKeysRaw.reserve(m * kw)
        if sh.keyNorm {
            GroupNorm.backward(y: S.keys.pointer, rstd: S.rstd.pointer, dy: dKeys, dx: dRawNormed, rows: m, groups: sh.groups, width: sh.groupWidth)
            dRaw = dRawNormed
        }
        let dX = S.dX.reserve(m * dx)
        Linear.backward(x: S.x.pointer, w: params.value("key.weight"), dy: dRaw, dx: dX, accumulateInput: false,
                        dw: params.grad("key.weight"), db: params.grad("key.bias"), rows: m, inputs: dx, outputs: kw)
        Linear.backward(x: S.x.pointer, w: params.value("value.weight"), dy: dVals, dx: dX, accumulateInput: true,
                        dw: params.grad("value.weight"), db: params.grad("value.bias"), rows: m, inputs: dx, outputs: vw)
        let own = Array(S.union[S.chunk])
        own.withUnsafeBufferPointer {
            ItemEncoder.backward(slotItems: $0.base, count: m, tags: itemTags, itemTable: itemTable, tagTable: tagTable,
                                 tagBias: tagBias, dx: dX, dbias: sh.staticBias ? UnsafePointer(dBias) : nil)
        }
        targets.withUnsafeBufferPointer {
            ItemEncoder.backward(slotItems: $0.base, count: $0.count, tags: itemTags, itemTable: itemTable, tagTable: tagTable,
                                 tagBias: nil, dx: dxt, dbias: nil)
        }
    }

    /// Codebook statistics of this rank's chunk with the occurrence counts summed over ranks
    /// (valid after `shardedItemBackward`).
    func accumulateShardedStatistics(into stats: UnsafeMutablePointer<Float>) {
        guard let cb = codebooks else { return }
        let S = shard, keys = shape.keyNorm ? S.keys.pointer : S.raw.pointer
        S.codes.withUnsafeBufferPointer { codes in
            cb.accumulateStatistics(keys: keys, codes: codes.base, weight: S.occurrences.pointer, rows: S.chunk.count, into: stats)
        }
    }
}
