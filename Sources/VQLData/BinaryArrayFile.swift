#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibc

/// Raw little-endian arrays on disk: written in one go, read back by `mmap`.
///
/// The prepared dataset stores each column as a headerless file of fixed-width elements
/// (the manifest holds the counts), so training maps them and indexes them directly.
/// A write only starts the file's writeback; `AtomicDirectory` fsyncs the whole directory
/// before renaming it into place, so no writer thread sits waiting for the disk.
public enum BinaryArrayFile {
    /// Writes `count` elements at `values` to `path` (host order; vql runs on little-endian hosts).
    public static func write<T>(_ values: UnsafeBufferPointer<T>, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if fd < 0 { throw DataError(file: name, "cannot create file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        if let base = values.baseAddress {
            try writeAll(fd, UnsafeRawPointer(base), values.count * MemoryLayout<T>.stride, name)
        }
        _ = vql_start_writeback(fd)
    }

    /// Writes `value(0), value(1), …, value(count - 1)` to `path`, gathered into a buffer
    /// of 1 Mi elements at a time, so the array never exists whole in memory.
    public static func write<T>(count: Int, to path: String, _ value: (Int) -> T) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if fd < 0 { throw DataError(file: name, "cannot create file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var k = 0
        while k < count {
            let m = min(capacity, count - k)
            for i in 0..<m { (buffer + i).initialize(to: value(k + i)) }
            try writeAll(fd, UnsafeRawPointer(buffer), m * MemoryLayout<T>.stride, name)
            k += m
        }
        _ = vql_start_writeback(fd)
    }

    private static func writeAll(_ fd: Int32, _ start: UnsafeRawPointer, _ byteCount: Int, _ name: String) throws {
        var raw = start
        var left = byteCount
        while left > 0 {
            let n = Glibc.write(fd, raw, min(left, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(file: name, "write failed (\(String(cString: strerror(errno))))")
            }
            raw += n
            left -= n
        }
    }

    public static func write<T>(_ values: [T], to path: String) throws {
        try values.withUnsafeBufferPointer { try write($0, to: path) }
    }
}

/// A read-only memory mapping of a whole file; unmapped when released.
public final class MappedFile: @unchecked Sendable {
    public let byteCount: Int
    public let base: UnsafeRawPointer
    private let mapped: Bool

    /// Maps `path`; `name` is used in errors. An empty file maps to a valid empty region.
    public init(path: String, name: String) throws {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw DataError(file: name, "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw DataError(file: name, "cannot stat (\(String(cString: strerror(errno))))") }
        byteCount = Int(st.st_size)
        if byteCount == 0 {
            base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8))
            mapped = false
            return
        }
        guard let p = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw DataError(file: name, "mmap failed (\(String(cString: strerror(errno))))")
        }
        base = UnsafeRawPointer(p)
        mapped = true
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), byteCount) } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    public func pointer<T>(as: T.Type) -> UnsafePointer<T> { base.assumingMemoryBound(to: T.self) }
}
