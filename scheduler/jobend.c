/*
 * jobend.c: the job policy expressions and the one "run ended" verb.
 *
 * jobend_decide() takes a job, its parsed policy and how its run ended
 * (plain values from the agent's report) and decides: requeue (an
 * eviction), restart (a periodic checkpoint), retry (it exited but its
 * policy runs it again), complete, hold (with HTCondor's HoldReasonCode
 * and subcode) or remove.  jobend_periodic() evaluates periodic_hold,
 * periodic_release and periodic_remove on a job as it is, for the tick
 * and for each change of state.  Neither changes anything: queue.c
 * applies the decision.
 *
 * HTCondor's semantics: the expressions are checked in the order
 * periodic_hold (a job not held), periodic_release (a held job),
 * periodic_remove, then at an exit on_exit_hold and on_exit_remove; the
 * first that fires wins.  periodic_release leaves a job its owner held
 * (code 1) alone.  A value that is a number or a boolean fires if
 * it is nonzero; `undefined` written as such is false; any other
 * undefined, error or string value holds the job with code 5
 * (JobPolicyUndefined).  A hold by policy has code 3 (JobPolicy), the
 * subcode and reason of *_hold_subcode and *_hold_reason, or the default
 * text "The job attribute PeriodicHold expression '...' evaluated to
 * TRUE".  max_retries, success_exit_code and retry_until make the
 * OnExitRemove expression `NumJobCompletions > JobMaxRetries || ExitCode
 * is N [|| retry_until]`, OR'ed with on_exit_remove when both are set;
 * NumJobCompletions counts the exit being decided.
 *
 * The job ad the expressions see is built from the job struct (see
 * jobend_lookup); other names (the +Attr values) go to the caller's
 * lookup.  Domain code: no libevent, no SQLite, no JSON, no links.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "job.h"
#include "jobend.h"
#include "xmalloc.h"

/* The expressions of a policy, by HTCondor attribute name. */
enum jobend_x {
	JX_ON_EXIT_REMOVE,	/* as written, OR'ed with the retries' */
	JX_ON_EXIT_HOLD,
	JX_ON_EXIT_HOLD_REASON,
	JX_ON_EXIT_HOLD_SUBCODE,
	JX_PERIODIC_HOLD,
	JX_PERIODIC_HOLD_REASON,
	JX_PERIODIC_HOLD_SUBCODE,
	JX_PERIODIC_RELEASE,
	JX_PERIODIC_REMOVE,
	JX_RETRY_UNTIL,
	JX_MAX
};

static const struct {
	const char	*key;		/* the submit keyword */
	const char	*attr;		/* the job ad attribute */
	size_t		 off;		/* in struct jobend_src */
} jobend_x[JX_MAX] = {
	[JX_ON_EXIT_REMOVE] = { "on_exit_remove", "OnExitRemove",
	    offsetof(struct jobend_src, on_exit_remove) },
	[JX_ON_EXIT_HOLD] = { "on_exit_hold", "OnExitHold",
	    offsetof(struct jobend_src, on_exit_hold) },
	[JX_ON_EXIT_HOLD_REASON] = { "on_exit_hold_reason",
	    "OnExitHoldReason",
	    offsetof(struct jobend_src, on_exit_hold_reason) },
	[JX_ON_EXIT_HOLD_SUBCODE] = { "on_exit_hold_subcode",
	    "OnExitHoldSubCode",
	    offsetof(struct jobend_src, on_exit_hold_subcode) },
	[JX_PERIODIC_HOLD] = { "periodic_hold", "PeriodicHold",
	    offsetof(struct jobend_src, periodic_hold) },
	[JX_PERIODIC_HOLD_REASON] = { "periodic_hold_reason",
	    "PeriodicHoldReason",
	    offsetof(struct jobend_src, periodic_hold_reason) },
	[JX_PERIODIC_HOLD_SUBCODE] = { "periodic_hold_subcode",
	    "PeriodicHoldSubCode",
	    offsetof(struct jobend_src, periodic_hold_subcode) },
	[JX_PERIODIC_RELEASE] = { "periodic_release", "PeriodicRelease",
	    offsetof(struct jobend_src, periodic_release) },
	[JX_PERIODIC_REMOVE] = { "periodic_remove", "PeriodicRemove",
	    offsetof(struct jobend_src, periodic_remove) },
	[JX_RETRY_UNTIL] = { "retry_until", "RetryUntil",
	    offsetof(struct jobend_src, retry_until) },
};
#define JOBEND_SRC(src, k) \
	(*(const char *const *)((const char *)(src) + jobend_x[k].off))

struct jobend_policy {
	int		 refs;
	char		*src[JX_MAX];		/* as written */
	struct expr	*x[JX_MAX];
	struct expr	*on_exit_remove;	/* effective, or NULL: true */
	int64_t		 max_retries;		/* -1: no retries */
	int64_t		 max_retries_src;	/* as written, -1: unset */
	int64_t		 success;		/* JobSuccessExitCode */
	int		 has_success;
	char		*success_src;
};

/* What an evaluation sees: the job, and the run that ended if any. */
struct jobend_view {
	const struct jobend_ctx		*ctx;
	const struct job		*j;
	const struct jobend_policy	*p;
	const struct jobend_run		*r;	/* NULL: periodic */
};

const char *
jobend_action_str(enum jobend_action a)
{
	static const char *names[] = { "none", "requeue", "restart", "retry",
	    "complete", "hold", "release", "remove" };

	if ((size_t)a >= sizeof names / sizeof names[0])
		return "unknown";
	return names[a];
}

static int
jobend_set(struct expr_value *out, int64_t v)
{
	out->type = EXPR_INT;
	out->i = v;
	return 0;
}

static int
jobend_bool(struct expr_value *out, int v)
{
	out->type = EXPR_BOOL;
	out->b = v != 0;
	return 0;
}

static int
jobend_str(struct expr_value *out, const char *s)
{
	if (s == NULL)
		return -1;
	out->type = EXPR_STRING;
	out->s = xstrdup(s);
	return 0;
}

/* Run time so far, seconds: what was accounted plus the live segment. */
static int64_t
jobend_wallclock(const struct jobend_view *v)
{
	return job_run_time_ms(v->j, v->ctx->now_ms) / 1000;
}

/* The job ad of V's job, by HTCondor name (case-insensitive). */
static int
jobend_lookup(void *arg, int scope, const char *name, struct expr_value *out)
{
	const struct jobend_view	*v = arg;
	const struct job		*j = v->j;
	const struct jobend_run		*r = v->r;
	int				 code, sig, have_exit;

	if (scope == EXPR_SCOPE_TARGET)
		return -1;
	/* The exit being decided, else the job's last one. */
	code = r != NULL ? r->code : j->exit_code;
	sig = r != NULL ? r->signal : j->exit_signal;
	have_exit = r != NULL || j->exit_code >= 0 || j->exit_signal != 0;

	if (strcasecmp(name, "ClusterId") == 0)
		return jobend_set(out, j->cluster);
	if (strcasecmp(name, "ProcId") == 0)
		return jobend_set(out, j->proc);
	if (strcasecmp(name, "Owner") == 0)
		return jobend_str(out, j->owner);
	if (strcasecmp(name, "JobStatus") == 0)
		return jobend_set(out, j->state);
	if (strcasecmp(name, "JobPrio") == 0)
		return jobend_set(out, j->priority);
	if (strcasecmp(name, "RequestCpus") == 0)
		return jobend_set(out, j->request_cpus);
	if (strcasecmp(name, "RequestMemory") == 0)
		return jobend_set(out, j->request_memory_mb);
	if (strcasecmp(name, "QDate") == 0)
		return jobend_set(out, j->submitted / 1000);
	if (strcasecmp(name, "EnteredCurrentStatus") == 0)
		return jobend_set(out, (j->entered > 0 ? j->entered :
		    j->submitted) / 1000);
	if (strcasecmp(name, "JobStartDate") == 0 ||
	    strcasecmp(name, "JobCurrentStartDate") == 0)
		return j->started > 0 ? jobend_set(out, j->started / 1000) :
		    -1;
	if (strcasecmp(name, "NumJobStarts") == 0)
		return jobend_set(out, j->nstarts);
	if (strcasecmp(name, "JobRunCount") == 0 ||
	    strcasecmp(name, "NumShadowStarts") == 0)
		return jobend_set(out, j->run);
	if (strcasecmp(name, "NumJobCompletions") == 0)
		return jobend_set(out, j->ncompletions + (r != NULL));
	if (strcasecmp(name, "RemoteWallClockTime") == 0)
		return jobend_set(out, jobend_wallclock(v));
	if (strcasecmp(name, "RemoteUserCpu") == 0)
		return jobend_set(out, (r != NULL ? r->utime_ms :
		    j->utime_ms) / 1000);
	if (strcasecmp(name, "RemoteSysCpu") == 0)
		return jobend_set(out, (r != NULL ? r->stime_ms :
		    j->stime_ms) / 1000);
	if (strcasecmp(name, "ResidentSetSize") == 0 ||
	    strcasecmp(name, "ImageSize") == 0)
		return jobend_set(out, r != NULL ? r->maxrss_kb :
		    j->maxrss_kb);
	if (strcasecmp(name, "MemoryUsage") == 0)
		return jobend_set(out, ((r != NULL ? r->maxrss_kb :
		    j->maxrss_kb) + 1023) / 1024);
	if (strcasecmp(name, "NumJobEvictions") == 0 ||
	    strcasecmp(name, "NumEvictions") == 0)
		return jobend_set(out, j->nevictions);
	if (strcasecmp(name, "JobMaxRetries") == 0)
		return v->p != NULL && v->p->max_retries >= 0 ?
		    jobend_set(out, v->p->max_retries) : -1;
	if (strcasecmp(name, "JobSuccessExitCode") == 0)
		return v->p != NULL && v->p->has_success ?
		    jobend_set(out, v->p->success) : -1;
	if (strcasecmp(name, "ExitBySignal") == 0)
		return have_exit ? jobend_bool(out, sig != 0) : -1;
	if (strcasecmp(name, "ExitCode") == 0)
		return have_exit && sig == 0 && code >= 0 ?
		    jobend_set(out, code) : -1;
	if (strcasecmp(name, "ExitSignal") == 0)
		return have_exit && sig != 0 ? jobend_set(out, sig) : -1;
	if (strcasecmp(name, "JobCoreDumped") == 0)
		return r != NULL && sig != 0 ? jobend_bool(out, r->core) : -1;
	if (strcasecmp(name, "HoldReasonCode") == 0)
		return j->state == JOB_HELD ? jobend_set(out, j->hold_code) :
		    -1;
	if (strcasecmp(name, "HoldReasonSubCode") == 0)
		return j->state == JOB_HELD ?
		    jobend_set(out, j->hold_subcode) : -1;
	if (strcasecmp(name, "HoldReason") == 0)
		return j->state == JOB_HELD ? jobend_str(out, j->hold_reason) :
		    -1;
	if (strcasecmp(name, "RemoteHost") == 0)
		return (j->state == JOB_RUNNING || j->state == JOB_SUSPENDED) ?
		    jobend_str(out, j->machine) : -1;
	if (v->ctx->more != NULL)
		return v->ctx->more(v->ctx->more_arg, scope, name, out);
	return -1;
}

static void
jobend_eval(const struct jobend_view *v, const struct expr *e,
    struct expr_value *out)
{
	struct expr_env	 env;

	env.lookup = jobend_lookup;
	env.arg = (void *)v;
	env.now = v->ctx->now_ms / 1000;
	expr_eval_env(e, &env, out);
}

/*
 * A policy expression as HTCondor reads it: 1 fires, 0 not, -1 neither
 * (undefined, error, a string: JobPolicyUndefined).  Absent: 0.
 */
static int
jobend_fires(const struct jobend_view *v, const struct expr *e)
{
	struct expr_value	 val;
	int			 rc;

	if (e == NULL)
		return 0;
	jobend_eval(v, e, &val);
	switch (val.type) {
	case EXPR_BOOL:
		rc = val.b != 0;
		break;
	case EXPR_INT:
		rc = val.i != 0;
		break;
	case EXPR_REAL:
		rc = (int64_t)val.r != 0;
		break;
	case EXPR_UNDEFINED:
		/* `undefined` as written is false. */
		rc = strcasecmp(expr_source(e), "undefined") == 0 ? 0 : -1;
		break;
	default:
		rc = -1;
		break;
	}
	expr_value_clear(&val);
	return rc;
}

/* D holds J, for the expression ATTR (with source SRC) that gave FIRED. */
static void
jobend_hold_policy(const struct jobend_view *v, struct jobend_decision *d,
    const char *attr, const char *src, int fired, const struct expr *reason,
    const struct expr *subcode)
{
	struct expr_value	 val;

	d->action = JOBEND_HOLD;
	d->why[0] = '\0';
	d->hold_subcode = 0;
	if (fired == 1) {
		d->hold_code = JOBEND_HOLD_POLICY;
		if (subcode != NULL) {
			jobend_eval(v, subcode, &val);
			if (val.type == EXPR_INT && val.i >= INT32_MIN &&
			    val.i <= INT32_MAX)
				d->hold_subcode = (int)val.i;
			else if (val.type == EXPR_REAL && val.r >= INT32_MIN &&
			    val.r <= INT32_MAX)
				d->hold_subcode = (int)val.r;
			expr_value_clear(&val);
		}
		if (reason != NULL) {
			jobend_eval(v, reason, &val);
			if (val.type == EXPR_STRING && val.s[0] != '\0')
				strlcpy(d->why, val.s, sizeof d->why);
			expr_value_clear(&val);
		}
	} else
		d->hold_code = JOBEND_HOLD_POLICY_UNDEF;
	if (d->why[0] == '\0')
		snprintf(d->why, sizeof d->why, "The job attribute %s "
		    "expression '%s' evaluated to %s", attr, src,
		    fired == 1 ? "TRUE" : "UNDEFINED");
}

/* The text of "expression ATTR evaluated to TRUE/FALSE" into D->why. */
static void
jobend_said(struct jobend_decision *d, const char *attr, const char *src,
    int value)
{
	snprintf(d->why, sizeof d->why, "The job attribute %s expression "
	    "'%s' evaluated to %s", attr, src, value ? "TRUE" : "FALSE");
}

/* The periodic expressions; JOBEND_NONE if none fired. */
static enum jobend_action
jobend_periodic_view(const struct jobend_view *v, struct jobend_decision *d)
{
	const struct jobend_policy	*p = v->p;
	int				 f;

	if (p == NULL)
		return JOBEND_NONE;
	if (v->j->state != JOB_HELD) {
		f = jobend_fires(v, p->x[JX_PERIODIC_HOLD]);
		if (f != 0) {
			jobend_hold_policy(v, d, "PeriodicHold",
			    p->src[JX_PERIODIC_HOLD], f,
			    p->x[JX_PERIODIC_HOLD_REASON],
			    p->x[JX_PERIODIC_HOLD_SUBCODE]);
			return d->action;
		}
	} else if (v->j->hold_code != JOBEND_HOLD_USER) {
		/* (Not a job its owner held: HTCondor's schedd skips it.) */
		f = jobend_fires(v, p->x[JX_PERIODIC_RELEASE]);
		if (f == -1) {
			/* Already held: it stays so, nothing new. */
		} else if (f == 1) {
			d->action = JOBEND_RELEASE;
			jobend_said(d, "PeriodicRelease",
			    p->src[JX_PERIODIC_RELEASE], 1);
			return d->action;
		}
	}
	f = jobend_fires(v, p->x[JX_PERIODIC_REMOVE]);
	if (f == 1) {
		d->action = JOBEND_REMOVE;
		jobend_said(d, "PeriodicRemove", p->src[JX_PERIODIC_REMOVE], 1);
		return d->action;
	}
	if (f == -1 && v->j->state != JOB_HELD) {
		jobend_hold_policy(v, d, "PeriodicRemove",
		    p->src[JX_PERIODIC_REMOVE], -1, NULL, NULL);
		return d->action;
	}
	return JOBEND_NONE;
}

enum jobend_action
jobend_periodic(const struct jobend_ctx *ctx, const struct job *j,
    const struct jobend_policy *p, struct jobend_decision *d)
{
	struct jobend_view	 v = { ctx, j, p, NULL };

	memset(d, 0, sizeof *d);
	d->action = JOBEND_NONE;
	if (job_state_terminal(j->state))
		return JOBEND_NONE;
	return jobend_periodic_view(&v, d);
}

/* The run exited by itself: the policy decides (HTCondor's order). */
static void
jobend_exit_policy(const struct jobend_view *v, struct jobend_decision *d)
{
	const struct jobend_policy	*p = v->p;
	const char			*src;
	int				 f;

	d->exited = 1;
	if (jobend_periodic_view(v, d) != JOBEND_NONE)
		return;
	if (p == NULL) {
		d->action = JOBEND_COMPLETE;
		return;
	}
	f = jobend_fires(v, p->x[JX_ON_EXIT_HOLD]);
	if (f != 0) {
		jobend_hold_policy(v, d, "OnExitHold", p->src[JX_ON_EXIT_HOLD],
		    f, p->x[JX_ON_EXIT_HOLD_REASON],
		    p->x[JX_ON_EXIT_HOLD_SUBCODE]);
		return;
	}
	if (p->on_exit_remove == NULL) {
		d->action = JOBEND_COMPLETE;
		return;
	}
	src = expr_source(p->on_exit_remove);
	f = jobend_fires(v, p->on_exit_remove);
	if (f == -1) {
		jobend_hold_policy(v, d, "OnExitRemove", src, -1, NULL, NULL);
		return;
	}
	d->action = f ? JOBEND_COMPLETE : JOBEND_RETRY;
	jobend_said(d, "OnExitRemove", src, f);
}

/* The text of an eviction for the agent's REASON, or NULL. */
static const char *
jobend_kill_text(const char *reason)
{
	static const struct {
		const char	*reason;
		const char	*text;
	} texts[] = {
		{ "owner", "vacated: the desktop's owner came back" },
		{ "lease", "evicted: the agent did not hear the scheduler "
		    "within the job lease" },
		{ "vacate", "vacated by cq vacate" },
		{ "shutdown", "vacated: the agent shut down" },
		{ "removed", "killed by the scheduler" },
	};
	size_t	i;

	if (reason == NULL)
		return NULL;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (strcmp(reason, texts[i].reason) == 0)
			return texts[i].text;
	return NULL;
}

void
jobend_decide(const struct jobend_ctx *ctx, const struct job *j,
    const struct jobend_policy *p, const struct jobend_run *r,
    struct jobend_decision *d)
{
	struct jobend_view	 v = { ctx, j, p, r };
	const char		*why;
	int			 live;

	memset(d, 0, sizeof *d);
	live = j->state == JOB_RUNNING || j->state == JOB_SUSPENDED ||
	    j->state == JOB_TRANSFERRING_OUTPUT;
	if (!live) {
		/* A hold or a removal killed it: its end is only noted. */
		d->action = JOBEND_NONE;
		return;
	}
	if (r->evicted || (j->vacating && r->checkpoint)) {
		/* (A checkpoint of its own as cq vacate came: out.) */
		d->action = JOBEND_REQUEUE;
		d->keep_ckpt = r->checkpoint && r->files == 1;
		if (r->error == NULL &&
		    (why = jobend_kill_text(r->kill_reason)) != NULL) {
			/* What the agent says ended it. */
			snprintf(d->why, sizeof d->why, "%s%s", why,
			    d->keep_ckpt ? ", with a checkpoint" : "");
			return;
		}
		strlcpy(d->why, r->error != NULL ? r->error : j->vacating ?
		    "vacated by cq vacate" : d->keep_ckpt ?
		    "vacated with a checkpoint" :
		    "vacated: the desktop's owner came back", sizeof d->why);
		return;
	}
	if (r->checkpoint && r->error == NULL) {
		/* A periodic checkpoint: the agent runs it again. */
		d->action = JOBEND_RESTART;
		d->keep_ckpt = r->files == 1;
		if (!d->keep_ckpt)
			strlcpy(d->why, "files did not arrive intact",
			    sizeof d->why);
		return;
	}
	if (r->files == 0 && r->error == NULL && !j->vacating) {
		d->action = JOBEND_REQUEUE;
		strlcpy(d->why, "output transfer failed", sizeof d->why);
		return;
	}
	d->action = JOBEND_HOLD;
	if (r->files == -2 && !j->vacating) {
		d->hold_code = JOBEND_HOLD_OUTPUT;
		strlcpy(d->why, "the agent sent files the job did not ask for "
		    "(see the scheduler's log)", sizeof d->why);
		return;
	}
	if (r->files == -1 && !j->vacating) {
		d->hold_code = JOBEND_HOLD_OUTPUT;
		strlcpy(d->why, "cannot write the job's output files (see the "
		    "scheduler's log)", sizeof d->why);
		return;
	}
	if (r->error == NULL && r->memory_exceeded) {
		/* As HTCondor's starter (hold code 34). */
		d->hold_code = JOBEND_HOLD_RESOURCES;
		snprintf(d->why, sizeof d->why, JOB_HOLD_MEMORY "%lld "
		    "megabytes. Peak usage: %lld megabytes.  Consider "
		    "resubmitting with a higher request_memory.",
		    (long long)r->memory_limit_mb,
		    (long long)r->memory_peak_mb);
		return;
	}
	if (r->error == NULL && r->missing != NULL) {
		/* As HTCondor: an output it did not make (ENOENT). */
		d->hold_code = JOBEND_HOLD_OUTPUT;
		d->hold_subcode = 2;
		snprintf(d->why, sizeof d->why, "transfer_output_files: the "
		    "job made no %.200s", r->missing);
		return;
	}
	if (r->error != NULL) {
		d->hold_code = JOBEND_HOLD_START;
		snprintf(d->why, sizeof d->why, "could not start: %s",
		    r->error);
		return;
	}
	if (j->vacating && r->signal != 0 &&
	    j->state != JOB_TRANSFERRING_OUTPUT) {
		/*
		 * cq vacate: the kill was an eviction, it runs again.  (A
		 * run that ended by itself before the kill landed is an end.)
		 */
		d->action = JOBEND_REQUEUE;
		strlcpy(d->why, "vacated by cq vacate", sizeof d->why);
		return;
	}
	d->action = JOBEND_NONE;
	jobend_exit_policy(&v, d);
}

/* Parse one expression of SRC into P; -1 with ERR. */
static int
jobend_parse(const char *key, const char *text, struct expr **out, char *err,
    size_t errlen)
{
	char	 why[200];

	if ((*out = expr_parse(text, why, sizeof why)) == NULL) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

/* An exit code's text (0 to 255); -1 if it is not one. */
static int64_t
jobend_exit_code(const char *s)
{
	const char	*errstr;
	int64_t		 n;

	if (s == NULL || *s == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	n = strtonum(s, 0, 255, &errstr);
	return errstr == NULL ? n : -1;
}

int
jobend_policy_new(const struct jobend_src *src, struct jobend_policy **out,
    char *err, size_t errlen)
{
	struct jobend_policy	*p;
	const char		*s;
	char			*text = NULL, *t;
	int64_t			 until;
	int			 k, any = src->max_retries >= 0;

	*out = NULL;
	for (k = 0; k < JX_MAX; k++)
		any |= JOBEND_SRC(src, k) != NULL;
	any |= src->success_exit_code != NULL;
	if (!any)
		return 0;
	p = xcalloc(1, sizeof *p);
	p->refs = 1;
	p->max_retries = p->max_retries_src = src->max_retries;
	for (k = 0; k < JX_MAX; k++) {
		if ((s = JOBEND_SRC(src, k)) == NULL)
			continue;
		p->src[k] = xstrdup(s);
		/* retry_until N is ExitCode is N. */
		if (k == JX_RETRY_UNTIL && jobend_exit_code(s) >= 0)
			continue;
		if (jobend_parse(jobend_x[k].key, s, &p->x[k], err,
		    errlen) == -1)
			goto fail;
	}
	if (src->success_exit_code != NULL) {
		if ((p->success = jobend_exit_code(src->success_exit_code)) ==
		    -1) {
			snprintf(err, errlen, "success_exit_code: '%.32s' is "
			    "not an exit code (0 to 255)",
			    src->success_exit_code);
			goto fail;
		}
		p->has_success = 1;
		p->success_src = xstrdup(src->success_exit_code);
	}
	if (p->max_retries < 0 && (p->has_success ||
	    p->src[JX_RETRY_UNTIL] != NULL))
		p->max_retries = JOBEND_DEFAULT_RETRIES;
	if (p->max_retries >= 0) {
		/* HTCondor's generated OnExitRemove, OR'ed with the user's. */
		if (!p->has_success) {
			p->success = 0;
			p->has_success = 1;
		}
		xasprintf(&text, "NumJobCompletions > JobMaxRetries || "
		    "ExitCode is %lld", (long long)p->success);
		if ((s = p->src[JX_RETRY_UNTIL]) != NULL) {
			until = jobend_exit_code(s);
			if (until >= 0)
				xasprintf(&t, "%s || ExitCode is %lld", text,
				    (long long)until);
			else
				xasprintf(&t, "%s || (%s)", text, s);
			free(text);
			text = t;
		}
		if ((s = p->src[JX_ON_EXIT_REMOVE]) != NULL) {
			xasprintf(&t, "(%s) || %s", s, text);
			free(text);
			text = t;
		}
		if (jobend_parse("on_exit_remove", text, &p->on_exit_remove,
		    err, errlen) == -1)
			goto fail;
		free(text);
		text = NULL;
	} else if (p->src[JX_ON_EXIT_REMOVE] != NULL) {
		if (jobend_parse("on_exit_remove", p->src[JX_ON_EXIT_REMOVE],
		    &p->on_exit_remove, err, errlen) == -1)
			goto fail;
	}
	*out = p;
	return 0;

fail:
	free(text);
	jobend_policy_free(p);
	return -1;
}

static int
jobend_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
jobend_policy_same(const struct jobend_policy *p, const struct jobend_src *src)
{
	int	 k;

	if (p == NULL) {
		for (k = 0; k < JX_MAX; k++)
			if (JOBEND_SRC(src, k) != NULL)
				return 0;
		return src->max_retries < 0 && src->success_exit_code == NULL;
	}
	for (k = 0; k < JX_MAX; k++)
		if (!jobend_streq(p->src[k], JOBEND_SRC(src, k)))
			return 0;
	if (!jobend_streq(p->success_src, src->success_exit_code))
		return 0;
	return p->max_retries_src == src->max_retries;
}

struct jobend_policy *
jobend_policy_ref(struct jobend_policy *p)
{
	if (p != NULL)
		p->refs++;
	return p;
}

void
jobend_policy_free(struct jobend_policy *p)
{
	int	 k;

	if (p == NULL || --p->refs > 0)
		return;
	for (k = 0; k < JX_MAX; k++) {
		free(p->src[k]);
		expr_free(p->x[k]);
	}
	expr_free(p->on_exit_remove);
	free(p->success_src);
	free(p);
}

int
jobend_policy_periodic(const struct jobend_policy *p)
{
	return p != NULL && (p->x[JX_PERIODIC_HOLD] != NULL ||
	    p->x[JX_PERIODIC_RELEASE] != NULL ||
	    p->x[JX_PERIODIC_REMOVE] != NULL);
}
