import Testing
import VQLCore
@testable import VQLModel

/// A one-rank exchange: the sharded code path with identity collectives, and with
/// `memory` the shared-memory path over one plain segment.
struct SingleRankExchange: ItemWorkExchange {
    var memory: (rows: PeerMemory, gradients: PeerMemory)?
    var rank: Int { 0 }
    var size: Int { 1 }
    var rowMemory: PeerMemory? { memory?.rows }
    var gradientMemory: PeerMemory? { memory?.gradients }
    func allgather(_ values: [Int32]) -> (values: [Int32], counts: [Int]) { (values, [values.count]) }
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float] { Array(values) }
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>) {
        block.update(from: values, count: counts[0])
    }
}

/// One rank's segment, poisoned with NaN whenever it grows, so that a read of a float the
/// step did not write shows in the results.
final class SingleSegment: PeerMemory {
    private var capacity = 0
    private(set) var own = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    deinit { own.deallocate() }
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        own.deallocate()
        own = .allocate(capacity: count)
        own.initialize(repeating: .nan, count: count)
        capacity = count
    }
    func segment(of r: Int) -> UnsafePointer<Float> { UnsafePointer(own) }
    func synchronize() {}
}

/// The item-sharded step (used on several ranks) computes the same logits, losses,
/// gradients and codebook statistics as the local step.
struct ItemShardingTests {
    func state(_ net: VQLNetwork, sharded: SingleRankExchange?, batch: SampleBatch) -> (logits: [Float], loss: Double, grads: [Float], tables: [[Float]], stats: [Float]) {
        net.zeroGradients()
        let logits = net.forward(batch, itemExchange: sharded)
        net.backward(labels: batch.label, scale: 1 / Float(batch.count))
        let l = net.losses(labels: batch.label)
        var stats = [Float](repeating: 0, count: net.codebooks?.statisticsCount ?? 0)
        net.accumulateCodebookStatistics(into: &stats)
        let tables = net.tables.map { t -> [Float] in
            var dense = [Float](repeating: 0, count: t.rows * t.width)
            for (k, row) in t.gradient.rowIds.enumerated() {
                for i in 0..<t.width { dense[Int(row) * t.width + i] += t.gradient.values.pointer[k * t.width + i] }
            }
            return dense
        }
        return (logits, l.crossEntropy + l.commitment, net.params.grads.array, tables, stats)
    }

    func close(_ a: [Float], _ b: [Float]) -> Bool {
        let scale = max(a.map { abs($0) }.max() ?? 0, 1e-6)
        return a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * scale }
    }

    @Test(arguments: [EncoderKind.vq, .full, .topk], [false, true])
    func shardedEqualsLocal(encoder: EncoderKind, sharedMemory: Bool) {
        let net = Fixtures.network(Fixtures.shape(encoder))
        let batch = Fixtures.batch(lengths: [0, 1, 5, 12, 30], items: 40, seed: 21)
        let local = state(net, sharded: nil, batch: batch)
        let exchange = SingleRankExchange(memory: sharedMemory ? (SingleSegment(), SingleSegment()) : nil)
        let sharded = state(net, sharded: exchange, batch: batch)
        #expect(close(local.logits, sharded.logits))
        #expect(abs(local.loss - sharded.loss) <= 1e-5 * abs(local.loss))
        #expect(close(local.grads, sharded.grads), "dense gradients differ")
        for (a, b) in zip(local.tables, sharded.tables) { #expect(close(a, b), "sparse gradients differ") }
        #expect(close(local.stats, sharded.stats), "codebook statistics differ")
    }
}

@Test func evenChunksCoverTheItemsInNearlyEqualContiguousParts() {
    for (n, p) in [(0, 2), (1, 2), (1001, 2), (90, 3), (7, 4), (3, 5)] {
        let c = ItemShard.evenChunks(items: n, ranks: p)
        #expect(c.count == p && c.first?.lowerBound == 0 && c.last?.upperBound == n)
        for (a, b) in zip(c, c.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        let sizes = c.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "\(n) items over \(p) ranks: \(sizes)")
    }
}
