/* SPDX-License-Identifier: MIT */
/* replay.c: the 3D, time-dynamic replay of a raid, written as CZML 1.0 (CesiumJS; structure after
 * the CZML Guide and Packet reference of AnalyticalGraphicsInc/czml-writer's wiki) and as KML 2.2
 * (OGC 07-147r2) with Google's gx:Track extension (http://www.google.com/kml/ext/2.2). Both are
 * streamed with fixed number formats (degrees to 7 decimals, heights to 0.1 m, times to 1 ms)
 * so the same input gives the same bytes; nothing is written before the input is checked. Dates
 * are proleptic Gregorian UTC without leap seconds (the scenario epoch is notional). The sampler
 * turns a flown trajectory into a track through bmd_traj_geodetic. docs/replay.md. */
#include "bmd/replay.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"
#include "util/numtext.h"

#define RAD2DEG (180.0 / BMD_PI)
#define MS_PER_DAY 86400000LL
/* Most points a sampled track may have; the least sampling interval (s): samples stay at least
 * 10 ms apart, so whole milliseconds (as written) keep them apart after any time offset. */
#define MAX_SAMPLES 20000000L
#define MIN_DT_S 0.01

/* ---------------------------------------------------------------------------------------------
 * Kinds */

typedef struct kind_style {
    const char *name;
    unsigned char rgba[4];
    int pixel_size;      /* CZML point size (px) */
    double path_width;   /* CZML path and KML line width (px) */
    double icon_scale;   /* KML icon scale */
} kind_style;

/* Notional colours, chosen to tell the kinds apart on the dark globe and on Google Earth's
 * imagery. */
static const kind_style kinds[BMD_REPLAY_KIND_COUNT] = {
    {"threat", {230, 40, 40, 255}, 8, 2.0, 0.8},
    {"interceptor", {0, 200, 255, 255}, 6, 1.5, 0.6},
    {"sensor", {255, 215, 0, 255}, 10, 1.0, 1.0},
    {"site", {60, 120, 255, 255}, 10, 1.0, 1.0},
    {"intercept", {255, 140, 0, 255}, 12, 1.0, 1.2},
    {"asset", {40, 200, 80, 255}, 8, 1.0, 0.9},
};

const char *bmd_replay_kind_str(bmd_replay_kind k)
{
    if ((int)k < 0 || (int)k >= BMD_REPLAY_KIND_COUNT)
        return "object";
    return kinds[k].name;
}

static const unsigned char *object_rgba(const bmd_replay_object *o)
{
    if (o->rgba[0] || o->rgba[1] || o->rgba[2] || o->rgba[3])
        return o->rgba;
    return kinds[o->kind].rgba;
}

static bool own_colour(const bmd_replay_object *o)
{
    return o->rgba[0] || o->rgba[1] || o->rgba[2] || o->rgba[3];
}

/* ---------------------------------------------------------------------------------------------
 * Time: an instant is whole milliseconds since 1970-01-01T00:00:00Z. */

/* Days from 1970-01-01 to the date (proleptic Gregorian): count the years from March of year 0
 * in 400-year eras so that February, with its leap day, ends each counted year. */
static long long days_from_date(int y, int m, int d)
{
    long long yy = y - (m <= 2 ? 1 : 0);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;                          /* [0, 399] */
    long long mp = m > 2 ? m - 3 : m + 9;                    /* March = 0 */
    long long doy = (153 * mp + 2) / 5 + d - 1;              /* [0, 365] */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;   /* [0, 146096] */
    return era * 146097 + doe - 719468;                      /* 719468: 0000-03-01 to 1970 */
}

/* The inverse of days_from_date. */
static void date_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : dm[m - 1];
}

/* Parse n decimal digits at s into *v. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = 10 * x + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* "YYYY-MM-DDThh:mm:ss[.f[f[f]]]Z" (years 1-9999, no leap second) -> ms since 1970. */
static bool parse_epoch(const char *s, long long *ms)
{
    int y, mo, d, h, mi, sec;
    if (!s || strlen(s) < 20)
        return false;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
        return false;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 59)
        return false;
    const char *p = s + 19;
    int frac = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        int scale = 100;
        while (*p >= '0' && *p <= '9' && nd < 3) {
            frac += (*p - '0') * scale;
            scale /= 10;
            nd++;
            p++;
        }
        if (nd == 0)
            return false;
    }
    if (p[0] != 'Z' || p[1] != '\0')
        return false;
    *ms = days_from_date(y, mo, d) * MS_PER_DAY + ((h * 60LL + mi) * 60 + sec) * 1000 + frac;
    return true;
}

/* Milliseconds since 1970 of the years 1 and 10000 (exclusive). */
static long long ms_min(void)
{
    return days_from_date(1, 1, 1) * MS_PER_DAY;
}

static long long ms_max(void)
{
    return days_from_date(10000, 1, 1) * MS_PER_DAY;
}

/* Seconds, rounded to whole milliseconds (|t| checked below 1e12 s by the caller). */
static long long to_ms(double t_s)
{
    return llround(t_s * 1000.0);
}

static bool format_ms(long long ms, char *buf, size_t size)
{
    if (ms < ms_min() || ms >= ms_max())
        return false;
    long long days = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
    long long rem = ms - days * MS_PER_DAY;
    int y, mo, d;
    date_from_days(days, &y, &mo, &d);
    int msec = (int)(rem % 1000);
    long long s = rem / 1000;
    int h = (int)(s / 3600);
    int mi = (int)(s / 60 % 60);
    int sec = (int)(s % 60);
    int n;
    if (msec == 0)
        n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, sec);
    else
        n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, sec,
                     msec);
    return n > 0 && (size_t)n < size;
}

bmd_status bmd_replay_time_iso(const char *epoch, double t_s, char *buf, size_t size)
{
    long long e;
    if (!buf || size == 0)
        return BMD_ERR_ARG;
    buf[0] = '\0';
    if (!parse_epoch(epoch ? epoch : BMD_REPLAY_DEFAULT_EPOCH, &e) || !isfinite(t_s) ||
        fabs(t_s) > 1e12)
        return BMD_ERR_ARG;
    if (!format_ms(e + to_ms(t_s), buf, size)) {
        buf[0] = '\0';
        return BMD_ERR_ARG;
    }
    return BMD_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Checking the input: everything the writers rely on. */

static bool point_ok(const bmd_replay_track *t, int i)
{
    return isfinite(t->t_s[i]) && isfinite(t->lat_rad[i]) && isfinite(t->lon_rad[i]) &&
           isfinite(t->h_m[i]) && fabs(t->t_s[i]) <= 1e12 && fabs(t->h_m[i]) <= 1e12;
}

/* The finite points of a track: at least 2, times increasing by at least 1 ms as written. */
static bool track_ok(const bmd_replay_track *t, double *t_first, double *t_last)
{
    if (!t || t->n < 2 || !t->t_s || !t->lat_rad || !t->lon_rad || !t->h_m)
        return false;
    int n_ok = 0;
    long long prev = 0;
    for (int i = 0; i < t->n; i++) {
        if (!point_ok(t, i))
            continue;
        long long ms = to_ms(t->t_s[i]);
        if (n_ok > 0 && ms <= prev)
            return false;
        if (n_ok == 0)
            *t_first = t->t_s[i];
        *t_last = t->t_s[i];
        prev = ms;
        n_ok++;
    }
    return n_ok >= 2;
}

/* Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF); both formats
 * are UTF-8 text, so anything else would make the file invalid. NULL is fine (not written). */
static bool utf8_ok(const char *s)
{
    if (!s)
        return true;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n;
        unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else {
            return false;
        }
        if (p[1] < lo || p[1] > hi)
            return false;
        for (int k = 2; k <= n; k++)
            if (p[k] < 0x80 || p[k] > 0xbf)
                return false;
        p += n + 1;
    }
    return true;
}

typedef struct prep {
    long long epoch_ms;
    char epoch[40];
    double t0, t1;        /* shown span (s from the epoch) */
    double multiplier;
    char **ids;           /* per object */
    double *a0, *a1;      /* availability per object (s from the epoch) */
} prep;

static void prep_free(prep *p, int n)
{
    if (p->ids)
        for (int i = 0; i < n; i++)
            free(p->ids[i]);
    free(p->ids);
    free(p->a0);
    free(p->a1);
    p->ids = NULL;
    p->a0 = NULL;
    p->a1 = NULL;
}

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static bmd_status prepare(const bmd_replay *r, prep *p)
{
    memset(p, 0, sizeof *p);
    if (!r || r->n_objects < 0 || (r->n_objects > 0 && !r->objects))
        return BMD_ERR_ARG;
    if (!parse_epoch(r->epoch ? r->epoch : BMD_REPLAY_DEFAULT_EPOCH, &p->epoch_ms) ||
        !format_ms(p->epoch_ms, p->epoch, sizeof p->epoch))
        return BMD_ERR_ARG;
    if (!utf8_ok(r->name))
        return BMD_ERR_ARG;
    int n = r->n_objects;
    size_t nn = n > 0 ? (size_t)n : 1;
    p->ids = calloc(nn, sizeof *p->ids);
    p->a0 = calloc(nn, sizeof *p->a0);
    p->a1 = calloc(nn, sizeof *p->a1);
    char **sorted = calloc(nn, sizeof *sorted);
    bmd_status st = BMD_ERR_ARG;
    if (!p->ids || !p->a0 || !p->a1 || !sorted) {
        st = BMD_ERR_NOMEM;
        goto fail;
    }
    /* Each object: kind, position or track, its own time span. */
    double lo = (double)INFINITY, hi = -(double)INFINITY;
    for (int i = 0; i < n; i++) {
        const bmd_replay_object *o = &r->objects[i];
        if ((int)o->kind < 0 || (int)o->kind >= BMD_REPLAY_KIND_COUNT)
            goto fail;
        if (!utf8_ok(o->id) || !utf8_ok(o->name) || !utf8_ok(o->description))
            goto fail;
        if (o->track) {
            if (!track_ok(o->track, &p->a0[i], &p->a1[i]))
                goto fail;
            lo = fmin(lo, p->a0[i]);
            hi = fmax(hi, p->a1[i]);
        } else {
            if (!isfinite(o->lat_rad) || !isfinite(o->lon_rad) || !isfinite(o->h_m) ||
                fabs(o->h_m) > 1e12)
                goto fail;
            if (o->has_time) {
                if (!isfinite(o->time_s) || fabs(o->time_s) > 1e12)
                    goto fail;
                lo = fmin(lo, o->time_s);
                hi = fmax(hi, o->time_s);
            }
        }
        char buf[48];
        if (o->id)
            p->ids[i] = dup_string(o->id);
        else {
            snprintf(buf, sizeof buf, "%s-%d", kinds[o->kind].name, i + 1);
            p->ids[i] = dup_string(buf);
        }
        if (!p->ids[i]) {
            st = BMD_ERR_NOMEM;
            goto fail;
        }
        if (strcmp(p->ids[i], "document") == 0 || p->ids[i][0] == '\0')
            goto fail;
        sorted[i] = p->ids[i];
    }
    /* Ids unique. */
    if (n > 1) {
        qsort(sorted, (size_t)n, sizeof *sorted, str_ptr_cmp);
        for (int i = 1; i < n; i++)
            if (strcmp(sorted[i - 1], sorted[i]) == 0)
                goto fail;
    }
    /* The span shown. */
    if (!isfinite(r->t_start_s) || !isfinite(r->t_stop_s) || !isfinite(r->multiplier) ||
        fabs(r->t_start_s) > 1e12 || fabs(r->t_stop_s) > 1e12)
        goto fail;
    if (r->t_stop_s > r->t_start_s) {
        p->t0 = r->t_start_s;
        p->t1 = r->t_stop_s;
    } else if (lo <= hi) {
        p->t0 = lo;
        p->t1 = hi > lo ? hi : lo + 60.0;
    } else {
        p->t0 = 0.0;
        p->t1 = 60.0;
    }
    /* Availability: a track over its points, a fixed object over the span or from its time. */
    for (int i = 0; i < n; i++) {
        const bmd_replay_object *o = &r->objects[i];
        if (o->track)
            continue;
        p->a0[i] = o->has_time ? o->time_s : p->t0;
        p->a1[i] = fmax(p->a0[i], p->t1);
    }
    char tmp[40];
    if (!format_ms(p->epoch_ms + to_ms(p->t0), tmp, sizeof tmp) ||
        !format_ms(p->epoch_ms + to_ms(p->t1), tmp, sizeof tmp))
        goto fail;
    for (int i = 0; i < n; i++)
        if (!format_ms(p->epoch_ms + to_ms(p->a0[i]), tmp, sizeof tmp) ||
            !format_ms(p->epoch_ms + to_ms(p->a1[i]), tmp, sizeof tmp))
            goto fail;
    p->multiplier = r->multiplier > 0.0 ? r->multiplier : fmax(1.0, round((p->t1 - p->t0) / 120.0));
    free(sorted);
    return BMD_OK;
fail:
    free(sorted);
    prep_free(p, n);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Output */

typedef struct writer {
    FILE *fp;
    bool failed;
} writer;

static void w_printf(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void w_printf(writer *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(w->fp, fmt, ap) < 0)
        w->failed = true;
    va_end(ap);
}

/* x with at most `dec` decimals, trailing zeros dropped, never "-0" (x finite: checked). */
static void w_num(writer *w, double x, int dec)
{
    char buf[64];
    w_printf(w, "%s", bmd_num_text(buf, sizeof buf, x, dec));
}

/* A time as written: seconds from the epoch, whole milliseconds. */
static void w_time_s(writer *w, double t_s)
{
    long long ms = to_ms(t_s);
    long long a = ms < 0 ? -ms : ms;
    long long f = a % 1000;
    if (f == 0)
        w_printf(w, "%s%lld", ms < 0 ? "-" : "", a / 1000);
    else if (f % 100 == 0)
        w_printf(w, "%s%lld.%lld", ms < 0 ? "-" : "", a / 1000, f / 100);
    else if (f % 10 == 0)
        w_printf(w, "%s%lld.%02lld", ms < 0 ? "-" : "", a / 1000, f / 10);
    else
        w_printf(w, "%s%lld.%03lld", ms < 0 ? "-" : "", a / 1000, f);
}

static void w_iso(writer *w, const prep *p, double t_s)
{
    char buf[40];
    if (!format_ms(p->epoch_ms + to_ms(t_s), buf, sizeof buf)) {
        w->failed = true;
        return;
    }
    w_printf(w, "%s", buf);
}

/* Longitude in degrees, wrapped into [-180, 180). */
static double lon_deg(double lon_rad)
{
    double d = fmod(lon_rad * RAD2DEG, 360.0);
    if (d >= 180.0)
        d -= 360.0;
    else if (d < -180.0)
        d += 360.0;
    /* Rounding to 7 decimals must not give 180. */
    if (round(d * 1e7) / 1e7 >= 180.0)
        d = -180.0;
    return d;
}

static double lat_deg(double lat_rad)
{
    return fmax(-90.0, fmin(90.0, lat_rad * RAD2DEG));
}

/* JSON string; with html, the HTML specials become entities first (a plain-text description
 * that Cesium shows as HTML). Control characters are \u escaped. */
static void w_json_str(writer *w, const char *s, bool html)
{
    w_printf(w, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (html && *c == '&')
            w_printf(w, "&amp;");
        else if (html && *c == '<')
            w_printf(w, "&lt;");
        else if (html && *c == '>')
            w_printf(w, "&gt;");
        else if (html && *c == '\'')
            w_printf(w, "&#39;");
        else if (html && *c == '"')
            w_printf(w, "&quot;");
        else if (*c == '"' || *c == '\\')
            w_printf(w, "\\%c", *c);
        else if (*c == '\n')
            w_printf(w, "\\n");
        else if (*c < 0x20 || *c == 0x7f)
            w_printf(w, "\\u%04x", *c);
        else
            w_printf(w, "%c", *c);
    }
    w_printf(w, "\"");
}

/* XML text or attribute value: the five specials as entities; control characters that XML 1.0
 * forbids are dropped. With html, the specials are escaped twice, so that Google Earth, which
 * reads a description as HTML, shows the text as given. */
static void w_xml_str(writer *w, const char *s, bool html)
{
    const char *amp = html ? "&amp;amp;" : "&amp;";
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '&')
            w_printf(w, "%s", amp);
        else if (*c == '<')
            w_printf(w, "%s", html ? "&amp;lt;" : "&lt;");
        else if (*c == '>')
            w_printf(w, "%s", html ? "&amp;gt;" : "&gt;");
        else if (*c == '"')
            w_printf(w, "%s", html ? "&amp;quot;" : "&quot;");
        else if (*c == '\'')
            w_printf(w, "%s", html ? "&amp;#39;" : "&apos;");
        else if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r')
            continue;
        else
            w_printf(w, "%c", *c);
    }
}

static bmd_status finish(writer *w, prep *p, int n)
{
    prep_free(p, n);
    if (!w->failed && fflush(w->fp) != 0)
        w->failed = true;
    return w->failed ? BMD_ERR_IO : BMD_OK;
}

/* ---------------------------------------------------------------------------------------------
 * CZML */

static void czml_rgba(writer *w, const unsigned char *c)
{
    w_printf(w, "{\"rgba\":[%d,%d,%d,%d]}", c[0], c[1], c[2], c[3]);
}

static void czml_interval(writer *w, const prep *p, double a, double b)
{
    w_printf(w, "\"");
    w_iso(w, p, a);
    w_printf(w, "/");
    w_iso(w, p, b);
    w_printf(w, "\"");
}

static void czml_object(writer *w, const prep *p, const bmd_replay_object *o, int i)
{
    const kind_style *k = &kinds[o->kind];
    const unsigned char *c = object_rgba(o);
    w_printf(w, ",\n{\"id\":");
    w_json_str(w, p->ids[i], false);
    w_printf(w, ",\"name\":");
    w_json_str(w, o->name ? o->name : p->ids[i], false);
    if (o->description) {
        w_printf(w, ",\"description\":");
        w_json_str(w, o->description, true);
    }
    w_printf(w, ",\"availability\":");
    czml_interval(w, p, p->a0[i], p->a1[i]);
    w_printf(w, ",\"position\":{");
    if (o->track) {
        const bmd_replay_track *t = o->track;
        w_printf(w, "\"epoch\":\"%s\",\"interpolationAlgorithm\":\"LINEAR\","
                    "\"interpolationDegree\":1,\"cartographicDegrees\":[", p->epoch);
        bool first = true;
        for (int j = 0; j < t->n; j++) {
            if (!point_ok(t, j))
                continue;
            w_printf(w, "%s", first ? "" : ",");
            first = false;
            w_time_s(w, t->t_s[j]);
            w_printf(w, ",");
            w_num(w, lon_deg(t->lon_rad[j]), 7);
            w_printf(w, ",");
            w_num(w, lat_deg(t->lat_rad[j]), 7);
            w_printf(w, ",");
            w_num(w, t->h_m[j], 1);
        }
        w_printf(w, "]}");
    } else {
        w_printf(w, "\"cartographicDegrees\":[");
        w_num(w, lon_deg(o->lon_rad), 7);
        w_printf(w, ",");
        w_num(w, lat_deg(o->lat_rad), 7);
        w_printf(w, ",");
        w_num(w, o->h_m, 1);
        w_printf(w, "]}");
    }
    w_printf(w, ",\"point\":{\"color\":");
    czml_rgba(w, c);
    w_printf(w, ",\"pixelSize\":%d,\"outlineColor\":{\"rgba\":[0,0,0,255]},\"outlineWidth\":1}",
             k->pixel_size);
    w_printf(w, ",\"label\":{\"text\":");
    w_json_str(w, o->name ? o->name : p->ids[i], false);
    w_printf(w, ",\"font\":\"12px sans-serif\",\"fillColor\":");
    czml_rgba(w, c);
    w_printf(w, ",\"horizontalOrigin\":\"LEFT\",\"verticalOrigin\":\"CENTER\","
                "\"pixelOffset\":{\"cartesian2\":[10,0]}}");
    if (o->track) {
        w_printf(w, ",\"path\":{\"material\":{\"solidColor\":{\"color\":");
        czml_rgba(w, c);
        w_printf(w, "}},\"width\":");
        w_num(w, k->path_width, 1);
        w_printf(w, ",\"leadTime\":0,\"trailTime\":");
        /* The whole track stays drawn behind the object. */
        w_time_s(w, ceil(p->a1[i] - p->a0[i]) + 1.0);
        w_printf(w, ",\"resolution\":1}");
    }
    w_printf(w, "}");
}

bmd_status bmd_replay_write_czml(const bmd_replay *r, FILE *fp)
{
    prep p;
    if (!fp)
        return BMD_ERR_ARG;
    bmd_status st = prepare(r, &p);
    if (st != BMD_OK)
        return st;
    writer w = {fp, false};
    w_printf(&w, "[\n{\"id\":\"document\",\"name\":");
    w_json_str(&w, r->name ? r->name : "bmdsim replay", false);
    w_printf(&w, ",\"version\":\"1.0\",\"clock\":{\"interval\":");
    czml_interval(&w, &p, p.t0, p.t1);
    w_printf(&w, ",\"currentTime\":\"");
    w_iso(&w, &p, p.t0);
    w_printf(&w, "\",\"multiplier\":");
    w_num(&w, p.multiplier, 3);
    w_printf(&w, ",\"range\":\"LOOP_STOP\",\"step\":\"SYSTEM_CLOCK_MULTIPLIER\"}}");
    for (int i = 0; i < r->n_objects; i++)
        czml_object(&w, &p, &r->objects[i], i);
    w_printf(&w, "\n]\n");
    return finish(&w, &p, r->n_objects);
}

/* ---------------------------------------------------------------------------------------------
 * KML */

/* KML colours are aabbggrr in hexadecimal. */
static void kml_colour(writer *w, const unsigned char *c)
{
    w_printf(w, "<color>%02x%02x%02x%02x</color>", c[3], c[2], c[1], c[0]);
}

static void kml_style_body(writer *w, const kind_style *k, const unsigned char *c, bool icon)
{
    w_printf(w, "<IconStyle>");
    kml_colour(w, c);
    if (icon) {
        w_printf(w, "<scale>");
        w_num(w, k->icon_scale, 2);
        w_printf(w, "</scale><Icon><href>http://maps.google.com/mapfiles/kml/shapes/"
                    "shaded_dot.png</href></Icon>");
    }
    w_printf(w, "</IconStyle><LabelStyle>");
    kml_colour(w, c);
    w_printf(w, "<scale>0.8</scale></LabelStyle><LineStyle>");
    kml_colour(w, c);
    w_printf(w, "<width>");
    w_num(w, k->path_width, 1);
    w_printf(w, "</width></LineStyle>");
}

static void kml_object(writer *w, const prep *p, const bmd_replay_object *o, int i)
{
    const char *name = o->name ? o->name : p->ids[i];
    w_printf(w, "<Folder>\n<name>");
    w_xml_str(w, name, false);
    w_printf(w, "</name>\n<Placemark>\n<name>");
    w_xml_str(w, name, false);
    w_printf(w, "</name>\n");
    if (o->description) {
        w_printf(w, "<description>");
        w_xml_str(w, o->description, true);
        w_printf(w, "</description>\n");
    }
    if (!o->track && o->has_time) {
        w_printf(w, "<TimeSpan><begin>");
        w_iso(w, p, o->time_s);
        w_printf(w, "</begin></TimeSpan>\n");
    }
    w_printf(w, "<styleUrl>#kind-%s</styleUrl>\n", kinds[o->kind].name);
    if (own_colour(o)) {
        w_printf(w, "<Style>");
        kml_style_body(w, &kinds[o->kind], o->rgba, false);
        w_printf(w, "</Style>\n");
    }
    if (o->track) {
        const bmd_replay_track *t = o->track;
        w_printf(w, "<gx:Track>\n<altitudeMode>absolute</altitudeMode>\n");
        for (int j = 0; j < t->n; j++) {
            if (!point_ok(t, j))
                continue;
            w_printf(w, "<when>");
            w_iso(w, p, t->t_s[j]);
            w_printf(w, "</when>\n");
        }
        for (int j = 0; j < t->n; j++) {
            if (!point_ok(t, j))
                continue;
            w_printf(w, "<gx:coord>");
            w_num(w, lon_deg(t->lon_rad[j]), 7);
            w_printf(w, " ");
            w_num(w, lat_deg(t->lat_rad[j]), 7);
            w_printf(w, " ");
            w_num(w, t->h_m[j], 1);
            w_printf(w, "</gx:coord>\n");
        }
        w_printf(w, "</gx:Track>\n");
    } else {
        /* On the ground: clamped (KML's absolute heights are above sea level, not the
         * ellipsoid); above it: absolute. */
        w_printf(w, "<Point><altitudeMode>%s</altitudeMode><coordinates>",
                 o->h_m > 0.0 ? "absolute" : "clampToGround");
        w_num(w, lon_deg(o->lon_rad), 7);
        w_printf(w, ",");
        w_num(w, lat_deg(o->lat_rad), 7);
        w_printf(w, ",");
        w_num(w, o->h_m, 1);
        w_printf(w, "</coordinates></Point>\n");
    }
    w_printf(w, "</Placemark>\n</Folder>\n");
}

bmd_status bmd_replay_write_kml(const bmd_replay *r, FILE *fp)
{
    prep p;
    if (!fp)
        return BMD_ERR_ARG;
    bmd_status st = prepare(r, &p);
    if (st != BMD_OK)
        return st;
    writer w = {fp, false};
    w_printf(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<kml xmlns=\"http://www.opengis.net/kml/2.2\" "
                 "xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n<Document>\n<name>");
    w_xml_str(&w, r->name ? r->name : "bmdsim replay", false);
    w_printf(&w, "</name>\n<open>1</open>\n<TimeSpan><begin>");
    w_iso(&w, &p, p.t0);
    w_printf(&w, "</begin><end>");
    w_iso(&w, &p, p.t1);
    w_printf(&w, "</end></TimeSpan>\n");
    for (int k = 0; k < BMD_REPLAY_KIND_COUNT; k++) {
        w_printf(&w, "<Style id=\"kind-%s\">", kinds[k].name);
        kml_style_body(&w, &kinds[k], kinds[k].rgba, true);
        w_printf(&w, "</Style>\n");
    }
    for (int i = 0; i < r->n_objects; i++)
        kml_object(&w, &p, &r->objects[i], i);
    w_printf(&w, "</Document>\n</kml>\n");
    return finish(&w, &p, r->n_objects);
}

bmd_status bmd_replay_save(const bmd_replay *r, const char *czml_path, const char *kml_path)
{
    /* Each file is written to PATH.tmp and renamed once both are complete: on any failure neither
     * is left, half-written or not (a file already at a path stays as it was). */
    const char *paths[2] = {czml_path, kml_path};
    char *tmp[2] = {NULL, NULL};
    bmd_status st = BMD_OK;
    for (int k = 0; k < 2 && st == BMD_OK; k++) {
        if (!paths[k])
            continue;
        size_t n = strlen(paths[k]) + 5;
        if (!(tmp[k] = malloc(n))) {
            st = BMD_ERR_NOMEM;
            break;
        }
        snprintf(tmp[k], n, "%s.tmp", paths[k]);
        FILE *fp = fopen(tmp[k], "w");
        if (!fp) {
            free(tmp[k]);
            tmp[k] = NULL;
            st = BMD_ERR_IO;
            break;
        }
        st = k == 0 ? bmd_replay_write_czml(r, fp) : bmd_replay_write_kml(r, fp);
        if (fclose(fp) != 0 && st == BMD_OK)
            st = BMD_ERR_IO;
    }
    for (int k = 0; k < 2 && st == BMD_OK; k++)
        if (tmp[k] && rename(tmp[k], paths[k]) != 0)
            st = BMD_ERR_IO;
    for (int k = 0; k < 2; k++) {
        if (tmp[k] && st != BMD_OK)
            remove(tmp[k]);
        free(tmp[k]);
    }
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Tracks */

bmd_status bmd_replay_track_alloc(int n, bmd_replay_track *out)
{
    if (!out)
        return BMD_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (n < 0)
        return BMD_ERR_ARG;
    size_t nn = n > 0 ? (size_t)n : 1;
    out->t_s = calloc(nn, sizeof(double));
    out->lat_rad = calloc(nn, sizeof(double));
    out->lon_rad = calloc(nn, sizeof(double));
    out->h_m = calloc(nn, sizeof(double));
    if (!out->t_s || !out->lat_rad || !out->lon_rad || !out->h_m) {
        bmd_replay_track_free(out);
        return BMD_ERR_NOMEM;
    }
    out->n = n;
    return BMD_OK;
}

void bmd_replay_track_free(bmd_replay_track *t)
{
    if (!t)
        return;
    free(t->t_s);
    free(t->lat_rad);
    free(t->lon_rad);
    free(t->h_m);
    memset(t, 0, sizeof *t);
}

bmd_status bmd_replay_sample_traj_span(const bmd_trajectory *tr, double t0_s, double t1_s,
                                       double dt_s, double t_offset_s, bmd_replay_track *out)
{
    if (!out)
        return BMD_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!tr || isnan(t0_s) || isnan(t1_s) || !isfinite(dt_s) || dt_s < MIN_DT_S ||
        !isfinite(t_offset_s))
        return BMD_ERR_ARG;
    if (tr->n_seg <= 0 || !tr->seg)
        return BMD_ERR_RANGE;
    double a = fmax(t0_s, tr->t_start_s);
    double b = fmin(t1_s, tr->t_end_s);
    if (!(b - a >= MIN_DT_S))
        return BMD_ERR_ARG;
    /* Regular samples a + k dt while more than 10 ms before b, then b. */
    double n_reg_d = floor((b - a) / dt_s) + 2.0;
    if (n_reg_d > (double)MAX_SAMPLES)
        return BMD_ERR_ARG;
    int cap = (int)n_reg_d + 1;
    bmd_status st = bmd_replay_track_alloc(cap, out);
    if (st != BMD_OK)
        return st;
    int n = 0;
    for (int k = 0; n < cap - 1; k++) {
        double t = a + k * dt_s;
        if (!(t < b - MIN_DT_S))
            break;
        out->t_s[n++] = t;
    }
    out->t_s[n++] = b;
    for (int i = 0; i < n; i++) {
        double t = out->t_s[i];
        st = bmd_traj_geodetic(tr, t, &out->lat_rad[i], &out->lon_rad[i], &out->h_m[i], NULL);
        if (st != BMD_OK) {
            bmd_replay_track_free(out);
            return st;
        }
        out->t_s[i] = t + t_offset_s;
    }
    out->n = n;
    return BMD_OK;
}

bmd_status bmd_replay_sample_traj(const bmd_trajectory *tr, double dt_s, double t_offset_s,
                                  bmd_replay_track *out)
{
    return bmd_replay_sample_traj_span(tr, -(double)INFINITY, (double)INFINITY, dt_s, t_offset_s, out);
}
