/* SPDX-License-Identifier: MIT */
/* defended.c: defended-area maps (analysis.h). For each cell of a latitude-longitude grid a
 * missile from the launch area is aimed at the cell's centre (bmd_aimer), the assumption set's
 * earliest launch is found (bmd_cue_earliest_launch), and every site's window is solved on its
 * fly-out table; the cell is defended when any site can engage.
 *
 * Refinement: every refine-th cell in both directions (and the last row and column) is evaluated
 * first; a block whose four evaluated corners agree in class and in the set of sites engaging
 * is filled from them, any other block has every cell evaluated. Defended regions are large and
 * smooth next to the cells, so this finds the same map at a fraction of the cost; the tests
 * compare it with the exhaustive map (refine 1).
 *
 * Processes (o->dist): each pass's cells are shared among them (bmd_dist_exchange), and every
 * process receives the whole pass before the next one is chosen, so each chooses the same cells
 * and ends with the same map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/constants.h"
#include "bmd/parallel.h"

bmd_da_opts bmd_da_default_opts(void)
{
    bmd_da_opts o;
    o.cue = BMD_CUE_FORWARD_RADAR;
    o.grid_rad = 0.5 * BMD_DEG;
    o.region.lat_min_rad = 34.0 * BMD_DEG;
    o.region.lat_max_rad = 72.0 * BMD_DEG;
    o.region.lon_min_rad = -25.0 * BMD_DEG;
    o.region.lon_max_rad = 45.0 * BMD_DEG;
    o.refine = 4;
    o.threads = 0;
    o.seed = 1;
    o.aim_tol_m = 0.0;
    o.aimer = NULL;
    o.cue_defs = NULL;
    o.dist = NULL;
    return o;
}

bmd_status bmd_da_aimer(const bmd_missile *m, double lat_rad, double lon_rad,
                        const bmd_scn_region *g, int threads, bmd_aimer **out, char *why,
                        size_t why_size)
{
    bmd_flight_opts fo = bmd_flight_default_opts();
    return bmd_aimer_create_threads(&m->v, lat_rad, lon_rad,
                                    0.5 * (g->lat_min_rad + g->lat_max_rad),
                                    0.5 * (g->lon_min_rad + g->lon_max_rad), &fo, threads, out,
                                    why, why_size);
}

void bmd_da_map_free(bmd_da_map *m)
{
    if (!m)
        return;
    free(m->cls);
    free(m->sites);
    free(m->margin_s);
    free(m->flight_s);
    memset(m, 0, sizeof *m);
}

bmd_da_class bmd_da_map_at(const bmd_da_map *m, double lat_rad, double lon_rad, uint32_t *sites)
{
    if (sites)
        *sites = 0;
    double x = (lat_rad - m->lat0_rad) / m->step_rad + 0.5;
    double y = (lon_rad - m->lon0_rad) / m->step_rad + 0.5;
    if (!(x >= 0.0) || !(y >= 0.0) || x >= m->n_lat || y >= m->n_lon)
        return BMD_DA_UNREACHED;
    size_t c = (size_t)(int)x * (size_t)m->n_lon + (size_t)(int)y;
    if (sites)
        *sites = m->sites[c];
    return (bmd_da_class)m->cls[c];
}

typedef struct da_ctx {
    const bmd_catalog *cat;
    const bmd_scn_site *sites;
    int n_sites;
    bmd_flyout *const *tables;
    const bmd_missile *m;
    const bmd_da_opts *o;
    const bmd_aimer *aimer;
    bmd_da_map *map;
    const int *cells;     /* the cells of this pass */
    int j0;               /* this process's first item of the chunk being run */
} da_ctx;

static bmd_status eval_cell(void *vctx, int k)
{
    da_ctx *c = vctx;
    bmd_da_map *map = c->map;
    int cell = c->cells[bmd_dist_item(c->o->dist, c->j0 + k)];
    int i = cell / map->n_lon;
    int j = cell % map->n_lon;
    double lat = map->lat0_rad + i * map->step_rad;
    double lon = map->lon0_rad + j * map->step_rad;
    map->cls[cell] = BMD_DA_UNREACHED;
    map->sites[cell] = 0;
    map->margin_s[cell] = NAN;
    map->flight_s[cell] = NAN;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_aimer_fly(c->aimer, lat, lon, c->o->aim_tol_m, &tr, NULL);
    if (st == BMD_ERR_UNREACHABLE || st == BMD_ERR_NO_CONVERGE) {
        bmd_traj_free(&tr);
        return BMD_OK;
    }
    if (st != BMD_OK) {
        bmd_traj_free(&tr);
        return st;
    }
    map->flight_s[cell] = (float)tr.sum.flight_time_s;
    map->cls[cell] = BMD_DA_UNDEFENDED;
    const bmd_cue_spec *cs = bmd_cue_spec_of(c->o->cue);
    double t_min = HUGE_VAL;
    bool have_t = false;
    double best = -HUGE_VAL;
    for (int s = 0; s < c->n_sites && st == BMD_OK; s++) {
        const bmd_scn_site *site = &c->sites[s];
        if (!c->tables[s] || site->inventory <= 0)
            continue;
        if (!have_t || cs->at_site) {
            st = bmd_cue_earliest_launch_def(c->cat, c->o->cue, c->o->cue_defs, &tr, &c->m->sig,
                                             site->lat_rad, site->lon_rad, site->h_m, c->o->seed,
                                             &t_min);
            have_t = true;
            if (st != BMD_OK)
                break;
        }
        bmd_intercept w;
        st = bmd_intercept_solve(&tr, c->tables[s], &site->interceptor->kv, t_min, 1.0, &w);
        if (st == BMD_OK && w.engageable) {
            if (s < 32)
                map->sites[cell] |= 1u << s;
            map->cls[cell] = BMD_DA_DEFENDED;
            if (w.margin_s > best)
                best = w.margin_s;
        }
    }
    if (map->cls[cell] == BMD_DA_DEFENDED)
        map->margin_s[cell] = (float)best;
    bmd_traj_free(&tr);
    return st;
}

/* A cell's result as the processes of a distributed run exchange it. */
#define DA_REC 13
static void da_pack(void *vctx, int k, void *rec)
{
    const da_ctx *c = vctx;
    int cell = c->cells[k];
    unsigned char *p = rec;
    p[0] = c->map->cls[cell];
    memcpy(p + 1, &c->map->sites[cell], 4);
    memcpy(p + 5, &c->map->margin_s[cell], 4);
    memcpy(p + 9, &c->map->flight_s[cell], 4);
}

static void da_unpack(void *vctx, int k, const void *rec)
{
    da_ctx *c = vctx;
    int cell = c->cells[k];
    const unsigned char *p = rec;
    c->map->cls[cell] = p[0];
    memcpy(&c->map->sites[cell], p + 1, 4);
    memcpy(&c->map->margin_s[cell], p + 5, 4);
    memcpy(&c->map->flight_s[cell], p + 9, 4);
}

/* Run a pass over the given cells: this process's share of them (all of them without
 * o->dist) in chunks, reporting progress between chunks; then, with o->dist, every process
 * receives the others' cells. */
static bmd_status run_pass(da_ctx *c, const int *cells, int n, int threads, double done0,
                           double share, void (*progress)(double, void *), void *pctx)
{
    const bmd_dist *d = c->o->dist;
    int mine = bmd_dist_count(d, n);
    int chunk = 64 * bmd_parallel_threads(threads, mine > 0 ? mine : 1);
    bmd_status st = BMD_OK;
    long failed = -1;
    c->cells = cells;
    for (int k0 = 0; k0 < mine && st == BMD_OK; k0 += chunk) {
        int m = mine - k0 < chunk ? mine - k0 : chunk;
        c->j0 = k0;
        int f = -1;
        st = bmd_parallel_for(m, threads, eval_cell, c, &f);
        if (st != BMD_OK)
            failed = bmd_dist_item(d, k0 + f);
        else if (progress)
            progress(done0 + share * (double)(k0 + m) / mine, pctx);
    }
    return bmd_dist_exchange(d, n, st, &failed, DA_REC, da_pack, da_unpack, c);
}

/* The lattice of first-pass indices along an axis: 0, r, 2r, ... and n - 1. */
static int lattice(int n, int r, int *idx)
{
    int m = 0;
    for (int i = 0; i < n; i += r)
        idx[m++] = i;
    if (idx[m - 1] != n - 1)
        idx[m++] = n - 1;
    return m;
}

bmd_status bmd_defended_area(const bmd_catalog *cat, const bmd_scn_site *sites, int n_sites,
                             bmd_flyout *const *tables, const bmd_missile *m, double lat_rad,
                             double lon_rad, const bmd_da_opts *o,
                             void (*progress)(double share, void *ctx), void *progress_ctx,
                             bmd_da_map *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (why && why_size)
        why[0] = '\0';
    const bmd_scn_region *g = &o->region;
    if (!(o->grid_rad > 0.0) || !(g->lat_max_rad > g->lat_min_rad) ||
        !(g->lon_max_rad > g->lon_min_rad) || o->refine < 1 || !bmd_cue_spec_of(o->cue) ||
        n_sites < 0 || (n_sites > 0 && !tables)) {
        if (why && why_size)
            snprintf(why, why_size, "defended area: bad grid, region, refinement or cue");
        return BMD_ERR_ARG;
    }
    int n_lat = (int)floor((g->lat_max_rad - g->lat_min_rad) / o->grid_rad + 1e-9);
    int n_lon = (int)floor((g->lon_max_rad - g->lon_min_rad) / o->grid_rad + 1e-9);
    if (n_lat < 1 || n_lon < 1 || (double)n_lat * n_lon > 4e6) {
        if (why && why_size)
            snprintf(why, why_size, "defended area: %d x %d cells (1 to 4 million)", n_lat, n_lon);
        return BMD_ERR_ARG;
    }
    bmd_aimer *own = NULL;
    bmd_status st = BMD_OK;
    long none = -1;
    if (!o->aimer) {
        st = bmd_da_aimer(m, lat_rad, lon_rad, g, o->threads, &own, why, why_size);
        if (st != BMD_OK) {
            /* With processes, the others hear of it at their first exchange. */
            bmd_dist_exchange(o->dist, 0, st, &none, 0, NULL, NULL, NULL);
            return st;
        }
    }
    const bmd_aimer *aimer = o->aimer ? o->aimer : own;
    size_t nc = (size_t)n_lat * (size_t)n_lon;
    out->lat0_rad = g->lat_min_rad + 0.5 * o->grid_rad;
    out->lon0_rad = g->lon_min_rad + 0.5 * o->grid_rad;
    out->step_rad = o->grid_rad;
    out->n_lat = n_lat;
    out->n_lon = n_lon;
    out->cls = calloc(nc, 1);
    out->sites = calloc(nc, sizeof *out->sites);
    out->margin_s = malloc(nc * sizeof *out->margin_s);
    out->flight_s = malloc(nc * sizeof *out->flight_s);
    uint8_t *done = calloc(nc, 1);
    int *cells = malloc(nc * sizeof *cells);
    int *li = malloc((size_t)(n_lat + 1) * sizeof *li);
    int *lj = malloc((size_t)(n_lon + 1) * sizeof *lj);
    if (!out->cls || !out->sites || !out->margin_s || !out->flight_s || !done || !cells || !li ||
        !lj) {
        st = bmd_dist_exchange(o->dist, 0, BMD_ERR_NOMEM, &none, 0, NULL, NULL, NULL);
        goto end;
    }
    for (size_t k = 0; k < nc; k++)
        out->margin_s[k] = out->flight_s[k] = NAN;
    da_ctx c = {cat, sites, n_sites, tables, m, o, aimer, out, NULL, 0};
    int threads = o->threads;
    int r = o->refine;
    int mi = lattice(n_lat, r, li);
    int mj = lattice(n_lon, r, lj);
    /* Pass 1: the lattice. */
    int n1 = 0;
    for (int a = 0; a < mi; a++)
        for (int b = 0; b < mj; b++) {
            cells[n1++] = li[a] * n_lon + lj[b];
            done[li[a] * n_lon + lj[b]] = 1;
        }
    double share1 = r > 1 ? fmin(1.0, (double)n1 / (double)nc * 2.0) : 1.0;
    st = run_pass(&c, cells, n1, threads, 0.0, share1, progress, progress_ctx);
    out->n_evaluated = n1;
    if (st != BMD_OK || r == 1)
        goto end;
    /* Pass 2: every cell of a block whose corners disagree is evaluated (edges shared with a
     * uniform block included); the rest are filled from their block's corners. */
    int n2 = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a + 1 < mi; a++)
            for (int b = 0; b + 1 < mj; b++) {
                int i0 = li[a], i1 = li[a + 1], j0 = lj[b], j1 = lj[b + 1];
                size_t c00 = (size_t)i0 * n_lon + j0, c01 = (size_t)i0 * n_lon + j1;
                size_t c10 = (size_t)i1 * n_lon + j0, c11 = (size_t)i1 * n_lon + j1;
                bool same = out->cls[c00] == out->cls[c01] && out->cls[c00] == out->cls[c10] &&
                            out->cls[c00] == out->cls[c11] &&
                            out->sites[c00] == out->sites[c01] &&
                            out->sites[c00] == out->sites[c10] &&
                            out->sites[c00] == out->sites[c11];
                if (same != (pass == 1))
                    continue;
                for (int i = i0; i <= i1; i++)
                    for (int j = j0; j <= j1; j++) {
                        size_t cc = (size_t)i * n_lon + j;
                        if (done[cc])
                            continue;
                        if (same) {
                            out->cls[cc] = out->cls[c00];
                            out->sites[cc] = out->sites[c00];
                            done[cc] = 2;
                            out->n_inferred++;
                        } else {
                            done[cc] = 1;
                            cells[n2++] = (int)cc;
                        }
                    }
            }
    st = run_pass(&c, cells, n2, threads, share1, 1.0 - share1, progress, progress_ctx);
    out->n_evaluated += n2;
end:
    free(done);
    free(cells);
    free(li);
    free(lj);
    bmd_aimer_free(own);
    if (st != BMD_OK) {
        if (why && why_size && !why[0])
            snprintf(why, why_size, "defended area: %s", bmd_status_str(st));
        bmd_da_map_free(out);
    }
    return st;
}
