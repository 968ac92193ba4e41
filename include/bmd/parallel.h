/// @file parallel.h
/// A parallel loop over independent tasks with POSIX threads, deterministic by construction:
/// task i writes only its own outputs, blocks of consecutive tasks go to the threads, and the
/// reported failure is the lowest-numbered one, whatever the number of threads.
#ifndef BMD_PARALLEL_H
#define BMD_PARALLEL_H

#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A task: do item i of ctx's work.
typedef bmd_status (*bmd_task_fn)(void *ctx, int i);

/// Threads to use for `threads` (<= 0: one per online processor), at most 64 and at most n.
int bmd_parallel_threads(int threads, long n);

/// Threads for each of n_outer tasks run in parallel on `threads` threads that run a parallel
/// loop of their own (a fly-out table's fan inside a loop over tables): the threads left over
/// when the outer loop has fewer tasks than threads, shared among them, at least 1; so that the
/// two levels together stay within `threads`.
int bmd_parallel_inner_threads(int threads, long n_outer);

/// Run fn(ctx, i) for i in [0, n) on `threads` threads (see bmd_parallel_threads); each thread
/// takes a contiguous block and stops its block at its first failure. Returns BMD_OK, or the
/// status of the lowest i that failed (*failed = i; -1 when all succeed; failed may be NULL).
bmd_status bmd_parallel_for(int n, int threads, bmd_task_fn fn, void *ctx, int *failed);

#ifdef __cplusplus
}
#endif
#endif
