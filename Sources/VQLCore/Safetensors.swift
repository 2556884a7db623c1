import Foundation

#if _endian(big)
#error("safetensors data is little-endian; vql reads and writes it as host memory")
#endif

/// A file in the safetensors format (https://github.com/huggingface/safetensors), readable
/// by Python's `safetensors`/numpy/PyTorch without vql:
///
///     [u64 little-endian N][N bytes of UTF-8 JSON header, space-padded][raw tensor data]
///
/// The header maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
/// (offsets relative to the start of the data section; end − begin = ∏shape · sizeof(dtype))
/// plus an optional `"__metadata__"` object of string → string. Data are little-endian,
/// row-major. The reader memory-maps the file and validates the whole header up front,
/// so a later `floats(_:)` only fails for an unknown name or a wrong dtype.
public struct SafetensorsFile: Sendable {
    /// Element types vql stores.
    public enum Dtype: String, Sendable, CaseIterable {
        case f32 = "F32", i32 = "I32", i64 = "I64", u8 = "U8"
        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f32, .i32: return 4
            case .i64: return 8
            case .u8: return 1
            }
        }
    }

    struct Entry: Sendable {
        let dtype: Dtype
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    public let path: String
    /// Tensor names in data-offset (file) order.
    public let names: [String]
    public let metadata: [String: String]
    let entries: [String: Entry]
    let data: Data
    let dataStart: Int

    /// Largest header accepted (the reference implementation's limit).
    static let maxHeaderLength = 100_000_000

    // MARK: Reading

    /// Maps `path` and validates: header length within the file, header is a JSON object,
    /// every tensor has a known dtype, a shape of non-negative ints, offsets inside the data
    /// section whose span equals ∏shape · sizeof(dtype), and no two tensors overlap.
    public init(path: String) throws {
        self.path = path
        func fail(_ message: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(path: path, tensor: tensor, message: message)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw fail("cannot read file (\(error.localizedDescription))")
        }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n >= 2, n <= UInt64(SafetensorsFile.maxHeaderLength) else {
            throw fail("bad header length \(n) (file is \(data.count) bytes)")
        }
        guard 8 + Int(n) <= data.count else {
            throw fail("header length \(n) exceeds the file (\(data.count) bytes): truncated or not safetensors")
        }
        let headerLength = Int(n)
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + headerLength))
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = object as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataSize = data.count - 8 - headerLength

        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        for (name, value) in header.sorted(by: { $0.key < $1.key }) {  // deterministic errors
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in dict {
                    guard let s = v as? String else { throw fail("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail("entry is not an object", tensor: name) }
            guard let dtypeName = info["dtype"] as? String else { throw fail("missing dtype", tensor: name) }
            guard let dtype = Dtype(rawValue: dtypeName) else {
                throw fail("unsupported dtype \(dtypeName) (supported: \(Dtype.allCases.map(\.rawValue).joined(separator: ", ")))", tensor: name)
            }
            guard let shapeArray = info["shape"] as? [Any] else { throw fail("missing shape", tensor: name) }
            var shape: [Int] = []
            for d in shapeArray {
                guard let v = SafetensorsFile.integer(d), v >= 0 else { throw fail("shape \(shapeArray) has a non-integer or negative dimension", tensor: name) }
                shape.append(v)
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = SafetensorsFile.integer(offsets[0]), let end = SafetensorsFile.integer(offsets[1]),
                  begin >= 0, begin <= end else {
                throw fail("data_offsets must be [begin, end] with 0 ≤ begin ≤ end", tensor: name)
            }
            guard end <= dataSize else {
                throw fail("data_offsets [\(begin), \(end)] exceed the \(dataSize)-byte data section (file truncated?)", tensor: name)
            }
            guard let bytes = SafetensorsFile.byteCount(shape: shape, dtype: dtype) else {
                throw fail("shape \(shape) is too large", tensor: name)
            }
            guard end - begin == bytes else {
                throw fail("data_offsets [\(begin), \(end)] span \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(bytes)", tensor: name)
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: begin, end: end)
        }
        let ordered = entries.sorted { ($0.value.begin, $0.value.end, $0.key) < ($1.value.begin, $1.value.end, $1.key) }
        var previous: (name: String, end: Int)? = nil
        for (name, e) in ordered where e.end > e.begin {
            if let p = previous, e.begin < p.end {
                throw fail("data_offsets [\(e.begin), \(e.end)] overlap tensor '\(p.name)' (ends at \(p.end))", tensor: name)
            }
            previous = (name, e.end)
        }
        self.names = ordered.map(\.key)
        self.entries = entries
        self.metadata = metadata
        self.data = data
        self.dataStart = 8 + headerLength
    }

    private func entry(_ name: String) throws -> Entry {
        guard let e = entries[name] else {
            throw SafetensorsError(path: path, tensor: name, message: "no such tensor (have: \(names.joined(separator: ", ")))")
        }
        return e
    }

    public func shape(_ name: String) throws -> [Int] { try entry(name).shape }
    public func dtype(_ name: String) throws -> Dtype { try entry(name).dtype }

    /// The raw little-endian bytes of `name`, without copying.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let e = try entry(name)
        return try data.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[(dataStart + e.begin)..<(dataStart + e.end)]))
        }
    }

    public func floats(_ name: String) throws -> [Float] { try values(name, .f32, as: Float.self) }
    public func int32s(_ name: String) throws -> [Int32] { try values(name, .i32, as: Int32.self) }
    public func int64s(_ name: String) throws -> [Int64] { try values(name, .i64, as: Int64.self) }
    public func uint8s(_ name: String) throws -> [UInt8] { try values(name, .u8, as: UInt8.self) }

    private func values<T>(_ name: String, _ dtype: Dtype, as: T.Type) throws -> [T] {
        let e = try entry(name)
        guard e.dtype == dtype else {
            throw SafetensorsError(path: path, tensor: name, message: "has dtype \(e.dtype.rawValue), read as \(dtype.rawValue)")
        }
        let count = (e.end - e.begin) / dtype.size
        return try withRawBytes(name) { raw in
            [T](unsafeUninitializedCapacity: count) { buf, initialized in
                if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
                initialized = count
            }
        }
    }

    /// A JSON number that is an exact integer. (Foundation on Linux bridges every NSNumber,
    /// including 0 and 1, to Bool, so booleans cannot be told apart here.)
    static func integer(_ any: Any) -> Int? {
        if let i = any as? Int { return i }
        if let d = any as? Double, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        return nil
    }

    /// ∏shape · size, nil on overflow.
    static func byteCount(shape: [Int], dtype: Dtype) -> Int? {
        var n = dtype.size
        for d in shape {
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = m
        }
        return n
    }
}

/// A safetensors problem, naming the file and (when one applies) the tensor.
public struct SafetensorsError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let tensor: String?
    public let message: String

    public init(path: String, tensor: String?, message: String) {
        self.path = path
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        tensor.map { "\(path): tensor '\($0)': \(message)" } ?? "\(path): \(message)"
    }
}
