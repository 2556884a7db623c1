import Foundation

/// `vql prepare --format kuairec`: KuaiRec 2.0's `big_matrix.csv` or `small_matrix.csv`
/// (`PrepareSettings.matrix`) plus `item_categories.csv` → a prepared dataset.
///
/// Label: `watch_ratio ≥ threshold` (default 2.0; the column is configurable among the
/// numeric ones). Time: `timestamp` (float Unix seconds → ms); when it is empty or NaN, the
/// `time` text (Beijing time, `2020-07-05 00:08:23.438`, ms precision) instead, counted in
/// `PrepareSummary.timeFromText`. Rows with neither cannot be placed in a sequence: they are
/// counted under "no usable timestamp" and dropped under either policy (a `time` that is
/// neither empty, NaN nor such a text is a malformed field). Tags: `feat` of
/// `item_categories.csv`, the text of a list (`[8]`, `"[27, 9]"`). User features:
/// `user_features.csv` when present (`KuaiUserFeatures`).
public enum KuaiRecPreparer {
    public static let matrixColumns = ["user_id", "video_id", "play_duration", "video_duration", "time", "date", "timestamp", "watch_ratio"]
    public static let categoryColumns = ["video_id", "feat"]
    public static let categoriesFile = "item_categories.csv"
    /// Columns that may serve as the label (compared with the threshold).
    public static let numericColumns = ["play_duration", "video_duration", "watch_ratio"]

    public static func matrixFile(_ matrix: String) -> String { matrix == "small" ? "small_matrix.csv" : "big_matrix.csv" }

    public static func prepare(_ s: PrepareSettings) throws -> (DatasetManifest, PrepareSummary) {
        guard s.matrix == "big" || s.matrix == "small" else {
            throw DataError(file: "prepare.matrix", "expected big or small, found \"\(s.matrix)\"")
        }
        let labelColumn = s.labelColumn
        guard numericColumns.contains(labelColumn), let labelIndex = matrixColumns.firstIndex(of: labelColumn) else {
            throw DataError(file: "label", "expected one of \(numericColumns.joined(separator: ", ")), found \"\(labelColumn)\"")
        }
        let userColumns = try KuaiUserFeatures.keptColumns(s.userFeatureFields, file: KuaiUserFeatures.kuaiRecFile)
        try DatasetPreparer.checkOutput(s)
        let threshold = s.labelThreshold
        var g = RowGuard(policy: s.badRows)
        var log = EventLog()
        var summary = PrepareSummary()
        let name = matrixFile(s.matrix)
        guard FileManager.default.fileExists(atPath: SourceFile.join(s.input, name)) else {
            throw DataError(file: name, "file not found in \(s.input)")
        }
        if let (r, _) = try SourceFile.open(s.input, name, columns: matrixColumns, &g) {
            let progress = PrepareProgress()
            var noTime = 0, fromText = 0
            var firstNoTime: String?
            while try r.next() {
                summary.rowsRead += 1
                if summary.rowsRead & 0xFFFF == 0 { progress.report(file: name, rows: summary.rowsRead) }
                guard try r.check(columns: matrixColumns.count, &g),
                      let user = try r.int(0, "user_id", &g),
                      let item = try r.int(1, "video_id", &g),
                      try r.optionalNumber(2, "play_duration", &g) != nil,
                      try r.optionalNumber(3, "video_duration", &g) != nil,
                      try r.optionalInt(5, "date", &g) != nil,
                      let value = try r.number(labelIndex, labelColumn, &g),
                      let seconds = try r.optionalNumber(6, "timestamp", &g),
                      let textMs = try r.beijingTime(4, "time", &g) else { continue }
                if labelIndex != 7 { guard try r.number(7, "watch_ratio", &g) != nil else { continue } }
                let ms: Int64
                if let seconds, seconds.isFinite {
                    ms = Int64((seconds * 1000).rounded())
                } else if let textMs {
                    ms = textMs
                    fromText += 1
                } else {
                    noTime += 1
                    if firstNoTime == nil {
                        firstNoTime = r.error("timestamp \"\(r.string(6))\" and time \"\(r.string(4))\": the event cannot be placed in time").description
                    }
                    continue
                }
                log.append(user: log.users.id(user), item: log.items.id(item), time: ms, label: value >= threshold ? 1 : 0)
            }
            g.dropped.add(DropReason.noTimestamp, count: noTime, example: firstNoTime)
            summary.timeFromText = fromText
            log.sources.append(SourceFile.record(r))
        }
        if log.count == 0 { throw DataError(file: name, "no events: expected at least one data line with a timestamp after the header") }

        var side = ItemSide()
        if let (r, _) = try SourceFile.open(s.input, categoriesFile, columns: categoryColumns, &g) {
            var tags: [Int64] = []
            var seen = Set<Int32>()
            while try r.next() {
                guard try r.check(columns: 2, &g), let video = try r.int(0, "video_id", &g) else { continue }
                let ok = r.withField(1) { b -> Bool in
                    guard b.count >= 2, b.first == 0x5B, b.last == 0x5D else { return false }
                    return ByteNumber.parseIntList(UnsafeBufferPointer(rebasing: b[1..<(b.count - 1)]), into: &tags)
                }
                if !ok {
                    try g.reject(DropReason.notNumeric, r.error("column feat: expected a list like [8] or \"[27, 9]\", found \"\(r.string(1))\""))
                    continue
                }
                guard let item = log.items.find(video), seen.insert(item).inserted else { continue }
                for t in tags { side.tagItem.append(item); side.tagValue.append(side.tags.id(t)) }
            }
            log.sources.append(SourceFile.record(r))
        }
        let users = try KuaiUserFeatures.read(dir: s.input, file: KuaiUserFeatures.kuaiRecFile, columns: userColumns,
                                              explicit: s.userFeatureFields != nil, log: &log, guard: &g)
        return try DatasetPreparer.finish(
            log, side, users: users, guard: g, settings: s, summary: summary,
            description: .init(sourceFormat: "kuairec", labelColumn: "\(labelColumn) >= \(threshold)",
                               eventOrder: "by (user, timestamp, file order); file order = \(name) line order"))
    }
}

extension CSVReader {
    /// Field `i` as a number or empty/NaN (`.some(nil)` for empty, `.some(.nan)` for NaN);
    /// nil (row skipped) when neither.
    func optionalNumber(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Double?? {
        let v: Double?? = withField(i) { b in
            if b.isEmpty { return .some(nil) }
            if b.count == 3, (b[0] | 0x20) == 0x6E, (b[1] | 0x20) == 0x61, (b[2] | 0x20) == 0x6E { return .some(.nan) }
            return ByteNumber.parseDouble(b).map { .some($0) }
        }
        if let v { return v }
        try g.reject(DropReason.notNumeric, error("column \(column): expected a number or nothing, found \"\(string(i))\""))
        return nil
    }

    /// Field `i` as Beijing-time text → Unix ms, or empty/NaN (`.some(nil)`); nil (row
    /// skipped) when it is neither.
    func beijingTime(_ i: Int, _ column: String, _ g: inout RowGuard) throws -> Int64?? {
        let v: Int64?? = withField(i) { b in
            if b.isEmpty { return .some(nil) }
            if b.count == 3, (b[0] | 0x20) == 0x6E, (b[1] | 0x20) == 0x61, (b[2] | 0x20) == 0x6E { return .some(nil) }
            return BeijingCalendar.parseMs(b).map { .some($0) }
        }
        if let v { return v }
        try g.reject(DropReason.notNumeric, error("column \(column): expected a Beijing time like 2020-07-05 00:08:23.438, empty or NaN, found \"\(string(i))\""))
        return nil
    }
}
