import Foundation
import VQLData
import VQLDistributed
import VQLModel

/// AUC, GAUC and logloss of one held-out split.
public struct EvaluationResult: Sendable {
    public var samples: Int
    public var auc: Double?
    public var gauc: Double?
    public var logloss: Double
}

/// Scores held-out samples where their users live and gathers (score, label, user) to
/// rank 0, which alone computes the metrics.
public struct Evaluator {
    public let builder: BatchBuilder
    public let sharding: UserSharding
    public let world: World
    public let batchSize: Int
    public let maxSamples: Int

    public init(builder: BatchBuilder, sharding: UserSharding, world: World, batchSize: Int, maxSamples: Int) {
        self.builder = builder
        self.sharding = sharding
        self.world = world
        self.batchSize = batchSize
        self.maxSamples = maxSamples
    }

    /// Every k-th sample so that at most `maxSamples` remain: a fixed subset, the same for
    /// every run and world size.
    public func subset(_ samples: [Int64]) -> [Int64] {
        guard maxSamples > 0, samples.count > maxSamples else { return samples }
        let stride = (samples.count + maxSamples - 1) / maxSamples
        return Swift.stride(from: 0, to: samples.count, by: stride).map { samples[$0] }
    }

    /// Metrics on rank 0; nil on other ranks.
    public func evaluate(_ net: VQLNetwork, samples all: [Int64]) -> EvaluationResult? {
        let mine = subset(all).filter { Int(sharding.owner[Int(builder.dataset.eventUser[Int($0)])]) == world.rank }
        var scores: [Float] = [], labels: [Float] = [], users: [Int32] = []
        var batch = SampleBatch()
        var start = 0
        while start < mine.count {
            let end = min(start + batchSize, mine.count)
            batch.removeAll()
            builder.append(events: Array(mine[start..<end]), to: &batch)
            let logits = net.forward(batch)
            scores.append(contentsOf: logits)
            labels.append(contentsOf: batch.label)
            users.append(contentsOf: batch.user)
            start = end
        }
        if world.size > 1 {
            scores = world.gatherv(scores, root: 0)
            labels = world.gatherv(labels, root: 0)
            users = world.gatherv(users, root: 0)
        }
        guard world.isRoot else { return nil }
        let probabilities = scores.map { 1 / (1 + expf(-$0)) }
        return EvaluationResult(samples: scores.count,
                                auc: ClassificationMetrics.auc(scores: scores, labels: labels),
                                gauc: ClassificationMetrics.gauc(scores: scores, labels: labels, users: users),
                                logloss: ClassificationMetrics.logloss(probabilities: probabilities, labels: labels))
    }
}
