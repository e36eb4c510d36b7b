/*
 * poolproc.c: the processes of a personal pool (cmd-pool.c), found and
 * stopped.  A daemon of the pool is known by the unix socket it listens
 * on: the kernel names the process that listens (SO_PEERCRED), whatever
 * a pid file says; a pid file's pid counts only while that process is
 * alive and runs the pool's program with the pool's configuration (a
 * pid reused by something else is not ours).  The agent's socket is its
 * network child's: the process `cq pool up` started, the one its pid
 * file names, is that child's parent.  A pool's files: CQ_HOME/schedd.sock,
 * CQ_HOME/run/{schedd,startd-N}.pid, CQ_HOME/run/startd-N.sock, and
 * CQ_HOME/run/agents, the number of agents `cq pool up` last started.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "poolproc.h"

#define POOLPROC_POLL_MS	50

void
poolproc_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* /proc/PID/NAME into BUF (NUL-separated parts kept): its length or -1. */
static ssize_t
poolproc_read(pid_t pid, const char *name, char *buf, size_t len)
{
	char	path[64];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int
poolproc_alive(pid_t pid)
{
	char	stat[512], *p;

	if (pid <= 1 || (kill(pid, 0) == -1 && errno != EPERM))
		return 0;
	/* A zombie has ended: only its parent has not seen it yet. */
	if (poolproc_read(pid, "stat", stat, sizeof stat) > 0 &&
	    (p = strrchr(stat, ')')) != NULL && p[1] == ' ' && p[2] == 'Z')
		return 0;
	return 1;
}

pid_t
poolproc_parent(pid_t pid)
{
	char		 stat[512], num[16], *p;
	const char	*errstr;
	size_t		 k;
	long long	 ppid;

	/* "PID (COMM) S PPID ...": COMM may hold anything but the last ). */
	if (poolproc_read(pid, "stat", stat, sizeof stat) <= 0 ||
	    (p = strrchr(stat, ')')) == NULL || strlen(p) < 5)
		return 0;
	p += 4;
	if ((k = strspn(p, "0123456789")) == 0 || k >= sizeof num)
		return 0;
	memcpy(num, p, k);
	num[k] = '\0';
	ppid = strtonum(num, 1, INT32_MAX, &errstr);
	return errstr == NULL ? (pid_t)ppid : 0;
}

int
poolproc_is(pid_t pid, const char *comm, const char *conf)
{
	char	buf[4096], name[64];
	ssize_t	n, i;

	if (!poolproc_alive(pid))
		return 0;
	if (poolproc_read(pid, "comm", name, sizeof name) <= 0)
		return 0;
	name[strcspn(name, "\n")] = '\0';
	if (strcmp(name, comm) != 0)
		return 0;
	if (conf == NULL)
		return 1;
	if ((n = poolproc_read(pid, "cmdline", buf, sizeof buf)) <= 0)
		return 0;
	for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (strcmp(buf + i, conf) == 0)
			return 1;
	return 0;
}

pid_t
poolproc_sock_pid(const char *path)
{
	struct sockaddr_un	sun;
	struct ucred		cred;
	socklen_t		cl = sizeof cred;
	pid_t			pid = 0;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path)
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 &&
	    cred.pid > 0)
		pid = cred.pid;
	close(fd);
	return pid;
}

pid_t
poolproc_pidfile(const char *path)
{
	FILE		*f;
	char		 buf[32];
	const char	*errstr;
	pid_t		 pid;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	pid = (pid_t)strtonum(buf, 2, INT32_MAX, &errstr);
	return errstr == NULL ? pid : 0;
}

size_t
poolproc_stop(const pid_t *pids, size_t n, int64_t wait_ms)
{
	int64_t	deadline = clock_mono_ms() + wait_ms;
	size_t	i, left, killed = 0;

	for (i = 0; i < n; i++)
		if (pids[i] > 1)
		{
			(void)kill(pids[i], SIGTERM);
			(void)kill(pids[i], SIGCONT);	/* if stopped */
		}
	for (;;) {
		for (i = left = 0; i < n; i++)
			if (pids[i] > 1 && poolproc_alive(pids[i]))
				left++;
		if (left == 0 || clock_mono_ms() >= deadline)
			break;
		poolproc_sleep_ms(POOLPROC_POLL_MS);
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 1 && poolproc_alive(pids[i])) {
			(void)kill(pids[i], SIGKILL);
			killed++;
		}
	/* SIGKILL is not refused: wait for it to be done (a few seconds). */
	deadline = clock_mono_ms() + 5000;
	for (i = 0; i < n; i++)
		while (pids[i] > 1 && poolproc_alive(pids[i]) &&
		    clock_mono_ms() < deadline)
			poolproc_sleep_ms(POOLPROC_POLL_MS);
	return killed;
}

/* The scheduler: who listens on its socket, else a checked pid file. */
pid_t
poolproc_find_schedd(const char *home)
{
	char	path[PATH_MAX], conf[PATH_MAX];
	pid_t	pid;

	snprintf(path, sizeof path, "%s/schedd.sock", home);
	if ((pid = poolproc_sock_pid(path)) != 0 && poolproc_alive(pid))
		return pid;
	snprintf(path, sizeof path, "%s/run/schedd.pid", home);
	snprintf(conf, sizeof conf, "%s/schedd.conf", home);
	if ((pid = poolproc_pidfile(path)) != 0 &&
	    poolproc_is(pid, "cq-schedd", conf))
		return pid;
	return 0;
}

/* Agent I: its socket's listener's parent, else a checked pid file. */
pid_t
poolproc_find_agent(const char *home, int i)
{
	char	path[PATH_MAX], conf[PATH_MAX];
	pid_t	pid;

	snprintf(conf, sizeof conf, "%s/startd.conf", home);
	snprintf(path, sizeof path, "%s/run/startd-%d.sock", home, i);
	if ((pid = poolproc_sock_pid(path)) != 0 &&
	    (pid = poolproc_parent(pid)) != 0 &&
	    poolproc_is(pid, "cq-startd", conf))
		return pid;
	snprintf(path, sizeof path, "%s/run/startd-%d.pid", home, i);
	if ((pid = poolproc_pidfile(path)) != 0 &&
	    poolproc_is(pid, "cq-startd", conf))
		return pid;
	return 0;
}

/* How many agents the last `up` gave the pool in HOME (run/agents), 0. */
int
poolproc_recorded(const char *home)
{
	char		 path[PATH_MAX], buf[32];
	const char	*errstr;
	FILE		*f;
	int		 n;

	snprintf(path, sizeof path, "%s/run/agents", home);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	n = (int)strtonum(buf, 1, POOLPROC_MAX_AGENTS, &errstr);
	return errstr == NULL ? n : 0;
}

/* The highest N of a HOME/run/startd-N.pid or .sock, 0 if none. */
int
poolproc_files(const char *home)
{
	char		 path[PATH_MAX], buf[32], *end;
	const char	*errstr;
	DIR		*d;
	struct dirent	*de;
	size_t		 k;
	int		 i, n = 0;

	snprintf(path, sizeof path, "%s/run", home);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "startd-", 7) != 0)
			continue;
		k = strspn(de->d_name + 7, "0123456789");
		end = de->d_name + 7 + k;
		if (k == 0 || k >= sizeof buf ||
		    (strcmp(end, ".pid") != 0 && strcmp(end, ".sock") != 0))
			continue;
		memcpy(buf, de->d_name + 7, k);
		buf[k] = '\0';
		i = (int)strtonum(buf, 1, POOLPROC_MAX_AGENTS, &errstr);
		if (errstr == NULL && i > n)
			n = i;
	}
	closedir(d);
	return n;
}

int
poolproc_survey(const char *home, int nagents, struct poolproc_state *ps)
{
	int	i, n = 0;

	memset(ps, 0, sizeof *ps);
	ps->nagents = nagents;
	if ((ps->schedd = poolproc_find_schedd(home)) != 0)
		n++;
	for (i = 1; i <= nagents; i++)
		if ((ps->agent[i] = poolproc_find_agent(home, i)) != 0)
			n++;
	return n;
}
