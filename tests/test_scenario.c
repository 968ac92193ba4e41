/* SPDX-License-Identifier: MIT */
/* test_scenario.c: scenario files. Includes and overrides (a later file wins a top-level key
 * wholesale, an analysis wholesale; lists are not appended; each key read from its own file), include
 * loops, self-includes and missing includes named at the including file's line; errors inside
 * an included file named at that file's line; the analyses section with its defaults and unit
 * conversions; malformed analyses named with file:line and the field path; every ready scenario
 * in scenarios/ loads. Expected values are written out here from the format's definition
 * (docs/scenario-format.md), not taken from the loader. */
#define _XOPEN_SOURCE 700 /* mkdtemp */

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmd/bmd.h"
#include "test.h"

static bmd_catalog *cat;
static char dir[256];

static const double deg = 3.14159265358979323846 / 180.0;

/* Write text to dir/name; returns the path (static buffer per slot). */
static const char *put(const char *name, const char *text)
{
    static char paths[8][512];
    static int slot;
    char *path = paths[slot];
    slot = (slot + 1) % 8;
    snprintf(path, 512, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ENSURE(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* The file name part of a path. */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Load path expecting failure at file (base name) and line, with the message containing each of
 * the NULL-terminated needles. */
static void expect_error(const char *path, const char *file, int line, const char *needle1,
                         const char *needle2)
{
    bmd_scenario s;
    bmd_load_error err;
    bmd_status st = bmd_scenario_load(path, cat, &s, &err);
    ENSURE(st != BMD_OK);
    if (st == BMD_OK) {
        bmd_scenario_free(&s);
        fprintf(stderr, "  %s loaded, wanted an error at %s:%d\n", path, file, line);
        return;
    }
    bool ok = strcmp(base_name(err.file), file) == 0 && err.line == line &&
              strstr(err.msg, needle1) != NULL && (!needle2 || strstr(err.msg, needle2) != NULL);
    ENSURE(ok);
    if (!ok)
        fprintf(stderr, "  wanted %s:%d: ...%s...%s...\n  got    %s:%d:%d: %s\n", file, line,
                needle1, needle2 ? needle2 : "", err.file, err.line, err.col, err.msg);
}

static bool load(const char *path, bmd_scenario *s)
{
    bmd_load_error err;
    bmd_status st = bmd_scenario_load(path, cat, s, &err);
    ENSURE(st == BMD_OK);
    if (st != BMD_OK) {
        fprintf(stderr, "  %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        return false;
    }
    return true;
}

/* A complete scenario to include: two sites, two threats, two analyses. */
static const char base_text[] =
    "name: base\n"                                                                   /* 1 */
    "seed: 7\n"                                                                      /* 2 */
    "sensors: [sbirs, tpy-2]\n"                                                      /* 3 */
    "sites:\n"                                                                       /* 4 */
    "  - {name: A, lat_deg: 40, lon_deg: 30, interceptor: sm3-ia, inventory: 4}\n"   /* 5 */
    "  - {name: B, lat_deg: 44, lon_deg: 26, interceptor: sm3-ib, inventory: 4}\n"   /* 6 */
    "threats:\n"                                                                     /* 7 */
    "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}\n"      /* 8 */
    "  - {missile: sejjil-2, launch: [38.08, 46.29], target: [44.43, 26.10]}\n"      /* 9 */
    "analyses:\n"                                                                    /* 10 */
    "  defended_area:\n"                                                             /* 11 */
    "    missile: sejjil-2\n"                                                        /* 12 */
    "    launch_areas: [{name: Tabriz, lat_deg: 38.08, lon_deg: 46.29}]\n"           /* 13 */
    "    grid_deg: 1.0\n"                                                            /* 14 */
    "    cue: ideal\n"                                                               /* 15 */
    "  feasibility_matrix:\n"                                                        /* 16 */
    "    bases: [{name: Kozelsk, lat_deg: 54.033, lon_deg: 35.767, missile: ss-19}]\n"
    "    targets: [{name: Washington, lat_deg: 38.951, lon_deg: -77.013}]\n";

static void test_cue_names(void)
{
    const char *names[] = {"ideal", "early-warning", "forward-radar", "site-radar"};
    for (int i = 0; i < BMD_N_CUES; i++) {
        bmd_cue c = BMD_CUE_SITE_RADAR;
        ENSURE(bmd_cue_parse(names[i], &c));
        ENSURE((int)c == i);
        ENSURE(strcmp(bmd_cue_name((bmd_cue)i), names[i]) == 0);
    }
    bmd_cue c = BMD_CUE_IDEAL;
    ENSURE(!bmd_cue_parse("psychic", &c));
    ENSURE(!bmd_cue_parse("Ideal", &c));
    ENSURE(!bmd_cue_parse(NULL, &c));
    ENSURE(c == BMD_CUE_IDEAL);
}

static void test_include_override(void)
{
    put("base.yaml", base_text);
    /* The including file replaces sites (one, not three) and the defended-area analysis
     * wholesale (its grid and cue fall back to the defaults, not to base's), keeps base's
     * threats, sensors, seed and feasibility matrix. */
    const char *top = put("top.yaml",
                          "include: base.yaml\n"
                          "name: top\n"
                          "sites:\n"
                          "  - {name: C, lat_deg: 54.47, lon_deg: 17.12, interceptor: sm3-iia, inventory: 24}\n"
                          "analyses:\n"
                          "  defended_area:\n"
                          "    missile: shahab-3\n"
                          "    launch_areas:\n"
                          "      - {name: Semnan, lat_deg: 35.23, lon_deg: 53.92}\n"
                          "      - {lat_deg: 33.49, lon_deg: 48.36}\n"
                          "  kaliningrad: true\n");
    bmd_scenario s;
    if (!load(top, &s))
        return;
    ENSURE(strcmp(s.name, "top") == 0);
    ENSURE(s.seed == 7);
    ENSURE(s.has_ew && s.n_sensors == 1);
    ENSURE(s.n_sites == 1 && strcmp(s.sites[0].name, "C") == 0);
    CHECK_NEAR(s.sites[0].lat_rad, 54.47 * deg, 1e-12);
    ENSURE(s.n_threats == 2);
    ENSURE(s.threats[1].missile == bmd_catalog_find(cat, "sejjil-2"));
    const bmd_scn_analyses *a = &s.analyses;
    ENSURE(a->defended_area && a->feasibility_matrix && !a->guarantees && a->kaliningrad);
    ENSURE(a->da.missile == bmd_catalog_find(cat, "shahab-3"));
    ENSURE(a->da.n_launch_areas == 2);
    ENSURE(strcmp(a->da.launch_areas[0].name, "Semnan") == 0);
    ENSURE(strcmp(a->da.launch_areas[1].name, "launch area 2") == 0);
    ENSURE(a->da.launch_areas[0].missile == NULL);
    CHECK_NEAR(a->da.launch_areas[1].lon_rad, 48.36 * deg, 1e-12);
    CHECK_NEAR(a->da.grid_deg, 0.5, 0);
    ENSURE(a->da.cue == BMD_CUE_FORWARD_RADAR);
    ENSURE(a->fm.n_bases == 1 && a->fm.bases[0].missile == bmd_catalog_find(cat, "ss-19"));
    ENSURE(a->fm.n_targets == 1 && strcmp(a->fm.targets[0].name, "Washington") == 0);
    /* Provenance: the files read (the scenario, then its include) and every value with its
     * source (a user's file gives none: said so). */
    ENSURE(s.n_files == 2 && strcmp(s.files[0], top) == 0);
    ENSURE(s.n_files == 2 && strstr(s.files[1], "/base.yaml") != NULL);
    bool lat_seen = false;
    for (int i = 0; i < s.n_params; i++) {
        ENSURE(s.params[i].source != NULL);
        if (strcmp(s.params[i].field, "sites[0].lat_deg") == 0) {
            lat_seen = true;
            CHECK_NEAR(s.params[i].value, 54.47, 0);
            ENSURE(strcmp(s.params[i].source, "(no source given: user file)") == 0);
        }
    }
    ENSURE(lat_seen);
    bmd_scenario_free(&s);
    ENSURE(s.n_params == 0 && s.params == NULL && s.n_files == 0);

    /* Precedence: include [x, y], y includes z: z, x, y, then the file; a later file wins. */
    put("z.yaml", "name: z\nseed: 3\ndoctrine: {mode: salvo, salvo: 2}\n");
    put("x.yaml", "name: x\nseed: 4\nsites: []\n");
    /* y sits in a sub-folder and includes z relative to itself. */
    put("sub/z.yaml", "name: z\nseed: 5\ndoctrine: {mode: salvo, salvo: 2}\n");
    put("sub/y.yaml", "include: [z.yaml]\nname: y\n");
    const char *f = put("prec.yaml", "include: [x.yaml, sub/y.yaml]\n"
                                     "threats:\n"
                                     "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}\n");
    if (load(f, &s)) {
        ENSURE(strcmp(s.name, "y") == 0);  /* y after x */
        ENSURE(s.seed == 5);               /* sub/z (x's 4 comes before y's include) */
        ENSURE(!s.doctrine.shoot_look_shoot && s.doctrine.salvo == 2);
        ENSURE(s.n_sites == 0 && s.n_threats == 1);
        ENSURE(!s.analyses.defended_area && !s.analyses.kaliningrad);
        bmd_scenario_free(&s);
    }
    /* A value that is overridden is never read: base's bad threats do not matter. */
    put("badthreats.yaml", "sites: []\nthreats: [{missile: scud-z, launch: [0, 0], target: [1, 1]}]\n");
    f = put("overbad.yaml", "include: badthreats.yaml\n"
                            "threats: [{missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}]\n");
    if (load(f, &s)) {
        ENSURE(s.n_threats == 1);
        bmd_scenario_free(&s);
    }
    /* An analysis set to false in a later file replaces true. */
    put("k.yaml", "analyses: {kaliningrad: true}\n");
    f = put("knot.yaml", "include: k.yaml\nsites: []\n"
                         "threats: [{missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}]\n"
                         "analyses: {kaliningrad: false}\n");
    if (load(f, &s)) {
        ENSURE(!s.analyses.kaliningrad);
        bmd_scenario_free(&s);
    }
}

static void test_include_errors(void)
{
    /* A file including itself: named at its include line. */
    const char *f = put("self.yaml", "name: self\nsites: []\ninclude: self.yaml\n");
    expect_error(f, "self.yaml", 3, "include", "includes itself");
    f = put("selfl.yaml", "name: self\ninclude:\n  - base.yaml\n  - ./selfl.yaml\n");
    expect_error(f, "selfl.yaml", 4, "include[1]", "includes itself");
    /* A loop a -> b -> a: named in b, the file that closes it. */
    put("loop-b.yaml", "# b\nname: b\ninclude: [loop-a.yaml]\n");
    f = put("loop-a.yaml", "name: a\n\ninclude: loop-b.yaml\n");
    expect_error(f, "loop-b.yaml", 3, "include[0]", "include loop");
    /* A missing file: named at the including line. */
    f = put("missing.yaml", "name: m\nsites: []\n\n\ninclude: [base.yaml, nowhere.yaml]\n");
    expect_error(f, "missing.yaml", 5, "include[1]", "cannot open \"nowhere.yaml\"");
    /* Not a file name. */
    f = put("incmap.yaml", "include: {a: 1}\n");
    expect_error(f, "incmap.yaml", 1, "include:", "file name");
    /* Too deep: d0 -> d1 -> ... each including the next. */
    char name[32];
    char text[64];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "deep%d.yaml", i);
        snprintf(text, sizeof text, "name: d%d\ninclude: deep%d.yaml\n", i, i + 1);
        put(name, text);
    }
    put("deep10.yaml", "name: d10\n");
    expect_error(put("deep.yaml", "include: deep0.yaml\n"), "deep7.yaml", 2, "include", "more than 8 deep");
    /* An error inside an included file names that file and its line. */
    put("badsite.yaml", "# sites\nsites:\n  - {name: s, lat_deg: 40, lon_deg: 30, interceptor: sm3-ia,\n"
                        "     inventory: -1}\n");
    f = put("usesbad.yaml", "include: badsite.yaml\n"
                            "threats: [{missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}]\n");
    expect_error(f, "badsite.yaml", 4, "sites[0].inventory", NULL);
    put("badan.yaml", "analyses:\n  defended_area:\n    missile: sejjil-2\n    launch_areas: [{lat_deg: 38, lon_deg: 46}]\n    cue: psychic\n");
    f = put("usesbadan.yaml", "include: badan.yaml\nsites: []\n"
                              "threats: [{missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}]\n");
    expect_error(f, "badan.yaml", 5, "analyses.defended_area.cue", "unknown cue \"psychic\"");
    /* A YAML syntax error inside an included file. */
    put("syntax.yaml", "name: [broken\n");
    f = put("usessyntax.yaml", "include: syntax.yaml\n");
    expect_error(f, "syntax.yaml", 2, "YAML syntax", NULL);
    /* Unknown keys stay errors, in included files too, and in the analyses of any file. */
    put("typo.yaml", "name: t\nsitez: []\n");
    f = put("usestypo.yaml", "include: typo.yaml\n");
    expect_error(f, "typo.yaml", 2, "unknown field \"sitez\"", NULL);
    put("typoan.yaml", "analyses:\n  defended_areas: {}\n");
    f = put("usestypoan.yaml", "include: typoan.yaml\n");
    expect_error(f, "typoan.yaml", 2, "analyses: unknown field \"defended_areas\"", NULL);
}

/* A valid scenario with the analyses text appended (it starts at line 6). */
static const char *with_analyses(const char *name, const char *analyses)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "name: an\n"
             "sites: []\n"
             "threats:\n"
             "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}\n"
             "analyses:\n"
             "%s",
             analyses);
    return put(name, text);
}

static void test_analyses_defaults(void)
{
    bmd_scenario s;
    /* No analyses: none asked for. */
    const char *f = put("none.yaml", "sites: []\n"
                                     "threats: [{missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}]\n");
    if (load(f, &s)) {
        const bmd_scn_analyses *a = &s.analyses;
        ENSURE(!a->defended_area && !a->feasibility_matrix && !a->guarantees && !a->kaliningrad);
        bmd_scenario_free(&s);
    }
    f = with_analyses("defaults.yaml",
                      "  defended_area:\n"
                      "    missile: sejjil-2\n"
                      "    launch_areas: [{name: Tabriz, lat_deg: 38.08, lon_deg: 46.29}]\n"
                      "  feasibility_matrix:\n"
                      "    bases: [{name: Tatishchevo, lat_deg: 51.667, lon_deg: 45.567, missile: ss-27}]\n"
                      "    targets: [{name: New York, lat_deg: 40.679, lon_deg: -73.947}]\n"
                      "  guarantees: {}\n"
                      "  kaliningrad: false\n");
    if (!load(f, &s))
        return;
    const bmd_scn_analyses *a = &s.analyses;
    ENSURE(a->defended_area && a->feasibility_matrix && a->guarantees && !a->kaliningrad);
    ENSURE(a->da.cue == BMD_CUE_FORWARD_RADAR);
    CHECK_NEAR(a->da.grid_deg, 0.5, 0);
    CHECK_NEAR(a->da.region.lat_min_rad, 0.593411945678072, 1e-14); /* 34 deg */
    CHECK_NEAR(a->da.region.lat_max_rad, 1.256637061435917, 1e-14); /* 72 deg */
    CHECK_NEAR(a->da.region.lon_min_rad, -0.436332312998582, 1e-14); /* -25 deg */
    CHECK_NEAR(a->da.region.lon_max_rad, 0.785398163397448, 1e-14); /* 45 deg */
    CHECK_NEAR(a->da.launch_areas[0].lat_rad, 0.6646213791594406, 1e-14); /* 38.08 deg (Python math.radians) */
    ENSURE(a->fm.n_cues == 4);
    ENSURE(a->fm.cues[0] == BMD_CUE_IDEAL && a->fm.cues[1] == BMD_CUE_EARLY_WARNING &&
           a->fm.cues[2] == BMD_CUE_FORWARD_RADAR && a->fm.cues[3] == BMD_CUE_SITE_RADAR);
    ENSURE(a->fm.n_delays == 1);
    CHECK_NEAR(a->fm.delays_s[0], 0.0, 0);
    ENSURE(a->fm.bases[0].missile == bmd_catalog_find(cat, "ss-27"));
    CHECK_NEAR(a->fm.targets[0].lon_rad, -1.2906186219722469, 1e-14); /* -73.947 deg */
    CHECK_NEAR(a->gu.burnout_speed_m_s, 5500.0, 0);
    ENSURE(a->gu.interceptor != NULL && a->gu.interceptor == bmd_catalog_find_interceptor(cat, "sm3-iib"));
    ENSURE(a->gu.cue == BMD_CUE_IDEAL);
    CHECK_NEAR(a->gu.grid_deg, 0.5, 0);
    CHECK_NEAR(a->gu.region.lat_min_rad, 0.523598775598299, 1e-14); /* 30 deg */
    CHECK_NEAR(a->gu.region.lat_max_rad, 1.308996938995747, 1e-14); /* 75 deg */
    CHECK_NEAR(a->gu.region.lon_min_rad, -0.523598775598299, 1e-14); /* -30 deg */
    CHECK_NEAR(a->gu.region.lon_max_rad, 0.785398163397448, 1e-14); /* 45 deg */
    bmd_scenario_free(&s);

    /* Everything given, some values with their sources. */
    f = with_analyses("given.yaml",
                      "  defended_area:\n"
                      "    missile: shahab-3\n"
                      "    launch_areas: [{name: Tabriz, lat_deg: 38.08, lon_deg: 46.29}]\n"
                      "    cue: site-radar\n"
                      "    grid_deg: {value: 0.25, source: \"test\"}\n"
                      "    region: {lat_min_deg: 30, lat_max_deg: 60, lon_min_deg: -10, lon_max_deg: 50}\n"
                      "  feasibility_matrix:\n"
                      "    bases: [{name: Uzhur, lat_deg: 55.333, lon_deg: 89.8, missile: ss-18}]\n"
                      "    targets: [{name: Washington, lat_deg: 38.951, lon_deg: -77.013}]\n"
                      "    cues: [site-radar, ideal]\n"
                      "    launch_delays_s: [0, {value: 60, source: \"test\"}, 3600]\n"
                      "  guarantees:\n"
                      "    burnout_speed_km_s: {value: 4.5, source: \"test\"}\n"
                      "    interceptor: sm3-iia\n"
                      "    cue: early-warning\n"
                      "    grid_deg: 5\n"
                      "    region: {lat_min_deg: -90, lat_max_deg: 90, lon_min_deg: -180, lon_max_deg: 180}\n"
                      "  kaliningrad: true\n");
    if (!load(f, &s))
        return;
    ENSURE(a->da.cue == BMD_CUE_SITE_RADAR);
    CHECK_NEAR(a->da.grid_deg, 0.25, 0);
    CHECK_NEAR(a->da.region.lat_max_rad, 1.047197551196598, 1e-14); /* 60 deg */
    CHECK_NEAR(a->da.region.lon_min_rad, -0.174532925199433, 1e-14); /* -10 deg */
    ENSURE(a->fm.n_cues == 2 && a->fm.cues[0] == BMD_CUE_SITE_RADAR && a->fm.cues[1] == BMD_CUE_IDEAL);
    ENSURE(a->fm.n_delays == 3);
    CHECK_NEAR(a->fm.delays_s[1], 60.0, 0);
    CHECK_NEAR(a->fm.delays_s[2], 3600.0, 0);
    CHECK_NEAR(a->gu.burnout_speed_m_s, 4500.0, 1e-9);
    ENSURE(a->gu.interceptor == bmd_catalog_find_interceptor(cat, "sm3-iia"));
    ENSURE(a->gu.cue == BMD_CUE_EARLY_WARNING);
    CHECK_NEAR(a->gu.grid_deg, 5.0, 0);
    CHECK_NEAR(a->gu.region.lon_max_rad, 3.141592653589793, 1e-14);
    ENSURE(a->kaliningrad);
    bmd_scenario_free(&s);
}

static void test_analyses_malformed(void)
{
    static const char da[] = "  defended_area:\n"               /* 6 */
                             "    missile: sejjil-2\n"          /* 7 */
                             "    launch_areas: [{lat_deg: 38.08, lon_deg: 46.29}]\n"; /* 8 */
#define FM_HEAD                                                                                   \
    "  feasibility_matrix:\n"                                           /* 6 */                   \
    "    bases:\n"                                                      /* 7 */                   \
    "      - {lat_deg: 54.033, lon_deg: 35.767, missile: ss-19}\n"     /* 8 */                   \
    "      - {lat_deg: 51.667, lon_deg: 45.567, missile: ss-27}\n"     /* 9 */
    static const char fm[] = FM_HEAD
        "      - {lat_deg: 56.850, lon_deg: 40.533, missile: rs-24}\n"  /* 10 */
        "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n";         /* 11 */
    static const char fm_bad[] = FM_HEAD
        "      - {lat_deg: 56.850, lon_deg: 40.533, missile: ss-99}\n"  /* 10 */
        "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n";         /* 11 */
#undef FM_HEAD
    char t[2048];
    const char *f;
    /* Wrong types. */
    f = with_analyses("m1.yaml", "  defended_area:\n    missile: sejjil-2\n    launch_areas: 5\n");
    expect_error(f, "m1.yaml", 8, "analyses.defended_area.launch_areas: expected a list", NULL);
    f = with_analyses("m2.yaml", "  defended_area: [1, 2]\n");
    expect_error(f, "m2.yaml", 6, "analyses.defended_area: expected a mapping", NULL);
    f = with_analyses("m3.yaml", "  kaliningrad: yes please\n");
    expect_error(f, "m3.yaml", 6, "analyses.kaliningrad: expected true or false", NULL);
    f = with_analyses("m3b.yaml", "  kaliningrad: \"true\"\n");
    expect_error(f, "m3b.yaml", 6, "analyses.kaliningrad", NULL);
    snprintf(t, sizeof t, "%s    grid_deg: fine\n", da);
    f = with_analyses("m4.yaml", t);
    expect_error(f, "m4.yaml", 9, "analyses.defended_area.grid_deg: expected a number", NULL);
    /* Unknown cue. */
    snprintf(t, sizeof t, "%s    cue: psychic\n", da);
    f = with_analyses("m5.yaml", t);
    expect_error(f, "m5.yaml", 9, "analyses.defended_area.cue: unknown cue \"psychic\"", NULL);
    snprintf(t, sizeof t, "%s    cues: [ideal, telepathy]\n", fm);
    f = with_analyses("m6.yaml", t);
    expect_error(f, "m6.yaml", 12, "analyses.feasibility_matrix.cues[1]: unknown cue \"telepathy\"",
                 NULL);
    snprintf(t, sizeof t, "%s    cues: [ideal, ideal]\n", fm);
    f = with_analyses("m6b.yaml", t);
    expect_error(f, "m6b.yaml", 12, "cues[1]", "twice");
    /* Out-of-range grid, both ends. */
    snprintf(t, sizeof t, "%s    grid_deg: 0.01\n", da);
    f = with_analyses("m7.yaml", t);
    expect_error(f, "m7.yaml", 9, "analyses.defended_area.grid_deg: 0.01 is outside [0.05, 5]", NULL);
    f = with_analyses("m8.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-19}]\n"
                                 "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n"
                                 "  guarantees:\n    grid_deg: {value: 6, source: x}\n");
    expect_error(f, "m8.yaml", 10, "analyses.guarantees.grid_deg: 6 is outside", NULL);
    /* Region min > max, latitude beyond 90, a field missing. */
    snprintf(t, sizeof t, "%s    region: {lat_min_deg: 72, lat_max_deg: 34, lon_min_deg: -25, lon_max_deg: 45}\n", da);
    f = with_analyses("m9.yaml", t);
    expect_error(f, "m9.yaml", 9, "analyses.defended_area.region.lat_min_deg: 72 is not below", NULL);
    snprintf(t, sizeof t, "%s    region:\n      lat_min_deg: 34\n      lat_max_deg: 72\n      lon_min_deg: 45\n      lon_max_deg: -25\n", da);
    f = with_analyses("m10.yaml", t);
    expect_error(f, "m10.yaml", 12, "analyses.defended_area.region.lon_min_deg: 45 is not below", NULL);
    snprintf(t, sizeof t, "%s    region: {lat_min_deg: 34, lat_max_deg: 95, lon_min_deg: -25, lon_max_deg: 45}\n", da);
    f = with_analyses("m11.yaml", t);
    expect_error(f, "m11.yaml", 9, "region.lat_max_deg: 95 is outside", NULL);
    snprintf(t, sizeof t, "%s    region: {lat_min_deg: 34, lat_max_deg: 72, lon_min_deg: -25}\n", da);
    f = with_analyses("m12.yaml", t);
    expect_error(f, "m12.yaml", 9, "region.lon_max_deg: missing", NULL);
    /* Unknown missile and interceptor, place out of range, missing required fields. */
    f = with_analyses("m13.yaml", fm_bad);
    expect_error(f, "m13.yaml", 10,
                 "analyses.feasibility_matrix.bases[2].missile: unknown missile \"ss-99\" (bmdsim catalog)",
                 NULL);
    f = with_analyses("m14.yaml", "  defended_area:\n    missile: sm3-iib\n    launch_areas: [{lat_deg: 38, lon_deg: 46}]\n");
    expect_error(f, "m14.yaml", 7, "analyses.defended_area.missile: unknown missile \"sm3-iib\"", NULL);
    f = with_analyses("m15.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-19}]\n"
                                  "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n"
                                  "  guarantees:\n    interceptor: sm9\n");
    expect_error(f, "m15.yaml", 10, "analyses.guarantees.interceptor: unknown interceptor \"sm9\"", NULL);
    f = with_analyses("m16.yaml", "  defended_area:\n    missile: sejjil-2\n    launch_areas:\n"
                                  "      - {name: far, lat_deg: 98, lon_deg: 46}\n");
    expect_error(f, "m16.yaml", 9, "analyses.defended_area.launch_areas[0].lat_deg: 98 is outside", NULL);
    f = with_analyses("m17.yaml", "  defended_area:\n    launch_areas: [{lat_deg: 38, lon_deg: 46}]\n");
    expect_error(f, "m17.yaml", 7, "analyses.defended_area.missile: missing", NULL);
    f = with_analyses("m18.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35}]\n"
                                  "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n");
    expect_error(f, "m18.yaml", 7, "analyses.feasibility_matrix.bases[0].missile: missing", NULL);
    f = with_analyses("m19.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-19}]\n");
    expect_error(f, "m19.yaml", 7, "analyses.feasibility_matrix.targets: missing", NULL);
    f = with_analyses("m20.yaml", "  defended_area:\n    missile: sejjil-2\n    launch_areas: []\n");
    expect_error(f, "m20.yaml", 8, "launch_areas: 0 entries: expected 1 to 32", NULL);
    /* 33 launch areas: one too many. */
    char many[2048] = "  defended_area:\n    missile: sejjil-2\n    launch_areas:\n";
    for (int i = 0; i < 33; i++)
        strcat(many, "      - {lat_deg: 38, lon_deg: 46}\n");
    f = with_analyses("m21.yaml", many);
    expect_error(f, "m21.yaml", 9, "launch_areas: 33 entries: expected 1 to 32", NULL);
    /* Guarantees without a feasibility matrix; speeds and delays out of range. */
    f = with_analyses("m22.yaml", "  guarantees: {burnout_speed_km_s: 5}\n");
    expect_error(f, "m22.yaml", 6, "analyses.guarantees: needs analyses.feasibility_matrix", NULL);
    snprintf(t, sizeof t, "%s  guarantees: {burnout_speed_km_s: 0.5}\n", fm);
    f = with_analyses("m23.yaml", t);
    expect_error(f, "m23.yaml", 12, "analyses.guarantees.burnout_speed_km_s: 0.5 is outside (0.5, 12]", NULL);
    f = with_analyses("m24.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-19}]\n"
                                  "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n"
                                  "    launch_delays_s: [0, 60,\n      3601]\n");
    expect_error(f, "m24.yaml", 10, "analyses.feasibility_matrix.launch_delays_s[2]: 3601 is outside [0, 3600]", NULL);
    f = with_analyses("m25.yaml", "  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-19}]\n"
                                  "    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n"
                                  "    launch_delays_s: [{value: 60, sauce: x}]\n");
    expect_error(f, "m25.yaml", 9, "launch_delays_s[0]: unknown field \"sauce\"", NULL);
    /* Unknown fields inside an analysis and inside a place. */
    snprintf(t, sizeof t, "%s    colour: red\n", da);
    f = with_analyses("m26.yaml", t);
    expect_error(f, "m26.yaml", 9, "analyses.defended_area: unknown field \"colour\"", NULL);
    f = with_analyses("m27.yaml", "  defended_area:\n    missile: sejjil-2\n    launch_areas: [{lat_deg: 38, lon_deg: 46, missile: ss-19}]\n");
    expect_error(f, "m27.yaml", 8, "launch_areas[0]: unknown field \"missile\"", NULL);
}

/* analyses.sweep: the axes bmdsim sweep takes from the file, read by the flags' own parser (the
 * same values, to the bit, as the same text given as an option); errors with file and line. */
static void test_sweep_declared(void)
{
    static const char head[] =
        "name: sw\n"                                                                       /* 1 */
        "sites:\n"                                                                         /* 2 */
        "  - {name: Redzikowo, lat_deg: 54.47, lon_deg: 17.12, interceptor: sm3-iib, inventory: 8}\n" /* 3 */
        "  - {name: Deveselu, lat_deg: 44.08, lon_deg: 24.41, interceptor: sm3-ib, inventory: 8}\n" /* 4 */
        "threats:\n"                                                                       /* 5 */
        "  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86]}\n"        /* 6 */
        "analyses:\n"                                                                      /* 7 */
        "  sweep:\n";                                                                      /* 8 */
    char t[2048];
    bmd_scenario s;
    snprintf(t, sizeof t, "%s    threats: raid\n    sites: [Dev, 0]\n"
             "    burnout_speed_km_s: \"3:6:0.1\"\n    cues: [early-warning, ideal]\n"
             "    launch_delays_s: [0, 60, 120]\n", head);
    if (load(put("sw1.yaml", t), &s)) {
        const bmd_scn_sweep *w = &s.analyses.sw;
        ENSURE(s.analyses.sweep && w->threats == 2);
        ENSURE(w->n_sites == 2 && w->sites[0] == 1 && w->sites[1] == 0);
        bmd_axis ref;
        ENSURE(bmd_axis_parse("3:6:0.1", 0.5, 11.0, "km/s", &ref, NULL, 0) == BMD_OK);
        const bmd_axis *v = &w->burnout_speed_km_s;
        ENSURE(w->has_speed && !v->is_list && v->n == 31 && v->n == ref.n);
        ENSURE(memcmp(&v->a, &ref.a, sizeof v->a) == 0 && memcmp(&v->step, &ref.step, sizeof v->step) == 0);
        CHECK_NEAR(bmd_axis_value(v, 30), 6.0, 1e-12);
        CHECK_NEAR(bmd_axis_value(v, 7), 3.7, 1e-12);
        const bmd_axis *dl = &w->launch_delay_s;
        ENSURE(w->has_delay && dl->is_list && dl->n == 3 && dl->list[0] == 0.0 && dl->list[2] == 120.0);
        ENSURE(w->n_cues == 2 && w->cues[0] == BMD_CUE_EARLY_WARNING && w->cues[1] == BMD_CUE_IDEAL);
        ENSURE(!w->has_lat && !w->has_lon);
        bmd_scenario_free(&s);
    }
    /* One value; all cues; a moved site. */
    snprintf(t, sizeof t, "%s    sites: [Redzikowo]\n    burnout_speed_km_s: 4.5\n    cues: all\n"
             "    site_lat_deg: \"50:60:2\"\n", head);
    if (load(put("sw2.yaml", t), &s)) {
        const bmd_scn_sweep *w = &s.analyses.sw;
        ENSURE(w->threats == 0 && w->n_sites == 1 && w->sites[0] == 0);
        ENSURE(w->burnout_speed_km_s.is_list && w->burnout_speed_km_s.n == 1 &&
               w->burnout_speed_km_s.list[0] == 4.5);
        ENSURE(w->n_cues == 4 && w->has_lat && w->site_lat_deg.n == 6 && !w->has_lon);
        bmd_scenario_free(&s);
    }
    /* Errors: the line of the value and the field. */
    snprintf(t, sizeof t, "%s    burnout_speed_km_s: 20\n", head);
    expect_error(put("sw3.yaml", t), "sw3.yaml", 9,
                 "analyses.sweep.burnout_speed_km_s: 20 km/s is outside [0.5, 11] km/s", NULL);
    snprintf(t, sizeof t, "%s    launch_delays_s: \"60:0:30\"\n", head);
    expect_error(put("sw4.yaml", t), "sw4.yaml", 9, "analyses.sweep.launch_delays_s", "an empty range");
    snprintf(t, sizeof t, "%s    launch_delays_s: [0, x]\n", head);
    expect_error(put("sw5.yaml", t), "sw5.yaml", 9, "analyses.sweep.launch_delays_s", "\"x\" is not a finite number");
    snprintf(t, sizeof t, "%s    sites: [Redzikowo, Thule]\n", head);
    expect_error(put("sw6.yaml", t), "sw6.yaml", 9, "analyses.sweep.sites[1]: \"Thule\" is not one of the scenario's sites", NULL);
    snprintf(t, sizeof t, "%s    cues: [ideal, ideal]\n", head);
    expect_error(put("sw7.yaml", t), "sw7.yaml", 9, "analyses.sweep.cues[1]: \"ideal\" is given twice", NULL);
    snprintf(t, sizeof t, "%s    threats: matrix\n", head);
    expect_error(put("sw8.yaml", t), "sw8.yaml", 9, "analyses.sweep.threats: matrix needs analyses.feasibility_matrix", NULL);
    snprintf(t, sizeof t, "%s    speeds: \"3:4:1\"\n", head);
    expect_error(put("sw9.yaml", t), "sw9.yaml", 9, "analyses.sweep: unknown field \"speeds\"", NULL);
    snprintf(t, sizeof t, "%s    site_lon_deg: [10, 20]\n", head);
    expect_error(put("sw10.yaml", t), "sw10.yaml", 9, "site_lat_deg and site_lon_deg move one site", NULL);
    snprintf(t, sizeof t, "%s    burnout_speed_km_s: {from: 3}\n", head);
    expect_error(put("sw11.yaml", t), "sw11.yaml", 9, "analyses.sweep.burnout_speed_km_s: expected A:B:STEP", NULL);
}

/* analyses.cue_definitions: what each cue means in a scenario; defaults; errors. */
static void test_cue_definitions(void)
{
    bmd_scenario s;
    const char *f = with_analyses("cd0.yaml", "  kaliningrad: false\n");
    if (load(f, &s)) {
        for (int q = 0; q < BMD_N_CUES; q++)
            ENSURE(!s.analyses.cue_defs[q].sensor && !s.analyses.cue_defs[q].placed &&
                   !s.analyses.cue_defs[q].has_delay);
        bmd_scenario_free(&s);
    }
    f = with_analyses("cd1.yaml",
                      "  cue_definitions:\n"
                      "    forward-radar: {sensor: tpy-2-nrc, lat_deg: 54.47, lon_deg: 17.12,\n"
                      "                    height_m: 30, delay_s: {value: 20, source: notional}}\n"
                      "    site-radar: {sensor: spy-1-ashore}\n"
                      "    early-warning: {delay_s: 60}\n");
    if (load(f, &s)) {
        const bmd_scn_cue_def *fr = &s.analyses.cue_defs[BMD_CUE_FORWARD_RADAR];
        ENSURE(fr->sensor && strcmp(fr->sensor->radar.id, "tpy-2-nrc") == 0);
        ENSURE(fr->placed);
        CHECK_NEAR(fr->lat_rad, 54.47 * deg, 1e-15);
        CHECK_NEAR(fr->lon_rad, 17.12 * deg, 1e-15);
        CHECK_NEAR(fr->h_m, 30.0, 0.0);
        ENSURE(fr->has_delay);
        CHECK_NEAR(fr->delay_s, 20.0, 0.0);
        const bmd_scn_cue_def *sr = &s.analyses.cue_defs[BMD_CUE_SITE_RADAR];
        ENSURE(sr->sensor && strcmp(sr->sensor->radar.id, "spy-1-ashore") == 0 && !sr->placed &&
               !sr->has_delay);
        const bmd_scn_cue_def *ew = &s.analyses.cue_defs[BMD_CUE_EARLY_WARNING];
        ENSURE(!ew->sensor && ew->has_delay);
        CHECK_NEAR(ew->delay_s, 60.0, 0.0);
        bmd_scenario_free(&s);
    }
    f = with_analyses("cd2.yaml", "  cue_definitions:\n    ideal: {delay_s: 5}\n");
    expect_error(f, "cd2.yaml", 7, "analyses.cue_definitions.ideal", "no sensor");
    f = with_analyses("cd3.yaml", "  cue_definitions:\n    forward-radar: {sensor: sbirs}\n");
    expect_error(f, "cd3.yaml", 7, "analyses.cue_definitions.forward-radar.sensor",
                 "needs a radar");
    f = with_analyses("cd4.yaml", "  cue_definitions:\n    early-warning: {sensor: tpy-2}\n");
    expect_error(f, "cd4.yaml", 7, "early-warning.sensor", "needs an early-warning sensor");
    f = with_analyses("cd5.yaml", "  cue_definitions:\n    site-radar: {sensor: spy-1d, lat_deg: 1, "
                                  "lon_deg: 2}\n");
    expect_error(f, "cd5.yaml", 7, "analyses.cue_definitions.site-radar", "lat_deg");
    f = with_analyses("cd6.yaml", "  cue_definitions:\n    forward-radar: {delay_s: -1}\n");
    expect_error(f, "cd6.yaml", 7, "forward-radar.delay_s", "outside [0, 3600]");
    f = with_analyses("cd7.yaml", "  cue_definitions:\n    forward-radar: {sensor: nope}\n");
    expect_error(f, "cd7.yaml", 7, "unknown sensor \"nope\"", NULL);
    f = with_analyses("cd8.yaml", "  cue_definitions: [forward-radar]\n");
    expect_error(f, "cd8.yaml", 6, "analyses.cue_definitions", "expected a mapping");
}

/* Every ready scenario in scenarios/ and scenarios/literature/ loads; spot checks of what the shared pieces give. */
static void test_ready_scenarios(void)
{
    char sdir[1024];
    snprintf(sdir, sizeof sdir, "%s/../scenarios", bmd_data_dir());
    /* scenarios/ and the literature's scenarios/literature/. */
    int counts[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
        char ldir[1100];
        snprintf(ldir, sizeof ldir, pass ? "%s/literature" : "%s", sdir);
        DIR *dp = opendir(ldir);
        ENSURE(dp != NULL);
        if (!dp)
            continue;
        struct dirent *e;
        while ((e = readdir(dp)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
                continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", ldir, e->d_name);
            bmd_scenario s;
            if (load(path, &s)) {
                ENSURE(s.n_threats >= 1 && s.n_threats <= 40);
                ENSURE(s.name[0] != '\0');
                bmd_scenario_free(&s);
            } else {
                fprintf(stderr, "  (%s)\n", path);
            }
            counts[pass]++;
        }
        closedir(dp);
    }
    ENSURE(counts[0] >= 10);
    ENSURE(counts[1] >= 4);

    /* The nine Russian bases of the shared piece, through phase 4. */
    char path[2048];
    snprintf(path, sizeof path, "%s/phase4-russian-icbms.yaml", sdir);
    bmd_scenario s;
    if (load(path, &s)) {
        const bmd_scn_analyses *a = &s.analyses;
        ENSURE(a->feasibility_matrix && a->fm.n_bases == 9 && a->fm.n_targets == 2);
        ENSURE(strcmp(a->fm.bases[0].name, "Kozelsk") == 0);
        ENSURE(a->fm.bases[0].missile == bmd_catalog_find(cat, "ss-19"));
        CHECK_NEAR(a->fm.bases[0].lat_rad, 54.033 * deg, 1e-12);
        ENSURE(a->guarantees && a->defended_area);
        ENSURE(a->da.missile == bmd_catalog_find(cat, "iran-icbm-notional"));
        bmd_scenario_free(&s);
    }
    snprintf(path, sizeof path, "%s/kaliningrad-s400-voronezh.yaml", sdir);
    if (load(path, &s)) {
        ENSURE(s.analyses.kaliningrad);
        ENSURE(s.n_sites == 1 && s.sites[0].interceptor == bmd_catalog_find_interceptor(cat, "s400-48n6"));
        bmd_scenario_free(&s);
    }
}

int main(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/bmd_test_scenario_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    if (mkdir(sub, 0700) != 0) {
        perror("mkdir");
        return 1;
    }
    RUN(test_cue_names);
    RUN(test_include_override);
    RUN(test_include_errors);
    RUN(test_analyses_defaults);
    RUN(test_analyses_malformed);
    RUN(test_cue_definitions);
    RUN(test_sweep_declared);
    RUN(test_ready_scenarios);
    bmd_catalog_free(cat);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
