/// A growable column of plain values for the row loops of the readers: `append` is a
/// capacity check and a store, where `Array.append` also checks uniqueness on every call.
/// Memory is prefaulted (`PrefaultedPages`) 256 KiB ahead of the values, so an estimated
/// capacity the column never reaches costs nothing.
final class ColumnBuilder<T>: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int
    /// Elements from `pointer` on that are prefaulted (≤ capacity): `append` checks this
    /// one bound and `extend` prefaults more or grows.
    private var ready = 0

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    @inline(__always)
    func append(_ value: T) {
        if count == ready { extend() }
        (pointer + count).initialize(to: value)
        count &+= 1
    }

    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: pointer, count: count) }

    /// Empties the column, keeping its memory for new values.
    func removeAll() { count = 0 }

    /// Frees the storage once the values have been copied out (the column is then empty).
    func release() {
        pointer.deallocate()
        pointer = .allocate(capacity: 1)
        count = 0
        capacity = 1
        ready = 0
    }

    private func extend() {
        if ready == capacity {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = bigger
            capacity *= 2
        }
        let step = max(1, PrefaultedPages.step / MemoryLayout<T>.stride)
        let more = min(step, capacity - ready)
        PrefaultedPages.populate(UnsafeMutableRawPointer(pointer + ready), bytes: more * MemoryLayout<T>.stride)
        ready += more
    }
}
