/* SPDX-License-Identifier: MIT */
/* kaliningrad.c: the Kaliningrad analysis (Russia's announced answers of November 2011): Iskander-M
 * flights from Kaliningrad (targeting.h), S-400 envelopes from fly-out tables (intercept.h), and
 * what the Voronezh-DM at Pionersky sees (sensor.h, surveillance.h). It composes the flight,
 * defence and sensor layers; it adds only scans along rays and along trajectories, each edge
 * located by bisection. Method, sources and limits: docs/kaliningrad.md. */
#include "bmd/kaliningrad.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "bmd/parallel.h"
#include "bmd/surveillance.h"
#include "bmd/targeting.h"

static void place_set(bmd_kgd_place *p, const char *name, double lat_deg, double lon_deg)
{
    snprintf(p->name, sizeof p->name, "%s", name);
    p->lat_rad = lat_deg * BMD_DEG;
    p->lon_rad = lon_deg * BMD_DEG;
}

static void watch_set(bmd_kgd_watch *w, const char *name, const char *missile, double lat_deg,
                      double lon_deg, double tlat_deg, double tlon_deg)
{
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->missile_id, sizeof w->missile_id, "%s", missile);
    w->launch_lat_rad = lat_deg * BMD_DEG;
    w->launch_lon_rad = lon_deg * BMD_DEG;
    w->target_lat_rad = tlat_deg * BMD_DEG;
    w->target_lon_rad = tlon_deg * BMD_DEG;
}

bmd_kaliningrad_opts bmd_kaliningrad_default_opts(void)
{
    bmd_kaliningrad_opts o;
    memset(&o, 0, sizeof o);
    /* Coordinates: reference literature.md §5 (tags there); docs/kaliningrad.md lists them. */
    snprintf(o.missile_id, sizeof o.missile_id, "iskander-m");
    o.launch_lat_rad = 54.71 * BMD_DEG; /* Kaliningrad (city) [U], a launch area */
    o.launch_lon_rad = 20.51 * BMD_DEG;
    place_set(&o.places[o.n_places++], "Redzikowo", 54.47, 17.12);
    place_set(&o.places[o.n_places++], "Warsaw", 52.23, 21.01);
    place_set(&o.places[o.n_places++], "Vilnius", 54.687, 25.280);
    place_set(&o.places[o.n_places++], "Riga", 56.949, 24.105);
    place_set(&o.places[o.n_places++], "Berlin", 52.520, 13.405);
    place_set(&o.places[o.n_places++], "Ramstein", 49.437, 7.600);
    place_set(&o.places[o.n_places++], "Deveselu", 44.08, 24.41);
    /* The S-400 battalion: notionally at the same Kaliningrad point (no site is public). */
    o.sam_lat_rad = 54.71 * BMD_DEG;
    o.sam_lon_rad = 20.51 * BMD_DEG;
    o.sam_h_m = 0.0;
    snprintf(o.sam_ids[o.n_sams++], sizeof o.sam_ids[0], "s400-48n6");
    snprintf(o.sam_ids[o.n_sams++], sizeof o.sam_ids[0], "s400-40n6");
    o.env_alt_m[o.n_env_alts++] = 1e3;
    o.env_alt_m[o.n_env_alts++] = 10e3;
    o.env_alt_m[o.n_env_alts++] = 20e3;
    o.env_step_az_rad = 5.0 * BMD_DEG;
    o.place_alt_m = 10e3;
    o.sam_max_flyout_s = (double)INFINITY;
    /* A dense fan: the default 64 kicks leave holes in the low, far part of a SAM's envelope
     * (reached only on the descending branch of flat kicks; 256 kicks still leave sectors of the
     * 40N6's 1 km envelope cut at ~50 km); 512 kicks up to 89.5 degrees, a 300 x 400 grid and
     * 0.5 s samples close them (docs/kaliningrad.md); about 1 s per missile. */
    o.flyout = bmd_flyout_default_opts();
    o.flyout.n_kicks = 512;
    o.flyout.kick_max_rad = 89.5 * BMD_DEG;
    o.flyout.n_range = 300;
    o.flyout.n_alt = 400;
    o.flyout.sample_s = 0.5;
    snprintf(o.radar_id, sizeof o.radar_id, "voronezh-dm");
    o.rcs_m2[o.n_rcs++] = 0.1;
    o.rcs_m2[o.n_rcs++] = 1.0;
    o.ring_alt_m[o.n_ring_alts++] = 100e3;
    o.ring_alt_m[o.n_ring_alts++] = 300e3;
    o.ring_alt_m[o.n_ring_alts++] = 1000e3;
    o.ring_step_az_rad = 5.0 * BMD_DEG;
    watch_set(&o.watch[o.n_watch++], "Semnan -> London", "iran-icbm-notional", 35.23, 53.92,
              51.507, -0.128);
    watch_set(&o.watch[o.n_watch++], "Semnan -> Washington", "iran-icbm-notional", 35.23, 53.92,
              38.951, -77.013);
    o.seed = 1;
    snprintf(o.interceptor_id, sizeof o.interceptor_id, "sm3-iia");
    o.int_lat_rad = 54.47 * BMD_DEG; /* Redzikowo [V-consensus] */
    o.int_lon_rad = 17.12 * BMD_DEG;
    o.int_apogee_m = 200e3;
    o.int_azimuth_rad = (double)NAN;
    o.int_rcs_m2 = 1.0;
    return o;
}

static bmd_status fail(char *why, size_t n, bmd_status st, const char *fmt, ...)
{
    if (why && n > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return st;
}

static bool finite_latlon(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && fabs(lat) <= 0.5 * BMD_PI;
}

/* Check the options; BMD_ERR_ARG naming the field. */
static bmd_status check_opts(const bmd_kaliningrad_opts *o, char *why, size_t n)
{
    if (o->n_places < 0 || o->n_places > BMD_KGD_MAX_PLACES)
        return fail(why, n, BMD_ERR_ARG, "n_places: expected 0 to %d, got %d",
                    BMD_KGD_MAX_PLACES, o->n_places);
    if (o->n_sams < 0 || o->n_sams > BMD_KGD_MAX_SAMS)
        return fail(why, n, BMD_ERR_ARG, "n_sams: expected 0 to %d, got %d", BMD_KGD_MAX_SAMS,
                    o->n_sams);
    if (o->n_env_alts < 0 || o->n_env_alts > BMD_KGD_MAX_ALTS)
        return fail(why, n, BMD_ERR_ARG, "n_env_alts: expected 0 to %d, got %d", BMD_KGD_MAX_ALTS,
                    o->n_env_alts);
    if (o->n_rcs < 0 || o->n_rcs > BMD_KGD_MAX_RCS)
        return fail(why, n, BMD_ERR_ARG, "n_rcs: expected 0 to %d, got %d", BMD_KGD_MAX_RCS,
                    o->n_rcs);
    if (o->n_ring_alts < 0 || o->n_ring_alts > BMD_KGD_MAX_ALTS)
        return fail(why, n, BMD_ERR_ARG, "n_ring_alts: expected 0 to %d, got %d",
                    BMD_KGD_MAX_ALTS, o->n_ring_alts);
    if (o->n_watch < 0 || o->n_watch > BMD_KGD_MAX_WATCH)
        return fail(why, n, BMD_ERR_ARG, "n_watch: expected 0 to %d, got %d", BMD_KGD_MAX_WATCH,
                    o->n_watch);
    if (!finite_latlon(o->launch_lat_rad, o->launch_lon_rad))
        return fail(why, n, BMD_ERR_ARG, "launch_lat_rad/launch_lon_rad: expected a finite "
                                          "latitude within +-90 degrees and a finite longitude");
    if (!finite_latlon(o->sam_lat_rad, o->sam_lon_rad) || !isfinite(o->sam_h_m) ||
        fabs(o->sam_h_m) > 10e3)
        return fail(why, n, BMD_ERR_ARG, "sam_lat_rad/sam_lon_rad/sam_h_m: expected a site on "
                                          "the ground (|h| <= 10 km)");
    if (!finite_latlon(o->int_lat_rad, o->int_lon_rad))
        return fail(why, n, BMD_ERR_ARG, "int_lat_rad/int_lon_rad: expected a finite site");
    for (int i = 0; i < o->n_places; i++)
        if (!finite_latlon(o->places[i].lat_rad, o->places[i].lon_rad))
            return fail(why, n, BMD_ERR_ARG, "places[%d] (%s): expected a finite latitude within "
                                              "+-90 degrees and a finite longitude",
                        i, o->places[i].name);
    for (int i = 0; i < o->n_watch; i++)
        if (!finite_latlon(o->watch[i].launch_lat_rad, o->watch[i].launch_lon_rad) ||
            !finite_latlon(o->watch[i].target_lat_rad, o->watch[i].target_lon_rad))
            return fail(why, n, BMD_ERR_ARG, "watch[%d] (%s): expected finite launch and target "
                                              "points",
                        i, o->watch[i].name);
    for (int i = 0; i < o->n_env_alts; i++)
        if (!(o->env_alt_m[i] >= 0.0 && o->env_alt_m[i] <= 1e6))
            return fail(why, n, BMD_ERR_ARG, "env_alt_m[%d]: expected 0 to 1,000 km, got %g m", i,
                        o->env_alt_m[i]);
    for (int i = 0; i < o->n_ring_alts; i++)
        if (!(o->ring_alt_m[i] > 0.0 && o->ring_alt_m[i] <= 1e7))
            return fail(why, n, BMD_ERR_ARG, "ring_alt_m[%d]: expected above 0 and up to "
                                              "10,000 km, got %g m",
                        i, o->ring_alt_m[i]);
    for (int i = 0; i < o->n_rcs; i++)
        if (!(o->rcs_m2[i] > 0.0 && isfinite(o->rcs_m2[i])))
            return fail(why, n, BMD_ERR_ARG, "rcs_m2[%d]: expected a positive finite RCS, got %g",
                        i, o->rcs_m2[i]);
    if (!(o->env_step_az_rad >= 0.5 * BMD_DEG && o->env_step_az_rad <= 90.0 * BMD_DEG))
        return fail(why, n, BMD_ERR_ARG, "env_step_az_rad: expected 0.5 to 90 degrees");
    if (!(o->ring_step_az_rad >= 0.5 * BMD_DEG && o->ring_step_az_rad <= 90.0 * BMD_DEG))
        return fail(why, n, BMD_ERR_ARG, "ring_step_az_rad: expected 0.5 to 90 degrees");
    if (!(o->place_alt_m >= 0.0 && o->place_alt_m <= 1e6))
        return fail(why, n, BMD_ERR_ARG, "place_alt_m: expected 0 to 1,000 km, got %g m",
                    o->place_alt_m);
    if (!(o->sam_max_flyout_s > 0.0))
        return fail(why, n, BMD_ERR_ARG, "sam_max_flyout_s: expected a positive time (or "
                                          "infinity), got %g s",
                    o->sam_max_flyout_s);
    if (!(o->int_apogee_m > 1e3 && o->int_apogee_m <= 5e6))
        return fail(why, n, BMD_ERR_ARG, "int_apogee_m: expected 1 to 5,000 km, got %g m",
                    o->int_apogee_m);
    if (!isnan(o->int_azimuth_rad) && !isfinite(o->int_azimuth_rad))
        return fail(why, n, BMD_ERR_ARG, "int_azimuth_rad: expected a finite azimuth or NaN");
    if (!(o->int_rcs_m2 > 0.0 && isfinite(o->int_rcs_m2)))
        return fail(why, n, BMD_ERR_ARG, "int_rcs_m2: expected a positive finite RCS, got %g",
                    o->int_rcs_m2);
    return BMD_OK;
}

static bool ring_alloc(bmd_kgd_ring *r, int n)
{
    r->n = 0;
    r->lat_rad = malloc((size_t)n * sizeof *r->lat_rad);
    r->lon_rad = malloc((size_t)n * sizeof *r->lon_rad);
    if (!r->lat_rad || !r->lon_rad) {
        free(r->lat_rad);
        free(r->lon_rad);
        r->lat_rad = r->lon_rad = NULL;
        return false;
    }
    return true;
}

static void ring_free(bmd_kgd_ring *r)
{
    free(r->lat_rad);
    free(r->lon_rad);
    r->lat_rad = r->lon_rad = NULL;
    r->n = 0;
}

void bmd_kaliningrad_free(bmd_kaliningrad_result *r)
{
    if (!r)
        return;
    for (int s = 0; s < BMD_KGD_MAX_SAMS; s++)
        for (int a = 0; a < BMD_KGD_MAX_ALTS; a++) {
            free(r->sams[s].env[a].outer_m);
            ring_free(&r->sams[s].env[a].ring);
        }
    for (int c = 0; c < BMD_KGD_MAX_RCS * BMD_KGD_MAX_ALTS; c++)
        ring_free(&r->coverage[c].ring);
    memset(r, 0, sizeof *r);
}

/* ---- Part 1: Iskander-M ---------------------------------------------------------------- */

/* One place of part 1 (a task of a parallel loop: it writes only its own strike and status). */
typedef struct strike_ctx {
    const bmd_missile *m;
    const bmd_kaliningrad_opts *o;
    bmd_kaliningrad_result *out;
    bmd_status st[BMD_KGD_MAX_PLACES];
} strike_ctx;

static bmd_status strike_task(void *vctx, int i)
{
    strike_ctx *c = vctx;
    const bmd_missile *m = c->m;
    const bmd_kaliningrad_opts *o = c->o;
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.keep_path = false;
    bmd_kgd_strike *s = &c->out->strikes[i];
    s->place = o->places[i];
    s->flight_time_s = s->apogee_m = s->burnout_speed_m_s = s->impact_speed_m_s = (double)NAN;
    s->miss_m = (double)NAN;
    c->st[i] = bmd_geodesic_inverse(&fo.earth, o->launch_lat_rad, o->launch_lon_rad,
                                    s->place.lat_rad, s->place.lon_rad, &s->range_m,
                                    &s->azimuth_rad, NULL);
    if (c->st[i] != BMD_OK)
        return BMD_OK;
    bmd_aim aim = bmd_aim_default(&m->v, o->launch_lat_rad, o->launch_lon_rad, s->place.lat_rad,
                                  s->place.lon_rad);
    bmd_aim_result res;
    memset(&res, 0, sizeof res);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_target(&m->v, &aim, &fo, &res, &tr);
    if (st == BMD_ERR_UNREACHABLE || st == BMD_ERR_NO_CONVERGE) {
        s->in_range = false;
        snprintf(s->why, sizeof s->why, "%s", res.why);
        st = BMD_OK;
    } else if (st == BMD_OK) {
        s->in_range = true;
        s->flight_time_s = tr.sum.flight_time_s;
        s->apogee_m = tr.sum.apogee_m;
        s->burnout_speed_m_s = tr.sum.burnout_speed_m_s;
        s->impact_speed_m_s = tr.sum.impact_speed_m_s;
        s->miss_m = res.miss_m;
    }
    c->st[i] = st; /* a flight's failure, reported in order by the caller */
    bmd_traj_free(&tr);
    return BMD_OK;
}

static bmd_status strikes(const bmd_missile *m, const bmd_kaliningrad_opts *o,
                          bmd_kaliningrad_result *out, char *why, size_t n)
{
    out->n_strikes = o->n_places;
    strike_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.o = o;
    c.out = out;
    bmd_status sp = bmd_parallel_for(o->n_places, 0, strike_task, &c, NULL);
    if (sp != BMD_OK)
        return fail(why, n, sp, "Iskander-M strikes: %s", bmd_status_str(sp));
    for (int i = 0; i < o->n_places; i++)
        if (c.st[i] != BMD_OK)
            return fail(why, n, c.st[i], "%s to %s (places[%d]): the flight failed: %s", m->v.id,
                        out->strikes[i].place.name, i, bmd_status_str(c.st[i]));
    /* The full-burn maximum range toward the first place (or due west). */
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.keep_path = false;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    double az = o->n_places > 0 ? out->strikes[0].azimuth_rad : 1.5 * BMD_PI;
    bmd_aim_result mr;
    memset(&mr, 0, sizeof mr);
    bmd_status st = bmd_max_range(&m->v, o->launch_lat_rad, o->launch_lon_rad, 0.0, az, &fo, &mr,
                                  &tr);
    out->missile_max_range_m = st == BMD_OK ? tr.sum.range_m : (double)NAN;
    bmd_traj_free(&tr);
    return BMD_OK;
}

/* ---- Part 2: S-400 envelopes ----------------------------------------------------------- */

/* Reachable by the table within the time limit at (lat, lon, alt). */
static bool sam_reach(const bmd_flyout *f, const bmd_earth *e, double lat, double lon, double alt,
                      double t_max, double *t_s)
{
    bmd_vec3 p = bmd_geodetic_to_ecef(e, lat, lon, alt);
    bmd_vec3 v;
    double t = (double)NAN;
    bool ok = bmd_flyout_reach(f, p, &t, &v) && t <= t_max;
    if (t_s)
        *t_s = ok ? t : (double)NAN;
    return ok;
}

/* The outer edge of the table's reach at altitude alt along azimuth az (geodesic ground range
 * from the site, m): a scan every 1/400 of the table's range, then bisection to 1 m beyond the
 * last reachable sample. 0 when nothing on the ray is reachable. */
static double sam_outer(const bmd_flyout *f, const bmd_earth *e, double lat0, double lon0,
                        double az, double alt, double max_range, double t_max, double *t_edge)
{
    const int n = 400;
    double ds = max_range / n;
    double last = -1.0;
    for (int k = 1; k <= n + 2; k++) {
        double lat;
        double lon;
        bmd_geodesic_direct(e, lat0, lon0, az, k * ds, &lat, &lon);
        if (sam_reach(f, e, lat, lon, alt, t_max, NULL))
            last = k * ds;
    }
    *t_edge = (double)NAN;
    if (last < 0.0)
        return 0.0;
    double lo = last;
    double hi = last + ds;
    while (hi - lo > 1.0) {
        double mid = 0.5 * (lo + hi);
        double lat;
        double lon;
        bmd_geodesic_direct(e, lat0, lon0, az, mid, &lat, &lon);
        if (sam_reach(f, e, lat, lon, alt, t_max, NULL))
            lo = mid;
        else
            hi = mid;
    }
    double lat;
    double lon;
    bmd_geodesic_direct(e, lat0, lon0, az, lo, &lat, &lon);
    sam_reach(f, e, lat, lon, alt, t_max, t_edge);
    return lo;
}

/* Part 2 for one S-400 missile (a task of a parallel loop: it writes only its own entry of the
 * result and its status): the fly-out table, the envelopes, the airspace over the places. */
typedef struct sam_ctx {
    const bmd_missile *m[BMD_KGD_MAX_SAMS];
    const bmd_kaliningrad_opts *o;
    bmd_kaliningrad_result *out;
    bmd_status st[BMD_KGD_MAX_SAMS];
    bool table_failed[BMD_KGD_MAX_SAMS];
} sam_ctx;

static bmd_status sam_task(void *ctx, int s)
{
    sam_ctx *c = ctx;
    const bmd_kaliningrad_opts *o = c->o;
    const bmd_missile *m = c->m[s];
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_kgd_sam *r = &c->out->sams[s];
    snprintf(r->id, sizeof r->id, "%s", m->v.id);
    snprintf(r->name, sizeof r->name, "%s", m->v.name);
    r->kv_min_alt_m = m->kv.min_altitude_m;
    r->kv_max_alt_m = m->kv.max_altitude_m;
    r->pub_range_m = m->pub_range_m;
    bmd_flyout *f = NULL;
    c->st[s] = bmd_flyout_build(&m->v, o->sam_lat_rad, o->sam_lon_rad, o->sam_h_m, &fo,
                                &o->flyout, &f);
    if (c->st[s] != BMD_OK) {
        c->table_failed[s] = true;
        return BMD_OK;
    }
    bmd_flyout_extent(f, &r->table_range_m, &r->table_alt_m);
    int n_az = (int)lround(2.0 * BMD_PI / o->env_step_az_rad);
    r->n_env = o->n_env_alts;
    for (int a = 0; a < o->n_env_alts; a++) {
        bmd_kgd_envelope *e = &r->env[a];
        e->alt_m = o->env_alt_m[a];
        e->in_band = e->alt_m >= r->kv_min_alt_m && e->alt_m <= r->kv_max_alt_m;
        e->n_az = n_az;
        e->outer_m = calloc((size_t)n_az, sizeof *e->outer_m);
        if (!e->outer_m || !ring_alloc(&e->ring, n_az + 1)) {
            bmd_flyout_free(f);
            c->st[s] = BMD_ERR_NOMEM;
            return BMD_OK;
        }
        double sum_t = 0.0;
        int n_t = 0;
        e->range_min_m = (double)INFINITY;
        e->range_max_m = 0.0;
        for (int k = 0; k < n_az; k++) {
            double az = 2.0 * BMD_PI * k / n_az;
            double te;
            double rr = sam_outer(f, &fo.earth, o->sam_lat_rad, o->sam_lon_rad, az, e->alt_m,
                                  r->table_range_m, o->sam_max_flyout_s, &te);
            e->outer_m[k] = rr;
            e->range_min_m = fmin(e->range_min_m, rr);
            e->range_max_m = fmax(e->range_max_m, rr);
            if (isfinite(te)) {
                sum_t += te;
                n_t++;
            }
            bmd_geodesic_direct(&fo.earth, o->sam_lat_rad, o->sam_lon_rad, az, rr,
                                &e->ring.lat_rad[k], &e->ring.lon_rad[k]);
        }
        e->ring.lat_rad[n_az] = e->ring.lat_rad[0];
        e->ring.lon_rad[n_az] = e->ring.lon_rad[0];
        e->ring.n = e->range_max_m > 0.0 ? n_az + 1 : 0;
        if (!(e->range_max_m > 0.0))
            e->range_min_m = 0.0;
        e->flyout_at_edge_s = n_t ? sum_t / n_t : (double)NAN;
    }
    for (int i = 0; i < o->n_places; i++) {
        bmd_kgd_cover *cv = &r->cover[i];
        bmd_vec3 p = bmd_geodetic_to_ecef(&fo.earth, o->places[i].lat_rad, o->places[i].lon_rad,
                                          o->place_alt_m);
        cv->range_m = bmd_flyout_ground_range(f, p);
        bool band = o->place_alt_m >= r->kv_min_alt_m && o->place_alt_m <= r->kv_max_alt_m;
        cv->reachable = band && sam_reach(f, &fo.earth, o->places[i].lat_rad,
                                          o->places[i].lon_rad, o->place_alt_m,
                                          o->sam_max_flyout_s, &cv->flyout_s);
        if (!cv->reachable)
            cv->flyout_s = (double)NAN;
    }
    bmd_flyout_free(f);
    return BMD_OK;
}

static bmd_status sams(const bmd_catalog *cat, const bmd_kaliningrad_opts *o,
                       bmd_kaliningrad_result *out, char *why, size_t n)
{
    sam_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.out = out;
    for (int s = 0; s < o->n_sams; s++) {
        c.m[s] = bmd_catalog_find_interceptor(cat, o->sam_ids[s]);
        if (!c.m[s])
            return fail(why, n, BMD_ERR_NOT_FOUND, "sam_ids[%d]: the catalog has no interceptor "
                                                    "\"%s\"",
                        s, o->sam_ids[s]);
    }
    out->sam_lat_rad = o->sam_lat_rad;
    out->sam_lon_rad = o->sam_lon_rad;
    out->n_sams = o->n_sams;
    bmd_status sp = bmd_parallel_for(o->n_sams, 0, sam_task, &c, NULL);
    if (sp != BMD_OK)
        return fail(why, n, sp, "S-400 missiles: %s", bmd_status_str(sp));
    for (int s = 0; s < o->n_sams; s++) {
        if (c.st[s] == BMD_OK)
            continue;
        if (c.table_failed[s])
            return fail(why, n, c.st[s], "sam_ids[%d] (%s): its fly-out table could not be built "
                                         "(check opts.flyout): %s",
                        s, c.m[s]->v.id, bmd_status_str(c.st[s]));
        return fail(why, n, c.st[s], "out of memory");
    }
    return BMD_OK;
}

/* ---- Part 3: Voronezh-DM --------------------------------------------------------------- */

/* The look at a point at ground range s along azimuth az from the radar, at altitude alt. */
static void look_ray(const bmd_radar *rad, const bmd_earth *e, double az, double s, double alt,
                     bmd_look *lk)
{
    double lat = rad->lat_rad;
    double lon = rad->lon_rad;
    if (s > 0.0)
        bmd_geodesic_direct(e, rad->lat_rad, rad->lon_rad, az, s, &lat, &lon);
    bmd_radar_look(rad, e, bmd_geodetic_to_ecef(e, lat, lon, alt), lk);
}

typedef enum ray_test { RAY_LOS, RAY_FOV, RAY_COVER } ray_test;

static bool ray_ok(const bmd_radar *rad, const bmd_earth *e, double az, double s, double alt,
                   ray_test what, double det_m)
{
    bmd_look lk;
    look_ray(rad, e, az, s, alt, &lk);
    switch (what) {
    case RAY_LOS: return lk.line_of_sight;
    case RAY_FOV: return lk.line_of_sight && lk.el_eff_rad >= rad->el_min_rad;
    case RAY_COVER: return lk.visible && lk.range_m <= det_m;
    }
    return false;
}

/* Bisect between a ground range where the test is ok_at_lo and one where it is not, to 1 m. */
static double ray_edge(const bmd_radar *rad, const bmd_earth *e, double az, double alt,
                       ray_test what, double det_m, double lo, double hi, bool ok_at_lo)
{
    while (hi - lo > 1.0) {
        double mid = 0.5 * (lo + hi);
        if (ray_ok(rad, e, az, mid, alt, what, det_m) == ok_at_lo)
            lo = mid;
        else
            hi = mid;
    }
    return ok_at_lo ? lo : hi;
}

/* Inner and outer ground range (m) of the set where the test holds along a ray: a scan every
 * step_m from 0 to max_m, then bisection. Both 0 (and false) when the test never holds. The set
 * is an interval for every test here (close in the elevation is too high, far out too low or the
 * range too long). */
static bool ray_span(const bmd_radar *rad, const bmd_earth *e, double az, double alt,
                     ray_test what, double det_m, double max_m, double step_m, double *inner,
                     double *outer)
{
    double first = -1.0;
    double last = -1.0;
    for (double s = 0.0; s <= max_m; s += step_m) {
        if (ray_ok(rad, e, az, s, alt, what, det_m)) {
            if (first < 0.0)
                first = s;
            last = s;
        } else if (last >= 0.0) {
            break;
        }
    }
    *inner = *outer = 0.0;
    if (last < 0.0)
        return false;
    *inner = first > 0.0 ? ray_edge(rad, e, az, alt, what, det_m, first - step_m, first, false)
                         : 0.0;
    *outer = ray_edge(rad, e, az, alt, what, det_m, last, last + step_m, true);
    return true;
}

/* Largest ground range (m) reachable at all by the radar's look: its instrumented range. */
static double ray_max(const bmd_radar *rad)
{
    return rad->range_max_m;
}

static bmd_status coverage(const bmd_radar *rad, const bmd_kaliningrad_opts *o,
                           bmd_kaliningrad_result *out, char *why, size_t n)
{
    const bmd_earth e = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    bool all_round = rad->az_half_width_rad >= BMD_PI;
    double az0 = all_round ? 0.0 : rad->boresight_az_rad - rad->az_half_width_rad;
    double span = all_round ? 2.0 * BMD_PI : 2.0 * rad->az_half_width_rad;
    int n_az = (int)ceil(span / o->ring_step_az_rad - 1e-9);
    if (n_az < 1)
        n_az = 1;
    int n_pts = all_round ? n_az : n_az + 1; /* azimuths along the arc */
    const double step_m = 10e3;
    out->n_coverage = 0;
    for (int c = 0; c < o->n_rcs; c++)
        for (int a = 0; a < o->n_ring_alts; a++) {
            bmd_kgd_coverage *cv = &out->coverage[out->n_coverage++];
            cv->rcs_m2 = o->rcs_m2[c];
            cv->alt_m = o->ring_alt_m[a];
            cv->detection_range_m = bmd_radar_detection_range(rad, cv->rcs_m2);
            double bore = rad->boresight_az_rad;
            double in;
            double hz_max = 2.5 * sqrt(2.0 * rad->k_refraction * BMD_WGS84_A_M * cv->alt_m) + 2e5;
            ray_span(rad, &e, bore, cv->alt_m, RAY_LOS, 0.0, hz_max, step_m, &in,
                     &cv->horizon_range_m);
            bmd_look lk;
            look_ray(rad, &e, bore, cv->horizon_range_m, cv->alt_m, &lk);
            cv->horizon_slant_m = lk.range_m;
            ray_span(rad, &e, bore, cv->alt_m, RAY_FOV, 0.0, hz_max, step_m, &in,
                     &cv->fov_range_m);
            if (!ring_alloc(&cv->ring, 2 * n_pts + 1))
                return fail(why, n, BMD_ERR_NOMEM, "out of memory");
            double *outer = malloc((size_t)n_pts * sizeof *outer);
            double *inner = malloc((size_t)n_pts * sizeof *inner);
            if (!outer || !inner) {
                free(outer);
                free(inner);
                return fail(why, n, BMD_ERR_NOMEM, "out of memory");
            }
            cv->range_max_m = 0.0;
            cv->inner_max_m = 0.0;
            for (int k = 0; k < n_pts; k++) {
                double az = az0 + span * k / n_az;
                ray_span(rad, &e, az, cv->alt_m, RAY_COVER, cv->detection_range_m, ray_max(rad),
                         step_m, &inner[k], &outer[k]);
                cv->range_max_m = fmax(cv->range_max_m, outer[k]);
                cv->inner_max_m = fmax(cv->inner_max_m, inner[k]);
            }
            /* What bounds the outer edge on the boresight: the first test failing just beyond. */
            double ib;
            double ob;
            ray_span(rad, &e, bore, cv->alt_m, RAY_COVER, cv->detection_range_m, ray_max(rad),
                     step_m, &ib, &ob);
            look_ray(rad, &e, bore, ob + 10.0, cv->alt_m, &lk);
            if (!lk.line_of_sight)
                cv->limit = "horizon";
            else if (lk.el_eff_rad < rad->el_min_rad)
                cv->limit = "elevation";
            else if (!lk.in_range)
                cv->limit = "instrumented";
            else
                cv->limit = "detection";
            /* The ring: the outer arc, then the inner arc back (an annular sector); with nothing
             * hidden close in, a sector back to the site, or all round the outer ring alone. */
            int m = 0;
            if (cv->range_max_m > 0.0) {
                for (int k = 0; k < n_pts; k++) {
                    double az = az0 + span * k / n_az;
                    bmd_geodesic_direct(&e, rad->lat_rad, rad->lon_rad, az, outer[k],
                                        &cv->ring.lat_rad[m], &cv->ring.lon_rad[m]);
                    m++;
                }
                if (cv->inner_max_m == 0.0 && !all_round) {
                    /* A sector: back to the site. */
                    cv->ring.lat_rad[m] = rad->lat_rad;
                    cv->ring.lon_rad[m] = rad->lon_rad;
                    m++;
                } else if (cv->inner_max_m > 0.0) {
                    for (int k = n_pts - 1; k >= 0; k--) {
                        double az = az0 + span * k / n_az;
                        bmd_geodesic_direct(&e, rad->lat_rad, rad->lon_rad, az, inner[k],
                                            &cv->ring.lat_rad[m], &cv->ring.lon_rad[m]);
                        m++;
                    }
                }
                cv->ring.lat_rad[m] = cv->ring.lat_rad[0];
                cv->ring.lon_rad[m] = cv->ring.lon_rad[0];
                m++;
            }
            cv->ring.n = m;
            free(outer);
            free(inner);
        }
    return BMD_OK;
}

/* What the radar sees of a trajectory at time t. */
typedef struct seen {
    bmd_look look;
    double alt_m;
    double snr;
} seen;

static bool see_at(const bmd_radar *rad, const bmd_trajectory *tr, const bmd_signature *sig,
                   double t, seen *s)
{
    bmd_vec3 r;
    bmd_vec3 v;
    if (bmd_traj_state(tr, t, &r, &v) != BMD_OK)
        return false;
    bmd_vec3 p = bmd_eci_to_ecef(&tr->earth, t, r);
    bmd_vec3 ve = bmd_eci_to_ecef_velocity(&tr->earth, t, r, v);
    bmd_radar_look(rad, &tr->earth, p, &s->look);
    s->alt_m = bmd_ecef_height(&tr->earth, p);
    bmd_vec3 site = bmd_geodetic_to_ecef(&tr->earth, rad->lat_rad, rad->lon_rad, rad->h_m);
    bmd_vec3 to_radar = bmd_v3_unit(bmd_v3_sub(site, p));
    double c = bmd_v3_dot(bmd_v3_unit(ve), to_radar);
    double aspect = acos(fmax(-1.0, fmin(1.0, c)));
    bool boosting = t < tr->t_start_s + tr->sum.burnout_time_s;
    double rcs = bmd_signature_rcs(sig, boosting, aspect);
    s->snr = bmd_radar_snr(rad, s->look.range_m, rcs);
    return true;
}

static bool sight_test(const bmd_radar *rad, const seen *s, ray_test what)
{
    switch (what) {
    case RAY_LOS: return s->look.line_of_sight;
    case RAY_FOV: return s->look.visible;
    case RAY_COVER: return s->look.visible && s->snr >= pow(10.0, rad->snr0_db / 10.0);
    }
    return false;
}

/* First time (s on the trajectory's clock) the test holds: a scan every second, then bisection
 * to 1 ms. NaN if never. A window shorter than a second can be missed. */
static double first_time(const bmd_radar *rad, const bmd_trajectory *tr, const bmd_signature *sig,
                         ray_test what)
{
    double prev = tr->t_start_s;
    seen s;
    for (double t = tr->t_start_s;; t += 1.0) {
        double tt = fmin(t, tr->t_end_s);
        if (see_at(rad, tr, sig, tt, &s) && sight_test(rad, &s, what)) {
            if (tt == tr->t_start_s)
                return tt;
            double lo = prev;
            double hi = tt;
            while (hi - lo > 1e-3) {
                double mid = 0.5 * (lo + hi);
                if (see_at(rad, tr, sig, mid, &s) && sight_test(rad, &s, what))
                    hi = mid;
                else
                    lo = mid;
            }
            return hi;
        }
        prev = tt;
        if (tt >= tr->t_end_s)
            return (double)NAN;
    }
}

/* Fill a sight from a flown trajectory (path kept). */
static bmd_status sight_fill(const bmd_radar *rad, const bmd_trajectory *tr,
                             const bmd_signature *sig, const bmd_kaliningrad_opts *o, bool threat,
                             bmd_kgd_sight *s)
{
    double t0 = tr->t_start_s;
    s->flown = true;
    s->flight_time_s = tr->sum.flight_time_s;
    s->apogee_m = tr->sum.apogee_m;
    s->first_los_s = first_time(rad, tr, sig, RAY_LOS) - t0;
    s->first_visible_s = first_time(rad, tr, sig, RAY_FOV) - t0;
    double td = first_time(rad, tr, sig, RAY_COVER);
    s->first_detectable_s = td - t0;
    s->detect_alt_m = s->detect_slant_m = s->detect_ground_m = (double)NAN;
    if (isfinite(td)) {
        seen sn;
        if (see_at(rad, tr, sig, td, &sn)) {
            s->detect_alt_m = sn.alt_m;
            s->detect_slant_m = sn.look.range_m;
            bmd_vec3 r;
            bmd_traj_state(tr, td, &r, NULL);
            double lat;
            double lon;
            bmd_ecef_to_geodetic(&tr->earth, bmd_eci_to_ecef(&tr->earth, td, r), &lat, &lon, NULL);
            bmd_geodesic_inverse(&tr->earth, rad->lat_rad, rad->lon_rad, lat, lon,
                                 &s->detect_ground_m, NULL, NULL);
        }
    }
    bmd_surv_opts so = bmd_surv_default_opts();
    so.seed = o->seed;
    bmd_sensor_timeline tl;
    bmd_status st = bmd_detect(tr, sig, rad, 1, &so, &tl, NULL);
    if (st != BMD_OK)
        return st;
    s->first_detection_s = tl.first_detection_s - t0;
    s->track_confirmed_s = tl.track_confirmed_s - t0;
    s->warning_s = threat ? s->flight_time_s - s->first_detection_s : (double)NAN;
    return BMD_OK;
}

static void sight_none(bmd_kgd_sight *s)
{
    s->flown = false;
    s->flight_time_s = s->apogee_m = s->first_los_s = s->first_visible_s = (double)NAN;
    s->first_detectable_s = s->first_detection_s = s->track_confirmed_s = (double)NAN;
    s->detect_alt_m = s->detect_slant_m = s->detect_ground_m = s->warning_s = (double)NAN;
}

/* One watched threat (a task of a parallel loop: it writes only its own sight and status). */
typedef struct watch_ctx {
    const bmd_catalog *cat;
    const bmd_radar *rad;
    const bmd_kaliningrad_opts *o;
    bmd_kaliningrad_result *out;
    bmd_status st[BMD_KGD_MAX_WATCH];
} watch_ctx;

static bmd_status watch_task(void *vctx, int i)
{
    watch_ctx *c = vctx;
    const bmd_kgd_watch *w = &c->o->watch[i];
    bmd_kgd_sight *s = &c->out->sights[i];
    snprintf(s->name, sizeof s->name, "%s", w->name);
    sight_none(s);
    const bmd_missile *m = bmd_catalog_find(c->cat, w->missile_id);
    if (!m) {
        c->st[i] = BMD_ERR_NOT_FOUND;
        return BMD_OK;
    }
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim aim = bmd_aim_default(&m->v, w->launch_lat_rad, w->launch_lon_rad, w->target_lat_rad,
                                  w->target_lon_rad);
    bmd_aim_result res;
    memset(&res, 0, sizeof res);
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_target(&m->v, &aim, &fo, &res, &tr);
    if (st == BMD_ERR_UNREACHABLE || st == BMD_ERR_NO_CONVERGE) {
        snprintf(s->why, sizeof s->why, "%s", res.why);
        st = BMD_OK;
    } else if (st == BMD_OK) {
        st = sight_fill(c->rad, &tr, &m->sig, c->o, true, s);
    }
    c->st[i] = st;
    bmd_traj_free(&tr);
    return BMD_OK;
}

static bmd_status watch(const bmd_catalog *cat, const bmd_radar *rad,
                        const bmd_kaliningrad_opts *o, bmd_kaliningrad_result *out, char *why,
                        size_t n)
{
    out->n_sights = o->n_watch;
    watch_ctx c;
    memset(&c, 0, sizeof c);
    c.cat = cat;
    c.rad = rad;
    c.o = o;
    c.out = out;
    bmd_status sp = bmd_parallel_for(o->n_watch, 0, watch_task, &c, NULL);
    if (sp != BMD_OK)
        return fail(why, n, sp, "watched threats: %s", bmd_status_str(sp));
    for (int i = 0; i < o->n_watch; i++) {
        if (c.st[i] == BMD_ERR_NOT_FOUND)
            return fail(why, n, BMD_ERR_NOT_FOUND, "watch[%d].missile_id: the catalog has no "
                                                    "missile \"%s\"",
                        i, o->watch[i].missile_id);
        if (c.st[i] != BMD_OK)
            return fail(why, n, c.st[i], "watch[%d] (%s): %s", i, o->watch[i].name,
                        bmd_status_str(c.st[i]));
    }
    return BMD_OK;
}

/* The interceptor from Redzikowo: launched straight onto its kick, as the fly-out tables fly it
 * (docs/defense.md), with the kick found by bisection so that the apogee is int_apogee_m. */
static bmd_status interceptor(const bmd_catalog *cat, const bmd_radar *rad,
                              const bmd_kaliningrad_opts *o, bmd_kaliningrad_result *out,
                              char *why, size_t n)
{
    bmd_kgd_sight *s = &out->interceptor;
    sight_none(s);
    const bmd_missile *m = bmd_catalog_find_interceptor(cat, o->interceptor_id);
    if (!m)
        return fail(why, n, BMD_ERR_NOT_FOUND, "interceptor_id: the catalog has no interceptor "
                                                "\"%s\"",
                    o->interceptor_id);
    snprintf(s->name, sizeof s->name, "%s from Redzikowo", m->v.id);
    bmd_flight_opts fo = bmd_flight_default_opts();
    double az = o->int_azimuth_rad;
    if (isnan(az)) {
        az = 0.5 * BMD_PI;
        if (o->n_watch > 0)
            bmd_geodesic_inverse(&fo.earth, o->int_lat_rad, o->int_lon_rad,
                                 o->watch[0].launch_lat_rad, o->watch[0].launch_lon_rad, NULL,
                                 &az, NULL);
    }
    out->int_azimuth_rad = az;
    bmd_vehicle v = m->v;
    v.vertical_rise_s = 0.0;
    v.pitchover_s = 0.0;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    fo.keep_path = false;
    /* Apogee falls as the kick grows; bracket, then bisect to 1e-7 rad. */
    double lo = 0.1 * BMD_DEG;
    double hi = 89.0 * BMD_DEG;
    bmd_guidance g = {az, lo, (double)INFINITY};
    bmd_status st = bmd_fly(&v, o->int_lat_rad, o->int_lon_rad, 0.0, &g, &fo, &tr);
    double ap_lo = st == BMD_OK ? tr.sum.apogee_m : (double)NAN;
    g.kick_rad = hi;
    bmd_status st2 = bmd_fly(&v, o->int_lat_rad, o->int_lon_rad, 0.0, &g, &fo, &tr);
    double ap_hi = st2 == BMD_OK ? tr.sum.apogee_m : (double)NAN;
    if (st != BMD_OK || st2 != BMD_OK || !(ap_lo >= o->int_apogee_m) ||
        !(ap_hi <= o->int_apogee_m)) {
        snprintf(s->why, sizeof s->why,
                 "no kick between 0.1 and 89 degrees gives an apogee of %.0f km (%.0f to %.0f km)",
                 o->int_apogee_m / 1e3, ap_hi / 1e3, ap_lo / 1e3);
        out->int_kick_rad = (double)NAN;
        bmd_traj_free(&tr);
        return BMD_OK;
    }
    while (hi - lo > 1e-7) {
        g.kick_rad = 0.5 * (lo + hi);
        st = bmd_fly(&v, o->int_lat_rad, o->int_lon_rad, 0.0, &g, &fo, &tr);
        if (st != BMD_OK) {
            bmd_traj_free(&tr);
            return fail(why, n, st, "interceptor %s: the flight failed: %s", m->v.id,
                        bmd_status_str(st));
        }
        if (tr.sum.apogee_m > o->int_apogee_m)
            lo = g.kick_rad;
        else
            hi = g.kick_rad;
    }
    g.kick_rad = 0.5 * (lo + hi);
    out->int_kick_rad = g.kick_rad;
    fo.keep_path = true;
    st = bmd_fly(&v, o->int_lat_rad, o->int_lon_rad, 0.0, &g, &fo, &tr);
    if (st == BMD_OK) {
        /* The radar sees the interceptor's body with the notional int_rcs_m2 in every phase. */
        bmd_signature sig;
        memset(&sig, 0, sizeof sig);
        sig.booster_rcs_m2 = o->int_rcs_m2;
        sig.rv_rcs_m2 = o->int_rcs_m2;
        st = sight_fill(rad, &tr, &sig, o, false, s);
    }
    bmd_traj_free(&tr);
    if (st != BMD_OK)
        return fail(why, n, st, "interceptor %s: %s", m->v.id, bmd_status_str(st));
    return BMD_OK;
}

bmd_status bmd_kaliningrad_run(const bmd_catalog *cat, const bmd_kaliningrad_opts *o,
                               bmd_kaliningrad_result *out, char *why, size_t why_size)
{
    if (why && why_size > 0)
        why[0] = '\0';
    if (!out)
        return fail(why, why_size, BMD_ERR_ARG, "out: expected a result to fill");
    memset(out, 0, sizeof *out);
    if (!cat || !o)
        return fail(why, why_size, BMD_ERR_ARG, "cat, o: expected a catalog and options");
    bmd_status st = check_opts(o, why, why_size);
    if (st != BMD_OK)
        return st;
    const bmd_missile *m = bmd_catalog_find(cat, o->missile_id);
    if (!m)
        return fail(why, why_size, BMD_ERR_NOT_FOUND, "missile_id: the catalog has no missile "
                                                       "\"%s\"",
                    o->missile_id);
    const bmd_sensor_entry *se = bmd_catalog_find_sensor(cat, o->radar_id);
    if (!se || se->kind != BMD_SENSOR_RADAR || !se->has_site)
        return fail(why, why_size, BMD_ERR_NOT_FOUND,
                    "radar_id: the catalog has no radar \"%s\" with a site", o->radar_id);
    const bmd_radar *rad = &se->radar;
    snprintf(out->missile_id, sizeof out->missile_id, "%s", m->v.id);
    snprintf(out->radar_id, sizeof out->radar_id, "%s", rad->id);
    out->radar_lat_rad = rad->lat_rad;
    out->radar_lon_rad = rad->lon_rad;
    out->radar_h_m = rad->h_m;
    out->radar_boresight_rad = rad->boresight_az_rad;
    out->radar_half_width_rad = rad->az_half_width_rad;
    out->radar_el_min_rad = rad->el_min_rad;
    out->radar_el_max_rad = rad->el_max_rad;
    out->radar_range_max_m = rad->range_max_m;
    out->radar_k = rad->k_refraction;
    st = strikes(m, o, out, why, why_size);
    if (st == BMD_OK)
        st = sams(cat, o, out, why, why_size);
    if (st == BMD_OK)
        st = coverage(rad, o, out, why, why_size);
    if (st == BMD_OK)
        st = watch(cat, rad, o, out, why, why_size);
    if (st == BMD_OK)
        st = interceptor(cat, rad, o, out, why, why_size);
    if (st != BMD_OK)
        bmd_kaliningrad_free(out);
    return st;
}
