/// @file vec.h
/// Small 3-vector math passed by value. Frames are named by the caller (r_eci, v_ecef, ...).
#ifndef BMD_VEC_H
#define BMD_VEC_H

#include <math.h>

typedef struct bmd_vec3 {
    double x, y, z;
} bmd_vec3;

static inline bmd_vec3 bmd_v3(double x, double y, double z)
{
    bmd_vec3 v = {x, y, z};
    return v;
}
static inline bmd_vec3 bmd_v3_add(bmd_vec3 a, bmd_vec3 b) { return bmd_v3(a.x + b.x, a.y + b.y, a.z + b.z); }
static inline bmd_vec3 bmd_v3_sub(bmd_vec3 a, bmd_vec3 b) { return bmd_v3(a.x - b.x, a.y - b.y, a.z - b.z); }
static inline bmd_vec3 bmd_v3_scale(bmd_vec3 a, double s) { return bmd_v3(a.x * s, a.y * s, a.z * s); }
static inline double bmd_v3_dot(bmd_vec3 a, bmd_vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline double bmd_v3_norm(bmd_vec3 a) { return sqrt(bmd_v3_dot(a, a)); }
static inline bmd_vec3 bmd_v3_cross(bmd_vec3 a, bmd_vec3 b)
{
    return bmd_v3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
/// a + s b
static inline bmd_vec3 bmd_v3_axpy(bmd_vec3 a, double s, bmd_vec3 b)
{
    return bmd_v3(a.x + s * b.x, a.y + s * b.y, a.z + s * b.z);
}
/// Unit vector along a; the zero vector stays zero.
static inline bmd_vec3 bmd_v3_unit(bmd_vec3 a)
{
    double n = bmd_v3_norm(a);
    return n > 0.0 ? bmd_v3_scale(a, 1.0 / n) : a;
}

#endif
