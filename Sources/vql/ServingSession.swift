import Foundation
import VQLCore
import VQLData
import VQLModel
import VQLServe
import VQLTrain

/// A model loaded for serving from a cache directory: the config and item tags come from
/// the cache, the weights from the model file the manifest names. Refuses a model whose
/// checksum or item codes differ from the ones the cache was built with.
struct ServingSession {
    let directory: CacheDirectory
    let network: VQLNetwork
    let vectors: ItemVectors
    let scorer: CachedScorer
    let userIndex: [Int64: Int]
    let itemIndex: [Int64: Int]

    init(cache path: String, model override: String?) throws {
        let manifest = try CacheManifest.read(directory: path)
        let config = try RunConfig.parse(yaml: manifest.configYAML, source: path + "/manifest.json (configYAML)", overrides: [])
        let modelPath = override ?? manifest.modelPath
        guard let digest = FastSHA256.file(path: modelPath) else {
            throw CacheError(file: modelPath, "cannot read the model file the cache was built from")
        }
        guard digest == manifest.modelSHA256 else {
            throw CacheError(file: modelPath, "this model (sha256 \(digest.prefix(12))…) is not the one the cache was built from (\(manifest.modelSHA256.prefix(12))…); rebuild the cache with `vql build-cache`")
        }
        var shape = try config.modelShape(itemCount: manifest.items, tagCount: manifest.tags)
        shape.encoder = .vq
        shape.userFeatures = manifest.userFeatures ?? []
        // the decays λ_h/τ are the model's: read the arrays first, then adopt them
        var dir = try CacheDirectory.read(path, decayPerMs: [Double](repeating: 0, count: manifest.heads))
        let net = VQLNetwork(shape: shape, itemTags: dir.itemTags, seed: 0)
        try net.loadState(from: SafetensorsFile(path: modelPath), includeOptimizer: false)
        dir.caches = UserCaches(adopting: dir.caches, decayPerMs: net.decays().map { Double($0) / (shape.timeUnitSeconds * 1000) })
        let v = net.itemVectors((0..<Int32(manifest.items)).map { $0 })
        guard v.codes == dir.itemCodes else {
            throw CacheError(file: path + "/items.safetensors", "item codes differ from the model's codebook assignment: the cache belongs to another model")
        }
        directory = dir
        network = net
        vectors = v
        scorer = CachedScorer(network: net, caches: dir.caches, vectors: v)
        userIndex = Dictionary(uniqueKeysWithValues: dir.userRawIds.enumerated().map { ($1, $0) })
        itemIndex = Dictionary(uniqueKeysWithValues: dir.itemRawIds.enumerated().map { ($1, $0) })
    }
}
