import CMPI
import Foundation

/// The MPI world of this process: rank, size, and the collectives vql uses.
///
/// Every raw MPI call in vql lives in this module; the rest of the code sees this typed
/// API. Running without `mpirun` gives a singleton world (rank 0 of 1) through the same
/// code path. MPI is initialised with `MPI_THREAD_FUNNELED`: only the thread that called
/// `initialize()` may call collectives (worker threads may compute, not communicate).
///
/// Error policy: `MPI_ERRORS_RETURN` is set on `MPI_COMM_WORLD` so that an MPI failure
/// comes back as a code instead of Open MPI's default abort without context. A
/// collective that fails cannot be recovered (the other ranks are inside the same call),
/// so every failure is turned into `abort(...)` naming the call: the job ends, it never
/// hangs.
///
/// `@unchecked Sendable`: the mutable state (`bytesSent`, `maxElementsPerCall`, the
/// reduce-scatter scratch) is only touched from the communicating thread, which FUNNELED
/// already requires.
public final class World: @unchecked Sendable {
    /// This process's index in `0..<size`.
    public let rank: Int
    /// Number of processes in the job.
    public let size: Int
    /// Rank 0 alone writes logs, metrics and checkpoints.
    public var isRoot: Bool { rank == 0 }

    /// Bytes this process has passed to collectives as its own contribution so far: the
    /// whole buffer for reductions and gathers (plus their 8-byte count exchange), the
    /// buffer on the root only for broadcasts, nothing for barriers. Algorithm-internal
    /// traffic (tree/ring forwarding) is not visible to us and not counted.
    public var bytesSent: Int { sent }

    /// Largest element count passed to a single MPI call; longer buffers are chunked
    /// (see `Chunking`, `GatherPlan`). `Int32.max` by default. Lower it only to exercise
    /// the chunked paths (tests, `vql debug collectives --max-chunk`). Must be equal on
    /// all ranks.
    public var maxElementsPerCall: Int = Int(Int32.max) {
        didSet {
            precondition(maxElementsPerCall >= 1 && maxElementsPerCall <= Int(Int32.max),
                         "maxElementsPerCall must be in 1...Int32.max")
        }
    }

    let comm: MPI_Comm
    var sent = 0
    /// `reduceScatterSum`'s receive blocks, kept between calls: a fresh megabyte-sized
    /// buffer every step would be page-faulted in anew each time.
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCapacity = 0
    private var finalized = false

    private init(rank: Int, size: Int, comm: MPI_Comm) {
        self.rank = rank
        self.size = size
        self.comm = comm
    }

    deinit { scratch?.deallocate() }

    /// A buffer of at least `count` floats, reused by later calls (contents undefined).
    func reduceScatterScratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > scratchCapacity || scratch == nil {
            scratch?.deallocate()
            scratchCapacity = max(count, 1)
            scratch = .allocate(capacity: scratchCapacity)
        }
        return scratch!
    }

    // MARK: - Process-wide lifecycle (MPI can be initialised once per process)

    private enum Lifecycle { case fresh, running(World), finalized }
    private static let lock = NSLock()
    nonisolated(unsafe) private static var lifecycle = Lifecycle.fresh

    /// Initialises MPI (once per process) and returns the world. Calling it again
    /// returns the same world. Throws `WorldError.misconfiguredLaunch` when the
    /// environment announces several ranks but MPI started a singleton (see
    /// `LaunchCheck`), and `WorldError.mpi` if MPI cannot start or was already finalised.
    public static func initialize() throws -> World {
        lock.lock()
        defer { lock.unlock() }
        switch lifecycle {
        case .running(let world): return world
        case .finalized:
            throw WorldError.mpi(call: "MPI_Init_thread", code: -1,
                                 message: "MPI was already finalized in this process and cannot be initialized again")
        case .fresh: break
        }
        var provided: Int32 = 0
        var rc = MPI_Init_thread(nil, nil, vql_mpi_thread_funneled(), &provided)
        guard rc == vql_mpi_success() else {
            throw WorldError.mpi(call: "MPI_Init_thread", code: rc, message: errorString(rc))
        }
        guard provided >= vql_mpi_thread_funneled() else {
            throw WorldError.mpi(call: "MPI_Init_thread", code: provided,
                                 message: "MPI provides thread level \(provided), vql needs MPI_THREAD_FUNNELED")
        }
        let comm = vql_mpi_comm_world()!
        rc = MPI_Comm_set_errhandler(comm, vql_mpi_errors_return())
        guard rc == vql_mpi_success() else {
            throw WorldError.mpi(call: "MPI_Comm_set_errhandler", code: rc, message: errorString(rc))
        }
        var r: Int32 = 0, n: Int32 = 0
        rc = MPI_Comm_rank(comm, &r)
        if rc == vql_mpi_success() { rc = MPI_Comm_size(comm, &n) }
        guard rc == vql_mpi_success() else {
            throw WorldError.mpi(call: "MPI_Comm_rank/size", code: rc, message: errorString(rc))
        }
        if let problem = LaunchCheck.problem(environment: ProcessInfo.processInfo.environment, mpiSize: Int(n)) {
            // A singleton: nobody else is waiting, so finishing MPI cleanly is safe.
            MPI_Finalize()
            lifecycle = .finalized
            throw WorldError.misconfiguredLaunch(problem)
        }
        let world = World(rank: Int(r), size: Int(n), comm: comm)
        lifecycle = .running(world)
        return world
    }

    /// Ends MPI for this process (`MPI_Finalize`). Every rank must call it, after its last
    /// collective. Idempotent; the world must not be used afterwards.
    public func finalize() {
        World.lock.lock()
        defer { World.lock.unlock() }
        guard !finalized else { return }
        finalized = true
        World.lifecycle = .finalized
        let rc = MPI_Finalize()
        if rc != vql_mpi_success() {
            World.writeStderr("vql: rank \(rank)/\(size): MPI_Finalize failed: \(World.errorString(rc))\n")
        }
    }

    // MARK: - Failure

    /// Prints "vql: rank R/N: message" to stderr and ends the whole job with
    /// `MPI_Abort(MPI_COMM_WORLD, code)`: the launcher kills the other ranks, even those
    /// blocked in a collective. Never returns.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        fflush(nil)   // what was printed before the failure stays before its message
        World.writeStderr("vql: rank \(rank)/\(size): \(message)\n")
        if !finalized {
            MPI_Abort(comm, code)
        }
        exit(code)
    }

    /// Turns a failed MPI return code into `abort` naming the call.
    @inline(__always)
    func check(_ rc: Int32, _ call: StaticString) {
        if rc != vql_mpi_success() { fail(rc, call) }
    }

    private func fail(_ rc: Int32, _ call: StaticString) -> Never {
        abort("\(call) failed (MPI error \(rc)): \(World.errorString(rc))")
    }

    /// Validates a root rank argument; a bad root is a programming error that would
    /// otherwise surface as an opaque MPI error or a hang.
    func requireRoot(_ root: Int, _ call: StaticString) {
        if root < 0 || root >= size { abort("\(call): root \(root) outside 0..<\(size)") }
    }

    // MARK: - Helpers

    static func errorString(_ rc: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(vql_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(rc, &buffer, &length) == vql_mpi_success() else { return "unknown MPI error" }
        let bytes = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes straight to fd 2 (unbuffered, safe right before MPI_Abort kills us).
    static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
