/* SPDX-License-Identifier: MIT */
/* geo.c: the latitude-longitude grid, the countries layer (GeoJSON read with cJSON), the
 * even-odd point-in-country test and its scanline form for masks, cell and mask areas on the
 * WGS-84 ellipsoid (authalic formula: Snyder, Map Projections: A Working Manual, USGS PP 1395,
 * 1987, the q of the authalic latitude), the outline of a mask as polygons, a GeoJSON writer
 * (RFC 7946) and the NATO member list (YAML). docs/geo.md describes the data and the methods. */
#include "bmd/geo.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <geodesic.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "scenario/yamldoc.h"
#include "util/numtext.h"

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

#define RAD2DEG (180.0 / BMD_PI)
#define MAX_CELLS 100000000L

/* ---------------------------------------------------------------------------------------------
 * Grid */

bmd_status bmd_geo_grid_make(double lat_min_rad, double lat_max_rad, double lon_min_rad,
                             double lon_max_rad, double step_rad, bmd_geo_grid *out)
{
    if (!out)
        return BMD_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!isfinite(lat_min_rad) || !isfinite(lat_max_rad) || !isfinite(lon_min_rad) ||
        !isfinite(lon_max_rad) || !isfinite(step_rad) || step_rad <= 0.0 ||
        lat_max_rad <= lat_min_rad || lon_max_rad <= lon_min_rad)
        return BMD_ERR_ARG;
    if (lon_max_rad - lon_min_rad > 2.0 * BMD_PI * (1.0 + 1e-12))
        return BMD_ERR_ARG;
    /* A span that is a whole number of steps up to rounding gives exactly that many cells. */
    double nl = ceil((lat_max_rad - lat_min_rad) / step_rad - 1e-9);
    double nm = ceil((lon_max_rad - lon_min_rad) / step_rad - 1e-9);
    if (nl < 1.0)
        nl = 1.0;
    if (nm < 1.0)
        nm = 1.0;
    if (nl * nm > (double)MAX_CELLS)
        return BMD_ERR_ARG;
    double half = 0.5 * BMD_PI * (1.0 + 1e-12);
    if (lat_min_rad < -half || lat_min_rad + nl * step_rad > half)
        return BMD_ERR_ARG;
    out->lat0_rad = lat_min_rad + 0.5 * step_rad;
    out->lon0_rad = lon_min_rad + 0.5 * step_rad;
    out->step_rad = step_rad;
    out->n_lat = (int)nl;
    out->n_lon = (int)nm;
    return BMD_OK;
}

size_t bmd_geo_grid_size(const bmd_geo_grid *g) { return (size_t)g->n_lat * (size_t)g->n_lon; }

double bmd_geo_grid_lat(const bmd_geo_grid *g, int i) { return g->lat0_rad + i * g->step_rad; }

double bmd_geo_grid_lon(const bmd_geo_grid *g, int j) { return g->lon0_rad + j * g->step_rad; }

long bmd_geo_grid_cell(const bmd_geo_grid *g, double lat_rad, double lon_rad)
{
    if (!isfinite(lat_rad) || !isfinite(lon_rad) || g->n_lat <= 0 || g->n_lon <= 0)
        return -1;
    double west = g->lon0_rad - 0.5 * g->step_rad;
    double south = g->lat0_rad - 0.5 * g->step_rad;
    double x = fmod(lon_rad - west, 2.0 * BMD_PI);
    if (x < 0.0)
        x += 2.0 * BMD_PI;
    double fi = floor((lat_rad - south) / g->step_rad);
    double fj = floor(x / g->step_rad);
    if (fi < 0.0 || fi >= g->n_lat || fj < 0.0 || fj >= g->n_lon)
        return -1;
    return (long)fi * g->n_lon + (long)fj;
}

/* ---------------------------------------------------------------------------------------------
 * Areas on the ellipsoid */

/* Area (m^2) per radian of longitude between the equator and latitude phi: (a^2/2) q(phi) with
 * Snyder's q = (1 - e^2) [sin phi / (1 - e^2 sin^2 phi) + atanh(e sin phi) / e]. */
static double zone_f(double phi)
{
    const double a = BMD_WGS84_A_M;
    const double f = 1.0 / BMD_WGS84_INV_F;
    const double e2 = f * (2.0 - f);
    const double e = sqrt(e2);
    double s = sin(phi);
    double q = (1.0 - e2) * (s / (1.0 - e2 * s * s) + atanh(e * s) / e);
    return 0.5 * a * a * q;
}

double bmd_geo_band_area_m2(double lat1_rad, double lat2_rad, double dlon_rad)
{
    return dlon_rad * (zone_f(lat2_rad) - zone_f(lat1_rad));
}

double bmd_geo_cell_area_m2(const bmd_geo_grid *g, int i)
{
    double c = bmd_geo_grid_lat(g, i);
    return bmd_geo_band_area_m2(c - 0.5 * g->step_rad, c + 0.5 * g->step_rad, g->step_rad);
}

double bmd_geo_mask_area_m2(const bmd_geo_grid *g, const uint8_t *mask)
{
    double total = 0.0;
    for (int i = 0; i < g->n_lat; i++) {
        long count = 0;
        const uint8_t *row = mask + (size_t)i * (size_t)g->n_lon;
        for (int j = 0; j < g->n_lon; j++)
            count += row[j] != 0;
        total += (double)count * bmd_geo_cell_area_m2(g, i);
    }
    return total;
}

double bmd_geo_mask_share(const bmd_geo_grid *g, const uint8_t *mask, const uint8_t *within)
{
    double num = 0.0, den = 0.0;
    for (int i = 0; i < g->n_lat; i++) {
        long nw = 0, nb = 0;
        size_t base = (size_t)i * (size_t)g->n_lon;
        for (int j = 0; j < g->n_lon; j++) {
            if (!within[base + (size_t)j])
                continue;
            nw++;
            if (!mask || mask[base + (size_t)j])
                nb++;
        }
        double a = bmd_geo_cell_area_m2(g, i);
        den += (double)nw * a;
        num += (double)nb * a;
    }
    if (!(den > 0.0))
        return (double)NAN;
    return num / den;
}

/* ---------------------------------------------------------------------------------------------
 * Countries layer */

static bmd_status load_fail(bmd_load_error *err, bmd_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bmd_status load_fail(bmd_load_error *err, bmd_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return st;
}

const char *bmd_geo_countries_default_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/geo/countries-50m.geojson", bmd_data_dir());
    return buf;
}

const char *bmd_geo_nato_default_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/geo/nato-europe-2011.yaml", bmd_data_dir());
    return buf;
}

static char *read_file(const char *path, size_t *len, bmd_load_error *err, bmd_status *st)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *st = load_fail(err, BMD_ERR_IO, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (n < cap) {
            if (ferror(fp)) {
                free(buf);
                fclose(fp);
                *st = load_fail(err, BMD_ERR_IO, "read error");
                return NULL;
            }
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(fp);
    if (!buf) {
        *st = load_fail(err, BMD_ERR_NOMEM, "out of memory");
        return NULL;
    }
    *len = n;
    return buf;
}

/* Line and column (1-based) of a byte offset. */
static void locate(const char *text, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t k = 0; k < off && text[k]; k++) {
        if (text[k] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void country_free(bmd_geo_country *c)
{
    free(c->ring_start);
    free(c->lat_rad);
    free(c->lon_rad);
    memset(c, 0, sizeof *c);
}

void bmd_geo_countries_free(bmd_geo_countries *c)
{
    if (!c)
        return;
    for (int k = 0; k < c->n; k++)
        country_free(&c->c[k]);
    free(c->c);
    free(c->source);
    free(c->file);
    free(c);
}

/* Count the rings and points of a Polygon's coordinates (an array of rings). */
static bmd_status count_polygon(const cJSON *poly, const char *field, bmd_load_error *err,
                                int *n_rings, long *n_points)
{
    if (!cJSON_IsArray(poly) || cJSON_GetArraySize(poly) < 1)
        return load_fail(err, BMD_ERR_PARSE, "%s: expected an array of rings", field);
    int r = 0;
    for (const cJSON *ring = poly->child; ring; ring = ring->next, r++) {
        if (!cJSON_IsArray(ring) || cJSON_GetArraySize(ring) < 4)
            return load_fail(err, BMD_ERR_PARSE,
                             "%s[%d]: expected a ring of at least 4 positions", field, r);
        *n_points += cJSON_GetArraySize(ring);
        (*n_rings)++;
    }
    return BMD_OK;
}

/* Copy a Polygon's rings into c from ring index *ri and point index *pi on. */
static bmd_status copy_polygon(const cJSON *poly, const char *field, bmd_load_error *err,
                               bmd_geo_country *c, int *ri, long *pi)
{
    int r = 0;
    for (const cJSON *ring = poly->child; ring; ring = ring->next, r++) {
        c->ring_start[*ri] = (int)*pi;
        int k = 0;
        long first = *pi;
        for (const cJSON *pos = ring->child; pos; pos = pos->next, k++) {
            const cJSON *x = cJSON_IsArray(pos) ? pos->child : NULL;
            const cJSON *y = x ? x->next : NULL;
            if (!x || !y || !cJSON_IsNumber(x) || !cJSON_IsNumber(y) || !isfinite(x->valuedouble) ||
                !isfinite(y->valuedouble))
                return load_fail(err, BMD_ERR_PARSE,
                                 "%s[%d][%d]: expected a position [lon_deg, lat_deg] of two numbers",
                                 field, r, k);
            double lon = x->valuedouble, lat = y->valuedouble;
            if (lon < -180.0 || lon > 180.0 || lat < -90.0 || lat > 90.0)
                return load_fail(err, BMD_ERR_PARSE,
                                 "%s[%d][%d]: position (%g, %g) outside lon -180..180, lat -90..90",
                                 field, r, k, lon, lat);
            c->lon_rad[*pi] = lon * BMD_DEG;
            c->lat_rad[*pi] = lat * BMD_DEG;
            (*pi)++;
        }
        if (c->lon_rad[first] != c->lon_rad[*pi - 1] || c->lat_rad[first] != c->lat_rad[*pi - 1])
            return load_fail(err, BMD_ERR_PARSE,
                             "%s[%d]: ring not closed (the last position must repeat the first)",
                             field, r);
        (*ri)++;
    }
    return BMD_OK;
}

static bmd_status load_feature(const cJSON *f, int idx, bmd_load_error *err, bmd_geo_country *c)
{
    char field[96];
    snprintf(field, sizeof field, "features[%d]", idx);
    if (!cJSON_IsObject(f))
        return load_fail(err, BMD_ERR_PARSE, "%s: expected a Feature object", field);
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(props, "name");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, "iso_a3");
    const cJSON *iso = cJSON_GetObjectItemCaseSensitive(props, "iso");
    if (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof c->name)
        return load_fail(err, BMD_ERR_PARSE, "%s.properties.name: expected a string of at most %d "
                         "characters", field, (int)sizeof c->name - 1);
    if (!cJSON_IsString(code) || strlen(code->valuestring) != 3 ||
        strspn(code->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return load_fail(err, BMD_ERR_PARSE,
                         "%s.properties.iso_a3: expected three upper-case letters", field);
    if (iso && !cJSON_IsBool(iso))
        return load_fail(err, BMD_ERR_PARSE, "%s.properties.iso: expected true or false", field);
    snprintf(c->name, sizeof c->name, "%s", name->valuestring);
    snprintf(c->iso_a3, sizeof c->iso_a3, "%s", code->valuestring);
    c->iso = iso ? cJSON_IsTrue(iso) : true;

    const cJSON *geom = cJSON_GetObjectItemCaseSensitive(f, "geometry");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(geom, "type");
    const cJSON *coords = cJSON_GetObjectItemCaseSensitive(geom, "coordinates");
    bool multi;
    if (cJSON_IsString(type) && strcmp(type->valuestring, "Polygon") == 0)
        multi = false;
    else if (cJSON_IsString(type) && strcmp(type->valuestring, "MultiPolygon") == 0)
        multi = true;
    else
        return load_fail(err, BMD_ERR_PARSE,
                         "%s.geometry.type: expected \"Polygon\" or \"MultiPolygon\"", field);
    char cf[128];
    snprintf(cf, sizeof cf, "%s.geometry.coordinates", field);
    if (!cJSON_IsArray(coords) || cJSON_GetArraySize(coords) < 1)
        return load_fail(err, BMD_ERR_PARSE, "%s: expected a non-empty array", cf);
    int n_rings = 0;
    long n_points = 0;
    bmd_status st = BMD_OK;
    if (multi) {
        int k = 0;
        for (const cJSON *p = coords->child; p && st == BMD_OK; p = p->next, k++) {
            char pf[160];
            snprintf(pf, sizeof pf, "%s[%d]", cf, k);
            st = count_polygon(p, pf, err, &n_rings, &n_points);
        }
    } else {
        st = count_polygon(coords, cf, err, &n_rings, &n_points);
    }
    if (st != BMD_OK)
        return st;
    if (n_points > 50000000L)
        return load_fail(err, BMD_ERR_PARSE, "%s: too many positions", cf);
    c->n_rings = n_rings;
    c->ring_start = malloc(sizeof *c->ring_start * (size_t)(n_rings + 1));
    c->lat_rad = malloc(sizeof *c->lat_rad * (size_t)n_points);
    c->lon_rad = malloc(sizeof *c->lon_rad * (size_t)n_points);
    if (!c->ring_start || !c->lat_rad || !c->lon_rad)
        return load_fail(err, BMD_ERR_NOMEM, "out of memory");
    int ri = 0;
    long pi = 0;
    if (multi) {
        int k = 0;
        for (const cJSON *p = coords->child; p && st == BMD_OK; p = p->next, k++) {
            char pf[160];
            snprintf(pf, sizeof pf, "%s[%d]", cf, k);
            st = copy_polygon(p, pf, err, c, &ri, &pi);
        }
    } else {
        st = copy_polygon(coords, cf, err, c, &ri, &pi);
    }
    if (st != BMD_OK)
        return st;
    c->ring_start[n_rings] = (int)pi;
    c->lat_min_rad = c->lon_min_rad = (double)INFINITY;
    c->lat_max_rad = c->lon_max_rad = -(double)INFINITY;
    for (long k = 0; k < pi; k++) {
        c->lat_min_rad = fmin(c->lat_min_rad, c->lat_rad[k]);
        c->lat_max_rad = fmax(c->lat_max_rad, c->lat_rad[k]);
        c->lon_min_rad = fmin(c->lon_min_rad, c->lon_rad[k]);
        c->lon_max_rad = fmax(c->lon_max_rad, c->lon_rad[k]);
    }
    return BMD_OK;
}

static int country_cmp(const void *a, const void *b)
{
    return strcmp(((const bmd_geo_country *)a)->iso_a3, ((const bmd_geo_country *)b)->iso_a3);
}

bmd_status bmd_geo_countries_load(const char *path, bmd_geo_countries **out, bmd_load_error *err)
{
    char defpath[1024];
    if (!path)
        path = bmd_geo_countries_default_path(defpath, sizeof defpath);
    *out = NULL;
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", path);
    bmd_status st = BMD_OK;
    size_t len = 0;
    char *text = read_file(path, &len, err, &st);
    if (!text)
        return st;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        locate(text, off, &err->line, &err->col);
        free(text);
        return load_fail(err, BMD_ERR_PARSE, "JSON syntax error");
    }
    bmd_geo_countries *cs = calloc(1, sizeof *cs);
    if (!cs) {
        st = load_fail(err, BMD_ERR_NOMEM, "out of memory");
        goto fail;
    }
    cs->file = dup_string(path);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "FeatureCollection") != 0) {
        st = load_fail(err, BMD_ERR_PARSE, "type: expected \"FeatureCollection\"");
        goto fail;
    }
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "source");
    if (!cJSON_IsString(src)) {
        st = load_fail(err, BMD_ERR_PARSE, "source: expected a string naming the data's source");
        goto fail;
    }
    cs->source = dup_string(src->valuestring);
    const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsArray(features)) {
        st = load_fail(err, BMD_ERR_PARSE, "features: expected an array of features");
        goto fail;
    }
    int n = cJSON_GetArraySize(features);
    cs->c = calloc((size_t)(n > 0 ? n : 1), sizeof *cs->c);
    if (!cs->c || !cs->file || !cs->source) {
        st = load_fail(err, BMD_ERR_NOMEM, "out of memory");
        goto fail;
    }
    int k = 0;
    for (const cJSON *f = features->child; f; f = f->next, k++) {
        cs->n = k + 1;
        st = load_feature(f, k, err, &cs->c[k]);
        if (st != BMD_OK)
            goto fail;
    }
    qsort(cs->c, (size_t)cs->n, sizeof *cs->c, country_cmp);
    for (int i = 1; i < cs->n; i++) {
        if (strcmp(cs->c[i].iso_a3, cs->c[i - 1].iso_a3) == 0) {
            st = load_fail(err, BMD_ERR_PARSE, "features: the code %s appears twice",
                           cs->c[i].iso_a3);
            goto fail;
        }
    }
    cJSON_Delete(root);
    free(text);
    *out = cs;
    return BMD_OK;
fail:
    cJSON_Delete(root);
    free(text);
    bmd_geo_countries_free(cs);
    return st;
}

const bmd_geo_country *bmd_geo_countries_find(const bmd_geo_countries *c, const char *iso_a3)
{
    if (!c || !iso_a3)
        return NULL;
    bmd_geo_country key;
    memset(&key, 0, sizeof key);
    snprintf(key.iso_a3, sizeof key.iso_a3, "%s", iso_a3);
    if (strlen(iso_a3) != 3)
        return NULL;
    return bsearch(&key, c->c, (size_t)c->n, sizeof *c->c, country_cmp);
}

static double wrap_lon(double lon)
{
    /* into [-pi, pi) */
    double x = fmod(lon + BMD_PI, 2.0 * BMD_PI);
    if (x < 0.0)
        x += 2.0 * BMD_PI;
    return x - BMD_PI;
}

/* The longitude at which edge (k, k+1) crosses latitude y: one expression, shared by the point
 * test and the scanlines so both give the same answer to the last bit. */
static double crossing(const bmd_geo_country *c, int k, double y)
{
    double x1 = c->lon_rad[k], y1 = c->lat_rad[k];
    double x2 = c->lon_rad[k + 1], y2 = c->lat_rad[k + 1];
    return x1 + (y - y1) * (x2 - x1) / (y2 - y1);
}

static bool edge_spans(const bmd_geo_country *c, int k, double y)
{
    return (c->lat_rad[k] > y) != (c->lat_rad[k + 1] > y);
}

bool bmd_geo_country_contains(const bmd_geo_country *c, double lat_rad, double lon_rad)
{
    if (!c || !isfinite(lat_rad) || !isfinite(lon_rad))
        return false;
    double x = wrap_lon(lon_rad);
    if (lat_rad < c->lat_min_rad || lat_rad > c->lat_max_rad || x < c->lon_min_rad ||
        x > c->lon_max_rad)
        return false;
    bool in = false;
    for (int r = 0; r < c->n_rings; r++) {
        for (int k = c->ring_start[r]; k + 1 < c->ring_start[r + 1]; k++) {
            if (edge_spans(c, k, lat_rad) && x < crossing(c, k, lat_rad))
                in = !in;
        }
    }
    return in;
}

const bmd_geo_country *bmd_geo_countries_at(const bmd_geo_countries *c, double lat_rad,
                                            double lon_rad)
{
    for (int k = 0; c && k < c->n; k++)
        if (bmd_geo_country_contains(&c->c[k], lat_rad, lon_rad))
            return &c->c[k];
    return NULL;
}

double bmd_geo_country_area_m2(const bmd_geo_country *c)
{
    struct geod_geodesic gd;
    geod_init(&gd, BMD_WGS84_A_M, 1.0 / BMD_WGS84_INV_F);
    double total = 0.0;
    for (int r = 0; r < c->n_rings; r++) {
        int s = c->ring_start[r];
        int n = c->ring_start[r + 1] - s - 1; /* the closing point repeats the first */
        if (n < 3)
            continue;
        double *lat = malloc(sizeof *lat * (size_t)n);
        double *lon = malloc(sizeof *lon * (size_t)n);
        if (!lat || !lon) {
            free(lat);
            free(lon);
            return (double)NAN;
        }
        for (int k = 0; k < n; k++) {
            lat[k] = c->lat_rad[s + k] * RAD2DEG;
            lon[k] = c->lon_rad[s + k] * RAD2DEG;
        }
        double area = 0.0, perim = 0.0;
        geod_polygonarea(&gd, lat, lon, n, &area, &perim);
        total += area;
        free(lat);
        free(lon);
    }
    return total;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bmd_status bmd_geo_mask_members(const bmd_geo_countries *c, const char *const *iso_a3, int n_iso,
                                const bmd_geo_grid *g, uint8_t *mask, char *why, size_t why_size)
{
    if (!c || !g || !mask || n_iso < 0 || (n_iso > 0 && !iso_a3) || g->n_lat <= 0 || g->n_lon <= 0)
        return BMD_ERR_ARG;
    const bmd_geo_country **sel = malloc(sizeof *sel * (size_t)(n_iso > 0 ? n_iso : 1));
    if (!sel)
        return BMD_ERR_NOMEM;
    for (int k = 0; k < n_iso; k++) {
        sel[k] = bmd_geo_countries_find(c, iso_a3[k]);
        if (!sel[k]) {
            if (why && why_size)
                snprintf(why, why_size, "no country with the code \"%s\" in %s",
                         iso_a3[k] ? iso_a3[k] : "(null)", c->file ? c->file : "the layer");
            free(sel);
            return BMD_ERR_NOT_FOUND;
        }
    }
    long max_edges = 1;
    for (int k = 0; k < n_iso; k++)
        if (sel[k]->ring_start[sel[k]->n_rings] > max_edges)
            max_edges = sel[k]->ring_start[sel[k]->n_rings];
    double *xs = malloc(sizeof *xs * (size_t)max_edges);
    double *lon = malloc(sizeof *lon * (size_t)g->n_lon);
    if (!xs || !lon) {
        free(sel);
        free(xs);
        free(lon);
        return BMD_ERR_NOMEM;
    }
    for (int j = 0; j < g->n_lon; j++)
        lon[j] = wrap_lon(bmd_geo_grid_lon(g, j));
    memset(mask, 0, bmd_geo_grid_size(g));
    for (int i = 0; i < g->n_lat; i++) {
        double y = bmd_geo_grid_lat(g, i);
        uint8_t *row = mask + (size_t)i * (size_t)g->n_lon;
        for (int s = 0; s < n_iso; s++) {
            const bmd_geo_country *ct = sel[s];
            if (y < ct->lat_min_rad || y > ct->lat_max_rad)
                continue;
            int nx = 0;
            for (int r = 0; r < ct->n_rings; r++)
                for (int k = ct->ring_start[r]; k + 1 < ct->ring_start[r + 1]; k++)
                    if (edge_spans(ct, k, y))
                        xs[nx++] = crossing(ct, k, y);
            if (nx == 0)
                continue;
            qsort(xs, (size_t)nx, sizeof *xs, dbl_cmp);
            for (int j = 0; j < g->n_lon; j++) {
                double x = lon[j];
                if (row[j] || x < xs[0] || x >= xs[nx - 1])
                    continue;
                /* Crossings strictly east of x: nx minus those <= x (upper bound). */
                int lo = 0, hi = nx;
                while (lo < hi) {
                    int mid = lo + (hi - lo) / 2;
                    if (xs[mid] <= x)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if ((nx - lo) & 1)
                    row[j] = 1;
            }
        }
    }
    free(sel);
    free(xs);
    free(lon);
    return BMD_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Outline of a mask
 *
 * Every side of a set cell that borders an unset cell (or the grid's edge) is a directed edge
 * with the set cell on its left: east along the cell's south side, north along its east side,
 * west along its north side, south along its west side. Outer boundaries then run
 * counter-clockwise and holes clockwise. Edges are chained into rings at the grid vertices; at a
 * vertex where two set cells touch only at the corner (two edges leave it) the ring turns left,
 * which keeps the two cells' boundaries apart, so polygons are the 4-connected groups of cells. */

enum { DIR_E = 0, DIR_N = 1, DIR_W = 2, DIR_S = 3 };
static const int dir_di[4] = {0, 1, 0, -1};
static const int dir_dj[4] = {1, 0, -1, 0};

void bmd_geo_polygons_free(bmd_geo_polygons *p)
{
    if (!p)
        return;
    for (int k = 0; k < p->n; k++)
        free(p->p[k].ring_start);
    free(p->p);
    free(p->lon_deg);
    free(p->lat_deg);
    memset(p, 0, sizeof *p);
}

typedef struct ring_rec {
    int label;      /* component of the cells on its left */
    bool outer;
    long start;     /* offset into the vertex list */
    long n;         /* vertices, not closed */
} ring_rec;

typedef struct vbuf {
    long n, cap;
    long *v;        /* vertex ids (i * (n_lon + 1) + j) */
} vbuf;

static bool vbuf_push(vbuf *b, long v)
{
    if (b->n == b->cap) {
        long cap = b->cap ? b->cap * 2 : 1024;
        long *nv = realloc(b->v, sizeof *nv * (size_t)cap);
        if (!nv)
            return false;
        b->v = nv;
        b->cap = cap;
    }
    b->v[b->n++] = v;
    return true;
}

/* The cell on the left of the edge leaving vertex (i, j) in direction d. */
static long left_cell(int i, int j, int d, int n_lon)
{
    switch (d) {
    case DIR_E: return (long)i * n_lon + j;
    case DIR_N: return (long)i * n_lon + (j - 1);
    case DIR_W: return (long)(i - 1) * n_lon + (j - 1);
    default: return (long)(i - 1) * n_lon + j;
    }
}

static int ring_cmp_label(const void *a, const void *b)
{
    const ring_rec *x = a, *y = b;
    if (x->label != y->label)
        return (x->label > y->label) - (x->label < y->label);
    if (x->outer != y->outer)
        return x->outer ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

bmd_status bmd_geo_mask_polygons(const bmd_geo_grid *g, const uint8_t *mask,
                                 bmd_geo_polygons *out)
{
    if (!g || !mask || !out || g->n_lat <= 0 || g->n_lon <= 0)
        return BMD_ERR_ARG;
    memset(out, 0, sizeof *out);
    const int nl = g->n_lat, nm = g->n_lon;
    const long nv = (long)(nl + 1) * (nm + 1);
    const size_t ncell = bmd_geo_grid_size(g);
    bmd_status st = BMD_OK;
    uint8_t *outgoing = calloc((size_t)nv, 1);
    int *label = malloc(sizeof *label * ncell);
    long *stack = malloc(sizeof *stack * ncell);
    vbuf verts = {0, 0, NULL};
    ring_rec *rings = NULL;
    long n_rings = 0, cap_rings = 0;
    if (!outgoing || !label || !stack) {
        st = BMD_ERR_NOMEM;
        goto done;
    }
#define SET(i, j) ((i) >= 0 && (i) < nl && (j) >= 0 && (j) < nm && mask[(size_t)(i) * nm + (j)])
    /* Components (4-connected), labelled in row-major order of their first cell. */
    int n_comp = 0;
    for (size_t k = 0; k < ncell; k++)
        label[k] = -1;
    for (size_t k = 0; k < ncell; k++) {
        if (!mask[k] || label[k] >= 0)
            continue;
        long top = 0;
        stack[top++] = (long)k;
        label[k] = n_comp;
        while (top > 0) {
            long c = stack[--top];
            int ci = (int)(c / nm), cj = (int)(c % nm);
            for (int d = 0; d < 4; d++) {
                int ni = ci + dir_di[d], nj = cj + dir_dj[d];
                if (SET(ni, nj) && label[(size_t)ni * nm + nj] < 0) {
                    label[(size_t)ni * nm + nj] = n_comp;
                    stack[top++] = (long)ni * nm + nj;
                }
            }
        }
        n_comp++;
    }
    /* Boundary edges by their origin vertex. */
    for (int i = 0; i < nl; i++) {
        for (int j = 0; j < nm; j++) {
            if (!SET(i, j))
                continue;
            if (!SET(i - 1, j))
                outgoing[(long)i * (nm + 1) + j] |= 1u << DIR_E;
            if (!SET(i, j + 1))
                outgoing[(long)i * (nm + 1) + j + 1] |= 1u << DIR_N;
            if (!SET(i + 1, j))
                outgoing[(long)(i + 1) * (nm + 1) + j + 1] |= 1u << DIR_W;
            if (!SET(i, j - 1))
                outgoing[(long)(i + 1) * (nm + 1) + j] |= 1u << DIR_S;
        }
    }
#undef SET
    /* Chain the edges into rings, starting from the first vertex (row-major) with an edge left. */
    for (long v0 = 0; v0 < nv; v0++) {
        while (outgoing[v0]) {
            int d0 = 0;
            while (!(outgoing[v0] & (1u << d0)))
                d0++;
            int i0 = (int)(v0 / (nm + 1)), j0 = (int)(v0 % (nm + 1));
            long start = verts.n;
            long area2 = 0; /* twice the signed area in vertex units */
            long v = v0;
            int d = d0;
            int pi = i0, pj = j0;
            for (;;) {
                outgoing[v] &= (uint8_t)~(1u << d);
                int ni = pi + dir_di[d], nj = pj + dir_dj[d];
                area2 += (long)pj * ni - (long)nj * pi;
                long nvtx = (long)ni * (nm + 1) + nj;
                /* Turn left, go straight or turn right, in that order of preference. */
                int next = -1;
                bool close = false;
                static const int turn[3] = {1, 0, 3};
                for (int t = 0; t < 3 && next < 0; t++) {
                    int cand = (d + turn[t]) & 3;
                    if (nvtx == v0 && cand == d0) {
                        close = true;
                        next = cand;
                    } else if (outgoing[nvtx] & (1u << cand)) {
                        next = cand;
                    }
                }
                if (next != d && !vbuf_push(&verts, nvtx)) {
                    st = BMD_ERR_NOMEM;
                    goto done;
                }
                if (close || next < 0)
                    break;
                v = nvtx;
                d = next;
                pi = ni;
                pj = nj;
            }
            if (n_rings == cap_rings) {
                long cap = cap_rings ? cap_rings * 2 : 64;
                ring_rec *nr = realloc(rings, sizeof *nr * (size_t)cap);
                if (!nr) {
                    st = BMD_ERR_NOMEM;
                    goto done;
                }
                rings = nr;
                cap_rings = cap;
            }
            /* The ring's vertices were recorded at each turn, the start vertex last. */
            ring_rec rr = {label[left_cell(i0, j0, d0, nm)], area2 > 0, start, verts.n - start};
            rings[n_rings++] = rr;
        }
    }
    /* Order: by component, outer ring first, then holes in trace order. */
    if (n_rings > 1)
        qsort(rings, (size_t)n_rings, sizeof *rings, ring_cmp_label);
    out->p = calloc((size_t)(n_comp > 0 ? n_comp : 1), sizeof *out->p);
    long total = 0;
    for (long r = 0; r < n_rings; r++)
        total += rings[r].n + 1;
    out->lon_deg = malloc(sizeof *out->lon_deg * (size_t)(total > 0 ? total : 1));
    out->lat_deg = malloc(sizeof *out->lat_deg * (size_t)(total > 0 ? total : 1));
    if (!out->p || !out->lon_deg || !out->lat_deg) {
        st = BMD_ERR_NOMEM;
        goto done;
    }
    out->n = n_comp;
    for (int c = 0; c < n_comp; c++) {
        int cnt = 0;
        for (long r = 0; r < n_rings; r++)
            cnt += rings[r].label == c;
        out->p[c].ring_start = malloc(sizeof(int) * (size_t)(cnt + 1));
        if (!out->p[c].ring_start) {
            st = BMD_ERR_NOMEM;
            goto done;
        }
    }
    const double south = g->lat0_rad - 0.5 * g->step_rad;
    const double west = g->lon0_rad - 0.5 * g->step_rad;
    long pos = 0;
    long r = 0;
    for (int c = 0; c < n_comp; c++) {
        bmd_geo_polygon *pg = &out->p[c];
        pg->n_rings = 0;
        for (; r < n_rings && rings[r].label == c; r++) {
            pg->ring_start[pg->n_rings++] = (int)pos;
            /* Start at the ring's first turn (the trace's start vertex is its last entry). */
            long n = rings[r].n;
            for (long k = 0; k <= n; k++) {
                long vid = verts.v[rings[r].start + (k + n - 1) % n];
                int vi = (int)(vid / (nm + 1)), vj = (int)(vid % (nm + 1));
                out->lat_deg[pos] = (south + vi * g->step_rad) * RAD2DEG;
                out->lon_deg[pos] = (west + vj * g->step_rad) * RAD2DEG;
                pos++;
            }
        }
        pg->ring_start[pg->n_rings] = (int)pos;
    }
    out->n_points = (int)pos;
done:
    free(outgoing);
    free(label);
    free(stack);
    free(verts.v);
    free(rings);
    if (st != BMD_OK)
        bmd_geo_polygons_free(out);
    return st;
}

double bmd_geo_polygons_area_m2(const bmd_geo_polygons *p)
{
    double total = 0.0;
    for (int c = 0; c < p->n; c++) {
        const bmd_geo_polygon *pg = &p->p[c];
        for (int r = 0; r < pg->n_rings; r++) {
            for (int k = pg->ring_start[r]; k + 1 < pg->ring_start[r + 1]; k++) {
                double dlon = (p->lon_deg[k + 1] - p->lon_deg[k]) * BMD_DEG;
                if (dlon == 0.0)
                    continue;
                /* Along a parallel; the latitudes at both ends are the same. */
                total -= zone_f(p->lat_deg[k] * BMD_DEG) * dlon;
            }
        }
    }
    return total;
}

/* ---------------------------------------------------------------------------------------------
 * GeoJSON writer */

static void w_printf(bmd_geojson_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void w_printf(bmd_geojson_writer *w, const char *fmt, ...)
{
    if (w->failed || !w->fp)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(w->fp, fmt, ap) < 0)
        w->failed = true;
    va_end(ap);
}

/* A coordinate with at most 6 decimals, trailing zeros dropped, never "-0". */
static void w_coord(bmd_geojson_writer *w, double x)
{
    char buf[64];
    if (!isfinite(x)) {
        w->failed = true;
        return;
    }
    w_printf(w, "%s", bmd_num_text(buf, sizeof buf, x, 6));
}

static void w_string(bmd_geojson_writer *w, const char *s)
{
    w_printf(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            w_printf(w, "\\%c", *p);
        else if (*p < 0x20)
            w_printf(w, "\\u%04x", *p);
        else
            w_printf(w, "%c", *p);
    }
    w_printf(w, "\"");
}

static void w_props(bmd_geojson_writer *w, const char *name, const bmd_geo_prop *props,
                    int n_props)
{
    w_printf(w, "\"properties\":{");
    bool first = true;
    if (name) {
        w_printf(w, "\"name\":");
        w_string(w, name);
        first = false;
    }
    for (int k = 0; k < n_props; k++) {
        if (!props[k].key)
            continue;
        w_printf(w, "%s", first ? "" : ",");
        first = false;
        w_string(w, props[k].key);
        w_printf(w, ":");
        if (props[k].str)
            w_string(w, props[k].str);
        else if (isfinite(props[k].num))
            w_printf(w, "%.17g", props[k].num);
        else
            w_printf(w, "null");
    }
    w_printf(w, "}");
}

static void w_feature_start(bmd_geojson_writer *w)
{
    w_printf(w, "%s\n{\"type\":\"Feature\",", w->n_features ? "," : "");
    w->n_features++;
}

static void w_pos(bmd_geojson_writer *w, double lon_deg, double lat_deg)
{
    w_printf(w, "[");
    w_coord(w, lon_deg);
    w_printf(w, ",");
    w_coord(w, lat_deg);
    w_printf(w, "]");
}

void bmd_geojson_begin(bmd_geojson_writer *w, FILE *fp)
{
    w->fp = fp;
    w->n_features = 0;
    w->failed = fp == NULL;
    w_printf(w, "{\"type\":\"FeatureCollection\",\"features\":[");
}

void bmd_geojson_polygons(bmd_geojson_writer *w, const bmd_geo_polygons *p,
                          const bmd_geo_prop *props, int n_props)
{
    w_feature_start(w);
    w_props(w, NULL, props, n_props);
    w_printf(w, ",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (int c = 0; p && c < p->n; c++) {
        w_printf(w, "%s[", c ? "," : "");
        const bmd_geo_polygon *pg = &p->p[c];
        for (int r = 0; r < pg->n_rings; r++) {
            w_printf(w, "%s[", r ? "," : "");
            for (int k = pg->ring_start[r]; k < pg->ring_start[r + 1]; k++) {
                if (k > pg->ring_start[r])
                    w_printf(w, ",");
                w_pos(w, p->lon_deg[k], p->lat_deg[k]);
            }
            w_printf(w, "]");
        }
        w_printf(w, "]");
    }
    w_printf(w, "]}}");
}

void bmd_geojson_point(bmd_geojson_writer *w, double lat_rad, double lon_rad,
                       const bmd_geo_prop *props, int n_props)
{
    w_feature_start(w);
    w_props(w, NULL, props, n_props);
    w_printf(w, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":");
    w_pos(w, wrap_lon(lon_rad) * RAD2DEG, lat_rad * RAD2DEG);
    w_printf(w, "}}");
}

void bmd_geojson_line(bmd_geojson_writer *w, int n, const double *lat_rad, const double *lon_rad,
                      const bmd_geo_prop *props, int n_props)
{
    w_feature_start(w);
    w_props(w, NULL, props, n_props);
    if (n < 2 || !lat_rad || !lon_rad) {
        w_printf(w, ",\"geometry\":null}");
        return;
    }
    w_printf(w, ",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
    for (int k = 0; k < n; k++) {
        if (k)
            w_printf(w, ",");
        w_pos(w, wrap_lon(lon_rad[k]) * RAD2DEG, lat_rad[k] * RAD2DEG);
    }
    w_printf(w, "]}}");
}

bmd_status bmd_geojson_end(bmd_geojson_writer *w)
{
    w_printf(w, "\n]}\n");
    if (w->fp && !w->failed && ferror(w->fp))
        w->failed = true;
    return w->failed ? BMD_ERR_IO : BMD_OK;
}

/* Properties with "name" first, then the caller's. */
static bmd_geo_prop *named_props(const char *name, const bmd_geo_prop *props, int n_props)
{
    bmd_geo_prop *all = malloc(sizeof *all * (size_t)(n_props + 1));
    if (!all)
        return NULL;
    all[0].key = "name";
    all[0].str = name ? name : "";
    all[0].num = 0.0;
    for (int k = 0; k < n_props; k++)
        all[k + 1] = props[k];
    return all;
}

bmd_status bmd_geo_write_points(FILE *fp, const bmd_geo_point *pts, int n)
{
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    for (int k = 0; k < n; k++) {
        bmd_geo_prop *all = named_props(pts[k].name, pts[k].props, pts[k].props ? pts[k].n_props : 0);
        if (!all)
            return BMD_ERR_NOMEM;
        bmd_geojson_point(&w, pts[k].lat_rad, pts[k].lon_rad, all,
                          1 + (pts[k].props ? pts[k].n_props : 0));
        free(all);
    }
    return bmd_geojson_end(&w);
}

bmd_status bmd_geo_write_lines(FILE *fp, const bmd_geo_line *lines, int n)
{
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    for (int k = 0; k < n; k++) {
        int np = lines[k].props ? lines[k].n_props : 0;
        bmd_geo_prop *all = named_props(lines[k].name, lines[k].props, np);
        if (!all)
            return BMD_ERR_NOMEM;
        bmd_geojson_line(&w, lines[k].n, lines[k].lat_rad, lines[k].lon_rad, all, 1 + np);
        free(all);
    }
    return bmd_geojson_end(&w);
}

/* ---------------------------------------------------------------------------------------------
 * Member lists (YAML) */

void bmd_geo_members_free(bmd_geo_members *m)
{
    if (!m)
        return;
    free(m->m);
    memset(m, 0, sizeof *m);
}

const char **bmd_geo_members_codes(const bmd_geo_members *m)
{
    const char **codes = malloc(sizeof *codes * (size_t)(m->n > 0 ? m->n : 1));
    if (!codes)
        return NULL;
    for (int k = 0; k < m->n; k++)
        codes[k] = m->m[k].iso_a3;
    return codes;
}

static bmd_status member_number(yd *d, yaml_node_t *map, const char *key, const char *field,
                                double lo, double hi, double *out)
{
    yaml_node_t *n = yd_get(d, map, key);
    if (!n)
        return yd_fail(d, map, "%s: missing (a number is required)", field);
    bmd_status st = yd_number(d, n, field, out);
    if (st != BMD_OK)
        return st;
    if (*out < lo || *out > hi)
        return yd_fail(d, n, "%s: %g is outside %g..%g", field, *out, lo, hi);
    return BMD_OK;
}

static bmd_status load_member(yd *d, yaml_node_t *node, int k, bmd_geo_member *m)
{
    static const char *const keys[] = {"iso_a3", "name", "joined", "capital", NULL};
    static const char *const cap_keys[] = {"name", "lat_deg", "lon_deg", "source", NULL};
    char field[96];
    snprintf(field, sizeof field, "members[%d]", k);
    bmd_status st = yd_check_keys(d, node, field, keys);
    if (st != BMD_OK)
        return st;
    char f[160];
    snprintf(f, sizeof f, "%s.iso_a3", field);
    st = yd_string(d, node, "iso_a3", f, true, m->iso_a3, sizeof m->iso_a3);
    if (st != BMD_OK)
        return st;
    if (strlen(m->iso_a3) != 3 || strspn(m->iso_a3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return yd_fail(d, yd_get(d, node, "iso_a3"), "%s: expected three upper-case letters", f);
    snprintf(f, sizeof f, "%s.name", field);
    st = yd_string(d, node, "name", f, true, m->name, sizeof m->name);
    if (st != BMD_OK)
        return st;
    double year = 0.0;
    snprintf(f, sizeof f, "%s.joined", field);
    st = member_number(d, node, "joined", f, 1949.0, 2100.0, &year);
    if (st != BMD_OK)
        return st;
    if (year != floor(year))
        return yd_fail(d, yd_get(d, node, "joined"), "%s: expected a whole year", f);
    m->joined_year = (int)year;
    yaml_node_t *cap = yd_get(d, node, "capital");
    snprintf(f, sizeof f, "%s.capital", field);
    if (!cap)
        return yd_fail(d, node, "%s: missing (a mapping is required)", f);
    st = yd_check_keys(d, cap, f, cap_keys);
    if (st != BMD_OK)
        return st;
    snprintf(f, sizeof f, "%s.capital.name", field);
    st = yd_string(d, cap, "name", f, true, m->capital, sizeof m->capital);
    if (st != BMD_OK)
        return st;
    snprintf(f, sizeof f, "%s.capital.source", field);
    st = yd_string(d, cap, "source", f, true, m->capital_source, sizeof m->capital_source);
    if (st != BMD_OK)
        return st;
    double lat = 0.0, lon = 0.0;
    snprintf(f, sizeof f, "%s.capital.lat_deg", field);
    st = member_number(d, cap, "lat_deg", f, -90.0, 90.0, &lat);
    if (st != BMD_OK)
        return st;
    snprintf(f, sizeof f, "%s.capital.lon_deg", field);
    st = member_number(d, cap, "lon_deg", f, -180.0, 180.0, &lon);
    if (st != BMD_OK)
        return st;
    m->capital_lat_rad = lat * BMD_DEG;
    m->capital_lon_rad = lon * BMD_DEG;
    return BMD_OK;
}

bmd_status bmd_geo_members_load(const char *path, bmd_geo_members *out, bmd_load_error *err)
{
    static const char *const keys[] = {"source", "as_of", "members", NULL};
    char defpath[1024];
    if (!path)
        path = bmd_geo_nato_default_path(defpath, sizeof defpath);
    memset(out, 0, sizeof *out);
    yd d;
    bmd_status st = yd_load(&d, path, err);
    if (st != BMD_OK) {
        yd_free(&d);
        return st;
    }
    yaml_node_t *root = yd_root(&d);
    st = yd_check_keys(&d, root, "(top level)", keys);
    if (st == BMD_OK)
        st = yd_string(&d, root, "source", "source", true, out->source, sizeof out->source);
    if (st == BMD_OK)
        st = yd_string(&d, root, "as_of", "as_of", true, out->as_of, sizeof out->as_of);
    yaml_node_t *list = st == BMD_OK ? yd_get(&d, root, "members") : NULL;
    if (st == BMD_OK && (!list || list->type != YAML_SEQUENCE_NODE ||
                         list->data.sequence.items.top == list->data.sequence.items.start))
        st = yd_fail(&d, list ? list : root, "members: expected a non-empty list");
    if (st == BMD_OK) {
        long n = list->data.sequence.items.top - list->data.sequence.items.start;
        out->m = calloc((size_t)n, sizeof *out->m);
        if (!out->m)
            st = BMD_ERR_NOMEM;
        int k = 0;
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             st == BMD_OK && it < list->data.sequence.items.top; it++, k++) {
            yaml_node_t *node = yaml_document_get_node(&d.doc, *it);
            st = load_member(&d, node, k, &out->m[k]);
            for (int q = 0; st == BMD_OK && q < k; q++)
                if (strcmp(out->m[q].iso_a3, out->m[k].iso_a3) == 0)
                    st = yd_fail(&d, node, "members[%d].iso_a3: %s is already members[%d]", k,
                                 out->m[k].iso_a3, q);
            out->n = k + 1;
        }
    }
    yd_free(&d);
    if (st != BMD_OK)
        bmd_geo_members_free(out);
    return st;
}
