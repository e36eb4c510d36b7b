/*
 * ctl.c: the client socket.  Each connection is a local user whose uid the
 * kernel tells us (SO_PEERCRED).  This file accepts them, checks the
 * hello, takes uploads (stage.c) and submits (all jobs of it or none,
 * answered after the commit; refused whole past max_jobs_per_owner), and
 * hands queries to ctl-query.c and actions to ctl-act.c; it also holds
 * what those share: a job's reply row (another user's without its
 * arguments: ctl_may_see) and lists of job ids (ctl-int.h).  Who a
 * client is, and its limits, are ctl-users.c's.
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
#include "ctl-int.h"
#include "factory.h"
#include "itemstage.h"
#include "jobad.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "queue.h"
#include "runas.h"
#include "rows.h"
#include "schedd.h"
#include "share.h"
#include "stage.h"
#include "store.h"
#include "why.h"
#include "xmalloc.h"

#define CTL_OUTMAX	(600u * 1024 * 1024)	/* above the largest reply */
#define CTL_HELLO_MAX	(4u * 1024)		/* msg.c's hello maximum */


static struct peer_listener	*ctl_listener;

/*
 * The bytes of J's cmd that C may see: all of it for the job's owner and
 * the administrators, the executable without its arguments for others.
 * The executable's length comes from the description once, kept in
 * *CACHE (J's cmd_exe; NULL for a history row, asked once).
 */
size_t
ctl_cmd_len(const struct client *c, const struct job *j, size_t *cache)
{
	struct json_object	*desc;
	const char		*exe, *errstr;
	size_t			 n, all = j->cmd != NULL ? strlen(j->cmd) : 0;

	if (ctl_may_see(c, j))
		return all;
	if (j->cmd == NULL)
		return 0;
	if (cache != NULL && *cache > 0)
		return *cache - 1;
	n = 0;
	if (j->ad != NULL &&
	    jsonx_parse(j->ad, strlen(j->ad), &desc, &errstr) == 0) {
		exe = jsonx_str(desc, "executable", "");
		n = strlen(exe);
		/* cmd is the executable, a space and the arguments. */
		if (n > all || strncmp(exe, j->cmd, n) != 0 ||
		    (j->cmd[n] != '\0' && j->cmd[n] != ' '))
			n = 0;
		json_object_put(desc);
	}
	if (cache != NULL)
		*cache = n + 1;
	return n;
}

struct json_object *
ctl_job_row(const struct job *j, size_t cmdlen)
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
	json_object_object_add(o, "cmd", json_object_new_string_len(
	    j->cmd != NULL ? j->cmd : "", (int)cmdlen));
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
	if (j->state == JOB_HELD && j->hold_reason != NULL) {
		json_object_object_add(o, "hold_reason",
		    json_object_new_string(j->hold_reason));
		json_object_object_add(o, "hold_code",
		    json_object_new_int(j->hold_code));
		json_object_object_add(o, "hold_subcode",
		    json_object_new_int(j->hold_subcode));
	}
	json_object_object_add(o, "entered", json_object_new_int64(
	    j->entered > 0 ? j->entered : j->submitted));
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

void
ctl_idlist_free(struct idlist *ids)
{
	free(ids->cluster);
	free(ids->proc);
	memset(ids, 0, sizeof *ids);
}

int
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
void
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

/*
 * The pool's administrators: root, the user the scheduler runs as, and
 * the members of admin_group (decided at accept, ctl-users.c).
 */
int
ctl_is_admin(const struct client *c)
{
	return c->admin;
}

/*
 * 1 if C may see the private parts of J (its description: environment,
 * arguments, file names, +Attr values): its owner and the administrators.
 */
int
ctl_may_see(const struct client *c, const struct job *j)
{
	return j->uid == c->uid || c->admin;
}

/*
 * The index of the first id of a normalized IDS that names CLUSTER.PROC,
 * or -1.  Normalized ids are sorted, so a binary search finds the cluster.
 */
ssize_t
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

/* What a submit no longer needs once queued, freed after its reply. */
struct ctl_garbage {
	struct json_object	*msg;
	struct jobdesc		*descs;
	char			**ads;
	size_t			 n;
};

static void
ctl_garbage_free(void *arg)
{
	struct ctl_garbage	*g = arg;
	size_t			 i;

	for (i = 0; i < g->n; i++)
		free(g->ads[i]);
	free(g->ads);
	jobdesc_free_all(g->descs, g->n);
	json_object_put(g->msg);
	free(g);
}

/* C's items, if any, are no submit's: their rows go. */
static void
ctl_items_drop(struct client *c)
{
	itemstage_free(c->items);
	c->items = NULL;
}

/*
 * An item frame of a late materialization (itemstage.c): a bad one, or
 * one past the limits or refused by the store, refuses the client (it
 * reads why when its next write fails or in its submit's reply).
 */
static void
ctl_items(struct peer *p, struct client *c, uint32_t reqid, const void *raw,
    size_t len)
{
	char	err[512];

	if (itemstage_add(&c->items, raw, len, err, sizeof err) == -1) {
		log_warnx("client %s: %s", c->owner, err);
		ctl_items_drop(c);
		peer_refuse(p, reqid, err);
	}
}

/*
 * A late materialization (factory.c): the digest is read and its first
 * job checked here, the cluster and the factory written as one unit;
 * its jobs enter the queue later, a few per loop turn.
 */
static void
ctl_submit_factory(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg, int64_t um)
{
	struct factory		*f;
	struct json_object	*reply;
	char			 why[1200], err[1024], items[200];
	uint32_t		 cluster = 0;

	if (jsonx_get(msg, "jobs") != NULL) {
		peer_send_error(p, reqid, "a submit has jobs or a factory, "
		    "not both");
		return;
	}
	if (c->stage != NULL) {
		peer_send_error(p, reqid, "a late materialization sends no "
		    "input files");
		return;
	}
	/* The items it sent before are this submit's, made or not. */
	f = factory_new(jsonx_get(msg, "factory"), um, c->items, err,
	    sizeof err);
	if (f == NULL) {
		ctl_items_drop(c);
		peer_send_error(p, reqid, err);
		return;
	}
	/* Its jobs wait at the owner's limit; none fits: refused now. */
	if (!ctl_users_jobs_ok(c, 1, why, sizeof why)) {
		ctl_items_drop(c);
		peer_send_error(p, reqid, why);
		factory_free(f);
		return;
	}
	commit_request_begin();
	if (factory_submit(f, c->uid, c->owner, jsonx_str(msg, "batch_name",
	    NULL), &cluster) == -1)
		commit_request_fail(NULL);
	if (commit_request_end() == -1) {
		snprintf(why, sizeof why, "submit failed, nothing was "
		    "queued: %s", commit_request_why());
		log_warnx("client %s: %s", c->owner, why);
		ctl_items_drop(c);
		peer_send_error(p, reqid, why);
		factory_free(f);
		return;
	}
	itemstage_report(c->items, items, sizeof items);
	log_info("client %s: submitted cluster %u with %llu jobs (late "
	    "materialization; %s)", c->owner, cluster,
	    (unsigned long long)factory_total(f), items);
	/* Its items' rows are the factory's now. */
	if (c->items != NULL) {
		itemstage_keep(c->items);
		itemstage_free(c->items);
		c->items = NULL;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "cluster",
	    json_object_new_int64(cluster));
	json_object_object_add(reply, "count",
	    json_object_new_int64((int64_t)factory_total(f)));
	json_object_object_add(reply, "late", json_object_new_boolean(1));
	factory_start(f);
	commit_later(p, MSG_SUBMIT_REPLY, reqid, reply);
}

static void
ctl_submit(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	struct ctl_garbage	*g;
	struct json_object	*jobs = jsonx_get(msg, "jobs"), *e, *reply;
	struct jobdesc		*descs;
	char			**ads, why[256], polerr[200];
	const char		*errstr;
	size_t			 i, n, len;
	uint32_t		 cluster;
	int64_t			 um = jsonx_int(msg, "umask", -1);

	if (jsonx_get(msg, "umask") != NULL && (um < 0 || um > 0777)) {
		peer_send_error(p, reqid, "bad umask");
		return;
	}
	if (jsonx_get(msg, "factory") != NULL) {
		ctl_submit_factory(p, c, reqid, msg, um);
		return;
	}
	if (c->items != NULL) {
		ctl_items_drop(c);
		peer_send_error(p, reqid, "item frames, then a submit that "
		    "is not a late materialization");
		return;
	}
	if (jobs == NULL || !json_object_is_type(jobs, json_type_array) ||
	    (n = json_object_array_length(jobs)) == 0 ||
	    n > JOBDESC_MAX_PROCS) {
		peer_send_error(p, reqid, "bad number of jobs");
		return;
	}
	if ((int64_t)n > cfg_int(sd->cfg, "max_jobs_per_submission")) {
		snprintf(why, sizeof why, "submit refused: %zu jobs in one "
		    "submit, max %lld (max_jobs_per_submission); submit them "
		    "with max_materialize or max_idle (late materialization) "
		    "or in smaller parts", n,
		    (long long)cfg_int(sd->cfg, "max_jobs_per_submission"));
		log_warnx("client %s: %s", c->owner, why);
		peer_send_error(p, reqid, why);
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
		else if (errstr == NULL && queue_policy_check(&descs[i],
		    polerr, sizeof polerr) == -1)
			errstr = polerr;
		else if (errstr == NULL && share_check_desc(&descs[i],
		    polerr, sizeof polerr) == -1)
			errstr = polerr;
		if (errstr != NULL) {
			snprintf(why, sizeof why, "job %zu: %s", i, errstr);
			peer_send_error(p, reqid, why);
			n = i + 1;
			goto done;
		}
		/* Transfers write the job's files within its umask. */
		if (um != -1)
			descs[i].umask = um;
		/* Keep the normalized form, not the client's bytes. */
		ads[i] = jobdesc_wire_text(&descs[i], &len);
	}
	if (stage_busy(c->stage)) {
		peer_send_error(p, reqid, "submit while a file is arriving");
		goto done;
	}
	if (!ctl_users_jobs_ok(c, n, why, sizeof why)) {
		peer_send_error(p, reqid, why);
		goto done;
	}
	/*
	 * The submit is a unit of its own: a store or spool that refuses it
	 * (a full disk, a read-only database) rolls it back, and the client
	 * hears why; nothing of it stays in memory, the store or the spool.
	 */
	commit_request_begin();
	queue_request_begin();
	cluster = 0;
	if (queue_submit(c->uid, c->owner, jsonx_str(msg, "batch_name", NULL),
	    descs, ads, n, &cluster) == -1)
		commit_request_fail(NULL);
	/* The uploads become the cluster's in the same unit: all or none. */
	else if (stage_adopt(c->stage, cluster) == -1)
		commit_request_fail("the scheduler's spool refused the "
		    "staged files");
	if (commit_request_end() == -1) {
		queue_request_end(0);
		stage_unadopt(c->stage, cluster);
		snprintf(why, sizeof why, "submit failed, nothing was "
		    "queued: %s", commit_request_why());
		log_warnx("client %s: %s", c->owner, why);
		peer_send_error(p, reqid, why);
		goto done;
	}
	queue_request_end(1);
	stage_free(c->stage);
	c->stage = NULL;
	log_info("client %s: submitted cluster %u with %zu jobs", c->owner,
	    cluster, n);
	if (c->uid == 0 && !runas_root_allowed())
		log_info("cluster %u: job of root's runs as %s "
		    "(allow_root_jobs = no)", cluster, runas_root_user());
	reply = json_object_new_object();
	json_object_object_add(reply, "cluster",
	    json_object_new_int64(cluster));
	json_object_object_add(reply, "count", json_object_new_int64(n));
	commit_later(p, MSG_SUBMIT_REPLY, reqid, reply);
	/* 100,000 jobs take a quarter of a second to free: after the reply. */
	g = xmalloc(sizeof *g);
	g->msg = json_object_get(msg);
	g->descs = descs;
	g->ads = ads;
	g->n = n;
	commit_idle(ctl_garbage_free, g);
	return;
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

	if (c->refused) {
		/* Over a limit at accept: its first message is answered so. */
		peer_refuse(p, reqid, c->refusal);
		return;
	}
	ctl_users_active(c);
	if (type == MSG_HELLO) {
		if (c->hello)
			peer_close(p, "second hello");
		else if (peer_hello_accept(p, reqid, msg, "client",
		    "schedd") == 0) {
			c->hello = 1;
			peer_set_frame_max(p, 0);	/* the types' own */
		}
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
	case MSG_SUBMIT_ITEMS:
		ctl_items(p, c, reqid, raw, rawlen);
		break;
	case MSG_QUERY:
		ctl_query(p, c, reqid, msg);
		break;
	case MSG_ACT:
		ctl_act(p, c, reqid, msg);
		break;
	case MSG_ADMIN:
		ctl_admin(p, c, reqid, msg);
		break;
	case MSG_EDIT:
		ctl_edit(p, c, reqid, msg);
		break;
	case MSG_USERPRIO:
		ctl_userprio(p, c, reqid, msg);
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
	ctl_answer_forget(p);
	if (c != NULL) {
		ctl_users_leave(c);
		stage_free(c->stage);
		ctl_items_drop(c);
	}
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
	char			 label[96];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == -1) {
		log_warn("ctl: SO_PEERCRED");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->uid = cred.uid;
	c->pid = cred.pid;
	if (ctl_users_admit(c, fd, cred.gid) == -1 ||
	    (bev = bufferevent_socket_new(sd->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		ctl_users_leave(c);
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
	/* Nothing but a hello until hello: no big half frame parked. */
	peer_set_frame_max(p, CTL_HELLO_MAX);
	ctl_users_attach(c, p);
}

int
ctl_init(void)
{
	const char	*path = cfg_str(sd->cfg, "socket");

	if (ctl_users_init() == -1)
		return -1;
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
	ctl_answer_shutdown();
}
