// C library calls Swift's Glibc module does not import (<malloc.h>, GNU extensions).
#ifndef VQL_CLIBC_SHIM_H
#define VQL_CLIBC_SHIM_H
#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <malloc.h>
/// Fixes glibc's mmap threshold (disabling its dynamic adjustment); returns 1 on success.
static inline int vql_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
/// Starts writing a file's dirty pages to disk without waiting (a later fsync then waits less).
static inline int vql_start_writeback(int fd) { return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); }
#else
static inline int vql_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int vql_start_writeback(int fd) { (void)fd; return 0; }
#endif
#endif
