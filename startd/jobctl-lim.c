/*
 * jobctl-lim.c: a job's limits from its requests (docs/jobs-users.md).
 * Before the fork, jobctl_cg_limits() writes them into the job's
 * cgroups (fresh, or a pooled set whose old limits it lifts first:
 * jobctl-pool.c): memory.limit_in_bytes (and memory.memsw.limit_in_bytes where
 * swap is accounted, so the job cannot swap its way past it) in its v1
 * memory group, pids.max in its pids group; what no group holds becomes an
 * rlimit the child sets (RLIMIT_DATA for a memory the job asked for, not
 * for the slot's share it gets by default; RLIMIT_NPROC for pids, only
 * where the uid is the job's alone, as the count is per user).  When
 * the leader is reaped, jobctl_cg_memstat() reads what the memory group
 * saw: the OOM kills (memory.oom_control), the limit and the peak
 * (memory.max_usage_in_bytes), so that a job killed for going over its
 * request is told apart from one that crashed.  Called by jobctl.c only.
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

/* Write the number V to FILE of J's group in H; 0 or -1. */
static int
jobctl_lim_write(const struct jobctl_job *j, int h, const char *file,
    unsigned long long v)
{
	char	num[32];

	snprintf(num, sizeof num, "%llu", v);
	return jobctl_cg_write(j, h, file, num);
}

/* 1 if the memory hierarchy has memory.memsw.* (swap accounted). */
static int
jobctl_lim_memsw(const struct jobctl_job *j, int mh)
{
	char	path[PATH_MAX];

	if (jobctl_tab.memsw == 0 && jobctl_cg_path(path, sizeof path, j, mh,
	    "memory.memsw.limit_in_bytes") == 0)
		jobctl_tab.memsw = access(path, F_OK) == 0 ? 1 : 2;
	return jobctl_tab.memsw == 1;
}

/*
 * J's memory group to hold BYTES (0: no limit); 0, or -1.  A pooled
 * group may hold the last job's limit: the swap limit first when
 * lifting (it may never be below the limit), last when setting.
 */
static int
jobctl_lim_mem(struct jobctl_job *j, int mh, unsigned long long bytes)
{
	int	memsw = jobctl_lim_memsw(j, mh), r = 0;

	if (j->lim_mem != 0 && memsw)
		r |= jobctl_cg_write(j, mh, "memory.memsw.limit_in_bytes", "-1");
	if (bytes == 0)
		r |= jobctl_cg_write(j, mh, "memory.limit_in_bytes", "-1");
	else {
		if (jobctl_lim_write(j, mh, "memory.limit_in_bytes", bytes) ==
		    -1)
			return -1;
		/* Without swap accounting the file is not there. */
		if (memsw && jobctl_lim_write(j, mh,
		    "memory.memsw.limit_in_bytes", bytes) == -1)
			log_warn("jobctl: memory.memsw.limit_in_bytes of %s",
			    j->name);
	}
	j->lim_mem = r == 0 ? (int64_t)bytes : -1;
	return 0;
}

void
jobctl_cg_limits(struct jobctl_job *j, const struct jobctl_spec *spec,
    struct jobctl_child *c)
{
	unsigned long long	bytes = 0, pids = 0;
	int			mh = jobctl_tab.alias[JOBCTL_MEMORY];
	int			ph = jobctl_tab.alias[JOBCTL_PIDS];

	c->rl_data = c->rl_nproc = 0;
	if (spec->memory_mb > 0)
		bytes = (unsigned long long)spec->memory_mb << 20;
	if (spec->max_pids > 0)
		pids = (unsigned long long)spec->max_pids;
	/* What the groups hold already (a pooled set's) is not written. */
	if (j != NULL && (j->mask & JOBCTL_BIT(mh)) &&
	    j->lim_mem != (int64_t)bytes && jobctl_lim_mem(j, mh, bytes) == -1) {
		log_warn("jobctl: memory limit of %s", j->name);
		j->lim_mem = -1;
		if (spec->memory_asked)
			c->rl_data = bytes;
	} else if ((j == NULL || (j->mask & JOBCTL_BIT(mh)) == 0) &&
	    spec->memory_asked)
		c->rl_data = bytes;
	if (j != NULL && (j->mask & JOBCTL_BIT(ph)) &&
	    j->lim_pids != (int64_t)pids) {
		if ((pids > 0 ? jobctl_lim_write(j, ph, "pids.max", pids) :
		    jobctl_cg_write(j, ph, "pids.max", "max")) == 0)
			j->lim_pids = (int64_t)pids;
		else {
			j->lim_pids = -1;
			if (pids > 0 && spec->nproc_ok)
				c->rl_nproc = pids;
		}
	} else if ((j == NULL || (j->mask & JOBCTL_BIT(ph)) == 0) &&
	    pids > 0 && spec->nproc_ok)
		c->rl_nproc = pids;
}

/* The number after KEY (at a line's start) in TEXT, or -1. */
static int64_t
jobctl_lim_field(const char *text, const char *key)
{
	const char	*p = text, *errstr;
	char		 num[24];
	size_t		 n = strlen(key), k;
	int64_t		 v;

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 :
	    NULL) {
		if (strncmp(p, key, n) != 0 || p[n] != ' ')
			continue;
		p += n + 1;
		k = strcspn(p, "\n");
		if (k == 0 || k >= sizeof num)
			return -1;
		memcpy(num, p, k);
		num[k] = '\0';
		v = strtonum(num, 0, INT64_MAX, &errstr);
		return errstr == NULL ? v : -1;
	}
	return -1;
}

/* The number in FILE of J's group in H (kept open: jobctl-keep.c), or
 * -1. */
static int64_t
jobctl_lim_read(struct jobctl_job *j, int h, const char *file)
{
	char		 buf[64];
	const char	*errstr;
	int64_t		 v;

	if (jobctl_keep_read(j, h, file, buf, sizeof buf) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	v = strtonum(buf, 0, INT64_MAX, &errstr);
	return errstr == NULL ? v : -1;
}

void
jobctl_cg_memstat(struct jobctl_job *j, struct jobctl_result *res)
{
	char	buf[512];
	int	mh = jobctl_tab.alias[JOBCTL_MEMORY];
	int64_t	v;

	res->oom_kills = res->mem_limit_kb = res->mem_peak_kb = 0;
	if (j == NULL || (j->mask & JOBCTL_BIT(mh)) == 0)
		return;
	if (jobctl_keep_read(j, mh, "memory.oom_control", buf, sizeof buf) >
	    0 &&
	    (v = jobctl_lim_field(buf, "oom_kill")) > 0)
		res->oom_kills = v;
	if ((v = jobctl_lim_read(j, mh, "memory.max_usage_in_bytes")) > 0)
		res->mem_peak_kb = v >> 10;
	/* The limit we wrote, or read; "no limit" reads as a huge number:
	 * kept as 0. */
	if (j->lim_mem > 0)
		res->mem_limit_kb = j->lim_mem >> 10;
	else if (j->lim_mem == -1 && (v = jobctl_lim_read(j, mh,
	    "memory.limit_in_bytes")) > 0 && v < ((int64_t)1 << 50))
		res->mem_limit_kb = v >> 10;
}
