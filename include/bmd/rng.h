/// @file rng.h
/// Counter-based random numbers: every draw is a pure function of (seed, stream, counter), so a
/// result does not depend on the order, thread or process that computes it. Philox4x32-10 of
/// Random123 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
/// Streams name a purpose (a sensor's detections, a measurement's noise, a Monte Carlo case...);
/// build them with bmd_rng_stream so different purposes never share numbers.
#ifndef BMD_RNG_H
#define BMD_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A key for a stream: seed and a 64-bit stream id.
typedef struct bmd_rng {
    uint64_t seed;
    uint64_t stream;
} bmd_rng;

/// A stream id from a purpose tag and up to two indices (e.g. sensor, target).
uint64_t bmd_rng_stream(uint32_t purpose, uint32_t i, uint32_t j);

/// Four independent uniform numbers in (0, 1) for counter value ctr.
void bmd_rng_uniform4(bmd_rng r, uint64_t ctr, double u[4]);
/// One uniform number in (0, 1): the first of bmd_rng_uniform4.
double bmd_rng_uniform(bmd_rng r, uint64_t ctr);
/// Two independent standard normal numbers for counter value ctr (Box-Muller on two uniforms).
void bmd_rng_normal2(bmd_rng r, uint64_t ctr, double z[2]);

/// Purposes (stable numbers: changing one changes every seeded result).
enum {
    BMD_RNG_DETECT = 1,    ///< detection draws of a sensor's dwells
    BMD_RNG_MEASURE = 2,   ///< measurement noise
    BMD_RNG_EARLY_WARN = 3,///< early-warning report errors
    BMD_RNG_CASE = 4       ///< Monte Carlo case parameters
};

#ifdef __cplusplus
}
#endif
#endif
