/*
 * act-load.c: the `load[:PATH]` activity source: the load the owner puts
 * on the machine, HTCondor's LoadAvg - CondorLoadAvg.  It is not a "last
 * activity" source (last is NULL in its table: a busy CPU says nothing
 * about when the owner last touched the keyboard); it only feeds
 * activity_owner_load().  Polled: each poll reads the 1-minute load
 * average from /proc/loadavg (PATH, for tests).  The agent reports our
 * jobs' load as it is now (activity_set_job_load); since the kernel's
 * figure is an exponentially damped 1-minute average, subtracting an
 * instantaneous value would be wrong for a minute or two after every job
 * start (owner load hidden) and end (phantom owner load).  So the jobs'
 * load is damped here the same way (act_load_damp) before it is
 * subtracted, and the owner load is max(0, load1 - damped job load).
 * Started and polled by activity.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "act.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define ACT_LOAD_PATH		"/proc/loadavg"
#define ACT_LOAD_TAU_MS		60000.0	/* the kernel's 1-minute average */
#define ACT_LOAD_MAX		1e6	/* more is a misread */

struct act_load {
	char	*path;
	double	 load1;		/* latest 1-minute load average */
	double	 job_now;	/* our jobs' load, instantaneous */
	double	 job_avg;	/* job_now damped like load1 */
	int64_t	 prev_ms;	/* time of the previous damping step */
	int	 warned;
};

/* The 1-minute load average in PATH (act.h); -1 on a bad file. */
int
act_load_read(const char *path, double *load1p)
{
	char	 buf[128], *end;
	ssize_t	 n;
	double	 v;
	int	 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n <= 0) {
		if (n == 0)
			errno = EINVAL;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (end == buf || (*end != ' ' && *end != '\n' && *end != '\0') ||
	    errno != 0 || !(v >= 0 && v <= ACT_LOAD_MAX)) {
		errno = EINVAL;
		return -1;
	}
	*load1p = v;
	return 0;
}

/* AVG moved towards VALUE over DT_MS with the 1-minute time constant. */
double
act_load_damp(double avg, double value, int64_t dt_ms)
{
	double	f;

	if (dt_ms <= 0)
		return avg;
	f = exp(-(double)dt_ms / ACT_LOAD_TAU_MS);
	return avg * f + value * (1 - f);
}

static void
act_load_poll(void *state, int64_t now_ms)
{
	struct act_load	*al = state;
	double		 v;

	al->job_avg = act_load_damp(al->job_avg, al->job_now,
	    now_ms - al->prev_ms);
	al->prev_ms = now_ms;	/* after a step back, damp from there */
	if (act_load_read(al->path, &v) == -1) {
		if (!al->warned)
			log_warn("activity: load %s: unreadable, keeping %.2f",
			    al->path, al->load1);
		al->warned = 1;
		return;
	}
	al->warned = 0;
	al->load1 = v;
}

static double
act_load_owner(void *state)
{
	struct act_load	*al = state;

	return al->load1 > al->job_avg ? al->load1 - al->job_avg : 0;
}

static void
act_load_set_job_load(void *state, double load)
{
	((struct act_load *)state)->job_now = load;
}

static void
act_load_stop(void *state)
{
	struct act_load	*al = state;

	if (al == NULL)
		return;
	free(al->path);
	free(al);
}

static int
act_load_start(struct event_base *base, const char *arg,
    act_changed_cb changed, void *changed_arg, void **statep,
    char *err, size_t errlen)
{
	struct act_load	*al;

	*statep = NULL;
	al = xcalloc(1, sizeof *al);
	al->path = xstrdup(arg != NULL ? arg : ACT_LOAD_PATH);
	if (act_load_read(al->path, &al->load1) == -1) {
		log_warn("activity: load %s: skipped", al->path);
		act_load_stop(al);
		return ACT_UNAVAILABLE;
	}
	al->prev_ms = clock_now_ms();
	log_info("activity: load %s: load average %.2f", al->path, al->load1);
	*statep = al;
	return 0;
}

/* The `load[:PATH]` source, for activity.c. */
const struct act_ops act_load_ops = {
	.name = "load",
	.argmode = ACT_ARG_OPTIONAL,
	.start = act_load_start,
	.poll = act_load_poll,
	.last = NULL,
	.stop = act_load_stop,
	.owner_load = act_load_owner,
	.set_job_load = act_load_set_job_load,
};
