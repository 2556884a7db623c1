import Foundation
import VQLCore
import VQLDistributed

/// Evaluation of a saved model: the trainer's data path and evaluator, without training.
public enum ModelEvaluation {
    public static func evaluate(config: RunConfig, modelPath: String, world: World) throws -> [String: EvaluationResult] {
        let trainer = try Trainer(config: config, world: world, runDirectory: nil)
        try trainer.network.loadState(from: SafetensorsFile(path: modelPath), includeOptimizer: false)
        var out: [String: EvaluationResult] = [:]
        for (name, samples) in [("valid", trainer.split.valid), ("test", trainer.split.test)] {
            if let r = trainer.evaluator.evaluate(trainer.network, samples: samples) { out[name] = r }
        }
        return out
    }
}
