import Foundation
@testable import VQLData

/// A fresh temporary directory per test, removed by `cleanup()`.
struct TempDir {
    let path: String
    init(_ tag: String = #function) {
        let safe = tag.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "vqldata-\(safe)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func write(_ name: String, _ text: String) { _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8)) }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    func contents() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }
}

/// KuaiRand log fixture lines.
enum Fixture {
    static let logHeader = KuaiRandFormat.logColumns.joined(separator: ",")
    static let videoHeader = KuaiRandFormat.videoColumns.joined(separator: ",")
    static let standard408 = KuaiRandFormat.logFiles[0]
    static let standard422 = KuaiRandFormat.logFiles[1]
    static let random = KuaiRandFormat.logFiles[2]
    static let videos = KuaiRandFormat.videoFeaturesFile

    /// One 19-column log row; unused columns get plausible integers.
    static func row(_ user: Int64, _ video: Int64, time: Int64, click: Int, longView: Int = 0) -> String {
        "\(user),\(video),20220410,1200,\(time),\(click),0,0,0,0,0,\(longView),1234,5678,0,0,0,0,1"
    }

    /// One 12-column video row with the given raw `tag` field text (already quoted if needed).
    static func video(_ id: Int64, tag: String, duration: String = "1000.5", author: String = "77",
                      type: String = "NORMAL", music: String = "9") -> String {
        "\(id),\(author),\(type),2020-07-08,ShortImport,1,\(duration),720,1280,55,\(music),\(tag)"
    }

    /// A minimal valid video file listing `ids` with one tag each.
    static func simpleVideos(_ ids: [Int64]) -> String {
        ([videoHeader] + ids.map { video($0, tag: "1") }).joined(separator: "\n") + "\n"
    }
}
