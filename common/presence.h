/*
 * presence.h: an agent's history of its owner's presence by weekday and
 * time of day, and the estimate made from it: how long the owner, away
 * now, is likely to stay away.  The week is cut into 336 half-hour bins
 * (Monday 00:00 first, local time).  Each bin keeps, as counts decayed by
 * PRESENCE_DECAY a week, the seconds the owner was away in it, the
 * seconds present, and the returns (an absence ending) that fell in it.
 * A bin's rate of return is its returns over its away seconds (a
 * piecewise constant hazard, smoothed towards the whole week's rate and
 * raised where the owner is usually present: presence.c),
 * and the expected absence from T is where the chance that the owner is
 * still away falls to a given level (0.5: the median), walking the bins
 * ahead of T, at most a week.
 *
 * Pure functions on a struct with the caller's clock (seconds since the
 * epoch), so a simulator can run it in virtual time; the file form is a
 * short text (presence_format, presence_parse) written through a
 * temporary file, fsynced and renamed.  No libevent, json-c or SQLite.
 */
#ifndef CQ_PRESENCE_H
#define CQ_PRESENCE_H

#include <stddef.h>
#include <stdint.h>

#define PRESENCE_BIN_S		1800			/* half an hour */
#define PRESENCE_BINS		(7 * 48)		/* one week */
#define PRESENCE_WEEK_S		(7 * 86400)
#define PRESENCE_HORIZON_S	PRESENCE_WEEK_S		/* longest estimate */
#define PRESENCE_MAX_GAP_S	900	/* a longer silence is not counted */
#define PRESENCE_DECAY		0.9	/* weight of last week's counts */
#define PRESENCE_PRIOR_S	3600	/* mean absence before any return */
#define PRESENCE_FILE_MAX	65536	/* bytes of a presence file */

struct presence_bin {
	double		 away_s;	/* decayed seconds away */
	double		 present_s;	/* decayed seconds present */
	double		 returns;	/* decayed returns */
	int64_t		 stamp;		/* absolute bin last counted in, 0 */
};

struct presence {
	struct presence_bin	 bin[PRESENCE_BINS];
	int			 has_last;	/* an observation was made */
	int64_t			 last_t;	/* its time */
	int			 last_present;	/* and what it saw */
	/* Not saved: the zone of the bins.  zone_fixed: ZONE_OFF_S east
	 * of UTC (a simulator's); else the local zone (localtime_r). */
	int			 zone_fixed;
	int32_t			 zone_off_s;
};

/* An empty history (the local zone). */
void	presence_init(struct presence *p);
/* Bins in a fixed zone, OFF_S seconds east of UTC (0: UTC). */
void	presence_set_zone(struct presence *p, int32_t off_s);
/*
 * The owner is PRESENT (1) or away (0) at T (seconds since the epoch).
 * The time since the last observation counts as the state observed then;
 * a silence over PRESENCE_MAX_GAP_S (the agent was down) or a clock that
 * went back counts nothing and starts again from T; a T beyond 1e12
 * seconds either side of the epoch is ignored.  A move from away to
 * present is a return, counted in T's bin.
 */
void	presence_observe(struct presence *p, int64_t t, int present);
/*
 * Seconds the owner, away at T, stays away with probability LEVEL (0 <
 * LEVEL < 1; 0.5: the median absence), at most PRESENCE_HORIZON_S.
 */
int64_t	presence_absence(const struct presence *p, int64_t t, double level);
/* The share of time the owner was present in T's bin (0 to 1), or -1 if
 * the bin has seen nothing. */
double	presence_share(const struct presence *p, int64_t t);
/* The bin of T (0 = Monday 00:00-00:30), in P's zone. */
int	presence_bin_of(const struct presence *p, int64_t t);

/*
 * The file form: a new NUL-terminated text, its length into *LENP.
 */
char	*presence_format(const struct presence *p, size_t *lenp);
/*
 * Parse LEN bytes of BUF (a presence file) into P, ORIGIN naming it in
 * errors.  0, or -1 with ERR ("ORIGIN:LINE: what is wrong") and P empty.
 * P's zone is kept.
 */
int	presence_parse(struct presence *p, const char *buf, size_t len,
	    const char *origin, char *err, size_t errlen);
/*
 * Read PATH into P: 0; 1 if there is no such file (P empty); -1 with ERR
 * if it cannot be read or does not parse (P empty: start afresh).
 */
int	presence_load(struct presence *p, const char *path, char *err,
	    size_t errlen);
/* Write P to PATH through PATH.tmp, fsynced, renamed; 0, or -1 with ERR
 * (PATH is left as it was). */
int	presence_save(const struct presence *p, const char *path, char *err,
	    size_t errlen);

#endif
