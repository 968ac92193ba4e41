/* SPDX-License-Identifier: MIT */
/* fail_alloc.c: the failing allocator of the allocation-failure tests (fail_alloc.h). */
#include "fail_alloc.h"

#include <stdatomic.h>

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);

static atomic_long fail_at;   /* the allocation to fail (1-based); 0: none */
static atomic_long count;     /* allocations since the last arm */
static atomic_bool from_on;   /* every allocation from fail_at on fails */
static atomic_bool failed;    /* the failure was injected */
static atomic_bool recording; /* note where each allocation comes from */
static atomic_bool tracing;

#define MAX_SITES 1024
static fail_alloc_site sites[MAX_SITES];
static int n_sites;

static void note_site(void *ra, long k)
{
    for (int i = 0; i < n_sites; i++)
        if (sites[i].ra == ra) {
            sites[i].last = k;
            return;
        }
    if (n_sites < MAX_SITES)
        sites[n_sites++] = (fail_alloc_site){ra, k, k};
}

void __sanitizer_print_stack_trace(void) __attribute__((weak));

static bool fail_now(void *ra)
{
    long k = atomic_fetch_add(&count, 1) + 1;
    if (atomic_load(&recording))
        note_site(ra, k);
    long at = atomic_load(&fail_at);
    if (at > 0 && (k == at || (k > at && atomic_load(&from_on)))) {
        atomic_store(&failed, true);
        if (atomic_load(&tracing) && __sanitizer_print_stack_trace)
            __sanitizer_print_stack_trace();
        return true;
    }
    return false;
}

__attribute__((noinline)) void *__wrap_malloc(size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_malloc(n);
}
__attribute__((noinline)) void *__wrap_calloc(size_t m, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_calloc(m, n);
}
__attribute__((noinline)) void *__wrap_realloc(void *p, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_realloc(p, n);
}

void fail_alloc_arm(long k)
{
    atomic_store(&from_on, false);
    atomic_store(&fail_at, k);
    atomic_store(&count, 0);
    atomic_store(&failed, false);
}

void fail_alloc_arm_from(long k)
{
    fail_alloc_arm(k);
    atomic_store(&from_on, true);
}

long fail_alloc_count(void)
{
    return atomic_load(&count);
}

bool fail_alloc_failed(void)
{
    return atomic_load(&failed);
}

void fail_alloc_trace(bool on)
{
    atomic_store(&tracing, on);
}

void fail_alloc_forget(void)
{
    n_sites = 0;
}

void fail_alloc_record(bool on)
{
    atomic_store(&recording, on);
}

const fail_alloc_site *fail_alloc_sites(int *n)
{
    *n = n_sites;
    return sites;
}
