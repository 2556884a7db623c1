import Foundation
import Testing
@testable import VQLData

/// KuaiRand logs are parsed in parallel byte ranges cut at line ends. These tests cut the
/// fixtures into ranges of a few hundred bytes and check that everything a whole-file read
/// gives (arrays, summary, errors with their line numbers) comes out the same.

/// Three logs of `rows` rows each with times out of order and ties across files; `extra`
/// lines are spliced into the first log after its 50th row.
private func writeLogs(_ dir: TempDir, rows: Int, extra: [String] = []) {
    for (f, name) in KuaiRandFormat.logFiles.enumerated() {
        var lines = [Fixture.logHeader]
        for k in 0..<rows {
            let user = Int64(1000 + (k * 7 + f) % 13), item = Int64(50 + (k * 11) % 97)
            lines.append(Fixture.row(user, item, time: Int64((k * 37) % 500) * 1000, click: (k + f) % 3 == 0 ? 1 : 0))
            if f == 0 && k == 49 { lines += extra }
        }
        dir.write(name, lines.joined(separator: f == 1 ? "\r\n" : "\n") + "\n")
    }
    dir.write(Fixture.videos, Fixture.simpleVideos((50..<147).map(Int64.init)))
}

/// Prepares `dir` with byte ranges of `rangeBytes`; returns every output file's bytes
/// except the manifest's creation time, or the error text.
private func prepareOutput(_ dir: TempDir, rangeBytes: Int64, policy: BadRowPolicy) -> Result<[String: Data], DataError> {
    var s = PrepareSettings()
    s.input = dir.path
    s.output = dir.file("out-\(rangeBytes)")
    s.badRows = policy
    s.parallelRangeBytes = rangeBytes
    do {
        _ = try KuaiRandPreparer.prepare(s)
    } catch let e as DataError {
        return .failure(e)
    } catch {
        return .failure(DataError(file: "?", "\(error)"))
    }
    var files: [String: Data] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: s.output)) ?? [] {
        var data = FileManager.default.contents(atPath: s.output + "/" + name) ?? Data()
        if name == DatasetManifest.fileName, var json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            json["createdAt"] = nil
            data = (try? JSONSerialization.data(withJSONObject: json, options: .sortedKeys)) ?? Data()
        }
        files[name] = data
    }
    return .success(files)
}

@Test func rangeSplitCutsAtLineStartsAndCoversTheBody() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let text = (0..<200).map { "line \($0) " + String(repeating: "x", count: $0 % 17) }.joined(separator: "\n") + "\n"
    dir.write("f.csv", text)
    let bytes = Array(text.utf8)
    let body: Range<Int64> = 12..<Int64(bytes.count)
    let ranges = try KuaiRandReader.split(path: dir.file("f.csv"), body, rangeBytes: 100)
    #expect(ranges.count > 10)
    #expect(ranges.first?.lowerBound == body.lowerBound && ranges.last?.upperBound == body.upperBound)
    for (a, b) in zip(ranges, ranges.dropFirst()) {
        #expect(a.upperBound == b.lowerBound)
        #expect(bytes[Int(b.lowerBound) - 1] == 0x0A)  // each cut follows a newline
    }
}

@Test func parallelRangesGiveTheSameDatasetAsOneRange() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    writeLogs(dir, rows: 400)
    let whole = try prepareOutput(dir, rangeBytes: 1 << 40, policy: .strict).get()
    let cut = try prepareOutput(dir, rangeBytes: 300, policy: .strict).get()
    #expect(whole.keys.sorted() == cut.keys.sorted())
    for (name, data) in whole { #expect(cut[name] == data, "\(name) differs") }
    let summary = try #require(whole[PreparedWriter.summaryFile])
    let json = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
    #expect(json["rowsRead"] as? Int == 1200)
}

@Test func parallelRangesReportBadRowsLikeAWholeFileRead() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    // A short row, a non-numeric field and a quoted field spanning two lines, late in file 0.
    let bad = ["1,2,3", Fixture.row(1001, 60, time: 5, click: 1).replacingOccurrences(of: ",1234,", with: ",12x4,"),
               "1001,60,20220410,1200,\"7\n8\",0,0,0,0,0,0,0,1234,5678,0,0,0,0,1"]
    writeLogs(dir, rows: 400, extra: bad)
    for policy in BadRowPolicy.allCases {
        let whole = prepareOutput(dir, rangeBytes: 1 << 40, policy: policy)
        let cut = prepareOutput(dir, rangeBytes: 300, policy: policy)
        switch (whole, cut) {
        case (.success(let a), .success(let b)):
            #expect(policy == .skip)
            #expect(a == b)
            let summary = try JSONDecoder().decode(PrepareSummary.self, from: try #require(b[PreparedWriter.summaryFile]))
            #expect(summary.rowsRead == 1203 && summary.events == 1200)
            #expect(summary.dropped(DropReason.wrongColumnCount) == 1)
            #expect(summary.dropped(DropReason.notNumeric) == 2)  // "12x4", and "7\n8" as time_ms
            #expect(summary.dropped.first?.example?.hasPrefix("\(Fixture.standard408):52:") == true)
        case (.failure(let a), .failure(let b)):
            #expect(policy == .strict)
            #expect(a == b)
            #expect(a.line == 52)  // header, 50 rows, then the short row
        default:
            Issue.record("\(policy): whole-file read \(whole), ranges \(cut)")
        }
    }
}
