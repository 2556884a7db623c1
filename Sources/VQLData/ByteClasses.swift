/// Byte classification and decimal parsing on 8-byte words (SWAR), for the CSV fast paths.
///
/// A class test returns a flag word: bit 7 of byte i is set iff byte i (the i-th byte in
/// memory, little-endian) is in the class; every other bit is 0. The tests are exact for
/// every byte value: no carry or borrow crosses a byte.
enum ByteClasses {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let high: UInt64 = 0x8080_8080_8080_8080
    static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A

    /// Flags of the bytes of `x` equal to the byte repeated in `pattern`.
    @inline(__always)
    static func equal(_ x: UInt64, _ pattern: UInt64) -> UInt64 {
        let t = x ^ pattern
        // (t & 0x7F) + 0x7F reaches bit 7 iff the low 7 bits are not all 0; `| t` adds bit 7 itself.
        return ~(((t & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | t) & high
    }

    /// Flags of the bytes of `x` that are ASCII digits '0'...'9' (0x30...0x39).
    @inline(__always)
    static func digitFlags(_ x: UInt64) -> UInt64 {
        let y = x & 0x7F7F_7F7F_7F7F_7F7F
        // y + 0x50 reaches bit 7 iff y ≥ 0x30; y + 0x46 iff y ≥ 0x3A; bytes ≥ 0x80 are not digits.
        return (y &+ 0x5050_5050_5050_5050) & ~(y &+ 0x4646_4646_4646_4646) & ~x & high
    }

    /// The value of `count` (1...18) ASCII digits at `p`, most significant first: a head of
    /// 1...8 digits, then whole groups of 8. Loads 8 bytes at a time, so up to 7 bytes past
    /// the digits may be read: the buffer must extend that far.
    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, count: Int) -> Int64 {
        let head = (count &- 1) & 7 &+ 1
        var v = eightDigits(UnsafeRawPointer(p).loadUnaligned(as: UInt64.self), count: head)
        var q = head
        while q < count {
            v = v &* 100_000_000 &+ eightDigits(UnsafeRawPointer(p + q).loadUnaligned(as: UInt64.self), count: 8)
            q &+= 8
        }
        return Int64(v)
    }

    /// The value of the first `count` (1...8) bytes of `x`, all ASCII digits.
    @inline(__always)
    static func eightDigits(_ x: UInt64, count: Int) -> UInt64 {
        // Borrows of the bytes after the digits only reach higher bytes, which the shift drops;
        // the shift leaves the digits in the top bytes with zero (leading-zero) bytes below.
        var v = (x &- 0x3030_3030_3030_3030) &<< UInt64(64 &- 8 &* count)
        v = (v &* 10) &+ (v >> 8)  // 16-bit lanes: two-digit values in their low bytes
        let lanes: UInt64 = 0x0000_00FF_0000_00FF
        return (((v & lanes) &* (100 &+ (1_000_000 << 32))) &+ (((v >> 16) & lanes) &* (1 &+ (10_000 << 32)))) >> 32
    }
}
