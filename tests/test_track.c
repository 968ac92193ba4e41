/* SPDX-License-Identifier: MIT */
/*
**  test_track.c -- validation of the track filter (src/sensors/track.c, include/bmd/track.h).
**
**  References, all independent of the filter's own code:
**    - truth trajectories flown by the flight core (bmd_fly_free: DOPRI5 with tight tolerances and
**      dense output), whose own validation is docs/validation.md (Flight);
**    - radar measurements written out here: the test's own geodetic -> ECEF (NIMA TR8350.2
**      eqs. 4-14, 4-15), ECI -> ECEF rotation, ENU axes, range, azimuth atan2(e, n) and
**      elevation asin(u / range);
**    - the test's own right-hand side (point mass + J2 from the potential, Vallado, Fundamentals
**      of Astrodynamics and Applications, 4th ed., eq. 8-30; drag -rho |w| w / (2 beta));
**    - central finite differences for the Jacobians;
**    - filter consistency: NEES and NIS against their chi-square bounds over Monte Carlo runs
**      (Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and Navigation,
**      Wiley 2001, sec. 5.4), the chi-square quantiles by the Wilson-Hilferty approximation
**      (Wilson & Hilferty, PNAS 17, 1931; Johnson, Kotz & Balakrishnan, Continuous Univariate
**      Distributions vol. 1, 2nd ed., eq. 18.24);
**    - the impact ellipse against a Monte Carlo of perturbed flights; CEP against closed forms
**      (circle: sqrt(2 ln 2) sigma, the Rayleigh median; line: the median of |N(0, sigma^2)|) and
**      a Monte Carlo median.
**  Each test prints its worst measured errors to stderr; docs/validation.md (Tracking) quotes
**  them.
*/

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/atmosphere.h"
#include "bmd/earth.h"
#include "bmd/flight.h"
#include "bmd/rng.h"
#include "bmd/track.h"
#include "test.h"

/* Constants written out here, with their sources. */
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define MU 3.986004418e14       /* WGS-84 GM (m^3/s^2), NIMA TR8350.2 table 3.1 */
#define OMEGA 7.292115e-5       /* WGS-84 rotation rate (rad/s) */
#define WGS_A 6378137.0         /* WGS-84 semi-major axis (m) */
#define WGS_INV_F 298.257223563 /* WGS-84 inverse flattening */
#define J2C 1.08262668e-3       /* J2 from EGM96 C20 (NIMA TR8350.2) */

static double maxd(double a, double b) { return a > b ? a : b; }

/* ------------------------------------------------------------------------------------------ */
/* The test's own geometry.                                                                    */

typedef struct ref_earth {
    double a, b, e2, omega;
} ref_earth;

static ref_earth ref_wgs84(void)
{
    ref_earth e;
    double f = 1.0 / WGS_INV_F;
    e.a = WGS_A;
    e.b = WGS_A * (1.0 - f);
    e.e2 = f * (2.0 - f);
    e.omega = OMEGA;
    return e;
}

static bmd_vec3 ref_ecef(const ref_earth *e, double lat, double lon, double h)
{
    double n = e->a / sqrt(1.0 - e->e2 * sin(lat) * sin(lat));
    return bmd_v3((n + h) * cos(lat) * cos(lon), (n + h) * cos(lat) * sin(lon),
                  (n * (1.0 - e->e2) + h) * sin(lat));
}

/* ECEF = R3(omega t) ECI. */
static bmd_vec3 ref_to_ecef(const ref_earth *e, double t, bmd_vec3 r)
{
    double th = e->omega * t;
    return bmd_v3(cos(th) * r.x + sin(th) * r.y, -sin(th) * r.x + cos(th) * r.y, r.z);
}

static void ref_enu(double lat, double lon, bmd_vec3 *E, bmd_vec3 *N, bmd_vec3 *U)
{
    *E = bmd_v3(-sin(lon), cos(lon), 0.0);
    *N = bmd_v3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat));
    *U = bmd_v3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat));
}

/* A radar site. */
typedef struct site {
    double lat, lon, h;
} site;

/* Exact (range, az in [0, 2 pi), el) of the ECI position r at time t. */
static void ref_meas(const ref_earth *e, const site *s, double t, bmd_vec3 r, double z[3])
{
    bmd_vec3 d = bmd_v3_sub(ref_to_ecef(e, t, r), ref_ecef(e, s->lat, s->lon, s->h));
    bmd_vec3 E, N, U;
    ref_enu(s->lat, s->lon, &E, &N, &U);
    double rg = bmd_v3_norm(d);
    double az = atan2(bmd_v3_dot(d, E), bmd_v3_dot(d, N));
    if (az < 0.0)
        az += 2.0 * PI;
    z[0] = rg;
    z[1] = az;
    z[2] = asin(bmd_v3_dot(d, U) / rg);
}

static bmd_meas make_meas(const site *s, double t, const double z[3], double sr, double sa)
{
    bmd_meas m;
    memset(&m, 0, sizeof m);
    m.t_s = t;
    m.site_lat_rad = s->lat;
    m.site_lon_rad = s->lon;
    m.site_h_m = s->h;
    m.range_m = z[0];
    m.az_rad = z[1];
    m.el_rad = z[2];
    m.sigma_range_m = sr;
    m.sigma_angle_rad = sa;
    return m;
}

/* Truth state at t from a flown path. */
static void truth_at(const bmd_trajectory *tr, double t, double x[6])
{
    bmd_vec3 r, v;
    bmd_status st = bmd_traj_state(tr, t, &r, &v);
    ENSURE(st == BMD_OK);
    x[0] = r.x;
    x[1] = r.y;
    x[2] = r.z;
    x[3] = v.x;
    x[4] = v.y;
    x[5] = v.z;
}

static double dist3(const double *a, const double *b)
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

static double norm3(const double *a) { return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]); }

/* Tight truth tolerances: 10 um and 10 nm/s per step. */
static bmd_flight_opts truth_opts(bool atmosphere)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.atmosphere = atmosphere;
    o.atol_m = 1e-5;
    o.atol_m_s = 1e-8;
    return o;
}

/* Scenario A: an ICBM-class free flight (burnout at 200 km, 6.8 km/s, 25 deg, heading 330 deg
 * from 35 N 53 E), drag with beta = 10,000 kg/m^2 (the filter's default), a radar 800 km to the
 * right of the ground track under t = T_MID, observing from T0 to T0 + 300 s. */
#define BETA_A 10000.0
#define T0_A 600.0
#define T_MID_A 750.0

typedef struct scen {
    bmd_trajectory tr;
    ref_earth e;
    site s;
} scen;

static bool scen_a(scen *sc, bool atmosphere)
{
    bmd_traj_init(&sc->tr);
    sc->e = ref_wgs84();
    bmd_flight_opts fo = truth_opts(atmosphere);
    bmd_status st = bmd_fly_free(35.0 * DEG, 53.0 * DEG, 200e3, 6800.0, 25.0 * DEG, 330.0 * DEG,
                                 atmosphere ? BETA_A : 0.0, &fo, &sc->tr);
    ENSURE(st == BMD_OK);
    if (st != BMD_OK)
        return false;
    double lat, lon, lat2, lon2;
    bmd_traj_geodetic(&sc->tr, T_MID_A, &lat, &lon, NULL, NULL);
    bmd_traj_geodetic(&sc->tr, T_MID_A + 1.0, &lat2, &lon2, NULL, NULL);
    double az;
    bmd_geodesic_inverse(&fo.earth, lat, lon, lat2, lon2, NULL, &az, NULL);
    bmd_geodesic_direct(&fo.earth, lat, lon, az + 0.5 * PI, 800e3, &sc->s.lat, &sc->s.lon);
    sc->s.h = 100.0;
    return true;
}

static bmd_track_opts filter_opts(bool drag, double beta, double q)
{
    bmd_track_opts o = bmd_track_default_opts();
    o.drag = drag;
    o.beta_kg_m2 = beta;
    o.q_accel_m_s2 = q;
    return o;
}

/* Three standard normals for (stream, k). */
static void noise3(bmd_rng r, uint64_t k, double w[3])
{
    double a[2], b[2];
    bmd_rng_normal2(r, 2 * k, a);
    bmd_rng_normal2(r, 2 * k + 1, b);
    w[0] = a[0];
    w[1] = a[1];
    w[2] = b[0];
}

/* x^T P^-1 x for a 6x6 SPD P by Cholesky (the test's own). */
static double mahal6(const double P[36], const double x[6])
{
    double L[36] = {0};
    for (int j = 0; j < 6; j++) {
        double s = P[7 * j];
        for (int k = 0; k < j; k++)
            s -= L[6 * j + k] * L[6 * j + k];
        if (!(s > 0.0))
            return (double)NAN;
        L[7 * j] = sqrt(s);
        for (int i = j + 1; i < 6; i++) {
            double t = P[6 * i + j];
            for (int k = 0; k < j; k++)
                t -= L[6 * i + k] * L[6 * j + k];
            L[6 * i + j] = t / L[7 * j];
        }
    }
    double y[6];
    for (int i = 0; i < 6; i++) {
        double s = x[i];
        for (int k = 0; k < i; k++)
            s -= L[6 * i + k] * y[k];
        y[i] = s / L[7 * i];
    }
    double d = 0.0;
    for (int i = 0; i < 6; i++)
        d += y[i] * y[i];
    return d;
}

/* chi-square quantile by Wilson-Hilferty: k (1 - 2/(9k) + z sqrt(2/(9k)))^3. */
static double chi2_wh(double k, double z)
{
    double c = 2.0 / (9.0 * k);
    double t = 1.0 - c + z * sqrt(c);
    return k * t * t * t;
}
#define Z975 1.959963984540054

/* ------------------------------------------------------------------------------------------ */
/* Measurement model and Jacobians.                                                            */

static void test_measurement_model(void)
{
    scen sc;
    if (!scen_a(&sc, true))
        return;
    bmd_earth be = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double worst_z = 0.0, worst_ang = 0.0, worst_h = 0.0;
    /* Sites: the scenario's, one near the antimeridian, one looking due north through az = 0
     * (azimuth wrap), one in the southern hemisphere. */
    for (int c = 0; c < 4; c++) {
        site s = sc.s;
        if (c == 2) {
            s.lat = -20.0 * DEG;
            s.lon = 179.9 * DEG;
            s.h = 2000.0;
        }
        for (int k = 0; k <= 30; k++) {
            double t = T0_A + 10.0 * k;
            double x[6];
            truth_at(&sc.tr, t, x);
            if (c == 1) {
                /* The site due south of the target (ECEF), so that az is near 0 / 2 pi. */
                double lat, lon;
                bmd_ecef_to_geodetic(&be, bmd_eci_to_ecef(&be, t, bmd_v3(x[0], x[1], x[2])), &lat,
                                     &lon, NULL);
                s.lat = lat - 8.0 * DEG;
                s.lon = lon + (k % 2 ? 1e-4 : -1e-4);
                s.h = 0.0;
            }
            if (c == 3) {
                s.lat = -60.0 * DEG;
                s.lon = -30.0 * DEG;
            }
            double zr[3];
            ref_meas(&sc.e, &s, t, bmd_v3(x[0], x[1], x[2]), zr);
            bmd_meas m = make_meas(&s, t, zr, 10.0, 1e-3);
            double z[3], H[18];
            bmd_status st = bmd_track_measure(&be, &m, x, z, H);
            ENSURE(st == BMD_OK);
            worst_z = maxd(worst_z, fabs(z[0] - zr[0]) / zr[0]);
            double daz = fabs(z[1] - zr[1]);
            daz = fmin(daz, 2.0 * PI - daz);
            worst_ang = maxd(worst_ang, maxd(daz, fabs(z[2] - zr[2])));
            ENSURE(z[1] >= 0.0 && z[1] < 2.0 * PI);
            /* Central differences, 1 m in each position coordinate (azimuth unwrapped). */
            for (int i = 0; i < 3; i++) {
                double xp[6], xm[6], zp[3], zm[3];
                memcpy(xp, x, sizeof xp);
                memcpy(xm, x, sizeof xm);
                xp[i] += 1.0;
                xm[i] -= 1.0;
                bmd_track_measure(&be, &m, xp, zp, NULL);
                bmd_track_measure(&be, &m, xm, zm, NULL);
                double dz[3] = {(zp[0] - zm[0]) / 2.0,
                                remainder(zp[1] - zm[1], 2.0 * PI) / 2.0,
                                (zp[2] - zm[2]) / 2.0};
                for (int row = 0; row < 3; row++) {
                    double scale = maxd(fabs(H[6 * row]),
                                        maxd(fabs(H[6 * row + 1]), fabs(H[6 * row + 2])));
                    worst_h = maxd(worst_h, fabs(H[6 * row + i] - dz[row]) / scale);
                }
            }
            for (int row = 0; row < 3; row++)
                for (int i = 3; i < 6; i++)
                    ENSURE(H[6 * row + i] == 0.0);
        }
    }
    fprintf(stderr, "  measurement vs own geometry: range %.2e rel, angles %.2e rad; "
                    "H vs central differences %.2e rel (row max)\n",
            worst_z, worst_ang, worst_h);
    ENSURE(worst_z < 1e-12);
    ENSURE(worst_ang < 1e-11);
    ENSURE(worst_h < 1e-6);
    bmd_traj_free(&sc.tr);
}

/* The test's own acceleration: gravity as the gradient of U = mu/r (1 - J2 (a/r)^2 P2(z/r)),
 * drag with flight.c's density height (the geocentric-radius height above the ellipsoid). */
static void ref_accel(const double x[6], double beta, double a[3])
{
    ref_earth e = ref_wgs84();
    double r = norm3(x);
    double s = x[2] / r;
    double k = 1.5 * J2C * WGS_A * WGS_A / (r * r);
    double common = -MU / (r * r * r);
    a[0] = common * x[0] * (1.0 + k * (1.0 - 5.0 * s * s));
    a[1] = common * x[1] * (1.0 + k * (1.0 - 5.0 * s * s));
    a[2] = common * x[2] * (1.0 + k * (3.0 - 5.0 * s * s));
    if (beta > 0.0) {
        double p = sqrt(x[0] * x[0] + x[1] * x[1]);
        /* the ellipse's radius along the direction of r: a b / sqrt(b^2 cos^2 + a^2 sin^2) */
        double cphi = p / r, sphi = x[2] / r;
        double re = e.a * e.b / sqrt(e.b * e.b * cphi * cphi + e.a * e.a * sphi * sphi);
        double h = r - re;
        double rho = (r < e.a + 1e6) ? bmd_atmos_density_fast(h, NULL) : 0.0;
        double w[3] = {x[3] + OMEGA * x[1], x[4] - OMEGA * x[0], x[5]};
        double wn = norm3(w);
        for (int i = 0; i < 3; i++)
            a[i] -= 0.5 * rho * wn * w[i] / beta;
    }
}

static void test_dynamics_jacobian(void)
{
    /* States: midcourse at 1,000 km over 40 N; re-entry at 40 km and 70 km (drag); near the pole
     * at 300 km (J2's z terms; there d a/d v ~ 1e-11 /s is below the differences' rounding, so
     * its velocity block is not compared). */
    ref_earth e = ref_wgs84();
    struct {
        double lat, lon, h, vx, vy, vz;
        bool drag;
    } cases[] = {
        {40 * DEG, 20 * DEG, 1000e3, 3000.0, -5000.0, 2000.0, false},
        {10 * DEG, -70 * DEG, 40e3, -4000.0, 3000.0, -2500.0, true},
        {-30 * DEG, 120 * DEG, 70e3, 5000.0, 4000.0, -2000.0, true},
        {85 * DEG, 0.0, 300e3, 1000.0, 6500.0, -500.0, true},
    };
    double worst_f = 0.0, worst_r = 0.0, worst_v = 0.0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bmd_vec3 r = ref_ecef(&e, cases[c].lat, cases[c].lon, cases[c].h);
        double x[6] = {r.x, r.y, r.z, cases[c].vx, cases[c].vy, cases[c].vz};
        double beta = 3000.0;
        bmd_track_opts o = filter_opts(cases[c].drag, beta, 0.1);
        double xd[6], F[36], ar[3];
        bmd_track_dynamics(&o, x, xd, F);
        ref_accel(x, cases[c].drag ? beta : 0.0, ar);
        for (int i = 0; i < 3; i++) {
            ENSURE(xd[i] == x[3 + i]);
            worst_f = maxd(worst_f, fabs(xd[3 + i] - ar[i]) / norm3(ar));
        }
        /* Central differences: 1 m in position, 0.1 m/s in velocity. */
        double Fd[36];
        for (int j = 0; j < 6; j++) {
            double step = j < 3 ? 1.0 : 0.1;
            double xp[6], xm[6], fp[6], fm[6];
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[j] += step;
            xm[j] -= step;
            bmd_track_dynamics(&o, xp, fp, NULL);
            bmd_track_dynamics(&o, xm, fm, NULL);
            for (int i = 0; i < 6; i++)
                Fd[6 * i + j] = (fp[i] - fm[i]) / (2.0 * step);
        }
        double sr = 0.0, sv = 0.0;
        for (int i = 3; i < 6; i++)
            for (int j = 0; j < 3; j++) {
                sr = maxd(sr, fabs(Fd[6 * i + j]));
                sv = maxd(sv, fabs(Fd[6 * i + 3 + j]));
            }
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) {
                if (i < 3) {
                    ENSURE(F[6 * i + j] == (j == i + 3 ? 1.0 : 0.0));
                    continue;
                }
                double err = fabs(F[6 * i + j] - Fd[6 * i + j]);
                if (j < 3)
                    worst_r = maxd(worst_r, err / sr);
                else if (!cases[c].drag)
                    ENSURE(F[6 * i + j] == 0.0);
                else if (cases[c].h < 100e3)
                    worst_v = maxd(worst_v, err / sv);
            }
    }
    fprintf(stderr, "  acceleration vs own model %.2e rel; F vs central differences: "
                    "d a/d r %.2e, d a/d v %.2e (relative to the block's largest entry)\n",
            worst_f, worst_r, worst_v);
    ENSURE(worst_f < 1e-12);
    ENSURE(worst_r < 1e-6);
    ENSURE(worst_v < 1e-6);
}

/* ------------------------------------------------------------------------------------------ */
/* Prediction.                                                                                 */

static void test_prediction(void)
{
    /* Forward and back in vacuum and with drag. */
    scen sc;
    if (!scen_a(&sc, false))
        return;
    bmd_track_opts o = filter_opts(false, 0.0, 0.0);
    double x0[6];
    truth_at(&sc.tr, 100.0, x0);
    double P0[36] = {0};
    for (int i = 0; i < 6; i++)
        P0[7 * i] = i < 3 ? 1e6 : 100.0;
    P0[1] = P0[6] = 3e5;
    P0[3] = P0[18] = 2e3;
    bmd_track tk;
    bmd_track_init(&tk, 100.0, x0, P0);
    ENSURE(bmd_track_predict(&tk, 400.0, &o) == BMD_OK);
    ENSURE(tk.t_s == 400.0);
    ENSURE(bmd_track_predict(&tk, 100.0, &o) == BMD_OK);
    double eb_r = dist3(tk.x, x0) / norm3(x0);
    double eb_v = dist3(tk.x + 3, x0 + 3) / norm3(x0 + 3);
    double eb_p = 0.0;
    for (int i = 0; i < 36; i++)
        eb_p = maxd(eb_p, fabs(tk.P[i] - P0[i]) / sqrt(P0[7 * (i / 6)] * P0[7 * (i % 6)]));
    fprintf(stderr, "  forward 300 s and back (vacuum): position %.2e rel, velocity %.2e rel, "
                    "covariance %.2e (q = 0, relative to sqrt(Pii Pjj))\n",
            eb_r, eb_v, eb_p);
    ENSURE(eb_r < 1e-6);
    ENSURE(eb_v < 1e-6);
    ENSURE(eb_p < 1e-6);

    /* Against the flown path, every second over 300 s. */
    bmd_track_init(&tk, 100.0, x0, P0);
    double wr = 0.0, wv = 0.0;
    for (int k = 1; k <= 300; k++) {
        double t = 100.0 + k;
        double xt[6];
        ENSURE(bmd_track_predict(&tk, t, &o) == BMD_OK);
        truth_at(&sc.tr, t, xt);
        wr = maxd(wr, dist3(tk.x, xt));
        wv = maxd(wv, dist3(tk.x + 3, xt + 3));
    }
    /* One jump of 300 s (300 substeps of 1 s). */
    bmd_track_init(&tk, 100.0, x0, P0);
    ENSURE(bmd_track_predict(&tk, 400.0, &o) == BMD_OK);
    double xt[6];
    truth_at(&sc.tr, 400.0, xt);
    double wj = dist3(tk.x, xt);
    fprintf(stderr, "  prediction vs bmd_fly_free path (vacuum, 300 s): position %.3e m, "
                    "velocity %.3e m/s; one 300 s call %.3e m\n",
            wr, wv, wj);
    ENSURE(wr < 1.0);
    ENSURE(wv < 1e-3);
    ENSURE(wj < 1.0);
    bmd_traj_free(&sc.tr);

    /* Re-entry with drag: from 300 km at 6.5 km/s, -12 deg, beta 2000 kg/m^2, to 1 s before the
     * impact. */
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_flight_opts fo = truth_opts(true);
    ENSURE(bmd_fly_free(20.0 * DEG, -40.0 * DEG, 300e3, 6500.0, -12.0 * DEG, 80.0 * DEG, 2000.0,
                        &fo, &tr) == BMD_OK);
    bmd_track_opts od = filter_opts(true, 2000.0, 0.0);
    double xs[6];
    truth_at(&tr, 0.0, xs);
    bmd_track_init(&tk, 0.0, xs, P0);
    double t_end = floor(tr.t_end_s - 1.0);
    double wdr = 0.0, wdv = 0.0;
    for (double t = 1.0; t <= t_end; t += 1.0) {
        ENSURE(bmd_track_predict(&tk, t, &od) == BMD_OK);
        truth_at(&tr, t, xt);
        wdr = maxd(wdr, dist3(tk.x, xt));
        wdv = maxd(wdv, dist3(tk.x + 3, xt + 3));
    }
    double h_end, v_end;
    bmd_traj_geodetic(&tr, t_end, NULL, NULL, &h_end, &v_end);
    fprintf(stderr, "  prediction vs path with drag (beta 2000, %.0f s to %.1f km, %.0f m/s): "
                    "position %.3e m, velocity %.3e m/s\n",
            t_end, h_end / 1e3, v_end, wdr, wdv);
    ENSURE(wdr < 1.0);
    ENSURE(wdv < 0.01);
    bmd_traj_free(&tr);
}

/* ------------------------------------------------------------------------------------------ */
/* Convergence on noiseless data.                                                              */

static void run_noiseless(const bmd_trajectory *tr, const ref_earth *e, const site *s, double t0,
                          double t1, const bmd_track_opts *o, double *err_r, double *err_v,
                          int *n_upd)
{
    double x[6];
    truth_at(tr, t0, x);
    const double dx[6] = {3000.0, -2000.0, 1500.0, 30.0, -20.0, 10.0};
    for (int i = 0; i < 6; i++)
        x[i] += dx[i];
    double P[36] = {0};
    for (int i = 0; i < 6; i++)
        P[7 * i] = i < 3 ? 1e4 * 1e4 : 100.0 * 100.0;
    bmd_track tk;
    bmd_track_init(&tk, t0, x, P);
    int n = 0;
    for (double t = t0 + 1.0; t <= t1; t += 1.0) {
        double xt[6], z[3];
        truth_at(tr, t, xt);
        ref_meas(e, s, t, bmd_v3(xt[0], xt[1], xt[2]), z);
        if (z[2] < 1.0 * DEG)
            continue;
        bmd_meas m = make_meas(s, t, z, 10.0, 0.3e-3);
        bmd_status st = bmd_track_update(&tk, &m, o, NULL);
        ENSURE(st == BMD_OK);
        n += st == BMD_OK;
    }
    double xt[6];
    truth_at(tr, tk.t_s, xt);
    *err_r = dist3(tk.x, xt);
    *err_v = dist3(tk.x + 3, xt + 3);
    *n_upd = n;
}

static void test_convergence(void)
{
    scen sc;
    if (!scen_a(&sc, true))
        return;
    double er, ev;
    int n;
    /* Midcourse, drag on in both (beta 10,000), q = 1e-3 and the default 0.1. */
    bmd_track_opts o = filter_opts(true, BETA_A, 1e-3);
    run_noiseless(&sc.tr, &sc.e, &sc.s, T0_A, T0_A + 300.0, &o, &er, &ev, &n);
    fprintf(stderr, "  noiseless midcourse, q = 1e-3, %d updates: position %.3e m, "
                    "velocity %.3e m/s\n", n, er, ev);
    ENSURE(er < 1.0);
    ENSURE(ev < 0.01);
    o.q_accel_m_s2 = 0.1;
    run_noiseless(&sc.tr, &sc.e, &sc.s, T0_A, T0_A + 300.0, &o, &er, &ev, &n);
    fprintf(stderr, "  noiseless midcourse, q = 0.1, %d updates: position %.3e m, "
                    "velocity %.3e m/s\n", n, er, ev);
    ENSURE(er < 1.0);
    ENSURE(ev < 0.01);
    bmd_traj_free(&sc.tr);

    /* Re-entry through the atmosphere (beta 2000 in truth and filter) from a radar 300 km short
     * of the impact point, to the last second before impact. */
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_flight_opts fo = truth_opts(true);
    ENSURE(bmd_fly_free(20.0 * DEG, -40.0 * DEG, 300e3, 6500.0, -12.0 * DEG, 80.0 * DEG, 2000.0,
                        &fo, &tr) == BMD_OK);
    site s;
    ENSURE(bmd_geodesic_direct(&fo.earth, tr.sum.impact_lat_rad, tr.sum.impact_lon_rad,
                               tr.sum.impact_azimuth_rad + PI, 300e3, &s.lat, &s.lon) == BMD_OK);
    s.h = 0.0;
    ref_earth e = ref_wgs84();
    bmd_track_opts od = filter_opts(true, 2000.0, 1e-3);
    double t1 = floor(tr.t_end_s - 1.0);
    run_noiseless(&tr, &e, &s, 0.0, t1, &od, &er, &ev, &n);
    fprintf(stderr, "  noiseless re-entry (drag, beta 2000), q = 1e-3, %d updates to %.0f s: "
                    "position %.3e m, velocity %.3e m/s\n", n, t1, er, ev);
    ENSURE(er < 1.0);
    ENSURE(ev < 0.01);
    bmd_traj_free(&tr);
}

/* ------------------------------------------------------------------------------------------ */
/* Consistency: NEES and NIS over Monte Carlo runs.                                            */

#define MC_RUNS 200
#define MC_STEPS 300

static void test_consistency(void)
{
    scen sc;
    if (!scen_a(&sc, true))
        return;
    static double xt[MC_STEPS + 1][6];
    static double zt[MC_STEPS + 1][3];
    static double nees[MC_STEPS + 1];
    static double nis[MC_STEPS + 1];
    for (int k = 0; k <= MC_STEPS; k++) {
        truth_at(&sc.tr, T0_A + k, xt[k]);
        ref_meas(&sc.e, &sc.s, T0_A + k, bmd_v3(xt[k][0], xt[k][1], xt[k][2]), zt[k]);
        ENSURE(zt[k][2] > 5.0 * DEG);
        nees[k] = nis[k] = 0.0;
    }
    const double sr = 10.0, sa = 0.3e-3;
    bmd_track_opts o = filter_opts(true, BETA_A, 0.0);
    int gated = 0;
    long n_nis = 0;
    double nis_all = 0.0;
    for (int run = 0; run < MC_RUNS; run++) {
        bmd_rng r = {12345u, bmd_rng_stream(BMD_RNG_MEASURE, (uint32_t)run, 0)};
        bmd_meas m0;
        bmd_track tk;
        for (int k = 0; k <= MC_STEPS; k++) {
            double w[3], z[3];
            noise3(r, (uint64_t)k, w);
            z[0] = zt[k][0] + sr * w[0];
            z[1] = fmod(zt[k][1] + sa * w[1] + 2.0 * PI, 2.0 * PI);
            z[2] = zt[k][2] + sa * w[2];
            bmd_meas mk = make_meas(&sc.s, T0_A + k, z, sr, sa);
            if (k == 0) {
                m0 = mk;
                continue;
            }
            if (k == 1) {
                ENSURE(bmd_track_init_two_point(&tk, &m0, &mk, &o) == BMD_OK);
            } else {
                double d2;
                bmd_status st = bmd_track_update(&tk, &mk, &o, &d2);
                ENSURE(st == BMD_OK || st == BMD_ERR_RANGE);
                gated += st == BMD_ERR_RANGE;
                nis[k] += d2;
                nis_all += d2;
                n_nis++;
            }
            double ex[6];
            for (int i = 0; i < 6; i++)
                ex[i] = tk.x[i] - xt[k][i];
            nees[k] += mahal6(tk.P, ex);
        }
    }
    double lo6 = chi2_wh(6.0 * MC_RUNS, -Z975) / MC_RUNS;
    double hi6 = chi2_wh(6.0 * MC_RUNS, Z975) / MC_RUNS;
    double lo3 = chi2_wh(3.0 * MC_RUNS, -Z975) / MC_RUNS;
    double hi3 = chi2_wh(3.0 * MC_RUNS, Z975) / MC_RUNS;
    int in6 = 0, in3 = 0;
    double nees_min = HUGE_VAL, nees_max = 0.0;
    for (int k = 1; k <= MC_STEPS; k++) {
        double a = nees[k] / MC_RUNS;
        in6 += a >= lo6 && a <= hi6;
        nees_min = fmin(nees_min, a);
        nees_max = fmax(nees_max, a);
        if (k >= 2) {
            double b = nis[k] / MC_RUNS;
            in3 += b >= lo3 && b <= hi3;
        }
    }
    double nees_end = nees[MC_STEPS] / MC_RUNS;
    double nis_end = nis[MC_STEPS] / MC_RUNS;
    double nis_mean = nis_all / (double)n_nis;
    double loa = chi2_wh(3.0 * (double)n_nis, -Z975) / (double)n_nis;
    double hia = chi2_wh(3.0 * (double)n_nis, Z975) / (double)n_nis;
    fprintf(stderr,
            "  NEES (6 dof, %d runs): at %d s %.3f in [%.3f, %.3f]; %d of %d steps inside "
            "(range %.3f to %.3f)\n",
            MC_RUNS, MC_STEPS, nees_end, lo6, hi6, in6, MC_STEPS, nees_min, nees_max);
    fprintf(stderr,
            "  NIS (3 dof): at %d s %.3f in [%.3f, %.3f]; %d of %d steps inside; all %ld "
            "innovations %.4f in [%.4f, %.4f]; gated %d\n",
            MC_STEPS, nis_end, lo3, hi3, in3, MC_STEPS - 1, n_nis, nis_mean, loa, hia, gated);
    ENSURE(nees_end >= lo6 && nees_end <= hi6);
    ENSURE(nis_end >= lo3 && nis_end <= hi3);
    ENSURE(nis_mean >= loa && nis_mean <= hia);
    ENSURE(in6 >= (int)(0.85 * MC_STEPS));
    ENSURE(in3 >= (int)(0.85 * (MC_STEPS - 1)));
    bmd_traj_free(&sc.tr);
}

/* ------------------------------------------------------------------------------------------ */
/* Impact prediction.                                                                          */

/* North/east (m) of an impact point from a reference point, by the test's ENU at the
 * reference (ECEF difference projected; fine for offsets of tens of km). */
static void ref_ne(const ref_earth *e, double lat0, double lon0, double lat, double lon,
                   double ne[2])
{
    bmd_vec3 d = bmd_v3_sub(ref_ecef(e, lat, lon, 0.0), ref_ecef(e, lat0, lon0, 0.0));
    bmd_vec3 E, N, U;
    ref_enu(lat0, lon0, &E, &N, &U);
    ne[0] = bmd_v3_dot(d, N);
    ne[1] = bmd_v3_dot(d, E);
}

static void test_impact(void)
{
    scen sc;
    if (!scen_a(&sc, true))
        return;
    bmd_track_opts o = filter_opts(true, BETA_A, 0.0);
    bmd_flight_opts fo = bmd_flight_default_opts();

    /* (1) A nearly exact state: the truth at T0 with a 1 mm, 1 um/s covariance. */
    double x0[6];
    truth_at(&sc.tr, T0_A, x0);
    double P[36] = {0};
    for (int i = 0; i < 6; i++)
        P[7 * i] = i < 3 ? 1e-6 : 1e-12;
    bmd_track tk;
    bmd_track_init(&tk, T0_A, x0, P);
    bmd_impact_pred ip;
    ENSURE(bmd_track_impact(&tk, &o, &ip) == BMD_OK);
    ENSURE(ip.valid);
    double s_err;
    bmd_geodesic_inverse(&fo.earth, sc.tr.sum.impact_lat_rad, sc.tr.sum.impact_lon_rad,
                         ip.lat_rad, ip.lon_rad, &s_err, NULL, NULL);
    double t_err = ip.t_impact_s - sc.tr.t_end_s;
    fprintf(stderr, "  exact state at %.0f s (range %.0f km, flight %.1f s): impact point %.3f m, "
                    "time %.2e s; ellipse %.3f x %.3f m\n",
            T0_A, sc.tr.sum.range_m / 1e3, sc.tr.t_end_s, s_err, t_err, ip.semi_major_m,
            ip.semi_minor_m);
    ENSURE(s_err < 1.0);
    ENSURE(fabs(t_err) < 0.01);
    ENSURE(ip.semi_major_m < 1.0);

    /* (2) The ellipse shrinks as the noisy track takes more measurements (the MC's run 0). */
    const double sr = 10.0, sa = 0.3e-3;
    bmd_rng r = {777u, bmd_rng_stream(BMD_RNG_MEASURE, 9999, 0)};
    bmd_meas m0;
    double prev_major = HUGE_VAL, prev_minor = HUGE_VAL;
    int checkpoints[] = {10, 30, 100, 300};
    int ci = 0;
    bool shrink = true;
    double major[4] = {0}, minor[4] = {0}, miss[4] = {0};
    for (int k = 0; k <= 300; k++) {
        double xt[6], zt[3], w[3], z[3];
        truth_at(&sc.tr, T0_A + k, xt);
        ref_meas(&sc.e, &sc.s, T0_A + k, bmd_v3(xt[0], xt[1], xt[2]), zt);
        noise3(r, (uint64_t)k, w);
        z[0] = zt[0] + sr * w[0];
        z[1] = fmod(zt[1] + sa * w[1] + 2.0 * PI, 2.0 * PI);
        z[2] = zt[2] + sa * w[2];
        bmd_meas m = make_meas(&sc.s, T0_A + k, z, sr, sa);
        if (k == 0) {
            m0 = m;
            continue;
        }
        if (k == 1)
            ENSURE(bmd_track_init_two_point(&tk, &m0, &m, &o) == BMD_OK);
        else
            bmd_track_update(&tk, &m, &o, NULL);
        if (ci < 4 && k == checkpoints[ci]) {
            ENSURE(bmd_track_impact(&tk, &o, &ip) == BMD_OK && ip.valid);
            bmd_geodesic_inverse(&fo.earth, sc.tr.sum.impact_lat_rad, sc.tr.sum.impact_lon_rad,
                                 ip.lat_rad, ip.lon_rad, &miss[ci], NULL, NULL);
            major[ci] = ip.semi_major_m;
            minor[ci] = ip.semi_minor_m;
            shrink = shrink && ip.semi_major_m < prev_major && ip.semi_minor_m < prev_minor;
            prev_major = ip.semi_major_m;
            prev_minor = ip.semi_minor_m;
            ci++;
        }
    }
    fprintf(stderr, "  ellipse after 10/30/100/300 s: major %.0f/%.0f/%.0f/%.0f m, minor "
                    "%.0f/%.0f/%.0f/%.0f m; miss of the mean %.0f/%.0f/%.0f/%.0f m\n",
            major[0], major[1], major[2], major[3], minor[0], minor[1], minor[2], minor[3],
            miss[0], miss[1], miss[2], miss[3]);
    ENSURE(shrink);
    /* The truth lies inside the 3-sigma ellipse's major axis at every checkpoint. */
    for (int i = 0; i < 4; i++)
        ENSURE(miss[i] < 4.0 * major[i]);

    /* (3) Along-track velocity uncertainty only: sigma 1 m/s along v (ECI), 1 mm in position. */
    double sv = 1.0;
    double u[3];
    for (int i = 0; i < 3; i++)
        u[i] = x0[3 + i] / norm3(x0 + 3);
    memset(P, 0, sizeof P);
    for (int i = 0; i < 6; i++)
        P[7 * i] = i < 3 ? 1e-6 : 1e-12;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            P[6 * (3 + i) + 3 + j] += sv * sv * u[i] * u[j];
    bmd_track_init(&tk, T0_A, x0, P);
    ENSURE(bmd_track_impact(&tk, &o, &ip) == BMD_OK && ip.valid);
    /* Ground-track azimuth at the impact: the Earth-relative velocity in the test's ENU. */
    bmd_vec3 r_imp, v_imp;
    bmd_traj_state(&sc.tr, sc.tr.t_end_s, &r_imp, &v_imp);
    bmd_vec3 w_imp = bmd_v3(v_imp.x + OMEGA * r_imp.y, v_imp.y - OMEGA * r_imp.x, v_imp.z);
    bmd_vec3 w_ecef = ref_to_ecef(&sc.e, sc.tr.t_end_s, w_imp);
    bmd_vec3 E, N, U;
    ref_enu(sc.tr.sum.impact_lat_rad, sc.tr.sum.impact_lon_rad, &E, &N, &U);
    double track_az = atan2(bmd_v3_dot(w_ecef, E), bmd_v3_dot(w_ecef, N));
    double d_or = remainder(ip.orientation_rad - track_az, PI);
    /* Monte Carlo: 1000 flights with the velocity perturbed along u. */
    bmd_flight_opts mfo = bmd_flight_default_opts();
    mfo.keep_path = false;
    mfo.atol_m = 1e-3;
    mfo.atol_m_s = 1e-6;
    bmd_trajectory t2;
    bmd_traj_init(&t2);
    enum { NMC = 1000 };
    double mn = 0.0, me = 0.0, cnn = 0.0, cee = 0.0, cne = 0.0;
    static double pts[NMC][2];
    bmd_rng rm = {4242u, bmd_rng_stream(BMD_RNG_CASE, 1, 0)};
    for (int k = 0; k < NMC; k++) {
        double g[2];
        bmd_rng_normal2(rm, (uint64_t)k, g);
        double xs[6];
        memcpy(xs, x0, sizeof xs);
        for (int i = 0; i < 3; i++)
            xs[3 + i] += sv * g[0] * u[i];
        ENSURE(bmd_fly_state(T0_A, xs, BETA_A, &mfo, &t2) == BMD_OK);
        ref_ne(&sc.e, ip.lat_rad, ip.lon_rad, t2.sum.impact_lat_rad, t2.sum.impact_lon_rad,
               pts[k]);
        mn += pts[k][0] / NMC;
        me += pts[k][1] / NMC;
    }
    bmd_traj_free(&t2);
    for (int k = 0; k < NMC; k++) {
        double dn = pts[k][0] - mn, de = pts[k][1] - me;
        cnn += dn * dn / (NMC - 1);
        cee += de * de / (NMC - 1);
        cne += dn * de / (NMC - 1);
    }
    double tr2 = 0.5 * (cnn + cee);
    double rad = sqrt(0.25 * (cnn - cee) * (cnn - cee) + cne * cne);
    double mc_major = sqrt(tr2 + rad);
    double mc_minor = sqrt(fmax(tr2 - rad, 0.0));
    double mc_or = 0.5 * atan2(2.0 * cne, cnn - cee);
    double d_mc_or = remainder(ip.orientation_rad - mc_or, PI);
    double rel = ip.semi_major_m / mc_major - 1.0;
    fprintf(stderr,
            "  along-track sigma_v 1 m/s: UT ellipse %.1f x %.2f m at %.3f deg; ground track "
            "%.3f deg (diff %.3f deg); MC (%d) %.1f x %.2f m at %.3f deg: major %+.2f %%, "
            "orientation diff %.3f deg\n",
            ip.semi_major_m, ip.semi_minor_m, ip.orientation_rad / DEG, track_az / DEG,
            d_or / DEG, NMC, mc_major, mc_minor, mc_or / DEG, 100.0 * rel, d_mc_or / DEG);
    ENSURE(fabs(d_or) < 3.0 * DEG);
    ENSURE(fabs(d_mc_or) < 0.5 * DEG);
    ENSURE(fabs(rel) < 0.15);
    ENSURE(ip.semi_minor_m < 0.01 * ip.semi_major_m);
    ENSURE(ip.orientation_rad >= 0.0 && ip.orientation_rad < PI);

    /* (4) An orbit does not come down: valid = false. */
    double xo[6] = {WGS_A + 500e3, 0.0, 0.0, 0.0, 0.0, 0.0};
    xo[4] = sqrt(MU / xo[0]);
    bmd_track_init(&tk, 0.0, xo, P);
    ENSURE(bmd_track_impact(&tk, &o, &ip) == BMD_OK);
    ENSURE(!ip.valid);
    bmd_traj_free(&sc.tr);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_cep(void)
{
    double c1 = bmd_track_cep(100.0, 100.0);
    double c0 = bmd_track_cep(0.0, 100.0);
    double want1 = 100.0 * sqrt(2.0 * log(2.0));
    /* Median of |N(0,1)|: Phi^-1(3/4) = 0.674489750196082. */
    double want0 = 100.0 * 0.674489750196082;
    /* Ratio 1/2 and 1/5 against a Monte Carlo median of 400,000 draws. */
    enum { NC = 400000 };
    static double rr[NC];
    double worst_mc = 0.0, worst_approx = 0.0;
    double ratios[] = {0.5, 0.2};
    for (int c = 0; c < 2; c++) {
        bmd_rng g = {99u, bmd_rng_stream(BMD_RNG_CASE, 7, (uint32_t)c)};
        for (int k = 0; k < NC; k++) {
            double z[2];
            bmd_rng_normal2(g, (uint64_t)k, z);
            double x = 100.0 * z[0], y = 100.0 * ratios[c] * z[1];
            rr[k] = sqrt(x * x + y * y);
        }
        qsort(rr, NC, sizeof rr[0], cmp_double);
        double med = 0.5 * (rr[NC / 2 - 1] + rr[NC / 2]);
        double cep = bmd_track_cep(100.0 * ratios[c], 100.0);
        worst_mc = maxd(worst_mc, fabs(cep / med - 1.0));
        worst_approx = maxd(worst_approx,
                            fabs(0.5887 * (100.0 + 100.0 * ratios[c]) / cep - 1.0));
    }
    fprintf(stderr, "  CEP: circle %.3e rel, line %.3e rel; ratios 1/2 and 1/5 vs MC median "
                    "%.2e rel; 0.5887 (sx + sy) off by up to %.2f %% there\n",
            c1 / want1 - 1.0, c0 / want0 - 1.0, worst_mc, 100.0 * worst_approx);
    CHECK_REL(c1, want1, 1e-9);
    CHECK_REL(c0, want0, 1e-9);
    ENSURE(worst_mc < 5e-3);
}

/* ------------------------------------------------------------------------------------------ */
/* Bad input.                                                                                  */

static void test_bad_input(void)
{
    scen sc;
    if (!scen_a(&sc, true))
        return;
    bmd_track_opts o = filter_opts(true, BETA_A, 0.1);
    double xt[6], z[3];
    truth_at(&sc.tr, T0_A, xt);
    ref_meas(&sc.e, &sc.s, T0_A, bmd_v3(xt[0], xt[1], xt[2]), z);
    bmd_meas m1 = make_meas(&sc.s, T0_A, z, 10.0, 0.3e-3);
    truth_at(&sc.tr, T0_A + 1.0, xt);
    ref_meas(&sc.e, &sc.s, T0_A + 1.0, bmd_v3(xt[0], xt[1], xt[2]), z);
    bmd_meas m2 = make_meas(&sc.s, T0_A + 1.0, z, 10.0, 0.3e-3);
    bmd_track tk;
    ENSURE(bmd_track_init_two_point(&tk, &m1, &m1, &o) == BMD_ERR_ARG);
    bmd_meas bad = m2;
    bad.range_m = (double)NAN;
    ENSURE(bmd_track_init_two_point(&tk, &m1, &bad, &o) == BMD_ERR_ARG);
    ENSURE(bmd_track_init_two_point(&tk, &m1, &m2, &o) == BMD_OK);
    bmd_track before = tk;
    double nis = 0.0;
    double *fields[] = {&bad.t_s, &bad.range_m, &bad.az_rad, &bad.el_rad, &bad.site_lat_rad,
                        &bad.site_lon_rad, &bad.site_h_m, &bad.sigma_range_m,
                        &bad.sigma_angle_rad};
    truth_at(&sc.tr, T0_A + 2.0, xt);
    ref_meas(&sc.e, &sc.s, T0_A + 2.0, bmd_v3(xt[0], xt[1], xt[2]), z);
    bmd_meas m3 = make_meas(&sc.s, T0_A + 2.0, z, 10.0, 0.3e-3);
    int n_arg = 0;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (int v = 0; v < 2; v++) {
            bad = m3;
            *fields[f] = v ? HUGE_VAL : (double)NAN;
            bmd_status st = bmd_track_update(&tk, &bad, &o, &nis);
            ENSURE(st == BMD_ERR_ARG);
            n_arg += st == BMD_ERR_ARG;
            ENSURE(memcmp(&tk, &before, sizeof tk) == 0);
        }
    }
    bad = m3;
    bad.sigma_range_m = 0.0;
    ENSURE(bmd_track_update(&tk, &bad, &o, &nis) == BMD_ERR_ARG);
    bad = m3;
    bad.sigma_angle_rad = -1e-3;
    ENSURE(bmd_track_update(&tk, &bad, &o, &nis) == BMD_ERR_ARG);
    ENSURE(bmd_track_predict(&tk, (double)NAN, &o) == BMD_ERR_ARG);
    bmd_track_opts ob = o;
    ob.max_step_s = 0.0;
    ENSURE(bmd_track_predict(&tk, T0_A + 5.0, &ob) == BMD_ERR_ARG);
    ENSURE(memcmp(&tk, &before, sizeof tk) == 0);

    /* A wild measurement: 5 km off in range. Gated, propagated, not updated. */
    bad = m3;
    bad.range_m += 5000.0;
    bmd_status st = bmd_track_update(&tk, &bad, &o, &nis);
    fprintf(stderr, "  %d non-finite fields rejected (ARG); wild range +5 km: NIS %.3g, "
                    "status %s\n", n_arg, nis, bmd_status_str(st));
    ENSURE(st == BMD_ERR_RANGE);
    ENSURE(nis > 21.1);
    ENSURE(tk.t_s == m3.t_s);
    ENSURE(tk.n_updates == before.n_updates);
    bmd_track pred = before;
    ENSURE(bmd_track_predict(&pred, m3.t_s, &o) == BMD_OK);
    ENSURE(memcmp(pred.x, tk.x, sizeof pred.x) == 0);
    ENSURE(memcmp(pred.P, tk.P, sizeof pred.P) == 0);
    /* The next good measurement is accepted. */
    ENSURE(bmd_track_update(&tk, &m3, &o, &nis) == BMD_OK);
    ENSURE(nis < 21.1);
    ENSURE(tk.n_updates == before.n_updates + 1);
    bmd_traj_free(&sc.tr);
}

/* Azimuth wrap: a target due north of the radar, measurements straddling az = 0. */
static void test_azimuth_wrap(void)
{
    ref_earth e = ref_wgs84();
    bmd_earth be = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    site s = {30.0 * DEG, 10.0 * DEG, 0.0};
    /* A target 1,000 km north at 300 km, moving east at 3 km/s (ECEF), at t = 0. */
    double lat_t = 30.0 * DEG + 1000e3 / 6.37e6;
    bmd_vec3 r = ref_ecef(&e, lat_t, 10.0 * DEG, 300e3);
    bmd_vec3 E, N, U;
    ref_enu(lat_t, 10.0 * DEG, &E, &N, &U);
    /* Start the target 30 km west of north so that the azimuth goes about 358 deg -> 2 deg. */
    bmd_vec3 rw = bmd_v3_axpy(r, -30e3, E);
    bmd_vec3 v = bmd_ecef_to_eci_velocity(&be, 0.0, rw, bmd_v3_scale(E, 3000.0));
    double x[6] = {rw.x, rw.y, rw.z, v.x, v.y, v.z};
    double P[36] = {0};
    for (int i = 0; i < 6; i++)
        P[7 * i] = i < 3 ? 100.0 * 100.0 : 10.0 * 10.0;
    bmd_track_opts o = filter_opts(false, 0.0, 0.1);
    bmd_track tk;
    bmd_track_init(&tk, 0.0, x, P);
    /* The truth is the track's own prediction (no noise), so every innovation but the azimuth
     * wrap is zero. */
    bmd_track truth = tk;
    int n_ok = 0;
    double worst = 0.0;
    bool crossed_lo = false, crossed_hi = false;
    for (int k = 1; k <= 20; k++) {
        double t = 1.0 * k;
        ENSURE(bmd_track_predict(&truth, t, &o) == BMD_OK);
        double z[3];
        ref_meas(&e, &s, t, bmd_v3(truth.x[0], truth.x[1], truth.x[2]), z);
        crossed_hi = crossed_hi || z[1] > PI;
        crossed_lo = crossed_lo || z[1] < PI;
        bmd_meas m = make_meas(&s, t, z, 10.0, 1e-3);
        double nis;
        bmd_status st = bmd_track_update(&tk, &m, &o, &nis);
        n_ok += st == BMD_OK;
        worst = maxd(worst, nis);
    }
    fprintf(stderr, "  azimuth through north: %d of 20 updates accepted, worst NIS %.3g\n", n_ok,
            worst);
    ENSURE(crossed_hi && crossed_lo);
    ENSURE(n_ok == 20);
    ENSURE(worst < 1.0);
}

int main(void)
{
    RUN(test_measurement_model);
    RUN(test_dynamics_jacobian);
    RUN(test_prediction);
    RUN(test_convergence);
    RUN(test_consistency);
    RUN(test_impact);
    RUN(test_cep);
    RUN(test_bad_input);
    RUN(test_azimuth_wrap);
    return test_summary();
}
