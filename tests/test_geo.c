/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, open_memstream */
/* test_geo.c: the grid, areas on the ellipsoid against closed forms and PROJ, point-in-country on
 * known cities, country areas against published ones, mask outlines, GeoJSON and the NATO list. */
#include <cjson/cJSON.h>
#include <geodesic.h>
#include <stdlib.h>
#include <unistd.h>

#include "bmd/constants.h"
#include "bmd/geo.h"
#include "test.h"

static bmd_geo_countries *world;

static const bmd_geo_countries *countries(void)
{
    if (!world) {
        bmd_load_error err;
        bmd_status st = bmd_geo_countries_load(NULL, &world, &err);
        if (st != BMD_OK)
            fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        ENSURE(st == BMD_OK);
    }
    return world;
}

static const char *country_at(double lat_deg, double lon_deg)
{
    const bmd_geo_country *c = bmd_geo_countries_at(countries(), lat_deg * BMD_DEG,
                                                    lon_deg * BMD_DEG);
    return c ? c->iso_a3 : "none";
}

#define CHECK_AT(lat, lon, want)                                                                   \
    do {                                                                                           \
        const char *got_ = country_at(lat, lon);                                                   \
        if (strcmp(got_, want) != 0)                                                               \
            fprintf(stderr, "  (%g, %g): want %s got %s\n", (double)(lat), (double)(lon), want,    \
                    got_);                                                                         \
        ENSURE(strcmp(got_, want) == 0);                                                           \
    } while (0)

/* Cities and sea points whose country nobody disputes (coordinates: literature.md section 5
 * where given, else city centres). */
static void test_point_in_country(void)
{
    if (!countries())
        return;
    CHECK_AT(48.857, 2.352, "FRA");     /* Paris */
    CHECK_AT(39.93, 32.86, "TUR");      /* Ankara */
    CHECK_AT(54.71, 20.51, "RUS");      /* Kaliningrad: Russia's exclave, not Poland */
    CHECK_AT(41.05, 28.90, "TUR");      /* Istanbul, European side (Bayrampasa) */
    CHECK_AT(41.02, 29.10, "TUR");      /* Istanbul, Asian side (Umraniye) */
    CHECK_AT(55.5, 18.0, "none");       /* the Baltic between Gotland and Poland */
    CHECK_AT(52.23, 21.01, "POL");      /* Warsaw */
    CHECK_AT(55.756, 37.617, "RUS");    /* Moscow */
    CHECK_AT(35.7, 51.4, "IRN");        /* Tehran */
    CHECK_AT(42.0, 9.1, "FRA");         /* Corsica: a second polygon of France */
    CHECK_AT(37.5, 14.0, "ITA");        /* Sicily */
    CHECK_AT(45.0, -30.0, "none");      /* the North Atlantic */
    /* The Norwegian and Barents Seas: no ring may run across the box (Russia's rings cut at the
     * antimeridian once did, after clipping). */
    CHECK_AT(68.5, 0.0, "none");
    CHECK_AT(70.5, -10.0, "none");
    CHECK_AT(73.0, 35.0, "none");
    /* Vatican City, a hole in Italy: Natural Earth's 1:50m Vatican is a box about 1.5 km west of
     * the real one (12.429..12.440 E, 41.897..41.906 N); its centre. */
    CHECK_AT(41.902, 12.435, "VAT");
    CHECK_AT(43.94, 12.45, "SMR");      /* San Marino: a hole in Italy */
    /* The longitude wraps: Paris given 360 degrees further east. */
    const bmd_geo_country *fra = bmd_geo_countries_find(countries(), "FRA");
    ENSURE(fra && bmd_geo_country_contains(fra, 48.857 * BMD_DEG, (2.352 + 360.0) * BMD_DEG));
    /* Rome is in Italy even though the Vatican's hole is close by; the Vatican is not Italy. */
    const bmd_geo_country *ita = bmd_geo_countries_find(countries(), "ITA");
    ENSURE(ita && bmd_geo_country_contains(ita, 41.89 * BMD_DEG, 12.51 * BMD_DEG));
    ENSURE(ita && !bmd_geo_country_contains(ita, 41.902 * BMD_DEG, 12.435 * BMD_DEG));
}

/* The WGS-84 ellipsoid's total area, 2 pi a^2 [1 + (1 - e^2)/e atanh(e)], in long double and as
 * 4 pi c^2 from PROJ's geodesic object (its authalic radius squared, Karney's code), and the band
 * areas against Simpson's rule on the area element M N cos(phi). */
static void test_band_area(void)
{
    long double a = BMD_WGS84_A_M, f = 1.0L / BMD_WGS84_INV_F;
    long double e2 = f * (2.0L - f), e = sqrtl(e2);
    long double total = 2.0L * 3.14159265358979323846264338327950288L * a * a *
                        (1.0L + (1.0L - e2) / e * atanhl(e));
    CHECK_REL(bmd_geo_band_area_m2(-BMD_PI / 2, BMD_PI / 2, 2 * BMD_PI), (double)total, 1e-12);
    struct geod_geodesic gd;
    geod_init(&gd, BMD_WGS84_A_M, 1.0 / BMD_WGS84_INV_F);
    CHECK_REL((double)total, 4.0 * BMD_PI * gd.c2, 1e-13);

    /* Sum of the cells over a band (40..50 N, 0.25 degree cells over 30 degrees of longitude)
     * against the zone formula for the band, both against Simpson on M N cos(phi). */
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(40 * BMD_DEG, 50 * BMD_DEG, -10 * BMD_DEG, 20 * BMD_DEG,
                             0.25 * BMD_DEG, &g) == BMD_OK);
    ENSURE(g.n_lat == 40 && g.n_lon == 120);
    double sum = 0.0;
    for (int i = 0; i < g.n_lat; i++)
        sum += g.n_lon * bmd_geo_cell_area_m2(&g, i);
    double zone = bmd_geo_band_area_m2(40 * BMD_DEG, 50 * BMD_DEG, 30 * BMD_DEG);
    CHECK_REL(sum, zone, 1e-9);
    long double s = 0.0L;
    int n = 2000;
    long double h = (10.0L * BMD_DEG) / n;
    for (int k = 0; k <= n; k++) {
        long double phi = 40.0L * BMD_DEG + k * h;
        long double w2 = 1.0L - e2 * sinl(phi) * sinl(phi);
        long double mn = a * a * (1.0L - e2) / (w2 * w2); /* M N = a^2 (1 - e^2) / W^4 */
        long double v = mn * cosl(phi);
        s += (k == 0 || k == n) ? v : (k % 2 ? 4.0L * v : 2.0L * v);
    }
    double simpson = (double)(s * h / 3.0L * (30.0L * BMD_DEG));
    CHECK_REL(zone, simpson, 1e-11);
    /* Share: half the columns of a band. */
    size_t nc = bmd_geo_grid_size(&g);
    uint8_t *m = calloc(nc, 1), *all = calloc(nc, 1);
    for (size_t k = 0; k < nc; k++) {
        all[k] = 1;
        m[k] = (k % (size_t)g.n_lon) < 60;
    }
    CHECK_REL(bmd_geo_mask_share(&g, m, all), 0.5, 1e-12);
    CHECK_REL(bmd_geo_mask_area_m2(&g, all), zone, 1e-9);
    memset(all, 0, nc);
    ENSURE(isnan(bmd_geo_mask_share(&g, m, all)));
    free(m);
    free(all);
}

static void test_grid(void)
{
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(30 * BMD_DEG, 72 * BMD_DEG, -25 * BMD_DEG, 45 * BMD_DEG,
                             0.5 * BMD_DEG, &g) == BMD_OK);
    ENSURE(g.n_lat == 84 && g.n_lon == 140);
    CHECK_NEAR(bmd_geo_grid_lat(&g, 0) / BMD_DEG, 30.25, 1e-12);
    CHECK_NEAR(bmd_geo_grid_lon(&g, 139) / BMD_DEG, 44.75, 1e-12);
    ENSURE(bmd_geo_grid_cell(&g, 30.1 * BMD_DEG, -24.9 * BMD_DEG) == 0);
    ENSURE(bmd_geo_grid_cell(&g, 71.9 * BMD_DEG, 44.9 * BMD_DEG) == 84L * 140 - 1);
    ENSURE(bmd_geo_grid_cell(&g, 50.2 * BMD_DEG, (10.3 + 360) * BMD_DEG) == 40L * 140 + 70);
    ENSURE(bmd_geo_grid_cell(&g, 29.9 * BMD_DEG, 0.0) == -1);
    ENSURE(bmd_geo_grid_cell(&g, 50 * BMD_DEG, 46 * BMD_DEG) == -1);
    ENSURE(bmd_geo_grid_make(0, 0, 0, 1, 0.1, &g) == BMD_ERR_ARG);
    ENSURE(bmd_geo_grid_make(0, 1, 0, 1, 0.0, &g) == BMD_ERR_ARG);
    ENSURE(bmd_geo_grid_make(0, 2, 0, 1, 0.1, &g) == BMD_ERR_ARG);
    ENSURE(bmd_geo_grid_make(0, NAN, 0, 1, 0.1, &g) == BMD_ERR_ARG);
    /* A span that is not a whole number of steps is extended. */
    ENSURE(bmd_geo_grid_make(0, 1.05 * BMD_DEG, 0, 1 * BMD_DEG, 0.5 * BMD_DEG, &g) == BMD_OK);
    ENSURE(g.n_lat == 3 && g.n_lon == 2);
}

/* Published areas (total, land and inland water): Poland 312,696 km^2 (Statistics Poland,
 * Concise Statistical Yearbook of Poland, total area 312,696 km^2 [U]); France metropolitan
 * 551,695 km^2 (INSEE [U]); Turkey 783,562 km^2 (CIA World Factbook [U]). A 1:50m outline
 * smooths the coast and borders at about the kilometre: 1.5% is what such an outline allows for
 * countries of this size (and the French outline clipped to the box is metropolitan France with
 * Corsica). The mask area at 0.05 degree cells must agree with the polygon's area to 0.5%. */
static void test_country_area(void)
{
    if (!countries())
        return;
    struct { const char *iso; double km2; double tol; } pub[] = {
        {"POL", 312696.0, 0.015}, {"FRA", 551695.0, 0.015}, {"TUR", 783562.0, 0.015}};
    for (size_t k = 0; k < sizeof pub / sizeof pub[0]; k++) {
        const bmd_geo_country *c = bmd_geo_countries_find(countries(), pub[k].iso);
        ENSURE(c != NULL);
        if (!c)
            continue;
        double a_km2 = bmd_geo_country_area_m2(c) / 1e6;
        fprintf(stderr, "  %s: outline %.0f km^2, published %.0f km^2 (%.2f%%)\n", pub[k].iso,
                a_km2, pub[k].km2, 100.0 * (a_km2 / pub[k].km2 - 1.0));
        CHECK_REL(a_km2, pub[k].km2, pub[k].tol);
        bmd_geo_grid g;
        ENSURE(bmd_geo_grid_make(c->lat_min_rad, c->lat_max_rad, c->lon_min_rad, c->lon_max_rad,
                                 0.05 * BMD_DEG, &g) == BMD_OK);
        uint8_t *m = malloc(bmd_geo_grid_size(&g));
        const char *codes[] = {pub[k].iso};
        ENSURE(bmd_geo_mask_members(countries(), codes, 1, &g, m, NULL, 0) == BMD_OK);
        CHECK_REL(bmd_geo_mask_area_m2(&g, m) / 1e6, a_km2, 0.005);
        free(m);
    }
}

/* The scanline mask is exactly the point test at every centre. */
static void test_mask_members(void)
{
    if (!countries())
        return;
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(34 * BMD_DEG, 72 * BMD_DEG, -25 * BMD_DEG, 45 * BMD_DEG,
                             0.25 * BMD_DEG, &g) == BMD_OK);
    const char *codes[] = {"POL", "DEU", "TUR", "ITA", "NOR", "GBR"};
    size_t n = bmd_geo_grid_size(&g);
    uint8_t *m = malloc(n);
    ENSURE(bmd_geo_mask_members(countries(), codes, 6, &g, m, NULL, 0) == BMD_OK);
    long diff = 0, set = 0;
    for (int i = 0; i < g.n_lat; i++) {
        for (int j = 0; j < g.n_lon; j++) {
            bool in = false;
            for (int k = 0; k < 6; k++)
                in = in || bmd_geo_country_contains(bmd_geo_countries_find(countries(), codes[k]),
                                                    bmd_geo_grid_lat(&g, i),
                                                    bmd_geo_grid_lon(&g, j));
            diff += in != (m[(size_t)i * g.n_lon + j] != 0);
            set += in;
        }
    }
    ENSURE(diff == 0);
    ENSURE(set > 1000);
    char why[128] = "";
    const char *bad[] = {"POL", "XXX"};
    ENSURE(bmd_geo_mask_members(countries(), bad, 2, &g, m, why, sizeof why) == BMD_ERR_NOT_FOUND);
    ENSURE(strstr(why, "XXX") != NULL);
    free(m);
}

/* Area of polygons by PROJ with every edge cut into pieces of 0.01 degree or less (a geodesic
 * between points 0.01 degree apart on a parallel departs from it by millimetres). */
static double proj_area_m2(const bmd_geo_polygons *p)
{
    struct geod_geodesic gd;
    geod_init(&gd, BMD_WGS84_A_M, 1.0 / BMD_WGS84_INV_F);
    double total = 0.0;
    for (int c = 0; c < p->n; c++) {
        for (int r = 0; r < p->p[c].n_rings; r++) {
            struct geod_polygon poly;
            geod_polygon_init(&poly, 0);
            for (int k = p->p[c].ring_start[r]; k + 1 < p->p[c].ring_start[r + 1]; k++) {
                double dx = p->lon_deg[k + 1] - p->lon_deg[k];
                double dy = p->lat_deg[k + 1] - p->lat_deg[k];
                int n = (int)ceil(fmax(fabs(dx), fabs(dy)) / 0.01);
                for (int s = 0; s < n; s++)
                    geod_polygon_addpoint(&gd, &poly, p->lat_deg[k] + dy * s / n,
                                          p->lon_deg[k] + dx * s / n);
            }
            double area = 0.0;
            geod_polygon_compute(&gd, &poly, 0, 1, &area, NULL);
            total += area;
        }
    }
    return total;
}

/* Signed area in degree units of ring r of polygon c (positive: counter-clockwise). */
static double ring_orientation(const bmd_geo_polygons *p, int c, int r)
{
    double s = 0.0;
    for (int k = p->p[c].ring_start[r]; k + 1 < p->p[c].ring_start[r + 1]; k++)
        s += p->lon_deg[k] * p->lat_deg[k + 1] - p->lon_deg[k + 1] * p->lat_deg[k];
    return s / 2.0;
}

static void check_outline(const char *name, const char *rows[], int n_rows, int want_polys,
                          const int *want_rings, const int *want_points)
{
    bmd_geo_grid g;
    int n_cols = (int)strlen(rows[0]);
    ENSURE(bmd_geo_grid_make(50 * BMD_DEG, (50 + n_rows) * BMD_DEG, 10 * BMD_DEG,
                             (10 + n_cols) * BMD_DEG, 1 * BMD_DEG, &g) == BMD_OK);
    uint8_t *m = calloc(bmd_geo_grid_size(&g), 1);
    for (int i = 0; i < n_rows; i++)      /* rows[0] is the northernmost row */
        for (int j = 0; j < n_cols; j++)
            m[(size_t)(n_rows - 1 - i) * n_cols + j] = rows[i][j] == '#';
    bmd_geo_polygons p;
    ENSURE(bmd_geo_mask_polygons(&g, m, &p) == BMD_OK);
    fprintf(stderr, "  %s: %d polygons\n", name, p.n);
    ENSURE(p.n == want_polys);
    for (int c = 0; c < p.n && c < want_polys; c++) {
        ENSURE(p.p[c].n_rings == want_rings[c]);
        for (int r = 0; r < p.p[c].n_rings; r++) {
            int s = p.p[c].ring_start[r], e = p.p[c].ring_start[r + 1];
            ENSURE(p.lon_deg[s] == p.lon_deg[e - 1] && p.lat_deg[s] == p.lat_deg[e - 1]);
            /* RFC 7946: exterior counter-clockwise, holes clockwise. */
            if (r == 0)
                ENSURE(ring_orientation(&p, c, r) > 0);
            else
                ENSURE(ring_orientation(&p, c, r) < 0);
            if (want_points && r == 0)
                ENSURE(e - s == want_points[c]);
            /* Only corners: no three consecutive points on one line. */
            for (int k = s; k + 2 < e; k++) {
                bool same_lon = p.lon_deg[k] == p.lon_deg[k + 1] && p.lon_deg[k + 1] == p.lon_deg[k + 2];
                bool same_lat = p.lat_deg[k] == p.lat_deg[k + 1] && p.lat_deg[k + 1] == p.lat_deg[k + 2];
                ENSURE(!same_lon && !same_lat);
            }
        }
    }
    double cells = bmd_geo_mask_area_m2(&g, m);
    CHECK_REL(bmd_geo_polygons_area_m2(&p), cells, 1e-12);
    CHECK_REL(proj_area_m2(&p), cells, 1e-6);
    bmd_geo_polygons_free(&p);
    free(m);
}

static void test_outlines(void)
{
    const char *single[] = {"....", ".#..", "...."};
    check_outline("single", single, 3, 1, (const int[]){1}, (const int[]){5});
    const char *ell[] = {"#...", "#...", "###."};
    check_outline("L", ell, 3, 1, (const int[]){1}, (const int[]){7});
    const char *ring[] = {"#####", "#...#", "#.#.#", "#...#", "#####"};
    /* A ring with a hole that holds an island: two polygons, the first with one hole. */
    check_outline("ring", ring, 5, 2, (const int[]){2, 1}, (const int[]){5, 5});
    const char *blobs[] = {"##...", "##..#", "....#"};
    check_outline("blobs", blobs, 3, 2, (const int[]){1, 1}, NULL);
    /* Cells touching at a corner only are separate polygons. */
    const char *diag[] = {"#.", ".#"};
    check_outline("diagonal", diag, 2, 2, (const int[]){1, 1}, (const int[]){5, 5});
    /* A hole touching the outer boundary at a corner. */
    const char *notch[] = {"###", "#.#", "##.", };
    check_outline("corner hole", notch, 3, 1, (const int[]){1}, NULL);
    const char *full[] = {"###", "###"};
    check_outline("full", full, 2, 1, (const int[]){1}, (const int[]){5});
    const char *none[] = {"...", "..."};
    check_outline("empty", none, 2, 0, NULL, NULL);
}

/* Write polygons, points and lines; read them back with cJSON and check RFC 7946's structure. */
static void test_geojson(void)
{
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(40 * BMD_DEG, 45 * BMD_DEG, -5 * BMD_DEG, 0, 1 * BMD_DEG, &g) ==
           BMD_OK);
    uint8_t m[25] = {0};
    for (int k = 0; k < 25; k++)
        m[k] = k != 12;
    bmd_geo_polygons p;
    ENSURE(bmd_geo_mask_polygons(&g, m, &p) == BMD_OK);
    char path[] = "/tmp/test_geo_XXXXXX";
    int fd = mkstemp(path);
    ENSURE(fd >= 0);
    FILE *fp = fdopen(fd, "w+");
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    bmd_geo_prop props[] = {{"class", "defended", 0}, {"share", NULL, 0.25}, {"bad", NULL, NAN},
                            {"quote", "a \"b\"\n", 0}};
    bmd_geojson_polygons(&w, &p, props, 4);
    bmd_geojson_point(&w, 48.857 * BMD_DEG, 2.352 * BMD_DEG, props, 1);
    double lat[] = {0.9, 0.91, 0.92}, lon[] = {0.5, 0.6, 0.7};
    bmd_geojson_line(&w, 3, lat, lon, NULL, 0);
    ENSURE(bmd_geojson_end(&w) == BMD_OK);
    fflush(fp);
    long len = ftell(fp);
    rewind(fp);
    char *text = calloc((size_t)len + 1, 1);
    ENSURE(fread(text, 1, (size_t)len, fp) == (size_t)len);
    fclose(fp);
    unlink(path);
    cJSON *root = cJSON_Parse(text);
    ENSURE(root != NULL);
    ENSURE(strstr(text, "-5,40") != NULL);      /* degrees, trailing zeros dropped */
    ENSURE(strstr(text, "2.352,48.857") != NULL);
    ENSURE(strstr(text, "e-") == NULL && strstr(text, "-0,") == NULL);
    cJSON *type = cJSON_GetObjectItem(root, "type");
    ENSURE(cJSON_IsString(type) && strcmp(type->valuestring, "FeatureCollection") == 0);
    cJSON *fs = cJSON_GetObjectItem(root, "features");
    ENSURE(cJSON_GetArraySize(fs) == 3);
    cJSON *f0 = cJSON_GetArrayItem(fs, 0);
    ENSURE(strcmp(cJSON_GetObjectItem(f0, "type")->valuestring, "Feature") == 0);
    cJSON *pr = cJSON_GetObjectItem(f0, "properties");
    ENSURE(strcmp(cJSON_GetObjectItem(pr, "class")->valuestring, "defended") == 0);
    ENSURE(cJSON_GetObjectItem(pr, "share")->valuedouble == 0.25);
    ENSURE(cJSON_IsNull(cJSON_GetObjectItem(pr, "bad")));
    ENSURE(strcmp(cJSON_GetObjectItem(pr, "quote")->valuestring, "a \"b\"\n") == 0);
    cJSON *geom = cJSON_GetObjectItem(f0, "geometry");
    ENSURE(strcmp(cJSON_GetObjectItem(geom, "type")->valuestring, "MultiPolygon") == 0);
    cJSON *polys = cJSON_GetObjectItem(geom, "coordinates");
    ENSURE(cJSON_GetArraySize(polys) == 1);
    cJSON *rings = cJSON_GetArrayItem(polys, 0);
    ENSURE(cJSON_GetArraySize(rings) == 2);   /* the frame with the centre cell as a hole */
    for (int r = 0; r < 2; r++) {
        cJSON *ring = cJSON_GetArrayItem(rings, r);
        int n = cJSON_GetArraySize(ring);
        ENSURE(n >= 4);
        double s = 0.0;
        for (int k = 0; k + 1 < n; k++) {
            cJSON *a = cJSON_GetArrayItem(ring, k), *b = cJSON_GetArrayItem(ring, k + 1);
            ENSURE(cJSON_GetArraySize(a) == 2);
            double x1 = cJSON_GetArrayItem(a, 0)->valuedouble, y1 = cJSON_GetArrayItem(a, 1)->valuedouble;
            double x2 = cJSON_GetArrayItem(b, 0)->valuedouble, y2 = cJSON_GetArrayItem(b, 1)->valuedouble;
            s += x1 * y2 - x2 * y1;
        }
        cJSON *first = cJSON_GetArrayItem(ring, 0), *last = cJSON_GetArrayItem(ring, n - 1);
        ENSURE(cJSON_GetArrayItem(first, 0)->valuedouble == cJSON_GetArrayItem(last, 0)->valuedouble);
        ENSURE(cJSON_GetArrayItem(first, 1)->valuedouble == cJSON_GetArrayItem(last, 1)->valuedouble);
        ENSURE(r == 0 ? s > 0 : s < 0);
    }
    cJSON *f1 = cJSON_GetArrayItem(fs, 1);
    ENSURE(strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(f1, "geometry"), "type")->valuestring,
                  "Point") == 0);
    cJSON *f2 = cJSON_GetArrayItem(fs, 2);
    cJSON *g2 = cJSON_GetObjectItem(f2, "geometry");
    ENSURE(strcmp(cJSON_GetObjectItem(g2, "type")->valuestring, "LineString") == 0);
    ENSURE(cJSON_GetArraySize(cJSON_GetObjectItem(g2, "coordinates")) == 3);
    cJSON_Delete(root);
    free(text);
    bmd_geo_polygons_free(&p);

    /* Deterministic: the same input writes the same bytes; and the helpers. */
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    bmd_geo_point pts[] = {{"Paris", 48.857 * BMD_DEG, 2.352 * BMD_DEG, NULL, 0},
                           {"Ankara", 39.93 * BMD_DEG, 32.86 * BMD_DEG, props, 2}};
    FILE *ma = open_memstream(&a, &na);
    FILE *mb = open_memstream(&b, &nb);
    ENSURE(bmd_geo_write_points(ma, pts, 2) == BMD_OK);
    ENSURE(bmd_geo_write_points(mb, pts, 2) == BMD_OK);
    fclose(ma);
    fclose(mb);
    ENSURE(na == nb && memcmp(a, b, na) == 0);
    cJSON *pj = cJSON_Parse(a);
    ENSURE(pj && cJSON_GetArraySize(cJSON_GetObjectItem(pj, "features")) == 2);
    cJSON *pp = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(pj, "features"), 1),
                                    "properties");
    ENSURE(strcmp(cJSON_GetObjectItem(pp, "name")->valuestring, "Ankara") == 0);
    cJSON_Delete(pj);
    free(a);
    free(b);
    a = NULL;
    bmd_geo_line ln[] = {{"track", 3, lat, lon, NULL, 0}};
    ma = open_memstream(&a, &na);
    ENSURE(bmd_geo_write_lines(ma, ln, 1) == BMD_OK);
    fclose(ma);
    pj = cJSON_Parse(a);
    ENSURE(pj != NULL);
    cJSON_Delete(pj);
    free(a);
}

/* The member list: 26 members, each capital inside its own country's outline. */
static void test_nato(void)
{
    bmd_geo_members m;
    bmd_load_error err;
    bmd_status st = bmd_geo_members_load(NULL, &m, &err);
    if (st != BMD_OK)
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
    ENSURE(st == BMD_OK);
    ENSURE(m.n == 26);
    static const char *const want[] = {"ALB", "BEL", "BGR", "HRV", "CZE", "DNK", "EST", "FRA",
                                       "DEU", "GRC", "HUN", "ISL", "ITA", "LVA", "LTU", "LUX",
                                       "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
                                       "TUR", "GBR"};
    int n_in = 0;
    for (int k = 0; k < 26 && k < m.n; k++) {
        bool found = false;
        for (int q = 0; q < m.n; q++)
            found = found || strcmp(m.m[q].iso_a3, want[k]) == 0;
        ENSURE(found);
        ENSURE(m.m[k].joined_year <= 2011);
        ENSURE(m.m[k].capital_source[0] != '\0');
        const bmd_geo_country *c = countries() ? bmd_geo_countries_find(countries(), m.m[k].iso_a3)
                                               : NULL;
        ENSURE(c != NULL);
        if (!c)
            continue;
        /* Inside, or (a coastal capital that the 1:50m outline's smoothing of the coast leaves
         * in the sea) with land of its country within 0.1 degree (about 10 km). */
        double la = m.m[k].capital_lat_rad, lo = m.m[k].capital_lon_rad;
        bool in = bmd_geo_country_contains(c, la, lo);
        bool near = in;
        for (int q = 0; q < 8 && !near; q++)
            near = bmd_geo_country_contains(c, la + 0.1 * BMD_DEG * sin(q * BMD_PI / 4),
                                            lo + 0.1 * BMD_DEG * cos(q * BMD_PI / 4));
        if (!in)
            fprintf(stderr, "  %s (%s) is outside %s's outline%s\n", m.m[k].capital,
                    m.m[k].iso_a3, c->name, near ? ", land within 0.1 degree" : "");
        ENSURE(near);
        n_in += in;
    }
    ENSURE(n_in >= 24); /* Copenhagen and Lisbon fall just outside the 1:50m coast */
    /* The mask of the members at 0.1 degree: NATO Europe's land, about 4.7 million km^2 in
     * Natural Earth's units (the sum of the members' areas; Turkey's Asian part included). */
    const char **codes = bmd_geo_members_codes(&m);
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(27 * BMD_DEG, 81 * BMD_DEG, -32 * BMD_DEG, 45 * BMD_DEG,
                             0.1 * BMD_DEG, &g) == BMD_OK);
    uint8_t *mask = malloc(bmd_geo_grid_size(&g));
    ENSURE(bmd_geo_mask_members(countries(), codes, m.n, &g, mask, NULL, 0) == BMD_OK);
    double sum = 0.0;
    for (int k = 0; k < m.n; k++)
        sum += bmd_geo_country_area_m2(bmd_geo_countries_find(countries(), codes[k]));
    double area = bmd_geo_mask_area_m2(&g, mask);
    fprintf(stderr, "  NATO Europe: mask %.0f km^2, outlines %.0f km^2\n", area / 1e6, sum / 1e6);
    CHECK_REL(area, sum, 0.01);
    free(mask);
    free((void *)codes);
    bmd_geo_members_free(&m);
}

/* Bad files are refused with the file, the place and the field. */
static void test_errors(void)
{
    char path[] = "/tmp/test_geo_bad_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fputs("{\"type\":\"FeatureCollection\",\"source\":\"test\",\"features\":[\n"
          "{\"type\":\"Feature\",\"properties\":{\"name\":\"X\",\"iso_a3\":\"XXX\"},"
          "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,2]]]}}]}\n",
          fp);
    fclose(fp);
    bmd_geo_countries *c = NULL;
    bmd_load_error err;
    ENSURE(bmd_geo_countries_load(path, &c, &err) == BMD_ERR_PARSE);
    ENSURE(c == NULL);
    ENSURE(strstr(err.msg, "features[0].geometry.coordinates[0]") != NULL);
    ENSURE(strstr(err.msg, "not closed") != NULL);
    ENSURE(strcmp(err.file, path) == 0);
    fp = fopen(path, "w");
    fputs("{\"type\":\"FeatureCollection\",\n \"features\": [,]}\n", fp);
    fclose(fp);
    ENSURE(bmd_geo_countries_load(path, &c, &err) == BMD_ERR_PARSE);
    ENSURE(err.line == 2);
    fp = fopen(path, "w");
    fputs("source: x\nas_of: \"2011\"\nmembers:\n  - {iso_a3: POL, name: Poland, joined: 1999,\n"
          "     capital: {name: Warsaw, lat_deg: 152.2, lon_deg: 21.0, source: x}}\n", fp);
    fclose(fp);
    bmd_geo_members m;
    ENSURE(bmd_geo_members_load(path, &m, &err) == BMD_ERR_PARSE);
    ENSURE(err.line == 5);
    ENSURE(strstr(err.msg, "members[0].capital.lat_deg") != NULL);
    ENSURE(m.n == 0 && m.m == NULL);
    ENSURE(bmd_geo_countries_load("/nonexistent/x.geojson", &c, &err) == BMD_ERR_IO);
    unlink(path);
}

int main(void)
{
    RUN(test_grid);
    RUN(test_band_area);
    RUN(test_point_in_country);
    RUN(test_country_area);
    RUN(test_mask_members);
    RUN(test_outlines);
    RUN(test_geojson);
    RUN(test_nato);
    RUN(test_errors);
    bmd_geo_countries_free(world);
    return test_summary();
}
