/// Why the MPI world could not be set up.
///
/// Errors during collectives are not thrown: a failed collective on one rank would leave
/// the others blocked, so collectives turn MPI errors into `World.abort` (which ends the
/// whole job). Only start-up problems, where nothing is blocked yet, surface as errors.
public enum WorldError: Error, CustomStringConvertible {
    /// The environment announces a multi-rank job but MPI started a world of size 1
    /// (typically: launched with an MPI other than the one vql links, or `srun` without
    /// a PMI plugin). Training would silently run N independent copies.
    case misconfiguredLaunch(String)
    /// An MPI call returned an error code before the world existed.
    case mpi(call: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .misconfiguredLaunch(let message):
            return "misconfigured launch: \(message)"
        case .mpi(let call, let code, let message):
            return "\(call) failed (MPI error \(code)): \(message)"
        }
    }
}
