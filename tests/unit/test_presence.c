/*
 * test_presence.c: unit tests of the owner-presence history
 * (common/presence.c): bins by weekday and half hour (a fixed zone and
 * the local one), counting with gaps and clocks that go back, weekly
 * decay, the expected absence of a fresh history and of a trained office
 * worker (evening, weekend, an absence in office hours), and the file
 * form: a round trip, every refusal (with file and line), every cut of a
 * good file refused, and load/save on disk (a missing file, a bad one, no
 * temporary file left).  Time is a fake clock: plain integers.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "presence.h"

#define DAY	86400
#define HOUR	3600
/* 2026-01-05 00:00 UTC, a Monday. */
#define MONDAY	1767571200LL

static struct presence	p;
static char		err[512];

/*
 * WEEKS weeks of an office worker from MONDAY on, observed every minute
 * in UTC: present Monday to Friday 09:00-17:00, away otherwise.
 */
static void
office(struct presence *q, int weeks)
{
	int64_t	t, end = MONDAY + (int64_t)weeks * 7 * DAY, s;
	int	day;

	presence_init(q);
	presence_set_zone(q, 0);
	for (t = MONDAY; t <= end; t += 60) {
		day = (int)((t - MONDAY) / DAY % 7);
		s = (t - MONDAY) % DAY;
		presence_observe(q, t, day < 5 && s >= 9 * HOUR &&
		    s < 17 * HOUR);
	}
}

Test(presence, bins)
{
	presence_init(&p);
	presence_set_zone(&p, 0);
	cr_assert_eq(presence_bin_of(&p, MONDAY), 0);
	cr_assert_eq(presence_bin_of(&p, MONDAY + 1799), 0);
	cr_assert_eq(presence_bin_of(&p, MONDAY + 1800), 1);
	cr_assert_eq(presence_bin_of(&p, MONDAY + 7 * DAY - 1), 335);
	cr_assert_eq(presence_bin_of(&p, MONDAY + 7 * DAY), 0);
	/* The epoch was a Thursday; before it as well. */
	cr_assert_eq(presence_bin_of(&p, 0), 3 * 48);
	cr_assert_eq(presence_bin_of(&p, -1), 3 * 48 - 1);
	/* Two hours east: Monday 00:00 UTC is Monday 02:00 there. */
	presence_set_zone(&p, 2 * HOUR);
	cr_assert_eq(presence_bin_of(&p, MONDAY), 4);
}

Test(presence, local_zone)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	presence_init(&p);
	/* Monday 2026-01-05 00:00 UTC is 01:00 in Berlin (winter). */
	cr_assert_eq(presence_bin_of(&p, MONDAY), 2);
	/* 2026-07-06 00:00 UTC, a Monday: 02:00 in Berlin (summer). */
	cr_assert_eq(presence_bin_of(&p, MONDAY + 26 * 7 * DAY), 4);
}

Test(presence, fresh)
{
	presence_init(&p);
	presence_set_zone(&p, 0);
	/* No history: an absence of PRESENCE_PRIOR_S on average. */
	cr_assert_eq(presence_absence(&p, MONDAY, 0.5),
	    (int64_t)ceil(log(2) * PRESENCE_PRIOR_S));
	cr_assert_eq(presence_share(&p, MONDAY), -1);
	/* A bad level is the median. */
	cr_assert_eq(presence_absence(&p, MONDAY, 7),
	    presence_absence(&p, MONDAY, 0.5));
	/* A surer answer is a shorter one. */
	cr_assert_lt(presence_absence(&p, MONDAY, 0.8),
	    presence_absence(&p, MONDAY, 0.5));
}

Test(presence, counting)
{
	presence_init(&p);
	presence_set_zone(&p, 0);
	presence_observe(&p, MONDAY, 0);
	presence_observe(&p, MONDAY + 600, 0);
	cr_assert_float_eq(p.bin[0].away_s, 600, 1e-9);
	/* Across a bin edge: split. */
	presence_observe(&p, MONDAY + 1200, 0);
	presence_observe(&p, MONDAY + 2000, 1);
	cr_assert_float_eq(p.bin[0].away_s, 1800, 1e-9);
	cr_assert_float_eq(p.bin[1].away_s, 200, 1e-9);
	cr_assert_float_eq(p.bin[1].returns, 1, 1e-9);
	presence_observe(&p, MONDAY + 2100, 1);
	cr_assert_float_eq(p.bin[1].present_s, 100, 1e-9);
	cr_assert_float_eq(presence_share(&p, MONDAY + 1800), 1.0 / 3, 1e-9);
	/* A silence past PRESENCE_MAX_GAP_S (the agent was down): nothing,
	 * and no return for the move to away and back. */
	presence_observe(&p, MONDAY + 2100 + PRESENCE_MAX_GAP_S + 1, 0);
	cr_assert_float_eq(p.bin[1].present_s, 100, 1e-9);
	cr_assert_float_eq(p.bin[2].present_s + p.bin[2].away_s, 0, 1e-9);
	presence_observe(&p, MONDAY + 3600, 1);
	cr_assert_float_eq(p.bin[2].returns, 1, 1e-9);
	cr_assert_float_eq(p.bin[1].away_s, 200 + 599, 1e-9);
	/* A clock that goes back counts nothing. */
	presence_observe(&p, MONDAY, 0);
	cr_assert_float_eq(p.bin[0].away_s, 1800, 1e-9);
	cr_assert_eq(p.last_t, MONDAY);
	/* Out of range: ignored. */
	presence_observe(&p, INT64_MAX, 1);
	cr_assert_eq(p.last_t, MONDAY);
}

Test(presence, decay)
{
	presence_init(&p);
	presence_set_zone(&p, 0);
	presence_observe(&p, MONDAY, 0);
	presence_observe(&p, MONDAY + 100, 0);
	/* The same bin two weeks on: last counts weigh 0.9 * 0.9. */
	presence_observe(&p, MONDAY + 14 * DAY, 0);
	presence_observe(&p, MONDAY + 14 * DAY + 100, 0);
	cr_assert_float_eq(p.bin[0].away_s, 100 * 0.81 + 100, 1e-9);
}

/* A clock once set ten years ahead, then back: the bins it counted in
 * decay from now on, not from ten years on. */
Test(presence, decay_after_a_clock_set_ahead)
{
	int64_t	ahead = MONDAY + 520 * 7 * DAY;

	presence_init(&p);
	presence_set_zone(&p, 0);
	presence_observe(&p, ahead, 0);
	presence_observe(&p, ahead + 100, 0);
	presence_observe(&p, MONDAY, 0);
	presence_observe(&p, MONDAY + 100, 0);
	cr_assert_float_eq(p.bin[0].away_s, 200, 1e-9);
	presence_observe(&p, MONDAY + 14 * DAY, 0);
	presence_observe(&p, MONDAY + 14 * DAY + 100, 0);
	cr_assert_float_eq(p.bin[0].away_s, 200 * 0.81 + 100, 1e-9);
}

Test(presence, office_worker)
{
	int64_t	week = MONDAY + 4 * 7 * DAY, a;

	office(&p, 4);
	/* Friday 17:30: away until Monday 09:00 (63.5 h). */
	a = presence_absence(&p, week + 4 * DAY + 17 * HOUR + 1800, 0.5);
	cr_assert(a > 63 * HOUR && a < 64 * HOUR, "friday: %lld",
	    (long long)a);
	/* Wednesday 20:00: until Thursday 09:00. */
	a = presence_absence(&p, week + 2 * DAY + 20 * HOUR, 0.5);
	cr_assert(a > 12 * HOUR && a < 13 * HOUR + 1800, "evening: %lld",
	    (long long)a);
	/* Away on a Wednesday at noon, where the owner always is: short. */
	a = presence_absence(&p, week + 2 * DAY + 12 * HOUR, 0.5);
	cr_assert(a < HOUR, "noon: %lld", (long long)a);
	/* Saturday 10:00: away until Monday. */
	a = presence_absence(&p, week + 5 * DAY + 10 * HOUR, 0.5);
	cr_assert(a > 46 * HOUR && a < 48 * HOUR, "saturday: %lld",
	    (long long)a);
	cr_assert_float_eq(presence_share(&p, week + 10 * HOUR), 1, 1e-9);
	cr_assert_float_eq(presence_share(&p, week + 20 * HOUR), 0, 1e-9);
}

Test(presence, habit_changes)
{
	int64_t	t, start = MONDAY + 4 * 7 * DAY, before, after;
	int	s;

	office(&p, 4);
	before = presence_absence(&p, start + 4 * 7 * DAY + 20 * HOUR, 0.5);
	/* Four weeks of evenings at the desk as well, 19:00-22:00. */
	for (t = p.last_t + 60; t <= start + 4 * 7 * DAY; t += 60) {
		s = (int)((t - MONDAY) % DAY);
		presence_observe(&p, t, (s >= 9 * HOUR && s < 17 * HOUR) ||
		    (s >= 19 * HOUR && s < 22 * HOUR));
	}
	after = presence_absence(&p, start + 4 * 7 * DAY + 18 * HOUR, 0.5);
	cr_assert(before > 12 * HOUR, "before: %lld", (long long)before);
	cr_assert(after < 2 * HOUR, "after: %lld", (long long)after);
}

Test(presence, roundtrip)
{
	struct presence	 q;
	char		*a, *b;
	size_t		 alen, blen;
	int64_t		 t;

	office(&p, 2);
	a = presence_format(&p, &alen);
	cr_assert_eq(strlen(a), alen);
	presence_init(&q);
	presence_set_zone(&q, 0);
	cr_assert_eq(presence_parse(&q, a, alen, "f", err, sizeof err), 0,
	    "%s", err);
	b = presence_format(&q, &blen);
	cr_assert_str_eq(a, b);
	cr_assert_eq(q.has_last, 1);
	cr_assert_eq(q.last_t, p.last_t);
	cr_assert_eq(q.zone_fixed, 1);
	for (t = MONDAY; t < MONDAY + 7 * DAY; t += 5 * HOUR)
		cr_assert_eq(presence_absence(&q, t, 0.5),
		    presence_absence(&p, t, 0.5));
	free(a);
	free(b);
	/* Empty: no last line, no bins. */
	presence_init(&q);
	a = presence_format(&q, &alen);
	cr_assert_str_eq(a, "# cq: the owner's presence by half hour of the "
	    "week\npresence 1\nend 0\n");
	cr_assert_eq(presence_parse(&q, a, alen, "f", err, sizeof err), 0);
	free(a);
}

static void
refused(const char *text, const char *want)
{
	presence_init(&p);
	presence_observe(&p, MONDAY, 0);
	cr_assert_eq(presence_parse(&p, text, strlen(text), "state/presence",
	    err, sizeof err), -1, "accepted: %s", text);
	cr_assert(strstr(err, want) != NULL, "%s: error `%s`, not `%s`",
	    text, err, want);
	cr_assert_eq(p.has_last, 0, "not emptied");
}

Test(presence, refusals)
{
	refused("", "state/presence:0: no end line");
	refused("presence 1\n", "state/presence:1: no end line");
	refused("presence 2\nend 0\n", ":1: version 2, not 1");
	refused("hello\n", ":1: not a presence file");
	refused("presence 1\nend 0", ":2: the last line has no newline");
	refused("presence 1\nend 1\n", ":2: bad end line (`end 0`");
	refused("presence 1\nend 0\nend 0\n", ":3: text after the end line");
	refused("presence 1\nbin 336 1 0 0 0\nend 1\n", ":2: bad bin index");
	refused("presence 1\nbin -1 1 0 0 0\nend 1\n", ":2: bad bin index");
	refused("presence 1\nbin 3 1 0 0 0\nbin 3 1 0 0 0\nend 2\n",
	    ":3: bad bin index");
	refused("presence 1\nbin 3 1 0 0\nend 1\n", ":2: bad bin index");
	refused("presence 1\nbin 3 1 0 -5 0\nend 1\n", ":2: bad bin (");
	refused("presence 1\nbin 3 1 0 +5 0\nend 1\n", ":2: bad bin (");
	refused("presence 1\nbin 3 1 0 5x 0\nend 1\n", ":2: bad bin (");
	refused("presence 1\nbin 3 1 0 1000000000000001 0\nend 1\n",
	    ":2: bad bin (");
	refused("presence 1\nbin 3 1  0 0 0\nend 1\n", ":2: bad bin index");
	refused("presence 1\nbin 3 1 0 0  0\nend 1\n", ":2: bad bin index");
	refused("presence 1\nlast 5 2\nend 0\n", ":2: bad last line");
	refused("presence 1\nlast 5 1\nlast 5 1\nend 0\n", ":3: bad last line");
	refused("presence 1\nbin 3 1 0 0 0\nlast 5 1\nend 1\n",
	    ":3: bad last line");
	refused("presence 1\n\nend 0\n", ":2: unknown line");
	refused("presence 1\nbins 1\nend 0\n", ":2: unknown line `bins`");
	refused("presence 1\nend 0 \n", ":2: bad end line");
}

Test(presence, nul_and_long)
{
	static const char	nul[] = "presence 1\nbin 3 1\0 0 0 0\nend 1\n";
	char			buf[600];

	presence_init(&p);
	cr_assert_eq(presence_parse(&p, nul, sizeof nul - 1, "f", err,
	    sizeof err), -1);
	cr_assert(strstr(err, "f:2: a NUL byte") != NULL, "%s", err);
	memset(buf, '#', sizeof buf);
	memcpy(buf, "presence 1\n", 11);
	buf[sizeof buf - 1] = '\n';
	cr_assert_eq(presence_parse(&p, buf, sizeof buf, "f", err,
	    sizeof err), -1);
	cr_assert(strstr(err, "f:2: line too long") != NULL, "%s", err);
}

Test(presence, every_cut_refused)
{
	char	*a;
	size_t	 len, n;

	office(&p, 1);
	a = presence_format(&p, &len);
	for (n = 0; n < len; n++) {
		cr_assert_eq(presence_parse(&p, a, n, "f", err, sizeof err),
		    -1, "a cut at %zu of %zu accepted", n, len);
		cr_assert_eq(p.has_last, 0);
	}
	cr_assert_eq(presence_parse(&p, a, len, "f", err, sizeof err), 0);
	free(a);
}

Test(presence, files)
{
	char		 dir[] = "/tmp/test_presence.XXXXXX", path[256];
	char		 tmp[300];
	struct presence	 q;
	struct stat	 sb;
	int		 fd;
	int64_t		 t = MONDAY + 4 * 7 * DAY + 20 * HOUR;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/presence", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	presence_init(&q);
	presence_set_zone(&q, 0);
	cr_assert_eq(presence_load(&q, path, err, sizeof err), 1);
	office(&p, 4);
	cr_assert_eq(presence_save(&p, path, err, sizeof err), 0, "%s", err);
	cr_assert_eq(stat(tmp, &sb), -1, "the temporary file is left");
	cr_assert_eq(presence_load(&q, path, err, sizeof err), 0, "%s", err);
	cr_assert_eq(presence_absence(&q, t, 0.5),
	    presence_absence(&p, t, 0.5));
	/* Saved again over the old one. */
	cr_assert_eq(presence_save(&p, path, err, sizeof err), 0, "%s", err);
	/* Cut short on disk: refused with the path, history empty. */
	cr_assert_eq(truncate(path, 100), 0);
	cr_assert_eq(presence_load(&q, path, err, sizeof err), -1);
	cr_assert(strstr(err, path) != NULL, "%s", err);
	cr_assert_eq(q.has_last, 0);
	cr_assert_eq(q.zone_fixed, 1, "the zone is kept");
	cr_assert_eq(presence_absence(&q, t, 0.5),
	    (int64_t)ceil(log(2) * PRESENCE_PRIOR_S));
	/* Too long. */
	cr_assert_eq(truncate(path, PRESENCE_FILE_MAX + 1), 0);
	cr_assert_eq(presence_load(&q, path, err, sizeof err), -1);
	cr_assert(strstr(err, "longer than") != NULL, "%s", err);
	/* Not a file. */
	cr_assert_eq(presence_load(&q, dir, err, sizeof err), -1);
	/* Binary garbage. */
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, "\0\1\2presence", 11), 11);
	close(fd);
	cr_assert_eq(presence_load(&q, path, err, sizeof err), -1);
	/* A directory that is not there: an error, nothing made. */
	snprintf(tmp, sizeof tmp, "%s/no/presence", dir);
	cr_assert_eq(presence_save(&p, tmp, err, sizeof err), -1);
	cr_assert(strstr(err, "/no/presence.tmp") != NULL, "%s", err);
	unlink(path);
	rmdir(dir);
}
