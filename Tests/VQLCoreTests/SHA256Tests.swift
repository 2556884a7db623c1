import Foundation
import Testing
@testable import VQLCore

/// Known-answer vectors from FIPS 180-4 / NIST examples.
@Test func sha256KnownVectors() {
    #expect(SHA256.hexDigest(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(SHA256.hexDigest(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

/// Feeding the same bytes in uneven chunks gives the same digest as one call.
@Test func sha256ChunkingDoesNotMatter() {
    var r = RandomSource(seed: 5)
    let data = (0..<1000).map { _ in UInt8(truncatingIfNeeded: r.next()) }
    let whole = SHA256.hash(data)
    for chunk in [1, 3, 63, 64, 65, 127, 500] {
        var s = SHA256()
        var i = 0
        while i < data.count { let j = min(i + chunk, data.count); s.update(Array(data[i..<j])); i = j }
        #expect(s.finalize() == whole, "chunk \(chunk)")
    }
}

/// A file's digest equals the digest of its bytes, across the 4 MiB read blocks.
@Test func fileDigestMatchesTheBytes() throws {
    var rng = RandomSource(seed: 12)
    let bytes = (0..<(4 << 20) + 1234).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let path = NSTemporaryDirectory() + "vql-sha-\(getpid()).bin"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(SHA256.fileHexDigest(path: path) == SHA256.hexDigest(bytes))
    #expect(SHA256.fileHexDigest(path: path + ".missing") == nil)
}
