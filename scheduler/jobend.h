/*
 * jobend.h: the job policy and the "run ended" verb.  Domain code only:
 * no libevent, no SQLite, no JSON, no links; the clock and anything else
 * it needs come in a struct jobend_ctx.  It decides, the caller applies
 * (queue.c).
 */
#ifndef CQ_JOBEND_H
#define CQ_JOBEND_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"

struct job;

/* HTCondor's HoldReasonCode values cq sets. */
#define JOBEND_HOLD_USER		1	/* UserRequest: cq hold */
#define JOBEND_HOLD_POLICY		3	/* JobPolicy: a *_hold fired */
#define JOBEND_HOLD_POLICY_UNDEF	5	/* JobPolicyUndefined */
#define JOBEND_HOLD_START		6	/* FailedToCreateProcess */
#define JOBEND_HOLD_OUTPUT		12	/* TransferOutputError */
#define JOBEND_HOLD_SUBMITTED		15	/* SubmittedOnHold: hold = true */
#define JOBEND_HOLD_RESOURCES		34	/* JobOutOfResources */

/* DEFAULT_JOB_MAX_RETRIES: retries when only success_exit_code or
 * retry_until is set. */
#define JOBEND_DEFAULT_RETRIES		2

/* The policy texts of a job description (NULL: unset). */
struct jobend_src {
	const char	*on_exit_remove;
	const char	*on_exit_hold;
	const char	*on_exit_hold_reason;
	const char	*on_exit_hold_subcode;
	const char	*periodic_hold;
	const char	*periodic_hold_reason;
	const char	*periodic_hold_subcode;
	const char	*periodic_release;
	const char	*periodic_remove;
	const char	*success_exit_code;	/* an integer's text */
	const char	*retry_until;		/* exit code or expression */
	int64_t		 max_retries;		/* -1: unset */
};

/* A job's parsed policy: immutable, shared by reference count. */
struct jobend_policy;

/*
 * Parse SRC.  0 with *OUT (NULL when SRC sets nothing: the defaults), or
 * -1 with ERR ("on_exit_hold: column 3: ...") and *OUT NULL.
 */
int	jobend_policy_new(const struct jobend_src *src,
	    struct jobend_policy **out, char *err, size_t errlen);
/* 1 if P was parsed from the same texts as SRC (P NULL: SRC is empty). */
int	jobend_policy_same(const struct jobend_policy *p,
	    const struct jobend_src *src);
/* Another reference to P (NULL is fine); drop one (frees the last). */
struct jobend_policy *jobend_policy_ref(struct jobend_policy *p);
void	jobend_policy_free(struct jobend_policy *p);
/* 1 if P has a periodic expression (the tick looks at the job). */
int	jobend_policy_periodic(const struct jobend_policy *p);

/* What an evaluation sees besides the job. */
struct jobend_ctx {
	int64_t		 now_ms;	/* the clock, ms since the epoch */
	expr_lookup_fn	 more;		/* attributes the job struct lacks
					 * (+Attr), or NULL */
	void		*more_arg;
};

/* How a run ended, as its agent told (plain values). */
struct jobend_run {
	int		 code;		/* exit code, -1 if none */
	int		 signal;	/* 0 if none */
	int		 core;		/* it dumped core */
	int64_t		 utime_ms, stime_ms, maxrss_kb;
	const char	*error;		/* it could not start; NULL: it ran */
	int		 evicted;	/* the agent evicted it */
	const char	*kill_reason;	/* why the agent ended it: "owner",
					 * "lease", "vacate", "shutdown",
					 * "removed"; NULL: unsaid */
	int		 checkpoint;	/* it left a checkpoint */
	int		 criu;		/* ... a CRIU image */
	int		 files;		/* its files: 1 arrived (or none), 0
					 * transfer failed, -1 could not be
					 * written, -2 not asked for */
	int		 memory_exceeded;	/* the agent's hold wish */
	int64_t		 memory_limit_mb, memory_peak_mb;
	const char	*missing;	/* an output it did not make */
};

enum jobend_action {
	JOBEND_NONE,		/* not a live run (held, removed): record */
	JOBEND_REQUEUE,		/* evicted: back to idle, runs again */
	JOBEND_RESTART,		/* a periodic checkpoint: it runs on */
	JOBEND_RETRY,		/* it exited; the policy runs it again */
	JOBEND_COMPLETE,	/* it exited and leaves the queue */
	JOBEND_HOLD,
	JOBEND_RELEASE,		/* periodic_release */
	JOBEND_REMOVE,		/* periodic_remove */
};

struct jobend_decision {
	enum jobend_action	 action;
	int			 keep_ckpt;	/* the checkpoint that came is
						 * good (REQUEUE, RESTART) */
	int			 exited;	/* the exit is the job's:
						 * ExitCode... (and it counts
						 * in NumJobCompletions) */
	int			 hold_code, hold_subcode;
	char			 why[512];	/* the reason, for the log */
};

/* The action's name for logs ("complete", "hold"...). */
const char	*jobend_action_str(enum jobend_action);

/*
 * The run of J (with policy P, may be NULL) ended as R: decide what
 * becomes of J.  Periodic expressions come first, then on_exit_hold,
 * then on_exit_remove with the retry settings (HTCondor's order).
 */
void	jobend_decide(const struct jobend_ctx *ctx, const struct job *j,
	    const struct jobend_policy *p, const struct jobend_run *r,
	    struct jobend_decision *d);
/*
 * The periodic expressions of P on J as it is now: JOBEND_NONE, or HOLD,
 * RELEASE or REMOVE with D filled.
 */
enum jobend_action jobend_periodic(const struct jobend_ctx *ctx,
	    const struct job *j, const struct jobend_policy *p,
	    struct jobend_decision *d);

#endif
