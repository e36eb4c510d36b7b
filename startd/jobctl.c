/*
 * jobctl.c: job control of the agent: start a job as the leader of its own
 * session and process group, signal that group, reap exited children.
 * Invariants: a job inherits none of the agent's signal handlers, signal
 * mask, descriptors (beyond 0-2) or, with switch_user, credentials; it dies
 * with the agent (PR_SET_PDEATHSIG); jobctl_spawn() returns 0 only once
 * execve() has succeeded, and on failure the child is already reaped and
 * ERR says which step failed.  Between fork() and execve() the child runs
 * only async-signal-safe code: strings and sizes are prepared before
 * fork(), and a failure travels back over a close-on-exec pipe as an errno
 * and a short context that the parent formats.  Jobs are contained by
 * process groups only; cgroups come later behind the same interface, in
 * jobctl_child() (join before exec) and jobctl_signal().  The startd job
 * layer calls all of this; jobctl_reap() from its SIGCHLD event.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jobctl.h"

#define JOBCTL_WHAT_MAX	512	/* context a failing child sends back */
#define JOBCTL_MAXFD	65536	/* close loop bound without close_range */

/* What a failing child writes to the pipe: errno, then unterminated text. */
struct jobctl_fail {
	int	err;
	char	what[JOBCTL_WHAT_MAX];
};

/* Everything the child needs, computed before fork(). */
struct jobctl_child {
	const struct jobctl_spec *spec;
	const char	*path;		/* for execve(): "./x" if X has no '/' */
	const char	*input;		/* "/dev/null" substituted for NULL */
	const char	*output;
	const char	*error;
	int		 share;		/* error names the output path */
	pid_t		 ppid;		/* to detect the agent died early */
	int		 ep;		/* write end of the error pipe, >= 3 */
	int		 maxfd;		/* close loop bound */
};

static void	jobctl_child(const struct jobctl_child *)
		    __attribute__((noreturn));

/* Append S to DST at OFF without overflowing LEN; async-signal-safe. */
static size_t
jobctl_cat(char *dst, size_t off, size_t len, const char *s)
{
	size_t	n = strlen(s);

	if (n > len - off)
		n = len - off;
	memcpy(dst + off, s, n);
	return off + n;
}

/* Report "WHAT ARG" with errno to the parent and exit; in the child only. */
static void __attribute__((noreturn))
jobctl_child_fail(int ep, const char *what, const char *arg)
{
	struct jobctl_fail	f;
	size_t			n;
	ssize_t			r;

	f.err = errno;
	n = jobctl_cat(f.what, 0, sizeof f.what, what);
	if (arg != NULL) {
		n = jobctl_cat(f.what, n, sizeof f.what, " ");
		n = jobctl_cat(f.what, n, sizeof f.what, arg);
	}
	r = write(ep, &f, offsetof(struct jobctl_fail, what) + n);
	(void)r;		/* nobody to tell if the parent is gone */
	_exit(127);
}

/* Default dispositions and an empty mask: the agent's handlers are not ours. */
static void
jobctl_child_signals(void)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		(void)sigaction(sig, &sa, NULL); /* EINVAL: reserved by libc */
	}
	sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
}

/* Drop to the job's uid and gid for good, with no supplementary groups. */
static void
jobctl_child_user(const struct jobctl_child *c)
{
	uid_t	uid = c->spec->uid, ruid, euid, suid;
	gid_t	gid = c->spec->gid, rgid, egid, sgid;

	if (setgroups(1, &gid) == -1)
		jobctl_child_fail(c->ep, "setgroups", NULL);
	if (setresgid(gid, gid, gid) == -1)
		jobctl_child_fail(c->ep, "setresgid", NULL);
	if (setresuid(uid, uid, uid) == -1)
		jobctl_child_fail(c->ep, "setresuid", NULL);
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		jobctl_child_fail(c->ep, "getresuid", NULL);
	if (ruid != uid || euid != uid || suid != uid ||
	    rgid != gid || egid != gid || sgid != gid) {
		errno = EPERM;
		jobctl_child_fail(c->ep, "credentials not switched", NULL);
	}
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		errno = EPERM;
		jobctl_child_fail(c->ep, "could regain root", NULL);
	}
}

/* Open PATH for the job at a descriptor >= 3, so dup2() to 0-2 is safe. */
static int
jobctl_child_open(const struct jobctl_child *c, const char *what,
    const char *path, int flags)
{
	int	fd, fd2, fl;

	/* O_NONBLOCK: a FIFO must not hang the agent, which waits for exec. */
	fd = open(path, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd == -1)
		jobctl_child_fail(c->ep, what, path);
	if (fd < 3) {
		if ((fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
			jobctl_child_fail(c->ep, what, path);
		close(fd);
		fd = fd2;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		jobctl_child_fail(c->ep, what, path);
	return fd;
}

/* Stdin, stdout and stderr of the job; relative paths are against iwd. */
static void
jobctl_child_files(const struct jobctl_child *c)
{
	struct stat	so, se;
	int		in, out, err, wfl = O_WRONLY | O_CREAT | O_TRUNC;

	in = jobctl_child_open(c, "open input", c->input, O_RDONLY);
	out = jobctl_child_open(c, "open output", c->output, wfl);
	if (c->share)
		err = out;
	else {
		err = jobctl_child_open(c, "open error", c->error, wfl);
		/* Same file by another name: share the offset, as for "2>&1". */
		if (fstat(out, &so) == 0 && fstat(err, &se) == 0 &&
		    S_ISREG(so.st_mode) && so.st_dev == se.st_dev &&
		    so.st_ino == se.st_ino)
			err = out;
	}
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		jobctl_child_fail(c->ep, "dup2", NULL);
}

/* Close every descriptor above 2 except the (close-on-exec) error pipe. */
static void
jobctl_child_closefrom(const struct jobctl_child *c)
{
	int	fd;

#ifdef SYS_close_range
	if ((c->ep == 3 ||
	    syscall(SYS_close_range, 3U, (unsigned)c->ep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)c->ep + 1, ~0U, 0U) == 0)
		return;
#endif
	for (fd = 3; fd < c->maxfd; fd++)
		if (fd != c->ep)
			(void)close(fd);
}

/*
 * The child between fork() and execve().  Order matters: the credential
 * change clears the parent-death signal, so that comes after it; files are
 * opened as the job's user, so the agent never creates or truncates
 * something on a user's behalf that the user could not.  A cgroup join
 * belongs here, before the exec.
 */
static void
jobctl_child(const struct jobctl_child *c)
{
	const struct jobctl_spec	*s = c->spec;

	jobctl_child_signals();
	if (setsid() == -1)
		jobctl_child_fail(c->ep, "setsid", NULL);
	if (s->switch_user)
		jobctl_child_user(c);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		jobctl_child_fail(c->ep, "prctl PR_SET_PDEATHSIG", NULL);
	if (getppid() != c->ppid)
		_exit(127);		/* the agent died before the prctl */
	if (chdir(s->iwd) == -1)
		jobctl_child_fail(c->ep, "chdir", s->iwd);
	jobctl_child_files(c);
	jobctl_child_closefrom(c);
	execve(c->path, s->argv, s->envp);
	jobctl_child_fail(c->ep, "exec", s->executable);
}

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

/* Become a child subreaper, so orphans of jobs are ours to reap. */
int
jobctl_init(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ? -1 : 0;
}

/* Fork and exec a job as described in jobctl.h; ERR says what failed. */
int
jobctl_spawn(const struct jobctl_spec *spec, pid_t *pid, char *err,
    size_t errlen)
{
	struct jobctl_child	c;
	char			path[PATH_MAX];
	sigset_t		all, old;
	int			p[2] = { -1, -1 }, saved, st;
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

	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((child = fork()) == 0)
		jobctl_child(&c);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	p[1] = -1;
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
	*pid = child;
	return 0;

fail:
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	errno = saved;
	return -1;
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

/* Reap one exited child without blocking; see jobctl.h. */
int
jobctl_reap(pid_t *pid, struct jobctl_result *res)
{
	struct rusage	ru;
	pid_t		p;
	int		st;

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
	return 1;
}
