/// Whether a checkpoint may continue under the current config and dataset. Resuming must
/// walk the same trajectory, so every key that shapes the model, the data, the sample order
/// or the optimizer must be unchanged; the keys below only say how long to run, how often
/// to log/evaluate/save and where the (identical) dataset lives, and may change freely.
public enum CheckpointCompatibility {
    /// Keys that may differ between the checkpoint and the resumed run.
    public static let harmlessKeys: Set<String> = [
        "data.path", "train.max_steps", "train.eval_every", "train.log_every", "train.checkpoint_every",
        "train.keep_checkpoints", "train.build_cache_at_end", "train.early_stop_patience", "eval.max_samples", "eval.batch_size",
    ]

    /// Every difference that forbids resuming, one line each, naming the key or dataset
    /// field with the checkpoint's and the current value. Empty when compatible.
    public static func problems(saved: RunConfig, current: RunConfig,
                                savedDataset: CheckpointState.DatasetIdentity, currentDataset: CheckpointState.DatasetIdentity) -> [String] {
        var out: [String] = []
        for field in RunConfig.fields where !harmlessKeys.contains(field.key) {
            let a = field.get(saved), b = field.get(current)
            if a != b { out.append("\(field.key): checkpoint has \(a.yamlText), config has \(b.yamlText)") }
        }
        let a = savedDataset, b = currentDataset
        if a.counts != b.counts {
            out.append("dataset counts: checkpoint has users \(a.counts.users) items \(a.counts.items) tags \(a.counts.tags) events \(a.counts.events), "
                       + "dataset has users \(b.counts.users) items \(b.counts.items) tags \(b.counts.tags) events \(b.counts.events)")
        }
        if a.labelColumn != b.labelColumn { out.append("dataset label column: checkpoint has \(a.labelColumn), dataset has \(b.labelColumn)") }
        if a.sourceFormat != b.sourceFormat { out.append("dataset source format: checkpoint has \(a.sourceFormat), dataset has \(b.sourceFormat)") }
        let sa = Dictionary(a.sourceFiles.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let sb = Dictionary(b.sourceFiles.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        for name in Set(sa.keys).union(sb.keys).sorted() {
            guard let x = sa[name], let y = sb[name] else {
                out.append("dataset source file \(name): checkpoint has \(sa[name] == nil ? "(absent)" : "it"), dataset has \(sb[name] == nil ? "(absent)" : "it")")
                continue
            }
            // Checksums of different algorithms (a dataset prepared before sources were
            // checksummed with XXH64) cannot be compared; the sizes still are.
            let comparable = x.checksum.split(separator: ":").first == y.checksum.split(separator: ":").first
            if x.bytes != y.bytes || (comparable && x.checksum != y.checksum) {
                out.append("dataset source file \(name): checkpoint has \(x.bytes) bytes, checksum \(x.checksum); dataset has \(y.bytes) bytes, checksum \(y.checksum)")
            }
        }
        return out
    }
}
