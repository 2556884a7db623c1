import Foundation

/// `video_features_basic_1k.csv` as read, before the log is known: one entry per valid row
/// with raw ids, so it can be read on its own thread while the logs are parsed, then
/// `resolve`d against the log's items.
///
/// Per video: tags (the `tag` column, a comma list that may be quoted or empty), author_id,
/// video_type, music_type and the duration bucket of video_duration (float ms, may be
/// empty). Rows are validated whether or not their video is logged; the first valid row of
/// a logged video wins.
struct KuaiRandVideoFeatures: Sendable {
    var video: [Int64] = []
    var tagEnds: [Int] = []
    var tags: [Int64] = []
    var author: [Int64?] = []
    var typeName: [String] = []
    var music: [Int64?] = []
    var bucket: [Int32] = []
    var dropped = DropCounts()
    var rows = 0
    var source: DatasetManifest.SourceFile?

    static func read(dir: String, policy: BadRowPolicy) throws -> KuaiRandVideoFeatures {
        var out = KuaiRandVideoFeatures()
        var g = RowGuard(policy: policy)
        guard let (r, _) = try SourceFile.open(dir, KuaiRandFormat.videoFeaturesFile, columns: KuaiRandFormat.videoColumns, &g) else {
            out.dropped = g.dropped
            return out
        }
        let columns = KuaiRandFormat.videoColumns
        var rowTags: [Int64] = []
        while try r.next() {
            out.rows += 1
            guard try r.check(columns: columns.count, &g), let video = try r.int(0, "video_id", &g) else { continue }
            let ok = r.withField(11) { ByteNumber.parseIntList($0, into: &rowTags) }
            if !ok {
                try g.reject(DropReason.notNumeric, r.error("column tag: expected a comma-separated list of integers, found \"\(r.string(11))\""))
                continue
            }
            guard let authorId = try r.optionalInt(1, "author_id", &g),
                  let musicType = try r.optionalInt(10, "music_type", &g) else { continue }
            let duration = r.withField(6) { $0.isEmpty ? Double.nan : ByteNumber.parseDecimal($0) }
            guard let duration else {
                try g.reject(DropReason.notNumeric, r.error("column video_duration: expected a number of milliseconds or empty, found \"\(r.string(6))\""))
                continue
            }
            out.video.append(video)
            out.tags.append(contentsOf: rowTags)
            out.tagEnds.append(out.tags.count)
            out.author.append(authorId)
            out.typeName.append(r.string(2))
            out.music.append(musicType)
            out.bucket.append(KuaiRandFormat.durationBucket(ms: duration))
        }
        out.dropped = g.dropped
        out.source = SourceFile.record(r)
        return out
    }

    /// Tags and categorical features of the logged videos (first row of a video wins).
    func resolve(items: KeyTable) -> ItemSide {
        var side = ItemSide()
        var authorColumn = FeatureColumn(name: "author")
        var videoType = FeatureColumn(name: "video_type", keepValues: true)
        var musicColumn = FeatureColumn(name: "music_type", keepValues: true)
        let b = KuaiRandFormat.durationBucketBoundsSeconds
        var bucketColumn = FeatureColumn(name: "duration_bucket", fixedVocabulary: ["missing"] + (0...b.count).map { k in
            k == 0 ? "<\(Int(b[0]))s" : (k == b.count ? ">=\(Int(b[k - 1]))s" : "\(Int(b[k - 1]))-\(Int(b[k]))s")
        })
        var seen = [Bool](repeating: false, count: items.count)
        for row in video.indices {
            guard let item = items.find(video[row]), !seen[Int(item)] else { continue }
            seen[Int(item)] = true
            for t in tags[(row == 0 ? 0 : tagEnds[row - 1])..<tagEnds[row]] {
                side.tagItem.append(item)
                side.tagValue.append(side.tags.id(t))
            }
            if let a = author[row] { authorColumn.set(item: item, value: authorColumn.values.id(a)) }
            videoType.set(item: item, value: videoType.values.id(token: typeName[row]))
            if let m = music[row] { musicColumn.set(item: item, value: musicColumn.values.id(m)) }
            bucketColumn.set(item: item, value: bucket[row])
        }
        side.features = [authorColumn, videoType, musicColumn, bucketColumn]
        return side
    }
}

/// A value handed from one task to another under a lock.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    private var value: T?
    private let lock = NSLock()
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T? { lock.lock(); defer { lock.unlock() }; return value }
}
