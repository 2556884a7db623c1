import VQLCore

/// Per-step activations and gradient buffers of `VQLNetwork`, allocated once and grown
/// on demand, so steady-state steps allocate nothing.
final class Workspace {
    // batch indexing
    var slotItems: [Int32] = []
    var targetSlot: [Int32] = []
    var positionSlot: [Int32] = []
    var delta: [Float] = []
    /// occurrences of each slot in the batch's histories (codebook statistics weight)
    var occurrences: [Float] = []
    /// Σ over occurrences of 1/L_s (commitment weight)
    var commitWeight: [Float] = []
    /// Per slot, whether attention's backward has reached it (`zeroOnFirstTouch`).
    var slotTouched: [UInt8] = []
    var slotOfItem: [Int32]
    /// history offsets of the samples [nS+1]
    var offsets: [Int] = [0]
    var samples = 0
    var slots = 0
    /// history positions chosen for the current sample (scratch of `index`)
    var selected: [Int] = []
    /// `topk`: kept positions (relative to the sample's history) of each sample, and scores
    var keptPositions: [[Int]] = []
    let selectionScores = ScratchBuffer()

    // activations
    let x = ScratchBuffer(), bias = ScratchBuffer(), xTarget = ScratchBuffer(), queries = ScratchBuffer()
    let keysRaw = ScratchBuffer(), keys = ScratchBuffer(), keyRstd = ScratchBuffer()
    let values = ScratchBuffer(), output = ScratchBuffer(), probs = ScratchBuffer(), codeScores = ScratchBuffer()
    let mlpIn = ScratchBuffer()
    var hidden: [ScratchBuffer] = []
    let logits = ScratchBuffer()
    var codes: [Int32] = []
    /// the batch's user feature values (backward scatters into their rows)
    var userFeatureValues: [Int32] = []
    /// C[z] − k at the point where codes were frozen (gradient checks only)
    var frozenResidual: [Float] = []
    let straightThrough = ScratchBuffer()
    let assignScratch = ScratchBuffer()

    // gradients
    let dLogits = ScratchBuffer(), dMlpIn = ScratchBuffer()
    var dHidden: [ScratchBuffer] = []
    let dOutput = ScratchBuffer(), dXTarget = ScratchBuffer(), dQueries = ScratchBuffer()
    let dKeys = ScratchBuffer(), dKeysRaw = ScratchBuffer(), dValues = ScratchBuffer(), dBias = ScratchBuffer()
    let dX = ScratchBuffer(), codeGrads = ScratchBuffer(), dScores = ScratchBuffer()

    init(itemCount: Int, hiddenLayers: Int) {
        slotOfItem = [Int32](repeating: -1, count: itemCount)
        hidden = (0..<hiddenLayers).map { _ in ScratchBuffer() }
        dHidden = (0..<hiddenLayers).map { _ in ScratchBuffer() }
    }

    @inline(__always) func slot(of item: Int32) -> Int32 {
        var s = slotOfItem[Int(item)]
        if s < 0 {
            s = Int32(slotItems.count)
            slotOfItem[Int(item)] = s
            slotItems.append(item)
            occurrences.append(0)
            commitWeight.append(0)
        }
        return s
    }

    /// Maps every target and every *selected* history item of `batch` (HistorySelection)
    /// to a slot of distinct items; `offsets` then delimit each sample's selected positions.
    func index(_ batch: SampleBatch, timeUnitMs: Double, shape: ModelShape, tags: ItemTags) {
        for item in slotItems { slotOfItem[Int(item)] = -1 }
        slotItems.removeAll(keepingCapacity: true)
        occurrences.removeAll(keepingCapacity: true)
        commitWeight.removeAll(keepingCapacity: true)
        targetSlot.removeAll(keepingCapacity: true)
        positionSlot.removeAll(keepingCapacity: true)
        delta.removeAll(keepingCapacity: true)
        samples = batch.count
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        for s in 0..<batch.count { targetSlot.append(slot(of: batch.targetItem[s])) }
        positionSlot.reserveCapacity(batch.positionCount)
        delta.reserveCapacity(batch.positionCount)
        let keepsAll = HistorySelection.keepsEveryPosition(shape.encoder)
        batch.historyItem.withUnsafeBufferPointer { items in
            batch.historyTime.withUnsafeBufferPointer { times in
                for s in 0..<batch.count {
                    let lo = batch.historyOffsets[s], hi = batch.historyOffsets[s + 1], tq = batch.targetTime[s]
                    func add(_ j: Int) {
                        positionSlot.append(slot(of: items[j]))
                        delta.append(Float(Double(times[j] - tq) / timeUnitMs))
                    }
                    if keepsAll {
                        for j in lo..<hi { add(j) }
                    } else {
                        selected.removeAll(keepingCapacity: true)
                        HistorySelection.select(shape.encoder, shape: shape, tags: tags, target: batch.targetItem[s], items: items.base,
                                                lo: lo, hi: hi, into: &selected)
                        for j in selected { add(j) }
                    }
                    offsets.append(positionSlot.count)
                }
            }
        }
        // occurrences and Σ 1/L_s per slot, added in position order
        occurrences.withUnsafeMutableBufferPointer { occurrences in
            commitWeight.withUnsafeMutableBufferPointer { commitWeight in
                positionSlot.withUnsafeBufferPointer { slots in
                    for s in 0..<batch.count {
                        let lo = offsets[s], hi = offsets[s + 1]
                        let w = hi > lo ? 1 / Float(hi - lo) : 0
                        for p in lo..<hi {
                            let sl = Int(slots[p])
                            occurrences[sl] += 1
                            commitWeight[sl] += w
                        }
                    }
                }
            }
        }
        slots = slotItems.count
    }

    /// `topk`: keeps, per sample, the k positions of largest Σ_h q_h·k_{j,h}/√d_h among those
    /// indexed (oldest first), given q[nS, H·d_h] and keys[U, H·d_h]. With `reuse`, applies the
    /// selection of the previous call instead (gradient checks freeze it, like codes).
    func restrictToTopK(queries q: UnsafePointer<Float>, keys: UnsafePointer<Float>, keyWidth kw: Int, keyDim dh: Int,
                        k: Int, reuse: Bool) {
        let scale = 1 / Float(dh).squareRoot()
        if !reuse || keptPositions.count != samples {
            keptPositions.removeAll(keepingCapacity: true)
            for s in 0..<samples {
                let lo = offsets[s], L = offsets[s + 1] - lo
                let sc = selectionScores.reserve(max(L, 1))
                for j in 0..<L { sc[j] = scale * BLAS.dot(kw, q + s * kw, keys + Int(positionSlot[lo + j]) * kw) }
                keptPositions.append(Array(HistorySelection.topK(sc, count: L, k: k, order: &selected)))
            }
        }
        var newOffsets = [0], newSlots: [Int32] = [], newDelta: [Float] = []
        newSlots.reserveCapacity(samples * k)
        newDelta.reserveCapacity(samples * k)
        for s in 0..<samples {
            let lo = offsets[s]
            for j in keptPositions[s] { newSlots.append(positionSlot[lo + j]); newDelta.append(delta[lo + j]) }
            newOffsets.append(newSlots.count)
        }
        offsets = newOffsets
        positionSlot = newSlots
        delta = newDelta
    }
}
