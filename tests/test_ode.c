/* SPDX-License-Identifier: MIT */
/* test_ode.c: validation of the integrators (ode.h) against closed-form solutions: exponential
 * decay, the harmonic oscillator, the Kepler two-body orbit (e = 0.5, solved through Kepler's
 * equation), convergence orders under step halving (RK4: 4, DOPRI5: 5), dense output, event
 * location, backward integration, failure paths, and an RK4 / DOPRI5 cross-check on the Van der
 * Pol oscillator. The test style follows GSL's ode-initval2/test.c. Each test prints the worst
 * error it measured to stderr. */
#include <math.h>
#include <stdio.h>

#include "bmd/ode.h"
#include "test.h"

static const double PI = 3.14159265358979323846;

/* ------------------------------------------------------------------------------------------ */
/* Problems.                                                                                   */

/* Right-hand-side evaluations, counted by every problem below. */
static long fevals;

/* y' = -y: y = y0 e^-t. */
static int rhs_decay(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)params;
    fevals++;
    dydt[0] = -y[0];
    return 0;
}

/* y0' = y1, y1' = -y0: with y(0) = (1, 0), y0 = cos t, y1 = -sin t. */
static int rhs_osc(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)params;
    fevals++;
    dydt[0] = y[1];
    dydt[1] = -y[0];
    return 0;
}

/* Planar two-body problem, mu = 1: (x, y, vx, vy). */
static int rhs_kepler(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)params;
    fevals++;
    double r2 = y[0] * y[0] + y[1] * y[1];
    double r3 = r2 * sqrt(r2);
    dydt[0] = y[2];
    dydt[1] = y[3];
    dydt[2] = -y[0] / r3;
    dydt[3] = -y[1] / r3;
    return 0;
}

/* Van der Pol, mu = 1: x'' = mu (1 - x^2) x' - x. */
static int rhs_vdp(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)params;
    fevals++;
    dydt[0] = y[1];
    dydt[1] = (1.0 - y[0] * y[0]) * y[1] - y[0];
    return 0;
}

/* y' = 1: y = t (integrated exactly by any step). */
static int rhs_one(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)y;
    (void)params;
    fevals++;
    dydt[0] = 1.0;
    return 0;
}

/* y' = y^2, y(0) = 1: y = 1/(1 - t), singular at t = 1. */
static int rhs_blowup(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)params;
    dydt[0] = y[0] * y[0];
    return 0;
}

/* Decay whose evaluation fails (returns 1) beyond t = *(double *)params. */
static int rhs_fail_after(double t, const double y[], double dydt[], void *params)
{
    if (t > *(const double *)params)
        return 1;
    dydt[0] = -y[0];
    return 0;
}

/* Returns NaN everywhere. */
static int rhs_nan(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    (void)y;
    (void)params;
    dydt[0] = NAN;
    return 0;
}

/* Kepler orbit with a = 1, e, mu = 1 (period 2 pi), periapsis on +x at t = 0: the state at t from
 * Kepler's equation M = E - e sin E (Newton's method). */
static void kepler_exact(double e, double t, double s[4])
{
    double m = fmod(t, 2.0 * PI);
    double ea = e < 0.8 ? m : PI;
    for (int i = 0; i < 50; i++) {
        double d = (ea - e * sin(ea) - m) / (1.0 - e * cos(ea));
        ea -= d;
        if (fabs(d) < 1e-16)
            break;
    }
    double q = sqrt(1.0 - e * e);
    double edot = 1.0 / (1.0 - e * cos(ea));
    s[0] = cos(ea) - e;
    s[1] = q * sin(ea);
    s[2] = -sin(ea) * edot;
    s[3] = q * cos(ea) * edot;
}

static double max_err(int n, const double a[], const double b[])
{
    double w = 0.0;
    for (int i = 0; i < n; i++)
        w = fmax(w, fabs(a[i] - b[i]));
    return w;
}

static bmd_ode_run make_run(int n, bmd_ode_fn f)
{
    bmd_ode_run r;
    memset(&r, 0, sizeof r);
    r.n = n;
    r.f = f;
    return r;
}

static bmd_ode_opts tol_opts(double rtol, double atol)
{
    bmd_ode_opts o = bmd_ode_default_opts();
    o.rtol = rtol;
    o.atol = atol;
    o.max_steps = 1000000;
    return o;
}

/* Options for a fixed step h: tolerances so loose that no step is rejected and the controller
 * always asks for more than h_max = h. */
static bmd_ode_opts fixed_opts(double h)
{
    bmd_ode_opts o = tol_opts(1.0, 1e3);
    o.h_init = h;
    o.h_max = h;
    return o;
}

/* A sink that keeps every segment. */
#define SEG_CAP 20000
static bmd_ode_segment segs[SEG_CAP];
static int n_segs;
static int keep_segment(const bmd_ode_segment *seg, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    if (n_segs >= SEG_CAP)
        return 1;
    segs[n_segs++] = *seg;
    return 0;
}

static int refuse_segment(const bmd_ode_segment *seg, int n, void *ctx)
{
    (void)seg;
    (void)n;
    (void)ctx;
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Closed-form solutions.                                                                      */

static void test_decay(void)
{
    double worst = 0.0;
    static const double tends[] = {0.1, 1.0, 10.0, 30.0};
    for (int i = 0; i < 4; i++) {
        bmd_ode_run run = make_run(1, rhs_decay);
        bmd_ode_opts o = tol_opts(1e-10, 1e-30); /* relative control only */
        double y0[1] = {1.0};
        ENSURE(bmd_ode_dopri5(&run, 0.0, y0, tends[i], &o) == BMD_OK);
        CHECK_NEAR(run.t, tends[i], 0.0);
        double rel = fabs(run.y[0] - exp(-tends[i])) / exp(-tends[i]);
        worst = fmax(worst, rel);
        CHECK_NEAR(rel, 0.0, 1e-8);
        ENSURE(run.terminal_event == -1);
        ENSURE(run.n_hits == 0);
        ENSURE(run.n_steps > 0);
    }
    fprintf(stderr, "  y' = -y (rtol 1e-10): worst relative error %.3g\n", worst);
}

static void test_oscillator(void)
{
    double worst = 0.0;
    for (int k = 1; k <= 10; k++) {
        double tend = 2.0 * PI * k;
        bmd_ode_run run = make_run(2, rhs_osc);
        bmd_ode_opts o = tol_opts(1e-11, 1e-11);
        double y0[2] = {1.0, 0.0};
        ENSURE(bmd_ode_dopri5(&run, 0.0, y0, tend, &o) == BMD_OK);
        double ex[2] = {cos(tend), -sin(tend)};
        worst = fmax(worst, max_err(2, run.y, ex));
    }
    fprintf(stderr, "  harmonic oscillator, 1..10 periods (tol 1e-11): worst error %.3g\n", worst);
    CHECK_NEAR(worst, 0.0, 1e-8);
}

static void test_kepler(void)
{
    const double e = 0.5;
    double s0[4];
    kepler_exact(e, 0.0, s0);
    /* Periapsis r = a (1 - e) = 0.5, speed sqrt(mu (1 + e) / (a (1 - e))) = sqrt(3). */
    CHECK_NEAR(s0[0], 0.5, 1e-15);
    CHECK_NEAR(s0[3], sqrt(3.0), 1e-15);

    /* One period: back to the start. */
    bmd_ode_run run = make_run(4, rhs_kepler);
    bmd_ode_opts o = tol_opts(1e-12, 1e-12);
    ENSURE(bmd_ode_dopri5(&run, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
    double err_period = max_err(4, run.y, s0);
    CHECK_NEAR(err_period, 0.0, 1e-8);

    /* Intermediate times against Kepler's equation; energy -1/(2a) = -0.5 and angular momentum
     * sqrt(mu a (1 - e^2)) conserved. */
    double err_mid = 0.0, err_inv = 0.0;
    for (int k = 1; k <= 16; k++) {
        double t = 2.0 * PI * k / 7.0;
        bmd_ode_run r2 = make_run(4, rhs_kepler);
        ENSURE(bmd_ode_dopri5(&r2, 0.0, s0, t, &o) == BMD_OK);
        double ex[4];
        kepler_exact(e, t, ex);
        err_mid = fmax(err_mid, max_err(4, r2.y, ex));
        double en = 0.5 * (r2.y[2] * r2.y[2] + r2.y[3] * r2.y[3]) -
                    1.0 / sqrt(r2.y[0] * r2.y[0] + r2.y[1] * r2.y[1]);
        double hm = r2.y[0] * r2.y[3] - r2.y[1] * r2.y[2];
        err_inv = fmax(err_inv, fmax(fabs(en + 0.5), fabs(hm - sqrt(1.0 - e * e))));
    }
    fprintf(stderr,
            "  Kepler e = 0.5 (tol 1e-12): after one period %.3g; at 16 times up to 2.3 periods "
            "vs Kepler's equation %.3g; energy / angular momentum drift %.3g\n",
            err_period, err_mid, err_inv);
    CHECK_NEAR(err_mid, 0.0, 1e-8);
    CHECK_NEAR(err_inv, 0.0, 1e-9);
}

/* Global error against tolerance: decreasing, and proportional (slope of log error against log
 * tolerance near 1 for DOPRI5's error-per-step control with local extrapolation). */
static void test_tolerance_proportionality(void)
{
    const double e = 0.5;
    double s0[4], ex[4];
    kepler_exact(e, 0.0, s0);
    kepler_exact(e, 2.0 * PI, ex);
    double err[5];
    double tols[5] = {1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
    long steps[5];
    for (int i = 0; i < 5; i++) {
        bmd_ode_run run = make_run(4, rhs_kepler);
        bmd_ode_opts o = tol_opts(tols[i], tols[i]);
        ENSURE(bmd_ode_dopri5(&run, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
        err[i] = max_err(4, run.y, ex);
        steps[i] = run.n_steps;
    }
    double slope_min = 1e9, slope_max = -1e9;
    for (int i = 0; i + 1 < 5; i++) {
        ENSURE(err[i + 1] < err[i]);
        ENSURE(steps[i + 1] > steps[i]);
        double sl = log10(err[i] / err[i + 1]) / 2.0;
        slope_min = fmin(slope_min, sl);
        slope_max = fmax(slope_max, sl);
    }
    fprintf(stderr,
            "  tolerance proportionality (Kepler, one period): errors %.2g %.2g %.2g %.2g %.2g "
            "for tol 1e-4..1e-12; d log(err) / d log(tol) in [%.3f, %.3f]; steps %ld..%ld\n",
            err[0], err[1], err[2], err[3], err[4], slope_min, slope_max, steps[0], steps[4]);
    CHECK_NEAR(slope_min, 1.0, 0.35);
    CHECK_NEAR(slope_max, 1.0, 0.35);
    /* The error stays within a modest factor of the tolerance. */
    for (int i = 0; i < 5; i++)
        ENSURE(err[i] < 1e3 * tols[i]);
}

/* rtol = 0 (pure absolute control) and per-component absolute tolerances (atol_vec). */
static void test_tolerance_options(void)
{
    /* y' = -y over [0, 20] with rtol 0, atol 1e-12: the absolute error stays near atol even
     * where y is small. */
    bmd_ode_run run = make_run(1, rhs_decay);
    bmd_ode_opts o = tol_opts(0.0, 1e-12);
    double y0[1] = {1.0};
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 20.0, &o) == BMD_OK);
    double err_abs = fabs(run.y[0] - exp(-20.0));
    CHECK_NEAR(err_abs, 0.0, 1e-10);

    /* atol_vec equal to atol in every component reproduces the scalar run bit for bit. */
    double s0[4], ex[4];
    kepler_exact(0.5, 0.0, s0);
    kepler_exact(0.5, 2.0 * PI, ex);
    bmd_ode_run ra = make_run(4, rhs_kepler), rb = make_run(4, rhs_kepler);
    bmd_ode_opts oa = tol_opts(1e-10, 1e-10);
    bmd_ode_opts ob = oa;
    static const double same[4] = {1e-10, 1e-10, 1e-10, 1e-10};
    ob.atol_vec = same;
    ENSURE(bmd_ode_dopri5(&ra, 0.0, s0, 2.0 * PI, &oa) == BMD_OK);
    ENSURE(bmd_ode_dopri5(&rb, 0.0, s0, 2.0 * PI, &ob) == BMD_OK);
    ENSURE(ra.n_steps == rb.n_steps);
    CHECK_NEAR(max_err(4, ra.y, rb.y), 0.0, 0.0);

    /* Per-component control: with rtol 0, tightening one component's atol alone tightens the
     * run (more steps, smaller error) and the error follows the tight tolerance. */
    bmd_ode_run rc = make_run(4, rhs_kepler), rd = make_run(4, rhs_kepler);
    static const double loose[4] = {1e-6, 1e-6, 1e-6, 1e-6};
    static const double one_tight[4] = {1e-11, 1e-6, 1e-6, 1e-6};
    bmd_ode_opts oc = tol_opts(0.0, 1.0);
    oc.atol_vec = loose;
    bmd_ode_opts od = oc;
    od.atol_vec = one_tight;
    ENSURE(bmd_ode_dopri5(&rc, 0.0, s0, 2.0 * PI, &oc) == BMD_OK);
    ENSURE(bmd_ode_dopri5(&rd, 0.0, s0, 2.0 * PI, &od) == BMD_OK);
    double ec = max_err(4, rc.y, ex), ed = max_err(4, rd.y, ex);
    ENSURE(rd.n_steps > rc.n_steps);
    ENSURE(ed < 1e-2 * ec);
    fprintf(stderr,
            "  rtol 0, atol 1e-12, y' = -y to t = 20: absolute error %.3g; atol_vec == atol: "
            "identical; one component's atol 1e-6 -> 1e-11: error %.3g -> %.3g, steps %ld -> "
            "%ld\n",
            err_abs, ec, ed, rc.n_steps, rd.n_steps);
}

/* ------------------------------------------------------------------------------------------ */
/* Convergence orders.                                                                         */

static void test_rk4_order(void)
{
    const double e = 0.5;
    double s0[4], ex[4];
    kepler_exact(e, 0.0, s0);
    kepler_exact(e, 2.0 * PI, ex);
    double err[4];
    long n0 = 400;
    for (int i = 0; i < 4; i++) {
        double y1[4];
        ENSURE(bmd_ode_rk4(4, rhs_kepler, NULL, 0.0, s0, 2.0 * PI, n0 << i, y1) == BMD_OK);
        err[i] = max_err(4, y1, ex);
    }
    double rmin = 1e9, rmax = 0.0;
    for (int i = 0; i + 1 < 4; i++) {
        double ratio = err[i] / err[i + 1];
        rmin = fmin(rmin, ratio);
        rmax = fmax(rmax, ratio);
        CHECK_NEAR(ratio, 16.0, 3.0);
    }
    /* Linear test too: y' = -y over [0, 1]. */
    double e1[3];
    for (int i = 0; i < 3; i++) {
        double y0[1] = {1.0}, y1[1];
        ENSURE(bmd_ode_rk4(1, rhs_decay, NULL, 0.0, y0, 1.0, 10L << i, y1) == BMD_OK);
        e1[i] = fabs(y1[0] - exp(-1.0));
    }
    CHECK_NEAR(e1[0] / e1[1], 16.0, 3.0);
    CHECK_NEAR(e1[1] / e1[2], 16.0, 3.0);
    fprintf(stderr,
            "  RK4 step halving (Kepler, 400..3200 steps): errors %.3g -> %.3g, ratios "
            "[%.2f, %.2f]; y' = -y ratios %.2f %.2f (want 16, [13, 19])\n",
            err[0], err[3], rmin, rmax, e1[0] / e1[1], e1[1] / e1[2]);
}

static void test_dopri5_order(void)
{
    const double e = 0.5;
    double s0[4], ex[4];
    kepler_exact(e, 0.0, s0);
    kepler_exact(e, 2.0 * PI, ex);
    double err[4];
    long nst[4] = {100, 200, 400, 800};
    for (int i = 0; i < 4; i++) {
        double h = 2.0 * PI / (double)nst[i];
        bmd_ode_run run = make_run(4, rhs_kepler);
        bmd_ode_opts o = fixed_opts(h);
        ENSURE(bmd_ode_dopri5(&run, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
        ENSURE(run.n_rejected == 0);
        ENSURE(run.n_steps == nst[i]);
        err[i] = max_err(4, run.y, ex);
    }
    double rmin = 1e9, rmax = 0.0;
    for (int i = 0; i + 1 < 4; i++) {
        double ratio = err[i] / err[i + 1];
        rmin = fmin(rmin, ratio);
        rmax = fmax(rmax, ratio);
        CHECK_NEAR(ratio, 32.0, 8.0);
    }
    fprintf(stderr,
            "  DOPRI5 fixed-step halving (Kepler, 100..800 steps): errors %.3g -> %.3g, ratios "
            "[%.2f, %.2f] (want 32, [24, 40])\n",
            err[0], err[3], rmin, rmax);
}

/* ------------------------------------------------------------------------------------------ */
/* Dense output.                                                                               */

static void test_dense_output(void)
{
    const double e = 0.5;
    double s0[4];
    kepler_exact(e, 0.0, s0);

    /* Adaptive run: the interpolant inside each step against the exact orbit, compared with the
     * error at the step ends. */
    bmd_ode_run run = make_run(4, rhs_kepler);
    run.sink = keep_segment;
    bmd_ode_opts o = tol_opts(1e-9, 1e-9);
    n_segs = 0;
    ENSURE(bmd_ode_dopri5(&run, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
    ENSURE(n_segs == run.n_steps);
    double err_end = 0.0, err_in = 0.0, cont = 0.0;
    for (int i = 0; i < n_segs; i++) {
        const bmd_ode_segment *sg = &segs[i];
        double y[4], ex[4];
        bmd_ode_segment_eval(sg, 4, sg->t0 + sg->h, y);
        kepler_exact(e, sg->t0 + sg->h, ex);
        err_end = fmax(err_end, max_err(4, y, ex));
        for (int q = 1; q < 4; q++) {
            double t = sg->t0 + 0.25 * q * sg->h;
            bmd_ode_segment_eval(sg, 4, t, y);
            kepler_exact(e, t, ex);
            err_in = fmax(err_in, max_err(4, y, ex));
        }
        /* Continuity: each segment starts where the previous ends. */
        if (i > 0) {
            const bmd_ode_segment *pv = &segs[i - 1];
            double ya[4];
            bmd_ode_segment_eval(pv, 4, pv->t0 + pv->h, ya);
            cont = fmax(cont, max_err(4, ya, sg->c[0]));
            CHECK_NEAR(sg->t0, pv->t0 + pv->h, 1e-14);
        }
    }
    CHECK_NEAR(segs[0].t0, 0.0, 0.0);
    CHECK_NEAR(segs[n_segs - 1].t0 + segs[n_segs - 1].h, 2.0 * PI, 1e-14);
    CHECK_NEAR(max_err(4, segs[0].c[0], s0), 0.0, 0.0);
    CHECK_NEAR(cont, 0.0, 1e-14);
    CHECK_NEAR(err_in, 0.0, 10.0 * err_end + 1e-12);

    /* Fixed steps: the error at the quarter points of each step falls by 2^5 per halving
     * (order-4 interpolant, local error O(h^5)); at least 2^4 required. */
    double em[3];
    for (int k = 0; k < 3; k++) {
        bmd_ode_run r2 = make_run(4, rhs_kepler);
        r2.sink = keep_segment;
        n_segs = 0;
        bmd_ode_opts fo = fixed_opts(2.0 * PI / (double)(100 << k));
        ENSURE(bmd_ode_dopri5(&r2, 0.0, s0, 2.0 * PI, &fo) == BMD_OK);
        em[k] = 0.0;
        for (int i = 0; i < n_segs; i++) {
            for (int q = 1; q < 4; q++) {
                double t = segs[i].t0 + 0.25 * q * segs[i].h, y[4], ex[4];
                bmd_ode_segment_eval(&segs[i], 4, t, y);
                kepler_exact(e, t, ex);
                em[k] = fmax(em[k], max_err(4, y, ex));
            }
        }
    }
    fprintf(stderr,
            "  dense output (Kepler, tol 1e-9): inside steps %.3g vs at step ends %.3g; "
            "continuity %.3g; fixed-step halving of the in-step error: ratios %.2f %.2f\n",
            err_in, err_end, cont, em[0] / em[1], em[1] / em[2]);
    ENSURE(em[0] / em[1] >= 16.0);
    ENSURE(em[1] / em[2] >= 16.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Events.                                                                                     */

static double g_half(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0] - 0.5;
}

static double g_two(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0] - 2.0;
}

static double g_cos(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0];
}

static double g_y2(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0] - 2.0;
}

static double g_y25(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0] - 2.5;
}

static double g_t2(double t, const double y[], void *p)
{
    (void)y;
    (void)p;
    return t - 2.0;
}

static double g_y3(double t, const double y[], void *p)
{
    (void)t;
    (void)p;
    return y[0] - 3.0;
}

static void test_event_decay(void)
{
    /* y' = -y, y(0) = 1 crosses 0.5 at t = ln 2, falling. */
    double worst_t = 0.0;
    static const double etols[] = {1e-6, 1e-9, 1e-12};
    for (int k = 0; k < 3; k++) {
        for (int term = 0; term <= 1; term++) {
            bmd_ode_event ev = {g_half, -1, term != 0};
            bmd_ode_run run = make_run(1, rhs_decay);
            run.events = &ev;
            run.n_events = 1;
            run.sink = keep_segment;
            n_segs = 0;
            bmd_ode_opts o = tol_opts(1e-12, 1e-14);
            o.event_tol = etols[k];
            double y0[1] = {1.0};
            ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 3.0, &o) == BMD_OK);
            ENSURE(n_segs == run.n_steps);
            ENSURE(run.n_hits == 1);
            double dt = fabs(run.hits[0].t - log(2.0));
            CHECK_NEAR(dt, 0.0, etols[k] + 1e-11);
            CHECK_NEAR(run.hits[0].y[0], exp(-run.hits[0].t), 1e-11);
            ENSURE(run.hits[0].event == 0);
            if (k == 2)
                worst_t = fmax(worst_t, dt);
            if (term) {
                ENSURE(run.terminal_event == 0);
                CHECK_NEAR(run.t, run.hits[0].t, 0.0);
                CHECK_NEAR(run.y[0], 0.5, etols[k] + 1e-11);
                /* The sink got the stopping step's interpolant; it covers run.t and gives
                 * run.y there. (Its h is the whole step's: ode.h says the last segment is
                 * "truncated at a terminal event", which the code reads as "valid only up to
                 * run.t".) */
                const bmd_ode_segment *last = &segs[n_segs - 1];
                double lo = fmin(last->t0, last->t0 + last->h);
                double hi = fmax(last->t0, last->t0 + last->h);
                ENSURE(run.t >= lo && run.t <= hi);
                double yl[1];
                bmd_ode_segment_eval(last, 1, run.t, yl);
                CHECK_NEAR(yl[0], run.y[0], 0.0);
            } else {
                ENSURE(run.terminal_event == -1);
                CHECK_NEAR(run.t, 3.0, 0.0);
            }
        }
    }
    /* The wrong direction never fires. */
    bmd_ode_event ev = {g_half, +1, true};
    bmd_ode_run run = make_run(1, rhs_decay);
    run.events = &ev;
    run.n_events = 1;
    bmd_ode_opts o = tol_opts(1e-10, 1e-12);
    double y0[1] = {1.0};
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 3.0, &o) == BMD_OK);
    ENSURE(run.n_hits == 0);
    ENSURE(run.terminal_event == -1);
    fprintf(stderr, "  event y = 0.5 (event_tol 1e-12): |t - ln 2| %.3g s\n", worst_t);
}

static void test_event_oscillator(void)
{
    /* cos t over [0, 6 pi]: zeros at pi/2 + k pi, k = 0..5; falling at pi/2 + 2k pi, rising at
     * 3pi/2 + 2k pi. Three events watch the same function: both directions, rising, falling. */
    bmd_ode_event ev[3] = {{g_cos, 0, false}, {g_cos, +1, false}, {g_cos, -1, false}};
    bmd_ode_run run = make_run(2, rhs_osc);
    run.events = ev;
    run.n_events = 3;
    bmd_ode_opts o = tol_opts(1e-12, 1e-12);
    o.event_tol = 1e-12;
    double y0[2] = {1.0, 0.0};
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 6.0 * PI, &o) == BMD_OK);
    ENSURE(run.n_hits == 12);
    double worst = 0.0;
    int seen[3] = {0, 0, 0};
    for (int i = 0; i < run.n_hits && i < 12; i++) {
        const bmd_ode_hit *h = &run.hits[i];
        int k = (int)lround((h->t - 0.5 * PI) / PI);
        double want = 0.5 * PI + k * PI;
        worst = fmax(worst, fabs(h->t - want));
        CHECK_NEAR(h->t, want, 1e-10);
        CHECK_NEAR(h->y[0], 0.0, 1e-10);
        if (i > 0)
            ENSURE(h->t >= run.hits[i - 1].t);
        ENSURE(h->event >= 0 && h->event < 3);
        if (h->event >= 0 && h->event < 3)
            seen[h->event]++;
        bool rising = (k % 2) != 0;
        if (h->event == 1)
            ENSURE(rising);
        if (h->event == 2)
            ENSURE(!rising);
    }
    ENSURE(seen[0] == 6 && seen[1] == 3 && seen[2] == 3);

    /* A terminal rising crossing stops at 3 pi / 2 after a non-terminal falling one at pi / 2. */
    bmd_ode_event ev2[2] = {{g_cos, -1, false}, {g_cos, +1, true}};
    bmd_ode_run r2 = make_run(2, rhs_osc);
    r2.events = ev2;
    r2.n_events = 2;
    ENSURE(bmd_ode_dopri5(&r2, 0.0, y0, 6.0 * PI, &o) == BMD_OK);
    ENSURE(r2.terminal_event == 1);
    CHECK_NEAR(r2.t, 1.5 * PI, 1e-10);
    CHECK_NEAR(r2.y[0], 0.0, 1e-10);
    CHECK_NEAR(r2.y[1], 1.0, 1e-10);
    ENSURE(r2.n_hits == 2);
    ENSURE(r2.hits[0].event == 0 && r2.hits[1].event == 1);
    CHECK_NEAR(r2.hits[0].t, 0.5 * PI, 1e-10);
    worst = fmax(worst, fabs(r2.t - 1.5 * PI));

    /* More crossings than BMD_ODE_MAXHITS: the first BMD_ODE_MAXHITS are kept, in order. */
    bmd_ode_event ev3 = {g_cos, 0, false};
    bmd_ode_run r3 = make_run(2, rhs_osc);
    r3.events = &ev3;
    r3.n_events = 1;
    ENSURE(bmd_ode_dopri5(&r3, 0.0, y0, 20.0 * PI, &o) == BMD_OK);
    ENSURE(r3.n_hits == BMD_ODE_MAXHITS);
    CHECK_NEAR(r3.t, 20.0 * PI, 0.0);
    CHECK_NEAR(r3.hits[BMD_ODE_MAXHITS - 1].t, 0.5 * PI + (BMD_ODE_MAXHITS - 1) * PI, 1e-9);
    fprintf(stderr, "  events on cos t (event_tol 1e-12, direction filters, terminal): worst "
                    "|t - (pi/2 + k pi)| %.3g s\n",
            worst);
}

static void test_events_same_step(void)
{
    /* y = t in one step from 0 to 10: three crossings (2, 2.5, 3) in one step, listed out of
     * time order; recorded in time order. */
    bmd_ode_event ev[3] = {{g_y3, 0, false}, {g_y2, 0, false}, {g_y25, 0, false}};
    bmd_ode_run run = make_run(1, rhs_one);
    run.events = ev;
    run.n_events = 3;
    bmd_ode_opts o = fixed_opts(10.0);
    o.event_tol = 1e-12;
    double y0[1] = {0.0};
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 10.0, &o) == BMD_OK);
    ENSURE(run.n_steps == 1);
    ENSURE(run.n_hits == 3);
    if (run.n_hits == 3) {
        ENSURE(run.hits[0].event == 1 && run.hits[1].event == 2 && run.hits[2].event == 0);
        CHECK_NEAR(run.hits[0].t, 2.0, 1e-12);
        CHECK_NEAR(run.hits[1].t, 2.5, 1e-12);
        CHECK_NEAR(run.hits[2].t, 3.0, 1e-12);
    }
    /* The middle one terminal: later crossings of the same step are dropped. */
    ev[2].terminal = true;
    bmd_ode_run r2 = make_run(1, rhs_one);
    r2.events = ev;
    r2.n_events = 3;
    ENSURE(bmd_ode_dopri5(&r2, 0.0, y0, 10.0, &o) == BMD_OK);
    ENSURE(r2.terminal_event == 2);
    CHECK_NEAR(r2.t, 2.5, 1e-12);
    CHECK_NEAR(r2.y[0], 2.5, 1e-12);
    ENSURE(r2.n_hits == 2);
    if (r2.n_hits == 2)
        ENSURE(r2.hits[0].event == 1 && r2.hits[1].event == 2);
    /* Two terminal events in one step: the earlier one stops it, whatever the list order. */
    ev[0].terminal = true;
    ev[1].terminal = true;
    bmd_ode_run r3 = make_run(1, rhs_one);
    r3.events = ev;
    r3.n_events = 3;
    ENSURE(bmd_ode_dopri5(&r3, 0.0, y0, 10.0, &o) == BMD_OK);
    ENSURE(r3.terminal_event == 1);
    CHECK_NEAR(r3.t, 2.0, 1e-12);
    ENSURE(r3.n_hits == 1);
    /* g = t - 2 is exactly zero at the end of the second unit step: recorded once, at 2. */
    bmd_ode_event ev4 = {g_t2, 0, false};
    bmd_ode_run r4 = make_run(1, rhs_one);
    r4.events = &ev4;
    r4.n_events = 1;
    bmd_ode_opts o1 = fixed_opts(1.0);
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 5.0, &o1) == BMD_OK);
    ENSURE(r4.n_steps == 5);
    ENSURE(r4.n_hits == 1);
    CHECK_NEAR(r4.hits[0].t, 2.0, 0.0);
    /* Eight events (the most the code takes; ode.h states no limit) are all located; a ninth
     * is refused with BMD_ERR_ARG. */
    bmd_ode_event ev8[9];
    for (int i = 0; i < 9; i++) {
        ev8[i].g = g_y25;
        ev8[i].direction = 0;
        ev8[i].terminal = false;
    }
    bmd_ode_run r8 = make_run(1, rhs_one);
    r8.events = ev8;
    r8.n_events = 8;
    ENSURE(bmd_ode_dopri5(&r8, 0.0, y0, 5.0, &o1) == BMD_OK);
    ENSURE(r8.n_hits == 8);
    r8.n_events = 9;
    ENSURE(bmd_ode_dopri5(&r8, 0.0, y0, 5.0, &o1) == BMD_ERR_ARG);
    fprintf(stderr, "  three events in one step: ordered %d %d %d at t = %.15g %.15g %.15g\n",
            run.hits[0].event, run.hits[1].event, run.hits[2].event, run.hits[0].t,
            run.hits[1].t, run.hits[2].t);
}

static void test_backward(void)
{
    /* y' = -y from t = 0 back to t = -2: y = e^-t = e^2 at the end; crosses y = 2 at -ln 2. */
    bmd_ode_event ev = {g_two, 0, false};
    bmd_ode_run run = make_run(1, rhs_decay);
    run.events = &ev;
    run.n_events = 1;
    run.sink = keep_segment;
    n_segs = 0;
    bmd_ode_opts o = tol_opts(1e-12, 1e-14);
    o.event_tol = 1e-12;
    double y0[1] = {1.0};
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, -2.0, &o) == BMD_OK);
    CHECK_NEAR(run.t, -2.0, 0.0);
    double err_end = fabs(run.y[0] - exp(2.0)) / exp(2.0);
    CHECK_NEAR(err_end, 0.0, 1e-10);
    ENSURE(run.n_hits == 1);
    double err_ev = fabs(run.hits[0].t + log(2.0));
    CHECK_NEAR(err_ev, 0.0, 1e-11);
    /* Segments run backwards: h < 0, consecutive, interpolating e^-t. */
    double err_dense = 0.0;
    for (int i = 0; i < n_segs; i++) {
        ENSURE(segs[i].h < 0.0);
        double t = segs[i].t0 + 0.5 * segs[i].h, y[1];
        bmd_ode_segment_eval(&segs[i], 1, t, y);
        err_dense = fmax(err_dense, fabs(y[0] - exp(-t)) / exp(-t));
    }
    CHECK_NEAR(err_dense, 0.0, 1e-9);

    /* Terminal, backwards. */
    bmd_ode_event evt = {g_two, 0, true};
    bmd_ode_run r2 = make_run(1, rhs_decay);
    r2.events = &evt;
    r2.n_events = 1;
    ENSURE(bmd_ode_dopri5(&r2, 0.0, y0, -2.0, &o) == BMD_OK);
    ENSURE(r2.terminal_event == 0);
    CHECK_NEAR(r2.t, -log(2.0), 1e-11);
    CHECK_NEAR(r2.y[0], 2.0, 1e-11);

    /* Kepler: one period forward, then back to 0, recovers the start. */
    double s0[4];
    kepler_exact(0.5, 0.0, s0);
    bmd_ode_run kf = make_run(4, rhs_kepler);
    bmd_ode_opts ko = tol_opts(1e-12, 1e-12);
    ENSURE(bmd_ode_dopri5(&kf, 0.0, s0, 2.0 * PI, &ko) == BMD_OK);
    bmd_ode_run kb = make_run(4, rhs_kepler);
    ENSURE(bmd_ode_dopri5(&kb, 2.0 * PI, kf.y, 0.0, &ko) == BMD_OK);
    CHECK_NEAR(kb.t, 0.0, 0.0);
    double err_kepler = max_err(4, kb.y, s0);
    CHECK_NEAR(err_kepler, 0.0, 1e-8);
    fprintf(stderr,
            "  backward (t_end < t0): y(-2) relative %.3g, event at -ln 2 %.3g s, dense output "
            "%.3g relative; Kepler forward + back %.3g\n",
            err_end, err_ev, err_dense, err_kepler);
}

/* ------------------------------------------------------------------------------------------ */
/* Failure paths.                                                                              */

static void test_failures(void)
{
    bmd_ode_opts o = tol_opts(1e-9, 1e-12);
    double y0[1] = {1.0};

    /* The right-hand side fails beyond t = 0.5: an error, and the last accepted state kept. */
    double t_fail = 0.5;
    bmd_ode_run run = make_run(1, rhs_fail_after);
    run.params = &t_fail;
    bmd_status st = bmd_ode_dopri5(&run, 0.0, y0, 2.0, &o);
    ENSURE(st != BMD_OK);
    ENSURE(run.t > 0.0 && run.t <= 0.5);
    CHECK_NEAR(run.y[0], exp(-run.t), 1e-8);
    /* ... and at its first evaluation. */
    t_fail = -1.0;
    bmd_ode_run r1 = make_run(1, rhs_fail_after);
    r1.params = &t_fail;
    ENSURE(bmd_ode_dopri5(&r1, 0.0, y0, 2.0, &o) != BMD_OK);
    t_fail = -1.0;
    double y1[1];
    ENSURE(bmd_ode_rk4(1, rhs_fail_after, &t_fail, 0.0, y0, 1.0, 10, y1) != BMD_OK);

    /* Non-finite initial state. */
    double ynan[2] = {1.0, NAN};
    bmd_ode_run r2 = make_run(2, rhs_osc);
    ENSURE(bmd_ode_dopri5(&r2, 0.0, ynan, 1.0, &o) == BMD_ERR_NONFINITE);
    double yinf[2] = {INFINITY, 0.0};
    ENSURE(bmd_ode_dopri5(&r2, 0.0, yinf, 1.0, &o) == BMD_ERR_NONFINITE);

    /* The step limit. */
    double s0[4];
    kepler_exact(0.5, 0.0, s0);
    bmd_ode_run r3 = make_run(4, rhs_kepler);
    bmd_ode_opts lim = tol_opts(1e-12, 1e-12);
    lim.max_steps = 10;
    ENSURE(bmd_ode_dopri5(&r3, 0.0, s0, 100.0, &lim) == BMD_ERR_STEP);
    ENSURE(r3.n_steps + r3.n_rejected == 10);
    ENSURE(r3.t > 0.0 && r3.t < 100.0);

    /* Bad arguments. */
    bmd_ode_run r4 = make_run(0, rhs_decay);
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &o) == BMD_ERR_ARG);
    double y9[BMD_ODE_MAXN + 1] = {0};
    r4.n = BMD_ODE_MAXN + 1;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y9, 1.0, &o) == BMD_ERR_ARG);
    r4.n = -1;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &o) == BMD_ERR_ARG);
    r4.n = 1;
    r4.f = NULL;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &o) == BMD_ERR_ARG);
    r4.f = rhs_decay;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, NAN, &o) == BMD_ERR_ARG);
    ENSURE(bmd_ode_dopri5(&r4, NAN, y0, 1.0, &o) == BMD_ERR_ARG);
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, INFINITY, &o) == BMD_ERR_ARG);
    bmd_ode_opts bad = o;
    bad.rtol = -1e-9;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &bad) == BMD_ERR_ARG);
    bad.rtol = NAN;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &bad) == BMD_ERR_ARG);
    bad = o;
    bad.atol = -1.0;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &bad) == BMD_ERR_ARG);
    bad.atol = 0.0;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &bad) == BMD_ERR_ARG);
    bad.atol = NAN;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &bad) == BMD_ERR_ARG);
    /* Per-component absolute tolerances must all be positive and finite. */
    double av_bad[2] = {1e-9, 0.0};
    bmd_ode_run r4b = make_run(2, rhs_osc);
    double y02[2] = {1.0, 0.0};
    bad = o;
    bad.atol_vec = av_bad;
    ENSURE(bmd_ode_dopri5(&r4b, 0.0, y02, 1.0, &bad) == BMD_ERR_ARG);
    av_bad[1] = NAN;
    ENSURE(bmd_ode_dopri5(&r4b, 0.0, y02, 1.0, &bad) == BMD_ERR_ARG);
    av_bad[1] = INFINITY;
    ENSURE(bmd_ode_dopri5(&r4b, 0.0, y02, 1.0, &bad) == BMD_ERR_ARG);
    r4.n_events = -1;
    ENSURE(bmd_ode_dopri5(&r4, 0.0, y0, 1.0, &o) == BMD_ERR_ARG);
    r4.n_events = 0;
    ENSURE(bmd_ode_rk4(0, rhs_decay, NULL, 0.0, y0, 1.0, 10, y1) == BMD_ERR_ARG);
    ENSURE(bmd_ode_rk4(BMD_ODE_MAXN + 1, rhs_decay, NULL, 0.0, y9, 1.0, 10, y9) == BMD_ERR_ARG);
    ENSURE(bmd_ode_rk4(1, rhs_decay, NULL, 0.0, y0, 1.0, 0, y1) == BMD_ERR_ARG);

    /* An empty interval is no error: the state is returned unchanged. */
    ENSURE(bmd_ode_dopri5(&r4, 3.0, y0, 3.0, &o) == BMD_OK);
    CHECK_NEAR(r4.t, 3.0, 0.0);
    CHECK_NEAR(r4.y[0], 1.0, 0.0);
    ENSURE(r4.n_steps == 0);

    /* The sink refusing a segment aborts with BMD_ERR_NOMEM. */
    bmd_ode_run r5 = make_run(1, rhs_decay);
    r5.sink = refuse_segment;
    ENSURE(bmd_ode_dopri5(&r5, 0.0, y0, 1.0, &o) == BMD_ERR_NOMEM);

    /* A solution that blows up (y = 1/(1 - t)) cannot pass t = 1. */
    bmd_ode_run r6 = make_run(1, rhs_blowup);
    bmd_status s6 = bmd_ode_dopri5(&r6, 0.0, y0, 2.0, &o);
    ENSURE(s6 != BMD_OK);
    ENSURE(r6.t < 1.0);
    /* A right-hand side that is NaN everywhere. */
    bmd_ode_run r7 = make_run(1, rhs_nan);
    bmd_status s7 = bmd_ode_dopri5(&r7, 0.0, y0, 2.0, &o);
    ENSURE(s7 != BMD_OK);
    fprintf(stderr,
            "  failures: RHS abort -> %s (stopped at t = %.3g); blow-up -> %s at t = %.15g; "
            "NaN RHS -> %s\n",
            bmd_status_str(st), run.t, bmd_status_str(s6), r6.t, bmd_status_str(s7));
}

/* run->n_fevals counts every evaluation of the right-hand side. */
static void test_feval_count(void)
{
    double s0[4];
    kepler_exact(0.5, 0.0, s0);
    /* Given first step. */
    bmd_ode_run run = make_run(4, rhs_kepler);
    bmd_ode_opts o = tol_opts(1e-10, 1e-10);
    o.h_init = 1e-3;
    fevals = 0;
    ENSURE(bmd_ode_dopri5(&run, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
    CHECK_NEAR((double)run.n_fevals, (double)fevals, 0.0);
    CHECK_NEAR((double)run.n_fevals, (double)(1 + 6 * (run.n_steps + run.n_rejected)), 0.0);
    /* Automatic first step. */
    bmd_ode_run r2 = make_run(4, rhs_kepler);
    o.h_init = 0.0;
    fevals = 0;
    ENSURE(bmd_ode_dopri5(&r2, 0.0, s0, 2.0 * PI, &o) == BMD_OK);
    if (r2.n_fevals != fevals)
        fprintf(stderr, "  REGRESSION: n_fevals %ld but the right-hand side ran %ld times "
                        "(the automatic first-step estimate's evaluation is not counted)\n",
                r2.n_fevals, fevals);
    CHECK_NEAR((double)r2.n_fevals, (double)fevals, 0.0);
    fprintf(stderr, "  n_fevals: given h_init %ld counted / %ld actual; automatic %ld / %ld\n",
            run.n_fevals, (long)(1 + 6 * (run.n_steps + run.n_rejected)), r2.n_fevals, fevals);
}

/* Intervals that are short but span many ulps of t are integrated, not refused.
 * Regression test (a bug this test found, now fixed): the step-size floor
 * |h| <= 1e-13 max(|t|, 1) is applied to the whole remaining interval, so any interval shorter
 * than that (about 450 ulps of t, and any interval under 1e-13 s near t = 0) is refused with
 * BMD_ERR_STEP and no step taken: e.g. t0 = 1e4, t_end = 1e4 + 1e-10 (55 ulps), or t0 = 0,
 * t_end = 1e-14. Hairer's DOPRI5 floor is 0.1 |h| <= uround |t| (never at t = 0). A flight that
 * restarts the integration at a located event just before a scheduled time would fail. */
static void test_short_interval(void)
{
    static const double t0s[] = {0.0, 1.0, 1e3, 1e4};
    static const double spans[] = {1e-14, 1e-12, 1e-10};
    int n_fail = 0;
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 3; j++) {
            double te = t0s[i] + spans[j];
            if ((te - t0s[i]) < 32.0 * 2.220446049250313e-16 * fabs(t0s[i]))
                continue; /* fewer than about 32 ulps apart: no claim */
            bmd_ode_run run = make_run(1, rhs_decay);
            bmd_ode_opts o = bmd_ode_default_opts();
            double y0[1] = {1.0};
            bmd_status st = bmd_ode_dopri5(&run, t0s[i], y0, te, &o);
            if (st != BMD_OK) {
                if (n_fail < 2)
                    fprintf(stderr,
                            "  REGRESSION: dopri5 from t0 = %.17g to t_end = %.17g (span %.3g s) "
                            "returns %s; expected BMD_OK with y = exp(-span)\n",
                            t0s[i], te, te - t0s[i], bmd_status_str(st));
                n_fail++;
                continue;
            }
            CHECK_NEAR(run.t, te, 0.0);
            CHECK_NEAR(run.y[0], exp(-(te - t0s[i])), 1e-15);
        }
    }
    fprintf(stderr, "  short intervals (1e-14 .. 1e-10 s at t0 = 0 .. 1e4 s): %d refused\n",
            n_fail);
    CHECK_NEAR((double)n_fail, 0.0, 0.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Cross-check.                                                                                */

static void test_rk4_vs_dopri5_vdp(void)
{
    double y0[2] = {2.0, 0.0};
    bmd_ode_run run = make_run(2, rhs_vdp);
    bmd_ode_opts o = tol_opts(1e-13, 1e-13);
    ENSURE(bmd_ode_dopri5(&run, 0.0, y0, 10.0, &o) == BMD_OK);
    double y4[2], y4b[2];
    ENSURE(bmd_ode_rk4(2, rhs_vdp, NULL, 0.0, y0, 10.0, 20000, y4) == BMD_OK);
    ENSURE(bmd_ode_rk4(2, rhs_vdp, NULL, 0.0, y0, 10.0, 40000, y4b) == BMD_OK);
    double d = max_err(2, run.y, y4);
    double d2 = max_err(2, run.y, y4b);
    fprintf(stderr,
            "  Van der Pol mu = 1 over 10 s: DOPRI5 (tol 1e-13) vs RK4 20000 steps %.3g, "
            "40000 steps %.3g; y(10) = (%.12f, %.12f)\n",
            d, d2, run.y[0], run.y[1]);
    CHECK_NEAR(d, 0.0, 1e-8);
    CHECK_NEAR(d2, 0.0, 1e-8);
    ENSURE(d2 < d);
}

int main(void)
{
    RUN(test_decay);
    RUN(test_oscillator);
    RUN(test_kepler);
    RUN(test_tolerance_proportionality);
    RUN(test_tolerance_options);
    RUN(test_rk4_order);
    RUN(test_dopri5_order);
    RUN(test_dense_output);
    RUN(test_event_decay);
    RUN(test_event_oscillator);
    RUN(test_events_same_step);
    RUN(test_backward);
    RUN(test_failures);
    RUN(test_feval_count);
    RUN(test_short_interval);
    RUN(test_rk4_vs_dopri5_vdp);
    return test_summary();
}
