/// An embedded copy of `configs/demo.yaml`, so `vql` can run the demo without the file.
/// A test checks that both parse to the same `RunConfig`.
extension RunConfig {
    public static let demoYAML: String = """
        # vql demo run: the synthetic demo dataset, sized to train in well under a minute on a
        # laptop. Every key is listed; see the README config reference for meanings.
        # Override any key on the command line: --set train.max_steps=100
        data:
          path: "data/demo/prepared"
          max_len: 512
          valid_fraction: 0.1
          test_fraction: 0.1
          min_history: 1
        model:
          encoder: "vq"
          item_dim: 16
          heads: 4
          groups: 2
          key_dim: 16
          value_dim: 16
          codebook_size: 64
          key_norm: true
          commitment: 0.25
          ema_decay: 0.99
          reseed_every: 100
          reseed_threshold: 0.01
          time_unit_seconds: 86400.0
          static_bias: true
          mlp: [64, 32]
          recent_len: 50
          retrieve_k: 50
          user_features: false
        train:
          seed: 1
          global_batch_size: 256
          max_steps: 600
          eval_every: 200
          log_every: 20
          lr: 0.002
          embedding_lr: 0.02
          beta1: 0.9
          beta2: 0.999
          eps: 1e-08
          checkpoint_every: 0
          keep_checkpoints: 3
          build_cache_at_end: false
          early_stop_patience: 0
        eval:
          max_samples: 20000
          batch_size: 1024
        """
}
