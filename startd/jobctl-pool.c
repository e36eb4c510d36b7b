/*
 * jobctl-pool.c: job cgroups used again.  Each job has groups of its own
 * in up to five hierarchies (cgroup2, and the v1 freezer, memory, pids
 * and cpuacct); making them (a mkdir in each, a memory cgroup's per-CPU
 * state among them) and removing them (an rmdir in each) was a third of
 * what a short job cost the agent.  So the groups of a job that ended
 * cleanly go to a small pool, and the next job takes them as they are:
 *
 * - only once the job's init was reaped (its pid namespace is then
 *   empty) and its groups hold no process;
 * - only if nothing froze them (the freeze ladder, a kill's freeze) or
 *   killed through them (jobctl_kill(): on kernel 6.18 a group that was
 *   once cgroup.kill'ed kills every process later cloned into it with
 *   CLONE_INTO_CGROUP, as its kill count differs from the parent's), and
 *   its memory group saw no OOM kill (the counter cannot be reset);
 * - only if its memory group has under JOBCTL_POOL_KEEP_KB charged
 *   still (the page cache of files the job wrote stays charged to the
 *   group; a group with more is removed, so no job inherits a charge it
 *   did not make);
 * - its peak usage (memory.max_usage_in_bytes) is reset when it goes in,
 *   and the next job's limits are written where they differ from the
 *   ones the set holds (jobctl-lim.c; both kept with the set);
 * - the control files its jobs' starts and ends use stay open with it
 *   (jobctl-keep.c).
 *
 * Anything else, and a full pool, removes the groups as before.  The pool
 * lives in our own subtree, so the sweeps at start and exit (jobctl-cg.c)
 * remove what is in it.  CQ_JOBCTL_NO_POOL=1 (a test-only switch, read by
 * jobctl_init()) turns it off.  Called by jobctl-cg.c only.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"
#include "log.h"

#define JOBCTL_POOL_MAX		64
#define JOBCTL_POOL_KEEP_KB	1024

struct jobctl_pooled {
	char		name[JOBCTL_NAME_MAX];
	unsigned	mask;
	int64_t		lim_mem;	/* the limits it holds (jobctl-lim.c) */
	int64_t		lim_pids;
	struct jobctl_kept kept[JOBCTL_KEPT_MAX]; /* open (jobctl-keep.c) */
	int		nkept;
};

static struct jobctl_pooled	pool[JOBCTL_POOL_MAX];
static int			npool;
static int			pool_off;

/* Read once at jobctl_init(): the test-only switch. */
void
jobctl_pool_init(void)
{
	const char	*v;

	jobctl_pool_clear();
	pool_off = (v = getenv("CQ_JOBCTL_NO_POOL")) != NULL &&
	    strcmp(v, "1") == 0;
}

/* Forget the pool (the groups themselves go with the subtree's sweep),
 * closing what it kept open. */
void
jobctl_pool_clear(void)
{
	int	i;

	for (i = 0; i < npool; i++)
		jobctl_keep_close(pool[i].kept, &pool[i].nkept);
	npool = 0;
}

/* Bytes charged to J's memory group, or -1 if unknown. */
static long long
jobctl_pool_usage(struct jobctl_job *j, int mh)
{
	char		 buf[32];
	const char	*errstr;
	long long	 v;

	if (jobctl_keep_read(j, mh, "memory.usage_in_bytes", buf,
	    sizeof buf) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	v = strtonum(buf, 0, LLONG_MAX, &errstr);
	return errstr == NULL ? v : -1;
}

/*
 * Keep J's groups for the next job if they qualify (see the top); 0 with
 * J's groups now the pool's (J's mask cleared), or -1: remove them.
 */
int
jobctl_pool_put(struct jobctl_job *j)
{
	int		mh = jobctl_tab.alias[JOBCTL_MEMORY];
	char		buf[16];
	int		h;
	long long	used;

	if (pool_off || npool == JOBCTL_POOL_MAX || j->bare ||
	    j->state == JOBCTL_LIVE || j->state == JOBCTL_PENDING ||
	    j->frz != 0 || j->tainted || j->oomk != 0 ||
	    j->mask == 0 || j->mask != jobctl_tab.mask)
		return -1;
	h = (j->mask & JOBCTL_BIT(JOBCTL_CG2)) ? JOBCTL_CG2 : JOBCTL_FREEZER;
	/* Empty: its cgroup.procs reads nothing. */
	if (jobctl_keep_read(j, h, "cgroup.procs", buf, sizeof buf) != 0)
		return -1;
	if (j->mask & JOBCTL_BIT(mh)) {
		used = jobctl_pool_usage(j, mh);
		if (used < 0 || used > (long long)JOBCTL_POOL_KEEP_KB << 10 ||
		    jobctl_keep_write(j, mh, "memory.max_usage_in_bytes",
		    "0") == -1)
			return -1;
	}
	strlcpy(pool[npool].name, j->name, sizeof pool[npool].name);
	pool[npool].mask = j->mask;
	pool[npool].lim_mem = j->lim_mem;
	pool[npool].lim_pids = j->lim_pids;
	memcpy(pool[npool].kept, j->kept, sizeof j->kept);
	pool[npool].nkept = j->nkept;
	npool++;
	j->nkept = 0;		/* the pool's now */
	j->mask = 0;
	return 0;
}

/* Give J pooled groups; 0, or -1 if the pool is empty. */
int
jobctl_pool_get(struct jobctl_job *j)
{
	if (npool == 0)
		return -1;
	npool--;
	strlcpy(j->name, pool[npool].name, sizeof j->name);
	j->mask = pool[npool].mask;
	j->lim_mem = pool[npool].lim_mem;
	j->lim_pids = pool[npool].lim_pids;
	memcpy(j->kept, pool[npool].kept, sizeof j->kept);
	j->nkept = pool[npool].nkept;
	pool[npool].nkept = 0;
	j->reused = 1;
	return 0;
}
