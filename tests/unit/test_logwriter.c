/*
 * test_logwriter.c: unit tests of the user-log writers
 * (scheduler/logwriter.c): events of one file keep their order across
 * files sharing and not sharing a writer, nothing queued is lost by a
 * drain, the pending id follows the writes, the loop is woken after
 * writes, and a FIFO is refused rather than waited on.
 */
#include "config.h"

#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/event.h>

#include "logwriter.h"

#define NFILES	7
#define NEVENTS	3000

static struct event_base	*base;
static int			 woken;
static char			 dir[] = "/tmp/cq-test-logwriter.XXXXXX";

static void
done(void)
{
	woken++;
}

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not_null(base = event_base_new());
	cr_assert_eq(logwriter_init(base, done), 0);
}

static void
teardown(void)
{
	char	cmd[128];

	logwriter_shutdown(1000);
	event_base_free(base);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)!system(cmd);
}

TestSuite(logwriter, .init = setup, .fini = teardown);

static void
path_of(char *b, size_t len, int f)
{
	snprintf(b, len, "%s/f%d.log", dir, f);
}

Test(logwriter, order_per_file)
{
	char		 path[256], text[64], line[64];
	FILE		*fp;
	int64_t		 id, last;
	int		 f, n;
	size_t		 len;

	for (id = 1; id <= NEVENTS; id++) {
		f = (int)(id * 7919 % NFILES);
		path_of(path, sizeof path, f);
		len = (size_t)snprintf(text, sizeof text, "%lld\n",
		    (long long)id);
		while (logwriter_put(id, 1, (uint32_t)id, getuid(), path,
		    text, len) == -1)
			cr_assert_eq(logwriter_drain(10000), 0);
	}
	cr_assert_eq(logwriter_drain(10000), 0);
	cr_assert_eq(logwriter_pending(), -1);
	cr_assert_eq(logwriter_cluster_pending(1), 0);
	/* The wake-up reaches the loop. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	cr_assert_gt(woken, 0);
	n = 0;
	for (f = 0; f < NFILES; f++) {
		path_of(path, sizeof path, f);
		cr_assert_not_null(fp = fopen(path, "r"), "%s", path);
		last = 0;
		while (fgets(line, sizeof line, fp) != NULL) {
			id = strtoll(line, NULL, 10);
			cr_assert_gt(id, last, "%s: %lld after %lld", path,
			    (long long)id, (long long)last);
			cr_assert_eq(id * 7919 % NFILES, f);
			last = id;
			n++;
		}
		fclose(fp);
	}
	cr_assert_eq(n, NEVENTS);
}

Test(logwriter, fifo_refused)
{
	char	path[256], reg[256];

	snprintf(path, sizeof path, "%s/fifo.log", dir);
	snprintf(reg, sizeof reg, "%s/after.log", dir);
	cr_assert_eq(mkfifo(path, 0644), 0);
	cr_assert_eq(logwriter_put(1, 1, 0, getuid(), path, "x\n", 2), 0);
	cr_assert_eq(logwriter_put(2, 1, 1, getuid(), reg, "y\n", 2), 0);
	/* Nobody reads the FIFO: it is refused, not waited on. */
	cr_assert_eq(logwriter_drain(10000), 0);
	cr_assert_eq(access(reg, F_OK), 0);
}

Test(logwriter, owner_rights)
{
	char		path[256], sub[256], deny[256];
	struct stat	sb;

	if (geteuid() != 0 || getpwuid(65534) == NULL)
		cr_skip_test("needs root and a user 65534");
	cr_assert_eq(chmod(dir, 0777), 0);
	snprintf(path, sizeof path, "%s/nobody.log", dir);
	snprintf(sub, sizeof sub, "%s/rootonly", dir);
	snprintf(deny, sizeof deny, "%s/rootonly/x.log", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(logwriter_put(1, 1, 0, 65534, path, "x\n", 2), 0);
	cr_assert_eq(logwriter_put(2, 1, 0, 65534, deny, "x\n", 2), 0);
	cr_assert_eq(logwriter_drain(10000), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_uid, 65534, "created as uid %u", (unsigned)sb.st_uid);
	/* Root could write there; the owner may not: refused. */
	cr_assert_eq(stat(deny, &sb), -1);
}

Test(logwriter, not_ours_refused)
{
	char		path[256];
	struct stat	sb;

	if (geteuid() == 0)
		cr_skip_test("as root, another uid's file is opened as it");
	snprintf(path, sizeof path, "%s/other.log", dir);
	cr_assert_eq(logwriter_put(1, 1, 0, getuid() + 1, path, "x\n", 2),
	    0);
	cr_assert_eq(logwriter_drain(10000), 0);
	cr_assert_eq(stat(path, &sb), -1);
}
