/* SPDX-License-Identifier: MIT */
/* test_engage.c: the engagement engine and scenario files. The Monte Carlo leak probability of
 * independent shots against the closed form (1 - p)^n; reproducibility for a seed and
 * independence of the order runs are played in; each radar's times against each threat; the
 * battle manager's reasons; malformed scenarios with file:line:column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmd/analysis.h"
#include "bmd/bmd.h"
#include "test.h"

static bmd_catalog *cat;
static char dir[256];

static const char *write_scn(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ENSURE(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* A ship next to a Shahab-3's path to Ankara: one threat, one site. */
static const char base[] =
    "name: test\n"
    "seed: 5\n"
    "sensors: [sbirs, tpy-2]\n"
    "sites:\n"
    "  - name: ship\n"
    "    lat_deg: 38.5\n"
    "    lon_deg: 36.0\n"
    "    interceptor: sm3-ia\n"
    "    inventory: 3\n"
    "    pk: 0.6\n"
    "threats:\n"
    "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}\n"
    "defended_assets:\n"
    "  - {name: Ankara, lat_deg: 39.93, lon_deg: 32.86, radius_km: 50, value: 1}\n"
    "doctrine:\n"
    "  mode: salvo\n"
    "  salvo: 1\n"
    "  max_per_threat: 3\n"
    "  c2_delay_s: 30\n"
    "  kill_assessment_s: 10\n";

/* buf = base with its first `from` replaced by `to`; false (and a failed check) if absent. */
static bool splice(char *buf, size_t n, const char *from, const char *to)
{
    const char *p = strstr(base, from);
    ENSURE(p != NULL);
    if (!p)
        return false;
    snprintf(buf, n, "%.*s%s%s", (int)(p - base), base, to, p + strlen(from));
    return true;
}

/* Load the scenario `text` (written to file `name`) and prepare its raid; NULL (with failed
 * checks, and nothing left to free) if either fails. */
static bmd_raid *load_raid(const char *name, const char *text, bmd_scenario *s)
{
    bmd_load_error err;
    bmd_status st = bmd_scenario_load(write_scn(name, text), cat, s, &err);
    ENSURE(st == BMD_OK);
    if (st != BMD_OK) {
        fprintf(stderr, "  %s:%d: %s\n", err.file, err.line, err.msg);
        return NULL;
    }
    bmd_raid *r = NULL;
    char why[256];
    ENSURE(bmd_raid_prepare(s, &r, why, sizeof why) == BMD_OK);
    if (!r) {
        fprintf(stderr, "  prepare: %s\n", why);
        bmd_scenario_free(s);
    }
    return r;
}

/* Monte Carlo leak of the scenario `text` (3 independent shots) against 1 - (1 - pk)^3. */
static void leak_check(const char *text, double pk, bool check_prediction)
{
    bmd_scenario s;
    bmd_raid *r = load_raid("a.yaml", text, &s);
    if (!r)
        return;
    const long runs = 20000;
    long leaks = 0;
    long fired = 0;
    for (long k = 0; k < runs; k++) {
        bmd_raid_result o;
        ENSURE(bmd_raid_play(r, 5, (uint64_t)k, &o) == BMD_OK);
        leaks += o.leakers;
        fired += o.fired;
        bmd_raid_result_free(&o);
    }
    double p = (double)leaks / runs;
    double want = pow(1.0 - pk, 3.0);
    double lo;
    double hi;
    bmd_wilson_interval((double)leaks, (double)runs, &lo, &hi); /* checked in test_assign */
    fprintf(stderr, "  3 independent shots at pk %.2f: leak %.4f [%.4f, %.4f] over %ld runs, closed "
                    "form %.4f; %.2f interceptors per run\n",
            pk, p, lo, hi, runs, want, (double)fired / runs);
    ENSURE(fired == 3 * runs);
    ENSURE(want >= lo && want <= hi);
    if (!check_prediction) {
        bmd_raid_free(r);
        bmd_scenario_free(&s);
        return;
    }
    /* The threat evaluation used the track's predicted impact point, near the true aim. */
    bmd_raid_result o;
    ENSURE(bmd_raid_play(r, 5, 0, &o) == BMD_OK);
    double d = 0.0;
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    bmd_geodesic_inverse(&e, o.threats[0].predicted_lat_rad, o.threats[0].predicted_lon_rad,
                         39.93 * BMD_DEG, 32.86 * BMD_DEG, &d, NULL, NULL);
    fprintf(stderr, "  predicted impact at launch authority: %.1f km from the aim point\n", d / 1e3);
    ENSURE(o.threats[0].predicted_impact);
    ENSURE(d < 50e3);
    bmd_raid_result_free(&o);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

static void test_leak_closed_form(void) { leak_check(base, 0.6, true); }

/* A pairing's pk (pk_by_missile) overrides the site's; pairings for other missiles do not. */
static void test_pk_by_missile(void)
{
    char buf[2048];
    if (!splice(buf, sizeof buf, "    pk: 0.6\n",
                "    pk: 0.6\n    pk_by_missile: {ss-19: 0.95, shahab-3: {value: 0.3, source: test}}\n"))
        return;
    leak_check(buf, 0.3, false);
    if (!splice(buf, sizeof buf, "    pk: 0.6\n", "    pk: 0.6\n    pk_by_missile: {ss-19: 0.95}\n"))
        return;
    leak_check(buf, 0.6, false);
}

/* Shoot-look-shoot fires again only after a miss: the number fired is 1 + (misses that leave a
 * window), and a run's outcome does not depend on the order runs are played in. */
static void test_determinism(void)
{
    char buf[2048];
    if (!splice(buf, sizeof buf, "  mode: salvo\n", "  mode: shoot-look-shoot\n"))
        return;
    bmd_scenario s;
    bmd_raid *r = load_raid("b.yaml", buf, &s);
    if (!r)
        return;
    bmd_raid_result a3;
    bmd_raid_result a5;
    bmd_raid_result b5;
    bmd_raid_result b3;
    ENSURE(bmd_raid_play(r, 9, 3, &a3) == BMD_OK);
    ENSURE(bmd_raid_play(r, 9, 5, &a5) == BMD_OK);
    ENSURE(bmd_raid_play(r, 9, 5, &b5) == BMD_OK);
    ENSURE(bmd_raid_play(r, 9, 3, &b3) == BMD_OK);
    ENSURE(a3.n_shots == b3.n_shots && a5.n_shots == b5.n_shots);
    for (int k = 0; k < a3.n_shots && k < b3.n_shots; k++)
        ENSURE(memcmp(&a3.shots[k], &b3.shots[k], sizeof a3.shots[k]) == 0);
    /* Shots come one at a time, each after the previous one's assessment. */
    for (int k = 1; k < a3.n_shots; k++)
        ENSURE(a3.shots[k].launch_s >= a3.shots[k - 1].intercept_s + 10.0 - 1e-6);
    long fired = 0;
    long leaks = 0;
    for (uint64_t k = 0; k < 4000; k++) {
        bmd_raid_result o;
        bmd_raid_play(r, 9, k, &o);
        fired += o.fired;
        leaks += o.leakers;
        for (int q = 0; q + 1 < o.n_shots; q++)
            ENSURE(!o.shots[q].kill); /* a kill ends the engagement */
        bmd_raid_result_free(&o);
    }
    fprintf(stderr, "  shoot-look-shoot: %.3f interceptors and %.4f leaks per run over 4000 runs\n",
            fired / 4000.0, leaks / 4000.0);
    ENSURE(fired < 3 * 4000);
    bmd_raid_result_free(&a3);
    bmd_raid_result_free(&a5);
    bmd_raid_result_free(&b5);
    bmd_raid_result_free(&b3);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

/* A threat aimed at no defended asset is not engaged, and says so. */
static void test_reasons(void)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", base);
    char *a = strstr(buf, "lat_deg: 39.93, lon_deg: 32.86");
    ENSURE(a != NULL);
    if (a)
        memcpy(a, "lat_deg: 48.85, lon_deg: 02.35", strlen("lat_deg: 48.85, lon_deg: 02.35"));
    bmd_scenario s;
    bmd_raid *r = load_raid("c.yaml", buf, &s);
    if (!r)
        return;
    bmd_raid_result o;
    ENSURE(bmd_raid_play(r, 1, 0, &o) == BMD_OK);
    ENSURE(o.fired == 0 && o.leakers == 1);
    fprintf(stderr, "  %s\n", o.threats[0].why);
    ENSURE(strstr(o.threats[0].why, "no defended asset") != NULL);
    bmd_raid_result_free(&o);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

/* Dynamic inventory under shoot-look-shoot: two Shahab-3s on Ankara 300 s apart (the later
 * listed first), three
 * interceptors, two shots at most each (only two fit the window). The battle manager reserves
 * two for one threat (E) and one for the other (L). When E dies on its first shot, its unfired
 * interceptor returns to the pool at E's kill assessment, and L, launched later, draws on it
 * after a miss: P(L leaks) = (1 - p)(1 - p^2) instead of the static 1 - p. */
static void test_dynamic_inventory(void)
{
    char buf[2048];
    const char *a = strstr(base, "threats:\n");
    ENSURE(a != NULL);
    if (!a)
        return;
    snprintf(buf, sizeof buf,
             "%.*s"
             "threats:\n"
             "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], "
             "launch_time_s: 300}\n"
             "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], "
             "launch_time_s: 0}\n"
             "defended_assets:\n"
             "  - {name: Ankara, lat_deg: 39.93, lon_deg: 32.86, radius_km: 50, value: 1}\n"
             "doctrine:\n"
             "  mode: shoot-look-shoot\n"
             "  max_per_threat: 2\n"
             "  c2_delay_s: 30\n"
             "  kill_assessment_s: 10\n",
             (int)(a - base), base);
    bmd_scenario s;
    bmd_raid *r = load_raid("d.yaml", buf, &s);
    if (!r)
        return;
    const long runs = 20000;
    long leak[2] = {0, 0};
    long pooled = 0;
    long returned = 0;
    int e = -1;
    for (long k = 0; k < runs; k++) {
        bmd_raid_result o;
        ENSURE(bmd_raid_play(r, 11, (uint64_t)k, &o) == BMD_OK);
        if (k == 0) {
            e = o.threats[0].assigned == 2 ? 0 : 1;
            ENSURE(o.threats[0].assigned + o.threats[1].assigned == 3);
        }
        ENSURE(o.fired <= 3);
        for (int i = 0; i < 2; i++) {
            leak[i] += o.threats[i].leaked;
            ENSURE(o.threats[i].fired <= 2);
            pooled += o.threats[i].from_pool;
            returned += o.threats[i].returned;
        }
        ENSURE(o.threats[0].from_pool + o.threats[1].from_pool <=
               o.threats[0].returned + o.threats[1].returned);
        bmd_raid_result_free(&o);
    }
    /* The assignment is a tie: this scenario is built so the battle manager's tie-break gives
     * the two to the earlier threat (index 1), whose return the later one can use. */
    ENSURE(e == 1);
    const double p = 0.6;
    const double want[2] = {(1 - p) * (1 - p * p), (1 - p) * (1 - p)};
    for (int i = 0; i < 2; i++) {
        double lo;
        double hi;
        bmd_wilson_interval((double)leak[i], (double)runs, &lo, &hi);
        fprintf(stderr, "  threat %d: leak %.4f [%.4f, %.4f], closed form %.4f\n", i,
                (double)leak[i] / runs, lo, hi, want[i]);
        ENSURE(want[i] >= lo && want[i] <= hi);
    }
    fprintf(stderr, "  %.3f interceptors returned and %.3f fired from the pool per run\n",
            (double)returned / runs, (double)pooled / runs);
    ENSURE(pooled > 0);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

/* Monte Carlo on threads: the same counts as runs played one by one, whatever the threads. */
static void test_monte_carlo_threads(void)
{
    char buf[2048];
    if (!splice(buf, sizeof buf, "  mode: salvo\n", "  mode: shoot-look-shoot\n"))
        return;
    bmd_scenario s;
    bmd_raid *r = load_raid("m.yaml", buf, &s);
    if (!r)
        return;
    const long runs = 1001;
    long any = 0;
    long leakers = 0;
    long fired = 0;
    for (long k = 0; k < runs; k++) {
        bmd_raid_result o;
        ENSURE(bmd_raid_play(r, 3, (uint64_t)k, &o) == BMD_OK);
        any += o.leakers > 0;
        leakers += o.leakers;
        fired += o.fired;
        bmd_raid_result_free(&o);
    }
    const int threads[] = {1, 2, 7};
    for (int q = 0; q < 3; q++) {
        bmd_raid_mc mc;
        ENSURE(bmd_raid_monte_carlo(r, 3, runs, threads[q], &mc) == BMD_OK);
        ENSURE(mc.runs == runs && mc.any_leak == any && mc.leakers == leakers &&
               mc.fired == fired && mc.threat_leaks && mc.threat_leaks[0] == leakers);
        bmd_raid_mc_free(&mc);
    }
    fprintf(stderr, "  %ld runs on 1, 2 and 7 threads: %ld leaks, %ld fired, as played one by one\n",
            runs, any, fired);
    /* In consecutive ranges (as the command line plays them, for its progress bar): the same. */
    long any_r = 0;
    long leakers_r = 0;
    long fired_r = 0;
    long runs_r = 0;
    for (long first = 0; first < runs; first += 137) {
        bmd_raid_mc part;
        long n = runs - first < 137 ? runs - first : 137;
        ENSURE(bmd_raid_monte_carlo_range(r, 3, first, n, 2, &part) == BMD_OK);
        runs_r += part.runs;
        any_r += part.any_leak;
        leakers_r += part.leakers;
        fired_r += part.fired;
        bmd_raid_mc_free(&part);
    }
    ENSURE(runs_r == runs && any_r == any && leakers_r == leakers && fired_r == fired);
    bmd_raid_mc mc;
    ENSURE(bmd_raid_monte_carlo(r, 3, 0, 2, &mc) == BMD_ERR_ARG);
    ENSURE(bmd_raid_monte_carlo_range(r, 3, -1, 2, 2, &mc) == BMD_ERR_ARG);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

/* Preparation on threads: the same raid, and the same (lowest-numbered) failure. */
/* The ten-threat raid (scenarios/phase3-iran-raid-10.yaml: three sites, shoot-look-shoot, the
 * reserves): the Monte Carlo on 1 and 2 threads, which looks up the windows it has solved before in
 * the same block of runs, gives the counts of the runs played one by one (each window solved
 * afresh), threat by threat. */
static void test_monte_carlo_raid10(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/../scenarios/phase3-iran-raid-10.yaml", bmd_data_dir());
    bmd_scenario s;
    bmd_load_error err;
    ENSURE(bmd_scenario_load(path, cat, &s, &err) == BMD_OK);
    if (s.n_threats != 10) {
        ENSURE(s.n_threats == 10);
        bmd_scenario_free(&s);
        return;
    }
    bmd_raid *r = NULL;
    char why[256] = "";
    ENSURE(bmd_raid_prepare_threads(&s, 0, &r, why, sizeof why) == BMD_OK);
    if (!r) {
        bmd_scenario_free(&s);
        return;
    }
    const long runs = 1500;
    const uint64_t seed = 11;
    long any = 0;
    long leakers = 0;
    long fired = 0;
    long from_pool = 0;
    long tl[10] = {0};
    for (long k = 0; k < runs; k++) {
        bmd_raid_result o;
        ENSURE(bmd_raid_play(r, seed, (uint64_t)k, &o) == BMD_OK);
        any += o.leakers > 0;
        leakers += o.leakers;
        fired += o.fired;
        for (int i = 0; i < 10; i++) {
            tl[i] += o.threats[i].leaked;
            from_pool += o.threats[i].from_pool;
        }
        bmd_raid_result_free(&o);
    }
    /* The raid exercises re-engagement (second shots after a miss, at other earliest launches),
     * and threats both leak and die. */
    ENSURE(fired > 10 * runs);
    ENSURE(any > 0 && any < runs);
    for (int q = 1; q <= 2; q++) {
        bmd_raid_mc mc;
        ENSURE(bmd_raid_monte_carlo(r, seed, runs, q, &mc) == BMD_OK);
        ENSURE(mc.runs == runs && mc.any_leak == any && mc.leakers == leakers &&
               mc.fired == fired);
        for (int i = 0; i < 10 && mc.threat_leaks; i++)
            ENSURE(mc.threat_leaks[i] == tl[i]);
        bmd_raid_mc_free(&mc);
    }
    fprintf(stderr, "  %ld runs of 10 threats: %ld with a leak, %ld fired (%ld from the pool), "
            "the same on 1 and 2 threads as one by one\n", runs, any, fired, from_pool);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

static void test_prepare_threads(void)
{
    const char *three =
        "threats:\n"
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}\n"
        "  - {missile: ghadr-1, launch: [34.31, 47.07], target: [39.93, 32.86], launch_time_s: 40}\n"
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 90}\n";
    const char *from = "threats:\n  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, "
                       "32.86], launch_time_s: 0}\n";
    char buf[2048];
    if (!splice(buf, sizeof buf, from, three))
        return;
    bmd_scenario s;
    bmd_load_error err;
    ENSURE(bmd_scenario_load(write_scn("p.yaml", buf), cat, &s, &err) == BMD_OK);
    bmd_raid *r1 = NULL;
    bmd_raid *r3 = NULL;
    char why[256];
    ENSURE(bmd_raid_prepare_threads(&s, 1, &r1, why, sizeof why) == BMD_OK);
    ENSURE(bmd_raid_prepare_threads(&s, 3, &r3, why, sizeof why) == BMD_OK);
    /* And on the sites' tables built by bmd_site_tables (bmdsim run lends the raid its maps'
     * tables): the same raid. */
    bmd_flyout **tab = NULL;
    bmd_raid *rt = NULL;
    ENSURE(bmd_site_tables(s.sites, s.n_sites, 2, &tab) == BMD_OK);
    ENSURE(tab && bmd_raid_prepare_tables(&s, 2, tab, &rt, why, sizeof why) == BMD_OK);
    if (r1 && r3 && rt) {
        for (uint64_t k = 0; k < 20; k++) {
            bmd_raid_result a;
            bmd_raid_result b;
            bmd_raid_result c;
            ENSURE(bmd_raid_play(r1, 2, k, &a) == BMD_OK);
            ENSURE(bmd_raid_play(rt, 2, k, &c) == BMD_OK);
            ENSURE(a.n_shots == c.n_shots);
            for (int q = 0; q < a.n_shots && q < c.n_shots; q++)
                ENSURE(memcmp(&a.shots[q], &c.shots[q], sizeof a.shots[q]) == 0);
            bmd_raid_result_free(&c);
            ENSURE(bmd_raid_play(r3, 2, k, &b) == BMD_OK);
            ENSURE(a.n_shots == b.n_shots && a.n_shots > 0);
            for (int q = 0; q < a.n_shots && q < b.n_shots; q++)
                ENSURE(memcmp(&a.shots[q], &b.shots[q], sizeof a.shots[q]) == 0);
            for (int i = 0; i < 3; i++)
                ENSURE(memcmp(&a.threats[i], &b.threats[i], sizeof a.threats[i]) == 0);
            bmd_raid_result_free(&a);
            bmd_raid_result_free(&b);
        }
    }
    bmd_raid_free(r1);
    bmd_raid_free(r3);
    bmd_raid_free(rt);
    bmd_site_tables_free(tab, s.n_sites);
    bmd_scenario_free(&s);
    /* Threats 1 and 2 unreachable (a Shahab-3 at Washington): threats[1] is reported. */
    const char *bad =
        "threats:\n"
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}\n"
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [38.9, -77.0], launch_time_s: 0}\n"
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [38.9, -77.0], launch_time_s: 0}\n";
    if (!splice(buf, sizeof buf, from, bad))
        return;
    ENSURE(bmd_scenario_load(write_scn("q.yaml", buf), cat, &s, &err) == BMD_OK);
    for (int th = 1; th <= 3; th += 2) {
        bmd_raid *r = NULL;
        why[0] = '\0';
        ENSURE(bmd_raid_prepare_threads(&s, th, &r, why, sizeof why) != BMD_OK);
        ENSURE(r == NULL);
        ENSURE(strstr(why, "threats[1]") != NULL);
        fprintf(stderr, "  %d thread%s: %s\n", th, th == 1 ? "" : "s", why);
    }
    bmd_scenario_free(&s);
}

/* The kill vehicle's divert against the track's error at intercept: with the default homing
 * time (10 s; reach 0.5 km/s x 10 s / 2 = 2.5 km) the radar-held track is well inside; with a
 * homing time of 1 ms (reach 0.25 m) no track is good enough and every shot misses, whatever
 * pk, though every interceptor is still fired. */
static void test_divert(void)
{
    for (int tiny = 0; tiny <= 1; tiny++) {
        char buf[2048];
        if (!splice(buf, sizeof buf, "  kill_assessment_s: 10\n",
                    tiny ? "  kill_assessment_s: 10\n  kv_homing_s: 0.001\n"
                         : "  kill_assessment_s: 10\n"))
            return;
        bmd_scenario s;
        bmd_raid *r = load_raid("v.yaml", buf, &s);
        if (!r)
            return;
        long kills = 0;
        long shots = 0;
        double worst = 0.0;
        for (uint64_t k = 0; k < 500; k++) {
            bmd_raid_result o;
            ENSURE(bmd_raid_play(r, 5, k, &o) == BMD_OK);
            ENSURE(o.fired == 3);
            for (int q = 0; q < o.n_shots; q++) {
                const bmd_shot *sh = &o.shots[q];
                shots++;
                kills += sh->kill;
                ENSURE(isfinite(sh->handover_error_m) && sh->handover_error_m > 0.0);
                worst = fmax(worst, sh->handover_error_m);
                ENSURE(sh->beyond_divert == (bool)tiny);
                ENSURE(fabs(sh->divert_reach_m - (tiny ? 0.25 : 2500.0)) < 1e-9);
            }
            bmd_raid_result_free(&o);
        }
        fprintf(stderr, "  homing %s: worst track error at intercept %.0f m; %ld kills in %ld shots\n",
                tiny ? "1 ms" : "10 s", worst, kills, shots);
        ENSURE(worst < 1000.0);
        if (tiny)
            ENSURE(kills == 0);
        else
            ENSURE(kills > 0);
        bmd_raid_free(r);
        bmd_scenario_free(&s);
    }
}

/* Windows are planned on the track (the trajectory flown from its state at threat evaluation):
 * the first shot's intercept against the window on the true trajectory, solved independently
 * here. The track's velocity error at threat evaluation (soon after burnout: metres to tens of
 * metres per second) carried over the ~250 s to intercept moves the point by kilometres, and the
 * window's edge by seconds: at most 10 s. */
static void test_planned_on_track(void)
{
    bmd_scenario s;
    bmd_raid *r = load_raid("t.yaml", base, &s);
    if (!r)
        return;
    bmd_raid_result o;
    ENSURE(bmd_raid_play(r, 5, 0, &o) == BMD_OK);
    ENSURE(o.threats[0].planned_on_track);
    ENSURE(o.n_shots > 0);
    /* The truth's window from the same site and launch authority. */
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim aim;
    memset(&aim, 0, sizeof aim);
    aim.launch_lat_rad = 38.08 * BMD_DEG;
    aim.launch_lon_rad = 46.29 * BMD_DEG;
    aim.target_lat_rad = 39.93 * BMD_DEG;
    aim.target_lon_rad = 32.86 * BMD_DEG;
    const bmd_missile *m = bmd_catalog_find(cat, "shahab-3");
    aim.shape = m->v.default_shape;
    aim.apogee_m = m->v.default_apogee_m;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    ENSURE(bmd_target(&m->v, &aim, &fo, &res, &tr) == BMD_OK);
    bmd_flyout *fly = NULL;
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    const bmd_scn_site *site = &s.sites[0];
    ENSURE(bmd_flyout_build(&site->interceptor->v, site->lat_rad, site->lon_rad, site->h_m, &fo,
                            &fop, &fly) == BMD_OK);
    bmd_intercept w;
    ENSURE(bmd_intercept_solve(&tr, fly, &site->interceptor->kv, o.threats[0].authority_s, 1.0,
                               &w) == BMD_OK);
    double d = o.shots[0].intercept_s - w.earliest_intercept_s;
    fprintf(stderr, "  first intercept planned on the track %.2f s, on the truth %.2f s (%+.2f s)\n",
            o.shots[0].intercept_s, w.earliest_intercept_s, d);
    ENSURE(w.engageable && fabs(d) < 10.0);
    bmd_flyout_free(fly);
    bmd_traj_free(&tr);
    bmd_raid_result_free(&o);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

/* Each radar's times against each threat (bmd_raid_threat_sensors) are those bmd_detect gives for
 * the threat's trajectory and the scenario's radars with the threat's draws, shifted to scenario
 * time; the threat's first detection and first confirmed track in a run are their least, to the
 * bit; a radar that never sees the threat (one in Canada) has NaN for both. */
static void test_sensor_times(void)
{
    char buf[2048];
    if (!splice(buf, sizeof buf, "sensors: [sbirs, tpy-2]\n",
                "sensors:\n"
                "  - sbirs\n"
                "  - tpy-2\n"
                "  - {id: spy-1d, lat_deg: 60.0, lon_deg: -100.0}\n"
                "  - {id: spy-1d, lat_deg: 38.5, lon_deg: 36.0}\n"))
        return;
    char buf2[2048];
    const char *one = "launch_time_s: 0}\n";
    const char *p = strstr(buf, one);
    ENSURE(p != NULL);
    if (!p)
        return;
    snprintf(buf2, sizeof buf2, "%.*s%s%s%s", (int)(p - buf), buf, one,
             "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], "
             "launch_time_s: 45}\n",
             p + strlen(one));
    bmd_scenario s;
    bmd_raid *r = load_raid("sensors.yaml", buf2, &s);
    if (!r)
        return;
    ENSURE(s.n_sensors == 3 && s.n_threats == 2 && s.has_ew);
    bmd_raid_result o;
    ENSURE(bmd_raid_play(r, 5, 0, &o) == BMD_OK);
    int n_seen = 0;
    for (int i = 0; i < s.n_threats; i++) {
        const bmd_raid_sensor_times *st = NULL;
        ENSURE(bmd_raid_threat_sensors(r, i, &st) == s.n_sensors);
        ENSURE(st != NULL);
        if (!st)
            continue;
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = s.seed + 1000003ull * (uint64_t)i; /* the threat's draws (engage.c) */
        so.ew = &s.ew;
        bmd_sensor_timeline tl[BMD_SCN_MAX_SENSORS];
        ENSURE(bmd_detect(bmd_raid_threat_trajectory(r, i), &s.threats[i].missile->sig, s.radars,
                          s.n_sensors, &so, tl, NULL) == BMD_OK);
        double t0 = s.threats[i].launch_time_s;
        double first = HUGE_VAL;
        double track = HUGE_VAL;
        for (int k = 0; k < s.n_sensors; k++) {
            double fd = t0 + tl[k].first_detection_s;
            double tc = t0 + tl[k].track_confirmed_s;
            fprintf(stderr, "  threat %d, %s at (%.1f, %.1f): first detection %.3f s, track %.3f s\n",
                    i, s.radars[k].id, s.radars[k].lat_rad / BMD_DEG, s.radars[k].lon_rad / BMD_DEG,
                    st[k].first_detection_s, st[k].track_confirmed_s);
            ENSURE(isnan(fd) ? isnan(st[k].first_detection_s) : st[k].first_detection_s == fd);
            ENSURE(isnan(tc) ? isnan(st[k].track_confirmed_s) : st[k].track_confirmed_s == tc);
            if (st[k].first_detection_s < first)
                first = st[k].first_detection_s;
            if (st[k].track_confirmed_s < track)
                track = st[k].track_confirmed_s;
            n_seen += isfinite(st[k].track_confirmed_s);
        }
        /* The radar in Canada never sees it; the two near its path both track it. */
        ENSURE(isnan(st[1].first_detection_s) && isnan(st[1].track_confirmed_s));
        ENSURE(isfinite(st[0].track_confirmed_s) && isfinite(st[2].track_confirmed_s));
        ENSURE(o.threats[i].detect_s == first);
        ENSURE(o.threats[i].track_s == track);
        ENSURE(o.threats[i].launch_s == t0);
    }
    ENSURE(n_seen == 4);
    /* The second threat, launched 45 s later on the same path, is seen 45 s later by each
     * radar (each threat has its own draws, so only about). */
    const bmd_raid_sensor_times *a = NULL;
    const bmd_raid_sensor_times *b = NULL;
    bmd_raid_threat_sensors(r, 0, &a);
    bmd_raid_threat_sensors(r, 1, &b);
    if (a && b)
        for (int k = 0; k < s.n_sensors; k += 2)
            CHECK_NEAR(b[k].track_confirmed_s - a[k].track_confirmed_s, 45.0, 30.0);
    const bmd_raid_sensor_times *bad = a;
    ENSURE(bmd_raid_threat_sensors(r, 2, &bad) == -1 && bad == NULL);
    ENSURE(bmd_raid_threat_sensors(r, -1, NULL) == -1);
    ENSURE(bmd_raid_threat_sensors(r, 0, NULL) == s.n_sensors);
    bmd_raid_result_free(&o);
    bmd_raid_free(r);
    bmd_scenario_free(&s);
}

static void expect_bad(const char *from, const char *to, int line, const char *needle)
{
    char buf[2048];
    if (!splice(buf, sizeof buf, from, to))
        return;
    bmd_scenario s;
    bmd_load_error err;
    bmd_status st = bmd_scenario_load(write_scn("bad.yaml", buf), cat, &s, &err);
    ENSURE(st != BMD_OK);
    fprintf(stderr, "  expected error: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
    if (line > 0)
        ENSURE(err.line == line);
    ENSURE(strstr(err.msg, needle) != NULL);
    if (st == BMD_OK)
        bmd_scenario_free(&s);
}

static void test_bad_scenarios(void)
{
    expect_bad("    inventory: 3\n", "    inventory: -2\n", 9, "whole number");
    expect_bad("    interceptor: sm3-ia\n", "    interceptor: sm9\n", 8, "unknown interceptor");
    expect_bad("{missile: shahab-3,", "{missile: scud-z,", 12, "unknown missile");
    expect_bad("    lat_deg: 38.5\n", "    lat_deg: 38.5\n    height_m: -3000\n", 0, "sea floor");
    expect_bad("    pk: 0.6\n", "    pk: 1.6\n", 10, "outside [0, 1]");
    expect_bad("    pk: 0.6\n", "    pk: high\n", 10, "expected a number");
    expect_bad("    pk: 0.6\n", "    pk: 0.6\n    pk_by_missile: {scud-z: 0.5}\n", 11,
               "unknown missile");
    expect_bad("    pk: 0.6\n", "    pk: 0.6\n    pk_by_missile: {ss-19: 1.5}\n", 11,
               "sites[0].pk_by_missile.ss-19");
    expect_bad("    pk: 0.6\n", "    pk: 0.6\n    pk_by_missile: [0.5]\n", 11, "mapping");
    expect_bad("threats:\n  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], "
               "launch_time_s: 0}\n",
               "threats: []\n", 11, "empty");
    expect_bad("  salvo: 1\n", "  salvo: 3\n", 0, "1 or 2");
    expect_bad("name: test\n", "name: [test\n", 0, "YAML syntax");
    expect_bad("  c2_delay_s: 30\n", "  c2_dealy_s: 30\n", 0, "unknown field");
    expect_bad("  c2_delay_s: 30\n", "  c2_delay_s: 30\n  kv_homing_s: 0\n", 0, "kv_homing_s");
    expect_bad("  c2_delay_s: 30\n", "  c2_delay_s: 30\n  impact_settle_km: -1\n", 0,
               "impact_settle_km");
    expect_bad("launch: [38.08, 46.29]", "launch: [98.08, 46.29]", 12, "latitude");
}

int main(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s: %s\n", err.file, err.msg);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/bmd_test_engage_%d", (int)getpid());
    char cmd[320];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        return 1;
    RUN(test_leak_closed_form);
    RUN(test_pk_by_missile);
    RUN(test_determinism);
    RUN(test_dynamic_inventory);
    RUN(test_monte_carlo_threads);
    RUN(test_monte_carlo_raid10);
    RUN(test_prepare_threads);
    RUN(test_divert);
    RUN(test_planned_on_track);
    RUN(test_sensor_times);
    RUN(test_reasons);
    RUN(test_bad_scenarios);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    bmd_catalog_free(cat);
    return test_summary();
}
