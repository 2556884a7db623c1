import Testing
@testable import VQLTrain

@Test func nonFiniteGuardFindsEveryPlaceANaNOrInfinityCanSit() throws {
    let t = try Trainer(config: try TrainerFixture.config(), world: TrainerFixture.world, runDirectory: nil)
    try t.trainStep()
    let params = t.network.params
    #expect(NonFiniteGuard.problem(loss: 0.5, network: t.network) == nil)
    #expect(NonFiniteGuard.problem(loss: .infinity, network: t.network) == "loss is inf")
    let lastSlot = params.slots.last!
    for index in [0, lastSlot.offset + lastSlot.count - 1] {
        let slot = params.slots.last { $0.offset <= index }!
        let saved = params.grads.pointer[index]
        params.grads.pointer[index] = .nan
        #expect(NonFiniteGuard.problem(loss: 0.5, network: t.network) == "gradient of \(slot.name)[\(index - slot.offset)] is nan")
        params.grads.pointer[index] = saved
    }
    // A table's gradient is rows × width floats, so its last one may sit in the scalar tail.
    let table = try #require(t.network.tables.first { $0.gradient.count > 0 })
    let last = table.gradient.count * table.width - 1
    table.gradient.values.pointer[last] = -.infinity
    #expect(NonFiniteGuard.problem(loss: 0.5, network: t.network) == "gradient of \(table.name) row \(table.gradient.rowIds.last!) is -inf")
    #expect(NonFiniteGuard.allFinite(3, [1, 2, 3]))
    #expect(!NonFiniteGuard.allFinite(11, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, .nan]))
}
