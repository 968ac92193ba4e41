/* SPDX-License-Identifier: MIT */
/* interceptor.c: checks of an interceptor's kill-vehicle limits (the booster itself is a
 * bmd_vehicle, checked by bmd_vehicle_check). */
#include "bmd/interceptor.h"

#include <math.h>
#include <stdio.h>

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (why && why_size > 0)                                                                   \
            snprintf(why, (size_t)why_size, __VA_ARGS__);                                          \
        return BMD_ERR_ARG;                                                                        \
    } while (0)

bmd_status bmd_kill_vehicle_check(const bmd_kill_vehicle *kv, char *why, int why_size)
{
    if (!kv)
        FAIL("kill_vehicle: missing");
    if (!isfinite(kv->min_altitude_m) || kv->min_altitude_m < 0.0)
        FAIL("kill_vehicle.min_altitude_km must be a number, zero or positive");
    if (!isfinite(kv->max_altitude_m))
        FAIL("kill_vehicle.max_altitude_km must be a number");
    if (!(kv->max_altitude_m > kv->min_altitude_m))
        FAIL("kill_vehicle.max_altitude_km (%g km) must be above min_altitude_km (%g km)",
             kv->max_altitude_m / 1e3, kv->min_altitude_m / 1e3);
    if (!isfinite(kv->divert_m_s) || kv->divert_m_s < 0.0)
        FAIL("kill_vehicle.divert_km_s must be a number, zero or positive");
    if (!isfinite(kv->min_closing_m_s) || kv->min_closing_m_s < 0.0)
        FAIL("kill_vehicle.min_closing_speed_km_s must be a number, zero or positive");
    return BMD_OK;
}
