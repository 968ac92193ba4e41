/* SPDX-License-Identifier: MIT */
/* analyses.h: a scenario's analyses run for the command line (bmdsim run), with their derived
 * numbers (share of NATO Europe defended, capitals covered) and their writers (summary JSON,
 * CSV tables, GeoJSON layers, PNG and SVG maps). */
#ifndef BMD_CLI_ANALYSES_H
#define BMD_CLI_ANALYSES_H

#include "bmd/analysis.h"
#include "bmd/engage.h"
#include "bmd/geo.h"
#include "bmd/kaliningrad.h"
#include "cli.h"

/* One defended-area map with what is derived from it. */
typedef struct an_da {
    bmd_scn_place launch;
    bmd_da_map map;
    double share_nato;           /* of NATO Europe's land area (cells whose centre is in it) */
    double defended_km2;         /* land and sea */
    int n_capitals;              /* NATO capitals in reach of the missile */
    int n_covered;               /* of which defended */
    bool covered[64];            /* per member of the NATO list */
    bool reached[64];
} an_da;

/* Everything a scenario's analyses produced. */
typedef struct an_result {
    const bmd_scenario *s;
    const bmd_catalog *cat;
    double grid_deg;             /* the defended-area grid used (may be coarser than asked) */
    bmd_geo_countries *countries;/* NULL when the layer cannot be loaded (said on stderr) */
    bmd_geo_members nato;
    bool have_nato;
    int n_da;
    an_da da[BMD_SCN_MAX_PLACES];
    bool have_fm;
    bmd_fm_result fm;
    bool have_gu;
    bmd_gu_site gu[BMD_SCN_MAX_SITES];
    bmd_gu_map gu_map;
    bool have_gu_map;
    bool have_kgd;
    bmd_kaliningrad_result kgd;
    double seconds;              /* wall time of the analyses */
    bmd_flyout **tables;         /* the sites' fly-out tables (defended area, matrix) */
    int n_tables;
    bool have_raid;              /* the scenario's raid played (run 0) and its Monte Carlo */
    bmd_raid *raid;
    bmd_raid_result play;
    bmd_raid_mc mc;
} an_result;

/* What several scenarios of one run share: aimers (a missile from a launch area over a region)
 * and per-site guarantees (the same site, interceptor, cue and threats give the same answer). */
#define AN_CACHE_AIMERS 32
#define AN_CACHE_GU 64
typedef struct an_cache {
    int n_aimers;
    struct {
        const bmd_missile *m;
        double lat, lon;
        bmd_scn_region g;
        bmd_aimer *a;
    } aimers[AN_CACHE_AIMERS];
    int n_gu;
    struct {
        uint64_t key;
        bmd_gu_site r;
    } gu[AN_CACHE_GU];
    int n_threat_sets;
    struct {
        uint64_t key;
        bmd_threat_case *c;
        int n;
    } threat_sets[8];
} an_cache;
void an_cache_free(an_cache *c);

/* Options of a run. */
typedef struct an_opts {
    int threads;                 /* 0: every core */
    double min_grid_deg;         /* coarsen the defended-area and guarantees grids to this */
    bool guarantee_map;          /* compute the safe-zone map (it is the slow part) */
    const char *label;           /* for the progress bar */
    an_cache *cache;             /* shared between the scenarios of a run (may be NULL) */
    long raid_runs;              /* play the scenario's raid: run 0 and this many Monte Carlo
                                  * runs (0: not played) */
    const bmd_dist *dist;        /* the processes sharing the grids (NULL: this one alone) */
} an_opts;

/* Run the scenario's analyses. Prints its own errors; returns an exit code. */
int an_run(const char *C, const bmd_catalog *cat, const bmd_scenario *s, const an_opts *o,
           an_result *r);
void an_free(an_result *r);

/* The summary of one scenario's results as JSON (added to parent under key, or a new object). */
cJSON *an_json(const an_result *r);
/* Write every output of r into the directory dir (which exists). false: said on stderr. */
bool an_write(const char *C, const an_result *r, const char *dir);
/* A short text report of r on stdout. */
void an_text(const an_result *r);

/* The output directory, complete or not at all: made as a fresh sibling of dir, renamed to dir
 * when every file is written. dir must not exist (or be an empty directory). */
bool out_dir_begin(const char *C, const char *dir, char *tmp, size_t tmp_size);
bool out_dir_commit(const char *C, const char *tmp, const char *dir);
void out_dir_abort(const char *tmp);


#endif
