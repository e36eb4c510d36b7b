/*
 * act-x11.c: the `x11[:DISPLAY]` activity source (built only with libX11
 * and libXext): the X server's own idle time, the IDLETIME system counter
 * of the SYNC extension, without polling.  Two alarms are kept armed on
 * that counter: "back" fires when IDLETIME drops to ACT_X11_ACTIVE_MS or
 * below (a negative transition: any key or pointer event resets it to 0),
 * "quiet" fires when it rises to ACT_X11_ACTIVE_MS (the owner has stopped
 * for that long).  Between the two the owner counts as active, and a poll
 * advances last() to now - ACT_X11_ACTIVE_MS, so continuous typing, which
 * fires no alarm, still keeps last() fresh.  Each alarm carries the
 * counter value, so last() = now - IDLETIME at the alarm.  The connection
 * fd is a libevent read event; on readiness XPending/XNextEvent drain at
 * most ACT_X11_EVENTS events.  Xlib's error handlers would exit the
 * process: they are replaced so a protocol error is logged and a lost
 * connection marks the source lost; a lost display is reopened from
 * poll() every ACT_X11_RETRY_MS (a local display manager restarts the
 * server at each login).  XOpenDisplay() blocks while connecting, which is
 * brief for a local server and happens only at start and on those
 * retries.  The display must accept us: $XAUTHORITY or `xhost
 * +si:localuser:root` when the agent runs as root.  Started by activity.c.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>
#include <X11/extensions/sync.h>

#include <event2/event.h>

#include "act.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define ACT_X11_ACTIVE_MS	1000	/* idle below this: owner at it */
#define ACT_X11_EVENTS		64	/* X events per wakeup */
#define ACT_X11_RETRY_MS	30000	/* reopen a lost display */

struct act_x11 {
	struct event_base	*base;
	char			*name;		/* display name */
	Display			*dpy;		/* NULL: not connected */
	struct event		*ev;
	int			 lost;		/* I/O error: close, retry */
	int			 sync_event;	/* SYNC's first event code */
	XSyncCounter		 idletime;
	XSyncAlarm		 back;
	XSyncAlarm		 quiet;
	int			 active;	/* between "back" and "quiet" */
	int64_t			 last;
	int64_t			 retry_ms;	/* next reconnect, wall ms */
	act_changed_cb		 changed;
	void			*changed_arg;
};

static int
act_x11_xerror(Display *dpy, XErrorEvent *e)
{
	char	text[128];

	XGetErrorText(dpy, e->error_code, text, sizeof text);
	log_warnx("activity: x11 %s: %s (request %u.%u)", DisplayString(dpy),
	    text, e->request_code, e->minor_code);
	return 0;
}

static int
act_x11_xioerror(Display *dpy)
{
	log_warnx("activity: x11 %s: connection lost", DisplayString(dpy));
	return 0;
}

/* Instead of exit(): mark the display lost; the caller closes it. */
static void
act_x11_xioexit(Display *dpy, void *arg)
{
	((struct act_x11 *)arg)->lost = 1;
}

static int64_t
act_x11_value(XSyncValue v)
{
	uint64_t	u;

	u = (uint64_t)(uint32_t)XSyncValueHigh32(v) << 32 |
	    XSyncValueLow32(v);
	return (int64_t)u;
}

/* Create or re-arm an alarm on IDLETIME. */
static XSyncAlarm
act_x11_alarm(struct act_x11 *ax, XSyncAlarm alarm, XSyncTestType test)
{
	XSyncAlarmAttributes	attr;
	unsigned long		flags;

	flags = XSyncCACounter | XSyncCAValueType | XSyncCATestType |
	    XSyncCAValue | XSyncCADelta | XSyncCAEvents;
	memset(&attr, 0, sizeof attr);
	attr.trigger.counter = ax->idletime;
	attr.trigger.value_type = XSyncAbsolute;
	attr.trigger.test_type = test;
	XSyncIntToValue(&attr.trigger.wait_value, ACT_X11_ACTIVE_MS);
	XSyncIntToValue(&attr.delta, 0);
	attr.events = True;
	if (alarm == None)
		return XSyncCreateAlarm(ax->dpy, flags, &attr);
	XSyncChangeAlarm(ax->dpy, alarm, flags, &attr);
	return alarm;
}

static void
act_x11_close(struct act_x11 *ax)
{
	if (ax->ev != NULL)
		event_free(ax->ev);
	ax->ev = NULL;
	if (ax->dpy != NULL) {
		if (!ax->lost) {
			if (ax->back != None)
				XSyncDestroyAlarm(ax->dpy, ax->back);
			if (ax->quiet != None)
				XSyncDestroyAlarm(ax->dpy, ax->quiet);
		}
		XCloseDisplay(ax->dpy);	/* sends nothing once lost */
	}
	ax->dpy = NULL;
	ax->back = ax->quiet = None;
	ax->active = 0;
	ax->lost = 0;
}

/* One alarm: date the latest input; 1 if it says the owner is back. */
static int
act_x11_alarm_event(struct act_x11 *ax, const XSyncAlarmNotifyEvent *ae)
{
	int64_t	idle, t;

	idle = act_x11_value(ae->counter_value);
	if (idle < 0)
		idle = 0;
	t = clock_now_ms() - idle;
	if (ae->alarm == ax->back) {
		ax->active = 1;
		act_x11_alarm(ax, ax->back, XSyncNegativeTransition);
	} else if (ae->alarm == ax->quiet) {
		ax->active = 0;
		act_x11_alarm(ax, ax->quiet, XSyncPositiveTransition);
	} else
		return 0;
	if (t <= ax->last)
		return 0;
	ax->last = t;
	/* Going quiet only dates the last input more exactly: no news. */
	return ae->alarm == ax->back;
}

static void
act_x11_read(evutil_socket_t fd, short what, void *arg)
{
	struct act_x11	*ax = arg;
	XEvent		 xe;
	int		 n = 0, seen = 0;

	while (!ax->lost && n < ACT_X11_EVENTS && XPending(ax->dpy) > 0) {
		XNextEvent(ax->dpy, &xe);
		n++;
		if (xe.type == ax->sync_event + XSyncAlarmNotify)
			seen |= act_x11_alarm_event(ax,
			    (XSyncAlarmNotifyEvent *)&xe);
	}
	if (!ax->lost)
		XFlush(ax->dpy);	/* the re-armed alarms */
	if (ax->lost) {
		act_x11_close(ax);
		ax->retry_ms = clock_now_ms() + ACT_X11_RETRY_MS;
		log_warnx("activity: x11 %s: lost, retrying every %d s",
		    ax->name, ACT_X11_RETRY_MS / 1000);
	} else if (XQLength(ax->dpy) > 0)
		event_active(ax->ev, EV_READ, 0);	/* read while flushing */
	if (seen)
		ax->changed(ax->changed_arg);
}

/* Find IDLETIME; None if the server lacks it. */
static XSyncCounter
act_x11_idletime(Display *dpy)
{
	XSyncSystemCounter	*sc;
	XSyncCounter		 c = None;
	int			 n, i;

	sc = XSyncListSystemCounters(dpy, &n);
	if (sc == NULL)
		return None;
	for (i = 0; i < n; i++)
		if (strcmp(sc[i].name, "IDLETIME") == 0)
			c = sc[i].counter;
	XSyncFreeSystemCounterList(sc);
	return c;
}

/* Connect and arm the alarms; 0, or -1 (logged, closed). */
static int
act_x11_open(struct act_x11 *ax)
{
	XSyncValue	v;
	int		evb, errb, major, minor;
	int64_t		idle;

	XSetErrorHandler(act_x11_xerror);
	XSetIOErrorHandler(act_x11_xioerror);
	ax->dpy = XOpenDisplay(ax->name);
	if (ax->dpy == NULL) {
		log_warnx("activity: x11 %s: cannot open the display",
		    ax->name);
		return -1;
	}
	XSetIOErrorExitHandler(ax->dpy, act_x11_xioexit, ax);
	fcntl(ConnectionNumber(ax->dpy), F_SETFD, FD_CLOEXEC);
	if (!XSyncQueryExtension(ax->dpy, &evb, &errb) ||
	    !XSyncInitialize(ax->dpy, &major, &minor)) {
		log_warnx("activity: x11 %s: no SYNC extension", ax->name);
		goto fail;
	}
	ax->sync_event = evb;
	ax->idletime = act_x11_idletime(ax->dpy);
	if (ax->idletime == None || !XSyncQueryCounter(ax->dpy, ax->idletime,
	    &v)) {
		log_warnx("activity: x11 %s: no IDLETIME counter", ax->name);
		goto fail;
	}
	idle = act_x11_value(v);
	if (idle >= 0 && clock_now_ms() - idle > ax->last)
		ax->last = clock_now_ms() - idle;
	ax->active = idle < ACT_X11_ACTIVE_MS;
	ax->back = act_x11_alarm(ax, None, XSyncNegativeTransition);
	ax->quiet = act_x11_alarm(ax, None, XSyncPositiveTransition);
	XFlush(ax->dpy);
	if (ax->lost)
		goto fail;
	ax->ev = event_new(ax->base, ConnectionNumber(ax->dpy),
	    EV_READ | EV_PERSIST, act_x11_read, ax);
	if (ax->ev == NULL || event_add(ax->ev, NULL) == -1)
		fatalx("activity: x11: cannot add the display event");
	event_active(ax->ev, EV_READ, 0);	/* events Xlib has queued */
	log_info("activity: x11 %s: watching IDLETIME (idle %lld ms)",
	    ax->name, (long long)idle);
	return 0;
fail:
	act_x11_close(ax);
	return -1;
}

static void
act_x11_poll(void *state, int64_t now_ms)
{
	struct act_x11	*ax = state;

	if (ax->dpy == NULL) {
		if (now_ms < ax->retry_ms)
			return;
		ax->retry_ms = now_ms + ACT_X11_RETRY_MS;
		if (act_x11_open(ax) == 0)
			log_info("activity: x11 %s: reconnected", ax->name);
		return;
	}
	if (ax->active && now_ms - ACT_X11_ACTIVE_MS > ax->last)
		ax->last = now_ms - ACT_X11_ACTIVE_MS;
}

static void
act_x11_stop(void *state)
{
	struct act_x11	*ax = state;

	if (ax == NULL)
		return;
	act_x11_close(ax);
	free(ax->name);
	free(ax);
}

static int
act_x11_start(struct event_base *base, const char *arg,
    act_changed_cb changed, void *changed_arg, void **statep,
    char *err, size_t errlen)
{
	struct act_x11	*ax;
	const char	*name = arg;

	*statep = NULL;
	if (name == NULL)
		name = getenv("DISPLAY");
	if (name == NULL || *name == '\0') {
		log_warnx("activity: x11: no display named and no $DISPLAY, "
		    "skipped");
		return ACT_UNAVAILABLE;
	}
	ax = xcalloc(1, sizeof *ax);
	ax->base = base;
	ax->name = xstrdup(name);
	ax->back = ax->quiet = None;
	ax->changed = changed;
	ax->changed_arg = changed_arg;
	if (act_x11_open(ax) == -1) {
		log_warnx("activity: x11 %s: skipped", ax->name);
		act_x11_stop(ax);
		return ACT_UNAVAILABLE;
	}
	*statep = ax;
	return 0;
}

static int64_t
act_x11_last(void *state)
{
	return ((struct act_x11 *)state)->last;
}

/* The `x11[:DISPLAY]` source, for activity.c. */
const struct act_ops act_x11_ops = {
	.name = "x11",
	.argmode = ACT_ARG_OPTIONAL,
	.start = act_x11_start,
	.poll = act_x11_poll,
	.last = act_x11_last,
	.stop = act_x11_stop,
};
