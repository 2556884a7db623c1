/// Early stopping on validation AUC (`train.early_stop_patience`), decided from the metric
/// history alone, so a resumed run continues the count where its checkpoint left it.
public enum EarlyStopping {
    /// The best validation evaluation so far (highest AUC; the earliest on ties) and how
    /// many validation evaluations came after it; nil before the first one.
    public static func best(in history: [CheckpointState.Evaluation]) -> (best: CheckpointState.Evaluation, since: Int)? {
        let valid = history.filter { $0.split == "valid" && $0.auc != nil }.sorted { $0.step < $1.step }
        guard var best = valid.first else { return nil }
        var since = 0
        for e in valid.dropFirst() {
            if e.auc! > best.auc! { best = e; since = 0 } else { since += 1 }
        }
        return (best, since)
    }

    /// Whether `patience` (> 0) validation evaluations in a row have not improved on the best.
    public static func shouldStop(history: [CheckpointState.Evaluation], patience: Int) -> Bool {
        patience > 0 && (best(in: history)?.since ?? 0) >= patience
    }
}
