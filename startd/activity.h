/*
 * activity.h: owner activity, from any number of sources at once.  Each
 * source notes the wall time (ms) of the latest owner activity it has
 * seen.  Event-driven sources (input devices, file:, x11) call the agent
 * back at once, so a returning owner is noticed within milliseconds;
 * polled sources (utmp, load) are sampled by activity_poll() from the
 * agent's tick.  Sources: see activity_init().
 */
#ifndef CQ_ACTIVITY_H
#define CQ_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

/* Called (from the loop) as soon as an event-driven source sees activity. */
typedef void (*activity_cb)(void *arg);

/*
 * Start the sources named in SPEC, a comma list of: `input` (every
 * /dev/input/event* device, hot-plugged ones too), `utmp` (tty and pty
 * idle times of logged-in sessions), `x11` or `x11:DISPLAY` (the X
 * server's idle time; $DISPLAY if none is named), `load` (the load
 * average minus our jobs' load) and `file:PATH` (activity = PATH's mtime).
 * An empty SPEC means no source: the owner is never seen.  A source that
 * cannot work here (no X display, no /dev/input, not built in) is logged
 * and skipped, not an error; a malformed SPEC is (-1 with ERR).
 */
int	activity_init(struct event_base *base, const char *spec,
	    activity_cb cb, void *arg, char *err, size_t errlen);
void	activity_shutdown(void);
/* Sample the polled sources; call about once a second. */
void	activity_poll(int64_t now_ms);
/* Wall ms of the latest owner activity any source has seen; 0 if none. */
int64_t	activity_last(void);
/* The load average not caused by our jobs; 0 if `load` is not on. */
double	activity_owner_load(void);
/* The load not caused by our jobs (any source); -1 if unknown. */
double	activity_load(void);
/* Tell the load source how much load our running jobs cause now. */
void	activity_set_job_load(double load);
/* How many sources are active (for the ad and the logs). */
int	activity_nsources(void);
/* 1 with DIR set if SPEC has the input source (its directory), else 0. */
int	activity_input_dir(const char *spec, char *dir, size_t len);

#endif
