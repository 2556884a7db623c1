import Foundation
import VQLCore
import VQLData
import VQLModel

/// A cache directory: `manifest.json`, `items.safetensors` (the global item → code table per
/// group, item raw ids and tag lists, so scoring needs no dataset) and `users.safetensors`
/// (user raw ids, t_ref, per-head shifts, N[u,h,c], U[u,h,c,:], and the user feature values
/// [u, F] when the model reads F > 0 of them). Written all-or-nothing.
public struct CacheDirectory {
    public var manifest: CacheManifest
    public var caches: UserCaches
    public var itemCodes: [Int32]
    public var itemRawIds: [Int64]
    public var userRawIds: [Int64]
    public var tagOffsets: [Int64]
    public var tags: [Int32]

    public init(manifest: CacheManifest, caches: UserCaches, itemCodes: [Int32], itemRawIds: [Int64], userRawIds: [Int64],
                tagOffsets: [Int64], tags: [Int32]) {
        self.manifest = manifest
        self.caches = caches
        self.itemCodes = itemCodes
        self.itemRawIds = itemRawIds
        self.userRawIds = userRawIds
        self.tagOffsets = tagOffsets
        self.tags = tags
    }

    public var itemTags: ItemTags {
        let lists = (0..<itemRawIds.count).map { i in Array(tags[Int(tagOffsets[i])..<Int(tagOffsets[i + 1])]) }
        return ItemTags(lists: lists)
    }

    public func write(to directory: String, overwrite: Bool) throws {
        let c = caches
        try AtomicDirectory.write(to: directory, overwrite: overwrite) { tmp in
            try SafetensorsFile.write(path: tmp + "/items.safetensors", tensors: [
                .int32("codes", shape: [itemRawIds.count, c.groups], itemCodes),
                .int64("item_raw_ids", shape: [itemRawIds.count], itemRawIds),
                .int64("tag_offsets", shape: [tagOffsets.count], tagOffsets),
                .int32("tags", shape: [tags.count], tags),
            ], metadata: ["format": CacheManifest.currentFormat])
            var userTensors: [SafetensorsFile.Tensor] = [
                .int64("user_raw_ids", shape: [c.users], userRawIds),
                .int64("t_ref", shape: [c.users], c.tRef),
                .float("shift", shape: [c.users, c.heads], c.shift),
                .float("weight_sums", shape: [c.users, c.heads, c.codes], c.weightSums),
                .float("value_sums", shape: [c.users, c.heads, c.codes, c.valueDim], c.valueSums),
            ]
            if c.userFeatureCount > 0 {
                userTensors.append(.int32("user_features", shape: [c.users, c.userFeatureCount], c.userFeatures))
            }
            try SafetensorsFile.write(path: tmp + "/users.safetensors", tensors: userTensors, metadata: ["format": CacheManifest.currentFormat])
            try manifest.write(directory: tmp)
        }
    }

    public static func read(_ directory: String, decayPerMs: [Double]) throws -> CacheDirectory {
        let m = try CacheManifest.read(directory: directory)
        let items = try SafetensorsFile(path: directory + "/items.safetensors")
        let users = try SafetensorsFile(path: directory + "/users.safetensors")
        let features = m.userFeatures ?? []
        let caches = UserCaches(users: m.users, heads: m.heads, groups: m.groups, codes: m.codebookSize, valueDim: m.valueDim,
                                decayPerMs: decayPerMs, userFeatureCount: features.count)
        func expect(_ file: SafetensorsFile, _ name: String, _ shape: [Int]) throws {
            let found = try file.shape(name)
            if found != shape { throw CacheError(file: file.path, "tensor \(name): expected shape \(shape), found \(found)") }
        }
        try expect(users, "weight_sums", [m.users, m.heads, m.codebookSize])
        try expect(users, "value_sums", [m.users, m.heads, m.codebookSize, m.valueDim])
        try expect(users, "shift", [m.users, m.heads])
        try expect(items, "codes", [m.items, m.groups])
        caches.tRef = try users.int64s("t_ref")
        caches.shift = try users.floats("shift")
        caches.weightSums = try users.floats("weight_sums")
        caches.valueSums = try users.floats("value_sums")
        if !features.isEmpty {
            try expect(users, "user_features", [m.users, features.count])
            caches.userFeatures = try users.int32s("user_features")
            for (i, v) in caches.userFeatures.enumerated() where v < 0 || Int(v) >= features[i % features.count].vocabularySize {
                let f = features[i % features.count]
                throw CacheError(file: users.path, "user_features: user \(i / features.count), \(f.name): expected a value in 0..<\(f.vocabularySize), found \(v)")
            }
        }
        let out = CacheDirectory(manifest: m, caches: caches, itemCodes: try items.int32s("codes"), itemRawIds: try items.int64s("item_raw_ids"),
                                 userRawIds: try users.int64s("user_raw_ids"), tagOffsets: try items.int64s("tag_offsets"), tags: try items.int32s("tags"))
        guard out.tagOffsets.count == m.items + 1, out.tagOffsets.last.map({ Int($0) == out.tags.count }) ?? false,
              out.userRawIds.count == m.users, out.itemRawIds.count == m.items, caches.tRef.count == m.users else {
            throw CacheError(file: directory, "cache arrays disagree with the manifest's counts")
        }
        return out
    }
}
