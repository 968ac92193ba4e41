/* SPDX-License-Identifier: MIT */
/* surveillance.c: radars and early warning against one threat: visibility windows, search,
 * confirmation and track dwells with drawn detections, cueing, and the track filter run across
 * all radars (hand-over with track continuity). See surveillance.h for the dwell model. */
#include "bmd/surveillance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/constants.h"

bmd_surv_opts bmd_surv_default_opts(void)
{
    bmd_surv_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.confirm_m = 3;
    o.confirm_n = 5;
    o.scan_step_s = 2.0;
    o.ew = NULL;
    o.radar_cueing = true;
    o.cue_delay_s = 2.0;
    return o;
}

bmd_track_run_opts bmd_track_run_default_opts(void)
{
    bmd_track_run_opts o;
    memset(&o, 0, sizeof o);
    o.filter = bmd_track_default_opts();
    o.q_boost_m_s2 = 30.0;
    o.impact_every_s = 0.0;
    o.reinit_after = 3;
    o.impact_until_s = HUGE_VAL;
    return o;
}

#define MAX_WINDOWS 8

/* Visibility windows of one radar. */
typedef struct windows {
    int n;
    double t0[MAX_WINDOWS];
    double t1[MAX_WINDOWS];
} windows;

/* The threat at time t, as the radar sees it. */
typedef struct sight {
    bmd_look look;
    double aspect_rad; /* angle between the threat's Earth-relative velocity and the line to the radar */
    bmd_vec3 r_ecef;
} sight;

/* A radar with its precomputed site geometry. */
typedef struct placed {
    const bmd_radar *r;
    bmd_radar_frame f;
} placed;

static bool target_at(const bmd_trajectory *tr, double t, bmd_vec3 *r_ecef, bmd_vec3 *v_ecef)
{
    bmd_vec3 r;
    bmd_vec3 v;
    if (bmd_traj_state(tr, t, &r, v_ecef ? &v : NULL) != BMD_OK)
        return false;
    *r_ecef = bmd_eci_to_ecef(&tr->earth, t, r);
    if (v_ecef)
        *v_ecef = bmd_eci_to_ecef_velocity(&tr->earth, t, r, v);
    return true;
}

/* Geometry for a dwell (range, angles, aspect): the fast look's range and angles are exact. */
static bool sight_at(const bmd_trajectory *tr, const placed *p, double t, sight *s)
{
    bmd_vec3 v_ecef;
    if (!target_at(tr, t, &s->r_ecef, &v_ecef))
        return false;
    bmd_radar_look_fast(p->r, &p->f, &tr->earth, s->r_ecef, &s->look);
    bmd_vec3 to_radar = bmd_v3_unit(bmd_v3_sub(p->f.site, s->r_ecef));
    double c = bmd_v3_dot(bmd_v3_unit(v_ecef), to_radar);
    s->aspect_rad = acos(fmax(-1.0, fmin(1.0, c)));
    return true;
}

/* Visibility: exact (edges) or fast (scanning). */
static bool visible_at(const bmd_trajectory *tr, const placed *p, double t, bool exact)
{
    bmd_vec3 r;
    if (!target_at(tr, t, &r, NULL))
        return false;
    bmd_look lk;
    if (exact)
        bmd_radar_look(p->r, &tr->earth, r, &lk);
    else
        bmd_radar_look_fast(p->r, &p->f, &tr->earth, r, &lk);
    return lk.visible;
}

/* Edge between a visible and an invisible time (exact model), to 1 ms. */
static double refine(const bmd_trajectory *tr, const placed *p, double ta, double tb, bool va)
{
    while (tb - ta > 1e-3) {
        double tm = 0.5 * (ta + tb);
        if (visible_at(tr, p, tm, true) == va)
            ta = tm;
        else
            tb = tm;
    }
    return va ? ta : tb;
}

/* How long the fast look's visibility cannot change from time t, with a safety factor: each
 * constraint's margin (range, elevation over the effective Earth, azimuth sector) divided by a
 * bound on its rate from the target's speed. Visible: the nearest constraint decides; not
 * visible: the farthest violated one (all must be met). At most max_skip. */
static double safe_skip(const bmd_trajectory *tr, const placed *p, double t, bool *vis,
                        double max_skip)
{
    bmd_vec3 r;
    bmd_vec3 v;
    if (!target_at(tr, t, &r, &v)) {
        *vis = false;
        return 0.0;
    }
    const bmd_radar *rad = p->r;
    double speed = 1.2 * bmd_v3_norm(v) + 500.0;
    if (rad->el_min_rad >= 0.0) {
        /* Far out of range: that margin alone gives the skip, without the look's angles. The
         * skip is at least what it gives (the skip of an invisible target is the largest over
         * the violated margins), and when it reaches max_skip it is the same. */
        double range = bmd_v3_norm(bmd_v3_sub(r, p->f.site));
        double over = range - rad->range_max_m;
        if (over > 0.0 && 0.5 * over / speed >= max_skip) {
            *vis = false;
            return max_skip;
        }
    }
    bmd_look lk;
    bmd_radar_look_fast(p->r, &p->f, &tr->earth, r, &lk);
    *vis = lk.visible;
    if (rad->el_min_rad < 0.0)
        return 0.0; /* below-horizon fences: the line of sight decides, scan at the fixed step */
    double rp = rad->k_refraction * tr->earth.a_m;
    double m[3];
    double rate[3];
    int nm = 0;
    m[nm] = rad->range_max_m - lk.range_m;
    rate[nm++] = speed;
    double el_lo = lk.el_eff_rad - rad->el_min_rad;
    double el_hi = rad->el_max_rad - lk.el_eff_rad;
    m[nm] = fmin(el_lo, el_hi);
    rate[nm++] = speed * (1.0 / fmax(lk.range_m, 1.0) + 1.0 / rp);
    if (rad->az_half_width_rad < BMD_PI) {
        double d = fabs(fmod(lk.az_rad - rad->boresight_az_rad + 3.0 * BMD_PI, 2.0 * BMD_PI) - BMD_PI);
        double horiz = lk.range_m * cos(lk.el_rad);
        m[nm] = rad->az_half_width_rad - d;
        rate[nm++] = speed / fmax(horiz, 1.0);
    }
    double skip = *vis ? HUGE_VAL : 0.0;
    for (int k = 0; k < nm; k++) {
        double tk = 0.5 * fabs(m[k]) / rate[k];
        if (*vis)
            skip = fmin(skip, tk);
        else if (m[k] < 0.0)
            skip = fmax(skip, tk);
    }
    return fmin(skip, max_skip);
}

/* The exact model's change of state near tc, where the fast model changed: the two models'
 * edges differ by a small angle, which near the horizon at long range can be several seconds of
 * flight. Walk back from tc (if the exact state has already changed there) or forward (if not
 * yet, at most 120 s), one step at a time, then bisect. False when the exact model does not
 * change nearby. */
static bool exact_edge(const bmd_trajectory *tr, const placed *p, double tc, bool before,
                       double step, double t_lo, double t_hi, double *edge)
{
    double ta;
    double tb;
    if (visible_at(tr, p, tc, true) != before) {
        tb = tc;
        ta = fmax(t_lo, tc - step);
        while (ta > t_lo && visible_at(tr, p, ta, true) != before) {
            tb = ta;
            ta = fmax(t_lo, ta - step);
        }
        if (visible_at(tr, p, ta, true) != before)
            return false;
    } else {
        ta = tc;
        tb = fmin(t_hi, tc + step);
        while (tb < t_hi && tb - tc < 120.0 && visible_at(tr, p, tb, true) == before) {
            ta = tb;
            tb = fmin(t_hi, tb + step);
        }
        if (visible_at(tr, p, tb, true) == before)
            return false;
    }
    *edge = refine(tr, p, ta, tb, before);
    return true;
}

/* Windows: scan with the fast look, skipping ahead as far as safe_skip allows but at least one
 * step; where the fast visibility changes, find the exact model's change nearby (exact_edge)
 * and locate it by bisection. */
static void find_windows(const bmd_trajectory *tr, const placed *p, double step, windows *w)
{
    w->n = 0;
    double t0 = tr->t_start_s;
    double t1 = tr->t_end_s;
    double t_bo = tr->sum.burnout_time_s;
    bool fast_prev;
    double skip = safe_skip(tr, p, t0, &fast_prev, t0 < t_bo ? 10.0 : 120.0);
    bool exact_state = visible_at(tr, p, t0, true);
    double open = exact_state ? t0 : (double)NAN;
    double t_done = t0; /* no exact edge is looked for before the last one found */
    double edge = t0;
    for (double t = t0 + fmax(step, skip);; t += fmax(step, skip)) {
        double tc = t < t1 ? t : t1;
        bool fast_now;
        /* Thrust changes the speed fast: short skips while boosting. */
        skip = safe_skip(tr, p, tc, &fast_now, tc < t_bo ? 10.0 : 120.0);
        if (fast_now != fast_prev && exact_edge(tr, p, tc, exact_state, step, t_done, t1, &edge)) {
            if (!exact_state) {
                open = edge;
            } else if (w->n < MAX_WINDOWS) {
                w->t0[w->n] = open;
                w->t1[w->n] = edge;
                w->n++;
            }
            exact_state = !exact_state;
            t_done = edge;
        }
        fast_prev = fast_now;
        if (tc >= t1)
            break;
    }
    if (exact_state && w->n < MAX_WINDOWS) {
        w->t0[w->n] = open;
        w->t1[w->n] = t1;
        w->n++;
    }
}

bmd_status bmd_visibility(const bmd_trajectory *threat, const bmd_radar *radar, double step_s,
                          int max, double *t0_s, double *t1_s, int *n)
{
    *n = 0;
    if (!threat || threat->n_seg == 0 || !(step_s > 0.0) || max < 1 ||
        bmd_radar_check(radar, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    placed p;
    p.r = radar;
    bmd_radar_frame_make(radar, &threat->earth, &p.f);
    windows w;
    find_windows(threat, &p, step_s, &w);
    for (int k = 0; k < w.n && k < max; k++) {
        t0_s[k] = w.t0[k];
        t1_s[k] = w.t1[k];
        (*n)++;
    }
    return BMD_OK;
}

/* A detection with its measurement. */
typedef struct det {
    double t;
    int radar;
    bool confirmed; /* made once the radar held a track (or completed its confirmation) */
    bmd_meas m;
} det;

typedef struct det_list {
    int n;
    int cap;
    det *d;
} det_list;

static int det_push(det_list *L, const det *x)
{
    if (L->n == L->cap) {
        int cap = L->cap ? 2 * L->cap : 256;
        det *nd = realloc(L->d, (size_t)cap * sizeof *nd);
        if (!nd)
            return 1;
        L->d = nd;
        L->cap = cap;
    }
    L->d[L->n++] = *x;
    return 0;
}

/* Everything one radar does against the threat, for a given cue time. */
typedef struct run {
    const bmd_trajectory *tr;
    const bmd_signature *sig;
    const bmd_surv_opts *o;
    double t_burnout;
} run;

/* Next dwell time on a grid of period T anchored at a, at or after t. */
static double next_on_grid(double a, double T, double t)
{
    if (t <= a)
        return a;
    return a + ceil((t - a) / T - 1e-12) * T;
}

static bool in_windows(const windows *w, double t, double *next_open)
{
    *next_open = HUGE_VAL;
    for (int k = 0; k < w->n; k++) {
        if (t >= w->t0[k] && t <= w->t1[k])
            return true;
        if (w->t0[k] > t && w->t0[k] < *next_open)
            *next_open = w->t0[k];
    }
    return false;
}

enum { S_SEARCH, S_CONFIRM, S_TRACK };

static int simulate(const run *R, int i, const placed *pl, const windows *w, double t_cue,
                    bmd_sensor_timeline *tl, det_list *dets)
{
    const bmd_radar *rad = pl->r;
    bmd_rng rng_det = {R->o->seed, bmd_rng_stream(BMD_RNG_DETECT, (uint32_t)i, 0)};
    bmd_rng rng_phase = {R->o->seed, bmd_rng_stream(BMD_RNG_DETECT, (uint32_t)i, 1)};
    bmd_rng rng_noise = {R->o->seed, bmd_rng_stream(BMD_RNG_MEASURE, (uint32_t)i, 0)};
    tl->first_visible_s = w->n ? w->t0[0] : (double)NAN;
    tl->last_visible_s = w->n ? w->t1[w->n - 1] : (double)NAN;
    tl->cued_s = isfinite(t_cue) ? t_cue : (double)NAN;
    tl->first_detection_s = (double)NAN;
    tl->track_confirmed_s = (double)NAN;
    tl->n_dwells = 0;
    tl->n_detections = 0;
    if (w->n == 0)
        return 0;
    double t_end = w->t1[w->n - 1];
    /* The search grid's phase is random within one search period. */
    double anchor = R->tr->t_start_s + bmd_rng_uniform(rng_phase, 0) * rad->search_revisit_s;
    double t = anchor;
    int state = S_SEARCH;
    int conf_hits = 0;
    int conf_dwells = 0;
    uint64_t ctr = 0;
    bool cued = false;
    while (t <= t_end) {
        /* Switch to the cued search grid when the cue arrives. */
        if (state == S_SEARCH && !cued && isfinite(t_cue) && t >= t_cue) {
            cued = true;
            anchor = t_cue;
            t = t_cue;
        }
        double next_open;
        if (!in_windows(w, t, &next_open)) {
            if (!isfinite(next_open))
                break;
            double period = state == S_SEARCH
                                ? (cued ? rad->cued_revisit_s : rad->search_revisit_s)
                                : rad->track_revisit_s;
            /* A held track or a confirmation in progress is lost with sight; search resumes. */
            if (state != S_SEARCH) {
                state = S_SEARCH;
                cued = true;
                anchor = next_open;
                period = rad->cued_revisit_s;
            }
            double tn = next_on_grid(anchor, period, next_open);
            if (!cued && isfinite(t_cue) && t_cue < tn && t_cue >= next_open)
                tn = t_cue;
            t = tn;
            continue;
        }
        sight s;
        if (!sight_at(R->tr, pl, t, &s))
            break;
        double rcs = bmd_signature_rcs(R->sig, t < R->t_burnout, s.aspect_rad);
        double snr = bmd_radar_snr(rad, s.look.range_m, rcs);
        double pd = bmd_radar_pd(rad, snr);
        bool hit = bmd_rng_uniform(rng_det, ctr) < pd;
        tl->n_dwells++;
        if (hit) {
            tl->n_detections++;
            double sr;
            double sa;
            bmd_radar_noise(rad, snr, &sr, &sa);
            double z[4];
            bmd_rng_normal2(rng_noise, 2 * ctr, z);
            bmd_rng_normal2(rng_noise, 2 * ctr + 1, z + 2);
            det d;
            memset(&d, 0, sizeof d);
            d.t = t;
            d.radar = i;
            d.m.t_s = t;
            d.m.site_lat_rad = rad->lat_rad;
            d.m.site_lon_rad = rad->lon_rad;
            d.m.site_h_m = rad->h_m;
            d.m.range_m = s.look.range_m + sr * z[0];
            d.m.az_rad = s.look.az_rad + sa * z[1] / fmax(cos(s.look.el_rad), 1e-3);
            d.m.el_rad = s.look.el_rad + sa * z[2];
            d.m.sigma_range_m = sr;
            d.m.sigma_angle_rad = sa;
            d.m.sensor = i;
            /* Azimuth noise is an angle across the sky: divide by cos(el) for the azimuth
             * coordinate, and give the filter the same. */
            d.m.sigma_angle_rad = sa;
            d.confirmed = state == S_TRACK;
            if (dets && det_push(dets, &d))
                return 1;
        }
        ctr++;
        if (state == S_SEARCH) {
            if (hit) {
                if (isnan(tl->first_detection_s))
                    tl->first_detection_s = t;
                state = S_CONFIRM;
                conf_hits = 1;
                conf_dwells = 1;
                if (conf_hits >= R->o->confirm_m) {
                    state = S_TRACK;
                    tl->track_confirmed_s = t;
                }
                t += rad->track_revisit_s;
            } else {
                double period = cued ? rad->cued_revisit_s : rad->search_revisit_s;
                double tn = t + period;
                if (!cued && isfinite(t_cue) && t_cue < tn)
                    tn = t_cue;
                t = tn;
            }
        } else if (state == S_CONFIRM) {
            conf_dwells++;
            if (hit)
                conf_hits++;
            if (conf_hits >= R->o->confirm_m) {
                state = S_TRACK;
                if (isnan(tl->track_confirmed_s))
                    tl->track_confirmed_s = t;
                if (dets) /* the confirming detections start the track */
                    for (int k = dets->n - 1; k >= 0 && dets->d[k].radar == i &&
                                                 dets->d[k].t >= t - conf_dwells * rad->track_revisit_s - 1e-9;
                         k--)
                        dets->d[k].confirmed = true;
                t += rad->track_revisit_s;
            } else if (conf_dwells >= R->o->confirm_n) {
                /* Failed to confirm: back to a (cued) search. */
                state = S_SEARCH;
                cued = true;
                anchor = t + rad->cued_revisit_s;
                t = anchor;
            } else {
                t += rad->track_revisit_s;
            }
        } else {
            t += rad->track_revisit_s;
        }
    }
    return 0;
}

static bmd_status check_inputs(const bmd_trajectory *threat, const bmd_radar *radars, int n,
                               const bmd_surv_opts *o)
{
    if (!threat || threat->n_seg == 0 || n < 0 || n > BMD_MAX_RADARS || (n > 0 && !radars))
        return BMD_ERR_ARG;
    if (o->confirm_m < 1 || o->confirm_n < o->confirm_m || o->confirm_n > 100 ||
        !(o->scan_step_s > 0.0) || !(o->cue_delay_s >= 0.0) || !isfinite(o->cue_delay_s))
        return BMD_ERR_ARG;
    for (int i = 0; i < n; i++)
        if (bmd_radar_check(&radars[i], NULL, 0) != BMD_OK)
            return BMD_ERR_ARG;
    if (o->ew && bmd_ew_check(o->ew, NULL, 0) != BMD_OK)
        return BMD_ERR_ARG;
    return BMD_OK;
}

/* Detection with cueing; dets (may be NULL) gets every detection. */
static bmd_status detect_all(const bmd_trajectory *threat, const bmd_signature *sig,
                             const bmd_radar *radars, int n, const bmd_surv_opts *o,
                             bmd_sensor_timeline *out, bmd_ew_report *ew_out, det_list *dets)
{
    bmd_status st = check_inputs(threat, radars, n, o);
    if (st != BMD_OK)
        return st;
    run R = {threat, sig, o, threat->sum.burnout_time_s};
    double t_ew = HUGE_VAL;
    if (o->ew) {
        bmd_ew_report rep;
        bmd_rng rng = {o->seed, bmd_rng_stream(BMD_RNG_EARLY_WARN, 0, 0)};
        st = bmd_ew_observe(o->ew, threat, rng, &rep);
        if (st != BMD_OK)
            return st;
        if (rep.detected)
            t_ew = rep.t_cue_s;
        if (ew_out)
            *ew_out = rep;
    }
    windows w[BMD_MAX_RADARS];
    double cue[BMD_MAX_RADARS];
    placed pl[BMD_MAX_RADARS];
    for (int i = 0; i < n; i++) {
        pl[i].r = &radars[i];
        bmd_radar_frame_make(&radars[i], &threat->earth, &pl[i].f);
        find_windows(threat, &pl[i], o->scan_step_s, &w[i]);
        cue[i] = t_ew;
    }
    /* Cueing settles in at most n rounds: each round can only bring a cue earlier along the
     * chain of radars that confirm. */
    for (int round = 0; round <= n; round++) {
        for (int i = 0; i < n; i++)
            if (simulate(&R, i, &pl[i], &w[i], cue[i], &out[i], NULL))
                return BMD_ERR_NOMEM;
        if (!o->radar_cueing)
            break;
        bool changed = false;
        for (int i = 0; i < n; i++) {
            double c = t_ew;
            for (int j = 0; j < n; j++)
                if (j != i && isfinite(out[j].track_confirmed_s))
                    c = fmin(c, out[j].track_confirmed_s + o->cue_delay_s);
            if (c != cue[i] && !(isinf(c) && isinf(cue[i]))) {
                cue[i] = c;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    if (dets) {
        for (int i = 0; i < n; i++)
            if (simulate(&R, i, &pl[i], &w[i], cue[i], &out[i], dets))
                return BMD_ERR_NOMEM;
    }
    return BMD_OK;
}

bmd_status bmd_detect(const bmd_trajectory *threat, const bmd_signature *sig,
                      const bmd_radar *radars, int n, const bmd_surv_opts *o,
                      bmd_sensor_timeline *out, bmd_ew_report *ew_out)
{
    return detect_all(threat, sig, radars, n, o, out, ew_out, NULL);
}

static int cmp_det(const void *a, const void *b)
{
    const det *x = a;
    const det *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->radar - y->radar;
}

bmd_status bmd_track_run(const bmd_trajectory *threat, const bmd_signature *sig,
                         const bmd_radar *radars, int n, const bmd_surv_opts *o,
                         const bmd_track_run_opts *to, bmd_sensor_timeline *timelines,
                         bmd_track_sample **updates, int *n_updates)
{
    *updates = NULL;
    *n_updates = 0;
    det_list dl = {0, 0, NULL};
    bmd_status st = detect_all(threat, sig, radars, n, o, timelines, NULL, &dl);
    if (st != BMD_OK) {
        free(dl.d);
        return st;
    }
    if (dl.n > 1)
        qsort(dl.d, (size_t)dl.n, sizeof *dl.d, cmp_det);
    /* Start at the first radar to confirm, with its two latest confirming detections. */
    int first = -1;
    for (int k = 0; k < dl.n; k++)
        if (dl.d[k].confirmed) {
            first = k;
            break;
        }
    int second = -1;
    for (int k = first + 1; first >= 0 && k < dl.n; k++)
        if (dl.d[k].confirmed && dl.d[k].radar == dl.d[first].radar) {
            second = k;
            break;
        }
    if (first < 0 || second < 0) {
        free(dl.d);
        return BMD_OK; /* never tracked */
    }
    bmd_track_sample *up = calloc((size_t)dl.n, sizeof *up);
    if (!up) {
        free(dl.d);
        return BMD_ERR_NOMEM;
    }
    bmd_track_opts fo = to->filter;
    bmd_track tk;
    st = bmd_track_init_two_point(&tk, &dl.d[first].m, &dl.d[second].m, &fo);
    if (st != BMD_OK) {
        free(up);
        free(dl.d);
        return st;
    }
    double t_bo = threat->sum.burnout_time_s;
    double last_impact_t = -HUGE_VAL;
    int n_gated = 0;    /* gated measurements in a row, from one radar */
    int last_gated = -1;
    bmd_impact_pred pred;
    memset(&pred, 0, sizeof pred);
    int nu = 0;
    for (int k = second + 1; k < dl.n; k++) {
        const det *d = &dl.d[k];
        if (!d->confirmed)
            continue;
        fo.q_accel_m_s2 = d->t < t_bo ? to->q_boost_m_s2 : to->filter.q_accel_m_s2;
        double nis = 0.0;
        bmd_status su = bmd_track_update(&tk, &d->m, &fo, &nis);
        if (su != BMD_OK && su != BMD_ERR_RANGE) {
            st = su;
            break;
        }
        bool reinit = false;
        if (su == BMD_ERR_RANGE) {
            /* Track loss: after to->reinit_after gated measurements in a row from one radar
             * (the filter has lost the threat, typically at the boost-to-ballistic change that
             * its dynamics do not know), start again from that radar's last two. */
            if (n_gated > 0 && dl.d[last_gated].radar == d->radar)
                n_gated++;
            else
                n_gated = 1;
            if (to->reinit_after > 0 && n_gated >= to->reinit_after &&
                bmd_track_init_two_point(&tk, &dl.d[last_gated].m, &d->m, &fo) == BMD_OK) {
                reinit = true;
                n_gated = 0;
                last_impact_t = -HUGE_VAL; /* predict again at once */
            }
            last_gated = k;
        } else {
            n_gated = 0;
        }
        bmd_track_sample *u = &up[nu++];
        u->t_s = d->t;
        u->sensor = d->radar;
        u->gated = su == BMD_ERR_RANGE && !reinit;
        u->reinitiated = reinit;
        memcpy(u->x_eci, tk.x, sizeof u->x_eci);
        bmd_vec3 r;
        bmd_vec3 v;
        bmd_traj_state(threat, d->t, &r, &v);
        u->position_error_m =
            bmd_v3_norm(bmd_v3_sub(r, bmd_v3(tk.x[0], tk.x[1], tk.x[2])));
        u->velocity_error_m_s =
            bmd_v3_norm(bmd_v3_sub(v, bmd_v3(tk.x[3], tk.x[4], tk.x[5])));
        if (d->t - last_impact_t >= to->impact_every_s && d->t <= to->impact_until_s) {
            bmd_status si = bmd_track_impact(&tk, &fo, &pred);
            if (si == BMD_ERR_NOMEM) {
                st = si;
                break;
            }
            if (si != BMD_OK)
                pred.valid = false;
            last_impact_t = d->t;
        }
        u->impact = pred;
        u->impact_made_s = last_impact_t;
        u->impact_error_m = (double)NAN;
        if (pred.valid)
            bmd_geodesic_inverse(&threat->earth, pred.lat_rad, pred.lon_rad,
                                 threat->sum.impact_lat_rad, threat->sum.impact_lon_rad,
                                 &u->impact_error_m, NULL, NULL);
    }
    free(dl.d);
    if (st != BMD_OK) {
        free(up);
        return st;
    }
    *updates = up;
    *n_updates = nu;
    return BMD_OK;
}
