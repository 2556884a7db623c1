#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable column of plain values for the row loops of the readers: `append` is a
/// capacity check and a store, where `Array.append` also checks uniqueness on every call.
/// Big columns live in prefaulted anonymous mappings (`PrefaultedPages`).
final class ColumnBuilder<T>: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int
    /// Bytes mapped by `PrefaultedPages` for `pointer`, or 0 when it came from `allocate`.
    private var mappedBytes = 0

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        (pointer, mappedBytes) = Self.allocate(self.capacity)
    }

    deinit { Self.free(pointer, mappedBytes) }

    @inline(__always)
    func append(_ value: T) {
        if count == capacity { grow() }
        (pointer + count).initialize(to: value)
        count &+= 1
    }

    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: pointer, count: count) }

    /// Frees the storage once the values have been copied out (the column is then empty).
    func release() {
        Self.free(pointer, mappedBytes)
        (pointer, mappedBytes) = Self.allocate(1)
        count = 0
        capacity = 1
    }

    private func grow() {
        let (bigger, mapped) = Self.allocate(capacity * 2)
        bigger.moveInitialize(from: pointer, count: count)
        Self.free(pointer, mappedBytes)
        (pointer, mappedBytes) = (bigger, mapped)
        capacity *= 2
    }

    private static func allocate(_ capacity: Int) -> (UnsafeMutablePointer<T>, Int) {
        let bytes = capacity * MemoryLayout<T>.stride
        if let p = PrefaultedPages.map(bytes: bytes) { return (p.bindMemory(to: T.self, capacity: capacity), bytes) }
        return (.allocate(capacity: capacity), 0)
    }

    private static func free(_ p: UnsafeMutablePointer<T>, _ mappedBytes: Int) {
        if mappedBytes > 0 { PrefaultedPages.unmap(UnsafeMutableRawPointer(p), bytes: mappedBytes) } else { p.deallocate() }
    }
}

/// Anonymous memory faulted in by the `mmap` call itself (Linux `MAP_POPULATE`): a column
/// written once from start to end would otherwise take one page fault per 4 KiB, which
/// costs more than the parse writing it on this VM. Only for sizes of 1 MiB and more; nil
/// elsewhere (the caller then allocates normally).
enum PrefaultedPages {
    static func map(bytes: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
        guard bytes >= 1 << 20 else { return nil }
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
        return p == MAP_FAILED ? nil : p
        #else
        return nil
        #endif
    }

    static func unmap(_ p: UnsafeMutableRawPointer, bytes: Int) {
        munmap(p, bytes)
    }
}
