#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VQLCore

/// Checksum (`XXH64`) and size of whole source files, each computed on a background thread
/// from the moment it is requested until `resolve` needs it. A prepare that parses a big
/// file in parallel byte ranges cannot feed one hasher in order, so the file is read a
/// second time (from the page cache) by its own task, which also overlaps the hashing with
/// the sort and write phases instead of the parse.
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
            #if os(Linux)
            // On Linux, PRIO_PROCESS with who = 0 sets the calling thread's nice value only
            // (elsewhere it would renice the whole process, so it is left out).
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
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
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(DataError(file: name, "cannot stat (\(String(cString: strerror(errno))))")) }
        let size = Int64(st.st_size)
        var hash = XXH64()
        // The page cache is hashed in place through 8 MiB mappings (no copy into a buffer);
        // each is unmapped before the next, so at most one window counts as resident.
        let window: Int64 = 8 << 20
        var offset: Int64 = 0
        while offset < size {
            let length = Int(min(window, size - offset))
            #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE  // fault the window in with one call
            #else
            let flags = MAP_PRIVATE
            #endif
            guard let p = mmap(nil, length, PROT_READ, flags, fd, off_t(offset)), p != MAP_FAILED else {
                return .failure(DataError(file: name, "mmap failed (\(String(cString: strerror(errno))))"))
            }
            hash.update(UnsafeRawBufferPointer(start: p, count: length))
            munmap(p, length)
            offset += Int64(length)
        }
        return .success(.init(name: name, bytes: size, checksum: DatasetManifest.SourceFile.checksum(hash)))
    }
}
