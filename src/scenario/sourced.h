/* SPDX-License-Identifier: MIT */
/* sourced.h: sourced numbers from YAML files (shared by the catalog loaders). */
#ifndef BMD_SOURCED_H
#define BMD_SOURCED_H

#include <stdbool.h>

#include "bmd/catalog.h"
#include "yamldoc.h"

/* A loader: the document and where to record the parameters it reads. */
typedef struct sourced {
    yd d;
    bmd_param **params;   /* the owner's array (grown here) */
    int *n_params;        /* the owner's count */
    int cap;
    bool require_sources; /* catalog files: every value needs a source */
} sourced;

/* Free an array of n parameters and their sources. */
void sourced_free_params(bmd_param *params, int n);
/* A copy of s (NULL when out of memory). */
char *bmd_strdup(const char *s);
/* Record a parameter that did not come from the file (a default), with why. */
bmd_status sourced_record(sourced *L, const char *field, double value, const char *source);
/* A sourced number at map[key] (field name prefix+key in messages). *present = false and out
 * untouched when absent and not required. */
bmd_status sourced_param(sourced *L, yaml_node_t *map, const char *key, const char *prefix,
                         bool required, double *out, bool *present);
/* The same, required and positive. */
bmd_status sourced_positive(sourced *L, yaml_node_t *map, const char *key, const char *prefix,
                            double *out);

#endif
