import Foundation
import Testing
import VQLCore
@testable import VQLData

/// Writes the three-log fixture: unsorted times, equal times across files, non-dense ids,
/// CRLF in one file, no final newline in another, quoted/empty/single tags.
private func writeFixture(_ dir: TempDir) {
    let a = [Fixture.logHeader,
             Fixture.row(17387, 900, time: 5000, click: 1, longView: 0),
             Fixture.row(17, 500, time: 3000, click: 0, longView: 1),
             Fixture.row(17387, 700, time: 1000, click: 0, longView: 1),
             Fixture.row(17, 900, time: 3000, click: 1, longView: 0)]
    dir.write(Fixture.standard408, a.joined(separator: "\r\n") + "\r\n")
    let b = [Fixture.logHeader,
             Fixture.row(17387, 500, time: 5000, click: 0, longView: 0),
             Fixture.row(17, 700, time: 2000, click: 1, longView: 1)]
    dir.write(Fixture.standard422, b.joined(separator: "\n") + "\n")
    let r = [Fixture.logHeader,
             Fixture.row(17387, 800, time: 5000, click: 1, longView: 1),
             Fixture.row(5, 900, time: 10, click: 0, longView: 0)]
    dir.write(Fixture.random, r.joined(separator: "\n"))  // no final newline
    let v = [Fixture.videoHeader,
             Fixture.video(900, tag: "\"12,65\"", duration: "1000.5", author: "300", music: "9"),
             Fixture.video(500, tag: "", duration: "", author: "", type: "AD", music: ""),
             Fixture.video(700, tag: "8", duration: "20000.0", author: "100", music: "4"),
             Fixture.video(800, tag: "\"65\"", duration: "400000", author: "300", type: "\"NORMAL\""),
             Fixture.video(900, tag: "\"1,2\"", author: "1"),  // repeated video: first row wins
             Fixture.video(999, tag: "\"3,4\"", author: "5", type: "XX", music: "1")]  // not in any log: ignored
    dir.write(Fixture.videos, v.joined(separator: "\r\n") + "\r\n")
}

@Test func prepareSortsRemapsAndKeepsFileOrderOnTies() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    writeFixture(dir)
    let out = dir.file("prepared")
    let m = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out)
    #expect(m.counts == .init(users: 3, items: 4, tags: 3, events: 8))
    let d = try PreparedDataset(directory: out)
    func array<T>(_ p: UnsafePointer<T>, _ n: Int) -> [T] { Array(UnsafeBufferPointer(start: p, count: n)) }
    // users 5,17,17387 → 0,1,2; items 500,700,800,900 → 0..3; tags 8,12,65 → 0,1,2.
    #expect(array(d.userRawIds, 3) == [5, 17, 17387])
    #expect(array(d.itemRawIds, 4) == [500, 700, 800, 900])
    #expect(array(d.tagRawIds, 3) == [8, 12, 65])
    #expect(array(d.userOffsets, 4) == [0, 1, 4, 8])
    #expect(array(d.eventItem, 8) == [3, 1, 0, 3, 1, 3, 0, 2])
    #expect(array(d.eventTime, 8) == [10, 2000, 3000, 3000, 1000, 5000, 5000, 5000])
    #expect(array(d.eventLabel, 8) == [0, 1, 0, 1, 0, 1, 0, 1])
    #expect(array(d.eventUser, 8) == [0, 1, 1, 1, 2, 2, 2, 2])
    #expect(array(d.itemEventCount, 4) == [2, 2, 1, 3])
    #expect(Array(d.tags(ofItem: 0)) == [])
    #expect(Array(d.tags(ofItem: 1)) == [0])
    #expect(Array(d.tags(ofItem: 2)) == [2])
    #expect(Array(d.tags(ofItem: 3)) == [1, 2])
    #expect(d.maxTagsPerItem == 2)
    #expect(d.events(ofUser: 1) == 1..<4)
    // Static features: 0 = missing, known values 1... by ascending raw value (type by name).
    func feature(_ name: String) -> [Int32] { d.itemFeature(name).map { array($0, 4) } ?? [] }
    #expect(feature("author") == [0, 1, 2, 2])
    #expect(feature("video_type") == [1, 2, 2, 2])
    #expect(feature("music_type") == [0, 1, 2, 2])
    #expect(feature("duration_bucket") == [0, 3, 7, 1])
    #expect(d.itemFeatureVocabularySize("author") == 3)
    #expect(d.itemFeatureVocabularySize("duration_bucket") == 8)
    #expect(d.manifest.itemFeatures.first { $0.name == "video_type" }?.values == ["missing", "AD", "NORMAL"])
    // Manifest: label, sources with sizes and checksums in file order, no temp dir left.
    #expect(d.manifest.labelColumn == "is_click")
    #expect(d.manifest.timeUnit == "ms")
    #expect(d.manifest.sourceFiles.map(\.name) == KuaiRandFormat.logFiles + [Fixture.videos])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file(Fixture.random)))
    #expect(d.manifest.sourceFiles[2].bytes == Int64(bytes.count))
    // The log (hashed after its parallel parse) and the video features (hashed while read).
    #expect(d.manifest.sourceFiles[2].checksum == "xxh64:" + bytes.withUnsafeBytes { XXH64.hex($0) })
    let videos = try Data(contentsOf: URL(fileURLWithPath: dir.file(Fixture.videos)))
    #expect(d.manifest.sourceFiles[3].checksum == "xxh64:" + videos.withUnsafeBytes { XXH64.hex($0) })
    #expect(dir.contents().sorted() == (KuaiRandFormat.logFiles + [Fixture.videos, "prepared"]).sorted())
}

@Test func prepareUsesTheRequestedLabelColumnAndSubsetOfFiles() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    writeFixture(dir)
    try FileManager.default.removeItem(atPath: dir.file(Fixture.standard408))
    let out = dir.file("p")
    let m = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out, labelColumn: "long_view")
    #expect(m.counts == .init(users: 3, items: 4, tags: 3, events: 4))
    let d = try PreparedDataset(directory: out)
    // user 5: (900@10, lv 0); user 17: (700@2000, lv 1); user 17387: (500@5000, 0), (800@5000, 1)
    #expect(Array(UnsafeBufferPointer(start: d.eventLabel, count: 4)) == [0, 1, 0, 1])
    #expect(Array(UnsafeBufferPointer(start: d.eventItem, count: 4)) == [3, 1, 0, 2])
    #expect(d.manifest.labelColumn == "long_view")
}

@Test func prepareRefusesToOverwriteUnlessAsked() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    writeFixture(dir)
    let out = dir.file("p")
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
    dir.write("p/keep.txt", "mine")
    #expect(throws: DataError.self) { try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out) }
    #expect(FileManager.default.fileExists(atPath: dir.file("p/keep.txt")))
    _ = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: out, overwrite: true)
    #expect(try PreparedDataset(directory: out).eventCount == 8)
    #expect(!FileManager.default.fileExists(atPath: dir.file("p/keep.txt")))
}

@Test func manifestRoundTripsAndToleratesMissingItemFeatures() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    writeFixture(dir)
    let m = try KuaiRandPreparer.prepare(inputDirectory: dir.path, outputDirectory: dir.file("p"))
    #expect(try JSONDecoder().decode(DatasetManifest.self, from: m.encoded()) == m)
    var object = try #require(try JSONSerialization.jsonObject(with: m.encoded()) as? [String: Any])
    #expect(object.removeValue(forKey: "itemFeatures") != nil)
    let old = try JSONDecoder().decode(DatasetManifest.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(old.itemFeatures.isEmpty)
    #expect(old.counts == m.counts)
}

/// Source entries round-trip with their tagged checksum; a manifest that recorded `sha256`
/// reads as `sha256:<hex>`.
@Test func sourceFileChecksumsRoundTripAndReadTheSHA256Field() throws {
    let entry = DatasetManifest.SourceFile(name: "a.csv", bytes: 3, checksum: "xxh64:44bc2cf5ad770999")
    let json = try JSONEncoder().encode(entry)
    #expect(try JSONDecoder().decode(DatasetManifest.SourceFile.self, from: json) == entry)
    #expect(String(decoding: json, as: UTF8.self).contains("\"checksum\""))
    let legacy = Data(#"{"name": "a.csv", "bytes": 3, "sha256": "ba7816bf"}"#.utf8)
    #expect(try JSONDecoder().decode(DatasetManifest.SourceFile.self, from: legacy).checksum == "sha256:ba7816bf")
}
