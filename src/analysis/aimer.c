/* SPDX-License-Identifier: MIT */
/* aimer.c: one missile from one launch point aimed quickly at many points (analysis.h).
 *
 * The minimum-energy guidance (kick, cutoff, azimuth offset) is solved exactly by bmd_target at
 * N_TAB ranges on the azimuth toward a reference point. For an aim point at range R the kick is
 * interpolated in R and held; the cutoff (which sets the range) and the azimuth (which sets the
 * direction; Earth rotation and J2 turn the flight) are corrected by secant steps on the full
 * flight model until the impact is within the tolerance. Since the minimum of the propellant over
 * the kick is flat, an interpolated kick costs energy only at second order. A missile whose default
 * shape is not minimum energy, and an aim point where the secant steps fail (at the edge of the
 * range), fall back on bmd_target itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/constants.h"
#include "bmd/parallel.h"
#include "bmd/targeting.h"

#define N_TAB 8

struct bmd_aimer {
    bmd_vehicle v;
    double lat, lon;
    bmd_flight_opts o;
    bool fast;                  /* minimum-energy default shape: the table is used */
    double az_ref;
    double r_max;               /* full-burn maximum range on az_ref (m) */
    double kick_max;            /* its kick */
    double t_burn;
    int n;
    double R[N_TAB], kick[N_TAB], cut[N_TAB], daz[N_TAB];
};

void bmd_aimer_free(bmd_aimer *a) { free(a); }

double bmd_aimer_max_range(const bmd_aimer *a) { return a->r_max; }

static double wrap_pi(double x)
{
    while (x > BMD_PI)
        x -= 2.0 * BMD_PI;
    while (x < -BMD_PI)
        x += 2.0 * BMD_PI;
    return x;
}

/* The table's point k: the exact minimum-energy solution at its range (one task of a parallel
 * loop: each writes only its own entries). */
typedef struct tab_ctx {
    const bmd_aimer *a;
    const bmd_flight_opts *fo;
    double R[N_TAB], kick[N_TAB], cut[N_TAB], daz[N_TAB];
    bool ok[N_TAB];
} tab_ctx;

static bmd_status tab_task(void *vctx, int k)
{
    tab_ctx *c = vctx;
    const bmd_aimer *a = c->a;
    /* From a tenth of the maximum range to just short of it, denser toward the top. */
    double u = (double)k / (N_TAB - 1);
    double R = a->r_max * (0.1 + 0.895 * (1.0 - (1.0 - u) * (1.0 - u)));
    double tla;
    double tlo;
    c->ok[k] = false;
    if (bmd_geodesic_direct(&c->fo->earth, a->lat, a->lon, a->az_ref, R, &tla, &tlo) != BMD_OK)
        return BMD_OK;
    bmd_aim aim = {a->lat, a->lon, 0.0, tla, tlo, BMD_SHAPE_MIN_ENERGY, (double)NAN, 500.0};
    bmd_aim_result res;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    if (bmd_target(&a->v, &aim, c->fo, &res, &tr) == BMD_OK) {
        c->R[k] = tr.sum.range_m;
        c->kick[k] = res.guidance.kick_rad;
        c->cut[k] = isfinite(res.guidance.cutoff_s) ? res.guidance.cutoff_s : a->t_burn;
        c->daz[k] = wrap_pi(res.guidance.azimuth_rad - a->az_ref);
        c->ok[k] = true;
    }
    bmd_traj_free(&tr);
    return BMD_OK;
}

bmd_status bmd_aimer_create(const bmd_vehicle *v, double lat_rad, double lon_rad,
                            double ref_lat_rad, double ref_lon_rad, const bmd_flight_opts *o,
                            bmd_aimer **out, char *why, size_t why_size)
{
    return bmd_aimer_create_threads(v, lat_rad, lon_rad, ref_lat_rad, ref_lon_rad, o, 0, out, why,
                                    why_size);
}

bmd_status bmd_aimer_create_threads(const bmd_vehicle *v, double lat_rad, double lon_rad,
                                    double ref_lat_rad, double ref_lon_rad,
                                    const bmd_flight_opts *o, int threads, bmd_aimer **out,
                                    char *why, size_t why_size)
{
    *out = NULL;
    if (why && why_size)
        why[0] = '\0';
    bmd_aimer *a = calloc(1, sizeof *a);
    if (!a)
        return BMD_ERR_NOMEM;
    a->v = *v;
    a->lat = lat_rad;
    a->lon = lon_rad;
    a->o = *o;
    a->o.keep_path = true;
    a->t_burn = bmd_vehicle_burn_time(v);
    a->fast = v->default_shape == BMD_SHAPE_MIN_ENERGY && !isfinite(v->default_apogee_m);
    bmd_status st = bmd_geodesic_inverse(&o->earth, lat_rad, lon_rad, ref_lat_rad, ref_lon_rad,
                                         NULL, &a->az_ref, NULL);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_flight_opts fo = *o;
    fo.keep_path = false;
    bmd_aim_result res;
    if (st == BMD_OK)
        st = bmd_max_range(v, lat_rad, lon_rad, 0.0, a->az_ref, &fo, &res, &tr);
    if (st != BMD_OK) {
        if (why && why_size)
            snprintf(why, why_size, "%s: no maximum range on the azimuth %.1f deg: %s", v->id,
                     a->az_ref / BMD_DEG, bmd_status_str(st));
        bmd_traj_free(&tr);
        free(a);
        return st;
    }
    a->r_max = tr.sum.range_m;
    a->kick_max = res.guidance.kick_rad;
    if (a->fast) {
        tab_ctx c = {a, &fo, {0}, {0}, {0}, {0}, {false}};
        if (bmd_parallel_for(N_TAB, threads, tab_task, &c, NULL) == BMD_OK)
            for (int k = 0; k < N_TAB; k++)
                if (c.ok[k]) {
                    a->R[a->n] = c.R[k];
                    a->kick[a->n] = c.kick[k];
                    a->cut[a->n] = c.cut[k];
                    a->daz[a->n] = c.daz[k];
                    a->n++;
                }
    }
    bmd_traj_free(&tr);
    if (a->fast && a->n < 2)
        a->fast = false; /* every point through bmd_target */
    *out = a;
    return BMD_OK;
}

/* Linear interpolation in the table's ranges, held constant beyond its ends. */
static double interp(const bmd_aimer *a, const double *y, double R)
{
    if (R <= a->R[0])
        return y[0];
    for (int k = 1; k < a->n; k++)
        if (R <= a->R[k])
            return y[k - 1] + (y[k] - y[k - 1]) * (R - a->R[k - 1]) / (a->R[k] - a->R[k - 1]);
    return y[a->n - 1];
}

static bmd_status slow(const bmd_aimer *a, double tla, double tlo, double tol, bmd_trajectory *tr,
                       double *miss_m)
{
    bmd_aim aim = bmd_aim_default(&a->v, a->lat, a->lon, tla, tlo);
    aim.tolerance_m = tol;
    bmd_aim_result res;
    bmd_status st = bmd_target(&a->v, &aim, &a->o, &res, tr);
    if (st == BMD_OK && miss_m)
        *miss_m = res.miss_m;
    return st;
}

bmd_status bmd_aimer_fly(const bmd_aimer *a, double target_lat_rad, double target_lon_rad,
                         double tol_m, bmd_trajectory *tr, double *miss_m)
{
    double tol = tol_m > 0.0 ? tol_m : 1000.0;
    double R;
    double az_t;
    bmd_status st = bmd_geodesic_inverse(&a->o.earth, a->lat, a->lon, target_lat_rad,
                                         target_lon_rad, &R, &az_t, NULL);
    if (st != BMD_OK)
        return st;
    /* Far beyond the reference azimuth's maximum range (rotation changes it by a few per cent
     * between azimuths): out of range without a flight. */
    if (R > 1.08 * a->r_max)
        return BMD_ERR_UNREACHABLE;
    if (!a->fast)
        return slow(a, target_lat_rad, target_lon_rad, fmin(tol, 100.0), tr, miss_m);
    double kick = interp(a, a->kick, R);
    double cut = interp(a, a->cut, R);
    double az = az_t + interp(a, a->daz, R);
    /* The range's slope in the cutoff along the table: the first secant step's guess. */
    double slope = 0.0;
    for (int k = 1; k < a->n; k++)
        if (R <= a->R[k] || k == a->n - 1) {
            double dc = a->cut[k] - a->cut[k - 1];
            slope = dc != 0.0 ? (a->R[k] - a->R[k - 1]) / dc : 0.0;
            break;
        }
    if (!(slope > 0.0))
        slope = a->r_max / a->t_burn;
    double cut_prev = (double)NAN;
    double r_prev = (double)NAN;
    double t_min_cut = a->v.vertical_rise_s + a->v.pitchover_s + 0.5;
    for (int it = 0; it < 12; it++) {
        bmd_guidance g = {az, kick, cut >= a->t_burn ? (double)INFINITY : cut};
        st = bmd_fly(&a->v, a->lat, a->lon, 0.0, &g, &a->o, tr);
        if (st != BMD_OK && st != BMD_ERR_UNREACHABLE)
            return st;
        if (st == BMD_ERR_UNREACHABLE)
            break;
        double miss;
        double r = tr->sum.range_m;
        if (bmd_geodesic_inverse(&a->o.earth, tr->sum.impact_lat_rad, tr->sum.impact_lon_rad,
                                 target_lat_rad, target_lon_rad, &miss, NULL, NULL) != BMD_OK)
            return BMD_ERR_NONFINITE;
        if (miss <= tol) {
            if (miss_m)
                *miss_m = miss;
            return BMD_OK;
        }
        if (cut >= a->t_burn && r < R - tol) {
            /* A full burn on this kick falls short. On the kick of maximum range too: beyond
             * the range on this azimuth. */
            bmd_guidance gm = {az, a->kick_max, (double)INFINITY};
            st = bmd_fly(&a->v, a->lat, a->lon, 0.0, &gm, &a->o, tr);
            if (st != BMD_OK && st != BMD_ERR_UNREACHABLE)
                return st; /* out of memory, the integrator: not a finding about the range */
            if (st == BMD_OK && tr->sum.range_m < R - tol)
                return BMD_ERR_UNREACHABLE;
            break;
        }
        if (isfinite(cut_prev) && r != r_prev && cut != cut_prev)
            slope = (r - r_prev) / (cut - cut_prev);
        if (!(slope > 0.0))
            break;
        cut_prev = cut;
        r_prev = r;
        cut += (R - r) / slope;
        if (cut > a->t_burn)
            cut = a->t_burn;
        if (cut < t_min_cut)
            cut = t_min_cut;
        az += wrap_pi(az_t - tr->sum.impact_azimuth_rad);
    }
    return slow(a, target_lat_rad, target_lon_rad, fmin(tol, 100.0), tr, miss_m);
}
