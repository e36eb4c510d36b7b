/*
 * test_calendar.c: unit tests of owner hours (startd/calendar.c): the
 * spec syntax and every error message, inside/outside at boundaries, and
 * calendar_next_change(), in UTC and across the 2026 DST changes of
 * Europe/Berlin and America/New_York.  Instants are fixed epoch values
 * built with timegm() from the UTC time, the local time and its offset
 * written beside each, so the expectations never go through mktime().
 * Criterion runs each test in its own process, so a test's setenv("TZ")
 * cannot leak into another.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "calendar.h"

#define ORIGIN	"startd.conf:7: owner_hours"

static struct calendar	*cal;
static char		 err[512];

/* Seconds since the epoch of a UTC date and time. */
static time_t
utc(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return timegm(&tm);
}

/* January 2026 in UTC: Monday the 5th to Monday the 12th. */
#define JAN(d, h, m)	utc(2026, 1, (d), (h), (m), 0)

static void
set_tz(const char *zone)
{
	struct tm	tm;
	time_t		t = utc(2026, 7, 1, 12, 0, 0);

	cr_assert_eq(setenv("TZ", zone, 1), 0);
	tzset();
	/* Without tzdata glibc falls back to UTC quietly: say so instead. */
	cr_assert_not_null(localtime_r(&t, &tm));
	if (strcmp(zone, "Europe/Berlin") == 0)
		cr_assert_eq(tm.tm_gmtoff, 7200, "no tzdata for %s?", zone);
	if (strcmp(zone, "America/New_York") == 0)
		cr_assert_eq(tm.tm_gmtoff, -14400, "no tzdata for %s?", zone);
}

static void
setup_utc(void)
{
	set_tz("UTC0");
}

static void
teardown(void)
{
	calendar_free(cal);
	cal = NULL;
}

static struct calendar *
parse(const char *spec)
{
	calendar_free(cal);
	err[0] = '\0';
	cal = calendar_parse(spec, ORIGIN, err, sizeof err);
	return cal;
}

static void
parse_ok(const char *spec)
{
	cr_assert_not_null(parse(spec), "'%s': %s", spec, err);
}

static void
parse_fails(const char *spec, const char *msg)
{
	cr_assert_null(parse(spec), "'%s' parsed", spec);
	cr_assert_str_eq(err, msg, "'%s'", spec);
}

#define IN(t)	cr_assert_eq(calendar_owner_hours(cal, (t)), 1, \
		    "%s: expected inside at %lld", #t, (long long)(t))
#define OUT(t)	cr_assert_eq(calendar_owner_hours(cal, (t)), 0, \
		    "%s: expected outside at %lld", #t, (long long)(t))
#define NEXT(t, want) do {						\
	time_t	n_ = calendar_next_change(cal, (t));			\
	cr_assert_eq(n_, (want), "next_change(%s) = %lld, want %lld (%s)", \
	    #t, (long long)n_, (long long)(want), #want);		\
} while (0)

/*
 * The reference answer, by brute force: the first minute boundary after
 * T (in zones of whole-minute offsets) at which the answer differs.
 */
static time_t
slow_next_change(time_t t)
{
	int	cur = calendar_owner_hours(cal, t);
	time_t	b;

	for (b = t - t % 60 + 60; b - t <= 8 * 86400; b += 60)
		if (calendar_owner_hours(cal, b) != cur)
			return b;
	return 0;
}

/* next_change agrees with brute force from every STEP seconds in [a, b). */
static void
agrees(time_t a, time_t b, time_t step)
{
	time_t	t;

	for (t = a; t < b; t += step)
		cr_assert_eq(calendar_next_change(cal, t), slow_next_change(t),
		    "next_change(%lld)", (long long)t);
}

TestSuite(calendar, .init = setup_utc, .fini = teardown);

/* --- syntax and inside/outside, in UTC ---------------------------------- */

Test(calendar, weekdays)
{
	parse_ok("Mon-Fri 08:00-18:00");
	IN(JAN(5, 12, 0));	/* Mon */
	IN(JAN(7, 9, 30));	/* Wed */
	IN(JAN(9, 17, 59));	/* Fri */
	OUT(JAN(7, 7, 59));
	OUT(JAN(7, 20, 0));
	OUT(JAN(10, 12, 0));	/* Sat */
	OUT(JAN(11, 12, 0));	/* Sun */
}

Test(calendar, boundaries)
{
	parse_ok("Mon-Fri 08:00-18:00");
	OUT(utc(2026, 1, 5, 7, 59, 59));
	IN(JAN(5, 8, 0));
	IN(utc(2026, 1, 5, 17, 59, 59));
	OUT(JAN(5, 18, 0));
}

Test(calendar, saturday_rule)
{
	parse_ok("Mon-Fri 08:00-18:00; Sat 09:00-12:00");
	OUT(JAN(10, 8, 59));
	IN(JAN(10, 9, 0));
	IN(JAN(10, 11, 59));
	OUT(JAN(10, 12, 0));
	OUT(JAN(11, 10, 0));
	IN(JAN(9, 10, 0));
}

Test(calendar, overnight_span)
{
	parse_ok("Fri 22:00-02:00");
	OUT(JAN(9, 21, 59));
	IN(JAN(9, 22, 0));
	IN(JAN(9, 23, 59));
	IN(JAN(10, 0, 0));	/* the Saturday part */
	IN(JAN(10, 1, 59));
	OUT(JAN(10, 2, 0));
	OUT(JAN(9, 1, 0));	/* Thursday night is not Friday's */
	OUT(JAN(10, 22, 30));
}

Test(calendar, overnight_sunday_into_monday)
{
	parse_ok("Sun 22:00-02:00");
	IN(JAN(11, 23, 0));
	IN(JAN(12, 1, 0));	/* the next Monday */
	IN(JAN(5, 1, 0));	/* the same weekday a week before */
	OUT(JAN(12, 2, 0));
	OUT(JAN(6, 1, 0));
}

Test(calendar, wrapping_day_range)
{
	parse_ok("Fri-Mon 10:00-11:00");
	IN(JAN(9, 10, 30));
	IN(JAN(10, 10, 30));
	IN(JAN(11, 10, 30));
	IN(JAN(12, 10, 30));
	OUT(JAN(6, 10, 30));
	OUT(JAN(7, 10, 30));
	OUT(JAN(8, 10, 30));
}

Test(calendar, same_day_range_is_one_day)
{
	parse_ok("Wed-Wed 10:00-11:00");
	IN(JAN(7, 10, 30));
	OUT(JAN(8, 10, 30));
	OUT(JAN(6, 10, 30));
}

Test(calendar, day_list)
{
	parse_ok("Mon,Wed , Fri 08:00-09:00; Tue, Sat-Sun 12:00-13:00");
	IN(JAN(5, 8, 30));
	IN(JAN(7, 8, 30));
	IN(JAN(9, 8, 30));
	OUT(JAN(6, 8, 30));
	OUT(JAN(8, 8, 30));
	IN(JAN(6, 12, 30));
	IN(JAN(10, 12, 30));
	IN(JAN(11, 12, 30));
	OUT(JAN(5, 12, 30));
}

Test(calendar, end_2400)
{
	parse_ok("Mon 20:00-24:00");
	OUT(JAN(5, 19, 59));
	IN(JAN(5, 20, 0));
	IN(utc(2026, 1, 5, 23, 59, 59));
	OUT(JAN(6, 0, 0));
	parse_ok("Sun 00:00-24:00");
	IN(JAN(11, 0, 0));
	IN(JAN(11, 23, 59));
	OUT(JAN(10, 23, 59));
	OUT(JAN(12, 0, 0));
}

Test(calendar, equal_ends_are_a_whole_day)
{
	/* An end at (not only before) the start runs into the next day. */
	parse_ok("Mon 08:00-08:00");
	OUT(JAN(5, 7, 59));
	IN(JAN(5, 8, 0));
	IN(JAN(6, 7, 59));
	OUT(JAN(6, 8, 0));
}

Test(calendar, several_spans)
{
	parse_ok("Mon 08:00-12:00, 13:00-17:00 18:00-19:00,20:00-21:00");
	IN(JAN(5, 11, 59));
	OUT(JAN(5, 12, 30));
	IN(JAN(5, 13, 0));
	OUT(JAN(5, 17, 30));
	IN(JAN(5, 18, 30));
	OUT(JAN(5, 19, 30));
	IN(JAN(5, 20, 30));
	OUT(JAN(5, 21, 0));
}

Test(calendar, case_insensitive)
{
	parse_ok("mon-FRI 08:00-18:00; sAt 09:00-12:00");
	IN(JAN(6, 12, 0));
	IN(JAN(10, 10, 0));
	OUT(JAN(11, 10, 0));
}

Test(calendar, whitespace_and_empty_rules)
{
	parse_ok("  Mon - Fri\t08:00 - 18:00 ;\n ; Sat 09:00-12:00 ;  ");
	IN(JAN(6, 12, 0));
	IN(JAN(10, 10, 0));
	OUT(JAN(10, 13, 0));
}

Test(calendar, one_digit_hour)
{
	parse_ok("Mon 8:00-9:30");
	IN(JAN(5, 8, 0));
	IN(JAN(5, 9, 29));
	OUT(JAN(5, 9, 30));
}

Test(calendar, empty_spec)
{
	const char	*specs[] = { "", "   \t\n ", NULL };
	size_t		 i;
	time_t		 t;

	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		parse_ok(specs[i]);
		for (t = JAN(5, 0, 0); t < JAN(12, 0, 0); t += 977)
			OUT(t);
		NEXT(JAN(5, 0, 0), 0);
	}
}

Test(calendar, whole_week)
{
	parse_ok("Mon-Sun 00:00-24:00");
	IN(JAN(5, 0, 0));
	IN(JAN(11, 23, 59));
	NEXT(JAN(7, 12, 0), 0);
}

Test(calendar, null_calendar)
{
	cr_assert_eq(calendar_owner_hours(NULL, JAN(5, 12, 0)), 0);
	cr_assert_eq(calendar_next_change(NULL, JAN(5, 12, 0)), 0);
	calendar_free(NULL);
}

/* --- errors -------------------------------------------------------------- */

Test(calendar, error_unknown_day)
{
	parse_fails("Mnday 08:00-18:00", ORIGIN ": unknown day 'Mnday'");
	parse_fails("Mon-Fryday 08:00-18:00", ORIGIN ": unknown day 'Fryday'");
	parse_fails("Mon,Wedn 08:00-18:00", ORIGIN ": unknown day 'Wedn'");
	parse_fails("Monday 08:00-18:00", ORIGIN ": unknown day 'Monday'");
	parse_fails("Mon-Fri 08:00-18:00; Sa 09:00-12:00",
	    ORIGIN ": unknown day 'Sa'");
}

Test(calendar, error_bad_time)
{
	parse_fails("Mon 25:00-26:00", ORIGIN ": bad time '25:00'");
	parse_fails("Mon 08:00-25:00", ORIGIN ": bad time '25:00'");
	parse_fails("Mon 08:00-18:60", ORIGIN ": bad time '18:60'");
	parse_fails("Mon 24:00-02:00", ORIGIN ": bad time '24:00'");
	parse_fails("Mon 08:00-24:30", ORIGIN ": bad time '24:30'");
	parse_fails("Mon 008:00-09:00", ORIGIN ": bad time '008:00'");
	parse_fails("Mon 08:0-09:00", ORIGIN ": bad time '08:0'");
	parse_fails("Mon 8h-18h", ORIGIN ": bad time '8h'");
	parse_fails("Mon 08:00-06:00pm", ORIGIN ": bad time '06:00pm'");
	parse_fails("Mon 8.30-9.30", ORIGIN ": bad time '8.30'");
	parse_fails("Mon 99999999999999999999:00-10:00",
	    ORIGIN ": bad time '99999999999999999999:00'");
}

Test(calendar, error_expected_span)
{
	parse_fails("Mon", ORIGIN ": expected HH:MM-HH:MM after 'Mon'");
	parse_fails("Mon-Fri ; Sat 09:00-12:00",
	    ORIGIN ": expected HH:MM-HH:MM after 'Mon-Fri'");
	parse_fails("Mon-Fri all day",
	    ORIGIN ": expected HH:MM-HH:MM after 'Mon-Fri'");
	parse_fails("Mon 08:00-10:00,",
	    ORIGIN ": expected HH:MM-HH:MM after '08:00-10:00,'");
	parse_fails("Mon 08:00-10:00, ; Tue 09:00-10:00",
	    ORIGIN ": expected HH:MM-HH:MM after '08:00-10:00,'");
	parse_fails("Mon 08:00-10:00 Tue 09:00-10:00",
	    ORIGIN ": expected HH:MM-HH:MM after '08:00-10:00'");
}

Test(calendar, error_incomplete_span)
{
	parse_fails("Mon 08:00 18:00", ORIGIN ": expected '-' after '08:00'");
	parse_fails("Mon 08:00", ORIGIN ": expected '-' after '08:00'");
	parse_fails("Mon 08:00-", ORIGIN ": expected a time after '08:00-'");
	parse_fails("Mon 08:00 - ;",
	    ORIGIN ": expected a time after '08:00 -'");
}

Test(calendar, error_expected_day)
{
	parse_fails("08:00-18:00", ORIGIN ": expected a day at '08:00-18:00'");
	parse_fails("Mon-Fri 08:00-18:00; 09:00-12:00",
	    ORIGIN ": expected a day at '09:00-12:00'");
	parse_fails("Mon- 08:00-10:00", ORIGIN ": expected a day after 'Mon-'");
	parse_fails("Mon, 08:00-10:00", ORIGIN ": expected a day after 'Mon,'");
	parse_fails("Mon,Tue-", ORIGIN ": expected a day after 'Mon,Tue-'");
}

Test(calendar, error_quotes_escaped_and_cut)
{
	char	spec[128], want[256];

	parse_fails("\xc3\xa9t\xc3\xa9 08:00-10:00",
	    ORIGIN ": expected a day at '\\xc3\\xa9t\\xc3\\xa9'");
	parse_fails("Mon 08:00-09:00; \x01Tue 08:00-09:00",
	    ORIGIN ": expected a day at '\\x01Tue'");
	memset(spec, 'x', 100);
	spec[100] = '\0';
	snprintf(want, sizeof want, ORIGIN ": unknown day '%.40s'", spec);
	parse_fails(spec, want);
}

Test(calendar, error_origin_default)
{
	cr_assert_null(calendar_parse("Mnday 08:00-09:00", NULL, err,
	    sizeof err));
	cr_assert_str_eq(err, "owner_hours: unknown day 'Mnday'");
	/* No room for the message is no reason to crash. */
	cr_assert_null(calendar_parse("Mnday 08:00-09:00", ORIGIN, NULL, 0));
}

/* --- next change, in UTC ------------------------------------------------- */

Test(calendar, next_change_from_inside)
{
	parse_ok("Mon-Fri 08:00-18:00");
	NEXT(utc(2026, 1, 5, 12, 0, 30), JAN(5, 18, 0));
	NEXT(JAN(5, 8, 0), JAN(5, 18, 0));	/* strictly after */
	NEXT(utc(2026, 1, 5, 17, 59, 59), JAN(5, 18, 0));
}

Test(calendar, next_change_from_outside)
{
	parse_ok("Mon-Fri 08:00-18:00");
	NEXT(JAN(5, 7, 0), JAN(5, 8, 0));
	NEXT(utc(2026, 1, 5, 7, 59, 59), JAN(5, 8, 0));
	NEXT(JAN(9, 18, 0), JAN(12, 8, 0));	/* over the weekend */
	NEXT(JAN(10, 12, 0), JAN(12, 8, 0));
}

Test(calendar, next_change_joins_across_midnight)
{
	/* 24:00 followed by 00:00 is no change at midnight. */
	parse_ok("Mon 20:00-24:00; Tue 00:00-02:00");
	NEXT(JAN(5, 21, 0), JAN(6, 2, 0));
	parse_ok("Mon 20:00-02:00");
	NEXT(JAN(5, 21, 0), JAN(6, 2, 0));
}

Test(calendar, next_change_across_week_boundary)
{
	parse_ok("Sun 22:00-02:00");
	NEXT(JAN(11, 23, 0), JAN(12, 2, 0));	/* inside, Sun -> Mon */
	NEXT(JAN(11, 12, 0), JAN(11, 22, 0));
	parse_ok("Mon 00:00-01:00");
	NEXT(JAN(11, 12, 0), JAN(12, 0, 0));	/* outside, Sun -> Mon */
	NEXT(JAN(12, 0, 30), JAN(12, 1, 0));
	NEXT(JAN(12, 1, 0), JAN(19, 0, 0));	/* a whole week on */
}

Test(calendar, next_change_matches_brute_force_utc)
{
	parse_ok("Mon-Fri 08:00-12:00 13:00-18:00; Sat 09:00-12:00; "
	    "Sun 23:00-01:30");
	agrees(JAN(5, 0, 0), JAN(12, 0, 0), 1201);
}

/* --- daylight saving time ---------------------------------------------- */

/*
 * Europe/Berlin 2026: CET (+01:00) until Sun 29 March 01:00 UTC, when
 * 02:00 CET becomes 03:00 CEST (+02:00); back on Sun 25 October 01:00
 * UTC, when 03:00 CEST becomes 02:00 CET, so 02:00-02:59 happens twice.
 */
Test(calendar, berlin_fall_back_repeated_hour)
{
	set_tz("Europe/Berlin");
	parse_ok("Sun 01:00-04:00");
	OUT(utc(2026, 10, 24, 22, 59, 0));	/* 00:59 CEST */
	IN(utc(2026, 10, 24, 23, 30, 0));	/* 01:30 CEST */
	IN(utc(2026, 10, 25, 0, 30, 0));	/* 02:30 CEST, first */
	IN(utc(2026, 10, 25, 1, 30, 0));	/* 02:30 CET, second */
	IN(utc(2026, 10, 25, 2, 30, 0));	/* 03:30 CET */
	OUT(utc(2026, 10, 25, 3, 0, 0));	/* 04:00 CET */
	/* Five real hours inside, ending at 04:00 CET. */
	NEXT(utc(2026, 10, 24, 23, 30, 0), utc(2026, 10, 25, 3, 0, 0));
	NEXT(utc(2026, 10, 24, 22, 0, 0), utc(2026, 10, 24, 23, 0, 0));
}

Test(calendar, berlin_fall_back_span_inside_repeated_hour)
{
	set_tz("Europe/Berlin");
	parse_ok("Sun 02:30-02:45");
	IN(utc(2026, 10, 25, 0, 35, 0));	/* 02:35 CEST */
	IN(utc(2026, 10, 25, 1, 35, 0));	/* 02:35 CET */
	OUT(utc(2026, 10, 25, 1, 0, 0));	/* 02:00 CET */
	/* In, out, in again, out: four changes in two real hours. */
	NEXT(utc(2026, 10, 24, 23, 0, 0), utc(2026, 10, 25, 0, 30, 0));
	NEXT(utc(2026, 10, 25, 0, 30, 0), utc(2026, 10, 25, 0, 45, 0));
	NEXT(utc(2026, 10, 25, 0, 45, 0), utc(2026, 10, 25, 1, 30, 0));
	NEXT(utc(2026, 10, 25, 1, 30, 0), utc(2026, 10, 25, 1, 45, 0));
}

Test(calendar, berlin_fall_back_clock_jumps_back_inside)
{
	set_tz("Europe/Berlin");
	parse_ok("Sun 01:00-02:15");
	OUT(utc(2026, 10, 25, 0, 30, 0));	/* 02:30 CEST */
	/* At 01:00 UTC the wall clock goes back to 02:00: inside again. */
	NEXT(utc(2026, 10, 25, 0, 30, 0), utc(2026, 10, 25, 1, 0, 0));
	IN(utc(2026, 10, 25, 1, 0, 0));
	NEXT(utc(2026, 10, 25, 1, 0, 0), utc(2026, 10, 25, 1, 15, 0));
}

Test(calendar, berlin_spring_forward_gap_never_inside)
{
	time_t	t;

	set_tz("Europe/Berlin");
	parse_ok("Sun 02:15-02:45");
	/* 02:15-02:45 does not exist on 29 March: outside all night. */
	for (t = utc(2026, 3, 28, 22, 0, 0); t < utc(2026, 3, 29, 4, 0, 0);
	    t += 60)
		OUT(t);
	IN(utc(2026, 3, 22, 1, 30, 0));		/* 02:30 CET a week before */
	IN(utc(2026, 4, 5, 0, 30, 0));		/* 02:30 CEST a week after */
	/* So the next change is the next Sunday's 02:15 CEST. */
	NEXT(utc(2026, 3, 29, 0, 0, 0), utc(2026, 4, 5, 0, 15, 0));
	NEXT(utc(2026, 3, 28, 12, 0, 0), utc(2026, 4, 5, 0, 15, 0));
}

Test(calendar, berlin_spring_forward_jumps_in_and_out)
{
	set_tz("Europe/Berlin");
	/* 01:59 CET is outside, the next second is 03:00 CEST: inside. */
	parse_ok("Sun 02:30-04:00");
	OUT(utc(2026, 3, 29, 0, 59, 59));
	IN(utc(2026, 3, 29, 1, 0, 0));
	NEXT(utc(2026, 3, 29, 0, 0, 0), utc(2026, 3, 29, 1, 0, 0));
	NEXT(utc(2026, 3, 29, 1, 0, 0), utc(2026, 3, 29, 2, 0, 0));
	/* And the other way: inside until the clock skips past the end. */
	parse_ok("Sun 01:00-02:30");
	NEXT(utc(2026, 3, 29, 0, 30, 0), utc(2026, 3, 29, 1, 0, 0));
	OUT(utc(2026, 3, 29, 1, 0, 0));
	/* An end at 03:00 is met at the same instant. */
	parse_ok("Sun 01:00-03:00");
	NEXT(utc(2026, 3, 29, 0, 30, 0), utc(2026, 3, 29, 1, 0, 0));
}

Test(calendar, berlin_matches_brute_force)
{
	set_tz("Europe/Berlin");
	parse_ok("Mon-Sun 01:00-02:15, 02:30-02:45, 03:00-03:10, "
	    "12:00-13:00; Sat 23:00-02:40");
	agrees(utc(2026, 3, 28, 12, 0, 0), utc(2026, 3, 30, 0, 0, 0), 419);
	agrees(utc(2026, 10, 24, 12, 0, 0), utc(2026, 10, 26, 0, 0, 0), 419);
}

/*
 * America/New_York 2026: EST (-05:00) until Sun 8 March 07:00 UTC, then
 * EDT (-04:00).  Office hours keep their wall times across the change.
 */
Test(calendar, new_york_spring_forward)
{
	set_tz("America/New_York");
	parse_ok("Mon-Fri 08:00-18:00");
	IN(utc(2026, 3, 6, 13, 0, 0));		/* Fri 08:00 EST */
	OUT(utc(2026, 3, 6, 12, 59, 0));	/* Fri 07:59 EST */
	OUT(utc(2026, 3, 9, 11, 59, 0));	/* Mon 07:59 EDT */
	IN(utc(2026, 3, 9, 12, 0, 0));		/* Mon 08:00 EDT */
	/* From Fri 18:00 EST over the change to Mon 08:00 EDT. */
	NEXT(utc(2026, 3, 6, 23, 0, 0), utc(2026, 3, 9, 12, 0, 0));
	NEXT(utc(2026, 3, 9, 12, 0, 0), utc(2026, 3, 9, 22, 0, 0));
	agrees(utc(2026, 3, 6, 0, 0, 0), utc(2026, 3, 10, 0, 0, 0), 3001);
}
