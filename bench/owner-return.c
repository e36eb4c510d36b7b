/*
 * owner-return.c: how long a running job tree keeps the desktop busy
 * once its owner is back.  A job of NPROC busy processes (a shell and
 * its busy subshells) runs through jobctl_spawn(); a helper process plays
 * the owner: after a random 20-80 ms it reads the clock and touches an
 * activity file.  We wait on inotify for that, call jobctl_freeze() and
 * poll until every process is stopped: all in state T or D in
 * /proc/PID/stat, or, for cgroup2 (whose frozen tasks sleep in S),
 * "frozen 1" in cgroup.events through jobctl_frozen().  The figure is
 * touch to stopped; then the job is thawed and left to run again before
 * the next trial.  This is done with the containment jobctl_init() finds,
 * then again with CQ_JOBCTL_NO_CGROUP=1 (process groups only).  Spawn
 * cost (spawn + reap + release of /bin/true) is printed too, as cgroups
 * add mkdir/rmdir to every job.  With -l N, N busy processes outside the
 * job stand for the owner's own programs: a job task that is runnable but
 * not on a CPU stops only once it is scheduled, so competing load is what
 * makes a freeze slow.  At each "stopped", no job process may still be in
 * state R; violations are counted and printed.  Independent of the rest
 * of the agent: no event loop, no policy, only jobctl.  Run as root for
 * cgroups.
 *
 * usage: owner-return [-n trials] [-p processes] [-l load]
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobctl.h"
#include "log.h"

#define MAXPROC		64
#define MAXTRIALS	10000
#define SPAWNS		200
#define WAIT_MS		5000

static char *const	 path_env[] = { "PATH=/usr/bin:/bin", NULL };

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
sleep_us(long us)
{
	struct timespec	ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Read a small file into BUF, NUL-terminated; bytes read or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* State letter of PID, '-' if gone. */
static char
pstate(pid_t pid)
{
	char	path[64], buf[512], *p;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (slurp(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return '-';
	return p[2];
}

/* Add PID and its descendants to PIDS (at most MAXPROC); new count. */
static int
tree(pid_t pid, pid_t *pids, int n)
{
	char		 path[64], buf[4096], *p, *tok;
	const char	*errstr;
	pid_t		 c;

	if (n >= MAXPROC)
		return n;
	pids[n++] = pid;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if (slurp(path, buf, sizeof buf) <= 0)
		return n;
	for (p = buf; (tok = strsep(&p, " \n")) != NULL;) {
		c = strtonum(tok, 1, INT_MAX, &errstr);
		if (errstr == NULL)
			n = tree(c, pids, n);
	}
	return n;
}

/* 1 if every one of PIDS is in state T or D. */
static int
all_stopped(const pid_t *pids, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strchr("TD", pstate(pids[i])) == NULL)
			return 0;
	return 1;
}

/* How many of PIDS are in state R. */
static int
running(const pid_t *pids, int n)
{
	int	i, r = 0;

	for (i = 0; i < n; i++)
		r += pstate(pids[i]) == 'R';
	return r;
}

/* 1 if none of PIDS is in state T or D. */
static int
none_stopped(const pid_t *pids, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strchr("TD", pstate(pids[i])) != NULL)
			return 0;
	return 1;
}

/* User + system clock ticks of all PIDS. */
static long long
cpu_ticks(const pid_t *pids, int n)
{
	char		 path[64], buf[512], *p, *tok;
	const char	*errstr;
	long long	 sum = 0;
	int		 i, f;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pids[i]);
		if (slurp(path, buf, sizeof buf) <= 0 ||
		    (p = strrchr(buf, ')')) == NULL)
			continue;
		p += 2;
		for (f = 3; (tok = strsep(&p, " ")) != NULL && f <= 15; f++)
			if (f == 14 || f == 15)
				sum += strtonum(tok, 0, LLONG_MAX, &errstr);
	}
	return sum;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The Pth percentile of the N sorted values V (nearest rank). */
static double
pct(const double *v, int n, int p)
{
	int	k = (n * p + 99) / 100;

	return v[k < 1 ? 0 : k - 1];
}

/* Reap until every one of PIDS is gone (within WAIT_MS). */
static void
reap_all(const pid_t *pids, int n)
{
	struct jobctl_result	res;
	pid_t			pid;
	int			i, k, left = n;

	for (i = 0; i < WAIT_MS && left > 0; i++) {
		if (jobctl_reap(&pid, &res) != 1)
			sleep_us(1000);
		for (left = 0, k = 0; k < n; k++)
			left += kill(pids[k], 0) == 0 || errno != ESRCH;
	}
	if (left > 0)
		fatalx("%d processes left after %d ms", left, WAIT_MS);
}

/*
 * The owner: for each byte on CMD, wait 20-80 ms, read the clock, touch
 * FILE and send the clock reading on RES.
 */
static void __attribute__((noreturn))
owner(int cmd, int res, const char *file)
{
	double	t0;
	char	c;

	while (read(cmd, &c, 1) == 1) {
		sleep_us(20000 + arc4random_uniform(60000));
		t0 = now_ms();
		if (utimensat(AT_FDCWD, file, NULL, 0) == -1)
			_exit(1);
		if (write(res, &t0, sizeof t0) != sizeof t0)
			_exit(1);
	}
	_exit(0);
}

/* Spawn cost: SPAWNS /bin/true jobs, each spawned, reaped and released. */
static void
spawn_cost(const char *dir, const char *tag)
{
	char	*argv[] = { "true", NULL };
	struct jobctl_spec	s = { .executable = "/bin/true", .argv = argv,
		    .envp = path_env, .iwd = dir };
	struct jobctl_result	res;
	double	v[SPAWNS], t0, sum = 0;
	char	err[256];
	pid_t	pid, p;
	int	i, r;

	for (i = 0; i < SPAWNS; i++) {
		t0 = now_ms();
		if (jobctl_spawn(&s, &pid, err, sizeof err) == -1)
			fatalx("spawn: %s", err);
		do {
			if ((r = jobctl_reap(&p, &res)) == 0)
				sleep_us(50);
		} while (r == 0 || (r == 1 && p != pid));
		if (r == -1 || jobctl_release(pid) == -1)
			fatal("reap or release of %d", (int)pid);
		v[i] = now_ms() - t0;
		sum += v[i];
	}
	qsort(v, SPAWNS, sizeof v[0], cmp_double);
	printf("spawn_reap_release%s_mean %.3f ms\n", tag, sum / SPAWNS);
	printf("spawn_reap_release%s_p99 %.3f ms\n", tag, pct(v, SPAWNS, 99));
}

/* All trials with the containment jobctl_init() chose; TAG names it. */
static void
run(int trials, int nproc, int load, const char *tag)
{
	char	dir[] = "/tmp/owner-return.XXXXXX", file[64], script[256];
	char	*argv[] = { "sh", "-c", script, NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	pid_t	pids[MAXPROC + 1], job, helper;
	double	*lat, *frz, t0, t1, t2;
	long long ticks;
	char	err[256], evbuf[4096], c = 'x';
	struct pollfd pfd;
	int	cmd[2], res[2], in, fd, i, n = 0, contained, bad = 0;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	snprintf(file, sizeof file, "%s/activity", dir);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		fatal("open %s", file);
	close(fd);
	lat = calloc(trials, sizeof *lat);
	frz = calloc(trials, sizeof *frz);
	if (lat == NULL || frz == NULL)
		fatal("calloc");
	spawn_cost(dir, tag);

	snprintf(script, sizeof script, "i=1; while [ $i -lt %d ]; do "
	    "(while :; do :; done) & i=$((i+1)); done; wait", nproc);
	s.iwd = dir;
	if (jobctl_spawn(&s, &job, err, sizeof err) == -1)
		fatalx("spawn: %s", err);
	contained = jobctl_contained(job);
	/* The job's processes: the descendants of its init (JOB), which
	 * itself only waits (state S) and is not the owner's concern. */
	for (i = 0; i < WAIT_MS && (n = tree(job, pids, 0) - 1) < nproc; i++)
		sleep_us(1000);
	memmove(pids, pids + 1, n * sizeof *pids);
	if (n != nproc)
		fatalx("job tree has %d processes, not %d", n, nproc);

	if (pipe2(cmd, O_CLOEXEC) == -1 || pipe2(res, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((helper = fork()) == -1)
		fatal("fork");
	if (helper == 0) {
		close(cmd[1]);
		close(res[0]);
		owner(cmd[0], res[1], file);
	}
	close(cmd[0]);
	close(res[1]);
	if ((in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1 ||
	    inotify_add_watch(in, file, IN_ATTRIB | IN_MODIFY) == -1)
		fatal("inotify");
	sleep_us(200000);		/* let the job get busy */

	for (i = 0; i < trials; i++) {
		if (write(cmd[1], &c, 1) != 1)
			fatal("owner");
		pfd.fd = in;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, WAIT_MS) != 1)
			fatalx("no inotify event");
		while (read(in, evbuf, sizeof evbuf) > 0)
			;
		t1 = now_ms();
		if (jobctl_freeze(job) == -1)
			fatal("freeze");
		while (!(contained ? jobctl_frozen(job) :
		    all_stopped(pids, nproc)))
			sleep_us(100);
		t2 = now_ms();
		bad += running(pids, nproc) > 0;
		if (read(res[0], &t0, sizeof t0) != sizeof t0)
			fatal("owner");
		lat[i] = t2 - t0;
		frz[i] = t2 - t1;
		if (i == 0) {		/* once: frozen means no CPU used */
			ticks = cpu_ticks(pids, nproc);
			sleep_us(300000);
			if (cpu_ticks(pids, nproc) != ticks)
				fatalx("%s: job used CPU while frozen", tag);
		}
		if (jobctl_thaw(job) == -1)
			fatal("thaw");
		while (contained ? jobctl_frozen(job) :
		    !none_stopped(pids, nproc))
			sleep_us(100);
		sleep_us(50000);	/* back to full speed */
	}
	close(cmd[1]);			/* the owner leaves */
	close(res[0]);
	close(in);
	if (jobctl_kill(job) == -1)
		fatal("kill");
	pids[nproc] = helper;
	reap_all(pids, nproc + 1);
	if (jobctl_release(job) == -1)
		fatal("release");
	if (rmdir(dir) == -1 && (unlink(file) == -1 || rmdir(dir) == -1))
		log_warn("rmdir %s", dir);

	qsort(lat, trials, sizeof lat[0], cmp_double);
	qsort(frz, trials, sizeof frz[0], cmp_double);
	printf("mechanism%s %s (%d processes, %d trials, %d busy outside)\n",
	    tag, jobctl_mechanism(), nproc, trials, load);
	printf("owner_return%s_p50 %.2f ms\n", tag, pct(lat, trials, 50));
	printf("owner_return%s_p99 %.2f ms\n", tag, pct(lat, trials, 99));
	printf("owner_return%s_max %.2f ms\n", tag, lat[trials - 1]);
	printf("freeze_to_stopped%s_p50 %.2f ms\n", tag, pct(frz, trials, 50));
	printf("freeze_to_stopped%s_p99 %.2f ms\n", tag, pct(frz, trials, 99));
	printf("stopped_but_running%s %d\n", tag, bad);
	fflush(stdout);
	free(lat);
	free(frz);
}

/* N busy processes of our own (not a job); their pids into PIDS. */
static void
busy(pid_t *pids, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1)
			fatal("fork");
		if (pids[i] == 0)
			for (;;)
				;
	}
}

int
main(int argc, char *argv[])
{
	const char	*errstr;
	char		 self[PATH_MAX], init[PATH_MAX + 16], *slash;
	pid_t		 hogs[MAXPROC];
	ssize_t		 n;
	int		 ch, i, trials = 100, nproc = 16, load = 0;

	while ((ch = getopt(argc, argv, "l:n:p:")) != -1) {
		switch (ch) {
		case 'l':
			load = strtonum(optarg, 0, MAXPROC, &errstr);
			if (errstr != NULL)
				errx(2, "-l %s: %s", optarg, errstr);
			break;
		case 'n':
			trials = strtonum(optarg, 1, MAXTRIALS, &errstr);
			if (errstr != NULL)
				errx(2, "-n %s: %s", optarg, errstr);
			break;
		case 'p':
			nproc = strtonum(optarg, 2, MAXPROC, &errstr);
			if (errstr != NULL)
				errx(2, "-p %s: %s", optarg, errstr);
			break;
		default:
			fprintf(stderr, "usage: owner-return [-n trials] "
			    "[-p processes] [-l load]\n");
			return 2;
		}
	}
	log_init("owner-return", 1, 0);
	signal(SIGPIPE, SIG_IGN);
	/* The job's init is the build tree's, one directory up from bench/. */
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (snprintf(init, sizeof init, "%s/../cq-jobinit",
			    self) < (int)sizeof init)
				(void)jobctl_program(init);
		}
	}
	if (jobctl_init() == -1)
		fatal("jobctl_init");
	busy(hogs, load);
	run(trials, nproc, load, "");
	jobctl_fini();
	if (setenv("CQ_JOBCTL_NO_CGROUP", "1", 1) == -1)
		fatal("setenv");
	if (jobctl_init() == -1)
		fatal("jobctl_init");
	run(trials, nproc, load, "_pgroup");
	jobctl_fini();
	for (i = 0; i < load; i++)
		kill(hogs[i], SIGKILL);
	reap_all(hogs, load);
	return 0;
}
