import CMPI

/// Variable-length gathers: sparse embedding gradients (row ids and rows) to every rank,
/// and evaluation scores, labels and user ids to rank 0.
///
/// Each gather first exchanges the per-rank counts (`MPI_Allgather`, one Int64 per rank,
/// to every rank even for `gatherv`, so every rank can follow the same `GatherPlan`),
/// then moves the data in one call when the total fits in `Int32`, or in rounds
/// otherwise (see `GatherPlan` for why rounds rather than per-rank broadcasts).
extension World {
    /// Concatenates every rank's `local` in rank order, on every rank. Returns the
    /// concatenation and each rank's count.
    public func allgatherv(_ local: UnsafeBufferPointer<Float>) -> (values: [Float], counts: [Int]) {
        gatherVariable(local, root: nil)
    }

    /// `allgatherv` when every rank already knows every rank's count (`counts[rank]` must be
    /// `local.count`): skips the count exchange, one collective instead of two.
    public func allgatherv(_ local: UnsafeBufferPointer<Float>, knownCounts counts: [Int]) -> [Float] {
        precondition(counts.count == size && counts[rank] == local.count, "allgatherv: known counts \(counts) do not match rank \(rank)'s \(local.count)")
        return gatherVariable(local, root: nil, counts: counts).values
    }

    /// Same as the `Float` version, for row ids.
    public func allgatherv(_ local: UnsafeBufferPointer<Int32>) -> (values: [Int32], counts: [Int]) {
        gatherVariable(local, root: nil)
    }

    /// Concatenates every rank's `local` in rank order on `root`; other ranks get `[]`.
    public func gatherv(_ local: [Float], root: Int) -> [Float] {
        local.withUnsafeBufferPointer { gatherVariable($0, root: root).values }
    }

    /// Same as the `Float` version, for ids and labels.
    public func gatherv(_ local: [Int32], root: Int) -> [Int32] {
        local.withUnsafeBufferPointer { gatherVariable($0, root: root).values }
    }

    /// Every rank's element count, on every rank.
    func exchangeCounts(_ mine: Int) -> [Int] {
        var send = Int64(mine)
        var all = [Int64](repeating: 0, count: size)
        check(MPI_Allgather(&send, 1, Int64.mpiDatatype, &all, 1, Int64.mpiDatatype, comm), "MPI_Allgather")
        sent += MemoryLayout<Int64>.stride
        return all.map { Int($0) }
    }

    /// Shared implementation: `root == nil` gathers to all ranks (`MPI_Allgatherv`),
    /// otherwise to `root` (`MPI_Gatherv`). Non-receiving ranks get empty values but the
    /// full counts.
    func gatherVariable<T: MPIElement>(_ local: UnsafeBufferPointer<T>, root: Int?, counts known: [Int]? = nil) -> (values: [T], counts: [Int]) {
        if let root { requireRoot(root, "MPI_Gatherv") }
        let plan = GatherPlan(counts: known ?? exchangeCounts(local.count), limit: maxElementsPerCall)
        let receives = root == nil || root == rank
        sent += local.count * MemoryLayout<T>.stride
        guard plan.total > 0 else { return ([], plan.counts) }

        let type = T.mpiDatatype
        // Never NULL: some MPI builds reject a NULL buffer even with count 0.
        var dummy = [T](unsafeUninitializedCapacity: 1) { _, n in n = 0 }
        let result = [T](unsafeUninitializedCapacity: receives ? plan.total : 0) { out, initialized in
            dummy.withUnsafeMutableBufferPointer { dummyBuf in
                let sendBase = UnsafeMutableRawPointer(mutating: local.baseAddress)
                    ?? UnsafeMutableRawPointer(dummyBuf.baseAddress!)
                let recvBase = receives ? UnsafeMutableRawPointer(out.baseAddress!) : UnsafeMutableRawPointer(dummyBuf.baseAddress!)
                if plan.singleCall {
                    let counts = plan.counts.map { Int32($0) }
                    let displs = plan.offsets.map { Int32($0) }
                    transfer(sendBase, Int32(local.count), recvBase, counts, displs, type, root)
                } else {
                    gatherInRounds(local: local, plan: plan, out: receives ? out.baseAddress : nil,
                                   sendFallback: sendBase, type: type, root: root)
                }
            }
            initialized = receives ? plan.total : 0
        }
        return (result, plan.counts)
    }

    /// The rounds path of `GatherPlan`: each round moves at most `perRound` elements per
    /// rank into a scratch buffer, which receiving ranks copy to the final offsets.
    private func gatherInRounds<T: MPIElement>(local: UnsafeBufferPointer<T>, plan: GatherPlan,
                                               out: UnsafeMutablePointer<T>?, sendFallback: UnsafeMutableRawPointer,
                                               type: MPI_Datatype, root: Int?) {
        // Only receiving ranks need room; senders pass a 1-element placeholder.
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: out == nil ? 1 : max(1, plan.perRound * size))
        defer { scratch.deallocate() }
        var counts = [Int32](repeating: 0, count: size)
        var displs = [Int32](repeating: 0, count: size)
        for round in 0..<plan.rounds {
            var running = 0
            for r in 0..<size {
                let n = plan.slice(rank: r, round: round).count
                counts[r] = Int32(n)
                displs[r] = Int32(running)
                running += n
            }
            let mine = plan.slice(rank: rank, round: round)
            let sendBase = mine.isEmpty ? sendFallback : UnsafeMutableRawPointer(mutating: local.baseAddress! + mine.lowerBound)
            transfer(sendBase, Int32(mine.count), UnsafeMutableRawPointer(scratch), counts, displs, type, root)
            guard let out else { continue }
            for r in 0..<size where counts[r] > 0 {
                let s = plan.slice(rank: r, round: round)
                (out + plan.offsets[r] + s.lowerBound).update(from: scratch + Int(displs[r]), count: s.count)
            }
        }
    }

    /// One `MPI_Allgatherv` (root nil) or `MPI_Gatherv` call.
    private func transfer(_ send: UnsafeMutableRawPointer, _ sendCount: Int32, _ recv: UnsafeMutableRawPointer,
                          _ counts: [Int32], _ displs: [Int32], _ type: MPI_Datatype, _ root: Int?) {
        if let root {
            check(MPI_Gatherv(send, sendCount, type, recv, counts, displs, type, Int32(root), comm), "MPI_Gatherv")
        } else {
            check(MPI_Allgatherv(send, sendCount, type, recv, counts, displs, type, comm), "MPI_Allgatherv")
        }
    }
}
