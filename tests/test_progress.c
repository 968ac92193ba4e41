/* SPDX-License-Identifier: MIT */
/* test_progress.c: the progress bar's text (cli/progress.c): durations, rates, the bar's line
 * and its final line, cut to the terminal's width. Expected texts are written out here from the
 * rules in cli/progress.h. */
#include <math.h>
#include <string.h>

#include "progress.h"
#include "test.h"

static int same(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "    want \"%s\"\n    got  \"%s\"\n", want, got);
    return 0;
}

static const char *dur(double s)
{
    static char b[64];
    prog_format_duration(b, sizeof b, s);
    return b;
}

static const char *rate(double r, const char *unit)
{
    static char b[64];
    prog_format_rate(b, sizeof b, r, unit);
    return b;
}

static void test_durations(void)
{
    ENSURE(same(dur(0.0), "0.0 s"));
    ENSURE(same(dur(0.42), "0.4 s"));
    ENSURE(same(dur(7.46), "7.5 s"));
    ENSURE(same(dur(9.96), "10 s"));
    ENSURE(same(dur(42.4), "42 s"));
    ENSURE(same(dur(59.4), "59 s"));
    ENSURE(same(dur(59.6), "1 min"));       /* rounds to 60 s */
    ENSURE(same(dur(200.0), "3 min 20 s"));
    ENSURE(same(dur(605.0), "10 min 05 s"));
    ENSURE(same(dur(3599.4), "59 min 59 s"));
    ENSURE(same(dur(3599.6), "1 h 00 min"));
    ENSURE(same(dur(3900.0), "1 h 05 min"));
    ENSURE(same(dur(96000.0), "26 h 40 min"));
    ENSURE(same(dur(-1.0), "-"));
    ENSURE(same(dur(NAN), "-"));
    ENSURE(same(dur(INFINITY), "-"));
}

static void test_rates(void)
{
    ENSURE(same(rate(0.0, "runs"), "0.0 runs/s"));
    ENSURE(same(rate(3.42, "runs"), "3.4 runs/s"));
    ENSURE(same(rate(9.996, "runs"), "10 runs/s"));
    ENSURE(same(rate(950.0, "cells"), "950 cells/s"));
    ENSURE(same(rate(9999.4, "runs"), "9999 runs/s"));
    ENSURE(same(rate(12345.0, "runs"), "12.3k runs/s"));
    ENSURE(same(rate(999949.0, "runs"), "999.9k runs/s"));
    ENSURE(same(rate(1234567.0, "runs"), "1.23M runs/s"));
    ENSURE(same(rate(5.0, NULL), "5.0 cases/s"));
    ENSURE(same(rate(5.0, ""), "5.0 cases/s"));
    ENSURE(same(rate(NAN, "runs"), "- runs/s"));
}

static void test_line(void)
{
    char b[256];
    size_t n = prog_format(b, sizeof b, 80, 0.35, "runs 350/1000", 12345.0, "runs", 200.0, 10.0,
                           false);
    ENSURE(same(b, "  [#######             ]  35% runs 350/1000  12.3k runs/s, 3 min 20 s left"));
    ENSURE(n == strlen(b));
    /* No rate, no time left yet: the bar and the label alone. */
    prog_format(b, sizeof b, 80, 0.0, "preparing", 0.0, "runs", -1.0, 0.2, false);
    ENSURE(same(b, "  [                    ]   0% preparing"));
    /* The time left without a rate (a share without counts). */
    prog_format(b, sizeof b, 80, 0.5, "footprint", 0.0, NULL, 42.0, 42.0, false);
    ENSURE(same(b, "  [##########          ]  50% footprint  42 s left"));
    /* The share is clamped to [0, 1]; NaN counts as 0. */
    prog_format(b, sizeof b, 80, 1.7, "x", 0.0, NULL, -1.0, 1.0, false);
    ENSURE(same(b, "  [####################] 100% x"));
    prog_format(b, sizeof b, 80, NAN, "x", 0.0, NULL, -1.0, 1.0, false);
    ENSURE(same(b, "  [                    ]   0% x"));
}

static void test_final_line(void)
{
    char b[256];
    prog_format(b, sizeof b, 80, 1.0, "runs 1000000/1000000", 16400.0, "runs", -1.0, 61.9, true);
    ENSURE(same(b, "  [####################] 100% runs 1000000/1000000  16.4k runs/s, 1 min 02 s"));
    /* Nothing measured the share: the label and the time taken. */
    prog_format(b, sizeof b, 80, 0.0, "preparing the raid", 0.0, NULL, -1.0, 1.62, true);
    ENSURE(same(b, "  preparing the raid: 1.6 s"));
    /* Stopped part way (an error, or a stopping rule): the share reached stays. */
    prog_format(b, sizeof b, 80, 0.25, "cells", 0.0, NULL, 30.0, 3.0, true);
    ENSURE(same(b, "  [#####               ]  25% cells  3.0 s"));
}

static void test_width(void)
{
    char b[256];
    const char *lab = "a very long label that cannot fit in a narrow terminal, whatever we do";
    /* The label is cut, the rate and the time left stay, the last column stays free. */
    prog_format(b, sizeof b, 80, 0.5, lab, 12345.0, "runs", 200.0, 10.0, false);
    ENSURE(same(b, "  [##########          ]  50% a very long label   12.3k runs/s, 3 min 20 s left"));
    ENSURE(strlen(b) == 79);
    /* Narrower: the label keeps 16 columns, the line's end is cut. */
    prog_format(b, sizeof b, 60, 0.5, lab, 12345.0, "runs", 200.0, 10.0, false);
    ENSURE(same(b, "  [##########          ]  50% a very long labe  12.3k runs/"));
    ENSURE(strlen(b) == 59);
    /* Wide enough: nothing cut. */
    prog_format(b, sizeof b, 200, 0.5, lab, 12345.0, "runs", 200.0, 10.0, false);
    ENSURE(strstr(b, lab) != NULL);
    /* Narrower than 20 columns counts as 20. */
    prog_format(b, sizeof b, 5, 0.5, lab, 12345.0, "runs", 200.0, 10.0, false);
    ENSURE(strlen(b) == 19);
    prog_format(b, sizeof b, 40, 0.0, lab, 0.0, NULL, -1.0, 2.0, true);
    ENSURE(strlen(b) <= 39);
    ENSURE(strcmp(b + strlen(b) - 7, ": 2.0 s") == 0);
    /* A small buffer: cut to it, terminated. */
    char s[10];
    memset(s, 'z', sizeof s);
    size_t n = prog_format(s, sizeof s, 80, 0.5, lab, 0.0, NULL, -1.0, 1.0, false);
    ENSURE(n == 9 && s[9] == '\0');
    ENSURE(prog_format(s, 0, 80, 0.5, lab, 0.0, NULL, -1.0, 1.0, false) == 0);
}

int main(void)
{
    RUN(test_durations);
    RUN(test_rates);
    RUN(test_line);
    RUN(test_final_line);
    RUN(test_width);
    return test_summary();
}
