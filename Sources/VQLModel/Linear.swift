import VQLCore

/// A dense layer Y = X·Wᵀ + b with W stored [out, in] row-major.
public enum Linear {
    /// Y[n, out] = X[n, in] · W[out, in]ᵀ + b[out]
    public static func forward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, rows n: Int, inputs: Int, outputs: Int
    ) {
        // The rows start as the bias and the product is added to them: b + x·Wᵀ, the same sum
        // as adding the bias afterwards, without a second pass over y.
        guard let b else {
            BLAS.sgemm(.none, .transpose, m: n, n: outputs, k: inputs, a: x, lda: inputs, b: w, ldb: inputs, c: y, ldc: outputs)
            return
        }
        for r in 0..<n { (y + r * outputs).update(from: b, count: outputs) }
        BLAS.sgemm(.none, .transpose, m: n, n: outputs, k: inputs, a: x, lda: inputs, b: w, ldb: inputs, beta: 1, c: y, ldc: outputs)
    }

    /// dW[out, in] += dYᵀ·X;  db[out] += Σ_rows dY;  dX[n, in] (+)= dY·W (accumulated when `accumulateInput`).
    public static func backward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, accumulateInput: Bool,
        dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?,
        rows n: Int, inputs: Int, outputs: Int
    ) {
        BLAS.sgemm(.transpose, .none, m: outputs, n: inputs, k: n, a: dy, lda: outputs, b: x, ldb: inputs,
                   beta: 1, c: dw, ldc: inputs)
        if let db {
            for r in 0..<n {
                let row = dy + r * outputs
                for o in 0..<outputs { db[o] += row[o] }
            }
        }
        if let dx {
            BLAS.sgemm(.none, .none, m: n, n: inputs, k: outputs, a: dy, lda: outputs, b: w, ldb: inputs,
                       beta: accumulateInput ? 1 : 0, c: dx, ldc: inputs)
        }
    }
}
