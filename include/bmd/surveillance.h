/// @file surveillance.h
/// Sensors against one threat: when each radar can see it, when it first detects it, when it
/// confirms a track (M of N), cueing by early warning and by other radars' tracks, and the track
/// filter run across every radar's measurements with hand-over and track continuity.
///
/// A radar searches its volume with one dwell every search_revisit_s (a random phase per radar),
/// every cued_revisit_s once it is cued; a detection in a dwell is drawn with the dwell's
/// probability of detection. After a first detection it confirms with N - 1 further dwells every
/// track_revisit_s and holds a track when M of the N detect; then it dwells on the target every
/// track_revisit_s while it can see it, each detection giving a measurement with noise for the
/// dwell's SNR. All draws come from counter-based streams keyed by (seed, radar, dwell), so a
/// result does not depend on the order or thread that computes it.
#ifndef BMD_SURVEILLANCE_H
#define BMD_SURVEILLANCE_H

#include <stdint.h>

#include "bmd/flight.h"
#include "bmd/sensor.h"
#include "bmd/track.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMD_MAX_RADARS 16

/// Options.
typedef struct bmd_surv_opts {
    uint64_t seed;                ///< random seed
    int confirm_m;                ///< detections needed ...
    int confirm_n;                ///< ... in this many dwells to confirm a track
    double scan_step_s;           ///< visibility scan step before refinement (s)
    const bmd_ew_sensor *ew;      ///< early warning that cues every radar (NULL: none)
    bool radar_cueing;            ///< a radar's confirmed track cues the others
    double cue_delay_s;           ///< command-and-control delay of a radar-to-radar cue (s)
} bmd_surv_opts;

/// Seed 1, 3 of 5, 2 s scan, no early warning, radar cueing with a 2 s delay.
bmd_surv_opts bmd_surv_default_opts(void);

/// One radar's timeline against the threat (NaN where never).
typedef struct bmd_sensor_timeline {
    double first_visible_s;       ///< first time in line of sight, field of regard and range
    double last_visible_s;        ///< last such time
    double cued_s;                ///< when the radar was cued
    double first_detection_s;     ///< first detecting dwell
    double track_confirmed_s;     ///< dwell that completed M of N
    int n_dwells;                 ///< dwells on the threat's position (search, confirm, track)
    int n_detections;             ///< of which detected
} bmd_sensor_timeline;

/// Visibility windows of a radar on a threat trajectory (path kept): the intervals when the threat
/// is in line of sight, inside the field of regard and within instrumented range. The trajectory
/// is scanned every step_s and each change located to 1 ms; a window shorter than step_s can be
/// missed. At most max windows; *n gets their number.
bmd_status bmd_visibility(const bmd_trajectory *threat, const bmd_radar *radar, double step_s,
                          int max, double *t0_s, double *t1_s, int *n);

/// Detection timelines of n radars (each with its site set) against a threat trajectory (path
/// kept) with signature sig. ew_out (may be NULL) gets the early-warning report when o->ew is set.
bmd_status bmd_detect(const bmd_trajectory *threat, const bmd_signature *sig,
                      const bmd_radar *radars, int n, const bmd_surv_opts *o,
                      bmd_sensor_timeline *out, bmd_ew_report *ew_out);

/// One track update, with the truth to judge it by.
typedef struct bmd_track_sample {
    double t_s;                   ///< measurement time (s)
    int sensor;                   ///< index of the radar
    double position_error_m;      ///< |estimate - truth| after the update (m)
    double velocity_error_m_s;    ///< (m/s)
    bool gated;                   ///< the measurement was rejected by the gate
    bool reinitiated;             ///< the track was lost (reinit_after gated in a row) and
                                  ///< started again from this radar's last two measurements
    bmd_impact_pred impact;       ///< predicted impact (the latest made; see impact_made_s)
    double impact_made_s;         ///< time of the update that made it (predictions are made at
                                  ///< most every impact_every_s and carried between)
    double impact_error_m;        ///< distance of the predicted impact from the true one (m)
    double x_eci[6];              ///< the track's state after the update: ECI position (m) and
                                  ///< velocity (m/s) at t_s
} bmd_track_sample;

/// Options of the tracking run.
typedef struct bmd_track_run_opts {
    bmd_track_opts filter;        ///< the filter (its earth must match the threat's)
    double q_boost_m_s2;          ///< process noise while the threat is boosting: the filter is
                                  ///< told when thrust ends (early warning loses the plume)
    double impact_every_s;        ///< predict the impact at most this often (s); 0: every update
    int reinit_after;             ///< gated measurements in a row (one radar) that declare the
                                  ///< track lost and start it again; 0: never (default 3)
    double impact_until_s;        ///< no new impact predictions after this time (s; default
                                  ///< +inf); the last one is carried
} bmd_track_run_opts;

bmd_track_run_opts bmd_track_run_default_opts(void);

/// Run detection, then one track across all radars' measurements from the first confirmation on.
/// *updates is allocated (free() it); *n_updates its length. timelines as bmd_detect.
bmd_status bmd_track_run(const bmd_trajectory *threat, const bmd_signature *sig,
                         const bmd_radar *radars, int n, const bmd_surv_opts *o,
                         const bmd_track_run_opts *to, bmd_sensor_timeline *timelines,
                         bmd_track_sample **updates, int *n_updates);

#ifdef __cplusplus
}
#endif
#endif
