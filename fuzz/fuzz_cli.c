/* SPDX-License-Identifier: MIT */
/* fuzz_cli.c: the command-line parser. The input is a command line, one word a line (or words
 * separated by NUL bytes): the first word is a command, the rest its arguments. They go through
 * opts_parse with that command's option table, then each value through the parser its command
 * uses (parse_double, parse_latlon, parse_list, parse_format; --sensor ID@LAT,LON[,HEIGHT_M]).
 *
 * The option tables are the commands' own (cli/specs.h), so a command's new option is fuzzed
 * with no change here; the corpus in fuzz/corpus/cli/ names the options of each command. A
 * sweep's axes go through the library's axis parser (bmd_axis_parse). fuzz/README.md. */
#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <string.h>

#include "bmd/scenario.h"
#include "cli.h"
#include "sandbox.h"
#include "specs.h"

static const struct {
    const char *name;
    const opt_spec *spec;
} commands[] = {
    {"atmosphere", spec_atmosphere}, {"catalog", spec_catalog},
    {"detect", spec_detect},         {"track", spec_track},
    {"engage", spec_engage},         {"feasibility", spec_feasibility},
    {"threshold", spec_feasibility}, {"footprint", spec_footprint},
    {"run", spec_run},               {"trajectory", spec_trajectory},
    {"sweep", spec_sweep},           {"store", spec_store},
    {"report", spec_report},         {"serve", spec_serve},
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

/* Options whose values are names, paths or words: not numbers. */
static bool is_word(const char *name)
{
    static const char *const words[] = {"threat", "missile", "interceptor", "sensor", "cue",
                                        "shape",  "earth",   "out",         "csv",    "id",
                                        "format", "threats", "db",          "bind",   "port-file",
                                        NULL};
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
        bool sweep = strcmp(o->cmd, "sweep") == 0;
        if (sweep && (strcmp(name, "burnout-speed-km-s") == 0 || strcmp(name, "delay-s") == 0 ||
                      strcmp(name, "site-lat-deg") == 0 || strcmp(name, "site-lon-deg") == 0)) {
            bmd_axis ax;
            char why[200];
            if (bmd_axis_parse(v, -1e9, 1e9, "", &ax, why, sizeof why) == BMD_OK &&
                (ax.n < 1 || (ax.is_list && ax.n > BMD_AXIS_MAX_LIST)))
                sandbox_fail("bmd_axis_parse accepted an axis of no or too many values", v);
        } else if (sweep && strcmp(name, "site") == 0) {
            continue; /* site names */
        } else if (strcmp(name, "launch") == 0 || strcmp(name, "target") == 0 ||
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
