/* SPDX-License-Identifier: MIT */
/* yamldoc.h: a loaded YAML document (libyaml's document API) with typed, located access. Every
 * failure fills a bmd_load_error naming file:line:column, the field and what was expected. */
#ifndef BMD_YAMLDOC_H
#define BMD_YAMLDOC_H

#include <stdbool.h>
#include <yaml.h>

#include "bmd/catalog.h"

typedef struct yd {
    yaml_document_t doc;
    bool loaded;
    const char *file;
    bmd_load_error *err;
} yd;

/* Load path into d; err receives parse errors. */
bmd_status yd_load(yd *d, const char *path, bmd_load_error *err);
void yd_free(yd *d);
yaml_node_t *yd_root(yd *d);
/* Value for key in a mapping node, or NULL. */
yaml_node_t *yd_get(yd *d, yaml_node_t *map, const char *key);
/* Set err at node (or at no position when node is NULL); returns BMD_ERR_PARSE. */
bmd_status yd_fail(yd *d, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A scalar's text, or NULL when node is not a scalar. */
const char *yd_text(const yaml_node_t *node);
/* Strict number: the whole scalar is a finite decimal number. */
bmd_status yd_number(yd *d, yaml_node_t *node, const char *field, double *out);
/* String of a required/optional scalar field (copied into buf). */
bmd_status yd_string(yd *d, yaml_node_t *map, const char *key, const char *field, bool required,
                     char *buf, int size);
/* Reject keys of map not in the NULL-terminated list allowed (catches typos). */
bmd_status yd_check_keys(yd *d, yaml_node_t *map, const char *field, const char *const *allowed);

#endif
