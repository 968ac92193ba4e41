/* SPDX-License-Identifier: MIT */
/* cmd_feasibility.c: bmdsim feasibility: can this interceptor, from this site, cued by these
 * sensors, engage this missile; and if not, why not. bmdsim threshold: the least burnout speed
 * at which it could. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scene.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim feasibility --threat ID --launch LAT,LON --target LAT,LON --site LAT,LON\n"
    "                          --interceptor ID|FILE [--site-altitude-m H]\n"
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


static const char help_threshold[] =
    "usage: bmdsim threshold --threat ID --launch LAT,LON --target LAT,LON --site LAT,LON\n"
    "                        [--interceptor ID|FILE] [--site-altitude-m H]\n"
    "                        [--cue ideal|early-warning|forward-radar|site-radar]\n"
    "                        [--seed S] [--format json|text]\n"
    "\n"
    "The least burnout speed at which an interceptor from the site could engage the threat: the\n"
    "interceptor (default sm3-iib; its kill vehicle's limits are kept) scaled to each burnout\n"
    "speed as bmdsim feasibility --burnout-speed-km-s does, and the speed found by bisection\n"
    "between 1 and 9 km/s to 0.05 km/s. Prints min_burnout_speed_km_s (null when even 9 km/s does\n"
    "not suffice) with the window at that speed, and the reason at the speed just below. The\n"
    "bisection assumes that a faster interceptor engages whatever a slower one does; the answer\n"
    "is checked: engageable at the speed found, not 0.05 km/s below. Cue modes as feasibility.\n";

/* What feasibility and threshold share: the threat flown, the site, the interceptor, and the
 * earliest launch from the cue mode. */
typedef struct feas {
    bmd_catalog *cat;
    bmd_missile thr;
    bool thr_owned;
    bmd_trajectory tr;
    const bmd_missile *im;
    bmd_missile im_file;   /* an interceptor given as a file */
    bool im_owned;
    const char *iid;
    double lat, lon, tlat, tlon, slat, slon, sh;
    const cue_mode *cm;
    uint64_t seed;
    double t_min;
    bool json;
} feas;

static void feas_free(feas *f)
{
    bmd_traj_free(&f->tr);
    if (f->thr_owned)
        bmd_missile_free(&f->thr);
    if (f->im_owned)
        bmd_missile_free(&f->im_file);
    f->im_owned = false;
    bmd_catalog_free(f->cat);
    f->cat = NULL;
}

/* Parse the shared options, fly the threat, and find the earliest launch. */
static int feas_setup(feas *f, const char *C, const opts *o, const char *default_interceptor)
{
    memset(f, 0, sizeof *f);
    bmd_traj_init(&f->tr);
    if (o->n_pos) {
        cli_error(C, "unexpected argument \"%s\" (see bmdsim %s --help)", o->pos[0], C);
        return EXIT_USAGE;
    }
    if (!parse_format(C, o, &f->json))
        return EXIT_USAGE;
    static const char *const need[] = {"threat", "launch", "target", "site", "interceptor", NULL};
    for (const char *const *k = need; *k; k++)
        if (!opt_has(o, *k) && !(strcmp(*k, "interceptor") == 0 && default_interceptor)) {
            cli_error(C, "--%s is required (see bmdsim %s --help)", *k, C);
            return EXIT_USAGE;
        }
    f->sh = 0.0;
    if (!parse_latlon(C, "launch", opt_get(o, "launch"), &f->lat, &f->lon, NULL) ||
        !parse_latlon(C, "target", opt_get(o, "target"), &f->tlat, &f->tlon, NULL) ||
        !parse_latlon(C, "site", opt_get(o, "site"), &f->slat, &f->slon, NULL))
        return EXIT_USAGE;
    if (opt_has(o, "site-altitude-m")) {
        if (!parse_double(C, "site-altitude-m", opt_get(o, "site-altitude-m"), &f->sh))
            return EXIT_USAGE;
        if (f->sh < -500.0 || f->sh > 6000.0) {
            cli_error(C, "--site-altitude-m: %g m is outside [-500, 6000] m (a site under the sea "
                         "floor or in the air)",
                      f->sh);
            return EXIT_USAGE;
        }
    }
    f->cm = &modes[0];
    if (opt_has(o, "cue")) {
        const char *c = opt_get(o, "cue");
        f->cm = NULL;
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(c, modes[i].name) == 0)
                f->cm = &modes[i];
        if (!f->cm) {
            cli_error(C, "--cue: \"%s\": expected ideal, early-warning, forward-radar or site-radar",
                      c);
            return EXIT_USAGE;
        }
    }
    f->seed = 1;
    if (opt_has(o, "seed")) {
        double s;
        if (!parse_double(C, "seed", opt_get(o, "seed"), &s) || s < 0.0 || s != floor(s)) {
            cli_error(C, "--seed: expected a non-negative integer");
            return EXIT_USAGE;
        }
        f->seed = (uint64_t)s;
    }
    f->cat = cli_catalog(C);
    if (!f->cat)
        return EXIT_USAGE;
    if (!cli_vehicle(C, "threat", opt_get(o, "threat"), f->cat, &f->thr, &f->thr_owned))
        return EXIT_USAGE;
    f->iid = opt_has(o, "interceptor") ? opt_get(o, "interceptor") : default_interceptor;
    f->im = bmd_catalog_find_interceptor(f->cat, f->iid);
    if (!f->im && cli_looks_like_file(f->iid)) {
        /* A vehicle file in the catalog's own format, with its kill_vehicle section. */
        if (!cli_vehicle(C, "interceptor", f->iid, f->cat, &f->im_file, &f->im_owned))
            return EXIT_USAGE;
        if (!f->im_file.interceptor) {
            cli_error(C, "--interceptor: %s is a missile file, not an interceptor (it has no "
                         "kill_vehicle section)",
                      f->iid);
            return EXIT_USAGE;
        }
        f->im = &f->im_file;
    }
    if (!f->im) {
        char ids[400] = "";
        size_t used = 0;
        for (int i = 0; i < f->cat->n_interceptors && used < sizeof ids - 40; i++)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                     f->cat->interceptors[i].v.id);
        cli_error(C, "--interceptor: unknown interceptor \"%s\" (catalog: %s)", f->iid, ids);
        return EXIT_USAGE;
    }
    int rc = scene_fly_threat(C, &f->thr, f->lat, f->lon, f->tlat, f->tlon, &f->tr);
    if (rc != EXIT_OK)
        return rc;
    /* Earliest launch from the cue mode. */
    const cue_mode *cm = f->cm;
    f->t_min = 0.0;
    if (cm->sensor) {
        double t_cue = 0.0;
        const bmd_sensor_entry *se = bmd_catalog_find_sensor(f->cat, cm->sensor);
        if (!se) {
            cli_error(C, "--cue %s: the catalog has no sensor %s", cm->name, cm->sensor);
            return EXIT_USAGE;
        }
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = f->seed;
        if (se->kind == BMD_SENSOR_EARLY_WARNING) {
            bmd_ew_report rep;
            bmd_rng rng = {f->seed, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
            if (bmd_ew_observe(&se->ew, &f->tr, rng, &rep) != BMD_OK) {
                cli_error(C, "early warning failed");
                return EXIT_INTERNAL;
            }
            t_cue = rep.detected ? rep.t_cue_s : HUGE_VAL;
        } else {
            bmd_radar r = se->radar;
            if (cm->at_site) {
                r.lat_rad = f->slat * BMD_DEG;
                r.lon_rad = f->slon * BMD_DEG;
                r.h_m = f->sh + 25.0;
            }
            bmd_sensor_timeline tl;
            if (bmd_detect(&f->tr, &f->thr.sig, &r, 1, &so, &tl, NULL) != BMD_OK) {
                cli_error(C, "detection failed");
                return EXIT_INTERNAL;
            }
            t_cue = isfinite(tl.track_confirmed_s) ? tl.track_confirmed_s : HUGE_VAL;
        }
        f->t_min = t_cue + cm->delay_s;
    }
    return EXIT_OK;
}

/* The window of the interceptor, scaled to burnout speed vbo_km_s (NaN: as in the catalog).
 * EXIT_NO_SOLUTION when it cannot be scaled to that speed (said on stderr unless quiet). */
static int feas_window(const feas *f, const char *C, double vbo_km_s, bool quiet, bmd_intercept *w)
{
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_vehicle iv = f->im->v;
    if (isfinite(vbo_km_s) &&
        bmd_interceptor_scaled(&f->im->v, vbo_km_s * 1e3, f->slat * BMD_DEG, f->slon * BMD_DEG,
                               &fo, &iv) != BMD_OK) {
        if (!quiet)
            cli_error(C, "%s cannot be scaled to a burnout speed of %g km/s", f->iid, vbo_km_s);
        return EXIT_NO_SOLUTION;
    }
    bmd_flyout *fly = NULL;
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    bmd_status sb =
        bmd_flyout_build(&iv, f->slat * BMD_DEG, f->slon * BMD_DEG, f->sh, &fo, &fop, &fly);
    if (sb != BMD_OK) {
        cli_error(C, "--interceptor %s: its fly-out could not be built: %s", f->iid,
                  bmd_status_str(sb));
        return EXIT_INTERNAL;
    }
    bmd_status si = bmd_intercept_solve(&f->tr, fly, &f->im->kv, f->t_min, 1.0, w);
    bmd_flyout_free(fly);
    if (si != BMD_OK) {
        cli_error(C, "the intercept solver failed");
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

static void window_json(cJSON *r, const bmd_intercept *w)
{
    cJSON_AddBoolToObject(r, "engageable", w->engageable);
    cJSON_AddStringToObject(r, "reason", bmd_intercept_reason_str(w->reason));
    json_num(r, "earliest_launch_s", w->earliest_launch_s);
    json_num(r, "earliest_intercept_s", w->earliest_intercept_s);
    json_num(r, "latest_intercept_s", w->latest_intercept_s);
    json_num(r, "intercept_altitude_km", w->intercept_altitude_m / 1e3);
    json_num(r, "closing_speed_km_s", w->closing_speed_m_s / 1e3);
    json_num(r, "crossing_angle_deg", w->crossing_angle_rad / BMD_DEG);
    json_num(r, "intercept_range_km", w->intercept_range_m / 1e3);
    json_num(r, "intercept_lat_deg", w->intercept_lat_rad / BMD_DEG);
    json_num(r, "intercept_lon_deg", w->intercept_lon_rad / BMD_DEG);
    json_num(r, "flyout_s", w->flyout_s);
    json_num(r, "margin_s", w->margin_s);
}

static void window_text(const bmd_intercept *w, double t_min)
{
    printf("  %-26s %s\n", "engageable", w->engageable ? "yes" : "no");
    printf("  %-26s %s\n", "reason", bmd_intercept_reason_str(w->reason));
    if (isfinite(t_min))
        text_row("earliest launch allowed", t_min, "s", 1);
    else
        printf("  %-26s %14s\n", "earliest launch allowed", "never (no track)");
    text_row("earliest launch", w->earliest_launch_s, "s", 1);
    text_row("earliest intercept", w->earliest_intercept_s, "s", 1);
    text_row("latest intercept", w->latest_intercept_s, "s", 1);
    text_row("intercept altitude", w->intercept_altitude_m / 1e3, "km", 1);
    text_row("intercept ground range", w->intercept_range_m / 1e3, "km", 1);
    text_row("closing speed", w->closing_speed_m_s / 1e3, "km/s", 2);
    text_row("crossing angle", w->crossing_angle_rad / BMD_DEG, "deg", 1);
    if (!w->engageable && w->reason == BMD_INT_TOO_LATE)
        text_row("launch needed earlier by", w->margin_s, "s", 1);
}


int cmd_feasibility(int argc, char **argv)
{
    static const char *C = "feasibility";
    opts o;
    int begun = opts_begin(&o, C, spec_feasibility, argc, argv, help);
    if (begun >= 0)
        return begun;
    double vbo = NAN;
    if (opt_has(&o, "burnout-speed-km-s")) {
        if (!parse_double(C, "burnout-speed-km-s", opt_get(&o, "burnout-speed-km-s"), &vbo))
            return EXIT_USAGE;
        if (!(vbo > 0.5 && vbo <= 11.0)) {
            cli_error(C, "--burnout-speed-km-s: %g is outside (0.5, 11] km/s", vbo);
            return EXIT_USAGE;
        }
    }
    feas f;
    int rc = feas_setup(&f, C, &o, NULL);
    bmd_intercept w;
    if (rc == EXIT_OK)
        rc = feas_window(&f, C, vbo, false, &w);
    if (rc != EXIT_OK) {
        feas_free(&f);
        return rc;
    }
    if (f.json) {
        cJSON *r = cJSON_CreateObject();
        window_json(r, &w);
        cJSON_AddStringToObject(r, "cue", f.cm->name);
        json_num(r, "earliest_launch_allowed_s", f.t_min);
        cJSON_AddStringToObject(r, "threat", f.thr.v.id);
        cJSON_AddStringToObject(r, "interceptor", f.im->v.id);
        json_num(r, "threat_flight_time_s", f.tr.sum.flight_time_s);
        json_print(r);
    } else {
        printf("%s from %.3f, %.3f to %.3f, %.3f (flight %.0f s) against %s at %.3f, %.3f, cue %s\n",
               f.thr.v.id, f.lat, f.lon, f.tlat, f.tlon, f.tr.sum.flight_time_s, f.im->v.id, f.slat,
               f.slon, f.cm->name);
        if (isfinite(vbo))
            printf("interceptor scaled to a burnout speed of %.2f km/s\n", vbo);
        window_text(&w, f.t_min);
    }
    feas_free(&f);
    return EXIT_OK;
}

int cmd_threshold(int argc, char **argv)
{
    static const char *C = "threshold";
    opts o;
    int begun = opts_begin(&o, C, spec_feasibility, argc, argv, help_threshold);
    if (begun >= 0)
        return begun;
    if (opt_has(&o, "burnout-speed-km-s")) {
        cli_error(C, "--burnout-speed-km-s: threshold finds it (see bmdsim threshold --help)");
        return EXIT_USAGE;
    }
    feas f;
    int rc = feas_setup(&f, C, &o, "sm3-iib");
    if (rc != EXIT_OK) {
        feas_free(&f);
        return rc;
    }
    /* Bisection on the burnout speed between 1 and 9 km/s, to 0.05 km/s. The top comes down
     * by 0.5 km/s steps while the interceptor cannot be scaled to it (its stages give the
     * scaling a limit); at the bottom, a speed it cannot be scaled to engages nothing. */
    double lo0 = 1.0;
    double hi0 = 9.0;
    const double tol = 0.05;
    bmd_intercept w_hi;
    bmd_intercept w_lo;
    memset(&w_hi, 0, sizeof w_hi);
    memset(&w_lo, 0, sizeof w_lo);
    int evals = 0;
    prog_unit(10.0, "tables"); /* the share below counts about ten tables */
    for (;;) {
        prog_update(0.0, "threshold: fly-out tables");
        rc = feas_window(&f, C, hi0, true, &w_hi);
        evals++;
        if (rc != EXIT_NO_SOLUTION || hi0 - 0.5 <= lo0)
            break;
        hi0 -= 0.5;
    }
    if (rc == EXIT_NO_SOLUTION)
        cli_error(C, "%s cannot be scaled to any burnout speed from %g to 9 km/s", f.iid, lo0);
    double found = NAN;
    if (rc == EXIT_OK && w_hi.engageable) {
        rc = feas_window(&f, C, lo0, true, &w_lo);
        evals++;
        if (rc == EXIT_NO_SOLUTION) {
            rc = EXIT_OK;
            memset(&w_lo, 0, sizeof w_lo);
            w_lo.reason = BMD_INT_OUT_OF_REACH;
        }
        if (rc == EXIT_OK && w_lo.engageable) {
            found = lo0;
            w_hi = w_lo;
        } else if (rc == EXIT_OK) {
            double lo = lo0;
            double hi = hi0;
            while (rc == EXIT_OK && hi - lo > tol) {
                double mid = 0.5 * (lo + hi);
                bmd_intercept w;
                /* About ten tables in all: 2 ends, then the bisection down to tol. */
                prog_update(fmin(1.0, evals / 10.0), "threshold: fly-out tables");
                rc = feas_window(&f, C, mid, true, &w);
                evals++;
                if (rc == EXIT_NO_SOLUTION) { /* too weak to be scaled there: engages nothing */
                    rc = EXIT_OK;
                    lo = mid;
                    continue;
                }
                if (rc != EXIT_OK)
                    break;
                if (w.engageable) {
                    hi = mid;
                    w_hi = w;
                } else {
                    lo = mid;
                    w_lo = w;
                }
            }
            found = hi;
        }
    }
    prog_done();
    if (rc != EXIT_OK) {
        feas_free(&f);
        return rc;
    }
    if (f.json) {
        cJSON *r = cJSON_CreateObject();
        json_num(r, "min_burnout_speed_km_s", found);
        json_num(r, "max_burnout_speed_tried_km_s", hi0);
        cJSON_AddStringToObject(r, "interceptor", f.im->v.id);
        cJSON_AddStringToObject(r, "cue", f.cm->name);
        json_num(r, "earliest_launch_allowed_s", f.t_min);
        cJSON_AddStringToObject(r, "threat", f.thr.v.id);
        json_num(r, "threat_flight_time_s", f.tr.sum.flight_time_s);
        cJSON_AddNumberToObject(r, "evaluations", evals);
        cJSON *at = cJSON_AddObjectToObject(r, "at_threshold");
        window_json(at, &w_hi);
        if (isfinite(found) && found > lo0)
            cJSON_AddStringToObject(r, "reason_below", bmd_intercept_reason_str(w_lo.reason));
        json_print(r);
    } else {
        printf("%s from %.3f, %.3f to %.3f, %.3f (flight %.0f s) against %s scaled, at %.3f, "
               "%.3f, cue %s\n",
               f.thr.v.id, f.lat, f.lon, f.tlat, f.tlon, f.tr.sum.flight_time_s, f.im->v.id, f.slat,
               f.slon, f.cm->name);
        if (!isfinite(found)) {
            printf("  no burnout speed up to %.1f km/s suffices: %s\n", hi0,
                   bmd_intercept_reason_str(w_hi.reason));
        } else {
            printf("  %-26s %14.2f km/s (%d fly-out tables)\n", "least burnout speed", found,
                   evals);
            if (found > lo0)
                printf("  %-26s %s\n", "just below it", bmd_intercept_reason_str(w_lo.reason));
            printf("at that speed:\n");
            window_text(&w_hi, f.t_min);
        }
    }
    feas_free(&f);
    return EXIT_OK;
}
