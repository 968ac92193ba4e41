/* SPDX-License-Identifier: MIT */
/* ranks_none.c: ranks.h for a bmdsim built without MPI: always one rank, every call trivial. */
#include "ranks.h"

#include <string.h>

bool ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return true;
}

void ranks_finalize(void)
{
}

int ranks_rank(void)
{
    return 0;
}

int ranks_size(void)
{
    return 1;
}

const char *ranks_impl(void)
{
    return "without MPI";
}

int ranks_default_threads(void)
{
    return 0;
}

void ranks_split(long first, long n, long *my_first, long *my_n)
{
    *my_first = first;
    *my_n = n;
}

void ranks_sum(long *v, int n)
{
    (void)v;
    (void)n;
}

void ranks_bcast(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
}

void ranks_gather(const void *mine, size_t bytes, void *out)
{
    if (mine != out && bytes > 0)
        memmove(out, mine, bytes);
}

int ranks_agree(const char *cmd, int status)
{
    (void)cmd;
    return status;
}

bool ranks_failed(void)
{
    return false;
}

const bmd_dist *ranks_dist(void)
{
    return NULL;
}
