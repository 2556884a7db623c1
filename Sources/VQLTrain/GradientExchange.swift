import VQLCore
import VQLDistributed
import VQLModel

/// The per-step communication of DESIGN §4: one fused allreduce of every dense gradient
/// (the flat buffer), sparse table gradients as (row ids, rows) through allgatherv summed in
/// rank order (bytes grow with the rows a batch touches, not with the vocabulary), and one
/// allreduce of codebook statistics plus the loss sums.
public struct GradientExchange {
    public let world: World

    public init(world: World) { self.world = world }

    /// Sums dense and sparse gradients over all ranks, in place.
    public func reduceGradients(of net: VQLNetwork) {
        guard world.size > 1 else { return }
        world.allreduceSum(net.params.grads.pointer, count: net.params.count)
        for table in net.tables { reduceSparse(table.gradient) }
    }

    /// allgatherv of (ids, rows); rows with the same id are added in rank order, then
    /// sorted by id, so every rank ends with the same rows in the same order.
    func reduceSparse(_ g: SparseRows) {
        g.sortById()
        let (ids, counts) = g.rowIds.withUnsafeBufferPointer { world.allgatherv($0) }
        let rows = world.allgatherv(UnsafeBufferPointer(start: g.values.pointer, count: g.count * g.width),
                                    knownCounts: counts.map { $0 * g.width })
        g.clear()
        rows.withUnsafeBufferPointer { r in
            for (k, id) in ids.enumerated() { BLAS.axpy(g.width, 1, r.base + k * g.width, g.row(id)) }
        }
        g.sortById()
    }

    /// Sums `values` (loss sums, codebook statistics) over all ranks, in place.
    public func reduce(_ values: UnsafeMutablePointer<Float>, count: Int) {
        if world.size > 1 { world.allreduceSum(values, count: count) }
    }

    public func reduce(_ values: inout [Double]) {
        if world.size > 1 { values.withUnsafeMutableBufferPointer { world.allreduceSum($0.base, count: $0.count) } }
    }
}
