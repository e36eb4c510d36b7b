/*
 * act-input.c: the `input[:DIR]` activity source: every evdev device in
 * /dev/input (DIR, for tests) named event*, opened read-only and
 * non-blocking and read from the loop.  A key, relative (mouse) or
 * absolute (touchpad, tablet) event is owner activity; synchronisation
 * and miscellaneous events alone are not, and accelerometers (which
 * report EV_ABS all the time) are not opened.  Devices come and go: an
 * inotify watch on DIR opens new ones (IN_CREATE, and IN_ATTRIB for when
 * udev fixes permissions after creation) and a read error, EOF or
 * IN_DELETE drops one.  The parsing of event records is pure
 * (act_input_parse) and keeps a partial trailing record for the next
 * read.  Needs root (or the input group): in the agent the devices are
 * opened by its root parent and passed down (act_input_set_opener());
 * without DIR (no /dev/input on this machine) the source is logged and
 * skipped.  Bounded: at most
 * ACT_INPUT_MAX_DEVS devices and ACT_INPUT_READS reads per wakeup.
 * Started by activity.c.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/input.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "act.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define ACT_INPUT_MAX_DEVS	64
#define ACT_INPUT_NAME_MAX	32	/* "event" and digits */
#define ACT_INPUT_RECS		64	/* records per read() */
#define ACT_INPUT_READS		4	/* reads per device per wakeup */
#define ACT_INPUT_SKEW_MS	60000	/* event times further off: use now */

#ifndef input_event_sec
#define input_event_sec		time.tv_sec
#define input_event_usec	time.tv_usec
#endif

struct act_input;

struct act_input_dev {
	struct act_input	*in;
	char			 name[ACT_INPUT_NAME_MAX];
	int			 fd;
	dev_t			 rdev;
	ino_t			 ino;
	int			 realtime;	/* event times are wall times */
	struct event		*ev;
	size_t			 have;		/* bytes of a partial record */
	unsigned char		 buf[ACT_INPUT_RECS *
				    sizeof(struct input_event)];
};

struct act_input {
	struct event_base	*base;
	char			*dir;
	int			 fd;		/* inotify on dir */
	struct event		*ev;
	struct act_input_dev	*dev[ACT_INPUT_MAX_DEVS];
	int64_t			 last;
	act_changed_cb		 changed;
	void			*changed_arg;
};

/* Owner activity in recorded input events (act.h). */
int
act_input_parse(const void *buf, size_t len, size_t *usedp, int64_t *whenp)
{
	const unsigned char	*p = buf;
	struct input_event	 ie;
	size_t			 off;
	int			 found = 0;
	int64_t			 t;

	for (off = 0; off + sizeof ie <= len; off += sizeof ie) {
		memcpy(&ie, p + off, sizeof ie);	/* BUF may be unaligned */
		if (ie.type != EV_KEY && ie.type != EV_REL &&
		    ie.type != EV_ABS)
			continue;
		t = (int64_t)ie.input_event_sec * 1000 +
		    (int64_t)ie.input_event_usec / 1000;
		if (!found || t > *whenp)
			*whenp = t;
		found = 1;
	}
	*usedp = off;
	return found;
}

static int
act_input_is_event_name(const char *name)
{
	size_t	i;

	if (strncmp(name, "event", 5) != 0 || name[5] == '\0' ||
	    strlen(name) >= ACT_INPUT_NAME_MAX)
		return 0;
	for (i = 5; name[i] != '\0'; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

static void
act_input_drop(struct act_input *in, int slot, const char *why)
{
	struct act_input_dev	*d = in->dev[slot];

	log_info("activity: input %s/%s: dropped (%s)", in->dir, d->name, why);
	event_free(d->ev);
	close(d->fd);
	free(d);
	in->dev[slot] = NULL;
}

static int
act_input_find(struct act_input *in, const char *name)
{
	int	i;

	for (i = 0; i < ACT_INPUT_MAX_DEVS; i++)
		if (in->dev[i] != NULL && strcmp(in->dev[i]->name, name) == 0)
			return i;
	return -1;
}

/* 1 if the device is an accelerometer (moves with the desk, not owner). */
static int
act_input_is_accel(int fd)
{
	unsigned char	props[INPUT_PROP_CNT / 8 + 1];

	memset(props, 0, sizeof props);
	if (ioctl(fd, EVIOCGPROP(sizeof props), props) < 0)
		return 0;
	return (props[INPUT_PROP_ACCELEROMETER / 8] >>
	    (INPUT_PROP_ACCELEROMETER % 8)) & 1;
}

static void
act_input_read(evutil_socket_t fd, short what, void *arg)
{
	struct act_input_dev	*d = arg;
	struct act_input	*in = d->in;
	ssize_t			 n;
	size_t			 used;
	int64_t			 when, now;
	int			 i, slot, seen = 0;

	for (i = 0; i < ACT_INPUT_READS; i++) {
		n = read(fd, d->buf + d->have, sizeof d->buf - d->have);
		if (n == -1 && (errno == EINTR))
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			for (slot = 0; in->dev[slot] != d; slot++)
				;	/* D is in the table */
			act_input_drop(in, slot, n == 0 ? "end of file" :
			    strerror(errno));
			break;		/* D is gone */
		}
		d->have += (size_t)n;
		if (act_input_parse(d->buf, d->have, &used, &when)) {
			now = clock_now_ms();
			if (!d->realtime || when > now ||
			    when < now - ACT_INPUT_SKEW_MS)
				when = now;
			if (when > in->last) {
				in->last = when;
				seen = 1;
			}
		}
		memmove(d->buf, d->buf + used, d->have - used);
		d->have -= used;
	}
	if (seen)
		in->changed(in->changed_arg);
}

static act_input_opener	 act_input_opener_fn;
static struct act_input	*act_input_live;	/* the running source */

void
act_input_set_opener(act_input_opener fn)
{
	act_input_opener_fn = fn;
}

/* Start watching DIR/NAME on FD (taken); 0, or -1 if not a device we want. */
static int
act_input_add(struct act_input *in, const char *name, int fd)
{
	struct act_input_dev	*d;
	struct stat		 sb;
	int			 slot, clk = CLOCK_REALTIME;

	if (fstat(fd, &sb) == -1 || act_input_is_accel(fd)) {
		close(fd);
		return -1;
	}
	if ((slot = act_input_find(in, name)) != -1) {
		if (sb.st_rdev == in->dev[slot]->rdev &&
		    sb.st_ino == in->dev[slot]->ino) {
			close(fd);	/* asked twice: open already */
			return -1;
		}
		act_input_drop(in, slot, "replaced");
	}
	for (slot = 0; slot < ACT_INPUT_MAX_DEVS; slot++)
		if (in->dev[slot] == NULL)
			break;
	if (slot == ACT_INPUT_MAX_DEVS) {
		log_warnx("activity: input %s/%s: more than %d devices, "
		    "ignored", in->dir, name, ACT_INPUT_MAX_DEVS);
		close(fd);
		return -1;
	}
	d = xcalloc(1, sizeof *d);
	d->in = in;
	strlcpy(d->name, name, sizeof d->name);
	d->fd = fd;
	d->rdev = sb.st_rdev;
	d->ino = sb.st_ino;
	d->realtime = ioctl(fd, EVIOCSCLOCKID, &clk) == 0;
	d->ev = event_new(in->base, fd, EV_READ | EV_PERSIST, act_input_read,
	    d);
	if (d->ev == NULL || event_add(d->ev, NULL) == -1)
		fatalx("activity: input: cannot add a device event");
	in->dev[slot] = d;
	log_info("activity: input %s/%s: watching", in->dir, name);
	return 0;
}

void
act_input_opened(const char *dir, const char *name, int fd)
{
	struct act_input	*in = act_input_live;

	if (in == NULL || strcmp(in->dir, dir) != 0 ||
	    !act_input_is_event_name(name)) {
		if (fd != -1)
			close(fd);
		return;		/* stopped meanwhile */
	}
	if (fd != -1)
		(void)act_input_add(in, name, fd);
}

/* Open DIR/NAME if it is a new device (perhaps later: the opener). */
static void
act_input_open(struct act_input *in, const char *name)
{
	struct stat		 sb;
	char			 path[PATH_MAX];
	int			 fd, slot;

	if (!act_input_is_event_name(name))
		return;
	if (snprintf(path, sizeof path, "%s/%s", in->dir, name) >=
	    (int)sizeof path)
		return;
	slot = act_input_find(in, name);
	/* The same name may be a new device whose EOF is pending. */
	if (slot != -1 && (stat(path, &sb) == -1 ||
	    (sb.st_rdev == in->dev[slot]->rdev &&
	    sb.st_ino == in->dev[slot]->ino)))
		return;
	if (act_input_opener_fn != NULL) {
		act_input_opener_fn(in->dir, name);
		return;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno != ENOENT)
			log_warn("activity: input %s", path);
		return;
	}
	(void)act_input_add(in, name, fd);
}

/* Open every device in DIR not open yet. */
static void
act_input_scan(struct act_input *in)
{
	struct dirent	*de;
	DIR		*dp;

	if ((dp = opendir(in->dir)) == NULL) {
		log_warn("activity: input: %s", in->dir);
		return;
	}
	while ((de = readdir(dp)) != NULL)
		act_input_open(in, de->d_name);
	closedir(dp);
}

static void
act_input_hotplug(evutil_socket_t fd, short what, void *arg)
{
	struct act_input		*in = arg;
	alignas(struct inotify_event) char buf[4096];
	const struct inotify_event	*ie;
	ssize_t				 n;
	size_t				 off;
	int				 i, slot, rescan = 0;

	for (i = 0; i < ACT_INPUT_READS; i++) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (off = 0; off + sizeof *ie <= (size_t)n;
		    off += sizeof *ie + ie->len) {
			ie = (const struct inotify_event *)(buf + off);
			if (ie->mask & IN_Q_OVERFLOW)
				rescan = 1;	/* events were lost */
			if (off + sizeof *ie + ie->len > (size_t)n ||
			    ie->len == 0)
				continue;
			if (ie->mask & IN_DELETE) {
				slot = act_input_find(in, ie->name);
				if (slot != -1)
					act_input_drop(in, slot, "removed");
			} else
				act_input_open(in, ie->name);
		}
	}
	if (rescan)
		act_input_scan(in);
}

static void
act_input_stop(void *state)
{
	struct act_input	*in = state;
	int			 i;

	if (in == NULL)
		return;
	if (act_input_live == in)
		act_input_live = NULL;
	for (i = 0; i < ACT_INPUT_MAX_DEVS; i++) {
		if (in->dev[i] == NULL)
			continue;
		event_free(in->dev[i]->ev);
		close(in->dev[i]->fd);
		free(in->dev[i]);
	}
	if (in->ev != NULL)
		event_free(in->ev);
	if (in->fd != -1)
		close(in->fd);
	free(in->dir);
	free(in);
}

static int
act_input_start(struct event_base *base, const char *arg,
    act_changed_cb changed, void *changed_arg, void **statep,
    char *err, size_t errlen)
{
	struct act_input	*in;
	int			 ndev = 0, i;

	*statep = NULL;
	in = xcalloc(1, sizeof *in);
	in->base = base;
	in->fd = -1;
	in->dir = xstrdup(arg != NULL ? arg : ACT_INPUT_DIR);
	in->changed = changed;
	in->changed_arg = changed_arg;

	in->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in->fd == -1) {
		log_warn("activity: input: inotify_init1, skipped");
		goto unavailable;
	}
	if (inotify_add_watch(in->fd, in->dir, IN_CREATE | IN_ATTRIB |
	    IN_MOVED_TO | IN_DELETE | IN_ONLYDIR) == -1) {
		if (errno == ENOENT)
			log_info("activity: input: no %s on this machine, "
			    "skipped", in->dir);
		else
			log_warn("activity: input: cannot watch %s, skipped",
			    in->dir);
		goto unavailable;
	}
	in->ev = event_new(base, in->fd, EV_READ | EV_PERSIST,
	    act_input_hotplug, in);
	if (in->ev == NULL || event_add(in->ev, NULL) == -1)
		fatalx("activity: input: cannot add the inotify event");
	act_input_live = in;
	act_input_scan(in);
	for (i = 0; i < ACT_INPUT_MAX_DEVS; i++)
		if (in->dev[i] != NULL)
			ndev++;
	log_info("activity: input %s: %d device%s", in->dir, ndev,
	    ndev == 1 ? "" : "s");
	*statep = in;
	return 0;
unavailable:
	act_input_stop(in);
	return ACT_UNAVAILABLE;
}

static int64_t
act_input_last(void *state)
{
	return ((struct act_input *)state)->last;
}

/* The `input[:DIR]` source, for activity.c. */
const struct act_ops act_input_ops = {
	.name = "input",
	.argmode = ACT_ARG_OPTIONAL,
	.start = act_input_start,
	.poll = NULL,
	.last = act_input_last,
	.stop = act_input_stop,
};
