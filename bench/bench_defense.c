/* SPDX-License-Identifier: MIT */
/* bench_defense.c: speed of the defense layer. (1) fly-out table construction for an interceptor
 * at a site; (2) feasibility answers per second against a precomputed threat trajectory (each
 * answer a full engagement window: bmd_intercept_solve), for a spread of earliest-launch times;
 * reference in the same process: the same answers with the scan at a fixed 1 s step and no
 * skipping (the straightforward solver), which must give the same windows.
 * Usage: bench_defense [--quick]. Prints JSON. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bmd/bmd.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    bmd_catalog *cat = NULL;
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "bench_defense: %s: %s\n", err.file, err.msg);
        return 1;
    }
    const bmd_missile *thr = bmd_catalog_find(cat, "ss-19");
    const bmd_missile *itc = bmd_catalog_find_interceptor(cat, "sm3-iib");
    if (!thr || !itc)
        return 1;
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim aim;
    memset(&aim, 0, sizeof aim);
    aim.launch_lat_rad = 54.033 * BMD_DEG;
    aim.launch_lon_rad = 35.767 * BMD_DEG;
    aim.target_lat_rad = 38.951 * BMD_DEG;
    aim.target_lon_rad = -77.013 * BMD_DEG;
    aim.shape = BMD_SHAPE_MIN_ENERGY;
    aim.apogee_m = NAN;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    if (bmd_target(&thr->v, &aim, &fo, &res, &tr) != BMD_OK)
        return 1;
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    bmd_flyout *fly = NULL;
    double t0 = now();
    if (bmd_flyout_build(&itc->v, 54.47 * BMD_DEG, 17.12 * BMD_DEG, 0.0, &fo, &fop, &fly) != BMD_OK)
        return 1;
    double t_build = now() - t0;
    /* Feasibility answers: the threat prepared once against the table, then answers for a
     * spread of earliest launches and two kill vehicles. */
    double tp0 = now();
    bmd_intercept_prep *prep = NULL;
    if (bmd_intercept_prepare(&tr, fly, 1.0, &prep) != BMD_OK)
        return 1;
    double t_prep = now() - tp0;
    bmd_kill_vehicle kv2 = itc->kv;
    kv2.min_altitude_m = 200e3;
    int n = quick ? 20000 : 200000;
    int engageable = 0;
    double ta = now();
    for (int i = 0; i < n; i++) {
        bmd_intercept w;
        bmd_intercept_solve_prepared(prep, i % 2 ? &kv2 : &itc->kv, 300.0 * (i % 1000) / 1000.0, &w);
        engageable += w.engageable;
    }
    double per = (now() - ta) / n;
    /* Reference: each answer from scratch (bmd_intercept_solve: sample, then scan), which must
     * give the same windows. */
    int mismatch = 0;
    int n_ref = quick ? 50 : 500;
    double tb = now();
    for (int i = 0; i < n_ref; i++) {
        bmd_intercept a;
        double tmin = 300.0 * (i * 2 % 1000) / 1000.0;
        bmd_intercept_solve(&tr, fly, &itc->kv, tmin, 1.0, &a);
        bmd_intercept b;
        bmd_intercept_solve_prepared(prep, &itc->kv, tmin, &b);
        if (a.engageable != b.engageable || a.reason != b.reason ||
            (a.engageable && a.earliest_intercept_s != b.earliest_intercept_s))
            mismatch++;
    }
    double per_ref = (now() - tb) / n_ref - per;
    /* (3) A 50-threat raid against 4 sites: preparation (threat flights and targeting, sensors,
     * fly-out tables, windows, assignment) and one run of the engine. */
    bmd_scenario sc;
    memset(&sc, 0, sizeof sc);
    snprintf(sc.name, sizeof sc.name, "bench raid");
    sc.seed = 1;
    const bmd_sensor_entry *sb = bmd_catalog_find_sensor(cat, "sbirs");
    const bmd_sensor_entry *tp = bmd_catalog_find_sensor(cat, "tpy-2");
    if (!sb || !tp)
        return 1;
    sc.has_ew = true;
    sc.ew = sb->ew;
    sc.radars[sc.n_sensors++] = tp->radar;
    struct {
        const char *name;
        double lat, lon;
        const char *itc;
    } sites[4] = {{"Deveselu", 44.08, 24.42, "sm3-ib"},
                  {"Black Sea ship", 43.0, 34.0, "sm3-ia"},
                  {"Eastern Mediterranean ship", 34.5, 30.0, "sm3-ia"},
                  {"Redzikowo", 54.47, 17.12, "sm3-iia"}};
    for (int j = 0; j < 4; j++) {
        bmd_scn_site *st = &sc.sites[sc.n_sites++];
        snprintf(st->name, sizeof st->name, "%s", sites[j].name);
        st->lat_rad = sites[j].lat * BMD_DEG;
        st->lon_rad = sites[j].lon * BMD_DEG;
        st->interceptor = bmd_catalog_find_interceptor(cat, sites[j].itc);
        st->inventory = 24;
        st->pk = 0.7;
        if (!st->interceptor)
            return 1;
    }
    struct {
        const char *m;
        double la, lo, ta, to;
    } pairs[5] = {{"shahab-3", 38.08, 46.29, 39.93, 32.86},
                  {"ghadr-1", 34.31, 47.07, 39.93, 32.86},
                  {"sejjil-2", 38.08, 46.29, 44.43, 26.10},
                  {"sejjil-2", 35.23, 53.92, 39.93, 32.86},
                  {"sejjil-2", 38.08, 46.29, 42.70, 23.32}};
    bmd_scn_threat th[50];
    for (int i = 0; i < 50; i++) {
        const int k = i % 5;
        th[i].missile = bmd_catalog_find(cat, pairs[k].m);
        th[i].launch_lat_rad = pairs[k].la * BMD_DEG;
        th[i].launch_lon_rad = pairs[k].lo * BMD_DEG;
        th[i].target_lat_rad = pairs[k].ta * BMD_DEG;
        th[i].target_lon_rad = pairs[k].to * BMD_DEG;
        th[i].launch_time_s = 20.0 * (i / 5);
    }
    sc.threats = th;
    sc.n_threats = 50;
    sc.doctrine = bmd_scn_default_doctrine(); /* shoot-look-shoot, 2 per threat, C2 30 s */
    bmd_raid *raid = NULL;
    char why[256];
    double tr0 = now();
    if (bmd_raid_prepare(&sc, &raid, why, sizeof why) != BMD_OK) {
        fprintf(stderr, "bench_defense: %s\n", why);
        return 1;
    }
    double t_raid_prep = now() - tr0;
    int reps = quick ? 200 : 2000;
    long fired = 0;
    double tr1 = now();
    for (int k = 0; k < reps; k++) {
        bmd_raid_result o;
        bmd_raid_play(raid, 1, (uint64_t)k, &o);
        fired += o.fired;
        bmd_raid_result_free(&o);
    }
    double t_play = (now() - tr1) / reps;
    bmd_raid_free(raid);
    printf("{\n  \"flyout_build_s\": %.3f,\n  \"prepare_us\": %.1f,\n"
           "  \"feasibility\": {\"answers\": %d, \"engageable\": %d, \"us_per_answer\": %.2f, "
           "\"answers_per_s\": %.0f, \"reference\": \"bmd_intercept_solve from scratch\", "
           "\"reference_us_per_answer\": %.1f, \"ratio\": %.1f, \"mismatches\": %d},\n"
           "  \"raid_50_threats_4_sites\": {\"prepare_s\": %.3f, \"play_ms_per_run\": %.3f, "
           "\"interceptors_per_run\": %.2f}\n}\n",
           t_build, 1e6 * t_prep, n, engageable, 1e6 * per, 1.0 / per, 1e6 * per_ref,
           per_ref / per, mismatch, t_raid_prep, 1e3 * t_play, (double)fired / reps);
    bmd_intercept_prep_free(prep);

    bmd_flyout_free(fly);
    bmd_traj_free(&tr);
    bmd_catalog_free(cat);
    return 0;
}
