/*
 * stateck.c: state known to be whole.  STATE_DIR/store.mark (statemark.c)
 * records what the next start must find of queue.db:
 *
 * - the database's id (a random id also stored in it), so that another
 *   queue's database or an empty new one is not taken for it;
 * - the cluster ids: "reserved" is a ceiling on every id handed out, raised
 *   in blocks of STATECK_BLOCK before an id above it is used (one synced
 *   write per block, not per submit), and "committed" a floor of what the
 *   database held when the mark was written;
 * - whether a WAL must be there (written after the start's first commit,
 *   cleared at a clean stop), its salts and how many frames it held:
 *   refreshed when SQLite starts the log over and, while it grows, at most
 *   once a STATECK_MARK_MS from the tick (the file synced, not the
 *   directory: an older mark only expects less).
 *
 * Before anything is opened read-write, stateck_start() checks the files
 * (dbfile.c) and a read-only look into the database (store-peek.c)
 * against the mark.  A missing, empty, truncated or read-only database, a
 * WAL that is missing, damaged, shorter than it was or not the one left
 * behind, a database without the id or with fewer cluster ids than it
 * held: each is reported with what to do, and the start refused, leaving
 * every file as it was.  --fresh moves the old files aside instead and
 * starts a new queue whose cluster ids go on above the old reserved
 * ceiling (and above any cluster the old spool or database names), so no
 * id is ever handed out twice.  A SIGKILLed scheduler leaves a WAL with
 * at least what the mark expects: it restarts as ever.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbfile.h"
#include "log.h"
#include "statemark.h"
#include "stateck.h"
#include "store.h"

#define STATECK_BLOCK	1000		/* cluster ids reserved at once */
#define STATECK_MARK_MS	1000		/* the WAL's frames, at most so often */

enum stateck_hint {
	HINT_RESTORE,			/* restore or start afresh */
	HINT_WRITABLE,			/* make it writable */
	HINT_NONE
};

struct stateck {
	const char		*dir;
	const char		*db;
	char			 wal[PATH_MAX];
	char			 shm[PATH_MAX];
	int			 check;		/* --check: report, all of it */
	int			 has_mark;
	struct statemark	 mark;
	struct dbfile_db	 dbf;
	struct dbfile_wal	 walf;
	struct store_peek	 peek;
	int			 peeked;
	int			 first;		/* nothing there yet */
	char			 wal_gone[PATH_MAX + 256]; /* not the WAL left */
	int			 nproblems;
	int			 hints[HINT_NONE];
	int64_t			 floor;		/* fresh: ids above it */
	int			 fresh;

	/* While running. */
	struct store		*store;
	int64_t			 mark_next;	/* mono ms */
	int			 mark_dirty;
};

static struct stateck	ck;

static FILE *
stateck_out(void)
{
	return ck.check ? stdout : stderr;
}

static void
stateck_problem(enum stateck_hint hint, const char *fmt, ...)
{
	va_list	 ap;

	if (ck.nproblems++ == 0 && !ck.check)
		fprintf(stderr, "cq-schedd: %s the queue in %s is not "
		    "whole%s:\n", ck.fresh ? "--fresh:" : "refusing to start:",
		    ck.dir, ck.fresh ? "" : " (nothing was changed)");
	ck.hints[hint] = 1;
	fprintf(stateck_out(), "%s", ck.check ? "BAD   " : "  - ");
	va_start(ap, fmt);
	vfprintf(stateck_out(), fmt, ap);
	va_end(ap);
	fputc('\n', stateck_out());
}

/* --check only: what was found whole. */
static void
stateck_ok(const char *fmt, ...)
{
	va_list	 ap;

	if (!ck.check)
		return;
	printf("ok    ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
stateck_note(const char *fmt, ...)
{
	va_list	 ap;

	if (!ck.check)
		return;
	printf("note  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int
stateck_exists(const char *path)
{
	struct stat	 sb;

	return lstat(path, &sb) == 0;
}

/* The highest cluster the spool names (STATE_DIR/spool/<c>[.<p>]). */
static int64_t
stateck_spool_max(const char *dir)
{
	char		 path[PATH_MAX];
	struct dirent	*e;
	DIR		*d;
	int64_t		 max = 0, c;
	char		*end;

	snprintf(path, sizeof path, "%s/spool", dir);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		errno = 0;
		c = (int64_t)strtoull(e->d_name, &end, 10);
		if (errno == 0 && (*end == '\0' || *end == '.') &&
		    c <= UINT32_MAX && c > max)
			max = c;
	}
	closedir(d);
	return max;
}

static void
stateck_peek_problem(void *arg, const char *line)
{
	(void)arg;
	stateck_problem(HINT_RESTORE, "SQLite's integrity check: %s", line);
}

/* Whether this user may write PATH (which exists); a problem if not. */
static void
stateck_writable(const char *path, const char *what)
{
	if (access(path, W_OK) == 0 || errno == ENOENT)
		return;
	stateck_problem(HINT_WRITABLE, "%s is read-only (%s)%s", what,
	    strerror(errno), ck.check ? " for this user" : "");
}

/* The database file alone; 0 if it can be opened at all. */
static int
stateck_db_file(void)
{
	if (!ck.dbf.exists) {
		char	 um[PATH_MAX];

		snprintf(um, sizeof um, "%s/userlog.mark", ck.dir);
		if (ck.has_mark)
			stateck_problem(HINT_RESTORE, "%s is missing, but %s "
			    "records its queue (id %s, cluster ids up to %"
			    PRId64 " reserved)", ck.db, STATEMARK_NAME,
			    ck.mark.db_id, ck.mark.reserved);
		else if (ck.walf.exists)
			stateck_problem(HINT_RESTORE, "%s is missing but its "
			    "WAL %s is there", ck.db, ck.wal);
		else if (stateck_spool_max(ck.dir) > 0 || stateck_exists(um))
			stateck_problem(HINT_RESTORE, "%s is missing but this "
			    "directory held a queue (%s)", ck.db,
			    stateck_exists(um) ? "userlog.mark" : "spool/");
		else
			ck.first = 1;
		return -1;
	}
	if (ck.dbf.size == 0) {
		stateck_problem(HINT_RESTORE, "%s is empty (0 bytes)", ck.db);
		return -1;
	}
	if (!ck.dbf.header_ok) {
		stateck_problem(HINT_RESTORE, "%s is not an SQLite database "
		    "(its header is damaged)", ck.db);
		return -1;
	}
	if (ck.dbf.size % ck.dbf.pagesize != 0 ||
	    ck.dbf.size < (off_t)ck.dbf.npages * ck.dbf.pagesize) {
		/*
		 * A checkpoint cut short by a crash can leave the file short
		 * of pages its WAL still holds: SQLite's check decides then.
		 */
		if (ck.walf.frames > 0 && ck.dbf.size % ck.dbf.pagesize == 0)
			return 1;
		stateck_problem(HINT_RESTORE, "%s is truncated: %lld bytes, "
		    "its header says %u pages of %u (%lld bytes)", ck.db,
		    (long long)ck.dbf.size, ck.dbf.npages, ck.dbf.pagesize,
		    (long long)ck.dbf.npages * ck.dbf.pagesize);
		return -1;
	}
	stateck_ok("%s: %u pages of %u bytes", ck.db, ck.dbf.npages,
	    ck.dbf.pagesize);
	return 0;
}

/* The WAL against the mark. */
static void
stateck_wal(void)
{
	const struct statemark	*m = &ck.mark;
	const struct dbfile_wal	*w = &ck.walf;

	if (w->exists && w->header_ok && w->lost_commits > 0)
		stateck_problem(HINT_RESTORE, "%s is damaged at frame %u: "
		    "%u committed transaction%s after it would be lost",
		    ck.wal, w->bad_frame, w->lost_commits,
		    w->lost_commits == 1 ? "" : "s");
	if (!ck.has_mark || !m->wal) {
		if (w->exists && w->header_ok)
			stateck_ok("%s: %u frames", ck.wal, w->frames);
		return;
	}
	/*
	 * Another program that opened the database after a crash (sqlite3)
	 * copies the WAL in and removes it: that is fine if the database
	 * holds what the mark knew of (stateck_gone()).
	 */
	if (!w->exists) {
		snprintf(ck.wal_gone, sizeof ck.wal_gone, "%s is missing: the "
		    "scheduler did not stop cleanly and its WAL held the last "
		    "%u frames or more of committed changes", ck.wal,
		    m->wal_frames);
		return;
	}
	if (!w->header_ok) {
		snprintf(ck.wal_gone, sizeof ck.wal_gone, "%s is %s: it held "
		    "%u frames or more of committed changes", ck.wal,
		    w->size == 0 ? "empty" : "damaged (its header)",
		    m->wal_frames);
		return;
	}
	if (w->salt1 == m->wal_salt1 && w->salt2 == m->wal_salt2) {
		if (w->frames < m->wal_frames) {
			stateck_problem(HINT_RESTORE, "%s holds %u valid "
			    "frames, it held %u: truncated or damaged%s",
			    ck.wal, w->frames, m->wal_frames, w->bad_frame ?
			    " (from its end or a bad frame)" : "");
			return;
		}
	} else if (w->salt1 != m->wal_salt1 + 1) {
		/* SQLite adds one to the first salt when it starts over. */
		snprintf(ck.wal_gone, sizeof ck.wal_gone, "%s is not the WAL "
		    "the scheduler left (salt %08x, expected %08x or the "
		    "next)", ck.wal, w->salt1, m->wal_salt1);
		return;
	}
	stateck_ok("%s: %u frames (at least %u expected)", ck.wal, w->frames,
	    w->salt1 == m->wal_salt1 ? m->wal_frames : 0);
}

/*
 * SQLite makes a missing WAL and its index even to read a database: a
 * look leaves none that was not there.
 */
static int	stateck_had_wal, stateck_had_shm;

static void
stateck_peek_begin(void)
{
	stateck_had_wal = stateck_exists(ck.wal);
	stateck_had_shm = stateck_exists(ck.shm);
}

static void
stateck_peek_end(void)
{
	struct stat	 sb;

	if (!stateck_had_wal && stat(ck.wal, &sb) == 0 && sb.st_size == 0) {
		unlink(ck.wal);
		if (!stateck_had_shm)
			unlink(ck.shm);
	}
}

/* A read-only look inside: the id and the cluster ids. */
static void
stateck_inside(int integrity)
{
	char		 err[512];
	int		 before = ck.nproblems, rc;

	stateck_peek_begin();
	rc = store_peek(ck.db, integrity, &ck.peek, stateck_peek_problem,
	    NULL, err, sizeof err);
	stateck_peek_end();
	if (rc == -1) {
		stateck_problem(HINT_RESTORE, "SQLite cannot read %s: %s",
		    ck.db, err);
		return;
	}
	ck.peeked = 1;
	if (integrity && ck.nproblems == before)
		stateck_ok("%s: SQLite's integrity check", ck.db);
	if (!ck.has_mark) {
		stateck_note("no %s: a database from before marks, adopted "
		    "as it is at the next start", STATEMARK_NAME);
		return;
	}
	if (!ck.peek.has_id)
		stateck_problem(HINT_RESTORE, "%s has no id: it is not the "
		    "database the scheduler left (%s)", ck.db, ck.mark.db_id);
	else if (strcmp(ck.peek.db_id, ck.mark.db_id) != 0)
		stateck_problem(HINT_RESTORE, "%s is another database (id %s, "
		    "the scheduler left %s)", ck.db, ck.peek.db_id,
		    ck.mark.db_id);
	else
		stateck_ok("%s: id %s", ck.db, ck.peek.db_id);
	if (ck.wal_gone[0] != '\0')
		;	/* stateck_gone() says it */
	else if (ck.peek.seq < ck.mark.committed)
		stateck_problem(HINT_RESTORE, "%s holds cluster ids up to "
		    "%" PRId64 ", but it held up to %" PRId64 ": committed "
		    "changes are missing", ck.db, ck.peek.seq,
		    ck.mark.committed);
	else
		stateck_ok("cluster ids: up to %" PRId64 " (held at least "
		    "%" PRId64 ", reserved up to %" PRId64 ")", ck.peek.seq,
		    ck.mark.committed, ck.mark.reserved);
}

/*
 * The WAL the scheduler left is gone or another: refused unless the
 * database (with whatever WAL there is) holds every cluster and job event
 * the mark knew of.
 */
static void
stateck_gone(void)
{
	if (ck.wal_gone[0] == '\0')
		return;
	if (!ck.peeked || ck.peek.events < ck.mark.events ||
	    ck.peek.seq < ck.mark.committed) {
		if (ck.peeked)
			stateck_problem(HINT_RESTORE, "%s (without it %s holds "
			    "job events up to %" PRId64 " of the %" PRId64
			    " committed)",
			    ck.wal_gone, ck.db, ck.peek.events,
			    ck.mark.events);
		else
			stateck_problem(HINT_RESTORE, "%s", ck.wal_gone);
		return;
	}
	stateck_note("%s, but %s holds every change %s knew of (another "
	    "program moved the WAL in?)", ck.wal_gone, ck.db, STATEMARK_NAME);
	if (!ck.check)
		log_warnx("%s, but %s holds every change %s knew of: going on",
		    ck.wal_gone, ck.db, STATEMARK_NAME);
}

/* Everything but the spool; the number of problems. */
static int
stateck_verify(int integrity)
{
	char	 err[512];
	int	 rc;

	snprintf(ck.wal, sizeof ck.wal, "%s-wal", ck.db);
	snprintf(ck.shm, sizeof ck.shm, "%s-shm", ck.db);
	if ((rc = statemark_read(ck.dir, &ck.mark, err, sizeof err)) == -1)
		stateck_problem(HINT_RESTORE, "%s (write a new one with "
		    "--fresh)", err);
	ck.has_mark = rc == 1;
	if (ck.has_mark)
		stateck_ok("%s: reserved %" PRId64 ", committed %" PRId64
		    ", WAL %s", STATEMARK_NAME, ck.mark.reserved,
		    ck.mark.committed, ck.mark.wal ? "expected" : "not expected");
	if (dbfile_db(ck.db, &ck.dbf) == -1) {
		stateck_problem(HINT_WRITABLE, "%s: %s", ck.db,
		    strerror(errno));
		return ck.nproblems;
	}
	if (dbfile_wal(ck.wal, &ck.walf) == -1) {
		stateck_problem(HINT_WRITABLE, "%s: %s", ck.wal,
		    strerror(errno));
		return ck.nproblems;
	}
	rc = stateck_db_file();
	if (ck.first)
		return ck.nproblems;
	stateck_writable(ck.dir, ck.dir);
	stateck_writable(ck.db, ck.db);
	stateck_writable(ck.wal, ck.wal);
	stateck_writable(ck.shm, ck.shm);
	stateck_wal();
	if (rc != -1 && (ck.nproblems == 0 || ck.check))
		stateck_inside(integrity || rc == 1);
	stateck_gone();
	return ck.nproblems;
}

/* Say what to do after the problems. */
static void
stateck_advice(void)
{
	if (ck.hints[HINT_WRITABLE])
		fprintf(stateck_out(), "  Make the state directory and its files "
		    "writable for the scheduler's user (chmod, chown, or "
		    "remount the file system read-write), then start again.\n");
	if (ck.hints[HINT_RESTORE])
		fprintf(stateck_out(), "  Restore %s with its -wal file and %s from "
		    "a backup, or start a new, empty queue with cq-schedd "
		    "--fresh: the damaged files are moved to %s/damaged.TIME, "
		    "nothing is deleted, and cluster ids go on above every id "
		    "handed out before.\n", ck.db, STATEMARK_NAME, ck.dir);
}

/* Move NAME (if there) into ASIDE. */
static void
stateck_aside(const char *aside, const char *name)
{
	char	 from[PATH_MAX], to[PATH_MAX];

	snprintf(from, sizeof from, "%s/%s", ck.dir, name);
	snprintf(to, sizeof to, "%s/%s", aside, name);
	if (!stateck_exists(from))
		return;
	if (rename(from, to) == -1) {
		fprintf(stderr, "cq-schedd: --fresh: cannot move %s to %s: "
		    "%s\n", from, to, strerror(errno));
		exit(1);
	}
}

/* Copy store.mark (if any) into ASIDE as it is. */
static void
stateck_copy_mark(const char *aside)
{
	char	 from[PATH_MAX + 16], to[PATH_MAX + 16], buf[4096];
	ssize_t	 n;
	int	 in, out;

	snprintf(from, sizeof from, "%s/%s", ck.dir, STATEMARK_NAME);
	snprintf(to, sizeof to, "%s/%s", aside, STATEMARK_NAME);
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		close(in);
		fprintf(stderr, "cq-schedd: --fresh: %s: %s\n", to,
		    strerror(errno));
		exit(1);
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n != 0 || fsync(out) == -1) {
		fprintf(stderr, "cq-schedd: --fresh: cannot copy %s to %s\n",
		    from, to);
		exit(1);
	}
	close(in);
	close(out);
}

/* --fresh: the old queue's files into STATE_DIR/damaged.TIME. */
static void
stateck_fresh(void)
{
	char		 aside[PATH_MAX], stamp[32], *base, err[512];
	time_t		 t = time(NULL);
	struct tm	*tm = gmtime(&t);
	int64_t		 spool;

	/* What a malformed mark held before its fault counts too. */
	ck.floor = ck.mark.reserved;
	if (ck.mark.committed > ck.floor)
		ck.floor = ck.mark.committed;
	if (!ck.peeked && ck.dbf.header_ok) {
		/* Whatever of the old database SQLite can still read. */
		stateck_peek_begin();
		if (store_peek(ck.db, 0, &ck.peek, NULL, NULL, err,
		    sizeof err) == 0)
			ck.peeked = 1;
		stateck_peek_end();
	}
	if (ck.peeked && ck.peek.seq > ck.floor)
		ck.floor = ck.peek.seq;
	if ((spool = stateck_spool_max(ck.dir)) > ck.floor)
		ck.floor = spool;
	if (!ck.dbf.exists && !ck.walf.exists && !ck.has_mark &&
	    ck.floor == 0 && ck.nproblems == 0) {
		log_info("--fresh: %s holds no queue yet", ck.dir);
		return;
	}
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", tm);
	snprintf(aside, sizeof aside, "%s/damaged.%s", ck.dir, stamp);
	if (mkdir(aside, 0700) == -1) {
		fprintf(stderr, "cq-schedd: --fresh: %s: %s\n", aside,
		    strerror(errno));
		exit(1);
	}
	/*
	 * The old mark is copied aside and replaced by one that keeps the
	 * floor: a crash before the new queue's start leaves a directory
	 * without a database that the next start refuses, and the next
	 * --fresh finds the floor again.
	 */
	stateck_copy_mark(aside);
	ck.mark.reserved = ck.floor;
	ck.mark.committed = ck.floor;
	ck.mark.wal = 0;
	if (ck.mark.db_id[0] == '\0')
		memset(ck.mark.db_id, '0', STATEMARK_ID_LEN);
	if (statemark_write(ck.dir, &ck.mark, 1) == -1) {
		fprintf(stderr, "cq-schedd: --fresh: %s/%s: %s\n", ck.dir,
		    STATEMARK_NAME, strerror(errno));
		exit(1);
	}
	base = strrchr(ck.db, '/');
	base = base != NULL ? base + 1 : (char *)ck.db;
	stateck_aside(aside, base);
	stateck_aside(aside, strrchr(ck.wal, '/') + 1);
	stateck_aside(aside, strrchr(ck.shm, '/') + 1);
	stateck_aside(aside, "userlog.mark");
	stateck_aside(aside, "spool");
	log_warnx("--fresh: the old queue is in %s; a new queue starts with "
	    "cluster ids above %" PRId64, aside, ck.floor);
	memset(&ck.dbf, 0, sizeof ck.dbf);
	memset(&ck.walf, 0, sizeof ck.walf);
	ck.has_mark = 0;
	ck.first = 1;
}

void
stateck_start(const char *state_dir, const char *dbpath, int fresh)
{
	ck.dir = state_dir;
	ck.db = dbpath;
	ck.fresh = fresh;
	if (stateck_verify(0) > 0 && !fresh) {
		stateck_advice();
		fprintf(stderr, "  cq-schedd --check reports on the "
		    "directory.\n");
		exit(1);
	}
	if (fresh && ck.nproblems == 0 && !ck.first) {
		fprintf(stderr, "cq-schedd: --fresh: the queue in %s is whole; "
		    "--fresh starts afresh over damaged state only, and this "
		    "queue is not (move it away yourself to drop it)\n",
		    state_dir);
		exit(1);
	}
	if (fresh)
		stateck_fresh();
}

/* A new id for a database: 32 hex digits. */
static void
stateck_new_id(char *id)
{
	unsigned char	 b[STATEMARK_ID_LEN / 2];
	size_t		 i;

	arc4random_buf(b, sizeof b);
	for (i = 0; i < sizeof b; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* The WAL's salts (and FRAMES) into the mark. */
static void
stateck_mark_wal(uint32_t frames)
{
	struct dbfile_wal	 w;

	if (dbfile_wal_header(ck.wal, &w) == -1 || !w.header_ok ||
	    frames == 0) {
		ck.mark.wal = 0;
		return;
	}
	ck.mark.wal = 1;
	ck.mark.wal_salt1 = w.salt1;
	ck.mark.wal_salt2 = w.salt2;
	ck.mark.wal_frames = frames;
}

static int
stateck_mark_write(int durable)
{
	if (statemark_write(ck.dir, &ck.mark, durable) == -1) {
		/* Once, not every tick of a full disk. */
		if (!ck.mark_dirty)
			log_warn("%s/%s (tried again each second)", ck.dir,
			    STATEMARK_NAME);
		ck.mark_dirty = 1;
		return -1;
	}
	if (ck.mark_dirty)
		log_info("%s/%s written again", ck.dir, STATEMARK_NAME);
	ck.mark_dirty = 0;
	return 0;
}

/* Before cluster id ID is handed out: reserve a block from it on. */
static int
stateck_reserve(void *arg, int64_t id)
{
	int64_t	 old = ck.mark.reserved;
	int	 saved;

	(void)arg;
	ck.mark.reserved = id + STATECK_BLOCK - 1;
	if (ck.mark.reserved > UINT32_MAX)
		ck.mark.reserved = UINT32_MAX;
	if (statemark_write(ck.dir, &ck.mark, 1) == -1) {
		saved = errno;
		log_warn("cannot reserve cluster ids in %s/%s", ck.dir,
		    STATEMARK_NAME);
		ck.mark.reserved = old;
		errno = saved;
		return -1;
	}
	store_cluster_limit(ck.store, ck.mark.reserved);
	log_debug("cluster ids reserved up to %" PRId64, ck.mark.reserved);
	return 0;
}

/* SQLite started the WAL over: its new salts, at once. */
static void
stateck_wal_reset(void *arg)
{
	(void)arg;
	stateck_mark_wal((uint32_t)store_wal_frames(ck.store));
	stateck_mark_write(0);
}

/* Make a new database at DB atomically: built aside, then renamed. */
static void
stateck_create(void)
{
	struct store	*s;
	const char	*errstr;
	char		 tmp[PATH_MAX], id[STATEMARK_ID_LEN + 1];
	char		 side[PATH_MAX + 8];
	int		 fd;

	snprintf(tmp, sizeof tmp, "%s.new", ck.db);
	unlink(tmp);
	snprintf(side, sizeof side, "%s-wal", tmp);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", tmp);
	unlink(side);
	if ((s = store_open(tmp, &errstr)) == NULL)
		fatalx("%s: %s", tmp, errstr);
	stateck_new_id(id);
	if (store_begin(s) == -1 || store_db_id_set(s, id) == -1 ||
	    (ck.floor > 0 && store_cluster_floor(s, ck.floor) == -1) ||
	    store_commit(s) == -1)
		fatalx("%s: cannot set up a new database: %s", tmp,
		    store_failure(s));
	store_close(s);
	if (rename(tmp, ck.db) == -1)
		fatal("rename %s to %s", tmp, ck.db);
	if ((fd = open(ck.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(fd) == -1)
			log_warn("fsync %s", ck.dir);
		close(fd);
	}
	log_info("a new queue database %s (id %s)%s", ck.db, id,
	    ck.floor > 0 ? ", cluster ids go on above the old ones" : "");
}

struct store *
stateck_open(void)
{
	struct store	*s;
	const char	*errstr;
	char		 id[STATEMARK_ID_LEN + 8];
	int64_t		 seq;
	int		 rc, wrote;

	if (ck.first)
		stateck_create();
	if ((s = store_open(ck.db, &errstr)) == NULL)
		fatalx("%s: %s", ck.db, errstr);
	if (store_readonly(s))
		fatalx("%s is read-only: make it and %s writable for the "
		    "scheduler's user, then start again", ck.db, ck.dir);
	ck.store = s;
	if (store_begin(s) == -1 || (rc = store_db_id(s, id,
	    sizeof id)) == -1)
		fatalx("%s: %s", ck.db, store_failure(s));
	if (rc == 0) {
		/* A database from before marks: adopted. */
		stateck_new_id(id);
		if (store_db_id_set(s, id) == -1)
			fatalx("%s: %s", ck.db, store_failure(s));
		log_info("%s: no %s yet, this database is adopted as it is "
		    "(id %s)", ck.db, STATEMARK_NAME, id);
	} else if (strlen(id) != STATEMARK_ID_LEN)
		fatalx("%s: its id is malformed", ck.db);
	else if (ck.has_mark && strcmp(id, ck.mark.db_id) != 0)
		fatalx("%s changed under the scheduler (id %s, expected %s)",
		    ck.db, id, ck.mark.db_id);
	memcpy(ck.mark.db_id, id, STATEMARK_ID_LEN + 1);
	if (ck.floor > 0 && store_cluster_floor(s, ck.floor) == -1)
		fatalx("%s: %s", ck.db, store_failure(s));
	wrote = store_count_start(s) == 0 && store_commit(s) == 0;
	if (!wrote) {
		/* A full disk still lets the queue be served and drained. */
		if (store_in_txn(s))
			store_rollback(s);
		if (rc == 0 || store_readonly(s) ||
		    strstr(store_failure(s), "full") == NULL)
			fatalx("%s: cannot write: %s", ck.db, store_failure(s));
		log_warnx("%s: %s: store.mark keeps its old expectations",
		    ck.db, store_failure(s));
		store_state_hooks(s, ck.mark.reserved, stateck_reserve,
		    stateck_wal_reset, NULL);
		return s;
	}
	if ((seq = store_cluster_seq(s)) == -1)
		fatalx("%s: %s", ck.db, store_failure(s));
	if (ck.mark.reserved < seq)
		ck.mark.reserved = seq;
	if (ck.mark.reserved < ck.floor)
		ck.mark.reserved = ck.floor;
	ck.mark.committed = seq;
	if ((ck.mark.events = store_events_last(s)) == -1)
		fatalx("%s: %s", ck.db, store_failure(s));
	stateck_mark_wal((uint32_t)store_wal_frames(s));
	if (statemark_write(ck.dir, &ck.mark, 1) == -1)
		fatal("%s/%s", ck.dir, STATEMARK_NAME);
	store_state_hooks(s, ck.mark.reserved, stateck_reserve,
	    stateck_wal_reset, NULL);
	log_info("%s: whole; cluster ids up to %" PRId64 ", reserved up to "
	    "%" PRId64, ck.db, seq, ck.mark.reserved);
	return s;
}

void
stateck_tick(int64_t now)
{
	int64_t	 seq;
	int	 frames;

	if (ck.store == NULL || now < ck.mark_next)
		return;
	ck.mark_next = now + STATECK_MARK_MS;
	frames = store_wal_frames(ck.store);
	if (!ck.mark_dirty && ck.mark.wal &&
	    (uint32_t)frames == ck.mark.wal_frames)
		return;
	/* Inside a turn's transaction the counters are not committed yet. */
	if (!store_in_txn(ck.store)) {
		if ((seq = store_cluster_seq(ck.store)) > ck.mark.committed)
			ck.mark.committed = seq;
		if ((seq = store_events_last(ck.store)) > ck.mark.events)
			ck.mark.events = seq;
	}
	if (frames > 0)
		stateck_mark_wal((uint32_t)frames);
	stateck_mark_write(0);
}

void
stateck_shutdown(void)
{
	int64_t	 seq;

	if (ck.store == NULL)
		return;
	/* After the last commit: closing copies the WAL in and removes it. */
	if (!store_in_txn(ck.store)) {
		if ((seq = store_cluster_seq(ck.store)) > ck.mark.committed)
			ck.mark.committed = seq;
		if ((seq = store_events_last(ck.store)) > ck.mark.events)
			ck.mark.events = seq;
	}
	ck.mark.wal = 0;
	stateck_mark_write(1);
	ck.store = NULL;
}

/* --- cq-schedd --check --------------------------------------------------- */

struct stateck_spool {
	int	 missing;
	int64_t	 jobs;
};

static int
stateck_spool_job(void *arg, int64_t cluster, int64_t proc, int state,
    int64_t ckpt)
{
	struct stateck_spool	*sp = arg;
	char			 path[PATH_MAX];

	(void)state;
	sp->jobs++;
	if (ckpt <= 0)
		return 0;
	snprintf(path, sizeof path, "%s/spool/%" PRId64 ".%" PRId64
	    "/ckpt.%" PRId64, ck.dir, cluster, proc, ckpt);
	if (!stateck_exists(path)) {
		stateck_problem(HINT_RESTORE, "job %" PRId64 ".%" PRId64
		    " resumes from checkpoint %" PRId64 ", but %s is missing",
		    cluster, proc, ckpt, path);
		sp->missing++;
	}
	return 0;
}

int
stateck_check(const char *state_dir, const char *dbpath)
{
	struct stateck_spool	 sp = { 0, 0 };
	char			 err[512];
	int			 rc;

	ck.dir = state_dir;
	ck.db = dbpath;
	ck.check = 1;
	/* Problems on stderr, the rest on stdout: keep them in order. */
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("checking %s\n", state_dir);
	if (!stateck_exists(state_dir)) {
		stateck_problem(HINT_NONE, "%s: %s", state_dir,
		    strerror(errno));
		return 1;
	}
	stateck_verify(1);
	if (ck.first) {
		printf("empty: no queue yet; the first start makes one\n");
		return 0;
	}
	if (ck.peeked) {
		stateck_peek_begin();
		rc = store_peek_jobs(ck.db, stateck_spool_job, &sp, err,
		    sizeof err);
		stateck_peek_end();
		if (rc == -1)
			stateck_problem(HINT_RESTORE, "%s: the jobs: %s",
			    ck.db, err);
		else if (sp.missing == 0)
			stateck_ok("spool: the checkpoints of %" PRId64
			    " queued jobs", sp.jobs);
		if (ck.has_mark && ck.peek.seq > ck.mark.reserved)
			stateck_note("the database has cluster ids above "
			    "%s's reserve (%" PRId64 " > %" PRId64 "): an "
			    "older mark; the next start writes a new one",
			    STATEMARK_NAME, ck.peek.seq, ck.mark.reserved);
	}
	if (ck.nproblems > 0) {
		printf("not whole: %d problem%s\n", ck.nproblems,
		    ck.nproblems == 1 ? "" : "s");
		stateck_advice();
		return 1;
	}
	printf("whole\n");
	return 0;
}
