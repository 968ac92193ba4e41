/* SPDX-License-Identifier: MIT */
/* report.h: the offline HTML report of a run's output directory (docs/report.md): the page, its
 * data as a script, and the browser libraries it needs copied beside it. */
#ifndef BMD_CLI_REPORT_H
#define BMD_CLI_REPORT_H

#include <stdbool.h>

#include "cli.h"

/* Write dir/inputs.json: the scenario as loaded (sensors, threats, defended assets), the files
 * read with their SHA-256, the seed, and every parameter with its source (the scenario's and
 * those of the catalog entries it uses). scenario_path is the file as given. */
/* The files a scenario's results depend on: the scenario and its includes (as read), then the
 * catalog files of the entries it uses (missiles, interceptors, sensors), each once, in a fixed
 * order; the pointers are the scenario's and the catalog's. Returns their number, or -1 when
 * more than max. */
int report_input_files(const bmd_scenario *s, const bmd_catalog *cat, const char **paths,
                       int max);

/* The SHA-256 of the other input files' SHA-256s (report_input_files but the scenario itself,
 * and the catalog's drag.yaml), comma-separated in that order: what, beside the scenario file,
 * a study's or sweep's results depend on. Prints the error (naming the file). */
bool report_inputs_sha256(const char *C, const bmd_scenario *s, const bmd_catalog *cat,
                          char hex[65]);

bool report_inputs_write(const char *C, const bmd_scenario *s, const bmd_catalog *cat,
                         const char *scenario_path, const char *dir);

/* Write dir/report.html and dir/report/ (its script, style, data and libraries) from what
 * `bmdsim run --out` wrote in dir (summary.json first). Replaces an earlier report as a whole
 * (built beside it, then renamed into place). When the browser libraries are not installed,
 * the page is written without them, says which parts are unavailable, and one warning goes to
 * stderr; from_run: a missing template is a warning too (no page), else an error. Returns an exit code: EXIT_OK, EXIT_USAGE (dir is not a run's output, or a file in it
 * is malformed: the message names it) or EXIT_INTERNAL. */
int report_write(const char *C, const char *dir, bool from_run);

/* The directory of the report's templates and libraries: $BMDSIM_WEB, else the build-time
 * default (the source tree's web/). */
const char *report_web_dir(void);

#endif
