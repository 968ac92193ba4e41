/* SPDX-License-Identifier: MIT */
/* axis.c: what a sweep and its scenario share (scenario.h): an axis of values, A:B:STEP or
 * V1,V2,..., one parser for the command line's flags (bmdsim sweep --burnout-speed-km-s ...) and
 * a scenario's analyses.sweep, so that the two give the same values, to the bit, and the same
 * study identity; and the site a name or index names. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/scenario.h"

double bmd_axis_value(const bmd_axis *x, int k)
{
    return x->is_list ? x->list[k] : x->a + k * x->step;
}

static bmd_status fail(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bmd_status fail(char *why, size_t n, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return BMD_ERR_ARG;
}

/* One number, spaces around it allowed (the flags' parse_double's rules). */
static bool number(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    while (*text == ' ')
        text++;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE)
        return false;
    while (*end == ' ')
        end++;
    if (*end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bmd_status bmd_axis_parse(const char *text, double lo, double hi, const char *unit, bmd_axis *x,
                          char *why, size_t why_size)
{
    memset(x, 0, sizeof *x);
    char buf[4096];
    if (strlen(text) >= sizeof buf)
        return fail(why, why_size, "value too long");
    snprintf(buf, sizeof buf, "%s", text);
    if (strchr(buf, ':')) {
        char *p1 = strchr(buf, ':');
        *p1++ = '\0';
        char *p2 = strchr(p1, ':');
        if (!p2)
            return fail(why, why_size, "\"%s\": expected A:B:STEP or a comma-separated list",
                        text);
        *p2++ = '\0';
        double a, b, s;
        const char *part[3] = {buf, p1, p2};
        double *val[3] = {&a, &b, &s};
        for (int k = 0; k < 3; k++)
            if (!number(part[k], val[k]))
                return fail(why, why_size, "\"%s\" is not a finite number", part[k]);
        if (s == 0.0)
            return fail(why, why_size, "\"%s\": the step is 0", text);
        double span = (b - a) / s;
        if (span < -1e-9)
            return fail(why, why_size, "\"%s\": an empty range (the step goes away from B)",
                        text);
        if (span > 1e6)
            return fail(why, why_size, "\"%s\": more than a million values", text);
        x->n = (int)floor(span + 1e-9) + 1;
        x->a = a;
        x->step = s;
    } else {
        x->is_list = true;
        char *p = buf;
        for (;;) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            if (x->n >= BMD_AXIS_MAX_LIST)
                return fail(why, why_size,
                            "more than %d values in a list (use a range A:B:STEP)",
                            BMD_AXIS_MAX_LIST);
            if (!number(p, &x->list[x->n]))
                return fail(why, why_size, "\"%s\" is not a finite number", p);
            x->n++;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    for (int k = 0; k < x->n; k++) {
        double v = bmd_axis_value(x, k);
        if (!(v >= lo && v <= hi))
            return fail(why, why_size, "%g %s is outside [%g, %g] %s", v, unit, lo, hi, unit);
    }
    return BMD_OK;
}

int bmd_scn_find_site(const bmd_scenario *s, const char *text, const char **why)
{
    char *end = NULL;
    long k = strtol(text, &end, 10);
    if (end != text && *end == '\0') {
        if (k >= 0 && k < s->n_sites)
            return (int)k;
        if (why)
            *why = "is not a site index";
        return -1;
    }
    for (int j = 0; j < s->n_sites; j++)
        if (strcmp(s->sites[j].name, text) == 0)
            return j;
    int found = -1;
    int n = 0;
    for (int j = 0; j < s->n_sites; j++)
        if (strncmp(s->sites[j].name, text, strlen(text)) == 0) {
            found = j;
            n++;
        }
    if (n == 1)
        return found;
    if (why)
        *why = n ? "names more than one site" : "is not one of the scenario's sites";
    return -1;
}
