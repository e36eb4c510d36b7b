/*
 * log.c: logging for the daemons and the command line.  In the foreground
 * lines go to stderr with a timestamp; otherwise to syslog.  Bytes that came
 * from outside must pass through log_escape() before they reach a format.
 */
#include "config.h"

#include <errno.h>
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

void
log_init(const char *name, int foreground, int verbose)
{
	log_name = name;
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

static void
log_vwrite(int pri, const char *fmt, va_list ap, int with_errno)
{
	char		 msg[2048], stamp[32];
	int		 saved = errno;
	struct timespec	 ts;
	struct tm	 tm;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(saved));
	}
	if (log_fg) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%ld]: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_name, (long)getpid(), msg);
	} else
		syslog(pri, "%s", msg);
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
