/*
 * presence.c: the owner's presence by half hour of the week, and the
 * expected absence drawn from it (presence.h).
 *
 * Counting: the time between two observations is the state seen at the
 * first, split at bin edges.  A bin's counts are decayed when it is
 * counted in again in a later week (by PRESENCE_DECAY for each week
 * since), so a changed habit shows within a few weeks.
 *
 * Estimating: bin b's rate of return is
 *	(returns_b + r_week * S + share_b) / (away_b + S),
 * S one bin's seconds, share_b the share of b's time the owner was
 * present, r_week = (all returns + 1) / (all away seconds +
 * PRESENCE_PRIOR_S) the whole week's rate.  A bin seen little leans on
 * the week; a bin where the owner is usually present, but seldom away
 * (so that its own returns say little), expects an absence there to end
 * within about a bin; a fresh history says an absence lasts
 * PRESENCE_PRIOR_S on average.  The chance
 * of still being away after x seconds is exp(-H(x)), H the rates summed
 * over the bins ahead, so the absence at LEVEL is where H reaches
 * -ln(LEVEL).  Bins ahead are placed with T's zone offset: across a DST
 * change the week ahead is off by the change (an hour) at most.
 *
 * The file: a text of lines `presence 1`, `last T PRESENT`, one
 * `bin INDEX STAMP AWAY_MS PRESENT_MS RETURNS_MICRO` per bin that has
 * seen anything, then `end N` (N bin lines), so a cut file is seen;
 * `#` lines are comments.  Integers only, so no locale is involved.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "presence.h"
#include "xmalloc.h"

#define PRESENCE_LINE_MAX	256
#define PRESENCE_VAL_MAX	1000000000000000LL	/* 1e15 */
#define PRESENCE_T_MAX		1000000000000LL		/* 1e12 s */

void
presence_init(struct presence *p)
{
	memset(p, 0, sizeof *p);
}

void
presence_set_zone(struct presence *p, int32_t off_s)
{
	p->zone_fixed = 1;
	p->zone_off_s = off_s;
}

/* Floor division (B > 0). */
static int64_t
presence_floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* T as local seconds since the epoch, in P's zone. */
static int64_t
presence_local(const struct presence *p, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (p->zone_fixed)
		return t + p->zone_off_s;
	if (localtime_r(&tt, &tm) == NULL)
		return t;
	return t + tm.tm_gmtoff;
}

/* The week's bin of absolute local half hour K (the epoch: Thursday). */
static int
presence_index(int64_t k)
{
	int64_t	day = presence_floordiv(k, 48), wd;

	wd = (day + 3) % 7;		/* Monday 0 */
	if (wd < 0)
		wd += 7;
	return (int)(wd * 48 + (k - day * 48));
}

int
presence_bin_of(const struct presence *p, int64_t t)
{
	return presence_index(presence_floordiv(presence_local(p, t),
	    PRESENCE_BIN_S));
}

/* Bin of absolute half hour K, its old counts decayed. */
static struct presence_bin *
presence_touch(struct presence *p, int64_t k)
{
	struct presence_bin	*b = &p->bin[presence_index(k)];
	int64_t			 weeks;
	double			 f = 1;

	if (b->stamp == k + 1)
		return b;
	if (b->stamp != 0 && k + 1 > b->stamp) {
		weeks = (k + 1 - b->stamp) / PRESENCE_BINS;
		if (weeks > 400)
			f = 0;
		else
			while (weeks-- > 0)
				f *= PRESENCE_DECAY;
		b->away_s *= f;
		b->present_s *= f;
		b->returns *= f;
	}
	/* A stamp ahead of K (a clock that was set ahead, then back) is
	 * moved back too, or the bin would not decay until then. */
	b->stamp = k + 1;
	return b;
}

/* Count [FROM, TO) as PRESENT or away. */
static void
presence_count(struct presence *p, int64_t from, int64_t to, int present)
{
	struct presence_bin	*b;
	int64_t			 off = presence_local(p, from) - from;
	int64_t			 pos, local, k, seg;

	for (pos = from; pos < to; pos += seg) {
		local = pos + off;
		k = presence_floordiv(local, PRESENCE_BIN_S);
		seg = (k + 1) * PRESENCE_BIN_S - local;
		if (seg > to - pos)
			seg = to - pos;
		b = presence_touch(p, k);
		if (present)
			b->present_s += (double)seg;
		else
			b->away_s += (double)seg;
	}
}

void
presence_observe(struct presence *p, int64_t t, int present)
{
	present = present != 0;
	if (t < -PRESENCE_T_MAX || t > PRESENCE_T_MAX)
		return;
	if (!p->has_last || t < p->last_t ||
	    t - p->last_t > PRESENCE_MAX_GAP_S) {
		p->has_last = 1;
		p->last_t = t;
		p->last_present = present;
		return;
	}
	presence_count(p, p->last_t, t, p->last_present);
	if (!p->last_present && present)
		presence_touch(p, presence_floordiv(presence_local(p, t),
		    PRESENCE_BIN_S))->returns += 1;
	p->last_t = t;
	p->last_present = present;
}

/* The share of B's time the owner was present, 0 if it saw nothing. */
static double
presence_bin_share(const struct presence_bin *b)
{
	if (b->away_s + b->present_s <= 0)
		return 0;
	return b->present_s / (b->away_s + b->present_s);
}

int64_t
presence_absence(const struct presence *p, int64_t t, double level)
{
	const struct presence_bin	*b;
	double				 returns = 0, away = 0, week, rate;
	double				 h = 0, target;
	int64_t				 local, k, seg, done = 0;
	int				 i;

	if (!(level > 0 && level < 1))
		level = 0.5;
	target = -log(level);
	for (i = 0; i < PRESENCE_BINS; i++) {
		returns += p->bin[i].returns;
		away += p->bin[i].away_s;
	}
	week = (returns + 1) / (away + PRESENCE_PRIOR_S);
	local = presence_local(p, t);
	while (done < PRESENCE_HORIZON_S) {
		k = presence_floordiv(local, PRESENCE_BIN_S);
		seg = (k + 1) * PRESENCE_BIN_S - local;
		if (seg > PRESENCE_HORIZON_S - done)
			seg = PRESENCE_HORIZON_S - done;
		b = &p->bin[presence_index(k)];
		rate = (b->returns + week * PRESENCE_BIN_S +
		    presence_bin_share(b)) / (b->away_s + PRESENCE_BIN_S);
		if (h + rate * (double)seg >= target)
			return done + (int64_t)ceil((target - h) / rate);
		h += rate * (double)seg;
		done += seg;
		local += seg;
	}
	return PRESENCE_HORIZON_S;
}

double
presence_share(const struct presence *p, int64_t t)
{
	const struct presence_bin	*b = &p->bin[presence_bin_of(p, t)];

	if (b->away_s + b->present_s <= 0)
		return -1;
	return b->present_s / (b->away_s + b->present_s);
}

/* A count as a bounded integer of UNIT per one. */
static long long
presence_fixed(double v, double unit)
{
	double	x = v * unit + 0.5;

	if (!(x >= 0))
		return 0;
	if (x > (double)PRESENCE_VAL_MAX)
		return PRESENCE_VAL_MAX;
	return (long long)x;
}

char *
presence_format(const struct presence *p, size_t *lenp)
{
	const struct presence_bin	*b;
	char				*buf;
	size_t				 cap = 128 + PRESENCE_BINS * 96, len;
	int				 i, n = 0;

	buf = xmalloc(cap);
	len = (size_t)snprintf(buf, cap,
	    "# cq: the owner's presence by half hour of the week\n"
	    "presence 1\n");
	if (p->has_last)
		len += (size_t)snprintf(buf + len, cap - len, "last %lld %d\n",
		    (long long)p->last_t, p->last_present);
	for (i = 0; i < PRESENCE_BINS; i++) {
		b = &p->bin[i];
		if (b->stamp == 0 && b->away_s == 0 && b->present_s == 0 &&
		    b->returns == 0)
			continue;
		len += (size_t)snprintf(buf + len, cap - len,
		    "bin %d %lld %lld %lld %lld\n", i, (long long)b->stamp,
		    presence_fixed(b->away_s, 1000),
		    presence_fixed(b->present_s, 1000),
		    presence_fixed(b->returns, 1e6));
		n++;
	}
	len += (size_t)snprintf(buf + len, cap - len, "end %d\n", n);
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static int
presence_err(char *err, size_t errlen, const char *origin, int line,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "%s:%d: ", origin, line);
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split LINE at single spaces into at most MAX words; their count. */
static int
presence_words(char *line, char **w, int max)
{
	int	n = 0;
	char	*s = line;

	for (;;) {
		if (n == max)
			return max + 1;
		w[n++] = s;
		if ((s = strchr(s, ' ')) == NULL)
			return n;
		*s++ = '\0';
	}
}

/* Word S as an integer in [LO, HI] into *OUT: 0, or -1. */
static int
presence_int(const char *s, long long lo, long long hi, long long *out)
{
	const char	*errstr;

	if (*s == '\0' || *s == '+' || (*s == '-' && lo >= 0))
		return -1;
	*out = strtonum(s, lo, hi, &errstr);
	return errstr == NULL ? 0 : -1;
}

int
presence_parse(struct presence *p, const char *buf, size_t len,
    const char *origin, char *err, size_t errlen)
{
	struct presence_bin	*b;
	char			 line[PRESENCE_LINE_MAX], *w[8];
	const char		*s = buf, *end = buf + len, *nl;
	long long		 v[5];
	int			 lineno = 0, nw, nbins = 0, last = -1, seen = 0;
	int			 ended = 0, zone_fixed = p->zone_fixed;
	int32_t			 zone_off_s = p->zone_off_s;

	presence_init(p);
	p->zone_fixed = zone_fixed;
	p->zone_off_s = zone_off_s;
	if (len > PRESENCE_FILE_MAX) {
		presence_err(err, errlen, origin, 0, "longer than %d bytes",
		    PRESENCE_FILE_MAX);
		goto fail;
	}
	while (s < end) {
		lineno++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL) {
			presence_err(err, errlen, origin, lineno,
			    "the last line has no newline: cut short?");
			goto fail;
		}
		if ((size_t)(nl - s) >= sizeof line) {
			presence_err(err, errlen, origin, lineno,
			    "line too long");
			goto fail;
		}
		memcpy(line, s, (size_t)(nl - s));
		line[nl - s] = '\0';
		if (memchr(s, '\0', (size_t)(nl - s)) != NULL) {
			presence_err(err, errlen, origin, lineno,
			    "a NUL byte");
			goto fail;
		}
		s = nl + 1;
		if (line[0] == '#')
			continue;
		if (ended) {
			presence_err(err, errlen, origin, lineno,
			    "text after the end line");
			goto fail;
		}
		nw = presence_words(line, w, 6);
		if (!seen) {
			if (nw != 2 || strcmp(w[0], "presence") != 0) {
				presence_err(err, errlen, origin, lineno,
				    "not a presence file (no `presence 1`)");
				goto fail;
			}
			if (strcmp(w[1], "1") != 0) {
				presence_err(err, errlen, origin, lineno,
				    "version %.16s, not 1", w[1]);
				goto fail;
			}
			seen = 1;
			continue;
		}
		if (strcmp(w[0], "last") == 0) {
			if (nw != 3 || p->has_last || nbins > 0 ||
			    presence_int(w[1], -PRESENCE_VAL_MAX,
			    PRESENCE_VAL_MAX, &v[0]) == -1 ||
			    presence_int(w[2], 0, 1, &v[1]) == -1) {
				presence_err(err, errlen, origin, lineno,
				    "bad last line (`last TIME 0|1`, once, "
				    "before the bins)");
				goto fail;
			}
			p->has_last = 1;
			p->last_t = v[0];
			p->last_present = (int)v[1];
		} else if (strcmp(w[0], "bin") == 0) {
			if (nw != 6 ||
			    presence_int(w[1], 0, PRESENCE_BINS - 1,
			    &v[0]) == -1 || v[0] <= last) {
				presence_err(err, errlen, origin, lineno,
				    "bad bin index (0 to %d, ascending)",
				    PRESENCE_BINS - 1);
				goto fail;
			}
			last = (int)v[0];
			b = &p->bin[last];
			if (presence_int(w[2], 0, PRESENCE_VAL_MAX,
			    &v[1]) == -1 ||
			    presence_int(w[3], 0, PRESENCE_VAL_MAX,
			    &v[2]) == -1 ||
			    presence_int(w[4], 0, PRESENCE_VAL_MAX,
			    &v[3]) == -1 ||
			    presence_int(w[5], 0, PRESENCE_VAL_MAX,
			    &v[4]) == -1) {
				presence_err(err, errlen, origin, lineno,
				    "bad bin (`bin INDEX STAMP AWAY_MS "
				    "PRESENT_MS RETURNS_MICRO`, each 0 to "
				    "1e15)");
				goto fail;
			}
			b->stamp = v[1];
			b->away_s = (double)v[2] / 1000;
			b->present_s = (double)v[3] / 1000;
			b->returns = (double)v[4] / 1e6;
			nbins++;
		} else if (strcmp(w[0], "end") == 0) {
			if (nw != 2 || presence_int(w[1], 0, PRESENCE_BINS,
			    &v[0]) == -1 || v[0] != nbins) {
				presence_err(err, errlen, origin, lineno,
				    "bad end line (`end %d`, the bins read)",
				    nbins);
				goto fail;
			}
			ended = 1;
		} else {
			presence_err(err, errlen, origin, lineno,
			    "unknown line `%.32s`", w[0]);
			goto fail;
		}
	}
	if (!ended) {
		presence_err(err, errlen, origin, lineno,
		    "no end line: cut short?");
		goto fail;
	}
	return 0;
fail:
	presence_init(p);
	p->zone_fixed = zone_fixed;
	p->zone_off_s = zone_off_s;
	return -1;
}

int
presence_load(struct presence *p, const char *path, char *err,
    size_t errlen)
{
	struct stat	 sb;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, rc = -1, zone_fixed = p->zone_fixed;
	int32_t		 zone_off_s = p->zone_off_s;

	presence_init(p);
	p->zone_fixed = zone_fixed;
	p->zone_off_s = zone_off_s;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (sb.st_size > PRESENCE_FILE_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", path,
		    PRESENCE_FILE_MAX);
		goto out;
	}
	buf = xmalloc(PRESENCE_FILE_MAX + 1);
	while (len <= PRESENCE_FILE_MAX) {
		n = read(fd, buf + len, PRESENCE_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = presence_parse(p, buf, len, path, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

int
presence_save(const struct presence *p, const char *path, char *err,
    size_t errlen)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	buf = presence_format(p, &len);
	if ((rc = atomicfile_write(path, buf, len, 0644, 1)) == -1)
		snprintf(err, errlen, "%s.tmp: %s", path, strerror(errno));
	free(buf);
	return rc;
}
