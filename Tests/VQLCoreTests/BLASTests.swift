import Testing
@testable import VQLCore

/// sgemm against a naive triple loop, for every transpose combination.
@Test(arguments: [(BLAS.Transpose.none, BLAS.Transpose.none), (.transpose, .none), (.none, .transpose), (.transpose, .transpose)])
func sgemmMatchesNaiveProduct(ta: BLAS.Transpose, tb: BLAS.Transpose) {
    let m = 5, n = 7, k = 3
    var rng = RandomSource(seed: 9)
    let a = FloatBuffer((0..<(m * k)).map { _ in rng.normal() })
    let b = FloatBuffer((0..<(k * n)).map { _ in rng.normal() })
    let c = FloatBuffer(count: m * n)
    let lda = ta == .none ? k : m
    let ldb = tb == .none ? n : k
    BLAS.sgemm(ta, tb, m: m, n: n, k: k, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, c: c.pointer, ldc: n)
    for i in 0..<m {
        for j in 0..<n {
            var s: Float = 0
            for p in 0..<k {
                let av = ta == .none ? a[i * k + p] : a[p * m + i]
                let bv = tb == .none ? b[p * n + j] : b[j * k + p]
                s += av * bv
            }
            #expect(abs(c[i * n + j] - s) < 1e-5)
        }
    }
}
