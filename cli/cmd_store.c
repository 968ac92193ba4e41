/* SPDX-License-Identifier: MIT */
/* cmd_store.c: bmdsim store export FILE: the chunks of a results store (engage --db) as CSV or
 * JSON (docs/store.md). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"

static const char help[] =
    "usage: bmdsim store export FILE [--format csv|json] [--out PATH]\n"
    "\n"
    "Exports a results store written by bmdsim engage SCENARIO --runs N --db FILE\n"
    "(docs/store.md). CSV (the default): one row a committed chunk of Monte Carlo runs,\n"
    "first_run,runs,any_leak,leakers,fired,threat_<i>_leaks...,committed_utc. JSON: the study\n"
    "(scenario path and SHA-256, seed, bmdsim version, runs requested, chunk size, stopping\n"
    "rule), the totals over the chunks with the leak probability and its 95% Wilson interval,\n"
    "and the chunks. Read in one transaction: a study still being written is exported as of its\n"
    "last commit. --out PATH writes the file atomically instead of standard output.\n";

int cmd_store(int argc, char **argv)
{
    static const char *C = "store";
    static const opt_spec spec[] = {{"format", true}, {"out", true}, {"help", false}, {0}};
    opts o;
    if (!opts_parse(&o, C, spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(&o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (o.n_pos < 1 || strcmp(o.pos[0], "export") != 0) {
        cli_error(C, "expected: store export FILE (see bmdsim store --help)");
        return EXIT_USAGE;
    }
    if (o.n_pos != 2) {
        cli_error(C, "export: expected one FILE, the results store (see bmdsim store --help)");
        return EXIT_USAGE;
    }
    bool json = false;
    const char *f = opt_get(&o, "format");
    if (f && strcmp(f, "json") == 0)
        json = true;
    else if (f && strcmp(f, "csv") != 0) {
        cli_error(C, "--format: \"%s\": expected csv or json", f);
        return EXIT_USAGE;
    }
    char *text = NULL;
    if (!store_export(C, o.pos[1], json, &text))
        return EXIT_USAGE;
    int rc = EXIT_OK;
    if (opt_has(&o, "out")) {
        if (!write_file_atomic(C, opt_get(&o, "out"), text, strlen(text)))
            rc = EXIT_USAGE;
    } else {
        fputs(text, stdout);
    }
    free(text);
    return rc;
}
