/* SPDX-License-Identifier: MIT */
/* analyses.c: a scenario's analyses for bmdsim run: run them, derive the numbers people quote
 * (share of NATO Europe defended, capitals covered, thresholds), and write summary.json, CSV
 * tables, GeoJSON layers and PNG/SVG maps. */
#define _POSIX_C_SOURCE 200809L
#include "analyses.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bmd/parallel.h"
#include "bmd/plot.h"
#include "bmd/replay.h"

/* ------------------------------------------------------------------ output directory */

bool out_dir_begin(const char *C, const char *dir, char *tmp, size_t tmp_size)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        bool empty = false;
        if (S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(dir);
            empty = d != NULL;
            struct dirent *e;
            while (d && (e = readdir(d)))
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                    empty = false;
            if (d)
                closedir(d);
        }
        if (!empty) {
            cli_error(C, "--out %s: it exists and is not an empty directory (bmdsim writes a "
                         "complete new directory: choose another name or remove it)",
                      dir);
            return false;
        }
    }
    int n = snprintf(tmp, tmp_size, "%s.partial-XXXXXX", dir);
    if (n < 0 || (size_t)n >= tmp_size || !mkdtemp(tmp)) {
        cli_error(C, "--out %s: cannot create a directory beside it: %s", dir, strerror(errno));
        return false;
    }
    /* mkdtemp makes it private; the output is an ordinary directory (0777 less the umask). */
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0777 & ~um);
    return true;
}

bool out_dir_commit(const char *C, const char *tmp, const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        rmdir(dir); /* empty, checked at the start */
    if (rename(tmp, dir) != 0) {
        cli_error(C, "--out %s: %s", dir, strerror(errno));
        out_dir_abort(tmp);
        return false;
    }
    return true;
}

void out_dir_abort(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *e;
    char p[2048];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            out_dir_abort(p);
        else
            remove(p);
    }
    closedir(d);
    rmdir(tmp);
}

/* ------------------------------------------------------------------ running */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The number of cells of a map of region g at step (as the maps count them), for the progress
 * bar's rate. */
static double map_cells(const bmd_scn_region *g, double step_rad)
{
    return floor((g->lat_max_rad - g->lat_min_rad) / step_rad + 1e-9) *
           floor((g->lon_max_rad - g->lon_min_rad) / step_rad + 1e-9);
}

static bmd_geo_grid grid_of(double lat0, double lon0, double step, int n_lat, int n_lon)
{
    bmd_geo_grid g = {lat0, lon0, step, n_lat, n_lon};
    return g;
}

void an_cache_free(an_cache *c)
{
    if (!c)
        return;
    for (int k = 0; k < c->n_aimers; k++)
        bmd_aimer_free(c->aimers[k].a);
    for (int k = 0; k < c->n_threat_sets; k++)
        bmd_threat_cases_free(c->threat_sets[k].c, c->threat_sets[k].n);
    memset(c, 0, sizeof *c);
}

/* The cached aimer of m from (lat, lon) over g, made and kept when new (NULL: none, the
 * defended-area call makes its own). */
static const bmd_aimer *cached_aimer(an_cache *c, const bmd_missile *m, double lat, double lon,
                                     const bmd_scn_region *g, int threads)
{
    if (!c)
        return NULL;
    for (int k = 0; k < c->n_aimers; k++)
        if (c->aimers[k].m == m && c->aimers[k].lat == lat && c->aimers[k].lon == lon &&
            memcmp(&c->aimers[k].g, g, sizeof *g) == 0)
            return c->aimers[k].a;
    if (c->n_aimers >= AN_CACHE_AIMERS)
        return NULL;
    bmd_aimer *a = NULL;
    if (bmd_da_aimer(m, lat, lon, g, threads, &a, NULL, 0) != BMD_OK)
        return NULL; /* the defended-area call makes it again and reports why */
    c->aimers[c->n_aimers].m = m;
    c->aimers[c->n_aimers].lat = lat;
    c->aimers[c->n_aimers].lon = lon;
    c->aimers[c->n_aimers].g = *g;
    c->aimers[c->n_aimers].a = a;
    c->n_aimers++;
    return a;
}

/* FNV-1a over bytes. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The threats of the feasibility matrix: bases with their missiles, targets. */
static uint64_t threats_key(const bmd_scenario *s, uint64_t h)
{
    const bmd_scn_analyses *a = &s->analyses;
    for (int k = 0; k < a->fm.n_bases; k++) {
        h = fnv(h, &a->fm.bases[k].lat_rad, sizeof(double));
        h = fnv(h, &a->fm.bases[k].lon_rad, sizeof(double));
        h = fnv(h, a->fm.bases[k].missile->v.id, strlen(a->fm.bases[k].missile->v.id));
    }
    h = fnv(h, "|", 1);
    for (int k = 0; k < a->fm.n_targets; k++) {
        h = fnv(h, &a->fm.targets[k].lat_rad, sizeof(double));
        h = fnv(h, &a->fm.targets[k].lon_rad, sizeof(double));
    }
    return h;
}

/* What a site's guarantee depends on: the site, the interceptor, the cue, the seed, and the
 * threats. */
static uint64_t gu_key(const bmd_scenario *s, const bmd_scn_site *site)
{
    const bmd_scn_analyses *a = &s->analyses;
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, &site->lat_rad, sizeof site->lat_rad);
    h = fnv(h, &site->lon_rad, sizeof site->lon_rad);
    h = fnv(h, &site->h_m, sizeof site->h_m);
    h = fnv(h, a->gu.interceptor->v.id, strlen(a->gu.interceptor->v.id));
    h = fnv(h, &a->gu.cue, sizeof a->gu.cue);
    h = fnv(h, &s->seed, sizeof s->seed);
    /* What the guarantees' cue means in this scenario. */
    const bmd_scn_cue_def *def = &a->cue_defs[a->gu.cue];
    const char *sid = def->sensor ? (def->sensor->kind == BMD_SENSOR_RADAR ? def->sensor->radar.id
                                                                            : def->sensor->ew.id)
                                  : "";
    h = fnv(h, sid, strlen(sid) + 1);
    double place[5] = {def->placed ? 1.0 : 0.0, def->lat_rad, def->lon_rad, def->h_m,
                       def->has_delay ? def->delay_s : -1.0};
    h = fnv(h, place, sizeof place);
    return threats_key(s, h);
}

typedef struct gu_ctx {
    const bmd_catalog *cat;
    const bmd_scenario *s;
    an_result *r;
    const int *todo;
    const bmd_dist *dist;
} gu_ctx;

/* Task j: this process's j-th site of the list todo. */
static bmd_status gu_task(void *vctx, int j)
{
    gu_ctx *c = vctx;
    const bmd_scenario *s = c->s;
    int k = c->todo[bmd_dist_item(c->dist, j)];
    return bmd_guarantee_site(c->cat, s->analyses.gu.interceptor, s->sites[k].lat_rad,
                              s->sites[k].lon_rad, s->sites[k].h_m, c->r->fm.threats,
                              c->r->fm.n_threats, s->analyses.gu.cue, s->analyses.cue_defs,
                              s->seed, &c->r->gu[k]);
}

/* A site's guarantee as the processes exchange it (a plain struct of numbers). */
static void gu_pack(void *vctx, int i, void *rec)
{
    const gu_ctx *c = vctx;
    memcpy(rec, &c->r->gu[c->todo[i]], sizeof(bmd_gu_site));
}

static void gu_unpack(void *vctx, int i, const void *rec)
{
    gu_ctx *c = vctx;
    memcpy(&c->r->gu[c->todo[i]], rec, sizeof(bmd_gu_site));
}

/* Share of NATO Europe defended and capitals covered, for one map. */
static void derive_da(an_result *r, an_da *d)
{
    const bmd_da_map *m = &d->map;
    bmd_geo_grid g = grid_of(m->lat0_rad, m->lon0_rad, m->step_rad, m->n_lat, m->n_lon);
    size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
    uint8_t *def = malloc(nc);
    uint8_t *nato = calloc(nc, 1);
    d->share_nato = NAN;
    d->defended_km2 = NAN;
    if (def && nato) {
        for (size_t k = 0; k < nc; k++)
            def[k] = m->cls[k] == BMD_DA_DEFENDED;
        d->defended_km2 = bmd_geo_mask_area_m2(&g, def) / 1e6;
        if (r->countries && r->have_nato) {
            const char **codes = bmd_geo_members_codes(&r->nato);
            if (codes && bmd_geo_mask_members(r->countries, codes, r->nato.n, &g, nato, NULL, 0) ==
                             BMD_OK)
                d->share_nato = bmd_geo_mask_share(&g, def, nato);
            free((void *)codes);
        }
    }
    free(def);
    free(nato);
    d->n_capitals = 0;
    d->n_covered = 0;
    for (int k = 0; r->have_nato && k < r->nato.n && k < 64; k++) {
        bmd_da_class c = bmd_da_map_at(m, r->nato.m[k].capital_lat_rad,
                                       r->nato.m[k].capital_lon_rad, NULL);
        d->reached[k] = c != BMD_DA_UNREACHED;
        d->covered[k] = c == BMD_DA_DEFENDED;
        d->n_capitals += d->reached[k];
        d->n_covered += d->covered[k];
    }
}

int an_run(const char *C, const bmd_catalog *cat, const bmd_scenario *s, const an_opts *o,
           an_result *r)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->cat = cat;
    double t0 = now_s();
    const bmd_scn_analyses *a = &s->analyses;
    char label[96];
    /* Geography: optional (the maps and shares need it; the physics does not). */
    bmd_load_error err;
    char path[1024];
    if (bmd_geo_countries_load(bmd_geo_countries_default_path(path, sizeof path), &r->countries,
                               &err) != BMD_OK) {
        cli_load_error(C, NULL, &err);
        r->countries = NULL;
    }
    if (bmd_geo_members_load(NULL, &r->nato, &err) == BMD_OK)
        r->have_nato = true;
    else
        cli_load_error(C, NULL, &err);
    /* The sites' fly-out tables, for the defended area and the matrix alike (freed by
     * an_free, whatever happens below). */
    bmd_flyout **tab = NULL;
    if ((a->defended_area || a->feasibility_matrix) && s->n_sites > 0) {
        bmd_status st = bmd_site_tables(s->sites, s->n_sites, o->threads, &tab);
        if (st != BMD_OK) {
            cli_error(C, "%s: fly-out tables: %s", s->name, bmd_status_str(st));
            return EXIT_INTERNAL;
        }
        r->tables = tab;
        r->n_tables = s->n_sites;
    }
    if (a->defended_area && s->n_sites > 0) {
        bmd_da_opts dopt = bmd_da_default_opts();
        dopt.cue = a->da.cue;
        dopt.cue_defs = a->cue_defs;
        r->grid_deg = fmax(a->da.grid_deg, o->min_grid_deg);
        dopt.grid_rad = r->grid_deg * BMD_DEG;
        dopt.region = a->da.region;
        dopt.threads = o->threads;
        dopt.seed = s->seed;
        dopt.dist = o->dist;
        for (int k = 0; k < a->da.n_launch_areas; k++) {
            an_da *d = &r->da[r->n_da];
            d->launch = a->da.launch_areas[k];
            dopt.aimer = cached_aimer(o->cache, a->da.missile, d->launch.lat_rad,
                                      d->launch.lon_rad, &dopt.region, o->threads);
            snprintf(label, sizeof label, "%s: defended area, %s", o->label ? o->label : "",
                     d->launch.name);
            char why[200];
            prog_unit(map_cells(&dopt.region, dopt.grid_rad), "cells");
            bmd_status st = bmd_defended_area(cat, s->sites, s->n_sites, tab, a->da.missile,
                                   d->launch.lat_rad, d->launch.lon_rad, &dopt, prog_update, label,
                                   &d->map, why, sizeof why);
            if (st != BMD_OK) {
                prog_done();
                cli_error(C, "%s: defended area from %s: %s", s->name, d->launch.name, why);
                return EXIT_INTERNAL;
            }
            derive_da(r, d);
            r->n_da++;
        }
    }
    if (a->feasibility_matrix && s->n_sites > 0) {
        snprintf(label, sizeof label, "%s: feasibility matrix", o->label ? o->label : "");
        prog_unit(0.0, NULL);
        prog_update(0.0, label);
        /* The threats flown once for every scenario of the run with the same bases and
         * targets. */
        bmd_threat_case *tc = NULL;
        int n_tc = 0;
        bmd_status st = BMD_OK;
        if (o->cache) {
            uint64_t key = threats_key(s, 1469598103934665603ULL);
            for (int k = 0; k < o->cache->n_threat_sets && !tc; k++)
                if (o->cache->threat_sets[k].key == key) {
                    tc = o->cache->threat_sets[k].c;
                    n_tc = o->cache->threat_sets[k].n;
                }
            if (!tc && o->cache->n_threat_sets < 8) {
                st = bmd_threat_cases_fly(a->fm.bases, a->fm.n_bases, a->fm.targets,
                                          a->fm.n_targets, o->threads, &tc, &n_tc);
                if (st == BMD_OK) {
                    int k = o->cache->n_threat_sets++;
                    o->cache->threat_sets[k].key = key;
                    o->cache->threat_sets[k].c = tc;
                    o->cache->threat_sets[k].n = n_tc;
                }
            }
        }
        if (st == BMD_OK)
            st = tc ? bmd_feasibility_matrix_on(cat, s, tc, n_tc, tab, o->threads, &r->fm)
                    : bmd_feasibility_matrix(cat, s, o->threads, &r->fm);
        if (st != BMD_OK) {
            prog_done();
            cli_error(C, "%s: feasibility matrix: %s", s->name, bmd_status_str(st));
            return EXIT_INTERNAL;
        }
        r->have_fm = true;
        prog_update(1.0, label);
    }
    if (a->guarantees && r->have_fm && a->gu.interceptor) {
        snprintf(label, sizeof label, "%s: guarantees", o->label ? o->label : "");
        prog_unit(0.0, NULL);
        prog_update(0.0, label);
        int todo[BMD_SCN_MAX_SITES];
        uint64_t keys[BMD_SCN_MAX_SITES];
        int n_todo = 0;
        for (int k = 0; k < s->n_sites; k++) {
            keys[k] = gu_key(s, &s->sites[k]);
            bool found = false;
            for (int j = 0; o->cache && j < o->cache->n_gu && !found; j++)
                if (o->cache->gu[j].key == keys[k]) {
                    r->gu[k] = o->cache->gu[j].r;
                    found = true;
                }
            if (!found)
                todo[n_todo++] = k;
        }
        /* The sites shared among the processes (o->dist), each site's search on one. */
        gu_ctx gc = {cat, s, r, todo, o->dist};
        int f = -1;
        bmd_status st = bmd_parallel_for(bmd_dist_count(o->dist, n_todo), o->threads, gu_task,
                                         &gc, &f);
        long failed = st == BMD_OK ? -1 : bmd_dist_item(o->dist, f);
        st = bmd_dist_exchange(o->dist, n_todo, st, &failed, sizeof(bmd_gu_site), gu_pack,
                               gu_unpack, &gc);
        if (st != BMD_OK) {
            prog_done();
            if (failed >= 0)
                cli_error(C, "%s: guarantees for %s: %s", s->name, s->sites[todo[failed]].name,
                          bmd_status_str(st));
            else
                cli_error(C, "%s: guarantees: %s", s->name, bmd_status_str(st));
            return EXIT_INTERNAL;
        }
        for (int i = 0; o->cache && i < n_todo && o->cache->n_gu < AN_CACHE_GU; i++) {
            o->cache->gu[o->cache->n_gu].key = keys[todo[i]];
            o->cache->gu[o->cache->n_gu].r = r->gu[todo[i]];
            o->cache->n_gu++;
        }
        prog_update(1.0, label);
        r->have_gu = true;
        if (o->guarantee_map) {
            snprintf(label, sizeof label, "%s: safe-zone map", o->label ? o->label : "");
            char why[200];
            double step = fmax(a->gu.grid_deg, o->min_grid_deg) * BMD_DEG;
            prog_unit(map_cells(&a->gu.region, step), "cells");
            st = bmd_guarantee_map_dist(
                cat, a->gu.interceptor, a->gu.burnout_speed_m_s, r->fm.threats, r->fm.n_threats,
                a->gu.cue, a->cue_defs, step, &a->gu.region, s->seed, o->threads, o->dist,
                prog_update, label, &r->gu_map, why, sizeof why);
            if (st != BMD_OK) {
                prog_done();
                cli_error(C, "%s: %s", s->name, why);
                return EXIT_INTERNAL;
            }
            r->have_gu_map = true;
        }
    }
    if (a->kaliningrad) {
        snprintf(label, sizeof label, "%s: Kaliningrad", o->label ? o->label : "");
        prog_unit(0.0, NULL);
        prog_update(0.0, label);
        bmd_kaliningrad_opts ko = bmd_kaliningrad_default_opts();
        ko.seed = s->seed;
        char why[200];
        bmd_status st = bmd_kaliningrad_run(cat, &ko, &r->kgd, why, sizeof why);
        if (st != BMD_OK) {
            prog_done();
            cli_error(C, "%s: Kaliningrad: %s", s->name, why);
            return EXIT_INTERNAL;
        }
        r->have_kgd = true;
    }
    if (o->raid_runs > 0 && s->n_threats > 0 && s->n_sites > 0) {
        snprintf(label, sizeof label, "%s: the raid", o->label ? o->label : "");
        prog_unit(0.0, NULL);
        prog_update(0.0, label);
        char why[256] = "";
        /* The sites' tables of the maps and the matrix, when built: the raid's own. */
        bmd_status st = bmd_raid_prepare_tables(s, o->threads, r->tables, &r->raid, why,
                                                sizeof why);
        if (st == BMD_OK)
            st = bmd_raid_play(r->raid, s->seed, 0, &r->play);
        if (st == BMD_OK) {
            st = bmd_raid_monte_carlo(r->raid, s->seed, o->raid_runs, o->threads, &r->mc);
            if (st != BMD_OK)
                bmd_raid_result_free(&r->play);
        }
        if (st != BMD_OK) {
            prog_done();
            cli_error(C, "%s: the raid: %s", s->name, why[0] ? why : bmd_status_str(st));
            bmd_raid_free(r->raid);
            r->raid = NULL;
            return EXIT_INTERNAL;
        }
        r->have_raid = true;
    }
    prog_done();
    r->seconds = now_s() - t0;
    return EXIT_OK;
}

void an_free(an_result *r)
{
    if (r->have_raid) {
        bmd_raid_result_free(&r->play);
        bmd_raid_mc_free(&r->mc);
    }
    bmd_raid_free(r->raid); /* before the tables it borrows */
    bmd_site_tables_free(r->tables, r->n_tables);
    for (int k = 0; k < r->n_da; k++)
        bmd_da_map_free(&r->da[k].map);
    if (r->have_fm)
        bmd_fm_result_free(&r->fm);
    if (r->have_gu_map)
        bmd_gu_map_free(&r->gu_map);
    if (r->have_kgd)
        bmd_kaliningrad_free(&r->kgd);
    bmd_geo_countries_free(r->countries);
    if (r->have_nato)
        bmd_geo_members_free(&r->nato);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ JSON */

static const char *cue_str(const an_result *r, int q)
{
    return bmd_cue_name(r->s->analyses.fm.cues[q]);
}

static void place_json(cJSON *o, const bmd_scn_place *p)
{
    cJSON_AddStringToObject(o, "name", p->name);
    json_num(o, "lat_deg", p->lat_rad / BMD_DEG);
    json_num(o, "lon_deg", p->lon_rad / BMD_DEG);
    if (p->missile)
        cJSON_AddStringToObject(o, "missile", p->missile->v.id);
}

static void window_json(cJSON *o, const bmd_intercept *w)
{
    cJSON_AddBoolToObject(o, "engageable", w->engageable);
    cJSON_AddStringToObject(o, "reason", bmd_intercept_reason_str(w->reason));
    json_num(o, "margin_s", w->margin_s);
    if (w->engageable) {
        json_num(o, "earliest_intercept_s", w->earliest_intercept_s);
        json_num(o, "intercept_altitude_km", w->intercept_altitude_m / 1e3);
        json_num(o, "closing_speed_km_s", w->closing_speed_m_s / 1e3);
    }
}

/* Per site and cue: engageable pairs over the bases x targets (delay index 0). */
static int fm_count(const an_result *r, int site, int q, int delay)
{
    int n = 0;
    const bmd_fm_result *f = &r->fm;
    for (int k = 0; k < f->n_cells; k++) {
        const bmd_fm_cell *c = &f->cells[k];
        if (c->site == site && c->cue == q && c->delay == delay && c->w.engageable)
            n++;
    }
    return n;
}

cJSON *an_json(const an_result *r)
{
    const bmd_scenario *s = r->s;
    const bmd_scn_analyses *a = &s->analyses;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scenario", s->name);
    cJSON_AddNumberToObject(root, "seed", (double)s->seed);
    /* What each assumption set means here: every assumption visible. */
    cJSON *cdefs = cJSON_AddArrayToObject(root, "cue_definitions");
    for (int q = 0; q < BMD_N_CUES; q++) {
        const bmd_cue_spec *cs = bmd_cue_spec_of((bmd_cue)q);
        const bmd_scn_cue_def *def = &a->cue_defs[q];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "cue", bmd_cue_name((bmd_cue)q));
        const char *sensor = def->sensor ? (def->sensor->kind == BMD_SENSOR_RADAR
                                                ? def->sensor->radar.id
                                                : def->sensor->ew.id)
                                         : cs->sensor;
        if (sensor)
            cJSON_AddStringToObject(e, "sensor", sensor);
        else
            cJSON_AddNullToObject(e, "sensor");
        if (cs->at_site) {
            cJSON_AddStringToObject(e, "where", "at each interceptor site, 25 m up");
        } else if (def->placed) {
            json_num(e, "lat_deg", def->lat_rad / BMD_DEG);
            json_num(e, "lon_deg", def->lon_rad / BMD_DEG);
            json_num(e, "height_m", def->h_m);
        } else if (sensor) {
            const bmd_sensor_entry *se =
                def->sensor ? def->sensor : bmd_catalog_find_sensor(r->cat, sensor);
            if (se && se->kind == BMD_SENSOR_RADAR) {
                json_num(e, "lat_deg", se->radar.lat_rad / BMD_DEG);
                json_num(e, "lon_deg", se->radar.lon_rad / BMD_DEG);
            }
        }
        json_num(e, "delay_s", def->has_delay ? def->delay_s : cs->delay_s);
        cJSON_AddBoolToObject(e, "scenario_defined", def->sensor || def->placed ||
                                                         def->has_delay);
        cJSON_AddItemToArray(cdefs, e);
    }
    cJSON *sites = cJSON_AddArrayToObject(root, "sites");
    for (int k = 0; k < s->n_sites; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", s->sites[k].name);
        json_num(e, "lat_deg", s->sites[k].lat_rad / BMD_DEG);
        json_num(e, "lon_deg", s->sites[k].lon_rad / BMD_DEG);
        cJSON_AddStringToObject(e, "interceptor", s->sites[k].interceptor->v.id);
        cJSON_AddNumberToObject(e, "inventory", s->sites[k].inventory);
        cJSON_AddItemToArray(sites, e);
    }
    if (r->n_da > 0) {
        cJSON *da = cJSON_AddObjectToObject(root, "defended_area");
        cJSON_AddStringToObject(da, "missile", a->da.missile->v.id);
        cJSON_AddStringToObject(da, "cue", bmd_cue_name(a->da.cue));
        json_num(da, "grid_deg", r->grid_deg);
        cJSON *arr = cJSON_AddArrayToObject(da, "launch_areas");
        for (int k = 0; k < r->n_da; k++) {
            const an_da *d = &r->da[k];
            cJSON *e = cJSON_CreateObject();
            place_json(e, &d->launch);
            int cnt[3] = {0, 0, 0};
            size_t nc = (size_t)d->map.n_lat * (size_t)d->map.n_lon;
            for (size_t c = 0; c < nc; c++)
                cnt[d->map.cls[c]]++;
            cJSON_AddNumberToObject(e, "cells", (double)nc);
            cJSON_AddNumberToObject(e, "cells_reached", cnt[1] + cnt[2]);
            cJSON_AddNumberToObject(e, "cells_defended", cnt[2]);
            cJSON_AddNumberToObject(e, "cells_evaluated", d->map.n_evaluated);
            json_num(e, "defended_area_km2", d->defended_km2);
            json_num(e, "share_of_nato_europe", d->share_nato);
            cJSON *caps = cJSON_AddArrayToObject(e, "capitals_covered");
            cJSON *unc = cJSON_AddArrayToObject(e, "capitals_in_reach_not_covered");
            for (int m = 0; r->have_nato && m < r->nato.n && m < 64; m++) {
                if (d->covered[m])
                    cJSON_AddItemToArray(caps, cJSON_CreateString(r->nato.m[m].capital));
                else if (d->reached[m])
                    cJSON_AddItemToArray(unc, cJSON_CreateString(r->nato.m[m].capital));
            }
            cJSON *per = cJSON_AddArrayToObject(e, "cells_defended_by_site");
            for (int si = 0; si < s->n_sites; si++) {
                int n = 0;
                for (size_t c = 0; si < 32 && c < nc; c++)
                    n += (d->map.sites[c] >> si) & 1u;
                cJSON_AddItemToArray(per, cJSON_CreateNumber(n));
            }
            cJSON_AddItemToArray(arr, e);
        }
    }
    if (r->have_fm) {
        cJSON *fm = cJSON_AddObjectToObject(root, "feasibility_matrix");
        cJSON *cues = cJSON_AddArrayToObject(fm, "cues");
        for (int q = 0; q < a->fm.n_cues; q++)
            cJSON_AddItemToArray(cues, cJSON_CreateString(cue_str(r, q)));
        cJSON *dl = cJSON_AddArrayToObject(fm, "launch_delays_s");
        for (int d = 0; d < a->fm.n_delays; d++)
            cJSON_AddItemToArray(dl, cJSON_CreateNumber(a->fm.delays_s[d]));
        cJSON *th = cJSON_AddArrayToObject(fm, "threats");
        for (int t = 0; t < r->fm.n_threats; t++) {
            const bmd_threat_case *tc = &r->fm.threats[t];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "missile", tc->missile->v.id);
            cJSON_AddStringToObject(e, "base", a->fm.bases[tc->base].name);
            cJSON_AddStringToObject(e, "target", a->fm.targets[tc->target].name);
            cJSON_AddBoolToObject(e, "flown", tc->st == BMD_OK);
            if (tc->st == BMD_OK) {
                json_num(e, "flight_time_s", tc->tr.sum.flight_time_s);
                json_num(e, "apogee_km", tc->tr.sum.apogee_m / 1e3);
                json_num(e, "burnout_time_s", tc->tr.sum.burnout_time_s);
            } else {
                cJSON_AddStringToObject(e, "why", tc->why);
            }
            cJSON_AddItemToArray(th, e);
        }
        /* Per site and cue (no extra delay): how many threats it could engage. */
        cJSON *sum = cJSON_AddArrayToObject(fm, "engageable_by_site_and_cue");
        for (int k = 0; k < s->n_sites; k++)
            for (int q = 0; q < a->fm.n_cues; q++) {
                cJSON *e = cJSON_CreateObject();
                cJSON_AddStringToObject(e, "site", s->sites[k].name);
                cJSON_AddStringToObject(e, "cue", cue_str(r, q));
                cJSON_AddNumberToObject(e, "engageable", fm_count(r, k, q, 0));
                cJSON_AddNumberToObject(e, "of", r->fm.n_threats);
                cJSON_AddItemToArray(sum, e);
            }
        cJSON *cells = cJSON_AddArrayToObject(fm, "cells");
        for (int k = 0; k < r->fm.n_cells; k++) {
            const bmd_fm_cell *c = &r->fm.cells[k];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "threat", c->threat);
            cJSON_AddStringToObject(e, "site", s->sites[c->site].name);
            cJSON_AddStringToObject(e, "cue", cue_str(r, c->cue));
            json_num(e, "launch_delay_s", a->fm.delays_s[c->delay]);
            json_num(e, "earliest_launch_allowed_s", c->t_min_s);
            window_json(e, &c->w);
            cJSON_AddItemToArray(cells, e);
        }
    }
    if (r->have_gu) {
        cJSON *gu = cJSON_AddObjectToObject(root, "guarantees");
        cJSON_AddStringToObject(gu, "interceptor", a->gu.interceptor->v.id);
        cJSON_AddStringToObject(gu, "cue", bmd_cue_name(a->gu.cue));
        cJSON *arr = cJSON_AddArrayToObject(gu, "sites");
        for (int k = 0; k < s->n_sites; k++) {
            const bmd_gu_site *g = &r->gu[k];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "site", s->sites[k].name);
            json_num(e, "min_burnout_speed_km_s", g->min_burnout_speed_m_s / 1e3);
            json_num(e, "max_burnout_speed_tried_km_s", g->top_m_s / 1e3);
            if (g->threat >= 0) {
                const bmd_threat_case *tc = &r->fm.threats[g->threat];
                cJSON_AddStringToObject(e, "first_engaged_missile", tc->missile->v.id);
                cJSON_AddStringToObject(e, "first_engaged_base", a->fm.bases[tc->base].name);
                cJSON_AddStringToObject(e, "first_engaged_target",
                                        a->fm.targets[tc->target].name);
            }
            cJSON_AddNumberToObject(e, "fly_out_tables", g->evaluations);
            cJSON_AddItemToArray(arr, e);
        }
        if (r->have_gu_map) {
            const bmd_gu_map *m = &r->gu_map;
            cJSON *mp = cJSON_AddObjectToObject(gu, "safe_zone_map");
            json_num(mp, "burnout_speed_km_s", a->gu.burnout_speed_m_s / 1e3);
            json_num(mp, "grid_deg", m->step_rad / BMD_DEG);
            size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
            int safe = 0;
            uint8_t *mask = malloc(nc);
            for (size_t c = 0; c < nc; c++) {
                safe += m->n_engaged[c] == 0;
                if (mask)
                    mask[c] = m->n_engaged[c] == 0;
            }
            cJSON_AddNumberToObject(mp, "cells", (double)nc);
            cJSON_AddNumberToObject(mp, "cells_safe", safe);
            if (mask) {
                bmd_geo_grid g = grid_of(m->lat0_rad, m->lon0_rad, m->step_rad, m->n_lat, m->n_lon);
                json_num(mp, "safe_area_km2", bmd_geo_mask_area_m2(&g, mask) / 1e6);
            }
            free(mask);
        }
    }
    if (r->have_kgd) {
        const bmd_kaliningrad_result *k = &r->kgd;
        cJSON *kg = cJSON_AddObjectToObject(root, "kaliningrad");
        cJSON *st = cJSON_AddArrayToObject(kg, "iskander_strikes");
        for (int i = 0; i < k->n_strikes; i++) {
            const bmd_kgd_strike *x = &k->strikes[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "place", x->place.name);
            json_num(e, "range_km", x->range_m / 1e3);
            cJSON_AddBoolToObject(e, "in_range", x->in_range);
            json_num(e, "flight_time_s", x->flight_time_s);
            json_num(e, "apogee_km", x->apogee_m / 1e3);
            cJSON_AddItemToArray(st, e);
        }
        cJSON *sams = cJSON_AddArrayToObject(kg, "s400");
        for (int i = 0; i < k->n_sams; i++) {
            const bmd_kgd_sam *x = &k->sams[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "missile", x->id);
            cJSON *env = cJSON_AddArrayToObject(e, "envelopes");
            for (int j = 0; j < x->n_env; j++) {
                cJSON *v = cJSON_CreateObject();
                json_num(v, "altitude_km", x->env[j].alt_m / 1e3);
                cJSON_AddBoolToObject(v, "in_band", x->env[j].in_band);
                json_num(v, "range_min_km", x->env[j].range_min_m / 1e3);
                json_num(v, "range_max_km", x->env[j].range_max_m / 1e3);
                cJSON_AddItemToArray(env, v);
            }
            cJSON *cov = cJSON_AddArrayToObject(e, "airspace_over_places");
            for (int j = 0; j < k->n_strikes; j++) {
                cJSON *v = cJSON_CreateObject();
                cJSON_AddStringToObject(v, "place", k->strikes[j].place.name);
                cJSON_AddBoolToObject(v, "reachable", x->cover[j].reachable);
                json_num(v, "flyout_s", x->cover[j].flyout_s);
                cJSON_AddItemToArray(cov, v);
            }
            cJSON_AddItemToArray(sams, e);
        }
        cJSON *rad = cJSON_AddObjectToObject(kg, "voronezh");
        cJSON_AddStringToObject(rad, "radar", k->radar_id);
        cJSON *cv = cJSON_AddArrayToObject(rad, "coverage");
        for (int i = 0; i < k->n_coverage; i++) {
            const bmd_kgd_coverage *c = &k->coverage[i];
            cJSON *e = cJSON_CreateObject();
            json_num(e, "rcs_m2", c->rcs_m2);
            json_num(e, "altitude_km", c->alt_m / 1e3);
            json_num(e, "range_max_km", c->range_max_m / 1e3);
            cJSON_AddStringToObject(e, "limited_by", c->limit ? c->limit : "");
            cJSON_AddItemToArray(cv, e);
        }
        cJSON *si = cJSON_AddArrayToObject(rad, "sights");
        for (int i = 0; i <= k->n_sights; i++) {
            const bmd_kgd_sight *x = i < k->n_sights ? &k->sights[i] : &k->interceptor;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "trajectory", x->name);
            json_num(e, "first_detection_s", x->first_detection_s);
            json_num(e, "track_confirmed_s", x->track_confirmed_s);
            json_num(e, "warning_s", x->warning_s);
            cJSON_AddItemToArray(si, e);
        }
    }
    if (r->have_raid) {
        cJSON *rd = cJSON_AddObjectToObject(root, "raid");
        const bmd_raid_result *p = &r->play;
        cJSON_AddNumberToObject(rd, "interceptors_fired_run0", p->fired);
        cJSON_AddNumberToObject(rd, "leakers_run0", p->leakers);
        cJSON *ta = cJSON_AddArrayToObject(rd, "threats_run0");
        for (int i = 0; i < p->n_threats; i++) {
            const bmd_threat_outcome *t = &p->threats[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "missile", s->threats[i].missile->v.id);
            json_num(e, "launch_s", t->launch_s);
            json_num(e, "tracked_s", t->track_s);
            json_num(e, "launch_authority_s", t->authority_s);
            json_raid_sensors(e, r->raid, s, i);
            cJSON_AddNumberToObject(e, "fired", t->fired);
            cJSON_AddBoolToObject(e, "leaked", t->leaked);
            if (t->why[0])
                cJSON_AddStringToObject(e, "why", t->why);
            cJSON_AddItemToArray(ta, e);
        }
        double lo;
        double hi;
        bmd_wilson_interval((double)r->mc.any_leak, (double)r->mc.runs, &lo, &hi);
        cJSON *mc = cJSON_AddObjectToObject(rd, "monte_carlo");
        cJSON_AddNumberToObject(mc, "runs", (double)r->mc.runs);
        json_num(mc, "leak_probability", (double)r->mc.any_leak / (double)r->mc.runs);
        json_num(mc, "leak_probability_lo", lo);
        json_num(mc, "leak_probability_hi", hi);
        json_num(mc, "interceptors_per_run", (double)r->mc.fired / (double)r->mc.runs);
    }
    json_num(root, "analyses_wall_s", r->seconds);
    return root;
}

/* ------------------------------------------------------------------ text */

void an_text(const an_result *r)
{
    const bmd_scenario *s = r->s;
    const bmd_scn_analyses *a = &s->analyses;
    printf("%s\n", s->name);
    printf("  sites:");
    for (int k = 0; k < s->n_sites; k++)
        printf("%s %s (%s)", k ? "," : "", s->sites[k].name, s->sites[k].interceptor->v.id);
    printf("\n");
    for (int k = 0; k < r->n_da; k++) {
        const an_da *d = &r->da[k];
        printf("  defended against %s from %s (cue %s, %.2g deg grid): ", a->da.missile->v.id,
               d->launch.name, bmd_cue_name(a->da.cue), r->grid_deg);
        if (isfinite(d->share_nato))
            printf("%.0f%% of NATO Europe's land, ", 100.0 * d->share_nato);
        printf("%d of the %d NATO capitals in its reach\n", d->n_covered, d->n_capitals);
        if (d->n_covered > 0) {
            printf("    covered:");
            int col = 12;
            for (int m = 0; m < r->nato.n && m < 64; m++)
                if (d->covered[m]) {
                    int w = (int)strlen(r->nato.m[m].capital) + 1;
                    if (col + w > 96) {
                        printf("\n            ");
                        col = 12;
                    }
                    printf(" %s", r->nato.m[m].capital);
                    col += w;
                }
            printf("\n");
        }
    }
    if (r->have_fm) {
        printf("  Russian ICBMs (%d base-target pairs) each site could engage, per cue:\n",
               r->fm.n_threats);
        printf("    %-28s", "site");
        for (int q = 0; q < a->fm.n_cues; q++)
            printf(" %14s", cue_str(r, q));
        printf("\n");
        for (int k = 0; k < s->n_sites; k++) {
            printf("    %-28.28s", s->sites[k].name);
            for (int q = 0; q < a->fm.n_cues; q++)
                printf(" %14d", fm_count(r, k, q, 0));
            printf("\n");
        }
        if (a->fm.n_delays > 1) {
            printf("    (with a launch %g s later:", a->fm.delays_s[a->fm.n_delays - 1]);
            for (int k = 0; k < s->n_sites; k++) {
                int n = 0;
                for (int q = 0; q < a->fm.n_cues; q++)
                    n += fm_count(r, k, q, a->fm.n_delays - 1);
                printf(" %s %d", s->sites[k].name, n);
            }
            printf(" engageable cells over all cues)\n");
        }
    }
    if (r->have_gu) {
        printf("  least %s burnout speed that engages any of them (cue %s):\n",
               a->gu.interceptor->v.id, bmd_cue_name(a->gu.cue));
        for (int k = 0; k < s->n_sites; k++) {
            const bmd_gu_site *g = &r->gu[k];
            if (isfinite(g->min_burnout_speed_m_s)) {
                const bmd_threat_case *tc = &r->fm.threats[g->threat];
                printf("    %-28.28s %5.2f km/s (first: %s from %s to %s)\n", s->sites[k].name,
                       g->min_burnout_speed_m_s / 1e3, tc->missile->v.id,
                       a->fm.bases[tc->base].name, a->fm.targets[tc->target].name);
            } else {
                printf("    %-28.28s none up to %.1f km/s\n", s->sites[k].name, g->top_m_s / 1e3);
            }
        }
    }
    if (r->have_gu_map) {
        const bmd_gu_map *m = &r->gu_map;
        size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
        size_t safe = 0;
        for (size_t c = 0; c < nc; c++)
            safe += m->n_engaged[c] == 0;
        printf("  safe deployment zones at %.2f km/s: %zu of %zu cells (%.2g deg) engage none\n",
               a->gu.burnout_speed_m_s / 1e3, safe, nc, m->step_rad / BMD_DEG);
    }
    if (r->have_raid) {
        double lo;
        double hi;
        bmd_wilson_interval((double)r->mc.any_leak, (double)r->mc.runs, &lo, &hi);
        printf("  the raid (%d threats): run 0 fires %d interceptors, %d leak; over %ld runs the "
               "chance that any leaks is %.3f [%.3f, %.3f]\n",
               r->play.n_threats, r->play.fired, r->play.leakers, r->mc.runs,
               (double)r->mc.any_leak / (double)r->mc.runs, lo, hi);
    }
    if (r->have_kgd) {
        const bmd_kaliningrad_result *k = &r->kgd;
        printf("  Iskander-M from Kaliningrad:");
        for (int i = 0; i < k->n_strikes; i++) {
            const bmd_kgd_strike *x = &k->strikes[i];
            if (x->in_range)
                printf(" %s %.0f km %.1f min;", x->place.name, x->range_m / 1e3,
                       x->flight_time_s / 60.0);
            else
                printf(" %s out of range;", x->place.name);
        }
        printf("\n");
        for (int i = 0; i < k->n_sams; i++) {
            const bmd_kgd_sam *x = &k->sams[i];
            printf("  %s airspace at 10 km over:", x->id);
            int n = 0;
            for (int j = 0; j < k->n_strikes; j++)
                if (x->cover[j].reachable) {
                    printf(" %s", k->strikes[j].place.name);
                    n++;
                }
            printf("%s\n", n ? "" : " none of the places");
        }
    }
}

/* ------------------------------------------------------------------ files */

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf;

static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->failed = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

/* A text field for CSV (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote
 * or a line break (site names such as "Aegis ship, North Sea" do). */
static void bstr(buf *b, const char *t)
{
    if (!strpbrk(t, ",\"\r\n")) {
        bprintf(b, "%s", t);
        return;
    }
    bprintf(b, "\"");
    for (const char *c = t; *c; c++)
        bprintf(b, *c == '"' ? "\"\"" : "%c", *c);
    bprintf(b, "\"");
}

/* A number for CSV: empty when not finite. */
static void bnum(buf *b, double v, const char *fmt)
{
    if (isfinite(v))
        bprintf(b, fmt, v);
}

static bool put(const char *C, const char *dir, const char *name, buf *b)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok = !b->failed && write_file_atomic(C, path, b->p ? b->p : "", b->len);
    if (b->failed)
        cli_error(C, "%s: out of memory", path);
    free(b->p);
    memset(b, 0, sizeof *b);
    return ok;
}

static bool put_geojson_mask(const char *C, const char *dir, const char *name,
                             const bmd_geo_grid *g, const uint8_t *mask, const bmd_geo_prop *props,
                             int n_props, const bmd_scenario *s)
{
    char path[2048];
    char tmp[2100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        cli_error(C, "cannot write %s: %s", tmp, strerror(errno));
        return false;
    }
    bmd_geo_polygons poly;
    bmd_status st = bmd_geo_mask_polygons(g, mask, &poly);
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    if (st == BMD_OK) {
        bmd_geojson_polygons(&w, &poly, props, n_props);
        bmd_geo_polygons_free(&poly);
    }
    for (int k = 0; k < s->n_sites; k++) {
        bmd_geo_prop sp[3] = {{"kind", "site", 0.0},
                              {"name", s->sites[k].name, 0.0},
                              {"interceptor", s->sites[k].interceptor->v.id, 0.0}};
        bmd_geojson_point(&w, s->sites[k].lat_rad, s->sites[k].lon_rad, sp, 3);
    }
    bmd_status se = bmd_geojson_end(&w);
    bool ok = fclose(fp) == 0 && st == BMD_OK && se == BMD_OK;
    if (!ok || rename(tmp, path) != 0) {
        cli_error(C, "cannot write %s", path);
        remove(tmp);
        return false;
    }
    return true;
}

static bool put_map(const char *C, const char *dir, const char *stem, bmd_map *m)
{
    char path[2048];
    bool ok = true;
    const char *ext[2] = {"png", "svg"};
    for (int k = 0; k < 2 && ok; k++) {
        char tmp[2100];
        snprintf(path, sizeof path, "%s/%s.%s", dir, stem, ext[k]);
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%s", dir, stem, ext[k]);
        bmd_status st = k == 0 ? bmd_map_write_png(m, tmp) : bmd_map_write_svg(m, tmp);
        if (st != BMD_OK || rename(tmp, path) != 0) {
            cli_error(C, "cannot write %s: %s", path, bmd_status_str(st));
            remove(tmp);
            ok = false;
        }
    }
    return ok;
}

static void map_sites(bmd_map *m, const bmd_scenario *s)
{
    for (int k = 0; k < s->n_sites; k++)
        bmd_map_point(m, s->sites[k].lat_rad, s->sites[k].lon_rad, bmd_plot_palette(0), 4.0,
                      s->sites[k].name);
}

static void slug(char *out, size_t n, const char *name)
{
    size_t j = 0;
    for (size_t i = 0; name[i] && j + 1 < n; i++) {
        char c = name[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[j++] = c;
        else if (c >= 'A' && c <= 'Z')
            out[j++] = (char)(c - 'A' + 'a');
        else if (j > 0 && out[j - 1] != '-')
            out[j++] = '-';
    }
    while (j > 0 && out[j - 1] == '-')
        j--;
    out[j] = '\0';
    if (!j)
        snprintf(out, n, "x");
}

static bool write_da(const char *C, const an_result *r, const char *dir, int k)
{
    const bmd_scenario *s = r->s;
    const an_da *d = &r->da[k];
    const bmd_da_map *m = &d->map;
    char sl[64];
    char name[128];
    slug(sl, sizeof sl, d->launch.name);
    static const char *cls[3] = {"unreached", "undefended", "defended"};
    buf b = {0};
    bprintf(&b, "lat_deg,lon_deg,class,sites,best_margin_s,flight_time_s\n");
    for (int i = 0; i < m->n_lat; i++)
        for (int j = 0; j < m->n_lon; j++) {
            size_t c = (size_t)i * m->n_lon + j;
            bprintf(&b, "%.4f,%.4f,%s,", (m->lat0_rad + i * m->step_rad) / BMD_DEG,
                    (m->lon0_rad + j * m->step_rad) / BMD_DEG, cls[m->cls[c]]);
            char joined[BMD_SCN_MAX_SITES * 66] = "";
            size_t used = 0;
            for (int si = 0; si < s->n_sites && si < 32; si++)
                if ((m->sites[c] >> si) & 1u && used < sizeof joined)
                    used += (size_t)snprintf(joined + used, sizeof joined - used, "%s%s",
                                             used ? ";" : "", s->sites[si].name);
            bstr(&b, joined);
            bprintf(&b, ",");
            bnum(&b, (double)m->margin_s[c], "%.1f");
            bprintf(&b, ",");
            bnum(&b, (double)m->flight_s[c], "%.1f");
            bprintf(&b, "\n");
        }
    snprintf(name, sizeof name, "defended_area_%s.csv", sl);
    if (!put(C, dir, name, &b))
        return false;
    size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
    uint8_t *mask = malloc(nc);
    if (!mask) {
        cli_error(C, "out of memory");
        return false;
    }
    for (size_t c = 0; c < nc; c++)
        mask[c] = m->cls[c] == BMD_DA_DEFENDED;
    bmd_geo_grid g = grid_of(m->lat0_rad, m->lon0_rad, m->step_rad, m->n_lat, m->n_lon);
    const bmd_scn_analyses *a = &s->analyses;
    bmd_geo_prop props[5] = {{"layer", "defended area", 0.0},
                             {"scenario", s->name, 0.0},
                             {"missile", a->da.missile->v.id, 0.0},
                             {"launch_area", d->launch.name, 0.0},
                             {"cue", bmd_cue_name(a->da.cue), 0.0}};
    snprintf(name, sizeof name, "defended_area_%s.geojson", sl);
    bool ok = put_geojson_mask(C, dir, name, &g, mask, props, 5, s);
    free(mask);
    if (!ok)
        return false;
    /* The map. */
    bmd_map_def def = bmd_map_default_def();
    def.lat_min_rad = fmax(a->da.region.lat_min_rad, -80.0 * BMD_DEG);
    def.lat_max_rad = fmin(a->da.region.lat_max_rad, 80.0 * BMD_DEG);
    def.lon_min_rad = a->da.region.lon_min_rad;
    def.lon_max_rad = a->da.region.lon_max_rad;
    char title[256];
    snprintf(title, sizeof title, "Defended area: %s from %s, cue %s (%d sites)",
             a->da.missile->v.id, d->launch.name, bmd_cue_name(a->da.cue), s->n_sites);
    def.title = title;
    bmd_map *mp = NULL;
    if (bmd_map_create(&def, &mp) != BMD_OK) {
        cli_error(C, "cannot create the map of %s", name);
        return false;
    }
    if (r->countries) {
        const char **codes = r->have_nato ? bmd_geo_members_codes(&r->nato) : NULL;
        bmd_map_countries(mp, r->countries, codes, codes ? r->nato.n : 0);
        free((void *)codes);
    }
    bmd_rgba cols[3] = {{0, 0, 0, 0}, {0.84, 0.37, 0.0, 0.45}, {0.0, 0.62, 0.45, 0.55}};
    const char *labels[3] = {NULL, "reached, not defended", "defended"};
    bmd_map_raster(mp, &g, m->cls, 3, cols, labels);
    if (r->countries)
        bmd_map_borders(mp, r->countries);
    map_sites(mp, s);
    bmd_map_point(mp, d->launch.lat_rad, d->launch.lon_rad, bmd_plot_palette(6), 5.0,
                  d->launch.name);
    for (int c = 0; r->have_nato && c < r->nato.n && c < 64; c++)
        if (d->covered[c])
            bmd_map_point(mp, r->nato.m[c].capital_lat_rad, r->nato.m[c].capital_lon_rad,
                          bmd_plot_palette(5), 2.5, NULL);
    snprintf(name, sizeof name, "map_defended_area_%s", sl);
    ok = put_map(C, dir, name, mp);
    bmd_map_destroy(mp);
    return ok;
}

static bool write_fm(const char *C, const an_result *r, const char *dir)
{
    const bmd_scenario *s = r->s;
    const bmd_scn_analyses *a = &s->analyses;
    buf b = {0};
    bprintf(&b, "base,missile,target,site,interceptor,cue,launch_delay_s,"
                "earliest_launch_allowed_s,engageable,reason,margin_s,earliest_intercept_s,"
                "intercept_altitude_km,closing_speed_km_s\n");
    for (int k = 0; k < r->fm.n_cells; k++) {
        const bmd_fm_cell *c = &r->fm.cells[k];
        const bmd_threat_case *tc = &r->fm.threats[c->threat];
        bstr(&b, a->fm.bases[tc->base].name);
        bprintf(&b, ",%s,", tc->missile->v.id);
        bstr(&b, a->fm.targets[tc->target].name);
        bprintf(&b, ",");
        bstr(&b, s->sites[c->site].name);
        bprintf(&b, ",%s,%s,%g,", s->sites[c->site].interceptor->v.id, cue_str(r, c->cue),
                a->fm.delays_s[c->delay]);
        bnum(&b, c->t_min_s, "%.1f");
        bprintf(&b, ",%s,%s,", c->w.engageable ? "true" : "false",
                bmd_intercept_reason_str(c->w.reason));
        bnum(&b, c->w.margin_s, "%.1f");
        bprintf(&b, ",");
        if (c->w.engageable) {
            bnum(&b, c->w.earliest_intercept_s, "%.1f");
            bprintf(&b, ",");
            bnum(&b, c->w.intercept_altitude_m / 1e3, "%.1f");
            bprintf(&b, ",");
            bnum(&b, c->w.closing_speed_m_s / 1e3, "%.3f");
        } else {
            bprintf(&b, ",,");
        }
        bprintf(&b, "\n");
    }
    if (!put(C, dir, "feasibility_matrix.csv", &b))
        return false;
    /* Trajectories: altitude against ground range. */
    bmd_xy_plot *p = NULL;
    if (bmd_xy_create("Russian ICBM trajectories (bases x targets)", "ground range (km)",
                      "altitude (km)", 1100, 650, &p) != BMD_OK)
        return true;
    bprintf(&b, "threat,base,target,time_s,lat_deg,lon_deg,altitude_km\n");
    for (int t = 0; t < r->fm.n_threats; t++) {
        const bmd_threat_case *tc = &r->fm.threats[t];
        if (tc->st != BMD_OK)
            continue;
        double x[400];
        double y[400];
        int n = 0;
        double T = tc->tr.sum.flight_time_s;
        for (int i = 0; i < 400; i++) {
            double ts = T * i / 399.0;
            double la, lo, h, sp;
            if (bmd_traj_geodetic(&tc->tr, ts, &la, &lo, &h, &sp) != BMD_OK)
                continue;
            double R = 0.0;
            bmd_geodesic_inverse(&tc->tr.earth, tc->tr.sum.launch_lat_rad,
                                 tc->tr.sum.launch_lon_rad, la, lo, &R, NULL, NULL);
            x[n] = R / 1e3;
            y[n] = h / 1e3;
            n++;
            if (i % 4 == 0 || i == 399) {
                bprintf(&b, "%d,", t);
                bstr(&b, a->fm.bases[tc->base].name);
                bprintf(&b, ",");
                bstr(&b, a->fm.targets[tc->target].name);
                bprintf(&b, ",%.1f,%.5f,%.5f,%.3f\n", ts, la / BMD_DEG, lo / BMD_DEG, h / 1e3);
            }
        }
        char lab[160];
        snprintf(lab, sizeof lab, "%s %s-%s", tc->missile->v.id, a->fm.bases[tc->base].name,
                 a->fm.targets[tc->target].name);
        bmd_xy_series(p, n, x, y, bmd_plot_palette(t), 1.2, t < 12 ? lab : NULL);
    }
    bool ok = put(C, dir, "threat_trajectories.csv", &b);
    const char *ext[2] = {"png", "svg"};
    for (int k = 0; ok && k < 2; k++) {
        char path[2048];
        char tmp[2100];
        snprintf(path, sizeof path, "%s/plot_trajectories.%s", dir, ext[k]);
        snprintf(tmp, sizeof tmp, "%s/.plot_trajectories.tmp.%s", dir, ext[k]);
        bmd_status st = k == 0 ? bmd_xy_write_png(p, tmp) : bmd_xy_write_svg(p, tmp);
        if (st != BMD_OK || rename(tmp, path) != 0) {
            cli_error(C, "cannot write %s", path);
            remove(tmp);
            ok = false;
        }
    }
    bmd_xy_destroy(p);
    return ok;
}

static bool write_gu(const char *C, const an_result *r, const char *dir)
{
    const bmd_scenario *s = r->s;
    const bmd_scn_analyses *a = &s->analyses;
    buf b = {0};
    bprintf(&b, "site,lat_deg,lon_deg,interceptor,cue,min_burnout_speed_km_s,first_missile,"
                "first_base,first_target\n");
    for (int k = 0; k < s->n_sites; k++) {
        const bmd_gu_site *g = &r->gu[k];
        bstr(&b, s->sites[k].name);
        bprintf(&b, ",%.4f,%.4f,%s,%s,", s->sites[k].lat_rad / BMD_DEG,
                s->sites[k].lon_rad / BMD_DEG, a->gu.interceptor->v.id, bmd_cue_name(a->gu.cue));
        bnum(&b, g->min_burnout_speed_m_s / 1e3, "%.2f");
        if (g->threat >= 0) {
            const bmd_threat_case *tc = &r->fm.threats[g->threat];
            bprintf(&b, ",%s,", tc->missile->v.id);
            bstr(&b, a->fm.bases[tc->base].name);
            bprintf(&b, ",");
            bstr(&b, a->fm.targets[tc->target].name);
            bprintf(&b, "\n");
        } else {
            bprintf(&b, ",,,\n");
        }
    }
    if (!put(C, dir, "guarantees_sites.csv", &b))
        return false;
    if (!r->have_gu_map)
        return true;
    const bmd_gu_map *m = &r->gu_map;
    bprintf(&b, "lat_deg,lon_deg,threats_engaged\n");
    size_t nc = (size_t)m->n_lat * (size_t)m->n_lon;
    for (int i = 0; i < m->n_lat; i++)
        for (int j = 0; j < m->n_lon; j++)
            bprintf(&b, "%.4f,%.4f,%d\n", (m->lat0_rad + i * m->step_rad) / BMD_DEG,
                    (m->lon0_rad + j * m->step_rad) / BMD_DEG,
                    m->n_engaged[(size_t)i * m->n_lon + j]);
    if (!put(C, dir, "guarantees_map.csv", &b))
        return false;
    uint8_t *mask = malloc(nc);
    uint8_t *cls = malloc(nc);
    if (!mask || !cls) {
        free(mask);
        free(cls);
        cli_error(C, "out of memory");
        return false;
    }
    int nt = m->n_threats > 0 ? m->n_threats : 1;
    for (size_t c = 0; c < nc; c++) {
        mask[c] = m->n_engaged[c] == 0;
        int e = m->n_engaged[c];
        cls[c] = (uint8_t)(e == 0 ? 0 : e * 3 <= nt ? 1 : e * 3 <= 2 * nt ? 2 : 3);
    }
    bmd_geo_grid g = grid_of(m->lat0_rad, m->lon0_rad, m->step_rad, m->n_lat, m->n_lon);
    char speed[32];
    snprintf(speed, sizeof speed, "%.2f", a->gu.burnout_speed_m_s / 1e3);
    bmd_geo_prop props[5] = {{"layer", "safe deployment zones", 0.0},
                             {"scenario", s->name, 0.0},
                             {"interceptor", a->gu.interceptor->v.id, 0.0},
                             {"burnout_speed_km_s", NULL, a->gu.burnout_speed_m_s / 1e3},
                             {"cue", bmd_cue_name(a->gu.cue), 0.0}};
    bool ok = put_geojson_mask(C, dir, "safe_zones.geojson", &g, mask, props, 5, s);
    if (ok) {
        bmd_map_def def = bmd_map_default_def();
        def.lat_min_rad = fmax(a->gu.region.lat_min_rad, -80.0 * BMD_DEG);
        def.lat_max_rad = fmin(a->gu.region.lat_max_rad, 80.0 * BMD_DEG);
        def.lon_min_rad = a->gu.region.lon_min_rad;
        def.lon_max_rad = a->gu.region.lon_max_rad;
        char title[256];
        snprintf(title, sizeof title,
                 "Where a %s km/s interceptor site could engage no Russian ICBM bound for the "
                 "US (cue %s)",
                 speed, bmd_cue_name(a->gu.cue));
        def.title = title;
        bmd_map *mp = NULL;
        if (bmd_map_create(&def, &mp) == BMD_OK) {
            if (r->countries)
                bmd_map_countries(mp, r->countries, NULL, 0);
            bmd_rgba cols[4] = {{0.0, 0.62, 0.45, 0.5},
                                {0.94, 0.89, 0.26, 0.5},
                                {0.90, 0.62, 0.0, 0.5},
                                {0.84, 0.37, 0.0, 0.6}};
            const char *labels[4] = {"safe: engages none", "engages up to a third",
                                     "up to two thirds", "more"};
            bmd_map_raster(mp, &g, cls, 4, cols, labels);
            if (r->countries)
                bmd_map_borders(mp, r->countries);
            map_sites(mp, s);
            for (int bi = 0; bi < a->fm.n_bases; bi++)
                bmd_map_point(mp, a->fm.bases[bi].lat_rad, a->fm.bases[bi].lon_rad,
                              bmd_plot_palette(6), 3.0, a->fm.bases[bi].name);
            ok = put_map(C, dir, "map_safe_zones", mp);
            bmd_map_destroy(mp);
        }
    }
    free(mask);
    free(cls);
    return ok;
}

static bool write_kgd(const char *C, const an_result *r, const char *dir)
{
    const bmd_kaliningrad_result *k = &r->kgd;
    char path[2048];
    char tmp[2100];
    snprintf(path, sizeof path, "%s/kaliningrad.geojson", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        cli_error(C, "cannot write %s: %s", tmp, strerror(errno));
        return false;
    }
    bmd_geojson_writer w;
    bmd_geojson_begin(&w, fp);
    for (int i = 0; i < k->n_sams; i++)
        for (int j = 0; j < k->sams[i].n_env; j++) {
            const bmd_kgd_envelope *e = &k->sams[i].env[j];
            if (e->ring.n < 2)
                continue;
            bmd_geo_prop p[3] = {{"layer", "S-400 envelope", 0.0},
                                 {"missile", k->sams[i].id, 0.0},
                                 {"altitude_km", NULL, e->alt_m / 1e3}};
            bmd_geojson_line(&w, e->ring.n, e->ring.lat_rad, e->ring.lon_rad, p, 3);
        }
    for (int i = 0; i < k->n_coverage; i++) {
        const bmd_kgd_coverage *c = &k->coverage[i];
        if (c->ring.n < 2)
            continue;
        bmd_geo_prop p[4] = {{"layer", "Voronezh-DM coverage", 0.0},
                             {"radar", k->radar_id, 0.0},
                             {"rcs_m2", NULL, c->rcs_m2},
                             {"altitude_km", NULL, c->alt_m / 1e3}};
        bmd_geojson_line(&w, c->ring.n, c->ring.lat_rad, c->ring.lon_rad, p, 4);
    }
    for (int i = 0; i < k->n_strikes; i++) {
        const bmd_kgd_strike *x = &k->strikes[i];
        bmd_geo_prop p[4] = {{"layer", "Iskander-M target", 0.0},
                             {"name", x->place.name, 0.0},
                             {"range_km", NULL, x->range_m / 1e3},
                             {"flight_time_s", NULL, x->in_range ? x->flight_time_s : (double)NAN}};
        bmd_geojson_point(&w, x->place.lat_rad, x->place.lon_rad, p, 4);
    }
    bmd_status se = bmd_geojson_end(&w);
    bool ok = fclose(fp) == 0 && se == BMD_OK;
    if (!ok || rename(tmp, path) != 0) {
        cli_error(C, "cannot write %s", path);
        remove(tmp);
        return false;
    }
    bmd_map_def def = bmd_map_default_def();
    def.lat_min_rad = 45.0 * BMD_DEG;
    def.lat_max_rad = 63.0 * BMD_DEG;
    def.lon_min_rad = 5.0 * BMD_DEG;
    def.lon_max_rad = 35.0 * BMD_DEG;
    def.title = "Kaliningrad, November 2011: Iskander-M, S-400 envelopes, Voronezh-DM coverage";
    bmd_map *mp = NULL;
    if (bmd_map_create(&def, &mp) != BMD_OK)
        return true;
    if (r->countries)
        bmd_map_countries(mp, r->countries, NULL, 0);
    for (int i = 0; i < k->n_sams; i++)
        for (int j = 0; j < k->sams[i].n_env; j++) {
            const bmd_kgd_envelope *e = &k->sams[i].env[j];
            if (e->ring.n < 2)
                continue;
            char lab[96];
            snprintf(lab, sizeof lab, "%s at %.0f km", k->sams[i].id, e->alt_m / 1e3);
            bmd_map_polyline(mp, e->ring.n, e->ring.lat_rad, e->ring.lon_rad,
                             bmd_plot_palette(1 + i * 3 + j), 1.5, lab);
        }
    for (int i = 0; i < k->n_coverage; i++) {
        const bmd_kgd_coverage *c = &k->coverage[i];
        if (c->ring.n < 2 || i > 2)
            continue;
        char lab[96];
        snprintf(lab, sizeof lab, "Voronezh-DM, %.2g m2 at %.0f km", c->rcs_m2, c->alt_m / 1e3);
        bmd_map_polyline(mp, c->ring.n, c->ring.lat_rad, c->ring.lon_rad, bmd_plot_palette(5),
                         1.0, lab);
    }
    for (int i = 0; i < k->n_strikes; i++)
        bmd_map_point(mp, k->strikes[i].place.lat_rad, k->strikes[i].place.lon_rad,
                      bmd_plot_palette(0), 3.0, k->strikes[i].place.name);
    ok = put_map(C, dir, "map_kaliningrad", mp);
    bmd_map_destroy(mp);
    return ok;
}

/* The raid's run 0 as a 3D replay (docs/replay.md): threats up to their kill or impact, each
 * salvo as a schematic straight fly-out from its site to the intercept point, intercept points,
 * sites, radars, defended assets; and the shots as CSV. */
static bool write_raid(const char *C, const an_result *r, const char *dir)
{
    const bmd_scenario *s = r->s;
    const bmd_raid_result *p = &r->play;
    buf b = {0};
    bprintf(&b, "threat,missile,site,interceptors,launch_s,intercept_s,altitude_km,pk,kill\n");
    for (int k = 0; k < p->n_shots; k++) {
        const bmd_shot *h = &p->shots[k];
        bprintf(&b, "%d,%s,", h->threat, s->threats[h->threat].missile->v.id);
        bstr(&b, s->sites[h->site].name);
        bprintf(&b, ",%d,%.1f,%.1f,%.1f,%.3f,%s\n", h->interceptors, h->launch_s, h->intercept_s,
                h->altitude_m / 1e3, h->pk, h->kill ? "true" : "false");
    }
    if (!put(C, dir, "raid_shots.csv", &b))
        return false;
    int nt = p->n_threats;
    int n_obj_max = nt + 2 * p->n_shots + s->n_sites + s->n_sensors + s->n_assets;
    bmd_replay_object *obj = calloc((size_t)(n_obj_max > 0 ? n_obj_max : 1), sizeof *obj);
    bmd_replay_track *tracks = calloc((size_t)(nt + p->n_shots + 1), sizeof *tracks);
    char(*names)[96] = calloc((size_t)(n_obj_max > 0 ? n_obj_max : 1), sizeof *names);
    if (!obj || !tracks || !names) {
        free(obj);
        free(tracks);
        free(names);
        cli_error(C, "out of memory");
        return false;
    }
    int n = 0;
    int nk = 0;
    bmd_status st = BMD_OK;
    for (int i = 0; i < nt && st == BMD_OK; i++) {
        const bmd_trajectory *tr = bmd_raid_threat_trajectory(r->raid, i);
        double off = s->threats[i].launch_time_s;
        double t_end = tr->t_end_s;
        for (int k = 0; k < p->n_shots; k++)
            if (p->shots[k].threat == i && p->shots[k].kill)
                t_end = fmin(t_end, p->shots[k].intercept_s - off);
        st = bmd_replay_sample_traj_span(tr, tr->t_start_s, t_end, 5.0, off, &tracks[nk]);
        if (st != BMD_OK)
            break;
        snprintf(names[n], sizeof names[n], "threat %d: %s%s", i + 1,
                 s->threats[i].missile->v.id, p->threats[i].leaked ? " (leaked)" : "");
        obj[n] = (bmd_replay_object){.name = names[n], .kind = BMD_REPLAY_THREAT,
                                     .track = &tracks[nk]};
        n++;
        nk++;
    }
    for (int k = 0; k < p->n_shots && st == BMD_OK; k++) {
        const bmd_shot *h = &p->shots[k];
        const bmd_scn_site *site = &s->sites[h->site];
        const bmd_trajectory *tr = bmd_raid_threat_trajectory(r->raid, h->threat);
        double la;
        double lo;
        double hh;
        double sp;
        if (bmd_traj_geodetic(tr, h->intercept_s - s->threats[h->threat].launch_time_s, &la, &lo,
                              &hh, &sp) != BMD_OK ||
            !(h->intercept_s > h->launch_s + 0.01))
            continue;
        st = bmd_replay_track_alloc(2, &tracks[nk]);
        if (st != BMD_OK)
            break;
        bmd_replay_track *t = &tracks[nk];
        t->t_s[0] = h->launch_s;
        t->lat_rad[0] = site->lat_rad;
        t->lon_rad[0] = site->lon_rad;
        t->h_m[0] = site->h_m;
        t->t_s[1] = h->intercept_s;
        t->lat_rad[1] = la;
        t->lon_rad[1] = lo;
        t->h_m[1] = hh;
        snprintf(names[n], sizeof names[n], "shot %d: %s, %d x %s", k + 1, site->name,
                 h->interceptors, site->interceptor->v.id);
        obj[n] = (bmd_replay_object){
            .name = names[n], .kind = BMD_REPLAY_INTERCEPTOR, .track = t,
            .description = "schematic: a straight line from the site at launch to the "
                           "intercept point (the fly-out is a table, not a flown path)"};
        n++;
        nk++;
        snprintf(names[n], sizeof names[n], "%s %d", h->kill ? "kill" : "miss", k + 1);
        obj[n] = (bmd_replay_object){.name = names[n], .kind = BMD_REPLAY_INTERCEPT,
                                     .lat_rad = la, .lon_rad = lo, .h_m = hh, .has_time = true,
                                     .time_s = h->intercept_s};
        n++;
    }
    for (int k = 0; k < s->n_sites; k++)
        obj[n++] = (bmd_replay_object){.name = s->sites[k].name, .kind = BMD_REPLAY_SITE,
                                       .lat_rad = s->sites[k].lat_rad,
                                       .lon_rad = s->sites[k].lon_rad, .h_m = s->sites[k].h_m};
    for (int k = 0; k < s->n_sensors; k++)
        obj[n++] = (bmd_replay_object){.name = s->radars[k].id, .kind = BMD_REPLAY_SENSOR,
                                       .lat_rad = s->radars[k].lat_rad,
                                       .lon_rad = s->radars[k].lon_rad, .h_m = s->radars[k].h_m};
    for (int k = 0; k < s->n_assets; k++)
        obj[n++] = (bmd_replay_object){.name = s->assets[k].name, .kind = BMD_REPLAY_ASSET,
                                       .lat_rad = s->assets[k].lat_rad,
                                       .lon_rad = s->assets[k].lon_rad};
    bool ok = st == BMD_OK;
    if (ok) {
        bmd_replay rp = {.name = s->name, .epoch = NULL, .n_objects = n, .objects = obj};
        char cz[2048];
        char km[2048];
        snprintf(cz, sizeof cz, "%s/scenario.czml", dir);
        snprintf(km, sizeof km, "%s/scenario.kml", dir);
        st = bmd_replay_save(&rp, cz, km);
        ok = st == BMD_OK;
    }
    if (!ok)
        cli_error(C, "%s/scenario.czml, scenario.kml: %s", dir, bmd_status_str(st));
    for (int k = 0; k < nk; k++)
        bmd_replay_track_free(&tracks[k]);
    free(tracks);
    free(obj);
    free(names);
    return ok;
}

bool an_write(const char *C, const an_result *r, const char *dir)
{
    if (r->have_raid && !write_raid(C, r, dir))
        return false;
    for (int k = 0; k < r->n_da; k++)
        if (!write_da(C, r, dir, k))
            return false;
    if (r->have_fm && !write_fm(C, r, dir))
        return false;
    if (r->have_gu && !write_gu(C, r, dir))
        return false;
    if (r->have_kgd && !write_kgd(C, r, dir))
        return false;
    return true;
}
