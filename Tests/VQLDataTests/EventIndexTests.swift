import Testing
@testable import VQLData

/// `EventIndex` must give the same ids, counts and order whatever the number of slices, and
/// that order must be by (dense user, time, file order).
@Test func eventIndexIsTheSameForAnySliceCount() {
    var log = EventLog()
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<5_000 {
        let user = log.users.id(Int64.random(in: 100...140, using: &rng) * 7)
        let item = log.items.id(Int64.random(in: 0...300, using: &rng) * 13)
        log.append(user: user, item: item, time: Int64.random(in: 0...50, using: &rng), label: Float(Int.random(in: 0...1, using: &rng)))
    }
    let one = EventIndex(log, slices: 1)
    #expect(one.positives == log.label.filter { $0 > 0 }.count)
    #expect(one.itemEvents.reduce(0, +) == Int64(log.count))
    // Sorted by (dense user, time, file order), and dense ids by ascending raw id.
    #expect(one.users.raw == one.users.raw.sorted() && one.items.raw == one.items.raw.sorted())
    for k in 1..<one.order.count {
        let a = Int(one.order[k - 1]), b = Int(one.order[k])
        let ua = one.users.map[Int(log.user[a])], ub = one.users.map[Int(log.user[b])]
        #expect(ua < ub || (ua == ub && (log.time[a] < log.time[b] || (log.time[a] == log.time[b] && a < b))))
    }
    for slices in [2, 3, 7] {
        let many = EventIndex(log, slices: slices, minimumSlice: 1)
        #expect(many.order == one.order, "\(slices) slices")
        #expect(many.userOffsets == one.userOffsets && many.itemEvents == one.itemEvents)
        #expect(many.users.map == one.users.map && many.items.map == one.items.map && many.positives == one.positives)
    }
}
