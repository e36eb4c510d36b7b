/*
 * match.h: matchmaking, both sides.  Event driven: run at the end of a
 * loop turn in which a job became idle or a slot became free.  It takes
 * its context explicitly and calls no link code: each match is handed to
 * the context's start function, which orders the start (after the
 * turn's commit, in the scheduler).
 */
#ifndef CQ_MATCH_H
#define CQ_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "autocluster.h"

struct job;
struct job_list;
struct slot;
struct slots;

struct match_ctx {
	struct job_list		*idle;		/* in matching order */
	struct slots		*slots;		/* the free list */
	int64_t			 now;		/* mono ms */
	autocluster_attr_fn	 attr;		/* job attributes */
	/* Start J on S: S must leave the free list (claimed). */
	void			(*start)(struct job *j, struct slot *s,
				    void *arg);
	void			*arg;
	/*
	 * If set, the idle jobs in this order instead (asked again after
	 * each start): the scheduler's fair share (share.c).
	 */
	struct job		*(*next)(void *next_arg);
	void			*next_arg;
	/*
	 * With next: the idle job after J of J's submitter that may start
	 * now (NULL: none), and put J back so that next() gives it again in
	 * its turn (owner-aware placement's window, match_choose).  Without
	 * next, the idle list is one submitter's.
	 */
	struct job		*(*after)(struct job *j, void *next_arg);
	void			 (*again)(struct job *j, void *next_arg);

	/* Figures of the last run. */
	size_t			 njobs;		/* idle jobs looked at */
	size_t			 nclusters;	/* autoclusters judged */
	size_t			 njudged;	/* slot judgements */
	size_t			 nstarted;
	size_t			 npassed;	/* first jobs passed over */
};

/*
 * How long owner-aware placement may go on passing a job over, from the
 * first time (match.c): a day, in which every office desktop has a night.
 */
#define MATCH_PASS_MAX_MS	(24LL * 3600 * 1000)

/*
 * Start as many idle jobs as free slots allow, in the idle list's order:
 * each job takes the best slot free for it (its rank, then the machine's
 * rank of it, then the free list's order).  An autocluster's slots are
 * judged once per run; one with none left is skipped.  With owner-aware
 * placement the slot may go to a job of a window after the first one
 * instead, of the same submitter, that suits the slot's expected owner
 * absence better (docs/matchmaking.md); a job is passed over for at most
 * MATCH_PASS_MAX_MS from the first time.  Returns the number started.
 */
int	match_run(struct match_ctx *mc);

#endif
