import Foundation
import VQLModel

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
            // timed on copies would cost more than the update itself: time the update and undo it
            let saved = net.params.values.array, m = net.params.adamM.array, v = net.params.adamV.array
            c = Date()
            net.params.applyAdam(t.config.denseAdam, step: t.step + 1)
            for table in net.tables { table.gradient.scale(0) }
            p.optimizer += Date().timeIntervalSince(c)
            saved.withUnsafeBufferPointer { net.params.values.pointer.update(from: $0.base, count: saved.count) }
            m.withUnsafeBufferPointer { net.params.adamM.pointer.update(from: $0.base, count: m.count) }
            v.withUnsafeBufferPointer { net.params.adamV.pointer.update(from: $0.base, count: v.count) }
            p.samples = batch.count
            p.positions = net.attendedPositionsInLastBatch
            p.scanned = batch.positionCount
            p.items = net.distinctItemsInLastBatch
        }
        p.cost = StepCost(shape: net.shape, samples: p.samples, positions: p.positions, items: p.items, scanned: p.scanned)
        return p
    }
}
