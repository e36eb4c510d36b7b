/*
 * adprint.h: ads printed as condor_q and condor_status print them: -long
 * (Attr = value lines), -af (autoformat: values of expressions, one line
 * per ad) and -format FMT EXPR (printf-like, no newline of its own).
 * Used by cq q, cq status and cq history.
 */
#ifndef CQ_ADPRINT_H
#define CQ_ADPRINT_H

#include <stdio.h>

struct json_object;
struct adprint;

struct adprint	*adprint_new(void);
void		 adprint_free(struct adprint *);
/* Add an -af expression; -1 (printed for CMD) if it does not parse. */
int		 adprint_af(struct adprint *, const char *cmd,
		    const char *src);
/* Add -format FMT SRC; -1 (printed for CMD) on a bad format or expression. */
int		 adprint_format(struct adprint *, const char *cmd,
		    const char *fmt, const char *src);
/*
 * The options that choose how ads print, as cq q, cq status and cq
 * history take them: -json/--json, -l/-long/--long, -af/-autoformat EXPR ...
 * (up to the next option, or job id if IDS) and -format FMT EXPR.  If
 * ARGV[*A] is one, *A moves past its arguments, *ADS is set to its
 * CMD_Q_ADS_* and 1 is returned; 0 if it is none; -1 on a bad one (said
 * on stderr for CMD).
 */
int		 adprint_option(struct adprint *, const char *cmd, int argc,
		    char **argv, int *a, int *ads, int ids);
/* 1 if any -af or -format was added. */
int		 adprint_any(const struct adprint *);
/* Print AD (a JSON object of attributes) by the -af / -format items. */
void		 adprint_row(const struct adprint *, FILE *,
		    struct json_object *ad);
/* Print AD as condor_q -long: "Name = value" lines, sorted, then a blank
 * line. */
void		 adprint_long(FILE *, struct json_object *ad);

#endif
