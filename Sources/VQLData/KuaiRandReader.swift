import Foundation

/// Streaming readers for the KuaiRand-1K CSV files. They validate the header, the column
/// count and every integer field; a bad row is an error `file:line: expected …` or, under
/// `BadRowPolicy.skip`, counted and left out.
public enum KuaiRandReader {
    /// The events of one log file, or of one byte range of it, in line order. Users and items
    /// are chunk-local ids (first-seen order within the chunk), so the parallel tasks do the
    /// hashing; `assemble` maps each chunk's distinct keys to the log's ids.
    struct LogChunk: Sendable {
        let user: ColumnBuilder<Int32>
        let item: ColumnBuilder<Int32>
        /// Raw user and item ids by chunk-local id.
        var userKeys: [Int64] = []
        var itemKeys: [Int64] = []
        let time: ColumnBuilder<Int64>
        let label: ColumnBuilder<Float>
        /// `is_rand` per event (1 = random exposure), kept as the event flag column `is_rand`.
        let isRand: ColumnBuilder<UInt8>
        var rows = 0
        var dropped = DropCounts()
        /// Nothing dropped and no quote seen: the range can stand in for a whole-file read.
        var clean = true

        /// Room for the rows of `bytes` of log (a row is about 77 bytes; untouched capacity
        /// costs no memory, a regrowth copies the column).
        init(bytes: Int64) {
            let rows = Int(bytes / 64) + 16
            user = .init(capacity: rows); item = .init(capacity: rows); time = .init(capacity: rows)
            label = .init(capacity: rows); isRand = .init(capacity: rows)
        }
    }

    /// Byte ranges of about this size are parsed in parallel.
    static let defaultRangeBytes: Int64 = 32 << 20

    /// Reads the log files and returns their events in file order. Each file is cut
    /// at line ends into ranges of about `rangeBytes`, parsed in parallel (with `alongside`,
    /// the video features file, as one more task); the files' checksums are left to the
    /// log's `digests`, computed while the caller sorts and writes.
    /// A file any of whose ranges dropped a row, failed or saw a quote is read again whole,
    /// in order, so errors, line numbers and drop examples are those of a sequential read.
    static func readLogs(dir: String, names: [String], labelIndex: Int, policy: BadRowPolicy,
                         guard g: inout RowGuard, rows: inout Int,
                         rangeBytes: Int64 = defaultRangeBytes,
                         alongside: (@Sendable () -> Void)? = nil) throws -> EventLog {
        // Headers first, in file order; a header's error is raised only in its file's turn.
        var headers: [Result<(body: Range<Int64>?, dropped: DropCounts), any Error>] = []
        var planned: [(file: Int, bytes: Range<Int64>)] = []
        for (k, name) in names.enumerated() {
            headers.append(Result {
                var hg = RowGuard(policy: policy)
                guard let (r, _) = try SourceFile.open(dir, name, columns: KuaiRandFormat.logColumns, &hg, hashing: false) else {
                    return (nil, hg.dropped)  // skipped
                }
                let body = r.offset..<r.fileSize
                planned += try split(path: SourceFile.join(dir, name), body, rangeBytes: rangeBytes).map { (k, $0) }
                return (body, hg.dropped)
            })
        }
        let progress = PrepareProgress()
        let scratch = ParseScratchPool()
        let ranges = planned
        let results = ResultSlots<LogChunk>(count: ranges.count)
        DispatchQueue.concurrentPerform(iterations: ranges.count + (alongside == nil ? 0 : 1)) { k in
            if k == ranges.count { alongside?(); return }
            results.set(k, Result {
                try readRange(SourceFile.join(dir, names[ranges[k].file]), ranges[k].bytes, labelIndex: labelIndex,
                              policy: policy, scratch: scratch, progress: progress)
            })
        }
        PrepareTiming.mark("parse ranges")
        // Checksums start now: the parse keeps both cores busy, the steps after it mostly one.
        let digests = FileDigests()
        for (k, name) in names.enumerated() where (try? headers[k].get().body) != nil {
            digests.start(path: SourceFile.join(dir, name), name: name)
        }
        var chunks: [LogChunk] = []
        var sources: [DatasetManifest.SourceFile] = []
        for (k, name) in names.enumerated() {
            let header = try headers[k].get()
            g.dropped.merge(header.dropped)
            guard let body = header.body else { continue }
            let mine = ranges.indices.filter { ranges[$0].file == k }
            let clean = mine.allSatisfy { (try? results.peek($0) { $0.clean }) ?? false }
            if clean {
                for r in mine {
                    let chunk = try results.take(r)
                    g.dropped.merge(chunk.dropped)
                    rows += chunk.rows
                    chunks.append(chunk)
                }
            } else {
                for r in mine { _ = try? results.take(r) }
                var whole = LogChunk(bytes: body.upperBound - body.lowerBound)
                var fg = RowGuard(policy: policy)
                if let (r, _) = try SourceFile.open(dir, name, columns: KuaiRandFormat.logColumns, &fg, hashing: false) {
                    try parseRows(r, into: &whole, scratch: scratch, guard: &fg, labelIndex: labelIndex, progress: progress)
                }
                g.dropped.merge(fg.dropped)
                rows += whole.rows
                chunks.append(whole)
            }
            sources.append(.init(name: name, bytes: body.upperBound, checksum: ""))
        }
        var log = assemble(chunks)
        log.sources = sources
        log.digests = digests
        return log
    }

    /// Splits `body` at line starts into ranges of about `rangeBytes` (each cut just after a
    /// newline at or past the nominal offset).
    static func split(path: String, _ body: Range<Int64>, rangeBytes: Int64) throws -> [Range<Int64>] {
        if body.count <= rangeBytes { return body.isEmpty ? [] : [body] }
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw DataError(file: (path as NSString).lastPathComponent, "cannot open file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { buffer.deallocate() }
        var cuts = [body.lowerBound]
        var nominal = body.lowerBound + rangeBytes
        search: while nominal < body.upperBound {
            var at = nominal - 1
            while at < body.upperBound {
                let n = pread(fd, buffer, 1 << 16, off_t(at))
                if n <= 0 { break search }
                if let i = (0..<n).first(where: { buffer[$0] == 0x0A }) {
                    let cut = at + Int64(i) + 1
                    if cut >= body.upperBound { break search }
                    cuts.append(cut)
                    nominal = cut + rangeBytes
                    continue search
                }
                at += Int64(n)
            }
            break
        }
        cuts.append(body.upperBound)
        return (0..<cuts.count - 1).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// Parses bytes `range` of a log file (whole lines, no header).
    static func readRange(_ path: String, _ range: Range<Int64>, labelIndex: Int, policy: BadRowPolicy,
                          scratch: ParseScratchPool, progress: PrepareProgress) throws -> LogChunk {
        let r = try CSVReader(path: path, blockSize: 1 << 20, recoverQuotes: policy == .skip, range: range)
        var chunk = LogChunk(bytes: range.upperBound - range.lowerBound)
        var g = RowGuard(policy: policy)
        try parseRows(r, into: &chunk, scratch: scratch, guard: &g, labelIndex: labelIndex, progress: progress)
        chunk.dropped = g.dropped
        chunk.clean = g.dropped.reasons.isEmpty && !r.sawQuote
        return chunk
    }

    /// Parses the rest of `r` into `chunk` (the label must be 0 or 1), with key tables and
    /// buffers borrowed from `pool`.
    static func parseRows(_ r: CSVReader, into chunk: inout LogChunk, scratch pool: ParseScratchPool, guard g: inout RowGuard,
                          labelIndex: Int, progress: PrepareProgress) throws {
        let scratch = pool.take()
        let users = scratch.users, items = scratch.items, rawItems = scratch.rawItems
        defer {
            chunk.userKeys = users.takeKeys()
            chunk.itemKeys = items.takeKeys()
            rawItems.removeAll()
            pool.give(scratch)
        }
        let columns = KuaiRandFormat.logColumns
        let labelName = columns[labelIndex]
        var fileRows = 0
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: columns.count)
        defer { values.deallocate() }
        let randIndex = KuaiRandFormat.logColumns.firstIndex(of: "is_rand")!
        let wanted: UInt64 = 1 << 0 | 1 << 1 | 1 << 4 | 1 << UInt64(labelIndex) | 1 << UInt64(randIndex)
        var lastUser = Int64.min, lastUserId: Int32 = 0  // rows come in runs of one user
        rowLoop: while let n = try r.nextIntegers(values, capacity: columns.count, wanted: wanted) {
            fileRows &+= 1
            if fileRows & 0xFFFF == 0 { progress.advance(by: 0x10000, file: r.fileName) }
            let user: Int64, item: Int64, time: Int64, label: Int64, isRand: Int64
            if n == columns.count && values[0] != CSVReader.emptyField && values[1] != CSVReader.emptyField
                && values[4] != CSVReader.emptyField && values[labelIndex] != CSVReader.emptyField {
                // Fast path: every field an integer or empty (empty is allowed in unused columns).
                (user, item, time, label, isRand) = (values[0], values[1], values[4], values[labelIndex], values[randIndex])
            } else if n >= 0 {
                // All-integer record with a wrong count or an empty required field.
                try r.rejectIntegerRecord(n, values, columns: columns, required: [0, 1, 4, labelIndex], &g)
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
            if user != lastUser { lastUser = user; lastUserId = users.id(user) }
            chunk.user.append(lastUserId)
            rawItems.append(item)
            chunk.time.append(time)
            chunk.label.append(Float(label))
            chunk.isRand.append(isRand > 0 ? 1 : 0)
        }
        chunk.rows += fileRows
        // Items are mapped after the row loop, in a tight loop of independent probes whose
        // cache misses overlap; inside the row loop each probe's miss stalled the parse.
        for raw in rawItems.buffer { chunk.item.append(items.id(raw)) }
    }
}

/// What a range parse needs besides its output, handed from one range to the next so each
/// parallel task reuses memory already grown to a range's size: the user and item key
/// tables, and the raw item ids (hashed after the row loop).
final class ParseScratchPool: @unchecked Sendable {
    /// (`@unchecked`: a scratch is used by one task at a time, between `take` and `give`.)
    struct Scratch: @unchecked Sendable {
        let users = KeyTable()
        let items = KeyTable()
        let rawItems = ColumnBuilder<Int64>(capacity: 1 << 16)
    }

    private var free: [Scratch] = []
    private let lock = NSLock()

    func take() -> Scratch {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? Scratch()
    }

    func give(_ scratch: Scratch) {
        lock.lock()
        free.append(scratch)
        lock.unlock()
    }
}
