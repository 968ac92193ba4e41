/// @file scenario.h
/// Scenario files (YAML, docs/scenario-format.md): sensors, interceptor sites with inventories,
/// threats (a raid), doctrine and command delays, and defended assets. Values may carry their
/// source as catalog values do. Loading errors name file:line:column, the field and what was
/// expected.
#ifndef BMD_SCENARIO_H
#define BMD_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "bmd/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMD_SCN_MAX_SENSORS 16
#define BMD_SCN_MAX_SITES 32
#define BMD_SCN_MAX_THREATS 1024
#define BMD_SCN_MAX_ASSETS 64
#define BMD_SCN_MAX_PK_PAIRS 16
#define BMD_SCN_MAX_FILES 32   ///< files in one scenario, includes counted

/// A site's single-shot kill probability against one threat type (a pairing).
typedef struct bmd_scn_pk_pair {
    const bmd_missile *missile;       ///< threat type, from the catalog
    double pk;
} bmd_scn_pk_pair;

/// A site with interceptors.
typedef struct bmd_scn_site {
    char name[64];
    double lat_rad, lon_rad, h_m;
    const bmd_missile *interceptor;   ///< from the catalog
    int inventory;                    ///< interceptors at the site (>= 0)
    double pk;                        ///< single-shot kill probability of this site's shots
    int n_pk_by_missile;
    bmd_scn_pk_pair pk_by_missile[BMD_SCN_MAX_PK_PAIRS]; ///< pairings overriding pk
} bmd_scn_site;

/// The single-shot kill probability of a site's interceptor against a threat type: its
/// pk_by_missile entry where it has one, else its pk.
double bmd_scn_site_pk(const bmd_scn_site *site, const bmd_missile *threat);

/// A threat of the raid.
typedef struct bmd_scn_threat {
    const bmd_missile *missile;       ///< from the catalog
    double launch_lat_rad, launch_lon_rad;
    double target_lat_rad, target_lon_rad;
    double launch_time_s;             ///< s from the scenario epoch
} bmd_scn_threat;

/// A defended asset.
typedef struct bmd_scn_asset {
    char name[64];
    double lat_rad, lon_rad;
    double radius_m;                  ///< a threat aimed within this distance threatens it
    double value;                     ///< its worth (> 0)
} bmd_scn_asset;

/// Doctrine and timelines.
typedef struct bmd_scn_doctrine {
    bool shoot_look_shoot;            ///< true: shoot, assess, shoot again; false: salvo
    int salvo;                        ///< interceptors fired together (1 or 2)
    int max_per_threat;               ///< most interceptors committed to one threat
    double c2_delay_s;                ///< from a confirmed track to launch authority (s)
    double kill_assessment_s;         ///< from an intercept to knowing its outcome (s)
    double impact_settle_m;           ///< threat evaluation waits until two successive
                                      ///< post-burnout impact predictions agree this well (m)
    double kv_homing_s;               ///< from the last in-flight target update to intercept:
                                      ///< the kill vehicle's divert must remove the track's
                                      ///< error over this time (s; notional)
} bmd_scn_doctrine;

/// The doctrine a scenario file gets for what it does not say (docs/scenario-format.md).
bmd_scn_doctrine bmd_scn_default_doctrine(void);

/// The assumption sets of the analyses: how the battle manager first learns of a threat, and so
/// the earliest launch (the names are those of bmdsim feasibility --cue; docs/defense.md).
typedef enum bmd_cue {
    BMD_CUE_IDEAL = 0,          ///< known perfectly from its launch: the kinematic bound
    BMD_CUE_EARLY_WARNING = 1,  ///< launch on the SBIRS cue, plus a decision delay
    BMD_CUE_FORWARD_RADAR = 2,  ///< launch on the AN/TPY-2 track at Kurecik, plus C2
    BMD_CUE_SITE_RADAR = 3      ///< launch on a SPY-1 track from the site itself
} bmd_cue;
#define BMD_N_CUES 4

/// "ideal", "early-warning", "forward-radar", "site-radar".
const char *bmd_cue_name(bmd_cue c);
/// The cue of a name; false when the name is none of them.
bool bmd_cue_parse(const char *name, bmd_cue *out);

#define BMD_SCN_MAX_PLACES 32
#define BMD_SCN_MAX_DELAYS 8

/// A named place of an analysis: a launch area, an ICBM base (with its missile), a target.
typedef struct bmd_scn_place {
    char name[64];
    double lat_rad, lon_rad;
    const bmd_missile *missile;   ///< the base's missile (bases only; else NULL)
} bmd_scn_place;

/// A latitude-longitude box (rad), the region of a map.
typedef struct bmd_scn_region {
    double lat_min_rad, lat_max_rad, lon_min_rad, lon_max_rad;
} bmd_scn_region;

/// What one cue means in a scenario's analyses (analyses.cue_definitions; docs/analyses.md):
/// anything not given keeps the default of docs/analyses.md (all zero: every default).
typedef struct bmd_scn_cue_def {
    const bmd_sensor_entry *sensor; ///< catalog sensor; NULL: the default one
    bool placed;                    ///< a forward radar placed here, not at its catalog site
    double lat_rad, lon_rad, h_m;
    bool has_delay;                 ///< delay_s replaces the default delay
    double delay_s;                 ///< from its track or cue to the earliest launch (s)
} bmd_scn_cue_def;

/// The analyses a scenario asks for (docs/scenario-format.md, "analyses"). Each is run against
/// the scenario's sites and sensors.
/* ---------------------------------------------------------------- sweep axes */

#define BMD_AXIS_MAX_LIST 256

/// One axis of a sweep: n values, a range (value k = a + k step) or a list.
typedef struct bmd_axis {
    int n;
    bool is_list;
    double a, step;
    double list[BMD_AXIS_MAX_LIST];
} bmd_axis;

/// The scenario's site that a text names: its index from 0, its exact name, or the one site
/// whose name begins with the text (bmdsim sweep --site and analyses.sweep.sites). Returns the
/// index, or -1 with *why (may be NULL) "is not one of the scenario's sites", "names more than
/// one site" or "is not a site index".
struct bmd_scenario;
int bmd_scn_find_site(const struct bmd_scenario *s, const char *text, const char **why);

/// Value k (0 .. n-1) of an axis.
double bmd_axis_value(const bmd_axis *x, int k);

/// Parse A:B:STEP (A to B inclusive, at most a million values) or V1,V2,... (at most
/// BMD_AXIS_MAX_LIST), every value finite and within [lo, hi] (in `unit`, for the message).
/// The one parser of bmdsim sweep's axis flags and a scenario's analyses.sweep. BMD_ERR_ARG with
/// why set when the text is not one.
bmd_status bmd_axis_parse(const char *text, double lo, double hi, const char *unit, bmd_axis *x,
                          char *why, size_t why_size);

/// A sweep declared in a scenario (analyses.sweep): what bmdsim sweep SCENARIO does when its
/// command line does not say. Values in the units their names carry, as the flags take them.
typedef struct bmd_scn_sweep {
    int threats;                 ///< 0: the command's default; 1: matrix; 2: raid
    int n_sites;                 ///< 0: every site
    int sites[BMD_SCN_MAX_SITES];///< indices into the scenario's sites
    bool has_speed, has_delay, has_lat, has_lon;
    bmd_axis burnout_speed_km_s; ///< the interceptors scaled to these burnout speeds
    bmd_axis launch_delay_s;     ///< extra launch delays after the cue
    bmd_axis site_lat_deg;       ///< the (one) site moved over these latitudes
    bmd_axis site_lon_deg;       ///< and longitudes
    int n_cues;                  ///< 0: the command's default (ideal)
    bmd_cue cues[BMD_N_CUES];
} bmd_scn_sweep;

typedef struct bmd_scn_analyses {
    bool defended_area;
    struct {
        const bmd_missile *missile;                      ///< the threat type
        int n_launch_areas;
        bmd_scn_place launch_areas[BMD_SCN_MAX_PLACES];  ///< one map per launch area
        bmd_cue cue;                                     ///< default forward-radar
        double grid_deg;                                 ///< default 0.5
        bmd_scn_region region;                           ///< default Europe: 34..72 N, -25..45 E
    } da;
    bool feasibility_matrix;
    struct bmd_scn_fm {
        int n_bases;
        bmd_scn_place bases[BMD_SCN_MAX_PLACES];         ///< ICBM bases, each with its missile
        int n_targets;
        bmd_scn_place targets[BMD_SCN_MAX_PLACES];       ///< aim points
        int n_cues;
        bmd_cue cues[BMD_N_CUES];                        ///< default: all four
        int n_delays;
        double delays_s[BMD_SCN_MAX_DELAYS];             ///< extra launch delays; default {0}
    } fm;
    bool guarantees;
    struct {
        double burnout_speed_m_s;      ///< the speed of the safe-zone map; default 5500 (IIB)
        const bmd_missile *interceptor;///< whose stages are scaled, kill vehicle kept; sm3-iib
        bmd_cue cue;                   ///< default ideal (the kinematic bound)
        double grid_deg;               ///< default 0.5
        bmd_scn_region region;         ///< default Europe and the northern seas: 30..75 N,
                                       ///< -30..45 E
    } gu;                              ///< bases and targets: those of fm
    bool kaliningrad;
    bool sweep;                        ///< analyses.sweep given (for bmdsim sweep; run skips it)
    bmd_scn_sweep sw;
    bmd_scn_cue_def cue_defs[BMD_N_CUES]; ///< what each cue means (index: bmd_cue)
} bmd_scn_analyses;

/// The analyses' defaults (the comments above), none of them asked for; gu.interceptor is the
/// catalog's sm3-iib (NULL when cat is NULL or has none).
void bmd_scn_default_analyses(const bmd_catalog *cat, bmd_scn_analyses *out);

/// A loaded scenario.
typedef struct bmd_scenario {
    char name[128];
    uint64_t seed;
    int n_sensors;
    bmd_radar radars[BMD_SCN_MAX_SENSORS];   ///< placed radars
    bool has_ew;
    bmd_ew_sensor ew;                         ///< early warning cueing every radar
    int n_sites;
    bmd_scn_site sites[BMD_SCN_MAX_SITES];
    int n_threats;
    bmd_scn_threat *threats;
    int n_assets;
    bmd_scn_asset assets[BMD_SCN_MAX_ASSETS];
    bmd_scn_doctrine doctrine;
    bmd_scn_analyses analyses;   ///< the analyses to run (none when the file asks for none)
    /* Provenance (for reports): owned; freed by bmd_scenario_free. */
    int n_params;
    bmd_param *params;           ///< every number read, in the file's unit, with its source (or
                                 ///< "(no source given: user file)")
    int n_files;
    char *files[BMD_SCN_MAX_FILES]; ///< the files read, as opened: [0] the scenario, then its
                                    ///< includes depth first
} bmd_scenario;

/// Load a scenario file against a catalog (which must outlive it). A file may include others
/// (`include: FILE` or `include: [F1, F2]`, relative to it): they are read first, and each
/// top-level key of a later file, or each analysis under `analyses:`, replaces theirs
/// (docs/scenario-format.md). On error, err names the file the offending value is in, its
/// line:column, the field and what was expected.
bmd_status bmd_scenario_load(const char *path, const bmd_catalog *cat, bmd_scenario *out,
                             bmd_load_error *err);
void bmd_scenario_free(bmd_scenario *s);

#ifdef __cplusplus
}
#endif
#endif
