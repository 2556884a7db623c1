import Foundation
import VQLDistributed
import VQLModel

/// The item-sharded step's collectives over the MPI world, timed so that the trainer's
/// communication share includes them.
final class WorldItemExchange: ItemWorkExchange {
    let world: World
    private(set) var seconds = 0.0
    init(world: World) { self.world = world }
    var rank: Int { world.rank }
    var size: Int { world.size }

    private func timed<T>(_ body: () -> T) -> T {
        let t = Date()
        defer { seconds += Date().timeIntervalSince(t) }
        return body()
    }
    func allgather(_ values: [Int32]) -> [Int32] { timed { values.withUnsafeBufferPointer { world.allgatherv($0).values } } }
    func allgather(_ values: UnsafeBufferPointer<Float>) -> [Float] { timed { world.allgatherv(values).values } }
    func allreduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) { timed { world.allreduceSum(values, count: count) } }
}
