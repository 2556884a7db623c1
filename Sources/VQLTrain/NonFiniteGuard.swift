import VQLCore
import VQLModel

/// Finds a NaN or ±Inf in the reduced loss or gradients and names where it is.
/// Runs after the exchange, so every rank inspects identical values and agrees.
public enum NonFiniteGuard {
    public static func problem(loss: Double, network: VQLNetwork) -> String? {
        if !loss.isFinite { return "loss is \(loss)" }
        let params = network.params
        if !allFinite(params.count, params.grads.pointer) {
            for slot in params.slots {
                let g = params.grad(slot.name)
                for i in 0..<slot.count where !g[i].isFinite { return "gradient of \(slot.name)[\(i)] is \(g[i])" }
            }
        }
        for t in network.tables where !allFinite(t.gradient.count * t.width, t.gradient.values.pointer) {
            let g = t.gradient.values.pointer
            for i in 0..<(t.gradient.count * t.width) where !g[i].isFinite {
                return "gradient of \(t.name) row \(t.gradient.rowIds[i / t.width]) is \(g[i])"
            }
        }
        return nil
    }

    /// Whether `n` floats are all finite: x·0 is 0 for a finite x and NaN otherwise, and a
    /// NaN survives the sum, so one vector pass replaces a branch per element.
    static func allFinite(_ n: Int, _ x: UnsafePointer<Float>) -> Bool {
        Lanes.sum(n) { Lanes.load(x, $0) * 0 } tail: { x[$0] * 0 } == 0
    }
}
