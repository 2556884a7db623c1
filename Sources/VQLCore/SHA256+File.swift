import Foundation

extension SHA256 {
    /// Hex SHA-256 of the file at `path`, read in 4 MiB blocks; nil if it cannot be read.
    public static func fileHexDigest(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            // nil or empty data both mean end of file
            while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty {
                block.withUnsafeBytes { hasher.update($0) }
            }
        } catch { return nil }
        return hex(hasher.finalize())
    }
}
