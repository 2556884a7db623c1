import VQLCore
import VQLDistributed
import VQLModel

/// The per-step communication of DESIGN §4: one fused allreduce of every dense gradient
/// (the flat buffer), every sparse table's gradient as (row ids, rows) through one pair of
/// allgathervs, summed in rank order (bytes grow with the rows a batch touches, not with the
/// vocabulary), and one
/// allreduce of codebook statistics plus the loss sums.
public struct GradientExchange {
    public let world: World

    public init(world: World) { self.world = world }

    /// Sums dense and sparse gradients over all ranks, in place.
    public func reduceGradients(of net: VQLNetwork) {
        guard world.size > 1 else { return }
        world.allreduceSum(net.params.grads.pointer, count: net.params.count)
        reduceSparse(net.tables.map(\.gradient))
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

    /// Sums `values` (loss sums, codebook statistics) over all ranks, in place.
    public func reduce(_ values: UnsafeMutablePointer<Float>, count: Int) {
        if world.size > 1 { world.allreduceSum(values, count: count) }
    }

    public func reduce(_ values: inout [Double]) {
        if world.size > 1 { values.withUnsafeMutableBufferPointer { world.allreduceSum($0.base, count: $0.count) } }
    }
}
