/* SPDX-License-Identifier: MIT */
/* fail_alloc.h: the failing allocator of the allocation-failure tests (alloc_fail.c,
 * store_alloc_fail.c).
 *
 * A test linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc and fail_alloc.c has every
 * allocation made by the objects it links (the library, the command line's files it compiles,
 * the test itself; not those inside shared libraries or the C library) counted here, and the
 * k-th one after fail_alloc_arm(k) fails (returns NULL). Shared libraries that accept an
 * allocator (SQLite's SQLITE_CONFIG_MALLOC, cJSON_InitHooks) can be given malloc and realloc
 * from a wrapped object, and then count and fail the same way. Thread-safe (atomics). */
#ifndef BMD_FUZZ_FAIL_ALLOC_H
#define BMD_FUZZ_FAIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* The C library's own functions, which never fail on purpose (for the tests' bookkeeping). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);

/* From now on, the k-th allocation (1-based) fails; 0: none. Resets the count and the flag. */
void fail_alloc_arm(long k);
/* From now on, the k-th allocation and every one after it fail (memory exhausted for good);
 * 0: none. */
void fail_alloc_arm_from(long k);
/* Allocations since the last fail_alloc_arm or fail_alloc_arm_from. */
long fail_alloc_count(void);
/* Whether an armed failure was injected. */
bool fail_alloc_failed(void);
/* Print the stack of each injected failure (sanitizer builds). */
void fail_alloc_trace(bool on);

/* The places allocations come from while recording: return address, first and last k. */
typedef struct fail_alloc_site {
    void *ra;
    long first, last;
} fail_alloc_site;

/* Forget the places noted. */
void fail_alloc_forget(void);
/* Start or stop noting the places (not thread-safe: a single-threaded call only). */
void fail_alloc_record(bool on);
/* The places noted; *n their number. */
const fail_alloc_site *fail_alloc_sites(int *n);

#endif
