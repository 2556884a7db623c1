import Foundation

/// A prepared dataset, memory-mapped: columnar event arrays sorted by (user, time, file
/// order) with CSR user offsets, CSR item → tag lists, and categorical item and user
/// features (one i32 per item / per user). Opening it checks every file's
/// size against the manifest and the offsets and ids against the counts, so a corrupt or
/// truncated directory fails here with the file named, not later with a wild read.
public final class PreparedDataset: @unchecked Sendable {
    public let directory: String
    public let manifest: DatasetManifest
    public let userOffsets: UnsafePointer<Int64>
    public let eventItem: UnsafePointer<Int32>
    public let eventTime: UnsafePointer<Int64>
    public let eventLabel: UnsafePointer<Float>
    public let eventUser: UnsafePointer<Int32>
    public let itemTagOffsets: UnsafePointer<Int64>
    public let itemTags: UnsafePointer<Int32>
    public let itemEventCount: UnsafePointer<Int64>
    /// Raw (source) ids by dense id.
    public let userRawIds: UnsafePointer<Int64>
    public let itemRawIds: UnsafePointer<Int64>
    public let tagRawIds: UnsafePointer<Int64>
    public let maxTagsPerItem: Int
    /// Categorical static item features by name (see `DatasetManifest.ItemFeature`).
    public let itemFeatures: [String: UnsafePointer<Int32>]
    /// Categorical static user features by name, one value per dense user (0 = missing).
    public let userFeatures: [String: UnsafePointer<Int32>]
    private let mappings: [MappedFile]

    public var userCount: Int { manifest.counts.users }
    public var itemCount: Int { manifest.counts.items }
    public var tagCount: Int { manifest.counts.tags }
    public var eventCount: Int { manifest.counts.events }

    public init(directory: String) throws {
        self.directory = directory
        let manifestPath = (directory as NSString).appendingPathComponent(DatasetManifest.fileName)
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw DataError(file: manifestPath, "cannot read the manifest (is this a prepared dataset directory?)")
        }
        let m: DatasetManifest
        do { m = try JSONDecoder().decode(DatasetManifest.self, from: data) } catch {
            throw DataError(file: manifestPath, "expected a dataset manifest: \(error)")
        }
        if m.formatVersion != DatasetManifest.currentFormatVersion {
            throw DataError(file: manifestPath, "expected formatVersion \(DatasetManifest.currentFormatVersion), found \(m.formatVersion)")
        }
        manifest = m
        let c = m.counts
        var maps: [MappedFile] = []
        func map<T>(_ name: String, _ type: T.Type, count: Int) throws -> UnsafePointer<T> {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let entry = m.array(named: name) else {
                throw DataError(file: manifestPath, "expected an entry for \(name) in \"arrays\"")
            }
            if entry.count != Int64(count) {
                throw DataError(file: manifestPath, "\(name): expected count \(count) from the counts, found \(entry.count)")
            }
            let f = try MappedFile(path: path, name: path)
            let want = count * MemoryLayout<T>.stride
            if f.byteCount != want {
                throw DataError(file: path, "expected \(want) bytes (\(count) × \(MemoryLayout<T>.stride)), found \(f.byteCount)")
            }
            maps.append(f)
            return f.pointer(as: T.self)
        }
        userOffsets = try map(PreparedFile.userOffsets, Int64.self, count: c.users + 1)
        eventItem = try map(PreparedFile.eventItem, Int32.self, count: c.events)
        eventTime = try map(PreparedFile.eventTime, Int64.self, count: c.events)
        eventLabel = try map(PreparedFile.eventLabel, Float.self, count: c.events)
        eventUser = try map(PreparedFile.eventUser, Int32.self, count: c.events)
        itemTagOffsets = try map(PreparedFile.itemTagOffsets, Int64.self, count: c.items + 1)
        let tagEntries = Int(m.array(named: PreparedFile.itemTags)?.count ?? -1)
        itemTags = try map(PreparedFile.itemTags, Int32.self, count: max(tagEntries, 0))
        itemEventCount = try map(PreparedFile.itemCount, Int64.self, count: c.items)
        userRawIds = try map(PreparedFile.usersRawIds, Int64.self, count: c.users)
        itemRawIds = try map(PreparedFile.itemsRawIds, Int64.self, count: c.items)
        tagRawIds = try map(PreparedFile.tagsRawIds, Int64.self, count: c.tags)
        func features(_ list: [DatasetManifest.ItemFeature], count: Int, of entity: String) throws -> [String: UnsafePointer<Int32>] {
            var out: [String: UnsafePointer<Int32>] = [:]
            for f in list {
                let p = try map(f.file, Int32.self, count: count)
                for i in 0..<count where p[i] < 0 || Int(p[i]) >= f.vocabularySize {
                    throw DataError(file: f.file, "\(entity) \(i): expected a value in 0..<\(f.vocabularySize), found \(p[i])")
                }
                out[f.name] = p
            }
            return out
        }
        itemFeatures = try features(m.itemFeatures, count: c.items, of: "item")
        userFeatures = try features(m.userFeatures, count: c.users, of: "user")
        mappings = maps

        try Self.checkOffsets(userOffsets, c.users, total: c.events, name: PreparedFile.userOffsets, directory)
        try Self.checkOffsets(itemTagOffsets, c.items, total: tagEntries, name: PreparedFile.itemTagOffsets, directory)
        for u in 0..<c.users {
            for e in Int(userOffsets[u])..<Int(userOffsets[u + 1]) where eventUser[e] != Int32(u) {
                throw DataError(file: PreparedFile.eventUser, "event \(e): expected user \(u) (from user_offsets), found \(eventUser[e])")
            }
        }
        for e in 0..<c.events where eventItem[e] < 0 || Int(eventItem[e]) >= c.items {
            throw DataError(file: PreparedFile.eventItem, "event \(e): expected an item id in 0..<\(c.items), found \(eventItem[e])")
        }
        var widest = 0
        for i in 0..<c.items { widest = max(widest, Int(itemTagOffsets[i + 1] - itemTagOffsets[i])) }
        for k in 0..<tagEntries where itemTags[k] < 0 || Int(itemTags[k]) >= c.tags {
            throw DataError(file: PreparedFile.itemTags, "entry \(k): expected a tag id in 0..<\(c.tags), found \(itemTags[k])")
        }
        maxTagsPerItem = widest
    }

    /// Checks a CSR offsets array: starts at 0, never decreases, ends at `total`.
    private static func checkOffsets(_ o: UnsafePointer<Int64>, _ n: Int, total: Int, name: String, _ dir: String) throws {
        if o[0] != 0 { throw DataError(file: name, "expected the first offset to be 0, found \(o[0])") }
        for i in 0..<n where o[i + 1] < o[i] {
            throw DataError(file: name, "offsets decrease at index \(i + 1) (\(o[i]) then \(o[i + 1]))")
        }
        if o[n] != Int64(total) { throw DataError(file: name, "expected the last offset to be \(total), found \(o[n])") }
    }

    /// Values (0 = missing) of item feature `name` for every item, or nil if the dataset has none.
    public func itemFeature(_ name: String) -> UnsafePointer<Int32>? { itemFeatures[name] }

    /// Vocabulary size (including the missing value 0) of item feature `name`.
    public func itemFeatureVocabularySize(_ name: String) -> Int? {
        manifest.itemFeatures.first { $0.name == name }?.vocabularySize
    }

    /// Values (0 = missing) of user feature `name` for every user, or nil if the dataset has none.
    public func userFeature(_ name: String) -> UnsafePointer<Int32>? { userFeatures[name] }

    /// Vocabulary size (including the missing value 0) of user feature `name`.
    public func userFeatureVocabularySize(_ name: String) -> Int? {
        manifest.userFeatures.first { $0.name == name }?.vocabularySize
    }

    /// Indices of user `u`'s events, oldest first.
    @inline(__always)
    public func events(ofUser u: Int) -> Range<Int> { Int(userOffsets[u])..<Int(userOffsets[u + 1]) }

    /// The history of target event `e`: its user's events before `e` (ties in time already
    /// ordered by file order), the most recent `maxLength` of them, oldest first.
    @inline(__always)
    public func history(ofEvent e: Int, maxLength: Int) -> Range<Int> {
        let start = Int(userOffsets[Int(eventUser[e])])
        return max(start, e - max(maxLength, 0))..<e
    }

    /// Dense tag ids of item `i` (possibly empty).
    @inline(__always)
    public func tags(ofItem i: Int) -> UnsafeBufferPointer<Int32> {
        let s = Int(itemTagOffsets[i])
        return UnsafeBufferPointer(start: itemTags + s, count: Int(itemTagOffsets[i + 1]) - s)
    }
}
