import Foundation

/// Number parsing straight from ASCII bytes, for CSV hot loops (no String, no allocation).
public enum ByteNumber {
    /// A decimal integer with an optional sign and nothing else; nil if empty, malformed or
    /// out of the Int64 range.
    @inline(__always)
    public static func parseInt64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = b.count
        if n == 0 { return nil }
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B { negative = b[0] == 0x2D; i = 1 }
        if i == n { return nil }
        var value: Int64 = 0
        while i < n {
            let d = Int64(b[i]) &- 48
            if d < 0 || d > 9 { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// Parses a comma-separated list of integers (spaces around items allowed, empty list
    /// allowed) into `out`. Returns false if any item is not an integer.
    public static func parseIntList(_ b: UnsafeBufferPointer<UInt8>, into out: inout [Int64]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var start = 0
        let n = b.count
        // All-blank field = empty list.
        if !b.contains(where: { $0 != 0x20 }) { return true }
        while start <= n {
            var end = start
            while end < n && b[end] != 0x2C { end += 1 }
            var s = start, e = end
            while s < e && b[s] == 0x20 { s += 1 }
            while e > s && b[e - 1] == 0x20 { e -= 1 }
            guard let v = parseInt64(UnsafeBufferPointer(rebasing: b[s..<e])) else { return false }
            out.append(v)
            start = end + 1
        }
        return true
    }

    /// A plain decimal number (`-12`, `51990.0`, `.5`; no exponent); nil if malformed.
    public static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = b.count
        var negative = false
        if n > 0 && (b[0] == 0x2D || b[0] == 0x2B) { negative = b[0] == 0x2D; i = 1 }
        var value = 0.0, scale = 1.0, digits = 0, seenPoint = false
        while i < n {
            let c = b[i]
            if c == 0x2E && !seenPoint { seenPoint = true } else if c >= 48 && c <= 57 {
                if seenPoint { scale /= 10; value += Double(c - 48) * scale } else { value = value * 10 + Double(c - 48) }
                digits += 1
            } else { return nil }
            i += 1
        }
        return digits == 0 ? nil : (negative ? -value : value)
    }

    /// A decimal number with an optional exponent (`1.5`, `-2`, `3e-4`, `2.0E+3`); nil if
    /// empty or malformed (`nan`, `inf` and the like are malformed here).
    public static func parseDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let e = b.firstIndex(where: { $0 == 0x65 || $0 == 0x45 }) else { return parseDecimal(b) }
        guard let m = parseDecimal(UnsafeBufferPointer(rebasing: b[0..<e])),
              let x = parseInt64(UnsafeBufferPointer(rebasing: b[(e + 1)...])), abs(x) < 400 else { return nil }
        return m * pow(10, Double(x))
    }
}
