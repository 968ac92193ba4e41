/* SPDX-License-Identifier: MIT */
/* fuzz_scenario.c: the scenario loader (bmd_scenario_load) against the real catalog, loaded once.
 * The input is the scenario file in.yaml of a private folder that also holds copies of the ready
 * scenarios (the *.yaml of scenarios/ and scenarios/include/), so inputs can include them as
 * the ready ones do, and a few fixed files for include chains and loops (below). The fopen jail
 * keeps every include inside that folder (sandbox.h). fuzz/README.md. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/bmd.h"
#include "sandbox.h"

static bmd_catalog *cat;
static const char *input_path;

/* Fixed files of the folder: back.yaml includes the input (a loop through it); d1.yaml .. d9.yaml
 * include the next, nine deep (beyond the loader's limit of eight); empty.yaml is empty. */
static bool write_fixed(void)
{
    static const char back[] = "name: back\ninclude: in.yaml\n";
    if (!sandbox_write("back.yaml", back, sizeof back - 1) || !sandbox_write("empty.yaml", "", 0))
        return false;
    for (int i = 1; i <= 9; i++) {
        char name[32];
        char text[64];
        snprintf(name, sizeof name, "d%d.yaml", i);
        int n = i < 9 ? snprintf(text, sizeof text, "include: d%d.yaml\n", i + 1)
                      : snprintf(text, sizeof text, "seed: 9\n");
        if (!sandbox_write(name, text, (size_t)n))
            return false;
    }
    return true;
}

static bool init(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "fuzz: cannot load the catalog %s: %s:%d: %s\n", bmd_data_dir(), err.file,
                err.line, err.msg);
        return false;
    }
    const char *e = getenv("BMDSIM_SCENARIOS");
    const char *scn = e && *e ? e : BMD_SCENARIO_DIR;
    char inc[4096];
    snprintf(inc, sizeof inc, "%s/include", scn);
    if (!sandbox_dir() || !sandbox_copy_yaml(scn, "") || !sandbox_copy_yaml(inc, "include") ||
        !write_fixed())
        return false;
    return true;
}

static void check(const bmd_scenario *s)
{
    if (s->n_sensors < 0 || s->n_sensors > BMD_SCN_MAX_SENSORS || s->n_sites < 0 ||
        s->n_sites > BMD_SCN_MAX_SITES || s->n_threats < 0 ||
        s->n_threats > BMD_SCN_MAX_THREATS || s->n_assets < 0 ||
        s->n_assets > BMD_SCN_MAX_ASSETS || (s->n_threats > 0 && !s->threats))
        sandbox_fail("a loaded scenario's counts are out of range", s->name);
    for (int i = 0; i < s->n_sites; i++)
        if (!s->sites[i].interceptor || s->sites[i].inventory < 0 ||
            !(s->sites[i].pk >= 0.0 && s->sites[i].pk <= 1.0) || !isfinite(s->sites[i].lat_rad))
            sandbox_fail("a loaded site is invalid", s->sites[i].name);
    for (int i = 0; i < s->n_threats; i++)
        if (!s->threats[i].missile || !isfinite(s->threats[i].launch_lat_rad) ||
            !isfinite(s->threats[i].target_lon_rad) || !isfinite(s->threats[i].launch_time_s))
            sandbox_fail("a loaded threat is invalid", s->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0) {
        ready = init();
        if (ready)
            input_path = strdup(sandbox_write("in.yaml", "", 0));
    }
    if (!ready || !input_path)
        sandbox_fail("cannot set up the scenario target", NULL);
    if (!sandbox_write("in.yaml", data, size))
        sandbox_fail("cannot write the input", NULL);
    bmd_scenario s;
    bmd_load_error err;
    sandbox_jail(true);
    bmd_status st = bmd_scenario_load(input_path, cat, &s, &err);
    sandbox_jail(false);
    sandbox_report(st, &err);
    if (st == BMD_OK) {
        check(&s);
        bmd_scenario_free(&s);
    } else if (!err.msg[0] || !err.file[0]) {
        sandbox_fail("a failed load says neither where nor why", bmd_status_str(st));
    }
    return 0;
}
