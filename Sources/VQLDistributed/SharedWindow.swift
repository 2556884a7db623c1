import CMPI

/// Memory that every rank of a world on one machine reads in place: an MPI-3 shared-memory
/// window (`MPI_Win_allocate_shared`) with one segment per rank, all of the same capacity.
/// A rank writes only its own segment and reads the others' after `synchronize()`, so a
/// gather or a reduce-scatter costs the readers' loads and no copy into a receive buffer.
///
/// The window stays in one passive-target epoch (`MPI_Win_lock_all`) while it lives;
/// `synchronize()` is MPI-3's idiom for ordering plain loads and stores between ranks:
/// `MPI_Win_sync`, `MPI_Barrier`, `MPI_Win_sync`.
public final class SharedWindow {
    public let world: World
    /// Floats per rank's segment.
    public private(set) var capacity = 0
    private var window: MPI_Win?
    private var bases: [UnsafeMutablePointer<Float>] = []

    /// For a world whose ranks all run on this machine (`World.sharesOneMachine()`); the
    /// first `reserve` allocates.
    public init(world: World) { self.world = world }

    /// Collective, with the same `count` on every rank: afterwards every segment holds at
    /// least `count` floats. Growing replaces the window (by 1.5× at least, so a slowly
    /// growing need does not reallocate every call); contents are not kept.
    public func reserve(_ count: Int) {
        guard count > capacity else { return }
        if window != nil {
            world.check(MPI_Win_unlock_all(window), "MPI_Win_unlock_all")
            world.check(MPI_Win_free(&window), "MPI_Win_free")
        }
        // Whole pages per segment, placed back to back by MPI, so every segment starts at the
        // same offset within a page; that offset is not 0 (OpenMPI 4.1 keeps its own data first:
        // 264 bytes at two ranks here), so each segment's floats start at the next cache line,
        // or 8-lane loads and stores at multiples of 32 bytes would straddle lines.
        let floats = (max(count, capacity * 3 / 2) + Self.lineFloats + Self.pageFloats - 1) / Self.pageFloats * Self.pageFloats
        var base: UnsafeMutableRawPointer?
        var win: MPI_Win?
        world.check(MPI_Win_allocate_shared(MPI_Aint(floats * MemoryLayout<Float>.stride), Int32(MemoryLayout<Float>.stride),
                                            vql_mpi_info_null(), world.comm, &base, &win), "MPI_Win_allocate_shared")
        bases = (0..<world.size).map { r in
            var bytes: MPI_Aint = 0, unit: Int32 = 0
            var segment: UnsafeMutableRawPointer?
            world.check(MPI_Win_shared_query(win, Int32(r), &bytes, &unit, &segment), "MPI_Win_shared_query")
            return Self.lineAligned(segment!).assumingMemoryBound(to: Float.self)
        }
        world.check(MPI_Win_lock_all(vql_mpi_mode_nocheck(), win), "MPI_Win_lock_all")
        window = win
        capacity = floats - Self.lineFloats
    }

    static let lineBytes = 64, lineFloats = lineBytes / MemoryLayout<Float>.stride
    static let pageFloats = 4096 / MemoryLayout<Float>.stride

    /// `p` moved forward to the next multiple of `lineBytes` (by less than a line).
    static func lineAligned(_ p: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        p + (lineBytes - Int(bitPattern: p) % lineBytes) % lineBytes
    }

    /// This rank's segment (valid until the next growing `reserve`).
    public var own: UnsafeMutablePointer<Float> { bases[world.rank] }

    /// Rank `r`'s segment, to read after `synchronize()`.
    public func segment(of r: Int) -> UnsafePointer<Float> { UnsafePointer(bases[r]) }

    /// Collective: every rank's writes before it are visible to every rank after it.
    public func synchronize() {
        guard let window else { world.barrier(); return }
        world.check(MPI_Win_sync(window), "MPI_Win_sync")
        world.barrier()
        world.check(MPI_Win_sync(window), "MPI_Win_sync")
    }
}

extension World {
    /// Collective: whether every rank runs on this machine, so that they can share memory.
    public func sharesOneMachine() -> Bool {
        var node: MPI_Comm? = vql_mpi_comm_null()
        check(MPI_Comm_split_type(comm, vql_mpi_comm_type_shared(), Int32(rank), vql_mpi_info_null(), &node), "MPI_Comm_split_type")
        var n: Int32 = 0
        check(MPI_Comm_size(node, &n), "MPI_Comm_size")
        check(MPI_Comm_free(&node), "MPI_Comm_free")
        return Int(n) == size
    }
}
