/* SPDX-License-Identifier: MIT */
/* sweep_store.h: the rows of bmdsim sweep (docs/sweep.md): their CSV and JSON text, shared by
 * the streamed output and bmdsim store export so that both give the same bytes; and the sweep's
 * results store in SQLite, one transaction per chunk of cases. Command-line code: errors are
 * printed through cli_error naming the file and what was expected. */
#ifndef BMD_CLI_SWEEP_STORE_H
#define BMD_CLI_SWEEP_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The store's format: sweep.format. */
#define SWEEP_STORE_FORMAT 1

/* What a sweep is. sweep_sha256 identifies it: the scenario's bytes, the axes, the threats,
 * the sites, the seed and the chunk size (axes_text says them in words). */
typedef struct sweep_study {
    char scenario_path[1024];
    char scenario_sha256[65];
    char sweep_sha256[65];
    char axes[2048];           /* the axes and selections, canonical text */
    int64_t cases;
    long chunk;                /* cases per chunk (the last may be shorter) */
    int n_threats, n_sites;
    char version[32];
} sweep_study;

/* A threat and a site of the sweep, as the rows name them. */
typedef struct sweep_threat_info {
    char missile[64];
    char from[64], to[64];     /* place names, or "LAT,LON" */
    double launch_lat_deg, launch_lon_deg, target_lat_deg, target_lon_deg;
    double flight_time_s;      /* NaN: not flown (out of reach) */
} sweep_threat_info;

typedef struct sweep_site_info {
    char name[64];
    char interceptor[64];
    double lat_deg, lon_deg;   /* its own place (the case's when the sweep moves it) */
} sweep_site_info;

/* One case: its axis values. */
typedef struct sweep_case_val {
    int64_t index;
    double burnout_speed_km_s; /* NaN: each site's own interceptor */
    const char *cue;
    double delay_s;
    double site_lat_deg, site_lon_deg; /* NaN: the sites' own places */
    int threats_engageable;    /* threats at least one site can engage */
} sweep_case_val;

/* One (threat, site) result of a case. */
typedef struct sweep_row_val {
    int threat, site;
    bool engageable;
    const char *reason;
    double earliest_launch_allowed_s; /* NaN: never (no track) */
    double earliest_launch_s, earliest_intercept_s, latest_intercept_s;
    double intercept_altitude_km, closing_speed_km_s, margin_s;
} sweep_row_val;

/* The text of the rows. CSV: a header, then one line per (case, threat, site). JSON: an object
 * {"sweep": {...}, "cases": [{case..., "rows": [...]}, ...]}: open, one case at a time, close. */
void sweep_csv_header(FILE *f);
void sweep_csv_case(FILE *f, const sweep_case_val *c, const sweep_row_val *rows, int n_rows,
                    const sweep_threat_info *threats, const sweep_site_info *sites);
void sweep_json_open(FILE *f, const sweep_study *st, const sweep_threat_info *threats,
                     const sweep_site_info *sites);
void sweep_json_case(FILE *f, bool first, const sweep_case_val *c, const sweep_row_val *rows,
                     int n_rows);
void sweep_json_close(FILE *f, int64_t cases_written);

/* An open sweep store (opaque). */
typedef struct sweep_store sweep_store;

/* Create a new store at path (refused when path exists) with the study, its threats and sites. */
bool sweep_store_create(const char *cmd, const char *path, const sweep_study *st,
                        const sweep_threat_info *threats, const sweep_site_info *sites,
                        sweep_store **out);
/* Open the store at path for --resume: refused when it holds another sweep (the difference
 * named); an empty file (killed before its first commit) is begun as st. */
bool sweep_store_open(const char *cmd, const char *path, const sweep_study *st,
                      const sweep_threat_info *threats, const sweep_site_info *sites,
                      sweep_store **out);
/* Whether the chunk beginning at case first is committed (its size checked). */
bool sweep_store_has_chunk(const char *cmd, sweep_store *s, int64_t first, int64_t n,
                           bool *has);
/* Commit the cases first .. first+n_cases-1 and their rows (n_rows_per_case each) in one
 * transaction. */
bool sweep_store_append(const char *cmd, sweep_store *s, int64_t first, int64_t n_cases,
                        const sweep_case_val *cases, const sweep_row_val *rows,
                        int n_rows_per_case);
/* The last committed chunk: its first case and size (*first = -1: none). */
bool sweep_store_last_chunk(const char *cmd, sweep_store *s, int64_t *first, int64_t *n);
/* Whether the stored cases first .. first+n_cases-1 and their rows are exactly these values
 * (every number to the bit); *what names the first difference. */
bool sweep_store_same(const char *cmd, sweep_store *s, int64_t first, int64_t n_cases,
                      const sweep_case_val *cases, const sweep_row_val *rows,
                      int n_rows_per_case, bool *same, char *what, size_t what_size);
void sweep_store_close(sweep_store *s);

/* Whether the SQLite database at path holds a sweep (its table sweep): *yes. Anything that
 * cannot be read is not a sweep (*yes false; the engage store's export then reports it), except
 * for lack of memory: then false, with the error printed. */
bool sweep_store_is_sweep(const char *cmd, const char *path, bool *yes);
/* Stream the committed cases of the sweep at path as CSV or JSON into f, in case order, in one
 * read transaction. */
bool sweep_store_export(const char *cmd, const char *path, bool json, FILE *f);

#endif
