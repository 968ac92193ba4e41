/* SPDX-License-Identifier: MIT */
/* test_analysis.c: the analyses against independent paths through the library:
 *   - the aimer against the exact minimum-energy solver (bmd_target): impact, burnout speed,
 *     flight time; out of range where the solver says so;
 *   - a moved fly-out table against one built at the other longitude;
 *   - the refined defended-area map against the exhaustive one, and its cells against threats
 *     aimed by bmd_target and solved directly;
 *   - the feasibility matrix's cells against direct solves, and monotonic in the launch delay;
 *     the site-independent threat samples give the same windows;
 *   - the guarantees: a site's threshold checked by direct solves just above and below it, and
 *     the safe-zone map's cell at the site agreeing with that threshold. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/bmd.h"
#include "sim_dist.h"
#include "test.h"

static bmd_catalog *cat;

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

static void test_aimer(void)
{
    const bmd_missile *m = bmd_catalog_find(cat, "sejjil-2");
    ENSURE(m != NULL);
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_aimer *a = NULL;
    char why[200];
    ENSURE(bmd_aimer_create(&m->v, 38.08 * BMD_DEG, 46.29 * BMD_DEG, 45.0 * BMD_DEG,
                            25.0 * BMD_DEG, &o, &a, why, sizeof why) == BMD_OK);
    if (!a)
        return;
    /* Bucharest, Ankara, Sofia, Athens, Kyiv, a point 300 km from the launch. */
    const double pts[][2] = {{44.43, 26.10}, {39.93, 32.86}, {42.70, 23.32},
                             {37.98, 23.73}, {50.45, 30.52}, {40.0, 43.0}};
    bmd_trajectory ta;
    bmd_trajectory tb;
    bmd_traj_init(&ta);
    bmd_traj_init(&tb);
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        double tla = pts[k][0] * BMD_DEG;
        double tlo = pts[k][1] * BMD_DEG;
        double miss = -1.0;
        ENSURE(bmd_aimer_fly(a, tla, tlo, 500.0, &ta, &miss) == BMD_OK);
        ENSURE(miss >= 0.0 && miss <= 500.0);
        bmd_aim aim = {38.08 * BMD_DEG, 46.29 * BMD_DEG, 0.0, tla, tlo, BMD_SHAPE_MIN_ENERGY,
                       NAN, 10.0};
        bmd_aim_result res;
        ENSURE(bmd_target(&m->v, &aim, &o, &res, &tb) == BMD_OK);
        /* Near the minimum-energy flight: the same burnout speed within 0.5%, flight time 3%. */
        CHECK_REL(ta.sum.burnout_speed_m_s, tb.sum.burnout_speed_m_s, 0.005);
        CHECK_REL(ta.sum.flight_time_s, tb.sum.flight_time_s, 0.03);
    }
    /* London is beyond a Sejjil-2's range from Tabriz: both say so. */
    ENSURE(bmd_aimer_fly(a, 51.507 * BMD_DEG, -0.128 * BMD_DEG, 500.0, &ta, NULL) ==
           BMD_ERR_UNREACHABLE);
    bmd_aim far = {38.08 * BMD_DEG, 46.29 * BMD_DEG, 0.0, 51.507 * BMD_DEG, -0.128 * BMD_DEG,
                   BMD_SHAPE_MIN_ENERGY, NAN, 10.0};
    bmd_aim_result res;
    ENSURE(bmd_target(&m->v, &far, &o, &res, &tb) == BMD_ERR_UNREACHABLE);
    bmd_traj_free(&ta);
    bmd_traj_free(&tb);
    bmd_aimer_free(a);
}

static void test_flyout_moved(void)
{
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-ia");
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_flyout_opts fo = bmd_flyout_default_opts();
    fo.n_range = 80;
    fo.n_alt = 80;
    bmd_flyout *a = NULL;
    bmd_flyout *b = NULL;
    bmd_flyout *moved = NULL;
    const double lat = 44.0 * BMD_DEG;
    ENSURE(bmd_flyout_build(&im->v, lat, 24.0 * BMD_DEG, 0.0, &o, &fo, &a) == BMD_OK);
    ENSURE(bmd_flyout_build(&im->v, lat, 37.0 * BMD_DEG, 0.0, &o, &fo, &b) == BMD_OK);
    ENSURE(bmd_flyout_moved(a, 13.0 * BMD_DEG, &moved) == BMD_OK);
    if (!a || !b || !moved)
        return;
    bmd_earth e = o.earth;
    int n = 0;
    int agree = 0;
    double worst = 0.0;
    for (int i = 0; i < 400; i++) {
        /* Points around the second site: 0 to 900 km, 20 to 600 km up. */
        double az = 2.0 * BMD_PI * i / 400.0;
        double R = 900e3 * ((i * 37) % 100) / 100.0;
        double h = 20e3 + 580e3 * ((i * 53) % 100) / 100.0;
        double pla;
        double plo;
        bmd_geodesic_direct(&e, lat, 37.0 * BMD_DEG, az, R, &pla, &plo);
        bmd_vec3 p = bmd_geodetic_to_ecef(&e, pla, plo, h);
        double t1;
        double t2;
        bool r1 = bmd_flyout_reach(b, p, &t1, NULL);
        bool r2 = bmd_flyout_reach(moved, p, &t2, NULL);
        n++;
        if (r1 == r2)
            agree++;
        if (r1 && r2)
            worst = fmax(worst, fabs(t1 - t2));
    }
    /* The same table up to the rounding of two sets of flights. */
    ENSURE(agree == n);
    CHECK_NEAR(worst, 0.0, 1e-3);
    bmd_flyout_free(moved);
    bmd_flyout_free(a);
    bmd_flyout_free(b);
}

static void test_defended_area(void)
{
    bmd_scn_site sites[2] = {site("ship", 43.0, 34.0, "sm3-ia"),
                             site("Deveselu", 44.08, 24.41, "sm3-ib")};
    bmd_flyout **tab = NULL;
    ENSURE(bmd_site_tables(sites, 2, 2, &tab) == BMD_OK);
    if (!tab)
        return;
    const bmd_missile *m = bmd_catalog_find(cat, "sejjil-2");
    bmd_da_opts o = bmd_da_default_opts();
    o.grid_rad = 1.0 * BMD_DEG;
    o.region.lat_min_rad = 36.0 * BMD_DEG;
    o.region.lat_max_rad = 50.0 * BMD_DEG;
    o.region.lon_min_rad = 18.0 * BMD_DEG;
    o.region.lon_max_rad = 40.0 * BMD_DEG;
    o.threads = 2;
    bmd_da_map full;
    bmd_da_map fast;
    char why[200];
    o.refine = 1;
    ENSURE(bmd_defended_area(cat, sites, 2, tab, m, 38.08 * BMD_DEG, 46.29 * BMD_DEG, &o, NULL,
                             NULL, &full, why, sizeof why) == BMD_OK);
    o.refine = 4;
    o.threads = 1;
    ENSURE(bmd_defended_area(cat, sites, 2, tab, m, 38.08 * BMD_DEG, 46.29 * BMD_DEG, &o, NULL,
                             NULL, &fast, why, sizeof why) == BMD_OK);
    if (!full.cls || !fast.cls)
        return;
    int nc = full.n_lat * full.n_lon;
    int differ = 0;
    int cnt[3] = {0, 0, 0};
    for (int k = 0; k < nc; k++) {
        differ += full.cls[k] != fast.cls[k] || full.sites[k] != fast.sites[k];
        cnt[full.cls[k]]++;
    }
    ENSURE(differ == 0);
    ENSURE(fast.n_evaluated < nc);
    /* All three classes occur (the test can tell them apart). */
    ENSURE(cnt[0] > 0 && cnt[1] > 0 && cnt[2] > 0);
    /* Cells against threats aimed by the exact solver and solved directly, where the map's
     * margin leaves no doubt (more than 20 s either way, or unreached by 100 km). */
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    int checked = 0;
    for (int k = 0; k < nc; k += 7) {
        int i = k / full.n_lon;
        int j = k % full.n_lon;
        double la = full.lat0_rad + i * full.step_rad;
        double lo = full.lon0_rad + j * full.step_rad;
        if (full.cls[k] == BMD_DA_DEFENDED && !((double)full.margin_s[k] > 20.0))
            continue;
        bmd_aim aim = {38.08 * BMD_DEG, 46.29 * BMD_DEG, 0.0, la, lo, BMD_SHAPE_MIN_ENERGY, NAN,
                       10.0};
        bmd_aim_result res;
        bmd_status st = bmd_target(&m->v, &aim, &fo, &res, &tr);
        if (full.cls[k] == BMD_DA_UNREACHED) {
            double R;
            bmd_geodesic_inverse(&fo.earth, aim.launch_lat_rad, aim.launch_lon_rad, la, lo, &R,
                                 NULL, NULL);
            if (st == BMD_OK)
                ENSURE(R > res.max_range_m - 100e3); /* only at the very edge */
            continue;
        }
        ENSURE(st == BMD_OK);
        if (st != BMD_OK)
            continue;
        bool any = false;
        double best = -HUGE_VAL;
        for (int s = 0; s < 2; s++) {
            double t_min;
            ENSURE(bmd_cue_earliest_launch(cat, o.cue, &tr, &m->sig, 0, 0, 0, 1, &t_min) ==
                   BMD_OK);
            bmd_intercept w;
            ENSURE(bmd_intercept_solve(&tr, tab[s], &sites[s].interceptor->kv, t_min, 1.0, &w) ==
                   BMD_OK);
            any = any || w.engageable;
            if (w.engageable)
                best = fmax(best, w.margin_s);
        }
        if (full.cls[k] == BMD_DA_DEFENDED) {
            ENSURE(any);
        } else if (any) {
            ENSURE(best < 20.0); /* undefended on the map: at most a marginal window here */
        }
        checked++;
    }
    ENSURE(checked >= 10);
    bmd_traj_free(&tr);
    /* The lookup finds the cell of a point. */
    uint32_t bits;
    bmd_da_class c = bmd_da_map_at(&full, full.lat0_rad, full.lon0_rad, &bits);
    ENSURE(c == full.cls[0] && bits == full.sites[0]);
    ENSURE(bmd_da_map_at(&full, 80.0 * BMD_DEG, 0.0, NULL) == BMD_DA_UNREACHED);
    bmd_da_map_free(&full);
    bmd_da_map_free(&fast);
    bmd_site_tables_free(tab, 2);
}

static bmd_scn_place bases[3];
static bmd_scn_place targets[1];
static bmd_threat_case *cases;
static int n_cases;

static void test_matrix(void)
{
    bmd_scenario s;
    memset(&s, 0, sizeof s);
    s.seed = 1;
    s.n_sites = 2;
    s.sites[0] = site("Redzikowo", 54.47, 17.12, "sm3-iib");
    s.sites[1] = site("Deveselu", 44.08, 24.41, "sm3-ib");
    s.analyses.feasibility_matrix = true;
    s.analyses.fm.n_bases = 2;
    s.analyses.fm.bases[0] = bases[0];
    s.analyses.fm.bases[1] = bases[1];
    s.analyses.fm.n_targets = 1;
    s.analyses.fm.targets[0] = targets[0];
    s.analyses.fm.n_cues = 2;
    s.analyses.fm.cues[0] = BMD_CUE_IDEAL;
    s.analyses.fm.cues[1] = BMD_CUE_SITE_RADAR;
    s.analyses.fm.n_delays = 2;
    s.analyses.fm.delays_s[0] = 0.0;
    s.analyses.fm.delays_s[1] = 120.0;
    bmd_fm_result r;
    ENSURE(bmd_feasibility_matrix(cat, &s, 2, &r) == BMD_OK);
    ENSURE(r.n_cells == 2 * 2 * 2 * 2);
    if (r.n_cells != 16)
        return;
    bmd_flyout **tab = NULL;
    ENSURE(bmd_site_tables(s.sites, 2, 1, &tab) == BMD_OK);
    int engageable = 0;
    for (int k = 0; k < r.n_cells; k++) {
        const bmd_fm_cell *c = &r.cells[k];
        const bmd_threat_case *tc = &r.threats[c->threat];
        ENSURE(tc->st == BMD_OK);
        double t_min;
        ENSURE(bmd_cue_earliest_launch(cat, s.analyses.fm.cues[c->cue], &tc->tr,
                                       &tc->missile->sig, s.sites[c->site].lat_rad,
                                       s.sites[c->site].lon_rad, 0.0, 1, &t_min) == BMD_OK);
        if (isinf(t_min))
            ENSURE(isinf(c->t_min_s)); /* never seen, whatever the delay */
        else
            CHECK_NEAR(c->t_min_s, t_min + s.analyses.fm.delays_s[c->delay], 1e-9);
        bmd_intercept w;
        ENSURE(bmd_intercept_solve(&tc->tr, tab[c->site], &s.sites[c->site].interceptor->kv,
                                   c->t_min_s, 1.0, &w) == BMD_OK);
        ENSURE(w.engageable == c->w.engageable && w.reason == c->w.reason);
        engageable += c->w.engageable;
        /* The same window from the site-independent samples of the guarantees calculator. */
        bmd_threat_samples *smp = NULL;
        ENSURE(bmd_threat_samples_make(&tc->tr, 1.0, &smp) == BMD_OK);
        bmd_intercept ws;
        ENSURE(bmd_intercept_solve_samples(smp, tab[c->site], &s.sites[c->site].interceptor->kv,
                                           c->t_min_s, &ws) == BMD_OK);
        ENSURE(ws.engageable == w.engageable && ws.reason == w.reason);
        if (w.engageable) {
            CHECK_NEAR(ws.earliest_intercept_s, w.earliest_intercept_s, 2e-3);
            CHECK_NEAR(ws.latest_intercept_s, w.latest_intercept_s, 2e-3);
            CHECK_NEAR(ws.margin_s, w.margin_s, 0.05);
        }
        bmd_threat_samples_free(smp);
        /* A later launch never makes a threat engageable. */
        if (c->delay == 1)
            ENSURE(!c->w.engageable || r.cells[k - 1].w.engageable);
    }
    /* The ideal cue is the kinematic bound: Redzikowo's IIB reaches the SS-19 from Kozelsk. */
    ENSURE(r.cells[0].w.engageable);
    ENSURE(engageable < r.n_cells);
    bmd_site_tables_free(tab, 2);
    bmd_fm_result_free(&r);
}

/* The solver's skipping of stretches out of reach must not skip a window: against the samples'
 * dense scan, on an ICBM whose boost (2 km/s early, 7 km/s at burnout) once let the skip, sized
 * by the speed of the moment, jump over a 60 s window of a slow interceptor (found by the
 * literature runs: bmd_intercept_solve said "out of reach" at 3.65 to 3.75 km/s). */
static void test_skip_keeps_windows(void)
{
    const bmd_missile *m = bmd_catalog_find(cat, "iran-icbm-notional");
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-iib");
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim aim = {35.23 * BMD_DEG, 53.92 * BMD_DEG, 0.0, 38.951 * BMD_DEG, -77.013 * BMD_DEG,
                   m->v.default_shape, m->v.default_apogee_m, 100.0};
    bmd_aim_result res;
    ENSURE(bmd_target(&m->v, &aim, &o, &res, &tr) == BMD_OK);
    bmd_threat_samples *smp = NULL;
    ENSURE(bmd_threat_samples_make(&tr, 1.0, &smp) == BMD_OK);
    const double la = 54.47 * BMD_DEG;
    const double lo = 17.12 * BMD_DEG;
    int engaged = 0;
    for (int k = 0; smp && k < 3; k++) {
        double v = 3650.0 + 50.0 * k;
        bmd_vehicle iv;
        ENSURE(bmd_interceptor_scaled(&im->v, v, la, lo, &o, &iv) == BMD_OK);
        bmd_flyout_opts fop = bmd_flyout_default_opts();
        bmd_flyout *f = NULL;
        ENSURE(bmd_flyout_build(&iv, la, lo, 0.0, &o, &fop, &f) == BMD_OK);
        if (!f)
            continue;
        bmd_intercept w1;
        bmd_intercept w2;
        ENSURE(bmd_intercept_solve(&tr, f, &im->kv, 0.0, 1.0, &w1) == BMD_OK);
        ENSURE(bmd_intercept_solve_samples(smp, f, &im->kv, 0.0, &w2) == BMD_OK);
        ENSURE(w1.engageable == w2.engageable);
        if (w1.engageable && w2.engageable) {
            CHECK_NEAR(w1.earliest_intercept_s, w2.earliest_intercept_s, 1.5);
            CHECK_NEAR(w1.latest_intercept_s, w2.latest_intercept_s, 1.5);
        }
        engaged += w2.engageable;
        bmd_flyout_free(f);
    }
    ENSURE(engaged > 0); /* the case still has windows to lose */
    bmd_threat_samples_free(smp);
    bmd_traj_free(&tr);
}

/* A scenario's cue definitions: the forward radar at Kurecik, looking toward Iran, never tracks
 * an SS-19 from Kozelsk to Washington; an AN/TPY-2 placed at Redzikowo does, and its delay adds. */
static void test_cue_definitions(void)
{
    const bmd_threat_case *tc = &cases[0]; /* Kozelsk -> Washington */
    double t_default;
    ENSURE(bmd_cue_earliest_launch(cat, BMD_CUE_FORWARD_RADAR, &tc->tr, &tc->missile->sig, 0, 0, 0,
                                   1, &t_default) == BMD_OK);
    ENSURE(isinf(t_default));
    bmd_scn_cue_def defs[BMD_N_CUES];
    memset(defs, 0, sizeof defs);
    defs[BMD_CUE_FORWARD_RADAR].sensor = bmd_catalog_find_sensor(cat, "tpy-2");
    defs[BMD_CUE_FORWARD_RADAR].placed = true;
    defs[BMD_CUE_FORWARD_RADAR].lat_rad = 54.47 * BMD_DEG;
    defs[BMD_CUE_FORWARD_RADAR].lon_rad = 17.12 * BMD_DEG;
    defs[BMD_CUE_FORWARD_RADAR].h_m = 30.0;
    double t30;
    double t90;
    ENSURE(bmd_cue_earliest_launch_def(cat, BMD_CUE_FORWARD_RADAR, defs, &tc->tr,
                                       &tc->missile->sig, 0, 0, 0, 1, &t30) == BMD_OK);
    ENSURE(isfinite(t30) && t30 > 30.0 && t30 < tc->tr.sum.flight_time_s);
    defs[BMD_CUE_FORWARD_RADAR].has_delay = true;
    defs[BMD_CUE_FORWARD_RADAR].delay_s = 90.0;
    ENSURE(bmd_cue_earliest_launch_def(cat, BMD_CUE_FORWARD_RADAR, defs, &tc->tr,
                                       &tc->missile->sig, 0, 0, 0, 1, &t90) == BMD_OK);
    CHECK_NEAR(t90 - t30, 60.0, 1e-9); /* the same track, 90 s of delay instead of 30 */
    /* The same radar as a site radar at Redzikowo (25 m up instead of 30): nearly the same. */
    double ts;
    ENSURE(bmd_cue_earliest_launch(cat, BMD_CUE_SITE_RADAR, &tc->tr, &tc->missile->sig,
                                   54.47 * BMD_DEG, 17.12 * BMD_DEG, 0.0, 1, &ts) == BMD_OK);
    ENSURE(isfinite(ts));
}

/* FNV-1a over bytes. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Determinism: the defended-area map and the safe-zone map hash to the same bits on 1, 2 and 5
 * threads (each cell is computed by one task, whatever the blocks). */
/* One simulated process of a distributed map (sim_dist.h): its own whole maps' hashes. */
typedef struct dm_arg {
    const bmd_scn_site *sites;
    bmd_flyout **tab;
    uint64_t h_da[SIM_MAX], h_gu[SIM_MAX];
} dm_arg;

static uint64_t da_hash(const bmd_da_map *map)
{
    size_t nc = (size_t)map->n_lat * (size_t)map->n_lon;
    uint64_t h = 1469598103934665603ULL;
    h = hash_bytes(h, map->cls, nc);
    h = hash_bytes(h, map->sites, nc * sizeof *map->sites);
    h = hash_bytes(h, map->margin_s, nc * sizeof *map->margin_s);
    h = hash_bytes(h, map->flight_s, nc * sizeof *map->flight_s);
    return h;
}

static bmd_da_opts dm_opts(void)
{
    bmd_da_opts o = bmd_da_default_opts();
    o.grid_rad = 2.0 * BMD_DEG;
    o.region.lat_min_rad = 36.0 * BMD_DEG;
    o.region.lat_max_rad = 48.0 * BMD_DEG;
    o.region.lon_min_rad = 18.0 * BMD_DEG;
    o.region.lon_max_rad = 36.0 * BMD_DEG;
    return o;
}

static const bmd_scn_region dm_gu_region = {50.0 * BMD_DEG, 56.0 * BMD_DEG, 10.0 * BMD_DEG,
                                            22.0 * BMD_DEG};

static void dm_proc(const bmd_dist *d, void *varg, int rank)
{
    dm_arg *a = varg;
    const bmd_missile *m = bmd_catalog_find(cat, "sejjil-2");
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-iib");
    bmd_da_opts o = dm_opts();
    o.threads = 1 + rank % 2;
    o.dist = d;
    bmd_da_map map;
    char why[200];
    a->h_da[rank] = 0;
    if (bmd_defended_area(cat, a->sites, 1, a->tab, m, 38.08 * BMD_DEG, 46.29 * BMD_DEG, &o,
                          NULL, NULL, &map, why, sizeof why) == BMD_OK) {
        a->h_da[rank] = da_hash(&map);
        bmd_da_map_free(&map);
    }
    bmd_gu_map gm;
    a->h_gu[rank] = 0;
    if (bmd_guarantee_map_dist(cat, im, 4500.0, cases, n_cases, BMD_CUE_IDEAL, NULL,
                               2.0 * BMD_DEG, &dm_gu_region, 1, 1, d, NULL, NULL, &gm, why,
                               sizeof why) == BMD_OK) {
        a->h_gu[rank] = hash_bytes(1469598103934665603ULL, gm.n_engaged,
                                   (size_t)gm.n_lat * (size_t)gm.n_lon * sizeof *gm.n_engaged);
        bmd_gu_map_free(&gm);
    }
}

static void test_thread_determinism(void)
{
    bmd_scn_site sites[1] = {site("Deveselu", 44.08, 24.41, "sm3-ib")};
    bmd_flyout **tab = NULL;
    ENSURE(bmd_site_tables(sites, 1, 1, &tab) == BMD_OK);
    if (!tab)
        return;
    const bmd_missile *m = bmd_catalog_find(cat, "sejjil-2");
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-iib");
    const int threads[3] = {1, 2, 5};
    uint64_t h_da[3];
    uint64_t h_gu[3];
    for (int k = 0; k < 3; k++) {
        bmd_da_opts o = dm_opts();
        o.threads = threads[k];
        bmd_da_map map;
        char why[200];
        h_da[k] = 0;
        if (bmd_defended_area(cat, sites, 1, tab, m, 38.08 * BMD_DEG, 46.29 * BMD_DEG, &o, NULL,
                              NULL, &map, why, sizeof why) == BMD_OK) {
            h_da[k] = da_hash(&map);
            bmd_da_map_free(&map);
        }
        bmd_gu_map gm;
        h_gu[k] = 0;
        if (bmd_guarantee_map(cat, im, 4500.0, cases, n_cases, BMD_CUE_IDEAL, NULL, 2.0 * BMD_DEG,
                              &dm_gu_region, 1, threads[k], NULL, NULL, &gm, why,
                              sizeof why) == BMD_OK) {
            h_gu[k] = hash_bytes(1469598103934665603ULL, gm.n_engaged,
                                 (size_t)gm.n_lat * (size_t)gm.n_lon * sizeof *gm.n_engaged);
            bmd_gu_map_free(&gm);
        }
    }
    ENSURE(h_da[0] != 0 && h_da[0] == h_da[1] && h_da[0] == h_da[2]);
    ENSURE(h_gu[0] != 0 && h_gu[0] == h_gu[1] && h_gu[0] == h_gu[2]);
    fprintf(stderr, "  defended area %016llx, safe zones %016llx on 1, 2 and 5 threads\n",
            (unsigned long long)h_da[0], (unsigned long long)h_gu[0]);
    /* Shared among 2 and 3 processes (simulated by threads, sim_dist.h): every process ends
     * with the same maps, to the bit, and all make the same collective calls. */
    for (int size = 2; size <= 3; size++) {
        dm_arg a;
        memset(&a, 0, sizeof a);
        a.sites = sites;
        a.tab = tab;
        int same = 0;
        int calls = sim_run(size, dm_proc, &a, &same);
        ENSURE(same && calls > 0);
        for (int r = 0; r < size; r++)
            ENSURE(a.h_da[r] == h_da[0] && a.h_gu[r] == h_gu[0]);
    }
    bmd_site_tables_free(tab, 1);
}

static void test_guarantees(void)
{
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-iib");
    const double la = 54.47 * BMD_DEG;
    const double lo = 17.12 * BMD_DEG;
    bmd_gu_site g;
    ENSURE(bmd_guarantee_site(cat, im, la, lo, 0.0, cases, n_cases, BMD_CUE_SITE_RADAR, NULL,
                              1, &g) == BMD_OK);
    ENSURE(isfinite(g.min_burnout_speed_m_s) && g.threat >= 0);
    if (!isfinite(g.min_burnout_speed_m_s) || g.threat < 0)
        return;
    /* Directly: engages at the speed found, engages none 60 m/s below it. */
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    for (int side = 0; side < 2; side++) {
        double v = g.min_burnout_speed_m_s - (side ? 60.0 : 0.0);
        bmd_vehicle iv;
        ENSURE(bmd_interceptor_scaled(&im->v, v, la, lo, &fo, &iv) == BMD_OK);
        bmd_flyout *f = NULL;
        ENSURE(bmd_flyout_build(&iv, la, lo, 0.0, &fo, &fop, &f) == BMD_OK);
        int engaged = 0;
        for (int k = 0; f && k < n_cases; k++) {
            double t_min;
            bmd_cue_earliest_launch(cat, BMD_CUE_SITE_RADAR, &cases[k].tr,
                                    &cases[k].missile->sig, la, lo, 0.0, 1, &t_min);
            bmd_intercept w;
            ENSURE(bmd_intercept_solve(&cases[k].tr, f, &im->kv, t_min, 1.0, &w) == BMD_OK);
            engaged += w.engageable;
        }
        ENSURE(side ? engaged == 0 : engaged > 0);
        bmd_flyout_free(f);
    }
    /* The map's cell centred on the site: no threat engaged 0.3 km/s below the threshold, at
     * least one 0.3 km/s above (its table is built at another longitude and moved). */
    bmd_scn_region reg = {la - 0.25 * BMD_DEG, la + 0.25 * BMD_DEG, lo - 1.25 * BMD_DEG,
                          lo + 0.25 * BMD_DEG};
    for (int side = 0; side < 2; side++) {
        bmd_gu_map m;
        char why[200];
        double v = g.min_burnout_speed_m_s + (side ? 300.0 : -300.0);
        ENSURE(bmd_guarantee_map(cat, im, v, cases, n_cases, BMD_CUE_SITE_RADAR, NULL,
                                 0.5 * BMD_DEG, &reg, 1, 2, NULL, NULL, &m, why,
                                 sizeof why) == BMD_OK);
        ENSURE(m.n_lat == 1 && m.n_lon == 3);
        if (m.n_engaged) {
            CHECK_NEAR(m.lon0_rad + 2 * m.step_rad, lo, 1e-12);
            ENSURE(side ? m.n_engaged[2] > 0 : m.n_engaged[2] == 0);
        }
        bmd_gu_map_free(&m);
    }
}

int main(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return 1;
    }
    bases[0] = place("Kozelsk", 54.033, 35.767, "ss-19");
    bases[1] = place("Vypolzovo", 57.87, 33.67, "ss-25");
    bases[2] = place("Dombarovsky", 50.75, 59.5, "ss-18");
    targets[0] = place("Washington", 38.951, -77.013, NULL);
    if (bmd_threat_cases_fly(bases, 3, targets, 1, 2, &cases, &n_cases) != BMD_OK) {
        fprintf(stderr, "threat cases failed\n");
        return 1;
    }
    RUN(test_aimer);
    RUN(test_flyout_moved);
    RUN(test_defended_area);
    RUN(test_matrix);
    RUN(test_skip_keeps_windows);
    RUN(test_cue_definitions);
    RUN(test_thread_determinism);
    RUN(test_guarantees);
    bmd_threat_cases_free(cases, n_cases);
    bmd_catalog_free(cat);
    return test_summary();
}
