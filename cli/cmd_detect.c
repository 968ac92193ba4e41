/* SPDX-License-Identifier: MIT */
/* cmd_detect.c: bmdsim detect: when each sensor sees, detects and confirms a track on a threat. */
#include <math.h>
#include <string.h>

#include "scene.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim detect --threat ID|FILE --launch LAT,LON --target LAT,LON\n"
    "                     --sensor ID[@LAT,LON[,HEIGHT_M]] [--sensor ...] [--seed S]\n"
    "                     [--format json|text] [--csv FILE]\n"
    "       bmdsim detect SCENARIO [--threat-index K] [--sensor ...] [--seed S] ...\n"
    "\n"
    "Flies the threat to its target (its default trajectory shape) and plays each sensor against\n"
    "it: radars search, detect with the probability of their range equation and Swerling case,\n"
    "confirm a track with 3 detections in 5 dwells, and cue each other; an early-warning sensor\n"
    "(dsp, sbirs) cues every radar. Sensors: catalog ids (bmdsim catalog --sensors) placed at\n"
    "their default site or at @LAT,LON[,HEIGHT_M]. Draws are seeded (--seed, default 1).\n"
    "Prints per sensor: first_visible_s, last_visible_s, first_detection_s, track_confirmed_s\n"
    "(null where never), with times from the threat's launch; --csv FILE writes the same table.\n"
    "With a SCENARIO file (docs/scenario-format.md): its sensors against its threat K (default 0).\n";

int cmd_detect(int argc, char **argv)
{
    scene s;
    opts o;
    int rc = scene_setup(&s, "detect", argc, argv, spec_detect, &o, help);
    if (rc != EXIT_OK) {
        scene_free(&s);
        return rc < 0 ? EXIT_OK : rc;
    }
    bmd_surv_opts so = scene_surv_opts(&s);
    bmd_sensor_timeline tl[SCENE_MAX_SENSORS];
    bmd_ew_report ew;
    memset(&ew, 0, sizeof ew);
    bmd_status st = bmd_detect(&s.tr, &s.threat.sig, s.radars, s.n_radars, &so, tl, &ew);
    if (st != BMD_OK) {
        cli_error("detect", "detection failed: %s", bmd_status_str(st));
        scene_free(&s);
        return EXIT_INTERNAL;
    }
    const char *csv = opt_get(&o, "csv");
    if (csv) {
        char buf[8192];
        size_t len = (size_t)snprintf(buf, sizeof buf,
                                      "id,kind,first_visible_s,last_visible_s,first_detection_s,"
                                      "track_confirmed_s,cued_s\n");
        if (s.has_ew && ew.detected)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s,early-warning,%.3f,%.3f,%.3f,,%.3f\n",
                                    s.ew.id, ew.t_first_report_s, ew.t_lost_s, ew.t_first_report_s,
                                    ew.t_cue_s);
        else if (s.has_ew)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s,early-warning,,,,,\n", s.ew.id);
        for (int i = 0; i < s.n_radars; i++) {
            const double v[5] = {tl[i].first_visible_s, tl[i].last_visible_s,
                                 tl[i].first_detection_s, tl[i].track_confirmed_s, tl[i].cued_s};
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s,radar", s.radars[i].id);
            for (int k = 0; k < 5; k++) /* empty cells where never: no NaN in files */
                len += isfinite(v[k]) ? (size_t)snprintf(buf + len, sizeof buf - len, ",%.3f", v[k])
                                      : (size_t)snprintf(buf + len, sizeof buf - len, ",");
            len += (size_t)snprintf(buf + len, sizeof buf - len, "\n");
        }
        if (!write_file_atomic("detect", csv, buf, len)) {
            scene_free(&s);
            return EXIT_USAGE;
        }
    }
    if (s.json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "threat", s.threat.v.id);
        json_num(r, "seed", (double)s.seed);
        json_num(r, "flight_time_s", s.tr.sum.flight_time_s);
        json_num(r, "burnout_time_s", s.tr.sum.burnout_time_s);
        cJSON *arr = cJSON_AddArrayToObject(r, "sensors");
        if (s.has_ew) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "id", s.ew.id);
            cJSON_AddStringToObject(e, "kind", "early-warning");
            double fr = ew.detected ? ew.t_first_report_s : (double)NAN;
            json_num(e, "first_visible_s", fr);
            json_num(e, "last_visible_s", ew.detected ? ew.t_lost_s : (double)NAN);
            json_num(e, "first_detection_s", fr);
            json_num(e, "track_confirmed_s", NAN);
            json_num(e, "cue_s", ew.detected ? ew.t_cue_s : (double)NAN);
            cJSON_AddItemToArray(arr, e);
        }
        for (int i = 0; i < s.n_radars; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "id", s.radars[i].id);
            cJSON_AddStringToObject(e, "kind", "radar");
            json_num(e, "lat_deg", s.radars[i].lat_rad / BMD_DEG);
            json_num(e, "lon_deg", s.radars[i].lon_rad / BMD_DEG);
            json_num(e, "height_m", s.radars[i].h_m);
            json_num(e, "first_visible_s", tl[i].first_visible_s);
            json_num(e, "last_visible_s", tl[i].last_visible_s);
            json_num(e, "first_detection_s", tl[i].first_detection_s);
            json_num(e, "track_confirmed_s", tl[i].track_confirmed_s);
            json_num(e, "cued_s", tl[i].cued_s);
            cJSON_AddNumberToObject(e, "dwells", tl[i].n_dwells);
            cJSON_AddNumberToObject(e, "detections", tl[i].n_detections);
            cJSON_AddItemToArray(arr, e);
        }
        json_print(r);
    } else {
        printf("%s from %.3f, %.3f to %.3f, %.3f: flight %.0f s, burnout at %.0f s (seed %llu)\n",
               s.threat.v.id, s.launch_lat, s.launch_lon, s.target_lat, s.target_lon,
               s.tr.sum.flight_time_s, s.tr.sum.burnout_time_s, (unsigned long long)s.seed);
        printf("%-18s %10s %10s %10s %10s %8s\n", "sensor", "visible_s", "until_s", "detect_s",
               "track_s", "cued_s");
        if (s.has_ew) {
            if (ew.detected)
                printf("%-18s %10.1f %10.1f %10.1f %10s %8.1f\n", s.ew.id, ew.t_first_report_s,
                       ew.t_lost_s, ew.t_first_report_s, "-", ew.t_cue_s);
            else
                printf("%-18s  never reports (burnout before its first report)\n", s.ew.id);
        }
        for (int i = 0; i < s.n_radars; i++) {
            char b[5][16];
            const double v[5] = {tl[i].first_visible_s, tl[i].last_visible_s,
                                 tl[i].first_detection_s, tl[i].track_confirmed_s, tl[i].cued_s};
            for (int k = 0; k < 5; k++) {
                if (isfinite(v[k]))
                    snprintf(b[k], sizeof b[k], "%.1f", v[k]);
                else
                    snprintf(b[k], sizeof b[k], "never");
            }
            printf("%-18s %10s %10s %10s %10s %8s\n", s.radars[i].id, b[0], b[1], b[2], b[3],
                   isfinite(v[4]) ? b[4] : "-");
        }
    }
    scene_free(&s);
    return EXIT_OK;
}
