/// @file engage.h
/// The engagement engine: a whole raid against the scenario's sensors and interceptor sites.
///
/// The deterministic part is prepared once (bmd_raid_prepare): every threat flown to its aim
/// point; the sensors played against it (first detection, first confirmed track; seeded draws);
/// launch authority = first track + command-and-control delay; threat evaluation (the defended
/// asset within reach of the impact point the track predicts once settled after burnout, and its
/// value; docs/defense.md); every site's fly-out table and, per threat, its engagement window;
/// the weapon-target assignment (assign.h) with each pairing's pk (bmd_scn_site_pk),
/// inventories and doctrine. The random part is played per run (bmd_raid_play), as discrete
/// events in scenario time (each threat's decisions at launch authority and, under
/// shoot-look-shoot, at each kill assessment; earliest first, ties by threat index): a kill or a
/// miss drawn per interceptor from the counter-based stream (seed, run, threat, shot); under
/// shoot-look-shoot, re-engagement while the window lasts, and a killed threat's unfired reserve
/// returned to its site's pool for threats that have used theirs. Results do not depend on the
/// order in which runs are played or on threads.
#ifndef BMD_ENGAGE_H
#define BMD_ENGAGE_H

#include <stdint.h>

#include "bmd/assign.h"
#include "bmd/intercept.h"
#include "bmd/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A prepared raid (opaque).
typedef struct bmd_raid bmd_raid;

/// Prepare a scenario's raid. why (size why_size) says what failed. The scenario and its catalog
/// must outlive the raid.
bmd_status bmd_raid_prepare(const bmd_scenario *s, bmd_raid **out, char *why, int why_size);
/// The same, the threats (flights, sensors, tracks) and the sites' fly-out tables prepared on
/// `threads` threads (<= 0: one per processor): the same raid whatever the number.
bmd_status bmd_raid_prepare_threads(const bmd_scenario *s, int threads, bmd_raid **out, char *why,
                                    int why_size);
/// The same with the sites' fly-out tables given (tables[j] for s->sites[j], as bmd_site_tables
/// builds them: the same tables the raid would build, so the same raid), borrowed: they must
/// outlive the raid. NULL: built here.
bmd_status bmd_raid_prepare_tables(const bmd_scenario *s, int threads, bmd_flyout *const *tables,
                                   bmd_raid **out, char *why, int why_size);
void bmd_raid_free(bmd_raid *r);

/// One interceptor engagement (a salvo of one or two interceptors).
typedef struct bmd_shot {
    int threat;
    int site;
    int interceptors;      ///< fired together
    double launch_s;       ///< scenario time (s)
    double intercept_s;
    double altitude_m;     ///< intercept altitude
    double pk;             ///< single-shot kill probability of the pairing
    double handover_error_m; ///< the track's error at intercept, extrapolated from the last
                             ///< update kv_homing_s before it (+inf: no such update)
    double divert_reach_m;   ///< what the kill vehicle's divert can take out
    bool beyond_divert;      ///< handover_error_m > divert_reach_m: a miss whatever pk
    bool from_pool;        ///< fired from interceptors returned or left unassigned (not the
                           ///< battle manager's reserve for this threat)
    bool kill;
} bmd_shot;

/// What happened to one threat in one run.
typedef struct bmd_threat_outcome {
    double launch_s;        ///< scenario time of its launch
    double detect_s;        ///< first detection (NaN: never)
    double track_s;         ///< first confirmed track (NaN: never)
    double authority_s;     ///< launch authority (NaN: never)
    double impact_s;        ///< its impact, had it not been killed
    bool predicted_impact;  ///< the threat evaluation used the track's predicted impact point
                            ///< (else, never tracked: its aim point)
    double predicted_lat_rad, predicted_lon_rad; ///< that point
    bool planned_on_track;  ///< windows solved on the trajectory flown from the track's state
                            ///< (else on the truth: never tracked)
    int asset;              ///< defended asset it threatens (-1: none)
    double value;           ///< the value at stake
    int assigned;           ///< interceptors the battle manager assigned
    int fired;              ///< interceptors fired
    int from_pool;          ///< of them, drawn on the pool (shoot-look-shoot re-engagements)
    int returned;           ///< assigned but unfired after its kill: returned to the pool
    bool leaked;
    char why[160];          ///< the battle manager's reason when it was not engaged
} bmd_threat_outcome;

/// One run of the raid.
typedef struct bmd_raid_result {
    int n_threats;
    bmd_threat_outcome *threats;  ///< [n_threats]
    int n_shots;
    bmd_shot *shots;              ///< in time order
    int fired;                    ///< interceptors fired in all
    int leakers;
    double value_leaked;
} bmd_raid_result;

/// Play run number `run` with seed. out's arrays are allocated: bmd_raid_result_free.
bmd_status bmd_raid_play(const bmd_raid *r, uint64_t seed, uint64_t run, bmd_raid_result *out);
void bmd_raid_result_free(bmd_raid_result *out);

/// Monte Carlo over runs 0 .. runs-1 of a raid: counts only (integers), so the totals are the same
/// whatever the number of threads.
typedef struct bmd_raid_mc {
    long runs;
    long any_leak;      ///< runs in which at least one threat leaked
    long leakers;       ///< threats leaked, summed over runs
    long fired;         ///< interceptors fired, summed over runs
    long *threat_leaks; ///< [n_threats] runs in which each threat leaked (allocated; free())
} bmd_raid_mc;

/// Play runs 0 .. runs-1 with seed on `threads` threads (<= 0: one per online processor, at
/// most 64; parallel.h); each plays a contiguous block of runs. out->threat_leaks is allocated.
bmd_status bmd_raid_monte_carlo(const bmd_raid *r, uint64_t seed, long runs, int threads,
                                bmd_raid_mc *out);
/// The same over runs first .. first+runs-1: the counts of consecutive ranges add up to those of
/// the whole (each run is keyed by its own index), so a long Monte Carlo can be played in chunks
/// (progress, stopping rules, resuming).
bmd_status bmd_raid_monte_carlo_range(const bmd_raid *r, uint64_t seed, long first, long runs,
                                      int threads, bmd_raid_mc *out);
void bmd_raid_mc_free(bmd_raid_mc *mc);

/// The battle manager's assignment decisions, in the order made (each with the salvo's marginal
/// expected value destroyed and the threat's leak probability after it); returns their number.
int bmd_raid_decisions(const bmd_raid *r, const bmd_wta_decision **log);

/// Number of threats and sites of a prepared raid, and a site's name.
int bmd_raid_threats(const bmd_raid *r);
/// A threat's true trajectory, in its own time (0 at its launch; add the threat's launch_time_s
/// for scenario time); NULL for a bad index. Valid while the raid lives.
const bmd_trajectory *bmd_raid_threat_trajectory(const bmd_raid *r, int threat);
const char *bmd_raid_site_name(const bmd_raid *r, int site);

/// One radar's times against one threat of a prepared raid, in scenario time (s from the scenario
/// epoch, as bmd_threat_outcome's times; the threat's own time plus its launch_time_s); NaN where
/// never. They are fixed when the raid is prepared (bmd_detect, seeded per threat), so they are
/// the same in every run.
typedef struct bmd_raid_sensor_times {
    double first_detection_s;   ///< its first detecting dwell on the threat
    double track_confirmed_s;   ///< its dwell that completed M of N: a confirmed track
} bmd_raid_sensor_times;

/// A threat's times per radar: *out points to one entry per scenario radar, in the order of the
/// scenario's radars[] (valid while the raid lives; out may be NULL to ask for the count). Returns
/// their number (the scenario's n_sensors, at most BMD_SCN_MAX_SENSORS), or -1 (and *out NULL)
/// for a bad index. The threat's first detection and first confirmed track in each run
/// (bmd_threat_outcome's detect_s and track_s) are the least of these, to the bit.
int bmd_raid_threat_sensors(const bmd_raid *r, int threat, const bmd_raid_sensor_times **out);

#ifdef __cplusplus
}
#endif
#endif
