

/// Floating-point operations of one training step (forward + backward), counted from the
/// shapes, with a multiply-add as 2 FLOPs. Per-item work (projections, key norm, code
/// assignment) runs once per distinct item of the batch (DESIGN §7); per-position work
/// (scores, softmax, weighted values) once per history position.
public struct StepCost: Sendable {
    public var projections = 0.0
    public var quantization = 0.0
    public var attention = 0.0
    public var mlp = 0.0
    public var total: Double { projections + quantization + attention + mlp }

    /// `samples` targets, `positions` attended history positions, `items` distinct items;
    /// `scanned` history positions scored for retrieval (`topk`: every position of the window).
    public init(shape s: ModelShape, samples n: Int, positions P: Int, items U: Int, scanned: Int = 0) {
        let dx = Double(s.inputDim), kw = Double(s.keyWidth), vw = Double(s.valueWidth)
        let N = Double(n), Pd = Double(P), Ud = Double(U), H = Double(s.heads)
        // forward Y = XWᵀ (2·rows·in·out), backward dW and dX (2× that)
        projections = 3 * 2 * (Ud * dx * (kw + vw) + N * dx * kw) + (s.keyNorm ? 3 * 8 * Ud * kw : 0)
        var perPosition = 0.0
        var perSample = 0.0
        switch s.encoder {
        case .vq:
            quantization = 2 * Ud * Double(s.codebookSize) * kw + 3 * Ud * kw   // ‖C‖² − 2k·C, commitment
            perSample = 2 * 2 * H * Double(s.codebookSize) * Double(s.keyDim)  // q·C and its backward
            perPosition = H * (4 + 5) + 2 * H * Double(s.keyDim)               // score lookup, softmax, dk̂
        case .full, .recent, .simHard, .topk:
            perPosition = H * (4 + 5) + 3 * 2 * H * Double(s.keyDim)           // q·k, dq, dk̂
        case .mean:
            perPosition = 0                                                     // weights are 1/L
        }
        // o += p·v; backward dv += p·dO and dp = dO·v
        perPosition += 3 * 2 * vw
        attention = Pd * perPosition + N * perSample
        if s.encoder == .topk { attention += Double(scanned) * 2 * kw }        // retrieval: q·k over the window
        var width = Double(s.mlpInputDim)
        for h in s.mlp + [1] { mlp += 3 * 2 * N * width * Double(h); width = Double(h) }
    }
}
