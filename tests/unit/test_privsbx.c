/*
 * test_privsbx.c: unit tests of the sandbox requests of the agent's
 * network child to its root parent (startd/psbx.h), over a real
 * SOCK_SEQPACKET socketpair: the parent's side (priv-sbx.c, with its
 * table of runs, priv-run.c) runs its loop in a forked process, the test
 * asks as the child does (privc-sbx.c).  Sound requests are served: a
 * run's sandbox made 0700 for the user the parent picks, files created
 * as that user, read back, listed, renamed and removed, the tree
 * destroyed.  Refused: a sandbox number never made or closed, a number
 * named for another run (a stale one reused, or forged), a second
 * sandbox for a run already known, bad job ids and slots, paths with
 * "..", absolute ones, and symlinks anywhere on the path.  As root the
 * two runs' sandboxes and files are their own users' (daemon, nobody).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/event.h>

#include "jobuser.h"
#include "priv.h"
#include "psbx.h"
#include "sbfs.h"
#include "startd.h"

static struct startd	 st_here = { .nslots = 2 };
struct startd		*st = &st_here;

static char	top[64], dir[PATH_MAX];
static pid_t	server = -1;
static int	csock = -1;

/* The parent's side, in its own process, until the socket closes. */
static void
serve(int sock)
{
	struct event_base	*base;

	if ((base = event_base_new()) == NULL)
		_exit(2);
	jobuser_init("", "", st->nslots);
	priv_set_sandbox_dir(dir);
	psbx_serve(base, sock, priv_sandbox_dir());
	event_base_dispatch(base);
	_exit(0);
}

static void
setup(void)
{
	int	sv[2];

	strlcpy(top, "/tmp/cq-test-privsbx.XXXXXX", sizeof top);
	cr_assert_not_null(mkdtemp(top));
	cr_assert(chmod(top, 0755) == 0);
	snprintf(dir, sizeof dir, "%s/sandbox", top);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	if ((server = fork()) == 0) {
		close(sv[1]);
		serve(sv[0]);
	}
	cr_assert(server > 0);
	close(sv[0]);
	csock = sv[1];
	psbxc_init(csock);
}

static void
teardown(void)
{
	char	cmd[PATH_MAX + 16];
	int	status;

	close(csock);
	if (server > 0 && waitpid(server, &status, 0) == server)
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the parent's side did not end cleanly");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	(void)!system(cmd);
}

TestSuite(privsbx, .init = setup, .fini = teardown);

/* The sandbox of JOB/RUN on slot 1 for OWNER: its number, uid into *UID. */
static int
make(const char *job, uint32_t run, const char *owner, uid_t *uid)
{
	gid_t	gid;
	uid_t	u;
	char	err[256] = "";
	int	id;

	id = psbxc_make(job, run, 0, owner, 1000, 1, uid != NULL ? uid : &u,
	    &gid, err, sizeof err);
	cr_assert(id >= 0, "sandbox for %s run %u: %s", job, run, err);
	return id;
}

static void
put(int id, const char *rel, const char *text)
{
	int	fd;

	fd = psbxc_create(id, rel, SBFS_TRUNC, 0644);
	cr_assert(fd >= 0, "create %s: %s", rel, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The sandbox's file REL says TEXT. */
static void
reads(int id, const char *rel, const char *text)
{
	char	buf[256];
	ssize_t	n;
	int	fd;

	fd = psbxc_open_read(id, rel);
	cr_assert(fd >= 0, "open %s: %s", rel, strerror(errno));
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	cr_assert(n >= 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, text);
}

/* An open of REL in sandbox ID is refused with ERRNUM (0: any). */
static void
open_refused(int id, const char *rel, int errnum)
{
	int	fd;

	errno = 0;
	fd = psbxc_open_read(id, rel);
	if (fd != -1)
		close(fd);
	cr_assert_eq(fd, -1, "open %s in sandbox %d was served", rel, id);
	if (errnum != 0)
		cr_assert_eq(errno, errnum, "open %s: %s, not %s", rel,
		    strerror(errno), strerror(errnum));
}

Test(privsbx, good_requests)
{
	struct sbfs_ent	 e, *ents;
	struct stat	 sb;
	char		 path[PATH_MAX + 64];
	size_t		 n;
	int		 id;

	id = make("1.0", 1, "nobody", NULL);
	snprintf(path, sizeof path, "%s/1.0.r1", dir);
	cr_assert_eq(stat(path, &sb), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(sb.st_mode & 07777, 0700);
	put(id, "in.txt", "hello");
	reads(id, "in.txt", "hello");
	cr_assert_eq(psbxc_mkdirs(id, "d/e", 0755), 0);
	put(id, "d/e/f.txt", "deep");
	reads(id, "d/e/f.txt", "deep");
	cr_assert_eq(psbxc_stat(id, "in.txt", &e), 0);
	cr_assert_eq(e.type, SBFS_REG);
	cr_assert_eq(e.size, 5);
	cr_assert_eq(psbxc_list(id, ".", &ents, &n), 0);
	cr_assert_eq(n, 2);
	sbfs_list_free(ents, n);
	cr_assert_eq(psbxc_rename(id, "in.txt", "out.txt"), 0);
	reads(id, "out.txt", "hello");
	cr_assert_eq(psbxc_remove(id, "d"), 0);
	cr_assert_eq(psbxc_stat(id, "d", &e), -1);
	cr_assert_eq(psbxc_destroy(id), 0);
	cr_assert_eq(stat(path, &sb), -1);
	psbxc_close(id);
}

Test(privsbx, unknown_runs)
{
	uid_t	uid;
	gid_t	gid;
	char	err[256];
	int	id, id2;

	/* A number never made. */
	open_refused(4242, "in.txt", EBADF);
	open_refused(0, "in.txt", EBADF);
	cr_assert_eq(psbxc_create(7, "x", SBFS_TRUNC, 0644), -1);
	cr_assert_eq(errno, EBADF);
	cr_assert_eq(psbxc_destroy(3), -1);
	cr_assert_eq(errno, EBADF);
	/* A run known already; bad job ids, slots. */
	id = make("1.0", 1, "nobody", NULL);
	cr_assert_eq(psbxc_make("1.0", 1, 0, "nobody", 1000, 1, &uid, &gid,
	    err, sizeof err), -1);
	cr_assert(strstr(err, "job 1.0 run 1 is known already") != NULL,
	    "%s", err);
	cr_assert_eq(psbxc_make("../x", 1, 0, "nobody", 1000, 1, &uid, &gid,
	    err, sizeof err), -1);
	cr_assert(strstr(err, "bad job id") != NULL, "%s", err);
	cr_assert_eq(psbxc_make("", 1, 0, "nobody", 1000, 1, &uid, &gid,
	    err, sizeof err), -1);
	cr_assert_eq(psbxc_make("2.0", 1, 0, "nobody", 1000, 3, &uid, &gid,
	    err, sizeof err), -1);
	cr_assert(strstr(err, "no slot 3") != NULL, "%s", err);
	/* Closed: its number is nobody's; reused, a stale request naming
	 * the old run is refused. */
	put(id, "mine.txt", "one's");
	psbxc_close(id);
	open_refused(id, "mine.txt", EBADF);
	id2 = make("3.0", 1, "nobody", NULL);
	cr_assert_eq(id2, id, "the number was not reused: test void");
	cr_assert_eq(psbxc_forge_open(id2, "1.0", 1, "mine.txt"), -1);
	cr_assert_eq(errno, EBADF);
	open_refused(id2, "mine.txt", ENOENT);	/* its own: not there */
	/* Once closed, its run is gone: the same run may be made again. */
	id = make("1.0", 1, "nobody", NULL);
	cr_assert_neq(id, id2);
}

Test(privsbx, paths_stay_inside)
{
	char	path[PATH_MAX + 64], outside[PATH_MAX + 64];
	int	id;

	id = make("1.0", 1, "nobody", NULL);
	snprintf(outside, sizeof outside, "%s/secret", top);
	{
		FILE	*f = fopen(outside, "w");

		cr_assert_not_null(f);
		fputs("outside", f);
		fclose(f);
	}
	put(id, "ok.txt", "inside");
	open_refused(id, "../secret", 0);
	open_refused(id, "../../secret", 0);
	open_refused(id, "d/../../secret", 0);
	open_refused(id, outside, 0);
	open_refused(id, "/etc/passwd", 0);
	open_refused(id, "", 0);
	cr_assert_eq(psbxc_create(id, "../made", SBFS_TRUNC, 0644), -1);
	snprintf(path, sizeof path, "%s/made", dir);
	cr_assert_eq(access(path, F_OK), -1);
	cr_assert_eq(psbxc_rename(id, "ok.txt", "../moved"), -1);
	cr_assert_eq(psbxc_mkdirs(id, "../x/y", 0755), -1);
	/* Symlinks, the last component or one in the middle. */
	snprintf(path, sizeof path, "%s/1.0.r1/link", dir);
	cr_assert_eq(symlink(outside, path), 0);
	snprintf(path, sizeof path, "%s/1.0.r1/dir", dir);
	cr_assert_eq(symlink(top, path), 0);
	open_refused(id, "link", 0);
	open_refused(id, "dir/secret", 0);
	cr_assert_eq(psbxc_create(id, "dir/new", SBFS_TRUNC, 0644), -1);
	snprintf(path, sizeof path, "%s/new", top);
	cr_assert_eq(access(path, F_OK), -1);
	reads(id, "ok.txt", "inside");
}

Test(privsbx, each_run_its_own_user)
{
	struct passwd	*pw;
	struct stat	 sb;
	char		 path[PATH_MAX + 64];
	uid_t		 a, b, ua, ub;
	int		 ida, idb, fd;

	if (geteuid() != 0)
		cr_skip_test("not root: every job runs as the agent's user");
	cr_assert_not_null(pw = getpwnam("daemon"));
	a = pw->pw_uid;
	cr_assert_not_null(pw = getpwnam("nobody"));
	b = pw->pw_uid;
	ida = make("1.0", 1, "daemon", &ua);
	idb = make("2.0", 1, "nobody", &ub);
	cr_assert_eq(ua, a);
	cr_assert_eq(ub, b);
	snprintf(path, sizeof path, "%s/1.0.r1", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_uid, a);
	snprintf(path, sizeof path, "%s/2.0.r1", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_uid, b);
	/* What is created in a run's sandbox is its user's. */
	put(ida, "a.txt", "daemon's");
	put(idb, "b.txt", "nobody's");
	fd = psbxc_open_read(idb, "b.txt");
	cr_assert(fd >= 0);
	cr_assert_eq(fstat(fd, &sb), 0);
	close(fd);
	cr_assert_eq(sb.st_uid, b);
	fd = psbxc_open_read(ida, "a.txt");
	cr_assert(fd >= 0);
	cr_assert_eq(fstat(fd, &sb), 0);
	close(fd);
	cr_assert_eq(sb.st_uid, a);
	/* One run's number under the other's name: refused both ways. */
	cr_assert_eq(psbxc_forge_open(ida, "2.0", 1, "a.txt"), -1);
	cr_assert_eq(errno, EBADF);
	cr_assert_eq(psbxc_forge_open(idb, "1.0", 1, "b.txt"), -1);
	cr_assert_eq(errno, EBADF);
	/* Nor does a's number reach b's files by a path. */
	open_refused(ida, "../2.0.r1/b.txt", 0);
}
