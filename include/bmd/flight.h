/// @file flight.h
/// Flying a vehicle over the Earth model: boost with staging and guidance (vertical rise,
/// pitch-over kick, gravity turn, thrust termination), then free flight with re-entry drag (and
/// lift for quasi-ballistic vehicles) to impact; or free flight from a given burnout state.
/// The state is integrated in the Earth-centred inertial frame (earth.h) with DOPRI5; the
/// trajectory keeps the integrator's dense output so it can be sampled at any time.
#ifndef BMD_FLIGHT_H
#define BMD_FLIGHT_H

#include <stdbool.h>

#include "bmd/earth.h"
#include "bmd/ode.h"
#include "bmd/vehicle.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Guidance choices of one boosted flight.
typedef struct bmd_guidance {
    double azimuth_rad; ///< launch azimuth, clockwise from geodetic north (rad)
    double kick_rad;    ///< pitch-over angle from the vertical (rad): the loft parameter;
                        ///< smaller lofts, larger depresses
    double cutoff_s;    ///< thrust termination, time from launch (s); INFINITY burns every stage
} bmd_guidance;

/// Options of a flight.
typedef struct bmd_flight_opts {
    bmd_earth earth;       ///< Earth model
    bool atmosphere;       ///< drag (and thrust back-pressure); false for vacuum
    double rtol;           ///< integrator relative tolerance (0: absolute control only)
    double atol_m;         ///< integrator absolute tolerance on position (m)
    double atol_m_s;       ///< integrator absolute tolerance on velocity (m/s)
    double max_time_s;     ///< give up after this much flight time (s)
    double max_step_s;     ///< largest integrator step (s); 0: none. Events are sampled at step
                           ///< ends: a path that could cross the ground and come back within one
                           ///< step (only without gravity) needs a bound
    bool keep_path;        ///< keep the dense output (needed to sample the trajectory)
    int n_altitudes;       ///< altitude crossings to record (up to 4)
    double altitudes_m[4]; ///< the altitudes (m)
} bmd_flight_opts;

/// WGS-84, rotation, J2, atmosphere; rtol 0, atol 1 cm and 10 um/s per step (ten times tighter
/// in powered flight in the air); 4 h; path kept.
bmd_flight_opts bmd_flight_default_opts(void);

/// Kinds of recorded flight events.
typedef enum bmd_flight_event_kind {
    BMD_EV_STAGING = 0,   ///< a stage burnt out and separated (index: stage)
    BMD_EV_BURNOUT = 1,   ///< end of powered flight (last stage or cutoff)
    BMD_EV_APOGEE = 2,    ///< a local maximum of height
    BMD_EV_ALTITUDE = 3,  ///< crossing of a requested altitude (index: which)
    BMD_EV_IMPACT = 4     ///< crossing of height zero
} bmd_flight_event_kind;

typedef struct bmd_flight_event {
    bmd_flight_event_kind kind;
    int index;
    double t_s;
    double altitude_m;
} bmd_flight_event;

#define BMD_MAX_FLIGHT_EVENTS 24

/// Summary of a flight. Times from launch (or from the burnout state in free-flight mode).
typedef struct bmd_flight_summary {
    bool impacted;                  ///< reached height zero before max_time_s
    double range_m;                 ///< geodesic distance, launch point to impact point (m)
    double flight_time_s;           ///< launch to impact (s)
    double apogee_m;                ///< largest height (m)
    double apogee_time_s;           ///< when (s)
    double burnout_time_s;          ///< end of powered flight (s)
    double burnout_speed_m_s;       ///< speed relative to the rotating Earth at burnout (m/s)
    double burnout_altitude_m;      ///< height at burnout (m)
    double burnout_gamma_rad;       ///< flight-path angle (relative velocity) at burnout (rad)
    double launch_lat_rad, launch_lon_rad;
    double impact_lat_rad, impact_lon_rad;
    double impact_speed_m_s;        ///< relative speed at impact (m/s)
    double impact_azimuth_rad;      ///< geodesic azimuth launch -> impact at the launch point
    long n_steps;                   ///< integrator steps, all phases
    long n_fevals;                  ///< right-hand-side evaluations
} bmd_flight_summary;

/// One step of the stored path: its ECI state interpolant.
typedef struct bmd_path_seg {
    double t0, h;
    double c[5][6];
} bmd_path_seg;

/// A flown trajectory. Zero-initialise (or bmd_traj_init), fly, and bmd_traj_free.
typedef struct bmd_trajectory {
    bmd_earth earth;
    bmd_flight_summary sum;
    int n_events;
    bmd_flight_event events[BMD_MAX_FLIGHT_EVENTS];
    double t_start_s, t_end_s;  ///< valid time span of the path
    int n_seg, cap_seg;
    bmd_path_seg *seg;          ///< stored dense output (keep_path), in time order
} bmd_trajectory;

void bmd_traj_init(bmd_trajectory *tr);
void bmd_traj_free(bmd_trajectory *tr);

/// ECI position (m) and velocity (m/s) at time t in [t_start_s, t_end_s]: O(log n) lookup of the
/// step, then its interpolant. BMD_ERR_RANGE outside the span or without a stored path.
bmd_status bmd_traj_state(const bmd_trajectory *tr, double t_s, bmd_vec3 *r_eci, bmd_vec3 *v_eci);

/// Geodetic latitude, longitude (rad), height (m) and speed relative to the Earth (m/s) at t.
bmd_status bmd_traj_geodetic(const bmd_trajectory *tr, double t_s, double *lat_rad,
                             double *lon_rad, double *h_m, double *speed_rel_m_s);

/// Fly a vehicle from (lat, lon, h) with the given guidance. On BMD_OK, tr holds the summary,
/// events and (keep_path) the path. BMD_ERR_ARG for a vehicle that cannot fly or bad numbers;
/// BMD_ERR_UNREACHABLE when it does not come down within max_time_s (orbit or escape);
/// BMD_ERR_STEP / BMD_ERR_NONFINITE from the integrator.
bmd_status bmd_fly(const bmd_vehicle *v, double lat_rad, double lon_rad, double h_m,
                   const bmd_guidance *g, const bmd_flight_opts *o, bmd_trajectory *tr);

/// Free flight from a burnout state at (lat, lon, h): speed relative to the rotating Earth (m/s),
/// flight-path angle and azimuth (rad) in the local geodetic ENU frame; drag with ballistic
/// coefficient beta (kg/m^2, constant Cd) when beta > 0 and the atmosphere is on.
/// BMD_ERR_ARG for non-finite or negative speed; BMD_ERR_UNREACHABLE at or above escape speed
/// while climbing, or when it does not come down within max_time_s.
bmd_status bmd_fly_free(double lat_rad, double lon_rad, double h_m, double speed_m_s,
                        double gamma_rad, double azimuth_rad, double beta_kg_m2,
                        const bmd_flight_opts *o, bmd_trajectory *tr);

/// Free flight from an ECI state y = (r, v) (m, m/s) at time t0 (s; the Earth's rotation angle is
/// omega t0) to impact, with drag of ballistic coefficient beta (kg/m^2; 0: none). Range is
/// measured from the point under the start. BMD_ERR_ARG for non-finite input or a state on or
/// below the ground heading down; BMD_ERR_UNREACHABLE at escape energy or with no impact within
/// max_time_s.
bmd_status bmd_fly_state(double t0_s, const double y_eci[6], double beta_kg_m2,
                         const bmd_flight_opts *o, bmd_trajectory *tr);

#ifdef __cplusplus
}
#endif
#endif
