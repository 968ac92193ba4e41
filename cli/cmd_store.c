/* SPDX-License-Identifier: MIT */
/* cmd_store.c: bmdsim store export FILE: the chunks of a results store (engage --db) as CSV or
 * JSON (docs/store.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "sweep_store.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim store export FILE [--format csv|json] [--out PATH]\n"
    "\n"
    "Exports a results store written by bmdsim engage SCENARIO --runs N --db FILE\n"
    "(docs/store.md). CSV (the default): one row a committed chunk of Monte Carlo runs,\n"
    "first_run,runs,any_leak,leakers,fired,threat_<i>_leaks...,committed_utc. JSON: the study\n"
    "(scenario path and SHA-256, seed, bmdsim version, runs requested, chunk size, stopping\n"
    "rule), the totals over the chunks with the leak probability and its 95% Wilson interval,\n"
    "and the chunks. Read in one transaction: a study still being written is exported as of its\n"
    "last commit. --out PATH writes the file atomically instead of standard output.\n"
    "\n"
    "A store written by bmdsim sweep SCENARIO --db FILE exports its committed cases in case\n"
    "order, the same text bmdsim sweep prints without --db: CSV, one row per (case, threat,\n"
    "site); JSON, the sweep (scenario, axes, threats, sites) and the cases with their rows\n"
    "(docs/sweep.md).\n";

/* A sweep's rows, streamed: to standard output, or to PATH.tmp renamed to PATH when complete. */
static int export_sweep(const char *C, const char *path, bool json, const char *out)
{
    if (!out)
        return sweep_store_export(C, path, json, stdout) ? EXIT_OK : EXIT_USAGE;
    size_t n = strlen(out) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error(C, "out of memory");
        return EXIT_INTERNAL;
    }
    snprintf(tmp, n, "%s.tmp", out);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_error(C, "--out: cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return EXIT_USAGE;
    }
    bool ok = sweep_store_export(C, path, json, f);
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, out) != 0) {
        cli_error(C, "--out: cannot write %s: %s", out, strerror(errno));
        ok = false;
    }
    if (!ok)
        remove(tmp);
    free(tmp);
    return ok ? EXIT_OK : EXIT_USAGE;
}

int cmd_store(int argc, char **argv)
{
    static const char *C = "store";
    opts o;
    int begun = opts_begin(&o, C, spec_store, argc, argv, help);
    if (begun >= 0)
        return begun;
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
    bool sweep = false;
    if (!sweep_store_is_sweep(C, o.pos[1], &sweep))
        return EXIT_INTERNAL;
    if (sweep)
        return export_sweep(C, o.pos[1], json, opt_get(&o, "out"));
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
