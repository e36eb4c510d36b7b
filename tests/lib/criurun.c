/*
 * criurun.c: drives the agent's CRIU module (startd/criu.c) with the
 * agent's own job control (startd/jobctl.c), as a migration would, for
 * t-criu-local.sh and bench/criu-512.sh:
 *
 *   criurun [-arz] [-m MB] [-H HOPS] [-s STEP_MS] CRIU COUNTER DIR N
 *
 * starts `COUNTER N --out DIR/out --step-ms STEP_MS [--mem MB]` the way
 * the agent starts a job meant for CRIU (jobctl_spawn() with pidns: the
 * init of a new pid namespace, in cgroups of its own), then HOPS times:
 * waits until the counter is part-way, dumps it into DIR/img.H (criu
 * kills it), reaps it, copies the image to DIR/copy.H and deletes the
 * original, as a move to another machine would, and restores from the
 * copy.  With -r (rollback) each dump leaves the counter running, and it
 * is killed only after it has counted on: the restore must cut its
 * output back to the dump's size.  With -z each dump finds the counter
 * suspended (jobctl_freeze(), as when the owner is back).  With -a the
 * dumps and restores go through the _start() forms: criu's exit and the
 * job's come through jobctl_reap(), as in the agent's loop.  Finally it waits for the counter to
 * exit.  One line per step on
 * stdout ("hop 1: at 37, dump 95 ms, copy 40 ms, restore 120 ms, pid
 * 123 -> 456 (ns pid 1)", "exit 0"), with the times; exit status 0 if
 * every step worked and the counter exited 0, 1 otherwise, 2 on usage.
 * Whether the output is exactly 1..N is for the caller to check.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

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

#include "criu.h"
#include "jobctl.h"
#include "log.h"

extern char	**environ;

/* A job exit reaped while waiting for criu (dump_async()), for reap(). */
static pid_t			dead_pid;
static struct jobctl_result	dead_res;

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: criurun [-arz] [-m MB] [-H HOPS] [-s STEP_MS] "
	    "CRIU COUNTER DIR N\n");
	exit(2);
}

/* Lines in PATH so far (the counter's last count). */
static long long
lines(const char *path)
{
	char		 buf[65536];
	long long	 n = 0;
	ssize_t		 r, i;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	while ((r = read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/* Wait (up to MS) until the job PID is reaped; its result, or -1. */
static int
reap(pid_t pid, struct jobctl_result *res, long ms)
{
	long long	deadline = now_ms() + ms;
	pid_t		p;
	int		r;

	if (dead_pid == pid) {
		*res = dead_res;
		dead_pid = 0;
		return 0;
	}
	while (now_ms() < deadline) {
		while ((r = jobctl_reap(&p, res)) == 1)
			if (p == pid)
				return 0;
		if (r == -1)
			return -1;
		msleep(5);
	}
	return -1;
}

/*
 * criu_dump() the agent's way: start criu, and reap until its exit has
 * come by (handed to criu_op_done()); the job's own exit, if it comes
 * first, is kept for reap() in dead_pid and dead_res.
 */
static int
dump_async(const char *criu, pid_t pid, const char *img,
    const struct criu_dump_opts *opts, char *err, size_t errlen)
{
	struct criu_op		*op;
	struct jobctl_result	 res;
	long long		 deadline = now_ms() + 600000;
	pid_t			 p;
	int			 r;

	if ((op = criu_dump_start(criu, pid, img, opts, err, errlen)) == NULL)
		return -1;
	while (now_ms() < deadline) {
		while ((r = jobctl_reap(&p, &res)) == 1) {
			if (p == criu_op_pid(op))
				return criu_op_done(op, &res, NULL, err,
				    errlen);
			if (p == pid) {
				dead_pid = p;
				dead_res = res;
			}
		}
		msleep(5);
	}
	criu_op_abort(op);
	snprintf(err, errlen, "criu dump did not finish");
	return -1;
}

/* criu_restore() the agent's way, criu's exit coming through the reaper. */
static int
restore_async(const char *criu, const char *img, pid_t *pid, char *err,
    size_t errlen)
{
	struct criu_op		*op;
	struct jobctl_result	 res;
	long long		 deadline = now_ms() + 600000;
	pid_t			 p;

	if ((op = criu_restore_start(criu, img, err, errlen)) == NULL)
		return -1;
	while (now_ms() < deadline) {
		while (jobctl_reap(&p, &res) == 1)
			if (p == criu_op_pid(op))
				return criu_op_done(op, &res, pid, err,
				    errlen);
		msleep(5);
	}
	criu_op_abort(op);
	snprintf(err, errlen, "criu restore did not finish");
	return -1;
}

/* Copy the regular files of directory FROM (an image is flat) into TO. */
static int
copy_dir(const char *from, const char *to)
{
	char		 src[PATH_MAX], dst[PATH_MAX], buf[1 << 16];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 r;
	int		 in, out, ok = 1;

	if (mkdir(to, 0700) == -1 || (d = opendir(from)) == NULL)
		return -1;
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_REG)
			continue;
		if ((size_t)snprintf(src, sizeof src, "%s/%s", from,
		    de->d_name) >= sizeof src ||
		    (size_t)snprintf(dst, sizeof dst, "%s/%s", to,
		    de->d_name) >= sizeof dst ||
		    (in = open(src, O_RDONLY)) == -1)
			return -1;
		if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
			close(in);
			return -1;
		}
		while ((r = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, r) != r) {
				ok = 0;
				break;
			}
		if (r < 0)
			ok = 0;
		close(in);
		if (close(out) == -1)
			ok = 0;
	}
	closedir(d);
	return ok ? 0 : -1;
}

/* Remove directory DIR and its (regular) files. */
static void
remove_dir(const char *dir)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    de->d_name) < sizeof path)
			(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(dir);
}

/* PID's resident memory in MiB (VmRSS), or -1. */
static long
rss_mb(pid_t pid)
{
	char		 path[64], line[256], *p;
	const char	*errstr;
	long		 v = -1;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) != 0)
			continue;
		p = line + 6;
		p += strspn(p, " \t");
		p[strcspn(p, " \t\n")] = '\0';
		v = strtonum(p, 0, LONG_MAX, &errstr);
		v = errstr == NULL ? v / 1024 : -1;
	}
	fclose(f);
	return v;
}

/* PID's pid in its own namespace (the last NSpid field), or -1. */
static long
ns_pid(pid_t pid)
{
	char		 path[64], line[256], *p;
	const char	*errstr;
	long		 v = -1;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((p = strrchr(line, '\t')) == NULL &&
		    (p = strrchr(line, ' ')) == NULL)
			break;
		v = strtonum(p + 1, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			v = -1;
	}
	fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	struct jobctl_spec	 spec;
	struct jobctl_result	 res;
	struct criu_dump_opts	 opts;
	const char		*errstr, *criu, *counter, *dir;
	char			 err[1024], out[PATH_MAX], img[PATH_MAX];
	char			 copy[PATH_MAX], step[16], mem[16];
	char			*cargv[12];
	long long		 n, mb = 0, hops = 2, step_ms = 20, at, t0;
	long long		 t_dump, t_copy, t_restore;
	long			 rss;
	pid_t			 pid, npid;
	int			 ch, a = 0, h, suspend = 0, async = 0, ms;

	memset(&opts, 0, sizeof opts);
	while ((ch = getopt(argc, argv, "am:H:rs:z")) != -1) {
		errstr = NULL;
		switch (ch) {
		case 'a':
			async = 1;
			break;
		case 'r':
			opts.leave_running = 1;
			break;
		case 'z':
			suspend = 1;
			break;
		case 'm':
			mb = strtonum(optarg, 0, 1 << 20, &errstr);
			break;
		case 'H':
			hops = strtonum(optarg, 0, 100, &errstr);
			break;
		case 's':
			step_ms = strtonum(optarg, 0, 100000, &errstr);
			break;
		default:
			usage();
		}
		if (errstr != NULL)
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		usage();
	criu = argv[0];
	counter = argv[1];
	dir = argv[2];
	n = strtonum(argv[3], 1, LLONG_MAX / 2, &errstr);
	if (errstr != NULL)
		usage();

	log_init("criurun", 1, 0);
	if (jobctl_init() == -1)
		fprintf(stderr, "criurun: not a subreaper: %s\n",
		    strerror(errno));
	if (!criu_available(criu)) {
		fprintf(stderr, "criurun: %s check fails\n", criu);
		return 1;
	}
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(step, sizeof step, "%lld", step_ms);
	snprintf(mem, sizeof mem, "%lld", mb);
	cargv[a++] = (char *)counter;
	cargv[a++] = argv[3];
	cargv[a++] = "--out";
	cargv[a++] = out;
	cargv[a++] = "--step-ms";
	cargv[a++] = step;
	if (mb > 0) {
		cargv[a++] = "--mem";
		cargv[a++] = mem;
	}
	cargv[a] = NULL;
	memset(&spec, 0, sizeof spec);
	spec.executable = counter;
	spec.argv = cargv;
	spec.envp = environ;
	spec.iwd = dir;
	spec.output = "stdout";
	spec.error = "stderr";
	spec.pidns = 1;
	if (jobctl_spawn(&spec, &pid, err, sizeof err) == -1) {
		fprintf(stderr, "criurun: spawn: %s\n", err);
		return 1;
	}
	printf("started pid %ld (ns pid %ld)\n", (long)pid, ns_pid(pid));
	fflush(stdout);

	for (h = 1; h <= hops; h++) {
		/* Part-way: the H-th of HOPS + 1 equal parts. */
		while ((at = lines(out)) < n * h / (hops + 1)) {
			if (waitpid(pid, NULL, WNOHANG) != 0 &&
			    kill(pid, 0) == -1) {
				fprintf(stderr, "criurun: the counter died\n");
				return 1;
			}
			msleep(5);
		}
		snprintf(img, sizeof img, "%s/img.%d", dir, h);
		snprintf(copy, sizeof copy, "%s/copy.%d", dir, h);
		if (suspend) {
			if (jobctl_freeze(pid) == -1) {
				perror("criurun: freeze");
				return 1;
			}
			for (ms = 0; ms < 5000 && !jobctl_frozen(pid); ms += 5)
				msleep(5);
		}
		rss = rss_mb(pid);
		t0 = now_ms();
		if ((async ? dump_async(criu, pid, img, &opts, err,
		    sizeof err) : criu_dump(criu, pid, img, &opts, err,
		    sizeof err)) == -1) {
			fprintf(stderr, "criurun: %s\n", err);
			return 1;
		}
		t_dump = now_ms() - t0;
		at = lines(out);
		if (opts.leave_running) {
			/* It counts on; the image must bring it back. */
			while (lines(out) < at + 3 && kill(pid, 0) == 0)
				msleep(5);
			jobctl_kill(pid);
		}
		if (reap(pid, &res, 10000) == -1 || res.signal != SIGKILL) {
			fprintf(stderr, "criurun: the dumped job was not "
			    "killed (signal %d)\n", res.signal);
			return 1;
		}
		jobctl_release(pid);
		t0 = now_ms();
		if (copy_dir(img, copy) == -1) {
			fprintf(stderr, "criurun: copy %s: %s\n", img,
			    strerror(errno));
			return 1;
		}
		t_copy = now_ms() - t0;
		remove_dir(img);
		t0 = now_ms();
		if ((async ? restore_async(criu, copy, &npid, err,
		    sizeof err) : criu_restore(criu, copy, &npid, err,
		    sizeof err)) == -1) {
			fprintf(stderr, "criurun: %s\n", err);
			return 1;
		}
		t_restore = now_ms() - t0;
		printf("hop %d: at %lld, rss %ld MiB, dump %lld ms, copy %lld "
		    "ms, restore %lld ms, pid %ld -> %ld (ns pid %ld)%s\n", h,
		    at, rss, t_dump, t_copy, t_restore, (long)pid, (long)npid,
		    ns_pid(npid), jobctl_contained(npid) ? ", contained" : "");
		fflush(stdout);
		pid = npid;
	}
	if (reap(pid, &res, (long)(n * (step_ms + 50)) + 60000) == -1) {
		fprintf(stderr, "criurun: the counter did not finish\n");
		jobctl_kill(pid);
		return 1;
	}
	jobctl_release(pid);
	jobctl_fini();
	printf("exit %d signal %d\n", res.code, res.signal);
	return res.code == 0 && res.signal == 0 ? 0 : 1;
}
