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

void
jobctl_cg_limits(const struct jobctl_job *j, const struct jobctl_spec *spec,
    struct jobctl_child *c)
{
	char			path[PATH_MAX];
	unsigned long long	bytes;
	int			mh = jobctl_tab.alias[JOBCTL_MEMORY];
	int			ph = jobctl_tab.alias[JOBCTL_PIDS];

	c->rl_data = c->rl_nproc = 0;
	/* A pooled group may hold the last job's limits: lift them first
	 * (memsw before the limit: it may never be below it). */
	if (j != NULL && j->reused && (j->mask & JOBCTL_BIT(mh))) {
		if (jobctl_cg_path(path, sizeof path, j, mh,
		    "memory.memsw.limit_in_bytes") == 0 &&
		    access(path, F_OK) == 0)
			(void)jobctl_cg_write(j, mh,
			    "memory.memsw.limit_in_bytes", "-1");
		if (spec->memory_mb <= 0)
			(void)jobctl_cg_write(j, mh, "memory.limit_in_bytes",
			    "-1");
	}
	if (j != NULL && j->reused && (j->mask & JOBCTL_BIT(ph)) &&
	    spec->max_pids <= 0)
		(void)jobctl_cg_write(j, ph, "pids.max", "max");
	if (spec->memory_mb > 0) {
		bytes = (unsigned long long)spec->memory_mb << 20;
		if (j != NULL && (j->mask & JOBCTL_BIT(mh)) &&
		    jobctl_lim_write(j, mh, "memory.limit_in_bytes",
		    bytes) == 0) {
			/* Without swap accounting the file is not there. */
			if (jobctl_cg_path(path, sizeof path, j, mh,
			    "memory.memsw.limit_in_bytes") == 0 &&
			    access(path, F_OK) == 0 &&
			    jobctl_lim_write(j, mh,
			    "memory.memsw.limit_in_bytes", bytes) == -1)
				log_warn("jobctl: %s", path);
		} else {
			if (j != NULL && (j->mask & JOBCTL_BIT(mh)))
				log_warn("jobctl: memory limit of %s", j->name);
			if (spec->memory_asked)
				c->rl_data = bytes;
		}
	}
	if (spec->max_pids > 0) {
		if (j != NULL && (j->mask & JOBCTL_BIT(ph)) &&
		    jobctl_lim_write(j, ph, "pids.max",
		    (unsigned long long)spec->max_pids) == 0)
			;
		else if (spec->nproc_ok)
			c->rl_nproc = (unsigned long long)spec->max_pids;
	}
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

/* The number in FILE of J's group in H, or -1. */
static int64_t
jobctl_lim_read(const struct jobctl_job *j, int h, const char *file)
{
	char		 path[PATH_MAX], buf[64];
	const char	*errstr;
	int64_t		 v;

	if (jobctl_cg_path(path, sizeof path, j, h, file) == -1 ||
	    jobctl_read(path, buf, sizeof buf) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	v = strtonum(buf, 0, INT64_MAX, &errstr);
	return errstr == NULL ? v : -1;
}

void
jobctl_cg_memstat(const struct jobctl_job *j, struct jobctl_result *res)
{
	char	path[PATH_MAX], buf[512];
	int	mh = jobctl_tab.alias[JOBCTL_MEMORY];
	int64_t	v;

	res->oom_kills = res->mem_limit_kb = res->mem_peak_kb = 0;
	if (j == NULL || (j->mask & JOBCTL_BIT(mh)) == 0)
		return;
	if (jobctl_cg_path(path, sizeof path, j, mh, "memory.oom_control") ==
	    0 && jobctl_read(path, buf, sizeof buf) > 0 &&
	    (v = jobctl_lim_field(buf, "oom_kill")) > 0)
		res->oom_kills = v;
	if ((v = jobctl_lim_read(j, mh, "memory.max_usage_in_bytes")) > 0)
		res->mem_peak_kb = v >> 10;
	/* "No limit" reads as a huge number: kept as 0. */
	if ((v = jobctl_lim_read(j, mh, "memory.limit_in_bytes")) > 0 &&
	    v < ((int64_t)1 << 50))
		res->mem_limit_kb = v >> 10;
}
