import CMPI

/// Broadcasts from one root rank: parameters at start-up or resume, serialized
/// configuration and checkpoint metadata as bytes.
extension World {
    /// Copies `count` floats from `root` into `p` on every other rank (chunked).
    /// `count` must be equal on all ranks.
    public func broadcast(_ p: UnsafeMutablePointer<Float>, count: Int, root: Int) {
        broadcastElements(p, count: count, root: root)
    }

    /// Replaces `bytes` on every rank with the root's bytes; non-root arrays are resized
    /// to the root's length (their previous length does not matter).
    public func broadcast(bytes: inout [UInt8], root: Int) {
        requireRoot(root, "MPI_Bcast")
        var length = Int64(bytes.count)
        broadcastElements(&length, count: 1, root: root)
        let n = Int(length)
        if rank != root {
            bytes = [UInt8](repeating: 0, count: n)
        }
        bytes.withUnsafeMutableBufferPointer { buf in
            if let base = buf.baseAddress { broadcastElements(base, count: n, root: root) }
        }
    }

    /// Chunked `MPI_Bcast`; only the root counts the bytes as sent.
    func broadcastElements<T: MPIElement>(_ p: UnsafeMutablePointer<T>, count: Int, root: Int) {
        requireRoot(root, "MPI_Bcast")
        let type = T.mpiDatatype
        Chunking.forEachChunk(count: count, limit: maxElementsPerCall) { offset, n in
            check(MPI_Bcast(p + offset, n, type, Int32(root), comm), "MPI_Bcast")
        }
        if rank == root { sent += count * MemoryLayout<T>.stride }
    }
}
