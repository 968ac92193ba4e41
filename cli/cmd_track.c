/* SPDX-License-Identifier: MIT */
/* cmd_track.c: bmdsim track: the track filter across the sensors, with its error against truth
 * and its impact prediction at each update. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim track --threat ID|FILE --launch LAT,LON --target LAT,LON\n"
    "                    --sensor ID[@LAT,LON[,HEIGHT_M]] [--sensor ...] [--seed S]\n"
    "                    [--format json|text] [--csv FILE]\n"
    "       bmdsim track SCENARIO [--threat-index K] [--sensor ...] [--seed S] ...\n"
    "\n"
    "As bmdsim detect, then one extended Kalman filter track (gravity with J2, drag) from the\n"
    "first radar to confirm, updated by every radar that holds the threat (hand-over with track\n"
    "continuity). Prints for each update: time_s, sensor, position_error_m and impact_error_km\n"
    "(the predicted impact point's distance from the true one), and the predicted impact's 1-sigma\n"
    "error ellipse; --csv FILE writes the same rows.\n";

int cmd_track(int argc, char **argv)
{
    scene s;
    opts o;
    int rc = scene_setup(&s, "track", argc, argv, spec_track, &o, help);
    if (rc != EXIT_OK) {
        scene_free(&s);
        return rc < 0 ? EXIT_OK : rc;
    }
    bmd_surv_opts so = scene_surv_opts(&s);
    bmd_track_run_opts to = bmd_track_run_default_opts();
    to.filter.earth = s.tr.earth;
    to.filter.beta_kg_m2 = s.threat.v.rv_beta_kg_m2;
    bmd_sensor_timeline tl[SCENE_MAX_SENSORS];
    bmd_track_sample *up = NULL;
    int nu = 0;
    bmd_status st = bmd_track_run(&s.tr, &s.threat.sig, s.radars, s.n_radars, &so, &to, tl, &up, &nu);
    if (st != BMD_OK) {
        cli_error("track", "tracking failed: %s", bmd_status_str(st));
        scene_free(&s);
        return EXIT_INTERNAL;
    }
    const char *csv = opt_get(&o, "csv");
    if (csv) {
        size_t cap = 128 + (size_t)nu * 160;
        char *buf = malloc(cap);
        if (!buf) {
            cli_error("track", "out of memory");
            free(up);
            scene_free(&s);
            return EXIT_INTERNAL;
        }
        size_t len = (size_t)snprintf(buf, cap,
                                      "time_s,sensor,position_error_m,velocity_error_m_s,"
                                      "impact_error_km,impact_semi_major_km,impact_semi_minor_km,"
                                      "gated,reinitiated\n");
        for (int i = 0; i < nu; i++) {
            const bmd_track_sample *u = &up[i];
            bool v = u->impact.valid && isfinite(u->impact_error_m);
            len += (size_t)snprintf(buf + len, cap - len, "%.3f,%s,%.3f,%.5f,", u->t_s,
                                    s.radars[u->sensor].id, u->position_error_m,
                                    u->velocity_error_m_s);
            /* Empty cells where there is no finite value: never a NaN in a file. */
            double cells[3] = {u->impact_error_m / 1e3, u->impact.semi_major_m / 1e3,
                               u->impact.semi_minor_m / 1e3};
            for (int k = 0; k < 3; k++) {
                if (v && isfinite(cells[k]))
                    len += (size_t)snprintf(buf + len, cap - len, "%.5f,", cells[k]);
                else
                    len += (size_t)snprintf(buf + len, cap - len, ",");
            }
            len += (size_t)snprintf(buf + len, cap - len, "%d,%d\n", u->gated ? 1 : 0,
                                    u->reinitiated ? 1 : 0);
        }
        bool ok = write_file_atomic("track", csv, buf, len);
        free(buf);
        if (!ok) {
            free(up);
            scene_free(&s);
            return EXIT_USAGE;
        }
    }
    if (s.json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "threat", s.threat.v.id);
        json_num(r, "seed", (double)s.seed);
        json_num(r, "true_impact_lat_deg", s.tr.sum.impact_lat_rad / BMD_DEG);
        json_num(r, "true_impact_lon_deg", s.tr.sum.impact_lon_rad / BMD_DEG);
        json_num(r, "flight_time_s", s.tr.sum.flight_time_s);
        cJSON *arr = cJSON_AddArrayToObject(r, "sensors");
        for (int i = 0; i < s.n_radars; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "id", s.radars[i].id);
            json_num(e, "first_detection_s", tl[i].first_detection_s);
            json_num(e, "track_confirmed_s", tl[i].track_confirmed_s);
            cJSON_AddItemToArray(arr, e);
        }
        cJSON *ua = cJSON_AddArrayToObject(r, "updates");
        for (int i = 0; i < nu; i++) {
            const bmd_track_sample *u = &up[i];
            cJSON *e = cJSON_CreateObject();
            json_num(e, "time_s", u->t_s);
            cJSON_AddStringToObject(e, "sensor", s.radars[u->sensor].id);
            json_num(e, "position_error_m", u->position_error_m);
            json_num(e, "velocity_error_m_s", u->velocity_error_m_s);
            bool v = u->impact.valid;
            json_num(e, "impact_error_km", v ? u->impact_error_m / 1e3 : (double)NAN);
            json_num(e, "impact_semi_major_km", v ? u->impact.semi_major_m / 1e3 : (double)NAN);
            json_num(e, "impact_semi_minor_km", v ? u->impact.semi_minor_m / 1e3 : (double)NAN);
            json_num(e, "impact_ellipse_azimuth_deg", v ? u->impact.orientation_rad / BMD_DEG : (double)NAN);
            cJSON_AddBoolToObject(e, "gated", u->gated);
            cJSON_AddBoolToObject(e, "reinitiated", u->reinitiated);
            cJSON_AddItemToArray(ua, e);
        }
        json_print(r);
    } else {
        printf("%s from %.3f, %.3f to %.3f, %.3f: %d track updates (seed %llu)\n", s.threat.v.id,
               s.launch_lat, s.launch_lon, s.target_lat, s.target_lon, nu,
               (unsigned long long)s.seed);
        if (nu == 0) {
            printf("no radar confirmed a track\n");
        } else {
            printf("%10s %-18s %12s %12s %14s %14s\n", "time_s", "sensor", "pos_err_m",
                   "vel_err_m_s", "impact_err_km", "ellipse_km");
            /* A readable table: about 30 rows, always the first and the last. */
            int every = nu > 30 ? nu / 30 : 1;
            for (int i = 0; i < nu; i++) {
                if (i % every != 0 && i != nu - 1)
                    continue;
                const bmd_track_sample *u = &up[i];
                char ie[32] = "-";
                char el[32] = "-";
                if (u->impact.valid && isfinite(u->impact_error_m))
                    snprintf(ie, sizeof ie, "%.3f", u->impact_error_m / 1e3);
                if (u->impact.valid && isfinite(u->impact.semi_major_m) &&
                    isfinite(u->impact.semi_minor_m))
                    snprintf(el, sizeof el, "%.2f x %.2f", u->impact.semi_major_m / 1e3,
                             u->impact.semi_minor_m / 1e3);
                printf("%10.1f %-18s %12.1f %12.3f %14s %14s%s\n", u->t_s,
                       s.radars[u->sensor].id, u->position_error_m, u->velocity_error_m_s, ie, el,
                       u->gated ? " (gated)" : u->reinitiated ? " (track lost: reinitiated)" : "");
            }
        }
    }
    free(up);
    scene_free(&s);
    return EXIT_OK;
}
