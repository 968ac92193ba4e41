/* SPDX-License-Identifier: MIT */
/* intercept.c: the engagement window of one interceptor site against one threat trajectory, and
 * the burnout-speed override of an interceptor. */
#include "bmd/intercept.h"

#include <math.h>
#include <stdlib.h>
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

/* The geometry of one threat point against a site's table: independent of the kill vehicle and
 * of the earliest launch, so it can be computed once per (threat, table) and reused. */
typedef struct geo {
    double t;
    bool reach;        /* in the fly-out */
    double flyout;     /* fly-out time to it (s) */
    double alt;        /* its altitude (m) */
    double closing;    /* closing speed (m/s) */
    double crossing;   /* angle between the velocities (rad) */
    double speed;      /* threat speed relative to the Earth (m/s) */
    bmd_vec3 p;        /* ECEF (m) */
} geo;

/* crossing: also the crossing angle (an acos; edges do not need it). */
static void geometry_x(const bmd_trajectory *tr, const bmd_flyout *f, double t, bool crossing,
                       geo *g)
{
    memset(g, 0, sizeof *g);
    g->t = t;
    bmd_vec3 r;
    bmd_vec3 v;
    if (bmd_traj_state(tr, t, &r, &v) != BMD_OK)
        return;
    const bmd_earth *e = &tr->earth;
    g->p = bmd_eci_to_ecef(e, t, r);
    bmd_vec3 vt = bmd_eci_to_ecef_velocity(e, t, r, v);
    g->alt = bmd_ecef_height(e, g->p);
    g->speed = bmd_v3_norm(vt);
    bmd_vec3 vi;
    g->reach = bmd_flyout_reach(f, g->p, &g->flyout, &vi);
    if (!g->reach)
        return;
    g->closing = bmd_v3_norm(bmd_v3_sub(vt, vi));
    if (!crossing)
        return;
    double c = bmd_v3_dot(bmd_v3_unit(vt), bmd_v3_unit(vi));
    g->crossing = acos(fmax(-1.0, fmin(1.0, c)));
}

static void geometry(const bmd_trajectory *tr, const bmd_flyout *f, double t, geo *g)
{
    geometry_x(tr, f, t, true, g);
}

/* The conditions of an intercept at a point, in the order the reasons are given. */
static bool in_band(const geo *g, const bmd_kill_vehicle *kv)
{
    return g->reach && g->alt >= kv->min_altitude_m && g->alt <= kv->max_altitude_m;
}
static bool in_time(const geo *g, double t_min) { return g->t - g->flyout >= t_min; }
static bool feasible(const geo *g, const bmd_kill_vehicle *kv, double t_min)
{
    return in_band(g, kv) && in_time(g, t_min) && g->closing >= kv->min_closing_m_s;
}

struct bmd_intercept_prep {
    const bmd_trajectory *tr;
    const bmd_flyout *f;
    int n;
    geo *g;
};

void bmd_intercept_prep_free(bmd_intercept_prep *p)
{
    if (!p)
        return;
    free(p->g);
    free(p);
}

bmd_status bmd_intercept_prepare(const bmd_trajectory *tr, const bmd_flyout *f, double step_s,
                                 bmd_intercept_prep **out)
{
    *out = NULL;
    if (!tr || tr->n_seg == 0 || !f)
        return BMD_ERR_ARG;
    double dt = step_s > 0.0 ? step_s : 1.0;
    bmd_intercept_prep *p = calloc(1, sizeof *p);
    int cap = (int)ceil((tr->t_end_s - tr->t_start_s) / dt) + 4;
    if (!p || !(p->g = malloc((size_t)cap * sizeof *p->g))) {
        bmd_intercept_prep_free(p);
        return BMD_ERR_NOMEM;
    }
    p->tr = tr;
    p->f = f;
    double rmax;
    double hmax;
    bmd_flyout_extent(f, &rmax, &hmax);
    /* The fastest the threat can close a gap: its speed now is not a bound in powered flight (an
     * ICBM at 2 km/s early in its boost reaches 7) nor on the way down; the larger of its
     * burnout and impact speeds is (speed relative to the Earth peaks at one or the other). */
    double vmax = fmax(tr->sum.burnout_speed_m_s, tr->sum.impact_speed_m_s);
    if (!isfinite(vmax))
        vmax = 12000.0;
    double skip = 0.0;
    for (double t = tr->t_start_s + 1e-3; p->n < cap; t += fmax(dt, skip)) {
        double tc = fmin(t, tr->t_end_s - 1e-3);
        geo *g = &p->g[p->n++];
        geometry(tr, f, tc, g);
        /* Beyond the table's range or above its altitude nothing is reachable until the threat
         * has closed the gap, at most at its speed (plus a margin): skip ahead. No window can
         * begin or end in a skipped stretch, which is out of reach throughout. */
        skip = 0.0;
        if (!g->reach) {
            double gap = fmax(bmd_flyout_ground_range(f, g->p) - rmax, g->alt - hmax);
            if (gap > 0.0)
                skip = 0.5 * gap / (fmax(g->speed, vmax) + 1000.0);
        }
        if (tc >= tr->t_end_s - 1e-3)
            break;
    }
    *out = p;
    return BMD_OK;
}

/* Edge of feasibility between ta (feasible == fa) and tb, to 1 ms. */
static double edge(const bmd_intercept_prep *p, const bmd_kill_vehicle *kv, double t_min,
                   double ta, double tb, bool fa)
{
    geo g;
    while (tb - ta > 1e-3) {
        double tm = 0.5 * (ta + tb);
        geometry_x(p->tr, p->f, tm, false, &g);
        if (feasible(&g, kv, t_min) == fa)
            ta = tm;
        else
            tb = tm;
    }
    return fa ? ta : tb;
}

static void clear_out(bmd_intercept *out)
{
    memset(out, 0, sizeof *out);
    out->earliest_launch_s = out->earliest_intercept_s = out->latest_intercept_s = (double)NAN;
    out->intercept_altitude_m = out->intercept_range_m = (double)NAN;
    out->intercept_lat_rad = out->intercept_lon_rad = (double)NAN;
    out->closing_speed_m_s = out->crossing_angle_rad = out->flyout_s = out->margin_s = (double)NAN;
}

bmd_status bmd_intercept_solve_prepared(const bmd_intercept_prep *p, const bmd_kill_vehicle *kv,
                                        double t_min, bmd_intercept *out)
{
    clear_out(out);
    if (!p || isnan(t_min) || bmd_kill_vehicle_check(kv, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    const bmd_trajectory *tr = p->tr;
    bool any_reach = false;
    bool any_band = false;
    bool any_time = false;
    double best_late = -HUGE_VAL; /* latest needed launch among in-band points (for the margin) */
    double tail = 0.0;
    int n_tail = 0;
    double first = (double)NAN;
    double last = (double)NAN;
    bool prev = false;
    for (int k = 0; k < p->n; k++) {
        const geo *g = &p->g[k];
        bool fe = feasible(g, kv, t_min);
        any_reach |= g->reach;
        if (in_band(g, kv)) {
            any_band = true;
            best_late = fmax(best_late, g->t - g->flyout);
            if (in_time(g, t_min)) {
                any_time = true;
                tail += g->crossing;
                n_tail++;
            }
        }
        if (fe && !prev && isnan(first))
            first = k > 0 ? edge(p, kv, t_min, p->g[k - 1].t, g->t, false) : g->t;
        if (!fe && prev)
            last = edge(p, kv, t_min, p->g[k - 1].t, g->t, true);
        if (fe)
            last = g->t;
        prev = fe;
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
            /* Lateness: if even a launch with the threat's own (time 0) would not do, the
             * interceptor is too slow (or too far) for this threat; otherwise the track came
             * too late. (A trajectory planned on a track starts at that track's time, not at
             * the threat's launch: needing a launch before its start is still lateness.) */
            bool too_fast = best_late < fmin(tr->t_start_s, 0.0);
            out->reason = !isfinite(t_min) ? BMD_INT_NOT_SEEN
                                           : (too_fast ? BMD_INT_TOO_FAST : BMD_INT_TOO_LATE);
            if (isfinite(t_min))
                out->margin_s = t_min - best_late; /* how much earlier the launch had to be */
        } else
            out->reason = (n_tail > 0 && tail / n_tail < 0.5 * BMD_PI) ? BMD_INT_TAIL_CHASE
                                                                     : BMD_INT_CLOSING;
        return BMD_OK;
    }
    geo g;
    geometry(tr, p->f, first, &g);
    if (!feasible(&g, kv, t_min)) /* the bisection's feasible end, nudged inside */
        geometry(tr, p->f, first + 1e-3, &g);
    out->engageable = true;
    out->reason = BMD_INT_OK;
    out->earliest_intercept_s = first;
    out->latest_intercept_s = last;
    out->earliest_launch_s = g.t - g.flyout;
    out->flyout_s = g.flyout;
    out->intercept_altitude_m = g.alt;
    out->closing_speed_m_s = g.closing;
    out->crossing_angle_rad = g.crossing;
    out->margin_s = out->earliest_launch_s - t_min;
    out->intercept_range_m = bmd_flyout_ground_range(p->f, g.p);
    bmd_ecef_to_geodetic(&tr->earth, g.p, &out->intercept_lat_rad, &out->intercept_lon_rad, NULL);
    return BMD_OK;
}

struct bmd_threat_samples {
    const bmd_trajectory *tr;
    int n;
    double *t, *alt, *speed;
    bmd_vec3 *p, *v, *normal;
};

void bmd_threat_samples_free(bmd_threat_samples *s)
{
    if (!s)
        return;
    free(s->t);
    free(s->alt);
    free(s->speed);
    free(s->p);
    free(s->v);
    free(s->normal);
    free(s);
}

bmd_status bmd_threat_samples_make(const bmd_trajectory *tr, double step_s,
                                   bmd_threat_samples **out)
{
    *out = NULL;
    if (!tr || tr->n_seg == 0)
        return BMD_ERR_ARG;
    double dt = step_s > 0.0 ? step_s : 1.0;
    int cap = (int)ceil((tr->t_end_s - tr->t_start_s) / dt) + 4;
    bmd_threat_samples *s = calloc(1, sizeof *s);
    if (!s)
        return BMD_ERR_NOMEM;
    s->tr = tr;
    s->t = malloc((size_t)cap * sizeof *s->t);
    s->alt = malloc((size_t)cap * sizeof *s->alt);
    s->speed = malloc((size_t)cap * sizeof *s->speed);
    s->p = malloc((size_t)cap * sizeof *s->p);
    s->v = malloc((size_t)cap * sizeof *s->v);
    s->normal = malloc((size_t)cap * sizeof *s->normal);
    if (!s->t || !s->alt || !s->speed || !s->p || !s->v || !s->normal) {
        bmd_threat_samples_free(s);
        return BMD_ERR_NOMEM;
    }
    const bmd_earth *e = &tr->earth;
    for (int k = 0; s->n < cap; k++) {
        /* The same first point as bmd_intercept_prepare. */
        double tc = fmin(tr->t_start_s + 1e-3 + k * dt, tr->t_end_s - 1e-3);
        bmd_vec3 r;
        bmd_vec3 v;
        if (bmd_traj_state(tr, tc, &r, &v) != BMD_OK) {
            bmd_threat_samples_free(s);
            return BMD_ERR_RANGE;
        }
        int i = s->n++;
        s->t[i] = tc;
        s->p[i] = bmd_eci_to_ecef(e, tc, r);
        s->v[i] = bmd_eci_to_ecef_velocity(e, tc, r, v);
        s->alt[i] = bmd_ecef_height_normal(e, s->p[i], &s->normal[i]);
        s->speed[i] = bmd_v3_norm(s->v[i]);
        if (tc >= tr->t_end_s - 1e-3)
            break;
    }
    *out = s;
    return BMD_OK;
}

bmd_status bmd_intercept_solve_samples(const bmd_threat_samples *s, const bmd_flyout *f,
                                       const bmd_kill_vehicle *kv, double t_min,
                                       bmd_intercept *out)
{
    clear_out(out);
    if (!s || !f || isnan(t_min) || bmd_kill_vehicle_check(kv, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    bmd_intercept_prep p = {s->tr, f, 0, malloc((size_t)s->n * sizeof(geo))};
    if (!p.g)
        return BMD_ERR_NOMEM;
    for (int k = 0; k < s->n; k++) {
        geo *g = &p.g[p.n++];
        memset(g, 0, sizeof *g);
        g->t = s->t[k];
        g->p = s->p[k];
        g->alt = s->alt[k];
        g->speed = s->speed[k];
        bmd_vec3 vi;
        g->reach = bmd_flyout_reach_at(f, s->p[k], s->normal[k], s->alt[k], &g->flyout, &vi);
        if (!g->reach)
            continue;
        g->closing = bmd_v3_norm(bmd_v3_sub(s->v[k], vi));
        double c = bmd_v3_dot(bmd_v3_unit(s->v[k]), bmd_v3_unit(vi));
        g->crossing = acos(fmax(-1.0, fmin(1.0, c)));
    }
    bmd_status st = bmd_intercept_solve_prepared(&p, kv, t_min, out);
    free(p.g);
    return st;
}

bmd_status bmd_intercept_solve(const bmd_trajectory *tr, const bmd_flyout *f,
                               const bmd_kill_vehicle *kv, double t_min, double step_s,
                               bmd_intercept *out)
{
    clear_out(out);
    if (!tr || tr->n_seg == 0 || !f || isnan(t_min) ||
        bmd_kill_vehicle_check(kv, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    bmd_intercept_prep *p = NULL;
    bmd_status st = bmd_intercept_prepare(tr, f, step_s, &p);
    if (st == BMD_OK)
        st = bmd_intercept_solve_prepared(p, kv, t_min, out);
    bmd_intercept_prep_free(p);
    return st;
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
