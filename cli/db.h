/* SPDX-License-Identifier: MIT */
/* db.h: what bmdsim's two SQLite results stores share (docs/store.md): the engage store
 * (store.c) and the sweep store (sweep_store.c). A connection with its durability settings, the
 * error text naming the file, the write-ahead log switched on at the first write, the
 * exclusive creation of a new store and the check that a store to resume exists, and the
 * mapping between NaN and NULL. Command-line code: errors are printed through cli_error. */
#ifndef BMD_CLI_DB_H
#define BMD_CLI_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* One connection to a store. */
typedef struct db_conn {
    sqlite3 *db;
    char path[1024];
    const char *opt; /* prefix of error messages: "--db: " for a run, "" for export */
    bool writer;     /* opened read-write */
    bool wal;        /* switched to the write-ahead log (db_wal) */
} db_conn;

/* Open the database at path, read-write (writer) or read-only, into *c. Read-write
 * connections get synchronous=FULL (every commit on disk) and foreign keys; nothing is written
 * to the file until the first write. On failure prints the error and leaves *c closed. */
bool db_open(const char *cmd, const char *path, bool writer, const char *opt, db_conn *c);

/* A store's struct of `size` bytes, zeroed, whose first member is its db_conn, opened with
 * db_open: the struct, or NULL (said). */
void *db_open_new(const char *cmd, const char *path, bool writer, const char *opt, size_t size);

/* Back to the rollback journal when this connection switched to the write-ahead log (so that a
 * store at rest is one self-contained file; skipped, harmlessly, while another connection reads
 * it), then close. Safe on a closed or never-opened connection. */
void db_close(db_conn *c);

/* Print "OPT PATH: WHAT: SQLite's message". */
void db_error(const char *cmd, const db_conn *c, const char *what);

/* Run SQL with no result rows; on failure print "OPT PATH: WHAT: message". */
bool db_exec(const char *cmd, const db_conn *c, const char *sql, const char *what);

/* Switch to the write-ahead log before this connection's first write (it writes the database
 * header: a refused --resume, which writes nothing, leaves the file as it was). */
bool db_wal(const char *cmd, db_conn *c);

/* Create path exclusively for a new store: an existing file, even an empty one, is refused
 * with "exists: add --resume to continue its NOUN", never reused. */
bool db_create_file(const char *cmd, const char *path, const char *noun);

/* Whether the store to resume exists; if not, prints "no such file to resume". */
bool db_resume_exists(const char *cmd, const char *path);

/* The number of tables in the database (0: created, then killed before its first commit);
 * -1 with an error printed when it is not a readable SQLite database. */
int db_table_count(const char *cmd, const db_conn *c);

/* Whether the database has a table of that name: 1 or 0; -1 when it cannot be read (nothing
 * printed: sqlite3_errcode and db_error tell why). */
int db_has_table(const db_conn *c, const char *name);

/* NaN and the infinities are stored as NULL, and NULL read back as NaN. */
void db_bind_real(sqlite3_stmt *q, int i, double v);
double db_col_real(sqlite3_stmt *q, int i);

#endif
