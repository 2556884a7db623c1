// C library calls Swift's Glibc module does not import (<malloc.h>, GNU extensions, thread
// affinity), a vector square root without errno, the stop-signal handler, in C so that it
// only touches a sig_atomic_t (async-signal-safe), and a cache line's round trip between two
// CPUs, in C for its atomics.
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

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
/// Pins the calling thread to CPU `cpu` (0 on success), saving its previous set in `saved`
/// when not null.
static inline int vql_pin_thread(int cpu, cpu_set_t *saved) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -1;
    if (saved && pthread_getaffinity_np(pthread_self(), sizeof *saved, saved) != 0) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}
static inline void vql_unpin_thread(const cpu_set_t *saved) { pthread_setaffinity_np(pthread_self(), sizeof *saved, saved); }
/// The CPU the calling thread runs on now, or -1.
static inline int vql_current_cpu(void) { return sched_getcpu(); }
/// The CPUs this thread may run on, in order, into `out` (at most `capacity`); their count, or -1.
static inline int vql_allowed_cpus(int *out, int capacity) {
    cpu_set_t set;
    if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return -1;
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < capacity; c++) if (CPU_ISSET(c, &set)) out[n++] = c;
    return n;
}

struct vql_ping_pong { _Atomic long flag; long iterations; int cpu; int pinned; };
static inline void *vql_pong(void *arg) {
    struct vql_ping_pong *p = (struct vql_ping_pong *)arg;
    p->pinned = vql_pin_thread(p->cpu, 0) == 0;
    atomic_store_explicit(&p->flag, -1, memory_order_release);   // ready (or failed)
    if (!p->pinned) return 0;
    for (long i = 0; i < p->iterations; i++) {
        while (atomic_load_explicit(&p->flag, memory_order_acquire) != 2 * i + 1) {}
        atomic_store_explicit(&p->flag, 2 * i + 2, memory_order_release);
    }
    return 0;
}
/// Mean round trip, in nanoseconds, of one cache line written in turn by a thread on CPU `a`
/// (the caller, pinned for the measurement) and one on CPU `b`; -1 if either cannot run
/// there. Both threads spin: `a` and `b` must differ. One measurement at a time (the line is
/// a static).
static inline double vql_cache_line_round_trip_ns(int a, int b, long iterations) {
    static struct vql_ping_pong p __attribute__((aligned(64)));
    cpu_set_t saved;
    if (a == b || iterations < 1 || vql_pin_thread(a, &saved) != 0) return -1;
    atomic_store(&p.flag, 0);
    p.iterations = iterations;
    p.cpu = b;
    pthread_t thread;
    if (pthread_create(&thread, 0, vql_pong, &p) != 0) { vql_unpin_thread(&saved); return -1; }
    while (atomic_load_explicit(&p.flag, memory_order_acquire) != -1) {}
    double ns = -1;
    if (p.pinned) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < iterations; i++) {
            atomic_store_explicit(&p.flag, 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(&p.flag, memory_order_acquire) != 2 * i + 2) {}
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)iterations;
    }
    pthread_join(thread, 0);
    vql_unpin_thread(&saved);
    return ns;
}
#endif

#ifndef __linux__
static inline int vql_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int vql_start_writeback(int fd) { (void)fd; return 0; }
#endif
#endif
