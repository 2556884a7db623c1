#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel
#endif

/// The bytes of a 64-byte window sorted into separators, newlines and others (neither a
/// separator, a newline nor an ASCII digit), as bit masks: bit i is byte i of the window.
/// The CSV fast path classifies whole windows and then works on bits alone.
struct ByteMasks {
    var separators: UInt64
    var newlines: UInt64
    var others: UInt64

    static let none = ByteMasks(separators: 0, newlines: 0, others: ~0)
}

extension ByteMasks {
    /// Classifies the 64 bytes at `p` (all of them are read).
    @inline(__always)
    init(_ p: UnsafeRawPointer, separator: UInt8) {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
        // SSE2, part of x86-64 itself: 16 bytes per compare.
        let separatorBytes = _mm_set1_epi8(CChar(bitPattern: separator))
        let newlineBytes = _mm_set1_epi8(0x0A)
        let zeroDigit = _mm_set1_epi8(0x30)
        let nine = _mm_set1_epi8(9)
        var s: UInt64 = 0, n: UInt64 = 0, d: UInt64 = 0
        for k in 0..<4 {
            let v = _mm_loadu_si128((p + 16 &* k).assumingMemoryBound(to: __m128i.self))
            // v - '0' ≤ 9 as unsigned bytes: min(x, 9) == x exactly for the digits.
            let x = _mm_sub_epi8(v, zeroDigit)
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(x, nine), x)
            let shift = UInt64(16 &* k)
            s |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v, separatorBytes)))) &<< shift
            n |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v, newlineBytes)))) &<< shift
            d |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(digit))) &<< shift
        }
        separators = s
        newlines = n
        others = ~(s | n | d)
        #else
        self.init(portable: p, separator: separator)
        #endif
    }

    /// The same classes 8 bytes per word (`ByteClasses`), each word's flags gathered into a
    /// byte: for CPUs without the SSE2 path.
    @inline(__always)
    init(portable p: UnsafeRawPointer, separator: UInt8) {
        let separatorPattern = UInt64(separator) &* ByteClasses.ones
        var s: UInt64 = 0, n: UInt64 = 0, d: UInt64 = 0
        for k in 0..<8 {
            let x = (p + 8 &* k).loadUnaligned(as: UInt64.self)
            let shift = UInt64(8 &* k)
            s |= Self.gather(ByteClasses.equal(x, separatorPattern)) &<< shift
            n |= Self.gather(ByteClasses.equal(x, ByteClasses.newlines)) &<< shift
            d |= Self.gather(ByteClasses.digitFlags(x)) &<< shift
        }
        separators = s
        newlines = n
        others = ~(s | n | d)
    }

    /// Bit 7 of byte i of `flags` → bit i of the result (the multiply adds shifted copies
    /// that land each flag in the top byte without carries).
    @inline(__always)
    static func gather(_ flags: UInt64) -> UInt64 {
        ((flags >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
}
