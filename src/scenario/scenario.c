/* SPDX-License-Identifier: MIT */
/* scenario.c: scenario files: sensors, sites, threats, assets, doctrine (docs/scenario-format.md).
 * Every number may be written bare or as {value: ..., source: "..."}; every error names
 * file:line:column and the field. */
#include "bmd/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "sourced.h"

typedef struct ctxs {
    sourced L;
    const bmd_catalog *cat;
    bmd_param *params;  /* recorded, then dropped: a scenario keeps no provenance list yet */
    int n_params;
} ctxs;

static bmd_status num(ctxs *c, yaml_node_t *map, const char *key, const char *prefix,
                      bool required, double *out)
{
    bool have = false;
    double x = 0.0;
    bmd_status st = sourced_param(&c->L, map, key, prefix, required, &x, &have);
    if (st == BMD_OK && have)
        *out = x;
    return st;
}

static yaml_node_t *item(yd *d, yaml_node_t *seq, long i)
{
    return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

static long seq_len(yaml_node_t *seq)
{
    return seq->data.sequence.items.top - seq->data.sequence.items.start;
}

/* lat_deg, lon_deg (and height_m when h is not NULL) of a mapping. */
static bmd_status place(ctxs *c, yaml_node_t *map, const char *prefix, double *lat, double *lon,
                        double *h)
{
    yd *d = &c->L.d;
    double la = 0.0;
    double lo = 0.0;
    bmd_status st;
    if ((st = num(c, map, "lat_deg", prefix, true, &la)) != BMD_OK ||
        (st = num(c, map, "lon_deg", prefix, true, &lo)) != BMD_OK)
        return st;
    if (fabs(la) > 90.0)
        return yd_fail(d, yd_get(d, map, "lat_deg"), "%slat_deg: %g is outside [-90, 90]", prefix, la);
    if (fabs(lo) > 360.0)
        return yd_fail(d, yd_get(d, map, "lon_deg"), "%slon_deg: %g is outside [-360, 360]", prefix,
                       lo);
    *lat = la * BMD_DEG;
    *lon = lo * BMD_DEG;
    if (h) {
        *h = 0.0;
        if ((st = num(c, map, "height_m", prefix, false, h)) != BMD_OK)
            return st;
        if (*h < -500.0 || *h > 10000.0)
            return yd_fail(d, yd_get(d, map, "height_m"),
                           "%sheight_m: %g m is outside [-500, 10000] m (under the sea floor?)",
                           prefix, *h);
    }
    return BMD_OK;
}

/* [lat, lon] in degrees. */
static bmd_status pair(ctxs *c, yaml_node_t *n, const char *field, double *lat, double *lon)
{
    yd *d = &c->L.d;
    if (!n || n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2)
        return yd_fail(d, n, "%s: expected [LAT_DEG, LON_DEG]", field);
    double v[2];
    for (int k = 0; k < 2; k++) {
        char f[96];
        snprintf(f, sizeof f, "%s[%d]", field, k);
        bmd_status st = yd_number(d, item(d, n, k), f, &v[k]);
        if (st != BMD_OK)
            return st;
    }
    if (fabs(v[0]) > 90.0)
        return yd_fail(d, n, "%s: latitude %g is outside [-90, 90]", field, v[0]);
    if (fabs(v[1]) > 360.0)
        return yd_fail(d, n, "%s: longitude %g is outside [-360, 360]", field, v[1]);
    *lat = v[0] * BMD_DEG;
    *lon = v[1] * BMD_DEG;
    return BMD_OK;
}

static bmd_status load_sensors(ctxs *c, yaml_node_t *seq, bmd_scenario *s)
{
    yd *d = &c->L.d;
    if (!seq)
        return BMD_OK;
    if (seq->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, seq, "sensors: expected a list of sensor ids or {id, lat_deg, lon_deg}");
    for (long i = 0; i < seq_len(seq); i++) {
        yaml_node_t *n = item(d, seq, i);
        char pre[32];
        snprintf(pre, sizeof pre, "sensors[%ld].", i);
        const char *id = yd_text(n);
        yaml_node_t *map = NULL;
        if (!id && n->type == YAML_MAPPING_NODE) {
            static const char *const keys[] = {"id", "lat_deg", "lon_deg", "height_m", NULL};
            char where[32];
            snprintf(where, sizeof where, "sensors[%ld]", i);
            bmd_status st = yd_check_keys(d, n, where, keys);
            if (st != BMD_OK)
                return st;
            map = n;
            id = yd_text(yd_get(d, n, "id"));
        }
        if (!id)
            return yd_fail(d, n, "sensors[%ld]: expected a sensor id or {id: ..., lat_deg: ...}", i);
        const bmd_sensor_entry *e = bmd_catalog_find_sensor(c->cat, id);
        if (!e)
            return yd_fail(d, n, "sensors[%ld]: unknown sensor \"%s\" (bmdsim catalog --sensors)", i,
                           id);
        if (e->kind == BMD_SENSOR_EARLY_WARNING) {
            if (map && (yd_get(d, map, "lat_deg") || yd_get(d, map, "lon_deg")))
                return yd_fail(d, n, "sensors[%ld]: early warning %s has no site", i, id);
            s->ew = e->ew;
            s->has_ew = true;
            continue;
        }
        if (s->n_sensors >= BMD_SCN_MAX_SENSORS)
            return yd_fail(d, n, "sensors: at most %d radars", BMD_SCN_MAX_SENSORS);
        bmd_radar r = e->radar;
        if (map && yd_get(d, map, "lat_deg")) {
            bmd_status st = place(c, map, pre, &r.lat_rad, &r.lon_rad, &r.h_m);
            if (st != BMD_OK)
                return st;
        } else if (!e->has_site) {
            return yd_fail(d, n, "sensors[%ld]: %s has no default site: give lat_deg and lon_deg", i,
                           id);
        }
        char why[200];
        if (bmd_radar_check(&r, why, sizeof why) != BMD_OK)
            return yd_fail(d, n, "sensors[%ld]: %s", i, why);
        s->radars[s->n_sensors++] = r;
    }
    return BMD_OK;
}

double bmd_scn_site_pk(const bmd_scn_site *site, const bmd_missile *threat)
{
    for (int i = 0; i < site->n_pk_by_missile; i++)
        if (site->pk_by_missile[i].missile == threat)
            return site->pk_by_missile[i].pk;
    return site->pk;
}

/* sites[i].pk_by_missile: {missile id: pk, ...}, each pk bare or sourced. */
static bmd_status load_pk_pairs(ctxs *c, yaml_node_t *site, const char *pre, bmd_scn_site *t)
{
    yd *d = &c->L.d;
    yaml_node_t *m = yd_get(d, site, "pk_by_missile");
    if (!m)
        return BMD_OK;
    if (m->type != YAML_MAPPING_NODE)
        return yd_fail(d, m, "%spk_by_missile: expected a mapping of missile id to pk", pre);
    char sub[64];
    snprintf(sub, sizeof sub, "%spk_by_missile.", pre);
    for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(&d->doc, q->key);
        const char *id = yd_text(kn);
        if (!id)
            return yd_fail(d, kn ? kn : m, "%spk_by_missile: expected missile ids as keys", pre);
        const bmd_missile *mis = bmd_catalog_find(c->cat, id);
        if (!mis)
            return yd_fail(d, kn, "%s%s: unknown missile \"%s\" (bmdsim catalog)", sub, id, id);
        for (int i = 0; i < t->n_pk_by_missile; i++)
            if (t->pk_by_missile[i].missile == mis)
                return yd_fail(d, kn, "%s%s: given twice", sub, id);
        if (t->n_pk_by_missile >= BMD_SCN_MAX_PK_PAIRS)
            return yd_fail(d, kn, "%spk_by_missile: at most %d pairings", pre,
                           BMD_SCN_MAX_PK_PAIRS);
        double pk = -1.0;
        bmd_status st = num(c, m, id, sub, true, &pk);
        if (st != BMD_OK)
            return st;
        if (!(pk >= 0.0 && pk <= 1.0))
            return yd_fail(d, yd_get(d, m, id), "%s%s: %g is outside [0, 1]", sub, id, pk);
        t->pk_by_missile[t->n_pk_by_missile].missile = mis;
        t->pk_by_missile[t->n_pk_by_missile].pk = pk;
        t->n_pk_by_missile++;
    }
    return BMD_OK;
}

static bmd_status load_sites(ctxs *c, yaml_node_t *seq, bmd_scenario *s)
{
    yd *d = &c->L.d;
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, seq, "sites: expected a list of interceptor sites");
    for (long i = 0; i < seq_len(seq); i++) {
        yaml_node_t *n = item(d, seq, i);
        char pre[32];
        char where[32];
        snprintf(pre, sizeof pre, "sites[%ld].", i);
        snprintf(where, sizeof where, "sites[%ld]", i);
        static const char *const keys[] = {"name", "lat_deg", "lon_deg", "height_m", "interceptor",
                                           "inventory", "pk", "pk_by_missile", NULL};
        bmd_status st = yd_check_keys(d, n, where, keys);
        if (st != BMD_OK)
            return st;
        if (s->n_sites >= BMD_SCN_MAX_SITES)
            return yd_fail(d, n, "sites: at most %d", BMD_SCN_MAX_SITES);
        bmd_scn_site *t = &s->sites[s->n_sites];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "site %ld", i + 1);
        if ((st = yd_string(d, n, "name", "name", false, t->name, sizeof t->name)) != BMD_OK ||
            (st = place(c, n, pre, &t->lat_rad, &t->lon_rad, &t->h_m)) != BMD_OK)
            return st;
        const char *iid = yd_text(yd_get(d, n, "interceptor"));
        if (!iid)
            return yd_fail(d, n, "%sinterceptor: missing (an interceptor id)", pre);
        t->interceptor = bmd_catalog_find_interceptor(c->cat, iid);
        if (!t->interceptor)
            return yd_fail(d, yd_get(d, n, "interceptor"),
                           "%sinterceptor: unknown interceptor \"%s\" (bmdsim catalog)", pre, iid);
        double inv = 0.0;
        if ((st = num(c, n, "inventory", pre, true, &inv)) != BMD_OK)
            return st;
        if (inv < 0.0 || inv != floor(inv) || inv > 10000.0)
            return yd_fail(d, yd_get(d, n, "inventory"),
                           "%sinventory: %g: expected a whole number from 0 to 10000", pre, inv);
        t->inventory = (int)inv;
        t->pk = 0.7;
        if ((st = num(c, n, "pk", pre, false, &t->pk)) != BMD_OK)
            return st;
        if (!(t->pk >= 0.0 && t->pk <= 1.0))
            return yd_fail(d, yd_get(d, n, "pk"), "%spk: %g is outside [0, 1]", pre, t->pk);
        if ((st = load_pk_pairs(c, n, pre, t)) != BMD_OK)
            return st;
        s->n_sites++;
    }
    return BMD_OK;
}

static bmd_status load_threats(ctxs *c, yaml_node_t *seq, bmd_scenario *s)
{
    yd *d = &c->L.d;
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, seq, "threats: expected a list of threats");
    long n = seq_len(seq);
    if (n < 1)
        return yd_fail(d, seq, "threats: the raid is empty");
    if (n > BMD_SCN_MAX_THREATS)
        return yd_fail(d, seq, "threats: at most %d", BMD_SCN_MAX_THREATS);
    s->threats = calloc((size_t)n, sizeof *s->threats);
    if (!s->threats)
        return BMD_ERR_NOMEM;
    for (long i = 0; i < n; i++) {
        yaml_node_t *t = item(d, seq, i);
        char pre[32];
        char where[32];
        snprintf(pre, sizeof pre, "threats[%ld].", i);
        snprintf(where, sizeof where, "threats[%ld]", i);
        static const char *const keys[] = {"missile", "launch", "target", "launch_time_s", NULL};
        bmd_status st = yd_check_keys(d, t, where, keys);
        if (st != BMD_OK)
            return st;
        bmd_scn_threat *th = &s->threats[i];
        const char *mid = yd_text(yd_get(d, t, "missile"));
        if (!mid)
            return yd_fail(d, t, "%smissile: missing (a missile id)", pre);
        th->missile = bmd_catalog_find(c->cat, mid);
        if (!th->missile)
            return yd_fail(d, yd_get(d, t, "missile"),
                           "%smissile: unknown missile \"%s\" (bmdsim catalog)", pre, mid);
        char f[64];
        snprintf(f, sizeof f, "%slaunch", pre);
        if ((st = pair(c, yd_get(d, t, "launch"), f, &th->launch_lat_rad, &th->launch_lon_rad)) !=
            BMD_OK)
            return st;
        snprintf(f, sizeof f, "%starget", pre);
        if ((st = pair(c, yd_get(d, t, "target"), f, &th->target_lat_rad, &th->target_lon_rad)) !=
            BMD_OK)
            return st;
        if ((st = num(c, t, "launch_time_s", pre, false, &th->launch_time_s)) != BMD_OK)
            return st;
        if (th->launch_time_s < 0.0 || th->launch_time_s > 86400.0)
            return yd_fail(d, yd_get(d, t, "launch_time_s"),
                           "%slaunch_time_s: %g is outside [0, 86400] s", pre, th->launch_time_s);
        s->n_threats++;
    }
    return BMD_OK;
}

static bmd_status load_assets(ctxs *c, yaml_node_t *seq, bmd_scenario *s)
{
    yd *d = &c->L.d;
    if (!seq)
        return BMD_OK;
    if (seq->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, seq, "defended_assets: expected a list");
    for (long i = 0; i < seq_len(seq); i++) {
        yaml_node_t *n = item(d, seq, i);
        char pre[40];
        char where[40];
        snprintf(pre, sizeof pre, "defended_assets[%ld].", i);
        snprintf(where, sizeof where, "defended_assets[%ld]", i);
        static const char *const keys[] = {"name", "lat_deg", "lon_deg", "radius_km", "value", NULL};
        bmd_status st = yd_check_keys(d, n, where, keys);
        if (st != BMD_OK)
            return st;
        if (s->n_assets >= BMD_SCN_MAX_ASSETS)
            return yd_fail(d, n, "defended_assets: at most %d", BMD_SCN_MAX_ASSETS);
        bmd_scn_asset *a = &s->assets[s->n_assets];
        snprintf(a->name, sizeof a->name, "asset %ld", i + 1);
        a->radius_m = 50e3;
        a->value = 1.0;
        double rk = 50.0;
        if ((st = yd_string(d, n, "name", "name", false, a->name, sizeof a->name)) != BMD_OK ||
            (st = place(c, n, pre, &a->lat_rad, &a->lon_rad, NULL)) != BMD_OK ||
            (st = num(c, n, "radius_km", pre, false, &rk)) != BMD_OK ||
            (st = num(c, n, "value", pre, false, &a->value)) != BMD_OK)
            return st;
        if (!(rk > 0.0))
            return yd_fail(d, yd_get(d, n, "radius_km"), "%sradius_km: must be positive", pre);
        if (!(a->value > 0.0))
            return yd_fail(d, yd_get(d, n, "value"), "%svalue: must be positive", pre);
        a->radius_m = rk * 1e3;
        s->n_assets++;
    }
    return BMD_OK;
}

bmd_scn_doctrine bmd_scn_default_doctrine(void)
{
    bmd_scn_doctrine dc;
    memset(&dc, 0, sizeof dc);
    dc.shoot_look_shoot = true;
    dc.salvo = 1;
    dc.max_per_threat = 2;
    dc.c2_delay_s = 30.0;
    dc.kill_assessment_s = 10.0;
    dc.impact_settle_m = 25e3;
    dc.kv_homing_s = 10.0;
    return dc;
}

static bmd_status load_doctrine(ctxs *c, yaml_node_t *n, bmd_scenario *s)
{
    yd *d = &c->L.d;
    bmd_scn_doctrine *dc = &s->doctrine;
    *dc = bmd_scn_default_doctrine();
    if (!n)
        return BMD_OK;
    static const char *const keys[] = {"mode", "salvo", "max_per_threat", "c2_delay_s",
                                       "kill_assessment_s", "impact_settle_km",
                                       "kv_homing_s", NULL};
    bmd_status st = yd_check_keys(d, n, "doctrine", keys);
    if (st != BMD_OK)
        return st;
    yaml_node_t *m = yd_get(d, n, "mode");
    if (m) {
        const char *t = yd_text(m);
        if (t && strcmp(t, "shoot-look-shoot") == 0)
            dc->shoot_look_shoot = true;
        else if (t && strcmp(t, "salvo") == 0)
            dc->shoot_look_shoot = false;
        else
            return yd_fail(d, m, "doctrine.mode: expected shoot-look-shoot or salvo");
    }
    double x = dc->salvo;
    if ((st = num(c, n, "salvo", "doctrine.", false, &x)) != BMD_OK)
        return st;
    if (x != 1.0 && x != 2.0)
        return yd_fail(d, yd_get(d, n, "salvo"), "doctrine.salvo: expected 1 or 2, got %g", x);
    dc->salvo = (int)x;
    x = dc->max_per_threat;
    if ((st = num(c, n, "max_per_threat", "doctrine.", false, &x)) != BMD_OK)
        return st;
    if (x < 1.0 || x > 8.0 || x != floor(x))
        return yd_fail(d, yd_get(d, n, "max_per_threat"),
                       "doctrine.max_per_threat: expected a whole number from 1 to 8, got %g", x);
    dc->max_per_threat = (int)x;
    if ((st = num(c, n, "c2_delay_s", "doctrine.", false, &dc->c2_delay_s)) != BMD_OK ||
        (st = num(c, n, "kill_assessment_s", "doctrine.", false, &dc->kill_assessment_s)) != BMD_OK)
        return st;
    if (dc->c2_delay_s < 0.0 || dc->c2_delay_s > 3600.0)
        return yd_fail(d, yd_get(d, n, "c2_delay_s"), "doctrine.c2_delay_s: outside [0, 3600] s");
    if (dc->kill_assessment_s < 0.0 || dc->kill_assessment_s > 3600.0)
        return yd_fail(d, yd_get(d, n, "kill_assessment_s"),
                       "doctrine.kill_assessment_s: outside [0, 3600] s");
    x = dc->impact_settle_m / 1e3;
    if ((st = num(c, n, "impact_settle_km", "doctrine.", false, &x)) != BMD_OK)
        return st;
    if (!(x > 0.0 && x <= 20000.0))
        return yd_fail(d, yd_get(d, n, "impact_settle_km"),
                       "doctrine.impact_settle_km: %g: expected more than 0 and at most 20000 km", x);
    dc->impact_settle_m = x * 1e3;
    if ((st = num(c, n, "kv_homing_s", "doctrine.", false, &dc->kv_homing_s)) != BMD_OK)
        return st;
    if (!(dc->kv_homing_s > 0.0 && dc->kv_homing_s <= 600.0))
        return yd_fail(d, yd_get(d, n, "kv_homing_s"),
                       "doctrine.kv_homing_s: %g: expected more than 0 and at most 600 s",
                       dc->kv_homing_s);
    return BMD_OK;
}

bmd_status bmd_scenario_load(const char *path, const bmd_catalog *cat, bmd_scenario *out,
                             bmd_load_error *err)
{
    memset(out, 0, sizeof *out);
    ctxs c;
    memset(&c, 0, sizeof c);
    c.cat = cat;
    c.L.params = &c.params;
    c.L.n_params = &c.n_params;
    c.L.require_sources = false;
    bmd_status st = yd_load(&c.L.d, path, err);
    yd *d = &c.L.d;
    yaml_node_t *root = st == BMD_OK ? yd_root(d) : NULL;
    if (st == BMD_OK) {
        static const char *const keys[] = {"name", "seed", "sensors", "sites", "threats",
                                           "defended_assets", "doctrine", NULL};
        st = yd_check_keys(d, root, "(top level)", keys);
    }
    if (st == BMD_OK)
        st = yd_string(d, root, "name", "name", false, out->name, sizeof out->name);
    if (st == BMD_OK) {
        double seed = 1.0;
        st = num(&c, root, "seed", "", false, &seed);
        if (st == BMD_OK && (seed < 0.0 || seed != floor(seed) || seed > 9e15))
            st = yd_fail(d, yd_get(d, root, "seed"), "seed: expected a non-negative integer");
        out->seed = (uint64_t)seed;
    }
    if (st == BMD_OK)
        st = load_sensors(&c, yd_get(d, root, "sensors"), out);
    if (st == BMD_OK)
        st = load_sites(&c, yd_get(d, root, "sites"), out);
    if (st == BMD_OK)
        st = load_threats(&c, yd_get(d, root, "threats"), out);
    if (st == BMD_OK)
        st = load_assets(&c, yd_get(d, root, "defended_assets"), out);
    if (st == BMD_OK)
        st = load_doctrine(&c, yd_get(d, root, "doctrine"), out);
    if (st == BMD_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    sourced_free_params(c.params, c.n_params);
    yd_free(d);
    if (st != BMD_OK)
        bmd_scenario_free(out);
    return st;
}

void bmd_scenario_free(bmd_scenario *s)
{
    free(s->threats);
    s->threats = NULL;
    s->n_threats = 0;
}
