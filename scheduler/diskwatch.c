/*
 * diskwatch.c: the free space of the state directory's file system.
 * Every DISKWATCH_MS it is read (statvfs(3): what the scheduler's user
 * may use); below disk_margin_mb the scheduler warns in its log, once on
 * the way down and once on the way back, and in `cq status`.  While the
 * store is held (the disk refused a turn's changes, commit.c), each tick
 * asks commit_retry() to replay them.
 */
#include "config.h"

#include <sys/statvfs.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "clock.h"
#include "commit.h"
#include "diskwatch.h"
#include "log.h"
#include "schedd.h"
#include "store.h"

#define DISKWATCH_MS	1000

static struct {
	struct event	*ev;
	const char	*dir;
	int64_t		 margin;	/* bytes, 0: no warning */
	int64_t		 free;		/* bytes, -1: unknown */
	int		 low;
} dw = { NULL, NULL, 0, -1, 0 };

/* Read the free space again: what the scheduler's user may use. */
int64_t
diskwatch_free(void)
{
	struct statvfs	sv;
	uint64_t	blocks;

	if (dw.dir == NULL || statvfs(dw.dir, &sv) == -1)
		return dw.free = -1;
	/* Root may use the blocks kept for it. */
	blocks = geteuid() == 0 ? sv.f_bfree : sv.f_bavail;
	dw.free = (int64_t)(blocks * sv.f_frsize);
	return dw.free;
}

/* B bytes in the largest unit that keeps a digit before the point. */
void
diskwatch_size(char *buf, size_t len, int64_t b)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double	v = (double)b;
	int	u = -1;

	if (b < 0) {
		strlcpy(buf, "an unknown amount", len);
		return;
	}
	if (b < 1024) {
		snprintf(buf, len, "%lld B", (long long)b);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void
diskwatch_check(void)
{
	char	have[32], want[32];
	int	low;

	diskwatch_free();
	low = dw.free >= 0 && dw.free < dw.margin;
	diskwatch_size(have, sizeof have, dw.free);
	diskwatch_size(want, sizeof want, dw.margin);
	if (low && !dw.low)
		log_warnx("state_dir %s: %s free, below disk_margin_mb (%s): "
		    "once the disk is full the scheduler takes no new work "
		    "until space is freed", dw.dir, have, want);
	else if (!low && dw.low && dw.free >= 0)
		log_info("state_dir %s: %s free again (disk_margin_mb: %s)",
		    dw.dir, have, want);
	if (dw.free >= 0)
		dw.low = low;
}

static void
diskwatch_tick(evutil_socket_t fd, short ev, void *arg)
{
	diskwatch_check();
	if (commit_stalled())
		commit_retry();
}

/* Read DIR's free space now, then every DISKWATCH_MS. */
int
diskwatch_init(const char *dir, int64_t margin)
{
	struct timeval	tv = { DISKWATCH_MS / 1000, 0 };

	dw.dir = dir;
	dw.margin = margin;
	diskwatch_check();
	if (dw.free < 0)
		log_warn("state_dir %s: cannot read its free space", dir);
	dw.ev = event_new(sd->base, -1, EV_PERSIST, diskwatch_tick, NULL);
	if (dw.ev == NULL || event_add(dw.ev, &tv) == -1) {
		log_warnx("diskwatch: cannot add its timer");
		return -1;
	}
	return 0;
}

/* Stop the timer. */
void
diskwatch_shutdown(void)
{
	if (dw.ev != NULL)
		event_free(dw.ev);
	dw.ev = NULL;
}

/* The pool row's disk object; warning is the sentence cq status prints. */
struct json_object *
diskwatch_json(void)
{
	struct json_object	*o = json_object_new_object();
	const char		*why = commit_stall_why();
	char			 have[32], want[32], text[320];
	int64_t			 since;

	diskwatch_check();
	json_object_object_add(o, "state_dir", json_object_new_string(
	    dw.dir != NULL ? dw.dir : ""));
	json_object_object_add(o, "free_bytes", dw.free >= 0 ?
	    json_object_new_int64(dw.free) : NULL);
	json_object_object_add(o, "margin_bytes",
	    json_object_new_int64(dw.margin));
	json_object_object_add(o, "low", json_object_new_boolean(dw.low));
	json_object_object_add(o, "stalled",
	    json_object_new_boolean(why != NULL));
	json_object_object_add(o, "held_changes", json_object_new_int64(
	    (int64_t)store_held_count(sd->store)));
	diskwatch_size(have, sizeof have, dw.free);
	diskwatch_size(want, sizeof want, dw.margin);
	text[0] = '\0';
	if (why != NULL) {
		since = (clock_mono_ms() - commit_stall_since()) / 1000;
		snprintf(text, sizeof text, "stalled for %lld s: %s; new work "
		    "is refused and nothing starts until it takes the %zu "
		    "held changes (running jobs go on)", (long long)since,
		    why, store_held_count(sd->store));
	} else if (dw.low)
		snprintf(text, sizeof text, "%s free in %s, below "
		    "disk_margin_mb (%s)", have, dw.dir, want);
	json_object_object_add(o, "warning", text[0] != '\0' ?
	    json_object_new_string(text) : NULL);
	return o;
}
