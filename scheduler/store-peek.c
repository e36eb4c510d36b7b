/*
 * store-peek.c: the store module's look at a queue database without
 * changing it, for stateck.c (start-up checks and cq-schedd --check).
 * The database is opened read-only, with no checkpoint at close, so a
 * damaged directory is left exactly as found.  With store.c the only
 * file that includes <sqlite3.h>.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

static int
store_peek_open(const char *path, sqlite3 **db, char *err, size_t errlen)
{
	*db = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open: %s", *db != NULL ?
		    sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_busy_timeout(*db, 2000);
	return 0;
}

/* One row of constant SQL: 1 (into NUM or TEXT), 0 none, -1 (ERR). */
static int
store_peek_one(sqlite3 *db, const char *sql, int64_t *num, char *text,
    size_t textlen, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	const char	*t;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (num != NULL)
			*num = sqlite3_column_int64(st, 0);
		if (text != NULL) {
			t = (const char *)sqlite3_column_text(st, 0);
			snprintf(text, textlen, "%s", t != NULL ? t : "");
		}
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_peek(const char *path, int integrity, struct store_peek *p,
    void (*problem)(void *, const char *), void *arg, char *err,
    size_t errlen)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	int64_t		 v = 0, has_state = 0;
	int		 rc;

	memset(p, 0, sizeof *p);
	if (store_peek_open(path, &db, err, errlen) == -1)
		return -1;
	/* The first read runs SQLite's own recovery of the WAL. */
	if (store_peek_one(db, "PRAGMA user_version", &v, NULL, 0, err,
	    errlen) == -1)
		goto fail;
	p->version = (int)v;
	if (store_peek_one(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "name IN ('state', 'clusters')", &has_state, NULL, 0, err,
	    errlen) == -1)
		goto fail;
	if (has_state == 0 && v > 0) {
		snprintf(err, errlen, "schema version %d but no clusters "
		    "table", p->version);
		goto fail;
	}
	if (store_peek_one(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'state'", &has_state, NULL, 0, err, errlen) == -1)
		goto fail;
	if (has_state && (p->has_id = store_peek_one(db, "SELECT value FROM "
	    "state WHERE key = 'db_id'", NULL, p->db_id, sizeof p->db_id,
	    err, errlen)) == -1)
		goto fail;
	if (v > 0 && store_peek_one(db, "SELECT coalesce(max(seq), 0) FROM "
	    "sqlite_sequence WHERE name = 'clusters'", &p->seq, NULL, 0, err,
	    errlen) == -1)
		goto fail;
	if (v > 0 && store_peek_one(db, "SELECT coalesce(max(id), 0) FROM "
	    "job_events", &p->events, NULL, 0, err, errlen) == -1)
		goto fail;
	p->readonly = sqlite3_db_readonly(db, "main") == 1;
	if (integrity) {
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
		    NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
			goto fail;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *line;

			line = (const char *)sqlite3_column_text(st, 0);
			if (line != NULL && strcmp(line, "ok") != 0)
				problem(arg, line);
		}
		if (rc != SQLITE_DONE) {
			snprintf(err, errlen, "integrity check: %s",
			    sqlite3_errmsg(db));
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	sqlite3_close(db);
	return 0;

fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return -1;
}

int
store_peek_jobs(const char *path,
    int (*cb)(void *, int64_t, int64_t, int, int64_t), void *arg,
    char *err, size_t errlen)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 rc;

	if (store_peek_open(path, &db, err, errlen) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT cluster, proc, state, ckpt_version "
	    "FROM jobs WHERE state NOT IN (3, 4) ORDER BY cluster, proc",
	    -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2),
		    sqlite3_column_int64(st, 3)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}
