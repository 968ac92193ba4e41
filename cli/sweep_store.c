/* SPDX-License-Identifier: MIT */
/* sweep_store.c: the text of bmdsim sweep's rows and its results store in SQLite
 * (docs/sweep.md). */
#define _POSIX_C_SOURCE 200809L
#include "sweep_store.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "db.h"

/* ---- text ---- */

/* A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* A CSV number: ten significant digits; empty when not finite. */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A JSON number: 17 significant digits (the double exactly); null when not finite. */
static void json_numf(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

void sweep_csv_header(FILE *f)
{
    fputs("case,burnout_speed_km_s,cue,delay_s,site,site_name,interceptor,site_lat_deg,"
          "site_lon_deg,threat,threat_missile,threat_from,threat_to,engageable,reason,"
          "earliest_launch_allowed_s,earliest_launch_s,earliest_intercept_s,latest_intercept_s,"
          "intercept_altitude_km,closing_speed_km_s,margin_s,case_threats_engageable\n",
          f);
}

void sweep_csv_case(FILE *f, const sweep_case_val *c, const sweep_row_val *rows, int n_rows,
                    const sweep_threat_info *threats, const sweep_site_info *sites)
{
    for (int i = 0; i < n_rows; i++) {
        const sweep_row_val *r = &rows[i];
        const sweep_site_info *si = &sites[r->site];
        const sweep_threat_info *ti = &threats[r->threat];
        fprintf(f, "%" PRId64 ",", c->index);
        csv_num(f, c->burnout_speed_km_s);
        fprintf(f, ",%s,", c->cue);
        csv_num(f, c->delay_s);
        fprintf(f, ",%d,", r->site);
        csv_str(f, si->name);
        fputc(',', f);
        csv_str(f, si->interceptor);
        fputc(',', f);
        csv_num(f, isfinite(c->site_lat_deg) ? c->site_lat_deg : si->lat_deg);
        fputc(',', f);
        csv_num(f, isfinite(c->site_lon_deg) ? c->site_lon_deg : si->lon_deg);
        fprintf(f, ",%d,", r->threat);
        csv_str(f, ti->missile);
        fputc(',', f);
        csv_str(f, ti->from);
        fputc(',', f);
        csv_str(f, ti->to);
        fprintf(f, ",%d,", r->engageable ? 1 : 0);
        csv_str(f, r->reason);
        const double v[] = {r->earliest_launch_allowed_s, r->earliest_launch_s,
                            r->earliest_intercept_s,      r->latest_intercept_s,
                            r->intercept_altitude_km,     r->closing_speed_km_s,
                            r->margin_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', f);
            csv_num(f, v[k]);
        }
        fprintf(f, ",%d\n", c->threats_engageable);
    }
}

void sweep_json_open(FILE *f, const sweep_study *st, const sweep_threat_info *threats,
                     const sweep_site_info *sites)
{
    fputs("{\"sweep\":{\"format\":", f);
    fprintf(f, "%d,\"scenario_path\":", SWEEP_STORE_FORMAT);
    json_str(f, st->scenario_path);
    fputs(",\"scenario_sha256\":", f);
    json_str(f, st->scenario_sha256);
    fputs(",\"sweep_sha256\":", f);
    json_str(f, st->sweep_sha256);
    fputs(",\"axes\":", f);
    json_str(f, st->axes);
    fprintf(f, ",\"cases\":%" PRId64 ",\"chunk_cases\":%ld,\"bmdsim_version\":", st->cases,
            st->chunk);
    json_str(f, st->version);
    fputs(",\"threats\":[", f);
    for (int t = 0; t < st->n_threats; t++) {
        const sweep_threat_info *ti = &threats[t];
        fprintf(f, "%s{\"threat\":%d,\"missile\":", t ? "," : "", t);
        json_str(f, ti->missile);
        fputs(",\"from\":", f);
        json_str(f, ti->from);
        fputs(",\"to\":", f);
        json_str(f, ti->to);
        fputs(",\"launch_lat_deg\":", f);
        json_numf(f, ti->launch_lat_deg);
        fputs(",\"launch_lon_deg\":", f);
        json_numf(f, ti->launch_lon_deg);
        fputs(",\"target_lat_deg\":", f);
        json_numf(f, ti->target_lat_deg);
        fputs(",\"target_lon_deg\":", f);
        json_numf(f, ti->target_lon_deg);
        fputs(",\"flight_time_s\":", f);
        json_numf(f, ti->flight_time_s);
        fputc('}', f);
    }
    fputs("],\"sites\":[", f);
    for (int k = 0; k < st->n_sites; k++) {
        const sweep_site_info *si = &sites[k];
        fprintf(f, "%s{\"site\":%d,\"name\":", k ? "," : "", k);
        json_str(f, si->name);
        fputs(",\"interceptor\":", f);
        json_str(f, si->interceptor);
        fputs(",\"lat_deg\":", f);
        json_numf(f, si->lat_deg);
        fputs(",\"lon_deg\":", f);
        json_numf(f, si->lon_deg);
        fputc('}', f);
    }
    fputs("]},\n\"cases\":[\n", f);
}

void sweep_json_case(FILE *f, bool first, const sweep_case_val *c, const sweep_row_val *rows,
                     int n_rows)
{
    fprintf(f, "%s{\"case\":%" PRId64 ",\"burnout_speed_km_s\":", first ? "" : ",\n", c->index);
    json_numf(f, c->burnout_speed_km_s);
    fputs(",\"cue\":", f);
    json_str(f, c->cue);
    fputs(",\"delay_s\":", f);
    json_numf(f, c->delay_s);
    fputs(",\"site_lat_deg\":", f);
    json_numf(f, c->site_lat_deg);
    fputs(",\"site_lon_deg\":", f);
    json_numf(f, c->site_lon_deg);
    fprintf(f, ",\"threats_engageable\":%d,\"rows\":[", c->threats_engageable);
    for (int i = 0; i < n_rows; i++) {
        const sweep_row_val *r = &rows[i];
        fprintf(f, "%s{\"threat\":%d,\"site\":%d,\"engageable\":%s,\"reason\":", i ? "," : "",
                r->threat, r->site, r->engageable ? "true" : "false");
        json_str(f, r->reason);
        fputs(",\"earliest_launch_allowed_s\":", f);
        json_numf(f, r->earliest_launch_allowed_s);
        fputs(",\"earliest_launch_s\":", f);
        json_numf(f, r->earliest_launch_s);
        fputs(",\"earliest_intercept_s\":", f);
        json_numf(f, r->earliest_intercept_s);
        fputs(",\"latest_intercept_s\":", f);
        json_numf(f, r->latest_intercept_s);
        fputs(",\"intercept_altitude_km\":", f);
        json_numf(f, r->intercept_altitude_km);
        fputs(",\"closing_speed_km_s\":", f);
        json_numf(f, r->closing_speed_km_s);
        fputs(",\"margin_s\":", f);
        json_numf(f, r->margin_s);
        fputc('}', f);
    }
    fputs("]}", f);
}

void sweep_json_close(FILE *f, int64_t cases_written)
{
    fprintf(f, "%s],\n\"cases_written\":%" PRId64 "}\n", cases_written ? "\n" : "",
            cases_written);
}

/* ---- SQLite ---- */

struct sweep_store {
    db_conn c;
    sqlite3_stmt *q_case, *q_row, *q_chunk, *q_has;
};

static const char schema[] =
    "CREATE TABLE sweep ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  format INTEGER NOT NULL,"
    "  scenario_path TEXT NOT NULL,"
    "  scenario_sha256 TEXT NOT NULL,"
    "  sweep_sha256 TEXT NOT NULL,"
    "  axes TEXT NOT NULL,"
    "  cases INTEGER NOT NULL CHECK (cases > 0),"
    "  chunk_cases INTEGER NOT NULL CHECK (chunk_cases > 0),"
    "  threats INTEGER NOT NULL CHECK (threats > 0),"
    "  sites INTEGER NOT NULL CHECK (sites > 0),"
    "  bmdsim_version TEXT NOT NULL,"
    "  created_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
    "CREATE TABLE sweep_threat ("
    "  threat INTEGER PRIMARY KEY, missile TEXT NOT NULL, from_place TEXT NOT NULL,"
    "  to_place TEXT NOT NULL, launch_lat_deg REAL, launch_lon_deg REAL, target_lat_deg REAL,"
    "  target_lon_deg REAL, flight_time_s REAL);"
    "CREATE TABLE sweep_site ("
    "  site INTEGER PRIMARY KEY, name TEXT NOT NULL, interceptor TEXT NOT NULL,"
    "  lat_deg REAL, lon_deg REAL);"
    "CREATE TABLE sweep_chunk ("
    "  first_case INTEGER PRIMARY KEY,"
    "  cases INTEGER NOT NULL CHECK (cases > 0),"
    "  committed_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));"
    "CREATE TABLE sweep_case ("
    "  case_index INTEGER PRIMARY KEY,"
    "  burnout_speed_km_s REAL,"          /* NULL: the sites' own interceptors */
    "  cue TEXT NOT NULL,"
    "  delay_s REAL NOT NULL,"
    "  site_lat_deg REAL, site_lon_deg REAL,"  /* NULL: the sites' own places */
    "  threats_engageable INTEGER NOT NULL);"
    "CREATE TABLE sweep_row ("
    "  case_index INTEGER NOT NULL REFERENCES sweep_case(case_index),"
    "  threat INTEGER NOT NULL, site INTEGER NOT NULL,"
    "  engageable INTEGER NOT NULL, reason TEXT NOT NULL,"
    "  earliest_launch_allowed_s REAL, earliest_launch_s REAL, earliest_intercept_s REAL,"
    "  latest_intercept_s REAL, intercept_altitude_km REAL, closing_speed_km_s REAL,"
    "  margin_s REAL,"
    "  PRIMARY KEY (case_index, threat, site)) WITHOUT ROWID;";

/* A new connection to the sweep store at path (db.h). */
static bool sweep_connect(const char *cmd, const char *path, bool writer, const char *opt,
                          sweep_store **out)
{
    /* The struct's first member is its db_conn. */
    *out = db_open_new(cmd, path, writer, opt, sizeof **out);
    return *out != NULL;
}

static bool begin_study(const char *cmd, sweep_store *s, const sweep_study *st,
                        const sweep_threat_info *threats, const sweep_site_info *sites)
{
    sqlite3_stmt *q = NULL;
    if (!db_wal(cmd, &s->c) ||
        !db_exec(cmd, &s->c, "BEGIN IMMEDIATE", "cannot begin a transaction"))
        return false;
    if (!db_exec(cmd, &s->c, schema, "cannot create the tables"))
        goto fail;
    if (sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO sweep (id, format, scenario_path, scenario_sha256,"
                           " sweep_sha256, axes, cases, chunk_cases, threats, sites,"
                           " bmdsim_version) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK)
        goto fail_db;
    /* A text bound SQLITE_TRANSIENT is copied: out of memory leaves the parameter NULL and
     * the insert would fail on its NOT NULL, naming the constraint; every bind is checked, so
     * the error says the memory (SQLite's message). */
    int bad = 0;
    bad |= sqlite3_bind_int(q, 1, SWEEP_STORE_FORMAT) != SQLITE_OK;
    bad |= sqlite3_bind_text(q, 2, st->scenario_path, -1, SQLITE_TRANSIENT) != SQLITE_OK;
    bad |= sqlite3_bind_text(q, 3, st->scenario_sha256, -1, SQLITE_TRANSIENT) != SQLITE_OK;
    bad |= sqlite3_bind_text(q, 4, st->sweep_sha256, -1, SQLITE_TRANSIENT) != SQLITE_OK;
    bad |= sqlite3_bind_text(q, 5, st->axes, -1, SQLITE_TRANSIENT) != SQLITE_OK;
    bad |= sqlite3_bind_int64(q, 6, st->cases) != SQLITE_OK;
    bad |= sqlite3_bind_int64(q, 7, st->chunk) != SQLITE_OK;
    bad |= sqlite3_bind_int(q, 8, st->n_threats) != SQLITE_OK;
    bad |= sqlite3_bind_int(q, 9, st->n_sites) != SQLITE_OK;
    bad |= sqlite3_bind_text(q, 10, st->version, -1, SQLITE_TRANSIENT) != SQLITE_OK;
    if (bad || sqlite3_step(q) != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO sweep_threat VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &q,
                           NULL) != SQLITE_OK)
        goto fail_db;
    for (int t = 0; t < st->n_threats; t++) {
        const sweep_threat_info *ti = &threats[t];
        sqlite3_reset(q);
        bad |= sqlite3_bind_int(q, 1, t) != SQLITE_OK;
        bad |= sqlite3_bind_text(q, 2, ti->missile, -1, SQLITE_TRANSIENT) != SQLITE_OK;
        bad |= sqlite3_bind_text(q, 3, ti->from, -1, SQLITE_TRANSIENT) != SQLITE_OK;
        bad |= sqlite3_bind_text(q, 4, ti->to, -1, SQLITE_TRANSIENT) != SQLITE_OK;
        db_bind_real(q, 5, ti->launch_lat_deg);
        db_bind_real(q, 6, ti->launch_lon_deg);
        db_bind_real(q, 7, ti->target_lat_deg);
        db_bind_real(q, 8, ti->target_lon_deg);
        db_bind_real(q, 9, ti->flight_time_s);
        if (bad || sqlite3_step(q) != SQLITE_DONE)
            goto fail_db;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db, "INSERT INTO sweep_site VALUES (?, ?, ?, ?, ?)", -1, &q,
                           NULL) != SQLITE_OK)
        goto fail_db;
    for (int k = 0; k < st->n_sites; k++) {
        const sweep_site_info *si = &sites[k];
        sqlite3_reset(q);
        bad |= sqlite3_bind_int(q, 1, k) != SQLITE_OK;
        bad |= sqlite3_bind_text(q, 2, si->name, -1, SQLITE_TRANSIENT) != SQLITE_OK;
        bad |= sqlite3_bind_text(q, 3, si->interceptor, -1, SQLITE_TRANSIENT) != SQLITE_OK;
        db_bind_real(q, 4, si->lat_deg);
        db_bind_real(q, 5, si->lon_deg);
        if (bad || sqlite3_step(q) != SQLITE_DONE)
            goto fail_db;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (!db_exec(cmd, &s->c, "COMMIT", "cannot commit the sweep"))
        goto fail;
    return true;
fail_db:
    db_error(cmd, &s->c, "cannot record the sweep");
fail:
    sqlite3_finalize(q);
    sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

static bool prepare_writes(const char *cmd, sweep_store *s)
{
    if (sqlite3_prepare_v2(s->c.db, "INSERT INTO sweep_case VALUES (?, ?, ?, ?, ?, ?, ?)", -1,
                           &s->q_case, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->c.db,
                           "INSERT INTO sweep_row VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &s->q_row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->c.db, "INSERT INTO sweep_chunk (first_case, cases) VALUES (?, ?)",
                           -1, &s->q_chunk, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->c.db, "SELECT cases FROM sweep_chunk WHERE first_case = ?", -1,
                           &s->q_has, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "not a bmdsim sweep (expected the tables of docs/sweep.md)");
        return false;
    }
    return true;
}

bool sweep_store_create(const char *cmd, const char *path, const sweep_study *st,
                        const sweep_threat_info *threats, const sweep_site_info *sites,
                        sweep_store **out)
{
    *out = NULL;
    sweep_store *s = NULL;
    if (!db_create_file(cmd, path, "sweep") || !sweep_connect(cmd, path, true, "--db: ", &s))
        return false;
    if (!begin_study(cmd, s, st, threats, sites) || !prepare_writes(cmd, s)) {
        sweep_store_close(s);
        return false;
    }
    *out = s;
    return true;
}

bool sweep_store_open(const char *cmd, const char *path, const sweep_study *st,
                      const sweep_threat_info *threats, const sweep_site_info *sites,
                      sweep_store **out)
{
    *out = NULL;
    sweep_store *s = NULL;
    if (!db_resume_exists(cmd, path) || !sweep_connect(cmd, path, true, "--db: ", &s))
        return false;
    sqlite3_stmt *q = NULL;
    int has = 0;
    int n_tables = db_table_count(cmd, &s->c);
    if (n_tables < 0)
        goto fail;
    if (n_tables == 0) {
        /* Created, then killed before the sweep was committed: begin it now. */
        if (!begin_study(cmd, s, st, threats, sites))
            goto fail;
    } else if ((has = db_has_table(&s->c, "sweep")) < 0) {
        db_error(cmd, &s->c, "cannot read the tables");
        goto fail;
    } else if (!has) {
        cli_error(cmd, "--db: %s: not a bmdsim sweep store (no table sweep; an engage store "
                  "is continued by bmdsim engage)", path);
        goto fail;
    } else {
        if (sqlite3_prepare_v2(s->c.db,
                               "SELECT format, scenario_sha256, sweep_sha256, axes FROM sweep"
                               " WHERE id = 1",
                               -1, &q, NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW) {
            db_error(cmd, &s->c, "not a bmdsim sweep (its table sweep has no row)");
            goto fail;
        }
        int format = sqlite3_column_int(q, 0);
        const char *scn = (const char *)sqlite3_column_text(q, 1);
        const char *hash = (const char *)sqlite3_column_text(q, 2);
        const char *axes = (const char *)sqlite3_column_text(q, 3);
        if (format != SWEEP_STORE_FORMAT) {
            cli_error(cmd, "--db: %s: sweep store format %d, expected %d", path, format,
                      SWEEP_STORE_FORMAT);
            goto fail;
        }
        if (!scn || strcmp(scn, st->scenario_sha256) != 0) {
            cli_error(cmd, "--resume: %s: a different sweep: its scenario had SHA-256 %.12s..., "
                      "%s has %.12s... (the scenario file changed?)",
                      path, scn ? scn : "?", st->scenario_path, st->scenario_sha256);
            goto fail;
        }
        if (!hash || strcmp(hash, st->sweep_sha256) != 0) {
            if (axes && strcmp(axes, st->axes) == 0)
                cli_error(cmd, "--resume: %s: a different sweep: the same axes, but the "
                          "scenario's includes, or the catalog files it uses, changed since "
                          "the sweep began (their SHA-256 differ)", path);
            else
                cli_error(cmd, "--resume: %s: a different sweep: stored axes \"%s\", given "
                          "\"%s\"", path, axes ? axes : "?", st->axes);
            goto fail;
        }
        sqlite3_finalize(q);
        q = NULL;
    }
    if (!prepare_writes(cmd, s))
        goto fail;
    *out = s;
    return true;
fail:
    sqlite3_finalize(q);
    sweep_store_close(s);
    return false;
}

bool sweep_store_has_chunk(const char *cmd, sweep_store *s, int64_t first, int64_t n, bool *has)
{
    *has = false;
    sqlite3_reset(s->q_has);
    sqlite3_bind_int64(s->q_has, 1, first);
    int rc = sqlite3_step(s->q_has);
    if (rc == SQLITE_ROW) {
        int64_t got = sqlite3_column_int64(s->q_has, 0);
        sqlite3_reset(s->q_has);
        if (got != n) {
            cli_error(cmd, "--db: %s: the chunk at case %" PRId64 " holds %" PRId64
                      " cases, expected %" PRId64 " (the store was edited?)",
                      s->c.path, first, got, n);
            return false;
        }
        *has = true;
        return true;
    }
    sqlite3_reset(s->q_has);
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the chunks");
        return false;
    }
    return true;
}

bool sweep_store_append(const char *cmd, sweep_store *s, int64_t first, int64_t n_cases,
                        const sweep_case_val *cases, const sweep_row_val *rows,
                        int n_rows_per_case)
{
    if (!db_wal(cmd, &s->c) || !db_exec(cmd, &s->c, "BEGIN IMMEDIATE", "cannot begin a transaction"))
        return false;
    sqlite3_reset(s->q_chunk);
    sqlite3_bind_int64(s->q_chunk, 1, first);
    sqlite3_bind_int64(s->q_chunk, 2, n_cases);
    if (sqlite3_step(s->q_chunk) != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(s->c.db) & 0xff) == SQLITE_CONSTRAINT) {
            cli_error(cmd, "--db: %s: the chunk at case %" PRId64 " is already stored: is "
                      "another bmdsim writing this sweep?", s->c.path, first);
            sqlite3_reset(s->q_chunk);
            sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
            return false;
        }
        goto fail;
    }
    sqlite3_reset(s->q_chunk);
    for (int64_t i = 0; i < n_cases; i++) {
        const sweep_case_val *c = &cases[i];
        sqlite3_stmt *q = s->q_case;
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, c->index);
        db_bind_real(q, 2, c->burnout_speed_km_s);
        sqlite3_bind_text(q, 3, c->cue, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 4, c->delay_s);
        db_bind_real(q, 5, c->site_lat_deg);
        db_bind_real(q, 6, c->site_lon_deg);
        sqlite3_bind_int(q, 7, c->threats_engageable);
        if (sqlite3_step(q) != SQLITE_DONE)
            goto fail;
        for (int k = 0; k < n_rows_per_case; k++) {
            const sweep_row_val *r = &rows[i * n_rows_per_case + k];
            q = s->q_row;
            sqlite3_reset(q);
            sqlite3_bind_int64(q, 1, c->index);
            sqlite3_bind_int(q, 2, r->threat);
            sqlite3_bind_int(q, 3, r->site);
            sqlite3_bind_int(q, 4, r->engageable ? 1 : 0);
            sqlite3_bind_text(q, 5, r->reason, -1, SQLITE_STATIC);
            db_bind_real(q, 6, r->earliest_launch_allowed_s);
            db_bind_real(q, 7, r->earliest_launch_s);
            db_bind_real(q, 8, r->earliest_intercept_s);
            db_bind_real(q, 9, r->latest_intercept_s);
            db_bind_real(q, 10, r->intercept_altitude_km);
            db_bind_real(q, 11, r->closing_speed_km_s);
            db_bind_real(q, 12, r->margin_s);
            if (sqlite3_step(q) != SQLITE_DONE)
                goto fail;
        }
    }
    sqlite3_reset(s->q_case);
    sqlite3_reset(s->q_row);
    if (sqlite3_exec(s->c.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return true;
fail:
    db_error(cmd, &s->c, "cannot commit a chunk");
    sqlite3_reset(s->q_case);
    sqlite3_reset(s->q_row);
    sqlite3_reset(s->q_chunk);
    sqlite3_exec(s->c.db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

bool sweep_store_last_chunk(const char *cmd, sweep_store *s, int64_t *first, int64_t *n)
{
    *first = -1;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT first_case, cases FROM sweep_chunk ORDER BY first_case DESC"
                           " LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the chunks");
        return false;
    }
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *first = sqlite3_column_int64(q, 0);
        *n = sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the chunks");
        return false;
    }
    return true;
}

/* Two stored numbers are the same: both absent, or equal to the bit. */
static bool same_num(sqlite3_stmt *q, int i, double v)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL)
        return !isfinite(v);
    double x = sqlite3_column_double(q, i);
    return isfinite(v) && memcmp(&x, &v, sizeof x) == 0;
}

bool sweep_store_same(const char *cmd, sweep_store *s, int64_t first, int64_t n_cases,
                      const sweep_case_val *cases, const sweep_row_val *rows,
                      int n_rows_per_case, bool *same, char *what, size_t what_size)
{
    *same = false;
    snprintf(what, what_size, "?");
    sqlite3_stmt *qc = NULL;
    sqlite3_stmt *qr = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT burnout_speed_km_s, cue, delay_s, site_lat_deg, site_lon_deg,"
                           " threats_engageable FROM sweep_case WHERE case_index = ?",
                           -1, &qc, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->c.db,
                           "SELECT threat, site, engageable, reason, earliest_launch_allowed_s,"
                           " earliest_launch_s, earliest_intercept_s, latest_intercept_s,"
                           " intercept_altitude_km, closing_speed_km_s, margin_s FROM sweep_row"
                           " WHERE case_index = ? ORDER BY threat, site",
                           -1, &qr, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read a chunk");
        goto out;
    }
    for (int64_t i = 0; i < n_cases; i++) {
        const sweep_case_val *c = &cases[i];
        sqlite3_reset(qc);
        sqlite3_bind_int64(qc, 1, first + i);
        int rc = sqlite3_step(qc);
        if (rc == SQLITE_DONE) {
            snprintf(what, what_size, "case %" PRId64 " is missing", first + i);
            ok = true;
            goto out;
        }
        /* A failed read (out of memory, I/O) is an error, never a difference. cue and reason
         * are NOT NULL: NULL text is a failed conversion. */
        const char *cue = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(qc, 1) : NULL;
        if (!cue) {
            db_error(cmd, &s->c, "cannot read a chunk");
            goto out;
        }
        if (!same_num(qc, 0, c->burnout_speed_km_s) || strcmp(cue, c->cue) != 0 ||
            !same_num(qc, 2, c->delay_s) || !same_num(qc, 3, c->site_lat_deg) ||
            !same_num(qc, 4, c->site_lon_deg) ||
            sqlite3_column_int(qc, 5) != c->threats_engageable) {
            snprintf(what, what_size, "case %" PRId64 ": its values or its count of threats "
                     "engageable", first + i);
            ok = true;
            goto out;
        }
        sqlite3_reset(qr);
        sqlite3_bind_int64(qr, 1, first + i);
        for (int k = 0; k < n_rows_per_case; k++) {
            const sweep_row_val *r = &rows[i * n_rows_per_case + k];
            rc = sqlite3_step(qr);
            if (rc == SQLITE_DONE) {
                snprintf(what, what_size, "case %" PRId64 ": rows missing", first + i);
                ok = true;
                goto out;
            }
            const char *reason =
                rc == SQLITE_ROW ? (const char *)sqlite3_column_text(qr, 3) : NULL;
            if (!reason) {
                db_error(cmd, &s->c, "cannot read a chunk");
                goto out;
            }
            bool eq = sqlite3_column_int(qr, 0) == r->threat &&
                      sqlite3_column_int(qr, 1) == r->site &&
                      (sqlite3_column_int(qr, 2) != 0) == r->engageable &&
                      strcmp(reason, r->reason) == 0 &&
                      same_num(qr, 4, r->earliest_launch_allowed_s) &&
                      same_num(qr, 5, r->earliest_launch_s) &&
                      same_num(qr, 6, r->earliest_intercept_s) &&
                      same_num(qr, 7, r->latest_intercept_s) &&
                      same_num(qr, 8, r->intercept_altitude_km) &&
                      same_num(qr, 9, r->closing_speed_km_s) && same_num(qr, 10, r->margin_s);
            if (!eq) {
                snprintf(what, what_size, "case %" PRId64 ", threat %d, site %d", first + i,
                         r->threat, r->site);
                ok = true;
                goto out;
            }
        }
    }
    *same = true;
    ok = true;
out:
    sqlite3_finalize(qc);
    sqlite3_finalize(qr);
    return ok;
}

void sweep_store_close(sweep_store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->q_case);
    sqlite3_finalize(s->q_row);
    sqlite3_finalize(s->q_chunk);
    sqlite3_finalize(s->q_has);
    db_close(&s->c); /* at rest, one self-contained file (docs/store.md, "Durability") */
    free(s);
}

/* ---- export ---- */

bool sweep_store_is_sweep(const char *cmd, const char *path, bool *yes)
{
    *yes = false;
    db_conn c = {.db = NULL, .opt = ""};
    snprintf(c.path, sizeof c.path, "%s", path);
    int has = -1;
    if (sqlite3_open_v2(path, &c.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(c.db, 10000);
        has = db_has_table(&c, "sweep");
    }
    bool ok = true;
    if (has < 0 && (!c.db || (sqlite3_errcode(c.db) & 0xff) == SQLITE_NOMEM)) {
        db_error(cmd, &c, "cannot read the tables");
        ok = false;
    }
    *yes = has == 1;
    db_close(&c);
    return ok;
}

static void text_col(sqlite3_stmt *q, int i, char *out, size_t n)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    snprintf(out, n, "%s", t ? t : "");
}

/* The cue names as static strings (the rows point at them). */
static const char *cue_static(const char *name)
{
    static const char *const names[] = {"ideal", "early-warning", "forward-radar", "site-radar"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return names[i];
    return "?";
}

bool sweep_store_export(const char *cmd, const char *path, bool json, FILE *f)
{
    sweep_store *s = NULL;
    if (access(path, F_OK) != 0) {
        cli_error(cmd, "%s: no such file", path);
        return false;
    }
    if (!sweep_connect(cmd, path, false, "", &s))
        return false;
    sweep_study st;
    memset(&st, 0, sizeof st);
    sweep_threat_info *threats = NULL;
    sweep_site_info *sites = NULL;
    sweep_row_val *rows = NULL;
    char (*reasons)[160] = NULL;
    sqlite3_stmt *q = NULL;
    bool ok = false;
    if (!db_exec(cmd, &s->c, "BEGIN", "cannot begin a transaction"))
        goto out;
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT format, scenario_path, scenario_sha256, sweep_sha256, axes,"
                           " cases, chunk_cases, threats, sites, bmdsim_version FROM sweep"
                           " WHERE id = 1",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        db_error(cmd, &s->c, "not a bmdsim sweep");
        goto out;
    }
    if (sqlite3_column_int(q, 0) != SWEEP_STORE_FORMAT) {
        cli_error(cmd, "%s: sweep store format %d, expected %d", path, sqlite3_column_int(q, 0),
                  SWEEP_STORE_FORMAT);
        goto out;
    }
    text_col(q, 1, st.scenario_path, sizeof st.scenario_path);
    text_col(q, 2, st.scenario_sha256, sizeof st.scenario_sha256);
    text_col(q, 3, st.sweep_sha256, sizeof st.sweep_sha256);
    text_col(q, 4, st.axes, sizeof st.axes);
    st.cases = sqlite3_column_int64(q, 5);
    st.chunk = (long)sqlite3_column_int64(q, 6);
    st.n_threats = sqlite3_column_int(q, 7);
    st.n_sites = sqlite3_column_int(q, 8);
    text_col(q, 9, st.version, sizeof st.version);
    sqlite3_finalize(q);
    q = NULL;
    if (st.n_threats < 1 || st.n_sites < 1 || st.n_threats > 100000 || st.n_sites > 1000) {
        cli_error(cmd, "%s: the sweep has %d threats and %d sites (the store was edited?)", path,
                  st.n_threats, st.n_sites);
        goto out;
    }
    int per_case = st.n_threats * st.n_sites;
    threats = calloc((size_t)st.n_threats, sizeof *threats);
    sites = calloc((size_t)st.n_sites, sizeof *sites);
    rows = calloc((size_t)per_case, sizeof *rows);
    reasons = calloc((size_t)per_case, sizeof *reasons);
    if (!threats || !sites || !rows || !reasons) {
        cli_error(cmd, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(s->c.db, "SELECT * FROM sweep_threat ORDER BY threat", -1, &q, NULL) !=
        SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the threats");
        goto out;
    }
    for (int t = 0; t < st.n_threats; t++) {
        if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != t) {
            cli_error(cmd, "%s: sweep_threat: expected threats 0 to %d", path, st.n_threats - 1);
            goto out;
        }
        sweep_threat_info *ti = &threats[t];
        text_col(q, 1, ti->missile, sizeof ti->missile);
        text_col(q, 2, ti->from, sizeof ti->from);
        text_col(q, 3, ti->to, sizeof ti->to);
        ti->launch_lat_deg = db_col_real(q, 4);
        ti->launch_lon_deg = db_col_real(q, 5);
        ti->target_lat_deg = db_col_real(q, 6);
        ti->target_lon_deg = db_col_real(q, 7);
        ti->flight_time_s = db_col_real(q, 8);
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->c.db, "SELECT * FROM sweep_site ORDER BY site", -1, &q, NULL) !=
        SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the sites");
        goto out;
    }
    for (int k = 0; k < st.n_sites; k++) {
        if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != k) {
            cli_error(cmd, "%s: sweep_site: expected sites 0 to %d", path, st.n_sites - 1);
            goto out;
        }
        sweep_site_info *si = &sites[k];
        text_col(q, 1, si->name, sizeof si->name);
        text_col(q, 2, si->interceptor, sizeof si->interceptor);
        si->lat_deg = db_col_real(q, 3);
        si->lon_deg = db_col_real(q, 4);
    }
    sqlite3_finalize(q);
    q = NULL;
    if (json)
        sweep_json_open(f, &st, threats, sites);
    else
        sweep_csv_header(f);
    if (sqlite3_prepare_v2(s->c.db,
                           "SELECT c.case_index, c.burnout_speed_km_s, c.cue, c.delay_s,"
                           " c.site_lat_deg, c.site_lon_deg, c.threats_engageable, r.threat,"
                           " r.site, r.engageable, r.reason, r.earliest_launch_allowed_s,"
                           " r.earliest_launch_s, r.earliest_intercept_s, r.latest_intercept_s,"
                           " r.intercept_altitude_km, r.closing_speed_km_s, r.margin_s"
                           " FROM sweep_row r JOIN sweep_case c USING (case_index)"
                           " ORDER BY r.case_index, r.threat, r.site",
                           -1, &q, NULL) != SQLITE_OK) {
        db_error(cmd, &s->c, "cannot read the rows");
        goto out;
    }
    int64_t written = 0;
    sweep_case_val c;
    memset(&c, 0, sizeof c);
    char cue[32] = "";
    int n = 0;
    int rc;
    for (;;) {
        rc = sqlite3_step(q);
        int64_t idx = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
        if (n > 0 && (rc != SQLITE_ROW || idx != c.index)) {
            /* The case is complete: every (threat, site) in order. */
            if (n != per_case) {
                cli_error(cmd, "%s: case %" PRId64 " has %d rows, expected %d (the store was "
                          "edited?)", path, c.index, n, per_case);
                goto out;
            }
            if (json)
                sweep_json_case(f, written == 0, &c, rows, n);
            else
                sweep_csv_case(f, &c, rows, n, threats, sites);
            written++;
            n = 0;
        }
        if (rc != SQLITE_ROW)
            break;
        if (n == 0) {
            c.index = idx;
            c.burnout_speed_km_s = db_col_real(q, 1);
            text_col(q, 2, cue, sizeof cue);
            c.cue = cue_static(cue);
            c.delay_s = db_col_real(q, 3);
            c.site_lat_deg = db_col_real(q, 4);
            c.site_lon_deg = db_col_real(q, 5);
            c.threats_engageable = sqlite3_column_int(q, 6);
        }
        if (n >= per_case) {
            cli_error(cmd, "%s: case %" PRId64 " has more than %d rows", path, idx, per_case);
            goto out;
        }
        sweep_row_val *r = &rows[n];
        r->threat = sqlite3_column_int(q, 7);
        r->site = sqlite3_column_int(q, 8);
        if (r->threat != n / st.n_sites || r->site != n % st.n_sites) {
            cli_error(cmd, "%s: case %" PRId64 ": rows out of order (the store was edited?)",
                      path, idx);
            goto out;
        }
        r->engageable = sqlite3_column_int(q, 9) != 0;
        text_col(q, 10, reasons[n], sizeof reasons[n]);
        r->reason = reasons[n];
        r->earliest_launch_allowed_s = db_col_real(q, 11);
        r->earliest_launch_s = db_col_real(q, 12);
        r->earliest_intercept_s = db_col_real(q, 13);
        r->latest_intercept_s = db_col_real(q, 14);
        r->intercept_altitude_km = db_col_real(q, 15);
        r->closing_speed_km_s = db_col_real(q, 16);
        r->margin_s = db_col_real(q, 17);
        n++;
    }
    if (rc != SQLITE_DONE) {
        db_error(cmd, &s->c, "cannot read the rows");
        goto out;
    }
    if (json)
        sweep_json_close(f, written);
    ok = !ferror(f);
    if (!ok)
        cli_error(cmd, "cannot write the export: %s", strerror(errno));
out:
    sqlite3_finalize(q);
    sqlite3_exec(s->c.db, "COMMIT", NULL, NULL, NULL);
    sweep_store_close(s);
    free(threats);
    free(sites);
    free(rows);
    free(reasons);
    return ok;
}
