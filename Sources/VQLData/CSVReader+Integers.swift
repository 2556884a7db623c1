/// The all-integer fast path of `CSVReader`, for logs whose every field is a decimal
/// integer (KuaiRand): one pass over the bytes parses the values, with no field views.
extension CSVReader {
    /// Marks an empty field in the output of `nextIntegers`.
    public static let emptyField = Int64.min

    /// Reads the next non-blank record. When every field is an unsigned integer (at most 18
    /// digits) or empty, and the record lies in the current block, the columns whose bit is
    /// set in `wanted` go to `out` (empty fields as `emptyField`; the others are left as they
    /// were) and the field count is returned; nothing else is set up, but `line` and
    /// `error(_:)` work. Otherwise (a sign or any other byte, a record crossing the block end,
    /// more than `capacity` fields, a `capacity` above 63) the record is read by `next()` (so
    /// `withField`, `string` and `problem` apply) and -1 is returned. nil at end of file.
    @inline(__always)
    public func nextIntegers(_ out: UnsafeMutablePointer<Int64>, capacity: Int, wanted: UInt64) throws -> Int? {
        while true {
            switch scanDigitFields(out, capacity: capacity, wanted: wanted) {
            case .record(let n): return n
            case .blank: continue
            case .general: return try next() ? -1 : nil
            }
        }
    }

    enum IntegerScan { case record(Int), blank, general }

    /// Spare bytes after a block's data: `scanDigitFields` loads whole 64-byte windows.
    static let blockSpare = 64

    /// See `nextIntegers(_:capacity:wanted:)`: classifies the block 64 bytes at a time
    /// (`ByteMasks`, kept for the next record, which mostly starts in the same window), takes
    /// the record's field ends from the separator and newline bits (any "other" byte sends
    /// the record to `next()`), then parses only the `wanted` columns, 8 digits per step
    /// (`ByteClasses.digits`). Ends are stored 8 at a time without testing how many there
    /// are: a loop over a data-dependent count mispredicts once per window.
    @inline(__always)
    func scanDigitFields(_ out: UnsafeMutablePointer<Int64>, capacity: Int, wanted: UInt64) -> IntegerScan {
        if skipLF || capacity > 63 { return .general }
        let start = blockPosition, end = blockCount
        let base = block, ends = endOffsets
        var window = maskWindow, masks = windowMasks
        defer { maskWindow = window; windowMasks = masks }
        var p = start, count = 0
        while true {
            if p >= end || count > capacity { return .general }
            let w = p & ~63
            if w != window {
                masks = ByteMasks(base + w, separator: separator)
                window = w
            }
            // Bits of the record's bytes in this window: from p, before `end`, up to the first newline.
            var inRecord: UInt64 = end &- w >= 64 ? ~0 : (1 &<< UInt64(end &- w)) &- 1
            inRecord &= ~0 &<< UInt64(p &- w)
            var newline = masks.newlines & inRecord
            if newline != 0 {
                newline &= 0 &- newline
                inRecord &= newline | (newline &- 1)
            }
            if masks.others & inRecord != 0 { return .general }
            var bits = (masks.separators | newline) & inRecord
            let n = bits.nonzeroBitCount
            for k in 0..<8 {  // unrolled; slots past n are overwritten later or ignored
                ends[count &+ k] = w &+ bits.trailingZeroBitCount
                bits &= bits &- 1
            }
            if n > 8 {
                for k in 8..<n {
                    ends[count &+ k] = w &+ bits.trailingZeroBitCount
                    bits &= bits &- 1
                }
            }
            count &+= n
            if newline != 0 { break }
            p = w &+ 64
        }
        if count > capacity { return .general }
        var todo = wanted & ((1 &<< UInt64(count)) &- 1)
        while todo != 0 {
            let f = todo.trailingZeroBitCount
            todo &= todo &- 1
            let fieldStart = f == 0 ? start : ends[f &- 1] &+ 1
            let digits = ends[f] &- fieldStart
            if digits > 18 { return .general }
            out[f] = digits == 0 ? CSVReader.emptyField : ByteClasses.digits(base + fieldStart, count: digits)
        }
        let fieldStart = ends[count &- 1] &+ 1
        line = currentLine
        currentLine += 1
        blockPosition = fieldStart
        if fieldStart == start + 1 && count == 1 { return .blank }
        return .record(count)
    }
}
