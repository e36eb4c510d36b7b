/*
 * act-file.c: the `file:PATH` activity source, for tests and for sites
 * with their own detector: the owner's latest activity is PATH's mtime
 * (nanoseconds, kept as ms).  Event-driven: an inotify descriptor in the
 * loop watches the file (attribute change, write, close after write) and
 * its directory (a file created or renamed into place under PATH's name),
 * so `touch PATH` is seen within milliseconds, and so is a file that
 * appears only after start-up or that a detector replaces by rename().
 * Invariants: the file watch follows the inode now at PATH (the old one is
 * dropped when a new one arrives); last() is PATH's mtime as of the latest
 * event, or 0 while PATH has never existed.  Started by activity.c.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "act.h"
#include "log.h"
#include "xmalloc.h"

#define ACT_FILE_BUF		4096	/* bytes of inotify events per read */
#define ACT_FILE_READS		8	/* reads per wakeup, then yield */
#define ACT_FILE_MASK		(IN_ATTRIB | IN_MODIFY | IN_CLOSE_WRITE | \
				    IN_DELETE_SELF | IN_MOVE_SELF)
#define ACT_FILE_DIR_MASK	(IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | \
				    IN_MOVE_SELF | IN_ONLYDIR)

struct act_file {
	char		*path;
	char		*dir;
	char		*name;		/* last component of path */
	int		 fd;		/* inotify */
	int		 wd_dir;
	int		 wd_file;	/* -1: no file being watched */
	struct event	*ev;
	int64_t		 last;		/* mtime, wall ms; 0: none */
	act_changed_cb	 changed;
	void		*changed_arg;
};

/* Watch the inode now at PATH (if any), dropping the previous one. */
static void
act_file_watch(struct act_file *af)
{
	int	wd;

	wd = inotify_add_watch(af->fd, af->path, ACT_FILE_MASK);
	if (wd == -1) {
		if (errno != ENOENT)
			log_warn("activity: file %s: inotify_add_watch",
			    af->path);
		return;
	}
	if (af->wd_file != -1 && af->wd_file != wd)
		inotify_rm_watch(af->fd, af->wd_file);
	af->wd_file = wd;
}

/* Re-read PATH's mtime; 1 if it changed. */
static int
act_file_stat(struct act_file *af)
{
	struct stat	sb;
	int64_t		t;

	if (stat(af->path, &sb) == -1)
		return 0;	/* gone: keep the last mtime seen */
	t = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
	if (t == af->last)
		return 0;
	af->last = t;
	return 1;
}

/* One inotify event; sets *REWATCH if PATH may name a new inode. */
static void
act_file_event(struct act_file *af, const struct inotify_event *ie,
    int *rewatch)
{
	if (ie->mask & IN_Q_OVERFLOW)
		*rewatch = 1;
	if (ie->wd == af->wd_dir) {
		if (ie->len > 0 && strcmp(ie->name, af->name) == 0)
			*rewatch = 1;	/* created or renamed here */
		if (ie->mask & (IN_IGNORED | IN_MOVE_SELF))
			log_warnx("activity: file %s: directory %s went "
			    "away, a new file will not be seen", af->path,
			    af->dir);
		if (ie->mask & IN_IGNORED)
			af->wd_dir = -1;
	}
	if (ie->wd == af->wd_file) {
		if (ie->mask & IN_MOVE_SELF) {	/* renamed away: let go */
			inotify_rm_watch(af->fd, af->wd_file);
			af->wd_file = -1;
			*rewatch = 1;
		}
		if (ie->mask & IN_IGNORED)
			af->wd_file = -1;
	}
}

static void
act_file_read(evutil_socket_t fd, short what, void *arg)
{
	struct act_file			*af = arg;
	alignas(struct inotify_event) char buf[ACT_FILE_BUF];
	const struct inotify_event	*ie;
	ssize_t				 n;
	size_t				 off;
	int				 i, rewatch = 0;

	for (i = 0; i < ACT_FILE_READS; i++) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == -1 && errno != EAGAIN)
				log_warn("activity: file %s: read inotify",
				    af->path);
			break;
		}
		for (off = 0; off + sizeof *ie <= (size_t)n;
		    off += sizeof *ie + ie->len) {
			ie = (const struct inotify_event *)(buf + off);
			if (off + sizeof *ie + ie->len > (size_t)n)
				break;		/* never: whole events only */
			act_file_event(af, ie, &rewatch);
		}
	}
	if (rewatch)
		act_file_watch(af);
	if (act_file_stat(af))
		af->changed(af->changed_arg);
}

static void
act_file_stop(void *state)
{
	struct act_file	*af = state;

	if (af == NULL)
		return;
	if (af->ev != NULL)
		event_free(af->ev);
	if (af->fd != -1)
		close(af->fd);
	free(af->path);
	free(af->dir);
	free(af->name);
	free(af);
}

static int
act_file_start(struct event_base *base, const char *arg,
    act_changed_cb changed, void *changed_arg, void **statep,
    char *err, size_t errlen)
{
	struct act_file	*af;
	const char	*slash;
	size_t		 len;

	*statep = NULL;
	len = strlen(arg);
	if (arg[0] != '/' || len >= PATH_MAX || arg[len - 1] == '/') {
		snprintf(err, errlen, "activity: file:%.64s: not an absolute "
		    "path to a file", arg);
		return -1;
	}
	af = xcalloc(1, sizeof *af);
	af->fd = af->wd_dir = af->wd_file = -1;
	af->changed = changed;
	af->changed_arg = changed_arg;
	af->path = xstrdup(arg);
	slash = strrchr(arg, '/');
	af->dir = slash == arg ? xstrdup("/") : xstrndup(arg, slash - arg);
	af->name = xstrdup(slash + 1);

	af->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (af->fd == -1) {
		log_warn("activity: file %s: inotify_init1, skipped", af->path);
		goto unavailable;
	}
	af->wd_dir = inotify_add_watch(af->fd, af->dir, ACT_FILE_DIR_MASK);
	if (af->wd_dir == -1) {
		log_warn("activity: file %s: cannot watch %s, skipped",
		    af->path, af->dir);
		goto unavailable;
	}
	act_file_watch(af);
	act_file_stat(af);
	af->ev = event_new(base, af->fd, EV_READ | EV_PERSIST, act_file_read,
	    af);
	if (af->ev == NULL || event_add(af->ev, NULL) == -1)
		fatalx("activity: file: cannot add the inotify event");
	log_info("activity: file %s: watching%s", af->path,
	    af->wd_file == -1 ? " (absent for now)" : "");
	*statep = af;
	return 0;
unavailable:
	act_file_stop(af);
	return ACT_UNAVAILABLE;
}

static int64_t
act_file_last(void *state)
{
	return ((struct act_file *)state)->last;
}

/* The `file:PATH` source, for activity.c. */
const struct act_ops act_file_ops = {
	.name = "file",
	.argmode = ACT_ARG_REQUIRED,
	.start = act_file_start,
	.poll = NULL,
	.last = act_file_last,
	.stop = act_file_stop,
};
