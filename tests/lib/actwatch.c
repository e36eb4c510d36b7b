/*
 * actwatch.c: a driver for the integration tests of the owner-activity
 * sources (startd/activity.c).  It starts only that module, with the spec
 * given on the command line, on a libevent loop, polls it every
 * POLL_MS as the agent's tick would, and prints one line per change of
 * activity_last():
 *
 *	ready SOURCES				once started
 *	activity LAST_MS at NOW_MS via cb|poll	on every change
 *
 * so a test can time "input made -> activity seen".  Logs go to stderr.
 * Usage: actwatch [-v] SPEC [SECONDS]; it exits after SECONDS (default
 * 60) or on SIGTERM/SIGINT.  Exit 2 on a bad spec.  `actwatch -u FILE
 * LINE` instead appends a USER_PROCESS record for LINE (`pts/3`) to the
 * utmp file FILE, for tests whose terminal is not in the system's utmp.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include <event2/event.h>

#include "activity.h"
#include "clock.h"
#include "log.h"

#define POLL_MS	200

static int64_t	printed;

static void
show(const char *via)
{
	int64_t	t = activity_last();

	if (t == printed)
		return;
	printed = t;
	printf("activity %lld at %lld via %s\n", (long long)t,
	    (long long)clock_now_ms(), via);
	fflush(stdout);
}

/* Append a USER_PROCESS record for LINE to the utmp file PATH. */
static int
add_utmp(const char *path, const char *line)
{
	struct utmp	ut;
	int		fd;

	memset(&ut, 0, sizeof ut);
	ut.ut_type = USER_PROCESS;
	ut.ut_pid = getpid();
	strlcpy(ut.ut_user, "actwatch", sizeof ut.ut_user);
	if (strlen(line) > sizeof ut.ut_line) {
		fprintf(stderr, "actwatch: line %s too long\n", line);
		return 2;
	}
	memcpy(ut.ut_line, line, strlen(line));
	ut.ut_tv.tv_sec = (int32_t)time(NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd == -1 || write(fd, &ut, sizeof ut) != (ssize_t)sizeof ut) {
		perror(path);
		return 1;
	}
	close(fd);
	return 0;
}

static void
on_activity(void *arg)
{
	show("cb");
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	activity_poll(clock_now_ms());
	show("poll");
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct event		*tick, *sigterm, *sigint, *timeout;
	struct timeval		 tv;
	const char		*errstr;
	char			 err[256];
	long long		 secs = 60;
	int			 verbose = 0;

	if (argc == 4 && strcmp(argv[1], "-u") == 0)
		return add_utmp(argv[2], argv[3]);
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: actwatch [-v] SPEC [SECONDS]\n"
		    "       actwatch -u UTMPFILE LINE\n");
		return 2;
	}
	if (argc == 3) {
		secs = strtonum(argv[2], 1, 86400, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "actwatch: seconds %s\n", errstr);
			return 2;
		}
	}
	log_init("actwatch", 1, verbose);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (activity_init(base, argv[1], on_activity, NULL, err,
	    sizeof err) == -1) {
		fprintf(stderr, "actwatch: %s\n", err);
		return 2;
	}
	printf("ready %d\n", activity_nsources());
	show("start");
	fflush(stdout);

	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	tv.tv_sec = 0;
	tv.tv_usec = POLL_MS * 1000;
	event_add(tick, &tv);
	timeout = evtimer_new(base, on_stop, base);
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	event_add(timeout, &tv);
	sigterm = evsignal_new(base, SIGTERM, on_stop, base);
	sigint = evsignal_new(base, SIGINT, on_stop, base);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);

	event_base_dispatch(base);

	activity_shutdown();
	event_free(tick);
	event_free(timeout);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	return 0;
}
