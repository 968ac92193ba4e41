/* SPDX-License-Identifier: MIT */
/* cmd_trajectory.c: bmdsim trajectory: fly a missile to a target, to maximum range on an azimuth,
 * with given guidance, or freely from a burnout state. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim trajectory --missile ID|FILE --launch LAT,LON\n"
    "                         (--target LAT,LON [--shape minimum-energy|lofted|depressed]\n"
    "                                           [--apogee-km A]\n"
    "                          | --azimuth DEG --max-range\n"
    "                          | --azimuth DEG --kick-deg K [--cutoff-s T])\n"
    "       bmdsim trajectory --burnout SPEED_KM_S,GAMMA_DEG,AZIMUTH_DEG --launch LAT,LON\n"
    "                         [--burnout-altitude-km H] [--ballistic-coefficient-kg-m2 B]\n"
    "   common: [--earth wgs84|sphere] [--no-rotation] [--no-atmosphere] [--no-j2]\n"
    "           [--tolerance-m T]\n"
    "           [--format json|text] [--samples FILE.csv [--sample-interval-s DT]]\n"
    "\n"
    "Flies a 3-DOF point mass over the Earth model (default: WGS-84, rotating, J2, U.S. Standard\n"
    "Atmosphere 1976) with an adaptive Dormand-Prince 5(4) integrator.\n"
    "  --missile      a catalog id (bmdsim catalog) or a vehicle file (docs/catalog.md)\n"
    "  --launch       launch point, geodetic degrees (LAT,LON or LAT,LON,HEIGHT_M)\n"
    "  --target       aim point; the solver finds azimuth, pitch-over kick and thrust cutoff\n"
    "  --shape        minimum-energy (least propellant), lofted or depressed (every stage burnt,\n"
    "                 or with --apogee-km: that apogee); default: the missile's own\n"
    "  --max-range    the full-burn maximum range on --azimuth\n"
    "  --kick-deg     fly given guidance: pitch-over angle from vertical; --cutoff-s thrust end\n"
    "  --burnout      free flight from speed (km/s, relative to the rotating Earth), flight-path\n"
    "                 angle and azimuth (degrees, local geodetic frame) at --launch; no drag\n"
    "                 unless --ballistic-coefficient-kg-m2 B (m/(Cd A), constant Cd)\n"
    "  --earth sphere a sphere of radius 6371008.8 m; --no-rotation, --no-j2, --no-atmosphere\n"
    "  --tolerance-m  integrator error allowed per step: T m of position, T/1000 m/s of\n"
    "                 velocity (default 0.01: impact points within a few metres of converged)\n"
    "  --samples      CSV: time_s,lat_deg,lon_deg,altitude_km,speed_km_s,downrange_km (speed\n"
    "                 relative to the rotating Earth); with DT, rows every DT s plus the impact\n"
    "Prints range_km, flight_time_s, apogee_km, burnout_time_s, burnout_speed_km_s,\n"
    "burnout_altitude_km, impact_lat_deg, impact_lon_deg and, with --target, miss_distance_km.\n";


static const char *C = "trajectory";

static const char *event_name(bmd_flight_event_kind k)
{
    switch (k) {
    case BMD_EV_STAGING: return "staging";
    case BMD_EV_BURNOUT: return "burnout";
    case BMD_EV_APOGEE: return "apogee";
    case BMD_EV_ALTITUDE: return "altitude";
    case BMD_EV_IMPACT: return "impact";
    }
    return "event";
}

/* Append one CSV row. */
static bool csv_row(char **buf, size_t *len, size_t *cap, const bmd_trajectory *tr, double t)
{
    double lat;
    double lon;
    double h;
    double sp;
    if (bmd_traj_geodetic(tr, t, &lat, &lon, &h, &sp) != BMD_OK)
        return true;
    double down = 0.0;
    bmd_geodesic_inverse(&tr->earth, tr->sum.launch_lat_rad, tr->sum.launch_lon_rad, lat, lon,
                         &down, NULL, NULL);
    if (*cap - *len < 256) {
        size_t nc = *cap * 2 + 4096;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return false;
        *buf = nb;
        *cap = nc;
    }
    *len += (size_t)snprintf(*buf + *len, *cap - *len, "%.6f,%.8f,%.8f,%.6f,%.6f,%.6f\n", t,
                             lat / BMD_DEG, lon / BMD_DEG, h / 1e3, sp / 1e3, down / 1e3);
    return true;
}

static bool write_samples(const char *path, const bmd_trajectory *tr, double dt)
{
    size_t cap = 65536;
    size_t len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        cli_error(C, "out of memory");
        return false;
    }
    len += (size_t)snprintf(buf, cap, "time_s,lat_deg,lon_deg,altitude_km,speed_km_s,downrange_km\n");
    bool ok = true;
    if (dt > 0.0) {
        for (long k = 0;; k++) {
            double t = tr->t_start_s + (double)k * dt;
            if (t >= tr->t_end_s)
                break;
            ok = ok && csv_row(&buf, &len, &cap, tr, t);
        }
    } else {
        for (int i = 0; i < tr->n_seg; i++)
            if (tr->seg[i].t0 < tr->t_end_s)
                ok = ok && csv_row(&buf, &len, &cap, tr, tr->seg[i].t0);
    }
    ok = ok && csv_row(&buf, &len, &cap, tr, tr->t_end_s);
    if (!ok) {
        cli_error(C, "out of memory");
        free(buf);
        return false;
    }
    ok = write_file_atomic(C, path, buf, len);
    free(buf);
    return ok;
}

int cmd_trajectory(int argc, char **argv)
{
    opts o;
    int begun = opts_begin(&o, C, spec_trajectory, argc, argv, help);
    if (begun >= 0)
        return begun;
    if (o.n_pos) {
        cli_error(C, "unexpected argument \"%s\" (see bmdsim trajectory --help)", o.pos[0]);
        return EXIT_USAGE;
    }
    bool json;
    if (!parse_format(C, &o, &json))
        return EXIT_USAGE;

    /* Model switches. */
    bmd_earth_shape shape = BMD_EARTH_WGS84;
    const char *es = opt_get(&o, "earth");
    if (es && strcmp(es, "sphere") == 0)
        shape = BMD_EARTH_SPHERE;
    else if (es && strcmp(es, "wgs84") != 0) {
        cli_error(C, "--earth: \"%s\": expected wgs84 or sphere", es);
        return EXIT_USAGE;
    }
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.earth = bmd_earth_make(shape, !opt_has(&o, "no-rotation"), !opt_has(&o, "no-j2"));
    fo.atmosphere = !opt_has(&o, "no-atmosphere");
    if (opt_has(&o, "tolerance-m")) {
        double tol;
        if (!parse_double(C, "tolerance-m", opt_get(&o, "tolerance-m"), &tol))
            return EXIT_USAGE;
        if (!(tol >= 1e-6 && tol <= 1e3)) {
            cli_error(C, "--tolerance-m: %g is outside [1e-6, 1000] m", tol);
            return EXIT_USAGE;
        }
        fo.atol_m = tol;
        fo.atol_m_s = tol / 1000.0;
    }
    double dt = 0.0;
    const char *samples = opt_get(&o, "samples");
    if (opt_has(&o, "sample-interval-s")) {
        if (!samples) {
            cli_error(C, "--sample-interval-s needs --samples FILE.csv");
            return EXIT_USAGE;
        }
        if (!parse_double(C, "sample-interval-s", opt_get(&o, "sample-interval-s"), &dt))
            return EXIT_USAGE;
        if (!(dt >= 1e-3)) {
            cli_error(C, "--sample-interval-s: %g s; it must be at least 0.001 s", dt);
            return EXIT_USAGE;
        }
    }

    const char *launch = opt_get(&o, "launch");
    if (!launch) {
        cli_error(C, "--launch LAT,LON is required (see bmdsim trajectory --help)");
        return EXIT_USAGE;
    }
    double lat;
    double lon;
    double lh = 0.0;
    if (!parse_latlon(C, "launch", launch, &lat, &lon, &lh))
        return EXIT_USAGE;
    if (lh < -500.0 || lh > 1e7) {
        cli_error(C, "--launch: height %g m is outside [-500, 1e7] m", lh);
        return EXIT_USAGE;
    }

    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    memset(&res, 0, sizeof res);
    res.miss_m = NAN;
    res.max_range_m = NAN;
    res.guidance.cutoff_s = INFINITY;
    const char *mode = NULL;
    bmd_status st = BMD_OK;
    bmd_catalog *cat = NULL;
    bmd_missile m;
    bool owned = false;
    memset(&m, 0, sizeof m);
    double tlat = NAN;
    double tlon = NAN;
    bmd_shape sh = BMD_SHAPE_MIN_ENERGY;
    bool have_shape = false;
    int rc = EXIT_OK;

    if (opt_has(&o, "burnout")) {
        static const char *const conflicts[] = {"missile", "target", "azimuth", "max-range",
                                                "kick-deg", "cutoff-s", "shape", "apogee-km", NULL};
        for (const char *const *c = conflicts; *c; c++)
            if (opt_has(&o, *c)) {
                cli_error(C, "--%s cannot be used with --burnout", *c);
                return EXIT_USAGE;
            }
        double b[3];
        if (!parse_list(C, "burnout", opt_get(&o, "burnout"), b, 3))
            return EXIT_USAGE;
        if (b[0] < 0.0) {
            cli_error(C, "--burnout: speed %g km/s is negative", b[0]);
            return EXIT_USAGE;
        }
        if (fabs(b[1]) > 90.0) {
            cli_error(C, "--burnout: flight-path angle %g is outside [-90, 90] degrees", b[1]);
            return EXIT_USAGE;
        }
        double hb = 0.0;
        if (opt_has(&o, "burnout-altitude-km")) {
            if (!parse_double(C, "burnout-altitude-km", opt_get(&o, "burnout-altitude-km"), &hb))
                return EXIT_USAGE;
            if (hb < 0.0 || hb > 5000.0) {
                cli_error(C, "--burnout-altitude-km: %g km is outside [0, 5000] km", hb);
                return EXIT_USAGE;
            }
        }
        if (hb <= 0.0 && b[1] <= 0.0) {
            cli_error(C, "--burnout: a state on the ground that is not climbing (flight-path angle "
                         "%g) never flies",
                      b[1]);
            return EXIT_USAGE;
        }
        double beta = 0.0;
        if (opt_has(&o, "ballistic-coefficient-kg-m2")) {
            if (!parse_double(C, "ballistic-coefficient-kg-m2",
                              opt_get(&o, "ballistic-coefficient-kg-m2"), &beta))
                return EXIT_USAGE;
            if (!(beta > 0.0)) {
                cli_error(C, "--ballistic-coefficient-kg-m2: %g must be positive", beta);
                return EXIT_USAGE;
            }
        }
        mode = "burnout";
        st = bmd_fly_free(lat * BMD_DEG, lon * BMD_DEG, hb * 1e3, b[0] * 1e3, b[1] * BMD_DEG,
                          b[2] * BMD_DEG, beta, &fo, &tr);
        if (st == BMD_ERR_UNREACHABLE) {
            cli_error(C, "--burnout: %g km/s does not come back down (at or above escape speed, or "
                         "in orbit)",
                      b[0]);
            rc = EXIT_USAGE;
            goto done;
        }
    } else {
        if (opt_has(&o, "burnout-altitude-km") || opt_has(&o, "ballistic-coefficient-kg-m2")) {
            cli_error(C, "--burnout-altitude-km and --ballistic-coefficient-kg-m2 need --burnout");
            return EXIT_USAGE;
        }
        const char *mid = opt_get(&o, "missile");
        if (!mid) {
            cli_error(C, "--missile ID (or --burnout) is required (see bmdsim trajectory --help)");
            return EXIT_USAGE;
        }
        cat = cli_catalog(C);
        if (!cat)
            return EXIT_USAGE;
        if (!cli_vehicle(C, "missile", mid, cat, &m, &owned)) {
            rc = EXIT_USAGE;
            goto done;
        }
        bool has_t = opt_has(&o, "target");
        bool has_a = opt_has(&o, "azimuth");
        if (has_t == has_a) {
            cli_error(C, "give exactly one of --target LAT,LON or --azimuth DEG");
            rc = EXIT_USAGE;
            goto done;
        }
        if (has_t) {
            if (opt_has(&o, "max-range") || opt_has(&o, "kick-deg") || opt_has(&o, "cutoff-s")) {
                cli_error(C, "--max-range, --kick-deg and --cutoff-s go with --azimuth, not --target");
                rc = EXIT_USAGE;
                goto done;
            }
            if (!parse_latlon(C, "target", opt_get(&o, "target"), &tlat, &tlon, NULL)) {
                rc = EXIT_USAGE;
                goto done;
            }
            bmd_aim aim;
            memset(&aim, 0, sizeof aim);
            aim.launch_lat_rad = lat * BMD_DEG;
            aim.launch_lon_rad = lon * BMD_DEG;
            aim.launch_h_m = lh;
            aim.target_lat_rad = tlat * BMD_DEG;
            aim.target_lon_rad = tlon * BMD_DEG;
            aim.shape = m.v.default_shape;
            aim.apogee_m = m.v.default_apogee_m;
            const char *s = opt_get(&o, "shape");
            if (s) {
                if (!bmd_shape_parse(s, &aim.shape)) {
                    cli_error(C, "--shape: \"%s\": expected minimum-energy, lofted or depressed", s);
                    rc = EXIT_USAGE;
                    goto done;
                }
                if (aim.shape != m.v.default_shape)
                    aim.apogee_m = NAN;
            }
            if (opt_has(&o, "apogee-km")) {
                double a;
                if (!parse_double(C, "apogee-km", opt_get(&o, "apogee-km"), &a)) {
                    rc = EXIT_USAGE;
                    goto done;
                }
                if (!(a > 0.0)) {
                    cli_error(C, "--apogee-km: %g must be positive", a);
                    rc = EXIT_USAGE;
                    goto done;
                }
                if (aim.shape == BMD_SHAPE_MIN_ENERGY) {
                    cli_error(C, "--apogee-km needs --shape lofted or depressed (a minimum-energy "
                                 "flight has its own apogee)");
                    rc = EXIT_USAGE;
                    goto done;
                }
                aim.apogee_m = a * 1e3;
            }
            if (aim.shape == BMD_SHAPE_MIN_ENERGY)
                aim.apogee_m = NAN;
            sh = aim.shape;
            have_shape = true;
            mode = "target";
            st = bmd_target(&m.v, &aim, &fo, &res, &tr);
            if (st == BMD_ERR_UNREACHABLE || st == BMD_ERR_NO_CONVERGE) {
                cli_error(C, "--target: %s", res.why);
                rc = EXIT_NO_SOLUTION;
                goto done;
            }
        } else {
            if (opt_has(&o, "shape") || opt_has(&o, "apogee-km")) {
                cli_error(C, "--shape and --apogee-km go with --target");
                rc = EXIT_USAGE;
                goto done;
            }
            double az;
            if (!parse_double(C, "azimuth", opt_get(&o, "azimuth"), &az)) {
                rc = EXIT_USAGE;
                goto done;
            }
            if (opt_has(&o, "max-range") == opt_has(&o, "kick-deg")) {
                cli_error(C, "--azimuth needs either --max-range or --kick-deg K");
                rc = EXIT_USAGE;
                goto done;
            }
            if (opt_has(&o, "max-range")) {
                if (opt_has(&o, "cutoff-s")) {
                    cli_error(C, "--cutoff-s goes with --kick-deg");
                    rc = EXIT_USAGE;
                    goto done;
                }
                mode = "max-range";
                st = bmd_max_range(&m.v, lat * BMD_DEG, lon * BMD_DEG, lh, az * BMD_DEG, &fo,
                                   &res, &tr);
            } else {
                double k;
                double cut = INFINITY;
                if (!parse_double(C, "kick-deg", opt_get(&o, "kick-deg"), &k)) {
                    rc = EXIT_USAGE;
                    goto done;
                }
                if (k < 0.0 || k > 90.0) {
                    cli_error(C, "--kick-deg: %g is outside [0, 90] degrees", k);
                    rc = EXIT_USAGE;
                    goto done;
                }
                if (opt_has(&o, "cutoff-s")) {
                    if (!parse_double(C, "cutoff-s", opt_get(&o, "cutoff-s"), &cut)) {
                        rc = EXIT_USAGE;
                        goto done;
                    }
                    if (!(cut > 0.0)) {
                        cli_error(C, "--cutoff-s: %g must be positive", cut);
                        rc = EXIT_USAGE;
                        goto done;
                    }
                }
                mode = "guided";
                res.guidance.azimuth_rad = az * BMD_DEG;
                res.guidance.kick_rad = k * BMD_DEG;
                res.guidance.cutoff_s = cut;
                st = bmd_fly(&m.v, lat * BMD_DEG, lon * BMD_DEG, lh, &res.guidance, &fo, &tr);
            }
            if (st == BMD_ERR_UNREACHABLE) {
                cli_error(C, "the flight does not come back down within %.0f h (orbit)",
                          fo.max_time_s / 3600.0);
                rc = EXIT_NO_SOLUTION;
                goto done;
            }
        }
    }
    if (st != BMD_OK) {
        cli_error(C, "flight failed: %s", bmd_status_str(st));
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (samples && !write_samples(samples, &tr, dt)) {
        rc = EXIT_USAGE;
        goto done;
    }

    const bmd_flight_summary *s = &tr.sum;
    bool is_burnout = strcmp(mode, "burnout") == 0;
    if (json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "mode", mode);
        if (!is_burnout)
            cJSON_AddStringToObject(r, "missile", m.v.id);
        if (have_shape)
            cJSON_AddStringToObject(r, "shape", bmd_shape_name(sh));
        cJSON *mdl = cJSON_AddObjectToObject(r, "model");
        cJSON_AddStringToObject(mdl, "earth", shape == BMD_EARTH_SPHERE ? "sphere" : "wgs84");
        cJSON_AddBoolToObject(mdl, "rotation", fo.earth.omega_rad_s != 0.0);
        cJSON_AddBoolToObject(mdl, "j2", fo.earth.j2 != 0.0);
        cJSON_AddBoolToObject(mdl, "atmosphere", fo.atmosphere);
        json_num(mdl, "tolerance_m", fo.atol_m);
        json_num(r, "launch_lat_deg", lat);
        json_num(r, "launch_lon_deg", lon);
        if (isfinite(tlat)) {
            json_num(r, "target_lat_deg", tlat);
            json_num(r, "target_lon_deg", tlon);
        }
        json_num(r, "range_km", s->range_m / 1e3);
        json_num(r, "flight_time_s", s->flight_time_s);
        json_num(r, "apogee_km", s->apogee_m / 1e3);
        json_num(r, "burnout_time_s", s->burnout_time_s);
        json_num(r, "burnout_speed_km_s", s->burnout_speed_m_s / 1e3);
        json_num(r, "burnout_altitude_km", s->burnout_altitude_m / 1e3);
        json_num(r, "burnout_flight_path_angle_deg", s->burnout_gamma_rad / BMD_DEG);
        json_num(r, "impact_lat_deg", s->impact_lat_rad / BMD_DEG);
        json_num(r, "impact_lon_deg", s->impact_lon_rad / BMD_DEG);
        json_num(r, "impact_speed_km_s", s->impact_speed_m_s / 1e3);
        if (isfinite(tlat))
            json_num(r, "miss_distance_km", res.miss_m / 1e3);
        if (!is_burnout) {
            json_num(r, "launch_azimuth_deg", res.guidance.azimuth_rad / BMD_DEG);
            json_num(r, "kick_deg", res.guidance.kick_rad / BMD_DEG);
            json_num(r, "cutoff_s", res.guidance.cutoff_s);
            json_num(r, "max_range_km", res.max_range_m / 1e3);
        }
        cJSON *evs = cJSON_AddArrayToObject(r, "events");
        for (int i = 0; i < tr.n_events; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "event", event_name(tr.events[i].kind));
            if (tr.events[i].kind == BMD_EV_STAGING)
                cJSON_AddNumberToObject(e, "stage", tr.events[i].index + 1);
            json_num(e, "time_s", tr.events[i].t_s);
            json_num(e, "altitude_km", tr.events[i].altitude_m / 1e3);
            cJSON_AddItemToArray(evs, e);
        }
        cJSON_AddNumberToObject(r, "integrator_steps", (double)s->n_steps);
        json_print(r);
    } else {
        if (is_burnout)
            printf("free flight from burnout at %.4f, %.4f\n", lat, lon);
        else
            printf("%s (%s) from %.4f, %.4f: %s%s%s\n", m.v.id, m.v.name, lat, lon, mode,
                   have_shape ? ", " : "", have_shape ? bmd_shape_name(sh) : "");
        text_row("range", s->range_m / 1e3, "km", 1);
        text_row("flight time", s->flight_time_s, "s", 1);
        text_row("apogee", s->apogee_m / 1e3, "km", 1);
        text_row("burnout time", s->burnout_time_s, "s", 1);
        text_row("burnout speed", s->burnout_speed_m_s / 1e3, "km/s", 3);
        text_row("burnout altitude", s->burnout_altitude_m / 1e3, "km", 1);
        text_row("burnout flight-path angle", s->burnout_gamma_rad / BMD_DEG, "deg", 2);
        text_row("impact latitude", s->impact_lat_rad / BMD_DEG, "deg", 4);
        text_row("impact longitude", s->impact_lon_rad / BMD_DEG, "deg", 4);
        text_row("impact speed", s->impact_speed_m_s / 1e3, "km/s", 3);
        if (isfinite(tlat))
            text_row("miss distance", res.miss_m / 1e3, "km", 4);
        if (!is_burnout) {
            text_row("launch azimuth", res.guidance.azimuth_rad / BMD_DEG, "deg", 3);
            text_row("pitch-over kick", res.guidance.kick_rad / BMD_DEG, "deg", 4);
            if (isfinite(res.guidance.cutoff_s))
                text_row("thrust cutoff", res.guidance.cutoff_s, "s", 2);
            else
                printf("  %-26s %14s\n", "thrust cutoff", "none (full burn)");
            if (isfinite(res.max_range_m))
                text_row("maximum range (azimuth)", res.max_range_m / 1e3, "km", 1);
        }
        printf("model: %s, %s, %s, %s\n", shape == BMD_EARTH_SPHERE ? "sphere" : "WGS-84",
               fo.earth.omega_rad_s != 0.0 ? "rotating" : "not rotating",
               fo.earth.j2 != 0.0 ? "J2" : "no J2",
               fo.atmosphere ? "US Standard Atmosphere 1976" : "no atmosphere");
    }
done:
    bmd_traj_free(&tr);
    if (owned)
        bmd_missile_free(&m);
    bmd_catalog_free(cat);
    return rc;
}
