import Foundation
import Testing
import VQLCore
import VQLModel
@testable import VQLServe

/// Cache directories keep the user feature values the model reads, and refuse values
/// outside a feature's vocabulary.
struct CacheFilesTests {
    func directory(userFeatures: [Int32]) -> CacheDirectory {
        let net = CacheIdentityTests.network(heads: 4, groups: 2, staticBias: true, seed: 8, userFeatures: true)
        let caches = UserCaches(network: net, users: 2)
        caches.userFeatures = userFeatures
        let vectors = net.itemVectors((0..<Int32(CacheIdentityTests.itemCount)).map { $0 })
        let manifest = CacheManifest(modelPath: "m", modelSHA256: "x", configYAML: "", datasetPath: "d", datasetSources: [],
                                     users: 2, items: CacheIdentityTests.itemCount, tags: 0, shape: net.shape, eventsBuilt: 0, builtWithRanks: 1)
        return CacheDirectory(manifest: manifest, caches: caches, itemCodes: vectors.codes,
                              itemRawIds: (0..<Int64(CacheIdentityTests.itemCount)).map { $0 }, userRawIds: [7, 9],
                              tagOffsets: [Int64](repeating: 0, count: CacheIdentityTests.itemCount + 1), tags: [])
    }

    @Test func userFeatureValuesRoundTrip() throws {
        let path = NSTemporaryDirectory() + "vql-cachefiles-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try directory(userFeatures: [3, 1, 0, 5]).write(to: path, overwrite: false)
        let back = try CacheDirectory.read(path, decayPerMs: [0, 0, 0, 0])
        #expect(back.manifest.userFeatures == [.init(name: "f0", vocabularySize: 4), .init(name: "f1", vocabularySize: 6)])
        #expect(back.caches.userFeatureCount == 2 && back.caches.userFeatures == [3, 1, 0, 5])
    }

    @Test func aValueOutsideTheVocabularyIsRefused() throws {
        let path = NSTemporaryDirectory() + "vql-cachefiles-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try directory(userFeatures: [3, 1, 4, 5]).write(to: path, overwrite: false)  // feature 0 has values 0..<4
        do {
            _ = try CacheDirectory.read(path, decayPerMs: [0, 0, 0, 0])
            Issue.record("expected a CacheError")
        } catch let e as CacheError {
            #expect(e.message.contains("user 1, f0: expected a value in 0..<4, found 4"), "\(e)")
        }
    }
}
