/* SPDX-License-Identifier: MIT */
/* tables.c: what several analyses share: the sites' fly-out tables and the threat sets (bases x
 * targets), both built in parallel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/constants.h"
#include "bmd/parallel.h"
#include "bmd/targeting.h"

typedef struct tab_ctx {
    const bmd_scn_site *sites;
    bmd_flyout **tables;
    int inner_threads; /* each table's fan */
} tab_ctx;

static bmd_status tab_task(void *ctx, int i)
{
    tab_ctx *c = ctx;
    const bmd_scn_site *s = &c->sites[i];
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_flyout_opts fop = bmd_flyout_default_opts();
    fop.threads = c->inner_threads;
    return bmd_flyout_build(&s->interceptor->v, s->lat_rad, s->lon_rad, s->h_m, &fo, &fop,
                            &c->tables[i]);
}

bmd_status bmd_site_tables(const bmd_scn_site *sites, int n_sites, int threads,
                           bmd_flyout ***tables)
{
    *tables = NULL;
    if (n_sites <= 0)
        return BMD_OK;
    bmd_flyout **t = calloc((size_t)n_sites, sizeof *t);
    if (!t)
        return BMD_ERR_NOMEM;
    tab_ctx c = {sites, t, bmd_parallel_inner_threads(threads, n_sites)};
    bmd_status st = bmd_parallel_for(n_sites, threads, tab_task, &c, NULL);
    if (st != BMD_OK) {
        bmd_site_tables_free(t, n_sites);
        return st;
    }
    *tables = t;
    return BMD_OK;
}

void bmd_site_tables_free(bmd_flyout **tables, int n_sites)
{
    if (!tables)
        return;
    for (int k = 0; k < n_sites; k++)
        bmd_flyout_free(tables[k]);
    free(tables);
}

typedef struct case_ctx {
    const bmd_scn_place *bases, *targets;
    int n_targets;
    bmd_threat_case *cases;
} case_ctx;

static bmd_status case_task(void *ctx, int i)
{
    case_ctx *c = ctx;
    bmd_threat_case *k = &c->cases[i];
    const bmd_scn_place *b = &c->bases[k->base];
    const bmd_scn_place *t = &c->targets[k->target];
    const bmd_vehicle *v = &k->missile->v;
    bmd_aim aim = bmd_aim_default(v, b->lat_rad, b->lon_rad, t->lat_rad, t->lon_rad);
    aim.tolerance_m = 100.0;
    bmd_flight_opts fo = bmd_flight_default_opts();
    bmd_aim_result res;
    k->st = bmd_target(v, &aim, &fo, &res, &k->tr);
    if (k->st != BMD_OK)
        snprintf(k->why, sizeof k->why, "%.31s from %.30s to %.30s: %.50s", v->id, b->name,
                 t->name, res.why[0] ? res.why : bmd_status_str(k->st));
    /* A pair out of range is a finding, not a failure; an integrator failure is. */
    if (k->st == BMD_ERR_UNREACHABLE || k->st == BMD_ERR_NO_CONVERGE || k->st == BMD_OK)
        return BMD_OK;
    return k->st;
}

bmd_status bmd_threat_cases_fly(const bmd_scn_place *bases, int n_bases,
                                const bmd_scn_place *targets, int n_targets, int threads,
                                bmd_threat_case **out, int *n_out)
{
    *out = NULL;
    *n_out = 0;
    int n = n_bases * n_targets;
    if (n <= 0)
        return BMD_ERR_ARG;
    bmd_threat_case *c = calloc((size_t)n, sizeof *c);
    if (!c)
        return BMD_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        c[i].base = i / n_targets;
        c[i].target = i % n_targets;
        c[i].missile = bases[c[i].base].missile;
        bmd_traj_init(&c[i].tr);
        if (!c[i].missile) {
            bmd_threat_cases_free(c, n);
            return BMD_ERR_ARG;
        }
    }
    case_ctx ctx = {bases, targets, n_targets, c};
    bmd_status st = bmd_parallel_for(n, threads, case_task, &ctx, NULL);
    if (st != BMD_OK) {
        bmd_threat_cases_free(c, n);
        return st;
    }
    *out = c;
    *n_out = n;
    return BMD_OK;
}

void bmd_threat_cases_free(bmd_threat_case *c, int n)
{
    if (!c)
        return;
    for (int i = 0; i < n; i++)
        bmd_traj_free(&c[i].tr);
    free(c);
}
