/* SPDX-License-Identifier: MIT */
/* store.h: the results store of bmdsim engage --db (docs/store.md): a Monte Carlo study in an
 * SQLite database, one row per finished chunk of runs, each chunk committed in its own
 * transaction, so that a run killed at any moment resumes from the committed chunks. Command-line
 * code: errors are printed through cli_error naming the file and what was expected. */
#ifndef BMD_CLI_STORE_H
#define BMD_CLI_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "bmd/engage.h"

/* What a study is: what identifies it (the scenario's bytes, the seed, the runs, the chunk and
 * the stopping rule) and what describes it. */
typedef struct store_study {
    char scenario_path[1024];
    char scenario_sha256[65];  /* hex SHA-256 of the scenario file's bytes */
    char inputs_sha256[65];    /* of its other input files (report_inputs_sha256); "" in a store
                                  of format 1, which did not record it */
    uint64_t seed;
    long runs;                 /* requested: the maximum under a stopping rule */
    long chunk;                /* runs per chunk (the last may be shorter) */
    double ci_width;           /* stopping rule: 95% Wilson interval width; 0: none */
    int n_threats;
    char version[32];          /* bmdsim version that began the study */
} store_study;

/* An open store (opaque). */
typedef struct store store;

/* The SHA-256 of a file's bytes as 64 lowercase hex digits. Prints the error (naming the file). */
bool store_sha256_file(const char *cmd, const char *path, char hex[65]);

/* The SHA-256 of a text's bytes (without its terminating zero) as 64 lowercase hex digits. */
void store_sha256_text(const char *text, char hex[65]);

/* Begin a new study in a new database at path. Refused (an error naming the file) when path
 * exists: a store is never appended to or overwritten without --resume. */
bool store_create(const char *cmd, const char *path, const store_study *study, store **out);

/* Open an existing store for --resume and read its study into *stored. A database that holds no
 * table yet (killed before its first commit) is begun with *init, and *stored = *init. */
bool store_open(const char *cmd, const char *path, const store_study *init, store **out,
                store_study *stored);

/* The committed totals (sums over the chunks), after checking that the chunks are the runs
 * 0 .. totals->runs-1 in order, each of the study's chunk size (the last one of a finished study
 * may be shorter). totals->threat_leaks is allocated ([study n_threats]); bmd_raid_mc_free.
 * *n_chunks: their number; *last_first: the first run of the last chunk (-1: none). */
bool store_totals(const char *cmd, store *s, bmd_raid_mc *totals, long *n_chunks,
                  long *last_first);

/* The counts stored for the chunk beginning at run first (found false when there is none). */
bool store_chunk(const char *cmd, store *s, long first, bmd_raid_mc *out, bool *found);

/* Commit one finished chunk (runs first .. first+part->runs-1) in one transaction. */
bool store_append(const char *cmd, store *s, long first, const bmd_raid_mc *part);

void store_close(store *s);

/* Write the stored chunks of the database at path as CSV (one row a chunk) or JSON (the study,
 * the chunks and the totals) into a new string (free()). Read in one transaction, so a study
 * being written meanwhile is exported as of a commit. */
bool store_export(const char *cmd, const char *path, bool json, char **text);

#endif
