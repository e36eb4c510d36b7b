/*
 * test_commit.c: commit.c's stall when the disk refuses a write in the
 * middle of a loop turn, not at its commit.  The store is on a tmpfs of
 * 1 MiB and the turn writes more than SQLite's page cache holds, so the
 * cache spills to the WAL inside a write, which fails (SQLITE_FULL) and
 * holds the store.  That stall is one as at a commit: known since when,
 * why (the disk is full), and a client's request is told so.
 */
#include "config.h"

#include <sys/mount.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <json-c/json.h>

#include "commit.h"
#include "diskwatch.h"
#include "schedd.h"
#include "store.h"

struct schedd	*sd;

/* main.c's: the loop turn's end is called by hand here. */
void
schedd_turn_request(void)
{
}

static char	 tdir[64];
static char	 tdb[128];
static int	 mounted;

static void
setup(void)
{
	snprintf(tdir, sizeof tdir, "/tmp/cq-test-commit-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(tdb, sizeof tdb, "%s/cq.db", tdir);
	mounted = getuid() == 0 && mount("cq-test-commit", tdir, "tmpfs", 0,
	    "size=1m,mode=0700") == 0;
}

static void
teardown(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char	 p[160];
	size_t	 i;

	if (mounted)
		umount2(tdir, MNT_DETACH);
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", tdb, sfx[i]);
		unlink(p);
	}
	rmdir(tdir);
}

TestSuite(commit, .init = setup, .fini = teardown);

Test(commit, a_write_refused_mid_turn_stalls_as_at_commit)
{
	struct schedd	 s;
	struct json_object	*o;
	const char	*errstr = NULL, *why, *w;
	char		*big;
	size_t		 n;

	if (!mounted)
		cr_skip_test("mounting a tmpfs needs root");
	memset(&s, 0, sizeof s);
	sd = &s;
	sd->store = store_open(tdb, &errstr);
	cr_assert_not_null(sd->store, "store_open: %s", errstr);
	cr_assert_eq(commit_stalled(), 0);

	big = malloc(64 * 1024);
	cr_assert_not_null(big);
	memset(big, 'x', 64 * 1024 - 1);
	big[64 * 1024 - 1] = '\0';
	cr_assert_eq(commit_begin(), 0);
	/* Past the 64 MiB cache: a write, not a commit, meets the disk. */
	for (n = 0; n < 2048 && !commit_stalled(); n++)
		cr_assert_eq(store_event_add(sd->store, 1, 0, 1, "submit", 0,
		    big), 0, "write %zu not kept", n);
	free(big);
	cr_assert_eq(commit_stalled(), 1, "no write was refused");
	cr_assert(store_failure_full(sd->store));

	cr_assert_gt(commit_stall_since(), 0,
	    "the stall's start time is not set");
	why = commit_stall_why();
	cr_assert_not_null(why);
	cr_assert_not_null(strstr(why, "disk is full"),
	    "the stall's reason: '%s'", why);

	/* cq status's pool row says so. */
	o = diskwatch_json();
	w = json_object_get_string(json_object_object_get(o, "warning"));
	cr_assert(json_object_get_boolean(json_object_object_get(o,
	    "stalled")));
	cr_assert(w != NULL && strstr(w, "stalled for ") != NULL &&
	    strstr(w, "disk is full") != NULL, "cq status: '%s'", w);
	json_object_put(o);

	/* A client's request is refused with the disk-full message. */
	cr_assert_eq(commit_request_begin(), 0);
	cr_assert_eq(commit_request_end(), -1);
	cr_assert_not_null(strstr(commit_request_why(), "disk is full"),
	    "the client is told '%s'", commit_request_why());

	commit_shutdown();
	store_close(sd->store);
	sd = NULL;
}
