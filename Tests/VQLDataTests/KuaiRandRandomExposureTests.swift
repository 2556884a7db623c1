import Foundation
import Testing
@testable import VQLData

/// Standard and random logs are prepared together and `is_rand` is kept per event
/// (`event_is_rand.u8`, in the prepared order).
@Test func kuaiRandKeepsIsRandPerEvent() throws {
    let rand = { (u: Int64, v: Int64, t: Int64) in
        "\(u),\(v),20220425,1200,\(t),1,0,0,0,0,0,0,1234,5678,0,0,0,1,1"
    }
    let f = try PreparedFixture(.kuairand, [
        Fixture.standard422: lines([Fixture.logHeader, Fixture.row(9, 1, time: 30, click: 0), Fixture.row(9, 2, time: 10, click: 1)]),
        Fixture.random: lines([Fixture.logHeader, rand(9, 2, 20), rand(3, 1, 5)]),
        Fixture.videos: Fixture.simpleVideos([1, 2]),
    ])
    defer { f.cleanup() }
    // user 3: (1@5 rand); user 9: (2@10), (2@20 rand), (1@30)
    #expect(f.items == [0, 1, 1, 0])
    #expect(f.times == [5, 10, 20, 30])
    let flags = try Data(contentsOf: URL(fileURLWithPath: f.dir.file("prepared/event_is_rand.u8")))
    #expect(Array(flags) == [1, 0, 1, 0])
    #expect(f.dataset.manifest.array(named: "event_is_rand.u8")?.count == 4)
}
