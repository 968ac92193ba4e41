/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* test_plot.c: maps and x-y plots are written as PNG and SVG, are not blank, put land, sea,
 * rasters, rings and points where the projection says, and give the same bytes twice. */
#include <cairo.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmd/constants.h"
#include "bmd/geo.h"
#include "bmd/plot.h"
#include "test.h"

static char dir[64];

static const char *path_in(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *path, long *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    *len = ftell(fp);
    rewind(fp);
    char *b = malloc((size_t)*len + 1);
    if (b && fread(b, 1, (size_t)*len, fp) != (size_t)*len) {
        free(b);
        b = NULL;
    }
    if (b)
        b[*len] = '\0';
    fclose(fp);
    return b;
}

static bool same_file(const char *a, const char *b)
{
    long na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, (size_t)na) == 0;
    free(x);
    free(y);
    return same;
}

/* The colour (0xRRGGBB) of a PNG's pixel. */
static unsigned pixel(cairo_surface_t *s, double x, double y)
{
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int xi = (int)x, yi = (int)y;
    if (xi < 0 || yi < 0 || xi >= cairo_image_surface_get_width(s) ||
        yi >= cairo_image_surface_get_height(s))
        return 0xffffffffu;
    uint32_t v = *(const uint32_t *)(d + (size_t)yi * (size_t)stride + (size_t)xi * 4);
    return v & 0xffffffu;
}

static unsigned rgb(bmd_rgba c)
{
    return (unsigned)lround(c.r * 255) << 16 | (unsigned)lround(c.g * 255) << 8 |
           (unsigned)lround(c.b * 255);
}

static bool near_colour(unsigned a, unsigned b, int tol)
{
    for (int sh = 0; sh <= 16; sh += 8)
        if (abs((int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff)) > tol)
            return false;
    return true;
}

static void test_map(void)
{
    bmd_geo_countries *c = NULL;
    bmd_load_error err;
    ENSURE(bmd_geo_countries_load(NULL, &c, &err) == BMD_OK);
    if (!c)
        return;
    bmd_map_def def = bmd_map_default_def();
    def.title = "Test map: NATO Europe, December 2011";
    bmd_map *m = NULL;
    ENSURE(bmd_map_create(&def, &m) == BMD_OK);
    if (!m) {
        bmd_geo_countries_free(c);
        return;
    }
    const char *nato[] = {"POL", "FRA", "DEU", "TUR"};
    bmd_map_countries(m, c, nato, 4);
    /* A raster: class 1 over a box in Romania (the region around Deveselu), class 2 (drawn
     * transparent: nothing) elsewhere. */
    bmd_geo_grid g;
    ENSURE(bmd_geo_grid_make(43 * BMD_DEG, 47 * BMD_DEG, 22 * BMD_DEG, 28 * BMD_DEG,
                             0.5 * BMD_DEG, &g) == BMD_OK);
    uint8_t *cls = malloc(bmd_geo_grid_size(&g));
    for (size_t k = 0; k < bmd_geo_grid_size(&g); k++)
        cls[k] = 1;
    cls[0] = 0;
    bmd_rgba colours[2] = {{0, 0, 0, 0}, {0.0, 0.45, 0.70, 1.0}};
    const char *labels[2] = {NULL, "defended"};
    bmd_map_raster(m, &g, cls, 2, colours, labels);
    bmd_map_borders(m, c);
    /* A ground track Tabriz -> Bucharest, a 1000 km ring around Kurecik, capitals. */
    double lat[] = {38.08 * BMD_DEG, 41.0 * BMD_DEG, 44.43 * BMD_DEG};
    double lon[] = {46.29 * BMD_DEG, 36.0 * BMD_DEG, 26.10 * BMD_DEG};
    bmd_map_polyline(m, 3, lat, lon, bmd_plot_palette(6), 2.0, "Sejjil-2 track");
    bmd_rgba ring_col = {0.8, 0.0, 0.0, 1.0};
    bmd_map_ring(m, 38.3494 * BMD_DEG, 37.7936 * BMD_DEG, 1000e3, ring_col, 2.0, 0,
                 "TPY-2 1000 km");
    bmd_map_point(m, 48.857 * BMD_DEG, 2.352 * BMD_DEG, bmd_plot_palette(0), 3.0, "Paris");
    bmd_map_point(m, 39.93 * BMD_DEG, 32.86 * BMD_DEG, bmd_plot_palette(0), 3.0, "Ankara");
    bmd_map_legend(m, (bmd_rgba){0.89, 0.855, 0.765, 1}, "NATO member");

    ENSURE(bmd_map_write_png(m, path_in("map.png")) == BMD_OK);
    ENSURE(bmd_map_write_svg(m, path_in("map.svg")) == BMD_OK);
    ENSURE(bmd_map_write_png(m, path_in("map2.png")) == BMD_OK);
    ENSURE(bmd_map_write_svg(m, path_in("map2.svg")) == BMD_OK);
    ENSURE(file_size(path_in("map.png")) > 20000);
    ENSURE(file_size(path_in("map.svg")) > 20000);
    ENSURE(same_file(path_in("map.png"), path_in("map2.png")));
    ENSURE(same_file(path_in("map.svg"), path_in("map2.svg")));
    long n = 0;
    char *svg = slurp(path_in("map.svg"), &n);
    ENSURE(svg && strstr(svg, "<svg") && strstr(svg, "</svg>"));
    free(svg);
    ENSURE(bmd_map_write_png(m, "/nonexistent-dir/map.png") == BMD_ERR_IO);
    ENSURE(bmd_map_write_svg(m, "/nonexistent-dir/map.svg") == BMD_ERR_IO);

    /* Read the PNG back: pixels where the projection puts them. */
    cairo_surface_t *s = cairo_image_surface_create_from_png(path_in("map.png"));
    ENSURE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    int w = 0, h = 0;
    bmd_map_size(m, &w, &h);
    ENSURE(cairo_image_surface_get_width(s) == w && cairo_image_surface_get_height(s) == h);
    double x, y;
    /* Central France (Bourges, 47.08 N 2.40 E): the highlight colour; the Bay of Biscay
     * (45.5 N, 4 W): the sea; Bavaria is highlighted; Belarus (53.5 N, 28 E) is plain land. */
    bmd_map_project(m, 47.08 * BMD_DEG, 2.40 * BMD_DEG, &x, &y);
    unsigned land = pixel(s, x, y);
    bmd_map_project(m, 45.5 * BMD_DEG, -4.0 * BMD_DEG, &x, &y);
    unsigned sea = pixel(s, x, y);
    bmd_map_project(m, 53.5 * BMD_DEG, 28.0 * BMD_DEG, &x, &y);
    unsigned other = pixel(s, x, y);
    fprintf(stderr, "  land %06x sea %06x other %06x\n", land, sea, other);
    ENSURE(land != sea && other != sea && land != other);
    ENSURE(near_colour(land, 0xe3dac3, 3));    /* the highlight fill */
    ENSURE(near_colour(sea, 0xdae9f6, 3));     /* the sea */
    /* Inside the raster box (45.2 N, 25.2 E, central Romania): the class colour. */
    bmd_map_project(m, 45.2 * BMD_DEG, 25.2 * BMD_DEG, &x, &y);
    ENSURE(near_colour(pixel(s, x, y), rgb(colours[1]), 3));
    /* The first cell (class 0, not drawn) is not the class colour. */
    bmd_map_project(m, 43.25 * BMD_DEG, 22.25 * BMD_DEG, &x, &y);
    ENSURE(!near_colour(pixel(s, x, y), rgb(colours[1]), 20));
    /* The ring passes due north of Kurecik at 1000 km (about 8.99 degrees of latitude on the
     * ellipsoid: 1000 km over a meridian arc of 111.1 km a degree there): a red pixel within
     * 2 px of that point. */
    bmd_map_project(m, (38.3494 + 8.995) * BMD_DEG, 37.7936 * BMD_DEG, &x, &y);
    bool red = false;
    for (int dy = -2; dy <= 2; dy++)
        red = red || near_colour(pixel(s, x, y + dy), 0xcc0000, 40);
    ENSURE(red);
    /* The title's row has dark pixels; a blank image has none. */
    int dark = 0;
    for (int xi = 0; xi < w; xi++)
        for (int yi = 10; yi < 36; yi++)
            dark += ((pixel(s, xi, yi) >> 16) & 0xff) < 100;
    ENSURE(dark > 50);
    cairo_surface_destroy(s);

    bmd_map_destroy(m);
    bmd_geo_countries_free(c);
    free(cls);

    /* Bad definitions. */
    bmd_map_def bad = bmd_map_default_def();
    bad.lat_max_rad = bad.lat_min_rad;
    ENSURE(bmd_map_create(&bad, &m) == BMD_ERR_ARG && m == NULL);
    bad = bmd_map_default_def();
    bad.width_px = 10;
    ENSURE(bmd_map_create(&bad, &m) == BMD_ERR_ARG);
    bad = bmd_map_default_def();
    bad.lon_min_rad = NAN;
    ENSURE(bmd_map_create(&bad, &m) == BMD_ERR_ARG);
}

/* An x-y plot: a parabola-like trajectory profile (altitude against range). */
static void test_xy(void)
{
    bmd_xy_plot *p = NULL;
    ENSURE(bmd_xy_create("Trajectories", "range_km", "altitude_km", 900, 600, &p) == BMD_OK);
    if (!p)
        return;
    enum { N = 101 };
    double x[N], y1[N], y2[N];
    for (int k = 0; k < N; k++) {
        x[k] = 20.0 * k;                            /* 0..2000 km */
        y1[k] = 400.0 * (1.0 - pow((x[k] - 1000.0) / 1000.0, 2));
        y2[k] = k == 50 ? (double)NAN : 0.5 * y1[k]; /* a gap */
    }
    ENSURE(bmd_xy_series(p, N, x, y1, bmd_plot_palette(5), 2.0, "lofted") == BMD_OK);
    ENSURE(bmd_xy_series(p, N, x, y2, bmd_plot_palette(6), 2.0, "depressed") == BMD_OK);
    ENSURE(bmd_xy_write_png(p, path_in("xy.png")) == BMD_OK);
    ENSURE(bmd_xy_write_svg(p, path_in("xy.svg")) == BMD_OK);
    ENSURE(bmd_xy_write_png(p, path_in("xy2.png")) == BMD_OK);
    ENSURE(bmd_xy_write_svg(p, path_in("xy2.svg")) == BMD_OK);
    ENSURE(same_file(path_in("xy.png"), path_in("xy2.png")));
    ENSURE(same_file(path_in("xy.svg"), path_in("xy2.svg")));
    ENSURE(file_size(path_in("xy.png")) > 5000);
    ENSURE(file_size(path_in("xy.svg")) > 5000);
    /* At 500 km the first series is at 300 km and the second at 150 km; the axes run 0..2000
     * and 0..400 (whole ticks) over the plot area 72..880 by 40..548 px: each curve's colour is
     * within 2 px of where it must be, and not at the other's place. */
    cairo_surface_t *s = cairo_image_surface_create_from_png(path_in("xy.png"));
    ENSURE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    double px = 72.0 + 0.25 * (900 - 72 - 20);
    double py1 = 40.0 + (600 - 40 - 52) * (1.0 - 300.0 / 400.0);
    double py2 = 40.0 + (600 - 40 - 52) * (1.0 - 150.0 / 400.0);
    bool found1 = false, found2 = false, wrong = false;
    for (int dy = -2; dy <= 2; dy++) {
        found1 = found1 || near_colour(pixel(s, px, py1 + dy), rgb(bmd_plot_palette(5)), 40);
        found2 = found2 || near_colour(pixel(s, px, py2 + dy), rgb(bmd_plot_palette(6)), 40);
        wrong = wrong || near_colour(pixel(s, px, py1 + dy), rgb(bmd_plot_palette(6)), 40);
    }
    ENSURE(found1 && found2 && !wrong);
    cairo_surface_destroy(s);
    ENSURE(bmd_xy_write_svg(p, "/nonexistent-dir/xy.svg") == BMD_ERR_IO);
    bmd_xy_destroy(p);
    ENSURE(bmd_xy_create(NULL, NULL, NULL, 10, 600, &p) == BMD_ERR_ARG);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_plot_XXXXXX");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot make a temporary directory\n");
        return 1;
    }
    RUN(test_map);
    RUN(test_xy);
    const char *keep = getenv("BMD_KEEP_PLOTS");
    if (!keep || !*keep) {
        const char *names[] = {"map.png", "map.svg", "map2.png", "map2.svg", "xy.png", "xy.svg",
                               "xy2.png", "xy2.svg"};
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            unlink(path_in(names[k]));
        rmdir(dir);
    } else {
        fprintf(stderr, "plots kept in %s\n", dir);
    }
    bmd_plot_cleanup();
    return test_summary();
}
