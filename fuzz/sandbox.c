/* SPDX-License-Identifier: MIT */
/* sandbox.c: the fuzz targets' private folder and the fopen jail (sandbox.h). */
#define _XOPEN_SOURCE 700
#include "sandbox.h"

#include "bmd/bmd.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

static char dir[PATH_MAX];
static bool jail_on;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_sandbox(void)
{
    if (dir[0])
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void sandbox_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

void sandbox_report(int status, const struct bmd_load_error *err)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("BMD_FUZZ_VERBOSE") != NULL;
    if (!verbose)
        return;
    if (status == BMD_OK)
        fprintf(stderr, "  ok\n");
    else
        fprintf(stderr, "  %s: %s:%d:%d: %s\n", bmd_status_str((bmd_status)status), err->file,
                err->line, err->col, err->msg);
}

const char *sandbox_dir(void)
{
    if (dir[0])
        return dir;
    const char *tmp = getenv("TMPDIR");
    char templ[PATH_MAX];
    snprintf(templ, sizeof templ, "%s/bmd-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(templ)) {
        fprintf(stderr, "fuzz: cannot create %s: %s\n", templ, strerror(errno));
        return NULL;
    }
    if (!realpath(templ, dir)) {
        fprintf(stderr, "fuzz: cannot resolve %s: %s\n", templ, strerror(errno));
        dir[0] = '\0';
        return NULL;
    }
    atexit(remove_sandbox);
    return dir;
}

const char *sandbox_write(const char *name, const void *data, size_t size)
{
    static char path[PATH_MAX + 256];
    if (!sandbox_dir())
        return NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    /* The folders of name. */
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(path, 0700);
        *s = '/';
    }
    FILE *f = __real_fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    return path;
}

bool sandbox_copy_yaml(const char *src_dir, const char *sub)
{
    DIR *dp = opendir(src_dir);
    if (!dp) {
        fprintf(stderr, "fuzz: cannot open %s: %s\n", src_dir, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(dp)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        char src[PATH_MAX + 256];
        char dst[PATH_MAX];
        snprintf(src, sizeof src, "%s/%s", src_dir, de->d_name);
        snprintf(dst, sizeof dst, "%s%s%s", sub, *sub ? "/" : "", de->d_name);
        FILE *f = __real_fopen(src, "rb");
        char *buf = NULL;
        long n = -1;
        if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
            (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n)
            ok = sandbox_write(dst, buf, (size_t)n) != NULL;
        else
            ok = false;
        if (!ok)
            fprintf(stderr, "fuzz: cannot copy %s\n", src);
        free(buf);
        if (f)
            fclose(f);
    }
    closedir(dp);
    return ok;
}

void sandbox_jail(bool on) { jail_on = on; }

/* The library opens files only with fopen (src/scenario/yamldoc.c); linked with
 * -Wl,--wrap=fopen, its calls come here. The jail is on reads: libFuzzer's own fopen calls come
 * here too, and when an input crashes the library, libFuzzer writes it out while the jail is on. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (!jail_on || mode[0] != 'r')
        return __real_fopen(path, mode);
    char real[PATH_MAX];
    if (!realpath(path, real))
        return NULL; /* errno from realpath: the file does not exist, or a loop */
    size_t n = strlen(dir);
    if (!dir[0] || strncmp(real, dir, n) != 0 || real[n] != '/') {
        errno = EACCES;
        return NULL;
    }
    return __real_fopen(path, mode);
}
