/*
 * test_jobctl.c: unit tests of startd/jobctl.c with real processes: files,
 * environment, argv, iwd, failure reports, process-group kill, parent
 * death, the user switch, and containment: freeze, thaw and kill of a job
 * tree with a setsid escapee under each mechanism (cgroup2, v1 freezer,
 * process groups, picked with CQ_JOBCTL_NO_CGROUP{,2}), memory charged to
 * the job's cgroup, release of the cgroups.  Each Criterion test runs in
 * its own process, which becomes a subreaper where a test needs orphans
 * back; every test works in its own mkdtemp() directory, and the .fini
 * kills what a failed test left, reaps it and removes every cgroup made.
 * The cgroup tests need root; they skip where a mechanism is missing.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "jobctl.h"

#define WAIT_MS	5000	/* bound on any wait for a job */
/* A shell's own pid as the test sees it ($$ is its pid namespace's). */
#define MYPID	"read -r p x < /proc/self/stat; echo $p"
#define MAX_TRACKED 8	/* jobs the .fini kills if a test did not */

static char *const	 no_env[] = { NULL };
static char *const	 path_env[] = { "PATH=/usr/bin:/bin", NULL };
static char		 test_dir[64];	/* removed after each test */
static pid_t		 tracked[MAX_TRACKED];
static int		 ntracked;

static void	msleep(long);

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)remove(path);
	return 0;
}

/* Kill and reap what a test left, remove every cgroup, then its files. */
static void
cleanup(void)
{
	struct jobctl_result	res;
	pid_t			pid;
	int			i, r;

	for (i = 0; i < ntracked; i++)
		(void)jobctl_kill(tracked[i]);
	for (i = 0; ntracked > 0 && i < WAIT_MS / 10; i++) {
		if ((r = jobctl_reap(&pid, &res)) == -1)
			break;
		if (r == 0)
			msleep(10);
	}
	for (i = 0; i < ntracked; i++)
		(void)jobctl_release(tracked[i]);
	jobctl_fini();
	if (test_dir[0] != '\0')
		(void)nftw(test_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The job's init, cq-jobinit, is the build tree's. */
static void
setup(void)
{
	char		 path[PATH_MAX];
	const char	*b = getenv("CQ_BUILDDIR");

	snprintf(path, sizeof path, "%s/cq-jobinit", b != NULL ? b : ".");
	cr_assert_eq(jobctl_program(path), 0, "%s: %s", path, strerror(errno));
}

TestSuite(jobctl, .init = setup, .fini = cleanup, .timeout = 30);

/* The temporary directory of this test. */
static void
tmpdir(char *dir, size_t len)
{
	cr_assert(snprintf(test_dir, sizeof test_dir,
	    "/tmp/test_jobctl.XXXXXX") < (int)sizeof test_dir);
	cr_assert_not_null(mkdtemp(test_dir));
	cr_assert(strlcpy(dir, test_dir, len) < len);
}

/* DIR/NAME into BUF. */
static const char *
tpath(char *buf, size_t len, const char *dir, const char *name)
{
	cr_assert(snprintf(buf, len, "%s/%s", dir, name) < (int)len);
	return buf;
}

/* The whole of a (small) file, NUL-terminated, into BUF. */
static const char *
slurp(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	size_t	got = 0;
	int	fd;

	fd = open(path, O_RDONLY);
	cr_assert(fd != -1, "open %s: %s", path, strerror(errno));
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return buf;
}

static void
spit(const char *path, const char *text, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert(fd != -1, "open %s: %s", path, strerror(errno));
	cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	cr_assert(chmod(path, mode) == 0);
}

static void
msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Poll jobctl_reap() until PID is reaped; other pids are skipped. */
static void
wait_job(pid_t pid, struct jobctl_result *res)
{
	pid_t	p;
	int	i, r;

	for (i = 0; i < WAIT_MS / 10; i++) {
		r = jobctl_reap(&p, res);
		cr_assert(r != -1, "jobctl_reap: %s", strerror(errno));
		if (r == 1 && p == pid)
			return;
		if (r == 0)
			msleep(10);
	}
	cr_assert_fail("job %d not reaped in %d ms", (int)pid, WAIT_MS);
}

/* Wait until PATH holds a full line, for jobs that report then sleep. */
static const char *
wait_line(const char *path, char *buf, size_t len)
{
	int	i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (access(path, F_OK) == 0 &&
		    strchr(slurp(path, buf, len), '\n') != NULL)
			return buf;
		msleep(10);
	}
	cr_assert_fail("no line in %s", path);
	return NULL;
}

/* Spawn SPEC, which must succeed, wait for it and return its result. */
static struct jobctl_result
run(const struct jobctl_spec *spec)
{
	struct jobctl_result	res;
	char			err[256];
	pid_t			pid;

	cr_assert(jobctl_spawn(spec, &pid, err, sizeof err) == 0,
	    "jobctl_spawn: %s", err);
	cr_assert(pid > 0);
	wait_job(pid, &res);
	return res;
}

Test(jobctl, exit_code_and_files)
{
	char	d[64], out[128], errf[128], buf[256];
	char	*argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
		    NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	r;

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	s.error = tpath(errf, sizeof errf, d, "err");
	r = run(&s);
	cr_assert_eq(r.code, 3);
	cr_assert_eq(r.signal, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "out\n");
	cr_assert_str_eq(slurp(errf, buf, sizeof buf), "err\n");
}

Test(jobctl, error_equals_output)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "sh", "-c", "echo one; echo two >&2; echo three",
		    NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "log");
	s.error = "log";	/* same file by another name: still shared */
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "one\ntwo\nthree\n");

	s.error = s.output;
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "one\ntwo\nthree\n");
}

Test(jobctl, output_truncated)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "sh", "-c", "echo new", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	spit(tpath(out, sizeof out, d, "out"), "old old old old\n", 0644);
	s.output = "out";
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "new\n");
}

Test(jobctl, input_feeds_stdin)
{
	char	d[64], in[128], out[128], buf[256];
	char	*argv[] = { "cat", NULL };
	struct jobctl_spec	s = { .executable = "/bin/cat", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	spit(tpath(in, sizeof in, d, "in.txt"), "line 1\nline 2\n", 0644);
	s.input = "in.txt";		/* relative to iwd */
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "line 1\nline 2\n");
}

Test(jobctl, null_paths_are_dev_null)
{
	char	d[64];
	char	*argv[] = { "sh", "-c",
		    "test \"$(cat)\" = '' && echo x && echo y >&2", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert_eq(run(&s).code, 0);
}

Test(jobctl, environment_is_envp)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "env", NULL };
	char	*envp[] = { "FOO=bar", "CQ_X=a b $HOME", NULL };
	struct jobctl_spec	s = { .executable = "/usr/bin/env",
		    .argv = argv, .envp = envp };

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf),
	    "FOO=bar\nCQ_X=a b $HOME\n");
}

Test(jobctl, argv_literal)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "printf", "[%s]\\n", "a b", "$HOME", "*", "'q'",
		    NULL };
	struct jobctl_spec	s = { .executable = "/usr/bin/printf",
		    .argv = argv, .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	spit(tpath(out, sizeof out, d, "glob-bait"), "", 0644);
	s.output = out;
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf),
	    "[a b]\n[$HOME]\n[*]\n['q']\n");
}

Test(jobctl, argv0_is_ours)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "my-name", "-c", "echo $0", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "my-name\n");
}

Test(jobctl, exec_missing)
{
	char	d[64], err[256];
	char	*argv[] = { "nope", NULL };
	struct jobctl_spec	s = { .executable = "/bin/nope", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res;
	pid_t	pid = 0;

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_str_eq(err, "exec /bin/nope: No such file or directory");
	cr_assert_eq(jobctl_reap(&pid, &res), -1);	/* no zombie left */
	cr_assert_eq(errno, ECHILD);
}

Test(jobctl, exec_not_executable)
{
	char	d[64], f[128], err[256];
	char	*argv[] = { "data", NULL };
	struct jobctl_spec	s = { .executable = "data", .argv = argv,
		    .envp = no_env };
	pid_t	pid;

	tmpdir(d, sizeof d);
	spit(tpath(f, sizeof f, d, "data"), "not a program\n", 0644);
	s.iwd = d;
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err, "exec data: Permission denied");
}

Test(jobctl, no_path_search)
{
	char	d[64], err[256];
	char	*argv[] = { "true", NULL };
	char	*envp[] = { "PATH=/bin:/usr/bin", NULL };
	struct jobctl_spec	s = { .executable = "true", .argv = argv,
		    .envp = envp };
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err, "exec true: No such file or directory");
}

Test(jobctl, chdir_missing)
{
	char	d[64], iwd[128], err[256];
	char	*argv[] = { "true", NULL };
	struct jobctl_spec	s = { .executable = "/bin/true", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res;
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = tpath(iwd, sizeof iwd, d, "missing");
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert(strncmp(err, "chdir ", 6) == 0, "%s", err);
	cr_assert(strstr(err, iwd) != NULL, "%s", err);
	cr_assert(strstr(err, "No such file or directory") != NULL, "%s",
	    err);
	cr_assert_eq(jobctl_reap(&pid, &res), -1);
	cr_assert_eq(errno, ECHILD);
}

Test(jobctl, open_output_fails)
{
	char	d[64], out[128], want[256], err[256];
	char	*argv[] = { "true", NULL };
	struct jobctl_spec	s = { .executable = "/bin/true", .argv = argv,
		    .envp = no_env };
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "nodir/out");
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	snprintf(want, sizeof want, "open output %s: No such file or "
	    "directory", out);
	cr_assert_str_eq(err, want);

	s.output = NULL;
	s.input = "missing-input";
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err,
	    "open input missing-input: No such file or directory");
}

Test(jobctl, fifo_output_does_not_hang)
{
	char	d[64], f[128], err[256];
	char	*argv[] = { "true", NULL };
	struct jobctl_spec	s = { .executable = "/bin/true", .argv = argv,
		    .envp = no_env };
	pid_t	pid;

	tmpdir(d, sizeof d);
	cr_assert(mkfifo(tpath(f, sizeof f, d, "fifo"), 0644) == 0);
	s.iwd = d;
	s.output = f;
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert(strstr(err, "open output") != NULL, "%s", err);
}

Test(jobctl, relative_executable)
{
	char	d[64], f[128], out[128], buf[256], want[256];
	char	*argv[] = { "hello.sh", "arg", NULL };
	struct jobctl_spec	s = { .executable = "hello.sh", .argv = argv,
		    .envp = no_env };

	tmpdir(d, sizeof d);
	spit(tpath(f, sizeof f, d, "hello.sh"),
	    "#!/bin/sh\necho \"hi $1 from $(pwd)\"\nexit 7\n", 0755);
	s.iwd = d;
	s.output = "out";
	cr_assert_eq(run(&s).code, 7);
	snprintf(want, sizeof want, "hi arg from %s\n", d);
	cr_assert_str_eq(slurp(tpath(out, sizeof out, d, "out"), buf,
	    sizeof buf), want);

	cr_assert(mkdir(tpath(f, sizeof f, d, "bin"), 0755) == 0);
	spit(tpath(f, sizeof f, d, "bin/t"), "#!/bin/sh\nexit 5\n", 0755);
	s.executable = "bin/t";
	cr_assert_eq(run(&s).code, 5);
}

Test(jobctl, own_session_and_group)
{
	char	d[64];
	char	*argv[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sleep", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res;
	char	err[256];
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cr_assert_eq(getpgid(pid), pid);
	cr_assert_eq(getsid(pid), pid);
	cr_assert_eq(jobctl_signal(pid, SIGTERM), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.code, -1);
	cr_assert_eq(res.signal, SIGTERM);
	cr_assert_eq(jobctl_signal(pid, SIGTERM), -1);
	cr_assert_eq(errno, ESRCH);
}

/* For CRIU: the job is pid 1 of a namespace of its own; SIGTERM from
 * outside does not reach such an init, SIGKILL (jobctl_kill) does. */
Test(jobctl, pidns_init)
{
	char	d[64], out[128], buf[64];
	char	*argv1[] = { "sh", "-c", "echo $$", NULL };
	char	*argv2[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv1,
		    .envp = no_env, .pidns = 1 };
	struct jobctl_result	res;
	char	err[256];
	pid_t	pid;

	if (geteuid() != 0)
		cr_skip_test("a pid namespace needs root");
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	res = run(&s);
	cr_assert_eq(res.code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "1\n");

	s.executable = "/bin/sleep";
	s.argv = argv2;
	s.output = NULL;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cr_assert_eq(getsid(pid), pid);
	cr_assert_eq(jobctl_signal(pid, SIGTERM), 0);
	msleep(100);
	cr_assert_eq(kill(pid, 0), 0, "the namespace init died of SIGTERM");
	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.signal, SIGKILL);
}

Test(jobctl, signal_refuses_bad_pgid)
{
	cr_assert_eq(jobctl_signal(0, 0), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(jobctl_signal(1, 0), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(jobctl_signal(-5, 0), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(jobctl, kill_takes_grandchildren)
{
	char	d[64], out[128], buf[64], err[256];
	char	*argv[] = { "sh", "-c", "sh -c '" MYPID "; exec sleep 100' & "
		    "sleep 100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res, jres;
	const char	*errstr;
	pid_t		pid, gpid, p;
	int		i, r = 0, seen_job = 0, seen_grand = 0;

	cr_assert_eq(jobctl_init(), 0);
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	wait_line(out, buf, sizeof buf);
	*strchr(buf, '\n') = '\0';
	gpid = strtonum(buf, 2, 1 << 30, &errstr);
	cr_assert_null(errstr, "grandchild pid %s: %s", buf, errstr);
	cr_assert_eq(kill(gpid, 0), 0);
	cr_assert_eq(getpgid(gpid), getsid(gpid));	/* the job's group */
	cr_assert_neq(getpgid(gpid), pid);		/* not its init's */

	cr_assert_eq(jobctl_signal(pid, SIGKILL), 0);
	/*
	 * Everything comes back to us: the job as our child, the sleeps as
	 * orphans (dash may or may not fork for the last command), unless sh
	 * reaps a sleep that died first, before its own SIGKILL landed.
	 */
	for (i = 0; i < WAIT_MS / 10; i++) {
		r = jobctl_reap(&p, &res);
		if (r == -1)
			break;
		if (r == 0) {
			msleep(10);
			continue;
		}
		if (p == pid) {
			seen_job = 1;
			jres = res;
		} else if (p == gpid)
			seen_grand = 1;
	}
	cr_assert_eq(r, -1, "children left after %d ms", WAIT_MS);
	cr_assert_eq(errno, ECHILD);
	cr_assert(seen_job);
	(void)seen_grand;
	cr_assert_eq(jres.code, -1);
	cr_assert_eq(jres.signal, SIGKILL);
	cr_assert_eq(kill(gpid, 0), -1);
	cr_assert_eq(errno, ESRCH);
}

/* The leader's exit ends the job: its init kills and reaps the orphans. */
static void
orphans_die(void)
{
	char	d[64], out[128], buf[64], err[256];
	char	*argv[] = { "sh", "-c", "setsid sh -c '" MYPID "; exec sleep "
		    "100' & while ! test -s out; do sleep 0.01; done", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	struct jobctl_result	res;
	const char	*errstr;
	pid_t		pid, gpid;

	cr_assert_eq(jobctl_init(), 0);
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	wait_job(pid, &res);
	cr_assert_eq(res.code, 0);
	wait_line(out, buf, sizeof buf);
	*strchr(buf, '\n') = '\0';
	gpid = strtonum(buf, 2, 1 << 30, &errstr);
	cr_assert_null(errstr, "orphan pid %s: %s", buf, errstr);
	/* Gone before the init's end was reported. */
	cr_assert(kill(gpid, 0) == -1 && errno == ESRCH,
	    "orphan %d outlived its job", (int)gpid);
	cr_assert_eq(jobctl_signal(pid, SIGKILL), -1);
	cr_assert_eq(errno, ESRCH);
}

Test(jobctl, orphans_die_with_leader)
{
	orphans_die();
}

Test(jobctl, orphans_die_with_leader_no_pidns)
{
	cr_assert(setenv("CQ_JOBCTL_NO_PIDNS", "1", 1) == 0);
	orphans_die();
}

/*
 * The agent (a helper process here) dies by SIGKILL: every process of its
 * job dies within a second, a setsid grandchild included, with a pid
 * namespace (the kernel) or without (the init, at the end of the deadline
 * pipe).
 */
static void
agent_death(void)
{
	char	d[64], out[128], buf[64];
	char	*argv[] = { "sh", "-c", "setsid sh -c '" MYPID "; "
		    "while :; do sleep 0.05; done' & sleep 100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	const char	*errstr;
	pid_t	helper, gpid;
	int	fds[2], st, i;

	cr_assert_eq(jobctl_init(), 0);
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert(pipe(fds) == 0);
	if ((helper = fork()) == 0) {
		char	err[256];
		pid_t	job;

		close(fds[0]);
		if (jobctl_spawn(&s, &job, err, sizeof err) == -1)
			_exit(1);
		(void)write(fds[1], "x", 1);
		pause();
		_exit(0);
	}
	cr_assert(helper > 0);
	close(fds[1]);
	cr_assert_eq(read(fds[0], buf, 1), 1);
	close(fds[0]);
	wait_line(out, buf, sizeof buf);
	*strchr(buf, '\n') = '\0';
	gpid = strtonum(buf, 2, 1 << 30, &errstr);
	cr_assert_null(errstr, "grandchild pid %s: %s", buf, errstr);
	cr_assert_eq(getsid(gpid), gpid, "the grandchild did not escape");
	cr_assert_eq(kill(helper, SIGKILL), 0);
	cr_assert_eq(waitpid(helper, &st, 0), helper);
	for (i = 0; i < 100 && kill(gpid, 0) == 0; i++)
		msleep(10);
	cr_assert(kill(gpid, 0) == -1 && errno == ESRCH,
	    "grandchild %d outlived the agent by 1 s", (int)gpid);
}

Test(jobctl, agent_death_kills_tree)
{
	if (geteuid() != 0)
		cr_skip_test("a pid namespace needs root");
	agent_death();
}

Test(jobctl, agent_death_kills_tree_no_pidns)
{
	cr_assert(setenv("CQ_JOBCTL_NO_PIDNS", "1", 1) == 0);
	agent_death();
}

/* At its deadline the init kills the whole job and says so. */
static void
deadline(void)
{
	char	d[64], out[128], buf[64], err[256];
	char	*argv[] = { "sh", "-c", "setsid sh -c '" MYPID "; exec sleep "
		    "100' & sleep 100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	struct jobctl_result	res;
	struct timespec	ts;
	const char	*errstr;
	pid_t		pid, gpid;
	int64_t		now;

	cr_assert_eq(jobctl_init(), 0);
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cr_assert_eq(jobctl_deadline(pid, -5), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_geq(jobctl_deadline_fd(pid), 3);
	wait_line(out, buf, sizeof buf);
	*strchr(buf, '\n') = '\0';
	gpid = strtonum(buf, 2, 1 << 30, &errstr);
	cr_assert_null(errstr);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* A far one, none, then a near one: the latest wins. */
	cr_assert_eq(jobctl_deadline(pid, now + 3600 * 1000), 0);
	cr_assert_eq(jobctl_deadline(pid, 0), 0);
	cr_assert_eq(jobctl_deadline(pid, now + 200), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.signal, SIGKILL);
	cr_assert_eq(res.expired, 1);
	cr_assert(kill(gpid, 0) == -1 && errno == ESRCH);
	cr_assert_eq(jobctl_deadline(pid, now), -1);
	cr_assert_eq(errno, ESRCH);
}

Test(jobctl, deadline_kills_job)
{
	deadline();
}

Test(jobctl, deadline_kills_job_no_pidns)
{
	cr_assert(setenv("CQ_JOBCTL_NO_PIDNS", "1", 1) == 0);
	deadline();
}

/* A bare job (CRIU's) has no init to hold a deadline. */
Test(jobctl, deadline_not_for_bare)
{
	char	d[64], err[256];
	char	*argv[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sleep", .argv = argv,
		    .envp = no_env, .bare = 1 };
	struct jobctl_result	res;
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cr_assert_eq(jobctl_deadline(pid, 1), -1);
	cr_assert_eq(errno, ENOTSUP);
	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.signal, SIGKILL);
}

/* The start does not wait: the exec's result comes on the descriptor. */
Test(jobctl, async_start)
{
	char	d[64], err[256];
	char	*argv[] = { "true", NULL };
	struct jobctl_spec	s = { .executable = "/bin/true", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res;
	struct pollfd	pfd;
	pid_t	pid, p;
	int	fd, r, i;

	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert(jobctl_spawn_start(&s, &pid, &fd, err, sizeof err) == 0,
	    "%s", err);
	cr_assert_geq(fd, 3);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((r = jobctl_spawn_result(pid, err, sizeof err)) == 0)
		cr_assert_eq(poll(&pfd, 1, WAIT_MS), 1);
	cr_assert_eq(r, 1);
	close(fd);
	wait_job(pid, &res);
	cr_assert_eq(res.code, 0);

	/* A failure, read only after the reap: it is kept till asked. */
	s.executable = "/bin/nope";
	cr_assert(jobctl_spawn_start(&s, &pid, &fd, err, sizeof err) == 0,
	    "%s", err);
	for (i = 0; i < WAIT_MS / 10; i++) {
		if ((r = jobctl_reap(&p, &res)) == 1 && p == pid)
			break;
		msleep(10);
	}
	cr_assert_eq(p, pid);
	cr_assert_eq(res.code, 127);
	cr_assert_eq(jobctl_spawn_result(pid, err, sizeof err), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_str_eq(err, "exec /bin/nope: No such file or directory");
	close(fd);
	cr_assert_eq(jobctl_reap(&p, &res), -1);	/* no zombie left */
	cr_assert_eq(jobctl_spawn_result(pid, err, sizeof err), -1);
	cr_assert_eq(errno, ESRCH);			/* entry freed */
}

/* Signals sent to the init go to the job; a signal death is reported. */
Test(jobctl, init_forwards_signals)
{
	char	d[64], out[128], buf[64], err[256];
	char	*argv[] = { "sh", "-c", "trap 'echo usr1 > got' USR1; "
		    "echo ready; while ! test -s got; do sleep 0.01; done; "
		    "kill -TERM $$", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	struct jobctl_result	res;
	pid_t	pid;

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	wait_line(out, buf, sizeof buf);
	cr_assert_eq(kill(pid, SIGUSR1), 0);	/* the init, not the job */
	wait_job(pid, &res);
	cr_assert_eq(res.code, -1);
	cr_assert_eq(res.signal, SIGTERM);
	cr_assert_str_eq(slurp(tpath(buf, sizeof buf, d, "got"), out,
	    sizeof out), "usr1\n");
}

Test(jobctl, parent_death_kills_job)
{
	char	d[64];
	char	*argv[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sleep", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	res;
	pid_t	helper, job;
	int	fds[2], st;

	cr_assert_eq(jobctl_init(), 0);	/* the orphaned job comes to us */
	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert(pipe(fds) == 0);
	if ((helper = fork()) == 0) {
		char	err[256];

		close(fds[0]);
		if (jobctl_spawn(&s, &job, err, sizeof err) == -1)
			_exit(1);
		if (write(fds[1], &job, sizeof job) != sizeof job)
			_exit(2);
		_exit(0);
	}
	cr_assert(helper > 0);
	close(fds[1]);
	cr_assert_eq(read(fds[0], &job, sizeof job), (ssize_t)sizeof job);
	close(fds[0]);
	cr_assert_eq(waitpid(helper, &st, 0), helper);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/*
	 * Killed by its parent-death signal, or, where the helper died
	 * before the init's prctl, ended by the deadline pipe's end: the init
	 * killed the job and exited 0.  A `sleep 100` that lived on would
	 * keep the init waiting past WAIT_MS.
	 */
	wait_job(job, &res);
	cr_assert((res.code == -1 && res.signal == SIGKILL) ||
	    (res.code == 0 && res.signal == 0), "init ended with code %d, "
	    "signal %d", res.code, res.signal);
}

Test(jobctl, signals_reset)
{
	char	d[64], out[128], buf[512];
	char	*argv[] = { "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status",
		    NULL };
	struct jobctl_spec	s = { .executable = "/bin/grep", .argv = argv,
		    .envp = no_env };
	sigset_t	set;
	unsigned long long	ign;

	/* What an agent with libevent signal events might leave behind. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);

	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	slurp(out, buf, sizeof buf);
	/*
	 * glibc keeps signals 32 and 33 for itself and will not let them be
	 * reset; a test harness may hand them down ignored.  Every other
	 * signal must arrive unblocked and with its default action.
	 */
	cr_assert(strncmp(buf, "SigBlk:\t0000000000000000\n", 25) == 0,
	    "blocked: %s", buf);
	cr_assert(strncmp(buf + 25, "SigIgn:\t", 8) == 0, "%s", buf);
	ign = strtoull(buf + 33, NULL, 16);
	cr_assert_eq(ign & ~0x180000000ULL, 0, "ignored: %s", buf);
	/* The caller's own mask is as it was. */
	sigprocmask(SIG_SETMASK, NULL, &set);
	cr_assert(sigismember(&set, SIGUSR1) && sigismember(&set, SIGCHLD));
}

Test(jobctl, descriptors_closed)
{
	char	d[64], script[128];
	char	*argv[] = { "sh", "-c", script, NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };
	int	fd;

	/* No O_CLOEXEC: these would leak without the close in the child. */
	fd = open("/dev/null", O_RDONLY);
	cr_assert(fd != -1);
	cr_assert(fcntl(300, F_GETFD) == -1 && errno == EBADF);
	cr_assert(dup2(fd, 300) == 300);
	snprintf(script, sizeof script,
	    "test -e /proc/self/fd/%d && exit 1; test -e /proc/self/fd/300 && "
	    "exit 2; exit 0", fd);
	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert_eq(run(&s).code, 0);
}

Test(jobctl, stdio_closed_in_agent)
{
	char	d[64], in[128], out[128], buf[256];
	char	*argv[] = { "sh", "-c", "cat; echo e >&2", NULL };
	char	err[256];
	pid_t	pid;
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };

	/* A daemon may run with 0-2 closed: the job's files land there. */
	tmpdir(d, sizeof d);
	spit(tpath(in, sizeof in, d, "in"), "i\n", 0644);
	s.iwd = d;
	s.input = in;
	s.output = tpath(out, sizeof out, d, "out");
	s.error = out;
	close(0);
	close(1);
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "i\ne\n");

	/* The status pipe must survive the dup2() onto 0-2. */
	s.executable = "/bin/nope";
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err, "exec /bin/nope: No such file or directory");
}

Test(jobctl, usage_reported)
{
	char	d[64];
	char	*argv[] = { "sh", "-c",
		    "i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = no_env };
	struct jobctl_result	r;

	tmpdir(d, sizeof d);
	s.iwd = d;
	r = run(&s);
	cr_assert_eq(r.code, 0);
	cr_assert_gt(r.utime_ms + r.stime_ms, 0);
	cr_assert_gt(r.maxrss_kb, 0);
}

Test(jobctl, reap_nothing)
{
	struct jobctl_result	res;
	pid_t			pid;

	cr_assert_eq(jobctl_reap(&pid, &res), -1);
	cr_assert_eq(errno, ECHILD);
}

Test(jobctl, switch_user)
{
	char	d[64], out[128], buf[256], err[256];
	char	*argv[] = { "sh", "-c", "id -u; id -g; id -G", NULL };
	char	*envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = envp, .switch_user = 1, .uid = 65534,
		    .gid = 65534 };
	struct stat	sb;
	pid_t		pid;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	tmpdir(d, sizeof d);
	cr_assert(chmod(d, 0777) == 0);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "65534\n65534\n65534\n");
	/* Opened as the user: the file is theirs. */
	cr_assert(stat(out, &sb) == 0);
	cr_assert_eq(sb.st_uid, 65534);

	/* ... and only where the user may write. */
	cr_assert(chmod(d, 0755) == 0);
	s.output = "out2";
	cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err, "open output out2: Permission denied");
}

/* The supplementary groups of the spec, and nothing more. */
Test(jobctl, switch_user_groups)
{
	char	d[64], out[128], buf[256];
	char	*argv[] = { "sh", "-c", "id -G", NULL };
	char	*envp[] = { "PATH=/usr/bin:/bin", NULL };
	gid_t	groups[] = { 65534, 100 };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = envp, .switch_user = 1, .uid = 65534,
		    .gid = 65534, .groups = groups, .ngroups = 2 };

	if (geteuid() != 0)
		cr_skip_test("needs root");
	tmpdir(d, sizeof d);
	cr_assert(chmod(d, 0777) == 0);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "65534 100\n");
}

/* A hidden directory is empty for the job only, and stays so after. */
Test(jobctl, hide_directories)
{
	char	d[64], out[128], hid[128], file[160], buf[256];
	char	*argv[] = { "sh", "-c", "ls -A \"$H\"; echo end; "
		    "touch \"$H/new\" 2>/dev/null || echo ro", NULL };
	char	env[200];
	char	*envp[] = { "PATH=/usr/bin:/bin", env, NULL };
	char	*hide[] = { hid, "/nonexistent-cq-test", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = envp, .hide = hide };
	struct stat	sb;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	tpath(hid, sizeof hid, d, "hidden");
	cr_assert(mkdir(hid, 0755) == 0);
	spit(tpath(file, sizeof file, hid, "secret"), "s\n", 0644);
	snprintf(env, sizeof env, "H=%s", hid);
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "end\nro\n");
	/* The agent's view is untouched. */
	cr_assert(stat(file, &sb) == 0);
}

/* --- containment ---------------------------------------------------------- */

/* Size of PATH, 0 if it is not there (yet). */
static off_t
fsize(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* State letter of PID from /proc/PID/stat, '-' if gone. */
static char
pstate(pid_t pid)
{
	char	path[64], buf[512], *p;
	int	fd;
	ssize_t	n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return '-';
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return '?';
	return p[2];
}

/* Autogroup nice of PID's session; 99 without autogroups. */
static int
ag_nice(pid_t pid)
{
	char		 path[64], buf[128], *p;
	const char	*errstr;
	int		 nice;

	snprintf(path, sizeof path, "/proc/%d/autogroup", (int)pid);
	if (access(path, R_OK) == -1)
		return 99;
	slurp(path, buf, sizeof buf);
	cr_assert_not_null(p = strstr(buf, " nice "), "%s", buf);
	p[6 + strcspn(p + 6, "\n")] = '\0';
	nice = strtonum(p + 6, -20, 19, &errstr);
	cr_assert_null(errstr, "%s: %s", path, buf);
	return nice;
}

/* Assert that every file of A grows (the processes writing them run). */
static void
assert_running(const char *const *a, int n)
{
	off_t	before[4];
	int	i, k, grown = 0;

	for (k = 0; k < n; k++)
		before[k] = fsize(a[k]);
	for (i = 0; i < WAIT_MS / 10 && grown != n; i++) {
		msleep(10);
		for (grown = 0, k = 0; k < n; k++)
			grown += fsize(a[k]) > before[k];
	}
	cr_assert_eq(grown, n, "%d of %d writers running", grown, n);
}

/* Wait until jobctl_frozen(PID), then assert nothing grows in 200 ms. */
static void
assert_frozen(pid_t pid, const char *const *a, int n)
{
	off_t	before[4];
	int	i, k;

	for (i = 0; i < WAIT_MS / 10 && !jobctl_frozen(pid); i++)
		msleep(10);
	cr_assert(jobctl_frozen(pid), "job %d not frozen", (int)pid);
	for (k = 0; k < n; k++)
		before[k] = fsize(a[k]);
	msleep(200);
	for (k = 0; k < n; k++)
		cr_assert_eq(fsize(a[k]), before[k], "%s grew while frozen",
		    a[k]);
}

/*
 * Reap until nothing is left; assert that the job (its init, PIDS[0]) was
 * reaped, killed by SIGKILL, and that each of PIDS is gone.
 */
static void
reap_all(const pid_t *pids, int n)
{
	struct jobctl_result	res;
	pid_t	p;
	int	i, k, r = 0, seen = 0;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if ((r = jobctl_reap(&p, &res)) == -1)
			break;
		if (r == 0) {
			msleep(10);
			continue;
		}
		if (p == pids[0]) {
			seen = 1;
			cr_assert_eq(res.signal, SIGKILL, "pid %d: signal %d",
			    (int)p, res.signal);
		}
	}
	cr_assert_eq(r, -1, "children left after %d ms", WAIT_MS);
	cr_assert_eq(errno, ECHILD);
	cr_assert(seen, "pid %d not reaped", (int)pids[0]);
	for (k = 0; k < n; k++)
		cr_assert(kill(pids[k], 0) == -1 && errno == ESRCH,
		    "pid %d lives", (int)pids[k]);
}

/* Start SCRIPT in a new temporary directory; the .fini kills it. */
static pid_t
start(char *d, size_t dlen, char *script)
{
	char	*argv[] = { "sh", "-c", script, NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env };
	char	err[256];
	pid_t	pid;

	tmpdir(d, dlen);
	s.iwd = d;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cr_assert(ntracked < MAX_TRACKED);
	tracked[ntracked++] = pid;
	return pid;
}

/* A pid the job wrote to D/NAME. */
static pid_t
read_pid(const char *d, const char *name)
{
	char		 path[128], buf[64];
	const char	*errstr;
	pid_t		 pid;

	wait_line(tpath(path, sizeof path, d, name), buf, sizeof buf);
	*strchr(buf, '\n') = '\0';
	pid = strtonum(buf, 2, INT_MAX, &errstr);
	cr_assert_null(errstr, "pid %s: %s", buf, errstr);
	return pid;
}

/*
 * jobctl_init() under ENV=1 (if ENV); skip unless the containment is WANT
 * (NULL: any with cgroups).
 */
static void
init_mechanism(const char *env, const char *want)
{
	const char	*m;

	if (env != NULL)
		cr_assert(setenv(env, "1", 1) == 0);
	cr_assert_eq(jobctl_init(), 0);
	m = jobctl_mechanism();
	if (want != NULL ? strcmp(m, want) != 0 :
	    strcmp(m, "process groups only") == 0)
		cr_skip_test("containment here is \"%s\", not \"%s\"%s", m,
		    want != NULL ? want : "cgroups",
		    geteuid() != 0 ? " (not root)" : "");
}

/*
 * A job whose grandchild leaves the process group and session (setsid)
 * and both keep appending to a file: freeze stops both, thaw restarts
 * both, and a kill while frozen takes both.  Then the cgroups go.
 */
static void
escapee_tree(void)
{
	char	d[64], c1[128], c2[128], dirs[5][PATH_MAX];
	char	script[] = MYPID " > lpid; (exec setsid sh -c '"
		    "read -r p x < /proc/self/stat; echo $p > gpid; "
		    "while :; do echo x >> c2; done') & "
		    "while :; do echo x >> c1; done";
	const char *const hier[5] = { "unified", "freezer", "memory", "pids",
		    "cpuacct" };
	const char *files[2];
	pid_t	pids[3], leader;
	struct stat	sb;
	int	i, ndirs = 0;

	pids[0] = start(d, sizeof d, script);
	pids[1] = read_pid(d, "gpid");
	pids[2] = leader = read_pid(d, "lpid");
	cr_assert_eq(getsid(pids[1]), pids[1], "the grandchild did not escape");
	cr_assert_neq(getpgid(pids[1]), pids[0]);
	cr_assert_neq(getpgid(pids[1]), leader);
	cr_assert_eq(jobctl_contained(pids[0]), 1);
	for (i = 0; i < 5; i++)
		if (jobctl_cgroup_dir(pids[0], hier[i], dirs[ndirs],
		    sizeof dirs[ndirs]) == 0)
			cr_assert(stat(dirs[ndirs++], &sb) == 0);
	cr_assert_geq(ndirs, 1);

	files[0] = tpath(c1, sizeof c1, d, "c1");
	files[1] = tpath(c2, sizeof c2, d, "c2");
	assert_running(files, 2);
	cr_assert_eq(jobctl_freeze(pids[0]), 0);
	assert_frozen(pids[0], files, 2);
	if (ag_nice(leader) != 99)	/* boosted while frozen */
		cr_assert_eq(ag_nice(leader), -20);
	if (strcmp(jobctl_mechanism(), "v1 freezer") == 0)
		for (i = 0; i < 3; i++)
			cr_assert(strchr("DT", pstate(pids[i])) != NULL,
			    "pid %d state %c", (int)pids[i], pstate(pids[i]));
	cr_assert_eq(jobctl_thaw(pids[0]), 0);
	assert_running(files, 2);
	if (ag_nice(leader) != 99)
		cr_assert_eq(ag_nice(leader), 19, "not back to the job's own 19");

	cr_assert_eq(jobctl_freeze(pids[0]), 0);
	assert_frozen(pids[0], files, 2);
	cr_assert_eq(jobctl_kill(pids[0]), 0);
	reap_all(pids, 3);

	cr_assert_eq(jobctl_release(pids[0]), 0);
	cr_assert_eq(jobctl_contained(pids[0]), 0);
	for (i = 0; i < ndirs; i++)
		cr_assert(stat(dirs[i], &sb) == -1 && errno == ENOENT,
		    "%s is still there", dirs[i]);
}

Test(jobctl, cgroup2_freezes_and_kills_escapee)
{
	init_mechanism(NULL, "cgroup2 freeze+kill");
	escapee_tree();
}

Test(jobctl, v1_freezer_freezes_and_kills_escapee)
{
	init_mechanism("CQ_JOBCTL_NO_CGROUP2", "v1 freezer");
	escapee_tree();
}

/* Without cgroups: SIGSTOP, SIGCONT and SIGKILL to a 3-process group. */
Test(jobctl, process_group_fallback)
{
	char	d[64], c1[128], c2[128];
	char	script[] = MYPID " > p3; "
		    "(" MYPID " > p1; while :; do echo x >> c1; done) & "
		    "(" MYPID " > p2; while :; do echo x >> c2; done) & wait";
	const char *files[2];
	pid_t	pids[4], init;
	int	i;

	init_mechanism("CQ_JOBCTL_NO_CGROUP", "process groups only");
	init = pids[3] = start(d, sizeof d, script);
	pids[0] = read_pid(d, "p3");		/* the job's leader */
	pids[1] = read_pid(d, "p1");
	pids[2] = read_pid(d, "p2");
	cr_assert_eq(jobctl_contained(init), 0);
	for (i = 1; i < 3; i++)
		cr_assert_eq(getpgid(pids[i]), pids[0]);
	files[0] = tpath(c1, sizeof c1, d, "c1");
	files[1] = tpath(c2, sizeof c2, d, "c2");
	assert_running(files, 2);

	cr_assert_eq(jobctl_freeze(init), 0);
	assert_frozen(init, files, 2);
	for (i = 0; i < 3; i++)
		cr_assert_eq(pstate(pids[i]), 'T', "pid %d state %c",
		    (int)pids[i], pstate(pids[i]));
	if (ag_nice(pids[0]) != 99)
		cr_assert_eq(ag_nice(pids[0]), -20);
	cr_assert_eq(jobctl_thaw(init), 0);
	assert_running(files, 2);
	if (ag_nice(pids[0]) != 99)
		cr_assert_eq(ag_nice(pids[0]), 19, "not back to the job's own 19");
	for (i = 0; i < 3; i++)
		cr_assert_neq(pstate(pids[i]), 'T');

	pids[0] = init;
	pids[3] = read_pid(d, "p3");
	cr_assert_eq(jobctl_kill(init), 0);
	reap_all(pids, 4);
	cr_assert_eq(jobctl_kill(init), -1);
	cr_assert_eq(errno, ESRCH);
	cr_assert_eq(jobctl_release(init), 0);	/* nothing to remove */
}

/* What the job touches is charged to its own v1 memory cgroup. */
Test(jobctl, memory_charged_to_job)
{
	char	d[64], dir[PATH_MAX], path[PATH_MAX + 32], buf[4096];
	/* The v1 groups are joined just after the exec (with cgroup2). */
	char	script[] = "while ! grep -q 'memory:.*cq-jobs' "
		    "/proc/self/cgroup; do sleep 0.01; done; "
		    "dd if=/dev/zero bs=20M count=1 iflag=fullblock "
		    "status=none | sleep 100";
	const char	*errstr, *name;
	long long	 usage = 0;
	pid_t	pid;
	int	i;

	init_mechanism(NULL, NULL);
	pid = start(d, sizeof d, script);
	if (jobctl_cgroup_dir(pid, "memory", dir, sizeof dir) == -1)
		cr_skip_test("no v1 memory controller here");

	/* The job's init joined (after the exec, with cgroup2): /proc says so. */
	name = strrchr(dir, '/');
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	for (i = 0; i < WAIT_MS / 10; i++) {
		slurp(path, buf, sizeof buf);
		if (strstr(buf, name) != NULL)
			break;
		msleep(10);
	}
	cr_assert(strstr(buf, name) != NULL, "%s not in\n%s", name, buf);

	snprintf(path, sizeof path, "%s/memory.usage_in_bytes", dir);
	for (i = 0; i < WAIT_MS / 10; i++) {
		slurp(path, buf, sizeof buf);
		buf[strcspn(buf, "\n")] = '\0';
		usage = strtonum(buf, 0, LLONG_MAX, &errstr);
		cr_assert_null(errstr, "%s: %s", path, buf);
		if (usage > 20LL << 20)
			break;
		msleep(10);
	}
	cr_assert_gt(usage, 20LL << 20, "usage_in_bytes %lld", usage);

	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &(struct jobctl_result){ 0 });
}

/*
 * A memory limit in the job's memory cgroup: a job that touches more is
 * OOM-killed, and the reap says so, with the limit and the peak.  One
 * within its limit shows no OOM kill.
 */
Test(jobctl, memory_limit_oom_reported)
{
	char	d[64];
	char	*big[] = { "sh", "-c", "dd if=/dev/zero bs=60M count=1 "
		    "iflag=fullblock status=none | cat > /dev/null", NULL };
	char	*small[] = { "sh", "-c", "dd if=/dev/zero bs=4M count=1 "
		    "iflag=fullblock status=none | cat > /dev/null", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = big,
		    .envp = path_env, .memory_mb = 20 };
	struct jobctl_result	res;
	char	err[256];
	pid_t	pid;

	init_mechanism(NULL, NULL);
	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	if (jobctl_cgroup_dir(pid, "memory", err, sizeof err) == -1) {
		jobctl_kill(pid);
		wait_job(pid, &res);
		cr_skip_test("no v1 memory controller here");
	}
	wait_job(pid, &res);
	cr_assert_gt(res.oom_kills, 0, "no OOM kill (code %d)", res.code);
	cr_assert_eq(res.mem_limit_kb, 20 * 1024);
	cr_assert_geq(res.mem_peak_kb, 15 * 1024, "peak %lld KiB",
	    (long long)res.mem_peak_kb);

	s.argv = small;
	res = run(&s);
	cr_assert_eq(res.code, 0);
	cr_assert_eq(res.oom_kills, 0);
}

/* Without cgroups, a memory the job asked for is its RLIMIT_DATA. */
Test(jobctl, memory_rlimit_without_cgroup)
{
	char	d[64];
	char	*argv[] = { "sh", "-c", "dd if=/dev/zero bs=60M count=1 "
		    "iflag=fullblock status=none of=/dev/null", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env, .memory_mb = 20, .memory_asked = 1 };

	init_mechanism("CQ_JOBCTL_NO_CGROUP", "process groups only");
	tmpdir(d, sizeof d);
	s.iwd = d;
	cr_assert_neq(run(&s).code, 0, "dd got 60 MB under a 20 MB rlimit");
	/* The slot's share, not asked for: no rlimit. */
	s.memory_asked = 0;
	cr_assert_eq(run(&s).code, 0);
}

/*
 * Without a pids cgroup, a job whose uid is its own (a slot user's) gets
 * max_pids as RLIMIT_NPROC: forks past it fail.  (uid 65533: nobody's
 * processes would count.)
 */
Test(jobctl, pids_rlimit_without_cgroup)
{
	char	d[64], out[128], buf[512];
	char	*argv[] = { "sh", "-c", "for i in 1 2 3 4 5 6 7 8; do "
		    "sleep 1 & done; wait", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env, .switch_user = 1, .uid = 65533,
		    .gid = 65533, .max_pids = 4, .nproc_ok = 1 };

	if (geteuid() != 0)
		cr_skip_test("needs root");
	init_mechanism("CQ_JOBCTL_NO_CGROUP", "process groups only");
	tmpdir(d, sizeof d);
	cr_assert(chmod(d, 0777) == 0);
	s.iwd = d;
	s.output = s.error = tpath(out, sizeof out, d, "out");
	cr_assert_neq(run(&s).code, 0);
	cr_assert(strstr(slurp(out, buf, sizeof buf), "fork") != NULL,
	    "no failed fork: %s", buf);
	/* Not a slot user's uid: the count is not the job's alone. */
	s.nproc_ok = 0;
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "");
}

/*
 * The cgroups stay while any process of the job lives, even after the
 * leader was reaped; jobctl_kill() still reaches the escapee then, and
 * jobctl_release() removes the directories once it has died.
 */
Test(jobctl, release_removes_cgroups)
{
	char	d[64], dirs[5][PATH_MAX];
	char	script[] = "setsid sh -c '" MYPID " > gpid; exec sleep 100' & "
		    "sleep 100";
	const char *const hier[5] = { "unified", "freezer", "memory", "pids",
		    "cpuacct" };
	struct jobctl_result	res;
	struct stat	sb;
	pid_t	pid, gpid;
	int	i, ndirs = 0;

	init_mechanism(NULL, NULL);
	pid = start(d, sizeof d, script);
	gpid = read_pid(d, "gpid");
	for (i = 0; i < 5; i++)
		if (jobctl_cgroup_dir(pid, hier[i], dirs[ndirs],
		    sizeof dirs[ndirs]) == 0)
			cr_assert(stat(dirs[ndirs++], &sb) == 0);
	cr_assert_geq(ndirs, 2);
	cr_assert_eq(jobctl_contained(pid), 1);
	cr_assert_eq(jobctl_release(pid), -1);	/* it runs */
	cr_assert_eq(errno, EBUSY);
	for (i = 0; i < ndirs; i++)
		cr_assert(stat(dirs[i], &sb) == 0);

	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.signal, SIGKILL);
	cr_assert(kill(gpid, 0) == -1 && errno == ESRCH);
	for (i = 0; i < WAIT_MS / 10 && jobctl_release(pid) == -1; i++)
		msleep(10);
	cr_assert_eq(jobctl_release(pid), 0);
	cr_assert_eq(jobctl_contained(pid), 0);
	for (i = 0; i < ndirs; i++)
		cr_assert(stat(dirs[i], &sb) == -1 && errno == ENOENT,
		    "%s is still there", dirs[i]);
}

/* Each agent's jobs are in a subtree of its own, named as it says. */
Test(jobctl, subtree_per_agent)
{
	char	d[64], dir[PATH_MAX];
	pid_t	pid;

	jobctl_ident("my agent/1");
	init_mechanism(NULL, NULL);
	pid = start(d, sizeof d, "sleep 100");
	cr_assert(jobctl_cgroup_dir(pid, "unified", dir, sizeof dir) == 0 ||
	    jobctl_cgroup_dir(pid, "freezer", dir, sizeof dir) == 0);
	*strrchr(dir, '/') = '\0';
	cr_assert(strlen(dir) > 19 && strcmp(dir + strlen(dir) - 19,
	    "/cq-jobs/my_agent_1") == 0, "%s", dir);
}

/* A spawn that fails leaves no cgroup behind; a good one leaves one. */
Test(jobctl, failed_spawn_leaves_no_cgroup)
{
	char	d[64], dir[PATH_MAX], prefix[32], err[256];
	char	*argv[] = { "nope", NULL };
	struct jobctl_spec	s = { .executable = "/bin/nope", .argv = argv,
		    .envp = no_env };
	struct dirent	*de;
	DIR	*dp;
	pid_t	pid;
	int	i, n = 0;

	init_mechanism(NULL, NULL);
	s.iwd = "/";
	for (i = 0; i < 3; i++)
		cr_assert_eq(jobctl_spawn(&s, &pid, err, sizeof err), -1);
	cr_assert_str_eq(err, "exec /bin/nope: No such file or directory");

	pid = start(d, sizeof d, "sleep 100");
	cr_assert(jobctl_cgroup_dir(pid, "unified", dir, sizeof dir) == 0 ||
	    jobctl_cgroup_dir(pid, "freezer", dir, sizeof dir) == 0);
	*strrchr(dir, '/') = '\0';		/* .../cq-jobs */
	snprintf(prefix, sizeof prefix, "%d.", (int)getpid());
	cr_assert_not_null(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(dp);
	cr_assert_eq(n, 1, "%d groups of ours in %s", n, dir);
}

Test(jobctl, containment_refuses_bad_pgid)
{
	cr_assert_eq(jobctl_freeze(1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(jobctl_thaw(0), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(jobctl_kill(-3), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(jobctl_contained(1), 0);
	cr_assert_eq(jobctl_frozen(0), 0);
}

Test(jobctl, job_runs_at_lowest_priority)
{
	char	d[64], out[128], buf[64];
	char	*argv[] = { "nice", NULL };
	struct jobctl_spec	s = { .executable = "/usr/bin/nice",
		    .argv = argv, .envp = no_env };

	/* The owner's programs and the agent must always win the CPU. */
	tmpdir(d, sizeof d);
	s.iwd = d;
	s.output = tpath(out, sizeof out, d, "out");
	cr_assert_eq(run(&s).code, 0);
	cr_assert_str_eq(slurp(out, buf, sizeof buf), "19\n");
}

/* The group of job PID in HIER, into BUF (NUL if none). */
static void
cgdir(pid_t pid, const char *hier, char *buf, size_t len)
{
	if (jobctl_cgroup_dir(pid, hier, buf, len) == -1)
		buf[0] = '\0';
}

/* jobctl_spawn() of SPEC, its memory and pids groups, then its end. */
static struct jobctl_result
run_in(const struct jobctl_spec *spec, char *mem, char *pids, size_t len)
{
	struct jobctl_result	res;
	char			err[256];
	pid_t			pid;

	cr_assert(jobctl_spawn(spec, &pid, err, sizeof err) == 0, "%s", err);
	cgdir(pid, "memory", mem, len);
	cgdir(pid, "pids", pids, len);
	wait_job(pid, &res);
	cr_assert_eq(jobctl_release(pid), 0);
	return res;
}

/*
 * The groups of a job that ended by itself serve the next job
 * (jobctl-pool.c), with the next job's limits, not the last one's; a job
 * killed through its groups gets them removed, and the job after it new
 * ones that work.
 */
Test(jobctl, pool_reuses_clean_groups)
{
	char	d[64], m1[PATH_MAX], p1[PATH_MAX], m2[PATH_MAX], p2[PATH_MAX];
	char	path[PATH_MAX + 32], buf[64];
	char	*argv[] = { "sh", "-c", "exit 0", NULL };
	char	*slow[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env, .memory_mb = 64, .max_pids = 50 };
	struct jobctl_result	res;
	struct stat	sb;
	char	err[256];
	pid_t	pid;

	init_mechanism(NULL, NULL);
	tmpdir(d, sizeof d);
	s.iwd = d;
	res = run_in(&s, m1, p1, sizeof m1);
	if (m1[0] == '\0' || p1[0] == '\0')
		cr_skip_test("no v1 memory and pids groups here");
	cr_assert_eq(res.code, 0);
	cr_assert(stat(m1, &sb) == 0, "%s removed: not pooled", m1);

	/* No limits asked: the old ones are lifted. */
	s.memory_mb = 0;
	s.max_pids = 0;
	s.argv = (char *[]){ "sh", "-c", "cat /proc/self/cgroup > cg", NULL };
	res = run_in(&s, m2, p2, sizeof m2);
	cr_assert_eq(res.code, 0);
	cr_assert_str_eq(m2, m1, "a new memory group: %s", m2);
	cr_assert_str_eq(p2, p1);
	snprintf(path, sizeof path, "%s/pids.max", p2);
	cr_assert_str_eq(slurp(path, buf, sizeof buf), "max\n");
	snprintf(path, sizeof path, "%s/memory.limit_in_bytes", m2);
	cr_assert_gt(strtoll(slurp(path, buf, sizeof buf), NULL, 10),
	    (long long)1 << 50, "limit %s", buf);

	/* A limit again, lower than none and higher than the first. */
	s.memory_mb = 96;
	s.max_pids = 7;
	res = run_in(&s, m2, p2, sizeof m2);
	cr_assert_str_eq(m2, m1);
	cr_assert_eq(res.mem_limit_kb, 96 * 1024);
	snprintf(path, sizeof path, "%s/pids.max", p2);
	cr_assert_str_eq(slurp(path, buf, sizeof buf), "7\n");

	/* Killed through its groups: removed, and the next job runs. */
	s.executable = "/bin/sleep";
	s.argv = slow;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cgdir(pid, "memory", m2, sizeof m2);
	cr_assert_str_eq(m2, m1);
	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &res);
	cr_assert_eq(res.signal, SIGKILL);
	cr_assert_eq(jobctl_release(pid), 0);
	cr_assert(stat(m1, &sb) == -1 && errno == ENOENT,
	    "%s kept after a kill", m1);
	s.executable = "/bin/sh";
	s.argv = argv;
	res = run_in(&s, m2, p2, sizeof m2);
	cr_assert_eq(res.code, 0, "the job after a kill: code %d signal %d",
	    res.code, res.signal);
	cr_assert_str_neq(m2, m1);
}

/* How many of our descriptors are open on files under DIR; the lowest
 * number of them into *LOW. */
static int
fds_under(const char *dir, int *low)
{
	char		 link[64], target[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 n;
	size_t		 len = strlen(dir);
	int		 count = 0, fd;

	*low = INT_MAX;
	cr_assert((d = opendir("/proc/self/fd")) != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		if ((n = readlink(link, target, sizeof target - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, dir, len) == 0 && (target[len] == '/' ||
		    target[len] == '\0')) {
			count++;
			if (fd < *low)
				*low = fd;
		}
	}
	closedir(d);
	return count;
}

/*
 * A pooled set keeps the control files its jobs' starts and ends use
 * open (jobctl-keep.c), high above what a job's init inherits, and
 * reads them afresh for each job; they close when the set goes.
 */
Test(jobctl, pool_keeps_control_files_open)
{
	char	d[64], m1[PATH_MAX], p1[PATH_MAX], m2[PATH_MAX], p2[PATH_MAX];
	char	*argv[] = { "sh", "-c", "n=$(ls /proc/self/fd | wc -l); "
		    "test $n -le 4 || { ls -l /proc/self/fd; exit 3; }", NULL };
	char	*big[] = { "dd", "if=/dev/zero", "of=/dev/null", "bs=12M",
		    "count=1", "status=none", NULL };
	char	*slow[] = { "sleep", "100", NULL };
	struct jobctl_spec	s = { .executable = "/bin/sh", .argv = argv,
		    .envp = path_env, .memory_mb = 64 };
	struct jobctl_result	res;
	char	err[256];
	pid_t	pid;
	int	low;

	init_mechanism(NULL, NULL);
	tmpdir(d, sizeof d);
	s.iwd = d;
	res = run_in(&s, m1, p1, sizeof m1);
	if (m1[0] == '\0')
		cr_skip_test("no v1 memory group here");
	cr_assert_eq(res.code, 0, "the job saw more than its own files");
	cr_assert_gt(fds_under(m1, &low), 0, "nothing of %s kept open", m1);
	cr_assert_geq(low, 64, "kept at %d: not above the others", low);

	/* The next job on the set: its own figures, read afresh. */
	s.executable = "/bin/dd";
	s.argv = big;
	res = run_in(&s, m2, p2, sizeof m2);
	cr_assert_str_eq(m2, m1);
	cr_assert_eq(res.code, 0);
	cr_assert_gt(res.mem_peak_kb, 10000, "peak %lld kB",
	    (long long)res.mem_peak_kb);
	s.executable = "/bin/sh";
	s.argv = argv;
	res = run_in(&s, m2, p2, sizeof m2);
	cr_assert_str_eq(m2, m1);
	cr_assert_eq(res.code, 0);
	cr_assert_lt(res.mem_peak_kb, 10000, "the last job's peak: %lld kB",
	    (long long)res.mem_peak_kb);

	/* Killed through its groups: removed, its files closed. */
	s.executable = "/bin/sleep";
	s.argv = slow;
	cr_assert(jobctl_spawn(&s, &pid, err, sizeof err) == 0, "%s", err);
	cgdir(pid, "memory", m2, sizeof m2);
	cr_assert_str_eq(m2, m1);
	cr_assert_eq(jobctl_kill(pid), 0);
	wait_job(pid, &res);
	cr_assert_eq(jobctl_release(pid), 0);
	cr_assert_eq(fds_under(m1, &low), 0, "%s removed, files kept", m1);
}
