/*
 * match.c: idle jobs to free slots.  Jobs are taken in fair-share order
 * (share.c: submitters by usage, each one's jobs by priority, then
 * submission) and each goes to the first free slot
 * whose cpus and memory cover its requests.  The walk ends when no slot is
 * free, and gives up on a job shape after one miss, so a queue of
 * thousands of jobs that fit nowhere costs one pass per distinct shape.
 * (The expression language and ranks come later and plug in here.)
 */
#include "config.h"

#include <stdint.h>

#include "match.h"
#include "queue.h"
#include "schedd.h"
#include "share.h"

#define MATCH_MAX_SHAPES	64	/* misses remembered per run */

int
match_fits(const struct job *j, const struct slot *s)
{
	if (s->state != SLOT_UNCLAIMED || s->job != NULL ||
	    s->stale_job[0] != '\0')
		return 0;
	if (j->request_cpus > s->cpus)
		return 0;
	/* A CRIU image is restored only where CRIU works (docs/criu.md). */
	if (j->ckpt_criu && !s->machine->criu)
		return 0;
	if (j->request_memory_mb > 0 && j->request_memory_mb > s->memory_mb)
		return 0;
	return 1;
}

struct shape {
	int64_t	cpus, memory_mb;
};

static int
match_known_miss(const struct shape *miss, int nmiss, const struct job *j)
{
	int	i;

	for (i = 0; i < nmiss; i++)
		if (miss[i].cpus == j->request_cpus &&
		    miss[i].memory_mb == j->request_memory_mb)
			return 1;
	return 0;
}

int
match_run(void)
{
	struct shape		 miss[MATCH_MAX_SHAPES];
	struct fairshare_walk	 fw;
	struct job		*j;
	struct slot		*s;
	int			 nmiss = 0, started = 0;

	/* Submitters in fair-share order; a full concurrency limit waits. */
	share_walk_begin(&fw);
	while ((j = share_walk_next(&fw)) != NULL) {
		if (TAILQ_EMPTY(&sd->free_slots))
			break;
		if (match_known_miss(miss, nmiss, j))
			continue;
		TAILQ_FOREACH(s, &sd->free_slots, free_entry)
			if (match_fits(j, s))
				break;
		if (s == NULL) {
			if (nmiss < MATCH_MAX_SHAPES && !j->ckpt_criu) {
				miss[nmiss].cpus = j->request_cpus;
				miss[nmiss].memory_mb = j->request_memory_mb;
				nmiss++;
			}
			continue;
		}
		queue_start(j, s);
		started++;
	}
	return started;
}
