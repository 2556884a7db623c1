#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VQLCore

/// SHA-256 and size of whole source files, each computed on a background thread from the
/// moment it is requested until `resolve` needs it. A prepare that parses a big file in
/// parallel byte ranges cannot feed one hasher in order, so the file is read a second time
/// (from the page cache) by its own task, which also overlaps the hashing with the sort and
/// write phases instead of the parse.
public final class FileDigests: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var done: [String: Result<DatasetManifest.SourceFile, DataError>] = [:]

    public init() {}

    /// Starts hashing `path` on a thread of its own at low priority (nice 10), so it takes
    /// the cores the parse leaves idle; its manifest entry is named `name`.
    public func start(path: String, name: String) {
        group.enter()
        let thread = Thread { [self] in
            // On Linux, PRIO_PROCESS with who = 0 sets the calling thread's nice value only.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            let r = Self.digest(path: path, name: name)
            lock.lock()
            done[name] = r
            lock.unlock()
            group.leave()
        }
        thread.start()
    }

    /// `sources` with the size and checksum of every file hashed here filled in (waits for them).
    public func resolve(_ sources: [DatasetManifest.SourceFile]) throws -> [DatasetManifest.SourceFile] {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return try sources.map { s in try done[s.name]?.get() ?? s }
    }

    static func digest(path: String, name: String) -> Result<DatasetManifest.SourceFile, DataError> {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return .failure(DataError(file: name, "cannot open file (\(String(cString: strerror(errno))))")) }
        defer { close(fd) }
        let capacity = 4 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { block.deallocate() }
        let system = SystemSHA256()
        var portable = SHA256()
        var bytes: Int64 = 0
        while true {
            let n = read(fd, block, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(DataError(file: name, "read failed (\(String(cString: strerror(errno))))"))
            }
            if n == 0 { break }
            let view = UnsafeRawBufferPointer(start: block, count: n)
            if let system { system.update(view) } else { portable.update(view) }
            bytes += Int64(n)
        }
        let hex = SHA256.hex(system?.finalize() ?? portable.finalize())
        return .success(.init(name: name, bytes: bytes, sha256: hex))
    }
}
