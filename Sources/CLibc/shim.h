// C library calls Swift's Glibc module does not import (they live in <malloc.h>).
#ifndef VQL_CLIBC_SHIM_H
#define VQL_CLIBC_SHIM_H
#ifdef __linux__
#include <malloc.h>
/// Fixes glibc's mmap threshold (disabling its dynamic adjustment); returns 1 on success.
static inline int vql_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
#else
static inline int vql_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
#endif
#endif
