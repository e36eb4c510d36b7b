/*
 * calendar.h: owner hours, e.g. `Mon-Fri 08:00-18:00; Sat 09:00-12:00`,
 * in the local time zone (DST changes included).  Inside owner hours a
 * desktop waits `idle_after` before it runs jobs; outside them only
 * `idle_after_offhours`.  Domain code: no libevent.
 */
#ifndef CQ_CALENDAR_H
#define CQ_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct calendar;

/*
 * Parse SPEC: `;`-separated rules, each a day or day range (Mon..Sun,
 * `Mon-Fri`, wrapping `Sat-Mon` allowed, several joined by `,`) and one or
 * more `HH:MM-HH:MM` spans (an end at or before the start runs past
 * midnight into the next day; `24:00` ends a day).  Empty SPEC: no owner
 * hours.  NULL with ERR ("ORIGIN: what is wrong") on a bad one.
 */
struct calendar	*calendar_parse(const char *spec, const char *origin,
		    char *err, size_t errlen);
void		 calendar_free(struct calendar *);
/* 1 if wall time T (seconds since the epoch) is inside owner hours. */
int		 calendar_owner_hours(const struct calendar *, time_t t);
/* The next time after T at which calendar_owner_hours() changes; 0: never. */
time_t		 calendar_next_change(const struct calendar *, time_t t);

#endif
