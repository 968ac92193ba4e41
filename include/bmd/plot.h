/// @file plot.h
/// Publishable maps and x-y plots, drawn with Cairo and written as PNG and SVG.
///
/// A map covers a latitude-longitude box in an equirectangular projection whose east-west scale
/// is cos(mid-latitude) of the north-south one (true to scale along the box's middle parallel;
/// cells of a bmd_geo_grid stay rectangles). Every drawing call is recorded in the map's own
/// display list and replayed for each output, so the same calls give the same bytes (on the same
/// machine: text is drawn with the system's sans-serif font through fontconfig). Writing a file
/// atomically (temporary name, then rename) is the caller's job. Documented in docs/geo.md.
#ifndef BMD_PLOT_H
#define BMD_PLOT_H

#include <stdint.h>

#include "bmd/geo.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A colour, components 0..1 (a: opacity).
typedef struct bmd_rgba {
    double r, g, b, a;
} bmd_rgba;

/// Colour k (cycling) of the Okabe-Ito palette for colour-blind readers (M. Okabe, K. Ito,
/// "Color Universal Design", 2008): black, orange, sky blue, bluish green, yellow, blue,
/// vermillion, reddish purple; opaque.
bmd_rgba bmd_plot_palette(int k);

/// A map's definition. Make one with bmd_map_default_def() and change what is needed.
typedef struct bmd_map_def {
    double lat_min_rad, lat_max_rad;   ///< the box (lat_min < lat_max, within -85..85 degrees)
    double lon_min_rad, lon_max_rad;   ///< lon_min < lon_max, span at most 2 pi
    int width_px;                      ///< width of the whole image (pixels; SVG: points)
    const char *title;                 ///< drawn above the map (may be NULL)
    double graticule_step_rad;         ///< spacing of the graticule; 0: chosen from the box
    const char *attribution;           ///< bottom-right note; NULL: the Natural Earth note
} bmd_map_def;

/// Europe, the Middle East and the North Atlantic's eastern half: 30..72 N, 25 W..60 E, 1200 px.
bmd_map_def bmd_map_default_def(void);

typedef struct bmd_map bmd_map;

/// A new, empty map (sea-coloured). BMD_ERR_ARG for a box or width outside its domain
/// (width 200..10000 px).
bmd_status bmd_map_create(const bmd_map_def *def, bmd_map **out);
void bmd_map_destroy(bmd_map *m);
/// The image's size in pixels.
void bmd_map_size(const bmd_map *m, int *width_px, int *height_px);
/// The image position (pixels from the top-left corner) of a point; the longitude is wrapped to
/// lie within 180 degrees of the box's middle.
void bmd_map_project(const bmd_map *m, double lat_rad, double lon_rad, double *x_px,
                     double *y_px);

/// Countries: land fill and borders. The countries named in highlight (alpha-3; may be NULL)
/// are filled with the highlight colour instead of the land colour.
void bmd_map_countries(bmd_map *m, const bmd_geo_countries *c, const char *const *highlight,
                       int n_highlight);
/// Borders and coasts only (to draw them again over a raster).
void bmd_map_borders(bmd_map *m, const bmd_geo_countries *c);
/// A categorical raster over a grid: cells of class k (0 <= k < n_classes) are filled with
/// colours[k] (nothing drawn where its alpha is 0), as the exact outline of each class's cells
/// (bmd_geo_mask_polygons), so the SVG stays vector and small. labels[k] (labels and any entry
/// may be NULL: none) adds a legend entry. Class values >= n_classes are not drawn.
void bmd_map_raster(bmd_map *m, const bmd_geo_grid *g, const uint8_t *classes, int n_classes,
                    const bmd_rgba *colours, const char *const *labels);
/// A polyline (ground track), n points; label (may be NULL) adds a legend entry. Longitudes are
/// unwrapped along the line.
void bmd_map_polyline(bmd_map *m, int n, const double *lat_rad, const double *lon_rad,
                      bmd_rgba colour, double width_px, const char *label);
/// A point (site, capital) as a filled dot of radius_px with its name written beside it
/// (name may be NULL).
void bmd_map_point(bmd_map *m, double lat_rad, double lon_rad, bmd_rgba colour,
                   double radius_px, const char *name);
/// A ring: the geodesic circle of radius_m on the WGS-84 ellipsoid around (lat, lon) (PROJ's
/// direct problem, every 2 degrees of azimuth); label (may be NULL) adds a legend entry;
/// dashed when dashed is non-zero.
void bmd_map_ring(bmd_map *m, double lat_rad, double lon_rad, double radius_m, bmd_rgba colour,
                  double width_px, int dashed, const char *label);
/// A legend entry with a plain swatch (for what the map's own calls do not label).
void bmd_map_legend(bmd_map *m, bmd_rgba colour, const char *label);

/// Write the map. BMD_ERR_IO when the file cannot be written, BMD_ERR_NOMEM when a drawing call
/// ran out of memory earlier.
bmd_status bmd_map_write_png(const bmd_map *m, const char *path);
bmd_status bmd_map_write_svg(const bmd_map *m, const char *path);

/// An x-y line plot: several series, axes with ticks and labels, a legend.
typedef struct bmd_xy_plot bmd_xy_plot;

/// A new plot. title, x_label, y_label may be NULL. BMD_ERR_ARG for sizes outside 200..10000.
bmd_status bmd_xy_create(const char *title, const char *x_label, const char *y_label,
                         int width_px, int height_px, bmd_xy_plot **out);
void bmd_xy_destroy(bmd_xy_plot *p);
/// Fix the axes' ranges; NaN leaves a bound automatic (the data's range widened to round ticks).
void bmd_xy_set_range(bmd_xy_plot *p, double x_min, double x_max, double y_min, double y_max);
/// Add a series (copied). Non-finite points break the line. label may be NULL.
bmd_status bmd_xy_series(bmd_xy_plot *p, int n, const double *x, const double *y,
                         bmd_rgba colour, double width_px, const char *label);
/// Write the plot. BMD_ERR_IO when the file cannot be written.
bmd_status bmd_xy_write_png(const bmd_xy_plot *p, const char *path);
bmd_status bmd_xy_write_svg(const bmd_xy_plot *p, const char *path);

/// Release Cairo's and fontconfig's static caches (cairo_debug_reset_static_data, FcFini): call
/// once at exit, after every map and plot is destroyed, so leak checkers see nothing left.
void bmd_plot_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
