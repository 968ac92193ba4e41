/* SPDX-License-Identifier: MIT */
/* numtext.h: a finite number as short text for the file writers (GeoJSON, CZML, KML). */
#ifndef BMD_UTIL_NUMTEXT_H
#define BMD_UTIL_NUMTEXT_H

#include <stddef.h>

/* x rounded to `decimals` (0 to 9) decimals, trailing zeros and a bare point dropped, never "-0":
 * 12.500000 -> "12.5", -0.0000001 -> "0". x must be finite. Returns buf. */
char *bmd_num_text(char *buf, size_t size, double x, int decimals);

#endif
