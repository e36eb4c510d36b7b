/*
 * store-int.h: what store.c lends the store's other files (the factory
 * tables in store-factory.c), and nothing else includes.
 */
#ifndef CQ_STORE_INT_H
#define CQ_STORE_INT_H

#include <sqlite3.h>

struct store;

/* The connection. */
sqlite3	*store_sqlite(struct store *);
/* Step ST to its end, reset it; -1 (logged, noted as the last failure). */
int	 store_run(struct store *, sqlite3_stmt *, const char *);

#endif
