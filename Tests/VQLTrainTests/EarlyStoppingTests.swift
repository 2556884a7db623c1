import Foundation
import Testing
import VQLCore
@testable import VQLTrain

private func valid(_ step: Int, _ auc: Double?) -> CheckpointState.Evaluation {
    .init(step: step, split: "valid", samples: 10, auc: auc, gauc: nil, logloss: 0.5)
}

@Test func earlyStoppingCountsValidationPassesSinceTheBest() {
    #expect(EarlyStopping.best(in: []) == nil)
    let history = [valid(10, 0.60), .init(step: 10, split: "test", samples: 10, auc: 0.99, gauc: nil, logloss: 0.5),
                   valid(30, 0.62), valid(20, 0.61), valid(40, 0.62), valid(50, nil), valid(60, 0.615)]
    let found = EarlyStopping.best(in: history)
    #expect(found?.best.step == 30, "highest valid AUC, earliest on ties, test ignored")
    #expect(found?.since == 2, "steps 40 (a tie is no improvement) and 60; no AUC at 50")
    #expect(!EarlyStopping.shouldStop(history: history, patience: 3))
    #expect(EarlyStopping.shouldStop(history: history, patience: 2))
    #expect(!EarlyStopping.shouldStop(history: history, patience: 0))
}

/// With learning rates too small to change a score, validation AUC never improves after the
/// first pass: patience 2 stops at the third pass, keeps the first pass's model as the best.
@Test func trainingStopsEarlyAndKeepsTheBestModel() throws {
    let dir = NSTemporaryDirectory() + "vql-early-\(getpid())-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let config = try TrainerFixture.config(["model.encoder=full", "train.lr=1e-30", "train.embedding_lr=1e-30",
                                            "train.max_steps=40", "train.eval_every=2", "train.early_stop_patience=2"])
    let trainer = try Trainer(config: config, world: TrainerFixture.world, runDirectory: dir)
    var lines: [String] = []
    _ = try trainer.run { lines.append($0) }
    #expect(trainer.step == 6)
    #expect(lines.contains { $0.contains("has not improved for 2 evaluations (best") && $0.contains("at step 2") })
    let best = try SafetensorsFile(path: dir + "/best_model.safetensors")
    #expect(best.metadata["step"] == "2")
    let log = try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8)
    #expect(log.contains("\"best_step\":2,\"kind\":\"early_stop\",\"step\":6"))
    #expect(throws: ConfigError.self) { try TrainerFixture.config(["train.eval_every=0", "train.early_stop_patience=1"]).validate() }
}
