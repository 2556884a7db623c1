// C library calls Swift's Glibc module does not import (<malloc.h>, GNU extensions), a vector
// square root without errno, and the stop-signal handler, in C so that it only touches a
// sig_atomic_t (async-signal-safe).
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
#endif

#include <signal.h>
/// The first stop signal this process received (0: none). Function-local so that the one
/// Swift module calling these functions owns the only copy.
static inline volatile sig_atomic_t *vql_stop_flag(void) { static volatile sig_atomic_t flag = 0; return &flag; }
/// Records the first signal; a second one gets the signal's default action (ends the process).
static inline void vql_on_stop_signal(int s) {
    volatile sig_atomic_t *flag = vql_stop_flag();
    if (*flag != 0) { signal(s, SIG_DFL); raise(s); return; }
    *flag = s;
}
/// Catches SIGTERM, SIGINT and SIGUSR1 with `vql_on_stop_signal`; returns 0 on success.
static inline int vql_catch_stop_signals(void) {
    struct sigaction action;
    action.sa_handler = vql_on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    int rc = 0;
    rc |= sigaction(SIGTERM, &action, 0);
    rc |= sigaction(SIGINT, &action, 0);
    rc |= sigaction(SIGUSR1, &action, 0);
    return rc;
}
static inline int vql_stop_signal_received(void) { return *vql_stop_flag(); }

/// Lane-wise IEEE square root of eight floats, as one vector instruction per register
/// (`sqrtps` on x86-64). Swift's `SIMD8<Float>.squareRoot()` on Linux takes each lane through
/// `sqrtf` with its errno check, a branch and sometimes a call per lane; both round correctly,
/// so results are the same.
typedef float vql_float8 __attribute__((ext_vector_type(8)));
static inline vql_float8 vql_sqrt8(vql_float8 x) { return __builtin_elementwise_sqrt(x); }

#ifndef __linux__
static inline int vql_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int vql_start_writeback(int fd) { (void)fd; return 0; }
#endif
#endif
