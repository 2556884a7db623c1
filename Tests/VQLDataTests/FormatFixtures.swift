import Foundation
@testable import VQLData

/// Runs `DatasetPreparer` on `files` written into a fresh directory and opens the result.
struct PreparedFixture {
    let dir: TempDir
    let dataset: PreparedDataset
    let summary: PrepareSummary

    init(_ format: PrepareSettings.Format, _ files: [String: String], tag: String = #function,
         _ configure: (inout PrepareSettings) -> Void = { _ in }) throws {
        dir = TempDir(tag)
        for (name, text) in files { dir.write(name, text) }
        var s = PrepareSettings()
        s.format = format
        s.input = dir.path
        s.output = dir.file("prepared")
        configure(&s)
        do {
            summary = try DatasetPreparer.prepare(s).1
            dataset = try PreparedDataset(directory: s.output)
        } catch {
            dir.cleanup()
            throw error
        }
    }

    func cleanup() { dir.cleanup() }

    func array<T>(_ p: UnsafePointer<T>, _ n: Int) -> [T] { Array(UnsafeBufferPointer(start: p, count: n)) }
    var userOffsets: [Int64] { array(dataset.userOffsets, dataset.userCount + 1) }
    var items: [Int32] { array(dataset.eventItem, dataset.eventCount) }
    var times: [Int64] { array(dataset.eventTime, dataset.eventCount) }
    var labels: [Float] { array(dataset.eventLabel, dataset.eventCount) }
    var userRaw: [Int64] { array(dataset.userRawIds, dataset.userCount) }
    var itemRaw: [Int64] { array(dataset.itemRawIds, dataset.itemCount) }
    var tagRaw: [Int64] { array(dataset.tagRawIds, dataset.tagCount) }
    var tagLists: [[Int32]] { (0..<dataset.itemCount).map { Array(dataset.tags(ofItem: $0)) } }
    func feature(_ name: String) -> [Int32] { dataset.itemFeature(name).map { array($0, dataset.itemCount) } ?? [] }
    func tokens(_ file: String) -> [String] {
        ((try? String(contentsOfFile: dir.file("prepared/\(file)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// Lines joined with LF and a final newline.
func lines(_ l: [String]) -> String { l.joined(separator: "\n") + "\n" }

/// Unix ms of a UTC second with a millisecond fraction.
func ms(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }
