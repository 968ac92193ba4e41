/* SPDX-License-Identifier: MIT */
/* out.c: JSON and text output, catalog and vehicle resolution, atomic file writes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"

bool json_num(cJSON *obj, const char *key, double v)
{
    if (isfinite(v))
        return cJSON_AddNumberToObject(obj, key, v) != NULL;
    return cJSON_AddNullToObject(obj, key) != NULL;
}

void json_raid_sensors(cJSON *threat, const bmd_raid *raid, const bmd_scenario *s, int i)
{
    const bmd_raid_sensor_times *st = NULL;
    int n = bmd_raid_threat_sensors(raid, i, &st);
    cJSON *a = cJSON_AddArrayToObject(threat, "sensors");
    for (int k = 0; k < n && k < s->n_sensors; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "sensor", s->radars[k].id);
        json_num(e, "first_detection_s", st[k].first_detection_s);
        json_num(e, "track_confirmed_s", st[k].track_confirmed_s);
        cJSON_AddItemToArray(a, e);
    }
}

void json_print(cJSON *root)
{
    char *s = cJSON_Print(root);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    cJSON_Delete(root);
}

void text_row(const char *key, double v, const char *unit, int decimals)
{
    if (isfinite(v))
        printf("  %-26s %14.*f %s\n", key, decimals, v, unit);
    else
        printf("  %-26s %14s %s\n", key, "-", unit);
}

void cli_load_error(const char *cmd, const char *opt, const bmd_load_error *err)
{
    char pre[64] = "";
    if (opt)
        snprintf(pre, sizeof pre, "--%s: ", opt);
    if (err->line > 0)
        cli_error(cmd, "%s%s:%d:%d: %s", pre, err->file, err->line, err->col, err->msg);
    else
        cli_error(cmd, "%s%s: %s", pre, err->file, err->msg);
}

bool cli_looks_like_file(const char *arg)
{
    struct stat sb;
    return strchr(arg, '/') || strstr(arg, ".yaml") || stat(arg, &sb) == 0;
}

bmd_catalog *cli_catalog(const char *cmd)
{
    bmd_catalog *c = NULL;
    bmd_load_error err;
    bmd_status st = bmd_catalog_load(bmd_data_dir(), &c, &err);
    if (st != BMD_OK) {
        cli_load_error(cmd, NULL, &err);
        return NULL;
    }
    return c;
}

bool cli_vehicle(const char *cmd, const char *opt, const char *id_or_path, const bmd_catalog *cat,
                 bmd_missile *m, bool *owned)
{
    *owned = false;
    const bmd_missile *found = bmd_catalog_find(cat, id_or_path);
    if (found) {
        *m = *found;
        return true;
    }
    if (cli_looks_like_file(id_or_path)) {
        char drag[1024];
        snprintf(drag, sizeof drag, "%s/drag.yaml", bmd_data_dir());
        bmd_load_error err;
        bmd_status st = bmd_missile_load_file(id_or_path, drag, false, m, &err);
        if (st != BMD_OK) {
            cli_load_error(cmd, opt, &err);
            return false;
        }
        *owned = true;
        return true;
    }
    char ids[512] = "";
    size_t used = 0;
    for (int i = 0; i < cat->n && used < sizeof ids - 40; i++)
        used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                 cat->missiles[i].v.id);
    cli_error(cmd, "--%s: unknown missile \"%s\" (catalog ids: %s; or give a vehicle file path)",
              opt, id_or_path, ids);
    return false;
}

bool write_file_atomic(const char *cmd, const char *path, const char *data, size_t len)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error(cmd, "out of memory");
        return false;
    }
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_error(cmd, "cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        cli_error(cmd, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return true;
}
