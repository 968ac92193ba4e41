/* SPDX-License-Identifier: MIT */
/* track.c: the track filter, an extended Kalman filter on ballistic dynamics (docs/tracking.md).
 *
 * State x = (r, v), ECI (flight.h's frame: axes = ECEF at t = 0).
 * Dynamics, the same as flight.c's coast:  r' = v,  v' = g(r) - 1/2 rho(h) |w| w / beta,
 *   g: point mass + J2 (bmd_gravity), w = v - omega x r (the air turns with the Earth),
 *   rho: bmd_atmos_density_fast at flight.c's geocentric-radius height, zero beyond 1000 km.
 * Jacobian F = [[0, I], [G + Dr, Dv]]: G the gravity gradient (point mass + J2, exact), Dv and
 *   Dr the drag partials (Dr with the density gradient).
 * Propagation: classical RK4 substeps of at most max_step_s (fewer in dense air), and per
 *   substep Phi = I + F h + F^2 h^2 / 2 with F at the substep's midpoint state, P = Phi P Phi^T
 *   + Q, Q of a white acceleration of spectral density q^2.
 * Measurement: range, azimuth (clockwise from north), geometric elevation from a geodetic site;
 *   analytic Jacobian. Update: EKF with the Joseph form, gated at chi2(3) = 21.1.
 * Impact: the mean and 12 symmetric sigma points flown by bmd_fly_state (unscented transform).
 * References: Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and
 * Navigation (Wiley 2001), ch. 5 (Kalman filter, Joseph form, consistency), 6 (process noise of a
 * white acceleration, sec. 6.2.2), 10 (EKF); Julier & Uhlmann, Proc. IEEE 92(3), 2004
 * (unscented transform); Vallado, Fundamentals of Astrodynamics and Applications, 4th ed.,
 * eq. 8-30 (J2). */
#include "bmd/track.h"

#include <math.h>
#include <string.h>

#include "bmd/atmosphere.h"
#include "bmd/constants.h"
#include "bmd/flight.h"

/* chi2 with 3 degrees of freedom at 99.99 %: 21.108. */
#define GATE_CHI2_3 21.1
/* In air where the drag acceleration exceeds DRAG_MIN (m/s^2), substeps h satisfy
 * (rho |w| / beta + |h'| / H) h <= DRAG_STEP: the rates at which drag changes with the speed and
 * with the density along the path (H the local density scale height). */
#define DRAG_MIN 1e-3
#define DRAG_STEP 0.1
/* Drag acceleration (m/s^2) below which the Jacobian leaves out the density gradient. */
#define JAC_DRAG_MIN 1e-9

bmd_track_opts bmd_track_default_opts(void)
{
    bmd_track_opts o;
    memset(&o, 0, sizeof o);
    o.earth = bmd_earth_make(BMD_EARTH_WGS84, true, true);
    o.drag = true;
    o.beta_kg_m2 = 10000.0;
    o.q_accel_m_s2 = 0.1;
    o.max_step_s = 1.0;
    return o;
}

void bmd_track_init(bmd_track *tk, double t_s, const double x[6], const double P[36])
{
    memset(tk, 0, sizeof *tk);
    tk->t_s = t_s;
    memcpy(tk->x, x, sizeof tk->x);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            tk->P[6 * i + j] = 0.5 * (P[6 * i + j] + P[6 * j + i]);
}

static bool opts_ok(const bmd_track_opts *o)
{
    return o && isfinite(o->max_step_s) && o->max_step_s > 0.0 && isfinite(o->q_accel_m_s2) &&
           o->q_accel_m_s2 >= 0.0 && isfinite(o->beta_kg_m2) && o->beta_kg_m2 >= 0.0 &&
           o->earth.a_m > 0.0 && o->earth.mu_m3_s2 > 0.0;
}

/* ------------------------------------------------------------------------------------------ */
/* Dynamics                                                                                    */

typedef struct dyn {
    const bmd_earth *e;
    double inv_beta;     /* 1/beta (m^2/kg); 0: no drag */
    double r2_top;       /* (a + 1000 km)^2: no air beyond */
} dyn;

static dyn dyn_make(const bmd_track_opts *o)
{
    dyn d;
    d.e = &o->earth;
    d.inv_beta = (o->drag && o->beta_kg_m2 > 0.0) ? 1.0 / o->beta_kg_m2 : 0.0;
    d.r2_top = (o->earth.a_m + BMD_ATMOS_TOP_M) * (o->earth.a_m + BMD_ATMOS_TOP_M);
    return d;
}

/* flight.c's height for the density lookup: along the geocentric radius,
 * h = r - a b r / S, S = sqrt(b^2 p^2 + a^2 z^2), and its gradient
 * dh/dr = rhat (1 - a b / S) + (r a b / S^3) (b^2 x, b^2 y, a^2 z). */
static double air_height(const bmd_earth *e, const double r[3], double grad[3])
{
    double a = e->a_m;
    double b = e->b_m;
    double p2 = r[0] * r[0] + r[1] * r[1];
    double z2 = r[2] * r[2];
    double rn = sqrt(p2 + z2);
    double s = sqrt(b * b * p2 + a * a * z2);
    if (grad) {
        double c1 = (1.0 - a * b / s) / rn;
        double c2 = rn * a * b / (s * s * s);
        grad[0] = c1 * r[0] + c2 * b * b * r[0];
        grad[1] = c1 * r[1] + c2 * b * b * r[1];
        grad[2] = c1 * r[2] + c2 * a * a * r[2];
    }
    return rn - a * b * rn / s;
}

/* Density (kg/m^3) at r, 0 above the atmosphere. */
static double density(const dyn *d, const double r[3])
{
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    if (!(r2 < d->r2_top))
        return 0.0;
    return bmd_atmos_density_fast(air_height(d->e, r, NULL), NULL);
}

/* Its gradient d rho / d r (inside the atmosphere): d rho / dh by a central difference of
 * +-0.5 m on the (C1, monotone cubic) table, times the height's gradient. */
static void density_gradient(const dyn *d, const double r[3], double drho[3])
{
    double grad[3];
    double h = air_height(d->e, r, grad);
    double dh = bmd_atmos_density_fast(h + 0.5, NULL) - bmd_atmos_density_fast(h - 0.5, NULL);
    for (int i = 0; i < 3; i++)
        drho[i] = dh * grad[i];
}

/* Acceleration (m/s^2) at the state x; *rho_out and *w_out (may be NULL) get the density and
 * the air speed |w| (0 and 0 without drag or air). */
static void accel_rw(const dyn *d, const double x[6], double a[3], double *rho_out, double *w_out)
{
    bmd_vec3 g = bmd_gravity(d->e, bmd_v3(x[0], x[1], x[2]));
    a[0] = g.x;
    a[1] = g.y;
    a[2] = g.z;
    double rho = 0.0;
    double wn = 0.0;
    if (d->inv_beta > 0.0) {
        rho = density(d, x);
        if (rho > 0.0) {
            double om = d->e->omega_rad_s;
            double w[3] = {x[3] + om * x[1], x[4] - om * x[0], x[5]};
            wn = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            double k = 0.5 * rho * wn * d->inv_beta;
            for (int i = 0; i < 3; i++)
                a[i] -= k * w[i];
        }
    }
    if (rho_out)
        *rho_out = rho;
    if (w_out)
        *w_out = wn;
}

static void accel(const dyn *d, const double x[6], double a[3]) { accel_rw(d, x, a, NULL, NULL); }

/* Gravity gradient dg/dr (3x3 row-major, symmetric) of point mass + J2. With c = 3/2 J2 Re^2,
 * g = alpha r + beta z e_z, alpha = -mu/r^3 - mu c/r^5 + 5 mu c z^2/r^7, beta = -2 mu c/r^5, so
 * dg/dr = alpha I + a1 r r^T + a2 (r e_z^T + e_z r^T) + beta e_z e_z^T with
 * a1 = 3 mu/r^5 + 5 mu c/r^7 - 35 mu c z^2/r^9, a2 = 10 mu c z/r^7. */
static void gravity_gradient(const bmd_earth *e, const double r[3], double G[9])
{
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    double ir2 = 1.0 / r2;
    double ir = sqrt(ir2);
    double mu_r3 = e->mu_m3_s2 * ir2 * ir;
    double c = 1.5 * e->j2 * e->j2_radius_m * e->j2_radius_m * ir2; /* c / r^2 */
    double zr2 = r[2] * r[2] * ir2;
    double alpha = -mu_r3 * (1.0 + c - 5.0 * c * zr2);
    double beta = -2.0 * mu_r3 * c;
    double a1 = mu_r3 * ir2 * (3.0 + 5.0 * c - 35.0 * c * zr2);
    double a2 = 10.0 * mu_r3 * c * r[2] * ir2;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            G[3 * i + j] = a1 * r[i] * r[j];
    for (int i = 0; i < 3; i++) {
        G[3 * i + i] += alpha;
        G[3 * i + 2] += a2 * r[i];
        G[6 + i] += a2 * r[i];
    }
    G[8] += beta;
}

/* Acceleration and its partials: Fr = da/dr, Fv = da/dv (3x3 row-major). *has_v: Fv != 0. */
static void accel_jac(const dyn *d, const double x[6], double a[3], double Fr[9], double Fv[9],
                      bool *has_v)
{
    bmd_vec3 g = bmd_gravity(d->e, bmd_v3(x[0], x[1], x[2]));
    a[0] = g.x;
    a[1] = g.y;
    a[2] = g.z;
    gravity_gradient(d->e, x, Fr);
    memset(Fv, 0, 9 * sizeof Fv[0]);
    *has_v = false;
    if (d->inv_beta > 0.0) {
        double drho[3] = {0.0, 0.0, 0.0};
        double rho = density(d, x);
        if (rho > 0.0) {
            double om = d->e->omega_rad_s;
            double w[3] = {x[3] + om * x[1], x[4] - om * x[0], x[5]};
            double wn = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            double kb = 0.5 * d->inv_beta;
            double k = kb * rho * wn;
            for (int i = 0; i < 3; i++)
                a[i] -= k * w[i];
            /* The drag partials only where the drag acceleration exceeds JAC_DRAG_MIN: below
             * it they are under ~1e-8 of the gravity gradient (|Dv| ~ 2 |a_d| / |w|,
             * |Dr| ~ |a_d| / H), and the density gradient costs two more table look-ups. */
            if (!(k * wn > JAC_DRAG_MIN))
                return;
            density_gradient(d, x, drho);
            /* Dv = -kb rho (|w| I + w w^T / |w|). */
            double s = wn > 0.0 ? kb * rho / wn : 0.0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++)
                    Fv[3 * i + j] = -s * w[i] * w[j];
                Fv[3 * i + i] -= k;
            }
            /* Dr = Dv dw/dr - kb |w| w drho^T, dw/dr = [[0, om, 0], [-om, 0, 0], [0, 0, 0]]. */
            for (int i = 0; i < 3; i++) {
                Fr[3 * i + 0] += -om * Fv[3 * i + 1] - kb * wn * w[i] * drho[0];
                Fr[3 * i + 1] += om * Fv[3 * i + 0] - kb * wn * w[i] * drho[1];
                Fr[3 * i + 2] += -kb * wn * w[i] * drho[2];
            }
            *has_v = true;
        }
    }
}

void bmd_track_dynamics(const bmd_track_opts *o, const double x[6], double xdot[6], double F[36])
{
    dyn d = dyn_make(o);
    double a[3];
    if (!F) {
        accel(&d, x, a);
    } else {
        double Fr[9];
        double Fv[9];
        bool hv;
        accel_jac(&d, x, a, Fr, Fv, &hv);
        memset(F, 0, 36 * sizeof F[0]);
        for (int i = 0; i < 3; i++) {
            F[6 * i + 3 + i] = 1.0;
            for (int j = 0; j < 3; j++) {
                F[6 * (3 + i) + j] = Fr[3 * i + j];
                F[6 * (3 + i) + 3 + j] = Fv[3 * i + j];
            }
        }
    }
    if (xdot) {
        xdot[0] = x[3];
        xdot[1] = x[4];
        xdot[2] = x[5];
        xdot[3] = a[0];
        xdot[4] = a[1];
        xdot[5] = a[2];
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Propagation                                                                                 */

/* One substep of h (either sign): RK4 on the state, Phi from F at the midpoint stage, process
 * noise. */
static void substep(const dyn *d, double x[6], double P[36], double h, double q2,
                    const double *k1_in)
{
    double k1[3], k2[3], k3[3], k4[3];
    double y[6];
    double Fr[9], Fv[9];
    bool hv;
    if (k1_in)
        memcpy(k1, k1_in, sizeof k1);
    else
        accel(d, x, k1);
    for (int i = 0; i < 3; i++) {
        y[i] = x[i] + 0.5 * h * x[3 + i];
        y[3 + i] = x[3 + i] + 0.5 * h * k1[i];
    }
    accel(d, y, k2);
    double v2[3] = {y[3], y[4], y[5]};
    for (int i = 0; i < 3; i++) {
        y[i] = x[i] + 0.5 * h * v2[i];
        y[3 + i] = x[3 + i] + 0.5 * h * k2[i];
    }
    accel_jac(d, y, k3, Fr, Fv, &hv); /* y: the midpoint state (second order) */
    double v3[3] = {y[3], y[4], y[5]};
    for (int i = 0; i < 3; i++) {
        y[i] = x[i] + h * v3[i];
        y[3 + i] = x[3 + i] + h * k3[i];
    }
    accel(d, y, k4);
    double v4[3] = {y[3], y[4], y[5]};
    for (int i = 0; i < 3; i++) {
        x[i] += h / 6.0 * (x[3 + i] + 2.0 * v2[i] + 2.0 * v3[i] + v4[i]);
        x[3 + i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }

    /* Phi = I + F h + F^2 h^2/2, F = [[0, I], [Fr, Fv]]:
     *   Phi_rr = I + Fr h^2/2          Phi_rv = I h + Fv h^2/2
     *   Phi_vr = Fr h + Fv Fr h^2/2    Phi_vv = I + Fv h + (Fr + Fv Fv) h^2/2 */
    double Phi[36];
    double h2 = 0.5 * h * h;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double fr = Fr[3 * i + j];
            double fv = Fv[3 * i + j];
            double fvfr = 0.0;
            double fvfv = 0.0;
            if (hv) {
                for (int k = 0; k < 3; k++) {
                    fvfr += Fv[3 * i + k] * Fr[3 * k + j];
                    fvfv += Fv[3 * i + k] * Fv[3 * k + j];
                }
            }
            double id = i == j ? 1.0 : 0.0;
            Phi[6 * i + j] = id + fr * h2;
            Phi[6 * i + 3 + j] = id * h + fv * h2;
            Phi[6 * (3 + i) + j] = fr * h + fvfr * h2;
            Phi[6 * (3 + i) + 3 + j] = id + fv * h + (fr + fvfv) * h2;
        }
    /* P = Phi P Phi^T: T = Phi P, then the upper triangle of T Phi^T. */
    double T[36];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++)
                s += Phi[6 * i + k] * P[6 * k + j];
            T[6 * i + j] = s;
        }
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++)
                s += T[6 * i + k] * Phi[6 * j + k];
            P[6 * i + j] = s;
            P[6 * j + i] = s;
        }
    /* White acceleration over |h| (backward: the cross term changes sign). */
    if (q2 > 0.0) {
        double ah = fabs(h);
        double qrr = q2 * ah * ah * ah / 3.0;
        double qrv = q2 * h * ah / 2.0;
        double qvv = q2 * ah;
        for (int i = 0; i < 3; i++) {
            P[6 * i + i] += qrr;
            P[6 * i + 3 + i] += qrv;
            P[6 * (3 + i) + i] += qrv;
            P[6 * (3 + i) + 3 + i] += qvv;
        }
    }
}

static bool finite6(const double x[6])
{
    for (int i = 0; i < 6; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

/* Number of parts to split a substep of |h| into in dense air (DRAG_STEP); rho and wn: the
 * density and air speed at x. */
static int drag_split(const dyn *d, const double x[6], double rho, double wn, double ah)
{
    if (!(0.5 * rho * wn * wn * d->inv_beta > DRAG_MIN))
        return 1;
    double r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
    double z = air_height(d->e, x, NULL);
    double rho_up = bmd_atmos_density_fast(z + 1000.0, NULL);
    double inv_scale = rho_up > 0.0 && rho_up < rho ? log(rho / rho_up) / 1000.0 : 1.0 / 7000.0;
    double hdot = fabs(x[0] * x[3] + x[1] * x[4] + x[2] * x[5]) / sqrt(r2);
    double rate = rho * wn * d->inv_beta + hdot * inv_scale;
    double mm = ceil(rate * ah / DRAG_STEP);
    return mm > 1.0 ? (mm < 1e4 ? (int)mm : 10000) : 1;
}

bmd_status bmd_track_predict(bmd_track *tk, double t_s, const bmd_track_opts *o)
{
    if (!tk || !opts_ok(o) || !isfinite(t_s) || !isfinite(tk->t_s))
        return BMD_ERR_ARG;
    double span = t_s - tk->t_s;
    if (span == 0.0)
        return BMD_OK;
    dyn d = dyn_make(o);
    double q2 = o->q_accel_m_s2 * o->q_accel_m_s2;
    /* A uniform grid, so that forward and backward runs take the same substeps. */
    double nd = ceil(fabs(span) / o->max_step_s * (1.0 - 1e-12));
    if (nd < 1.0)
        nd = 1.0;
    if (nd > 1e7)
        return BMD_ERR_ARG;
    long n = (long)nd;
    double h = span / nd;
    for (long s = 0; s < n; s++) {
        /* In dense air split the substep so that (drag rate) |h| <= DRAG_STEP. */
        double k1[3], rho, wn;
        accel_rw(&d, tk->x, k1, &rho, &wn);
        int m = rho > 0.0 ? drag_split(&d, tk->x, rho, wn, fabs(h)) : 1;
        for (int k = 0; k < m; k++)
            substep(&d, tk->x, tk->P, h / m, q2, k == 0 ? k1 : NULL);
    }
    tk->t_s = t_s;
    if (!finite6(tk->x))
        return BMD_ERR_NONFINITE;
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Measurement model                                                                           */

/* The site in ECI at time t and its ENU axes (ECI components): the geodetic formulas at the
 * inertial longitude lon + omega t (ECEF = R3(omega t) ECI). */
typedef struct site {
    double s[3];              /* site position, ECI */
    double E[3], N[3], U[3];  /* east, north, up, ECI components */
} site;

static void site_at(const bmd_earth *e, const bmd_meas *m, site *st)
{
    double sl = sin(m->site_lat_rad);
    double cl = cos(m->site_lat_rad);
    double lam = m->site_lon_rad + e->omega_rad_s * m->t_s;
    double so = sin(lam);
    double co = cos(lam);
    double nn = e->a_m / sqrt(1.0 - e->e2 * sl * sl);
    st->s[0] = (nn + m->site_h_m) * cl * co;
    st->s[1] = (nn + m->site_h_m) * cl * so;
    st->s[2] = (nn * (1.0 - e->e2) + m->site_h_m) * sl;
    st->E[0] = -so;
    st->E[1] = co;
    st->E[2] = 0.0;
    st->N[0] = -sl * co;
    st->N[1] = -sl * so;
    st->N[2] = cl;
    st->U[0] = cl * co;
    st->U[1] = cl * so;
    st->U[2] = sl;
}

/* z = (range, az, el) of the ECI position r from the site; Hr = dz/dr (3x3) when not NULL.
 * BMD_ERR_RANGE when the azimuth is undefined (target at the site or on its vertical). */
static bmd_status meas_of(const site *st, const double r[3], double z[3], double Hr[9])
{
    double d[3] = {r[0] - st->s[0], r[1] - st->s[1], r[2] - st->s[2]};
    double e = st->E[0] * d[0] + st->E[1] * d[1];
    double n = st->N[0] * d[0] + st->N[1] * d[1] + st->N[2] * d[2];
    double u = st->U[0] * d[0] + st->U[1] * d[1] + st->U[2] * d[2];
    double rh2 = e * e + n * n;
    double rg2 = rh2 + u * u;
    double rh = sqrt(rh2);
    double rg = sqrt(rg2);
    if (!(rh > 1e-9 * rg) || !(rg > 0.0))
        return BMD_ERR_RANGE;
    double az = atan2(e, n);
    if (az < 0.0)
        az += 2.0 * BMD_PI;
    z[0] = rg;
    z[1] = az;
    z[2] = atan2(u, rh);
    if (Hr) {
        /* d/d(e, n, u): range (e, n, u)/rg; az (n, -e, 0)/rh^2;
         * el (-e u, -n u, rh^2)/(rh rg^2); then d(e, n, u)/dr = rows E, N, U. */
        double j[3][3] = {{e / rg, n / rg, u / rg},
                          {n / rh2, -e / rh2, 0.0},
                          {-e * u / (rh * rg2), -n * u / (rh * rg2), rh / rg2}};
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
                Hr[3 * i + k] = j[i][0] * st->E[k] + j[i][1] * st->N[k] + j[i][2] * st->U[k];
    }
    return BMD_OK;
}

static bool meas_ok(const bmd_meas *m)
{
    return m && isfinite(m->t_s) && isfinite(m->site_lat_rad) && isfinite(m->site_lon_rad) &&
           isfinite(m->site_h_m) && fabs(m->site_lat_rad) <= 0.5 * BMD_PI &&
           isfinite(m->range_m) && m->range_m >= 0.0 && isfinite(m->az_rad) &&
           isfinite(m->el_rad) && fabs(m->el_rad) <= 0.5 * BMD_PI && isfinite(m->sigma_range_m) &&
           m->sigma_range_m > 0.0 && isfinite(m->sigma_angle_rad) && m->sigma_angle_rad > 0.0;
}

bmd_status bmd_track_measure(const bmd_earth *e, const bmd_meas *m, const double x[6],
                             double z[3], double H[18])
{
    if (!e || !m || !x || !z || !isfinite(m->t_s) || !isfinite(m->site_lat_rad) ||
        !isfinite(m->site_lon_rad) || !isfinite(m->site_h_m) || !finite6(x))
        return BMD_ERR_ARG;
    site st;
    site_at(e, m, &st);
    double Hr[9];
    bmd_status s = meas_of(&st, x, z, H ? Hr : NULL);
    if (s != BMD_OK || !H)
        return s;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            H[6 * i + k] = Hr[3 * i + k];
            H[6 * i + 3 + k] = 0.0;
        }
    return BMD_OK;
}

/* Wrap an angle to (-pi, pi]. */
static double wrap_pi(double a)
{
    a = fmod(a, 2.0 * BMD_PI);
    if (a > BMD_PI)
        a -= 2.0 * BMD_PI;
    else if (a <= -BMD_PI)
        a += 2.0 * BMD_PI;
    return a;
}

/* Inverse of a symmetric 3x3 by cofactors; false when not positive definite. */
static bool inv3_spd(const double S[9], double Si[9])
{
    double c00 = S[4] * S[8] - S[5] * S[7];
    double c01 = S[5] * S[6] - S[3] * S[8];
    double c02 = S[3] * S[7] - S[4] * S[6];
    double det = S[0] * c00 + S[1] * c01 + S[2] * c02;
    if (!(det > 0.0) || !(S[0] > 0.0) || !isfinite(det))
        return false;
    double id = 1.0 / det;
    Si[0] = c00 * id;
    Si[1] = c01 * id;
    Si[2] = c02 * id;
    Si[3] = Si[1];
    Si[4] = (S[0] * S[8] - S[2] * S[6]) * id;
    Si[5] = (S[2] * S[3] - S[0] * S[5]) * id;
    Si[6] = Si[2];
    Si[7] = Si[5];
    Si[8] = (S[0] * S[4] - S[1] * S[3]) * id;
    return true;
}

bmd_status bmd_track_update(bmd_track *tk, const bmd_meas *m, const bmd_track_opts *o, double *nis)
{
    if (nis)
        *nis = (double)NAN;
    if (!tk || !meas_ok(m) || !opts_ok(o))
        return BMD_ERR_ARG;
    bmd_status st = bmd_track_predict(tk, m->t_s, o);
    if (st != BMD_OK)
        return st;
    site s;
    site_at(&o->earth, m, &s);
    double zp[3];
    double Hr[9];
    st = meas_of(&s, tk->x, zp, Hr);
    if (st != BMD_OK)
        return st;
    double nu[3] = {m->range_m - zp[0], wrap_pi(m->az_rad - zp[1]), m->el_rad - zp[2]};
    double R[3] = {m->sigma_range_m * m->sigma_range_m, m->sigma_angle_rad * m->sigma_angle_rad,
                   m->sigma_angle_rad * m->sigma_angle_rad};
    double *P = tk->P;
    /* PHt = P H^T (6x3): H = [Hr 0], so only P's first three columns. */
    double PHt[18];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
            PHt[3 * i + j] = P[6 * i + 0] * Hr[3 * j + 0] + P[6 * i + 1] * Hr[3 * j + 1] +
                             P[6 * i + 2] * Hr[3 * j + 2];
    double S[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            S[3 * i + j] = Hr[3 * i + 0] * PHt[3 * 0 + j] + Hr[3 * i + 1] * PHt[3 * 1 + j] +
                           Hr[3 * i + 2] * PHt[3 * 2 + j];
    for (int i = 0; i < 3; i++) {
        S[4 * i] += R[i];
        for (int j = i + 1; j < 3; j++) {
            double a = 0.5 * (S[3 * i + j] + S[3 * j + i]);
            S[3 * i + j] = a;
            S[3 * j + i] = a;
        }
    }
    double Si[9];
    if (!inv3_spd(S, Si))
        return BMD_ERR_NONFINITE;
    double Sinu[3];
    for (int i = 0; i < 3; i++)
        Sinu[i] = Si[3 * i] * nu[0] + Si[3 * i + 1] * nu[1] + Si[3 * i + 2] * nu[2];
    double d2 = nu[0] * Sinu[0] + nu[1] * Sinu[1] + nu[2] * Sinu[2];
    if (nis)
        *nis = d2;
    if (!(d2 <= GATE_CHI2_3))
        return BMD_ERR_RANGE;
    /* K = PHt S^-1 (6x3); x += K nu. */
    double K[18];
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 3; j++)
            K[3 * i + j] = PHt[3 * i] * Si[j] + PHt[3 * i + 1] * Si[3 + j] +
                           PHt[3 * i + 2] * Si[6 + j];
        tk->x[i] += PHt[3 * i] * Sinu[0] + PHt[3 * i + 1] * Sinu[1] + PHt[3 * i + 2] * Sinu[2];
    }
    /* Joseph form (Bar-Shalom et al. eq. 5.2.3-18): P = (I - KH) P (I - KH)^T + K R K^T.
     * M = (I - KH) P = P - K (PHt)^T; then P = M - (M H^T) K^T + K R K^T. */
    double M[36];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            M[6 * i + j] = P[6 * i + j] - (K[3 * i] * PHt[3 * j] + K[3 * i + 1] * PHt[3 * j + 1] +
                                           K[3 * i + 2] * PHt[3 * j + 2]);
    double MHt[18];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
            MHt[3 * i + j] = M[6 * i + 0] * Hr[3 * j + 0] + M[6 * i + 1] * Hr[3 * j + 1] +
                             M[6 * i + 2] * Hr[3 * j + 2];
    /* The result is symmetric: its upper triangle, mirrored. */
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) {
            double a = M[6 * i + j];
            for (int k = 0; k < 3; k++)
                a += (R[k] * K[3 * i + k] - MHt[3 * i + k]) * K[3 * j + k];
            P[6 * i + j] = a;
            P[6 * j + i] = a;
        }
    tk->n_updates++;
    tk->nis_last = d2;
    if (!finite6(tk->x))
        return BMD_ERR_NONFINITE;
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Two-point initiation                                                                        */

/* ECI position of a measurement and its Jacobian d p / d(range, az, el) (3x3 row-major). */
static void meas_position(const bmd_earth *e, const bmd_meas *m, double p[3], double J[9])
{
    site s;
    site_at(e, m, &s);
    double ce = cos(m->el_rad), se = sin(m->el_rad);
    double ca = cos(m->az_rad), sa = sin(m->az_rad);
    double rg = m->range_m;
    for (int k = 0; k < 3; k++) {
        double los = ce * sa * s.E[k] + ce * ca * s.N[k] + se * s.U[k];
        p[k] = s.s[k] + rg * los;
        J[3 * k + 0] = los;
        J[3 * k + 1] = rg * ce * (ca * s.E[k] - sa * s.N[k]);
        J[3 * k + 2] = rg * (-se * sa * s.E[k] - se * ca * s.N[k] + ce * s.U[k]);
    }
}

/* J diag(r) J^T. */
static void jrjt(const double J[9], const double r[3], double C[9])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            C[3 * i + j] = J[3 * i] * r[0] * J[3 * j] + J[3 * i + 1] * r[1] * J[3 * j + 1] +
                           J[3 * i + 2] * r[2] * J[3 * j + 2];
}

bmd_status bmd_track_init_two_point(bmd_track *tk, const bmd_meas *m1, const bmd_meas *m2,
                                    const bmd_track_opts *o)
{
    if (!tk || !meas_ok(m1) || !meas_ok(m2) || !opts_ok(o) || m1->t_s == m2->t_s)
        return BMD_ERR_ARG;
    double dt = m2->t_s - m1->t_s;
    double p1[3], p2[3], J1[9], J2[9];
    meas_position(&o->earth, m1, p1, J1);
    meas_position(&o->earth, m2, p2, J2);
    double r1[3] = {m1->sigma_range_m * m1->sigma_range_m,
                    m1->sigma_angle_rad * m1->sigma_angle_rad,
                    m1->sigma_angle_rad * m1->sigma_angle_rad};
    double r2[3] = {m2->sigma_range_m * m2->sigma_range_m,
                    m2->sigma_angle_rad * m2->sigma_angle_rad,
                    m2->sigma_angle_rad * m2->sigma_angle_rad};
    double C1[9], C2[9];
    jrjt(J1, r1, C1);
    jrjt(J2, r2, C2);
    /* The difference quotient is the mean velocity over [t1, t2]; v(t2) is it plus a dt/2. */
    double x[6];
    for (int k = 0; k < 3; k++) {
        x[k] = p2[k];
        x[3 + k] = (p2[k] - p1[k]) / dt;
    }
    dyn d = dyn_make(o);
    double a[3];
    accel(&d, x, a);
    for (int k = 0; k < 3; k++)
        x[3 + k] += 0.5 * dt * a[k];
    if (!finite6(x))
        return BMD_ERR_ARG;
    /* P_rr = C2, P_rv = C2/dt, P_vv = (C1 + C2)/dt^2 + q^2 |dt|/3 (white acceleration over the
     * interval: the mean velocity's error against v(t2)). */
    double P[36];
    double q2 = o->q_accel_m_s2 * o->q_accel_m_s2;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            P[6 * i + j] = C2[3 * i + j];
            P[6 * i + 3 + j] = C2[3 * i + j] / dt;
            P[6 * (3 + i) + j] = C2[3 * i + j] / dt;
            P[6 * (3 + i) + 3 + j] = (C1[3 * i + j] + C2[3 * i + j]) / (dt * dt);
        }
    for (int i = 0; i < 3; i++)
        P[6 * (3 + i) + 3 + i] += q2 * fabs(dt) / 3.0;
    bmd_track_init(tk, m2->t_s, x, P);
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Impact prediction                                                                           */

/* Cholesky factor L (lower, row-major) of a symmetric positive semi-definite P: a pivot at or
 * below 1e-14 of the largest diagonal is taken as zero (its column is left zero). */
static void chol_psd(const double P[36], double L[36])
{
    double dmax = 0.0;
    for (int i = 0; i < 6; i++)
        dmax = fmax(dmax, P[7 * i]);
    memset(L, 0, 36 * sizeof L[0]);
    for (int j = 0; j < 6; j++) {
        double s = P[7 * j];
        for (int k = 0; k < j; k++)
            s -= L[6 * j + k] * L[6 * j + k];
        if (!(s > 1e-14 * dmax))
            continue;
        double ljj = sqrt(s);
        L[7 * j] = ljj;
        for (int i = j + 1; i < 6; i++) {
            double t = P[6 * i + j];
            for (int k = 0; k < j; k++)
                t -= L[6 * i + k] * L[6 * j + k];
            L[6 * i + j] = t / ljj;
        }
    }
}

/* Probability that a zero-mean normal with axis sigmas sx >= sy > 0 falls within radius R:
 * (2/sx) int_0^R phi(x/sx) erf(sqrt(R^2 - x^2)/(sqrt2 sy)) dx, with x = R sin t (smooth in t),
 * by adaptive Simpson. */
typedef struct cep_ctx {
    double sx, sy, R;
} cep_ctx;

static double cep_f(const cep_ctx *c, double t)
{
    double x = c->R * sin(t);
    double y = c->R * cos(t);
    double u = x / c->sx;
    return (2.0 / c->sx) * 0.3989422804014327 * exp(-0.5 * u * u) *
           erf(y / (1.4142135623730951 * c->sy)) * y;
}

static double simpson_adapt(const cep_ctx *c, double a, double b, double fa, double fm, double fb,
                            double whole, double tol, int depth)
{
    double m = 0.5 * (a + b);
    double lm = 0.5 * (a + m);
    double rm = 0.5 * (m + b);
    double flm = cep_f(c, lm);
    double frm = cep_f(c, rm);
    double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
    double right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
    double diff = left + right - whole;
    if (depth <= 0 || fabs(diff) <= 15.0 * tol)
        return left + right + diff / 15.0;
    return simpson_adapt(c, a, m, fa, flm, fm, left, 0.5 * tol, depth - 1) +
           simpson_adapt(c, m, b, fm, frm, fb, right, 0.5 * tol, depth - 1);
}

static double prob_within(double sx, double sy, double R)
{
    cep_ctx c = {sx, sy, R};
    double a = 0.0;
    double b = 0.5 * BMD_PI;
    double fa = cep_f(&c, a);
    double fb = cep_f(&c, b);
    double fm = cep_f(&c, 0.5 * (a + b));
    double whole = (b - a) / 6.0 * (fa + 4.0 * fm + fb);
    return simpson_adapt(&c, a, b, fa, fm, fb, whole, 1e-12, 40);
}

double bmd_track_cep(double sigma_1_m, double sigma_2_m)
{
    double sx = fmax(fabs(sigma_1_m), fabs(sigma_2_m));
    double sy = fmin(fabs(sigma_1_m), fabs(sigma_2_m));
    if (!isfinite(sx) || !isfinite(sy))
        return isnan(sx) || isnan(sy) ? (double)NAN : HUGE_VAL;
    if (sx == 0.0)
        return 0.0;
    /* One dimension: the median of |N(0, sx^2)|, sqrt(2) erfinv(1/2) sx. */
    if (sy <= 1e-9 * sx)
        return 0.6744897501960817 * sx;
    /* The CEP lies between the 1-D and the circular values: 0.6745 sx <= CEP <= 1.1774 sx. */
    double lo = 0.67 * sx;
    double hi = 1.18 * sx;
    for (int it = 0; it < 60 && hi - lo > 1e-12 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (prob_within(sx, sy, mid) < 0.5)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Fly one state to the ground. *down false when it does not come down. A state already on or
 * below the ground heading down lands where it is, now. */
static bmd_status fly_one(const bmd_track_opts *o, const bmd_flight_opts *fo, double t0,
                          const double x[6], double beta, bmd_trajectory *tr, bool *down,
                          double *t_imp, double *lat, double *lon)
{
    bmd_status st = bmd_fly_state(t0, x, beta, fo, tr);
    *down = false;
    if (st == BMD_OK) {
        *down = true;
        *t_imp = tr->t_end_s;
        *lat = tr->sum.impact_lat_rad;
        *lon = tr->sum.impact_lon_rad;
        return BMD_OK;
    }
    if (st == BMD_ERR_UNREACHABLE)
        return BMD_OK;
    if (st == BMD_ERR_ARG && finite6(x)) {
        bmd_vec3 re = bmd_eci_to_ecef(&o->earth, t0, bmd_v3(x[0], x[1], x[2]));
        double h;
        bmd_ecef_to_geodetic(&o->earth, re, lat, lon, &h);
        if (h <= 0.0) {
            *down = true;
            *t_imp = t0;
            return BMD_OK;
        }
    }
    return st;
}

bmd_status bmd_track_impact(const bmd_track *tk, const bmd_track_opts *o, bmd_impact_pred *out)
{
    if (!out)
        return BMD_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!tk || !opts_ok(o) || !finite6(tk->x) || !isfinite(tk->t_s))
        return BMD_ERR_ARG;
    for (int i = 0; i < 36; i++)
        if (!isfinite(tk->P[i]))
            return BMD_ERR_ARG;
    bmd_flight_opts fo = bmd_flight_default_opts();
    fo.earth = o->earth;
    fo.keep_path = false;
    fo.atmosphere = o->drag && o->beta_kg_m2 > 0.0;
    /* Tighter than the flight default (1 cm, 10 um/s per step): the sigma points differ by
     * sqrt(6) sigma, and the impact's integration error must stay well below the spread. */
    fo.atol_m = 1e-3;
    fo.atol_m_s = 1e-6;
    double beta = fo.atmosphere ? o->beta_kg_m2 : 0.0;
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bool down;
    double t_imp, lat0, lon0;
    bmd_status st = fly_one(o, &fo, tk->t_s, tk->x, beta, &tr, &down, &t_imp, &lat0, &lon0);
    if (st != BMD_OK || !down) {
        bmd_traj_free(&tr);
        return st;
    }
    out->valid = true;
    out->t_impact_s = t_imp;
    out->lat_rad = lat0;
    out->lon_rad = lon0;

    /* Symmetric sigma set: x +- sqrt(n) L_j, weights 1/(2n) (Julier & Uhlmann 2004, kappa = 0;
     * the mean point carries no weight). Impact points in local north/east metres from the mean
     * impact by the geodesic inverse. */
    double L[36];
    chol_psd(tk->P, L);
    double ne[12][2];
    bool all_down = true;
    double sq = sqrt(6.0);
    for (int j = 0; j < 6 && all_down; j++) {
        for (int sgn = 0; sgn < 2 && all_down; sgn++) {
            double xs[6];
            for (int i = 0; i < 6; i++)
                xs[i] = tk->x[i] + (sgn ? -sq : sq) * L[6 * i + j];
            double ts, la, lo;
            st = fly_one(o, &fo, tk->t_s, xs, beta, &tr, &down, &ts, &la, &lo);
            if (st != BMD_OK) {
                bmd_traj_free(&tr);
                return st;
            }
            if (!down) {
                all_down = false;
                break;
            }
            double s, azi;
            st = bmd_geodesic_inverse(&o->earth, lat0, lon0, la, lo, &s, &azi, NULL);
            if (st != BMD_OK) {
                bmd_traj_free(&tr);
                return st;
            }
            ne[2 * j + sgn][0] = s * cos(azi);
            ne[2 * j + sgn][1] = s * sin(azi);
        }
    }
    bmd_traj_free(&tr);
    if (!all_down) {
        out->semi_major_m = out->semi_minor_m = out->cep_m = HUGE_VAL;
        return BMD_OK;
    }
    double mn = 0.0, me = 0.0;
    for (int i = 0; i < 12; i++) {
        mn += ne[i][0] / 12.0;
        me += ne[i][1] / 12.0;
    }
    double cnn = 0.0, cee = 0.0, cne = 0.0;
    for (int i = 0; i < 12; i++) {
        double dn = ne[i][0] - mn;
        double de = ne[i][1] - me;
        cnn += dn * dn / 12.0;
        cee += de * de / 12.0;
        cne += dn * de / 12.0;
    }
    /* Eigen-decomposition of [[cnn, cne], [cne, cee]]; the major axis at azimuth theta
     * (clockwise from north: direction (north, east) = (cos theta, sin theta)). */
    double mean = 0.5 * (cnn + cee);
    double dif = 0.5 * (cnn - cee);
    double rad = sqrt(dif * dif + cne * cne);
    double l1 = mean + rad;
    double l2 = fmax(mean - rad, 0.0);
    double th = 0.5 * atan2(2.0 * cne, cnn - cee);
    if (th < 0.0)
        th += BMD_PI;
    if (th >= BMD_PI)
        th -= BMD_PI;
    out->semi_major_m = sqrt(l1);
    out->semi_minor_m = sqrt(l2);
    out->orientation_rad = th;
    out->cep_m = bmd_track_cep(out->semi_major_m, out->semi_minor_m);
    return BMD_OK;
}
