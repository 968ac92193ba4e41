/* SPDX-License-Identifier: MIT */
/* alloc_fail.c: allocation-failure test of every public function that allocates (curl's torture
 * mode, Lua's memlimit).
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc and the failing allocator
 * (fail_alloc.h), every allocation the library makes itself (not those inside libyaml, cJSON,
 * Cairo or the C library) is counted, and the k-th one can be made to fail. Each probe below makes one call (or a short sequence: create, use, write)
 * on a small input. A first run with nothing failing counts the call's allocations (N) and the
 * places in the code they come from; then, for each chosen k, the k-th allocation fails and the
 * call must
 *   - return BMD_ERR_NOMEM (never success: the result would miss data; never another error);
 *   - leave no output behind (the probe checks its output pointers, and that no file exists
 *     where a writer was asked to write one);
 *   - free everything it took (LeakSanitizer checks at exit under BMD_SANITIZE: make test).
 * The k chosen: every k up to `every` (so the whole of a small call: the loaders, the plots,
 * the replay writers), then about `spread` more evenly spaced up to N, and the first and the
 * last allocation of every place in the code that allocates during the call (the cleanup paths
 * differ between the first element of a list and a later one). A failure that comes back as
 * success is allowed only where the library has a correct fallback: the thread pool runs a
 * block on the calling thread when it cannot start a thread; the probes that run on two threads
 * compare such a result with the reference one. Every probe prints N and the k tried.
 * Run time under ASan on 2 cores: about half a minute. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmd/analysis.h"
#include "bmd/bmd.h"
#include "bmd/engage.h"
#include "bmd/geo.h"
#include "bmd/kaliningrad.h"
#include "bmd/parallel.h"
#include "bmd/plot.h"
#include "bmd/replay.h"

#include "fail_alloc.h"

static int errors;
static char tmpdir[256];

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "alloc_fail: " __VA_ARGS__);                                               \
        fputc('\n', stderr);                                                                       \
        errors++;                                                                                  \
    } while (0)

/* A probe's call: make it, check and free what it made, and return its status. With a failure
 * injected it must come back with nothing left allocated; `same` (may be NULL) tells whether a
 * successful result equals the reference one (for the fallbacks of the thread pool). */
typedef struct probe {
    const char *name;
    bmd_status (*call)(void);
    long every;
    long spread;
    bool threaded;       /* runs on two threads: no record of places (their order varies) */
    bool lasts;          /* also the last allocation of every place (costly for long calls) */
} probe;

/* Set by a threaded probe's call when its result equals the reference one. */
static bool result_same;

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_probe(const probe *p)
{
    double t0 = now_s();
    /* The counting run. */
    fail_alloc_forget();
    fail_alloc_arm(0);
    fail_alloc_record(!p->threaded);
    result_same = false;
    bmd_status st = p->call();
    fail_alloc_record(false);
    long n = fail_alloc_count();
    int n_sites;
    const fail_alloc_site *sites = fail_alloc_sites(&n_sites);
    if (st != BMD_OK) {
        FAIL("%s with no failure: %s", p->name, bmd_status_str(st));
        return;
    }
    long cap = p->every + p->spread + 2 * n_sites + 2;
    long *ks = malloc((size_t)cap * sizeof *ks);
    long nk = 0;
    for (long k = 1; k <= n && k <= p->every; k++)
        ks[nk++] = k;
    if (n > p->every && p->spread > 0)
        for (long q = 1; q <= p->spread; q++)
            ks[nk++] = p->every + (n - p->every) * q / p->spread;
    for (int i = 0; i < n_sites; i++) {
        ks[nk++] = sites[i].first;
        if (p->lasts)
            ks[nk++] = sites[i].last;
    }
    qsort(ks, (size_t)nk, sizeof *ks, cmp_long);
    long tried = 0, recovered = 0;
    for (long i = 0; i < nk; i++) {
        long k = ks[i];
        if (k < 1 || k > n || (i > 0 && k == ks[i - 1]))
            continue;
        tried++;
        result_same = false;
        fail_alloc_arm(k);
        st = p->call();
        bool injected = fail_alloc_failed();
        fail_alloc_arm(0);
        if (!injected) {
            /* Threaded: fewer allocations this time (another order); fine if it succeeded. */
            if (st != BMD_OK)
                FAIL("%s, no failure injected (k %ld): %s", p->name, k, bmd_status_str(st));
            continue;
        }
        if (st == BMD_OK) {
            if (p->threaded && result_same) {
                recovered++;
                continue;
            }
            FAIL("%s, allocation %ld of %ld failing: success (a result with missing data)",
                 p->name, k, n);
        } else if (st != BMD_ERR_NOMEM) {
            FAIL("%s, allocation %ld of %ld failing: %s, expected %s", p->name, k, n,
                 bmd_status_str(st), bmd_status_str(BMD_ERR_NOMEM));
        }
    }
    free(ks);
    printf("alloc_fail: %-34s %6ld allocations, %3d places, %4ld failed in turn, %5.1f s", p->name,
           n, n_sites, tried, now_s() - t0);
    if (recovered)
        printf(" (%ld recovered correctly)", recovered);
    printf("\n");
    fflush(stdout);
}

/* ------------------------------------------------------------------ shared inputs */

static const char *data;
static char scn_path[4096];
static bmd_catalog *cat;
static bmd_flight_opts fopt;
static const bmd_missile *shahab, *sejjil, *sm3;
static bmd_trajectory threat;      /* Shahab-3 from Tabriz toward Ankara, path kept */
static bmd_flyout *small_table;    /* SM-3 IA from a ship near that path (small fan and grid) */
static bmd_flyout_opts small_fo;
static bmd_radar radar;            /* TPY-2 near the launch */
static bmd_scn_site site_ship;
static bmd_geo_countries *world_small;  /* two made-up countries (written by the test) */
static char countries_path[512], members_path[512], out_path[512];

static const double ship_lat = 38.5 * BMD_DEG, ship_lon = 36.0 * BMD_DEG;

static bool no_file(const char *path, const char *who)
{
    if (access(path, F_OK) == 0) {
        FAIL("%s failed but left %s behind", who, path);
        unlink(path);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ loaders */

static bmd_status call_catalog_load(void)
{
    bmd_catalog *c = NULL;
    bmd_load_error err;
    bmd_status st = bmd_catalog_load(data, &c, &err);
    if (st == BMD_OK)
        bmd_catalog_free(c);
    else if (c)
        FAIL("bmd_catalog_load failed but returned a catalog");
    return st;
}

static bmd_status call_scenario_load(void)
{
    bmd_scenario s;
    bmd_load_error err;
    bmd_status st = bmd_scenario_load(scn_path, cat, &s, &err);
    if (st == BMD_OK)
        bmd_scenario_free(&s);
    return st;
}

static bmd_status call_missile_load(void)
{
    char path[4096], drag[4096];
    snprintf(path, sizeof path, "%s/missiles/shahab-3.yaml", data);
    snprintf(drag, sizeof drag, "%s/drag.yaml", data);
    bmd_missile m;
    bmd_load_error err;
    bmd_status st = bmd_missile_load_file(path, drag, true, &m, &err);
    if (st == BMD_OK)
        bmd_missile_free(&m);
    return st;
}

static bmd_status call_sensor_load(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sensors/tpy-2.yaml", data);
    bmd_sensor_entry s;
    bmd_load_error err;
    bmd_status st = bmd_sensor_load_file(path, true, &s, &err);
    if (st == BMD_OK)
        bmd_sensor_entry_free(&s);
    return st;
}

static bmd_status call_countries_load(void)
{
    bmd_geo_countries *c = NULL;
    bmd_load_error err;
    bmd_status st = bmd_geo_countries_load(countries_path, &c, &err);
    if (st == BMD_OK)
        bmd_geo_countries_free(c);
    else if (c)
        FAIL("bmd_geo_countries_load failed but returned countries");
    return st;
}

static bmd_status call_members_load(void)
{
    bmd_geo_members m;
    bmd_load_error err;
    bmd_status st = bmd_geo_members_load(members_path, &m, &err);
    if (st != BMD_OK)
        return st;
    const char **codes = bmd_geo_members_codes(&m);
    st = codes ? BMD_OK : BMD_ERR_NOMEM;
    free(codes);
    bmd_geo_members_free(&m);
    return st;
}

/* ------------------------------------------------------------------ geography */

static bmd_status call_geo_masks(void)
{
    bmd_geo_grid g;
    bmd_status st = bmd_geo_grid_make(-2.0 * BMD_DEG, 12.0 * BMD_DEG, -2.0 * BMD_DEG,
                                      12.0 * BMD_DEG, 0.5 * BMD_DEG, &g);
    if (st != BMD_OK)
        return BMD_ERR_ARG;
    size_t n = bmd_geo_grid_size(&g);
    uint8_t *mask = __real_malloc(n);
    const char *codes[] = {"AAA", "BBB"};
    st = bmd_geo_mask_members(world_small, codes, 2, &g, mask, NULL, 0);
    if (st == BMD_OK) {
        bmd_geo_polygons p;
        st = bmd_geo_mask_polygons(&g, mask, &p);
        if (st == BMD_OK) {
            FILE *fp = fopen(out_path, "w");
            bmd_geojson_writer w;
            bmd_geojson_begin(&w, fp);
            bmd_geo_prop props[2] = {{"name", "zone", 0.0}, {"area_km2", NULL, 1.5}};
            bmd_geojson_polygons(&w, &p, props, 2);
            double lat[3] = {0.0, 0.1, 0.2}, lon[3] = {0.0, 0.1, 0.3};
            bmd_geojson_line(&w, 3, lat, lon, props, 2);
            bmd_geojson_point(&w, 0.1, 0.1, props, 1);
            st = bmd_geojson_end(&w);
            fclose(fp);
            bmd_geo_polygons_free(&p);
        }
    }
    free(mask);
    return st;
}

static bmd_status call_geo_points(void)
{
    bmd_geo_prop props[1] = {{"kind", "site", 0.0}};
    bmd_geo_point pts[2] = {{"a", 0.1, 0.2, props, 1}, {"b", 0.3, 0.4, NULL, 0}};
    double lat[2] = {0.0, 0.1}, lon[2] = {0.0, 0.2};
    bmd_geo_line lines[1] = {{"l", 2, lat, lon, props, 1}};
    FILE *fp = fopen(out_path, "w");
    bmd_status st = bmd_geo_write_points(fp, pts, 2);
    if (st == BMD_OK)
        st = bmd_geo_write_lines(fp, lines, 1);
    fclose(fp);
    return st;
}

/* ------------------------------------------------------------------ plots */

static bmd_status call_map(void)
{
    unlink(out_path);
    bmd_map_def def = bmd_map_default_def();
    def.lat_min_rad = -5.0 * BMD_DEG;
    def.lat_max_rad = 15.0 * BMD_DEG;
    def.lon_min_rad = -5.0 * BMD_DEG;
    def.lon_max_rad = 15.0 * BMD_DEG;
    def.width_px = 300;
    def.title = "test";
    bmd_map *m = NULL;
    bmd_status st = bmd_map_create(&def, &m);
    if (st != BMD_OK) {
        if (m)
            FAIL("bmd_map_create failed but returned a map");
        return st;
    }
    const char *hl[] = {"AAA"};
    bmd_map_countries(m, world_small, hl, 1);
    bmd_geo_grid g;
    bmd_geo_grid_make(0.0, 10.0 * BMD_DEG, 0.0, 10.0 * BMD_DEG, 1.0 * BMD_DEG, &g);
    uint8_t cls[100];
    for (int k = 0; k < 100; k++)
        cls[k] = (uint8_t)((k / 10 + k % 10) % 3);
    bmd_rgba col[3] = {{0, 0, 0, 0}, {1, 0, 0, 0.5}, {0, 1, 0, 0.5}};
    const char *labels[3] = {NULL, "one", "two"};
    bmd_map_raster(m, &g, cls, 3, col, labels);
    bmd_map_borders(m, world_small);
    double lat[3] = {0.0, 0.05, 0.1}, lon[3] = {0.0, 0.1, 0.15};
    bmd_map_polyline(m, 3, lat, lon, col[1], 1.0, "track");
    bmd_map_point(m, 0.05, 0.05, col[2], 3.0, "site");
    bmd_map_ring(m, 0.05, 0.05, 100e3, col[1], 1.0, 1, "ring");
    bmd_map_legend(m, col[2], "legend");
    st = bmd_map_write_svg(m, out_path);
    bmd_map_destroy(m);
    if (st != BMD_OK)
        no_file(out_path, "bmd_map_write_svg");
    return st;
}

static bmd_status call_xy(void)
{
    unlink(out_path);
    bmd_xy_plot *p = NULL;
    bmd_status st = bmd_xy_create("title", "x", "y", 400, 300, &p);
    if (st != BMD_OK) {
        if (p)
            FAIL("bmd_xy_create failed but returned a plot");
        return st;
    }
    double x[4] = {0, 1, 2, 3}, y[4] = {1, 3, 2, 4};
    bmd_rgba c = bmd_plot_palette(0);
    for (int k = 0; k < 10 && st == BMD_OK; k++)
        st = bmd_xy_series(p, 4, x, y, c, 1.0, k % 2 == 0 ? "series" : NULL);
    if (st == BMD_OK) {
        st = bmd_xy_write_svg(p, out_path);
        if (st != BMD_OK)
            no_file(out_path, "bmd_xy_write_svg");
    }
    bmd_xy_destroy(p);
    return st;
}

/* ------------------------------------------------------------------ flight */

static bmd_status call_target(void)
{
    bmd_aim aim = bmd_aim_default(&shahab->v, 38.08 * BMD_DEG, 46.29 * BMD_DEG, 39.93 * BMD_DEG,
                                  32.86 * BMD_DEG);
    aim.tolerance_m = 1000.0;
    bmd_aim_result res;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_target(&shahab->v, &aim, &fopt, &res, &tr);
    bmd_traj_free(&tr);
    return st;
}

static bmd_status call_fly_free(void)
{
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_fly_free(40.0 * BMD_DEG, 40.0 * BMD_DEG, 80e3, 2500.0, 0.5, 1.0, 3000.0,
                                 &fopt, &tr);
    bmd_traj_free(&tr);
    return st;
}

static bmd_status call_aimer(void)
{
    bmd_aimer *a = NULL;
    char why[200];
    bmd_status st = bmd_aimer_create(&sejjil->v, 38.08 * BMD_DEG, 46.29 * BMD_DEG, 45.0 * BMD_DEG,
                                     25.0 * BMD_DEG, &fopt, &a, why, sizeof why);
    if (st != BMD_OK) {
        if (a)
            FAIL("bmd_aimer_create failed but returned an aimer");
        return st;
    }
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    st = bmd_aimer_fly(a, 44.43 * BMD_DEG, 26.10 * BMD_DEG, 1000.0, &tr, NULL);
    bmd_traj_free(&tr);
    bmd_aimer_free(a);
    return st;
}

static bmd_status call_interceptor_scaled(void)
{
    bmd_vehicle v;
    return bmd_interceptor_scaled(&sm3->v, 3500.0, ship_lat, ship_lon, &fopt, &v);
}

/* ------------------------------------------------------------------ fly-out and intercepts */

static bmd_status call_flyout(void)
{
    bmd_flyout *f = NULL, *moved = NULL;
    bmd_status st = bmd_flyout_build(&sm3->v, ship_lat, ship_lon, 0.0, &fopt, &small_fo, &f);
    if (st != BMD_OK) {
        if (f)
            FAIL("bmd_flyout_build failed but returned a table");
        return st;
    }
    st = bmd_flyout_moved(f, 0.1, &moved);
    if (st != BMD_OK && moved)
        FAIL("bmd_flyout_moved failed but returned a table");
    bmd_flyout_free(moved);
    bmd_flyout_free(f);
    return st;
}

static bmd_status call_intercept(void)
{
    bmd_intercept w;
    bmd_status st = bmd_intercept_solve(&threat, small_table, &sm3->kv, 0.0, 1.0, &w);
    if (st != BMD_OK)
        return st;
    bmd_intercept_prep *p = NULL;
    st = bmd_intercept_prepare(&threat, small_table, 1.0, &p);
    if (st != BMD_OK)
        return st;
    bmd_intercept w2;
    st = bmd_intercept_solve_prepared(p, &sm3->kv, 0.0, &w2);
    bmd_intercept_prep_free(p);
    if (st != BMD_OK)
        return st;
    bmd_threat_samples *s = NULL;
    st = bmd_threat_samples_make(&threat, 1.0, &s);
    if (st != BMD_OK)
        return st;
    st = bmd_intercept_solve_samples(s, small_table, &sm3->kv, 0.0, &w2);
    bmd_threat_samples_free(s);
    return st;
}

/* ------------------------------------------------------------------ sensors */

static bmd_status call_detect(void)
{
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_sensor_timeline tl[2];
    bmd_radar two[2] = {radar, radar};
    two[1].lat_rad += 1.0 * BMD_DEG;
    return bmd_detect(&threat, &shahab->sig, two, 2, &o, tl, NULL);
}

static bmd_status call_track_run(void)
{
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_track_run_opts to = bmd_track_run_default_opts();
    bmd_sensor_timeline tl[1];
    bmd_track_sample *up = NULL;
    int n = -1;
    bmd_status st = bmd_track_run(&threat, &shahab->sig, &radar, 1, &o, &to, tl, &up, &n);
    if (st != BMD_OK && up)
        FAIL("bmd_track_run failed but returned updates");
    free(up);
    return st;
}

static bmd_status call_cue(void)
{
    double t_min;
    return bmd_cue_earliest_launch(cat, BMD_CUE_FORWARD_RADAR, &threat, &shahab->sig, ship_lat,
                                   ship_lon, 0.0, 1, &t_min);
}

/* ------------------------------------------------------------------ analyses */

static bmd_scn_place place(const char *name, double lat_deg, double lon_deg, const bmd_missile *m)
{
    bmd_scn_place p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    p.lat_rad = lat_deg * BMD_DEG;
    p.lon_rad = lon_deg * BMD_DEG;
    p.missile = m;
    return p;
}

static bmd_scn_place bases[1], targets[2];
static bmd_threat_case *ref_cases;
static int n_ref_cases;
static int probe_threads = 1;

static bool cases_same(const bmd_threat_case *c, int n)
{
    if (n != n_ref_cases)
        return false;
    for (int i = 0; i < n; i++)
        if (c[i].st != ref_cases[i].st || c[i].tr.n_seg != ref_cases[i].tr.n_seg ||
            (c[i].st == BMD_OK &&
             memcmp(&c[i].tr.sum, &ref_cases[i].tr.sum, sizeof c[i].tr.sum) != 0))
            return false;
    return true;
}

static bmd_status call_threat_cases(void)
{
    bmd_threat_case *c = NULL;
    int n = 0;
    bmd_status st = bmd_threat_cases_fly(bases, 1, targets, 2, probe_threads, &c, &n);
    if (st != BMD_OK) {
        if (c)
            FAIL("bmd_threat_cases_fly failed but returned cases");
        return st;
    }
    result_same = cases_same(c, n);
    bmd_threat_cases_free(c, n);
    return st;
}

static bmd_status call_site_tables(void)
{
    bmd_flyout **t = NULL;
    bmd_status st = bmd_site_tables(&site_ship, 1, 1, &t);
    if (st != BMD_OK && t)
        FAIL("bmd_site_tables failed but returned tables");
    bmd_site_tables_free(t, 1);
    return st;
}

static bmd_aimer *da_aimer; /* the defended area's, made once */

static bmd_da_opts da_opts(void)
{
    bmd_da_opts o = bmd_da_default_opts();
    o.grid_rad = 2.0 * BMD_DEG;
    o.region.lat_min_rad = 36.0 * BMD_DEG;
    o.region.lat_max_rad = 40.0 * BMD_DEG;
    o.region.lon_min_rad = 32.0 * BMD_DEG;
    o.region.lon_max_rad = 38.0 * BMD_DEG;
    o.refine = 2;
    o.threads = 1;
    o.cue = BMD_CUE_IDEAL;
    o.aimer = da_aimer;
    return o;
}

static bmd_status call_defended_area(void)
{
    bmd_da_opts o = da_opts();
    bmd_da_map m;
    char why[200];
    bmd_flyout *tab[1] = {small_table};
    bmd_status st = bmd_defended_area(cat, &site_ship, 1, tab, shahab, 38.08 * BMD_DEG,
                                      46.29 * BMD_DEG, &o, NULL, NULL, &m, why, sizeof why);
    if (st == BMD_OK)
        bmd_da_map_free(&m);
    return st;
}

static bmd_status call_matrix(void)
{
    static bmd_scenario s;
    memset(&s, 0, sizeof s);
    s.seed = 1;
    s.n_sites = 1;
    s.sites[0] = site_ship;
    s.analyses.feasibility_matrix = true;
    s.analyses.fm.n_bases = 1;
    s.analyses.fm.bases[0] = bases[0];
    s.analyses.fm.n_targets = 2;
    s.analyses.fm.targets[0] = targets[0];
    s.analyses.fm.targets[1] = targets[1];
    s.analyses.fm.n_cues = 2;
    s.analyses.fm.cues[0] = BMD_CUE_IDEAL;
    s.analyses.fm.cues[1] = BMD_CUE_SITE_RADAR;
    s.analyses.fm.n_delays = 1;
    s.analyses.fm.delays_s[0] = 30.0;
    bmd_fm_result r;
    bmd_flyout *tab[1] = {small_table};
    bmd_status st = bmd_feasibility_matrix_on(cat, &s, ref_cases, n_ref_cases, tab, 1, &r);
    if (st == BMD_OK)
        bmd_fm_result_free(&r);
    return st;
}

static bmd_status call_guarantee_site(void)
{
    bmd_gu_site g;
    return bmd_guarantee_site(cat, sm3, ship_lat, ship_lon, 0.0, ref_cases, n_ref_cases,
                              BMD_CUE_IDEAL, NULL, 1, &g);
}

static bmd_status call_guarantee_map(void)
{
    bmd_scn_region region = {37.0 * BMD_DEG, 41.0 * BMD_DEG, 33.0 * BMD_DEG, 37.0 * BMD_DEG};
    bmd_gu_map m;
    char why[200];
    bmd_status st = bmd_guarantee_map(cat, sm3, 3000.0, ref_cases, n_ref_cases, BMD_CUE_IDEAL,
                                      NULL, 2.0 * BMD_DEG, &region, 1, 1, NULL, NULL, &m, why,
                                      sizeof why);
    if (st == BMD_OK)
        bmd_gu_map_free(&m);
    return st;
}

static bmd_status call_kaliningrad(void)
{
    bmd_kaliningrad_opts o = bmd_kaliningrad_default_opts();
    o.n_places = 1;
    o.n_sams = 1;
    o.n_env_alts = 1;
    o.env_step_az_rad = 45.0 * BMD_DEG;
    o.flyout.n_azimuths = 4;
    o.flyout.n_kicks = 8;
    o.flyout.n_range = 30;
    o.flyout.n_alt = 30;
    o.n_rcs = 1;
    o.n_ring_alts = 1;
    o.ring_step_az_rad = 45.0 * BMD_DEG;
    o.n_watch = 1;
    snprintf(o.watch[0].missile_id, sizeof o.watch[0].missile_id, "iskander-m");
    o.watch[0].launch_lat_rad = 55.0 * BMD_DEG;
    o.watch[0].launch_lon_rad = 15.5 * BMD_DEG;
    o.watch[0].target_lat_rad = 55.0 * BMD_DEG;
    o.watch[0].target_lon_rad = 12.5 * BMD_DEG;
    bmd_kaliningrad_result r;
    char why[256];
    bmd_status st = bmd_kaliningrad_run(cat, &o, &r, why, sizeof why);
    if (st == BMD_OK)
        bmd_kaliningrad_free(&r);
    return st;
}

/* ------------------------------------------------------------------ engagement */

static bmd_scenario raid_scn;
static bmd_raid *raid;
static bmd_raid_mc ref_mc;

static bmd_status call_raid_prepare(void)
{
    bmd_raid *r = NULL;
    char why[256];
    bmd_status st = bmd_raid_prepare_threads(&raid_scn, probe_threads, &r, why, sizeof why);
    if (st != BMD_OK && r)
        FAIL("bmd_raid_prepare failed but returned a raid");
    bmd_raid_free(r);
    return st;
}

static bmd_status call_raid_play(void)
{
    bmd_raid_result o;
    bmd_status st = bmd_raid_play(raid, 5, 1, &o);
    if (st == BMD_OK)
        bmd_raid_result_free(&o);
    return st;
}

static bmd_status call_raid_mc(void)
{
    bmd_raid_mc mc;
    bmd_status st = bmd_raid_monte_carlo(raid, 5, 6, probe_threads, &mc);
    if (st != BMD_OK) {
        if (mc.threat_leaks)
            FAIL("bmd_raid_monte_carlo failed but returned counts");
        return st;
    }
    result_same = mc.runs == ref_mc.runs && mc.any_leak == ref_mc.any_leak &&
                  mc.leakers == ref_mc.leakers && mc.fired == ref_mc.fired;
    bmd_raid_mc_free(&mc);
    return st;
}

/* ------------------------------------------------------------------ replay */

static bmd_status call_replay(void)
{
    char czml[600], kml[600];
    snprintf(czml, sizeof czml, "%s/r.czml", tmpdir);
    snprintf(kml, sizeof kml, "%s/r.kml", tmpdir);
    unlink(czml);
    unlink(kml);
    bmd_replay_track tk, fixed;
    bmd_status st = bmd_replay_sample_traj(&threat, 20.0, 0.0, &tk);
    if (st != BMD_OK)
        return st;
    st = bmd_replay_track_alloc(3, &fixed);
    if (st != BMD_OK) {
        bmd_replay_track_free(&tk);
        return st;
    }
    for (int k = 0; k < 3; k++) {
        fixed.t_s[k] = k;
        fixed.lat_rad[k] = 0.1 * k;
    }
    bmd_replay_object obj[3] = {
        {.name = "threat", .kind = BMD_REPLAY_THREAT, .track = &tk},
        {.name = "other", .description = "a <b> & \"c\"", .kind = BMD_REPLAY_INTERCEPTOR,
         .track = &fixed},
        {.name = "ship", .kind = BMD_REPLAY_SITE, .lat_rad = ship_lat, .lon_rad = ship_lon}};
    bmd_replay r = {.name = "test", .n_objects = 3, .objects = obj};
    st = bmd_replay_save(&r, czml, kml);
    if (st != BMD_OK) {
        no_file(czml, "bmd_replay_save");
        no_file(kml, "bmd_replay_save");
    }
    bmd_replay_track_free(&tk);
    bmd_replay_track_free(&fixed);
    return st;
}

/* ------------------------------------------------------------------ set-up */

static const char small_countries[] =
    "{\"type\": \"FeatureCollection\", \"source\": \"made up for the test\", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"name\": \"Aland\", \"iso_a3\": \"AAA\"},\n"
    " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0,0],[5,0],[5,5],[0,5],[0,0]],"
    " [[1,1],[1,2],[2,2],[2,1],[1,1]]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"name\": \"Beland\", \"iso_a3\": \"BBB\"},\n"
    " \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": [[[[6,0],[9,0],[9,3],[6,3],"
    "[6,0]]], [[[6,5],[9,5],[9,9],[6,5]]]]}}\n"
    "]}\n";

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    return fclose(f) == 0;
}

static const char raid_text[] =
    "name: test\n"
    "seed: 5\n"
    "sensors: [sbirs, tpy-2]\n"
    "sites:\n"
    "  - {name: ship, lat_deg: 38.5, lon_deg: 36.0, interceptor: sm3-ia, inventory: 3, pk: 0.6}\n"
    "threats:\n"
    "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}\n"
    "defended_assets:\n"
    "  - {name: Ankara, lat_deg: 39.93, lon_deg: 32.86, radius_km: 50, value: 1}\n"
    "doctrine: {mode: shoot-look-shoot, salvo: 1, max_per_threat: 3, c2_delay_s: 30,"
    " kill_assessment_s: 10}\n";

static bool setup(void)
{
    char why[256];
    data = bmd_data_dir();
    const char *e = getenv("BMDSIM_SCENARIOS");
    snprintf(scn_path, sizeof scn_path, "%s/russian-icbms-all-bases.yaml",
             e && *e ? e : BMD_SCENARIO_DIR);
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/bmd-alloc-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir))
        return false;
    snprintf(countries_path, sizeof countries_path, "%s/countries.geojson", tmpdir);
    snprintf(out_path, sizeof out_path, "%s/out", tmpdir);
    snprintf(members_path, sizeof members_path, "%s/geo/nato-europe-2011.yaml", data);
    if (!write_text(countries_path, small_countries))
        return false;
    bmd_load_error err;
    if (bmd_catalog_load(data, &cat, &err) != BMD_OK ||
        bmd_geo_countries_load(countries_path, &world_small, &err) != BMD_OK) {
        fprintf(stderr, "alloc_fail: set-up: %s:%d: %s\n", err.file, err.line, err.msg);
        return false;
    }
    fopt = bmd_flight_default_opts();
    shahab = bmd_catalog_find(cat, "shahab-3");
    sejjil = bmd_catalog_find(cat, "sejjil-2");
    sm3 = bmd_catalog_find_interceptor(cat, "sm3-ia");
    const bmd_sensor_entry *tpy = bmd_catalog_find_sensor(cat, "tpy-2");
    if (!shahab || !sejjil || !sm3 || !tpy || tpy->kind != BMD_SENSOR_RADAR)
        return false;
    radar = tpy->radar;
    radar.lat_rad = 39.0 * BMD_DEG;
    radar.lon_rad = 42.0 * BMD_DEG;
    radar.boresight_az_rad = 90.0 * BMD_DEG;
    bmd_aim aim = bmd_aim_default(&shahab->v, 38.08 * BMD_DEG, 46.29 * BMD_DEG, 39.93 * BMD_DEG,
                                  32.86 * BMD_DEG);
    bmd_aim_result res;
    bmd_traj_init(&threat);
    if (bmd_target(&shahab->v, &aim, &fopt, &res, &threat) != BMD_OK)
        return false;
    small_fo = bmd_flyout_default_opts();
    small_fo.n_azimuths = 4;
    small_fo.n_kicks = 8;
    small_fo.n_range = 40;
    small_fo.n_alt = 40;
    if (bmd_flyout_build(&sm3->v, ship_lat, ship_lon, 0.0, &fopt, &small_fo, &small_table) !=
        BMD_OK)
        return false;
    memset(&site_ship, 0, sizeof site_ship);
    snprintf(site_ship.name, sizeof site_ship.name, "ship");
    site_ship.lat_rad = ship_lat;
    site_ship.lon_rad = ship_lon;
    site_ship.interceptor = sm3;
    site_ship.inventory = 4;
    site_ship.pk = 0.7;
    bmd_da_opts dao = da_opts();
    if (bmd_da_aimer(shahab, 38.08 * BMD_DEG, 46.29 * BMD_DEG, &dao.region, 1, &da_aimer, why,
                     sizeof why) != BMD_OK)
        return false;
    bases[0] = place("Tabriz", 38.08, 46.29, shahab);
    targets[0] = place("Ankara", 39.93, 32.86, NULL);
    targets[1] = place("London", 51.5, -0.13, NULL); /* out of range: a finding, not a failure */
    if (bmd_threat_cases_fly(bases, 1, targets, 2, 1, &ref_cases, &n_ref_cases) != BMD_OK)
        return false;
    char raid_path[600];
    snprintf(raid_path, sizeof raid_path, "%s/raid.yaml", tmpdir);
    if (!write_text(raid_path, raid_text) ||
        bmd_scenario_load(raid_path, cat, &raid_scn, &err) != BMD_OK) {
        fprintf(stderr, "alloc_fail: set-up: %s:%d: %s\n", err.file, err.line, err.msg);
        return false;
    }
    if (bmd_raid_prepare_threads(&raid_scn, 1, &raid, why, sizeof why) != BMD_OK ||
        bmd_raid_monte_carlo(raid, 5, 6, 1, &ref_mc) != BMD_OK) {
        fprintf(stderr, "alloc_fail: set-up: raid: %s\n", why);
        return false;
    }
    return true;
}

static void teardown(void)
{
    bmd_raid_mc_free(&ref_mc);
    bmd_raid_free(raid);
    bmd_scenario_free(&raid_scn);
    bmd_threat_cases_free(ref_cases, n_ref_cases);
    bmd_flyout_free(small_table);
    bmd_aimer_free(da_aimer);
    bmd_traj_free(&threat);
    bmd_geo_countries_free(world_small);
    bmd_catalog_free(cat);
    char p[600];
    const char *files[] = {"countries.geojson", "out", "raid.yaml", "r.czml", "r.kml"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[k]);
        unlink(p);
    }
    rmdir(tmpdir);
    bmd_plot_cleanup();
}

int main(int argc, char **argv)
{
    /* every, spread: see the header. */
    static const probe probes[] = {
        {"bmd_catalog_load", call_catalog_load, 200, 40, false, true},
        {"bmd_scenario_load", call_scenario_load, 100000, 0, false, true},
        {"bmd_missile_load_file", call_missile_load, 100000, 0, false, true},
        {"bmd_sensor_load_file", call_sensor_load, 100000, 0, false, true},
        {"bmd_geo_countries_load", call_countries_load, 100000, 0, false, true},
        {"bmd_geo_members_load, _codes", call_members_load, 100000, 0, false, true},
        {"bmd_geo_mask_*, bmd_geojson_*", call_geo_masks, 100000, 0, false, true},
        {"bmd_geo_write_points, _lines", call_geo_points, 100000, 0, false, true},
        {"bmd_map_*", call_map, 100000, 0, false, true},
        {"bmd_xy_*", call_xy, 100000, 0, false, true},
        {"bmd_target (bmd_fly)", call_target, 100000, 0, false, true},
        {"bmd_fly_free", call_fly_free, 100000, 0, false, true},
        {"bmd_aimer_create, _fly", call_aimer, 100000, 0, false, true},
        {"bmd_interceptor_scaled", call_interceptor_scaled, 100000, 0, false, true},
        {"bmd_flyout_build, _moved", call_flyout, 30, 10, false, true},
        {"bmd_intercept_*, bmd_threat_samples", call_intercept, 100000, 0, false, true},
        {"bmd_detect", call_detect, 100000, 0, false, true},
        {"bmd_track_run", call_track_run, 100000, 0, false, true},
        {"bmd_cue_earliest_launch", call_cue, 100000, 0, false, true},
        {"bmd_threat_cases_fly", call_threat_cases, 100000, 0, false, true},
        {"bmd_site_tables", call_site_tables, 10, 3, false, false},
        {"bmd_defended_area", call_defended_area, 100000, 0, false, true},
        {"bmd_feasibility_matrix_on", call_matrix, 100000, 0, false, true},
        {"bmd_guarantee_site", call_guarantee_site, 5, 2, false, false},
        {"bmd_guarantee_map", call_guarantee_map, 10, 3, false, false},
        {"bmd_kaliningrad_run", call_kaliningrad, 20, 5, false, false},
        {"bmd_raid_prepare", call_raid_prepare, 20, 5, false, false},
        {"bmd_raid_play", call_raid_play, 100000, 0, false, true},
        {"bmd_raid_monte_carlo", call_raid_mc, 100000, 0, false, true},
        {"bmd_replay_*", call_replay, 100000, 0, false, true},
    };
    /* Two threads: the pool's workers allocate, and their failures must come back too. */
    static const probe threaded[] = {
        {"bmd_threat_cases_fly, 2 threads", call_threat_cases, 100000, 0, true, false},
        {"bmd_raid_monte_carlo, 2 threads", call_raid_mc, 100000, 0, true, false},
        {"bmd_raid_prepare, 2 threads", call_raid_prepare, 5, 3, true, false},
    };
    const char *only = argc > 1 ? argv[1] : NULL;
    fail_alloc_trace(getenv("ALLOC_FAIL_TRACE") != NULL);
    if (!setup()) {
        fprintf(stderr, "alloc_fail: set-up failed\n");
        return 1;
    }
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
        if (!only || strstr(probes[k].name, only))
            run_probe(&probes[k]);
    probe_threads = 2;
    for (size_t k = 0; k < sizeof threaded / sizeof threaded[0]; k++)
        if (!only || strstr(threaded[k].name, only))
            run_probe(&threaded[k]);
    teardown();
    printf("alloc_fail: %d errors\n", errors);
    return errors ? 1 : 0;
}
