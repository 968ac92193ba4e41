/* SPDX-License-Identifier: MIT */
/* cmd_run.c: bmdsim run: the main job. Until the full December 2011 scenario exists (sensors,
 * interceptors, analyses), it flies the scenario's threats and prints their trajectories. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char help[] =
    "usage: bmdsim run [SCENARIO] [--out DIR] [--format json|text]\n"
    "\n"
    "The main job. With no SCENARIO: the threats of the December 2011 dispute (Iranian missiles\n"
    "toward European capitals and a notional Iranian ICBM; Russian ICBMs from their bases toward\n"
    "the United States; Iskander-M from Kaliningrad), each flown on a minimum-energy trajectory\n"
    "(Iskander-M: its quasi-ballistic depressed shape) over the rotating WGS-84 Earth, with a\n"
    "table of their trajectories and of which sensor of the December 2011 system (SBIRS cueing\n"
    "the AN/TPY-2 at Kurecik, an Aegis ship in the eastern Mediterranean, the early-warning\n"
    "radars at Fylingdales and Thule) first holds a track on each. Engagements (bmdsim\n"
    "feasibility), the battle manager and the analyses of the dispute are not in the main job\n"
    "yet; the output says so.\n"
    "  --out DIR   also write DIR/summary.json and DIR/trajectories.csv (a point every 10 s)\n";

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

static bool mkdir_p(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0)
        return S_ISDIR(sb.st_mode);
    return mkdir(dir, 0777) == 0;
}

static bool write_out(const char *dir, outcome *out)
{
    if (!mkdir_p(dir)) {
        cli_error("run", "--out: cannot create directory %s: %s", dir, strerror(errno));
        return false;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "bmdsim_version", BMD_VERSION);
    cJSON_AddStringToObject(root, "scenario", "built-in December 2011 threats (trajectories only)");
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
    char path[1024];
    bool ok = js != NULL;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    ok = ok && write_file_atomic("run", path, js, strlen(js));
    snprintf(path, sizeof path, "%s/trajectories.csv", dir);
    ok = ok && write_file_atomic("run", path, csv, len);
    free(js);
    free(csv);
    return ok;
}

int cmd_run(int argc, char **argv)
{
    static const opt_spec spec[] = {{"out", true}, {"format", true}, {"help", false}, {0}};
    opts o;
    if (!opts_parse(&o, "run", spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(&o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    bool json;
    if (!parse_format("run", &o, &json))
        return EXIT_USAGE;
    if (o.n_pos > 0) {
        cli_error("run", "%s: scenario files are not supported in this version yet; run with no "
                         "argument for the built-in December 2011 threats",
                  o.pos[0]);
        return EXIT_USAGE;
    }
    bmd_catalog *cat = cli_catalog("run");
    if (!cat)
        return EXIT_USAGE;
    outcome *out = calloc(N_THREATS, sizeof *out);
    if (!out) {
        bmd_catalog_free(cat);
        cli_error("run", "out of memory");
        return EXIT_INTERNAL;
    }
    bmd_flight_opts fo = bmd_flight_default_opts();
    int rc = EXIT_OK;
    bmd_radar radars[N_RUN_SENSORS];
    int n_radars = 0;
    for (int k = 0; k < N_RUN_SENSORS; k++) {
        const bmd_sensor_entry *e = bmd_catalog_find_sensor(cat, run_sensors[k]);
        if (e && e->kind == BMD_SENSOR_RADAR)
            radars[n_radars++] = e->radar;
    }
    const bmd_sensor_entry *sb = bmd_catalog_find_sensor(cat, "sbirs");
    const bmd_ew_sensor *ew = sb && sb->kind == BMD_SENSOR_EARLY_WARNING ? &sb->ew : NULL;
    for (int i = 0; i < N_THREATS; i++) {
        const threat *t = &threats[i];
        const bmd_missile *m = bmd_catalog_find(cat, t->missile);
        bmd_traj_init(&out[i].tr);
        if (!m) {
            out[i].st = BMD_ERR_NOT_FOUND;
            snprintf(out[i].why, sizeof out[i].why, "missile %s is not in the catalog", t->missile);
            continue;
        }
        bmd_aim aim;
        memset(&aim, 0, sizeof aim);
        aim.launch_lat_rad = t->from.lat_deg * BMD_DEG;
        aim.launch_lon_rad = t->from.lon_deg * BMD_DEG;
        aim.target_lat_rad = t->to.lat_deg * BMD_DEG;
        aim.target_lon_rad = t->to.lon_deg * BMD_DEG;
        aim.shape = m->v.default_shape;
        aim.apogee_m = m->v.default_apogee_m;
        out[i].st = bmd_target(&m->v, &aim, &fo, &out[i].res, &out[i].tr);
        out[i].s = out[i].tr.sum;
        snprintf(out[i].why, sizeof out[i].why, "%s",
                 out[i].res.why[0] ? out[i].res.why : bmd_status_str(out[i].st));
        out[i].tracked_by = -1;
        out[i].track_s = (double)NAN;
        if (out[i].st == BMD_OK && n_radars == N_RUN_SENSORS) {
            bmd_surv_opts so = bmd_surv_default_opts();
            so.ew = ew;
            bmd_sensor_timeline tl[N_RUN_SENSORS];
            if (bmd_detect(&out[i].tr, &m->sig, radars, n_radars, &so, tl, NULL) == BMD_OK)
                for (int k = 0; k < n_radars; k++)
                    if (isfinite(tl[k].track_confirmed_s) &&
                        !(tl[k].track_confirmed_s >= out[i].track_s)) {
                        out[i].track_s = tl[k].track_confirmed_s;
                        out[i].tracked_by = k;
                    }
        }
    }
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "scenario", "built-in December 2011 threats");
        cJSON_AddStringToObject(root, "note", "trajectories and sensors only: engagements, the "
                                              "battle manager and the analyses are not in the "
                                              "main job yet");
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
        printf("bmdsim %s: the December 2011 threats, trajectories and sensors only\n",
               BMD_VERSION);
        printf("(engagements, the battle manager and the analyses of the dispute are not in the "
               "main job yet;\n this run flies the scenario's threats over the rotating WGS-84 "
               "Earth with J2 and drag,\n and plays SBIRS, the AN/TPY-2 at Kurecik, an Aegis ship "
               "off Crete and the Fylingdales\n and Thule radars against each: 'track' is the first "
               "confirmed track, seed 1)\n\n");
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
        printf("\nmissiles: bmdsim catalog; one flight in detail: bmdsim trajectory --help\n"
               "can a site engage one of them: bmdsim feasibility --help; at what interceptor "
               "speed: bmdsim threshold --help\n"
               "a raid against the defense: bmdsim engage scenarios/phase1-iran-raid.yaml (and the "
               "other scenarios/)\n");
    }
    const char *dir = opt_get(&o, "out");
    if (dir && !write_out(dir, out))
        rc = EXIT_USAGE;
    for (int i = 0; i < N_THREATS; i++)
        bmd_traj_free(&out[i].tr);
    free(out);
    bmd_catalog_free(cat);
    return rc;
}
