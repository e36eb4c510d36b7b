/*
 * store-int.h: what store.c lends the store's other files (the factory
 * tables in store-factory.c, the kept writes in store-redo.c), and
 * nothing else includes.
 */
#ifndef CQ_STORE_INT_H
#define CQ_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct store;

/* The connection. */
sqlite3	*store_sqlite(struct store *);
/* Step ST to its end, reset it; -1 (logged, noted as the last failure). */
int	 store_run(struct store *, sqlite3_stmt *, const char *);
/*
 * A write binds its values through these: one kept to replay (store.c)
 * copies the values its SQL uses as they are bound, and one whose values
 * were not all seen is lost.  Text (NULL binds NULL) and blobs are bound
 * SQLITE_STATIC.  Bindings not followed by store_run() are undone with
 * store_unbind().
 */
int	 store_bind_int64(struct store *, sqlite3_stmt *, int, int64_t);
int	 store_bind_double(struct store *, sqlite3_stmt *, int, double);
int	 store_bind_text(struct store *, sqlite3_stmt *, int, const char *);
int	 store_bind_blob(struct store *, sqlite3_stmt *, int, const void *,
	    int);
int	 store_bind_null(struct store *, sqlite3_stmt *, int);
void	 store_unbind(struct store *, sqlite3_stmt *);

/* store-redo.c: the kept writes. */
struct redo;
struct redo	*redo_new(void);
void		 redo_free(struct redo *);
/* The parameters a statement's SQL uses (bit N - 1: ?N); 0: a read. */
uint64_t	 redo_params(sqlite3_stmt *);
void		 redo_int64(struct redo *, int, int64_t);
void		 redo_double(struct redo *, int, double);
void		 redo_null(struct redo *, int);
void		 redo_bytes(struct redo *, int, int, const void *, int);
void		 redo_drop(struct redo *);
int		 redo_keep(struct redo *, int, sqlite3_stmt *, uint64_t);
size_t		 redo_count(struct redo *);
int		 redo_which(struct redo *, size_t, const char **);
int		 redo_bind(struct redo *, size_t, sqlite3_stmt *);
void		 redo_clear(struct redo *);

#endif
