/// @file sim_dist.h
/// A bmd_dist whose "processes" are threads of one test program: the library's distributed
/// loops (parallel.h) tested without MPI, under the sanitizers. sim_run(size, fn, arg) runs
/// fn(dist, arg, rank) on `size` threads, each with its own bmd_dist; their agree and allgather
/// meet at a barrier, as MPI's collectives do. The real one is cli/ranks_mpi.c (tests/test_mpi.sh).
#ifndef BMD_TEST_SIM_DIST_H
#define BMD_TEST_SIM_DIST_H

#include <pthread.h>
#include <string.h>

#include "bmd/parallel.h"

#define SIM_MAX 8

typedef struct sim_shared {
    int size;
    pthread_barrier_t bar;
    bmd_status st[SIM_MAX];
    long failed[SIM_MAX];
    const void *mine[SIM_MAX];
    int calls[SIM_MAX];  /* collective calls made by each rank */
} sim_shared;

typedef struct sim_proc {
    sim_shared *sh;
    bmd_dist d;
    void (*fn)(const bmd_dist *d, void *arg, int rank);
    void *arg;
} sim_proc;

static bmd_status sim_agree_(void *ctx, bmd_status st, long *failed)
{
    sim_proc *p = ctx;
    sim_shared *sh = p->sh;
    int r = p->d.rank;
    sh->st[r] = st;
    sh->failed[r] = st == BMD_OK ? -1 : *failed;
    sh->calls[r]++;
    pthread_barrier_wait(&sh->bar);
    bmd_status out = BMD_OK;
    long f = -1;
    for (int q = 0; q < sh->size; q++)
        if (sh->st[q] != BMD_OK && (out == BMD_OK || sh->failed[q] < f)) {
            out = sh->st[q];
            f = sh->failed[q];
        }
    pthread_barrier_wait(&sh->bar);
    *failed = f;
    return out;
}

static bmd_status sim_allgather(void *ctx, const void *mine, const size_t *bytes, void *all)
{
    sim_proc *p = ctx;
    sim_shared *sh = p->sh;
    sh->mine[p->d.rank] = mine;
    sh->calls[p->d.rank]++;
    pthread_barrier_wait(&sh->bar);
    unsigned char *o = all;
    for (int q = 0; q < sh->size; q++) {
        if (bytes[q])
            memcpy(o, sh->mine[q], bytes[q]);
        o += bytes[q];
    }
    pthread_barrier_wait(&sh->bar);
    return BMD_OK;
}

static void *sim_thread(void *arg)
{
    sim_proc *p = arg;
    p->fn(&p->d, p->arg, p->d.rank);
    return NULL;
}

/* Run fn on `size` simulated processes (1 .. SIM_MAX); returns the collective calls of rank 0
 * (every rank must have made as many: *same set false otherwise). */
static int sim_run(int size, void (*fn)(const bmd_dist *, void *, int), void *arg, int *same)
{
    sim_shared sh;
    memset(&sh, 0, sizeof sh);
    sh.size = size;
    pthread_barrier_init(&sh.bar, NULL, (unsigned)size);
    sim_proc p[SIM_MAX];
    pthread_t t[SIM_MAX];
    for (int r = 0; r < size; r++) {
        p[r].sh = &sh;
        p[r].d.rank = r;
        p[r].d.size = size;
        p[r].d.ctx = &p[r];
        p[r].d.agree = sim_agree_;
        p[r].d.allgather = sim_allgather;
        p[r].fn = fn;
        p[r].arg = arg;
    }
    for (int r = 1; r < size; r++)
        pthread_create(&t[r], NULL, sim_thread, &p[r]);
    sim_thread(&p[0]);
    for (int r = 1; r < size; r++)
        pthread_join(t[r], NULL);
    pthread_barrier_destroy(&sh.bar);
    *same = 1;
    for (int r = 1; r < size; r++)
        if (sh.calls[r] != sh.calls[0])
            *same = 0;
    return sh.calls[0];
}

#endif
