/* SPDX-License-Identifier: MIT */
/* bench_analysis.c: speed of the analyses (include/bmd/analysis.h), each against a reference
 * computed in the same process:
 *   (1) defended area: the EPAA phase 1-2 sites (an Aegis ship with the SM-3 IA in the Black
 *       Sea, Deveselu with the SM-3 IB) against the notional Iranian ICBM from three launch
 *       areas, 34..72 N, -25..45 E at 0.25 degrees, refine 4, on all cores and on one;
 *       reference: the exhaustive map (refine 1) on a 10 x 10 degree sub-region, cells per
 *       second and the cells where the two maps differ (class or sites);
 *   (2) guarantees map: the nine Russian ICBM bases toward Washington and New York, the SM-3
 *       IIB scaled to 5.5 km/s, cue ideal, 30..75 N, -30..45 E at 0.5 degrees, on all cores;
 *       on one core a band of 6 rows (the whole map takes minutes; --gu-serial-full does it);
 *       reference: a handful of cells with a fly-out table built at the cell itself
 *       (bmd_interceptor_scaled + bmd_flyout_build) instead of a moved one, time per cell and
 *       the counts;
 *   (3) the aimer against the exact minimum-energy solver (bmd_target) on 50 aim points.
 * Usage: bench_analysis [--quick] [--only da|gu|aim] [--gu-serial-full]. Prints JSON on stdout,
 * a table and progress on stderr. --quick: coarser grids, one launch area, fewer points (a smoke
 * test). Times are wall-clock (CLOCK_MONOTONIC); process CPU time is given beside some. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmd/analysis.h"
#include "bmd/bmd.h"
#include "bmd/parallel.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Process CPU time (all threads): robust to other load on the machine. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static bmd_catalog *cat;
static bool quick;

static bmd_scn_region region(double la0, double la1, double lo0, double lo1)
{
    bmd_scn_region g = {la0 * BMD_DEG, la1 * BMD_DEG, lo0 * BMD_DEG, lo1 * BMD_DEG};
    return g;
}

static bmd_scn_site site(const char *name, double lat_deg, double lon_deg, const char *im)
{
    bmd_scn_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "%s", name);
    s.lat_rad = lat_deg * BMD_DEG;
    s.lon_rad = lon_deg * BMD_DEG;
    s.interceptor = bmd_catalog_find_interceptor(cat, im);
    s.inventory = 8;
    s.pk = 0.7;
    return s;
}

static bmd_scn_place place(const char *name, double lat_deg, double lon_deg, const char *missile)
{
    bmd_scn_place p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    p.lat_rad = lat_deg * BMD_DEG;
    p.lon_rad = lon_deg * BMD_DEG;
    p.missile = missile ? bmd_catalog_find(cat, missile) : NULL;
    return p;
}

/* ------------------------------------------------------------------ (1) defended area */

static const struct {
    const char *name;
    double lat, lon;
} launch_areas[3] = {{"Tabriz", 38.08, 46.29}, {"Semnan", 35.23, 53.92},
                     {"Khorramabad", 33.49, 48.36}};

typedef struct da_run {
    double s;            /* wall time, all launch areas */
    double cpu_s;        /* process CPU time */
    long cells, evaluated, inferred;
    long cnt[3];         /* unreached, undefended, defended */
} da_run;

/* The maps of the launch areas (maps[k] kept when maps != NULL). */
static int da_maps(const bmd_scn_site *sites, int n_sites, bmd_flyout *const *tab,
                   const bmd_missile *m, int n_areas, const bmd_da_opts *o, da_run *r,
                   bmd_da_map *maps)
{
    memset(r, 0, sizeof *r);
    for (int k = 0; k < n_areas; k++) {
        bmd_da_map map;
        char why[256];
        double t0 = now();
        double c0 = cpu_now();
        bmd_status st = bmd_defended_area(cat, sites, n_sites, tab, m,
                                          launch_areas[k].lat * BMD_DEG,
                                          launch_areas[k].lon * BMD_DEG, o, NULL, NULL, &map,
                                          why, sizeof why);
        r->s += now() - t0;
        r->cpu_s += cpu_now() - c0;
        if (st != BMD_OK) {
            fprintf(stderr, "bench_analysis: defended area from %s: %s\n", launch_areas[k].name,
                    why);
            return 1;
        }
        long nc = (long)map.n_lat * map.n_lon;
        r->cells += nc;
        r->evaluated += map.n_evaluated;
        r->inferred += map.n_inferred;
        for (long c = 0; c < nc; c++)
            r->cnt[map.cls[c]]++;
        if (maps)
            maps[k] = map;
        else
            bmd_da_map_free(&map);
    }
    return 0;
}

static int bench_da(FILE *js)
{
    const bmd_missile *m = bmd_catalog_find(cat, "iran-icbm-notional");
    if (!m) {
        fprintf(stderr, "bench_analysis: no iran-icbm-notional in the catalog\n");
        return 1;
    }
    /* EPAA phase 1-2: scenarios/phase1-iran-raid.yaml (ship), Deveselu as in test_analysis.c. */
    bmd_scn_site sites[2] = {site("Aegis ship, Black Sea", 43.0, 34.0, "sm3-ia"),
                             site("Deveselu", 44.08, 24.41, "sm3-ib")};
    if (!sites[0].interceptor || !sites[1].interceptor)
        return 1;
    const double grid_deg = quick ? 1.0 : 0.25;
    const int n_areas = quick ? 1 : 3;
    bmd_flyout **tab = NULL;
    double t0 = now();
    if (bmd_site_tables(sites, 2, 0, &tab) != BMD_OK)
        return 1;
    double t_tables = now() - t0;
    /* Each map creates its aimer (a dozen exact solves, one thread) before its cells: timed
     * apart here, with the reference point bmd_defended_area uses (the region's centre). */
    bmd_flight_opts fo = bmd_flight_default_opts();
    double t_aimers = 0.0;
    for (int k = 0; k < n_areas; k++) {
        bmd_aimer *a = NULL;
        char why[256];
        t0 = now();
        if (bmd_aimer_create(&m->v, launch_areas[k].lat * BMD_DEG, launch_areas[k].lon * BMD_DEG,
                             53.0 * BMD_DEG, 10.0 * BMD_DEG, &fo, &a, why, sizeof why) != BMD_OK)
            return 1;
        t_aimers += now() - t0;
        bmd_aimer_free(a);
    }
    bmd_da_opts o = bmd_da_default_opts();
    o.grid_rad = grid_deg * BMD_DEG;
    o.region = region(34.0, 72.0, -25.0, 45.0);
    o.refine = 4;
    o.threads = 0;
    da_run all;
    da_run one;
    bmd_da_map maps[3];
    fprintf(stderr, "defended area: %d launch area(s), %.2f deg, refine 4, all threads...\n",
            n_areas, grid_deg);
    if (da_maps(sites, 2, tab, m, n_areas, &o, &all, maps))
        return 1;
    fprintf(stderr, "  %.1f s; one thread...\n", all.s);
    o.threads = 1;
    if (da_maps(sites, 2, tab, m, n_areas, &o, &one, NULL))
        return 1;
    fprintf(stderr, "  %.1f s; exhaustive reference on the sub-region...\n", one.s);
    /* Reference: the exhaustive map of a sub-region across both sites and the edge of their
     * defended area, all threads; its cells are those of the full map (same grid origin). */
    const double sub[4] = {38.0, 48.0, 22.0, 32.0};
    bmd_da_opts ro = o;
    ro.threads = 0;
    ro.refine = 1;
    ro.region = region(sub[0], sub[1], sub[2], sub[3]);
    da_run ref;
    bmd_da_map rmaps[3];
    if (da_maps(sites, 2, tab, m, n_areas, &ro, &ref, rmaps))
        return 1;
    /* The refined map (refine 4) of the sub-region alone, all threads: same region as the
     * reference, so its cells per second are directly comparable. */
    ro.refine = 4;
    da_run sub4;
    if (da_maps(sites, 2, tab, m, n_areas, &ro, &sub4, NULL))
        return 1;
    long differ = 0;
    long differ_cls = 0;
    for (int k = 0; k < n_areas; k++) {
        const bmd_da_map *f = &maps[k];
        const bmd_da_map *r = &rmaps[k];
        int di = (int)lround((r->lat0_rad - f->lat0_rad) / f->step_rad);
        int dj = (int)lround((r->lon0_rad - f->lon0_rad) / f->step_rad);
        for (int i = 0; i < r->n_lat; i++)
            for (int j = 0; j < r->n_lon; j++) {
                size_t cr = (size_t)i * r->n_lon + j;
                size_t cf = (size_t)(i + di) * f->n_lon + (j + dj);
                differ_cls += r->cls[cr] != f->cls[cf];
                differ += r->cls[cr] != f->cls[cf] || r->sites[cr] != f->sites[cf];
            }
        bmd_da_map_free(&maps[k]);
        bmd_da_map_free(&rmaps[k]);
    }
    bmd_site_tables_free(tab, 2);
    int nthr = bmd_parallel_threads(0, 1L << 30);
    double cps_all = all.cells / all.s;
    double cps_one = one.cells / one.s;
    double cps_ref = ref.cells / ref.s;
    double cps_sub4 = sub4.cells / sub4.s;
    fprintf(js,
            "  \"defended_area\": {\n"
            "    \"missile\": \"iran-icbm-notional\", \"launch_areas\": %d, \"grid_deg\": %.2f,\n"
            "    \"region\": [34, 72, -25, 45], \"sites\": [\"sm3-ia 43.0 N 34.0 E\", "
            "\"sm3-ib 44.08 N 24.41 E\"], \"cue\": \"forward-radar\", \"refine\": 4,\n"
            "    \"site_tables_s\": %.3f, \"aimers_s\": %.3f, \"cells\": %ld, \"evaluated\": %ld, "
            "\"inferred\": %ld,\n"
            "    \"unreached\": %ld, \"undefended\": %ld, \"defended\": %ld,\n"
            "    \"all_threads\": {\"threads\": %d, \"s\": %.3f, \"cpu_s\": %.3f, "
            "\"s_with_tables\": %.3f, \"cells_per_s\": %.1f},\n"
            "    \"one_thread\": {\"s\": %.3f, \"cpu_s\": %.3f, \"cells_per_s\": %.1f, "
            "\"speedup\": %.2f},\n"
            "    \"reference\": {\"what\": \"exhaustive map (refine 1), all threads, on the "
            "sub-region\", \"region\": [%g, %g, %g, %g], \"cells\": %ld, \"s\": %.3f, "
            "\"cpu_s\": %.3f, \"cells_per_s\": %.1f,\n"
            "      \"refined_same_region_s\": %.3f, \"refined_same_region_cpu_s\": %.3f, "
            "\"refined_same_region_cells_per_s\": %.1f,\n"
            "      \"ratio_refined_full_vs_exhaustive_cells_per_s\": %.2f, "
            "\"ratio_refined_vs_exhaustive_same_region\": %.2f,\n"
            "      \"ratio_refined_full_vs_exhaustive_cells_per_cpu_s\": %.2f, "
            "\"ratio_refined_vs_exhaustive_same_region_cpu\": %.2f,\n"
            "      \"differing_cells\": %ld, \"differing_classes\": %ld}\n"
            "  },\n",
            n_areas, grid_deg, t_tables, t_aimers, all.cells, all.evaluated, all.inferred,
            all.cnt[0], all.cnt[1], all.cnt[2], nthr, all.s, all.cpu_s, all.s + t_tables, cps_all, one.s,
            one.cpu_s, cps_one, one.s / all.s, sub[0], sub[1], sub[2], sub[3], ref.cells, ref.s,
            ref.cpu_s, cps_ref, sub4.s, sub4.cpu_s, cps_sub4, cps_all / cps_ref,
            cps_sub4 / cps_ref, (all.cells / all.cpu_s) / (ref.cells / ref.cpu_s),
            (sub4.cells / sub4.cpu_s) / (ref.cells / ref.cpu_s), differ, differ_cls);
    fprintf(stderr,
            "\ndefended area (%d launch area(s), %.2f deg, %ld cells, %ld evaluated):\n"
            "  site tables                      %8.2f s\n"
            "  aimers (inside the maps, 1 thread) %6.2f s\n"
            "  maps, %d threads                  %8.2f s  (%.0f cells/s; with tables %.2f s; CPU "
            "%.1f s)\n"
            "  maps, 1 thread                   %8.2f s  (%.0f cells/s; speed-up %.2f; CPU %.1f s)\n"
            "  reference: exhaustive sub-region %8.2f s  (%ld cells, %.0f cells/s; refined "
            "%.1fx on the full map, %.1fx on the same region; per CPU second %.1fx, %.1fx)\n"
            "  cells differing from the exhaustive map: %ld (class: %ld)\n",
            n_areas, grid_deg, all.cells, all.evaluated, t_tables, t_aimers, nthr, all.s, cps_all,
            all.s + t_tables, all.cpu_s, one.s, cps_one, one.s / all.s, one.cpu_s, ref.s,
            ref.cells, cps_ref, cps_all / cps_ref, cps_sub4 / cps_ref,
            (all.cells / all.cpu_s) / (ref.cells / ref.cpu_s),
            (sub4.cells / sub4.cpu_s) / (ref.cells / ref.cpu_s), differ, differ_cls);
    return 0;
}

/* ------------------------------------------------------------------ (2) guarantees */

/* One guarantees map, timed (wall and process CPU). */
static int gu_map(const bmd_missile *im, double v, const bmd_threat_case *cases, int n_cases,
                  double grid_deg, const bmd_scn_region *g, int threads, bmd_gu_map *out,
                  double *wall_s, double *cpu_s)
{
    char why[256];
    double t0 = now();
    double c0 = cpu_now();
    if (bmd_guarantee_map(cat, im, v, cases, n_cases, BMD_CUE_IDEAL, NULL, grid_deg * BMD_DEG, g, 1,
                          threads, NULL, NULL, out, why, sizeof why) != BMD_OK) {
        fprintf(stderr, "bench_analysis: %s\n", why);
        return 1;
    }
    *wall_s = now() - t0;
    *cpu_s = cpu_now() - c0;
    return 0;
}

static int bench_gu(FILE *js, bool serial_full)
{
    static const struct {
        const char *name;
        double lat, lon;
        const char *m;
    } b[9] = {{"Kozelsk", 54.033, 35.767, "ss-19"},      {"Tatishchevo", 51.667, 45.567, "ss-27"},
              {"Teykovo", 56.85, 40.533, "rs-24"},       {"Yoshkar-Ola", 56.633, 47.85, "ss-25"},
              {"Vypolzovo", 57.87, 33.67, "ss-25"},      {"Dombarovsky", 50.75, 59.5, "ss-18"},
              {"Uzhur", 55.333, 89.8, "ss-18"},          {"Novosibirsk", 55.333, 83.0, "ss-25"},
              {"Irkutsk", 52.317, 104.233, "ss-25"}};
    bmd_scn_place bases[9];
    for (int k = 0; k < 9; k++) {
        bases[k] = place(b[k].name, b[k].lat, b[k].lon, b[k].m);
        if (!bases[k].missile)
            return 1;
    }
    bmd_scn_place targets[2] = {place("Washington", 38.951, -77.013, NULL),
                                place("New York", 40.679, -73.947, NULL)};
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-iib");
    if (!im)
        return 1;
    const double v = 5500.0;
    const double grid_deg = quick ? 3.0 : 0.5;
    const double g_deg[4] = {30.0, 75.0, -30.0, 45.0};
    bmd_scn_region g = region(g_deg[0], g_deg[1], g_deg[2], g_deg[3]);
    bmd_threat_case *cases = NULL;
    int n_cases = 0;
    double t0 = now();
    if (bmd_threat_cases_fly(bases, 9, targets, 2, 0, &cases, &n_cases) != BMD_OK)
        return 1;
    double t_fly = now() - t0;
    int flown = 0;
    for (int k = 0; k < n_cases; k++)
        flown += cases[k].st == BMD_OK;
    bmd_gu_map all;
    double t_all;
    double c_all;
    fprintf(stderr, "guarantees map: %d threats, %.2f deg, all threads...\n", n_cases, grid_deg);
    if (gu_map(im, v, cases, n_cases, grid_deg, &g, 0, &all, &t_all, &c_all))
        return 1;
    long nc = (long)all.n_lat * all.n_lon;
    long safe = 0;
    long engaged_total = 0;
    for (long c = 0; c < nc; c++) {
        safe += all.n_engaged[c] == 0;
        engaged_total += all.n_engaged[c];
    }
    /* One thread: on a band of rows across the middle of the map (the whole map on one thread
     * takes minutes), and the same band on all threads for the speed-up; with --gu-serial-full
     * the whole map. Its cells must be the full map's (the map is deterministic). */
    int nb = serial_full ? all.n_lat : (quick ? 2 : 6);
    if (nb > all.n_lat)
        nb = all.n_lat;
    int i0 = serial_full ? 0 : all.n_lat / 2 - nb / 2;
    bmd_scn_region band = region(g_deg[0] + i0 * grid_deg, g_deg[0] + (i0 + nb) * grid_deg,
                                 g_deg[2], g_deg[3]);
    bmd_gu_map one;
    bmd_gu_map band_all;
    double t_one;
    double c_one;
    double t_band_all = t_all;
    double c_band_all = c_all;
    fprintf(stderr, "  %.1f s; one thread (%d rows)...\n", t_all, nb);
    if (gu_map(im, v, cases, n_cases, grid_deg, &band, 1, &one, &t_one, &c_one))
        return 1;
    memset(&band_all, 0, sizeof band_all);
    if (!serial_full &&
        gu_map(im, v, cases, n_cases, grid_deg, &band, 0, &band_all, &t_band_all, &c_band_all))
        return 1;
    long nc_band = (long)one.n_lat * one.n_lon;
    long differ_threads = 0;
    for (int i = 0; i < one.n_lat; i++)
        for (int j = 0; j < one.n_lon; j++)
            differ_threads += one.n_engaged[(size_t)i * one.n_lon + j] !=
                              all.n_engaged[(size_t)(i0 + i) * all.n_lon + j];
    bmd_gu_map_free(&one);
    bmd_gu_map_free(&band_all);
    /* Reference: cells with a table built at the cell itself. Spread over the map: rows and
     * columns at fixed fractions, so both safe and engaging cells are among them. */
    fprintf(stderr, "  %.1f s; reference cells...\n", t_one);
    const int n_ref = quick ? 3 : 8;
    static const double fr[8][2] = {{0.55, 0.60}, {0.50, 0.70}, {0.40, 0.85}, {0.65, 0.45},
                                    {0.20, 0.30}, {0.80, 0.20}, {0.30, 0.95}, {0.90, 0.75}};
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    int mismatch = 0;
    int ref_engaging_cells = 0;
    double t_ref_build = 0.0;
    double t_ref_solve = 0.0;
    double *t_min = malloc((size_t)n_cases * sizeof *t_min);
    if (!t_min)
        return 1;
    fprintf(js, "  \"guarantees\": {\n    \"threats\": %d, \"threats_flown\": %d, "
                "\"interceptor\": \"sm3-iib\", \"burnout_speed_m_s\": %.0f, \"cue\": \"ideal\",\n"
                "    \"grid_deg\": %.2f, \"region\": [30, 75, -30, 45], \"cells\": %ld, "
                "\"rows\": %d, \"safe_cells\": %ld, \"mean_engaged\": %.3f,\n"
                "    \"threat_flights_s\": %.3f,\n    \"reference_cells\": [",
            n_cases, flown, v, grid_deg, nc, all.n_lat, safe, (double)engaged_total / nc, t_fly);
    for (int k = 0; k < n_ref; k++) {
        int i = (int)(fr[k][0] * (all.n_lat - 1) + 0.5);
        int j = (int)(fr[k][1] * (all.n_lon - 1) + 0.5);
        double la = all.lat0_rad + i * all.step_rad;
        double lo = all.lon0_rad + j * all.step_rad;
        double tc = now();
        bmd_vehicle iv;
        bmd_flyout *f = NULL;
        int count = 0;
        if (bmd_interceptor_scaled(&im->v, v, la, lo, &fo, &iv) != BMD_OK ||
            bmd_flyout_build(&iv, la, lo, 0.0, &fo, &fop, &f) != BMD_OK)
            return 1;
        double tb = now();
        t_ref_build += tb - tc;
        for (int c = 0; c < n_cases; c++) {
            if (cases[c].st != BMD_OK)
                continue;
            if (bmd_cue_earliest_launch(cat, BMD_CUE_IDEAL, &cases[c].tr,
                                        &cases[c].missile->sig, la, lo, 0.0, 1,
                                        &t_min[c]) != BMD_OK)
                return 1;
            if (!isfinite(t_min[c]))
                continue;
            bmd_intercept w;
            if (bmd_intercept_solve(&cases[c].tr, f, &im->kv, t_min[c], 1.0, &w) != BMD_OK)
                return 1;
            count += w.engageable;
        }
        t_ref_solve += now() - tb;
        bmd_flyout_free(f);
        int mc = all.n_engaged[(size_t)i * all.n_lon + j];
        mismatch += mc != count;
        ref_engaging_cells += count > 0;
        fprintf(js, "%s{\"lat\": %.2f, \"lon\": %.2f, \"map\": %d, \"reference\": %d}",
                k ? ", " : "", la / BMD_DEG, lo / BMD_DEG, mc, count);
    }
    free(t_min);
    int nthr = bmd_parallel_threads(0, 1L << 30);
    double per_cell_one = t_one / nc_band;
    double per_cell_ref = (t_ref_build + t_ref_solve) / n_ref;
    double one_full_est = per_cell_one * nc;
    fprintf(js, "],\n"
                "    \"all_threads\": {\"threads\": %d, \"s\": %.3f, \"cpu_s\": %.3f, "
                "\"cells_per_s\": %.1f},\n"
                "    \"one_thread\": {\"rows\": %d, \"cells\": %ld, \"s\": %.3f, \"cpu_s\": %.3f, "
                "\"ms_per_cell\": %.3f, \"same_rows_all_threads_s\": %.3f, \"speedup\": %.2f,\n"
                "      \"whole_map_s_estimated\": %.1f, \"cells_differing_from_the_full_map\": "
                "%ld},\n"
                "    \"reference\": {\"what\": \"fly-out table built at the cell "
                "(bmd_interceptor_scaled + bmd_flyout_build), one thread\", \"cells\": %d, "
                "\"ms_per_cell\": %.1f, \"build_ms_per_cell\": %.1f, \"solve_ms_per_cell\": "
                "%.1f, \"ratio\": %.1f, \"count_mismatches\": %d, \"engaging_cells\": %d}\n"
                "  },\n",
            nthr, t_all, c_all, nc / t_all, nb, nc_band, t_one, c_one, 1e3 * per_cell_one,
            t_band_all, t_one / t_band_all, serial_full ? t_one : one_full_est, differ_threads,
            n_ref, 1e3 * per_cell_ref, 1e3 * t_ref_build / n_ref, 1e3 * t_ref_solve / n_ref,
            per_cell_ref / per_cell_one, mismatch, ref_engaging_cells);
    fprintf(stderr,
            "\nguarantees map (%d threats, %.2f deg, %ld cells, %ld safe):\n"
            "  threat flights                   %8.2f s\n"
            "  map, %d threads                   %8.2f s  (%.0f cells/s; CPU %.1f s)\n"
            "  %3d rows, 1 thread               %8.2f s  (%.2f ms/cell; speed-up %.2f on the same "
            "rows; %ld cells differ; whole map %.0f s)\n"
            "  reference: table at the cell     %8.1f ms/cell (build %.1f, solves %.1f; %d cells, "
            "%d engaging; ratio %.0f; %d count mismatches)\n",
            n_cases, grid_deg, nc, safe, t_fly, nthr, t_all, nc / t_all, c_all, nb, t_one,
            1e3 * per_cell_one, t_one / t_band_all, differ_threads,
            serial_full ? t_one : one_full_est, 1e3 * per_cell_ref,
            1e3 * t_ref_build / n_ref, 1e3 * t_ref_solve / n_ref, n_ref, ref_engaging_cells,
            per_cell_ref / per_cell_one, mismatch);
    bmd_gu_map_free(&all);
    bmd_threat_cases_free(cases, n_cases);
    return 0;
}

/* ------------------------------------------------------------------ (3) aimer */

static int bench_aim(FILE *js)
{
    const bmd_missile *m = bmd_catalog_find(cat, "iran-icbm-notional");
    if (!m)
        return 1;
    const double la0 = launch_areas[0].lat * BMD_DEG;
    const double lo0 = launch_areas[0].lon * BMD_DEG;
    const double tol = 1000.0; /* the aimer's default tolerance, for both */
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.keep_path = true; /* as the aimer flies (the analyses need the path) */
    bmd_aimer *a = NULL;
    char why[256];
    double t0 = cpu_now();
    if (bmd_aimer_create(&m->v, la0, lo0, 53.0 * BMD_DEG, 10.0 * BMD_DEG, &fo, &a, why,
                         sizeof why) != BMD_OK) {
        fprintf(stderr, "bench_analysis: aimer: %s\n", why);
        return 1;
    }
    double t_create = cpu_now() - t0;
    /* Aim points: a 5 x 10 lattice over Europe, 36..68 N, -20..40 E. */
    const int ni = quick ? 2 : 5;
    const int nj = quick ? 5 : 10;
    int n = 0;
    int both = 0;
    double t_aim = 0.0;
    double t_tgt = 0.0;
    double t_one_flight = 0.0;
    long tgt_flights = 0;
    double max_dv = 0.0;
    double sum_dv = 0.0;
    double max_dt = 0.0;
    double max_miss_aim = 0.0;
    int disagree = 0;
    bmd_trajectory ta;
    bmd_trajectory tt;
    bmd_traj_init(&ta);
    bmd_traj_init(&tt);
    for (int i = 0; i < ni; i++)
        for (int j = 0; j < nj; j++) {
            double la = (36.0 + 32.0 * i / (ni > 1 ? ni - 1 : 1)) * BMD_DEG;
            double lo = (-20.0 + 60.0 * j / (nj > 1 ? nj - 1 : 1)) * BMD_DEG;
            n++;
            double miss = NAN;
            double t1 = cpu_now();
            bmd_status sa = bmd_aimer_fly(a, la, lo, tol, &ta, &miss);
            t_aim += cpu_now() - t1;
            bmd_aim aim = {la0, lo0, 0.0, la, lo, BMD_SHAPE_MIN_ENERGY, NAN, tol};
            bmd_aim_result res;
            t1 = cpu_now();
            bmd_status stt = bmd_target(&m->v, &aim, &fo, &res, &tt);
            t_tgt += cpu_now() - t1;
            tgt_flights += res.n_flights;
            if ((sa == BMD_OK) != (stt == BMD_OK)) {
                disagree++;
                continue;
            }
            if (sa != BMD_OK)
                continue;
            both++;
            /* One flight of the solution: the cost unit of an aim point. */
            t1 = cpu_now();
            bmd_fly(&m->v, la0, lo0, 0.0, &res.guidance, &fo, &tt);
            t_one_flight += cpu_now() - t1;
            double dv = ta.sum.burnout_speed_m_s - tt.sum.burnout_speed_m_s;
            max_dv = fmax(max_dv, fabs(dv));
            sum_dv += dv;
            max_dt = fmax(max_dt, fabs(ta.sum.flight_time_s - tt.sum.flight_time_s));
            max_miss_aim = fmax(max_miss_aim, miss);
        }
    bmd_traj_free(&ta);
    bmd_traj_free(&tt);
    bmd_aimer_free(a);
    double flight_ms = both ? 1e3 * t_one_flight / both : (double)NAN;
    double aim_ms = 1e3 * t_aim / n;
    double tgt_ms = 1e3 * t_tgt / n;
    fprintf(js,
            "  \"aimer\": {\n    \"missile\": \"iran-icbm-notional\", \"launch\": \"Tabriz\", "
            "\"aim_points\": %d, \"both_reached\": %d, \"reach_disagreements\": %d, "
            "\"tolerance_m\": %.0f,\n"
            "    \"timing\": \"process CPU time (one thread)\",\n"
            "    \"create_s\": %.3f, \"ms_per_aim_point\": %.3f, "
            "\"flight_equivalents_per_aim_point\": %.2f, \"ms_per_flight\": %.3f,\n"
            "    \"reference\": {\"what\": \"bmd_target, exact minimum energy\", "
            "\"ms_per_aim_point\": %.2f, \"flights_per_aim_point\": %.1f},\n"
            "    \"ratio\": %.1f, \"break_even_aim_points\": %.1f,\n"
            "    \"max_burnout_speed_difference_m_s\": %.2f, "
            "\"mean_burnout_speed_excess_m_s\": %.2f, \"max_flight_time_difference_s\": %.2f, "
            "\"max_miss_m\": %.1f\n  },\n",
            n, both, disagree, tol, t_create, aim_ms, aim_ms / flight_ms, flight_ms, tgt_ms,
            (double)tgt_flights / n, tgt_ms / aim_ms, t_create / (1e-3 * (tgt_ms - aim_ms)),
            max_dv, both ? sum_dv / both : (double)NAN, max_dt, max_miss_aim);
    fprintf(stderr,
            "\naimer (iran-icbm-notional from Tabriz, %d aim points, %d reached by both, %d "
            "disagreements):\n"
            "  aimer      %7.2f ms/aim point (%.1f flight-equivalents of %.2f ms; creation "
            "%.2f s)\n"
            "  bmd_target %7.2f ms/aim point (%.1f flights); ratio %.1f\n"
            "  burnout speed: aimer - exact at most %.2f m/s (mean %.2f); flight time within "
            "%.2f s; miss <= %.0f m\n",
            n, both, disagree, aim_ms, aim_ms / flight_ms, flight_ms, t_create, tgt_ms,
            (double)tgt_flights / n, tgt_ms / aim_ms, max_dv, both ? sum_dv / both : (double)NAN,
            max_dt, max_miss_aim);
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    bool gu_serial_full = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (strcmp(argv[i], "--gu-serial-full") == 0) {
            gu_serial_full = true;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_analysis [--quick] [--only da|gu|aim] [--gu-serial-full]\n"
                            "Speed of the analyses against in-process references; JSON on "
                            "stdout, a table on stderr (bench/README.md).\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "bench_analysis: %s: %s\n", err.file, err.msg);
        return 1;
    }
    /* The JSON goes to a buffer first, so a failure prints nothing on stdout. */
    char *buf = NULL;
    size_t len = 0;
    FILE *js = open_memstream(&buf, &len);
    if (!js)
        return 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    fprintf(js, "{\n  \"quick\": %s,\n  \"nproc\": %ld,\n  \"threads_all\": %d,\n",
            quick ? "true" : "false", ncpu, bmd_parallel_threads(0, 1L << 30));
    int rc = 0;
    double t0 = now();
    if (!rc && (!only || strcmp(only, "aim") == 0))
        rc = bench_aim(js);
    if (!rc && (!only || strcmp(only, "da") == 0))
        rc = bench_da(js);
    if (!rc && (!only || strcmp(only, "gu") == 0))
        rc = bench_gu(js, gu_serial_full);
    fprintf(js, "  \"bench_total_s\": %.1f\n}\n", now() - t0);
    fclose(js);
    if (!rc)
        fputs(buf, stdout);
    free(buf);
    bmd_catalog_free(cat);
    return rc;
}
