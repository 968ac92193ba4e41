/* SPDX-License-Identifier: MIT */
/* cmd_footprint.c: bmdsim footprint: the defended footprint of one interceptor site against one
 * threat type from one launch area: the aim points of a region at which a missile from the
 * launch area can be aimed and still be engaged by the site, under an assumption set (cue).
 * A one-site defended-area map (analysis.h, bmd_defended_area) with its areas and outline. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/geo.h"
#include "cli.h"
#include "ranks.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim footprint --threat ID|FILE --launch LAT,LON --site LAT,LON --interceptor ID|FILE\n"
    "                        [--site-altitude-m H]\n"
    "                        [--cue ideal|early-warning|forward-radar|site-radar]\n"
    "                        [--grid-deg G] [--region LAT_MIN,LAT_MAX,LON_MIN,LON_MAX]\n"
    "                        [--refine R] [--threads T] [--seed S]\n"
    "                        [--format json|text|geojson|csv] [--out FILE]\n"
    "\n"
    "The defended footprint of one interceptor site against one threat type: for each cell of a\n"
    "latitude-longitude grid over the region, the threat is flown from the launch point to the\n"
    "cell's centre (near its minimum-energy shape), the cue's earliest launch is found, and the\n"
    "site's window is solved on its fly-out table. A cell is unreached (beyond the missile's\n"
    "range), undefended (reached, no window) or defended.\n"
    "  --cue            the assumption set, as bmdsim feasibility (default forward-radar)\n"
    "  --grid-deg       cell size in degrees, 0.05 to 5 (default 0.5)\n"
    "  --region         the map's box in degrees (default: the site +/- 15 degrees of latitude,\n"
    "                   clipped to +/- 85, and +/- 20 degrees of longitude); a box that is not a\n"
    "                   whole number of cells is cut at the last whole cell north and east\n"
    "  --refine         evaluate every R-th cell first, then every cell of a block whose corners\n"
    "                   differ; 1 to 16 (default 4; 1 evaluates every cell)\n"
    "  --threads        1 to 64 (default: one per processor); the map does not depend on it\n"
    "                   (under MPI, mpirun -np N bmdsim footprint ..., the cells are shared\n"
    "                   among the ranks too: docs/mpi.md)\n"
    "  --seed           the sensors' draws (default 1)\n"
    "  --format json    (default) counts, areas, the defended region's box and ranges\n"
    "  --format text    the same as a short table\n"
    "  --format geojson the defended region as a MultiPolygon, the site and launch as Points\n"
    "  --format csv     one row per cell: lat_deg,lon_deg,class,margin_s,flight_time_s\n"
    "  --out FILE       write the output to FILE (atomically) instead of stdout\n"
    "The site is modelled with one interceptor at pk 0.7 (neither changes the footprint).\n";


enum fp_format { FMT_JSON, FMT_TEXT, FMT_GEOJSON, FMT_CSV };

static const char *const class_name[] = {"unreached", "undefended", "defended"};

/* What the map gives, summed up. Angles in degrees, lengths in km, areas in km^2 (edges). */
typedef struct fp_summary {
    int cells, reached, defended;
    double reached_km2, defended_km2;
    double box[4];            /* defended region: lat_min, lat_max, lon_min, lon_max (NaN: none) */
    double far_km, near_km;   /* ground range from the launch of the defended cell centres */
} fp_summary;

/* A whole number in [lo, hi] from an option; prints the error. */
static bool parse_int_opt(const char *C, const opts *o, const char *name, int lo, int hi, int *out)
{
    const char *t = opt_get(o, name);
    if (!t)
        return true;
    double x;
    if (!parse_double(C, name, t, &x))
        return false;
    if (x < lo || x > hi || x != floor(x)) {
        cli_error(C, "--%s: %g: expected a whole number from %d to %d", name, x, lo, hi);
        return false;
    }
    *out = (int)x;
    return true;
}

/* The interceptor: a catalog id, or a vehicle file with a kill_vehicle section. */
static const bmd_missile *find_interceptor(const char *C, const char *id, const bmd_catalog *cat,
                                           bmd_missile *file, bool *owned)
{
    *owned = false;
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, id);
    if (im)
        return im;
    if (cli_looks_like_file(id)) {
        if (!cli_vehicle(C, "interceptor", id, cat, file, owned))
            return NULL;
        if (!file->interceptor) {
            cli_error(C, "--interceptor: %s is a missile file, not an interceptor (it has no "
                         "kill_vehicle section)",
                      id);
            return NULL;
        }
        return file;
    }
    char ids[400] = "";
    size_t used = 0;
    for (int i = 0; i < cat->n_interceptors && used < sizeof ids - 40; i++)
        used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                 cat->interceptors[i].v.id);
    cli_error(C, "--interceptor: unknown interceptor \"%s\" (catalog: %s)", id, ids);
    return NULL;
}

static bmd_geo_grid map_grid(const bmd_da_map *m)
{
    bmd_geo_grid g = {m->lat0_rad, m->lon0_rad, m->step_rad, m->n_lat, m->n_lon};
    return g;
}

static bool summarize(const bmd_da_map *m, double launch_lat, double launch_lon, fp_summary *s)
{
    memset(s, 0, sizeof *s);
    bmd_geo_grid g = map_grid(m);
    size_t nc = bmd_geo_grid_size(&g);
    s->cells = (int)nc;
    uint8_t *reached = malloc(nc);
    uint8_t *defended = malloc(nc);
    if (!reached || !defended) {
        free(reached);
        free(defended);
        return false;
    }
    for (int k = 0; k < 4; k++)
        s->box[k] = NAN;
    s->far_km = s->near_km = NAN;
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double half = 0.5 * m->step_rad / BMD_DEG;
    for (int i = 0; i < m->n_lat; i++)
        for (int j = 0; j < m->n_lon; j++) {
            size_t k = (size_t)i * (size_t)m->n_lon + (size_t)j;
            reached[k] = m->cls[k] != BMD_DA_UNREACHED;
            defended[k] = m->cls[k] == BMD_DA_DEFENDED;
            s->reached += reached[k];
            s->defended += defended[k];
            if (!defended[k])
                continue;
            double lat = bmd_geo_grid_lat(&g, i);
            double lon = bmd_geo_grid_lon(&g, j);
            double la = lat / BMD_DEG, lo = lon / BMD_DEG;
            if (!(la - half >= s->box[0]))
                s->box[0] = la - half;
            if (!(la + half <= s->box[1]))
                s->box[1] = la + half;
            if (!(lo - half >= s->box[2]))
                s->box[2] = lo - half;
            if (!(lo + half <= s->box[3]))
                s->box[3] = lo + half;
            double d = NAN;
            if (bmd_geodesic_inverse(&e, launch_lat, launch_lon, lat, lon, &d, NULL, NULL) ==
                BMD_OK) {
                d /= 1e3;
                if (!(d <= s->far_km))
                    s->far_km = d;
                if (!(d >= s->near_km))
                    s->near_km = d;
            }
        }
    s->reached_km2 = bmd_geo_mask_area_m2(&g, reached) / 1e6;
    s->defended_km2 = bmd_geo_mask_area_m2(&g, defended) / 1e6;
    free(reached);
    free(defended);
    return true;
}

/* Everything the writers need. */
typedef struct fp_run {
    const char *threat, *interceptor, *cue;
    double lat, lon, slat, slon, sh;   /* degrees, m */
    double grid_deg;
    double region[4];                  /* degrees as asked */
    int refine;
    uint64_t seed;
    const bmd_da_map *map;
    fp_summary sum;
} fp_run;

static void latlon_json(cJSON *r, const char *key, double lat, double lon)
{
    cJSON *p = cJSON_AddObjectToObject(r, key);
    json_num(p, "lat_deg", lat);
    json_num(p, "lon_deg", lon);
}

static void box_json(cJSON *r, const char *key, const double *b)
{
    if (!isfinite(b[0])) {
        cJSON_AddNullToObject(r, key);
        return;
    }
    cJSON *p = cJSON_AddObjectToObject(r, key);
    json_num(p, "lat_min_deg", b[0]);
    json_num(p, "lat_max_deg", b[1]);
    json_num(p, "lon_min_deg", b[2]);
    json_num(p, "lon_max_deg", b[3]);
}

static bool write_json(FILE *fp, const fp_run *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "threat", r->threat);
    latlon_json(j, "launch", r->lat, r->lon);
    latlon_json(j, "site", r->slat, r->slon);
    json_num(cJSON_GetObjectItem(j, "site"), "altitude_m", r->sh);
    cJSON_AddStringToObject(j, "interceptor", r->interceptor);
    cJSON_AddStringToObject(j, "cue", r->cue);
    json_num(j, "grid_deg", r->grid_deg);
    box_json(j, "region", r->region);
    cJSON_AddNumberToObject(j, "rows", r->map->n_lat);
    cJSON_AddNumberToObject(j, "columns", r->map->n_lon);
    cJSON_AddNumberToObject(j, "refine", r->refine);
    cJSON_AddNumberToObject(j, "seed", (double)r->seed);
    cJSON_AddNumberToObject(j, "cells", r->sum.cells);
    cJSON_AddNumberToObject(j, "cells_reached", r->sum.reached);
    cJSON_AddNumberToObject(j, "cells_defended", r->sum.defended);
    json_num(j, "reached_area_km2", r->sum.reached_km2);
    json_num(j, "defended_area_km2", r->sum.defended_km2);
    box_json(j, "defended_box", r->sum.box);
    json_num(j, "farthest_defended_range_km", r->sum.far_km);
    json_num(j, "nearest_defended_range_km", r->sum.near_km);
    cJSON_AddNumberToObject(j, "cells_evaluated", r->map->n_evaluated);
    cJSON_AddNumberToObject(j, "cells_inferred", r->map->n_inferred);
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    if (!s)
        return false;
    fputs(s, fp);
    fputc('\n', fp);
    free(s);
    return true;
}

static void text_line(FILE *fp, const char *key, double v, const char *unit, int decimals)
{
    if (isfinite(v))
        fprintf(fp, "  %-26s %14.*f %s\n", key, decimals, v, unit);
    else
        fprintf(fp, "  %-26s %14s %s\n", key, "-", unit);
}

static bool write_text(FILE *fp, const fp_run *r)
{
    const fp_summary *s = &r->sum;
    fprintf(fp, "%s from %.3f, %.3f against %s at %.3f, %.3f (%.0f m), cue %s\n", r->threat,
            r->lat, r->lon, r->interceptor, r->slat, r->slon, r->sh, r->cue);
    fprintf(fp, "region lat %.3f..%.3f, lon %.3f..%.3f deg in %g deg cells: %d x %d (%d "
                "evaluated, %d inferred)\n",
            r->region[0], r->region[1], r->region[2], r->region[3], r->grid_deg, r->map->n_lat,
            r->map->n_lon, r->map->n_evaluated, r->map->n_inferred);
    fprintf(fp, "  %-26s %14d\n", "cells", s->cells);
    fprintf(fp, "  %-26s %14d\n", "cells reached", s->reached);
    fprintf(fp, "  %-26s %14d\n", "cells defended", s->defended);
    text_line(fp, "reached area", s->reached_km2, "km^2", 0);
    text_line(fp, "defended area", s->defended_km2, "km^2", 0);
    if (isfinite(s->box[0]))
        fprintf(fp, "  %-26s lat %.3f..%.3f, lon %.3f..%.3f deg\n", "defended box", s->box[0], s->box[1], s->box[2], s->box[3]);
    else
        fprintf(fp, "  %-26s %14s\n", "defended box", "none");
    text_line(fp, "nearest defended range", s->near_km, "km", 1);
    text_line(fp, "farthest defended range", s->far_km, "km", 1);
    return true;
}

static void csv_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.3f", v);
    else
        fputc(',', fp);
}

static bool write_csv(FILE *fp, const fp_run *r)
{
    const bmd_da_map *m = r->map;
    bmd_geo_grid g = map_grid(m);
    fputs("lat_deg,lon_deg,class,margin_s,flight_time_s\n", fp);
    for (int i = 0; i < m->n_lat; i++)
        for (int j = 0; j < m->n_lon; j++) {
            size_t k = (size_t)i * (size_t)m->n_lon + (size_t)j;
            int c = m->cls[k] <= BMD_DA_DEFENDED ? m->cls[k] : 0;
            fprintf(fp, "%.6f,%.6f,%s", bmd_geo_grid_lat(&g, i) / BMD_DEG,
                    bmd_geo_grid_lon(&g, j) / BMD_DEG, class_name[c]);
            csv_num(fp, (double)m->margin_s[k]);
            csv_num(fp, (double)m->flight_s[k]);
            fputc('\n', fp);
        }
    return true;
}

static bool write_geojson(FILE *fp, const fp_run *r)
{
    const bmd_da_map *m = r->map;
    bmd_geo_grid g = map_grid(m);
    size_t nc = bmd_geo_grid_size(&g);
    uint8_t *mask = malloc(nc);
    if (!mask)
        return false;
    for (size_t k = 0; k < nc; k++)
        mask[k] = m->cls[k] == BMD_DA_DEFENDED;
    bmd_geo_polygons poly;
    bmd_status st = bmd_geo_mask_polygons(&g, mask, &poly);
    free(mask);
    if (st != BMD_OK)
        return false;
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    const bmd_geo_prop area[] = {
        {"name", "defended footprint", 0.0},
        {"threat", r->threat, 0.0},
        {"interceptor", r->interceptor, 0.0},
        {"cue", r->cue, 0.0},
        {"grid_deg", NULL, r->grid_deg},
        {"cells_defended", NULL, r->sum.defended},
        {"defended_area_km2", NULL, r->sum.defended_km2},
        {"reached_area_km2", NULL, r->sum.reached_km2},
        {"farthest_defended_range_km", NULL, r->sum.far_km},
    };
    bmd_geojson_polygons(&w, &poly, area, (int)(sizeof area / sizeof area[0]));
    const bmd_geo_prop site[] = {
        {"name", "site", 0.0},
        {"interceptor", r->interceptor, 0.0},
        {"altitude_m", NULL, r->sh},
    };
    bmd_geojson_point(&w, r->slat * BMD_DEG, r->slon * BMD_DEG, site, 3);
    const bmd_geo_prop launch[] = {{"name", "launch", 0.0}, {"threat", r->threat, 0.0}};
    bmd_geojson_point(&w, r->lat * BMD_DEG, r->lon * BMD_DEG, launch, 2);
    bmd_geo_polygons_free(&poly);
    return bmd_geojson_end(&w) == BMD_OK;
}

/* Write in the chosen format to stdout, or to path atomically (through a temporary stream). */
static int emit(const char *C, enum fp_format f, const fp_run *r, const char *path)
{
    FILE *fp = path ? tmpfile() : stdout;
    if (!fp) {
        cli_error(C, "--out: cannot open a temporary file");
        return EXIT_INTERNAL;
    }
    bool ok = false;
    switch (f) {
    case FMT_JSON: ok = write_json(fp, r); break;
    case FMT_TEXT: ok = write_text(fp, r); break;
    case FMT_GEOJSON: ok = write_geojson(fp, r); break;
    case FMT_CSV: ok = write_csv(fp, r); break;
    }
    if (!path) {
        if (!ok || fflush(stdout) != 0) {
            cli_error(C, "writing the output failed");
            return EXIT_INTERNAL;
        }
        return EXIT_OK;
    }
    char *buf = NULL;
    long len = -1;
    if (ok && fflush(fp) == 0 && !ferror(fp))
        len = ftell(fp);
    if (len >= 0 && (buf = malloc((size_t)len + 1)) != NULL) {
        rewind(fp);
        if (fread(buf, 1, (size_t)len, fp) != (size_t)len)
            len = -1;
    }
    fclose(fp);
    if (len < 0 || !buf) {
        free(buf);
        cli_error(C, "--out: writing the output failed");
        return EXIT_INTERNAL;
    }
    bool wrote = write_file_atomic(C, path, buf, (size_t)len);
    free(buf);
    return wrote ? EXIT_OK : EXIT_USAGE;
}

int cmd_footprint(int argc, char **argv)
{
    static const char *C = "footprint";
    opts o;
    int begun = opts_begin(&o, C, spec_footprint, argc, argv, help);
    if (begun >= 0)
        return begun;
    if (o.n_pos) {
        cli_error(C, "unexpected argument \"%s\" (see bmdsim %s --help)", o.pos[0], C);
        return EXIT_USAGE;
    }
    static const char *const need[] = {"threat", "launch", "site", "interceptor", NULL};
    for (const char *const *k = need; *k; k++)
        if (!opt_has(&o, *k)) {
            cli_error(C, "--%s is required (see bmdsim %s --help)", *k, C);
            return EXIT_USAGE;
        }
    enum fp_format fmt = FMT_JSON;
    if (opt_has(&o, "format")) {
        const char *f = opt_get(&o, "format");
        if (strcmp(f, "json") == 0)
            fmt = FMT_JSON;
        else if (strcmp(f, "text") == 0)
            fmt = FMT_TEXT;
        else if (strcmp(f, "geojson") == 0)
            fmt = FMT_GEOJSON;
        else if (strcmp(f, "csv") == 0)
            fmt = FMT_CSV;
        else {
            cli_error(C, "--format: \"%s\": expected json, text, geojson or csv", f);
            return EXIT_USAGE;
        }
    }
    const char *out_path = opt_get(&o, "out");
    if (out_path && !*out_path) {
        cli_error(C, "--out: expected a file name");
        return EXIT_USAGE;
    }
    fp_run r;
    memset(&r, 0, sizeof r);
    if (!parse_latlon(C, "launch", opt_get(&o, "launch"), &r.lat, &r.lon, NULL) ||
        !parse_latlon(C, "site", opt_get(&o, "site"), &r.slat, &r.slon, NULL))
        return EXIT_USAGE;
    if (opt_has(&o, "site-altitude-m")) {
        if (!parse_double(C, "site-altitude-m", opt_get(&o, "site-altitude-m"), &r.sh))
            return EXIT_USAGE;
        if (r.sh < -500.0 || r.sh > 6000.0) {
            cli_error(C, "--site-altitude-m: %g m is outside [-500, 6000] m (a site under the sea "
                         "floor or in the air)",
                      r.sh);
            return EXIT_USAGE;
        }
    }
    bmd_da_opts da = bmd_da_default_opts();
    if (opt_has(&o, "cue") && !bmd_cue_parse(opt_get(&o, "cue"), &da.cue)) {
        cli_error(C, "--cue: \"%s\": expected ideal, early-warning, forward-radar or site-radar",
                  opt_get(&o, "cue"));
        return EXIT_USAGE;
    }
    r.cue = bmd_cue_name(da.cue);
    r.grid_deg = 0.5;
    if (opt_has(&o, "grid-deg")) {
        if (!parse_double(C, "grid-deg", opt_get(&o, "grid-deg"), &r.grid_deg))
            return EXIT_USAGE;
        if (!(r.grid_deg >= 0.05 && r.grid_deg <= 5.0)) {
            cli_error(C, "--grid-deg: %g is outside [0.05, 5] degrees", r.grid_deg);
            return EXIT_USAGE;
        }
    }
    if (opt_has(&o, "region")) {
        const char *t = opt_get(&o, "region");
        if (!parse_list(C, "region", t, r.region, 4))
            return EXIT_USAGE;
        const double *b = r.region;
        if (b[0] < -90.0 || b[0] > 90.0 || b[1] < -90.0 || b[1] > 90.0) {
            cli_error(C, "--region: \"%s\": latitudes must lie in [-90, 90] degrees", t);
            return EXIT_USAGE;
        }
        if (b[2] < -360.0 || b[2] > 360.0 || b[3] < -360.0 || b[3] > 360.0) {
            cli_error(C, "--region: \"%s\": longitudes must lie in [-360, 360] degrees", t);
            return EXIT_USAGE;
        }
        if (!(b[0] < b[1]) || !(b[2] < b[3])) {
            cli_error(C, "--region: \"%s\": expected LAT_MIN,LAT_MAX,LON_MIN,LON_MAX with each "
                         "minimum below its maximum",
                      t);
            return EXIT_USAGE;
        }
        if (b[3] - b[2] > 360.0) {
            cli_error(C, "--region: \"%s\": spans more than 360 degrees of longitude", t);
            return EXIT_USAGE;
        }
    } else {
        r.region[0] = fmax(r.slat - 15.0, -85.0);
        r.region[1] = fmin(r.slat + 15.0, 85.0);
        r.region[2] = r.slon - 20.0;
        r.region[3] = r.slon + 20.0;
    }
    /* The same cell count as bmd_defended_area, so that the error names the options. */
    double n_lat = floor((r.region[1] - r.region[0]) / r.grid_deg + 1e-9);
    double n_lon = floor((r.region[3] - r.region[2]) / r.grid_deg + 1e-9);
    if (n_lat < 1.0 || n_lon < 1.0) {
        cli_error(C, "--region: the box is smaller than one cell (--grid-deg %g degrees)",
                  r.grid_deg);
        return EXIT_USAGE;
    }
    if (n_lat * n_lon > 4e6) {
        cli_error(C, "--region with --grid-deg %g: %.0f x %.0f cells (at most 4 million)",
                  r.grid_deg, n_lat, n_lon);
        return EXIT_USAGE;
    }
    r.refine = 4;
    int threads = 0;
    if (!parse_int_opt(C, &o, "refine", 1, 16, &r.refine) ||
        !parse_int_opt(C, &o, "threads", 1, 64, &threads))
        return EXIT_USAGE;
    r.seed = 1;
    if (opt_has(&o, "seed")) {
        double s;
        if (!parse_double(C, "seed", opt_get(&o, "seed"), &s))
            return EXIT_USAGE;
        if (s < 0.0 || s != floor(s) || s > 9007199254740992.0) {
            cli_error(C, "--seed: %g: expected a non-negative integer", s);
            return EXIT_USAGE;
        }
        r.seed = (uint64_t)s;
    }

    bmd_catalog *cat = cli_catalog(C);
    if (!cat)
        return ranks_agree(C, EXIT_USAGE);
    int rc = EXIT_OK;
    bmd_missile thr;
    bool thr_owned = false;
    bmd_missile im_file;
    bool im_owned = false;
    bmd_flyout **tables = NULL;
    bmd_da_map map;
    memset(&map, 0, sizeof map);
    if (!cli_vehicle(C, "threat", opt_get(&o, "threat"), cat, &thr, &thr_owned)) {
        rc = EXIT_USAGE;
        goto end;
    }
    const bmd_missile *im =
        find_interceptor(C, opt_get(&o, "interceptor"), cat, &im_file, &im_owned);
    if (!im) {
        rc = EXIT_USAGE;
        goto end;
    }
    r.threat = thr.v.id;
    r.interceptor = im->v.id;

    bmd_scn_site site;
    memset(&site, 0, sizeof site);
    snprintf(site.name, sizeof site.name, "site");
    site.lat_rad = r.slat * BMD_DEG;
    site.lon_rad = r.slon * BMD_DEG;
    site.h_m = r.sh;
    site.interceptor = im;
    site.inventory = 1;
    site.pk = 0.7;
    bmd_status st = bmd_site_tables(&site, 1, threads, &tables);
    if (st != BMD_OK || !tables || !tables[0]) {
        cli_error(C, "--interceptor %s: its fly-out could not be built: %s",
                  opt_get(&o, "interceptor"), bmd_status_str(st != BMD_OK ? st : BMD_ERR_ARG));
        rc = EXIT_USAGE;
        goto end;
    }
    /* Under MPI the map's cells are shared among the ranks (docs/mpi.md): a failure one rank
     * met above is agreed on first, as every failure after. */
    rc = ranks_agree(C, EXIT_OK);
    if (rc != EXIT_OK)
        goto end;
    da.dist = ranks_dist();
    da.grid_rad = r.grid_deg * BMD_DEG;
    da.region.lat_min_rad = r.region[0] * BMD_DEG;
    da.region.lat_max_rad = r.region[1] * BMD_DEG;
    da.region.lon_min_rad = r.region[2] * BMD_DEG;
    da.region.lon_max_rad = r.region[3] * BMD_DEG;
    da.refine = r.refine;
    da.threads = threads;
    da.seed = r.seed;
    char why[256] = "";
    prog_unit(floor((r.region[1] - r.region[0]) / r.grid_deg + 1e-9) *
                  floor((r.region[3] - r.region[2]) / r.grid_deg + 1e-9),
              "cells");
    st = bmd_defended_area(cat, &site, 1, tables, &thr, r.lat * BMD_DEG, r.lon * BMD_DEG, &da,
                           prog_update, "footprint", &map, why, sizeof why);
    prog_done();
    if (st == BMD_ERR_UNREACHABLE) {
        cli_error(C, "--threat %s from %g, %g: %s", r.threat, r.lat, r.lon,
                  why[0] ? why : "cannot be aimed at the region");
        rc = EXIT_NO_SOLUTION;
        goto end;
    }
    if (st != BMD_OK) {
        cli_error(C, "the defended area failed: %s", why[0] ? why : bmd_status_str(st));
        rc = st == BMD_ERR_ARG ? EXIT_USAGE : EXIT_INTERNAL;
        goto end;
    }
    r.map = &map;
    if (!summarize(&map, r.lat * BMD_DEG, r.lon * BMD_DEG, &r.sum)) {
        cli_error(C, "out of memory");
        rc = EXIT_INTERNAL;
        goto end;
    }
    if (ranks_rank() == 0)
        rc = emit(C, fmt, &r, out_path);
end:
    if (!ranks_failed())
        rc = ranks_agree(C, rc);
    bmd_da_map_free(&map);
    bmd_site_tables_free(tables, 1);
    if (im_owned)
        bmd_missile_free(&im_file);
    if (thr_owned)
        bmd_missile_free(&thr);
    bmd_catalog_free(cat);
    return rc;
}
