/*
 * test_stateck.c: unit tests for the pieces of "state known to be whole":
 * store.mark (statemark.c), the database's files read without SQLite
 * (dbfile.c) and the store's cluster-id floor and reserve hooks.  Each
 * test works in its own mkdtemp(3) directory under /tmp.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "dbfile.h"
#include "statemark.h"
#include "store.h"

static char	 tdir[64];
static char	 tdb[128];
static char	 twal[140];

static void
setup(void)
{
	snprintf(tdir, sizeof tdir, "/tmp/cq-test-stateck-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	snprintf(tdb, sizeof tdb, "%s/queue.db", tdir);
	snprintf(twal, sizeof twal, "%s-wal", tdb);
}

static void
teardown(void)
{
	static const char *const names[] = { "queue.db", "queue.db-wal",
	    "queue.db-shm", STATEMARK_NAME, STATEMARK_NAME ".tmp" };
	char	 p[160];
	size_t	 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", tdir, names[i]);
		unlink(p);
	}
	rmdir(tdir);
}

TestSuite(stateck, .init = setup, .fini = teardown);

static void
put(const char *name, const char *text)
{
	char	 p[160];
	FILE	*f;

	snprintf(p, sizeof p, "%s/%s", tdir, name);
	cr_assert_not_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

Test(stateck, mark_round_trip)
{
	struct statemark	 m, r;
	char			 err[256];

	memset(&m, 0, sizeof m);
	memcpy(m.db_id, "0123456789abcdef0123456789abcdef", 33);
	m.reserved = 2000;
	m.committed = 1234;
	m.events = 99999;
	m.wal = 1;
	m.wal_salt1 = 0xdeadbeef;
	m.wal_salt2 = 7;
	m.wal_frames = 4242;
	cr_assert_eq(statemark_write(tdir, &m, 1), 0);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), 1, "%s", err);
	cr_assert_str_eq(r.db_id, m.db_id);
	cr_assert_eq(r.reserved, 2000);
	cr_assert_eq(r.committed, 1234);
	cr_assert_eq(r.events, 99999);
	cr_assert_eq(r.wal, 1);
	cr_assert_eq(r.wal_salt1, 0xdeadbeef);
	cr_assert_eq(r.wal_salt2, 7);
	cr_assert_eq(r.wal_frames, 4242);

	m.wal = 0;
	cr_assert_eq(statemark_write(tdir, &m, 0), 0);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), 1, "%s", err);
	cr_assert_eq(r.wal, 0);
}

Test(stateck, mark_none_and_bad)
{
	struct statemark	 r;
	char			 err[256];
	const char		*id =
	    "db_id 0123456789abcdef0123456789abcdef\n";
	char			 text[512];

	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), 0);
	put(STATEMARK_NAME, "");
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "empty"), "%s", err);

	/* The last line cut off (a torn write would be; rename prevents). */
	snprintf(text, sizeof text, "format 1\n%sreserved 10", id);
	put(STATEMARK_NAME, text);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, ":3: the last line is cut off"), "%s",
	    err);

	snprintf(text, sizeof text, "format 1\n%sreserved 10\ncommitted 5\n"
	    "events 0\nwal maybe\n", id);
	put(STATEMARK_NAME, text);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, ":6: bad value"), "%s", err);

	snprintf(text, sizeof text, "format 1\n%sreserved 10\ncommitted 5\n"
	    "events 0\nwal absent\ncolour blue\n", id);
	put(STATEMARK_NAME, text);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, ":7: unknown key"), "%s", err);

	/* A WAL expected without its salts. */
	snprintf(text, sizeof text, "format 1\n%sreserved 10\ncommitted 5\n"
	    "events 0\nwal present\n", id);
	put(STATEMARK_NAME, text);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "keys missing"), "%s", err);

	snprintf(text, sizeof text, "format 2\n%s", id);
	put(STATEMARK_NAME, text);
	cr_assert_eq(statemark_read(tdir, &r, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "format"), "%s", err);
}

static struct store *
open_ok(void)
{
	struct store	*s;
	const char	*errstr = NULL;

	s = store_open(tdb, &errstr);
	cr_assert_not_null(s, "store_open: %s", errstr ? errstr : "?");
	return s;
}

/* N clusters, each in its own transaction. */
static void
clusters(struct store *s, int n)
{
	uint32_t	 c;
	int		 i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(store_begin(s), 0);
		cr_assert_eq(store_cluster_new(s, 0, "root", 0, NULL, 1, &c),
		    0);
		cr_assert_eq(store_commit(s), 0);
	}
}

static void
poke(const char *path, off_t off, const char *bytes)
{
	int	 fd;

	cr_assert_neq(fd = open(path, O_WRONLY), -1);
	cr_assert_eq(pwrite(fd, bytes, strlen(bytes), off),
	    (ssize_t)strlen(bytes));
	close(fd);
}

/* Invert the byte at OFF of PATH. */
static void
flip(const char *path, off_t off)
{
	unsigned char	 b;
	int		 fd;

	cr_assert_neq(fd = open(path, O_RDWR), -1);
	cr_assert_eq(pread(fd, &b, 1, off), 1);
	b = (unsigned char)~b;
	cr_assert_eq(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

Test(stateck, wal_frames_and_damage)
{
	struct store		*s;
	struct dbfile_wal	 w;
	struct dbfile_db	 d;
	int			 frames;

	s = open_ok();
	clusters(s, 20);
	frames = store_wal_frames(s);
	cr_assert_gt(frames, 20);
	/* The connection stays open: its WAL stays as it is. */
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	cr_assert(w.exists && w.header_ok);
	cr_assert_eq(w.frames, (uint32_t)frames);
	cr_assert_eq(w.bad_frame, 0);
	cr_assert_eq(w.lost_commits, 0);
	cr_assert_eq(dbfile_db(tdb, &d), 0);
	cr_assert(d.exists && d.header_ok);
	cr_assert_eq(d.pagesize, w.pagesize);

	/* A damaged page in frame 2: the commits after it are seen. */
	poke(twal, 32 + (24 + w.pagesize) + 24 + 100, "garbage");
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	cr_assert_eq(w.bad_frame, 2);
	cr_assert_lt(w.frames, 2);
	cr_assert_gt(w.lost_commits, 10);

	/* Cut at a frame boundary: fewer frames, nothing after. */
	cr_assert_eq(truncate(twal, 32 + 5 * (24 + (off_t)w.pagesize)), 0);
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	cr_assert_eq(w.bad_frame, 2);

	/*
	 * A damaged header: SQLite would ignore the whole log.  (A byte of
	 * the random salt flipped: a fixed one is the byte there 1 in 256.)
	 */
	flip(twal, 16);
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	cr_assert(w.exists && !w.header_ok);
	store_close(s);
}

Test(stateck, wal_torn_tail_is_no_loss)
{
	struct store		*s;
	struct dbfile_wal	 w;
	int			 frames;

	s = open_ok();
	clusters(s, 5);
	frames = store_wal_frames(s);
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	/* Half a frame more, as a kill between two writes leaves. */
	cr_assert_eq(truncate(twal, w.size + 24 + w.pagesize / 2), 0);
	cr_assert_eq(dbfile_wal(twal, &w), 0);
	cr_assert_eq(w.frames, (uint32_t)frames);
	cr_assert_eq(w.lost_commits, 0);
	store_close(s);
}

Test(stateck, db_file)
{
	struct dbfile_db	 d;
	struct store		*s;

	cr_assert_eq(dbfile_db(tdb, &d), 0);
	cr_assert_eq(d.exists, 0);
	put("queue.db", "");
	cr_assert_eq(dbfile_db(tdb, &d), 0);
	cr_assert(d.exists && d.size == 0 && !d.header_ok);
	unlink(tdb);
	s = open_ok();
	store_close(s);
	cr_assert_eq(dbfile_db(tdb, &d), 0);
	cr_assert(d.header_ok);
	cr_assert_eq(d.size, (off_t)d.npages * d.pagesize);
}

static int	 reserved_calls;
static int64_t	 reserved_id;
static int	 reserve_fail;

static int
reserve(void *arg, int64_t id)
{
	(void)arg;
	reserved_calls++;
	reserved_id = id;
	if (reserve_fail) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

Test(stateck, cluster_floor_and_reserve)
{
	struct store	*s;
	uint32_t	 c;

	s = open_ok();
	cr_assert_eq(store_cluster_seq(s), 0);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_cluster_floor(s, 1000), 0);
	cr_assert_eq(store_commit(s), 0);
	cr_assert_eq(store_cluster_seq(s), 1000);
	store_state_hooks(s, 1001, reserve, NULL, NULL);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_cluster_new(s, 0, "root", 0, NULL, 1, &c), 0);
	cr_assert_eq(c, 1001);
	cr_assert_eq(reserved_calls, 0);
	cr_assert_eq(store_cluster_new(s, 0, "root", 0, NULL, 1, &c), 0);
	cr_assert_eq(c, 1002);
	cr_assert_eq(reserved_calls, 1);
	cr_assert_eq(reserved_id, 1002);
	cr_assert_eq(store_commit(s), 0);
	/* A floor never lowers the counter. */
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_cluster_floor(s, 5), 0);
	cr_assert_eq(store_commit(s), 0);
	cr_assert_eq(store_cluster_seq(s), 1002);
	/* A reserve that cannot be written refuses the id. */
	reserve_fail = 1;
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_cluster_new(s, 0, "root", 0, NULL, 1, &c), -1);
	cr_assert_str_eq(store_failure(s), "the scheduler's disk is full");
	cr_assert_eq(store_rollback(s), 0);
	cr_assert_eq(store_cluster_seq(s), 1002);
	store_close(s);
}

Test(stateck, db_id_and_peek)
{
	struct store		*s;
	struct store_peek	 p;
	char			 id[40], err[256];

	s = open_ok();
	cr_assert_eq(store_db_id(s, id, sizeof id), 0);
	cr_assert_eq(store_begin(s), 0);
	cr_assert_eq(store_db_id_set(s, "0123456789abcdef0123456789abcdef"),
	    0);
	cr_assert_eq(store_count_start(s), 0);
	cr_assert_eq(store_count_start(s), 0);
	cr_assert_eq(store_commit(s), 0);
	cr_assert_eq(store_db_id(s, id, sizeof id), 1);
	cr_assert_str_eq(id, "0123456789abcdef0123456789abcdef");
	clusters(s, 3);
	cr_assert_eq(store_peek(tdb, 1, &p, NULL, NULL, err, sizeof err), 0,
	    "%s", err);
	cr_assert(p.has_id);
	cr_assert_str_eq(p.db_id, "0123456789abcdef0123456789abcdef");
	cr_assert_eq(p.seq, 3);
	cr_assert_eq(p.readonly, 1);
	store_close(s);
}
