import Testing
@testable import VQLCore

/// The ledger pools calls that differ only in A's stored rows (within a factor of four),
/// keeps the mean of that dimension, and counts 2·m·n·k FLOPs per call.
@Test func gemmLedgerPoolsBatchRowsByShape() {
    let ledger = GemmLedger()
    ledger.record(transposeA: false, transposeB: true, m: 5000, n: 64, k: 32, seconds: 0.001)
    ledger.record(transposeA: false, transposeB: true, m: 4000, n: 64, k: 32, seconds: 0.003)
    ledger.record(transposeA: false, transposeB: true, m: 130, n: 64, k: 32, seconds: 0.001)   // samples, not items
    ledger.record(transposeA: true, transposeB: false, m: 64, n: 32, k: 4500, seconds: 0.002)
    ledger.record(transposeA: false, transposeB: true, m: 5000, n: 32, k: 64, seconds: 0.001)  // other n, k
    #expect(ledger.entries.count == 4)
    let items = ledger.entries[0]
    #expect(items.calls == 2 && items.dims == [0, 64, 32] && items.operation == "A·Bᵀ")
    #expect(items.meanDims[0] == 4500 && items.flops == 2 * 9000 * 64 * 32)
    #expect(abs(items.gflops - 2 * 9000 * 64 * 32 / 0.004 / 1e9) < 1e-9)
    #expect(ledger.entries[1].calls == 1 && ledger.entries[1].meanDims[0] == 130)
    let weights = ledger.entries[2]
    #expect(weights.dims == [64, 32, 0] && weights.operation == "Aᵀ·B" && weights.meanDims[2] == 4500)
}
