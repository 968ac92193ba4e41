/* SPDX-License-Identifier: MIT */
/* flyout.c: fly-out tables. The interceptor is flown (full model) over a fan of pitch-over kicks
 * on evenly spaced launch azimuths; each fan trajectory is cut at the ground ranges of a grid,
 * and between neighbouring kicks the time to each altitude of the grid is interpolated; a cell
 * keeps the fastest. Lookups interpolate linearly in azimuth, range and altitude, and call a
 * point unreachable when any of the eight surrounding cells is (a conservative envelope, one
 * cell inside the true one). Ground range is the angle between the surface normals under the
 * site and the point times the site's mean radius of curvature, the same in building and lookup. */
#include "bmd/intercept.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "bmd/parallel.h"

struct bmd_flyout {
    bmd_earth earth;
    bmd_vec3 site;          /* ECEF (m) */
    bmd_vec3 n_site;        /* surface normal (up) */
    bmd_vec3 east, north;
    double r_ref;           /* sqrt(M N) at the site (m) */
    int n_az, n_r, n_h;
    double dr, dh;          /* grid spacings (m) */
    float *t;               /* [az][r][h] fastest time (s), INFINITY where out of reach */
    float *speed;           /* speed relative to the Earth there (m/s) */
    float *gamma;           /* flight-path angle there (rad) */
    bool borrowed;          /* t, speed, gamma belong to another table (bmd_flyout_moved) */
};

bmd_flyout_opts bmd_flyout_default_opts(void)
{
    bmd_flyout_opts o;
    o.n_azimuths = 8;
    o.n_kicks = 64;
    o.kick_min_rad = 0.3 * BMD_DEG;
    o.kick_max_rad = 88.0 * BMD_DEG;
    o.n_range = 200;
    o.n_alt = 200;
    o.max_time_s = 1800.0;
    o.sample_s = 1.0;
    o.threads = 0;
    return o;
}

void bmd_flyout_free(bmd_flyout *f)
{
    if (!f)
        return;
    if (f->borrowed) {
        free(f);
        return;
    }
    free(f->t);
    free(f->speed);
    free(f->gamma);
    free(f);
}

/* Ground range (m), altitude (m) and azimuth (rad) of an ECEF point from the site. */
static void polar(const bmd_flyout *f, bmd_vec3 p, double *range, double *alt, double *az,
                  bmd_vec3 *n_p)
{
    bmd_vec3 n;
    *alt = bmd_ecef_height_normal(&f->earth, p, &n);
    double c = bmd_v3_dot(f->n_site, n);
    double s = bmd_v3_norm(bmd_v3_cross(f->n_site, n));
    *range = f->r_ref * atan2(s, c);
    bmd_vec3 d = bmd_v3_sub(p, f->site);
    double a = atan2(bmd_v3_dot(d, f->east), bmd_v3_dot(d, f->north));
    *az = a < 0.0 ? a + 2.0 * BMD_PI : a;
    if (n_p)
        *n_p = n;
}

/* One fan trajectory, sampled. */
typedef struct fan_line {
    int n;
    double *range, *alt, *t, *v, *g;
} fan_line;

static void line_free(fan_line *l)
{
    free(l->range);
    free(l->alt);
    free(l->t);
    free(l->v);
    free(l->g);
    memset(l, 0, sizeof *l);
}

static bmd_status sample_line(const bmd_flyout *f, const bmd_trajectory *tr, double dt,
                              fan_line *l)
{
    int n = (int)ceil((tr->t_end_s - tr->t_start_s) / dt) + 2;
    l->range = malloc((size_t)n * sizeof(double));
    l->alt = malloc((size_t)n * sizeof(double));
    l->t = malloc((size_t)n * sizeof(double));
    l->v = malloc((size_t)n * sizeof(double));
    l->g = malloc((size_t)n * sizeof(double));
    if (!l->range || !l->alt || !l->t || !l->v || !l->g)
        return BMD_ERR_NOMEM;
    l->n = 0;
    for (int k = 0; k < n; k++) {
        double t = fmin(tr->t_start_s + k * dt, tr->t_end_s);
        bmd_vec3 r;
        bmd_vec3 v;
        if (bmd_traj_state(tr, t, &r, &v) != BMD_OK)
            break;
        bmd_vec3 pe = bmd_eci_to_ecef(&tr->earth, t, r);
        bmd_vec3 ve = bmd_eci_to_ecef_velocity(&tr->earth, t, r, v);
        double rg;
        double h;
        double az;
        bmd_vec3 np;
        polar(f, pe, &rg, &h, &az, &np);
        double sp = bmd_v3_norm(ve);
        l->range[l->n] = rg;
        l->alt[l->n] = h;
        l->t[l->n] = t;
        l->v[l->n] = sp;
        l->g[l->n] = sp > 0.0 ? asin(fmax(-1.0, fmin(1.0, bmd_v3_dot(np, ve) / sp))) : 0.0;
        l->n++;
        if (t >= tr->t_end_s)
            break;
    }
    return BMD_OK;
}

/* The fan line at grid range R: first crossing, linear between samples. */
/* The line's first crossing of ground range R, interpolated. *from: where to start looking, and
 * where the crossing was found: the first crossing of a larger range is never earlier (every
 * sample before the first crossing of R lies below R), so a caller going up in R keeps it. */
static bool line_at(const fan_line *l, double R, int *from, double *t, double *h, double *v,
                    double *g)
{
    for (int s = *from > 1 ? *from : 1; s < l->n; s++) {
        if (l->range[s] >= R && l->range[s - 1] < R) {
            double u = (R - l->range[s - 1]) / (l->range[s] - l->range[s - 1]);
            *t = l->t[s - 1] + u * (l->t[s] - l->t[s - 1]);
            *h = l->alt[s - 1] + u * (l->alt[s] - l->alt[s - 1]);
            *v = l->v[s - 1] + u * (l->v[s] - l->v[s - 1]);
            *g = l->g[s - 1] + u * (l->g[s] - l->g[s - 1]);
            *from = s;
            return true;
        }
    }
    return false;
}

#define IDX(f, a, r, h) (((size_t)(a) * (size_t)(f)->n_r + (size_t)(r)) * (size_t)(f)->n_h + (size_t)(h))

/* One line of the fan: azimuth k / nk, kick k % nk. */
typedef struct fan_ctx {
    const bmd_flyout *f;
    const bmd_vehicle *veh;
    const bmd_flight_opts *fl;
    const bmd_flyout_opts *fo;
    double lat, lon, h;
    int nk;
    fan_line *lines;
} fan_ctx;

static bmd_status fan_task(void *ctx, int k)
{
    fan_ctx *c = ctx;
    int a = k / c->nk;
    int i = k % c->nk;
    double az = 2.0 * BMD_PI * a / c->f->n_az;
    /* Denser at steep kicks, where the range changes fastest with the kick. */
    double u = (double)i / (c->nk - 1);
    double kick = c->fo->kick_min_rad + (c->fo->kick_max_rad - c->fo->kick_min_rad) * u * sqrt(u);
    bmd_guidance g = {az, kick, (double)INFINITY};
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_fly(c->veh, c->lat, c->lon, c->h, &g, c->fl, &tr);
    if (st == BMD_OK || st == BMD_ERR_UNREACHABLE)
        st = sample_line(c->f, &tr, c->fo->sample_s, &c->lines[k]);
    bmd_traj_free(&tr);
    return st;
}

bmd_status bmd_flyout_build(const bmd_vehicle *veh, double site_lat_rad, double site_lon_rad,
                            double site_h_m, const bmd_flight_opts *o, const bmd_flyout_opts *fo,
                            bmd_flyout **out)
{
    *out = NULL;
    if (bmd_vehicle_check(veh, NULL, 0) != BMD_OK || !isfinite(site_lat_rad) ||
        !isfinite(site_lon_rad) || !isfinite(site_h_m) || fabs(site_lat_rad) > 0.5 * BMD_PI ||
        fo->n_azimuths < 4 || fo->n_kicks < 8 || fo->n_range < 8 || fo->n_alt < 8 ||
        !(fo->kick_min_rad > 0.0) || !(fo->kick_max_rad > fo->kick_min_rad) ||
        !(fo->kick_max_rad < 0.5 * BMD_PI) || !(fo->max_time_s > 0.0) || !(fo->sample_s > 0.0))
        return BMD_ERR_ARG;
    bmd_flyout *f = calloc(1, sizeof *f);
    if (!f)
        return BMD_ERR_NOMEM;
    f->earth = o->earth;
    f->site = bmd_geodetic_to_ecef(&f->earth, site_lat_rad, site_lon_rad, site_h_m);
    bmd_enu_basis(site_lat_rad, site_lon_rad, &f->east, &f->north, &f->n_site);
    double sl = sin(site_lat_rad);
    double w = sqrt(1.0 - f->earth.e2 * sl * sl);
    f->r_ref = sqrt((f->earth.a_m / w) * (f->earth.a_m * (1.0 - f->earth.e2) / (w * w * w)));
    f->n_az = fo->n_azimuths;
    f->n_r = fo->n_range;
    f->n_h = fo->n_alt;

    int nk = fo->n_kicks;
    fan_line *lines = calloc((size_t)(f->n_az * nk), sizeof *lines);
    bmd_status st = lines ? BMD_OK : BMD_ERR_NOMEM;
    /* The fan: launches straight onto their kicks (no vertical rise, no pitch-over: the kick is
     * the launch direction's angle from the vertical, then a gravity turn). An interceptor's
     * catalog guidance (a rise, then a pitch-over of a few seconds) hardly tilts a booster with a
     * thrust-to-weight ratio above 10 before its velocity is large and vertical: its fan would
     * miss every point below about 65 degrees of elevation. A real interceptor shapes its fly-out
     * to the point. */
    bmd_vehicle fan_v = *veh;
    fan_v.vertical_rise_s = 0.0;
    fan_v.pitchover_s = 0.0;
    veh = &fan_v;
    bmd_flight_opts fl = *o;
    fl.keep_path = true;
    fl.max_time_s = fo->max_time_s;
    double rmax = 0.0;
    double hmax = 0.0;
    if (st == BMD_OK) {
        /* The fan's flights are independent: in parallel, each writing its own line. */
        fan_ctx fc = {f, veh, &fl, fo, site_lat_rad, site_lon_rad, site_h_m, nk, lines};
        st = bmd_parallel_for(f->n_az * nk, fo->threads, fan_task, &fc, NULL);
    }
    for (int k = 0; st == BMD_OK && k < f->n_az * nk; k++)
        for (int j = 0; j < lines[k].n; j++) {
            rmax = fmax(rmax, lines[k].range[j]);
            hmax = fmax(hmax, lines[k].alt[j]);
        }
    size_t cells = (size_t)f->n_az * (size_t)f->n_r * (size_t)f->n_h;
    if (st == BMD_OK) {
        f->t = malloc(cells * sizeof(float));
        f->speed = malloc(cells * sizeof(float));
        f->gamma = malloc(cells * sizeof(float));
        if (!f->t || !f->speed || !f->gamma)
            st = BMD_ERR_NOMEM;
    }
    if (st == BMD_OK && !(rmax > 0.0 && hmax > 0.0))
        st = BMD_ERR_ARG;
    if (st == BMD_OK) {
        f->dr = rmax / (f->n_r - 1);
        f->dh = hmax / (f->n_h - 1);
        for (size_t c = 0; c < cells; c++) {
            f->t[c] = INFINITY;
            f->speed[c] = 0.0f;
            f->gamma[c] = 0.0f;
        }
        double *tk = malloc((size_t)nk * 4 * sizeof(double));
        bool *ok = malloc((size_t)nk * sizeof(bool));
        int *from = malloc((size_t)nk * sizeof(int));
        if (!tk || !ok || !from)
            st = BMD_ERR_NOMEM;
        for (int a = 0; st == BMD_OK && a < f->n_az; a++) {
            for (int i = 0; i < nk; i++)
                from[i] = 1;
            for (int r = 1; r < f->n_r; r++) {
                double R = r * f->dr;
                for (int i = 0; i < nk; i++)
                    ok[i] = line_at(&lines[a * nk + i], R, &from[i], &tk[4 * i], &tk[4 * i + 1],
                                    &tk[4 * i + 2], &tk[4 * i + 3]);
                for (int i = 0; i + 1 < nk; i++) {
                    if (!ok[i] || !ok[i + 1])
                        continue;
                    double ha = tk[4 * i + 1];
                    double hb = tk[4 * (i + 1) + 1];
                    double lo = fmin(ha, hb);
                    double hi = fmax(ha, hb);
                    int m0 = (int)ceil(fmax(lo, 0.0) / f->dh);
                    int m1 = (int)floor(hi / f->dh);
                    for (int m = m0; m <= m1 && m < f->n_h; m++) {
                        double H = m * f->dh;
                        double u = hb != ha ? (H - ha) / (hb - ha) : 0.0;
                        double t = tk[4 * i] + u * (tk[4 * (i + 1)] - tk[4 * i]);
                        size_t c = IDX(f, a, r, m);
                        if (t < (double)f->t[c]) {
                            f->t[c] = (float)t;
                            f->speed[c] = (float)(tk[4 * i + 2] + u * (tk[4 * (i + 1) + 2] - tk[4 * i + 2]));
                            f->gamma[c] = (float)(tk[4 * i + 3] + u * (tk[4 * (i + 1) + 3] - tk[4 * i + 3]));
                        }
                    }
                }
            }
        }
        free(tk);
        free(from);
        free(ok);
    }
    for (int k = 0; lines && k < f->n_az * nk; k++)
        line_free(&lines[k]);
    free(lines);
    if (st != BMD_OK) {
        bmd_flyout_free(f);
        return st;
    }
    *out = f;
    return BMD_OK;
}

void bmd_flyout_extent(const bmd_flyout *f, double *max_range_m, double *max_alt_m)
{
    if (max_range_m)
        *max_range_m = f->dr * (f->n_r - 1);
    if (max_alt_m)
        *max_alt_m = f->dh * (f->n_h - 1);
}

bool bmd_flyout_reach(const bmd_flyout *f, bmd_vec3 p, double *t_s, bmd_vec3 *v_ecef)
{
    double H;
    bmd_vec3 np;
    H = bmd_ecef_height_normal(&f->earth, p, &np);
    return bmd_flyout_reach_at(f, p, np, H, t_s, v_ecef);
}

bool bmd_flyout_reach_at(const bmd_flyout *f, bmd_vec3 p, bmd_vec3 np, double H, double *t_s,
                         bmd_vec3 *v_ecef)
{
    double cosr = bmd_v3_dot(f->n_site, np);
    double sinr = bmd_v3_norm(bmd_v3_cross(f->n_site, np));
    double R = f->r_ref * atan2(sinr, cosr);
    bmd_vec3 d = bmd_v3_sub(p, f->site);
    double az = atan2(bmd_v3_dot(d, f->east), bmd_v3_dot(d, f->north));
    if (az < 0.0)
        az += 2.0 * BMD_PI;
    double x = R / f->dr;
    double y = H / f->dh;
    if (!(x >= 0.0) || !(y >= 0.0) || x >= f->n_r - 1 || y >= f->n_h - 1)
        return false;
    double za = az / (2.0 * BMD_PI) * f->n_az;
    int a0 = (int)floor(za);
    double ua = za - a0;
    a0 %= f->n_az;
    int a1 = (a0 + 1) % f->n_az;
    int r0 = (int)x;
    int h0 = (int)y;
    double ur = x - r0;
    double uh = y - h0;
    double t = 0.0;
    double sp = 0.0;
    double gm = 0.0;
    for (int k = 0; k < 8; k++) {
        int a = k & 1 ? a1 : a0;
        int r = r0 + ((k >> 1) & 1);
        int h = h0 + ((k >> 2) & 1);
        double wgt = (k & 1 ? ua : 1.0 - ua) * ((k >> 1) & 1 ? ur : 1.0 - ur) *
                     ((k >> 2) & 1 ? uh : 1.0 - uh);
        size_t c = IDX(f, a, r, h);
        if (!isfinite(f->t[c]))
            return false;
        t += wgt * (double)f->t[c];
        sp += wgt * (double)f->speed[c];
        gm += wgt * (double)f->gamma[c];
    }
    if (t_s)
        *t_s = t;
    if (v_ecef) {
        /* Along the great circle from the site through the point, away from the site. */
        bmd_vec3 toward = bmd_v3_sub(f->n_site, bmd_v3_scale(np, bmd_v3_dot(np, f->n_site)));
        bmd_vec3 away = bmd_v3_scale(bmd_v3_unit(toward), -1.0);
        if (bmd_v3_norm(toward) < 1e-12) {
            double a = az;
            away = bmd_v3_add(bmd_v3_scale(f->north, cos(a)), bmd_v3_scale(f->east, sin(a)));
        }
        *v_ecef = bmd_v3_add(bmd_v3_scale(away, sp * cos(gm)), bmd_v3_scale(np, sp * sin(gm)));
    }
    return true;
}

double bmd_flyout_ground_range(const bmd_flyout *f, bmd_vec3 p)
{
    double R;
    double H;
    double az;
    polar(f, p, &R, &H, &az, NULL);
    return R;
}

bmd_status bmd_flyout_moved(const bmd_flyout *f, double dlon_rad, bmd_flyout **out)
{
    *out = NULL;
    if (!isfinite(dlon_rad))
        return BMD_ERR_ARG;
    bmd_flyout *m = malloc(sizeof *m);
    if (!m)
        return BMD_ERR_NOMEM;
    *m = *f;
    m->borrowed = true;
    /* A turn about the polar axis: the Earth model (ellipsoid, J2, rotation) is symmetric about
     * it, so every fan trajectory turns with the site and the table is the same. */
    double c = cos(dlon_rad);
    double s = sin(dlon_rad);
    bmd_vec3 *vs[4] = {&m->site, &m->n_site, &m->east, &m->north};
    for (int k = 0; k < 4; k++) {
        bmd_vec3 v = *vs[k];
        vs[k]->x = c * v.x - s * v.y;
        vs[k]->y = s * v.x + c * v.y;
    }
    *out = m;
    return BMD_OK;
}
