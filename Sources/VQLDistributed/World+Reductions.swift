import CMPI

/// Reductions: in-place sums of gradient buffers and counters, scalar max/min, and the
/// collective yes/no used for decisions every rank must take together.
extension World {
    /// Sums `count` floats across ranks, in place (`MPI_IN_PLACE`), chunked so counts
    /// beyond `Int32.max` work. Used for the fused dense-gradient buffer each step.
    public func allreduceSum(_ p: UnsafeMutablePointer<Float>, count: Int) {
        allreduceInPlace(p, count: count, op: vql_mpi_sum()!)
    }

    /// Sums `count` doubles across ranks, in place, chunked.
    public func allreduceSum(_ p: UnsafeMutablePointer<Double>, count: Int) {
        allreduceInPlace(p, count: count, op: vql_mpi_sum()!)
    }

    /// Sums `send` (the same length `counts.reduce(0, +)` on every rank) over ranks and
    /// writes this rank's block of the sum, elements `[Σ counts[..<rank], +counts[rank])`,
    /// to `receive`: half the traffic of an allreduce when each rank needs only its own
    /// block. Each rank's block is moved to its owner with one `MPI_Alltoallv` and summed
    /// there in rank order, so the result does not depend on MPI's reduction algorithm;
    /// Open MPI 4.1's `MPI_Reduce_scatter` reduces the whole buffer on one rank first and
    /// took 0.64–0.67 ms against 0.38–0.49 ms for this on 2 × 1.3 MB here. `send` is left
    /// as it was. Counts `bytesSent` as the blocks of the other ranks. Beyond
    /// `maxElementsPerCall` it falls back to a chunked allreduce (which overwrites `send`).
    public func reduceScatterSum(_ send: UnsafeMutablePointer<Float>, counts: [Int], into receive: UnsafeMutablePointer<Float>) {
        precondition(counts.count == size, "reduceScatterSum: \(counts.count) counts for \(size) ranks")
        let total = counts.reduce(0, +), mine = counts[rank]
        var offsets = [0]
        for c in counts.dropLast() { offsets.append(offsets.last! + c) }
        // Decided from values every rank has, so every rank takes the same path.
        guard total <= maxElementsPerCall, size * (counts.max() ?? 0) <= maxElementsPerCall else {
            allreduceInPlace(send, count: total, op: vql_mpi_sum()!)
            receive.update(from: send + offsets[rank], count: mine)
            return
        }
        let own = UnsafePointer(send + offsets[rank])
        guard size > 1 else { receive.update(from: own, count: mine); return }
        // Own block stays in place: nothing is sent to or received from this rank itself.
        let sendCounts = counts.indices.map { Int32($0 == rank ? 0 : counts[$0]) }
        let receiveCounts = counts.indices.map { Int32($0 == rank ? 0 : mine) }
        let blocks = reduceScatterScratch(size * mine)
        check(MPI_Alltoallv(send, sendCounts, offsets.map { Int32($0) }, vql_mpi_float(),
                            blocks, receiveCounts, counts.indices.map { Int32($0 * mine) }, vql_mpi_float(), comm), "MPI_Alltoallv")
        sent += (total - mine) * MemoryLayout<Float>.stride
        func block(_ r: Int) -> UnsafePointer<Float> { r == rank ? own : UnsafePointer(blocks + r * mine) }
        // (b₀ + b₁) + b₂ + …: the first two in one pass, no copy of b₀ first
        let b0 = block(0), b1 = block(1)
        for i in 0..<mine { receive[i] = b0[i] + b1[i] }
        for r in 2..<size {
            let b = block(r)
            for i in 0..<mine { receive[i] += b[i] }
        }
    }

    /// Sums 64-bit counters (sample counts, codebook hit counts) across ranks, in place.
    public func allreduceSum(_ values: inout [Int64]) {
        let n = values.count
        values.withUnsafeMutableBufferPointer { buf in
            if let base = buf.baseAddress { allreduceInPlace(base, count: n, op: vql_mpi_sum()!) }
        }
    }

    /// The largest `value` over all ranks (e.g. slowest step time).
    public func allreduceMax(_ value: Double) -> Double {
        var v = value
        allreduceInPlace(&v, count: 1, op: vql_mpi_max()!)
        return v
    }

    /// The smallest `value` over all ranks.
    public func allreduceMin(_ value: Double) -> Double {
        var v = value
        allreduceInPlace(&v, count: 1, op: vql_mpi_min()!)
        return v
    }

    /// Collective decision: true on every rank iff every rank passed true. Used for
    /// "stop on non-finite loss", early stopping and validation, so no rank leaves the
    /// collective sequence alone.
    public func allAgree(_ ok: Bool) -> Bool {
        var v: Int32 = ok ? 1 : 0
        allreduceInPlace(&v, count: 1, op: vql_mpi_min()!)
        return v == 1
    }

    /// Blocks until every rank has entered the barrier.
    public func barrier() {
        check(MPI_Barrier(comm), "MPI_Barrier")
    }

    /// In-place allreduce of `count` elements, one MPI call per chunk of at most
    /// `maxElementsPerCall`. Chunks are reduced independently, so the result is
    /// identical to one big call (element-wise operations).
    func allreduceInPlace<T: MPIElement>(_ p: UnsafeMutablePointer<T>, count: Int, op: MPI_Op) {
        let type = T.mpiDatatype
        Chunking.forEachChunk(count: count, limit: maxElementsPerCall) { offset, n in
            check(MPI_Allreduce(vql_mpi_in_place(), p + offset, n, type, op, comm), "MPI_Allreduce")
        }
        sent += count * MemoryLayout<T>.stride
    }
}
