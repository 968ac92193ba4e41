/// @file replay.h
/// The replay of a raid in 3D and in time, for a globe: CZML (CesiumJS's time-dynamic JSON) and
/// KML 2.2 with Google's gx:Track extension (Google Earth). The inputs are generic: objects (a
/// threat, an interceptor, a sensor, a site, an intercept point, a defended asset), each either
/// fixed at a geodetic position or moving along a time-tagged track, with times in seconds from a
/// scenario epoch (ISO 8601 UTC). Angles are radians here; the files carry degrees. Heights are
/// above the WGS-84 ellipsoid. Both writers are deterministic (the same input gives the same
/// bytes) and never write NaN. Documented in docs/replay.md.
#ifndef BMD_REPLAY_H
#define BMD_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "bmd/flight.h"
#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The notional scenario epoch used when none is given.
#define BMD_REPLAY_DEFAULT_EPOCH "2011-12-01T00:00:00Z"

/// What an object is: chooses its default colour, its size and its KML style.
typedef enum bmd_replay_kind {
    BMD_REPLAY_THREAT = 0,       ///< a threat missile (track)
    BMD_REPLAY_INTERCEPTOR = 1,  ///< an interceptor (track)
    BMD_REPLAY_SENSOR = 2,       ///< a radar or other sensor (usually fixed)
    BMD_REPLAY_SITE = 3,         ///< an interceptor site (usually fixed)
    BMD_REPLAY_INTERCEPT = 4,    ///< an intercept point (fixed, shown from its time)
    BMD_REPLAY_ASSET = 5,        ///< a defended asset (fixed)
    BMD_REPLAY_KIND_COUNT = 6    ///< number of kinds; never a kind
} bmd_replay_kind;

/// A short lower-case name of the kind ("threat", "interceptor", "sensor", "site", "intercept",
/// "asset"), or "object" for a value outside the enum.
const char *bmd_replay_kind_str(bmd_replay_kind k);

/// A time-tagged track: n points at times t_s (s from the scenario epoch, strictly increasing
/// over the finite points) with latitude, longitude (rad) and height (m, above the ellipsoid).
/// Points with a non-finite value are skipped by the writers; at least 2 must remain.
typedef struct bmd_replay_track {
    int n;
    double *t_s;
    double *lat_rad;
    double *lon_rad;
    double *h_m;
} bmd_replay_track;

/// One object of the replay. A zero-initialised object is a fixed threat at (0, 0, 0) with the
/// kind's colour: set at least the name, the kind and the position or the track. Texts are
/// UTF-8.
typedef struct bmd_replay_object {
    const char *id;          ///< unique id in the files (NULL: "<kind>-<index>", index from 1
                             ///< over all objects); "document" is reserved
    const char *name;        ///< shown as the label (NULL: the id)
    const char *description; ///< free text shown on selection (NULL: none); plain text, escaped
    bmd_replay_kind kind;
    unsigned char rgba[4];   ///< colour, red green blue alpha 0-255; all zero: the kind's colour
    const bmd_replay_track *track; ///< NULL: a fixed object at lat/lon/h
    double lat_rad, lon_rad, h_m;  ///< fixed position (when track is NULL)
    bool has_time;           ///< fixed objects: shown only from time_s (an intercept point)
    double time_s;           ///< s from the epoch
} bmd_replay_object;

/// A whole replay.
typedef struct bmd_replay {
    const char *name;        ///< document name (NULL: "bmdsim replay")
    const char *epoch;       ///< ISO 8601 UTC "YYYY-MM-DDThh:mm:ss[.fff]Z" (NULL: the default)
    double t_start_s;        ///< the time span shown (s from the epoch); when t_stop_s <=
    double t_stop_s;         ///< t_start_s, the span of the objects' times (or 0 to 60 s)
    double multiplier;       ///< clock speed, simulated s per real s (<= 0: span / 120, >= 1)
    int n_objects;
    const bmd_replay_object *objects;
} bmd_replay;

/// Write the replay as CZML 1.0: a JSON array, the "document" packet (name, version, clock)
/// first, then one packet per object in order (id, name, description, availability, position,
/// point, label, and path for tracks), one packet a line. BMD_ERR_ARG for a bad epoch, a track
/// with fewer than 2 finite points or times not increasing, a non-finite fixed position or time,
/// a duplicate or reserved id, text that is not UTF-8, or a kind outside the enum (nothing is
/// written then); BMD_ERR_IO
/// when a write fails.
bmd_status bmd_replay_write_czml(const bmd_replay *r, FILE *fp);

/// Write the replay as KML 2.2 (namespaces http://www.opengis.net/kml/2.2 and, for gx:Track,
/// http://www.google.com/kml/ext/2.2): a Document with one Style per kind, then one Folder per
/// object holding a Placemark: a gx:Track (when, gx:coord; altitudeMode absolute) for a track,
/// a Point for a fixed object (with a TimeSpan from its time when has_time). Every text is XML
/// escaped. Same errors as bmd_replay_write_czml.
bmd_status bmd_replay_write_kml(const bmd_replay *r, FILE *fp);

/// Write either file or both to paths (NULL: skip that one). Each is written to PATH.tmp and
/// renamed to PATH once both are complete, so a failure leaves no partial file. BMD_ERR_IO when a
/// file cannot be created, written or renamed; BMD_ERR_NOMEM; else as the writers.
bmd_status bmd_replay_save(const bmd_replay *r, const char *czml_path, const char *kml_path);

/// Sample a flown trajectory (with its path kept) into a track owned by out: the times
/// t_start_s, t_start_s + dt, ... up to the end t_end_s, which is always the last point (a
/// regular sample closer than 10 ms to the end is dropped); each time stored as time + t_offset_s
/// (the launch time in the scenario). BMD_ERR_ARG for dt below 10 ms or non-finite numbers;
/// BMD_ERR_RANGE for a trajectory without a stored path; BMD_ERR_NOMEM. On error out is empty.
bmd_status bmd_replay_sample_traj(const bmd_trajectory *tr, double dt_s, double t_offset_s,
                                  bmd_replay_track *out);

/// As bmd_replay_sample_traj over the part [t0_s, t1_s] of the trajectory (its own times,
/// clipped to its span; e.g. a threat up to the intercept). BMD_ERR_ARG also when the clipped
/// span is empty or shorter than 10 ms.
bmd_status bmd_replay_sample_traj_span(const bmd_trajectory *tr, double t0_s, double t1_s,
                                       double dt_s, double t_offset_s, bmd_replay_track *out);

/// Allocate a track of n points (every value zero). BMD_ERR_ARG for n < 0, BMD_ERR_NOMEM.
bmd_status bmd_replay_track_alloc(int n, bmd_replay_track *out);

/// Free a track's arrays (from the sampler or bmd_replay_track_alloc) and zero it.
void bmd_replay_track_free(bmd_replay_track *t);

/// Format the epoch plus t_s seconds as ISO 8601 UTC into buf ("YYYY-MM-DDThh:mm:ssZ", with
/// ".fff" when the time has milliseconds; time rounded to 1 ms; no leap seconds). BMD_ERR_ARG
/// for a bad epoch or a non-finite time or a date outside years 1-9999 (buf is then "").
bmd_status bmd_replay_time_iso(const char *epoch, double t_s, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
