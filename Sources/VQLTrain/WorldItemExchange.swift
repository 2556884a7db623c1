import Foundation
import VQLDistributed
import VQLModel

/// The item-sharded step's collectives over the MPI world, each timed into the trainer's
/// `CollectiveSeconds`. With every rank on one machine the rows and the slot gradients go
/// through shared memory (`SharedWindow`) instead of copies, unless
/// `VQL_ITEM_EXCHANGE=messages` is set (on every rank, or the ranks agree on messages).
final class WorldItemExchange: ItemWorkExchange {
    let world: World
    private(set) var seconds = CollectiveSeconds()
    private(set) var rowMemory: PeerMemory?
    private(set) var gradientMemory: PeerMemory?
    /// The sparse gradients and loss sums of `GradientExchange` (timed there, with the rest
    /// of the exchange).
    private(set) var sparseMemory: PeerMemory?

    init(world: World, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.world = world
        let setting = environment["VQL_ITEM_EXCHANGE"]
        guard setting == nil || setting == "shared" || setting == "messages" else {
            throw ConfigError(source: "environment", key: "VQL_ITEM_EXCHANGE",
                              message: "expected \"shared\" (the default on one machine) or \"messages\", found \"\(setting!)\"")
        }
        // both collective, so that every rank takes the same path
        guard world.allAgree(setting != "messages"), world.size > 1, world.sharesOneMachine() else { return }
        rowMemory = TimedMemory(SharedWindow(world: world)) { [unowned self] in self.seconds.itemRows += $0 }
        gradientMemory = TimedMemory(SharedWindow(world: world)) { [unowned self] in self.seconds.itemGradients += $0 }
        sparseMemory = TimedMemory(SharedWindow(world: world)) { _ in }
    }

    var rank: Int { world.rank }
    var size: Int { world.size }
    /// "shared memory" or "messages", for logs and benchmarks.
    var transport: String { rowMemory == nil ? "messages" : "shared memory" }

    private func timed<T>(_ field: WritableKeyPath<CollectiveSeconds, Double>, _ body: () -> T) -> T {
        let t = Date()
        defer { seconds[keyPath: field] += Date().timeIntervalSince(t) }
        return body()
    }
    func allgather(_ values: [Int32]) -> (values: [Int32], counts: [Int]) {
        timed(\.itemIds) { values.withUnsafeBufferPointer { world.allgatherv($0) } }
    }
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float] {
        timed(\.itemRows) { world.allgatherv(values, knownCounts: counts) }
    }
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>) {
        timed(\.itemGradients) { world.reduceScatterSum(values, counts: counts, into: block) }
    }
}

/// A `SharedWindow` whose synchronisations (where ranks wait for each other) are timed.
private final class TimedMemory: PeerMemory {
    let window: SharedWindow
    let record: (Double) -> Void
    init(_ window: SharedWindow, record: @escaping (Double) -> Void) { self.window = window; self.record = record }
    func reserve(_ count: Int) { window.reserve(count) }
    var own: UnsafeMutablePointer<Float> { window.own }
    func segment(of r: Int) -> UnsafePointer<Float> { window.segment(of: r) }
    func synchronize() {
        let t = Date()
        window.synchronize()
        record(Date().timeIntervalSince(t))
    }
}
