/* SPDX-License-Identifier: MIT */
/* ode.c: DOPRI5 with dense output and event location, and fixed-step RK4.
 *
 * Reference: E. Hairer, S. P. Norsett, G. Wanner, Solving Ordinary Differential Equations I,
 * 2nd ed., Springer 1993: table II.5.2 (Dormand-Prince 5(4) coefficients), eq. II.4.11 (error
 * norm), II.4 "automatic step size control" with Lund stabilisation (beta = 0.04, as in their
 * DOPRI5 code), II.6 (continuous extension; coefficients d_i of Shampine 1986). Events are located
 * on the interpolant with the Illinois variant of regula falsi (Dowell & Jarratt, BIT 11, 1971). */
#include "bmd/ode.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Dormand-Prince 5(4), Hairer et al. table II.5.2. */
static const double C2 = 1.0 / 5.0, C3 = 3.0 / 10.0, C4 = 4.0 / 5.0, C5 = 8.0 / 9.0;
static const double A21 = 1.0 / 5.0;
static const double A31 = 3.0 / 40.0, A32 = 9.0 / 40.0;
static const double A41 = 44.0 / 45.0, A42 = -56.0 / 15.0, A43 = 32.0 / 9.0;
static const double A51 = 19372.0 / 6561.0, A52 = -25360.0 / 2187.0, A53 = 64448.0 / 6561.0,
                    A54 = -212.0 / 729.0;
static const double A61 = 9017.0 / 3168.0, A62 = -355.0 / 33.0, A63 = 46732.0 / 5247.0,
                    A64 = 49.0 / 176.0, A65 = -5103.0 / 18656.0;
static const double A71 = 35.0 / 384.0, A73 = 500.0 / 1113.0, A74 = 125.0 / 192.0,
                    A75 = -2187.0 / 6784.0, A76 = 11.0 / 84.0;
/* Error coefficients: 5th-order weights minus 4th-order weights. */
static const double E1 = 71.0 / 57600.0, E3 = -71.0 / 16695.0, E4 = 71.0 / 1920.0,
                    E5 = -17253.0 / 339200.0, E6 = 22.0 / 525.0, E7 = -1.0 / 40.0;
/* Continuous extension (Shampine 1986; Hairer's DOPRI5 code, d1..d7). */
static const double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0,
                    D4 = -10690763975.0 / 1880347072.0, D5 = 701980252875.0 / 199316789632.0,
                    D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

/* Absolute tolerance of component i. */
#define ATOL(o, i) ((o)->atol_vec ? (o)->atol_vec[i] : (o)->atol)

static bool atol_ok(int n, const bmd_ode_opts *o)
{
    if (!o->atol_vec)
        return true;
    for (int i = 0; i < n; i++)
        if (!(o->atol_vec[i] > 0.0) || !isfinite(o->atol_vec[i]))
            return false;
    return true;
}

bmd_ode_opts bmd_ode_default_opts(void)
{
    bmd_ode_opts o;
    o.rtol = 1e-9;
    o.atol = 1e-6;
    o.atol_vec = NULL;
    o.h_init = 0.0;
    o.h_max = 0.0;
    o.event_tol = 1e-9;
    o.max_steps = 100000;
    return o;
}

void bmd_ode_segment_eval(const bmd_ode_segment *seg, int n, double t, double y[])
{
    double th = (t - seg->t0) / seg->h;
    double th1 = 1.0 - th;
    for (int i = 0; i < n; i++)
        y[i] = seg->c[0][i] +
               th * (seg->c[1][i] +
                     th1 * (seg->c[2][i] + th * (seg->c[3][i] + th1 * seg->c[4][i])));
}

static bool all_finite(int n, const double y[])
{
    for (int i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return false;
    return true;
}

/* Hairer's starting step heuristic (Solving ODE I, II.4, "starting step size"). */
static double initial_step(bmd_ode_run *run, double t0, const double y0[], const double f0[],
                           double dir, const bmd_ode_opts *o, double span)
{
    int n = run->n;
    double dnf = 0.0;
    double dny = 0.0;
    for (int i = 0; i < n; i++) {
        double sk = ATOL(o, i) + o->rtol * fabs(y0[i]);
        dnf += (f0[i] / sk) * (f0[i] / sk);
        dny += (y0[i] / sk) * (y0[i] / sk);
    }
    double h = (dnf <= 1e-10 || dny <= 1e-10) ? 1e-6 : sqrt(dny / dnf) * 0.01;
    if (h > span)
        h = span;
    double y1[BMD_ODE_MAXN];
    double f1[BMD_ODE_MAXN];
    for (int i = 0; i < n; i++)
        y1[i] = y0[i] + dir * h * f0[i];
    int rc = run->f(t0 + dir * h, y1, f1, run->params);
    run->n_fevals++;
    if (rc != 0)
        return h;
    double der2 = 0.0;
    for (int i = 0; i < n; i++) {
        double sk = ATOL(o, i) + o->rtol * fabs(y0[i]);
        der2 += ((f1[i] - f0[i]) / sk) * ((f1[i] - f0[i]) / sk);
    }
    der2 = sqrt(der2) / h;
    double der12 = fmax(fabs(der2), sqrt(dnf));
    double h1 = der12 <= 1e-15 ? fmax(1e-6, fabs(h) * 1e-3) : pow(0.01 / der12, 0.2);
    h = fmin(100.0 * h, h1);
    return fmin(h, span);
}

/* Root of event g on the interpolant between ta (value ga) and tb (value gb), signs differing. */
static double locate(const bmd_ode_run *run, const bmd_ode_segment *seg, bmd_event_fn g,
                     double ta, double ga, double tb, double gb, double tol)
{
    double y[BMD_ODE_MAXN];
    int side = 0;
    for (int it = 0; it < 100 && fabs(tb - ta) > tol; it++) {
        double tc = (ga * tb - gb * ta) / (ga - gb);
        bmd_ode_segment_eval(seg, run->n, tc, y);
        double gc = g(tc, y, run->params);
        if (gc == 0.0)
            return tc;
        if ((gc > 0.0) == (gb > 0.0)) {
            tb = tc;
            gb = gc;
            if (side == -1)
                ga *= 0.5;
            side = -1;
        } else {
            ta = tc;
            ga = gc;
            if (side == +1)
                gb *= 0.5;
            side = +1;
        }
    }
    return fabs(ga) < fabs(gb) ? ta : tb;
}

bmd_status bmd_ode_dopri5(bmd_ode_run *run, double t0, const double y0[], double t_end,
                          const bmd_ode_opts *o)
{
    const int n = run->n;
    if (n < 1 || n > BMD_ODE_MAXN || !run->f || !isfinite(t0) || !isfinite(t_end) ||
        run->n_events < 0 || run->n_events > 8 || !(o->rtol >= 0.0) || !(o->atol > 0.0) || !atol_ok(n, o))
        return BMD_ERR_ARG;
    run->terminal_event = -1;
    run->n_hits = 0;
    run->n_steps = 0;
    run->n_rejected = 0;
    run->n_fevals = 0;
    run->t = t0;
    memcpy(run->y, y0, (size_t)n * sizeof(double));
    run->h_last = o->h_init;
    if (!all_finite(n, y0))
        return BMD_ERR_NONFINITE;
    if (t_end == t0)
        return BMD_OK;
    /* An interval too short to resolve in floating point: nothing happens over it. */
    if (fabs(t_end - t0) <= 4.0 * DBL_EPSILON * fmax(fabs(t0), fabs(t_end))) {
        run->t = t_end;
        return BMD_OK;
    }

    const double dir = t_end > t0 ? 1.0 : -1.0;
    double y[BMD_ODE_MAXN], y1[BMD_ODE_MAXN], yt[BMD_ODE_MAXN];
    double k1[BMD_ODE_MAXN], k2[BMD_ODE_MAXN], k3[BMD_ODE_MAXN], k4[BMD_ODE_MAXN];
    double k5[BMD_ODE_MAXN], k6[BMD_ODE_MAXN], k7[BMD_ODE_MAXN];
    double gold[8];
    double t = t0;
    memcpy(y, y0, (size_t)n * sizeof(double));
    if (run->f(t, y, k1, run->params) != 0)
        return BMD_ERR_ARG;
    run->n_fevals++;
    for (int e = 0; e < run->n_events; e++)
        gold[e] = run->events[e].g(t, y, run->params);

    double span = fabs(t_end - t0);
    double hmax = o->h_max > 0.0 ? fmin(o->h_max, span) : span;
    double h = o->h_init > 0.0 ? fmin(o->h_init, hmax) : initial_step(run, t, y, k1, dir, o, hmax);
    double facold = 1e-4;
    const double beta = 0.04, expo1 = 0.2 - beta * 0.75, safe = 0.9;
    bool last = false;
    bool rejected_prev = false;
    bool nonfinite_reject = false;
    bmd_ode_segment seg;
    seg.t0 = 0.0;

    for (;;) {
        if (run->n_steps + run->n_rejected >= o->max_steps)
            return BMD_ERR_STEP;
        /* Step size underflow (Hairer's test: 0.1 |h| <= uround |t|). */
        if (0.1 * fabs(h) <= DBL_EPSILON * fabs(t) || h == 0.0)
            return nonfinite_reject ? BMD_ERR_NONFINITE : BMD_ERR_STEP;
        if ((t + dir * 1.01 * h - t_end) * dir >= 0.0) {
            h = fabs(t_end - t);
            last = true;
        }
        double hs = dir * h;
        int rc = 0;
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + hs * A21 * k1[i];
        rc |= run->f(t + C2 * hs, yt, k2, run->params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + hs * (A31 * k1[i] + A32 * k2[i]);
        rc |= run->f(t + C3 * hs, yt, k3, run->params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + hs * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
        rc |= run->f(t + C4 * hs, yt, k4, run->params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + hs * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        rc |= run->f(t + C5 * hs, yt, k5, run->params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + hs * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] +
                                 A65 * k5[i]);
        double tph = t + hs;
        rc |= run->f(tph, yt, k6, run->params);
        for (int i = 0; i < n; i++)
            y1[i] = y[i] + hs * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] +
                                 A76 * k6[i]);
        rc |= run->f(tph, y1, k7, run->params);
        run->n_fevals += 6;
        if (rc != 0)
            return BMD_ERR_ARG;

        double err = 0.0;
        for (int i = 0; i < n; i++) {
            double sk = ATOL(o, i) + o->rtol * fmax(fabs(y[i]), fabs(y1[i]));
            double ei = hs * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] +
                              E7 * k7[i]);
            err += (ei / sk) * (ei / sk);
        }
        err = sqrt(err / n);
        nonfinite_reject = !isfinite(err);
        if (nonfinite_reject) {
            /* A non-finite trial state: shrink hard and retry. */
            run->n_rejected++;
            h *= 0.1;
            last = false;
            rejected_prev = true;
            continue;
        }
        double fac11 = pow(err, expo1);
        double fac = fac11 / pow(facold, beta);
        fac = fmax(0.1, fmin(5.0, fac / safe)); /* h_new = h / fac: growth <= 10, shrink <= 5 */
        double hnew = h / fac;
        if (err > 1.0) {
            run->n_rejected++;
            h = h / fmin(5.0, fac11 / safe);
            last = false;
            rejected_prev = true;
            continue;
        }

        /* Accepted: build the interpolant. */
        facold = fmax(err, 1e-4);
        run->n_steps++;
        seg.t0 = t;
        seg.h = hs;
        for (int i = 0; i < n; i++) {
            double ydiff = y1[i] - y[i];
            double bspl = hs * k1[i] - ydiff;
            seg.c[0][i] = y[i];
            seg.c[1][i] = ydiff;
            seg.c[2][i] = bspl;
            seg.c[3][i] = ydiff - hs * k7[i] - bspl;
            seg.c[4][i] = hs * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] +
                                D7 * k7[i]);
        }

        /* Events in this step, earliest first. */
        double t_stop = tph;
        int stop_event = -1;
        for (int e = 0; e < run->n_events; e++) {
            double gn = run->events[e].g(tph, y1, run->params);
            double go = gold[e];
            int d = run->events[e].direction;
            bool crossed = (go < 0.0 && gn >= 0.0 && d >= 0) || (go > 0.0 && gn <= 0.0 && d <= 0);
            gold[e] = gn;
            if (!crossed)
                continue;
            double tr = gn == 0.0 ? tph
                                  : locate(run, &seg, run->events[e].g, t, go, tph, gn,
                                           o->event_tol);
            if (run->events[e].terminal) {
                if (stop_event < 0 || (tr - t_stop) * dir < 0.0) {
                    stop_event = e;
                    t_stop = tr;
                }
            }
            if (run->n_hits < BMD_ODE_MAXHITS) {
                bmd_ode_hit *hit = &run->hits[run->n_hits++];
                hit->event = e;
                hit->t = tr;
                bmd_ode_segment_eval(&seg, n, tr, hit->y);
            }
        }
        if (stop_event >= 0) {
            /* Drop hits recorded in this step after the terminal one; keep time order. */
            int kept = 0;
            for (int i = 0; i < run->n_hits; i++) {
                bmd_ode_hit *hi = &run->hits[i];
                if ((hi->t - t_stop) * dir <= 0.0)
                    run->hits[kept++] = *hi;
            }
            run->n_hits = kept;
        }
        /* Insertion sort of this step's hits by time (few, and nearly sorted). */
        for (int i = 1; i < run->n_hits; i++) {
            bmd_ode_hit key = run->hits[i];
            int j = i - 1;
            while (j >= 0 && (run->hits[j].t - key.t) * dir > 0.0) {
                run->hits[j + 1] = run->hits[j];
                j--;
            }
            run->hits[j + 1] = key;
        }

        if (stop_event >= 0) {
            bmd_ode_segment_eval(&seg, n, t_stop, run->y);
            run->t = t_stop;
            run->terminal_event = stop_event;
            run->h_last = h;
            /* The sink gets the whole step's interpolant; its validity ends at run->t. */
            if (run->sink && run->sink(&seg, n, run->sink_ctx) != 0)
                return BMD_ERR_NOMEM;
            return all_finite(n, run->y) ? BMD_OK : BMD_ERR_NONFINITE;
        }
        if (run->sink && run->sink(&seg, n, run->sink_ctx) != 0)
            return BMD_ERR_NOMEM;

        memcpy(y, y1, (size_t)n * sizeof(double));
        memcpy(k1, k7, (size_t)n * sizeof(double)); /* first same as last */
        t = tph;
        run->t = t;
        memcpy(run->y, y, (size_t)n * sizeof(double));
        if (!all_finite(n, y))
            return BMD_ERR_NONFINITE;
        if (last) {
            run->t = t_end;
            run->h_last = fmin(hnew, hmax);
            return BMD_OK;
        }
        if (fabs(hnew) > hmax)
            hnew = hmax;
        if (rejected_prev)
            hnew = fmin(hnew, h);
        rejected_prev = false;
        h = hnew;
    }
}

bmd_status bmd_ode_rk4(int n, bmd_ode_fn f, void *params, double t0, const double y0[], double t1,
                       long n_steps, double y1[])
{
    if (n < 1 || n > BMD_ODE_MAXN || n_steps < 1)
        return BMD_ERR_ARG;
    double y[BMD_ODE_MAXN], yt[BMD_ODE_MAXN];
    double k1[BMD_ODE_MAXN], k2[BMD_ODE_MAXN], k3[BMD_ODE_MAXN], k4[BMD_ODE_MAXN];
    double h = (t1 - t0) / (double)n_steps;
    memcpy(y, y0, (size_t)n * sizeof(double));
    for (long s = 0; s < n_steps; s++) {
        double t = t0 + (double)s * h;
        int rc = f(t, y, k1, params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + 0.5 * h * k1[i];
        rc |= f(t + 0.5 * h, yt, k2, params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + 0.5 * h * k2[i];
        rc |= f(t + 0.5 * h, yt, k3, params);
        for (int i = 0; i < n; i++)
            yt[i] = y[i] + h * k3[i];
        rc |= f(t + h, yt, k4, params);
        if (rc != 0)
            return BMD_ERR_ARG;
        for (int i = 0; i < n; i++)
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }
    memcpy(y1, y, (size_t)n * sizeof(double));
    return all_finite(n, y1) ? BMD_OK : BMD_ERR_NONFINITE;
}
