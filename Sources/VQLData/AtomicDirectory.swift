import Foundation

/// Writes a directory all-or-nothing: the contents go to a temporary sibling directory,
/// which is renamed onto the target only after `body` succeeds and every file in it and
/// the directory itself are fsynced (so a crash cannot leave a renamed directory with
/// unwritten files). On failure the temporary directory is removed and the target (if
/// any) is untouched.
public enum AtomicDirectory {
    public static func write(to path: String, overwrite: Bool, _ body: (String) throws -> Void) throws {
        var target = path
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let fm = FileManager.default
        let name = (target as NSString).lastPathComponent
        let parent = (target as NSString).deletingLastPathComponent
        if !parent.isEmpty && !fm.fileExists(atPath: parent) {
            try wrap(name) { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = target + ".tmp-\(pid)"
        try? fm.removeItem(atPath: temporary)
        try wrap(name) { try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false) }
        do {
            try body(temporary)
            try syncContents(of: temporary)
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw error
        }
        if fm.fileExists(atPath: target) {
            guard overwrite else {
                try? fm.removeItem(atPath: temporary)
                throw DataError(file: name, "already exists; not overwritten")
            }
            let old = target + ".old-\(pid)"
            try wrap(name) { try fm.moveItem(atPath: target, toPath: old) }
            try wrap(name) { try fm.moveItem(atPath: temporary, toPath: target) }
            try? fm.removeItem(atPath: old)
        } else {
            if rename(temporary, target) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(atPath: temporary)
                throw DataError(file: name, "cannot rename the finished directory into place (\(reason))")
            }
        }
    }

    /// fsyncs every regular file directly in `directory`, then the directory.
    static func syncContents(of directory: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        for name in names + ["."] {
            let fd = open((directory as NSString).appendingPathComponent(name), O_RDONLY)
            if fd < 0 { throw DataError(file: name, "cannot open to fsync (\(String(cString: strerror(errno))))") }
            defer { close(fd) }
            if fsync(fd) != 0 { throw DataError(file: name, "fsync failed (\(String(cString: strerror(errno))))") }
        }
    }

    private static func wrap(_ name: String, _ body: () throws -> Void) throws {
        do { try body() } catch let e as DataError { throw e } catch {
            throw DataError(file: name, "\(error.localizedDescription)")
        }
    }
}
