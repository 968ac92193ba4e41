/* SPDX-License-Identifier: MIT */
/* scene.h: the shared set-up of detect and track: a threat flown to its target and the sensors
 * placed from --sensor ID[@LAT,LON[,HEIGHT_M]] arguments. */
#ifndef BMD_CLI_SCENE_H
#define BMD_CLI_SCENE_H

#include "cli.h"

#define SCENE_MAX_SENSORS 16

typedef struct scene {
    bmd_catalog *cat;
    bmd_missile threat;           /* copy (or owned when loaded from a file) */
    bool threat_owned;
    double launch_lat, launch_lon, target_lat, target_lon; /* degrees */
    bmd_trajectory tr;            /* the threat's flight, path kept */
    int n_radars;
    bmd_radar radars[SCENE_MAX_SENSORS];
    const char *radar_args[SCENE_MAX_SENSORS];
    bool has_ew;
    bmd_ew_sensor ew;
    uint64_t seed;
    bool json;
} scene;

/* Options both commands accept. */
#define SCENE_OPTS                                                                                 \
    {"threat", true}, {"launch", true}, {"target", true}, {"sensor", true}, {"seed", true},        \
        {"format", true}, {"threat-index", true}, {"help", false}

/* Parse argv into the scene (sensors may repeat, so they are gathered here), fly the threat.
 * Returns an exit code: EXIT_OK to go on. */
int scene_setup(scene *s, const char *cmd, int argc, char **argv, const opt_spec *extra,
                opts *o, const char *help);
void scene_free(scene *s);
/* Fly a threat to its target with its default shape (path kept); an exit code. */
int scene_fly_threat(const char *cmd, const bmd_missile *m, double lat_deg, double lon_deg,
                     double tlat_deg, double tlon_deg, bmd_trajectory *tr);
/* The surveillance options of the scene: its seed and early warning. */
bmd_surv_opts scene_surv_opts(const scene *s);

#endif
