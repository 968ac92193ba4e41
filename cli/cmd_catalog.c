/* SPDX-License-Identifier: MIT */
/* cmd_catalog.c: bmdsim catalog: the missiles with their parameters and sources. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim catalog [--format json|text] [--id ID] [--sensors]\n"
    "\n"
    "Lists the catalog's missiles (data/missiles/*.yaml) with their published performance, its\n"
    "interceptors (data/interceptors/*.yaml) and sensors (data/sensors/*.yaml), with every model\n"
    "parameter and its public source. --id shows one in full; --sensors lists only the sensors.\n";

static cJSON *params_json(int n, const bmd_param *p);

static cJSON *missile_json(const bmd_missile *m)
{
    const bmd_vehicle *v = &m->v;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", v->id);
    cJSON_AddStringToObject(o, "name", v->name);
    cJSON_AddStringToObject(o, "country", m->country);
    cJSON_AddStringToObject(o, "class", m->klass);
    cJSON_AddStringToObject(o, "propellant", m->propellant);
    cJSON_AddBoolToObject(o, "notional", m->notional);
    cJSON_AddNumberToObject(o, "stages", v->n_stages);
    json_num(o, "launch_mass_kg", bmd_vehicle_launch_mass(v));
    json_num(o, "burn_time_s", bmd_vehicle_burn_time(v));
    json_num(o, "ideal_delta_v_km_s", bmd_vehicle_ideal_dv(v) / 1e3);
    json_num(o, "published_range_km", m->pub_range_m / 1e3);
    json_num(o, "published_burn_time_s", m->pub_burn_time_s);
    json_num(o, "published_burnout_speed_km_s", m->pub_burnout_speed_m_s / 1e3);
    cJSON_AddStringToObject(o, "default_shape", bmd_shape_name(v->default_shape));
    if (m->interceptor) {
        cJSON *kv = cJSON_AddObjectToObject(o, "kill_vehicle");
        json_num(kv, "min_altitude_km", m->kv.min_altitude_m / 1e3);
        json_num(kv, "max_altitude_km", m->kv.max_altitude_m / 1e3);
        json_num(kv, "divert_km_s", m->kv.divert_m_s / 1e3);
        json_num(kv, "min_closing_speed_km_s", m->kv.min_closing_m_s / 1e3);
    }
    if (m->notes)
        cJSON_AddStringToObject(o, "notes", m->notes);
    cJSON_AddStringToObject(o, "file", m->file);
    cJSON_AddItemToObject(o, "parameters", params_json(m->n_params, m->params));
    return o;
}

static void params_text(int n, const bmd_param *p)
{
    printf("  %-40s %12s  %s\n", "parameter", "value", "source");
    for (int i = 0; i < n; i++)
        printf("  %-40s %12g  %s\n", p[i].field, p[i].value, p[i].source);
}

static cJSON *params_json(int n, const bmd_param *p)
{
    cJSON *ps = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", p[i].field);
        json_num(o, "value", p[i].value);
        cJSON_AddStringToObject(o, "source", p[i].source);
        cJSON_AddItemToArray(ps, o);
    }
    return ps;
}

static cJSON *sensor_json(const bmd_sensor_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    bool radar = e->kind == BMD_SENSOR_RADAR;
    cJSON_AddStringToObject(o, "id", e->radar.id);
    cJSON_AddStringToObject(o, "name", e->radar.name);
    cJSON_AddStringToObject(o, "kind", radar ? "radar" : "early-warning");
    cJSON_AddStringToObject(o, "platform", e->platform);
    if (radar) {
        if (e->has_site) {
            cJSON_AddStringToObject(o, "site", e->site_name);
            json_num(o, "lat_deg", e->radar.lat_rad / BMD_DEG);
            json_num(o, "lon_deg", e->radar.lon_rad / BMD_DEG);
            json_num(o, "height_m", e->radar.h_m);
        }
        json_num(o, "reference_range_km", e->radar.r0_m / 1e3);
        json_num(o, "reference_rcs_m2", e->radar.sigma0_m2);
        json_num(o, "detection_range_0_01_m2_km", bmd_radar_detection_range(&e->radar, 0.01) / 1e3);
        json_num(o, "detection_range_0_1_m2_km", bmd_radar_detection_range(&e->radar, 0.1) / 1e3);
        json_num(o, "detection_range_1_m2_km", bmd_radar_detection_range(&e->radar, 1.0) / 1e3);
    } else {
        json_num(o, "first_report_delay_s", e->ew.first_report_delay_s);
        json_num(o, "processing_delay_s", e->ew.processing_delay_s);
    }
    if (e->notes)
        cJSON_AddStringToObject(o, "notes", e->notes);
    cJSON_AddStringToObject(o, "file", e->file);
    cJSON_AddItemToObject(o, "parameters", params_json(e->n_params, e->params));
    return o;
}

static void sensor_text(const bmd_sensor_entry *e, bool full)
{
    bool radar = e->kind == BMD_SENSOR_RADAR;
    if (!full) {
        if (radar)
            printf("%-18s %-46.46s %-6s %7.0f %7.0f %7.0f  %s\n", e->radar.id, e->radar.name,
                   e->platform, bmd_radar_detection_range(&e->radar, 0.01) / 1e3,
                   bmd_radar_detection_range(&e->radar, 0.1) / 1e3,
                   bmd_radar_detection_range(&e->radar, 1.0) / 1e3, e->has_site ? e->site_name : "");
        else
            printf("%-18s %-46.46s %-6s  early warning: first report %.0f s after the plume "
                   "clears cloud\n",
                   e->radar.id, e->radar.name, e->platform, e->ew.first_report_delay_s);
        return;
    }
    printf("%s: %s (%s, %s)\n", e->radar.id, e->radar.name, radar ? "radar" : "early warning",
           e->platform);
    if (e->notes)
        printf("  %s\n", e->notes);
    printf("  file: %s\n", e->file);
    if (radar)
        printf("  detection range at the reference SNR: %.0f km on 0.01 m^2, %.0f km on 0.1 m^2, "
               "%.0f km on 1 m^2\n",
               bmd_radar_detection_range(&e->radar, 0.01) / 1e3,
               bmd_radar_detection_range(&e->radar, 0.1) / 1e3,
               bmd_radar_detection_range(&e->radar, 1.0) / 1e3);
    params_text(e->n_params, e->params);
}

static void missile_text(const bmd_missile *m, bool full)
{
    const bmd_vehicle *v = &m->v;
    if (!full) {
        printf("%-20s %-34.34s %-7s %-6s %2d %8.0f %8.0f %s\n", v->id, v->name, m->klass,
               m->propellant, v->n_stages, bmd_vehicle_launch_mass(v),
               m->pub_range_m / 1e3, m->notional ? "notional" : "");
        return;
    }
    printf("%s: %s (%s, %s, %s%s)\n", v->id, v->name, m->country, m->klass, m->propellant,
           m->notional ? ", notional" : "");
    if (m->notes)
        printf("  %s\n", m->notes);
    printf("  file: %s\n", m->file);
    printf("  launch mass %.0f kg, %d stage(s), burn %.1f s, ideal delta-v %.2f km/s\n",
           bmd_vehicle_launch_mass(v), v->n_stages, bmd_vehicle_burn_time(v),
           bmd_vehicle_ideal_dv(v) / 1e3);
    params_text(m->n_params, m->params);
}

int cmd_catalog(int argc, char **argv)
{
    opts o;
    int begun = opts_begin(&o, "catalog", spec_catalog, argc, argv, help);
    if (begun >= 0)
        return begun;
    bool json;
    if (!parse_format("catalog", &o, &json))
        return EXIT_USAGE;
    if (o.n_pos) {
        cli_error("catalog", "unexpected argument \"%s\"", o.pos[0]);
        return EXIT_USAGE;
    }
    bmd_catalog *cat = cli_catalog("catalog");
    if (!cat)
        return EXIT_USAGE;
    const char *id = opt_get(&o, "id");
    const bmd_missile *one = NULL;
    const bmd_sensor_entry *one_s = NULL;
    const bmd_missile *one_i = NULL;
    if (id) {
        one = bmd_catalog_find(cat, id);
        one_s = bmd_catalog_find_sensor(cat, id);
        one_i = bmd_catalog_find_interceptor(cat, id);
        if (!one && !one_s && !one_i) {
            cli_error("catalog", "--id: unknown missile, interceptor or sensor \"%s\"", id);
            bmd_catalog_free(cat);
            return EXIT_USAGE;
        }
    }
    bool only_sensors = opt_has(&o, "sensors");
    bool all = !id;
    if (json) {
        cJSON *root = cJSON_CreateObject();
        if (!only_sensors && (all || one)) {
            cJSON *arr = cJSON_AddArrayToObject(root, "missiles");
            for (int i = 0; i < cat->n; i++)
                if (all || one == &cat->missiles[i])
                    cJSON_AddItemToArray(arr, missile_json(&cat->missiles[i]));
        }
        if (!only_sensors && (all || one_i)) {
            cJSON *arr = cJSON_AddArrayToObject(root, "interceptors");
            for (int i = 0; i < cat->n_interceptors; i++)
                if (all || one_i == &cat->interceptors[i])
                    cJSON_AddItemToArray(arr, missile_json(&cat->interceptors[i]));
        }
        if (all || one_s) {
            cJSON *arr = cJSON_AddArrayToObject(root, "sensors");
            for (int i = 0; i < cat->n_sensors; i++)
                if (all || one_s == &cat->sensors[i])
                    cJSON_AddItemToArray(arr, sensor_json(&cat->sensors[i]));
        }
        json_print(root);
    } else if (one || one_i) {
        missile_text(one ? one : one_i, true);
    } else if (one_s) {
        sensor_text(one_s, true);
    } else {
        if (!only_sensors) {
            printf("%-20s %-34s %-7s %-6s %2s %8s %8s\n", "missile", "name", "class", "prop.", "st",
                   "mass_kg", "range_km");
            for (int i = 0; i < cat->n; i++)
                missile_text(&cat->missiles[i], false);
            printf("\n%-20s %-34s %2s %8s %8s %8s %s\n", "interceptor", "name", "st", "mass_kg",
                   "vbo_km_s", "burn_s", "altitude band km");
            for (int i = 0; i < cat->n_interceptors; i++) {
                const bmd_missile *m = &cat->interceptors[i];
                printf("%-20s %-34.34s %2d %8.0f %8.2f %8.1f %.0f-%.0f\n", m->v.id, m->v.name,
                       m->v.n_stages, bmd_vehicle_launch_mass(&m->v),
                       m->pub_burnout_speed_m_s / 1e3, bmd_vehicle_burn_time(&m->v),
                       m->kv.min_altitude_m / 1e3, m->kv.max_altitude_m / 1e3);
            }
            printf("\n");
        }
        printf("%-18s %-46s %-6s %7s %7s %7s  %s\n", "sensor", "name", "where", "0.01m2",
               "0.1m2", "1m2", "default site");
        printf("%-18s %-46s %-6s %23s\n", "", "", "", "(detection range, km)");
        for (int i = 0; i < cat->n_sensors; i++)
            sensor_text(&cat->sensors[i], false);
        printf("\n(published ranges; every parameter's source: bmdsim catalog --id ID)\n");
    }
    bmd_catalog_free(cat);
    return EXIT_OK;
}
