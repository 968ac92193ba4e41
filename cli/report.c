/* SPDX-License-Identifier: MIT */
/* report.c: the offline HTML report (docs/report.md). `bmdsim run --out DIR` and `bmdsim report
 * DIR` write DIR/report.html and DIR/report/: the page's script and style (templates from web/),
 * its data as a script (report/data.js, window.BMD_REPORT = {...}: the page works from file://,
 * where fetch() of local files is refused), and the browser libraries copied from web/node_modules
 * (d3-geo, topojson-client and world-atlas for the 2D map; CesiumJS for the globe). Everything the
 * page shows comes from the files of DIR: summary.json, inputs.json, the GeoJSON layers, the CSV
 * tables and scenario.czml. */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyses.h"
#include "store.h"

#ifndef BMD_WEB_DIR
#define BMD_WEB_DIR "web"
#endif

const char *report_web_dir(void)
{
    const char *e = getenv("BMDSIM_WEB");
    return e && *e ? e : BMD_WEB_DIR;
}

/* ------------------------------------------------------------------ inputs.json */

static cJSON *params_json(const bmd_param *p, int n)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n && arr; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "field", p[i].field);
        json_num(e, "value", p[i].value);
        cJSON_AddStringToObject(e, "source", p[i].source ? p[i].source : "");
        cJSON_AddItemToArray(arr, e);
    }
    return arr;
}

/* The catalog entries a scenario uses, each once: kind, id, name, file, parameters. */
typedef struct used {
    int n;
    const void *ptr[128];
} used;

static bool used_add(used *u, const void *p)
{
    if (!p)
        return false;
    for (int i = 0; i < u->n; i++)
        if (u->ptr[i] == p)
            return false;
    if (u->n >= (int)(sizeof u->ptr / sizeof u->ptr[0]))
        return false;
    u->ptr[u->n++] = p;
    return true;
}

/* A catalog file's path from the catalog's directory when it lies under it (the report names
 * no directory of the machine that wrote it), else as loaded. */
static const char *catalog_rel(const char *file)
{
    if (!file)
        return "";
    const char *d = bmd_data_dir();
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        n--;
    if (strncmp(file, d, n) == 0 && file[n] == '/')
        return file + n + 1;
    return file;
}

static void add_missile(cJSON *arr, used *u, const bmd_missile *m)
{
    if (!used_add(u, m))
        return;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", m->interceptor ? "interceptor" : "missile");
    cJSON_AddStringToObject(e, "id", m->v.id);
    cJSON_AddStringToObject(e, "name", m->v.name);
    cJSON_AddStringToObject(e, "file", catalog_rel(m->file));
    cJSON_AddBoolToObject(e, "notional", m->notional);
    cJSON_AddItemToObject(e, "parameters", params_json(m->params, m->n_params));
    cJSON_AddItemToArray(arr, e);
}

static void add_sensor(cJSON *arr, used *u, const bmd_sensor_entry *se)
{
    if (!used_add(u, se))
        return;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", se->kind == BMD_SENSOR_RADAR ? "radar" : "early-warning");
    cJSON_AddStringToObject(e, "id", se->kind == BMD_SENSOR_RADAR ? se->radar.id : se->ew.id);
    cJSON_AddStringToObject(e, "name",
                            se->kind == BMD_SENSOR_RADAR ? se->radar.name : se->ew.name);
    cJSON_AddStringToObject(e, "file", catalog_rel(se->file));
    cJSON_AddBoolToObject(e, "notional", false);
    cJSON_AddItemToObject(e, "parameters", params_json(se->params, se->n_params));
    cJSON_AddItemToArray(arr, e);
}

/* Visit the catalog entries a scenario uses (a missile or sensor may be visited more than once):
 * its threats' missiles, its sites' interceptors, its analyses' missiles and interceptor, its
 * radars, its early warning and its cues' sensors, in that order. */
static void walk_used(const bmd_scenario *s, const bmd_catalog *cat,
                      void (*on_missile)(void *ctx, const bmd_missile *m),
                      void (*on_sensor)(void *ctx, const bmd_sensor_entry *se), void *ctx)
{
    for (int k = 0; k < s->n_threats; k++)
        on_missile(ctx, s->threats[k].missile);
    for (int k = 0; k < s->n_sites; k++)
        on_missile(ctx, s->sites[k].interceptor);
    const bmd_scn_analyses *an = &s->analyses;
    if (an->defended_area && an->da.missile)
        on_missile(ctx, an->da.missile);
    if (an->feasibility_matrix)
        for (int k = 0; k < an->fm.n_bases; k++)
            if (an->fm.bases[k].missile)
                on_missile(ctx, an->fm.bases[k].missile);
    if (an->guarantees && an->gu.interceptor)
        on_missile(ctx, an->gu.interceptor);
    for (int k = 0; k < s->n_sensors; k++) {
        const bmd_sensor_entry *se = bmd_catalog_find_sensor(cat, s->radars[k].id);
        if (se)
            on_sensor(ctx, se);
    }
    if (s->has_ew) {
        const bmd_sensor_entry *se = bmd_catalog_find_sensor(cat, s->ew.id);
        if (se)
            on_sensor(ctx, se);
    }
    for (int k = 0; k < BMD_N_CUES; k++)
        if (an->cue_defs[k].sensor)
            on_sensor(ctx, an->cue_defs[k].sensor);
}

typedef struct json_visit {
    cJSON *arr;
    used *u;
} json_visit;

static void json_missile(void *ctx, const bmd_missile *m)
{
    json_visit *v = ctx;
    add_missile(v->arr, v->u, m);
}

static void json_sensor(void *ctx, const bmd_sensor_entry *se)
{
    json_visit *v = ctx;
    add_sensor(v->arr, v->u, se);
}

/* The input files' paths (report.h): distinct, in first-visit order. */
typedef struct file_visit {
    const char **paths;
    int n, max;
    bool full;
} file_visit;

static void file_add(file_visit *v, const char *path)
{
    if (!path || !*path)
        return;
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->paths[i], path) == 0)
            return;
    if (v->n >= v->max) {
        v->full = true;
        return;
    }
    v->paths[v->n++] = path;
}

static void file_missile(void *ctx, const bmd_missile *m)
{
    if (m)
        file_add(ctx, m->file);
}

static void file_sensor(void *ctx, const bmd_sensor_entry *se)
{
    if (se)
        file_add(ctx, se->file);
}

int report_input_files(const bmd_scenario *s, const bmd_catalog *cat, const char **paths,
                       int max)
{
    file_visit v = {paths, 0, max, false};
    for (int k = 0; k < s->n_files; k++)
        file_add(&v, s->files[k]);
    walk_used(s, cat, file_missile, file_sensor, &v);
    return v.full ? -1 : v.n;
}

bool report_inputs_sha256(const char *C, const bmd_scenario *s, const bmd_catalog *cat,
                          char hex[65])
{
    const char *files[BMD_SCN_MAX_FILES + 129];
    int nf = report_input_files(s, cat, files, BMD_SCN_MAX_FILES + 128);
    if (nf < 0) {
        cli_error(C, "%s: more input files than can be named", s->n_files ? s->files[0] : "?");
        return false;
    }
    char drag[1100];
    snprintf(drag, sizeof drag, "%s/drag.yaml", bmd_data_dir());
    if (access(drag, R_OK) == 0)
        files[nf++] = drag;
    char text[65 * (BMD_SCN_MAX_FILES + 130) + 1];
    size_t len = 0;
    text[0] = '\0';
    for (int k = 1; k < nf; k++) { /* [0] is the scenario itself */
        char h[65];
        if (!store_sha256_file(C, files[k], h))
            return false;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", k > 1 ? "," : "", h);
    }
    store_sha256_text(text, hex);
    return true;
}

bool report_inputs_write(const char *C, const bmd_scenario *s, const bmd_catalog *cat,
                         const char *scenario_path, const char *dir)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "bmdsim_version", BMD_VERSION);
    cJSON_AddStringToObject(root, "scenario", s->name);
    cJSON_AddStringToObject(root, "scenario_file", scenario_path);
    char hex[65];
    cJSON *files = cJSON_AddArrayToObject(root, "files");
    for (int k = 0; k < s->n_files; k++) {
        if (!store_sha256_file(C, s->files[k], hex)) {
            cJSON_Delete(root);
            return false;
        }
        if (k == 0)
            cJSON_AddStringToObject(root, "scenario_sha256", hex);
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "path", s->files[k]);
        cJSON_AddStringToObject(f, "sha256", hex);
        cJSON_AddItemToArray(files, f);
    }
    cJSON_AddNumberToObject(root, "seed", (double)s->seed);
    cJSON *sens = cJSON_AddArrayToObject(root, "sensors");
    for (int k = 0; k < s->n_sensors; k++) {
        const bmd_radar *r = &s->radars[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", r->id);
        cJSON_AddStringToObject(e, "name", r->name);
        json_num(e, "lat_deg", r->lat_rad / BMD_DEG);
        json_num(e, "lon_deg", r->lon_rad / BMD_DEG);
        json_num(e, "height_m", r->h_m);
        json_num(e, "boresight_az_deg", r->boresight_az_rad / BMD_DEG);
        json_num(e, "az_half_width_deg", fmin(r->az_half_width_rad, BMD_PI) / BMD_DEG);
        json_num(e, "range_max_km", r->range_max_m / 1e3);
        cJSON_AddItemToArray(sens, e);
    }
    if (s->has_ew) {
        cJSON *e = cJSON_AddObjectToObject(root, "early_warning");
        cJSON_AddStringToObject(e, "id", s->ew.id);
        cJSON_AddStringToObject(e, "name", s->ew.name);
    }
    cJSON *thr = cJSON_AddArrayToObject(root, "threats");
    for (int k = 0; k < s->n_threats; k++) {
        const bmd_scn_threat *t = &s->threats[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "missile", t->missile->v.id);
        json_num(e, "launch_lat_deg", t->launch_lat_rad / BMD_DEG);
        json_num(e, "launch_lon_deg", t->launch_lon_rad / BMD_DEG);
        json_num(e, "target_lat_deg", t->target_lat_rad / BMD_DEG);
        json_num(e, "target_lon_deg", t->target_lon_rad / BMD_DEG);
        json_num(e, "launch_time_s", t->launch_time_s);
        cJSON_AddItemToArray(thr, e);
    }
    cJSON *as = cJSON_AddArrayToObject(root, "defended_assets");
    for (int k = 0; k < s->n_assets; k++) {
        const bmd_scn_asset *a = &s->assets[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", a->name);
        json_num(e, "lat_deg", a->lat_rad / BMD_DEG);
        json_num(e, "lon_deg", a->lon_rad / BMD_DEG);
        json_num(e, "radius_km", a->radius_m / 1e3);
        cJSON_AddItemToArray(as, e);
    }
    cJSON_AddItemToObject(root, "parameters", params_json(s->params, s->n_params));
    /* The catalog entries behind the scenario: threats, interceptors, sensors, analyses. */
    cJSON *ce = cJSON_AddArrayToObject(root, "catalog");
    used u = {0};
    json_visit jv = {ce, &u};
    walk_used(s, cat, json_missile, json_sensor, &jv);
    char *js = cJSON_Print(root);
    cJSON_Delete(root);
    if (!js) {
        cli_error(C, "out of memory");
        return false;
    }
    char path[2300];
    snprintf(path, sizeof path, "%s/inputs.json", dir);
    bool ok = write_file_atomic(C, path, js, strlen(js));
    free(js);
    return ok;
}

/* ------------------------------------------------------------------ reading the run's files */

/* The whole of a file, NUL-terminated (NULL: *err says why). */
static char *read_text(const char *path, size_t *len, int *err)
{
    *err = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 1 << 16;
    size_t n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap)
            break;
        cap *= 2;
        char *nb = realloc(b, cap);
        if (!nb) {
            free(b);
            b = NULL;
        }
        b = nb;
    }
    bool bad = ferror(f) != 0;
    if (bad)
        *err = EIO;
    fclose(f);
    if (!b) {
        *err = ENOMEM;
        return NULL;
    }
    if (bad) {
        free(b);
        return NULL;
    }
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A JSON file parsed (NULL and a message naming the file when absent or malformed). */
static cJSON *read_json(const char *C, const char *path)
{
    int err;
    char *t = read_text(path, NULL, &err);
    if (!t) {
        cli_error(C, "%s: cannot read: %s", path, strerror(err));
        return NULL;
    }
    cJSON *j = cJSON_Parse(t);
    if (!j) {
        const char *at = cJSON_GetErrorPtr();
        int line = 1;
        for (const char *p = t; at && p < at && *p; p++)
            line += *p == '\n';
        cli_error(C, "%s:%d: malformed JSON", path, line);
    }
    free(t);
    return j;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s);
    size_t m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The names in a directory, sorted (regular files only). NULL on failure; *n the count. */
static char **list_files(const char *dir, int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    int cap = 64;
    char **v = malloc((size_t)cap * sizeof *v);
    struct dirent *e;
    char p[4096];
    while (v && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int np = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (np < 0 || (size_t)np >= sizeof p || !file_exists(p))
            continue;
        if (*n == cap) {
            cap *= 2;
            char **nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv) {
                for (int i = 0; i < *n; i++)
                    free(v[i]);
                free(v);
                v = NULL;
                break;
            }
            v = nv;
        }
        v[*n] = strdup(e->d_name);
        if (v[*n])
            (*n)++;
    }
    closedir(d);
    if (v)
        qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The CSV tables the page reads (as text; the page parses them). */
static const char *const csv_tables[] = {"feasibility_matrix", "threat_trajectories",
                                         "raid_shots", "guarantees_sites", "trajectories"};
#define N_CSV_TABLES ((int)(sizeof csv_tables / sizeof csv_tables[0]))

/* One scenario's directory (rel: its path from the report's directory, "." for the top) as an
 * object: its summary (result), inputs, layers, tables, replay and files. */
static cJSON *phase_json(const char *C, const char *top, const char *rel, const cJSON *result,
                         int *rc)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", top, rel);
    int n;
    char **names = list_files(dir, &n);
    if (!names) {
        cli_error(C, "%s: cannot list: %s", dir, strerror(errno));
        *rc = EXIT_USAGE;
        return NULL;
    }
    cJSON *ph = cJSON_CreateObject();
    cJSON_AddStringToObject(ph, "dir", rel);
    cJSON_AddItemToObject(ph, "result", cJSON_Duplicate(result, 1));
    cJSON *layers = cJSON_AddObjectToObject(ph, "layers");
    cJSON *tables = cJSON_AddObjectToObject(ph, "tables");
    cJSON *fl = cJSON_AddArrayToObject(ph, "files");
    char p[4200];
    for (int i = 0; i < n && *rc == EXIT_OK; i++) {
        const char *nm = names[i];
        if (strcmp(nm, "report.html") == 0)
            continue;
        cJSON_AddItemToArray(fl, cJSON_CreateString(nm));
        snprintf(p, sizeof p, "%s/%s", dir, nm);
        if (has_suffix(nm, ".geojson")) {
            cJSON *g = read_json(C, p);
            if (!g) {
                *rc = EXIT_USAGE;
                break;
            }
            char stem[256];
            snprintf(stem, sizeof stem, "%.*s", (int)(strlen(nm) - 8), nm);
            cJSON_AddItemToObject(layers, stem, g);
        } else if (strcmp(nm, "scenario.czml") == 0 || strcmp(nm, "inputs.json") == 0) {
            cJSON *g = read_json(C, p);
            if (!g) {
                *rc = EXIT_USAGE;
                break;
            }
            cJSON_AddItemToObject(ph, strcmp(nm, "inputs.json") == 0 ? "inputs" : "czml", g);
        } else if (has_suffix(nm, ".csv")) {
            for (int k = 0; k < N_CSV_TABLES; k++) {
                char want[64];
                snprintf(want, sizeof want, "%s.csv", csv_tables[k]);
                if (strcmp(nm, want) != 0)
                    continue;
                int err;
                char *t = read_text(p, NULL, &err);
                if (!t) {
                    cli_error(C, "%s: cannot read: %s", p, strerror(err));
                    *rc = EXIT_USAGE;
                    break;
                }
                cJSON_AddItemToObject(tables, csv_tables[k], cJSON_CreateString(t));
                free(t);
            }
        }
    }
    free_list(names, n);
    if (*rc != EXIT_OK) {
        cJSON_Delete(ph);
        return NULL;
    }
    return ph;
}

/* ------------------------------------------------------------------ copying the libraries */

static bool copy_file(const char *C, const char *src, const char *dst)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        cli_error(C, "cannot read %s: %s", src, strerror(errno));
        return false;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0) {
        cli_error(C, "cannot write %s: %s", dst, strerror(errno));
        close(in);
        return false;
    }
    static char buf[1 << 16];
    bool ok = true;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                ok = false;
                break;
            }
            w += k;
        }
        if (!ok)
            break;
    }
    close(in);
    if (close(out) != 0)
        ok = false;
    if (!ok)
        cli_error(C, "cannot copy %s to %s: %s", src, dst, strerror(errno));
    return ok;
}

/* Copy the tree under src into dst (created); regular files and directories only. */
static bool copy_tree(const char *C, const char *src, const char *dst)
{
    if (mkdir(dst, 0777) != 0 && errno != EEXIST) {
        cli_error(C, "cannot create %s: %s", dst, strerror(errno));
        return false;
    }
    DIR *d = opendir(src);
    if (!d) {
        cli_error(C, "cannot read %s: %s", src, strerror(errno));
        return false;
    }
    int cap = 64;
    int n = 0;
    char **v = malloc((size_t)cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap *= 2;
            char **nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[n] = strdup(e->d_name);
        if (v[n])
            n++;
    }
    closedir(d);
    if (!v) {
        cli_error(C, "out of memory");
        return false;
    }
    bool ok = true;
    char s[4096];
    char t[4096];
    for (int i = 0; i < n && ok; i++) {
        snprintf(s, sizeof s, "%s/%s", src, v[i]);
        snprintf(t, sizeof t, "%s/%s", dst, v[i]);
        struct stat sb;
        if (stat(s, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            ok = copy_tree(C, s, t);
        else if (S_ISREG(sb.st_mode))
            ok = copy_file(C, s, t);
    }
    free_list(v, n);
    return ok;
}

/* A file wrapped as a script: prefix, the file's bytes, suffix. */
static bool wrap_file(const char *C, const char *src, const char *dst, const char *prefix,
                      const char *suffix)
{
    size_t len;
    int err;
    char *t = read_text(src, &len, &err);
    if (!t) {
        cli_error(C, "cannot read %s: %s", src, strerror(err));
        return false;
    }
    size_t np = strlen(prefix);
    size_t ns = strlen(suffix);
    char *b = malloc(np + len + ns + 1);
    bool ok = b != NULL;
    if (ok) {
        memcpy(b, prefix, np);
        memcpy(b + np, t, len);
        memcpy(b + np + len, suffix, ns);
        ok = write_file_atomic(C, dst, b, np + len + ns);
    } else {
        cli_error(C, "out of memory");
    }
    free(b);
    free(t);
    return ok;
}

/* The libraries of the 2D map: [source under web/node_modules, name in report/lib]. */
static const char *const lib2d[][2] = {
    {"d3-array/dist/d3-array.min.js", "d3-array.min.js"},
    {"d3-geo/dist/d3-geo.min.js", "d3-geo.min.js"},
    {"topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"},
};
#define N_LIB2D ((int)(sizeof lib2d / sizeof lib2d[0]))
#define WORLD_ATLAS "world-atlas/countries-50m.json"
/* CesiumJS's built bundle: what the page needs of node_modules/cesium/Build/Cesium. */
static const char *const cesium_parts[] = {"Cesium.js", "Widgets", "Workers", "Assets",
                                           "ThirdParty"};
#define N_CESIUM ((int)(sizeof cesium_parts / sizeof cesium_parts[0]))

static bool have_2d(const char *web)
{
    char p[4096];
    for (int k = 0; k < N_LIB2D; k++) {
        snprintf(p, sizeof p, "%s/node_modules/%s", web, lib2d[k][0]);
        if (!file_exists(p))
            return false;
    }
    snprintf(p, sizeof p, "%s/node_modules/%s", web, WORLD_ATLAS);
    return file_exists(p);
}

static bool have_cesium(const char *web)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/node_modules/cesium/Build/Cesium/Cesium.js", web);
    if (!file_exists(p))
        return false;
    snprintf(p, sizeof p, "%s/node_modules/cesium/Build/Cesium/Assets/Textures/NaturalEarthII/"
                          "tilemapresource.xml", web);
    return file_exists(p);
}

/* ------------------------------------------------------------------ the report */

/* Remove a tree (the old report, or a failed new one). */
static void remove_tree(const char *p)
{
    out_dir_abort(p);
}

static bool save_data(const char *C, const char *path, cJSON *root)
{
    char *js = cJSON_PrintUnformatted(root);
    if (!js) {
        cli_error(C, "out of memory");
        return false;
    }
    static const char pre[] = "/* bmdsim report data: written by bmdsim; docs/report.md */\n"
                              "window.BMD_REPORT = ";
    size_t n = strlen(js);
    char *b = malloc(sizeof pre + n + 4);
    bool ok = b != NULL;
    if (ok) {
        memcpy(b, pre, sizeof pre - 1);
        memcpy(b + sizeof pre - 1, js, n);
        memcpy(b + sizeof pre - 1 + n, ";\n", 2);
        ok = write_file_atomic(C, path, b, sizeof pre - 1 + n + 2);
    } else {
        cli_error(C, "out of memory");
    }
    free(b);
    free(js);
    return ok;
}

/* The path of a phase's directory: its scenario file's name without .yaml (cmd_run.c). */
static void phase_dir_of(const cJSON *ph, char *out, size_t size)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(ph, "file");
    const char *s = cJSON_IsString(f) ? f->valuestring : "";
    const char *b = strrchr(s, '/');
    b = b ? b + 1 : s;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".yaml") == 0)
        n -= 5;
    snprintf(out, size, "%.*s", (int)n, b);
}

static bool warned_assets = false;

int report_write(const char *C, const char *dir, bool from_run)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error(C, "%s: not a directory (give the directory `bmdsim run --out DIR` wrote)",
                  dir);
        return EXIT_USAGE;
    }
    char p[4096];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    if (!file_exists(p)) {
        cli_error(C, "%s: no summary.json: not a directory `bmdsim run --out` wrote", dir);
        return EXIT_USAGE;
    }
    cJSON *summary = read_json(C, p);
    if (!summary)
        return EXIT_USAGE;
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(summary, "result");
    const cJSON *phases = cJSON_GetObjectItemCaseSensitive(summary, "phases");
    if (!cJSON_IsObject(result) && !cJSON_IsArray(phases)) {
        cli_error(C, "%s: neither \"result\" (a scenario's run) nor \"phases\" (the built-in run)",
                  p);
        cJSON_Delete(summary);
        return EXIT_USAGE;
    }
    const char *web = report_web_dir();
    static const char *const templ[] = {"report.html", "report.js", "report.css"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s/report/%s", web, templ[k]);
        if (!file_exists(p)) {
            if (from_run) { /* the run's other outputs stand; said once */
                fprintf(stderr, "bmdsim: %s: warning: no report.html: the report's template %s "
                                "is missing (set BMDSIM_WEB to bmdsim's web/ directory)\n",
                        C, p);
                cJSON_Delete(summary);
                return EXIT_OK;
            }
            cli_error(C, "the report's template %s is missing (set BMDSIM_WEB to bmdsim's web/ "
                         "directory)",
                      p);
            cJSON_Delete(summary);
            return EXIT_USAGE;
        }
    }
    bool ok2d = have_2d(web);
    bool okglobe = have_cesium(web);
    if ((!ok2d || !okglobe) && !warned_assets) {
        warned_assets = true;
        fprintf(stderr,
                "bmdsim: %s: warning: the report's browser libraries are not installed in "
                "%s/node_modules (%s%s%s): the page says what is unavailable; install them with "
                "bash scripts/web.sh\n",
                C, web, ok2d ? "" : "2D map", !ok2d && !okglobe ? ", " : "",
                okglobe ? "" : "globe");
    }
    /* The data. */
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "generator", "bmdsim " BMD_VERSION);
    cJSON *assets = cJSON_AddObjectToObject(root, "assets");
    cJSON_AddBoolToObject(assets, "map2d", ok2d);
    cJSON_AddBoolToObject(assets, "globe", okglobe);
    cJSON_AddStringToObject(assets, "install", "bash scripts/web.sh");
    int rc = EXIT_OK;
    cJSON *parr = cJSON_AddArrayToObject(root, "phases");
    if (cJSON_IsObject(result)) {
        cJSON_AddStringToObject(root, "kind", "scenario");
        cJSON *ph = phase_json(C, dir, ".", result, &rc);
        if (ph)
            cJSON_AddItemToArray(parr, ph);
    } else {
        cJSON_AddStringToObject(root, "kind", "built-in");
        const cJSON *e;
        cJSON_ArrayForEach(e, phases)
        {
            char rel[512];
            phase_dir_of(e, rel, sizeof rel);
            cJSON *ph = phase_json(C, dir, rel, e, &rc);
            if (!ph)
                break;
            cJSON_AddItemToArray(parr, ph);
        }
        if (rc == EXIT_OK) {
            /* The threats of the dispute: summary.json's threats and trajectories.csv. */
            cJSON *d = cJSON_AddObjectToObject(root, "dispute");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(summary, "threats");
            cJSON_AddItemToObject(d, "threats",
                                  t ? cJSON_Duplicate(t, 1) : cJSON_CreateArray());
            snprintf(p, sizeof p, "%s/trajectories.csv", dir);
            int err;
            char *txt = file_exists(p) ? read_text(p, NULL, &err) : NULL;
            cJSON_AddItemToObject(d, "trajectories_csv", cJSON_CreateString(txt ? txt : ""));
            free(txt);
        }
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(summary, "bmdsim_version");
    cJSON_AddStringToObject(root, "bmdsim_version", cJSON_IsString(ver) ? ver->valuestring : "");
    cJSON_Delete(summary);
    if (rc != EXIT_OK) {
        cJSON_Delete(root);
        return rc;
    }
    /* Built beside the old report, then renamed into place. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/.report-new-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        cli_error(C, "cannot create a directory in %s: %s", dir, strerror(errno));
        cJSON_Delete(root);
        return EXIT_USAGE;
    }
    chmod(tmp, 0777 & ~(mode_t)022);
    char rdir[4200];
    snprintf(rdir, sizeof rdir, "%s/report", tmp);
    bool ok = mkdir(rdir, 0777) == 0;
    if (!ok)
        cli_error(C, "cannot create %s: %s", rdir, strerror(errno));
    char s[4300];
    char t[4300];
    for (int k = 0; k < 3 && ok; k++) {
        snprintf(s, sizeof s, "%s/report/%s", web, templ[k]);
        if (k == 0)
            snprintf(t, sizeof t, "%s/report.html", tmp);
        else
            snprintf(t, sizeof t, "%s/%s", rdir, templ[k]);
        ok = copy_file(C, s, t);
    }
    if (ok) {
        snprintf(t, sizeof t, "%s/data.js", rdir);
        ok = save_data(C, t, root);
    }
    cJSON_Delete(root);
    if (ok && ok2d) {
        snprintf(t, sizeof t, "%s/lib", rdir);
        ok = mkdir(t, 0777) == 0;
        for (int k = 0; k < N_LIB2D && ok; k++) {
            snprintf(s, sizeof s, "%s/node_modules/%s", web, lib2d[k][0]);
            snprintf(t, sizeof t, "%s/lib/%s", rdir, lib2d[k][1]);
            ok = copy_file(C, s, t);
        }
        if (ok) {
            snprintf(s, sizeof s, "%s/node_modules/%s", web, WORLD_ATLAS);
            snprintf(t, sizeof t, "%s/lib/world.js", rdir);
            ok = wrap_file(C, s, t,
                           "/* world-atlas countries-50m (Natural Earth, public domain; ISC) */\n"
                           "window.BMD_WORLD = ",
                           ";\n");
        }
    }
    if (ok && okglobe) {
        snprintf(t, sizeof t, "%s/cesium", rdir);
        ok = mkdir(t, 0777) == 0;
        for (int k = 0; k < N_CESIUM && ok; k++) {
            snprintf(s, sizeof s, "%s/node_modules/cesium/Build/Cesium/%s", web, cesium_parts[k]);
            snprintf(t, sizeof t, "%s/cesium/%s", rdir, cesium_parts[k]);
            struct stat st;
            if (stat(s, &st) == 0 && S_ISDIR(st.st_mode))
                ok = copy_tree(C, s, t);
            else
                ok = copy_file(C, s, t);
        }
    }
    /* Swap: the old report/ aside, the new one in, the page last, then the old one removed. */
    char old[4200] = "";
    if (ok) {
        char cur[4200];
        snprintf(cur, sizeof cur, "%s/report", dir);
        if (stat(cur, &sb) == 0) {
            snprintf(old, sizeof old, "%s/.report-old-XXXXXX", dir);
            ok = mkdtemp(old) != NULL;
            if (ok) {
                char dst[4300];
                snprintf(dst, sizeof dst, "%s/report", old);
                ok = rename(cur, dst) == 0;
            }
            if (!ok)
                cli_error(C, "cannot move the old %s aside: %s", cur, strerror(errno));
        }
        if (ok && rename(rdir, cur) != 0) {
            cli_error(C, "cannot rename %s to %s: %s", rdir, cur, strerror(errno));
            ok = false;
            if (old[0]) { /* the old report back in place */
                char back[4300];
                snprintf(back, sizeof back, "%s/report", old);
                if (rename(back, cur) == 0)
                    old[0] = '\0';
            }
        }
        if (ok) {
            snprintf(s, sizeof s, "%s/report.html", tmp);
            snprintf(t, sizeof t, "%s/report.html", dir);
            if (rename(s, t) != 0) {
                cli_error(C, "cannot rename %s to %s: %s", s, t, strerror(errno));
                ok = false;
            }
        }
    }
    remove_tree(tmp);
    if (old[0])
        remove_tree(old);
    return ok ? EXIT_OK : EXIT_INTERNAL;
}
