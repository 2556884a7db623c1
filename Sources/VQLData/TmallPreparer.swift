import Foundation

/// `vql prepare --format tmall`: the IJCAI-15 repeat-buyer log `user_log_format1.csv`
/// (`data_format1`) → a prepared dataset.
///
/// - Time: `time_stamp` is `mmdd` without a year and without a leading zero (`829`, `1111`);
///   the year comes from `PrepareSettings.year` (default 2014); an event is placed at 00:00
///   Beijing time of its day. Many events share a day: file order breaks the ties (the log
///   itself is not sorted; the writer sorts it).
/// - Events: rows whose `action_type` is in `eventActions`; label 1 when it is in
///   `targetActions` (default: purchase), else 0.
/// - Sampled negatives (`negativesPerPositive` > 0): see `NegativeSampler`.
/// - Item features (first row of an item): tag = `cat_id`, categorical `seller` and `brand`
///   (`brand_id` may be empty: 0 = missing).
/// - User features: `user_info_format1.csv` when present (`TmallUserInfo`).
public enum TmallPreparer {
    public static let logFile = "user_log_format1.csv"
    public static let columns = ["user_id", "item_id", "cat_id", "seller_id", "brand_id", "time_stamp", "action_type"]
    public static let actionNotKept = "action type not in event_actions"

    public static func prepare(_ s: PrepareSettings) throws -> (DatasetManifest, PrepareSummary) {
        guard (1...9999).contains(s.year) else { throw DataError(file: "prepare.year", "expected a year, found \(s.year)") }
        for a in s.eventActions + s.targetActions where !(0...3).contains(a) {
            throw DataError(file: "prepare.event_actions/target_actions", "expected action types 0 (click), 1 (cart), 2 (purchase), 3 (favourite); found \(a)")
        }
        let userColumns = try TmallUserInfo.keptColumns(s.userFeatureFields)
        try DatasetPreparer.checkOutput(s)
        var g = RowGuard(policy: s.badRows)
        guard FileManager.default.fileExists(atPath: SourceFile.join(s.input, logFile)) else {
            throw DataError(file: logFile, "file not found in \(s.input)")
        }
        var log = EventLog()
        var side = ItemSide()
        var seller = FeatureColumn(name: "seller")
        var brand = FeatureColumn(name: "brand")
        var summary = PrepareSummary()
        var keepAction = [false, false, false, false], target = [false, false, false, false]
        for a in s.eventActions { keepAction[a] = true }
        for a in s.targetActions { target[a] = true }
        var notKept = 0
        var dayMs = [Int64](repeating: Int64.min, count: 13 * 32)  // by month·32 + day, filled on first use
        if let (r, _) = try SourceFile.open(s.input, logFile, columns: columns, &g) {
            let progress = PrepareProgress()
            var lastItem: Int32 = -1
            let values = UnsafeMutablePointer<Int64>.allocate(capacity: columns.count)
            defer { values.deallocate() }
            let required = [0, 1, 2, 3, 5, 6]  // brand_id (4) may be empty
            while let n = try r.nextIntegers(values, capacity: columns.count, wanted: 0x7F) {
                summary.rowsRead += 1
                if summary.rowsRead & 0xFFFF == 0 { progress.report(file: logFile, rows: summary.rowsRead) }
                let user: Int64, item: Int64, cat: Int64, sellerId: Int64, brandId: Int64?, mmdd: Int64, action: Int64
                let e = CSVReader.emptyField
                if n == columns.count && values[0] != e && values[1] != e && values[2] != e && values[3] != e
                    && values[5] != e && values[6] != e {
                    // Fast path: every field digits (or an empty brand_id).
                    (user, item, cat, sellerId, mmdd, action) = (values[0], values[1], values[2], values[3], values[5], values[6])
                    brandId = values[4] == e ? nil : values[4]
                } else if n >= 0 {
                    // All-integer record with a wrong count or an empty required field.
                    try r.rejectIntegerRecord(n, values, columns: columns, required: required, &g)
                    continue
                } else {
                    guard try r.check(columns: columns.count, &g),
                          let u = try r.int(0, "user_id", &g),
                          let i = try r.int(1, "item_id", &g),
                          let c = try r.int(2, "cat_id", &g),
                          let sid = try r.int(3, "seller_id", &g),
                          let b = try r.optionalInt(4, "brand_id", &g),
                          let t = try r.int(5, "time_stamp", &g),
                          let a = try r.int(6, "action_type", &g) else { continue }
                    (user, item, cat, sellerId, brandId, mmdd, action) = (u, i, c, sid, b, t, a)
                }
                let month = mmdd / 100, day = mmdd % 100
                guard (1...12).contains(month), (1...31).contains(day) else {
                    try g.reject(DropReason.notNumeric, r.error("column time_stamp: expected a month-day mmdd like 829 or 1111, found \(mmdd)"))
                    continue
                }
                guard (0...3).contains(action) else {
                    try g.reject(DropReason.badLabel, r.error("column action_type: expected 0, 1, 2 or 3, found \(action)"))
                    continue
                }
                if !keepAction[Int(action)] { notKept += 1; continue }
                let slot = Int(month * 32 + day)
                if dayMs[slot] == Int64.min { dayMs[slot] = BeijingCalendar.midnightMs(year: Int64(s.year), month: month, day: day) }
                let t = dayMs[slot]
                let i = log.items.id(item)
                log.append(user: log.users.id(user), item: i, time: t, label: target[Int(action)] ? 1 : 0)
                if i != lastItem && side.firstTagsOf(i) {
                    side.tagItem.append(i)
                    side.tagValue.append(side.tags.id(cat))
                    seller.set(item: i, value: seller.values.id(sellerId))
                    if let brandId { brand.set(item: i, value: brand.values.id(brandId)) }
                }
                lastItem = i
            }
            log.sources.append(SourceFile.record(r))
        }
        g.dropped.add(actionNotKept, count: notKept)
        if log.count == 0 { throw DataError(file: logFile, "no events: expected at least one data line with a kept action after the header") }
        side.features = [seller, brand]
        let users = try TmallUserInfo.read(dir: s.input, columns: userColumns, explicit: s.userFeatureFields != nil,
                                           log: &log, guard: &g)
        let actions = s.targetActions.map(String.init).joined(separator: ",")
        return try DatasetPreparer.finish(
            log, side, users: users, guard: g, settings: s, summary: summary,
            description: .init(sourceFormat: "tmall", labelColumn: "action_type in [\(actions)]" + (s.negativesPerPositive > 0 ? " + \(s.negativesPerPositive) sampled negatives per positive" : ""),
                               eventOrder: "by (user, day of time_stamp, file order); sampled negatives follow the user's events of their day"),
            beforeWrite: s.negativesPerPositive > 0 ? { log in
                NegativeSampler.add(to: &log, perPositive: s.negativesPerPositive, seed: s.negativeSeed)
            } : nil)
    }
}
