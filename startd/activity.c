/*
 * activity.c: the agent's view of its owner.  It parses the source spec
 * (see activity.h), starts one instance per item through the act_ops table
 * of each act-*.c module, and keeps the latest activity time over all of
 * them.  Invariants: activity_last() never decreases while the sources are
 * up (a file whose mtime moves back is not "less activity"); the agent's
 * callback runs only from the loop, when activity_last() has advanced
 * because an event-driven source saw something, never from inside
 * activity_poll(), and at most once per ACTIVITY_CB_GAP_MS: the first
 * activity after a quiet spell (a second with no activity, or with no
 * callback) is reported at once, a burst (a mouse sends 1000 events/s)
 * is folded into one later call.  The state is this
 * file's own because the interface has no context pointer; main.c calls
 * activity_init() at start-up and activity_poll() from its tick.
 */
#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "act.h"
#include "activity.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define ACTIVITY_MAX_SOURCES	16
#define ACTIVITY_SPEC_MAX	4096	/* bytes of a spec */
#define ACTIVITY_CB_GAP_MS	1000	/* least time between two callbacks */

struct activity_source {
	const struct act_ops	*ops;
	char			*arg;		/* NULL: none given */
	void			*state;		/* NULL: not running */
};

static struct {
	struct activity_source	 src[ACTIVITY_MAX_SOURCES];
	int			 nsrc;
	activity_cb		 cb;
	void			*cbarg;
	struct event		*cbtimer;	/* a folded callback is due */
	int64_t			 last;		/* max seen, wall ms */
	int64_t			 reported;	/* last at the latest callback */
	int64_t			 cb_mono;	/* when it ran, monotonic ms */
	int			 cb_ran;
	double			 job_load;
} activity;

static const struct act_ops *activity_table[] = {
	&act_input_ops,
	&act_utmp_ops,
#ifdef HAVE_X11
	&act_x11_ops,
#endif
	&act_load_ops,
	&act_file_ops,
};

/* Sources this build knows by name but lacks. */
static const char *activity_missing[] = {
#ifndef HAVE_X11
	"x11",
#endif
	NULL
};

static const struct act_ops *
activity_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof activity_table / sizeof activity_table[0]; i++)
		if (strcmp(activity_table[i]->name, name) == 0)
			return activity_table[i];
	return NULL;
}

static int
activity_is_missing(const char *name)
{
	size_t	i;

	for (i = 0; activity_missing[i] != NULL; i++)
		if (strcmp(activity_missing[i], name) == 0)
			return 1;
	return 0;
}

/* Take the max over the running sources into activity.last. */
static void
activity_update(void)
{
	int64_t	t;
	int	i;

	for (i = 0; i < activity.nsrc; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->state == NULL || s->ops->last == NULL)
			continue;
		t = s->ops->last(s->state);
		if (t > activity.last)
			activity.last = t;
	}
}

static void
activity_report(void)
{
	activity.reported = activity.last;
	activity.cb_mono = clock_mono_ms();
	activity.cb_ran = 1;
	if (activity.cb != NULL)
		activity.cb(activity.cbarg);
}

static void
activity_cbtimer(evutil_socket_t fd, short what, void *arg)
{
	if (activity.last > activity.reported)
		activity_report();
}

/* An event-driven source saw something: tell the agent, or fold it. */
static void
activity_changed(void *arg)
{
	struct timeval	tv;
	int64_t		since;

	activity_update();
	if (activity.last <= activity.reported)
		return;
	since = clock_mono_ms() - activity.cb_mono;
	/*
	 * A quiet spell is a gap in the activity itself, not only since the
	 * last callback: a callback that was itself folded (late) must not
	 * make the next first touch after a second of quiet wait too.
	 */
	if (!activity.cb_ran || since >= ACTIVITY_CB_GAP_MS || since < 0 ||
	    activity.last - activity.reported >= ACTIVITY_CB_GAP_MS) {
		if (activity.cbtimer != NULL)
			evtimer_del(activity.cbtimer);
		activity_report();
		return;
	}
	if (activity.cbtimer == NULL || evtimer_pending(activity.cbtimer, NULL))
		return;
	since = ACTIVITY_CB_GAP_MS - since;
	tv.tv_sec = since / 1000;
	tv.tv_usec = (since % 1000) * 1000;
	evtimer_add(activity.cbtimer, &tv);
}

/* Split one comma-free item into a source; 0, or -1 with ERR. */
static int
activity_parse_item(char *item, struct activity_source *out,
    char *err, size_t errlen)
{
	const struct act_ops	*ops;
	char			*arg, q[128];

	arg = strchr(item, ':');
	if (arg != NULL)
		*arg++ = '\0';
	if (*item == '\0') {
		snprintf(err, errlen, "activity: empty source name");
		return -1;
	}
	ops = activity_find(item);
	if (ops == NULL && !activity_is_missing(item)) {
		snprintf(err, errlen, "activity: unknown source '%s'",
		    log_escape(q, sizeof q, item, strlen(item)));
		return -1;
	}
	if (arg != NULL && *arg == '\0') {
		snprintf(err, errlen, "activity: %s: empty argument", item);
		return -1;
	}
	if (ops != NULL && ops->argmode == ACT_ARG_REQUIRED && arg == NULL) {
		snprintf(err, errlen, "activity: %s needs an argument (%s:...)",
		    item, item);
		return -1;
	}
	out->ops = ops;
	out->state = NULL;
	if (ops == NULL)	/* known, not built in: keep the name to log */
		out->arg = xstrdup(item);
	else
		out->arg = arg != NULL ? xstrdup(arg) : NULL;
	return 0;
}

static void
activity_free_sources(struct activity_source *src, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (src[i].state != NULL)
			src[i].ops->stop(src[i].state);
		free(src[i].arg);
		memset(&src[i], 0, sizeof src[i]);
	}
}

static int
activity_same(const struct activity_source *a, const struct activity_source *b)
{
	if (a->ops != b->ops)
		return 0;
	if (a->arg == NULL || b->arg == NULL)
		return a->arg == b->arg;
	return strcmp(a->arg, b->arg) == 0;
}

/* Parse SPEC into SRC (at most ACTIVITY_MAX_SOURCES); 0, or -1 with ERR. */
static int
activity_parse(const char *spec, struct activity_source *src, int *np,
    char *err, size_t errlen)
{
	char	*copy, *item, *next, *end;
	int	 n = 0, i;
	size_t	 len;

	*np = 0;
	len = strnlen(spec, ACTIVITY_SPEC_MAX + 1);
	if (len > ACTIVITY_SPEC_MAX) {
		snprintf(err, errlen, "activity: spec longer than %d bytes",
		    ACTIVITY_SPEC_MAX);
		return -1;
	}
	if (strspn(spec, " \t") == len)
		return 0;		/* the empty spec: no source */
	copy = xstrndup(spec, len);
	for (item = copy; item != NULL; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		while (*item == ' ' || *item == '\t')
			item++;
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (n == ACTIVITY_MAX_SOURCES) {
			snprintf(err, errlen, "activity: more than %d sources",
			    ACTIVITY_MAX_SOURCES);
			goto fail;
		}
		if (activity_parse_item(item, &src[n], err, errlen) == -1)
			goto fail;
		for (i = 0; i < n; i++) {
			if (activity_same(&src[i], &src[n])) {
				snprintf(err, errlen,
				    "activity: source %s listed twice",
				    src[n].ops != NULL ? src[n].ops->name :
				    src[n].arg);
				n++;
				goto fail;
			}
		}
		n++;
	}
	free(copy);
	*np = n;
	return 0;
fail:
	free(copy);
	activity_free_sources(src, n);
	return -1;
}

/* Start the sources named in SPEC (activity.h); replaces earlier ones. */
int
activity_init(struct event_base *base, const char *spec, activity_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct activity_source	 src[ACTIVITY_MAX_SOURCES];
	int			 n, i, r;

	memset(src, 0, sizeof src);
	if (activity_parse(spec != NULL ? spec : "", src, &n, err,
	    errlen) == -1)
		return -1;
	activity_shutdown();
	memcpy(activity.src, src, sizeof src);
	activity.nsrc = n;
	activity.cb = cb;
	activity.cbarg = arg;
	activity.cbtimer = evtimer_new(base, activity_cbtimer, NULL);
	if (activity.cbtimer == NULL)
		fatalx("activity: evtimer_new failed");
	for (i = 0; i < n; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->ops == NULL) {
			log_warnx("activity: %s: not built in, skipped",
			    s->arg);
			continue;
		}
		r = s->ops->start(base, s->arg, activity_changed, NULL,
		    &s->state, err, errlen);
		if (r == -1) {
			s->state = NULL;
			activity_shutdown();
			return -1;
		}
		if (r == ACT_UNAVAILABLE)
			s->state = NULL;
		else if (s->state != NULL && s->ops->set_job_load != NULL)
			s->ops->set_job_load(s->state, activity.job_load);
	}
	activity_update();
	activity.reported = activity.last;
	log_info("activity: %d of %d source%s active", activity_nsources(),
	    n, n == 1 ? "" : "s");
	return 0;
}

/* Stop every source; the owner is no longer seen.  The job load stays. */
void
activity_shutdown(void)
{
	double	job_load = activity.job_load;

	activity_free_sources(activity.src, activity.nsrc);
	if (activity.cbtimer != NULL)
		event_free(activity.cbtimer);
	memset(&activity, 0, sizeof activity);
	activity.job_load = job_load;
}

/* Sample the polled sources. */
void
activity_poll(int64_t now_ms)
{
	int	i;

	for (i = 0; i < activity.nsrc; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->state != NULL && s->ops->poll != NULL)
			s->ops->poll(s->state, now_ms);
	}
	activity_update();
}

/* Latest owner activity, wall ms; 0 if none. */
int64_t
activity_last(void)
{
	activity_update();
	return activity.last;
}

/* The owner's share of the load average (the `load` source). */
double
activity_owner_load(void)
{
	double	load = 0;
	int	i;

	for (i = 0; i < activity.nsrc; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->state != NULL && s->ops->owner_load != NULL &&
		    s->ops->owner_load(s->state) > load)
			load = s->ops->owner_load(s->state);
	}
	return load;
}

/*
 * The load not caused by our jobs, for `cq status`: the `load` source's
 * damped figure when it runs, else the 1-minute load average minus our
 * jobs' load now.  -1 if the load average cannot be read.
 */
double
activity_load(void)
{
	double	avg[1];
	int	i;

	for (i = 0; i < activity.nsrc; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->state != NULL && s->ops->owner_load != NULL)
			return s->ops->owner_load(s->state);
	}
	if (getloadavg(avg, 1) != 1)
		return -1;
	return avg[0] > activity.job_load ? avg[0] - activity.job_load : 0;
}

/* Our jobs' load now; passed to the `load` source. */
void
activity_set_job_load(double load)
{
	int	i;

	if (!(load >= 0))	/* also NaN */
		load = 0;
	activity.job_load = load;
	for (i = 0; i < activity.nsrc; i++) {
		struct activity_source	*s = &activity.src[i];

		if (s->state != NULL && s->ops->set_job_load != NULL)
			s->ops->set_job_load(s->state, load);
	}
}

/* How many sources are running. */
int
activity_nsources(void)
{
	int	i, n = 0;

	for (i = 0; i < activity.nsrc; i++)
		if (activity.src[i].state != NULL)
			n++;
	return n;
}

int
activity_input_dir(const char *spec, char *dir, size_t len)
{
	struct activity_source	 src[ACTIVITY_MAX_SOURCES];
	char			 err[256];
	int			 n, i, found = 0;

	memset(src, 0, sizeof src);
	if (activity_parse(spec != NULL ? spec : "", src, &n, err,
	    sizeof err) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (src[i].ops == &act_input_ops) {
			strlcpy(dir, src[i].arg != NULL ? src[i].arg :
			    ACT_INPUT_DIR, len);
			found = 1;
		}
	activity_free_sources(src, n);
	return found;
}
