import CMPI

/// A Swift scalar with a matching MPI datatype, so collectives can be written once,
/// generically, and instantiated for the element types vql exchanges.
protocol MPIElement {
    static var mpiDatatype: MPI_Datatype { get }
}

extension Float: MPIElement {
    static var mpiDatatype: MPI_Datatype { vql_mpi_float()! }
}

extension Double: MPIElement {
    static var mpiDatatype: MPI_Datatype { vql_mpi_double()! }
}

extension Int32: MPIElement {
    static var mpiDatatype: MPI_Datatype { vql_mpi_int32()! }
}

extension Int64: MPIElement {
    static var mpiDatatype: MPI_Datatype { vql_mpi_int64()! }
}

extension UInt8: MPIElement {
    static var mpiDatatype: MPI_Datatype { vql_mpi_uint8()! }
}
