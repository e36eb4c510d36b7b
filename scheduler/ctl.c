/*
 * ctl.c: the client socket.  Each connection is a local user whose uid the
 * kernel tells us (SO_PEERCRED).  Requests: submit (all jobs of it or
 * none, answered after the commit), query (jobs, machines, history;
 * answered at once, nothing changes) and act (rm, answered after the
 * commit).  A request is checked whole before anything is written, so a
 * bad one changes nothing.
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
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "agents.h"
#include "cfg.h"
#include "clock.h"
#include "commit.h"
#include "ctl.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "schedd.h"
#include "store.h"
#include "xmalloc.h"

#define CTL_OUTMAX	(600u * 1024 * 1024)	/* above the largest reply */
#define CTL_MAX_IDS	100000
#define CTL_MAX_HISTORY	100000		/* rows in one history reply */

struct client {
	uid_t	 uid;
	pid_t	 pid;
	char	 owner[64];
	int	 hello;
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

static int
ctl_idlist_match(const struct idlist *ids, uint32_t cluster, uint32_t proc)
{
	size_t	i;

	if (ids->n == 0)
		return 1;
	for (i = 0; i < ids->n; i++)
		if (ids->cluster[i] == cluster &&
		    (ids->proc[i] < 0 || ids->proc[i] == (int64_t)proc))
			return 1;
	return 0;
}

struct ctl_walk {
	struct json_object	*rows;
	const struct idlist	*ids;
	const char		*owner;
	int64_t			 limit;
	struct client		*c;
	struct job		**hits;
	size_t			 nhits, caphits;
	int			 denied;
};

static void
ctl_jobs_cb(struct job *j, void *arg)
{
	struct ctl_walk	*w = arg;

	if (j->state == JOB_REMOVED)
		return;		/* on its way out */
	if (w->owner != NULL && strcmp(j->owner, w->owner) != 0)
		return;
	if (!ctl_idlist_match(w->ids, j->cluster, j->proc))
		return;
	if (w->limit > 0 &&
	    (int64_t)json_object_array_length(w->rows) >= w->limit)
		return;
	json_object_array_add(w->rows, ctl_job_row(j));
}

static int
ctl_history_cb(void *arg, const struct job *j)
{
	struct ctl_walk	*w = arg;

	json_object_array_add(w->rows, ctl_job_row(j));
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
	size_t			 i, rows;

	if (ctl_idlist(jsonx_get(msg, "ids"), &ids, &errstr) == -1) {
		peer_send_error(p, reqid, errstr);
		return;
	}
	memset(&w, 0, sizeof w);
	w.rows = json_object_new_array();
	w.ids = &ids;
	w.owner = jsonx_str(msg, "owner", NULL);
	w.limit = jsonx_int(msg, "limit", 0);
	w.c = c;
	if (strcmp(what, "jobs") == 0)
		queue_walk(ctl_jobs_cb, &w);
	else if (strcmp(what, "machines") == 0)
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
		peer_send_error(p, reqid, "unknown query");
		return;
	}
	ctl_idlist_free(&ids);
	reply = json_object_new_object();
	json_object_object_add(reply, "rows", w.rows);
	peer_send(p, MSG_QUERY_REPLY, reqid, reply);
	json_object_put(reply);
}

static void
ctl_act_cb(struct job *j, void *arg)
{
	struct ctl_walk	*w = arg;

	if (j->state == JOB_REMOVED || !ctl_idlist_match(w->ids, j->cluster,
	    j->proc))
		return;
	if (w->ids->n == 0 && j->uid != w->c->uid)
		return;		/* -a: all of mine */
	if (j->uid != w->c->uid && w->c->uid != 0) {
		w->denied++;
		return;
	}
	if (w->nhits == w->caphits) {
		w->caphits = w->caphits ? w->caphits * 2 : 64;
		w->hits = xreallocarray(w->hits, w->caphits, sizeof *w->hits);
	}
	w->hits[w->nhits++] = j;
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
	struct ctl_walk		 w;
	struct idlist		 ids;
	struct json_object	*reply;
	const char		*action = jsonx_str(msg, "action", "");
	const char		*errstr;
	char			 by[128];
	size_t			 i;
	int64_t			 done = 0;

	if (strcmp(action, "drain") == 0 || strcmp(action, "undrain") == 0 ||
	    strcmp(action, "vacate") == 0) {
		ctl_machines_act(p, c, reqid, action,
		    jsonx_get(msg, "machines"));
		return;
	}
	if (strcmp(action, "rm") != 0 && strcmp(action, "hold") != 0 &&
	    strcmp(action, "release") != 0) {
		peer_send_error(p, reqid, "unknown action");
		return;
	}
	if (ctl_idlist(jsonx_get(msg, "ids"), &ids, &errstr) == -1) {
		peer_send_error(p, reqid, errstr);
		return;
	}
	if (ids.n == 0 && !jsonx_bool(msg, "all", 0)) {
		peer_send_error(p, reqid, "no job ids given");
		return;
	}
	memset(&w, 0, sizeof w);
	w.ids = &ids;
	w.c = c;
	queue_walk(ctl_act_cb, &w);
	if (w.denied > 0) {
		peer_send_error(p, reqid,
		    "permission denied: not your job");
		goto done;
	}
	if (w.nhits == 0 && ids.n > 0) {
		peer_send_error(p, reqid, "no such job in the queue");
		goto done;
	}
	snprintf(by, sizeof by, "%s by %s", action, c->owner);
	for (i = 0; i < w.nhits; i++) {
		if (strcmp(action, "rm") == 0)
			done += queue_remove(w.hits[i], by) == 0;
		else if (strcmp(action, "hold") == 0)
			done += queue_hold(w.hits[i], by);
		else
			done += queue_release(w.hits[i], by);
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "count", json_object_new_int64(done));
	if (done > 0)
		commit_later(p, MSG_OK, reqid, reply);
	else {
		peer_send(p, MSG_OK, reqid, reply);
		json_object_put(reply);
	}
done:
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
	if (queue_submit(c->uid, c->owner, jsonx_str(msg, "batch_name", NULL),
	    descs, ads, n, &cluster) == -1)
		fatalx("submit: the store refused a checked submit");
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
	commit_forget_peer(p);
	free(peer_data(p));
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
