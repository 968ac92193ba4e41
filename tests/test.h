/// @file test.h
/// A dependency-free test harness: each test file is one executable run by CTest.
/// ENSURE(c) checks a condition; CHECK_NEAR(got, want, tol) an absolute tolerance and
/// CHECK_REL(got, want, rtol) a relative one, printing want, got and the error (after ERFA's vvd).
/// A file's main() calls RUN(fn) for each test and returns test_summary().
#ifndef BMD_TEST_H
#define BMD_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_failures_;
static int test_checks_;
static const char *test_current_ = "";

#define ENSURE(c)                                                                                  \
    do {                                                                                           \
        test_checks_++;                                                                            \
        if (!(c)) {                                                                                \
            test_failures_++;                                                                      \
            fprintf(stderr, "%s:%d: %s: ENSURE(%s) failed\n", __FILE__, __LINE__, test_current_,   \
                    #c);                                                                           \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want), t_ = (tol);                                                \
        test_checks_++;                                                                            \
        if (!(fabs(g_ - w_) <= t_)) {                                                              \
            test_failures_++;                                                                      \
            fprintf(stderr, "%s:%d: %s: %s: want %.15g got %.15g (error %.3g, tolerance %.3g)\n",  \
                    __FILE__, __LINE__, test_current_, #got, w_, g_, g_ - w_, t_);                 \
        }                                                                                          \
    } while (0)

#define CHECK_REL(got, want, rtol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want), t_ = (rtol);                                               \
        test_checks_++;                                                                            \
        if (!(fabs(g_ - w_) <= t_ * fabs(w_))) {                                                   \
            test_failures_++;                                                                      \
            fprintf(stderr,                                                                        \
                    "%s:%d: %s: %s: want %.15g got %.15g (relative error %.3g, tolerance %.3g)\n", \
                    __FILE__, __LINE__, test_current_, #got, w_, g_, (g_ - w_) / w_, t_);          \
        }                                                                                          \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        int before_ = test_failures_;                                                              \
        test_current_ = #fn;                                                                       \
        fn();                                                                                      \
        fprintf(stderr, "%s %s\n", test_failures_ == before_ ? "ok  " : "FAIL", #fn);              \
    } while (0)

static inline int test_summary(void)
{
    fprintf(stderr, "%d checks, %d failed\n", test_checks_, test_failures_);
    return test_failures_ ? 1 : 0;
}

#endif
