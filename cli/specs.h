/* SPDX-License-Identifier: MIT */
/* specs.h: the option table of each command (cli.h's opt_spec), in one place: the commands
 * parse with them, and the command-line fuzzer (fuzz/fuzz_cli.c) runs the same tables, so that
 * it follows every option a command gains. */
#ifndef BMD_CLI_SPECS_H
#define BMD_CLI_SPECS_H

#include "cli.h"

extern const opt_spec spec_atmosphere[];
extern const opt_spec spec_catalog[];
extern const opt_spec spec_detect[];
extern const opt_spec spec_engage[];
extern const opt_spec spec_footprint[];
extern const opt_spec spec_report[];
extern const opt_spec spec_run[];
extern const opt_spec spec_serve[];
extern const opt_spec spec_store[];
extern const opt_spec spec_sweep[];
extern const opt_spec spec_track[];
extern const opt_spec spec_trajectory[];
extern const opt_spec spec_feasibility[];

#endif
