/* SPDX-License-Identifier: MIT */
/* cmd_engage.c: bmdsim engage SCENARIO: a raid against the scenario's defense. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: bmdsim engage SCENARIO [--seed S] [--runs N] [--threads T] [--format json|text]\n"
    "\n"
    "Plays a raid (docs/scenario-format.md): every threat flown to its aim point, the sensors\n"
    "against it (first detection, first track), launch authority after the command delay, the\n"
    "battle manager's assignment of interceptors (expected value destroyed, inventories,\n"
    "doctrine), and the engagements in time order with kill or miss drawn per interceptor and,\n"
    "under shoot-look-shoot, re-engagement while the window lasts. Prints for each threat when it\n"
    "was detected and tracked, each shot (site, launch, intercept, altitude, kill or miss) and\n"
    "whether it leaked. --runs N plays N Monte Carlo runs and prints the leak probability with\n"
    "its 95% Wilson interval, and each threat's; --threads T plays them on T threads (default:\n"
    "one per processor) with the same results whatever T. --seed (default: the scenario's) keys\n"
    "every random draw.\n";

int cmd_engage(int argc, char **argv)
{
    static const char *C = "engage";
    static const opt_spec spec[] = {{"seed", true},   {"runs", true},  {"threads", true},
                                    {"format", true}, {"help", false}, {0}};
    opts o;
    if (!opts_parse(&o, C, spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(&o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    bool json;
    if (!parse_format(C, &o, &json))
        return EXIT_USAGE;
    if (o.n_pos != 1) {
        cli_error(C, "expected one SCENARIO file (see bmdsim engage --help)");
        return EXIT_USAGE;
    }
    long runs = 1;
    if (opt_has(&o, "runs")) {
        double x;
        if (!parse_double(C, "runs", opt_get(&o, "runs"), &x))
            return EXIT_USAGE;
        if (x < 1.0 || x > 1e7 || x != floor(x)) {
            cli_error(C, "--runs: %g: expected a whole number from 1 to 10000000", x);
            return EXIT_USAGE;
        }
        runs = (long)x;
    }
    int threads = 0;
    if (opt_has(&o, "threads")) {
        double x;
        if (!parse_double(C, "threads", opt_get(&o, "threads"), &x))
            return EXIT_USAGE;
        if (x < 1.0 || x > 64.0 || x != floor(x)) {
            cli_error(C, "--threads: %g: expected a whole number from 1 to 64", x);
            return EXIT_USAGE;
        }
        threads = (int)x;
    }
    bmd_catalog *cat = cli_catalog(C);
    if (!cat)
        return EXIT_USAGE;
    bmd_scenario sc;
    bmd_load_error err;
    if (bmd_scenario_load(o.pos[0], cat, &sc, &err) != BMD_OK) {
        cli_load_error(C, NULL, &err);
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    uint64_t seed = sc.seed;
    if (opt_has(&o, "seed")) {
        double x;
        if (!parse_double(C, "seed", opt_get(&o, "seed"), &x) || x < 0.0 || x != floor(x)) {
            cli_error(C, "--seed: expected a non-negative integer");
            bmd_scenario_free(&sc);
            bmd_catalog_free(cat);
            return EXIT_USAGE;
        }
        seed = (uint64_t)x;
        sc.seed = seed;
    }
    int rc = EXIT_OK;
    bmd_raid *raid = NULL;
    char why[256] = "";
    prog_update(0.0, "preparing the raid: flights, sensors, tracks, fly-out tables");
    bmd_status st = bmd_raid_prepare_threads(&sc, threads, &raid, why, sizeof why);
    prog_done();
    if (st != BMD_OK) {
        cli_error(C, "%s: %s", o.pos[0], why);
        bmd_scenario_free(&sc);
        bmd_catalog_free(cat);
        return st == BMD_ERR_UNREACHABLE ? EXIT_NO_SOLUTION : EXIT_USAGE;
    }
    bmd_raid_result res;
    if (bmd_raid_play(raid, seed, 0, &res) != BMD_OK) {
        cli_error(C, "the raid could not be played");
        rc = EXIT_INTERNAL;
        goto done;
    }
    /* Monte Carlo over runs: leak counts (the same whatever the number of threads). */
    /* In chunks, for the progress bar: each run is keyed by its index, so the counts are those
     * of one call over all the runs. */
    bmd_raid_mc mcr;
    memset(&mcr, 0, sizeof mcr);
    int nt = bmd_raid_threats(raid);
    mcr.threat_leaks = calloc((size_t)(nt > 0 ? nt : 1), sizeof *mcr.threat_leaks);
    st = mcr.threat_leaks ? BMD_OK : BMD_ERR_NOMEM;
    long chunk = runs < 20 ? runs : (runs + 19) / 20;
    for (long first = 0; st == BMD_OK && first < runs; first += chunk) {
        long n = runs - first < chunk ? runs - first : chunk;
        bmd_raid_mc part;
        st = bmd_raid_monte_carlo_range(raid, seed, first, n, threads, &part);
        if (st != BMD_OK)
            break;
        mcr.runs += part.runs;
        mcr.any_leak += part.any_leak;
        mcr.leakers += part.leakers;
        mcr.fired += part.fired;
        for (int i = 0; i < nt; i++)
            mcr.threat_leaks[i] += part.threat_leaks[i];
        bmd_raid_mc_free(&part);
        prog_update((double)(first + n) / (double)runs, "Monte Carlo");
    }
    prog_done();
    if (st != BMD_OK) {
        bmd_raid_mc_free(&mcr);
        cli_error(C, "the Monte Carlo runs could not be played");
        rc = EXIT_INTERNAL;
        bmd_raid_result_free(&res);
        goto done;
    }
    long any_leak = mcr.any_leak;
    double leakers = (double)mcr.leakers;
    double fired = (double)mcr.fired;
    double lo;
    double hi;
    bmd_wilson_interval((double)any_leak, (double)runs, &lo, &hi);
    if (json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "scenario", sc.name);
        json_num(r, "seed", (double)seed);
        cJSON *ta = cJSON_AddArrayToObject(r, "threats");
        for (int i = 0; i < res.n_threats; i++) {
            const bmd_threat_outcome *t = &res.threats[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "index", i);
            cJSON_AddStringToObject(e, "missile", sc.threats[i].missile->v.id);
            json_num(e, "launch_s", t->launch_s);
            json_num(e, "detected_s", t->detect_s);
            json_num(e, "tracked_s", t->track_s);
            json_num(e, "launch_authority_s", t->authority_s);
            json_num(e, "impact_s", t->impact_s);
            if (t->asset >= 0)
                cJSON_AddStringToObject(e, "threatens", sc.assets[t->asset].name);
            if (t->predicted_impact) {
                json_num(e, "predicted_impact_lat_deg", t->predicted_lat_rad / BMD_DEG);
                json_num(e, "predicted_impact_lon_deg", t->predicted_lon_rad / BMD_DEG);
            }
            cJSON_AddBoolToObject(e, "planned_on_track", t->planned_on_track);
            cJSON_AddNumberToObject(e, "interceptors_assigned", t->assigned);
            cJSON_AddNumberToObject(e, "interceptors_fired", t->fired);
            cJSON_AddNumberToObject(e, "interceptors_from_pool", t->from_pool);
            cJSON_AddNumberToObject(e, "interceptors_returned", t->returned);
            cJSON_AddBoolToObject(e, "leaked", t->leaked);
            if (t->why[0])
                cJSON_AddStringToObject(e, "reason", t->why);
            cJSON *sa = cJSON_AddArrayToObject(e, "shots");
            for (int k = 0; k < res.n_shots; k++) {
                const bmd_shot *sh = &res.shots[k];
                if (sh->threat != i)
                    continue;
                cJSON *x = cJSON_CreateObject();
                cJSON_AddStringToObject(x, "site", sc.sites[sh->site].name);
                cJSON_AddStringToObject(x, "interceptor", sc.sites[sh->site].interceptor->v.id);
                cJSON_AddNumberToObject(x, "interceptors", sh->interceptors);
                json_num(x, "launch_s", sh->launch_s);
                json_num(x, "intercept_s", sh->intercept_s);
                json_num(x, "altitude_km", sh->altitude_m / 1e3);
                json_num(x, "pk", sh->pk);
                cJSON_AddBoolToObject(x, "from_pool", sh->from_pool);
                json_num(x, "handover_error_m", sh->handover_error_m);
                json_num(x, "divert_reach_m", sh->divert_reach_m);
                cJSON_AddBoolToObject(x, "beyond_divert", sh->beyond_divert);
                cJSON_AddBoolToObject(x, "kill", sh->kill);
                cJSON_AddItemToArray(sa, x);
            }
            cJSON_AddItemToArray(ta, e);
        }
        const bmd_wta_decision *log = NULL;
        int nl = bmd_raid_decisions(raid, &log);
        cJSON *da = cJSON_AddArrayToObject(r, "assignment");
        for (int k = 0; k < nl; k++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "threat", log[k].threat);
            cJSON_AddStringToObject(x, "site", sc.sites[log[k].site].name);
            cJSON_AddNumberToObject(x, "interceptors", log[k].shots);
            json_num(x, "expected_gain", log[k].gain);
            json_num(x, "leak_probability_after", log[k].leak_after);
            cJSON_AddItemToArray(da, x);
        }
        cJSON *mc = cJSON_AddObjectToObject(r, "monte_carlo");
        cJSON_AddNumberToObject(mc, "runs", (double)runs);
        json_num(mc, "leak_probability", (double)any_leak / (double)runs);
        json_num(mc, "leak_probability_lo", lo);
        json_num(mc, "leak_probability_hi", hi);
        json_num(mc, "mean_leakers", leakers / (double)runs);
        json_num(mc, "mean_interceptors_fired", fired / (double)runs);
        cJSON *tl = cJSON_AddArrayToObject(mc, "threat_leak_probability");
        for (int i = 0; i < res.n_threats; i++)
            cJSON_AddItemToArray(tl, cJSON_CreateNumber((double)mcr.threat_leaks[i] / runs));
        json_print(r);
    } else {
        printf("%s (seed %llu)\n", sc.name, (unsigned long long)seed);
        const bmd_wta_decision *log = NULL;
        int nl = bmd_raid_decisions(raid, &log);
        printf("battle manager: %d assignment%s\n", nl, nl == 1 ? "" : "s");
        for (int k = 0; k < nl; k++)
            printf("    threat %d <- %d from %s (expected gain %.3f, leak probability after %.3f)\n",
                   log[k].threat, log[k].shots, sc.sites[log[k].site].name, log[k].gain,
                   log[k].leak_after);
        for (int i = 0; i < res.n_threats; i++) {
            const bmd_threat_outcome *t = &res.threats[i];
            char det[32] = "never";
            char trk[32] = "never";
            if (isfinite(t->detect_s))
                snprintf(det, sizeof det, "%.1f s", t->detect_s);
            if (isfinite(t->track_s))
                snprintf(trk, sizeof trk, "%.1f s", t->track_s);
            printf("threat %d %s, launched %.0f s", i, sc.threats[i].missile->v.id, t->launch_s);
            if (t->asset >= 0)
                printf(" at %s", sc.assets[t->asset].name);
            printf(" (impact %.0f s): detected %s, tracked %s\n", t->impact_s, det, trk);
            for (int k = 0; k < res.n_shots; k++) {
                const bmd_shot *sh = &res.shots[k];
                if (sh->threat != i)
                    continue;
                printf("    %s fires %d %s%s at %.1f s: intercept %.1f s at %.0f km (pk %.2f): %s\n",
                       sc.sites[sh->site].name, sh->interceptors,
                       sc.sites[sh->site].interceptor->v.id,
                       sh->from_pool ? " (returned to the pool)" : "", sh->launch_s,
                       sh->intercept_s, sh->altitude_m / 1e3, sh->pk, sh->kill ? "kill" : "miss");
                if (sh->beyond_divert && isfinite(sh->handover_error_m))
                    printf("      the track's error at intercept, %.1f km, is beyond the kill "
                           "vehicle's divert (%.1f km)\n",
                           sh->handover_error_m / 1e3, sh->divert_reach_m / 1e3);
                else if (sh->beyond_divert)
                    printf("      no track update early enough for the kill vehicle to home on\n");
            }
            if (t->why[0])
                printf("    %s\n", t->why);
            if (t->returned > 0)
                printf("    %d unfired interceptor%s returned to the pool after the kill\n",
                       t->returned, t->returned == 1 ? "" : "s");
            printf("    %s\n", t->leaked ? "LEAKED" : "killed");
        }
        printf("%d of %d threats leaked; %d interceptors fired\n", res.leakers, res.n_threats,
               res.fired);
        if (runs > 1)
            printf("over %ld runs: probability that any threat leaks %.4f (95%% interval %.4f to "
                   "%.4f); %.3f leakers and %.2f interceptors per raid on average\n",
                   runs, (double)any_leak / (double)runs, lo, hi, leakers / (double)runs,
                   fired / (double)runs);
        if (runs > 1) {
            printf("leak probability per threat:");
            for (int i = 0; i < res.n_threats; i++)
                printf(" %d: %.4f", i, (double)mcr.threat_leaks[i] / (double)runs);
            printf("\n");
        }
    }
    bmd_raid_mc_free(&mcr);
    bmd_raid_result_free(&res);
done:
    bmd_raid_free(raid);
    bmd_scenario_free(&sc);
    bmd_catalog_free(cat);
    return rc;
}
