/* SPDX-License-Identifier: MIT */
/* progress.c: the progress bar on stderr (see progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

void prog_format_duration(char *buf, size_t n, double s)
{
    if (!(s >= 0.0) || !isfinite(s)) {
        snprintf(buf, n, "-");
        return;
    }
    if (s < 9.95) {
        snprintf(buf, n, "%.1f s", s);
        return;
    }
    long r = lround(s);
    if (r < 60) {
        snprintf(buf, n, "%ld s", r);
    } else if (r < 3600) {
        if (r % 60)
            snprintf(buf, n, "%ld min %02ld s", r / 60, r % 60);
        else
            snprintf(buf, n, "%ld min", r / 60);
    } else {
        long m = lround(s / 60.0);
        snprintf(buf, n, "%ld h %02ld min", m / 60, m % 60);
    }
}

void prog_format_rate(char *buf, size_t n, double per_s, const char *unit)
{
    const char *u = unit && unit[0] ? unit : "cases";
    if (!(per_s >= 0.0) || !isfinite(per_s))
        snprintf(buf, n, "- %s/s", u);
    else if (per_s < 9.995)
        snprintf(buf, n, "%.1f %s/s", per_s, u);
    else if (per_s < 9999.5)
        snprintf(buf, n, "%.0f %s/s", per_s, u);
    else if (per_s < 999950.0)
        snprintf(buf, n, "%.1fk %s/s", per_s / 1e3, u);
    else
        snprintf(buf, n, "%.2fM %s/s", per_s / 1e6, u);
}

size_t prog_format(char *buf, size_t n, int width, double share, const char *label,
                   double rate_per_s, const char *unit, double left_s, double elapsed_s,
                   bool final)
{
    if (n == 0)
        return 0;
    if (width < 20)
        width = 20;
    if (!(share >= 0.0))
        share = 0.0;
    if (share > 1.0)
        share = 1.0;
    const char *lab = label ? label : "";
    /* What follows the label: the rate, then the time left (or, at the end, the time taken). */
    char info[128] = ""; /* rate, ", ", duration, " left": at most 47 + 2 + 47 + 5 */
    char rate[48] = "";
    char dur[48] = "";
    if (rate_per_s > 0.0 && isfinite(rate_per_s))
        prog_format_rate(rate, sizeof rate, rate_per_s, unit);
    if (final)
        prog_format_duration(dur, sizeof dur, elapsed_s);
    else if (left_s >= 0.0 && isfinite(left_s))
        prog_format_duration(dur, sizeof dur, left_s);
    snprintf(info, sizeof info, "%s%s%s%s", rate, rate[0] && dur[0] ? ", " : "", dur,
             dur[0] && !final ? " left" : "");
    size_t room = (size_t)width - 1; /* the last column stays free: no wrap on any terminal */
    char line[512];
    int head;
    if (final && share <= 0.0 && !rate[0]) {
        /* Nothing measured the share: the label and the time taken. */
        head = snprintf(line, sizeof line, "  ");
        int lmax = (int)room - head - 2 - (int)strlen(dur);
        if (lmax < 0)
            lmax = 0;
        snprintf(line + head, sizeof line - (size_t)head, "%.*s: %s", lmax, lab, dur);
    } else {
        static const char hashes[] = "####################";
        const int bw = 20;
        int k = (int)(share * bw + 0.5);
        head = snprintf(line, sizeof line, "  [%.*s%*s] %3.0f%% ", k, hashes, bw - k, "",
                        100.0 * share);
        /* The label gets what the rate and the time left leave, but at least 16 columns (then
         * the end of the line is cut). */
        int tail = info[0] ? 2 + (int)strlen(info) : 0;
        int lmax = (int)room - head - tail;
        if (lmax < 16)
            lmax = 16;
        int ll = (int)strlen(lab);
        if (ll > lmax)
            ll = lmax;
        snprintf(line + head, sizeof line - (size_t)head, "%.*s%s%s", ll, lab,
                 info[0] ? "  " : "", info);
    }
    size_t len = strlen(line);
    if (len > room)
        len = room;
    if (len > n - 1)
        len = n - 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    return len;
}

/* ------------------------------------------------------------------ the bar's state */

static struct {
    bool checked, tty;
    bool active;        /* an update since the last prog_done */
    bool shown;         /* something is drawn on the current line */
    double t_start;     /* first update since prog_done */
    double t_phase;     /* start of the current phase */
    double share0;      /* the share when the phase began */
    double last_share;
    double last_draw;
    double total;       /* prog_unit */
    char unit[24];
    char label[160];
    double rate;        /* the last rate shown */
    char rate_unit[24];
} bar;

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int term_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* done < 0: no count (the rate comes from prog_unit, if set). */
void prog_silence(void)
{
    bar.tty = false;
    bar.checked = true;
}

static void show(double share, double done, const char *unit, const char *label)
{
    if (!bar.checked) {
        bar.tty = isatty(STDERR_FILENO) != 0;
        bar.checked = true;
    }
    if (!bar.tty)
        return;
    if (!(share >= 0.0))
        share = 0.0;
    if (share > 1.0)
        share = 1.0;
    double t = mono_s();
    /* A new phase: the share went down, or a new label starts from nothing. */
    bool phase = !bar.active || share < bar.last_share ||
                 (share == 0.0 && strcmp(bar.label, label ? label : "") != 0);
    if (!bar.active)
        bar.t_start = t;
    if (phase) {
        bar.t_phase = t;
        bar.share0 = share;
        bar.rate = 0.0;
    }
    bar.active = true;
    bar.last_share = share;
    snprintf(bar.label, sizeof bar.label, "%s", label ? label : "");
    double el = t - bar.t_phase;
    if (done < 0.0 && bar.total > 0.0) {
        done = (share - bar.share0) * bar.total;
        unit = bar.unit;
    }
    bar.rate = done > 0.0 && el > 0.0 ? done / el : 0.0;
    snprintf(bar.rate_unit, sizeof bar.rate_unit, "%s", unit ? unit : "");
    /* At most ten draws a second; a new phase and the end of one are always drawn. */
    if (!phase && share < 1.0 && t - bar.last_draw < 0.1)
        return;
    bar.last_draw = t;
    double left = -1.0;
    if (share > bar.share0 && share < 1.0 && el >= 0.5)
        left = el * (1.0 - share) / (share - bar.share0);
    char line[512];
    prog_format(line, sizeof line, term_width(), share, bar.label, bar.rate, bar.rate_unit, left,
                el, false);
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    bar.shown = true;
}

void prog_update(double share, void *label) { show(share, -1.0, NULL, (const char *)label); }

void prog_count(double share, double done, const char *unit, const char *label)
{
    show(share, done >= 0.0 ? done : 0.0, unit, label);
}

void prog_unit(double total, const char *unit)
{
    bar.total = unit && total > 0.0 ? total : 0.0;
    snprintf(bar.unit, sizeof bar.unit, "%s", unit && total > 0.0 ? unit : "");
}

void prog_done(void)
{
    if (bar.shown) {
        char line[512];
        prog_format(line, sizeof line, term_width(), bar.last_share, bar.label, bar.rate,
                    bar.rate_unit, -1.0, mono_s() - bar.t_start, true);
        fprintf(stderr, "\r%s\033[K\n", line);
        fflush(stderr);
    }
    bar.active = false;
    bar.shown = false;
    bar.last_share = 0.0;
    bar.last_draw = 0.0;
    bar.total = 0.0;
    bar.unit[0] = '\0';
}
