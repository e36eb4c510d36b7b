/*
 * stateck-verify.c: the checks of stateck.c, for a start and for
 * cq-schedd --check: the database's files (dbfile.c) and a read-only look
 * inside (store-peek.c) against STATE_DIR/store.mark, each problem said
 * with what to do.  A start prints the problems on stderr; --check
 * prints every check on stdout, with the spool against the queued jobs.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbfile.h"
#include "log.h"
#include "statemark.h"
#include "stateck.h"
#include "stateck-int.h"
#include "store.h"
#include "xmalloc.h"

static FILE *
stateck_out(struct stateck *ck)
{
	return ck->check ? stdout : stderr;
}

static void
stateck_problem(struct stateck *ck, enum stateck_hint hint,
    const char *fmt, ...)
{
	va_list	 ap;

	if (ck->nproblems++ == 0 && !ck->check)
		fprintf(stderr, "cq-schedd: %s the queue in %s is not "
		    "whole%s:\n", ck->fresh ? "--fresh:" : "refusing to start:",
		    ck->dir, ck->fresh ? "" : " (nothing was changed)");
	ck->hints[hint] = 1;
	fprintf(stateck_out(ck), "%s", ck->check ? "BAD   " : "  - ");
	va_start(ap, fmt);
	vfprintf(stateck_out(ck), fmt, ap);
	va_end(ap);
	fputc('\n', stateck_out(ck));
}

/* --check only: what was found whole. */
static void
stateck_ok(struct stateck *ck, const char *fmt, ...)
{
	va_list	 ap;

	if (!ck->check)
		return;
	printf("ok    ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
stateck_note(struct stateck *ck, const char *fmt, ...)
{
	va_list	 ap;

	if (!ck->check)
		return;
	printf("note  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int
stateck_exists(const char *path)
{
	struct stat	 sb;

	return lstat(path, &sb) == 0;
}

/* The highest cluster the spool names (STATE_DIR/spool/<c>[.<p>]). */
int64_t
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
	struct stateck	*ck = arg;

	stateck_problem(ck, HINT_RESTORE, "SQLite's integrity check: %s", line);
}

/* Whether this user may write PATH (which exists); a problem if not. */
static void
stateck_writable(struct stateck *ck, const char *path, const char *what)
{
	if (access(path, W_OK) == 0 || errno == ENOENT)
		return;
	stateck_problem(ck, HINT_WRITABLE, "%s is read-only (%s)%s", what,
	    strerror(errno), ck->check ? " for this user" : "");
}

/* The database file alone; 0 if it can be opened at all. */
static int
stateck_db_file(struct stateck *ck)
{
	if (!ck->dbf.exists) {
		char	 um[PATH_MAX];

		snprintf(um, sizeof um, "%s/userlog.mark", ck->dir);
		if (ck->has_mark)
			stateck_problem(ck, HINT_RESTORE,
			    "%s is missing, but %s "
			    "records its queue (id %s, cluster ids up to %"
			    PRId64 " reserved)", ck->db, STATEMARK_NAME,
			    ck->mark.db_id, ck->mark.reserved);
		else if (ck->walf.exists)
			stateck_problem(ck, HINT_RESTORE,
			    "%s is missing but its "
			    "WAL %s is there", ck->db, ck->wal);
		else if (stateck_spool_max(ck->dir) > 0 || stateck_exists(um))
			stateck_problem(ck, HINT_RESTORE,
			    "%s is missing but this "
			    "directory held a queue (%s)", ck->db,
			    stateck_exists(um) ? "userlog.mark" : "spool/");
		else
			ck->first = 1;
		return -1;
	}
	if (ck->dbf.size == 0) {
		stateck_problem(ck, HINT_RESTORE,
		    "%s is empty (0 bytes)", ck->db);
		return -1;
	}
	if (!ck->dbf.header_ok) {
		stateck_problem(ck, HINT_RESTORE,
		    "%s is not an SQLite database "
		    "(its header is damaged)", ck->db);
		return -1;
	}
	if (ck->dbf.size % ck->dbf.pagesize != 0 ||
	    ck->dbf.size < (off_t)ck->dbf.npages * ck->dbf.pagesize) {
		/*
		 * A checkpoint cut short by a crash can leave the file short
		 * of pages its WAL still holds: SQLite's check decides then.
		 */
		if (ck->walf.frames > 0 && ck->dbf.size % ck->dbf.pagesize == 0)
			return 1;
		stateck_problem(ck, HINT_RESTORE,
		    "%s is truncated: %lld bytes, "
		    "its header says %u pages of %u (%lld bytes)", ck->db,
		    (long long)ck->dbf.size, ck->dbf.npages, ck->dbf.pagesize,
		    (long long)ck->dbf.npages * ck->dbf.pagesize);
		return -1;
	}
	stateck_ok(ck, "%s: %u pages of %u bytes", ck->db, ck->dbf.npages,
	    ck->dbf.pagesize);
	return 0;
}

/* The WAL against the mark. */
static void
stateck_wal(struct stateck *ck)
{
	const struct statemark	*m = &ck->mark;
	const struct dbfile_wal	*w = &ck->walf;

	if (w->exists && w->header_ok && w->lost_commits > 0)
		stateck_problem(ck, HINT_RESTORE, "%s is damaged at frame %u: "
		    "%u committed transaction%s after it would be lost",
		    ck->wal, w->bad_frame, w->lost_commits,
		    w->lost_commits == 1 ? "" : "s");
	if (!ck->has_mark || !m->wal) {
		if (w->exists && w->header_ok)
			stateck_ok(ck, "%s: %u frames", ck->wal, w->frames);
		return;
	}
	/*
	 * Another program that opened the database after a crash (sqlite3)
	 * copies the WAL in and removes it: that is fine if the database
	 * holds what the mark knew of (stateck_gone(ck)).
	 */
	if (!w->exists) {
		snprintf(ck->wal_gone, sizeof ck->wal_gone,
		    "%s is missing: the "
		    "scheduler did not stop cleanly and its WAL held the last "
		    "%u frames or more of committed changes", ck->wal,
		    m->wal_frames);
		return;
	}
	if (!w->header_ok) {
		snprintf(ck->wal_gone, sizeof ck->wal_gone, "%s is %s: it held "
		    "%u frames or more of committed changes", ck->wal,
		    w->size == 0 ? "empty" : "damaged (its header)",
		    m->wal_frames);
		return;
	}
	if (w->salt1 == m->wal_salt1 && w->salt2 == m->wal_salt2) {
		if (w->frames < m->wal_frames) {
			stateck_problem(ck, HINT_RESTORE, "%s holds %u valid "
			    "frames, it held %u: truncated or damaged%s",
			    ck->wal, w->frames, m->wal_frames, w->bad_frame ?
			    " (from its end or a bad frame)" : "");
			return;
		}
	} else if (w->salt1 != m->wal_salt1 + 1) {
		/* SQLite adds one to the first salt when it starts over. */
		snprintf(ck->wal_gone, sizeof ck->wal_gone, "%s is not the WAL "
		    "the scheduler left (salt %08x, expected %08x or the "
		    "next)", ck->wal, w->salt1, m->wal_salt1);
		return;
	}
	stateck_ok(ck,
	    "%s: %u frames (at least %u expected)", ck->wal, w->frames,
	    w->salt1 == m->wal_salt1 ? m->wal_frames : 0);
}

/*
 * SQLite makes a missing WAL and its index even to read a database: a
 * look leaves none that was not there.
 */
void
stateck_peek_begin(struct stateck *ck)
{
	ck->had_wal = stateck_exists(ck->wal);
	ck->had_shm = stateck_exists(ck->shm);
}

void
stateck_peek_end(struct stateck *ck)
{
	struct stat	 sb;

	if (!ck->had_wal && stat(ck->wal, &sb) == 0 && sb.st_size == 0) {
		unlink(ck->wal);
		if (!ck->had_shm)
			unlink(ck->shm);
	}
}

/* A read-only look inside: the id and the cluster ids. */
static void
stateck_inside(struct stateck *ck, int integrity)
{
	char		 err[512];
	int		 before = ck->nproblems, rc;

	stateck_peek_begin(ck);
	rc = store_peek(ck->db, integrity, &ck->peek, stateck_peek_problem,
	    ck, err, sizeof err);
	stateck_peek_end(ck);
	if (rc == -1) {
		stateck_problem(ck, HINT_RESTORE, "SQLite cannot read %s: %s",
		    ck->db, err);
		return;
	}
	ck->peeked = 1;
	if (integrity && ck->nproblems == before)
		stateck_ok(ck, "%s: SQLite's integrity check", ck->db);
	if (!ck->has_mark) {
		stateck_note(ck, "no %s: a database from before marks, adopted "
		    "as it is at the next start", STATEMARK_NAME);
		return;
	}
	if (!ck->peek.has_id)
		stateck_problem(ck, HINT_RESTORE, "%s has no id: it is not the "
		    "database the scheduler left (%s)", ck->db, ck->mark.db_id);
	else if (strcmp(ck->peek.db_id, ck->mark.db_id) != 0)
		stateck_problem(ck, HINT_RESTORE,
		    "%s is another database (id %s, "
		    "the scheduler left %s)", ck->db, ck->peek.db_id,
		    ck->mark.db_id);
	else
		stateck_ok(ck, "%s: id %s", ck->db, ck->peek.db_id);
	if (ck->wal_gone[0] != '\0')
		;	/* stateck_gone(ck) says it */
	else if (ck->peek.seq < ck->mark.committed)
		stateck_problem(ck, HINT_RESTORE, "%s holds cluster ids up to "
		    "%" PRId64 ", but it held up to %" PRId64 ": committed "
		    "changes are missing", ck->db, ck->peek.seq,
		    ck->mark.committed);
	else
		stateck_ok(ck, "cluster ids: up to %" PRId64 " (held at least "
		    "%" PRId64 ", reserved up to %" PRId64 ")", ck->peek.seq,
		    ck->mark.committed, ck->mark.reserved);
}

/*
 * The WAL the scheduler left is gone or another: refused unless the
 * database (with whatever WAL there is) holds every cluster and job event
 * the mark knew of.
 */
static void
stateck_gone(struct stateck *ck)
{
	if (ck->wal_gone[0] == '\0')
		return;
	if (!ck->peeked || ck->peek.events < ck->mark.events ||
	    ck->peek.seq < ck->mark.committed) {
		if (ck->peeked)
			stateck_problem(ck, HINT_RESTORE,
			    "%s (without it %s holds "
			    "job events up to %" PRId64 " of the %" PRId64
			    " committed)",
			    ck->wal_gone, ck->db, ck->peek.events,
			    ck->mark.events);
		else
			stateck_problem(ck, HINT_RESTORE, "%s", ck->wal_gone);
		return;
	}
	stateck_note(ck, "%s, but %s holds every change %s knew of (another "
	    "program moved the WAL in?)", ck->wal_gone, ck->db, STATEMARK_NAME);
	if (!ck->check)
		log_warnx("%s, but %s holds every change %s knew of: going on",
		    ck->wal_gone, ck->db, STATEMARK_NAME);
}

/* Everything but the spool; the number of problems. */
int
stateck_verify(struct stateck *ck, int integrity)
{
	char	 err[512];
	int	 rc;

	snprintf(ck->wal, sizeof ck->wal, "%s-wal", ck->db);
	snprintf(ck->shm, sizeof ck->shm, "%s-shm", ck->db);
	if ((rc = statemark_read(ck->dir, &ck->mark, err, sizeof err)) == -1)
		stateck_problem(ck, HINT_RESTORE, "%s (write a new one with "
		    "--fresh)", err);
	ck->has_mark = rc == 1;
	if (ck->has_mark)
		stateck_ok(ck, "%s: reserved %" PRId64 ", committed %" PRId64
		    ", WAL %s", STATEMARK_NAME, ck->mark.reserved,
		    ck->mark.committed,
		    ck->mark.wal ? "expected" : "not expected");
	if (dbfile_db(ck->db, &ck->dbf) == -1) {
		stateck_problem(ck, HINT_WRITABLE, "%s: %s", ck->db,
		    strerror(errno));
		return ck->nproblems;
	}
	if (dbfile_wal(ck->wal, &ck->walf) == -1) {
		stateck_problem(ck, HINT_WRITABLE, "%s: %s", ck->wal,
		    strerror(errno));
		return ck->nproblems;
	}
	rc = stateck_db_file(ck);
	if (ck->first)
		return ck->nproblems;
	stateck_writable(ck, ck->dir, ck->dir);
	stateck_writable(ck, ck->db, ck->db);
	stateck_writable(ck, ck->wal, ck->wal);
	stateck_writable(ck, ck->shm, ck->shm);
	stateck_wal(ck);
	if (rc != -1 && (ck->nproblems == 0 || ck->check))
		stateck_inside(ck, integrity || rc == 1);
	stateck_gone(ck);
	return ck->nproblems;
}

/* Say what to do after the problems. */
void
stateck_advice(struct stateck *ck)
{
	if (ck->hints[HINT_WRITABLE])
		fprintf(stateck_out(ck),
		    "  Make the state directory and its files "
		    "writable for the scheduler's user (chmod, chown, or "
		    "remount the file system read-write), then start again.\n");
	if (ck->hints[HINT_RESTORE])
		fprintf(stateck_out(ck),
		    "  Restore %s with its -wal file and %s from "
		    "a backup, or start a new, empty queue with cq-schedd "
		    "--fresh: the damaged files are moved to %s/damaged.TIME, "
		    "nothing is deleted, and cluster ids go on above every id "
		    "handed out before.\n", ck->db, STATEMARK_NAME, ck->dir);
}

/* --- cq-schedd --check --------------------------------------------------- */

struct stateck_spool {
	struct stateck	*ck;
	int		 missing;
	int64_t		 jobs;
};

static int
stateck_spool_job(void *arg, int64_t cluster, int64_t proc, int state,
    int64_t ckpt)
{
	struct stateck_spool	*sp = arg;
	struct stateck		*ck = sp->ck;
	char			 path[PATH_MAX];

	(void)state;
	sp->jobs++;
	if (ckpt <= 0)
		return 0;
	snprintf(path, sizeof path, "%s/spool/%" PRId64 ".%" PRId64
	    "/ckpt.%" PRId64, ck->dir, cluster, proc, ckpt);
	if (!stateck_exists(path)) {
		stateck_problem(ck, HINT_RESTORE, "job %" PRId64 ".%" PRId64
		    " resumes from checkpoint %" PRId64 ", but %s is missing",
		    cluster, proc, ckpt, path);
		sp->missing++;
	}
	return 0;
}

int
stateck_check(const char *state_dir, const char *dbpath)
{
	struct stateck_spool	 sp;
	struct stateck		*ck;
	char			 err[512];
	int			 rc;

	ck = xcalloc(1, sizeof *ck);
	memset(&sp, 0, sizeof sp);
	sp.ck = ck;
	ck->dir = state_dir;
	ck->db = dbpath;
	ck->check = 1;
	/* Problems on stderr, the rest on stdout: keep them in order. */
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("checking %s\n", state_dir);
	if (!stateck_exists(state_dir)) {
		stateck_problem(ck, HINT_NONE, "%s: %s", state_dir,
		    strerror(errno));
		free(ck);
		return 1;
	}
	stateck_verify(ck, 1);
	if (ck->first) {
		printf("empty: no queue yet; the first start makes one\n");
		free(ck);
		return 0;
	}
	if (ck->peeked) {
		stateck_peek_begin(ck);
		rc = store_peek_jobs(ck->db, stateck_spool_job, &sp, err,
		    sizeof err);
		stateck_peek_end(ck);
		if (rc == -1)
			stateck_problem(ck, HINT_RESTORE, "%s: the jobs: %s",
			    ck->db, err);
		else if (sp.missing == 0)
			stateck_ok(ck, "spool: the checkpoints of %" PRId64
			    " queued jobs", sp.jobs);
		if (ck->has_mark && ck->peek.seq > ck->mark.reserved)
			stateck_note(ck, "the database has cluster ids above "
			    "%s's reserve (%" PRId64 " > %" PRId64 "): an "
			    "older mark; the next start writes a new one",
			    STATEMARK_NAME, ck->peek.seq, ck->mark.reserved);
	}
	if (ck->nproblems > 0) {
		printf("not whole: %d problem%s\n", ck->nproblems,
		    ck->nproblems == 1 ? "" : "s");
		stateck_advice(ck);
		free(ck);
		return 1;
	}
	printf("whole\n");
	free(ck);
	return 0;
}
