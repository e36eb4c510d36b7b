/*
 * jobctl-cg.c: the cgroups of the agent's jobs and the job table.  At
 * start (jobctl_cg_init()) it finds the mounts in /proc/self/mountinfo and
 * the agent's own groups in /proc/self/cgroup, makes "cq-jobs/IDENT" under
 * them in each hierarchy (cgroup2 and v1 freezer, memory, pids, cpuacct;
 * IDENT is this agent's, jobctl_ident()) and kills and removes what a
 * previous life of the same agent left there: by cgroup, so an old agent
 * that is still a zombie changes nothing, and never another agent's.  Per
 * job it makes, freezes, empties and removes "AGENTPID.SEQ" groups, and
 * keeps the bounded table that maps a job's pgid to its groups and its
 * init's pipes (jobctl_job_*).  Called by jobctl.c only.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"
#include "log.h"


struct jobctl_tab jobctl_tab;

/* Sleep MS milliseconds (only the kill fallback does). */
static void
jobctl_msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * open(PATH, FLAGS), relative to the descriptor of our subtree where PATH
 * lies beneath one: a walk of a component or two through kernfs, not of
 * the whole mount path, for each of the dozen files a job's start and end
 * read and write.
 */
int
jobctl_open(const char *path, int flags)
{
	size_t	n;
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++) {
		if (jobctl_tab.pfd[h] < 0 || jobctl_tab.parent[h][0] == '\0')
			continue;
		n = strlen(jobctl_tab.parent[h]);
		if (strncmp(path, jobctl_tab.parent[h], n) == 0 &&
		    path[n] == '/' && path[n + 1] != '\0')
			return openat(jobctl_tab.pfd[h], path + n + 1, flags);
	}
	return open(path, flags);
}

/* mkdir (DIR) or rmdir (!DIR) of PATH, as jobctl_open() opens. */
static int
jobctl_mkrm(const char *path, int dir)
{
	size_t	n;
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++) {
		if (jobctl_tab.pfd[h] < 0 || jobctl_tab.parent[h][0] == '\0')
			continue;
		n = strlen(jobctl_tab.parent[h]);
		if (strncmp(path, jobctl_tab.parent[h], n) != 0 ||
		    path[n] != '/' || path[n + 1] == '\0')
			continue;
		return dir ? mkdirat(jobctl_tab.pfd[h], path + n + 1, 0755) :
		    unlinkat(jobctl_tab.pfd[h], path + n + 1, AT_REMOVEDIR);
	}
	return dir ? mkdir(path, 0755) : rmdir(path);
}

/* (Re)open the descriptor of H's subtree, after it was made. */
static void
jobctl_pfd_open(int h)
{
	if (jobctl_tab.pfd[h] >= 0)
		close(jobctl_tab.pfd[h]);
	jobctl_tab.pfd[h] = open(jobctl_tab.parent[h],
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Close the subtrees' descriptors. */
static void
jobctl_cg_close(void)
{
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++) {
		if (jobctl_tab.pfd[h] >= 0)
			close(jobctl_tab.pfd[h]);
		jobctl_tab.pfd[h] = -1;
	}
}

/* Close what jobctl_init() opened, in a process that controls no jobs. */
void
jobctl_close(void)
{
	jobctl_cg_close();
	jobctl_exec_close();
}

/* The first LEN - 1 bytes of PATH, NUL-terminated, into BUF; or -1. */
ssize_t
jobctl_read(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = jobctl_open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, len - 1)) == -1 && errno == EINTR)
		;
	saved = errno;
	close(fd);
	errno = saved;
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Write S to the control file PATH; 0, or -1 with errno. */
int
jobctl_write(const char *path, const char *s)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = jobctl_open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, s, strlen(s));
	saved = errno;
	close(fd);
	if (n == (ssize_t)strlen(s))
		return 0;
	errno = n == -1 ? saved : EIO;
	return -1;
}

/* 1 if WORD is an element of the comma-separated LIST. */
int
jobctl_inlist(const char *list, const char *word)
{
	size_t	n = strlen(word);

	for (;;) {
		if (strncmp(list, word, n) == 0 &&
		    (list[n] == ',' || list[n] == '\0'))
			return 1;
		if ((list = strchr(list, ',')) == NULL)
			return 0;
		list++;
	}
}

/* Undo the octal escapes (\040) of a mountinfo field, in place. */
static void
jobctl_unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 3;
		} else
			*d = *s;
	}
	*d = '\0';
}

/* PATH from the leading part of /proc/.../cgroup line LINE, if for H. */
static int
jobctl_cg_line(char *line, int h, char *path, size_t len)
{
	char	*id, *ctl;

	line[strcspn(line, "\n")] = '\0';
	id = strsep(&line, ":");
	ctl = strsep(&line, ":");
	if (ctl == NULL || line == NULL || line[0] != '/')
		return -1;
	if (h == JOBCTL_CG2 ? strcmp(id, "0") != 0 || ctl[0] != '\0' :
	    !jobctl_inlist(ctl, jobctl_hier_names[h]))
		return -1;
	return strlcpy(path, line, len) < len ? 0 : -1;
}

/* Our own cgroup in every hierarchy, from /proc/self/cgroup; "" if none. */
static void
jobctl_cg_own(char own[][PATH_MAX])
{
	char	line[PATH_MAX + 256];
	FILE	*f;
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++)
		own[h][0] = '\0';
	if ((f = fopen("/proc/self/cgroup", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL)
		for (h = 0; h < JOBCTL_NCG; h++) {
			char	copy[sizeof line];

			memcpy(copy, line, sizeof copy);
			if (own[h][0] == '\0' &&
			    jobctl_cg_line(copy, h, own[h], PATH_MAX) == 0)
				break;
		}
	fclose(f);
}

/*
 * Where OWN (a path in the hierarchy) is in a mount of it at MNT showing
 * the hierarchy's ROOT: MNT/(OWN less ROOT)/cq-jobs/IDENT into
 * jobctl_tab.parent[H].
 */
static void
jobctl_cg_place(int h, const char *root, const char *mnt, const char *own)
{
	size_t	n = strlen(root);
	const char *rest = own;
	int	w;

	if (strcmp(root, "/") != 0) {
		if (strncmp(own, root, n) != 0 ||
		    (own[n] != '/' && own[n] != '\0'))
			return;		/* we are outside what this shows */
		rest = own + n;
	}
	if (strcmp(rest, "/") == 0)
		rest = "";
	w = snprintf(jobctl_tab.parent[h], sizeof jobctl_tab.parent[h],
	    "%s%s/%s/%s", mnt, rest, JOBCTL_PARENT, jobctl_tab.ident);
	if (w < 0 || (size_t)w >= sizeof jobctl_tab.parent[h])
		jobctl_tab.parent[h][0] = '\0';
}

/* The cq-jobs path of each hierarchy we are in, from the mount table. */
static void
jobctl_cg_mounts(char own[][PATH_MAX])
{
	char	line[2 * PATH_MAX + 512], *p, *fld[6], *type, *opts;
	FILE	*f;
	int	h, i, c;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strchr(line, '\n') == NULL) {	/* too long: skip */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		p = line;
		for (i = 0; i < 6; i++)
			fld[i] = strsep(&p, " ");
		while (fld[5] != NULL && strcmp(fld[5], "-") != 0)
			fld[5] = strsep(&p, " ");	/* optional fields */
		type = strsep(&p, " ");
		(void)strsep(&p, " ");			/* source */
		opts = p;
		if (fld[5] == NULL || type == NULL || opts == NULL)
			continue;
		jobctl_unescape(fld[3]);
		jobctl_unescape(fld[4]);
		for (h = 0; h < JOBCTL_NCG; h++) {
			if (jobctl_tab.parent[h][0] != '\0' || own[h][0] == '\0')
				continue;
			if (h == JOBCTL_CG2 ? strcmp(type, "cgroup2") == 0 :
			    strcmp(type, "cgroup") == 0 &&
			    jobctl_inlist(opts, jobctl_hier_names[h]))
				jobctl_cg_place(h, fld[3], fld[4], own[h]);
			if (h == JOBCTL_CG2 && jobctl_tab.parent[h][0] != '\0' &&
			    jobctl_tab.cg2mnt[0] == '\0') {
				strlcpy(jobctl_tab.cg2mnt, fld[4],
				    sizeof jobctl_tab.cg2mnt);
				strlcpy(jobctl_tab.cg2opts, opts,
				    sizeof jobctl_tab.cg2opts);
			}
		}
	}
	fclose(f);
}


/* The cq-jobs directory above H's subtree into BUF; 0 or -1. */
static int
jobctl_cg_top(int h, char *buf, size_t len)
{
	char	*p;

	if (strlcpy(buf, jobctl_tab.parent[h], len) >= len ||
	    (p = strrchr(buf, '/')) == NULL)
		return -1;
	*p = '\0';
	return 0;
}

/* Make cq-jobs and our subtree of it in H; 0, or -1 with errno. */
static int
jobctl_cg_mkparent(int h)
{
	char	top[PATH_MAX];

	if (mkdir(jobctl_tab.parent[h], 0755) == 0 || errno == EEXIST)
		goto made;
	if (errno != ENOENT || jobctl_cg_top(h, top, sizeof top) == -1)
		return -1;
	if (mkdir(top, 0755) == -1 && errno != EEXIST)
		return -1;
	if (mkdir(jobctl_tab.parent[h], 0755) == -1 && errno != EEXIST)
		return -1;
made:
	jobctl_pfd_open(h);
	return 0;
}

/*
 * Kill what is left in the groups of our subtree in H (a previous life of
 * this agent: nobody else uses it) and remove them.  Through the groups,
 * not parent pids: an old agent still a zombie, or an init whose agent
 * died, changes nothing.  cgroup.kill where cgroup2 has it, else the
 * freezer's freeze, kill, thaw.
 */
void
jobctl_cg_sweep(int h, int kill)
{
	struct jobctl_job	 tmp;
	char			 path[PATH_MAX], ev[256];
	struct dirent		*de;
	DIR			*d;
	int			 i, n, left;

	if ((d = opendir(jobctl_tab.parent[h])) == NULL)
		return;
	for (i = 0; i < 50; i++) {
		rewinddir(d);
		left = 0;
		while ((de = readdir(d)) != NULL) {
			if (de->d_type != DT_DIR || de->d_name[0] == '.')
				continue;
			memset(&tmp, 0, sizeof tmp);
			if (strlcpy(tmp.name, de->d_name, sizeof tmp.name) >=
			    sizeof tmp.name)
				continue;
			tmp.mask = JOBCTL_BIT(h);
			if (jobctl_cg_path(path, sizeof path, &tmp, h, NULL) ==
			    0 && rmdir(path) == 0)
				continue;
			left++;
			if (!kill || i > 0)
				continue;
			if (h == JOBCTL_CG2 && jobctl_tab.v2kill) {
				n = jobctl_cg_path(path, sizeof path, &tmp, h,
				    "cgroup.events");
				if (n == 0 && jobctl_read(path, ev,
				    sizeof ev) > 0 &&
				    strstr(ev, "populated 1") != NULL &&
				    jobctl_cg_write(&tmp, h, "cgroup.kill",
				    "1") == 0)
					log_info("jobctl: killed what was left "
					    "of job cgroup %s", de->d_name);
			} else if (h == JOBCTL_CG2 || h == JOBCTL_FREEZER) {
				if (jobctl_cg_empty(&tmp, h))
					continue;
				if (jobctl_cg_killall(&tmp) == 0)
					log_info("jobctl: killed what was left "
					    "of job cgroup %s", de->d_name);
			}
		}
		if (left == 0 || !kill)
			break;
		jobctl_msleep(10);	/* let them die for rmdir */
	}
	closedir(d);
}

/* Remove our subtree's empty groups, the subtree and an unused cq-jobs. */
void
jobctl_cg_fini(void)
{
	char	top[PATH_MAX];
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((jobctl_tab.mask & JOBCTL_BIT(h)) == 0)
			continue;
		jobctl_cg_sweep(h, 0);
		jobctl_pool_clear();
		if (rmdir(jobctl_tab.parent[h]) == -1 && errno != EBUSY &&
		    errno != ENOTEMPTY && errno != ENOENT)
			log_warn("jobctl: rmdir %s", jobctl_tab.parent[h]);
		if (jobctl_cg_top(h, top, sizeof top) == 0 &&
		    rmdir(top) == -1 && errno != EBUSY &&
		    errno != ENOTEMPTY && errno != ENOENT)
			log_warn("jobctl: rmdir %s", top);
	}
	jobctl_tab.mask = 0;
	jobctl_cg_close();	/* the init program stays: a later init */
}

/* 1 if FILE of H's cq-jobs is there for us to write. */
static int
jobctl_cg_has(int h, const char *file)
{
	char	path[PATH_MAX];
	int	n;

	n = snprintf(path, sizeof path, "%s/%s", jobctl_tab.parent[h], file);
	return n > 0 && (size_t)n < sizeof path && access(path, W_OK) == 0;
}

/* Make the cq-jobs groups; log which containment that gives. */
void
jobctl_cg_init(void)
{
	char		 own[JOBCTL_NCG][PATH_MAX];
	char		 why[128] = "no cgroup mounted", ctl[64] = "";
	const char	*v;
	int		 h, k;

	memset(jobctl_tab.parent, 0, sizeof jobctl_tab.parent);
	for (h = 0; h < JOBCTL_NCG; h++)
		jobctl_tab.pfd[h] = -1;
	jobctl_tab.cg2mnt[0] = '\0';
	jobctl_tab.mask = 0;
	jobctl_pool_init();
	jobctl_tab.v2kill = 0;
	jobctl_tab.agent = getpid();
	if ((v = getenv("CQ_JOBCTL_NO_CGROUP")) != NULL && strcmp(v, "1") == 0)
		strlcpy(why, "CQ_JOBCTL_NO_CGROUP=1", sizeof why);
	else {
		jobctl_cg_own(own);
		if ((v = getenv("CQ_JOBCTL_NO_CGROUP2")) != NULL &&
		    strcmp(v, "1") == 0)
			own[JOBCTL_CG2][0] = '\0';
		jobctl_cg_mounts(own);
	}
	for (h = 0; h < JOBCTL_NCG; h++) {
		jobctl_tab.alias[h] = h;
		if (jobctl_tab.parent[h][0] == '\0')
			continue;
		for (k = 0; k < h; k++)
			if (strcmp(jobctl_tab.parent[k], jobctl_tab.parent[h]) == 0)
				jobctl_tab.alias[h] = k;	/* co-mounted */
		if (jobctl_tab.alias[h] != h)
			continue;
		if (jobctl_cg_mkparent(h) == -1) {
			snprintf(why, sizeof why, "cannot make %s: %s",
			    JOBCTL_PARENT, strerror(errno));
			log_debug("jobctl: mkdir %s: %s", jobctl_tab.parent[h],
			    strerror(errno));
			continue;
		}
		if (h == JOBCTL_CG2) {
			if (!jobctl_cg_has(h, "cgroup.freeze")) {
				snprintf(why, sizeof why, "no cgroup.freeze: %s",
				    strerror(errno));
				continue;
			}
			jobctl_tab.v2kill = jobctl_cg_has(h, "cgroup.kill");
		}
		jobctl_tab.mask |= JOBCTL_BIT(h);
		jobctl_cg_sweep(h, 1);
		log_debug("jobctl: job cgroups under %s", jobctl_tab.parent[h]);
	}
	if ((jobctl_tab.mask & JOBCTL_CONTAIN) == 0) {
		jobctl_tab.mask = 0;		/* accounting alone is not worth it */
		log_info("jobctl: %s (%s)", jobctl_mechanism(), why);
		return;
	}
	for (h = JOBCTL_FREEZER; h < JOBCTL_NCG; h++)
		if (jobctl_tab.mask & JOBCTL_BIT(jobctl_tab.alias[h])) {
			strlcat(ctl, " ", sizeof ctl);
			strlcat(ctl, jobctl_hier_names[h], sizeof ctl);
		}
	log_info("jobctl: %s; v1:%s", jobctl_mechanism(),
	    ctl[0] != '\0' ? ctl : " none");
	if (ctl[0] != '\0')
		jobctl_dyn_init();
}

/* PARENT[H]/NAME[/FILE] of job J into BUF; 0, or -1 (ENAMETOOLONG). */
int
jobctl_cg_path(char *buf, size_t len, const struct jobctl_job *j, int h,
    const char *file)
{
	int	n;

	n = snprintf(buf, len, "%s/%s%s%s", jobctl_tab.parent[h], j->name,
	    file != NULL ? "/" : "", file != NULL ? file : "");
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Write S to FILE of job J's group in H; 0 or -1. */
int
jobctl_cg_write(const struct jobctl_job *j, int h, const char *file,
    const char *s)
{
	char	path[PATH_MAX];

	if (jobctl_cg_path(path, sizeof path, j, h, file) == -1)
		return -1;
	return jobctl_write(path, s);
}

/* The job with leader (and pgid) PGID, or NULL. */
struct jobctl_job *
jobctl_job_find(pid_t pgid)
{
	int	i;

	if (pgid <= 1)
		return NULL;
	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jobctl_tab.jobs[i].pgid == pgid &&
		    (jobctl_tab.jobs[i].state == JOBCTL_LIVE ||
		    jobctl_tab.jobs[i].state == JOBCTL_REAPED))
			return &jobctl_tab.jobs[i];
	return NULL;
}

/* Remove J's groups; 0 once all are gone, else -1 (EBUSY). */
static int
jobctl_cg_remove(struct jobctl_job *j)
{
	char	path[PATH_MAX];
	int	h, saved = 0;

	jobctl_keep_close(j->kept, &j->nkept);
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((j->mask & JOBCTL_BIT(h)) == 0)
			continue;
		if (jobctl_cg_path(path, sizeof path, j, h, NULL) == 0 &&
		    (jobctl_mkrm(path, 0) == 0 || errno == ENOENT))
			j->mask &= ~JOBCTL_BIT(h);
		else
			saved = errno;
	}
	if (j->mask != 0) {
		errno = saved;
		return -1;
	}
	return 0;
}

/* Close J's pipes and free its entry. */
void
jobctl_job_free(struct jobctl_job *j)
{
	if (j->sfd != -1)
		close(j->sfd);
	if (j->dfd != -1)
		close(j->dfd);
	jobctl_keep_close(j->kept, &j->nkept);
	memset(j, 0, sizeof *j);
	j->sfd = j->dfd = -1;
}

/*
 * Remove J's groups and free J unless its start result is still to be
 * given out (jobctl_spawn_result()); 0, or -1 (EBUSY) with J kept.
 */
int
jobctl_cg_rmdirs(struct jobctl_job *j)
{
	if (jobctl_pool_put(j) == -1 && jobctl_cg_remove(j) == -1)
		return -1;
	if (j->state == JOBCTL_LIVE || (!j->taken && j->pgid != 0))
		return 0;
	if (j->state == JOBCTL_REAPED)
		jobctl_tab.nreaped--;
	jobctl_job_free(j);
	return 0;
}

/* Make J's group in each hierarchy; -1 with EEXIST if the name is taken. */
static int
jobctl_cg_mkdirs(struct jobctl_job *j)
{
	char	path[PATH_MAX];
	int	h, r;

	j->mask = 0;
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((jobctl_tab.mask & JOBCTL_BIT(h)) == 0)
			continue;
		if (jobctl_cg_path(path, sizeof path, j, h, NULL) == -1)
			continue;
		/* Another agent may have removed an empty cq-jobs. */
		if ((r = jobctl_mkrm(path, 1)) == -1 && errno == ENOENT &&
		    jobctl_cg_mkparent(h) == 0)
			r = jobctl_mkrm(path, 1);
		if (r == 0) {
			j->mask |= JOBCTL_BIT(h);
			continue;
		}
		if (errno == EEXIST) {
			(void)jobctl_cg_remove(j);
			errno = EEXIST;
			return -1;
		}
		log_warn("jobctl: mkdir %s", path);
	}
	return 0;
}

/*
 * A table entry for a job about to be forked and, with cgroups in use,
 * its groups and the open cgroup.procs of each in FD (all -1 without),
 * but for the hierarchies in SKIP (an init born in its cgroup2 group
 * needs no cgroup.procs there), which the caller closes (*TEMP, their
 * bits): copies of the ones kept with the groups (jobctl-keep.c).  NULL
 * if the table is full.
 */
struct jobctl_job *
jobctl_job_new(int *fd, unsigned skip, unsigned *temp)
{
	struct jobctl_job	*j = NULL;
	int			 h, i, t;

	*temp = 0;	/* all of them, as it is */
	for (h = 0; h < JOBCTL_NCG; h++)
		fd[h] = -1;
	for (i = 0; i < JOBCTL_MAXJOBS && j == NULL; i++)
		if (jobctl_tab.jobs[i].state == JOBCTL_FREE)
			j = &jobctl_tab.jobs[i];
	if (j == NULL) {
		log_warnx("jobctl: %d jobs already: no more", JOBCTL_MAXJOBS);
		return NULL;
	}
	memset(j, 0, sizeof *j);
	j->sfd = j->dfd = -1;
	j->state = JOBCTL_PENDING;
	if ((jobctl_tab.mask & JOBCTL_CONTAIN) == 0)
		return j;
	for (i = jobctl_pool_get(j) == 0 ? 8 : 0; i < 8; i++) {
		snprintf(j->name, sizeof j->name, "%ld.%u", (long)jobctl_tab.agent,
		    jobctl_tab.seq++);
		if (jobctl_cg_mkdirs(j) == 0)
			break;
	}
	if ((j->mask & JOBCTL_CONTAIN) == 0) {
		log_warnx("jobctl: no cgroup for a job: it gets its process "
		    "group only");
		goto fail;
	}
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((j->mask & JOBCTL_BIT(h)) == 0 || (skip & JOBCTL_BIT(h)))
			continue;
		/* The init gets a low copy of a kept one (jobctl-keep.c). */
		if ((fd[h] = jobctl_keep_fd(j, h, "cgroup.procs", O_WRONLY,
		    &t)) == -1 || (!t && (fd[h] = fcntl(fd[h],
		    F_DUPFD_CLOEXEC, 3)) == -1)) {
			log_warn("jobctl: open %s/%s/cgroup.procs",
			    jobctl_tab.parent[h], j->name);
			goto fail;
		}
		*temp |= JOBCTL_BIT(h);
	}
	return j;

fail:
	for (h = 0; h < JOBCTL_NCG; h++) {
		if (fd[h] != -1 && (*temp & JOBCTL_BIT(h)))
			close(fd[h]);
		fd[h] = -1;
	}
	*temp = 0;
	if (jobctl_cg_remove(j) == -1)
		log_warn("jobctl: rmdir %s", j->name);
	j->mask = 0;			/* just made: nobody is in them */
	return j;
}

/* J's child is PGID; a job that had the number before loses it. */
void
jobctl_job_started(struct jobctl_job *j, pid_t pgid)
{
	int	i;

	for (i = 0; i < JOBCTL_MAXJOBS; i++) {
		if (jobctl_tab.jobs[i].pgid != pgid || &jobctl_tab.jobs[i] == j)
			continue;
		if (jobctl_tab.jobs[i].state == JOBCTL_LIVE) {
			jobctl_tab.jobs[i].state = JOBCTL_REAPED; /* reaped elsewhere */
			jobctl_tab.nreaped++;
		}
		jobctl_tab.jobs[i].pgid = 0;
	}
	j->pgid = pgid;
	j->state = JOBCTL_LIVE;
}

/* The fork failed or the child reported failure and was reaped. */
void
jobctl_job_abort(struct jobctl_job *j)
{
	j->taken = 1;
	if (j->state == JOBCTL_PENDING)
		j->state = JOBCTL_FREE;
	if (jobctl_cg_rmdirs(j) == -1) {
		log_warn("jobctl: rmdir %s", j->name);
		if (j->state != JOBCTL_REAPED)
			jobctl_tab.nreaped++;
		j->state = JOBCTL_REAPED;	/* the reaper retries */
		j->pgid = 0;
	}
}

/* Freeze (ON) or thaw J's groups; 0 or -1. */
int
jobctl_cg_freeze(struct jobctl_job *j, int on)
{
	if (on)
		j->tainted = 1;
	if (j->mask & JOBCTL_BIT(JOBCTL_CG2))
		return jobctl_cg_write(j, JOBCTL_CG2, "cgroup.freeze",
		    on ? "1" : "0");
	return jobctl_cg_write(j, JOBCTL_FREEZER, "freezer.state",
	    on ? "FROZEN" : "THAWED");
}

/* 1 if J's group in H has no process left. */
int
jobctl_cg_empty(const struct jobctl_job *j, int h)
{
	char	path[PATH_MAX], buf[16];

	return jobctl_cg_path(path, sizeof path, j, h, "cgroup.procs") == 0 &&
	    jobctl_read(path, buf, sizeof buf) == 0;
}

/* 1 if no process in J's groups can run. */
int
jobctl_cg_frozen(const struct jobctl_job *j)
{
	char	path[PATH_MAX], buf[256];

	if (j->mask & JOBCTL_BIT(JOBCTL_CG2)) {
		if (jobctl_cg_path(path, sizeof path, j, JOBCTL_CG2,
		    "cgroup.events") == -1 ||
		    jobctl_read(path, buf, sizeof buf) <= 0)
			return 0;
		return strstr(buf, "populated 0\n") != NULL ||
		    strstr(buf, "frozen 1\n") != NULL;
	}
	if (jobctl_cg_path(path, sizeof path, j, JOBCTL_FREEZER,
	    "freezer.state") == -1 || jobctl_read(path, buf, sizeof buf) <= 0)
		return 0;
	return strcmp(buf, "FROZEN\n") == 0 ||
	    jobctl_cg_empty(j, JOBCTL_FREEZER);
}

/*
 * Kill J without cgroup.kill: freeze so nobody forks meanwhile, SIGKILL
 * every member, thaw so the v1-frozen can die.  A freeze that has not
 * finished within JOBCTL_KILL_WAIT_MS is not waited for: whoever slipped
 * through is left to the caller's next call.
 */
int
jobctl_cg_killall(struct jobctl_job *j)
{
	char		 path[PATH_MAX], line[32];
	const char	*errstr;
	FILE		*f;
	pid_t		 pid;
	int		 h, ms, saved = 0;

	h = (j->mask & JOBCTL_BIT(JOBCTL_CG2)) ? JOBCTL_CG2 : JOBCTL_FREEZER;
	if (jobctl_cg_freeze(j, 1) == -1)
		saved = errno;
	for (ms = 0; ms < JOBCTL_KILL_WAIT_MS && !jobctl_cg_frozen(j); ms++)
		jobctl_msleep(1);
	if (jobctl_cg_path(path, sizeof path, j, h, "cgroup.procs") == -1 ||
	    (f = fopen(path, "re")) == NULL)
		saved = errno;
	else {
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			pid = strtonum(line, 2, INT_MAX, &errstr);
			if (errstr == NULL && kill(pid, SIGKILL) == -1 &&
			    errno != ESRCH)
				saved = errno;
		}
		fclose(f);
	}
	if (jobctl_cg_freeze(j, 0) == -1 && saved == 0)
		saved = errno;
	errno = saved;
	return saved == 0 ? 0 : -1;
}

/* Try again to remove the groups of jobs whose leader has been reaped. */
void
jobctl_cg_retry(void)
{
	int	i;

	for (i = 0; i < JOBCTL_MAXJOBS && jobctl_tab.nreaped > 0; i++)
		if (jobctl_tab.jobs[i].state == JOBCTL_REAPED)
			(void)jobctl_cg_rmdirs(&jobctl_tab.jobs[i]);
}
