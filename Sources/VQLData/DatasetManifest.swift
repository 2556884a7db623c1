import Foundation
import VQLCore

/// `manifest.json` of a prepared dataset: what it holds, where it came from, and the element
/// count of every array file (which `PreparedDataset` checks against the file sizes).
public struct DatasetManifest: Codable, Sendable, Equatable {
    public static let currentFormatVersion = 1
    public static let fileName = "manifest.json"

    /// One raw input file: base name, size in bytes, and a checksum tagged with its algorithm:
    /// `xxh64:` and 16 hex digits (`XXH64`, as `xxhsum` prints it). Manifests that recorded a
    /// `sha256` field read as `sha256:<hex>`.
    public struct SourceFile: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int64
        public var checksum: String

        public init(name: String, bytes: Int64, checksum: String) {
            self.name = name
            self.bytes = bytes
            self.checksum = checksum
        }

        /// The tagged checksum of a file's bytes: `xxh64:<hex>`.
        public static func checksum(_ hashed: XXH64) -> String { "xxh64:" + hashed.hexDigest() }

        private enum CodingKeys: String, CodingKey { case name, bytes, checksum, sha256 }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            bytes = try c.decode(Int64.self, forKey: .bytes)
            if let legacy = try c.decodeIfPresent(String.self, forKey: .sha256) {
                checksum = "sha256:" + legacy
            } else {
                checksum = try c.decode(String.self, forKey: .checksum)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(checksum, forKey: .checksum)
        }
    }

    /// One array file of the prepared directory: name, element type (`i32`, `i64`, `f32`), count.
    public struct ArrayFile: Codable, Sendable, Equatable {
        public var name: String
        public var elementType: String
        public var count: Int64
    }

    /// A categorical static feature stored as `file`: one i32 per item (`itemFeatures`) or
    /// per user (`userFeatures`). Value 0 means missing/unknown; known values are
    /// 1..<vocabularySize, numbered by ascending raw value.
    public struct ItemFeature: Codable, Sendable, Equatable {
        public var name: String
        public var file: String
        public var vocabularySize: Int
        /// Raw values by dense value (index 0 = missing), for small vocabularies only.
        public var values: [String]?
    }

    /// A categorical static user feature: the same shape, one i32 per user (`user_feature_*.i32`).
    public typealias UserFeature = ItemFeature

    public struct Counts: Codable, Sendable, Equatable {
        public var users: Int
        public var items: Int
        public var tags: Int
        public var events: Int
    }

    public var formatVersion: Int
    /// e.g. "kuairand".
    public var sourceFormat: String
    public var counts: Counts
    /// The raw column the 0/1 label was taken from, e.g. "is_click".
    public var labelColumn: String
    /// Unit of `event_time.i64`: always "ms".
    public var timeUnit: String
    /// How dense ids were assigned (users, items and tags are each numbered by ascending raw id).
    public var idOrder: String
    /// How events are ordered.
    public var eventOrder: String
    public var sourceFiles: [SourceFile]
    public var arrays: [ArrayFile]
    /// Categorical static item features (KuaiRand: author, video_type, music_type, duration_bucket).
    public var itemFeatures: [ItemFeature]
    /// Categorical static user features (KuaiRand/KuaiRec: user_active_degree, *_range, …;
    /// tmall: age_range, gender; recbole: token fields of NAME.user).
    public var userFeatures: [UserFeature]
    /// ISO-8601 time of preparation (informational).
    public var createdAt: String

    private enum CodingKeys: String, CodingKey {
        case formatVersion, sourceFormat, counts, labelColumn, timeUnit, idOrder, eventOrder, sourceFiles,
             arrays, itemFeatures, userFeatures, createdAt
    }

    public init(
        formatVersion: Int, sourceFormat: String, counts: Counts, labelColumn: String, timeUnit: String,
        idOrder: String, eventOrder: String, sourceFiles: [SourceFile], arrays: [ArrayFile],
        itemFeatures: [ItemFeature], userFeatures: [UserFeature] = [], createdAt: String
    ) {
        self.formatVersion = formatVersion
        self.sourceFormat = sourceFormat
        self.counts = counts
        self.labelColumn = labelColumn
        self.timeUnit = timeUnit
        self.idOrder = idOrder
        self.eventOrder = eventOrder
        self.sourceFiles = sourceFiles
        self.arrays = arrays
        self.itemFeatures = itemFeatures
        self.userFeatures = userFeatures
        self.createdAt = createdAt
    }

    /// `itemFeatures` and `userFeatures` may be absent (manifests written before they
    /// existed): no such features.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        sourceFormat = try c.decode(String.self, forKey: .sourceFormat)
        counts = try c.decode(Counts.self, forKey: .counts)
        labelColumn = try c.decode(String.self, forKey: .labelColumn)
        timeUnit = try c.decode(String.self, forKey: .timeUnit)
        idOrder = try c.decode(String.self, forKey: .idOrder)
        eventOrder = try c.decode(String.self, forKey: .eventOrder)
        sourceFiles = try c.decode([SourceFile].self, forKey: .sourceFiles)
        arrays = try c.decode([ArrayFile].self, forKey: .arrays)
        itemFeatures = try c.decodeIfPresent([ItemFeature].self, forKey: .itemFeatures) ?? []
        userFeatures = try c.decodeIfPresent([UserFeature].self, forKey: .userFeatures) ?? []
        createdAt = try c.decode(String.self, forKey: .createdAt)
    }

    public func array(named name: String) -> ArrayFile? { arrays.first { $0.name == name } }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

/// Names of the array files in a prepared directory.
public enum PreparedFile {
    public static let userOffsets = "user_offsets.i64"
    public static let eventItem = "event_item.i32"
    public static let eventTime = "event_time.i64"
    public static let eventLabel = "event_label.f32"
    public static let eventUser = "event_user.i32"
    public static let itemTagOffsets = "item_tag_offsets.i64"
    public static let itemTags = "item_tags.i32"
    public static let itemCount = "item_count.i64"
    public static let usersRawIds = "users_raw_ids.i64"
    public static let itemsRawIds = "items_raw_ids.i64"
    public static let tagsRawIds = "tags_raw_ids.i64"
}
