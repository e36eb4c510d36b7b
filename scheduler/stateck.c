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
 * against the mark (stateck-verify.c, which also serves --check).  A missing, empty, truncated or read-only database, a
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
#include "stateck-int.h"
#include "store.h"

#define STATECK_BLOCK	1000		/* cluster ids reserved at once */
#define STATECK_MARK_MS	1000		/* the WAL's frames, at most so often */

static struct stateck	ck;

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
		stateck_peek_begin(&ck);
		if (store_peek(ck.db, 0, &ck.peek, NULL, NULL, err,
		    sizeof err) == 0)
			ck.peeked = 1;
		stateck_peek_end(&ck);
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
	if (stateck_verify(&ck, 0) > 0 && !fresh) {
		stateck_advice(&ck);
		fprintf(stderr, "  cq-schedd --check reports on the "
		    "directory.\n");
		exit(STATECK_EXIT_DAMAGED);
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
	int	 saved;

	if (statemark_write(ck.dir, &ck.mark, durable) == -1) {
		saved = errno;
		/* Once, not every tick of a full disk. */
		if (!ck.mark_dirty)
			log_warn("%s/%s (tried again each second)", ck.dir,
			    STATEMARK_NAME);
		ck.mark_dirty = 1;
		errno = saved;
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
	else if (!ck.has_mark && !ck.first)
		log_warnx("%s has an id but %s/%s is gone: its WAL could not be "
		    "checked this time; a new mark is written", ck.db, ck.dir,
		    STATEMARK_NAME);
	memcpy(ck.mark.db_id, id, STATEMARK_ID_LEN + 1);
	if (ck.floor > 0 && store_cluster_floor(s, ck.floor) == -1)
		fatalx("%s: %s", ck.db, store_failure(s));
	wrote = store_count_start(s) == 0 && store_commit(s) == 0;
	if (!wrote) {
		/* A full disk still lets the queue be served and drained. */
		if (store_in_txn(s))
			store_rollback(s);
		if (rc == 0 || store_readonly(s) ||
		    !store_failure_full(s))
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
	/* A full disk: the old mark's expectations still hold; retried. */
	if (stateck_mark_write(1) == -1 && errno != ENOSPC && errno != EDQUOT)
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
