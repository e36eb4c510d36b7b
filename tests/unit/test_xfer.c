/*
 * test_xfer.c: unit tests of one file in transit (common/xfer.c): the
 * path rules, a send/receive round trip chunk by chunk, and the cases
 * that must leave no file under its final name: a wrong checksum, too
 * many bytes, a cut transfer (abort), and a symlinked directory planted
 * in the receiver's root.  Each test works in its own temporary dir.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "xfer.h"
#include "xmalloc.h"

static char	dir[PATH_MAX];
static char	err[512];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/cq-test-xfer.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	xfer_rmtree(dir);
}

static char *
path_in(const char *rel)
{
	char	*p;

	xasprintf(&p, "%s/%s", dir, rel);
	return p;
}

static void
write_file(const char *rel, size_t size)
{
	char	*p = path_in(rel);
	FILE	*f = fopen(p, "w");
	size_t	 i;

	cr_assert_not_null(f);
	for (i = 0; i < size; i++)
		fputc((int)(i * 7 % 251), f);
	fclose(f);
	free(p);
}

static int
exists(const char *rel)
{
	struct stat	 sb;
	char		*p = path_in(rel);
	int		 rc = lstat(p, &sb) == 0;

	free(p);
	return rc;
}

/* Hash SRC (under dir) fully; its checksum into SHA. */
static void
sum_of(const char *rel, char *sha, uint64_t *size)
{
	struct xfer_out	 xo;
	char		*p = path_in(rel);

	cr_assert_eq(xfer_out_open(&xo, p, 0, err, sizeof err), 0, "%s", err);
	cr_assert_eq(xfer_out_hash(&xo, SIZE_MAX, err, sizeof err), 1);
	memcpy(sha, xo.sha, 65);
	*size = xo.size;
	xfer_out_close(&xo);
	free(p);
}

Test(xfer, path_rules)
{
	cr_assert(xfer_path_ok("a"));
	cr_assert(xfer_path_ok("a/b/c.txt"));
	cr_assert(xfer_path_ok("..a/b.."));
	cr_assert_not(xfer_path_ok(""));
	cr_assert_not(xfer_path_ok("/etc/passwd"));
	cr_assert_not(xfer_path_ok("a/"));
	cr_assert_not(xfer_path_ok("a//b"));
	cr_assert_not(xfer_path_ok("a/../b"));
	cr_assert_not(xfer_path_ok(".."));
	cr_assert_not(xfer_path_ok("./a"));
	cr_assert_not(xfer_path_ok("a/x.cq-part"));
	cr_assert_not(xfer_path_ok("a\nb"));
}

Test(xfer, round_trip_in_chunks, .init = setup, .fini = teardown)
{
	struct xfer_out	 xo;
	struct xfer_in	 xi;
	char		 buf[XFER_CHUNK], sha[65], *src, *dst;
	uint64_t	 size;
	size_t		 n;
	int		 r = 0;
	FILE		*a, *b;

	write_file("src.bin", 3 * XFER_CHUNK + 123);
	sum_of("src.bin", sha, &size);
	mkdir(path_in("out"), 0755);
	src = path_in("src.bin");
	cr_assert_eq(xfer_out_open(&xo, src, 0, err, sizeof err), 0);
	cr_assert_eq(xfer_out_hash(&xo, SIZE_MAX, err, sizeof err), 1);
	dst = path_in("out");
	cr_assert_eq(xfer_in_open(&xi, dst, "d1/d2/copy.bin", size, 0640,
	    xo.sha, (uid_t)-1, (gid_t)-1, err, sizeof err), 0, "%s", err);
	while ((n = xfer_out_read(&xo, buf, sizeof buf)) > 0) {
		cr_assert(exists("out/d1/d2/copy.bin.cq-part"));
		cr_assert_not(exists("out/d1/d2/copy.bin"));
		r = xfer_in_data(&xi, buf, n, err, sizeof err);
		cr_assert_neq(r, -1, "%s", err);
	}
	cr_assert_eq(r, 1);
	xfer_out_close(&xo);
	cr_assert(exists("out/d1/d2/copy.bin"));
	cr_assert_not(exists("out/d1/d2/copy.bin.cq-part"));
	a = fopen(src, "r");
	free(src);
	src = path_in("out/d1/d2/copy.bin");
	b = fopen(src, "r");
	while ((n = fread(buf, 1, 4096, a)) > 0) {
		char	c[4096];

		cr_assert_eq(fread(c, 1, n, b), n);
		cr_assert_eq(memcmp(buf, c, n), 0);
	}
	fclose(a);
	fclose(b);
	free(src);
	free(dst);
}

Test(xfer, bad_checksum_leaves_nothing, .init = setup, .fini = teardown)
{
	struct xfer_in	 xi;
	char		*root = path_in(".");
	const char	*bogus = "00000000000000000000000000000000"
			    "00000000000000000000000000000000";

	cr_assert_eq(xfer_in_open(&xi, dir, "f.txt", 5, 0644, bogus,
	    (uid_t)-1, (gid_t)-1, err, sizeof err), 0);
	cr_assert_eq(xfer_in_data(&xi, "hello", 5, err, sizeof err), -1);
	cr_assert(strstr(err, "checksum") != NULL, "%s", err);
	cr_assert_not(exists("f.txt"));
	cr_assert_not(exists("f.txt.cq-part"));
	free(root);
}

Test(xfer, too_much_and_cut_leave_nothing, .init = setup, .fini = teardown)
{
	struct xfer_in	 xi;
	char		 sha[65];
	uint64_t	 size;

	write_file("s", 10);
	sum_of("s", sha, &size);
	cr_assert_eq(xfer_in_open(&xi, dir, "t", 10, 0644, sha, (uid_t)-1,
	    (gid_t)-1, err, sizeof err), 0);
	cr_assert_eq(xfer_in_data(&xi, "0123456789AB", 12, err, sizeof err),
	    -1);
	cr_assert_not(exists("t"));
	cr_assert_not(exists("t.cq-part"));
	cr_assert_eq(xfer_in_open(&xi, dir, "u", 10, 0644, sha, (uid_t)-1,
	    (gid_t)-1, err, sizeof err), 0);
	cr_assert_eq(xfer_in_data(&xi, "01234", 5, err, sizeof err), 0);
	cr_assert(xfer_in_active(&xi));
	xfer_in_abort(&xi);
	cr_assert_not(exists("u"));
	cr_assert_not(exists("u.cq-part"));
	cr_assert_eq(xfer_sweep_parts(dir), 0);
}

Test(xfer, symlinked_dir_is_not_followed, .init = setup, .fini = teardown)
{
	struct xfer_in	 xi;
	char		*outside, *link, sha[65];
	uint64_t	 size;

	write_file("s", 3);
	sum_of("s", sha, &size);
	outside = path_in("outside");
	mkdir(outside, 0755);
	mkdir(path_in("root"), 0755);
	link = path_in("root/evil");
	cr_assert_eq(symlink(outside, link), 0);
	free(link);
	link = path_in("root");
	cr_assert_eq(xfer_in_open(&xi, link, "evil/f", 3, 0644, sha,
	    (uid_t)-1, (gid_t)-1, err, sizeof err), -1);
	cr_assert_not(exists("outside/f.cq-part"));
	cr_assert_eq(xfer_mkdir(link, "evil/sub", (uid_t)-1, (gid_t)-1, err,
	    sizeof err), -1);
	cr_assert_not(exists("outside/sub"));
	free(link);
	free(outside);
}

Test(xfer, empty_file_and_sweep, .init = setup, .fini = teardown)
{
	struct xfer_in	 xi;
	char		 sha[65];
	uint64_t	 size;

	write_file("e", 0);
	sum_of("e", sha, &size);
	cr_assert_eq(size, 0);
	cr_assert_eq(xfer_in_open(&xi, dir, "a/e", 0, 0600, sha, (uid_t)-1,
	    (gid_t)-1, err, sizeof err), 0);
	cr_assert_eq(xfer_in_data(&xi, "", 0, err, sizeof err), 1);
	cr_assert(exists("a/e"));
	write_file("a/x.cq-part", 4);
	cr_assert_eq(xfer_sweep_parts(dir), 1);
	cr_assert_not(exists("a/x.cq-part"));
}

Test(xfer, mode_mask)
{
	cr_assert_eq(xfer_mode(04755, 022), 0755);
	cr_assert_eq(xfer_mode(06777, 0), 0777);
	cr_assert_eq(xfer_mode(01777, 022), 0755);
	cr_assert_eq(xfer_mode(02750, 027), 0750);
	cr_assert_eq(xfer_mode(0666, 077), 0600);
	cr_assert_eq(xfer_mode(0777, 0777), 0);
	/* Bits of the umask past 0777 take nothing else away. */
	cr_assert_eq(xfer_mode(0755, 07000), 0755);
}

/* A sender's setuid, setgid and sticky bits never reach the file, even
 * when the receiver is told them directly. */
Test(xfer, received_file_has_no_privilege_bits, .init = setup,
    .fini = teardown)
{
	struct xfer_out	 xo;
	struct xfer_in	 xi;
	struct stat	 sb;
	char		 sha[65], *p;
	uint64_t	 size;

	write_file("suid", 10);
	p = path_in("suid");
	cr_assert_eq(chmod(p, 06755), 0);
	cr_assert_eq(xfer_out_open(&xo, p, 0, err, sizeof err), 0, "%s", err);
	cr_assert_eq(xo.mode, 0755);
	xfer_out_close(&xo);
	free(p);
	sum_of("suid", sha, &size);
	cr_assert_eq(xfer_in_open(&xi, dir, "got", size, 07777, sha,
	    (uid_t)-1, (gid_t)-1, err, sizeof err), 0, "%s", err);
	write_file("tmp", 10);	/* the same bytes */
	p = path_in("tmp");
	{
		FILE	*f = fopen(p, "r");
		char	 buf[16];
		size_t	 n = fread(buf, 1, sizeof buf, f);

		fclose(f);
		cr_assert_eq(xfer_in_data(&xi, buf, n, err, sizeof err), 1,
		    "%s", err);
	}
	free(p);
	p = path_in("got");
	cr_assert_eq(stat(p, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0777);
	free(p);
}
