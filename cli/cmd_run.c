/* SPDX-License-Identifier: MIT */
/* cmd_run.c: bmdsim run: the main job. With no argument, the December 2011 dispute: each phase of
 * the system (the ready scenarios) with its analyses (what it defends against Iranian missiles,
 * whether it could engage Russian ICBMs under each assumption set, the guarantees, Kaliningrad),
 * then the threats of the dispute flown and seen by the 2011 sensors. With a SCENARIO, that
 * scenario's analyses, and with --out DIR every table, layer and map. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyses.h"
#include "bmd/parallel.h"
#include "bmd/plot.h"
#include "cli.h"
#include "ranks.h"
#include "report.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim run [SCENARIO] [--out DIR] [--format json|text] [--threads T]\n"
    "                  [--grid-deg G] [--no-guarantee-map]\n"
    "\n"
    "The main job. With no SCENARIO: the built-in December 2011 scenario, that is each phase of\n"
    "the system as it stood or was planned (scenarios/: the NATO interim capability of December\n"
    "2011, EPAA phases 1 to 4, Aegis ships in the northern seas, Kaliningrad), with for each:\n"
    "what it defends against Iranian missiles (the share of NATO Europe and the capitals covered),\n"
    "how many Russian ICBMs bound for the United States each site could engage under each\n"
    "assumption set (cueing), the least interceptor burnout speed at which each site could\n"
    "engage any of them, and Russia's answers in Kaliningrad; then the threats of the dispute\n"
    "flown over the rotating WGS-84 Earth and the sensor of the 2011 system that first tracks\n"
    "each. The built-in run uses a grid of at least 1 degree to stay within seconds.\n"
    "With SCENARIO: the analyses the file asks for (docs/scenario-format.md) at its own grid,\n"
    "and its raid played (run 0, and 1,000 Monte Carlo runs for the leak probability).\n"
    "  --out DIR           write summary.json, CSV tables, GeoJSON layers and PNG/SVG maps into\n"
    "                      DIR (with SCENARIO also the raid's replay, scenario.czml and\n"
    "                      scenario.kml, and raid_shots.csv), complete or not at all (DIR must\n"
    "                      not exist or be empty); and report.html, the offline HTML report\n"
    "                      (bmdsim report --help; docs/report.md)\n"
    "  --threads T         threads (default: every core); results do not depend on it\n"
    "  --grid-deg G        coarsen the map grids to at least G degrees\n"
    "  --no-guarantee-map  skip the safe-zone map (its slowest part)\n"
    "A progress bar goes to stderr when it is a terminal.\n"
    "Under MPI (mpirun -np N bmdsim run ...; docs/mpi.md) the maps' cells and the sites'\n"
    "guarantees are shared among the ranks, and rank 0 alone prints and writes --out: the same\n"
    "output as one process.\n";

/* The built-in December 2011 scenario: the phases, in order (files in the scenario directory). */
static const char *const phases[] = {
    "interim-2011-iran-raid.yaml", "phase1-iran-raid.yaml",   "epaa-phase2-2015.yaml",
    "phase3-2018-iran-raid.yaml",  "phase4-russian-icbms.yaml", "northern-seas-russian-icbms.yaml",
    "kaliningrad-s400-voronezh.yaml",
};
#define N_PHASES ((int)(sizeof phases / sizeof phases[0]))

static const char *scenario_dir(void)
{
    const char *e = getenv("BMDSIM_SCENARIOS");
    return e && *e ? e : BMD_SCENARIO_DIR;
}

/* Coordinates: docs/scenarios.md gives each with its source (literature survey of the project,
 * shared reference §5: Keeptrack listings [V], city centres [U]). */
typedef struct place {
    const char *name;
    double lat_deg, lon_deg;
} place;

typedef struct threat {
    const char *missile;
    place from;
    place to;
    const char *side;
} threat;

#define TABRIZ {"Tabriz", 38.08, 46.29}
#define SEMNAN {"Semnan", 35.23, 53.92}
#define WASHINGTON {"Washington", 38.951, -77.013}
#define NEW_YORK {"New York", 40.679, -73.947}

static const threat threats[] = {
    {"shahab-3", TABRIZ, {"Ankara", 39.93, 32.86}, "Iran"},
    {"ghadr-1", {"Kermanshah", 34.31, 47.07}, {"Ankara", 39.93, 32.86}, "Iran"},
    {"sejjil-2", TABRIZ, {"Bucharest", 44.43, 26.10}, "Iran"},
    {"sejjil-2", SEMNAN, {"Ankara", 39.93, 32.86}, "Iran"},
    {"iran-icbm-notional", SEMNAN, {"London", 51.507, -0.128}, "Iran"},
    {"iran-icbm-notional", SEMNAN, WASHINGTON, "Iran"},
    {"ss-19", {"Kozelsk", 54.033, 35.767}, WASHINGTON, "Russia"},
    {"ss-27", {"Tatishchevo", 51.667, 45.567}, WASHINGTON, "Russia"},
    {"rs-24", {"Teykovo", 56.850, 40.533}, WASHINGTON, "Russia"},
    {"ss-25", {"Yoshkar-Ola", 56.633, 47.850}, WASHINGTON, "Russia"},
    {"ss-25", {"Vypolzovo", 57.87, 33.67}, NEW_YORK, "Russia"},
    {"ss-18", {"Dombarovsky", 50.750, 59.500}, WASHINGTON, "Russia"},
    {"ss-18", {"Uzhur", 55.333, 89.800}, WASHINGTON, "Russia"},
    {"ss-25", {"Novosibirsk", 55.333, 83.000}, NEW_YORK, "Russia"},
    {"ss-25", {"Irkutsk", 52.317, 104.233}, WASHINGTON, "Russia"},
    {"iskander-m", {"Kaliningrad", 54.71, 20.51}, {"Redzikowo", 54.47, 17.12}, "Russia"},
    {"iskander-m", {"Kaliningrad", 54.71, 20.51}, {"Warsaw", 52.23, 21.01}, "Russia"},
};
#define N_THREATS ((int)(sizeof threats / sizeof threats[0]))

/* The sensors of the December 2011 system played against each threat (radars; SBIRS cues). */
static const char *const run_sensors[] = {"tpy-2", "spy-1d", "uewr-fylingdales", "uewr-thule"};
#define N_RUN_SENSORS 4

typedef struct outcome {
    bmd_status st;
    int tracked_by;        /* index into the sensors, -1: never */
    double track_s;
    char why[160];
    bmd_flight_summary s;
    bmd_aim_result res;
    bmd_trajectory tr;
} outcome;

static bool write_out(const char *dir, outcome *out, const cJSON *phases_json)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "bmdsim_version", BMD_VERSION);
    cJSON_AddStringToObject(root, "scenario", "built-in December 2011 scenario");
    cJSON_AddItemToObject(root, "phases", cJSON_Duplicate(phases_json, 1));
    cJSON *arr = cJSON_AddArrayToObject(root, "threats");
    size_t cap = 1 << 20;
    size_t len = 0;
    char *csv = malloc(cap);
    if (!csv) {
        cJSON_Delete(root);
        cli_error("run", "out of memory");
        return false;
    }
    len += (size_t)snprintf(csv, cap, "threat,time_s,lat_deg,lon_deg,altitude_km,speed_km_s\n");
    for (int i = 0; i < N_THREATS; i++) {
        const threat *t = &threats[i];
        outcome *o = &out[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "index", i);
        cJSON_AddStringToObject(e, "missile", t->missile);
        cJSON_AddStringToObject(e, "side", t->side);
        cJSON_AddStringToObject(e, "launch", t->from.name);
        cJSON_AddStringToObject(e, "target", t->to.name);
        json_num(e, "launch_lat_deg", t->from.lat_deg);
        json_num(e, "launch_lon_deg", t->from.lon_deg);
        json_num(e, "target_lat_deg", t->to.lat_deg);
        json_num(e, "target_lon_deg", t->to.lon_deg);
        cJSON_AddBoolToObject(e, "reached", o->st == BMD_OK);
        if (o->st != BMD_OK) {
            cJSON_AddStringToObject(e, "reason", o->why);
        } else {
            json_num(e, "range_km", o->s.range_m / 1e3);
            json_num(e, "flight_time_s", o->s.flight_time_s);
            json_num(e, "apogee_km", o->s.apogee_m / 1e3);
            json_num(e, "burnout_time_s", o->s.burnout_time_s);
            json_num(e, "burnout_speed_km_s", o->s.burnout_speed_m_s / 1e3);
            json_num(e, "burnout_altitude_km", o->s.burnout_altitude_m / 1e3);
            json_num(e, "impact_lat_deg", o->s.impact_lat_rad / BMD_DEG);
            json_num(e, "impact_lon_deg", o->s.impact_lon_rad / BMD_DEG);
            json_num(e, "miss_distance_km", o->res.miss_m / 1e3);
            for (double tt = 0.0;; tt += 10.0) {
                double t_s = tt < o->tr.t_end_s ? tt : o->tr.t_end_s;
                double lat;
                double lon;
                double h;
                double sp;
                if (bmd_traj_geodetic(&o->tr, t_s, &lat, &lon, &h, &sp) == BMD_OK) {
                    if (cap - len < 200) {
                        cap *= 2;
                        char *nc = realloc(csv, cap);
                        if (!nc) {
                            free(csv);
                            cJSON_Delete(root);
                            cli_error("run", "out of memory");
                            return false;
                        }
                        csv = nc;
                    }
                    len += (size_t)snprintf(csv + len, cap - len, "%d,%.3f,%.6f,%.6f,%.4f,%.5f\n",
                                            i, t_s, lat / BMD_DEG, lon / BMD_DEG, h / 1e3, sp / 1e3);
                }
                if (t_s >= o->tr.t_end_s)
                    break;
            }
        }
        cJSON_AddItemToArray(arr, e);
    }
    char *js = cJSON_Print(root);
    cJSON_Delete(root);
    char path[2048 + 32]; /* dir: at most 2047 bytes (run_main's tmp) */
    bool ok = js != NULL;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    ok = ok && write_file_atomic("run", path, js, strlen(js));
    snprintf(path, sizeof path, "%s/trajectories.csv", dir);
    ok = ok && write_file_atomic("run", path, csv, len);
    free(js);
    free(csv);
    return ok;
}

/* The threats of the dispute, each flown and played against the 2011 sensors (one task of a
 * parallel loop: it writes only its own outcome). */
typedef struct thr_ctx {
    const bmd_catalog *cat;
    outcome *out;
    bmd_radar radars[N_RUN_SENSORS];
    int n_radars;
    const bmd_ew_sensor *ew;
} thr_ctx;

static bmd_status thr_task(void *vctx, int i)
{
    thr_ctx *c = vctx;
    outcome *o = &c->out[i];
    const threat *t = &threats[i];
    const bmd_missile *m = bmd_catalog_find(c->cat, t->missile);
    o->tracked_by = -1;
    o->track_s = (double)NAN;
    if (!m) {
        o->st = BMD_ERR_NOT_FOUND;
        snprintf(o->why, sizeof o->why, "missile %s is not in the catalog", t->missile);
        return BMD_OK;
    }
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim aim = bmd_aim_default(&m->v, t->from.lat_deg * BMD_DEG, t->from.lon_deg * BMD_DEG,
                                  t->to.lat_deg * BMD_DEG, t->to.lon_deg * BMD_DEG);
    o->st = bmd_target(&m->v, &aim, &fo, &o->res, &o->tr);
    o->s = o->tr.sum;
    snprintf(o->why, sizeof o->why, "%s", o->res.why[0] ? o->res.why : bmd_status_str(o->st));
    if (o->st == BMD_OK && c->n_radars == N_RUN_SENSORS) {
        bmd_surv_opts so = bmd_surv_default_opts();
        so.ew = c->ew;
        bmd_sensor_timeline tl[N_RUN_SENSORS];
        if (bmd_detect(&o->tr, &m->sig, c->radars, c->n_radars, &so, tl, NULL) == BMD_OK)
            for (int k = 0; k < c->n_radars; k++)
                if (isfinite(tl[k].track_confirmed_s) && !(tl[k].track_confirmed_s >= o->track_s)) {
                    o->track_s = tl[k].track_confirmed_s;
                    o->tracked_by = k;
                }
    }
    return BMD_OK;
}

/* Shared between the scenarios of the built-in run; freed when the command ends. */
static an_cache run_cache;

/* One scenario's analyses: load, run, report; into dir when given. */
static int run_one(const char *C, bmd_catalog *cat, const char *path, const an_opts *ao, bool json,
                   bool text, const char *dir, cJSON *phases_json)
{
    bmd_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        cli_error(C, "out of memory");
        return EXIT_INTERNAL;
    }
    bmd_load_error err;
    if (bmd_scenario_load(path, cat, s, &err) != BMD_OK) {
        cli_load_error(C, NULL, &err);
        free(s);
        return EXIT_USAGE;
    }
    an_opts o = *ao;
    o.label = s->name;
    an_result r;
    int rc;
    /* A test's fault (tests/test_mpi.sh): BMDSIM_TEST_FAIL_RANK=R makes rank R fail here alone,
     * as out of memory would, while the others go on into the analyses' shared grids. */
    const char *tf = getenv("BMDSIM_TEST_FAIL_RANK");
    if (tf && *tf && atoi(tf) == ranks_rank() && ranks_size() > 1) {
        cli_error(C, "%s: failing here for a test (BMDSIM_TEST_FAIL_RANK)", s->name);
        memset(&r, 0, sizeof r);
        rc = EXIT_INTERNAL;
    } else {
        rc = an_run(C, cat, s, &o, &r);
    }
    /* Under MPI every rank has run the analyses (their grids shared: ranks_dist); they agree
     * before rank 0 alone writes (dir is NULL on the others). */
    if (!ranks_failed())
        rc = ranks_agree(C, rc);
    if (rc == EXIT_OK) {
        if (text) {
            an_text(&r);
            printf("\n");
        }
        cJSON *js = an_json(&r);
        cJSON_AddStringToObject(js, "file", path);
        if (dir && (!an_write(C, &r, dir) || !report_inputs_write(C, s, cat, path, dir)))
            rc = EXIT_USAGE;
        if (phases_json)
            cJSON_AddItemToArray(phases_json, js);
        else if (json)
            json_print(js);
        else
            cJSON_Delete(js);
    }
    an_free(&r);
    bmd_scenario_free(s);
    free(s);
    return rc;
}

static int run_main(int argc, char **argv)
{
    static const char *C = "run";
    opts o;
    int begun = opts_begin(&o, C, spec_run, argc, argv, help);
    if (begun >= 0)
        return begun;
    bool json;
    if (!parse_format(C, &o, &json))
        return EXIT_USAGE;
    if (o.n_pos > 1) {
        cli_error(C, "one scenario at a time (got \"%s\" and \"%s\")", o.pos[0], o.pos[1]);
        return EXIT_USAGE;
    }
    an_opts ao = {0, 0.0, true, NULL, &run_cache, 1000};
    if (opt_has(&o, "threads")) {
        double t;
        if (!parse_double(C, "threads", opt_get(&o, "threads"), &t) || t < 0 || t > 64 ||
            t != floor(t)) {
            cli_error(C, "--threads: expected a whole number from 0 (every core) to 64");
            return EXIT_USAGE;
        }
        ao.threads = (int)t;
    }
    if (opt_has(&o, "grid-deg")) {
        if (!parse_double(C, "grid-deg", opt_get(&o, "grid-deg"), &ao.min_grid_deg))
            return EXIT_USAGE;
        if (!(ao.min_grid_deg >= 0.05 && ao.min_grid_deg <= 5.0)) {
            cli_error(C, "--grid-deg: %g is outside [0.05, 5] degrees", ao.min_grid_deg);
            return EXIT_USAGE;
        }
    }
    if (opt_has(&o, "no-guarantee-map"))
        ao.guarantee_map = false;
    /* Under MPI (mpirun -np N bmdsim run ...) every rank runs the analyses, their grids shared
     * among the ranks (docs/mpi.md), and rank 0 alone writes --out: dir is NULL on the others.
     * Each step that one rank alone may fail is followed by an agreement (ranks.h). */
    ao.dist = ranks_dist();
    const char *dir = ranks_rank() == 0 ? opt_get(&o, "out") : NULL;
    char tmp[2048] = "";
    if (o.n_pos == 1) {
        /* A scenario file. */
        bmd_catalog *cat = cli_catalog(C);
        int rc = cat ? EXIT_OK : EXIT_USAGE;
        bool began = rc == EXIT_OK && dir && out_dir_begin(C, dir, tmp, sizeof tmp);
        if (rc == EXIT_OK && dir && !began)
            rc = EXIT_USAGE;
        rc = ranks_agree(C, rc);
        if (rc != EXIT_OK) {
            if (began)
                out_dir_abort(tmp);
            bmd_catalog_free(cat);
            return rc;
        }
        cJSON *arr = dir ? cJSON_CreateArray() : NULL;
        rc = run_one(C, cat, o.pos[0], &ao, json, !json, dir ? tmp : NULL, arr);
        if (rc == EXIT_OK && dir) {
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "bmdsim_version", BMD_VERSION);
            cJSON *one = cJSON_DetachItemFromArray(arr, 0);
            cJSON_AddItemToObject(root, "result", one);
            char *js = cJSON_Print(root);
            char path[2100];
            snprintf(path, sizeof path, "%s/summary.json", tmp);
            bool ok = js && write_file_atomic(C, path, js, strlen(js));
            if (ok) {
                int rr = report_write(C, tmp, true);
                if (rr != EXIT_OK)
                    ok = false;
            }
            if (ok && json)
                printf("%s\n", js);
            free(js);
            cJSON_Delete(root);
            if (!ok || !out_dir_commit(C, tmp, dir))
                rc = EXIT_USAGE;
        } else if (dir) {
            out_dir_abort(tmp);
        }
        cJSON_Delete(arr);
        bmd_catalog_free(cat);
        /* Rank 0's writing, the last step one rank alone may fail. */
        return ranks_failed() ? rc : ranks_agree(C, rc);
    }
    bmd_catalog *cat = cli_catalog(C);
    if (ranks_agree(C, cat ? EXIT_OK : EXIT_USAGE) != EXIT_OK) {
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    if (ao.min_grid_deg < 1.0)
        ao.min_grid_deg = 1.0;
    if (!opt_has(&o, "no-guarantee-map"))
        ao.guarantee_map = false; /* the built-in run: thresholds per site, no map */
    ao.raid_runs = 0;             /* and no raids: bmdsim engage or run SCENARIO plays them */
    bool began = dir && out_dir_begin(C, dir, tmp, sizeof tmp);
    if (ranks_agree(C, dir && !began ? EXIT_USAGE : EXIT_OK) != EXIT_OK) {
        if (began)
            out_dir_abort(tmp);
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    if (!json)
        printf("bmdsim %s: the December 2011 dispute over missile defense in Europe, rerun\n"
               "(every value and its source: bmdsim catalog, scenarios/, docs/; seed 1; maps at "
               "%.2g degrees)\n\n",
               BMD_VERSION, ao.min_grid_deg);
    cJSON *parr = cJSON_CreateArray();
    int rc = EXIT_OK;
    for (int k = 0; k < N_PHASES && rc == EXIT_OK; k++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", scenario_dir(), phases[k]);
        char sub[2200] = "";
        if (dir) {
            char sl[96];
            size_t n = strlen(phases[k]);
            snprintf(sl, sizeof sl, "%.*s", (int)(n > 5 ? n - 5 : n), phases[k]);
            snprintf(sub, sizeof sub, "%s/%s", tmp, sl);
            if (mkdir(sub, 0777) != 0) {
                cli_error(C, "--out: cannot create %s: %s", sub, strerror(errno));
                rc = EXIT_USAGE;
                break;
            }
        }
        rc = run_one(C, cat, path, &ao, json, !json, dir ? sub : NULL, parr);
    }
    if (rc != EXIT_OK) {
        cJSON_Delete(parr);
        if (dir)
            out_dir_abort(tmp);
        bmd_catalog_free(cat);
        /* A failure of rank 0's mkdir or writing: the other ranks are at their next agreement
         * (a failure the ranks agreed on ends them all already). */
        return ranks_failed() ? rc : ranks_agree(C, rc);
    }
    /* The threats of the dispute and the 2011 sensors. */
    outcome *out = calloc(N_THREATS, sizeof *out);
    if (!out) {
        cJSON_Delete(parr);
        if (dir)
            out_dir_abort(tmp);
        bmd_catalog_free(cat);
        cli_error(C, "out of memory");
        return ranks_agree(C, EXIT_INTERNAL);
    }
    thr_ctx tc;
    memset(&tc, 0, sizeof tc);
    tc.cat = cat;
    tc.out = out;
    for (int k = 0; k < N_RUN_SENSORS; k++) {
        const bmd_sensor_entry *e = bmd_catalog_find_sensor(cat, run_sensors[k]);
        if (e && e->kind == BMD_SENSOR_RADAR)
            tc.radars[tc.n_radars++] = e->radar;
    }
    const bmd_sensor_entry *sb = bmd_catalog_find_sensor(cat, "sbirs");
    tc.ew = sb && sb->kind == BMD_SENSOR_EARLY_WARNING ? &sb->ew : NULL;
    for (int i = 0; i < N_THREATS; i++)
        bmd_traj_init(&out[i].tr);
    bmd_parallel_for(N_THREATS, ao.threads, thr_task, &tc, NULL); /* each records its own status */
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "scenario", "built-in December 2011 scenario");
        cJSON_AddStringToObject(root, "bmdsim_version", BMD_VERSION);
        cJSON_AddItemToObject(root, "phases", cJSON_Duplicate(parr, 1));
        cJSON *arr = cJSON_AddArrayToObject(root, "threats");
        for (int i = 0; i < N_THREATS; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "missile", threats[i].missile);
            cJSON_AddStringToObject(e, "launch", threats[i].from.name);
            cJSON_AddStringToObject(e, "target", threats[i].to.name);
            cJSON_AddBoolToObject(e, "reached", out[i].st == BMD_OK);
            if (out[i].st == BMD_OK) {
                json_num(e, "range_km", out[i].s.range_m / 1e3);
                json_num(e, "flight_time_s", out[i].s.flight_time_s);
                json_num(e, "apogee_km", out[i].s.apogee_m / 1e3);
                json_num(e, "burnout_time_s", out[i].s.burnout_time_s);
                json_num(e, "burnout_speed_km_s", out[i].s.burnout_speed_m_s / 1e3);
                json_num(e, "miss_distance_km", out[i].res.miss_m / 1e3);
                if (out[i].tracked_by >= 0)
                    cJSON_AddStringToObject(e, "first_track_by", run_sensors[out[i].tracked_by]);
                json_num(e, "first_track_s", out[i].track_s);
            } else {
                cJSON_AddStringToObject(e, "reason", out[i].why);
            }
            cJSON_AddItemToArray(arr, e);
        }
        json_print(root);
    } else {
        printf("The threats of the dispute, flown over the rotating WGS-84 Earth with J2 and "
               "drag, against\nSBIRS, the AN/TPY-2 at Kurecik, an Aegis ship off Crete and the "
               "Fylingdales and Thule radars\n('track': the first confirmed track):\n\n");
        printf("%-19s %-12s %-11s %9s %8s %8s %8s %8s %7s  %s\n", "missile", "launch", "target",
               "range_km", "time_min", "apo_km", "bo_s", "bo_km_s", "miss_m", "track");
        for (int i = 0; i < N_THREATS; i++) {
            const threat *t = &threats[i];
            if (out[i].st != BMD_OK) {
                printf("%-19s %-12s %-11s  not reached: %s\n", t->missile, t->from.name,
                       t->to.name, out[i].why);
                continue;
            }
            const bmd_flight_summary *s = &out[i].s;
            char trk[48] = "none";
            if (out[i].tracked_by >= 0)
                snprintf(trk, sizeof trk, "%s %.0f s", run_sensors[out[i].tracked_by],
                         out[i].track_s);
            printf("%-19s %-12s %-11s %9.0f %8.1f %8.0f %8.1f %8.2f %7.1f  %s\n", t->missile,
                   t->from.name, t->to.name, s->range_m / 1e3, s->flight_time_s / 60.0,
                   s->apogee_m / 1e3, s->burnout_time_s, s->burnout_speed_m_s / 1e3,
                   out[i].res.miss_m, trk);
        }
        printf("\none phase's tables, GeoJSON layers and maps: bmdsim run "
               "scenarios/phase4-russian-icbms.yaml --out DIR\n"
               "missiles: bmdsim catalog; one flight in detail: bmdsim trajectory --help\n"
               "can a site engage one of them: bmdsim feasibility --help; at what interceptor "
               "speed: bmdsim threshold --help\n"
               "a raid against the defense: bmdsim engage scenarios/phase1-iran-raid.yaml (and the "
               "other scenarios/)\n");
    }
    if (dir) {
        bool ok = write_out(tmp, out, parr);
        ok = ok && report_write(C, tmp, true) == EXIT_OK;
        if (!ok || !out_dir_commit(C, tmp, dir)) {
            if (ok == false)
                out_dir_abort(tmp);
            rc = EXIT_USAGE;
        }
    }
    cJSON_Delete(parr);
    for (int i = 0; i < N_THREATS; i++)
        bmd_traj_free(&out[i].tr);
    free(out);
    bmd_catalog_free(cat);
    return ranks_agree(C, rc);
}

int cmd_run(int argc, char **argv)
{
    int rc = run_main(argc, argv);
    an_cache_free(&run_cache);
    bmd_plot_cleanup(); /* Cairo's and fontconfig's caches: nothing is left allocated at exit */
    return rc;
}
