import VQLCore
import VQLModel

/// One rank's sparse gradients and loss sums in its shared-memory segment (floats):
///
///     [0, 2)              floats this rank needs (Int64 bits, unaligned)
///     [2, 2+T)            rows per table (Int32 bits; a table's row ids are Int32)
///     [2+T, 2+T+2S)       the S sums (Double bits, unaligned)
///     then per table: its row ids (Int32 bits), then its rows [count, width]
///
/// The header has the same size on every rank, so every rank can read every rank's need
/// before any body is read.
struct SparseSegment {
    let tables: Int, sums: Int

    init(tables: Int, sums: Int) { (self.tables, self.sums) = (tables, sums) }

    var header: Int { 2 + tables + 2 * sums }

    /// Floats the segment at `base` needs.
    func floats(in base: UnsafePointer<Float>) -> Int { Int(UnsafeRawPointer(base).loadUnaligned(as: Int64.self)) }

    /// Writes the header, and the rows if all of them fit in `capacity` floats; returns the
    /// floats needed.
    func write(_ rows: [SparseRows], sums values: [Double], to base: UnsafeMutablePointer<Float>, capacity: Int) -> Int {
        let need = header + rows.reduce(0) { $0 + $1.count * (1 + $1.width) }
        UnsafeMutableRawPointer(base).storeBytes(of: Int64(need), as: Int64.self)
        for (t, g) in rows.enumerated() { base[2 + t] = Float(bitPattern: UInt32(bitPattern: Int32(g.count))) }
        let raw = UnsafeMutableRawPointer(base + 2 + tables)
        for (i, v) in values.enumerated() { raw.storeBytes(of: v, toByteOffset: 8 * i, as: Double.self) }
        guard need <= capacity else { return need }
        var at = base + header
        for g in rows {
            for (i, id) in g.rowIdBuffer.enumerated() { at[i] = Float(bitPattern: UInt32(bitPattern: id)) }
            at += g.count
            at.update(from: g.values.pointer, count: g.count * g.width)
            at += g.count * g.width
        }
        return need
    }

    /// Adds the segment at `base` to `rows` (each row as it was written) and to `sums`
    /// (overwriting them when `first`).
    func add(_ base: UnsafePointer<Float>, to rows: [SparseRows], sums values: inout [Double], first: Bool) {
        let raw = UnsafeRawPointer(base + 2 + tables)
        for i in values.indices {
            let v = raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
            values[i] = first ? v : values[i] + v
        }
        var at = base + header
        for (t, g) in rows.enumerated() {
            let n = Int(Int32(bitPattern: base[2 + t].bitPattern)), ids = at, w = g.width
            at += n
            for i in 0..<n {
                BLAS.axpy(w, 1, at + i * w, g.row(Int32(bitPattern: ids[i].bitPattern)))
            }
            at += n * w
        }
    }
}
