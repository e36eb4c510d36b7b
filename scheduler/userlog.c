/*
 * userlog.c: the job event log a user asks for with `log = FILE`, in
 * HTCondor's user-log text format so that condor_wait, the htcondor
 * module's JobEventLog and DAGMan-style parsers read it:
 *
 *	005 (012.000.000) 2026-11-25 11:40:02 Job terminated.
 *		(1) Normal termination (return value 3)
 *	...
 *
 * The job_events table is the source of truth: queue.c records every
 * transition there inside the turn's transaction.  After the commit
 * (commit_flush() calls userlog_flush()), the events above a cursor are
 * read back from the store, formatted and handed to the writers
 * (logwriter.c), which append them to their files off the loop: a log on
 * a hung NFS home holds up neither dispatch nor the replies.  The mark
 * (the id below which every event was written or has no log) moves as the
 * writers report; it lives in STATE_DIR/userlog.mark, replaced atomically
 * after the writers wrote, so a restarted scheduler carries on where it
 * stopped: nothing is lost, and nothing is written twice unless the
 * scheduler dies between a write and the mark's update (see
 * docs/userlog.md).  When a writer's queue is full the cursor waits: the
 * events wait in the store, not in memory.  At exit the writers are given
 * USERLOG_DRAIN_MS to finish.
 *
 * The store is read only when a committed event may be for a log: queue.c
 * tells of each event it records (userlog_event), and an event of a job
 * whose description names no log (j->logged, set by queue.c from the
 * description or userlog_ad_logged()) is never read back; when none of the
 * committed events since the cursor can be, the cursor only moves to the
 * newest event.  A flood of jobs without logs costs no query per turn.
 *
 * One table maps job_events names to user-log events; names it does not
 * list (vacate, held-exit, aborted-exit...) are internal and skipped.
 * The file is opened as the job's owner (logwriter.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "job.h"
#include "log.h"
#include "logwriter.h"
#include "schedd.h"
#include "store.h"
#include "userlog.h"
#include "xmalloc.h"

#define USERLOG_BATCH	1024		/* events read per store walk */
#define USERLOG_EVMAX	8192		/* bytes of one event */
#define USERLOG_DRAIN_MS 10000		/* for the writers at exit */

/* Event bodies. */
enum userlog_body {
	UB_TEXT,	/* the header text, then the detail on its own line */
	UB_PLAIN,	/* the header text only */
	UB_EXECUTE,
	UB_EVICT,
	UB_EVICT_CKPT,
	UB_CHECKPOINT,
	UB_TERMINATE,
	UB_REQUEUE,
	UB_SUSPEND,
	UB_HELD,
};

static const struct userlog_map {
	const char		*name;		/* job_events.event */
	int			 code;		/* HTCondor event number */
	const char		*text;
	enum userlog_body	 body;
} userlog_map[] = {
	{ "submit",		0,  "Job submitted from host: ", UB_PLAIN },
	{ "execute",		1,  "Job executing on host: ", UB_EXECUTE },
	{ "checkpoint",		3,  "Job was checkpointed.", UB_CHECKPOINT },
	{ "evict",		4,  "Job was evicted.", UB_EVICT },
	{ "evict-checkpointed",	4,  "Job was evicted.", UB_EVICT_CKPT },
	{ "terminate",		5,  "Job terminated.", UB_TERMINATE },
	{ "requeue",		4,  "Job was evicted.", UB_REQUEUE },
	{ "aborted",		9,  "Job was aborted.", UB_TEXT },
	{ "aborted-lost",	-1, NULL, UB_PLAIN },
	{ "aborted-exit",	-1, NULL, UB_PLAIN },
	{ "suspend",		10, "Job was suspended.", UB_SUSPEND },
	{ "unsuspend",		11, "Job was unsuspended.", UB_PLAIN },
	{ "held",		12, "Job was held.", UB_HELD },
	{ "held-exit",		-1, NULL, UB_PLAIN },
	{ "released",		13, "Job was released.", UB_TEXT },
	{ "vacate",		-1, NULL, UB_PLAIN },
	{ "qedit",		-1, NULL, UB_PLAIN },
};

static int64_t	userlog_mark = -1;	/* all events up to it written */
static int64_t	userlog_saved = -1;	/* the mark in userlog.mark */
static int64_t	userlog_cursor = -1;	/* last event read from the store */
static int	userlog_pending;	/* the store may have more */
static int	userlog_want;		/* a recorded event may be for a log */
static int	userlog_read;		/* a committed one: read the store */
static int	userlog_full;		/* a writer's queue was full */
static int	userlog_wrote;		/* written since the last save */
static char	userlog_host[256];

static void	userlog_written(void);

static void
userlog_mark_path(char *buf, size_t len, const char *suffix)
{
	snprintf(buf, len, "%s/userlog.mark%s", sd->state_dir, suffix);
}

static void
userlog_mark_save(void)
{
	char	 path[PATH_MAX], tmp[PATH_MAX], num[32];
	int	 fd, n;

	userlog_mark_path(path, sizeof path, "");
	userlog_mark_path(tmp, sizeof tmp, ".tmp");
	n = snprintf(num, sizeof num, "%lld\n", (long long)userlog_mark);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("userlog: %s", tmp);
		return;
	}
	if (write(fd, num, (size_t)n) != n || fsync(fd) == -1) {
		log_warn("userlog: %s", tmp);
		close(fd);
		return;
	}
	close(fd);
	if (rename(tmp, path) == -1)
		log_warn("userlog: rename %s", tmp);
	else
		userlog_saved = userlog_mark;
}

int
userlog_init(void)
{
	char		 path[PATH_MAX], buf[64];
	const char	*errstr;
	ssize_t		 n;
	int		 fd;

	if (gethostname(userlog_host, sizeof userlog_host) == -1)
		strlcpy(userlog_host, "localhost", sizeof userlog_host);
	userlog_host[sizeof userlog_host - 1] = '\0';
	if (logwriter_init(sd->base, userlog_written) == -1)
		return -1;
	userlog_mark_path(path, sizeof path, "");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			userlog_mark = strtonum(buf, 0, LLONG_MAX, &errstr);
			/* A mark past the newest event is not this store's. */
			if (errstr == NULL &&
			    userlog_mark <= store_events_last(sd->store)) {
				/* Catch up with what the last run left. */
				userlog_cursor = userlog_saved = userlog_mark;
				userlog_pending = userlog_read = 1;
				return 0;
			}
		}
		log_warnx("userlog: %s is damaged or not this store's: "
		    "starting after the newest event", path);
	} else if (errno != ENOENT) {
		log_warn("userlog: %s", path);
		return -1;
	}
	/* A new state directory, or one from before user logs. */
	if ((userlog_mark = store_events_last(sd->store)) == -1)
		return -1;
	userlog_cursor = userlog_mark;
	userlog_mark_save();
	return 0;
}

int
userlog_ad_logged(const char *ad)
{
	const char	*p;

	if (ad == NULL)
		return 0;
	for (p = ad; (p = strstr(p, "\"log\"")) != NULL; ) {
		p += 5;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (strncmp(p, "null", 4) != 0)
			return 1;
	}
	return 0;
}

void
userlog_event(const struct job *j)
{
	if (j->logged)
		userlog_want = 1;
}

void
userlog_recorded(void)
{
	userlog_pending = 1;
	/* What was recorded so far is durable now (commit.c). */
	if (userlog_want)
		userlog_read = 1;
	userlog_want = 0;
}

/* "Usr d hh:mm:ss, Sys d hh:mm:ss" of two times in ms. */
static void
userlog_usage(char *buf, size_t len, int64_t u, int64_t s)
{
	u /= 1000;
	s /= 1000;
	snprintf(buf, len, "Usr %lld %02lld:%02lld:%02lld, "
	    "Sys %lld %02lld:%02lld:%02lld",
	    (long long)(u / 86400), (long long)(u % 86400 / 3600),
	    (long long)(u % 3600 / 60), (long long)(u % 60),
	    (long long)(s / 86400), (long long)(s % 86400 / 3600),
	    (long long)(s % 3600 / 60), (long long)(s % 60));
}

/* Append to B (size LEN, used *O) without overflowing; truncates. */
static void
userlog_add(char *b, size_t len, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
userlog_add(char *b, size_t len, size_t *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*o >= len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*o += (size_t)n < len - *o ? (size_t)n : len - *o - 1;
}

/* How the run ended and its usage, as 005 and 004 events both say it. */
static void
userlog_ended(char *b, size_t len, size_t *o, const struct store_logevent *e,
    const char *use)
{
	if (e->exit_signal != 0)
		userlog_add(b, len, o, "\t(0) Abnormal termination "
		    "(signal %d)\n\t(0) No core file\n", e->exit_signal);
	else
		userlog_add(b, len, o, "\t(1) Normal termination "
		    "(return value %d)\n", e->exit_code < 0 ? 0 : e->exit_code);
	userlog_add(b, len, o, "\t\t%s  -  Run Remote Usage\n", use);
	userlog_add(b, len, o, "\t\tUsr 0 00:00:00, Sys 0 00:00:00"
	    "  -  Run Local Usage\n");
}

/* A detail on one line: control characters become spaces. */
static void
userlog_line(char *dst, size_t len, const char *src)
{
	size_t	i;

	strlcpy(dst, src != NULL ? src : "", len);
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = ' ';
}

size_t
userlog_format(char *b, size_t len, const struct store_logevent *e)
{
	const struct userlog_map	*m = NULL;
	struct tm			 tm;
	time_t				 t = (time_t)(e->time / 1000);
	char				 when[32], det[1024], use[96];
	const char			*at;
	size_t				 i, o = 0;

	for (i = 0; i < sizeof userlog_map / sizeof userlog_map[0]; i++)
		if (strcmp(userlog_map[i].name, e->event) == 0)
			m = &userlog_map[i];
	if (m == NULL || m->code < 0 || len < 64)
		return 0;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	userlog_line(det, sizeof det, e->detail);
	userlog_add(b, len, &o, "%03d (%03u.%03u.000) %s %s", m->code,
	    e->cluster, e->proc, when, m->text);
	switch (m->body) {
	case UB_PLAIN:
		if (m->code == 0)
			userlog_add(b, len, &o, "<%s>", userlog_host);
		userlog_add(b, len, &o, "\n");
		break;
	case UB_TEXT:
		userlog_add(b, len, &o, "\n");
		if (det[0] != '\0')
			userlog_add(b, len, &o, "\t%s\n", det);
		break;
	case UB_EXECUTE:
		/* The detail is "slotN@machine". */
		at = strchr(det, '@');
		userlog_add(b, len, &o, "<%s>\n", at != NULL ? at + 1 : det);
		if (det[0] != '\0')
			userlog_add(b, len, &o, "\tSlotName: %s\n", det);
		break;
	case UB_EVICT:
	case UB_EVICT_CKPT:
		userlog_usage(use, sizeof use, e->utime_ms, e->stime_ms);
		userlog_add(b, len, &o, "\n\t%s\n", m->body == UB_EVICT ?
		    "(0) Job was not checkpointed." :
		    "(1) Job was checkpointed.");
		userlog_add(b, len, &o, "\t\t%s  -  Run Remote Usage\n", use);
		userlog_add(b, len, &o, "\t\tUsr 0 00:00:00, Sys 0 00:00:00"
		    "  -  Run Local Usage\n");
		userlog_add(b, len, &o, "\t0  -  Run Bytes Sent By Job\n"
		    "\t0  -  Run Bytes Received By Job\n");
		if (det[0] != '\0')
			userlog_add(b, len, &o, "\t%s\n", det);
		break;
	case UB_CHECKPOINT:
		userlog_add(b, len, &o, "\n\t\tUsr 0 00:00:00, Sys 0 00:00:00"
		    "  -  Run Remote Usage\n\t\tUsr 0 00:00:00, "
		    "Sys 0 00:00:00  -  Run Local Usage\n");
		break;
	case UB_TERMINATE:
		userlog_usage(use, sizeof use, e->utime_ms, e->stime_ms);
		userlog_add(b, len, &o, "\n");
		userlog_ended(b, len, &o, e, use);
		userlog_add(b, len, &o, "\t\t%s  -  Total Remote Usage\n",
		    use);
		userlog_add(b, len, &o, "\t\tUsr 0 00:00:00, Sys 0 00:00:00"
		    "  -  Total Local Usage\n");
		userlog_add(b, len, &o, "\t0  -  Run Bytes Sent By Job\n"
		    "\t0  -  Run Bytes Received By Job\n"
		    "\t0  -  Total Bytes Sent By Job\n"
		    "\t0  -  Total Bytes Received By Job\n");
		break;
	case UB_REQUEUE:
		/* It exited, and on_exit_remove (max_retries) ran it again. */
		userlog_usage(use, sizeof use, e->utime_ms, e->stime_ms);
		userlog_add(b, len, &o, "\n\t(0) Job terminated and was "
		    "requeued\n");
		userlog_ended(b, len, &o, e, use);
		userlog_add(b, len, &o, "\t0  -  Run Bytes Sent By Job\n"
		    "\t0  -  Run Bytes Received By Job\n");
		if (det[0] != '\0')
			userlog_add(b, len, &o, "\t%s\n", det);
		break;
	case UB_SUSPEND:
		userlog_add(b, len, &o, "\n\tNumber of processes actually "
		    "suspended: 1\n");
		break;
	case UB_HELD:
		userlog_add(b, len, &o, "\n\t%s\n", det[0] != '\0' ? det :
		    "unknown reason");
		/* HoldReasonCode and subcode (jobend.h), as the job's row
		 * keeps them; a hold of an older cq-schedd by its text. */
		userlog_add(b, len, &o, "\tCode %d Subcode %d\n",
		    e->hold_code != 0 ? e->hold_code : job_hold_code(det),
		    e->hold_code != 0 ? e->hold_subcode : 0);
		break;
	}
	userlog_add(b, len, &o, "...\n");
	/* A truncated event still ends with its separator. */
	if (o >= len - 1) {
		o = len - 5;
		memcpy(b + o, "...\n", 4);
		o += 4;
		b[o] = '\0';
	}
	return o;
}

/* Hand E to its file's writer; stop the walk when that one is full. */
static int
userlog_queue_cb(void *arg, const struct store_logevent *e)
{
	char	 buf[USERLOG_EVMAX];
	size_t	 n;

	if ((n = userlog_format(buf, sizeof buf, e)) > 0 &&
	    logwriter_put(e->id, e->cluster, e->proc, e->uid, e->log, buf,
	    n) == -1) {
		userlog_full = 1;
		return 1;	/* read again once it made room */
	}
	userlog_cursor = e->id;
	return 0;
}

/*
 * Move the mark below the oldest event not written yet; save it after
 * the writers wrote (their wake-ups come at most once a loop iteration).
 */
static void
userlog_advance(void)
{
	int64_t	oldest = logwriter_pending();

	userlog_mark = oldest == -1 ? userlog_cursor : oldest - 1;
	if (userlog_wrote && userlog_mark > userlog_saved) {
		userlog_wrote = 0;
		userlog_mark_save();
	}
}

void
userlog_flush(void)
{
	int64_t	 before, last;

	/* Never an event that is not durable yet. */
	if (!userlog_pending || userlog_cursor < 0 ||
	    store_in_txn(sd->store))
		return;
	userlog_pending = 0;
	if (!userlog_read && !userlog_full) {
		/* No committed event above the cursor is for a log. */
		if ((last = store_events_last(sd->store)) > userlog_cursor)
			userlog_cursor = last;
		userlog_advance();
		return;
	}
	userlog_read = 0;
	userlog_full = 0;
	do {
		before = userlog_cursor;
		if (store_userlog_events(sd->store, userlog_cursor,
		    USERLOG_BATCH, userlog_queue_cb, NULL) == -1) {
			userlog_read = 1;	/* again after the next commit */
			return;
		}
	} while (userlog_cursor != before && !userlog_full);
	/* The rest of the events have no log: skip them for good. */
	if (!userlog_full &&
	    (last = store_events_last(sd->store)) > userlog_cursor)
		userlog_cursor = last;
	userlog_advance();
}

int
userlog_cluster_pending(uint32_t cluster)
{
	/* Unread events (a full queue) may be its: say so until read. */
	return userlog_full || logwriter_cluster_pending(cluster);
}

/* The writers wrote (their eventfd, in the loop). */
static void
userlog_written(void)
{
	userlog_wrote = 1;
	if (userlog_full) {
		/* Room again: read on from where the cursor waits. */
		userlog_pending = 1;
		userlog_flush();
	}
	userlog_advance();
}

void
userlog_shutdown(void)
{
	int	drained;

	/* What was committed goes out, unless a file hangs. */
	do {
		userlog_pending = 1;
		userlog_flush();
		drained = logwriter_drain(USERLOG_DRAIN_MS) == 0;
		userlog_wrote = 1;
	} while (drained && userlog_full);
	if (!drained)
		log_warnx("userlog: a log file still blocks after %d s; what "
		    "it did not take is written at the next start",
		    USERLOG_DRAIN_MS / 1000);
	logwriter_shutdown(drained ? USERLOG_DRAIN_MS : 0);
	userlog_advance();
	if (userlog_mark >= 0 && userlog_mark != userlog_saved)
		userlog_mark_save();
}
