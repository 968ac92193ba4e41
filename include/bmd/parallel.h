/// @file parallel.h
/// A parallel loop over independent tasks with POSIX threads, deterministic by construction:
/// task i writes only its own outputs, whichever thread runs it, and the reported failure is the
/// lowest-numbered one, whatever the number of threads. The same loops can be shared among the
/// processes of a distributed run (bmd_dist, below).
#ifndef BMD_PARALLEL_H
#define BMD_PARALLEL_H

#include <stddef.h>

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

/// Run fn(ctx, i) for i in [0, n) on `threads` threads (see bmd_parallel_threads), the calling
/// thread one of them; each thread takes the next task when done with one (tasks of unequal cost
/// keep every thread busy), and none above a task that failed. Returns BMD_OK, or the status of
/// the lowest i that failed (*failed = i; -1 when all succeed; failed may be NULL).
bmd_status bmd_parallel_for(int n, int threads, bmd_task_fn fn, void *ctx, int *failed);

/* ---------------------------------------------------------------- several processes */

/// The processes of a distributed run (MPI ranks on one machine or many), supplied by the caller
/// (bmdsim's command line: cli/ranks.h), so that the library itself has no MPI code. A grid loop
/// given one shares its items among the processes, one item of each block of `size` consecutive
/// ones to each (which one drawn per block, so that no process gets a row or column pattern of a
/// grid; a process's items still come in increasing order), and exchanges the results, so that
/// every process ends
/// with the whole: the same bytes as one process computes, whatever the number of processes.
/// Every process must run the same calls on the same inputs: a loop's exchange is collective.
typedef struct bmd_dist {
    int rank;   ///< this process, 0 .. size-1
    int size;   ///< the processes (1: nothing to share)
    void *ctx;  ///< for the two functions
    /// Agree on a loop's outcome: every process gives its status and the first item that failed
    /// (-1: none), and every process receives the failure of the lowest item over all the
    /// processes (with its status), or BMD_OK and -1. A process may instead receive the status
    /// the caller's agreement reports when another process failed outside the loop (bmdsim:
    /// BMD_ERR_PEER); then no process exchanges anything more. Collective.
    bmd_status (*agree)(void *ctx, bmd_status st, long *failed);
    /// Every process's block to every process: process r's bytes[r] bytes at mine are copied
    /// into all after the blocks of processes 0 .. r-1 (mine may not overlap all). Returns BMD_OK
    /// or BMD_ERR_NOMEM (then on every process alike). Collective.
    bmd_status (*allgather)(void *ctx, const void *mine, const size_t *bytes, void *all);
} bmd_dist;

/// The items of [0, n) that this process takes: n when d is NULL or of one process, else one of
/// each block of `size` items (n / size or one more).
int bmd_dist_count(const bmd_dist *d, int n);

/// This process's j-th item (j in [0, bmd_dist_count)): in block j (j size .. j size + size - 1),
/// increasing with j (j itself without d).
int bmd_dist_item(const bmd_dist *d, int j);

/// Pack item i's result into rec (rec_size bytes) / unpack it from there: the exchange's
/// serialisation of a loop's results (each item's result is the same bytes on every process).
typedef void (*bmd_pack_fn)(void *ctx, int i, void *rec);
typedef void (*bmd_unpack_fn)(void *ctx, int i, const void *rec);

/// The end of a distributed loop over [0, n) whose tasks this process ran on its own items:
/// agree on the outcome (st and *failed: this process's first failure, -1 for none, in global
/// item numbers; on return the agreed ones), and when every process succeeded, give every
/// process the results of the others' items (packed, gathered, unpacked: rec_size bytes per
/// item). Without d, or with one process, returns st as it is. Collective.
bmd_status bmd_dist_exchange(const bmd_dist *d, int n, bmd_status st, long *failed,
                             size_t rec_size, bmd_pack_fn pack, bmd_unpack_fn unpack, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
