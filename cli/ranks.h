/* SPDX-License-Identifier: MIT */
/* ranks.h: the processes of one bmdsim command started by an MPI launcher (mpirun -np N bmdsim
 * ...; docs/mpi.md). Two implementations of this interface: ranks_mpi.c (MPI, built when CMake
 * finds it: BMD_MPI) and ranks_none.c (one process). The rest of the command line calls only
 * these functions, so it has no MPI code of its own, and the library (src/) none at all.
 *
 * MPI is started only when the process was started by a launcher (its environment names a rank:
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK or PMI_SIZE) or BMDSIM_MPI=1 asks for it (a
 * singleton without mpirun); otherwise bmdsim is one plain process and never calls MPI.
 *
 * Rules for the callers. Every rank runs the same command on the same inputs; a collective call
 * (ranks_sum, ranks_bcast, ranks_agree) must be reached by every rank in the same order, so each
 * failure that one rank alone can meet is followed by ranks_agree before the next collective.
 * Only rank 0 prints: the other ranks' stdout goes to /dev/null and cli_error and the progress
 * bar are silent there. Commands that are not distributed run on rank 0 alone. */
#ifndef BMD_CLI_RANKS_H
#define BMD_CLI_RANKS_H

#include <stdbool.h>
#include <stddef.h>

#include "bmd/parallel.h"

/* Start MPI when launched by an MPI launcher (or BMDSIM_MPI=1); otherwise one rank. Returns false
 * (the error printed) when MPI was wanted and could not start. */
bool ranks_init(int *argc, char ***argv);

/* End MPI (when started). Every rank calls it once, last. */
void ranks_finalize(void);

/* This process's rank (0 .. ranks_size()-1) and the number of ranks (1 without MPI). */
int ranks_rank(void);
int ranks_size(void);

/* "with MPI" or "without MPI": how this bmdsim was built (bmdsim --version says it). */
const char *ranks_impl(void);

/* Threads per rank when --threads is not given: 0 (the library's default, one per processor)
 * with one rank; otherwise the processors of this machine shared among the ranks running on it
 * (at least 1), so that ranks x threads does not exceed the processors. */
int ranks_default_threads(void);

/* This rank's share of the cases first .. first+n-1: a contiguous block, the blocks in rank order
 * and their sizes differing by at most one (some empty when n < ranks). */
void ranks_split(long first, long n, long *my_first, long *my_n);

/* Sum v[0 .. n-1] over the ranks, exactly (integers); every rank receives the sums. */
void ranks_sum(long *v, int n);

/* Copy rank 0's `bytes` bytes at buf to every other rank's buf (the ranks run the same build on
 * machines of the same kind, so a struct's bytes mean the same on each). */
void ranks_bcast(void *buf, size_t bytes);

/* Gather every rank's block to rank 0: rank r's `bytes` bytes at mine go to rank 0's out, the
 * blocks one after the other in rank order (so with ranks_split's contiguous shares, each case
 * lands at its own place). Rank 0's own block is copied first (nothing to do when mine == out).
 * out is used on rank 0 only and must hold the sum of the blocks. Collective. */
void ranks_gather(const void *mine, size_t bytes, void *out);

/* Agree on an exit status: every rank gives its own (0: ok) and gets the first non-zero one in
 * rank order, or 0. When rank 0's is 0 and another rank's is not, rank 0 says which rank failed
 * (that rank's own message was silenced).
 *
 * It is the same collective as a library loop's agreement (ranks_dist's agree), so a rank that
 * failed outside a distributed loop and calls ranks_agree meets the others in that loop's
 * agreement: they receive BMD_ERR_PEER from the loop, and it the exit status 1 (or the others'
 * failure). Either way every rank has seen the failure (ranks_failed), and none calls another
 * collective. */
int ranks_agree(const char *cmd, int status);

/* Whether an agreement (ranks_agree or a distributed loop's) has reported a failure to every
 * rank: then the command ends without another collective call. false with one rank. */
bool ranks_failed(void);

/* The ranks as the library's bmd_dist (its grid loops share their items among them: bmdsim
 * run's defended areas and guarantees map); NULL with one rank. */
const bmd_dist *ranks_dist(void);

#endif
