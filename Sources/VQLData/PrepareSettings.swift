/// Everything `vql prepare` needs: which raw format, where, the label rule, static features,
/// filters and the bad-row policy. Read from the `prepare:` (and `data:`) sections of a run
/// config (`PrepareConfigFile`), overridden by command-line flags.
public struct PrepareSettings: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case kuairand, kuairec, tmall, recbole }

    public var format: Format = .kuairand
    /// Directory of the raw files.
    public var input = ""
    /// Prepared directory to create (`data.path` of the run config).
    public var output = ""
    public var overwrite = false
    public var badRows: BadRowPolicy = .strict
    /// Label column: kuairand a 0/1 log column (default `is_click`); kuairec a numeric column
    /// compared with `threshold` (default `watch_ratio`); recbole any numeric field compared
    /// with `threshold` (default `rating`); tmall ignores it (see `targetActions`).
    public var label: String?
    /// kuairec: label = watch_ratio ≥ threshold (default 2.0); recbole: field ≥ threshold
    /// (default: 4.0 when the label is `rating`, else 1.0).
    public var threshold: Double?
    /// Users with fewer kept events are dropped (after the time window).
    public var minEventsPerUser = 1
    /// Optional time window [timeStartMs, timeEndMs) in Unix ms; events outside are dropped.
    public var timeStartMs: Int64?
    public var timeEndMs: Int64?
    /// History cap used by training (`data.max_len`): the summary reports how many samples it truncates.
    public var maxLen = 512

    /// kuairec: `big` (big_matrix.csv) or `small` (small_matrix.csv).
    public var matrix = "big"
    /// tmall: the year of the `mmdd` time stamps.
    public var year = 2014
    /// tmall: action types kept as events (0 click, 1 cart, 2 purchase, 3 favourite).
    public var eventActions: [Int] = [0, 1, 2, 3]
    /// tmall: action types whose events are positives (label 1); the others are 0.
    public var targetActions: [Int] = [2]
    /// tmall: sampled negatives per positive (by item popularity, among items the user
    /// never touched; timestamped like the positive, placed right after it). 0 = none.
    public var negativesPerPositive = 0
    public var negativeSeed: UInt64 = 1

    /// recbole: dataset name (files NAME.inter, NAME.item); nil = the only `.inter` file in `input`.
    public var recboleName: String?
    public var userField = "user_id"
    public var itemField = "item_id"
    public var timeField = "timestamp"
    /// recbole: item fields whose values become tags (token_seq, or token with spaces when split).
    public var tagFields: [String] = []
    /// recbole: item token fields stored as categorical features.
    public var featureFields: [String] = []
    /// recbole: `token` fields to split on spaces anyway (files that declare a list as `token`).
    public var splitFields: [String] = []
    /// Columns (recbole: `token` fields) of the user feature file kept as categorical user
    /// features; nil = the format's default (`defaultUserFeatureFields`), [] = none.
    public var userFeatureFields: [String]?

    /// Big files are parsed in parallel byte ranges of about this size (tests make it small).
    var parallelRangeBytes = KuaiRandReader.defaultRangeBytes

    public init() {}

    /// The label column/field in effect.
    public var labelColumn: String {
        if let label { return label }
        switch format {
        case .kuairand: return "is_click"
        case .kuairec: return "watch_ratio"
        case .tmall: return "action_type"
        case .recbole: return "rating"
        }
    }

    /// The label threshold in effect (kuairec, recbole).
    public var labelThreshold: Double {
        if let threshold { return threshold }
        switch format {
        case .kuairec: return 2.0
        case .recbole: return labelColumn == "rating" ? 4.0 : 1.0
        default: return 1.0
        }
    }
}
