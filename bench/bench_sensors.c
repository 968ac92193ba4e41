/* SPDX-License-Identifier: MIT */
/* bench_sensors.c: speed of the sensors layer, with a reference run in the same process.
 *
 * (1) visibility: windows of N threat trajectories (ICBM and MRBM free flights with re-entry drag
 *     on the full Earth model) from 5 catalog radars, with bmd_visibility (a fast scan that skips
 *     ahead by a safe bound, edges located on the exact look); reference: exhaustive sampling of
 *     the exact look every 1 s on a subset. Agreement: each window's ends within 1 s.
 * (2) track: one full filter run on a 30-minute ICBM flight with 1 Hz measurements (two-point
 *     start, then about 1,800 extended Kalman updates; impact prediction excluded), and one impact
 *     prediction (unscented, 13 flights).
 * Prints JSON on stdout. Usage: bench_sensors [--trajectories N] [--quick] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmd/bmd.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Exhaustive reference: the exact look every dt; the first window's ends. */
static int ref_windows(const bmd_trajectory *tr, const bmd_radar *r, double dt, double *t0,
                       double *t1)
{
    int n = 0;
    bool prev = false;
    for (double t = tr->t_start_s; t <= tr->t_end_s; t += dt) {
        bmd_vec3 p;
        bmd_traj_state(tr, t, &p, NULL);
        bmd_look lk;
        bmd_radar_look(r, &tr->earth, bmd_eci_to_ecef(&tr->earth, t, p), &lk);
        if (lk.visible && !prev && n < 8)
            t0[n] = t;
        if (!lk.visible && prev && n < 8)
            t1[n++] = t;
        prev = lk.visible;
    }
    if (prev && n < 8)
        t1[n++] = tr->t_end_s;
    return n;
}

int main(int argc, char **argv)
{
    int n_tr = 10000;
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trajectories") == 0 && i + 1 < argc)
            n_tr = atoi(argv[++i]);
        else if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else {
            fprintf(stderr, "usage: bench_sensors [--trajectories N] [--quick]\n");
            return 2;
        }
    }
    if (quick)
        n_tr = 500;
    if (n_tr < 10)
        n_tr = 10;
    bmd_catalog *cat = NULL;
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "bench_sensors: %s: %s\n", err.file, err.msg);
        return 1;
    }
    static const char *const ids[5] = {"tpy-2", "spy-1-ashore", "uewr-fylingdales", "uewr-thule",
                                       "voronezh-dm"};
    bmd_radar radars[5];
    for (int i = 0; i < 5; i++)
        radars[i] = bmd_catalog_find_sensor(cat, ids[i])->radar;

    /* Threats: a fan of ICBM and MRBM free flights from Russian and Iranian launch areas,
     * drawn from a fixed stream (the same set every run). */
    bmd_trajectory *trs = calloc((size_t)n_tr, sizeof *trs);
    if (!trs)
        return 1;
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.atol_m = 1.0; /* visibility does not need centimetres */
    fo.atol_m_s = 1e-3;
    bmd_rng rng = {12345, bmd_rng_stream(BMD_RNG_CASE, 0, 0)};
    double tg = now();
    for (int k = 0; k < n_tr; k++) {
        double u[4];
        bmd_rng_uniform4(rng, (uint64_t)k, u);
        bool icbm = k % 2 == 0;
        double lat = icbm ? 50.0 + 8.0 * u[0] : 32.0 + 6.0 * u[0];
        double lon = icbm ? 35.0 + 25.0 * u[1] : 46.0 + 10.0 * u[1];
        double speed = icbm ? 6500.0 + 700.0 * u[2] : 3000.0 + 1200.0 * u[2];
        double az = icbm ? (300.0 + 60.0 * u[3]) * BMD_DEG : (270.0 + 60.0 * u[3]) * BMD_DEG;
        bmd_traj_init(&trs[k]);
        if (bmd_fly_free(lat * BMD_DEG, lon * BMD_DEG, icbm ? 200e3 : 80e3, speed,
                         (icbm ? 23.0 : 38.0) * BMD_DEG, az, icbm ? 10000.0 : 4000.0, &fo,
                         &trs[k]) != BMD_OK) {
            fprintf(stderr, "bench_sensors: flight %d failed\n", k);
            return 1;
        }
    }
    double t_gen = now() - tg;

    /* (1) Visibility of every trajectory from every radar. */
    double t0[8];
    double t1[8];
    int nw = 0;
    long windows = 0;
    double tv = now();
    for (int k = 0; k < n_tr; k++)
        for (int i = 0; i < 5; i++) {
            bmd_visibility(&trs[k], &radars[i], 2.0, 8, t0, t1, &nw);
            windows += nw;
        }
    double t_vis = now() - tv;
    /* Reference on a subset, and agreement. */
    int n_ref = n_tr < 200 ? n_tr : 200;
    double worst = 0.0;
    int mismatched = 0;
    double tr0 = now();
    for (int k = 0; k < n_ref; k++)
        for (int i = 0; i < 5; i++) {
            double a0[8];
            double a1[8];
            int na = ref_windows(&trs[k], &radars[i], 1.0, a0, a1);
            bmd_visibility(&trs[k], &radars[i], 2.0, 8, t0, t1, &nw);
            if (na != nw) {
                mismatched++;
                continue;
            }
            for (int w = 0; w < na; w++)
                worst = fmax(worst, fmax(fabs(a0[w] - t0[w]), fabs(a1[w] - t1[w])));
        }
    double t_ref = now() - tr0;
    /* The reference time includes one fast call per pair: subtract the fast share. */
    double per_pair_fast = t_vis / (5.0 * n_tr);
    double per_pair_ref = t_ref / (5.0 * n_ref) - per_pair_fast;

    /* (2) One full track on a 30-minute ICBM flight, 1 Hz. */
    bmd_trajectory icbm;
    bmd_traj_init(&icbm);
    bmd_flight_opts fo2 = bmd_flight_default_opts();
    bmd_fly_free(51.7 * BMD_DEG, 45.6 * BMD_DEG, 200e3, 7150.0, 22.0 * BMD_DEG, -45.0 * BMD_DEG,
                 0.0, &fo2, &icbm);
    int n_meas = (int)floor(icbm.t_end_s - 1.0);
    bmd_meas *ms = calloc((size_t)n_meas, sizeof *ms);
    if (!ms)
        return 1;
    bmd_radar site = radars[2]; /* Fylingdales site; measurements made regardless of sight */
    bmd_radar_frame fr;
    bmd_radar_frame_make(&site, &icbm.earth, &fr);
    bmd_rng nrng = {7, bmd_rng_stream(BMD_RNG_MEASURE, 0, 0)};
    for (int k = 0; k < n_meas; k++) {
        double t = 1.0 + k;
        bmd_vec3 p;
        bmd_traj_state(&icbm, t, &p, NULL);
        bmd_look lk;
        bmd_radar_look_fast(&site, &fr, &icbm.earth, bmd_eci_to_ecef(&icbm.earth, t, p), &lk);
        double z[4];
        bmd_rng_normal2(nrng, 2 * (uint64_t)k, z);
        bmd_rng_normal2(nrng, 2 * (uint64_t)k + 1, z + 2);
        ms[k].t_s = t;
        ms[k].site_lat_rad = site.lat_rad;
        ms[k].site_lon_rad = site.lon_rad;
        ms[k].site_h_m = site.h_m;
        ms[k].sigma_range_m = 20.0;
        ms[k].sigma_angle_rad = 1e-3;
        ms[k].range_m = lk.range_m + 20.0 * z[0];
        ms[k].az_rad = lk.az_rad + 1e-3 * z[1];
        ms[k].el_rad = lk.el_rad + 1e-3 * z[2];
    }
    bmd_track_opts to = bmd_track_default_opts();
    to.earth = icbm.earth;
    to.drag = false;
    int reps = quick ? 20 : 200;
    bmd_track tk;
    double tt = now();
    for (int r = 0; r < reps; r++) {
        bmd_track_init_two_point(&tk, &ms[0], &ms[1], &to);
        for (int k = 2; k < n_meas; k++)
            bmd_track_update(&tk, &ms[k], &to, NULL);
    }
    double t_track = (now() - tt) / reps;
    bmd_vec3 rt;
    bmd_traj_state(&icbm, tk.t_s, &rt, NULL);
    double final_err = bmd_v3_norm(bmd_v3_sub(rt, bmd_v3(tk.x[0], tk.x[1], tk.x[2])));
    /* Impact prediction from mid-course. */
    bmd_track mid;
    bmd_track_init_two_point(&mid, &ms[0], &ms[1], &to);
    for (int k = 2; k < n_meas / 2; k++)
        bmd_track_update(&mid, &ms[k], &to, NULL);
    bmd_impact_pred pred;
    int ip_reps = quick ? 5 : 50;
    double ti = now();
    for (int r = 0; r < ip_reps; r++)
        bmd_track_impact(&mid, &to, &pred);
    double t_impact = (now() - ti) / ip_reps;

    printf("{\n");
    printf("  \"visibility\": {\"trajectories\": %d, \"radars\": 5, \"pairs\": %d, "
           "\"windows\": %ld, \"seconds\": %.4f, \"us_per_pair\": %.2f,\n",
           n_tr, 5 * n_tr, windows, t_vis, 1e6 * per_pair_fast);
    printf("    \"reference\": \"exact look every 1 s\", \"reference_pairs\": %d, "
           "\"reference_us_per_pair\": %.2f, \"ratio\": %.1f, \"max_edge_difference_s\": %.3f, "
           "\"window_count_mismatches\": %d, \"generation_seconds\": %.3f},\n",
           5 * n_ref, 1e6 * per_pair_ref, per_pair_ref / per_pair_fast, worst, mismatched, t_gen);
    printf("  \"track\": {\"flight_s\": %.0f, \"updates\": %d, \"us_per_full_track\": %.1f, "
           "\"us_per_update\": %.3f, \"final_position_error_m\": %.2f, "
           "\"impact_prediction_us\": %.1f}\n",
           icbm.t_end_s, n_meas - 2, 1e6 * t_track, 1e6 * t_track / (n_meas - 2), final_err,
           1e6 * t_impact);
    printf("}\n");
    for (int k = 0; k < n_tr; k++)
        bmd_traj_free(&trs[k]);
    free(trs);
    free(ms);
    bmd_traj_free(&icbm);
    bmd_catalog_free(cat);
    return 0;
}
