import Testing
import VQLCore
@testable import VQLModel

struct CodebookTests {
    /// EMA step against DESIGN's formulas computed directly in Double.
    @Test func emaUpdateMatchesTheFormulas() {
        let cb = Codebooks(groups: 2, size: 3, width: 2)
        var rng = RandomSource(seed: 3)
        for g in 0..<2 { for c in 0..<3 { cb.seed(group: g, code: c, key: [rng.normal(), rng.normal()]) } }
        let keys: [Float] = (0..<(5 * 2 * 2)).map { _ in rng.normal() }   // 5 rows, G=2, w=2
        let weight: [Float] = [1, 2, 0, 3, 1]
        var codes = [Int32](repeating: 0, count: 10)
        let scratch = ScratchBuffer()
        cb.assign(keys: keys, rows: 5, codes: &codes, scratch: scratch)
        let oldN = cb.emaCounts.array, oldM = cb.emaSums.array
        var stats = [Float](repeating: 0, count: cb.statisticsCount)
        cb.accumulateStatistics(keys: keys, codes: codes, weight: weight, rows: 5, into: &stats)
        let gamma: Float = 0.9
        cb.applyEMA(statistics: stats, decay: gamma)
        for g in 0..<2 {
            for c in 0..<3 {
                var n = 0.0, m = [0.0, 0.0]
                for r in 0..<5 where codes[r * 2 + g] == Int32(c) {
                    n += Double(weight[r])
                    for k in 0..<2 { m[k] += Double(weight[r]) * Double(keys[(r * 2 + g) * 2 + k]) }
                }
                let N = Double(gamma) * Double(oldN[g * 3 + c]) + Double(1 - gamma) * n
                #expect(abs(Double(cb.emaCounts[g * 3 + c]) - N) < 1e-5)
                for k in 0..<2 {
                    let M = Double(gamma) * Double(oldM[(g * 3 + c) * 2 + k]) + Double(1 - gamma) * m[k]
                    #expect(abs(Double(cb.emaSums[(g * 3 + c) * 2 + k]) - M) < 1e-5)
                    #expect(abs(Double(cb.codeword(g, c)[k]) - M / max(N, 1e-5)) < 1e-4)
                }
            }
        }
    }

    /// Assignment is the nearest codeword by squared distance, per group.
    @Test func assignmentIsTheNearestCodeword() {
        let cb = Codebooks(groups: 2, size: 5, width: 3)
        var rng = RandomSource(seed: 4)
        for g in 0..<2 { for c in 0..<5 { cb.seed(group: g, code: c, key: (0..<3).map { _ in rng.normal() }) } }
        let keys: [Float] = (0..<(20 * 6)).map { _ in rng.normal() }
        var codes = [Int32](repeating: 0, count: 40)
        cb.assign(keys: keys, rows: 20, codes: &codes, scratch: ScratchBuffer())
        for r in 0..<20 {
            for g in 0..<2 {
                func d(_ c: Int) -> Float { (0..<3).reduce(0) { let x = keys[(r * 2 + g) * 3 + $1] - cb.codeword(g, c)[$1]; return $0 + x * x } }
                let best = (0..<5).min { d($0) < d($1) }!
                #expect(Int(codes[r * 2 + g]) == best)
            }
        }
    }
}

@Test func codeAssignmentPicksTheFirstSmallestDistanceLikeAScanInOrder() {
    var rng = RandomSource(seed: 17)
    for n in [1, 5, 8, 13, 64, 67] {
        for trial in 0..<50 {
            // few distinct values, so ties are common and must go to the earliest code
            let norms = (0..<n).map { _ in Float(rng.below(4)) }
            let products = (0..<n).map { _ in Float(rng.below(3)) * 0.5 }
            var expected = 0
            for c in 1..<n where norms[c] - 2 * products[c] < norms[expected] - 2 * products[expected] { expected = c }
            #expect(Codebooks.firstMinimum(n, norms, products) == expected, "n \(n), trial \(trial)")
        }
    }
}
