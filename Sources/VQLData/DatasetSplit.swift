/// How a prepared dataset is split into train / valid / test target events.
public struct SplitSettings: Sendable, Codable, Equatable {
    /// `time`: global time cutoffs (the fractions apply). `leaveLastOut`: per user, the last
    /// `leaveOutCount` events are test and the `leaveOutCount` before them are valid.
    public enum Mode: String, Sendable, Codable { case time, leaveLastOut }

    public var validFraction: Double = 0.1
    public var testFraction: Double = 0.1
    /// Targets with fewer earlier events of their user than this are left out.
    public var minHistory: Int = 1
    public var mode: Mode = .time
    public var leaveOutCount: Int = 1

    public init(validFraction: Double = 0.1, testFraction: Double = 0.1, minHistory: Int = 1,
                mode: Mode = .time, leaveOutCount: Int = 1) {
        self.validFraction = validFraction
        self.testFraction = testFraction
        self.minHistory = minHistory
        self.mode = mode
        self.leaveOutCount = leaveOutCount
    }

    private enum CodingKeys: String, CodingKey { case validFraction, testFraction, minHistory, mode, leaveOutCount }

    /// Missing keys take their defaults, so older saved settings still decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        validFraction = try c.decodeIfPresent(Double.self, forKey: .validFraction) ?? 0.1
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction) ?? 0.1
        minHistory = try c.decodeIfPresent(Int.self, forKey: .minHistory) ?? 1
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .time
        leaveOutCount = try c.decodeIfPresent(Int.self, forKey: .leaveOutCount) ?? 1
    }
}

/// Time-based split with global cutoffs at the (1 - valid - test) and (1 - test) quantiles of
/// event times: a target with time < validCutoffMs is train, < testCutoffMs is valid, else test.
/// A sample is a target event index e (its history is the events of the same user before e,
/// capped by max_len, computed by the caller). Targets with fewer than minHistory earlier
/// events of their user are left out. Each list is in ascending event index.
/// With `mode == .leaveLastOut` the split is per user instead (see `SplitSettings.Mode`) and
/// both cutoffs are `Int64.max`.
public struct DatasetSplit: Sendable {
    public let train: [Int64]
    public let valid: [Int64]
    public let test: [Int64]
    public let validCutoffMs: Int64
    public let testCutoffMs: Int64

    public init(dataset: PreparedDataset, settings: SplitSettings) {
        if settings.mode == .leaveLastOut {
            (train, valid, test) = Self.leaveLastOut(dataset, settings)
            validCutoffMs = Int64.max
            testCutoffMs = Int64.max
            return
        }
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

    private static func leaveLastOut(_ dataset: PreparedDataset, _ settings: SplitSettings) -> ([Int64], [Int64], [Int64]) {
        let k = max(settings.leaveOutCount, 0)
        var train: [Int64] = [], valid: [Int64] = [], test: [Int64] = []
        for u in 0..<dataset.userCount {
            let r = dataset.events(ofUser: u)
            for e in r where e - r.lowerBound >= settings.minHistory {
                let fromEnd = r.upperBound - e  // 1 for the last event
                if fromEnd <= k { test.append(Int64(e)) } else if fromEnd <= 2 * k { valid.append(Int64(e)) } else { train.append(Int64(e)) }
            }
        }
        return (train, valid, test)
    }
}
