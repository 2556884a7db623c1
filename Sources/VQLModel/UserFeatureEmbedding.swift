import VQLCore

/// e_u = [E_1[v_1], …, E_F[v_F]]: the embeddings of a user's categorical features (DESIGN §3
/// "user features" in the MLP input). The F tables are consecutive row blocks of one sparse
/// table `user_feature_embedding` of width d_e: value v of feature k is row offsets[k] + v.
/// The missing value 0 has a learned row of its own (users without a feature row, unknown
/// users at serving).
public struct UserFeatureEmbedding: @unchecked Sendable {
    public let table: EmbeddingTable
    /// First row of each feature's block, and each feature's vocabulary size.
    public let offsets: [Int32]
    public let sizes: [Int32]

    public init?(shape: ModelShape) {
        guard !shape.userFeatures.isEmpty else { return nil }
        sizes = shape.userFeatures.map { Int32($0.vocabularySize) }
        var o: [Int32] = [], next: Int32 = 0
        for n in sizes { o.append(next); next += n }
        offsets = o
        table = EmbeddingTable(name: "user_feature_embedding", rows: Int(next), width: shape.itemDim)
    }

    public var count: Int { sizes.count }
    public var width: Int { count * table.width }

    /// The table row of value `v` of feature `k` (a value outside the vocabulary is a
    /// programming error: prepared data and caches are range-checked when read).
    @inline(__always)
    func row(_ k: Int, _ v: Int32) -> Int32 {
        precondition(v >= 0 && v < sizes[k], "user feature \(k): value \(v) outside 0..<\(sizes[k])")
        return offsets[k] + v
    }

    /// Writes e of `n` users to out[s·stride ..< s·stride + F·d_e], from their feature values
    /// values[s·F + k]; nil values = every feature missing (0).
    public func forward(values: UnsafePointer<Int32>?, count n: Int, into out: UnsafeMutablePointer<Float>, stride: Int) {
        let d = table.width, F = count
        for s in 0..<n {
            for k in 0..<F {
                let r = row(k, values?[s * F + k] ?? 0)
                (out + s * stride + k * d).update(from: table.values.pointer + Int(r) * d, count: d)
            }
        }
    }

    /// Adds de[s·stride ..< s·stride + F·d_e] of `n` users into the rows their values chose.
    public func backward(values: UnsafePointer<Int32>?, count n: Int, gradient de: UnsafePointer<Float>, stride: Int) {
        let d = table.width, F = count
        for s in 0..<n {
            for k in 0..<F {
                BLAS.axpy(d, 1, de + s * stride + k * d, table.gradient.row(row(k, values?[s * F + k] ?? 0)))
            }
        }
    }
}
