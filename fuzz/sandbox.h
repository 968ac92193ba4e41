/* SPDX-License-Identifier: MIT */
/* sandbox.h: what the fuzz targets share: a private temporary folder that holds the input and the
 * few files it may name, and a jail on fopen (the library's only way to open a file) that refuses
 * any file outside that folder while the library reads. fuzz/README.md. */
#ifndef BMD_FUZZ_SANDBOX_H
#define BMD_FUZZ_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point, defined by each target and called by libFuzzer or by replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Create the sandbox folder once (removed at exit); its real path, or NULL after printing why. */
const char *sandbox_dir(void);
/* Write data to name (a relative path; its folders are created) inside the sandbox. The path
 * written, in a static buffer; NULL after printing why. */
const char *sandbox_write(const char *name, const void *data, size_t size);
/* Copy every *.yaml file of src_dir into the folder sub ("" for the top) of the sandbox. */
bool sandbox_copy_yaml(const char *src_dir, const char *sub);
/* While the jail is on, fopen opens for reading only files whose real path lies inside the
 * sandbox; others fail with EACCES. The targets link with -Wl,--wrap=fopen (fuzz/CMakeLists.txt). */
void sandbox_jail(bool on);
/* With BMD_FUZZ_VERBOSE set, print a load's outcome (what each corpus file exercises). */
struct bmd_load_error;
void sandbox_report(int status, const struct bmd_load_error *err);
/* Stop the fuzzer (or the replay) on a broken invariant: print it and abort. */
void sandbox_fail(const char *what, const char *detail);

#endif
