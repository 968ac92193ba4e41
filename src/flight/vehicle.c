/* SPDX-License-Identifier: MIT */
/* vehicle.c: stage arithmetic (mass flow, thrust, rocket equation) and vehicle checks.
 * Reference: G. P. Sutton, O. Biblarz, Rocket Propulsion Elements, 8th ed., Wiley 2010,
 * eqs. 2-5 (Isp), 3-21 (thrust and ambient pressure), 4-6 (ideal velocity increment). */
#include "bmd/vehicle.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bmd/constants.h"

double bmd_cd_at(const bmd_cd_table *t, double mach)
{
    if (t->n <= 0)
        return 0.0;
    if (mach <= t->mach[0])
        return t->cd[0];
    for (int i = 1; i < t->n; i++) {
        if (mach < t->mach[i]) {
            double u = (mach - t->mach[i - 1]) / (t->mach[i] - t->mach[i - 1]);
            return t->cd[i - 1] + u * (t->cd[i] - t->cd[i - 1]);
        }
    }
    return t->cd[t->n - 1];
}

double bmd_vehicle_burn_time(const bmd_vehicle *v)
{
    double t = 0.0;
    for (int i = 0; i < v->n_stages; i++)
        t += v->stages[i].burn_time_s;
    return t;
}

double bmd_vehicle_launch_mass(const bmd_vehicle *v)
{
    double m = v->payload_mass_kg;
    for (int i = 0; i < v->n_stages; i++)
        m += v->stages[i].gross_mass_kg;
    return m;
}

double bmd_vehicle_ideal_dv(const bmd_vehicle *v)
{
    double dv = 0.0;
    double above = v->payload_mass_kg;
    for (int i = v->n_stages - 1; i >= 0; i--) {
        const bmd_stage *s = &v->stages[i];
        double m0 = above + s->gross_mass_kg;
        double m1 = m0 - s->propellant_mass_kg;
        dv += s->isp_vac_s * BMD_G0_M_S2 * log(m0 / m1);
        above = m0;
    }
    return dv;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (why)                                                                                   \
            snprintf(why, (size_t)why_size, __VA_ARGS__);                                          \
        return BMD_ERR_ARG;                                                                        \
    } while (0)

static bool pos(double x) { return isfinite(x) && x > 0.0; }
static bool nonneg(double x) { return isfinite(x) && x >= 0.0; }

bmd_status bmd_vehicle_check(const bmd_vehicle *v, char *why, int why_size)
{
    if (v->n_stages < 1 || v->n_stages > BMD_MAX_STAGES)
        FAIL("stages: %d stages; 1 to %d are supported", v->n_stages, BMD_MAX_STAGES);
    if (!pos(v->payload_mass_kg))
        FAIL("payload.mass_kg must be a positive number");
    if (!nonneg(v->rv_beta_kg_m2))
        FAIL("payload.ballistic_coefficient_kg_m2 must be zero or positive");
    if (!nonneg(v->lift_to_drag) || v->lift_to_drag > 10.0)
        FAIL("payload.lift_to_drag must be between 0 and 10");
    if (!isfinite(v->glide_angle_rad) || v->glide_angle_rad < 0.0 || v->glide_angle_rad > 1.5)
        FAIL("payload.glide_angle_deg must be between 0 and 85 degrees");
    if (!nonneg(v->vertical_rise_s) || !nonneg(v->pitchover_s))
        FAIL("guidance times must be zero or positive");
    for (int i = 0; i < v->n_stages; i++) {
        const bmd_stage *s = &v->stages[i];
        if (!pos(s->gross_mass_kg))
            FAIL("stages[%d].gross_mass_kg must be positive", i);
        if (!pos(s->propellant_mass_kg) || s->propellant_mass_kg >= s->gross_mass_kg)
            FAIL("stages[%d].propellant_mass_kg must be positive and below the gross mass", i);
        if (!pos(s->burn_time_s))
            FAIL("stages[%d].burn_time_s must be positive", i);
        if (!pos(s->isp_vac_s) || s->isp_vac_s > 500.0)
            FAIL("stages[%d].isp_vac_s must be positive and at most 500 s (chemical rockets)", i);
        if (!nonneg(s->nozzle_exit_area_m2) || !nonneg(s->ref_area_m2))
            FAIL("stages[%d]: areas must be zero or positive", i);
        if (s->cd.n < 1)
            FAIL("stages[%d].drag: a drag table is needed", i);
        for (int k = 0; k < s->cd.n; k++)
            if (!nonneg(s->cd.cd[k]) || !nonneg(s->cd.mach[k]) ||
                (k > 0 && !(s->cd.mach[k] > s->cd.mach[k - 1])))
                FAIL("stages[%d].drag: Mach numbers must increase and Cd be non-negative", i);
        double mdot = s->propellant_mass_kg / s->burn_time_s;
        double f_sl = s->isp_vac_s * BMD_G0_M_S2 * mdot - s->nozzle_exit_area_m2 * 101325.0;
        if (i == 0 && f_sl <= 0.0)
            FAIL("stages[0]: no thrust at sea level (vacuum thrust below the nozzle back-pressure)");
    }
    const bmd_stage *s0 = &v->stages[0];
    double f0 = s0->isp_vac_s * BMD_G0_M_S2 * s0->propellant_mass_kg / s0->burn_time_s -
                s0->nozzle_exit_area_m2 * 101325.0;
    double w0 = bmd_vehicle_launch_mass(v) * BMD_G0_M_S2;
    if (f0 <= w0)
        FAIL("stages[0]: thrust at launch (%.0f kN) does not exceed the weight (%.0f kN): it cannot "
             "lift off",
             f0 / 1e3, w0 / 1e3);
    return BMD_OK;
}

bool bmd_shape_parse(const char *s, bmd_shape *out)
{
    if (strcmp(s, "minimum-energy") == 0)
        *out = BMD_SHAPE_MIN_ENERGY;
    else if (strcmp(s, "lofted") == 0)
        *out = BMD_SHAPE_LOFTED;
    else if (strcmp(s, "depressed") == 0)
        *out = BMD_SHAPE_DEPRESSED;
    else
        return false;
    return true;
}

const char *bmd_shape_name(bmd_shape s)
{
    switch (s) {
    case BMD_SHAPE_MIN_ENERGY: return "minimum-energy";
    case BMD_SHAPE_LOFTED: return "lofted";
    case BMD_SHAPE_DEPRESSED: return "depressed";
    }
    return "unknown";
}
