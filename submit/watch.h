/*
 * watch.h: the live view of `cq q -w` and `cq status -w`: a frame drawn
 * again every interval in place, on the alternate screen, until `q`,
 * Ctrl-C or SIGTERM.
 */
#ifndef CQ_WATCH_H
#define CQ_WATCH_H

#include <stddef.h>
#include <stdio.h>

/*
 * Draw one frame into F for a terminal WIDTH columns wide; 0, or -1 if
 * the data could not be had (what went wrong is on stderr, which the
 * live view shows as a message line before retrying).
 */
typedef int (*watch_draw_fn)(FILE *f, size_t width, void *arg);

/*
 * Run the live view titled TITLE, drawing with DRAW every INTERVAL_MS.
 * Needs a terminal on stdin and stdout.  Returns a CQ_EXIT_ code; the
 * terminal is restored however it ends.
 */
int	watch_run(const char *title, int interval_ms, watch_draw_fn draw,
	    void *arg);
/* Parse the -n argument (seconds, fractions allowed) into *MS. */
int	watch_interval(const char *s, int *ms);

#endif
