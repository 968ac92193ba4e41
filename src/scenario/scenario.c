/* SPDX-License-Identifier: MIT */
/* scenario.c: scenario files: includes and overrides, sensors, sites, threats, assets, doctrine,
 * analyses (docs/scenario-format.md). Every number may be written bare or as
 * {value: ..., source: "..."}; every error names file:line:column and the field.
 *
 * Includes: each file is its own libyaml document. The files are loaded depth first (a file's
 * includes before the file itself), which gives their precedence; each top-level key (and each
 * analysis) is then read from the last document that has it, so an error names the file the
 * offending value is in. */
#define _XOPEN_SOURCE 700 /* realpath */

#include "bmd/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "sourced.h"

#define SCN_MAX_FILES BMD_SCN_MAX_FILES /* documents in one scenario, includes counted */
#define SCN_MAX_DEPTH 8   /* includes nested at most this deep */

/* One file of a scenario: its document, the path it was opened by, its canonical path. */
typedef struct scn_file {
    yd d;
    char *path;
    char *real;
} scn_file;

typedef struct ctxs {
    sourced L;          /* L.d: a copy of the document being read (files[k].d), never freed */
    const bmd_catalog *cat;
    bmd_param *params;  /* recorded; handed to the scenario when it loads */
    int n_params;
    scn_file files[SCN_MAX_FILES];  /* in the order they were opened; files[0] the scenario */
    int n_files;
    int order[SCN_MAX_FILES];       /* precedence: later entries override earlier ones */
    int n_order;
    const bmd_scenario *scn;        /* the scenario as loaded so far (analyses.sweep's sites) */
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

/* ---- Analyses ---------------------------------------------------------------------------- */

static const char *const cue_names[BMD_N_CUES] = {"ideal", "early-warning", "forward-radar",
                                                  "site-radar"};

const char *bmd_cue_name(bmd_cue c)
{
    if ((int)c < 0 || (int)c >= BMD_N_CUES)
        return "(unknown cue)";
    return cue_names[c];
}

bool bmd_cue_parse(const char *name, bmd_cue *out)
{
    if (!name)
        return false;
    for (int i = 0; i < BMD_N_CUES; i++)
        if (strcmp(name, cue_names[i]) == 0) {
            *out = (bmd_cue)i;
            return true;
        }
    return false;
}

static bmd_scn_region region_deg(double lat_min, double lat_max, double lon_min, double lon_max)
{
    bmd_scn_region r;
    r.lat_min_rad = lat_min * BMD_DEG;
    r.lat_max_rad = lat_max * BMD_DEG;
    r.lon_min_rad = lon_min * BMD_DEG;
    r.lon_max_rad = lon_max * BMD_DEG;
    return r;
}

void bmd_scn_default_analyses(const bmd_catalog *cat, bmd_scn_analyses *out)
{
    memset(out, 0, sizeof *out);
    out->da.cue = BMD_CUE_FORWARD_RADAR;
    out->da.grid_deg = 0.5;
    out->da.region = region_deg(34.0, 72.0, -25.0, 45.0);
    out->fm.n_cues = BMD_N_CUES;
    for (int i = 0; i < BMD_N_CUES; i++)
        out->fm.cues[i] = (bmd_cue)i;
    out->fm.n_delays = 1;
    out->fm.delays_s[0] = 0.0;
    out->gu.burnout_speed_m_s = 5500.0;
    out->gu.interceptor = cat ? bmd_catalog_find_interceptor(cat, "sm3-iib") : NULL;
    out->gu.cue = BMD_CUE_IDEAL;
    out->gu.grid_deg = 0.5;
    out->gu.region = region_deg(30.0, 75.0, -30.0, 45.0);
}

/* A number that is a list item: bare or {value: ..., source: "..."}. */
static bmd_status item_num(ctxs *c, yaml_node_t *n, const char *field, double *out)
{
    yd *d = &c->L.d;
    const char *source = NULL;
    yaml_node_t *vn = n;
    if (n && n->type == YAML_MAPPING_NODE) {
        static const char *const keys[] = {"value", "source", NULL};
        bmd_status st = yd_check_keys(d, n, field, keys);
        if (st != BMD_OK)
            return st;
        vn = yd_get(d, n, "value");
        if (!vn)
            return yd_fail(d, n, "%s.value: missing (a number is required)", field);
        yaml_node_t *sn = yd_get(d, n, "source");
        source = yd_text(sn);
        if (sn && !source)
            return yd_fail(d, sn, "%s.source: expected text", field);
    }
    bmd_status st = yd_number(d, vn, field, out);
    if (st != BMD_OK)
        return st;
    return sourced_record(&c->L, field, *out, source ? source : "(no source given: user file)");
}

/* map[key] as a cue name (left as it is when absent). */
static bmd_status cue_field(ctxs *c, yaml_node_t *map, const char *key, const char *pre,
                            bmd_cue *out)
{
    yd *d = &c->L.d;
    yaml_node_t *n = yd_get(d, map, key);
    if (!n)
        return BMD_OK;
    const char *t = yd_text(n);
    if (!t)
        return yd_fail(d, n, "%s%s: expected a cue name (ideal, early-warning, forward-radar or "
                       "site-radar)", pre, key);
    if (!bmd_cue_parse(t, out))
        return yd_fail(d, n, "%s%s: unknown cue \"%s\" (expected ideal, early-warning, "
                       "forward-radar or site-radar)", pre, key, t);
    return BMD_OK;
}

/* map.grid_deg in [0.05, 5] degrees (left as it is when absent). */
static bmd_status grid_field(ctxs *c, yaml_node_t *map, const char *pre, double *grid_deg)
{
    bmd_status st = num(c, map, "grid_deg", pre, false, grid_deg);
    if (st != BMD_OK)
        return st;
    if (!(*grid_deg >= 0.05 && *grid_deg <= 5.0))
        return yd_fail(&c->L.d, yd_get(&c->L.d, map, "grid_deg"),
                       "%sgrid_deg: %g is outside [0.05, 5] degrees", pre, *grid_deg);
    return BMD_OK;
}

/* map.region: {lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg}, all four (left as it is
 * when absent). */
static bmd_status region_field(ctxs *c, yaml_node_t *map, const char *pre, bmd_scn_region *out)
{
    yd *d = &c->L.d;
    yaml_node_t *n = yd_get(d, map, "region");
    if (!n)
        return BMD_OK;
    char where[96];
    char sub[96];
    snprintf(where, sizeof where, "%sregion", pre);
    snprintf(sub, sizeof sub, "%sregion.", pre);
    static const char *const keys[] = {"lat_min_deg", "lat_max_deg", "lon_min_deg", "lon_max_deg",
                                       NULL};
    bmd_status st = yd_check_keys(d, n, where, keys);
    if (st != BMD_OK)
        return st;
    double v[4] = {0.0, 0.0, 0.0, 0.0};
    for (int k = 0; k < 4; k++) {
        if ((st = num(c, n, keys[k], sub, true, &v[k])) != BMD_OK)
            return st;
        double lim = k < 2 ? 90.0 : 360.0;
        if (fabs(v[k]) > lim)
            return yd_fail(d, yd_get(d, n, keys[k]), "%s%s: %g is outside [-%g, %g]", sub, keys[k],
                           v[k], lim, lim);
    }
    if (!(v[0] < v[1]))
        return yd_fail(d, yd_get(d, n, "lat_min_deg"),
                       "%slat_min_deg: %g is not below lat_max_deg %g", sub, v[0], v[1]);
    if (!(v[2] < v[3]))
        return yd_fail(d, yd_get(d, n, "lon_min_deg"),
                       "%slon_min_deg: %g is not below lon_max_deg %g", sub, v[2], v[3]);
    if (v[3] - v[2] > 360.0)
        return yd_fail(d, yd_get(d, n, "lon_max_deg"),
                       "%slon_max_deg: the region spans more than 360 degrees of longitude", sub);
    *out = region_deg(v[0], v[1], v[2], v[3]);
    return BMD_OK;
}

/* map.key: a list of 1..BMD_SCN_MAX_PLACES places {name, lat_deg, lon_deg[, missile]}. kind
 * names the default name ("base 3"). */
static bmd_status places_field(ctxs *c, yaml_node_t *map, const char *key, const char *pre,
                               const char *kind, bool with_missile, bmd_scn_place *out, int *n_out)
{
    yd *d = &c->L.d;
    yaml_node_t *seq = yd_get(d, map, key);
    if (!seq)
        return yd_fail(d, map, "%s%s: missing (a list of {name, lat_deg, lon_deg%s})", pre, key,
                       with_missile ? ", missile" : "");
    if (seq->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, seq, "%s%s: expected a list of {name, lat_deg, lon_deg%s}", pre, key,
                       with_missile ? ", missile" : "");
    long n = seq_len(seq);
    if (n < 1 || n > BMD_SCN_MAX_PLACES)
        return yd_fail(d, seq, "%s%s: %ld entries: expected 1 to %d", pre, key, n,
                       BMD_SCN_MAX_PLACES);
    for (long i = 0; i < n; i++) {
        yaml_node_t *m = item(d, seq, i);
        char where[96];
        char ipre[96];
        snprintf(where, sizeof where, "%s%s[%ld]", pre, key, i);
        snprintf(ipre, sizeof ipre, "%s%s[%ld].", pre, key, i);
        static const char *const keys_plain[] = {"name", "lat_deg", "lon_deg", NULL};
        static const char *const keys_base[] = {"name", "lat_deg", "lon_deg", "missile", NULL};
        bmd_status st = yd_check_keys(d, m, where, with_missile ? keys_base : keys_plain);
        if (st != BMD_OK)
            return st;
        bmd_scn_place *p = &out[i];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "%s %ld", kind, i + 1);
        char f[112];
        snprintf(f, sizeof f, "%sname", ipre);
        if ((st = yd_string(d, m, "name", f, false, p->name, sizeof p->name)) != BMD_OK ||
            (st = place(c, m, ipre, &p->lat_rad, &p->lon_rad, NULL)) != BMD_OK)
            return st;
        if (with_missile) {
            yaml_node_t *mn = yd_get(d, m, "missile");
            const char *mid = yd_text(mn);
            if (!mn)
                return yd_fail(d, m, "%smissile: missing (the base's catalog missile)", ipre);
            if (!mid)
                return yd_fail(d, mn, "%smissile: expected a catalog missile id", ipre);
            p->missile = bmd_catalog_find(c->cat, mid);
            if (!p->missile)
                return yd_fail(d, mn, "%smissile: unknown missile \"%s\" (bmdsim catalog)", ipre,
                               mid);
        }
    }
    *n_out = (int)n;
    return BMD_OK;
}

static bmd_status load_defended_area(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    yd *d = &c->L.d;
    const char *pre = "analyses.defended_area.";
    static const char *const keys[] = {"missile", "launch_areas", "cue", "grid_deg", "region",
                                       NULL};
    bmd_status st = yd_check_keys(d, n, "analyses.defended_area", keys);
    if (st != BMD_OK)
        return st;
    yaml_node_t *mn = yd_get(d, n, "missile");
    const char *mid = yd_text(mn);
    if (!mn)
        return yd_fail(d, n, "%smissile: missing (the threat type, a catalog missile id)", pre);
    if (!mid)
        return yd_fail(d, mn, "%smissile: expected a catalog missile id", pre);
    a->da.missile = bmd_catalog_find(c->cat, mid);
    if (!a->da.missile)
        return yd_fail(d, mn, "%smissile: unknown missile \"%s\" (bmdsim catalog)", pre, mid);
    if ((st = places_field(c, n, "launch_areas", pre, "launch area", false, a->da.launch_areas,
                           &a->da.n_launch_areas)) != BMD_OK ||
        (st = cue_field(c, n, "cue", pre, &a->da.cue)) != BMD_OK ||
        (st = grid_field(c, n, pre, &a->da.grid_deg)) != BMD_OK ||
        (st = region_field(c, n, pre, &a->da.region)) != BMD_OK)
        return st;
    a->defended_area = true;
    return BMD_OK;
}

static bmd_status load_feasibility_matrix(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    yd *d = &c->L.d;
    const char *pre = "analyses.feasibility_matrix.";
    static const char *const keys[] = {"bases", "targets", "cues", "launch_delays_s", NULL};
    bmd_status st = yd_check_keys(d, n, "analyses.feasibility_matrix", keys);
    if (st != BMD_OK)
        return st;
    if ((st = places_field(c, n, "bases", pre, "base", true, a->fm.bases, &a->fm.n_bases)) !=
            BMD_OK ||
        (st = places_field(c, n, "targets", pre, "target", false, a->fm.targets,
                           &a->fm.n_targets)) != BMD_OK)
        return st;
    yaml_node_t *cs = yd_get(d, n, "cues");
    if (cs) {
        if (cs->type != YAML_SEQUENCE_NODE || seq_len(cs) < 1 || seq_len(cs) > BMD_N_CUES)
            return yd_fail(d, cs, "%scues: expected a list of 1 to %d cue names (ideal, "
                           "early-warning, forward-radar, site-radar)", pre, BMD_N_CUES);
        a->fm.n_cues = 0;
        for (long i = 0; i < seq_len(cs); i++) {
            yaml_node_t *q = item(d, cs, i);
            const char *t = yd_text(q);
            bmd_cue cue = BMD_CUE_IDEAL;
            if (!t)
                return yd_fail(d, q, "%scues[%ld]: expected a cue name", pre, i);
            if (!bmd_cue_parse(t, &cue))
                return yd_fail(d, q, "%scues[%ld]: unknown cue \"%s\" (expected ideal, "
                               "early-warning, forward-radar or site-radar)", pre, i, t);
            for (int k = 0; k < a->fm.n_cues; k++)
                if (a->fm.cues[k] == cue)
                    return yd_fail(d, q, "%scues[%ld]: \"%s\" is given twice", pre, i, t);
            a->fm.cues[a->fm.n_cues++] = cue;
        }
    }
    yaml_node_t *ds = yd_get(d, n, "launch_delays_s");
    if (ds) {
        if (ds->type != YAML_SEQUENCE_NODE || seq_len(ds) < 1 ||
            seq_len(ds) > BMD_SCN_MAX_DELAYS)
            return yd_fail(d, ds, "%slaunch_delays_s: expected a list of 1 to %d delays in s",
                           pre, BMD_SCN_MAX_DELAYS);
        a->fm.n_delays = 0;
        for (long i = 0; i < seq_len(ds); i++) {
            yaml_node_t *q = item(d, ds, i);
            char f[96];
            snprintf(f, sizeof f, "%slaunch_delays_s[%ld]", pre, i);
            double x = 0.0;
            if ((st = item_num(c, q, f, &x)) != BMD_OK)
                return st;
            if (!(x >= 0.0 && x <= 3600.0))
                return yd_fail(d, q, "%s: %g is outside [0, 3600] s", f, x);
            a->fm.delays_s[a->fm.n_delays++] = x;
        }
    }
    a->feasibility_matrix = true;
    return BMD_OK;
}

static bmd_status load_guarantees(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    yd *d = &c->L.d;
    const char *pre = "analyses.guarantees.";
    static const char *const keys[] = {"burnout_speed_km_s", "interceptor", "cue", "grid_deg",
                                       "region", NULL};
    bmd_status st = yd_check_keys(d, n, "analyses.guarantees", keys);
    if (st != BMD_OK)
        return st;
    if (!a->feasibility_matrix)
        return yd_fail(d, n, "analyses.guarantees: needs analyses.feasibility_matrix (its bases "
                       "and targets)");
    double v = a->gu.burnout_speed_m_s / 1e3;
    if ((st = num(c, n, "burnout_speed_km_s", pre, false, &v)) != BMD_OK)
        return st;
    if (!(v > 0.5 && v <= 12.0))
        return yd_fail(d, yd_get(d, n, "burnout_speed_km_s"),
                       "%sburnout_speed_km_s: %g is outside (0.5, 12] km/s", pre, v);
    a->gu.burnout_speed_m_s = v * 1e3;
    yaml_node_t *in = yd_get(d, n, "interceptor");
    if (in) {
        const char *iid = yd_text(in);
        if (!iid)
            return yd_fail(d, in, "%sinterceptor: expected a catalog interceptor id", pre);
        a->gu.interceptor = bmd_catalog_find_interceptor(c->cat, iid);
        if (!a->gu.interceptor)
            return yd_fail(d, in, "%sinterceptor: unknown interceptor \"%s\" (bmdsim catalog)",
                           pre, iid);
    } else if (!a->gu.interceptor) {
        return yd_fail(d, n, "%sinterceptor: the default, sm3-iib, is not in the catalog: name "
                       "one", pre);
    }
    if ((st = cue_field(c, n, "cue", pre, &a->gu.cue)) != BMD_OK ||
        (st = grid_field(c, n, pre, &a->gu.grid_deg)) != BMD_OK ||
        (st = region_field(c, n, pre, &a->gu.region)) != BMD_OK)
        return st;
    a->guarantees = true;
    return BMD_OK;
}

static bmd_status load_kaliningrad(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    const char *t = yd_text(n);
    if (t && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(t, "true") == 0)
        a->kaliningrad = true;
    else if (t && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(t, "false") == 0)
        a->kaliningrad = false;
    else
        return yd_fail(&c->L.d, n, "analyses.kaliningrad: expected true or false");
    return BMD_OK;
}

/* One axis of analyses.sweep: a scalar (A:B:STEP, or one value) or a list of values, read by the
 * same parser as bmdsim sweep's flag (bmd_axis_parse), so that both give the same values. */
static bmd_status sweep_axis(ctxs *c, yaml_node_t *n, const char *key, double lo, double hi,
                             const char *unit, bool *has, bmd_axis *x)
{
    yd *d = &c->L.d;
    yaml_node_t *v = yd_get(d, n, key);
    if (!v)
        return BMD_OK;
    char text[4096];
    size_t used = 0;
    if (v->type == YAML_SCALAR_NODE) {
        snprintf(text, sizeof text, "%s", yd_text(v));
    } else if (v->type == YAML_SEQUENCE_NODE && seq_len(v) >= 1) {
        text[0] = '\0';
        for (long i = 0; i < seq_len(v); i++) {
            yaml_node_t *q = item(d, v, i);
            const char *t = yd_text(q);
            if (!t || strchr(t, ',') || strchr(t, ':'))
                return yd_fail(d, q, "analyses.sweep.%s[%ld]: expected a number", key, i);
            int k = snprintf(text + used, sizeof text - used, "%s%s", i ? "," : "", t);
            if (k < 0 || (size_t)k >= sizeof text - used)
                return yd_fail(d, v, "analyses.sweep.%s: too many values", key);
            used += (size_t)k;
        }
    } else {
        return yd_fail(d, v, "analyses.sweep.%s: expected A:B:STEP (from A to B inclusive), a "
                       "value, or a list of values", key);
    }
    char why[200];
    if (bmd_axis_parse(text, lo, hi, unit, x, why, sizeof why) != BMD_OK)
        return yd_fail(d, v, "analyses.sweep.%s: %s", key, why);
    *has = true;
    return BMD_OK;
}

/* A site of analyses.sweep.sites (bmd_scn_find_site: the rules of bmdsim sweep --site). */
static bmd_status sweep_site(ctxs *c, yaml_node_t *q, long i, int *out)
{
    yd *d = &c->L.d;
    const char *t = yd_text(q);
    if (!t)
        return yd_fail(d, q, "analyses.sweep.sites[%ld]: expected a site's name or index", i);
    const char *why = "";
    *out = bmd_scn_find_site(c->scn, t, &why);
    if (*out < 0)
        return yd_fail(d, q, "analyses.sweep.sites[%ld]: \"%s\" %s (the scenario has %d)", i, t,
                       why, c->scn->n_sites);
    return BMD_OK;
}

/* analyses.sweep: the axes bmdsim sweep SCENARIO uses when its command line gives none. */
static bmd_status load_sweep(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    yd *d = &c->L.d;
    static const char *const keys[] = {"threats", "sites", "burnout_speed_km_s", "cues",
                                       "launch_delays_s", "site_lat_deg", "site_lon_deg", NULL};
    bmd_status st = yd_check_keys(d, n, "analyses.sweep", keys);
    if (st != BMD_OK)
        return st;
    bmd_scn_sweep *w = &a->sw;
    memset(w, 0, sizeof *w);
    yaml_node_t *tn = yd_get(d, n, "threats");
    if (tn) {
        const char *t = yd_text(tn);
        if (t && strcmp(t, "matrix") == 0)
            w->threats = 1;
        else if (t && strcmp(t, "raid") == 0)
            w->threats = 2;
        else
            return yd_fail(d, tn, "analyses.sweep.threats: expected matrix (the feasibility "
                           "matrix's bases x targets) or raid (the scenario's threats)");
        if (w->threats == 1 && !a->feasibility_matrix)
            return yd_fail(d, tn, "analyses.sweep.threats: matrix needs "
                           "analyses.feasibility_matrix");
        if (w->threats == 2 && c->scn->n_threats < 1)
            return yd_fail(d, tn, "analyses.sweep.threats: raid needs threats");
    }
    yaml_node_t *sn = yd_get(d, n, "sites");
    if (sn) {
        if (sn->type != YAML_SEQUENCE_NODE || seq_len(sn) < 1 ||
            seq_len(sn) > c->scn->n_sites)
            return yd_fail(d, sn, "analyses.sweep.sites: expected a list of 1 to %d of the "
                           "scenario's sites (names or indices)", c->scn->n_sites);
        for (long i = 0; i < seq_len(sn); i++) {
            int k = 0;
            if ((st = sweep_site(c, item(d, sn, i), i, &k)) != BMD_OK)
                return st;
            for (int j = 0; j < w->n_sites; j++)
                if (w->sites[j] == k)
                    return yd_fail(d, item(d, sn, i), "analyses.sweep.sites[%ld]: the site is "
                                   "given twice", i);
            w->sites[w->n_sites++] = k;
        }
    }
    yaml_node_t *cs = yd_get(d, n, "cues");
    if (cs) {
        const char *all = yd_text(cs);
        if (all && strcmp(all, "all") == 0) {
            for (int q = 0; q < BMD_N_CUES; q++)
                w->cues[w->n_cues++] = (bmd_cue)q;
        } else if (cs->type == YAML_SEQUENCE_NODE && seq_len(cs) >= 1 &&
                   seq_len(cs) <= BMD_N_CUES) {
            for (long i = 0; i < seq_len(cs); i++) {
                yaml_node_t *q = item(d, cs, i);
                const char *t = yd_text(q);
                bmd_cue cue = BMD_CUE_IDEAL;
                if (!t || !bmd_cue_parse(t, &cue))
                    return yd_fail(d, q, "analyses.sweep.cues[%ld]: expected ideal, "
                                   "early-warning, forward-radar or site-radar", i);
                for (int k = 0; k < w->n_cues; k++)
                    if (w->cues[k] == cue)
                        return yd_fail(d, q, "analyses.sweep.cues[%ld]: \"%s\" is given twice",
                                       i, t);
                w->cues[w->n_cues++] = cue;
            }
        } else {
            return yd_fail(d, cs, "analyses.sweep.cues: expected all or a list of 1 to %d cue "
                           "names", BMD_N_CUES);
        }
    }
    /* The bounds of bmdsim sweep's flags. */
    if ((st = sweep_axis(c, n, "burnout_speed_km_s", 0.5, 11.0, "km/s", &w->has_speed,
                         &w->burnout_speed_km_s)) != BMD_OK ||
        (st = sweep_axis(c, n, "launch_delays_s", 0.0, 7200.0, "s", &w->has_delay,
                         &w->launch_delay_s)) != BMD_OK ||
        (st = sweep_axis(c, n, "site_lat_deg", -90.0, 90.0, "deg", &w->has_lat,
                         &w->site_lat_deg)) != BMD_OK ||
        (st = sweep_axis(c, n, "site_lon_deg", -360.0, 360.0, "deg", &w->has_lon,
                         &w->site_lon_deg)) != BMD_OK)
        return st;
    if ((w->has_lat || w->has_lon) && w->n_sites != 1 && c->scn->n_sites != 1)
        return yd_fail(d, n, "analyses.sweep: site_lat_deg and site_lon_deg move one site: name "
                       "it in sites");
    a->sweep = true;
    return BMD_OK;
}

/* analyses.cue_definitions: what early-warning, forward-radar and site-radar mean here. */
static bmd_status load_cue_definitions(ctxs *c, yaml_node_t *n, bmd_scn_analyses *a)
{
    yd *d = &c->L.d;
    static const char *const cues[] = {"early-warning", "forward-radar", "site-radar", NULL};
    if (!n || n->type != YAML_MAPPING_NODE)
        return yd_fail(d, n, "analyses.cue_definitions: expected a mapping of cue names "
                       "(early-warning, forward-radar, site-radar)");
    if (yd_get(d, n, "ideal"))
        return yd_fail(d, yd_get(d, n, "ideal"), "analyses.cue_definitions.ideal: the ideal cue "
                       "has no sensor and no delay (the threat's own launch)");
    bmd_status st = yd_check_keys(d, n, "analyses.cue_definitions", cues);
    if (st != BMD_OK)
        return st;
    for (int i = 0; cues[i]; i++) {
        yaml_node_t *m = yd_get(d, n, cues[i]);
        if (!m)
            continue;
        char pre[64];
        snprintf(pre, sizeof pre, "analyses.cue_definitions.%s.", cues[i]);
        bmd_cue q = BMD_CUE_IDEAL;
        if (!bmd_cue_parse(cues[i], &q))
            return BMD_ERR_ARG; /* not reached: the names above are cues */
        bmd_scn_cue_def *def = &a->cue_defs[q];
        bool radar = q != BMD_CUE_EARLY_WARNING;
        static const char *const rkeys[] = {"sensor", "lat_deg", "lon_deg", "height_m",
                                            "delay_s", NULL};
        static const char *const skeys[] = {"sensor", "delay_s", NULL};
        char field[64];
        snprintf(field, sizeof field, "analyses.cue_definitions.%s", cues[i]);
        if ((st = yd_check_keys(d, m, field, q == BMD_CUE_FORWARD_RADAR ? rkeys : skeys)) !=
            BMD_OK)
            return st;
        yaml_node_t *sn = yd_get(d, m, "sensor");
        if (sn) {
            const char *id = yd_text(sn);
            if (!id)
                return yd_fail(d, sn, "%ssensor: expected a catalog sensor id", pre);
            def->sensor = bmd_catalog_find_sensor(c->cat, id);
            if (!def->sensor)
                return yd_fail(d, sn, "%ssensor: unknown sensor \"%s\" (bmdsim catalog --sensors)",
                               pre, id);
            if (radar != (def->sensor->kind == BMD_SENSOR_RADAR))
                return yd_fail(d, sn, "%ssensor: \"%s\" is %s, the %s cue needs %s", pre, id,
                               radar ? "an early-warning sensor" : "a radar", cues[i],
                               radar ? "a radar" : "an early-warning sensor");
        }
        if (yd_get(d, m, "lat_deg") || yd_get(d, m, "lon_deg")) {
            if ((st = place(c, m, pre, &def->lat_rad, &def->lon_rad, &def->h_m)) != BMD_OK)
                return st;
            def->placed = true;
        } else if (yd_get(d, m, "height_m")) {
            return yd_fail(d, yd_get(d, m, "height_m"), "%sheight_m: needs lat_deg and lon_deg",
                           pre);
        }
        if (q == BMD_CUE_FORWARD_RADAR && def->sensor && !def->placed && !def->sensor->has_site)
            return yd_fail(d, sn, "%ssensor: \"%s\" has no site in the catalog: give lat_deg "
                           "and lon_deg", pre, def->sensor->radar.id);
        if (yd_get(d, m, "delay_s")) {
            double dl = 0.0;
            if ((st = num(c, m, "delay_s", pre, true, &dl)) != BMD_OK)
                return st;
            if (!(dl >= 0.0 && dl <= 3600.0))
                return yd_fail(d, yd_get(d, m, "delay_s"), "%sdelay_s: %g is outside [0, 3600] s",
                               pre, dl);
            def->delay_s = dl;
            def->has_delay = true;
        }
    }
    return BMD_OK;
}

/* ---- Files, includes and overrides ---------------------------------------------------------- */

static const char *const top_keys[] = {"name", "seed", "include", "sensors", "sites", "threats",
                                       "defended_assets", "doctrine", "analyses", NULL};
static const char *const analysis_keys[] = {"defended_area", "feasibility_matrix", "guarantees",
                                            "kaliningrad", "cue_definitions", "sweep", NULL};

/* Read from file k's document from now on. */
static void use_file(ctxs *c, int k) { c->L.d = c->files[k].d; }

static yaml_node_t *file_root(ctxs *c, int k) { return yd_root(&c->files[k].d); }

/* The file of highest precedence whose top level has key (-1: none). */
static int key_owner(ctxs *c, const char *key)
{
    for (int i = c->n_order - 1; i >= 0; i--) {
        int k = c->order[i];
        if (yd_get(&c->files[k].d, file_root(c, k), key))
            return k;
    }
    return -1;
}

/* The file of highest precedence whose analyses: has this analysis (-1: none). */
static int analysis_owner(ctxs *c, const char *key)
{
    for (int i = c->n_order - 1; i >= 0; i--) {
        int k = c->order[i];
        yd *d = &c->files[k].d;
        if (yd_get(d, yd_get(d, file_root(c, k), "analyses"), key))
            return k;
    }
    return -1;
}

/* The path of an include as written in the file at from: relative to from's folder. NULL when
 * out of memory. */
static char *include_path(const char *from, const char *name)
{
    const char *slash = strrchr(from, '/');
    size_t dir = (name[0] == '/' || !slash) ? 0 : (size_t)(slash - from) + 1;
    size_t len = dir + strlen(name) + 1;
    char *p = malloc(len);
    if (p) {
        memcpy(p, from, dir);
        memcpy(p + dir, name, strlen(name) + 1);
    }
    return p;
}

static bmd_status load_file(ctxs *c, char *path, int depth, const int *chain, bmd_load_error *err);

/* One include entry n of file k (which is chain[depth] of the includes being opened). */
static bmd_status include_one(ctxs *c, int k, yaml_node_t *n, long i, int depth, const int *chain,
                              bmd_load_error *err)
{
    yd *d = &c->files[k].d;
    char field[32] = "include";
    if (i >= 0)
        snprintf(field, sizeof field, "include[%ld]", i);
    const char *name = yd_text(n);
    if (!name || !name[0])
        return yd_fail(d, n, "%s: expected a file name", field);
    if (depth + 1 > SCN_MAX_DEPTH)
        return yd_fail(d, n, "%s: \"%s\": includes nested more than %d deep", field, name,
                       SCN_MAX_DEPTH);
    if (c->n_files >= SCN_MAX_FILES)
        return yd_fail(d, n, "%s: \"%s\": more than %d files in one scenario", field, name,
                       SCN_MAX_FILES);
    char *path = include_path(c->files[k].path, name);
    if (!path)
        return BMD_ERR_NOMEM;
    char *real = realpath(path, NULL);
    if (!real) {
        int e = errno;
        bmd_status st = e == ENOMEM ? BMD_ERR_NOMEM
                                    : yd_fail(d, n, "%s: cannot open \"%s\" (%s): %s", field, name,
                                              path, strerror(e));
        free(path);
        return st;
    }
    for (int a = 0; a <= depth; a++) {
        if (strcmp(c->files[chain[a]].real, real) != 0)
            continue;
        bmd_status st;
        if (a == depth) {
            st = yd_fail(d, n, "%s: \"%s\": the file includes itself", field, name);
        } else {
            char loop[400] = "";
            size_t used = 0;
            for (int b = a; b <= depth && used < sizeof loop - 1; b++)
                used += (size_t)snprintf(loop + used, sizeof loop - used, "%s -> ",
                                         c->files[chain[b]].path);
            st = yd_fail(d, n, "%s: \"%s\": an include loop (%s%s)", field, name, loop, path);
        }
        free(real);
        free(path);
        return st;
    }
    free(real);
    return load_file(c, path, depth + 1, chain, err);
}

/* Open path (owned from here on) as file number c->n_files, check its top level and analyses,
 * open its includes (depth first), then give it the next precedence. chain[0..depth-1] are the
 * files including it. */
static bmd_status load_file(ctxs *c, char *path, int depth, const int *chain, bmd_load_error *err)
{
    int k = c->n_files++;
    scn_file *f = &c->files[k];
    memset(f, 0, sizeof *f);
    f->path = path;
    bmd_status st = yd_load(&f->d, path, err);
    if (st != BMD_OK)
        return st;
    f->real = realpath(path, NULL);
    if (!f->real)
        return yd_fail(&f->d, NULL, "cannot resolve the path: %s", strerror(errno));
    yd *d = &f->d;
    yaml_node_t *root = yd_root(d);
    if ((st = yd_check_keys(d, root, "(top level)", top_keys)) != BMD_OK)
        return st;
    yaml_node_t *an = yd_get(d, root, "analyses");
    if (an && (st = yd_check_keys(d, an, "analyses", analysis_keys)) != BMD_OK)
        return st;
    int sub[SCN_MAX_DEPTH + 1];
    for (int a = 0; a < depth; a++)
        sub[a] = chain[a];
    sub[depth] = k;
    yaml_node_t *inc = yd_get(d, root, "include");
    if (inc && inc->type == YAML_SEQUENCE_NODE) {
        for (long i = 0; i < seq_len(inc) && st == BMD_OK; i++)
            st = include_one(c, k, item(d, inc, i), i, depth, sub, err);
    } else if (inc) {
        if (!yd_text(inc))
            return yd_fail(d, inc, "include: expected a file name or a list of file names");
        st = include_one(c, k, inc, -1, depth, sub, err);
    }
    if (st != BMD_OK)
        return st;
    c->order[c->n_order++] = k;
    return BMD_OK;
}

/* Read top-level key from the file that wins it (the scenario itself when none has it). */
static yaml_node_t *top(ctxs *c, const char *key)
{
    int k = key_owner(c, key);
    use_file(c, k >= 0 ? k : 0);
    return k >= 0 ? yd_get(&c->L.d, yd_root(&c->L.d), key) : NULL;
}

static bmd_status load_analyses(ctxs *c, bmd_scn_analyses *a)
{
    typedef bmd_status (*loader)(ctxs *, yaml_node_t *, bmd_scn_analyses *);
    static const loader load[] = {load_defended_area, load_feasibility_matrix, load_guarantees,
                                  load_kaliningrad, load_cue_definitions, load_sweep};
    bmd_scn_default_analyses(c->cat, a);
    for (int i = 0; analysis_keys[i]; i++) {
        int k = analysis_owner(c, analysis_keys[i]);
        if (k < 0)
            continue;
        use_file(c, k);
        yd *d = &c->L.d;
        bmd_status st = load[i](c, yd_get(d, yd_get(d, yd_root(d), "analyses"), analysis_keys[i]),
                                a);
        if (st != BMD_OK)
            return st;
    }
    return BMD_OK;
}

bmd_status bmd_scenario_load(const char *path, const bmd_catalog *cat, bmd_scenario *out,
                             bmd_load_error *err)
{
    memset(out, 0, sizeof *out);
    ctxs *c = calloc(1, sizeof *c);
    char *p0 = bmd_strdup(path);
    if (!c || !p0) {
        free(c);
        free(p0);
        memset(err, 0, sizeof *err);
        snprintf(err->file, sizeof err->file, "%s", path);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return BMD_ERR_NOMEM;
    }
    c->cat = cat;
    c->L.params = &c->params;
    c->L.n_params = &c->n_params;
    c->L.require_sources = false;
    bmd_status st = load_file(c, p0, 0, NULL, err);
    if (st == BMD_OK) {
        top(c, "name");
        st = yd_string(&c->L.d, yd_root(&c->L.d), "name", "name", false, out->name,
                       sizeof out->name);
    }
    if (st == BMD_OK) {
        double seed = 1.0;
        top(c, "seed");
        yd *d = &c->L.d;
        st = num(c, yd_root(d), "seed", "", false, &seed);
        if (st == BMD_OK && (seed < 0.0 || seed != floor(seed) || seed > 9e15))
            st = yd_fail(d, yd_get(d, yd_root(d), "seed"), "seed: expected a non-negative integer");
        if (st == BMD_OK) /* a negative or huge seed does not fit a uint64_t (found by fuzzing) */
            out->seed = (uint64_t)seed;
    }
    if (st == BMD_OK)
        st = load_sensors(c, top(c, "sensors"), out);
    if (st == BMD_OK)
        st = load_sites(c, top(c, "sites"), out);
    if (st == BMD_OK)
        st = load_threats(c, top(c, "threats"), out);
    if (st == BMD_OK)
        st = load_assets(c, top(c, "defended_assets"), out);
    if (st == BMD_OK)
        st = load_doctrine(c, top(c, "doctrine"), out);
    c->scn = out;
    if (st == BMD_OK)
        st = load_analyses(c, &out->analyses);
    if (st == BMD_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    if (st == BMD_OK) { /* the provenance moves to the scenario (no allocation) */
        out->params = c->params;
        out->n_params = c->n_params;
        c->params = NULL;
        c->n_params = 0;
        for (int k = 0; k < c->n_files; k++) {
            out->files[k] = c->files[k].path;
            c->files[k].path = NULL;
        }
        out->n_files = c->n_files;
    }
    sourced_free_params(c->params, c->n_params);
    for (int k = 0; k < c->n_files; k++) {
        yd_free(&c->files[k].d);
        free(c->files[k].path);
        free(c->files[k].real);
    }
    free(c);
    if (st != BMD_OK)
        bmd_scenario_free(out);
    return st;
}

void bmd_scenario_free(bmd_scenario *s)
{
    free(s->threats);
    s->threats = NULL;
    s->n_threats = 0;
    sourced_free_params(s->params, s->n_params);
    s->params = NULL;
    s->n_params = 0;
    for (int k = 0; k < s->n_files; k++) {
        free(s->files[k]);
        s->files[k] = NULL;
    }
    s->n_files = 0;
}
