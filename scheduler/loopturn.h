/*
 * loopturn.h: how long the scheduler's loop turns take.  A turn is one
 * pass of the event loop over the events that were ready together: from
 * the moment its poll returned (libevent's cached time) to the end of
 * its last callback.  The client and agent messages, the turn's work
 * (main.c) and the tick note where they end; the longest turn and the
 * turns over LOOPTURN_SLOW_MS are kept since start and shown in the
 * pool's row (`{"what": "pool"}` query: "loop").
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
/* A callback of the turn ends: the turn has lasted at least this long. */
void		 loopturn_note(void);
/* The longest turn so far, in microseconds. */
int64_t		 loopturn_longest_us(void);
/* For the pool's row: longest_turn_ms, slow_turns, turns. */
struct json_object *loopturn_json(void);

#endif
