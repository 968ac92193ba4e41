/* SPDX-License-Identifier: MIT */
/* cmd_catalog.c: bmdsim catalog: the missiles with their parameters and sources. */
#include <math.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: bmdsim catalog [--format json|text] [--id ID]\n"
    "\n"
    "Lists the catalog's missiles (data/missiles/*.yaml) with their published performance and\n"
    "every model parameter with its public source. --id shows one missile in full.\n";

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
    if (m->notes)
        cJSON_AddStringToObject(o, "notes", m->notes);
    cJSON_AddStringToObject(o, "file", m->file);
    cJSON *ps = cJSON_AddArrayToObject(o, "parameters");
    for (int i = 0; i < m->n_params; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "field", m->params[i].field);
        json_num(p, "value", m->params[i].value);
        cJSON_AddStringToObject(p, "source", m->params[i].source);
        cJSON_AddItemToArray(ps, p);
    }
    return o;
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
    printf("  %-40s %12s  %s\n", "parameter", "value", "source");
    for (int i = 0; i < m->n_params; i++)
        printf("  %-40s %12g  %s\n", m->params[i].field, m->params[i].value, m->params[i].source);
}

int cmd_catalog(int argc, char **argv)
{
    static const opt_spec spec[] = {{"format", true}, {"id", true}, {"help", false}, {0}};
    opts o;
    if (!opts_parse(&o, "catalog", spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(&o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
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
    if (id) {
        one = bmd_catalog_find(cat, id);
        if (!one) {
            cli_error("catalog", "--id: unknown missile \"%s\"", id);
            bmd_catalog_free(cat);
            return EXIT_USAGE;
        }
    }
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(root, "missiles");
        for (int i = 0; i < cat->n; i++)
            if (!one || one == &cat->missiles[i])
                cJSON_AddItemToArray(arr, missile_json(&cat->missiles[i]));
        json_print(root);
    } else if (one) {
        missile_text(one, true);
    } else {
        printf("%-20s %-34s %-7s %-6s %2s %8s %8s\n", "id", "name", "class", "prop.", "st",
               "mass_kg", "range_km");
        for (int i = 0; i < cat->n; i++)
            missile_text(&cat->missiles[i], false);
        printf("\n(published ranges; every parameter's source: bmdsim catalog --id ID)\n");
    }
    bmd_catalog_free(cat);
    return EXIT_OK;
}
