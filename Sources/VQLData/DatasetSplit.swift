/// How a prepared dataset is split into train / valid / test target events.
public struct SplitSettings: Sendable, Codable, Equatable {
    public var validFraction: Double = 0.1
    public var testFraction: Double = 0.1
    /// Targets with fewer earlier events of their user than this are left out.
    public var minHistory: Int = 1

    public init(validFraction: Double = 0.1, testFraction: Double = 0.1, minHistory: Int = 1) {
        self.validFraction = validFraction
        self.testFraction = testFraction
        self.minHistory = minHistory
    }
}

/// Time-based split with global cutoffs at the (1 - valid - test) and (1 - test) quantiles of
/// event times: a target with time < validCutoffMs is train, < testCutoffMs is valid, else test.
/// A sample is a target event index e (its history is the events of the same user before e,
/// capped by max_len, computed by the caller). Targets with fewer than minHistory earlier
/// events of their user are left out. Each list is in ascending event index.
public struct DatasetSplit: Sendable {
    public let train: [Int64]
    public let valid: [Int64]
    public let test: [Int64]
    public let validCutoffMs: Int64
    public let testCutoffMs: Int64

    public init(dataset: PreparedDataset, settings: SplitSettings) {
        let n = dataset.eventCount
        var times = Array(UnsafeBufferPointer(start: dataset.eventTime, count: n))
        times.sort()
        /// The time at quantile q; Int64.max when q ≥ 1 (an empty later part).
        func cutoff(_ q: Double) -> Int64 {
            if n == 0 || q >= 1 { return Int64.max }
            let k = Int((max(q, 0) * Double(n)).rounded(.down))
            return k >= n ? Int64.max : times[k]
        }
        let vf = max(settings.validFraction, 0), tf = max(settings.testFraction, 0)
        validCutoffMs = cutoff(1 - vf - tf)
        testCutoffMs = max(cutoff(1 - tf), validCutoffMs)
        var train: [Int64] = [], valid: [Int64] = [], test: [Int64] = []
        for u in 0..<dataset.userCount {
            let r = dataset.events(ofUser: u)
            for e in r where e - r.lowerBound >= settings.minHistory {
                let t = dataset.eventTime[e]
                if t < validCutoffMs { train.append(Int64(e)) } else if t < testCutoffMs { valid.append(Int64(e)) } else { test.append(Int64(e)) }
            }
        }
        self.train = train
        self.valid = valid
        self.test = test
    }
}
