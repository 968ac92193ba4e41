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
/// The state is at m2's time: position p2, velocity (p2 - p1)/(t2 - t1) + a(p2) (t2 - t1)/2 (the
/// difference quotient is the mean velocity over the interval; a is the filter's acceleration).
/// Covariance: C_i = J_i R_i J_i^T (J_i the Jacobian of position on range, azimuth, elevation),
/// P_rr = C2, P_rv = C2/dt, P_vv = (C1 + C2)/dt^2 + q^2 |dt|/3 I.
/// BMD_ERR_ARG when the times are equal or the input is not finite.
bmd_status bmd_track_init_two_point(bmd_track *tk, const bmd_meas *m1, const bmd_meas *m2,
                                    const bmd_track_opts *o);

/// Propagate state and covariance to time t_s (forward or backward): the dynamics integrated with
/// RK4 substeps of at most max_step_s, the covariance with the state-transition matrix of the
/// linearised dynamics plus the process noise of a white acceleration.
/// Substeps: a uniform grid of ceil(|dt| / max_step_s) steps (so forward and backward runs take
/// the same steps), each split further in dense air so that (rho |w| / beta) h <= 0.2. Per
/// substep h: Phi = I + F h + F^2 h^2/2 with F at the RK4 midpoint stage, P = Phi P Phi^T + Q,
/// Q = q^2 [[|h|^3/3 I, h|h|/2 I], [h|h|/2 I, |h| I]]. Never allocates.
/// BMD_ERR_ARG for a non-finite time or bad options; BMD_ERR_NONFINITE if the state blows up.
bmd_status bmd_track_predict(bmd_track *tk, double t_s, const bmd_track_opts *o);

/// Extended Kalman update with one measurement (propagates to its time first), Joseph form.
/// *nis (may be NULL) gets the normalised innovation squared (NaN when none was formed); the
/// azimuth innovation is wrapped to (-pi, pi]. An innovation beyond the 99.99% gate (chi2 3 dof
/// > 21.1) is rejected: BMD_ERR_RANGE, track propagated to the measurement's time but not
/// updated (n_updates and nis_last unchanged). BMD_ERR_ARG (track untouched) for a measurement
/// with a non-finite field or a sigma <= 0; BMD_ERR_RANGE (propagated) also when the predicted
/// target is on the site's vertical, where the azimuth is undefined.
bmd_status bmd_track_update(bmd_track *tk, const bmd_meas *m, const bmd_track_opts *o, double *nis);

/// The filter's dynamics at the state x (ECI): xdot = (v, g(r) + drag), with g point mass + J2
/// (bmd_gravity) and, when o->drag and o->beta_kg_m2 > 0, drag -1/2 rho |w| w / beta with
/// w = v - omega x r and rho from bmd_atmos_density_fast at flight.c's density height (zero
/// beyond 1000 km): the coast dynamics of flight.c. xdot and F (row-major 6x6 Jacobian
/// d xdot / dx: exact gravity gradient including J2, drag partials including the density
/// gradient, whose d rho/dh is a +-0.5 m central difference of the density table) may be NULL.
/// F leaves out the drag partials where the drag acceleration is below 1e-9 m/s^2 (they are
/// then below ~1e-8 of the gravity gradient); xdot always includes the drag.
void bmd_track_dynamics(const bmd_track_opts *o, const double x[6], double xdot[6], double F[36]);

/// The measurement model: z = (range (m), azimuth in [0, 2 pi) clockwise from north, geometric
/// elevation (rad)) of the ECI position in x seen at time m->t_s from m's geodetic site (the
/// site rotated to ECI by omega t, geodetic ENU axes); H (may be NULL) the row-major 3x6
/// Jacobian dz/dx (its velocity columns are zero). Only m's time and site are used.
/// BMD_ERR_ARG for non-finite input; BMD_ERR_RANGE when the azimuth is undefined (the target on
/// the site's vertical).
bmd_status bmd_track_measure(const bmd_earth *e, const bmd_meas *m, const double x[6],
                             double z[3], double H[18]);

/// Circular error probable (m) of a zero-mean normal on the plane with axis standard deviations
/// sigma_1, sigma_2 (any order): the radius R with P(|x| <= R) = 1/2, solved numerically
/// (bisection on the exact probability integral; about 1e-12 relative). 1.17741 sigma for a
/// circle, 0.67449 sigma on a line.
double bmd_track_cep(double sigma_1_m, double sigma_2_m);

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
/// Flights: bmd_fly_state with the filter's Earth and beta (atmosphere on when o->drag and
/// beta > 0), path not kept, tolerances 1 mm and 1 um/s per step. lat/lon/t_impact: the mean
/// state's flight. Ellipse: the 12 points x +- sqrt(6) L_j (L: Cholesky factor of P, weights
/// 1/12; the mean point weighs 0), their impacts in north/east metres from the mean impact (the
/// geodesic inverse), the weighted 2x2 covariance and its eigen-decomposition. cep_m from
/// bmd_track_cep. valid = false (BMD_OK) when the mean does not come down; when the mean does
/// but a sigma point does not, the semi-axes and the CEP are INFINITY. A state already on or
/// below the ground heading down lands where it is. Allocates (the flights).
bmd_status bmd_track_impact(const bmd_track *tk, const bmd_track_opts *o, bmd_impact_pred *out);

#ifdef __cplusplus
}
#endif
#endif
