/// @file intercept.h
/// Fly-out tables and the intercept solver.
///
/// A fly-out table holds, for an interceptor launched from a site, the fastest time to reach any
/// point given by (azimuth from the site, ground range, altitude), with the interceptor's speed and
/// flight-path angle there. It is built once by flying the interceptor (full model: rotating
/// WGS-84, J2, drag) over a fan of pitch-over kicks on several launch azimuths, then interpolated.
/// The intercept solver walks a threat's trajectory: a point reached at time t needs a launch at
/// t - T(point); the feasible intercepts are those with that launch after the earliest launch
/// (sensor and command timeline), inside the kill vehicle's altitude band and above its least
/// closing speed. When none is feasible it says why.
#ifndef BMD_INTERCEPT_H
#define BMD_INTERCEPT_H

#include <stdbool.h>

#include "bmd/flight.h"
#include "bmd/interceptor.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Options of a fly-out table.
typedef struct bmd_flyout_opts {
    int n_azimuths;         ///< launch azimuths, evenly spaced (>= 4)
    int n_kicks;            ///< pitch-over kicks of the fan (>= 8)
    double kick_min_rad;    ///< steepest kick
    double kick_max_rad;    ///< flattest kick
    int n_range;            ///< grid points in ground range
    int n_alt;              ///< grid points in altitude
    double max_time_s;      ///< fly-out time limit (s)
    double sample_s;        ///< sampling of each fan trajectory (s)
    int threads;            ///< threads flying the fan (0: one per processor); the table is the
                            ///< same for any number
} bmd_flyout_opts;

/// 8 azimuths, 64 kicks from 0.3 to 88 degrees, a 200 x 200 grid, 1,800 s, 1 s samples, a thread
/// per processor.
bmd_flyout_opts bmd_flyout_default_opts(void);

/// An opaque fly-out table.
typedef struct bmd_flyout bmd_flyout;

/// Build the table of interceptor v from a site (geodetic, h above the ellipsoid) with the flight
/// options o (its Earth model is the table's). BMD_ERR_ARG for a vehicle that cannot fly or bad
/// numbers; BMD_ERR_NOMEM.
bmd_status bmd_flyout_build(const bmd_vehicle *v, double site_lat_rad, double site_lon_rad,
                            double site_h_m, const bmd_flight_opts *o, const bmd_flyout_opts *fo,
                            bmd_flyout **out);
void bmd_flyout_free(bmd_flyout *f);

/// The table of the same interceptor at a site dlon_rad east of f's (same latitude and height):
/// exact, since the Earth model is symmetric about its axis, and cheap: it borrows f's grid, so f
/// must outlive it (free both with bmd_flyout_free). For maps of many sites along a parallel.
bmd_status bmd_flyout_moved(const bmd_flyout *f, double dlon_rad, bmd_flyout **out);

/// Fastest fly-out to an ECEF point: time (s) and the interceptor's speed relative to the Earth
/// (m/s) and ECEF velocity there. False when the point is out of reach (or outside the table).
bool bmd_flyout_reach(const bmd_flyout *f, bmd_vec3 p_ecef, double *t_s, bmd_vec3 *v_ecef);

/// bmd_flyout_reach for a point whose surface normal n_p and height h_m the caller has already
/// (bmd_ecef_height_normal): the same answer without the geodetic conversion.
bool bmd_flyout_reach_at(const bmd_flyout *f, bmd_vec3 p_ecef, bmd_vec3 n_p, double h_m,
                         double *t_s, bmd_vec3 *v_ecef);

/// Ground range (m) from the table's site to an ECEF point, as the table measures it.
double bmd_flyout_ground_range(const bmd_flyout *f, bmd_vec3 p_ecef);

/// Largest ground range (m) and altitude (m) the table covers.
void bmd_flyout_extent(const bmd_flyout *f, double *max_range_m, double *max_alt_m);

/// Why an intercept is or is not possible.
typedef enum bmd_intercept_reason {
    BMD_INT_OK = 0,              ///< engageable
    BMD_INT_NOT_SEEN = 1,        ///< never tracked (no cue, no track): no launch authority
    BMD_INT_OUT_OF_REACH = 2,    ///< no point of the trajectory within the fly-out's reach
    BMD_INT_ALTITUDE = 3,        ///< reachable points, but outside the kill vehicle's altitude band
    BMD_INT_TOO_LATE = 4,        ///< reachable in the band only by launching before the earliest
                                 ///< launch: not seen (tracked) in time
    BMD_INT_TAIL_CHASE = 5,      ///< only a tail chase, below the least closing speed
    BMD_INT_CLOSING = 6,         ///< below the least closing speed
    BMD_INT_TOO_FAST = 7         ///< too fast to catch: reachable in the band only by launching
                                 ///< before the threat itself
} bmd_intercept_reason;

/// A short text for a reason ("engageable", "not seen in time", ...).
const char *bmd_intercept_reason_str(bmd_intercept_reason r);

/// The engagement window of one interceptor site against one threat.
typedef struct bmd_intercept {
    bool engageable;
    bmd_intercept_reason reason;
    double earliest_launch_s;      ///< launch for the earliest intercept (s, threat time)
    double earliest_intercept_s;   ///< earliest feasible intercept (s)
    double latest_intercept_s;     ///< latest feasible intercept (s)
    double intercept_altitude_m;   ///< at the earliest intercept
    double intercept_range_m;      ///< ground range from the site at the earliest intercept
    double intercept_lat_rad, intercept_lon_rad; ///< predicted intercept point (earliest)
    double closing_speed_m_s;      ///< at the earliest intercept
    double crossing_angle_rad;     ///< between the two velocities at the earliest intercept
                                   ///< (pi: head-on, 0: tail chase)
    double flyout_s;               ///< fly-out time to the earliest intercept
    double margin_s;               ///< engageable: the launch's slack after the earliest launch
                                   ///< allowed (s); not seen in time or too fast: how much
                                   ///< earlier the launch would have had to be (s)
} bmd_intercept;

/// Solve for the engagement window of a site's fly-out table against a threat trajectory (path
/// kept; the same Earth model), with the earliest launch time t_launch_min_s (threat time; HUGE_VAL
/// when the threat is never tracked). The trajectory is scanned every step_s (0: 1 s) and the
/// window's ends located to 1 ms.
bmd_status bmd_intercept_solve(const bmd_trajectory *threat, const bmd_flyout *f,
                               const bmd_kill_vehicle *kv, double t_launch_min_s, double step_s,
                               bmd_intercept *out);

/// The threat's geometry against a table, computed once (every step_s, skipping stretches out of
/// the table's reach) so that many answers (other earliest launches, other kill vehicles) cost a
/// scan of the samples: the trajectory and the table must outlive it.
typedef struct bmd_intercept_prep bmd_intercept_prep;
bmd_status bmd_intercept_prepare(const bmd_trajectory *threat, const bmd_flyout *f, double step_s,
                                 bmd_intercept_prep **out);
void bmd_intercept_prep_free(bmd_intercept_prep *p);
/// bmd_intercept_solve on a prepared threat: the same answer.
bmd_status bmd_intercept_solve_prepared(const bmd_intercept_prep *p, const bmd_kill_vehicle *kv,
                                        double t_launch_min_s, bmd_intercept *out);

/// A threat trajectory sampled once for many sites: every step_s from its start, the ECEF
/// position and velocity, the height and the surface normal, which do not depend on the site.
/// For maps of sites (the guarantees calculator): bmd_intercept_solve_samples then costs a table
/// lookup a sample. The trajectory must outlive it.
typedef struct bmd_threat_samples bmd_threat_samples;
bmd_status bmd_threat_samples_make(const bmd_trajectory *threat, double step_s,
                                   bmd_threat_samples **out);
void bmd_threat_samples_free(bmd_threat_samples *s);
/// The window as bmd_intercept_solve finds it, on the samples' regular grid (no skipping of
/// stretches out of reach, which bmd_intercept_solve does by the threat's speed): the edges are
/// located to 1 ms on the trajectory itself as there; a window shorter than step_s may be found
/// by one and not the other.
bmd_status bmd_intercept_solve_samples(const bmd_threat_samples *s, const bmd_flyout *f,
                                       const bmd_kill_vehicle *kv, double t_min_s,
                                       bmd_intercept *out);

/// A copy of interceptor v with every stage's specific impulse scaled so that its burnout speed
/// (full burn, the kick of maximum range, from the site, on the model o) is v_bo_m_s (for sweeps
/// of burnout speed). BMD_ERR_RANGE when that needs a scale outside [0.2, 5].
bmd_status bmd_interceptor_scaled(const bmd_vehicle *v, double v_bo_m_s, double site_lat_rad,
                                  double site_lon_rad, const bmd_flight_opts *o, bmd_vehicle *out);

#ifdef __cplusplus
}
#endif
#endif
