/* SPDX-License-Identifier: MIT */
/* catalog.c: loads missile and interceptor files (YAML) into vehicles, converting the units named
 * in the field names (km, deg) to SI and keeping each value's source for display. An interceptor
 * file is a missile file with a kill_vehicle section and no signature. */
#include "bmd/catalog.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "sourced.h"

const char *bmd_data_dir(void)
{
    const char *e = getenv("BMDSIM_DATA");
    if (e && *e)
        return e;
#ifdef BMD_DATA_DIR
    return BMD_DATA_DIR;
#else
    return "data";
#endif
}

/* Drag tables: a mapping name -> {source, mach: [...], cd: [...]}, or inline. */
static bmd_status read_cd(yd *d, yaml_node_t *tab, const char *field, bmd_cd_table *out)
{
    static const char *const keys[] = {"source", "mach", "cd", NULL};
    bmd_status st = yd_check_keys(d, tab, field, keys);
    if (st != BMD_OK)
        return st;
    yaml_node_t *mach = yd_get(d, tab, "mach");
    yaml_node_t *cd = yd_get(d, tab, "cd");
    if (!mach || mach->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, mach ? mach : tab, "%s.mach: expected a list of Mach numbers", field);
    if (!cd || cd->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, cd ? cd : tab, "%s.cd: expected a list of drag coefficients", field);
    long nm = mach->data.sequence.items.top - mach->data.sequence.items.start;
    long nc = cd->data.sequence.items.top - cd->data.sequence.items.start;
    if (nm != nc || nm < 1 || nm > BMD_MAX_CD)
        return yd_fail(d, tab, "%s: mach and cd need the same number of points (1 to %d)", field,
                       BMD_MAX_CD);
    out->n = (int)nm;
    for (long i = 0; i < nm; i++) {
        char f[96];
        snprintf(f, sizeof f, "%s.mach[%ld]", field, i);
        st = yd_number(d, yaml_document_get_node(&d->doc, mach->data.sequence.items.start[i]), f,
                       &out->mach[i]);
        if (st != BMD_OK)
            return st;
        snprintf(f, sizeof f, "%s.cd[%ld]", field, i);
        yaml_node_t *cn = yaml_document_get_node(&d->doc, cd->data.sequence.items.start[i]);
        st = yd_number(d, cn, f, &out->cd[i]);
        if (st != BMD_OK)
            return st;
        if (out->cd[i] < 0.0 || out->cd[i] > 5.0)
            return yd_fail(d, cn, "%s: drag coefficient %g outside [0, 5]", f, out->cd[i]);
        if (i > 0 && !(out->mach[i] > out->mach[i - 1]))
            return yd_fail(d, tab, "%s.mach: Mach numbers must increase", field);
    }
    return BMD_OK;
}

/* An RCS table {source, aspect_deg: [...], rcs_m2: [...]}. */
static bmd_status read_rcs_table(yd *d, yaml_node_t *tab, bmd_rcs_table *out)
{
    const char *field = "signature.rv_rcs_by_aspect";
    static const char *const keys[] = {"source", "aspect_deg", "rcs_m2", NULL};
    bmd_status st = yd_check_keys(d, tab, field, keys);
    if (st != BMD_OK)
        return st;
    if (!yd_text(yd_get(d, tab, "source")))
        return yd_fail(d, tab, "%s.source: a table needs its source", field);
    yaml_node_t *asp = yd_get(d, tab, "aspect_deg");
    yaml_node_t *rcs = yd_get(d, tab, "rcs_m2");
    if (!asp || asp->type != YAML_SEQUENCE_NODE || !rcs || rcs->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, tab, "%s: expected aspect_deg: [...] and rcs_m2: [...]", field);
    long n = asp->data.sequence.items.top - asp->data.sequence.items.start;
    long nr = rcs->data.sequence.items.top - rcs->data.sequence.items.start;
    if (n != nr || n < 1 || n > BMD_MAX_RCS_TABLE)
        return yd_fail(d, tab, "%s: aspect_deg and rcs_m2 need the same number of points (1 to %d)",
                       field, BMD_MAX_RCS_TABLE);
    out->n = (int)n;
    for (long i = 0; i < n; i++) {
        char f[96];
        double a = 0.0;
        yaml_node_t *an = yaml_document_get_node(&d->doc, asp->data.sequence.items.start[i]);
        yaml_node_t *rn = yaml_document_get_node(&d->doc, rcs->data.sequence.items.start[i]);
        snprintf(f, sizeof f, "%s.aspect_deg[%ld]", field, i);
        if ((st = yd_number(d, an, f, &a)) != BMD_OK)
            return st;
        if (a < 0.0 || a > 180.0 || (i > 0 && !(a * BMD_DEG > out->aspect_rad[i - 1])))
            return yd_fail(d, an, "%s: aspects must increase within [0, 180] degrees", f);
        out->aspect_rad[i] = a * BMD_DEG;
        snprintf(f, sizeof f, "%s.rcs_m2[%ld]", field, i);
        if ((st = yd_number(d, rn, f, &out->rcs_m2[i])) != BMD_OK)
            return st;
        if (!(out->rcs_m2[i] > 0.0))
            return yd_fail(d, rn, "%s: must be positive", f);
    }
    return BMD_OK;
}

static bmd_status lookup_drag(sourced *L, yaml_node_t *node, const char *field, const char *drag_file,
                              bmd_cd_table *out)
{
    if (node && node->type == YAML_MAPPING_NODE)
        return read_cd(&L->d, node, field, out);
    const char *name = yd_text(node);
    if (!name)
        return yd_fail(&L->d, node, "%s: expected a drag table name or {mach: [...], cd: [...]}",
                       field);
    if (!drag_file)
        return yd_fail(&L->d, node, "%s: no drag table file to look \"%s\" up in", field, name);
    yd dd;
    bmd_load_error derr;
    bmd_status st = yd_load(&dd, drag_file, &derr);
    if (st == BMD_OK) {
        yaml_node_t *tables = yd_get(&dd, yd_root(&dd), "tables");
        yaml_node_t *t = yd_get(&dd, tables, name);
        if (!t) {
            yd_free(&dd);
            return yd_fail(&L->d, node, "%s: unknown drag table \"%s\" (see %s)", field, name,
                           drag_file);
        }
        st = read_cd(&dd, t, name, out);
    }
    if (st != BMD_OK)
        *L->d.err = derr;
    yd_free(&dd);
    return st;
}

/* What a file must be: a catalog directory fixes the kind; a user's file says it by having (an
 * interceptor) or not having (a missile) a kill_vehicle section. */
typedef enum file_kind { KIND_ANY = 0, KIND_MISSILE = 1, KIND_INTERCEPTOR = 2 } file_kind;

/* The kill vehicle's limits: kill_vehicle: {min_altitude_km, max_altitude_km, divert_km_s,
 * min_closing_speed_km_s}, each required and sourced. */
static bmd_status read_kill_vehicle(sourced *L, yaml_node_t *kvn, bmd_kill_vehicle *kv)
{
    yd *d = &L->d;
    static const char *const keys[] = {"min_altitude_km", "max_altitude_km", "divert_km_s",
                                       "min_closing_speed_km_s", NULL};
    if (kvn->type != YAML_MAPPING_NODE)
        return yd_fail(d, kvn,
                       "kill_vehicle: expected {min_altitude_km, max_altitude_km, divert_km_s, "
                       "min_closing_speed_km_s}");
    bmd_status st = yd_check_keys(d, kvn, "kill_vehicle", keys);
    if (st != BMD_OK)
        return st;
    const char *pre = "kill_vehicle.";
    double lo = 0.0, hi = 0.0, dv = 0.0, vc = 0.0;
    if ((st = sourced_param(L, kvn, "min_altitude_km", pre, true, &lo, NULL)) != BMD_OK ||
        (st = sourced_param(L, kvn, "max_altitude_km", pre, true, &hi, NULL)) != BMD_OK ||
        (st = sourced_param(L, kvn, "divert_km_s", pre, true, &dv, NULL)) != BMD_OK ||
        (st = sourced_param(L, kvn, "min_closing_speed_km_s", pre, true, &vc, NULL)) != BMD_OK)
        return st;
    if (lo < 0.0)
        return yd_fail(d, yd_get(d, kvn, "min_altitude_km"),
                       "kill_vehicle.min_altitude_km: must not be negative, got %g", lo);
    if (!(hi > lo))
        return yd_fail(d, yd_get(d, kvn, "max_altitude_km"),
                       "kill_vehicle.max_altitude_km: %g km is not above min_altitude_km %g km", hi,
                       lo);
    if (dv < 0.0)
        return yd_fail(d, yd_get(d, kvn, "divert_km_s"),
                       "kill_vehicle.divert_km_s: must not be negative, got %g", dv);
    if (vc < 0.0)
        return yd_fail(d, yd_get(d, kvn, "min_closing_speed_km_s"),
                       "kill_vehicle.min_closing_speed_km_s: must not be negative, got %g", vc);
    kv->min_altitude_m = lo * 1e3;
    kv->max_altitude_m = hi * 1e3;
    kv->divert_m_s = dv * 1e3;
    kv->min_closing_m_s = vc * 1e3;
    char why[200];
    if (bmd_kill_vehicle_check(kv, why, sizeof why) != BMD_OK)
        return yd_fail(d, kvn, "%s", why);
    return BMD_OK;
}

static bmd_status load_body(sourced *L, bmd_missile *m, const char *drag_file, file_kind kind)
{
    yd *d = &L->d;
    bmd_vehicle *v = &m->v;
    yaml_node_t *root = yd_root(d);
    static const char *const top[] = {"id", "name", "country", "class", "propellant", "notional",
                                      "notes", "sources", "published", "payload", "guidance",
                                      "stages", "signature", "kill_vehicle", NULL};
    bmd_status st = yd_check_keys(d, root, "(top level)", top);
    if (st != BMD_OK)
        return st;
    /* Interceptor or missile: the kill_vehicle section decides. */
    yaml_node_t *kvn = yd_get(d, root, "kill_vehicle");
    m->interceptor = kvn != NULL;
    if (kind == KIND_INTERCEPTOR && !kvn)
        return yd_fail(d, root,
                       "kill_vehicle: missing (an interceptor file needs min_altitude_km, "
                       "max_altitude_km, divert_km_s and min_closing_speed_km_s)");
    if (kind == KIND_MISSILE && kvn)
        return yd_fail(d, kvn,
                       "kill_vehicle: an interceptor file (it has a kill_vehicle section) belongs "
                       "in interceptors/, not missiles/");
    if ((st = yd_string(d, root, "id", "id", true, v->id, sizeof v->id)) != BMD_OK)
        return st;
    for (const char *c = v->id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return yd_fail(d, yd_get(d, root, "id"),
                           "id: \"%s\" may hold only lower-case letters, digits and '-'", v->id);
    if ((st = yd_string(d, root, "name", "name", true, v->name, sizeof v->name)) != BMD_OK ||
        (st = yd_string(d, root, "country", "country", false, m->country, sizeof m->country)) != BMD_OK ||
        (st = yd_string(d, root, "class", "class", false, m->klass, sizeof m->klass)) != BMD_OK ||
        (st = yd_string(d, root, "propellant", "propellant", false, m->propellant,
                        sizeof m->propellant)) != BMD_OK)
        return st;
    if (m->interceptor) {
        if (!m->klass[0])
            snprintf(m->klass, sizeof m->klass, "interceptor");
        else if (strcmp(m->klass, "interceptor") != 0)
            return yd_fail(d, yd_get(d, root, "class"),
                           "class: \"%s\": a file with a kill_vehicle section is an interceptor "
                           "(class: interceptor)",
                           m->klass);
    } else if (strcmp(m->klass, "interceptor") == 0) {
        return yd_fail(d, yd_get(d, root, "class"),
                       "class: interceptor needs a kill_vehicle section (min_altitude_km, "
                       "max_altitude_km, divert_km_s, min_closing_speed_km_s)");
    }
    yaml_node_t *nn = yd_get(d, root, "notional");
    if (nn) {
        const char *t = yd_text(nn);
        if (!t || (strcmp(t, "true") != 0 && strcmp(t, "false") != 0))
            return yd_fail(d, nn, "notional: expected true or false");
        m->notional = strcmp(t, "true") == 0;
    }
    const char *notes = yd_text(yd_get(d, root, "notes"));
    if (notes && !(m->notes = bmd_strdup(notes)))
        return BMD_ERR_NOMEM;

    /* Published performance: optional, each sourced. */
    m->pub_range_m = m->pub_range_min_m = m->pub_burn_time_s = (double)NAN;
    m->pub_burnout_speed_m_s = m->pub_launch_mass_kg = (double)NAN;
    yaml_node_t *pub = yd_get(d, root, "published");
    if (pub) {
        static const char *const keys[] = {"range_km", "range_min_km", "burn_time_s",
                                           "burnout_speed_km_s", "launch_mass_kg", NULL};
        if ((st = yd_check_keys(d, pub, "published", keys)) != BMD_OK)
            return st;
        double x;
        bool have;
        if ((st = sourced_param(L, pub, "range_km", "published.", false, &x, &have)) != BMD_OK)
            return st;
        if (have)
            m->pub_range_m = x * 1e3;
        if ((st = sourced_param(L, pub, "range_min_km", "published.", false, &x, &have)) != BMD_OK)
            return st;
        if (have)
            m->pub_range_min_m = x * 1e3;
        if ((st = sourced_param(L, pub, "burn_time_s", "published.", false, &x, &have)) != BMD_OK)
            return st;
        if (have)
            m->pub_burn_time_s = x;
        if ((st = sourced_param(L, pub, "burnout_speed_km_s", "published.", false, &x, &have)) != BMD_OK)
            return st;
        if (have)
            m->pub_burnout_speed_m_s = x * 1e3;
        if ((st = sourced_param(L, pub, "launch_mass_kg", "published.", false, &x, &have)) != BMD_OK)
            return st;
        if (have)
            m->pub_launch_mass_kg = x;
    }

    /* Payload. */
    yaml_node_t *pay = yd_get(d, root, "payload");
    if (!pay)
        return yd_fail(d, root, "payload: missing (mass_kg and ballistic_coefficient_kg_m2)");
    {
        static const char *const keys[] = {"mass_kg", "ballistic_coefficient_kg_m2",
                                           "lift_to_drag", "glide_angle_deg", NULL};
        if ((st = yd_check_keys(d, pay, "payload", keys)) != BMD_OK)
            return st;
        if ((st = sourced_positive(L, pay, "mass_kg", "payload.", &v->payload_mass_kg)) != BMD_OK)
            return st;
        if ((st = sourced_positive(L, pay, "ballistic_coefficient_kg_m2", "payload.", &v->rv_beta_kg_m2)) !=
            BMD_OK)
            return st;
        double x;
        bool have;
        if ((st = sourced_param(L, pay, "lift_to_drag", "payload.", false, &x, &have)) != BMD_OK)
            return st;
        if (have) {
            if (x < 0.0 || x > 10.0)
                return yd_fail(d, yd_get(d, pay, "lift_to_drag"),
                               "payload.lift_to_drag: %g outside [0, 10]", x);
            v->lift_to_drag = x;
        }
        if ((st = sourced_param(L, pay, "glide_angle_deg", "payload.", false, &x, &have)) != BMD_OK)
            return st;
        if (have) {
            if (x < 0.0 || x > 85.0)
                return yd_fail(d, yd_get(d, pay, "glide_angle_deg"),
                               "payload.glide_angle_deg: %g outside [0, 85]", x);
            v->glide_angle_rad = x * BMD_DEG;
        }
    }

    /* The kill vehicle (interceptors). */
    if (kvn && (st = read_kill_vehicle(L, kvn, &m->kv)) != BMD_OK)
        return st;

    /* Guidance. */
    v->vertical_rise_s = 10.0;
    v->pitchover_s = 10.0;
    v->default_shape = BMD_SHAPE_MIN_ENERGY;
    v->default_apogee_m = (double)NAN;
    yaml_node_t *gd = yd_get(d, root, "guidance");
    if (gd) {
        static const char *const keys[] = {"vertical_rise_s", "pitchover_s", "default_shape",
                                           "default_apogee_km", NULL};
        if ((st = yd_check_keys(d, gd, "guidance", keys)) != BMD_OK)
            return st;
        double x;
        bool have;
        if ((st = sourced_param(L, gd, "vertical_rise_s", "guidance.", false, &x, &have)) != BMD_OK)
            return st;
        if (have) {
            if (x < 0.0 || x > 120.0)
                return yd_fail(d, yd_get(d, gd, "vertical_rise_s"),
                               "guidance.vertical_rise_s: %g outside [0, 120]", x);
            v->vertical_rise_s = x;
        }
        if ((st = sourced_param(L, gd, "pitchover_s", "guidance.", false, &x, &have)) != BMD_OK)
            return st;
        if (have) {
            if (x < 0.0 || x > 120.0)
                return yd_fail(d, yd_get(d, gd, "pitchover_s"),
                               "guidance.pitchover_s: %g outside [0, 120]", x);
            v->pitchover_s = x;
        }
        yaml_node_t *sh = yd_get(d, gd, "default_shape");
        if (sh && (!yd_text(sh) || !bmd_shape_parse(yd_text(sh), &v->default_shape)))
            return yd_fail(d, sh,
                           "guidance.default_shape: expected minimum-energy, lofted or depressed");
        if ((st = sourced_param(L, gd, "default_apogee_km", "guidance.", false, &x, &have)) != BMD_OK)
            return st;
        if (have) {
            if (!(x > 0.0))
                return yd_fail(d, yd_get(d, gd, "default_apogee_km"),
                               "guidance.default_apogee_km: must be positive");
            v->default_apogee_m = x * 1e3;
        }
    }

    /* Radar signature (threats only: an interceptor is not a target of the sensors). */
    yaml_node_t *sg = yd_get(d, root, "signature");
    if (sg && m->interceptor)
        return yd_fail(d, sg,
                       "signature: not allowed in an interceptor file (it has a kill_vehicle "
                       "section); signatures belong to threat missiles");
    if (m->interceptor) {
        /* no signature */
    } else if (!sg && L->require_sources) {
        return yd_fail(d, root, "signature: missing (booster_rcs_m2, rv_rcs_m2)");
    } else if (!sg) {
        /* A user's vehicle without a signature: say so wherever its parameters are shown. */
        m->sig.booster_rcs_m2 = 1.0;
        m->sig.rv_rcs_m2 = 0.1;
        const char *why = "(default: the vehicle file gives no signature)";
        if ((st = sourced_record(L, "signature.booster_rcs_m2", 1.0, why)) != BMD_OK ||
            (st = sourced_record(L, "signature.rv_rcs_m2", 0.1, why)) != BMD_OK)
            return st;
    } else {
        static const char *const keys[] = {"booster_rcs_m2", "rv_rcs_m2", "rv_rcs_by_aspect", NULL};
        if ((st = yd_check_keys(d, sg, "signature", keys)) != BMD_OK)
            return st;
        if ((st = sourced_positive(L, sg, "booster_rcs_m2", "signature.", &m->sig.booster_rcs_m2)) !=
                BMD_OK ||
            (st = sourced_positive(L, sg, "rv_rcs_m2", "signature.", &m->sig.rv_rcs_m2)) != BMD_OK)
            return st;
        yaml_node_t *tab = yd_get(d, sg, "rv_rcs_by_aspect");
        if (tab && (st = read_rcs_table(d, tab, &m->sig.rv_table)) != BMD_OK)
            return st;
    }

    /* Stages. */
    yaml_node_t *stages = yd_get(d, root, "stages");
    if (!stages || stages->type != YAML_SEQUENCE_NODE)
        return yd_fail(d, stages ? stages : root, "stages: expected a list of 1 to %d stages",
                       BMD_MAX_STAGES);
    long ns = stages->data.sequence.items.top - stages->data.sequence.items.start;
    if (ns < 1 || ns > BMD_MAX_STAGES)
        return yd_fail(d, stages, "stages: %ld stages; 1 to %d are supported", ns, BMD_MAX_STAGES);
    v->n_stages = (int)ns;
    for (long i = 0; i < ns; i++) {
        yaml_node_t *sn = yaml_document_get_node(&d->doc, stages->data.sequence.items.start[i]);
        char pre[32];
        snprintf(pre, sizeof pre, "stages[%ld].", i);
        static const char *const keys[] = {"name", "gross_mass_kg", "propellant_mass_kg",
                                           "burn_time_s", "isp_vac_s", "diameter_m",
                                           "nozzle_exit_area_m2", "drag", NULL};
        char where[32];
        snprintf(where, sizeof where, "stages[%ld]", i);
        if ((st = yd_check_keys(d, sn, where, keys)) != BMD_OK)
            return st;
        bmd_stage *s = &v->stages[i];
        double dia = 0.0;
        if ((st = sourced_positive(L, sn, "gross_mass_kg", pre, &s->gross_mass_kg)) != BMD_OK ||
            (st = sourced_positive(L, sn, "propellant_mass_kg", pre, &s->propellant_mass_kg)) != BMD_OK ||
            (st = sourced_positive(L, sn, "burn_time_s", pre, &s->burn_time_s)) != BMD_OK ||
            (st = sourced_positive(L, sn, "isp_vac_s", pre, &s->isp_vac_s)) != BMD_OK ||
            (st = sourced_positive(L, sn, "diameter_m", pre, &dia)) != BMD_OK)
            return st;
        if (s->propellant_mass_kg >= s->gross_mass_kg)
            return yd_fail(d, yd_get(d, sn, "propellant_mass_kg"),
                           "%spropellant_mass_kg: %g is not below gross_mass_kg %g", pre,
                           s->propellant_mass_kg, s->gross_mass_kg);
        if (s->isp_vac_s > 500.0)
            return yd_fail(d, yd_get(d, sn, "isp_vac_s"),
                           "%sisp_vac_s: %g s is beyond any chemical rocket (at most 500)", pre,
                           s->isp_vac_s);
        s->ref_area_m2 = 0.25 * BMD_PI * dia * dia;
        double ae = 0.0;
        bool have;
        if ((st = sourced_param(L, sn, "nozzle_exit_area_m2", pre, false, &ae, &have)) != BMD_OK)
            return st;
        if (ae < 0.0)
            return yd_fail(d, yd_get(d, sn, "nozzle_exit_area_m2"),
                           "%snozzle_exit_area_m2: must not be negative", pre);
        s->nozzle_exit_area_m2 = ae;
        char f[48];
        snprintf(f, sizeof f, "%sdrag", pre);
        yaml_node_t *dn = yd_get(d, sn, "drag");
        if (!dn)
            return yd_fail(d, sn, "%s: missing (a drag table name)", f);
        if ((st = lookup_drag(L, dn, f, drag_file, &s->cd)) != BMD_OK)
            return st;
    }
    char why[200];
    if (bmd_vehicle_check(v, why, sizeof why) != BMD_OK)
        return yd_fail(d, root, "%s", why);
    return BMD_OK;
}

static bmd_status load_file(const char *path, const char *drag_file, bool require_sources,
                            file_kind kind, bmd_missile *out, bmd_load_error *err)
{
    memset(out, 0, sizeof *out);
    sourced L;
    memset(&L, 0, sizeof L);
    L.params = &out->params;
    L.n_params = &out->n_params;
    L.require_sources = require_sources;
    bmd_status st = yd_load(&L.d, path, err);
    if (st == BMD_OK)
        st = load_body(&L, out, drag_file, kind);
    if (st == BMD_OK && !(out->file = bmd_strdup(path)))
        st = BMD_ERR_NOMEM;
    if (st == BMD_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    yd_free(&L.d);
    if (st != BMD_OK)
        bmd_missile_free(out);
    return st;
}

bmd_status bmd_missile_load_file(const char *path, const char *drag_file, bool require_sources,
                                 bmd_missile *out, bmd_load_error *err)
{
    return load_file(path, drag_file, require_sources, KIND_ANY, out, err);
}

void bmd_missile_free(bmd_missile *m)
{
    sourced_free_params(m->params, m->n_params);
    free(m->notes);
    free(m->file);
    memset(m, 0, sizeof *m);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml names of a directory, sorted; *names NULL and *n 0 when it does not exist. */
static bmd_status list_yaml(const char *dir, char ***names, int *n)
{
    *names = NULL;
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return BMD_ERR_IO;
    int cap = 0;
    bmd_status st = BMD_OK;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 || de->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nw = realloc(*names, (size_t)cap * sizeof *nw);
            if (!nw) {
                st = BMD_ERR_NOMEM;
                break;
            }
            *names = nw;
        }
        if (!((*names)[*n] = bmd_strdup(de->d_name))) {
            st = BMD_ERR_NOMEM;
            break;
        }
        (*n)++;
    }
    closedir(dp);
    if (*n > 1)
        qsort(*names, (size_t)*n, sizeof **names, cmp_str);
    return st;
}

static bmd_status load_sensors(const char *dir, bmd_catalog *c, bmd_load_error *err)
{
    char sdir[900];
    snprintf(sdir, sizeof sdir, "%s/sensors", dir);
    char **names = NULL;
    int nn = 0;
    bmd_status st = list_yaml(sdir, &names, &nn);
    if (st == BMD_ERR_IO)
        return BMD_OK; /* no sensors directory: a catalog of missiles only */
    if (st == BMD_OK && nn > 0 && !(c->sensors = calloc((size_t)nn, sizeof *c->sensors)))
        st = BMD_ERR_NOMEM;
    for (int i = 0; st == BMD_OK && i < nn; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", sdir, names[i]);
        bmd_sensor_entry *e = &c->sensors[c->n_sensors];
        st = bmd_sensor_load_file(path, true, e, err);
        if (st != BMD_OK)
            break;
        if (bmd_catalog_find_sensor(c, e->radar.id) || bmd_catalog_find(c, e->radar.id)) {
            snprintf(err->file, sizeof err->file, "%s", path);
            snprintf(err->msg, sizeof err->msg, "id: \"%s\" is used by another catalog file",
                     e->radar.id);
            bmd_sensor_entry_free(e);
            st = BMD_ERR_PARSE;
            break;
        }
        c->n_sensors++;
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    return st;
}

/* The interceptor files (dir/interceptors/NAME.yaml), sorted by name; ids unique across missiles,
 * sensors and interceptors. */
static bmd_status load_interceptors(const char *dir, bmd_catalog *c, bmd_load_error *err)
{
    char idir[900];
    char drag[900];
    snprintf(idir, sizeof idir, "%s/interceptors", dir);
    snprintf(drag, sizeof drag, "%s/drag.yaml", dir);
    char **names = NULL;
    int nn = 0;
    bmd_status st = list_yaml(idir, &names, &nn);
    if (st == BMD_ERR_IO)
        return BMD_OK; /* no interceptors directory: a catalog without defences */
    if (st == BMD_OK && nn > 0 && !(c->interceptors = calloc((size_t)nn, sizeof *c->interceptors)))
        st = BMD_ERR_NOMEM;
    for (int i = 0; st == BMD_OK && i < nn; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", idir, names[i]);
        bmd_missile *m = &c->interceptors[c->n_interceptors];
        st = load_file(path, drag, true, KIND_INTERCEPTOR, m, err);
        if (st != BMD_OK)
            break;
        if (bmd_catalog_find_interceptor(c, m->v.id) || bmd_catalog_find(c, m->v.id) ||
            bmd_catalog_find_sensor(c, m->v.id)) {
            snprintf(err->file, sizeof err->file, "%s", path);
            snprintf(err->msg, sizeof err->msg, "id: \"%s\" is used by another catalog file",
                     m->v.id);
            bmd_missile_free(m);
            st = BMD_ERR_PARSE;
            break;
        }
        c->n_interceptors++;
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    return st;
}

bmd_status bmd_catalog_load(const char *dir, bmd_catalog **out, bmd_load_error *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    char mdir[900];
    char drag[900];
    snprintf(mdir, sizeof mdir, "%s/missiles", dir);
    snprintf(drag, sizeof drag, "%s/drag.yaml", dir);
    char **names = NULL;
    int nn = 0;
    bmd_status st = list_yaml(mdir, &names, &nn);
    if (st == BMD_ERR_IO) {
        snprintf(err->file, sizeof err->file, "%s", mdir);
        snprintf(err->msg, sizeof err->msg,
                 "cannot open the catalog directory (set BMDSIM_DATA to the data/ folder)");
        return BMD_ERR_IO;
    }
    bmd_catalog *c = NULL;
    if (st == BMD_OK) {
        c = calloc(1, sizeof *c);
        if (c)
            c->missiles = calloc((size_t)(nn ? nn : 1), sizeof *c->missiles);
        if (!c || !c->missiles)
            st = BMD_ERR_NOMEM;
    }
    for (int i = 0; st == BMD_OK && i < nn; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", mdir, names[i]);
        st = load_file(path, drag, true, KIND_MISSILE, &c->missiles[c->n], err);
        if (st != BMD_OK)
            break;
        if (bmd_catalog_find(c, c->missiles[c->n].v.id)) {
            snprintf(err->file, sizeof err->file, "%s", path);
            snprintf(err->msg, sizeof err->msg, "id: \"%s\" is used by another catalog file",
                     c->missiles[c->n].v.id);
            bmd_missile_free(&c->missiles[c->n]);
            st = BMD_ERR_PARSE;
            break;
        }
        c->n++;
    }
    for (int i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (st == BMD_OK)
        st = load_sensors(dir, c, err);
    if (st == BMD_OK)
        st = load_interceptors(dir, c, err);
    if (st == BMD_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    if (st != BMD_OK) {
        bmd_catalog_free(c);
        return st;
    }
    *out = c;
    return BMD_OK;
}

void bmd_catalog_free(bmd_catalog *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        bmd_missile_free(&c->missiles[i]);
    free(c->missiles);
    for (int i = 0; i < c->n_sensors; i++)
        bmd_sensor_entry_free(&c->sensors[i]);
    free(c->sensors);
    for (int i = 0; i < c->n_interceptors; i++)
        bmd_missile_free(&c->interceptors[i]);
    free(c->interceptors);
    free(c);
}

const bmd_missile *bmd_catalog_find(const bmd_catalog *c, const char *id)
{
    for (int i = 0; c && i < c->n; i++)
        if (strcmp(c->missiles[i].v.id, id) == 0)
            return &c->missiles[i];
    return NULL;
}

const bmd_missile *bmd_catalog_find_interceptor(const bmd_catalog *c, const char *id)
{
    for (int i = 0; c && i < c->n_interceptors; i++)
        if (strcmp(c->interceptors[i].v.id, id) == 0)
            return &c->interceptors[i];
    return NULL;
}

const bmd_sensor_entry *bmd_catalog_find_sensor(const bmd_catalog *c, const char *id)
{
    for (int i = 0; c && i < c->n_sensors; i++)
        if (strcmp(c->sensors[i].radar.id, id) == 0)
            return &c->sensors[i];
    return NULL;
}
