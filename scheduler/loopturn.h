/*
 * loopturn.h: how long the scheduler's loop turns take.  A turn is one
 * pass of the event loop over the events that were ready together: from
 * the moment its poll returned (libevent's cached time) to the end of
 * its last callback.  The client and agent messages, the turn's work
 * (main.c) and the tick note where they start and end; the longest turn
 * (wall time, and its CPU time: loopturn.c) and the turns
 * over LOOPTURN_SLOW_MS are kept since start and shown in the pool's
 * row (`{"what": "pool"}` query: "loop").
 */
#ifndef CQ_LOOPTURN_H
#define CQ_LOOPTURN_H

#include <stdint.h>

struct event_base;
struct json_object;

/* A turn longer than this counts as slow (the bound). */
#define LOOPTURN_SLOW_MS	20

/* Measure the turns of BASE from now on. */
void		 loopturn_init(struct event_base *);
/* A callback of the turn starts (the first one starts its CPU time). */
void		 loopturn_begin(void);
/* A callback of the turn ends: the turn has lasted at least this long. */
void		 loopturn_note(void);
/* The turns complete so far: a mark for loopturn_since(). */
uint64_t	 loopturn_mark(void);
/*
 * The longest turn since MARK (of the last 4,096 turns), the current one
 * too: its wall time *US and the most CPU time of one *CPU_US.
 */
void		 loopturn_since(uint64_t mark, int64_t *us, int64_t *cpu_us);
/*
 * For the pool's row: longest_turn_ms, longest_turn_cpu_ms, slow_turns
 * (of wall time), slow_turn_ms, turns.
 */
struct json_object *loopturn_json(void);

#endif
