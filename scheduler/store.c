/*
 * store.c: the scheduler's durable state in SQLite, behind verbs.  With
 * store-peek.c (a read-only look) the only file that includes <sqlite3.h>.
 * At open the database is put in
 * WAL mode with synchronous=FULL and foreign keys on, the migrations
 * embedded from schema/ (schema.h) above PRAGMA user_version are applied,
 * each in its own transaction, and a database newer than the code is
 * refused.  Every statement is prepared once after migration, bound,
 * stepped, reset with its bindings cleared before the verb returns, and
 * finalized in store_close(); no SQL text is built from data.  Text is
 * bound SQLITE_STATIC, which is safe because of that reset.  Writes work
 * in autocommit mode too, but the scheduler (queue.c, commit.c) groups
 * the changes of one loop turn between store_begin() and store_commit().
 * A turn's writes outside a client's request (store_redo()) are kept
 * until the commit: when the disk refuses them (a failed write or
 * commit), the transaction is rolled back and the store is held
 * (store_hold()): later writes are only kept, in order, and
 * store_resume() replays them all in one transaction once the disk takes
 * them.  Memory, which is ahead of the database meanwhile, need not be
 * undone, and commit.c tells nobody of a held change.
 * A kept write (store-redo.c) is its statement's slot and a copy of the
 * values bound to the parameters its SQL uses (found once per prepared
 * statement: the job update leaves out the description), copied by the
 * store_bind_*() helpers as they bind; the replay binds them to the same
 * statement.  It was SQLite's expansion of the statement
 * (sqlite3_expanded_sql), which formats every value into new SQL text
 * and parses it again at the replay: a tenth of the scheduler's CPU in a
 * flood of short jobs, and reals came back with 15 digits.  A write
 * whose values are not all known (bound around the helpers) is lost, as
 * a write that could not be expanded was: store_hold() says so.
 * SQLite's own checkpoint after a commit that leaves 1,000 pages in the WAL
 * is replaced by store_checkpoint_due()/store_checkpoint(), which
 * commit.c calls a loop turn after the replies went out: a commit is
 * durable once the WAL is synced, so copying the WAL into the database
 * need not hold up the answer (after a 100,000-job submit it took a
 * quarter of a second).
 * Callbacks of the walks must not start the same walk again (they share
 * one statement); a negative return from a callback makes the walk return
 * -1, a positive one stops it and it returns 0.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "xmalloc.h"
#include "job.h"
#include "schema.h"
#include "store.h"
#include "store-int.h"

/* How long a statement waits on another process's lock. */
#define STORE_BUSY_MS	2000

/* The job columns, in struct job order; binds use ?1..?32 to match. */
#define STORE_JOB_COLUMNS						\
	"cluster, proc, state, uid, owner, priority, request_cpus, "	\
	"request_memory_mb, cmd, ad, submitted, started, finished, run, " \
	"machine, exit_code, exit_signal, utime_ms, stime_ms, maxrss_kb, " \
	"nstarts, ckpt_version, ckpt_time, nevictions, goodput_ms, "	\
	"badput_ms, ckpt_criu, entered, ncompletions, hold_reason, "	\
	"hold_code, hold_subcode"

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_VERSION,
	ST_CLUSTER_NEW,
	ST_JOB_INSERT,
	ST_JOB_UPDATE,
	ST_EVENT_ADD,
	ST_JOBS_LOAD,
	ST_HISTORY,
	ST_EVENTS,
	ST_MACHINE_PUT,
	ST_MACHINES_LOAD,
	ST_USERLOG_EVENTS,
	ST_EVENTS_LAST,
	ST_CLUSTERS_LOAD,
	ST_CRED_PUT,
	ST_CRED_GET,
	ST_CRED_BY_NAME,
	ST_CRED_SEEN,
	ST_CRED_REVOKE,
	ST_CRED_FORGET,
	ST_CRED_DELETE,
	ST_CREDS_WALK,
	ST_REQ_PUT,
	ST_REQ_BY_HASH,
	ST_REQ_GET,
	ST_REQ_UPDATE,
	ST_REQ_FORGET,
	ST_REQS_WALK,
	ST_REQ_PENDING,
	ST_REQ_PENDING_FROM,
	ST_AUTO_PUT,
	ST_AUTO_END,
	ST_AUTOS_WALK,
	ST_USER_PUT,
	ST_USERS_LOAD,
	ST_JOB_SET_AD,
	ST_MAX
};

#define STORE_CRED_COLUMNS						\
	"id, kind, hash, name, issued, expires, revoked, last_seen, "	\
	"source, how, uses"
#define STORE_REQ_COLUMNS						\
	"id, name, source, created, last_seen, key_hash, state, cred_id, how"


static const char *const store_sql[ST_MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_VERSION] = "PRAGMA user_version",
	[ST_CLUSTER_NEW] =
	    "INSERT INTO clusters (uid, owner, submitted, batch_name, nprocs) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_JOB_INSERT] =
	    "INSERT INTO jobs (" STORE_JOB_COLUMNS ") VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, "
	    "?32)",
	[ST_JOB_UPDATE] =
	    "UPDATE jobs SET state = ?3, priority = ?6, started = ?12, "
	    "finished = ?13, run = ?14, machine = ?15, exit_code = ?16, "
	    "exit_signal = ?17, utime_ms = ?18, stime_ms = ?19, "
	    "maxrss_kb = ?20, nstarts = ?21, ckpt_version = ?22, "
	    "ckpt_time = ?23, nevictions = ?24, goodput_ms = ?25, "
	    "badput_ms = ?26, ckpt_criu = ?27, entered = ?28, "
	    "ncompletions = ?29, hold_reason = ?30, hold_code = ?31, "
	    "hold_subcode = ?32 WHERE cluster = ?1 AND proc = ?2",
	[ST_EVENT_ADD] =
	    "INSERT INTO job_events (cluster, proc, time, event, run, detail) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_JOBS_LOAD] =
	    "SELECT " STORE_JOB_COLUMNS " FROM jobs INDEXED BY jobs_queue "
	    "WHERE state NOT IN (3, 4) ORDER BY cluster, proc",
	[ST_HISTORY] =
	    "SELECT " STORE_JOB_COLUMNS " FROM jobs INDEXED BY jobs_history "
	    "WHERE state IN (3, 4) AND (?1 = 0 OR cluster = ?1) "
	    "AND (?2 < 0 OR proc = ?2) AND (?3 IS NULL OR owner = ?3) "
	    "ORDER BY finished DESC, cluster DESC, proc DESC LIMIT ?4",
	[ST_EVENTS] =
	    "SELECT time, event, run, detail FROM job_events "
	    "WHERE cluster = ?1 AND proc = ?2 ORDER BY id",
	/* A machine keeps the first_seen of its first row. */
	[ST_MACHINE_PUT] =
	    "INSERT INTO machines (name, nslots, first_seen, last_seen, state) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
	    "nslots = excluded.nslots, last_seen = excluded.last_seen, "
	    "state = excluded.state",
	[ST_MACHINES_LOAD] =
	    "SELECT name, nslots, first_seen, last_seen, state FROM machines "
	    "ORDER BY name",
	/* Events after a mark, of jobs whose description names a log. */
	[ST_USERLOG_EVENTS] =
	    "SELECT e.id, e.cluster, e.proc, e.time, e.event, e.run, e.detail, "
	    "j.uid, json_extract(j.ad, '$.log'), j.exit_code, j.exit_signal, "
	    "j.utime_ms, j.stime_ms, j.hold_code, j.hold_subcode "
	    "FROM job_events AS e JOIN jobs AS j "
	    "ON j.cluster = e.cluster AND j.proc = e.proc WHERE e.id > ?1 "
	    "AND json_extract(j.ad, '$.log') IS NOT NULL ORDER BY e.id "
	    "LIMIT ?2",
	[ST_EVENTS_LAST] = "SELECT coalesce(max(id), 0) FROM job_events",
	/* The clusters that still have a job in the queue. */
	[ST_CLUSTERS_LOAD] =
	    "SELECT id, owner, batch_name, nprocs, submitted FROM clusters "
	    "WHERE id IN (SELECT cluster FROM jobs INDEXED BY jobs_queue "
	    "WHERE state NOT IN (3, 4)) ORDER BY id",
	[ST_CRED_PUT] =
	    "INSERT INTO creds (id, kind, hash, name, issued, expires, how, "
	    "last_seen, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_CRED_GET] =
	    "SELECT " STORE_CRED_COLUMNS " FROM creds WHERE id = ?1",
	[ST_CRED_BY_NAME] =
	    "SELECT " STORE_CRED_COLUMNS " FROM creds "
	    "WHERE kind = 'agent' AND name = ?1",
	[ST_CRED_SEEN] =
	    "UPDATE creds SET last_seen = ?2, source = ?3, uses = uses + ?4 "
	    "WHERE id = ?1",
	[ST_CRED_REVOKE] =
	    "UPDATE creds SET revoked = ?2 WHERE id = ?1 AND revoked = 0",
	[ST_CRED_FORGET] =
	    "DELETE FROM creds WHERE kind = 'agent' AND name = ?1",
	[ST_CRED_DELETE] = "DELETE FROM creds WHERE id = ?1",
	[ST_CREDS_WALK] =
	    "SELECT " STORE_CRED_COLUMNS " FROM creds "
	    "WHERE ?1 IS NULL OR kind = ?1 ORDER BY issued, id",
	[ST_REQ_PUT] =
	    "INSERT INTO cred_requests (name, source, created, last_seen, "
	    "key_hash, state) VALUES (?1, ?2, ?3, ?3, ?4, 'pending')",
	[ST_REQ_BY_HASH] =
	    "SELECT " STORE_REQ_COLUMNS " FROM cred_requests "
	    "WHERE key_hash = ?1",
	[ST_REQ_GET] =
	    "SELECT " STORE_REQ_COLUMNS " FROM cred_requests WHERE id = ?1",
	[ST_REQ_UPDATE] =
	    "UPDATE cred_requests SET last_seen = ?2, source = ?3, "
	    "state = ?4, cred_id = ?5, how = ?6 WHERE id = ?1",
	[ST_REQ_FORGET] = "DELETE FROM cred_requests WHERE name = ?1",
	[ST_REQS_WALK] =
	    "SELECT " STORE_REQ_COLUMNS " FROM cred_requests ORDER BY id",
	[ST_REQ_PENDING] =
	    "SELECT count(*) FROM cred_requests WHERE state = 'pending'",
	[ST_REQ_PENDING_FROM] =
	    "SELECT count(*) FROM cred_requests "
	    "WHERE state = 'pending' AND source = ?1",
	[ST_AUTO_PUT] =
	    "INSERT INTO auto_approve (netblock, created, expires) "
	    "VALUES (?1, ?2, ?3)",
	[ST_AUTO_END] =
	    "UPDATE auto_approve SET expires = ?2 "
	    "WHERE netblock = ?1 AND expires > ?2",
	[ST_AUTOS_WALK] =
	    "SELECT id, netblock, created, expires FROM auto_approve "
	    "WHERE expires > ?1 ORDER BY id",
	[ST_USER_PUT] =
	    "INSERT INTO users (name, usage, updated, factor, accumulated) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
	    "usage = excluded.usage, updated = excluded.updated, "
	    "factor = excluded.factor, accumulated = excluded.accumulated",
	[ST_USERS_LOAD] =
	    "SELECT name, usage, updated, factor, accumulated FROM users "
	    "ORDER BY name",
	[ST_JOB_SET_AD] =
	    "UPDATE jobs SET ad = ?3, priority = ?4, request_cpus = ?5, "
	    "request_memory_mb = ?6 WHERE cluster = ?1 AND proc = ?2",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_MAX];
	int		 wal_pages;	/* in the WAL after the last commit */
	int		 wal_frames;	/* as the last commit left them */
	int		 checkpointed;	/* the next commit may restart it */
	int		 failed;	/* extended code of the last failure */
	int		 redo_on;	/* keep the writes (store_redo) */
	int		 held;		/* writes are kept, not done */
	int		 held_code;	/* the failure that held them */
	int		 redo_lost;	/* a write could not be kept */
	struct redo	*redo;		/* since BEGIN, or held */
	uint64_t	 params[ST_MAX];	/* what each write's SQL uses */
	sqlite3_stmt	*bind_st;	/* the statement being bound */
	int		 bind_which;	/* its slot, -1: its own */
	uint64_t	 bind_copy;	/* the parameters to copy */
	/* stateck.c: ids above the limit and a restarted WAL. */
	int64_t		 cluster_limit;
	int		(*cluster_cb)(void *, int64_t);
	void		(*wal_reset_cb)(void *);
	void		*state_arg;
	/* A write of the turn held the store (store_on_hold). */
	void		(*hold_cb)(void *);
	void		*hold_arg;
};

/*
 * A quarter of SQLite's wal_autocheckpoint default, in pages: one
 * checkpoint copies about a MiB (a few ms of a loop turn), not 4 MiB.
 */
#define STORE_CKPT_PAGES	256

static int	store_exec(sqlite3 *, const char *, const char *);
static int	store_wal_hook(void *, sqlite3 *, const char *, int);
static int	store_user_version(sqlite3 *, int *);
static int	store_migrate(sqlite3 *, const char **);
static int	store_done(struct store *, sqlite3_stmt *, const char *);
static int	store_step(struct store *, sqlite3_stmt *, const char *, int);
static int	store_redo_add(struct store *, sqlite3_stmt *);
static void	store_redo_clear(struct store *);
static int	store_replay(struct store *, size_t, size_t);
static int	store_slot(struct store *, sqlite3_stmt *);
static int	store_copy(struct store *, sqlite3_stmt *, int);
static int	store_txn(struct store *, enum store_stmt, const char *);
static int	store_bind_job(struct store *, sqlite3_stmt *,
		    const struct job *);
static int	store_row_job(sqlite3_stmt *, struct job *, int);
static char	*store_col_text(sqlite3_stmt *, int, int);

/* Run constant SQL (pragmas, migrations); WHAT names it in logs. */
static int
store_exec(sqlite3 *db, const char *sql, const char *what)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s: %s", what,
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
store_user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK) {
		log_warnx("store: user_version: %s", sqlite3_errmsg(db));
		return -1;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		log_warnx("store: user_version: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Apply the migrations above user_version, one transaction each.  The
 * version is read again inside each transaction, so two processes opening
 * a fresh file at once do not apply a migration twice.
 */
static int
store_migrate(sqlite3 *db, const char **errstr)
{
	const struct schema_migration	*m;
	char				 sql[64];
	size_t				 i;
	int				 version, highest = 0;

	for (i = 0; i < schema_nmigrations; i++) {
		if (schema_migrations[i].version <= highest)
			fatalx("store: migration %s out of order",
			    schema_migrations[i].name);
		highest = schema_migrations[i].version;
	}
	if (store_user_version(db, &version) == -1) {
		*errstr = "cannot read the schema version";
		return -1;
	}
	if (version > highest) {
		log_warnx("store: schema version %d, this cq knows up to %d",
		    version, highest);
		*errstr = "database is newer than this cq";
		return -1;
	}
	for (i = 0; i < schema_nmigrations; i++) {
		m = &schema_migrations[i];
		if (version >= m->version)
			continue;
		if (store_exec(db, "BEGIN IMMEDIATE", "migrate") == -1) {
			*errstr = "cannot lock the database";
			return -1;
		}
		if (store_user_version(db, &version) == -1) {
			*errstr = "cannot read the schema version";
			goto fail;
		}
		if (version > highest) {
			*errstr = "database is newer than this cq";
			goto fail;
		}
		if (version >= m->version) {
			store_exec(db, "ROLLBACK", "migrate");
			continue;
		}
		/* A compile-time constant, not data. */
		(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    m->version);
		if (store_exec(db, m->sql, m->name) == -1 ||
		    store_exec(db, sql, m->name) == -1 ||
		    store_exec(db, "COMMIT", m->name) == -1) {
			*errstr = "schema migration failed";
			goto fail;
		}
		log_info("store: applied migration %03d-%s", m->version,
		    m->name);
		version = m->version;
	}
	return 0;

fail:
	if (!sqlite3_get_autocommit(db))
		store_exec(db, "ROLLBACK", "migrate");
	return -1;
}

/* Open or create PATH, migrate, prepare; NULL with a static ERRSTR. */
struct store *
store_open(const char *path, const char **errstr)
{
	struct store	*s;
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 i;

	s = xcalloc(1, sizeof(*s));
	s->redo = redo_new();
	s->redo_on = 1;		/* until store_redo() says otherwise */
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_warnx("store: open %s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "out of memory");
		*errstr = "cannot open the database";
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/* No writable_schema tricks, no double-quoted string literals. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);

	/* journal_mode answers with the mode in force. */
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		log_warnx("store: %s: journal_mode: %s", path,
		    sqlite3_errmsg(s->db));
		*errstr = "cannot use the database";
		goto fail;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || (strcmp(mode, "wal") != 0 &&
	    strcmp(mode, "memory") != 0)) {
		log_warnx("store: %s: journal_mode is %s, not wal", path,
		    mode != NULL ? mode : "unknown");
		*errstr = "cannot enable WAL mode";
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	/*
	 * A 64 MiB page cache: a big submit's transaction (100,000 rows)
	 * then stays in memory until its commit instead of spilling to the
	 * WAL half-way; durability is the same (pages are written at
	 * commit, synchronous = FULL).
	 */
	if (store_exec(s->db, "PRAGMA synchronous = FULL", path) == -1 ||
	    store_exec(s->db, "PRAGMA foreign_keys = ON", path) == -1 ||
	    store_exec(s->db, "PRAGMA cache_size = -65536", path) == -1) {
		*errstr = "cannot use the database";
		goto fail;
	}

	if (store_migrate(s->db, errstr) == -1)
		goto fail;
	/* Replaces the automatic checkpoint: see the top of this file. */
	sqlite3_wal_hook(s->db, store_wal_hook, s);

	for (i = 0; i < ST_MAX; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			log_warnx("store: prepare %d: %s", i,
			    sqlite3_errmsg(s->db));
			*errstr = "cannot prepare statements";
			goto fail;
		}
		if (sqlite3_bind_parameter_count(s->st[i]) > 64)
			fatalx("store: statement %d: over 64 parameters", i);
		s->params[i] = redo_params(s->st[i]);
	}
	return s;

fail:
	sqlite3_finalize(st);
	store_close(s);
	return NULL;
}

/* Finalize the statements and close; an open transaction is rolled back. */
void
store_close(struct store *s)
{
	int	 i;

	if (s == NULL)
		return;
	if (s->db != NULL && !sqlite3_get_autocommit(s->db)) {
		log_warnx("store: closing with a transaction open, "
		    "rolling back");
		store_exec(s->db, "ROLLBACK", "close");
	}
	if (s->held && redo_count(s->redo) > 0)
		log_warnx("store: %zu held writes were never recorded",
		    redo_count(s->redo));
	redo_free(s->redo);
	for (i = 0; i < ST_MAX; i++)
		sqlite3_finalize(s->st[i]);
	if (sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(s->db));
	free(s);
}

/* Called by SQLite after each commit with the pages now in the WAL. */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store	*s = arg;

	(void)db;
	(void)name;
	s->wal_pages = pages;
	/*
	 * Fewer frames than the last commit left, or the first commit after
	 * a checkpoint: the log may have started over.
	 */
	if ((pages < s->wal_frames || s->checkpointed) &&
	    s->wal_reset_cb != NULL) {
		s->wal_frames = pages;
		s->checkpointed = 0;
		s->wal_reset_cb(s->state_arg);
	}
	s->wal_frames = pages;
	return SQLITE_OK;
}

/* Whether the WAL has grown enough to be copied into the database. */
int
store_checkpoint_due(struct store *s)
{
	return s->wal_pages >= STORE_CKPT_PAGES;
}

/*
 * Copy the WAL into the database as far as readers allow (PASSIVE, as the
 * automatic checkpoint does); a failure is only logged, the next one
 * tries again.
 */
void
store_checkpoint(struct store *s)
{
	s->wal_pages = 0;
	s->checkpointed = 1;
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK)
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(s->db));
}

/* PRAGMA user_version, or -1 on error. */
int
store_version(struct store *s)
{
	sqlite3_stmt	*st = s->st[ST_VERSION];
	int		 version = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	else
		log_warnx("store: user_version: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return version;
}

/* Step a statement that returns no row, then reset it. */
static int
store_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	return store_step(s, st, what, 1);
}

/* Whether RC says the disk refused a write (not the statement). */
static int
store_disk_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return 1;
	}
	return 0;
}

/*
 * Step ST (a write, or BEGIN, COMMIT, ROLLBACK).  A write of the turn
 * (store_redo on, not HOLDABLE == 0: one whose caller reads its row id)
 * is kept; while the store is held it is only kept, and a write the disk
 * refuses holds the store: both return 0, the write is done at
 * store_resume() (the verb that checks the rows a write changed does
 * not while the store is held).  Such a write that could not be kept
 * returns -1: a held store calls no store_hold() to say so before
 * store_resume() forgets it.
 */
static int
store_step(struct store *s, sqlite3_stmt *st, const char *what, int holdable)
{
	int	 rc, txn, keep, lost;

	txn = st == s->st[ST_BEGIN] || st == s->st[ST_COMMIT] ||
	    st == s->st[ST_ROLLBACK];
	keep = !txn && holdable && s->redo_on &&
	    (s->held || store_in_txn(s));
	if (s->held && !txn) {
		/* Not kept (its values unknown): not done either. */
		if (keep && store_redo_add(s, st) == 0) {
			store_unbind(s, st);
			return 0;
		}
		s->failed = s->held_code;
		if (!keep)
			log_warnx("store: %s: refused while the store is held",
			    what);
		store_unbind(s, st);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		s->failed = sqlite3_extended_errcode(s->db);
		log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
	}
	lost = 0;
	if (keep && (rc == SQLITE_DONE || store_disk_error(s->failed)))
		lost = store_redo_add(s, st) == -1;
	store_unbind(s, st);
	if (rc != SQLITE_DONE && keep && store_disk_error(s->failed)) {
		store_hold(s);
		/* Not at a commit: the caller must hear of the stall. */
		if (s->hold_cb != NULL)
			s->hold_cb(s->hold_arg);
		return lost ? -1 : 0;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Keep ST's write with the values bound to it (store-redo.c); -1 if it
 * could not be (noted: store_hold() says so).
 */
static int
store_redo_add(struct store *s, sqlite3_stmt *st)
{
	int		 which;
	uint64_t	 params;

	if (st == s->bind_st)
		which = s->bind_which;
	else {
		/* Nothing bound through the helpers. */
		redo_drop(s->redo);
		which = store_slot(s, st);
	}
	/* Each parameter the SQL uses must have been copied. */
	params = which >= 0 ? s->params[which] : redo_params(st);
	if (redo_keep(s->redo, which, st, params) == -1) {
		log_warnx("store: cannot keep a write to replay");
		s->redo_lost = 1;
		return -1;
	}
	return 0;
}

static void
store_redo_clear(struct store *s)
{
	redo_clear(s->redo);
	s->bind_st = NULL;
	s->redo_lost = 0;
}

/* Keep the turn's writes (on) or not (a client's request). */
void
store_redo(struct store *s, int on)
{
	s->redo_on = on;
}

/*
 * The disk refused the turn's writes: roll them back and keep them (and
 * every later one) to replay.  -1 if one of them could not be kept.
 */
int
store_hold(struct store *s)
{
	if (store_in_txn(s))
		store_exec(s->db, "ROLLBACK", "hold");
	if (!s->held) {
		s->held = 1;
		s->held_code = s->failed != SQLITE_OK ? s->failed :
		    SQLITE_FULL;
	}
	return s->redo_lost ? -1 : 0;
}

/* 1 while writes are held. */
int
store_held(struct store *s)
{
	return s->held;
}

/* How many writes wait for store_resume(). */
size_t
store_held_count(struct store *s)
{
	return s->held ? redo_count(s->redo) : 0;
}

/*
 * Replay held write I: its values bound to its statement (prepared again
 * if it was one of its own), stepped.  0, or -1 with the failure noted.
 */
static int
store_replay(struct store *s, size_t i, size_t n)
{
	sqlite3_stmt	*st;
	const char	*sql;
	int		 which, rc;

	if ((which = redo_which(s->redo, i, &sql)) >= 0)
		st = s->st[which];
	else if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		s->failed = sqlite3_extended_errcode(s->db);
		log_warnx("store: held write %zu of %zu: %s", i + 1, n,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if ((rc = redo_bind(s->redo, i, st)) == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		s->failed = sqlite3_extended_errcode(s->db);
		/* Not the disk: a write that can never be done. */
		if (!store_disk_error(s->failed))
			log_warnx("store: held write %zu of %zu: %s", i + 1,
			    n, sqlite3_errmsg(s->db));
	}
	store_unbind(s, st);
	if (which < 0)
		sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Replay the held writes in one transaction: 0 once they are durable. */
int
store_resume(struct store *s)
{
	size_t	 i, n;

	if (!s->held)
		return 0;
	if (store_in_txn(s) || store_exec(s->db, "BEGIN IMMEDIATE",
	    "resume") == -1) {
		s->failed = sqlite3_extended_errcode(s->db);
		return -1;
	}
	n = redo_count(s->redo);
	for (i = 0; i < n; i++)
		if (store_replay(s, i, n) == -1)
			goto fail;
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		s->failed = sqlite3_extended_errcode(s->db);
		goto fail;
	}
	store_redo_clear(s);
	s->held = 0;
	s->held_code = SQLITE_OK;
	return 0;
fail:
	s->held_code = s->failed;
	if (store_in_txn(s))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
store_txn(struct store *s, enum store_stmt which, const char *what)
{
	if (which == ST_BEGIN ? store_in_txn(s) : !store_in_txn(s)) {
		log_warnx("store: %s: %s", what, which == ST_BEGIN ?
		    "a transaction is already open" : "no transaction open");
		return -1;
	}
	return store_done(s, s->st[which], what);
}

/* Start a write transaction (BEGIN IMMEDIATE). */
int
store_begin(struct store *s)
{
	if (s->held) {
		s->failed = s->held_code;
		return -1;
	}
	store_redo_clear(s);
	return store_txn(s, ST_BEGIN, "begin");
}

/* Commit; on failure the transaction may still be open: roll it back. */
int
store_commit(struct store *s)
{
	if (store_txn(s, ST_COMMIT, "commit") == -1)
		return -1;
	store_redo_clear(s);
	return 0;
}

/* Roll back the open transaction. */
int
store_rollback(struct store *s)
{
	return store_txn(s, ST_ROLLBACK, "rollback");
}

/*
 * Why the last write failed, in words for the client whose request it
 * rolls back: the disk, the file's mode, or SQLite's own message.
 */
const char *
store_failure(struct store *s)
{
	switch ((s->held ? s->held_code : s->failed) & 0xff) {
	case SQLITE_FULL:
		return "the scheduler's disk is full";
	case SQLITE_READONLY:
		return "the scheduler's database is read-only";
	case SQLITE_IOERR:
		return "an I/O error on the scheduler's disk";
	case SQLITE_CANTOPEN:
		return "the scheduler cannot open its database files";
	case SQLITE_OK:
		return "the scheduler's store refused the change";
	default:
		return sqlite3_errstr(s->failed);
	}
}

/* Whether the last failure (or the hold) is a full disk. */
int
store_failure_full(struct store *s)
{
	return ((s->held ? s->held_code : s->failed) & 0xff) == SQLITE_FULL;
}

/* SQLite knows best: it may have rolled back on its own (SQLITE_FULL). */
int
store_in_txn(struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

/* ST's slot in s->st, or -1: a statement of its own (store-factory.c). */
static int
store_slot(struct store *s, sqlite3_stmt *st)
{
	int	 i;

	for (i = 0; i < ST_MAX; i++)
		if (s->st[i] == st)
			return i;
	return -1;
}

/*
 * Whether parameter IDX of ST is copied as it is bound: ST writes, uses
 * it, and its write may be kept.  The first bind of a statement starts a
 * new set of values (store-redo.c); its step or store_unbind() ends it.
 */
static int
store_copy(struct store *s, sqlite3_stmt *st, int idx)
{
	if (st != s->bind_st) {
		redo_drop(s->redo);
		s->bind_st = st;
		s->bind_which = store_slot(s, st);
		s->bind_copy = 0;
		if (s->redo_on && (s->held || store_in_txn(s)))
			s->bind_copy = s->bind_which >= 0 ?
			    s->params[s->bind_which] : redo_params(st);
	}
	return idx >= 1 && idx <= 64 &&
	    (s->bind_copy & (uint64_t)1 << (idx - 1)) != 0;
}

int
store_bind_int64(struct store *s, sqlite3_stmt *st, int idx, int64_t i)
{
	int	 rc;

	if ((rc = sqlite3_bind_int64(st, idx, i)) == SQLITE_OK &&
	    store_copy(s, st, idx))
		redo_int64(s->redo, idx, i);
	return rc;
}

int
store_bind_double(struct store *s, sqlite3_stmt *st, int idx, double d)
{
	int	 rc;

	if ((rc = sqlite3_bind_double(st, idx, d)) == SQLITE_OK &&
	    store_copy(s, st, idx))
		redo_double(s->redo, idx, d);
	return rc;
}

int
store_bind_null(struct store *s, sqlite3_stmt *st, int idx)
{
	int	 rc;

	if ((rc = sqlite3_bind_null(st, idx)) == SQLITE_OK &&
	    store_copy(s, st, idx))
		redo_null(s->redo, idx);
	return rc;
}

/* NULL binds SQL NULL. */
int
store_bind_text(struct store *s, sqlite3_stmt *st, int idx,
    const char *text)
{
	size_t	 len;
	int	 rc;

	if (text == NULL)
		return store_bind_null(s, st, idx);
	if ((len = strlen(text)) > INT32_MAX)
		return SQLITE_TOOBIG;
	if ((rc = sqlite3_bind_text(st, idx, text, (int)len,
	    SQLITE_STATIC)) == SQLITE_OK && store_copy(s, st, idx))
		redo_bytes(s->redo, idx, SQLITE_TEXT, text, (int)len);
	return rc;
}

/* A NULL pointer binds SQL NULL, as SQLite does. */
int
store_bind_blob(struct store *s, sqlite3_stmt *st, int idx, const void *p,
    int len)
{
	int	 rc;

	if (p == NULL)
		return store_bind_null(s, st, idx);
	if ((rc = sqlite3_bind_blob(st, idx, p, len, SQLITE_STATIC)) ==
	    SQLITE_OK && store_copy(s, st, idx))
		redo_bytes(s->redo, idx, SQLITE_BLOB, p, len);
	return rc;
}

/* Reset ST and clear its bindings: what was copied of them goes. */
void
store_unbind(struct store *s, sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (st == s->bind_st) {
		redo_drop(s->redo);
		s->bind_st = NULL;
	}
}

/* Bind ?1..?32 in STORE_JOB_COLUMNS order; exit_code -1 is NULL. */
static int
store_bind_job(struct store *s, sqlite3_stmt *st, const struct job *j)
{
	if (store_bind_int64(s, st, 1, j->cluster) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, j->proc) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, (int)j->state) != SQLITE_OK ||
	    store_bind_int64(s, st, 4, (int64_t)j->uid) != SQLITE_OK ||
	    store_bind_text(s, st, 5, j->owner) != SQLITE_OK ||
	    store_bind_int64(s, st, 6, j->priority) != SQLITE_OK ||
	    store_bind_int64(s, st, 7, j->request_cpus) != SQLITE_OK ||
	    store_bind_int64(s, st, 8, j->request_memory_mb) != SQLITE_OK ||
	    store_bind_text(s, st, 9, j->cmd) != SQLITE_OK ||
	    store_bind_text(s, st, 10, j->ad) != SQLITE_OK ||
	    store_bind_int64(s, st, 11, j->submitted) != SQLITE_OK ||
	    store_bind_int64(s, st, 12, j->started) != SQLITE_OK ||
	    store_bind_int64(s, st, 13, j->finished) != SQLITE_OK ||
	    store_bind_int64(s, st, 14, j->run) != SQLITE_OK ||
	    store_bind_text(s, st, 15, j->machine) != SQLITE_OK ||
	    (j->exit_code == -1 ? store_bind_null(s, st, 16) :
	    store_bind_int64(s, st, 16, j->exit_code)) != SQLITE_OK ||
	    store_bind_int64(s, st, 17, j->exit_signal) != SQLITE_OK ||
	    store_bind_int64(s, st, 18, j->utime_ms) != SQLITE_OK ||
	    store_bind_int64(s, st, 19, j->stime_ms) != SQLITE_OK ||
	    store_bind_int64(s, st, 20, j->maxrss_kb) != SQLITE_OK ||
	    store_bind_int64(s, st, 21, j->nstarts) != SQLITE_OK ||
	    store_bind_int64(s, st, 22, j->ckpt_version) != SQLITE_OK ||
	    store_bind_int64(s, st, 23, j->ckpt_time) != SQLITE_OK ||
	    store_bind_int64(s, st, 24, j->nevictions) != SQLITE_OK ||
	    store_bind_int64(s, st, 25, j->goodput_ms) != SQLITE_OK ||
	    store_bind_int64(s, st, 26, j->badput_ms) != SQLITE_OK ||
	    store_bind_int64(s, st, 27, j->ckpt_criu != 0) != SQLITE_OK ||
	    store_bind_int64(s, st, 28, j->entered) != SQLITE_OK ||
	    store_bind_int64(s, st, 29, j->ncompletions) != SQLITE_OK ||
	    store_bind_text(s, st, 30, j->state == JOB_HELD ? j->hold_reason :
	    NULL) != SQLITE_OK ||
	    store_bind_int64(s, st, 31, j->state == JOB_HELD ? j->hold_code :
	    0) != SQLITE_OK ||
	    store_bind_int64(s, st, 32, j->state == JOB_HELD ? j->hold_subcode :
	    0) != SQLITE_OK)
		return -1;
	return 0;
}

/*
 * A text column, copied when COPY, else borrowed until the next step
 * (history hands its callback a const job, hence the cast).
 */
static char *
store_col_text(sqlite3_stmt *st, int col, int copy)
{
	const char	*text;

	if ((text = (const char *)sqlite3_column_text(st, col)) == NULL)
		return NULL;
	return copy ? xstrdup(text) : (char *)text;
}

/* Fill J from a row of STORE_JOB_COLUMNS; the caller zeroed J. */
static int
store_row_job(sqlite3_stmt *st, struct job *j, int copy)
{
	int64_t	 cluster, proc, state;

	cluster = sqlite3_column_int64(st, 0);
	proc = sqlite3_column_int64(st, 1);
	state = sqlite3_column_int64(st, 2);
	if (cluster < 1 || cluster > UINT32_MAX || proc < 0 ||
	    proc > UINT32_MAX || state < JOB_IDLE || state > JOB_SUSPENDED) {
		log_warnx("store: bad job row %" PRId64 ".%" PRId64
		    " state %" PRId64, cluster, proc, state);
		return -1;
	}
	j->cluster = (uint32_t)cluster;
	j->proc = (uint32_t)proc;
	j->state = (enum job_state)state;
	j->uid = (uid_t)sqlite3_column_int64(st, 3);
	j->owner = store_col_text(st, 4, copy);
	j->priority = sqlite3_column_int(st, 5);
	j->request_cpus = sqlite3_column_int64(st, 6);
	j->request_memory_mb = sqlite3_column_int64(st, 7);
	j->cmd = store_col_text(st, 8, copy);
	j->ad = store_col_text(st, 9, copy);
	j->submitted = sqlite3_column_int64(st, 10);
	j->started = sqlite3_column_int64(st, 11);
	j->finished = sqlite3_column_int64(st, 12);
	j->run = (uint32_t)sqlite3_column_int64(st, 13);
	j->machine = store_col_text(st, 14, copy);
	if (sqlite3_column_type(st, 15) == SQLITE_NULL)
		j->exit_code = -1;
	else
		j->exit_code = sqlite3_column_int(st, 15);
	j->exit_signal = sqlite3_column_int(st, 16);
	j->utime_ms = sqlite3_column_int64(st, 17);
	j->stime_ms = sqlite3_column_int64(st, 18);
	j->maxrss_kb = sqlite3_column_int64(st, 19);
	j->nstarts = sqlite3_column_int(st, 20);
	j->ckpt_version = (uint32_t)sqlite3_column_int64(st, 21);
	j->ckpt_time = sqlite3_column_int64(st, 22);
	j->nevictions = sqlite3_column_int(st, 23);
	j->goodput_ms = sqlite3_column_int64(st, 24);
	j->badput_ms = sqlite3_column_int64(st, 25);
	j->ckpt_criu = sqlite3_column_int(st, 26) != 0;
	j->entered = sqlite3_column_int64(st, 27);
	j->ncompletions = sqlite3_column_int(st, 28);
	j->hold_reason = store_col_text(st, 29, copy);
	j->hold_code = sqlite3_column_int(st, 30);
	j->hold_subcode = sqlite3_column_int(st, 31);
	return 0;
}

/* Insert a cluster row; the id is AUTOINCREMENT, never reused. */
int
store_cluster_new(struct store *s, uid_t uid, const char *owner, int64_t now,
    const char *batch_name, uint32_t nprocs, uint32_t *cluster)
{
	sqlite3_stmt	*st = s->st[ST_CLUSTER_NEW];
	int64_t		 id;

	if (store_bind_int64(s, st, 1, (int64_t)uid) != SQLITE_OK ||
	    store_bind_text(s, st, 2, owner) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, now) != SQLITE_OK ||
	    store_bind_text(s, st, 4, batch_name) != SQLITE_OK ||
	    store_bind_int64(s, st, 5, nprocs) != SQLITE_OK) {
		log_warnx("store: cluster_new: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	if (store_step(s, st, "cluster_new", 0) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	if (id < 1 || id > UINT32_MAX) {
		log_warnx("store: cluster_new: id %" PRId64 " out of range",
		    id);
		return -1;
	}
	/* Above what the mark reserved: reserve more before it is used. */
	if (id > s->cluster_limit && s->cluster_cb != NULL &&
	    s->cluster_cb(s->state_arg, id) == -1) {
		s->failed = errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR;
		return -1;
	}
	*cluster = (uint32_t)id;
	return 0;
}

/* Insert J; its cluster must exist. */
int
store_job_insert(struct store *s, const struct job *j)
{
	sqlite3_stmt	*st = s->st[ST_JOB_INSERT];

	if (store_bind_job(s, st, j) == -1) {
		log_warnx("store: job_insert: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "job_insert");
}

/* Update the mutable columns of J (and priority); -1 if no such job. */
int
store_job_update(struct store *s, const struct job *j)
{
	sqlite3_stmt	*st = s->st[ST_JOB_UPDATE];

	if (store_bind_job(s, st, j) == -1) {
		log_warnx("store: job_update: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	if (store_done(s, st, "job_update") == -1)
		return -1;
	/* Held: kept, not done. */
	if (!s->held && sqlite3_changes(s->db) != 1) {
		log_warnx("store: job_update: no job %" PRIu32 ".%" PRIu32,
		    j->cluster, j->proc);
		return -1;
	}
	return 0;
}

/* Append one event; DETAIL may be NULL. */
int
store_event_add(struct store *s, uint32_t cluster, uint32_t proc,
    int64_t time, const char *event, uint32_t run, const char *detail)
{
	sqlite3_stmt	*st = s->st[ST_EVENT_ADD];

	if (store_bind_int64(s, st, 1, cluster) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, proc) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, time) != SQLITE_OK ||
	    store_bind_text(s, st, 4, event) != SQLITE_OK ||
	    store_bind_int64(s, st, 5, run) != SQLITE_OK ||
	    store_bind_text(s, st, 6, detail) != SQLITE_OK) {
		log_warnx("store: event_add: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "event_add");
}

/* Walk the queue at start-up: CB owns each job (free with job_free). */
int
store_jobs_load(struct store *s, int (*cb)(void *, struct job *), void *arg)
{
	sqlite3_stmt	*st = s->st[ST_JOBS_LOAD];
	struct job	*j;
	int		 rc, cbrc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		j = xcalloc(1, sizeof(*j));
		if (store_row_job(st, j, 1) == -1) {
			free(j);
			ret = -1;
			break;
		}
		if ((cbrc = cb(arg, j)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: jobs_load: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/* Walk finished jobs; the job and its strings live until CB returns. */
int
store_history(struct store *s, uint32_t cluster, int64_t proc,
    const char *owner, int64_t limit,
    int (*cb)(void *, const struct job *), void *arg)
{
	sqlite3_stmt	*st = s->st[ST_HISTORY];
	struct job	 j;
	int		 rc, cbrc, ret = 0;

	if (store_bind_int64(s, st, 1, cluster) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, proc < 0 ? -1 : proc) != SQLITE_OK ||
	    store_bind_text(s, st, 3, owner) != SQLITE_OK ||
	    store_bind_int64(s, st, 4, limit <= 0 ? -1 : limit) != SQLITE_OK) {
		log_warnx("store: history: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&j, 0, sizeof(j));
		if (store_row_job(st, &j, 0) == -1) {
			ret = -1;
			break;
		}
		if ((cbrc = cb(arg, &j)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: history: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

/* Walk a job's events; the strings live until CB returns. */
int
store_events(struct store *s, uint32_t cluster, uint32_t proc,
    int (*cb)(void *, int64_t, const char *, uint32_t, const char *),
    void *arg)
{
	sqlite3_stmt	*st = s->st[ST_EVENTS];
	int		 rc, cbrc, ret = 0;

	if (store_bind_int64(s, st, 1, cluster) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, proc) != SQLITE_OK) {
		log_warnx("store: events: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((cbrc = cb(arg, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (uint32_t)sqlite3_column_int64(st, 2),
		    (const char *)sqlite3_column_text(st, 3))) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: events: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

/* Insert or update M by name; an existing row keeps its first_seen. */
int
store_machine_put(struct store *s, const struct store_machine *m)
{
	sqlite3_stmt	*st = s->st[ST_MACHINE_PUT];

	if (store_bind_text(s, st, 1, m->name) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, m->nslots) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, m->first_seen) != SQLITE_OK ||
	    store_bind_int64(s, st, 4, m->last_seen) != SQLITE_OK ||
	    store_bind_text(s, st, 5, m->state) != SQLITE_OK) {
		log_warnx("store: machine_put: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "machine_put");
}

/* Walk the machines; the strings live until CB returns. */
int
store_machines_load(struct store *s,
    int (*cb)(void *, const struct store_machine *), void *arg)
{
	sqlite3_stmt		*st = s->st[ST_MACHINES_LOAD];
	struct store_machine	 m;
	int			 rc, cbrc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m.name = (const char *)sqlite3_column_text(st, 0);
		m.nslots = sqlite3_column_int(st, 1);
		m.first_seen = sqlite3_column_int64(st, 2);
		m.last_seen = sqlite3_column_int64(st, 3);
		m.state = (const char *)sqlite3_column_text(st, 4);
		if ((cbrc = cb(arg, &m)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: machines_load: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/* Walk the user-log events after AFTER; the strings live until CB returns. */
int
store_userlog_events(struct store *s, int64_t after, int64_t limit,
    int (*cb)(void *, const struct store_logevent *), void *arg)
{
	sqlite3_stmt		*st = s->st[ST_USERLOG_EVENTS];
	struct store_logevent	 e;
	int			 rc, cbrc, ret = 0;

	if (store_bind_int64(s, st, 1, after) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, limit <= 0 ? -1 : limit) != SQLITE_OK) {
		log_warnx("store: userlog_events: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.cluster = (uint32_t)sqlite3_column_int64(st, 1);
		e.proc = (uint32_t)sqlite3_column_int64(st, 2);
		e.time = sqlite3_column_int64(st, 3);
		e.event = (const char *)sqlite3_column_text(st, 4);
		e.run = (uint32_t)sqlite3_column_int64(st, 5);
		e.detail = (const char *)sqlite3_column_text(st, 6);
		e.uid = (uid_t)sqlite3_column_int64(st, 7);
		e.log = (const char *)sqlite3_column_text(st, 8);
		e.exit_code = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(st, 9);
		e.exit_signal = sqlite3_column_int(st, 10);
		e.hold_code = sqlite3_column_int(st, 13);
		e.hold_subcode = sqlite3_column_int(st, 14);
		e.utime_ms = sqlite3_column_int64(st, 11);
		e.stime_ms = sqlite3_column_int64(st, 12);
		if (e.event == NULL || e.log == NULL)
			continue;
		if ((cbrc = cb(arg, &e)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: userlog_events: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

/* The id of the newest job event, 0 if none; -1 on error. */
int64_t
store_events_last(struct store *s)
{
	sqlite3_stmt	*st = s->st[ST_EVENTS_LAST];
	int64_t		 id = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		log_warnx("store: events_last: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return id;
}

/* Walk the clusters with queued jobs; the strings live until CB returns. */
int
store_clusters_load(struct store *s, int (*cb)(void *, uint32_t,
    const char *, const char *, uint32_t, int64_t), void *arg)
{
	sqlite3_stmt	*st = s->st[ST_CLUSTERS_LOAD];
	int64_t		 id, nprocs;
	int		 rc, cbrc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		nprocs = sqlite3_column_int64(st, 3);
		if (id < 1 || id > UINT32_MAX || nprocs < 0 ||
		    nprocs > UINT32_MAX) {
			log_warnx("store: bad cluster row %" PRId64, id);
			ret = -1;
			break;
		}
		if ((cbrc = cb(arg, (uint32_t)id,
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (uint32_t)nprocs, sqlite3_column_int64(st, 4))) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: clusters_load: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/* --- credentials (docs/credentials.md) ------------------------------------ */

/* Copy text column COL into BUF ("" for NULL). */
static void
store_col_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const char	*t = (const char *)sqlite3_column_text(st, col);

	strlcpy(buf, t != NULL ? t : "", len);
}

/* Copy a 32-byte hash column; -1 if it is not one. */
static int
store_col_hash(sqlite3_stmt *st, int col, unsigned char *out)
{
	const void	*b = sqlite3_column_blob(st, col);

	if (b == NULL || sqlite3_column_bytes(st, col) != STORE_HASH_LEN)
		return -1;
	memcpy(out, b, STORE_HASH_LEN);
	return 0;
}

static int
store_row_cred(sqlite3_stmt *st, struct store_cred *c)
{
	memset(c, 0, sizeof *c);
	store_col_copy(st, 0, c->id, sizeof c->id);
	store_col_copy(st, 1, c->kind, sizeof c->kind);
	if (store_col_hash(st, 2, c->hash) == -1) {
		log_warnx("store: credential %s: bad hash", c->id);
		return -1;
	}
	store_col_copy(st, 3, c->name, sizeof c->name);
	c->issued = sqlite3_column_int64(st, 4);
	c->expires = sqlite3_column_int64(st, 5);
	c->revoked = sqlite3_column_int64(st, 6);
	c->last_seen = sqlite3_column_int64(st, 7);
	store_col_copy(st, 8, c->source, sizeof c->source);
	store_col_copy(st, 9, c->how, sizeof c->how);
	c->uses = sqlite3_column_int64(st, 10);
	return 0;
}

static int
store_row_req(sqlite3_stmt *st, struct store_credreq *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, r->name, sizeof r->name);
	store_col_copy(st, 2, r->source, sizeof r->source);
	r->created = sqlite3_column_int64(st, 3);
	r->last_seen = sqlite3_column_int64(st, 4);
	if (store_col_hash(st, 5, r->key_hash) == -1) {
		log_warnx("store: request %lld: bad hash", (long long)r->id);
		return -1;
	}
	store_col_copy(st, 6, r->state, sizeof r->state);
	store_col_copy(st, 7, r->cred_id, sizeof r->cred_id);
	store_col_copy(st, 8, r->how, sizeof r->how);
	return 0;
}

/* Step ST (bound) for one row read by READ into OUT: 1 found, 0 not, -1. */
static int
store_one(struct store *s, sqlite3_stmt *st, const char *what,
    int (*read)(sqlite3_stmt *, void *), void *out)
{
	int	rc, ret;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = read(st, out) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

static int
store_read_cred(sqlite3_stmt *st, void *out)
{
	return store_row_cred(st, out);
}

static int
store_read_req(sqlite3_stmt *st, void *out)
{
	return store_row_req(st, out);
}

/* Insert a credential: id, kind, hash, name, issued, expires, how,
 * last_seen and source (0 and "": never seen). */
int
store_cred_put(struct store *s, const struct store_cred *c)
{
	sqlite3_stmt	*st = s->st[ST_CRED_PUT];

	if (store_bind_text(s, st, 1, c->id) != SQLITE_OK ||
	    store_bind_text(s, st, 2, c->kind) != SQLITE_OK ||
	    store_bind_blob(s, st, 3, c->hash, STORE_HASH_LEN) != SQLITE_OK ||
	    store_bind_text(s, st, 4, c->name[0] != '\0' ? c->name : NULL) !=
	    SQLITE_OK ||
	    store_bind_int64(s, st, 5, c->issued) != SQLITE_OK ||
	    store_bind_int64(s, st, 6, c->expires) != SQLITE_OK ||
	    store_bind_text(s, st, 7, c->how) != SQLITE_OK ||
	    store_bind_int64(s, st, 8, c->last_seen) != SQLITE_OK ||
	    store_bind_text(s, st, 9, c->source[0] != '\0' ? c->source :
	    NULL) != SQLITE_OK) {
		log_warnx("store: cred_put: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "cred_put");
}

/* The credential ID into C: 1 found, 0 not, -1 error. */
int
store_cred_get(struct store *s, const char *id, struct store_cred *c)
{
	sqlite3_stmt	*st = s->st[ST_CRED_GET];

	if (store_bind_text(s, st, 1, id) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_one(s, st, "cred_get", store_read_cred, c);
}

/* The agent credential bound to NAME into C: 1 found, 0 not, -1 error. */
int
store_cred_by_name(struct store *s, const char *name, struct store_cred *c)
{
	sqlite3_stmt	*st = s->st[ST_CRED_BY_NAME];

	if (store_bind_text(s, st, 1, name) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_one(s, st, "cred_by_name", store_read_cred, c);
}

/* ID was used from SOURCE at NOW (USES added to its enrollments). */
int
store_cred_seen(struct store *s, const char *id, int64_t now,
    const char *source, int uses)
{
	sqlite3_stmt	*st = s->st[ST_CRED_SEEN];

	if (store_bind_text(s, st, 1, id) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, now) != SQLITE_OK ||
	    store_bind_text(s, st, 3, source) != SQLITE_OK ||
	    store_bind_int64(s, st, 4, uses) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "cred_seen");
}

/* Revoke ID at NOW: 1 if it was revoked now, 0 if unknown or already. */
int
store_cred_revoke(struct store *s, const char *id, int64_t now)
{
	sqlite3_stmt	*st = s->st[ST_CRED_REVOKE];

	if (store_bind_text(s, st, 1, id) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, now) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	if (store_done(s, st, "cred_revoke") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

/*
 * Free the machine name NAME: delete its agent credential and its
 * requests.  The number of rows deleted, or -1.
 */
int
store_cred_forget(struct store *s, const char *name)
{
	sqlite3_stmt	*st;
	int		 n = 0, k;

	for (k = 0; k < 2; k++) {
		st = s->st[k == 0 ? ST_CRED_FORGET : ST_REQ_FORGET];
		if (store_bind_text(s, st, 1, name) != SQLITE_OK) {
			store_unbind(s, st);
			return -1;
		}
		if (store_done(s, st, "cred_forget") == -1)
			return -1;
		n += sqlite3_changes(s->db);
	}
	return n;
}

/* Delete credential ID (its requests stay): 1 deleted, 0 none, -1. */
int
store_cred_delete(struct store *s, const char *id)
{
	sqlite3_stmt	*st = s->st[ST_CRED_DELETE];

	if (store_bind_text(s, st, 1, id) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	if (store_done(s, st, "cred_delete") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

/* Walk the credentials of KIND ("token", "agent"; NULL: both). */
int
store_creds_walk(struct store *s, const char *kind,
    int (*cb)(void *, const struct store_cred *), void *arg)
{
	sqlite3_stmt		*st = s->st[ST_CREDS_WALK];
	struct store_cred	 c;
	int			 rc, cbrc, ret = 0;

	if (store_bind_text(s, st, 1, kind) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_row_cred(st, &c) == -1)
			continue;
		if ((cbrc = cb(arg, &c)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: creds_walk: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

/* A new pending request of NAME from SOURCE; its number into *ID. */
int
store_req_put(struct store *s, const char *name, const char *source,
    int64_t now, const unsigned char *key_hash, int64_t *id)
{
	sqlite3_stmt	*st = s->st[ST_REQ_PUT];

	if (store_bind_text(s, st, 1, name) != SQLITE_OK ||
	    store_bind_text(s, st, 2, source) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, now) != SQLITE_OK ||
	    store_bind_blob(s, st, 4, key_hash, STORE_HASH_LEN) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	if (store_step(s, st, "req_put", 0) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* The request with KEY_HASH into R: 1 found, 0 not, -1 error. */
int
store_req_by_hash(struct store *s, const unsigned char *key_hash,
    struct store_credreq *r)
{
	sqlite3_stmt	*st = s->st[ST_REQ_BY_HASH];

	if (store_bind_blob(s, st, 1, key_hash, STORE_HASH_LEN) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_one(s, st, "req_by_hash", store_read_req, r);
}

/* Request number ID into R: 1 found, 0 not, -1 error. */
int
store_req_get(struct store *s, int64_t id, struct store_credreq *r)
{
	sqlite3_stmt	*st = s->st[ST_REQ_GET];

	if (store_bind_int64(s, st, 1, id) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_one(s, st, "req_get", store_read_req, r);
}

/* Write R's last_seen, source, state, cred_id ("" NULL) and how. */
int
store_req_update(struct store *s, const struct store_credreq *r)
{
	sqlite3_stmt	*st = s->st[ST_REQ_UPDATE];

	if (store_bind_int64(s, st, 1, r->id) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, r->last_seen) != SQLITE_OK ||
	    store_bind_text(s, st, 3, r->source) != SQLITE_OK ||
	    store_bind_text(s, st, 4, r->state) != SQLITE_OK ||
	    store_bind_text(s, st, 5, r->cred_id[0] != '\0' ? r->cred_id :
	    NULL) != SQLITE_OK ||
	    store_bind_text(s, st, 6, r->how[0] != '\0' ? r->how : NULL) !=
	    SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "req_update");
}

/* Walk the requests, oldest first. */
int
store_reqs_walk(struct store *s,
    int (*cb)(void *, const struct store_credreq *), void *arg)
{
	sqlite3_stmt		*st = s->st[ST_REQS_WALK];
	struct store_credreq	 r;
	int			 rc, cbrc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_row_req(st, &r) == -1)
			continue;
		if ((cbrc = cb(arg, &r)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: reqs_walk: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/* The number of pending requests, or -1. */
int64_t
store_req_pending(struct store *s)
{
	sqlite3_stmt	*st = s->st[ST_REQ_PENDING];
	int64_t		 n = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		log_warnx("store: req_pending: %s", sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return n;
}

/* The number of pending requests last seen from SOURCE, or -1. */
int64_t
store_req_pending_from(struct store *s, const char *source)
{
	sqlite3_stmt	*st = s->st[ST_REQ_PENDING_FROM];
	int64_t		 n = -1;

	if (store_bind_text(s, st, 1, source) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		log_warnx("store: req_pending_from: %s",
		    sqlite3_errmsg(s->db));
	store_unbind(s, st);
	return n;
}

/* A run-time auto-approve rule for NETBLOCK until EXPIRES. */
int
store_auto_put(struct store *s, const char *netblock, int64_t now,
    int64_t expires)
{
	sqlite3_stmt	*st = s->st[ST_AUTO_PUT];

	if (store_bind_text(s, st, 1, netblock) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, now) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, expires) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "auto_put");
}

/* End the rules for NETBLOCK at NOW: how many ended, or -1. */
int
store_auto_end(struct store *s, const char *netblock, int64_t now)
{
	sqlite3_stmt	*st = s->st[ST_AUTO_END];

	if (store_bind_text(s, st, 1, netblock) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, now) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	if (store_done(s, st, "auto_end") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

/* Walk the rules still in force at NOW: id, netblock, created, expires. */
int
store_autos_walk(struct store *s, int64_t now,
    int (*cb)(void *, int64_t, const char *, int64_t, int64_t), void *arg)
{
	sqlite3_stmt	*st = s->st[ST_AUTOS_WALK];
	int		 rc, cbrc, ret = 0;

	if (store_bind_int64(s, st, 1, now) != SQLITE_OK) {
		store_unbind(s, st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((cbrc = cb(arg, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3))) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: autos_walk: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	store_unbind(s, st);
	return ret;
}

/* --- fair share (docs/fairshare.md) --------------------------------------- */

/* Write what fair share keeps of submitter U. */
int
store_user_put(struct store *s, const struct store_user *u)
{
	sqlite3_stmt	*st = s->st[ST_USER_PUT];

	if (store_bind_text(s, st, 1, u->name) != SQLITE_OK ||
	    store_bind_double(s, st, 2, u->usage) != SQLITE_OK ||
	    store_bind_int64(s, st, 3, u->updated) != SQLITE_OK ||
	    store_bind_double(s, st, 4, u->factor) != SQLITE_OK ||
	    store_bind_double(s, st, 5, u->accumulated) != SQLITE_OK) {
		log_warnx("store: user_put: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	return store_done(s, st, "user_put");
}

/* Walk the submitters' rows; the name lives until CB returns. */
int
store_users_load(struct store *s, int (*cb)(void *, const struct store_user *),
    void *arg)
{
	sqlite3_stmt		*st = s->st[ST_USERS_LOAD];
	struct store_user	 u;
	int			 rc, cbrc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((u.name = (const char *)sqlite3_column_text(st, 0)) ==
		    NULL)
			continue;
		u.usage = sqlite3_column_double(st, 1);
		u.updated = sqlite3_column_int64(st, 2);
		u.factor = sqlite3_column_double(st, 3);
		u.accumulated = sqlite3_column_double(st, 4);
		if ((cbrc = cb(arg, &u)) != 0) {
			ret = cbrc < 0 ? -1 : 0;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: users_load: %s", sqlite3_errmsg(s->db));
		ret = -1;
	}
	sqlite3_reset(st);
	return ret;
}

/* Write J's description (J->ad), priority and requests: cq qedit. */
int
store_job_set_ad(struct store *s, const struct job *j)
{
	sqlite3_stmt	*st = s->st[ST_JOB_SET_AD];

	if (store_bind_int64(s, st, 1, j->cluster) != SQLITE_OK ||
	    store_bind_int64(s, st, 2, j->proc) != SQLITE_OK ||
	    store_bind_text(s, st, 3, j->ad) != SQLITE_OK ||
	    store_bind_int64(s, st, 4, j->priority) != SQLITE_OK ||
	    store_bind_int64(s, st, 5, j->request_cpus) != SQLITE_OK ||
	    store_bind_int64(s, st, 6, j->request_memory_mb) != SQLITE_OK) {
		log_warnx("store: job_set_ad: %s", sqlite3_errmsg(s->db));
		store_unbind(s, st);
		return -1;
	}
	if (store_done(s, st, "job_set_ad") == -1)
		return -1;
	/* Held: kept, not done. */
	if (!s->held && sqlite3_changes(s->db) != 1) {
		log_warnx("store: job_set_ad: no job %u.%u", j->cluster,
		    j->proc);
		return -1;
	}
	return 0;
}

/* --- for store-factory.c (store-int.h) ------------------------------------ */

sqlite3 *
store_sqlite(struct store *s)
{
	return s->db;
}

int
store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	return store_done(s, st, what);
}

/* --- what stateck.c keeps of the database ------------------------------ */

/* Run a one-row query of constant SQL with up to one int64 and one text. */
static int
store_small(struct store *s, const char *sql, int64_t num, const char *text,
    int64_t *outnum, char *outtext, size_t outlen)
{
	sqlite3_stmt	*st;
	const char	*t;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		s->failed = sqlite3_extended_errcode(s->db);
		log_warnx("store: %s: %s", sql, sqlite3_errmsg(s->db));
		return -1;
	}
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, num);
	/* Not a kept write: bound around the helpers. */
	if (sqlite3_bind_parameter_count(st) >= 2)
		(void)(text != NULL ? sqlite3_bind_text(st, 2, text, -1,
		    SQLITE_STATIC) : sqlite3_bind_null(st, 2));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (outnum != NULL)
			*outnum = sqlite3_column_int64(st, 0);
		if (outtext != NULL) {
			t = (const char *)sqlite3_column_text(st, 0);
			strlcpy(outtext, t != NULL ? t : "", outlen);
		}
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		s->failed = sqlite3_extended_errcode(s->db);
		log_warnx("store: %s: %s", sql, sqlite3_errmsg(s->db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_readonly(struct store *s)
{
	return sqlite3_db_readonly(s->db, "main") == 1;
}

int64_t
store_cluster_seq(struct store *s)
{
	int64_t	 seq = 0;

	if (store_small(s, "SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'clusters'", 0, NULL, &seq, NULL, 0) == -1)
		return -1;
	return seq;
}

/* Raise the clusters' AUTOINCREMENT counter to FLOOR (never lower it). */
int
store_cluster_floor(struct store *s, int64_t floor)
{
	int64_t	 seq;

	if ((seq = store_cluster_seq(s)) == -1)
		return -1;
	if (seq >= floor)
		return 0;
	if (store_small(s, "UPDATE sqlite_sequence SET seq = ?1 "
	    "WHERE name = 'clusters'", floor, NULL, NULL, NULL, 0) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 1)
		return 0;
	return store_small(s, "INSERT INTO sqlite_sequence (name, seq) "
	    "VALUES ('clusters', ?1)", floor, NULL, NULL, NULL, 0) == -1 ?
	    -1 : 0;
}

/* The database's id into ID (ID_LEN bytes): 1, 0 none, -1 error. */
int
store_db_id(struct store *s, char *id, size_t len)
{
	return store_small(s, "SELECT value FROM state WHERE key = 'db_id'",
	    0, NULL, NULL, id, len);
}

int
store_db_id_set(struct store *s, const char *id)
{
	return store_small(s, "INSERT INTO state (key, value) "
	    "VALUES ('db_id', ?2)", 0, id, NULL, NULL, 0) == -1 ? -1 : 0;
}

/* Count a start (a write that proves the database writable). */
int
store_count_start(struct store *s)
{
	return store_small(s, "INSERT INTO state (key, value) "
	    "VALUES ('starts', '1') ON CONFLICT (key) DO UPDATE SET "
	    "value = CAST(value AS INTEGER) + 1", 0, NULL, NULL, NULL, 0) ==
	    -1 ? -1 : 0;
}

int
store_wal_frames(struct store *s)
{
	return s->wal_frames;
}

void
store_state_hooks(struct store *s, int64_t cluster_limit,
    int (*cluster_cb)(void *, int64_t), void (*wal_reset_cb)(void *),
    void *arg)
{
	s->cluster_limit = cluster_limit;
	s->cluster_cb = cluster_cb;
	s->wal_reset_cb = wal_reset_cb;
	s->state_arg = arg;
}

/* CB(ARG) runs when a write of the turn (not a commit) holds the store. */
void
store_on_hold(struct store *s, void (*cb)(void *), void *arg)
{
	s->hold_cb = cb;
	s->hold_arg = arg;
}

void
store_cluster_limit(struct store *s, int64_t limit)
{
	s->cluster_limit = limit;
}
