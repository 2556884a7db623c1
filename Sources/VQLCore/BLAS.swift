import COpenBLAS

/// Typed entry points to OpenBLAS. All BLAS calls in vql go through here.
public enum BLAS {
    public enum Transpose: Sendable { case none, transpose }

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major, leading dimensions
    /// equal to the stored row widths.
    @inlinable
    public static func sgemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        // OpenBLAS first scales C by β in a pass of its own, then its kernels add α·op(A)·op(B);
        // for β = 0 that pass is a zeroing loop on one thread, slower than memset (5% of an
        // np=1 demo step with two threads). Zeroing here and passing β = 1 adds to the same zeros.
        var beta = beta
        if beta == 0 {
            if ldc == n { c.update(repeating: 0, count: m * n) } else { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            beta = 1
        }
        if k == 0 {
            if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            return
        }
        let start = ledger == nil ? 0 : GemmLedger.now()
        cblas_sgemm(
            CblasRowMajor,
            transA == .none ? CblasNoTrans : CblasTrans,
            transB == .none ? CblasNoTrans : CblasTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        ledger?.record(transposeA: transA == .transpose, transposeB: transB == .transpose, m: m, n: n, k: k,
                       seconds: Double(GemmLedger.now() - start) * 1e-9)
    }

    /// While set, every `sgemm` is timed into it (`vql bench train`). Set and read it from
    /// the thread that calls sgemm; nil (the default) costs one branch per call.
    nonisolated(unsafe) public static var ledger: GemmLedger?

    /// Σ x[i]·y[i] over `n` contiguous floats. Eight independent partial sums (`Lanes.sum`)
    /// let the compiler vectorise what a single strict-order float sum would serialise; the
    /// order is fixed, so the result is deterministic.
    @inlinable @inline(__always)
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        Lanes.sum(n) { Lanes.load(x, $0) * Lanes.load(y, $0) } tail: { x[$0] * y[$0] }
    }

    /// y += alpha · x over `n` contiguous floats.
    @inlinable @inline(__always)
    public static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        // Explicit 8-wide chunks: the short rows of attention (d_h, d_v ≈ 16) are too short
        // for the vectoriser's alias checks and remainder loops to pay off. Each element is
        // the same multiply-add as the scalar loop, so results are unchanged.
        Lanes.apply(n, y) { Lanes.load(y, $0) + alpha * Lanes.load(x, $0) } tail: { y[$0] + alpha * x[$0] }
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
