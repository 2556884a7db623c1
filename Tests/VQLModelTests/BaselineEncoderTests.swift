import Testing
import VQLCore
@testable import VQLModel

/// The baselines are the `full` attention over a per-sample subset of the history
/// (`mean`: uniform weights). Each test rebuilds that subset independently and compares
/// logits against `full` on the reduced batch.
struct BaselineEncoderTests {
    let batch = Fixtures.batch(lengths: [0, 1, 3, 9, 17, 30], items: 40, seed: 21)

    /// `batch` with sample s's history reduced to the positions `keep(s, lo, hi)` (absolute, ascending).
    func reduced(_ b: SampleBatch, _ keep: (Int, Int, Int) -> [Int]) -> SampleBatch {
        var out = SampleBatch()
        for s in 0..<b.count {
            let idx = keep(s, b.historyOffsets[s], b.historyOffsets[s + 1])
            let items = idx.map { b.historyItem[$0] }, times = idx.map { b.historyTime[$0] }
            items.withUnsafeBufferPointer { ip in
                times.withUnsafeBufferPointer { tp in
                    out.append(user: b.user[s], targetItem: b.targetItem[s], targetTime: b.targetTime[s], label: b.label[s], items: ip, times: tp)
                }
            }
        }
        return out
    }

    func expectClose(_ a: [Float], _ b: [Float], _ what: String) {
        #expect(a.count == b.count)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5, "\(what): max |Δlogit| \(worst)")
    }

    @Test func recentIsFullOverTheLastS() {
        let full = Fixtures.network(Fixtures.shape(.full)), recent = Fixtures.network(Fixtures.shape(.recent))
        let S = recent.shape.recentLength
        expectClose(recent.forward(batch), full.forward(reduced(batch) { _, lo, hi in Array(max(lo, hi - S)..<hi) }), "recent")
        // and it does drop something here, so the test can fail
        #expect(full.forward(batch) != recent.forward(batch))
    }

    @Test func simHardIsFullOverTheLastKSharingATag() {
        let full = Fixtures.network(Fixtures.shape(.full)), sim = Fixtures.network(Fixtures.shape(.simHard))
        let tags = sim.itemTags, k = sim.shape.retrieveK
        func tagSet(_ i: Int32) -> Set<Int32> {
            Set((Int(tags.offsets[Int(i)])..<Int(tags.offsets[Int(i) + 1])).map { tags.tags[$0] })
        }
        let r = reduced(batch) { s, lo, hi in
            let t = tagSet(batch.targetItem[s])
            return Array((lo..<hi).filter { !tagSet(batch.historyItem[$0]).isDisjoint(with: t) }.suffix(k))
        }
        #expect(r.positionCount > 0 && r.positionCount < batch.positionCount)
        expectClose(sim.forward(batch), full.forward(r), "sim_hard")
    }

    @Test func topkIsFullOverTheKLargestQueryKeyScores() {
        let full = Fixtures.network(Fixtures.shape(.full)), topk = Fixtures.network(Fixtures.shape(.topk))
        let sh = topk.shape, k = sh.retrieveK, kw = sh.keyWidth
        // q = W_q x_target + b_q and normalised keys, computed outside the model's forward
        let keys = topk.keys(ofItems: batch.historyItem)
        var x = [Float](repeating: 0, count: batch.count * sh.inputDim), q = [Float](repeating: 0, count: batch.count * kw)
        batch.targetItem.withUnsafeBufferPointer { it in
            ItemEncoder.forward(slotItems: it.baseAddress!, count: batch.count, tags: topk.itemTags, itemTable: topk.itemTable,
                                tagTable: topk.tagTable, tagBias: nil, x: &x, bias: nil)
        }
        Linear.forward(x: x, w: topk.params.value("query.weight"), b: topk.params.value("query.bias"), y: &q,
                       rows: batch.count, inputs: sh.inputDim, outputs: kw)
        let r = reduced(batch) { s, lo, hi in
            let score = { (j: Int) -> Float in (0..<kw).reduce(0) { $0 + q[s * kw + $1] * keys[j * kw + $1] } }
            // ties (a repeated item) go to the more recent position
            return Array((lo..<hi).sorted { (score($0), $0) > (score($1), $1) }.prefix(k)).sorted()
        }
        #expect(r.positionCount < batch.positionCount)
        expectClose(topk.forward(batch), full.forward(r), "topk")
    }

    /// `mean` ignores the query, time and order: permuting the history, shifting its times and
    /// changing W_q leave the logits unchanged, while changing a value does not.
    @Test func meanIgnoresQueryTimeAndOrder() {
        let net = Fixtures.network(Fixtures.shape(.mean))
        let before = net.forward(batch)
        var shuffled = reduced(batch) { _, lo, hi in Array((lo..<hi).reversed()) }
        for j in 0..<shuffled.historyTime.count { shuffled.historyTime[j] -= Int64(j) * 3_600_000 }
        let q = net.params.value("query.weight")
        for i in 0..<net.params.slot("query.weight").count { q[i] *= -2 }
        expectClose(net.forward(shuffled), before, "mean")
        net.params.value("value.weight")[0] += 0.5
        #expect(net.forward(batch) != before)
    }
}
