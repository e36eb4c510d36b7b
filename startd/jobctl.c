/*
 * jobctl.c: job control of the agent: start a job under an init of its
 * own (jobctl-init.c) as the leader of its own session and process group
 * and, where the machine allows, in cgroups of its own; signal, freeze,
 * thaw and kill it; keep its deadline; reap exited children.
 * Invariants: a job inherits none of the agent's signal handlers, signal
 * mask, descriptors (beyond 0-2) or, with switch_user, credentials; its
 * whole tree dies with the agent (the init's pid namespace, or the init
 * at the end of its deadline pipe); jobctl_spawn_start() returns once the
 * init is cloned, and jobctl_spawn_result() tells later whether the exec
 * succeeded or which step failed; jobctl_spawn() waits for that, and on
 * failure the init is already reaped and its cgroups removed.  Between
 * the clone and execve() only async-signal-safe code runs: strings, sizes
 * and descriptors are prepared before the clone, and a failure travels
 * back over close-on-exec pipes as an errno and a short context that the
 * agent formats.
 *
 * Containment: jobctl_init() finds the cgroup mounts in
 * /proc/self/mountinfo and the agent's own cgroups in /proc/self/cgroup,
 * and makes "cq-jobs/IDENT" under the agent's own in each hierarchy
 * (IDENT: jobctl_ident(), this agent's alone), killing what a previous
 * life left there: cgroup2 (cgroup.freeze, cgroup.kill) and v1 freezer,
 * memory, pids and cpuacct (accounting and limits, and the freezer as the
 * fallback and for CRIU).  Each job gets "AGENTPID.SEQ" in each; its init
 * is born in the cgroup2 one (clone3 CLONE_INTO_CGROUP) and joins the v1
 * ones itself, after the job's exec where cgroup2 holds the job already,
 * so that no v1 cgroup.procs write (an RCU grace period, about 13 ms) is
 * in the agent's loop or in the job's start; every process the job starts
 * stays inside, setsid or not.  A job that got no cgroup2 or freezer
 * group (not root, read-only, none mounted) is contained by its init and
 * its process group.  A bounded table maps each job's pgid (its init's
 * pid) to its cgroup name (if any), its init's pipes, its start result
 * and what a freeze changed; a job is in it from spawn until its cgroups
 * are gone and its start result was given out.
 * Freeze, thaw and their checks are in jobctl-frz.c.  The startd
 * job layer calls all of this: jobctl_spawn_result() from the event of
 * the start descriptor, jobctl_reap() from its SIGCHLD event.  Nothing
 * here blocks for long: only the kill fallback without cgroup.kill waits
 * (50 ms at most), and jobctl_fini() (100 ms at most).
 *
 * Limits (jobctl-lim.c): the spec's memory and pids limits are written
 * into the job's fresh groups before the fork (rlimits in the child where
 * no group holds them); the reaper reads the memory group's OOM kills and
 * peak before the groups go.  A slot user's job gets a mount namespace of
 * its own with the desktop's homes hidden (jobctl-child.c).
 *
 * For CRIU (criu.c): a spec with pidns set starts the job bare, as the
 * init of a new pid namespace itself (clone(CLONE_NEWPID) in place of
 * fork()), so that criu dumps its tree and a restore elsewhere never
 * collides with a pid in use there; a criu restore is bare too; and
 * jobctl_adopt() moves a job's entry from the criu process that restored
 * it to the restored tree's leader.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/param.h>
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
#include <poll.h>
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

/* Name this agent's subtree of cq-jobs; see jobctl.h. */
void
jobctl_ident(const char *ident)
{
	size_t	i;
	char	c;

	jobctl_tab.ident[0] = '\0';
	if (ident == NULL)
		return;
	for (i = 0; ident[i] != '\0' && i < sizeof jobctl_tab.ident - 1; i++) {
		c = ident[i];
		jobctl_tab.ident[i] = (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && i > 0) ? c : '_';
	}
	jobctl_tab.ident[i] = '\0';
}

/* Become a subreaper and find the cgroups for jobs; see jobctl.h. */
int
jobctl_init(void)
{
	const char	*v;
	char		 err[PATH_MAX + 128];
	int		 i, r;

	if (jobctl_tab.ident[0] == '\0')
		snprintf(jobctl_tab.ident, sizeof jobctl_tab.ident, "pid%ld",
		    (long)getpid());
	if ((v = getenv("CQ_JOBCTL_NO_PIDNS")) != NULL && strcmp(v, "1") == 0)
		jobctl_tab.nopidns = 1;
	if ((v = getenv("CQ_JOBCTL_NO_CLONE3")) != NULL && strcmp(v, "1") == 0)
		jobctl_tab.noclone3 = 1;

	if (jobctl_exec_open(err, sizeof err) == -1)
		log_warnx("jobctl: %s: no job but a bare one can start", err);
	else
		log_debug("jobctl: job init %s", jobctl_program_path());
	r = prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ? -1 : 0;
	jobctl_frz_init();
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

/* A job not in the table (full) cannot be started: it would have no init. */
static int
jobctl_full(char *err, size_t errlen)
{
	jobctl_err(err, errlen, "spawn: too many jobs", EAGAIN);
	errno = EAGAIN;
	return -1;
}

/* Start a job as described in jobctl.h; *FD gets the start result. */
int
jobctl_spawn_start(const struct jobctl_spec *spec, pid_t *pid, int *fd,
    char *err, size_t errlen)
{
	struct jobctl_child	c;
	struct jobctl_job	*j = NULL;
	char			path[PATH_MAX];
	sigset_t		all, old;
	int			p[2] = { -1, -1 }, d[2] = { -1, -1 }, cg2 = -1;
	int			saved, h, bare, pidns = 0, into = 0, mine = -1;
	int			cg2temp = 0;
	unsigned		temp = 0;
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
	c.dp = -1;
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
	bare = spec->pidns || spec->bare;

	/* An init is born in its cgroup2 group (clone3), joins the rest. */
	if ((j = jobctl_job_new(c.cgfd, !bare && !jobctl_tab.noclone3 ?
	    JOBCTL_BIT(JOBCTL_CG2) : 0, &temp)) == NULL)
		return jobctl_full(err, errlen);
	if (pipe2(p, O_CLOEXEC) == -1 || jobctl_fd_above(&p[1]) == -1 ||
	    jobctl_fd_above(&p[0]) == -1 || (!bare &&
	    (pipe2(d, O_CLOEXEC) == -1 || jobctl_fd_above(&d[0]) == -1 ||
	    jobctl_fd_above(&d[1]) == -1))) {
		saved = errno;
		jobctl_err(err, errlen, "pipe", saved);
		goto fail;
	}
	if ((mine = fcntl(p[0], F_DUPFD_CLOEXEC, 3)) == -1) {
		saved = errno;
		jobctl_err(err, errlen, "dup", saved);
		goto fail;
	}
	c.ep = p[1];
	c.dp = d[0];
	c.cg2procs = -1;
	/* Kept with the groups, as their cgroup.procs are (jobctl-keep.c). */
	if (!bare && (j->mask & JOBCTL_BIT(JOBCTL_CG2)) &&
	    !jobctl_tab.noclone3)
		cg2 = jobctl_keep_fd(j, JOBCTL_CG2, NULL, O_RDONLY |
		    O_DIRECTORY, &cg2temp);
	jobctl_cg_limits(j, spec, &c);

	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if (bare) {
		if ((child = jobctl_fork(spec)) == 0)
			jobctl_child(&c);
	} else
		child = jobctl_exec_init(&c, cg2, &pidns, &into);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	p[1] = -1;
	if (d[0] != -1)
		close(d[0]);
	d[0] = -1;
	if (cg2 != -1 && cg2temp)
		close(cg2);
	for (h = 0; h < JOBCTL_NCG; h++)
		if (c.cgfd[h] != -1 && (temp & JOBCTL_BIT(h)))
			close(c.cgfd[h]);
	if (child == -1) {
		jobctl_err(err, errlen, "fork", saved);
		goto fail;
	}
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);	/* and so is MINE */
	if (d[1] != -1)
		(void)fcntl(d[1], F_SETFL, O_NONBLOCK);
	j->bare = bare;
	j->pidns = bare ? spec->pidns : pidns;
	j->sfd = p[0];
	j->dfd = d[1];
	jobctl_job_started(j, child);
	*pid = child;
	*fd = mine;
	return 0;

fail:
	if (mine != -1)
		close(mine);
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	if (d[0] != -1)
		close(d[0]);
	if (d[1] != -1)
		close(d[1]);
	jobctl_job_abort(j);
	errno = saved;
	return -1;
}

/* A record of J's init, or the bare child's exec status, read in. */
static void
jobctl_drain(struct jobctl_job *j)
{
	struct jobctl_report	r;
	struct jobctl_fail	f;
	size_t			off = offsetof(struct jobctl_fail, what);
	ssize_t			n;

	while (j->sfd != -1) {
		if (j->bare) {
			n = read(j->sfd, &f, sizeof f);
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				return;
			if (n > 0) {
				j->start = -1;
				j->serr = (size_t)n >= off ? f.err : EIO;
				if ((size_t)n > off)
					memcpy(j->swhat, f.what, MIN((size_t)n -
					    off, sizeof j->swhat - 1));
				else
					strlcpy(j->swhat, "spawn: short status "
					    "from child", sizeof j->swhat);
			} else if (j->start == 0)
				j->start = n == 0 ? 1 : -1;
			close(j->sfd);
			j->sfd = -1;
			return;
		}
		n = read(j->sfd, &r, sizeof r);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			return;
		if (n == (ssize_t)sizeof r && r.type == JOBCTL_R_START &&
		    j->start == 0) {
			j->start = r.err == 0 ? 1 : -1;
			j->serr = r.err;
			r.what[sizeof r.what - 1] = '\0';
			strlcpy(j->swhat, r.what, sizeof j->swhat);
			j->leader = r.err == 0 ? r.leader : 0;
			continue;
		}
		if (n == (ssize_t)sizeof r && r.type == JOBCTL_R_EXIT) {
			j->exited = 1;
			j->xstatus = r.status;
			j->xexpired = r.expired;
			memset(&j->xru, 0, sizeof j->xru);
			j->xru.ru_utime.tv_sec = r.utime_us / 1000000;
			j->xru.ru_utime.tv_usec = r.utime_us % 1000000;
			j->xru.ru_stime.tv_sec = r.stime_us / 1000000;
			j->xru.ru_stime.tv_usec = r.stime_us % 1000000;
			j->xru.ru_maxrss = r.maxrss_kb;
			continue;
		}
		if (n > 0)
			continue;	/* not ours: cannot happen */
		/* EOF (or an error): the init is gone. */
		if (j->start == 0) {
			j->start = -1;
			j->serr = EINTR;
			strlcpy(j->swhat, "job killed before its exec",
			    sizeof j->swhat);
		}
		close(j->sfd);
		j->sfd = -1;
	}
}

/* How the exec of job PID went; see jobctl.h. */
int
jobctl_spawn_result(pid_t pid, char *err, size_t errlen)
{
	struct jobctl_job	*j;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((j = jobctl_job_find(pid)) == NULL) {
		jobctl_err(err, errlen, "spawn", ESRCH);
		errno = ESRCH;
		return -1;
	}
	if (j->start == 0)
		jobctl_drain(j);
	if (j->start == 0)
		return 0;
	j->taken = 1;
	if (j->start == 1) {
		if (j->state == JOBCTL_REAPED && j->mask == 0)
			(void)jobctl_cg_rmdirs(j);	/* frees it */
		return 1;
	}
	jobctl_err(err, errlen, j->swhat[0] != '\0' ? j->swhat : "spawn",
	    j->serr);
	errno = j->serr;
	if (j->state == JOBCTL_REAPED && j->mask == 0)
		(void)jobctl_cg_rmdirs(j);
	return -1;
}

/* Start a job and wait for its exec; see jobctl.h. */
int
jobctl_spawn(const struct jobctl_spec *spec, pid_t *pid, char *err,
    size_t errlen)
{
	struct jobctl_job	*j;
	struct pollfd		 pfd;
	pid_t			 child;
	int			 fd, r, saved, st;

	if (jobctl_spawn_start(spec, &child, &fd, err, errlen) == -1)
		return -1;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((r = jobctl_spawn_result(child, err, errlen)) == 0)
		(void)poll(&pfd, 1, -1);
	close(fd);
	if (r == 1) {
		*pid = child;
		return 0;
	}
	/* It exits at once after its report (or was killed): reap it. */
	saved = errno;
	if ((j = jobctl_job_find(child)) != NULL &&
	    j->state == JOBCTL_LIVE) {
		if (j->bare)
			kill(child, SIGKILL);
		while (waitpid(child, &st, 0) == -1 && errno == EINTR)
			;
		j->state = JOBCTL_REAPED;
		jobctl_tab.nreaped++;
		jobctl_job_abort(j);
	}
	errno = saved;
	return -1;
}

/* Write V (a deadline, or JOBCTL_CTL_KILL) to J's init; 0 or -1. */
static int
jobctl_order(struct jobctl_job *j, int64_t v)
{
	ssize_t	n;

	if (j->state != JOBCTL_LIVE) {
		errno = ESRCH;
		return -1;
	}
	if (j->bare || j->dfd == -1) {
		errno = ENOTSUP;
		return -1;
	}
	do
		n = write(j->dfd, &v, sizeof v);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof v)
		return 0;
	if (n == -1 && errno == EPIPE)
		errno = ESRCH;		/* the init is gone */
	else if (n != -1)
		errno = EIO;
	return -1;
}

/* The deadline of job PGID's init; see jobctl.h. */
int
jobctl_deadline(pid_t pgid, int64_t kill_at_ms)
{
	struct jobctl_job	*j;

	if (kill_at_ms < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((j = jobctl_job_find(pgid)) == NULL) {
		errno = ESRCH;
		return -1;
	}
	return jobctl_order(j, kill_at_ms);
}

/* The write end of job PGID's deadline pipe; see jobctl.h. */
int
jobctl_deadline_fd(pid_t pgid)
{
	struct jobctl_job	*j;

	if ((j = jobctl_job_find(pgid)) == NULL || j->state != JOBCTL_LIVE) {
		errno = ESRCH;
		return -1;
	}
	if (j->bare || j->dfd == -1) {
		errno = ENOTSUP;
		return -1;
	}
	return j->dfd;
}

/* The job's own process group (its leader's pid), once known; or 0. */
pid_t
jobctl_leader(struct jobctl_job *j)
{
	if (j == NULL || j->bare)
		return j != NULL ? j->pgid : 0;
	if (j->leader == 0 && j->start == 0)
		jobctl_drain(j);
	return j->state == JOBCTL_LIVE ? j->leader : 0;
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

/*
 * Signal the job's whole process group; 0, or -1 (ESRCH if gone).  Before
 * the exec is known the signal goes to the job's init, which passes it on
 * once the job runs; SIGKILL is jobctl_kill().
 */
int
jobctl_signal(pid_t pgid, int sig)
{
	struct jobctl_job	*j;
	pid_t			 leader;

	/* kill(-1) would signal every process we may signal, kill(0) us. */
	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if ((j = jobctl_job_find(pgid)) == NULL || j->bare ||
	    j->state != JOBCTL_LIVE)
		return kill(-pgid, sig);
	if (sig == SIGKILL)
		return jobctl_kill(pgid);
	if ((leader = jobctl_leader(j)) > 1 && (kill(-leader, sig) == 0 ||
	    errno != ESRCH))
		return 0;
	return kill(pgid, sig);
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
	if ((j = jobctl_job_find(pgid)) != NULL && !j->bare &&
	    (j->mask & JOBCTL_CONTAIN) == 0) {
		/* Its init kills the rest (a pid namespace dies with it). */
		if (j->state != JOBCTL_LIVE) {
			errno = ESRCH;
			return -1;
		}
		if (j->pidns)
			return kill(pgid, SIGKILL);
		if (jobctl_leader(j) > 1)
			(void)kill(-j->leader, SIGKILL);
		if (jobctl_order(j, JOBCTL_CTL_KILL) == 0)
			return 0;
		return kill(pgid, SIGKILL);	/* its orphans may live */
	}
	if (j == NULL || (j->mask & JOBCTL_CONTAIN) == 0)
		return kill(-pgid, SIGKILL);
	j->tainted = 1;
	if ((j->mask & JOBCTL_BIT(JOBCTL_CG2)) == 0 || !jobctl_tab.v2kill) {
		/* The freeze ladder's v1 rung would keep them from dying. */
		if ((j->frz & JOBCTL_FRZ_V1) && (j->mask & JOBCTL_BIT(JOBCTL_CG2)))
			(void)jobctl_cg_write(j, JOBCTL_FREEZER,
			    "freezer.state", "THAWED");
		return jobctl_cg_killall(j);
	}
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
	struct timespec	ts = { 0, 5 * 1000 * 1000 };
	int		i, k, busy = 1;

	/* A group killed a moment ago may still be emptying: 100 ms. */
	for (k = 0; k < 20 && busy; k++) {
		if (k > 0)
			nanosleep(&ts, NULL);
		busy = 0;
		for (i = 0; i < JOBCTL_MAXJOBS; i++) {
			if (jobctl_tab.jobs[i].state == JOBCTL_FREE)
				continue;
			jobctl_tab.jobs[i].taken = 1;
			if (jobctl_tab.jobs[i].state == JOBCTL_LIVE) {
				jobctl_tab.jobs[i].state = JOBCTL_REAPED;
				jobctl_tab.nreaped++;
			}
			if (jobctl_cg_rmdirs(&jobctl_tab.jobs[i]) == -1)
				busy = 1;
		}
	}
	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jobctl_tab.jobs[i].state != JOBCTL_FREE)
			jobctl_job_free(&jobctl_tab.jobs[i]);
	jobctl_tab.nreaped = 0;
	jobctl_cg_fini();
}

/* RES from wait status ST and usage RU. */
static void
jobctl_res(struct jobctl_result *res, int st, const struct rusage *ru)
{
	if (WIFEXITED(st))
		res->code = WEXITSTATUS(st);
	else {
		res->code = -1;
		res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	res->utime_ms = (int64_t)ru->ru_utime.tv_sec * 1000 +
	    ru->ru_utime.tv_usec / 1000;
	res->stime_ms = (int64_t)ru->ru_stime.tv_sec * 1000 +
	    ru->ru_stime.tv_usec / 1000;
	res->maxrss_kb = ru->ru_maxrss;		/* Linux: already KiB */
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
	*pid = p;
	if ((j = jobctl_job_find(p)) != NULL && j->state == JOBCTL_LIVE) {
		/* Before its groups go: what its memory group saw. */
		jobctl_cg_memstat(j, res);
		j->oomk = res->oom_kills;
		/* An init: what it said of its leader is the job's end. */
		if (!j->bare) {
			jobctl_drain(j);
			if (j->exited) {
				st = j->xstatus;
				ru = j->xru;
				res->expired = j->xexpired;
			}
			if (j->dfd != -1)
				close(j->dfd);
			j->dfd = -1;
		}
		j->state = JOBCTL_REAPED;
		jobctl_tab.nreaped++;
	}
	jobctl_res(res, st, &ru);
	jobctl_cg_retry();
	return 1;
}
