/// @file atmosphere.h
/// U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), -5 to 1000 km geometric altitude.
///
/// Below 86 km: the standard's seven geopotential layers (hydrostatic, linear temperature in
/// geopotential altitude, molecular-scale temperature). From 86 to 1000 km: the standard's own
/// equations in geometric altitude: the four temperature segments (isothermal, elliptical, linear,
/// exponential) and the number densities of N2, O, O2, Ar, He and H obtained by integrating the
/// diffusion equations of the standard (eqs. 34 to 40 and the tabulated flux and eddy terms).
/// Equations, constants and validation: docs/atmosphere.md.
#ifndef BMD_ATMOSPHERE_H
#define BMD_ATMOSPHERE_H

#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Highest geometric altitude the standard defines (m).
#define BMD_ATMOS_TOP_M 1000000.0

/// Atmospheric properties at one altitude.
typedef struct bmd_atmos {
    double temperature_K;      ///< kinetic temperature (K)
    double pressure_Pa;        ///< pressure (Pa)
    double density_kg_m3;      ///< mass density (kg/m^3)
    double speed_of_sound_m_s; ///< (gamma R* TM / M0)^(1/2) below 86 km (the standard's eq. 50, which it
                               ///< tabulates to 86 km only); above 86 km the same formula as
                               ///< (gamma R* T / M) with the local mean molar mass M (an extension,
                               ///< documented in docs/atmosphere.md)
    double mean_molar_mass_kg_mol; ///< mean molar mass (kg/mol); M0 = 0.0289644 below 80 km, M0 (M/M0)
                                   ///< from the standard's Table 8 at 80 to 86 km, sum(n_i M_i)/n above
} bmd_atmos;

/// The full 1976 standard at geometric altitude z_m (m).
/// Returns BMD_OK; BMD_ERR_RANGE when z_m is outside [-5000, 1000000] m or not finite
/// (then *out is zeroed); BMD_ERR_ARG when out is NULL. Thread safe; the first call above 86 km
/// builds a private table of the number-density integrals once (guarded by call_once), later calls
/// interpolate nothing: they evaluate the standard's equations, integrating from the nearest stored
/// node (0.5 km grid). Never allocates, prints or exits.
bmd_status bmd_atmos_us76(double z_m, bmd_atmos *out);

/// Fast density for the integrator's hot path (kg/m^3) at geometric altitude z_m (m):
/// 0 above 1000 km (the speed of sound then keeps its 1000 km value), the -5 km values below
/// -5 km, NaN for NaN. Interpolates ln(density) in a table built once (call_once) from the same
/// model as bmd_atmos_us76 (monotone cubic Hermite, exact one-sided derivatives, direct index
/// from the altitude); relative error against bmd_atmos_us76 below 1e-4 everywhere (tested;
/// 2.5e-8 achieved). Also returns the speed of sound (m/s) through sound_m_s when it is not
/// NULL. Thread safe; about 10 ns per call.
double bmd_atmos_density_fast(double z_m, double *sound_m_s);

#ifdef __cplusplus
}
#endif
#endif
