import CMPI

/// Placeholder until the MPI world lands; links MPI so the bridge is exercised.
public enum MPIBridge {
    public static var successCode: Int32 { vql_mpi_success() }
}
