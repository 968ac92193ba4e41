/* SPDX-License-Identifier: MIT */
/* parallel.c: a deterministic parallel loop over independent tasks (see parallel.h). */
#include "bmd/parallel.h"

#include <pthread.h>
#include <unistd.h>

int bmd_parallel_threads(int threads, long n)
{
    if (threads <= 0) {
        long p = sysconf(_SC_NPROCESSORS_ONLN);
        threads = p > 0 ? (int)(p < 64 ? p : 64) : 1;
    }
    if (threads > 64)
        threads = 64;
    if (n < threads)
        threads = n > 0 ? (int)n : 1;
    return threads;
}

int bmd_parallel_inner_threads(int threads, long n_outer)
{
    int all = bmd_parallel_threads(threads, 1L << 30);
    int outer = bmd_parallel_threads(threads, n_outer);
    return all / outer > 1 ? all / outer : 1;
}

typedef struct block {
    bmd_task_fn fn;
    void *ctx;
    int i0, i1;
    int failed;
    bmd_status st;
} block;

static void *run_block(void *arg)
{
    block *b = arg;
    for (int i = b->i0; i < b->i1; i++) {
        bmd_status st = b->fn(b->ctx, i);
        if (st != BMD_OK) {
            b->st = st;
            b->failed = i;
            break;
        }
    }
    return NULL;
}

bmd_status bmd_parallel_for(int n, int threads, bmd_task_fn fn, void *ctx, int *failed)
{
    if (failed)
        *failed = -1;
    if (n <= 0)
        return BMD_OK;
    threads = bmd_parallel_threads(threads, n);
    /* At most 64 threads: their blocks live here, so the loop itself never allocates (and never
     * has an allocation failure to report or work around). */
    block b[64];
    pthread_t tid[64];
    for (int q = 0; q < threads; q++) {
        b[q].fn = fn;
        b[q].ctx = ctx;
        b[q].i0 = (int)((long)n * q / threads);
        b[q].i1 = (int)((long)n * (q + 1) / threads);
        b[q].failed = -1;
        b[q].st = BMD_OK;
    }
    /* Blocks whose thread cannot be started run here, after the calling thread's own. */
    int started[64] = {0};
    for (int q = 1; q < threads; q++)
        started[q] = pthread_create(&tid[q], NULL, run_block, &b[q]) == 0;
    run_block(&b[0]);
    for (int q = 1; q < threads; q++) {
        if (started[q])
            pthread_join(tid[q], NULL);
        else
            run_block(&b[q]);
    }
    bmd_status st = BMD_OK;
    for (int q = 0; q < threads; q++)
        if (b[q].st != BMD_OK) {
            st = b[q].st;
            if (failed)
                *failed = b[q].failed;
            break;
        }
    return st;
}
