/* SPDX-License-Identifier: MIT */
/* bench_flight.c: how many full flights per second bmdsim integrates, in-process, on one core.
 *
 * Two cases (the same ones bench/reference.py flies with scipy):
 *   icbm-free:  bmd_fly_free from a burnout state that lands about 10,000 km away, with re-entry
 *               drag (ballistic coefficient beta), Earth rotation, J2 and the 1976 atmosphere;
 *   ss-27:      bmd_fly of the catalog's ss-27 from the launch point with fixed guidance
 *               (azimuth, kick, cutoff): boost with staging, vertical rise, pitch-over, gravity
 *               turn, then the free flight to impact.
 * Each case is flown repeatedly with keep_path = false in --repeats batches of at least
 * --min-seconds each; flights per second is that of the fastest batch ("per_s": the least
 * disturbed by other processes, as timeit recommends), the median batch is also reported. Also printed: the impact point (with
 * many digits, for the comparison against the reference) and the distance between that impact
 * point and the one of the same flight at rtol 1e-12 (bmdsim's own integration error at the
 * benchmark tolerance).
 *
 * Output: one JSON object on stdout. Exit status 0, or 1 when a flight fails.
 * Usage: bench_flight [--rtol R] [--atol-m A] [--min-seconds S] [--repeats K] [case options]
 *        (bench_flight --help lists them). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmd/bmd.h"

/* The benchmark cases' parameters (degrees, km, m/s as named). */
typedef struct params {
    double launch_lat_deg, launch_lon_deg;
    /* icbm-free */
    double free_alt_km, free_speed_m_s, free_gamma_deg, free_azimuth_deg, free_beta_kg_m2;
    /* ss-27 */
    char missile[32];
    double azimuth_deg, kick_deg, cutoff_s;
    /* integrator */
    double rtol, atol_m, atol_m_s; /* NaN: the library's default (bmd_flight_default_opts) */
    double tight_rtol;
    double min_seconds;
    int repeats;
    char only[32];
} params;

static void defaults(params *p)
{
    memset(p, 0, sizeof *p);
    p->launch_lat_deg = 51.667; /* Tatishchevo area */
    p->launch_lon_deg = 45.567;
    p->free_alt_km = 200.0;
    p->free_speed_m_s = 7130.0;
    p->free_gamma_deg = 23.0;
    p->free_azimuth_deg = 320.0;
    p->free_beta_kg_m2 = 10000.0;
    snprintf(p->missile, sizeof p->missile, "ss-27");
    p->azimuth_deg = 320.0;
    p->kick_deg = 67.0;
    p->cutoff_s = INFINITY;
    p->rtol = NAN;
    p->atol_m = NAN;
    p->atol_m_s = NAN;
    p->tight_rtol = 1e-12;
    p->min_seconds = 0.5;
    p->repeats = 5;
    snprintf(p->only, sizeof p->only, "all");
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_flight [options]\n"
            "  --case all|icbm-free|ss-27     which case(s) to run (all)\n"
            "  --rtol R                       integrator relative tolerance (library default)\n"
            "  --atol-m A                     absolute tolerance on position, m (library default)\n"
            "  --atol-m-s A                   absolute tolerance on velocity, m/s (library default)\n"
            "  --tight-rtol R                 rtol of the accuracy check flight (1e-12; atol 1e-6 m,\n"
            "                                 1e-9 m/s)\n"
            "  --min-seconds S                least time of one timed batch (0.5)\n"
            "  --repeats K                    timed batches (5): the best and the median\n"
            "  --launch-lat-deg X --launch-lon-deg X      launch / burnout point (51.667, 45.567)\n"
            "  --free-alt-km X --free-speed-m-s X --free-gamma-deg X --free-azimuth-deg X\n"
            "  --free-beta-kg-m2 X            burnout state of icbm-free (200, 7130, 23, 320, 1e4)\n"
            "  --missile ID --azimuth-deg X --kick-deg X --cutoff-s X   (ss-27, 320, 67, inf)\n");
}

static int parse(int argc, char **argv, params *p)
{
    static const struct {
        const char *name;
        size_t off;
    } num[] = {
        {"--launch-lat-deg", offsetof(params, launch_lat_deg)},
        {"--launch-lon-deg", offsetof(params, launch_lon_deg)},
        {"--free-alt-km", offsetof(params, free_alt_km)},
        {"--free-speed-m-s", offsetof(params, free_speed_m_s)},
        {"--free-gamma-deg", offsetof(params, free_gamma_deg)},
        {"--free-azimuth-deg", offsetof(params, free_azimuth_deg)},
        {"--free-beta-kg-m2", offsetof(params, free_beta_kg_m2)},
        {"--azimuth-deg", offsetof(params, azimuth_deg)},
        {"--kick-deg", offsetof(params, kick_deg)},
        {"--cutoff-s", offsetof(params, cutoff_s)},
        {"--rtol", offsetof(params, rtol)},
        {"--atol-m", offsetof(params, atol_m)},
        {"--atol-m-s", offsetof(params, atol_m_s)},
        {"--tight-rtol", offsetof(params, tight_rtol)},
        {"--min-seconds", offsetof(params, min_seconds)},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_flight: %s: missing value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--case")) {
            snprintf(p->only, sizeof p->only, "%s", v);
            continue;
        }
        if (!strcmp(a, "--missile")) {
            snprintf(p->missile, sizeof p->missile, "%s", v);
            continue;
        }
        if (!strcmp(a, "--repeats")) {
            p->repeats = atoi(v);
            if (p->repeats < 1 || p->repeats > 101) {
                fprintf(stderr, "bench_flight: --repeats: 1 to 101\n");
                return 2;
            }
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < sizeof num / sizeof num[0]; k++) {
            if (!strcmp(a, num[k].name)) {
                char *end = NULL;
                double x = strtod(v, &end);
                if (end == v || *end != '\0' || isnan(x)) {
                    fprintf(stderr, "bench_flight: %s: not a number: %s\n", a, v);
                    return 2;
                }
                *(double *)((char *)p + num[k].off) = x;
                found = true;
                break;
            }
        }
        if (!found) {
            fprintf(stderr, "bench_flight: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One flight of a case. */
typedef struct flyer {
    const params *p;
    const bmd_vehicle *veh; /* NULL: the free-flight case */
    bmd_guidance g;
} flyer;

static bmd_status fly(const flyer *f, const bmd_flight_opts *o, bmd_trajectory *tr)
{
    const params *p = f->p;
    double lat = p->launch_lat_deg * BMD_DEG;
    double lon = p->launch_lon_deg * BMD_DEG;
    if (!f->veh)
        return bmd_fly_free(lat, lon, p->free_alt_km * 1e3, p->free_speed_m_s,
                            p->free_gamma_deg * BMD_DEG, p->free_azimuth_deg * BMD_DEG,
                            p->free_beta_kg_m2, o, tr);
    return bmd_fly(f->veh, lat, lon, 0.0, &f->g, o, tr);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fly a case: accuracy check, then timed batches. Prints its JSON object. Returns 0 or 1. */
static int run_case(const char *name, const flyer *f, bool first)
{
    const params *p = f->p;
    bmd_flight_opts o = bmd_flight_default_opts(); /* WGS-84, rotation, J2, atmosphere */
    o.keep_path = false;
    if (!isnan(p->rtol))
        o.rtol = p->rtol;
    if (!isnan(p->atol_m))
        o.atol_m = p->atol_m;
    if (!isnan(p->atol_m_s))
        o.atol_m_s = p->atol_m_s;
    bmd_flight_opts ot = o;
    ot.rtol = p->tight_rtol;
    ot.atol_m = fmin(o.atol_m, 1e-6);
    ot.atol_m_s = fmin(o.atol_m_s, 1e-9);

    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = fly(f, &ot, &tr); /* also builds the atmosphere tables, outside the timing */
    if (st != BMD_OK) {
        fprintf(stderr, "bench_flight: %s at rtol %g: %s\n", name, ot.rtol, bmd_status_str(st));
        return 1;
    }
    bmd_flight_summary tight = tr.sum;
    st = fly(f, &o, &tr);
    if (st != BMD_OK) {
        fprintf(stderr, "bench_flight: %s at rtol %g: %s\n", name, o.rtol, bmd_status_str(st));
        return 1;
    }
    bmd_flight_summary s = tr.sum;
    double self_diff = 0.0;
    bmd_geodesic_inverse(&o.earth, s.impact_lat_rad, s.impact_lon_rad, tight.impact_lat_rad,
                         tight.impact_lon_rad, &self_diff, NULL, NULL);

    /* Timed batches: each at least min_seconds; batch size from the first flights' cost. */
    double rates[101];
    long total = 0;
    double total_s = 0.0;
    volatile double sink = 0.0; /* keeps the flights observable */
    long batch = 1;
    for (int r = 0; r < p->repeats; r++) {
        long n = 0;
        double t0 = now_s();
        double el = 0.0;
        do {
            for (long k = 0; k < batch; k++) {
                if (fly(f, &o, &tr) != BMD_OK)
                    return 1;
                sink += tr.sum.impact_lat_rad;
            }
            n += batch;
            el = now_s() - t0;
            if (el < 0.05 * p->min_seconds)
                batch *= 2; /* few clock reads per batch */
        } while (el < p->min_seconds);
        rates[r] = (double)n / el;
        total += n;
        total_s += el;
    }
    (void)sink;
    double sorted[101];
    memcpy(sorted, rates, (size_t)p->repeats * sizeof(double));
    qsort(sorted, (size_t)p->repeats, sizeof(double), cmp_double);
    double median = sorted[p->repeats / 2];
    if (p->repeats % 2 == 0)
        median = 0.5 * (sorted[p->repeats / 2 - 1] + sorted[p->repeats / 2]);
    double best = sorted[p->repeats - 1];

    printf("%s    {\n", first ? "" : ",\n");
    printf("      \"name\": \"%s\",\n", name);
    if (!f->veh) {
        printf("      \"kind\": \"free flight from burnout (bmd_fly_free)\",\n");
        printf("      \"burnout\": {\"lat_deg\": %.17g, \"lon_deg\": %.17g, \"alt_km\": %.17g, "
               "\"speed_m_s\": %.17g, \"gamma_deg\": %.17g, \"azimuth_deg\": %.17g, "
               "\"beta_kg_m2\": %.17g},\n",
               p->launch_lat_deg, p->launch_lon_deg, p->free_alt_km, p->free_speed_m_s,
               p->free_gamma_deg, p->free_azimuth_deg, p->free_beta_kg_m2);
    } else {
        printf("      \"kind\": \"boosted flight (bmd_fly)\",\n");
        printf("      \"missile\": \"%s\",\n", p->missile);
        printf("      \"launch\": {\"lat_deg\": %.17g, \"lon_deg\": %.17g, \"alt_m\": 0},\n",
               p->launch_lat_deg, p->launch_lon_deg);
        char cut[40];
        if (isinf(p->cutoff_s))
            snprintf(cut, sizeof cut, "null"); /* burn every stage */
        else
            snprintf(cut, sizeof cut, "%.17g", p->cutoff_s);
        printf("      \"guidance\": {\"azimuth_deg\": %.17g, \"kick_deg\": %.17g, \"cutoff_s\": %s},\n",
               p->azimuth_deg, p->kick_deg, cut);
    }
    printf("      \"rtol\": %.3g,\n      \"atol_m\": %.3g,\n      \"atol_m_s\": %.3g,\n", o.rtol,
           o.atol_m, o.atol_m_s);
    printf("      \"impact_lat_deg\": %.15f,\n      \"impact_lon_deg\": %.15f,\n",
           s.impact_lat_rad / BMD_DEG, s.impact_lon_rad / BMD_DEG);
    printf("      \"range_km\": %.6f,\n      \"flight_time_s\": %.6f,\n", s.range_m / 1e3,
           s.flight_time_s);
    printf("      \"apogee_km\": %.6f,\n", s.apogee_m / 1e3);
    printf("      \"burnout_time_s\": %.6f,\n      \"burnout_speed_m_s\": %.6f,\n",
           s.burnout_time_s, s.burnout_speed_m_s);
    printf("      \"burnout_alt_km\": %.6f,\n      \"burnout_gamma_deg\": %.6f,\n",
           s.burnout_altitude_m / 1e3, s.burnout_gamma_rad / BMD_DEG);
    printf("      \"n_steps\": %ld,\n      \"n_fevals\": %ld,\n", s.n_steps, s.n_fevals);
    printf("      \"tight_rtol\": %.3g,\n", ot.rtol);
    printf("      \"tight_impact_lat_deg\": %.15f,\n      \"tight_impact_lon_deg\": %.15f,\n",
           tight.impact_lat_rad / BMD_DEG, tight.impact_lon_rad / BMD_DEG);
    printf("      \"impact_difference_vs_tight_m\": %.6f,\n", self_diff);
    printf("      \"flights\": %ld,\n      \"seconds\": %.6f,\n", total, total_s);
    printf("      \"per_s_batches\": [");
    for (int r = 0; r < p->repeats; r++)
        printf("%s%.3f", r ? ", " : "", rates[r]);
    printf("],\n");
    printf("      \"per_s_median\": %.3f,\n      \"us_per_flight_median\": %.4f,\n", median,
           1e6 / median);
    printf("      \"per_s\": %.3f,\n      \"us_per_flight\": %.4f\n    }", best, 1e6 / best);
    bmd_traj_free(&tr);
    return 0;
}

int main(int argc, char **argv)
{
    params p;
    defaults(&p);
    int rc = parse(argc, argv, &p);
    if (rc)
        return rc;
    bool do_free = !strcmp(p.only, "all") || !strcmp(p.only, "icbm-free");
    bool do_boost = !strcmp(p.only, "all") || !strcmp(p.only, "ss-27");
    if (!do_free && !do_boost) {
        fprintf(stderr, "bench_flight: --case: all, icbm-free or ss-27\n");
        return 2;
    }

    bmd_catalog *cat = NULL;
    const bmd_missile *m = NULL;
    if (do_boost) {
        bmd_load_error err;
        bmd_status st = bmd_catalog_load(bmd_data_dir(), &cat, &err);
        if (st != BMD_OK) {
            fprintf(stderr, "bench_flight: catalog %s:%d:%d: %s\n", err.file, err.line, err.col,
                    err.msg);
            return 1;
        }
        m = bmd_catalog_find(cat, p.missile);
        if (!m) {
            fprintf(stderr, "bench_flight: no missile %s in %s\n", p.missile, bmd_data_dir());
            bmd_catalog_free(cat);
            return 1;
        }
    }

    printf("{\n  \"program\": \"bench_flight\",\n  \"bmdsim_version\": \"%s\",\n", BMD_VERSION);
    printf("  \"data_dir\": \"%s\",\n", bmd_data_dir());
    printf("  \"cases\": [\n");
    bool first = true;
    if (do_free) {
        flyer f = {&p, NULL, {0}};
        rc |= run_case("icbm-free", &f, first);
        first = false;
    }
    if (do_boost && rc == 0) {
        flyer f = {&p, &m->v, {p.azimuth_deg * BMD_DEG, p.kick_deg * BMD_DEG, p.cutoff_s}};
        char name[64];
        snprintf(name, sizeof name, "%s", p.missile);
        rc |= run_case(name, &f, first);
    }
    printf("\n  ]\n}\n");
    bmd_catalog_free(cat);
    return rc;
}
