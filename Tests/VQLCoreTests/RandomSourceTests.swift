import Testing
@testable import VQLCore

@Test func sameSeedSameStream() {
    var a = RandomSource(seed: 42)
    var b = RandomSource(seed: 42)
    var c = RandomSource(seed: 43)
    let xa = (0..<8).map { _ in a.next() }
    let xb = (0..<8).map { _ in b.next() }
    let xc = (0..<8).map { _ in c.next() }
    #expect(xa == xb)
    #expect(xa != xc)
}

@Test func stateRoundTripsAndResumesTheStream() {
    var a = RandomSource(seed: 7)
    _ = (0..<5).map { _ in a.next() }
    var b = RandomSource(state: a.state)
    #expect((0..<16).map { _ in a.next() } == (0..<16).map { _ in b.next() })
}

@Test func permutationIsAPermutation() {
    var r = RandomSource(seed: 1)
    let p = r.permutation(1000)
    #expect(Set(p).count == 1000)
    #expect(p != (0..<1000).map { Int32($0) })
}

@Test func uniformStaysInUnitInterval() {
    var r = RandomSource(seed: 3)
    for _ in 0..<10_000 {
        let u = r.uniform()
        #expect(u >= 0 && u < 1)
    }
}
