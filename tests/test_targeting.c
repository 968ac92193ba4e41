/* SPDX-License-Identifier: MIT */
/* test_targeting.c: the targeting solver hits its aim points, honours shapes and apogees, finds
 * the least-energy flight (checked against Lambert's closed-form minimum-energy ellipse), finds
 * the maximum range, and says why when a target cannot be reached. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bmd/bmd.h"
#include "test.h"

static bmd_catalog *cat;

static const bmd_vehicle *veh(const char *id)
{
    const bmd_missile *m = bmd_catalog_find(cat, id);
    return m ? &m->v : NULL;
}

static bmd_aim aim_of(double lat1, double lon1, double lat2, double lon2, bmd_shape s, double apo_m)
{
    bmd_aim a;
    memset(&a, 0, sizeof a);
    a.launch_lat_rad = lat1 * BMD_DEG;
    a.launch_lon_rad = lon1 * BMD_DEG;
    a.target_lat_rad = lat2 * BMD_DEG;
    a.target_lon_rad = lon2 * BMD_DEG;
    a.shape = s;
    a.apogee_m = apo_m;
    return a;
}

/* Miss distance within 10 m on the full model for a spread of missiles, ranges and shapes. */
static void test_hits(void)
{
    struct {
        const char *id;
        double lat1, lon1, lat2, lon2;
        bmd_shape shape;
        double apo_km;
    } cases[] = {
        {"ss-27", 51.667, 45.567, 38.951, -77.013, BMD_SHAPE_MIN_ENERGY, NAN},
        {"ss-18", 50.750, 59.500, 38.951, -77.013, BMD_SHAPE_MIN_ENERGY, NAN},
        {"shahab-3", 38.08, 46.29, 39.93, 32.86, BMD_SHAPE_LOFTED, NAN},
        {"shahab-3", 38.08, 46.29, 39.93, 32.86, BMD_SHAPE_DEPRESSED, NAN},
        {"sejjil-2", 35.23, 53.92, 39.93, 32.86, BMD_SHAPE_LOFTED, 700.0},
        {"iskander-m", 54.71, 20.51, 54.47, 17.12, BMD_SHAPE_DEPRESSED, 50.0},
        {"ss-25", 56.633, 47.850, 64.0, -150.0, BMD_SHAPE_MIN_ENERGY, NAN},
    };
    bmd_flight_opts o = bmd_flight_default_opts();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bmd_aim a = aim_of(cases[i].lat1, cases[i].lon1, cases[i].lat2, cases[i].lon2,
                           cases[i].shape, cases[i].apo_km * 1e3);
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        bmd_aim_result res;
        bmd_status st = bmd_target(veh(cases[i].id), &a, &o, &res, &tr);
        ENSURE(st == BMD_OK);
        double miss = 0.0;
        bmd_geodesic_inverse(&o.earth, tr.sum.impact_lat_rad, tr.sum.impact_lon_rad,
                             a.target_lat_rad, a.target_lon_rad, &miss, NULL, NULL);
        fprintf(stderr, "  %-10s %-14s range %7.1f km miss %.2f m apogee %.1f km flights %d\n",
                cases[i].id, bmd_shape_name(cases[i].shape), tr.sum.range_m / 1e3, miss,
                tr.sum.apogee_m / 1e3, res.n_flights);
        CHECK_NEAR(miss, 0.0, 10.0);
        CHECK_NEAR(res.miss_m, miss, 0.01);
        if (isfinite(cases[i].apo_km))
            CHECK_NEAR(tr.sum.apogee_m / 1e3, cases[i].apo_km, 1.0);
        bmd_traj_free(&tr);
    }
}

/* For one target: lofted apogee > minimum-energy apogee > depressed apogee; minimum energy burns
 * less propellant (an earlier cutoff) than the full burns of the other two. */
static void test_shapes(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    double apo[3];
    double cut[3];
    for (int s = 0; s < 3; s++) {
        bmd_aim a = aim_of(35.23, 53.92, 44.43, 26.10, (bmd_shape)s, NAN); /* Semnan-Bucharest */
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        bmd_aim_result res;
        ENSURE(bmd_target(veh("iran-icbm-notional"), &a, &o, &res, &tr) == BMD_OK);
        apo[s] = tr.sum.apogee_m;
        cut[s] = res.guidance.cutoff_s;
        fprintf(stderr, "  %-14s apogee %7.1f km cutoff %6.1f s\n", bmd_shape_name((bmd_shape)s),
                apo[s] / 1e3, cut[s]);
        bmd_traj_free(&tr);
    }
    ENSURE(apo[BMD_SHAPE_LOFTED] > apo[BMD_SHAPE_MIN_ENERGY]);
    ENSURE(apo[BMD_SHAPE_MIN_ENERGY] > apo[BMD_SHAPE_DEPRESSED]);
    ENSURE(cut[BMD_SHAPE_MIN_ENERGY] < bmd_vehicle_burn_time(veh("iran-icbm-notional")));
    ENSURE(isinf(cut[BMD_SHAPE_LOFTED]) && isinf(cut[BMD_SHAPE_DEPRESSED]));
}

/* In the Keplerian world (sphere, no rotation, no J2, no air) the least inertial speed that
 * carries a body from radius r1 to radius r2 across a central angle psi is that of Lambert's
 * minimum-energy ellipse: a_min = s/2 with s = (r1 + r2 + c)/2, c the chord (Bate, Mueller &
 * White 1971, sec. 5.3; Battin 1999, sec. 6.4). The minimum-energy flight's burnout speed can be
 * no lower, and should be within 1% (the solver minimises propellant, which also pays gravity
 * losses that differ slightly from kick to kick). */
static void test_lambert_minimum_energy(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.earth = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    o.atmosphere = false;
    const double ranges_km[] = {3000.0, 6000.0, 9000.0};
    for (int i = 0; i < 3; i++) {
        bmd_aim a = aim_of(50.0, 40.0, 0.0, 0.0, BMD_SHAPE_MIN_ENERGY, NAN);
        bmd_geodesic_direct(&o.earth, a.launch_lat_rad, a.launch_lon_rad, -60.0 * BMD_DEG,
                            ranges_km[i] * 1e3, &a.target_lat_rad, &a.target_lon_rad);
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        bmd_aim_result res;
        ENSURE(bmd_target(veh("ss-27"), &a, &o, &res, &tr) == BMD_OK);
        bmd_vec3 r1;
        bmd_vec3 v1;
        ENSURE(bmd_traj_state(&tr, tr.sum.burnout_time_s, &r1, &v1) == BMD_OK);
        bmd_vec3 r2 = bmd_geodetic_to_ecef(&o.earth, tr.sum.impact_lat_rad, tr.sum.impact_lon_rad, 0.0);
        double n1 = bmd_v3_norm(r1);
        double n2 = bmd_v3_norm(r2);
        double c = bmd_v3_norm(bmd_v3_sub(r2, r1));
        double s = 0.5 * (n1 + n2 + c);
        double vmin = sqrt(o.earth.mu_m3_s2 * (2.0 / n1 - 2.0 / s));
        double v = bmd_v3_norm(v1);
        fprintf(stderr, "  %5.0f km: burnout speed %.2f m/s, Lambert minimum %.2f m/s (%+.3f%%)\n",
                ranges_km[i], v, vmin, 100.0 * (v / vmin - 1.0));
        ENSURE(v >= vmin * (1.0 - 1e-9));
        CHECK_REL(v, vmin, 0.01);
        bmd_traj_free(&tr);
    }
}

/* The maximum range beats every other kick on a coarse grid. */
static void test_max_range(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    const bmd_vehicle *v = veh("sejjil-2");
    ENSURE(bmd_max_range(v, 35.23 * BMD_DEG, 53.92 * BMD_DEG, 0.0, -60.0 * BMD_DEG, &o, &res, &tr) ==
           BMD_OK);
    double best = tr.sum.range_m;
    CHECK_NEAR(res.max_range_m, best, 1e-3);
    for (double k = 1.0; k < 89.5; k += 4.0) {
        bmd_guidance g = {-60.0 * BMD_DEG, k * BMD_DEG, INFINITY};
        ENSURE(bmd_fly(v, 35.23 * BMD_DEG, 53.92 * BMD_DEG, 0.0, &g, &o, &tr) == BMD_OK);
        ENSURE(tr.sum.range_m <= best + 1.0);
    }
    bmd_traj_free(&tr);
}

/* Unreachable targets say why. */
static void test_unreachable(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    bmd_aim a = aim_of(38.08, 46.29, 38.951, -77.013, BMD_SHAPE_MIN_ENERGY, NAN);
    ENSURE(bmd_target(veh("shahab-3"), &a, &o, &res, &tr) == BMD_ERR_UNREACHABLE);
    ENSURE(strstr(res.why, "beyond the maximum range") != NULL);
    /* A lofted apogee below the minimum-energy apogee is not a lofted flight. */
    a = aim_of(38.08, 46.29, 39.93, 32.86, BMD_SHAPE_LOFTED, 50e3);
    ENSURE(bmd_target(veh("shahab-3"), &a, &o, &res, &tr) == BMD_ERR_UNREACHABLE);
    ENSURE(strstr(res.why, "not attainable") != NULL);
    /* Same point. */
    a = aim_of(38.08, 46.29, 38.08, 46.29, BMD_SHAPE_MIN_ENERGY, NAN);
    ENSURE(bmd_target(veh("shahab-3"), &a, &o, &res, &tr) == BMD_ERR_UNREACHABLE);
    /* Bad numbers. */
    a = aim_of(NAN, 46.29, 39.93, 32.86, BMD_SHAPE_MIN_ENERGY, NAN);
    ENSURE(bmd_target(veh("shahab-3"), &a, &o, &res, &tr) == BMD_ERR_ARG);
    bmd_traj_free(&tr);
}

/* Earth rotation matters and is accounted for: flying the geodesic azimuth without correction
 * misses an ICBM target by far more than the solver's miss. */
static void test_rotation_accounted(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    bmd_aim a = aim_of(54.033, 35.767, 38.951, -77.013, BMD_SHAPE_MIN_ENERGY, NAN);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    ENSURE(bmd_target(veh("ss-19"), &a, &o, &res, &tr) == BMD_OK);
    double az_geo = 0.0;
    bmd_geodesic_inverse(&o.earth, a.launch_lat_rad, a.launch_lon_rad, a.target_lat_rad,
                         a.target_lon_rad, NULL, &az_geo, NULL);
    bmd_guidance g = res.guidance;
    g.azimuth_rad = az_geo;
    ENSURE(bmd_fly(veh("ss-19"), a.launch_lat_rad, a.launch_lon_rad, 0.0, &g, &o, &tr) == BMD_OK);
    double miss_geo = 0.0;
    bmd_geodesic_inverse(&o.earth, tr.sum.impact_lat_rad, tr.sum.impact_lon_rad, a.target_lat_rad,
                         a.target_lon_rad, &miss_geo, NULL, NULL);
    fprintf(stderr, "  azimuth correction %.2f deg; uncorrected miss %.0f km, solver miss %.1f m\n",
            (res.guidance.azimuth_rad - az_geo) / BMD_DEG, miss_geo / 1e3, res.miss_m);
    ENSURE(miss_geo > 100e3);
    ENSURE(res.miss_m < 10.0);
    bmd_traj_free(&tr);
}

int main(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        return 1;
    }
    RUN(test_hits);
    RUN(test_shapes);
    RUN(test_lambert_minimum_energy);
    RUN(test_max_range);
    RUN(test_unreachable);
    RUN(test_rotation_accounted);
    bmd_catalog_free(cat);
    return test_summary();
}
