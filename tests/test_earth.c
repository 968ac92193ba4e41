/* SPDX-License-Identifier: MIT */
/* test_earth.c: validation of the Earth model (earth.h) against references independent of
 * bmdsim: liberfa (eraGc2gde, eraGd2gce, eraRz), the published test values of IAU SOFA / ERFA
 * (t_erfa_c.c) and of GeographicLib (Karney's GeodTest cases, geographiclib-c tests/geodtest.c),
 * NIMA TR8350.2 constants and equations worked by hand, the spherical law of haversines, the
 * project's validation tables V3 and V6 (shared/reference/literature.md), and a numerical
 * gradient of the J2 potential. Each test prints the worst error it measured to stderr. */
#include <erfa.h>
#include <math.h>
#include <stdio.h>

#include "bmd/constants.h"
#include "bmd/earth.h"
#include "test.h"

#define DEG BMD_DEG

/* Independent copies of the published WGS-84 defining constants (NIMA TR8350.2, 3rd ed.,
 * table 3.1), typed in here rather than taken from bmd/constants.h. */
static const double WGS84_A = 6378137.0;
static const double WGS84_F = 1.0 / 298.257223563;
static const double WGS84_GM = 3.986004418e14;
static const double WGS84_OMEGA = 7.292115e-5;

/* Angle difference wrapped to (-pi, pi]. */
static double wrap_pi(double x)
{
    double y = remainder(x, 2.0 * BMD_PI);
    return y;
}

static double upd(double worst, double err) { return err > worst ? err : worst; }

/* Deterministic pseudo-random numbers in [0, 1) (64-bit LCG, Knuth MMIX constants). */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Model switches and published constants.                                                     */

static void test_constants_and_switches(void)
{
    bmd_earth w = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    ENSURE(w.shape == BMD_EARTH_WGS84);
    CHECK_NEAR(w.a_m, WGS84_A, 0.0);
    CHECK_REL(w.f, WGS84_F, 1e-15);
    /* Derived constants, TR8350.2 table 3.3: b = 6356752.3142 m (published to 0.1 mm),
     * e^2 = 6.69437999014e-3, e'^2 = 6.73949674228e-3 (12 significant digits). */
    CHECK_NEAR(w.b_m, 6356752.3142, 0.5e-4);
    CHECK_NEAR(w.e2, 6.69437999014e-3, 0.5e-14);
    CHECK_NEAR(w.ep2, 6.73949674228e-3, 0.5e-14);
    CHECK_NEAR(w.mu_m3_s2, WGS84_GM, 0.0);
    CHECK_NEAR(w.omega_rad_s, WGS84_OMEGA, 0.0);
    /* J2 = -sqrt(5) C20bar with the EGM96 C20bar = -0.484165371736e-3 (Lemoine et al. 1998,
     * EGM96.cof degree 2 order 0); literature.md section 6 quotes 1.08263e-3 (GeographicLib).
     * (constants.h's comment names C20 = -484.16685e-6, the WGS-84 normal field's value, which
     * would give 1.0826300e-3; the value used is the EGM96 one.) */
    CHECK_REL(w.j2, sqrt(5.0) * 0.484165371736e-3, 5e-9); /* 9 digits given */
    CHECK_REL(w.j2, 1.08263e-3, 5e-6);
    CHECK_NEAR(w.j2_radius_m, WGS84_A, 0.0);

    bmd_earth norot = bmd_earth_make(BMD_EARTH_WGS84, false, true);
    CHECK_NEAR(norot.omega_rad_s, 0.0, 0.0);
    CHECK_NEAR(norot.j2, w.j2, 0.0);
    bmd_earth noj2 = bmd_earth_make(BMD_EARTH_WGS84, true, false);
    CHECK_NEAR(noj2.j2, 0.0, 0.0);
    CHECK_NEAR(noj2.omega_rad_s, WGS84_OMEGA, 0.0);

    /* The plain sphere: IUGG mean radius R1 = (2a + b)/3 = 6371008.7714 m, rounded in bmd to
     * 6371008.8 m (Moritz 2000, GRS80 R1 = 6371008.7714 m). */
    bmd_earth s = bmd_earth_make(BMD_EARTH_SPHERE, true, true);
    ENSURE(s.shape == BMD_EARTH_SPHERE);
    CHECK_NEAR(s.a_m, 6371008.8, 0.0);
    CHECK_NEAR(s.f, 0.0, 0.0);
    CHECK_NEAR(s.b_m, s.a_m, 0.0);
    CHECK_NEAR(s.e2, 0.0, 0.0);
    CHECK_NEAR(s.ep2, 0.0, 0.0);
    CHECK_NEAR((2.0 * WGS84_A + 6356752.3142) / 3.0, s.a_m, 0.05);
}

/* ------------------------------------------------------------------------------------------ */
/* Geodetic <-> ECEF.                                                                          */

/* Reference ECEF -> geodetic, independent of bmd and of ERFA: the fixed-point iteration
 * phi <- atan2(z + e^2 N(phi) sin(phi), p) carried to convergence in long double (it contracts
 * by about e^2 per step), then h = p cos(phi) + z sin(phi) - a sqrt(1 - e^2 sin^2(phi))
 * (e.g. Hofmann-Wellenhof et al., GNSS, 2008, eq. 5.13-5.14). */
static void ref_geodetic(double x, double y, double z, double *lat, double *h)
{
    long double a = WGS84_A, f = WGS84_F;
    long double e2 = f * (2.0L - f);
    long double p = hypotl(x, y), zl = z;
    long double phi = atan2l(zl, p * (1.0L - e2));
    for (int it = 0; it < 200; it++) {
        long double s = sinl(phi);
        long double n = a / sqrtl(1.0L - e2 * s * s);
        long double next = atan2l(zl + e2 * n * s, p);
        if (next == phi)
            break;
        phi = next;
    }
    long double s = sinl(phi);
    *lat = (double)phi;
    *h = (double)(p * cosl(phi) + zl * s - a * sqrtl(1.0L - e2 * s * s));
}

/* Worst errors of one ECEF -> geodetic comparison. */
typedef struct geo_err {
    double lat, lon, h;
} geo_err;

static void geo_upd(geo_err *w, double dlat, double dlon, double dh)
{
    w->lat = upd(w->lat, fabs(dlat));
    w->lon = upd(w->lon, fabs(wrap_pi(dlon)));
    w->h = upd(w->h, fabs(dh));
}

/* Round trips and comparisons against liberfa and the long-double reference over a dense grid:
 * latitudes every 0.5 deg including exactly +-90, longitudes every 7.5 deg including +-180 and
 * points next to the antimeridian, heights from -10 km to 40,000 km. */
static void test_geodetic_grid(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    static const double heights[] = {-10e3, -1e3, -1.0, 0.0, 1e-3, 1.0, 100.0, 1e3, 8848.0,
                                     1e4, 5e4, 1e5, 4e5, 1e6, 5e6, 2.02e7, 35786e3, 4e7};
    static const double extra_lat[] = {89.999999999, -89.999999999, 89.9999, -89.9999, 1e-9,
                                       -1e-9};
    static const double extra_lon[] = {179.999999999, -179.999999999, 1e-9, -1e-9};
    double w_rt_pos = 0.0, w_rt_lat = 0.0, w_rt_lon = 0.0, w_rt_h = 0.0, w_fwd = 0.0;
    geo_err w_ref = {0, 0, 0}, w_erfa_low = {0, 0, 0}, w_erfa_high = {0, 0, 0};
    geo_err w_erfa_ref = {0, 0, 0};
    long n = 0, n_nan = 0, n_range = 0;
    double w_nan_lat = 90.0;
    int nlat = 361 + (int)(sizeof extra_lat / sizeof extra_lat[0]);
    int nlon = 49 + (int)(sizeof extra_lon / sizeof extra_lon[0]);
    for (int i = 0; i < nlat; i++) {
        double latd = i < 361 ? -90.0 + 0.5 * i : extra_lat[i - 361];
        for (int j = 0; j < nlon; j++) {
            double lond = j < 49 ? -180.0 + 7.5 * j : extra_lon[j - 49];
            for (size_t k = 0; k < sizeof heights / sizeof heights[0]; k++) {
                double lat = latd * DEG, lon = lond * DEG, h = heights[k];
                bmd_vec3 r = bmd_geodetic_to_ecef(&e, lat, lon, h);
                n++;

                /* geodetic -> ECEF against eraGd2gce. */
                double xyz[3];
                ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon, lat, h, xyz) == 0);
                w_fwd = upd(w_fwd, hypot(hypot(r.x - xyz[0], r.y - xyz[1]), r.z - xyz[2]));

                double lat2 = NAN, lon2 = NAN, h2 = NAN;
                bmd_ecef_to_geodetic(&e, r, &lat2, &lon2, &h2);
                double hh = bmd_ecef_height(&e, r);
                ENSURE(hh == h2 || (isnan(hh) && isnan(h2)));
                if (!isfinite(lat2) || !isfinite(lon2) || !isfinite(h2)) {
                    /* would be the near-axis NaN regression, see test_geodetic_near_axis. */
                    n_nan++;
                    w_nan_lat = fmin(w_nan_lat, fabs(latd));
                    continue;
                }
                if (!(lon2 >= -BMD_PI && lon2 <= BMD_PI))
                    n_range++;

                /* Round trip. */
                bmd_vec3 r2 = bmd_geodetic_to_ecef(&e, lat2, lon2, h2);
                w_rt_pos = upd(w_rt_pos, bmd_v3_norm(bmd_v3_sub(r2, r)));
                w_rt_lat = upd(w_rt_lat, fabs(lat2 - lat));
                w_rt_lon = upd(w_rt_lon, fabs(wrap_pi(lon2 - lon)));
                w_rt_h = upd(w_rt_h, fabs(h2 - h));

                /* ECEF -> geodetic against the long-double reference and eraGc2gde, on the
                 * same Cartesian point. */
                double rlat, rh;
                ref_geodetic(r.x, r.y, r.z, &rlat, &rh);
                geo_upd(&w_ref, lat2 - rlat, lon2 - atan2(r.y, r.x), h2 - rh);
                double p[3] = {r.x, r.y, r.z};
                double elong, phi, height;
                ENSURE(eraGc2gde(WGS84_A, WGS84_F, p, &elong, &phi, &height) == 0);
                geo_upd(h <= 1e6 ? &w_erfa_low : &w_erfa_high, lat2 - phi, lon2 - elong,
                        h2 - height);
                geo_upd(&w_erfa_ref, phi - rlat, 0.0, height - rh);
            }
        }
    }
    fprintf(stderr,
            "  geodetic grid (%ld points, h -10 km .. 40000 km): round trip |dr| %.3g m, "
            "dlat %.3g rad, dlon %.3g rad, dh %.3g m\n",
            n, w_rt_pos, w_rt_lat, w_rt_lon, w_rt_h);
    fprintf(stderr, "  geodetic->ECEF vs eraGd2gce: |dr| %.3g m\n", w_fwd);
    fprintf(stderr, "  ECEF->geodetic vs long-double reference: dlat %.3g rad, dlon %.3g rad, "
                    "dh %.3g m\n",
            w_ref.lat, w_ref.lon, w_ref.h);
    fprintf(stderr,
            "  ECEF->geodetic vs eraGc2gde: h <= 1000 km: dlat %.3g rad, dlon %.3g rad, "
            "dh %.3g m; h > 1000 km: dlat %.3g rad, dh %.3g m\n",
            w_erfa_low.lat, w_erfa_low.lon, w_erfa_low.h, w_erfa_high.lat, w_erfa_high.h);
    fprintf(stderr, "  (eraGc2gde itself vs the reference: dlat %.3g rad, dh %.3g m)\n",
            w_erfa_ref.lat, w_erfa_ref.h);
    if (n_nan)
        fprintf(stderr, "  REGRESSION: %ld of %ld grid points give NaN (all at |lat| >= %.9f deg, "
                        "within 0.1 mm of the polar axis)\n",
                n_nan, n, w_nan_lat);
    CHECK_NEAR((double)n_nan, 0.0, 0.0);
    CHECK_NEAR((double)n_range, 0.0, 0.0);
    CHECK_NEAR(w_rt_pos, 0.0, 1e-3);
    CHECK_NEAR(w_rt_lat, 0.0, 1e-9);
    CHECK_NEAR(w_rt_lon, 0.0, 1e-9);
    CHECK_NEAR(w_rt_h, 0.0, 1e-3);
    CHECK_NEAR(w_fwd, 0.0, 1e-6);
    CHECK_NEAR(w_ref.lat, 0.0, 1e-12);
    CHECK_NEAR(w_ref.lon, 0.0, 1e-12);
    CHECK_NEAR(w_ref.h, 0.0, 1e-4);
    CHECK_NEAR(w_erfa_low.lat, 0.0, 1e-12);
    CHECK_NEAR(w_erfa_low.lon, 0.0, 1e-12);
    CHECK_NEAR(w_erfa_low.h, 0.0, 1e-4);
    /* Above 1000 km ERFA's own latitude error grows to a few 1e-11 rad (printed above against
     * the reference), so the bmd-ERFA difference is bounded by ERFA's error, not 1e-12. */
    CHECK_NEAR(w_erfa_high.lat, 0.0, 1e-10);
    CHECK_NEAR(w_erfa_high.lon, 0.0, 1e-12);
    CHECK_NEAR(w_erfa_high.h, 0.0, 1e-4);
}

/* Random Cartesian points (not produced by bmd's forward transform) against the reference and
 * eraGc2gde. */
static void test_ecef_random_vs_erfa(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    geo_err w_ref = {0, 0, 0}, w_erfa = {0, 0, 0};
    long n_nan = 0;
    for (int i = 0; i < 100000; i++) {
        /* Radii from 6340 km to 42000 km, uniform directions. */
        double rad = 6.34e6 + (4.2e7 - 6.34e6) * urand() * urand();
        double zc = 2.0 * urand() - 1.0;
        double az = 2.0 * BMD_PI * urand();
        double s = sqrt(1.0 - zc * zc);
        double p[3] = {rad * s * cos(az), rad * s * sin(az), rad * zc};
        double elong, phi, height;
        ENSURE(eraGc2gde(WGS84_A, WGS84_F, p, &elong, &phi, &height) == 0);
        double lat, lon, h, rlat, rh;
        bmd_ecef_to_geodetic(&e, bmd_v3(p[0], p[1], p[2]), &lat, &lon, &h);
        if (!isfinite(lat) || !isfinite(h)) {
            n_nan++;
            continue;
        }
        ref_geodetic(p[0], p[1], p[2], &rlat, &rh);
        geo_upd(&w_ref, lat - rlat, lon - atan2(p[1], p[0]), h - rh);
        /* Below 1000 km height ERFA is accurate to 1e-12 rad; above, to about 1e-10. */
        if (rh <= 1e6)
            geo_upd(&w_erfa, lat - phi, lon - elong, h - height);
    }
    fprintf(stderr,
            "  100000 random ECEF points: vs reference dlat %.3g rad, dlon %.3g rad, dh %.3g m; "
            "vs eraGc2gde (h <= 1000 km) dlat %.3g rad, dlon %.3g rad, dh %.3g m\n",
            w_ref.lat, w_ref.lon, w_ref.h, w_erfa.lat, w_erfa.lon, w_erfa.h);
    CHECK_NEAR((double)n_nan, 0.0, 0.0);
    CHECK_NEAR(w_ref.lat, 0.0, 1e-12);
    CHECK_NEAR(w_ref.lon, 0.0, 1e-12);
    CHECK_NEAR(w_ref.h, 0.0, 1e-4);
    CHECK_NEAR(w_erfa.lat, 0.0, 1e-12);
    CHECK_NEAR(w_erfa.lon, 0.0, 1e-12);
    CHECK_NEAR(w_erfa.h, 0.0, 1e-4);
}

/* bmd_ecef_height_normal: the height equals bmd_ecef_to_geodetic's, the normal is the geodetic
 * "up" (cos lat cos lon, cos lat sin lon, sin lat) at the reference latitude, and both are
 * unchanged (the normal turned with the point) in a frame turned about z. */
static void test_height_normal(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double w_h = 0.0, w_n = 0.0, w_rot_h = 0.0, w_rot_n = 0.0, w_unit = 0.0;
    long n_nan = 0;
    for (int i = 0; i < 50000; i++) {
        double rad = 6.34e6 + (4.2e7 - 6.34e6) * urand() * urand();
        double zc = 2.0 * urand() - 1.0;
        double az = 2.0 * BMD_PI * urand();
        double sn = sqrt(1.0 - zc * zc);
        bmd_vec3 r = bmd_v3(rad * sn * cos(az), rad * sn * sin(az), rad * zc);
        bmd_vec3 nrm = bmd_v3(NAN, NAN, NAN);
        double h = bmd_ecef_height_normal(&e, r, &nrm);
        double h2, rlat, rh;
        bmd_ecef_to_geodetic(&e, r, NULL, NULL, &h2);
        if (!isfinite(h) || !isfinite(nrm.x)) {
            n_nan++;
            continue;
        }
        w_h = upd(w_h, fabs(h - h2));
        ref_geodetic(r.x, r.y, r.z, &rlat, &rh);
        double lon = atan2(r.y, r.x);
        bmd_vec3 up = bmd_v3(cos(rlat) * cos(lon), cos(rlat) * sin(lon), sin(rlat));
        w_n = upd(w_n, bmd_v3_norm(bmd_v3_sub(nrm, up)));
        w_unit = upd(w_unit, fabs(bmd_v3_norm(nrm) - 1.0));
        /* The same point in a frame turned by an arbitrary angle about z (e.g. ECI). */
        double th = 2.0 * BMD_PI * urand();
        double c = cos(th), s = sin(th);
        bmd_vec3 rr = bmd_v3(c * r.x - s * r.y, s * r.x + c * r.y, r.z);
        bmd_vec3 nr;
        double hr = bmd_ecef_height_normal(&e, rr, &nr);
        w_rot_h = upd(w_rot_h, fabs(hr - h));
        bmd_vec3 nrot = bmd_v3(c * nrm.x - s * nrm.y, s * nrm.x + c * nrm.y, nrm.z);
        w_rot_n = upd(w_rot_n, bmd_v3_norm(bmd_v3_sub(nr, nrot)));
    }
    CHECK_NEAR(bmd_ecef_height_normal(&e, bmd_v3(WGS84_A + 5.0, 0.0, 0.0), NULL), 5.0, 1e-8);
    bmd_vec3 ns;
    bmd_earth sph = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    CHECK_NEAR(bmd_ecef_height_normal(&sph, bmd_v3(3e6, 4e6, 12e6), &ns), 13e6 - 6371008.8, 1e-8);
    CHECK_NEAR(bmd_v3_norm(bmd_v3_sub(ns, bmd_v3(3.0 / 13.0, 4.0 / 13.0, 12.0 / 13.0))), 0.0,
               1e-15);
    fprintf(stderr,
            "  height_normal (50000 points): h vs ecef_to_geodetic %.3g m; normal vs reference "
            "up %.3g; |normal| - 1 %.3g; turned frame: h %.3g m, normal %.3g\n",
            w_h, w_n, w_unit, w_rot_h, w_rot_n);
    CHECK_NEAR((double)n_nan, 0.0, 0.0);
    CHECK_NEAR(w_h, 0.0, 0.0);
    CHECK_NEAR(w_n, 0.0, 1e-12);
    CHECK_NEAR(w_unit, 0.0, 1e-15);
    CHECK_NEAR(w_rot_h, 0.0, 1e-6);
    CHECK_NEAR(w_rot_n, 0.0, 1e-12);
}

/* Points on and next to the polar axis.
 * Regression test (a bug this test found, now fixed): for points within a few decimetres of the
 * polar axis and above about 1 m height, the square root in Heikkinen's r0 gets an argument
 * that should be ~0 but rounds to a small negative number (-0.0078 m^2, one ulp of a^2), and
 * bmd_ecef_to_geodetic returns NaN latitude and height (and bmd_ecef_height,
 * bmd_ecef_height_normal NaN height and normal: the same code). E.g. (0, 0, b + 1e7) or
 * (0.05, 0, b + 1) give NaN; expected lat = 90 deg (to 1e-8 rad), h = 1e7 m / 1 m. */
static void test_geodetic_near_axis(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double b = WGS84_A * (1.0 - WGS84_F);
    static const double hs[] = {-10e3, 0.0, 1.0, 1e3, 1e5, 1e6, 1e7, 2e7, 4e7};
    static const double ps[] = {0.0, 1e-9, 1e-6, 1e-3, 0.05, 0.2, 0.7, 10.0, 1000.0};
    geo_err w = {0, 0, 0};
    int n_nan = 0, n = 0;
    for (size_t k = 0; k < sizeof hs / sizeof hs[0]; k++) {
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                bmd_vec3 r = bmd_v3(ps[j], 0.0, sgn * (b + hs[k]));
                double lat, h, rlat, rh;
                bmd_ecef_to_geodetic(&e, r, &lat, NULL, &h);
                ref_geodetic(r.x, r.y, r.z, &rlat, &rh);
                bmd_vec3 nrm;
                double hn = bmd_ecef_height_normal(&e, r, &nrm);
                n++;
                if (!isfinite(lat) || !isfinite(h) || !isfinite(hn) || !isfinite(nrm.z)) {
                    if (n_nan < 3)
                        fprintf(stderr,
                                "  REGRESSION: ecef_to_geodetic(%.17g, 0, %.17g) = NaN; "
                                "expected lat %.17g rad, h %.10g m\n",
                                r.x, r.z, rlat, rh);
                    n_nan++;
                    continue;
                }
                geo_upd(&w, lat - rlat, 0.0, h - rh);
            }
        }
    }
    fprintf(stderr, "  near the polar axis (%d points): %d NaN; finite ones vs reference dlat "
                    "%.3g rad, dh %.3g m\n",
            n, n_nan, w.lat, w.h);
    CHECK_NEAR((double)n_nan, 0.0, 0.0);
    CHECK_NEAR(w.lat, 0.0, 1e-12);
    CHECK_NEAR(w.h, 0.0, 1e-4);
}

/* Exactly in the equatorial plane, on the four half-axes (the polar axis is covered by
 * test_geodetic_near_axis). */
static void test_geodetic_special_points(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    static const double hs[] = {-10e3, 0.0, 1e3, 1e6, 4e7};
    for (size_t k = 0; k < sizeof hs / sizeof hs[0]; k++) {
        double lat, lon, h;
        bmd_ecef_to_geodetic(&e, bmd_v3(WGS84_A + hs[k], 0.0, 0.0), &lat, &lon, &h);
        CHECK_NEAR(lat, 0.0, 1e-15);
        CHECK_NEAR(lon, 0.0, 0.0);
        CHECK_NEAR(h, hs[k], 1e-6);
        bmd_ecef_to_geodetic(&e, bmd_v3(0.0, -(WGS84_A + hs[k]), 0.0), &lat, &lon, &h);
        CHECK_NEAR(lat, 0.0, 1e-15);
        CHECK_NEAR(lon, -0.5 * BMD_PI, 1e-15);
        CHECK_NEAR(h, hs[k], 1e-6);
        bmd_ecef_to_geodetic(&e, bmd_v3(-(WGS84_A + hs[k]), 0.0, 0.0), &lat, &lon, &h);
        CHECK_NEAR(lon, BMD_PI, 1e-15);
        CHECK_NEAR(h, hs[k], 1e-6);
    }
    /* NULL outputs are allowed. */
    bmd_ecef_to_geodetic(&e, bmd_v3(WGS84_A, 0.0, 0.0), NULL, NULL, NULL);
    double lon_only = 1.0;
    bmd_ecef_to_geodetic(&e, bmd_v3(0.0, WGS84_A, 0.0), NULL, &lon_only, NULL);
    CHECK_NEAR(lon_only, 0.5 * BMD_PI, 1e-15);
}

/* The documented longitude range (-pi, pi] at the antimeridian. y = +0 gives +pi. With y = -0.0
 * (or y a few 1e-26 m below zero) atan2 gives -pi, the closed end; printed as a note, since
 * the double -BMD_PI lies above the real -pi and the two ends name the same meridian. */
static void test_longitude_range(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double lon = 0.0;
    bmd_ecef_to_geodetic(&e, bmd_v3(-7e6, 0.0, 1e6), NULL, &lon, NULL);
    CHECK_NEAR(lon, BMD_PI, 0.0);
    bmd_ecef_to_geodetic(&e, bmd_v3(-7e6, -0.0, 1e6), NULL, &lon, NULL);
    if (lon == -BMD_PI)
        fprintf(stderr, "  note: ecef_to_geodetic(x < 0, y = -0.0) gives lon = -pi, the end that "
                        "the documented range (-pi, pi] excludes\n");
    ENSURE(lon >= -BMD_PI && lon <= BMD_PI);
    CHECK_NEAR(fabs(lon), BMD_PI, 0.0);
}

/* Published values. */
static void test_geodetic_published(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double worst_xyz = 0.0;

    /* IAU SOFA / ERFA test t_gd2gc (t_erfa_c.c): WGS84, elong 3.1 rad, phi -0.5 rad, h 2500 m ->
     * (-5599000.5577049947, 233011.67223479203, -3040909.4706983363) m, tolerance there 1e-7. */
    bmd_vec3 r = bmd_geodetic_to_ecef(&e, -0.5, 3.1, 2500.0);
    CHECK_NEAR(r.x, -5599000.5577049947, 1e-6);
    CHECK_NEAR(r.y, 233011.67223479203, 1e-6);
    CHECK_NEAR(r.z, -3040909.4706983363, 1e-6);
    worst_xyz = upd(worst_xyz, fabs(r.x - -5599000.5577049947));
    worst_xyz = upd(worst_xyz, fabs(r.y - 233011.67223479203));
    worst_xyz = upd(worst_xyz, fabs(r.z - -3040909.4706983363));

    /* IAU SOFA / ERFA test t_gc2gd: WGS84, xyz = (2e6, 3e6, 5.244e6) m ->
     * elong 0.9827937232473290680 rad, phi 0.97160184819075459 rad, h 331.4172461426059892 m. */
    double lat, lon, h;
    bmd_ecef_to_geodetic(&e, bmd_v3(2e6, 3e6, 5.244e6), &lat, &lon, &h);
    CHECK_NEAR(lon, 0.9827937232473290680, 1e-14);
    CHECK_NEAR(lat, 0.97160184819075459, 1e-12);
    CHECK_NEAR(h, 331.4172461426059892, 1e-6);
    double w_sofa_lat = fabs(lat - 0.97160184819075459);
    double w_sofa_h = fabs(h - 331.4172461426059892);

    /* By hand from TR8350.2 eqs. 4-14, 4-15, at lat 30 deg, lon 60 deg, h 1000 m:
     *   f   = 1/298.257223563            = 0.0033528106647474807
     *   e^2 = f (2 - f)                  = 0.0066943799901413170
     *   sin^2(30) = 1/4: W = sqrt(1 - e^2/4) = sqrt(0.99832640500246467)
     *                                    = 0.99916285209292317
     *   N   = a / W = 6378137 / 0.99916285209292317 = 6383480.9176901091 m
     *   N + h                            = 6384480.9176901091 m
     *   N (1 - e^2) + h                  = 6341747.4707672755 m
     *   x = (N + h) cos30 cos60 = (N + h) sqrt(3)/4 = 2764561.3323483101 m
     *   y = (N + h) cos30 sin60 = (N + h) 3/4       = 4788360.6882675818 m
     *   z = (N (1 - e^2) + h) sin30 = ... / 2       = 3170873.7353836378 m
     * (digits carried with 40-digit arithmetic). */
    r = bmd_geodetic_to_ecef(&e, 30.0 * DEG, 60.0 * DEG, 1000.0);
    CHECK_NEAR(r.x, 2764561.3323483101, 1e-6);
    CHECK_NEAR(r.y, 4788360.6882675818, 1e-6);
    CHECK_NEAR(r.z, 3170873.7353836378, 1e-6);
    worst_xyz = upd(worst_xyz, fabs(r.x - 2764561.3323483101));
    worst_xyz = upd(worst_xyz, fabs(r.y - 4788360.6882675818));
    worst_xyz = upd(worst_xyz, fabs(r.z - 3170873.7353836378));
    bmd_ecef_to_geodetic(&e, bmd_v3(2764561.3323483101, 4788360.6882675818, 3170873.7353836378),
                         &lat, &lon, &h);
    CHECK_NEAR(lat, 30.0 * DEG, 1e-12);
    CHECK_NEAR(lon, 60.0 * DEG, 1e-14);
    CHECK_NEAR(h, 1000.0, 1e-6);
    w_sofa_lat = upd(w_sofa_lat, fabs(lat - 30.0 * DEG));
    w_sofa_h = upd(w_sofa_h, fabs(h - 1000.0));

    /* The poles and the equator: z = b = 6356752.3142 m (TR8350.2 table 3.3), x = a. */
    r = bmd_geodetic_to_ecef(&e, 90.0 * DEG, 0.0, 0.0);
    CHECK_NEAR(r.z, 6356752.3142, 0.5e-4);
    CHECK_NEAR(r.x, 0.0, 1e-9);
    r = bmd_geodetic_to_ecef(&e, -90.0 * DEG, 123.0 * DEG, 0.0);
    CHECK_NEAR(r.z, -6356752.3142, 0.5e-4);
    r = bmd_geodetic_to_ecef(&e, 0.0, 0.0, 0.0);
    CHECK_NEAR(r.x, 6378137.0, 1e-9);
    CHECK_NEAR(r.y, 0.0, 0.0);
    CHECK_NEAR(r.z, 0.0, 0.0);
    fprintf(stderr,
            "  published points: |dxyz| %.3g m (SOFA t_gd2gc, TR8350.2 by hand); dlat %.3g rad, "
            "dh %.3g m (SOFA t_gc2gd, hand point inverse)\n",
            worst_xyz, w_sofa_lat, w_sofa_h);
}

/* The sphere: exact spherical formulas. */
static void test_geodetic_sphere(void)
{
    bmd_earth s = bmd_earth_make(BMD_EARTH_SPHERE, true, true);
    double R = 6371008.8;
    double w_pos = 0.0, w_lat = 0.0, w_h = 0.0;
    for (int i = 0; i < 20000; i++) {
        double lat = (180.0 * urand() - 90.0) * DEG;
        double lon = (360.0 * urand() - 180.0) * DEG;
        double h = -1e4 + 4e7 * urand() * urand();
        bmd_vec3 r = bmd_geodetic_to_ecef(&s, lat, lon, h);
        double rr = R + h;
        bmd_vec3 want = bmd_v3(rr * cos(lat) * cos(lon), rr * cos(lat) * sin(lon), rr * sin(lat));
        w_pos = upd(w_pos, bmd_v3_norm(bmd_v3_sub(r, want)));
        double lat2, h2;
        bmd_ecef_to_geodetic(&s, want, &lat2, NULL, &h2);
        w_lat = upd(w_lat, fabs(lat2 - lat));
        w_h = upd(w_h, fabs(h2 - h));
    }
    fprintf(stderr, "  sphere: |dr| %.3g m, dlat %.3g rad, dh %.3g m\n", w_pos, w_lat, w_h);
    CHECK_NEAR(w_pos, 0.0, 1e-6);
    CHECK_NEAR(w_lat, 0.0, 1e-12);
    CHECK_NEAR(w_h, 0.0, 1e-6);
}

/* ------------------------------------------------------------------------------------------ */
/* ENU.                                                                                        */

static void test_enu_basis(void)
{
    double w_orth = 0.0, w_up = 0.0, w_en = 0.0;
    double b = WGS84_A * (1.0 - WGS84_F);
    for (int i = 0; i <= 180; i++) {
        double lat = (-90.0 + i) * DEG;
        for (int j = 0; j <= 36; j++) {
            double lon = (-180.0 + 10.0 * j) * DEG;
            bmd_vec3 east, north, up;
            bmd_enu_basis(lat, lon, &east, &north, &up);
            /* Orthonormal and right-handed (east x north = up). */
            w_orth = upd(w_orth, fabs(bmd_v3_norm(east) - 1.0));
            w_orth = upd(w_orth, fabs(bmd_v3_norm(north) - 1.0));
            w_orth = upd(w_orth, fabs(bmd_v3_norm(up) - 1.0));
            w_orth = upd(w_orth, fabs(bmd_v3_dot(east, north)));
            w_orth = upd(w_orth, fabs(bmd_v3_dot(east, up)));
            w_orth = upd(w_orth, fabs(bmd_v3_dot(north, up)));
            w_orth = upd(w_orth, bmd_v3_norm(bmd_v3_sub(bmd_v3_cross(east, north), up)));

            /* Up is the ellipsoid's outward normal, grad(x^2/a^2 + y^2/a^2 + z^2/b^2), at the
             * surface point computed by ERFA. */
            double xyz[3];
            ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon, lat, 0.0, xyz) == 0);
            bmd_vec3 nrm = bmd_v3_unit(bmd_v3(xyz[0] / (WGS84_A * WGS84_A),
                                              xyz[1] / (WGS84_A * WGS84_A), xyz[2] / (b * b)));
            if (fabs(lat) < 89.5 * DEG || xyz[0] != 0.0 || xyz[1] != 0.0)
                w_up = upd(w_up, bmd_v3_norm(bmd_v3_sub(nrm, up)));

            /* East and north are the directions of increasing lon and lat on the surface
             * (central differences of ERFA's geodetic -> Cartesian), away from the poles. */
            if (fabs(lat) <= 89.0 * DEG) {
                double d = 1e-6, p1[3], p2[3];
                ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon + d, lat, 0.0, p1) == 0);
                ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon - d, lat, 0.0, p2) == 0);
                bmd_vec3 de = bmd_v3_unit(bmd_v3(p1[0] - p2[0], p1[1] - p2[1], p1[2] - p2[2]));
                ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon, lat + d, 0.0, p1) == 0);
                ENSURE(eraGd2gce(WGS84_A, WGS84_F, lon, lat - d, 0.0, p2) == 0);
                bmd_vec3 dn = bmd_v3_unit(bmd_v3(p1[0] - p2[0], p1[1] - p2[1], p1[2] - p2[2]));
                w_en = upd(w_en, bmd_v3_norm(bmd_v3_sub(de, east)));
                w_en = upd(w_en, bmd_v3_norm(bmd_v3_sub(dn, north)));
            }
        }
    }
    /* At the north pole north points along -x (toward lon 0 from above) for lon = 0; at lat 0,
     * lon 0, the basis is (y, z, x). */
    bmd_vec3 east, north, up;
    bmd_enu_basis(0.0, 0.0, &east, &north, &up);
    CHECK_NEAR(east.y, 1.0, 0.0);
    CHECK_NEAR(north.z, 1.0, 0.0);
    CHECK_NEAR(up.x, 1.0, 0.0);
    bmd_enu_basis(0.5 * BMD_PI, 0.0, &east, &north, &up);
    CHECK_NEAR(north.x, -1.0, 1e-15);
    CHECK_NEAR(up.z, 1.0, 1e-15);
    bmd_enu_basis(0.3, 0.2, NULL, NULL, NULL); /* NULL outputs allowed */
    fprintf(stderr,
            "  ENU: orthonormality %.3g, |up - ellipsoid normal| %.3g, "
            "|east/north - surface tangents| %.3g\n",
            w_orth, w_up, w_en);
    CHECK_NEAR(w_orth, 0.0, 1e-15);
    CHECK_NEAR(w_up, 0.0, 1e-14);
    CHECK_NEAR(w_en, 0.0, 1e-8);
}

/* ------------------------------------------------------------------------------------------ */
/* ECI <-> ECEF.                                                                               */

static void test_eci_ecef_position(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double w_pos = 0.0, w_rt = 0.0;
    for (int i = 0; i < 2000; i++) {
        double t = 200000.0 * urand() - 50000.0;
        bmd_vec3 r = bmd_v3(2e7 * urand() - 1e7, 2e7 * urand() - 1e7, 2e7 * urand() - 1e7);
        /* ERFA: eraRz(psi, R) premultiplies R by the frame rotation R3(psi). */
        double rm[3][3], p[3] = {r.x, r.y, r.z}, q[3];
        eraIr(rm);
        eraRz(WGS84_OMEGA * t, rm);
        eraRxp(rm, p, q);
        bmd_vec3 got = bmd_eci_to_ecef(&e, t, r);
        w_pos = upd(w_pos, bmd_v3_norm(bmd_v3_sub(got, bmd_v3(q[0], q[1], q[2]))));
        bmd_vec3 back = bmd_ecef_to_eci(&e, t, got);
        w_rt = upd(w_rt, bmd_v3_norm(bmd_v3_sub(back, r)));
    }
    /* A point fixed in inertial space on the x axis appears, a quarter turn later, on ECEF -y:
     * the Earth turns east (+z) under it. */
    double tq = 0.5 * BMD_PI / WGS84_OMEGA;
    bmd_vec3 q = bmd_eci_to_ecef(&e, tq, bmd_v3(WGS84_A, 0.0, 1.0));
    CHECK_NEAR(q.x, 0.0, 1e-6);
    CHECK_NEAR(q.y, -WGS84_A, 1e-6);
    CHECK_NEAR(q.z, 1.0, 0.0);
    /* At t = 0 the frames coincide. */
    bmd_vec3 z0 = bmd_eci_to_ecef(&e, 0.0, bmd_v3(1.0, 2.0, 3.0));
    CHECK_NEAR(z0.x, 1.0, 0.0);
    CHECK_NEAR(z0.y, 2.0, 0.0);
    /* Without rotation the frames coincide at all times. */
    bmd_earth nr = bmd_earth_make(BMD_EARTH_WGS84, false, true);
    bmd_vec3 s = bmd_eci_to_ecef(&nr, 12345.0, bmd_v3(1e6, 2e6, 3e6));
    CHECK_NEAR(s.x, 1e6, 0.0);
    CHECK_NEAR(s.y, 2e6, 0.0);
    CHECK_NEAR(s.z, 3e6, 0.0);
    bmd_vec3 sv = bmd_eci_to_ecef_velocity(&nr, 12345.0, bmd_v3(1e6, 2e6, 3e6), bmd_v3(1, 2, 3));
    CHECK_NEAR(sv.x, 1.0, 0.0);
    CHECK_NEAR(sv.y, 2.0, 0.0);
    CHECK_NEAR(sv.z, 3.0, 0.0);
    fprintf(stderr, "  ECI->ECEF vs ERFA eraRz: |dr| %.3g m; round trip %.3g m\n", w_pos, w_rt);
    CHECK_NEAR(w_pos, 0.0, 1e-7);
    CHECK_NEAR(w_rt, 0.0, 1e-7);
}

/* d/dt at time t of the straight line r(tau) = r0 + v0 (tau - t) carried through the position
 * transform (ECI -> ECEF when to_ecef, else ECEF -> ECI), by the five-point central difference
 * (error O(d^4)). */
static bmd_vec3 deriv5(const bmd_earth *e, bool to_ecef, double t, bmd_vec3 r0, bmd_vec3 v0)
{
    static const double off[4] = {-2.0, -1.0, 1.0, 2.0};
    static const double wt[4] = {1.0, -8.0, 8.0, -1.0};
    double d = 0.5;
    bmd_vec3 acc = bmd_v3(0.0, 0.0, 0.0);
    for (int i = 0; i < 4; i++) {
        double ti = t + off[i] * d;
        bmd_vec3 ri = bmd_v3_axpy(r0, off[i] * d, v0);
        bmd_vec3 q = to_ecef ? bmd_eci_to_ecef(e, ti, ri) : bmd_ecef_to_eci(e, ti, ri);
        acc = bmd_v3_axpy(acc, wt[i], q);
    }
    return bmd_v3_scale(acc, 1.0 / (12.0 * d));
}

/* Velocity transforms against numerical derivatives of the (ERFA-checked) position transform. */
static void test_eci_ecef_velocity(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double w1 = 0.0, w2 = 0.0, w_rt = 0.0;
    for (int i = 0; i < 500; i++) {
        double t = 100000.0 * urand();
        bmd_vec3 r0 = bmd_v3(2e7 * urand() - 1e7, 2e7 * urand() - 1e7, 2e7 * urand() - 1e7);
        bmd_vec3 v0 = bmd_v3(2e4 * urand() - 1e4, 2e4 * urand() - 1e4, 2e4 * urand() - 1e4);
        /* An ECI straight line through r0 at time t, seen in ECEF, differentiated
         * numerically. */
        bmd_vec3 num = deriv5(&e, true, t, r0, v0);
        bmd_vec3 rt = r0;
        bmd_vec3 got = bmd_eci_to_ecef_velocity(&e, t, rt, v0);
        w1 = upd(w1, bmd_v3_norm(bmd_v3_sub(got, num)));
        /* An ECEF straight line through r0 at time t, seen in ECI. */
        bmd_vec3 num2 = deriv5(&e, false, t, r0, v0);
        bmd_vec3 got2 = bmd_ecef_to_eci_velocity(&e, t, rt, v0);
        w2 = upd(w2, bmd_v3_norm(bmd_v3_sub(got2, num2)));
        /* Round trip of the state. */
        bmd_vec3 recef = bmd_eci_to_ecef(&e, t, rt);
        bmd_vec3 back = bmd_ecef_to_eci_velocity(&e, t, recef, got);
        w_rt = upd(w_rt, bmd_v3_norm(bmd_v3_sub(back, v0)));
    }
    fprintf(stderr,
            "  velocity vs 5-point numerical derivative: ECI->ECEF %.3g m/s, ECEF->ECI %.3g m/s; "
            "round trip %.3g m/s\n",
            w1, w2, w_rt);
    CHECK_NEAR(w1, 0.0, 1e-7);
    CHECK_NEAR(w2, 0.0, 1e-7);
    CHECK_NEAR(w_rt, 0.0, 1e-9);
}

/* V6: eastward inertial speed of a point at rest on the Earth. */
static void test_surface_speed(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    /* literature.md section 6 / V6: omega a cos(phi) = 465.1, 381.0, 328.9, 266.8 m/s. */
    static const double lat_deg[] = {0.0, 35.0, 45.0, 55.0};
    static const double v6[] = {465.1, 381.0, 328.9, 266.8};
    double w_v6 = 0.0, w_exact = 0.0, w_geod = 0.0;
    for (int i = 0; i < 4; i++) {
        double phi = lat_deg[i] * DEG;
        for (int k = 0; k < 3; k++) {
            double lon = (-170.0 + 97.0 * k) * DEG;
            double t = 1000.0 * k;
            /* A point at distance a cos(phi) from the axis (geocentric latitude phi, radius a),
             * at rest in ECEF. */
            bmd_vec3 p = bmd_v3(WGS84_A * cos(phi) * cos(lon), WGS84_A * cos(phi) * sin(lon),
                                WGS84_A * sin(phi));
            bmd_vec3 v = bmd_ecef_to_eci_velocity(&e, t, p, bmd_v3(0.0, 0.0, 0.0));
            double sp = bmd_v3_norm(v);
            w_v6 = upd(w_v6, fabs(sp - v6[i]));
            w_exact = upd(w_exact, fabs(sp - WGS84_OMEGA * WGS84_A * cos(phi)));
            CHECK_NEAR(sp, v6[i], 0.1);
            /* Due east: along the ENU east vector, rotated into ECI. */
            bmd_vec3 east;
            bmd_enu_basis(phi, lon, &east, NULL, NULL);
            bmd_vec3 east_eci = bmd_ecef_to_eci(&e, t, east);
            CHECK_NEAR(bmd_v3_dot(v, east_eci), sp, 1e-9);
            /* And back: the ECEF velocity of that inertial state is zero. */
            bmd_vec3 pe = bmd_ecef_to_eci(&e, t, p);
            bmd_vec3 vr = bmd_eci_to_ecef_velocity(&e, t, pe, v);
            CHECK_NEAR(bmd_v3_norm(vr), 0.0, 1e-9);

            /* On the WGS-84 surface at geodetic latitude phi the distance from the axis is
             * N cos(phi), N = a / sqrt(1 - e^2 sin^2 phi) (TR8350.2 eq. 4-15). */
            double e2 = WGS84_F * (2.0 - WGS84_F);
            double nrad = WGS84_A / sqrt(1.0 - e2 * sin(phi) * sin(phi));
            bmd_vec3 pg = bmd_geodetic_to_ecef(&e, phi, lon, 0.0);
            bmd_vec3 vg = bmd_ecef_to_eci_velocity(&e, t, pg, bmd_v3(0.0, 0.0, 0.0));
            w_geod = upd(w_geod, fabs(bmd_v3_norm(vg) - WGS84_OMEGA * nrad * cos(phi)));
        }
    }
    fprintf(stderr,
            "  surface speed: vs V6 table %.3g m/s (tolerance 0.1), vs omega a cos(phi) %.3g m/s,"
            " geodetic point vs omega N cos(phi) %.3g m/s\n",
            w_v6, w_exact, w_geod);
    CHECK_NEAR(w_exact, 0.0, 1e-9);
    CHECK_NEAR(w_geod, 0.0, 1e-9);
}

/* ------------------------------------------------------------------------------------------ */
/* Gravity.                                                                                    */

/* The potential U = -mu/r [pm - J2 (a/r)^2 P2(sin phi)], P2(x) = (3x^2 - 1)/2, phi geocentric
 * latitude, in long double; pm = 1 for the full potential, 0 for the J2 term alone. Gravity is
 * -grad U. */
static long double potential(long double pm, long double j2, long double x, long double y,
                             long double z)
{
    long double mu = WGS84_GM, re = WGS84_A;
    long double r2 = x * x + y * y + z * z;
    long double r = sqrtl(r2);
    long double s = z / r;
    long double p2 = 0.5L * (3.0L * s * s - 1.0L);
    return -mu / r * (pm - j2 * (re * re / r2) * p2);
}

/* -grad U by central differences of step d (m). */
static bmd_vec3 numeric_gravity(long double pm, long double j2, bmd_vec3 r, double step)
{
    long double d = step;
    long double x = r.x, y = r.y, z = r.z;
    long double gx = -(potential(pm, j2, x + d, y, z) - potential(pm, j2, x - d, y, z));
    long double gy = -(potential(pm, j2, x, y + d, z) - potential(pm, j2, x, y - d, z));
    long double gz = -(potential(pm, j2, x, y, z + d) - potential(pm, j2, x, y, z - d));
    return bmd_v3((double)(gx / (2.0L * d)), (double)(gy / (2.0L * d)), (double)(gz / (2.0L * d)));
}

static void test_gravity(void)
{
    bmd_earth pm = bmd_earth_make(BMD_EARTH_WGS84, true, false);
    bmd_earth j2 = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double b = WGS84_A * (1.0 - WGS84_F);
    double J2 = 1.08262668e-3;

    /* Point mass: mu / r^2, directed at the centre. */
    bmd_vec3 g = bmd_gravity(&pm, bmd_v3(WGS84_A, 0.0, 0.0));
    CHECK_REL(g.x, -WGS84_GM / (WGS84_A * WGS84_A), 1e-15);
    CHECK_NEAR(g.y, 0.0, 0.0);
    CHECK_NEAR(g.z, 0.0, 0.0);
    g = bmd_gravity(&pm, bmd_v3(0.0, 0.0, b));
    CHECK_REL(g.z, -WGS84_GM / (b * b), 1e-15);
    double w_pm = 0.0;
    for (int i = 0; i < 1000; i++) {
        bmd_vec3 r = bmd_v3(2e7 * urand() - 1e7, 2e7 * urand() - 1e7, 2e7 * urand() - 1e7);
        double rn = bmd_v3_norm(r);
        if (rn < 6e6)
            continue;
        bmd_vec3 want = bmd_v3_scale(r, -WGS84_GM / (rn * rn * rn));
        w_pm = upd(w_pm, bmd_v3_norm(bmd_v3_sub(bmd_gravity(&pm, r), want)) / bmd_v3_norm(want));
    }
    CHECK_NEAR(w_pm, 0.0, 1e-14);

    /* J2 closed forms on the axes: equator g = mu/a^2 (1 + 3/2 J2), pole g = mu/b^2 (1 - 3 J2
     * a^2/b^2). */
    g = bmd_gravity(&j2, bmd_v3(WGS84_A, 0.0, 0.0));
    CHECK_REL(g.x, -WGS84_GM / (WGS84_A * WGS84_A) * (1.0 + 1.5 * J2), 1e-14);
    g = bmd_gravity(&j2, bmd_v3(0.0, 0.0, b));
    CHECK_REL(g.z, -WGS84_GM / (b * b) * (1.0 - 3.0 * J2 * WGS84_A * WGS84_A / (b * b)), 1e-14);
    g = bmd_gravity(&j2, bmd_v3(0.0, 0.0, -b));
    CHECK_REL(g.z, WGS84_GM / (b * b) * (1.0 - 3.0 * J2 * WGS84_A * WGS84_A / (b * b)), 1e-14);

    /* Somigliana normal gravity (TR8350.2 table 3.4): gamma_e = 9.7803253359 m/s^2 at the
     * equator (gravitation minus the centrifugal omega^2 a), gamma_p = 9.8321849378 at the pole.
     * Point mass + J2 leaves out J4 and O(f^2) terms: agreement to 5e-5 relative expected. */
    g = bmd_gravity(&j2, bmd_v3(WGS84_A, 0.0, 0.0));
    double ge = -g.x - WGS84_OMEGA * WGS84_OMEGA * WGS84_A;
    double gp = -bmd_gravity(&j2, bmd_v3(0.0, 0.0, b)).z;
    CHECK_REL(ge, 9.7803253359, 5e-5);
    CHECK_REL(gp, 9.8321849378, 5e-5);

    /* Against the numerical gradient of the potential, over many points from the surface to
     * beyond geostationary radius. */
    double w_tot = 0.0, w_j2 = 0.0;
    for (int i = 0; i < 3000; i++) {
        double rad = 6.35e6 + 4e7 * urand() * urand();
        double zc = 2.0 * urand() - 1.0;
        if (i < 4)
            zc = i < 2 ? (i == 0 ? 1.0 : -1.0) : 0.0; /* poles and equator exactly */
        double az = 2.0 * BMD_PI * urand();
        double sn = sqrt(1.0 - zc * zc);
        bmd_vec3 r = bmd_v3(rad * sn * cos(az), rad * sn * sin(az), rad * zc);
        bmd_vec3 num = numeric_gravity(1.0L, J2, r, 10.0);
        bmd_vec3 got = bmd_gravity(&j2, r);
        w_tot = upd(w_tot, bmd_v3_norm(bmd_v3_sub(got, num)) / bmd_v3_norm(num));
        /* The J2 part alone (about 1e-3 of the total). */
        bmd_vec3 num_j2 = numeric_gravity(0.0L, J2, r, 10.0);
        bmd_vec3 got_j2 = bmd_v3_sub(got, bmd_gravity(&pm, r));
        w_j2 = upd(w_j2, bmd_v3_norm(bmd_v3_sub(got_j2, num_j2)) / bmd_v3_norm(num_j2));
    }
    /* Rotation does not change gravity; the sphere uses the same mu and J2. */
    bmd_earth j2nr = bmd_earth_make(BMD_EARTH_WGS84, false, true);
    bmd_vec3 r1 = bmd_v3(4e6, -3e6, 5e6);
    CHECK_NEAR(bmd_v3_norm(bmd_v3_sub(bmd_gravity(&j2nr, r1), bmd_gravity(&j2, r1))), 0.0, 0.0);
    fprintf(stderr,
            "  gravity vs -grad U (central differences): total %.3g relative, J2 part %.3g "
            "relative; point mass %.3g; Somigliana residual eq %.3g pole %.3g\n",
            w_tot, w_j2, w_pm, ge / 9.7803253359 - 1.0, gp / 9.8321849378 - 1.0);
    CHECK_NEAR(w_tot, 0.0, 1e-8);
    CHECK_NEAR(w_j2, 0.0, 1e-9);
}

/* ------------------------------------------------------------------------------------------ */
/* Geodesics.                                                                                  */

/* GeographicLib's test set (a sample of GeodTest.dat, Karney 2011), as published in
 * geographiclib-c tests/geodtest.c: lat1, lon1, azi1, lat2, lon2, azi2, s12 (deg, m), WGS-84. */
static const double geodtest[20][7] = {
    {35.60777, -139.44815, 111.098748429560326, -11.17491, -69.95921, 129.289270889708762,
     8935244.5604818305},
    {55.52454, 106.05087, 22.020059880982801, 77.03196, 197.18234, 109.112041110671519,
     4105086.1713924406},
    {-21.97856, 142.59065, -32.44456876433189, 41.84138, 98.56635, -41.84359951440466,
     8394328.894657671},
    {-66.99028, 112.2363, 173.73491240878403, -12.70631, 285.90344, 2.512956620913668,
     11150344.2312080241},
    {-17.42761, 173.34268, -159.033557661192928, -15.84784, 5.93557, -20.787484651536988,
     16076603.1631180673},
    {32.84994, 48.28919, 150.492927788121982, -56.28556, 202.29132, 48.113449399816759,
     16727068.9438164461},
    {6.96833, 52.74123, 92.581585386317712, -7.39675, 206.17291, 90.721692165923907,
     17102477.2496958388},
    {-50.56724, -16.30485, -105.439679907590164, -33.56571, -94.97412, -47.348547835650331,
     6455670.5118668696},
    {-58.93002, -8.90775, 140.965397902500679, -8.91104, 133.13503, 19.255429433416599,
     11756066.0219864627},
    {-68.82867, -74.28391, 93.774347763114881, -50.63005, -8.36685, 34.65564085411343,
     3956936.926063544},
    {-10.62672, -32.0898, -86.426713286747751, 5.883, -134.31681, -80.473780971034875,
     11470869.3864563009},
    {-21.76221, 166.90563, 29.319421206936428, 48.72884, 213.97627, 43.508671946410168,
     9098627.3986554915},
    {-19.79938, -174.47484, 71.167275780171533, -11.99349, -154.35109, 65.589099775199228,
     2319004.8601169389},
    {-11.95887, -116.94513, 92.712619830452549, 4.57352, 7.16501, 78.64960934409585,
     13834722.5801401374},
    {-87.85331, 85.66836, -65.120313040242748, 66.48646, 16.09921, -4.888658719272296,
     17286615.3147144645},
    {1.74708, 128.32011, -101.584843631173858, -11.16617, 11.87109, -86.325793296437476,
     12942901.1241347408},
    {-25.72959, -144.90758, -153.647468693117198, -57.70581, -269.17879, -48.343983158876487,
     9413446.7452453107},
    {-41.22777, 122.32875, 14.285113402275739, -7.57291, 130.37946, 10.805303085187369,
     3812686.035106021},
    {11.01307, 138.25278, 79.43682622782374, 6.62726, 247.05981, 103.708090215522657,
     11911190.819018408},
    {-29.47124, 95.14681, -163.779130441688382, -27.46601, -69.15955, -15.909335945554969,
     13487015.8381145492},
};

static void test_geodesic_geodtest(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double w_s = 0.0, w_az = 0.0, w_lat = 0.0, w_lon = 0.0;
    for (int i = 0; i < 20; i++) {
        const double *c = geodtest[i];
        double s = NAN, a1 = NAN, a2 = NAN;
        bmd_status st = bmd_geodesic_inverse(&e, c[0] * DEG, c[1] * DEG, c[3] * DEG, c[4] * DEG,
                                             &s, &a1, &a2);
        ENSURE(st == BMD_OK);
        CHECK_NEAR(s, c[6], 1e-3);
        CHECK_NEAR(wrap_pi(a1 - c[2] * DEG), 0.0, 1e-12);
        CHECK_NEAR(wrap_pi(a2 - c[5] * DEG), 0.0, 1e-12);
        w_s = upd(w_s, fabs(s - c[6]));
        w_az = upd(w_az, fabs(wrap_pi(a1 - c[2] * DEG)));
        w_az = upd(w_az, fabs(wrap_pi(a2 - c[5] * DEG)));

        double lat2 = NAN, lon2 = NAN;
        st = bmd_geodesic_direct(&e, c[0] * DEG, c[1] * DEG, c[2] * DEG, c[6], &lat2, &lon2);
        ENSURE(st == BMD_OK);
        CHECK_NEAR(lat2, c[3] * DEG, 1e-12);
        CHECK_NEAR(wrap_pi(lon2 - c[4] * DEG), 0.0, 1e-12);
        ENSURE(lon2 >= -BMD_PI && lon2 <= BMD_PI);
        w_lat = upd(w_lat, fabs(lat2 - c[3] * DEG));
        w_lon = upd(w_lon, fabs(wrap_pi(lon2 - c[4] * DEG)));
    }
    /* GeodSolve0 / GeodSolve1 (geodtest.c; GeographicLib's Geod utility, published to 0.5e-5
     * deg and 0.5 m): JFK (40.6, -73.8) to CDG (49.01666667, 2.55). */
    double s, a1, a2;
    ENSURE(bmd_geodesic_inverse(&e, 40.6 * DEG, -73.8 * DEG, 49.01666667 * DEG, 2.55 * DEG, &s,
                                &a1, &a2) == BMD_OK);
    CHECK_NEAR(a1 / DEG, 53.47022, 0.5e-5);
    CHECK_NEAR(a2 / DEG, 111.59367, 0.5e-5);
    CHECK_NEAR(s, 5853226, 0.5);
    double lat2, lon2;
    ENSURE(bmd_geodesic_direct(&e, 40.63972222 * DEG, -73.77888889 * DEG, 53.5 * DEG, 5850e3,
                               &lat2, &lon2) == BMD_OK);
    CHECK_NEAR(lat2 / DEG, 49.01467, 0.5e-5);
    CHECK_NEAR(lon2 / DEG, 2.56106, 0.5e-5);
    /* Any output may be NULL. */
    ENSURE(bmd_geodesic_inverse(&e, 0.1, 0.2, 0.3, 0.4, NULL, NULL, NULL) == BMD_OK);
    ENSURE(bmd_geodesic_direct(&e, 0.1, 0.2, 0.3, 1e5, NULL, NULL) == BMD_OK);
    fprintf(stderr,
            "  GeodTest (20 cases): inverse |ds| %.3g m, |dazi| %.3g rad; direct |dlat| %.3g rad, "
            "|dlon| %.3g rad\n",
            w_s, w_az, w_lat, w_lon);
}

/* Haversine distance (m) and initial azimuth (rad) on a sphere of radius R, in long double. */
static void haversine(double R, double lat1, double lon1, double lat2, double lon2, double *s,
                      double *az)
{
    long double p1 = lat1, p2 = lat2, dl = (long double)lon2 - (long double)lon1;
    long double sdp = sinl(0.5L * (p2 - p1)), sdl = sinl(0.5L * dl);
    long double hv = sdp * sdp + cosl(p1) * cosl(p2) * sdl * sdl;
    *s = (double)((long double)R * 2.0L * asinl(sqrtl(hv)));
    *az = (double)atan2l(sinl(dl) * cosl(p2), cosl(p1) * sinl(p2) - sinl(p1) * cosl(p2) * cosl(dl));
}

static void test_geodesic_sphere(void)
{
    bmd_earth s = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    double R = 6371008.8;
    double w_rel = 0.0, w_az = 0.0, w_dir = 0.0;
    int n = 0;
    while (n < 5000) {
        double lat1 = (180.0 * urand() - 90.0) * DEG, lon1 = (360.0 * urand() - 180.0) * DEG;
        double lat2 = (180.0 * urand() - 90.0) * DEG, lon2 = (360.0 * urand() - 180.0) * DEG;
        double sh, azh;
        haversine(R, lat1, lon1, lat2, lon2, &sh, &azh);
        if (sh > 179.0 * DEG * R || sh < 1e3)
            continue; /* near-antipodal: the azimuth is ill-conditioned */
        n++;
        double sg, a1;
        ENSURE(bmd_geodesic_inverse(&s, lat1, lon1, lat2, lon2, &sg, &a1, NULL) == BMD_OK);
        w_rel = upd(w_rel, fabs(sg - sh) / sh);
        if (fabs(lat1) < 89.9 * DEG)
            w_az = upd(w_az, fabs(wrap_pi(a1 - azh)));
        /* Direct: spherical trigonometry (sine and cosine rules). */
        double d = sg / R;
        double phi2 = asin(sin(lat1) * cos(d) + cos(lat1) * sin(d) * cos(a1));
        double lam2 = lon1 + atan2(sin(a1) * sin(d) * cos(lat1), cos(d) - sin(lat1) * sin(phi2));
        double glat, glon;
        ENSURE(bmd_geodesic_direct(&s, lat1, lon1, a1, sg, &glat, &glon) == BMD_OK);
        w_dir = upd(w_dir, fabs(glat - phi2));
        if (fabs(phi2) < 89.9 * DEG)
            w_dir = upd(w_dir, fabs(wrap_pi(glon - lam2)) * cos(phi2));
    }
    fprintf(stderr,
            "  sphere geodesics vs haversine (5000 pairs): distance %.3g relative, azimuth %.3g "
            "rad; direct %.3g rad\n",
            w_rel, w_az, w_dir);
    CHECK_NEAR(w_rel, 0.0, 1e-9);
    CHECK_NEAR(w_az, 0.0, 1e-9);
    CHECK_NEAR(w_dir, 0.0, 1e-9);
}

/* V3 (literature.md section 7): great circles on a sphere of R = 6371 km between the sites of
 * section 5. bmd's sphere has R = 6371008.8 m: distances are scaled by 6371000 / 6371008.8.
 * Tolerance 0.05 % in distance, 0.05 deg (half the last published digit) in azimuth; and within
 * 0.5 % of the WGS-84 geodesic. */
static void test_geodesic_v3(void)
{
    struct v3case {
        const char *name;
        double lat1, lon1, lat2, lon2, km, az_deg; /* az_deg < 0: not published */
    };
    static const struct v3case cases[] = {
        {"Kozelsk-Washington", 54.033, 35.767, 38.951, -77.013, 7852, 310.5},
        {"Teykovo-Washington", 56.850, 40.533, 38.951, -77.013, 7867, 313.1},
        {"Tatishchevo-Washington", 51.667, 45.567, 38.951, -77.013, 8507, 317.6},
        {"Vypolzovo-New York", 57.87, 33.67, 40.679, -73.947, 7176, -1},
        {"Dombarovsky-Washington", 50.750, 59.500, 38.951, -77.013, 9178, -1},
        {"Uzhur-Washington", 55.333, 89.800, 38.951, -77.013, 9457, 349.7},
        {"Irkutsk-Washington", 52.317, 104.233, 38.951, -77.013, 9866, 1.0},
        {"Semnan-Ankara", 35.23, 53.92, 39.93, 32.86, 1923, -1},
        {"Semnan-Berlin", 35.23, 53.92, 52.520, 13.405, 3705, -1},
        {"Semnan-London", 35.23, 53.92, 51.507, -0.128, 4605, -1},
        {"Semnan-Washington", 35.23, 53.92, 38.951, -77.013, 10349, -1},
        {"Kurecik-Semnan", 38.3494, 37.7936, 35.23, 53.92, 1475, -1},
        {"Kaliningrad-Redzikowo", 54.71, 20.51, 54.47, 17.12, 220, -1},
    };
    bmd_earth s = bmd_earth_make(BMD_EARTH_SPHERE, true, true);
    bmd_earth w = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double w_rel = 0.0, w_az = 0.0, w_wgs = 0.0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct v3case *c = &cases[i];
        double sm, az;
        ENSURE(bmd_geodesic_inverse(&s, c->lat1 * DEG, c->lon1 * DEG, c->lat2 * DEG,
                                    c->lon2 * DEG, &sm, &az, NULL) == BMD_OK);
        double km = sm * (6371000.0 / 6371008.8) / 1000.0;
        double rel = fabs(km - c->km) / c->km;
        w_rel = upd(w_rel, rel);
        if (!(rel <= 5e-4))
            fprintf(stderr, "  V3 %s: %.3f km, table %.0f\n", c->name, km, c->km);
        CHECK_REL(km, c->km, 5e-4);
        if (c->az_deg >= 0.0) {
            double daz = fabs(wrap_pi(az - c->az_deg * DEG)) / DEG;
            w_az = upd(w_az, daz);
            CHECK_NEAR(daz, 0.0, 0.05);
        }
        double sw;
        ENSURE(bmd_geodesic_inverse(&w, c->lat1 * DEG, c->lon1 * DEG, c->lat2 * DEG,
                                    c->lon2 * DEG, &sw, NULL, NULL) == BMD_OK);
        double relw = fabs(sw / 1000.0 - c->km) / c->km;
        w_wgs = upd(w_wgs, relw);
        CHECK_REL(sw / 1000.0, c->km, 5e-3);
    }
    fprintf(stderr,
            "  V3 great circles: distance %.3g relative (tolerance 5e-4), azimuth %.3g deg "
            "(tolerance 0.05); WGS-84 geodesic vs table %.3g relative (tolerance 5e-3)\n",
            w_rel, w_az, w_wgs);
}

static void test_geodesic_errors(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    double s = 0.0, a = 0.0;
    ENSURE(bmd_geodesic_inverse(&e, NAN, 0.0, 0.1, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 0.0, NAN, 0.1, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 0.0, 0.0, NAN, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 0.0, 0.0, 0.1, NAN, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 0.0, INFINITY, 0.1, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 91.0 * DEG, 0.0, 0.1, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, 0.0, 0.0, -90.001 * DEG, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_inverse(&e, -INFINITY, 0.0, 0.1, 0.1, &s, &a, &a) == BMD_ERR_ARG);
    /* Exactly +-90 deg is valid. */
    ENSURE(bmd_geodesic_inverse(&e, 0.5 * BMD_PI, 0.0, -0.5 * BMD_PI, 0.0, &s, &a, NULL) ==
           BMD_OK);
    /* Meridian pole to pole: 2 x the meridian quadrant 10001965.729 m (WGS-84; Karney 2013). */
    CHECK_NEAR(s, 2.0 * 10001965.729, 2e-3);
    double lat2, lon2;
    ENSURE(bmd_geodesic_direct(&e, NAN, 0.0, 0.0, 1e3, &lat2, &lon2) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_direct(&e, 0.0, 0.0, 0.0, NAN, &lat2, &lon2) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_direct(&e, 0.0, 0.0, INFINITY, 1e3, &lat2, &lon2) == BMD_ERR_ARG);
    ENSURE(bmd_geodesic_direct(&e, 100.0 * DEG, 0.0, 0.0, 1e3, &lat2, &lon2) == BMD_ERR_ARG);
}

int main(void)
{
    RUN(test_constants_and_switches);
    RUN(test_geodetic_grid);
    RUN(test_ecef_random_vs_erfa);
    RUN(test_geodetic_near_axis);
    RUN(test_height_normal);
    RUN(test_geodetic_special_points);
    RUN(test_longitude_range);
    RUN(test_geodetic_published);
    RUN(test_geodetic_sphere);
    RUN(test_enu_basis);
    RUN(test_eci_ecef_position);
    RUN(test_eci_ecef_velocity);
    RUN(test_surface_speed);
    RUN(test_gravity);
    RUN(test_geodesic_geodtest);
    RUN(test_geodesic_sphere);
    RUN(test_geodesic_v3);
    RUN(test_geodesic_errors);
    return test_summary();
}
