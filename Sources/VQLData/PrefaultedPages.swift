#if canImport(Glibc)
import Glibc
#endif

/// Faults in fresh memory with one call (Linux `madvise(MADV_POPULATE_WRITE)`, kernel 5.14+)
/// instead of one page fault per 4 KiB on first touch: on this VM the faults of a column
/// written once from start to end cost more than the parse writing it. For buffers of 1 MiB
/// and more (smaller ones are mostly reused heap memory); a no-op where unsupported.
enum PrefaultedPages {
    /// `MADV_POPULATE_WRITE` (older C headers lack the name).
    static let populateWrite: Int32 = 23

    static func populate(_ base: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= 1 << 20 else { return }
        let page = 4096
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, populateWrite) }
        #endif
    }

    /// `UnsafeMutablePointer.allocate(capacity:)`, populated.
    static func allocate<T>(_ type: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        populate(UnsafeMutableRawPointer(p), bytes: capacity * MemoryLayout<T>.stride)
        return p
    }
}
