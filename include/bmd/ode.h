/// @file ode.h
/// Ordinary differential equation integrators: the adaptive embedded Runge-Kutta pair of Dormand
/// and Prince, 5(4), with its continuous extension of order 4 (dense output) and event location,
/// and the classical fixed-step fourth-order Runge-Kutta used as an independent cross-check.
#ifndef BMD_ODE_H
#define BMD_ODE_H

#include <stdbool.h>

#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Largest system size the integrators accept.
#define BMD_ODE_MAXN 8
/// Most event occurrences one integration records.
#define BMD_ODE_MAXHITS 16

/// Right-hand side dy/dt = f(t, y). Returns 0, or non-zero to abort the integration.
typedef int (*bmd_ode_fn)(double t, const double y[], double dydt[], void *params);
/// Event function: an event occurs where g(t, y) crosses zero.
typedef double (*bmd_event_fn)(double t, const double y[], void *params);

/// One event to locate.
typedef struct bmd_ode_event {
    bmd_event_fn g;  ///< the event function
    int direction;   ///< +1: only rising crossings, -1: only falling, 0: both
    bool terminal;   ///< stop the integration at the first occurrence
} bmd_ode_event;

/// One step's dense-output interpolant: y(t0 + theta h) =
/// c0 + theta (c1 + (1-theta) (c2 + theta (c3 + (1-theta) c4))) for theta in [0, 1].
typedef struct bmd_ode_segment {
    double t0; ///< start of the step (s)
    double h;  ///< step length (s); the segment is valid on [t0, t0 + h]
    double c[5][BMD_ODE_MAXN];
} bmd_ode_segment;

/// Called once for each accepted step with its interpolant. At a terminal event the last step's
/// whole interpolant is passed; it is valid only up to run->t. Returns 0, or non-zero (e.g. out
/// of memory) to abort the integration.
typedef int (*bmd_ode_sink)(const bmd_ode_segment *seg, int n, void *ctx);

/// Accuracy and limits. Error per step is measured per component against
/// atol + rtol max(|y_old|, |y_new|) in the root-mean-square norm (Hairer et al., II.4).
typedef struct bmd_ode_opts {
    double rtol;     ///< relative tolerance (0 allowed: pure absolute control)
    double atol;     ///< absolute tolerance (units of y)
    const double *atol_vec; ///< per-component absolute tolerances (n values), or NULL for atol
    double h_init;   ///< first step (s); 0: chosen automatically
    double h_max;    ///< largest step (s); 0: no limit but the interval
    double event_tol;///< time tolerance (s) of located events
    long max_steps;  ///< most steps (accepted + rejected)
} bmd_ode_opts;

/// Sensible defaults: rtol 1e-9, atol 1e-6, event_tol 1e-9 s, 100000 steps.
bmd_ode_opts bmd_ode_default_opts(void);

/// A recorded event occurrence.
typedef struct bmd_ode_hit {
    int event;                 ///< index into the events array
    double t;                  ///< time of the crossing (s)
    double y[BMD_ODE_MAXN];    ///< state at the crossing
} bmd_ode_hit;

/// The problem and the result of one integration.
typedef struct bmd_ode_run {
    /* Given. */
    int n;                        ///< system size, 1..BMD_ODE_MAXN
    bmd_ode_fn f;                 ///< right-hand side
    void *params;                 ///< passed to f and to the event functions
    const bmd_ode_event *events;  ///< events to locate (may be NULL)
    int n_events;                 ///< 0 to 8
    bmd_ode_sink sink;            ///< receives each step's interpolant (may be NULL)
    void *sink_ctx;
    /* Returned. */
    double t;                     ///< time reached (s): t_end, or the terminal event's time
    double y[BMD_ODE_MAXN];       ///< state at t
    double h_last;                ///< the step size proposed for a continuation (s)
    int terminal_event;           ///< index of the terminal event that stopped it, or -1
    int n_hits;                   ///< events recorded (at most BMD_ODE_MAXHITS, in time order)
    bmd_ode_hit hits[BMD_ODE_MAXHITS];
    long n_steps;                 ///< accepted steps
    long n_rejected;              ///< rejected steps
    long n_fevals;                ///< right-hand-side evaluations
} bmd_ode_run;

/// Integrate from (t0, y0) to t_end with DOPRI5 (Dormand & Prince, J. Comp. Appl. Math. 6, 1980;
/// dense output of Shampine, Math. Comp. 46, 1986, as in Hairer, Norsett & Wanner, Solving ODE I,
/// 2nd ed., II.5 and II.6). t_end may be below t0 (backward integration).
/// Returns BMD_OK (run->t, run->y hold the end), BMD_ERR_STEP when the step size underflows or
/// max_steps is reached, BMD_ERR_NONFINITE when the state becomes NaN or infinite (or the step
/// underflows on non-finite trial states), BMD_ERR_ARG for bad arguments or when the right-hand
/// side returns non-zero; on error run->t, run->y hold the last accepted state.
bmd_status bmd_ode_dopri5(bmd_ode_run *run, double t0, const double y0[], double t_end,
                          const bmd_ode_opts *opts);

/// Evaluate a segment's interpolant at t (any t; accurate inside [t0, t0 + h]).
void bmd_ode_segment_eval(const bmd_ode_segment *seg, int n, double t, double y[]);

/// Classical fourth-order Runge-Kutta with a fixed number of equal steps from t0 to t1, for
/// cross-checks (Kutta 1901; Hairer et al. II.1 table 1.2). Returns BMD_OK or the abort.
bmd_status bmd_ode_rk4(int n, bmd_ode_fn f, void *params, double t0, const double y0[], double t1,
                       long n_steps, double y1[]);

#ifdef __cplusplus
}
#endif
#endif
