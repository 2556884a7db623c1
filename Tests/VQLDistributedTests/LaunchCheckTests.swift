import Testing
@testable import VQLDistributed

/// The misconfigured-launch rule as a pure function of (environment, MPI size).
@Suite struct LaunchCheckTests {
    @Test func plainSingletonIsFine() {
        #expect(LaunchCheck.announcedSize(environment: [:]) == nil)
        #expect(LaunchCheck.problem(environment: ["HOME": "/root"], mpiSize: 1) == nil)
    }

    @Test func openMPISizeWithSingletonIsRefused() throws {
        let env = ["OMPI_COMM_WORLD_SIZE": "2"]
        let message = try #require(LaunchCheck.problem(environment: env, mpiSize: 1))
        #expect(message.contains("OMPI_COMM_WORLD_SIZE=2"))
        #expect(message.contains("size 1"))
    }

    @Test func consistentMultiRankIsFine() {
        #expect(LaunchCheck.problem(environment: ["OMPI_COMM_WORLD_SIZE": "2"], mpiSize: 2) == nil)
        #expect(LaunchCheck.problem(environment: ["OMPI_COMM_WORLD_SIZE": "1"], mpiSize: 1) == nil)
    }

    @Test(arguments: ["PMI_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE"])
    func otherLaunchers(variable: String) {
        #expect(LaunchCheck.problem(environment: [variable: "4"], mpiSize: 1) != nil)
        #expect(LaunchCheck.announcedSize(environment: [variable: "4"]) == .init(variable: variable, size: 4))
    }

    @Test func slurmCountsOnlyInsideAStep() {
        // A bare batch script: allocation size says nothing about this process.
        #expect(LaunchCheck.problem(environment: ["SLURM_NTASKS": "8"], mpiSize: 1) == nil)
        // Batch pseudo-step (0xFFFFFFFB) is not an srun launch either.
        #expect(LaunchCheck.problem(environment: ["SLURM_NTASKS": "8", "SLURM_STEP_ID": "4294967291",
                                                  "SLURM_PROCID": "0"], mpiSize: 1) == nil)
        // srun without a working PMI plugin: each task sees a singleton.
        let srun = ["SLURM_NTASKS": "8", "SLURM_STEP_ID": "0", "SLURM_PROCID": "3"]
        #expect(LaunchCheck.problem(environment: srun, mpiSize: 1) != nil)
        // The step's own task count wins over the job's.
        var step = srun
        step["SLURM_STEP_NUM_TASKS"] = "1"
        #expect(LaunchCheck.problem(environment: step, mpiSize: 1) == nil)
    }

    @Test func launcherVariableBeatsSlurm() {
        // mpirun -np 1 inside a multi-task allocation: Open MPI's own variable says 1.
        let env = ["OMPI_COMM_WORLD_SIZE": "1", "SLURM_NTASKS": "4", "SLURM_STEP_ID": "0", "SLURM_PROCID": "0"]
        #expect(LaunchCheck.problem(environment: env, mpiSize: 1) == nil)
    }

    @Test func garbageIsIgnored() {
        #expect(LaunchCheck.problem(environment: ["OMPI_COMM_WORLD_SIZE": "two"], mpiSize: 1) == nil)
        #expect(LaunchCheck.problem(environment: ["PMI_SIZE": " 3 "], mpiSize: 1) != nil)
    }

    @Test func errorDescriptionNamesTheProblem() {
        let e = WorldError.misconfiguredLaunch("x")
        #expect(e.description.hasPrefix("misconfigured launch: "))
        let m = WorldError.mpi(call: "MPI_Init_thread", code: 3, message: "bad")
        #expect(m.description.contains("MPI_Init_thread"))
    }
}
