/* SPDX-License-Identifier: MIT */
/* ranks_mpi.c: ranks.h over MPI (MPI_COMM_WORLD). Only the main thread calls MPI
 * (MPI_THREAD_FUNNELED): the thread pools of src/util/parallel.c never do. MPI's default error
 * handler stays: a failed MPI call ends the whole job.
 *
 * The collectives are the non-blocking ones, waited for with short sleeps: a rank that is done
 * with its share sleeps until the others are, where a blocking MPI call would poll at full speed
 * and take a processor from the ranks and threads still working on the same machine. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "cli.h"
#include "progress.h"
#include "ranks.h"

static bool started = false;
static int rank = 0;
static int size = 1;
static int local_size = 1;

/* Whether an MPI launcher started this process, or BMDSIM_MPI=1 asks for MPI anyway. */
static bool launched(void)
{
    const char *force = getenv("BMDSIM_MPI");
    if (force && force[0])
        return strcmp(force, "0") != 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

/* Wait for a non-blocking collective: test, then sleep 50 us, growing to 2 ms while it lasts
 * (a chunk of runs takes tens of milliseconds or more, so this costs at most a few per cent). */
static void wait_for(MPI_Request *req)
{
    long ns = 50000;
    for (;;) {
        int done = 0;
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return;
        struct timespec t = {0, ns};
        nanosleep(&t, NULL);
        if (ns < 2000000)
            ns *= 2;
    }
}

bool ranks_init(int *argc, char ***argv)
{
    if (!launched())
        return true;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        cli_error(NULL, "MPI could not start (MPI_Init_thread failed)");
        return false;
    }
    started = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* The ranks sharing this machine's memory: they share its processors too. */
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &local_size);
        MPI_Comm_free(&node);
    }
    /* Only rank 0 writes stdout and shows the progress bar. */
    if (rank > 0)
        prog_silence();
    if (rank > 0 && !freopen("/dev/null", "w", stdout)) {
        cli_error(NULL, "rank %d: cannot silence stdout", rank);
        return false;
    }
    return true;
}

void ranks_finalize(void)
{
    if (!started)
        return;
    fflush(stdout);
    MPI_Finalize();
    started = false;
}

int ranks_rank(void)
{
    return rank;
}

int ranks_size(void)
{
    return size;
}

const char *ranks_impl(void)
{
    return "with MPI";
}

int ranks_default_threads(void)
{
    if (size == 1)
        return 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long t = cpus > 0 ? cpus / (local_size > 0 ? local_size : 1) : 1;
    return t < 1 ? 1 : (t > 64 ? 64 : (int)t);
}

void ranks_split(long first, long n, long *my_first, long *my_n)
{
    long q = n / size;
    long r = n % size;
    /* The first r ranks take q+1 cases, the others q. */
    *my_first = first + (long)rank * q + (rank < r ? rank : r);
    *my_n = q + (rank < r ? 1 : 0);
}

void ranks_sum(long *v, int n)
{
    if (size == 1 || n <= 0)
        return;
    MPI_Request req;
    MPI_Iallreduce(MPI_IN_PLACE, v, n, MPI_LONG, MPI_SUM, MPI_COMM_WORLD, &req);
    wait_for(&req);
}

void ranks_bcast(void *buf, size_t bytes)
{
    if (size == 1 || bytes == 0)
        return;
    /* In pieces of at most INT_MAX bytes (MPI counts are int). */
    unsigned char *p = buf;
    while (bytes > 0) {
        size_t k = bytes < (size_t)1 << 30 ? bytes : (size_t)1 << 30;
        MPI_Request req;
        MPI_Ibcast(p, (int)k, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
        wait_for(&req);
        p += k;
        bytes -= k;
    }
}

void ranks_gather(const void *mine, size_t bytes, void *out)
{
    if (size == 1 || rank == 0) {
        if (mine != out && bytes > 0)
            memmove(out, mine, bytes);
    }
    if (size == 1)
        return;
    /* The blocks' sizes first (64-bit: a block may pass INT_MAX bytes), then each block in
     * pieces of at most 1 GiB (MPI counts are int), rank by rank. */
    unsigned long long mine_n = bytes;
    unsigned long long *sizes = NULL;
    if (rank == 0) {
        sizes = malloc((size_t)size * sizeof *sizes);
        if (!sizes) {
            fprintf(stderr, "bmdsim: out of memory gathering the ranks' results\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Request req;
    MPI_Igather(&mine_n, 1, MPI_UNSIGNED_LONG_LONG, sizes, 1, MPI_UNSIGNED_LONG_LONG, 0,
                MPI_COMM_WORLD, &req);
    wait_for(&req);
    const size_t piece = (size_t)1 << 30;
    if (rank == 0) {
        unsigned char *p = (unsigned char *)out + bytes;
        for (int r = 1; r < size; r++) {
            for (unsigned long long left = sizes[r]; left > 0;) {
                size_t k = left < piece ? (size_t)left : piece;
                MPI_Irecv(p, (int)k, MPI_BYTE, r, 17, MPI_COMM_WORLD, &req);
                wait_for(&req);
                p += k;
                left -= k;
            }
        }
        free(sizes);
    } else {
        const unsigned char *p = mine;
        for (size_t left = bytes; left > 0;) {
            size_t k = left < piece ? left : piece;
            MPI_Isend(p, (int)k, MPI_BYTE, 0, 17, MPI_COMM_WORLD, &req);
            wait_for(&req);
            p += k;
            left -= k;
        }
    }
}

/* Every agreement (ranks_agree, a distributed loop's) is this one collective, so a rank that
 * failed outside a loop and one still in the loop meet in the same call: each rank gives a vote
 * and receives every rank's. */
typedef struct vote {
    int origin;  /* VOTE_EXIT: ranks_agree (code: an exit status); VOTE_LOOP: a loop (code: a
                  * bmd_status) */
    int code;    /* 0: ok */
    int item;    /* a loop's first failed item (-1: none, or before any item) */
} vote;
enum { VOTE_EXIT = 1, VOTE_LOOP = 2 };

static bool failed_seen = false;

/* Every rank's vote, in rank order, into all (size votes; the table is made once, at the first
 * agreement... and kept: a failure to make it ends the job, every rank alike cannot be told). */
static void vote_all(const vote *mine, vote *all)
{
    MPI_Request req;
    MPI_Iallgather(mine, 3, MPI_INT, all, 3, MPI_INT, MPI_COMM_WORLD, &req);
    wait_for(&req);
}

static vote *vote_table(void)
{
    static vote *all = NULL;
    if (!all) {
        all = malloc((size_t)size * sizeof *all);
        if (!all) {
            fprintf(stderr, "bmdsim: rank %d: out of memory agreeing with the other ranks\n", rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    return all;
}

int ranks_agree(const char *cmd, int status)
{
    if (size == 1)
        return status;
    vote mine = {VOTE_EXIT, status, -1};
    vote *all = vote_table();
    vote_all(&mine, all);
    int out = 0;
    int who = -1;
    for (int i = 0; i < size && out == 0; i++) {
        if (all[i].code != 0) {
            /* A rank's failed loop (it ends with status 1, after saying why on rank 0). */
            out = all[i].origin == VOTE_EXIT ? all[i].code : EXIT_INTERNAL;
            who = i;
        }
    }
    if (out != 0)
        failed_seen = true;
    if (rank == 0 && status == 0 && out != 0)
        cli_error(cmd, "rank %d of %d failed (exit status %d; its own message is not shown: run "
                  "it again with one process to see it)", who, size, out);
    return out;
}

bool ranks_failed(void)
{
    return failed_seen;
}

/* bmd_dist's agree: the failure of the lowest item over the ranks (a failure before any item,
 * -1, first; the lower rank on a tie), or BMD_ERR_PEER when a rank failed outside the loop. */
static bmd_status dist_agree(void *ctx, bmd_status st, long *failed)
{
    (void)ctx;
    vote mine = {VOTE_LOOP, (int)st, st == BMD_OK ? -1 : (int)*failed};
    vote *all = vote_table();
    vote_all(&mine, all);
    int best = -1;
    for (int i = 0; i < size; i++) {
        if (all[i].code == 0)
            continue;
        if (all[i].origin == VOTE_EXIT) {
            failed_seen = true;
            *failed = -1;
            if (rank == 0)
                cli_error(NULL, "rank %d of %d failed (exit status %d; its own message is not "
                          "shown: run it again with one process to see it)", i, size,
                          all[i].code);
            return BMD_ERR_PEER;
        }
        if (best < 0 || all[i].item < all[best].item)
            best = i;
    }
    if (best < 0) {
        *failed = -1;
        return BMD_OK;
    }
    failed_seen = true;
    *failed = all[best].item;
    return (bmd_status)all[best].code;
}

/* bmd_dist's allgather: MPI_Allgatherv when the whole fits MPI's int counts, else each rank's
 * block broadcast from it in pieces of at most 1 GiB. */
static bmd_status dist_allgather(void *ctx, const void *mine, const size_t *bytes, void *all)
{
    (void)ctx;
    size_t total = 0;
    for (int r = 0; r < size; r++)
        total += bytes[r];
    unsigned char *out = all;
    MPI_Request req;
    if (total <= (size_t)INT_MAX) {
        int *counts = malloc((size_t)size * 2 * sizeof *counts);
        long none = -1;
        if (dist_agree(NULL, counts ? BMD_OK : BMD_ERR_NOMEM, &none) != BMD_OK) {
            free(counts);
            return BMD_ERR_NOMEM;
        }
        int *displs = counts + size;
        int at = 0;
        for (int r = 0; r < size; r++) {
            counts[r] = (int)bytes[r];
            displs[r] = at;
            at += counts[r];
        }
        MPI_Iallgatherv(mine, counts[rank], MPI_BYTE, out, counts, displs, MPI_BYTE,
                        MPI_COMM_WORLD, &req);
        wait_for(&req);
        free(counts);
        return BMD_OK;
    }
    for (int r = 0; r < size; r++) {
        if (r == rank)
            memcpy(out, mine, bytes[r]);
        for (size_t left = bytes[r]; left > 0;) {
            size_t k = left < (size_t)1 << 30 ? left : (size_t)1 << 30;
            MPI_Ibcast(out, (int)k, MPI_BYTE, r, MPI_COMM_WORLD, &req);
            wait_for(&req);
            out += k;
            left -= k;
        }
    }
    return BMD_OK;
}

const bmd_dist *ranks_dist(void)
{
    static bmd_dist d;
    if (size == 1)
        return NULL;
    d.rank = rank;
    d.size = size;
    d.ctx = NULL;
    d.agree = dist_agree;
    d.allgather = dist_allgather;
    return &d;
}
