/* SPDX-License-Identifier: MIT */
/* cmd_report.c: bmdsim report DIR: (re)write the offline HTML report of a run's output directory
 * (report.c; docs/report.md). */
#include <string.h>

#include "cli.h"
#include "report.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim report DIR\n"
    "\n"
    "Write DIR/report.html and DIR/report/ (the page's script, style, data and the browser\n"
    "libraries it needs) from a directory that bmdsim run --out wrote; bmdsim run --out writes\n"
    "it too. The page needs no network: open DIR/report.html in a browser (the 2D map, the\n"
    "timelines, the tables, the plots and the provenance work from file://; the 3D globe needs\n"
    "http: bmdsim serve DIR). The built-in run's directory gets one page with a phase selector.\n"
    "An earlier report in DIR is replaced as a whole. Libraries: $BMDSIM_WEB/node_modules\n"
    "(default " BMD_WEB_DIR "/node_modules, installed by bash scripts/web.sh); without them\n"
    "the page is written and says which parts are unavailable. docs/report.md.\n";

int cmd_report(int argc, char **argv)
{
    static const char *C = "report";
    opts o;
    int begun = opts_begin(&o, C, spec_report, argc, argv, help);
    if (begun >= 0)
        return begun;
    if (o.n_pos != 1) {
        cli_error(C, "expected one directory (bmdsim report DIR; see bmdsim report --help)");
        return EXIT_USAGE;
    }
    int rc = report_write(C, o.pos[0], false);
    if (rc == EXIT_OK)
        fprintf(stderr, "bmdsim: report: wrote %s/report.html\n", o.pos[0]);
    return rc;
}
