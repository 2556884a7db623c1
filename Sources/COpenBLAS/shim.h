// OpenBLAS's CBLAS (cblas_sgemm, ...) plus its thread-count controls.
#ifndef VQL_COPENBLAS_SHIM_H
#define VQL_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
