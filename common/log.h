/* log.h: the one logging API of every cq program. */
#ifndef CQ_LOG_H
#define CQ_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Start logging as NAME; stderr when FOREGROUND, syslog otherwise. */
void	log_init(const char *name, int foreground, int verbose);
/* Change the verbosity (0 = info, 1 = debug). */
void	log_setverbose(int verbose);
int	log_getverbose(void);

/*
 * Hold information and debug lines in the foreground (FIRST: called as
 * the first one waits, to have log_flush() called soon, at the end of the
 * loop turn); NULL: write each at once again.  Warnings and fatal errors
 * are written at once, after what waits.  Held lines are written at exit
 * too, but lost if the process is killed.
 */
void	log_hold(void (*first)(void));
void	log_flush(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Escape LEN bytes of outside data into DST (printable ASCII kept, the
 * rest as \xNN), truncated to fit DSTLEN; returns DST.
 */
char	*log_escape(char *dst, size_t dstlen, const void *src, size_t len);

#endif
