/*
 * conclimits.h: concurrency limits, HTCondor's named and counted
 * resources (licenses, database connections).  The scheduler's
 * configuration gives each name its limit; a job's concurrency_limits
 * ("NAME" or "NAME:N", comma-separated) says how much of each it holds
 * while it runs, and it starts only where all of them have room.  Names
 * compare without case.  Domain code: no store, no socket.
 */
#ifndef CQ_CONCLIMITS_H
#define CQ_CONCLIMITS_H

#include <stddef.h>
#include <stdint.h>

#define CONCLIMITS_NONE	(-1)	/* no default: unknown names refused */

struct conclimits;

/*
 * Limits from TEXT ("NAME:N, ..."; NULL or "" for none); names not in it
 * get DEFAULT_MAX (CONCLIMITS_NONE: a job naming one is refused).  NULL
 * with ERRSTR on a bad TEXT.
 */
struct conclimits	*conclimits_new(const char *text, int64_t default_max,
			    const char **errstr);
void			 conclimits_free(struct conclimits *);

/* 0 if a job's LIMITS may be queued here, else -1 with why in ERR. */
int	conclimits_check(struct conclimits *, const char *limits, char *err,
	    size_t len);
/* 1 if every limit LIMITS names has room for it now, else 0. */
int	conclimits_ok(const struct conclimits *, const char *limits);
/* A job holding LIMITS starts (SIGN 1) or stops (-1) running. */
void	conclimits_take(struct conclimits *, const char *limits, int sign);
/*
 * The first limit of LIMITS without room now: its name, in use and max
 * (a borrowed name, NULL if all have room); *NEED gets what the job
 * asks of it.
 */
const char *conclimits_blocking(const struct conclimits *,
	    const char *limits, int64_t *in_use, int64_t *max,
	    int64_t *need);
/* The I-th known limit: its name, in use and max; NULL past the last. */
const char *conclimits_get(const struct conclimits *, size_t i,
	    int64_t *in_use, int64_t *max);

#endif
