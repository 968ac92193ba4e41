/// @file earth.h
/// The Earth model: WGS-84 ellipsoid (or a plain sphere), rotation, gravity (point mass + J2),
/// the Earth-centred inertial frame of integration, and geodesics on the same surface.
///
/// Frames: ECEF is WGS-84's Earth-fixed frame. ECI is an Earth-centred inertial frame whose axes
/// coincide with ECEF at simulation time t = 0 (the scenario epoch); the Earth turns about +z at
/// omega rad/s, so ECEF = R3(omega t) ECI. ENU is the geodetic east-north-up frame at a point.
#ifndef BMD_EARTH_H
#define BMD_EARTH_H

#include <stdbool.h>

#include "bmd/status.h"
#include "bmd/vec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bmd_earth_shape { BMD_EARTH_WGS84 = 0, BMD_EARTH_SPHERE = 1 } bmd_earth_shape;

/// An Earth model. Make it with bmd_earth_make(); all fields derive from its three switches.
typedef struct bmd_earth {
    bmd_earth_shape shape;
    double a_m;         ///< equatorial radius (m)
    double f;           ///< flattening (0 for the sphere)
    double b_m;         ///< polar radius (m)
    double e2;          ///< first eccentricity squared
    double ep2;         ///< second eccentricity squared
    double mu_m3_s2;    ///< gravitational parameter (m^3/s^2)
    double j2;          ///< J2 (0 when switched off)
    double j2_radius_m; ///< reference radius of J2 (m): WGS-84 a
    double omega_rad_s; ///< rotation rate (rad/s; 0 when switched off)
} bmd_earth;

/// The Earth model for the given switches: WGS-84 or a sphere of radius 6371008.8 m; rotation at
/// 7.292115e-5 rad/s or none; J2 = 1.08262668e-3 or none.
bmd_earth bmd_earth_make(bmd_earth_shape shape, bool rotation, bool j2);

/// Geodetic (lat, lon in rad; h in m above the surface) to ECEF (m).
bmd_vec3 bmd_geodetic_to_ecef(const bmd_earth *e, double lat_rad, double lon_rad, double h_m);

/// ECEF (m) to geodetic latitude, longitude (rad, lon in (-pi, pi]) and height (m). Closed form
/// (Heikkinen 1982) on the ellipsoid; exact to well under a millimetre from the centre's
/// neighbourhood (|r| > 100 km) to beyond geostationary height, poles included. Any output
/// pointer may be NULL.
void bmd_ecef_to_geodetic(const bmd_earth *e, bmd_vec3 r_ecef, double *lat_rad, double *lon_rad,
                          double *h_m);

/// Height (m) above the surface of an ECEF point; the same value as bmd_ecef_to_geodetic.
double bmd_ecef_height(const bmd_earth *e, bmd_vec3 r_ecef);

/// Height (m) and, through normal (may be NULL), the outward unit normal of the ellipsoid through
/// the point (the geodetic "up"), without trigonometry. Works in any frame turning about z
/// (ECI included), since the ellipsoid is axisymmetric.
double bmd_ecef_height_normal(const bmd_earth *e, bmd_vec3 r, bmd_vec3 *normal);

/// Geodetic east, north and up unit vectors (ECEF components) at (lat, lon).
void bmd_enu_basis(double lat_rad, double lon_rad, bmd_vec3 *east, bmd_vec3 *north, bmd_vec3 *up);

/// ECI to ECEF at simulation time t (s): position.
bmd_vec3 bmd_eci_to_ecef(const bmd_earth *e, double t_s, bmd_vec3 r_eci);
/// ECEF to ECI at time t: position.
bmd_vec3 bmd_ecef_to_eci(const bmd_earth *e, double t_s, bmd_vec3 r_ecef);
/// ECI state to ECEF velocity (relative to the rotating Earth) at time t.
bmd_vec3 bmd_eci_to_ecef_velocity(const bmd_earth *e, double t_s, bmd_vec3 r_eci, bmd_vec3 v_eci);
/// ECEF position and Earth-relative velocity to ECI velocity at time t.
bmd_vec3 bmd_ecef_to_eci_velocity(const bmd_earth *e, double t_s, bmd_vec3 r_ecef, bmd_vec3 v_ecef);

/// Gravitational acceleration (m/s^2) at an ECI (or ECEF: J2 is axisymmetric) position: point mass
/// plus J2. Reference: Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., eq. 8-30.
bmd_vec3 bmd_gravity(const bmd_earth *e, bmd_vec3 r);

/// Geodesic inverse problem on the model's surface through PROJ's geodesic API (Karney 2013):
/// distance (m) and forward azimuths (rad, clockwise from north) at both ends. Any output may be
/// NULL. BMD_ERR_ARG for non-finite input or |lat| > pi/2.
bmd_status bmd_geodesic_inverse(const bmd_earth *e, double lat1_rad, double lon1_rad,
                                double lat2_rad, double lon2_rad, double *s_m, double *azi1_rad,
                                double *azi2_rad);

/// Geodesic direct problem: the point at distance s (m) along azimuth azi1 (rad) from (lat1, lon1).
bmd_status bmd_geodesic_direct(const bmd_earth *e, double lat1_rad, double lon1_rad,
                               double azi1_rad, double s_m, double *lat2_rad, double *lon2_rad);

#ifdef __cplusplus
}
#endif
#endif
