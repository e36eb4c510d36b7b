/*
 * criu.c: transparent checkpoints with CRIU, behind criu.h.  criu runs as
 * a child of the agent: `criu check` once per binary, `criu dump` of a
 * job's tree, and `criu restore --restore-detached --restore-sibling`,
 * which makes the restored tree's root a child of the agent itself (not
 * of criu, whose exit would otherwise fire the job's parent-death signal)
 * and so lets the ordinary reaper collect it.  The restore is started
 * through jobctl_spawn() as a bare job (no init of its own: the tree
 * must be the agent's child), so criu, and the tree it forks, are in
 * fresh cgroups of the job's own; jobctl_adopt() then names the job by
 * its new leader.  Cgroups are left out of the image (--manage-cgroups=ignore):
 * the restoring agent's own are the right ones.
 *
 * CRIU refuses to restore a file whose size differs from the dump's (a
 * job's stdout, typically, when an image is restored after the job ran
 * on), so the dump records the size of every regular file the tree holds
 * open (IMGDIR/cq-files, "SIZE PATH" lines, written atomically) and the
 * restore cuts longer files back to it.  The sizes must be those of the
 * image: a job with a v1 freezer cgroup is frozen there before they are
 * taken and stays frozen through the dump (--freeze-cgroup; criu leaves
 * a cgroup frozen that it found frozen); one without is measured after
 * the dump, exact when criu killed it.  criu hangs on a task frozen by
 * cgroup2, so a job suspended that way is thawed there once v1 holds it.
 *
 * Two forms: criu_dump() / criu_restore() wait for criu by its pid
 * (bounded by CRIU_TIMEOUT_MS, then killed), so the agent's reaper never
 * sees it; the _start() forms return at once and the caller's reaper
 * hands criu's exit to criu_op_done().  Either way the restored tree is
 * left stopped (--leave-stopped) until it is adopted as a job, so its
 * exit is never an unknown child's.  criu runs at nice 19, like the jobs
 * it works for.  Callers: the agent's vacate and start paths,
 * tests/lib/criurun.c.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "criu.h"
#include "jobctl.h"
#include "log.h"
#include "xmalloc.h"

#define CRIU_TIMEOUT_MS	(10 * 60 * 1000)	/* a dump of many GiB */
#define CRIU_CHECK_MS	(30 * 1000)
#define CRIU_MAXPROCS	4096		/* processes of one tree we walk */
#define CRIU_MAXFILES	1024		/* open files we record */
#define CRIU_FILES	"cq-files"
#define CRIU_PIDFILE	"restore.pid"

extern char	**environ;

/* The answer of criu_available() for the last path asked about. */
static struct {
	char	path[PATH_MAX];
	int	known;
	int	ok;
} criu_cache;

/* Fill ERR with the formatted message, if there is room. */
static void __attribute__((format(printf, 3, 4)))
criu_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
criu_msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Wait for criu (PID) for at most MS; its exit status, or -1 if it had
 * to be killed.  By pid, so no job's exit is taken from the reaper.
 */
static int
criu_wait(pid_t pid, long ms)
{
	long	waited = 0;
	pid_t	r;
	int	st;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == pid)
			return st;
		if (r == -1)
			return -1;
		if (waited >= ms) {
			log_warnx("criu: pid %ld still running after %ld ms: "
			    "killing it", (long)pid, waited);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
			return -1;
		}
		/* Short at first: a check or a small dump takes ~100 ms. */
		criu_msleep(waited < 200 ? 2 : 10);
		waited += waited < 200 ? 2 : 10;
	}
}

/*
 * Start criu with ARGV in DIR (NULL: stay), its output appended to OUT
 * (NULL: /dev/null); its pid, or -1.  Not a job: no cgroups of its own.
 */
static pid_t
criu_fork(char *const argv[], const char *dir, const char *out)
{
	sigset_t	 all, old;
	pid_t		 pid;
	int		 fd, sig, saved;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = fork()) == 0) {
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				(void)signal(sig, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (dir != NULL && chdir(dir) == -1)
			_exit(126);
		/* Work for a job: it yields to the owner as the job does. */
		(void)setpriority(PRIO_PROCESS, 0, 19);
		if ((fd = open("/dev/null", O_RDWR)) == -1 || dup2(fd, 0) == -1)
			_exit(126);
		if (out != NULL)
			fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
			_exit(126);
		closefrom(3);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return pid;
}

/* criu_fork() and criu_wait(): the exit status, or -1. */
static int
criu_run(char *const argv[], const char *dir, const char *out, long ms)
{
	pid_t	pid;

	if ((pid = criu_fork(argv, dir, out)) == -1)
		return -1;
	return criu_wait(pid, ms);
}

/* "exit N" / "signal N" for a criu_run() status. */
static const char *
criu_status_str(int st, char *buf, size_t len)
{
	if (st == -1)
		strlcpy(buf, "did not finish in time", len);
	else if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d", WTERMSIG(st));
	else
		strlcpy(buf, "stopped", len);
	return buf;
}

/* Whether criu works here; see criu.h. */
int
criu_available(const char *criu_path)
{
	char	*argv[] = { NULL, "check", NULL }, why[64];
	int	 st;

	if (criu_path == NULL || *criu_path == '\0')
		return 0;
	if (criu_cache.known && strcmp(criu_cache.path, criu_path) == 0)
		return criu_cache.ok;
	strlcpy(criu_cache.path, criu_path, sizeof criu_cache.path);
	criu_cache.known = 1;
	criu_cache.ok = 0;
	if (access(criu_path, X_OK) == -1) {
		log_warn("criu: %s", criu_path);
		return 0;
	}
	argv[0] = (char *)criu_path;
	st = criu_run(argv, NULL, NULL, CRIU_CHECK_MS);
	criu_cache.ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (criu_cache.ok)
		log_info("criu: %s check passed: transparent checkpoints on",
		    criu_path);
	else
		log_warnx("criu: %s check failed (%s): no transparent "
		    "checkpoints", criu_path,
		    criu_status_str(st, why, sizeof why));
	return criu_cache.ok;
}

/* Append the children of every thread of PID to PIDS (bounded). */
static void
criu_children(pid_t pid, pid_t *pids, size_t *n)
{
	char		 path[64], buf[4096], *p, *tok;
	const char	*errstr;
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	pid_t		 c;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && *n < CRIU_MAXPROCS) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path,
		    "/proc/%ld/task/%s/children", (long)pid, de->d_name) >=
		    sizeof path || (f = fopen(path, "re")) == NULL)
			continue;
		while (fgets(buf, sizeof buf, f) != NULL) {
			p = buf;
			while ((tok = strsep(&p, " \n")) != NULL &&
			    *n < CRIU_MAXPROCS) {
				c = strtonum(tok, 2, INT_MAX, &errstr);
				if (*tok != '\0' && errstr == NULL)
					pids[(*n)++] = c;
			}
		}
		fclose(f);
	}
	closedir(d);
}

/* Add PATH to FILES unless it is there; 0, or -1 when full. */
static int
criu_file_add(char **files, size_t *n, const char *path)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp(files[i], path) == 0)
			return 0;
	if (*n == CRIU_MAXFILES)
		return -1;
	files[(*n)++] = xstrdup(path);
	return 0;
}

/* The regular files open in the tree of PID into FILES; their count. */
static size_t
criu_open_files(pid_t pid, char **files)
{
	pid_t		*pids;
	char		 dir[64], fdpath[128], target[PATH_MAX];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	size_t		 np = 1, i, nf = 0;
	ssize_t		 len;

	pids = xcalloc(CRIU_MAXPROCS, sizeof *pids);
	pids[0] = pid;
	for (i = 0; i < np; i++)
		criu_children(pids[i], pids, &np);
	for (i = 0; i < np; i++) {
		snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pids[i]);
		if ((d = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(fdpath, sizeof fdpath, "%s/%s",
			    dir, de->d_name) >= sizeof fdpath ||
			    stat(fdpath, &sb) == -1 || !S_ISREG(sb.st_mode))
				continue;
			len = readlink(fdpath, target, sizeof target - 1);
			if (len <= 0 || target[0] != '/')
				continue;
			target[len] = '\0';
			/* Deleted files and odd names are criu's own business. */
			if (strchr(target, '\n') != NULL ||
			    strstr(target, " (deleted)") != NULL)
				continue;
			if (criu_file_add(files, &nf, target) == -1)
				log_warnx("criu: more than %d open files: "
				    "the rest is not recorded", CRIU_MAXFILES);
		}
		closedir(d);
	}
	free(pids);
	return nf;
}

/* Write "SIZE PATH" for each of FILES to IMGDIR/cq-files; 0 or -1. */
static int
criu_files_write(const char *imgdir, char **files, size_t nf)
{
	char		 tmp[PATH_MAX], path[PATH_MAX];
	struct stat	 sb;
	size_t		 i;
	FILE		*f;
	int		 ok;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", imgdir,
	    CRIU_FILES) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "we")) == NULL)
		return -1;
	for (i = 0; i < nf; i++)
		if (stat(files[i], &sb) == 0 && S_ISREG(sb.st_mode))
			fprintf(f, "%lld %s\n", (long long)sb.st_size,
			    files[i]);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0 || !ok || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Cut the files named in IMGDIR/cq-files back to their recorded size;
 * 0, or -1 with ERR if one is missing or shorter (criu would refuse).
 */
static int
criu_files_fix(const char *imgdir, char *err, size_t errlen)
{
	char		 path[PATH_MAX], line[PATH_MAX + 32], *sp;
	const char	*errstr;
	struct stat	 sb;
	long long	 size;
	FILE		*f;
	int		 r = 0;

	snprintf(path, sizeof path, "%s/%s", imgdir, CRIU_FILES);
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (r == 0 && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		size = strtonum(line, 0, LLONG_MAX, &errstr);
		if (errstr != NULL || *sp != '/')
			continue;
		if (stat(sp, &sb) == -1) {
			criu_err(err, errlen, "criu restore: %s: %s", sp,
			    strerror(errno));
			r = -1;
		} else if (sb.st_size < size) {
			criu_err(err, errlen, "criu restore: %s has %lld "
			    "bytes, the image needs %lld", sp,
			    (long long)sb.st_size, size);
			r = -1;
		} else if (sb.st_size > size && truncate(sp, size) == -1) {
			criu_err(err, errlen, "criu restore: truncate %s: %s",
			    sp, strerror(errno));
			r = -1;
		}
	}
	fclose(f);
	return r;
}

#define CRIU_FREEZE_MS	3000	/* for the v1 freezer to stop the job */

/*
 * Stop job PID in its v1 freezer cgroup (its directory in DIR) and
 * release a cgroup2 freeze of it; 0, or -1 if it did not stop in time.
 */
static int
criu_freeze(pid_t pid, const char *dir)
{
	char	path[PATH_MAX], buf[32], cg2[PATH_MAX];
	int	fd, ms;
	ssize_t	n;

	if ((size_t)snprintf(path, sizeof path, "%s/freezer.state", dir) >=
	    sizeof path)
		return -1;
	for (ms = 0; ms < CRIU_FREEZE_MS; ms += 2) {
		if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
			return -1;
		if (ms == 0 && write(fd, "FROZEN", 6) != 6) {
			close(fd);
			return -1;
		}
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strncmp(buf, "FROZEN", 6) == 0)
			break;
		criu_msleep(2);
	}
	if (ms >= CRIU_FREEZE_MS)
		return -1;
	if (jobctl_cgroup_dir(pid, "unified", cg2, sizeof cg2) == 0)
		(void)jobctl_thaw(pid);
	return 0;
}

/* Write STATE to DIR/freezer.state; errors are logged. */
static void
criu_freezer_set(const char *dir, const char *state)
{
	char	path[PATH_MAX];
	int	fd;

	if ((size_t)snprintf(path, sizeof path, "%s/freezer.state", dir) >=
	    sizeof path) {
		log_warnx("criu: %s: name too long", dir);
		return;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 ||
	    write(fd, state, strlen(state)) != (ssize_t)strlen(state))
		log_warn("criu: %s", path);
	if (fd != -1)
		close(fd);
}

/*
 * A dump or restore in progress.  Dump: criu runs, the job is frozen (or
 * being dumped).  Restore: criu runs as a job of ours, in the new job's
 * cgroups, and leaves the restored tree stopped, so it cannot end before
 * criu_op_done() has made it a job (jobctl_adopt()) and let it go.
 */
struct criu_op {
	int	 restore;
	pid_t	 cpid;			/* criu */
	pid_t	 job;
	char	 imgdir[PATH_MAX];
	char	 freezer[PATH_MAX];	/* "" if the job has none */
	int	 suspended;		/* it was frozen before the dump */
	int	 leave;			/* --leave-running */
	char	*files[CRIU_MAXFILES];	/* open when the dump began */
	size_t	 nf;
};

static void
criu_op_free(struct criu_op *op)
{
	size_t	i;

	for (i = 0; i < op->nf; i++)
		free(op->files[i]);
	free(op);
}

/* Put the job back as it was: suspended jobs stay so (cgroup2 or v1). */
static void
criu_op_unfreeze(struct criu_op *op)
{
	char	cg2[PATH_MAX];

	if (op->freezer[0] == '\0')
		return;
	if (op->suspended)
		(void)jobctl_freeze(op->job);
	if (!op->suspended || jobctl_cgroup_dir(op->job, "unified", cg2,
	    sizeof cg2) == 0)
		criu_freezer_set(op->freezer, "THAWED");
}

/* Start dumping job PID's tree into IMGDIR; see criu.h. */
struct criu_op *
criu_dump_start(const char *criu_path, pid_t pid, const char *imgdir,
    const struct criu_dump_opts *opts, char *err, size_t errlen)
{
	struct criu_op	*op;
	char		 pidstr[16], out[PATH_MAX], *argv[16];
	int		 a = 0;

	if (pid <= 1 || criu_path == NULL || *criu_path == '\0') {
		criu_err(err, errlen, "criu dump: no criu or no job");
		return NULL;
	}
	if (mkdir(imgdir, 0700) == -1 && errno != EEXIST) {
		criu_err(err, errlen, "criu dump: mkdir %s: %s", imgdir,
		    strerror(errno));
		return NULL;
	}
	op = xcalloc(1, sizeof *op);
	op->job = pid;
	op->leave = opts != NULL && opts->leave_running;
	op->suspended = jobctl_frozen(pid);
	if (strlcpy(op->imgdir, imgdir, sizeof op->imgdir) >=
	    sizeof op->imgdir) {
		criu_err(err, errlen, "criu dump: %s: name too long", imgdir);
		free(op);
		return NULL;
	}
	if (opts != NULL && opts->freezer != NULL)
		strlcpy(op->freezer, opts->freezer, sizeof op->freezer);
	else if (jobctl_cgroup_dir(pid, "freezer", op->freezer,
	    sizeof op->freezer) == -1)
		op->freezer[0] = '\0';
	if (op->freezer[0] != '\0' && criu_freeze(pid, op->freezer) == -1) {
		criu_err(err, errlen, "criu dump: pid %ld does not freeze in "
		    "%s", (long)pid, op->freezer);
		criu_freezer_set(op->freezer, "THAWED");
		free(op);
		return NULL;
	}
	/* Before the dump: once it is done the tree may be gone. */
	op->nf = criu_open_files(pid, op->files);
	/* Frozen: the sizes now are the image's. */
	if (op->freezer[0] != '\0' &&
	    criu_files_write(imgdir, op->files, op->nf) == -1) {
		criu_err(err, errlen, "criu dump: %s/%s: %s", imgdir,
		    CRIU_FILES, strerror(errno));
		criu_op_unfreeze(op);
		criu_op_free(op);
		return NULL;
	}
	snprintf(pidstr, sizeof pidstr, "%ld", (long)pid);
	snprintf(out, sizeof out, "%s/criu.out", imgdir);
	argv[a++] = (char *)criu_path;
	argv[a++] = "dump";
	argv[a++] = "-t";
	argv[a++] = pidstr;
	argv[a++] = "-D";
	argv[a++] = op->imgdir;
	argv[a++] = "-o";
	argv[a++] = "dump.log";
	argv[a++] = "--file-locks";
	argv[a++] = "--manage-cgroups=ignore";
	if (op->freezer[0] != '\0') {
		argv[a++] = "--freeze-cgroup";
		argv[a++] = op->freezer;
	}
	if (op->leave)
		argv[a++] = "--leave-running";
	argv[a] = NULL;
	if ((op->cpid = criu_fork(argv, imgdir, out)) == -1) {
		criu_err(err, errlen, "criu dump: fork: %s", strerror(errno));
		criu_op_unfreeze(op);
		criu_op_free(op);
		return NULL;
	}
	return op;
}

/* The pid of the criu running OP. */
pid_t
criu_op_pid(const struct criu_op *op)
{
	return op->cpid;
}

static int	criu_restore_done(struct criu_op *,
		    const struct jobctl_result *, pid_t *, char *, size_t);

/* OP's criu exited with RES: finish the dump or restore; see criu.h. */
int
criu_op_done(struct criu_op *op, const struct jobctl_result *res, pid_t *pid,
    char *err, size_t errlen)
{
	int	r = -1;

	if (op->restore)
		return criu_restore_done(op, res, pid, err, errlen);
	if (res->code != 0)
		criu_err(err, errlen, "criu dump of pid %ld: %s %d (see "
		    "%s/dump.log)", (long)op->job, res->signal ? "signal" :
		    "exit", res->signal ? res->signal : res->code, op->imgdir);
	else if (op->freezer[0] == '\0' &&
	    criu_files_write(op->imgdir, op->files, op->nf) == -1)
		criu_err(err, errlen, "criu dump: %s/%s: %s", op->imgdir,
		    CRIU_FILES, strerror(errno));
	else
		r = 0;
	if (op->leave || r == -1)
		criu_op_unfreeze(op);
	if (r == 0 && pid != NULL)
		*pid = op->job;
	criu_op_free(op);
	return r;
}

/* Give up on OP: criu is killed and reaped, the job put back. */
void
criu_op_abort(struct criu_op *op)
{
	int	st;

	if (op == NULL)
		return;
	kill(op->cpid, SIGKILL);
	while (waitpid(op->cpid, &st, 0) == -1 && errno == EINTR)
		;
	if (op->restore) {
		/* The half-restored tree, if any, is in the cgroups too. */
		(void)jobctl_kill(op->cpid);
		(void)jobctl_release(op->cpid);
	} else
		criu_op_unfreeze(op);
	criu_op_free(op);
}

/* waitpid() status ST as a jobctl_result (-1: did not finish in time). */
static void
criu_result(int st, struct jobctl_result *res)
{
	memset(res, 0, sizeof *res);
	if (st != -1 && WIFEXITED(st))
		res->code = WEXITSTATUS(st);
	else {
		res->code = -1;
		res->signal = st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) :
		    SIGKILL;
	}
}

/* Dump job PID's tree into IMGDIR and wait; see criu.h. */
int
criu_dump(const char *criu_path, pid_t pid, const char *imgdir,
    const struct criu_dump_opts *opts, char *err, size_t errlen)
{
	struct jobctl_result	 res;
	struct criu_op		*op;

	if ((op = criu_dump_start(criu_path, pid, imgdir, opts, err,
	    errlen)) == NULL)
		return -1;
	criu_result(criu_wait(op->cpid, CRIU_TIMEOUT_MS), &res);
	return criu_op_done(op, &res, NULL, err, errlen);
}

/* Read the restored root's pid that criu wrote to IMGDIR; or -1. */
static pid_t
criu_pidfile(const char *imgdir)
{
	char		 path[PATH_MAX], buf[32];
	const char	*errstr;
	ssize_t		 n;
	pid_t		 pid;
	int		 fd;

	snprintf(path, sizeof path, "%s/%s", imgdir, CRIU_PIDFILE);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pid = strtonum(buf, 2, INT_MAX, &errstr);
	return errstr == NULL ? pid : -1;
}

/* SIGCONT the stopped tree of PID (criu restore --leave-stopped). */
static void
criu_continue(pid_t pid)
{
	pid_t	*pids;
	size_t	 np = 1, i;

	pids = xcalloc(CRIU_MAXPROCS, sizeof *pids);
	pids[0] = pid;
	/* Stopped, the tree cannot change under us. */
	for (i = 0; i < np; i++)
		criu_children(pids[i], pids, &np);
	for (i = 0; i < np; i++)
		if (kill(pids[i], SIGCONT) == -1 && errno != ESRCH)
			log_warn("criu: continue pid %ld", (long)pids[i]);
	free(pids);
}

/* Start restoring the tree in IMGDIR as a job of ours; see criu.h. */
struct criu_op *
criu_restore_start(const char *criu_path, const char *imgdir, char *err,
    size_t errlen)
{
	struct jobctl_spec	 spec;
	struct criu_op		*op;
	char			 pidfile[PATH_MAX];
	char			*argv[16];
	int			 a = 0;

	if (criu_path == NULL || *criu_path == '\0') {
		criu_err(err, errlen, "criu restore: no criu");
		return NULL;
	}
	if (criu_files_fix(imgdir, err, errlen) == -1)
		return NULL;
	op = xcalloc(1, sizeof *op);
	op->restore = 1;
	if (strlcpy(op->imgdir, imgdir, sizeof op->imgdir) >=
	    sizeof op->imgdir) {
		criu_err(err, errlen, "criu restore: %s: name too long",
		    imgdir);
		free(op);
		return NULL;
	}
	snprintf(pidfile, sizeof pidfile, "%s/%s", imgdir, CRIU_PIDFILE);
	(void)unlink(pidfile);
	argv[a++] = (char *)criu_path;
	argv[a++] = "restore";
	argv[a++] = "-D";
	argv[a++] = op->imgdir;
	argv[a++] = "-o";
	argv[a++] = "restore.log";
	argv[a++] = "--restore-detached";
	argv[a++] = "--restore-sibling";
	argv[a++] = "--leave-stopped";
	argv[a++] = "--pidfile";
	argv[a++] = CRIU_PIDFILE;
	argv[a++] = "--file-locks";
	argv[a++] = "--manage-cgroups=ignore";
	argv[a] = NULL;

	memset(&spec, 0, sizeof spec);
	spec.executable = criu_path;
	spec.argv = argv;
	spec.envp = environ;
	spec.iwd = op->imgdir;
	spec.output = "criu.out";
	spec.error = "criu.out";
	spec.bare = 1;		/* --restore-sibling: the tree is our child */
	if (jobctl_spawn(&spec, &op->cpid, err, errlen) == -1) {
		free(op);
		return NULL;
	}
	return op;
}

/* The restoring criu exited with RES: adopt and continue the tree. */
static int
criu_restore_done(struct criu_op *op, const struct jobctl_result *res,
    pid_t *pid, char *err, size_t errlen)
{
	pid_t	rpid = -1;
	int	i;

	if (res->code == 0)
		rpid = criu_pidfile(op->imgdir);
	if (rpid == -1 || jobctl_adopt(op->cpid, rpid) == -1) {
		if (res->code != 0)
			criu_err(err, errlen, "criu restore from %s: %s %d "
			    "(see %s/restore.log)", op->imgdir, res->signal ?
			    "signal" : "exit", res->signal ? res->signal :
			    res->code, op->imgdir);
		else
			criu_err(err, errlen, "criu restore from %s: no "
			    "restored pid", op->imgdir);
		/* Whatever half-restored tree criu left in the cgroups goes. */
		(void)jobctl_kill(op->cpid);
		for (i = 0; i < 50 && jobctl_release(op->cpid) == -1; i++)
			criu_msleep(2);
		criu_op_free(op);
		return -1;
	}
	criu_continue(rpid);
	log_info("criu: restored pid %ld from %s", (long)rpid, op->imgdir);
	if (pid != NULL)
		*pid = rpid;
	criu_op_free(op);
	return 0;
}

/* Restore the tree in IMGDIR as a job of ours and wait; see criu.h. */
int
criu_restore(const char *criu_path, const char *imgdir, pid_t *pid,
    char *err, size_t errlen)
{
	struct jobctl_result	 res;
	struct criu_op		*op;

	if ((op = criu_restore_start(criu_path, imgdir, err, errlen)) == NULL)
		return -1;
	criu_result(criu_wait(op->cpid, CRIU_TIMEOUT_MS), &res);
	return criu_op_done(op, &res, pid, err, errlen);
}
