/* SPDX-License-Identifier: MIT */
/* store_alloc_fail.c: allocation-failure test of the command line's results stores: the engage
 * store (cli/store.c) and the sweep store (cli/sweep_store.c), over their shared connection code
 * (cli/db.c).
 *
 * Every allocation counts: the stores' own (compiled into this test and wrapped, fail_alloc.h),
 * SQLite's (SQLITE_CONFIG_MALLOC, set before SQLite is initialised, with its lookaside off so
 * that every allocation reaches the allocator) and cJSON's (cJSON_InitHooks: the JSON export).
 * A scenario is a whole study as the commands run it: create the store, commit chunks, read
 * them back, close, resume (open, find where to go on, check the last chunk), commit the rest,
 * close, export as CSV and as JSON. A first run with nothing failing counts its allocations and
 * keeps the exports as the reference; then for N = 1, 2, ... the N-th allocation fails, until a
 * run has no failure injected. For each N:
 *   - the function that met the failure returns false with a message (cli_error), or succeeds
 *     with exactly the right result (SQLite recovers from some failures by itself); never a
 *     crash, and nothing leaked (LeakSanitizer, at exit, under BMD_SANITIZE);
 *   - with nothing failing, the store left behind exports as the reference's header and a
 *     prefix of its chunks, whole, at least those acknowledged and at most those attempted (or,
 *     only when no study was recorded yet, is refused with a message);
 *   - that store resumes, and once completed exports exactly as the reference.
 * Exports compare the text (the engage store's commit times left out: they differ between
 * runs). The same again with memory exhausted from N on (every allocation after the N-th fails
 * too: the clean-up after the first failure meets failures), for every EXHAUSTED_STRIDE-th N.
 * STORE_ALLOC_FAIL_VERBOSE=1 prints every message; ALLOC_FAIL_TRACE=1 the stack of each
 * injected failure; STORE_ALLOC_FAIL_FROM=N runs only the case of memory exhausted from N on.
 * Run time under ASan on the 2-core machine: see docs/robustness.md. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "cli.h"
#include "fail_alloc.h"
#include "store.h"
#include "sweep_store.h"

static const char C[] = "store_alloc_fail";
/* Memory exhausted from N on: every this many N (the single failures cover every N). */
enum { EXHAUSTED_STRIDE = 7 };
static int errors;
static bool verbose;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "store_alloc_fail: " __VA_ARGS__);                                         \
        fputc('\n', stderr);                                                                       \
        errors++;                                                                                  \
    } while (0)

/* ---- messages: the stores print their errors through cli_error ---- */

void __wrap_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static long n_messages;
static char last_message[1024];

void __wrap_cli_error(const char *cmd, const char *fmt, ...)
{
    (void)cmd;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    n_messages++;
    if (verbose)
        fprintf(stderr, "  message: %s\n", last_message);
}

/* ---- SQLite's allocator: the wrapped malloc, the size kept in a 16-byte header ---- */

static long sqlite_allocs;

/* A block of SQLite's: its size in a 16-byte head (sq_size), the caller's part after it. */
static void *sq_stamp(unsigned char *p, int n)
{
    if (!p)
        return NULL;
    size_t size = (size_t)n;
    memcpy(p, &size, sizeof size);
    return p + 16;
}

static void *sq_malloc(int n)
{
    sqlite_allocs++;
    return sq_stamp(malloc((size_t)n + 16), n);
}

static void sq_free(void *p)
{
    if (p)
        free((unsigned char *)p - 16);
}

static void *sq_realloc(void *p, int n)
{
    sqlite_allocs++;
    return sq_stamp(realloc((unsigned char *)p - 16, (size_t)n + 16), n);
}

static int sq_size(void *p)
{
    size_t size;
    memcpy(&size, (unsigned char *)p - 16, sizeof size);
    return (int)size;
}

static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sq_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void sq_shutdown(void *app)
{
    (void)app;
}

/* cJSON's: the wrapped malloc and free (named here, in a wrapped object). */
static void *cj_malloc(size_t n)
{
    return malloc(n);
}

static void cj_free(void *p)
{
    free(p);
}

/* ---- files ---- */

static char dir[256];

static void remove_store(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char p[400];
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* The whole of a stream written by an export (free()); NULL when it cannot be read. */
static char *read_stream(FILE *f)
{
    if (fflush(f) != 0 || fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        return NULL;
    char *t = malloc((size_t)n + 1);
    if (!t)
        return NULL;
    if (fread(t, 1, (size_t)n, f) != (size_t)n) {
        free(t);
        return NULL;
    }
    t[n] = '\0';
    return t;
}

/* A commit time as SQLite's strftime('%Y-%m-%dT%H:%M:%SZ') writes it. */
static bool is_utc_time(const char *t, size_t n)
{
    static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
    if (n != sizeof form - 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (form[i] == 'd' ? t[i] < '0' || t[i] > '9' : t[i] != form[i])
            return false;
    return true;
}

/* The engage store's CSV without its last column (committed_utc), in place; false when a row's
 * commit time is not one. */
static bool csv_drop_times(char *t)
{
    bool ok = true;
    char *w = t;
    for (char *line = t; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *comma = NULL;
        for (char *p = line; p < line + len; p++)
            if (*p == ',')
                comma = p;
        size_t keep = comma ? (size_t)(comma - line) : len;
        if (line != t && (!comma || !is_utc_time(comma + 1, len - keep - 1)))
            ok = false;
        memmove(w, line, keep);
        w += keep;
        *w++ = '\n';
        line += len + (nl ? 1 : 0);
    }
    *w = '\0';
    return ok;
}

/* The engage store's JSON without the chunks' committed_utc, unformatted (free()); NULL when it
 * does not parse or a commit time is not one. */
static char *json_drop_times(const char *t)
{
    cJSON *root = cJSON_Parse(t);
    if (!root)
        return NULL;
    cJSON *c;
    bool ok = true;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "chunks"))
    {
        const char *when = cJSON_GetStringValue(cJSON_GetObjectItem(c, "committed_utc"));
        if (!when || !is_utc_time(when, strlen(when)))
            ok = false;
        cJSON_DeleteItemFromObject(c, "committed_utc");
    }
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return out;
}

/* Whether text is the first `lines` lines of ref. */
static bool is_line_prefix(const char *text, const char *ref, long lines)
{
    const char *p = ref;
    for (long i = 0; i < lines; i++) {
        p = strchr(p, '\n');
        if (!p)
            return false;
        p++;
    }
    size_t n = (size_t)(p - ref);
    return strlen(text) == n && memcmp(text, ref, n) == 0;
}

/* ---- the engage store ---- */

enum { E_RUNS = 8, E_CHUNK = 3, E_CHUNKS = 3, E_THREATS = 3 };

static store_study e_study(void)
{
    store_study st;
    memset(&st, 0, sizeof st);
    snprintf(st.scenario_path, sizeof st.scenario_path, "scenarios/raid.yaml");
    store_sha256_text("raid", st.scenario_sha256);
    store_sha256_text("raid inputs", st.inputs_sha256);
    st.seed = 18446744073709551557u; /* past INT64_MAX: stored as text */
    st.runs = E_RUNS;
    st.chunk = E_CHUNK;
    st.ci_width = 0.0;
    st.n_threats = E_THREATS;
    snprintf(st.version, sizeof st.version, "0.1.0");
    return st;
}

/* The counts of chunk i (runs i*E_CHUNK ...). */
static void e_part(int i, bmd_raid_mc *m, long *leaks)
{
    memset(m, 0, sizeof *m);
    long first = (long)i * E_CHUNK;
    m->runs = E_RUNS - first < E_CHUNK ? E_RUNS - first : E_CHUNK;
    m->any_leak = i % 2 + 1;
    m->leakers = m->any_leak + i;
    m->fired = 5 * m->runs + i;
    for (int t = 0; t < E_THREATS; t++)
        leaks[t] = (i + t) % 3;
    m->threat_leaks = leaks;
}

static bool same_counts(const bmd_raid_mc *a, const bmd_raid_mc *b)
{
    if (a->runs != b->runs || a->any_leak != b->any_leak || a->leakers != b->leakers ||
        a->fired != b->fired)
        return false;
    for (int t = 0; t < E_THREATS; t++)
        if (a->threat_leaks[t] != b->threat_leaks[t])
            return false;
    return true;
}

/* What a scenario did, for the checks after it. */
typedef struct outcome {
    bool ok;           /* every call succeeded */
    bool msg_missing;  /* a call failed without a message */
    bool wrong;        /* a call succeeded with a wrong result */
    const char *where; /* the call that failed or was wrong */
    bool recorded;     /* the study was recorded (create or open succeeded) */
    int acked;         /* units whose commit succeeded (engage: chunks; sweep: cases) */
    int attempted;     /* units whose commit was tried */
    char *csv, *json;  /* the exports (free()) */
    FILE *out[2];      /* the sweep's exports, CSV and JSON, before w_collect */
} outcome;

/* A call's result: false with a message, or true. */
#define CALL(o, name, expr)                                                                        \
    do {                                                                                           \
        long m0_ = n_messages;                                                                     \
        if (!(expr)) {                                                                             \
            (o)->where = (name);                                                                   \
            (o)->msg_missing = n_messages == m0_;                                                  \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

#define CHECK(o, name, cond)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            (o)->where = (name);                                                                   \
            (o)->wrong = true;                                                                     \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

/* Commit chunks from..E_CHUNKS-1 in s. */
static bool e_append_from(outcome *o, store *s, int from)
{
    for (int i = from; i < E_CHUNKS; i++) {
        bmd_raid_mc m;
        long leaks[E_THREATS];
        e_part(i, &m, leaks);
        o->attempted = i + 1;
        CALL(o, "store_append", store_append(C, s, (long)i * E_CHUNK, &m));
        o->acked = i + 1;
    }
    return true;
done:
    return false;
}

/* Resume the study at path: open, find the chunks committed, commit the rest, close. With a
 * failure injected the first failing call ends it. */
static void e_resume(outcome *o, const char *path)
{
    store_study want = e_study();
    store_study got;
    store *s = NULL;
    bmd_raid_mc tot;
    memset(&tot, 0, sizeof tot);
    CALL(o, "store_open", store_open(C, path, &want, &s, &got));
    o->recorded = true;
    CHECK(o, "store_open (the study read back)",
          got.seed == want.seed && got.runs == want.runs && got.chunk == want.chunk &&
              got.n_threats == want.n_threats && got.ci_width == want.ci_width &&
              strcmp(got.scenario_path, want.scenario_path) == 0 &&
              strcmp(got.scenario_sha256, want.scenario_sha256) == 0 &&
              strcmp(got.inputs_sha256, want.inputs_sha256) == 0 &&
              strcmp(got.version, want.version) == 0);
    long n_chunks = 0;
    long last_first = -1;
    CALL(o, "store_totals (resume)", store_totals(C, s, &tot, &n_chunks, &last_first));
    CHECK(o, "store_totals (resume: chunks)",
          n_chunks >= 0 && n_chunks <= E_CHUNKS &&
              last_first == (n_chunks > 0 ? (n_chunks - 1) * E_CHUNK : -1));
    {
        bmd_raid_mc sum;
        long leaks[E_THREATS] = {0};
        memset(&sum, 0, sizeof sum);
        sum.threat_leaks = leaks;
        for (int i = 0; i < n_chunks; i++) {
            bmd_raid_mc m;
            long l[E_THREATS];
            e_part(i, &m, l);
            sum.runs += m.runs;
            sum.any_leak += m.any_leak;
            sum.leakers += m.leakers;
            sum.fired += m.fired;
            for (int t = 0; t < E_THREATS; t++)
                leaks[t] += l[t];
        }
        CHECK(o, "store_totals (resume: sums)", same_counts(&tot, &sum));
    }
    if (n_chunks > 0) {
        /* engage checks the last chunk stored against its own (docs/store.md). */
        bmd_raid_mc c;
        bool found = false;
        CALL(o, "store_chunk", store_chunk(C, s, last_first, &c, &found));
        bmd_raid_mc m;
        long leaks[E_THREATS];
        e_part((int)n_chunks - 1, &m, leaks);
        bool same = found && same_counts(&c, &m);
        bmd_raid_mc_free(&c);
        CHECK(o, "store_chunk (values)", same);
    }
    if (o->acked < n_chunks)
        o->acked = (int)n_chunks;
    if (!e_append_from(o, s, (int)n_chunks))
        goto done;
    o->ok = true;
done:
    bmd_raid_mc_free(&tot);
    store_close(s);
}

/* The scenario, in the order the commands meet it: create and commit two chunks, close; resume
 * and commit the third; export. */
static void engage_run(outcome *o, const char *path)
{
    memset(o, 0, sizeof *o);
    store_study st = e_study();
    store *s = NULL;
    bmd_raid_mc tot;
    memset(&tot, 0, sizeof tot);
    CALL(o, "store_create", store_create(C, path, &st, &s));
    o->recorded = true;
    for (int i = 0; i < 2; i++) {
        bmd_raid_mc m;
        long leaks[E_THREATS];
        e_part(i, &m, leaks);
        o->attempted = i + 1;
        CALL(o, "store_append", store_append(C, s, (long)i * E_CHUNK, &m));
        o->acked = i + 1;
    }
    long n_chunks = 0;
    long last_first = -1;
    CALL(o, "store_totals", store_totals(C, s, &tot, &n_chunks, &last_first));
    CHECK(o, "store_totals (chunks)", n_chunks == 2 && last_first == E_CHUNK);
    bmd_raid_mc_free(&tot);
    store_close(s);
    s = NULL;
    e_resume(o, path);
    if (!o->ok)
        return;
    o->ok = false;
    bool sweep = true;
    CALL(o, "sweep_store_is_sweep", sweep_store_is_sweep(C, path, &sweep));
    CHECK(o, "sweep_store_is_sweep (not a sweep)", !sweep);
    CALL(o, "store_export (CSV)", store_export(C, path, false, &o->csv));
    CALL(o, "store_export (JSON)", store_export(C, path, true, &o->json));
    o->ok = true;
done:
    bmd_raid_mc_free(&tot);
    store_close(s);
}

/* ---- the sweep store ---- */

enum { W_CASES = 7, W_CHUNK = 3, W_THREATS = 2, W_SITES = 2, W_PER_CASE = W_THREATS * W_SITES };

static const char *const reasons[] = {"", "out of reach", "no track before the threat lands",
                                      "intercept below the floor, \"quoted\""};

static sweep_study w_study(void)
{
    sweep_study st;
    memset(&st, 0, sizeof st);
    snprintf(st.scenario_path, sizeof st.scenario_path, "scenarios/sweep.yaml");
    store_sha256_text("sweep scenario", st.scenario_sha256);
    store_sha256_text("sweep identity", st.sweep_sha256);
    snprintf(st.axes, sizeof st.axes, "burnout_speed_km_s=2:3.5:0.25; cue=ideal,site-radar");
    st.cases = W_CASES;
    st.chunk = W_CHUNK;
    st.n_threats = W_THREATS;
    st.n_sites = W_SITES;
    snprintf(st.version, sizeof st.version, "0.1.0");
    return st;
}

static sweep_threat_info w_threats[W_THREATS] = {
    {"ss-600", "Pyongyang", "Busan", 39.0, 125.75, 35.1, 129.04, 310.25},
    {"srbm-x", "40.5,124.25", "Seoul", 40.5, 124.25, 37.57, 126.98, NAN},
};
static sweep_site_info w_sites[W_SITES] = {
    {"Site, one", "thaad", 36.0, 128.0},
    {"Ship \"two\"", "sm-3", 35.5, 129.5},
};

static void w_case(int64_t i, sweep_case_val *c, sweep_row_val *rows)
{
    memset(c, 0, sizeof *c);
    c->index = i;
    c->burnout_speed_km_s = i == 2 ? (double)NAN : 2.0 + 0.25 * (double)i;
    c->cue = i % 2 ? "site-radar" : "ideal";
    c->delay_s = 1.0 / 3.0 * (double)i;
    c->site_lat_deg = i == 4 ? 36.125 : (double)NAN;
    c->site_lon_deg = i == 4 ? 128.5 : (double)NAN;
    c->threats_engageable = (int)(i % 3);
    for (int k = 0; k < W_PER_CASE; k++) {
        sweep_row_val *r = &rows[k];
        memset(r, 0, sizeof *r);
        r->threat = k / W_SITES;
        r->site = k % W_SITES;
        int v = (int)((i + k) % 4);
        r->engageable = v == 0;
        r->reason = reasons[v];
        r->earliest_launch_allowed_s = v == 2 ? (double)NAN : 10.0 + 0.1 * (double)(i * 7 + k);
        r->earliest_launch_s = 20.0 + (double)k / 7.0;
        r->earliest_intercept_s = v ? (double)NAN : 250.5 + (double)i;
        r->latest_intercept_s = v ? (double)NAN : 300.0 + 1e-9 * (double)k;
        r->intercept_altitude_km = v ? (double)NAN : 80.0 - (double)i;
        r->closing_speed_km_s = v ? (double)NAN : 4.5 + 0.01 * (double)k;
        r->margin_s = v ? (double)NAN : -1.5 + (double)i;
    }
}

/* The cases of the chunk at first (up to W_CHUNK) and their rows. */
static int64_t w_chunk(int64_t first, sweep_case_val *cases, sweep_row_val *rows)
{
    int64_t n = W_CASES - first < W_CHUNK ? W_CASES - first : W_CHUNK;
    for (int64_t i = 0; i < n; i++)
        w_case(first + i, &cases[i], &rows[i * W_PER_CASE]);
    return n;
}

/* Commit the chunks from case `from` up to case `until` (excluded), each after asking whether it
 * is there (as the sweep does on resume). acked and attempted count cases. */
static bool w_append(outcome *o, sweep_store *s, int64_t from, int64_t until)
{
    sweep_case_val cases[W_CHUNK];
    sweep_row_val rows[W_CHUNK * W_PER_CASE];
    for (int64_t first = from; first < until; first += W_CHUNK) {
        int64_t n = w_chunk(first, cases, rows);
        bool has = true;
        CALL(o, "sweep_store_has_chunk", sweep_store_has_chunk(C, s, first, n, &has));
        CHECK(o, "sweep_store_has_chunk (a chunk not committed)", !has);
        o->attempted = (int)(first + n);
        CALL(o, "sweep_store_append",
             sweep_store_append(C, s, first, n, cases, rows, W_PER_CASE));
        o->acked = (int)(first + n);
        CALL(o, "sweep_store_has_chunk (committed)", sweep_store_has_chunk(C, s, first, n, &has));
        CHECK(o, "sweep_store_has_chunk (a chunk committed)", has);
    }
    return true;
done:
    return false;
}

static void w_resume(outcome *o, const char *path)
{
    sweep_study st = w_study();
    sweep_store *s = NULL;
    CALL(o, "sweep_store_open", sweep_store_open(C, path, &st, w_threats, w_sites, &s));
    o->recorded = true;
    int64_t first = -1;
    int64_t n = 0;
    CALL(o, "sweep_store_last_chunk", sweep_store_last_chunk(C, s, &first, &n));
    CHECK(o, "sweep_store_last_chunk (values)",
          (first == -1 && n == 0) ||
              (first >= 0 && first % W_CHUNK == 0 && first < W_CASES &&
               n == (W_CASES - first < W_CHUNK ? W_CASES - first : W_CHUNK)));
    int64_t next = 0;
    if (first >= 0) {
        /* The sweep recomputes the last chunk stored and checks it is the same. */
        sweep_case_val cases[W_CHUNK];
        sweep_row_val rows[W_CHUNK * W_PER_CASE];
        int64_t k = w_chunk(first, cases, rows);
        bool same = false;
        char what[200];
        CALL(o, "sweep_store_same",
             sweep_store_same(C, s, first, k, cases, rows, W_PER_CASE, &same, what, sizeof what));
        CHECK(o, "sweep_store_same (values)", same);
        next = first + n;
    }
    if (o->acked < next)
        o->acked = (int)next;
    if (!w_append(o, s, next, W_CASES))
        goto done;
    o->ok = true;
done:
    sweep_store_close(s);
}

/* Export into a temporary file, read after the scenario with nothing failing (w_collect). */
static bool w_export(outcome *o, const char *path, bool json)
{
    FILE *f = tmpfile();
    if (!f) {
        FAIL("tmpfile: cannot create");
        return false;
    }
    o->out[json] = f;
    /* As bmdsim store export does: which store it is, then its export. */
    bool sweep = false;
    CALL(o, "sweep_store_is_sweep", sweep_store_is_sweep(C, path, &sweep));
    CHECK(o, "sweep_store_is_sweep (a sweep)", sweep);
    CALL(o, json ? "sweep_store_export (JSON)" : "sweep_store_export (CSV)",
         sweep_store_export(C, path, json, f));
    return true;
done:
    fclose(f);
    o->out[json] = NULL;
    return false;
}

static void sweep_run(outcome *o, const char *path)
{
    memset(o, 0, sizeof *o);
    sweep_study st = w_study();
    sweep_store *s = NULL;
    CALL(o, "sweep_store_create", sweep_store_create(C, path, &st, w_threats, w_sites, &s));
    o->recorded = true;
    if (!w_append(o, s, 0, 2 * W_CHUNK)) /* then stopped */
        goto done;
    sweep_store_close(s);
    s = NULL;
    w_resume(o, path);
    if (!o->ok)
        return;
    o->ok = false;
    if (!w_export(o, path, false) || !w_export(o, path, true))
        goto done;
    o->ok = true;
done:
    sweep_store_close(s);
}

/* The sweep's exports, from their temporary files. */
static void w_collect(outcome *o)
{
    char **t[2] = {&o->csv, &o->json};
    for (int i = 0; i < 2; i++)
        if (o->out[i]) {
            *t[i] = read_stream(o->out[i]);
            fclose(o->out[i]);
            o->out[i] = NULL;
        }
}

/* ---- the loop over N ---- */

typedef struct kind {
    const char *name;
    void (*run)(outcome *o, const char *path);
    void (*resume)(outcome *o, const char *path);
    bool sweep;
    long chunk_lines; /* CSV lines per stored unit (engage: a chunk; sweep: a case) */
} kind;

static void free_outcome(outcome *o)
{
    free(o->csv);
    free(o->json);
    o->csv = o->json = NULL;
}

/* The CSV export of the store at path, with nothing failing (the engage store's times left
 * out); NULL when refused (*message: whether a message came). */
static char *export_csv(const kind *k, const char *path, bool *message)
{
    long m0 = n_messages;
    char *text = NULL;
    if (k->sweep) {
        FILE *f = tmpfile();
        if (f) {
            if (sweep_store_export(C, path, false, f))
                text = read_stream(f);
            fclose(f);
        }
    } else if (store_export(C, path, false, &text) && !csv_drop_times(text)) {
        FAIL("%s: a commit time is missing from the CSV export:\n%s", k->name, text);
    }
    *message = n_messages > m0;
    return text;
}

static void normalize(const kind *k, outcome *o)
{
    if (k->sweep)
        w_collect(o);
    if (k->sweep)
        return;
    if (o->csv && !csv_drop_times(o->csv)) {
        FAIL("%s: a commit time is missing from the CSV export:\n%s", k->name, o->csv);
        o->csv[0] = '\0';
    }
    if (o->json) {
        char *j = json_drop_times(o->json);
        if (!j)
            FAIL("%s: the JSON export does not parse, or a commit time is missing:\n%s",
                 k->name, o->json);
        free(o->json);
        o->json = j;
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What the failures of one store came to. */
typedef struct tally {
    long injected, refused, recovered, wal_left;
} tally;

/* One run with the n-th allocation failing (and, when exhausted, every one after it), and the
 * checks after it. False when no failure was injected (the run went through). */
static bool try_n(const kind *k, const outcome *ref, const char *path, long n, bool exhausted,
                  tally *t)
{
    char wal[310];
    snprintf(wal, sizeof wal, "%s-wal", path);
    const char *mode = exhausted ? "from N on" : "N";
    remove_store(path);
    outcome o;
    if (exhausted)
        fail_alloc_arm_from(n);
    else
        fail_alloc_arm(n);
    k->run(&o, path);
    bool hit = fail_alloc_failed();
    fail_alloc_arm(0);
    normalize(k, &o);
    if (!hit) {
        if (!o.ok)
            FAIL("%s: %s %ld: no failure injected, but %s failed: %s", k->name, mode, n,
                 o.where ? o.where : "?", last_message);
        free_outcome(&o);
        return false;
    }
    t->injected++;
    if (o.wrong)
        FAIL("%s: %s %ld: %s succeeded with a wrong result", k->name, mode, n, o.where);
    else if (o.msg_missing)
        FAIL("%s: %s %ld: %s failed without a message", k->name, mode, n, o.where);
    if (o.ok) {
        t->recovered++;
        if (strcmp(o.csv, ref->csv) != 0)
            FAIL("%s: %s %ld: the CSV export succeeded but differs from the reference:\n%s",
                 k->name, mode, n, o.csv);
        if (strcmp(o.json, ref->json) != 0)
            FAIL("%s: %s %ld: the JSON export succeeded but differs from the reference:\n%s",
                 k->name, mode, n, o.json);
        free_outcome(&o);
        return true;
    }
    t->refused++;
    if (access(wal, F_OK) == 0)
        t->wal_left++;
    /* The store left behind: a prefix of the chunks, whole. */
    long units = k->sweep ? W_CASES : E_CHUNKS;
    bool message = false;
    char *text = export_csv(k, path, &message);
    if (!text) {
        if (o.recorded && access(path, F_OK) == 0 && o.acked > 0)
            FAIL("%s: %s %ld (%s failed): the store of %d committed units cannot be "
                 "exported: %s", k->name, mode, n, o.where, o.acked, last_message);
        else if (!message && access(path, F_OK) == 0)
            FAIL("%s: %s %ld: the export refused the store without a message", k->name, mode, n);
    } else {
        bool prefix = false;
        for (long u = o.acked; u <= o.attempted && u <= units && !prefix; u++) {
            bool boundary = k->sweep ? (u % W_CHUNK == 0 || u == W_CASES) : true;
            if (boundary && is_line_prefix(text, ref->csv, 1 + u * k->chunk_lines))
                prefix = true;
        }
        if (!prefix)
            FAIL("%s: %s %ld (%s failed; %d units acknowledged, %d attempted): the store "
                 "exports as:\n%s", k->name, mode, n, o.where, o.acked, o.attempted, text);
    }
    free(text);
    /* It resumes, and then holds the whole study, in one file. */
    if (access(path, F_OK) == 0) {
        outcome r;
        memset(&r, 0, sizeof r);
        k->resume(&r, path);
        char *again = r.ok ? export_csv(k, path, &message) : NULL;
        if (!r.ok)
            FAIL("%s: %s %ld (%s failed): the store does not resume: %s: %s", k->name, mode, n,
                 o.where, r.where ? r.where : "?", last_message);
        else if (!again || strcmp(again, ref->csv) != 0)
            FAIL("%s: %s %ld (%s failed): resumed, the store exports as:\n%s", k->name, mode, n,
                 o.where, again ? again : "(refused)");
        else if (!exhausted && access(wal, F_OK) == 0)
            /* Not checked after memory ran out for good: a close that failed for memory leaves
             * SQLite's record of the file's locks in this process, and the later connections of
             * the same process then leave the -wal file (another process removes it). */
            FAIL("%s: %s %ld (%s failed): resumed and closed, the store is not one file "
                 "(%s is there)", k->name, mode, n, o.where, wal);
        free(again);
        free_outcome(&r);
    }
    free_outcome(&o);
    return true;
}

static void run_kind(const kind *k)
{
    double t0 = now_s();
    char path[300];
    snprintf(path, sizeof path, "%s/%s.db", dir, k->sweep ? "sweep" : "engage");

    /* The reference: nothing fails. */
    remove_store(path);
    outcome ref;
    fail_alloc_arm(0);
    sqlite_allocs = 0;
    long m0 = n_messages;
    k->run(&ref, path);
    long total = fail_alloc_count();
    long total_sqlite = sqlite_allocs;
    normalize(k, &ref);
    if (!ref.ok || !ref.csv || !ref.json || n_messages != m0) {
        FAIL("%s: the scenario fails with nothing failing (%s: %s)", k->name,
             ref.where ? ref.where : "?", last_message);
        free_outcome(&ref);
        return;
    }
    /* One failure at N, for every N. */
    tally one = {0};
    long n;
    const char *from = getenv("STORE_ALLOC_FAIL_FROM");
    if (from) {
        try_n(k, &ref, path, atol(from), true, &one);
        remove_store(path);
        free_outcome(&ref);
        return;
    }
    for (n = 1; n <= 4 * total + 100; n++)
        if (!try_n(k, &ref, path, n, false, &one))
            break;
    if (n > 4 * total + 100)
        FAIL("%s: still failing at N %ld (%ld allocations without failures)", k->name, n, total);
    double t1 = now_s();
    /* Memory exhausted from N on (the clean-up after the first failure fails too), for every
     * EXHAUSTED_STRIDE-th N. */
    tally ex = {0};
    for (n = 1; n <= total; n += EXHAUSTED_STRIDE)
        try_n(k, &ref, path, n, true, &ex);
    remove_store(path);
    printf("store_alloc_fail: %-6s %5ld allocations (%ld by SQLite); failing the N-th: %ld "
           "injected, %ld refused with a message (%ld leaving the -wal file), %ld recovered, "
           "%.1f s; from N on, every %d-th N: %ld, %ld (%ld), %ld, %.1f s\n",
           k->name, total, total_sqlite, one.injected, one.refused, one.wal_left, one.recovered,
           t1 - t0, EXHAUSTED_STRIDE, ex.injected, ex.refused, ex.wal_left, ex.recovered,
           now_s() - t1);
    free_outcome(&ref);
}

int main(int argc, char **argv)
{
    /* Before any other call into SQLite. */
    static const sqlite3_mem_methods methods = {sq_malloc, sq_free,    sq_realloc, sq_size,
                                                sq_roundup, sq_init, sq_shutdown, NULL};
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
        sqlite3_initialize() != SQLITE_OK) {
        fprintf(stderr, "store_alloc_fail: cannot set SQLite's allocator\n");
        return 1;
    }
    cJSON_InitHooks(&(cJSON_Hooks){cj_malloc, cj_free});
    verbose = getenv("STORE_ALLOC_FAIL_VERBOSE") != NULL;
    fail_alloc_trace(getenv("ALLOC_FAIL_TRACE") != NULL);
    /* A memory file system where there is one: every commit is synced (synchronous=FULL). */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/store_alloc_fail.XXXXXX", base);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "store_alloc_fail: cannot create a directory in %s\n", base);
        return 1;
    }
    static const kind kinds[] = {
        {"engage", engage_run, e_resume, false, 1},
        {"sweep", sweep_run, w_resume, true, W_PER_CASE},
    };
    const char *only = argc > 1 ? argv[1] : NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!only || strcmp(only, kinds[i].name) == 0)
            run_kind(&kinds[i]);
    rmdir(dir);
    sqlite3_shutdown();
    printf("store_alloc_fail: %d errors\n", errors);
    return errors ? 1 : 0;
}
