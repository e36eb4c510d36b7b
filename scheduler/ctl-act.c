/*
 * ctl-act.c: a client's actions (ctl_act): rm, hold, release and vacate
 * of jobs by id, -a or constraint (jobad.c), and drain, undrain and
 * vacate of machines.  A request is checked whole before anything is
 * written, so a bad one changes nothing: every id must name a job in the
 * queue that the client may change.  Answered after the commit.  Called
 * by ctl.c.  A cluster id also reaches its procs not materialized yet
 * (factory.c): rm removes them, hold pauses the materialization and
 * release resumes it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents.h"
#include "commit.h"
#include "ctl-int.h"
#include "factory.h"
#include "jobad.h"
#include "jsonx.h"
#include "log.h"
#include "peer.h"
#include "queue.h"
#include "schedd.h"
#include "xmalloc.h"

struct ctl_act_walk {
	struct client		*c;
	const struct idlist	*ids;
	int			 all;
	struct jobad_filter	*filter;
	char			*found;		/* per id: names some job */
	char			*denied;	/* per id: names another's */
	char			*held;		/* per id: a held job */
	size_t			 nheld;		/* held hits */
	struct job		**hits;
	size_t			 nhits, caphits;
	struct factory		**facts;	/* of the clusters named */
	size_t			 nfacts;
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
	/*
	 * Not the client's: denied before the constraint is looked at, so
	 * that the answer tells nothing of the job's private parts.
	 */
	if (j->uid != w->c->uid && !ctl_is_admin(w->c)) {
		if (i >= 0)
			w->denied[i] = 1;
		return;		/* -a: all of mine */
	}
	if (!jobad_filter_match(w->filter, j, 1))
		return;
	if (j->state == JOB_HELD) {
		if (i >= 0)
			w->held[i] = 1;
		w->nheld++;
	}
	if (w->nhits == w->caphits) {
		w->caphits = w->caphits ? w->caphits * 2 : 64;
		w->hits = xreallocarray(w->hits, w->caphits, sizeof *w->hits);
	}
	w->hits[w->nhits++] = j;
}

/*
 * A late materialization's procs not yet in the queue (factory.c) go
 * with their cluster: named by its id or by -a (not by a constraint,
 * which only materialized jobs can meet), as HTCondor's factory does.
 */
static void
ctl_act_factory_cb(struct factory *f, void *arg)
{
	struct ctl_act_walk	*w = arg;
	size_t			 i;
	int			 named = 0;

	for (i = 0; !w->all && i < w->ids->n; i++) {
		if (w->ids->cluster[i] != factory_cluster(f) ||
		    w->ids->proc[i] >= 0)
			continue;
		named = 1;
		w->found[i] = 1;
		if (factory_uid(f) != w->c->uid && !ctl_is_admin(w->c))
			w->denied[i] = 1;
	}
	if (!named && !w->all)
		return;
	if (factory_uid(f) != w->c->uid && !ctl_is_admin(w->c))
		return;
	w->facts = xreallocarray(w->facts, w->nfacts + 1, sizeof *w->facts);
	w->facts[w->nfacts++] = f;
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

	if (!ctl_is_admin(c)) {
		peer_send_error(p, reqid, "permission denied: only the "
		    "pool's administrators may drain or vacate machines");
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

void
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
	int			 first, rc;

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
	w.held = xcalloc(ids.n + 1, 1);
	queue_walk(ctl_act_cb, &w);
	if (jsonx_get(msg, "constraint") == NULL)
		factory_walk(ctl_act_factory_cb, &w);
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
	/*
	 * condor_release: releasing a job that is not held is an error, and
	 * nothing is done; -a or a constraint that finds no held job too.
	 */
	if (err[0] == '\0' && strcmp(action, "release") == 0) {
		first = 1;
		for (i = 0; i < ids.n; i++)
			if (!w.held[i])
				ctl_act_err(err, sizeof err, &first,
				    "not held, nothing to release: ", &ids, i);
		if (ids.n == 0 && w.nheld == 0)
			snprintf(err, sizeof err, "no held job to release%s",
			    w.filter != NULL ? " matches the constraint" : "");
	}
	if (err[0] != '\0') {
		peer_send_error(p, reqid, err);
		goto done;
	}
	if (reason != NULL)
		snprintf(by, sizeof by, "%s (by user %s)", reason, c->owner);
	else
		snprintf(by, sizeof by, "via cq %s (by user %s)", action,
		    c->owner);
	/* One unit: a store that refuses it undoes it all (commit.c). */
	commit_request_begin();
	queue_request_begin();
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
	/* cq rm, hold and release reach the procs not materialized yet. */
	for (i = 0; i < w.nfacts && strcmp(action, "vacate") != 0; i++) {
		if ((rc = factory_act(w.facts[i], action)) == -1)
			commit_request_fail(NULL);
		else if (rc == 0)
			w.facts[i] = NULL;	/* nothing to change */
		else if (strcmp(action, "rm") == 0)
			done += (int64_t)factory_waiting(w.facts[i]);
	}
	if (commit_request_end() == -1) {
		queue_request_end(0);
		snprintf(err, sizeof err, "%s failed, nothing was changed: %s",
		    action, commit_request_why());
		log_warnx("client %s: %s", c->owner, err);
		peer_send_error(p, reqid, err);
		goto done;
	}
	queue_request_end(1);
	for (i = 0; i < w.nfacts && strcmp(action, "vacate") != 0; i++)
		if (w.facts[i] != NULL)
			factory_act_done(w.facts[i], action);
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
	free(w.held);
	free(w.hits);
	free(w.facts);
	ctl_idlist_free(&ids);
}
