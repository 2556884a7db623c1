import Foundation

extension SafetensorsFile {
    /// An owned tensor for `write(path:tensors:metadata:)` when copying is acceptable.
    public struct Tensor: Sendable {
        public var name: String
        public var dtype: Dtype
        public var shape: [Int]
        public var bytes: [UInt8]

        public static func float(_ name: String, shape: [Int], _ v: [Float]) -> Tensor { .init(name, .f32, shape, v) }
        public static func int32(_ name: String, shape: [Int], _ v: [Int32]) -> Tensor { .init(name, .i32, shape, v) }
        public static func int64(_ name: String, shape: [Int], _ v: [Int64]) -> Tensor { .init(name, .i64, shape, v) }
        public static func uint8(_ name: String, shape: [Int], _ v: [UInt8]) -> Tensor { .init(name, .u8, shape, v) }

        init<T>(_ name: String, _ dtype: Dtype, _ shape: [Int], _ values: [T]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = values.withUnsafeBytes { Array($0) }
        }
    }

    /// Writes owned tensors; see the raw-buffer overload.
    public static func write(path: String, tensors: [Tensor], metadata: [String: String]) throws {
        func go(_ i: Int, _ acc: [(name: String, dtype: Dtype, shape: [Int], bytes: UnsafeRawBufferPointer)]) throws {
            if i == tensors.count { return try write(path: path, tensors: acc, metadata: metadata) }
            try tensors[i].bytes.withUnsafeBytes { raw in
                try go(i + 1, acc + [(tensors[i].name, tensors[i].dtype, tensors[i].shape, raw)])
            }
        }
        try go(0, [])
    }

    /// Writes `tensors` (in the given order, contiguous, no gaps) and `metadata` to `path`
    /// atomically: everything goes to `path.tmp.<pid>` in the same directory, which is
    /// fsynced and renamed over `path`, and the directory is fsynced, so readers see the
    /// old file or the complete new one, never a partial write. Each `bytes` must hold
    /// exactly ∏shape · sizeof(dtype) bytes of little-endian data; it is written directly,
    /// without copying.
    public static func write(path: String, tensors: [(name: String, dtype: Dtype, shape: [Int], bytes: UnsafeRawBufferPointer)],
                             metadata: [String: String]) throws {
        func fail(_ message: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(path: path, tensor: tensor, message: message)
        }
        var seen = Set<String>()
        var header = "{"
        var fieldsWritten = 0
        if !metadata.isEmpty {
            header += jsonString("__metadata__") + ":{" + metadata.keys.sorted()
                .map { jsonString($0) + ":" + jsonString(metadata[$0]!) }.joined(separator: ",") + "}"
            fieldsWritten += 1
        }
        var offset = 0
        for t in tensors {
            guard !t.name.isEmpty, t.name != "__metadata__" else { throw fail("invalid tensor name", tensor: t.name) }
            guard seen.insert(t.name).inserted else { throw fail("duplicate tensor name", tensor: t.name) }
            guard t.shape.allSatisfy({ $0 >= 0 }), let expected = byteCount(shape: t.shape, dtype: t.dtype) else {
                throw fail("invalid shape \(t.shape)", tensor: t.name)
            }
            guard t.bytes.count == expected else {
                throw fail("has \(t.bytes.count) bytes but shape \(t.shape) of \(t.dtype.rawValue) needs \(expected)", tensor: t.name)
            }
            if fieldsWritten > 0 { header += "," }
            header += jsonString(t.name) + ":{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":["
                + t.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(offset + expected)]}"
            fieldsWritten += 1
            offset += expected
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var prefix = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        prefix += headerBytes

        let tmp = path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { close(fd); unlink(tmp) }
        }
        func writeAll(_ raw: UnsafeRawBufferPointer) throws {
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw fail("write failed: \(String(cString: strerror(errno)))")
                }
                off += n
            }
        }
        try prefix.withUnsafeBytes { try writeAll($0) }
        for t in tensors where t.bytes.count > 0 { try writeAll(t.bytes) }
        guard fsync(fd) == 0 else { throw fail("fsync failed: \(String(cString: strerror(errno)))") }
        ok = true
        guard close(fd) == 0 else { unlink(tmp); throw fail("close failed: \(String(cString: strerror(errno)))") }
        guard rename(tmp, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(tmp)
            throw fail("rename from \(tmp) failed: \(message)")
        }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}
