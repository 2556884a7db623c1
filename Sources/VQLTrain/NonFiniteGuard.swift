import VQLModel

/// Finds a NaN or ±Inf in the reduced loss or gradients and names where it is.
/// Runs after the exchange, so every rank inspects identical values and agrees.
public enum NonFiniteGuard {
    public static func problem(loss: Double, network: VQLNetwork) -> String? {
        if !loss.isFinite { return "loss is \(loss)" }
        for slot in network.params.slots {
            let g = network.params.grad(slot.name)
            for i in 0..<slot.count where !g[i].isFinite { return "gradient of \(slot.name)[\(i)] is \(g[i])" }
        }
        for t in network.tables {
            let g = t.gradient.values.pointer
            for i in 0..<(t.gradient.count * t.width) where !g[i].isFinite {
                return "gradient of \(t.name) row \(t.gradient.rowIds[i / t.width]) is \(g[i])"
            }
        }
        return nil
    }
}
