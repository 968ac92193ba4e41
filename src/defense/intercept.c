/* SPDX-License-Identifier: MIT */
/* intercept.c: the engagement window of one interceptor site against one threat trajectory, and
 * the burnout-speed override of an interceptor. */
#include "bmd/intercept.h"

#include <math.h>
#include <string.h>

#include "bmd/constants.h"
#include "bmd/targeting.h"

const char *bmd_intercept_reason_str(bmd_intercept_reason r)
{
    switch (r) {
    case BMD_INT_OK: return "engageable";
    case BMD_INT_NOT_SEEN: return "never tracked: no launch authority";
    case BMD_INT_OUT_OF_REACH: return "out of reach: no point of the trajectory within the fly-out";
    case BMD_INT_ALTITUDE: return "reachable only outside the kill vehicle's altitude band";
    case BMD_INT_TOO_LATE: return "not seen in time: the launch would have to come before the track";
    case BMD_INT_TAIL_CHASE: return "a tail chase below the least closing speed";
    case BMD_INT_CLOSING: return "closing speed below the kill vehicle's least";
    case BMD_INT_TOO_FAST: return "too fast to catch: the launch would have to come before the threat's";
    }
    return "unknown";
}

/* What one threat point offers. */
typedef struct offer {
    bool reach;        /* in the fly-out */
    bool band;         /* and in the altitude band */
    bool in_time;      /* and launchable after the earliest launch */
    bool closing;      /* and closing fast enough */
    double t_launch;   /* needed launch time */
    double flyout;
    double alt;
    double closing_speed;
    double crossing;
    bmd_vec3 p;
} offer;

static void evaluate(const bmd_trajectory *tr, const bmd_flyout *f, const bmd_kill_vehicle *kv,
                     double t_min, double t, offer *o)
{
    memset(o, 0, sizeof *o);
    bmd_vec3 r;
    bmd_vec3 v;
    if (bmd_traj_state(tr, t, &r, &v) != BMD_OK)
        return;
    const bmd_earth *e = &tr->earth;
    o->p = bmd_eci_to_ecef(e, t, r);
    bmd_vec3 vt = bmd_eci_to_ecef_velocity(e, t, r, v);
    o->alt = bmd_ecef_height(e, o->p);
    bmd_vec3 vi;
    o->reach = bmd_flyout_reach(f, o->p, &o->flyout, &vi);
    if (!o->reach)
        return;
    o->band = o->alt >= kv->min_altitude_m && o->alt <= kv->max_altitude_m;
    o->t_launch = t - o->flyout;
    o->in_time = o->t_launch >= t_min;
    bmd_vec3 rel = bmd_v3_sub(vt, vi);
    o->closing_speed = bmd_v3_norm(rel);
    double c = bmd_v3_dot(bmd_v3_unit(vt), bmd_v3_unit(vi));
    o->crossing = acos(fmax(-1.0, fmin(1.0, c)));
    o->closing = o->closing_speed >= kv->min_closing_m_s;
}

static bool feasible(const offer *o) { return o->reach && o->band && o->in_time && o->closing; }

/* Edge of feasibility between ta (feasible == fa) and tb, to 1 ms. */
static double edge(const bmd_trajectory *tr, const bmd_flyout *f, const bmd_kill_vehicle *kv,
                   double t_min, double ta, double tb, bool fa)
{
    offer o;
    while (tb - ta > 1e-3) {
        double tm = 0.5 * (ta + tb);
        evaluate(tr, f, kv, t_min, tm, &o);
        if (feasible(&o) == fa)
            ta = tm;
        else
            tb = tm;
    }
    return fa ? ta : tb;
}

bmd_status bmd_intercept_solve(const bmd_trajectory *tr, const bmd_flyout *f,
                               const bmd_kill_vehicle *kv, double t_min, double step_s,
                               bmd_intercept *out)
{
    memset(out, 0, sizeof *out);
    out->earliest_launch_s = out->earliest_intercept_s = out->latest_intercept_s = NAN;
    out->intercept_altitude_m = out->intercept_range_m = NAN;
    out->intercept_lat_rad = out->intercept_lon_rad = NAN;
    out->closing_speed_m_s = out->crossing_angle_rad = out->flyout_s = out->margin_s = NAN;
    if (!tr || tr->n_seg == 0 || !f || isnan(t_min) ||
        bmd_kill_vehicle_check(kv, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    double dt = step_s > 0.0 ? step_s : 1.0;
    bool any_reach = false;
    bool any_band = false;
    bool any_time = false;
    double best_late = -HUGE_VAL; /* latest needed launch among in-band points (for the margin) */
    double tail = 0.0;
    int n_tail = 0;
    double first = NAN;
    double last = NAN;
    bool prev = false;
    double tp = tr->t_start_s;
    offer o;
    for (double t = tr->t_start_s + 1e-3;; t += dt) {
        double tc = fmin(t, tr->t_end_s - 1e-3);
        evaluate(tr, f, kv, t_min, tc, &o);
        bool fe = feasible(&o);
        any_reach |= o.reach;
        if (o.reach && o.band) {
            any_band = true;
            best_late = fmax(best_late, o.t_launch);
            if (o.in_time) {
                any_time = true;
                tail += o.crossing;
                n_tail++;
            }
        }
        if (fe && !prev)
            first = isnan(first) ? (tc > tr->t_start_s + 1e-3 ? edge(tr, f, kv, t_min, tp, tc, false)
                                                               : tc)
                                 : first;
        if (!fe && prev)
            last = edge(tr, f, kv, t_min, tp, tc, true);
        if (fe)
            last = tc;
        prev = fe;
        tp = tc;
        if (tc >= tr->t_end_s - 1e-3)
            break;
    }
    if (isnan(first)) {
        out->engageable = false;
        if (!isfinite(t_min) && any_band)
            out->reason = BMD_INT_NOT_SEEN;
        else if (!any_reach)
            out->reason = BMD_INT_OUT_OF_REACH;
        else if (!any_band)
            out->reason = BMD_INT_ALTITUDE;
        else if (!any_time) {
            /* Lateness: if even a launch with the threat's own would not do, the interceptor is
             * too slow (or too far) for this threat; otherwise the track came too late. */
            bool too_fast = best_late < tr->t_start_s;
            out->reason = !isfinite(t_min) ? BMD_INT_NOT_SEEN
                                           : (too_fast ? BMD_INT_TOO_FAST : BMD_INT_TOO_LATE);
            if (isfinite(t_min))
                out->margin_s = t_min - best_late; /* how much earlier the launch had to be */
        } else
            out->reason = (n_tail > 0 && tail / n_tail < 0.5 * BMD_PI) ? BMD_INT_TAIL_CHASE
                                                                     : BMD_INT_CLOSING;
        return BMD_OK;
    }
    evaluate(tr, f, kv, t_min, first, &o);
    if (!feasible(&o)) {
        /* The bisection's feasible end is first itself; nudge inside by the tolerance. */
        evaluate(tr, f, kv, t_min, first + 1e-3, &o);
    }
    out->engageable = true;
    out->reason = BMD_INT_OK;
    out->earliest_intercept_s = first;
    out->latest_intercept_s = last;
    out->earliest_launch_s = o.t_launch;
    out->flyout_s = o.flyout;
    out->intercept_altitude_m = o.alt;
    out->closing_speed_m_s = o.closing_speed;
    out->crossing_angle_rad = o.crossing;
    out->margin_s = o.t_launch - t_min;
    out->intercept_range_m = bmd_flyout_ground_range(f, o.p);
    bmd_ecef_to_geodetic(&tr->earth, o.p, &out->intercept_lat_rad, &out->intercept_lon_rad, NULL);
    return BMD_OK;
}

bmd_status bmd_interceptor_scaled(const bmd_vehicle *v, double v_bo, double lat, double lon,
                                  const bmd_flight_opts *o, bmd_vehicle *out)
{
    *out = *v;
    if (!(v_bo > 0.0) || !isfinite(v_bo) || bmd_vehicle_check(v, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    bmd_flight_opts fo = *o;
    fo.keep_path = false;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    bmd_status st = bmd_max_range(v, lat, lon, 0.0, 0.0, &fo, &res, &tr);
    if (st != BMD_OK && st != BMD_ERR_UNREACHABLE) {
        bmd_traj_free(&tr);
        return st;
    }
    bmd_guidance g = res.guidance;
    /* Burnout speed as a function of the Isp scale, by secant then bisection safeguards. */
    double lo = 0.2;
    double hi = 5.0;
    double s = 1.0;
    st = BMD_ERR_RANGE;
    for (int it = 0; it < 60; it++) {
        bmd_vehicle w = *v;
        for (int k = 0; k < w.n_stages; k++)
            w.stages[k].isp_vac_s = v->stages[k].isp_vac_s * s;
        if (bmd_vehicle_check(&w, NULL, 0) != BMD_OK) {
            lo = s; /* too weak to lift off */
            s = 0.5 * (lo + hi);
            continue;
        }
        bmd_status sf = bmd_fly(&w, lat, lon, 0.0, &g, &fo, &tr);
        double vb = tr.sum.burnout_speed_m_s;
        if (sf != BMD_OK && sf != BMD_ERR_UNREACHABLE)
            break;
        if (fabs(vb - v_bo) < 0.5) {
            *out = w;
            st = BMD_OK;
            break;
        }
        if (vb < v_bo)
            lo = s;
        else
            hi = s;
        if (hi - lo < 1e-9)
            break;
        s = fmin(hi, fmax(lo, s * v_bo / vb));
        if (s <= lo || s >= hi)
            s = 0.5 * (lo + hi);
    }
    bmd_traj_free(&tr);
    return st;
}
