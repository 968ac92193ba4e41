/* SPDX-License-Identifier: MIT */
/* guarantees.c: the guarantees calculator (analysis.h). Per site: the least interceptor burnout
 * speed that engages at least one of the threats (bisection, as bmdsim threshold). The inverse:
 * for one burnout speed, how many threats a site at each cell of a map could engage; cells with
 * none are the safe deployment zones.
 *
 * The map builds one fly-out table per row of the grid (per latitude) and moves it along the row
 * (bmd_flyout_moved): the Earth model is symmetric about its axis, so a site's table depends on
 * its latitude only, and the moved table is exact. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/constants.h"
#include "bmd/parallel.h"

#define V_LO 1000.0
#define V_HI 9000.0
#define V_TOL 50.0

/* The earliest launch of each threat under cue c for a site (HUGE_VAL for threats not flown). */
static bmd_status launch_times(const bmd_catalog *cat, const bmd_threat_case *threats, int n,
                               bmd_cue c, const bmd_scn_cue_def *defs, double lat, double lon,
                               double h, uint64_t seed, double *t_min)
{
    for (int k = 0; k < n; k++) {
        t_min[k] = HUGE_VAL;
        if (threats[k].st != BMD_OK)
            continue;
        bmd_status st = bmd_cue_earliest_launch_def(cat, c, defs, &threats[k].tr,
                                                    &threats[k].missile->sig, lat, lon, h, seed,
                                                    &t_min[k]);
        if (st != BMD_OK)
            return st;
    }
    return BMD_OK;
}

/* Each flown threat sampled once for all the tables (NULL for a threat not flown). */
static bmd_status samples_make(const bmd_threat_case *threats, int n, bmd_threat_samples ***out)
{
    bmd_threat_samples **s = calloc((size_t)n, sizeof *s);
    if (!s)
        return BMD_ERR_NOMEM;
    for (int k = 0; k < n; k++) {
        if (threats[k].st != BMD_OK)
            continue;
        bmd_status st = bmd_threat_samples_make(&threats[k].tr, 1.0, &s[k]);
        if (st != BMD_OK) {
            for (int j = 0; j < k; j++)
                bmd_threat_samples_free(s[j]);
            free(s);
            return st;
        }
    }
    *out = s;
    return BMD_OK;
}

static void samples_free(bmd_threat_samples **s, int n)
{
    for (int k = 0; s && k < n; k++)
        bmd_threat_samples_free(s[k]);
    free(s);
}

/* Engage at least one threat with this table? *which the first engaged, w its window. */
static bmd_status engages_any(const bmd_flyout *f, const bmd_kill_vehicle *kv,
                              bmd_threat_samples *const *smp, int n, const double *t_min,
                              bool count_all, int *which, int *count, bmd_intercept *w)
{
    *which = -1;
    *count = 0;
    for (int k = 0; k < n; k++) {
        if (!smp[k] || !isfinite(t_min[k]))
            continue;
        bmd_intercept x;
        bmd_status st = bmd_intercept_solve_samples(smp[k], f, kv, t_min[k], &x);
        if (st != BMD_OK)
            return st;
        if (x.engageable) {
            if (*which < 0) {
                *which = k;
                if (w)
                    *w = x;
            }
            (*count)++;
            if (!count_all)
                return BMD_OK;
        }
    }
    return BMD_OK;
}

/* Table of im scaled to speed v at a site; BMD_ERR_RANGE when it cannot be scaled there. */
static bmd_status scaled_table(const bmd_missile *im, double v, double lat, double lon, double h,
                               int threads, bmd_flyout **f)
{
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_vehicle iv;
    bmd_status st = bmd_interceptor_scaled(&im->v, v, lat, lon, &fo, &iv);
    if (st != BMD_OK)
        return st;
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    fop.threads = threads;
    return bmd_flyout_build(&iv, lat, lon, h, &fo, &fop, f);
}

/* One probe of the bisection: the interceptor scaled to v at the site, against the threats. */
typedef struct probe {
    const bmd_missile *im;
    double lat, lon, h;
    bmd_threat_samples *const *smp;
    int n;
    const double *t_min;
    int *evaluations;
} probe;

/* *which: the first threat engaged at speed v (-1: none). BMD_ERR_RANGE (and -1) when the
 * interceptor cannot be scaled to v: it engages nothing there. */
static bmd_status probe_at(const probe *p, double v, int *which, bmd_intercept *w)
{
    *which = -1;
    bmd_flyout *f = NULL;
    bmd_status st = scaled_table(p->im, v, p->lat, p->lon, p->h, 0, &f);
    (*p->evaluations)++;
    if (st != BMD_OK)
        return st;
    int count = 0;
    st = engages_any(f, &p->im->kv, p->smp, p->n, p->t_min, false, which, &count, w);
    bmd_flyout_free(f);
    return st;
}

bmd_status bmd_guarantee_site(const bmd_catalog *cat, const bmd_missile *im, double lat_rad,
                              double lon_rad, double h_m, const bmd_threat_case *threats,
                              int n_threats, bmd_cue c, const bmd_scn_cue_def *cue_defs,
                              uint64_t seed, bmd_gu_site *out)
{
    memset(out, 0, sizeof *out);
    out->min_burnout_speed_m_s = (double)NAN;
    out->threat = -1;
    if (!im || !im->interceptor || n_threats < 1)
        return BMD_ERR_ARG;
    double *t_min = malloc((size_t)n_threats * sizeof *t_min);
    if (!t_min)
        return BMD_ERR_NOMEM;
    bmd_threat_samples **smp = NULL;
    bmd_status st =
        launch_times(cat, threats, n_threats, c, cue_defs, lat_rad, lon_rad, h_m, seed, t_min);
    if (st == BMD_OK)
        st = samples_make(threats, n_threats, &smp);
    probe p = {im, lat_rad, lon_rad, h_m, smp, n_threats, t_min, &out->evaluations};
    /* The top of the search: 9 km/s, lowered by 0.5 km/s while the interceptor cannot be scaled
     * to it. */
    double hi = V_HI;
    int which = -1;
    bmd_intercept w;
    memset(&w, 0, sizeof w);
    while (st == BMD_OK) {
        bmd_status sb = probe_at(&p, hi, &which, &w);
        if (sb == BMD_ERR_RANGE && hi - 500.0 > V_LO) {
            hi -= 500.0;
            continue;
        }
        if (sb != BMD_OK && sb != BMD_ERR_RANGE)
            st = sb;
        break;
    }
    out->top_m_s = hi;
    if (st == BMD_OK && which >= 0) {
        double lo = V_LO;
        out->threat = which;
        out->w = w;
        /* Bisection: hi engages; lo is taken not to, and checked only when the bisection comes
         * down to it (then it is the answer if it does). A speed the interceptor cannot be
         * scaled to engages nothing. */
        while (st == BMD_OK && hi - lo > V_TOL) {
            double mid = 0.5 * (lo + hi);
            bmd_status sb = probe_at(&p, mid, &which, &w);
            if (sb != BMD_OK && sb != BMD_ERR_RANGE) {
                st = sb;
                break;
            }
            if (which >= 0) {
                hi = mid;
                out->threat = which;
                out->w = w;
            } else {
                lo = mid;
            }
        }
        if (st == BMD_OK && lo == V_LO) {
            bmd_status sb = probe_at(&p, lo, &which, &w);
            if (sb != BMD_OK && sb != BMD_ERR_RANGE)
                st = sb;
            else if (which >= 0) {
                hi = lo;
                out->threat = which;
                out->w = w;
            }
        }
        out->min_burnout_speed_m_s = hi;
    }
    samples_free(smp, n_threats);
    free(t_min);
    return st;
}

void bmd_gu_map_free(bmd_gu_map *m)
{
    if (!m)
        return;
    free(m->n_engaged);
    memset(m, 0, sizeof *m);
}

typedef struct gu_ctx {
    const bmd_catalog *cat;
    const bmd_missile *im;
    double v;
    const bmd_threat_case *threats;
    int n_threats;
    bmd_cue cue;
    const bmd_scn_cue_def *defs;
    uint64_t seed;
    const double *t_min;  /* site-independent cues: per threat */
    bmd_threat_samples *const *smp;
    bmd_gu_map *map;
    const bmd_dist *dist;
    int row0;             /* this process's first row of the chunk being run */
    bool not_scalable;
    int inner_threads;    /* each row's table's fan */
} gu_ctx;

static bmd_status gu_row(void *vctx, int r)
{
    gu_ctx *c = vctx;
    bmd_gu_map *m = c->map;
    int i = bmd_dist_item(c->dist, c->row0 + r);
    double lat = m->lat0_rad + i * m->step_rad;
    bmd_flyout *f0 = NULL;
    bmd_status st = scaled_table(c->im, c->v, lat, m->lon0_rad, 0.0, c->inner_threads, &f0);
    if (st != BMD_OK)
        return st;
    bool at_site = bmd_cue_spec_of(c->cue)->at_site;
    double *tm = NULL;
    if (at_site) {
        tm = malloc((size_t)c->n_threats * sizeof *tm);
        if (!tm) {
            bmd_flyout_free(f0);
            return BMD_ERR_NOMEM;
        }
    }
    for (int j = 0; j < m->n_lon && st == BMD_OK; j++) {
        double lon = m->lon0_rad + j * m->step_rad;
        bmd_flyout *f = NULL;
        st = bmd_flyout_moved(f0, lon - m->lon0_rad, &f);
        if (st != BMD_OK)
            break;
        const double *t_min = c->t_min;
        if (at_site) {
            st = launch_times(c->cat, c->threats, c->n_threats, c->cue, c->defs, lat, lon, 0.0,
                              c->seed, tm);
            t_min = tm;
        }
        int which = -1;
        int count = 0;
        if (st == BMD_OK)
            st = engages_any(f, &c->im->kv, c->smp, c->n_threats, t_min, true, &which, &count,
                             NULL);
        m->n_engaged[(size_t)i * m->n_lon + j] = (uint16_t)count;
        bmd_flyout_free(f);
    }
    free(tm);
    bmd_flyout_free(f0);
    return st;
}

/* A row of the map as the processes of a distributed run exchange it. */
static void gu_pack(void *vctx, int i, void *rec)
{
    const gu_ctx *c = vctx;
    const bmd_gu_map *m = c->map;
    memcpy(rec, m->n_engaged + (size_t)i * m->n_lon, (size_t)m->n_lon * sizeof *m->n_engaged);
}

static void gu_unpack(void *vctx, int i, const void *rec)
{
    gu_ctx *c = vctx;
    bmd_gu_map *m = c->map;
    memcpy(m->n_engaged + (size_t)i * m->n_lon, rec, (size_t)m->n_lon * sizeof *m->n_engaged);
}

bmd_status bmd_guarantee_map(const bmd_catalog *cat, const bmd_missile *im, double speed_m_s,
                             const bmd_threat_case *threats, int n_threats, bmd_cue c,
                             const bmd_scn_cue_def *cue_defs, double grid_rad,
                             const bmd_scn_region *g, uint64_t seed,
                             int threads, void (*progress)(double share, void *ctx),
                             void *progress_ctx, bmd_gu_map *out, char *why, size_t why_size)
{
    return bmd_guarantee_map_dist(cat, im, speed_m_s, threats, n_threats, c, cue_defs, grid_rad,
                                  g, seed, threads, NULL, progress, progress_ctx, out, why,
                                  why_size);
}

bmd_status bmd_guarantee_map_dist(const bmd_catalog *cat, const bmd_missile *im, double speed_m_s,
                                  const bmd_threat_case *threats, int n_threats, bmd_cue c,
                                  const bmd_scn_cue_def *cue_defs, double grid_rad,
                                  const bmd_scn_region *g, uint64_t seed, int threads,
                                  const bmd_dist *dist, void (*progress)(double share, void *ctx),
                                  void *progress_ctx, bmd_gu_map *out, char *why,
                                  size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (why && why_size)
        why[0] = '\0';
    if (!im || !im->interceptor || n_threats < 1 || n_threats > 65535 || !(grid_rad > 0.0) ||
        !(g->lat_max_rad > g->lat_min_rad) || !(g->lon_max_rad > g->lon_min_rad) ||
        !bmd_cue_spec_of(c) || !(speed_m_s > 0.0)) {
        if (why && why_size)
            snprintf(why, why_size, "guarantees map: bad interceptor, threats, grid or region");
        return BMD_ERR_ARG;
    }
    int n_lat = (int)floor((g->lat_max_rad - g->lat_min_rad) / grid_rad + 1e-9);
    int n_lon = (int)floor((g->lon_max_rad - g->lon_min_rad) / grid_rad + 1e-9);
    if (n_lat < 1 || n_lon < 1 || (double)n_lat * n_lon > 4e6) {
        if (why && why_size)
            snprintf(why, why_size, "guarantees map: %d x %d cells (1 to 4 million)", n_lat,
                     n_lon);
        return BMD_ERR_ARG;
    }
    out->lat0_rad = g->lat_min_rad + 0.5 * grid_rad;
    out->lon0_rad = g->lon_min_rad + 0.5 * grid_rad;
    out->step_rad = grid_rad;
    out->n_lat = n_lat;
    out->n_lon = n_lon;
    out->n_threats = n_threats;
    out->n_engaged = calloc((size_t)n_lat * n_lon, sizeof *out->n_engaged);
    double *t_min = malloc((size_t)n_threats * sizeof *t_min);
    bmd_status st = out->n_engaged && t_min ? BMD_OK : BMD_ERR_NOMEM;
    if (st == BMD_OK && !bmd_cue_spec_of(c)->at_site)
        st = launch_times(cat, threats, n_threats, c, cue_defs, 0.0, 0.0, 0.0, seed, t_min);
    bmd_threat_samples **smp = NULL;
    if (st == BMD_OK)
        st = samples_make(threats, n_threats, &smp);
    /* This process's rows (all of them without dist), in chunks for the progress bar; then
     * every process receives the others' rows. */
    int mine = bmd_dist_count(dist, n_lat);
    int chunk = 2 * bmd_parallel_threads(threads, mine > 0 ? mine : 1);
    gu_ctx ctx = {cat, im, speed_m_s, threats, n_threats, c, cue_defs, seed, t_min, smp, out, dist,
                  0, false, bmd_parallel_inner_threads(threads, chunk < mine ? chunk : mine)};
    long failed = -1;
    for (int r0 = 0; st == BMD_OK && r0 < mine; r0 += chunk) {
        int m = mine - r0 < chunk ? mine - r0 : chunk;
        ctx.row0 = r0;
        int f = -1;
        st = bmd_parallel_for(m, threads, gu_row, &ctx, &f);
        if (st != BMD_OK)
            failed = bmd_dist_item(dist, r0 + f);
        else if (progress)
            progress((double)(r0 + m) / mine, progress_ctx);
    }
    st = bmd_dist_exchange(dist, n_lat, st, &failed, (size_t)n_lon * sizeof *out->n_engaged,
                           gu_pack, gu_unpack, &ctx);
    if (st != BMD_OK && st != BMD_ERR_PEER && failed >= 0 && why && why_size)
        snprintf(why, why_size, "guarantees map: row at %.2f deg: %s%s",
                 (out->lat0_rad + (double)failed * grid_rad) / BMD_DEG, bmd_status_str(st),
                 st == BMD_ERR_RANGE ? " (the interceptor cannot be scaled to that speed)" : "");
    else if (st != BMD_OK && why && why_size)
        snprintf(why, why_size, "guarantees map: %s", bmd_status_str(st));
    samples_free(smp, n_threats);
    free(t_min);
    if (st != BMD_OK)
        bmd_gu_map_free(out);
    return st;
}
