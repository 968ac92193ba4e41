/* SPDX-License-Identifier: MIT */
/* early_warning.c: space-based infrared early warning (DSP/SBIRS class) of a boosting threat.
 * The plume is seen once the missile climbs above the cloud tops and until burnout; the first
 * report and the cue to the defence follow after fixed delays; the reported launch point, time
 * and azimuth carry Gaussian errors drawn from the counter-based generator (rng.h). The timeline
 * model and its delays follow parameters.md sec. 3.5 (first DSP report 30-60 s after launch,
 * SBIRS 10-20 s, 10-30 s of ground processing); the NRC study (Making Sense of Ballistic Missile
 * Defense, 2012, literature.md sec. 1.4) gives the boost durations it must fit in. No allocation,
 * no I/O. docs/sensors.md gives the model. */
#include <math.h>
#include <stdio.h>

#include "bmd/constants.h"
#include "bmd/sensor.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (why && why_size > 0)                                                                   \
            snprintf(why, (size_t)why_size, __VA_ARGS__);                                          \
        return BMD_ERR_ARG;                                                                        \
    } while (0)

static bool nonneg(double x) { return isfinite(x) && x >= 0.0; }

/* Highest cloud top accepted (m): far above any weather; a sensor model may raise the height at
 * which a plume becomes detectable above the real clouds. */
#define CLOUD_TOP_MAX_M 1.0e5

bmd_status bmd_ew_check(const bmd_ew_sensor *s, char *why, int why_size)
{
    if (!nonneg(s->cloud_top_m) || s->cloud_top_m > CLOUD_TOP_MAX_M)
        FAIL("cloud_top_m %g m must be within [0, %g] m", s->cloud_top_m, CLOUD_TOP_MAX_M);
    if (!nonneg(s->first_report_delay_s))
        FAIL("first_report_delay_s %g s must be zero or positive and finite",
             s->first_report_delay_s);
    if (!nonneg(s->processing_delay_s))
        FAIL("processing_delay_s %g s must be zero or positive and finite", s->processing_delay_s);
    if (!nonneg(s->sigma_launch_pos_m))
        FAIL("sigma_launch_pos_m %g m must be zero or positive and finite", s->sigma_launch_pos_m);
    if (!nonneg(s->sigma_launch_time_s))
        FAIL("sigma_launch_time_s %g s must be zero or positive and finite",
             s->sigma_launch_time_s);
    if (!nonneg(s->sigma_azimuth_rad) || s->sigma_azimuth_rad > BMD_PI)
        FAIL("sigma_azimuth_rad %g rad must be within [0, pi]", s->sigma_azimuth_rad);
    return BMD_OK;
}

/* Height (m) at time t; NaN outside the path. */
static double height_at(const bmd_trajectory *tr, double t)
{
    double h = (double)NAN;
    if (bmd_traj_geodetic(tr, t, NULL, NULL, &h, NULL) != BMD_OK)
        return (double)NAN;
    return h;
}

/* Sub-steps of each stored integration step scanned for the first crossing: a boost step is a
 * few seconds at most, and the height cannot rise through the cloud top and fall back within a
 * quarter of one. */
#define SCAN_SUB 4
/* Bisection stops on an interval this short (s). */
#define T_TOL_S 1e-6

/* First time in [t0, t1] at which the height reaches h_c; NaN if none. */
static double first_crossing(const bmd_trajectory *tr, double t0, double t1, double h_c)
{
    double h0 = height_at(tr, t0);
    if (h0 >= h_c)
        return t0;
    double ta = t0;
    double tb = (double)NAN;
    /* Scan the stored steps that overlap [t0, t1] for a bracket [ta, tb]. */
    for (int i = 0; i < tr->n_seg && isnan(tb); i++) {
        const bmd_path_seg *s = &tr->seg[i];
        if (s->t0 + s->h <= t0)
            continue;
        if (s->t0 >= t1)
            break;
        for (int k = 1; k <= SCAN_SUB; k++) {
            double t = k == SCAN_SUB ? s->t0 + s->h : s->t0 + s->h * k / SCAN_SUB;
            if (t <= ta)
                continue;
            if (t > t1)
                t = t1;
            if (height_at(tr, t) >= h_c) {
                tb = t;
                break;
            }
            ta = t;
            if (t >= t1)
                break;
        }
    }
    if (isnan(tb))
        return (double)NAN;
    while (tb - ta > T_TOL_S) {
        double tm = 0.5 * (ta + tb);
        if (height_at(tr, tm) >= h_c)
            tb = tm;
        else
            ta = tm;
    }
    return tb;
}

static double wrap_2pi(double a)
{
    a = fmod(a, 2.0 * BMD_PI);
    if (a < 0.0)
        a += 2.0 * BMD_PI;
    if (a >= 2.0 * BMD_PI)
        a = 0.0;
    return a;
}

bmd_status bmd_ew_observe(const bmd_ew_sensor *s, const bmd_trajectory *tr, bmd_rng rng,
                          bmd_ew_report *out)
{
    out->detected = false;
    out->t_visible_s = (double)NAN;
    out->t_first_report_s = (double)NAN;
    out->t_cue_s = (double)NAN;
    out->t_lost_s = (double)NAN;
    out->launch_lat_rad = (double)NAN;
    out->launch_lon_rad = (double)NAN;
    out->launch_time_s = (double)NAN;
    out->azimuth_rad = (double)NAN;
    if (bmd_ew_check(s, NULL, 0) != BMD_OK || tr->n_seg <= 0)
        return BMD_ERR_ARG;

    /* Boost: from launch to burnout (both on the trajectory's clock), within the stored path. */
    double t0 = tr->t_start_s;
    double t_bo = tr->sum.burnout_time_s;
    if (t_bo > tr->t_end_s)
        t_bo = tr->t_end_s;
    out->t_lost_s = t_bo;
    if (!(t_bo > t0))
        return BMD_OK; /* no boost (free flight): nothing to see */
    double t_vis = first_crossing(tr, t0, t_bo, s->cloud_top_m);
    if (isnan(t_vis))
        return BMD_OK;
    out->t_visible_s = t_vis;
    out->t_first_report_s = t_vis + s->first_report_delay_s;
    out->t_cue_s = out->t_first_report_s + s->processing_delay_s;
    if (!(out->t_first_report_s <= t_bo))
        return BMD_OK;
    out->detected = true;

    /* Truth: the launch point and time; the azimuth from the launch point to the point under the
     * missile at the first report. */
    const bmd_earth *e = &tr->earth;
    double lat0 = tr->sum.launch_lat_rad;
    double lon0 = tr->sum.launch_lon_rad;
    double lat1 = (double)NAN;
    double lon1 = (double)NAN;
    double azi = (double)NAN;
    bmd_status st = bmd_traj_geodetic(tr, out->t_first_report_s, &lat1, &lon1, NULL, NULL);
    if (st == BMD_OK)
        st = bmd_geodesic_inverse(e, lat0, lon0, lat1, lon1, NULL, &azi, NULL);
    if (st != BMD_OK) {
        out->detected = false;
        return st;
    }

    /* Errors: counter 0 -> north and east launch-point errors (m); counter 1 -> launch-time (s)
     * and azimuth (rad) errors. */
    double z0[2];
    double z1[2];
    bmd_rng_normal2(rng, 0, z0);
    bmd_rng_normal2(rng, 1, z1);
    double dn = s->sigma_launch_pos_m * z0[0];
    double de = s->sigma_launch_pos_m * z0[1];
    /* North/east metres to latitude/longitude with the meridian (M) and prime-vertical (N) radii
     * of curvature at the launch latitude (plus the launch height, negligible). */
    double sl = sin(lat0);
    double w = sqrt(1.0 - e->e2 * sl * sl);
    double rn = e->a_m / w;
    double rm = e->a_m * (1.0 - e->e2) / (w * w * w);
    double lat = lat0 + dn / rm;
    double cl = cos(lat0);
    double lon = lon0 + (cl > 1e-9 ? de / (rn * cl) : 0.0);
    if (lat > 0.5 * BMD_PI) { /* over the pole: reflect */
        lat = BMD_PI - lat;
        lon += BMD_PI;
    } else if (lat < -0.5 * BMD_PI) {
        lat = -BMD_PI - lat;
        lon += BMD_PI;
    }
    lon = remainder(lon, 2.0 * BMD_PI); /* (-pi, pi] up to the sign of exact +-pi */
    if (lon <= -BMD_PI)
        lon += 2.0 * BMD_PI;
    out->launch_lat_rad = lat;
    out->launch_lon_rad = lon;
    out->launch_time_s = t0 + s->sigma_launch_time_s * z1[0];
    out->azimuth_rad = wrap_2pi(azi + s->sigma_azimuth_rad * z1[1]);
    return BMD_OK;
}
