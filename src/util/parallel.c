/* SPDX-License-Identifier: MIT */
/* parallel.c: a deterministic parallel loop over independent tasks (see parallel.h). */
#include "bmd/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
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

/* The loop's shared state. The threads take the next task from one counter (dynamic scheduling:
 * tasks of unequal cost, say fly-out tables at different burnout speeds, keep every thread busy
 * to the end, where fixed blocks left one thread with the long tail). Which thread runs a task
 * does not matter: task i writes only its own outputs. The failure reported is the lowest task
 * that failed, as with one thread: a thread stops taking tasks above the lowest failure seen, so
 * every task below the final one runs. */
typedef struct loop {
    bmd_task_fn fn;
    void *ctx;
    int n;
    atomic_int next;
    atomic_int failed;   /* the lowest task that failed so far; n when none */
    bmd_status st[64];   /* per thread: the status of its lowest failed task */
    int st_i[64];
} loop;

typedef struct worker {
    loop *l;
    int q;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    loop *l = w->l;
    for (;;) {
        int i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n || i > atomic_load(&l->failed))
            break;
        bmd_status st = l->fn(l->ctx, i);
        if (st != BMD_OK) {
            if (l->st_i[w->q] < 0 || i < l->st_i[w->q]) {
                l->st[w->q] = st;
                l->st_i[w->q] = i;
            }
            int f = atomic_load(&l->failed);
            while (i < f && !atomic_compare_exchange_weak(&l->failed, &f, i))
                ;
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
    /* At most 64 threads: their state lives here, so the loop itself never allocates (and never
     * has an allocation failure to report or work around). */
    loop l;
    l.fn = fn;
    l.ctx = ctx;
    l.n = n;
    atomic_init(&l.next, 0);
    atomic_init(&l.failed, n);
    worker w[64];
    pthread_t tid[64];
    int started[64] = {0};
    for (int q = 0; q < threads; q++) {
        l.st[q] = BMD_OK;
        l.st_i[q] = -1;
        w[q].l = &l;
        w[q].q = q;
    }
    /* A thread that cannot be started leaves its share to the others (the calling thread
     * always works, so every task runs). */
    for (int q = 1; q < threads; q++)
        started[q] = pthread_create(&tid[q], NULL, run_worker, &w[q]) == 0;
    run_worker(&w[0]);
    for (int q = 1; q < threads; q++)
        if (started[q])
            pthread_join(tid[q], NULL);
    int lo = atomic_load(&l.failed);
    if (lo >= n)
        return BMD_OK;
    bmd_status st = BMD_ERR_ARG;
    for (int q = 0; q < threads; q++)
        if (l.st_i[q] == lo)
            st = l.st[q];
    if (failed)
        *failed = lo;
    return st;
}

/* ---------------------------------------------------------------- several processes */

/* The items in blocks of `size` consecutive ones, one of each block to each process; which one
 * is drawn per block (a hash of the block's number), so that a process's items follow no row or
 * column of a grid (plain i mod size gave one process every other column of a map's lattice, and
 * columns cost unequally: 0.3 s of waiting in a 1.2 s pass), yet come in increasing order: a
 * process's first failure is its lowest one, so the agreed failure is the lowest of all, as with
 * one process. */
static int block_shift(int b, int size)
{
    uint64_t z = (uint64_t)b + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (int)(z % (uint64_t)size);
}

/* This process's place within block b. */
static int place_in(const bmd_dist *d, int b)
{
    return (d->rank - block_shift(b, d->size) + d->size) % d->size;
}

int bmd_dist_count(const bmd_dist *d, int n)
{
    if (n <= 0)
        return 0;
    if (!d || d->size <= 1)
        return n;
    int full = n / d->size;
    int rest = n % d->size;
    return full + (rest > 0 && place_in(d, full) < rest);
}

int bmd_dist_item(const bmd_dist *d, int j)
{
    return !d || d->size <= 1 ? j : j * d->size + place_in(d, j);
}

bmd_status bmd_dist_exchange(const bmd_dist *d, int n, bmd_status st, long *failed,
                             size_t rec_size, bmd_pack_fn pack, bmd_unpack_fn unpack, void *ctx)
{
    if (!d || d->size <= 1)
        return st;
    st = d->agree(d->ctx, st, failed);
    if (st != BMD_OK || n <= 0)
        return st;
    int P = d->size;
    int mine_n = bmd_dist_count(d, n);
    size_t *bytes = malloc((size_t)P * sizeof *bytes);
    unsigned char *mine = malloc((size_t)mine_n * rec_size + 1);
    unsigned char *all = malloc((size_t)n * rec_size + 1);
    /* Running out of memory here is one process's failure: agreed on like the loop's. */
    long none = -1;
    st = d->agree(d->ctx, bytes && mine && all ? BMD_OK : BMD_ERR_NOMEM, &none);
    if (st == BMD_OK) {
        for (int r = 0; r < P; r++) {
            bmd_dist o = *d;
            o.rank = r;
            bytes[r] = (size_t)bmd_dist_count(&o, n) * rec_size;
        }
        for (int j = 0; j < mine_n; j++)
            pack(ctx, bmd_dist_item(d, j), mine + (size_t)j * rec_size);
        st = d->allgather(d->ctx, mine, bytes, all);
    }
    if (st == BMD_OK) {
        const unsigned char *p = all;
        for (int r = 0; r < P; r++) {
            bmd_dist o = *d;
            o.rank = r;
            int c = bmd_dist_count(&o, n);
            for (int j = 0; r != d->rank && j < c; j++)
                unpack(ctx, bmd_dist_item(&o, j), p + (size_t)j * rec_size);
            p += (size_t)c * rec_size;
        }
    }
    free(bytes);
    free(mine);
    free(all);
    return st;
}
