/// @file interceptor.h
/// Interceptors: a multi-stage booster (a bmd_vehicle, flown by the flight core) and its kill
/// vehicle's limits: the band of intercept altitudes, its divert capacity, and the least closing
/// speed at which a hit-to-kill (or a proximity-fuzed warhead) works.
#ifndef BMD_INTERCEPTOR_H
#define BMD_INTERCEPTOR_H

#include "bmd/status.h"
#include "bmd/vehicle.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The kill vehicle's limits (SI).
typedef struct bmd_kill_vehicle {
    double min_altitude_m;        ///< lowest intercept altitude (m): exo-atmospheric seekers need
                                  ///< thin air; endo-atmospheric missiles need some
    double max_altitude_m;        ///< highest intercept altitude (m)
    double divert_m_s;            ///< divert velocity available to the kill vehicle (m/s)
    double min_closing_m_s;       ///< least closing speed for a kill (m/s)
} bmd_kill_vehicle;

/// Check a kill vehicle's numbers: finite, min < max altitude, non-negative divert and closing.
bmd_status bmd_kill_vehicle_check(const bmd_kill_vehicle *kv, char *why, int why_size);

#ifdef __cplusplus
}
#endif
#endif
