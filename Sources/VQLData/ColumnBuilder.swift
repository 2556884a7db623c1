/// A growable column of plain values for the row loops of the readers: `append` is a
/// capacity check and a store, where `Array.append` also checks uniqueness on every call.
/// Big columns are prefaulted (`PrefaultedPages`).
final class ColumnBuilder<T>: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<T>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        pointer = PrefaultedPages.allocate(T.self, capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    @inline(__always)
    func append(_ value: T) {
        if count == capacity { grow() }
        (pointer + count).initialize(to: value)
        count &+= 1
    }

    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: pointer, count: count) }

    /// Frees the storage once the values have been copied out (the column is then empty).
    func release() {
        pointer.deallocate()
        pointer = .allocate(capacity: 1)
        count = 0
        capacity = 1
    }

    private func grow() {
        let bigger = PrefaultedPages.allocate(T.self, capacity: capacity * 2)
        bigger.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = bigger
        capacity *= 2
    }
}
