/*
 * owner-return-agent.c: owner-return latency through the real agent.  A
 * cq-startd watches ACTFILE (activity = file:ACTFILE) and runs a job tree
 * whose leader is PID.  Each trial waits until the agent has resumed the
 * job, sleeps a random 50-150 ms, reads the clock, touches ACTFILE and
 * polls until every process of the tree is stopped: "frozen 1" in the
 * job's cgroup2 cgroup.events when it has one, else every process of its
 * process group in state T or D.  The figure is touch to stopped: inotify,
 * the agent's loop, its policy and the freeze, all included.  Run the
 * agent with a short resume_after (e.g. 100ms).  bench/owner-return.sh
 * sets all of this up.
 *
 * usage: owner-return-agent -f ACTFILE -p PID [-n trials]
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

/* 1 once every process of the job is stopped. */
static int
stopped(const char *events, pid_t pgid)
{
	char		 buf[4096], path[300], *p;
	DIR		*d;
	struct dirent	*de;
	int		 all = 1, any = 0;

	if (events[0] != '\0') {
		if (read_file(events, buf, sizeof buf) == -1)
			return 0;
		return strstr(buf, "frozen 1") != NULL;
	}
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (all && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if (read_file(path, buf, sizeof buf) == -1 ||
		    (p = strrchr(buf, ')')) == NULL)
			continue;
		/* ") S ppid pgrp" */
		if (number_at(p + 4 + strcspn(p + 4, " ") + 1) != pgid)
			continue;
		any = 1;
		if (p[2] != 'T' && p[2] != 't' && p[2] != 'D')
			all = 0;
	}
	closedir(d);
	return any && all;
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
	const char	*act = NULL;
	char		 events[PATH_MAX] = "";
	pid_t		 pid = 0;
	double		 t0, dt;
	const char	*errstr;
	int		 ch, n = 100, i, fd;

	while ((ch = getopt(argc, argv, "f:n:p:")) != -1) {
		switch (ch) {
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
	if (find_events(pid, events, sizeof events) == -1)
		events[0] = '\0';
	printf("# mechanism: %s\n", events[0] ? "cgroup2 freeze (cgroup.events)"
	    : "process group (SIGSTOP)");
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
		t0 = now_ms();
		if ((fd = open(act, O_WRONLY | O_CREAT, 0644)) == -1 ||
		    futimens(fd, NULL) == -1)
			err(1, "%s", act);
		close(fd);
		while (!stopped(events, pid)) {
			if (now_ms() - t0 > WAIT_MS)
				errx(1, "trial %d: the job was not stopped", i);
		}
		lat[i] = now_ms() - t0;
	}
	qsort(lat, (size_t)n, sizeof lat[0], cmp);
	dt = lat[(n * 99 + 99) / 100 - 1];
	printf("owner_return_agent_p50 %.2f ms\n", lat[n / 2]);
	printf("owner_return_agent_p99 %.2f ms\n", dt);
	printf("owner_return_agent_max %.2f ms\n", lat[n - 1]);
	return 0;
usage:
	fprintf(stderr, "usage: owner-return-agent -f ACTFILE -p PID "
	    "[-n trials]\n");
	return 2;
}
