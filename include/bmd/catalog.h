/// @file catalog.h
/// The vehicle catalog: YAML files in data/ (one missile a file, drag tables in drag.yaml), each
/// numeric value with its public source. The format is documented in docs/catalog.md. A user's
/// own vehicle file uses the same format; only catalog files must give a source for every value.
#ifndef BMD_CATALOG_H
#define BMD_CATALOG_H

#include <stdbool.h>

#include "bmd/interceptor.h"
#include "bmd/sensor.h"
#include "bmd/vehicle.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Where and why loading failed: file, 1-based line and column (0 when unknown), message.
typedef struct bmd_load_error {
    char file[1024];
    int line;
    int col;
    char msg[512];
} bmd_load_error;

/// One sourced parameter, as written in the file (value in the file's unit).
typedef struct bmd_param {
    char field[64];   ///< path of the field, e.g. "stages[0].burn_time_s"
    double value;     ///< in the unit the field name says
    char *source;     ///< the public source, or the reasoning of a notional value
} bmd_param;

/// A catalog missile: the vehicle to fly plus what is published about it and where from.
typedef struct bmd_missile {
    bmd_vehicle v;
    bmd_signature sig;     ///< radar cross-section by phase (for the sensors; threats only)
    bool interceptor;      ///< an interceptor (data/interceptors/): kv is set, sig is not
    bmd_kill_vehicle kv;   ///< the kill vehicle's limits (interceptors only)
    char country[32];
    char klass[16];        ///< srbm, mrbm, irbm, icbm
    char propellant[16];   ///< solid, liquid
    bool notional;         ///< no such missile is known to exist as modelled
    char *notes;           ///< free text (may be NULL)
    char *file;            ///< the file it came from
    /* Published performance (NaN where nothing is published). */
    double pub_range_m;
    double pub_range_min_m;
    double pub_burn_time_s;
    double pub_burnout_speed_m_s;
    double pub_launch_mass_kg;
    int n_params;
    bmd_param *params;
} bmd_missile;

/// Kinds of catalog sensors.
typedef enum bmd_sensor_kind {
    BMD_SENSOR_RADAR = 0,         ///< a radar (bmd_radar)
    BMD_SENSOR_EARLY_WARNING = 1  ///< space-based infrared early warning (bmd_ew_sensor)
} bmd_sensor_kind;

/// A catalog sensor.
typedef struct bmd_sensor_entry {
    bmd_sensor_kind kind;
    bmd_radar radar;       ///< BMD_SENSOR_RADAR: parameters; the site is the default one
    bmd_ew_sensor ew;      ///< BMD_SENSOR_EARLY_WARNING
    bool has_site;         ///< the file gives a default site (a radar placed elsewhere needs one)
    char site_name[64];
    char platform[32];     ///< ground, ship, space
    char *notes;
    char *file;
    int n_params;
    bmd_param *params;
} bmd_sensor_entry;

/// A loaded catalog.
typedef struct bmd_catalog {
    int n;
    bmd_missile *missiles;
    int n_sensors;
    bmd_sensor_entry *sensors;
    int n_interceptors;
    bmd_missile *interceptors;   ///< data/interceptors/*.yaml
} bmd_catalog;

/// Load every missile file dir/missiles/*.yaml (sorted by name; drag tables from dir/drag.yaml)
/// and every sensor file dir/sensors/*.yaml. Every value must carry a source. On error, *out is
/// NULL and err says where.
bmd_status bmd_catalog_load(const char *dir, bmd_catalog **out, bmd_load_error *err);
void bmd_catalog_free(bmd_catalog *c);
/// The missile with this id, or NULL.
const bmd_missile *bmd_catalog_find(const bmd_catalog *c, const char *id);
/// The interceptor with this id, or NULL.
const bmd_missile *bmd_catalog_find_interceptor(const bmd_catalog *c, const char *id);
/// The sensor with this id, or NULL.
const bmd_sensor_entry *bmd_catalog_find_sensor(const bmd_catalog *c, const char *id);

/// Load one sensor file.
bmd_status bmd_sensor_load_file(const char *path, bool require_sources, bmd_sensor_entry *out,
                                bmd_load_error *err);
void bmd_sensor_entry_free(bmd_sensor_entry *s);

/// Load one vehicle file (a user's design): values may omit their source. drag_file names the
/// drag tables (NULL: none, then every stage needs an inline "drag: {mach: [...], cd: [...]}").
bmd_status bmd_missile_load_file(const char *path, const char *drag_file, bool require_sources,
                                 bmd_missile *out, bmd_load_error *err);
void bmd_missile_free(bmd_missile *m);

/// The directory of the data files: $BMDSIM_DATA if set, else the build-time default.
const char *bmd_data_dir(void);

#ifdef __cplusplus
}
#endif
#endif
