/* SPDX-License-Identifier: MIT */
/*
**  test_radar.c -- physics validation of the sensors (src/sensors/radar.c, early_warning.c):
**  radar geometry and line of sight over the 4/3 Earth, field of regard, the range equation,
**  probability of detection, measurement noise, parameter checks, threat signatures, and
**  space-based early warning of a boosting missile.
**
**  Every reference is independent of bmdsim's own output:
**    - the closed-form radio horizon over a 4/3 Earth: tangent rays from both ends,
**      d = kR [acos(kR/(kR+hr)) + acos(kR/(kR+ht))], and the popular d = sqrt(2kRhr) + sqrt(2kRht)
**      ~ 4.12 (sqrt(hr) + sqrt(ht)) km, h in m (Doerry, Sandia report SAND2012-10690, 2013;
**      Federal Standard 1037C, "radar line-of-sight equation"; Skolnik, Introduction to Radar
**      Systems, 3rd ed., 2001, ch. 8);
**    - geodetic -> ECEF, ENU axes, the spherical direct problem and a ray-sphere test written here;
**    - the radar range equation R^4 = P_av t_i G A_e sigma / ((4 pi)^2 k T_s L SNR) evaluated from
**      first principles here (Skolnik 3rd ed. ch. 2; parameters.md sec. 3.1 and 6.7);
**    - Monte Carlo of a square-law detector on complex Gaussian echoes (Swerling 1: Swerling 1954,
**      IRE Trans. IT-6, 1960) and the Marcum Q function Q1 evaluated here as its Poisson-mixture
**      series (Marcum, IRE Trans. IT-6, 1960), for North's approximation (North, Proc. IEEE 51,
**      1963);
**    - for early warning, the integrator's own altitude event (a different code path from the
**      sensor's bisection) and a 1 ms scan of the dense output; sample statistics of the errors.
**  Each test prints its worst measured errors to stderr; docs/validation.md (Sensors) quotes them.
*/

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bmd/earth.h"
#include "bmd/flight.h"
#include "bmd/rng.h"
#include "bmd/sensor.h"
#include "bmd/vehicle.h"
#include "test.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Constants written out here, with their sources. */
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define R_SPHERE 6371008.8      /* bmd's sphere: IUGG mean radius R1 (m) */
#define WGS_A 6378137.0         /* WGS-84 semi-major axis (m), NIMA TR8350.2 table 3.1 */
#define WGS_INV_F 298.257223563 /* WGS-84 inverse flattening */
#define K_STD (4.0 / 3.0)       /* standard refraction: effective Earth radius factor */
#define K_BOLTZMANN 1.380649e-23 /* J/K, exact in the 2019 SI */

static double maxd(double a, double b) { return a > b ? a : b; }

/* ------------------------------------------------------------------------------------------ */
/* Independent geometry                                                                        */

static double wgs_e2(void)
{
    double f = 1.0 / WGS_INV_F;
    return f * (2.0 - f);
}

/* Geodetic -> ECEF, NIMA TR8350.2 eqs. 4-14, 4-15 (e2 = 0: sphere of radius a). */
static bmd_vec3 ref_ecef(double a, double e2, double lat, double lon, double h)
{
    double n = a / sqrt(1.0 - e2 * sin(lat) * sin(lat));
    return bmd_v3((n + h) * cos(lat) * cos(lon), (n + h) * cos(lat) * sin(lon),
                  (n * (1.0 - e2) + h) * sin(lat));
}

static void ref_enu(double lat, double lon, bmd_vec3 *e, bmd_vec3 *n, bmd_vec3 *u)
{
    *e = bmd_v3(-sin(lon), cos(lon), 0.0);
    *n = bmd_v3(-sin(lat) * cos(lon), -sin(lat) * sin(lon), cos(lat));
    *u = bmd_v3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat));
}

/* Spherical direct problem: the point at angular distance delta along azimuth az. */
static void sphere_direct(double lat1, double lon1, double az, double delta, double *lat2,
                          double *lon2)
{
    double s2 = sin(lat1) * cos(delta) + cos(lat1) * sin(delta) * cos(az);
    *lat2 = asin(fmax(-1.0, fmin(1.0, s2)));
    *lon2 = lon1 + atan2(sin(az) * sin(delta) * cos(lat1), cos(delta) - sin(lat1) * s2);
}

/* Radius of curvature of WGS-84 at lat along azimuth az (Euler): for the reference horizons. */
static double euler_radius(double lat, double az)
{
    double e2 = wgs_e2();
    double w2 = 1.0 - e2 * sin(lat) * sin(lat);
    double m = WGS_A * (1.0 - e2) / (w2 * sqrt(w2));
    double n = WGS_A / sqrt(w2);
    return 1.0 / (cos(az) * cos(az) / m + sin(az) * sin(az) / n);
}

/* Exact radio horizon (ground arc) over an effective sphere of radius rp: tangent rays. */
static double horizon_exact(double rp, double hr, double ht)
{
    return rp * (acos(rp / (rp + hr)) + acos(rp / (rp + ht)));
}

/* The popular form sqrt(2 rp hr) + sqrt(2 rp ht). */
static double horizon_popular(double rp, double hr, double ht)
{
    return sqrt(2.0 * rp * hr) + sqrt(2.0 * rp * ht);
}

/* ------------------------------------------------------------------------------------------ */
/* A radar                                                                                     */

static bmd_radar make_radar(double lat, double lon, double h)
{
    bmd_radar r;
    memset(&r, 0, sizeof r);
    strcpy(r.id, "test");
    strcpy(r.name, "test radar");
    r.lat_rad = lat;
    r.lon_rad = lon;
    r.h_m = h;
    r.boresight_az_rad = 0.0;
    r.az_half_width_rad = PI;
    r.el_min_rad = 0.0;
    r.el_max_rad = 0.5 * PI;
    r.range_max_m = 5.0e6;
    r.r0_m = 941953.7;
    r.sigma0_m2 = 0.1;
    r.snr0_db = 13.0;
    r.pfa = 1e-6;
    r.swerling = BMD_SWERLING_1;
    r.search_revisit_s = 10.0;
    r.cued_revisit_s = 1.0;
    r.track_revisit_s = 0.5;
    r.sigma_range0_m = 10.0;
    r.sigma_angle0_rad = 1e-3;
    r.k_refraction = K_STD;
    return r;
}

/* How a test places a target at ground distance s along az at height ht. */
typedef struct placer {
    const bmd_earth *earth;
    bool sphere; /* spherical direct written here; else PROJ's geodesic */
    double lat, lon, az, ht;
} placer;

static bmd_vec3 place(const placer *p, double s)
{
    double lat2;
    double lon2;
    if (p->sphere) {
        sphere_direct(p->lat, p->lon, p->az, s / R_SPHERE, &lat2, &lon2);
        return ref_ecef(R_SPHERE, 0.0, lat2, lon2, p->ht);
    }
    bmd_geodesic_direct(p->earth, p->lat, p->lon, p->az, s, &lat2, &lon2);
    return ref_ecef(WGS_A, wgs_e2(), lat2, lon2, p->ht);
}

/* Farthest ground distance in [lo, hi] at which line_of_sight (or, with field, in_field) holds:
 * bisection to 1 mm; the flag must hold at lo and fail at hi. */
static double boundary(const bmd_radar *r, const placer *p, double lo, double hi, bool field)
{
    bmd_look lk;
    bmd_radar_look(r, p->earth, place(p, lo), &lk);
    ENSURE(field ? lk.in_field : lk.line_of_sight);
    bmd_radar_look(r, p->earth, place(p, hi), &lk);
    ENSURE(!(field ? lk.in_field : lk.line_of_sight));
    while (hi - lo > 1e-3) {
        double m = 0.5 * (lo + hi);
        bmd_radar_look(r, p->earth, place(p, m), &lk);
        if (field ? lk.in_field : lk.line_of_sight)
            lo = m;
        else
            hi = m;
    }
    return 0.5 * (lo + hi);
}

/* ------------------------------------------------------------------------------------------ */
/* 1. Radio horizon                                                                            */

static void test_horizon_sphere(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    double rp = K_STD * R_SPHERE;
    static const double cases[][2] = {
        {10.0, 0.0}, {10.0, 10.0}, {30.0, 1000.0}, {100.0, 10000.0}, {1000.0, 3000.0},
        {2085.0, 20000.0}, {0.0, 100000.0}, {2085.0, 100000.0}, {50.0, 500000.0},
    };
    double worst_exact = 0.0;
    double worst_pop_low = 0.0;
    double worst_412 = 0.0;
    double worst_pop_high = 0.0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        double hr = cases[i][0];
        double ht = cases[i][1];
        bmd_radar r = make_radar(12.0 * DEG, 20.0 * DEG, hr);
        placer p = {&e, true, r.lat_rad, r.lon_rad, 37.0 * DEG, ht};
        double want = horizon_exact(rp, hr, ht);
        double got = boundary(&r, &p, 0.0, 2.0 * want + 1e4, false);
        CHECK_NEAR(got, want, 0.01);
        worst_exact = maxd(worst_exact, fabs(got - want));
        double pop = horizon_popular(rp, hr, ht);
        double rel = fabs(got - pop) / pop;
        /* "4.12 km per sqrt(m)": the popular rule as printed. */
        double p412 = 4120.0 * (sqrt(hr) + sqrt(ht));
        double rel412 = fabs(got - p412) / p412;
        if (maxd(hr, ht) <= 20000.0) {
            CHECK_REL(got, pop, 1e-3);
            CHECK_REL(got, p412, 1e-3);
            worst_pop_low = maxd(worst_pop_low, rel);
            worst_412 = maxd(worst_412, rel412);
        } else if (maxd(hr, ht) <= 100000.0) {
            /* sqrt(2 R h) drops the h^2 and angle - tangent terms: -0.5% at 100 km */
            CHECK_REL(got, pop, 5e-3);
            worst_pop_high = maxd(worst_pop_high, rel);
        }
        fprintf(stderr, "  sphere hr %6.0f m ht %7.0f m: horizon %.4f km, exact %.4f km, popular "
                        "%.4f km (%+.3f%%), 4.12 rule %.4f km\n",
                hr, ht, got / 1e3, want / 1e3, pop / 1e3, 100.0 * (got - pop) / pop, p412 / 1e3);
    }
    fprintf(stderr,
            "  worst: exact tangent form %.2e m; popular form %.3f%% (heights <= 20 km), %.3f%% "
            "(to 100 km); 4.12 rule %.3f%% (heights <= 20 km)\n",
            worst_exact, 100.0 * worst_pop_low, 100.0 * worst_pop_high, 100.0 * worst_412);
}

static void test_horizon_wgs84(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    double hr = 100.0;
    double ht = 10000.0;
    struct {
        const char *name;
        double lat, az;
    } cases[] = {{"equator, north", 0.0, 0.0},
                 {"equator, east", 0.0, 90.0 * DEG},
                 {"equator, 45 deg", 0.0, 45.0 * DEG},
                 {"pole", 90.0 * DEG, 30.0 * DEG},
                 {"45N, north", 45.0 * DEG, 0.0}};
    double worst_pop = 0.0;
    double worst_euler = 0.0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        bmd_radar r = make_radar(cases[i].lat, 10.0 * DEG, hr);
        placer p = {&e, false, r.lat_rad, r.lon_rad, cases[i].az, ht};
        double pop = horizon_popular(K_STD * R_SPHERE, hr, ht);
        double got = boundary(&r, &p, 0.0, 2.0 * pop, false);
        double eul = horizon_exact(K_STD * euler_radius(cases[i].lat, cases[i].az), hr, ht);
        CHECK_REL(got, pop, 5e-3);
        CHECK_REL(got, eul, 1e-6);
        worst_pop = maxd(worst_pop, fabs(got - pop) / pop);
        worst_euler = maxd(worst_euler, fabs(got - eul) / eul);
        fprintf(stderr,
                "  WGS-84 %-16s horizon %.4f km; popular (mean R) %.4f km (%+.3f%%); tangent form "
                "on the Euler radius %.4f km\n",
                cases[i].name, got / 1e3, pop / 1e3, 100.0 * (got - pop) / pop, eul / 1e3);
    }
    fprintf(stderr, "  worst: popular form %.3f%%; tangent form on the Euler radius %.2e rel\n",
            100.0 * worst_pop, worst_euler);
}

static void test_horizon_kurecik(void)
{
    /* AN/TPY-2 at Kurecik (38.3494 N, 37.7936 E, 2,085 m; parameters.md sec. 4) to an RV at
     * 100 km, looking east-south-east toward Iran. */
    bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    bmd_radar r = make_radar(38.3494 * DEG, 37.7936 * DEG, 2085.0);
    double az = 100.0 * DEG;
    double ht = 100000.0;
    placer p = {&e, false, r.lat_rad, r.lon_rad, az, ht};
    double got = boundary(&r, &p, 0.0, 3.0e6, false);
    double p412 = 4120.0 * (sqrt(2085.0) + sqrt(ht));
    double rp = K_STD * euler_radius(r.lat_rad, az);
    double eul = horizon_exact(rp, 2085.0, ht);
    CHECK_REL(got, p412, 5e-3);
    CHECK_REL(got, eul, 1e-6);
    /* With el_min = 0 the field of regard ends where the effective elevation is zero:
     * cos(theta) = (R' + hr)/(R' + ht). */
    double got0 = boundary(&r, &p, 0.0, 3.0e6, true);
    double want0 = rp * acos((rp + 2085.0) / (rp + ht));
    CHECK_REL(got0, want0, 1e-6);
    fprintf(stderr,
            "  Kurecik 2085 m -> RV 100 km: horizon %.3f km; 4.12 rule %.3f km (%+.3f%%); tangent "
            "form %.3f km (%.1e); el_eff = 0 at %.3f km (closed form %.3f km)\n",
            got / 1e3, p412 / 1e3, 100.0 * (got - p412) / p412, eul / 1e3, fabs(got - eul) / eul,
            got0 / 1e3, want0 / 1e3);
}

/* A site below the ellipsoid (a ship where the geoid is below it) sees over the sphere through
 * its own level. */
static void test_horizon_below_ellipsoid(void)
{
    bmd_earth e = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    bmd_radar r = make_radar(35.0 * DEG, 15.0 * DEG, -30.0);
    placer p = {&e, true, r.lat_rad, r.lon_rad, 200.0 * DEG, 1000.0};
    double rp = K_STD * R_SPHERE;
    double want = rp * acos((rp - 30.0) / (rp + 1000.0));
    double got = boundary(&r, &p, 0.0, 5e5, false);
    CHECK_NEAR(got, want, 0.01);
    fprintf(stderr, "  site at -30 m, target at 1 km: horizon %.4f km (closed form %.4f km)\n",
            got / 1e3, want / 1e3);
}

/* ------------------------------------------------------------------------------------------ */
/* 2. Line of sight: edge cases                                                                */

static void test_los_edges(void)
{
    bmd_earth sph = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    bmd_earth wgs = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    bmd_look lk;

    /* Straight overhead. */
    bmd_radar r = make_radar(38.0 * DEG, 37.0 * DEG, 2085.0);
    bmd_radar_look(&r, &wgs, ref_ecef(WGS_A, wgs_e2(), r.lat_rad, r.lon_rad, 500e3), &lk);
    ENSURE(lk.line_of_sight && lk.in_field && lk.in_range && lk.visible);
    CHECK_NEAR(lk.range_m, 500e3 - 2085.0, 1e-6);
    CHECK_NEAR(lk.el_rad, 0.5 * PI, 1e-9);
    CHECK_NEAR(lk.el_eff_rad, 0.5 * PI, 1e-9);
    ENSURE(lk.az_rad >= 0.0 && lk.az_rad < 2.0 * PI);
    r.el_max_rad = 85.0 * DEG;
    bmd_radar_look(&r, &wgs, ref_ecef(WGS_A, wgs_e2(), r.lat_rad, r.lon_rad, 500e3), &lk);
    ENSURE(lk.line_of_sight && !lk.in_field && !lk.visible);
    fprintf(stderr, "  overhead: range error %.2e m, el %.15f deg\n", lk.range_m - (500e3 - 2085.0),
            lk.el_rad / DEG);

    /* Just inside and just outside the horizon (sphere). */
    r = make_radar(10.0 * DEG, 0.0, 50.0);
    double rp = K_STD * R_SPHERE;
    double hz = horizon_exact(rp, 50.0, 10000.0);
    placer p = {&sph, true, r.lat_rad, r.lon_rad, 250.0 * DEG, 10000.0};
    bmd_radar_look(&r, &sph, place(&p, 0.99 * hz), &lk);
    ENSURE(lk.line_of_sight);
    bmd_radar_look(&r, &sph, place(&p, 1.01 * hz), &lk);
    ENSURE(!lk.line_of_sight && !lk.in_field && !lk.visible);
    /* Inside the horizon but below the radar's horizontal: visible only with a negative el_min. */
    r.el_min_rad = -2.0 * DEG;
    bmd_radar_look(&r, &sph, place(&p, 0.99 * hz), &lk);
    ENSURE(lk.line_of_sight && lk.el_eff_rad < 0.0 && lk.in_field);
    r.el_min_rad = 0.0;
    bmd_radar_look(&r, &sph, place(&p, 0.99 * hz), &lk);
    ENSURE(lk.line_of_sight && !lk.in_field);

    /* Down from a mountain to a low target nearby. */
    r = make_radar(38.0 * DEG, 37.0 * DEG, 2085.0);
    r.el_min_rad = -10.0 * DEG;
    placer pm = {&wgs, false, r.lat_rad, r.lon_rad, 10.0 * DEG, 500.0};
    bmd_radar_look(&r, &wgs, place(&pm, 50e3), &lk);
    ENSURE(lk.line_of_sight && lk.el_rad < 0.0 && lk.el_eff_rad < 0.0 && lk.in_field);

    /* Below the surface. */
    placer pu = {&wgs, false, r.lat_rad, r.lon_rad, 10.0 * DEG, -100.0};
    bmd_radar_look(&r, &wgs, place(&pu, 20e3), &lk);
    ENSURE(!lk.line_of_sight);

    /* Behind the Earth: a quarter of the way round at 1,000 km. */
    r = make_radar(0.0, 0.0, 100.0);
    placer pb = {&sph, true, 0.0, 0.0, 0.0, 1.0e6};
    bmd_radar_look(&r, &sph, place(&pb, 0.5 * PI * R_SPHERE), &lk);
    ENSURE(!lk.line_of_sight && !lk.in_field && !lk.visible);

    /* Antipodal, sphere and WGS-84, low and very high (geostationary height). */
    static const double hts[] = {0.0, 1.0e6, 3.5786e7};
    int n_blocked = 0;
    for (size_t i = 0; i < NELEM(hts); i++) {
        r = make_radar(20.0 * DEG, 30.0 * DEG, 100.0);
        bmd_radar_look(&r, &sph, ref_ecef(R_SPHERE, 0.0, -20.0 * DEG, -150.0 * DEG, hts[i]), &lk);
        ENSURE(!lk.line_of_sight);
        n_blocked += !lk.line_of_sight;
        bmd_radar_look(&r, &wgs, ref_ecef(WGS_A, wgs_e2(), -20.0 * DEG, -150.0 * DEG, hts[i]), &lk);
        ENSURE(!lk.line_of_sight);
        n_blocked += !lk.line_of_sight;
        /* pole to pole */
        r = make_radar(90.0 * DEG, 0.0, 100.0);
        bmd_radar_look(&r, &wgs, ref_ecef(WGS_A, wgs_e2(), -90.0 * DEG, 0.0, hts[i]), &lk);
        ENSURE(!lk.line_of_sight);
        n_blocked += !lk.line_of_sight;
    }
    /* A target at the radar itself. */
    r = make_radar(20.0 * DEG, 30.0 * DEG, 100.0);
    bmd_radar_look(&r, &wgs, ref_ecef(WGS_A, wgs_e2(), r.lat_rad, r.lon_rad, 100.0), &lk);
    ENSURE(lk.line_of_sight && lk.range_m < 1e-6);
    /* Non-finite target. */
    bmd_radar_look(&r, &wgs, bmd_v3((double)NAN, 0.0, 0.0), &lk);
    ENSURE(!lk.line_of_sight && !lk.visible && isnan(lk.range_m));
    fprintf(stderr, "  antipodal: %d of 9 blocked\n", n_blocked);
}

/* With k = 1 over the sphere the effective geometry is the true geometry: el_eff equals the
 * geometric elevation, and line of sight equals the segment clearing the sphere (written here). */
static void test_k1_geometry(void)
{
    bmd_earth sph = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    bmd_rng g = {12345u, 7u};
    double worst_el = 0.0;
    double worst_az = 0.0;
    double worst_range = 0.0;
    int n = 0;
    int n_vis = 0;
    int mismatch = 0;
    for (uint64_t i = 0; i < 20000; i++) {
        double u[4];
        bmd_rng_uniform4(g, i, u);
        double lat = asin(2.0 * u[0] - 1.0);
        double lon = (2.0 * u[1] - 1.0) * PI;
        double hr = 3000.0 * u[2];
        bmd_radar r = make_radar(lat, lon, hr);
        r.k_refraction = 1.0;
        double v[4];
        bmd_rng_uniform4(g, i + 1000000u, v);
        double delta = v[0] * v[0] * PI; /* many near, some far */
        double az = 2.0 * PI * v[1];
        double ht = 2.0e6 * v[2] * v[2];
        double lat2;
        double lon2;
        sphere_direct(lat, lon, az, delta, &lat2, &lon2);
        bmd_vec3 t = ref_ecef(R_SPHERE, 0.0, lat2, lon2, ht);
        bmd_vec3 s = ref_ecef(R_SPHERE, 0.0, lat, lon, hr);
        bmd_look lk;
        bmd_radar_look(&r, &sph, t, &lk);
        /* Reference elevation, azimuth and range in the ENU frame written here. */
        bmd_vec3 e;
        bmd_vec3 nn;
        bmd_vec3 up;
        ref_enu(lat, lon, &e, &nn, &up);
        bmd_vec3 d = bmd_v3_sub(t, s);
        double el = atan2(bmd_v3_dot(d, up), hypot(bmd_v3_dot(d, e), bmd_v3_dot(d, nn)));
        double azr = atan2(bmd_v3_dot(d, e), bmd_v3_dot(d, nn));
        double daz = remainder(lk.az_rad - azr, 2.0 * PI);
        worst_el = maxd(worst_el, fabs(lk.el_eff_rad - el));
        worst_el = maxd(worst_el, fabs(lk.el_rad - el));
        if (cos(el) > 1e-6)
            worst_az = maxd(worst_az, fabs(daz));
        worst_range = maxd(worst_range, fabs(lk.range_m - bmd_v3_norm(d)));
        /* Segment s -> t against the sphere of radius R. */
        double tc = -bmd_v3_dot(s, d) / bmd_v3_dot(d, d);
        tc = fmax(0.0, fmin(1.0, tc));
        double dist = bmd_v3_norm(bmd_v3_axpy(s, tc, d));
        if (fabs(dist - R_SPHERE) < 1.0)
            continue; /* grazing: within a metre of the surface */
        n++;
        bool want = dist >= R_SPHERE;
        n_vis += want;
        mismatch += want != lk.line_of_sight;
    }
    ENSURE(mismatch == 0);
    CHECK_NEAR(worst_el, 0.0, 1e-9);
    CHECK_NEAR(worst_az, 0.0, 1e-9);
    CHECK_NEAR(worst_range, 0.0, 1e-6);
    fprintf(stderr,
            "  k = 1 on the sphere, %d random looks (%d in sight): line-of-sight mismatches %d; "
            "worst |el_eff - el| %.2e rad, az %.2e rad, range %.2e m\n",
            n, n_vis, mismatch, worst_el, worst_az, worst_range);

    /* On WGS-84 with k = 1 the effective sphere is the osculating one at the site: close to the
     * true elevation nearby. */
    bmd_earth wgs = bmd_earth_make(BMD_EARTH_WGS84, false, false);
    double worst_w = 0.0;
    for (uint64_t i = 0; i < 2000; i++) {
        double u[4];
        bmd_rng_uniform4(g, 2000000u + i, u);
        double lat = asin(2.0 * u[0] - 1.0);
        bmd_radar r = make_radar(lat, 1.0, 100.0);
        r.k_refraction = 1.0;
        placer p = {&wgs, false, lat, 1.0, 2.0 * PI * u[1], 1.0e5 * u[2]};
        bmd_look lk;
        bmd_radar_look(&r, &wgs, place(&p, 300e3 * u[3]), &lk);
        worst_w = maxd(worst_w, fabs(lk.el_eff_rad - lk.el_rad));
    }
    CHECK_NEAR(worst_w, 0.0, 1e-4);
    fprintf(stderr, "  k = 1 on WGS-84 within 300 km: worst |el_eff - el| %.2e rad\n", worst_w);
}

/* ------------------------------------------------------------------------------------------ */
/* 3. Field of regard                                                                          */

static bmd_vec3 at_az_el(const bmd_radar *r, double az, double el, double range)
{
    bmd_vec3 e;
    bmd_vec3 n;
    bmd_vec3 u;
    ref_enu(r->lat_rad, r->lon_rad, &e, &n, &u);
    bmd_vec3 s = ref_ecef(R_SPHERE, 0.0, r->lat_rad, r->lon_rad, r->h_m);
    bmd_vec3 d = bmd_v3_add(bmd_v3_scale(e, cos(el) * sin(az)), bmd_v3_scale(n, cos(el) * cos(az)));
    d = bmd_v3_add(d, bmd_v3_scale(u, sin(el)));
    return bmd_v3_axpy(s, range, d);
}

static void test_field_of_regard(void)
{
    bmd_earth sph = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    bmd_radar r = make_radar(30.0 * DEG, 40.0 * DEG, 100.0);
    r.boresight_az_rad = 350.0 * DEG;
    r.az_half_width_rad = 60.0 * DEG;
    r.el_min_rad = 5.0 * DEG;
    r.el_max_rad = 60.0 * DEG;
    struct {
        double az_deg;
        bool in;
    } az_cases[] = {{40.0, true},  {60.0, false}, {300.0, true},  {280.0, false},
                    {350.0, true}, {0.0, true},   {170.0, false}, {49.0, true},
                    {51.0, false}, {291.0, true}, {289.0, false}, {359.999, true}};
    double worst_az = 0.0;
    double worst_el = 0.0;
    bmd_look lk;
    for (size_t i = 0; i < NELEM(az_cases); i++) {
        double az = az_cases[i].az_deg * DEG;
        bmd_radar_look(&r, &sph, at_az_el(&r, az, 20.0 * DEG, 200e3), &lk);
        ENSURE(lk.in_field == az_cases[i].in);
        ENSURE(lk.line_of_sight && lk.in_range);
        ENSURE(lk.az_rad >= 0.0 && lk.az_rad < 2.0 * PI);
        worst_az = maxd(worst_az, fabs(remainder(lk.az_rad - az, 2.0 * PI)));
        worst_el = maxd(worst_el, fabs(lk.el_rad - 20.0 * DEG));
    }
    CHECK_NEAR(worst_az, 0.0, 1e-9);
    CHECK_NEAR(worst_el, 0.0, 1e-9);
    /* Elevation limits (on el_eff, which over the 4/3 Earth lies a little above el). */
    struct {
        double el_deg;
        bool in;
    } el_cases[] = {{2.0, false}, {4.0, false}, {10.0, true}, {59.0, true}, {65.0, false},
                    {-1.0, false}};
    for (size_t i = 0; i < NELEM(el_cases); i++) {
        bmd_radar_look(&r, &sph, at_az_el(&r, 10.0 * DEG, el_cases[i].el_deg * DEG, 200e3), &lk);
        ENSURE(lk.in_field == el_cases[i].in);
        ENSURE(lk.el_eff_rad >= lk.el_rad - 1e-12);
    }
    /* All round: every azimuth. */
    r.az_half_width_rad = PI;
    int n_in = 0;
    for (int k = 0; k < 72; k++) {
        bmd_radar_look(&r, &sph, at_az_el(&r, k * 5.0 * DEG, 20.0 * DEG, 200e3), &lk);
        n_in += lk.in_field;
    }
    ENSURE(n_in == 72);
    /* Instrumented range. */
    r.range_max_m = 150e3;
    bmd_radar_look(&r, &sph, at_az_el(&r, 10.0 * DEG, 20.0 * DEG, 200e3), &lk);
    ENSURE(lk.in_field && !lk.in_range && !lk.visible);
    bmd_radar_look(&r, &sph, at_az_el(&r, 10.0 * DEG, 20.0 * DEG, 149e3), &lk);
    ENSURE(lk.in_field && lk.in_range && lk.visible);
    fprintf(stderr, "  azimuth wrap: boresight 350, half-width 60: %zu azimuths, %zu elevations; "
                    "all-round %d/72; worst az %.2e rad, el %.2e rad\n",
            NELEM(az_cases), NELEM(el_cases), n_in, worst_az, worst_el);
}

/* ------------------------------------------------------------------------------------------ */
/* 4. Range equation                                                                           */

/* R from the radar equation, first principles (parameters.md sec. 6.7):
 * R^4 = P_av t_i G A_e sigma / ((4 pi)^2 k T_s L SNR), G = 4 pi A_e / lambda^2, A_e = rho A. */
static double range_from_first_principles(double p_av, double sigma)
{
    double a_e = 0.8 * 9.2;
    double lambda = 0.0316;
    double gain = 4.0 * PI * a_e / (lambda * lambda);
    double t_i = 0.020;
    double t_s = 500.0;
    double loss = pow(10.0, 0.6);
    double snr = pow(10.0, 1.3);
    double r4 = p_av * t_i * gain * a_e * sigma /
                (16.0 * PI * PI * K_BOLTZMANN * t_s * loss * snr);
    return pow(r4, 0.25);
}

static void test_range_equation(void)
{
    bmd_radar r = make_radar(0.0, 0.0, 0.0);
    double snr0 = pow(10.0, 1.3);
    /* R^-4 and sigma scaling, the reference point. */
    CHECK_REL(bmd_radar_snr(&r, r.r0_m, r.sigma0_m2), snr0, 1e-14);
    CHECK_REL(bmd_radar_snr(&r, 2.0 * r.r0_m, r.sigma0_m2), snr0 / 16.0, 1e-14);
    CHECK_REL(bmd_radar_snr(&r, 0.5 * r.r0_m, 3.0 * r.sigma0_m2), snr0 * 48.0, 1e-14);
    double worst = 0.0;
    for (int i = 1; i <= 50; i++) {
        double range = 1e4 * i * i;
        double sigma = 1e-3 * i;
        double got = bmd_radar_snr(&r, range, sigma);
        double want = snr0 * pow(r.r0_m / range, 4.0) * sigma / r.sigma0_m2;
        worst = maxd(worst, fabs(got - want) / want);
        double rd = bmd_radar_detection_range(&r, sigma);
        double back = bmd_radar_snr(&r, rd, sigma);
        worst = maxd(worst, fabs(back - snr0) / snr0);
    }
    CHECK_NEAR(worst, 0.0, 1e-13);

    /* parameters.md sec. 3.1: 50 kW -> 530 / 942 / 1,675 km; 80 kW -> 596 / 1,059 / 1,884 km. */
    static const double sig[3] = {0.01, 0.1, 1.0};
    static const double printed50[3] = {530e3, 942e3, 1675e3};
    static const double printed80[3] = {596e3, 1059e3, 1884e3};
    double fp50[3];
    double worst_printed = 0.0;
    for (int i = 0; i < 3; i++) {
        fp50[i] = range_from_first_principles(50e3, sig[i]);
        double fp80 = range_from_first_principles(80e3, sig[i]);
        CHECK_REL(fp50[i], printed50[i], 5e-3);
        CHECK_REL(fp80, printed80[i], 5e-3);
        worst_printed = maxd(worst_printed, fabs(fp50[i] - printed50[i]) / printed50[i]);
        worst_printed = maxd(worst_printed, fabs(fp80 - printed80[i]) / printed80[i]);
    }
    /* A radar calibrated on one of them reproduces the others through (sigma/sigma0)^(1/4). */
    double worst_scaled = 0.0;
    double worst_scaled_fp = 0.0;
    for (int ref = 0; ref < 3; ref++) {
        bmd_radar c = make_radar(0.0, 0.0, 0.0);
        c.r0_m = fp50[ref];
        c.sigma0_m2 = sig[ref];
        c.snr0_db = 13.0;
        for (int i = 0; i < 3; i++) {
            double got = bmd_radar_detection_range(&c, sig[i]);
            CHECK_REL(got, printed50[i], 5e-3);
            CHECK_REL(got, fp50[i], 1e-13);
            worst_scaled = maxd(worst_scaled, fabs(got - printed50[i]) / printed50[i]);
            worst_scaled_fp = maxd(worst_scaled_fp, fabs(got - fp50[i]) / fp50[i]);
            /* and the SNR there is the reference SNR */
            CHECK_REL(bmd_radar_snr(&c, got, sig[i]), snr0, 1e-13);
        }
    }
    fprintf(stderr,
            "  first principles (50 kW): %.1f / %.1f / %.1f km; worst vs parameters.md printed "
            "%.3f%%; scaled from one reference: vs printed %.3f%%, vs first principles %.1e; "
            "scaling laws %.1e\n",
            fp50[0] / 1e3, fp50[1] / 1e3, fp50[2] / 1e3, 100.0 * worst_printed,
            100.0 * worst_scaled, worst_scaled_fp, worst);
}

/* ------------------------------------------------------------------------------------------ */
/* 5. Probability of detection                                                                 */

/* Four standard normals from one counter: two Box-Muller pairs written here. */
static void normals4(bmd_rng g, uint64_t ctr, double z[4])
{
    double u[4];
    bmd_rng_uniform4(g, ctr, u);
    for (int k = 0; k < 2; k++) {
        double rad = sqrt(-2.0 * log(u[2 * k]));
        z[2 * k] = rad * cos(2.0 * PI * u[2 * k + 1]);
        z[2 * k + 1] = rad * sin(2.0 * PI * u[2 * k + 1]);
    }
}

/* Monte Carlo of a square-law detector: complex noise of unit power plus a complex echo of power
 * snr, Rayleigh (fluctuating: Swerling 1) or of fixed amplitude (Swerling 0). Threshold
 * -ln Pfa on |x|^2 in noise-power units. */
static double pd_monte_carlo(double snr, double pfa, bool fluctuating, int n, uint64_t seed)
{
    bmd_rng g = {seed, 99u};
    double thr = -log(pfa);
    int hits = 0;
    for (int i = 0; i < n; i++) {
        double z[4];
        normals4(g, (uint64_t)i, z);
        double si;
        double sq;
        if (fluctuating) {
            si = sqrt(0.5 * snr) * z[0];
            sq = sqrt(0.5 * snr) * z[1];
        } else {
            si = sqrt(snr);
            sq = 0.0;
        }
        double xi = si + sqrt(0.5) * z[2];
        double xq = sq + sqrt(0.5) * z[3];
        hits += xi * xi + xq * xq > thr;
    }
    return (double)hits / n;
}

static void test_pd_swerling1_mc(void)
{
    bmd_radar r = make_radar(0.0, 0.0, 0.0);
    r.swerling = BMD_SWERLING_1;
    static const double snr_db[] = {0.0, 5.0, 10.0, 13.0, 15.0, 20.0, 25.0};
    static const double pfas[] = {1e-6, 1e-3};
    const int n = 100000;
    double worst_sig = 0.0;
    uint64_t seed = 1;
    for (size_t j = 0; j < NELEM(pfas); j++) {
        r.pfa = pfas[j];
        for (size_t i = 0; i < NELEM(snr_db); i++) {
            double snr = pow(10.0, 0.1 * snr_db[i]);
            double pd = bmd_radar_pd(&r, snr);
            double mc = pd_monte_carlo(snr, r.pfa, true, n, seed++);
            double se = sqrt(pd * (1.0 - pd) / n);
            CHECK_NEAR(mc, pd, 3.0 * se + 1e-12);
            worst_sig = maxd(worst_sig, fabs(mc - pd) / se);
        }
    }
    /* Noise alone crosses the threshold with probability Pfa. */
    double pfa_mc = pd_monte_carlo(0.0, 1e-2, true, n, seed++);
    CHECK_NEAR(pfa_mc, 1e-2, 3.0 * sqrt(1e-2 * 0.99 / n));
    fprintf(stderr,
            "  Swerling 1 vs Monte Carlo (1e5 trials, 14 cases): worst %.2f binomial sigma; "
            "noise-only rate %.5f for Pfa 0.01\n",
            worst_sig, pfa_mc);
}

/* Marcum's Q1(a, b) as the Poisson mixture of the non-central chi-square with 2 degrees of
 * freedom: Q1 = sum_k Pois(k; a^2/2) P(Pois(b^2/2) <= k). All terms positive. */
static double marcum_q1(double a, double b)
{
    double lam = 0.5 * a * a;
    double y = 0.5 * b * b;
    double pk = exp(-lam);   /* Pois(k; lam) */
    double tj = exp(-y);     /* Pois(k; y) */
    double cdf = tj;         /* P(Pois(y) <= k) */
    double sum = pk * cdf;
    int kmax = (int)(lam + 40.0 * sqrt(lam + 1.0) + y + 40.0 * sqrt(y + 1.0) + 50.0);
    for (int k = 1; k <= kmax; k++) {
        pk *= lam / k;
        tj *= y / k;
        cdf += tj;
        sum += pk * fmin(cdf, 1.0);
    }
    return sum;
}

static void test_pd_swerling0_marcum(void)
{
    bmd_radar r = make_radar(0.0, 0.0, 0.0);
    r.swerling = BMD_SWERLING_0;
    /* The series reproduces its own limits and a Monte Carlo of the steady target. */
    CHECK_NEAR(marcum_q1(0.0, sqrt(-2.0 * log(1e-6))), 1e-6, 1e-18);
    CHECK_NEAR(marcum_q1(3.0, 0.0), 1.0, 1e-15);
    double worst_mc = 0.0;
    static const double mc_snr_db[] = {8.0, 11.0, 13.0, 15.0};
    for (size_t i = 0; i < NELEM(mc_snr_db); i++) {
        double snr = pow(10.0, 0.1 * mc_snr_db[i]);
        double q = marcum_q1(sqrt(2.0 * snr), sqrt(-2.0 * log(1e-6)));
        double mc = pd_monte_carlo(snr, 1e-6, false, 100000, 1000u + i);
        double se = sqrt(q * (1.0 - q) / 100000.0);
        CHECK_NEAR(mc, q, 3.0 * se + 1e-12);
        worst_mc = maxd(worst_mc, fabs(mc - q) / se);
    }
    /* North's approximation against Q1 over Pd in [0.1, 0.99]. */
    static const double pfas[] = {1e-2, 1e-4, 1e-6, 1e-8, 1e-10};
    double worst = 0.0;
    double worst_pfa = 0.0;
    double worst_snr_db = 0.0;
    int n = 0;
    for (size_t j = 0; j < NELEM(pfas); j++) {
        r.pfa = pfas[j];
        double b = sqrt(-2.0 * log(r.pfa));
        double worst_j = 0.0;
        for (double db = -5.0; db <= 25.0; db += 0.05) {
            double snr = pow(10.0, 0.1 * db);
            double q = marcum_q1(sqrt(2.0 * snr), b);
            if (q < 0.1 || q > 0.99)
                continue;
            n++;
            double pd = bmd_radar_pd(&r, snr);
            CHECK_NEAR(pd, q, 0.02);
            if (fabs(pd - q) > worst) {
                worst = fabs(pd - q);
                worst_pfa = r.pfa;
                worst_snr_db = db;
            }
            worst_j = maxd(worst_j, fabs(pd - q));
        }
        fprintf(stderr, "  Swerling 0, Pfa %.0e: worst |North - Q1| %.4f\n", r.pfa, worst_j);
    }
    fprintf(stderr,
            "  Swerling 0: Q1 series vs Monte Carlo worst %.2f sigma; North vs Q1 over %d points "
            "with Pd in [0.1, 0.99]: worst %.4f (Pfa %.0e, SNR %.2f dB)\n",
            worst_mc, n, worst, worst_pfa, worst_snr_db);
}

static void test_pd_properties(void)
{
    bmd_radar r = make_radar(0.0, 0.0, 0.0);
    static const double pfas[] = {1e-2, 1e-6, 1e-10};
    bool mono = true;
    for (size_t j = 0; j < NELEM(pfas); j++) {
        r.pfa = pfas[j];
        r.swerling = BMD_SWERLING_1;
        CHECK_REL(bmd_radar_pd(&r, 0.0), r.pfa, 1e-14);
        CHECK_REL(bmd_radar_pd(&r, -1.0), r.pfa, 1e-14);
        CHECK_NEAR(bmd_radar_pd(&r, 1e9), 1.0, 1e-7);
        ENSURE(bmd_radar_pd(&r, 1e5) > 0.999);
        for (int s = 0; s <= 1; s++) {
            r.swerling = s ? BMD_SWERLING_1 : BMD_SWERLING_0;
            double prev = -1.0;
            for (double db = -20.0; db <= 40.0; db += 0.1) {
                double pd = bmd_radar_pd(&r, pow(10.0, 0.1 * db));
                if (!(pd >= prev) || pd > 1.0)
                    mono = false;
                prev = pd;
            }
            if (!s)
                CHECK_NEAR(bmd_radar_pd(&r, 1e3), 1.0, 1e-15);
            ENSURE(isnan(bmd_radar_pd(&r, (double)NAN)));
        }
    }
    ENSURE(mono);
    /* At 13 dB and Pfa 1e-6 the steady target is easier than the fluctuating one. */
    r.pfa = 1e-6;
    r.swerling = BMD_SWERLING_0;
    double p0 = bmd_radar_pd(&r, pow(10.0, 1.3));
    r.swerling = BMD_SWERLING_1;
    double p1 = bmd_radar_pd(&r, pow(10.0, 1.3));
    ENSURE(p0 > p1);
    fprintf(stderr, "  Pd(0) = Pfa, monotone on 601 SNRs x 3 Pfa x 2 cases: %s; 13 dB, 1e-6: "
                    "Swerling 0 %.4f, Swerling 1 %.4f\n",
            mono ? "yes" : "no", p0, p1);
}

/* ------------------------------------------------------------------------------------------ */
/* 6. Measurement noise                                                                        */

static void test_noise(void)
{
    bmd_radar r = make_radar(0.0, 0.0, 0.0);
    double snr0 = pow(10.0, 0.1 * r.snr0_db);
    double sr;
    double sa;
    bmd_radar_noise(&r, snr0, &sr, &sa);
    CHECK_REL(sr, r.sigma_range0_m, 1e-14);
    CHECK_REL(sa, r.sigma_angle0_rad, 1e-14);
    bmd_radar_noise(&r, snr0 / 4.0, &sr, &sa);
    CHECK_REL(sr, 2.0 * r.sigma_range0_m, 1e-14);
    CHECK_REL(sa, 2.0 * r.sigma_angle0_rad, 1e-14);
    bmd_radar_noise(&r, snr0 / 100.0, &sr, &sa);
    CHECK_REL(sr, 10.0 * r.sigma_range0_m, 1e-14);
    bmd_radar_noise(&r, snr0 * 25.0, &sr, &sa);
    CHECK_REL(sr, 0.2 * r.sigma_range0_m, 1e-14);
    bmd_radar_noise(&r, snr0 * 100.0, &sr, &sa);
    CHECK_REL(sr, 0.1 * r.sigma_range0_m, 1e-14);
    bmd_radar_noise(&r, snr0 * 1e6, &sr, &sa);
    CHECK_REL(sr, 0.1 * r.sigma_range0_m, 1e-14);
    CHECK_REL(sa, 0.1 * r.sigma_angle0_rad, 1e-14);
    /* Noise never falls as the SNR falls; sqrt law above the floor. */
    double worst = 0.0;
    double prev = 0.0;
    bool mono = true;
    for (double db = 60.0; db >= -20.0; db -= 0.25) {
        double snr = pow(10.0, 0.1 * db);
        bmd_radar_noise(&r, snr, &sr, NULL);
        if (sr < prev)
            mono = false;
        prev = sr;
        double want = r.sigma_range0_m * maxd(sqrt(snr0 / snr), 0.1);
        worst = maxd(worst, fabs(sr - want) / want);
    }
    ENSURE(mono);
    CHECK_NEAR(worst, 0.0, 1e-14);
    bmd_radar_noise(&r, 0.0, &sr, &sa);
    ENSURE(isinf(sr) && isinf(sa));
    bmd_radar_noise(&r, (double)NAN, &sr, &sa);
    ENSURE(isnan(sr) && isnan(sa));
    fprintf(stderr, "  noise: sqrt law worst rel error %.1e over 321 SNRs; floor 0.1 sigma0 from "
                    "100 snr0; monotone %s\n",
            worst, mono ? "yes" : "no");
}

/* ------------------------------------------------------------------------------------------ */
/* 7. Parameter checks                                                                         */

static int expect_reject(const bmd_radar *r, const char *needle)
{
    char why[256] = "";
    bmd_status st = bmd_radar_check(r, why, (int)sizeof why);
    ENSURE(st == BMD_ERR_ARG);
    if (needle && !strstr(why, needle)) {
        fprintf(stderr, "    message \"%s\" lacks \"%s\"\n", why, needle);
        ENSURE(strstr(why, needle) != NULL);
    }
    return st == BMD_ERR_ARG;
}

static void test_radar_check(void)
{
    bmd_radar ok = make_radar(38.0 * DEG, 37.0 * DEG, 2085.0);
    char why[256] = "";
    ENSURE(bmd_radar_check(&ok, why, (int)sizeof why) == BMD_OK);
    ENSURE(bmd_radar_check(&ok, NULL, 0) == BMD_OK);
    int n = 0;
    int rejected = 0;
    /* NaN in every double field. */
    struct {
        double *p;
        const char *name;
    } fields[] = {
        {&ok.lat_rad, "lat_rad"},
        {&ok.lon_rad, "lon_rad"},
        {&ok.h_m, "h_m"},
        {&ok.boresight_az_rad, "boresight_az_rad"},
        {&ok.az_half_width_rad, "az_half_width_rad"},
        {&ok.el_min_rad, "el_min_rad"},
        {&ok.el_max_rad, "el_max_rad"},
        {&ok.range_max_m, "range_max_m"},
        {&ok.r0_m, "r0_m"},
        {&ok.sigma0_m2, "sigma0_m2"},
        {&ok.snr0_db, "snr0_db"},
        {&ok.pfa, "pfa"},
        {&ok.search_revisit_s, "search_revisit_s"},
        {&ok.cued_revisit_s, "cued_revisit_s"},
        {&ok.track_revisit_s, "track_revisit_s"},
        {&ok.sigma_range0_m, "sigma_range0_m"},
        {&ok.sigma_angle0_rad, "sigma_angle0_rad"},
        {&ok.k_refraction, "k_refraction"},
    };
    for (size_t i = 0; i < NELEM(fields); i++) {
        double keep = *fields[i].p;
        *fields[i].p = (double)NAN;
        n++;
        rejected += expect_reject(&ok, fields[i].name);
        *fields[i].p = (double)INFINITY;
        n++;
        rejected += expect_reject(&ok, NULL);
        *fields[i].p = keep;
    }
    bmd_radar r = ok;
    r.h_m = -3000.0;
    n++;
    rejected += expect_reject(&r, "site height -3000 m is below the sea floor limit of -500 m");
    r = ok;
    r.h_m = 20000.0;
    n++;
    rejected += expect_reject(&r, "site height");
    r = ok;
    r.lat_rad = 1.6;
    n++;
    rejected += expect_reject(&r, "lat_rad");
    r = ok;
    r.el_min_rad = 0.3;
    r.el_max_rad = 0.3;
    n++;
    rejected += expect_reject(&r, "empty field of regard: el_min >= el_max");
    r.el_min_rad = 0.5;
    n++;
    rejected += expect_reject(&r, "empty field of regard");
    r = ok;
    r.az_half_width_rad = 0.0;
    n++;
    rejected += expect_reject(&r, "az_half_width_rad");
    r = ok;
    r.pfa = 0.0;
    n++;
    rejected += expect_reject(&r, "pfa must be in (0, 0.5)");
    r.pfa = 1.0;
    n++;
    rejected += expect_reject(&r, "pfa must be in (0, 0.5)");
    r.pfa = 0.5;
    n++;
    rejected += expect_reject(&r, "pfa");
    r = ok;
    r.sigma_range0_m = -1.0;
    n++;
    rejected += expect_reject(&r, "sigma_range0_m");
    r = ok;
    r.sigma_angle0_rad = 0.0;
    n++;
    rejected += expect_reject(&r, "sigma_angle0_rad");
    r = ok;
    r.search_revisit_s = 0.0;
    n++;
    rejected += expect_reject(&r, "search_revisit_s");
    r = ok;
    r.cued_revisit_s = 0.0;
    n++;
    rejected += expect_reject(&r, "cued_revisit_s");
    r = ok;
    r.track_revisit_s = 0.0;
    n++;
    rejected += expect_reject(&r, "track_revisit_s");
    r = ok;
    r.k_refraction = 0.9;
    n++;
    rejected += expect_reject(&r, "k_refraction");
    r.k_refraction = 2.5;
    n++;
    rejected += expect_reject(&r, "k_refraction");
    r = ok;
    r.swerling = (bmd_swerling)3;
    n++;
    rejected += expect_reject(&r, "swerling");
    r = ok;
    r.r0_m = -1.0;
    n++;
    rejected += expect_reject(&r, "r0_m");
    /* Accepted edges: -500 m, k = 1 and 2, all round. */
    r = ok;
    r.h_m = -500.0;
    r.k_refraction = 1.0;
    r.az_half_width_rad = 4.0;
    r.el_min_rad = -0.5 * PI;
    ENSURE(bmd_radar_check(&r, NULL, 0) == BMD_OK);
    r.k_refraction = 2.0;
    ENSURE(bmd_radar_check(&r, NULL, 0) == BMD_OK);
    ENSURE(rejected == n);
    /* A tiny buffer is not overrun. */
    char small[8];
    memset(small, 'x', sizeof small);
    r = ok;
    r.pfa = 0.0;
    ENSURE(bmd_radar_check(&r, small, (int)sizeof small) == BMD_ERR_ARG);
    ENSURE(memchr(small, '\0', sizeof small) != NULL);
    fprintf(stderr, "  bmd_radar_check: %d of %d bad radars rejected with the field named\n",
            rejected, n);
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Signatures                                                                               */

static void test_signature(void)
{
    bmd_signature s;
    memset(&s, 0, sizeof s);
    s.booster_rcs_m2 = 10.0;
    s.rv_rcs_m2 = 0.05;
    ENSURE(bmd_signature_check(&s, NULL, 0) == BMD_OK);
    CHECK_NEAR(bmd_signature_rcs(&s, true, 0.3), 10.0, 0.0);
    CHECK_NEAR(bmd_signature_rcs(&s, false, 0.3), 0.05, 0.0);
    /* nose-on 0.01, broadside 1, tail 0.1 */
    s.rv_table.n = 3;
    s.rv_table.aspect_rad[0] = 0.2;
    s.rv_table.aspect_rad[1] = 0.5 * PI;
    s.rv_table.aspect_rad[2] = PI;
    s.rv_table.rcs_m2[0] = 0.01;
    s.rv_table.rcs_m2[1] = 1.0;
    s.rv_table.rcs_m2[2] = 0.1;
    ENSURE(bmd_signature_check(&s, NULL, 0) == BMD_OK);
    CHECK_NEAR(bmd_signature_rcs(&s, false, 0.0), 0.01, 0.0);
    CHECK_NEAR(bmd_signature_rcs(&s, false, 0.2), 0.01, 1e-15);
    double mid = 0.5 * (0.2 + 0.5 * PI);
    CHECK_NEAR(bmd_signature_rcs(&s, false, mid), 0.505, 1e-14);
    CHECK_NEAR(bmd_signature_rcs(&s, false, 0.75 * PI), 0.55, 1e-14);
    CHECK_NEAR(bmd_signature_rcs(&s, false, PI), 0.1, 1e-15);
    CHECK_NEAR(bmd_signature_rcs(&s, false, 4.0), 0.1, 0.0);
    CHECK_NEAR(bmd_signature_rcs(&s, true, 1.0), 10.0, 0.0);
    ENSURE(isnan(bmd_signature_rcs(&s, false, (double)NAN)));
    char why[128] = "";
    s.rv_table.aspect_rad[2] = 1.0;
    ENSURE(bmd_signature_check(&s, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "aspect_rad[2]") != NULL);
    s.rv_table.aspect_rad[2] = PI;
    s.rv_table.rcs_m2[1] = -1.0;
    ENSURE(bmd_signature_check(&s, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "rcs_m2[1]") != NULL);
    s.rv_table.rcs_m2[1] = 1.0;
    s.rv_table.n = BMD_MAX_RCS_TABLE + 1;
    ENSURE(bmd_signature_check(&s, NULL, 0) == BMD_ERR_ARG);
    s.rv_table.n = 3;
    s.booster_rcs_m2 = (double)NAN;
    ENSURE(bmd_signature_check(&s, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "booster_rcs_m2") != NULL);
    fprintf(stderr, "  signatures: phase, table interpolation, ends, checks\n");
}

/* ------------------------------------------------------------------------------------------ */
/* 9. Early warning                                                                            */

static bmd_vehicle one_stage(void)
{
    bmd_vehicle v;
    memset(&v, 0, sizeof v);
    strcpy(v.id, "ew-test");
    strcpy(v.name, "single-stage test rocket");
    v.n_stages = 1;
    bmd_stage *s = &v.stages[0];
    s->gross_mass_kg = 10000.0;
    s->propellant_mass_kg = 8000.0;
    s->burn_time_s = 60.0;
    s->isp_vac_s = 250.0;
    s->ref_area_m2 = 1.0;
    s->cd.n = 1;
    s->cd.mach[0] = 0.0;
    s->cd.cd[0] = 0.2;
    v.payload_mass_kg = 500.0;
    v.rv_beta_kg_m2 = 5000.0;
    v.vertical_rise_s = 5.0;
    v.pitchover_s = 10.0;
    v.default_shape = BMD_SHAPE_MIN_ENERGY;
    v.default_apogee_m = (double)NAN;
    return v;
}

#define LAUNCH_LAT (32.0 * DEG)
#define LAUNCH_LON (51.0 * DEG)
#define CLOUD_TOP 10000.0

/* Fly the test rocket from (32 N, 51 E) toward 300 deg with an altitude event at the cloud top. */
static bmd_status fly_ew(double cutoff_s, bmd_trajectory *tr)
{
    bmd_vehicle v = one_stage();
    bmd_guidance g = {300.0 * DEG, 10.0 * DEG, cutoff_s};
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = true;
    o.n_altitudes = 1;
    o.altitudes_m[0] = CLOUD_TOP;
    bmd_traj_init(tr);
    return bmd_fly(&v, LAUNCH_LAT, LAUNCH_LON, 0.0, &g, &o, tr);
}

static double event_time(const bmd_trajectory *tr, bmd_flight_event_kind kind)
{
    for (int i = 0; i < tr->n_events; i++)
        if (tr->events[i].kind == kind)
            return tr->events[i].t_s;
    return (double)NAN;
}

static bmd_ew_sensor make_ew(void)
{
    bmd_ew_sensor s;
    memset(&s, 0, sizeof s);
    strcpy(s.id, "sbirs");
    strcpy(s.name, "test early warning");
    s.cloud_top_m = CLOUD_TOP;
    s.first_report_delay_s = 20.0;
    s.processing_delay_s = 15.0;
    s.sigma_launch_pos_m = 2000.0;
    s.sigma_launch_time_s = 1.5;
    s.sigma_azimuth_rad = 2.0 * DEG;
    return s;
}

static void test_ew_timeline(void)
{
    bmd_trajectory tr;
    ENSURE(fly_ew((double)INFINITY, &tr) == BMD_OK);
    double t_cross = event_time(&tr, BMD_EV_ALTITUDE);
    double t_bo = event_time(&tr, BMD_EV_BURNOUT);
    ENSURE(isfinite(t_cross) && isfinite(t_bo));
    /* Independent scan of the dense output at 1 ms for the first sample at or above the top. */
    double t_scan = (double)NAN;
    for (int i = 0; i <= 60000; i++) {
        double h;
        bmd_traj_geodetic(&tr, 1e-3 * i, NULL, NULL, &h, NULL);
        if (h >= CLOUD_TOP) {
            t_scan = 1e-3 * i;
            break;
        }
    }
    bmd_ew_sensor s = make_ew();
    s.sigma_launch_pos_m = 0.0;
    s.sigma_launch_time_s = 0.0;
    s.sigma_azimuth_rad = 0.0;
    bmd_rng g = {42u, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
    bmd_ew_report rep;
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(rep.detected);
    CHECK_NEAR(rep.t_first_report_s, t_cross + 20.0, 0.01);
    CHECK_NEAR(rep.t_visible_s, t_scan, 1.001e-3);
    CHECK_NEAR(rep.t_cue_s, rep.t_first_report_s + 15.0, 1e-12);
    CHECK_NEAR(rep.t_lost_s, t_bo, 1e-12);
    /* With zero errors the report is the truth. */
    CHECK_NEAR(rep.launch_lat_rad, LAUNCH_LAT, 1e-15);
    CHECK_NEAR(rep.launch_lon_rad, LAUNCH_LON, 1e-15);
    CHECK_NEAR(rep.launch_time_s, 0.0, 0.0);
    double lat1;
    double lon1;
    bmd_traj_geodetic(&tr, t_cross + 20.0, &lat1, &lon1, NULL, NULL);
    double az_true;
    bmd_geodesic_inverse(&tr.earth, LAUNCH_LAT, LAUNCH_LON, lat1, lon1, NULL, &az_true, NULL);
    az_true = fmod(az_true + 2.0 * PI, 2.0 * PI);
    CHECK_NEAR(rep.azimuth_rad, az_true, 1e-6);
    CHECK_NEAR(rep.azimuth_rad, 300.0 * DEG, 3.0 * DEG); /* the guidance azimuth, roughly */
    fprintf(stderr,
            "  first report %.6f s: altitude event %.6f s + 20 s (error %.2e s); 1 ms scan %.3f s; "
            "burnout %.3f s; azimuth %.3f deg (guidance 300)\n",
            rep.t_first_report_s, t_cross, rep.t_first_report_s - (t_cross + 20.0), t_scan, t_bo,
            rep.azimuth_rad / DEG);
    double err1 = fabs(rep.t_first_report_s - (t_cross + 20.0));

    /* Cloud top at the pad's height: visible at launch. */
    s.cloud_top_m = 0.0;
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    CHECK_NEAR(rep.t_visible_s, 0.0, 0.0);

    /* Other cloud tops against a fresh flight with their events. */
    double worst = err1;
    static const double tops[] = {2000.0, 8000.0, 15000.0, 30000.0};
    for (size_t i = 0; i < NELEM(tops); i++) {
        bmd_vehicle v = one_stage();
        bmd_guidance gd = {300.0 * DEG, 10.0 * DEG, (double)INFINITY};
        bmd_flight_opts o = bmd_flight_default_opts();
        o.n_altitudes = 1;
        o.altitudes_m[0] = tops[i];
        bmd_trajectory t2;
        bmd_traj_init(&t2);
        ENSURE(bmd_fly(&v, LAUNCH_LAT, LAUNCH_LON, 0.0, &gd, &o, &t2) == BMD_OK);
        s.cloud_top_m = tops[i];
        ENSURE(bmd_ew_observe(&s, &t2, g, &rep) == BMD_OK);
        double tc = event_time(&t2, BMD_EV_ALTITUDE);
        CHECK_NEAR(rep.t_visible_s, tc, 0.01);
        worst = maxd(worst, fabs(rep.t_visible_s - tc));
        bmd_traj_free(&t2);
    }
    fprintf(stderr, "  crossing vs altitude event, 5 cloud tops: worst %.2e s\n", worst);
    bmd_traj_free(&tr);
}

static void test_ew_not_detected(void)
{
    bmd_trajectory tr;
    ENSURE(fly_ew((double)INFINITY, &tr) == BMD_OK);
    double t_cross = event_time(&tr, BMD_EV_ALTITUDE);
    double t_bo = event_time(&tr, BMD_EV_BURNOUT);
    bmd_ew_sensor s = make_ew();
    bmd_rng g = {7u, bmd_rng_stream(BMD_RNG_EARLY_WARN, 1, 0)};
    bmd_ew_report rep;
    /* The report would come after burnout. */
    s.first_report_delay_s = t_bo - t_cross + 0.5;
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(!rep.detected);
    CHECK_NEAR(rep.t_first_report_s, t_bo + 0.5, 0.01);
    ENSURE(isnan(rep.launch_lat_rad) && isnan(rep.azimuth_rad));
    /* Just before burnout: detected. */
    s.first_report_delay_s = t_bo - t_cross - 0.5;
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(rep.detected);
    bmd_traj_free(&tr);

    /* Thrust cut at 30 s: the report at crossing + 20 s comes after it. */
    ENSURE(fly_ew(30.0, &tr) == BMD_OK);
    t_cross = event_time(&tr, BMD_EV_ALTITUDE);
    s = make_ew();
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(t_cross + 20.0 > 30.0);
    ENSURE(!rep.detected);
    CHECK_NEAR(rep.t_lost_s, 30.0, 1e-9);
    bmd_traj_free(&tr);

    /* A cloud top above the burnout height: never visible. */
    ENSURE(fly_ew((double)INFINITY, &tr) == BMD_OK);
    s.cloud_top_m = tr.sum.burnout_altitude_m + 1000.0;
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(!rep.detected && isnan(rep.t_visible_s) && isnan(rep.t_first_report_s));
    bmd_traj_free(&tr);

    /* Free flight: no boost. */
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_traj_init(&tr);
    ENSURE(bmd_fly_free(LAUNCH_LAT, LAUNCH_LON, 100e3, 3000.0, 40.0 * DEG, 0.0, 0.0, &o, &tr) ==
           BMD_OK);
    s = make_ew();
    ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
    ENSURE(!rep.detected);
    bmd_traj_free(&tr);

    /* No stored path; a bad sensor. */
    ENSURE(fly_ew((double)INFINITY, &tr) == BMD_OK);
    bmd_trajectory nopath = tr;
    nopath.n_seg = 0;
    ENSURE(bmd_ew_observe(&s, &nopath, g, &rep) == BMD_ERR_ARG);
    ENSURE(!rep.detected);
    bmd_ew_sensor bad = make_ew();
    bad.first_report_delay_s = (double)NAN;
    ENSURE(bmd_ew_observe(&bad, &tr, g, &rep) == BMD_ERR_ARG);
    char why[128] = "";
    ENSURE(bmd_ew_check(&bad, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "first_report_delay_s") != NULL);
    bad = make_ew();
    bad.sigma_launch_pos_m = -1.0;
    ENSURE(bmd_ew_check(&bad, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "sigma_launch_pos_m") != NULL);
    bad = make_ew();
    bad.cloud_top_m = -5.0;
    ENSURE(bmd_ew_check(&bad, why, (int)sizeof why) == BMD_ERR_ARG);
    ENSURE(strstr(why, "cloud_top_m") != NULL);
    bmd_traj_free(&tr);
    fprintf(stderr, "  not detected: report after burnout, thrust cut, cloud above burnout, free "
                    "flight; errors for no path and bad sensors\n");
}

static void test_ew_statistics(void)
{
    bmd_trajectory tr;
    ENSURE(fly_ew((double)INFINITY, &tr) == BMD_OK);
    bmd_ew_sensor s = make_ew();
    s.sigma_launch_pos_m = 3000.0;
    s.sigma_launch_time_s = 1.5;
    s.sigma_azimuth_rad = 2.0 * DEG;
    bmd_ew_sensor s0 = s;
    s0.sigma_launch_pos_m = 0.0;
    s0.sigma_launch_time_s = 0.0;
    s0.sigma_azimuth_rad = 0.0;
    bmd_ew_report truth;
    bmd_rng g0 = {1u, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
    ENSURE(bmd_ew_observe(&s0, &tr, g0, &truth) == BMD_OK);
    const int n = 20000;
    double sum[4] = {0};
    double sum2[4] = {0};
    double cross_ne = 0.0;
    double cross_ta = 0.0;
    static const char *names[4] = {"north", "east", "time", "azimuth"};
    double sig[4] = {s.sigma_launch_pos_m, s.sigma_launch_pos_m, s.sigma_launch_time_s,
                     s.sigma_azimuth_rad};
    bool same = true;
    for (int i = 0; i < n; i++) {
        bmd_rng g = {1000u + (uint64_t)i, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
        bmd_ew_report rep;
        ENSURE(bmd_ew_observe(&s, &tr, g, &rep) == BMD_OK);
        ENSURE(rep.detected);
        /* Position error as north/east metres by the geodesic written in PROJ (independent of
         * the sensor's radius-of-curvature conversion). */
        double dist;
        double az;
        bmd_geodesic_inverse(&tr.earth, truth.launch_lat_rad, truth.launch_lon_rad,
                             rep.launch_lat_rad, rep.launch_lon_rad, &dist, &az, NULL);
        double z[4] = {dist * cos(az) / sig[0], dist * sin(az) / sig[1],
                       (rep.launch_time_s - truth.launch_time_s) / sig[2],
                       remainder(rep.azimuth_rad - truth.azimuth_rad, 2.0 * PI) / sig[3]};
        for (int k = 0; k < 4; k++) {
            sum[k] += z[k];
            sum2[k] += z[k] * z[k];
        }
        cross_ne += z[0] * z[1];
        cross_ta += z[2] * z[3];
        /* Same seed, same report. */
        bmd_ew_report again;
        bmd_ew_observe(&s, &tr, g, &again);
        same = same && again.launch_lat_rad == rep.launch_lat_rad &&
               again.launch_lon_rad == rep.launch_lon_rad &&
               again.launch_time_s == rep.launch_time_s && again.azimuth_rad == rep.azimuth_rad &&
               again.t_first_report_s == rep.t_first_report_s;
    }
    ENSURE(same);
    for (int k = 0; k < 4; k++) {
        double mean = sum[k] / n;
        /* mean of n standard normals: within 3/sqrt(n); sum of squares ~ chi2(n): within
         * n +- 3 sqrt(2n) */
        CHECK_NEAR(mean, 0.0, 3.0 / sqrt((double)n));
        CHECK_NEAR(sum2[k], (double)n, 3.0 * sqrt(2.0 * n));
        fprintf(stderr,
                "  %-7s error: sample sd / sigma %.4f (chi2 %.0f for n = %d, 3-sigma band +-%.0f); "
                "mean %+.4f sigma\n",
                names[k], sqrt(sum2[k] / n), sum2[k], n, 3.0 * sqrt(2.0 * n), mean);
    }
    CHECK_NEAR(cross_ne / n, 0.0, 3.0 / sqrt((double)n));
    CHECK_NEAR(cross_ta / n, 0.0, 3.0 / sqrt((double)n));
    /* Different seeds differ. */
    bmd_ew_report a;
    bmd_ew_report b;
    bmd_rng ga = {5u, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
    bmd_rng gb = {6u, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
    bmd_ew_observe(&s, &tr, ga, &a);
    bmd_ew_observe(&s, &tr, gb, &b);
    ENSURE(a.launch_lat_rad != b.launch_lat_rad);
    fprintf(stderr, "  correlations north-east %+.4f, time-azimuth %+.4f (3-sigma %.4f); same seed "
                    "identical: %s\n",
            cross_ne / n, cross_ta / n, 3.0 / sqrt((double)n), same ? "yes" : "no");
    bmd_traj_free(&tr);
}

int main(void)
{
    RUN(test_horizon_sphere);
    RUN(test_horizon_wgs84);
    RUN(test_horizon_kurecik);
    RUN(test_horizon_below_ellipsoid);
    RUN(test_los_edges);
    RUN(test_k1_geometry);
    RUN(test_field_of_regard);
    RUN(test_range_equation);
    RUN(test_pd_swerling1_mc);
    RUN(test_pd_swerling0_marcum);
    RUN(test_pd_properties);
    RUN(test_noise);
    RUN(test_radar_check);
    RUN(test_signature);
    RUN(test_ew_timeline);
    RUN(test_ew_not_detected);
    RUN(test_ew_statistics);
    return test_summary();
}
