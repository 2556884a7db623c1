import Foundation
import VQLCore
import VQLData
import VQLDistributed
import VQLServe
import VQLTrain

/// `vql build-cache` (and `train.build_cache_at_end`): caches of every user, built where
/// the users live, written by rank 0 with the item → code table and a manifest.
enum CacheExport {
    static func build(config: RunConfig, modelPath: String, out: String, world: World) throws -> CacheManifest? {
        guard config.model.encoder == "vq" else {
            throw CacheError(file: "config", "model.encoder is \(config.model.encoder): only the vq encoder has L-free caches")
        }
        let trainer = try Trainer.loaded(config: config, modelPath: modelPath, world: world)
        let d = trainer.dataset
        guard let caches = CacheBuilder.build(network: trainer.network, dataset: d, owner: trainer.sharding.owner, world: world) else { return nil }
        let codes = trainer.network.itemVectors((0..<Int32(d.itemCount)).map { $0 }).codes
        let s = trainer.network.shape
        let manifest = CacheManifest(
            modelPath: (modelPath as NSString).standardizingPath.hasPrefix("/") ? modelPath : FileManager.default.currentDirectoryPath + "/" + modelPath,
            modelSHA256: FastSHA256.file(path: modelPath) ?? "",
            configYAML: config.yaml(), datasetPath: config.data.path,
            datasetSources: d.manifest.sourceFiles.map { "\($0.name) \($0.checksum)" },
            users: d.userCount, items: d.itemCount, tags: d.tagCount, shape: s, eventsBuilt: d.eventCount, builtWithRanks: world.size)
        let dir = CacheDirectory(manifest: manifest, caches: caches, itemCodes: codes,
                                 itemRawIds: Array(UnsafeBufferPointer(start: d.itemRawIds, count: d.itemCount)),
                                 userRawIds: Array(UnsafeBufferPointer(start: d.userRawIds, count: d.userCount)),
                                 tagOffsets: Array(UnsafeBufferPointer(start: d.itemTagOffsets, count: d.itemCount + 1)),
                                 tags: Array(UnsafeBufferPointer(start: d.itemTags, count: Int(d.itemTagOffsets[d.itemCount]))))
        try dir.write(to: out, overwrite: true)
        return manifest
    }
}
