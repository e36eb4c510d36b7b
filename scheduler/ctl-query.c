/*
 * ctl-query.c: a client's queries (ctl_query): jobs (objects, or compact
 * rows of named fields written as text), batches (the batch view's sums),
 * machines, history and why.  Nothing changes; the answer goes at once, or
 * after the turn's commit when the turn has changes the rows may show.
 * The answers over every job or every slot (jobs, why, batches,
 * machines) are written a slice per loop turn (ctl-answer.c), the walk keeping its
 * place by job id or machine name; the rest are answered at once.
 * With "ads" the job rows (jobs and history) are the HTCondor job ads of
 * jobad.c, the names a constraint uses.  With "fields" the rows of jobs
 * and machines are arrays of those fields, written as text (rows.c).
 * The filters of `cq q` are in ctl_job_selected().  Another user's job
 * is shown and filtered by its public parts only (docs/privacy.md).
 * Called by ctl.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "batches.h"
#include "clock.h"
#include "commit.h"
#include "ctl-int.h"
#include "clusters.h"
#include "diskwatch.h"
#include "factory.h"
#include "jobad.h"
#include "jsonx.h"
#include "loopturn.h"
#include "peer.h"
#include "queue.h"
#include "rows.h"
#include "schedd.h"
#include "share.h"
#include "store.h"
#include "userlog.h"
#include "why.h"
#include "xmalloc.h"

struct ctl_walk {
	struct json_object	*rows;
	const struct idlist	*ids;
	const char		*owner;
	int64_t			 limit;
	struct client		*c;
	struct jobad_filter	*filter;
	int			 desc;		/* rows carry the description */
	int			 ads;		/* rows are HTCondor job ads */
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
	enum rows_slot_field	 sfields[ROWS_MAX_FIELDS];
	size_t			 nsfields;	/* machines: 0, objects */
	struct rows_text	*text;		/* with fields: rows as text */
	/* An answer in slices (ctl-answer.c) owns what it walks with. */
	struct idlist		 own_ids;
	struct json_object	*msg;		/* (a reference) */
	uint32_t		 next_cluster;	/* the next job to look at */
	uint32_t		 next_proc;
	char			*mname;		/* the machine it stopped at */
	int			 mslot;		/* and that machine's slot */
};

/*
 * J's row, with its description (the submitted ad) if W asks for it and
 * the client may see it (ctl_may_see: another user's job has neither its
 * description nor its arguments in cmd).  CACHE: see ctl_cmd_len().
 */
static struct json_object *
ctl_row(const struct ctl_walk *w, const struct job *j, size_t *cache)
{
	struct json_object	*o, *desc;
	const char		*errstr;

	/* The job ad: the names -constraint uses (cq q -l, -json, -af). */
	if (w->ads)
		return jobad_json(j, ctl_may_see(w->c, j));
	o = ctl_job_row(j, ctl_cmd_len(w->c, j, cache));
	if (w->desc && j->ad != NULL && ctl_may_see(w->c, j) &&
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
	if (!jobad_filter_match(w->filter, j, ctl_may_see(w->c, j)))
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

/*
 * The batch view: a factory's cluster none of whose jobs is in the queue
 * (all done or removed, held, or waiting at the owner's limit) still has
 * a row, when no constraint or state names jobs it cannot have.
 */
static void
ctl_batches_factory(struct factory *f, void *arg)
{
	struct ctl_walk	*w = arg;
	struct cluster	*cl = clusters_find(factory_cluster(f));
	size_t		 i, n;
	int		 named = 0;

	/* (Its jobs, summed in an earlier slice, may have left since.) */
	if (cl == NULL || cl->nlive > 0 || cl->owner == NULL ||
	    batches_has(w->batches, cl->id) ||
	    w->filter != NULL || w->state != 0 ||
	    (w->owner != NULL && strcmp(cl->owner, w->owner) != 0) ||
	    (w->mine && factory_uid(f) != w->c->uid))
		return;
	n = w->owners != NULL ? json_object_array_length(w->owners) : 0;
	for (i = 0; i < n; i++)
		if (strcmp(cl->owner, json_object_get_string(
		    json_object_array_get_idx(w->owners, i))) == 0)
			named = 1;
	if (!named && (n > 0 || w->ids->n > 0) && (w->ids->n == 0 ||
	    ctl_idlist_find(w->ids, cl->id, UINT32_MAX) < 0))
		return;
	batches_add_cluster(w->batches, cl);
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

/* Check the owners, fields, mine and state members of a query into W
 * (MACHINES: a machines query, whose fields are a slot's). */
static int
ctl_filters(struct ctl_walk *w, struct json_object *msg, int machines,
    const char **errstr)
{
	struct json_object	*e;
	const char		*state, *name;
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
			name = json_object_get_string(
			    json_object_array_get_idx(e, i));
			/* A machines query names slot fields. */
			if (machines ? rows_slot_field_parse(name,
			    &w->sfields[i]) == -1 : rows_field_parse(name,
			    &w->fields[i]) == -1) {
				*errstr = "unknown field";
				return -1;
			}
		}
		if (machines)
			w->nsfields = n;
		else
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

/* J's row into W's text if the query selects it: 1 if it did. */
static int
ctl_jobs_row(struct ctl_walk *w, struct job *j)
{
	struct json_object	*o;
	const char		*s;
	size_t			 len;

	if (!ctl_job_selected(w, j))
		return 0;
	if (w->nfields > 0) {
		rows_text_job(w->text, j, ctl_cmd_len(w->c, j, &j->cmd_exe),
		    w->fields, w->nfields);
		return 1;
	}
	if (w->why) {
		o = why_explain(j, &sd->machines, clock_mono_ms());
		/* Fair share and concurrency limits (share.c). */
		share_why(j, o);
	} else
		o = ctl_row(w, j, &j->cmd_exe);
	s = jsonx_dump(o, &len);
	rows_text_raw(w->text, s, len);
	json_object_put(o);
	return 1;
}

/* Jobs looked at (selected or not) per row a slice may write. */
#define CTL_VISITS_PER_ROW	8
/* Machines a why row looks at for the cost of one row. */
#define CTL_WHY_MACHINES_PER_ROW	100

/* The next slice of a jobs or why answer: in order of id from where the
 * last one stopped. */
static size_t
ctl_jobs_more(void *arg, struct rows_text *t, size_t budget, int *done)
{
	struct ctl_walk	*w = arg;
	struct job	 key, *j;
	size_t		 n = 0, visits = 0, i, cost = 1;
	uint64_t	 late = 0;

	/* A why row looks at every machine: it counts for more than one. */
	if (w->why)
		cost = 1 + agents_count() / CTL_WHY_MACHINES_PER_ROW;
	key.cluster = w->next_cluster;
	key.proc = w->next_proc;
	for (j = RB_NFIND(job_tree, &sd->jobs, &key); j != NULL;
	    j = RB_NEXT(job_tree, &sd->jobs, j)) {
		if (w->limit > 0 && (int64_t)rows_text_count(t) >= w->limit) {
			j = NULL;
			break;
		}
		/* (At least one row a slice, whatever its cost.) */
		if ((n > 0 && n >= budget) ||
		    visits >= budget * CTL_VISITS_PER_ROW)
			break;
		visits++;
		n += cost * (size_t)ctl_jobs_row(w, j);
	}
	if (j != NULL) {
		w->next_cluster = j->cluster;
		w->next_proc = j->proc;
		return n;
	}
	*done = 1;
	/* cq wait: procs named that a factory has still to make. */
	for (i = 0; w->nfields == 0 && i < w->ids->n; i++)
		late += factory_unmade(w->ids->cluster[i], w->ids->proc[i]);
	if (late > 0)
		rows_text_member(t, "unmaterialized", (int64_t)late);
	return n;
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

	struct json_object	*row;

	if (!jobad_filter_match(w->filter, j, ctl_may_see(w->c, j)))
		return 0;
	row = ctl_row(w, j, NULL);
	/* cq wait waits for it: the cluster's events are in its logs. */
	if (!w->ads && json_object_is_type(row, json_type_object) &&
	    userlog_cluster_pending(j->cluster))
		json_object_object_add(row, "log_pending",
		    json_object_new_boolean(1));
	json_object_array_add(w->rows, row);
	return 0;
}

/* The row of slot S of machine M. */
static struct json_object *
ctl_slot_row(struct machine *m, struct slot *s, int64_t now)
{
	struct json_object	*o;
	char			 name[160], id[32];

	snprintf(name, sizeof name, "slot%d@%s", s->id, m->name);
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "machine", json_object_new_string(m->name));
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
	rows_slot_ad(o, s, now);
	json_object_object_add(o, "image_version", m->ad.image_version !=
	    NULL ? json_object_new_string(m->ad.image_version) : NULL);
	json_object_object_add(o, "owner_reason", m->ad.owner_reason !=
	    NULL ? json_object_new_string(m->ad.owner_reason) : NULL);
	if (s->job != NULL) {
		snprintf(id, sizeof id, "%u.%u", s->job->cluster,
		    s->job->proc);
		json_object_object_add(o, "job", json_object_new_string(id));
	} else
		json_object_object_add(o, "job", NULL);
	return o;
}

/* The next slice of the machines answer: slots in order of machine name
 * from where the last one stopped. */
static size_t
ctl_machines_more(void *arg, struct rows_text *t, size_t budget, int *done)
{
	struct ctl_walk		*w = arg;
	struct json_object	*o;
	struct machine		*m;
	const char		*s;
	size_t			 n = 0, len;
	int			 i;
	int64_t			 now = clock_mono_ms();

	for (m = agents_from(w->mname); m != NULL; m = agents_after(m)) {
		/* (Only the first can be where the last slice stopped.) */
		i = n == 0 && w->mname != NULL &&
		    strcmp(m->name, w->mname) == 0 ? w->mslot : 0;
		for (; i < m->nslots && n < budget; i++, n++) {
			if (w->nsfields > 0) {
				rows_text_slot(t, m->slots[i], now, w->sfields,
				    w->nsfields);
				continue;
			}
			o = ctl_slot_row(m, m->slots[i], now);
			s = jsonx_dump(o, &len);
			rows_text_raw(t, s, len);
			json_object_put(o);
		}
		if (i < m->nslots) {
			free(w->mname);
			w->mname = xstrdup(m->name);
			w->mslot = i;
			return n;
		}
	}
	*done = 1;
	return n;
}

/* The next slice of the batch view: the jobs' sums, in order of id from
 * where the last one stopped (a cluster's jobs may span slices: its
 * entry goes on); then the factories' clusters, and the rows. */
static size_t
ctl_batches_more(void *arg, struct rows_text *t, size_t budget, int *done)
{
	struct ctl_walk		*w = arg;
	struct json_object	*rows;
	struct job		 key, *j;
	const char		*s;
	size_t			 visits = 0, i, n, len;

	key.cluster = w->next_cluster;
	key.proc = w->next_proc;
	for (j = RB_NFIND(job_tree, &sd->jobs, &key); j != NULL;
	    j = RB_NEXT(job_tree, &sd->jobs, j)) {
		if (visits >= budget * CTL_VISITS_PER_ROW)
			break;
		visits++;
		ctl_batches_cb(j, w);
	}
	if (j != NULL) {
		w->next_cluster = j->cluster;
		w->next_proc = j->proc;
		return visits / CTL_VISITS_PER_ROW;
	}
	factory_walk(ctl_batches_factory, w);
	rows = batches_rows(w->batches);
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		s = jsonx_dump(json_object_array_get_idx(rows, i), &len);
		rows_text_raw(t, s, len);
	}
	json_object_put(rows);
	*done = 1;
	return visits / CTL_VISITS_PER_ROW + n;
}

/* W's answer is sent or dropped. */
static void
ctl_walk_free(void *arg)
{
	struct ctl_walk	*w = arg;

	batches_free(w->batches);
	ctl_idlist_free(&w->own_ids);
	jobad_filter_free(w->filter);
	json_object_put(w->msg);
	free(w->mname);
	free(w);
}

/*
 * Answer the jobs, why or machines query in slices: W (on the stack, its
 * ids and filter taken) is copied for the walk.
 */
static void
ctl_query_sliced(struct peer *p, uint32_t reqid, struct json_object *msg,
    struct ctl_walk *sw, struct idlist *ids, ctl_answer_more more)
{
	struct ctl_walk	*w = xmalloc(sizeof *w);

	*w = *sw;
	w->own_ids = *ids;
	w->ids = &w->own_ids;
	/* The owners and owner it filters by are members of MSG. */
	w->msg = json_object_get(msg);
	w->rows = NULL;
	w->text = rows_text_new();
	ctl_answer_start(p, reqid, w->text, more, ctl_walk_free, w);
}

/* The pool's public facts, for `cq pool fingerprint`: anyone may ask. */
static struct json_object *
ctl_pool_row(void)
{
	struct json_object	*o = json_object_new_object();
	const char		*fp = agents_fingerprint();

	json_object_object_add(o, "fingerprint", fp != NULL ?
	    json_object_new_string(fp) : NULL);
	json_object_object_add(o, "insecure",
	    json_object_new_boolean(fp == NULL));
	json_object_object_add(o, "listen",
	    json_object_new_string(agents_listen_addr()));
	json_object_object_add(o, "disk", diskwatch_json());
	return o;
}

/*
 * What the loop did, for the tests and a curious administrator: the
 * length of its turns (loopturn.c), the turns that did the scheduler's
 * work, the large answers' rows and slices and the most rows written in
 * one turn (ctl-answer.c), and the most work turns and rows of answers a
 * job waited between entering the idle queue and its start.
 */
static struct json_object *
ctl_loop_row(void)
{
	struct json_object	*o = loopturn_json();

	json_object_object_add(o, "work_turns",
	    json_object_new_int64((int64_t)sd->turns));
	json_object_object_add(o, "answer_rows",
	    json_object_new_int64((int64_t)sd->answer_rows));
	json_object_object_add(o, "answer_slices",
	    json_object_new_int64((int64_t)sd->answer_slices));
	json_object_object_add(o, "answer_rows_per_turn",
	    json_object_new_int64(CTL_ANSWER_ROWS_PER_TURN));
	json_object_object_add(o, "answer_rows_turn_max",
	    json_object_new_int64((int64_t)sd->answer_rows_turn_max));
	json_object_object_add(o, "start_wait_turns_max",
	    json_object_new_int64((int64_t)sd->start_wait_turns_max));
	json_object_object_add(o, "start_wait_rows_max",
	    json_object_new_int64((int64_t)sd->start_wait_rows_max));
	return o;
}

void
ctl_query(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct ctl_walk		 w;
	struct idlist		 ids;
	struct json_object	*reply;
	const char		*what = jsonx_str(msg, "what", ""), *errstr;
	char			 err[512];
	size_t			 i, rows;

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
	w.ads = jsonx_bool(msg, "ads", 0);
	w.c = c;
	if (ctl_filters(&w, msg, strcmp(what, "machines") == 0,
	    &errstr) == -1) {
		json_object_put(w.rows);
		ctl_idlist_free(&ids);
		jobad_filter_free(w.filter);
		peer_send_error(p, reqid, errstr);
		return;
	}
	if (strcmp(what, "jobs") == 0 || strcmp(what, "why") == 0) {
		ctl_idlist_normalize(&ids);
		w.why = strcmp(what, "why") == 0;
		if (w.why)
			w.nfields = 0;	/* why rows are objects */
		json_object_put(w.rows);
		ctl_query_sliced(p, reqid, msg, &w, &ids, ctl_jobs_more);
		return;
	} else if (strcmp(what, "machines") == 0) {
		json_object_put(w.rows);
		ctl_query_sliced(p, reqid, msg, &w, &ids, ctl_machines_more);
		return;
	} else if (strcmp(what, "batches") == 0) {
		w.batches = batches_new();
		json_object_put(w.rows);
		ctl_query_sliced(p, reqid, msg, &w, &ids, ctl_batches_more);
		return;
	} else if (strcmp(what, "pool") == 0)
		json_object_array_add(w.rows, ctl_pool_row());
	else if (strcmp(what, "loop") == 0)
		json_object_array_add(w.rows, ctl_loop_row());
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
