/*
 * loopturn.c: the length of the scheduler's loop turns (loopturn.h).
 * libevent 2.1 has no hook at the end of a turn, but every callback of
 * one turn sees the same cached time, the moment its poll returned: a
 * callback that ends notes the time since, and the last note of a turn
 * is its length.  A turn whose cached time differs from the previous
 * note's is a new one; the previous is then complete and counted.
 */
#include "config.h"

#include <sys/time.h>

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "loopturn.h"

static struct {
	struct event_base	*base;
	struct timeval		 start;		/* the current turn's */
	int64_t			 cur_us;	/* its length so far */
	int64_t			 max_us;
	uint64_t		 slow;		/* complete turns over SLOW */
	uint64_t		 turns;		/* complete, noted turns */
} lt;

void
loopturn_init(struct event_base *base)
{
	lt.base = base;
}

/* The current turn is complete: count it. */
static void
loopturn_close(void)
{
	if (lt.start.tv_sec == 0)
		return;
	lt.turns++;
	if (lt.cur_us > LOOPTURN_SLOW_MS * 1000)
		lt.slow++;
}

void
loopturn_note(void)
{
	struct timeval	start, now;
	int64_t		us;

	if (lt.base == NULL ||
	    event_base_gettimeofday_cached(lt.base, &start) == -1 ||
	    gettimeofday(&now, NULL) == -1)
		return;
	us = (int64_t)(now.tv_sec - start.tv_sec) * 1000000 +
	    (now.tv_usec - start.tv_usec);
	if (us < 0)
		us = 0;		/* the wall clock stepped back */
	if (start.tv_sec != lt.start.tv_sec ||
	    start.tv_usec != lt.start.tv_usec) {
		loopturn_close();
		lt.start = start;
		lt.cur_us = 0;
	}
	if (us > lt.cur_us)
		lt.cur_us = us;
	if (us > lt.max_us)
		lt.max_us = us;
}

int64_t
loopturn_longest_us(void)
{
	return lt.max_us;
}

struct json_object *
loopturn_json(void)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "longest_turn_ms",
	    json_object_new_double((double)lt.max_us / 1000.0));
	json_object_object_add(o, "slow_turns",
	    json_object_new_int64((int64_t)lt.slow));
	json_object_object_add(o, "slow_turn_ms",
	    json_object_new_int(LOOPTURN_SLOW_MS));
	json_object_object_add(o, "turns",
	    json_object_new_int64((int64_t)lt.turns));
	return o;
}
