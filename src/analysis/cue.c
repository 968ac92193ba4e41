/* SPDX-License-Identifier: MIT */
/* cue.c: the assumption sets of the analyses: which sensor's track starts the clock, and the
 * decision delay after it (docs/defense.md, "Cue modes"). */
#include <math.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/rng.h"
#include "bmd/surveillance.h"

/* The delays are notional [U]: docs/defense.md gives the reasoning and sources. */
static const bmd_cue_spec specs[BMD_N_CUES] = {
    [BMD_CUE_IDEAL] = {NULL, false, 0.0},
    [BMD_CUE_EARLY_WARNING] = {"sbirs", false, 30.0},
    [BMD_CUE_FORWARD_RADAR] = {"tpy-2", false, 30.0},
    [BMD_CUE_SITE_RADAR] = {"spy-1d", true, 10.0},
};

const bmd_cue_spec *bmd_cue_spec_of(bmd_cue c)
{
    if ((int)c < 0 || (int)c >= BMD_N_CUES)
        return NULL;
    return &specs[c];
}

bmd_status bmd_cue_earliest_launch(const bmd_catalog *cat, bmd_cue c, const bmd_trajectory *tr,
                                   const bmd_signature *sig, double site_lat_rad,
                                   double site_lon_rad, double site_h_m, uint64_t seed,
                                   double *t_min_s)
{
    return bmd_cue_earliest_launch_def(cat, c, NULL, tr, sig, site_lat_rad, site_lon_rad,
                                       site_h_m, seed, t_min_s);
}

bmd_status bmd_cue_earliest_launch_def(const bmd_catalog *cat, bmd_cue c,
                                       const bmd_scn_cue_def *defs, const bmd_trajectory *tr,
                                       const bmd_signature *sig, double site_lat_rad,
                                       double site_lon_rad, double site_h_m, uint64_t seed,
                                       double *t_min_s)
{
    const bmd_cue_spec *cs = bmd_cue_spec_of(c);
    *t_min_s = HUGE_VAL;
    if (!cs)
        return BMD_ERR_ARG;
    if (!cs->sensor) {
        *t_min_s = 0.0;
        return BMD_OK;
    }
    const bmd_scn_cue_def *def = defs ? &defs[c] : NULL;
    const bmd_sensor_entry *se =
        def && def->sensor ? def->sensor : bmd_catalog_find_sensor(cat, cs->sensor);
    if (!se)
        return BMD_ERR_ARG;
    double delay = def && def->has_delay ? def->delay_s : cs->delay_s;
    double t_cue;
    if (se->kind == BMD_SENSOR_EARLY_WARNING) {
        bmd_ew_report rep;
        bmd_rng rng = {seed, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
        bmd_status st = bmd_ew_observe(&se->ew, tr, rng, &rep);
        if (st != BMD_OK)
            return st;
        t_cue = rep.detected ? rep.t_cue_s : HUGE_VAL;
    } else {
        bmd_radar r = se->radar;
        if (cs->at_site) {
            r.lat_rad = site_lat_rad;
            r.lon_rad = site_lon_rad;
            r.h_m = site_h_m + 25.0;
        } else if (def && def->placed) {
            r.lat_rad = def->lat_rad;
            r.lon_rad = def->lon_rad;
            r.h_m = def->h_m;
        }
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = seed;
        bmd_sensor_timeline tl;
        bmd_status st = bmd_detect(tr, sig, &r, 1, &so, &tl, NULL);
        if (st != BMD_OK)
            return st;
        t_cue = isfinite(tl.track_confirmed_s) ? tl.track_confirmed_s : HUGE_VAL;
    }
    *t_min_s = t_cue + delay;
    return BMD_OK;
}
