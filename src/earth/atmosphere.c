/* SPDX-License-Identifier: MIT */
/*
**  atmosphere.c -- U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), -5 km to 1000 km.
**
**  Below 86 km: the seven geopotential layers of the standard (linear molecular-scale
**  temperature in geopotential altitude, hydrostatic pressure), with the standard's M/M0
**  table between 80 and 86 km for the kinetic temperature and mean molar mass.
**
**  From 86 to 1000 km: the standard's own equations in geometric altitude, i.e. the four
**  temperature segments and the number densities of N2, O, O2, Ar, He and H obtained by
**  integrating the diffusion equations of the standard.  The integrals are evaluated once,
**  on first use, at nodes every 0.5 km (a private table guarded by call_once); a later call
**  integrates the same equations from the nearest node below its altitude.
**
**  A second private table (also built once) serves bmd_atmos_density_fast: piecewise cubic
**  Hermite polynomials of ln(density) and of the speed of sound, with exact one-sided
**  derivatives taken from the model, indexed directly from the altitude.
**
**  Integration of the number densities
**  ------------------------------------
**  Every number-density equation of the standard has the form
**
**      n_i(Z) = n_i(Z7) (T7/T(Z)) exp( -integral_{Z7}^{Z} f_i(Z') dZ' )          (eq. 36)
**
**  where f_i depends on Z and, through the molecular-diffusion coefficient D_i = a_i/n *
**  (T/273.15)^b_i, on the number densities of the species computed before it (N2 for O and
**  O2; N2 + O + O2 for Ar and He; all five for H).  Differentiating, y_i = ln n_i obeys
**
**      dy_i/dZ = -(1/T) dT/dZ - f_i(Z, n_N2, n_O, ...),
**
**  so the coupled set of integrals is the solution of a small system of ordinary differential
**  equations, which is integrated with the classical fourth-order Runge-Kutta method.  For
**  N2, whose integrand depends on Z only, that method is exactly the composite Simpson rule.
**  Every discontinuity of an integrand (91, 95, 97, 100, 110, 115, 120, 150 and 500 km) lies
**  on a node, and each integrand's branch is chosen from the node interval (not from the
**  evaluation point), so the quadrature never straddles a discontinuity.
**
**  Equation numbers
**  ----------------
**  Equation and table numbers refer to NOAA-S/T 76-1562, Part 1.  They were assigned without
**  the printed text at hand: eqs. (32), (36), (37) and (40) carry the same numbers in the
**  citations of an independent implementation; the others should be checked against the
**  printed standard before being quoted elsewhere.  The constants and the interpretation were validated
**  against the standard's Tables I and VIII (tests/test_atmosphere.c, docs/atmosphere.md).
*/

#include "bmd/atmosphere.h"

#include <math.h>
#include <stddef.h>

#ifdef __STDC_NO_THREADS__
#include <pthread.h>
typedef pthread_once_t atm_once_t;
#define ATM_ONCE_INIT PTHREAD_ONCE_INIT
#define atm_call_once(flag, fn) ((void)pthread_once((flag), (fn)))
#else
#include <threads.h>
typedef once_flag atm_once_t;
#define ATM_ONCE_INIT ONCE_FLAG_INIT
#define atm_call_once(flag, fn) call_once((flag), (fn))
#endif

/* ------------------------------------------------------------------------------------------ */
/* Constants of the standard (SI units; the standard's kmol-based values divided by 1000).     */
/* ------------------------------------------------------------------------------------------ */

static const double R0_M = 6356766.0;      /* effective Earth radius r0 (m) */
static const double R0_KM = 6356.766;      /* the same in km */
static const double G0 = 9.80665;          /* g0 (m/s^2), also g0' (m^2 s^-2 m'^-1) */
static const double RSTAR = 8.31432;       /* R* (J mol^-1 K^-1), the standard's value */
static const double M0 = 0.0289644;        /* sea-level mean molar mass (kg/mol) */
static const double KBOLTZ = 1.380622e-23; /* Boltzmann constant k (J/K) */
static const double NAVO = 6.022169e23;    /* Avogadro constant N_A (1/mol), = R* / k */
static const double GAMMA = 1.40;          /* ratio of specific heats */

static const double Z_BOTTOM_M = -5000.0;  /* lowest altitude of the standard (m) */
static const double Z86_M = 86000.0;       /* junction of the two models (m) */

/* Species of the upper model, in the order of computation. */
enum { SP_N2, SP_O, SP_O2, SP_AR, SP_HE, SP_H, NSP };

/* Molar masses (kg/mol). */
static const double MOLAR[NSP] = {0.0280134, 0.0159994, 0.0319988, 0.039948, 0.0040026, 0.00100797};

/* Number densities at Z7 = 86 km (m^-3). */
static const double N_86[SP_H] = {1.129794e20, 8.6e16, 3.030898e19, 1.351400e18, 7.5817e14};

/* Molecular diffusion D_i = a_i/n (T/273.15)^b_i (a_i in m^-1 s^-1) and thermal-diffusion
   factors alpha_i (Table 6 of the standard); index SP_N2 is unused. */
static const double DIFF_A[NSP] = {0.0, 6.986e20, 4.863e20, 4.487e20, 1.700e21, 3.305e21};
static const double DIFF_B[NSP] = {0.0, 0.750, 0.750, 0.870, 0.691, 0.500};
static const double ALPHA[NSP] = {0.0, 0.00, 0.00, 0.00, -0.40, -0.25};

/* Vertical flux (transport) terms of eq. (37) (Q, W in km^-3, U in km); O has a second
   term, with q, u, w, which applies below u = 97 km only. */
static const double FLUX_Q[NSP] = {0.0, -5.809644e-4, 1.366212e-4, 9.434079e-5, -2.457369e-4, 0.0};
static const double FLUX_U[NSP] = {0.0, 56.90311, 86.000, 86.000, 86.000, 0.0};
static const double FLUX_W[NSP] = {0.0, 2.706240e-5, 8.333333e-5, 8.333333e-5, 6.666667e-4, 0.0};
static const double FLUX_O_Q2 = -3.416248e-3; /* q (km^-3) */
static const double FLUX_O_U2 = 97.0;         /* u (km) */
static const double FLUX_O_W2 = 5.008765e-4;  /* w (km^-3) */

/* Hydrogen: escape flux phi (m^-2 s^-1) and number density at Z11 = 500 km (m^-3). */
static const double H_PHI = 7.2e11;
static const double H_N500 = 8.0e10;

/* Eddy-diffusion coefficient K7 below 95 km (m^2/s). */
static const double EDDY_K7 = 1.2e2;

/* Temperature above 86 km. */
static const double T7 = 186.8673;     /* 86 to 91 km (K) */
static const double ELL_TC = 263.1905; /* elliptical segment, 91 to 110 km: Tc (K) */
static const double ELL_A = -76.3232;  /*   A (K) */
static const double ELL_SA = -19.9429; /*   a (km) */
static const double T9 = 240.0;        /* 110 km (K) */
static const double LK9 = 12.0;        /* 110 to 120 km (K/km) */
static const double T10 = 360.0;       /* 120 km (K) */
static const double TINF = 1000.0;     /* exospheric temperature (K) */
static const double LAMBDA = 0.01875;  /* LK9/(TINF - T10) (1/km) */

/* ------------------------------------------------------------------------------------------ */
/* Lower atmosphere, -5 to 86 km.                                                              */
/* ------------------------------------------------------------------------------------------ */

#define NLAYER 7
static const double LAYER_H[NLAYER] = {0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0};
static const double LAYER_L[NLAYER] = {-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020};

/* M/M0 between 80 and 86 km geometric altitude, every 0.5 km (Table 8 of the standard). */
static const double MRATIO[13] = {1.000000, 0.999996, 0.999989, 0.999971, 0.999941,
                                  0.999909, 0.999870, 0.999829, 0.999786, 0.999741,
                                  0.999694, 0.999641, 0.999579};

/* Layer bases (molecular-scale temperature, pressure), computed once. */
static double layer_tm[NLAYER];
static double layer_p[NLAYER];
static atm_once_t lower_once = ATM_ONCE_INIT;

/*
**  - - - - - - - - - - - -
**   l o w e r _ b u i l d
**  - - - - - - - - - - - -
**
**  Molecular-scale temperature and pressure at the base of each of the seven layers.
**
**  Returned (file statics):
**     layer_tm   double[7]  TM,b (K)
**     layer_p    double[7]  P_b (Pa)
**
**  Notes:
**  1) TM,0 = 288.15 K and P0 = 101325 Pa; the other bases follow from eq. (23)
**     TM = TM,b + LM,b (H - Hb) and from the hydrostatic pressure equations (33a) (LM,b /= 0)
**     and (33b) (LM,b = 0), evaluated at the top of the layer below.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (23), (33a), (33b)
**     and Table 4.
*/
static void lower_build(void)
{
    layer_tm[0] = 288.15;
    layer_p[0] = 101325.0;
    for (int b = 0; b < NLAYER - 1; b++) {
        double dh = LAYER_H[b + 1] - LAYER_H[b];
        layer_tm[b + 1] = layer_tm[b] + LAYER_L[b] * dh;
        if (LAYER_L[b] != 0.0) {
            layer_p[b + 1] =
                layer_p[b] * pow(layer_tm[b] / layer_tm[b + 1], G0 * M0 / (RSTAR * LAYER_L[b]));
        } else {
            layer_p[b + 1] = layer_p[b] * exp(-G0 * M0 * dh / (RSTAR * layer_tm[b]));
        }
    }
}

/* The layer b whose base is the highest one at or below geopotential altitude h (m'). */
static int lower_layer(double h)
{
    int b = 0;
    while (b < NLAYER - 1 && h >= LAYER_H[b + 1]) {
        b++;
    }
    return b;
}

/*
**  - - - - - - - - - - - - -
**   l o w e r _ l a y e r _ t p
**  - - - - - - - - - - - - -
**
**  Molecular-scale temperature and pressure in one layer of the lower atmosphere.
**
**  Given:
**     h      double   geopotential altitude (m')
**     b      int      layer, 0..6 (the layer's formulas are used even if h lies outside it)
**
**  Returned:
**     tm     double*  molecular-scale temperature TM (K)
**     p      double*  pressure (Pa)
**
**  Notes:
**  1) lower_build must have run.
**  2) Used outside its layer only by the fast table, which needs the analytic continuation
**     of a layer to the far end of an interval that straddles -5 km or 86 km.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (23), (33a), (33b).
*/
static void lower_layer_tp(double h, int b, double *tm, double *p)
{
    *tm = layer_tm[b] + LAYER_L[b] * (h - LAYER_H[b]);
    if (LAYER_L[b] != 0.0) {
        *p = layer_p[b] * pow(layer_tm[b] / *tm, G0 * M0 / (RSTAR * LAYER_L[b]));
    } else {
        *p = layer_p[b] * exp(-G0 * M0 * (h - LAYER_H[b]) / (RSTAR * layer_tm[b]));
    }
}

/*
**  - - - - - - - - - - -
**   l o w e r _ e v a l
**  - - - - - - - - - - -
**
**  The standard below 86 km.
**
**  Given:
**     z      double      geometric altitude (m), -5000 <= z < 86000
**
**  Returned:
**     out    bmd_atmos*  temperature, pressure, density, speed of sound, mean molar mass
**
**  Notes:
**  1) Geopotential altitude H = r0 Z/(r0 + Z) (eq. 18).
**  2) Pressure, density (eq. 42: rho = P M0/(R* TM)) and speed of sound (eq. 50:
**     Cs = (gamma R* TM/M0)^1/2) depend on TM only.  The kinetic temperature is
**     T = TM (M/M0) (eq. 21) and the mean molar mass M = M0 (M/M0), where M/M0 is 1 below
**     80 km and is interpolated linearly in Z in Table 8 between 80 and 86 km, which makes
**     T = 186.8673 K at 86 km, the start of the upper model.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (18), (21), (23),
**     (33a), (33b), (42), (50) and Table 8.
*/
static void lower_eval(double z, bmd_atmos *out)
{
    atm_call_once(&lower_once, lower_build);
    double h = R0_M * z / (R0_M + z);
    double tm, p;
    lower_layer_tp(h, lower_layer(h), &tm, &p);

    double ratio = 1.0;
    if (z > 80000.0) {
        double u = (z - 80000.0) / 500.0;
        int i = (int)u;
        if (i > 11) {
            i = 11;
        }
        ratio = MRATIO[i] + (u - i) * (MRATIO[i + 1] - MRATIO[i]);
    }
    out->temperature_K = tm * ratio;
    out->pressure_Pa = p;
    out->density_kg_m3 = p * M0 / (RSTAR * tm);
    out->speed_of_sound_m_s = sqrt(GAMMA * RSTAR * tm / M0);
    out->mean_molar_mass_kg_mol = M0 * ratio;
}

/* ------------------------------------------------------------------------------------------ */
/* Upper atmosphere, 86 to 1000 km.  Altitudes in km; zr ("reference altitude") selects the    */
/* branch of every piecewise definition, so that the end points of an integration interval    */
/* are evaluated with the interval's own formulas.                                              */
/* ------------------------------------------------------------------------------------------ */

/*
**  - - - - - - - - - - -
**   u p p e r _ t e m p
**  - - - - - - - - - - -
**
**  Kinetic temperature and its gradient above 86 km.
**
**  Given:
**     z      double   geometric altitude (km)
**     zr     double   altitude (km) that selects the segment (normally z itself)
**
**  Returned:
**     dtdz   double*  dT/dZ (K/km)
**
**  Returned (function value):
**            double   T (K)
**
**  Notes:
**  1) Segments: 86-91 km isothermal T7 = 186.8673 K; 91-110 km elliptical
**     T = Tc + A [1 - ((Z - 91)/a)^2]^1/2 with Tc = 263.1905 K, A = -76.3232 K,
**     a = -19.9429 km; 110-120 km linear, 12 K/km from 240 K; 120-1000 km
**     T = Tinf - (Tinf - T10) exp(-lambda xi), xi = (Z - 120)(r0 + 120)/(r0 + Z),
**     Tinf = 1000 K, T10 = 360 K, lambda = 0.01875 /km.
**  2) T and dT/dZ are continuous at 91 and 120 km; at 110 km the elliptical segment ends at
**     239.99973 K and 11.99982 K/km (the standard's constants are rounded to 7 digits).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (25) to (32).
*/
static double upper_temp(double z, double zr, double *dtdz)
{
    if (zr < 91.0) {
        *dtdz = 0.0;
        return T7;
    }
    if (zr < 110.0) {
        double x = (z - 91.0) / ELL_SA;
        double s = sqrt(1.0 - x * x);
        *dtdz = -(ELL_A / ELL_SA) * x / s;
        return ELL_TC + ELL_A * s;
    }
    if (zr < 120.0) {
        *dtdz = LK9;
        return T9 + LK9 * (z - 110.0);
    }
    double r = (R0_KM + 120.0) / (R0_KM + z);
    double e = exp(-LAMBDA * (z - 120.0) * r);
    *dtdz = LAMBDA * (TINF - T10) * r * r * e;
    return TINF - (TINF - T10) * e;
}

/*
**  - - - - - -
**   e d d y
**  - - - - - -
**
**  Eddy-diffusion coefficient K (m^2/s).
**
**  Given:
**     z      double   geometric altitude (km)
**     zr     double   altitude (km) that selects the region
**
**  Returned (function value):
**            double   K (m^2/s)
**
**  Notes:
**  1) K = K7 = 120 m^2/s from 86 to 95 km; K7 exp[1 - 400/(400 - (Z - 95)^2)] from 95 to
**     115 km (continuous, with all derivatives zero, at 115 km); 0 from 115 to 1000 km.
**     Below 86 km the standard assumes complete mixing.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1 (eddy-diffusion coefficient
**     above 86 km).
*/
static double eddy(double z, double zr)
{
    if (zr < 95.0) {
        return EDDY_K7;
    }
    if (zr < 115.0) {
        double s2 = (z - 95.0) * (z - 95.0);
        return s2 >= 400.0 ? 0.0 : EDDY_K7 * exp(1.0 - 400.0 / (400.0 - s2));
    }
    return 0.0;
}

/*
**  - - - - - - - - - -
**   f l u x _ t e r m
**  - - - - - - - - - -
**
**  Vertical transport term v_i/(D_i + K) of O, O2, Ar or He (km^-1).
**
**  Given:
**     i      int      species, SP_O .. SP_HE
**     z      double   geometric altitude (km)
**     zr     double   altitude (km) that selects the branch
**
**  Returned (function value):
**            double   Q_i (Z - U_i)^2 exp[-W_i (Z - U_i)^3]
**                     + q_i (u_i - Z)^2 exp[-w_i (u_i - Z)^3]   (km^-1)
**
**  Notes:
**  1) The second term exists for O only and applies below u = 97 km only.
**  2) The standard neglects the term above 150 km (where it is below 1e-9 /km).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eq. (37) and Table 7.
*/
static double flux_term(int i, double z, double zr)
{
    if (zr >= 150.0) {
        return 0.0;
    }
    double s = z - FLUX_U[i];
    double v = FLUX_Q[i] * s * s * exp(-FLUX_W[i] * s * s * s);
    if (i == SP_O && zr < FLUX_O_U2) {
        double r = FLUX_O_U2 - z;
        v += FLUX_O_Q2 * r * r * exp(-FLUX_O_W2 * r * r * r);
    }
    return v;
}

/*
**  - - - - - - - - - - -
**   u p p e r _ r h s
**  - - - - - - - - - - -
**
**  Derivatives d(ln n_i)/dZ of the number densities above 86 km.
**
**  Given:
**     z      double        geometric altitude (km)
**     zr     double        altitude (km) that selects the branch of every piecewise term
**     nsp    int           5 (N2, O, O2, Ar, He) or 6 (with H, 150 km and above only)
**     y      double[nsp]   ln of the number densities (m^-3)
**
**  Returned:
**     dy     double[nsp]   d(ln n_i)/dZ (km^-1)
**
**  Notes:
**  1) N2: dy = -(1/T) dT/dZ - g M/(R* T) with M = M0 up to 100 km and M(N2) above
**     (eq. 35), g = g0 (r0/(r0 + Z))^2.
**  2) O, O2, Ar, He: dy = -(1/T) dT/dZ - f_i, where (eq. 36)
**        f_i = g/(R* T) (D_i M_i + K M)/(D_i + K) + alpha_i D_i/(D_i + K) (1/T) dT/dZ
**              + v_i/(D_i + K),
**     M as for N2, and D_i = a_i/n (T/273.15)^b_i with n = n(N2) for O and O2 and
**     n = n(N2) + n(O) + n(O2) for Ar and He.
**  3) H (150 to 1000 km, K = 0): from eqs. (38) to (40),
**        d n_H/dZ = -n_H [(1 + alpha_H)/T dT/dZ + g M_H/(R* T)] - phi/D_H,
**     with n = n(N2) + n(O) + n(O2) + n(Ar) + n(He) in D_H.  The flux term phi/D_H applies
**     between 150 and 500 km; above 500 km the standard takes H in diffusive equilibrium
**     (this reproduces its Table VIII to 2e-4, the flux term above 500 km would not).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (34) to (40) and
**     Tables 6 and 7.
*/
static void upper_rhs(double z, double zr, int nsp, const double *y, double *dy)
{
    double dtdz;
    double t = upper_temp(z, zr, &dtdz);
    double lt = dtdz / t;                          /* (1/T) dT/dZ, km^-1 */
    double rg = R0_KM / (R0_KM + z);
    double gr = 1000.0 * G0 * rg * rg / (RSTAR * t); /* g/(R* T), km^-1 (kg/mol)^-1 */
    double mbar = zr < 100.0 ? M0 : MOLAR[SP_N2];
    double k = eddy(z, zr);
    double lnt = log(t / 273.15);
    double n_n2 = exp(y[SP_N2]);
    double n_o = exp(y[SP_O]);
    double n_o2 = exp(y[SP_O2]);

    dy[SP_N2] = -lt - gr * mbar;
    for (int i = SP_O; i <= SP_HE; i++) {
        double nb = i <= SP_O2 ? n_n2 : n_n2 + n_o + n_o2;
        double d = DIFF_A[i] / nb * exp(DIFF_B[i] * lnt);
        double w = d / (d + k);
        dy[i] = -lt - gr * (w * MOLAR[i] + (1.0 - w) * mbar) - ALPHA[i] * w * lt -
                flux_term(i, z, zr);
    }
    if (nsp > SP_H) {
        double nb = n_n2 + n_o + n_o2 + exp(y[SP_AR]) + exp(y[SP_HE]);
        double d = DIFF_A[SP_H] / nb * exp(DIFF_B[SP_H] * lnt);
        double esc = zr < 500.0 ? 1000.0 * H_PHI / (d * exp(y[SP_H])) : 0.0;
        dy[SP_H] = -(1.0 + ALPHA[SP_H]) * lt - gr * MOLAR[SP_H] - esc;
    }
}

/*
**  - - - - - - - - - - - - -
**   u p p e r _ i n t e g r a t e
**  - - - - - - - - - - - - -
**
**  Integrates the number-density equations over one stretch of altitude.
**
**  Given:
**     z0     double        start altitude (km)
**     dz     double        length of the stretch (km), either sign
**     zr     double        altitude (km) that selects the branches (inside the stretch)
**     nsp    int           5 or 6 species (see upper_rhs)
**     nstep  int           number of equal Runge-Kutta steps
**
**  Given and returned:
**     y      double[nsp]   ln n_i at z0 on entry, at z0 + dz on return
**
**  Notes:
**  1) Classical fourth-order Runge-Kutta; for N2 (integrand independent of y) this is the
**     composite Simpson rule applied to the integral of eq. (35).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (35), (36), (39).
*/
static void upper_integrate(double z0, double dz, double zr, int nsp, int nstep, double *y)
{
    double h = dz / nstep;
    for (int s = 0; s < nstep; s++) {
        double z = z0 + s * h;
        double k1[NSP], k2[NSP], k3[NSP], k4[NSP], yt[NSP];
        int i;
        upper_rhs(z, zr, nsp, y, k1);
        for (i = 0; i < nsp; i++) {
            yt[i] = y[i] + 0.5 * h * k1[i];
        }
        upper_rhs(z + 0.5 * h, zr, nsp, yt, k2);
        for (i = 0; i < nsp; i++) {
            yt[i] = y[i] + 0.5 * h * k2[i];
        }
        upper_rhs(z + 0.5 * h, zr, nsp, yt, k3);
        for (i = 0; i < nsp; i++) {
            yt[i] = y[i] + h * k3[i];
        }
        upper_rhs(z + h, zr, nsp, yt, k4);
        for (i = 0; i < nsp; i++) {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
}

/* Node table of ln(number density): every 0.5 km from 86 to 1000 km. */
#define UP_NODE_DZ 0.5
#define UP_NNODE 1829                   /* (1000 - 86)/0.5 + 1 */
#define UP_NODE_150 128                 /* node of 150 km */
#define UP_NODE_500 828                 /* node of 500 km */
#define UP_BUILD_STEPS 32               /* Runge-Kutta steps per node interval (1/64 km) */
static const double UP_QUERY_STEP = 0.125; /* largest Runge-Kutta step from a node (km) */

static double up_lnn[UP_NNODE][NSP];
static atm_once_t upper_once = ATM_ONCE_INIT;

/*
**  - - - - - - - - - - - -
**   u p p e r _ b u i l d
**  - - - - - - - - - - - -
**
**  Builds the node table of ln(number density), 86 to 1000 km every 0.5 km.
**
**  Returned (file static):
**     up_lnn   double[1829][6]   ln n_i (m^-3); -HUGE_VAL for H below 150 km
**
**  Notes:
**  1) N2, O, O2, Ar and He are integrated upward from their values at 86 km, with 32
**     Runge-Kutta steps (1/64 km) per node interval: the relative error of the node values
**     is below 1e-10 (checked against 128 steps).
**  2) H is integrated from n(H) = 8.0e10 m^-3 at 500 km downward to 150 km (eq. 39, with
**     the flux term) and upward to 1000 km (diffusive equilibrium).  The five other species
**     are carried along so that D_H is available at every Runge-Kutta stage; only the H
**     values of this second pass are kept.
**  3) Runs once (call_once); about 1e5 evaluations of upper_rhs.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (35) to (40).
*/
static void upper_build(void)
{
    double y[NSP];
    int k, i;

    for (i = 0; i < SP_H; i++) {
        y[i] = log(N_86[i]);
        up_lnn[0][i] = y[i];
    }
    up_lnn[0][SP_H] = -HUGE_VAL;
    for (k = 0; k < UP_NNODE - 1; k++) {
        double z0 = 86.0 + UP_NODE_DZ * k;
        upper_integrate(z0, UP_NODE_DZ, z0 + 0.5 * UP_NODE_DZ, SP_H, UP_BUILD_STEPS, y);
        for (i = 0; i < SP_H; i++) {
            up_lnn[k + 1][i] = y[i];
        }
        up_lnn[k + 1][SP_H] = -HUGE_VAL;
    }

    up_lnn[UP_NODE_500][SP_H] = log(H_N500);
    for (k = UP_NODE_500; k > UP_NODE_150; k--) {
        double z0 = 86.0 + UP_NODE_DZ * k;
        for (i = 0; i < NSP; i++) {
            y[i] = up_lnn[k][i];
        }
        upper_integrate(z0, -UP_NODE_DZ, z0 - 0.5 * UP_NODE_DZ, NSP, UP_BUILD_STEPS, y);
        up_lnn[k - 1][SP_H] = y[SP_H];
    }
    for (k = UP_NODE_500; k < UP_NNODE - 1; k++) {
        double z0 = 86.0 + UP_NODE_DZ * k;
        for (i = 0; i < NSP; i++) {
            y[i] = up_lnn[k][i];
        }
        upper_integrate(z0, UP_NODE_DZ, z0 + 0.5 * UP_NODE_DZ, NSP, UP_BUILD_STEPS, y);
        up_lnn[k + 1][SP_H] = y[SP_H];
    }
}

/*
**  - - - - - - - - - - - - -
**   u p p e r _ d e n s i t i e s
**  - - - - - - - - - - - - -
**
**  ln(number density) of the six species at one altitude.
**
**  Given:
**     z      double       geometric altitude (km), 86 <= z <= 1000
**
**  Returned:
**     y      double[6]    ln n_i (m^-3); -HUGE_VAL for H below 150 km
**
**  Returned (function value):
**            int          number of species present: 5 below 150 km, else 6
**
**  Notes:
**  1) Integrates the equations from the nearest node at or below z with steps of at most
**     0.125 km (at most 4 steps); the relative error against a fine integration is below
**     3e-9 (worst near 110 km, where the elliptical temperature profile is steepest).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (35) to (40).
*/
static int upper_densities(double z, double *y)
{
    atm_call_once(&upper_once, upper_build);
    int k = (int)((z - 86.0) / UP_NODE_DZ);
    if (k < 0) {
        k = 0;
    }
    if (k > UP_NNODE - 1) {
        k = UP_NNODE - 1;
    }
    double z0 = 86.0 + UP_NODE_DZ * k;
    double dz = z - z0;
    int nsp = k >= UP_NODE_150 ? NSP : SP_H;
    for (int i = 0; i < NSP; i++) {
        y[i] = up_lnn[k][i];
    }
    if (dz > 0.0) {
        int nstep = (int)ceil(dz / UP_QUERY_STEP);
        upper_integrate(z0, dz, z0 + 0.5 * UP_NODE_DZ, nsp, nstep, y);
    }
    return nsp;
}

/*
**  - - - - - - - - - - -
**   u p p e r _ e v a l
**  - - - - - - - - - - -
**
**  The standard from 86 to 1000 km.
**
**  Given:
**     z      double      geometric altitude (m), 86000 <= z <= 1000000
**
**  Returned:
**     out    bmd_atmos*  temperature, pressure, density, speed of sound, mean molar mass
**
**  Notes:
**  1) P = n k T with n the sum of the six number densities (eq. 33c); rho = sum(n_i M_i)/N_A
**     (eq. 42); M = rho N_A/n.
**  2) Speed of sound: (gamma R* T/M)^1/2 with the local mean molar mass M.  The standard
**     tabulates the speed of sound only up to 86 km (eq. 50), where this expression equals
**     its (gamma R* TM/M0)^1/2; above 86 km it is an extension, not a value of the standard.
**  3) H is included from 150 km upward only, as in the standard's tables.
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (33c), (42), (50).
*/
static void upper_eval(double z, bmd_atmos *out)
{
    double zkm = z / 1000.0;
    double y[NSP];
    double ntot = 0.0, mass = 0.0, dtdz;
    int nsp = upper_densities(zkm, y);
    for (int i = 0; i < nsp; i++) {
        double n = exp(y[i]);
        ntot += n;
        mass += n * MOLAR[i];
    }
    double t = upper_temp(zkm, zkm, &dtdz);
    double m = mass / ntot;
    out->temperature_K = t;
    out->pressure_Pa = ntot * KBOLTZ * t;
    out->density_kg_m3 = mass / NAVO;
    out->speed_of_sound_m_s = sqrt(GAMMA * RSTAR * t / m);
    out->mean_molar_mass_kg_mol = m;
}

/*
**  - - - - - - - - - - - - - -
**   b m d _ a t m o s _ u s 7 6
**  - - - - - - - - - - - - - -
**
**  The U.S. Standard Atmosphere 1976 at one geometric altitude.
**
**  Given:
**     z_m    double      geometric altitude (m), -5000 <= z_m <= 1000000
**
**  Returned:
**     out    bmd_atmos*  temperature (K), pressure (Pa), density (kg/m^3), speed of sound
**                        (m/s), mean molar mass (kg/mol)
**
**  Returned (function value):
**            bmd_status  BMD_OK; BMD_ERR_RANGE if z_m is not finite or outside the range
**                        (then *out is zeroed); BMD_ERR_ARG if out is NULL
**
**  Notes:
**  1) Below 86 km: lower_eval; from 86 km: upper_eval.  At 86 km the two models agree to
**     1e-4 K in T and 1.1e-5 (relative) in P and rho.
**  2) Thread safe.  The first call builds private tables once (call_once); no call
**     allocates, prints or exits.
**  3) Cost: about 0.1 us below 86 km, a few us above (Runge-Kutta from the nearest node).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562 (NASA-TM-X-74335), Part 1.
*/
bmd_status bmd_atmos_us76(double z_m, bmd_atmos *out)
{
    if (out == NULL) {
        return BMD_ERR_ARG;
    }
    if (!isfinite(z_m) || z_m < Z_BOTTOM_M || z_m > BMD_ATMOS_TOP_M) {
        *out = (bmd_atmos){0};
        return BMD_ERR_RANGE;
    }
    if (z_m < Z86_M) {
        lower_eval(z_m, out);
    } else {
        upper_eval(z_m, out);
    }
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Fast density and speed of sound for the integrator's hot path.                             */
/* ------------------------------------------------------------------------------------------ */

/* Cells: below 86 km uniform in geopotential altitude H, so that every layer boundary (0, 11,
   20, 32, 47, 51, 71 km') is a node; from 86 km uniform in geometric altitude, so that 86,
   91, 97, 100, 110, 115, 120, 150 and 500 km are nodes.  Each cell holds the cubic Hermite
   polynomial, in t in [0, 1], of ln(rho) and of the speed of sound between its two nodes. */
#define FL_H 100.0     /* lower cell length (m') */
#define FL_X0 (-5100.0) /* first lower node (m'); H(-5 km) = -5003.9 m' */
#define FL_N 900       /* lower cells: -5100 to 84900 m', which contains H(86 km) = 84852.05 */
#define FU_H 100.0     /* upper cell length (m) */
#define FU_N 9140      /* upper cells: 86 to 1000 km */
#define F_N (FL_N + FU_N)

typedef struct fast_cell {
    double lr[4]; /* ln(rho): lr[0] + t (lr[1] + t (lr[2] + t lr[3])) */
    double cs[4]; /* speed of sound (m/s), same form */
} fast_cell;

static _Alignas(64) fast_cell fast_tab[F_N];
static atm_once_t fast_once = ATM_ONCE_INIT;

/* Cubic in t in [0, 1] with values v0, v1 and derivatives (per unit t) m0, m1 at the ends. */
static void hermite(double c[4], double v0, double v1, double m0, double m1)
{
    c[0] = v0;
    c[1] = m0;
    c[2] = 3.0 * (v1 - v0) - 2.0 * m0 - m1;
    c[3] = 2.0 * (v0 - v1) + m0 + m1;
}

/*
**  - - - - - - - - - - - - - -
**   f a s t _ n o d e _ l o w e r
**  - - - - - - - - - - - - - -
**
**  ln(rho), speed of sound and their derivatives with respect to H in one lower layer.
**
**  Given:
**     h      double   geopotential altitude (m')
**     b      int      layer whose formulas are used
**
**  Returned:
**     lr     double*  ln(rho), rho in kg/m^3
**     dlr    double*  d ln(rho)/dH (1/m') = -g0 M0/(R* TM) - LM,b/TM
**     cs     double*  speed of sound (m/s)
**     dcs    double*  dCs/dH (m/s per m') = Cs LM,b/(2 TM)
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (23), (33a), (33b),
**     (42), (50).
*/
static void fast_node_lower(double h, int b, double *lr, double *dlr, double *cs, double *dcs)
{
    double tm, p;
    lower_layer_tp(h, b, &tm, &p);
    *lr = log(p * M0 / (RSTAR * tm));
    *dlr = -G0 * M0 / (RSTAR * tm) - LAYER_L[b] / tm;
    *cs = sqrt(GAMMA * RSTAR * tm / M0);
    *dcs = *cs * LAYER_L[b] / (2.0 * tm);
}

/*
**  - - - - - - - - - - - - - -
**   f a s t _ n o d e _ u p p e r
**  - - - - - - - - - - - - - -
**
**  ln(rho), speed of sound and their derivatives with respect to Z above 86 km.
**
**  Given:
**     z      double   geometric altitude (km)
**     zr     double   altitude (km) that selects the branches (the cell's midpoint), so that
**                     the derivatives are the one-sided ones from inside the cell
**
**  Returned:
**     lr     double*  ln(rho), rho in kg/m^3
**     dlr    double*  d ln(rho)/dZ (1/m)
**     cs     double*  speed of sound (m/s)
**     dcs    double*  dCs/dZ (1/s)
**
**  Notes:
**  1) With y_i = ln n_i and y_i' from upper_rhs:
**     d ln rho/dZ = sum(M_i n_i y_i')/sum(M_i n_i);
**     d ln Cs/dZ = [(1/T) dT/dZ - d ln M/dZ]/2, d ln M/dZ = d ln rho/dZ - sum(n_i y_i')/n.
**  2) H counts only if zr >= 150 km, so a cell ending at 150 km uses the 150 km value
**     without H (the step that H makes there is 3e-7 of rho).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1, eqs. (35) to (42), (50).
*/
static void fast_node_upper(double z, double zr, double *lr, double *dlr, double *cs,
                            double *dcs)
{
    double y[NSP], dy[NSP], dtdz;
    int nsp = upper_densities(z, y);
    if (zr < 150.0) {
        nsp = SP_H;
    }
    upper_rhs(z, zr, nsp, y, dy);
    double t = upper_temp(z, zr, &dtdz);
    double ntot = 0.0, mass = 0.0, sn = 0.0, sm = 0.0;
    for (int i = 0; i < nsp; i++) {
        double n = exp(y[i]);
        ntot += n;
        mass += n * MOLAR[i];
        sn += n * dy[i];
        sm += n * MOLAR[i] * dy[i];
    }
    double dlrho = sm / mass; /* per km */
    double dlm = dlrho - sn / ntot;
    *lr = log(mass / NAVO);
    *dlr = dlrho / 1000.0;
    *cs = sqrt(GAMMA * RSTAR * t / (mass / ntot));
    *dcs = *cs * 0.5 * (dtdz / t - dlm) / 1000.0;
}

/*
**  - - - - - - - - - - -
**   f a s t _ b u i l d
**  - - - - - - - - - - -
**
**  Builds the table of bmd_atmos_density_fast.
**
**  Returned (file static):
**     fast_tab   fast_cell[10040]   cubic Hermite polynomials of ln(rho) and Cs
**
**  Notes:
**  1) Node values and exact one-sided derivatives come from the model itself (the same
**     functions as bmd_atmos_us76), so the only kinks of ln(rho) and Cs (layer boundaries,
**     the M switch at 100 km) sit on nodes and cost no accuracy.  Only the analytic
**     continuation of a layer is used beyond -5 km (first cell) and beyond 86 km (last
**     lower cell), so that those cells are still single polynomials.
**  2) Interpolation error against bmd_atmos_us76: 2.5e-8 (relative) at worst for rho and
**     1.2e-8 for Cs (near 110 km, where the elliptical temperature profile is steepest);
**     every cell satisfies the Fritsch-Carlson condition, so both interpolants are monotone
**     and ln(rho) is C1 from -5 to 1000 km except at 86 km (where the two models meet).
**  3) Runs once (call_once); about 9e3 evaluations of the upper model (some 20 ms).
*/
static void fast_build(void)
{
    atm_call_once(&lower_once, lower_build);
    for (int i = 0; i < FL_N; i++) {
        double x0 = FL_X0 + i * FL_H;
        double x1 = x0 + FL_H;
        int b = lower_layer(0.5 * (x0 + x1));
        double v0, d0, c0, e0, v1, d1, c1, e1;
        fast_node_lower(x0, b, &v0, &d0, &c0, &e0);
        fast_node_lower(x1, b, &v1, &d1, &c1, &e1);
        hermite(fast_tab[i].lr, v0, v1, d0 * FL_H, d1 * FL_H);
        hermite(fast_tab[i].cs, c0, c1, e0 * FL_H, e1 * FL_H);
    }
    for (int j = 0; j < FU_N; j++) {
        double z0 = (Z86_M + j * FU_H) / 1000.0;
        double z1 = (Z86_M + (j + 1) * FU_H) / 1000.0;
        double zr = 0.5 * (z0 + z1);
        double v0, d0, c0, e0, v1, d1, c1, e1;
        fast_node_upper(z0, zr, &v0, &d0, &c0, &e0);
        fast_node_upper(z1, zr, &v1, &d1, &c1, &e1);
        hermite(fast_tab[FL_N + j].lr, v0, v1, d0 * FU_H, d1 * FU_H);
        hermite(fast_tab[FL_N + j].cs, c0, c1, e0 * FU_H, e1 * FU_H);
    }
}

/*
**  - - - - - - - - - - - - - - - - - - - - -
**   b m d _ a t m o s _ d e n s i t y _ f a s t
**  - - - - - - - - - - - - - - - - - - - - -
**
**  Density (and speed of sound) of the 1976 standard for the trajectory integrator.
**
**  Given:
**     z_m        double    geometric altitude (m), any value
**
**  Returned:
**     sound_m_s  double*   speed of sound (m/s); may be NULL
**
**  Returned (function value):
**                double    density (kg/m^3)
**
**  Notes:
**  1) Above 1000 km the density is 0 and the speed of sound its 1000 km value; below -5 km
**     both are clamped to their -5 km values; NaN gives NaN (both).
**  2) Direct index from the altitude (no search), one cubic per quantity and one exp.
**     Relative error against bmd_atmos_us76 at most 2.5e-8 from -5 to 1000 km (the test
**     requires 1e-4 over a dense sweep).  About 8 to 12 ns per call on a 2020s x86-64 core.
**  3) Thread safe; the first call builds the table (call_once).
**
**  Reference:
**     U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Part 1.
*/
double bmd_atmos_density_fast(double z_m, double *sound_m_s)
{
    atm_call_once(&fast_once, fast_build);
    if (isnan(z_m)) {
        if (sound_m_s != NULL) {
            *sound_m_s = z_m;
        }
        return z_m;
    }
    double z = z_m < Z_BOTTOM_M ? Z_BOTTOM_M : (z_m > BMD_ATMOS_TOP_M ? BMD_ATMOS_TOP_M : z_m);
    double h = R0_M * z / (R0_M + z);
    double u = z < Z86_M ? (h - FL_X0) * (1.0 / FL_H) : FL_N + (z - Z86_M) * (1.0 / FU_H);
    int i = (int)u;
    i = i < F_N - 1 ? i : F_N - 1;
    double t = u - i;
    const fast_cell *c = &fast_tab[i];
    if (sound_m_s != NULL) {
        *sound_m_s = c->cs[0] + t * (c->cs[1] + t * (c->cs[2] + t * c->cs[3]));
    }
    double rho = exp(c->lr[0] + t * (c->lr[1] + t * (c->lr[2] + t * c->lr[3])));
    return z_m > BMD_ATMOS_TOP_M ? 0.0 : rho;
}
