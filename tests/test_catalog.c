/* SPDX-License-Identifier: MIT */
/* test_catalog.c: the catalog loads, holds the fixed ids, carries a source for every value, and
 * each missile reproduces its published performance (range, burn time, burnout speed, launch
 * mass) within 10%: the published figures are the independent reference. Each interceptor
 * reproduces its published burnout speed and burn time within 5%, and the SM-3 IA reaches the
 * USA-193 intercept altitude. Malformed files fail with file:line:column. */
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
            aim.apogee_m = (double)NAN;
            bmd_status s2 = bmd_target(&m->v, &aim, &o, &res, &tr);
            ENSURE(s2 == BMD_OK);
            fprintf(stderr, "  min range %.0f km: %s", m->pub_range_min_m / 1e3,
                    s2 == BMD_OK ? "reached" : res.why);
        }
        fputc('\n', stderr);
        bmd_traj_free(&tr);
    }
}

static const char *const interceptor_ids[] = {"sm3-ia", "sm3-ib", "sm3-iia", "sm3-iib", "gbi",
                                               "gbi-2stage", "thaad", "s400-48n6", "s400-40n6"};
#define N_INTERCEPTOR_IDS (sizeof interceptor_ids / sizeof interceptor_ids[0])

static void test_interceptor_ids(void)
{
    ENSURE(cat->n_interceptors == (int)N_INTERCEPTOR_IDS);
    for (size_t i = 0; i < N_INTERCEPTOR_IDS; i++) {
        const bmd_missile *m = bmd_catalog_find_interceptor(cat, interceptor_ids[i]);
        ENSURE(m != NULL);
        if (!m) {
            fprintf(stderr, "  missing interceptor id %s\n", interceptor_ids[i]);
            continue;
        }
        ENSURE(m->interceptor);
        ENSURE(strcmp(m->klass, "interceptor") == 0);
        ENSURE(bmd_kill_vehicle_check(&m->kv, NULL, 0) == BMD_OK);
        ENSURE(m->kv.min_altitude_m < m->kv.max_altitude_m);
        /* Interceptors are not threats: no missile of that id, no signature. */
        ENSURE(bmd_catalog_find(cat, interceptor_ids[i]) == NULL);
        ENSURE(m->sig.booster_rcs_m2 == 0.0 && m->sig.rv_rcs_m2 == 0.0);
    }
    ENSURE(bmd_catalog_find_interceptor(cat, "ss-27") == NULL);
    ENSURE(bmd_catalog_find_interceptor(cat, "no-such-interceptor") == NULL);
    for (int i = 0; i < cat->n; i++)
        ENSURE(!cat->missiles[i].interceptor);
    /* The published kill-vehicle limits (km). */
    const bmd_missile *ia = bmd_catalog_find_interceptor(cat, "sm3-ia");
    const bmd_missile *th = bmd_catalog_find_interceptor(cat, "thaad");
    if (ia && th) {
        ENSURE(ia->kv.max_altitude_m >= 240e3); /* USA-193 was destroyed at ~240 km */
        CHECK_NEAR(th->kv.min_altitude_m, 40e3, 1e-6);
        CHECK_NEAR(th->kv.max_altitude_m, 150e3, 1e-6);
    }
}

static void test_interceptor_sources(void)
{
    static const char *const kv_fields[] = {"kill_vehicle.min_altitude_km",
                                            "kill_vehicle.max_altitude_km",
                                            "kill_vehicle.divert_km_s",
                                            "kill_vehicle.min_closing_speed_km_s"};
    for (int i = 0; i < cat->n_interceptors; i++) {
        const bmd_missile *m = &cat->interceptors[i];
        ENSURE(m->n_params >= 10);
        ENSURE(isfinite(m->pub_burnout_speed_m_s));
        for (int k = 0; k < m->n_params; k++) {
            ENSURE(m->params[k].source && strlen(m->params[k].source) >= 6);
            ENSURE(strstr(m->params[k].source, "no source given") == NULL);
            ENSURE(strstr(m->params[k].source, "(default") == NULL);
            ENSURE(strncmp(m->params[k].field, "signature.", 10) != 0);
        }
        for (size_t f = 0; f < sizeof kv_fields / sizeof kv_fields[0]; f++) {
            int found = 0;
            for (int k = 0; k < m->n_params; k++)
                found += strcmp(m->params[k].field, kv_fields[f]) == 0;
            ENSURE(found == 1);
        }
        /* Interceptor boosters: thrust-to-weight at launch at least 2.5 (silo GBI, about 3) and
         * at least 10 for the ship-launched SM-3 (reference parameters.md §6). */
        const bmd_stage *s0 = &m->v.stages[0];
        double tw = s0->isp_vac_s * BMD_G0_M_S2 * s0->propellant_mass_kg / s0->burn_time_s /
                    (bmd_vehicle_launch_mass(&m->v) * BMD_G0_M_S2);
        ENSURE(tw >= 2.5);
        if (strncmp(m->v.id, "sm3-", 4) == 0)
            ENSURE(tw >= 10.0);
        ENSURE(m->v.vertical_rise_s <= 5.0);
    }
}

/* Published interceptor performance on the full model (WGS-84, rotation, J2, US76 atmosphere):
 * burnout speed relative to the rotating Earth at the end of powered flight of a full burn from
 * sea level with the interceptor's guidance and the kick of maximum range (bmd_max_range), due
 * north from 45 N 40 E, as for the missiles. Within 5%: the files' one tuned knob per vehicle was
 * set this way. Burn time where published (the GBI's Orion stages). */
static void test_interceptor_published(void)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    for (int i = 0; i < cat->n_interceptors; i++) {
        const bmd_missile *m = &cat->interceptors[i];
        bmd_trajectory tr;
        bmd_traj_init(&tr);
        bmd_aim_result res;
        bmd_status st = bmd_max_range(&m->v, 45.0 * BMD_DEG, 40.0 * BMD_DEG, 0.0, 0.0, &o, &res, &tr);
        ENSURE(st == BMD_OK);
        double v = tr.sum.burnout_speed_m_s;
        fprintf(stderr, "  %-11s burnout %.3f km/s (published %.2f, %+5.1f%%) at kick %4.1f deg",
                m->v.id, v / 1e3, m->pub_burnout_speed_m_s / 1e3,
                100.0 * (v / m->pub_burnout_speed_m_s - 1.0), res.guidance.kick_rad / BMD_DEG);
        CHECK_REL(v, m->pub_burnout_speed_m_s, 0.05);
        fprintf(stderr, "  burn %.1f s", tr.sum.burnout_time_s);
        if (isfinite(m->pub_burn_time_s)) {
            fprintf(stderr, " (published %.1f)", m->pub_burn_time_s);
            CHECK_REL(tr.sum.burnout_time_s, m->pub_burn_time_s, 0.05);
        }
        if (isfinite(m->pub_launch_mass_kg)) {
            fprintf(stderr, "  mass %.0f kg (published %.0f)", bmd_vehicle_launch_mass(&m->v),
                    m->pub_launch_mass_kg);
            CHECK_REL(bmd_vehicle_launch_mass(&m->v), m->pub_launch_mass_kg, 0.10);
        }
        fprintf(stderr, "  max range %.0f km\n", tr.sum.range_m / 1e3);
        bmd_traj_free(&tr);
    }
}

/* Apogee of a near-vertical full-burn shot (kick 2 degrees) from sea level. */
static double vertical_apogee(const bmd_missile *m, double lat_deg, double lon_deg)
{
    bmd_flight_opts o = bmd_flight_default_opts();
    o.keep_path = false;
    bmd_guidance g = {0.0, 2.0 * BMD_DEG, (double)INFINITY};
    bmd_trajectory tr;
    bmd_traj_init(&tr);
    bmd_status st = bmd_fly(&m->v, lat_deg * BMD_DEG, lon_deg * BMD_DEG, 0.0, &g, &o, &tr);
    ENSURE(st == BMD_OK);
    double a = st == BMD_OK ? tr.sum.apogee_m : (double)NAN;
    bmd_traj_free(&tr);
    return a;
}

/* Operation Burnt Frost, 20-21 Feb 2008: a modified SM-3 IA from USS Lake Erie destroyed the
 * satellite USA-193 at about 240 km altitude. Fired near vertically from sea level west of Hawaii
 * (the ship's exact position is not public), the modelled SM-3 IA must reach that altitude. The
 * 40N6's computed burnout speed must reach its claimed 185 km ceiling the same way. */
static void test_interceptor_altitudes(void)
{
    const bmd_missile *ia = bmd_catalog_find_interceptor(cat, "sm3-ia");
    ENSURE(ia != NULL);
    if (ia) {
        double a = vertical_apogee(ia, 21.5, -160.5);
        fprintf(stderr, "  sm3-ia near-vertical apogee %.0f km (USA-193 intercept ~240 km)\n",
                a / 1e3);
        ENSURE(a >= 240e3);
        ENSURE(a >= ia->kv.max_altitude_m);
    }
    const bmd_missile *n40 = bmd_catalog_find_interceptor(cat, "s400-40n6");
    ENSURE(n40 != NULL);
    if (n40) {
        double a = vertical_apogee(n40, 54.7, 20.5);
        fprintf(stderr, "  s400-40n6 near-vertical apogee %.0f km (claimed ceiling ~185 km)\n",
                a / 1e3);
        ENSURE(a >= 185e3);
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

/* A valid user interceptor file (no sources needed), then broken variants. */
static const char good_int[] = "id: test-interceptor\n"
                               "name: Test interceptor\n"
                               "payload:\n"
                               "  mass_kg: 30\n"
                               "  ballistic_coefficient_kg_m2: 2000\n"
                               "kill_vehicle:\n"
                               "  min_altitude_km: 70\n"
                               "  max_altitude_km: 250\n"
                               "  divert_km_s: 0.5\n"
                               "  min_closing_speed_km_s: 3\n"
                               "stages:\n"
                               "  - gross_mass_kg: 1000\n"
                               "    propellant_mass_kg: 800\n"
                               "    burn_time_s: 10\n"
                               "    isp_vac_s: 260\n"
                               "    diameter_m: 0.5\n"
                               "    drag: {mach: [0, 1, 2], cd: [0.2, 0.4, 0.3]}\n";

static void expect_int_error(const char *from, const char *to, int line, const char *needle)
{
    char *t = replace(good_int, from, to);
    ENSURE(t != NULL);
    if (!t)
        return;
    bmd_load_error err;
    bmd_status st = load_text(t, false, &err);
    ENSURE(st == BMD_ERR_PARSE);
    ENSURE(strstr(err.file, "v.yaml") != NULL);
    if (line > 0) {
        ENSURE(err.line == line);
        ENSURE(err.col > 0);
    }
    ENSURE(strstr(err.msg, needle) != NULL);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "  wanted \"%s\" in the message\n", needle);
    free(t);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            size_t got = fread(buf, 1, (size_t)n, f);
            buf[got] = '\0';
        }
    }
    fclose(f);
    return buf;
}

/* A small catalog in tmpdir/cat: one missile (ss-27), one interceptor (the given text). */
static bmd_status load_small_catalog(const char *missile_text, const char *interceptor_text,
                                     bmd_load_error *err)
{
    char cmd[900];
    snprintf(cmd, sizeof cmd, "rm -rf %s/cat && mkdir -p %s/cat/missiles %s/cat/interceptors",
             tmpdir, tmpdir, tmpdir);
    if (system(cmd) != 0)
        return BMD_ERR_IO;
    char src[512];
    snprintf(src, sizeof src, "%s/drag.yaml", bmd_data_dir());
    char *drag = read_text(src);
    ENSURE(drag != NULL);
    if (!drag)
        return BMD_ERR_IO;
    write_file("cat/drag.yaml", drag);
    free(drag);
    write_file("cat/missiles/ss-27.yaml", missile_text);
    write_file("cat/interceptors/thaad.yaml", interceptor_text);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/cat", tmpdir);
    bmd_catalog *c = NULL;
    bmd_status st = bmd_catalog_load(dir, &c, err);
    if (st == BMD_OK) {
        ENSURE(c->n == 1 && c->n_interceptors == 1);
        bmd_catalog_free(c);
    } else {
        ENSURE(c == NULL);
        fprintf(stderr, "  expected error: %s:%d:%d: %s\n", err->file, err->line, err->col,
                err->msg);
    }
    return st;
}

static void test_bad_interceptor_files(void)
{
    bmd_load_error err;
    /* A user's file is an interceptor when it has a kill_vehicle section. */
    write_file("v.yaml", good_int);
    char path[512];
    snprintf(path, sizeof path, "%s/v.yaml", tmpdir);
    bmd_missile m;
    ENSURE(bmd_missile_load_file(path, NULL, false, &m, &err) == BMD_OK);
    ENSURE(m.interceptor);
    ENSURE(strcmp(m.klass, "interceptor") == 0);
    CHECK_NEAR(m.kv.min_altitude_m, 70e3, 1e-6);
    CHECK_NEAR(m.kv.max_altitude_m, 250e3, 1e-6);
    CHECK_NEAR(m.kv.divert_m_s, 500.0, 1e-9);
    CHECK_NEAR(m.kv.min_closing_m_s, 3000.0, 1e-9);
    bmd_missile_free(&m);
    write_file("v.yaml", good);
    ENSURE(bmd_missile_load_file(path, NULL, false, &m, &err) == BMD_OK);
    ENSURE(!m.interceptor);
    bmd_missile_free(&m);
    /* A catalog interceptor file must source every value. */
    ENSURE(load_text(good_int, true, &err) == BMD_ERR_PARSE);
    ENSURE(strstr(err.msg, "source") != NULL);
    /* A missing kill_vehicle field: located at the section. */
    expect_int_error("  divert_km_s: 0.5\n", "", 7, "kill_vehicle.divert_km_s: missing");
    expect_int_error("  min_closing_speed_km_s: 3\n", "", 7, "min_closing_speed_km_s");
    /* Min altitude not below max: located at the max. */
    expect_int_error("  max_altitude_km: 250\n", "  max_altitude_km: 70\n", 8, "not above");
    expect_int_error("  max_altitude_km: 250\n", "  max_altitude_km: 20\n", 8, "not above");
    expect_int_error("  min_altitude_km: 70\n", "  min_altitude_km: -1\n", 7, "negative");
    expect_int_error("  divert_km_s: 0.5\n", "  divert_km_s: -0.5\n", 9, "negative");
    expect_int_error("  divert_km_s: 0.5\n", "  divert_km_s: fast\n", 9, "expected a number");
    expect_int_error("  divert_km_s: 0.5\n", "  divert_km: 0.5\n", 9, "unknown field");
    expect_int_error("kill_vehicle:\n  min_altitude_km: 70\n  max_altitude_km: 250\n"
                     "  divert_km_s: 0.5\n  min_closing_speed_km_s: 3\n",
                     "kill_vehicle: yes\n", 6, "kill_vehicle: expected");
    /* No signature section in an interceptor file. */
    expect_int_error("name: Test interceptor\n",
                     "name: Test interceptor\nsignature:\n  booster_rcs_m2: 1\n  rv_rcs_m2: 0.1\n",
                     4, "signature: not allowed");
    /* The class follows the kill_vehicle section. */
    expect_int_error("name: Test interceptor\n", "name: Test interceptor\nclass: icbm\n", 3,
                     "class");
    expect_error("name: Test rocket\n", "name: Test rocket\nclass: interceptor\n", 3,
                 "kill_vehicle");

    /* The catalog: interceptors/ needs the kill_vehicle section; missiles/ refuses it; ids are
     * unique across missiles, sensors and interceptors. */
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/missiles/ss-27.yaml", bmd_data_dir());
    snprintf(p2, sizeof p2, "%s/interceptors/thaad.yaml", bmd_data_dir());
    char *ms = read_text(p1);
    char *is = read_text(p2);
    ENSURE(ms != NULL && is != NULL);
    if (ms && is) {
        ENSURE(load_small_catalog(ms, is, &err) == BMD_OK);
        /* Cut the kill_vehicle section (up to guidance:). */
        char *kv = strstr(is, "kill_vehicle:");
        char *gd = strstr(is, "guidance:");
        ENSURE(kv && gd && gd > kv);
        if (kv && gd && gd > kv) {
            size_t n = strlen(is) + 1;
            char *cut = malloc(n);
            if (cut) {
                snprintf(cut, n, "%.*s%s", (int)(kv - is), is, gd);
                ENSURE(load_small_catalog(ms, cut, &err) == BMD_ERR_PARSE);
                ENSURE(strstr(err.file, "interceptors/thaad.yaml") != NULL);
                ENSURE(err.line >= 1);
                ENSURE(strstr(err.msg, "kill_vehicle: missing") != NULL);
                free(cut);
            }
        }
        /* A signature section. */
        char *sig = replace(is, "guidance:", "signature:\n  booster_rcs_m2: {value: 1, source: "
                                             "\"test value\"}\nguidance:");
        ENSURE(sig != NULL);
        if (sig) {
            ENSURE(load_small_catalog(ms, sig, &err) == BMD_ERR_PARSE);
            ENSURE(strstr(err.file, "interceptors/thaad.yaml") != NULL && err.line >= 1);
            ENSURE(strstr(err.msg, "signature: not allowed") != NULL);
            free(sig);
        }
        /* An interceptor sharing a missile's id. */
        char *dup = replace(is, "id: thaad\n", "id: ss-27\n");
        ENSURE(dup != NULL);
        if (dup) {
            ENSURE(load_small_catalog(ms, dup, &err) == BMD_ERR_PARSE);
            ENSURE(strstr(err.msg, "used by another catalog file") != NULL);
            free(dup);
        }
        /* An interceptor file among the missiles. */
        ENSURE(load_small_catalog(is, is, &err) == BMD_ERR_PARSE);
        ENSURE(strstr(err.file, "missiles/ss-27.yaml") != NULL && err.line >= 1);
        ENSURE(strstr(err.msg, "belongs in interceptors/") != NULL);
    }
    free(ms);
    free(is);
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
    RUN(test_interceptor_ids);
    RUN(test_interceptor_sources);
    RUN(test_bad_interceptor_files);
    RUN(test_published);
    RUN(test_interceptor_published);
    RUN(test_interceptor_altitudes);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    bmd_catalog_free(cat);
    return test_summary();
}
