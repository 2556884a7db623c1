import Foundation
import VQLCore

/// `vql bench train`'s table of rank 0's matrix products per step, by shape (`GemmLedger`):
/// how much of a step OpenBLAS takes and how close each shape comes to a square sgemm on
/// one core. A dimension marked * is a batch's row count (its mean over the steps).
struct GemmTable {
    let ledger: GemmLedger
    let steps: Int
    let stepSeconds: Double
    let squareGflops: Double

    var text: String {
        let entries = ledger.entries.sorted { $0.seconds > $1.seconds }
        let total = entries.reduce(0) { $0 + $1.seconds } / Double(steps)
        var lines = [String(format: "matrix products on rank 0: %.2f ms per step, %.1f%% of the step (sgemm 512³ on 1 core: %.1f GFLOP/s)",
                            1000 * total, 100 * total / stepSeconds, squareGflops)]
        lines.append("  op      m        n        k        calls/step  ms/step  share of step  GFLOP/s  of 512³")
        for e in entries {
            let dims = zip(e.dims, e.meanDims).map { fixed, mean in fixed == 0 ? String(format: "%.0f*", mean) : "\(fixed)" }
            let ms = 1000 * e.seconds / Double(steps)
            lines.append(String(format: "  %@%@%@%@%10.1f  %7.2f  %12.1f%%  %7.1f  %6.0f%%",
                                pad(e.operation, 8), pad(dims[0], 9), pad(dims[1], 9), pad(dims[2], 9),
                                Double(e.calls) / Double(steps), ms, 100 * ms / 1000 / stepSeconds, e.gflops, 100 * e.gflops / squareGflops))
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
}
