/*
 * test_sbfs.c: unit tests of the sandbox file operations (startd/sbfs.c):
 * a symlink in the middle of a path and as its last component, "..",
 * absolute and other unplain paths, a directory swapped for a symlink
 * between two calls (an fd opened before still reads what it opened),
 * FIFOs and directories where a file is wanted, foreign hard links, exact
 * modes, listing, removal and renames.  Every test runs twice: suite
 * "openat2" (skipped on a kernel without it) and suite "walk", where
 * CQ_SBFS_NO_OPENAT2=1 forces the component walk.  Each test works in its
 * own temporary directory: ROOT (the sandbox) and OUT (outside it, with
 * a file "shadow" holding a secret).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "sbfs.h"

#define SECRET	"secret-marker-outside"
#define MINE	"the-job's-own-content"

static char	top[PATH_MAX], root[PATH_MAX], out[PATH_MAX];
static int	rfd = -1;

/* snprintf, failing the test on truncation. */
static void
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < len, "path too long");
}

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void
in_root(char *buf, size_t len, const char *rel)
{
	fmt(buf, len, "%s/%s", root, rel);
}

/* The contents of FD (at most 255 bytes). */
static const char *
slurp(int fd)
{
	static char	buf[256];
	ssize_t		n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	return buf;
}

static void
setup_common(void)
{
	char	p[PATH_MAX];

	fmt(top, sizeof top, "/tmp/cq-test-sbfs.XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	fmt(root, sizeof root, "%s/sandbox", top);
	fmt(out, sizeof out, "%s/etc", top);
	cr_assert_eq(mkdir(root, 0700), 0);
	cr_assert_eq(mkdir(out, 0700), 0);
	fmt(p, sizeof p, "%s/shadow", out);
	put(p, SECRET);
	chmod(p, 0600);
	rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rfd, 0);
}

static void
setup_openat2(void)
{
	unsetenv("CQ_SBFS_NO_OPENAT2");
	setup_common();
	if (!sbfs_openat2())
		cr_skip_test("this kernel has no openat2");
}

static void
setup_walk(void)
{
	setenv("CQ_SBFS_NO_OPENAT2", "1", 1);
	setup_common();
	cr_assert_eq(sbfs_openat2(), 0, "the walk is not forced");
}

static void
teardown(void)
{
	char	cmd[PATH_MAX + 16];

	if (rfd != -1)
		close(rfd);
	fmt(cmd, sizeof cmd, "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

/* Each test body once per suite. */
#define SBFS_TEST(name)							\
	static void name(void);						\
	Test(openat2, name, .init = setup_openat2, .fini = teardown)	\
	{ name(); }							\
	Test(walk, name, .init = setup_walk, .fini = teardown)		\
	{ name(); }							\
	static void name(void)

/* The secret outside is still there, unchanged. */
static void
outside_intact(void)
{
	char	p[PATH_MAX];
	int	fd;

	fmt(p, sizeof p, "%s/shadow", out);
	cr_assert_geq(fd = open(p, O_RDONLY), 0, "the outside file is gone");
	cr_assert_str_eq(slurp(fd), SECRET);
	close(fd);
}

static void
must_fail(int rc, int want, const char *what)
{
	cr_assert_eq(rc, -1, "%s succeeded", what);
	cr_assert_eq(errno, want, "%s: errno %d (%s), want %d (%s)", what,
	    errno, strerror(errno), want, strerror(want));
}

SBFS_TEST(symlink_in_the_middle)
{
	struct sbfs_ent	 e, *v;
	size_t		 n;
	char		 p[PATH_MAX];

	in_root(p, sizeof p, "d");
	cr_assert_eq(symlink(out, p), 0);
	must_fail(sbfs_open_read(rfd, "d/shadow", (uid_t)-1), ELOOP,
	    "open_read d/shadow");
	must_fail(sbfs_create(rfd, "d/new", SBFS_EXCL, 0644, (uid_t)-1,
	    (gid_t)-1), ELOOP, "create d/new");
	must_fail(sbfs_create(rfd, "d/shadow", SBFS_TRUNC, 0644, (uid_t)-1,
	    (gid_t)-1), ELOOP, "create d/shadow");
	must_fail(sbfs_mkdirs(rfd, "d/sub/dir", 0755, (uid_t)-1, (gid_t)-1),
	    ELOOP, "mkdirs d/sub/dir");
	must_fail(sbfs_stat(rfd, "d/shadow", &e), ELOOP, "stat d/shadow");
	must_fail(sbfs_list(rfd, "d", &v, &n), ELOOP, "list d");
	must_fail(sbfs_remove(rfd, "d/shadow"), ELOOP, "remove d/shadow");
	cr_assert_eq(sbfs_create(rfd, "f", SBFS_EXCL, 0600, (uid_t)-1,
	    (gid_t)-1) >= 0, 1);
	must_fail(sbfs_rename(rfd, "f", "d/f", (uid_t)-1, (gid_t)-1), ELOOP,
	    "rename f d/f");
	must_fail(sbfs_rename(rfd, "d/shadow", "stolen", (uid_t)-1,
	    (gid_t)-1), ELOOP, "rename d/shadow stolen");
	/* Deeper: a real directory, then the link. */
	cr_assert_eq(sbfs_mkdirs(rfd, "a/b", 0755, (uid_t)-1, (gid_t)-1), 0);
	in_root(p, sizeof p, "a/b/c");
	cr_assert_eq(symlink(out, p), 0);
	must_fail(sbfs_open_read(rfd, "a/b/c/shadow", (uid_t)-1), ELOOP,
	    "open_read a/b/c/shadow");
	outside_intact();
	fmt(p, sizeof p, "%s/new", out);
	cr_assert_neq(access(p, F_OK), 0, "a file was made outside");
	fmt(p, sizeof p, "%s/sub", out);
	cr_assert_neq(access(p, F_OK), 0, "a directory was made outside");
}

SBFS_TEST(symlink_as_last_component)
{
	struct sbfs_ent	 e, *v;
	size_t		 n;
	char		 p[PATH_MAX], t[PATH_MAX];

	in_root(p, sizeof p, "shadow");
	fmt(t, sizeof t, "%s/shadow", out);
	cr_assert_eq(symlink(t, p), 0);
	in_root(p, sizeof p, "etc");
	cr_assert_eq(symlink(out, p), 0);
	must_fail(sbfs_open_read(rfd, "shadow", (uid_t)-1), ELOOP,
	    "open_read shadow");
	must_fail(sbfs_create(rfd, "shadow", SBFS_TRUNC, 0644, (uid_t)-1,
	    (gid_t)-1), ELOOP, "create (truncate) shadow");
	must_fail(sbfs_create(rfd, "shadow", SBFS_EXCL, 0644, (uid_t)-1,
	    (gid_t)-1), EEXIST, "create (exclusive) shadow");
	must_fail(sbfs_list(rfd, "etc", &v, &n), ELOOP, "list etc");
	must_fail(sbfs_mkdirs(rfd, "etc", 0755, (uid_t)-1, (gid_t)-1), ELOOP,
	    "mkdirs etc");
	cr_assert_eq(sbfs_stat(rfd, "shadow", &e), 0);
	cr_assert_eq(e.type, SBFS_LNK);
	/* Removing the link removes the link. */
	cr_assert_eq(sbfs_remove(rfd, "shadow"), 0);
	cr_assert_eq(sbfs_remove(rfd, "etc"), 0);
	cr_assert_eq(sbfs_stat(rfd, "etc", &e), -1);
	outside_intact();
}

SBFS_TEST(dotdot_absolute_and_unplain_paths)
{
	static const char	*bad[] = {
		"..", "../etc/shadow", "a/../../etc/shadow", "a/..", "/etc",
		"/", "", "a//b", "a/", "./a", "a/./b", ".",
	};
	struct sbfs_ent		 e;
	char			 p[PATH_MAX];
	size_t			 i;

	cr_assert_eq(sbfs_mkdirs(rfd, "a", 0755, (uid_t)-1, (gid_t)-1), 0);
	fmt(p, sizeof p, "%s/shadow", out);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(sbfs_path_ok(bad[i], 0), 0, "%s taken", bad[i]);
		must_fail(sbfs_open_read(rfd, bad[i], (uid_t)-1), EINVAL,
		    bad[i]);
		must_fail(sbfs_create(rfd, bad[i], SBFS_TRUNC, 0644,
		    (uid_t)-1, (gid_t)-1), EINVAL, bad[i]);
		must_fail(sbfs_remove(rfd, bad[i]), EINVAL, bad[i]);
		must_fail(sbfs_rename(rfd, "a", bad[i], (uid_t)-1, (gid_t)-1),
		    EINVAL, bad[i]);
		if (strcmp(bad[i], ".") != 0)
			must_fail(sbfs_stat(rfd, bad[i], &e), EINVAL, bad[i]);
	}
	/* An absolute path through the base: still refused. */
	must_fail(sbfs_open_read(rfd, p, (uid_t)-1), EINVAL, p);
	cr_assert_eq(sbfs_path_ok(".", 1), 1);
	cr_assert_eq(sbfs_path_ok("a/b.c/..d", 0), 1);
	outside_intact();
}

SBFS_TEST(directory_swapped_between_calls)
{
	char	p[PATH_MAX], q[PATH_MAX];
	int	fd, before;

	/* The job makes d/shadow ... */
	cr_assert_eq(sbfs_mkdirs(rfd, "d", 0755, (uid_t)-1, (gid_t)-1), 0);
	cr_assert_geq(fd = sbfs_create(rfd, "d/shadow", SBFS_EXCL, 0644,
	    (uid_t)-1, (gid_t)-1), 0);
	cr_assert_eq(write(fd, MINE, strlen(MINE)), (ssize_t)strlen(MINE));
	close(fd);
	cr_assert_geq(before = sbfs_open_read(rfd, "d/shadow", (uid_t)-1), 0);
	cr_assert_str_eq(slurp(before), MINE);
	/* ... and its owner swaps d for a link to "/etc". */
	in_root(p, sizeof p, "d");
	in_root(q, sizeof q, "d.orig");
	cr_assert_eq(rename(p, q), 0);
	cr_assert_eq(symlink(out, p), 0);
	must_fail(sbfs_open_read(rfd, "d/shadow", (uid_t)-1), ELOOP,
	    "open_read d/shadow after the swap");
	/* What was opened before is what it was. */
	cr_assert_str_eq(slurp(before), MINE);
	close(before);
	/* Swapped back: found again. */
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(rename(q, p), 0);
	cr_assert_geq(fd = sbfs_open_read(rfd, "d/shadow", (uid_t)-1), 0);
	cr_assert_str_eq(slurp(fd), MINE);
	close(fd);
	outside_intact();
}

SBFS_TEST(regular_files_only)
{
	char	p[PATH_MAX];

	in_root(p, sizeof p, "fifo");
	cr_assert_eq(mkfifo(p, 0600), 0);
	/* Must not block: no writer will ever come. */
	must_fail(sbfs_open_read(rfd, "fifo", (uid_t)-1), ENXIO, "fifo");
	must_fail(sbfs_create(rfd, "fifo", SBFS_TRUNC, 0600, (uid_t)-1,
	    (gid_t)-1), ENXIO, "create over a fifo");
	cr_assert_eq(sbfs_mkdirs(rfd, "dir", 0755, (uid_t)-1, (gid_t)-1), 0);
	must_fail(sbfs_open_read(rfd, "dir", (uid_t)-1), EISDIR, "dir");
	cr_assert_str_eq(sbfs_strerror(ELOOP), "a symbolic link on its path");
}

SBFS_TEST(foreign_hard_links)
{
	char	p[PATH_MAX], q[PATH_MAX];
	int	fd;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file away");
	in_root(p, sizeof p, "own");
	put(p, MINE);
	cr_assert_eq(chown(p, 4242, 4242), 0);
	in_root(q, sizeof q, "own2");
	cr_assert_eq(link(p, q), 0);
	/* The owner's own hard links are fine. */
	cr_assert_geq(fd = sbfs_open_read(rfd, "own2", 4242), 0);
	close(fd);
	/* A link to someone else's file (root's here) is not. */
	fmt(p, sizeof p, "%s/shadow", out);
	in_root(q, sizeof q, "shadow");
	cr_assert_eq(link(p, q), 0);
	must_fail(sbfs_open_read(rfd, "shadow", 4242), EMLINK, "hard link");
	/* Not asked to check: opened. */
	cr_assert_geq(fd = sbfs_open_read(rfd, "shadow", (uid_t)-1), 0);
	close(fd);
}

SBFS_TEST(exact_modes_and_owner)
{
	struct stat	s;
	char		p[PATH_MAX];
	int		fd;

	umask(077);
	cr_assert_eq(sbfs_mkdirs(rfd, "x/y", 0751, (uid_t)-1, (gid_t)-1), 0);
	in_root(p, sizeof p, "x/y");
	cr_assert_eq(stat(p, &s), 0);
	cr_assert_eq(s.st_mode & 07777, 0751);
	cr_assert_geq(fd = sbfs_create(rfd, "x/y/f", SBFS_EXCL, 04755,
	    (uid_t)-1, (gid_t)-1), 0);
	close(fd);
	in_root(p, sizeof p, "x/y/f");
	cr_assert_eq(stat(p, &s), 0);
	cr_assert_eq(s.st_mode & 07777, 0755, "mode %o", s.st_mode & 07777);
	cr_assert_eq(umask(022), 077, "the umask was not restored");
	if (geteuid() != 0)
		return;
	/* As the job's user: the file and directories are theirs. */
	cr_assert_eq(chown(root, 4242, 4242), 0);
	cr_assert_eq(sbfs_mkdirs(rfd, "u/v", 0755, 4242, 4242), 0);
	cr_assert_geq(fd = sbfs_create(rfd, "u/v/g", SBFS_TRUNC, 0644, 4242,
	    4242), 0);
	close(fd);
	in_root(p, sizeof p, "u/v/g");
	cr_assert_eq(stat(p, &s), 0);
	cr_assert_eq(s.st_uid, 4242);
	cr_assert_eq(geteuid(), 0);
	/* The user may not write where root made a 0700 directory. */
	must_fail(sbfs_create(rfd, "x/y/h", SBFS_EXCL, 0644, 4242, 4242),
	    EACCES, "create in root's directory as the user");
}

SBFS_TEST(list_remove_rename)
{
	struct sbfs_ent	*v;
	size_t		 n;
	char		 p[PATH_MAX];
	int		 fd;

	cr_assert_eq(sbfs_mkdirs(rfd, "t/sub", 0755, (uid_t)-1, (gid_t)-1), 0);
	cr_assert_geq(fd = sbfs_create(rfd, "t/b", SBFS_EXCL, 0644, (uid_t)-1,
	    (gid_t)-1), 0);
	cr_assert_eq(write(fd, "12345", 5), 5);
	close(fd);
	in_root(p, sizeof p, "t/a");
	cr_assert_eq(symlink(out, p), 0);
	cr_assert_eq(sbfs_list(rfd, "t", &v, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(v[0].name, "a");
	cr_assert_eq(v[0].type, SBFS_LNK);
	cr_assert_str_eq(v[1].name, "b");
	cr_assert_eq(v[1].type, SBFS_REG);
	cr_assert_eq(v[1].size, 5);
	cr_assert_str_eq(v[2].name, "sub");
	cr_assert_eq(v[2].type, SBFS_DIR);
	sbfs_list_free(v, n);
	cr_assert_eq(sbfs_list(rfd, ".", &v, &n), 0);
	cr_assert_eq(n, 1);
	sbfs_list_free(v, n);
	cr_assert_eq(sbfs_rename(rfd, "t/b", "t/sub/c", (uid_t)-1, (gid_t)-1),
	    0);
	cr_assert_geq(fd = sbfs_open_read(rfd, "t/sub/c", (uid_t)-1), 0);
	cr_assert_str_eq(slurp(fd), "12345");
	close(fd);
	/* The tree goes; the directory its link pointed to stays. */
	cr_assert_eq(sbfs_remove(rfd, "t"), 0);
	cr_assert_eq(sbfs_list(rfd, ".", &v, &n), 0);
	cr_assert_eq(n, 0);
	sbfs_list_free(v, n);
	cr_assert_eq(sbfs_remove(rfd, "t"), 0, "nothing to remove is fine");
	outside_intact();
}
