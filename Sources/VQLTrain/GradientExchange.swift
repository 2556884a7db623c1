import VQLCore
import VQLDistributed
import VQLModel

/// The per-step communication of DESIGN §4: one fused allreduce of every dense gradient
/// (the flat buffer), one allreduce of codebook statistics, and every sparse table's
/// gradient as (row ids, rows) summed in rank order (bytes grow with the rows a batch
/// touches, not with the vocabulary), together with the loss sums. Over messages the rows
/// travel in one pair of allgathervs; with every rank on one machine (`memory`) each rank
/// writes them to its shared segment once and every rank reads them all in place
/// (`SparseSegment`), one meeting instead of three collectives.
public final class GradientExchange {
    public let world: World
    let memory: PeerMemory?
    /// Floats of each segment every rank has reserved (the same on all ranks).
    private var reserved = 0
    /// Floats this rank read from other ranks' segments.
    public private(set) var peerFloatsRead = 0

    public init(world: World, memory: PeerMemory? = nil) {
        self.world = world
        self.memory = memory
    }

    /// Sums over all ranks, in place: the dense gradients, `statistics`, every sparse
    /// table's gradient rows and `sums` (the loss sums and stop flag).
    public func reduce(_ net: VQLNetwork, statistics: FloatBuffer, sums: inout [Double]) {
        guard world.size > 1 else { return }
        world.allreduceSum(net.params.grads.pointer, count: net.params.count)
        if statistics.count > 0 { world.allreduceSum(statistics.pointer, count: statistics.count) }
        let tables = net.tables.map(\.gradient)
        if let memory {
            reduceInPlace(tables, sums: &sums, memory)
        } else {
            reduceSparse(tables)
            sums.withUnsafeMutableBufferPointer { world.allreduceSum($0.baseAddress!, count: $0.count) }
        }
    }

    /// Every table's (ids, rows) in two allgathervs: ids with a count per table in front,
    /// then the rows, whose counts follow from the ids. Every rank adds the gathered rows in
    /// the same order (rank by rank, each rank's rows as it sent them), so rows with the same
    /// id are summed in rank order and every rank ends with the same rows in the same order;
    /// no sort is needed for that.
    func reduceSparse(_ tables: [SparseRows]) {
        guard !tables.isEmpty else { return }
        var ids: [Int32] = tables.map { Int32($0.count) }
        var rows: [Float] = []
        ids.reserveCapacity(tables.count + tables.reduce(0) { $0 + $1.count })
        rows.reserveCapacity(tables.reduce(0) { $0 + $1.count * $1.width })
        for g in tables {
            ids += g.rowIds
            rows += UnsafeBufferPointer(start: g.values.pointer, count: g.count * g.width)
        }
        let (allIds, idCounts) = ids.withUnsafeBufferPointer { world.allgatherv($0) }
        // Each rank's segment: T counts, then the ids of each table in order.
        var segments: [(start: Int, counts: [Int])] = []
        var start = 0
        for n in idCounts {
            segments.append((start, (0..<tables.count).map { Int(allIds[start + $0]) }))
            start += n
        }
        let rowCounts = segments.map { seg in zip(seg.counts, tables).reduce(0) { $0 + $1.0 * $1.1.width } }
        let allRows = rows.withUnsafeBufferPointer { world.allgatherv($0, knownCounts: rowCounts) }
        for g in tables { g.clear() }
        allRows.withUnsafeBufferPointer { r in
            var rowBase = 0
            for seg in segments {
                var idAt = seg.start + tables.count
                for (t, g) in tables.enumerated() {
                    for _ in 0..<seg.counts[t] {
                        BLAS.axpy(g.width, 1, r.base + rowBase, g.row(allIds[idAt]))
                        idAt += 1
                        rowBase += g.width
                    }
                }
            }
        }
    }

    /// Shared memory: each rank writes its `SparseSegment`; after one synchronisation every
    /// rank adds all segments' rows in rank order, as `reduceSparse` does, and the sums in
    /// rank order. A segment too small for some rank's rows (every rank sees every header, so
    /// all agree) grows on all ranks, and all write again.
    func reduceInPlace(_ tables: [SparseRows], sums: inout [Double], _ memory: PeerMemory) {
        let layout = SparseSegment(tables: tables.count, sums: sums.count)
        if reserved < layout.header {
            memory.reserve(layout.header)
            reserved = layout.header
        }
        let need = layout.write(tables, sums: sums, to: memory.own, capacity: reserved)
        memory.synchronize()
        let needs = (0..<world.size).map { layout.floats(in: memory.segment(of: $0)) }
        if let most = needs.max(), most > reserved {
            memory.reserve(most)
            reserved = most
            _ = layout.write(tables, sums: sums, to: memory.own, capacity: reserved)
            memory.synchronize()
        }
        for g in tables { g.clear() }
        for r in 0..<world.size {
            layout.add(memory.segment(of: r), to: tables, sums: &sums, first: r == 0)
        }
        peerFloatsRead += needs.reduce(0, +) - need
    }
}
