/* SPDX-License-Identifier: MIT */
/* store.c: the results store of bmdsim engage --db, in SQLite (docs/store.md). */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "cli.h"
#include "db.h"

/* The store's format: study.format. A later format must still read this one or refuse it.
 * 2: study.inputs_sha256 added (format 1, without it, is still read and resumed). */
#define STORE_FORMAT 2

struct store {
    db_conn c;
    int n_threats;
};

/* ---- SHA-256 (FIPS 180-4) ---- */

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
} sha256;

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha_block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      sha_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void sha_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

static void sha_update(sha256 *s, const unsigned char *p, size_t n)
{
    s->len += n;
    while (n > 0) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        n -= k;
        if (s->n == 64) {
            sha_block(s, s->buf);
            s->n = 0;
        }
    }
}

static void sha_final(sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80;
    sha_update(s, &pad, 1);
    unsigned char zero = 0;
    while (s->n != 56)
        sha_update(s, &zero, 1);
    unsigned char lb[8];
    for (int i = 0; i < 8; i++)
        lb[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, lb, 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08" PRIx32, s->h[i]);
}

bool store_sha256_file(const char *cmd, const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(cmd, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    sha256 s;
    sha_init(&s);
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha_update(&s, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        cli_error(cmd, "%s: cannot read", path);
        return false;
    }
    sha_final(&s, hex);
    return true;
}

void store_sha256_text(const char *text, char hex[65])
{
    sha256 s;
    sha_init(&s);
    sha_update(&s, (const unsigned char *)text, strlen(text));
    sha_final(&s, hex);
}

/* ---- SQLite ---- */

static const char schema[] =
    "CREATE TABLE study ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  format INTEGER NOT NULL,"
    "  scenario_path TEXT NOT NULL,"
    "  scenario_sha256 TEXT NOT NULL,"
    "  inputs_sha256 TEXT,"           /* format 2: the other input files (store.h) */
    "  seed TEXT NOT NULL,"           /* decimal: a seed is a 64-bit unsigned integer */
    "  bmdsim_version TEXT NOT NULL,"
    "  runs_requested INTEGER NOT NULL CHECK (runs_requested > 0),"
    "  chunk_runs INTEGER NOT NULL CHECK (chunk_runs > 0),"
    "  ci_width REAL,"                /* NULL: no stopping rule */
    "  threats INTEGER NOT NULL CHECK (threats > 0),"
    "  created_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
    "CREATE TABLE chunk ("
    "  first_run INTEGER PRIMARY KEY,"
    "  runs INTEGER NOT NULL CHECK (runs > 0),"
    "  any_leak INTEGER NOT NULL,"
    "  leakers INTEGER NOT NULL,"
    "  fired INTEGER NOT NULL,"
    "  committed_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
    "CREATE TABLE chunk_threat ("
    "  first_run INTEGER NOT NULL REFERENCES chunk(first_run),"
    "  threat INTEGER NOT NULL,"
    "  leaks INTEGER NOT NULL,"
    "  PRIMARY KEY (first_run, threat)) WITHOUT ROWID;";

/* A new connection to the store at path (db.h: synchronous FULL, every commit on disk). */
static bool store_connect(const char *cmd, const char *path, bool writer, const char *opt,
                          store **out)
{
    /* The struct's first member is its db_conn. */
    *out = db_open_new(cmd, path, writer, opt, sizeof **out);
    return *out != NULL;
}

static bool db_begin_study(const char *cmd, store *s, const store_study *st)
{
    if (!db_wal(cmd, &s->c))
        return false;
    if (!db_exec(cmd, &s->c, "BEGIN IMMEDIATE", "cannot begin a transaction") ||
        !db_exec(cmd, &s->c, schema, "cannot create the tables"))
        goto fail;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO study (id, format, scenario_path, scenario_sha256, seed,"
                           " bmdsim_version, runs_requested, chunk_runs, ci_width, threats,"
                           " inputs_sha256) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot record the study");
        goto fail;
    }
    char seed[24];
    snprintf(seed, sizeof seed, "%" PRIu64, st->seed);
    /* A text bound SQLITE_TRANSIENT is copied: out of memory leaves the parameter NULL, which
     * inputs_sha256 (nullable for format 1) would store; every bind is checked. */
    bool bound =
        sqlite3_bind_int(q, 1, STORE_FORMAT) == SQLITE_OK &&
        sqlite3_bind_text(q, 2, st->scenario_path, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_text(q, 3, st->scenario_sha256, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_text(q, 4, seed, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_text(q, 5, st->version, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_int64(q, 6, st->runs) == SQLITE_OK &&
        sqlite3_bind_int64(q, 7, st->chunk) == SQLITE_OK &&
        (st->ci_width > 0.0 ? sqlite3_bind_double(q, 8, st->ci_width)
                            : sqlite3_bind_null(q, 8)) == SQLITE_OK &&
        sqlite3_bind_int(q, 9, st->n_threats) == SQLITE_OK &&
        sqlite3_bind_text(q, 10, st->inputs_sha256, -1, SQLITE_TRANSIENT) == SQLITE_OK;
    int rc = bound ? sqlite3_step(q) : SQLITE_NOMEM;
    if (!bound)
        db_error(cmd, &s->c, "cannot record the study");
    sqlite3_finalize(q);
    if (!bound)
        goto fail;
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot record the study");
        goto fail;
    }
    if (!db_exec(cmd, &s->c, "COMMIT", "cannot commit the study"))
        goto fail;
    s->n_threats = st->n_threats;
    return true;
fail:
    sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

bool store_create(const char *cmd, const char *path, const store_study *study, store **out)
{
    *out = NULL;
    store *s = NULL;
    if (!db_create_file(cmd, path, "study") || !store_connect(cmd, path, true, "--db: ", &s))
        return false;
    if (!db_begin_study(cmd, s, study)) {
        store_close(s);
        return false;
    }
    *out = s;
    return true;
}

/* Read the study row; false with an error when the database is not a bmdsim store. */
static bool read_study(const char *cmd, store *s, store_study *st)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT format, scenario_path, scenario_sha256, seed, bmdsim_version,"
                           " runs_requested, chunk_runs, ci_width, threats FROM study WHERE id = 1",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "not a bmdsim study (expected the tables study, chunk, chunk_threat)");
        return false;
    }
    bool ok = false;
    if (sqlite3_step(q) != SQLITE_ROW) {
        cli_error(cmd, "%s%s: not a bmdsim study (its table study has no row)", s->c.opt, s->c.path);
        goto out;
    }
    int format = sqlite3_column_int(q, 0);
    if (format != 1 && format != STORE_FORMAT) {
        cli_error(cmd, "%s%s: store format %d, expected 1 to %d", s->c.opt, s->c.path, format,
                  STORE_FORMAT);
        goto out;
    }
    memset(st, 0, sizeof *st);
    if (format >= 2) {
        sqlite3_stmt *qi = NULL;
        const char *t = NULL;
        bool read = sqlite3_prepare_v2(s->c.db, "SELECT inputs_sha256 FROM study WHERE id = 1",
                                       -1, &qi, NULL) == SQLITE_OK &&
                    sqlite3_step(qi) == SQLITE_ROW;
        if (read)
            t = (const char *)sqlite3_column_text(qi, 0);
        /* A NULL from sqlite3_column_text is a NULL value or, with SQLITE_NOMEM, no memory. */
        if (!read || (!t && sqlite3_errcode(s->c.db) == SQLITE_NOMEM)) {
            db_error(cmd, &s->c, "cannot read the study");
            sqlite3_finalize(qi);
            goto out;
        }
        if (!t || strlen(t) != 64) {
            sqlite3_finalize(qi);
            cli_error(cmd, "%s%s: study.inputs_sha256: expected 64 hex digits in a store of "
                      "format %d", s->c.opt, s->c.path, format);
            goto out;
        }
        snprintf(st->inputs_sha256, sizeof st->inputs_sha256, "%s", t);
        sqlite3_finalize(qi);
    }
    const char *t;
    t = (const char *)sqlite3_column_text(q, 1);
    snprintf(st->scenario_path, sizeof st->scenario_path, "%s", t ? t : "");
    t = (const char *)sqlite3_column_text(q, 2);
    snprintf(st->scenario_sha256, sizeof st->scenario_sha256, "%s", t ? t : "");
    t = (const char *)sqlite3_column_text(q, 3);
    char *end = NULL;
    errno = 0;
    unsigned long long seed = t ? strtoull(t, &end, 10) : 0;
    if (!t || !*t || *end || errno) {
        cli_error(cmd, "%s%s: study.seed \"%s\": expected a non-negative integer", s->c.opt, s->c.path,
                  t ? t : "");
        goto out;
    }
    st->seed = (uint64_t)seed;
    t = (const char *)sqlite3_column_text(q, 4);
    snprintf(st->version, sizeof st->version, "%s", t ? t : "");
    st->runs = (long)sqlite3_column_int64(q, 5);
    st->chunk = (long)sqlite3_column_int64(q, 6);
    st->ci_width = sqlite3_column_type(q, 7) == SQLITE_NULL ? 0.0 : sqlite3_column_double(q, 7);
    st->n_threats = sqlite3_column_int(q, 8);
    if (st->runs < 1 || st->chunk < 1 || st->n_threats < 1 || !(st->ci_width >= 0.0)) {
        cli_error(cmd, "%s%s: the study's runs, chunk, threats or ci_width are out of range",
                  s->c.opt, s->c.path);
        goto out;
    }
    s->n_threats = st->n_threats;
    ok = true;
out:
    sqlite3_finalize(q);
    return ok;
}

bool store_open(const char *cmd, const char *path, const store_study *init, store **out,
                store_study *stored)
{
    *out = NULL;
    store *s = NULL;
    if (!db_resume_exists(cmd, path) || !store_connect(cmd, path, true, "--db: ", &s))
        return false;
    int tables = db_table_count(cmd, &s->c);
    if (tables < 0) {
        store_close(s);
        return false;
    }
    if (tables == 0) {
        /* Created, then killed before the study was committed: begin it now. */
        if (!db_begin_study(cmd, s, init)) {
            store_close(s);
            return false;
        }
        *stored = *init;
        *out = s;
        return true;
    }
    if (!read_study(cmd, s, stored)) {
        store_close(s);
        return false;
    }
    *out = s;
    return true;
}

bool store_totals(const char *cmd, store *s, bmd_raid_mc *tot, long *n_chunks, long *last_first)
{
    memset(tot, 0, sizeof *tot);
    *n_chunks = 0;
    *last_first = -1;
    tot->threat_leaks = calloc((size_t)s->n_threats, sizeof *tot->threat_leaks);
    if (!tot->threat_leaks) {
        cli_error(cmd, "out of memory");
        return false;
    }
    long chunk = 0;
    long runs_req = 0;
    sqlite3_stmt *q = NULL;
    bool ok = false;
    bool own = sqlite3_get_autocommit(s->c.db) != 0; /* else inside the caller's transaction */
    if (own && !db_exec(cmd, &s->c, "BEGIN", "cannot begin a transaction"))
        goto out;
    if (sqlite3_prepare_v2(s->c.db, "SELECT chunk_runs, runs_requested FROM study WHERE id = 1", -1,
                           &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        db_error(cmd, &s->c, "cannot read the study");
        goto out;
    }
    chunk = (long)sqlite3_column_int64(q, 0);
    runs_req = (long)sqlite3_column_int64(q, 1);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT first_run, runs, any_leak, leakers, fired FROM chunk"
                           " ORDER BY first_run",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the chunks");
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        long first = (long)sqlite3_column_int64(q, 0);
        long runs = (long)sqlite3_column_int64(q, 1);
        long want = runs_req - first < chunk ? runs_req - first : chunk;
        if (first != tot->runs || runs != want) {
            cli_error(cmd, "%s%s: the chunks are not consecutive: a chunk of %ld runs at run "
                      "%ld, expected %ld runs at run %ld (the store was edited?)",
                      s->c.opt, s->c.path, runs, first, want, tot->runs);
            goto out;
        }
        tot->runs += runs;
        tot->any_leak += (long)sqlite3_column_int64(q, 2);
        tot->leakers += (long)sqlite3_column_int64(q, 3);
        tot->fired += (long)sqlite3_column_int64(q, 4);
        *last_first = first;
        (*n_chunks)++;
    }
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the chunks");
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT threat, sum(leaks), count(*) FROM chunk_threat GROUP BY threat",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the chunks' threats");
        goto out;
    }
    int seen = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int t = sqlite3_column_int(q, 0);
        if (t < 0 || t >= s->n_threats || sqlite3_column_int64(q, 2) != *n_chunks) {
            cli_error(cmd, "%s%s: chunk_threat: threat %d: expected threats 0 to %d, one row "
                      "per chunk",
                      s->c.opt, s->c.path, t, s->n_threats - 1);
            goto out;
        }
        tot->threat_leaks[t] = (long)sqlite3_column_int64(q, 1);
        seen++;
    }
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the chunks' threats");
        goto out;
    }
    if (*n_chunks > 0 && seen != s->n_threats) {
        cli_error(cmd, "%s%s: chunk_threat holds %d threats, expected %d", s->c.opt, s->c.path, seen,
                  s->n_threats);
        goto out;
    }
    ok = true;
out:
    sqlite3_finalize(q);
    if (own)
        sqlite3_exec(s->c.db, "COMMIT", NULL, NULL, NULL);
    if (!ok)
        bmd_raid_mc_free(tot);
    return ok;
}

bool store_chunk(const char *cmd, store *s, long first, bmd_raid_mc *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    out->threat_leaks = calloc((size_t)s->n_threats, sizeof *out->threat_leaks);
    if (!out->threat_leaks) {
        cli_error(cmd, "out of memory");
        return false;
    }
    sqlite3_stmt *q = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT runs, any_leak, leakers, fired FROM chunk WHERE first_run = ?",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read a chunk");
        goto out;
    }
    sqlite3_bind_int64(q, 1, first);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *found = true;
        out->runs = (long)sqlite3_column_int64(q, 0);
        out->any_leak = (long)sqlite3_column_int64(q, 1);
        out->leakers = (long)sqlite3_column_int64(q, 2);
        out->fired = (long)sqlite3_column_int64(q, 3);
    } else if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read a chunk");
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db, "SELECT threat, leaks FROM chunk_threat WHERE first_run = ?",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read a chunk");
        goto out;
    }
    sqlite3_bind_int64(q, 1, first);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int t = sqlite3_column_int(q, 0);
        if (t >= 0 && t < s->n_threats)
            out->threat_leaks[t] = (long)sqlite3_column_int64(q, 1);
    }
    ok = rc == SQLITE_DONE;
    if (!ok)
        db_error(cmd, &s->c, "cannot read a chunk");
out:
    sqlite3_finalize(q);
    if (!ok)
        bmd_raid_mc_free(out);
    return ok;
}

bool store_append(const char *cmd, store *s, long first, const bmd_raid_mc *part)
{
    sqlite3_stmt *q = NULL;
    if (!db_wal(cmd, &s->c) || !db_exec(cmd, &s->c, "BEGIN IMMEDIATE", "cannot begin a transaction"))
        return false;
    if (sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO chunk (first_run, runs, any_leak, leakers, fired)"
                           " VALUES (?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(q, 1, first);
    sqlite3_bind_int64(q, 2, part->runs);
    sqlite3_bind_int64(q, 3, part->any_leak);
    sqlite3_bind_int64(q, 4, part->leakers);
    sqlite3_bind_int64(q, 5, part->fired);
    if (sqlite3_step(q) != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(s->c.db) & 0xff) == SQLITE_CONSTRAINT) {
            cli_error(cmd, "%s%s: the chunk at run %ld is already stored: is another bmdsim "
                      "writing this study?", s->c.opt, s->c.path, first);
            sqlite3_finalize(q);
            sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
            return false;
        }
        goto fail;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO chunk_threat (first_run, threat, leaks) VALUES (?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto fail;
    for (int t = 0; t < s->n_threats; t++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, first);
        sqlite3_bind_int(q, 2, t);
        sqlite3_bind_int64(q, 3, part->threat_leaks[t]);
        if (sqlite3_step(q) != SQLITE_DONE)
            goto fail;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_exec(s->c.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return true;
fail:
    db_error(cmd, &s->c, "cannot commit a chunk");
    sqlite3_finalize(q);
    sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

void store_close(store *s)
{
    if (!s)
        return;
    db_close(&s->c);
    free(s);
}

/* ---- export ---- */

/* A growing string. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap <= b->n + (size_t)k)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
}

/* Append a number to a JSON array; false (nothing added, nothing leaked) when cJSON cannot
 * allocate. */
static bool json_push_num(cJSON *array, double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    if (!n || !cJSON_AddItemToArray(array, n)) {
        cJSON_Delete(n);
        return false;
    }
    return true;
}

bool store_export(const char *cmd, const char *path, bool json, char **text)
{
    *text = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        cli_error(cmd, "%s: no such file", path);
        return false;
    }
    store *s = NULL;
    if (!store_connect(cmd, path, false, "", &s))
        return false;
    store_study st;
    bmd_raid_mc tot;
    memset(&tot, 0, sizeof tot);
    long n_chunks = 0;
    long last_first = -1;
    sqlite3_stmt *q = NULL;
    sqlite3_stmt *qt = NULL;
    sbuf b = {0};
    cJSON *root = NULL;
    cJSON *chunks = NULL;
    bool ok = false;
    if (!db_exec(cmd, &s->c, "BEGIN", "cannot begin a transaction") || !read_study(cmd, s, &st) ||
        !store_totals(cmd, s, &tot, &n_chunks, &last_first))
        goto out;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT first_run, runs, any_leak, leakers, fired, committed_utc"
                           " FROM chunk ORDER BY first_run",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->c.db,
                           "SELECT leaks FROM chunk_threat WHERE first_run = ? ORDER BY threat",
                           -1, &qt, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the chunks");
        goto out;
    }
    if (json) {
        root = cJSON_CreateObject();
        cJSON *j = cJSON_AddObjectToObject(root, "study");
        bool jok = j && cJSON_AddNumberToObject(j, "format", STORE_FORMAT);
        jok = jok && cJSON_AddStringToObject(j, "scenario_path", st.scenario_path);
        jok = jok && cJSON_AddStringToObject(j, "scenario_sha256", st.scenario_sha256);
        if (st.inputs_sha256[0])
            jok = jok && cJSON_AddStringToObject(j, "inputs_sha256", st.inputs_sha256);
        jok = jok && json_num(j, "seed", (double)st.seed);
        jok = jok && cJSON_AddStringToObject(j, "bmdsim_version", st.version);
        jok = jok && json_num(j, "runs_requested", (double)st.runs);
        jok = jok && json_num(j, "chunk_runs", (double)st.chunk);
        if (st.ci_width > 0.0)
            jok = jok && json_num(j, "ci_width", st.ci_width);
        else
            jok = jok && cJSON_AddNullToObject(j, "ci_width");
        jok = jok && cJSON_AddNumberToObject(j, "threats", st.n_threats);
        cJSON *t = jok ? cJSON_AddObjectToObject(root, "totals") : NULL;
        jok = t && json_num(t, "chunks", (double)n_chunks);
        jok = jok && json_num(t, "runs", (double)tot.runs);
        jok = jok && json_num(t, "any_leak", (double)tot.any_leak);
        jok = jok && json_num(t, "leakers", (double)tot.leakers);
        jok = jok && json_num(t, "fired", (double)tot.fired);
        cJSON *tl = jok ? cJSON_AddArrayToObject(t, "threat_leaks") : NULL;
        jok = tl != NULL;
        for (int i = 0; jok && i < st.n_threats; i++)
            jok = json_push_num(tl, (double)tot.threat_leaks[i]);
        double lo = (double)NAN;
        double hi = (double)NAN;
        if (tot.runs > 0)
            bmd_wilson_interval((double)tot.any_leak, (double)tot.runs, &lo, &hi);
        jok = jok && json_num(t, "leak_probability",
                              tot.runs > 0 ? (double)tot.any_leak / (double)tot.runs
                                           : (double)NAN);
        jok = jok && json_num(t, "leak_probability_lo", lo);
        jok = jok && json_num(t, "leak_probability_hi", hi);
        chunks = jok ? cJSON_AddArrayToObject(root, "chunks") : NULL;
        if (!chunks)
            b.oom = true;
    } else {
        sb_printf(&b, "first_run,runs,any_leak,leakers,fired");
        for (int t = 0; t < st.n_threats; t++)
            sb_printf(&b, ",threat_%d_leaks", t);
        sb_printf(&b, ",committed_utc\n");
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        long first = (long)sqlite3_column_int64(q, 0);
        const char *when = (const char *)sqlite3_column_text(q, 5);
        cJSON *c = NULL;
        cJSON *cl = NULL;
        if (json && !b.oom) {
            c = cJSON_CreateObject();
            if (c && !cJSON_AddItemToArray(chunks, c)) {
                cJSON_Delete(c);
                c = NULL;
            }
            bool jok = c && json_num(c, "first_run", (double)first);
            jok = jok && json_num(c, "runs", (double)sqlite3_column_int64(q, 1));
            jok = jok && json_num(c, "any_leak", (double)sqlite3_column_int64(q, 2));
            jok = jok && json_num(c, "leakers", (double)sqlite3_column_int64(q, 3));
            jok = jok && json_num(c, "fired", (double)sqlite3_column_int64(q, 4));
            cl = jok ? cJSON_AddArrayToObject(c, "threat_leaks") : NULL;
            if (!cl)
                b.oom = true;
        } else if (!json) {
            sb_printf(&b, "%ld,%lld,%lld,%lld,%lld", first, (long long)sqlite3_column_int64(q, 1),
                      (long long)sqlite3_column_int64(q, 2), (long long)sqlite3_column_int64(q, 3),
                      (long long)sqlite3_column_int64(q, 4));
        }
        sqlite3_reset(qt);
        sqlite3_bind_int64(qt, 1, first);
        int rt;
        while ((rt = sqlite3_step(qt)) == SQLITE_ROW) {
            if (json) {
                if (!b.oom && !json_push_num(cl, (double)sqlite3_column_int64(qt, 0)))
                    b.oom = true;
            } else
                sb_printf(&b, ",%lld", (long long)sqlite3_column_int64(qt, 0));
        }
        if (rt != SQLITE_DONE) {
            db_error(cmd, &s->c, "cannot read the chunks");
            goto out;
        }
        if (json) {
            if (!b.oom && !cJSON_AddStringToObject(c, "committed_utc", when ? when : ""))
                b.oom = true;
        } else
            sb_printf(&b, ",%s\n", when ? when : "");
    }
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the chunks");
        goto out;
    }
    if (json && !b.oom) {
        char *p = cJSON_Print(root);
        if (p)
            sb_printf(&b, "%s\n", p);
        else
            b.oom = true;
        free(p);
    }
    if (b.oom) {
        cli_error(cmd, "out of memory");
        goto out;
    }
    *text = b.p;
    b.p = NULL;
    ok = true;
out:
    sqlite3_finalize(q);
    sqlite3_finalize(qt);
    sqlite3_exec(s->c.db, "COMMIT", NULL, NULL, NULL);
    cJSON_Delete(root);
    bmd_raid_mc_free(&tot);
    store_close(s);
    free(b.p);
    return ok;
}
