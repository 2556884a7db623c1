import Foundation

extension KuaiRandReader {
    /// Concatenates `chunks` in order into one event log. Provisional ids come out as a
    /// sequential read would give them (first-seen order of the concatenation): each chunk's
    /// distinct keys are looked up in order, which is the only serial part; the columns are
    /// then filled by all cores, one chunk per task, and each chunk column is freed once copied.
    static func assemble(_ chunks: [LogChunk]) -> EventLog {
        var log = EventLog()
        let users = log.users, items = log.items
        let userIds = chunks.map { $0.userKeys.map { users.id($0) } }
        let itemIds = chunks.map { $0.itemKeys.map { items.id($0) } }
        let starts = chunks.reduce(into: [0]) { $0.append($0.last! + $1.user.count) }
        let total = starts.last!
        // Each task prefaults its slice just before filling it, while the chunk columns it
        // copies from are freed as it goes, so the resident set does not hold both at once.
        log.user = parallelFill(count: total, tasks: chunks.count) { c, out in
            let ids = userIds[c], start = starts[c]
            PrefaultedPages.populate(out + start, count: chunks[c].user.count)
            for (i, u) in chunks[c].user.buffer.enumerated() { out[start + i] = ids[Int(u)] }
            chunks[c].user.release()
        }
        log.item = parallelFill(count: total, tasks: chunks.count) { c, out in
            let ids = itemIds[c], start = starts[c]
            PrefaultedPages.populate(out + start, count: chunks[c].item.count)
            for (i, v) in chunks[c].item.buffer.enumerated() { out[start + i] = ids[Int(v)] }
            chunks[c].item.release()
        }
        log.time = parallelFill(count: total, tasks: chunks.count) { c, out in
            PrefaultedPages.populate(out + starts[c], count: chunks[c].time.count)
            (out + starts[c]).update(from: chunks[c].time.pointer, count: chunks[c].time.count)
            chunks[c].time.release()
        }
        log.label = parallelFill(count: total, tasks: chunks.count) { c, out in
            PrefaultedPages.populate(out + starts[c], count: chunks[c].label.count)
            (out + starts[c]).update(from: chunks[c].label.pointer, count: chunks[c].label.count)
            chunks[c].label.release()
        }
        let isRand: [UInt8] = parallelFill(count: total, tasks: chunks.count) { c, out in
            PrefaultedPages.populate(out + starts[c], count: chunks[c].isRand.count)
            (out + starts[c]).update(from: chunks[c].isRand.pointer, count: chunks[c].isRand.count)
            chunks[c].isRand.release()
        }
        log.flags = (name: "is_rand", values: isRand)
        return log
    }
}

extension KuaiRandReader {
    /// Parses the rows of one log file on this thread as a prepare does (ids, columns,
    /// checks), for `vql debug parse-bench --full`. Returns the rows kept.
    public static func parseLogForBenchmark(path: String) throws -> Int {
        var g = RowGuard(policy: .strict)
        let dir = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        guard let (r, _) = try SourceFile.open(dir, name, columns: KuaiRandFormat.logColumns, &g, hashing: false) else { return 0 }
        var chunk = LogChunk(bytes: r.fileSize)
        try parseRows(r, into: &chunk, scratch: ParseScratchPool(), guard: &g, labelIndex: 5, progress: PrepareProgress())
        return chunk.time.count
    }
}
