/*
 * jobctl-init.c: a job's init, the agent's child (the program
 * cq-jobinit) that every job but a bare one (CRIU) runs under.  Where the agent may (root), it is the init
 * of a new pid namespace with SIGKILL as its parent-death signal, so that
 * when it dies, by the agent's death or its own, the kernel kills every
 * process of the job: setsid or double fork changes nothing.  Without a
 * pid namespace it is a child subreaper, so the job's orphans come to it
 * and die with the job, and the agent's death reaches it as the end of
 * the deadline pipe.
 *
 * Its life: join the job's v1 cgroups (the cgroup.procs write waits for
 * an RCU grace period, about 13 ms here: never in the agent's loop), fork
 * the job (jobctl-child.c), tell the agent how the exec went (a START
 * record), then wait.  The init is born in the job's cgroup2 group where
 * there is one (clone3 CLONE_INTO_CGROUP); the v1 groups (memory, pids,
 * cpuacct and the freezer CRIU uses) are joined before the job is forked
 * even then, since they hold the job's limits: a job that joined them
 * after its exec could fork and allocate past its pids and memory limits
 * before the move (t-memhold saw 40 forks under a limit of 32).  The wait
 * is the job's, never the agent's loop's.  While it waits, signals it
 * receives (anything catchable but SIGCHLD and SIGPIPE) go to the job's
 * process group, orphans are reaped, and deadlines are read from the deadline pipe (8-byte
 * CLOCK_MONOTONIC milliseconds, 0: none, JOBCTL_CTL_KILL: kill now).
 * When the job's leader exits, at the deadline, on a kill order, or when
 * the deadline pipe ends (the agent died), it SIGKILLs and reaps
 * everything of the job, tells the agent the leader's wait status and
 * rusage (an EXIT record: the init's own exit cannot say "killed by
 * signal N") and exits.  It is the main of cq-jobinit (jobinit.c), a
 * program of its own that the agent execs (jobctl-exec.c), so nothing of
 * the agent's memory is in it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobctl-int.h"
#include "jobctl.h"

#define JINIT_STACK	(256 * 1024)	/* the job's, until its exec */

struct jinit {
	const struct jobctl_child *c;
	pid_t		 leader;	/* in our pid namespace */
	int64_t		 deadline;	/* mono ms, or 0 */
	int		 expired;
	int		 sfd;		/* signalfd */
};

/* Write R whole to the status pipe; nobody to tell if the agent is gone. */
static void
jinit_report(int fd, const struct jobctl_report *r)
{
	ssize_t	n;

	do
		n = write(fd, r, sizeof *r);
	while (n == -1 && errno == EINTR);
}

/* Tell the agent the job did not start (WHAT, errno ERR) and exit. */
static void __attribute__((noreturn))
jinit_fail(const struct jinit *in, int err, const char *what, size_t len)
{
	struct jobctl_report	r;

	memset(&r, 0, sizeof r);
	r.type = JOBCTL_R_START;
	r.err = err != 0 ? err : EIO;
	if (len >= sizeof r.what)
		len = sizeof r.what - 1;
	memcpy(r.what, what, len);
	jinit_report(in->c->ep, &r);
	_exit(127);
}

static int64_t
jinit_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Parse a decimal pid at *P, advancing past it; 0 if none. */
static pid_t
jinit_num(const char **p)
{
	long	v = 0;

	while (**p == ' ' || **p == '\n')
		(*p)++;
	while (**p >= '0' && **p <= '9' && v < INT_MAX / 10)
		v = v * 10 + (*(*p)++ - '0');
	return (pid_t)v;
}

/*
 * Our children as the agent sees them (/proc/thread-self/children: the
 * proc mount is the agent's, so its numbers are the agent's too); how
 * many were put in PIDS, or -1.
 */
static int
jinit_children(pid_t *pids, int max)
{
	char		 buf[4096];
	const char	*p = buf;
	ssize_t		 n;
	int		 fd, k = 0;
	pid_t		 pid;

	if ((fd = open("/proc/thread-self/children",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (k < max && (pid = jinit_num(&p)) > 0)
		pids[k++] = pid;
	return k;
}

/*
 * SIGKILL every process of the job: in a pid namespace all of it
 * (kill(-1) spares only us); else its process group and every child of
 * ours (the orphans, setsid or not, which came to us as the subreaper).
 */
static void
jinit_signal_all(const struct jinit *in)
{
	pid_t	kids[64];
	int	i, n;

	if (in->c->pidns) {
		(void)kill(-1, SIGKILL);
		return;
	}
	if (in->leader > 0)
		(void)kill(-in->leader, SIGKILL);
	n = jinit_children(kids, 64);
	for (i = 0; i < n; i++)
		(void)kill(kids[i], SIGKILL);
}

/* Kill and reap everything but the (already reaped) leader. */
static void
jinit_kill_reap(const struct jinit *in)
{
	int	i;

	for (i = 0; i < JOBCTL_REAP_MAX; i++) {
		jinit_signal_all(in);
		if (waitpid(-1, NULL, __WALL) == -1 && errno != EINTR)
			break;			/* ECHILD: nobody left */
	}
}

/* The leader is gone (or dying): reap it, clean up, report, exit. */
static void __attribute__((noreturn))
jinit_finish(const struct jinit *in, int killall)
{
	struct jobctl_report	r;
	struct rusage		ru;
	pid_t			p;
	int			st;

	memset(&r, 0, sizeof r);
	memset(&ru, 0, sizeof ru);
	r.type = JOBCTL_R_EXIT;
	r.expired = in->expired;
	if (killall)
		jinit_signal_all(in);
	do
		p = wait4(in->leader, &st, 0, &ru);
	while (p == -1 && errno == EINTR);
	r.status = p == -1 ? SIGKILL : st; /* not ours any more: killed */
	r.utime_us = (int64_t)ru.ru_utime.tv_sec * 1000000 +
	    ru.ru_utime.tv_usec;
	r.stime_us = (int64_t)ru.ru_stime.tv_sec * 1000000 +
	    ru.ru_stime.tv_usec;
	r.maxrss_kb = ru.ru_maxrss;
	jinit_kill_reap(in);
	jinit_report(in->c->ep, &r);
	_exit(0);
}

/* Reap orphans that exited; 1 once the leader has exited (not reaped). */
static int
jinit_reap(const struct jinit *in)
{
	siginfo_t	si;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
			return errno == ECHILD;
		if (si.si_pid == 0)
			return 0;
		if (si.si_pid == in->leader)
			return 1;
		(void)waitpid(si.si_pid, NULL, WNOHANG);
	}
}

/* Signals we were sent: SIGCHLD reaps, the rest go to the job. */
static int
jinit_signals(const struct jinit *in)
{
	struct signalfd_siginfo	 si[16];
	ssize_t			 n;
	size_t			 i;
	int			 sig;

	if ((n = read(in->sfd, si, sizeof si)) <= 0)
		return 0;
	for (i = 0; i < (size_t)n / sizeof si[0]; i++) {
		sig = (int)si[i].ssi_signo;
		if (sig == SIGCHLD || sig == SIGPIPE)
			continue;
		if (kill(-in->leader, sig) == -1 && errno == ESRCH)
			(void)kill(in->leader, sig);
	}
	return jinit_reap(in);
}

/* Orders on the deadline pipe; -1 on its end or a kill order. */
static int
jinit_orders(struct jinit *in)
{
	int64_t	v[16];
	ssize_t	n;
	size_t	i;

	n = read(in->c->dp, v, sizeof v);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;		/* the agent is gone */
	for (i = 0; i < (size_t)n / sizeof v[0]; i++) {
		if (v[i] == JOBCTL_CTL_KILL)
			return -1;
		if (v[i] >= 0)
			in->deadline = v[i];
	}
	return 0;
}

/* The job runs: forward, reap, keep the deadline, until its end. */
static void __attribute__((noreturn))
jinit_watch(struct jinit *in)
{
	struct pollfd	pfd[2];
	int64_t		left;
	int		timeout, r;

	pfd[0].fd = in->sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = in->c->dp;
	pfd[1].events = POLLIN;
	if (jinit_reap(in))
		jinit_finish(in, 1);
	for (;;) {
		timeout = -1;
		if (in->deadline > 0) {
			left = in->deadline - jinit_now();
			if (left <= 0) {
				in->expired = 1;
				jinit_finish(in, 1);
			}
			timeout = left > INT_MAX ? INT_MAX : (int)left;
		}
		r = poll(pfd, 2, timeout);
		if (r == -1 && errno != EINTR)
			jinit_finish(in, 1);
		if (r <= 0)
			continue;	/* the deadline check is at the top */
		if ((pfd[0].revents & POLLIN) && jinit_signals(in))
			jinit_finish(in, 1);
		if (pfd[1].revents != 0 && jinit_orders(in) == -1)
			jinit_finish(in, 1);
	}
}

/* Block everything and reset every handler: signals come by signalfd. */
static int
jinit_sigsetup(void)
{
	struct sigaction	sa;
	sigset_t		all;
	int			sig;

	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	return signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The job's side of the clone in jobctl_init_main(). */
static int
jinit_child(void *arg)
{
	jobctl_child(arg);
}

/* A job's init, from its clone(); see the top of the file. */
void
jobctl_init_main(const struct jobctl_child *c)
{
	void			*stack;
	struct jobctl_child	 cc;
	struct jobctl_fail	 f;
	struct jinit		 in;
	struct jobctl_report	 r;
	size_t			 got = 0, off = offsetof(struct jobctl_fail, what);
	ssize_t			 n;
	int			 keep[4 + JOBCTL_NCG], ep[2], h, fl;
	pid_t			 child, kid;

	memset(&in, 0, sizeof in);
	in.c = c;
	in.sfd = jinit_sigsetup();
	if (c->pidns) {
		/*
		 * Our death kills the namespace: die with the agent.  Our
		 * parent is outside the namespace, so getppid() says 0 before
		 * and after its death; if the agent died before the prctl,
		 * the end of the deadline pipe ends the job (jinit_watch).
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
			jinit_fail(&in, errno, "prctl", 5);
	} else if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		jinit_fail(&in, errno, "subreaper", 9);
	if (in.sfd == -1)
		jinit_fail(&in, errno, "signalfd", 8);
	(void)setsid();
	keep[0] = c->ep;
	keep[1] = c->dp;
	keep[2] = in.sfd;
	keep[3] = c->cg2procs;
	for (h = 0; h < JOBCTL_NCG; h++)
		keep[4 + h] = c->cgfd[h];
	/* The agent's other descriptors (other jobs' pipes) are not ours. */
	jobctl_closefrom(c->maxfd, keep, 4 + JOBCTL_NCG);
	for (h = 0; h < JOBCTL_NCG; h++) {
		if (c->cgfd[h] == -1)
			continue;
		if (write(c->cgfd[h], "0", 1) != 1)
			jinit_fail(&in, errno, "join cgroup",
			    strlen("join cgroup"));
		close(c->cgfd[h]);
	}
	if ((fl = fcntl(c->dp, F_GETFL)) != -1)
		(void)fcntl(c->dp, F_SETFL, fl | O_NONBLOCK);

	if (pipe2(ep, O_CLOEXEC) == -1)
		jinit_fail(&in, errno, "pipe", 4);
	cc = *c;
	cc.ep = ep[1];
	cc.ppid = getpid();
	cc.sigdfl = 1;			/* jinit_sigsetup() made them so */
	for (h = 0; h < JOBCTL_NCG; h++)
		cc.cgfd[h] = -1;
	/*
	 * The job shares our memory until its exec (CLONE_VM|CLONE_VFORK, as
	 * posix_spawn does): no copy of the agent's address space to make
	 * and throw away at the exec.  We wait meanwhile; the child runs on
	 * a stack of its own and changes nothing of ours but errno.
	 */
	stack = mmap(NULL, JINIT_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		jinit_fail(&in, errno, "mmap", 4);
	child = clone(jinit_child, (char *)stack + JINIT_STACK,
	    CLONE_VM | CLONE_VFORK | SIGCHLD, &cc);
	if (child == -1)
		jinit_fail(&in, errno, "fork", 4);
	(void)munmap(stack, JINIT_STACK);
	close(ep[1]);
	in.leader = child;

	/* The job's exec: EOF, or its failure report. */
	while (got < sizeof f) {
		n = read(ep[0], (char *)&f + got, sizeof f - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(ep[0]);
	memset(&r, 0, sizeof r);
	r.type = JOBCTL_R_START;
	if (got > 0) {
		r.err = got >= off ? f.err : EIO;
		if (got > off)
			memcpy(r.what, f.what, got - off < sizeof r.what ?
			    got - off : sizeof r.what - 1);
		jinit_report(c->ep, &r);
		while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
			;
		_exit(127);
	}
	r.leader = child;
	if (c->pidns && jinit_children(&kid, 1) == 1)
		r.leader = kid;		/* the agent's number for it */
	jinit_report(c->ep, &r);
	if (c->cg2procs != -1)
		close(c->cg2procs);
	jinit_watch(&in);
}
