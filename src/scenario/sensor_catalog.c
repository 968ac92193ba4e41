/* SPDX-License-Identifier: MIT */
/* sensor_catalog.c: loads sensor files (radars and early-warning satellites) from YAML, converting
 * the units named in the field names (km, deg, mrad, dB stays dB) to SI, each value sourced. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "sourced.h"

/* Read one sourced number and scale it; absent optional values leave *out untouched. */
static bmd_status num(sourced *L, yaml_node_t *map, const char *key, const char *prefix,
                      bool required, double scale, double *out)
{
    double x = 0.0;
    bool have = false;
    bmd_status st = sourced_param(L, map, key, prefix, required, &x, &have);
    if (st == BMD_OK && have)
        *out = x * scale;
    return st;
}

static bmd_status load_site(sourced *L, yaml_node_t *root, bmd_sensor_entry *s)
{
    yd *d = &L->d;
    yaml_node_t *site = yd_get(d, root, "site");
    if (!site)
        return BMD_OK;
    static const char *const keys[] = {"name", "lat_deg", "lon_deg", "height_m", NULL};
    bmd_status st = yd_check_keys(d, site, "site", keys);
    if (st != BMD_OK)
        return st;
    if ((st = yd_string(d, site, "name", "site.name", false, s->site_name, sizeof s->site_name)) !=
        BMD_OK)
        return st;
    double lat = 0.0;
    double lon = 0.0;
    double h = 0.0;
    if ((st = num(L, site, "lat_deg", "site.", true, 1.0, &lat)) != BMD_OK ||
        (st = num(L, site, "lon_deg", "site.", true, 1.0, &lon)) != BMD_OK ||
        (st = num(L, site, "height_m", "site.", true, 1.0, &h)) != BMD_OK)
        return st;
    if (fabs(lat) > 90.0)
        return yd_fail(d, yd_get(d, site, "lat_deg"), "site.lat_deg: %g is outside [-90, 90]", lat);
    if (fabs(lon) > 360.0)
        return yd_fail(d, yd_get(d, site, "lon_deg"), "site.lon_deg: %g is outside [-360, 360]",
                       lon);
    s->radar.lat_rad = lat * BMD_DEG;
    s->radar.lon_rad = lon * BMD_DEG;
    s->radar.h_m = h;
    s->has_site = true;
    return BMD_OK;
}

static bmd_status load_radar(sourced *L, yaml_node_t *root, bmd_sensor_entry *s)
{
    yd *d = &L->d;
    bmd_radar *r = &s->radar;
    static const char *const top[] = {"id", "name", "kind", "platform", "notes", "site",
                                      "field_of_regard", "range_max_km", "reference", "pfa",
                                      "swerling", "revisit", "noise", "refraction_k", NULL};
    bmd_status st = yd_check_keys(d, root, "(top level)", top);
    if (st != BMD_OK)
        return st;
    if ((st = load_site(L, root, s)) != BMD_OK)
        return st;
    yaml_node_t *f = yd_get(d, root, "field_of_regard");
    if (!f)
        return yd_fail(d, root, "field_of_regard: missing");
    static const char *const fk[] = {"boresight_az_deg", "az_half_width_deg", "el_min_deg",
                                     "el_max_deg", NULL};
    if ((st = yd_check_keys(d, f, "field_of_regard", fk)) != BMD_OK)
        return st;
    if ((st = num(L, f, "boresight_az_deg", "field_of_regard.", true, BMD_DEG, &r->boresight_az_rad)) !=
            BMD_OK ||
        (st = num(L, f, "az_half_width_deg", "field_of_regard.", true, BMD_DEG,
                  &r->az_half_width_rad)) != BMD_OK ||
        (st = num(L, f, "el_min_deg", "field_of_regard.", true, BMD_DEG, &r->el_min_rad)) != BMD_OK ||
        (st = num(L, f, "el_max_deg", "field_of_regard.", true, BMD_DEG, &r->el_max_rad)) != BMD_OK)
        return st;
    if ((st = num(L, root, "range_max_km", "", true, 1e3, &r->range_max_m)) != BMD_OK)
        return st;
    yaml_node_t *ref = yd_get(d, root, "reference");
    if (!ref)
        return yd_fail(d, root, "reference: missing (range_km, rcs_m2, snr_db)");
    static const char *const rk[] = {"range_km", "rcs_m2", "snr_db", NULL};
    if ((st = yd_check_keys(d, ref, "reference", rk)) != BMD_OK)
        return st;
    if ((st = num(L, ref, "range_km", "reference.", true, 1e3, &r->r0_m)) != BMD_OK ||
        (st = num(L, ref, "rcs_m2", "reference.", true, 1.0, &r->sigma0_m2)) != BMD_OK ||
        (st = num(L, ref, "snr_db", "reference.", true, 1.0, &r->snr0_db)) != BMD_OK)
        return st;
    if ((st = num(L, root, "pfa", "", true, 1.0, &r->pfa)) != BMD_OK)
        return st;
    yaml_node_t *sw = yd_get(d, root, "swerling");
    const char *swt = yd_text(sw);
    if (!swt || (strcmp(swt, "0") != 0 && strcmp(swt, "1") != 0))
        return yd_fail(d, sw ? sw : root, "swerling: expected 0 or 1");
    r->swerling = strcmp(swt, "1") == 0 ? BMD_SWERLING_1 : BMD_SWERLING_0;
    yaml_node_t *rv = yd_get(d, root, "revisit");
    if (!rv)
        return yd_fail(d, root, "revisit: missing (search_s, cued_s, track_s)");
    static const char *const vk[] = {"search_s", "cued_s", "track_s", NULL};
    if ((st = yd_check_keys(d, rv, "revisit", vk)) != BMD_OK)
        return st;
    if ((st = num(L, rv, "search_s", "revisit.", true, 1.0, &r->search_revisit_s)) != BMD_OK ||
        (st = num(L, rv, "cued_s", "revisit.", true, 1.0, &r->cued_revisit_s)) != BMD_OK ||
        (st = num(L, rv, "track_s", "revisit.", true, 1.0, &r->track_revisit_s)) != BMD_OK)
        return st;
    yaml_node_t *nz = yd_get(d, root, "noise");
    if (!nz)
        return yd_fail(d, root, "noise: missing (sigma_range_m, sigma_angle_mrad)");
    static const char *const nk[] = {"sigma_range_m", "sigma_angle_mrad", NULL};
    if ((st = yd_check_keys(d, nz, "noise", nk)) != BMD_OK)
        return st;
    if ((st = num(L, nz, "sigma_range_m", "noise.", true, 1.0, &r->sigma_range0_m)) != BMD_OK ||
        (st = num(L, nz, "sigma_angle_mrad", "noise.", true, 1e-3, &r->sigma_angle0_rad)) != BMD_OK)
        return st;
    r->k_refraction = 4.0 / 3.0;
    if ((st = num(L, root, "refraction_k", "", false, 1.0, &r->k_refraction)) != BMD_OK)
        return st;
    char why[200];
    /* A radar without a default site is checked at a harmless site: the site comes later. */
    if (bmd_radar_check(r, why, sizeof why) != BMD_OK)
        return yd_fail(d, root, "%s", why);
    return BMD_OK;
}

static bmd_status load_ew(sourced *L, yaml_node_t *root, bmd_sensor_entry *s)
{
    yd *d = &L->d;
    bmd_ew_sensor *e = &s->ew;
    static const char *const top[] = {"id", "name", "kind", "platform", "notes", "cloud_top_km",
                                      "first_report_delay_s", "processing_delay_s",
                                      "sigma_launch_position_km", "sigma_launch_time_s",
                                      "sigma_azimuth_deg", NULL};
    bmd_status st = yd_check_keys(d, root, "(top level)", top);
    if (st != BMD_OK)
        return st;
    if ((st = num(L, root, "cloud_top_km", "", true, 1e3, &e->cloud_top_m)) != BMD_OK ||
        (st = num(L, root, "first_report_delay_s", "", true, 1.0, &e->first_report_delay_s)) !=
            BMD_OK ||
        (st = num(L, root, "processing_delay_s", "", true, 1.0, &e->processing_delay_s)) != BMD_OK ||
        (st = num(L, root, "sigma_launch_position_km", "", true, 1e3, &e->sigma_launch_pos_m)) !=
            BMD_OK ||
        (st = num(L, root, "sigma_launch_time_s", "", true, 1.0, &e->sigma_launch_time_s)) !=
            BMD_OK ||
        (st = num(L, root, "sigma_azimuth_deg", "", true, BMD_DEG, &e->sigma_azimuth_rad)) != BMD_OK)
        return st;
    char why[200];
    if (bmd_ew_check(e, why, sizeof why) != BMD_OK)
        return yd_fail(d, root, "%s", why);
    return BMD_OK;
}

bmd_status bmd_sensor_load_file(const char *path, bool require_sources, bmd_sensor_entry *out,
                                bmd_load_error *err)
{
    memset(out, 0, sizeof *out);
    sourced L;
    memset(&L, 0, sizeof L);
    L.params = &out->params;
    L.n_params = &out->n_params;
    L.require_sources = require_sources;
    bmd_status st = yd_load(&L.d, path, err);
    yd *d = &L.d;
    yaml_node_t *root = st == BMD_OK ? yd_root(d) : NULL;
    char kind[32] = "";
    char id[32] = "";
    if (st == BMD_OK)
        st = yd_string(d, root, "id", "id", true, id, sizeof id);
    if (st == BMD_OK)
        st = yd_string(d, root, "kind", "kind", true, kind, sizeof kind);
    if (st == BMD_OK) {
        snprintf(out->radar.id, sizeof out->radar.id, "%s", id);
        snprintf(out->ew.id, sizeof out->ew.id, "%s", id);
        st = yd_string(d, root, "name", "name", true, out->radar.name, sizeof out->radar.name);
        snprintf(out->ew.name, sizeof out->ew.name, "%s", out->radar.name);
    }
    if (st == BMD_OK)
        st = yd_string(d, root, "platform", "platform", false, out->platform, sizeof out->platform);
    if (st == BMD_OK) {
        const char *notes = yd_text(yd_get(d, root, "notes"));
        if (notes && !(out->notes = bmd_strdup(notes)))
            st = BMD_ERR_NOMEM;
    }
    if (st == BMD_OK) {
        if (strcmp(kind, "radar") == 0) {
            out->kind = BMD_SENSOR_RADAR;
            st = load_radar(&L, root, out);
        } else if (strcmp(kind, "early-warning") == 0) {
            out->kind = BMD_SENSOR_EARLY_WARNING;
            st = load_ew(&L, root, out);
        } else {
            st = yd_fail(d, yd_get(d, root, "kind"),
                         "kind: \"%s\": expected radar or early-warning", kind);
        }
    }
    if (st == BMD_OK && !(out->file = bmd_strdup(path)))
        st = BMD_ERR_NOMEM;
    if (st == BMD_ERR_NOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    yd_free(d);
    if (st != BMD_OK)
        bmd_sensor_entry_free(out);
    return st;
}

void bmd_sensor_entry_free(bmd_sensor_entry *s)
{
    sourced_free_params(s->params, s->n_params);
    free(s->notes);
    free(s->file);
    memset(s, 0, sizeof *s);
}
