/*
 * jobctl.c: job control of the agent: start a job as the leader of its own
 * session and process group and, where the machine allows, in cgroups of
 * its own; signal, freeze, thaw and kill it; reap exited children.
 * Invariants: a job inherits none of the agent's signal handlers, signal
 * mask, descriptors (beyond 0-2) or, with switch_user, credentials; it dies
 * with the agent (PR_SET_PDEATHSIG); jobctl_spawn() returns 0 only once
 * execve() has succeeded, and on failure the child is already reaped, its
 * cgroups removed, and ERR says which step failed.  Between fork() and
 * execve() the child runs only async-signal-safe code: strings, sizes and
 * cgroup.procs descriptors are prepared before fork(), and a failure
 * travels back over a close-on-exec pipe as an errno and a short context
 * that the parent formats.
 *
 * Containment: jobctl_init() finds the cgroup mounts in
 * /proc/self/mountinfo and the agent's own cgroups in /proc/self/cgroup,
 * and makes a "cq-jobs" group under the agent's own in each hierarchy:
 * cgroup2 (cgroup.freeze, cgroup.kill) and v1 freezer, memory, pids and
 * cpuacct (accounting, and the freezer as the fallback and for CRIU).
 * Each job gets "AGENTPID.SEQ" under every cq-jobs and its child writes
 * "0" to each cgroup.procs before exec, so every page the job touches is
 * charged to it and every process it starts stays inside, setsid or not.
 * A job that got no cgroup2 or freezer group (not root, read-only, none
 * mounted, table full) is contained by its process group only, as before.
 * A bounded table maps each job's pgid to its cgroup name (if any) and to
 * what a freeze changed; a job is in it from spawn until its cgroups are
 * gone (jobctl_release(), or the reaper once the last process is reaped).
 * A freeze also raises the job's autogroup weight until the thaw (see
 * jobctl_boost()): under load that is what makes it quick.  The startd
 * job layer calls all of this; jobctl_reap() from its SIGCHLD event.
 * Nothing here blocks for long: only the kill fallback without
 * cgroup.kill waits (50 ms at most).
 *
 * Limits (jobctl-lim.c): the spec's memory and pids limits are written
 * into the job's fresh groups before the fork (rlimits in the child where
 * no group holds them); the reaper reads the memory group's OOM kills and
 * peak before the groups go.  A slot user's job gets a mount namespace of
 * its own with the desktop's homes hidden (jobctl-child.c).
 *
 * For CRIU (criu.c): a spec with pidns set starts the job as the init of
 * a new pid namespace (clone(CLONE_NEWPID) in place of fork()), so that a
 * restore elsewhere never collides with a pid in use there; and
 * jobctl_adopt() moves a job's entry from the criu process that restored
 * it to the restored tree's leader.
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


/* Fill ERR with "WHAT: strerror(ERRNUM)"; ERR may be NULL. */
static void
jobctl_err(char *err, size_t errlen, const char *what, int errnum)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, strerror(errnum));
}

/* Move *FD to a descriptor >= 3 (close-on-exec), closing the old one. */
static int
jobctl_fd_above(int *fd)
{
	int	nfd;

	if (*fd >= 3)
		return 0;
	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
}

/*
 * Read the child's failure report to EOF: 0 if there was none (execve()
 * closed the pipe), else -1 with ERR filled and errno set.
 */
static int
jobctl_status(int fd, char *err, size_t errlen)
{
	struct jobctl_fail	f;
	size_t			got = 0, off = offsetof(struct jobctl_fail, what);
	ssize_t			n;

	while (got < sizeof f) {
		n = read(fd, (char *)&f + got, sizeof f - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			jobctl_err(err, errlen, "read exec status", errno);
			return -1;
		}
		if (n == 0)
			break;
		got += n;
	}
	if (got == 0)
		return 0;
	if (got < off) {
		if (err != NULL && errlen > 0)
			strlcpy(err, "spawn: short status from child", errlen);
		errno = EIO;
		return -1;
	}
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%.*s: %s", (int)(got - off), f.what,
		    strerror(f.err));
	errno = f.err;
	return -1;
}

/* State and process group of PID from /proc/PID/stat; 0 or -1. */
static int
jobctl_proc_stat(pid_t pid, char *state, pid_t *pgrp)
{
	char		 path[64], buf[512], num[16], *p;
	const char	*errstr;
	size_t		 n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (jobctl_read(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL || strlen(p) < 4)
		return -1;
	*state = p[2];
	p += 4;				/* ") S " */
	p += strcspn(p, " ");		/* ppid */
	if (*p++ != ' ' || (n = strcspn(p, " ")) == 0 || n >= sizeof num)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	*pgrp = strtonum(num, 0, INT_MAX, &errstr);
	return errstr == NULL ? 0 : -1;
}

/* 1 if every process in group PGID is stopped (or a zombie). */
static int
jobctl_pg_stopped(pid_t pgid)
{
	const char	*errstr;
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid, pgrp;
	char		 state;
	int		 stopped = 1;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (stopped && (de = readdir(d)) != NULL) {
		pid = strtonum(de->d_name, 1, INT_MAX, &errstr);
		if (errstr == NULL && jobctl_proc_stat(pid, &state, &pgrp) == 0 &&
		    pgrp == pgid && strchr("TtZX", state) == NULL)
			stopped = 0;
	}
	closedir(d);
	return stopped;
}

/* Become a subreaper and find the cgroups for jobs; see jobctl.h. */
int
jobctl_init(void)
{
	int	i, r;

	r = prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ? -1 : 0;
	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jobctl_tab.jobs[i].state != JOBCTL_FREE) {
			log_warnx("jobctl: jobs are running: containment "
			    "stays %s", jobctl_mechanism());
			return r;
		}
	jobctl_cg_init();
	return r;
}

/*
 * fork(), or for SPEC->pidns a clone() whose child is the init of a new
 * pid namespace: with no new stack it returns twice, as fork() does.
 * The child runs only async-signal-safe code until execve() either way.
 */
static pid_t
jobctl_fork(const struct jobctl_spec *spec)
{
	if (!spec->pidns)
		return fork();
	return (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL,
	    NULL, NULL);
}

/* Fork and exec a job as described in jobctl.h; ERR says what failed. */
int
jobctl_spawn(const struct jobctl_spec *spec, pid_t *pid, char *err,
    size_t errlen)
{
	struct jobctl_child	c;
	struct jobctl_job	*j = NULL;
	char			path[PATH_MAX];
	sigset_t		all, old;
	int			p[2] = { -1, -1 }, saved, st, h;
	long			maxfd;
	pid_t			child;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (spec->executable == NULL || spec->executable[0] == '\0' ||
	    spec->argv == NULL || spec->argv[0] == NULL ||
	    spec->envp == NULL || spec->iwd == NULL) {
		jobctl_err(err, errlen, "spawn", EINVAL);
		errno = EINVAL;
		return -1;
	}

	memset(&c, 0, sizeof c);
	for (h = 0; h < JOBCTL_NCG; h++)
		c.cgfd[h] = -1;
	c.spec = spec;
	c.path = spec->executable;
	/* execve() never searches PATH; "./" says so, relative to iwd. */
	if (strchr(spec->executable, '/') == NULL) {
		if ((size_t)snprintf(path, sizeof path, "./%s",
		    spec->executable) >= sizeof path) {
			jobctl_err(err, errlen, "exec", ENAMETOOLONG);
			errno = ENAMETOOLONG;
			return -1;
		}
		c.path = path;
	}
	c.input = spec->input != NULL ? spec->input : "/dev/null";
	c.output = spec->output != NULL ? spec->output : "/dev/null";
	c.error = spec->error != NULL ? spec->error : "/dev/null";
	c.share = strcmp(c.output, c.error) == 0;
	c.ppid = getpid();
	maxfd = sysconf(_SC_OPEN_MAX);
	c.maxfd = maxfd < 0 || maxfd > JOBCTL_MAXFD ? JOBCTL_MAXFD : maxfd;

	if (pipe2(p, O_CLOEXEC) == -1 || jobctl_fd_above(&p[1]) == -1) {
		saved = errno;
		jobctl_err(err, errlen, "pipe", saved);
		goto fail;
	}
	c.ep = p[1];
	j = jobctl_job_new(c.cgfd);
	jobctl_cg_limits(j, spec, &c);

	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((child = jobctl_fork(spec)) == 0)
		jobctl_child(&c);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	p[1] = -1;
	for (h = 0; h < JOBCTL_NCG; h++)
		if (c.cgfd[h] != -1)
			close(c.cgfd[h]);
	if (child == -1) {
		jobctl_err(err, errlen, "fork", saved);
		goto fail;
	}

	if (jobctl_status(p[0], err, errlen) == -1) {
		/* The child exits at once after its report (or was killed). */
		saved = errno;
		kill(child, SIGKILL);
		while (waitpid(child, &st, 0) == -1 && errno == EINTR)
			;
		goto fail;
	}
	close(p[0]);
	if (j != NULL)
		jobctl_job_started(j, child);
	*pid = child;
	return 0;

fail:
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	if (j != NULL)
		jobctl_job_abort(j);
	errno = saved;
	return -1;
}

/* The job FROM (a criu restore) is now led by TO; see jobctl.h. */
int
jobctl_adopt(pid_t from, pid_t to)
{
	struct jobctl_job	*j;

	if (to <= 1 || (j = jobctl_job_find(from)) == NULL) {
		errno = ESRCH;
		return -1;
	}
	/* criu may have been reaped already: its tree holds the groups. */
	if (j->state == JOBCTL_REAPED)
		jobctl_tab.nreaped--;
	jobctl_job_started(j, to);
	return 0;
}

/* Signal the job's whole process group; 0, or -1 (ESRCH if gone). */
int
jobctl_signal(pid_t pgid, int sig)
{
	/* kill(-1) would signal every process we may signal, kill(0) us. */
	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgid, sig);
}

/* Set the autogroup nice of PID's session to NICE; 0 or -1. */
static int
jobctl_ag_set(pid_t pid, int nice)
{
	char	path[64], val[16];

	snprintf(path, sizeof path, "/proc/%ld/autogroup", (long)pid);
	snprintf(val, sizeof val, "%d", nice);
	return jobctl_write(path, val);
}

/*
 * Raise J's session autogroup to JOBCTL_BOOST while it freezes.  A job
 * task stops only once it runs, and under load the scheduler gives its
 * group ever less as its tasks stop (a group's weight follows its
 * runnable load): stragglers waited 100-300 ms behind 2 busy processes
 * on 2 CPUs, and 1-8 ms with this.  Nothing of the job runs while frozen,
 * so the boost costs nobody; jobctl_thaw() puts the old value back.  No
 * autogroups (kernel, sysctl, or a cpu cgroup of its own): no effect.
 */
static void
jobctl_boost(struct jobctl_job *j)
{
	char		 path[64], buf[128], *p;
	const char	*errstr;
	int		 nice;

	if (j == NULL || j->boosted || j->state != JOBCTL_LIVE)
		return;
	snprintf(path, sizeof path, "/proc/%ld/autogroup", (long)j->pgid);
	if (jobctl_read(path, buf, sizeof buf) <= 0 ||
	    (p = strstr(buf, " nice ")) == NULL)
		return;
	p += 6;
	p[strcspn(p, "\n")] = '\0';
	nice = strtonum(p, -20, 19, &errstr);
	if (errstr == NULL && jobctl_ag_set(j->pgid, JOBCTL_BOOST) == 0) {
		j->agnice = nice;
		j->boosted = 1;
	}
}

/* Undo jobctl_boost(); before the thaw, so the job never runs boosted. */
static void
jobctl_unboost(struct jobctl_job *j)
{
	if (j == NULL || !j->boosted)
		return;
	(void)jobctl_ag_set(j->pgid, j->agnice);
	j->boosted = 0;
}

/* Stop every process of the job, without waiting; see jobctl.h. */
int
jobctl_freeze(pid_t pgid)
{
	struct jobctl_job	*j;
	int			 r, saved;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	j = jobctl_job_find(pgid);
	jobctl_boost(j);
	if (j != NULL && (j->mask & JOBCTL_CONTAIN))
		r = jobctl_cg_freeze(j, 1);
	else
		r = kill(-pgid, SIGSTOP);
	if (r == -1) {
		saved = errno;
		jobctl_unboost(j);	/* never run boosted */
		errno = saved;
	}
	return r;
}

/* Let the job run again after jobctl_freeze(). */
int
jobctl_thaw(pid_t pgid)
{
	struct jobctl_job	*j;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	j = jobctl_job_find(pgid);
	jobctl_unboost(j);
	if (j != NULL && (j->mask & JOBCTL_CONTAIN))
		return jobctl_cg_freeze(j, 0);
	return kill(-pgid, SIGCONT);
}

/* 1 if no process of the job can run (frozen, stopped or gone), else 0. */
int
jobctl_frozen(pid_t pgid)
{
	struct jobctl_job	*j;

	if (pgid <= 1)
		return 0;
	if ((j = jobctl_job_find(pgid)) != NULL && (j->mask & JOBCTL_CONTAIN))
		return jobctl_cg_frozen(j);
	return jobctl_pg_stopped(pgid);
}

/* SIGKILL every process of the job, escapees included; see jobctl.h. */
int
jobctl_kill(pid_t pgid)
{
	struct jobctl_job	*j;
	int			 r;

	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if ((j = jobctl_job_find(pgid)) == NULL ||
	    (j->mask & JOBCTL_CONTAIN) == 0)
		return kill(-pgid, SIGKILL);
	if ((j->mask & JOBCTL_BIT(JOBCTL_CG2)) == 0 || !jobctl_tab.v2kill)
		return jobctl_cg_killall(j);
	r = jobctl_cg_write(j, JOBCTL_CG2, "cgroup.kill", "1");
	/* Someone (criu) may have frozen the v1 freezer: let them die. */
	if (r == 0 && (j->mask & JOBCTL_BIT(JOBCTL_FREEZER)))
		(void)jobctl_cg_write(j, JOBCTL_FREEZER, "freezer.state",
		    "THAWED");
	return r;
}

/* Remove the job's cgroups once it is gone; -1 (EBUSY) while it is not. */
int
jobctl_release(pid_t pgid)
{
	struct jobctl_job	*j;

	if ((j = jobctl_job_find(pgid)) == NULL)
		return 0;
	return jobctl_cg_rmdirs(j);
}

/*
 * STUB (branch lease), to be dropped when the spawn branch's jobctl_deadline
 * (a per-job init that kills the tree at the deadline) is merged.  It says
 * so once in the log: tests/integration/t-lease-stop.sh looks for the line.
 */
int
jobctl_deadline(pid_t pgid, int64_t kill_at_ms)
{
	static int	said;

	(void)pgid;
	(void)kill_at_ms;
	if (!said)
		log_info("jobctl: jobctl_deadline() stub: no deadline of its "
		    "own for a job; a stopped agent's jobs outlive the lease");
	said = 1;
	return 0;
}

/* 1 if the job is in cgroups of its own. */
int
jobctl_contained(pid_t pgid)
{
	struct jobctl_job	*j;

	return (j = jobctl_job_find(pgid)) != NULL &&
	    (j->mask & JOBCTL_CONTAIN) != 0;
}

/* Directory of the job's cgroup in HIERARCHY; see jobctl.h. */
int
jobctl_cgroup_dir(pid_t pgid, const char *hierarchy, char *buf, size_t len)
{
	struct jobctl_job	*j;
	int			 h;

	if ((j = jobctl_job_find(pgid)) == NULL)
		return -1;
	for (h = 0; h < JOBCTL_NCG; h++)
		if (strcmp(hierarchy, jobctl_hier_names[h]) == 0)
			break;
	if (h == JOBCTL_NCG || (j->mask & JOBCTL_BIT(jobctl_tab.alias[h])) == 0)
		return -1;
	return jobctl_cg_path(buf, len, j, jobctl_tab.alias[h], NULL);
}

/* The containment new jobs get. */
const char *
jobctl_mechanism(void)
{
	if (jobctl_tab.mask & JOBCTL_BIT(JOBCTL_CG2))
		return jobctl_tab.v2kill ? "cgroup2 freeze+kill" : "cgroup2 freeze";
	if (jobctl_tab.mask & JOBCTL_BIT(JOBCTL_FREEZER))
		return "v1 freezer";
	return "process groups only";
}

/* Forget all jobs, remove our empty groups and the unused cq-jobs. */
void
jobctl_fini(void)
{
	int	i, h;

	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jobctl_tab.jobs[i].state != JOBCTL_FREE &&
		    jobctl_cg_rmdirs(&jobctl_tab.jobs[i]) == -1)
			memset(&jobctl_tab.jobs[i], 0, sizeof jobctl_tab.jobs[i]);
	jobctl_tab.nreaped = 0;
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((jobctl_tab.mask & JOBCTL_BIT(h)) == 0)
			continue;
		jobctl_cg_sweep(h, jobctl_tab.agent);
		if (rmdir(jobctl_tab.parent[h]) == -1 && errno != EBUSY &&
		    errno != ENOTEMPTY && errno != ENOENT)
			log_warn("jobctl: rmdir %s", jobctl_tab.parent[h]);
	}
	jobctl_tab.mask = 0;
}

/* Reap one exited child without blocking; see jobctl.h. */
int
jobctl_reap(pid_t *pid, struct jobctl_result *res)
{
	struct jobctl_job	*j;
	struct rusage		 ru;
	pid_t			 p;
	int			 st;

	do
		p = wait4(-1, &st, WNOHANG, &ru);
	while (p == -1 && errno == EINTR);
	if (p <= 0)
		return p == 0 ? 0 : -1;

	memset(res, 0, sizeof *res);
	if (WIFEXITED(st))
		res->code = WEXITSTATUS(st);
	else {
		res->code = -1;
		res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	res->utime_ms = (int64_t)ru.ru_utime.tv_sec * 1000 +
	    ru.ru_utime.tv_usec / 1000;
	res->stime_ms = (int64_t)ru.ru_stime.tv_sec * 1000 +
	    ru.ru_stime.tv_usec / 1000;
	res->maxrss_kb = ru.ru_maxrss;		/* Linux: already KiB */
	*pid = p;

	/* The leader, or perhaps the last process of a job, is gone. */
	if ((j = jobctl_job_find(p)) != NULL && j->state == JOBCTL_LIVE) {
		/* Before its groups go: what its memory group saw. */
		jobctl_cg_memstat(j, res);
		j->state = JOBCTL_REAPED;
		jobctl_tab.nreaped++;
	}
	jobctl_cg_retry();
	return 1;
}
