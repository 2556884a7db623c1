import Foundation
import VQLCore

/// SHA-256 of a byte stream computed on a second thread: `update` copies the bytes and
/// returns at once, `finish` waits for the digest. At most `maxInFlight` blocks wait at a
/// time (the reader blocks beyond that), so memory stays bounded when hashing is slower
/// than parsing. Hashing is about a third of a single-threaded prepare; this overlaps it
/// with parsing on a second core (`FastSHA256`: the system libcrypto when present).
final class BackgroundHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "vql.sha256")
    private let slots: DispatchSemaphore
    private var state = FastSHA256()
    /// Reused copy buffers (at most `maxInFlight` + 1 exist): fresh 4 MiB allocations per
    /// block would cost a page fault per 4 KiB page.
    private var pool: [Buffer] = []
    private let poolLock = NSLock()

    init(maxInFlight: Int = 4) { slots = DispatchSemaphore(value: maxInFlight) }

    deinit { for b in pool { b.bytes.deallocate() } }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        slots.wait()
        poolLock.lock()
        var buffer = pool.popLast()
        poolLock.unlock()
        if let b = buffer, b.bytes.count < bytes.count { b.bytes.deallocate(); buffer = nil }
        let copy = buffer ?? Buffer(bytes: .allocate(byteCount: bytes.count, alignment: 16), count: 0)
        copy.bytes.copyMemory(from: bytes)
        let filled = Buffer(bytes: copy.bytes, count: bytes.count)
        queue.async { [self] in
            let view = UnsafeRawBufferPointer(rebasing: filled.bytes[0..<filled.count])
            state.update(view)
            poolLock.lock()
            pool.append(filled)
            poolLock.unlock()
            slots.signal()
        }
    }

    /// Waits for every queued block and returns the lower-case hex digest.
    func finish() -> String {
        queue.sync { state.hexDigest() }
    }
}

/// A copy buffer handed from the reader to the hashing thread and back.
private struct Buffer: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    let count: Int
}
