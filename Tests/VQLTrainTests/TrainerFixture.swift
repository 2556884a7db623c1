import Foundation
import VQLData
import VQLDistributed
@testable import VQLTrain

/// A small synthetic KuaiRand dataset, generated and prepared once per test process.
enum TrainerFixture {
    static let preparedDirectory: String = {
        let root = NSTemporaryDirectory() + "vql-trainer-fixture-\(getpid())"
        do {
            _ = try KuaiRandSynthesizer.generate(settings: SynthSettings(users: 24, items: 150, tags: 8, meanLength: 120, seed: 5),
                                                 to: root + "/raw")
            _ = try KuaiRandPreparer.prepare(inputDirectory: root + "/raw", outputDirectory: root + "/prepared", overwrite: true)
        } catch { fatalError("fixture dataset: \(error)") }
        return root + "/prepared"
    }()

    static var world: World {
        do { return try World.initialize() } catch { fatalError("World.initialize: \(error)") }
    }

    static func config(_ overrides: [String] = []) throws -> RunConfig {
        try RunConfig.parse(yaml: RunConfig.demoYAML, source: "test", overrides: [
            "data.path=\(preparedDirectory)", "data.max_len=64", "model.item_dim=4", "model.heads=2", "model.groups=2",
            "model.key_dim=4", "model.value_dim=4", "model.codebook_size=8", "model.mlp=[8]",
            "train.global_batch_size=16", "train.max_steps=6", "train.eval_every=0", "model.reseed_every=3",
            "eval.max_samples=200",
        ] + overrides)
    }
}
