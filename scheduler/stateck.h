/*
 * stateck.h: the scheduler's state known to be whole (docs/durability.md,
 * "State known to be whole").  Before the database is opened its files
 * are checked against STATE_DIR/store.mark; damage refuses the start
 * unless the administrator asks for a fresh queue.
 */
#ifndef CQ_STATECK_H
#define CQ_STATECK_H

#include <stdint.h>

struct store;

/* The exit status of a start refused over damaged state (EX_DATAERR). */
#define STATECK_EXIT_DAMAGED	65

/*
 * Before daemon(): check STATE_DIR and its database DBPATH.  Damage
 * prints what is wrong and what to do on stderr and exits
 * STATECK_EXIT_DAMAGED (a unit's RestartPreventExitStatus), unless
 * FRESH: then the old files go to STATE_DIR/damaged.TIME and a new queue
 * is made whose cluster ids start above every one handed out before.
 */
void		 stateck_start(const char *state_dir, const char *dbpath,
		    int fresh);
/* After daemon(): open the store, record the start in store.mark. */
struct store	*stateck_open(void);
/* From the tick: keep store.mark's expectations close to the WAL. */
void		 stateck_tick(int64_t now_ms);
/* At a clean stop, before store_close(): no WAL is expected any more. */
void		 stateck_shutdown(void);
/* cq-schedd --check: report on STATE_DIR; the exit status (0 whole). */
int		 stateck_check(const char *state_dir, const char *dbpath);

#endif
