/* SPDX-License-Identifier: MIT */
/*
**  test_atmosphere.c -- tests of the U.S. Standard Atmosphere 1976 (src/earth/atmosphere.c).
**
**  Every reference value below is a value printed in the standard, NOAA-S/T 76-1562
**  (Table I: temperature, pressure, density, speed of sound and mean molecular weight;
**  Table VIII: number densities), never an output of this code.  Where the task brief
**  quoted a value that disagrees with the standard, the standard's value is used and the
**  line says so.
*/

#include "bmd/atmosphere.h"
#include "test.h"

#include <stddef.h>

#ifndef __STDC_NO_THREADS__
#include <threads.h>
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Geometric altitude (m) of geopotential altitude h (m'). */
static double geometric_of(double h)
{
    return 6356766.0 * h / (6356766.0 - h);
}

/* ------------------------------------------------------------------------------------------ */

#ifndef __STDC_NO_THREADS__
enum { NTHREAD = 4 };
static double thread_rho[NTHREAD];
static double thread_fast[NTHREAD];

static int first_use_worker(void *arg)
{
    int k = *(const int *)arg;
    bmd_atmos a;
    bmd_atmos_us76(456789.0, &a);
    thread_rho[k] = a.density_kg_m3;
    thread_fast[k] = bmd_atmos_density_fast(456789.0, NULL);
    return 0;
}
#endif

/* First use from several threads at once (runs first, before any table exists): every
   thread must see the same, fully built tables. */
static void test_first_use_threads(void)
{
#ifndef __STDC_NO_THREADS__
    thrd_t th[NTHREAD];
    int id[NTHREAD];
    int started[NTHREAD];
    for (int k = 0; k < NTHREAD; k++) {
        id[k] = k;
        started[k] = thrd_create(&th[k], first_use_worker, &id[k]) == thrd_success;
    }
    for (int k = 0; k < NTHREAD; k++) {
        if (started[k]) {
            thrd_join(th[k], NULL);
        }
    }
    bmd_atmos a;
    ENSURE(bmd_atmos_us76(456789.0, &a) == BMD_OK);
    for (int k = 0; k < NTHREAD; k++) {
        if (started[k]) {
            ENSURE(thread_rho[k] == a.density_kg_m3);
            ENSURE(thread_fast[k] == bmd_atmos_density_fast(456789.0, NULL));
        }
    }
#endif
}

/* ------------------------------------------------------------------------------------------ */

typedef struct ref_row {
    double z_m;   /* geometric altitude (m) */
    double t_K;   /* kinetic temperature (K) */
    double p_Pa;  /* pressure (Pa) */
    double rho;   /* density (kg/m^3) */
} ref_row;

/* Table I at the layer bases (the 10 rows of the brief, 86 to 500 km included below). */
static const ref_row LAYER_ROWS[] = {
    {0.0, 288.150, 101325.0, 1.2250},
    {11019.0, 216.650, 22632.1, 0.36392},
    {20063.0, 216.650, 5474.89, 0.088035},
    {32162.0, 228.650, 868.019, 0.013225},
    {47350.0, 270.650, 110.906, 1.4275e-3},
    {51413.0, 270.650, 66.9389, 8.6160e-4},
    {71802.0, 214.650, 3.95642, 6.4211e-5},
};

/* Further rows of Table I below 86 km, at geometric altitudes. */
static const ref_row LOWER_ROWS[] = {
    {-5000.0, 320.676, 1.7776e5, 1.9311},
    {5000.0, 255.676, 5.4048e4, 7.3643e-1},
    {15000.0, 216.650, 1.2111e4, 1.9476e-1},
    {25000.0, 221.552, 2.5492e3, 4.0084e-2},
    {40000.0, 250.350, 2.8714e2, 3.9957e-3},
    {50000.0, 270.650, 7.9779e1, 1.0269e-3},
    {60000.0, 247.021, 2.1958e1, 3.0968e-4},
    {75000.0, 208.399, 2.3881, 3.9921e-5},
};

/* Rows of the geopotential-altitude part of Table I (z_m holds H in m'). */
static const ref_row GEOPOTENTIAL_ROWS[] = {
    {200.0, 286.850, 98945.0, 1.2017},
    {1450.0, 278.725, 85076.0, 1.0633},
    {5250.0, 254.025, 52239.0, 0.71641},
    {6500.0, 245.900, 44034.0, 0.62384},
    {9800.0, 224.450, 27255.0, 0.42304},
    {17900.0, 216.650, 7624.1, 0.12259},
    {24800.0, 221.450, 2589.6, 0.040739},
    {27100.0, 223.750, 1819.4, 0.028328},
    {37200.0, 243.210, 408.70, 0.0058542},
    {40000.0, 251.050, 277.52, 0.0038510},
    {49400.0, 270.650, 81.919, 0.0010544},
    {61500.0, 241.250, 16.456, 0.00023764},
    {79500.0, 197.650, 0.96649, 0.000017035},
};

/* Table I above 86 km. */
static const ref_row UPPER_ROWS[] = {
    {86000.0, 186.87, 0.37338, 6.958e-6},
    {100000.0, 195.08, 3.2011e-2, 5.604e-7},
    {115000.0, 300.00, 4.0096e-3, 4.289e-8},
    {120000.0, 360.00, 2.5382e-3, 2.222e-8},
    {150000.0, 634.39, 4.5422e-4, 2.076e-9},
    {200000.0, 854.56, 8.4736e-5, 2.541e-10},
    {300000.0, 976.01, 8.7704e-6, 1.916e-11},
    {400000.0, 995.83, 1.4518e-6, 2.803e-12},
    {500000.0, 999.24, 3.0236e-7, 5.215e-13},
    /* The brief quoted 8.1880e-8 Pa and 2.137e-13 kg/m^3 at 600 km: the standard gives
       8.2130e-8 Pa (Table I) and, with its M = 11.51 and T = 999.85 K, 1.137e-13. */
    {600000.0, 999.85, 8.2130e-8, 1.137e-13},
    {750000.0, 999.99, 2.2599e-8, 1.788e-14},
    {1000000.0, 1000.00, 7.5138e-9, 3.561e-15},
};

static void check_row(const ref_row *r, double z, double tol_t, double rtol_p, double rtol_rho)
{
    bmd_atmos a;
    ENSURE(bmd_atmos_us76(z, &a) == BMD_OK);
    if (tol_t > 0.0) {
        CHECK_NEAR(a.temperature_K, r->t_K, tol_t);
    }
    CHECK_REL(a.pressure_Pa, r->p_Pa, rtol_p);
    CHECK_REL(a.density_kg_m3, r->rho, rtol_rho);
}

/* The brief's rows below 86 km: T within 0.01 K, P and rho within 1e-4 (the brief asks 1e-3). */
static void test_layer_bases(void)
{
    for (size_t i = 0; i < NELEM(LAYER_ROWS); i++) {
        check_row(&LAYER_ROWS[i], LAYER_ROWS[i].z_m, 0.01, 1e-4, 1e-4);
    }
}

static void test_table_lower(void)
{
    for (size_t i = 0; i < NELEM(LOWER_ROWS); i++) {
        check_row(&LOWER_ROWS[i], LOWER_ROWS[i].z_m, 0.01, 1e-4, 1e-4);
    }
    for (size_t i = 0; i < NELEM(GEOPOTENTIAL_ROWS); i++) {
        const ref_row *r = &GEOPOTENTIAL_ROWS[i];
        check_row(r, geometric_of(r->z_m), 0.01, 1e-4, 1e-4);
    }
    /* 85 km (Z) and 84 km' (H): inside the M/M0 blend; P and rho do not depend on it. */
    ref_row r85 = {85000.0, 0.0, 4.4568e-1, 8.2196e-6};
    check_row(&r85, 85000.0, 0.0, 1e-4, 1e-4);
    ref_row r84 = {84000.0, 0.0, 0.43598, 0.0000080510};
    check_row(&r84, geometric_of(84000.0), 0.0, 1e-4, 1e-4);
}

/* Above 86 km: T within 0.01 K (the brief asks 0.5 K), P and rho within 1e-3 (brief: 1e-2). */
static void test_table_upper(void)
{
    for (size_t i = 0; i < NELEM(UPPER_ROWS); i++) {
        check_row(&UPPER_ROWS[i], UPPER_ROWS[i].z_m, 0.01, 1e-3, 1e-3);
    }
    /* 86.5 km and 985 km (Table I), without temperature. */
    ref_row r865 = {86500.0, 0.0, 3.4163e-1, 6.366e-6};
    check_row(&r865, 86500.0, 0.0, 1e-3, 1e-3);
    ref_row r985 = {985000.0, 0.0, 7.9185e-9, 3.797e-15};
    check_row(&r985, 985000.0, 0.0, 1e-3, 1e-3);
    /* 800 km: the brief's density 1.138e-14 disagrees (by 0.24 %) with the standard's own
       P = 1.7036e-8 Pa and M = 5.54 kg/kmol at T = 999.99 K, which give 1.134e-14 to
       1.136e-14; it is kept, with a looser tolerance. */
    ref_row r800 = {800000.0, 999.99, 1.7036e-8, 1.138e-14};
    check_row(&r800, 800000.0, 0.01, 1e-3, 5e-3);
}

/* Table I, pressure and mean molecular weight from 86 to 1000 km. */
static void test_pressure_molar_mass_profile(void)
{
    static const double z_km[] = {
        86,  87,  88,  89,  90,  91,  93,  95,  97,  99,  101, 103, 105, 107, 109,
        110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 125, 130, 135, 140,
        145, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250, 260, 270, 280,
        290, 300, 310, 320, 330, 340, 350, 360, 370, 380, 390, 400, 410, 420, 430,
        440, 450, 460, 470, 480, 490, 500, 525, 550, 575, 600, 625, 650, 675, 700,
        725, 750, 775, 800, 825, 850, 875, 900, 925, 950, 975, 1000};
    static const double p_Pa[] = {
        3.7338e-1, 3.1259e-1, 2.6173e-1, 2.1919e-1, 1.8359e-1, 1.5381e-1, 1.0801e-1,
        7.5966e-2, 5.3571e-2, 3.7948e-2, 2.7192e-2, 1.9742e-2, 1.4477e-2, 1.0751e-2,
        8.1142e-3, 7.1042e-3, 6.2614e-3, 5.5547e-3, 4.9570e-3, 4.4473e-3, 4.0096e-3,
        3.6312e-3, 3.3022e-3, 3.0144e-3, 2.7615e-3, 2.5382e-3, 1.7354e-3, 1.2505e-3,
        9.3568e-4, 7.2028e-4, 5.6691e-4, 4.5422e-4, 3.0395e-4, 2.1210e-4, 1.5271e-4,
        1.1266e-4, 8.4736e-5, 6.4756e-5, 5.0149e-5, 3.9276e-5, 3.1059e-5, 2.4767e-5,
        1.9894e-5, 1.6083e-5, 1.3076e-5, 1.0683e-5, 8.7704e-6, 7.2285e-6, 5.9796e-6,
        4.9630e-6, 4.1320e-6, 3.4498e-6, 2.8878e-6, 2.4234e-6, 2.0384e-6, 1.7184e-6,
        1.4518e-6, 1.2291e-6, 1.0427e-6, 8.8645e-7, 7.5517e-7, 6.4468e-7, 5.5155e-7,
        4.7292e-7, 4.0642e-7, 3.5011e-7, 3.0236e-7, 2.1200e-7, 1.5137e-7, 1.1028e-7,
        8.2130e-8, 6.2601e-8, 4.8865e-8, 3.9048e-8, 3.1908e-8, 2.6611e-8, 2.2599e-8,
        1.9493e-8, 1.7036e-8, 1.5051e-8, 1.3415e-8, 1.2043e-8, 1.0873e-8, 9.8635e-9,
        8.9816e-9, 8.2043e-9, 7.5138e-9};
    static const double m_kg_kmol[] = {
        28.95, 28.95, 28.94, 28.93, 28.91, 28.89, 28.82, 28.73, 28.62, 28.48, 28.30, 28.10,
        27.88, 27.64, 27.39, 27.27, 27.14, 27.02, 26.90, 26.79, 26.68, 26.58, 26.48, 26.38,
        26.29, 26.20, 25.80, 25.44, 25.09, 24.75, 24.42, 24.10, 23.49, 22.90, 22.34, 21.81,
        21.30, 20.83, 20.37, 19.95, 19.56, 19.19, 18.85, 18.53, 18.24, 17.97, 17.73, 17.50,
        17.29, 17.09, 16.91, 16.74, 16.57, 16.42, 16.27, 16.13, 15.98, 15.84, 15.70, 15.55,
        15.40, 15.25, 15.08, 14.91, 14.73, 14.54, 14.33, 13.76, 13.09, 12.34, 11.51, 10.62,
        9.72,  8.83,  8.00,  7.24,  6.58,  6.01,  5.54,  5.16,  4.85,  4.60,  4.40,  4.25,
        4.12,  4.02,  3.94};
    ENSURE(NELEM(z_km) == NELEM(p_Pa) && NELEM(z_km) == NELEM(m_kg_kmol));
    for (size_t i = 0; i < NELEM(z_km); i++) {
        bmd_atmos a;
        ENSURE(bmd_atmos_us76(z_km[i] * 1000.0, &a) == BMD_OK);
        CHECK_REL(a.pressure_Pa, p_Pa[i], 1e-3);
        CHECK_NEAR(a.mean_molar_mass_kg_mol * 1000.0, m_kg_kmol[i], 0.01);
    }
}

/* Table VIII, number densities (m^-3) of N2, O, O2, Ar, He and H.  The interface exposes no
   per-species density, so the species are checked in aggregate: the total n = P/(k T) and
   the mean molar mass sum(n_i M_i)/n that they imply.
   O at 300 km is 5.433e14: the transcription available (5.443e14) makes the total 1.5e-3
   larger than P/(k T) from the standard's own Table I (8.7704e-6 Pa at 976.01 K), whereas
   5.433e14 agrees with it to 1e-5; every other column agrees with Table I to 1e-3. */
static void test_number_densities(void)
{
    static const double z_km[] = {86,  90,  95,  100, 110, 120, 150, 200,
                                  300, 400, 500, 600, 700, 800, 900, 1000};
    static const double n_tab[6][16] = {
        /* N2 */
        {1.130e20, 5.547e19, 2.268e19, 9.210e18, 1.641e18, 3.726e17, 3.124e16, 2.925e15,
         9.593e13, 4.669e12, 2.592e11, 1.575e10, 1.038e9, 7.377e7, 5.641e6, 4.626e5},
        /* O */
        {8.600e16, 2.443e17, 4.365e17, 4.298e17, 2.303e17, 9.275e16, 1.780e16, 4.050e15,
         5.433e14, 9.584e13, 1.836e13, 3.707e12, 7.840e11, 1.732e11, 3.989e10, 9.562e9},
        /* O2 */
        {3.031e19, 1.479e19, 5.830e18, 2.151e18, 2.621e17, 4.395e16, 2.750e15, 1.918e14,
         3.942e12, 1.252e11, 4.607e9, 1.880e8, 8.410e6, 4.105e5, 2.177e4, 1.251e3},
        /* Ar */
        {1.351e18, 6.574e17, 2.583e17, 9.501e16, 1.046e16, 1.366e15, 5.000e13, 1.938e12,
         1.568e10, 2.124e8, 3.445e6, 6.351e4, 1.313e3, 3.027e1, 7.741e-1, 2.188e-2},
        /* He */
        {7.582e14, 3.976e14, 1.973e14, 1.133e14, 5.821e13, 3.888e13, 2.106e13, 1.310e13,
         7.566e12, 4.868e12, 3.215e12, 2.154e12, 1.461e12, 1.001e12, 6.933e11, 4.850e11},
        /* H */
        {0, 0, 0, 0, 0, 0, 3.767e11, 1.630e11, 1.049e11, 8.960e10, 8.000e10, 7.231e10,
         6.556e10, 5.961e10, 5.434e10, 4.967e10}};
    static const double molar[6] = {28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797};
    const double k_boltz = 1.380622e-23;
    for (size_t j = 0; j < NELEM(z_km); j++) {
        double n = 0.0, nm = 0.0;
        for (int s = 0; s < 6; s++) {
            n += n_tab[s][j];
            nm += n_tab[s][j] * molar[s];
        }
        bmd_atmos a;
        ENSURE(bmd_atmos_us76(z_km[j] * 1000.0, &a) == BMD_OK);
        CHECK_REL(a.pressure_Pa / (k_boltz * a.temperature_K), n, 1e-3);
        CHECK_REL(a.mean_molar_mass_kg_mol * 1000.0, nm / n, 5e-4);
    }
}

/* Speed of sound (Table I): 340.294 m/s at sea level, 295.069 m/s at H = 11 km'
   (Z = 11.019 km), and further rows. */
static void test_speed_of_sound(void)
{
    static const double rows[][2] = {
        {0.0, 340.294}, {-5000.0, 358.99}, {5000.0, 320.55}, {25000.0, 298.39},
        {40000.0, 317.19}, {50000.0, 329.80}, {60000.0, 315.07}, {75000.0, 289.40},
        {85000.0, 275.52}, {86000.0, 274.10}};
    bmd_atmos a;
    ENSURE(bmd_atmos_us76(0.0, &a) == BMD_OK);
    CHECK_NEAR(a.speed_of_sound_m_s, 340.294, 0.001);
    ENSURE(bmd_atmos_us76(geometric_of(11000.0), &a) == BMD_OK);
    CHECK_NEAR(a.speed_of_sound_m_s, 295.069, 0.001);
    for (size_t i = 0; i < NELEM(rows); i++) {
        ENSURE(bmd_atmos_us76(rows[i][0], &a) == BMD_OK);
        CHECK_NEAR(a.speed_of_sound_m_s, rows[i][1], 0.006);
    }
    /* Above 86 km: (gamma R* T/M) with the local M, an extension of the standard. */
    ENSURE(bmd_atmos_us76(300000.0, &a) == BMD_OK);
    CHECK_REL(a.speed_of_sound_m_s,
              sqrt(1.4 * 8.31432 * a.temperature_K / a.mean_molar_mass_kg_mol), 1e-12);
}

/* Mean molar mass: M0 below 80 km, Table 8 (M/M0) at 80 to 86 km; T = 186.8673 K at 86 km. */
static void test_molar_mass_blend(void)
{
    bmd_atmos a;
    ENSURE(bmd_atmos_us76(79999.0, &a) == BMD_OK);
    CHECK_NEAR(a.mean_molar_mass_kg_mol, 0.0289644, 1e-12);
    ENSURE(bmd_atmos_us76(83000.0, &a) == BMD_OK);
    CHECK_REL(a.mean_molar_mass_kg_mol, 0.0289644 * 0.999870, 1e-9);
    ENSURE(bmd_atmos_us76(85999.999, &a) == BMD_OK);
    CHECK_NEAR(a.temperature_K, 186.8673, 1e-3);
    ENSURE(bmd_atmos_us76(86000.0, &a) == BMD_OK);
    CHECK_NEAR(a.temperature_K, 186.8673, 1e-9);
}

/* Continuity across every boundary: layer bases below 86 km, the junction at 86 km, and the
   segment and region boundaries above it. */
static void test_continuity(void)
{
    static const double h_base[] = {11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0};
    static const double z_up[] = {80000.0, 91000.0, 95000.0, 97000.0, 100000.0, 110000.0,
                                  115000.0, 120000.0, 500000.0};
    const double eps = 1e-6; /* m */
    bmd_atmos lo, hi;
    for (size_t i = 0; i < NELEM(h_base); i++) {
        double z = geometric_of(h_base[i]);
        ENSURE(bmd_atmos_us76(z - eps, &lo) == BMD_OK);
        ENSURE(bmd_atmos_us76(z + eps, &hi) == BMD_OK);
        CHECK_NEAR(hi.temperature_K, lo.temperature_K, 1e-6);
        CHECK_REL(hi.pressure_Pa, lo.pressure_Pa, 1e-9);
        CHECK_REL(hi.density_kg_m3, lo.density_kg_m3, 1e-9);
        CHECK_REL(hi.speed_of_sound_m_s, lo.speed_of_sound_m_s, 1e-9);
    }
    for (size_t i = 0; i < NELEM(z_up); i++) {
        ENSURE(bmd_atmos_us76(z_up[i] - eps, &lo) == BMD_OK);
        ENSURE(bmd_atmos_us76(z_up[i] + eps, &hi) == BMD_OK);
        /* 1e-3 K and 2e-6 in P: the elliptical segment's constants give 239.99973 K at
           110 km, the linear one 240 K (the number densities are continuous). */
        CHECK_NEAR(hi.temperature_K, lo.temperature_K, 1e-3);
        CHECK_REL(hi.pressure_Pa, lo.pressure_Pa, 2e-6);
        CHECK_REL(hi.density_kg_m3, lo.density_kg_m3, 1e-8);
        CHECK_REL(hi.mean_molar_mass_kg_mol, lo.mean_molar_mass_kg_mol, 1e-8);
    }
    /* 86 km: the two models meet (1e-4 K, 1.1e-5 in P and rho). */
    ENSURE(bmd_atmos_us76(86000.0 - eps, &lo) == BMD_OK);
    ENSURE(bmd_atmos_us76(86000.0, &hi) == BMD_OK);
    CHECK_NEAR(hi.temperature_K, lo.temperature_K, 1e-3);
    CHECK_REL(hi.pressure_Pa, lo.pressure_Pa, 1e-4);
    CHECK_REL(hi.density_kg_m3, lo.density_kg_m3, 1e-4);
    CHECK_REL(hi.speed_of_sound_m_s, lo.speed_of_sound_m_s, 1e-4);
    /* 150 km: H enters (n_H/n = 7e-6 there). */
    ENSURE(bmd_atmos_us76(150000.0 - eps, &lo) == BMD_OK);
    ENSURE(bmd_atmos_us76(150000.0 + eps, &hi) == BMD_OK);
    CHECK_REL(hi.pressure_Pa, lo.pressure_Pa, 1e-5);
    CHECK_REL(hi.density_kg_m3, lo.density_kg_m3, 1e-6);
}

/* Density decreases with altitude, everywhere from -5 to 1000 km. */
static void test_monotone(void)
{
    bmd_atmos a;
    double prev = 1e300, prev_fast = 1e300;
    int bad = 0, bad_fast = 0;
    for (double z = -5000.0; z <= 1000000.0; z += 50.0) {
        ENSURE(bmd_atmos_us76(z, &a) == BMD_OK);
        bad += !(a.density_kg_m3 < prev);
        prev = a.density_kg_m3;
    }
    for (double z = -5000.0; z <= 1000000.0; z += 3.0) {
        double r = bmd_atmos_density_fast(z, NULL);
        bad_fast += !(r < prev_fast);
        prev_fast = r;
    }
    ENSURE(bad == 0);
    ENSURE(bad_fast == 0);
}

/* The fast path against the full model over a dense sweep (odd step: every phase of the
   table cells is visited), and its behaviour outside the range. */
static void test_fast_path(void)
{
    double worst_rho = 0.0, worst_cs = 0.0;
    bmd_atmos a;
    for (double z = -5000.0; z <= 1000000.0; z += 7.31) {
        double cs;
        double rho = bmd_atmos_density_fast(z, &cs);
        ENSURE(bmd_atmos_us76(z, &a) == BMD_OK);
        double er = fabs(rho / a.density_kg_m3 - 1.0);
        double ec = fabs(cs / a.speed_of_sound_m_s - 1.0);
        worst_rho = er > worst_rho ? er : worst_rho;
        worst_cs = ec > worst_cs ? ec : worst_cs;
    }
    CHECK_NEAR(worst_rho, 0.0, 1e-4);
    CHECK_NEAR(worst_cs, 0.0, 1e-4);

    static const double z_exact[] = {-5000.0, 0.0, 11019.0, 85999.0, 86000.0, 100000.0,
                                     150000.0, 500000.0, 1000000.0};
    for (size_t i = 0; i < NELEM(z_exact); i++) {
        double cs;
        double rho = bmd_atmos_density_fast(z_exact[i], &cs);
        ENSURE(bmd_atmos_us76(z_exact[i], &a) == BMD_OK);
        CHECK_REL(rho, a.density_kg_m3, 1e-4);
        CHECK_REL(cs, a.speed_of_sound_m_s, 1e-4);
    }

    double cs_top, cs;
    double rho_top = bmd_atmos_density_fast(1000000.0, &cs_top);
    ENSURE(rho_top > 0.0);
    ENSURE(bmd_atmos_density_fast(1000000.5, &cs) == 0.0);
    CHECK_NEAR(cs, cs_top, 0.0);
    ENSURE(bmd_atmos_density_fast(4.0e7, NULL) == 0.0);
    ENSURE(bmd_atmos_density_fast(HUGE_VAL, NULL) == 0.0);

    double cs_bot;
    double rho_bot = bmd_atmos_density_fast(-5000.0, &cs_bot);
    CHECK_NEAR(bmd_atmos_density_fast(-6000.0, &cs), rho_bot, 0.0);
    CHECK_NEAR(cs, cs_bot, 0.0);
    CHECK_NEAR(bmd_atmos_density_fast(-HUGE_VAL, NULL), rho_bot, 0.0);

    ENSURE(isnan(bmd_atmos_density_fast(nan(""), &cs)));
    ENSURE(isnan(cs));
}

/* Out of range and non-finite altitudes: BMD_ERR_RANGE and a zeroed result. */
static void test_errors(void)
{
    const double bad[] = {nan(""), HUGE_VAL, -HUGE_VAL, 1001000.0, 1000000.001, -6000.0,
                          -5000.001};
    for (size_t i = 0; i < NELEM(bad); i++) {
        bmd_atmos a = {123.0, 123.0, 123.0, 123.0, 123.0};
        ENSURE(bmd_atmos_us76(bad[i], &a) == BMD_ERR_RANGE);
        ENSURE(a.temperature_K == 0.0 && a.pressure_Pa == 0.0 && a.density_kg_m3 == 0.0 &&
               a.speed_of_sound_m_s == 0.0 && a.mean_molar_mass_kg_mol == 0.0);
    }
    bmd_atmos a;
    ENSURE(bmd_atmos_us76(-5000.0, &a) == BMD_OK);
    ENSURE(bmd_atmos_us76(1000000.0, &a) == BMD_OK);
    ENSURE(bmd_atmos_us76(0.0, NULL) == BMD_ERR_ARG);
}

int main(void)
{
    RUN(test_first_use_threads);
    RUN(test_layer_bases);
    RUN(test_table_lower);
    RUN(test_table_upper);
    RUN(test_pressure_molar_mass_profile);
    RUN(test_number_densities);
    RUN(test_speed_of_sound);
    RUN(test_molar_mass_blend);
    RUN(test_continuity);
    RUN(test_monotone);
    RUN(test_fast_path);
    RUN(test_errors);
    return test_summary();
}
