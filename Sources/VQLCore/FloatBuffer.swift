/// A contiguous, owned buffer of `Float32`, 64-byte aligned, zero-initialised.
///
/// Every tensor in vql lives in one of these (or in a view into one). Hot loops take
/// `pointer` once and index it directly: no per-element allocation, no bounds checks.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        pointer = Self.allocate(max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// `count` uninitialised floats, 64-byte aligned (the alignment of every float buffer
    /// here: rows of 8-lane multiples then never straddle cache lines).
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer copy: size mismatch \(other.count) vs \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}

/// A growable scratch buffer reused across steps: `reserve` only reallocates when the
/// requested size exceeds what it already holds, so steady-state steps allocate nothing.
/// 64-byte aligned like `FloatBuffer`: rows of 8-lane multiples then never straddle cache
/// lines (malloc's 16-byte alignment split every other 8-lane access of attention's rows).
public final class ScratchBuffer: @unchecked Sendable {
    public private(set) var capacity = 0
    public private(set) var pointer: UnsafeMutablePointer<Float>

    public init() { pointer = FloatBuffer.allocate(1) }
    deinit { pointer.deallocate() }

    /// Returns a pointer to at least `count` floats; contents are unspecified unless `zeroed`.
    @discardableResult
    public func reserve(_ count: Int, zeroed: Bool = false) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity * 3 / 2)
            pointer = FloatBuffer.allocate(capacity)
        }
        if zeroed { pointer.update(repeating: 0, count: count) }
        return pointer
    }

    /// Ensures room for `count` floats, keeping the first `preserving` of them (growth by
    /// doubling, so appending row by row costs amortised O(1)).
    public func grow(to count: Int, preserving kept: Int) {
        guard count > capacity else { return }
        let old = pointer
        capacity = max(count, capacity * 2)
        pointer = FloatBuffer.allocate(capacity)
        pointer.update(from: old, count: kept)
        old.deallocate()
    }
}
