/*
 * place.h: placement that avoids evictions (docs/matchmaking.md).  A
 * job's expected run time is its +ExpectedRuntime, else the median run
 * time of its cluster's completed procs; a desktop's expected owner
 * absence is what its agent advertises (ExpectedOwnerAbsence).  Among
 * the slots that the job's rank and the machine's rank leave tied, the
 * scheduler prefers the one whose owner is likely to stay away least
 * long but still long enough for the job (a best fit), else the one
 * whose owner stays away longest.  `placement = blind` turns it off.
 * Domain code: no libevent, json-c or SQLite.
 */
#ifndef CQ_PLACE_H
#define CQ_PLACE_H

#include <stdint.h>

struct job;
struct machine;

/* What a vacate leaves of a job's work (struct job's keeps). */
enum place_keeps {
	PLACE_KEEPS_NONE,	/* nothing: it starts again from its start
				   (or its last checkpoint of its own) */
	PLACE_KEEPS_SIGNAL,	/* all: checkpoint_exit_code, its files travel
				   (the agent's checkpoint signal) */
	PLACE_KEEPS_CRIU	/* all on a machine with CRIU: checkpoint =
				   criu, its files travel (a dump) */
};

enum place_mode {
	PLACE_OWNER_AWARE,	/* "owner-aware", the default */
	PLACE_BLIND		/* "blind": the free list's order */
};

/* MODE's name ("owner-aware", "blind"). */
const char	*place_mode_str(enum place_mode mode);
/* Parse S into *OUT: 0, or -1 if it names no mode. */
int		 place_mode_parse(const char *s, enum place_mode *out);
/* Set the mode (at start-up; PLACE_BLIND until then). */
void		 place_set_mode(enum place_mode mode);
enum place_mode	 place_mode(void);
/*
 * J's expected run time in seconds: its +ExpectedRuntime rounded to two
 * significant digits (clusters_round: jobs are grouped by it), else its
 * cluster's learned one; -1 if neither is known, or placement is blind.
 * An autocluster_runtime_fn.
 */
int64_t		 place_runtime(const struct job *j);
/*
 * How well a slot of M suits a job of RUNTIME_S seconds: higher is
 * better.  A fit (absence >= run time) beats every slot that does not
 * fit, the smallest fitting absence first; among those that do not fit,
 * the longest absence first; 0 if the run time or the absence is
 * unknown (after every slot with one).
 */
double		 place_score(int64_t runtime_s, const struct machine *m);
/*
 * What a vacate leaves of a job's work, from its description: whether
 * its files travel (jobdesc_xfer_wanted: the agent keeps a checkpoint
 * only in a sandbox), its checkpoint_exit_code (-1: none) and its
 * `checkpoint` (NULL or "criu").  docs/criu.md and startd/jobs.c.
 */
enum place_keeps place_keeps(int xfer, int64_t checkpoint_exit_code,
		    const char *checkpoint);
/* 1 if a vacate on M keeps the work of a job that KEEPS so. */
int		 place_keeps_on(enum place_keeps keeps,
		    const struct machine *m);

#endif
