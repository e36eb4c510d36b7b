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

#include "jobctl.h"
#include "log.h"

#define JOBCTL_WHAT_MAX	512	/* context a failing child sends back */
#define JOBCTL_MAXFD	65536	/* close loop bound without close_range */
#define JOBCTL_MAXJOBS	256	/* jobs in the table at once */
#define JOBCTL_KILL_WAIT_MS 50	/* freeze wait of the kill fallback */
#define JOBCTL_PARENT	"cq-jobs"
#define JOBCTL_NAME_MAX	32
#define JOBCTL_BOOST	-20	/* autogroup nice while freezing */
#define JOBCTL_NICE	19	/* jobs yield to the owner and the agent */

/* The hierarchies a job's cgroups live in. */
enum jobctl_hier {
	JOBCTL_CG2,		/* cgroup2: cgroup.freeze, cgroup.kill */
	JOBCTL_FREEZER,		/* the v1 ones */
	JOBCTL_MEMORY,
	JOBCTL_PIDS,
	JOBCTL_CPUACCT,
	JOBCTL_NCG
};
#define JOBCTL_BIT(h)	(1U << (h))
/* A job with one of these is contained: freeze and kill reach it all. */
#define JOBCTL_CONTAIN	(JOBCTL_BIT(JOBCTL_CG2) | JOBCTL_BIT(JOBCTL_FREEZER))

static const char *const jobctl_hier_names[JOBCTL_NCG] = {
	"unified", "freezer", "memory", "pids", "cpuacct"
};

enum jobctl_state {
	JOBCTL_FREE,
	JOBCTL_PENDING,		/* groups made, fork not done */
	JOBCTL_LIVE,		/* the leader has not been reaped */
	JOBCTL_REAPED		/* it has; some groups are still there */
};

/* A job; with cgroups, "AGENTPID.SEQ" under each cq-jobs of MASK. */
struct jobctl_job {
	enum jobctl_state	 state;
	pid_t			 pgid;	/* 0 once a new job has the number */
	unsigned		 mask;
	char			 name[JOBCTL_NAME_MAX];
	int			 boosted; /* its autogroup is at JOBCTL_BOOST */
	int			 agnice;  /* and was at this before */
};

/* Where the cq-jobs groups are, and the jobs. */
static struct {
	char		 parent[JOBCTL_NCG][PATH_MAX];	/* or "" */
	int		 alias[JOBCTL_NCG];	/* hierarchy sharing the mount */
	unsigned	 mask;		/* hierarchies with a cq-jobs */
	int		 v2kill;	/* cgroup2 has cgroup.kill */
	pid_t		 agent;		/* getpid() at jobctl_init() */
	unsigned	 seq;
	int		 nreaped;	/* jobs in JOBCTL_REAPED */
	struct jobctl_job jobs[JOBCTL_MAXJOBS];
} jc;

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
	int		 cgfd[JOBCTL_NCG]; /* cgroup.procs to join, or -1 */
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

/* Join the job's cgroups: "0" is the writer.  Before anything else. */
static void
jobctl_child_join(const struct jobctl_child *c)
{
	int	h;

	for (h = 0; h < JOBCTL_NCG; h++)
		if (c->cgfd[h] != -1 && write(c->cgfd[h], "0", 1) != 1)
			jobctl_child_fail(c->ep, "join cgroup",
			    jobctl_hier_names[h]);
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
	int		in, out, err, wfl = O_WRONLY | O_CREAT | (c->spec->append ?
			    O_APPEND : O_TRUNC);

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
 * A job runs at the lowest priority, and so does its session's autogroup
 * (the kernel's per-session CPU share), so the owner's programs and the
 * agent always win the CPU: the desktop stays responsive and the agent
 * can freeze the job at once.  Best effort: errors are ignored.
 */
static void
jobctl_child_nice(void)
{
	int	fd;

	(void)setpriority(PRIO_PROCESS, 0, JOBCTL_NICE);
	if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) != -1) {
		(void)write(fd, "19", 2);
		(void)close(fd);
	}
}

/*
 * The child between fork() and execve().  Order matters: the credential
 * change clears the parent-death signal, so that comes after it; files are
 * opened as the job's user, so the agent never creates or truncates
 * something on a user's behalf that the user could not.  The cgroups are
 * joined first, while still root, so all the job does is charged to them.
 */
static void
jobctl_child(const struct jobctl_child *c)
{
	const struct jobctl_spec	*s = c->spec;

	jobctl_child_signals();
	jobctl_child_join(c);
	if (setsid() == -1)
		jobctl_child_fail(c->ep, "setsid", NULL);
	jobctl_child_nice();
	if (s->switch_user)
		jobctl_child_user(c);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		jobctl_child_fail(c->ep, "prctl PR_SET_PDEATHSIG", NULL);
	/* A pid namespace's init sees its parent as pid 0. */
	if (getppid() != (s->pidns ? 0 : c->ppid))
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

/* Sleep MS milliseconds (only the kill fallback does). */
static void
jobctl_msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The first LEN - 1 bytes of PATH, NUL-terminated, into BUF; or -1. */
static ssize_t
jobctl_read(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
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
static int
jobctl_write(const char *path, const char *s)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
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
static int
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
 * the hierarchy's ROOT: MNT/(OWN less ROOT)/cq-jobs into jc.parent[H].
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
	w = snprintf(jc.parent[h], sizeof jc.parent[h], "%s%s/%s", mnt, rest,
	    JOBCTL_PARENT);
	if (w < 0 || (size_t)w >= sizeof jc.parent[h])
		jc.parent[h][0] = '\0';
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
			if (jc.parent[h][0] != '\0' || own[h][0] == '\0')
				continue;
			if (h == JOBCTL_CG2 ? strcmp(type, "cgroup2") == 0 :
			    strcmp(type, "cgroup") == 0 &&
			    jobctl_inlist(opts, jobctl_hier_names[h]))
				jobctl_cg_place(h, fld[3], fld[4], own[h]);
		}
	}
	fclose(f);
}

/* Remove the empty groups in H's cq-jobs of agent ONLY, or of dead ones. */
static void
jobctl_cg_sweep(int h, pid_t only)
{
	char		 path[PATH_MAX], num[16], ev[256];
	const char	*errstr;
	struct dirent	*de;
	DIR		*d;
	size_t		 n;
	pid_t		 pid;

	if ((d = opendir(jc.parent[h])) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strcspn(de->d_name, ".");
		if (de->d_name[n] != '.' || n == 0 || n >= sizeof num)
			continue;
		memcpy(num, de->d_name, n);
		num[n] = '\0';
		pid = strtonum(num, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			continue;
		if (only != 0 ? pid != only :
		    pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		/*
		 * A dead agent's job may still hold processes (only its
		 * leader had the parent-death signal): kill them first.
		 */
		if (only == 0 && h == JOBCTL_CG2 &&
		    snprintf(path, sizeof path, "%s/%s/cgroup.events",
		    jc.parent[h], de->d_name) < (int)sizeof path &&
		    jobctl_read(path, ev, sizeof ev) > 0 &&
		    strstr(ev, "populated 1") != NULL &&
		    snprintf(path, sizeof path, "%s/%s/cgroup.kill",
		    jc.parent[h], de->d_name) < (int)sizeof path &&
		    jobctl_write(path, "1") == 0) {
			log_info("jobctl: killed what was left of job "
			    "cgroup %s", de->d_name);
			jobctl_msleep(20);	/* let it empty for rmdir */
		}
		if (snprintf(path, sizeof path, "%s/%s", jc.parent[h],
		    de->d_name) < (int)sizeof path)
			(void)rmdir(path);
	}
	closedir(d);
}

/* 1 if FILE of H's cq-jobs is there for us to write. */
static int
jobctl_cg_has(int h, const char *file)
{
	char	path[PATH_MAX];
	int	n;

	n = snprintf(path, sizeof path, "%s/%s", jc.parent[h], file);
	return n > 0 && (size_t)n < sizeof path && access(path, W_OK) == 0;
}

/* Make the cq-jobs groups; log which containment that gives. */
static void
jobctl_cg_init(void)
{
	char		 own[JOBCTL_NCG][PATH_MAX];
	char		 why[128] = "no cgroup mounted", ctl[64] = "";
	const char	*v;
	int		 h, k;

	memset(jc.parent, 0, sizeof jc.parent);
	jc.mask = 0;
	jc.v2kill = 0;
	jc.agent = getpid();
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
		jc.alias[h] = h;
		if (jc.parent[h][0] == '\0')
			continue;
		for (k = 0; k < h; k++)
			if (strcmp(jc.parent[k], jc.parent[h]) == 0)
				jc.alias[h] = k;	/* co-mounted */
		if (jc.alias[h] != h)
			continue;
		if (mkdir(jc.parent[h], 0755) == -1 && errno != EEXIST) {
			snprintf(why, sizeof why, "cannot make %s: %s",
			    JOBCTL_PARENT, strerror(errno));
			log_debug("jobctl: mkdir %s: %s", jc.parent[h],
			    strerror(errno));
			continue;
		}
		if (h == JOBCTL_CG2) {
			if (!jobctl_cg_has(h, "cgroup.freeze")) {
				snprintf(why, sizeof why, "no cgroup.freeze: %s",
				    strerror(errno));
				continue;
			}
			jc.v2kill = jobctl_cg_has(h, "cgroup.kill");
		}
		jc.mask |= JOBCTL_BIT(h);
		jobctl_cg_sweep(h, 0);
		log_debug("jobctl: job cgroups under %s", jc.parent[h]);
	}
	if ((jc.mask & JOBCTL_CONTAIN) == 0) {
		jc.mask = 0;		/* accounting alone is not worth it */
		log_info("jobctl: %s (%s)", jobctl_mechanism(), why);
		return;
	}
	for (h = JOBCTL_FREEZER; h < JOBCTL_NCG; h++)
		if (jc.mask & JOBCTL_BIT(jc.alias[h])) {
			strlcat(ctl, " ", sizeof ctl);
			strlcat(ctl, jobctl_hier_names[h], sizeof ctl);
		}
	log_info("jobctl: %s; v1:%s", jobctl_mechanism(),
	    ctl[0] != '\0' ? ctl : " none");
}

/* PARENT[H]/NAME[/FILE] of job J into BUF; 0, or -1 (ENAMETOOLONG). */
static int
jobctl_cg_path(char *buf, size_t len, const struct jobctl_job *j, int h,
    const char *file)
{
	int	n;

	n = snprintf(buf, len, "%s/%s%s%s", jc.parent[h], j->name,
	    file != NULL ? "/" : "", file != NULL ? file : "");
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Write S to FILE of job J's group in H; 0 or -1. */
static int
jobctl_cg_write(const struct jobctl_job *j, int h, const char *file,
    const char *s)
{
	char	path[PATH_MAX];

	if (jobctl_cg_path(path, sizeof path, j, h, file) == -1)
		return -1;
	return jobctl_write(path, s);
}

/* The job with leader (and pgid) PGID, or NULL. */
static struct jobctl_job *
jobctl_job_find(pid_t pgid)
{
	int	i;

	if (pgid <= 1)
		return NULL;
	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jc.jobs[i].pgid == pgid &&
		    (jc.jobs[i].state == JOBCTL_LIVE ||
		    jc.jobs[i].state == JOBCTL_REAPED))
			return &jc.jobs[i];
	return NULL;
}

/* Remove J's groups; 0 once all are gone, else -1 (EBUSY). */
static int
jobctl_cg_remove(struct jobctl_job *j)
{
	char	path[PATH_MAX];
	int	h, saved = 0;

	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((j->mask & JOBCTL_BIT(h)) == 0)
			continue;
		if (jobctl_cg_path(path, sizeof path, j, h, NULL) == 0 &&
		    (rmdir(path) == 0 || errno == ENOENT))
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

/* Remove J's groups and free J; 0, or -1 (EBUSY) with J kept. */
static int
jobctl_cg_rmdirs(struct jobctl_job *j)
{
	if (jobctl_cg_remove(j) == -1)
		return -1;
	if (j->state == JOBCTL_REAPED)
		jc.nreaped--;
	memset(j, 0, sizeof *j);
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
		if ((jc.mask & JOBCTL_BIT(h)) == 0)
			continue;
		if (jobctl_cg_path(path, sizeof path, j, h, NULL) == -1)
			continue;
		/* Another agent may have removed an empty cq-jobs. */
		if ((r = mkdir(path, 0755)) == -1 && errno == ENOENT &&
		    (mkdir(jc.parent[h], 0755) == 0 || errno == EEXIST))
			r = mkdir(path, 0755);
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
 * its groups and the open cgroup.procs of each in FD (all -1 without).
 * NULL if the table is full.
 */
static struct jobctl_job *
jobctl_job_new(int *fd)
{
	struct jobctl_job	*j = NULL;
	char			 path[PATH_MAX];
	int			 h, i;

	for (h = 0; h < JOBCTL_NCG; h++)
		fd[h] = -1;
	for (i = 0; i < JOBCTL_MAXJOBS && j == NULL; i++)
		if (jc.jobs[i].state == JOBCTL_FREE)
			j = &jc.jobs[i];
	if (j == NULL) {
		if (jc.mask & JOBCTL_CONTAIN)
			log_warnx("jobctl: %d jobs already: this one gets its "
			    "process group only", JOBCTL_MAXJOBS);
		return NULL;
	}
	j->state = JOBCTL_PENDING;
	if ((jc.mask & JOBCTL_CONTAIN) == 0)
		return j;
	for (i = 0; i < 8; i++) {
		snprintf(j->name, sizeof j->name, "%ld.%u", (long)jc.agent,
		    jc.seq++);
		if (jobctl_cg_mkdirs(j) == 0)
			break;
	}
	if ((j->mask & JOBCTL_CONTAIN) == 0) {
		log_warnx("jobctl: no cgroup for a job: it gets its process "
		    "group only");
		goto fail;
	}
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((j->mask & JOBCTL_BIT(h)) == 0)
			continue;
		if (jobctl_cg_path(path, sizeof path, j, h,
		    "cgroup.procs") == -1 ||
		    (fd[h] = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
			log_warn("jobctl: open %s", path);
			goto fail;
		}
	}
	return j;

fail:
	for (h = 0; h < JOBCTL_NCG; h++)
		if (fd[h] != -1) {
			close(fd[h]);
			fd[h] = -1;
		}
	if (jobctl_cg_remove(j) == -1)
		log_warn("jobctl: rmdir %s", j->name);
	j->mask = 0;			/* just made: nobody is in them */
	return j;
}

/* J's child is PGID; a job that had the number before loses it. */
static void
jobctl_job_started(struct jobctl_job *j, pid_t pgid)
{
	int	i;

	for (i = 0; i < JOBCTL_MAXJOBS; i++) {
		if (jc.jobs[i].pgid != pgid || &jc.jobs[i] == j)
			continue;
		if (jc.jobs[i].state == JOBCTL_LIVE) {
			jc.jobs[i].state = JOBCTL_REAPED; /* reaped elsewhere */
			jc.nreaped++;
		}
		jc.jobs[i].pgid = 0;
	}
	j->pgid = pgid;
	j->state = JOBCTL_LIVE;
}

/* The fork failed or the child reported failure and was reaped. */
static void
jobctl_job_abort(struct jobctl_job *j)
{
	if (jobctl_cg_rmdirs(j) == -1) {
		log_warn("jobctl: rmdir %s", j->name);
		j->state = JOBCTL_REAPED;	/* the reaper retries */
		j->pgid = 0;
		jc.nreaped++;
	}
}

/* Freeze (ON) or thaw J's groups; 0 or -1. */
static int
jobctl_cg_freeze(const struct jobctl_job *j, int on)
{
	if (j->mask & JOBCTL_BIT(JOBCTL_CG2))
		return jobctl_cg_write(j, JOBCTL_CG2, "cgroup.freeze",
		    on ? "1" : "0");
	return jobctl_cg_write(j, JOBCTL_FREEZER, "freezer.state",
	    on ? "FROZEN" : "THAWED");
}

/* 1 if J's group in H has no process left. */
static int
jobctl_cg_empty(const struct jobctl_job *j, int h)
{
	char	path[PATH_MAX], buf[16];

	return jobctl_cg_path(path, sizeof path, j, h, "cgroup.procs") == 0 &&
	    jobctl_read(path, buf, sizeof buf) == 0;
}

/* 1 if no process in J's groups can run. */
static int
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
static int
jobctl_cg_killall(const struct jobctl_job *j)
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
static void
jobctl_cg_retry(void)
{
	int	i;

	for (i = 0; i < JOBCTL_MAXJOBS && jc.nreaped > 0; i++)
		if (jc.jobs[i].state == JOBCTL_REAPED)
			(void)jobctl_cg_rmdirs(&jc.jobs[i]);
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
		if (jc.jobs[i].state != JOBCTL_FREE) {
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
		jc.nreaped--;
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
	if ((j->mask & JOBCTL_BIT(JOBCTL_CG2)) == 0 || !jc.v2kill)
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
	if (h == JOBCTL_NCG || (j->mask & JOBCTL_BIT(jc.alias[h])) == 0)
		return -1;
	return jobctl_cg_path(buf, len, j, jc.alias[h], NULL);
}

/* The containment new jobs get. */
const char *
jobctl_mechanism(void)
{
	if (jc.mask & JOBCTL_BIT(JOBCTL_CG2))
		return jc.v2kill ? "cgroup2 freeze+kill" : "cgroup2 freeze";
	if (jc.mask & JOBCTL_BIT(JOBCTL_FREEZER))
		return "v1 freezer";
	return "process groups only";
}

/* Forget all jobs, remove our empty groups and the unused cq-jobs. */
void
jobctl_fini(void)
{
	int	i, h;

	for (i = 0; i < JOBCTL_MAXJOBS; i++)
		if (jc.jobs[i].state != JOBCTL_FREE &&
		    jobctl_cg_rmdirs(&jc.jobs[i]) == -1)
			memset(&jc.jobs[i], 0, sizeof jc.jobs[i]);
	jc.nreaped = 0;
	for (h = 0; h < JOBCTL_NCG; h++) {
		if ((jc.mask & JOBCTL_BIT(h)) == 0)
			continue;
		jobctl_cg_sweep(h, jc.agent);
		if (rmdir(jc.parent[h]) == -1 && errno != EBUSY &&
		    errno != ENOTEMPTY && errno != ENOENT)
			log_warn("jobctl: rmdir %s", jc.parent[h]);
	}
	jc.mask = 0;
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
		j->state = JOBCTL_REAPED;
		jc.nreaped++;
	}
	jobctl_cg_retry();
	return 1;
}
