import Foundation
import VQLDistributed
import VQLModel

/// The item-sharded step's collectives over the MPI world, each timed into the trainer's
/// `CollectiveSeconds`.
final class WorldItemExchange: ItemWorkExchange {
    let world: World
    private(set) var seconds = CollectiveSeconds()
    init(world: World) { self.world = world }
    var rank: Int { world.rank }
    var size: Int { world.size }

    private func timed<T>(_ field: WritableKeyPath<CollectiveSeconds, Double>, _ body: () -> T) -> T {
        let t = Date()
        defer { seconds[keyPath: field] += Date().timeIntervalSince(t) }
        return body()
    }
    func allgather(_ values: [Int32]) -> [Int32] {
        timed(\.itemIds) { values.withUnsafeBufferPointer { world.allgatherv($0).values } }
    }
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float] {
        timed(\.itemRows) { world.allgatherv(values, knownCounts: counts) }
    }
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>) {
        timed(\.itemGradients) { world.reduceScatterSum(values, counts: counts, into: block) }
    }
}
