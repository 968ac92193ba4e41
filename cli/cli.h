/* SPDX-License-Identifier: MIT */
/* cli.h: the bmdsim command line. The only code that reads argv, prints, or chooses exit codes.
 * Exit codes: 0 success; 1 internal failure; 2 bad usage or input (named in the message);
 * 3 a well-posed question with no solution (an unreachable target). */
#ifndef BMD_CLI_H
#define BMD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "bmd/bmd.h"
#include "progress.h"

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2, EXIT_NO_SOLUTION = 3 };

/* One option of a command. */
typedef struct opt_spec {
    const char *name;  /* without the leading "--" */
    bool has_arg;
} opt_spec;

#define MAX_OPTS 40

/* Parsed options: value (or "" for flags) per spec index, NULL when absent; positionals. */
typedef struct opts {
    const char *cmd;
    const opt_spec *spec;
    int n_spec;
    const char *val[MAX_OPTS];
    int n_pos;
    const char *pos[8];
} opts;

/* Parse argv (after the command name). Prints the error and returns false on unknown options,
 * missing values, repeated options or too many positionals. */
bool opts_parse(opts *o, const char *cmd, const opt_spec *spec, int argc, char **argv);
/* A command's start: opts_parse, and --help printed (help) on stdout. Returns -1 to go on, or
 * the exit status to return at once: EXIT_USAGE after a parse error (said), EXIT_OK after
 * --help. */
int opts_begin(opts *o, const char *cmd, const opt_spec *spec, int argc, char **argv,
               const char *help);
const char *opt_get(const opts *o, const char *name);
bool opt_has(const opts *o, const char *name);

/* Print "bmdsim: <cmd>: <message>" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict parsing of numbers (the whole text, finite); each prints its own error naming the
 * option. */
bool parse_double(const char *cmd, const char *opt, const char *text, double *out);
bool parse_latlon(const char *cmd, const char *opt, const char *text, double *lat_deg,
                  double *lon_deg, double *h_m);
bool parse_list(const char *cmd, const char *opt, const char *text, double *vals, int n);
bool parse_format(const char *cmd, const opts *o, bool *json);

/* JSON helpers: non-finite numbers become null. False when cJSON could not allocate (or obj is
 * NULL): the member is missing. */
bool json_num(cJSON *obj, const char *key, double v);
/* Print and free. */
void json_print(cJSON *root);
/* A raid threat's "sensors": one object per scenario radar, in the scenario's order, with its id
 * ("sensor"), first detection and confirmed track in scenario time (null: never); the same in
 * bmdsim engage's JSON and in summary.json's raid.threats_run0. */
void json_raid_sensors(cJSON *threat, const bmd_raid *raid, const bmd_scenario *s, int i);

/* Text table helpers. */
void text_row(const char *key, double v, const char *unit, int decimals);

/* Load the catalog, printing errors. NULL on failure. */
/// Report a file's load error: [--opt: ]file:line:col: message (file: message without a line).
void cli_load_error(const char *cmd, const char *opt, const bmd_load_error *err);
/// Whether a command-line value names a file rather than a catalog id.
bool cli_looks_like_file(const char *arg);
bmd_catalog *cli_catalog(const char *cmd);
/* Resolve a vehicle: a catalog id, or the path of a vehicle file. Fills *m (owned by the
 * caller, free with bmd_missile_free when *owned). */
bool cli_vehicle(const char *cmd, const char *opt, const char *id_or_path, const bmd_catalog *cat,
                 bmd_missile *m, bool *owned);

/* Write text atomically: to path.tmp then rename. */
bool write_file_atomic(const char *cmd, const char *path, const char *data, size_t len);

/* The progress bar on stderr (prog_update, prog_count, prog_unit, prog_done): progress.h. */

int cmd_catalog(int argc, char **argv);
int cmd_atmosphere(int argc, char **argv);
int cmd_trajectory(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_feasibility(int argc, char **argv);
int cmd_threshold(int argc, char **argv);
int cmd_engage(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_footprint(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
