extension UnsafeBufferPointer {
    /// The base address, or a non-null, never-dereferenced address when the buffer is empty,
    /// so kernels can take plain pointers and loop zero times.
    @inlinable public var base: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }
}

extension UnsafeMutableBufferPointer {
    /// See `UnsafeBufferPointer.base`.
    @inlinable public var base: UnsafeMutablePointer<Element> {
        baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }
}
