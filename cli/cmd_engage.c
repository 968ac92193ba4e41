/* SPDX-License-Identifier: MIT */
/* cmd_engage.c: bmdsim engage SCENARIO: a raid against the scenario's defense; its Monte Carlo
 * in chunks, optionally streamed into a results store (--db, store.h) and stopped by a rule on
 * the leak probability's interval (--ci-width). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ranks.h"
#include "report.h"
#include "store.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim engage SCENARIO [--seed S] [--runs N] [--threads T] [--format json|text]\n"
    "                      [--db FILE [--resume]] [--ci-width W] [--chunk C]\n"
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
    "every random draw.\n"
    "\n"
    "--db FILE streams the runs into a new SQLite results store (docs/store.md), one committed\n"
    "transaction per chunk of C runs (--chunk, default 1000); an existing FILE is refused.\n"
    "--resume continues the study in FILE after an interruption (even kill -9): no committed\n"
    "chunk lost or repeated, the same totals as an uninterrupted run. A different scenario\n"
    "(SHA-256 of its bytes), --seed, --runs, --chunk or --ci-width is refused; those left out\n"
    "are the study's. Export: bmdsim store export FILE. --ci-width W stops when the 95% Wilson\n"
    "interval of the leak probability is narrower than W, checked after each chunk; --runs is\n"
    "then the maximum (default 1000000).\n"
    "\n"
    "Under MPI (mpirun -np N bmdsim engage ...; docs/mpi.md) the ranks share each chunk's runs\n"
    "and rank 0 alone prints and writes the store: the same output as one process. --threads\n"
    "is then per rank (default: this machine's processors shared among its ranks).\n";

/* Width of the 95% Wilson interval of the leak probability (runs > 0). */
static double wilson_width(const bmd_raid_mc *m)
{
    double lo;
    double hi;
    bmd_wilson_interval((double)m->any_leak, (double)m->runs, &lo, &hi);
    return hi - lo;
}

/* The progress bar's label (runs done, or under a stopping rule the runs and the interval's
 * width) and its share: runs done over those asked for, or under the rule over the runs the
 * interval's width suggests (it shrinks as 1/sqrt(runs)), whichever is fewer. */
static double progress_label(char *buf, size_t n, const bmd_raid_mc *m, long runs,
                             double ci_width)
{
    double target = (double)runs;
    double w = m->runs > 0 ? wilson_width(m) : 1.0;
    if (ci_width > 0.0 && m->runs > 0) {
        double need = (double)m->runs * (w / ci_width) * (w / ci_width);
        if (need < target)
            target = need;
    }
    if (ci_width > 0.0 && m->runs > 0)
        snprintf(buf, n, "runs %ld, width %.3g", m->runs, w);
    else
        snprintf(buf, n, "runs %ld/%ld", m->runs, runs);
    double share = target > 0.0 ? (double)m->runs / target : 0.0;
    return share < 1.0 ? share : 1.0;
}

/* Open or create the results store and settle the study's parameters: a new store records them;
 * --resume takes those left out from the store and refuses those that differ. */
static bool open_store(const char *C, const char *db, bool resume, const opts *o,
                       const bmd_scenario *sc, const bmd_catalog *cat, uint64_t *seed,
                       long *runs, long *chunk, double *ci_width, store_study *study,
                       store **sto)
{
    store_study want;
    memset(&want, 0, sizeof want);
    snprintf(want.scenario_path, sizeof want.scenario_path, "%s", o->pos[0]);
    if (!store_sha256_file(C, o->pos[0], want.scenario_sha256) ||
        !report_inputs_sha256(C, sc, cat, want.inputs_sha256))
        return false;
    want.seed = *seed;
    want.runs = *runs;
    want.chunk = *chunk;
    want.ci_width = *ci_width;
    want.n_threats = sc->n_threats;
    snprintf(want.version, sizeof want.version, "%s", BMD_VERSION);
    if (!resume) {
        *study = want;
        return store_create(C, db, &want, sto);
    }
    if (!store_open(C, db, &want, sto, study))
        return false;
    const char *diff = NULL;
    char a[320] = "";
    char b[320] = "";
    if (strcmp(study->scenario_sha256, want.scenario_sha256) != 0) {
        diff = "the scenario";
        snprintf(a, sizeof a, "%.200s has SHA-256 %.12s...", o->pos[0], want.scenario_sha256);
        snprintf(b, sizeof b, "the study's (%.200s) %.12s...", study->scenario_path,
                 study->scenario_sha256);
    } else if (study->inputs_sha256[0] &&
               strcmp(study->inputs_sha256, want.inputs_sha256) != 0) {
        /* (A store of format 1 did not record them: its last chunk, played again below, is
         * the check.) */
        diff = "the scenario's includes, or the catalog files it uses";
        snprintf(a, sizeof a, "their SHA-256 %.12s...", want.inputs_sha256);
        snprintf(b, sizeof b, "the study's %.12s...", study->inputs_sha256);
    } else if (opt_has(o, "seed") && study->seed != want.seed) {
        diff = "--seed";
        snprintf(a, sizeof a, "%llu", (unsigned long long)want.seed);
        snprintf(b, sizeof b, "%llu", (unsigned long long)study->seed);
    } else if (opt_has(o, "runs") && study->runs != want.runs) {
        diff = "--runs";
        snprintf(a, sizeof a, "%ld", want.runs);
        snprintf(b, sizeof b, "%ld", study->runs);
    } else if (opt_has(o, "chunk") && study->chunk != want.chunk) {
        diff = "--chunk";
        snprintf(a, sizeof a, "%ld", want.chunk);
        snprintf(b, sizeof b, "%ld", study->chunk);
    } else if (opt_has(o, "ci-width") && study->ci_width != want.ci_width) {
        diff = "--ci-width";
        snprintf(a, sizeof a, "%g", want.ci_width);
        snprintf(b, sizeof b, "%g", study->ci_width);
    } else if (study->n_threats != want.n_threats) {
        diff = "the raid";
        snprintf(a, sizeof a, "%d threats", want.n_threats);
        snprintf(b, sizeof b, "%d", study->n_threats);
    }
    if (diff) {
        cli_error(C, "--resume: %s: a different study: %s: %s, not %s (resume with the study's "
                  "own, or name a new --db file)", db, diff, a, b);
        store_close(*sto);
        *sto = NULL;
        return false;
    }
    *seed = study->seed;
    *runs = study->runs;
    *chunk = study->chunk;
    *ci_width = study->ci_width;
    return true;
}

/* On resume, play the last committed chunk again: the same counts, or the scenario's includes,
 * the catalog or bmdsim changed since the study began (its hash covers the scenario file only). */
static bool check_last_chunk(const char *C, const char *db, store *sto, const bmd_raid *raid,
                             uint64_t seed, long last_first, long done, int threads)
{
    if (last_first < 0)
        return true;
    bmd_raid_mc stored;
    bool found = false;
    if (!store_chunk(C, sto, last_first, &stored, &found))
        return false;
    bool ok = found;
    bmd_raid_mc again;
    long n = done - last_first;
    if (ok && bmd_raid_monte_carlo_range(raid, seed, last_first, n, threads, &again) == BMD_OK) {
        ok = again.runs == stored.runs && again.any_leak == stored.any_leak &&
             again.leakers == stored.leakers && again.fired == stored.fired;
        for (int i = 0; ok && i < bmd_raid_threats(raid); i++)
            ok = again.threat_leaks[i] == stored.threat_leaks[i];
        bmd_raid_mc_free(&again);
    } else {
        ok = false;
    }
    bmd_raid_mc_free(&stored);
    if (!ok)
        cli_error(C, "--resume: %s: runs %ld to %ld played again do not give the stored counts: "
                  "the scenario's includes, the catalog or bmdsim changed since the study began "
                  "(name a new --db file)", db, last_first, done - 1);
    return ok;
}

/* Rank 0's store settles the study for every rank (ranks.h): whether it opened (status: rank 0's
 * exit status so far), the seed, runs, chunk and width it holds, and the committed totals, which
 * the other ranks receive into *mcr (threat_leaks allocated, [n_threats]). Returns false on every
 * rank when rank 0 could not open the store (it has said why) or a rank is out of memory. */
static bool share_study(const char *C, int status, uint64_t *seed, long *runs, long *chunk,
                        double *ci_width, bmd_raid_mc *mcr, int n_threats)
{
    if (ranks_size() == 1)
        return status == EXIT_OK;
    bool lead = ranks_rank() == 0;
    if (!lead) {
        mcr->threat_leaks = calloc((size_t)(n_threats > 0 ? n_threats : 1), sizeof(long));
        status = mcr->threat_leaks ? EXIT_OK : EXIT_INTERNAL;
    }
    if (ranks_agree(C, status) != EXIT_OK)
        return false;
    struct {
        uint64_t seed;
        long runs;
        long chunk;
        double ci_width;
        long done[4];
    } s;
    memset(&s, 0, sizeof s);
    s.seed = *seed;
    s.runs = *runs;
    s.chunk = *chunk;
    s.ci_width = *ci_width;
    s.done[0] = mcr->runs;
    s.done[1] = mcr->any_leak;
    s.done[2] = mcr->leakers;
    s.done[3] = mcr->fired;
    ranks_bcast(&s, sizeof s);
    ranks_bcast(mcr->threat_leaks, (size_t)n_threats * sizeof(long));
    *seed = s.seed;
    *runs = s.runs;
    *chunk = s.chunk;
    *ci_width = s.ci_width;
    mcr->runs = s.done[0];
    mcr->any_leak = s.done[1];
    mcr->leakers = s.done[2];
    mcr->fired = s.done[3];
    return true;
}

int cmd_engage(int argc, char **argv)
{
    static const char *C = "engage";
    opts o;
    int begun = opts_begin(&o, C, spec_engage, argc, argv, help);
    if (begun >= 0)
        return begun;
    bool json;
    if (!parse_format(C, &o, &json))
        return EXIT_USAGE;
    if (o.n_pos != 1) {
        cli_error(C, "expected one SCENARIO file (see bmdsim engage --help)");
        return EXIT_USAGE;
    }
    const char *db = opt_get(&o, "db");
    bool resume = opt_has(&o, "resume");
    if (resume && !db) {
        cli_error(C, "--resume: expected --db FILE, the results store to continue");
        return EXIT_USAGE;
    }
    double ci_width = 0.0;
    if (opt_has(&o, "ci-width")) {
        if (!parse_double(C, "ci-width", opt_get(&o, "ci-width"), &ci_width))
            return EXIT_USAGE;
        if (!(ci_width > 0.0 && ci_width <= 1.0)) {
            cli_error(C, "--ci-width: %g: expected a width of the leak probability's interval "
                      "above 0 and at most 1", ci_width);
            return EXIT_USAGE;
        }
    }
    long chunk = 0;
    if (opt_has(&o, "chunk")) {
        double x;
        if (!parse_double(C, "chunk", opt_get(&o, "chunk"), &x))
            return EXIT_USAGE;
        if (x < 1.0 || x > 1e6 || x != floor(x)) {
            cli_error(C, "--chunk: %g: expected a whole number of runs from 1 to 1000000", x);
            return EXIT_USAGE;
        }
        chunk = (long)x;
    }
    long runs = ci_width > 0.0 ? 1000000 : 1;
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
    if (threads == 0)
        threads = ranks_default_threads();
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
    /* Chunks: a store or a stopping rule works chunk by chunk (--chunk, default 1000 runs);
     * otherwise 20 chunks, for the progress bar only. */
    bool chunked = db || ci_width > 0.0;
    if (chunk == 0)
        chunk = chunked ? 1000 : (runs < 20 ? runs : (runs + 19) / 20);
    /* The store is rank 0's alone (ranks.h); it settles the study for every rank. */
    store *sto = NULL;
    store_study study;
    memset(&study, 0, sizeof study);
    bool lead = ranks_rank() == 0;
    int src = EXIT_OK;
    if (db && lead &&
        !open_store(C, db, resume, &o, &sc, cat, &seed, &runs, &chunk, &ci_width, &study, &sto))
        src = EXIT_USAGE;
    /* The committed chunks, read (and checked: consecutive, none repeated) before the long
     * preparation, so that a damaged store is refused at once. */
    bmd_raid_mc mcr;
    memset(&mcr, 0, sizeof mcr);
    long last_first = -1;
    if (sto) {
        long n_chunks = 0;
        if (!store_totals(C, sto, &mcr, &n_chunks, &last_first)) {
            store_close(sto);
            sto = NULL;
            src = EXIT_USAGE;
        }
    }
    if (db && !share_study(C, src, &seed, &runs, &chunk, &ci_width, &mcr, sc.n_threats)) {
        bmd_raid_mc_free(&mcr);
        store_close(sto);
        bmd_scenario_free(&sc);
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    sc.seed = seed;
    int rc = EXIT_OK;
    bmd_raid *raid = NULL;
    char why[256] = "";
    prog_update(0.0, "preparing the raid: flights, sensors, tracks, fly-out tables");
    bmd_status st = bmd_raid_prepare_threads(&sc, threads, &raid, why, sizeof why);
    prog_done();
    int prc = st == BMD_OK ? EXIT_OK : (st == BMD_ERR_UNREACHABLE ? EXIT_NO_SOLUTION : EXIT_USAGE);
    if (st != BMD_OK)
        cli_error(C, "%s: %s", o.pos[0], why);
    prc = ranks_agree(C, prc);
    if (prc != EXIT_OK) {
        bmd_raid_mc_free(&mcr);
        store_close(sto);
        bmd_scenario_free(&sc);
        bmd_catalog_free(cat);
        return prc;
    }
    bmd_raid_result res;
    prc = EXIT_OK;
    if (bmd_raid_play(raid, seed, 0, &res) != BMD_OK) {
        cli_error(C, "the raid could not be played");
        prc = EXIT_INTERNAL;
    }
    rc = ranks_agree(C, prc);
    if (rc != EXIT_OK) {
        if (prc == EXIT_OK)
            bmd_raid_result_free(&res);
        goto done;
    }
    /* Monte Carlo over runs: leak counts (the same whatever the number of threads), in chunks:
     * each run is keyed by its index, so the counts are those of one call over all the runs. */
    int nt = bmd_raid_threats(raid);
    long resumed = 0;
    if (db) {
        /* Rank 0 plays the last committed chunk again; the others wait for its word. */
        bool same = !sto || check_last_chunk(C, db, sto, raid, seed, last_first, mcr.runs, threads);
        rc = ranks_agree(C, same ? EXIT_OK : EXIT_USAGE);
        if (rc != EXIT_OK) {
            bmd_raid_result_free(&res);
            goto done;
        }
        resumed = mcr.runs;
    } else {
        mcr.threat_leaks = calloc((size_t)(nt > 0 ? nt : 1), sizeof *mcr.threat_leaks);
        if (!mcr.threat_leaks) {
            cli_error(C, "out of memory");
            rc = EXIT_INTERNAL;
            bmd_raid_result_free(&res);
            goto done;
        }
    }
    bool rule_met = ci_width > 0.0 && mcr.runs > 0 && wilson_width(&mcr) < ci_width;
    st = BMD_OK;
    bool stored = true;
    /* Under MPI each chunk is shared among the ranks and its counts summed on every rank
     * (ranks.h), so that every rank takes the stopping rule's decision on the same totals. */
    long *sum = calloc((size_t)nt + 5, sizeof *sum);
    if (!sum)
        cli_error(C, "out of memory");
    if (ranks_agree(C, sum ? EXIT_OK : EXIT_INTERNAL) != EXIT_OK) {
        st = BMD_ERR_NOMEM;
        free(sum);
        sum = NULL;
    }
    char label[128];
    while (sum && !rule_met && mcr.runs < runs) {
        double share = progress_label(label, sizeof label, &mcr, runs, ci_width);
        prog_count(share, (double)(mcr.runs - resumed), "runs", label);
        long first = mcr.runs;
        long n = runs - first < chunk ? runs - first : chunk;
        long my_first;
        long my_n;
        ranks_split(first, n, &my_first, &my_n);
        memset(sum, 0, ((size_t)nt + 5) * sizeof *sum);
        bmd_raid_mc part;
        memset(&part, 0, sizeof part);
        if (my_n > 0) {
            bmd_status pst = bmd_raid_monte_carlo_range(raid, seed, my_first, my_n, threads, &part);
            if (pst == BMD_OK) {
                sum[1] = part.runs;
                sum[2] = part.any_leak;
                sum[3] = part.leakers;
                sum[4] = part.fired;
                for (int i = 0; i < nt; i++)
                    sum[5 + i] = part.threat_leaks[i];
                bmd_raid_mc_free(&part);
            } else {
                sum[0] = 1; /* a rank that failed */
            }
        }
        ranks_sum(sum, nt + 5);
        if (sum[0] != 0) {
            st = BMD_ERR_ARG; /* that rank's own status is not known here */
            break;
        }
        part.runs = sum[1];
        part.any_leak = sum[2];
        part.leakers = sum[3];
        part.fired = sum[4];
        part.threat_leaks = sum + 5;
        if (db) {
            /* Rank 0 commits the chunk; every rank learns whether it did. */
            bool ok = !sto || store_append(C, sto, first, &part);
            ranks_bcast(&ok, sizeof ok);
            if (!ok) {
                stored = false;
                break;
            }
        }
        mcr.runs += part.runs;
        mcr.any_leak += part.any_leak;
        mcr.leakers += part.leakers;
        mcr.fired += part.fired;
        for (int i = 0; i < nt; i++)
            mcr.threat_leaks[i] += part.threat_leaks[i];
        rule_met = ci_width > 0.0 && wilson_width(&mcr) < ci_width;
    }
    free(sum);
    if (mcr.runs > resumed) {
        double share = progress_label(label, sizeof label, &mcr, runs, ci_width);
        prog_count(rule_met ? 1.0 : share, (double)(mcr.runs - resumed), "runs", label);
    }
    prog_done();
    if (st != BMD_OK || !stored) {
        bmd_raid_mc_free(&mcr);
        if (st != BMD_OK)
            cli_error(C, "the Monte Carlo runs could not be played");
        rc = stored ? EXIT_INTERNAL : EXIT_USAGE;
        bmd_raid_result_free(&res);
        goto done;
    }
    long used = mcr.runs;
    long any_leak = mcr.any_leak;
    double leakers = (double)mcr.leakers;
    double fired = (double)mcr.fired;
    double lo;
    double hi;
    bmd_wilson_interval((double)any_leak, (double)used, &lo, &hi);
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
            json_raid_sensors(e, raid, &sc, i);
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
        cJSON_AddNumberToObject(mc, "runs", (double)used);
        json_num(mc, "leak_probability", (double)any_leak / (double)used);
        json_num(mc, "leak_probability_lo", lo);
        json_num(mc, "leak_probability_hi", hi);
        json_num(mc, "mean_leakers", leakers / (double)used);
        json_num(mc, "mean_interceptors_fired", fired / (double)used);
        cJSON *tl = cJSON_AddArrayToObject(mc, "threat_leak_probability");
        for (int i = 0; i < res.n_threats; i++)
            cJSON_AddItemToArray(tl,
                                 cJSON_CreateNumber((double)mcr.threat_leaks[i] / (double)used));
        /* The counts themselves (exact), the runs asked for and the stopping rule. */
        json_num(mc, "runs_requested", (double)runs);
        json_num(mc, "leak_runs", (double)any_leak);
        json_num(mc, "leakers", leakers);
        json_num(mc, "interceptors_fired", fired);
        cJSON *tc = cJSON_AddArrayToObject(mc, "threat_leak_runs");
        for (int i = 0; i < res.n_threats; i++)
            cJSON_AddItemToArray(tc, cJSON_CreateNumber((double)mcr.threat_leaks[i]));
        json_num(mc, "leak_probability_width", hi - lo);
        cJSON_AddBoolToObject(mc, "stopped_by_rule", rule_met);
        if (chunked)
            json_num(mc, "chunk_runs", (double)chunk);
        if (ci_width > 0.0) {
            cJSON *sr = cJSON_AddObjectToObject(mc, "stopping_rule");
            json_num(sr, "ci_width", ci_width);
            cJSON_AddBoolToObject(sr, "met", rule_met);
            json_num(sr, "runs_used", (double)used);
        }
        if (sto) {
            cJSON *so = cJSON_AddObjectToObject(mc, "store");
            cJSON_AddStringToObject(so, "path", db);
            cJSON_AddStringToObject(so, "scenario_sha256", study.scenario_sha256);
            if (study.inputs_sha256[0])
                cJSON_AddStringToObject(so, "inputs_sha256", study.inputs_sha256);
            json_num(so, "runs_resumed", (double)resumed);
            json_num(so, "runs_played", (double)(used - resumed));
        }
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
            /* Each radar's own times (the threat's are their least). */
            const bmd_raid_sensor_times *rt = NULL;
            int nr = bmd_raid_threat_sensors(raid, i, &rt);
            for (int k = 0; k < nr && k < sc.n_sensors; k++) {
                printf("%s%s ", k ? "; " : "    radars: ", sc.radars[k].id);
                if (!isfinite(rt[k].first_detection_s))
                    printf("never detects it");
                else if (!isfinite(rt[k].track_confirmed_s))
                    printf("detects %.1f s, no track", rt[k].first_detection_s);
                else
                    printf("detects %.1f s, tracks %.1f s", rt[k].first_detection_s,
                           rt[k].track_confirmed_s);
            }
            if (nr > 0)
                printf("\n");
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
        if (used > 1)
            printf("over %ld runs: probability that any threat leaks %.4f (95%% interval %.4f to "
                   "%.4f); %.3f leakers and %.2f interceptors per raid on average\n",
                   used, (double)any_leak / (double)used, lo, hi, leakers / (double)used,
                   fired / (double)used);
        if (used > 1) {
            printf("leak probability per threat:");
            for (int i = 0; i < res.n_threats; i++)
                printf(" %d: %.4f", i, (double)mcr.threat_leaks[i] / (double)used);
            printf("\n");
        }
        if (ci_width > 0.0 && rule_met)
            printf("stopped by the rule after %ld of at most %ld runs: the 95%% interval is %.4g "
                   "wide, under %.4g\n", used, runs, hi - lo, ci_width);
        else if (ci_width > 0.0)
            printf("the rule was not met within %ld runs: the 95%% interval is %.4g wide, not "
                   "under %.4g\n", runs, hi - lo, ci_width);
        if (sto)
            printf("store %s: %ld runs in chunks of %ld (%ld resumed, %ld played now)\n", db,
                   used, chunk, resumed, used - resumed);
    }
    bmd_raid_mc_free(&mcr);
    bmd_raid_result_free(&res);
done:
    bmd_raid_mc_free(&mcr);
    store_close(sto);
    bmd_raid_free(raid);
    bmd_scenario_free(&sc);
    bmd_catalog_free(cat);
    return rc;
}
