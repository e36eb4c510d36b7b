/*
 * act.h: the interface every owner-activity source (startd/act-*.c)
 * implements; only activity.c and the unit tests include it.  A source is a
 * table of functions.  start() creates one instance (so `file:A,file:B`
 * are two independent instances) and returns it through STATEP; the other
 * functions take that state.  Times are wall-clock milliseconds.
 * Event-driven sources call CHANGED (from the loop) when last() may have
 * advanced; polled sources are sampled by poll() from the agent's tick.
 */
#ifndef CQ_ACT_H
#define CQ_ACT_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

/* What start() returns when the source cannot work here (already logged). */
#define ACT_UNAVAILABLE	1

typedef void (*act_changed_cb)(void *arg);

enum act_argmode {
	ACT_ARG_OPTIONAL,	/* `name` or `name:ARG` */
	ACT_ARG_REQUIRED	/* `name:ARG` only */
};

struct act_ops {
	const char	*name;
	enum act_argmode argmode;
	/*
	 * Start an instance with ARG (NULL if the spec gave none): 0 with
	 * *STATEP set, ACT_UNAVAILABLE if it cannot work on this machine
	 * (logged), -1 with ERR if ARG is unusable.
	 */
	int		(*start)(struct event_base *base, const char *arg,
			    act_changed_cb changed, void *changed_arg,
			    void **statep, char *err, size_t errlen);
	/* Sample now; NULL for purely event-driven sources. */
	void		(*poll)(void *state, int64_t now_ms);
	/* Wall ms of the latest activity seen; 0 if none; NULL for `load`. */
	int64_t		(*last)(void *state);
	void		(*stop)(void *state);
	/* Only `load`: the owner's load, and our jobs' instantaneous load. */
	double		(*owner_load)(void *state);
	void		(*set_job_load)(void *state, double load);
};

extern const struct act_ops	act_file_ops;
extern const struct act_ops	act_utmp_ops;
extern const struct act_ops	act_input_ops;
#define ACT_INPUT_DIR	"/dev/input"	/* input with no DIR */
/*
 * How the input source opens DIR/NAME: by default open() at once; the
 * agent's network child asks its root parent instead (privc.c), which
 * calls act_input_opened() with the descriptor (-1: none) later.
 */
typedef void (*act_input_opener)(const char *dir, const char *name);
void	act_input_set_opener(act_input_opener);
/* The descriptor for DIR/NAME asked of the opener (taken; -1: failed). */
void	act_input_opened(const char *dir, const char *name, int fd);
extern const struct act_ops	act_load_ops;
#ifdef HAVE_X11
extern const struct act_ops	act_x11_ops;
#endif

/* Pure parts, exported for the unit tests. */

/*
 * Newest atime (wall ms, 0 if none) of the ttys that USER_PROCESS records
 * of the utmp file UTMP name, looked up under DEVDIR ("/dev").  -1 with
 * errno if UTMP cannot be read.
 */
int	act_utmp_scan(const char *utmp, const char *devdir, int64_t *lastp);

/*
 * Parse LEN bytes of `struct input_event` records: 1 if any is owner
 * activity (EV_KEY, EV_REL, EV_ABS) with *WHENP the latest such event's
 * time in ms, else 0.  *USEDP is the bytes of whole records consumed; a
 * partial trailing record is left for the caller to keep.
 */
int	act_input_parse(const void *buf, size_t len, size_t *usedp,
	    int64_t *whenp);

/* Read the 1-minute load average from PATH (/proc/loadavg format). */
int	act_load_read(const char *path, double *load1p);
/* AVG moved towards VALUE over DT_MS as the kernel's 1-minute average. */
double	act_load_damp(double avg, double value, int64_t dt_ms);

#endif
