#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VQLCore

/// SHA-256 from the system's OpenSSL `libcrypto` when it can be loaded at run time (it uses
/// the CPU's SHA extensions: ~800 MB/s here against ~150 MB/s for the portable Swift
/// `VQLCore.SHA256`), else nil and callers use `VQLCore.SHA256`. Nothing links against
/// libcrypto: it is opened with `dlopen`, so vql builds and runs without it.
final class SystemSHA256 {
    private typealias InitFn = @convention(c) (UnsafeMutableRawPointer) -> Int32
    private typealias UpdateFn = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer, Int) -> Int32
    private typealias FinalFn = @convention(c) (UnsafeMutablePointer<UInt8>, UnsafeMutableRawPointer) -> Int32

    private struct Functions: @unchecked Sendable {
        let initialize: InitFn
        let update: UpdateFn
        let final: FinalFn
    }

    private static let functions: Functions? = {
        if getenv("VQL_PORTABLE_SHA256") != nil { return nil }
        for name in ["libcrypto.so.3", "libcrypto.so"] {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let i = dlsym(h, "SHA256_Init"), let u = dlsym(h, "SHA256_Update"), let f = dlsym(h, "SHA256_Final") else { continue }
            return Functions(initialize: unsafeBitCast(i, to: InitFn.self), update: unsafeBitCast(u, to: UpdateFn.self),
                             final: unsafeBitCast(f, to: FinalFn.self))
        }
        return nil
    }()

    private let fns: Functions
    /// SHA256_CTX is 112 bytes in OpenSSL 1.1 and 3.x; 256 leaves room.
    private let context = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)

    init?() {
        guard let f = Self.functions else { return nil }
        fns = f
        if fns.initialize(context) != 1 { context.deallocate(); return nil }
    }

    deinit { context.deallocate() }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = fns.update(context, base, bytes.count)
    }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { _ = fns.final($0.baseAddress!, context) }
        return out
    }
}

/// SHA-256 through the system libcrypto when it loads (the CPU's SHA extensions), else the
/// portable `VQLCore.SHA256`; same digests either way. One streaming state for every caller
/// that hashes checkpoints, models and caches of hundreds of MB.
public struct FastSHA256 {
    private let system = SystemSHA256()
    private var portable = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if let system { system.update(bytes) } else { portable.update(bytes) }
    }

    /// The lower-case hex digest of everything passed to `update`.
    public mutating func hexDigest() -> String {
        SHA256.hex(system?.finalize() ?? portable.finalize())
    }

    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var h = FastSHA256()
        h.update(bytes)
        return h.hexDigest()
    }

    /// Hex SHA-256 of the file at `path` (read through a memory map), nil if unreadable.
    public static func file(path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return data.withUnsafeBytes { hex($0) }
    }
}
