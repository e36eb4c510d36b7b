/*
 * share.h: fair share and concurrency limits in the scheduler: the
 * configuration, the submitters' rows in the store, the queue's hooks and
 * the answers of `cq userprio` and `cq why`.  The decisions are
 * fairshare.c's and conclimits.c's.
 */
#ifndef CQ_SHARE_H
#define CQ_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "fairshare.h"

struct cfg;
struct job;
struct jobdesc;
struct json_object;

/* What -n checks: prio_factors and concurrency_limits (0 or -1, ERR). */
int	share_check_config(const struct cfg *, char *err, size_t len);
/* Set up from the configuration and the store (before queue_load). */
int	share_init(void);
/* The queue is loaded: from now on, time counts. */
void	share_start(void);
/* Save what changed (a tick) and free everything (at exit). */
void	share_flush(void);
void	share_shutdown(void);
/*
 * commit.c, just before each commit: write the rows of the submitters
 * changed since the last one (a request's own, in its transaction); then,
 * once committed (or held to be replayed), share_committed().
 */
void	share_commit(void);
void	share_committed(void);

/* A submit: 0 if D's concurrency limits may be queued, else -1 (ERR). */
int	share_check_desc(const struct jobdesc *d, char *err, size_t len);
/* J's submitter and limits from D (submit) or from J->ad (load, qedit). */
void	share_job_attrs(struct job *j, const struct jobdesc *d);
int	share_job_attrs_ad(struct job *j);
/* J changed: its place on its submitter's idle list, running or not. */
void	share_job(struct job *j);
/* J leaves memory (or is about to change submitter or order). */
void	share_job_gone(struct job *j);

/* Matching's order over the idle jobs (match.c's next(), W the walk). */
void		 share_walk_begin(struct fairshare_walk *w);
struct job	*share_walk_next(void *w);
struct job	*share_walk_after(struct job *j, void *w);
void		 share_walk_again(struct job *j, void *w);

/* `cq why`: add what fair share and the limits say of idle job J to O. */
void	share_why(const struct job *j, struct json_object *o);
/* `cq userprio`: one row per submitter (a new array). */
struct json_object *share_rows(void);
/* What cq userprio changed of a submitter, to put back. */
struct share_undo {
	char		 name[256];
	double		 factor, rup, accumulated;
	int64_t		 updated;
};
/*
 * `cq userprio -setfactor NAME F` (F >= 1), -resetusage NAME, inside a
 * client's request: 0 (U filled) or -1.  share_undo(U) if the request
 * is refused by the store.
 */
int	share_set_factor(const char *name, double factor,
	    struct share_undo *u);
int	share_reset_usage(const char *name, struct share_undo *u);
void	share_undo(const struct share_undo *u);

#endif
