import CLibc

/// Loops over `n` contiguous floats eight at a time (one SIMD8), then one at a time for the
/// tail: the project's order for sums (eight partial sums, then the lanes in order, then the
/// tail), so a result depends only on the data, not on where a row starts in memory.
public enum Lanes {
    /// √x lane by lane, correctly rounded (`vql_sqrt8`: one instruction per register).
    @inlinable @inline(__always)
    public static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> { vql_sqrt8(x) }

    /// Floats i..<i+8 of `p`.
    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Σ_i term(i) over 0..<n: `lanes(i)` gives terms i..<i+8, `tail(i)` one term.
    @inlinable @inline(__always)
    public static func sum(_ n: Int, _ lanes: (Int) -> SIMD8<Float>, tail: (Int) -> Float) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= n { acc += lanes(i); i &+= 8 }
        var s = acc.sum()
        while i < n { s += tail(i); i &+= 1 }
        return s
    }

    /// out[i] = value(i) over 0..<n: `lanes(i)` gives values i..<i+8, `tail(i)` one value.
    @inlinable @inline(__always)
    public static func apply(_ n: Int, _ out: UnsafeMutablePointer<Float>, _ lanes: (Int) -> SIMD8<Float>, tail: (Int) -> Float) {
        var i = 0
        while i &+ 8 <= n { UnsafeMutableRawPointer(out + i).storeBytes(of: lanes(i), as: SIMD8<Float>.self); i &+= 8 }
        while i < n { out[i] = tail(i); i &+= 1 }
    }

    /// to[0..<n] = from[0..<n], eight floats per register: for the short rows (tens of
    /// floats) copied thousands of times a step, where a `memmove` call costs more than
    /// the copy.
    @inlinable @inline(__always)
    public static func copy(_ n: Int, from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>) {
        apply(n, to, { load(from, $0) }, tail: { from[$0] })
    }
}
