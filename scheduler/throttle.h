/*
 * throttle.h: failed proofs per source address.  Each failure makes the
 * answer wait longer (1 s, doubling, at most THROTTLE_DELAY_MAX_MS); LIMIT
 * failures within WINDOW block the address for BLOCK.  A small table of
 * addresses with a cap: when it is full the stalest entry makes room.
 * Domain logic with no clock of its own: callers pass the time.
 */
#ifndef CQ_THROTTLE_H
#define CQ_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#define THROTTLE_DELAY_MIN_MS	1000
#define THROTTLE_DELAY_MAX_MS	8000
#define THROTTLE_ADDR_MAX	64
#define THROTTLE_CAP		1024	/* addresses remembered */

struct throttle;

struct throttle	*throttle_new(size_t cap, int limit, int64_t window_ms,
		    int64_t block_ms);
void		 throttle_free(struct throttle *);
/*
 * A failed proof from ADDR at NOW (ms): the delay before its answer.
 * *BLOCKED is 1 if this failure blocked the address, *COUNT the failures
 * within the window.
 */
int64_t		 throttle_fail(struct throttle *, const char *addr,
		    int64_t now, int *blocked, int *count);
/* The ms left of ADDR's block at NOW; 0 if it is not blocked. */
int64_t		 throttle_blocked(struct throttle *, const char *addr,
		    int64_t now);
/* Addresses in the table (for tests). */
size_t		 throttle_size(const struct throttle *);

#endif
