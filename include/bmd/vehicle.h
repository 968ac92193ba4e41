/// @file vehicle.h
/// Multi-stage rocket vehicles: stages with propellant and dry mass, burn time and vacuum specific
/// impulse (constant mass flow), nozzle exit area for the altitude correction of thrust, reference
/// area and drag coefficient against Mach number; and the payload (re-entry vehicle) that flies on
/// after the last burnout with its ballistic coefficient and, for quasi-ballistic missiles, lift.
#ifndef BMD_VEHICLE_H
#define BMD_VEHICLE_H

#include <stdbool.h>

#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMD_MAX_STAGES 4
#define BMD_MAX_CD 24

/// Drag coefficient against Mach number, linear between points, constant beyond the ends.
typedef struct bmd_cd_table {
    int n;                    ///< number of points, 1..BMD_MAX_CD
    double mach[BMD_MAX_CD];  ///< increasing Mach numbers
    double cd[BMD_MAX_CD];    ///< drag coefficient (dimensionless, on the reference area)
} bmd_cd_table;

/// Drag coefficient at Mach m.
double bmd_cd_at(const bmd_cd_table *t, double mach);

/// One stage. Mass flow is constant: propellant / burn time; vacuum thrust = Isp_vac g0 mdot;
/// thrust at ambient pressure p is F_vac - A_e p (Sutton & Biblarz, Rocket Propulsion Elements,
/// 8th ed., eq. 3-21).
typedef struct bmd_stage {
    double gross_mass_kg;        ///< stage mass at ignition, propellant included (kg)
    double propellant_mass_kg;   ///< propellant burnt (kg)
    double burn_time_s;          ///< burn time (s)
    double isp_vac_s;            ///< vacuum specific impulse (s)
    double nozzle_exit_area_m2;  ///< nozzle exit area (m^2); 0 = no altitude correction
    double ref_area_m2;          ///< reference area for drag (m^2): the largest cross-section
    bmd_cd_table cd;             ///< drag coefficient of the stack while this stage burns
} bmd_stage;

/// Default trajectory shape of a vehicle.
typedef enum bmd_shape {
    BMD_SHAPE_MIN_ENERGY = 0, ///< the least propellant that reaches the aim point
    BMD_SHAPE_LOFTED = 1,     ///< steeper than minimum energy (higher apogee)
    BMD_SHAPE_DEPRESSED = 2   ///< flatter than minimum energy (lower apogee)
} bmd_shape;

/// A vehicle: all SI. Make one with a catalog loader or by hand; check it with bmd_vehicle_check.
typedef struct bmd_vehicle {
    char id[32];
    char name[96];
    int n_stages;
    bmd_stage stages[BMD_MAX_STAGES];
    double payload_mass_kg;        ///< everything above the last stage (kg)
    double rv_beta_kg_m2;          ///< ballistic coefficient m/(Cd A) after the last burnout
                                   ///< (kg/m^2); 0 = no drag on the payload
    double lift_to_drag;           ///< largest lift-to-drag ratio of the free-flying body (0 =
                                   ///< ballistic); used by quasi-ballistic glide guidance
    double glide_angle_rad;        ///< flight-path angle the glide guidance holds on descent (rad,
                                   ///< positive down); used only when lift_to_drag > 0
    double vertical_rise_s;        ///< vertical rise before the pitch-over (s)
    double pitchover_s;            ///< duration of the pitch-over kick (s)
    bmd_shape default_shape;       ///< shape used when none is asked for
    double default_apogee_m;       ///< apogee of the default shape (m); NaN when free
} bmd_vehicle;

/// Parse "minimum-energy", "lofted", "depressed"; returns false for anything else.
bool bmd_shape_parse(const char *s, bmd_shape *out);
/// The name of a shape.
const char *bmd_shape_name(bmd_shape s);

/// Total burn time of all stages (s).
double bmd_vehicle_burn_time(const bmd_vehicle *v);
/// Mass at launch (kg).
double bmd_vehicle_launch_mass(const bmd_vehicle *v);
/// Ideal velocity change of all stages in vacuum, rocket equation (m/s).
double bmd_vehicle_ideal_dv(const bmd_vehicle *v);
/// Check that a vehicle can fly: every number finite and in its domain, propellant below gross
/// mass, positive thrust, thrust at launch above weight. Returns BMD_OK or BMD_ERR_ARG and, in
/// why (if not NULL, size why_size), which field is wrong.
bmd_status bmd_vehicle_check(const bmd_vehicle *v, char *why, int why_size);

#ifdef __cplusplus
}
#endif
#endif
