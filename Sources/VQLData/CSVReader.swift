#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VQLCore

/// A streaming CSV reader over raw bytes (RFC 4180 quoting, LF or CRLF line ends).
///
/// Reads the file in 4 MiB blocks with POSIX `read`, so multi-GB logs never sit in memory,
/// and hands out each record's fields as byte views (valid until the next `next()`), so
/// callers parse numbers straight from bytes with no per-field `String`. Quoted fields may
/// hold commas, doubled quotes and newlines. Blank lines are skipped. Malformed quoting is a
/// `DataError` naming the file and line, or, with `recoverQuotes`, a `problem` of the record
/// (the rest of the line is read as plain text) so a caller can skip the row. The separator
/// is configurable and quoting can be off (`quoting: false`: tab-separated RecBole files,
/// where `"` is an ordinary byte). When `hashing` is on, every block read also feeds an
/// `XXH64` checksum (at memory speed, so a source file's checksum costs no second pass).
///
/// Fast path: a record with no quote and no CR that lies inside the current block is not
/// copied; its fields are views into the block.
public final class CSVReader {
    /// The name errors use (the file's base name).
    public let fileName: String
    /// 1-based line on which the current record starts.
    public internal(set) var line = 0
    /// Bytes of the current record's fields, unquoted, concatenated (grown by doubling).
    private var fieldBytes: UnsafeMutablePointer<UInt8>
    private var fieldBytesCapacity = 1024
    private var fieldBytesCount = 0
    /// fieldEnds[i] = end offset of field i in `fieldBytes` (start = previous end).
    private var fieldEnds: UnsafeMutablePointer<Int>
    private var fieldEndsCapacity = 64
    private var fieldEndsCount = 0
    /// Field end offsets of the all-digit fast path (up to 63 fields, then 64 + 8 spare slots:
    /// a 64-byte window may add 64 ends, and ends are stored 8 at a time).
    let endOffsets = UnsafeMutablePointer<Int>.allocate(capacity: 136)
    private let fd: Int32
    let block: UnsafeMutablePointer<UInt8>
    private let blockCapacity: Int
    private(set) var blockCount = 0
    var blockPosition = 0
    private var atEOF = false
    /// Line the reader is on (counts newlines consumed so far, 1-based).
    var currentLine = 1
    /// Set when the previous byte was a CR ending a record, so a following LF is skipped.
    private(set) var skipLF = false
    /// The checksum of every byte read so far (with `hashing`).
    public private(set) var hashed: XXH64?
    /// Block offset of the 64-byte window whose classes `windowMasks` holds (-1: none).
    var maskWindow = -1
    var windowMasks = ByteMasks.none
    /// Size of the file when opened (for capacity estimates and progress).
    public let fileSize: Int64
    /// Total bytes read from the file.
    public private(set) var bytesRead = 0
    /// The bytes the reader covers: [rangeStart, rangeEnd) of the file.
    private let rangeStart: Int64
    private let rangeEnd: Int64
    /// Set once any record held a `"` (with quoting on): a caller that split the file into
    /// byte ranges at line ends must then reread it whole, as a quoted field may span lines.
    public private(set) var sawQuote = false
    /// Field separator (`,` or tab).
    public let separator: UInt8
    /// Whether `"` starts a quoted field.
    public let quoting: Bool
    /// Malformed quoting becomes `problem` instead of a thrown error.
    public let recoverQuotes: Bool
    /// What is wrong with the current record's quoting (only with `recoverQuotes`), else nil.
    public private(set) var problem: DataError?
    /// Where the current record's fields live: `fieldBytes`, or the block (fast path).
    private var fieldBase: UnsafeMutablePointer<UInt8>
    /// Bytes between one field's end and the next one's start: 1 (the separator) on the fast
    /// path, 0 in `fieldBytes`.
    private var separatorGap = 0

    /// `range`, when given, limits the reader to those bytes of the file, read as if they
    /// were the whole file (callers split at line ends; line numbers count from the range start).
    public init(path: String, hashing: Bool = false, blockSize: Int = 4 << 20, separator: UInt8 = 0x2C,
                quoting: Bool = true, recoverQuotes: Bool = false, range: Range<Int64>? = nil) throws {
        fileName = path.split(separator: "/").last.map(String.init) ?? path
        self.separator = separator
        self.quoting = quoting
        self.recoverQuotes = recoverQuotes
        fd = open(path, O_RDONLY)
        if fd < 0 { throw DataError(file: fileName, "cannot open file (\(String(cString: strerror(errno))))") }
        blockCapacity = max(blockSize, 16)
        // Spare bytes: the fast path loads whole 64-byte windows, up to 63 bytes past the data.
        block = UnsafeMutablePointer<UInt8>.allocate(capacity: blockCapacity + CSVReader.blockSpare)
        block.initialize(repeating: 0, count: blockCapacity + CSVReader.blockSpare)
        hashed = hashing ? XXH64() : nil
        var st = stat()
        fileSize = fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
        rangeStart = range?.lowerBound ?? 0
        rangeEnd = range?.upperBound ?? Int64.max
        fieldBytes = .allocate(capacity: fieldBytesCapacity)
        fieldBase = fieldBytes
        fieldEnds = .allocate(capacity: fieldEndsCapacity)
    }

    deinit {
        close(fd)
        block.deallocate()
        fieldBytes.deallocate()
        fieldEnds.deallocate()
        endOffsets.deallocate()
    }

    /// Number of fields in the current record.
    public var fieldCount: Int { fieldEndsCount }

    /// The bytes of field `i` of the current record (quotes removed, `""` unescaped).
    @inline(__always)
    public func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < fieldEndsCount, "CSVReader: field index out of range")
        let start = i == 0 ? 0 : fieldEnds[i - 1] + separatorGap
        return try body(UnsafeBufferPointer(start: fieldBase + start, count: fieldEnds[i] - start))
    }

    /// Field `i` as a String (for headers and messages, not hot loops).
    public func string(_ i: Int) -> String { withField(i) { String(decoding: $0, as: UTF8.self) } }

    /// All fields of the current record as Strings.
    public var strings: [String] { (0..<fieldCount).map(string) }

    /// An error at the current record's line.
    public func error(_ message: String) -> DataError { DataError(file: fileName, line: line, message) }

    /// Field `i` as a decimal integer; `column` names it in the error.
    @inline(__always)
    public func int64(_ i: Int, column: String) throws -> Int64 {
        if let v = withField(i, ByteNumber.parseInt64) { return v }
        throw error("column \(column): expected an integer, found \"\(string(i))\"")
    }

    /// File offset just past the current record (where the next one starts).
    public var offset: Int64 { rangeStart + Int64(bytesRead - blockCount + blockPosition) }


    /// Refills the block; returns false at end of file.
    private func refill() throws -> Bool {
        if atEOF { return false }
        while true {
            let offset = rangeStart + Int64(bytesRead)
            let n = pread(fd, block, min(blockCapacity, Int(clamping: rangeEnd - offset)), off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(file: fileName, line: currentLine, "read failed (\(String(cString: strerror(errno))))")
            }
            if n == 0 { atEOF = true; return false }
            blockCount = n
            blockPosition = 0
            maskWindow = -1
            bytesRead += n
            hashed?.update(UnsafeRawBufferPointer(start: block, count: n))
            return true
        }
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Advances to the next non-blank record. Returns false at end of file.
    public func next() throws -> Bool {
        problem = nil
        while true {
            if let fast = fastRecord() {
                if fast { return true }
                continue
            }
            fieldBase = fieldBytes
            separatorGap = 0
            guard let found = try readRecord() else { return false }
            if found { return true }
        }
    }

    /// The fast path: a record wholly inside the block with no quote (when quoting) and no
    /// CR. Returns true for a record, false for a blank line, nil to use the slow path.
    @inline(__always)
    private func fastRecord() -> Bool? {
        if skipLF { return nil }
        let start = blockPosition, end = blockCount
        let sep = separator, quote: UInt8 = quoting ? 0x22 : 0x0A
        var p = start, nEnds = 0
        let base = block
        while p < end {
            let c = base[p]
            if c == sep {
                if nEnds == fieldEndsCapacity { growEnds() }
                fieldEnds[nEnds] = p - start
                nEnds += 1
            } else if c <= 0x22 {
                if c == 0x0A { break }
                if c == quote || c == 0x0D { return nil }
            }
            p += 1
        }
        if p == end { return nil }
        line = currentLine
        currentLine += 1
        blockPosition = p + 1
        if p == start { return false }
        if nEnds == fieldEndsCapacity { growEnds() }
        fieldEnds[nEnds] = p - start
        fieldEndsCount = nEnds + 1
        fieldBase = base + start
        separatorGap = 1
        return true
    }

    /// Reads one record; nil at EOF, false for a blank line, true for a record.
    /// The hot loop works on locals (no exclusivity checks, no array appends).
    private func readRecord() throws -> Bool? {
        var nBytes = 0, nEnds = 0
        var state = State.fieldStart
        var sawAnyByte = false
        line = currentLine
        var pos = blockPosition, end = blockCount
        let sep = separator
        defer { blockPosition = pos; fieldBytesCount = nBytes; fieldEndsCount = nEnds }
        @inline(__always) func endField() {
            if nEnds == fieldEndsCapacity { growEnds() }
            fieldEnds[nEnds] = nBytes
            nEnds += 1
        }
        @inline(__always) func append(_ c: UInt8) {
            if nBytes == fieldBytesCapacity { growBytes() }
            fieldBytes[nBytes] = c
            nBytes += 1
        }
        while true {
            if pos == end {
                blockPosition = pos
                if try !refill() {
                    // End of file: close the last record, if any.
                    if state == .quoted {
                        let e = DataError(file: fileName, line: line, "unterminated quoted field (expected a closing '\"')")
                        if !recoverQuotes { throw e }
                        if problem == nil { problem = e }
                    }
                    if !sawAnyByte { return nil }
                    endField()
                    return true
                }
                pos = blockPosition
                end = blockCount
            }
            let c = block[pos]
            pos += 1
            if skipLF {
                skipLF = false
                if c == 0x0A { continue }
            }
            switch state {
            case .quoted:
                if c == 0x22 { state = .quoteInQuoted } else {
                    if c == 0x0A { currentLine += 1 }
                    append(c)
                }
                sawAnyByte = true
            case .fieldStart, .unquoted, .quoteInQuoted:
                if c == sep {
                    endField()
                    state = .fieldStart
                    sawAnyByte = true
                } else if c == 0x0A || c == 0x0D {  // end of record
                    currentLine += 1
                    if c == 0x0D { skipLF = true }
                    if !sawAnyByte { return false }
                    endField()
                    return true
                } else if c == 0x22 && quoting {  // '"'
                    sawQuote = true
                    if state == .fieldStart {
                        state = .quoted
                    } else if state == .quoteInQuoted {
                        append(c)  // "" inside quotes is one quote
                        state = .quoted
                    } else {
                        let e = DataError(file: fileName, line: line,
                            "unexpected '\"' inside an unquoted field \(nEnds + 1) (quote the whole field)")
                        if !recoverQuotes { throw e }
                        if problem == nil { problem = e }
                        append(c)
                    }
                    sawAnyByte = true
                } else {
                    if state == .quoteInQuoted {
                        let e = DataError(file: fileName, line: line,
                            "expected '\(Character(Unicode.Scalar(sep)))' or end of line after the closing quote of field \(nEnds + 1)")
                        if !recoverQuotes { throw e }
                        if problem == nil { problem = e }
                    }
                    append(c)
                    state = .unquoted
                    sawAnyByte = true
                }
            }
        }
    }

    private func growBytes() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: fieldBytesCapacity * 2)
        bigger.update(from: fieldBytes, count: fieldBytesCapacity)
        fieldBytes.deallocate()
        fieldBytes = bigger
        fieldBytesCapacity *= 2
    }

    private func growEnds() {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: fieldEndsCapacity * 2)
        bigger.update(from: fieldEnds, count: fieldEndsCapacity)
        fieldEnds.deallocate()
        fieldEnds = bigger
        fieldEndsCapacity *= 2
    }
}
