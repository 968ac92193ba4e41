/* SPDX-License-Identifier: MIT */
/* scene.c: set-up shared by bmdsim detect and bmdsim track. */
#include "scene.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --sensor ID[@LAT,LON[,HEIGHT_M]] (ID may be a sensor file path). */
static bool add_sensor(scene *s, const char *cmd, const char *arg)
{
    char id[512];
    const char *at = strchr(arg, '@');
    size_t len = at ? (size_t)(at - arg) : strlen(arg);
    if (len == 0 || len >= sizeof id) {
        cli_error(cmd, "--sensor: \"%s\": expected ID[@LAT,LON[,HEIGHT_M]]", arg);
        return false;
    }
    memcpy(id, arg, len);
    id[len] = '\0';
    const bmd_sensor_entry *e = bmd_catalog_find_sensor(s->cat, id);
    bmd_sensor_entry loaded;
    bool own = false;
    if (!e && (strchr(id, '/') || strstr(id, ".yaml"))) {
        bmd_load_error err;
        if (bmd_sensor_load_file(id, false, &loaded, &err) != BMD_OK) {
            cli_load_error(cmd, "sensor", &err);
            return false;
        }
        e = &loaded;
        own = true;
    }
    if (!e) {
        char ids[600] = "";
        size_t used = 0;
        for (int i = 0; i < s->cat->n_sensors && used < sizeof ids - 40; i++)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                     s->cat->sensors[i].radar.id);
        cli_error(cmd, "--sensor: unknown sensor \"%s\" (catalog sensors: %s; or a sensor file)", id,
                  ids);
        return false;
    }
    bool ok = true;
    if (e->kind == BMD_SENSOR_EARLY_WARNING) {
        if (at) {
            cli_error(cmd, "--sensor %s: an early-warning constellation has no site", id);
            ok = false;
        } else if (s->has_ew) {
            cli_error(cmd, "--sensor %s: only one early-warning sensor at a time", id);
            ok = false;
        } else {
            s->ew = e->ew;
            s->has_ew = true;
        }
    } else if (s->n_radars >= SCENE_MAX_SENSORS) {
        cli_error(cmd, "--sensor: at most %d radars", SCENE_MAX_SENSORS);
        ok = false;
    } else {
        bmd_radar r = e->radar;
        if (at) {
            double lat;
            double lon;
            double h = 0.0;
            if (!parse_latlon(cmd, "sensor", at + 1, &lat, &lon, &h)) {
                ok = false;
            } else {
                r.lat_rad = lat * BMD_DEG;
                r.lon_rad = lon * BMD_DEG;
                r.h_m = h;
            }
        } else if (!e->has_site) {
            cli_error(cmd, "--sensor %s: it has no default site: give %s@LAT,LON[,HEIGHT_M]", id, id);
            ok = false;
        }
        char why[200];
        if (ok && bmd_radar_check(&r, why, sizeof why) != BMD_OK) {
            cli_error(cmd, "--sensor %s: %s", arg, why);
            ok = false;
        }
        if (ok) {
            s->radar_args[s->n_radars] = arg;
            s->radars[s->n_radars++] = r;
        }
    }
    if (own)
        bmd_sensor_entry_free(&loaded);
    return ok;
}

/* detect/track SCENARIO: the scenario's sensors (plus any --sensor) against one of its threats
 * (--threat-index, default 0), seeded as the scenario unless --seed. */
static int scene_from_scenario(scene *s, const char *cmd, const opts *o, const char *path,
                               const char **sensors, int n_sensors)
{
    static const char *const conflict[] = {"threat", "launch", "target", NULL};
    for (const char *const *k = conflict; *k; k++)
        if (opt_has(o, *k)) {
            cli_error(cmd, "--%s cannot be used with a SCENARIO file", *k);
            return EXIT_USAGE;
        }
    s->cat = cli_catalog(cmd);
    if (!s->cat)
        return EXIT_USAGE;
    bmd_scenario sc;
    bmd_load_error err;
    if (bmd_scenario_load(path, s->cat, &sc, &err) != BMD_OK) {
        cli_load_error(cmd, NULL, &err);
        return EXIT_USAGE;
    }
    int k = 0;
    if (opt_has(o, "threat-index")) {
        double x;
        if (!parse_double(cmd, "threat-index", opt_get(o, "threat-index"), &x)) {
            bmd_scenario_free(&sc);
            return EXIT_USAGE;
        }
        if (x < 0.0 || x >= sc.n_threats || x != floor(x)) {
            cli_error(cmd, "--threat-index: %g: the scenario has threats 0 to %d", x,
                      sc.n_threats - 1);
            bmd_scenario_free(&sc);
            return EXIT_USAGE;
        }
        k = (int)x;
    }
    if (!opt_has(o, "seed"))
        s->seed = sc.seed;
    const bmd_scn_threat *t = &sc.threats[k];
    s->threat = *t->missile; /* the catalog owns its strings */
    s->launch_lat = t->launch_lat_rad / BMD_DEG;
    s->launch_lon = t->launch_lon_rad / BMD_DEG;
    s->target_lat = t->target_lat_rad / BMD_DEG;
    s->target_lon = t->target_lon_rad / BMD_DEG;
    for (int i = 0; i < sc.n_sensors && s->n_radars < SCENE_MAX_SENSORS; i++) {
        s->radars[s->n_radars] = sc.radars[i];
        s->radar_args[s->n_radars] = s->radars[s->n_radars].id;
        s->n_radars++;
    }
    if (sc.has_ew) {
        s->ew = sc.ew;
        s->has_ew = true;
    }
    bmd_scenario_free(&sc);
    for (int i = 0; i < n_sensors; i++)
        if (!add_sensor(s, cmd, sensors[i]))
            return EXIT_USAGE;
    if (s->n_radars == 0) {
        cli_error(cmd, "%s: the scenario has no radar (early warning only cues radars)", path);
        return EXIT_USAGE;
    }
    return scene_fly_threat(cmd, &s->threat, s->launch_lat, s->launch_lon, s->target_lat,
                            s->target_lon, &s->tr);
}

int scene_setup(scene *s, const char *cmd, int argc, char **argv, const opt_spec *extra,
                opts *o, const char *help)
{
    memset(s, 0, sizeof *s);
    bmd_traj_init(&s->tr);
    /* --sensor repeats: take those out before the generic parser. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    const char *sensors[SCENE_MAX_SENSORS + 1];
    int n_sensors = 0;
    int nr = 0;
    if (!rest) {
        cli_error(cmd, "out of memory");
        return EXIT_INTERNAL;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--sensor") == 0 || strncmp(a, "--sensor=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                cli_error(cmd, "option --sensor needs a value");
                free(rest);
                return EXIT_USAGE;
            }
            if (n_sensors > SCENE_MAX_SENSORS) {
                cli_error(cmd, "--sensor: at most %d sensors", SCENE_MAX_SENSORS);
                free(rest);
                return EXIT_USAGE;
            }
            sensors[n_sensors++] = v;
        } else {
            rest[nr++] = argv[i];
        }
    }
    bool ok = opts_parse(o, cmd, extra, nr, rest);
    free(rest);
    if (!ok)
        return EXIT_USAGE;
    if (opt_has(o, "help")) {
        fputs(help, stdout);
        return -1;
    }
    if (o->n_pos > 1) {
        cli_error(cmd, "unexpected argument \"%s\" (see bmdsim %s --help)", o->pos[1], cmd);
        return EXIT_USAGE;
    }
    if (!parse_format(cmd, o, &s->json))
        return EXIT_USAGE;
    s->seed = 1;
    if (opt_has(o, "seed")) {
        const char *t = opt_get(o, "seed");
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(t, &end, 10);
        if (!*t || *end || errno || t[0] == '-') {
            cli_error(cmd, "--seed: \"%s\" is not a non-negative integer", t);
            return EXIT_USAGE;
        }
        s->seed = (uint64_t)v;
    }
    if (o->n_pos == 1)
        return scene_from_scenario(s, cmd, o, o->pos[0], sensors, n_sensors);
    if (opt_has(o, "threat-index")) {
        cli_error(cmd, "--threat-index goes with a SCENARIO file");
        return EXIT_USAGE;
    }
    static const char *const need[] = {"threat", "launch", "target", NULL};
    for (const char *const *k = need; *k; k++)
        if (!opt_has(o, *k)) {
            cli_error(cmd, "--%s is required (see bmdsim %s --help)", *k, cmd);
            return EXIT_USAGE;
        }
    if (n_sensors == 0) {
        cli_error(cmd, "at least one --sensor is required (see bmdsim %s --help)", cmd);
        return EXIT_USAGE;
    }
    if (!parse_latlon(cmd, "launch", opt_get(o, "launch"), &s->launch_lat, &s->launch_lon, NULL) ||
        !parse_latlon(cmd, "target", opt_get(o, "target"), &s->target_lat, &s->target_lon, NULL))
        return EXIT_USAGE;
    s->cat = cli_catalog(cmd);
    if (!s->cat)
        return EXIT_USAGE;
    if (!cli_vehicle(cmd, "threat", opt_get(o, "threat"), s->cat, &s->threat, &s->threat_owned))
        return EXIT_USAGE;
    for (int i = 0; i < n_sensors; i++)
        if (!add_sensor(s, cmd, sensors[i]))
            return EXIT_USAGE;
    if (s->n_radars == 0) {
        cli_error(cmd, "--sensor: at least one radar is needed (early warning only cues radars)");
        return EXIT_USAGE;
    }
    return scene_fly_threat(cmd, &s->threat, s->launch_lat, s->launch_lon, s->target_lat,
                            s->target_lon, &s->tr);
}

int scene_fly_threat(const char *cmd, const bmd_missile *m, double lat, double lon, double tlat,
                     double tlon, bmd_trajectory *tr)
{
    bmd_aim aim =
        bmd_aim_default(&m->v, lat * BMD_DEG, lon * BMD_DEG, tlat * BMD_DEG, tlon * BMD_DEG);
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim_result res;
    bmd_status st = bmd_target(&m->v, &aim, &fo, &res, tr);
    if (st == BMD_ERR_UNREACHABLE || st == BMD_ERR_NO_CONVERGE) {
        cli_error(cmd, "--target: %s", res.why);
        return EXIT_NO_SOLUTION;
    }
    if (st != BMD_OK) {
        cli_error(cmd, "the threat's flight failed: %s", bmd_status_str(st));
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

void scene_free(scene *s)
{
    bmd_traj_free(&s->tr);
    if (s->threat_owned)
        bmd_missile_free(&s->threat);
    bmd_catalog_free(s->cat);
}

bmd_surv_opts scene_surv_opts(const scene *s)
{
    bmd_surv_opts so = bmd_surv_default_opts();
    so.seed = s->seed;
    so.ew = s->has_ew ? &s->ew : NULL;
    return so;
}
