/* SPDX-License-Identifier: MIT */
/* flight.c: 3-DOF point-mass flight over the Earth model, in the Earth-centred inertial frame.
 *
 * Equations of motion (ECI, r and v):  dr/dt = v,  dv/dt = g(r) + (T u + D + L) / m
 *   g: point mass + J2 (earth.c);  v_rel = v - omega x r (the atmosphere turns with the Earth);
 *   D = -1/2 rho |v_rel| v_rel Cd(M) A   (boost: the stack's Cd(Mach) on its reference area;
 *       after burnout: -1/2 rho |v_rel| v_rel m / beta);
 *   T = Isp_vac g0 mdot - A_e p(h) (Sutton & Biblarz eq. 3-21), mass m(t) = m0 - mdot t per stage.
 * Guidance: thrust along the launch vertical for vertical_rise_s, then turned toward the launch
 * azimuth linearly in time to the kick angle over pitchover_s, then along v_rel (gravity turn:
 * zero angle of attack), until the last stage burns out or thrust is cut off.
 * Quasi-ballistic glide (lift_to_drag > 0): on descent, lift in the vertical plane, up to
 * (L/D) |D|, proportional to how far the flight-path angle is below -glide_angle.
 * References: Zarchan, Tactical and Strategic Missile Guidance, 6th ed., ch. 35-36 (gravity-turn
 * boosters, ballistic coefficient); Regan & Anandakrishnan, Dynamics of Atmospheric Re-Entry
 * (AIAA 1993), ch. 2 and 6 (3-DOF re-entry, lift). */
#include "bmd/flight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/atmosphere.h"
#include "bmd/constants.h"

bmd_flight_opts bmd_flight_default_opts(void)
{
    bmd_flight_opts o;
    memset(&o, 0, sizeof o);
    o.earth = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    o.atmosphere = true;
    /* Pure absolute control: 1 cm of position and 10 um/s of velocity per step (a velocity error
     * matters about 1000 s later, at impact); ten times tighter in powered flight in the air.
     * Impact points agree with a converged solution to a few metres (docs/validation.md). */
    o.rtol = 0.0;
    o.atol_m = 0.01;
    o.atol_m_s = 1e-5;
    o.max_time_s = 4.0 * 3600.0;
    o.keep_path = true;
    return o;
}

void bmd_traj_init(bmd_trajectory *tr) { memset(tr, 0, sizeof *tr); }

void bmd_traj_free(bmd_trajectory *tr)
{
    free(tr->seg);
    tr->seg = NULL;
    tr->n_seg = 0;
    tr->cap_seg = 0;
}

typedef enum mode { M_VERTICAL, M_KICK, M_TURN, M_COAST } mode;

/* Everything the right-hand side needs for the current phase. */
typedef struct ctx {
    const bmd_earth *earth;
    bool atmosphere;
    double r2_atmos_top; /* (a + 1000 km)^2: no air beyond (m^2) */
    mode md;
    /* Powered phases. */
    double t_phase0;    /* phase start (s) */
    double m_phase0;    /* mass at phase start (kg) */
    double mdot;        /* kg/s (0 when coasting) */
    double f_vac;       /* vacuum thrust (N) */
    double a_exit;      /* nozzle exit area (m^2) */
    double ref_area;    /* m^2 */
    const bmd_cd_table *cd;
    /* Guidance geometry, ECEF at launch. */
    bmd_vec3 up0, dir0; /* launch vertical, horizontal along the azimuth */
    double t_kick0, kick_s, kick_rad;
    /* Coast. */
    double inv_beta;    /* 1/beta (m^2/kg), 0 = no drag */
    double lift_to_drag;
    double glide_rad;
    /* Altitude events. */
    int n_alt;
    const double *alt;
} ctx;

/* Outward ellipsoid normal through the point r (any axes turning about z). */
static bmd_vec3 normal_at(const bmd_earth *e, bmd_vec3 r)
{
    bmd_vec3 n;
    bmd_ecef_height_normal(e, r, &n);
    return n;
}

/* Height above the ellipsoid along the geocentric radius, for the density lookup only:
 * r - a b r / sqrt(b^2 p^2 + a^2 z^2). It differs from the geodetic height by about
 * h e^4 sin^2(2 lat) / 8, at most 0.06 m at 10 km, 0.56 m at 100 km and 4.9 m at 1000 km
 * (measured, docs/validation.md): a relative density error below 1e-4 where drag matters, far
 * below the standard's own meaning; it costs two square roots where Heikkinen's exact height
 * costs a cube root and five. Events use the exact height. */
static double air_height(const bmd_earth *e, bmd_vec3 r)
{
    double p2 = r.x * r.x + r.y * r.y;
    double z2 = r.z * r.z;
    double rn = sqrt(p2 + z2);
    double a = e->a_m;
    double b = e->b_m;
    return rn - a * b * rn / sqrt(b * b * p2 + a * a * z2);
}

static bmd_vec3 v_rel_of(const bmd_earth *e, bmd_vec3 r, bmd_vec3 v)
{
    return bmd_v3(v.x + e->omega_rad_s * r.y, v.y - e->omega_rad_s * r.x, v.z);
}

static int rhs(double t, const double y[], double dy[], void *p)
{
    const ctx *c = p;
    const bmd_earth *e = c->earth;
    bmd_vec3 r = bmd_v3(y[0], y[1], y[2]);
    bmd_vec3 v = bmd_v3(y[3], y[4], y[5]);
    bmd_vec3 a = bmd_gravity(e, r);
    bmd_vec3 vr = v_rel_of(e, r, v);
    double vrn = bmd_v3_norm(vr);
    double rho = 0.0;
    double sound = 340.0;
    /* Above the atmosphere skip the height: h >= |r| - a, and the standard ends at 1000 km. */
    if (c->atmosphere && bmd_v3_dot(r, r) < c->r2_atmos_top) {
        rho = bmd_atmos_density_fast(air_height(e, r), &sound);
    }
    if (c->md != M_COAST) {
        double m = c->m_phase0 - c->mdot * (t - c->t_phase0);
        double pressure = rho * sound * sound / 1.4; /* p = rho a^2 / gamma */
        double thrust = c->f_vac - c->a_exit * pressure;
        if (thrust < 0.0)
            thrust = 0.0;
        bmd_vec3 u;
        if (c->md == M_TURN && vrn > 1.0) {
            u = bmd_v3_scale(vr, 1.0 / vrn);
        } else {
            double k = 0.0;
            if (c->md == M_KICK) {
                double s = c->kick_s > 0.0 ? (t - c->t_kick0) / c->kick_s : 1.0;
                k = c->kick_rad * fmin(fmax(s, 0.0), 1.0);
            } else if (c->md == M_TURN) {
                k = c->kick_rad;
            }
            bmd_vec3 u_ecef = bmd_v3_add(bmd_v3_scale(c->up0, cos(k)), bmd_v3_scale(c->dir0, sin(k)));
            u = bmd_ecef_to_eci(e, t, u_ecef);
        }
        a = bmd_v3_axpy(a, thrust / m, u);
        if (rho > 0.0) {
            double q_over_m = 0.5 * rho * vrn * bmd_cd_at(c->cd, vrn / sound) * c->ref_area / m;
            a = bmd_v3_axpy(a, -q_over_m, vr);
        }
    } else if (rho > 0.0 && c->inv_beta > 0.0) {
        double k = 0.5 * rho * vrn * c->inv_beta; /* |D|/m = k |v_rel| */
        a = bmd_v3_axpy(a, -k, vr);
        if (c->lift_to_drag > 0.0 && vrn > 1.0) {
            bmd_vec3 n = normal_at(e, r);
            double sin_g = bmd_v3_dot(n, vr) / vrn;
            double gamma = asin(fmin(fmax(sin_g, -1.0), 1.0));
            /* Lift fraction grows linearly from 0 at -glide to 1 at -glide - 5 degrees. */
            double frac = (-c->glide_rad - gamma) / (5.0 * BMD_DEG);
            frac = fmin(fmax(frac, 0.0), 1.0);
            if (frac > 0.0) {
                bmd_vec3 l = bmd_v3_axpy(n, -sin_g / vrn, vr); /* n minus its part along v_rel */
                double ln = bmd_v3_norm(l);
                if (ln > 1e-9)
                    a = bmd_v3_axpy(a, frac * c->lift_to_drag * k * vrn / ln, l);
            }
        }
    }
    dy[0] = v.x;
    dy[1] = v.y;
    dy[2] = v.z;
    dy[3] = a.x;
    dy[4] = a.y;
    dy[5] = a.z;
    return 0;
}

/* Event functions. The ode params are the ctx; index 0 impact, 1 apogee, 2.. altitudes. */
static double ev_height(double t, const double y[], void *p)
{
    (void)t;
    const ctx *c = p;
    return bmd_ecef_height(c->earth, bmd_v3(y[0], y[1], y[2]));
}

/* Impact: the height falls through a micrometre below the surface, so that a flight starting
 * exactly on the surface (height 0 up to rounding) starts above the threshold and its landing is
 * a proper falling crossing. */
#define IMPACT_DEPTH_M 1e-6
static double ev_impact(double t, const double y[], void *p)
{
    /* Far from the ground the density height (off by at most 5 m at 1000 km) has the same sign
     * as the exact one and is several times cheaper; the crossing is located on the exact one. */
    const ctx *c = p;
    double h = air_height(c->earth, bmd_v3(y[0], y[1], y[2]));
    if (h > 10.0 + 1e-5 * h)
        return h;
    return ev_height(t, y, p) + IMPACT_DEPTH_M;
}

static double ev_climb(double t, const double y[], void *p)
{
    (void)t;
    const ctx *c = p;
    bmd_vec3 r = bmd_v3(y[0], y[1], y[2]);
    bmd_vec3 vr = v_rel_of(c->earth, r, bmd_v3(y[3], y[4], y[5]));
    /* The normal of the ellipsoid's level surface through r, (x/a^2, y/a^2, z/b^2), is within
     * about e^2 h / R of the geodetic normal (5e-4 rad at 1000 km): its climb rate has the exact
     * one's sign wherever it exceeds 1% of the speed plus 10 m/s; only nearer the crossing (where
     * the apogee is located) is the exact normal worth its cube root. */
    const bmd_earth *e = c->earth;
    bmd_vec3 g = bmd_v3_unit(bmd_v3(r.x / (e->a_m * e->a_m), r.y / (e->a_m * e->a_m),
                                    r.z / (e->b_m * e->b_m)));
    double climb = bmd_v3_dot(g, vr);
    if (fabs(climb) > 10.0 + 0.01 * bmd_v3_norm(vr))
        return climb;
    return bmd_v3_dot(normal_at(e, r), vr); /* dh/dt */
}

#define ALT_EVENT_FN(k)                                                                            \
    static double ev_alt##k(double t, const double y[], void *p)                                   \
    {                                                                                              \
        const ctx *c = p;                                                                          \
        return ev_height(t, y, p) - c->alt[k];                                                     \
    }
ALT_EVENT_FN(0)
ALT_EVENT_FN(1)
ALT_EVENT_FN(2)
ALT_EVENT_FN(3)
static const bmd_event_fn alt_fns[4] = {ev_alt0, ev_alt1, ev_alt2, ev_alt3};

static int path_sink(const bmd_ode_segment *seg, int n, void *pv)
{
    (void)n;
    bmd_trajectory *tr = pv;
    if (tr->n_seg == tr->cap_seg) {
        int cap = tr->cap_seg ? 2 * tr->cap_seg : 256;
        bmd_path_seg *ns = realloc(tr->seg, (size_t)cap * sizeof *ns);
        if (!ns)
            return 1;
        tr->seg = ns;
        tr->cap_seg = cap;
    }
    bmd_path_seg *d = &tr->seg[tr->n_seg++];
    d->t0 = seg->t0;
    d->h = seg->h;
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 6; i++)
            d->c[k][i] = seg->c[k][i];
    return 0;
}

static void add_event(bmd_trajectory *tr, bmd_flight_event_kind kind, int index, double t,
                      double h)
{
    if (tr->n_events >= BMD_MAX_FLIGHT_EVENTS)
        return;
    bmd_flight_event *ev = &tr->events[tr->n_events++];
    ev->kind = kind;
    ev->index = index;
    ev->t_s = t;
    ev->altitude_m = h;
}

/* Shared integration state across phases. */
typedef struct flight {
    const bmd_flight_opts *o;
    bmd_trajectory *tr;
    ctx c;
    bmd_ode_event events[6];
    int n_events;
    double t;
    double y[6];
    double h_next;
} flight;

static void flight_setup(flight *f, const bmd_flight_opts *o, bmd_trajectory *tr)
{
    memset(f, 0, sizeof *f);
    f->o = o;
    f->tr = tr;
    f->c.earth = &tr->earth;
    f->c.atmosphere = o->atmosphere;
    f->c.r2_atmos_top = (tr->earth.a_m + BMD_ATMOS_TOP_M) * (tr->earth.a_m + BMD_ATMOS_TOP_M);
    f->c.n_alt = o->n_altitudes < 0 ? 0 : (o->n_altitudes > 4 ? 4 : o->n_altitudes);
    f->c.alt = o->altitudes_m;
    f->events[0] = (bmd_ode_event){ev_impact, -1, true};
    f->events[1] = (bmd_ode_event){ev_climb, -1, false};
    for (int k = 0; k < f->c.n_alt; k++)
        f->events[2 + k] = (bmd_ode_event){alt_fns[k], 0, false};
    f->n_events = 2 + f->c.n_alt;
    tr->sum.apogee_m = -HUGE_VAL;
}

/* Integrate the current phase to t_end (or to impact). Returns status; *impact set on impact. */
static bmd_status flight_phase(flight *f, double t_end, bool *impact)
{
    bmd_ode_run run;
    memset(&run, 0, sizeof run);
    run.n = 6;
    run.f = rhs;
    run.params = &f->c;
    run.events = f->events;
    run.n_events = f->n_events;
    run.sink = f->o->keep_path ? path_sink : NULL;
    run.sink_ctx = f->tr;
    bmd_ode_opts oo = bmd_ode_default_opts();
    /* Powered flight in the air crosses the slope breaks of the Cd(Mach) tables and of the
     * atmosphere's layers, which no embedded error estimate sees (Hairer et al. II.6): it gets
     * ten times tighter tolerances (docs/validation.md, flight finding 2). */
    double k = f->c.md != M_COAST && f->c.atmosphere ? 0.1 : 1.0;
    double atol[6] = {k * f->o->atol_m, k * f->o->atol_m, k * f->o->atol_m,
                      k * f->o->atol_m_s, k * f->o->atol_m_s, k * f->o->atol_m_s};
    oo.rtol = f->o->rtol;
    oo.atol = f->o->atol_m;
    oo.atol_vec = atol;
    oo.h_init = f->h_next;
    oo.h_max = f->o->max_step_s;
    oo.event_tol = 1e-7;
    oo.max_steps = 200000;
    bmd_status st = bmd_ode_dopri5(&run, f->t, f->y, t_end, &oo);
    f->tr->sum.n_steps += run.n_steps;
    f->tr->sum.n_fevals += run.n_fevals;
    for (int i = 0; i < run.n_hits; i++) {
        const bmd_ode_hit *hit = &run.hits[i];
        double h = ev_height(hit->t, hit->y, &f->c);
        if (hit->event == 1) {
            add_event(f->tr, BMD_EV_APOGEE, 0, hit->t, h);
            if (h > f->tr->sum.apogee_m) {
                f->tr->sum.apogee_m = h;
                f->tr->sum.apogee_time_s = hit->t;
            }
        } else if (hit->event >= 2) {
            add_event(f->tr, BMD_EV_ALTITUDE, hit->event - 2, hit->t, h);
        }
    }
    f->t = run.t;
    memcpy(f->y, run.y, sizeof f->y);
    f->h_next = run.h_last;
    f->tr->t_end_s = f->t;
    *impact = run.terminal_event == 0;
    return st;
}

static void state_geo(const flight *f, double *lat, double *lon, double *h, double *speed,
                      double *gamma)
{
    const bmd_earth *e = f->c.earth;
    bmd_vec3 r = bmd_v3(f->y[0], f->y[1], f->y[2]);
    bmd_vec3 v = bmd_v3(f->y[3], f->y[4], f->y[5]);
    bmd_vec3 r_ecef = bmd_eci_to_ecef(e, f->t, r);
    bmd_ecef_to_geodetic(e, r_ecef, lat, lon, h);
    bmd_vec3 vr = v_rel_of(e, r, v);
    double s = bmd_v3_norm(vr);
    if (speed)
        *speed = s;
    if (gamma)
        *gamma = s > 0.0 ? asin(fmin(fmax(bmd_v3_dot(normal_at(e, r), vr) / s, -1.0), 1.0)) : 0.0;
}

/* The coast to impact (unless it already came down) and the summary. */
static bmd_status flight_finish(flight *f, bool impact)
{
    bmd_trajectory *tr = f->tr;
    f->c.md = M_COAST;
    double t_max = tr->t_start_s + f->o->max_time_s;
    if (!impact && f->t < t_max) {
        bmd_status st = flight_phase(f, t_max, &impact);
        if (st != BMD_OK)
            return st;
    }
    if (!impact)
        return BMD_ERR_UNREACHABLE;
    double lat;
    double lon;
    double speed;
    state_geo(f, &lat, &lon, NULL, &speed, NULL);
    add_event(tr, BMD_EV_IMPACT, 0, f->t, 0.0);
    bmd_flight_summary *s = &tr->sum;
    s->impacted = true;
    s->flight_time_s = f->t - tr->t_start_s;
    s->impact_lat_rad = lat;
    s->impact_lon_rad = lon;
    s->impact_speed_m_s = speed;
    if (!(s->apogee_m > -HUGE_VAL)) {
        /* No apogee crossed after burnout: it was descending from the start. */
        s->apogee_m = s->burnout_altitude_m;
        s->apogee_time_s = s->burnout_time_s;
    }
    return bmd_geodesic_inverse(&tr->earth, s->launch_lat_rad, s->launch_lon_rad, lat, lon,
                                &s->range_m, &s->impact_azimuth_rad, NULL);
}

static bmd_status flight_start(flight *f, bmd_trajectory *tr, double lat, double lon, double h,
                               bmd_vec3 v_rel_ecef)
{
    bmd_vec3 r = bmd_geodetic_to_ecef(&tr->earth, lat, lon, h);
    bmd_vec3 v = bmd_ecef_to_eci_velocity(&tr->earth, 0.0, r, v_rel_ecef);
    f->t = 0.0;
    f->y[0] = r.x;
    f->y[1] = r.y;
    f->y[2] = r.z;
    f->y[3] = v.x;
    f->y[4] = v.y;
    f->y[5] = v.z;
    tr->t_start_s = 0.0;
    tr->t_end_s = 0.0;
    tr->sum.launch_lat_rad = lat;
    tr->sum.launch_lon_rad = lon;
    return BMD_OK;
}

static bool opts_ok(const bmd_flight_opts *o)
{
    return o->rtol >= 0.0 && o->rtol < 1e-2 && o->atol_m > 0.0 && isfinite(o->atol_m) &&
           o->atol_m_s > 0.0 && isfinite(o->atol_m_s) && o->max_step_s >= 0.0 &&
           isfinite(o->max_step_s) &&
           o->max_time_s > 0.0 && isfinite(o->max_time_s);
}

static bool latlon_ok(double lat, double lon, double h)
{
    return isfinite(lat) && isfinite(lon) && isfinite(h) && fabs(lat) <= 0.5 * BMD_PI &&
           h > -1.0e4 && h < 1.0e7;
}

bmd_status bmd_fly(const bmd_vehicle *veh, double lat_rad, double lon_rad, double h_m,
                   const bmd_guidance *g, const bmd_flight_opts *o, bmd_trajectory *tr)
{
    bmd_earth earth = o->earth;
    bmd_traj_free(tr);
    bmd_traj_init(tr);
    tr->earth = earth;
    if (!opts_ok(o) || !latlon_ok(lat_rad, lon_rad, h_m) || !isfinite(g->azimuth_rad) ||
        !isfinite(g->kick_rad) || isnan(g->cutoff_s) || g->cutoff_s <= 0.0)
        return BMD_ERR_ARG;
    if (bmd_vehicle_check(veh, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;

    flight f;
    flight_setup(&f, o, tr);
    flight_start(&f, tr, lat_rad, lon_rad, h_m, bmd_v3(0.0, 0.0, 0.0));
    bmd_vec3 e;
    bmd_vec3 n;
    bmd_enu_basis(lat_rad, lon_rad, &e, &n, &f.c.up0);
    f.c.dir0 = bmd_v3_add(bmd_v3_scale(n, cos(g->azimuth_rad)), bmd_v3_scale(e, sin(g->azimuth_rad)));
    f.c.t_kick0 = veh->vertical_rise_s;
    f.c.kick_s = veh->pitchover_s;
    f.c.kick_rad = g->kick_rad;

    /* Guidance breakpoints: end of the vertical rise and of the kick. */
    double t_v = veh->vertical_rise_s;
    double t_k = veh->vertical_rise_s + veh->pitchover_s;
    double mass_above = bmd_vehicle_launch_mass(veh);
    double t_stage0 = 0.0;
    double t_cut = g->cutoff_s;
    bool cut = false;
    bool impact = false;
    bmd_status st = BMD_OK;
    for (int i = 0; i < veh->n_stages && !cut && !impact; i++) {
        const bmd_stage *s = &veh->stages[i];
        double t_stage1 = t_stage0 + s->burn_time_s;
        if (t_stage1 >= t_cut) {
            t_stage1 = t_cut;
            cut = true;
        }
        f.c.m_phase0 = mass_above;
        f.c.t_phase0 = t_stage0;
        f.c.mdot = s->propellant_mass_kg / s->burn_time_s;
        f.c.f_vac = s->isp_vac_s * BMD_G0_M_S2 * f.c.mdot;
        f.c.a_exit = s->nozzle_exit_area_m2;
        f.c.ref_area = s->ref_area_m2;
        f.c.cd = &s->cd;
        /* Sub-phases of this stage split at the guidance breakpoints. */
        double cuts[3] = {t_v, t_k, t_stage1};
        for (int k = 0; k < 3 && !impact; k++) {
            double te = cuts[k];
            if (te <= f.t)
                continue;
            if (te > t_stage1)
                te = t_stage1;
            f.c.md = f.t < t_v ? M_VERTICAL : (f.t < t_k ? M_KICK : M_TURN);
            st = flight_phase(&f, te, &impact);
            if (st != BMD_OK)
                return st;
            if (te >= t_stage1)
                break;
        }
        if (impact)
            break;
        mass_above -= s->gross_mass_kg;
        t_stage0 = t_stage1;
        if (!cut && i + 1 < veh->n_stages)
            add_event(tr, BMD_EV_STAGING, i, f.t, ev_height(f.t, f.y, &f.c));
    }
    double h_bo;
    state_geo(&f, NULL, NULL, &h_bo, &tr->sum.burnout_speed_m_s, &tr->sum.burnout_gamma_rad);
    tr->sum.burnout_time_s = f.t;
    tr->sum.burnout_altitude_m = h_bo;
    if (!impact)
        add_event(tr, BMD_EV_BURNOUT, 0, f.t, h_bo);
    f.c.inv_beta = veh->rv_beta_kg_m2 > 0.0 ? 1.0 / veh->rv_beta_kg_m2 : 0.0;
    f.c.lift_to_drag = veh->lift_to_drag;
    f.c.glide_rad = veh->glide_angle_rad;
    return flight_finish(&f, impact);
}

bmd_status bmd_fly_free(double lat_rad, double lon_rad, double h_m, double speed_m_s,
                        double gamma_rad, double azimuth_rad, double beta_kg_m2,
                        const bmd_flight_opts *o, bmd_trajectory *tr)
{
    bmd_traj_free(tr);
    bmd_traj_init(tr);
    tr->earth = o->earth;
    if (!opts_ok(o) || !latlon_ok(lat_rad, lon_rad, h_m) || !isfinite(speed_m_s) ||
        speed_m_s < 0.0 || !isfinite(gamma_rad) || fabs(gamma_rad) > 0.5 * BMD_PI ||
        !isfinite(azimuth_rad) || !isfinite(beta_kg_m2) || beta_kg_m2 < 0.0)
        return BMD_ERR_ARG;
    if (h_m <= 0.0 && (gamma_rad <= 0.0 || speed_m_s == 0.0))
        return BMD_ERR_ARG; /* on the ground and not climbing: it never flies */
    flight f;
    flight_setup(&f, o, tr);
    bmd_vec3 e;
    bmd_vec3 n;
    bmd_vec3 u;
    bmd_enu_basis(lat_rad, lon_rad, &e, &n, &u);
    double ch = speed_m_s * cos(gamma_rad);
    bmd_vec3 v = bmd_v3_add(bmd_v3_add(bmd_v3_scale(n, ch * cos(azimuth_rad)),
                                       bmd_v3_scale(e, ch * sin(azimuth_rad))),
                            bmd_v3_scale(u, speed_m_s * sin(gamma_rad)));
    flight_start(&f, tr, lat_rad, lon_rad, h_m, v);
    /* Escape: a non-negative inertial energy v^2/2 - mu/r while climbing never comes back. (A
     * descending one may still hit the Earth: it is integrated.) */
    bmd_vec3 vi = bmd_v3(f.y[3], f.y[4], f.y[5]);
    bmd_vec3 ri = bmd_v3(f.y[0], f.y[1], f.y[2]);
    if (0.5 * bmd_v3_dot(vi, vi) - tr->earth.mu_m3_s2 / bmd_v3_norm(ri) >= 0.0 &&
        bmd_v3_dot(ri, vi) >= 0.0)
        return BMD_ERR_UNREACHABLE;
    tr->sum.burnout_time_s = 0.0;
    tr->sum.burnout_speed_m_s = speed_m_s;
    tr->sum.burnout_altitude_m = h_m;
    tr->sum.burnout_gamma_rad = gamma_rad;
    f.c.inv_beta = beta_kg_m2 > 0.0 ? 1.0 / beta_kg_m2 : 0.0;
    return flight_finish(&f, false);
}

bmd_status bmd_fly_state(double t0_s, const double y_eci[6], double beta_kg_m2,
                         const bmd_flight_opts *o, bmd_trajectory *tr)
{
    bmd_traj_free(tr);
    bmd_traj_init(tr);
    tr->earth = o->earth;
    if (!opts_ok(o) || !isfinite(t0_s) || !isfinite(beta_kg_m2) || beta_kg_m2 < 0.0)
        return BMD_ERR_ARG;
    for (int i = 0; i < 6; i++)
        if (!isfinite(y_eci[i]))
            return BMD_ERR_ARG;
    flight f;
    flight_setup(&f, o, tr);
    f.t = t0_s;
    memcpy(f.y, y_eci, sizeof f.y);
    tr->t_start_s = t0_s;
    tr->t_end_s = t0_s;
    bmd_vec3 r = bmd_v3(y_eci[0], y_eci[1], y_eci[2]);
    bmd_vec3 v = bmd_v3(y_eci[3], y_eci[4], y_eci[5]);
    if (0.5 * bmd_v3_dot(v, v) - tr->earth.mu_m3_s2 / bmd_v3_norm(r) >= 0.0 &&
        bmd_v3_dot(r, v) >= 0.0)
        return BMD_ERR_UNREACHABLE;
    double lat;
    double lon;
    double h;
    double speed;
    double gamma;
    state_geo(&f, &lat, &lon, &h, &speed, &gamma);
    if (h <= 0.0 && gamma <= 0.0)
        return BMD_ERR_ARG;
    tr->sum.launch_lat_rad = lat;
    tr->sum.launch_lon_rad = lon;
    tr->sum.burnout_time_s = t0_s;
    tr->sum.burnout_speed_m_s = speed;
    tr->sum.burnout_altitude_m = h;
    tr->sum.burnout_gamma_rad = gamma;
    f.c.inv_beta = beta_kg_m2 > 0.0 ? 1.0 / beta_kg_m2 : 0.0;
    return flight_finish(&f, false);
}

bmd_status bmd_traj_state(const bmd_trajectory *tr, double t_s, bmd_vec3 *r_eci, bmd_vec3 *v_eci)
{
    if (tr->n_seg == 0 || !(t_s >= tr->t_start_s) || !(t_s <= tr->t_end_s))
        return BMD_ERR_RANGE;
    /* Last segment starting at or before t. */
    int lo = 0;
    int hi = tr->n_seg - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (tr->seg[mid].t0 <= t_s)
            lo = mid;
        else
            hi = mid - 1;
    }
    const bmd_path_seg *s = &tr->seg[lo];
    double th = (t_s - s->t0) / s->h;
    double th1 = 1.0 - th;
    double y[6];
    for (int i = 0; i < 6; i++)
        y[i] = s->c[0][i] +
               th * (s->c[1][i] + th1 * (s->c[2][i] + th * (s->c[3][i] + th1 * s->c[4][i])));
    if (r_eci)
        *r_eci = bmd_v3(y[0], y[1], y[2]);
    if (v_eci)
        *v_eci = bmd_v3(y[3], y[4], y[5]);
    return BMD_OK;
}

bmd_status bmd_traj_geodetic(const bmd_trajectory *tr, double t_s, double *lat_rad,
                             double *lon_rad, double *h_m, double *speed_rel_m_s)
{
    bmd_vec3 r;
    bmd_vec3 v;
    bmd_status st = bmd_traj_state(tr, t_s, &r, &v);
    if (st != BMD_OK)
        return st;
    bmd_ecef_to_geodetic(&tr->earth, bmd_eci_to_ecef(&tr->earth, t_s, r), lat_rad, lon_rad, h_m);
    if (speed_rel_m_s)
        *speed_rel_m_s = bmd_v3_norm(v_rel_of(&tr->earth, r, v));
    return BMD_OK;
}
