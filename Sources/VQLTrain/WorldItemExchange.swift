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
    func allgather(_ values: [Int32]) -> (values: [Int32], counts: [Int]) { timed { values.withUnsafeBufferPointer { world.allgatherv($0) } } }
    func allgather(_ values: UnsafeBufferPointer<Float>, counts: [Int]) -> [Float] {
        timed { world.allgatherv(values, knownCounts: counts) }
    }
    func reduceScatterSum(_ values: UnsafeMutablePointer<Float>, counts: [Int], into block: UnsafeMutablePointer<Float>) {
        timed { world.reduceScatterSum(values, counts: counts, into: block) }
    }
}
