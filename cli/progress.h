/* SPDX-License-Identifier: MIT */
/* progress.h: the command line's progress bar on stderr: the share done, a label, the rate
 * (cases per second) and the time left; drawn only when stderr is a terminal, at most ten times
 * a second, with a final line when the work ends. The text is made by pure functions (tested in
 * tests/test_progress.c); the bar's state lives in progress.c. */
#ifndef BMD_CLI_PROGRESS_H
#define BMD_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

/* A duration for people: "0.4 s" and "7.5 s" below 10 s, "42 s" below a minute, "3 min 20 s"
 * below an hour, "1 h 05 min" above (rounded to the unit shown); "-" for a negative or
 * non-finite one. */
void prog_format_duration(char *buf, size_t n, double s);

/* A rate: "3.4 runs/s" below 10, "950 runs/s" below 10,000, "12.3k runs/s" below a million,
 * "1.23M runs/s" above; unit NULL or "" gives "cases". */
void prog_format_rate(char *buf, size_t n, double per_s, const char *unit);

/* The bar's line, without the carriage return, at most width - 1 columns (the label is cut to
 * fit, down to 16 columns, then the line's end; width below 20 counts as 20):
 *     "  [#######             ]  35% LABEL  12.3k runs/s, 3 min 20 s left"
 * share in [0, 1] (clamped). rate_per_s > 0 adds the rate of unit; left_s >= 0 (finite) adds
 * the time left. final: the line that stays when the work ends: the elapsed time instead of the
 * time left ("LABEL  12.3k runs/s, 1 min 02 s"), and no bar when nothing measured the share
 * (share 0, no rate): "  LABEL: 1.6 s". Returns the length written (as snprintf would, capped to
 * n - 1). */
size_t prog_format(char *buf, size_t n, int width, double share, const char *label,
                   double rate_per_s, const char *unit, double left_s, double elapsed_s,
                   bool final);

/* The bar. prog_update(share, label): the share done in [0, 1] and a label (a char string; void *
 * so that it serves as the library's progress callback). A new phase of work begins when the
 * share goes down, when a new label comes with share 0, or after prog_done; the time left is the phase's elapsed time scaled by the
 * share still to do over the share done in the phase. With prog_unit(total, unit) set, the share
 * counts total cases of unit and the rate is shown. */
void prog_update(double share, void *label);
/* The cases the share counts (the rate shown is share x total per second); 0 or unit NULL: no
 * rate. Holds until prog_done. */
void prog_unit(double total, const char *unit);
/* The bar with counts: done cases of unit played since the phase began (for the rate), share of
 * the whole (for the bar and the time left). */
void prog_count(double share, double done, const char *unit, const char *label);
/* The work ended: the final line (elapsed time since the first update, and the last rate) stays
 * on stderr; the next update starts afresh. */
void prog_done(void);
/* Never show the bar in this process (under MPI, on every rank but rank 0: cli/ranks.h). */
void prog_silence(void);

#endif
