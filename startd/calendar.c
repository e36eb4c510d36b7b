/*
 * calendar.c: owner hours.  A spec such as `Mon-Fri 08:00-18:00; Sat
 * 09:00-12:00` becomes a weekly bitmap of 7 x 1440 minutes (Monday 00:00
 * is bit 0); a time is inside owner hours when the bit of its local wall
 * clock minute (localtime_r, so TZ and DST apply) is set.  Daylight
 * saving falls out of that: on a spring-forward day the skipped local
 * hour never occurs, so spans inside it are never inside that day; on a
 * fall-back day the repeated hour is judged by its wall time, the same
 * way both times.  The zone is the one of the last tzset(), which
 * calendar_parse() calls.  Domain code, no libevent: the startd's policy
 * asks calendar_owner_hours() which idle timer applies, and
 * calendar_next_change() when to ask again.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "log.h"
#include "text.h"
#include "xmalloc.h"

#define CAL_DAYMIN	1440
#define CAL_WEEKMIN	(7 * CAL_DAYMIN)
#define CAL_QUOTE	40		/* bytes of input quoted in an error */
#define CAL_HORIZON	(8 * 86400)	/* calendar_next_change() looks ahead */

struct calendar {
	uint8_t	bits[CAL_WEEKMIN / 8];	/* bit m: week minute m is inside */
	int	constant;		/* all bits equal: never changes */
};

/* Where a parse is: the cursor and where an error goes. */
struct calendar_parser {
	const char	*p;
	const char	*origin;
	char		*err;
	size_t		 errlen;
};

static const char *const calendar_days[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* ORIGIN: WHAT 'TEXT', the text escaped and cut short; returns -1. */
static int
calendar_error(struct calendar_parser *cp, const char *what,
    const char *text, size_t len)
{
	char	q[4 * CAL_QUOTE + 1];

	if (len > CAL_QUOTE)
		len = CAL_QUOTE;
	log_escape(q, sizeof q, text, len);
	snprintf(cp->err, cp->errlen, "%s: %s '%s'", cp->origin, what, q);
	return -1;
}

static void
calendar_skip_space(struct calendar_parser *cp)
{
	while (text_isspace((unsigned char)*cp->p))
		cp->p++;
}

/* Length of TEXT up to END with trailing white space dropped. */
static size_t
calendar_trim(const char *text, const char *end)
{
	while (end > text && text_isspace((unsigned char)end[-1]))
		end--;
	return (size_t)(end - text);
}

static void
calendar_set(struct calendar *cal, int from, int to)
{
	int	m;

	for (m = from; m < to; m++)
		cal->bits[m / 8] |= (uint8_t)(1u << (m % 8));
}

static int
calendar_bit(const struct calendar *cal, int m)
{
	return (cal->bits[m / 8] >> (m % 8)) & 1;
}

/* A day name at the cursor (Mon..Sun, any case): its index 0..6, or -1. */
static int
calendar_day(struct calendar_parser *cp)
{
	const char	*w = cp->p;
	size_t		 len = 0, i;
	int		 d;

	while (text_isalnum((unsigned char)w[len]))
		len++;
	cp->p = w + len;
	for (d = 0; len == 3 && d < 7; d++) {
		for (i = 0; i < 3; i++)
			if (text_tolower((unsigned char)w[i]) !=
			    calendar_days[d][i])
				break;
		if (i == 3)
			return d;
	}
	return calendar_error(cp, "unknown day", w, len);
}

/*
 * A time at the cursor: H:MM or HH:MM, 00:00 to 23:59, or 24:00 if END.
 * Minutes since midnight, or -1.  The word is taken whole (letters and
 * dots too) so that `8.30` or `08:00pm` is quoted as the bad time it is.
 */
static int
calendar_time(struct calendar_parser *cp, int end)
{
	const char	*w = cp->p;
	size_t		 len = 0, h;
	int		 hour = 0, min;

	while (text_isalnum((unsigned char)w[len]) || w[len] == ':' ||
	    w[len] == '.')
		len++;
	cp->p = w + len;
	for (h = 0; h < len && text_isdigit((unsigned char)w[h]); h++)
		if (h < 2)	/* a longer run is refused below */
			hour = hour * 10 + (w[h] - '0');
	if (h < 1 || h > 2 || len != h + 3 || w[h] != ':' ||
	    !text_isdigit((unsigned char)w[h + 1]) ||
	    !text_isdigit((unsigned char)w[h + 2]))
		return calendar_error(cp, "bad time", w, len);
	min = (w[h + 1] - '0') * 10 + (w[h + 2] - '0');
	if (min > 59 || hour > 24 || (hour == 24 && (min != 0 || !end)))
		return calendar_error(cp, "bad time", w, len);
	return hour * 60 + min;
}

/* Mark the span FROM-TO (minutes; TO <= FROM runs into the next day). */
static void
calendar_span(struct calendar *cal, const int days[7], int from, int to)
{
	int	d, next;

	for (d = 0; d < 7; d++) {
		if (!days[d])
			continue;
		if (to > from) {
			calendar_set(cal, d * CAL_DAYMIN + from,
			    d * CAL_DAYMIN + to);
			continue;
		}
		next = (d + 1) % 7;
		calendar_set(cal, d * CAL_DAYMIN + from, (d + 1) * CAL_DAYMIN);
		calendar_set(cal, next * CAL_DAYMIN, next * CAL_DAYMIN + to);
	}
}

/*
 * The day list of a rule: `Mon`, `Mon-Fri`, `Fri-Mon` (wrapping),
 * `Mon,Wed,Fri`; a range whose ends are the same day is that day.
 */
static int
calendar_daylist(struct calendar_parser *cp, int days[7])
{
	const char	*start = cp->p;
	size_t		 n;
	int		 from, to;

	for (;;) {
		if (!text_isalpha((unsigned char)*cp->p)) {
			n = strcspn(cp->p, " \t\n\v\f\r;");
			return calendar_error(cp, "expected a day at", cp->p,
			    n);
		}
		if ((from = calendar_day(cp)) == -1)
			return -1;
		to = from;
		calendar_skip_space(cp);
		if (*cp->p == '-') {
			cp->p++;
			calendar_skip_space(cp);
			if (!text_isalpha((unsigned char)*cp->p))
				return calendar_error(cp,
				    "expected a day after", start,
				    calendar_trim(start, cp->p));
			if ((to = calendar_day(cp)) == -1)
				return -1;
			calendar_skip_space(cp);
		}
		for (;;) {
			days[from] = 1;
			if (from == to)
				break;
			from = (from + 1) % 7;
		}
		if (*cp->p != ',')
			return 0;
		cp->p++;
		calendar_skip_space(cp);
		if (!text_isalpha((unsigned char)*cp->p))
			return calendar_error(cp, "expected a day after",
			    start, calendar_trim(start, cp->p));
	}
}

/* One rule: a day list, then spans split by `,` or white space. */
static int
calendar_rule(struct calendar *cal, struct calendar_parser *cp)
{
	const char	*prev = cp->p, *span;
	int		 days[7] = { 0 };
	int		 from, to, nspans = 0, comma = 0;

	if (calendar_daylist(cp, days) == -1)
		return -1;
	for (;;) {
		if (!text_isdigit((unsigned char)*cp->p)) {
			if (nspans > 0 && !comma &&
			    (*cp->p == ';' || *cp->p == '\0'))
				return 0;
			return calendar_error(cp,
			    "expected HH:MM-HH:MM after", prev,
			    calendar_trim(prev, cp->p));
		}
		span = cp->p;
		if ((from = calendar_time(cp, 0)) == -1)
			return -1;
		calendar_skip_space(cp);
		if (*cp->p != '-')
			return calendar_error(cp, "expected '-' after", span,
			    calendar_trim(span, cp->p));
		cp->p++;
		calendar_skip_space(cp);
		if (!text_isdigit((unsigned char)*cp->p))
			return calendar_error(cp, "expected a time after",
			    span, calendar_trim(span, cp->p));
		if ((to = calendar_time(cp, 1)) == -1)
			return -1;
		calendar_span(cal, days, from, to);
		nspans++;
		prev = span;
		calendar_skip_space(cp);
		if ((comma = (*cp->p == ',')) != 0) {
			cp->p++;
			calendar_skip_space(cp);
		}
	}
}

/* Parse an owner-hours spec; see calendar.h.  A NULL SPEC is empty. */
struct calendar *
calendar_parse(const char *spec, const char *origin, char *err,
    size_t errlen)
{
	struct calendar_parser	 cp;
	struct calendar		*cal;
	size_t			 i;

	cp.p = spec != NULL ? spec : "";
	cp.origin = origin != NULL ? origin : "owner_hours";
	cp.err = err;
	cp.errlen = errlen;
	cal = xcalloc(1, sizeof *cal);
	for (;;) {
		calendar_skip_space(&cp);
		if (*cp.p == '\0')
			break;
		if (*cp.p == ';') {	/* an empty rule, e.g. a trailing `;` */
			cp.p++;
			continue;
		}
		if (calendar_rule(cal, &cp) == -1) {
			calendar_free(cal);
			return NULL;
		}
	}
	cal->constant = 1;
	for (i = 1; i < sizeof cal->bits; i++)
		if (cal->bits[i] != cal->bits[0])
			cal->constant = 0;
	if (cal->bits[0] != 0 && cal->bits[0] != 0xff)
		cal->constant = 0;
	tzset();
	return cal;
}

/* Free CAL; NULL is fine. */
void
calendar_free(struct calendar *cal)
{
	free(cal);
}

/* The week minute (Monday 00:00 = 0) of local time TM. */
static int
calendar_minute(const struct tm *tm)
{
	return ((tm->tm_wday + 6) % 7) * CAL_DAYMIN + tm->tm_hour * 60 +
	    tm->tm_min;
}

/* 1 if T's local wall-clock minute is inside; a NULL CAL never is. */
int
calendar_owner_hours(const struct calendar *cal, time_t t)
{
	struct tm	tm;

	if (cal == NULL || localtime_r(&t, &tm) == NULL)
		return 0;
	return calendar_bit(cal, calendar_minute(&tm));
}

/*
 * The next change after T.  Mapping a wall time back with mktime() is
 * wrong twice over at DST: in the repeated hour it may pick the other
 * occurrence (even one before T), in the gap the result is unspecified.
 * So walk real time instead, in stretches of constant UTC offset: within
 * one, wall minute k after T's starts k minutes of real time after T's
 * minute began.  When the first differing minute turns out to lie past
 * an offset change, find the change (bisection) and go on from there:
 * the wall clock jumps there, so the answer may be that instant.  A
 * stretch is at most a day, so no two offset changes hide in one.
 */
time_t
calendar_next_change(const struct calendar *cal, time_t t)
{
	struct tm	tm, tc;
	time_t		x = t, c, lo, hi, mid;
	long		off;
	int		cur, w, k;

	if (cal == NULL || cal->constant || localtime_r(&t, &tm) == NULL)
		return 0;
	cur = calendar_bit(cal, calendar_minute(&tm));
	while (x - t <= CAL_HORIZON) {
		if (localtime_r(&x, &tm) == NULL)
			return 0;
		w = calendar_minute(&tm);
		if (x > t && calendar_bit(cal, w) != cur)
			return x;	/* the clock jumped into a change */
		off = tm.tm_gmtoff;
		for (k = 1; k < CAL_DAYMIN; k++)
			if (calendar_bit(cal, (w + k) % CAL_WEEKMIN) != cur)
				break;
		c = x - tm.tm_sec + (time_t)60 * k;
		if (localtime_r(&c, &tc) == NULL)
			return 0;
		if (tc.tm_gmtoff == off) {
			if (k < CAL_DAYMIN)
				return c - t <= CAL_HORIZON ? c : 0;
			x = c;	/* a day without a change: go on from there */
			continue;
		}
		/* The offset changed in (x, c]: find the first second of it. */
		lo = x;
		hi = c;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (localtime_r(&mid, &tc) == NULL)
				return 0;
			if (tc.tm_gmtoff == off)
				lo = mid;
			else
				hi = mid;
		}
		x = hi;
	}
	return 0;
}
