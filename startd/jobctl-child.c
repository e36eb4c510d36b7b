/*
 * jobctl-child.c: a job's side of jobctl_spawn(), from fork() (or the
 * clone() of a pid namespace) to execve(): join the job's cgroups, reset
 * signals, hide the desktop's homes (a slot user's job), set the rlimits
 * no cgroup holds, switch user with its groups, open the job's files,
 * close the agent's descriptors, lower its priority and exec.  Only async-signal-safe code
 * runs here: everything was prepared by the parent (struct jobctl_child),
 * and a failure goes back over the error pipe as an errno and a short
 * context (jobctl_child_fail()).  Called by jobctl.c only.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mount.h>
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

/* The hierarchies' names (jobctl-int.h); here, as cq-jobinit needs them. */
const char *const jobctl_hier_names[JOBCTL_NCG] = {
	"unified", "freezer", "memory", "pids", "cpuacct"
};

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
jobctl_child_signals(const struct jobctl_child *c)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig;

	if (c->sigdfl)
		goto mask;	/* an init's child: they are the defaults */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		(void)sigaction(sig, &sa, NULL); /* EINVAL: reserved by libc */
	}
mask:
	sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
}

/*
 * Drop to the job's uid and gid for good, with the supplementary groups
 * the parent listed (getgrouplist() is not async-signal-safe), or with
 * its gid alone.
 */
static void
jobctl_child_user(const struct jobctl_child *c)
{
	uid_t	uid = c->spec->uid, ruid, euid, suid;
	gid_t	gid = c->spec->gid, rgid, egid, sgid;

	if (c->spec->ngroups > 0 && c->spec->groups != NULL ?
	    setgroups((size_t)c->spec->ngroups, c->spec->groups) == -1 :
	    setgroups(1, &gid) == -1)
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

/*
 * Hide the directories of spec->hide (the desktop's homes, from a slot
 * user) behind an empty read-only tmpfs, in a mount namespace of the
 * job's own whose mounts do not propagate back.  As root, before the
 * user switch.  A directory that is not there needs no hiding.
 */
static void
jobctl_child_hide(const struct jobctl_child *c)
{
	char *const	*d;

	if (c->spec->hide == NULL || c->spec->hide[0] == NULL)
		return;
	if (unshare(CLONE_NEWNS) == -1)
		jobctl_child_fail(c->ep, "unshare mount namespace", NULL);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		jobctl_child_fail(c->ep, "mount private", "/");
	for (d = c->spec->hide; *d != NULL; d++)
		if (mount("cq-hidden", *d, "tmpfs", MS_RDONLY | MS_NOSUID |
		    MS_NODEV | MS_NOEXEC, "mode=0755,size=4k") == -1 &&
		    errno != ENOENT)
			jobctl_child_fail(c->ep, "hide", *d);
}

/* The limits no cgroup holds (jobctl-lim.c), as rlimits; before the
 * user switch, so the job cannot raise them back. */
static void
jobctl_child_rlimits(const struct jobctl_child *c)
{
	struct rlimit	rl;

	if (c->rl_data > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)c->rl_data;
		if (setrlimit(RLIMIT_DATA, &rl) == -1)
			jobctl_child_fail(c->ep, "setrlimit RLIMIT_DATA", NULL);
	}
	if (c->rl_nproc > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)c->rl_nproc;
		if (setrlimit(RLIMIT_NPROC, &rl) == -1)
			jobctl_child_fail(c->ep, "setrlimit RLIMIT_NPROC",
			    NULL);
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

/* 1 if FD is one of the NKEEP in KEEP. */
static int
jobctl_kept(int fd, const int *keep, int nkeep)
{
	int	i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return 1;
	return 0;
}

/*
 * Close every descriptor from 3 up except the KEEP ones (-1 entries are
 * ignored): close_range() between them, a loop to MAXFD without it.
 * Async-signal-safe.
 */
void
jobctl_closefrom(int maxfd, const int *keep, int nkeep)
{
	int	fd, next, i;

#ifdef SYS_close_range
	for (fd = 3;;) {
		/* The lowest kept descriptor at or above FD. */
		next = -1;
		for (i = 0; i < nkeep; i++)
			if (keep[i] >= fd && (next == -1 || keep[i] < next))
				next = keep[i];
		if (next == -1) {
			if (syscall(SYS_close_range, (unsigned)fd, ~0U,
			    0U) == 0)
				return;
			break;
		}
		if (next > fd && syscall(SYS_close_range, (unsigned)fd,
		    (unsigned)next - 1, 0U) != 0)
			break;
		fd = next + 1;
	}
#endif
	for (fd = 3; fd < maxfd; fd++)
		if (!jobctl_kept(fd, keep, nkeep))
			(void)close(fd);
}

/* Close every descriptor above 2 except the (close-on-exec) error pipe. */
static void
jobctl_child_closefrom(const struct jobctl_child *c)
{
	jobctl_closefrom(c->maxfd, &c->ep, 1);
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
void
jobctl_child(const struct jobctl_child *c)
{
	const struct jobctl_spec	*s = c->spec;

	jobctl_child_signals(c);
	jobctl_child_join(c);
	if (setsid() == -1)
		jobctl_child_fail(c->ep, "setsid", NULL);
	jobctl_child_nice();
	jobctl_child_hide(c);
	jobctl_child_rlimits(c);
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
