/// @file analysis.h
/// The analyses of the dispute, over the flight, sensor and defense layers:
///   - the earliest launch an assumption set (cue) allows against a threat;
///   - an aimer: threats of one missile from one launch point aimed quickly at many points (for
///     maps), on the full flight model;
///   - defended areas: the points of a region that a set of interceptor sites can protect
///     against a missile from a launch area;
///   - the feasibility matrix: ICBM bases x targets x sites x cues x launch delays;
///   - the guarantees calculator: per site, the least interceptor burnout speed that engages any
///     of a set of threats; and for a burnout speed, the map of site locations that engage none.
/// Everything is deterministic: the same inputs give the same bits on any number of threads.
#ifndef BMD_ANALYSIS_H
#define BMD_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "bmd/catalog.h"
#include "bmd/intercept.h"
#include "bmd/parallel.h"
#include "bmd/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- cues (assumption sets) */

/// What a cue means: the catalog sensor whose first confirmed track (or early-warning cue)
/// starts the clock, whether that radar stands at the interceptor site, and the decision and
/// command delay after it. The delays are notional (docs/defense.md gives the reasoning).
typedef struct bmd_cue_spec {
    const char *sensor;   ///< catalog sensor id; NULL: ideal (launch allowed at the threat's launch)
    bool at_site;         ///< the radar is placed at the site (25 m above it)
    double delay_s;       ///< from the track or cue to the earliest launch (s)
} bmd_cue_spec;

const bmd_cue_spec *bmd_cue_spec_of(bmd_cue c);

/// The earliest interceptor launch (s, threat time) that cue c allows against the threat
/// trajectory tr (path kept) of a missile with signature sig, for a site at (lat, lon, h) (used
/// by site-radar only): the sensor's first confirmed track (or early-warning cue) plus the delay;
/// HUGE_VAL when the sensor never holds it. BMD_ERR_ARG when the catalog lacks the sensor.
bmd_status bmd_cue_earliest_launch(const bmd_catalog *cat, bmd_cue c, const bmd_trajectory *tr,
                                   const bmd_signature *sig, double site_lat_rad,
                                   double site_lon_rad, double site_h_m, uint64_t seed,
                                   double *t_min_s);

/// The same with a scenario's definitions of the cues (analyses.cue_definitions: an array of
/// BMD_N_CUES indexed by bmd_cue, or NULL for the defaults): their sensor, the forward radar's
/// placement, the delay.
bmd_status bmd_cue_earliest_launch_def(const bmd_catalog *cat, bmd_cue c,
                                       const bmd_scn_cue_def *defs, const bmd_trajectory *tr,
                                       const bmd_signature *sig, double site_lat_rad,
                                       double site_lon_rad, double site_h_m, uint64_t seed,
                                       double *t_min_s);

/* ---------------------------------------------------------------- aimer */

/// Aims one missile from one launch point at many aim points, near its minimum-energy shape:
/// the minimum-energy kick and cutoff are solved exactly (bmd_target) at a dozen ranges on the
/// azimuth toward a reference point; for an aim point the kick is interpolated in range (the
/// minimum is flat: a kick slightly off it costs energy only at second order) and the azimuth and
/// cutoff are corrected by secant steps until the impact is within the tolerance. Three to five
/// flights an aim point instead of about three hundred. Read-only after creation: one aimer
/// serves many threads.
typedef struct bmd_aimer bmd_aimer;

/// ref_lat/ref_lon: a point in the middle of where it will be aimed (the reference azimuth).
/// BMD_ERR_UNREACHABLE (why says) when the missile cannot be aimed on that azimuth at all.
bmd_status bmd_aimer_create(const bmd_vehicle *v, double lat_rad, double lon_rad,
                            double ref_lat_rad, double ref_lon_rad, const bmd_flight_opts *o,
                            bmd_aimer **out, char *why, size_t why_size);
/// The same on `threads` threads (bmd_parallel_threads: <= 0 one per processor; the aimer is the
/// same whatever the number). bmd_aimer_create uses every processor.
bmd_status bmd_aimer_create_threads(const bmd_vehicle *v, double lat_rad, double lon_rad,
                                    double ref_lat_rad, double ref_lon_rad,
                                    const bmd_flight_opts *o, int threads, bmd_aimer **out,
                                    char *why, size_t why_size);
void bmd_aimer_free(bmd_aimer *a);

/// The missile's full-burn maximum range on the reference azimuth (m).
double bmd_aimer_max_range(const bmd_aimer *a);

/// Fly at the aim point (path kept in tr), within tol_m of it (0: 1,000 m). BMD_ERR_UNREACHABLE
/// beyond the missile's range or inside its least range; *miss_m gets the miss (may be NULL).
bmd_status bmd_aimer_fly(const bmd_aimer *a, double target_lat_rad, double target_lon_rad,
                         double tol_m, bmd_trajectory *tr, double *miss_m);

/* ---------------------------------------------------------------- site tables */

/// The fly-out tables of a list of sites (each its interceptor, unscaled), built in parallel.
/// tables[k] is NULL for a site whose table could not be built (never, for catalog vehicles).
bmd_status bmd_site_tables(const bmd_scn_site *sites, int n_sites, int threads,
                           bmd_flyout ***tables);
void bmd_site_tables_free(bmd_flyout **tables, int n_sites);

/* ---------------------------------------------------------------- defended area */

/// Class of a cell of a defended-area map.
typedef enum bmd_da_class {
    BMD_DA_UNREACHED = 0,   ///< beyond the missile's range (or inside its least range)
    BMD_DA_UNDEFENDED = 1,  ///< reached, and no site can engage a missile aimed there
    BMD_DA_DEFENDED = 2     ///< at least one site can engage it
} bmd_da_class;

typedef struct bmd_da_opts {
    bmd_cue cue;           ///< assumption set
    double grid_rad;       ///< cell size (rad)
    bmd_scn_region region; ///< the map's box
    int refine;            ///< evaluate every refine-th cell first, then every cell of a block
                           ///< whose evaluated corners differ in class or sites (1: every cell)
    int threads;           ///< 0: bmd_parallel_threads()
    uint64_t seed;         ///< for the sensors' draws
    double aim_tol_m;      ///< aim tolerance (0: 1,000 m)
    const bmd_scn_cue_def *cue_defs; ///< what the cues mean (NULL: the defaults)
    const bmd_aimer *aimer;///< the missile's aimer from the launch area toward the region's
                           ///< middle, made by the caller to share it between maps (NULL: made
                           ///< here; bmd_da_aimer makes the same one)
    const bmd_dist *dist;  ///< the processes that share the cells (NULL: this one alone); every
                           ///< one of them calls bmd_defended_area alike and gets the whole map
} bmd_da_opts;

/// Forward radar, 0.5 degrees over 34..72 N, -25..45 E, refine 4, all threads, seed 1.
bmd_da_opts bmd_da_default_opts(void);

/// The aimer bmd_defended_area would make for missile m from (lat, lon) over region g, made on
/// `threads` threads (as bmd_da_opts.threads; the same aimer whatever the number).
bmd_status bmd_da_aimer(const bmd_missile *m, double lat_rad, double lon_rad,
                        const bmd_scn_region *g, int threads, bmd_aimer **out, char *why,
                        size_t why_size);

/// A defended-area map. Cells are centred at lat0 + i step, lon0 + j step, row-major.
typedef struct bmd_da_map {
    double lat0_rad, lon0_rad, step_rad;
    int n_lat, n_lon;
    uint8_t *cls;          ///< bmd_da_class per cell
    uint32_t *sites;       ///< bit k: site k can engage (first 32 sites)
    float *margin_s;       ///< the best site's launch margin (s); NaN where none engages
    float *flight_s;       ///< the threat's flight time to the cell (s); NaN where unreached
    int n_evaluated;       ///< cells where a threat was flown and solved
    int n_inferred;        ///< cells filled from a uniform refine block
} bmd_da_map;

/// The defended area of the sites (with tables from bmd_site_tables) against missile m launched
/// from (lat, lon). progress (may be NULL) is called with the share done, from the calling
/// thread.
bmd_status bmd_defended_area(const bmd_catalog *cat, const bmd_scn_site *sites, int n_sites,
                             bmd_flyout *const *tables, const bmd_missile *m, double lat_rad,
                             double lon_rad, const bmd_da_opts *o,
                             void (*progress)(double share, void *ctx), void *progress_ctx,
                             bmd_da_map *out, char *why, size_t why_size);
void bmd_da_map_free(bmd_da_map *m);

/// The class of the cell holding a point (BMD_DA_UNREACHED outside the map).
bmd_da_class bmd_da_map_at(const bmd_da_map *m, double lat_rad, double lon_rad, uint32_t *sites);

/* ---------------------------------------------------------------- threat sets */

/// A threat of an analysis: a missile from a base to a target, flown on its default shape.
typedef struct bmd_threat_case {
    const bmd_missile *missile;
    int base, target;             ///< indices into the analysis's lists
    bmd_status st;                ///< BMD_OK: flown; else why says
    char why[200];
    bmd_trajectory tr;            ///< path kept
} bmd_threat_case;

/// Fly every base x target pair (base-major), in parallel. A pair that cannot be flown (out of
/// range) is kept with its status, not an error.
bmd_status bmd_threat_cases_fly(const bmd_scn_place *bases, int n_bases,
                                const bmd_scn_place *targets, int n_targets, int threads,
                                bmd_threat_case **out, int *n_out);
void bmd_threat_cases_free(bmd_threat_case *c, int n);

/* ---------------------------------------------------------------- feasibility matrix */

/// One cell of the matrix.
typedef struct bmd_fm_cell {
    int threat;                   ///< into the threat cases
    int site, cue, delay;         ///< indices: sites, the analysis's cues and delays
    double t_min_s;               ///< earliest launch allowed (s, threat time; HUGE_VAL: never)
    bmd_intercept w;              ///< the window (reason and margin)
} bmd_fm_cell;

typedef struct bmd_fm_result {
    int n_threats;
    bmd_threat_case *threats;
    int n_cells;
    bmd_fm_cell *cells;           ///< threat-major, then site, cue, delay
    bool threats_borrowed;        ///< threats belong to the caller (bmd_feasibility_matrix_on)
} bmd_fm_result;

/// The matrix of the scenario's analyses.fm against its sites.
bmd_status bmd_feasibility_matrix(const bmd_catalog *cat, const bmd_scenario *s, int threads,
                                  bmd_fm_result *out);
/// The same on threats the caller has flown (bmd_threat_cases_fly on the scenario's bases and
/// targets, in that order), which the result borrows: they must outlive it; and on the sites'
/// tables when given (bmd_site_tables of the scenario's sites; NULL: built here). For runs of
/// several analyses or scenarios that share them.
bmd_status bmd_feasibility_matrix_on(const bmd_catalog *cat, const bmd_scenario *s,
                                     bmd_threat_case *threats, int n_threats,
                                     bmd_flyout *const *tables, int threads, bmd_fm_result *out);
void bmd_fm_result_free(bmd_fm_result *r);

/* ---------------------------------------------------------------- guarantees */

/// A site's threshold against a set of threats.
typedef struct bmd_gu_site {
    double min_burnout_speed_m_s; ///< least burnout speed engaging at least one threat (m/s);
                                  ///< NaN when even the top of the search does not
    double top_m_s;               ///< the top of the search (9 km/s or the scaling's limit)
    int threat;                   ///< the threat engaged at that speed (-1: none)
    bmd_intercept w;              ///< its window there
    int evaluations;              ///< fly-out tables built
} bmd_gu_site;

/// The least burnout speed at which interceptor im (stages scaled, kill vehicle kept) from a site
/// at (lat, lon, h) engages at least one of the threats under cue c: bisection from 1 to 9 km/s to
/// 0.05 km/s (engageability assumed monotonic in the speed, as bmdsim threshold does). cue_defs:
/// what the cues mean (NULL: the defaults).
bmd_status bmd_guarantee_site(const bmd_catalog *cat, const bmd_missile *im, double lat_rad,
                              double lon_rad, double h_m, const bmd_threat_case *threats,
                              int n_threats, bmd_cue c, const bmd_scn_cue_def *cue_defs,
                              uint64_t seed, bmd_gu_site *out);

/// The safe-zone map: for each cell of the region, how many of the threats an interceptor site
/// there (im scaled to speed_m_s) could engage under cue c; 0 is a safe zone.
typedef struct bmd_gu_map {
    double lat0_rad, lon0_rad, step_rad;
    int n_lat, n_lon;
    uint16_t *n_engaged;          ///< per cell
    int n_threats;
} bmd_gu_map;

bmd_status bmd_guarantee_map(const bmd_catalog *cat, const bmd_missile *im, double speed_m_s,
                             const bmd_threat_case *threats, int n_threats, bmd_cue c,
                             const bmd_scn_cue_def *cue_defs, double grid_rad, const bmd_scn_region *region, uint64_t seed,
                             int threads, void (*progress)(double share, void *ctx),
                             void *progress_ctx, bmd_gu_map *out, char *why, size_t why_size);
/// bmd_guarantee_map with its rows shared among the processes of dist (NULL: this one alone):
/// every one of them calls it alike and gets the whole map.
bmd_status bmd_guarantee_map_dist(const bmd_catalog *cat, const bmd_missile *im, double speed_m_s,
                                  const bmd_threat_case *threats, int n_threats, bmd_cue c,
                                  const bmd_scn_cue_def *cue_defs, double grid_rad,
                                  const bmd_scn_region *region, uint64_t seed, int threads,
                                  const bmd_dist *dist, void (*progress)(double share, void *ctx),
                                  void *progress_ctx, bmd_gu_map *out, char *why,
                                  size_t why_size);
void bmd_gu_map_free(bmd_gu_map *m);

#ifdef __cplusplus
}
#endif
#endif
