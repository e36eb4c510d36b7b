/*
 * ctl-fair.c: `cq qedit ID ATTR VALUE` and `cq prio -p N ID` (a qedit of
 * JobPrio), as condor_qedit and condor_prio do, and `cq userprio`.  An
 * edit changes idle or held jobs only, of the client's own (the
 * administrators: anybody's), and is checked whole first: every id must
 * name such a job and every new description must decode strictly, or
 * nothing changes.  VALUE is a ClassAd expression ("strings" quoted, as
 * condor_qedit takes them).  HTCondor's names map onto the description:
 * JobPrio, Requirements, Rank, RequestCpus, RequestMemory (MiB),
 * RequestDisk (KiB), AcctGroup, AcctGroupUser, ConcurrencyLimits; the
 * attributes cq keeps elsewhere (Owner, Cmd, the policy expressions ...)
 * are refused; any other name is a custom attribute (+Name).  A number
 * may be computed from the job's JobPrio, RequestCpus and RequestMemory
 * (cq prio +N sends "JobPrio + N").  userprio
 * shows every submitter's usage to anybody; -setfactor and -resetusage
 * are the administrators'.  Called by ctl.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "commit.h"
#include "ctl-int.h"
#include "factory.h"
#include "expr.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "schedd.h"
#include "share.h"
#include "xmalloc.h"

/* How an attribute's value is written into the description. */
enum edit_kind {
	EK_INT,		/* an integer literal within [min, max] */
	EK_EXPR,	/* an expression, kept as its source text */
	EK_NAME,	/* a string literal (or bare word) */
};

static const struct ctl_edit_attr {
	const char	*attr;		/* HTCondor's name */
	const char	*key;		/* the description's member */
	enum edit_kind	 kind;
	int64_t		 min, max;
} ctl_edit_attrs[] = {
	{ "JobPrio",		"priority",		EK_INT,
	    INT32_MIN, INT32_MAX },
	{ "Requirements",	"requirements",		EK_EXPR, 0, 0 },
	{ "Rank",		"rank",			EK_EXPR, 0, 0 },
	{ "RequestCpus",	"request_cpus",		EK_INT, 1, INT32_MAX },
	{ "RequestMemory",	"request_memory_mb",	EK_INT, 0, INT64_MAX },
	{ "RequestDisk",	"request_disk_kb",	EK_INT, 0, INT64_MAX },
	{ "AcctGroup",		"accounting_group",	EK_NAME, 0, 0 },
	{ "AcctGroupUser",	"accounting_group_user", EK_NAME, 0, 0 },
	{ "ConcurrencyLimits",	"concurrency_limits",	EK_NAME, 0, 0 },
};

/* Attributes of a job that cq keeps elsewhere: not edited here. */
static const char *const ctl_edit_fixed[] = {
	"Owner", "User", "ClusterId", "ProcId", "JobStatus", "QDate",
	"EnteredCurrentStatus", "Cmd", "Args", "Arguments", "Environment",
	"Env", "Iwd", "In", "Out", "Err", "UserLog", "JobUniverse",
	"MaxRetries", "OnExitRemove", "OnExitHold", "OnExitHoldReason",
	"OnExitHoldSubCode", "PeriodicHold", "PeriodicHoldReason",
	"PeriodicHoldSubCode", "PeriodicRelease", "PeriodicRemove",
	"RetryUntil", "NumJobCompletions",
	"SuccessExitCode", "NumJobStarts", "JobRunCount", "RemoteHost",
	"HoldReason", "HoldReasonCode", "TransferInput", "TransferOutput",
	"ShouldTransferFiles", "WhenToTransferOutput", "CheckpointExitCode",
	"TransferCheckpoint", "KillSig", "JobBatchName", "AccountingGroup",
	"JobNotification", "NiceUser", "ExitCode", "ExitSignal",
	"CompletionDate", "JobStartDate", "JobCurrentStartDate", "GlobalJobId",
	NULL
};

/* One job's new description, made before anything changes. */
struct ctl_edit_new {
	struct job	*job;
	struct jobdesc	 desc;
	char		*ad;
};

struct ctl_edit_walk {
	struct client		*c;
	const struct idlist	*ids;
	char			*found, *denied;
	struct job		**hits;
	size_t			 nhits, caphits;
};

static void
ctl_edit_cb(struct job *j, void *arg)
{
	struct ctl_edit_walk	*w = arg;
	ssize_t			 i;

	if (j->state == JOB_REMOVED)
		return;
	if ((i = ctl_idlist_find(w->ids, j->cluster, j->proc)) < 0)
		return;
	w->found[i] = 1;
	if (j->uid != w->c->uid && !ctl_is_admin(w->c)) {
		w->denied[i] = 1;
		return;
	}
	if (w->nhits == w->caphits) {
		w->caphits = w->caphits ? w->caphits * 2 : 16;
		w->hits = xreallocarray(w->hits, w->caphits, sizeof *w->hits);
	}
	w->hits[w->nhits++] = j;
}

static void
ctl_edit_ref(void *arg, int scope, const char *name)
{
	(*(int *)arg)++;
}

/* A number's value may use the job's own: JobPrio + 1 (cq prio +1). */
static int
ctl_edit_lookup(void *arg, int scope, const char *name,
    struct expr_value *out)
{
	const struct job	*j = arg;

	if (scope == EXPR_SCOPE_TARGET)
		return -1;
	out->type = EXPR_INT;
	if (strcasecmp(name, "JobPrio") == 0)
		out->i = j->priority;
	else if (strcasecmp(name, "RequestCpus") == 0)
		out->i = j->request_cpus;
	else if (strcasecmp(name, "RequestMemory") == 0)
		out->i = j->request_memory_mb;
	else
		return -1;
	return 0;
}

/*
 * VALUE as a JSON value for ATTR's member (a new object, NULL with ERR):
 * an integer, an expression's source, a name, or for a custom attribute
 * an integer, boolean or string literal or else the expression's text.
 */
static struct json_object *
ctl_edit_value(const struct ctl_edit_attr *a, const struct job *j,
    const char *value, char *err, size_t len)
{
	struct expr		*e;
	struct expr_value	 v;
	struct json_object	*o = NULL;
	char			 perr[256];
	int			 refs = 0;

	if ((e = expr_parse(value, perr, sizeof perr)) == NULL) {
		/* A name may be written bare: "lic:2" checked later. */
		if (a != NULL && a->kind == EK_NAME)
			return json_object_new_string(value);
		snprintf(err, len, "the value does not parse: %s", perr);
		return NULL;
	}
	if (a != NULL && a->kind == EK_EXPR) {
		o = json_object_new_string(value);
		goto done;
	}
	expr_attrs(e, ctl_edit_ref, &refs);
	expr_eval(e, a != NULL && a->kind == EK_INT ? ctl_edit_lookup : NULL,
	    (void *)j, &v);
	if (a != NULL && a->kind == EK_INT) {
		if (v.type != EXPR_INT || v.i < a->min || v.i > a->max)
			snprintf(err, len, "%s is a whole number from %lld to "
			    "%lld", a->attr, (long long)a->min,
			    (long long)a->max);
		else
			o = json_object_new_int64(v.i);
	} else if (a != NULL) {
		/* A name: "quoted", or a bare word that is no attribute. */
		if (v.type == EXPR_STRING)
			o = json_object_new_string(v.s);
		else
			o = json_object_new_string(value);
	} else if (!refs && v.type == EXPR_INT)
		o = json_object_new_int64(v.i);
	else if (!refs && v.type == EXPR_BOOL)
		o = json_object_new_boolean(v.b);
	else if (!refs && v.type == EXPR_STRING)
		o = json_object_new_string(v.s);
	else
		o = json_object_new_string(value);
	expr_value_clear(&v);
done:
	expr_free(e);
	return o;
}

/* Put VAL (taken) under custom attribute NAME, replacing any case. */
static void
ctl_edit_custom(struct json_object *custom, const char *name,
    struct json_object *val)
{
	char	*old = NULL;

	json_object_object_foreach(custom, k, v) {
		(void)v;
		if (strcasecmp(k, name) == 0) {
			old = xstrdup(k);
			break;
		}
	}
	if (old != NULL) {
		json_object_object_del(custom, old);
		free(old);
	}
	json_object_object_add(custom, name, val);
}

/* J's description with ATTR = VAL (taken): into N, or -1 with ERR. */
static int
ctl_edit_one(struct job *j, const struct ctl_edit_attr *a, const char *attr,
    struct json_object *val, struct ctl_edit_new *n, char *err, size_t len)
{
	struct json_object	*ad, *custom, *copy;
	const char		*errstr = NULL;
	size_t			 adlen;

	n->job = j;
	if (jsonx_parse(j->ad, strlen(j->ad), &ad, &errstr) == -1) {
		snprintf(err, len, "job %u.%u: its description: %s",
		    j->cluster, j->proc, errstr);
		json_object_put(val);
		return -1;
	}
	if (a != NULL)
		json_object_object_add(ad, a->key, val);
	else {
		/* The custom object may be shared: edit a copy. */
		custom = jsonx_get(ad, "custom");
		copy = NULL;
		if (custom == NULL ||
		    json_object_deep_copy(custom, &copy, NULL) != 0)
			copy = json_object_new_object();
		ctl_edit_custom(copy, attr, val);
		json_object_object_add(ad, "custom", copy);
	}
	if (jobdesc_from_json(ad, &n->desc, &errstr) == -1) {
		snprintf(err, len, "job %u.%u: %s: %s", j->cluster, j->proc,
		    attr, errstr);
		json_object_put(ad);
		return -1;
	}
	json_object_put(ad);
	if (share_check_desc(&n->desc, err, len) == -1)
		return -1;
	n->ad = jobdesc_wire_text(&n->desc, &adlen);
	return 0;
}

/* ATTR's entry, NULL for a custom attribute; -1 with ERR if refused. */
static int
ctl_edit_attr(const char *attr, const struct ctl_edit_attr **out, char *err,
    size_t len)
{
	size_t	i;

	*out = NULL;
	for (i = 0; i < sizeof ctl_edit_attrs / sizeof ctl_edit_attrs[0]; i++)
		if (strcasecmp(attr, ctl_edit_attrs[i].attr) == 0) {
			*out = &ctl_edit_attrs[i];
			return 0;
		}
	for (i = 0; ctl_edit_fixed[i] != NULL; i++)
		if (strcasecmp(attr, ctl_edit_fixed[i]) == 0) {
			snprintf(err, len, "%s cannot be changed with cq qedit "
			    "(it is not kept as an attribute of the job's; "
			    "remove and submit again)", ctl_edit_fixed[i]);
			return -1;
		}
	if (!jobdesc_is_attr(attr) || strlen(attr) > 256) {
		snprintf(err, len, "'%.64s' is not an attribute name", attr);
		return -1;
	}
	return 0;
}

void
ctl_edit(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct ctl_edit_walk		 w;
	struct ctl_edit_new		*nv = NULL;
	const struct ctl_edit_attr	*a;
	struct idlist			 ids;
	struct json_object		*reply, *val;
	struct factory			*f;
	const char			*attr = jsonx_str(msg, "attr", "");
	const char			*value = jsonx_str(msg, "value", "");
	const char			*errstr;
	char				 err[1024], detail[600];
	size_t				 i, done = 0;
	int				 bad = 0;

	memset(&w, 0, sizeof w);
	if (ctl_idlist(jsonx_get(msg, "ids"), &ids, &errstr) == -1) {
		peer_send_error(p, reqid, errstr);
		return;
	}
	if (ids.n == 0) {
		peer_send_error(p, reqid, "no job ids given");
		goto out;
	}
	if (ctl_edit_attr(attr, &a, err, sizeof err) == -1) {
		peer_send_error(p, reqid, err);
		goto out;
	}
	if (strlen(value) > EXPR_MAX_SOURCE) {
		peer_send_error(p, reqid, "value too long");
		goto out;
	}
	ctl_idlist_normalize(&ids);
	w.c = c;
	w.ids = &ids;
	w.found = xcalloc(ids.n + 1, 1);
	w.denied = xcalloc(ids.n + 1, 1);
	queue_walk(ctl_edit_cb, &w);
	f = NULL;
	for (i = 0; i < ids.n && !bad; i++) {
		if (!w.found[i] || w.denied[i]) {
			if (ids.proc[i] < 0)
				snprintf(err, sizeof err, "%s: %u",
				    w.denied[i] ? "permission denied: not "
				    "your job" : "no such job in the queue",
				    ids.cluster[i]);
			else
				snprintf(err, sizeof err, "%s: %u.%lld",
				    w.denied[i] ? "permission denied: not "
				    "your job" : "no such job in the queue",
				    ids.cluster[i], (long long)ids.proc[i]);
			bad = 1;
		} else if (ids.proc[i] < 0 && (f = factory_find(
		    ids.cluster[i])) != NULL && factory_waiting(f) > 0) {
			/*
			 * HTCondor edits a factory's cluster ad; cq keeps no
			 * such ad, and an edit of part of a cluster is not
			 * what was asked: refused.
			 */
			snprintf(err, sizeof err, "cluster %u has %llu jobs "
			    "not materialized yet (late materialization): "
			    "cq qedit edits jobs in the queue only; name them "
			    "as %u.PROC, or edit the cluster once all are "
			    "materialized", ids.cluster[i],
			    (unsigned long long)factory_waiting(f),
			    ids.cluster[i]);
			bad = 1;
		}
	}
	for (i = 0; i < w.nhits && !bad; i++) {
		if ((w.hits[i]->state != JOB_IDLE &&
		    w.hits[i]->state != JOB_HELD) || w.hits[i]->slot != NULL) {
			snprintf(err, sizeof err, "job %u.%u is %s: only idle "
			    "or held jobs can be edited", w.hits[i]->cluster,
			    w.hits[i]->proc, job_state_str(w.hits[i]->state));
			bad = 1;
		}
	}
	if (bad) {
		peer_send_error(p, reqid, err);
		goto out;
	}
	nv = xcalloc(w.nhits + 1, sizeof *nv);
	for (i = 0; i < w.nhits; i++) {
		if ((val = ctl_edit_value(a, w.hits[i], value, err,
		    sizeof err)) == NULL ||
		    ctl_edit_one(w.hits[i], a, a != NULL ? a->attr : attr, val,
		    &nv[i], err, sizeof err) == -1) {
			peer_send_error(p, reqid, err);
			goto out;
		}
	}
	snprintf(detail, sizeof detail, "%s = %.400s (by user %s)",
	    a != NULL ? a->attr : attr, value, c->owner);
	/* One unit: a store that refuses it undoes it all (commit.c). */
	commit_request_begin();
	queue_request_begin();
	for (i = 0; i < w.nhits; i++) {
		if (queue_edit(nv[i].job, nv[i].ad, &nv[i].desc, detail) == 0)
			done++;
		nv[i].ad = NULL;
	}
	if (commit_request_end() == -1) {
		queue_request_end(0);
		snprintf(err, sizeof err, "qedit failed, nothing was changed: "
		    "%s", commit_request_why());
		log_warnx("client %s: %s", c->owner, err);
		peer_send_error(p, reqid, err);
		goto out;
	}
	queue_request_end(1);
	log_info("client %s: qedit %s of %zu job(s)", c->owner,
	    a != NULL ? a->attr : attr, done);
	reply = json_object_new_object();
	json_object_object_add(reply, "count", json_object_new_int64(done));
	commit_later(p, MSG_OK, reqid, reply);
out:
	for (i = 0; nv != NULL && i < w.nhits; i++) {
		free(nv[i].ad);
		jobdesc_free(&nv[i].desc);
	}
	free(nv);
	free(w.found);
	free(w.denied);
	free(w.hits);
	ctl_idlist_free(&ids);
}

void
ctl_userprio(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct json_object	*reply;
	const char		*action = jsonx_str(msg, "action", "");
	const char		*name = jsonx_str(msg, "name", NULL);
	struct share_undo	 undo;
	char			 err[512];
	double			 factor;
	int			 rc;

	if (strcmp(action, "show") == 0) {
		reply = json_object_new_object();
		json_object_object_add(reply, "rows", share_rows());
		peer_send(p, MSG_QUERY_REPLY, reqid, reply);
		json_object_put(reply);
		return;
	}
	if (strcmp(action, "setfactor") != 0 &&
	    strcmp(action, "resetusage") != 0) {
		peer_send_error(p, reqid, "unknown action");
		return;
	}
	if (!ctl_is_admin(c)) {
		peer_send_error(p, reqid, "permission denied: only the "
		    "pool's administrators may change priority factors and "
		    "usage");
		return;
	}
	if (name == NULL || *name == '\0' || strlen(name) > JOBDESC_MAX_NAME ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-.@") != strlen(name)) {
		peer_send_error(p, reqid, "not a submitter's name (an owner, "
		    "or accounting_group.user)");
		return;
	}
	factor = json_object_get_double(jsonx_get(msg, "factor"));
	if (strcmp(action, "setfactor") == 0 &&
	    (jsonx_get(msg, "factor") == NULL || !isfinite(factor) ||
	    factor < 1 || factor > FAIRSHARE_MAX_FACTOR)) {
		peer_send_error(p, reqid, "a priority factor is a number from "
		    "1 to 1e12");
		return;
	}
	/* One unit: a store that refuses it undoes it (commit.c). */
	commit_request_begin();
	rc = strcmp(action, "setfactor") == 0 ?
	    share_set_factor(name, factor, &undo) :
	    share_reset_usage(name, &undo);
	if (rc == -1)
		commit_request_fail("no such submitter");
	if (commit_request_end() == -1) {
		if (rc == 0)
			share_undo(&undo);
		snprintf(err, sizeof err, "%s failed, nothing was changed: %s",
		    action, commit_request_why());
		peer_send_error(p, reqid, err);
		return;
	}
	if (rc == 0 && strcmp(action, "setfactor") == 0)
		log_info("client %s: priority factor of %s set to %g",
		    c->owner, name, factor);
	else
		log_info("client %s: usage of %s reset", c->owner, name);
	reply = json_object_new_object();
	json_object_object_add(reply, "count", json_object_new_int(1));
	commit_later(p, MSG_OK, reqid, reply);
}
