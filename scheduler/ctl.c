/*
 * ctl.c: the client socket.  Each connection is a local user whose uid the
 * kernel tells us (SO_PEERCRED).  Requests: submit (all jobs of it or
 * none, answered after the commit), query (jobs, batches, machines,
 * history, why; nothing changes; answered at once, or after the turn's
 * commit when the turn has changes the rows may show; the filters of `cq
 * q` are in ctl_job_selected()) and act (rm, hold, release, vacate of jobs
 * by id, -a or constraint (jobad.c); drain, undrain, vacate of machines;
 * answered after the commit).  A request is checked whole before anything
 * is written, so a bad one changes nothing: every id of an act must name a
 * job in the queue that the client may change.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "agents.h"
#include "batches.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "ctl.h"
#include "jobad.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "rows.h"
#include "schedd.h"
#include "stage.h"
#include "store.h"
#include "why.h"
#include "xmalloc.h"

#define CTL_OUTMAX	(600u * 1024 * 1024)	/* above the largest reply */
#define CTL_MAX_IDS	100000
#define CTL_MAX_HISTORY	100000		/* rows in one history reply */

struct client {
	uid_t			 uid;
	pid_t			 pid;
	char			 owner[64];
	int			 hello;
	struct stage		*stage;		/* files put before a submit */
};

static struct peer_listener	*ctl_listener;

static struct json_object *
ctl_job_row(const struct job *j)
{
	struct json_object	*o;
	char			 id[32];

	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "cluster", json_object_new_int64(j->cluster));
	json_object_object_add(o, "proc", json_object_new_int64(j->proc));
	json_object_object_add(o, "owner", json_object_new_string(j->owner));
	json_object_object_add(o, "state",
	    json_object_new_string(job_state_str(j->state)));
	json_object_object_add(o, "st",
	    json_object_new_string(job_state_letter(j->state)));
	json_object_object_add(o, "priority", json_object_new_int(j->priority));
	json_object_object_add(o, "cmd", json_object_new_string(j->cmd));
	json_object_object_add(o, "submitted",
	    json_object_new_int64(j->submitted));
	json_object_object_add(o, "started", json_object_new_int64(j->started));
	json_object_object_add(o, "finished",
	    json_object_new_int64(j->finished));
	json_object_object_add(o, "run", json_object_new_int64(j->run));
	json_object_object_add(o, "machine", j->machine ?
	    json_object_new_string(j->machine) : NULL);
	json_object_object_add(o, "request_cpus",
	    json_object_new_int64(j->request_cpus));
	json_object_object_add(o, "request_memory_mb",
	    json_object_new_int64(j->request_memory_mb));
	if (j->state == JOB_HELD && j->hold_reason != NULL)
		json_object_object_add(o, "hold_reason",
		    json_object_new_string(j->hold_reason));
	json_object_object_add(o, "nstarts", json_object_new_int(j->nstarts));
	if (job_state_terminal(j->state)) {
		json_object_object_add(o, "exit_code", j->exit_code >= 0 ?
		    json_object_new_int(j->exit_code) : NULL);
		json_object_object_add(o, "exit_signal",
		    json_object_new_int(j->exit_signal));
		json_object_object_add(o, "utime_ms",
		    json_object_new_int64(j->utime_ms));
		json_object_object_add(o, "stime_ms",
		    json_object_new_int64(j->stime_ms));
		json_object_object_add(o, "maxrss_kb",
		    json_object_new_int64(j->maxrss_kb));
	}
	json_object_object_add(o, "last_ckpt_ms",
	    json_object_new_int64(j->ckpt_time));
	json_object_object_add(o, "ckpt_version",
	    json_object_new_int64(j->ckpt_version));
	json_object_object_add(o, "evictions",
	    json_object_new_int(j->nevictions));
	json_object_object_add(o, "goodput_ms",
	    json_object_new_int64(j->goodput_ms));
	json_object_object_add(o, "badput_ms",
	    json_object_new_int64(j->badput_ms));
	return o;
}

/* A parsed list of ids: cluster, and proc or -1 for all procs. */
struct idlist {
	uint32_t	*cluster;
	int64_t		*proc;
	size_t		 n;
};

static void
ctl_idlist_free(struct idlist *ids)
{
	free(ids->cluster);
	free(ids->proc);
	memset(ids, 0, sizeof *ids);
}

static int
ctl_idlist(struct json_object *arr, struct idlist *ids, const char **errstr)
{
	struct json_object	*e;
	size_t			 i, n;

	memset(ids, 0, sizeof *ids);
	if (arr == NULL)
		return 0;
	n = json_object_array_length(arr);
	if (n > CTL_MAX_IDS) {
		*errstr = "too many job ids";
		return -1;
	}
	ids->cluster = xcalloc(n, sizeof *ids->cluster);
	ids->proc = xcalloc(n, sizeof *ids->proc);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_string) ||
		    job_id_parse(json_object_get_string(e), &ids->cluster[i],
		    &ids->proc[i]) == -1) {
			*errstr = "bad job id (expected CLUSTER or CLUSTER.PROC)";
			ctl_idlist_free(ids);
			return -1;
		}
	}
	ids->n = n;
	return 0;
}

static int
ctl_id_cmp(const void *a, const void *b)
{
	const int64_t	*x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	return 0;
}

/*
 * Sort the ids and drop repeats and procs of a cluster named whole, so
 * that each job is walked once however the ids overlap.
 */
static void
ctl_idlist_normalize(struct idlist *ids)
{
	int64_t	*pairs;
	size_t	 i, o = 0;

	if (ids->n < 2)
		return;
	pairs = xcalloc(ids->n, 2 * sizeof *pairs);
	for (i = 0; i < ids->n; i++) {
		pairs[2 * i] = ids->cluster[i];
		pairs[2 * i + 1] = ids->proc[i];
	}
	qsort(pairs, ids->n, 2 * sizeof *pairs, ctl_id_cmp);
	for (i = 0; i < ids->n; i++) {
		if (o > 0 && ids->cluster[o - 1] == (uint32_t)pairs[2 * i] &&
		    (ids->proc[o - 1] < 0 ||
		    ids->proc[o - 1] == pairs[2 * i + 1]))
			continue;
		ids->cluster[o] = (uint32_t)pairs[2 * i];
		ids->proc[o] = pairs[2 * i + 1];
		o++;
	}
	ids->n = o;
	free(pairs);
}

/* The pool's administrator: root or the user the scheduler runs as. */
static int
ctl_is_admin(const struct client *c)
{
	return c->uid == 0 || c->uid == getuid();
}

/*
 * The index of the first id of a normalized IDS that names CLUSTER.PROC,
 * or -1.  Normalized ids are sorted, so a binary search finds the cluster.
 */
static ssize_t
ctl_idlist_find(const struct idlist *ids, uint32_t cluster, uint32_t proc)
{
	size_t	lo = 0, hi = ids->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids->cluster[mid] < cluster)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ids->n && ids->cluster[lo] == cluster; lo++)
		if (ids->proc[lo] < 0 || ids->proc[lo] == (int64_t)proc)
			return (ssize_t)lo;
	return -1;
}

struct ctl_walk {
	struct json_object	*rows;
	const struct idlist	*ids;
	const char		*owner;
	int64_t			 limit;
	struct client		*c;
	struct jobad_filter	*filter;
	int			 desc;		/* rows carry the description */
	int			 why;		/* rows are why_explain()s */
	struct job		**hits;
	size_t			 nhits, caphits;
	int			 denied;
	struct json_object	*owners;	/* any of these owners */
	int			 mine;		/* only the client's jobs */
	enum job_state		 state;		/* 0: any */
	struct batches		*batches;	/* what=batches */
	enum rows_field		 fields[ROWS_MAX_FIELDS];
	size_t			 nfields;	/* 0: rows are objects */
	struct rows_text	*text;		/* with fields: rows as text */
};

/* J's row, with its description (the submitted ad) if W asks for it. */
static struct json_object *
ctl_row(const struct ctl_walk *w, const struct job *j)
{
	struct json_object	*o, *desc;
	const char		*errstr;

	if (w->why)
		return why_explain(j);
	o = ctl_job_row(j);
	if (w->desc && j->ad != NULL &&
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == 0)
		json_object_object_add(o, "desc", desc);
	return o;
}

/* 1 if the query of W selects J (the filters of `cq q`). */
static int
ctl_job_selected(const struct ctl_walk *w, const struct job *j)
{
	size_t	i, n;

	if (j->state == JOB_REMOVED)
		return 0;	/* on its way out */
	if (w->owner != NULL && strcmp(j->owner, w->owner) != 0)
		return 0;
	if (w->state != 0 && j->state != w->state)
		return 0;
	if (w->mine && j->uid != w->c->uid)
		return 0;
	if (!jobad_filter_match(w->filter, j))
		return 0;
	/* Owner names and ids select jobs of either, as in condor_q. */
	n = w->owners != NULL ? json_object_array_length(w->owners) : 0;
	for (i = 0; i < n; i++)
		if (strcmp(j->owner, json_object_get_string(
		    json_object_array_get_idx(w->owners, i))) == 0)
			return 1;
	if (n > 0 && w->ids->n == 0)
		return 0;
	return w->ids->n == 0 ||
	    ctl_idlist_find(w->ids, j->cluster, j->proc) >= 0;
}

/* The state named S: its name ("IDLE") or condor_q letter ("I"). */
static int
ctl_state_parse(const char *s, enum job_state *out)
{
	int	st;

	for (st = JOB_IDLE; st <= JOB_SUSPENDED; st++) {
		if (strcasecmp(s, job_state_str(st)) == 0 ||
		    strcasecmp(s, job_state_letter(st)) == 0) {
			*out = st;
			return 0;
		}
	}
	return -1;
}

/* Check the owners, mine and state members of a query into W. */
static int
ctl_filters(struct ctl_walk *w, struct json_object *msg,
    const char **errstr)
{
	struct json_object	*e;
	const char		*state;
	size_t			 i, n;

	w->owners = jsonx_get(msg, "owners");
	n = w->owners != NULL ? json_object_array_length(w->owners) : 0;
	if (n > 1000) {
		*errstr = "too many owners";
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(w->owners, i);
		if (!json_object_is_type(e, json_type_string)) {
			*errstr = "owners must be strings";
			return -1;
		}
	}
	if ((e = jsonx_get(msg, "fields")) != NULL) {
		n = json_object_array_length(e);
		if (n == 0 || n > ROWS_MAX_FIELDS) {
			*errstr = "bad number of fields";
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (rows_field_parse(json_object_get_string(
			    json_object_array_get_idx(e, i)),
			    &w->fields[i]) == -1) {
				*errstr = "unknown field";
				return -1;
			}
		}
		w->nfields = n;
	}
	w->mine = jsonx_bool(msg, "mine", 0);
	if ((state = jsonx_str(msg, "state", NULL)) != NULL &&
	    ctl_state_parse(state, &w->state) == -1) {
		*errstr = "unknown job state";
		return -1;
	}
	return 0;
}

static void
ctl_jobs_cb(struct job *j, void *arg)
{
	struct ctl_walk	*w = arg;

	if (!ctl_job_selected(w, j))
		return;
	if (w->limit > 0 && (int64_t)(w->text != NULL ?
	    rows_text_count(w->text) : json_object_array_length(w->rows)) >=
	    w->limit)
		return;
	if (w->text != NULL)
		rows_text_job(w->text, j, w->fields, w->nfields);
	else
		json_object_array_add(w->rows, ctl_row(w, j));
}

static void
ctl_batches_cb(struct job *j, void *arg)
{
	struct ctl_walk	*w = arg;

	if (ctl_job_selected(w, j))
		batches_add(w->batches, j);
}

static int
ctl_history_cb(void *arg, const struct job *j)
{
	struct ctl_walk	*w = arg;

	if (!jobad_filter_match(w->filter, j))
		return 0;
	json_object_array_add(w->rows, ctl_row(w, j));
	return 0;
}

static void
ctl_machines_cb(struct machine *m, void *arg)
{
	struct ctl_walk		*w = arg;
	struct json_object	*o;
	struct slot		*s;
	char			 name[160], id[32];
	int			 i;
	int64_t			 now = clock_mono_ms();

	for (i = 0; i < m->nslots; i++) {
		s = m->slots[i];
		snprintf(name, sizeof name, "slot%d@%s", s->id, m->name);
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "machine",
		    json_object_new_string(m->name));
		json_object_object_add(o, "slot", json_object_new_int(s->id));
		json_object_object_add(o, "state", json_object_new_string(
		    !m->online ? "OFFLINE" : slot_state_str(s->state)));
		json_object_object_add(o, "connected",
		    json_object_new_boolean(m->peer != NULL));
		json_object_object_add(o, "cpus", json_object_new_int64(s->cpus));
		json_object_object_add(o, "memory_mb",
		    json_object_new_int64(s->memory_mb));
		json_object_object_add(o, "contact_age_ms",
		    json_object_new_int64(now - m->contact));
		rows_machine_owner(o, m, s, now);
		if (s->job != NULL) {
			snprintf(id, sizeof id, "%u.%u", s->job->cluster,
			    s->job->proc);
			json_object_object_add(o, "job",
			    json_object_new_string(id));
		} else
			json_object_object_add(o, "job", NULL);
		json_object_array_add(w->rows, o);
	}
}

static void
ctl_query(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct ctl_walk		 w;
	struct idlist		 ids;
	struct json_object	*reply;
	const char		*what = jsonx_str(msg, "what", ""), *errstr;
	char			 err[512], *text;
	size_t			 i, rows, len;

	if (ctl_idlist(jsonx_get(msg, "ids"), &ids, &errstr) == -1) {
		peer_send_error(p, reqid, errstr);
		return;
	}
	memset(&w, 0, sizeof w);
	if (jobad_filter_new(jsonx_str(msg, "constraint", NULL), &w.filter,
	    err, sizeof err) == -1) {
		ctl_idlist_free(&ids);
		peer_send_error(p, reqid, err);
		return;
	}
	w.rows = json_object_new_array();
	w.ids = &ids;
	w.owner = jsonx_str(msg, "owner", NULL);
	w.limit = jsonx_int(msg, "limit", 0);
	w.desc = jsonx_bool(msg, "desc", 0);
	w.c = c;
	if (ctl_filters(&w, msg, &errstr) == -1) {
		json_object_put(w.rows);
		ctl_idlist_free(&ids);
		jobad_filter_free(w.filter);
		peer_send_error(p, reqid, errstr);
		return;
	}
	if (strcmp(what, "jobs") == 0 || strcmp(what, "why") == 0)
		ctl_idlist_normalize(&ids);
	if (strcmp(what, "jobs") == 0 && w.nfields > 0) {
		/* Compact rows, written as text: no objects to build. */
		w.text = rows_text_new();
		queue_walk(ctl_jobs_cb, &w);
		text = rows_text_finish(w.text, &len);
		json_object_put(w.rows);
		ctl_idlist_free(&ids);
		jobad_filter_free(w.filter);
		/* Waiting for the commit (below) is rare: then as an object. */
		if (!store_in_txn(sd->store))
			peer_send_text(p, MSG_QUERY_REPLY, reqid, text, len);
		else if (jsonx_parse(text, len, &reply, &errstr) == 0)
			commit_later(p, MSG_QUERY_REPLY, reqid, reply);
		else
			peer_send_error(p, reqid, errstr);
		free(text);
		return;
	} else if (strcmp(what, "jobs") == 0 || strcmp(what, "why") == 0) {
		w.why = strcmp(what, "why") == 0;
		queue_walk(ctl_jobs_cb, &w);
	} else if (strcmp(what, "batches") == 0) {
		w.batches = batches_new();
		queue_walk(ctl_batches_cb, &w);
		json_object_put(w.rows);
		w.rows = batches_rows(w.batches);
		batches_free(w.batches);
	} else if (strcmp(what, "machines") == 0)
		agents_walk(ctl_machines_cb, &w);
	else if (strcmp(what, "history") == 0) {
		/* The store is big; one reply stays bounded. */
		if (w.limit <= 0 || w.limit > CTL_MAX_HISTORY)
			w.limit = CTL_MAX_HISTORY;
		ctl_idlist_normalize(&ids);
		if (ids.n == 0)
			store_history(sd->store, 0, -1, w.owner, w.limit,
			    ctl_history_cb, &w);
		for (i = 0; i < ids.n; i++) {
			rows = json_object_array_length(w.rows);
			if ((int64_t)rows >= w.limit)
				break;
			store_history(sd->store, ids.cluster[i], ids.proc[i],
			    w.owner, w.limit - (int64_t)rows, ctl_history_cb,
			    &w);
		}
	} else {
		json_object_put(w.rows);
		ctl_idlist_free(&ids);
		jobad_filter_free(w.filter);
		peer_send_error(p, reqid, "unknown query");
		return;
	}
	ctl_idlist_free(&ids);
	jobad_filter_free(w.filter);
	reply = json_object_new_object();
	json_object_object_add(reply, "rows", w.rows);
	/*
	 * The rows may show changes of this turn that are not durable yet
	 * (a job gone from the queue): then the answer waits for the commit
	 * like any other, so `cq wait` never returns before the job's end
	 * is on disk and in its event log.
	 */
	if (store_in_txn(sd->store))
		commit_later(p, MSG_QUERY_REPLY, reqid, reply);
	else {
		peer_send(p, MSG_QUERY_REPLY, reqid, reply);
		json_object_put(reply);
	}
}

struct ctl_act_walk {
	struct client		*c;
	const struct idlist	*ids;
	int			 all;
	struct jobad_filter	*filter;
	char			*found;		/* per id: names some job */
	char			*denied;	/* per id: names another's */
	struct job		**hits;
	size_t			 nhits, caphits;
};

static void
ctl_act_cb(struct job *j, void *arg)
{
	struct ctl_act_walk	*w = arg;
	ssize_t			 i = -1;

	if (j->state == JOB_REMOVED)
		return;		/* on its way out */
	if (!w->all && (i = ctl_idlist_find(w->ids, j->cluster,
	    j->proc)) < 0)
		return;
	if (i >= 0)
		w->found[i] = 1;	/* it exists, whatever the constraint */
	if (!jobad_filter_match(w->filter, j))
		return;
	if (j->uid != w->c->uid && !ctl_is_admin(w->c)) {
		if (i >= 0)
			w->denied[i] = 1;
		return;		/* -a: all of mine */
	}
	if (w->nhits == w->caphits) {
		w->caphits = w->caphits ? w->caphits * 2 : 64;
		w->hits = xreallocarray(w->hits, w->caphits, sizeof *w->hits);
	}
	w->hits[w->nhits++] = j;
}

/* Append "ID" to the error text in B, after WHAT at its first use. */
static void
ctl_act_err(char *b, size_t len, int *first, const char *what,
    const struct idlist *ids, size_t i)
{
	char	id[40];
	size_t	o = strlen(b);

	if (ids->proc[i] < 0)
		snprintf(id, sizeof id, "%u", ids->cluster[i]);
	else
		snprintf(id, sizeof id, "%u.%lld", ids->cluster[i],
		    (long long)ids->proc[i]);
	snprintf(b + o, len - o, "%s%s%s", *first ? (o > 0 ? "; " : "") :
	    ", ", *first ? what : "", id);
	*first = 0;
}

/* drain, undrain, vacate: orders to agents, for the pool's admin. */
static void
ctl_machines_act(struct peer *p, struct client *c, uint32_t reqid,
    const char *action, struct json_object *names)
{
	struct json_object	*o, *e;
	struct machine		*m;
	size_t			 i, n;
	int			 done = 0;
	char			 why[128];

	if (c->uid != 0 && c->uid != getuid()) {
		peer_send_error(p, reqid, "permission denied: only the "
		    "pool's administrator may drain or vacate machines");
		return;
	}
	n = names != NULL ? json_object_array_length(names) : 0;
	if (n == 0) {
		peer_send_error(p, reqid, "no machine named");
		return;
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(names, i);
		if (!json_object_is_type(e, json_type_string) ||
		    agents_machine(json_object_get_string(e)) == NULL) {
			peer_send_error(p, reqid, "no such machine");
			return;
		}
	}
	for (i = 0; i < n; i++) {
		m = agents_machine(json_object_get_string(
		    json_object_array_get_idx(names, i)));
		o = json_object_new_object();
		if (strcmp(action, "vacate") == 0) {
			snprintf(why, sizeof why, "cq vacate by %s",
			    c->owner);
			json_object_object_add(o, "reason",
			    json_object_new_string(why));
			agents_order(m, MSG_VACATE, o);
		} else {
			json_object_object_add(o, "on",
			    json_object_new_boolean(strcmp(action,
			    "drain") == 0));
			agents_order(m, MSG_DRAIN, o);
		}
		json_object_put(o);
		log_info("client %s: %s %s", c->owner, action, m->name);
		done++;
	}
	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int(done));
	peer_send(p, MSG_OK, reqid, o);
	json_object_put(o);
}

static void
ctl_act(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct ctl_act_walk	 w;
	struct idlist		 ids;
	struct json_object	*reply;
	const char		*action = jsonx_str(msg, "action", "");
	const char		*reason = jsonx_str(msg, "reason", NULL);
	const char		*errstr;
	char			 by[1100], err[1024];
	size_t			 i;
	int64_t			 done = 0;
	int			 first;

	memset(&w, 0, sizeof w);
	memset(&ids, 0, sizeof ids);
	if (strcmp(action, "drain") == 0 || strcmp(action, "undrain") == 0 ||
	    (strcmp(action, "vacate") == 0 &&
	    jsonx_get(msg, "machines") != NULL)) {
		ctl_machines_act(p, c, reqid, action,
		    jsonx_get(msg, "machines"));
		return;
	}
	if (strcmp(action, "rm") != 0 && strcmp(action, "hold") != 0 &&
	    strcmp(action, "release") != 0 && strcmp(action, "vacate") != 0) {
		peer_send_error(p, reqid, "unknown action");
		return;
	}
	if (reason != NULL && (strlen(reason) > 512 ||
	    strcmp(action, "hold") != 0)) {
		peer_send_error(p, reqid, strcmp(action, "hold") != 0 ?
		    "a reason is for hold only" : "reason too long");
		return;
	}
	if (ctl_idlist(jsonx_get(msg, "ids"), &ids, &errstr) == -1) {
		peer_send_error(p, reqid, errstr);
		return;
	}
	w.all = jsonx_bool(msg, "all", 0) ||
	    (ids.n == 0 && jsonx_get(msg, "constraint") != NULL);
	if (ids.n == 0 && !w.all) {
		peer_send_error(p, reqid, "no job ids given");
		goto done;
	}
	if (jobad_filter_new(jsonx_str(msg, "constraint", NULL), &w.filter,
	    err, sizeof err) == -1) {
		peer_send_error(p, reqid, err);
		goto done;
	}
	ctl_idlist_normalize(&ids);
	w.c = c;
	w.ids = &ids;
	w.found = xcalloc(ids.n + 1, 1);
	w.denied = xcalloc(ids.n + 1, 1);
	queue_walk(ctl_act_cb, &w);
	/* Every id must name a job, and only the client's: or nothing. */
	err[0] = '\0';
	first = 1;
	for (i = 0; i < ids.n; i++)
		if (!w.found[i])
			ctl_act_err(err, sizeof err, &first,
			    "no such job in the queue: ", &ids, i);
	first = 1;
	for (i = 0; i < ids.n; i++)
		if (w.denied[i])
			ctl_act_err(err, sizeof err, &first,
			    "permission denied: not your job: ", &ids, i);
	if (err[0] != '\0') {
		peer_send_error(p, reqid, err);
		goto done;
	}
	if (reason != NULL)
		snprintf(by, sizeof by, "%s (by user %s)", reason, c->owner);
	else
		snprintf(by, sizeof by, "via cq %s (by user %s)", action,
		    c->owner);
	for (i = 0; i < w.nhits; i++) {
		if (strcmp(action, "rm") == 0)
			done += queue_remove(w.hits[i], by) == 0;
		else if (strcmp(action, "hold") == 0)
			done += queue_hold(w.hits[i], by);
		else if (strcmp(action, "vacate") == 0)
			done += queue_vacate(w.hits[i], by);
		else
			done += queue_release(w.hits[i], by);
	}
	if (done > 0)
		log_info("client %s: %s of %lld job(s)", c->owner, action,
		    (long long)done);
	reply = json_object_new_object();
	json_object_object_add(reply, "count", json_object_new_int64(done));
	if (done > 0)
		commit_later(p, MSG_OK, reqid, reply);
	else {
		peer_send(p, MSG_OK, reqid, reply);
		json_object_put(reply);
	}
done:
	jobad_filter_free(w.filter);
	free(w.found);
	free(w.denied);
	free(w.hits);
	ctl_idlist_free(&ids);
}

static void
ctl_submit(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct json_object	*jobs = jsonx_get(msg, "jobs"), *e, *reply;
	struct jobdesc		*descs;
	char			**ads, why[160];
	const char		*errstr, *s;
	size_t			 i, n, len;
	uint32_t		 cluster;

	n = json_object_array_length(jobs);
	if (n == 0 || n > JOBDESC_MAX_PROCS) {
		peer_send_error(p, reqid, "bad number of jobs");
		return;
	}
	descs = xcalloc(n, sizeof *descs);
	ads = xcalloc(n, sizeof *ads);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(jobs, i);
		errstr = NULL;
		if (jobdesc_from_json(e, &descs[i], &errstr) == 0 &&
		    descs[i].proc != i)
			errstr = "procs must be numbered 0..n-1";
		if (errstr != NULL) {
			snprintf(why, sizeof why, "job %zu: %s", i, errstr);
			peer_send_error(p, reqid, why);
			n = i + 1;
			goto done;
		}
		/* Keep the normalized form, not the client's bytes. */
		e = jobdesc_to_wire(&descs[i]);
		s = jsonx_dump(e, &len);
		ads[i] = xstrndup(s, len);
		json_object_put(e);
	}
	if (stage_busy(c->stage)) {
		peer_send_error(p, reqid, "submit while a file is arriving");
		goto done;
	}
	if (queue_submit(c->uid, c->owner, jsonx_str(msg, "batch_name", NULL),
	    descs, ads, n, &cluster) == -1)
		fatalx("submit: the store refused a checked submit");
	/* The uploads become the cluster's in the same turn: all or none. */
	if (c->stage != NULL) {
		if (stage_adopt(c->stage, cluster) == -1)
			fatalx("submit: the spool refused the staged files");
		stage_free(c->stage);
		c->stage = NULL;
	}
	log_info("client %s: submitted cluster %u with %zu jobs", c->owner,
	    cluster, n);
	reply = json_object_new_object();
	json_object_object_add(reply, "cluster",
	    json_object_new_int64(cluster));
	json_object_object_add(reply, "count", json_object_new_int64(n));
	commit_later(p, MSG_SUBMIT_REPLY, reqid, reply);
done:
	for (i = 0; i < n; i++)
		free(ads[i]);
	free(ads);
	jobdesc_free_all(descs, n);
}

static void
ctl_msg(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg)
{
	struct client		*c = peer_data(p);

	if (type == MSG_HELLO) {
		if (c->hello)
			peer_close(p, "second hello");
		else if (peer_hello_accept(p, reqid, msg, "client",
		    "schedd") == 0)
			c->hello = 1;
		return;
	}
	if (!c->hello) {
		peer_close(p, "request before hello");
		return;
	}
	switch (type) {
	case MSG_SUBMIT:
		ctl_submit(p, c, reqid, msg);
		break;
	case MSG_PUT:
		stage_put(&c->stage, p, reqid, msg);
		break;
	case MSG_PUT_DATA:
		stage_data(c->stage, p, reqid, raw, rawlen);
		break;
	case MSG_QUERY:
		ctl_query(p, c, reqid, msg);
		break;
	case MSG_ACT:
		ctl_act(p, c, reqid, msg);
		break;
	default:
		peer_close(p, "unexpected message type");
		break;
	}
}

static void
ctl_closed(struct peer *p, const char *reason, void *arg)
{
	struct client	*c = peer_data(p);

	commit_forget_peer(p);
	if (c != NULL)
		stage_free(c->stage);
	free(c);
}

static void
ctl_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bufferevent	*bev;
	struct peer		*p;
	struct client		*c;
	struct ucred		 cred;
	socklen_t		 cl = sizeof cred;
	struct passwd		 pw, *pwp = NULL;
	char			 pwbuf[4096], label[96];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == -1) {
		log_warn("ctl: SO_PEERCRED");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->uid = cred.uid;
	c->pid = cred.pid;
	if (getpwuid_r(cred.uid, &pw, pwbuf, sizeof pwbuf, &pwp) == 0 &&
	    pwp != NULL)
		strlcpy(c->owner, pw.pw_name, sizeof c->owner);
	else
		snprintf(c->owner, sizeof c->owner, "%u", (unsigned)cred.uid);
	if ((bev = bufferevent_socket_new(sd->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(c);
		close(fd);
		return;
	}
	snprintf(label, sizeof label, "client %s pid %ld", c->owner,
	    (long)c->pid);
	p = peer_new(sd->base, bev, ROLE_CLIENT, label, ctl_msg, ctl_closed,
	    NULL);
	peer_set_data(p, c);
	peer_set_outmax(p, CTL_OUTMAX);
	peer_set_deadline(p, PEER_HELLO_TIMEOUT);
}

int
ctl_init(void)
{
	const char	*path = cfg_str(sd->cfg, "socket");

	if ((ctl_listener = peer_listen_unix(sd->base, path, ctl_accept, NULL,
	    "scheduler")) == NULL)
		return -1;
	return 0;
}

void
ctl_shutdown(void)
{
	peer_unlisten(ctl_listener);
	ctl_listener = NULL;
}
