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
    printf("{\n  \"flyout_build_s\": %.3f,\n  \"prepare_us\": %.1f,\n"
           "  \"feasibility\": {\"answers\": %d, \"engageable\": %d, \"us_per_answer\": %.2f, "
           "\"answers_per_s\": %.0f, \"reference\": \"bmd_intercept_solve from scratch\", "
           "\"reference_us_per_answer\": %.1f, \"ratio\": %.1f, \"mismatches\": %d}\n}\n",
           t_build, 1e6 * t_prep, n, engageable, 1e6 * per, 1.0 / per, 1e6 * per_ref,
           per_ref / per, mismatch);
    bmd_intercept_prep_free(prep);
    bmd_flyout_free(fly);
    bmd_traj_free(&tr);
    bmd_catalog_free(cat);
    return 0;
}
