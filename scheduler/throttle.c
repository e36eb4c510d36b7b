/*
 * throttle.c: failed proofs counted per source address (see throttle.h).
 * The table is an array searched linearly: at most THROTTLE_CAP entries,
 * and only failures reach it.  A failure older than the window no longer
 * counts: the count restarts at the first failure after a quiet window.
 * When the table is full, the entry that is not blocked and failed
 * longest ago gives way (a blocked one only when every entry is blocked:
 * then the block that ends first).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "xmalloc.h"

struct throttle_entry {
	char		 addr[THROTTLE_ADDR_MAX];
	int		 count;		/* failures in the window */
	int64_t		 first;		/* ms: the window's start */
	int64_t		 last;		/* ms: the latest failure */
	int64_t		 until;		/* ms: blocked until (0: not) */
};

struct throttle {
	struct throttle_entry	*v;
	size_t			 n, cap;
	int			 limit;
	int64_t			 window_ms, block_ms;
};

struct throttle *
throttle_new(size_t cap, int limit, int64_t window_ms, int64_t block_ms)
{
	struct throttle	*t;

	t = xcalloc(1, sizeof *t);
	t->cap = cap > 0 ? cap : 1;
	t->v = xcalloc(t->cap, sizeof *t->v);
	t->limit = limit > 0 ? limit : 1;
	t->window_ms = window_ms;
	t->block_ms = block_ms;
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

static struct throttle_entry *
throttle_find(struct throttle *t, const char *addr)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].addr, addr) == 0)
			return &t->v[i];
	return NULL;
}

/* A slot for a new address: a free one, else the stalest. */
static struct throttle_entry *
throttle_slot(struct throttle *t, int64_t now)
{
	struct throttle_entry	*e, *best = NULL;
	size_t			 i;

	if (t->n < t->cap)
		return &t->v[t->n++];
	for (i = 0; i < t->n; i++) {
		e = &t->v[i];
		if (e->until > now)
			continue;
		if (best == NULL || e->last < best->last)
			best = e;
	}
	if (best != NULL)
		return best;
	for (i = 0; i < t->n; i++) {
		e = &t->v[i];
		if (best == NULL || e->until < best->until)
			best = e;
	}
	return best;
}

int64_t
throttle_fail(struct throttle *t, const char *addr, int64_t now,
    int *blocked, int *count)
{
	struct throttle_entry	*e;
	int64_t			 delay;
	int			 i;

	*blocked = 0;
	if ((e = throttle_find(t, addr)) == NULL) {
		e = throttle_slot(t, now);
		memset(e, 0, sizeof *e);
		strlcpy(e->addr, addr, sizeof e->addr);
	}
	if (e->count == 0 || now - e->first > t->window_ms) {
		e->count = 0;
		e->first = now;
	}
	e->count++;
	e->last = now;
	if (e->count >= t->limit && e->until <= now) {
		e->until = now + t->block_ms;
		*blocked = 1;
		/* A new window begins when the block ends. */
		e->count = 0;
	}
	*count = *blocked ? t->limit : e->count;
	delay = THROTTLE_DELAY_MIN_MS;
	for (i = 1; i < *count && delay < THROTTLE_DELAY_MAX_MS; i++)
		delay *= 2;
	return delay < THROTTLE_DELAY_MAX_MS ? delay : THROTTLE_DELAY_MAX_MS;
}

int64_t
throttle_blocked(struct throttle *t, const char *addr, int64_t now)
{
	struct throttle_entry	*e;

	if ((e = throttle_find(t, addr)) == NULL || e->until <= now)
		return 0;
	return e->until - now;
}

size_t
throttle_size(const struct throttle *t)
{
	return t->n;
}
