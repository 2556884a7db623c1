#if canImport(Glibc)
import Glibc
#endif

/// Faults in fresh memory with one call (Linux `madvise(MADV_POPULATE_WRITE)`, kernel 5.14+)
/// instead of one page fault per 4 KiB on first touch: on this VM the faults of a column
/// written once from start to end cost more than the parse writing it. Whole pages inside
/// the range only, for ranges of `step` and more (smaller buffers are mostly reused heap
/// memory); a no-op where unsupported.
enum PrefaultedPages {
    /// `MADV_POPULATE_WRITE` (older C headers lack the name).
    static let populateWrite: Int32 = 23
    static let step = 256 << 10

    static func populate(_ base: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= step else { return }
        let page = 4096
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, populateWrite) }
        #endif
    }

    /// The memory of `count` elements at `p`.
    static func populate<T>(_ p: UnsafeMutablePointer<T>, count: Int) {
        populate(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
    }
}
