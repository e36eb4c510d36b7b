/*
 * owner-return-agent.c: owner-return latency through the real agent.  A
 * cq-startd watches ACTFILE (activity = file:ACTFILE) and runs a job tree
 * whose leader is PID.  Each trial waits until the agent has resumed the
 * job, sleeps a random 50-150 ms, reads the clock, touches ACTFILE and
 * polls every 100 us until every process of the tree is stopped: no
 * process of the job (its cgroup2 group's cgroup.procs, else its process
 * group) in state R in /proc/PID/stat (a busy process leaves R only when
 * stopped: frozen or SIGSTOPped tasks show S, D or T).  The figure is touch to stopped: inotify, the
 * agent's loop, its policy and the freeze, all included, plus up to
 * 100 us of this poll.  The poll sleeps between looks: a busy poller
 * would take a CPU from the agent and the job and inflate the figure
 * (it did: p50 5 ms busy against 1 ms sleeping, same agent).  Run the
 * agent with a short resume_after (e.g. 1s).  bench/owner-return.sh sets
 * all of this up.
 *
 * usage: owner-return-agent -f ACTFILE -p PID [-n trials] [-o RAWFILE]
 * (-o appends each trial's figure, in ms, and the wall time of its
 * touch, one trial a line)
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS		10000
#define MAXTRIALS	10000

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

	nanosleep(&ts, NULL);
}

static int
read_file(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The job's cgroup.events under the cgroup2 mount, if it has its own. */
static int
find_events(pid_t pid, char *events, size_t len)
{
	char	buf[8192], mnt[1024] = "", *p, *line;
	FILE	*f;

	if ((f = fopen("/proc/self/mountinfo", "r")) == NULL)
		return -1;
	while (fgets(buf, sizeof buf, f) != NULL) {
		/* ... mountpoint ... - cgroup2 ... */
		if (strstr(buf, " - cgroup2 ") == NULL)
			continue;
		p = buf;
		for (int i = 0; i < 4 && p != NULL; i++)
			p = strchr(p + 1, ' ');
		if (p == NULL)
			continue;
		line = p + 1;
		if ((p = strchr(line, ' ')) != NULL)
			*p = '\0';
		strlcpy(mnt, line, sizeof mnt);
		break;
	}
	fclose(f);
	if (mnt[0] == '\0')
		return -1;
	snprintf(buf, sizeof buf, "/proc/%ld/cgroup", (long)pid);
	if (read_file(buf, buf, sizeof buf) == -1 ||
	    (line = strstr(buf, "0::")) == NULL)
		return -1;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "/") == 0)
		return -1;		/* not contained: process group */
	if ((size_t)snprintf(events, len, "%s%s/cgroup.events", mnt, line) >=
	    len)
		return -1;
	return access(events, R_OK);
}

/* The decimal number at S (digits only), or -1. */
static long
number_at(const char *s)
{
	long	v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9' && v < 100000000)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* 1 if PID (a string) is in state R; -1 if it is gone. */
static int
is_running(const char *pid, pid_t pgid, int need_pgid)
{
	char	path[300], buf[4096], *p;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	if (read_file(path, buf, sizeof buf) == -1 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* ") S ppid pgrp" */
	if (need_pgid && number_at(p + 4 + strcspn(p + 4, " ") + 1) != pgid)
		return -1;
	return p[2] == 'R';
}

/*
 * 1 once every process of the job is stopped: none in state R, the
 * members of its cgroup2 group (EVENTS names its cgroup.events) or else
 * of its process group.  (Not cgroup.events "frozen 1": a freeze that
 * the agent had to escalate to the v1 freezer or SIGSTOP never says it.)
 */
static int
stopped(const char *events, pid_t pgid)
{
	char		 buf[8192], procs[PATH_MAX], *p, *line;
	DIR		*d;
	struct dirent	*de;
	int		 any = 0, r;

	if (events[0] != '\0') {
		strlcpy(procs, events, sizeof procs);
		if ((p = strrchr(procs, '/')) == NULL)
			return 0;
		strlcpy(p + 1, "cgroup.procs", sizeof procs - (p + 1 - procs));
		if (read_file(procs, buf, sizeof buf) == -1)
			return 0;
		for (line = strtok(buf, "\n"); line != NULL;
		    line = strtok(NULL, "\n")) {
			if ((r = is_running(line, pgid, 0)) == 1)
				return 0;
			any |= r == 0;
		}
		return any;
	}
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if ((r = is_running(de->d_name, pgid, 1)) == 1) {
			closedir(d);
			return 0;
		}
		any |= r == 0;
	}
	closedir(d);
	return any;
}

/* Why the job does not count as stopped, on stderr. */
static void
diag(const char *events, pid_t pgid)
{
	char		 buf[4096], path[300], *p;
	DIR		*d;
	struct dirent	*de;

	if (events[0] != '\0' && read_file(events, buf, sizeof buf) == 0)
		fprintf(stderr, "%s:\n%s", events, buf);
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if (read_file(path, buf, sizeof buf) == -1 ||
		    (p = strrchr(buf, ')')) == NULL ||
		    number_at(p + 4 + strcspn(p + 4, " ") + 1) != pgid)
			continue;
		fprintf(stderr, "pid %s state %c\n", de->d_name, p[2]);
	}
	closedir(d);
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static double	 lat[MAXTRIALS];
	const char	*act = NULL, *raw = NULL;
	char		 wall[32];
	struct timespec	 wts;
	struct tm	 wtm;
	size_t		 n0;
	FILE		*rawf = NULL;
	char		 events[PATH_MAX] = "";
	pid_t		 pid = 0;
	double		 t0, dt;
	const char	*errstr;
	int		 ch, n = 100, i, fd;

	while ((ch = getopt(argc, argv, "f:n:o:p:")) != -1) {
		switch (ch) {
		case 'o':
			raw = optarg;
			break;
		case 'f':
			act = optarg;
			break;
		case 'n':
			n = (int)strtonum(optarg, 1, MAXTRIALS, &errstr);
			if (errstr != NULL)
				goto usage;
			break;
		case 'p':
			pid = (pid_t)strtonum(optarg, 2, INT32_MAX, &errstr);
			if (errstr != NULL)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (act == NULL || pid <= 1 || n < 1 || n > MAXTRIALS)
		goto usage;
	if (raw != NULL && (rawf = fopen(raw, "a")) == NULL)
		err(1, "%s", raw);
	if (find_events(pid, events, sizeof events) == -1)
		events[0] = '\0';
	printf("# mechanism: %s\n", events[0] ? "cgroup2 group (no member in "
	    "state R)" : "process group (no member in state R)");
	srandom((unsigned)getpid());
	for (i = 0; i < n; i++) {
		/* The agent resumes the job once the owner is quiet. */
		t0 = now_ms();
		while (stopped(events, pid)) {
			if (now_ms() - t0 > WAIT_MS)
				errx(1, "trial %d: the job was not resumed", i);
			sleep_us(2000);
		}
		sleep_us(50000 + random() % 100000);
		clock_gettime(CLOCK_REALTIME, &wts);
		t0 = now_ms();
		localtime_r(&wts.tv_sec, &wtm);
		n0 = strftime(wall, sizeof wall, "%H:%M:%S", &wtm);
		snprintf(wall + n0, sizeof wall - n0, ".%06ld",
		    wts.tv_nsec / 1000);
		if ((fd = open(act, O_WRONLY | O_CREAT, 0644)) == -1 ||
		    futimens(fd, NULL) == -1)
			err(1, "%s", act);
		close(fd);
		while (!stopped(events, pid)) {
			if (now_ms() - t0 > WAIT_MS) {
				diag(events, pid);
				errx(1, "trial %d: the job was not stopped", i);
			}
			sleep_us(100);
		}
		lat[i] = now_ms() - t0;
		if (rawf != NULL)
			fprintf(rawf, "%.3f %s\n", lat[i], wall);
	}
	if (rawf != NULL && fclose(rawf) == EOF)
		err(1, "%s", raw);
	qsort(lat, (size_t)n, sizeof lat[0], cmp);
	dt = lat[(n * 99 + 99) / 100 - 1];
	printf("owner_return_agent_p50 %.2f ms\n", lat[n / 2]);
	printf("owner_return_agent_p99 %.2f ms\n", dt);
	printf("owner_return_agent_max %.2f ms\n", lat[n - 1]);
	return 0;
usage:
	fprintf(stderr, "usage: owner-return-agent -f ACTFILE -p PID "
	    "[-n trials] [-o RAWFILE]\n");
	return 2;
}
