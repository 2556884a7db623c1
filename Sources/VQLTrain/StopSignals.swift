import CLibc

/// A clean stop of training on SIGTERM, SIGINT or SIGUSR1 (what Slurm sends at the time
/// limit, on preemption, or ahead of either with `--signal=USR1@SECONDS`; Open MPI's
/// mpirun forwards SIGUSR1 to the ranks).
///
/// The handler only records the first signal. The ranks agree on stopping at the end of a
/// step (the flag rides on the step's loss allreduce, so no extra collective), rank 0
/// writes a checkpoint of that step, and every rank exits with 128 + the signal number.
/// A second signal ends the process at once with the signal's default action.
public enum StopSignals {
    /// Installs the handler (idempotent: a signal already recorded stays recorded).
    public static func install() {
        _ = vql_catch_stop_signals()
    }

    /// The first stop signal this process received, or 0.
    public static var received: Int32 { Int32(vql_stop_signal_received()) }

    /// "SIGTERM", "SIGINT", "SIGUSR1", or "signal N".
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGUSR1: return "SIGUSR1"
        default: return "signal \(signal)"
        }
    }
}

/// Training stopped on a signal after writing a checkpoint of `step` (every rank throws it
/// together, so the job ends without MPI_Abort).
public struct TrainingStopped: Error, CustomStringConvertible {
    public let step: Int
    public let signal: Int32
    public let checkpoint: String?
    /// 128 + the signal number, the shell's convention for a process ended by a signal.
    public var exitCode: Int32 { 128 + signal }

    public var description: String {
        "stopped at step \(step) on \(StopSignals.name(signal))"
            + (checkpoint.map { "; checkpoint \($0) written, continue with `vql train --resume`" } ?? "")
    }
}
