/* SPDX-License-Identifier: MIT */
/* test_catalog.c: the catalog loads, holds the fixed ids, carries a source for every value, and
 * each missile reproduces its published performance (range, burn time, burnout speed, launch
 * mass) within 10%: the published figures are the independent reference. Malformed files fail
 * with file:line:column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmd/bmd.h"
#include "test.h"

static bmd_catalog *cat;

static void test_ids(void)
{
    static const char *const ids[] = {"shahab-3", "ghadr-1", "sejjil-2", "ss-25", "ss-27", "rs-24",
                                      "ss-18", "ss-19", "iskander-m", "iran-icbm-notional"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const bmd_missile *m = bmd_catalog_find(cat, ids[i]);
        ENSURE(m != NULL);
        if (!m)
            fprintf(stderr, "  missing id %s\n", ids[i]);
    }
    ENSURE(bmd_catalog_find(cat, "no-such-missile") == NULL);
    const bmd_missile *n = bmd_catalog_find(cat, "iran-icbm-notional");
    ENSURE(n && n->notional);
}

static void test_sources(void)
{
    for (int i = 0; i < cat->n; i++) {
        const bmd_missile *m = &cat->missiles[i];
        ENSURE(m->n_params >= 10);
        ENSURE(isfinite(m->pub_range_m));
        for (int k = 0; k < m->n_params; k++) {
            ENSURE(m->params[k].source && strlen(m->params[k].source) >= 6);
            ENSURE(strstr(m->params[k].source, "no source given") == NULL);
        }
    }
}

/* Published performance, reproduced by flying each missile. Maximum range: full burn, the best
 * kick, due north from 45 N 40 E on the full model (rotation adds little on a northern azimuth). */
static void test_published(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    for (int i = 0; i < cat->n; i++) {
        const bmd_missile *m = &cat->missiles[i];
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        bmd_aim_result res;
        bmd_status st = bmd_max_range(&m->v, 45.0 * BMD_DEG, 40.0 * BMD_DEG, 0.0, 0.0, &o, &res, &tr);
        ENSURE(st == BMD_OK);
        double r = tr.sum.range_m;
        fprintf(stderr, "  %-19s max range %7.0f km (published %6.0f, %+5.1f%%)", m->v.id, r / 1e3,
                m->pub_range_m / 1e3, 100.0 * (r / m->pub_range_m - 1.0));
        CHECK_REL(r, m->pub_range_m, 0.10);
        if (isfinite(m->pub_burnout_speed_m_s)) {
            fprintf(stderr, "  burnout %.3f km/s (published %.2f)", tr.sum.burnout_speed_m_s / 1e3,
                    m->pub_burnout_speed_m_s / 1e3);
            CHECK_REL(tr.sum.burnout_speed_m_s, m->pub_burnout_speed_m_s, 0.10);
        }
        if (isfinite(m->pub_burn_time_s))
            CHECK_REL(bmd_vehicle_burn_time(&m->v), m->pub_burn_time_s, 0.10);
        if (isfinite(m->pub_launch_mass_kg))
            CHECK_REL(bmd_vehicle_launch_mass(&m->v), m->pub_launch_mass_kg, 0.10);
        if (isfinite(m->pub_range_min_m)) {
            /* The published minimum range must be reachable: a target there is not "too close". */
            bmd_aim aim;
            memset(&aim, 0, sizeof aim);
            aim.launch_lat_rad = 45.0 * BMD_DEG;
            aim.launch_lon_rad = 40.0 * BMD_DEG;
            bmd_geodesic_direct(&o.earth, aim.launch_lat_rad, aim.launch_lon_rad, 0.0,
                                m->pub_range_min_m, &aim.target_lat_rad, &aim.target_lon_rad);
            aim.shape = BMD_SHAPE_MIN_ENERGY;
            aim.apogee_m = NAN;
            bmd_status s2 = bmd_target(&m->v, &aim, &o, &res, &tr);
            ENSURE(s2 == BMD_OK);
            fprintf(stderr, "  min range %.0f km: %s", m->pub_range_min_m / 1e3,
                    s2 == BMD_OK ? "reached" : res.why);
        }
        fputc('\n', stderr);
        bmd_traj_free(&tr);
    }
}

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ENSURE(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A valid user vehicle file (no sources needed), then broken variants. */
static const char good[] = "id: test-rocket\n"
                           "name: Test rocket\n"
                           "payload:\n"
                           "  mass_kg: 500\n"
                           "  ballistic_coefficient_kg_m2: 5000\n"
                           "stages:\n"
                           "  - gross_mass_kg: 10000\n"
                           "    propellant_mass_kg: 8500\n"
                           "    burn_time_s: 60\n"
                           "    isp_vac_s: 260\n"
                           "    diameter_m: 1.0\n"
                           "    drag: {mach: [0, 1, 2], cd: [0.2, 0.4, 0.3]}\n";

static bmd_status load_text(const char *text, bool strict, bmd_load_error *err)
{
    write_file("v.yaml", text);
    char path[512];
    snprintf(path, sizeof path, "%s/v.yaml", tmpdir);
    char drag[512];
    snprintf(drag, sizeof drag, "%s/drag.yaml", bmd_data_dir());
    bmd_missile m;
    bmd_status st = bmd_missile_load_file(path, drag, strict, &m, err);
    if (st == BMD_OK)
        bmd_missile_free(&m);
    else
        fprintf(stderr, "  expected error: %s:%d:%d: %s\n", err->file, err->line, err->col, err->msg);
    return st;
}

static char *replace(const char *text, const char *from, const char *to)
{
    const char *p = strstr(text, from);
    if (!p)
        return NULL;
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    if (!out)
        return NULL;
    snprintf(out, n, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    return out;
}

static void expect_error(const char *from, const char *to, int line, const char *needle)
{
    char *t = replace(good, from, to);
    ENSURE(t != NULL);
    if (!t)
        return;
    bmd_load_error err;
    bmd_status st = load_text(t, false, &err);
    ENSURE(st != BMD_OK);
    if (line > 0)
        ENSURE(err.line == line);
    ENSURE(strstr(err.msg, needle) != NULL);
    free(t);
}

static void test_bad_files(void)
{
    bmd_load_error err;
    ENSURE(load_text(good, false, &err) == BMD_OK);
    /* A catalog file must source every value. */
    ENSURE(load_text(good, true, &err) == BMD_ERR_PARSE);
    ENSURE(strstr(err.msg, "source") != NULL);
    expect_error("    burn_time_s: 60\n", "    burn_time_s: sixty\n", 9, "expected a number");
    expect_error("    burn_time_s: 60\n", "    burn_time_s: .nan\n", 9, "number");
    expect_error("    burn_time_s: 60\n", "    burn_time_s: -60\n", 9, "positive");
    expect_error("    burn_time_s: 60\n", "    burn_tme_s: 60\n", 9, "unknown field");
    expect_error("    propellant_mass_kg: 8500\n", "    propellant_mass_kg: 12000\n", 8, "below");
    expect_error("    isp_vac_s: 260\n", "    isp_vac_s: 2600\n", 10, "500");
    expect_error("  mass_kg: 500\n", "", 0, "mass_kg");
    expect_error("    drag: {mach: [0, 1, 2], cd: [0.2, 0.4, 0.3]}\n", "    drag: nosuch\n", 12,
                 "unknown drag table");
    expect_error("    drag: {mach: [0, 1, 2], cd: [0.2, 0.4, 0.3]}\n",
                 "    drag: {mach: [0, 2, 1], cd: [0.2, 0.4, 0.3]}\n", 0, "increase");
    expect_error("name: Test rocket\n", "name: [Test\n", 0, "YAML syntax");
    /* Zero thrust cannot fly: isp makes thrust; a tiny propellant load over a long burn cannot
     * lift the vehicle off. */
    expect_error("    burn_time_s: 60\n", "    burn_time_s: 6000\n", 0, "lift off");
    ENSURE(load_text("", false, &err) != BMD_OK);
    /* Missing file. */
    bmd_missile m;
    ENSURE(bmd_missile_load_file("/nonexistent/x.yaml", NULL, false, &m, &err) == BMD_ERR_IO);
    ENSURE(strstr(err.file, "/nonexistent/x.yaml") != NULL);
}

int main(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        return 1;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bmd_test_catalog_%d", (int)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", tmpdir);
    if (system(cmd) != 0)
        return 1;
    RUN(test_ids);
    RUN(test_sources);
    RUN(test_bad_files);
    RUN(test_published);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    bmd_catalog_free(cat);
    return test_summary();
}
