/// The all-integer fast path of `CSVReader`, for logs whose every field is a decimal
/// integer (KuaiRand): one pass over the bytes parses the values, with no field views.
extension CSVReader {
    /// Marks an empty field in the output of `nextIntegers`.
    public static let emptyField = Int64.min

    /// Reads the next non-blank record. When every field is an integer (optional `-`, at
    /// most 18 digits) or empty, and the record lies in the current block, the values go to
    /// `out` (empty fields as `emptyField`) and the field count is returned; nothing else is
    /// set up, but `line` and `error(_:)` work. Otherwise the record is read by `next()` (so
    /// `withField`, `string` and `problem` apply) and -1 is returned. nil at end of file.
    @inline(__always)
    public func nextIntegers(_ out: UnsafeMutablePointer<Int64>, capacity: Int) throws -> Int? {
        while true {
            switch scanIntegers(out, capacity: capacity) {
            case .record(let n): return n
            case .blank: continue
            case .general: return try next() ? -1 : nil
            }
        }
    }

    /// Like `nextIntegers(_:capacity:)` for records of unsigned integers, faster: fields are
    /// checked 8 bytes at a time and only the columns whose bit is set in `wanted` are parsed
    /// (`emptyField` when empty); the others are left as they were. A sign or any other byte
    /// sends the record to `next()` (-1), as does a record crossing the block end or a
    /// `capacity` above 63.
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
}
