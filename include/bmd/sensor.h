/// @file sensor.h
/// Sensors: ground and ship radars (geometry, line of sight over the ellipsoid with standard 4/3
/// Earth refraction, field of regard, detection from the radar range equation scaled from a
/// reference, Swerling fluctuation, measurement noise that grows as the signal falls) and
/// space-based infrared early warning (DSP/SBIRS class). Threat signatures (radar cross-section
/// by flight phase and aspect) live here too.
#ifndef BMD_SENSOR_H
#define BMD_SENSOR_H

#include <stdbool.h>

#include "bmd/earth.h"
#include "bmd/flight.h"
#include "bmd/rng.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMD_MAX_RCS_TABLE 16

/// Radar cross-section against aspect angle (angle between the body's velocity and the line from
/// the body to the radar: 0 nose-on, pi tail-on), linear between points, constant beyond.
typedef struct bmd_rcs_table {
    int n;                                 ///< 0: no table (use the constant)
    double aspect_rad[BMD_MAX_RCS_TABLE];  ///< increasing, within [0, pi]
    double rcs_m2[BMD_MAX_RCS_TABLE];
} bmd_rcs_table;

/// A threat's radar signature by flight phase.
typedef struct bmd_signature {
    double booster_rcs_m2;   ///< while boosting (any stage burning) (m^2)
    double rv_rcs_m2;        ///< after burnout, when rv_table is empty (m^2)
    bmd_rcs_table rv_table;  ///< after burnout, by aspect (optional)
} bmd_signature;

/// RCS (m^2) of a signature in a phase at an aspect angle (rad): booster_rcs_m2 while boosting;
/// after burnout the table interpolated linearly in aspect (constant beyond its ends) or, with no
/// table, rv_rcs_m2. NaN for a NaN aspect when the table is used.
double bmd_signature_rcs(const bmd_signature *s, bool boosting, double aspect_rad);

/// Check a signature: positive finite cross-sections, a table of 0 to BMD_MAX_RCS_TABLE points
/// with strictly increasing aspects within [0, pi] and positive finite RCS. BMD_ERR_ARG and why.
bmd_status bmd_signature_check(const bmd_signature *s, char *why, int why_size);

/// Fluctuation model of the target's echo (Swerling 1954; Skolnik, Introduction to Radar
/// Systems, 3rd ed., sec. 2.8).
typedef enum bmd_swerling {
    BMD_SWERLING_0 = 0, ///< non-fluctuating (Marcum); Pd from North's approximation
    BMD_SWERLING_1 = 1  ///< slow Rayleigh fluctuation, scan to scan: Pd = Pfa^(1/(1+SNR))
} bmd_swerling;

/// A radar. Angles in rad, distances in m, times in s; all SI.
typedef struct bmd_radar {
    char id[32];
    char name[96];
    double lat_rad, lon_rad, h_m;   ///< site, geodetic (h above the ellipsoid)
    double boresight_az_rad;        ///< azimuth of the face's centre, clockwise from north
    double az_half_width_rad;       ///< half-width of the azimuth field of regard; >= pi: all round
    double el_min_rad;              ///< lowest elevation of the field of regard, measured from
                                    ///< the local horizontal over the effective Earth (el_eff);
                                    ///< may be negative (a site on a height looks down)
    double el_max_rad;              ///< highest elevation of the field of regard (el_eff)
    double range_max_m;             ///< instrumented range
    double r0_m;                    ///< reference detection range: SNR = snr0 on sigma0 at r0
    double sigma0_m2;               ///< reference RCS
    double snr0_db;                 ///< reference single-dwell SNR (dB)
    double pfa;                     ///< false-alarm probability per detection decision
    bmd_swerling swerling;
    double search_revisit_s;        ///< revisit interval of an uncued search of the volume
    double cued_revisit_s;          ///< revisit interval when cued (by early warning or a radar)
    double track_revisit_s;         ///< interval between track dwells on a held target
    double sigma_range0_m;          ///< 1-sigma range noise at snr0
    double sigma_angle0_rad;        ///< 1-sigma noise of each angle (az, el) at snr0
    double k_refraction;            ///< effective Earth radius factor (standard 4/3)
} bmd_radar;

/// Check a radar's parameters: every number finite; |lat| <= pi/2; a site not below the ellipsoid
/// by more than 500 m (sea floor) nor above 10 km; az_half_width positive (>= pi: all round);
/// -pi/2 <= el_min < el_max <= pi/2; range_max, r0, sigma0 positive; pfa in (0, 0.5); Swerling 0
/// or 1; the three revisit intervals positive; both noise references positive; k_refraction in
/// [1, 2]. BMD_ERR_ARG and, in why (if not NULL, size why_size), which field and why.
bmd_status bmd_radar_check(const bmd_radar *r, char *why, int why_size);

/// Geometry of one look from a radar to a point.
typedef struct bmd_look {
    double range_m;        ///< slant range
    double az_rad;         ///< azimuth, clockwise from north, [0, 2 pi)
    double el_rad;         ///< geometric elevation above the local geodetic horizontal
    double el_eff_rad;     ///< elevation over the effective (k R) Earth: what the beam sees
    bool line_of_sight;    ///< the ray clears the effective Earth (4/3 refraction model)
    bool in_field;         ///< line of sight and inside the azimuth and elevation limits
    bool in_range;         ///< range <= instrumented range
    bool visible;          ///< in_field and in_range
} bmd_look;

/// The look from radar r to an ECEF point (m). The effective-Earth geometry uses the radius of
/// curvature of the ellipsoid at the radar along the look's azimuth (Euler's formula), scaled by
/// k_refraction (Doerry, "Earth curvature and atmospheric refraction effects on radar signal
/// propagation", Sandia report SAND2012-10690, January 2013; Skolnik 3rd ed. ch. 8): on a
/// sphere of radius R' = k R the radar and the target stand at their heights above the
/// ellipsoid, separated by the geodesic ground arc between the points under them (central angle
/// arc / R'). The ray is blocked by that sphere, or by the sphere through the site when the site
/// lies below the ellipsoid (h_m < 0). Terrain is not modelled. A non-finite target gives NaN
/// numbers and false flags. docs/sensors.md has the equations.
void bmd_radar_look(const bmd_radar *r, const bmd_earth *e, bmd_vec3 target_ecef, bmd_look *out);

/// A radar's site geometry, computed once (bmd_radar_frame_make) for many looks.
typedef struct bmd_radar_frame {
    bmd_vec3 site;              ///< ECEF position of the site (m)
    bmd_vec3 east, north, up;   ///< geodetic ENU axes at the site
    double rm, rn;              ///< meridian and prime-vertical radii of curvature at the site (m)
} bmd_radar_frame;

void bmd_radar_frame_make(const bmd_radar *r, const bmd_earth *e, bmd_radar_frame *f);

/// bmd_radar_look for scanning: the same model with the ground arc taken as the angle between the
/// surface normals times the radius of curvature along the look (no geodesic, no trigonometry of
/// the target's coordinates): exact on a sphere, within about 4e-4 of the arc on WGS-84. About
/// ten times faster; locate edges with bmd_radar_look.
void bmd_radar_look_fast(const bmd_radar *r, const bmd_radar_frame *f, const bmd_earth *e,
                         bmd_vec3 target_ecef, bmd_look *out);

/// Single-dwell signal-to-noise ratio (linear) from the range equation scaled from the
/// reference: SNR = snr0 (r0/R)^4 (sigma/sigma0) with snr0 = 10^(snr0_db/10) (Skolnik 3rd ed.
/// eq. 2.61, same radar, same dwell).
double bmd_radar_snr(const bmd_radar *r, double range_m, double rcs_m2);
/// The range (m) at which a target of RCS sigma gives the reference SNR: r0 (sigma/sigma0)^(1/4).
double bmd_radar_detection_range(const bmd_radar *r, double rcs_m2);
/// Probability of detection in one dwell at a linear SNR, with the radar's Pfa and Swerling case
/// (square-law detector, one pulse or one coherently integrated dwell):
/// Swerling 1: Pd = Pfa^(1/(1+SNR)), exact (Swerling 1954/1960; Skolnik 3rd ed. sec. 2.8);
/// Swerling 0: North's approximation Pd = 0.5 erfc(sqrt(-ln Pfa) - sqrt(SNR + 0.5)) of the
/// Marcum Q function Q1(sqrt(2 SNR), sqrt(-2 ln Pfa)) (North 1963; Marcum 1960): for Pd in
/// [0.1, 0.99] within 0.012 of Q1 at Pfa = 1e-2 and within 0.003 for Pfa <= 1e-6
/// (docs/validation.md (Sensors)). At SNR 0 it gives more than Pfa (1.1e-5 at Pfa 1e-6).
/// A SNR <= 0 counts as 0; NaN gives NaN.
double bmd_radar_pd(const bmd_radar *r, double snr);
/// 1-sigma measurement noise at a linear SNR: sigma0 sqrt(snr0/snr) for range and each angle
/// (thermal-noise-limited accuracy, Skolnik 3rd ed. sec. 6.8), never below 10% of the reference
/// (a bias floor, reached at 100 snr0). SNR <= 0 gives infinity; NaN gives NaN. Either output
/// pointer may be NULL.
void bmd_radar_noise(const bmd_radar *r, double snr, double *sigma_range_m, double *sigma_angle_rad);

/// Space-based infrared early warning (DSP/SBIRS class): sees a boosting missile once its plume
/// is above cloud_top_m, reports first after first_report_delay_s (scan and detection), the cue
/// reaches the defence processing_delay_s later; it loses the missile at burnout.
typedef struct bmd_ew_sensor {
    char id[32];
    char name[96];
    double cloud_top_m;             ///< plume visible above this height (m)
    double first_report_delay_s;    ///< from the plume clearing cloud_top to the first report (s)
    double processing_delay_s;      ///< from the first report to a cue usable by the defence (s)
    double sigma_launch_pos_m;      ///< 1-sigma error of the reported launch point (each axis) (m)
    double sigma_launch_time_s;     ///< 1-sigma error of the reported launch time (s)
    double sigma_azimuth_rad;       ///< 1-sigma error of the reported launch azimuth (rad)
} bmd_ew_sensor;

/// Check an early-warning sensor: cloud_top_m in [0, 100 km]; delays and 1-sigma errors zero or
/// positive and finite, sigma_azimuth_rad at most pi. BMD_ERR_ARG and why.
bmd_status bmd_ew_check(const bmd_ew_sensor *s, char *why, int why_size);

/// What early warning reports about one threat. Times are on the trajectory's clock (the same s
/// as bmd_traj_state; launch at tr->t_start_s).
typedef struct bmd_ew_report {
    bool detected;                  ///< false when burnout comes before the first report
    double t_visible_s;             ///< the plume rises above cloud_top_m (s); NaN: not in boost
    double t_first_report_s;        ///< time of the first report (s); NaN if never visible
    double t_cue_s;                 ///< time the cue reaches the defence (s); NaN if never visible
    double t_lost_s;                ///< burnout: the plume is gone (s)
    double launch_lat_rad, launch_lon_rad; ///< reported launch point (with error); NaN if not
                                           ///< detected
    double launch_time_s;           ///< reported launch time (with error); NaN if not detected
    double azimuth_rad;             ///< reported launch azimuth (with error), [0, 2 pi); NaN if
                                    ///< not detected
} bmd_ew_report;

/// Early warning of one threat trajectory (which must have its path kept). The plume is visible
/// from the first time in boost [t_start_s, sum.burnout_time_s] at which the height reaches
/// cloud_top_m (located by bisection on the dense output to 1 us); the first report comes
/// first_report_delay_s later and is a detection when it is not after burnout; the cue comes
/// processing_delay_s after the first report. The reported launch point, time and azimuth are the
/// truth (launch point and time of the trajectory; geodesic azimuth from the launch point to the
/// point under the missile at the first report) plus Gaussian errors drawn from the
/// counter-based stream rng (purpose BMD_RNG_EARLY_WARN): bmd_rng_normal2 at counter 0 gives the
/// north and east errors of the launch point (m, converted with the meridian and prime-vertical
/// radii at the launch latitude), at counter 1 the launch-time and the azimuth errors.
/// BMD_ERR_ARG for a bad sensor or a trajectory without a path; out is then filled with NaN and
/// detected false.
bmd_status bmd_ew_observe(const bmd_ew_sensor *s, const bmd_trajectory *threat, bmd_rng rng,
                          bmd_ew_report *out);

#ifdef __cplusplus
}
#endif
#endif
