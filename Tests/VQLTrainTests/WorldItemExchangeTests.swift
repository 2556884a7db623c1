import Testing
@testable import VQLTrain

/// `VQL_ITEM_EXCHANGE` takes "shared" or "messages"; anything else is refused by name,
/// not read as the default.
@Test(arguments: ["message", "SHARED", ""])
func itemExchangeSettingIsChecked(value: String) {
    #expect(throws: ConfigError.self) { try WorldItemExchange(world: TrainerFixture.world, environment: ["VQL_ITEM_EXCHANGE": value]) }
}

@Test(arguments: ["shared", "messages"])
func itemExchangeSettingsAccepted(value: String) throws {
    // one rank: no shared memory, so either setting falls back to messages
    let exchange = try WorldItemExchange(world: TrainerFixture.world, environment: ["VQL_ITEM_EXCHANGE": value])
    #expect(exchange.transport == "messages")
}
