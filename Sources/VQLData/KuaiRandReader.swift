/// Events read from the KuaiRand log files, in file order (files in `KuaiRandFormat.logFiles`
/// order, then line order), with raw ids, before remapping and sorting.
public struct RawEventLog: Sendable {
    public var user: [Int64] = []
    public var item: [Int64] = []
    public var timeMs: [Int64] = []
    public var label: [Float] = []
    public var sources: [DatasetManifest.SourceFile] = []
    public var count: Int { user.count }
}

/// The video features file as read: tag lists as (raw video id, raw tag id) pairs, and one
/// entry per video (its first row wins) of the categorical static features.
public struct RawVideoFeatures: Sendable {
    public var video: [Int64] = []
    public var tag: [Int64] = []
    /// Per video row: raw video id, author id, video_type (index into `videoTypeNames`),
    /// music_type, duration bucket (`KuaiRandFormat.durationBucket`). Missing ids are nil.
    public var rowVideo: [Int64] = []
    public var rowAuthor: [Int64?] = []
    public var rowVideoType: [Int] = []
    public var rowMusicType: [Int64?] = []
    public var rowDurationBucket: [Int32] = []
    public var videoTypeNames: [String] = []
    public var source: DatasetManifest.SourceFile?
}

/// Streaming readers for the KuaiRand-1K CSV files. They validate the header, the column
/// count and every integer field, and report problems as `file:line: expected ...`.
public enum KuaiRandReader {
    /// Reads the header line and checks it equals `columns` (a UTF-8 BOM is tolerated).
    static func checkHeader(_ r: CSVReader, _ columns: [String]) throws {
        guard try r.next() else {
            throw DataError(file: r.fileName, line: 1, "empty file: expected the header line \"\(columns.joined(separator: ","))\"")
        }
        var found = r.strings
        if let first = found.first, first.hasPrefix("\u{FEFF}") { found[0] = String(first.dropFirst()) }
        if found != columns {
            throw r.error("expected the header \"\(columns.joined(separator: ","))\", found \"\(found.joined(separator: ","))\"")
        }
    }

    /// Appends the events of one log file to `log`. `labelIndex` is the label's column index.
    public static func readLog(path: String, labelIndex: Int, into log: inout RawEventLog) throws {
        let r = try CSVReader(path: path, hashing: true)
        try checkHeader(r, KuaiRandFormat.logColumns)
        let columns = KuaiRandFormat.logColumns
        let labelName = columns[labelIndex]
        while try r.next() {
            if r.fieldCount != columns.count {
                throw r.error("expected \(columns.count) columns, found \(r.fieldCount)")
            }
            let user = try r.int64(0, column: "user_id")
            let item = try r.int64(1, column: "video_id")
            let time = try r.int64(4, column: "time_ms")
            let label = try r.int64(labelIndex, column: labelName)
            if label != 0 && label != 1 {
                throw r.error("column \(labelName): expected 0 or 1, found \(label)")
            }
            // The other columns are not used, but must be integers (or empty) all the same.
            for c in 2..<columns.count where c != 4 && c != labelIndex {
                let ok = r.withField(c) { $0.isEmpty || ByteNumber.parseInt64($0) != nil }
                if !ok { throw r.error("column \(columns[c]): expected an integer, found \"\(r.string(c))\"") }
            }
            log.user.append(user)
            log.item.append(item)
            log.timeMs.append(time)
            log.label.append(Float(label))
        }
        log.sources.append(.init(name: r.fileName, bytes: Int64(r.bytesRead), sha256: r.finishHash() ?? ""))
    }

    /// Reads `video_features_basic_1k.csv`: for each video, its tag list (the `tag` column,
    /// a comma list that may be quoted or empty), author_id, video_type, music_type and
    /// video_duration (float ms; empty allowed). Other columns are checked for count only.
    public static func readVideoFeatures(path: String) throws -> RawVideoFeatures {
        let r = try CSVReader(path: path, hashing: true)
        try checkHeader(r, KuaiRandFormat.videoColumns)
        let columns = KuaiRandFormat.videoColumns
        var out = RawVideoFeatures()
        var typeIndex: [String: Int] = [:]
        var tags: [Int64] = []
        var seen = Set<Int64>()
        while try r.next() {
            if r.fieldCount != columns.count {
                throw r.error("expected \(columns.count) columns, found \(r.fieldCount)")
            }
            let video = try r.int64(0, column: "video_id")
            if !seen.insert(video).inserted { continue }
            let ok = r.withField(11) { ByteNumber.parseIntList($0, into: &tags) }
            if !ok { throw r.error("column tag: expected a comma-separated list of integers, found \"\(r.string(11))\"") }
            for t in tags {
                out.video.append(video)
                out.tag.append(t)
            }
            out.rowVideo.append(video)
            out.rowAuthor.append(try optionalInt(r, 1, "author_id"))
            let typeName = r.string(2)
            if typeIndex[typeName] == nil { typeIndex[typeName] = out.videoTypeNames.count; out.videoTypeNames.append(typeName) }
            out.rowVideoType.append(typeIndex[typeName]!)
            out.rowMusicType.append(try optionalInt(r, 10, "music_type"))
            let duration = r.withField(6) { $0.isEmpty ? Double.nan : ByteNumber.parseDecimal($0) }
            guard let duration else {
                throw r.error("column video_duration: expected a number of milliseconds or empty, found \"\(r.string(6))\"")
            }
            out.rowDurationBucket.append(KuaiRandFormat.durationBucket(ms: duration))
        }
        out.source = .init(name: r.fileName, bytes: Int64(r.bytesRead), sha256: r.finishHash() ?? "")
        return out
    }

    /// Field `i` as an integer, nil when empty.
    static func optionalInt(_ r: CSVReader, _ i: Int, _ column: String) throws -> Int64? {
        if r.withField(i, { $0.isEmpty }) { return nil }
        return try r.int64(i, column: column)
    }
}
