/* SPDX-License-Identifier: MIT */
/* targeting.c: guidance that hits an aim point, by shooting with the full flight model.
 *
 * The impact point is a smooth function of (azimuth, kick, cutoff). For a fixed azimuth the range
 * grows with the cutoff time (more propellant, more energy) and, with every stage burnt, is
 * unimodal in the kick (lofted below the best kick, depressed above it). So:
 *   - the range for a kick and cutoff is matched by regula falsi (Illinois) on the cutoff;
 *   - kicks reaching the range with every stage burnt lie between the two roots of
 *     range_full(kick) = R; minimum energy minimises the cutoff over that interval (golden
 *     section, Kiefer 1953); lofted/depressed take the roots; an apogee constraint is one more
 *     regula falsi on the kick between a root and the minimum-energy kick;
 *   - the azimuth is corrected by the angle between the impact and aim directions seen from the
 *     launch point (Earth rotation and J2 deflect the flight), with a secant estimate of how the
 *     impact direction turns with the launch direction, until the miss is within tolerance.
 * Every evaluation is a complete flight: rotation, J2 and drag are all accounted for. */
#include "bmd/targeting.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"

#define KICK_LO (0.05 * BMD_DEG)
#define KICK_HI (89.5 * BMD_DEG)

typedef struct solver {
    const bmd_vehicle *v;
    const bmd_aim *aim;
    bmd_flight_opts o;
    double az;
    double range_goal;
    double t_burn;
    bmd_trajectory tr;
    int n_flights;
    bmd_status hard_error; /* integrator failure: abort the search */
} solver;

/* One flight; range +inf when it never comes down (orbit). */
static bmd_flight_summary fly(solver *s, double kick, double cutoff)
{
    bmd_guidance g = {s->az, kick, cutoff};
    s->n_flights++;
    bmd_status st = bmd_fly(s->v, s->aim->launch_lat_rad, s->aim->launch_lon_rad,
                            s->aim->launch_h_m, &g, &s->o, &s->tr);
    bmd_flight_summary r = s->tr.sum;
    if (st == BMD_ERR_UNREACHABLE) {
        r.range_m = (double)INFINITY;
        r.apogee_m = (double)INFINITY;
    } else if (st != BMD_OK) {
        s->hard_error = st;
        r.range_m = (double)NAN;
        r.apogee_m = (double)NAN;
    }
    return r;
}

/* Illinois regula falsi for f(x) = 0 on [a, b] with f(a), f(b) of opposite sign. */
typedef double (*scalar_fn)(solver *s, double x, void *ctx);

static double illinois(solver *s, scalar_fn f, void *ctx, double a, double fa, double b, double fb,
                       double xtol, double ftol)
{
    int side = 0;
    double x = a;
    double fx = fa;
    for (int it = 0; it < 60; it++) {
        x = (fa * b - fb * a) / (fa - fb);
        if (!(x > fmin(a, b) && x < fmax(a, b)))
            x = 0.5 * (a + b);
        fx = f(s, x, ctx);
        if (s->hard_error)
            return (double)NAN;
        if (fabs(fx) <= ftol || fabs(b - a) <= xtol)
            return x;
        if ((fx > 0.0) == (fb > 0.0)) {
            b = x;
            fb = fx;
            if (side == -1)
                fa *= 0.5;
            side = -1;
        } else {
            a = x;
            fa = fx;
            if (side == +1)
                fb *= 0.5;
            side = +1;
        }
    }
    return x;
}

/* Range error with every stage burnt, as a function of the kick. */
static double range_full_err(solver *s, double kick, void *ctx)
{
    (void)ctx;
    double r = fly(s, kick, (double)INFINITY).range_m;
    return (isinf(r) ? 1e12 : r) - s->range_goal;
}

typedef struct cut_ctx {
    double kick;
} cut_ctx;

static double range_cut_err(solver *s, double cutoff, void *ctx)
{
    const cut_ctx *c = ctx;
    double r = fly(s, c->kick, cutoff).range_m;
    return (isinf(r) ? 1e12 : r) - s->range_goal;
}

/* Cutoff time reaching the goal range with this kick; NaN when even a full burn falls short,
 * -1 when even the shortest burn overshoots. *apogee gets the apogee of that flight. */
static double cutoff_for_range(solver *s, double kick, double *apogee)
{
    cut_ctx c = {kick};
    double fb = range_cut_err(s, s->t_burn, &c);
    /* A full burn that lands within 1 m of the goal (a kick found as a root of the full-burn
     * range) is the solution itself. */
    if (s->hard_error || fb < -1.0)
        return (double)NAN;
    if (fb <= 1.0) {
        if (apogee)
            *apogee = s->tr.sum.apogee_m;
        return s->t_burn;
    }
    double a = s->v->vertical_rise_s + s->v->pitchover_s + 1.0;
    if (a >= s->t_burn)
        a = 0.5 * s->t_burn;
    double fa = range_cut_err(s, a, &c);
    while (fa > 0.0 && a > 0.5) {
        a *= 0.5;
        fa = range_cut_err(s, a, &c);
    }
    if (s->hard_error)
        return (double)NAN;
    if (fa > 0.0)
        return -1.0;
    double t = illinois(s, range_cut_err, &c, a, fa, s->t_burn, fb, 1e-7, 0.2);
    if (apogee) {
        /* The last flight may not be the solution's: fly it once more. */
        bmd_flight_summary f = fly(s, kick, t);
        *apogee = f.apogee_m;
    }
    return t;
}

static double neg_range_full(solver *s, double kick)
{
    return -fly(s, kick, (double)INFINITY).range_m;
}

/* Golden-section minimum of fn over [a, b] (Kiefer 1953), to a kick tolerance. */
typedef double (*min_fn)(solver *s, double x);

static double golden_min(solver *s, min_fn fn, double a, double b, double xtol, double *fmin_out)
{
    const double gr = 0.5 * (sqrt(5.0) - 1.0);
    double c = b - gr * (b - a);
    double d = a + gr * (b - a);
    double fc = fn(s, c);
    double fd = fn(s, d);
    while (fabs(b - a) > xtol && !s->hard_error) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - gr * (b - a);
            fc = fn(s, c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + gr * (b - a);
            fd = fn(s, d);
        }
    }
    double x = fc < fd ? c : d;
    if (fmin_out)
        *fmin_out = fmin(fc, fd);
    return x;
}

/* Kick of maximum full-burn range: a coarse scan, then golden section around the best. */
static double kick_of_max_range(solver *s, double *max_range)
{
    const int n = 24;
    double best_k = KICK_LO;
    double best_r = -(double)INFINITY;
    int best_i = 0;
    double ks[24];
    for (int i = 0; i < n; i++) {
        ks[i] = KICK_LO + (KICK_HI - KICK_LO) * (double)i / (n - 1);
        double r = -neg_range_full(s, ks[i]);
        if (s->hard_error)
            return (double)NAN;
        if (isfinite(r) && r > best_r) {
            best_r = r;
            best_k = ks[i];
            best_i = i;
        }
    }
    double a = ks[best_i > 0 ? best_i - 1 : 0];
    double b = ks[best_i < n - 1 ? best_i + 1 : n - 1];
    double fm;
    double k = golden_min(s, neg_range_full, a, b, 1e-6, &fm);
    if (-fm < best_r) {
        k = best_k;
        fm = -best_r;
    }
    *max_range = -fm;
    return k;
}

static double cutoff_objective(solver *s, double kick)
{
    double t = cutoff_for_range(s, kick, NULL);
    return isnan(t) || t < 0.0 ? 1e9 : t;
}

typedef struct apo_ctx {
    double goal;
    double cutoff;
} apo_ctx;

static double apogee_err(solver *s, double kick, void *ctx)
{
    apo_ctx *c = ctx;
    double apo = 0.0;
    c->cutoff = cutoff_for_range(s, kick, &apo);
    if (isnan(c->cutoff) || c->cutoff < 0.0)
        return (double)NAN;
    return apo - c->goal;
}

/* The inner problem for the current azimuth: fills g (kick, cutoff). */
static bmd_status solve_inner(solver *s, bmd_aim_result *res)
{
    const bmd_aim *aim = s->aim;
    double rmax = 0.0;
    double k_max = kick_of_max_range(s, &rmax);
    if (s->hard_error)
        return s->hard_error;
    res->max_range_m = rmax;
    if (rmax < s->range_goal) {
        snprintf(res->why, sizeof res->why,
                 "target at %.0f km is beyond the maximum range of %s on this azimuth (%.0f km)",
                 s->range_goal / 1e3, s->v->id, rmax / 1e3);
        return BMD_ERR_UNREACHABLE;
    }
    /* Kicks that reach the range with every stage burnt: [k_a, k_b]. */
    double f_lo = range_full_err(s, KICK_LO, NULL);
    double f_hi = range_full_err(s, KICK_HI, NULL);
    double f_mx = rmax - s->range_goal;
    double k_a = f_lo >= 0.0 ? KICK_LO : illinois(s, range_full_err, NULL, KICK_LO, f_lo, k_max, f_mx, 1e-9, 0.2);
    double k_b = f_hi >= 0.0 ? KICK_HI : illinois(s, range_full_err, NULL, k_max, f_mx, KICK_HI, f_hi, 1e-9, 0.2);
    if (s->hard_error)
        return s->hard_error;
    bmd_guidance *g = &res->guidance;
    g->azimuth_rad = s->az;
    bool want_apogee = isfinite(aim->apogee_m);
    if (aim->shape != BMD_SHAPE_MIN_ENERGY && !want_apogee) {
        bool lofted = aim->shape == BMD_SHAPE_LOFTED;
        g->kick_rad = lofted ? k_a : k_b;
        g->cutoff_s = (double)INFINITY;
        /* Even the steepest (flattest) kick overshoots with every stage burnt: keep that kick
         * and end the burn early. */
        if ((lofted && f_lo > 0.0) || (!lofted && f_hi > 0.0)) {
            g->cutoff_s = cutoff_for_range(s, g->kick_rad, NULL);
            if (!(g->cutoff_s > 0.0)) {
                snprintf(res->why, sizeof res->why,
                         "target at %.0f km is closer than %s's minimum range",
                         s->range_goal / 1e3, s->v->id);
                return BMD_ERR_UNREACHABLE;
            }
        }
        return s->hard_error ? s->hard_error : BMD_OK;
    }
    double dummy;
    double k_me = k_a < k_b ? golden_min(s, cutoff_objective, k_a, k_b, 1e-5 * (k_b - k_a) + 1e-7, &dummy) : k_a;
    if (s->hard_error)
        return s->hard_error;
    if (!want_apogee || aim->shape == BMD_SHAPE_MIN_ENERGY) {
        g->kick_rad = k_me;
        g->cutoff_s = cutoff_for_range(s, k_me, NULL);
        if (g->cutoff_s < 0.0) {
            snprintf(res->why, sizeof res->why, "target at %.0f km is closer than %s's minimum range",
                     s->range_goal / 1e3, s->v->id);
            return BMD_ERR_UNREACHABLE;
        }
        return s->hard_error ? s->hard_error : BMD_OK;
    }
    /* Apogee constrained, on the shape's side of minimum energy. */
    apo_ctx c = {aim->apogee_m, 0.0};
    double k_end = aim->shape == BMD_SHAPE_LOFTED ? k_a : k_b;
    double f_me = apogee_err(s, k_me, &c);
    double t_me = c.cutoff;
    double f_end = apogee_err(s, k_end, &c);
    if (s->hard_error)
        return s->hard_error;
    if (isnan(f_me) || isnan(f_end) || (f_me > 0.0) == (f_end > 0.0)) {
        double apo_me = f_me + aim->apogee_m;
        double apo_end = f_end + aim->apogee_m;
        snprintf(res->why, sizeof res->why,
                 "a %s apogee of %.0f km is not attainable to this target: %s reaches %.0f to %.0f km",
                 bmd_shape_name(aim->shape), aim->apogee_m / 1e3, s->v->id,
                 fmin(apo_me, apo_end) / 1e3, fmax(apo_me, apo_end) / 1e3);
        return BMD_ERR_UNREACHABLE;
    }
    (void)t_me;
    g->kick_rad = illinois(s, apogee_err, &c, k_me, f_me, k_end, f_end, 1e-10, 5.0);
    c.cutoff = cutoff_for_range(s, g->kick_rad, NULL);
    g->cutoff_s = c.cutoff;
    return s->hard_error ? s->hard_error : BMD_OK;
}

static double wrap_pi(double a)
{
    while (a > BMD_PI)
        a -= 2.0 * BMD_PI;
    while (a < -BMD_PI)
        a += 2.0 * BMD_PI;
    return a;
}

bmd_status bmd_target(const bmd_vehicle *v, const bmd_aim *aim, const bmd_flight_opts *o,
                      bmd_aim_result *res, bmd_trajectory *tr)
{
    memset(res, 0, sizeof *res);
    res->miss_m = (double)NAN;
    if (bmd_vehicle_check(v, res->why, sizeof res->why) != BMD_OK)
        return BMD_ERR_ARG;
    double az_t = 0.0;
    double range = 0.0;
    if (bmd_geodesic_inverse(&o->earth, aim->launch_lat_rad, aim->launch_lon_rad,
                             aim->target_lat_rad, aim->target_lon_rad, &range, &az_t,
                             NULL) != BMD_OK ||
        !isfinite(aim->launch_h_m)) {
        snprintf(res->why, sizeof res->why, "launch or target coordinates are not valid");
        return BMD_ERR_ARG;
    }
    if (range < 1000.0) {
        snprintf(res->why, sizeof res->why, "target is %.0f m from the launch point", range);
        return BMD_ERR_UNREACHABLE;
    }
    solver s;
    memset(&s, 0, sizeof s);
    s.v = v;
    s.aim = aim;
    s.o = *o;
    s.o.keep_path = false;
    s.t_burn = bmd_vehicle_burn_time(v);
    s.az = az_t;
    bmd_traj_init(&s.tr);
    double tol = aim->tolerance_m > 0.0 ? aim->tolerance_m : 10.0;
    bmd_status st = BMD_ERR_NO_CONVERGE;
    double az_prev = s.az;
    double az_imp_prev = 0.0;
    for (int it = 0; it < 12; it++) {
        /* Aim the range at the target's distance corrected by the last cross-track geometry. */
        s.range_goal = range;
        bmd_status si;
        if (it > 0 && aim->shape == BMD_SHAPE_MIN_ENERGY) {
            /* The minimum-energy kick is flat in the objective: re-searching it each time would
             * jitter the flight time and so the rotation's deflection. Keep it and re-match the
             * range with the cutoff alone. */
            res->guidance.azimuth_rad = s.az;
            res->guidance.cutoff_s = cutoff_for_range(&s, res->guidance.kick_rad, NULL);
            si = s.hard_error ? s.hard_error : BMD_OK;
            if (si == BMD_OK && !(res->guidance.cutoff_s > 0.0))
                si = solve_inner(&s, res);
        } else {
            si = solve_inner(&s, res);
        }
        if (si != BMD_OK) {
            st = si;
            break;
        }
        bmd_flight_summary f = fly(&s, res->guidance.kick_rad, res->guidance.cutoff_s);
        if (s.hard_error) {
            st = s.hard_error;
            break;
        }
        double miss = 0.0;
        bmd_geodesic_inverse(&o->earth, f.impact_lat_rad, f.impact_lon_rad, aim->target_lat_rad,
                             aim->target_lon_rad, &miss, NULL, NULL);
        res->miss_m = miss;
        if (miss <= tol) {
            st = BMD_OK;
            break;
        }
        /* Secant step on the impact azimuth as a function of the launch azimuth: the slope is
         * about 1 for flat flights but well below 1 for steep ones (a near-vertical shot turns
         * its impact direction less than its launch direction). */
        double slope = 1.0;
        if (it > 0 && fabs(s.az - az_prev) > 1e-12) {
            slope = wrap_pi(f.impact_azimuth_rad - az_imp_prev) / wrap_pi(s.az - az_prev);
            if (!(slope > 0.2 && slope < 5.0))
                slope = 1.0;
        }
        az_prev = s.az;
        az_imp_prev = f.impact_azimuth_rad;
        s.az = wrap_pi(s.az + wrap_pi(az_t - f.impact_azimuth_rad) / slope);
    }
    res->n_flights = s.n_flights;
    bmd_traj_free(&s.tr);
    if (st == BMD_ERR_NO_CONVERGE)
        snprintf(res->why, sizeof res->why, "targeting did not converge: miss %.0f m", res->miss_m);
    if (st != BMD_OK)
        return st;
    bmd_status sf = bmd_fly(v, aim->launch_lat_rad, aim->launch_lon_rad, aim->launch_h_m,
                            &res->guidance, o, tr);
    return sf;
}

bmd_status bmd_max_range(const bmd_vehicle *v, double lat_rad, double lon_rad, double h_m,
                         double azimuth_rad, const bmd_flight_opts *o, bmd_aim_result *res,
                         bmd_trajectory *tr)
{
    memset(res, 0, sizeof *res);
    if (bmd_vehicle_check(v, res->why, sizeof res->why) != BMD_OK)
        return BMD_ERR_ARG;
    if (!isfinite(azimuth_rad) || !isfinite(lat_rad) || !isfinite(lon_rad) || !isfinite(h_m))
        return BMD_ERR_ARG;
    bmd_aim aim;
    memset(&aim, 0, sizeof aim);
    aim.launch_lat_rad = lat_rad;
    aim.launch_lon_rad = lon_rad;
    aim.launch_h_m = h_m;
    solver s;
    memset(&s, 0, sizeof s);
    s.v = v;
    s.aim = &aim;
    s.o = *o;
    s.o.keep_path = false;
    s.az = azimuth_rad;
    s.t_burn = bmd_vehicle_burn_time(v);
    bmd_traj_init(&s.tr);
    double rmax = 0.0;
    double k = kick_of_max_range(&s, &rmax);
    res->n_flights = s.n_flights;
    bmd_traj_free(&s.tr);
    if (s.hard_error)
        return s.hard_error;
    res->guidance.azimuth_rad = azimuth_rad;
    res->guidance.kick_rad = k;
    res->guidance.cutoff_s = (double)INFINITY;
    res->max_range_m = rmax;
    res->miss_m = 0.0;
    return bmd_fly(v, lat_rad, lon_rad, h_m, &res->guidance, o, tr);
}

bmd_aim bmd_aim_default(const bmd_vehicle *v, double lat_rad, double lon_rad,
                        double target_lat_rad, double target_lon_rad)
{
    bmd_aim aim;
    memset(&aim, 0, sizeof aim);
    aim.launch_lat_rad = lat_rad;
    aim.launch_lon_rad = lon_rad;
    aim.target_lat_rad = target_lat_rad;
    aim.target_lon_rad = target_lon_rad;
    aim.shape = v->default_shape;
    aim.apogee_m = v->default_apogee_m;
    return aim;
}
