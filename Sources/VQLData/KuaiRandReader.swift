import Foundation

/// Streaming readers for the KuaiRand-1K CSV files. They validate the header, the column
/// count and every integer field; a bad row is an error `file:line: expected …` or, under
/// `BadRowPolicy.skip`, counted and left out.
public enum KuaiRandReader {
    /// The events of one log file with raw ids, in line order, plus what was dropped.
    struct LogChunk: Sendable {
        var user: [Int64] = []
        var item: [Int64] = []
        var time: [Int64] = []
        var label: [Float] = []
        /// `is_rand` per event (1 = random exposure), kept as the event flag column `is_rand`.
        var isRand: [UInt8] = []
        var rows = 0
        var dropped = DropCounts()
        var source: DatasetManifest.SourceFile?
    }

    /// Reads the log files in parallel (one thread per file; the cores are shared with the
    /// hashing threads) and appends their events to `log` in file order, so provisional ids,
    /// drop examples and the first strict error are the same as a sequential read.
    /// `alongside` runs as one more parallel task (the video features file).
    static func readLogs(dir: String, names: [String], labelIndex: Int, policy: BadRowPolicy,
                         into log: inout EventLog, guard g: inout RowGuard, rows: inout Int,
                         alongside: (@Sendable () -> Void)? = nil) throws {
        let results = ResultSlots<LogChunk>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: names.count + (alongside == nil ? 0 : 1)) { k in
            if k == names.count { alongside?(); return }
            results.set(k, Result { try readLog(dir: dir, name: names[k], labelIndex: labelIndex, policy: policy) })
        }
        var total = 0
        for k in 0..<names.count { total += (try? results.peek(k) { $0.user.count }) ?? 0 }
        log.reserve(additional: total)
        for k in 0..<names.count {
            let chunk = try results.take(k)  // the slot lets go of it: freed after merging
            g.dropped.merge(chunk.dropped)
            rows += chunk.rows
            guard let source = chunk.source else { continue }
            // Batched mapping: the hash probes are independent, so cache misses overlap.
            let users = log.users, items = log.items
            var lastUser = Int64.min, lastId: Int32 = 0
            for u in chunk.user {
                if u != lastUser { lastUser = u; lastId = users.id(u) }
                log.user.append(lastId)
            }
            for i in chunk.item { log.item.append(items.id(i)) }
            log.time.append(contentsOf: chunk.time)
            log.label.append(contentsOf: chunk.label)
            if log.flags == nil { log.flags = (name: "is_rand", values: []) }
            log.flags!.values.append(contentsOf: chunk.isRand)
            log.sources.append(source)
        }
    }

    /// Reads log file `name` in `dir` (an empty chunk without a source if the file is
    /// skipped). `labelIndex` is the label's column index; the label must be 0 or 1.
    static func readLog(dir: String, name: String, labelIndex: Int, policy: BadRowPolicy) throws -> LogChunk {
        var chunk = LogChunk()
        var g = RowGuard(policy: policy)
        guard let (r, _) = try SourceFile.open(dir, name, columns: KuaiRandFormat.logColumns, &g) else {
            chunk.dropped = g.dropped
            return chunk
        }
        let columns = KuaiRandFormat.logColumns
        let labelName = columns[labelIndex]
        let progress = PrepareProgress()
        var fileRows = 0
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: columns.count)
        defer { values.deallocate() }
        let estimate = Int(r.fileSize / 64)
        chunk.user.reserveCapacity(estimate); chunk.item.reserveCapacity(estimate)
        chunk.time.reserveCapacity(estimate); chunk.label.reserveCapacity(estimate)
        let randIndex = KuaiRandFormat.logColumns.firstIndex(of: "is_rand")!
        let wanted: UInt64 = 1 << 0 | 1 << 1 | 1 << 4 | 1 << UInt64(labelIndex) | 1 << UInt64(randIndex)
        rowLoop: while let n = try r.nextIntegers(values, capacity: columns.count, wanted: wanted) {
            fileRows &+= 1
            if fileRows & 0xFFFF == 0 { progress.report(file: r.fileName, rows: fileRows) }
            let user: Int64, item: Int64, time: Int64, label: Int64, isRand: Int64
            if n == columns.count && values[0] != CSVReader.emptyField && values[1] != CSVReader.emptyField
                && values[4] != CSVReader.emptyField && values[labelIndex] != CSVReader.emptyField {
                // Fast path: every field an integer or empty (empty is allowed in unused columns).
                (user, item, time, label, isRand) = (values[0], values[1], values[4], values[labelIndex], values[randIndex])
            } else if n >= 0 {
                // All-integer record with a wrong count or an empty required field.
                if n != columns.count {
                    try g.reject(DropReason.wrongColumnCount, r.error("expected \(columns.count) columns, found \(n)"))
                } else {
                    let c = [0, 1, 4, labelIndex].first { values[$0] == CSVReader.emptyField }!
                    try g.reject(DropReason.notNumeric, r.error("column \(columns[c]): expected an integer, found \"\""))
                }
                continue
            } else {
                // General path: fields as views, every check with its message.
                guard try r.check(columns: columns.count, &g),
                      let u = try r.int(0, "user_id", &g),
                      let i = try r.int(1, "video_id", &g),
                      let t = try r.int(4, "time_ms", &g),
                      let y = try r.int(labelIndex, labelName, &g) else { continue }
                // The other columns are not used, but must be integers (or empty) all the same.
                for c in 2..<columns.count where c != 4 && c != labelIndex {
                    guard try r.optionalInt(c, columns[c], &g) != nil else { continue rowLoop }
                }
                (user, item, time, label) = (u, i, t, y)
                isRand = r.withField(randIndex, ByteNumber.parseInt64) ?? 0
            }
            if label != 0 && label != 1 {
                try g.reject(DropReason.badLabel, r.error("column \(labelName): expected 0 or 1, found \(label)"))
                continue
            }
            chunk.user.append(user)
            chunk.item.append(item)
            chunk.time.append(time)
            chunk.label.append(Float(label))
            chunk.isRand.append(isRand > 0 ? 1 : 0)
        }
        chunk.rows = fileRows
        chunk.source = SourceFile.record(r)
        chunk.dropped = g.dropped
        return chunk
    }
}

/// One result slot per parallel task, each written by exactly one task before being read.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ r: Result<T, any Error>) { lock.lock(); slots[k] = r; lock.unlock() }

    /// Removes and returns slot k's value (rethrows its error).
    func take(_ k: Int) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let r = slots[k]!
        slots[k] = nil
        return try r.get()
    }

    /// Applies `f` to slot k's value without removing it.
    func peek<R>(_ k: Int, _ f: (T) -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return f(try slots[k]!.get())
    }
}
