/* SPDX-License-Identifier: MIT */
/* test_replay.c: the raid replay (replay.h). A small replay (two threat tracks and an interceptor
 * track from real flights of catalog missiles, a site, a sensor whose name holds every XML
 * special, an intercept point, an asset with its own colour) is written as CZML and KML, and
 * read back: the CZML with cJSON (the document packet first, unique ids, track arrays of
 * (t, lon, lat, h) with increasing times and degrees in range, positions equal to
 * bmd_traj_geodetic's), the KML with a small tag scanner (balanced tags, namespaces, one gx:Track
 * per track with as many when as gx:coord, entities) and, where python3 is present, with
 * Python's XML and JSON parsers. Also: the ISO 8601 times, the sampler, determinism, NaN skipped,
 * and every rejected input. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/catalog.h"
#include "bmd/constants.h"
#include "bmd/flight.h"
#include "bmd/replay.h"
#include "test.h"

#define DEG BMD_DEG
#define RAD2DEG (180.0 / BMD_PI)

static const char *const SENSOR_NAME = "Radar \"A&B\" <TPY-2> 'K'";

static bmd_catalog *cat;
static bool have_flights;
static bmd_trajectory thr[2];
static const double thr_offset[2] = {0.0, 45.5};
static bmd_trajectory itc;
static const double itc_offset = 300.0;
static const double itc_t1 = 150.0;   /* interceptor track: its first 150 s */
static bmd_replay_track tracks[3];
static bmd_replay_object objects[7];
static bmd_replay replay;

/* ---------------------------------------------------------------------------------------------
 * Helpers */

static char *slurp(FILE *fp, size_t *len)
{
    if (fseek(fp, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(fp);
    if (n < 0 || fseek(fp, 0, SEEK_SET) != 0)
        return NULL;
    char *buf = malloc((size_t)n + 1);
    if (!buf)
        return NULL;
    size_t got = fread(buf, 1, (size_t)n, fp);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

/* The replay written in one format into a string; *st the writer's status. */
static char *write_str(const bmd_replay *r, bool kml, bmd_status *st, size_t *len)
{
    FILE *fp = tmpfile();
    if (!fp) {
        *st = BMD_ERR_IO;
        return NULL;
    }
    *st = kml ? bmd_replay_write_kml(r, fp) : bmd_replay_write_czml(r, fp);
    char *s = slurp(fp, len);
    fclose(fp);
    return s;
}

static double wrap180(double d)
{
    while (d >= 180.0)
        d -= 360.0;
    while (d < -180.0)
        d += 360.0;
    return d;
}

static int count_str(const char *s, const char *what)
{
    int n = 0;
    size_t l = strlen(what);
    for (const char *p = strstr(s, what); p; p = strstr(p + l, what))
        n++;
    return n;
}

static bool python3_present(void)
{
    return system("command -v python3 >/dev/null 2>&1") == 0;
}

/* ---------------------------------------------------------------------------------------------
 * The fixture: flights of the catalog's Shahab-3 and SM-3 IB. */

static bool fly_fixture(void)
{
    bmd_load_error err;
    if (bmd_catalog_load(bmd_data_dir(), &cat, &err) != BMD_OK) {
        fprintf(stderr, "catalog: %s:%d: %s\n", err.file, err.line, err.msg);
        return false;
    }
    const bmd_missile *m = bmd_catalog_find(cat, "shahab-3");
    const bmd_missile *im = bmd_catalog_find_interceptor(cat, "sm3-ib");
    if (!m || !im)
        return false;
    bmd_flight_opts o = bmd_flight_default_opts();
    /* Two launches from north-western Iran toward Turkey, the second 45.5 s later. */
    static const double launch[2][3] = {{38.08, 46.29, 300.0}, {37.55, 45.07, 295.0}};
    for (int k = 0; k < 2; k++) {
        bmd_traj_init(&thr[k]);
        bmd_guidance g = {launch[k][2] * DEG, 0.35, (double)INFINITY};
        bmd_status st = bmd_fly(&m->v, launch[k][0] * DEG, launch[k][1] * DEG, 0.0, &g, &o,
                                &thr[k]);
        if (st != BMD_OK || !thr[k].sum.impacted) {
            fprintf(stderr, "threat %d: %s\n", k, bmd_status_str(st));
            return false;
        }
    }
    /* An SM-3 IB from Deveselu, toward the south-east. */
    bmd_traj_init(&itc);
    bmd_guidance g = {120.0 * DEG, 0.5, (double)INFINITY};
    bmd_status st = bmd_fly(&im->v, 44.08 * DEG, 24.35 * DEG, 0.0, &g, &o, &itc);
    if (st != BMD_OK || itc.t_end_s < itc_t1 + 1.0) {
        fprintf(stderr, "interceptor: %s\n", bmd_status_str(st));
        return false;
    }
    return true;
}

static bool build_replay(void)
{
    for (int k = 0; k < 2; k++)
        if (bmd_replay_sample_traj(&thr[k], 10.0, thr_offset[k], &tracks[k]) != BMD_OK)
            return false;
    if (bmd_replay_sample_traj_span(&itc, -5.0, itc_t1, 2.5, itc_offset, &tracks[2]) != BMD_OK)
        return false;
    memset(objects, 0, sizeof objects);
    objects[0] = (bmd_replay_object){.id = "threat-tabriz", .name = "shahab-3 from Tabriz",
                                     .description = "Launch 0 s; <impact> & more",
                                     .kind = BMD_REPLAY_THREAT, .track = &tracks[0]};
    objects[1] = (bmd_replay_object){.name = "shahab-3 (2)", .kind = BMD_REPLAY_THREAT,
                                     .track = &tracks[1]};
    objects[2] = (bmd_replay_object){.id = "sm3-1", .name = "SM-3 IB from Deveselu",
                                     .kind = BMD_REPLAY_INTERCEPTOR, .track = &tracks[2]};
    objects[3] = (bmd_replay_object){.id = "deveselu", .name = "Deveselu (Aegis Ashore)",
                                     .kind = BMD_REPLAY_SITE, .lat_rad = 44.08 * DEG,
                                     .lon_rad = 24.35 * DEG};
    objects[4] = (bmd_replay_object){.id = "kurecik", .name = SENSOR_NAME,
                                     .kind = BMD_REPLAY_SENSOR, .lat_rad = 38.35 * DEG,
                                     .lon_rad = 37.79 * DEG, .h_m = 1900.0};
    objects[5] = (bmd_replay_object){.id = "intercept-1", .name = "intercept",
                                     .kind = BMD_REPLAY_INTERCEPT, .lat_rad = 40.1 * DEG,
                                     .lon_rad = 33.2 * DEG, .h_m = 152345.67, .has_time = true,
                                     .time_s = 450.25};
    objects[6] = (bmd_replay_object){.name = "Bucharest", .kind = BMD_REPLAY_ASSET,
                                     .rgba = {10, 20, 30, 200}, .lat_rad = 44.4268 * DEG,
                                     .lon_rad = 26.1025 * DEG};
    replay = (bmd_replay){.name = "Test raid & <replay>", .n_objects = 7, .objects = objects};
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Tests */

static void test_time_iso(void)
{
    char buf[40];
    ENSURE(bmd_replay_time_iso(NULL, 0.0, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "2011-12-01T00:00:00Z") == 0);
    ENSURE(bmd_replay_time_iso(NULL, 1764.3456, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "2011-12-01T00:29:24.346Z") == 0);
    /* Across a year end, then a leap day. */
    ENSURE(bmd_replay_time_iso("2011-12-31T23:59:30Z", 45.5, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "2012-01-01T00:00:15.500Z") == 0);
    ENSURE(bmd_replay_time_iso("2012-02-28T12:00:00.25Z", 86400.0, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "2012-02-29T12:00:00.250Z") == 0);
    ENSURE(bmd_replay_time_iso("2100-02-28T00:00:00Z", 86400.0, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "2100-03-01T00:00:00Z") == 0);
    ENSURE(bmd_replay_time_iso("2000-01-01T00:00:00Z", -0.001, buf, sizeof buf) == BMD_OK);
    ENSURE(strcmp(buf, "1999-12-31T23:59:59.999Z") == 0);
    /* 1970 and far from it: 1 January 1601 is 134774 days before. */
    ENSURE(bmd_replay_time_iso("1970-01-01T00:00:00Z", -134774.0 * 86400.0, buf, sizeof buf) ==
           BMD_OK);
    ENSURE(strcmp(buf, "1601-01-01T00:00:00Z") == 0);
    /* Rejected. */
    static const char *const bad[] = {"2011-12-01", "2011-12-01T00:00:00", "2011-13-01T00:00:00Z",
                                      "2011-02-29T00:00:00Z", "2011-12-01T24:00:00Z",
                                      "2011-12-01T00:00:60Z", "2011-12-01T00:00:00.Z",
                                      "2011-12-01T00:00:00.1234Z", "2011-12-01 00:00:00Z",
                                      "0000-01-01T00:00:00Z", "2011-12-01T00:00:00Zx", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ENSURE(bmd_replay_time_iso(bad[i], 0.0, buf, sizeof buf) == BMD_ERR_ARG);
        ENSURE(buf[0] == '\0');
    }
    ENSURE(bmd_replay_time_iso(NULL, (double)NAN, buf, sizeof buf) == BMD_ERR_ARG);
    ENSURE(bmd_replay_time_iso("9999-12-31T23:59:59Z", 1.0, buf, sizeof buf) == BMD_ERR_ARG);
    ENSURE(bmd_replay_time_iso(NULL, 0.0, buf, 10) == BMD_ERR_ARG);
}

static void test_sampling(void)
{
    if (!have_flights)
        return;
    /* Whole flight: from t_start to t_end, every dt, the end last; times offset. */
    const bmd_replay_track *t = &tracks[1];
    const bmd_trajectory *tr = &thr[1];
    int n_want = (int)ceil((tr->t_end_s - tr->t_start_s - 0.01) / 10.0) + 1;
    ENSURE(t->n == n_want);
    CHECK_NEAR(t->t_s[0], tr->t_start_s + thr_offset[1], 1e-9);
    CHECK_NEAR(t->t_s[t->n - 1], tr->t_end_s + thr_offset[1], 1e-9);
    for (int i = 1; i < t->n - 1; i++)
        CHECK_NEAR(t->t_s[i] - t->t_s[i - 1], 10.0, 1e-9);
    ENSURE(t->t_s[t->n - 1] - t->t_s[t->n - 2] > 0.01 - 1e-12);
    ENSURE(t->t_s[t->n - 1] - t->t_s[t->n - 2] <= 10.0 + 1e-9);
    for (int i = 0; i < t->n; i++) {
        double lat, lon, h;
        ENSURE(bmd_traj_geodetic(tr, t->t_s[i] - thr_offset[1], &lat, &lon, &h, NULL) == BMD_OK);
        CHECK_NEAR(t->lat_rad[i], lat, 1e-12);
        CHECK_NEAR(t->lon_rad[i], lon, 1e-12);
        CHECK_NEAR(t->h_m[i], h, 1e-6);
    }
    /* The launch on the ground, the end at impact. */
    CHECK_NEAR(t->h_m[0], 0.0, 1.0);
    CHECK_NEAR(t->h_m[t->n - 1], 0.0, 1.0);
    /* A span clipped to the flight: the interceptor's [-5, 150] is [0, 150]. */
    const bmd_replay_track *it = &tracks[2];
    ENSURE(it->n == 61);
    CHECK_NEAR(it->t_s[0], itc_offset + itc.t_start_s, 1e-9);
    CHECK_NEAR(it->t_s[it->n - 1], itc_offset + itc_t1, 1e-9);
    /* An end 5 ms after a regular sample replaces it. */
    bmd_replay_track s;
    ENSURE(bmd_replay_sample_traj_span(tr, 0.0, 20.005, 10.0, 0.0, &s) == BMD_OK);
    ENSURE(s.n == 3);
    if (s.n == 3) {
        CHECK_NEAR(s.t_s[1], 10.0, 0.0);
        CHECK_NEAR(s.t_s[2], 20.005, 0.0);
    }
    bmd_replay_track_free(&s);
    ENSURE(s.n == 0 && s.t_s == NULL);
    /* Rejected: bad dt, NaN, an empty span, a trajectory without its path. */
    ENSURE(bmd_replay_sample_traj(tr, 0.0, 0.0, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj(tr, 0.005, 0.0, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj(tr, (double)NAN, 0.0, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj(tr, 1.0, (double)INFINITY, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj_span(tr, 50.0, 40.0, 1.0, 0.0, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj_span(tr, (double)NAN, 40.0, 1.0, 0.0, &s) == BMD_ERR_ARG);
    ENSURE(bmd_replay_sample_traj_span(tr, tr->t_end_s + 1.0, (double)INFINITY, 1.0, 0.0, &s) ==
           BMD_ERR_ARG);
    ENSURE(s.n == 0 && s.t_s == NULL);
    bmd_trajectory empty;
    bmd_traj_init(&empty);
    ENSURE(bmd_replay_sample_traj(&empty, 1.0, 0.0, &s) == BMD_ERR_RANGE);
    bmd_traj_free(&empty);
}

/* The CZML read back with cJSON. */
static void test_czml(void)
{
    if (!have_flights)
        return;
    bmd_status st;
    char *txt = write_str(&replay, false, &st, NULL);
    ENSURE(st == BMD_OK);
    ENSURE(txt != NULL);
    if (!txt)
        return;
    ENSURE(strstr(txt, "nan") == NULL && strstr(txt, "NaN") == NULL && strstr(txt, "inf") == NULL);
    cJSON *doc = cJSON_Parse(txt);
    ENSURE(cJSON_IsArray(doc));
    ENSURE(cJSON_GetArraySize(doc) == 1 + replay.n_objects);
    if (!cJSON_IsArray(doc) || cJSON_GetArraySize(doc) != 1 + replay.n_objects) {
        cJSON_Delete(doc);
        free(txt);
        return;
    }
    /* The document packet. */
    const cJSON *d = cJSON_GetArrayItem(doc, 0);
    const cJSON *id0 = cJSON_GetObjectItemCaseSensitive(d, "id");
    ENSURE(cJSON_IsString(id0) && strcmp(id0->valuestring, "document") == 0);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(d, "version");
    ENSURE(cJSON_IsString(ver) && strcmp(ver->valuestring, "1.0") == 0);
    const cJSON *dn = cJSON_GetObjectItemCaseSensitive(d, "name");
    ENSURE(cJSON_IsString(dn) && strcmp(dn->valuestring, replay.name) == 0);
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(d, "clock");
    ENSURE(cJSON_IsObject(clock));
    const cJSON *iv = cJSON_GetObjectItemCaseSensitive(clock, "interval");
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(clock, "currentTime");
    const cJSON *mul = cJSON_GetObjectItemCaseSensitive(clock, "multiplier");
    const cJSON *rng = cJSON_GetObjectItemCaseSensitive(clock, "range");
    const cJSON *step = cJSON_GetObjectItemCaseSensitive(clock, "step");
    /* The span: the first launch (0 s) to the last end among the objects. */
    double t_last = fmax(fmax(tracks[0].t_s[tracks[0].n - 1], tracks[1].t_s[tracks[1].n - 1]),
                         fmax(tracks[2].t_s[tracks[2].n - 1], 450.25));
    char want_iv[100], a[40], b[40];
    ENSURE(bmd_replay_time_iso(NULL, 0.0, a, sizeof a) == BMD_OK);
    ENSURE(bmd_replay_time_iso(NULL, t_last, b, sizeof b) == BMD_OK);
    snprintf(want_iv, sizeof want_iv, "%s/%s", a, b);
    ENSURE(cJSON_IsString(iv) && strcmp(iv->valuestring, want_iv) == 0);
    ENSURE(cJSON_IsString(ct) && strcmp(ct->valuestring, "2011-12-01T00:00:00Z") == 0);
    ENSURE(cJSON_IsNumber(mul) && mul->valuedouble == fmax(1.0, round(t_last / 120.0)));
    ENSURE(cJSON_IsString(rng) && strcmp(rng->valuestring, "LOOP_STOP") == 0);
    ENSURE(cJSON_IsString(step) && strcmp(step->valuestring, "SYSTEM_CLOCK_MULTIPLIER") == 0);

    /* Ids unique; the generated ones as documented. */
    for (int i = 0; i < cJSON_GetArraySize(doc); i++) {
        const cJSON *ii = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, i), "id");
        ENSURE(cJSON_IsString(ii));
        for (int j = 0; j < i && cJSON_IsString(ii); j++) {
            const cJSON *jj = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, j), "id");
            ENSURE(cJSON_IsString(jj) && strcmp(ii->valuestring, jj->valuestring) != 0);
        }
    }
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 2), "id");
    ENSURE(cJSON_IsString(gen) && strcmp(gen->valuestring, "threat-2") == 0);
    gen = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 7), "id");
    ENSURE(cJSON_IsString(gen) && strcmp(gen->valuestring, "asset-7") == 0);

    /* Each object's packet. */
    const bmd_trajectory *trs[3] = {&thr[0], &thr[1], &itc};
    const double offs[3] = {thr_offset[0], thr_offset[1], itc_offset};
    for (int i = 0; i < replay.n_objects; i++) {
        const bmd_replay_object *o = &objects[i];
        const cJSON *p = cJSON_GetArrayItem(doc, i + 1);
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(p, "name");
        ENSURE(cJSON_IsString(nm) && strcmp(nm->valuestring, o->name) == 0);
        const cJSON *lbl = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(p, "label"), "text");
        ENSURE(cJSON_IsString(lbl) && strcmp(lbl->valuestring, o->name) == 0);
        const cJSON *av = cJSON_GetObjectItemCaseSensitive(p, "availability");
        ENSURE(cJSON_IsString(av) && strchr(av->valuestring, '/') != NULL);
        const cJSON *pt = cJSON_GetObjectItemCaseSensitive(p, "point");
        const cJSON *rgba = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(pt, "color"), "rgba");
        ENSURE(cJSON_IsArray(rgba) && cJSON_GetArraySize(rgba) == 4);
        ENSURE(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(pt, "pixelSize")));
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(p, "path");
        const cJSON *pos = cJSON_GetObjectItemCaseSensitive(p, "position");
        const cJSON *cd = cJSON_GetObjectItemCaseSensitive(pos, "cartographicDegrees");
        ENSURE(cJSON_IsArray(cd));
        if (!cJSON_IsArray(cd))
            continue;
        int len = cJSON_GetArraySize(cd);
        if (!o->track) {
            ENSURE(len == 3);
            ENSURE(path == NULL);
            ENSURE(cJSON_GetObjectItemCaseSensitive(pos, "epoch") == NULL);
            if (len == 3) {
                CHECK_NEAR(cJSON_GetArrayItem(cd, 0)->valuedouble, o->lon_rad * RAD2DEG, 1e-7);
                CHECK_NEAR(cJSON_GetArrayItem(cd, 1)->valuedouble, o->lat_rad * RAD2DEG, 1e-7);
                CHECK_NEAR(cJSON_GetArrayItem(cd, 2)->valuedouble, o->h_m, 0.05);
            }
            if (o->has_time) {
                char t0[40];
                ENSURE(bmd_replay_time_iso(NULL, o->time_s, t0, sizeof t0) == BMD_OK);
                ENSURE(cJSON_IsString(av) && strncmp(av->valuestring, t0, strlen(t0)) == 0 &&
                       av->valuestring[strlen(t0)] == '/');
                ENSURE(strcmp(t0, "2011-12-01T00:07:30.250Z") == 0);
            } else {
                ENSURE(cJSON_IsString(iv) && cJSON_IsString(av) &&
                       strcmp(av->valuestring, iv->valuestring) == 0);
            }
            continue;
        }
        /* A track: (t, lon, lat, h) quadruples at the sampled times. */
        int k = (int)(o->track - tracks);
        const bmd_replay_track *t = o->track;
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(pos, "epoch");
        ENSURE(cJSON_IsString(ep) && strcmp(ep->valuestring, BMD_REPLAY_DEFAULT_EPOCH) == 0);
        ENSURE(cJSON_IsObject(path));
        ENSURE(cJSON_GetObjectItemCaseSensitive(path, "leadTime") != NULL &&
               cJSON_GetObjectItemCaseSensitive(path, "leadTime")->valuedouble == 0.0);
        const cJSON *trail = cJSON_GetObjectItemCaseSensitive(path, "trailTime");
        ENSURE(cJSON_IsNumber(trail) && trail->valuedouble >= t->t_s[t->n - 1] - t->t_s[0]);
        ENSURE(cJSON_GetObjectItemCaseSensitive(
                   cJSON_GetObjectItemCaseSensitive(path, "material"), "solidColor") != NULL);
        ENSURE(len % 4 == 0);
        ENSURE(len == 4 * t->n);
        if (len != 4 * t->n)
            continue;
        double prev = -(double)INFINITY;
        int n_bad = 0;
        for (int j = 0; j < t->n; j++) {
            double tt = cJSON_GetArrayItem(cd, 4 * j)->valuedouble;
            double lon = cJSON_GetArrayItem(cd, 4 * j + 1)->valuedouble;
            double lat = cJSON_GetArrayItem(cd, 4 * j + 2)->valuedouble;
            double h = cJSON_GetArrayItem(cd, 4 * j + 3)->valuedouble;
            if (!(tt > prev) || !(lon >= -180.0 && lon <= 180.0) || !(lat >= -90.0 && lat <= 90.0))
                n_bad++;
            prev = tt;
            double wlat, wlon, wh;
            ENSURE(bmd_traj_geodetic(trs[k], t->t_s[j] - offs[k], &wlat, &wlon, &wh, NULL) ==
                   BMD_OK);
            if (fabs(tt - t->t_s[j]) > 0.0005 || fabs(wrap180(lon - wlon * RAD2DEG)) > 1e-7 ||
                fabs(lat - wlat * RAD2DEG) > 1e-7 || fabs(h - wh) > 0.05 + 1e-9)
                n_bad++;
        }
        ENSURE(n_bad == 0);
        /* Availability: the track's first to last time. */
        char t0[40], t1[40], want[100];
        ENSURE(bmd_replay_time_iso(NULL, t->t_s[0], t0, sizeof t0) == BMD_OK);
        ENSURE(bmd_replay_time_iso(NULL, t->t_s[t->n - 1], t1, sizeof t1) == BMD_OK);
        snprintf(want, sizeof want, "%s/%s", t0, t1);
        ENSURE(cJSON_IsString(av) && strcmp(av->valuestring, want) == 0);
    }
    /* The sensor's name is plain JSON; the description is HTML-escaped text. */
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 1),
                                                         "description");
    ENSURE(cJSON_IsString(desc) &&
           strcmp(desc->valuestring, "Launch 0 s; &lt;impact&gt; &amp; more") == 0);
    /* The asset's own colour. */
    const cJSON *rgba = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 7), "point"), "color"),
        "rgba");
    ENSURE(cJSON_IsArray(rgba) && cJSON_GetArraySize(rgba) == 4 &&
           cJSON_GetArrayItem(rgba, 0)->valueint == 10 &&
           cJSON_GetArrayItem(rgba, 3)->valueint == 200);
    cJSON_Delete(doc);
    free(txt);
}

/* Undo the five XML entities; false on any other '&'. */
static bool xml_unescape(const char *s, size_t n, char *out, size_t size)
{
    static const char *const ent[5] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    static const char ch[5] = {'&', '<', '>', '"', '\''};
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '&') {
            int k = 0;
            while (k < 5 && strncmp(s + i, ent[k], strlen(ent[k])) != 0)
                k++;
            if (k == 5)
                return false;
            c = ch[k];
            i += strlen(ent[k]) - 1;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

/* A small structural check of XML: tags balanced, no '<' in text, only known entities. Counts
 * gx:Track elements and checks each holds as many when as gx:coord (n_when[k] per track). */
static bool kml_structure(const char *s, int *n_tracks, int n_when[], int max_tracks)
{
    char stack[64][48];
    int depth = 0;
    int cur_when = 0, cur_coord = 0;
    *n_tracks = 0;
    const char *p = s;
    if (strncmp(p, "<?xml ", 6) != 0)
        return false;
    p = strstr(p, "?>");
    if (!p)
        return false;
    p += 2;
    bool root_seen = false;
    while (*p) {
        if (*p != '<') {
            if (*p == '>')
                return false;
            if (*p == '&') {
                char tmp[16];
                const char *e = strchr(p, ';');
                if (!e || e - p > 8 || !xml_unescape(p, (size_t)(e - p + 1), tmp, sizeof tmp))
                    return false;
            }
            if (depth == 0 && *p != '\n')
                return false;
            p++;
            continue;
        }
        const char *e = strchr(p, '>');
        if (!e)
            return false;
        bool closing = p[1] == '/';
        bool selfclose = e[-1] == '/';
        const char *nb = p + (closing ? 2 : 1);
        size_t nl = strcspn(nb, " />");
        if (nl == 0 || nl >= sizeof stack[0])
            return false;
        char name[48];
        memcpy(name, nb, nl);
        name[nl] = '\0';
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return false;
            depth--;
            if (strcmp(name, "gx:Track") == 0) {
                if (cur_when != cur_coord || *n_tracks > max_tracks)
                    return false;
                n_when[*n_tracks - 1] = cur_when;
            }
        } else if (!selfclose) {
            if (depth == 64)
                return false;
            if (depth == 0) {
                if (root_seen || strcmp(name, "kml") != 0)
                    return false;
                root_seen = true;
            }
            strcpy(stack[depth++], name);
            if (strcmp(name, "gx:Track") == 0) {
                (*n_tracks)++;
                cur_when = 0;
                cur_coord = 0;
            } else if (strcmp(name, "when") == 0) {
                cur_when++;
            } else if (strcmp(name, "gx:coord") == 0) {
                cur_coord++;
            }
        }
        p = e + 1;
    }
    return depth == 0 && root_seen;
}

static void test_kml(void)
{
    if (!have_flights)
        return;
    bmd_status st;
    char *txt = write_str(&replay, true, &st, NULL);
    ENSURE(st == BMD_OK);
    ENSURE(txt != NULL);
    if (!txt)
        return;
    ENSURE(strstr(txt, "nan") == NULL && strstr(txt, "NaN") == NULL && strstr(txt, "inf") == NULL);
    ENSURE(strstr(txt, "<kml xmlns=\"http://www.opengis.net/kml/2.2\" "
                       "xmlns:gx=\"http://www.google.com/kml/ext/2.2\">") != NULL);
    int n_tracks = 0;
    int n_when[8] = {0};
    ENSURE(kml_structure(txt, &n_tracks, n_when, 8));
    ENSURE(n_tracks == 3);
    for (int k = 0; k < 3 && k < n_tracks; k++)
        ENSURE(n_when[k] == tracks[k].n);
    ENSURE(count_str(txt, "<Folder>") == replay.n_objects);
    ENSURE(count_str(txt, "<Placemark>") == replay.n_objects);
    ENSURE(count_str(txt, "<Point>") == 4);
    ENSURE(count_str(txt, "<altitudeMode>absolute</altitudeMode>") == 3 + 2);
    ENSURE(count_str(txt, "<Style id=\"kind-") == BMD_REPLAY_KIND_COUNT);
    ENSURE(count_str(txt, "<styleUrl>#kind-threat</styleUrl>") == 2);
    /* The intercept point shows from its time; the asset's own colour (aabbggrr). */
    ENSURE(strstr(txt, "<TimeSpan><begin>2011-12-01T00:07:30.250Z</begin></TimeSpan>") != NULL);
    ENSURE(strstr(txt, "<color>c81e140a</color>") != NULL);
    /* The first track's first and last when and coord, as the trajectory gives them. */
    char w0[40], w1[40], line[128];
    ENSURE(bmd_replay_time_iso(NULL, tracks[0].t_s[0], w0, sizeof w0) == BMD_OK);
    ENSURE(bmd_replay_time_iso(NULL, tracks[0].t_s[tracks[0].n - 1], w1, sizeof w1) == BMD_OK);
    snprintf(line, sizeof line, "<when>%s</when>", w0);
    ENSURE(strstr(txt, line) != NULL);
    snprintf(line, sizeof line, "<when>%s</when>", w1);
    ENSURE(strstr(txt, line) != NULL);
    const char *c = strstr(txt, "<gx:coord>");
    ENSURE(c != NULL);
    if (c) {
        double lon = strtod(c + 10, NULL);
        CHECK_NEAR(lon, tracks[0].lon_rad[0] * RAD2DEG, 1e-7);
    }
    /* The escaped names round-trip; no raw special character in any name. */
    int found = 0;
    for (const char *p = strstr(txt, "<name>"); p; p = strstr(p + 6, "<name>")) {
        const char *e = strstr(p, "</name>");
        ENSURE(e != NULL);
        if (!e)
            break;
        char nm[256];
        ENSURE(xml_unescape(p + 6, (size_t)(e - p - 6), nm, sizeof nm));
        if (strcmp(nm, SENSOR_NAME) == 0)
            found++;
    }
    ENSURE(found == 2); /* Folder and Placemark */
    ENSURE(strstr(txt, "<name>Test raid &amp; &lt;replay&gt;</name>") != NULL);
    /* A description is plain text: escaped for HTML, then for XML. */
    ENSURE(strstr(txt, "<description>Launch 0 s; &amp;lt;impact&amp;gt; &amp;amp; more"
                       "</description>") != NULL);
    free(txt);
}

/* Python's XML and JSON parsers read both files (where python3 is present). */
static void test_python_parse(void)
{
    if (!have_flights)
        return;
    ENSURE(bmd_replay_save(&replay, "test_replay.czml", "test_replay.kml") == BMD_OK);
    if (!python3_present()) {
        fprintf(stderr, "skipped: no python3\n");
        return;
    }
    int rc = system("python3 -c '"
                    "import sys, json, xml.etree.ElementTree as E\n"
                    "ns = {\"k\": \"http://www.opengis.net/kml/2.2\", "
                    "\"gx\": \"http://www.google.com/kml/ext/2.2\"}\n"
                    "r = E.parse(\"test_replay.kml\").getroot()\n"
                    "assert r.tag == \"{http://www.opengis.net/kml/2.2}kml\"\n"
                    "tr = r.findall(\".//gx:Track\", ns)\n"
                    "assert len(tr) == 3, len(tr)\n"
                    "for t in tr:\n"
                    "    assert len(t.findall(\"k:when\", ns)) == len(t.findall(\"gx:coord\", ns))\n"
                    "names = [n.text for n in r.iter(\"{http://www.opengis.net/kml/2.2}name\")]\n"
                    "assert names.count(sys.argv[1]) == 2, names\n"
                    "d = json.load(open(\"test_replay.czml\"))\n"
                    "assert d[0][\"id\"] == \"document\"\n"
                    "assert len(set(p[\"id\"] for p in d)) == len(d)\n"
                    "' 'Radar \"A&B\" <TPY-2> '\\''K'\\'''");
    ENSURE(rc == 0);
}

static void test_deterministic(void)
{
    if (!have_flights)
        return;
    for (int kml = 0; kml < 2; kml++) {
        bmd_status s1, s2;
        size_t n1 = 0, n2 = 0;
        char *a = write_str(&replay, kml, &s1, &n1);
        char *b = write_str(&replay, kml, &s2, &n2);
        ENSURE(s1 == BMD_OK && s2 == BMD_OK);
        ENSURE(a && b && n1 == n2 && n1 > 1000 && memcmp(a, b, n1) == 0);
        free(a);
        free(b);
    }
    /* bmd_replay_save writes the same bytes as the stream writers. */
    FILE *fp = fopen("test_replay.czml", "r");
    ENSURE(fp != NULL);
    if (fp) {
        bmd_status s;
        size_t n1 = 0, n2 = 0;
        char *a = slurp(fp, &n1);
        char *b = write_str(&replay, false, &s, &n2);
        ENSURE(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
        free(a);
        free(b);
        fclose(fp);
    }
}

/* Points with a NaN are skipped; a given span, epoch and multiplier are written as given. */
static void test_nan_skipped_and_options(void)
{
    double t[4] = {0.0, 10.0, 20.0, 30.0};
    double lat[4] = {0.1, (double)NAN, 0.3, 0.4};
    double lon[4] = {3.2, 3.1, 3.0, -3.1};   /* crosses the antimeridian */
    double h[4] = {0.0, 1e5, 2e5, -0.04};
    bmd_replay_track tk = {4, t, lat, lon, h};
    bmd_replay_object o = {.name = "K\xc3\xbcrecik \xe2\x86\x92 \xf0\x9f\x9a\x80",
                           .kind = BMD_REPLAY_INTERCEPTOR, .track = &tk};
    bmd_replay r = {.epoch = "2020-02-29T23:59:59.5Z", .t_start_s = -10.0, .t_stop_s = 100.0,
                    .multiplier = 2.5, .n_objects = 1, .objects = &o};
    bmd_status st;
    char *txt = write_str(&r, false, &st, NULL);
    ENSURE(st == BMD_OK);
    cJSON *doc = txt ? cJSON_Parse(txt) : NULL;
    ENSURE(doc != NULL);
    const cJSON *p = cJSON_GetArrayItem(doc, 1);
    const cJSON *cd = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(p, "position"), "cartographicDegrees");
    ENSURE(cJSON_GetArraySize(cd) == 12);
    if (cJSON_GetArraySize(cd) == 12) {
        CHECK_NEAR(cJSON_GetArrayItem(cd, 1)->valuedouble, wrap180(3.2 * RAD2DEG), 1e-7);
        CHECK_NEAR(cJSON_GetArrayItem(cd, 4)->valuedouble, 20.0, 0.0);
        CHECK_NEAR(cJSON_GetArrayItem(cd, 9)->valuedouble, wrap180(-3.1 * RAD2DEG), 1e-7);
        ENSURE(cJSON_GetArrayItem(cd, 11)->valuedouble == 0.0);  /* -0.04 m: "0", not "-0" */
    }
    ENSURE(txt && strstr(txt, "-0,") == NULL && strstr(txt, "-0]") == NULL);
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 0), "clock");
    const cJSON *iv = cJSON_GetObjectItemCaseSensitive(clock, "interval");
    ENSURE(cJSON_IsString(iv) &&
           strcmp(iv->valuestring, "2020-02-29T23:59:49.500Z/2020-03-01T00:01:39.500Z") == 0);
    const cJSON *mul = cJSON_GetObjectItemCaseSensitive(clock, "multiplier");
    ENSURE(cJSON_IsNumber(mul) && mul->valuedouble == 2.5);
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(p, "position"), "epoch");
    ENSURE(cJSON_IsString(ep) && strcmp(ep->valuestring, "2020-02-29T23:59:59.500Z") == 0);
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(p, "name");
    ENSURE(cJSON_IsString(nm) && strcmp(nm->valuestring, o.name) == 0);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
    ENSURE(cJSON_IsString(id) && strcmp(id->valuestring, "interceptor-1") == 0);
    cJSON_Delete(doc);
    free(txt);
    txt = write_str(&r, true, &st, NULL);
    ENSURE(st == BMD_OK);
    ENSURE(txt && count_str(txt, "<when>") == 3 && count_str(txt, "<gx:coord>") == 3);
    ENSURE(txt && strstr(txt, "<when>2020-03-01T00:00:19.500Z</when>") != NULL);
    ENSURE(txt && strstr(txt, "nan") == NULL);
    free(txt);
    /* An empty replay is valid: the document alone, the default span 0-60 s. */
    bmd_replay e = {0};
    txt = write_str(&e, false, &st, NULL);
    ENSURE(st == BMD_OK);
    ENSURE(txt && strstr(txt, "\"interval\":\"2011-12-01T00:00:00Z/2011-12-01T00:01:00Z\"") !=
                      NULL);
    free(txt);
    txt = write_str(&e, true, &st, NULL);
    ENSURE(st == BMD_OK);
    int n_tr = -1;
    int nw[1];
    ENSURE(txt && kml_structure(txt, &n_tr, nw, 1) && n_tr == 0);
    free(txt);
    /* Files for the format checks (the replay_czml and replay_kml tests, docs/replay.md): this
     * replay, the empty one, and this track with fixed objects at a pole and at the
     * antimeridian (rounded to -180), an intercept shown from before the span, one after it, and
     * an own colour with alpha 0. */
    ENSURE(bmd_replay_save(&r, "test_replay_options.czml", "test_replay_options.kml") == BMD_OK);
    ENSURE(bmd_replay_save(&e, "test_replay_empty.czml", "test_replay_empty.kml") == BMD_OK);
    const bmd_replay_object edges[4] = {
        o,
        {.name = "after the span", .kind = BMD_REPLAY_INTERCEPT, .lat_rad = 10.0 / RAD2DEG,
         .lon_rad = 179.99999999 / RAD2DEG, .h_m = 5e4, .has_time = true, .time_s = 500.0},
        {.name = "before the span", .kind = BMD_REPLAY_INTERCEPT, .lat_rad = -90.0 / RAD2DEG,
         .lon_rad = -180.0 / RAD2DEG, .has_time = true, .time_s = -50.0},
        {.name = "pole", .kind = BMD_REPLAY_SITE, .lat_rad = 90.0 / RAD2DEG, .h_m = -10.0,
         .rgba = {1, 2, 3, 0}},
    };
    bmd_replay re = r;
    re.n_objects = 4;
    re.objects = edges;
    ENSURE(bmd_replay_save(&re, "test_replay_edges.czml", "test_replay_edges.kml") == BMD_OK);
}

/* Every rejected input: BMD_ERR_ARG and nothing written. */
static void test_errors(void)
{
    double t[3] = {0.0, 10.0, 20.0};
    double t_dup[3] = {0.0, 10.0, 10.0004};  /* equal to the millisecond */
    double t_back[3] = {0.0, 10.0, 5.0};
    double lat[3] = {0.1, 0.2, 0.3};
    double lat_nan[3] = {0.1, (double)NAN, (double)NAN};
    double lon[3] = {0.0, 0.1, 0.2};
    double h[3] = {0.0, 1.0, 2.0};
    bmd_replay_track good = {3, t, lat, lon, h};
    bmd_replay_track one = {1, t, lat, lon, h};
    bmd_replay_track dup = {3, t_dup, lat, lon, h};
    bmd_replay_track back = {3, t_back, lat, lon, h};
    bmd_replay_track nans = {3, t, lat_nan, lon, h};
    bmd_replay_track nullarr = {3, t, NULL, lon, h};
    bmd_replay_object ok = {.id = "a", .kind = BMD_REPLAY_THREAT, .track = &good};
    struct {
        bmd_replay_object o[2];
        int n;
        const char *epoch;
        double t0, t1;
    } cases[] = {
        {{{.kind = BMD_REPLAY_THREAT, .track = &one}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_THREAT, .track = &dup}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_THREAT, .track = &back}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_THREAT, .track = &nans}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_THREAT, .track = &nullarr}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_SITE, .lat_rad = (double)NAN}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_SITE, .h_m = (double)INFINITY}}, 1, NULL, 0, 0},
        {{{.kind = BMD_REPLAY_INTERCEPT, .has_time = true, .time_s = (double)NAN}}, 1, NULL, 0, 0},
        {{{.kind = (bmd_replay_kind)BMD_REPLAY_KIND_COUNT}}, 1, NULL, 0, 0},
        {{{.kind = (bmd_replay_kind)-1}}, 1, NULL, 0, 0},
        {{{.id = "document", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{{.id = "", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{{.name = "bad \xff byte", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{{.name = "overlong \xc0\xaf", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{{.description = "surrogate \xed\xa0\x80", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{{.id = "cut \xe2\x82", .kind = BMD_REPLAY_SITE}}, 1, NULL, 0, 0},
        {{ok, ok}, 2, NULL, 0, 0},
        {{{.id = "site-2", .kind = BMD_REPLAY_SITE}, {.kind = BMD_REPLAY_SITE}}, 2, NULL, 0, 0},
        {{ok}, 1, "2011-12-01T00:00:00", 0, 0},
        {{ok}, 1, NULL, (double)NAN, 10.0},
        {{ok}, 1, NULL, 0.0, (double)INFINITY},
        {{ok}, 1, "9999-12-31T23:59:50Z", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bmd_replay r = {.epoch = cases[i].epoch, .t_start_s = cases[i].t0,
                        .t_stop_s = cases[i].t1, .n_objects = cases[i].n,
                        .objects = cases[i].o};
        for (int kml = 0; kml < 2; kml++) {
            bmd_status st;
            size_t len = 99;
            char *txt = write_str(&r, kml, &st, &len);
            if (st != BMD_ERR_ARG || len != 0)
                fprintf(stderr, "case %zu (%s): %s, %zu bytes\n", i, kml ? "kml" : "czml",
                        bmd_status_str(st), len);
            ENSURE(st == BMD_ERR_ARG);
            ENSURE(len == 0);
            free(txt);
        }
    }
    /* The good object alone passes (the cases fail for their own reason). */
    bmd_replay r = {.n_objects = 1, .objects = &ok};
    bmd_status st;
    char *txt = write_str(&r, false, &st, NULL);
    ENSURE(st == BMD_OK);
    free(txt);
    /* Other arguments. */
    ENSURE(bmd_replay_write_czml(NULL, stdout) == BMD_ERR_ARG);
    ENSURE(bmd_replay_write_kml(&r, NULL) == BMD_ERR_ARG);
    bmd_replay neg = {.n_objects = -1};
    ENSURE(bmd_replay_write_czml(&neg, stdout) == BMD_ERR_ARG);
    bmd_replay nullobj = {.n_objects = 2};
    ENSURE(bmd_replay_write_kml(&nullobj, stdout) == BMD_ERR_ARG);
    ENSURE(bmd_replay_save(&r, "/nonexistent-dir/x.czml", NULL) == BMD_ERR_IO);
    ENSURE(bmd_replay_save(&r, NULL, "/nonexistent-dir/x.kml") == BMD_ERR_IO);
    ENSURE(bmd_replay_save(&r, NULL, NULL) == BMD_OK);
    ENSURE(strcmp(bmd_replay_kind_str(BMD_REPLAY_INTERCEPT), "intercept") == 0);
    ENSURE(strcmp(bmd_replay_kind_str((bmd_replay_kind)42), "object") == 0);
    bmd_replay_track a;
    ENSURE(bmd_replay_track_alloc(3, &a) == BMD_OK && a.n == 3 && a.h_m[2] == 0.0);
    bmd_replay_track_free(&a);
    ENSURE(bmd_replay_track_alloc(-1, &a) == BMD_ERR_ARG);
}

int main(void)
{
    have_flights = fly_fixture() && build_replay();
    ENSURE(have_flights);
    RUN(test_time_iso);
    RUN(test_sampling);
    RUN(test_czml);
    RUN(test_kml);
    RUN(test_python_parse);
    RUN(test_deterministic);
    RUN(test_nan_skipped_and_options);
    RUN(test_errors);
    for (int k = 0; k < 3; k++)
        bmd_replay_track_free(&tracks[k]);
    bmd_traj_free(&thr[0]);
    bmd_traj_free(&thr[1]);
    bmd_traj_free(&itc);
    bmd_catalog_free(cat);
    return test_summary();
}
