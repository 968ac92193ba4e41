/* SPDX-License-Identifier: MIT */
/* fuzz_cli.c: the command-line parser. The input is a command line, one word a line (or words
 * separated by NUL bytes): the first word is a command, the rest its arguments. They go through
 * opts_parse with that command's option table, then each value through the parser its command
 * uses (parse_double, parse_latlon, parse_list, parse_format; --sensor ID@LAT,LON[,HEIGHT_M]).
 *
 * The option tables are static inside cli/cmd_*.c, so they are copied here (SCENE_OPTS, shared by
 * detect and track, comes from cli/scene.h). When a command gains an option, add it here too;
 * the corpus in fuzz/corpus/cli/ names the options of each command. fuzz/README.md. */
#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sandbox.h"
#include "scene.h"

static const opt_spec spec_atmosphere[] = {{"altitude-km", true}, {"format", true},
                                           {"help", false}, {0}};
static const opt_spec spec_catalog[] = {{"format", true}, {"id", true}, {"sensors", false},
                                        {"help", false}, {0}};
static const opt_spec spec_scene[] = {SCENE_OPTS, {"csv", true}, {0}};
static const opt_spec spec_engage[] = {{"seed", true},   {"runs", true},  {"threads", true},
                                       {"format", true}, {"help", false}, {0}};
static const opt_spec spec_feasibility[] = {
    {"threat", true}, {"launch", true},          {"target", true}, {"site", true},
    {"interceptor", true}, {"site-altitude-m", true}, {"cue", true},
    {"burnout-speed-km-s", true}, {"seed", true}, {"format", true}, {"help", false}, {0}};
static const opt_spec spec_footprint[] = {
    {"threat", true},   {"launch", true},         {"site", true},     {"interceptor", true},
    {"site-altitude-m", true}, {"cue", true},     {"grid-deg", true}, {"region", true},
    {"refine", true},   {"threads", true},        {"seed", true},     {"format", true},
    {"out", true},      {"help", false},          {0}};
static const opt_spec spec_run[] = {{"out", true},      {"format", true},   {"threads", true},
                                    {"grid-deg", true}, {"no-guarantee-map", false},
                                    {"help", false},    {0}};
static const opt_spec spec_trajectory[] = {
    {"missile", true},  {"launch", true},       {"target", true},
    {"shape", true},    {"apogee-km", true},    {"azimuth", true},
    {"max-range", false}, {"kick-deg", true},   {"cutoff-s", true},
    {"burnout", true},  {"burnout-altitude-km", true}, {"ballistic-coefficient-kg-m2", true},
    {"earth", true},    {"no-rotation", false}, {"no-atmosphere", false},
    {"no-j2", false},   {"tolerance-m", true},  {"format", true},
    {"samples", true},  {"sample-interval-s", true}, {"help", false},
    {0}};

static const struct {
    const char *name;
    const opt_spec *spec;
} commands[] = {
    {"atmosphere", spec_atmosphere}, {"catalog", spec_catalog},
    {"detect", spec_scene},          {"track", spec_scene},
    {"engage", spec_engage},         {"feasibility", spec_feasibility},
    {"threshold", spec_feasibility}, {"footprint", spec_footprint},
    {"run", spec_run},               {"trajectory", spec_trajectory},
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

/* Options whose values are names, paths or words: not numbers. */
static bool is_word(const char *name)
{
    static const char *const words[] = {"threat", "missile", "interceptor", "sensor", "cue",
                                        "shape",  "earth",   "out",         "csv",    "id",
                                        "format", NULL};
    for (int i = 0; words[i]; i++)
        if (strcmp(name, words[i]) == 0)
            return true;
    return false;
}

/* Each given value through the parser its command uses. */
static void parse_values(const opts *o)
{
    bool json;
    parse_format(o->cmd, o, &json);
    for (int j = 0; j < o->n_spec; j++) {
        const char *name = o->spec[j].name;
        const char *v = o->val[j];
        if (opt_has(o, name) != (v != NULL) || opt_get(o, name) != v)
            sandbox_fail("opt_get disagrees with the parsed value", name);
        if (!v || !o->spec[j].has_arg)
            continue;
        double lat = 0.0;
        double lon = 0.0;
        double h = 0.0;
        double vals[4];
        if (strcmp(name, "launch") == 0 || strcmp(name, "target") == 0 ||
            strcmp(name, "site") == 0) {
            parse_latlon(o->cmd, name, v, &lat, &lon, NULL);
            parse_latlon(o->cmd, name, v, &lat, &lon, &h);
        } else if (strcmp(name, "region") == 0) {
            parse_list(o->cmd, name, v, vals, 4);
        } else if (strcmp(name, "burnout") == 0) {
            parse_list(o->cmd, name, v, vals, 3);
        } else if (strcmp(name, "sensor") == 0) {
            const char *at = strchr(v, '@');
            if (at)
                parse_latlon(o->cmd, name, at + 1, &lat, &lon, &h);
        } else if (!is_word(name)) {
            parse_double(o->cmd, name, v, &vals[0]);
        }
    }
}

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    /* Words: split at newlines and NUL bytes; a final newline ends the last word. */
    char *argv[MAX_WORDS + 1];
    int argc = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && argc < MAX_WORDS; i++) {
        if (i < size && buf[i] != '\n' && buf[i] != '\0')
            continue;
        if (i == size && start == size && argc > 0)
            break;
        buf[i] = '\0';
        argv[argc++] = buf + start;
        start = i + 1;
    }
    argv[argc] = NULL;
    int c = -1;
    for (int k = 0; argc > 0 && k < N_COMMANDS; k++)
        if (strcmp(argv[0], commands[k].name) == 0)
            c = k;
    if (c >= 0) {
        opts o;
        if (opts_parse(&o, commands[c].name, commands[c].spec, argc - 1, argv + 1)) {
            if (o.n_pos < 0 || o.n_pos > 8 || o.n_spec < 1 || o.n_spec > MAX_OPTS)
                sandbox_fail("opts_parse returned counts out of range", commands[c].name);
            parse_values(&o);
        }
    }
    free(buf);
    return 0;
}
