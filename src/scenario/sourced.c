/* SPDX-License-Identifier: MIT */
/* sourced.c: numbers read from YAML with their sources ("key: 1" or "key: {value: 1, source: ..."),
 * recorded so that every parameter can be shown with where it came from. */
#include "sourced.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *bmd_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

bmd_status sourced_record(sourced *L, const char *field, double value, const char *source)
{
    if (*L->n_params == L->cap) {
        int cap = L->cap ? 2 * L->cap : 32;
        bmd_param *np = realloc(*L->params, (size_t)cap * sizeof *np);
        if (!np)
            return BMD_ERR_NOMEM;
        *L->params = np;
        L->cap = cap;
    }
    bmd_param *p = &(*L->params)[*L->n_params];
    snprintf(p->field, sizeof p->field, "%s", field);
    p->value = value;
    p->source = bmd_strdup(source);
    if (!p->source)
        return BMD_ERR_NOMEM;
    (*L->n_params)++;
    return BMD_OK;
}

/* A sourced number. *present = false (and out untouched) when absent and not required. */
bmd_status sourced_param(sourced *L, yaml_node_t *map, const char *key, const char *prefix,
                        bool required, double *out, bool *present)
{
    char field[64];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    if (present)
        *present = false;
    yaml_node_t *n = yd_get(&L->d, map, key);
    if (!n) {
        if (required)
            return yd_fail(&L->d, map, "%s: missing (a number is required)", field);
        return BMD_OK;
    }
    const char *source = NULL;
    yaml_node_t *vn = n;
    if (n->type == YAML_MAPPING_NODE) {
        static const char *const keys[] = {"value", "source", NULL};
        bmd_status st = yd_check_keys(&L->d, n, field, keys);
        if (st != BMD_OK)
            return st;
        vn = yd_get(&L->d, n, "value");
        if (!vn)
            return yd_fail(&L->d, n, "%s.value: missing (a number is required)", field);
        yaml_node_t *sn = yd_get(&L->d, n, "source");
        source = yd_text(sn);
        if (sn && !source)
            return yd_fail(&L->d, sn, "%s.source: expected text", field);
    }
    if (!source && L->require_sources)
        return yd_fail(&L->d, n,
                       "%s: catalog values need a source: write {value: ..., source: \"...\"}",
                       field);
    bmd_status st = yd_number(&L->d, vn, field, out);
    if (st != BMD_OK)
        return st;
    if (present)
        *present = true;
    return sourced_record(L, field, *out, source ? source : "(no source given: user file)");
}

bmd_status sourced_positive(sourced *L, yaml_node_t *map, const char *key, const char *prefix,
                           double *out)
{
    bmd_status st = sourced_param(L, map, key, prefix, true, out, NULL);
    if (st == BMD_OK && !(*out > 0.0))
        return yd_fail(&L->d, yd_get(&L->d, map, key), "%s%s: must be positive, got %g", prefix,
                       key, *out);
    return st;
}


void sourced_free_params(bmd_param *params, int n)
{
    for (int i = 0; i < n; i++)
        free(params[i].source);
    free(params);
}
