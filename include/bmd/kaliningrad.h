/// @file kaliningrad.h
/// The Kaliningrad analysis: Russia's announced answers of 23 November 2011 to NATO's missile
/// defence in Europe (Medvedev: the Voronezh-DM early-warning radar at Pionersky put on alert,
/// S-400 deployments, Iskander-M missiles in Kaliningrad), computed from the catalog with every
/// assumption visible. Three parts:
///
/// 1. Iskander-M from a Kaliningrad launch area to the NATO missile-defence sites and nearby
///    capitals: geodesic ground range, whether the targeting solver reaches the place with the
///    missile's own trajectory shape (its answer decides "out of range"), flight time, apogee.
/// 2. S-400 engagement envelopes from a battalion at Kaliningrad: for each catalog missile
///    (48N6, 40N6) the ground range its fly-out table (intercept.h) reaches at given altitudes,
///    as lat/lon rings, and for each place whether the airspace above it at a given altitude is
///    reachable and the fly-out time.
/// 3. What the Voronezh-DM sees: detection range by RCS from the radar-equation scaling, limited
///    by the 4/3-Earth horizon, the field of regard and the instrumented range, as coverage rings
///    at given target altitudes; when it first sees and detects trajectories of interest (the
///    notional Iranian ICBM toward London and Washington) and an interceptor launched from
///    Redzikowo.
///
/// All values SI (m, s, rad, m^2). docs/kaliningrad.md has the method, sources and limits.
#ifndef BMD_KALININGRAD_H
#define BMD_KALININGRAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmd/catalog.h"
#include "bmd/intercept.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMD_KGD_MAX_PLACES 16   ///< places of part 1 and 2
#define BMD_KGD_MAX_SAMS 4      ///< S-400 missiles of part 2
#define BMD_KGD_MAX_ALTS 4      ///< envelope or ring altitudes
#define BMD_KGD_MAX_RCS 4       ///< radar cross-sections of part 3
#define BMD_KGD_MAX_WATCH 4     ///< threat trajectories watched by the radar

/// A named point (geodetic, rad).
typedef struct bmd_kgd_place {
    char name[48];
    double lat_rad, lon_rad;
} bmd_kgd_place;

/// A threat trajectory of interest for the radar: a catalog missile flown with its default shape.
typedef struct bmd_kgd_watch {
    char name[64];          ///< e.g. "Semnan -> London"
    char missile_id[32];    ///< catalog missile
    double launch_lat_rad, launch_lon_rad;
    double target_lat_rad, target_lon_rad;
} bmd_kgd_watch;

/// Options. Start from bmd_kaliningrad_default_opts() and change what is wanted.
typedef struct bmd_kaliningrad_opts {
    /* Part 1: Iskander-M. */
    char missile_id[32];                        ///< "iskander-m"
    double launch_lat_rad, launch_lon_rad;      ///< the launch area (Kaliningrad 54.71, 20.51)
    int n_places;
    bmd_kgd_place places[BMD_KGD_MAX_PLACES];   ///< targets of part 1, airspace of part 2
    /* Part 2: S-400. */
    double sam_lat_rad, sam_lon_rad, sam_h_m;   ///< the battalion's site
    int n_sams;
    char sam_ids[BMD_KGD_MAX_SAMS][32];         ///< catalog interceptors ("s400-48n6", ...)
    int n_env_alts;
    double env_alt_m[BMD_KGD_MAX_ALTS];         ///< envelope altitudes (1, 10, 20 km)
    double env_step_az_rad;                     ///< azimuth step of the envelope rings (5 deg)
    double place_alt_m;                         ///< altitude of the airspace over places (10 km)
    double sam_max_flyout_s;                    ///< longest fly-out counted (s); INFINITY: the
                                                ///< missile's whole flight (table's limit)
    bmd_flyout_opts flyout;                     ///< the tables (a dense fan: see the .c)
    /* Part 3: Voronezh-DM. */
    char radar_id[32];                          ///< "voronezh-dm" (at its catalog site)
    int n_rcs;
    double rcs_m2[BMD_KGD_MAX_RCS];             ///< target RCS for the coverage (0.1, 1 m^2)
    int n_ring_alts;
    double ring_alt_m[BMD_KGD_MAX_ALTS];        ///< target altitudes (100, 300, 1000 km)
    double ring_step_az_rad;                    ///< azimuth step of the coverage rings (5 deg)
    int n_watch;
    bmd_kgd_watch watch[BMD_KGD_MAX_WATCH];     ///< threats (Semnan -> London, -> Washington)
    uint64_t seed;                              ///< seed of the detection draws (bmd_detect)
    char interceptor_id[32];                    ///< interceptor flown from Redzikowo ("sm3-iia")
    double int_lat_rad, int_lon_rad;            ///< its site (Redzikowo 54.47, 17.12)
    double int_apogee_m;                        ///< its fly-out's apogee (200 km)
    double int_azimuth_rad;                     ///< its launch azimuth; NaN: toward the first
                                                ///< watched threat's launch point
    double int_rcs_m2;                          ///< its RCS to the radar (notional, 1 m^2)
} bmd_kaliningrad_opts;

/// The defaults above, with the sources given in docs/kaliningrad.md.
bmd_kaliningrad_opts bmd_kaliningrad_default_opts(void);

/// Part 1: one Iskander-M target.
typedef struct bmd_kgd_strike {
    bmd_kgd_place place;
    double range_m;            ///< geodesic ground range, launch to place (WGS-84)
    double azimuth_rad;        ///< geodesic azimuth at the launch point
    bool in_range;             ///< the targeting solver reached it
    char why[160];             ///< when not: the solver's reason
    double flight_time_s;      ///< NaN when out of range (also the fields below)
    double apogee_m;
    double burnout_speed_m_s;
    double impact_speed_m_s;
    double miss_m;             ///< the solution's miss distance
} bmd_kgd_strike;

/// A closed ring of lat/lon points (rad); the last point repeats the first.
typedef struct bmd_kgd_ring {
    int n;
    double *lat_rad;
    double *lon_rad;
} bmd_kgd_ring;

/// Part 2: the envelope of one S-400 missile at one altitude.
typedef struct bmd_kgd_envelope {
    double alt_m;
    bool in_band;              ///< alt within the kill vehicle's altitude band
    double range_min_m;        ///< least outer ground range over the azimuths (0 if empty)
    double range_max_m;        ///< largest
    double flyout_at_edge_s;   ///< mean fly-out time at the outer edge (NaN if empty)
    int n_az;                  ///< azimuths of the ring
    double *outer_m;           ///< [n_az] outer ground range on each azimuth (0: none)
    bmd_kgd_ring ring;         ///< the outer edge (n_az + 1 points; n 0 if nothing is reached);
                               ///< kinematic: drawn outside the band too (in_band says)
} bmd_kgd_envelope;

/// Part 2: the airspace over a place at opts.place_alt_m.
typedef struct bmd_kgd_cover {
    double range_m;            ///< ground range from the battalion (as the table measures it)
    bool reachable;            ///< in the fly-out table, within sam_max_flyout_s and in band
    double flyout_s;           ///< fly-out time (NaN when not reachable)
} bmd_kgd_cover;

/// Part 2: one S-400 missile.
typedef struct bmd_kgd_sam {
    char id[32];
    char name[96];
    double kv_min_alt_m, kv_max_alt_m;   ///< the catalog's kill-vehicle altitude band
    double pub_range_m;                  ///< published range (NaN: none in the catalog)
    double table_range_m, table_alt_m;   ///< bmd_flyout_extent
    int n_env;
    bmd_kgd_envelope env[BMD_KGD_MAX_ALTS];
    bmd_kgd_cover cover[BMD_KGD_MAX_PLACES]; ///< per place of opts
} bmd_kgd_sam;

/// Part 3: coverage of the radar at one target altitude for one RCS.
typedef struct bmd_kgd_coverage {
    double rcs_m2;
    double alt_m;
    double detection_range_m;   ///< slant range at the reference SNR for this RCS
    double horizon_range_m;     ///< ground range where the target sinks below the 4/3-Earth
                                ///< horizon (line of sight only), along the boresight
    double horizon_slant_m;     ///< slant range there
    double fov_range_m;         ///< ground range where it sinks below el_min, along the boresight
    double range_max_m;         ///< largest outer ground range over the azimuths
    double inner_max_m;         ///< largest inner ground range (above el_max close in)
    const char *limit;          ///< what bounds the outer edge on the boresight: "horizon",
                                ///< "elevation", "detection", "instrumented"
    bmd_kgd_ring ring;          ///< outer arc then inner arc back: an annular sector, closed
} bmd_kgd_coverage;

/// Part 3: what the radar sees of one trajectory (times from its launch; NaN where never).
typedef struct bmd_kgd_sight {
    char name[64];
    bool flown;                 ///< the trajectory could be flown (else why says why)
    char why[160];
    double flight_time_s;
    double apogee_m;
    double first_los_s;         ///< first above the radar's 4/3-Earth horizon
    double first_visible_s;     ///< first in line of sight, field of regard and instrumented range
    double first_detectable_s;  ///< first visible with SNR >= the reference SNR (its RCS)
    double first_detection_s;   ///< first detecting dwell (bmd_detect, seeded)
    double track_confirmed_s;   ///< track confirmed (3 of 5)
    double detect_alt_m;        ///< altitude at first_detectable_s
    double detect_slant_m;      ///< slant range then
    double detect_ground_m;     ///< ground range from the radar then
    double warning_s;           ///< flight_time_s - first_detection_s (threats)
} bmd_kgd_sight;

/// The result. Free with bmd_kaliningrad_free.
typedef struct bmd_kaliningrad_result {
    char missile_id[32];
    int n_strikes;
    bmd_kgd_strike strikes[BMD_KGD_MAX_PLACES];
    double missile_max_range_m;      ///< bmd_max_range toward the first place
    double sam_lat_rad, sam_lon_rad;
    int n_sams;
    bmd_kgd_sam sams[BMD_KGD_MAX_SAMS];
    char radar_id[32];
    double radar_lat_rad, radar_lon_rad, radar_h_m;
    double radar_boresight_rad, radar_half_width_rad, radar_el_min_rad, radar_el_max_rad;
    double radar_range_max_m, radar_k;
    int n_coverage;
    bmd_kgd_coverage coverage[BMD_KGD_MAX_RCS * BMD_KGD_MAX_ALTS]; ///< rcs-major
    int n_sights;
    bmd_kgd_sight sights[BMD_KGD_MAX_WATCH];
    bmd_kgd_sight interceptor;       ///< the Redzikowo interceptor (warning_s NaN)
    double int_azimuth_rad;          ///< its launch azimuth
    double int_kick_rad;             ///< the pitch-over kick that gives int_apogee_m
} bmd_kaliningrad_result;

/// Run the analysis on a loaded catalog. BMD_ERR_NOT_FOUND (why names the id) for an unknown
/// missile, interceptor or radar; BMD_ERR_ARG (why names the field) for bad options;
/// BMD_ERR_NOMEM; other codes from the flight, fly-out and sensor layers. A place out of the
/// Iskander's reach, or a threat that cannot be flown, is a result, not an error. On error out
/// is freed and zeroed. why may be NULL.
bmd_status bmd_kaliningrad_run(const bmd_catalog *cat, const bmd_kaliningrad_opts *o,
                               bmd_kaliningrad_result *out, char *why, size_t why_size);

/// Free what a result holds (the rings); the struct is zeroed. NULL is allowed.
void bmd_kaliningrad_free(bmd_kaliningrad_result *r);

#ifdef __cplusplus
}
#endif
#endif
