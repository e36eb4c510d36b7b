/*
 * jobctl-keep.c: the control files of a job's groups that every start
 * and end use, kept open with the groups.  Each short job's start opened
 * and closed the v1 cgroup.procs its init joins and the cgroup2
 * directory it is born in, and its end the memory group's oom_control,
 * max_usage_in_bytes (read, then reset for the pool) and usage_in_bytes
 * and the cgroup2 cgroup.procs: ten opens of kernfs files, a path walk
 * and a file each, about a quarter of what the agent's root parent
 * spent on a `/bin/true` job.  A pooled set (jobctl-pool.c) keeps its
 * descriptors, so the next job on it opens none of them.
 *
 * Only these hot files go through here (jobctl_keep_read() and
 * jobctl_keep_write() on FILE of the job's group in hierarchy H); freezes,
 * kills and limits open their files each time as before.  A read is a
 * pread() at 0, which the kernel's seq_file serves afresh each time; a
 * write is a write(), which cgroup files take whole and whatever the
 * offset.  The descriptors are the root parent's alone (O_CLOEXEC; an
 * init gets low copies of its cgroup.procs, which it closes), are closed
 * before the groups are removed (jobctl_cg_remove()) and when the job's
 * entry or the pool is freed.  At most JOBCTL_KEPT_MAX per job and a
 * quarter of RLIMIT_NOFILE in all (1,024 at most): past that a file is
 * opened and closed as before.
 *
 * A kept descriptor is not free: every spawn copies the parent's table
 * of descriptors into the child (a reference taken on each open file,
 * dropped again at the exec), about 0.1 us each here, and 30-40 sets of
 * groups in use or pooled keep some 400.  So they are moved up, at or
 * above jobctl_keep_base() (half of RLIMIT_NOFILE, 4,096 at most), where
 * nothing else of the parent's is, and an init's clone3() shares the
 * table and takes its own copy of what lies below that base only
 * (jobctl-exec.c: close_range() with CLOSE_RANGE_UNSHARE).  Private to
 * startd/jobctl*.c.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"

#define JOBCTL_KEPT_ALL		1024	/* descriptors kept at most, in all */
#define JOBCTL_KEPT_BASE_MAX	4096	/* where they go at the highest */

static int	kept_total;	/* descriptors kept, jobs and pool */
static int	kept_cap = -1;	/* set at the first open */
static int	kept_base;	/* the lowest number they take */

/* The most descriptors kept at once and where they go: see the top. */
static int
jobctl_keep_cap(void)
{
	struct rlimit	rl;
	rlim_t		lim = JOBCTL_KEPT_BASE_MAX * 2;

	if (kept_cap != -1)
		return kept_cap;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < lim)
		lim = rl.rlim_cur;
	kept_base = (int)(lim / 2);
	kept_cap = (int)(lim / 4);
	if (kept_cap > JOBCTL_KEPT_ALL)
		kept_cap = JOBCTL_KEPT_ALL;
	if (kept_base < 64)
		kept_cap = 0;		/* too few descriptors to spare */
	return kept_cap;
}

/* The lowest number a kept descriptor has, or 0 if none is kept. */
int
jobctl_keep_base(void)
{
	return kept_total > 0 ? kept_base : 0;
}

/*
 * A descriptor of FILE (NULL: the group's directory) of J's group in H,
 * opened with FLAGS (O_CLOEXEC added): kept with J where it may be, else
 * *TEMP is set and the caller closes it.  -1 with errno if it cannot be
 * opened.
 */
int
jobctl_keep_fd(struct jobctl_job *j, int h, const char *file, int flags,
    int *temp)
{
	struct jobctl_kept	*k;
	char			 path[PATH_MAX];
	const char		*name = file != NULL ? file : "";
	int			 i, fd, hi;

	*temp = 0;
	flags |= O_CLOEXEC;
	for (i = 0; i < j->nkept; i++) {
		k = &j->kept[i];
		if (k->h == h && k->flags == flags &&
		    strcmp(k->file, name) == 0)
			return k->fd;
	}
	if (jobctl_cg_path(path, sizeof path, j, h, file) == -1 ||
	    (fd = jobctl_open(path, flags)) == -1)
		return -1;
	if (j->nkept == JOBCTL_KEPT_MAX || strlen(name) >= sizeof k->file ||
	    kept_total >= jobctl_keep_cap() ||
	    (hi = fcntl(fd, F_DUPFD_CLOEXEC, kept_base)) == -1) {
		*temp = 1;
		return fd;
	}
	(void)close(fd);
	fd = hi;
	k = &j->kept[j->nkept++];
	k->h = h;
	k->flags = flags;
	strlcpy(k->file, name, sizeof k->file);
	k->fd = fd;
	kept_total++;
	return fd;
}

/* The first LEN - 1 bytes of FILE of J's group in H into BUF; or -1. */
ssize_t
jobctl_keep_read(struct jobctl_job *j, int h, const char *file, char *buf,
    size_t len)
{
	ssize_t	n;
	int	fd, temp, saved;

	buf[0] = '\0';
	if ((fd = jobctl_keep_fd(j, h, file, O_RDONLY, &temp)) == -1)
		return -1;
	while ((n = pread(fd, buf, len - 1, 0)) == -1 && errno == EINTR)
		;
	saved = errno;
	if (temp)
		close(fd);
	errno = saved;
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Write S to FILE of J's group in H; 0, or -1 with errno. */
int
jobctl_keep_write(struct jobctl_job *j, int h, const char *file,
    const char *s)
{
	ssize_t	n;
	int	fd, temp, saved;

	if ((fd = jobctl_keep_fd(j, h, file, O_WRONLY, &temp)) == -1)
		return -1;
	n = write(fd, s, strlen(s));
	saved = errno;
	if (temp)
		close(fd);
	if (n == (ssize_t)strlen(s))
		return 0;
	errno = n == -1 ? saved : EIO;
	return -1;
}

/* Close the descriptors kept in K[0..*N) (a job's or a pooled set's). */
void
jobctl_keep_close(struct jobctl_kept *k, int *n)
{
	int	i;

	for (i = 0; i < *n; i++) {
		(void)close(k[i].fd);
		kept_total--;
	}
	*n = 0;
}
