/* SPDX-License-Identifier: MIT */
/* yamldoc.c: typed, located access to a YAML document loaded with libyaml. */
#include "yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_file(bmd_load_error *err, const char *file)
{
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
}

bmd_status yd_load(yd *d, const char *path, bmd_load_error *err)
{
    memset(d, 0, sizeof *d);
    d->file = path;
    d->err = err;
    memset(err, 0, sizeof *err);
    set_file(err, path);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
        return BMD_ERR_IO;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(fp);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return BMD_ERR_NOMEM;
    }
    yaml_parser_set_input_file(&parser, fp);
    int ok = yaml_parser_load(&parser, &d->doc);
    bmd_status st = BMD_OK;
    if (!ok) {
        err->line = (int)parser.problem_mark.line + 1;
        err->col = (int)parser.problem_mark.column + 1;
        snprintf(err->msg, sizeof err->msg, "YAML syntax: %s%s%s",
                 parser.problem ? parser.problem : "error", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        st = parser.error == YAML_MEMORY_ERROR ? BMD_ERR_NOMEM : BMD_ERR_PARSE;
    } else {
        d->loaded = true;
        if (!yaml_document_get_root_node(&d->doc)) {
            snprintf(err->msg, sizeof err->msg, "the file is empty");
            st = BMD_ERR_PARSE;
        }
    }
    yaml_parser_delete(&parser);
    fclose(fp);
    return st;
}

void yd_free(yd *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = false;
}

yaml_node_t *yd_root(yd *d) { return yaml_document_get_root_node(&d->doc); }

const char *yd_text(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)node->data.scalar.value;
}

yaml_node_t *yd_get(yd *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);
        const char *kt = yd_text(k);
        if (kt && strcmp(kt, key) == 0)
            return yaml_document_get_node(&d->doc, p->value);
    }
    return NULL;
}

bmd_status yd_fail(yd *d, const yaml_node_t *node, const char *fmt, ...)
{
    bmd_load_error *err = d->err;
    set_file(err, d->file);
    err->line = node ? (int)node->start_mark.line + 1 : 0;
    err->col = node ? (int)node->start_mark.column + 1 : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return BMD_ERR_PARSE;
}

bmd_status yd_number(yd *d, yaml_node_t *node, const char *field, double *out)
{
    const char *t = yd_text(node);
    if (!t)
        return yd_fail(d, node, "%s: expected a number", field);
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return yd_fail(d, node, "%s: expected a number, got the string \"%s\"", field, t);
    char *end = NULL;
    errno = 0;
    double v = strtod(t, &end);
    if (end == t || *end != '\0' || errno == ERANGE)
        return yd_fail(d, node, "%s: expected a number, got \"%s\"", field, t);
    if (!isfinite(v))
        return yd_fail(d, node, "%s: expected a finite number, got \"%s\"", field, t);
    *out = v;
    return BMD_OK;
}

bmd_status yd_string(yd *d, yaml_node_t *map, const char *key, const char *field, bool required,
                     char *buf, int size)
{
    yaml_node_t *n = yd_get(d, map, key);
    if (!n) {
        if (required)
            return yd_fail(d, map, "%s: missing (a string is required)", field);
        return BMD_OK;
    }
    const char *t = yd_text(n);
    if (!t)
        return yd_fail(d, n, "%s: expected a string", field);
    if ((int)strlen(t) >= size)
        return yd_fail(d, n, "%s: longer than %d characters", field, size - 1);
    snprintf(buf, (size_t)size, "%s", t);
    return BMD_OK;
}

bmd_status yd_check_keys(yd *d, yaml_node_t *map, const char *field, const char *const *allowed)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return yd_fail(d, map, "%s: expected a mapping", field);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);
        const char *kt = yd_text(k);
        if (!kt)
            return yd_fail(d, k, "%s: keys must be plain strings", field);
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, kt) == 0)
                ok = true;
        if (!ok) {
            char list[256] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list - 40; a++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                         a == allowed ? "" : ", ", *a);
            return yd_fail(d, k, "%s: unknown field \"%s\" (expected one of: %s)", field, kt, list);
        }
    }
    return BMD_OK;
}
