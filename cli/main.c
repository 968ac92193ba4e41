/* SPDX-License-Identifier: MIT */
/* main.c: bmdsim's entry point: dispatches to one file per subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ranks.h"

static const char usage[] =
    "bmdsim " BMD_VERSION ": an open, physics-based simulator of ballistic missile defence\n"
    "\n"
    "usage: bmdsim --version | --help | <command> --help\n"
    "       bmdsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO]   the main job: with no argument, the December 2011 system, phase by\n"
    "                   phase; with a scenario, its analyses (--out DIR: tables, maps)\n"
    "  report DIR       (re)write DIR/report.html, the offline HTML report of a run's --out\n"
    "  trajectory       fly a missile to a target, to maximum range, or from a burnout state\n"
    "  detect           when each sensor sees, detects and tracks a threat\n"
    "  track            the track filter across the sensors, with impact prediction\n"
    "  feasibility      can an interceptor from a site engage a threat, and if not, why\n"
    "  threshold        the least interceptor burnout speed that could engage a threat\n"
    "  footprint        the aim points one site defends against a threat from a launch area\n"
    "  engage SCENARIO  play a raid against a defense; --runs N for Monte Carlo (--db FILE:\n"
    "                   into a results store, --resume; --ci-width W: a stopping rule)\n"
    "  sweep SCENARIO   a sweep over assumptions (burnout speed, cue, delay, site place):\n"
    "                   every case's rows as CSV or JSON, or into a store (--db FILE, --resume)\n"
    "  store export F   a results store's chunks, or a sweep's rows, as CSV or JSON\n"
    "  catalog          list the catalog's missiles, sensors and interceptors with sources\n"
    "  atmosphere       the U.S. Standard Atmosphere 1976 at an altitude\n"
    "  serve DIR        serve a report directory over HTTP on this machine only (loopback,\n"
    "                   read-only) for the browser\n"
    "\n"
    "JSON goes to stdout with --format json, diagnostics to stderr.\n"
    "Exit status: 0 ok, 1 internal error, 2 bad usage or input, 3 no solution (e.g. an\n"
    "unreachable target). Data files: $BMDSIM_DATA, default " BMD_DATA_DIR ".\n";

/* At exit: what went to stdout must have been written (a full disk, /dev/full, a closed
 * terminal): else say so and fail, whatever the command returned. */
static void check_stdout(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        fprintf(stderr, "bmdsim: cannot write the output: %s\n",
                e ? strerror(e) : "write error");
        _exit(EXIT_INTERNAL);
    }
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(c, "--version") == 0) {
        printf("bmdsim %s (%s)\n", BMD_VERSION, ranks_impl());
        return EXIT_OK;
    }
    /* Distributed over MPI ranks: engage's Monte Carlo runs, sweep's cases, and the map grids of
     * run and footprint (docs/mpi.md). Any other command runs on rank 0 alone, the other ranks
     * waiting for it to end. */
    if (ranks_rank() > 0 && strcmp(c, "engage") != 0 && strcmp(c, "sweep") != 0 &&
        strcmp(c, "run") != 0 && strcmp(c, "footprint") != 0)
        return EXIT_OK;
    if (strcmp(c, "catalog") == 0)
        return cmd_catalog(argc - 2, argv + 2);
    if (strcmp(c, "atmosphere") == 0)
        return cmd_atmosphere(argc - 2, argv + 2);
    if (strcmp(c, "trajectory") == 0)
        return cmd_trajectory(argc - 2, argv + 2);
    if (strcmp(c, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(c, "detect") == 0)
        return cmd_detect(argc - 2, argv + 2);
    if (strcmp(c, "track") == 0)
        return cmd_track(argc - 2, argv + 2);
    if (strcmp(c, "feasibility") == 0)
        return cmd_feasibility(argc - 2, argv + 2);
    if (strcmp(c, "threshold") == 0)
        return cmd_threshold(argc - 2, argv + 2);
    if (strcmp(c, "engage") == 0)
        return cmd_engage(argc - 2, argv + 2);
    if (strcmp(c, "sweep") == 0)
        return cmd_sweep(argc - 2, argv + 2);
    if (strcmp(c, "store") == 0)
        return cmd_store(argc - 2, argv + 2);
    if (strcmp(c, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    if (strcmp(c, "footprint") == 0)
        return cmd_footprint(argc - 2, argv + 2);
    if (strcmp(c, "serve") == 0)
        return cmd_serve(argc - 2, argv + 2);
    cli_error(NULL, "unknown command \"%s\" (see bmdsim --help)", c);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    atexit(check_stdout);
    if (!ranks_init(&argc, &argv))
        return EXIT_INTERNAL;
    int rc = dispatch(argc, argv);
    ranks_finalize();
    return rc;
}
