/* SPDX-License-Identifier: MIT */
/* matrix.c: the feasibility matrix (analysis.h): every base x target threat against every site,
 * under every assumption set (cue) and extra launch delay, with engageable, the reason and the
 * margin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/analysis.h"
#include "bmd/parallel.h"

typedef struct fm_ctx {
    const bmd_catalog *cat;
    const bmd_scenario *s;
    bmd_flyout *const *tables;
    bmd_fm_result *r;
} fm_ctx;

static bmd_status fm_task(void *vctx, int t)
{
    fm_ctx *c = vctx;
    const bmd_scenario *s = c->s;
    const bmd_threat_case *tc = &c->r->threats[t];
    int ns = s->n_sites;
    int nq = s->analyses.fm.n_cues;
    int nd = s->analyses.fm.n_delays;
    for (int k = 0; k < ns; k++) {
        const bmd_scn_site *site = &s->sites[k];
        for (int q = 0; q < nq; q++) {
            bmd_cue cue = s->analyses.fm.cues[q];
            double t_min = HUGE_VAL;
            if (tc->st == BMD_OK) {
                bmd_status st = bmd_cue_earliest_launch_def(
                    c->cat, cue, s->analyses.cue_defs, &tc->tr, &tc->missile->sig, site->lat_rad,
                    site->lon_rad, site->h_m, s->seed, &t_min);
                if (st != BMD_OK)
                    return st;
            }
            for (int d = 0; d < nd; d++) {
                bmd_fm_cell *cell = &c->r->cells[((t * ns + k) * nq + q) * nd + d];
                cell->threat = t;
                cell->site = k;
                cell->cue = q;
                cell->delay = d;
                cell->t_min_s = t_min + s->analyses.fm.delays_s[d];
                memset(&cell->w, 0, sizeof cell->w);
                if (tc->st != BMD_OK) {
                    cell->w.reason = BMD_INT_OUT_OF_REACH;
                    cell->w.engageable = false;
                    continue;
                }
                bmd_status st = bmd_intercept_solve(&tc->tr, c->tables[k], &site->interceptor->kv,
                                                    cell->t_min_s, 1.0, &cell->w);
                if (st != BMD_OK)
                    return st;
            }
        }
    }
    return BMD_OK;
}

static bmd_status fm_cells(const bmd_catalog *cat, const bmd_scenario *s,
                           bmd_flyout *const *given, int threads, bmd_fm_result *out)
{
    const struct bmd_scn_fm *fm = &s->analyses.fm;
    bmd_flyout **own = NULL;
    bmd_status st = BMD_OK;
    if (!given) {
        st = bmd_site_tables(s->sites, s->n_sites, threads, &own);
        if (st != BMD_OK)
            return st;
    }
    bmd_flyout *const *tables = given ? given : own;
    out->n_cells = out->n_threats * s->n_sites * fm->n_cues * fm->n_delays;
    out->cells = calloc(out->n_cells > 0 ? (size_t)out->n_cells : 1, sizeof *out->cells);
    if (!out->cells)
        st = BMD_ERR_NOMEM;
    if (st == BMD_OK && out->n_cells > 0) {
        fm_ctx c = {cat, s, tables, out};
        st = bmd_parallel_for(out->n_threats, threads, fm_task, &c, NULL);
    }
    bmd_site_tables_free(own, s->n_sites);
    return st;
}

bmd_status bmd_feasibility_matrix(const bmd_catalog *cat, const bmd_scenario *s, int threads,
                                  bmd_fm_result *out)
{
    memset(out, 0, sizeof *out);
    const struct bmd_scn_fm *fm = &s->analyses.fm;
    if (fm->n_bases < 1 || fm->n_targets < 1 || fm->n_cues < 1 || fm->n_delays < 1)
        return BMD_ERR_ARG;
    bmd_status st = bmd_threat_cases_fly(fm->bases, fm->n_bases, fm->targets, fm->n_targets,
                                         threads, &out->threats, &out->n_threats);
    if (st == BMD_OK)
        st = fm_cells(cat, s, NULL, threads, out);
    if (st != BMD_OK)
        bmd_fm_result_free(out);
    return st;
}

bmd_status bmd_feasibility_matrix_on(const bmd_catalog *cat, const bmd_scenario *s,
                                     bmd_threat_case *threats, int n_threats,
                                     bmd_flyout *const *tables, int threads, bmd_fm_result *out)
{
    memset(out, 0, sizeof *out);
    const struct bmd_scn_fm *fm = &s->analyses.fm;
    if (fm->n_bases < 1 || fm->n_targets < 1 || fm->n_cues < 1 || fm->n_delays < 1 ||
        !threats || n_threats != fm->n_bases * fm->n_targets)
        return BMD_ERR_ARG;
    out->threats = threats;
    out->n_threats = n_threats;
    out->threats_borrowed = true;
    bmd_status st = fm_cells(cat, s, tables, threads, out);
    if (st != BMD_OK)
        bmd_fm_result_free(out);
    return st;
}

void bmd_fm_result_free(bmd_fm_result *r)
{
    if (!r)
        return;
    if (!r->threats_borrowed)
        bmd_threat_cases_free(r->threats, r->n_threats);
    free(r->cells);
    memset(r, 0, sizeof *r);
}
