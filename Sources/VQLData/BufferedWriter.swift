#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file writer with a 1 MiB buffer and integer formatting straight into bytes,
/// so generating millions of CSV rows builds no `String`s.
public final class BufferedWriter {
    public let fileName: String
    private let fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 20
    private var count = 0

    public init(path: String) throws {
        fileName = path.split(separator: "/").last.map(String.init) ?? path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw DataError(file: fileName, "cannot create file (\(String(cString: strerror(errno))))") }
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    @inline(__always)
    public func byte(_ b: UInt8) throws {
        if count == capacity { try flush() }
        buffer[count] = b
        count += 1
    }

    public func ascii(_ s: String) throws {
        for b in s.utf8 { try byte(b) }
    }

    /// Writes `v` in decimal.
    public func int(_ v: Int64) throws {
        if count + 21 > capacity { try flush() }
        var x = v.magnitude
        if v < 0 { buffer[count] = 0x2D; count += 1 }
        let n = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp -> Int in
            var n = 0
            repeat { tmp[n] = UInt8(48 + x % 10); x /= 10; n += 1 } while x > 0
            for k in 0..<n { buffer[count + k] = tmp[n - 1 - k] }
            return n
        }
        count += n
    }

    /// Writes `v` in decimal followed by a comma.
    @inline(__always)
    public func field(_ v: Int64) throws {
        try int(v)
        try byte(0x2C)
    }

    public func int(_ v: Int) throws { try int(Int64(v)) }

    /// Writes `v` with one decimal (e.g. `12345.0`).
    public func fixed1(_ v: Double) throws {
        let tenths = Int64((v * 10).rounded())
        try int(tenths / 10)
        try byte(0x2E)
        try byte(UInt8(48 + abs(tenths % 10)))
    }

    public func flush() throws {
        var p = 0
        while p < count {
            let n = write(fd, buffer + p, count - p)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(file: fileName, "write failed (\(String(cString: strerror(errno))))")
            }
            p += n
        }
        count = 0
    }
}
