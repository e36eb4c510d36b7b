/*
 * store-factory.c: the factories table (schema/008-factories.sql), the
 * late materialization's part of the store.  Each call prepares its
 * statement: they run once per materialized batch, not per job.  A
 * write's values are bound through store_bind_*() (store-int.h), so a
 * held one is replayed (store.c keeps its SQL); reads bind directly.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"

static sqlite3_stmt *
store_factory_prepare(struct store *s, const char *sql, const char *what)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(store_sqlite(s), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_warnx("store: %s: %s", what,
		    sqlite3_errmsg(store_sqlite(s)));
		return NULL;
	}
	return st;
}

/* Run ST (bound or not: BOUND) and finalize it. */
static int
store_factory_run(struct store *s, sqlite3_stmt *st, int bound,
    const char *what)
{
	int	rc;

	if (!bound) {
		log_warnx("store: %s: %s", what,
		    sqlite3_errmsg(store_sqlite(s)));
		store_unbind(s, st);
		rc = -1;
	} else
		rc = store_run(s, st, what);
	sqlite3_finalize(st);
	return rc;
}

int
store_factory_insert(struct store *s, uint32_t cluster, const char *digest,
    uint64_t total, uint64_t upload)
{
	sqlite3_stmt	*st;

	if ((st = store_factory_prepare(s, "INSERT INTO factories "
	    "(cluster, digest, total, items_upload) VALUES (?, ?, ?, ?)",
	    "factory_insert")) == NULL)
		return -1;
	return store_factory_run(s, st,
	    store_bind_int64(s, st, 1, cluster) == SQLITE_OK &&
	    store_bind_text(s, st, 2, digest) == SQLITE_OK &&
	    store_bind_int64(s, st, 3, (int64_t)total) == SQLITE_OK &&
	    (upload > 0 ? store_bind_int64(s, st, 4, (int64_t)upload) :
	    store_bind_null(s, st, 4)) == SQLITE_OK,
	    "factory_insert");
}

int
store_factory_update(struct store *s, uint32_t cluster, uint64_t next,
    int paused, const char *reason)
{
	sqlite3_stmt	*st;

	if ((st = store_factory_prepare(s, "UPDATE factories SET "
	    "next_proc = ?, paused = ?, reason = ? WHERE cluster = ?",
	    "factory_update")) == NULL)
		return -1;
	if (store_factory_run(s, st,
	    store_bind_int64(s, st, 1, (int64_t)next) == SQLITE_OK &&
	    store_bind_int64(s, st, 2, paused) == SQLITE_OK &&
	    store_bind_text(s, st, 3, reason) == SQLITE_OK &&
	    store_bind_int64(s, st, 4, cluster) == SQLITE_OK,
	    "factory_update") == -1)
		return -1;
	/* Held: kept, not done. */
	if (!store_held(s) && sqlite3_changes(store_sqlite(s)) != 1) {
		log_warnx("store: factory_update: no factory %" PRIu32,
		    cluster);
		return -1;
	}
	return 0;
}

int
store_factory_delete(struct store *s, uint32_t cluster)
{
	sqlite3_stmt	*st;

	if ((st = store_factory_prepare(s, "DELETE FROM factories "
	    "WHERE cluster = ?", "factory_delete")) == NULL)
		return -1;
	return store_factory_run(s, st,
	    store_bind_int64(s, st, 1, cluster) == SQLITE_OK,
	    "factory_delete");
}

int
store_factories_load(struct store *s, int (*cb)(void *,
    const struct store_factory *), void *arg)
{
	struct store_factory	 f;
	sqlite3_stmt		*st;
	int64_t			 id, total, next;
	int			 rc, ret = 0;

	if ((st = store_factory_prepare(s, "SELECT f.cluster, f.digest, "
	    "f.total, f.next_proc, f.paused, f.reason, c.uid, c.owner, "
	    "c.batch_name, c.submitted, f.items_upload FROM factories f "
	    "JOIN clusters c "
	    "ON c.id = f.cluster ORDER BY f.cluster",
	    "factories_load")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		total = sqlite3_column_int64(st, 2);
		next = sqlite3_column_int64(st, 3);
		if (id < 1 || id > UINT32_MAX || total < 1 ||
		    total > UINT32_MAX || next < 0 || next > total ||
		    sqlite3_column_text(st, 1) == NULL ||
		    sqlite3_column_text(st, 7) == NULL) {
			log_warnx("store: bad factory row %" PRId64, id);
			ret = -1;
			break;
		}
		f.cluster = (uint32_t)id;
		f.digest = (const char *)sqlite3_column_text(st, 1);
		f.total = (uint64_t)total;
		f.next = (uint64_t)next;
		f.paused = sqlite3_column_int(st, 4);
		f.reason = (const char *)sqlite3_column_text(st, 5);
		f.uid = (uid_t)sqlite3_column_int64(st, 6);
		f.owner = (const char *)sqlite3_column_text(st, 7);
		f.batch_name = (const char *)sqlite3_column_text(st, 8);
		f.submitted = sqlite3_column_int64(st, 9);
		f.upload = sqlite3_column_int64(st, 10) > 0 ?
		    (uint64_t)sqlite3_column_int64(st, 10) : 0;
		if (cb(arg, &f) == -1) {
			ret = -1;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: factories_load: %s",
		    sqlite3_errmsg(store_sqlite(s)));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_factory_items_insert(struct store *s, uint64_t upload, uint32_t seq,
    const void *items, size_t len)
{
	sqlite3_stmt	*st;

	if (len > INT32_MAX)
		return -1;
	if ((st = store_factory_prepare(s, "INSERT INTO factory_items "
	    "(upload, seq, items) VALUES (?, ?, ?)",
	    "factory_items_insert")) == NULL)
		return -1;
	return store_factory_run(s, st,
	    store_bind_int64(s, st, 1, (int64_t)upload) == SQLITE_OK &&
	    store_bind_int64(s, st, 2, seq) == SQLITE_OK &&
	    store_bind_blob(s, st, 3, items, (int)len) == SQLITE_OK,
	    "factory_items_insert");
}

int
store_factory_items_load(struct store *s, uint64_t upload,
    int (*cb)(void *, const void *, size_t), void *arg)
{
	sqlite3_stmt	*st;
	int64_t		 seq, want = 0;
	int		 rc, ret = 0;

	if ((st = store_factory_prepare(s, "SELECT seq, items FROM "
	    "factory_items WHERE upload = ? ORDER BY seq",
	    "factory_items_load")) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, (int64_t)upload) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* A frame missing: not the items the submit stored. */
		if ((seq = sqlite3_column_int64(st, 0)) != want++) {
			log_warnx("store: upload %" PRIu64 ": item frame %"
			    PRId64 " missing", upload, want - 1);
			ret = -1;
			break;
		}
		if (cb(arg, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1)) == -1) {
			ret = -1;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: factory_items_load: %s",
		    sqlite3_errmsg(store_sqlite(s)));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_factory_items_delete(struct store *s, uint64_t upload)
{
	sqlite3_stmt	*st;

	if ((st = store_factory_prepare(s, "DELETE FROM factory_items "
	    "WHERE upload = ?", "factory_items_delete")) == NULL)
		return -1;
	return store_factory_run(s, st,
	    store_bind_int64(s, st, 1, (int64_t)upload) == SQLITE_OK,
	    "factory_items_delete");
}

int
store_factory_items_sweep(struct store *s, uint64_t *next, uint64_t *gone)
{
	sqlite3_stmt	*st;
	int64_t		 max = 0;

	*next = 1;
	*gone = 0;
	if ((st = store_factory_prepare(s, "SELECT count(DISTINCT upload) "
	    "FROM factory_items WHERE upload NOT IN (SELECT items_upload "
	    "FROM factories WHERE items_upload IS NOT NULL)",
	    "factory_items_sweep")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*gone = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (*gone > 0) {
		if ((st = store_factory_prepare(s, "DELETE FROM factory_items "
		    "WHERE upload NOT IN (SELECT items_upload FROM factories "
		    "WHERE items_upload IS NOT NULL)",
		    "factory_items_sweep")) == NULL ||
		    store_factory_run(s, st, 1, "factory_items_sweep") == -1)
			return -1;
	}
	if ((st = store_factory_prepare(s, "SELECT max(coalesce((SELECT "
	    "max(upload) FROM factory_items), 0), coalesce((SELECT "
	    "max(items_upload) FROM factories), 0))",
	    "factory_items_sweep")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*next = max > 0 ? (uint64_t)max + 1 : 1;
	return 0;
}
