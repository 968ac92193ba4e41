/* SPDX-License-Identifier: MIT */
/* fuzz_catalog.c: the loaders of single catalog files: bmd_missile_load_file (a missile, an
 * interceptor, or a user's vehicle file: what cli_vehicle loads for --threat FILE) with the real
 * drag tables and without them, with and without required sources, and bmd_sensor_load_file. The
 * input is in.yaml of a private folder that also holds a copy of data/drag.yaml; the fopen jail
 * keeps the loaders inside it (sandbox.h). fuzz/README.md. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/bmd.h"
#include "sandbox.h"

static char *input_path;
static char *drag_path;

static bool init(void)
{
    char src[4096];
    snprintf(src, sizeof src, "%s", bmd_data_dir());
    if (!sandbox_dir() || !sandbox_copy_yaml(src, "data"))
        return false;
    const char *p = sandbox_write("in.yaml", "", 0);
    input_path = p ? strdup(p) : NULL;
    char drag[4096];
    snprintf(drag, sizeof drag, "%s/data/drag.yaml", sandbox_dir());
    drag_path = strdup(drag);
    return input_path && drag_path;
}

static void check_error(bmd_status st, const bmd_load_error *err)
{
    sandbox_report(st, err);
    if (st != BMD_OK && (!err->msg[0] || !err->file[0]))
        sandbox_fail("a failed load says neither where nor why", bmd_status_str(st));
}

static void check_missile(const bmd_missile *m)
{
    if (m->v.n_stages < 1 || m->v.n_stages > BMD_MAX_STAGES || !m->file)
        sandbox_fail("a loaded vehicle is invalid", m->v.id);
    for (int i = 0; i < m->v.n_stages; i++)
        if (!(m->v.stages[i].gross_mass_kg > m->v.stages[i].propellant_mass_kg) ||
            !(m->v.stages[i].burn_time_s > 0.0) || !isfinite(m->v.stages[i].gross_mass_kg))
            sandbox_fail("a loaded stage is invalid", m->v.id);
}

static void load_missile(const char *drag, bool require_sources)
{
    bmd_missile m;
    bmd_load_error err;
    sandbox_jail(true);
    bmd_status st = bmd_missile_load_file(input_path, drag, require_sources, &m, &err);
    sandbox_jail(false);
    check_error(st, &err);
    if (st == BMD_OK) {
        check_missile(&m);
        bmd_missile_free(&m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0)
        ready = init();
    if (!ready)
        sandbox_fail("cannot set up the catalog target", NULL);
    if (!sandbox_write("in.yaml", data, size))
        sandbox_fail("cannot write the input", NULL);
    load_missile(drag_path, false);
    load_missile(drag_path, true);
    load_missile(NULL, false);
    for (int req = 0; req < 2; req++) {
        bmd_sensor_entry s;
        bmd_load_error err;
        sandbox_jail(true);
        bmd_status st = bmd_sensor_load_file(input_path, req, &s, &err);
        sandbox_jail(false);
        check_error(st, &err);
        if (st == BMD_OK)
            bmd_sensor_entry_free(&s);
    }
    return 0;
}
