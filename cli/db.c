/* SPDX-License-Identifier: MIT */
/* db.c: what bmdsim's SQLite results stores share (db.h, docs/store.md). */
#define _POSIX_C_SOURCE 200809L
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char NOT_SQLITE[] = "not an SQLite database (or unreadable)";

void db_error(const char *cmd, const db_conn *c, const char *what)
{
    cli_error(cmd, "%s%s: %s: %s", c->opt, c->path, what,
              c->db ? sqlite3_errmsg(c->db) : "out of memory");
}

bool db_exec(const char *cmd, const db_conn *c, const char *sql, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cli_error(cmd, "%s%s: %s: %s", c->opt, c->path, what, msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

bool db_open(const char *cmd, const char *path, bool writer, const char *opt, db_conn *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    c->opt = opt;
    c->writer = writer;
    if (sqlite3_open_v2(path, &c->db, writer ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                        NULL) != SQLITE_OK) {
        db_error(cmd, c, "cannot open");
        db_close(c);
        return false;
    }
    sqlite3_busy_timeout(c->db, 10000);
    sqlite3_extended_result_codes(c->db, 1);
    if (writer && (!db_exec(cmd, c, "PRAGMA synchronous=FULL", NOT_SQLITE) ||
                   !db_exec(cmd, c, "PRAGMA foreign_keys=ON", NOT_SQLITE))) {
        db_close(c);
        return false;
    }
    return true;
}

void *db_open_new(const char *cmd, const char *path, bool writer, const char *opt, size_t size)
{
    db_conn *c = calloc(1, size);
    if (!c) {
        cli_error(cmd, "out of memory");
        return NULL;
    }
    if (!db_open(cmd, path, writer, opt, c)) {
        free(c);
        return NULL;
    }
    return c;
}

void db_close(db_conn *c)
{
    if (c->writer && c->wal && c->db) {
        sqlite3_busy_timeout(c->db, 0);
        sqlite3_exec(c->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    }
    sqlite3_close(c->db); /* a no-op on NULL */
    c->db = NULL;
    c->wal = false;
}

bool db_wal(const char *cmd, db_conn *c)
{
    if (c->wal)
        return true;
    if (!db_exec(cmd, c, "PRAGMA journal_mode=WAL", NOT_SQLITE))
        return false;
    c->wal = true;
    return true;
}

bool db_create_file(const char *cmd, const char *path, const char *noun)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            cli_error(cmd, "--db: %s exists: add --resume to continue its %s, or name a new "
                      "file (a store is never appended to or overwritten)", path, noun);
        else
            cli_error(cmd, "--db: %s: cannot create: %s", path, strerror(errno));
        return false;
    }
    close(fd);
    return true;
}

bool db_resume_exists(const char *cmd, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        cli_error(cmd, "--db: %s: no such file to resume (without --resume, --db creates it)",
                  path);
        return false;
    }
    return true;
}

int db_table_count(const char *cmd, const db_conn *c)
{
    sqlite3_stmt *q = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
                           &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (n < 0)
        db_error(cmd, c, NOT_SQLITE);
    return n;
}

int db_has_table(const db_conn *c, const char *name)
{
    sqlite3_stmt *q = NULL;
    int yes = -1;
    if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           " AND name = ?", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        yes = sqlite3_column_int(q, 0) == 1;
    /* The error stays readable after finalize (sqlite3_errcode, sqlite3_errmsg). */
    sqlite3_finalize(q);
    return yes;
}

void db_bind_real(sqlite3_stmt *q, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(q, i, v);
    else
        sqlite3_bind_null(q, i);
}

double db_col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? (double)NAN : sqlite3_column_double(q, i);
}
