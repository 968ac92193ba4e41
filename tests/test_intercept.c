/* SPDX-License-Identifier: MIT */
/* test_intercept.c: fly-out tables against direct integration, the intercept solver's window
 * against a direct fly-out to the predicted intercept point, its reasons, and the burnout-speed
 * override. The interceptor is a notional three-stage ship interceptor of the SM-3 Block IA class
 * (the stage set of the project's reference survey, parameters.md §2.1, [C]). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bmd/bmd.h"
#include "test.h"

static bmd_vehicle sm3(void)
{
    bmd_vehicle v;
    memset(&v, 0, sizeof v);
    snprintf(v.id, sizeof v.id, "test-sm3");
    v.n_stages = 3;
    const double gross[3] = {700.0, 560.0, 215.0};
    const double prop[3] = {500.0, 380.0, 110.0};
    const double isp[3] = {235.0, 245.0, 280.0};
    const double burn[3] = {6.0, 30.0, 20.0};
    const double dia[3] = {0.533, 0.343, 0.343};
    for (int i = 0; i < 3; i++) {
        bmd_stage *s = &v.stages[i];
        s->gross_mass_kg = gross[i];
        s->propellant_mass_kg = prop[i];
        s->isp_vac_s = isp[i];
        s->burn_time_s = burn[i];
        s->ref_area_m2 = 0.25 * BMD_PI * dia[i] * dia[i];
        s->cd.n = 3;
        s->cd.mach[0] = 0.0;
        s->cd.mach[1] = 1.2;
        s->cd.mach[2] = 4.0;
        s->cd.cd[0] = 0.1;
        s->cd.cd[1] = 0.36;
        s->cd.cd[2] = 0.135;
    }
    v.payload_mass_kg = 25.0;
    v.rv_beta_kg_m2 = 2000.0;
    v.vertical_rise_s = 1.0;
    v.pitchover_s = 2.0;
    v.default_apogee_m = NAN;
    return v;
}

static const double SITE_LAT = 34.5 * BMD_DEG, SITE_LON = 30.0 * BMD_DEG;
static bmd_flyout *fly;
static bmd_vehicle veh;
static bmd_vehicle fan; /* veh as the fan flies it: launched onto its kick (docs/defense.md) */

/* Flights at kicks between the fan's: the table's time to points on them is no later than the
 * flight's own (the table keeps the fastest) and close to it. */
static void test_table_vs_direct(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    double worst = 0.0;
    int n = 0;
    const double azs[3] = {17.0, 100.0, 250.0};
    const double kicks[3] = {9.3, 31.7, 58.1};
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < 3; k++) {
            bmd_guidance g = {azs[a] * BMD_DEG, kicks[k] * BMD_DEG, INFINITY};
            ENSURE(bmd_fly(&fan, SITE_LAT, SITE_LON, 0.0, &g, &o, &tr) == BMD_OK);
            /* Points on the rising branch, climbing at more than 10 degrees and below 90% of the
             * flight's apogee: there this flight is the direct way to the point, and the table
             * must agree with it. (Falling-branch points are reached sooner by a flatter kick;
             * near the apogee of steep flights the time to a height is ill-conditioned, and the
             * table is up to 5% slow there: conservative.) */
            for (double t = 60.0; t < tr.sum.apogee_time_s; t += 17.0) {
                bmd_vec3 r;
                bmd_vec3 v;
                bmd_traj_state(&tr, t, &r, &v);
                bmd_vec3 p = bmd_eci_to_ecef(&o.earth, t, r);
                bmd_vec3 ve = bmd_eci_to_ecef_velocity(&o.earth, t, r, v);
                bmd_vec3 up;
                bmd_ecef_height_normal(&o.earth, p, &up);
                if (bmd_v3_dot(up, ve) < sin(10.0 * BMD_DEG) * bmd_v3_norm(ve) ||
                    bmd_ecef_height(&o.earth, p) > 0.9 * tr.sum.apogee_m)
                    continue;
                double tt;
                if (!bmd_flyout_reach(fly, p, &tt, NULL))
                    continue;
                worst = fmax(worst, fabs(tt - t) / t);
                n++;
            }
        }
    fprintf(stderr, "  %d points on 9 flights between the fan's kicks: worst |table - flight| %.2f%%\n",
            n, 100.0 * worst);
    ENSURE(n > 30);
    CHECK_NEAR(worst, 0.0, 0.02);
    bmd_traj_free(&tr);
}

static bmd_trajectory threat;

/* The predicted intercept point checked by direct integration: fly the interceptor on the
 * point's azimuth, find the kick whose path passes at the point's altitude at its range, and
 * compare the time it gets there with the table's fly-out time. */
static void test_window_direct(void)
{
    bmd_kill_vehicle kv = {70e3, 500e3, 500.0, 1000.0};
    bmd_intercept w;
    ENSURE(bmd_intercept_solve(&threat, fly, &kv, 0.0, 1.0, &w) == BMD_OK);
    ENSURE(w.engageable);
    if (!w.engageable)
        return;
    fprintf(stderr,
            "  window %.1f..%.1f s, launch %.1f s, altitude %.1f km, range %.1f km, closing %.2f km/s\n",
            w.earliest_intercept_s, w.latest_intercept_s, w.earliest_launch_s,
            w.intercept_altitude_m / 1e3, w.intercept_range_m / 1e3, w.closing_speed_m_s / 1e3);
    ENSURE(w.earliest_intercept_s <= w.latest_intercept_s);
    CHECK_NEAR(w.earliest_launch_s + w.flyout_s, w.earliest_intercept_s, 1e-6);
    ENSURE(w.intercept_altitude_m >= kv.min_altitude_m && w.intercept_altitude_m <= kv.max_altitude_m);
    /* Direct: the point's azimuth from the site, then bisection on the kick. */
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_earth e = o.earth;
    double az = 0.0;
    double range = 0.0;
    bmd_geodesic_inverse(&e, SITE_LAT, SITE_LON, w.intercept_lat_rad, w.intercept_lon_rad, &range,
                         &az, NULL);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    double lo = 0.3 * BMD_DEG;
    double hi = 88.0 * BMD_DEG;
    double t_at = NAN;
    for (int it = 0; it < 50; it++) {
        double k = 0.5 * (lo + hi);
        bmd_guidance g = {az, k, INFINITY};
        bmd_fly(&fan, SITE_LAT, SITE_LON, 0.0, &g, &o, &tr);
        /* Altitude where the path reaches the intercept's range. */
        double h_at = NAN;
        double tp = 0.0;
        double rp = 0.0;
        for (double t = 0.5; t <= tr.t_end_s; t += 0.5) {
            double la;
            double lo2;
            double h;
            bmd_traj_geodetic(&tr, t, &la, &lo2, &h, NULL);
            double rg;
            bmd_geodesic_inverse(&e, SITE_LAT, SITE_LON, la, lo2, &rg, NULL, NULL);
            if (rg >= range) {
                double u = (range - rp) / (rg - rp);
                t_at = tp + u * (t - tp);
                bmd_traj_geodetic(&tr, t_at, NULL, NULL, &h_at, NULL);
                break;
            }
            tp = t;
            rp = rg;
        }
        if (isnan(h_at) || h_at < w.intercept_altitude_m)
            hi = k; /* passes below (or falls short): steeper */
        else
            lo = k;
    }
    fprintf(stderr, "  direct fly-out to the intercept point: %.2f s; table %.2f s\n", t_at,
            w.flyout_s);
    CHECK_REL(w.flyout_s, t_at, 0.02);
    bmd_traj_free(&tr);
}

/* Reasons. */
static void test_reasons(void)
{
    bmd_kill_vehicle kv = {70e3, 500e3, 500.0, 1000.0};
    bmd_intercept w;
    /* Never tracked. */
    ENSURE(bmd_intercept_solve(&threat, fly, &kv, HUGE_VAL, 1.0, &w) == BMD_OK);
    ENSURE(!w.engageable && w.reason == BMD_INT_NOT_SEEN);
    /* Tracked too late. */
    ENSURE(bmd_intercept_solve(&threat, fly, &kv, 590.0, 1.0, &w) == BMD_OK);
    ENSURE(!w.engageable && w.reason == BMD_INT_TOO_LATE);
    ENSURE(w.margin_s > 0.0);
    /* Too fast to catch: a threat that passes over the site early (it would need a launch before
     * the threat's own). */
    bmd_trajectory early;
    bmd_traj_init(&early);
    bmd_flight_opts of = bmd_flight_default_opts();
    ENSURE(bmd_fly_free(SITE_LAT + 1.0 * BMD_DEG, SITE_LON, 200e3, 7000.0, -2.0 * BMD_DEG,
                        180.0 * BMD_DEG, 4000.0, &of, &early) == BMD_OK);
    ENSURE(bmd_intercept_solve(&early, fly, &kv, 0.0, 1.0, &w) == BMD_OK);
    fprintf(stderr, "  fast overflight: %s (launch needed %.1f s before the threat)\n",
            bmd_intercept_reason_str(w.reason), w.margin_s);
    ENSURE(!w.engageable && w.reason == BMD_INT_TOO_FAST);
    bmd_traj_free(&early);
    /* Altitude band above anything reachable. */
    bmd_kill_vehicle high = {5000e3, 6000e3, 500.0, 1000.0};
    ENSURE(bmd_intercept_solve(&threat, fly, &high, 0.0, 1.0, &w) == BMD_OK);
    ENSURE(!w.engageable && w.reason == BMD_INT_ALTITUDE);
    /* A closing speed no intercept reaches. */
    bmd_kill_vehicle fast = {70e3, 500e3, 500.0, 20000.0};
    ENSURE(bmd_intercept_solve(&threat, fly, &fast, 0.0, 1.0, &w) == BMD_OK);
    ENSURE(!w.engageable && (w.reason == BMD_INT_CLOSING || w.reason == BMD_INT_TAIL_CHASE));
    /* Out of reach: a threat far away (Russia to the US). */
    bmd_trajectory far;
    bmd_traj_init(&far);
    bmd_flight_opts o = bmd_flight_default_opts();
    ENSURE(bmd_fly_free(55.0 * BMD_DEG, 40.0 * BMD_DEG, 200e3, 7000.0, 23.0 * BMD_DEG,
                        -40.0 * BMD_DEG, 0.0, &o, &far) == BMD_OK);
    ENSURE(bmd_intercept_solve(&far, fly, &kv, 0.0, 1.0, &w) == BMD_OK);
    ENSURE(!w.engageable && w.reason == BMD_INT_OUT_OF_REACH);
    bmd_traj_free(&far);
    /* Bad input. */
    bmd_kill_vehicle bad = {500e3, 70e3, 500.0, 1000.0};
    ENSURE(bmd_intercept_solve(&threat, fly, &bad, 0.0, 1.0, &w) == BMD_ERR_ARG);
    ENSURE(bmd_intercept_solve(&threat, fly, &kv, NAN, 1.0, &w) == BMD_ERR_ARG);
}

/* The burnout-speed override reaches the asked speed, and a faster interceptor opens a window no
 * later than the slower one. */
static void test_scaled(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_vehicle fast;
    ENSURE(bmd_interceptor_scaled(&veh, 4500.0, SITE_LAT, SITE_LON, &o, &fast) == BMD_OK);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_aim_result res;
    bmd_max_range(&veh, SITE_LAT, SITE_LON, 0.0, 0.0, &o, &res, &tr);
    bmd_guidance g = res.guidance;
    ENSURE(bmd_fly(&fast, SITE_LAT, SITE_LON, 0.0, &g, &o, &tr) == BMD_OK);
    fprintf(stderr, "  scaled to 4.5 km/s: burnout %.1f m/s (Isp x %.3f)\n",
            tr.sum.burnout_speed_m_s, fast.stages[0].isp_vac_s / veh.stages[0].isp_vac_s);
    CHECK_NEAR(tr.sum.burnout_speed_m_s, 4500.0, 1.0);
    bmd_flyout_opts fo = bmd_flyout_default_opts();
    bmd_flyout *ff = NULL;
    ENSURE(bmd_flyout_build(&fast, SITE_LAT, SITE_LON, 0.0, &o, &fo, &ff) == BMD_OK);
    bmd_kill_vehicle kv = {70e3, 500e3, 500.0, 1000.0};
    bmd_intercept a;
    bmd_intercept b;
    ENSURE(bmd_intercept_solve(&threat, fly, &kv, 0.0, 1.0, &a) == BMD_OK);
    ENSURE(bmd_intercept_solve(&threat, ff, &kv, 0.0, 1.0, &b) == BMD_OK);
    ENSURE(b.engageable);
    fprintf(stderr, "  window: %.1f..%.1f s at the 3.0 km/s class, %.1f..%.1f s at 4.5 km/s\n",
            a.earliest_intercept_s, a.latest_intercept_s, b.earliest_intercept_s,
            b.latest_intercept_s);
    /* Up to the tables' resolution (each envelope is conservative by one grid cell). */
    if (a.engageable && b.engageable)
        ENSURE(b.earliest_intercept_s <= a.earliest_intercept_s + 2.0);
    /* (The latest intercept need not move later: with every stage burnt, a faster interceptor's
     * flattest kick reaches a given range higher up, so its fan covers less of the low end.
     * docs/defense.md says so.) */
    ENSURE(bmd_interceptor_scaled(&veh, 50000.0, SITE_LAT, SITE_LON, &o, &fast) == BMD_ERR_RANGE);
    bmd_flyout_free(ff);
    bmd_traj_free(&tr);
}

/* Closed form. Without gravity (mu set to 1 m^3/s^2), air or rotation, on a sphere, a threat flies a
 * straight line P(t) = P0 + u t and an interceptor with a 0.2 s boost then flies straight at its
 * burnout speed V from the site S. The earliest intercept of a launch at t0 solves
 * |P0 + u t - S| = V (t - t0 - tau), with tau = 0.1 s for the distance lost in the boost: the
 * smaller root of (u.u - V^2) t^2 + 2 (D.u + V^2 T) t + (D.D - V^2 T^2) = 0, D = P0 - S,
 * T = t0 + tau. Head-on (the threat flies at the site) and crossing (it passes 300 km to the
 * side) cases; the closing speed is |u - V e| with e the direction from S to the intercept. */
static void test_closed_form(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.earth = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    o.earth.mu_m3_s2 = 1.0;
    o.atmosphere = false;
    o.max_step_s = 5.0; /* straight lines: the step must not jump across the Earth */
    bmd_vehicle v;
    memset(&v, 0, sizeof v);
    snprintf(v.id, sizeof v.id, "impulsive");
    v.n_stages = 1;
    v.stages[0].gross_mass_kg = 1000.0;
    v.stages[0].propellant_mass_kg = 700.0;
    v.stages[0].isp_vac_s = 250.0;
    v.stages[0].burn_time_s = 0.2;
    v.stages[0].ref_area_m2 = 0.1;
    v.stages[0].cd.n = 1;
    v.stages[0].cd.cd[0] = 0.2;
    v.payload_mass_kg = 100.0;
    v.rv_beta_kg_m2 = 1000.0;
    v.default_apogee_m = NAN;
    double V = 250.0 * BMD_G0_M_S2 * log(1100.0 / 400.0);
    bmd_flyout_opts fo = bmd_flyout_default_opts();
    fo.max_time_s = 300.0;
    fo.n_kicks = 96;
    bmd_flyout *f = NULL;
    ENSURE(bmd_flyout_build(&v, 0.0, 0.0, 0.0, &o, &fo, &f) == BMD_OK);
    if (!f)
        return;
    bmd_vec3 S = bmd_geodetic_to_ecef(&o.earth, 0.0, 0.0, 0.0);
    struct {
        const char *name;
        double lat, lon, h, speed, gamma, az;
    } cases[2] = {
        {"head-on", 0.0, 6.0, 400e3, 3000.0, -25.0, 270.0},   /* flies west at the site */
        {"crossing", 2.7, 2.0, 400e3, 3000.0, -25.0, 180.0}, /* flies south, passing to the side */
    };
    bmd_kill_vehicle kv = {1e3, 2000e3, 0.0, 0.0};
    for (int c = 0; c < 2; c++) {
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        ENSURE(bmd_fly_free(cases[c].lat * BMD_DEG, cases[c].lon * BMD_DEG, cases[c].h,
                            cases[c].speed, cases[c].gamma * BMD_DEG, cases[c].az * BMD_DEG, 0.0,
                            &o, &tr) == BMD_OK);
        bmd_vec3 P0;
        bmd_vec3 u;
        bmd_traj_state(&tr, 0.0, &P0, &u);
        for (int k = 0; k < 3; k++) {
            double t0 = 10.0 * k;
            bmd_intercept w;
            ENSURE(bmd_intercept_solve(&tr, f, &kv, t0, 0.5, &w) == BMD_OK);
            bmd_vec3 D = bmd_v3_sub(P0, S);
            double T = t0 + 0.1;
            double A = bmd_v3_dot(u, u) - V * V;
            double B = 2.0 * (bmd_v3_dot(D, u) + V * V * T);
            double Cc = bmd_v3_dot(D, D) - V * V * T * T;
            double disc = B * B - 4.0 * A * Cc;
            double r1 = (-B + sqrt(disc)) / (2.0 * A);
            double r2 = (-B - sqrt(disc)) / (2.0 * A);
            double want = fmin(r1 > T ? r1 : HUGE_VAL, r2 > T ? r2 : HUGE_VAL);
            bmd_vec3 pi = bmd_v3_axpy(P0, want, u);
            bmd_vec3 e = bmd_v3_unit(bmd_v3_sub(pi, S));
            double closing = bmd_v3_norm(bmd_v3_sub(u, bmd_v3_scale(e, V)));
            ENSURE(w.engageable);
            fprintf(stderr,
                    "  %-8s launch >= %4.1f s: earliest intercept %.2f s (closed form %.2f s), "
                    "closing %.3f km/s (closed form %.3f), crossing %.1f deg\n",
                    cases[c].name, t0, w.earliest_intercept_s, want, w.closing_speed_m_s / 1e3,
                    closing / 1e3, w.crossing_angle_rad / BMD_DEG);
            CHECK_NEAR(w.earliest_intercept_s, want, 1.5);
            CHECK_REL(w.closing_speed_m_s, closing, 0.01);
        }
        bmd_traj_free(&tr);
    }
    bmd_flyout_free(f);
}

int main(void)
{
    veh = sm3();
    fan = veh;
    fan.vertical_rise_s = 0.0;
    fan.pitchover_s = 0.0;
    bmd_flight_opts o = bmd_flight_default_opts();
    bmd_flyout_opts fo = bmd_flyout_default_opts();
    if (bmd_flyout_build(&veh, SITE_LAT, SITE_LON, 0.0, &o, &fo, &fly) != BMD_OK)
        return 1;
    double rmax;
    double hmax;
    bmd_flyout_extent(fly, &rmax, &hmax);
    fprintf(stderr, "fly-out table: %.0f km range, %.0f km altitude\n", rmax / 1e3, hmax / 1e3);
    /* A threat passing near the site: an MRBM from the east-south-east toward the west. */
    bmd_traj_init(&threat);
    if (bmd_fly_free(33.0 * BMD_DEG, 38.0 * BMD_DEG, 100e3, 3400.0, 40.0 * BMD_DEG,
                     -80.0 * BMD_DEG, 4000.0, &o, &threat) != BMD_OK)
        return 1;
    RUN(test_table_vs_direct);
    RUN(test_window_direct);
    RUN(test_reasons);
    RUN(test_scaled);
    RUN(test_closed_form);
    bmd_traj_free(&threat);
    bmd_flyout_free(fly);
    return test_summary();
}
