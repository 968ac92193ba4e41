/* SPDX-License-Identifier: MIT */
/* args.c: option parsing and strict number parsing for the command line. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ranks.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    /* Under MPI only rank 0 speaks (ranks.h): the ranks meet the same errors on the same input. */
    if (ranks_rank() > 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (cmd)
        fprintf(stderr, "bmdsim: %s: ", cmd);
    else
        fprintf(stderr, "bmdsim: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

bool opts_parse(opts *o, const char *cmd, const opt_spec *spec, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->spec = spec;
    while (spec[o->n_spec].name)
        o->n_spec++;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (o->n_pos >= 8) {
                cli_error(cmd, "too many arguments at \"%s\" (see bmdsim %s --help)", a, cmd);
                return false;
            }
            o->pos[o->n_pos++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int k = -1;
        for (int j = 0; j < o->n_spec; j++)
            if (strlen(spec[j].name) == len && strncmp(spec[j].name, name, len) == 0)
                k = j;
        if (k < 0) {
            cli_error(cmd, "unknown option \"%.*s\" (see bmdsim %s --help)", (int)len + 2, a, cmd);
            return false;
        }
        if (o->val[k]) {
            cli_error(cmd, "option --%s given twice", spec[k].name);
            return false;
        }
        if (spec[k].has_arg) {
            if (eq) {
                o->val[k] = eq + 1;
            } else if (i + 1 < argc) {
                o->val[k] = argv[++i];
            } else {
                cli_error(cmd, "option --%s needs a value", spec[k].name);
                return false;
            }
        } else {
            if (eq) {
                cli_error(cmd, "option --%s takes no value", spec[k].name);
                return false;
            }
            o->val[k] = "";
        }
    }
    return true;
}

int opts_begin(opts *o, const char *cmd, const opt_spec *spec, int argc, char **argv,
               const char *help)
{
    if (!opts_parse(o, cmd, spec, argc, argv))
        return EXIT_USAGE;
    if (opt_has(o, "help")) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    return -1;
}

const char *opt_get(const opts *o, const char *name)
{
    for (int j = 0; j < o->n_spec; j++)
        if (strcmp(o->spec[j].name, name) == 0)
            return o->val[j];
    return NULL;
}

bool opt_has(const opts *o, const char *name) { return opt_get(o, name) != NULL; }

bool parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    while (*text == ' ')
        text++;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE) {
        cli_error(cmd, "--%s: \"%s\" is not a number", opt, text);
        return false;
    }
    while (*end == ' ')
        end++;
    if (*end != '\0') {
        cli_error(cmd, "--%s: \"%s\" is not a number", opt, text);
        return false;
    }
    if (!isfinite(v)) {
        cli_error(cmd, "--%s: \"%s\" is not a finite number", opt, text);
        return false;
    }
    *out = v;
    return true;
}

bool parse_list(const char *cmd, const char *opt, const char *text, double *vals, int n)
{
    char buf[256];
    if (strlen(text) >= sizeof buf) {
        cli_error(cmd, "--%s: value too long", opt);
        return false;
    }
    snprintf(buf, sizeof buf, "%s", text);
    int k = 0;
    char *p = buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (k >= n) {
            cli_error(cmd, "--%s: \"%s\": expected %d comma-separated numbers", opt, text, n);
            return false;
        }
        if (!parse_double(cmd, opt, p, &vals[k]))
            return false;
        k++;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (k != n) {
        cli_error(cmd, "--%s: \"%s\": expected %d comma-separated numbers", opt, text, n);
        return false;
    }
    return true;
}

bool parse_latlon(const char *cmd, const char *opt, const char *text, double *lat_deg,
                  double *lon_deg, double *h_m)
{
    double v[3] = {0.0, 0.0, 0.0};
    int n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ',';
    if (n != 2 && !(n == 3 && h_m)) {
        cli_error(cmd, "--%s: \"%s\": expected LAT,LON in degrees%s", opt, text,
                  h_m ? " (or LAT,LON,HEIGHT_M)" : "");
        return false;
    }
    if (!parse_list(cmd, opt, text, v, n))
        return false;
    if (fabs(v[0]) > 90.0) {
        cli_error(cmd, "--%s: latitude %g is outside [-90, 90] degrees", opt, v[0]);
        return false;
    }
    if (fabs(v[1]) > 360.0) {
        cli_error(cmd, "--%s: longitude %g is outside [-360, 360] degrees", opt, v[1]);
        return false;
    }
    *lat_deg = v[0];
    *lon_deg = v[1];
    if (h_m)
        *h_m = v[2];
    return true;
}

bool parse_format(const char *cmd, const opts *o, bool *json)
{
    const char *f = opt_get(o, "format");
    *json = false;
    if (!f || strcmp(f, "text") == 0)
        return true;
    if (strcmp(f, "json") == 0) {
        *json = true;
        return true;
    }
    cli_error(cmd, "--format: \"%s\": expected json or text", f);
    return false;
}
