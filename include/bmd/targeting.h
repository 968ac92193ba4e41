/// @file targeting.h
/// Targeting: the guidance (azimuth, pitch-over kick, thrust cutoff) that brings a vehicle's
/// impact onto an aim point with a chosen trajectory shape, accounting for everything the flight
/// model includes (rotation, J2, drag); and the maximum range on an azimuth.
///
/// Shapes: minimum-energy is the flight that reaches the aim point with the least propellant
/// (earliest thrust termination, over all kicks). Lofted and depressed burn every stage and take
/// the steeper (smaller kick) or flatter (larger kick) of the two kicks that reach the range;
/// with an apogee given, both the kick and the cutoff are chosen so that the apogee is the given
/// one, on the lofted or the depressed side of minimum energy.
#ifndef BMD_TARGETING_H
#define BMD_TARGETING_H

#include "bmd/flight.h"

#ifdef __cplusplus
extern "C" {
#endif

/// What the solver was asked.
typedef struct bmd_aim {
    double launch_lat_rad, launch_lon_rad, launch_h_m;
    double target_lat_rad, target_lon_rad;
    bmd_shape shape;
    double apogee_m;      ///< apogee wanted (m); NaN: not constrained
    double tolerance_m;   ///< acceptable miss distance (m); 0: 10 m
} bmd_aim;

/// The aim of a vehicle's own trajectory shape (its default shape and apogee), from the ground at
/// (lat, lon) to (target_lat, target_lon), with the solver's default tolerance (10 m).
bmd_aim bmd_aim_default(const bmd_vehicle *v, double lat_rad, double lon_rad,
                        double target_lat_rad, double target_lon_rad);

/// What the solver found.
typedef struct bmd_aim_result {
    bmd_guidance guidance;       ///< the solution
    double miss_m;               ///< geodesic distance impact point -> aim point (m)
    double max_range_m;          ///< the vehicle's full-burn maximum range on the final azimuth (m)
    int n_flights;               ///< trajectories flown to find it
    char why[160];               ///< when not BMD_OK: what made it fail, for a person
} bmd_aim_result;

/// Solve for the guidance and fly the final trajectory into tr (with o->keep_path as given).
/// BMD_ERR_UNREACHABLE (why says: beyond maximum range, apogee not attainable for that shape, too
/// close) when no guidance in the vehicle's envelope reaches the aim point; BMD_ERR_ARG for bad
/// input; BMD_ERR_NO_CONVERGE if the iteration fails to meet the tolerance.
bmd_status bmd_target(const bmd_vehicle *v, const bmd_aim *aim, const bmd_flight_opts *o,
                      bmd_aim_result *res, bmd_trajectory *tr);

/// Maximum range with every stage burnt on a launch azimuth (rad): the kick that maximises the
/// range, and the flight into tr.
bmd_status bmd_max_range(const bmd_vehicle *v, double lat_rad, double lon_rad, double h_m,
                         double azimuth_rad, const bmd_flight_opts *o, bmd_aim_result *res,
                         bmd_trajectory *tr);

#ifdef __cplusplus
}
#endif
#endif
