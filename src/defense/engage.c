/* SPDX-License-Identifier: MIT */
/* engage.c: the engagement engine (see engage.h). */
#include "bmd/engage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/assign.h"
#include "bmd/constants.h"
#include "bmd/intercept.h"
#include "bmd/parallel.h"
#include "bmd/surveillance.h"
#include "bmd/targeting.h"

/* Purpose tag of the kill draws within BMD_RNG_CASE streams ("ENG"). */
#define ENG_TAG 0x454e47u

typedef struct rthreat {
    bmd_trajectory tr;
    double launch_s;
    double detect_s, track_s, authority_s; /* threat-local times, NaN where never */
    bmd_raid_sensor_times sensor[BMD_SCN_MAX_SENSORS]; /* per radar, scenario time */
    int asset;
    double value;
    double pred_lat, pred_lon; /* the impact point used for threat evaluation */
    double pred_sigma_m;       /* its 1-sigma error ellipse's semi-major axis (0: the aim point) */
    bool predicted;            /* from the track (else the aim point) */
    /* The track's error at intercept, on a grid of threat-local times from authority: the last
     * update at least kv_homing_s before, extrapolated (the kill vehicle's last target update
     * before it homes). +inf where no update is that old. NULL: never tracked. */
    double *herr;
    int n_herr;
    double herr_t0;
    /* What the battle manager plans on: the trajectory flown from the track's state at the
     * update that gave the threat evaluation (tracked = true), else the truth. */
    bmd_trajectory plan;
    bool tracked;
    char why[160];
} rthreat;

struct bmd_raid {
    const bmd_scenario *s;
    int nt;
    int ns;
    rthreat *t;
    bmd_flyout **fly;          /* [ns] */
    bool fly_borrowed;         /* the caller's tables (bmd_raid_prepare_tables): not freed */
    bmd_intercept_prep **prep; /* [nt * ns] */
    bmd_intercept *win;        /* [nt * ns] first windows */
    int *x;                    /* [nt * ns] interceptors assigned */
    double *pk;                /* [nt * ns] single-shot kill probability of the pairing */
    bmd_wta_decision *log;     /* the assignment's decisions, in the order made */
    int n_log;
};

void bmd_raid_free(bmd_raid *r)
{
    if (!r)
        return;
    for (int i = 0; r->t && i < r->nt; i++) {
        bmd_traj_free(&r->t[i].tr);
        bmd_traj_free(&r->t[i].plan);
        free(r->t[i].herr);
    }
    for (int k = 0; r->prep && k < r->nt * r->ns; k++)
        bmd_intercept_prep_free(r->prep[k]);
    for (int j = 0; r->fly && !r->fly_borrowed && j < r->ns; j++)
        bmd_flyout_free(r->fly[j]);
    free(r->t);
    free(r->fly);
    free(r->prep);
    free(r->win);
    free(r->x);
    free(r->pk);
    free(r->log);
    free(r);
}

int bmd_raid_decisions(const bmd_raid *r, const bmd_wta_decision **log)
{
    *log = r->log;
    return r->n_log;
}

int bmd_raid_threats(const bmd_raid *r) { return r->nt; }

const bmd_trajectory *bmd_raid_threat_trajectory(const bmd_raid *r, int threat)
{
    if (!r || threat < 0 || threat >= r->nt)
        return NULL;
    return &r->t[threat].tr;
}

int bmd_raid_threat_sensors(const bmd_raid *r, int threat, const bmd_raid_sensor_times **out)
{
    if (out)
        *out = NULL;
    if (!r || threat < 0 || threat >= r->nt)
        return -1;
    if (out)
        *out = r->t[threat].sensor;
    return r->s->n_sensors;
}

const char *bmd_raid_site_name(const bmd_raid *r, int site) { return r->s->sites[site].name; }

static bmd_status fail(bmd_raid *r, char *why, int n, bmd_status st, const char *msg)
{
    if (why)
        snprintf(why, (size_t)n, "%s", msg);
    bmd_raid_free(r);
    return st;
}

#define HERR_DT 2.0 /* s, the grid of the track's error at intercept */

/* The track's error at intercept times (see rthreat.herr). */
static bmd_status handover_errors(rthreat *t, const bmd_track_sample *up, int nu,
                                  const bmd_track_opts *fo, double homing_s)
{
    double t0 = t->authority_s;
    double t1 = t->tr.t_end_s;
    if (!(t1 > t0) || nu == 0)
        return BMD_OK;
    int n = (int)floor((t1 - t0) / HERR_DT) + 1;
    t->herr = malloc((size_t)n * sizeof *t->herr);
    if (!t->herr)
        return BMD_ERR_NOMEM;
    t->n_herr = n;
    t->herr_t0 = t0;
    static const double P0[36] = {0};
    bmd_track tk;
    int k_used = -1;
    int k = -1;
    for (int g = 0; g < n; g++) {
        double tg = t0 + g * HERR_DT;
        while (k + 1 < nu && up[k + 1].t_s <= tg - homing_s)
            k++;
        if (k < 0) {
            t->herr[g] = HUGE_VAL;
            continue;
        }
        if (k != k_used) { /* a newer update: extrapolate from it (else go on from tg - dt) */
            bmd_track_init(&tk, up[k].t_s, up[k].x_eci, P0);
            k_used = k;
        }
        bmd_vec3 r;
        if (bmd_track_predict(&tk, tg, fo) != BMD_OK || bmd_traj_state(&t->tr, tg, &r, NULL) !=
                                                             BMD_OK) {
            t->herr[g] = HUGE_VAL;
            continue;
        }
        t->herr[g] = bmd_v3_norm(bmd_v3_sub(r, bmd_v3(tk.x[0], tk.x[1], tk.x[2])));
    }
    return BMD_OK;
}

/* The track's error at threat-local time t (linear in the grid; +inf outside it). */
static double handover_error(const rthreat *t, double tt)
{
    if (!t->herr)
        return HUGE_VAL;
    double u = (tt - t->herr_t0) / HERR_DT;
    if (!(u >= 0.0) || u > t->n_herr - 1)
        return HUGE_VAL;
    int g = (int)u;
    if (g >= t->n_herr - 1)
        return t->herr[t->n_herr - 1];
    double f = u - g;
    return (1.0 - f) * t->herr[g] + f * t->herr[g + 1];
}

/* Preparation tasks (bmd_parallel_for): each writes only its own threat's or site's entries. */
typedef struct prep_ctx {
    bmd_raid *r;
    const bmd_scenario *s;
    bmd_flight_opts fo;
    bmd_flyout_opts fop;
    char (*msg)[256]; /* [max(nt, ns)] what failed */
} prep_ctx;

/* Threat i: its flight, the sensors against it, threat evaluation. */
static bmd_status prep_threat(void *ctx, int i)
{
    prep_ctx *c = ctx;
    bmd_raid *r = c->r;
    const bmd_scenario *s = c->s;
    const bmd_flight_opts fo = c->fo;
    const bmd_scn_threat *st = &s->threats[i];
    rthreat *t = &r->t[i];
    bmd_traj_init(&t->tr);
    bmd_traj_init(&t->plan);
    t->launch_s = st->launch_time_s;
    bmd_aim aim = bmd_aim_default(&st->missile->v, st->launch_lat_rad, st->launch_lon_rad,
                                  st->target_lat_rad, st->target_lon_rad);
    bmd_aim_result res;
    bmd_status sf = bmd_target(&st->missile->v, &aim, &fo, &res, &t->tr);
    if (sf != BMD_OK) {
        snprintf(c->msg[i], sizeof c->msg[i], "threats[%d] (%s): %s", i, st->missile->v.id,
                 res.why[0] ? res.why : bmd_status_str(sf));
        return sf;
    }
    t->detect_s = t->track_s = t->authority_s = (double)NAN;
    if (s->n_sensors > 0) {
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = s->seed + 1000003ull * (uint64_t)i; /* each threat its own draws */
        so.ew = s->has_ew ? &s->ew : NULL;
        bmd_sensor_timeline tl[BMD_SCN_MAX_SENSORS];
        bmd_status sd =
            bmd_detect(&t->tr, &st->missile->sig, s->radars, s->n_sensors, &so, tl, NULL);
        if (sd != BMD_OK) {
            snprintf(c->msg[i], sizeof c->msg[i], "threats[%d]: detection failed: %s", i,
                     bmd_status_str(sd));
            return sd;
        }
        for (int k = 0; k < s->n_sensors; k++) {
            /* Each radar's times are kept in scenario time: launch_s + the threat-local time,
             * whose least is exactly launch_s + the least threat-local time (rounding is
             * monotone), so detect_s and track_s of an outcome are their minima to the bit. */
            double fd = tl[k].first_detection_s;
            double tc = tl[k].track_confirmed_s;
            t->sensor[k].first_detection_s = isfinite(fd) ? t->launch_s + fd : (double)NAN;
            t->sensor[k].track_confirmed_s = isfinite(tc) ? t->launch_s + tc : (double)NAN;
            if (isfinite(tl[k].first_detection_s) && !(tl[k].first_detection_s >= t->detect_s))
                t->detect_s = tl[k].first_detection_s;
            if (isfinite(tl[k].track_confirmed_s) && !(tl[k].track_confirmed_s >= t->track_s))
                t->track_s = tl[k].track_confirmed_s;
        }
        if (isfinite(t->track_s))
            t->authority_s = t->track_s + s->doctrine.c2_delay_s;
    }
    /* Threat evaluation: the impact point the track predicts once settled (below; the track
     * filter of docs/tracking.md on the radars' measurements), or the aim point when no radar
     * tracks it (then it is not engaged anyway). The asset: the most valuable one within
     * reach of that point. */
    t->pred_lat = st->target_lat_rad;
    t->pred_lon = st->target_lon_rad;
    t->predicted = false;
    if (isfinite(t->authority_s)) {
        bmd_surv_opts so = bmd_surv_default_opts();
        so.seed = s->seed + 1000003ull * (uint64_t)i;
        so.ew = s->has_ew ? &s->ew : NULL;
        bmd_track_run_opts to = bmd_track_run_default_opts();
        to.filter.earth = t->tr.earth;
        to.filter.beta_kg_m2 = st->missile->v.rv_beta_kg_m2;
        to.impact_every_s = 10.0;
        /* Enough for the prediction to settle (below); a track that has not by then falls
         * back on its last prediction before authority. The track itself runs on to impact:
         * its error at each intercept decides whether the kill vehicle can divert onto the
         * threat. */
        to.impact_until_s = fmax(t->authority_s, t->tr.sum.burnout_time_s + 300.0);
        bmd_sensor_timeline tl[BMD_SCN_MAX_SENSORS];
        bmd_track_sample *up = NULL;
        int nu = 0;
        bmd_status sr = bmd_track_run(&t->tr, &st->missile->sig, s->radars, s->n_sensors, &so,
                                      &to, tl, &up, &nu);
        if (sr == BMD_ERR_NOMEM) {
            /* Out of memory is no finding about the track: the raid cannot be prepared. */
            snprintf(c->msg[i], sizeof c->msg[i], "threats[%d]: tracking: %s", i,
                     bmd_status_str(sr));
            return sr;
        }
        if (sr == BMD_OK) {
            /* A prediction made in powered flight says little about where the threat is
             * going (the filter extrapolates ballistically, and its covariance does not
             * know it), and the first ones after burnout still carry the boost's error. So
             * the battle manager waits for the prediction to settle: after burnout (which
             * it knows, as early warning loses the plume), two successive predictions
             * within impact_settle_m of each other. It uses the last settled prediction by
             * launch authority, or else the first one after it, which then delays the
             * launch authority. A track that has not settled 300 s after burnout (or by
             * authority) falls back on the last prediction before authority. */
            double t_bo = t->tr.sum.burnout_time_s;
            int k_bo = -1;
            int k_any = -1;
            int k_prev = -1;
            for (int k = 0; k < nu; k++) {
                if (!up[k].impact.valid)
                    continue;
                if (up[k].t_s <= t->authority_s)
                    k_any = k;
                if (up[k].t_s <= t_bo)
                    continue;
                if (k_bo >= 0 && up[k].t_s > t->authority_s)
                    break;
                if (up[k].impact_made_s != up[k].t_s)
                    continue; /* carried from an earlier update, not a new prediction */
                if (k_prev >= 0) {
                    double dd = HUGE_VAL;
                    bmd_geodesic_inverse(&fo.earth, up[k_prev].impact.lat_rad,
                                         up[k_prev].impact.lon_rad, up[k].impact.lat_rad,
                                         up[k].impact.lon_rad, &dd, NULL, NULL);
                    if (dd <= s->doctrine.impact_settle_m)
                        k_bo = k;
                }
                k_prev = k;
            }
            int kk = k_bo >= 0 ? k_bo : k_any;
            if (kk >= 0) {
                t->pred_lat = up[kk].impact.lat_rad;
                t->pred_lon = up[kk].impact.lon_rad;
                t->pred_sigma_m = isfinite(up[kk].impact.semi_major_m) ? up[kk].impact.semi_major_m
                                                                       : 0.0;
                t->predicted = true;
                if (up[kk].t_s > t->authority_s)
                    t->authority_s = up[kk].t_s;
                /* The engagement is planned on the track: its state at that update flown on
                 * with the filter's dynamics (gravity with J2, drag on the RV's beta). */
                bmd_flight_opts pf = fo;
                pf.earth = to.filter.earth;
                pf.atmosphere = to.filter.drag && to.filter.beta_kg_m2 > 0.0;
                bmd_status sp =
                    bmd_fly_state(up[kk].t_s, up[kk].x_eci, to.filter.beta_kg_m2, &pf, &t->plan);
                if (sp == BMD_OK)
                    t->tracked = true;
                else
                    bmd_traj_free(&t->plan);
                if (sp == BMD_ERR_NOMEM) {
                    free(up);
                    snprintf(c->msg[i], sizeof c->msg[i], "threats[%d]: planning on the track: %s",
                             i, bmd_status_str(sp));
                    return sp;
                }
            }
            bmd_status sh = handover_errors(t, up, nu, &to.filter, s->doctrine.kv_homing_s);
            if (sh != BMD_OK) {
                free(up);
                snprintf(c->msg[i], sizeof c->msg[i], "threats[%d]: track extrapolation failed", i);
                return sh;
            }
        }
        free(up);
    }
    t->asset = -1;
    t->value = s->n_assets == 0 ? 1.0 : 0.0;
    for (int a = 0; a < s->n_assets; a++) {
        double d = 0.0;
        bmd_geodesic_inverse(&fo.earth, t->pred_lat, t->pred_lon, s->assets[a].lat_rad,
                             s->assets[a].lon_rad, &d, NULL, NULL);
        /* The battle manager defends what the track cannot rule out: the asset's radius
         * widened by three times the prediction's 1-sigma semi-major axis. */
        if (d <= s->assets[a].radius_m + 3.0 * t->pred_sigma_m && s->assets[a].value > t->value) {
            t->asset = a;
            t->value = s->assets[a].value;
        }
    }
    return BMD_OK;
}

/* Site j: its interceptor's fly-out table. */
static bmd_status prep_site(void *ctx, int j)
{
    prep_ctx *c = ctx;
    const bmd_scn_site *site = &c->s->sites[j];
    bmd_status sb = bmd_flyout_build(&site->interceptor->v, site->lat_rad, site->lon_rad,
                                     site->h_m, &c->fo, &c->fop, &c->r->fly[j]);
    if (sb != BMD_OK)
        snprintf(c->msg[j], sizeof c->msg[j], "sites[%d] (%s): its interceptor's fly-out failed: %s",
                 j, site->name, bmd_status_str(sb));
    return sb;
}

bmd_status bmd_raid_prepare_threads(const bmd_scenario *s, int threads, bmd_raid **out, char *why,
                                   int why_size)
{
    return bmd_raid_prepare_tables(s, threads, NULL, out, why, why_size);
}

bmd_status bmd_raid_prepare_tables(const bmd_scenario *s, int threads, bmd_flyout *const *tables,
                                   bmd_raid **out, char *why, int why_size)
{
    *out = NULL;
    if (s->n_threats < 1)
        return fail(NULL, why, why_size, BMD_ERR_ARG, "the raid is empty");
    bmd_raid *r = calloc(1, sizeof *r);
    if (!r)
        return BMD_ERR_NOMEM;
    r->s = s;
    r->nt = s->n_threats;
    r->ns = s->n_sites;
    size_t nk = (size_t)r->nt * (size_t)(r->ns ? r->ns : 1);
    r->t = calloc((size_t)r->nt, sizeof *r->t);
    r->fly = calloc((size_t)(r->ns ? r->ns : 1), sizeof *r->fly);
    r->prep = calloc(nk, sizeof *r->prep);
    r->win = calloc(nk, sizeof *r->win);
    r->x = calloc(nk, sizeof *r->x);
    r->pk = calloc(nk, sizeof *r->pk);
    if (!r->t || !r->fly || !r->prep || !r->win || !r->x || !r->pk)
        return fail(r, why, why_size, BMD_ERR_NOMEM, "out of memory");

    /* 1. Threats (flights, sensors, threat evaluation), then the sites' fly-out tables: in
     * parallel, each task independent. */
    int nmsg = r->nt > r->ns ? r->nt : r->ns;
    prep_ctx pc = {r, s, bmd_flight_default_opts(), bmd_flyout_default_opts(),
                   calloc((size_t)nmsg, sizeof *pc.msg)};
    if (!pc.msg)
        return fail(r, why, why_size, BMD_ERR_NOMEM, "out of memory");
    int bad = -1;
    bmd_status sp = bmd_parallel_for(r->nt, threads, prep_threat, &pc, &bad);
    /* Each site's table flies its fan on the threads the loop over sites leaves over. */
    pc.fop.threads = bmd_parallel_inner_threads(threads, r->ns);
    if (sp == BMD_OK && tables) {
        for (int j = 0; j < r->ns; j++)
            r->fly[j] = tables[j];
        r->fly_borrowed = true;
    } else if (sp == BMD_OK) {
        sp = bmd_parallel_for(r->ns, threads, prep_site, &pc, &bad);
    }
    if (sp != BMD_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", pc.msg[bad]);
        free(pc.msg);
        return fail(r, why, why_size, sp, msg);
    }
    free(pc.msg);

    /* 2. Windows of every pair. */
    double *pk = calloc(nk, sizeof *pk);
    double *value = calloc((size_t)r->nt, sizeof *value);
    int *inv = calloc((size_t)(r->ns ? r->ns : 1), sizeof *inv);
    if (!pk || !value || !inv) {
        free(pk);
        free(value);
        free(inv);
        return fail(r, why, why_size, BMD_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < r->nt; i++) {
        rthreat *t = &r->t[i];
        double t_min = isfinite(t->authority_s) ? t->authority_s : HUGE_VAL;
        value[i] = t->value > 0.0 ? t->value : 1e-9;
        int best_reason = -1;
        for (int j = 0; j < r->ns; j++) {
            size_t k = (size_t)i * (size_t)r->ns + (size_t)j;
            bmd_status si = bmd_intercept_prepare(t->tracked ? &t->plan : &t->tr, r->fly[j],
                                                  1.0, &r->prep[k]);
            if (si == BMD_OK)
                si = bmd_intercept_solve_prepared(r->prep[k], &s->sites[j].interceptor->kv,
                                                  t_min, &r->win[k]);
            if (si != BMD_OK) {
                free(pk);
                free(value);
                free(inv);
                return fail(r, why, why_size, si, "intercept solver failed");
            }
            r->pk[k] = bmd_scn_site_pk(&s->sites[j], s->threats[i].missile);
            pk[k] = r->win[k].engageable && t->value > 0.0 ? r->pk[k] : 0.0;
            if (best_reason < 0 || r->win[k].engageable)
                best_reason = (int)r->win[k].reason;
        }
        if (t->value <= 0.0)
            snprintf(t->why, sizeof t->why, "not engaged: it threatens no defended asset");
        else if (r->ns == 0)
            snprintf(t->why, sizeof t->why, "not engaged: no interceptor sites");
        else if (best_reason > 0)
            snprintf(t->why, sizeof t->why, "not engaged: no site has a window (%s)",
                     bmd_intercept_reason_str((bmd_intercept_reason)best_reason));
    }
    for (int j = 0; j < r->ns; j++)
        inv[j] = s->sites[j].inventory;

    /* 3. Weapon-target assignment: exact for small raids, greedy otherwise. */
    bmd_wta_problem p;
    memset(&p, 0, sizeof p);
    p.n_threats = r->nt;
    p.n_sites = r->ns;
    p.value = value;
    p.inventory = inv;
    p.pk = pk;
    p.salvo = s->doctrine.shoot_look_shoot ? 1 : s->doctrine.salvo;
    p.cap = s->doctrine.max_per_threat;
    bmd_wta_result wr;
    memset(&wr, 0, sizeof wr);
    wr.x = r->x;
    int log_cap = 0;
    for (int j = 0; j < r->ns; j++)
        log_cap += inv[j];
    log_cap = log_cap > 0 ? log_cap : 1;
    r->log = calloc((size_t)log_cap, sizeof *r->log);
    if (!r->log) {
        free(pk);
        free(value);
        free(inv);
        return fail(r, why, why_size, BMD_ERR_NOMEM, "out of memory");
    }
    wr.log = r->log;
    wr.log_cap = log_cap;
    bmd_status sa = r->ns > 0 ? bmd_wta_exact(&p, &wr) : BMD_OK;
    if (sa == BMD_ERR_RANGE)
        sa = bmd_wta_greedy(&p, &wr);
    free(pk);
    free(value);
    free(inv);
    if (sa != BMD_OK)
        return fail(r, why, why_size, sa, "weapon-target assignment failed");
    r->n_log = wr.n_log < log_cap ? wr.n_log : log_cap;
    for (int i = 0; i < r->nt; i++) {
        int n = 0;
        for (int j = 0; j < r->ns; j++)
            n += r->x[(size_t)i * (size_t)r->ns + (size_t)j];
        if (n == 0 && r->t[i].why[0] == '\0')
            snprintf(r->t[i].why, sizeof r->t[i].why,
                     "not engaged: the interceptors went to more valuable or likelier kills");
    }
    *out = r;
    return BMD_OK;
}

bmd_status bmd_raid_prepare(const bmd_scenario *s, bmd_raid **out, char *why, int why_size)
{
    return bmd_raid_prepare_threads(s, 1, out, why, why_size);
}

void bmd_raid_result_free(bmd_raid_result *out)
{
    free(out->threats);
    free(out->shots);
    memset(out, 0, sizeof *out);
}

static int push_shot(bmd_raid_result *o, int *cap, const bmd_shot *sh)
{
    if (o->n_shots == *cap) {
        int nc = *cap ? 2 * *cap : 64;
        bmd_shot *ns = realloc(o->shots, (size_t)nc * sizeof *ns);
        if (!ns)
            return 1;
        o->shots = ns;
        *cap = nc;
    }
    o->shots[o->n_shots++] = *sh;
    return 0;
}

static int cmp_shot(const void *a, const void *b)
{
    const bmd_shot *x = a;
    const bmd_shot *y = b;
    if (x->launch_s != y->launch_s)
        return x->launch_s < y->launch_s ? -1 : 1;
    if (x->threat != y->threat)
        return x->threat - y->threat;
    return x->site - y->site;
}

/* Per-threat state of one run of bmd_raid_play. */
typedef struct pthreat {
    double t_next;  /* threat-local time of its next decision (+inf: none) */
    uint64_t shot_no;
    int fired;
    bool killed;    /* a kill has happened (known only after kill assessment) */
    bool done;
} pthreat;

/* The windows already solved in a block of Monte Carlo runs. A window is a function of the
 * pairing (threat, site) and the earliest launch alone, and a threat's decisions come back run
 * after run with the same few earliest launches (its launch authority, then the kill assessment
 * after each site's possible intercept), so a block solves each once and looks it up after.
 * The keys are exact, so the answers are those a fresh solve gives. */
#define MEMO_N 8
typedef struct memo_ent {
    double t_min;
    bmd_status st;
    bmd_intercept w;
} memo_ent;

typedef struct memo {
    int *n;      /* [nt * ns] entries used */
    memo_ent *e; /* [nt * ns * MEMO_N] */
} memo;

static void memo_free(memo *m)
{
    free(m->n);
    free(m->e);
    m->n = NULL;
    m->e = NULL;
}

static bool memo_init(memo *m, const bmd_raid *r)
{
    size_t nk = (size_t)r->nt * (size_t)(r->ns ? r->ns : 1);
    m->n = calloc(nk, sizeof *m->n);
    m->e = malloc(nk * MEMO_N * sizeof *m->e);
    if (!m->n || !m->e) {
        memo_free(m);
        return false;
    }
    return true;
}

/* The window of pairing k (site j) for the earliest launch t_min, looked up in m (may be NULL)
 * or solved (and kept while there is room). */
static bmd_status solve_window(const bmd_raid *r, size_t k, int j, double t_min, memo *m,
                               bmd_intercept *w)
{
    memo_ent *e = m ? m->e + k * MEMO_N : NULL;
    for (int q = 0; m && q < m->n[k]; q++)
        if (e[q].t_min == t_min) {
            *w = e[q].w;
            return e[q].st;
        }
    bmd_status st =
        bmd_intercept_solve_prepared(r->prep[k], &r->s->sites[j].interceptor->kv, t_min, w);
    if (m && m->n[k] < MEMO_N) {
        e[m->n[k]].t_min = t_min;
        e[m->n[k]].st = st;
        e[m->n[k]].w = *w;
        m->n[k]++;
    }
    return st;
}

/* The site with interceptors for threat i in avail[stride * i + site] (the reserves, or with
 * stride 0 the pool) whose window opens first after t_min; -1 if none. */
static int best_site(const bmd_raid *r, int i, double t_min, const int *avail, int stride,
                     memo *m, bmd_intercept *bw, bmd_status *st)
{
    int best = -1;
    for (int j = 0; j < r->ns; j++) {
        size_t k = (size_t)i * (size_t)r->ns + (size_t)j;
        if (avail[(size_t)stride * (size_t)i + (size_t)j] <= 0 || r->pk[k] <= 0.0)
            continue;
        bmd_intercept w;
        if (solve_window(r, k, j, t_min, m, &w) != BMD_OK) {
            *st = BMD_ERR_ARG;
            return -1;
        }
        if (w.engageable && (best < 0 || w.earliest_intercept_s < bw->earliest_intercept_s)) {
            best = j;
            *bw = w;
        }
    }
    return best;
}

/* One run (bmd_raid_play), with the windows looked up in m (NULL: each solved). */
static bmd_status play(const bmd_raid *r, uint64_t seed, uint64_t run, memo *m,
                       bmd_raid_result *o)
{
    memset(o, 0, sizeof *o);
    const bmd_scenario *s = r->s;
    o->n_threats = r->nt;
    o->threats = calloc((size_t)r->nt, sizeof *o->threats);
    size_t nk = (size_t)r->nt * (size_t)(r->ns ? r->ns : 1);
    int *reserve = malloc(nk * sizeof *reserve);
    pthreat *pt = calloc((size_t)r->nt, sizeof *pt);
    if (!o->threats || !reserve || !pt) {
        free(reserve);
        free(pt);
        bmd_raid_result_free(o);
        return BMD_ERR_NOMEM;
    }
    int cap = 0;
    int salvo = s->doctrine.shoot_look_shoot ? 1 : s->doctrine.salvo;
    bool sls = s->doctrine.shoot_look_shoot;
    /* The pool: interceptors at each site not reserved for any threat. Under shoot-look-shoot
     * a threat's unfired reserve returns to it once its kill is assessed, and a threat that has
     * exhausted its reserve (or had none) draws on it while a window lasts, up to
     * max_per_threat. */
    int pool[BMD_SCN_MAX_SITES];
    for (int j = 0; j < r->ns; j++)
        pool[j] = s->sites[j].inventory;
    memcpy(reserve, r->x, nk * sizeof *reserve);
    for (int i = 0; i < r->nt; i++) {
        const rthreat *t = &r->t[i];
        bmd_threat_outcome *to = &o->threats[i];
        to->launch_s = t->launch_s;
        to->detect_s = t->launch_s + t->detect_s;
        to->track_s = t->launch_s + t->track_s;
        to->authority_s = t->launch_s + t->authority_s;
        to->impact_s = t->launch_s + t->tr.sum.flight_time_s;
        to->asset = t->asset;
        to->value = t->value;
        to->predicted_impact = t->predicted;
        to->predicted_lat_rad = t->pred_lat;
        to->predicted_lon_rad = t->pred_lon;
        to->planned_on_track = t->tracked;
        snprintf(to->why, sizeof to->why, "%s", t->why);
        for (int j = 0; j < r->ns; j++) {
            int x = reserve[(size_t)i * (size_t)r->ns + (size_t)j];
            to->assigned += x;
            pool[j] -= x;
        }
        pt[i].t_next = isfinite(t->authority_s) && t->value > 0.0 ? t->authority_s : HUGE_VAL;
        pt[i].done = !isfinite(pt[i].t_next);
    }
    bmd_status st = BMD_OK;
    /* Discrete events in scenario time: a threat's decision (its launch authority, or a kill
     * assessment). The earliest first, ties by threat index, so a run is the same whatever the
     * order runs are played in. */
    for (;;) {
        int i = -1;
        double tb = HUGE_VAL;
        for (int q = 0; q < r->nt; q++)
            if (!pt[q].done && r->t[q].launch_s + pt[q].t_next < tb) {
                tb = r->t[q].launch_s + pt[q].t_next;
                i = q;
            }
        if (i < 0)
            break;
        const rthreat *t = &r->t[i];
        pthreat *p = &pt[i];
        bmd_threat_outcome *to = &o->threats[i];
        int *res = reserve + (size_t)i * (size_t)r->ns;
        if (p->killed && sls) {
            /* Kill assessed: the unfired reserve goes back to the pool. */
            for (int j = 0; j < r->ns; j++) {
                pool[j] += res[j];
                to->returned += res[j];
                res[j] = 0;
            }
            p->done = true;
            continue;
        }
        bmd_intercept bw;
        memset(&bw, 0, sizeof bw);
        bool from_pool = false;
        int best = best_site(r, i, p->t_next, reserve, r->ns, m, &bw, &st);
        if (best < 0 && st == BMD_OK && sls && p->fired < s->doctrine.max_per_threat) {
            best = best_site(r, i, p->t_next, pool, 0, m, &bw, &st); /* stride 0 */
            from_pool = best >= 0;
        }
        if (st != BMD_OK)
            break;
        if (best < 0) {
            p->done = true;
            continue;
        }
        int *src = from_pool ? &pool[best] : &res[best];
        int n = *src < salvo ? *src : salvo;
        *src -= n;
        bmd_shot sh;
        memset(&sh, 0, sizeof sh);
        sh.threat = i;
        sh.site = best;
        sh.interceptors = n;
        sh.launch_s = t->launch_s + bw.earliest_launch_s;
        sh.intercept_s = t->launch_s + bw.earliest_intercept_s;
        sh.altitude_m = bw.intercept_altitude_m;
        sh.pk = r->pk[(size_t)i * (size_t)r->ns + (size_t)best];
        sh.from_pool = from_pool;
        /* The kill vehicle homes on the threat from its last in-flight target update, the
         * track extrapolated over kv_homing_s: its divert (constant thrust over that time)
         * moves it at most divert * homing / 2. A larger track error is a miss whatever pk. */
        sh.handover_error_m = handover_error(t, bw.earliest_intercept_s);
        sh.divert_reach_m =
            s->sites[best].interceptor->kv.divert_m_s * s->doctrine.kv_homing_s / 2.0;
        sh.beyond_divert = !(sh.handover_error_m <= sh.divert_reach_m);
        bmd_rng rng = {seed, bmd_rng_stream(BMD_RNG_CASE, ENG_TAG, (uint32_t)i)};
        for (int q = 0; q < n; q++) {
            /* Run r, shot q: counter (run << 16) + shot number (drawn whatever the outcome, so
             * the streams stay aligned). */
            double u = bmd_rng_uniform(rng, (run << 16) + p->shot_no++);
            if (u < sh.pk && !sh.beyond_divert)
                sh.kill = true;
        }
        to->fired += n;
        p->fired += n;
        o->fired += n;
        if (from_pool)
            to->from_pool += n;
        if (push_shot(o, &cap, &sh)) {
            st = BMD_ERR_NOMEM;
            break;
        }
        p->killed = p->killed || sh.kill;
        if (sls)
            /* Shoot-look-shoot: the next decision (or the release of the reserve after a
             * kill) comes with the kill assessment. */
            p->t_next = bw.earliest_intercept_s + s->doctrine.kill_assessment_s;
        /* A salvo doctrine keeps t_next: the next salvo launches as early as the first, and
         * the reserve is fired whatever the outcome. */
    }
    for (int i = 0; st == BMD_OK && i < r->nt; i++) {
        bmd_threat_outcome *to = &o->threats[i];
        to->leaked = !pt[i].killed;
        if (to->leaked) {
            o->leakers++;
            o->value_leaked += r->t[i].value;
        }
    }
    free(reserve);
    free(pt);
    if (st != BMD_OK) {
        bmd_raid_result_free(o);
        return st;
    }
    if (o->n_shots > 1)
        qsort(o->shots, (size_t)o->n_shots, sizeof *o->shots, cmp_shot);
    return BMD_OK;
}

bmd_status bmd_raid_play(const bmd_raid *r, uint64_t seed, uint64_t run, bmd_raid_result *o)
{
    return play(r, seed, run, NULL, o);
}

/* Monte Carlo: task q plays block q of the runs into its own counts. */
typedef struct mc_ctx {
    const bmd_raid *r;
    uint64_t seed;
    long first;
    long runs;
    int blocks;
    bmd_raid_mc *part; /* [blocks] */
} mc_ctx;

static bmd_status mc_block(void *ctx, int q)
{
    mc_ctx *c = ctx;
    bmd_raid_mc *m = &c->part[q];
    long k0 = c->runs * q / c->blocks;
    long k1 = c->runs * (q + 1) / c->blocks;
    memo mm;
    if (!memo_init(&mm, c->r))
        return BMD_ERR_NOMEM;
    /* The counts are kept in locals and stored once: the blocks' structs share cache lines, and
     * incrementing them run after run made the threads fight over those lines (13% more CPU
     * time on 2 threads than on 1, bench/RESULTS.md). */
    long runs = 0, any_leak = 0, leakers = 0, fired = 0;
    bmd_status st = BMD_OK;
    for (long k = k0; k < k1; k++) {
        bmd_raid_result o;
        st = play(c->r, c->seed, (uint64_t)(c->first + k), &mm, &o);
        if (st != BMD_OK)
            break;
        runs++;
        any_leak += o.leakers > 0;
        leakers += o.leakers;
        fired += o.fired;
        for (int i = 0; i < o.n_threats; i++)
            m->threat_leaks[i] += o.threats[i].leaked;
        bmd_raid_result_free(&o);
    }
    memo_free(&mm);
    m->runs = runs;
    m->any_leak = any_leak;
    m->leakers = leakers;
    m->fired = fired;
    return st;
}

void bmd_raid_mc_free(bmd_raid_mc *mc)
{
    free(mc->threat_leaks);
    memset(mc, 0, sizeof *mc);
}

bmd_status bmd_raid_monte_carlo(const bmd_raid *r, uint64_t seed, long runs, int threads,
                                bmd_raid_mc *out)
{
    return bmd_raid_monte_carlo_range(r, seed, 0, runs, threads, out);
}

bmd_status bmd_raid_monte_carlo_range(const bmd_raid *r, uint64_t seed, long first, long runs,
                                      int threads, bmd_raid_mc *out)
{
    memset(out, 0, sizeof *out);
    if (!r || runs < 1 || first < 0)
        return BMD_ERR_ARG;
    int blocks = bmd_parallel_threads(threads, runs);
    size_t nt = (size_t)(r->nt > 0 ? r->nt : 1);
    mc_ctx c = {r, seed, first, runs, blocks, calloc((size_t)blocks, sizeof *c.part)};
    out->threat_leaks = calloc(nt, sizeof *out->threat_leaks);
    bmd_status st = c.part && out->threat_leaks ? BMD_OK : BMD_ERR_NOMEM;
    for (int q = 0; st == BMD_OK && q < blocks; q++)
        /* 8 spare counts (64 bytes) after each block's: no cache line shared between them */
        if (!(c.part[q].threat_leaks = calloc(nt + 8, sizeof *c.part[q].threat_leaks)))
            st = BMD_ERR_NOMEM;
    if (st == BMD_OK)
        st = bmd_parallel_for(blocks, blocks, mc_block, &c, NULL);
    for (int q = 0; c.part && q < blocks; q++) {
        if (st == BMD_OK) {
            out->runs += c.part[q].runs;
            out->any_leak += c.part[q].any_leak;
            out->leakers += c.part[q].leakers;
            out->fired += c.part[q].fired;
            for (size_t i = 0; i < (size_t)r->nt; i++)
                out->threat_leaks[i] += c.part[q].threat_leaks[i];
        }
        free(c.part[q].threat_leaks);
    }
    free(c.part);
    if (st != BMD_OK)
        bmd_raid_mc_free(out);
    return st;
}
