/* SPDX-License-Identifier: MIT */
/* cmd_sweep.c: bmdsim sweep SCENARIO: a sweep over assumption axes (interceptor burnout speed,
 * cue, launch delay, a site's place), every case evaluated against every (threat, site) of the
 * scenario, rows streamed to standard output or into a results store (docs/sweep.md).
 *
 * Cases are numbered; a case's axis values are a mixed-radix decoding of its number (the delay
 * fastest, then the cue, the burnout speed, the site's longitude, its latitude), never a list.
 * The cases run in chunks: a chunk's fly-out tables (one per site, burnout speed and site place
 * in it; reused by the next chunk when it needs them again) are built in parallel, then its
 * (place and speed, site, threat) tasks in parallel, each threat prepared once against a table
 * and solved for every cue and delay. Rows come out in case order, the same bits on any number
 * of threads. sweep_chunk runs any range of cases [i0, i1); under MPI (docs/mpi.md) each chunk
 * is split among the ranks, and rank 0 gathers the results, prints or stores them: the same
 * bytes as one process. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/parallel.h"
#include "bmd/targeting.h"
#include "cli.h"
#include "ranks.h"
#include "report.h"
#include "store.h"
#include "sweep_store.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim sweep SCENARIO [--burnout-speed-km-s A:B:STEP|V1,V2,...]\n"
    "                    [--cue all|C1,C2,...] [--delay-s A:B:STEP|V1,...]\n"
    "                    [--site NAME|INDEX[,...]] [--site-lat-deg A:B:STEP|...]\n"
    "                    [--site-lon-deg A:B:STEP|...] [--threats matrix|raid]\n"
    "                    [--format csv|json] [--db FILE [--resume]] [--chunk C] [--threads T]\n"
    "\n"
    "Every combination of the axes is a case; every case is evaluated for every threat against\n"
    "every site: engageable, reason, earliest launch allowed by the cue, earliest and latest\n"
    "intercept, intercept altitude, closing speed, margin; and per case how many threats at least\n"
    "one site can engage (docs/sweep.md).\n"
    "  --burnout-speed-km-s  each site's interceptor scaled to these burnout speeds (its kill\n"
    "                        vehicle kept, as bmdsim feasibility --burnout-speed-km-s); default:\n"
    "                        the interceptors as they are\n"
    "  --cue                 assumption sets (ideal, early-warning, forward-radar, site-radar, as\n"
    "                        the scenario defines them); default ideal\n"
    "  --delay-s             extra launch delay after the cue (s); default 0\n"
    "  --site                the scenario's sites to use (name, a unique beginning of it, or\n"
    "                        index from 0); default all\n"
    "  --site-lat-deg, --site-lon-deg  move the site (one site: choose it with --site) over\n"
    "                        these places\n"
    "  --threats             matrix: the feasibility matrix's bases x targets (the default when\n"
    "                        the scenario has one); raid: the scenario's threats\n"
    "A range A:B:STEP runs from A to B inclusive; a list is comma-separated.\n"
    "The scenario may declare the sweep (analyses.sweep: docs/scenario-format.md); an option\n"
    "given here replaces that axis (or the sites, cues, threats) of the file's.\n"
    "Without --db the rows go to standard output as they are computed (CSV, or JSON with\n"
    "--format json). With --db FILE they go into a results store, one transaction per chunk of\n"
    "--chunk C cases (default 50); --resume continues it after an interruption (even kill -9);\n"
    "bmdsim store export FILE reads it back. --threads T: default all processors; the rows are\n"
    "the same for any T.\n"
    "Under MPI (mpirun -np N bmdsim sweep ...; docs/mpi.md) the ranks share each chunk's cases\n"
    "and rank 0 alone prints and writes the store: the same output as one process. --threads\n"
    "is then per rank (default: this machine's processors shared among its ranks).\n";

/* ---------------------------------------------------------------- axes */

#define MAX_LIST BMD_AXIS_MAX_LIST

/* One axis: n values, from a range (value k = a + k step) or a list. Absent: n = 1. */
typedef struct axis {
    const char *opt;
    bool given;
    int n;
    double a, step;
    double list[MAX_LIST];
    bool is_list;
} axis;

static double axis_value(const axis *x, int k) { return x->is_list ? x->list[k] : x->a + k * x->step; }

/* The axis's values from the library's parser (bmd_axis_parse: the flags and a scenario's
 * analyses.sweep alike). */
static void axis_set(axis *x, const bmd_axis *v)
{
    x->given = true;
    x->n = v->n;
    x->a = v->a;
    x->step = v->step;
    x->is_list = v->is_list;
    memcpy(x->list, v->list, sizeof x->list);
}

/* Parse A:B:STEP (A to B inclusive) or V1,V2,...; every value within [lo, hi]. */
static bool parse_axis(const char *C, const char *text, double lo, double hi, const char *unit,
                       axis *x)
{
    bmd_axis v;
    char why[200];
    if (bmd_axis_parse(text, lo, hi, unit, &v, why, sizeof why) != BMD_OK) {
        cli_error(C, "--%s: %s", x->opt, why);
        return false;
    }
    axis_set(x, &v);
    return true;
}

static void axis_text(char *buf, size_t n, const axis *x)
{
    size_t used = strlen(buf);
    if (!x->given) {
        snprintf(buf + used, n - used, "%s=-;", x->opt);
        return;
    }
    if (!x->is_list) {
        snprintf(buf + used, n - used, "%s=%.17g:%.17g:%.17g;", x->opt, x->a,
                 axis_value(x, x->n - 1), x->step);
        return;
    }
    used += (size_t)snprintf(buf + used, n - used, "%s=", x->opt);
    for (int k = 0; k < x->n && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s%.17g", k ? "," : "", x->list[k]);
    if (used < n)
        snprintf(buf + used, n - used, ";");
}

/* ---------------------------------------------------------------- the sweep */

/* Reasons beyond the intercept solver's. */
#define REASON_NOT_FLOWN 100     /* the threat cannot reach its target */
#define REASON_NOT_SCALED 101    /* the interceptor cannot be scaled to the burnout speed */

/* A table of the cache: one per (site, place and speed group). */
typedef struct table_entry {
    int64_t group;
    int site;
    bmd_flyout *f;               /* NULL when not scalable */
    bmd_status st;               /* BMD_OK, or BMD_ERR_RANGE: cannot be scaled */
    bool used;
    bool fresh;                  /* added for this chunk, not made yet */
} table_entry;

/* One result of a (case, threat, site). */
typedef struct result {
    int reason;                  /* bmd_intercept_reason, or REASON_* */
    double t_min_s;
    bmd_intercept w;
} result;

typedef struct sweep {
    const bmd_catalog *cat;
    const bmd_scenario *sc;
    int threads;
    /* threats */
    int n_threats;
    bmd_threat_case *thr;        /* flown */
    double *t_fixed;             /* [threat * n_cue + q]: earliest launch of cues that do not
                                    depend on the site (NaN for those that do) */
    /* sites */
    int n_sites;
    int site_idx[BMD_SCN_MAX_SITES];
    /* axes */
    axis lat, lon, speed, delay;
    int n_cue;
    bmd_cue cues[BMD_N_CUES];
    int64_t n_cases;
    int64_t per_group;           /* cases sharing a place and a speed: n_cue x n_delay */
    /* the chunk being computed, and the part of it whose tables are in memory */
    int64_t i0, i1;
    int64_t p0, p1;
    int64_t g0, n_groups;
    int max_groups;              /* (speed, place) groups a part holds tables for */
    table_entry *tab;            /* cache: n_tab entries */
    int n_tab, cap_tab;
    table_entry **chunk_tab;     /* [group - g0][site] */
    table_entry **build;         /* the tables to build for this chunk */
    int n_build;
    result *res;                 /* [(case - i0) * per_case + threat * n_sites + site] */
    int per_case;
} sweep;

/* Decode the place and speed group g (the slow axes). */
static void group_decode(const sweep *w, int64_t g, int *ilat, int *ilon, int *ispeed)
{
    *ispeed = (int)(g % w->speed.n);
    g /= w->speed.n;
    *ilon = (int)(g % w->lon.n);
    g /= w->lon.n;
    *ilat = (int)g;
}

/* The place of sweep site j in group g (rad). */
static void site_place(const sweep *w, int j, int64_t g, double *lat, double *lon, double *h)
{
    const bmd_scn_site *s = &w->sc->sites[w->site_idx[j]];
    int ilat;
    int ilon;
    int isp;
    group_decode(w, g, &ilat, &ilon, &isp);
    *lat = w->lat.given ? axis_value(&w->lat, ilat) * BMD_DEG : s->lat_rad;
    *lon = w->lon.given ? axis_value(&w->lon, ilon) * BMD_DEG : s->lon_rad;
    *h = s->h_m;
}

typedef struct fly_ctx {
    const bmd_scenario *sc;
    bmd_threat_case *c;
} fly_ctx;

/* Fly a raid threat as the analyses' threat sets are flown (tables.c). */
static bmd_status fly_raid_task(void *vctx, int i)
{
    fly_ctx *x = vctx;
    const bmd_scn_threat *t = &x->sc->threats[i];
    bmd_threat_case *k = &x->c[i];
    const bmd_vehicle *v = &k->missile->v;
    bmd_aim aim = bmd_aim_default(v, t->launch_lat_rad, t->launch_lon_rad, t->target_lat_rad,
                                  t->target_lon_rad);
    aim.tolerance_m = 100.0;
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim_result res;
    k->st = bmd_target(v, &aim, &fo, &res, &k->tr);
    if (k->st != BMD_OK)
        snprintf(k->why, sizeof k->why, "%.31s: %.120s", v->id,
                 res.why[0] ? res.why : bmd_status_str(k->st));
    if (k->st == BMD_ERR_UNREACHABLE || k->st == BMD_ERR_NO_CONVERGE || k->st == BMD_OK)
        return BMD_OK;
    return k->st;
}

/* The earliest launch of the cues that do not depend on the site, per threat. */
static bmd_status fixed_task(void *vctx, int t)
{
    sweep *w = vctx;
    for (int q = 0; q < w->n_cue; q++) {
        double *out = &w->t_fixed[t * w->n_cue + q];
        *out = (double)NAN;
        if (bmd_cue_spec_of(w->cues[q])->at_site)
            continue;
        *out = HUGE_VAL;
        if (w->thr[t].st != BMD_OK)
            continue;
        bmd_status st = bmd_cue_earliest_launch_def(w->cat, w->cues[q], w->sc->analyses.cue_defs,
                                                    &w->thr[t].tr, &w->thr[t].missile->sig, 0.0,
                                                    0.0, 0.0, w->sc->seed, out);
        if (st != BMD_OK)
            return st;
    }
    return BMD_OK;
}

/* Build one table of the chunk: the site's interceptor (scaled to the group's speed) there. */
static bmd_status table_task(void *vctx, int i)
{
    sweep *w = vctx;
    table_entry *e = w->build[i];
    const bmd_scn_site *s = &w->sc->sites[w->site_idx[e->site]];
    double lat;
    double lon;
    double h;
    site_place(w, e->site, e->group, &lat, &lon, &h);
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_vehicle iv = s->interceptor->v;
    if (w->speed.given) {
        int ilat;
        int ilon;
        int isp;
        group_decode(w, e->group, &ilat, &ilon, &isp);
        double v = axis_value(&w->speed, isp) * 1e3;
        bmd_status st = bmd_interceptor_scaled(&s->interceptor->v, v, lat, lon, &fo, &iv);
        if (st == BMD_ERR_RANGE) {
            e->st = BMD_ERR_RANGE;
            return BMD_OK;
        }
        if (st != BMD_OK)
            return st;
    }
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    fop.threads = bmd_parallel_inner_threads(w->threads, w->n_build);
    return bmd_flyout_build(&iv, lat, lon, h, &fo, &fop, &e->f);
}

/* One (group, site, threat) of the chunk: the threat prepared once against the table, solved
 * for every cue and delay of the group's cases in the chunk. */
static bmd_status solve_task(void *vctx, int i)
{
    sweep *w = vctx;
    int t = i % w->n_threats;
    int j = (i / w->n_threats) % w->n_sites;
    int64_t g = w->g0 + i / (w->n_threats * w->n_sites);
    table_entry *e = w->chunk_tab[(g - w->g0) * w->n_sites + j];
    int64_t c0 = g * w->per_group > w->p0 ? g * w->per_group : w->p0;
    int64_t c1 = (g + 1) * w->per_group < w->p1 ? (g + 1) * w->per_group : w->p1;
    const bmd_threat_case *tc = &w->thr[t];
    const bmd_scn_site *s = &w->sc->sites[w->site_idx[j]];
    bmd_intercept_prep *prep = NULL;
    bmd_status st = BMD_OK;
    if (tc->st == BMD_OK && e->f)
        st = bmd_intercept_prepare(&tc->tr, e->f, 1.0, &prep);
    double t_site[BMD_N_CUES];
    bool have_site[BMD_N_CUES] = {false};
    for (int64_t c = c0; c < c1 && st == BMD_OK; c++) {
        int id = (int)(c % w->delay.n);
        int q = (int)((c / w->delay.n) % w->n_cue);
        result *r = &w->res[(c - w->i0) * w->per_case + t * w->n_sites + j];
        memset(r, 0, sizeof *r);
        r->t_min_s = HUGE_VAL;
        if (tc->st != BMD_OK) {
            r->reason = REASON_NOT_FLOWN;
            continue;
        }
        double t_min = w->t_fixed[t * w->n_cue + q];
        if (isnan(t_min)) {
            if (!have_site[q]) {
                double lat;
                double lon;
                double h;
                site_place(w, j, g, &lat, &lon, &h);
                st = bmd_cue_earliest_launch_def(w->cat, w->cues[q], w->sc->analyses.cue_defs,
                                                 &tc->tr, &tc->missile->sig, lat, lon, h,
                                                 w->sc->seed, &t_site[q]);
                have_site[q] = true;
                if (st != BMD_OK)
                    break;
            }
            t_min = t_site[q];
        }
        r->t_min_s = t_min + axis_value(&w->delay, id);
        if (!e->f) {
            r->reason = REASON_NOT_SCALED;
            continue;
        }
        st = bmd_intercept_solve_prepared(prep, &s->interceptor->kv, r->t_min_s, &r->w);
        r->reason = (int)r->w.reason;
    }
    bmd_intercept_prep_free(prep);
    return st;
}

static table_entry *cache_get(sweep *w, int64_t g, int j)
{
    for (int k = 0; k < w->n_tab; k++)
        if (w->tab[k].group == g && w->tab[k].site == j) {
            w->tab[k].used = true;
            return &w->tab[k];
        }
    return NULL;
}

static void cache_add(sweep *w, int64_t g, int j)
{
    if (cache_get(w, g, j))
        return;
    table_entry *e = &w->tab[w->n_tab++];
    memset(e, 0, sizeof *e);
    e->group = g;
    e->site = j;
    e->used = true;
    e->fresh = true;
}

/* The group whose table a group's table is moved from: the same latitude and speed, at the
 * first longitude of the axis (itself when the longitude is not swept). */
static int64_t base_group(const sweep *w, int64_t g)
{
    int ilat;
    int ilon;
    int isp;
    group_decode(w, g, &ilat, &ilon, &isp);
    return ((int64_t)ilat * w->lon.n) * w->speed.n + isp;
}

/* Compute the cases [p0, p1) of the chunk into w->res: their tables, then their intercepts. */
static bmd_status sweep_part(sweep *w, int64_t p0, int64_t p1)
{
    w->p0 = p0;
    w->p1 = p1;
    w->g0 = p0 / w->per_group;
    w->n_groups = (p1 - 1) / w->per_group - w->g0 + 1;
    int n_tab_chunk = (int)w->n_groups * w->n_sites;
    /* The tables this chunk needs: its groups', and the tables those are moved from. Keep
     * those the cache has; free the others (bounded: the cache holds one chunk's tables). A
     * moved table borrows its base's grid, and a kept moved table's base is kept too. */
    for (int k = 0; k < w->n_tab; k++)
        w->tab[k].used = false;
    for (int64_t g = w->g0; g < w->g0 + w->n_groups; g++)
        for (int j = 0; j < w->n_sites; j++) {
            cache_get(w, g, j);
            cache_get(w, base_group(w, g), j);
        }
    int kept = 0;
    for (int k = 0; k < w->n_tab; k++) {
        if (w->tab[k].used)
            w->tab[kept++] = w->tab[k];
        else
            bmd_flyout_free(w->tab[k].f);
    }
    w->n_tab = kept;
    int need = kept + 2 * n_tab_chunk;
    if (need > w->cap_tab) {
        table_entry *p = realloc(w->tab, (size_t)need * sizeof *p);
        if (!p)
            return BMD_ERR_NOMEM;
        w->tab = p;
        w->cap_tab = need;
    }
    table_entry **q = realloc(w->chunk_tab, (size_t)n_tab_chunk * sizeof *q);
    if (!q)
        return BMD_ERR_NOMEM;
    w->chunk_tab = q;
    table_entry **b = realloc(w->build, (size_t)need * sizeof *b);
    if (!b)
        return BMD_ERR_NOMEM;
    w->build = b;
    for (int64_t g = w->g0; g < w->g0 + w->n_groups; g++)
        for (int j = 0; j < w->n_sites; j++) {
            cache_add(w, base_group(w, g), j);
            cache_add(w, g, j);
        }
    /* Build the new base tables in parallel (the array no longer moves). */
    w->n_build = 0;
    for (int k = 0; k < w->n_tab; k++)
        if (w->tab[k].fresh && base_group(w, w->tab[k].group) == w->tab[k].group)
            w->build[w->n_build++] = &w->tab[k];
    bmd_status st = bmd_parallel_for(w->n_build, w->threads, table_task, w, NULL);
    if (st != BMD_OK)
        return st;
    for (int k = 0; k < w->n_build; k++)
        w->build[k]->fresh = false;
    /* The others: moved along the parallel from their base (exact: the Earth model is
     * symmetric about its axis; bmd_flyout_moved). */
    for (int k = 0; k < w->n_tab; k++) {
        table_entry *e = &w->tab[k];
        if (!e->fresh)
            continue;
        e->fresh = false;
        const table_entry *base = cache_get(w, base_group(w, e->group), e->site);
        if (!base || !base->f) {
            e->st = base ? base->st : BMD_ERR_ARG;
            continue;
        }
        int ilat;
        int ilon;
        int isp;
        group_decode(w, e->group, &ilat, &ilon, &isp);
        double dlon = (axis_value(&w->lon, ilon) - axis_value(&w->lon, 0)) * BMD_DEG;
        st = bmd_flyout_moved(base->f, dlon, &e->f);
        if (st != BMD_OK)
            return st;
    }
    for (int64_t g = w->g0; g < w->g0 + w->n_groups; g++)
        for (int j = 0; j < w->n_sites; j++)
            w->chunk_tab[(g - w->g0) * w->n_sites + j] = cache_get(w, g, j);
    long n_tasks = (long)w->n_groups * w->n_sites * w->n_threats;
    if (n_tasks > 2000000000L)
        return BMD_ERR_ARG;
    return bmd_parallel_for((int)n_tasks, w->threads, solve_task, w, NULL);
}

/* Compute the cases [i0, i1) into w->res, in parts of at most max_groups (speed, place) groups,
 * so that the tables in memory stay bounded whatever the chunk size (about 4 MB a table). */
static bmd_status sweep_chunk(sweep *w, int64_t i0, int64_t i1)
{
    w->i0 = i0;
    w->i1 = i1;
    for (int64_t p0 = i0; p0 < i1;) {
        int64_t g_end = p0 / w->per_group + w->max_groups;
        int64_t p1 = g_end * w->per_group < i1 ? g_end * w->per_group : i1;
        bmd_status st = sweep_part(w, p0, p1);
        if (st != BMD_OK)
            return st;
        p0 = p1;
    }
    return BMD_OK;
}

/* Compute the chunk [i0, i1) on every rank, each its share (ranks.h), and gather the results
 * into rank 0's w->res, whose w->i0, w->i1 are then the chunk's. Collective: every rank calls it
 * for the same chunks. Returns the exit status the ranks agree on; a failure is said on rank 0
 * (its own, or which rank failed). */
static int chunk_all_ranks(const char *C, sweep *w, int64_t i0, int64_t i1)
{
    long my_first = 0;
    long my_n = 0;
    ranks_split((long)i0, (long)(i1 - i0), &my_first, &my_n);
    bmd_status bs = my_n > 0 ? sweep_chunk(w, my_first, my_first + my_n) : BMD_OK;
    if (bs != BMD_OK) {
        prog_done();
        cli_error(C, "cases %ld to %ld failed: %s", my_first, my_first + my_n - 1,
                  bmd_status_str(bs));
    }
    int rc = ranks_agree(C, bs == BMD_OK ? EXIT_OK : EXIT_INTERNAL);
    if (rc != EXIT_OK)
        return rc;
    ranks_gather(w->res, (size_t)my_n * (size_t)w->per_case * sizeof *w->res, w->res);
    w->i0 = i0;
    w->i1 = i1;
    return EXIT_OK;
}

/* A row's reason: a short code (docs/sweep.md gives each its meaning, the intercept solver's
 * reasons in bmd_intercept_reason_str's words). */
static const char *reason_text(int reason)
{
    static const char *const codes[] = {
        [BMD_INT_OK] = "engageable",         [BMD_INT_NOT_SEEN] = "not-seen",
        [BMD_INT_OUT_OF_REACH] = "out-of-reach", [BMD_INT_ALTITUDE] = "altitude",
        [BMD_INT_TOO_LATE] = "too-late",     [BMD_INT_TAIL_CHASE] = "tail-chase",
        [BMD_INT_CLOSING] = "closing-speed", [BMD_INT_TOO_FAST] = "too-fast"};
    if (reason == REASON_NOT_FLOWN)
        return "threat-unreachable";
    if (reason == REASON_NOT_SCALED)
        return "not-scalable";
    if (reason >= 0 && reason < (int)(sizeof codes / sizeof codes[0]) && codes[reason])
        return codes[reason];
    return "unknown";
}

/* The chunk's results as case and row values (case order; threat-major, then site). */
static void chunk_values(const sweep *w, sweep_case_val *cases, sweep_row_val *rows)
{
    for (int64_t c = w->i0; c < w->i1; c++) {
        sweep_case_val *cv = &cases[c - w->i0];
        int id = (int)(c % w->delay.n);
        int q = (int)((c / w->delay.n) % w->n_cue);
        int ilat;
        int ilon;
        int isp;
        group_decode(w, c / w->per_group, &ilat, &ilon, &isp);
        cv->index = c;
        cv->burnout_speed_km_s = w->speed.given ? axis_value(&w->speed, isp) : (double)NAN;
        cv->cue = bmd_cue_name(w->cues[q]);
        cv->delay_s = axis_value(&w->delay, id);
        cv->site_lat_deg = w->lat.given ? axis_value(&w->lat, ilat) : (double)NAN;
        cv->site_lon_deg = w->lon.given ? axis_value(&w->lon, ilon) : (double)NAN;
        cv->threats_engageable = 0;
        for (int t = 0; t < w->n_threats; t++) {
            bool any = false;
            for (int j = 0; j < w->n_sites; j++) {
                int k = t * w->n_sites + j;
                const result *r = &w->res[(c - w->i0) * w->per_case + k];
                sweep_row_val *rv = &rows[(c - w->i0) * w->per_case + k];
                bool real = r->reason < REASON_NOT_FLOWN;
                rv->threat = t;
                rv->site = j;
                rv->engageable = real && r->w.engageable;
                rv->reason = reason_text(r->reason);
                rv->earliest_launch_allowed_s = isfinite(r->t_min_s) ? r->t_min_s : (double)NAN;
                /* The solver's values (NaN where it has none), as bmdsim feasibility prints
                 * them. */
                double nan = (double)NAN;
                rv->earliest_launch_s = real ? r->w.earliest_launch_s : nan;
                rv->earliest_intercept_s = real ? r->w.earliest_intercept_s : nan;
                rv->latest_intercept_s = real ? r->w.latest_intercept_s : nan;
                rv->intercept_altitude_km = real ? r->w.intercept_altitude_m / 1e3 : nan;
                rv->closing_speed_km_s = real ? r->w.closing_speed_m_s / 1e3 : nan;
                rv->margin_s = real ? r->w.margin_s : nan;
                any = any || rv->engageable;
            }
            cv->threats_engageable += any;
        }
    }
}

/* Find a site by index, exact name, or the unique site whose name begins with the text
 * (bmd_scn_find_site); else say so, with the scenario's sites. */
static int find_site(const char *C, const bmd_scenario *sc, const char *name)
{
    const char *why = "";
    int k = bmd_scn_find_site(sc, name, &why);
    if (k >= 0)
        return k;
    char names[1024] = "";
    size_t used = 0;
    for (int i = 0; i < sc->n_sites && used < sizeof names - 80; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%d \"%s\"", i ? ", " : "",
                                 i, sc->sites[i].name);
    cli_error(C, "--site: \"%s\" %s (the scenario's sites: %s)", name, why, names);
    return -1;
}

static void place_text(char *out, size_t n, const bmd_scn_place *p, double lat, double lon)
{
    if (p)
        snprintf(out, n, "%s", p->name);
    else
        snprintf(out, n, "%.4f,%.4f", lat / BMD_DEG, lon / BMD_DEG);
}

int cmd_sweep(int argc, char **argv)
{
    static const char *C = "sweep";
    opts o;
    int begun = opts_begin(&o, C, spec_sweep, argc, argv, help);
    if (begun >= 0)
        return begun;
    if (o.n_pos != 1) {
        cli_error(C, "expected one SCENARIO file (see bmdsim sweep --help)");
        return EXIT_USAGE;
    }
    sweep w;
    memset(&w, 0, sizeof w);
    w.lat.opt = "site-lat-deg";
    w.lon.opt = "site-lon-deg";
    w.speed.opt = "burnout-speed-km-s";
    w.delay.opt = "delay-s";
    w.lat.n = w.lon.n = w.speed.n = w.delay.n = 1;
    w.delay.is_list = true;
    w.delay.list[0] = 0.0;
    if ((opt_has(&o, "burnout-speed-km-s") &&
         !parse_axis(C, opt_get(&o, "burnout-speed-km-s"), 0.5, 11.0, "km/s", &w.speed)) ||
        (opt_has(&o, "delay-s") && !parse_axis(C, opt_get(&o, "delay-s"), 0.0, 7200.0, "s",
                                               &w.delay)) ||
        (opt_has(&o, "site-lat-deg") &&
         !parse_axis(C, opt_get(&o, "site-lat-deg"), -90.0, 90.0, "deg", &w.lat)) ||
        (opt_has(&o, "site-lon-deg") &&
         !parse_axis(C, opt_get(&o, "site-lon-deg"), -360.0, 360.0, "deg", &w.lon)))
        return EXIT_USAGE;
    /* Cues. */
    w.n_cue = 1;
    w.cues[0] = BMD_CUE_IDEAL;
    if (opt_has(&o, "cue")) {
        const char *text = opt_get(&o, "cue");
        w.n_cue = 0;
        if (strcmp(text, "all") == 0) {
            for (int q = 0; q < BMD_N_CUES; q++)
                w.cues[w.n_cue++] = (bmd_cue)q;
        } else {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", text);
            char *p = buf;
            for (;;) {
                char *comma = strchr(p, ',');
                if (comma)
                    *comma = '\0';
                bmd_cue c;
                if (!bmd_cue_parse(p, &c)) {
                    cli_error(C, "--cue: \"%s\": expected all, or ideal, early-warning, "
                              "forward-radar, site-radar separated by commas", p);
                    return EXIT_USAGE;
                }
                for (int q = 0; q < w.n_cue; q++)
                    if (w.cues[q] == c) {
                        cli_error(C, "--cue: %s given twice", p);
                        return EXIT_USAGE;
                    }
                w.cues[w.n_cue++] = c;
                if (!comma)
                    break;
                if (w.n_cue >= BMD_N_CUES) {
                    cli_error(C, "--cue: \"%s\": more cues than there are", text);
                    return EXIT_USAGE;
                }
                p = comma + 1;
            }
        }
    }
    bool json = false;
    const char *fmt = opt_get(&o, "format");
    if (fmt && strcmp(fmt, "json") == 0)
        json = true;
    else if (fmt && strcmp(fmt, "csv") != 0) {
        cli_error(C, "--format: \"%s\": expected csv or json", fmt);
        return EXIT_USAGE;
    }
    const char *db = opt_get(&o, "db");
    bool resume = opt_has(&o, "resume");
    if (resume && !db) {
        cli_error(C, "--resume: expected --db FILE, the results store to continue");
        return EXIT_USAGE;
    }
    if (db && fmt) {
        cli_error(C, "--format: with --db the rows go into the store (bmdsim store export FILE "
                  "--format %s reads them)", fmt);
        return EXIT_USAGE;
    }
    long chunk = 50;
    if (opt_has(&o, "chunk")) {
        double x;
        if (!parse_double(C, "chunk", opt_get(&o, "chunk"), &x))
            return EXIT_USAGE;
        if (x < 1.0 || x > 100000.0 || x != floor(x)) {
            cli_error(C, "--chunk: %g: expected a whole number of cases from 1 to 100000", x);
            return EXIT_USAGE;
        }
        chunk = (long)x;
    }
    w.threads = 0;
    if (opt_has(&o, "threads")) {
        double x;
        if (!parse_double(C, "threads", opt_get(&o, "threads"), &x))
            return EXIT_USAGE;
        if (x < 1.0 || x > 64.0 || x != floor(x)) {
            cli_error(C, "--threads: %g: expected a whole number from 1 to 64", x);
            return EXIT_USAGE;
        }
        w.threads = (int)x;
    }
    if (w.threads == 0)
        w.threads = ranks_default_threads();
    const char *threat_set = opt_get(&o, "threats");
    if (threat_set && strcmp(threat_set, "matrix") != 0 && strcmp(threat_set, "raid") != 0) {
        cli_error(C, "--threats: \"%s\": expected matrix or raid", threat_set);
        return EXIT_USAGE;
    }

    /* The scenario. */
    int rc = EXIT_INTERNAL;
    bmd_catalog *cat = cli_catalog(C);
    if (!cat)
        return EXIT_USAGE;
    bmd_scenario sc;
    memset(&sc, 0, sizeof sc);
    bmd_load_error err;
    sweep_threat_info *tinfo = NULL;
    sweep_site_info sinfo[BMD_SCN_MAX_SITES];
    sweep_store *sto = NULL;
    sweep_case_val *cases = NULL;
    sweep_row_val *rows = NULL;
    if (bmd_scenario_load(o.pos[0], cat, &sc, &err) != BMD_OK) {
        cli_load_error(C, NULL, &err);
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    w.cat = cat;
    w.sc = &sc;
    /* A sweep declared in the scenario (analyses.sweep): what the command line does not say. */
    const bmd_scn_sweep *dsw = sc.analyses.sweep ? &sc.analyses.sw : NULL;
    if (dsw) {
        if (!w.speed.given && dsw->has_speed)
            axis_set(&w.speed, &dsw->burnout_speed_km_s);
        if (!w.delay.given && dsw->has_delay)
            axis_set(&w.delay, &dsw->launch_delay_s);
        if (!w.lat.given && dsw->has_lat)
            axis_set(&w.lat, &dsw->site_lat_deg);
        if (!w.lon.given && dsw->has_lon)
            axis_set(&w.lon, &dsw->site_lon_deg);
        if (!opt_has(&o, "cue") && dsw->n_cues > 0) {
            w.n_cue = dsw->n_cues;
            memcpy(w.cues, dsw->cues, sizeof w.cues);
        }
        if (!threat_set && dsw->threats)
            threat_set = dsw->threats == 1 ? "matrix" : "raid";
    }
    /* Sites. */
    if (sc.n_sites < 1) {
        cli_error(C, "%s: the scenario has no sites", o.pos[0]);
        rc = EXIT_USAGE;
        goto out;
    }
    if (opt_has(&o, "site")) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", opt_get(&o, "site"));
        char *p = buf;
        for (;;) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            int k = find_site(C, &sc, p);
            if (k < 0) {
                rc = EXIT_USAGE;
                goto out;
            }
            for (int j = 0; j < w.n_sites; j++)
                if (w.site_idx[j] == k) {
                    cli_error(C, "--site: \"%s\" given twice", p);
                    rc = EXIT_USAGE;
                    goto out;
                }
            w.site_idx[w.n_sites++] = k;
            if (!comma)
                break;
            p = comma + 1;
        }
    } else if (dsw && dsw->n_sites > 0) {
        for (int k = 0; k < dsw->n_sites; k++)
            w.site_idx[w.n_sites++] = dsw->sites[k];
    } else {
        for (int k = 0; k < sc.n_sites; k++)
            w.site_idx[w.n_sites++] = k;
    }
    if ((w.lat.given || w.lon.given) && w.n_sites != 1) {
        cli_error(C, "--%s: moves one site, and %d are chosen: choose it with --site",
                  w.lat.given ? "site-lat-deg" : "site-lon-deg", w.n_sites);
        rc = EXIT_USAGE;
        goto out;
    }
    /* Threats. */
    bool matrix = threat_set ? strcmp(threat_set, "matrix") == 0 : sc.analyses.feasibility_matrix;
    const struct bmd_scn_fm *fm = &sc.analyses.fm;
    if (matrix && (!sc.analyses.feasibility_matrix || fm->n_bases < 1 || fm->n_targets < 1)) {
        cli_error(C, "--threats matrix: %s has no analyses.feasibility_matrix (bases and "
                  "targets)", o.pos[0]);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!matrix && sc.n_threats < 1) {
        cli_error(C, "%s: the scenario has no threats (and no feasibility matrix)", o.pos[0]);
        rc = EXIT_USAGE;
        goto out;
    }
    /* The case count: a product of the axes, within what a case number can hold. */
    w.per_group = (int64_t)w.n_cue * w.delay.n;
    double n_cases = (double)w.lat.n * w.lon.n * w.speed.n * (double)w.per_group;
    if (n_cases > 1e15) {
        cli_error(C, "%.3g cases: more than 10^15 (narrow an axis)", n_cases);
        rc = EXIT_USAGE;
        goto out;
    }
    w.n_cases = (int64_t)w.lat.n * w.lon.n * w.speed.n * w.per_group;
    /* What identifies the sweep. */
    sweep_study st;
    memset(&st, 0, sizeof st);
    snprintf(st.scenario_path, sizeof st.scenario_path, "%s", o.pos[0]);
    if (!store_sha256_file(C, o.pos[0], st.scenario_sha256)) {
        rc = EXIT_USAGE;
        goto out;
    }
    axis_text(st.axes, sizeof st.axes, &w.lat);
    axis_text(st.axes, sizeof st.axes, &w.lon);
    axis_text(st.axes, sizeof st.axes, &w.speed);
    {
        size_t used = strlen(st.axes);
        used += (size_t)snprintf(st.axes + used, sizeof st.axes - used, "cue=");
        for (int q = 0; q < w.n_cue && used < sizeof st.axes; q++)
            used += (size_t)snprintf(st.axes + used, sizeof st.axes - used, "%s%s",
                                     q ? "," : "", bmd_cue_name(w.cues[q]));
        if (used < sizeof st.axes)
            snprintf(st.axes + used, sizeof st.axes - used, ";");
    }
    axis_text(st.axes, sizeof st.axes, &w.delay);
    {
        size_t used = strlen(st.axes);
        used += (size_t)snprintf(st.axes + used, sizeof st.axes - used, "threats=%s;site=",
                                 matrix ? "matrix" : "raid");
        for (int j = 0; j < w.n_sites && used < sizeof st.axes; j++)
            used += (size_t)snprintf(st.axes + used, sizeof st.axes - used, "%s%d",
                                     j ? "," : "", w.site_idx[j]);
        if (used < sizeof st.axes)
            snprintf(st.axes + used, sizeof st.axes - used, ";chunk=%ld", chunk);
    }
    {
        /* The sweep's identity: the scenario's bytes, the axes, and the bytes of every other
         * file its rows depend on (its includes, the catalog files of the missiles,
         * interceptors and sensors it uses, and the catalog's drag table), by content, not by
         * path: a store resumes on another machine, and refuses changed inputs. */
        char inputs[65];
        if (!report_inputs_sha256(C, &sc, cat, inputs)) {
            rc = EXIT_USAGE;
            goto out;
        }
        char idtext[4096 + 160];
        snprintf(idtext, sizeof idtext, "%s\n%s\ninputs=%s", st.scenario_sha256, st.axes, inputs);
        store_sha256_text(idtext, st.sweep_sha256);
    }
    st.cases = w.n_cases;
    st.chunk = chunk;
    snprintf(st.version, sizeof st.version, "%s", BMD_VERSION);

    /* Fly the threats. */
    prog_update(0.0, "sweep: flying the threats");
    bmd_status bs;
    if (matrix) {
        bs = bmd_threat_cases_fly(fm->bases, fm->n_bases, fm->targets, fm->n_targets, w.threads,
                                  &w.thr, &w.n_threats);
    } else {
        w.n_threats = sc.n_threats;
        w.thr = calloc((size_t)w.n_threats, sizeof *w.thr);
        bs = w.thr ? BMD_OK : BMD_ERR_NOMEM;
        for (int t = 0; t < w.n_threats && bs == BMD_OK; t++) {
            bmd_traj_init(&w.thr[t].tr);
            w.thr[t].missile = sc.threats[t].missile;
            w.thr[t].base = t;
            w.thr[t].target = t;
        }
        if (bs == BMD_OK) {
            fly_ctx fx = {&sc, w.thr};
            bs = bmd_parallel_for(w.n_threats, w.threads, fly_raid_task, &fx, NULL);
        }
    }
    if (bs != BMD_OK) {
        cli_error(C, "flying the threats failed: %s", bmd_status_str(bs));
        goto out;
    }
    w.per_case = w.n_threats * w.n_sites;
    /* Tables in memory at once: enough to keep every thread busy building them, at least 16. */
    {
        int nt = bmd_parallel_threads(w.threads, 1L << 20);
        int tabs = 2 * nt > 16 ? 2 * nt : 16;
        w.max_groups = tabs / w.n_sites > 1 ? tabs / w.n_sites : 1;
    }
    tinfo = calloc((size_t)w.n_threats, sizeof *tinfo);
    w.t_fixed = calloc((size_t)w.n_threats * (size_t)w.n_cue, sizeof *w.t_fixed);
    if (!tinfo || !w.t_fixed) {
        cli_error(C, "out of memory");
        goto out;
    }
    for (int t = 0; t < w.n_threats; t++) {
        sweep_threat_info *ti = &tinfo[t];
        const bmd_threat_case *tc = &w.thr[t];
        snprintf(ti->missile, sizeof ti->missile, "%s", tc->missile->v.id);
        if (matrix) {
            const bmd_scn_place *b = &fm->bases[tc->base];
            const bmd_scn_place *g = &fm->targets[tc->target];
            place_text(ti->from, sizeof ti->from, b, 0, 0);
            place_text(ti->to, sizeof ti->to, g, 0, 0);
            ti->launch_lat_deg = b->lat_rad / BMD_DEG;
            ti->launch_lon_deg = b->lon_rad / BMD_DEG;
            ti->target_lat_deg = g->lat_rad / BMD_DEG;
            ti->target_lon_deg = g->lon_rad / BMD_DEG;
        } else {
            const bmd_scn_threat *r = &sc.threats[t];
            place_text(ti->from, sizeof ti->from, NULL, r->launch_lat_rad, r->launch_lon_rad);
            place_text(ti->to, sizeof ti->to, NULL, r->target_lat_rad, r->target_lon_rad);
            ti->launch_lat_deg = r->launch_lat_rad / BMD_DEG;
            ti->launch_lon_deg = r->launch_lon_rad / BMD_DEG;
            ti->target_lat_deg = r->target_lat_rad / BMD_DEG;
            ti->target_lon_deg = r->target_lon_rad / BMD_DEG;
        }
        ti->flight_time_s = tc->st == BMD_OK ? tc->tr.sum.flight_time_s : (double)NAN;
    }
    for (int j = 0; j < w.n_sites; j++) {
        const bmd_scn_site *s = &sc.sites[w.site_idx[j]];
        snprintf(sinfo[j].name, sizeof sinfo[j].name, "%s", s->name);
        snprintf(sinfo[j].interceptor, sizeof sinfo[j].interceptor, "%s",
                 s->interceptor->v.id);
        sinfo[j].lat_deg = s->lat_rad / BMD_DEG;
        sinfo[j].lon_deg = s->lon_rad / BMD_DEG;
    }
    st.n_threats = w.n_threats;
    st.n_sites = w.n_sites;
    prog_update(0.0, "sweep: the cues' earliest launches");
    bs = bmd_parallel_for(w.n_threats, w.threads, fixed_task, &w, NULL);
    if (bs != BMD_OK) {
        cli_error(C, "the cues' earliest launches failed: %s (does the catalog have the cue's "
                  "sensor?)", bmd_status_str(bs));
        goto out;
    }
    /* The store is rank 0's alone (ranks.h); every rank learns whether it opened. */
    bool lead = ranks_rank() == 0;
    if (db && lead) {
        bool okdb = resume ? sweep_store_open(C, db, &st, tinfo, sinfo, &sto)
                           : sweep_store_create(C, db, &st, tinfo, sinfo, &sto);
        rc = okdb ? EXIT_OK : EXIT_USAGE;
    } else {
        rc = EXIT_OK;
    }
    rc = ranks_agree(C, rc);
    if (rc != EXIT_OK)
        goto out;
    rc = EXIT_INTERNAL;
    w.res = calloc((size_t)chunk * (size_t)w.per_case, sizeof *w.res);
    cases = calloc((size_t)chunk, sizeof *cases);
    rows = calloc((size_t)chunk * (size_t)w.per_case, sizeof *rows);
    if (ranks_agree(C, w.res && cases && rows ? EXIT_OK : EXIT_INTERNAL) != EXIT_OK) {
        if (!w.res || !cases || !rows)
            cli_error(C, "out of memory (%ld cases of %d rows a chunk: lower --chunk)", chunk,
                      w.per_case);
        goto out;
    }

    /* The cases, chunk by chunk, in order. */
    if (!db) {
        if (json)
            sweep_json_open(stdout, &st, tinfo, sinfo);
        else
            sweep_csv_header(stdout);
    }
    /* On --resume, compute the last committed chunk again: the same rows to the bit, or the
     * scenario's includes, the catalog or bmdsim changed since (the SHA-256 covers the
     * scenario file only) and the store is refused. */
    if (db && resume) {
        /* Rank 0 reads the last committed chunk (f0 = -1: none) and tells the others. */
        int64_t last[3] = {-1, 0, EXIT_OK};
        if (lead) {
            if (!sweep_store_last_chunk(C, sto, &last[0], &last[1])) {
                last[2] = EXIT_USAGE;
            } else if (last[0] >= 0) {
                int64_t f1 = last[0] + chunk < w.n_cases ? last[0] + chunk : w.n_cases;
                if (last[0] % chunk != 0 || last[1] != f1 - last[0]) {
                    cli_error(C, "--db: %s: a chunk of %" PRId64 " cases at case %" PRId64
                              " does not fit chunks of %ld (the store was edited?)",
                              db, last[1], last[0], chunk);
                    last[2] = EXIT_USAGE;
                }
            }
        }
        ranks_bcast(last, sizeof last);
        if (last[2] != EXIT_OK) {
            rc = (int)last[2];
            goto out;
        }
        int64_t f0 = last[0];
        if (f0 >= 0) {
            int64_t f1 = f0 + chunk < w.n_cases ? f0 + chunk : w.n_cases;
            prog_update(0.0, "sweep: checking the last committed chunk");
            int crc = chunk_all_ranks(C, &w, f0, f1);
            if (crc != EXIT_OK) {
                prog_done();
                rc = crc;
                goto out;
            }
            int same_rc = EXIT_OK;
            if (lead) {
                chunk_values(&w, cases, rows);
                bool same = false;
                char what[160];
                if (!sweep_store_same(C, sto, f0, f1 - f0, cases, rows, w.per_case, &same, what,
                                      sizeof what)) {
                    prog_done();
                    same_rc = EXIT_INTERNAL;
                } else if (!same) {
                    prog_done();
                    cli_error(C, "--resume: %s: cases %" PRId64 " to %" PRId64 " computed again "
                              "differ from the stored ones (%s): the scenario's includes, the "
                              "catalog or bmdsim changed since the sweep began, or the store "
                              "was edited",
                              db, f0, f1 - 1, what);
                    same_rc = EXIT_USAGE;
                }
            }
            same_rc = ranks_agree(C, same_rc);
            if (same_rc != EXIT_OK) {
                rc = same_rc;
                goto out;
            }
        }
    }
    int64_t resumed = 0;
    int64_t computed = 0;
    for (int64_t i0 = 0; i0 < w.n_cases; i0 += chunk) {
        int64_t i1 = i0 + chunk < w.n_cases ? i0 + chunk : w.n_cases;
        if (db) {
            /* Rank 0 knows whether the chunk is committed; the others follow it. */
            int has_rc[2] = {0, EXIT_OK};
            if (lead) {
                bool has = false;
                if (!sweep_store_has_chunk(C, sto, i0, i1 - i0, &has))
                    has_rc[1] = EXIT_USAGE;
                has_rc[0] = has;
            }
            ranks_bcast(has_rc, sizeof has_rc);
            if (has_rc[1] != EXIT_OK) {
                prog_done();
                rc = has_rc[1];
                goto out;
            }
            if (has_rc[0]) {
                resumed += i1 - i0;
                continue;
            }
        }
        char label[64];
        snprintf(label, sizeof label, "sweep: case %" PRId64 "/%" PRId64, i0, w.n_cases);
        prog_count((double)i0 / (double)w.n_cases, (double)computed, "cases", label);
        int crc = chunk_all_ranks(C, &w, i0, i1);
        if (crc != EXIT_OK) {
            prog_done();
            rc = crc;
            goto out;
        }
        int wrc = EXIT_OK;
        if (lead) {
            chunk_values(&w, cases, rows);
            if (sto) {
                if (!sweep_store_append(C, sto, i0, i1 - i0, cases, rows, w.per_case)) {
                    prog_done();
                    wrc = EXIT_INTERNAL;
                }
            } else {
                for (int64_t c = 0; c < i1 - i0; c++) {
                    if (json)
                        sweep_json_case(stdout, i0 + c == 0, &cases[c], &rows[c * w.per_case],
                                        w.per_case);
                    else
                        sweep_csv_case(stdout, &cases[c], &rows[c * w.per_case], w.per_case,
                                       tinfo, sinfo);
                }
                if (fflush(stdout) != 0) {
                    prog_done();
                    cli_error(C, "cannot write the rows: %s", strerror(errno));
                    wrc = EXIT_INTERNAL;
                }
            }
        }
        /* Every rank learns whether rank 0 wrote the chunk (a full disk ends them all). */
        if (ranks_agree(C, wrc) != EXIT_OK)
            goto out;
        computed += i1 - i0;
    }
    prog_done();
    if (!db && json)
        sweep_json_close(stdout, w.n_cases);
    if (db)
        printf("sweep %s: %" PRId64 " cases of %d threats x %d sites in chunks of %ld (%" PRId64
               " resumed, %" PRId64 " computed now); bmdsim store export %s reads them\n",
               db, w.n_cases, w.n_threats, w.n_sites, chunk, resumed, computed, db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error(C, "cannot write the output: %s", strerror(errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    for (int k = 0; k < w.n_tab; k++)
        bmd_flyout_free(w.tab[k].f);
    free(w.tab);
    free(w.chunk_tab);
    free(w.build);
    free(w.res);
    free(w.t_fixed);
    free(cases);
    free(rows);
    free(tinfo);
    sweep_store_close(sto);
    bmd_threat_cases_free(w.thr, w.n_threats);
    bmd_scenario_free(&sc);
    bmd_catalog_free(cat);
    return rc;
}
