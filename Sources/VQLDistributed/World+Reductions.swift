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
    /// to `receive` (`MPI_Reduce_scatter`): half the traffic of an allreduce when each rank
    /// needs only its own block. `send` may be overwritten. Counts `bytesSent` as the blocks
    /// of the other ranks. Beyond `maxElementsPerCall` it falls back to a chunked allreduce.
    public func reduceScatterSum(_ send: UnsafeMutablePointer<Float>, counts: [Int], into receive: UnsafeMutablePointer<Float>) {
        precondition(counts.count == size, "reduceScatterSum: \(counts.count) counts for \(size) ranks")
        let total = counts.reduce(0, +), offset = counts[..<rank].reduce(0, +)
        if total <= maxElementsPerCall {
            let recvCounts = counts.map { Int32($0) }
            check(MPI_Reduce_scatter(send, receive, recvCounts, vql_mpi_float(), vql_mpi_sum()!, comm), "MPI_Reduce_scatter")
            sent += (total - counts[rank]) * MemoryLayout<Float>.stride
        } else {
            allreduceInPlace(send, count: total, op: vql_mpi_sum()!)
            receive.update(from: send + offset, count: counts[rank])
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
