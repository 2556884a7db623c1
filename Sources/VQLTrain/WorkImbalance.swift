/// How unevenly a step's work falls on the ranks, from per-step, per-rank figures (attended
/// positions, or seconds outside collectives). The ranks meet at collectives every step, so
/// the busiest rank sets the step's pace and the others wait.
///
///     excessOfBusiest = mean over steps s of (max_r w[s,r] − mean_r w[s,r]) / mean_r w[s,r]
///     busiestRepeats  = share of steps s ≥ 1 whose busiest rank is step s−1's
///
/// With positions the excess is the data's imbalance; with compute seconds it adds the
/// machine's: cores of unequal or drifting speed. `busiestRepeats` tells the two apart on
/// timings: the data picks a step's busiest rank afresh each step (about 1/ranks repeats),
/// while a slow core keeps it for many steps.
public struct WorkImbalance: Sendable, Equatable {
    public let excessOfBusiest: Double
    public let busiestRepeats: Double

    /// `perStepByRank[s · ranks + r]`: rank r's work in step s.
    public init(perStepByRank values: [Double], ranks: Int) {
        let p = max(ranks, 1), steps = values.count / p
        var sum = 0.0, repeats = 0, previous = -1
        for s in 0..<steps {
            let row = values[(s * p)..<((s + 1) * p)]
            let mean = row.reduce(0, +) / Double(p)
            if mean > 0 { sum += (row.max()! - mean) / mean }
            let busiest = row.indices.max { row[$0] < row[$1] }! - s * p
            if busiest == previous { repeats += 1 }
            previous = busiest
        }
        excessOfBusiest = steps > 0 ? sum / Double(steps) : 0
        busiestRepeats = steps > 1 ? Double(repeats) / Double(steps - 1) : 0
    }
}
