/// @file track.h
/// The track filter: an extended Kalman filter on ballistic dynamics consistent with the flight
/// core (point mass + J2 gravity, Earth rotation; drag with a ballistic coefficient once in the
/// atmosphere), radar measurements of range, azimuth and elevation from any site, and the
/// predicted impact point with its error ellipse.
///
/// State: ECI position and velocity (m, m/s) in the frame of flight.h (axes = ECEF at t = 0).
#ifndef BMD_TRACK_H
#define BMD_TRACK_H

#include <stdbool.h>

#include "bmd/earth.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One radar measurement.
typedef struct bmd_meas {
    double t_s;              ///< time of the measurement (s)
    double site_lat_rad, site_lon_rad, site_h_m; ///< the radar's geodetic site
    double range_m;          ///< slant range (m)
    double az_rad;           ///< azimuth, clockwise from north (rad)
    double el_rad;           ///< geometric elevation (rad)
    double sigma_range_m;    ///< 1-sigma noise of range (m)
    double sigma_angle_rad;  ///< 1-sigma noise of each angle (rad)
    int sensor;              ///< index of the sensor that made it (for logs)
} bmd_meas;

/// Filter settings.
typedef struct bmd_track_opts {
    bmd_earth earth;          ///< the Earth model (must match the flight's)
    bool drag;                ///< model drag (US Standard Atmosphere 1976) with beta below
    double beta_kg_m2;        ///< ballistic coefficient assumed by the filter (kg/m^2); 0 = none
    double q_accel_m_s2;      ///< process noise: white acceleration spectral density sqrt, m/s^2
                              ///< per sqrt(s) (unmodelled accelerations, e.g. thrust of a
                              ///< boosting target or drag error)
    double max_step_s;        ///< largest propagation substep (s)
} bmd_track_opts;

/// WGS-84 with rotation and J2, drag on with beta 10,000 kg/m^2, q = 0.1 m/s^2/sqrt(s), 1 s steps.
bmd_track_opts bmd_track_default_opts(void);

/// A track: state, covariance and bookkeeping.
typedef struct bmd_track {
    double t_s;               ///< time of the state (s)
    double x[6];              ///< ECI position (m) and velocity (m/s)
    double P[36];             ///< covariance, row-major 6x6
    int n_updates;            ///< measurements used
    double nis_last;          ///< normalised innovation squared of the last update (chi2, 3 dof)
} bmd_track;

/// Start a track from a state and covariance.
void bmd_track_init(bmd_track *tk, double t_s, const double x[6], const double P[36]);

/// Start a track from two measurements (two-point differencing: position from each, velocity
/// from their difference), with the covariance from the measurement noise.
/// BMD_ERR_ARG when the times are equal or the input is not finite.
bmd_status bmd_track_init_two_point(bmd_track *tk, const bmd_meas *m1, const bmd_meas *m2,
                                    const bmd_track_opts *o);

/// Propagate state and covariance to time t_s (forward or backward): the dynamics integrated with
/// RK4 substeps of at most max_step_s, the covariance with the state-transition matrix of the
/// linearised dynamics plus the process noise of a white acceleration.
bmd_status bmd_track_predict(bmd_track *tk, double t_s, const bmd_track_opts *o);

/// Extended Kalman update with one measurement (propagates to its time first), Joseph form.
/// *nis (may be NULL) gets the normalised innovation squared. An innovation beyond the 99.99%
/// gate (chi2 3 dof > 21.1) is rejected: BMD_ERR_RANGE, track unchanged but propagated.
bmd_status bmd_track_update(bmd_track *tk, const bmd_meas *m, const bmd_track_opts *o, double *nis);

/// Predicted impact (height zero) of a track.
typedef struct bmd_impact_pred {
    bool valid;               ///< false when the state does not come down (orbit, escape)
    double t_impact_s;        ///< predicted time of impact (s)
    double lat_rad, lon_rad;  ///< predicted impact point
    double semi_major_m;      ///< 1-sigma error ellipse on the ground: semi-major axis (m)
    double semi_minor_m;      ///< semi-minor axis (m)
    double orientation_rad;   ///< azimuth of the major axis, clockwise from north, [0, pi)
    double cep_m;             ///< circular error probable from the ellipse (m)
} bmd_impact_pred;

/// Impact prediction: the track's state flown to height zero with the filter's dynamics, and the
/// ellipse from the covariance by the unscented transform (13 sigma points; Julier & Uhlmann,
/// Proc. IEEE 92(3), 2004).
bmd_status bmd_track_impact(const bmd_track *tk, const bmd_track_opts *o, bmd_impact_pred *out);

#ifdef __cplusplus
}
#endif
#endif
