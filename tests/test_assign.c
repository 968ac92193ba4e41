/* SPDX-License-Identifier: MIT */
/* test_assign.c: weapon-target assignment. The exact solver against a brute-force enumeration
 * written here; the greedy solver against the optimum where it is provably optimal (one site,
 * or each threat's pk the same from every site) and its gap elsewhere; feasibility (inventories,
 * caps, salvos); the greedy's time on a 1,000 x 20 raid; the Monte Carlo leak estimate against
 * the closed form (1 - p)^n and the coverage of its Wilson interval; bad inputs. Random problems
 * are drawn with bmd_rng (purpose BMD_RNG_CASE), so every run sees the same ones. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmd/assign.h"
#include "bmd/rng.h"
#include "test.h"

/* ---- random problems ---- */

typedef struct draw {
    bmd_rng rng;
    uint64_t ctr;
} draw;

static draw draw_make(uint32_t which)
{
    draw d = {{20240611u, bmd_rng_stream(BMD_RNG_CASE, 0xA55u, which)}, 0};
    return d;
}

static double uni(draw *d) { return bmd_rng_uniform(d->rng, d->ctr++); }

/* An integer in [lo, hi]. */
static int irand(draw *d, int lo, int hi) { return lo + (int)(uni(d) * (hi - lo + 1)); }

enum { MAXT = 1000, MAXS = 20 };

typedef struct prob {
    bmd_wta_problem p;
    double value[MAXT];
    int inventory[MAXS];
    double pk[MAXT * MAXS];
} prob;

/* A random problem: T threats, S sites, inventories in [0, inv_max], a quarter of the pk zero
 * (no window), the rest in [0.2, 0.95] with an occasional 1; values in [1, 10]. */
static void random_problem(draw *d, prob *q, int nt, int ns, int inv_max, int salvo, int cap)
{
    memset(&q->p, 0, sizeof q->p);
    q->p.n_threats = nt;
    q->p.n_sites = ns;
    q->p.value = q->value;
    q->p.inventory = q->inventory;
    q->p.pk = q->pk;
    q->p.salvo = salvo;
    q->p.cap = cap;
    for (int t = 0; t < nt; t++)
        q->value[t] = 1.0 + 9.0 * uni(d);
    for (int s = 0; s < ns; s++)
        q->inventory[s] = irand(d, 0, inv_max);
    for (int i = 0; i < nt * ns; i++) {
        double u = uni(d);
        q->pk[i] = u < 0.25 ? 0.0 : (u > 0.98 ? 1.0 : 0.2 + 0.75 * uni(d));
    }
}

/* ---- a brute-force reference, independent of the library ---- */

typedef struct brute {
    const bmd_wta_problem *p;
    int rem[MAXS];
    int x[64];
    double best;
    long leaves;
} brute;

/* Expected value destroyed, leak by repeated multiplication (the library uses pow). */
static double brute_value(const bmd_wta_problem *p, const int *x)
{
    double v = 0.0;
    for (int t = 0; t < p->n_threats; t++) {
        double leak = 1.0;
        for (int s = 0; s < p->n_sites; s++)
            for (int k = 0; k < x[t * p->n_sites + s]; k++)
                leak *= 1.0 - p->pk[t * p->n_sites + s];
        v += p->value[t] * (1.0 - leak);
    }
    return v;
}

/* Every x: cell by cell, multiples of the salvo, within each site's remainder and the cap. */
static void brute_rec(brute *b, int cell)
{
    const bmd_wta_problem *p = b->p;
    if (cell == p->n_threats * p->n_sites) {
        double v = brute_value(p, b->x);
        b->leaves++;
        if (v > b->best)
            b->best = v;
        return;
    }
    int t = cell / p->n_sites;
    int s = cell % p->n_sites;
    int used = 0;
    for (int j = 0; j < s; j++)
        used += b->x[t * p->n_sites + j];
    for (int k = 0; k <= b->rem[s] && used + k <= p->cap; k += p->salvo) {
        b->x[cell] = k;
        b->rem[s] -= k;
        brute_rec(b, cell + 1);
        b->rem[s] += k;
    }
    b->x[cell] = 0;
}

static double brute_optimum(const bmd_wta_problem *p, long *leaves)
{
    brute b;
    memset(&b, 0, sizeof b);
    b.p = p;
    for (int s = 0; s < p->n_sites; s++)
        b.rem[s] = p->inventory[s];
    b.best = 0.0;
    brute_rec(&b, 0);
    if (leaves)
        *leaves = b.leaves;
    return b.best;
}

/* ---- checks of a solver's answer ---- */

/* Feasible (multiples of the salvo, inventories, caps, no shot without a window) and the result's
 * sums consistent with x. Returns 1 when all hold. */
static int check_answer(const bmd_wta_problem *p, const bmd_wta_result *r)
{
    int ok = 1;
    int shots = 0;
    double leakers = 0.0;
    for (int s = 0; s < p->n_sites; s++) {
        int sum = 0;
        for (int t = 0; t < p->n_threats; t++)
            sum += r->x[t * p->n_sites + s];
        ok &= sum <= p->inventory[s];
    }
    for (int t = 0; t < p->n_threats; t++) {
        int sum = 0;
        double leak = 1.0;
        for (int s = 0; s < p->n_sites; s++) {
            int k = r->x[t * p->n_sites + s];
            double pk = p->pk[t * p->n_sites + s];
            ok &= k >= 0 && k % p->salvo == 0;
            ok &= !(k > 0 && pk == 0.0);
            sum += k;
            for (int j = 0; j < k; j++)
                leak *= 1.0 - pk;
        }
        ok &= sum <= p->cap;
        shots += sum;
        leakers += leak;
        if (r->leak)
            ok &= fabs(r->leak[t] - leak) <= 1e-12;
    }
    ok &= shots == r->shots_used;
    ok &= fabs(leakers - r->expected_leakers) <= 1e-12 * (1.0 + leakers);
    double v = brute_value(p, r->x);
    ok &= fabs(v - r->value_destroyed) <= 1e-12 * (1.0 + v);
    double total = 0.0;
    for (int t = 0; t < p->n_threats; t++)
        total += p->value[t];
    ok &= fabs(total - v - r->value_leaked) <= 1e-12 * (1.0 + total);
    /* The log: one entry per salvo, gains summing to the value destroyed. */
    ok &= r->n_log * p->salvo == r->shots_used;
    if (r->log && r->n_log <= r->log_cap) {
        double gains = 0.0;
        for (int i = 0; i < r->n_log; i++)
            gains += r->log[i].gain;
        ok &= fabs(gains - v) <= 1e-9 * (1.0 + v);
    }
    return ok;
}

static int xbuf[MAXT * MAXS];
static double leakbuf[MAXT];
static bmd_wta_decision logbuf[MAXT * 8];

static bmd_wta_result result_make(void)
{
    bmd_wta_result r;
    memset(&r, 0, sizeof r);
    r.x = xbuf;
    r.leak = leakbuf;
    r.log = logbuf;
    r.log_cap = (int)(sizeof logbuf / sizeof logbuf[0]);
    return r;
}

/* ---- tests ---- */

/* The exact solver equals the brute-force optimum on 400 random small problems. */
static void test_exact_vs_brute(void)
{
    draw d = draw_make(1);
    prob *q = malloc(sizeof *q);
    double worst = 0.0;
    long leaves_max = 0;
    int feasible = 1;
    for (int i = 0; i < 400; i++) {
        int nt = irand(&d, 1, 5);
        int ns = irand(&d, 1, 3);
        int salvo = irand(&d, 1, 2);
        int cap = irand(&d, 1, 4);
        random_problem(&d, q, nt, ns, 4, salvo, cap);
        long leaves = 0;
        double opt = brute_optimum(&q->p, &leaves);
        if (leaves > leaves_max)
            leaves_max = leaves;
        bmd_wta_result r = result_make();
        ENSURE(bmd_wta_exact(&q->p, &r) == BMD_OK);
        double err = fabs(r.value_destroyed - opt);
        if (err > worst)
            worst = err;
        CHECK_NEAR(r.value_destroyed, opt, 1e-12);
        feasible &= check_answer(&q->p, &r);
    }
    ENSURE(feasible);
    fprintf(stderr, "  exact vs brute force: 400 problems (<= 5 threats x 3 sites, inventory <= 4,"
                    " salvo 1-2, cap 1-4, up to %ld leaves), worst |difference| %.3g\n",
            leaves_max, worst);
    free(q);
}

/* A hand case: two threats of value 1, two sites with one interceptor each. Site A: pk 0.9 on
 * threat 1, 0.8 on threat 2; site B: 0.8 on threat 1, no window on threat 2. Greedy fires A at
 * threat 1 (0.9), then B at threat 1 (0.1 x 0.8): 0.98. The optimum fires A at threat 2 and B at
 * threat 1: 1.6. */
static void test_greedy_counterexample(void)
{
    const double value[2] = {1.0, 1.0};
    const int inv[2] = {1, 1};
    const double pk[4] = {0.9, 0.8, 0.8, 0.0};
    bmd_wta_problem p = {2, 2, value, inv, pk, 1, 2};
    bmd_wta_result r = result_make();
    ENSURE(bmd_wta_greedy(&p, &r) == BMD_OK);
    CHECK_NEAR(r.value_destroyed, 0.98, 1e-15);
    ENSURE(r.x[0] == 1 && r.x[1] == 1 && r.x[2] == 0 && r.x[3] == 0);
    ENSURE(r.n_log == 2 && r.log[0].threat == 0 && r.log[0].site == 0);
    CHECK_NEAR(r.log[0].gain, 0.9, 1e-15);
    CHECK_NEAR(r.log[1].gain, 0.08, 1e-15);
    CHECK_NEAR(r.leak[0], 0.02, 1e-15);
    CHECK_NEAR(r.leak[1], 1.0, 0.0);
    CHECK_NEAR(r.expected_leakers, 1.02, 1e-15);
    bmd_wta_result e = result_make();
    ENSURE(bmd_wta_exact(&p, &e) == BMD_OK);
    CHECK_NEAR(e.value_destroyed, 1.6, 1e-15);
    ENSURE(e.x[0] == 0 && e.x[1] == 1 && e.x[2] == 1 && e.x[3] == 0);
    CHECK_NEAR(brute_optimum(&p, NULL), 1.6, 1e-15);
    fprintf(stderr, "  counterexample: greedy %.4f, optimum %.4f (ratio %.4f)\n",
            r.value_destroyed, e.value_destroyed, r.value_destroyed / e.value_destroyed);
}

/* Greedy equals the optimum where the sites are interchangeable: one site, or each threat's pk
 * the same from every site. */
static void test_greedy_optimal_cases(void)
{
    draw d = draw_make(2);
    prob *q = malloc(sizeof *q);
    double worst = 0.0;
    int n = 0;
    for (int i = 0; i < 200; i++) {
        int nt = irand(&d, 1, 8);
        int ns = i < 100 ? 1 : irand(&d, 2, 4);
        int salvo = irand(&d, 1, 2);
        int cap = irand(&d, 0, 1) ? 2 : 4;
        random_problem(&d, q, nt, ns, i < 100 ? 12 : 5, salvo, cap);
        if (ns > 1)
            for (int t = 0; t < nt; t++)
                for (int s = 1; s < ns; s++)
                    q->pk[t * ns + s] = q->pk[t * ns];
        bmd_wta_result g = result_make();
        ENSURE(bmd_wta_greedy(&q->p, &g) == BMD_OK);
        ENSURE(check_answer(&q->p, &g));
        static int xe[MAXT * MAXS];
        bmd_wta_result e = result_make();
        e.x = xe;
        e.leak = NULL;
        e.log = NULL;
        ENSURE(bmd_wta_exact(&q->p, &e) == BMD_OK);
        double err = fabs(g.value_destroyed - e.value_destroyed);
        if (err > worst)
            worst = err;
        CHECK_NEAR(g.value_destroyed, e.value_destroyed, 1e-12);
        n++;
    }
    fprintf(stderr, "  greedy where provably optimal: %d problems (100 one-site, 100 identical pk"
                    " per threat), worst |greedy - optimum| %.3g\n",
            n, worst);
    free(q);
}

/* Greedy's gap to the optimum on 200 random problems (2-8 threats x 2-4 sites). It never exceeds
 * the optimum and keeps at least a third of it (Fisher, Nemhauser & Wolsey 1978: greedy on the
 * intersection of two matroids, the per-site units and the per-threat cap). */
static void test_greedy_gap(void)
{
    draw d = draw_make(3);
    prob *q = malloc(sizeof *q);
    double worst_abs = 0.0;
    double worst_rel = 0.0;
    double sum_rel = 0.0;
    double worst_ratio = 1.0;
    int optimal = 0;
    int never_above = 1;
    int feasible = 1;
    for (int i = 0; i < 200; i++) {
        int nt = irand(&d, 2, 8);
        int ns = irand(&d, 2, 4);
        int salvo = irand(&d, 1, 2);
        int cap = irand(&d, 0, 1) ? 2 : 4;
        random_problem(&d, q, nt, ns, 5, salvo, cap);
        bmd_wta_result g = result_make();
        ENSURE(bmd_wta_greedy(&q->p, &g) == BMD_OK);
        feasible &= check_answer(&q->p, &g);
        static int xe[MAXT * MAXS];
        bmd_wta_result e = result_make();
        e.x = xe;
        e.leak = NULL;
        e.log = NULL;
        ENSURE(bmd_wta_exact(&q->p, &e) == BMD_OK);
        double gap = e.value_destroyed - g.value_destroyed;
        never_above &= gap >= -1e-12;
        if (gap <= 1e-12)
            optimal++;
        if (gap > worst_abs)
            worst_abs = gap;
        if (e.value_destroyed > 0.0) {
            double rel = gap / e.value_destroyed;
            sum_rel += rel;
            if (rel > worst_rel)
                worst_rel = rel;
            double ratio = g.value_destroyed / e.value_destroyed;
            if (ratio < worst_ratio)
                worst_ratio = ratio;
        }
    }
    ENSURE(never_above);
    ENSURE(feasible);
    ENSURE(worst_ratio >= 1.0 / 3.0);
    fprintf(stderr, "  greedy gap, 200 random problems: optimal in %d; worst gap %.4f (%.2f%% of"
                    " the optimum), mean %.3f%%; worst greedy/optimum %.4f\n",
            optimal, worst_abs, 100.0 * worst_rel, 100.0 * sum_rel / 200.0, worst_ratio);
    free(q);
}

/* Inventories, caps and salvos hold on larger problems, where the cap or the inventory binds. */
static void test_feasibility(void)
{
    draw d = draw_make(4);
    prob *q = malloc(sizeof *q);
    int ok = 1;
    int cap_bound = 0;
    int inv_bound = 0;
    for (int i = 0; i < 50; i++) {
        int nt = irand(&d, 20, 200);
        int ns = irand(&d, 1, MAXS);
        int salvo = irand(&d, 1, 2);
        int cap = irand(&d, 0, 1) ? 2 : 4;
        random_problem(&d, q, nt, ns, i % 2 ? 5 : 200, salvo, cap);
        bmd_wta_result g = result_make();
        ENSURE(bmd_wta_greedy(&q->p, &g) == BMD_OK);
        ok &= check_answer(&q->p, &g);
        ENSURE(bmd_wta_evaluate(&q->p, g.x, &g) == BMD_OK);
        /* Did anything bind? */
        for (int t = 0; t < nt; t++) {
            int sum = 0;
            for (int s = 0; s < ns; s++)
                sum += g.x[t * ns + s];
            cap_bound += sum == cap;
        }
        for (int s = 0; s < ns; s++) {
            int sum = 0;
            for (int t = 0; t < nt; t++)
                sum += g.x[t * ns + s];
            inv_bound += sum == q->inventory[s] && sum > 0;
        }
        /* Greedy's gains never rise (gains only fall as salvos are fired). */
        for (int k = 1; k < g.n_log && k < g.log_cap; k++)
            ok &= g.log[k].gain <= g.log[k - 1].gain;
    }
    ENSURE(ok);
    ENSURE(cap_bound > 0 && inv_bound > 0);
    fprintf(stderr, "  feasibility: 50 problems of 20-200 threats x 1-20 sites, all feasible;"
                    " %d threats at the cap, %d sites emptied\n",
            cap_bound, inv_bound);
    free(q);
}

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Greedy on a 1,000-threat, 20-site raid: time reported, not asserted. */
static void test_greedy_speed(void)
{
    draw d = draw_make(5);
    prob *q = malloc(sizeof *q);
    const int invs[2] = {100, 1000};
    for (int k = 0; k < 2; k++) {
        random_problem(&d, q, MAXT, MAXS, 0, 1, 4);
        for (int s = 0; s < MAXS; s++)
            q->inventory[s] = invs[k];
        bmd_wta_result g = result_make();
        int reps = 5;
        double t0 = now_s();
        for (int i = 0; i < reps; i++)
            ENSURE(bmd_wta_greedy(&q->p, &g) == BMD_OK);
        double dt = (now_s() - t0) / reps;
        ENSURE(check_answer(&q->p, &g));
        fprintf(stderr, "  greedy 1000 threats x 20 sites, %d interceptors per site, cap 4: %.2f ms"
                        " per solve; %d shots, value destroyed %.1f of %.1f, %.1f expected"
                        " leakers\n",
                invs[k], 1e3 * dt, g.shots_used, g.value_destroyed,
                g.value_destroyed + g.value_leaked, g.expected_leakers);
    }
    free(q);
}

static void test_leak_probability(void)
{
    CHECK_NEAR(bmd_leak_probability(0, 0.7), 1.0, 0.0);
    CHECK_NEAR(bmd_leak_probability(3, 0.5), 0.125, 0.0);
    CHECK_NEAR(bmd_leak_probability(2, 0.7), 0.09, 1e-16);
    CHECK_NEAR(bmd_leak_probability(4, 1.0), 0.0, 0.0);
    CHECK_NEAR(bmd_leak_probability(4, 0.0), 1.0, 0.0);
    ENSURE(isnan(bmd_leak_probability(-1, 0.5)));
    ENSURE(isnan(bmd_leak_probability(1, 1.5)));
    ENSURE(isnan(bmd_leak_probability(1, -0.1)));
    ENSURE(isnan(bmd_leak_probability(1, (double)NAN)));
}

/* The Monte Carlo leak fraction against (1 - p)^n: the closed form inside the 95% Wilson
 * interval for several (p, n), and a mixed salvo of six shots (two counter blocks). */
static void test_leak_monte_carlo(void)
{
    const double ps[5] = {0.5, 0.7, 0.9, 0.3, 0.6};
    const int ns[5] = {1, 2, 3, 4, 5};
    double pk[8];
    for (int c = 0; c < 5; c++) {
        for (int i = 0; i < ns[c]; i++)
            pk[i] = ps[c];
        bmd_leak_mc m;
        ENSURE(bmd_leak_monte_carlo(pk, ns[c], 100000, 7u + (uint64_t)c, &m) == BMD_OK);
        CHECK_NEAR(m.closed_form, bmd_leak_probability(ns[c], ps[c]), 1e-15);
        ENSURE(m.lo <= m.closed_form && m.closed_form <= m.hi);
        ENSURE(m.lo <= m.fraction && m.fraction <= m.hi);
        fprintf(stderr, "  p %.1f n %d: (1-p)^n %.6f, Monte Carlo %.6f [%.6f, %.6f] (1e5 runs)\n",
                ps[c], ns[c], m.closed_form, m.fraction, m.lo, m.hi);
    }
    const double mix[6] = {0.2, 0.35, 0.1, 0.5, 0.25, 0.3};
    bmd_leak_mc m;
    ENSURE(bmd_leak_monte_carlo(mix, 6, 100000, 99u, &m) == BMD_OK);
    ENSURE(m.lo <= m.closed_form && m.closed_form <= m.hi);
    fprintf(stderr, "  mixed 6 shots: closed form %.6f, Monte Carlo %.6f [%.6f, %.6f]\n",
            m.closed_form, m.fraction, m.lo, m.hi);
    /* Reproducible for a seed; another seed gives other draws. */
    bmd_leak_mc m2;
    ENSURE(bmd_leak_monte_carlo(mix, 6, 100000, 99u, &m2) == BMD_OK);
    ENSURE(m2.n_leaks == m.n_leaks);
    ENSURE(bmd_leak_monte_carlo(mix, 6, 100000, 100u, &m2) == BMD_OK);
    ENSURE(m2.n_leaks != m.n_leaks);
    /* Edges: no shots always leak; pk 1 never does. */
    ENSURE(bmd_leak_monte_carlo(NULL, 0, 10, 1u, &m) == BMD_OK && m.n_leaks == 10);
    const double one[1] = {1.0};
    ENSURE(bmd_leak_monte_carlo(one, 1, 10, 1u, &m) == BMD_OK && m.n_leaks == 0 && m.lo == 0.0);
}

/* Coverage of the 95% Wilson interval over 100 seeds. */
static void test_wilson_coverage(void)
{
    const double ps[3] = {0.7, 0.5, 0.2};
    const int ns[3] = {2, 3, 1};
    const int64_t runs[3] = {2000, 500, 200};
    for (int c = 0; c < 3; c++) {
        double pk[4];
        for (int i = 0; i < ns[c]; i++)
            pk[i] = ps[c];
        int covered = 0;
        for (uint64_t seed = 1; seed <= 100; seed++) {
            bmd_leak_mc m;
            ENSURE(bmd_leak_monte_carlo(pk, ns[c], runs[c], seed, &m) == BMD_OK);
            covered += m.lo <= m.closed_form && m.closed_form <= m.hi;
        }
        ENSURE(covered >= 88 && covered <= 99);
        fprintf(stderr, "  Wilson 95%% coverage, p %.1f n %d (leak %.4f), %lld runs x 100 seeds:"
                        " %d covered\n",
                ps[c], ns[c], bmd_leak_probability(ns[c], ps[c]), (long long)runs[c], covered);
    }
}

static void test_bad_inputs(void)
{
    double value[2] = {1.0, 2.0};
    int inv[2] = {2, 2};
    double pk[4] = {0.5, 0.5, 0.5, 0.5};
    bmd_wta_problem good = {2, 2, value, inv, pk, 1, 2};
    bmd_wta_result r = result_make();
    ENSURE(bmd_wta_check(&good) == BMD_OK);

    bmd_wta_problem p = good;
    int bad_inv[2] = {2, -1};
    p.inventory = bad_inv;
    double bad_pk[5][4] = {{-0.1, 0.5, 0.5, 0.5},
                           {0.5, 1.1, 0.5, 0.5},
                           {0.5, 0.5, (double)NAN, 0.5},
                           {0.5, 0.5, 0.5, (double)INFINITY},
                           {0.5, 0.5, 0.5, -0.0}};
    double bad_val[4][2] = {{0.0, 1.0}, {1.0, -1.0}, {(double)NAN, 1.0}, {1.0, (double)INFINITY}};
    bmd_wta_problem cases[16];
    int n = 0;
    cases[n++] = p;
    for (int i = 0; i < 4; i++) {
        cases[n] = good;
        cases[n++].pk = bad_pk[i];
    }
    for (int i = 0; i < 4; i++) {
        cases[n] = good;
        cases[n++].value = bad_val[i];
    }
    cases[n] = good;
    cases[n++].salvo = 0;
    cases[n] = good;
    cases[n++].salvo = 3;
    cases[n] = good;
    cases[n++].cap = -1;
    cases[n] = good;
    cases[n++].n_threats = -1;
    cases[n] = good;
    cases[n++].pk = NULL;
    for (int i = 0; i < n; i++) {
        r.value_destroyed = -7.0;
        ENSURE(bmd_wta_check(&cases[i]) == BMD_ERR_ARG);
        ENSURE(bmd_wta_greedy(&cases[i], &r) == BMD_ERR_ARG);
        ENSURE(bmd_wta_exact(&cases[i], &r) == BMD_ERR_ARG);
        ENSURE(bmd_wta_evaluate(&cases[i], r.x, &r) == BMD_ERR_ARG);
        ENSURE(r.value_destroyed == -7.0);
    }
    /* -0.0 is a valid pk (it equals 0). */
    p = good;
    p.pk = bad_pk[4];
    ENSURE(bmd_wta_check(&p) == BMD_OK);
    ENSURE(bmd_wta_greedy(NULL, &r) == BMD_ERR_ARG);
    ENSURE(bmd_wta_greedy(&good, NULL) == BMD_ERR_ARG);
    bmd_wta_result nox = r;
    nox.x = NULL;
    ENSURE(bmd_wta_greedy(&good, &nox) == BMD_ERR_ARG);
    ENSURE(bmd_wta_exact(&good, &nox) == BMD_ERR_ARG);

    /* Infeasible assignments. */
    int over_cap[4] = {2, 1, 0, 0};
    int over_inv[4] = {2, 0, 1, 0};
    int negative[4] = {-1, 0, 0, 0};
    ENSURE(bmd_wta_evaluate(&good, over_cap, &r) == BMD_ERR_ARG);
    ENSURE(bmd_wta_evaluate(&good, over_inv, &r) == BMD_ERR_ARG);
    ENSURE(bmd_wta_evaluate(&good, negative, &r) == BMD_ERR_ARG);
    p = good;
    p.salvo = 2;
    int odd[4] = {1, 0, 0, 0};
    ENSURE(bmd_wta_evaluate(&p, odd, &r) == BMD_ERR_ARG);
    int fine[4] = {1, 1, 1, 1};
    ENSURE(bmd_wta_evaluate(&good, fine, &r) == BMD_OK);
    CHECK_NEAR(r.value_destroyed, 0.75 * 3.0, 1e-15);
    CHECK_NEAR(r.expected_leakers, 0.5, 1e-15);

    /* Too large for the exact solver: BMD_ERR_RANGE (greedy solves it). */
    prob *q = malloc(sizeof *q);
    draw d = draw_make(6);
    random_problem(&d, q, 17, 2, 3, 1, 2);
    ENSURE(bmd_wta_exact(&q->p, &r) == BMD_ERR_RANGE);
    random_problem(&d, q, 4, 5, 3, 1, 2);
    ENSURE(bmd_wta_exact(&q->p, &r) == BMD_ERR_RANGE);
    random_problem(&d, q, 16, 4, 0, 1, 4);
    for (int i = 0; i < 16 * 4; i++)
        q->pk[i] = 0.5;
    for (int s = 0; s < 4; s++)
        q->inventory[s] = 1000;
    ENSURE(bmd_wta_exact(&q->p, &r) == BMD_ERR_RANGE);
    ENSURE(bmd_wta_greedy(&q->p, &r) == BMD_OK);
    free(q);

    /* Empty problems are fine. */
    bmd_wta_problem empty = {0, 0, NULL, NULL, NULL, 1, 2};
    ENSURE(bmd_wta_greedy(&empty, &r) == BMD_OK && r.value_destroyed == 0.0 && r.n_log == 0);
    ENSURE(bmd_wta_exact(&empty, &r) == BMD_OK && r.value_destroyed == 0.0);

    /* Monte Carlo. */
    bmd_leak_mc m;
    m.n_runs = -7;
    const double pks[2] = {0.5, 1.5};
    ENSURE(bmd_leak_monte_carlo(pks, 2, 100, 1u, &m) == BMD_ERR_ARG);
    ENSURE(bmd_leak_monte_carlo(pks, 1, 0, 1u, &m) == BMD_ERR_ARG);
    ENSURE(bmd_leak_monte_carlo(pks, -1, 10, 1u, &m) == BMD_ERR_ARG);
    ENSURE(bmd_leak_monte_carlo(NULL, 1, 10, 1u, &m) == BMD_ERR_ARG);
    ENSURE(bmd_leak_monte_carlo(pks, 1, 10, 1u, NULL) == BMD_ERR_ARG);
    ENSURE(m.n_runs == -7);
}

/* The log's capacity: a short log keeps the first entries and counts them all. */
static void test_log_truncation(void)
{
    const double value[3] = {5.0, 3.0, 1.0};
    const int inv[1] = {4};
    const double pk[3] = {0.8, 0.8, 0.8};
    bmd_wta_problem p = {3, 1, value, inv, pk, 1, 2};
    bmd_wta_decision small[2];
    bmd_wta_result r = result_make();
    r.log = small;
    r.log_cap = 2;
    ENSURE(bmd_wta_greedy(&p, &r) == BMD_OK);
    /* Gains: 4 (threat 0), 2.4 (threat 1), then 0.8 each for threat 2 and threat 0's second
     * shot (equal but for rounding); four decisions, only the first two logged. */
    ENSURE(r.n_log == 4);
    ENSURE(small[0].threat == 0 && small[1].threat == 1);
    CHECK_NEAR(small[0].gain, 4.0, 1e-15);
    CHECK_NEAR(small[1].gain, 2.4, 1e-15);
    ENSURE(r.x[0] == 2 && r.x[1] == 1 && r.x[2] == 1);
}

int main(void)
{
    RUN(test_exact_vs_brute);
    RUN(test_greedy_counterexample);
    RUN(test_greedy_optimal_cases);
    RUN(test_greedy_gap);
    RUN(test_feasibility);
    RUN(test_greedy_speed);
    RUN(test_leak_probability);
    RUN(test_leak_monte_carlo);
    RUN(test_wilson_coverage);
    RUN(test_bad_inputs);
    RUN(test_log_truncation);
    return test_summary();
}
