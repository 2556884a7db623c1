import ArgumentParser
import Foundation
import VQLDistributed
import VQLTrain

/// Runs `body` on this process's MPI world and turns any error into the right ending:
/// alone, a message and exit code 1; in a multi-rank job, MPI_Abort naming this rank and
/// the cause, so the other ranks never wait forever in a collective. An error every rank
/// reaches together (`EveryRankError.isShared`) ends each rank with its message instead,
/// and a stop on a signal (`TrainingStopped`) with 128 + the signal number.
enum WorldRunner {
    static func run(_ body: (World) throws -> Void) throws {
        let world: World
        do { world = try World.initialize() } catch {
            report("vql: \(error)")
            throw ExitCode(2)
        }
        do {
            try body(world)
            world.finalize()
        } catch let exit as ExitCode {
            world.finalize()
            throw exit
        } catch let stop as TrainingStopped {
            // Every rank stops together after the checkpoint (see `StopSignals`).
            if world.isRoot { report("vql: \(stop)") }
            world.finalize()
            throw ExitCode(stop.exitCode)
        } catch where EveryRankError.isShared(error) && world.size > 1 {
            // Every rank is here together (same reduced values, same checkpoint): each one
            // prints the diagnostic and the job ends cleanly, no MPI_Abort racing the prints.
            report("vql: rank \(world.rank)/\(world.size): \(error)")
            world.finalize()
            throw ExitCode(1)
        } catch {
            if world.size > 1 { world.abort("\(error)") }
            report("vql: \(error)")
            world.finalize()
            throw ExitCode(1)
        }
    }

    /// Writes `text` to stderr after flushing stdout (all streams), so that in a log file the message
    /// follows the lines printed before it.
    static func report(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
