/* SPDX-License-Identifier: MIT */
/* test_parallel.c: the parallel loop (every task run once, on any number of threads; the lowest
 * failure reported, and every task below it run) and the distributed loops' pieces (the items'
 * shares, the exchange and its agreement on failures), on processes simulated by threads
 * (sim_dist.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/parallel.h"
#include "sim_dist.h"
#include "test.h"

#define N 1000

typedef struct loop_ctx {
    atomic_int runs[N];
    int fail_at[3];      /* tasks that fail (-1: none), with statuses ARG, RANGE, STEP */
} loop_ctx;

static bmd_status task(void *vctx, int i)
{
    loop_ctx *c = vctx;
    atomic_fetch_add(&c->runs[i], 1);
    static const bmd_status st[3] = {BMD_ERR_ARG, BMD_ERR_RANGE, BMD_ERR_STEP};
    for (int k = 0; k < 3; k++)
        if (c->fail_at[k] == i)
            return st[k];
    /* Unequal costs: a few tasks are much longer (the dynamic schedule's reason). */
    volatile double x = 0.0;
    for (int k = 0; k < (i % 97 == 0 ? 20000 : 200); k++)
        x += sqrt((double)k);
    return BMD_OK;
}

static void test_loop(void)
{
    static loop_ctx c;
    const int threads[5] = {1, 2, 3, 5, 64};
    for (int t = 0; t < 5; t++) {
        for (int i = 0; i < N; i++)
            atomic_init(&c.runs[i], 0);
        c.fail_at[0] = c.fail_at[1] = c.fail_at[2] = -1;
        int failed = 7;
        ENSURE(bmd_parallel_for(N, threads[t], task, &c, &failed) == BMD_OK);
        ENSURE(failed == -1);
        int once = 0;
        for (int i = 0; i < N; i++)
            once += atomic_load(&c.runs[i]) == 1;
        ENSURE(once == N);
        /* Failures at 700, 301 and 300: task 300's status, and every task below it run once. */
        for (int i = 0; i < N; i++)
            atomic_init(&c.runs[i], 0);
        c.fail_at[0] = 700;
        c.fail_at[1] = 301;
        c.fail_at[2] = 300;
        ENSURE(bmd_parallel_for(N, threads[t], task, &c, &failed) == BMD_ERR_STEP);
        ENSURE(failed == 300);
        once = 0;
        int more = 0;
        for (int i = 0; i < N; i++) {
            once += i <= 300 && atomic_load(&c.runs[i]) == 1;
            more += atomic_load(&c.runs[i]) > 1;
        }
        ENSURE(once == 301 && more == 0);
    }
    /* Nothing to do. */
    int failed = 3;
    ENSURE(bmd_parallel_for(0, 4, task, &c, &failed) == BMD_OK && failed == -1);
}

static void test_shares(void)
{
    for (int size = 1; size <= 5; size++)
        for (int n = 0; n <= 23; n++) {
            int seen[24] = {0};
            int total = 0;
            for (int r = 0; r < size; r++) {
                bmd_dist d = {r, size, NULL, NULL, NULL};
                int c = bmd_dist_count(&d, n);
                total += c;
                int last = -1;
                for (int j = 0; j < c; j++) {
                    int i = bmd_dist_item(&d, j);
                    if (i >= 0 && i < n)
                        seen[i]++;
                    ENSURE(i > last); /* in increasing order: the first failure is the lowest */
                    last = i;
                }
            }
            int once = 0;
            for (int i = 0; i < n; i++)
                once += seen[i] == 1;
            ENSURE(total == n && once == n);
        }
    /* Two processes over a 20-column lattice: neither gets whole columns (i mod 2 gave one
     * process every even column). */
    bmd_dist d0 = {0, 2, NULL, NULL, NULL};
    int col[20] = {0};
    for (int j = 0; j < bmd_dist_count(&d0, 400); j++)
        col[bmd_dist_item(&d0, j) % 20]++;
    int whole = 0;
    for (int k = 0; k < 20; k++)
        whole += col[k] == 0 || col[k] == 20;
    ENSURE(whole == 0);
    /* Without processes: every item, in order. */
    ENSURE(bmd_dist_count(NULL, 9) == 9 && bmd_dist_item(NULL, 4) == 4);
    ENSURE(bmd_dist_count(NULL, -2) == 0);
}

/* A distributed loop: item i's result is a function of i; item fail (if >= 0) fails. */
typedef struct ex_arg {
    int n;
    int fail[2];           /* failing items (-1: none) */
    double *out[SIM_MAX];  /* each process's whole result */
    bmd_status st[SIM_MAX];
    long failed[SIM_MAX];
} ex_arg;

typedef struct ex_ctx {
    double *out;
} ex_ctx;

static void ex_pack(void *vctx, int i, void *rec)
{
    ex_ctx *c = vctx;
    memcpy(rec, &c->out[i], sizeof(double));
}

static void ex_unpack(void *vctx, int i, const void *rec)
{
    ex_ctx *c = vctx;
    memcpy(&c->out[i], rec, sizeof(double));
}

static void ex_proc(const bmd_dist *d, void *varg, int rank)
{
    ex_arg *a = varg;
    double *out = a->out[rank];
    for (int i = 0; i < a->n; i++)
        out[i] = NAN;
    bmd_status st = BMD_OK;
    long failed = -1;
    for (int j = 0; j < bmd_dist_count(d, a->n) && st == BMD_OK; j++) {
        int i = bmd_dist_item(d, j);
        if (i == a->fail[0] || i == a->fail[1]) {
            st = i == a->fail[0] ? BMD_ERR_RANGE : BMD_ERR_STEP;
            failed = i;
        } else {
            out[i] = sin(i) * 1e3 + i;
        }
    }
    ex_ctx c = {out};
    a->st[rank] = bmd_dist_exchange(d, a->n, st, &failed, sizeof(double), ex_pack, ex_unpack, &c);
    a->failed[rank] = failed;
}

/* The process that takes item i of n, of size processes. */
static int owner(int size, int i, int n)
{
    for (int r = 0; r < size; r++) {
        bmd_dist d = {r, size, NULL, NULL, NULL};
        for (int j = 0; j < bmd_dist_count(&d, n); j++)
            if (bmd_dist_item(&d, j) == i)
                return r;
    }
    return -1;
}

static void test_exchange(void)
{
    static double buf[SIM_MAX][200];
    const int ns[5] = {0, 1, 2, 7, 200};
    for (int size = 1; size <= 5; size++)
        for (int k = 0; k < 5; k++) {
            ex_arg a;
            memset(&a, 0, sizeof a);
            a.n = ns[k];
            a.fail[0] = a.fail[1] = -1;
            for (int r = 0; r < size; r++)
                a.out[r] = buf[r];
            int same = 0;
            sim_run(size, ex_proc, &a, &same);
            ENSURE(same);
            int good = 0;
            for (int r = 0; r < size; r++) {
                ENSURE(a.st[r] == BMD_OK && a.failed[r] == -1);
                for (int i = 0; i < a.n; i++)
                    good += memcmp(&buf[r][i], &(double){sin(i) * 1e3 + i}, sizeof(double)) == 0;
            }
            ENSURE(good == size * a.n);
        }
    /* Failures on two processes: every process gets the lowest failed item and its status. */
    for (int size = 2; size <= 5; size++) {
        ex_arg a;
        memset(&a, 0, sizeof a);
        a.n = 200;
        a.fail[0] = 151;
        a.fail[1] = 40;  /* moved to an item of another process than 151's */
        while (owner(size, a.fail[1], 200) == owner(size, 151, 200))
            a.fail[1]++;
        for (int r = 0; r < size; r++)
            a.out[r] = buf[r];
        int same = 0;
        sim_run(size, ex_proc, &a, &same);
        ENSURE(same);
        for (int r = 0; r < size; r++)
            ENSURE(a.st[r] == BMD_ERR_STEP && a.failed[r] == a.fail[1]);
    }
}

int main(void)
{
    RUN(test_loop);
    RUN(test_shares);
    RUN(test_exchange);
    return test_summary();
}
