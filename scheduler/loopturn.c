/*
 * loopturn.c: the length of the scheduler's loop turns (loopturn.h).
 * libevent 2.1 has no hook at the end of a turn, but every callback of
 * one turn sees the same cached time, the moment its poll returned
 * (main.c asks for the precise clock): a callback that ends notes the
 * time since, and the last note of a turn is its length.  A turn whose
 * cached time differs from the previous note's is a new one; the
 * previous is then complete and counted.  Its CPU time is the thread's
 * from the start of its first noted callback to the start of the next
 * turn's (one clock read per turn, not two per callback: the heartbeats
 * of 10,000 agents are as many callbacks a second), so libevent's work
 * between its callbacks counts too: on a machine shared with busy
 * programs a turn's wall time holds the time the kernel gave to them,
 * its CPU time only what the turn did.
 */
#include "config.h"

#include <sys/time.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "loopturn.h"

/* The last turns, for the longest since a given one. */
#define LOOPTURN_RING	4096

static struct {
	struct event_base	*base;
	struct timeval		 start;		/* the current turn's */
	int64_t			 cur_us;	/* its length so far */
	int64_t			 cur_cpu_us;	/* its CPU time, once closed */
	int64_t			 cpu0;		/* CPU time at its start, or -1 */
	int64_t			 max_us;
	int64_t			 max_cpu_us;
	uint64_t		 slow;		/* complete turns over SLOW */
	uint64_t		 turns;		/* complete, noted turns */
	int64_t			 ring_us[LOOPTURN_RING];
	int64_t			 ring_cpu_us[LOOPTURN_RING];
} lt = { .cpu0 = -1 };

void
loopturn_init(struct event_base *base)
{
	lt.base = base;
}

static int64_t
loopturn_cpu_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		return -1;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The current turn is complete: count it. */
static void
loopturn_close(void)
{
	if (lt.start.tv_sec == 0)
		return;
	if (lt.cur_cpu_us > lt.max_cpu_us)
		lt.max_cpu_us = lt.cur_cpu_us;
	lt.ring_us[lt.turns % LOOPTURN_RING] = lt.cur_us;
	lt.ring_cpu_us[lt.turns % LOOPTURN_RING] = lt.cur_cpu_us;
	lt.turns++;
	if (lt.cur_us > LOOPTURN_SLOW_MS * 1000)
		lt.slow++;
}

/* The turn that START (the loop's cached time) says: a new one closes the
 * previous, whose CPU time runs to now. */
static void
loopturn_at(const struct timeval *start)
{
	int64_t	cpu;

	if (start->tv_sec == lt.start.tv_sec &&
	    start->tv_usec == lt.start.tv_usec)
		return;
	cpu = loopturn_cpu_us();
	if (lt.cpu0 >= 0 && cpu >= lt.cpu0)
		lt.cur_cpu_us = cpu - lt.cpu0;
	loopturn_close();
	lt.start = *start;
	lt.cur_us = 0;
	lt.cur_cpu_us = 0;
	lt.cpu0 = cpu;
}

void
loopturn_begin(void)
{
	struct timeval	start;

	if (lt.base != NULL &&
	    event_base_gettimeofday_cached(lt.base, &start) == 0)
		loopturn_at(&start);
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
	loopturn_at(&start);
	if (us > lt.cur_us)
		lt.cur_us = us;
	if (us > lt.max_us)
		lt.max_us = us;
}

uint64_t
loopturn_mark(void)
{
	return lt.turns;
}

void
loopturn_since(uint64_t mark, int64_t *us, int64_t *cpu_us)
{
	uint64_t	i;
	int64_t		cpu;

	/* The current turn (its CPU time so far), and the complete ones
	 * the ring still has. */
	*us = lt.cur_us;
	*cpu_us = 0;
	if (lt.cpu0 >= 0 && (cpu = loopturn_cpu_us()) >= lt.cpu0)
		*cpu_us = cpu - lt.cpu0;
	if (lt.turns > LOOPTURN_RING && mark < lt.turns - LOOPTURN_RING)
		mark = lt.turns - LOOPTURN_RING;
	for (i = mark; i < lt.turns; i++) {
		if (lt.ring_us[i % LOOPTURN_RING] > *us)
			*us = lt.ring_us[i % LOOPTURN_RING];
		if (lt.ring_cpu_us[i % LOOPTURN_RING] > *cpu_us)
			*cpu_us = lt.ring_cpu_us[i % LOOPTURN_RING];
	}
}

struct json_object *
loopturn_json(void)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "longest_turn_ms",
	    json_object_new_double((double)(lt.max_us / 100) / 10.0));
	json_object_object_add(o, "longest_turn_cpu_ms",
	    json_object_new_double((double)(lt.max_cpu_us / 100) / 10.0));
	json_object_object_add(o, "slow_turns",
	    json_object_new_int64((int64_t)lt.slow));
	json_object_object_add(o, "slow_turn_ms",
	    json_object_new_int(LOOPTURN_SLOW_MS));
	json_object_object_add(o, "turns",
	    json_object_new_int64((int64_t)lt.turns));
	return o;
}
