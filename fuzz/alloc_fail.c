/* SPDX-License-Identifier: MIT */
/* alloc_fail.c: allocation-failure test of the loaders (curl's torture mode, Lua's memlimit).
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, every allocation the library makes
 * itself (not those inside libyaml or the C library) comes here; the k-th fails. For k = 1, 2, ...
 * until a load makes fewer than k allocations, bmd_catalog_load and bmd_scenario_load (a scenario
 * with includes) must fail with BMD_ERR_NOMEM and free what they took (LeakSanitizer checks that
 * at exit under BMD_SANITIZE). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmd/bmd.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);

static long fail_at;   /* the allocation to fail (1-based); 0: none */
static long count;     /* allocations since the last reset */
static bool failed;    /* the failure was injected */

static bool fail_now(void)
{
    if (fail_at > 0 && ++count == fail_at) {
        failed = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t m, size_t n) { return fail_now() ? NULL : __real_calloc(m, n); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }

static void arm(long k)
{
    fail_at = k;
    count = 0;
    failed = false;
}

static int errors;

/* One load with the k-th allocation failing: true while some allocation failed. */
static bool check(const char *what, long k, bmd_status st, const bmd_load_error *err)
{
    bool injected = failed;
    arm(0);
    if (!injected) {
        if (st != BMD_OK) {
            fprintf(stderr, "alloc_fail: %s with no failure: %s: %s\n", what,
                    bmd_status_str(st), err->msg);
            errors++;
        }
        return false;
    }
    if (st != BMD_ERR_NOMEM) {
        fprintf(stderr, "alloc_fail: %s, allocation %ld failing: %s (%s:%d: %s), expected %s\n",
                what, k, bmd_status_str(st), err->file, err->line, err->msg,
                bmd_status_str(BMD_ERR_NOMEM));
        errors++;
    }
    return true;
}

int main(void)
{
    const char *data = bmd_data_dir();
    const char *e = getenv("BMDSIM_SCENARIOS");
    char scn[4096];
    snprintf(scn, sizeof scn, "%s/russian-icbms-all-bases.yaml", e && *e ? e : BMD_SCENARIO_DIR);
    bmd_load_error err;
    long n_cat = 0;
    for (long k = 1;; k++) {
        bmd_catalog *cat = NULL;
        arm(k);
        bmd_status st = bmd_catalog_load(data, &cat, &err);
        bool more = check("bmd_catalog_load", k, st, &err);
        if (st == BMD_OK)
            bmd_catalog_free(cat);
        else if (cat) {
            fprintf(stderr, "alloc_fail: bmd_catalog_load failed but returned a catalog\n");
            errors++;
        }
        if (!more)
            break;
        n_cat = k;
    }
    bmd_catalog *cat = NULL;
    if (bmd_catalog_load(data, &cat, &err) != BMD_OK) {
        fprintf(stderr, "alloc_fail: cannot load the catalog: %s\n", err.msg);
        return 1;
    }
    long n_scn = 0;
    for (long k = 1;; k++) {
        bmd_scenario s;
        arm(k);
        bmd_status st = bmd_scenario_load(scn, cat, &s, &err);
        bool more = check("bmd_scenario_load", k, st, &err);
        if (st == BMD_OK)
            bmd_scenario_free(&s);
        if (!more)
            break;
        n_scn = k;
    }
    bmd_catalog_free(cat);
    printf("alloc_fail: every one of %ld allocations of bmd_catalog_load and %ld of "
           "bmd_scenario_load failed in turn: %d errors\n", n_cat, n_scn, errors);
    return errors ? 1 : 0;
}
