import Foundation
import Testing
@testable import VQLCore

private func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vql-st-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// The fixture that Tests/python/check_safetensors.py `read` expects.
private func writeFixture(_ path: String) throws {
    try SafetensorsFile.write(path: path, tensors: [
        .float("weights", shape: [3, 4], (0..<12).map { Float($0) * 0.25 - 1 }),
        .int64("ids", shape: [3], [-1, 0, (1 << 40) + 5]),
        .int32("counts", shape: [2, 2], [1, -2, 3, -4]),
        .uint8("mask", shape: [5], [0, 1, 2, 254, 255]),
        .float("empty", shape: [0, 3], []),
    ], metadata: ["format": "vql", "step": "42", "note": "quote \" and ünïcode"])
}

/// Writes a file from a header string and a data section, bypassing the writer.
private func writeRaw(_ path: String, header: String, data: [UInt8], headerLength: UInt64? = nil) {
    var bytes = withUnsafeBytes(of: (headerLength ?? UInt64(header.utf8.count)).littleEndian) { Array($0) }
    bytes += Array(header.utf8) + data
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

private func readError(_ path: String) -> String? {
    do { _ = try SafetensorsFile(path: path); return nil } catch { return "\(error)" }
}

@Test func roundTripPreservesTensorsAndMetadata() throws {
    let path = tempPath("rt.safetensors")
    try writeFixture(path)
    let f = try SafetensorsFile(path: path)
    #expect(f.names == ["weights", "ids", "counts", "mask", "empty"])
    #expect(f.metadata == ["format": "vql", "step": "42", "note": "quote \" and ünïcode"])
    #expect(try f.shape("weights") == [3, 4] && f.dtype("weights") == .f32)
    #expect(try f.floats("weights") == (0..<12).map { Float($0) * 0.25 - 1 })
    #expect(try f.int64s("ids") == [-1, 0, (1 << 40) + 5])
    #expect(try f.int32s("counts") == [1, -2, 3, -4])
    #expect(try f.uint8s("mask") == [0, 1, 2, 254, 255])
    #expect(try f.floats("empty") == [] && f.shape("empty") == [0, 3])
    // Layout: 8-byte length, header padded to a multiple of 8, data exactly sized.
    let raw = try Data(contentsOf: URL(fileURLWithPath: path))
    let n = raw.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    #expect(n % 8 == 0)
    #expect(raw.count == 8 + n + 48 + 24 + 16 + 5)
    // No temp file left behind; rewriting replaces atomically.
    try SafetensorsFile.write(path: path, tensors: [.float("x", shape: [1], [7])], metadata: [:])
    #expect(try SafetensorsFile(path: path).floats("x") == [7])
    let dir = (path as NSString).deletingLastPathComponent
    // (Only this file's temp name: the other tests of this suite write in the same directory
    // at the same time.)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasPrefix("rt.safetensors.tmp.") })
}

@Test func rawBufferWriterMatchesOwnedWriter() throws {
    let buffer = FloatBuffer([1, 2, 3, 4, 5, 6])
    let path = tempPath("raw.safetensors")
    try SafetensorsFile.write(path: path, tensors: [
        (name: "w", dtype: .f32, shape: [2, 3], bytes: UnsafeRawBufferPointer(start: buffer.pointer, count: 24)),
    ], metadata: [:])
    let f = try SafetensorsFile(path: path)
    #expect(try f.floats("w") == [1, 2, 3, 4, 5, 6])
    #expect(f.metadata.isEmpty)
    try f.withRawBytes("w") { #expect($0.count == 24) }
}

@Test func wrongNameOrDtypeIsAnErrorNamingTensor() throws {
    let path = tempPath("dtype.safetensors")
    try writeFixture(path)
    let f = try SafetensorsFile(path: path)
    #expect { _ = try f.floats("ids") } throws: { "\($0)".contains("'ids'") && "\($0)".contains("I64") && "\($0)".contains(path) }
    #expect { _ = try f.floats("nope") } throws: { "\($0)".contains("'nope'") && "\($0)".contains(path) }
}

@Test func writerRejectsBadInput() {
    let path = tempPath("bad-write.safetensors")
    #expect { try SafetensorsFile.write(path: path, tensors: [.float("a", shape: [2, 2], [1, 2, 3])], metadata: [:]) }
        throws: { "\($0)".contains("'a'") && "\($0)".contains("needs 16") }
    #expect { try SafetensorsFile.write(path: path, tensors: [.uint8("a", shape: [1], [1]), .uint8("a", shape: [1], [2])], metadata: [:]) }
        throws: { "\($0)".contains("duplicate") }
    #expect(!FileManager.default.fileExists(atPath: path))
}

@Test func truncatedFileIsRejected() throws {
    let path = tempPath("trunc.safetensors")
    try writeFixture(path)
    let full = try Data(contentsOf: URL(fileURLWithPath: path))
    try full.prefix(full.count - 3).write(to: URL(fileURLWithPath: path))
    let e = try #require(readError(path))
    #expect(e.hasPrefix("\(path): tensor 'empty': data_offsets [93, 93] exceed the 90-byte data section (file truncated?)"))
    // Cut inside the header and below 8 bytes.
    try full.prefix(20).write(to: URL(fileURLWithPath: path))
    #expect(try #require(readError(path)).contains("exceeds the file"))
    try full.prefix(5).write(to: URL(fileURLWithPath: path))
    #expect(try #require(readError(path)).contains("shorter than"))
}

@Test func badHeadersAreRejectedNamingFileAndTensor() throws {
    let path = tempPath("hdr.safetensors")
    writeRaw(path, header: "{}", data: [], headerLength: 1 << 40)
    #expect(try #require(readError(path)).hasPrefix("\(path): bad header length"))
    writeRaw(path, header: "not json", data: [])
    #expect(try #require(readError(path)).contains("not a JSON object"))
    writeRaw(path, header: #"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0])
    #expect(try #require(readError(path)).contains("tensor 'a': unsupported dtype F16"))
    writeRaw(path, header: #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, data: Array(repeating: 0, count: 16))
    #expect(try #require(readError(path)).contains("tensor 'a': data_offsets [0, 12] span 12 bytes"))
    writeRaw(path, header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
    #expect(try #require(readError(path)).contains("tensor 'a'"))
    writeRaw(path, header: #"{"__metadata__":{"k":1}}"#, data: [])
    #expect(try #require(readError(path)).contains("__metadata__"))
}

@Test func overlappingOffsetsAreRejected() throws {
    let path = tempPath("overlap.safetensors")
    let header = #"{"first":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"second":{"dtype":"I32","shape":[4],"data_offsets":[8,24]}}"#
    writeRaw(path, header: header, data: Array(repeating: 0, count: 24))
    let e = try #require(readError(path))
    #expect(e.contains(path) && e.contains("'second'") && e.contains("overlap") && e.contains("'first'"))
    // Same layout without overlap is accepted (and gaps are tolerated).
    let ok = #"{"first":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"second":{"dtype":"I32","shape":[4],"data_offsets":[8,24]}}"#
    writeRaw(path, header: ok, data: Array(repeating: 0, count: 24))
    #expect(readError(path) == nil)
}

/// Runs python3 with `args`; nil when python3 or numpy is unavailable.
private func python(_ args: [String]) -> (status: Int32, output: String)? {
    func run(_ a: [String]) -> (Int32, String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + a
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return nil }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, out)
    }
    guard let probe = run(["-c", "import numpy"]), probe.0 == 0 else { return nil }
    return run(args)
}

private let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python/check_safetensors.py").path

@Test func pythonReadsSwiftFile() throws {
    let path = tempPath("for-python.safetensors")
    try writeFixture(path)
    guard let r = python([script, "read", path]) else {
        print("skipping Python cross-check: python3 with numpy not available")
        return
    }
    #expect(r.status == 0, "\(r.output)")
    print("python: \(r.output)")
}

@Test func swiftReadsPythonFile() throws {
    let path = tempPath("from-python.safetensors")
    guard let r = python([script, "write", path]) else {
        print("skipping Python cross-check: python3 with numpy not available")
        return
    }
    #expect(r.status == 0, "\(r.output)")
    let f = try SafetensorsFile(path: path)
    #expect(Set(f.names) == ["a", "b", "c", "d"])
    #expect(try f.floats("a") == [0, 0.5, 1, 1.5, 2, 2.5] && f.shape("a") == [2, 3])
    #expect(try f.int64s("b") == [7, -9])
    #expect(try f.uint8s("c") == [1, 2, 3])
    #expect(try f.int32s("d") == [-5, 6] && f.shape("d") == [2, 1])
    #expect(f.metadata == ["written_by": "python"])
}
