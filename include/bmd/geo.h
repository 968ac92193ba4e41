/// @file geo.h
/// Geography for the analyses: a regular latitude-longitude grid, the countries layer (Natural
/// Earth Admin 0, data/geo/countries-50m.geojson), masks of the grid cells inside given countries,
/// cell and mask areas on the WGS-84 ellipsoid (exact authalic formula), the exact outline of a
/// mask as polygons, GeoJSON output (RFC 7946), and the NATO member list of December 2011
/// (data/geo/nato-europe-2011.yaml). Angles are radians inside; GeoJSON carries degrees.
/// Documented in docs/geo.md.
#ifndef BMD_GEO_H
#define BMD_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bmd/catalog.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A regular latitude-longitude grid. Cell (i, j) is centred at (lat0 + i step, lon0 + j step)
/// and spans step in both directions; its row-major index is i * n_lon + j. Longitudes need not
/// lie in [-pi, pi]: every lookup wraps them.
typedef struct bmd_geo_grid {
    double lat0_rad;  ///< centre latitude of row 0 (rad)
    double lon0_rad;  ///< centre longitude of column 0 (rad)
    double step_rad;  ///< cell size in latitude and longitude (rad)
    int n_lat;        ///< rows (south to north)
    int n_lon;        ///< columns (west to east)
} bmd_geo_grid;

/// The grid of cells tiling the box [lat_min, lat_max] x [lon_min, lon_max] (rad) with cells of
/// size step: n = ceil((max - min) / step) cells each way (a box that is not a whole number of
/// steps is extended north and east), the first cell's south-west corner at (lat_min, lon_min).
/// BMD_ERR_ARG for non-finite values, step <= 0, max <= min, latitudes outside [-pi/2, pi/2]
/// (the cells included), a longitude span over 2 pi, or more than 1e8 cells.
bmd_status bmd_geo_grid_make(double lat_min_rad, double lat_max_rad, double lon_min_rad,
                             double lon_max_rad, double step_rad, bmd_geo_grid *out);
/// Number of cells, n_lat * n_lon.
size_t bmd_geo_grid_size(const bmd_geo_grid *g);
/// Centre latitude of row i and centre longitude of column j (rad).
double bmd_geo_grid_lat(const bmd_geo_grid *g, int i);
double bmd_geo_grid_lon(const bmd_geo_grid *g, int j);
/// The index of the cell containing (lat, lon) (longitude wrapped into the grid's span), or -1
/// when the point lies outside the grid. A point on a shared edge belongs to the cell north
/// and/or east of it.
long bmd_geo_grid_cell(const bmd_geo_grid *g, double lat_rad, double lon_rad);

/// Area (m^2) on the WGS-84 ellipsoid of the band of latitudes [lat1, lat2] over a longitude
/// span dlon (rad): dlon (b^2/2) [q(lat2) - q(lat1)] with q(phi) = sin phi / (1 - e^2 sin^2 phi)
/// + atanh(e sin phi) / e, the authalic-latitude formula (Snyder, Map Projections: A Working
/// Manual, USGS PP 1395, 1987, eq. 3-12). Exact, not an approximation in the cell size.
double bmd_geo_band_area_m2(double lat1_rad, double lat2_rad, double dlon_rad);
/// Area (m^2) of the cells of row i (every cell of a row has the same area).
double bmd_geo_cell_area_m2(const bmd_geo_grid *g, int i);
/// Total area (m^2) of the cells whose mask value is non-zero.
double bmd_geo_mask_area_m2(const bmd_geo_grid *g, const uint8_t *mask);
/// The share (0..1) of the area of the cells set in `within` that is also set in `mask`;
/// NaN when `within` sets no cell. mask == NULL counts every cell of `within`.
double bmd_geo_mask_share(const bmd_geo_grid *g, const uint8_t *mask, const uint8_t *within);

/// One country: its rings (outer rings and holes alike, closed: the last point repeats the first),
/// points in radians.
typedef struct bmd_geo_country {
    char iso_a3[4];       ///< ISO 3166-1 alpha-3 (or Natural Earth's code where ISO has none)
    char name[64];        ///< Natural Earth's short name
    bool iso;             ///< the code is an ISO 3166-1 code
    int n_rings;
    int *ring_start;      ///< n_rings + 1 offsets into the points
    double *lat_rad;      ///< all points, ring after ring
    double *lon_rad;      ///< in [-pi, pi]
    double lat_min_rad, lat_max_rad, lon_min_rad, lon_max_rad;  ///< bounding box
} bmd_geo_country;

/// The countries layer.
typedef struct bmd_geo_countries {
    int n;
    bmd_geo_country *c;   ///< sorted by code
    char *source;         ///< the file's "source" text
    char *file;           ///< the file it came from
} bmd_geo_countries;

/// The default countries file: bmd_data_dir()/geo/countries-50m.geojson (into buf).
const char *bmd_geo_countries_default_path(char *buf, size_t size);
/// Load a GeoJSON FeatureCollection of Polygon/MultiPolygon features with properties "name" and
/// "iso_a3" (path NULL: the default file). On error *out is NULL and err names the file, the
/// field (e.g. "features[3].geometry.coordinates[0][2]") and what was expected.
bmd_status bmd_geo_countries_load(const char *path, bmd_geo_countries **out, bmd_load_error *err);
void bmd_geo_countries_free(bmd_geo_countries *c);
/// The country with this alpha-3 code (case-sensitive), or NULL.
const bmd_geo_country *bmd_geo_countries_find(const bmd_geo_countries *c, const char *iso_a3);
/// Whether (lat, lon) lies inside the country: the even-odd rule over all its rings (holes and
/// separate parts alike); the longitude is wrapped into [-pi, pi).
bool bmd_geo_country_contains(const bmd_geo_country *c, double lat_rad, double lon_rad);
/// The first country (in code order) containing the point, or NULL (sea, or outside the layer).
const bmd_geo_country *bmd_geo_countries_at(const bmd_geo_countries *c, double lat_rad,
                                            double lon_rad);
/// Area (m^2) of the country's outline on the WGS-84 ellipsoid, edges taken as geodesics (PROJ
/// geod_polygonarea, Karney 2013), outer rings counted positive and holes negative.
double bmd_geo_country_area_m2(const bmd_geo_country *c);
/// mask[k] = 1 where the centre of cell k lies in one of the n_iso countries named (alpha-3),
/// else 0 (mask has bmd_geo_grid_size(g) entries). Exactly the even-odd test at each centre,
/// done by scanlines. BMD_ERR_NOT_FOUND (with the code in why, when given) for an unknown code.
bmd_status bmd_geo_mask_members(const bmd_geo_countries *c, const char *const *iso_a3, int n_iso,
                                const bmd_geo_grid *g, uint8_t *mask, char *why, size_t why_size);

/// Polygons in degrees (GeoJSON's order: lon, lat).
typedef struct bmd_geo_polygon {
    int n_rings;          ///< ring 0 is the outer ring (counter-clockwise), then the holes
    int *ring_start;      ///< n_rings + 1 offsets into the points
} bmd_geo_polygon;

typedef struct bmd_geo_polygons {
    int n;                ///< number of polygons
    bmd_geo_polygon *p;
    int n_points;
    double *lon_deg;      ///< every ring closed (last point = first point)
    double *lat_deg;
} bmd_geo_polygons;

/// The exact outline of the cells of g whose mask value is non-zero: one polygon for each
/// 4-connected group of cells (cells touching at a corner only are separate polygons), outer
/// ring counter-clockwise and holes clockwise (RFC 7946), no edge between two set cells, no
/// collinear intermediate points. Deterministic: polygons in the order of their first cell
/// (row-major), holes in the order of their first edge. *out is owned by the caller.
bmd_status bmd_geo_mask_polygons(const bmd_geo_grid *g, const uint8_t *mask,
                                 bmd_geo_polygons *out);
void bmd_geo_polygons_free(bmd_geo_polygons *p);
/// Area (m^2) on the WGS-84 ellipsoid of polygons whose edges are parallels and meridians (as
/// those of bmd_geo_mask_polygons): -sum over edges of F(lat) dlon (Green's theorem with the
/// authalic F of bmd_geo_band_area_m2); holes subtract.
double bmd_geo_polygons_area_m2(const bmd_geo_polygons *p);

/// One property of a GeoJSON feature: a string when str is not NULL, else the number num
/// (written with 17 significant digits; NaN and infinities as null).
typedef struct bmd_geo_prop {
    const char *key;
    const char *str;
    double num;
} bmd_geo_prop;

/// A GeoJSON FeatureCollection being written. Begin, add features, end. Coordinates are written
/// in degrees (lon, lat) with at most 6 decimals (0.1 m); the longitudes of points and lines are
/// wrapped into [-180, 180), those of polygons written as computed (a grid that crosses the
/// antimeridian gives longitudes beyond 180, which RFC 7946 asks to split: not done here).
typedef struct bmd_geojson_writer {
    FILE *fp;
    int n_features;
    bool failed;
} bmd_geojson_writer;

void bmd_geojson_begin(bmd_geojson_writer *w, FILE *fp);
/// A feature with a MultiPolygon geometry of all the polygons of p.
void bmd_geojson_polygons(bmd_geojson_writer *w, const bmd_geo_polygons *p,
                          const bmd_geo_prop *props, int n_props);
/// A feature with a Point geometry.
void bmd_geojson_point(bmd_geojson_writer *w, double lat_rad, double lon_rad,
                       const bmd_geo_prop *props, int n_props);
/// A feature with a LineString geometry (n >= 2 points; fewer write a null geometry). A line
/// crossing the antimeridian is written as given (wrapped per point).
void bmd_geojson_line(bmd_geojson_writer *w, int n, const double *lat_rad, const double *lon_rad,
                      const bmd_geo_prop *props, int n_props);
/// Close the collection. BMD_ERR_IO if any write failed.
bmd_status bmd_geojson_end(bmd_geojson_writer *w);

/// A named point (site, capital) for bmd_geo_write_points.
typedef struct bmd_geo_point {
    const char *name;
    double lat_rad, lon_rad;
    const bmd_geo_prop *props;   ///< extra properties (may be NULL)
    int n_props;
} bmd_geo_point;
/// A named polyline (ground track) for bmd_geo_write_lines.
typedef struct bmd_geo_line {
    const char *name;
    int n;
    const double *lat_rad, *lon_rad;
    const bmd_geo_prop *props;
    int n_props;
} bmd_geo_line;
/// A whole FeatureCollection of points (properties: "name", then the point's own).
bmd_status bmd_geo_write_points(FILE *fp, const bmd_geo_point *pts, int n);
/// A whole FeatureCollection of lines (properties: "name", then the line's own).
bmd_status bmd_geo_write_lines(FILE *fp, const bmd_geo_line *lines, int n);

/// A member state with its capital.
typedef struct bmd_geo_member {
    char iso_a3[4];
    char name[64];
    int joined_year;        ///< year of accession to NATO
    char capital[64];
    double capital_lat_rad;
    double capital_lon_rad;
    char capital_source[256];
} bmd_geo_member;

/// A member list.
typedef struct bmd_geo_members {
    int n;
    bmd_geo_member *m;      ///< in the file's order
    char source[512];       ///< the source of the list
    char as_of[32];         ///< the date the list describes
} bmd_geo_members;

/// The default NATO file: bmd_data_dir()/geo/nato-europe-2011.yaml (into buf).
const char *bmd_geo_nato_default_path(char *buf, size_t size);
/// Load a member list (path NULL: the default file). On error *out is empty and err says where.
bmd_status bmd_geo_members_load(const char *path, bmd_geo_members *out, bmd_load_error *err);
void bmd_geo_members_free(bmd_geo_members *m);
/// The alpha-3 codes of the list as an array of n pointers into m (valid while m lives), for
/// bmd_geo_mask_members. Returns NULL on allocation failure; free() it.
const char **bmd_geo_members_codes(const bmd_geo_members *m);

#ifdef __cplusplus
}
#endif
#endif
