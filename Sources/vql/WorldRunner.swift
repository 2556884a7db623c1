import ArgumentParser
import Foundation
import VQLDistributed
import VQLTrain

/// Runs `body` on this process's MPI world and turns any error into the right ending:
/// alone, a message and exit code 1; in a multi-rank job, MPI_Abort naming this rank and
/// the cause, so the other ranks never wait forever in a collective. An error every rank
/// reaches together (`EveryRankError.isShared`) ends each rank with its message instead.
enum WorldRunner {
    static func run(_ body: (World) throws -> Void) throws {
        let world: World
        do { world = try World.initialize() } catch {
            FileHandle.standardError.write(Data("vql: \(error)\n".utf8))
            throw ExitCode(2)
        }
        do {
            try body(world)
            world.finalize()
        } catch let exit as ExitCode {
            world.finalize()
            throw exit
        } catch where EveryRankError.isShared(error) && world.size > 1 {
            // Every rank is here together (same reduced values, same checkpoint): each one
            // prints the diagnostic and the job ends cleanly, no MPI_Abort racing the prints.
            FileHandle.standardError.write(Data("vql: rank \(world.rank)/\(world.size): \(error)\n".utf8))
            world.finalize()
            throw ExitCode(1)
        } catch {
            if world.size > 1 { world.abort("\(error)") }
            FileHandle.standardError.write(Data("vql: \(error)\n".utf8))
            world.finalize()
            throw ExitCode(1)
        }
    }
}
