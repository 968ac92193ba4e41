/// @file assign.h
/// Weapon-target assignment for the battle manager: which interceptor sites fire how many
/// interceptors at which threats.
///
/// Model (docs/assign.md). Threat t threatens an asset worth value[t] > 0; site s holds
/// inventory[s] >= 0 interceptors; one interceptor of site s kills threat t with probability
/// pk[t][s] in [0, 1] (0 where the site has no engagement window against the threat), shots being
/// independent. The doctrine fires salvos of `salvo` interceptors (1: shoot-shoot-..., 2: a salvo
/// of two from one site) and allows at most `cap` interceptors at any one threat. An assignment
/// x[t][s] (interceptors, a multiple of the salvo) is feasible when sum_t x[t][s] <= inventory[s]
/// and sum_s x[t][s] <= cap. Its expected value destroyed is
///     V(x) = sum_t value[t] (1 - prod_s (1 - pk[t][s])^x[t][s]),
/// and the solvers maximise it. Each threat's leak probability is prod_s (1 - pk[t][s])^x[t][s];
/// the expected number of leakers is their sum.
///
/// Two solvers: bmd_wta_exact (dynamic programming over threats, every allocation enumerated:
/// the optimum, for small problems) and bmd_wta_greedy (maximum marginal return, den Broeder,
/// Ellison & Emerling 1959: optimal when every site is equally good against each threat, else a
/// heuristic guaranteed at least a third of the optimum, half when the cap does not bind).
#ifndef BMD_ASSIGN_H
#define BMD_ASSIGN_H

#include <stdint.h>

#include "bmd/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A weapon-target assignment problem. The arrays stay the caller's.
typedef struct bmd_wta_problem {
    int n_threats;          ///< number of threats (>= 0)
    int n_sites;            ///< number of interceptor sites (>= 0)
    const double *value;    ///< [n_threats] worth of the asset each threat threatens (> 0, finite)
    const int *inventory;   ///< [n_sites] interceptors at each site (>= 0)
    const double *pk;       ///< [n_threats * n_sites] single-shot kill probability, row-major:
                            ///< pk[t * n_sites + s], in [0, 1]; 0 = the site cannot engage
    int salvo;              ///< interceptors per engagement: 1 or 2
    int cap;                ///< most interceptors at one threat (>= 0; cap / salvo engagements)
} bmd_wta_problem;

/// One decision: a salvo of `shots` interceptors from `site` at `threat`.
typedef struct bmd_wta_decision {
    int threat;             ///< threat index
    int site;               ///< site index
    int shots;              ///< interceptors fired (the salvo)
    double gain;            ///< marginal expected value destroyed by this salvo, given the
                            ///< salvos at the same threat before it
    double leak_after;      ///< the threat's leak probability after this salvo
} bmd_wta_decision;

/// Where a solver writes its answer. The caller provides the arrays and sets the pointers and
/// log_cap; the solver fills the rest.
typedef struct bmd_wta_result {
    int *x;                 ///< [n_threats * n_sites] (required): interceptors assigned,
                            ///< row-major x[t * n_sites + s], each a multiple of the salvo
    double *leak;           ///< [n_threats] (may be NULL): each threat's leak probability
    bmd_wta_decision *log;  ///< [log_cap] (may be NULL): the decisions, in the order decided
    int log_cap;            ///< entries log can hold
    int n_log;              ///< decisions made; only the first log_cap are written
    int shots_used;         ///< interceptors assigned in all
    double value_destroyed; ///< expected value destroyed V(x)
    double value_leaked;    ///< expected value not destroyed: sum value - V(x)
    double expected_leakers;///< sum over threats of the leak probability
} bmd_wta_result;

/// Limits of bmd_wta_exact.
enum {
    BMD_WTA_EXACT_MAX_THREATS = 16, ///< most threats
    BMD_WTA_EXACT_MAX_SITES = 4,    ///< most sites
    BMD_WTA_EXACT_MAX_STATES = 65536 ///< most inventory states prod_s (E_s + 1), E_s the salvos
                                     ///< site s can usefully fire (docs/assign.md)
};
/// Most work (threats x inventory states x allocations of one threat) bmd_wta_exact accepts.
#define BMD_WTA_EXACT_MAX_WORK 33554432.0

/// Check a problem: BMD_OK, or BMD_ERR_ARG for a NULL array with a positive count, a negative
/// count, inventory or cap, a value not finite and > 0, a pk outside [0, 1] or NaN, or a salvo
/// other than 1 or 2.
bmd_status bmd_wta_check(const bmd_wta_problem *p);

/// Evaluate an assignment x (row-major, interceptors) of problem p into r (r->x is not used and
/// may be NULL; r->log is not touched): value destroyed, value leaked, expected leakers, shots
/// and, when r->leak is set, each threat's leak probability.
/// BMD_ERR_ARG for a bad problem (bmd_wta_check) or an infeasible x: a negative entry, one not a
/// multiple of the salvo, a site over its inventory or a threat over the cap. On error r is
/// unchanged.
bmd_status bmd_wta_evaluate(const bmd_wta_problem *p, const int *x, bmd_wta_result *r);

/// The optimal assignment, by dynamic programming over the threats with the sites' remaining
/// inventories as the state (Bellman), every allocation of each threat enumerated. Allocations
/// that fire at a threat from a site with pk = 0 are never made. The log lists the optimum's
/// salvos threat by threat, each threat's from its best site down, with their marginal gains.
/// One allocation, freed before return.
/// Returns BMD_ERR_ARG for a bad problem or r->x NULL; BMD_ERR_RANGE when the problem exceeds
/// the limits above (more than 16 threats or 4 sites, too many inventory states or too much
/// work: use bmd_wta_greedy); BMD_ERR_NOMEM. On error r is unchanged.
bmd_status bmd_wta_exact(const bmd_wta_problem *p, bmd_wta_result *r);

/// The greedy maximum-marginal-return assignment (den Broeder, Ellison & Emerling 1959): salvo by
/// salvo, fire where the expected value destroyed grows most, value[t] * leak[t] * (1 - (1 -
/// pk[t][s])^salvo), over threats below the cap and sites with a salvo left; stop when no salvo
/// gains anything. A max-heap of threats keyed by their best marginal gain, lazily updated (gains
/// only fall), and each threat's sites sorted once by pk: O(T S log S + (D + T S) log T)
/// for T threats, S sites and D decisions. Ties go to the lower threat index, then the lower
/// site index.
/// Optimal when the sites are interchangeable: one site, or each threat's pk the same from every
/// site (pk[t][s] = p_t for all s). Otherwise a heuristic that gets at least 1/3 of the optimum
/// (1/2 when the cap never binds): Fisher, Nemhauser & Wolsey 1978.
/// One allocation, freed before return; nothing allocated in the loop.
/// Returns BMD_ERR_ARG for a bad problem or r->x NULL; BMD_ERR_NOMEM. On error r is unchanged.
bmd_status bmd_wta_greedy(const bmd_wta_problem *p, bmd_wta_result *r);

/// The leak probability of a threat under n_shots independent shots each of kill probability pk:
/// (1 - pk)^n_shots. NaN for n_shots < 0 or pk outside [0, 1] or NaN.
double bmd_leak_probability(int n_shots, double pk);

/// A Monte Carlo estimate of a leak probability with its 95% Wilson score interval.
typedef struct bmd_leak_mc {
    int64_t n_runs;         ///< engagements simulated
    int64_t n_leaks;        ///< of which every shot missed
    double fraction;        ///< n_leaks / n_runs
    double lo, hi;          ///< 95% Wilson score interval (Wilson 1927) of the leak probability
    double closed_form;     ///< prod_i (1 - pk[i]): the exact leak probability
} bmd_leak_mc;

/// The 95% Wilson score interval (E. B. Wilson, JASA 22, 1927) of k successes in n > 0 trials.
void bmd_wilson_interval(double k, double n, double *lo, double *hi);

/// The stream index that bmd_leak_monte_carlo uses with purpose BMD_RNG_CASE ("WTA").
#define BMD_WTA_RNG_TAG 0x575441u

/// Simulate n_runs engagements of one threat by n_shots independent shots of kill probabilities
/// pk[0..n_shots-1]: shot i of run k kills when its uniform draw is below pk[i]; the draws are
/// bmd_rng_uniform4 on (seed, bmd_rng_stream(BMD_RNG_CASE, BMD_WTA_RNG_TAG, 0)) at counter
/// k * ceil(n_shots / 4) + i / 4, element i % 4, so a run's outcome depends only on (seed, k).
/// Wilson interval with z = 1.959963984540054: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) /
/// (1 + z^2/n). BMD_ERR_ARG for n_shots < 0, n_runs < 1, a pk outside [0, 1] or NaN, or NULL
/// pointers (pk may be NULL when n_shots is 0). On error *out is unchanged.
bmd_status bmd_leak_monte_carlo(const double pk[], int n_shots, int64_t n_runs, uint64_t seed,
                                bmd_leak_mc *out);

#ifdef __cplusplus
}
#endif
#endif
