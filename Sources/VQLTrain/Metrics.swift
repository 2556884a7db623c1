import Foundation

/// Offline binary-classification metrics for CTR evaluation.
///
/// Labels are Float with positive ⇔ label > 0.5. Scores must not be NaN (they have no
/// rank); callers check finiteness before scoring. All functions are deterministic and
/// O(n log n).
public enum ClassificationMetrics {
    /// Area under the ROC curve via the rank-sum (Mann–Whitney U) identity:
    ///
    ///     AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋)
    ///
    /// where R₊ is the sum of the 1-based ranks of the positives in ascending score order
    /// and tied scores all receive the average of the ranks they span. This equals the
    /// probability that a random positive outscores a random negative, ties counting ½.
    /// Returns nil when either class is absent (AUC undefined).
    public static func auc(scores: [Float], labels: [Float]) -> Double? {
        precondition(scores.count == labels.count, "auc: \(scores.count) scores vs \(labels.count) labels")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        return aucOfSortedRun(order[...], scores: scores, labels: labels)
    }

    /// Group AUC: the AUC of each user's impressions, averaged with weight = that user's
    /// number of impressions. Users whose impressions are all of one class have no AUC and
    /// are left out of both numerator and denominator:
    ///
    ///     GAUC = Σ_u n_u·AUC_u / Σ_u n_u   over users u with both classes.
    ///
    /// Returns nil when no user has both classes.
    public static func gauc(scores: [Float], labels: [Float], users: [Int32]) -> Double? {
        precondition(scores.count == labels.count && scores.count == users.count,
                     "gauc: \(scores.count) scores, \(labels.count) labels, \(users.count) users")
        // One sort by (user, score) makes every user's impressions a contiguous run
        // already in score order.
        let order = scores.indices.sorted {
            users[$0] != users[$1] ? users[$0] < users[$1] : scores[$0] < scores[$1]
        }
        var weighted = 0.0
        var weight = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && users[order[end]] == users[order[start]] { end += 1 }
            if let a = aucOfSortedRun(order[start..<end], scores: scores, labels: labels) {
                weighted += Double(end - start) * a
                weight += Double(end - start)
            }
            start = end
        }
        return weight > 0 ? weighted / weight : nil
    }

    /// Mean binary cross-entropy of probabilities:
    ///
    ///     −(1/n) Σ [y log p + (1−y) log(1−p)],   p clamped to [ε, 1−ε], ε = 1e-7,
    ///
    /// so a confidently wrong prediction costs at most −log ε ≈ 16.1 instead of ∞.
    /// Labels may be soft (in [0, 1]). Returns NaN for empty input.
    public static func logloss(probabilities: [Float], labels: [Float]) -> Double {
        precondition(probabilities.count == labels.count,
                     "logloss: \(probabilities.count) probabilities vs \(labels.count) labels")
        guard !probabilities.isEmpty else { return .nan }
        let eps = 1e-7
        var sum = 0.0
        for i in probabilities.indices {
            let p = min(max(Double(probabilities[i]), eps), 1 - eps)
            let y = Double(labels[i])
            sum -= y * log(p) + (1 - y) * log(1 - p)
        }
        return sum / Double(probabilities.count)
    }

    /// AUC of the impressions `run` (indices into scores/labels) already sorted by ascending
    /// score, with average ranks for ties. nil when the run lacks a class.
    static func aucOfSortedRun(_ run: ArraySlice<Int>, scores: [Float], labels: [Float]) -> Double? {
        var positives = 0.0
        var rankSumPositives = 0.0
        var i = run.startIndex
        var rank = 0  // ranks consumed so far
        while i < run.endIndex {
            var j = i + 1
            while j < run.endIndex && scores[run[j]] == scores[run[i]] { j += 1 }
            // Tie block occupies ranks rank+1 … rank+(j−i); its average rank:
            let count = j - i
            let averageRank = Double(rank) + Double(count + 1) / 2
            var blockPositives = 0
            for k in i..<j where labels[run[k]] > 0.5 { blockPositives += 1 }
            positives += Double(blockPositives)
            rankSumPositives += Double(blockPositives) * averageRank
            rank += count
            i = j
        }
        let negatives = Double(run.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSumPositives - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
