/*
 * act-utmp.c: the `utmp[:PATH]` activity source: terminal idle time as
 * HTCondor computes KeyboardIdle.  Every poll reads the utmp file itself
 * (not getutent(), whose state is process-global, so tests can hand it
 * fixture files), and for each USER_PROCESS record stats /dev/<ut_line>
 * (`tty1`, `pts/3`: ssh and terminal sessions both) and takes the newest
 * atime.  Devices that share /dev/null's major number are ignored, as
 * HTCondor does; lines naming no device (X displays such as ":0") are
 * skipped.  Coarse by nature: the kernel stores a tty's atime in whole
 * seconds and only when its 8-second bucket changes (so as not to leak
 * keystroke timing), so activity is seen up to ~8 s late; scanning more
 * than once a second (ACT_UTMP_PERIOD_MS) gains nothing.  Work per scan
 * is bounded (ACT_UTMP_MAX_RECORDS records).  A missing utmp is logged once and means "no terminal
 * activity", not an error: it may appear at the first login.  Started and
 * polled by activity.c.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmp.h>

#include <event2/event.h>

#include "act.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define ACT_UTMP_PATH		"/var/run/utmp"
#define ACT_UTMP_DEVDIR		"/dev"
#define ACT_UTMP_MAX_RECORDS	4096	/* records read per poll */
#define ACT_UTMP_CHUNK		32	/* records per read() */
#define ACT_UTMP_PERIOD_MS	1000	/* least time between two scans */

struct act_utmp {
	char	*path;
	int64_t	 last;		/* newest tty atime, wall ms */
	int64_t	 scanned_ms;	/* time of the latest scan */
	int	 warned;	/* the utmp file is missing: said so */
};

/* 1 if LINE (not NUL-terminated, LEN bytes) may name a device under /dev. */
static int
act_utmp_line_ok(const char *line, size_t len)
{
	size_t	i;

	if (len == 0 || line[0] == '/' || line[0] == ':')
		return 0;
	for (i = 0; i < len; i++) {
		if (line[i] == '.' && (i == 0 || line[i - 1] == '/') &&
		    i + 1 < len && line[i + 1] == '.')
			return 0;	/* no way out of DEVDIR */
		if ((unsigned char)line[i] < 0x21 ||
		    (unsigned char)line[i] > 0x7e)
			return 0;
	}
	return 1;
}

/* The atime of DEVDIR/LINE in wall ms, or 0 if it does not count. */
static int64_t
act_utmp_tty(const char *devdir, const struct utmp *ut, int nullmajor)
{
	struct stat	sb;
	char		path[256];
	size_t		len;

	len = strnlen(ut->ut_line, sizeof ut->ut_line);
	if (!act_utmp_line_ok(ut->ut_line, len))
		return 0;
	if (snprintf(path, sizeof path, "%s/%.*s", devdir, (int)len,
	    ut->ut_line) >= (int)sizeof path)
		return 0;
	if (stat(path, &sb) == -1)
		return 0;
	if (nullmajor != -1 && S_ISCHR(sb.st_mode) &&
	    (int)major(sb.st_rdev) == nullmajor)
		return 0;
	return (int64_t)sb.st_atim.tv_sec * 1000 +
	    sb.st_atim.tv_nsec / 1000000;
}

/* Newest tty atime of UTMP's user sessions (act.h). */
int
act_utmp_scan(const char *utmp, const char *devdir, int64_t *lastp)
{
	struct utmp	 buf[ACT_UTMP_CHUNK];
	struct stat	 sb;
	ssize_t		 n;
	size_t		 have = 0, i, total = 0;
	int64_t		 t;
	int		 fd, nullmajor = -1;

	*lastp = 0;
	if (stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode))
		nullmajor = (int)major(sb.st_rdev);
	fd = open(utmp, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return -1;
	while (total < ACT_UTMP_MAX_RECORDS) {
		n = read(fd, (char *)buf + have, sizeof buf - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;		/* a partial last record is ignored */
		have += (size_t)n;
		for (i = 0; i < have / sizeof buf[0]; i++, total++) {
			if (buf[i].ut_type != USER_PROCESS)
				continue;
			t = act_utmp_tty(devdir, &buf[i], nullmajor);
			if (t > *lastp)
				*lastp = t;
		}
		memmove(buf, (char *)buf + i * sizeof buf[0],
		    have - i * sizeof buf[0]);
		have -= i * sizeof buf[0];
	}
	close(fd);
	return 0;
}

static void
act_utmp_poll(void *state, int64_t now_ms)
{
	struct act_utmp	*au = state;
	int64_t		 t;

	/* The atimes move in 8 s steps: a faster tick gains nothing. */
	if (now_ms >= au->scanned_ms &&
	    now_ms - au->scanned_ms < ACT_UTMP_PERIOD_MS)
		return;
	au->scanned_ms = now_ms;
	if (act_utmp_scan(au->path, ACT_UTMP_DEVDIR, &t) == -1) {
		if (!au->warned)
			log_warn("activity: utmp %s: no terminal activity "
			    "is seen", au->path);
		au->warned = 1;
		return;
	}
	if (au->warned)
		log_info("activity: utmp %s: readable again", au->path);
	au->warned = 0;
	if (t > au->last)
		au->last = t;
}

static void
act_utmp_stop(void *state)
{
	struct act_utmp	*au = state;

	if (au == NULL)
		return;
	free(au->path);
	free(au);
}

static int
act_utmp_start(struct event_base *base, const char *arg,
    act_changed_cb changed, void *changed_arg, void **statep,
    char *err, size_t errlen)
{
	struct act_utmp	*au;

	au = xcalloc(1, sizeof *au);
	au->path = xstrdup(arg != NULL ? arg : ACT_UTMP_PATH);
	log_info("activity: utmp %s: polling tty idle times", au->path);
	act_utmp_poll(au, clock_now_ms());
	*statep = au;
	return 0;
}

static int64_t
act_utmp_last(void *state)
{
	return ((struct act_utmp *)state)->last;
}

/* The `utmp[:PATH]` source, for activity.c. */
const struct act_ops act_utmp_ops = {
	.name = "utmp",
	.argmode = ACT_ARG_OPTIONAL,
	.start = act_utmp_start,
	.poll = act_utmp_poll,
	.last = act_utmp_last,
	.stop = act_utmp_stop,
};
