import Foundation
import VQLModel

/// `manifest.json` of a cache directory: where the cache came from, so that scoring with
/// another model, or a cache of another dataset, is refused.
public struct CacheManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let currentFormat = "vql-cache-1"

    public var format = CacheManifest.currentFormat
    /// The model file the caches were built from, and its SHA-256.
    public var modelPath: String
    public var modelSHA256: String
    /// The full resolved run config (YAML), which fixes the model's shape.
    public var configYAML: String
    /// The prepared dataset and its identity.
    public var datasetPath: String
    public var datasetSources: [String]
    public var users: Int
    public var items: Int
    public var tags: Int
    public var heads: Int
    public var groups: Int
    public var codebookSize: Int
    public var valueDim: Int
    /// Events folded into the caches at build, and appended since.
    public var eventsBuilt: Int
    public var eventsAppended: Int
    /// World size the caches were built with (the result does not depend on it).
    public var builtWithRanks: Int
    /// The user features the model reads (their values are in users.safetensors); absent in
    /// caches written before user features existed: none.
    public var userFeatures: [ModelShape.UserFeature]?

    public init(modelPath: String, modelSHA256: String, configYAML: String, datasetPath: String, datasetSources: [String],
                users: Int, items: Int, tags: Int, shape: ModelShape, eventsBuilt: Int, builtWithRanks: Int) {
        self.modelPath = modelPath
        self.modelSHA256 = modelSHA256
        self.configYAML = configYAML
        self.datasetPath = datasetPath
        self.datasetSources = datasetSources
        self.users = users
        self.items = items
        self.tags = tags
        heads = shape.heads
        groups = shape.groups
        codebookSize = shape.codebookSize
        valueDim = shape.valueDim
        self.eventsBuilt = eventsBuilt
        eventsAppended = 0
        self.builtWithRanks = builtWithRanks
        userFeatures = shape.userFeatures
    }

    public static func read(directory: String) throws -> CacheManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CacheError(file: path, "cannot read the cache manifest (is this a cache directory made by `vql build-cache`?)")
        }
        do {
            let m = try JSONDecoder().decode(CacheManifest.self, from: data)
            guard m.format == currentFormat else { throw CacheError(file: path, "expected format \(currentFormat), found \(m.format)") }
            return m
        } catch let e as CacheError { throw e } catch {
            throw CacheError(file: path, "expected a cache manifest: \(error)")
        }
    }

    public func write(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + CacheManifest.fileName))
    }
}

/// A cache problem, naming the file (or input) and what was expected.
public struct CacheError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String
    public init(file: String, _ message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}
