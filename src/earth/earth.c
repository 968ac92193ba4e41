/* SPDX-License-Identifier: MIT */
/* earth.c: the Earth model. WGS-84 constants (NIMA TR8350.2), geodetic <-> ECEF (Heikkinen 1982),
 * Earth rotation between the inertial frame of integration and ECEF, point-mass + J2 gravity
 * (Vallado 4th ed. eq. 8-30), and geodesics through PROJ's implementation of Karney (2013). */
#include "bmd/earth.h"

#include <geodesic.h>
#include <math.h>
#include <threads.h>

#include "bmd/constants.h"

bmd_earth bmd_earth_make(bmd_earth_shape shape, bool rotation, bool j2)
{
    bmd_earth e;
    e.shape = shape;
    if (shape == BMD_EARTH_SPHERE) {
        e.a_m = BMD_SPHERE_R_M;
        e.f = 0.0;
    } else {
        e.a_m = BMD_WGS84_A_M;
        e.f = 1.0 / BMD_WGS84_INV_F;
    }
    e.b_m = e.a_m * (1.0 - e.f);
    e.e2 = e.f * (2.0 - e.f);
    e.ep2 = e.e2 / (1.0 - e.e2);
    e.mu_m3_s2 = BMD_WGS84_MU_M3_S2;
    e.j2 = j2 ? BMD_WGS84_J2 : 0.0;
    e.j2_radius_m = BMD_WGS84_A_M;
    e.omega_rad_s = rotation ? BMD_WGS84_OMEGA_RAD_S : 0.0;
    return e;
}

bmd_vec3 bmd_geodetic_to_ecef(const bmd_earth *e, double lat_rad, double lon_rad, double h_m)
{
    /* Prime-vertical radius of curvature N; TR8350.2 eq. 4-14/4-15. */
    double sl = sin(lat_rad);
    double cl = cos(lat_rad);
    double n = e->a_m / sqrt(1.0 - e->e2 * sl * sl);
    return bmd_v3((n + h_m) * cl * cos(lon_rad), (n + h_m) * cl * sin(lon_rad),
                  (n * (1.0 - e->e2) + h_m) * sl);
}

/* Heikkinen's closed-form solution (M. Heikkinen, "Geschlossene Formeln zur Berechnung raeumlicher
 * geodaetischer Koordinaten aus rechtwinkligen Koordinaten", Z. Vermess. 107, 1982, 207-211), as
 * written in J. Zhu, "Conversion of Earth-centered Earth-fixed coordinates to geodetic
 * coordinates", IEEE Trans. AES 30(3), 1994, eqs. (1)-(14). Returns the height; *zn gets
 * z + e'^2 z0, so that tan(lat) = zn / p and the surface normal is along (x, y, zn). */
static double heikkinen(const bmd_earth *e, bmd_vec3 r, double p2, double *zn)
{
    if (e->e2 == 0.0) {
        /* Sphere. */
        *zn = r.z;
        return sqrt(p2 + r.z * r.z) - e->a_m;
    }
    double p = sqrt(p2);
    double a = e->a_m;
    double b = e->b_m;
    double e2 = e->e2;
    double z2 = r.z * r.z;
    double f_ = 54.0 * b * b * z2;
    double g = p2 + (1.0 - e2) * z2 - e2 * (a * a - b * b);
    double c = e2 * e2 * f_ * p2 / (g * g * g);
    double s = cbrt(1.0 + c + sqrt(c * c + 2.0 * c));
    double k = s + 1.0 + 1.0 / s;
    double pp = f_ / (3.0 * k * k * g * g);
    double q = sqrt(1.0 + 2.0 * e2 * e2 * pp);
    /* On the polar axis the radicand is exactly zero and rounding can make it slightly
     * negative: clamp it. */
    double r0 = -(pp * e2 * p) / (1.0 + q) +
                sqrt(fmax(0.0, 0.5 * a * a * (1.0 + 1.0 / q) -
                                   pp * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * pp * p2));
    double t = p - e2 * r0;
    double u = sqrt(t * t + z2);
    double v = sqrt(t * t + (1.0 - e2) * z2);
    double z0 = b * b * r.z / (a * v);
    *zn = r.z + e->ep2 * z0;
    return u * (1.0 - b * b / (a * v));
}

void bmd_ecef_to_geodetic(const bmd_earth *e, bmd_vec3 r, double *lat_rad, double *lon_rad,
                          double *h_m)
{
    double p2 = r.x * r.x + r.y * r.y;
    double zn;
    double h = heikkinen(e, r, p2, &zn);
    if (lat_rad)
        *lat_rad = atan2(zn, sqrt(p2));
    if (lon_rad) {
        double lon = atan2(r.y, r.x);
        *lon_rad = lon <= -BMD_PI ? BMD_PI : lon; /* (-pi, pi]: y = -0.0 gives -pi */
    }
    if (h_m)
        *h_m = h;
}

double bmd_ecef_height(const bmd_earth *e, bmd_vec3 r_ecef)
{
    double zn;
    return heikkinen(e, r_ecef, r_ecef.x * r_ecef.x + r_ecef.y * r_ecef.y, &zn);
}

double bmd_ecef_height_normal(const bmd_earth *e, bmd_vec3 r_ecef, bmd_vec3 *normal)
{
    double zn;
    double h = heikkinen(e, r_ecef, r_ecef.x * r_ecef.x + r_ecef.y * r_ecef.y, &zn);
    /* The normal through the point is along (x, y, z + e'^2 z0): tan(lat) = (z + e'^2 z0) / p. */
    if (normal)
        *normal = bmd_v3_unit(bmd_v3(r_ecef.x, r_ecef.y, zn));
    return h;
}

void bmd_enu_basis(double lat_rad, double lon_rad, bmd_vec3 *east, bmd_vec3 *north, bmd_vec3 *up)
{
    double sl = sin(lat_rad);
    double cl = cos(lat_rad);
    double so = sin(lon_rad);
    double co = cos(lon_rad);
    if (east)
        *east = bmd_v3(-so, co, 0.0);
    if (north)
        *north = bmd_v3(-sl * co, -sl * so, cl);
    if (up)
        *up = bmd_v3(cl * co, cl * so, sl);
}

/* R3(theta) v: coordinates in a frame turned by +theta about z. */
static bmd_vec3 rot_z(double theta, bmd_vec3 v)
{
    double c = cos(theta);
    double s = sin(theta);
    return bmd_v3(c * v.x + s * v.y, -s * v.x + c * v.y, v.z);
}

bmd_vec3 bmd_eci_to_ecef(const bmd_earth *e, double t_s, bmd_vec3 r_eci)
{
    return rot_z(e->omega_rad_s * t_s, r_eci);
}

bmd_vec3 bmd_ecef_to_eci(const bmd_earth *e, double t_s, bmd_vec3 r_ecef)
{
    return rot_z(-e->omega_rad_s * t_s, r_ecef);
}

bmd_vec3 bmd_eci_to_ecef_velocity(const bmd_earth *e, double t_s, bmd_vec3 r_eci, bmd_vec3 v_eci)
{
    /* v_rel = v - omega x r, expressed in ECEF axes. */
    bmd_vec3 w_x_r = bmd_v3(-e->omega_rad_s * r_eci.y, e->omega_rad_s * r_eci.x, 0.0);
    return rot_z(e->omega_rad_s * t_s, bmd_v3_sub(v_eci, w_x_r));
}

bmd_vec3 bmd_ecef_to_eci_velocity(const bmd_earth *e, double t_s, bmd_vec3 r_ecef, bmd_vec3 v_ecef)
{
    bmd_vec3 w_x_r = bmd_v3(-e->omega_rad_s * r_ecef.y, e->omega_rad_s * r_ecef.x, 0.0);
    return rot_z(-e->omega_rad_s * t_s, bmd_v3_add(v_ecef, w_x_r));
}

bmd_vec3 bmd_gravity(const bmd_earth *e, bmd_vec3 r)
{
    double r2 = bmd_v3_dot(r, r);
    double rn = sqrt(r2);
    double mu_r3 = e->mu_m3_s2 / (r2 * rn);
    /* Vallado eq. 8-30: a_J2 = -3/2 J2 mu Re^2 / r^5 [x(1-5z^2/r^2), y(1-5z^2/r^2), z(3-5z^2/r^2)]. */
    double k = 1.5 * e->j2 * e->j2_radius_m * e->j2_radius_m / r2;
    double zr2 = r.z * r.z / r2;
    double fxy = 1.0 + k * (1.0 - 5.0 * zr2);
    double fz = 1.0 + k * (3.0 - 5.0 * zr2);
    return bmd_v3(-mu_r3 * fxy * r.x, -mu_r3 * fxy * r.y, -mu_r3 * fz * r.z);
}

/* PROJ's geodesic objects for the two shapes, initialised once (geod_init is not free). */
static struct geod_geodesic geod_wgs84;
static struct geod_geodesic geod_sphere;
static once_flag geod_once = ONCE_FLAG_INIT;

static void geod_init_all(void)
{
    geod_init(&geod_wgs84, BMD_WGS84_A_M, 1.0 / BMD_WGS84_INV_F);
    geod_init(&geod_sphere, BMD_SPHERE_R_M, 0.0);
}

static const struct geod_geodesic *geod_for(const bmd_earth *e)
{
    call_once(&geod_once, geod_init_all);
    return e->shape == BMD_EARTH_SPHERE ? &geod_sphere : &geod_wgs84;
}

static bool lat_ok(double lat) { return isfinite(lat) && fabs(lat) <= 0.5 * BMD_PI + 1e-12; }

bmd_status bmd_geodesic_inverse(const bmd_earth *e, double lat1_rad, double lon1_rad,
                                double lat2_rad, double lon2_rad, double *s_m, double *azi1_rad,
                                double *azi2_rad)
{
    if (!lat_ok(lat1_rad) || !lat_ok(lat2_rad) || !isfinite(lon1_rad) || !isfinite(lon2_rad))
        return BMD_ERR_ARG;
    double s = 0.0;
    double a1 = 0.0;
    double a2 = 0.0;
    geod_inverse(geod_for(e), lat1_rad / BMD_DEG, lon1_rad / BMD_DEG, lat2_rad / BMD_DEG,
                 lon2_rad / BMD_DEG, &s, &a1, &a2);
    if (s_m)
        *s_m = s;
    if (azi1_rad)
        *azi1_rad = a1 * BMD_DEG;
    if (azi2_rad)
        *azi2_rad = a2 * BMD_DEG;
    return BMD_OK;
}

bmd_status bmd_geodesic_direct(const bmd_earth *e, double lat1_rad, double lon1_rad,
                               double azi1_rad, double s_m, double *lat2_rad, double *lon2_rad)
{
    if (!lat_ok(lat1_rad) || !isfinite(lon1_rad) || !isfinite(azi1_rad) || !isfinite(s_m))
        return BMD_ERR_ARG;
    double lat2 = 0.0;
    double lon2 = 0.0;
    double azi2 = 0.0;
    geod_direct(geod_for(e), lat1_rad / BMD_DEG, lon1_rad / BMD_DEG, azi1_rad / BMD_DEG, s_m, &lat2,
                &lon2, &azi2);
    if (lat2_rad)
        *lat2_rad = lat2 * BMD_DEG;
    if (lon2_rad)
        *lon2_rad = lon2 * BMD_DEG;
    return BMD_OK;
}
