/*
 * jobctl-exec.c: the agent's side of a job's init, which is a program of
 * its own (cq-jobinit, startd/jobinit.c), not a fork of the agent.  The
 * agent finds it once (jobctl_exec_open(): beside the agent's own
 * executable, as in a build tree, else in CQ_LIBEXECDIR; jobctl_program()
 * names another, for tests and benches) and keeps it open, so a package
 * upgrade that replaces the file never hands a running agent an init of
 * another version.  Each start clones a child that shares the
 * agent's memory and runs on a stack of its own until its exec
 * (CLONE_VM | CLONE_VFORK, as posix_spawn does: the agent is suspended
 * for the length of the execve() only), born in the job's cgroup2 group
 * (clone3 CLONE_INTO_CGROUP) and, where the agent may, leading a new pid
 * namespace.  No copy of the agent's address space is made for the init,
 * and none is left behind for the agent's own writes to fault on.
 *
 * What the init needs comes as its arguments (the job's argv and
 * environment among them, after "--"), in a memfd, not on its command
 * line, which everyone on the desktop can read (ps) while the job runs:
 * the environment is the job's to see; and as descriptors it inherits:
 * the memfd, the status pipe, the deadline pipe and the cgroup.procs
 * files it joins.  Its own environment is empty: nothing of the job's
 * (LD_PRELOAD, say) can reach a program that runs as root.  If the exec
 * fails, the child writes a START record saying so and exits, as the
 * init would.
 * Called by jobctl.c only.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"
#include "log.h"
#include "xmalloc.h"

#ifndef CQ_LIBEXECDIR
#define CQ_LIBEXECDIR	"/usr/local/libexec/cq"
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH	0x1000
#endif

#define JOBCTL_XSTACK	(64 * 1024)	/* the child's until its exec */
#define JOBCTL_XNUM	24		/* a number as text, with "H:" */
#define JOBCTL_XFIXED	64		/* argv words besides lists */

/* clone3()'s arguments (linux/sched.h, version 2: with cgroup). */
struct jobctl_clone_args {
	uint64_t	flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t	stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* One start: what the child between clone and exec reads. */
struct jobctl_xrun {
	char		**argv;		/* the init's */
	int		  pass[3 + JOBCTL_NCG];	/* descriptors it inherits */
	int		  npass;
	int		  ep;		/* status pipe: the exec's failure */
	int		  cg2procs;	/* cgroup2's to join, when not born there */
	int		  below;	/* sharing the table: copy below this */
	struct jobctl_report rep;	/* START, filled but for err */
};

#ifndef SYS_close_range
#define SYS_close_range	436
#endif
#define JOBCTL_CLOSE_RANGE_UNSHARE	(1U << 1)

static int	 jobctl_xfd = -1;	/* cq-jobinit, O_PATH */
static char	 jobctl_xpath[PATH_MAX];
static void	*jobctl_xstack;
static char	*jobctl_xempty[] = { NULL };

/* Open PATH as the init program; 0, or -1 with errno. */
static int
jobctl_exec_try(const char *path)
{
	int	fd;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	/* Not a directory, and executable by us (root: some x bit). */
	if (faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) == -1) {
		close(fd);
		return -1;
	}
	if (jobctl_xfd != -1)
		close(jobctl_xfd);
	jobctl_xfd = fd;
	strlcpy(jobctl_xpath, path, sizeof jobctl_xpath);
	return 0;
}

/* Use PATH as the init program; see jobctl.h. */
int
jobctl_program(const char *path)
{
	return jobctl_exec_try(path);
}

/* The init program in use, or NULL; see jobctl.h. */
const char *
jobctl_program_path(void)
{
	return jobctl_xfd != -1 ? jobctl_xpath : NULL;
}

/* Find and open cq-jobinit, unless one is open; see the top of the file. */
int
jobctl_exec_open(char *err, size_t errlen)
{
	char		 self[PATH_MAX], path[PATH_MAX + 16], *slash;
	ssize_t		 n;

	if (jobctl_xfd != -1)
		return 0;
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			slash[1] = '\0';
			snprintf(path, sizeof path, "%scq-jobinit", self);
			if (jobctl_exec_try(path) == 0)
				return 0;
		}
	}
	if (jobctl_exec_try(CQ_LIBEXECDIR "/cq-jobinit") == 0)
		return 0;
	snprintf(err, errlen, "the job init cq-jobinit is neither beside "
	    "this program nor in %s (%s)", CQ_LIBEXECDIR, strerror(errno));
	return -1;
}

/* Close the init program (a process that starts no jobs). */
void
jobctl_exec_close(void)
{
	if (jobctl_xfd != -1)
		close(jobctl_xfd);
	jobctl_xfd = -1;
}

/*
 * The child, on its own stack in the agent's memory, suspending the
 * agent until its exec: make the init's descriptors inheritable (in its
 * own table: the agent's keep close-on-exec) and exec the init.  Only
 * system calls: nothing of the agent's may change.
 */
static int
jobctl_exec_child(void *arg)
{
	struct jobctl_xrun	*x = arg;
	struct jobctl_report	 r;
	ssize_t			 n;
	int			 i;

	/*
	 * Born sharing the agent's table of descriptors: a copy of its
	 * part below the kept control files (jobctl-keep.c), or of all of
	 * it where close_range() cannot, before anything else.
	 */
	if (x->below > 0 && syscall(SYS_close_range, (unsigned)x->below, ~0U,
	    JOBCTL_CLOSE_RANGE_UNSHARE) == -1 && unshare(CLONE_FILES) == -1)
		goto fail;
	for (i = 0; i < x->npass; i++)
		if (fcntl(x->pass[i], F_SETFD, 0) == -1)
			goto fail;
	syscall(SYS_execveat, jobctl_xfd, "", x->argv, jobctl_xempty,
	    AT_EMPTY_PATH);
fail:
	memcpy(&r, &x->rep, sizeof r);
	r.err = errno != 0 ? errno : EIO;
	n = write(x->ep, &r, sizeof r);
	(void)n;
	_exit(127);
}

#if defined(__x86_64__) && defined(SYS_clone3)
/*
 * clone3() whose child runs FN(ARG) on the stack A names and exits with
 * its value; returns in the parent only.  The C library has no clone3()
 * for us, and syscall() cannot return on a new stack.
 */
static pid_t
jobctl_clone3_fn(struct jobctl_clone_args *a, int (*fn)(void *), void *arg)
{
	register int	(*r12)(void *) __asm__("r12") = fn;
	register void	*r13 __asm__("r13") = arg;
	long		 ret;

	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "xor %%ebp, %%ebp\n\t"	/* the child: a new stack */
	    "mov %%r13, %%rdi\n\t"
	    "call *%%r12\n\t"
	    "mov %%eax, %%edi\n\t"
	    "mov %[exit], %%eax\n\t"
	    "syscall\n\t"
	    "hlt\n"
	    "1:\n\t"
	    : "=a" (ret)
	    : "0" ((long)SYS_clone3), "D" (a), "S" (sizeof *a), "r" (r12),
	      "r" (r13), [exit] "i" (SYS_exit)
	    : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (pid_t)ret;
}
#else
static pid_t
jobctl_clone3_fn(struct jobctl_clone_args *a, int (*fn)(void *), void *arg)
{
	errno = ENOSYS;
	return -1;
}
#endif

/* Append the number V (as "H:V" when H >= 0) to argv at *K. */
static void
jobctl_exec_num(char **argv, int *k, char (*num)[JOBCTL_XNUM], int *nn,
    const char *opt, int h, long long v)
{
	if (h >= 0)
		snprintf(num[*nn], JOBCTL_XNUM, "%d:%lld", h, v);
	else
		snprintf(num[*nn], JOBCTL_XNUM, "%lld", v);
	argv[(*k)++] = (char *)opt;
	argv[(*k)++] = num[(*nn)++];
}

/*
 * The init's argv for C (jobinit.c parses it), with a pid namespace or
 * not and born in its cgroup2 group or not; the descriptors it keeps
 * into X.  Returns the array (free() it, with *GROUPS), or NULL.
 */
static char **
jobctl_exec_argv(const struct jobctl_child *c, int pidns, int into,
    struct jobctl_xrun *x, char (*num)[JOBCTL_XNUM], char **groups)
{
	const struct jobctl_spec	*s = c->spec;
	char				**argv;
	size_t				 na = 0, ne = 0, nh = 0, n, len, off;
	int				 k = 0, nn = 0, h, i, fd;

	*groups = NULL;
	while (s->argv[na] != NULL)
		na++;
	while (s->envp[ne] != NULL)
		ne++;
	while (s->hide != NULL && s->hide[nh] != NULL)
		nh++;
	n = JOBCTL_XFIXED + 2 * nh + na + ne + 2;
	argv = xcalloc(n, sizeof *argv);
	argv[k++] = "cq-jobinit";
	x->npass = 0;
	jobctl_exec_num(argv, &k, num, &nn, "-s", -1, c->ep);
	x->pass[x->npass++] = c->ep;
	jobctl_exec_num(argv, &k, num, &nn, "-d", -1, c->dp);
	x->pass[x->npass++] = c->dp;
	for (h = 0; h < JOBCTL_NCG; h++) {
		fd = h == JOBCTL_CG2 ? x->cg2procs : c->cgfd[h];
		if (fd == -1 || (h == JOBCTL_CG2 && into))
			continue;	/* born there */
		jobctl_exec_num(argv, &k, num, &nn, "-c", h, fd);
		x->pass[x->npass++] = fd;
	}
	if (pidns)
		argv[k++] = "-n";
	argv[k++] = "-x";
	argv[k++] = (char *)c->path;
	argv[k++] = "-X";
	argv[k++] = (char *)s->executable;
	argv[k++] = "-w";
	argv[k++] = (char *)s->iwd;
	argv[k++] = "-i";
	argv[k++] = (char *)c->input;
	argv[k++] = "-o";
	argv[k++] = (char *)c->output;
	argv[k++] = "-e";
	argv[k++] = (char *)c->error;
	if (c->share)
		argv[k++] = "-S";
	if (s->append)
		argv[k++] = "-a";
	if (s->switch_user) {
		jobctl_exec_num(argv, &k, num, &nn, "-u", -1, s->uid);
		jobctl_exec_num(argv, &k, num, &nn, "-g", -1, s->gid);
		if (s->ngroups > 0 && s->groups != NULL) {
			len = (size_t)s->ngroups * 12 + 1;
			*groups = xmalloc(len);
			(*groups)[0] = '\0';
			for (i = 0, off = 0; i < s->ngroups; i++)
				off += snprintf(*groups + off, len - off,
				    "%s%lu", i > 0 ? "," : "",
				    (unsigned long)s->groups[i]);
			argv[k++] = "-G";
			argv[k++] = *groups;
		}
	}
	for (i = 0; (size_t)i < nh; i++) {
		argv[k++] = "-h";
		argv[k++] = s->hide[i];
	}
	if (c->rl_data > 0)
		jobctl_exec_num(argv, &k, num, &nn, "-D", -1,
		    (long long)c->rl_data);
	if (c->rl_nproc > 0)
		jobctl_exec_num(argv, &k, num, &nn, "-P", -1,
		    (long long)c->rl_nproc);
	jobctl_exec_num(argv, &k, num, &nn, "-A", -1, (long long)na);
	argv[k++] = "--";
	for (i = 0; (size_t)i < na; i++)
		argv[k++] = s->argv[i];
	argv[k++] = "--";
	for (i = 0; (size_t)i < ne; i++)
		argv[k++] = s->envp[i];
	argv[k] = NULL;
	return argv;
}

/* A memfd holding the words of ARGV, each NUL-terminated; or -1. */
static int
jobctl_exec_memfd(char **argv)
{
	char	*buf;
	size_t	 len = 0, n, off = 0;
	ssize_t	 w;
	int	 i, fd, fd2, saved;

	for (i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) + 1;
	buf = xmalloc(len);
	for (i = 0; argv[i] != NULL; i++) {
		n = strlen(argv[i]) + 1;
		memcpy(buf + off, argv[i], n);
		off += n;
	}
	if ((fd = memfd_create("cq-jobinit", MFD_CLOEXEC)) == -1) {
		free(buf);
		return -1;
	}
	/* An agent started with 0-2 closed: the init refuses those. */
	if (fd < 3) {
		fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		saved = errno;
		close(fd);
		if ((fd = fd2) == -1) {
			free(buf);
			errno = saved;
			return -1;
		}
	}
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(fd, buf + off, len - off)) <= 0) {
			saved = w == 0 ? EIO : errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
	free(buf);
	return fd;
}

/*
 * Start the init of the job C describes: in a new pid namespace where we
 * may, born in the cgroup2 group CG2 (a directory descriptor, -1: none)
 * where the kernel lets us.  Returns its pid (in the parent only), or -1
 * with errno; *PIDNS says whether it leads a namespace, *INTO whether it
 * was born in CG2.  What the kernel refuses once is not tried again.
 * With every signal blocked (the child must run no handler of ours).
 */
pid_t
jobctl_exec_init(const struct jobctl_child *c, int cg2, int *pidns,
    int *into)
{
	struct jobctl_clone_args	 a;
	struct jobctl_xrun		 x;
	char				 num[JOBCTL_NCG + 16][JOBCTL_XNUM];
	char				*groups, **words;
	char				 sfd[JOBCTL_XNUM], wfd[JOBCTL_XNUM];
	char				*xargv[] = { "cq-jobinit", "-s", sfd,
					    "-f", wfd, NULL };
	pid_t				 pid = -1;
	int				 mfd;
	int				 flags, opened = 0, saved, i;
	char				 err[PATH_MAX + 128];

	/* jobctl_init() opens it; a process that never called it, now. */
	if (jobctl_xfd == -1 && jobctl_exec_open(err, sizeof err) == -1) {
		log_warnx("jobctl: %s", err);
		errno = ENOENT;
		return -1;
	}
	if (jobctl_xstack == NULL) {
		jobctl_xstack = mmap(NULL, JOBCTL_XSTACK, PROT_READ |
		    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (jobctl_xstack == MAP_FAILED) {
			jobctl_xstack = NULL;
			return -1;
		}
	}
	memset(&x, 0, sizeof x);
	x.ep = c->ep;
	x.cg2procs = c->cgfd[JOBCTL_CG2];
	x.rep.type = JOBCTL_R_START;
	strlcpy(x.rep.what, "exec ", sizeof x.rep.what);
	strlcat(x.rep.what, jobctl_xpath, sizeof x.rep.what);
	for (;;) {
		*pidns = !jobctl_tab.nopidns;
		*into = cg2 != -1 && !jobctl_tab.noclone3;
		words = jobctl_exec_argv(c, *pidns, *into, &x, num, &groups);
		mfd = jobctl_exec_memfd(words);
		free(words);
		free(groups);
		if (mfd == -1)
			break;
		snprintf(sfd, sizeof sfd, "%d", c->ep);
		snprintf(wfd, sizeof wfd, "%d", mfd);
		x.pass[x.npass++] = mfd;
		x.argv = xargv;
		flags = CLONE_VM | CLONE_VFORK | (*pidns ? CLONE_NEWPID : 0);
		/*
		 * Kept descriptors above all it inherits are not copied
		 * (jobctl-keep.c): with clone3() only, which valgrind, say,
		 * refuses (ENOSYS) where it would abort on a clone() of
		 * CLONE_VM | CLONE_VFORK | CLONE_FILES.
		 */
		x.below = *into ? jobctl_keep_base() : 0;
		for (i = 0; i < x.npass; i++)
			if (x.pass[i] >= x.below || jobctl_xfd >= x.below)
				x.below = 0;
		if (*into) {
			memset(&a, 0, sizeof a);
			a.flags = (uint64_t)flags | CLONE_INTO_CGROUP |
			    (x.below > 0 ? CLONE_FILES : 0);
			a.exit_signal = SIGCHLD;
			a.stack = (uint64_t)(uintptr_t)jobctl_xstack;
			a.stack_size = JOBCTL_XSTACK;
			a.cgroup = (uint64_t)cg2;
			pid = jobctl_clone3_fn(&a, jobctl_exec_child, &x);
		} else
			pid = clone(jobctl_exec_child, (char *)jobctl_xstack +
			    JOBCTL_XSTACK, flags | SIGCHLD, &x);
		saved = errno;
		close(mfd);
		errno = saved;
		if (pid != -1)
			break;
		if (*pidns && (errno == EPERM || errno == EINVAL ||
		    errno == EUSERS || errno == ENOSPC)) {
			log_info("jobctl: no pid namespace for jobs (%s): "
			    "their init reaps and kills their orphans",
			    strerror(errno));
			jobctl_tab.nopidns = 1;
			continue;
		}
		if (*into && (errno == ENOSYS || errno == E2BIG ||
		    errno == EINVAL || errno == EOPNOTSUPP)) {
			log_info("jobctl: no clone3 into a cgroup (%s)",
			    strerror(errno));
			jobctl_tab.noclone3 = 1;
			/* The init joins it: jobctl_job_new() left it shut. */
			if (x.cg2procs == -1 && (x.cg2procs = openat(cg2,
			    "cgroup.procs", O_WRONLY | O_CLOEXEC)) == -1)
				return -1;
			opened = 1;
			continue;
		}
		break;
	}
	saved = errno;
	if (opened)
		close(x.cg2procs);
	errno = saved;
	return pid;
}
