/* SPDX-License-Identifier: MIT */
/* radar.c: radar physics. Threat signatures (RCS by phase and aspect); radar parameter checks;
 * the look geometry (slant range, azimuth and elevation in the site's geodetic ENU frame) and line
 * of sight over the effective Earth of standard refraction (radius k R with R the ellipsoid's
 * radius of curvature at the site along the look, Euler's formula; Doerry, "Earth curvature and
 * atmospheric refraction effects on radar signal propagation", Sandia report SAND2012-10690,
 * January 2013; Skolnik, Introduction to Radar Systems, 3rd ed., 2001, ch. 8); the radar range
 * equation scaled from a reference detection range (Skolnik 3rd ed. ch. 2); the probability of
 * detection of a Swerling 1 target (exact) and of a steady target (North's approximation of
 * Marcum's Q function: D. O. North, Proc. IEEE 51(7), 1963, reprint of RCA report PTR-6C, 1943;
 * J. I. Marcum, IRE Trans. IT-6, 1960; P. Swerling, IRE Trans. IT-6, 1960); and
 * thermal-noise-limited measurement noise (Skolnik 3rd ed. ch. 6). docs/sensors.md gives the
 * equations. No allocation, no I/O. */
#include <math.h>
#include <stdio.h>

#include "bmd/constants.h"
#include "bmd/sensor.h"

#define TWO_PI (2.0 * BMD_PI)

/* ------------------------------------------------------------------------------------------ */
/* Signatures                                                                                  */

double bmd_signature_rcs(const bmd_signature *s, bool boosting, double aspect_rad)
{
    if (boosting)
        return s->booster_rcs_m2;
    const bmd_rcs_table *t = &s->rv_table;
    int n = t->n > BMD_MAX_RCS_TABLE ? BMD_MAX_RCS_TABLE : t->n;
    if (n <= 0)
        return s->rv_rcs_m2;
    if (isnan(aspect_rad))
        return aspect_rad;
    if (n == 1 || aspect_rad <= t->aspect_rad[0])
        return t->rcs_m2[0];
    if (aspect_rad >= t->aspect_rad[n - 1])
        return t->rcs_m2[n - 1];
    int i = 0;
    while (i < n - 2 && aspect_rad >= t->aspect_rad[i + 1])
        i++;
    double w = (aspect_rad - t->aspect_rad[i]) / (t->aspect_rad[i + 1] - t->aspect_rad[i]);
    return t->rcs_m2[i] + w * (t->rcs_m2[i + 1] - t->rcs_m2[i]);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (why && why_size > 0)                                                                   \
            snprintf(why, (size_t)why_size, __VA_ARGS__);                                          \
        return BMD_ERR_ARG;                                                                        \
    } while (0)

static bool pos(double x) { return isfinite(x) && x > 0.0; }

bmd_status bmd_signature_check(const bmd_signature *s, char *why, int why_size)
{
    if (!pos(s->booster_rcs_m2))
        FAIL("booster_rcs_m2 %g m^2 must be positive and finite", s->booster_rcs_m2);
    if (!pos(s->rv_rcs_m2))
        FAIL("rv_rcs_m2 %g m^2 must be positive and finite", s->rv_rcs_m2);
    const bmd_rcs_table *t = &s->rv_table;
    if (t->n < 0 || t->n > BMD_MAX_RCS_TABLE)
        FAIL("rv_table: %d points; 0 to %d are supported", t->n, BMD_MAX_RCS_TABLE);
    for (int i = 0; i < t->n; i++) {
        double a = t->aspect_rad[i];
        if (!isfinite(a) || a < 0.0 || a > BMD_PI)
            FAIL("rv_table.aspect_rad[%d] %g rad must be within [0, pi]", i, a);
        if (i > 0 && !(a > t->aspect_rad[i - 1]))
            FAIL("rv_table.aspect_rad[%d] %g rad must be above the previous point's %g rad", i, a,
                 t->aspect_rad[i - 1]);
        if (!pos(t->rcs_m2[i]))
            FAIL("rv_table.rcs_m2[%d] %g m^2 must be positive and finite", i, t->rcs_m2[i]);
    }
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Radar parameters                                                                            */

/* The site's depth limit (sea floor: a ship's keel or a coastal site below the ellipsoid where
 * the geoid lies below it) and height limit (above any mountain site). */
#define SITE_H_MIN_M (-500.0)
#define SITE_H_MAX_M 1.0e4

bmd_status bmd_radar_check(const bmd_radar *r, char *why, int why_size)
{
    if (!isfinite(r->lat_rad) || fabs(r->lat_rad) > 0.5 * BMD_PI)
        FAIL("site latitude lat_rad %g rad must be finite and within [-pi/2, pi/2]", r->lat_rad);
    if (!isfinite(r->lon_rad))
        FAIL("site longitude lon_rad %g rad must be finite", r->lon_rad);
    if (!isfinite(r->h_m))
        FAIL("site height h_m %g m must be finite", r->h_m);
    if (r->h_m < SITE_H_MIN_M)
        FAIL("site height %g m is below the sea floor limit of %g m", r->h_m, SITE_H_MIN_M);
    if (r->h_m > SITE_H_MAX_M)
        FAIL("site height %g m is above the limit of %g m", r->h_m, SITE_H_MAX_M);
    if (!isfinite(r->boresight_az_rad))
        FAIL("boresight_az_rad %g rad must be finite", r->boresight_az_rad);
    if (!pos(r->az_half_width_rad))
        FAIL("az_half_width_rad %g rad must be positive and finite (pi or more: all round)",
             r->az_half_width_rad);
    if (!isfinite(r->el_min_rad) || r->el_min_rad < -0.5 * BMD_PI)
        FAIL("el_min_rad %g rad must be finite and at least -pi/2", r->el_min_rad);
    if (!isfinite(r->el_max_rad) || r->el_max_rad > 0.5 * BMD_PI)
        FAIL("el_max_rad %g rad must be finite and at most pi/2", r->el_max_rad);
    if (r->el_min_rad >= r->el_max_rad)
        FAIL("empty field of regard: el_min >= el_max (%g >= %g rad)", r->el_min_rad,
             r->el_max_rad);
    if (!pos(r->range_max_m))
        FAIL("range_max_m %g m must be positive and finite", r->range_max_m);
    if (!pos(r->r0_m))
        FAIL("reference detection range r0_m %g m must be positive and finite", r->r0_m);
    if (!pos(r->sigma0_m2))
        FAIL("reference RCS sigma0_m2 %g m^2 must be positive and finite", r->sigma0_m2);
    if (!isfinite(r->snr0_db) || fabs(r->snr0_db) > 100.0)
        FAIL("reference SNR snr0_db %g dB must be finite and within [-100, 100] dB", r->snr0_db);
    if (!(r->pfa > 0.0 && r->pfa < 0.5))
        FAIL("pfa must be in (0, 0.5): got %g", r->pfa);
    if (r->swerling != BMD_SWERLING_0 && r->swerling != BMD_SWERLING_1)
        FAIL("swerling case %d is not supported (0 or 1)", (int)r->swerling);
    if (!pos(r->search_revisit_s))
        FAIL("search_revisit_s %g s must be positive and finite", r->search_revisit_s);
    if (!pos(r->cued_revisit_s))
        FAIL("cued_revisit_s %g s must be positive and finite", r->cued_revisit_s);
    if (!pos(r->track_revisit_s))
        FAIL("track_revisit_s %g s must be positive and finite", r->track_revisit_s);
    if (!pos(r->sigma_range0_m))
        FAIL("range noise sigma_range0_m %g m must be positive and finite", r->sigma_range0_m);
    if (!pos(r->sigma_angle0_rad))
        FAIL("angle noise sigma_angle0_rad %g rad must be positive and finite",
             r->sigma_angle0_rad);
    if (!(r->k_refraction >= 1.0 && r->k_refraction <= 2.0))
        FAIL("k_refraction %g must be in [1, 2] (standard refraction: 4/3)", r->k_refraction);
    return BMD_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Geometry                                                                                    */

/* An angle wrapped into (-pi, pi]. */
static double wrap_pi(double a)
{
    a = fmod(a, TWO_PI);
    if (a > BMD_PI)
        a -= TWO_PI;
    else if (a <= -BMD_PI)
        a += TWO_PI;
    return a;
}

static void look_at(const bmd_radar *r, const bmd_radar_frame *fr, const bmd_earth *e, bmd_vec3 t,
                    bool exact, bmd_look *out)
{
    out->range_m = (double)NAN;
    out->az_rad = (double)NAN;
    out->el_rad = (double)NAN;
    out->el_eff_rad = (double)NAN;
    out->line_of_sight = false;
    out->in_field = false;
    out->in_range = false;
    out->visible = false;
    if (!isfinite(t.x) || !isfinite(t.y) || !isfinite(t.z))
        return;

    /* 1. Geometry in the site's geodetic east-north-up frame. */
    bmd_vec3 site = fr->site;
    bmd_vec3 east = fr->east;
    bmd_vec3 north = fr->north;
    bmd_vec3 up = fr->up;
    bmd_vec3 d = bmd_v3_sub(t, site);
    double de = bmd_v3_dot(d, east);
    double dn = bmd_v3_dot(d, north);
    double du = bmd_v3_dot(d, up);
    double horiz = hypot(de, dn);
    double az = atan2(de, dn);
    if (az < 0.0)
        az += TWO_PI;
    if (az >= TWO_PI) /* -tiny + 2 pi rounds to 2 pi */
        az = 0.0;
    out->range_m = bmd_v3_norm(d);
    out->az_rad = az;
    out->el_rad = atan2(du, horiz);

    /* 2. Radius of curvature of the ellipsoid at the site along the look (Euler's theorem):
     * 1/R = cos^2(az)/M + sin^2(az)/N, with the meridian radius M = a(1-e^2)/w^3 and the prime
     * vertical radius N = a/w, w = sqrt(1 - e^2 sin^2 lat). Straight up (no horizontal
     * direction) the choice does not matter: the central angle is zero. */
    double rn = fr->rn;
    double rm = fr->rm;
    double c2 = horiz > 0.0 ? (dn / horiz) * (dn / horiz) : 0.5;
    double r_loc = 1.0 / (c2 / rm + (1.0 - c2) / rn);
    double rp = r->k_refraction * r_loc; /* effective radius R' = k R */

    /* 3. The effective sphere: the radar at R' + hr and the target at R' + ht, the central angle
     * the ground arc (geodesic between the points under them) over R': the same arc length on the
     * bigger sphere. */
    double arc = 0.0;
    double ht;
    if (exact) {
        double lat_t;
        double lon_t;
        bmd_ecef_to_geodetic(e, t, &lat_t, &lon_t, &ht);
        if (bmd_geodesic_inverse(e, r->lat_rad, r->lon_rad, lat_t, lon_t, &arc, NULL, NULL) !=
            BMD_OK)
            return;
    } else {
        /* Fast: the angle between the two surface normals times the radius of curvature along
         * the look. Exact on a sphere; on WGS-84 within about 4e-4 of the geodesic arc (150 m
         * at 450 km north-east, 390 m at 1,500 km, measured): for scanning, never for edges. */
        bmd_vec3 n_t;
        ht = bmd_ecef_height_normal(e, t, &n_t);
        arc = r_loc * atan2(bmd_v3_norm(bmd_v3_cross(up, n_t)), bmd_v3_dot(up, n_t));
    }
    double theta = fmin(arc / rp, BMD_PI);
    double rr = rp + r->h_m;
    double rt = rp + ht;
    /* Target relative to the radar in the plane of the look: x along the radar's horizontal,
     * y up. */
    double x = rt * sin(theta);
    double y = rt * cos(theta) - rr;
    double el_eff = atan2(y, x);
    out->el_eff_rad = el_eff;

    /* 4. Line of sight. The obstruction is the sphere of radius rb = R' + hb, hb = 0 (the
     * ellipsoid), or the site's own level when it lies below the ellipsoid (it stands on ground
     * there: a ship where the geoid is below the ellipsoid). From a point at radius r >= rb the
     * horizon lies at the central angle alpha = acos(rb / r); the segment between two points
     * clears the sphere iff their central angle is at most alpha_radar + alpha_target (the
     * tangent rays from both ends; the closed form of the radio horizon,
     * d = R' (alpha_r + alpha_t) ~ sqrt(2 R' hr) + sqrt(2 R' ht)). alpha = atan2(sqrt(r^2 - rb^2),
     * rb) with r^2 - rb^2 = (h - hb)(r + rb): no cancellation near the surface. This is the same
     * condition as el_eff >= -acos(rb / rr) for targets beyond the tangent point, and always true
     * for el_eff >= 0. A target below the obstruction is not in sight; one less than a
     * millimetre below it counts as on it (heights of surface points round to +-1e-9 m). */
    double hb = fmin(r->h_m, 0.0);
    double rb = rp + hb;
    double dhr = r->h_m - hb;
    double dht = ht - hb;
    if (dht < 0.0 && dht >= -1e-3)
        dht = 0.0;
    bool los = false;
    if (dht >= 0.0) {
        double alpha_r = atan2(sqrt(dhr * (rr + rb)), rb);
        double alpha_t = atan2(sqrt(dht * (rt + rb)), rb);
        los = theta <= alpha_r + alpha_t;
    }
    out->line_of_sight = los;

    /* 5. Field of regard and range. */
    bool az_ok = r->az_half_width_rad >= BMD_PI ||
                 fabs(wrap_pi(az - r->boresight_az_rad)) <= r->az_half_width_rad;
    bool el_ok = el_eff >= r->el_min_rad && el_eff <= r->el_max_rad;
    out->in_field = los && az_ok && el_ok;
    out->in_range = out->range_m <= r->range_max_m;
    out->visible = out->in_field && out->in_range;
}

void bmd_radar_frame_make(const bmd_radar *r, const bmd_earth *e, bmd_radar_frame *f)
{
    f->site = bmd_geodetic_to_ecef(e, r->lat_rad, r->lon_rad, r->h_m);
    bmd_enu_basis(r->lat_rad, r->lon_rad, &f->east, &f->north, &f->up);
    double sl = sin(r->lat_rad);
    double w = sqrt(1.0 - e->e2 * sl * sl);
    f->rn = e->a_m / w;
    f->rm = e->a_m * (1.0 - e->e2) / (w * w * w);
}

void bmd_radar_look(const bmd_radar *r, const bmd_earth *e, bmd_vec3 t, bmd_look *out)
{
    bmd_radar_frame f;
    bmd_radar_frame_make(r, e, &f);
    look_at(r, &f, e, t, true, out);
}

void bmd_radar_look_fast(const bmd_radar *r, const bmd_radar_frame *f, const bmd_earth *e,
                         bmd_vec3 t, bmd_look *out)
{
    look_at(r, f, e, t, false, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Range equation, detection, noise                                                            */

static double snr0_linear(const bmd_radar *r) { return pow(10.0, 0.1 * r->snr0_db); }

double bmd_radar_snr(const bmd_radar *r, double range_m, double rcs_m2)
{
    double q = r->r0_m / range_m;
    double q2 = q * q;
    return snr0_linear(r) * q2 * q2 * (rcs_m2 / r->sigma0_m2);
}

double bmd_radar_detection_range(const bmd_radar *r, double rcs_m2)
{
    return r->r0_m * sqrt(sqrt(rcs_m2 / r->sigma0_m2));
}

double bmd_radar_pd(const bmd_radar *r, double snr)
{
    if (isnan(snr))
        return snr;
    if (snr < 0.0)
        snr = 0.0;
    if (r->swerling == BMD_SWERLING_1) {
        /* Square-law detection of an echo whose power is exponentially distributed (Rayleigh
         * amplitude) with mean SNR: the output is exponential with mean 1 + SNR (in noise power
         * units), the threshold -ln Pfa, so Pd = exp(ln Pfa / (1 + SNR)). */
        return exp(log(r->pfa) / (1.0 + snr));
    }
    /* Steady target: North's approximation of Q1(sqrt(2 SNR), sqrt(-2 ln Pfa)). */
    return 0.5 * erfc(sqrt(-log(r->pfa)) - sqrt(snr + 0.5));
}

void bmd_radar_noise(const bmd_radar *r, double snr, double *sigma_range_m, double *sigma_angle_rad)
{
    double f;
    if (isnan(snr))
        f = snr;
    else if (snr <= 0.0)
        f = (double)INFINITY;
    else
        f = fmax(sqrt(snr0_linear(r) / snr), 0.1);
    if (sigma_range_m)
        *sigma_range_m = r->sigma_range0_m * f;
    if (sigma_angle_rad)
        *sigma_angle_rad = r->sigma_angle0_rad * f;
}
