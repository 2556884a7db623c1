/// Detects a launch whose environment announces several ranks while MPI reports one.
///
/// Launchers export the job size to every process. If MPI nevertheless initialises a
/// singleton world, each process would train alone on all data and write the same files:
/// a silent, expensive mistake. The check is a pure function of the environment and the
/// size MPI reported so it can be tested without a launcher.
public enum LaunchCheck {
    /// Where an expected world size came from: the variable and its value.
    public struct Announcement: Equatable, Sendable {
        public let variable: String
        public let size: Int
    }

    /// Variables set by MPI launchers, most authoritative first. A launcher's own variable
    /// beats Slurm's, because `mpirun` inside an allocation inherits the allocation's
    /// Slurm variables while describing a different set of processes.
    static let launcherVariables = [
        "OMPI_COMM_WORLD_SIZE",   // Open MPI mpirun / prterun
        "PMIX_SIZE",              // some PMIx launchers
        "PMI_SIZE",               // MPICH hydra, Intel MPI, srun --mpi=pmi2
        "MV2_COMM_WORLD_SIZE",    // MVAPICH2
    ]

    /// Slurm step ids at or above this value denote the batch script, the extern step and
    /// other pseudo-steps, not an `srun` task launch.
    static let firstPseudoStepID: UInt64 = 0xFFFF_FFF0

    /// The world size the environment announces, if any launcher announced one.
    ///
    /// Slurm counts only inside an `srun` step (SLURM_STEP_ID numeric and not a pseudo-step,
    /// SLURM_PROCID set): `SLURM_STEP_NUM_TASKS`, else `SLURM_NTASKS`. Inside a bare batch
    /// script the allocation's task count says nothing about this process.
    public static func announcedSize(environment env: [String: String]) -> Announcement? {
        for name in launcherVariables {
            if let raw = env[name], let n = Int(raw.trimmingSpaces), n >= 1 {
                return Announcement(variable: name, size: n)
            }
        }
        guard let stepRaw = env["SLURM_STEP_ID"], let step = UInt64(stepRaw.trimmingSpaces),
              step < firstPseudoStepID, env["SLURM_PROCID"] != nil else { return nil }
        for name in ["SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_NPROCS"] {
            if let raw = env[name], let n = Int(raw.trimmingSpaces), n >= 1 {
                return Announcement(variable: name, size: n)
            }
        }
        return nil
    }

    /// A message explaining the misconfiguration, or nil when the launch is consistent.
    /// Only "several announced, one started" is flagged: that is the silent failure.
    public static func problem(environment env: [String: String], mpiSize: Int) -> String? {
        guard mpiSize == 1, let a = announcedSize(environment: env), a.size > 1 else { return nil }
        return "the environment announces \(a.size) ranks (\(a.variable)=\(a.size)) but MPI started "
            + "a world of size 1. Each process would train alone. Launch with the mpirun of the "
            + "Open MPI vql is linked against (see launch/local.sh), or under Slurm use "
            + "`srun --mpi=pmix` (launch/slurm.sbatch); do not set \(a.variable) by hand."
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
