/* SPDX-License-Identifier: MIT */
/* plot.c: maps and x-y plots drawn with Cairo, written as PNG and SVG through streams (so a
 * failed write is seen). A map records its drawing as a display list in pixel coordinates and
 * replays it onto each output surface; the frame (graticule, labels, title, legend, attribution)
 * is drawn at replay, over the content. Projection: equirectangular, east-west scale
 * cos(mid-latitude) times the north-south one. Colours of the map's base layers are notional
 * (chosen for print and screen). */
#include "bmd/plot.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "bmd/earth.h"

#define RAD2DEG (180.0 / BMD_PI)

static const bmd_rgba col_sea = {0.855, 0.914, 0.965, 1.0};
static const bmd_rgba col_land = {0.961, 0.949, 0.922, 1.0};
static const bmd_rgba col_highlight = {0.890, 0.855, 0.765, 1.0};
static const bmd_rgba col_border = {0.45, 0.45, 0.45, 1.0};
static const bmd_rgba col_grid = {0.35, 0.35, 0.45, 0.35};
static const bmd_rgba col_text = {0.1, 0.1, 0.1, 1.0};
static const bmd_rgba col_none = {0.0, 0.0, 0.0, 0.0};

bmd_rgba bmd_plot_palette(int k)
{
    static const bmd_rgba okabe_ito[8] = {
        {0.0, 0.0, 0.0, 1.0},          /* black */
        {0.902, 0.624, 0.0, 1.0},      /* orange #E69F00 */
        {0.337, 0.706, 0.914, 1.0},    /* sky blue #56B4E9 */
        {0.0, 0.620, 0.451, 1.0},      /* bluish green #009E73 */
        {0.941, 0.894, 0.259, 1.0},    /* yellow #F0E442 */
        {0.0, 0.447, 0.698, 1.0},      /* blue #0072B2 */
        {0.835, 0.369, 0.0, 1.0},      /* vermillion #D55E00 */
        {0.800, 0.475, 0.655, 1.0},    /* reddish purple #CC79A7 */
    };
    int i = k % 8;
    if (i < 0)
        i += 8;
    return okabe_ito[i];
}

void bmd_plot_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

/* ---------------------------------------------------------------------------------------------
 * Output through streams */

typedef struct sink {
    FILE *fp;
    bool failed;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (fwrite(data, 1, length, s->fp) != length) {
        s->failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

typedef void (*render_fn)(const void *obj, cairo_t *cr);

static bmd_status write_png(const void *obj, render_fn render, int w, int h, const char *path)
{
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return BMD_ERR_NOMEM;
    }
    cairo_t *cr = cairo_create(surf);
    render(obj, cr);
    bool ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    FILE *fp = ok ? fopen(path, "wb") : NULL;
    if (!fp) {
        cairo_surface_destroy(surf);
        return ok ? BMD_ERR_IO : BMD_ERR_NOMEM;
    }
    sink s = {fp, false};
    cairo_status_t cs = cairo_surface_write_to_png_stream(surf, sink_write, &s);
    cairo_surface_destroy(surf);
    bool closed = fclose(fp) == 0;
    return cs == CAIRO_STATUS_SUCCESS && !s.failed && closed ? BMD_OK : BMD_ERR_IO;
}

/* The SVG is collected in memory first: Cairo names the document's top group after the
 * surface's process-wide serial number (<g id="surfaceN">, referenced nowhere), which would make
 * two writes of the same map differ; it is renamed "surface1". */
typedef struct membuf {
    unsigned char *d;
    size_t n, cap;
    bool failed;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int length)
{
    membuf *b = closure;
    if (b->n + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + length)
            cap *= 2;
        unsigned char *nd = realloc(b->d, cap);
        if (!nd) {
            b->failed = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->d = nd;
        b->cap = cap;
    }
    memcpy(b->d + b->n, data, length);
    b->n += length;
    return CAIRO_STATUS_SUCCESS;
}

static void rename_top_group(membuf *b)
{
    static const char key[] = "<g id=\"surface";
    const size_t kl = sizeof key - 1;
    for (size_t i = 0; i + kl < b->n; i++) {
        if (memcmp(b->d + i, key, kl) != 0)
            continue;
        size_t j = i + kl;
        while (j < b->n && b->d[j] >= '0' && b->d[j] <= '9')
            j++;
        if (j == i + kl || j >= b->n || b->d[j] != '"')
            return;
        /* Replace the digits by "1". */
        b->d[i + kl] = '1';
        memmove(b->d + i + kl + 1, b->d + j, b->n - j);
        b->n -= j - (i + kl + 1);
        return;
    }
}

static bmd_status write_svg(const void *obj, render_fn render, int w, int h, const char *path)
{
    membuf b = {NULL, 0, 0, false};
    cairo_surface_t *surf = cairo_svg_surface_create_for_stream(membuf_write, &b, w, h);
    cairo_svg_surface_restrict_to_version(surf, CAIRO_SVG_VERSION_1_1);
    cairo_t *cr = cairo_create(surf);
    render(obj, cr);
    bool ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    ok = ok && cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surf);
    if (!ok || b.failed) {
        free(b.d);
        return BMD_ERR_NOMEM;
    }
    rename_top_group(&b);
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        free(b.d);
        return BMD_ERR_IO;
    }
    bool written = fwrite(b.d, 1, b.n, fp) == b.n;
    bool closed = fclose(fp) == 0;
    free(b.d);
    return written && closed ? BMD_OK : BMD_ERR_IO;
}

/* ---------------------------------------------------------------------------------------------
 * Drawing helpers */

static void set_rgba(cairo_t *cr, bmd_rgba c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

enum { ANCHOR_LEFT = 0, ANCHOR_CENTRE = 1, ANCHOR_RIGHT = 2 };

/* Text with its baseline's anchor point at (x, y); halo: a white outline under it. */
static void draw_text(cairo_t *cr, const char *text, double x, double y, double size, bool bold,
                      int anchor, bool halo, bmd_rgba colour)
{
    if (!text || !*text)
        return;
    cairo_save(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    double x0 = x;
    if (anchor == ANCHOR_CENTRE)
        x0 = x - 0.5 * ext.x_advance;
    else if (anchor == ANCHOR_RIGHT)
        x0 = x - ext.x_advance;
    cairo_move_to(cr, x0, y);
    if (halo) {
        cairo_text_path(cr, text);
        cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.85);
        cairo_set_line_width(cr, 3.0);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke_preserve(cr);
        set_rgba(cr, colour);
        cairo_fill(cr);
    } else {
        set_rgba(cr, colour);
        cairo_show_text(cr, text);
    }
    cairo_restore(cr);
}

static double text_width(cairo_t *cr, const char *text, double size)
{
    cairo_save(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    cairo_restore(cr);
    return ext.x_advance;
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* A legend: entries drawn as a filled swatch, a line or a dot, then the label. */
enum { LEG_SWATCH = 0, LEG_LINE = 1, LEG_DOT = 2 };

typedef struct legend_entry {
    int kind;
    bmd_rgba colour;
    double width;
    int dashed;
    char *label;
} legend_entry;

typedef struct legend {
    int n, cap;
    legend_entry *e;
} legend;

static bool legend_add(legend *l, int kind, bmd_rgba colour, double width, int dashed,
                       const char *label)
{
    if (!label || !*label)
        return true;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 8;
        legend_entry *ne = realloc(l->e, sizeof *ne * (size_t)cap);
        if (!ne)
            return false;
        l->e = ne;
        l->cap = cap;
    }
    legend_entry *e = &l->e[l->n];
    e->kind = kind;
    e->colour = colour;
    e->width = width;
    e->dashed = dashed;
    e->label = dup_str(label);
    if (!e->label)
        return false;
    l->n++;
    return true;
}

static void legend_free(legend *l)
{
    for (int k = 0; k < l->n; k++)
        free(l->e[k].label);
    free(l->e);
    memset(l, 0, sizeof *l);
}

static void set_dash(cairo_t *cr, int dashed, double width)
{
    if (dashed) {
        double d[2] = {4.0 * width + 2.0, 2.0 * width + 2.0};
        cairo_set_dash(cr, d, 2, 0.0);
    } else {
        cairo_set_dash(cr, NULL, 0, 0.0);
    }
}

/* The legend box in the top-right corner of the area (x0, y0)-(x1, y1). */
static void draw_legend(cairo_t *cr, const legend *l, double x1, double y0)
{
    if (l->n == 0)
        return;
    const double size = 11.0, row = 16.0, pad = 6.0, sw = 22.0;
    double wmax = 0.0;
    for (int k = 0; k < l->n; k++)
        wmax = fmax(wmax, text_width(cr, l->e[k].label, size));
    double bw = pad + sw + 6.0 + wmax + pad;
    double bh = pad + row * l->n + pad - 4.0;
    double bx = x1 - 8.0 - bw, by = y0 + 8.0;
    cairo_save(cr);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.88);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0.4, 0.4, 0.4, 1.0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    for (int k = 0; k < l->n; k++) {
        const legend_entry *e = &l->e[k];
        double cy = by + pad + row * k + row * 0.5 - 2.0;
        double sx = bx + pad;
        switch (e->kind) {
        case LEG_SWATCH:
            cairo_rectangle(cr, sx, cy - 5.0, sw, 10.0);
            set_rgba(cr, e->colour);
            cairo_fill_preserve(cr);
            cairo_set_source_rgba(cr, 0.4, 0.4, 0.4, 1.0);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
            break;
        case LEG_LINE:
            cairo_move_to(cr, sx, cy);
            cairo_line_to(cr, sx + sw, cy);
            set_rgba(cr, e->colour);
            cairo_set_line_width(cr, e->width);
            set_dash(cr, e->dashed, e->width);
            cairo_stroke(cr);
            set_dash(cr, 0, 0.0);
            break;
        default:
            cairo_arc(cr, sx + 0.5 * sw, cy, 4.0, 0.0, 2.0 * BMD_PI);
            set_rgba(cr, e->colour);
            cairo_fill(cr);
            break;
        }
        draw_text(cr, e->label, sx + sw + 6.0, cy + 4.0, size, false, ANCHOR_LEFT, false,
                  col_text);
    }
    cairo_restore(cr);
}

/* A round step (1, 2 or 5 times a power of ten) giving about n intervals over span. */
static double nice_step(double span, int n)
{
    if (!(span > 0.0) || !isfinite(span))
        return 1.0;
    double raw = span / n;
    double p = pow(10.0, floor(log10(raw)));
    double f = raw / p;
    double m = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
    return m * p;
}

/* A tick value with as many decimals as the step needs. */
static void format_tick(char *buf, size_t size, double v, double step)
{
    int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 10)
        dec = 10;
    double r = v;
    if (fabs(r) < 0.5 * step * 1e-6)
        r = 0.0;
    snprintf(buf, size, "%.*f", dec, r);
    if (strcmp(buf, "-0") == 0 || (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)))
        memmove(buf, buf + 1, strlen(buf));
}

/* ---------------------------------------------------------------------------------------------
 * Maps */

enum { OP_PATH = 0, OP_DOT = 1, OP_LABEL = 2 };

typedef struct op {
    int kind;
    bmd_rgba fill, stroke;
    double width;
    int dashed;
    bool closed;
    int n_rings;
    int *ring_start;   /* n_rings + 1 offsets */
    double *x, *y;     /* pixels */
    double cx, cy, r;  /* dot centre and radius, label anchor */
    char *text;
} op;

struct bmd_map {
    bmd_map_def def;
    char *title;
    char *attribution;
    int width, height;
    double left, top, plot_w, plot_h;   /* the plot area in pixels */
    double kx, ky;                      /* pixels per radian of longitude and latitude */
    double lon_mid;
    int n_ops, cap_ops;
    op *ops;
    legend leg;
    bool nomem;
};

bmd_map_def bmd_map_default_def(void)
{
    bmd_map_def d;
    memset(&d, 0, sizeof d);
    d.lat_min_rad = 30.0 * BMD_DEG;
    d.lat_max_rad = 72.0 * BMD_DEG;
    d.lon_min_rad = -25.0 * BMD_DEG;
    d.lon_max_rad = 60.0 * BMD_DEG;
    d.width_px = 1200;
    d.title = NULL;
    d.graticule_step_rad = 0.0;
    d.attribution = NULL;
    return d;
}

bmd_status bmd_map_create(const bmd_map_def *def, bmd_map **out)
{
    if (!out)
        return BMD_ERR_ARG;
    *out = NULL;
    if (!def)
        return BMD_ERR_ARG;
    const double lim = 85.0 * BMD_DEG;
    if (!isfinite(def->lat_min_rad) || !isfinite(def->lat_max_rad) ||
        !isfinite(def->lon_min_rad) || !isfinite(def->lon_max_rad) ||
        def->lat_min_rad >= def->lat_max_rad || def->lon_min_rad >= def->lon_max_rad ||
        def->lat_min_rad < -lim || def->lat_max_rad > lim ||
        def->lon_max_rad - def->lon_min_rad > 2.0 * BMD_PI + 1e-12 || def->width_px < 200 ||
        def->width_px > 10000 || !isfinite(def->graticule_step_rad) ||
        def->graticule_step_rad < 0.0)
        return BMD_ERR_ARG;
    bmd_map *m = calloc(1, sizeof *m);
    if (!m)
        return BMD_ERR_NOMEM;
    m->def = *def;
    m->title = dup_str(def->title);
    m->attribution = dup_str(def->attribution ? def->attribution
                                              : "Countries: Natural Earth 1:50m (public domain)");
    m->def.title = m->title;
    m->def.attribution = m->attribution;
    double mid = 0.5 * (def->lat_min_rad + def->lat_max_rad);
    m->left = 52.0;
    m->top = def->title ? 40.0 : 14.0;
    double right = 16.0, bottom = 40.0;
    m->width = def->width_px;
    m->plot_w = m->width - m->left - right;
    m->kx = m->plot_w / (def->lon_max_rad - def->lon_min_rad);
    m->ky = m->kx / cos(mid);
    m->plot_h = (def->lat_max_rad - def->lat_min_rad) * m->ky;
    double h = ceil(m->top + m->plot_h + bottom);
    m->lon_mid = 0.5 * (def->lon_min_rad + def->lon_max_rad);
    if (!m->attribution || (def->title && !m->title) || h > 20000.0) {
        bmd_status st = h > 20000.0 ? BMD_ERR_ARG : BMD_ERR_NOMEM;
        bmd_map_destroy(m);
        return st;
    }
    m->height = (int)h;
    *out = m;
    return BMD_OK;
}

static void op_free(op *o)
{
    free(o->ring_start);
    free(o->x);
    free(o->y);
    free(o->text);
}

void bmd_map_destroy(bmd_map *m)
{
    if (!m)
        return;
    for (int k = 0; k < m->n_ops; k++)
        op_free(&m->ops[k]);
    free(m->ops);
    legend_free(&m->leg);
    free(m->title);
    free(m->attribution);
    free(m);
}

void bmd_map_size(const bmd_map *m, int *width_px, int *height_px)
{
    if (width_px)
        *width_px = m->width;
    if (height_px)
        *height_px = m->height;
}

static double wrap_near(double lon, double centre)
{
    double d = fmod(lon - centre + BMD_PI, 2.0 * BMD_PI);
    if (d < 0.0)
        d += 2.0 * BMD_PI;
    return centre + d - BMD_PI;
}

/* Projection without wrapping (countries, grids: their longitudes are used as they are). */
static void proj_raw(const bmd_map *m, double lat, double lon, double *x, double *y)
{
    *x = m->left + (lon - m->def.lon_min_rad) * m->kx;
    *y = m->top + (m->def.lat_max_rad - lat) * m->ky;
}

void bmd_map_project(const bmd_map *m, double lat_rad, double lon_rad, double *x_px,
                     double *y_px)
{
    proj_raw(m, lat_rad, wrap_near(lon_rad, m->lon_mid), x_px, y_px);
}

static op *op_new(bmd_map *m, int kind)
{
    if (m->nomem)
        return NULL;
    if (m->n_ops == m->cap_ops) {
        int cap = m->cap_ops ? 2 * m->cap_ops : 64;
        op *no = realloc(m->ops, sizeof *no * (size_t)cap);
        if (!no) {
            m->nomem = true;
            return NULL;
        }
        m->ops = no;
        m->cap_ops = cap;
    }
    op *o = &m->ops[m->n_ops++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    return o;
}

/* A path op with room for n_rings rings and n points. */
static op *path_new(bmd_map *m, int n_rings, int n)
{
    op *o = op_new(m, OP_PATH);
    if (!o)
        return NULL;
    o->ring_start = malloc(sizeof *o->ring_start * (size_t)(n_rings + 1));
    o->x = malloc(sizeof *o->x * (size_t)(n > 0 ? n : 1));
    o->y = malloc(sizeof *o->y * (size_t)(n > 0 ? n : 1));
    if (!o->ring_start || !o->x || !o->y) {
        op_free(o);
        m->n_ops--;
        m->nomem = true;
        return NULL;
    }
    o->n_rings = n_rings;
    o->ring_start[0] = 0;
    return o;
}

/* A country's rings in pixels, points closer than 0.3 px to the last one kept dropped (the
 * drawing is the same at this scale and the SVG several times smaller); rings left with fewer
 * than 3 points are dropped. */
static void country_path(bmd_map *m, const bmd_geo_country *c, bmd_rgba fill, bmd_rgba stroke,
                         double width)
{
    int n = c->ring_start[c->n_rings];
    op *o = path_new(m, c->n_rings, n);
    if (!o)
        return;
    int kept = 0, rings = 0;
    for (int r = 0; r < c->n_rings; r++) {
        int start = kept;
        for (int k = c->ring_start[r]; k < c->ring_start[r + 1]; k++) {
            double x, y;
            proj_raw(m, c->lat_rad[k], c->lon_rad[k], &x, &y);
            bool last = k + 1 == c->ring_start[r + 1];
            if (kept > start && !last && hypot(x - o->x[kept - 1], y - o->y[kept - 1]) < 0.3)
                continue;
            o->x[kept] = x;
            o->y[kept] = y;
            kept++;
        }
        if (kept - start < 4) {
            kept = start;
            continue;
        }
        o->ring_start[rings] = start;
        o->ring_start[++rings] = kept;
    }
    o->n_rings = rings;
    o->fill = fill;
    o->stroke = stroke;
    o->width = width;
    o->closed = true;
}

static bool box_meets(const bmd_map *m, const bmd_geo_country *c)
{
    return c->lat_max_rad >= m->def.lat_min_rad && c->lat_min_rad <= m->def.lat_max_rad &&
           c->lon_max_rad >= m->def.lon_min_rad && c->lon_min_rad <= m->def.lon_max_rad;
}

void bmd_map_countries(bmd_map *m, const bmd_geo_countries *c, const char *const *highlight,
                       int n_highlight)
{
    if (!m || !c)
        return;
    for (int k = 0; k < c->n; k++) {
        const bmd_geo_country *ct = &c->c[k];
        if (!box_meets(m, ct))
            continue;
        bool hl = false;
        for (int q = 0; highlight && q < n_highlight; q++)
            hl = hl || (highlight[q] && strcmp(highlight[q], ct->iso_a3) == 0);
        country_path(m, ct, hl ? col_highlight : col_land, col_border, 0.5);
    }
}

void bmd_map_borders(bmd_map *m, const bmd_geo_countries *c)
{
    if (!m || !c)
        return;
    for (int k = 0; k < c->n; k++)
        if (box_meets(m, &c->c[k]))
            country_path(m, &c->c[k], col_none, col_border, 0.5);
}

void bmd_map_raster(bmd_map *m, const bmd_geo_grid *g, const uint8_t *classes, int n_classes,
                    const bmd_rgba *colours, const char *const *labels)
{
    if (!m || !g || !classes || !colours || n_classes <= 0 || n_classes > 256)
        return;
    size_t n = bmd_geo_grid_size(g);
    uint8_t *mask = malloc(n > 0 ? n : 1);
    if (!mask) {
        m->nomem = true;
        return;
    }
    for (int k = 0; k < n_classes; k++) {
        if (colours[k].a <= 0.0)
            continue;
        for (size_t q = 0; q < n; q++)
            mask[q] = classes[q] == k;
        bmd_geo_polygons p;
        if (bmd_geo_mask_polygons(g, mask, &p) != BMD_OK) {
            m->nomem = true;
            break;
        }
        int n_rings = 0;
        for (int c = 0; c < p.n; c++)
            n_rings += p.p[c].n_rings;
        if (n_rings > 0) {
            op *o = path_new(m, n_rings, p.n_points);
            if (o) {
                int r_out = 0;
                for (int c = 0; c < p.n; c++) {
                    for (int r = 0; r < p.p[c].n_rings; r++) {
                        o->ring_start[r_out] = p.p[c].ring_start[r];
                        o->ring_start[++r_out] = p.p[c].ring_start[r + 1];
                    }
                }
                for (int q = 0; q < p.n_points; q++)
                    proj_raw(m, p.lat_deg[q] * BMD_DEG, p.lon_deg[q] * BMD_DEG, &o->x[q], &o->y[q]);
                o->fill = colours[k];
                o->stroke = col_none;
                o->closed = true;
            }
        }
        bmd_geo_polygons_free(&p);
        if (labels && !legend_add(&m->leg, LEG_SWATCH, colours[k], 0.0, 0, labels[k]))
            m->nomem = true;
    }
    free(mask);
}

void bmd_map_polyline(bmd_map *m, int n, const double *lat_rad, const double *lon_rad,
                      bmd_rgba colour, double width_px, const char *label)
{
    if (!m || n < 2 || !lat_rad || !lon_rad)
        return;
    op *o = path_new(m, 1, n);
    if (!o)
        return;
    double prev = m->lon_mid;
    int k2 = 0;
    for (int k = 0; k < n; k++) {
        if (!isfinite(lat_rad[k]) || !isfinite(lon_rad[k]))
            continue;
        double lon = wrap_near(lon_rad[k], prev);
        prev = lon;
        proj_raw(m, lat_rad[k], lon, &o->x[k2], &o->y[k2]);
        k2++;
    }
    o->ring_start[1] = k2;
    o->fill = col_none;
    o->stroke = colour;
    o->width = width_px;
    o->closed = false;
    if (!legend_add(&m->leg, LEG_LINE, colour, width_px, 0, label))
        m->nomem = true;
}

void bmd_map_point(bmd_map *m, double lat_rad, double lon_rad, bmd_rgba colour,
                   double radius_px, const char *name)
{
    if (!m || !isfinite(lat_rad) || !isfinite(lon_rad))
        return;
    op *o = op_new(m, OP_DOT);
    if (!o)
        return;
    bmd_map_project(m, lat_rad, lon_rad, &o->cx, &o->cy);
    o->r = radius_px > 0.0 ? radius_px : 3.0;
    o->fill = colour;
    o->stroke = (bmd_rgba){1.0, 1.0, 1.0, 1.0};
    o->width = 1.0;
    if (name && *name) {
        o->text = dup_str(name);
        if (!o->text)
            m->nomem = true;
    }
}

void bmd_map_ring(bmd_map *m, double lat_rad, double lon_rad, double radius_m, bmd_rgba colour,
                  double width_px, int dashed, const char *label)
{
    if (!m || !isfinite(lat_rad) || !isfinite(lon_rad) || !(radius_m > 0.0) ||
        !isfinite(radius_m))
        return;
    const int n = 180;
    op *o = path_new(m, 1, n);
    if (!o)
        return;
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    double prev = wrap_near(lon_rad, m->lon_mid);
    int k2 = 0;
    for (int k = 0; k < n; k++) {
        double lat2 = 0.0, lon2 = 0.0;
        if (bmd_geodesic_direct(&e, lat_rad, lon_rad, k * (2.0 * BMD_PI / n), radius_m, &lat2,
                                &lon2) != BMD_OK)
            continue;
        double lon = wrap_near(lon2, prev);
        prev = lon;
        proj_raw(m, lat2, lon, &o->x[k2], &o->y[k2]);
        k2++;
    }
    o->ring_start[1] = k2;
    o->fill = col_none;
    o->stroke = colour;
    o->width = width_px;
    o->dashed = dashed;
    o->closed = true;
    if (!legend_add(&m->leg, LEG_LINE, colour, width_px, dashed, label))
        m->nomem = true;
}

void bmd_map_legend(bmd_map *m, bmd_rgba colour, const char *label)
{
    if (m && !legend_add(&m->leg, LEG_SWATCH, colour, 0.0, 0, label))
        m->nomem = true;
}

static void draw_path(cairo_t *cr, const op *o)
{
    cairo_new_path(cr);
    for (int r = 0; r < o->n_rings; r++) {
        int s = o->ring_start[r], e = o->ring_start[r + 1];
        if (e - s < 2)
            continue;
        cairo_move_to(cr, o->x[s], o->y[s]);
        for (int k = s + 1; k < e; k++)
            cairo_line_to(cr, o->x[k], o->y[k]);
        if (o->closed)
            cairo_close_path(cr);
    }
    if (o->fill.a > 0.0) {
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        set_rgba(cr, o->fill);
        if (o->stroke.a > 0.0)
            cairo_fill_preserve(cr);
        else
            cairo_fill(cr);
    }
    if (o->stroke.a > 0.0 && o->width > 0.0) {
        set_rgba(cr, o->stroke);
        cairo_set_line_width(cr, o->width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        set_dash(cr, o->dashed, o->width);
        cairo_stroke(cr);
        set_dash(cr, 0, 0.0);
    }
    cairo_new_path(cr);
}

/* Graticule spacing: the first of 1, 2, 5, 10, 15, 20, 30 degrees giving at most 10 lines. */
static double graticule_step(const bmd_map *m)
{
    if (m->def.graticule_step_rad > 0.0)
        return m->def.graticule_step_rad;
    static const double steps[] = {1, 2, 5, 10, 15, 20, 30};
    double span = fmax(m->def.lon_max_rad - m->def.lon_min_rad,
                       m->def.lat_max_rad - m->def.lat_min_rad) * RAD2DEG;
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if (span / steps[k] <= 10.0)
            return steps[k] * BMD_DEG;
    return 30.0 * BMD_DEG;
}

static void degree_label(char *buf, size_t size, double deg, bool lat)
{
    double a = fabs(deg);
    const char *h = lat ? (deg > 0 ? "N" : deg < 0 ? "S" : "") : (deg > 0 ? "E" : deg < 0 ? "W" : "");
    if (fabs(a - round(a)) < 1e-9)
        snprintf(buf, size, "%.0f\u00b0%s", a, h);
    else
        snprintf(buf, size, "%.1f\u00b0%s", a, h);
}

static void map_render(const void *obj, cairo_t *cr)
{
    const bmd_map *m = obj;
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    const double x0 = m->left, y0 = m->top, x1 = m->left + m->plot_w, y1 = m->top + m->plot_h;
    /* Content, clipped to the plot area. */
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, m->plot_w, m->plot_h);
    cairo_clip(cr);
    set_rgba(cr, col_sea);
    cairo_paint(cr);
    for (int k = 0; k < m->n_ops; k++) {
        const op *o = &m->ops[k];
        if (o->kind == OP_PATH)
            draw_path(cr, o);
    }
    /* The graticule, over the content. */
    double step = graticule_step(m);
    cairo_set_line_width(cr, 0.6);
    set_rgba(cr, col_grid);
    double lat_first = ceil(m->def.lat_min_rad / step - 1e-9) * step;
    double lon_first = ceil(m->def.lon_min_rad / step - 1e-9) * step;
    for (double lat = lat_first; lat <= m->def.lat_max_rad + 1e-12; lat += step) {
        double x, y;
        proj_raw(m, lat, m->def.lon_min_rad, &x, &y);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
    }
    for (double lon = lon_first; lon <= m->def.lon_max_rad + 1e-12; lon += step) {
        double x, y;
        proj_raw(m, m->def.lat_min_rad, lon, &x, &y);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
    }
    cairo_stroke(cr);
    /* Points and their names last, so nothing covers them. */
    for (int k = 0; k < m->n_ops; k++) {
        const op *o = &m->ops[k];
        if (o->kind != OP_DOT)
            continue;
        cairo_new_path(cr);
        cairo_arc(cr, o->cx, o->cy, o->r, 0.0, 2.0 * BMD_PI);
        set_rgba(cr, o->fill);
        cairo_fill_preserve(cr);
        set_rgba(cr, o->stroke);
        cairo_set_line_width(cr, o->width);
        cairo_stroke(cr);
    }
    for (int k = 0; k < m->n_ops; k++) {
        const op *o = &m->ops[k];
        if (o->kind == OP_DOT && o->text)
            draw_text(cr, o->text, o->cx + o->r + 3.0, o->cy + 4.0, 11.0, false, ANCHOR_LEFT,
                      true, col_text);
    }
    draw_legend(cr, &m->leg, x1, y0);
    cairo_restore(cr);
    /* Frame, degree labels, title, attribution. */
    cairo_rectangle(cr, x0, y0, m->plot_w, m->plot_h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    char buf[32];
    for (double lat = lat_first; lat <= m->def.lat_max_rad + 1e-12; lat += step) {
        double x, y;
        proj_raw(m, lat, m->def.lon_min_rad, &x, &y);
        degree_label(buf, sizeof buf, lat * RAD2DEG, true);
        draw_text(cr, buf, x0 - 4.0, y + 4.0, 10.0, false, ANCHOR_RIGHT, false, col_text);
    }
    for (double lon = lon_first; lon <= m->def.lon_max_rad + 1e-12; lon += step) {
        double x, y;
        proj_raw(m, m->def.lat_min_rad, lon, &x, &y);
        double shown = wrap_near(lon, 0.0) * RAD2DEG;
        degree_label(buf, sizeof buf, fabs(shown) > 179.999999 ? 180.0 : shown, false);
        draw_text(cr, buf, x, y1 + 14.0, 10.0, false, ANCHOR_CENTRE, false, col_text);
    }
    if (m->title)
        draw_text(cr, m->title, 0.5 * (x0 + x1), y0 - 14.0, 16.0, true, ANCHOR_CENTRE, false,
                  col_text);
    if (m->attribution)
        draw_text(cr, m->attribution, x1, y1 + 32.0, 9.0, false, ANCHOR_RIGHT, false,
                  (bmd_rgba){0.35, 0.35, 0.35, 1.0});
}

bmd_status bmd_map_write_png(const bmd_map *m, const char *path)
{
    if (!m || !path)
        return BMD_ERR_ARG;
    if (m->nomem)
        return BMD_ERR_NOMEM;
    return write_png(m, map_render, m->width, m->height, path);
}

bmd_status bmd_map_write_svg(const bmd_map *m, const char *path)
{
    if (!m || !path)
        return BMD_ERR_ARG;
    if (m->nomem)
        return BMD_ERR_NOMEM;
    return write_svg(m, map_render, m->width, m->height, path);
}

/* ---------------------------------------------------------------------------------------------
 * x-y plots */

typedef struct series {
    int n;
    double *x, *y;
    bmd_rgba colour;
    double width;
} series;

struct bmd_xy_plot {
    char *title, *x_label, *y_label;
    int width, height;
    double x_min, x_max, y_min, y_max;   /* NaN: automatic */
    int n, cap;
    series *s;
    legend leg;
};

bmd_status bmd_xy_create(const char *title, const char *x_label, const char *y_label,
                         int width_px, int height_px, bmd_xy_plot **out)
{
    if (!out)
        return BMD_ERR_ARG;
    *out = NULL;
    if (width_px < 200 || width_px > 10000 || height_px < 200 || height_px > 10000)
        return BMD_ERR_ARG;
    bmd_xy_plot *p = calloc(1, sizeof *p);
    if (!p)
        return BMD_ERR_NOMEM;
    p->title = dup_str(title);
    p->x_label = dup_str(x_label);
    p->y_label = dup_str(y_label);
    p->width = width_px;
    p->height = height_px;
    p->x_min = p->x_max = p->y_min = p->y_max = (double)NAN;
    if ((title && !p->title) || (x_label && !p->x_label) || (y_label && !p->y_label)) {
        bmd_xy_destroy(p);
        return BMD_ERR_NOMEM;
    }
    *out = p;
    return BMD_OK;
}

void bmd_xy_destroy(bmd_xy_plot *p)
{
    if (!p)
        return;
    for (int k = 0; k < p->n; k++) {
        free(p->s[k].x);
        free(p->s[k].y);
    }
    free(p->s);
    legend_free(&p->leg);
    free(p->title);
    free(p->x_label);
    free(p->y_label);
    free(p);
}

void bmd_xy_set_range(bmd_xy_plot *p, double x_min, double x_max, double y_min, double y_max)
{
    if (!p)
        return;
    p->x_min = x_min;
    p->x_max = x_max;
    p->y_min = y_min;
    p->y_max = y_max;
}

bmd_status bmd_xy_series(bmd_xy_plot *p, int n, const double *x, const double *y,
                         bmd_rgba colour, double width_px, const char *label)
{
    if (!p || n < 0 || (n > 0 && (!x || !y)))
        return BMD_ERR_ARG;
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 8;
        series *ns = realloc(p->s, sizeof *ns * (size_t)cap);
        if (!ns)
            return BMD_ERR_NOMEM;
        p->s = ns;
        p->cap = cap;
    }
    series *s = &p->s[p->n];
    s->x = malloc(sizeof *s->x * (size_t)(n > 0 ? n : 1));
    s->y = malloc(sizeof *s->y * (size_t)(n > 0 ? n : 1));
    if (!s->x || !s->y) {
        free(s->x);
        free(s->y);
        return BMD_ERR_NOMEM;
    }
    if (n > 0) {
        memcpy(s->x, x, sizeof *x * (size_t)n);
        memcpy(s->y, y, sizeof *y * (size_t)n);
    }
    s->n = n;
    s->colour = colour;
    s->width = width_px > 0.0 ? width_px : 1.5;
    p->n++;
    if (!legend_add(&p->leg, LEG_LINE, colour, s->width, 0, label))
        return BMD_ERR_NOMEM;
    return BMD_OK;
}

/* The axis range: fixed bounds where given, else the data's, widened to whole ticks. */
static void axis_range(double fixed_lo, double fixed_hi, double data_lo, double data_hi,
                       double *lo, double *hi, double *step)
{
    double a = isfinite(fixed_lo) ? fixed_lo : data_lo;
    double b = isfinite(fixed_hi) ? fixed_hi : data_hi;
    if (!isfinite(a) || !isfinite(b)) {
        a = 0.0;
        b = 1.0;
    }
    if (b <= a) {
        double d = fabs(a) > 0.0 ? 0.1 * fabs(a) : 1.0;
        a -= d;
        b += d;
    }
    double st = nice_step(b - a, 6);
    if (!isfinite(fixed_lo))
        a = floor(a / st + 1e-9) * st;
    if (!isfinite(fixed_hi))
        b = ceil(b / st - 1e-9) * st;
    *lo = a;
    *hi = b;
    *step = st;
}

static void xy_render(const void *obj, cairo_t *cr)
{
    const bmd_xy_plot *p = obj;
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    double dx0 = (double)INFINITY, dx1 = -(double)INFINITY;
    double dy0 = (double)INFINITY, dy1 = -(double)INFINITY;
    for (int k = 0; k < p->n; k++) {
        for (int q = 0; q < p->s[k].n; q++) {
            double x = p->s[k].x[q], y = p->s[k].y[q];
            if (!isfinite(x) || !isfinite(y))
                continue;
            dx0 = fmin(dx0, x);
            dx1 = fmax(dx1, x);
            dy0 = fmin(dy0, y);
            dy1 = fmax(dy1, y);
        }
    }
    double xa, xb, xs, ya, yb, ys;
    axis_range(p->x_min, p->x_max, dx0, dx1, &xa, &xb, &xs);
    axis_range(p->y_min, p->y_max, dy0, dy1, &ya, &yb, &ys);
    const double left = 72.0, right = 20.0, top = p->title ? 40.0 : 16.0, bottom = 52.0;
    const double pw = p->width - left - right, ph = p->height - top - bottom;
    const double x0 = left, y0 = top, x1 = left + pw, y1 = top + ph;
#define PX(v) (x0 + ((v) - xa) / (xb - xa) * pw)
#define PY(v) (y1 - ((v) - ya) / (yb - ya) * ph)
    /* Grid and ticks. */
    char buf[64];
    cairo_set_line_width(cr, 0.6);
    for (double v = ceil(xa / xs - 1e-9) * xs; v <= xb + 1e-9 * xs; v += xs) {
        set_rgba(cr, (bmd_rgba){0.85, 0.85, 0.85, 1.0});
        cairo_move_to(cr, PX(v), y0);
        cairo_line_to(cr, PX(v), y1);
        cairo_stroke(cr);
        format_tick(buf, sizeof buf, v, xs);
        draw_text(cr, buf, PX(v), y1 + 16.0, 11.0, false, ANCHOR_CENTRE, false, col_text);
    }
    for (double v = ceil(ya / ys - 1e-9) * ys; v <= yb + 1e-9 * ys; v += ys) {
        set_rgba(cr, (bmd_rgba){0.85, 0.85, 0.85, 1.0});
        cairo_move_to(cr, x0, PY(v));
        cairo_line_to(cr, x1, PY(v));
        cairo_stroke(cr);
        format_tick(buf, sizeof buf, v, ys);
        draw_text(cr, buf, x0 - 6.0, PY(v) + 4.0, 11.0, false, ANCHOR_RIGHT, false, col_text);
    }
    /* Series, clipped to the axes. */
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_clip(cr);
    for (int k = 0; k < p->n; k++) {
        const series *s = &p->s[k];
        cairo_new_path(cr);
        bool pen = false;
        for (int q = 0; q < s->n; q++) {
            if (!isfinite(s->x[q]) || !isfinite(s->y[q])) {
                pen = false;
                continue;
            }
            if (pen)
                cairo_line_to(cr, PX(s->x[q]), PY(s->y[q]));
            else
                cairo_move_to(cr, PX(s->x[q]), PY(s->y[q]));
            pen = true;
        }
        set_rgba(cr, s->colour);
        cairo_set_line_width(cr, s->width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    draw_legend(cr, &p->leg, x1, y0);
    cairo_restore(cr);
#undef PX
#undef PY
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    if (p->title)
        draw_text(cr, p->title, 0.5 * (x0 + x1), y0 - 14.0, 16.0, true, ANCHOR_CENTRE, false,
                  col_text);
    if (p->x_label)
        draw_text(cr, p->x_label, 0.5 * (x0 + x1), y1 + 38.0, 12.0, false, ANCHOR_CENTRE, false,
                  col_text);
    if (p->y_label) {
        cairo_save(cr);
        cairo_translate(cr, 18.0, 0.5 * (y0 + y1));
        cairo_rotate(cr, -0.5 * BMD_PI);
        draw_text(cr, p->y_label, 0.0, 0.0, 12.0, false, ANCHOR_CENTRE, false, col_text);
        cairo_restore(cr);
    }
}

bmd_status bmd_xy_write_png(const bmd_xy_plot *p, const char *path)
{
    if (!p || !path)
        return BMD_ERR_ARG;
    return write_png(p, xy_render, p->width, p->height, path);
}

bmd_status bmd_xy_write_svg(const bmd_xy_plot *p, const char *path)
{
    if (!p || !path)
        return BMD_ERR_ARG;
    return write_svg(p, xy_render, p->width, p->height, path);
}
