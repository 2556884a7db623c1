// OpenMPI defines its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, ...) as
// macros over addresses of globals, which Swift cannot import. These inline getters are
// the only place that names them; VQLDistributed wraps them in a typed API.
#ifndef VQL_CMPI_SHIM_H
#define VQL_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm vql_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype vql_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype vql_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype vql_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype vql_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype vql_mpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Datatype vql_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op vql_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op vql_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op vql_mpi_min(void) { return MPI_MIN; }
static inline void *vql_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int vql_mpi_success(void) { return MPI_SUCCESS; }
static inline int vql_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline MPI_Errhandler vql_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int vql_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline int vql_mpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
static inline MPI_Info vql_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline int vql_mpi_mode_nocheck(void) { return MPI_MODE_NOCHECK; }
static inline MPI_Comm vql_mpi_comm_null(void) { return MPI_COMM_NULL; }

#endif
