/// @file scenario.h
/// Scenario files (YAML, docs/scenario-format.md): sensors, interceptor sites with inventories,
/// threats (a raid), doctrine and command delays, and defended assets. Values may carry their
/// source as catalog values do. Loading errors name file:line:column, the field and what was
/// expected.
#ifndef BMD_SCENARIO_H
#define BMD_SCENARIO_H

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
} bmd_scenario;

/// Load a scenario file against a catalog (which must outlive it). On error, err says where.
bmd_status bmd_scenario_load(const char *path, const bmd_catalog *cat, bmd_scenario *out,
                             bmd_load_error *err);
void bmd_scenario_free(bmd_scenario *s);

#ifdef __cplusplus
}
#endif
#endif
