import Foundation
import VQLModel
import VQLCore

/// Where one local step's time goes, measured phase by phase on the next global batch
/// (the same work `Trainer.trainStep` does, without the exchange), averaged over a few runs.
public struct StepProfile: Sendable {
    public var assembly = 0.0, forward = 0.0, backward = 0.0, optimizer = 0.0
    public var samples = 0, positions = 0, items = 0
    /// History positions in the window (before a baseline's selection).
    public var scanned = 0
    public var cost: StepCost

    public func share(_ phase: KeyPath<StepProfile, Double>) -> Double {
        100 * self[keyPath: phase] / max(assembly + forward + backward + optimizer, 1e-12)
    }

    public static func measure(_ t: Trainer, repeats: Int = 5) -> StepProfile {
        var schedule = t.schedule
        let events = schedule.indices(step: t.step).map { t.split.train[$0] }.filter {
            Int(t.sharding.owner[Int(t.dataset.eventUser[Int($0)])]) == t.world.rank
        }
        var p = StepProfile(cost: StepCost(shape: t.network.shape, samples: 1, positions: 0, items: 0))
        let net = t.network
        for _ in 0..<repeats {
            var c = Date()
            var batch = SampleBatch()
            t.builder.append(events: events, to: &batch)
            p.assembly += Date().timeIntervalSince(c); c = Date()
            net.zeroGradients()
            net.forward(batch)
            p.forward += Date().timeIntervalSince(c); c = Date()
            net.backward(labels: batch.label, scale: 1 / Float(t.config.train.globalBatchSize))
            p.backward += Date().timeIntervalSince(c); c = Date()
            // time the real update (dense Adam, sparse row Adam), then undo it: the touched
            // rows and the dense buffers are saved before and written back after
            let dense = [net.params.values, net.params.adamM, net.params.adamV].map { $0.array }
            let rows: [[[[Float]]]] = net.tables.map { table in
                [table.values, table.adamM, table.adamV].map { buffer in touchedRows(of: table, in: buffer) }
            }
            c = Date()
            net.params.applyAdam(t.config.denseAdam, step: t.step + 1)
            for table in net.tables { table.applyAdam(t.config.sparseAdam, step: t.step + 1) }
            p.optimizer += Date().timeIntervalSince(c)
            for (buffer, saved) in zip([net.params.values, net.params.adamM, net.params.adamV], dense) {
                saved.withUnsafeBufferPointer { buffer.pointer.update(from: $0.base, count: saved.count) }
            }
            for (table, saved) in zip(net.tables, rows) {
                for (buffer, perRow) in zip([table.values, table.adamM, table.adamV], saved) {
                    for (k, id) in table.gradient.rowIds.enumerated() {
                        perRow[k].withUnsafeBufferPointer { (buffer.pointer + Int(id) * table.width).update(from: $0.base, count: table.width) }
                    }
                }
            }
            p.samples = batch.count
            p.positions = net.attendedPositionsInLastBatch
            p.scanned = batch.positionCount
            p.items = net.distinctItemsInLastBatch
        }
        p.cost = StepCost(shape: net.shape, samples: p.samples, positions: p.positions, items: p.items, scanned: p.scanned)
        return p
    }

    /// Copies of the rows of `buffer` that `table`'s gradient touches.
    static func touchedRows(of table: EmbeddingTable, in buffer: FloatBuffer) -> [[Float]] {
        table.gradient.rowIds.map { id in
            Array(UnsafeBufferPointer(start: UnsafePointer(buffer.pointer + Int(id) * table.width), count: table.width))
        }
    }
}
