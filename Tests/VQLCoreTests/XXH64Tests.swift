import Testing
@testable import VQLCore

/// Digests from the reference implementation (Python `xxhash` 3.x, `xxhash.xxh64(b).hexdigest()`),
/// covering the short path (< 32 bytes), exactly one stripe, and every tail length.
@Test func xxh64MatchesTheReference() {
    let cases: [([UInt8], String)] = [
        ([], "ef46db3751d8e999"),
        (Array("a".utf8), "d24ec4f1a98c6e5b"),
        (Array("abc".utf8), "44bc2cf5ad770999"),
        (Array(repeating: UInt8(ascii: "x"), count: 31), "60dd0d01083b99f0"),
        (Array(repeating: UInt8(ascii: "y"), count: 32), "64da1f1d3495ce66"),
        (Array(repeating: UInt8(ascii: "z"), count: 33), "c5241253c64e0268"),
        ((0..<1280).map { UInt8($0 % 256) }, "afc184ad7938a354"),
        ((0..<1000).map { UInt8(($0 * 7 + 3) % 256) }, "5f235fa033f1a3fb"),
    ]
    for (bytes, expected) in cases {
        #expect(bytes.withUnsafeBytes { XXH64.hex($0) } == expected, "\(bytes.count) bytes")
    }
}

/// Fed in pieces of any sizes, the stream gives the one-call digest.
@Test func xxh64StreamingEqualsOneCall() {
    var rng = RandomSource(seed: 5)
    let bytes = (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let whole = bytes.withUnsafeBytes { XXH64.hex($0) }
    for _ in 0..<50 {
        var h = XXH64()
        var at = 0
        while at < bytes.count {
            let n = min(bytes.count - at, Int(rng.next() % 70))
            bytes.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[at..<at + n])) }
            at += n
        }
        #expect(h.hexDigest() == whole)
    }
}
