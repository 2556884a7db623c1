/// XXH64 (Yann Collet's xxHash, 64-bit, seed 0), streaming: the checksum vql records for
/// raw source files. It is not a cryptographic hash; it detects changed or damaged inputs,
/// runs near memory speed (four independent multiply-rotate lanes over 32-byte stripes)
/// and matches `xxhsum` / Python's `xxhash.xxh64` (printed big-endian, 16 hex digits).
///
///     lane(acc, x) = rotl(acc + x·P2, 31)·P1        per 8-byte little-endian word x
///     h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18), each lane merged in,
///     then the length, the tail (8, 4, 1 bytes at a time) and a final avalanche.
public struct XXH64 {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4: UInt64 = 0 &- p1
    private var length: UInt64 = 0
    /// Bytes of an unfinished 32-byte stripe.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0

    public init() {}

    /// The digest of `bytes` in one call.
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var h = XXH64()
        h.update(bytes)
        return h.hexDigest()
    }

    @inline(__always)
    static func lane(_ acc: UInt64, _ x: UInt64) -> UInt64 {
        rotl(acc &+ x &* p2, 31) &* p1
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x &<< r) | (x &>> (64 &- r)) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var left = bytes.count
        length &+= UInt64(left)
        if pendingCount > 0 {
            let take = min(32 - pendingCount, left)
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + pendingCount).copyMemory(from: p, byteCount: take) }
            pendingCount += take
            p += take
            left -= take
            if pendingCount < 32 { return }
            stripes(withUnsafeBytes(of: pending) { $0.baseAddress! }, count: 1)
            pendingCount = 0
        }
        let whole = left / 32
        if whole > 0 { stripes(p, count: whole) }
        p += whole * 32
        left -= whole * 32
        if left > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: p, byteCount: left) }
            pendingCount = left
        }
    }

    /// Folds `count` 32-byte stripes at `p` into the lanes (kept in registers meanwhile).
    private mutating func stripes(_ p: UnsafeRawPointer, count: Int) {
        var a = v1, b = v2, c = v3, d = v4
        var q = p
        for _ in 0..<count {
            a = Self.lane(a, UInt64(littleEndian: q.loadUnaligned(as: UInt64.self)))
            b = Self.lane(b, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            c = Self.lane(c, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
            d = Self.lane(d, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
            q += 32
        }
        (v1, v2, v3, v4) = (a, b, c, d)
    }

    public func digest() -> UInt64 {
        var h: UInt64
        if length >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            for v in [v1, v2, v3, v4] { h = (h ^ Self.lane(0, v)) &* Self.p1 &+ Self.p4 }
        } else {
            h = Self.p5
        }
        h &+= length
        withUnsafeBytes(of: pending) { tail in
            var i = 0
            while i + 8 <= pendingCount {
                h ^= Self.lane(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = Self.rotl(h, 27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if i + 4 <= pendingCount {
                h ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = Self.rotl(h, 23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < pendingCount {
                h ^= UInt64(tail[i]) &* Self.p5
                h = Self.rotl(h, 11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }

    /// The digest as 16 lower-case hex digits, most significant first (as `xxhsum` prints it).
    public func hexDigest() -> String {
        let s = String(digest(), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
