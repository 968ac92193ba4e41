/* SPDX-License-Identifier: MIT */
/* rng.c: counter-based random numbers with Random123's Philox4x32-10 (BSD licence, header-only,
 * Debian librandom123-dev). */
#include "bmd/rng.h"

#include <Random123/philox.h>
#include <math.h>

uint64_t bmd_rng_stream(uint32_t purpose, uint32_t i, uint32_t j)
{
    /* 16 bits of purpose, 24 of each index: distinct for every (purpose, i, j) in range. */
    return ((uint64_t)(purpose & 0xffffu) << 48) | ((uint64_t)(i & 0xffffffu) << 24) |
           (uint64_t)(j & 0xffffffu);
}

/* A 32-bit integer to a double in (0, 1): never 0 or 1, so logarithms are safe. */
static double u01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }

void bmd_rng_uniform4(bmd_rng r, uint64_t ctr, double u[4])
{
    philox4x32_ctr_t c = {{(uint32_t)ctr, (uint32_t)(ctr >> 32), (uint32_t)r.stream,
                           (uint32_t)(r.stream >> 32)}};
    philox4x32_key_t k = {{(uint32_t)r.seed, (uint32_t)(r.seed >> 32)}};
    philox4x32_ctr_t out = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        u[i] = u01(out.v[i]);
}

double bmd_rng_uniform(bmd_rng r, uint64_t ctr)
{
    double u[4];
    bmd_rng_uniform4(r, ctr, u);
    return u[0];
}

void bmd_rng_normal2(bmd_rng r, uint64_t ctr, double z[2])
{
    double u[4];
    bmd_rng_uniform4(r, ctr, u);
    /* Box-Muller (Box & Muller, Ann. Math. Stat. 29, 1958). */
    double rad = sqrt(-2.0 * log(u[0]));
    double ang = 2.0 * 3.14159265358979323846 * u[1];
    z[0] = rad * cos(ang);
    z[1] = rad * sin(ang);
}
