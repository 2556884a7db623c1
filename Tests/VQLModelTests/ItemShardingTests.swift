import Testing
import VQLCore
@testable import VQLModel

/// A one-rank exchange: the sharded code path with identity collectives.
struct SingleRankExchange: ItemWorkExchange {
    var rank: Int { 0 }
    var size: Int { 1 }
    func allgather(_ values: [Int32]) -> [Int32] { values }
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float] { Array(values) }
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>) {
        block.update(from: values, count: counts[0])
    }
}

/// The item-sharded step (used on several ranks) computes the same logits, losses,
/// gradients and codebook statistics as the local step.
struct ItemShardingTests {
    func state(_ net: VQLNetwork, sharded: Bool, batch: SampleBatch) -> (logits: [Float], loss: Double, grads: [Float], tables: [[Float]], stats: [Float]) {
        net.zeroGradients()
        let logits = net.forward(batch, itemExchange: sharded ? SingleRankExchange() : nil)
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

    @Test(arguments: [EncoderKind.vq, .full, .topk])
    func shardedEqualsLocal(encoder: EncoderKind) {
        let net = Fixtures.network(Fixtures.shape(encoder))
        let batch = Fixtures.batch(lengths: [0, 1, 5, 12, 30], items: 40, seed: 21)
        let local = state(net, sharded: false, batch: batch)
        let sharded = state(net, sharded: true, batch: batch)
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
