/* SPDX-License-Identifier: MIT */
/* numtext.c: short, deterministic text of a finite number (numtext.h). */
#include "numtext.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

char *bmd_num_text(char *buf, size_t size, double x, int decimals)
{
    static const double scale[10] = {1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    int d = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    double r = round(x * scale[d]) / scale[d];
    if (r == 0.0)
        r = 0.0; /* -0 becomes 0 */
    snprintf(buf, size, "%.*f", d, r);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
    return buf;
}
