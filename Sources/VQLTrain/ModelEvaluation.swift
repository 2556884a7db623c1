import Foundation
import VQLCore
import VQLDistributed

extension Trainer {
    /// The trainer's data path and network with a saved model's weights, for work that does
    /// not train: evaluation, cache building, serving benchmarks.
    public static func loaded(config: RunConfig, modelPath: String, world: World) throws -> Trainer {
        let trainer = try Trainer(config: config, world: world, runDirectory: nil)
        try trainer.network.loadState(from: SafetensorsFile(path: modelPath), includeOptimizer: false)
        return trainer
    }
}

/// Evaluation of a saved model: the trainer's data path and evaluator, without training.
public enum ModelEvaluation {
    public static func evaluate(config: RunConfig, modelPath: String, world: World) throws -> [String: EvaluationResult] {
        let trainer = try Trainer.loaded(config: config, modelPath: modelPath, world: world)
        var out: [String: EvaluationResult] = [:]
        for (name, samples) in [("valid", trainer.split.valid), ("test", trainer.split.test)] {
            if let r = trainer.evaluator.evaluate(trainer.network, samples: samples) { out[name] = r }
        }
        return out
    }
}
