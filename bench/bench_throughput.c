/* SPDX-License-Identifier: MIT */
/* bench_throughput.c: throughput on 1 and 2 threads, in one process, with the efficiency
 * t1 / (T t_T) of the T-thread run against the 1-thread run:
 *   (1) the raid Monte Carlo (bmd_raid_monte_carlo) of a scenario, runs per second; the raid is
 *       prepared once (as bmdsim engage does) and only the runs are timed;
 *   (2) a defended-area map (bmd_defended_area) of the same scenario's sites against its
 *       defended-area missile from its first launch area, cells per second; the site tables and
 *       the aimer are made once before the timing (as bmdsim run does), so only the cells are
 *       timed.
 * Each timing is repeated; the repeats alternate between the thread counts so that a change of
 * load on a shared machine falls on both; the median is reported with every repeat. The results
 * of every repeat are hashed (FNV-1a of the counts, of the map's classes and sites) and must be
 * the same on every thread count: exit status 1 otherwise. The process CPU time of each timing is
 * recorded too: cpu_efficiency, CPU(1 thread) / CPU(T threads), is the share of the T-thread
 * run's work that the serial run also does (1: no work added by the threads), a figure that
 * other load on a shared machine hardly moves, unlike the wall-clock efficiency.
 * Usage: bench_throughput [--scenario FILE] [--runs N] [--repeats R] [--threads T]
 *                         [--only mc|da] [--quick]
 * Prints JSON on stdout and progress on stderr. Times are wall-clock (CLOCK_MONOTONIC). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmd/analysis.h"
#include "bmd/bmd.h"
#include "bmd/engage.h"
#include "bmd/parallel.h"

#define MAX_REPEATS 15

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Process CPU time (all threads): the work done, whatever else runs on the machine. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPEATS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static void print_times(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.4f", i ? ", " : "", v[i]);
    fputc(']', f);
}

typedef struct opts {
    const char *scenario;
    long runs;
    int repeats;
    int threads; /* the second thread count (the first is 1) */
    bool mc, da;
} opts;

/* ------------------------------------------------------------------ (1) raid Monte Carlo */

static uint64_t mc_hash(const bmd_raid_mc *m, int nt)
{
    uint64_t h = 14695981039346656037ULL;
    h = fnv(h, &m->runs, sizeof m->runs);
    h = fnv(h, &m->any_leak, sizeof m->any_leak);
    h = fnv(h, &m->leakers, sizeof m->leakers);
    h = fnv(h, &m->fired, sizeof m->fired);
    return fnv(h, m->threat_leaks, (size_t)nt * sizeof *m->threat_leaks);
}

static int bench_mc(const opts *o, const bmd_scenario *sc, FILE *js)
{
    bmd_raid *raid = NULL;
    char why[256] = "";
    double t0 = now();
    if (bmd_raid_prepare_threads(sc, 0, &raid, why, sizeof why) != BMD_OK) {
        fprintf(stderr, "bench_throughput: %s: %s\n", o->scenario, why);
        return 1;
    }
    double t_prep = now() - t0;
    int nt = bmd_raid_threats(raid);
    const int thr[2] = {1, o->threads};
    double t[2][MAX_REPEATS];
    double c[2][MAX_REPEATS];
    uint64_t h[2][MAX_REPEATS];
    bmd_raid_mc last;
    memset(&last, 0, sizeof last);
    fprintf(stderr, "raid Monte Carlo: %d threats, %ld runs, threads 1 and %d, %d repeats\n", nt,
            o->runs, o->threads, o->repeats);
    for (int r = 0; r < o->repeats; r++)
        for (int k = 0; k < 2; k++) {
            bmd_raid_mc m;
            double c0 = cpu_now();
            t0 = now();
            bmd_status st = bmd_raid_monte_carlo(raid, sc->seed, o->runs, thr[k], &m);
            t[k][r] = now() - t0;
            c[k][r] = cpu_now() - c0;
            if (st != BMD_OK) {
                fprintf(stderr, "bench_throughput: the Monte Carlo failed: %s\n",
                        bmd_status_str(st));
                bmd_raid_mc_free(&last);
                bmd_raid_free(raid);
                return 1;
            }
            h[k][r] = mc_hash(&m, nt);
            fprintf(stderr, "  %d thread%s: %.3f s (%.0f runs/s)\n", thr[k], thr[k] == 1 ? "" : "s",
                    t[k][r], (double)o->runs / t[k][r]);
            bmd_raid_mc_free(&last);
            last = m;
        }
    bool same = true;
    for (int k = 0; k < 2; k++)
        for (int r = 0; r < o->repeats; r++)
            same = same && h[k][r] == h[0][0];
    double m1 = median(t[0], o->repeats);
    double m2 = median(t[1], o->repeats);
    fprintf(js,
            "  \"raid_monte_carlo\": {\n"
            "    \"scenario\": \"%s\", \"name\": \"%s\", \"threats\": %d, \"seed\": %llu,\n"
            "    \"prepare_s\": %.3f, \"runs\": %ld, \"repeats\": %d, \"threads\": [1, %d],\n"
            "    \"t1_s\": ",
            o->scenario, sc->name, nt, (unsigned long long)sc->seed, t_prep, o->runs, o->repeats,
            o->threads);
    print_times(js, t[0], o->repeats);
    fprintf(js, ", \"t%d_s\": ", o->threads);
    print_times(js, t[1], o->repeats);
    double cm1 = median(c[0], o->repeats);
    double cm2 = median(c[1], o->repeats);
    fprintf(js,
            ",\n    \"median_cpu1_s\": %.4f, \"median_cpu%d_s\": %.4f, \"cpu_efficiency\": %.4f",
            cm1, o->threads, cm2, cm1 / cm2);
    fprintf(js,
            ",\n    \"median_t1_s\": %.4f, \"median_t%d_s\": %.4f, \"runs_per_s_1\": %.1f, "
            "\"runs_per_s_%d\": %.1f,\n"
            "    \"efficiency\": %.4f, \"identical\": %s, \"hash\": \"%016llx\",\n"
            "    \"any_leak_probability\": %.6f, \"interceptors_per_run\": %.4f\n  }",
            m1, o->threads, m2, (double)o->runs / m1, o->threads, (double)o->runs / m2,
            m1 / ((double)o->threads * m2), same ? "true" : "false",
            (unsigned long long)h[0][0], (double)last.any_leak / (double)last.runs,
            (double)last.fired / (double)last.runs);
    fprintf(stderr, "  median: %.0f runs/s on 1 thread, %.0f on %d; efficiency %.3f; %s\n",
            (double)o->runs / m1, (double)o->runs / m2, o->threads, m1 / ((double)o->threads * m2),
            same ? "identical counts" : "COUNTS DIFFER");
    bmd_raid_mc_free(&last);
    bmd_raid_free(raid);
    return same ? 0 : 1;
}

/* ------------------------------------------------------------------ (2) defended area */

static uint64_t da_hash(const bmd_da_map *m)
{
    size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
    uint64_t h = 14695981039346656037ULL;
    h = fnv(h, m->cls, nc * sizeof *m->cls);
    h = fnv(h, m->sites, nc * sizeof *m->sites);
    h = fnv(h, m->margin_s, nc * sizeof *m->margin_s);
    return fnv(h, m->flight_s, nc * sizeof *m->flight_s);
}

static int bench_da(const opts *o, const bmd_catalog *cat, const bmd_scenario *sc, bool quick,
                    FILE *js)
{
    const bmd_scn_analyses *a = &sc->analyses;
    if (!a->defended_area || a->da.n_launch_areas < 1 || sc->n_sites < 1) {
        fprintf(stderr, "bench_throughput: %s has no defended-area analysis\n", o->scenario);
        return 1;
    }
    const bmd_scn_place *la = &a->da.launch_areas[0];
    bmd_da_opts d = bmd_da_default_opts();
    d.cue = a->da.cue;
    d.cue_defs = a->cue_defs;
    d.grid_rad = (quick ? 1.0 : a->da.grid_deg) * BMD_DEG;
    d.region = a->da.region;
    d.seed = sc->seed;
    bmd_flyout **tab = NULL;
    double t0 = now();
    if (bmd_site_tables(sc->sites, sc->n_sites, 0, &tab) != BMD_OK) {
        fprintf(stderr, "bench_throughput: the site tables could not be built\n");
        return 1;
    }
    double t_tables = now() - t0;
    bmd_aimer *aimer = NULL;
    char why[256] = "";
    t0 = now();
    if (bmd_da_aimer(a->da.missile, la->lat_rad, la->lon_rad, &d.region, d.threads, &aimer, why,
                     sizeof why) != BMD_OK) {
        fprintf(stderr, "bench_throughput: the aimer: %s\n", why);
        bmd_site_tables_free(tab, sc->n_sites);
        return 1;
    }
    double t_aimer = now() - t0;
    d.aimer = aimer;
    const int thr[2] = {1, o->threads};
    double t[2][MAX_REPEATS];
    double c[2][MAX_REPEATS];
    uint64_t h[2][MAX_REPEATS];
    long cells = 0;
    long evaluated = 0;
    int rc = 0;
    fprintf(stderr, "defended area: %s from %s, %.2f deg, threads 1 and %d, %d repeats\n",
            a->da.missile->v.id, la->name, d.grid_rad / BMD_DEG, o->threads, o->repeats);
    for (int r = 0; r < o->repeats && rc == 0; r++)
        for (int k = 0; k < 2 && rc == 0; k++) {
            bmd_da_map map;
            d.threads = thr[k];
            double c0 = cpu_now();
            t0 = now();
            bmd_status st = bmd_defended_area(cat, sc->sites, sc->n_sites, tab, a->da.missile,
                                              la->lat_rad, la->lon_rad, &d, NULL, NULL, &map, why,
                                              sizeof why);
            t[k][r] = now() - t0;
            c[k][r] = cpu_now() - c0;
            if (st != BMD_OK) {
                fprintf(stderr, "bench_throughput: defended area: %s\n", why);
                rc = 1;
                break;
            }
            h[k][r] = da_hash(&map);
            cells = (long)map.n_lat * map.n_lon;
            evaluated = map.n_evaluated;
            fprintf(stderr, "  %d thread%s: %.3f s (%.0f cells/s)\n", thr[k], thr[k] == 1 ? "" : "s",
                    t[k][r], (double)cells / t[k][r]);
            bmd_da_map_free(&map);
        }
    bmd_aimer_free(aimer);
    bmd_site_tables_free(tab, sc->n_sites);
    if (rc)
        return rc;
    bool same = true;
    for (int k = 0; k < 2; k++)
        for (int r = 0; r < o->repeats; r++)
            same = same && h[k][r] == h[0][0];
    double m1 = median(t[0], o->repeats);
    double m2 = median(t[1], o->repeats);
    fprintf(js,
            "  \"defended_area\": {\n"
            "    \"missile\": \"%s\", \"launch_area\": \"%s\", \"grid_deg\": %.3f, \"refine\": %d,\n"
            "    \"cells\": %ld, \"evaluated\": %ld, \"site_tables_s\": %.3f, \"aimer_s\": %.3f,\n"
            "    \"repeats\": %d, \"threads\": [1, %d], \"t1_s\": ",
            a->da.missile->v.id, la->name, d.grid_rad / BMD_DEG, d.refine, cells, evaluated,
            t_tables, t_aimer, o->repeats, o->threads);
    print_times(js, t[0], o->repeats);
    fprintf(js, ", \"t%d_s\": ", o->threads);
    print_times(js, t[1], o->repeats);
    double cm1 = median(c[0], o->repeats);
    double cm2 = median(c[1], o->repeats);
    fprintf(js,
            ",\n    \"median_cpu1_s\": %.4f, \"median_cpu%d_s\": %.4f, \"cpu_efficiency\": %.4f",
            cm1, o->threads, cm2, cm1 / cm2);
    fprintf(js,
            ",\n    \"median_t1_s\": %.4f, \"median_t%d_s\": %.4f, \"cells_per_s_1\": %.1f, "
            "\"cells_per_s_%d\": %.1f,\n"
            "    \"efficiency\": %.4f, \"identical\": %s, \"hash\": \"%016llx\"\n  }",
            m1, o->threads, m2, (double)cells / m1, o->threads, (double)cells / m2,
            m1 / ((double)o->threads * m2), same ? "true" : "false",
            (unsigned long long)h[0][0]);
    fprintf(stderr, "  median: %.0f cells/s on 1 thread, %.0f on %d; efficiency %.3f; %s\n",
            (double)cells / m1, (double)cells / m2, o->threads, m1 / ((double)o->threads * m2),
            same ? "identical maps" : "MAPS DIFFER");
    return same ? 0 : 1;
}

static void usage(FILE *f)
{
    fputs("usage: bench_throughput [--scenario FILE] [--runs N] [--repeats R] [--threads T]\n"
          "                        [--only mc|da] [--quick]\n"
          "Raid Monte Carlo runs/s and defended-area cells/s on 1 and T threads (default 2),\n"
          "medians of R repeats (default 5), the efficiency t1/(T tT), and a check that every\n"
          "thread count gives the same results. --scenario: default\n"
          "scenarios/phase3-iran-raid-10.yaml; --runs: Monte Carlo runs per timing (default\n"
          "1000000); --quick: 100,000 runs, 3 repeats, a 1-degree map. JSON on stdout.\n",
          f);
}

int main(int argc, char **argv)
{
    opts o = {"scenarios/phase3-iran-raid-10.yaml", 1000000, 5, 2, true, true};
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quick") == 0) {
            quick = true;
        } else if (strcmp(a, "--scenario") == 0 && v) {
            o.scenario = v;
            i++;
        } else if (strcmp(a, "--runs") == 0 && v) {
            o.runs = strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--repeats") == 0 && v) {
            o.repeats = (int)strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--threads") == 0 && v) {
            o.threads = (int)strtol(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--only") == 0 && v) {
            o.mc = strcmp(v, "mc") == 0;
            o.da = strcmp(v, "da") == 0;
            i++;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (quick) {
        o.runs = 100000;
        o.repeats = 3;
    }
    if (o.runs < 1 || o.repeats < 1 || o.repeats > MAX_REPEATS || o.threads < 2 ||
        o.threads > 64 || (!o.mc && !o.da)) {
        usage(stderr);
        return 2;
    }
    bmd_catalog *cat = NULL;
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "bench_throughput: %s:%d: %s\n", err.file, err.line, err.msg);
        return 1;
    }
    bmd_scenario sc;
    if (bmd_scenario_load(o.scenario, cat, &sc, &err) != BMD_OK) {
        fprintf(stderr, "bench_throughput: %s:%d: %s\n", err.file, err.line, err.msg);
        bmd_catalog_free(cat);
        return 1;
    }
    FILE *js = stdout;
    fprintf(js, "{\n  \"bmdsim_version\": \"%s\", \"quick\": %s, \"nproc\": %d,\n", BMD_VERSION,
            quick ? "true" : "false", bmd_parallel_threads(0, 1L << 30));
    int rc = 0;
    if (o.mc)
        rc |= bench_mc(&o, &sc, js);
    if (o.da) {
        if (o.mc)
            fputs(",\n", js);
        rc |= bench_da(&o, cat, &sc, quick, js);
    }
    fputs("\n}\n", js);
    bmd_scenario_free(&sc);
    bmd_catalog_free(cat);
    return rc;
}
