/* SPDX-License-Identifier: MIT */
/* cmd_feasibility.c: bmdsim feasibility: can this interceptor, from this site, cued by these
 * sensors, engage this missile; and if not, why not. */
#include <math.h>
#include <string.h>

#include "scene.h"

static const char help[] =
    "usage: bmdsim feasibility --threat ID --launch LAT,LON --target LAT,LON --site LAT,LON\n"
    "                          --interceptor ID [--site-altitude-m H]\n"
    "                          [--cue ideal|early-warning|forward-radar|site-radar]\n"
    "                          [--burnout-speed-km-s V] [--seed S] [--format json|text]\n"
    "\n"
    "Flies the threat to its target, builds the interceptor's fly-out table at the site (a fan of\n"
    "trajectories on the full model) and finds the window of feasible intercepts.\n"
    "  --cue ideal           the threat is known perfectly from its launch: the kinematic bound\n"
    "  --cue early-warning   launch on the SBIRS cue, plus a 30 s decision\n"
    "  --cue forward-radar   launch on the AN/TPY-2 track at Kurecik, plus 30 s of command and\n"
    "                        control (C2BMC at Ramstein)\n"
    "  --cue site-radar      launch on a SPY-1 track from the site itself, plus 10 s\n"
    "                        (the timelines and their sources: docs/defense.md)\n"
    "  --burnout-speed-km-s  scale the interceptor to this burnout speed (for sweeps)\n"
    "Prints engageable, reason, earliest_launch_s, earliest_intercept_s, latest_intercept_s,\n"
    "intercept_altitude_km (at the earliest intercept), closing_speed_km_s; times from the\n"
    "threat's launch.\n";

/* The cue modes: which catalog sensor, where, and the decision delay after its track or cue.
 * The delays are notional [U]: see docs/defense.md for the reasoning and sources. */
typedef struct cue_mode {
    const char *name;
    const char *sensor;      /* catalog sensor; NULL: ideal */
    bool at_site;            /* the sensor is placed at the interceptor site */
    double delay_s;
} cue_mode;

static const cue_mode modes[] = {
    {"ideal", NULL, false, 0.0},
    {"early-warning", "sbirs", false, 30.0},
    {"forward-radar", "tpy-2", false, 30.0},
    {"site-radar", "spy-1d", true, 10.0},
};

int cmd_feasibility(int argc, char **argv)
{
    static const char *C = "feasibility";
    static const opt_spec spec[] = {{"threat", true},      {"launch", true},
                                    {"target", true},      {"site", true},
                                    {"interceptor", true}, {"site-altitude-m", true},
                                    {"cue", true},         {"burnout-speed-km-s", true},
                                    {"seed", true},        {"format", true},
                                    {"help", false},       {0}};
    opts o;
    if (!opts_parse(&o, C, spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(&o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (o.n_pos) {
        cli_error(C, "unexpected argument \"%s\" (see bmdsim feasibility --help)", o.pos[0]);
        return EXIT_USAGE;
    }
    bool json;
    if (!parse_format(C, &o, &json))
        return EXIT_USAGE;
    static const char *const need[] = {"threat", "launch", "target", "site", "interceptor", NULL};
    for (const char *const *k = need; *k; k++)
        if (!opt_has(&o, *k)) {
            cli_error(C, "--%s is required (see bmdsim feasibility --help)", *k);
            return EXIT_USAGE;
        }
    double lat;
    double lon;
    double tlat;
    double tlon;
    double slat;
    double slon;
    double sh = 0.0;
    if (!parse_latlon(C, "launch", opt_get(&o, "launch"), &lat, &lon, NULL) ||
        !parse_latlon(C, "target", opt_get(&o, "target"), &tlat, &tlon, NULL) ||
        !parse_latlon(C, "site", opt_get(&o, "site"), &slat, &slon, NULL))
        return EXIT_USAGE;
    if (opt_has(&o, "site-altitude-m")) {
        if (!parse_double(C, "site-altitude-m", opt_get(&o, "site-altitude-m"), &sh))
            return EXIT_USAGE;
        if (sh < -500.0 || sh > 6000.0) {
            cli_error(C, "--site-altitude-m: %g m is outside [-500, 6000] m (a site under the sea "
                         "floor or in the air)",
                      sh);
            return EXIT_USAGE;
        }
    }
    const cue_mode *cm = &modes[0];
    if (opt_has(&o, "cue")) {
        const char *c = opt_get(&o, "cue");
        cm = NULL;
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(c, modes[i].name) == 0)
                cm = &modes[i];
        if (!cm) {
            cli_error(C, "--cue: \"%s\": expected ideal, early-warning, forward-radar or site-radar",
                      c);
            return EXIT_USAGE;
        }
    }
    double vbo = NAN;
    if (opt_has(&o, "burnout-speed-km-s")) {
        if (!parse_double(C, "burnout-speed-km-s", opt_get(&o, "burnout-speed-km-s"), &vbo))
            return EXIT_USAGE;
        if (!(vbo > 0.5 && vbo <= 11.0)) {
            cli_error(C, "--burnout-speed-km-s: %g is outside (0.5, 11] km/s", vbo);
            return EXIT_USAGE;
        }
    }
    uint64_t seed = 1;
    if (opt_has(&o, "seed")) {
        double s;
        if (!parse_double(C, "seed", opt_get(&o, "seed"), &s) || s < 0.0 || s != floor(s)) {
            cli_error(C, "--seed: expected a non-negative integer");
            return EXIT_USAGE;
        }
        seed = (uint64_t)s;
    }
    bmd_catalog *cat = cli_catalog(C);
    if (!cat)
        return EXIT_USAGE;
    int rc = EXIT_OK;
    bmd_missile thr;
    bool thr_owned = false;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_flyout *fly = NULL;
    if (!cli_vehicle(C, "threat", opt_get(&o, "threat"), cat, &thr, &thr_owned)) {
        bmd_catalog_free(cat);
        return EXIT_USAGE;
    }
    const char *iid = opt_get(&o, "interceptor");
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, iid);
    if (!im) {
        char ids[400] = "";
        size_t used = 0;
        for (int i = 0; i < cat->n_interceptors && used < sizeof ids - 40; i++)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                     cat->interceptors[i].v.id);
        cli_error(C, "--interceptor: unknown interceptor \"%s\" (catalog: %s)", iid, ids);
        rc = EXIT_USAGE;
        goto done;
    }
    rc = scene_fly_threat(C, &thr, lat, lon, tlat, tlon, &tr);
    if (rc != EXIT_OK)
        goto done;
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_vehicle iv = im->v;
    if (isfinite(vbo)) {
        bmd_status ss = bmd_interceptor_scaled(&im->v, vbo * 1e3, slat * BMD_DEG, slon * BMD_DEG,
                                               &fo, &iv);
        if (ss != BMD_OK) {
            cli_error(C, "--burnout-speed-km-s: %s cannot be scaled to %g km/s", iid, vbo);
            rc = EXIT_NO_SOLUTION;
            goto done;
        }
    }
    /* Earliest launch from the cue mode. */
    double t_min = 0.0;
    double t_cue = 0.0;
    if (cm->sensor) {
        const bmd_sensor_entry *se = bmd_catalog_find_sensor(cat, cm->sensor);
        if (!se) {
            cli_error(C, "--cue %s: the catalog has no sensor %s", cm->name, cm->sensor);
            rc = EXIT_USAGE;
            goto done;
        }
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = seed;
        if (se->kind == BMD_SENSOR_EARLY_WARNING) {
            bmd_ew_report rep;
            bmd_rng rng = {seed, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
            if (bmd_ew_observe(&se->ew, &tr, rng, &rep) != BMD_OK) {
                cli_error(C, "early warning failed");
                rc = EXIT_INTERNAL;
                goto done;
            }
            t_cue = rep.detected ? rep.t_cue_s : HUGE_VAL;
        } else {
            bmd_radar r = se->radar;
            if (cm->at_site) {
                r.lat_rad = slat * BMD_DEG;
                r.lon_rad = slon * BMD_DEG;
                r.h_m = sh + 25.0;
            }
            bmd_sensor_timeline tl;
            if (bmd_detect(&tr, &thr.sig, &r, 1, &so, &tl, NULL) != BMD_OK) {
                cli_error(C, "detection failed");
                rc = EXIT_INTERNAL;
                goto done;
            }
            t_cue = isfinite(tl.track_confirmed_s) ? tl.track_confirmed_s : HUGE_VAL;
        }
        t_min = t_cue + cm->delay_s;
    }
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    bmd_status sb = bmd_flyout_build(&iv, slat * BMD_DEG, slon * BMD_DEG, sh, &fo, &fop, &fly);
    if (sb != BMD_OK) {
        cli_error(C, "--interceptor %s: its fly-out could not be built: %s", iid, bmd_status_str(sb));
        rc = EXIT_INTERNAL;
        goto done;
    }
    bmd_intercept w;
    if (bmd_intercept_solve(&tr, fly, &im->kv, t_min, 1.0, &w) != BMD_OK) {
        cli_error(C, "the intercept solver failed");
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddBoolToObject(r, "engageable", w.engageable);
        cJSON_AddStringToObject(r, "reason", bmd_intercept_reason_str(w.reason));
        json_num(r, "earliest_launch_s", w.earliest_launch_s);
        json_num(r, "earliest_intercept_s", w.earliest_intercept_s);
        json_num(r, "latest_intercept_s", w.latest_intercept_s);
        json_num(r, "intercept_altitude_km", w.intercept_altitude_m / 1e3);
        json_num(r, "closing_speed_km_s", w.closing_speed_m_s / 1e3);
        json_num(r, "crossing_angle_deg", w.crossing_angle_rad / BMD_DEG);
        json_num(r, "intercept_range_km", w.intercept_range_m / 1e3);
        json_num(r, "intercept_lat_deg", w.intercept_lat_rad / BMD_DEG);
        json_num(r, "intercept_lon_deg", w.intercept_lon_rad / BMD_DEG);
        json_num(r, "flyout_s", w.flyout_s);
        json_num(r, "margin_s", w.margin_s);
        cJSON_AddStringToObject(r, "cue", cm->name);
        json_num(r, "earliest_launch_allowed_s", t_min);
        cJSON_AddStringToObject(r, "threat", thr.v.id);
        cJSON_AddStringToObject(r, "interceptor", iid);
        json_num(r, "threat_flight_time_s", tr.sum.flight_time_s);
        json_print(r);
    } else {
        printf("%s from %.3f, %.3f to %.3f, %.3f (flight %.0f s) against %s at %.3f, %.3f, cue %s\n",
               thr.v.id, lat, lon, tlat, tlon, tr.sum.flight_time_s, iid, slat, slon, cm->name);
        if (isfinite(vbo))
            printf("interceptor scaled to a burnout speed of %.2f km/s\n", vbo);
        printf("  %-26s %s\n", "engageable", w.engageable ? "yes" : "no");
        printf("  %-26s %s\n", "reason", bmd_intercept_reason_str(w.reason));
        if (isfinite(t_min))
            text_row("earliest launch allowed", t_min, "s", 1);
        else
            printf("  %-26s %14s\n", "earliest launch allowed", "never (no track)");
        text_row("earliest launch", w.earliest_launch_s, "s", 1);
        text_row("earliest intercept", w.earliest_intercept_s, "s", 1);
        text_row("latest intercept", w.latest_intercept_s, "s", 1);
        text_row("intercept altitude", w.intercept_altitude_m / 1e3, "km", 1);
        text_row("intercept ground range", w.intercept_range_m / 1e3, "km", 1);
        text_row("closing speed", w.closing_speed_m_s / 1e3, "km/s", 2);
        text_row("crossing angle", w.crossing_angle_rad / BMD_DEG, "deg", 1);
        if (!w.engageable && w.reason == BMD_INT_TOO_LATE)
            text_row("launch needed earlier by", w.margin_s, "s", 1);
    }
done:
    bmd_flyout_free(fly);
    bmd_traj_free(&tr);
    if (thr_owned)
        bmd_missile_free(&thr);
    bmd_catalog_free(cat);
    return rc;
}
