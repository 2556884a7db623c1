import Foundation
import VQLCore

/// SHA-256 of a byte stream computed on a second thread: `update` copies the bytes and
/// returns at once, `finish` waits for the digest. At most `maxInFlight` blocks wait at a
/// time (the reader blocks beyond that), so memory stays bounded when hashing is slower
/// than parsing. Hashing is about a third of a single-threaded prepare; this overlaps it
/// with parsing on a second core. Uses the system's libcrypto when present (`SystemSHA256`).
final class BackgroundHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "vql.sha256")
    private let slots: DispatchSemaphore
    private var state = SHA256()
    private let system = SystemSHA256()

    init(maxInFlight: Int = 4) { slots = DispatchSemaphore(value: maxInFlight) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        let copy = OwnedBytes(bytes)
        slots.wait()
        queue.async { [self] in
            let view = UnsafeRawBufferPointer(rebasing: copy.bytes[0..<copy.count])
            if let system { system.update(view) } else { state.update(view) }
            copy.bytes.deallocate()
            slots.signal()
        }
    }

    /// Waits for every queued block and returns the lower-case hex digest.
    func finish() -> String {
        queue.sync { SHA256.hex(system?.finalize() ?? state.finalize()) }
    }
}

/// A heap copy of some bytes handed from the reader to the hashing thread (which frees it).
private struct OwnedBytes: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    let count: Int
    init(_ source: UnsafeRawBufferPointer) {
        count = source.count
        bytes = .allocate(byteCount: max(source.count, 1), alignment: 16)
        if count > 0 { bytes.copyMemory(from: source) }
    }
}
