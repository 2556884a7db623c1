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
    var slotOfItem: [Int32]
    /// history offsets of the samples [nS+1]
    var offsets: [Int] = [0]
    var samples = 0
    var slots = 0
    var maxLength = 0

    // activations
    let x = ScratchBuffer(), bias = ScratchBuffer(), xTarget = ScratchBuffer(), queries = ScratchBuffer()
    let keysRaw = ScratchBuffer(), keys = ScratchBuffer(), keyRstd = ScratchBuffer(), quantized = ScratchBuffer()
    let values = ScratchBuffer(), output = ScratchBuffer(), probs = ScratchBuffer(), codeScores = ScratchBuffer()
    let mlpIn = ScratchBuffer()
    var hidden: [ScratchBuffer] = []
    let logits = ScratchBuffer()
    var codes: [Int32] = []
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

    /// Maps every target and history item of `batch` to a slot of distinct items.
    func index(_ batch: SampleBatch, timeUnitMs: Double) {
        for item in slotItems { slotOfItem[Int(item)] = -1 }
        slotItems.removeAll(keepingCapacity: true)
        occurrences.removeAll(keepingCapacity: true)
        commitWeight.removeAll(keepingCapacity: true)
        targetSlot.removeAll(keepingCapacity: true)
        positionSlot.removeAll(keepingCapacity: true)
        delta.removeAll(keepingCapacity: true)
        samples = batch.count
        offsets = batch.historyOffsets
        maxLength = 0
        for s in 0..<batch.count { targetSlot.append(slot(of: batch.targetItem[s])) }
        for s in 0..<batch.count {
            let lo = batch.historyOffsets[s], hi = batch.historyOffsets[s + 1]
            maxLength = max(maxLength, hi - lo)
            let w = hi > lo ? 1 / Float(hi - lo) : 0
            let tq = batch.targetTime[s]
            for j in lo..<hi {
                let sl = slot(of: batch.historyItem[j])
                positionSlot.append(sl)
                occurrences[Int(sl)] += 1
                commitWeight[Int(sl)] += w
                delta.append(Float(Double(batch.historyTime[j] - tq) / timeUnitMs))
            }
        }
        slots = slotItems.count
    }
}
