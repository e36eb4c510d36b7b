/*
 * jobad.c: the HTCondor job-ad view of a job, what `-constraint EXPR`
 * (cq q, rm, hold, release, vacate) is evaluated against.  The ad is
 * built on demand from the job in memory (or a history row) and its
 * stored description: ClusterId, ProcId, Owner, JobStatus (1-7), JobPrio,
 * RequestCpus, RequestMemory (MiB), RequestDisk (KiB), Cmd, Args, Iwd,
 * QDate and JobStartDate (epoch seconds), RemoteHost, NumJobStarts,
 * ExitCode, ExitBySignal, ExitSignal, HoldReason, HoldReasonCode and
 * HoldReasonSubCode (as the job keeps them), EnteredCurrentStatus,
 * JobRunCount, NumJobCompletions, JobUniverse (5, vanilla),
 * RemoteWallClockTime (the cumulative run time, seconds), NumCkpts,
 * LastCkptTime, NumVacates, JobCurrentStartDate (while it runs),
 * CompletionDate, LastRemoteHost, CommittedTime (the goodput, seconds),
 * cq's CqBadputTime (the run time evictions and holds lost, seconds),
 * RemoteUserCpu, RemoteSysCpu (seconds) and ResidentSetSize (the peak,
 * KiB) of an ended job, then the job's +Attr
 * values (never shadowing a name above: names are case-insensitive).
 * Another user's job is seen in its public ad only (jobad_json's FULL 0):
 * Cmd is the executable alone, and Args, Iwd, Out, Err, UserLog and the
 * +Attr values are absent, so a constraint can neither show nor probe
 * them (docs/privacy.md).
 * A filter is a parsed constraint; a NULL filter matches every job.
 * jobad_policy() parses a stored job's policy expressions (jobend.c) and
 * jobad_lookup() gives them its +Attr values.
 * jobad_desc() decodes a stored description for the start order and
 * keeps the decodings of the last clusters started.
 * Callers: ctl.c (queries and actions), queue.c (the policy), agents.c
 * (the start order).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "clock.h"
#include "expr.h"
#include "jobad.h"
#include "jobdesc.h"
#include "jobend.h"
#include "jsonx.h"
#include "place.h"
#include "schedd.h"
#include "xmalloc.h"

struct jobad_filter {
	struct expr	*expr;
};

static void
jobad_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void
jobad_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* The arguments as one string, HTCondor's Args (space separated). */
static char *
jobad_args(struct json_object *arr)
{
	struct json_object	*e;
	char			*out = NULL, *t;
	size_t			 i, n;

	n = arr != NULL && json_object_is_type(arr, json_type_array) ?
	    json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_string))
			continue;
		if (out == NULL)
			out = xstrdup(json_object_get_string(e));
		else {
			xasprintf(&t, "%s %s", out, json_object_get_string(e));
			free(out);
			out = t;
		}
	}
	return out != NULL ? out : xstrdup("");
}

static int
jobad_has(struct json_object *o, const char *key)
{
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (strcasecmp(k, key) == 0)
			return 1;
	}
	return 0;
}

struct json_object *
jobad_json(const struct job *j, int full)
{
	struct json_object	*o, *desc = NULL, *custom;
	const char		*errstr;
	char			*args;

	o = json_object_new_object();
	jobad_int(o, "ClusterId", j->cluster);
	jobad_int(o, "ProcId", j->proc);
	jobad_str(o, "Owner", j->owner);
	jobad_int(o, "JobStatus", j->state);
	jobad_int(o, "JobPrio", j->priority);
	jobad_int(o, "RequestCpus", j->request_cpus);
	jobad_int(o, "RequestMemory", j->request_memory_mb);
	jobad_int(o, "QDate", j->submitted / 1000);
	if (j->started > 0)
		jobad_int(o, "JobStartDate", j->started / 1000);
	if (j->machine != NULL && (j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED))
		jobad_str(o, "RemoteHost", j->machine);
	jobad_int(o, "NumJobStarts", j->nstarts);
	if (job_state_terminal(j->state)) {
		if (j->exit_code >= 0)
			jobad_int(o, "ExitCode", j->exit_code);
		json_object_object_add(o, "ExitBySignal",
		    json_object_new_boolean(j->exit_signal != 0));
		if (j->exit_signal != 0)
			jobad_int(o, "ExitSignal", j->exit_signal);
	}
	if (j->state == JOB_HELD && j->hold_reason != NULL) {
		jobad_str(o, "HoldReason", j->hold_reason);
		jobad_int(o, "HoldReasonCode", j->hold_code);
		jobad_int(o, "HoldReasonSubCode", j->hold_subcode);
	}
	jobad_int(o, "EnteredCurrentStatus", (j->entered > 0 ? j->entered :
	    j->submitted) / 1000);
	jobad_int(o, "JobRunCount", j->run);
	jobad_int(o, "NumJobCompletions", j->ncompletions);
	jobad_int(o, "JobUniverse", 5);
	jobad_int(o, "RemoteWallClockTime",
	    job_run_time_ms(j, clock_now_ms()) / 1000);
	jobad_int(o, "NumCkpts", j->ckpt_version);
	if (j->ckpt_time > 0)
		jobad_int(o, "LastCkptTime", j->ckpt_time / 1000);
	jobad_int(o, "NumVacates", j->nevictions);
	if (j->started > 0 && (j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED || j->state == JOB_TRANSFERRING_OUTPUT))
		jobad_int(o, "JobCurrentStartDate", j->started / 1000);
	if (job_state_terminal(j->state) && j->finished > 0)
		jobad_int(o, "CompletionDate", j->finished / 1000);
	if (j->machine != NULL && !(j->state == JOB_RUNNING ||
	    j->state == JOB_SUSPENDED))
		jobad_str(o, "LastRemoteHost", j->machine);
	/* The run time that counted (HTCondor's CommittedTime) and cq's
	 * CqBadputTime, what evictions and holds threw away: seconds, to the
	 * millisecond (a short run's goodput is not 0). */
	json_object_object_add(o, "CommittedTime",
	    json_object_new_double((double)j->goodput_ms / 1000));
	json_object_object_add(o, "CqBadputTime",
	    json_object_new_double((double)j->badput_ms / 1000));
	if (job_state_terminal(j->state)) {
		json_object_object_add(o, "RemoteUserCpu",
		    json_object_new_double((double)j->utime_ms / 1000));
		json_object_object_add(o, "RemoteSysCpu",
		    json_object_new_double((double)j->stime_ms / 1000));
		jobad_int(o, "ResidentSetSize", j->maxrss_kb);
	}
	if (j->ad == NULL ||
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1) {
		if (full)
			jobad_str(o, "Cmd", j->cmd);
		return o;
	}
	/* The executable alone, as HTCondor's Cmd (Args has the rest). */
	jobad_str(o, "Cmd", jsonx_str(desc, "executable", full ? j->cmd :
	    NULL));
	jobad_int(o, "RequestDisk", jsonx_int(desc, "request_disk_kb", 0));
	/* Fair share's (share.c): as HTCondor's job ads carry them. */
	if (jsonx_str(desc, "accounting_group", NULL) != NULL) {
		jobad_str(o, "AcctGroup", jsonx_str(desc, "accounting_group",
		    NULL));
		jobad_str(o, "AcctGroupUser", jsonx_str(desc,
		    "accounting_group_user", j->owner));
		jobad_str(o, "AccountingGroup", j->submitter);
	}
	jobad_str(o, "ConcurrencyLimits", j->limits);
	json_object_object_add(o, "NiceUser",
	    json_object_new_boolean(jsonx_bool(desc, "nice_user", 0)));
	if (!full) {
		json_object_put(desc);
		return o;
	}
	args = jobad_args(jsonx_get(desc, "arguments"));
	jobad_str(o, "Args", args);
	free(args);
	jobad_str(o, "Iwd", jsonx_str(desc, "initialdir", NULL));
	jobad_str(o, "Out", jsonx_str(desc, "output", NULL));
	jobad_str(o, "Err", jsonx_str(desc, "error", NULL));
	jobad_str(o, "UserLog", jsonx_str(desc, "log", NULL));
	/* As condor_submit: said only when false. */
	if (!jsonx_bool(desc, "transfer_executable", 1))
		json_object_object_add(o, "TransferExecutable",
		    json_object_new_boolean(0));
	if ((custom = jsonx_get(desc, "custom")) != NULL &&
	    json_object_is_type(custom, json_type_object)) {
		json_object_object_foreach(custom, k, v) {
			if (!jobad_has(o, k))
				json_object_object_add(o, k,
				    json_object_get(v));
		}
	}
	json_object_put(desc);
	return o;
}

void
jobad_fill(struct job *j)
{
	struct json_object	*desc;
	const char		*errstr, *s;

	if (j->ad == NULL ||
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1)
		return;
	free(j->requirements);
	free(j->rank);
	s = jsonx_str(desc, "requirements", NULL);
	j->requirements = s != NULL ? xstrdup(s) : NULL;
	s = jsonx_str(desc, "rank", NULL);
	j->rank = s != NULL ? xstrdup(s) : NULL;
	j->request_disk_kb = jsonx_int(desc, "request_disk_kb", 0);
	j->runtime_s = jobad_runtime(jsonx_get(desc, "custom"));
	j->keeps = jobad_keeps(desc);
	json_object_put(desc);
}

int
jobad_keeps(struct json_object *desc)
{
	struct json_object	*in, *out;
	const char		*xfer;
	int64_t			 code;
	int			 wanted;

	/* jobdesc_xfer_wanted() on the description's JSON. */
	code = jsonx_int(desc, "checkpoint_exit_code", -1);
	xfer = jsonx_str(desc, "should_transfer_files", "IF_NEEDED");
	in = jsonx_get(desc, "transfer_input_files");
	out = jsonx_get(desc, "transfer_output_files");
	if (strcasecmp(xfer, "YES") == 0)
		wanted = 1;
	else if (strcasecmp(xfer, "NO") == 0)
		wanted = 0;
	else
		wanted = code >= 0 || (out != NULL &&
		    !json_object_is_type(out, json_type_null)) ||
		    (in != NULL && json_object_is_type(in, json_type_array) &&
		    json_object_array_length(in) > 0);
	return place_keeps(wanted, code, jsonx_str(desc, "checkpoint", NULL));
}

int64_t
jobad_runtime(struct json_object *custom)
{
	double	d;

	if (custom == NULL || !json_object_is_type(custom, json_type_object))
		return -1;
	json_object_object_foreach(custom, k, v) {
		if (strcasecmp(k, "ExpectedRuntime") != 0)
			continue;
		if (json_object_is_type(v, json_type_int))
			return json_object_get_int64(v) >= 0 ?
			    json_object_get_int64(v) : -1;
		if (!json_object_is_type(v, json_type_double))
			return -1;
		d = json_object_get_double(v);
		return d >= 0 && d < 1e15 ? (int64_t)(d + 0.5) : -1;
	}
	return -1;
}

static int
jobad_value_int(struct expr_value *out, int64_t i)
{
	out->type = EXPR_INT;
	out->i = i;
	return 0;
}

/* A JSON scalar as a value: 0, or -1 for what an ad cannot hold. */
static int
jobad_value_json(struct json_object *v, struct expr_value *out)
{
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		out->type = EXPR_BOOL;
		out->b = json_object_get_boolean(v);
		return 0;
	case json_type_int:
		return jobad_value_int(out, json_object_get_int64(v));
	case json_type_double:
		out->type = EXPR_REAL;
		out->r = json_object_get_double(v);
		return 0;
	case json_type_string:
		out->type = EXPR_STRING;
		out->s = xstrdup(json_object_get_string(v));
		return 0;
	default:
		return -1;
	}
}

int
jobad_value(const struct job *j, const char *name, struct expr_value *out)
{
	struct json_object	*desc, *custom;
	const char		*errstr;
	int			 rc = -1;

	memset(out, 0, sizeof *out);
	if (strcasecmp(name, "ClusterId") == 0)
		return jobad_value_int(out, j->cluster);
	if (strcasecmp(name, "ProcId") == 0)
		return jobad_value_int(out, j->proc);
	if (strcasecmp(name, "JobStatus") == 0)
		return jobad_value_int(out, j->state);
	if (strcasecmp(name, "JobPrio") == 0)
		return jobad_value_int(out, j->priority);
	if (strcasecmp(name, "RequestCpus") == 0)
		return jobad_value_int(out, j->request_cpus);
	if (strcasecmp(name, "RequestMemory") == 0)
		return jobad_value_int(out, j->request_memory_mb);
	if (strcasecmp(name, "RequestDisk") == 0)
		return jobad_value_int(out, j->request_disk_kb);
	if (strcasecmp(name, "QDate") == 0)
		return jobad_value_int(out, j->submitted / 1000);
	if (strcasecmp(name, "NumJobStarts") == 0)
		return jobad_value_int(out, j->nstarts);
	if (strcasecmp(name, "Owner") == 0 && j->owner != NULL) {
		out->type = EXPR_STRING;
		out->s = xstrdup(j->owner);
		return 0;
	}
	if (j->ad == NULL || strstr(j->ad, "\"custom\":{}") != NULL ||
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1)
		return -1;
	if ((custom = jsonx_get(desc, "custom")) != NULL &&
	    json_object_is_type(custom, json_type_object)) {
		json_object_object_foreach(custom, k, v) {
			if (strcasecmp(k, name) == 0) {
				rc = jobad_value_json(v, out);
				break;
			}
		}
	}
	json_object_put(desc);
	return rc;
}

int
jobad_filter_new(const char *src, struct jobad_filter **out, char *err,
    size_t errlen)
{
	struct expr	*e;
	char		 why[256];

	*out = NULL;
	if (src == NULL)
		return 0;
	if ((e = expr_parse(src, why, sizeof why)) == NULL) {
		snprintf(err, errlen, "bad constraint: %s", why);
		return -1;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->expr = e;
	return 0;
}

int
jobad_filter_match(struct jobad_filter *f, const struct job *j, int full)
{
	struct json_object	*ad;
	struct expr_value	 v;
	int			 yes;

	if (f == NULL)
		return 1;
	ad = jobad_json(j, full);
	expr_eval_json(f->expr, ad, NULL, &v);
	yes = expr_is_true(&v);
	expr_value_clear(&v);
	json_object_put(ad);
	return yes;
}

void
jobad_filter_free(struct jobad_filter *f)
{
	if (f == NULL)
		return;
	expr_free(f->expr);
	free(f);
}

/* The policy members of the description DESC as a jobend_src. */
static void
jobad_policy_src(struct json_object *desc, struct jobend_src *s)
{
	s->on_exit_remove = jsonx_str(desc, "on_exit_remove", NULL);
	s->on_exit_hold = jsonx_str(desc, "on_exit_hold", NULL);
	s->on_exit_hold_reason = jsonx_str(desc, "on_exit_hold_reason", NULL);
	s->on_exit_hold_subcode = jsonx_str(desc, "on_exit_hold_subcode",
	    NULL);
	s->periodic_hold = jsonx_str(desc, "periodic_hold", NULL);
	s->periodic_hold_reason = jsonx_str(desc, "periodic_hold_reason",
	    NULL);
	s->periodic_hold_subcode = jsonx_str(desc, "periodic_hold_subcode",
	    NULL);
	s->periodic_release = jsonx_str(desc, "periodic_release", NULL);
	s->periodic_remove = jsonx_str(desc, "periodic_remove", NULL);
	s->success_exit_code = jsonx_str(desc, "success_exit_code", NULL);
	s->retry_until = jsonx_str(desc, "retry_until", NULL);
	s->max_retries = jsonx_get(desc, "max_retries") != NULL ?
	    jsonx_int(desc, "max_retries", -1) : -1;
}

int
jobad_policy(const struct job *j, struct jobend_policy **out, char *err,
    size_t errlen)
{
	static struct jobend_policy	*last;
	struct json_object		*desc = NULL;
	struct jobend_src		 src;
	const char			*errstr;
	int				 rc = 0;

	*out = NULL;
	if (j->ad == NULL ||
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1)
		return 0;
	jobad_policy_src(desc, &src);
	/* The jobs of a cluster load one after the other: share. */
	if (last != NULL && jobend_policy_same(last, &src))
		*out = jobend_policy_ref(last);
	else if ((rc = jobend_policy_new(&src, out, err, errlen)) == 0 &&
	    *out != NULL) {
		jobend_policy_free(last);
		last = jobend_policy_ref(*out);
	}
	json_object_put(desc);
	return rc;
}

int
jobad_lookup(void *arg, int scope, const char *name, struct expr_value *out)
{
	const struct job	*j = arg;
	struct json_object	*desc = NULL, *custom, *v = NULL;
	const char		*errstr;
	int			 rc = -1;

	if (scope == EXPR_SCOPE_TARGET || j->ad == NULL ||
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == -1)
		return -1;
	if ((custom = jsonx_get(desc, "custom")) != NULL &&
	    json_object_is_type(custom, json_type_object)) {
		json_object_object_foreach(custom, k, val) {
			if (strcasecmp(k, name) == 0)
				v = val;
		}
	}
	/* Null, arrays and objects are not values here: not found. */
	expr_value_from_json(v, out);
	rc = out->type == EXPR_UNDEFINED || out->type == EXPR_ERROR ? -1 : 0;
	json_object_put(desc);
	return rc;
}

/*
 * The descriptions of the last clusters started, decoded.  The jobs of a
 * cluster have ads that differ in their proc, and in whatever else
 * $(Process) or an item expands to.  A job's ad is the text
 * jobdesc_wire_text() wrote, {"proc":N, then the rest; only such a text
 * is kept here (it is what its own decoding writes again, byte for
 * byte), so another text of the same rest and a proc in the same form
 * decodes to the same description but for its proc: a hit is exact, and
 * the ad's text is the order's description as it is.  Anything else is
 * decoded every time.
 */
#define JOBAD_CACHE	8

struct jobad_cached {
	int		 set;
	uint32_t	 cluster;
	char		*rest;		/* the ad from the ',' after N */
	size_t		 restlen;
	uint64_t	 used;		/* the last use, for eviction */
	struct jobdesc	 d;
};
static struct jobad_cached	 jobad_cache[JOBAD_CACHE];
static uint64_t			 jobad_cache_clock;
/* What is not cached: until the next call. */
static struct jobdesc		 jobad_scratch;
static char			*jobad_scratch_text;

/*
 * AD's {"proc":N, with N as jobdesc_wire_text() writes a proc (no sign,
 * no leading zero, at most UINT32_MAX): N in *PROC and the offset of
 * the ',' after it, or 0 if AD does not start so.
 */
static size_t
jobad_proc_prefix(const char *ad, uint32_t *proc)
{
	static const char	 pre[] = "{\"proc\":";
	size_t			 i = sizeof pre - 1, start = i;
	uint64_t		 n = 0;

	if (strncmp(ad, pre, sizeof pre - 1) != 0)
		return 0;
	while (ad[i] >= '0' && ad[i] <= '9' && i - start < 10)
		n = n * 10 + (uint64_t)(ad[i++] - '0');
	if (i == start || (ad[start] == '0' && i - start > 1) ||
	    n > UINT32_MAX || ad[i] != ',')
		return 0;
	*proc = (uint32_t)n;
	return i;
}

/* The slot of J's cluster, or the one used longest ago. */
static struct jobad_cached *
jobad_cache_slot(const struct job *j)
{
	struct jobad_cached	*c, *old = &jobad_cache[0];

	for (c = jobad_cache; c < jobad_cache + JOBAD_CACHE; c++) {
		if (c->set && c->cluster == j->cluster)
			return c;
		if (!c->set || (old->set && c->used < old->used))
			old = c;
	}
	return old;
}

int
jobad_desc(const struct job *j, const struct jobdesc **d, const char **text,
    size_t *len, const char **errstr)
{
	struct json_object	*desc;
	struct jobad_cached	*c;
	struct jobdesc		 nd;
	uint32_t		 proc = 0;
	size_t			 adlen, off, wlen;
	char			*wt;

	*d = NULL;
	*text = NULL;
	*len = 0;
	jobdesc_free(&jobad_scratch);
	free(jobad_scratch_text);
	jobad_scratch_text = NULL;
	if (j->ad == NULL) {
		*errstr = "no stored description";
		return -1;
	}
	adlen = strlen(j->ad);
	off = jobad_proc_prefix(j->ad, &proc);
	c = jobad_cache_slot(j);
	if (off > 0 && c->set && c->cluster == j->cluster &&
	    c->restlen == adlen - off &&
	    memcmp(c->rest, j->ad + off, c->restlen) == 0) {
		c->used = ++jobad_cache_clock;
		c->d.proc = proc;
		*d = &c->d;
		*text = j->ad;
		*len = adlen;
		return 0;
	}
	if (jsonx_parse(j->ad, adlen, &desc, errstr) == -1)
		return -1;
	if (jobdesc_from_json(desc, &nd, errstr) == -1) {
		json_object_put(desc);
		return -1;
	}
	json_object_put(desc);
	wt = jobdesc_wire_text(&nd, &wlen);
	if (off == 0 || wlen != adlen || memcmp(wt, j->ad, adlen) != 0) {
		/* Not the form a hit needs: decoded each time. */
		jobad_scratch = nd;
		jobad_scratch_text = wt;
		*d = &jobad_scratch;
		*text = wt;
		*len = wlen;
		return 0;
	}
	free(wt);
	jobdesc_free(&c->d);
	free(c->rest);
	c->set = 1;
	c->cluster = j->cluster;
	c->rest = xstrdup(j->ad + off);
	c->restlen = adlen - off;
	c->used = ++jobad_cache_clock;
	c->d = nd;
	*d = &c->d;
	*text = j->ad;
	*len = adlen;
	return 0;
}

/* The names an expression refers to, as expr_attrs() finds them. */
struct jobad_names {
	const char	**v;
	size_t		  n;
};

static void
jobad_name_add(void *arg, int scope, const char *name)
{
	struct jobad_names	*nm = arg;

	if (scope == EXPR_SCOPE_MY)
		return;		/* the machine's own */
	nm->v = xreallocarray(nm->v, nm->n + 1, sizeof *nm->v);
	nm->v[nm->n++] = name;
}

void
jobad_start_attrs(const struct job *j, const struct expr *start,
    struct agentmsg_start *so)
{
	struct jobad_names	 nm = { NULL, 0 };
	struct json_object	*o;
	struct expr_value	 v;
	size_t			 i;

	/* The order says it carries the job ad, even when start names none
	 * of the job's attributes: the agent judges it. */
	so->has_jobad = 1;
	if (start == NULL)
		return;
	expr_attrs(start, jobad_name_add, &nm);
	if (nm.n == 0)
		return;
	o = jobad_json(j, 1);
	/* As matching saw it, before queue_start(): idle, this run not yet
	 * counted, on no machine. */
	jobad_int(o, "JobStatus", JOB_IDLE);
	jobad_int(o, "NumJobStarts", j->nstarts > 0 ? j->nstarts - 1 : 0);
	jobad_int(o, "JobRunCount", j->run > 0 ? j->run - 1 : 0);
	json_object_object_del(o, "RemoteHost");
	json_object_object_del(o, "JobCurrentStartDate");
	json_object_object_foreach(o, k, jv) {
		for (i = 0; i < nm.n; i++)
			if (strcasecmp(k, nm.v[i]) == 0)
				break;
		/* Only what start names: the order stays small. */
		if (i == nm.n || jobad_value_json(jv, &v) == -1)
			continue;
		/* (A name or value the order cannot carry is left out.) */
		(void)agentmsg_start_attr_add(so, k, &v);
		expr_value_clear(&v);
	}
	json_object_put(o);
	free(nm.v);
}
