import Testing
import VQLModel
@testable import VQLTrain

/// The shared-memory layout of `GradientExchange`: two ranks' segments, added in rank
/// order, give every row's sum over ranks and the sums of the loss values; a segment too
/// small for its rows carries its need in the header and leaves the body alone.
struct SparseSegmentTests {
    /// Gradient rows of two tables (widths 3 and 9, so both the 8-lane and the tail paths
    /// run), row `id` filled with `id + base + k/10`.
    func tables(_ ids: [[Int32]], base: Float) -> [SparseRows] {
        zip(ids, [3, 9]).map { ids, width in
            let g = SparseRows(width: width, rowCapacity: 64)
            for id in ids {
                let row = g.row(id)
                for k in 0..<width { row[k] = Float(id) + base + Float(k) / 10 }
            }
            return g
        }
    }

    @Test func twoRanksSumInRankOrder() {
        let layout = SparseSegment(tables: 2, sums: 3)
        let rank0 = tables([[5, 1], [7]], base: 0.25), rank1 = tables([[1, 9], []], base: 100)
        let capacity = 256
        let segments = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: capacity) }
        defer { segments.forEach { $0.deallocate() } }
        let need0 = layout.write(rank0, sums: [1.5, 2, 0], to: segments[0], capacity: capacity)
        let need1 = layout.write(rank1, sums: [0.25, 1e-12, 1], to: segments[1], capacity: capacity)
        #expect(need0 == layout.header + 2 * 4 + 1 * 10 && layout.floats(in: segments[0]) == need0)
        #expect(need1 == layout.header + 2 * 4 && layout.floats(in: segments[1]) == need1)

        let result = tables([[], []], base: 0)
        var sums = [Double.nan, .nan, .nan]
        layout.add(segments[0], to: result, sums: &sums, first: true)
        layout.add(segments[1], to: result, sums: &sums, first: false)
        #expect(sums == [1.75, 2 + 1e-12, 1])
        #expect(result[0].rowIds == [5, 1, 9] && result[1].rowIds == [7])
        for k in 0..<3 {
            #expect(result[0].row(5)[k] == 5.25 + Float(k) / 10)
            #expect(result[0].row(1)[k] == (0 + (1.25 + Float(k) / 10)) + (101 + Float(k) / 10))
            #expect(result[0].row(9)[k] == 109 + Float(k) / 10)
        }
        for k in 0..<9 { #expect(result[1].row(7)[k] == 7.25 + Float(k) / 10) }
    }

    @Test func aShortSegmentGetsTheHeaderOnly() {
        let layout = SparseSegment(tables: 2, sums: 1)
        let rows = tables([[2, 3], [4]], base: 0)
        let segment = UnsafeMutablePointer<Float>.allocate(capacity: 64)
        defer { segment.deallocate() }
        segment.initialize(repeating: .nan, count: 64)
        let need = layout.write(rows, sums: [3], to: segment, capacity: layout.header + 4)
        #expect(need == layout.header + 2 * 4 + 10)
        #expect(layout.floats(in: segment) == need)
        #expect((layout.header..<64).allSatisfy { segment[$0].isNaN }, "a body that does not fit must not be written")
    }
}
