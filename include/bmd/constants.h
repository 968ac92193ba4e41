/// @file constants.h
/// Physical and geodetic constants, each once, with units and source.
#ifndef BMD_CONSTANTS_H
#define BMD_CONSTANTS_H

/// WGS-84 semi-major axis (m). NIMA TR8350.2 (3rd ed., 2000), table 3.1.
#define BMD_WGS84_A_M 6378137.0
/// WGS-84 flattening. NIMA TR8350.2, table 3.1.
#define BMD_WGS84_INV_F 298.257223563
/// WGS-84 gravitational parameter including the atmosphere (m^3/s^2). NIMA TR8350.2, table 3.1.
#define BMD_WGS84_MU_M3_S2 3.986004418e14
/// WGS-84 nominal mean angular velocity of the Earth (rad/s). NIMA TR8350.2, table 3.1.
#define BMD_WGS84_OMEGA_RAD_S 7.292115e-5
/// Second zonal harmonic, unnormalised: J2 = -sqrt(5) C20bar with the EGM96 value
/// C20bar = -0.484165371736e-3 (NIMA TR8350.2, 3rd ed., table 5.1), giving 1.08262668e-3.
/// (The ellipsoid's own C20bar = -484.16685e-6 of table 3.1 would give 1.0826300e-3.)
#define BMD_WGS84_J2 1.08262668e-3
/// Mean radius of the Earth for the plain-sphere model (m): the IUGG mean radius
/// R1 = (2a + b)/3 of WGS-84 (Moritz, Geodetic Reference System 1980, J. Geodesy 74, 2000).
#define BMD_SPHERE_R_M 6371008.8
/// Standard gravity (m/s^2), defining Isp in seconds. CGPM 1901; U.S. Standard Atmosphere 1976.
#define BMD_G0_M_S2 9.80665

#define BMD_PI 3.14159265358979323846
#define BMD_DEG (BMD_PI / 180.0)

#endif
