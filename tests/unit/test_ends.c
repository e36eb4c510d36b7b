/*
 * test_ends.c: unit tests of the agent's kept job ends (startd/ends.c):
 * the file's format (kept, acknowledged, written again), a last record a
 * crash cut (dropped), and damage anywhere else (a clear error naming the
 * file and line, the file left as it was).
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "agentmsg.h"
#include "ends.h"
#include "xmalloc.h"

#define HEADER	"cq-startd ends 1\n"
#define KEEP1	"keep 1 {\"job\":\"3.0\",\"run\":1,\"code\":0," \
		"\"signal\":0,\"utime_ms\":5,\"stime_ms\":6,\"maxrss_kb\":7," \
		"\"wall_ms\":8}\n"
#define KEEP2	"keep 2 {\"job\":\"4.1\",\"run\":2,\"evicted\":true," \
		"\"kill_reason\":\"lease\",\"code\":-1,\"signal\":9," \
		"\"utime_ms\":0,\"stime_ms\":0,\"maxrss_kb\":0,\"wall_ms\":0}\n"

static char	dir[] = "/tmp/test_ends.XXXXXX";
static char	path[64];

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, ENDS_FILE);
}

static void
teardown(void)
{
	char	tmp[80];

	ends_close();
	unlink(path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
}

TestSuite(ends, .init = setup, .fini = teardown);

static void
put(const char *text)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* The file's text (the caller frees it). */
static char *
get(void)
{
	struct stat	 sb;
	char		*buf;
	int		 fd;

	cr_assert_neq(fd = open(path, O_RDONLY), -1);
	cr_assert_eq(fstat(fd, &sb), 0);
	buf = xcalloc(1, (size_t)sb.st_size + 1);
	cr_assert_eq(read(fd, buf, (size_t)sb.st_size), sb.st_size);
	close(fd);
	return buf;
}

/* Opening TEXT fails with WANT after the file's name; the file stays. */
static void
damaged(const char *text, const char *want)
{
	char	err[512], full[600], *after;

	put(text);
	cr_assert_eq(ends_open(dir, err, sizeof err), -1, "%s opened", text);
	snprintf(full, sizeof full, "%s:%s: the ends of jobs", path, want);
	cr_assert(strncmp(err, full, strlen(full)) == 0, "%s", err);
	after = get();
	cr_assert_str_eq(after, text, "the damaged file was changed");
	free(after);
}

Test(ends, none_at_first)
{
	struct kept_end	*ke;
	char		 err[256], *text;

	cr_assert_eq(ends_open(dir, err, sizeof err), 0, "%s", err);
	cr_assert_eq(ends_take(&ke), 0);
	cr_assert_eq(ends_pending(), 0);
	text = get();
	cr_assert_str_eq(text, "");
	free(text);
}

Test(ends, kept_acknowledged_and_found_again)
{
	struct agentmsg_exited	 m1, m2;
	struct kept_end		*ke;
	char			 err[256], *text;

	memset(&m1, 0, sizeof m1);
	strlcpy(m1.job, "3.0", sizeof m1.job);
	m1.run = 1;
	m1.has_usage = 1;
	m1.code = 0;
	m1.wall_ms = 1500;
	memset(&m2, 0, sizeof m2);
	strlcpy(m2.job, "4.1", sizeof m2.job);
	m2.run = 2;
	m2.evicted = 1;
	m2.kill_reason = AGENTMSG_KILL_OWNER;
	strlcpy(m2.error, "slot is OWNER", sizeof m2.error);

	cr_assert_eq(ends_open(dir, err, sizeof err), 0, "%s", err);
	cr_assert_eq(ends_keep(&m1, 1), 0);
	cr_assert_eq(ends_keep(&m2, 2), 0);
	cr_assert_eq(ends_keep(&m2, 2), 0);	/* once only */
	cr_assert_eq(ends_pending(), 2);
	ends_done("3.0", 1);
	ends_done("9.9", 1);			/* not kept: nothing */
	cr_assert_eq(ends_pending(), 1);
	text = get();
	cr_assert(strncmp(text, HEADER "keep 1 {\"job\":\"3.0\"",
	    strlen(HEADER) + 19) == 0, "%s", text);
	cr_assert_not_null(strstr(text, "\ndone 3.0 1\n"), "%s", text);
	free(text);
	ends_close();

	/* The agent again: the end not acknowledged is there, alone. */
	cr_assert_eq(ends_open(dir, err, sizeof err), 0, "%s", err);
	cr_assert_eq(ends_take(&ke), 1);
	cr_assert_str_eq(ke[0].m.job, "4.1");
	cr_assert_eq(ke[0].m.run, 2);
	cr_assert_eq(ke[0].slot, 2);
	cr_assert(ke[0].m.evicted);
	cr_assert_eq(ke[0].m.kill_reason, AGENTMSG_KILL_OWNER);
	cr_assert_str_eq(ke[0].m.error, "slot is OWNER");
	free(ke);
	text = get();
	cr_assert(strncmp(text, HEADER "keep 2 {\"job\":\"4.1\"",
	    strlen(HEADER) + 19) == 0, "%s", text);
	cr_assert_null(strstr(text, "done"), "%s", text);
	free(text);
	cr_assert_eq(ends_pending(), 1);

	/* Its acknowledgement: nothing kept, an empty file. */
	ends_done("4.1", 2);
	cr_assert_eq(ends_pending(), 0);
	text = get();
	cr_assert_str_eq(text, "");
	free(text);
}

Test(ends, a_torn_last_record_is_dropped)
{
	struct kept_end	*ke;
	char		 err[256], *text;

	put(HEADER KEEP1 KEEP2 "keep 1 {\"job\":\"5.0\",\"ru");
	cr_assert_eq(ends_open(dir, err, sizeof err), 0, "%s", err);
	cr_assert_eq(ends_take(&ke), 2);
	cr_assert_str_eq(ke[0].m.job, "3.0");
	cr_assert_eq(ke[0].m.wall_ms, 8);
	cr_assert_str_eq(ke[1].m.job, "4.1");
	cr_assert_eq(ke[1].m.kill_reason, AGENTMSG_KILL_LEASE);
	free(ke);
	/* Written again without it: a later record does not follow it. */
	text = get();
	cr_assert_null(strstr(text, "5.0"), "%s", text);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	free(text);
}

Test(ends, a_torn_header_is_nothing)
{
	struct kept_end	*ke;
	size_t		 n, good;
	int		 torn;
	char		 err[256];

	cr_assert_eq(ends_parse("f", "cq-sta", 6, &ke, &n, &good, &torn, err,
	    sizeof err), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(good, 0);
	cr_assert(torn);
	cr_assert_eq(ends_parse("f", HEADER KEEP1, strlen(HEADER KEEP1), &ke,
	    &n, &good, &torn, err, sizeof err), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(good, strlen(HEADER KEEP1));
	cr_assert(!torn);
	free(ke);
}

Test(ends, damage_is_refused_and_left_alone)
{
	damaged("cq-startd ends 2\n" KEEP1,
	    "1: not an ends file (or another version)");
	damaged(HEADER "keep 1 {\"job\":\"3.0\"\n" KEEP2,
	    "2: bad kept end: truncated JSON");
	damaged(HEADER "keep 0 {\"job\":\"3.0\",\"run\":1}\n",
	    "2: bad kept end: slot number out of range");
	damaged(HEADER "keep 1 {\"job\":\"3.0\",\"run\":0}\n",
	    "2: bad kept end: run: out of range");
	damaged(HEADER "keep 1 {\"job\":\"3.0\",\"run\":1,\"bogus\":1}\n",
	    "2: bad kept end: unknown member");
	damaged(HEADER KEEP1 "done 4.1 2\n",
	    "3: acknowledgement of an end not kept: 4.1");
	damaged(HEADER KEEP1 "done 3.x 1\n",
	    "3: bad acknowledgement: not a job and run");
	damaged(HEADER KEEP1 "gone 3.0 1\n", "3: not a record");
}
