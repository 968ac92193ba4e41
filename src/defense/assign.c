/* SPDX-License-Identifier: MIT */
/* assign.c: weapon-target assignment. The exact solver is dynamic programming over the threats
 * with the sites' remaining salvos as the state (R. Bellman, "Dynamic Programming", Princeton,
 * 1957); the fast one is the maximum-marginal-return greedy of G. G. den Broeder Jr.,
 * R. E. Ellison & L. Emerling, "On optimum target assignments", Operations Research 7(3), 1959,
 * whose approximation bound in general is M. L. Fisher, G. L. Nemhauser & L. A. Wolsey, "An
 * analysis of approximations for maximizing submodular set functions II", Math. Programming
 * Study 8, 1978. Leak estimates carry the score interval of E. B. Wilson, "Probable inference,
 * the law of succession, and statistical inference", JASA 22(158), 1927. docs/assign.md. */
#include "bmd/assign.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/rng.h"

/* Two-sided 95% standard normal quantile. */
static const double Z95 = 1.959963984540054;

static int pk_ok(double pk) { return pk >= 0.0 && pk <= 1.0; } /* false for NaN */

bmd_status bmd_wta_check(const bmd_wta_problem *p)
{
    if (!p || p->n_threats < 0 || p->n_sites < 0 || p->cap < 0)
        return BMD_ERR_ARG;
    if (p->salvo != 1 && p->salvo != 2)
        return BMD_ERR_ARG;
    if ((p->n_threats > 0 && !p->value) || (p->n_sites > 0 && !p->inventory))
        return BMD_ERR_ARG;
    if (p->n_threats > 0 && p->n_sites > 0 && !p->pk)
        return BMD_ERR_ARG;
    for (int t = 0; t < p->n_threats; t++)
        if (!(p->value[t] > 0.0) || !isfinite(p->value[t]))
            return BMD_ERR_ARG;
    for (int s = 0; s < p->n_sites; s++)
        if (p->inventory[s] < 0)
            return BMD_ERR_ARG;
    size_t n = (size_t)p->n_threats * (size_t)p->n_sites;
    for (size_t i = 0; i < n; i++)
        if (!pk_ok(p->pk[i]))
            return BMD_ERR_ARG;
    return BMD_OK;
}

/* Fill r's sums (and r->leak) from a feasible assignment x. */
static void evaluate(const bmd_wta_problem *p, const int *x, bmd_wta_result *r)
{
    const int ns = p->n_sites;
    double destroyed = 0.0;
    double leaked = 0.0;
    double leakers = 0.0;
    int shots = 0;
    for (int t = 0; t < p->n_threats; t++) {
        double leak = 1.0;
        for (int s = 0; s < ns; s++) {
            int k = x[(size_t)t * (size_t)ns + (size_t)s];
            if (k > 0)
                leak *= pow(1.0 - p->pk[(size_t)t * (size_t)ns + (size_t)s], (double)k);
            shots += k;
        }
        destroyed += p->value[t] * (1.0 - leak);
        leaked += p->value[t] * leak;
        leakers += leak;
        if (r->leak)
            r->leak[t] = leak;
    }
    r->value_destroyed = destroyed;
    r->value_leaked = leaked;
    r->expected_leakers = leakers;
    r->shots_used = shots;
}

bmd_status bmd_wta_evaluate(const bmd_wta_problem *p, const int *x, bmd_wta_result *r)
{
    bmd_status st = bmd_wta_check(p);
    if (st != BMD_OK)
        return st;
    const int nt = p->n_threats;
    const int ns = p->n_sites;
    if (!r || (nt > 0 && ns > 0 && !x))
        return BMD_ERR_ARG;
    /* Feasibility: multiples of the salvo, the cap per threat, the inventory per site. */
    for (int t = 0; t < nt; t++) {
        long sum = 0;
        for (int s = 0; s < ns; s++) {
            int k = x[(size_t)t * (size_t)ns + (size_t)s];
            if (k < 0 || k % p->salvo != 0)
                return BMD_ERR_ARG;
            sum += k;
        }
        if (sum > p->cap)
            return BMD_ERR_ARG;
    }
    for (int s = 0; s < ns; s++) {
        long sum = 0;
        for (int t = 0; t < nt; t++)
            sum += x[(size_t)t * (size_t)ns + (size_t)s];
        if (sum > p->inventory[s])
            return BMD_ERR_ARG;
    }
    evaluate(p, x, r);
    return BMD_OK;
}

/* Record decision number r->n_log if the log has room for it. */
static void log_decision(bmd_wta_result *r, int t, int s, int shots, double gain, double leak)
{
    if (r->log && r->n_log < r->log_cap) {
        bmd_wta_decision *d = &r->log[r->n_log];
        d->threat = t;
        d->site = s;
        d->shots = shots;
        d->gain = gain;
        d->leak_after = leak;
    }
    r->n_log++;
}

/* A site in a threat's preference list: the salvo's survival probability and the site. */
typedef struct site_q {
    double q; /* (1 - pk)^salvo */
    int s;
} site_q;

/* Order: the better site (smaller q) first, then the lower index. */
static int before(const site_q *a, const site_q *b)
{
    return a->q < b->q || (a->q == b->q && a->s < b->s);
}

static void sift_sites(site_q *a, int i, int n)
{
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            return;
        /* Max-heap in the sort order: the last in order at the root. */
        if (c + 1 < n && before(&a[c], &a[c + 1]))
            c++;
        if (!before(&a[i], &a[c]))
            return;
        site_q tmp = a[i];
        a[i] = a[c];
        a[c] = tmp;
        i = c;
    }
}

/* Heapsort (in place, no allocation, unlike a library qsort may). */
static void sort_sites(site_q *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_sites(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        site_q tmp = a[0];
        a[0] = a[end];
        a[end] = tmp;
        sift_sites(a, 0, end);
    }
}

/* Fill threat t's preference list of sites. */
static void site_order(const bmd_wta_problem *p, int t, site_q *row)
{
    const int ns = p->n_sites;
    for (int s = 0; s < ns; s++) {
        row[s].q = pow(1.0 - p->pk[(size_t)t * (size_t)ns + (size_t)s], (double)p->salvo);
        row[s].s = s;
    }
    sort_sites(row, ns);
}

/* The log of a finished assignment: each threat's salvos from its best site down. */
static void log_assignment(const bmd_wta_problem *p, const int *x, site_q *row,
                           bmd_wta_result *r)
{
    const int ns = p->n_sites;
    r->n_log = 0;
    for (int t = 0; t < p->n_threats; t++) {
        site_order(p, t, row);
        double leak = 1.0;
        for (int i = 0; i < ns; i++) {
            int s = row[i].s;
            int n = x[(size_t)t * (size_t)ns + (size_t)s] / p->salvo;
            for (int k = 0; k < n; k++) {
                double gain = p->value[t] * leak * (1.0 - row[i].q);
                leak *= row[i].q;
                log_decision(r, t, s, p->salvo, gain, leak);
            }
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Greedy maximum marginal return. */

typedef struct greedy_ws {
    const bmd_wta_problem *p;
    site_q *rows;  /* [T * S] each threat's sites, best first */
    double *leak;  /* [T] current leak probability */
    double *key;   /* [T] the gain stored in the heap: never below the threat's true best gain */
    int *ptr;      /* [T] first entry of the threat's row whose site may still have salvos */
    int *used;     /* [T] salvos at the threat */
    int *heap;     /* [T] threats, max-heap on (key, -index) */
    int *rem;      /* [S] salvos left at each site */
    int cap_salvos;
} greedy_ws;

static int higher(const greedy_ws *w, int a, int b)
{
    return w->key[a] > w->key[b] || (w->key[a] == w->key[b] && a < b);
}

static void sift_heap(greedy_ws *w, int i, int n)
{
    int *h = w->heap;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && higher(w, h[c + 1], h[c]))
            c++;
        if (!higher(w, h[c], h[i]))
            return;
        int tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}

/* Threat t's best marginal gain now (0: nothing left to gain), moving its row pointer past sites
 * that have run out (they never refill, so the pointer only moves forward). */
static double best_gain(greedy_ws *w, int t)
{
    const int ns = w->p->n_sites;
    if (w->used[t] >= w->cap_salvos)
        return 0.0;
    const site_q *row = &w->rows[(size_t)t * (size_t)ns];
    while (w->ptr[t] < ns && w->rem[row[w->ptr[t]].s] == 0)
        w->ptr[t]++;
    if (w->ptr[t] == ns)
        return 0.0;
    return w->p->value[t] * w->leak[t] * (1.0 - row[w->ptr[t]].q);
}

bmd_status bmd_wta_greedy(const bmd_wta_problem *p, bmd_wta_result *r)
{
    bmd_status st = bmd_wta_check(p);
    if (st != BMD_OK)
        return st;
    if (!r || (p->n_threats > 0 && p->n_sites > 0 && !r->x))
        return BMD_ERR_ARG;
    const size_t nt = (size_t)p->n_threats;
    const size_t ns = (size_t)p->n_sites;
    if (ns > 0 && nt > SIZE_MAX / 64 / ns)
        return BMD_ERR_NOMEM;

    /* One block: doubles and site_q first (alignment), then ints. */
    size_t n_rows = nt * ns;
    size_t bytes = n_rows * sizeof(site_q) + 2 * nt * sizeof(double) +
                   (4 * nt + ns + 1) * sizeof(int);
    void *block = malloc(bytes);
    if (!block)
        return BMD_ERR_NOMEM;
    greedy_ws w;
    w.p = p;
    w.rows = block;
    w.leak = (double *)(void *)(w.rows + n_rows);
    w.key = w.leak + nt;
    w.ptr = (int *)(void *)(w.key + nt);
    w.used = w.ptr + nt;
    w.heap = w.used + nt;
    w.rem = w.heap + nt;
    w.cap_salvos = p->cap / p->salvo;

    int *x = r->x;
    if (n_rows > 0)
        memset(x, 0, n_rows * sizeof *x);
    long salvos_left = 0;
    for (size_t s = 0; s < ns; s++) {
        w.rem[s] = p->inventory[s] / p->salvo;
        salvos_left += w.rem[s];
    }
    int n_heap = 0;
    for (int t = 0; t < p->n_threats; t++) {
        site_order(p, t, &w.rows[(size_t)t * ns]);
        w.leak[t] = 1.0;
        w.ptr[t] = 0;
        w.used[t] = 0;
        w.key[t] = best_gain(&w, t);
        if (w.key[t] > 0.0)
            w.heap[n_heap++] = t;
    }
    for (int i = n_heap / 2 - 1; i >= 0; i--)
        sift_heap(&w, i, n_heap);

    r->n_log = 0;
    while (n_heap > 0 && salvos_left > 0) {
        int t = w.heap[0];
        double g = best_gain(&w, t);
        if (!(g > 0.0)) {
            /* Nothing more to gain at this threat: drop it. */
            w.heap[0] = w.heap[--n_heap];
            sift_heap(&w, 0, n_heap);
            continue;
        }
        if (g < w.key[t]) {
            /* Its best site ran out: a stale key. Gains only fall, so every stored key bounds
             * its threat's true gain; re-seat this one and look again. */
            w.key[t] = g;
            sift_heap(&w, 0, n_heap);
            continue;
        }
        /* The top's key is current and bounds every other threat's gain: fire. */
        const site_q *best = &w.rows[(size_t)t * ns + (size_t)w.ptr[t]];
        int s = best->s;
        w.rem[s]--;
        salvos_left--;
        w.used[t]++;
        x[(size_t)t * ns + (size_t)s] += p->salvo;
        w.leak[t] *= best->q;
        log_decision(r, t, s, p->salvo, g, w.leak[t]);
        w.key[t] = best_gain(&w, t);
        if (w.key[t] > 0.0) {
            sift_heap(&w, 0, n_heap);
        } else {
            w.heap[0] = w.heap[--n_heap];
            sift_heap(&w, 0, n_heap);
        }
    }
    free(block);
    evaluate(p, x, r);
    return BMD_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Exact: dynamic programming. F_t(r) is the most value threats t..T-1 can destroy with the
 * remaining salvos r (a vector over the sites, mixed-radix indexed);
 * F_T = 0, F_t(r) = max over allocations e <= r of g_t(e) + F_{t+1}(r - e). */

bmd_status bmd_wta_exact(const bmd_wta_problem *p, bmd_wta_result *r)
{
    bmd_status st = bmd_wta_check(p);
    if (st != BMD_OK)
        return st;
    if (!r || (p->n_threats > 0 && p->n_sites > 0 && !r->x))
        return BMD_ERR_ARG;
    if (p->n_threats > BMD_WTA_EXACT_MAX_THREATS || p->n_sites > BMD_WTA_EXACT_MAX_SITES)
        return BMD_ERR_RANGE;
    const int nt = p->n_threats;
    const int ns = p->n_sites;
    const int cap_salvos = p->cap / p->salvo;

    /* Salvos each site can usefully fire: its inventory, at most cap_salvos at each threat it
     * can engage. Sites beyond that never bind, so the state space shrinks to them. */
    int emax[BMD_WTA_EXACT_MAX_SITES];
    int stride[BMD_WTA_EXACT_MAX_SITES];
    double states_d = 1.0;
    for (int s = 0; s < ns; s++) {
        int engageable = 0;
        for (int t = 0; t < nt; t++)
            engageable += p->pk[(size_t)t * (size_t)ns + (size_t)s] > 0.0;
        double useful = (double)cap_salvos * engageable;
        double have = (double)(p->inventory[s] / p->salvo);
        emax[s] = (int)(useful < have ? useful : have);
        states_d *= emax[s] + 1.0;
        if (states_d > BMD_WTA_EXACT_MAX_STATES)
            return BMD_ERR_RANGE;
    }
    const int states = (int)states_d;
    int total_e = 0;
    for (int s = 0; s < ns; s++) {
        stride[s] = s == 0 ? 1 : stride[s - 1] * (emax[s - 1] + 1);
        total_e += emax[s];
    }
    const int top = cap_salvos < total_e ? cap_salvos : total_e;

    /* Allocations of one threat: e_s <= emax_s, sum <= top, fewer salvos first (ties in the
     * maximum then go to fewer salvos). Count them. */
    int n_opt = 0;
    for (int idx = 0; idx < states; idx++) {
        int sum = 0;
        for (int s = 0; s < ns; s++)
            sum += idx / stride[s] % (emax[s] + 1);
        n_opt += sum <= top;
    }
    if ((double)nt * states * n_opt > BMD_WTA_EXACT_MAX_WORK)
        return BMD_ERR_RANGE;

    /* One block: F (2 x states), g (n_opt) doubles; choice (T x states), options (n_opt x S and
     * offsets), digits ints; the log's site order. */
    size_t n_choice = (size_t)nt * (size_t)states;
    size_t bytes = (2 * (size_t)states + (size_t)n_opt) * sizeof(double) +
                   (size_t)(ns > 0 ? ns : 1) * sizeof(site_q) +
                   (n_choice + (size_t)n_opt * ((size_t)ns + 1) + (size_t)ns + 1) * sizeof(int);
    void *block = malloc(bytes);
    if (!block)
        return BMD_ERR_NOMEM;
    double *fcur = block;
    double *fnext = fcur + states;
    double *g = fnext + states;
    site_q *row = (site_q *)(void *)(g + n_opt);
    int *choice = (int *)(void *)(row + (ns > 0 ? ns : 1));
    int *opt_e = choice + n_choice;
    int *opt_off = opt_e + (size_t)n_opt * (size_t)ns;
    int *dig = opt_off + n_opt;

    int o = 0;
    for (int sum_want = 0; sum_want <= top; sum_want++)
        for (int idx = 0; idx < states; idx++) {
            int sum = 0;
            for (int s = 0; s < ns; s++)
                sum += idx / stride[s] % (emax[s] + 1);
            if (sum != sum_want)
                continue;
            for (int s = 0; s < ns; s++)
                opt_e[(size_t)o * (size_t)ns + (size_t)s] = idx / stride[s] % (emax[s] + 1);
            opt_off[o] = idx;
            o++;
        }

    for (int i = 0; i < states; i++)
        fnext[i] = 0.0;
    for (int t = nt - 1; t >= 0; t--) {
        const double *pkt = &p->pk[(size_t)t * (size_t)ns];
        /* g_t(e): the value this allocation destroys; -1 marks one firing from a site that
         * cannot engage (pk = 0: it would only waste interceptors). */
        for (int k = 0; k < n_opt; k++) {
            const int *e = &opt_e[(size_t)k * (size_t)ns];
            double leak = 1.0;
            g[k] = 0.0;
            for (int s = 0; s < ns; s++) {
                if (e[s] == 0)
                    continue;
                if (pkt[s] == 0.0)
                    g[k] = -1.0;
                leak *= pow(1.0 - pkt[s], (double)(e[s] * p->salvo));
            }
            if (g[k] == 0.0)
                g[k] = p->value[t] * (1.0 - leak);
        }
        for (int s = 0; s < ns; s++)
            dig[s] = 0;
        for (int idx = 0; idx < states; idx++) {
            /* Option 0 (fire nothing) is always allowed. */
            double best = fnext[idx];
            int arg = 0;
            for (int k = 1; k < n_opt; k++) {
                if (g[k] < 0.0)
                    continue;
                const int *e = &opt_e[(size_t)k * (size_t)ns];
                int fits = 1;
                for (int s = 0; s < ns && fits; s++)
                    fits = e[s] <= dig[s];
                if (!fits)
                    continue;
                double v = g[k] + fnext[idx - opt_off[k]];
                if (v > best) {
                    best = v;
                    arg = k;
                }
            }
            fcur[idx] = best;
            choice[(size_t)t * (size_t)states + (size_t)idx] = arg;
            /* Next state's digits (mixed-radix increment). */
            for (int s = 0; s < ns; s++) {
                if (++dig[s] <= emax[s])
                    break;
                dig[s] = 0;
            }
        }
        double *tmp = fcur;
        fcur = fnext;
        fnext = tmp;
    }

    /* Walk forward from the full inventory. */
    int idx = states - 1;
    for (int t = 0; t < nt; t++) {
        int k = choice[(size_t)t * (size_t)states + (size_t)idx];
        for (int s = 0; s < ns; s++)
            r->x[(size_t)t * (size_t)ns + (size_t)s] = opt_e[(size_t)k * (size_t)ns + (size_t)s] *
                                                       p->salvo;
        idx -= opt_off[k];
    }
    log_assignment(p, r->x, row, r);
    free(block);
    evaluate(p, r->x, r);
    return BMD_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Leak probability. */

double bmd_leak_probability(int n_shots, double pk)
{
    if (n_shots < 0 || !pk_ok(pk))
        return (double)NAN;
    return pow(1.0 - pk, (double)n_shots);
}

bmd_status bmd_leak_monte_carlo(const double pk[], int n_shots, int64_t n_runs, uint64_t seed,
                                bmd_leak_mc *out)
{
    if (!out || n_shots < 0 || n_runs < 1 || (n_shots > 0 && !pk))
        return BMD_ERR_ARG;
    double closed = 1.0;
    for (int i = 0; i < n_shots; i++) {
        if (!pk_ok(pk[i]))
            return BMD_ERR_ARG;
        closed *= 1.0 - pk[i];
    }
    bmd_rng rng = {seed, bmd_rng_stream(BMD_RNG_CASE, BMD_WTA_RNG_TAG, 0)};
    const uint64_t blocks = ((uint64_t)n_shots + 3) / 4;
    int64_t leaks = 0;
    double u[4];
    for (int64_t k = 0; k < n_runs; k++) {
        int leaked = 1;
        for (int i = 0; i < n_shots && leaked; i++) {
            if (i % 4 == 0)
                bmd_rng_uniform4(rng, (uint64_t)k * blocks + (uint64_t)(i / 4), u);
            if (u[i % 4] < pk[i])
                leaked = 0;
        }
        leaks += leaked;
    }
    out->n_runs = n_runs;
    out->n_leaks = leaks;
    out->fraction = (double)leaks / (double)n_runs;
    bmd_wilson_interval((double)leaks, (double)n_runs, &out->lo, &out->hi);
    out->closed_form = closed;
    return BMD_OK;
}

void bmd_wilson_interval(double k, double n, double *lo, double *hi)
{
    /* Wilson score interval (Wilson 1927). */
    double ph = k / n;
    double z2n = Z95 * Z95 / n;
    double centre = (ph + 0.5 * z2n) / (1.0 + z2n);
    double half = Z95 * sqrt(ph * (1.0 - ph) / n + 0.25 * z2n / n) / (1.0 + z2n);
    *lo = centre - half > 0.0 ? centre - half : 0.0;
    *hi = centre + half < 1.0 ? centre + half : 1.0;
}
