/* SPDX-License-Identifier: MIT */
/* test_surveillance.c: the dwell model of bmd_detect against its closed-form consequences
 * (first detection within one revisit of first sight when detection is certain, confirmation
 * exactly M - 1 track revisits later, cueing), visibility against the closed-form 4/3-Earth
 * horizon, reproducibility for a seed, and a track across two radars with hand-over. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/bmd.h"
#include "test.h"

static bmd_trajectory tr;   /* a 2,000 km ballistic flight on a sphere, no rotation */
static bmd_signature sig = {5.0, 0.1, {0, {0}, {0}}};

static bmd_radar radar_at(double lat_deg, double lon_deg, double r0_km)
{
    bmd_radar r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "test");
    r.lat_rad = lat_deg * BMD_DEG;
    r.lon_rad = lon_deg * BMD_DEG;
    r.h_m = 10.0;
    r.boresight_az_rad = 0.0;
    r.az_half_width_rad = BMD_PI;
    r.el_min_rad = 0.0;
    r.el_max_rad = 0.5 * BMD_PI;
    r.range_max_m = 2e7;
    r.r0_m = r0_km * 1e3;
    r.sigma0_m2 = 0.1;
    r.snr0_db = 13.0;
    r.pfa = 1e-6;
    r.swerling = BMD_SWERLING_1;
    r.search_revisit_s = 10.0;
    r.cued_revisit_s = 2.0;
    r.track_revisit_s = 1.0;
    r.sigma_range0_m = 10.0;
    r.sigma_angle0_rad = 1e-3;
    r.k_refraction = 4.0 / 3.0;
    return r;
}

/* First time the target rises above the radar's horizontal (el_min = 0) over the 4/3 Earth,
 * found independently: central angle theta between radar and target on a sphere of radius R; on
 * the effective sphere R' = k R the same arc subtends theta / k, and the target is at or above
 * the radar's horizontal iff (R' + h_t) cos(theta / k) >= R' + h_r (Skolnik, Introduction to
 * Radar Systems, 3rd ed., sec. 8.3). (The textbook horizon d = sqrt(2kRh_r) + sqrt(2kRh_t) is
 * the tangent ray, slightly below the radar's horizontal: test_radar checks that one.) */
static double horizon_rise(const bmd_radar *r)
{
    const double R = tr.earth.a_m;
    const double k = 4.0 / 3.0;
    const double Rp = k * R;
    bmd_vec3 site = bmd_geodetic_to_ecef(&tr.earth, r->lat_rad, r->lon_rad, 0.0);
    double prev_t = tr.t_start_s;
    bool prev = false;
    for (double t = tr.t_start_s; t <= tr.t_end_s; t += 0.01) {
        bmd_vec3 p;
        bmd_traj_state(&tr, t, &p, NULL);
        double ht = bmd_v3_norm(p) - R;
        double th = acos(fmax(-1.0, fmin(1.0, bmd_v3_dot(p, site) / (bmd_v3_norm(p) * R))));
        bool vis = ht > 0.0 && (Rp + ht) * cos(th / k) >= Rp + r->h_m;
        if (vis && !prev)
            return 0.5 * (t + prev_t);
        prev = vis;
        prev_t = t;
    }
    return NAN;
}

static void test_visibility_horizon(void)
{
    /* Radars at 800, 1,200 and 1,700 km beyond the launch point along the track. */
    const double lon[] = {7.2, 10.8, 15.3};
    for (int i = 0; i < 3; i++) {
        bmd_radar r = radar_at(0.0, lon[i], 1e5);
        bmd_surv_opts o = bmd_surv_default_opts();
        bmd_sensor_timeline tl;
        ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, NULL) == BMD_OK);
        double want = horizon_rise(&r);
        fprintf(stderr, "  radar at %4.1f E: first visible %.3f s, closed-form horizon %.3f s\n",
                lon[i], tl.first_visible_s, want);
        CHECK_NEAR(tl.first_visible_s, want, 0.02);
    }
}

/* With detection certain (a huge reference range), the first detection is the first search dwell
 * in sight: within one search revisit of first sight; confirmation takes exactly M - 1 track
 * revisits; every dwell detects. */
static void test_certain_detection(void)
{
    bmd_radar r = radar_at(0.0, 10.8, 1e6);
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_sensor_timeline tl;
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, NULL) == BMD_OK);
    ENSURE(tl.first_detection_s >= tl.first_visible_s);
    ENSURE(tl.first_detection_s <= tl.first_visible_s + r.search_revisit_s);
    CHECK_NEAR(tl.track_confirmed_s, tl.first_detection_s + (o.confirm_m - 1) * r.track_revisit_s,
               1e-9);
    ENSURE(tl.n_detections == tl.n_dwells);
    /* And impossible detection never detects. */
    bmd_radar weak = radar_at(0.0, 10.8, 1.0);
    ENSURE(bmd_detect(&tr, &sig, &weak, 1, &o, &tl, NULL) == BMD_OK);
    ENSURE(isnan(tl.first_detection_s) && isnan(tl.track_confirmed_s));
    ENSURE(tl.n_dwells > 0 && tl.n_detections == 0);
}

/* A cue switches the search to the cued revisit: with certain detection and the cue before
 * first sight, the first detection comes within one cued revisit of first sight. */
static void test_cueing(void)
{
    bmd_radar r = radar_at(0.0, 10.8, 1e6);
    bmd_ew_sensor ew;
    memset(&ew, 0, sizeof ew);
    snprintf(ew.id, sizeof ew.id, "ew");
    ew.cloud_top_m = 10e3;
    ew.first_report_delay_s = 1.0;
    ew.processing_delay_s = 1.0;
    ew.sigma_launch_pos_m = 1.0;
    ew.sigma_launch_time_s = 1.0;
    ew.sigma_azimuth_rad = 0.01;
    bmd_surv_opts o = bmd_surv_default_opts();
    o.ew = &ew;
    bmd_sensor_timeline tl;
    bmd_ew_report rep;
    /* A free flight has no boost: early warning never sees it, so no cue. */
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, &rep) == BMD_OK);
    ENSURE(!rep.detected && isnan(tl.cued_s));
    /* Two radars: the nearer confirms first and cues the farther one. */
    bmd_radar two[2] = {radar_at(0.0, 7.2, 1e6), radar_at(0.0, 15.3, 1e6)};
    o.ew = NULL;
    bmd_sensor_timeline t2[2];
    ENSURE(bmd_detect(&tr, &sig, two, 2, &o, t2, NULL) == BMD_OK);
    CHECK_NEAR(t2[1].cued_s, t2[0].track_confirmed_s + o.cue_delay_s, 1e-9);
    if (t2[1].cued_s < t2[1].first_visible_s)
        ENSURE(t2[1].first_detection_s <= t2[1].first_visible_s + two[1].cued_revisit_s + 1e-9);
    fprintf(stderr, "  cue from radar 0 at %.1f s; radar 1 sees at %.1f s, detects at %.1f s\n",
            t2[1].cued_s, t2[1].first_visible_s, t2[1].first_detection_s);
}

/* The same seed gives the same timeline; seeds differ in their draws. */
static void test_reproducible(void)
{
    bmd_radar r = radar_at(0.0, 10.8, 700.0);
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_sensor_timeline a;
    bmd_sensor_timeline b;
    o.seed = 42;
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &a, NULL) == BMD_OK);
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &b, NULL) == BMD_OK);
    ENSURE(memcmp(&a, &b, sizeof a) == 0);
    int differ = 0;
    for (uint64_t s = 1; s <= 8; s++) {
        o.seed = s;
        ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &b, NULL) == BMD_OK);
        differ += b.first_detection_s != a.first_detection_s || b.n_detections != a.n_detections;
    }
    ENSURE(differ >= 4);
}

/* A track handed over between two radars keeps its accuracy, and the impact prediction converges
 * on the true impact point. */
static void test_track_handover(void)
{
    bmd_radar two[2] = {radar_at(0.0, 7.2, 3000.0), radar_at(0.0, 15.3, 3000.0)};
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_track_run_opts to = bmd_track_run_default_opts();
    to.filter.earth = tr.earth;
    to.filter.drag = false;
    to.impact_every_s = 5.0;
    bmd_sensor_timeline tl[2];
    bmd_track_sample *up = NULL;
    int n = 0;
    ENSURE(bmd_track_run(&tr, &sig, two, 2, &o, &to, tl, &up, &n) == BMD_OK);
    ENSURE(n > 50);
    int first1 = -1;
    for (int i = 0; i < n; i++)
        if (up[i].sensor == 1) {
            first1 = i;
            break;
        }
    ENSURE(first1 > 0);
    if (first1 > 0) {
        fprintf(stderr, "  hand-over at %.1f s: error before %.1f m, after %.1f m\n",
                up[first1].t_s, up[first1 - 1].position_error_m, up[first1].position_error_m);
        ENSURE(up[first1].position_error_m < 1000.0);
    }
    if (n > 0) {
        fprintf(stderr, "  last update %.1f s: position error %.1f m, impact error %.1f m\n",
                up[n - 1].t_s, up[n - 1].position_error_m, up[n - 1].impact_error_m);
        ENSURE(up[n - 1].impact_error_m < 500.0);
        ENSURE(up[n - 1].impact.valid);
    }
    free(up);
}

static void test_bad_input(void)
{
    bmd_radar r = radar_at(0.0, 10.8, 700.0);
    bmd_surv_opts o = bmd_surv_default_opts();
    bmd_sensor_timeline tl;
    o.confirm_m = 0;
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, NULL) == BMD_ERR_ARG);
    o = bmd_surv_default_opts();
    r.h_m = -3000.0;
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, NULL) == BMD_ERR_ARG);
    r = radar_at(0.0, 10.8, 700.0);
    r.el_min_rad = r.el_max_rad;
    ENSURE(bmd_detect(&tr, &sig, &r, 1, &o, &tl, NULL) == BMD_ERR_ARG);
}

int main(void)
{
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.earth = bmd_earth_make(BMD_EARTH_SPHERE, false, false);
    fo.atmosphere = false;
    bmd_traj_init(&tr);
    /* 4.1 km/s at 40 degrees, due east along the equator: about 2,000 km. */
    if (bmd_fly_free(0.0, 0.0, 0.0, 4100.0, 40.0 * BMD_DEG, 90.0 * BMD_DEG, 0.0, &fo, &tr) != BMD_OK)
        return 1;
    RUN(test_visibility_horizon);
    RUN(test_certain_detection);
    RUN(test_cueing);
    RUN(test_reproducible);
    RUN(test_track_handover);
    RUN(test_bad_input);
    bmd_traj_free(&tr);
    return test_summary();
}
