/*
 * log.c: logging for the daemons and the command line.  In the foreground
 * lines go to stderr with a timestamp; otherwise to syslog.  Bytes that came
 * from outside must pass through log_escape() before they reach a format.
 * A daemon may hold its information lines for the rest of a loop turn
 * (log_hold): they go out in one write at log_flush(), before any warning
 * (which is never held) and at exit.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_name = "cq";
static int		 log_fg = 1;
static int		 log_verbose;
static pid_t		 log_pid;	/* 0: ask getpid() */
/*
 * A line's start, made again when the second or the pid changes: each
 * thread's own (the scheduler's user log writers log too).
 */
static _Thread_local char	log_stamp[32], log_who[96];
static _Thread_local time_t	log_stamp_sec = -1;
static _Thread_local pid_t	log_stamp_pid;

/* Held information lines (foreground only): log_hold(). */
#define LOG_HELD_MAX	(64 * 1024)
static void		(*log_held_first)(void);
static pid_t		 log_held_pid;	/* a forked child's are not its own */
static pthread_t	 log_held_thread;	/* the only one that holds */
static char		*log_held;
static size_t		 log_held_len;

/* Our pid, for every line (getpid() is a system call); a child's own. */
static void
log_atfork_child(void)
{
	log_pid = getpid();
}

void
log_init(const char *name, int foreground, int verbose)
{
	static int	atfork;

	if (!atfork && pthread_atfork(NULL, NULL, log_atfork_child) == 0)
		atfork = 1;
	log_pid = atfork ? getpid() : 0;
	log_name = name;
	log_stamp_sec = -1;
	log_fg = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* Write LEN bytes of BUF to stderr, all of them unless it fails. */
static void
log_out(const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(STDERR_FILENO, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= n;
	}
}

void
log_hold(void (*first)(void))
{
	log_flush();
	log_held_first = first;
	log_held_pid = log_pid != 0 ? log_pid : getpid();
	log_held_thread = pthread_self();
	if (first != NULL && log_held == NULL) {
		log_held = malloc(LOG_HELD_MAX);
		atexit(log_flush);
	}
}

void
log_flush(void)
{
	int	saved = errno;

	/* Another thread's lines are not held; a child's copy was its
	 * parent's to write. */
	if (log_held_len == 0 || !pthread_equal(pthread_self(),
	    log_held_thread))
		return;
	if ((log_pid != 0 ? log_pid : getpid()) == log_held_pid)
		log_out(log_held, log_held_len);
	log_held_len = 0;
	errno = saved;
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, int with_errno)
{
	char		 msg[2048], line[2200];
	size_t		 len;
	int		 saved = errno, n;
	pid_t		 pid;
	struct timespec	 ts;
	struct tm	 tm;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof msg - len, ": %s",
		    strerror(saved));
	}
	if (!log_fg) {
		syslog(pri, "%s", msg);
		errno = saved;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	pid = log_pid != 0 ? log_pid : getpid();
	/* The time of day and our name change seldom: made again then. */
	if (ts.tv_sec != log_stamp_sec || pid != log_stamp_pid) {
		localtime_r(&ts.tv_sec, &tm);
		strftime(log_stamp, sizeof log_stamp, "%H:%M:%S", &tm);
		snprintf(log_who, sizeof log_who, " %s[%ld]: ", log_name,
		    (long)pid);
		log_stamp_sec = ts.tv_sec;
		log_stamp_pid = pid;
	}
	n = snprintf(line, sizeof line, "%s.%03ld%s", log_stamp,
	    ts.tv_nsec / 1000000, log_who);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	len = strlen(msg);
	if (len > sizeof line - n - 1)
		len = sizeof line - n - 1;
	memcpy(line + n, msg, len);
	n += len;
	line[n++] = '\n';
	if (log_held_first == NULL || log_held == NULL ||
	    pid != log_held_pid || (pri != LOG_INFO && pri != LOG_DEBUG) ||
	    !pthread_equal(pthread_self(), log_held_thread)) {
		/* Not held: after what was, in order. */
		log_flush();
		log_out(line, n);
	} else {
		if (log_held_len + n > LOG_HELD_MAX)
			log_flush();
		memcpy(log_held + log_held_len, line, n);
		if ((log_held_len += n) == (size_t)n)
			log_held_first();
	}
	errno = saved;
}

#define LOG_BODY(pri, e) do {			\
	va_list ap;				\
	va_start(ap, fmt);			\
	log_vwrite(pri, fmt, ap, e);		\
	va_end(ap);				\
} while (0)

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, 1);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, 0);
}

void
log_debug(const char *fmt, ...)
{
	if (log_verbose < 1)
		return;
	LOG_BODY(LOG_DEBUG, 0);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 0);
	exit(1);
}

char *
log_escape(char *dst, size_t dstlen, const void *src, size_t len)
{
	const unsigned char	*s = src;
	size_t			 i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = s[i];
		} else {
			if (o + 4 >= dstlen)
				break;
			snprintf(dst + o, 5, "\\x%02x", s[i]);
			o += 4;
		}
	}
	if (i < len && o + 3 < dstlen) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}
