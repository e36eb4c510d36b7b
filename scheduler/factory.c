/*
 * factory.c: late materialization.  A factory is a cluster's digest: the
 * submit statements before its one queue statement (read once into a
 * submit_factory), the queue's variables and items, the jobs per item,
 * and next, the first proc not yet in the queue.  Proc P is item
 * P / count, step P % count, built by the same parser code a whole
 * submit uses, then checked as a client's job is (jobdesc_from_json on
 * its wire form, its policy, its accounting).
 *
 * Each loop turn (factory_turn, before matching) materializes at most
 * materialize_per_turn jobs over all factories, and stops building after
 * FACTORY_TURN_MS, each within its
 * max_materialize (its jobs in the queue), max_idle (its idle jobs) and
 * its owner's max_jobs_per_owner, as one unit of its own: the jobs and
 * the factory row's next_proc are written in one transaction
 * (commit_request_begin), so a restart goes on from next_proc without a
 * proc lost or made twice, and a store that refuses it leaves memory as
 * it was (queue_request_end(0)).  A job that cannot be built pauses its
 * factory (FACTORY_FAILED, the reason logged and kept); cq hold of the
 * cluster pauses it too (FACTORY_HELD) until cq release; cq rm of the
 * cluster deletes it with the procs it had not made.
 *
 * The digest, as the client sends it and the store keeps it (JSON):
 * name, text, cwd, line, vars [names], nitems, count, and optionally
 * env [strings], index_first and index_step (a slice's $(ItemIndex)es:
 * item I's is index_first + I * index_step), max_materialize, max_idle,
 * and umask (added by the scheduler).  The items come before the submit
 * as item frames (itemstage.c), stored in factory_items under the
 * upload id the factory row names; a small list may come in the digest
 * as items (the items joined by newlines), and a digest stored by an
 * older scheduler may hold them so, with index [ints] for a slice.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "cfg.h"
#include "clusters.h"
#include "clock.h"
#include "commit.h"
#include "factory.h"
#include "itemframe.h"
#include "itemstage.h"
#include "jobdesc.h"
#include "jsonx.h"
#include "log.h"
#include "owners.h"
#include "queue.h"
#include "schedd.h"
#include "share.h"
#include "store.h"
#include "submit.h"
#include "xmalloc.h"

#define FACTORY_MAX_ENV		4096
/* Building jobs stops after this long in one turn (the rest waits). */
#define FACTORY_TURN_MS		10
#define FACTORY_MAX_VARS	32

struct factory {
	TAILQ_ENTRY(factory)	 entry;
	uint32_t		 cluster;
	uid_t			 uid;
	char			*owner;
	struct json_object	*digest;	/* the stored form */
	struct submit_factory	*sf;
	char			**env;		/* into digest; NULL-ended */
	char			**vars;		/* into digest */
	size_t			 nvars;
	char			*itembuf;	/* the items, NUL-separated */
	uint32_t		*itemoff;	/* items are < 16 MiB */
	size_t			 nitems;
	size_t			*index;		/* NULL: no slice */
	uint64_t		 index_first, index_step; /* or these */
	uint64_t		 upload;	/* its factory_items, or 0 */
	uint32_t		 count;
	uint64_t		 total, next;
	uint32_t		 max_materialize, max_idle;
	int			 paused;
	char			*reason;
};

static TAILQ_HEAD(, factory)	factories = TAILQ_HEAD_INITIALIZER(factories);
static uint32_t			factory_default_max;
static uint64_t			factory_per_turn;
static struct event		*factory_ev;	/* the next turn's, later */
static int			 factory_due;	/* factory_ev fired */
static uint64_t			factory_owner_max;

/*
 * Another turn, after the loop has looked at its sockets: a turn asked
 * for from inside a turn would run before any client is served.
 */
static void
factory_again_cb(evutil_socket_t fd, short ev, void *arg)
{
	factory_due = 1;
	schedd_turn_request();
}

void
factory_again(void)
{
	struct timeval	tv = { 0, 0 };

	if (factory_ev == NULL)
		factory_ev = evtimer_new(sd->base, factory_again_cb, NULL);
	if (factory_ev != NULL && !evtimer_pending(factory_ev, NULL))
		evtimer_add(factory_ev, &tv);
}

int
factory_init(void)
{
	factory_default_max = (uint32_t)cfg_int(sd->cfg, "max_materialize");
	factory_owner_max = (uint64_t)cfg_int(sd->cfg, "max_jobs_per_owner");
	factory_per_turn = (uint64_t)cfg_int(sd->cfg, "materialize_per_turn");
	return 0;
}

void
factory_free(struct factory *f)
{
	if (f == NULL)
		return;
	submit_factory_free(f->sf);
	json_object_put(f->digest);
	free(f->owner);
	free(f->env);
	free(f->vars);
	free(f->itembuf);
	free(f->itemoff);
	free(f->index);
	free(f->reason);
	free(f);
}

/* A string array member NAME of O into a new NULL-ended vector. */
static int
factory_strings(struct json_object *o, const char *name, size_t max,
    char ***out, size_t *n)
{
	struct json_object	*a = jsonx_get(o, name), *e;
	size_t			 i, len;

	*out = NULL;
	*n = 0;
	if (a == NULL)
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (len = json_object_array_length(a)) > max)
		return -1;
	*out = xcalloc(len + 1, sizeof(**out));
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string))
			return -1;
		(*out)[i] = (char *)json_object_get_string(e);
	}
	*n = len;
	return 0;
}

/*
 * The NITEMS items of F: *BUF (taken) holds them NUL-separated at *OFF
 * (taken), or ITEMS (borrowed) joined by newlines.  0, or -1 with ERR.
 */
static int
factory_items(struct factory *f, const char *items, char *buf,
    uint32_t *off, size_t n, int64_t nitems, char *err, size_t errlen)
{
	size_t	i, len;

	if (buf != NULL) {
		f->itembuf = buf;
		f->itemoff = off;
		f->nitems = n;
		if (n != (size_t)nitems) {
			snprintf(err, errlen, "late materialization: %zu "
			    "items came, the digest says %lld", n,
			    (long long)nitems);
			return -1;
		}
		return 0;
	}
	/* One string, split at newlines, NITEMS of them. */
	if (items == NULL || (len = strlen(items)) >= UINT32_MAX) {
		snprintf(err, errlen, "late materialization: no items, or "
		    "too long");
		return -1;
	}
	f->itembuf = xmalloc(len + 1);
	memcpy(f->itembuf, items, len + 1);
	f->itemoff = xcalloc((size_t)nitems, sizeof(*f->itemoff));
	for (i = 0, n = 1; i < len; i++) {
		if (f->itembuf[i] != '\n')
			continue;
		f->itembuf[i] = '\0';
		if (n == (size_t)nitems) {
			n++;
			break;
		}
		f->itemoff[n++] = (uint32_t)(i + 1);
	}
	if (n != (size_t)nitems) {
		snprintf(err, errlen, "late materialization: items do not "
		    "match nitems");
		return -1;
	}
	f->nitems = n;
	return 0;
}

/* A slice's indexes: index_first and index_step, or an index array. */
static int
factory_index(struct factory *f, struct json_object *d, char *err,
    size_t errlen)
{
	struct json_object	*a;
	size_t			 i;
	int64_t			 v, first, step;

	first = jsonx_int(d, "index_first", -1);
	step = jsonx_int(d, "index_step", -1);
	if (jsonx_get(d, "index_first") != NULL ||
	    jsonx_get(d, "index_step") != NULL) {
		if (first < 0 || first > 100000000 || step < 1 ||
		    step > 100000000) {
			snprintf(err, errlen, "late materialization: a bad "
			    "index_first or index_step");
			return -1;
		}
		f->index_first = (uint64_t)first;
		f->index_step = (uint64_t)step;
		return 0;
	}
	if ((a = jsonx_get(d, "index")) == NULL)
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != f->nitems) {
		snprintf(err, errlen, "late materialization: a bad index");
		return -1;
	}
	f->index = xcalloc(f->nitems, sizeof(*f->index));
	for (i = 0; i < f->nitems; i++) {
		v = json_object_get_int64(json_object_array_get_idx(a, i));
		if (v < 0 || v > 100000000) {
			snprintf(err, errlen, "late materialization: a bad "
			    "index");
			return -1;
		}
		f->index[i] = (size_t)v;
	}
	return 0;
}

/*
 * Read the digest D (taken) into a new factory, its items from BUF and
 * OFF (N of them, taken) or, if BUF is NULL, from the digest; NULL with
 * ERR.
 */
static struct factory *
factory_read(struct json_object *d, char *buf, uint32_t *off, size_t n,
    char *err, size_t errlen)
{
	struct factory		*f;
	const char		*text, *cwd, *name;
	size_t			 nenv;
	int64_t			 nitems, count, line, v;
	static char		*empty[1] = { NULL };

	f = xcalloc(1, sizeof(*f));
	f->digest = d;
	name = jsonx_str(d, "name", NULL);
	text = jsonx_str(d, "text", NULL);
	cwd = jsonx_str(d, "cwd", NULL);
	nitems = jsonx_int(d, "nitems", -1);
	count = jsonx_int(d, "count", -1);
	line = jsonx_int(d, "line", -1);
	if (name == NULL || strlen(name) > 4096 || text == NULL ||
	    cwd == NULL || line < 1 || line > 100000000 ||
	    nitems < 1 || nitems > JOBDESC_MAX_PROCS || count < 1 ||
	    count > JOBDESC_MAX_PROCS ||
	    nitems * count > JOBDESC_MAX_PROCS) {
		snprintf(err, errlen, "late materialization: a bad digest "
		    "(name, text, cwd, line, nitems, count, at most "
		    "%d jobs)", JOBDESC_MAX_PROCS);
		free(buf);
		free(off);
		goto fail;
	}
	f->count = (uint32_t)count;
	f->total = (uint64_t)(nitems * count);
	if (factory_strings(d, "env", FACTORY_MAX_ENV, &f->env, &nenv) ==
	    -1 || factory_strings(d, "vars", FACTORY_MAX_VARS, &f->vars,
	    &f->nvars) == -1) {
		snprintf(err, errlen, "late materialization: bad env or vars");
		free(buf);
		free(off);
		goto fail;
	}
	if (factory_items(f, jsonx_str(d, "items", NULL), buf, off, n,
	    nitems, err, errlen) == -1 ||
	    factory_index(f, d, err, errlen) == -1)
		goto fail;
	v = jsonx_int(d, "max_materialize", 0);
	f->max_materialize = v > 0 && v <= JOBDESC_MAX_PROCS ? (uint32_t)v :
	    0;
	v = jsonx_int(d, "max_idle", 0);
	f->max_idle = v > 0 && v <= JOBDESC_MAX_PROCS ? (uint32_t)v : 0;
	if (f->max_materialize == 0 && f->max_idle == 0)
		f->max_materialize = factory_default_max;
	/* Never the scheduler's environment: the submitter's, or none. */
	if (submit_factory_new(name, text, strlen(text), cwd,
	    f->env != NULL ? f->env : empty, f->vars, f->nvars, (int)line,
	    &f->sf, err, errlen) == -1)
		goto fail;
	return f;
fail:
	factory_free(f);
	return NULL;
}

/* Item I's $(ItemIndex). */
static size_t
factory_item_index(const struct factory *f, size_t i)
{
	if (f->index != NULL)
		return f->index[i];
	if (f->index_step > 0)
		return (size_t)(f->index_first + i * f->index_step);
	return i;
}

/*
 * Build proc PROC of F into *D with its wire text *AD, checked as a
 * client's job is; -1 with ERR.
 */
static int
factory_build(struct factory *f, uint32_t proc, struct jobdesc *d,
    char **ad, char *err, size_t errlen)
{
	struct jobdesc		 raw;
	struct json_object	*o;
	const char		*errstr = NULL;
	char			 why[512];
	size_t			 i = proc / f->count, len;
	int64_t			 um = jsonx_int(f->digest, "umask", -1);

	*ad = NULL;
	memset(d, 0, sizeof(*d));
	if (submit_factory_job(f->sf, proc, f->itembuf + f->itemoff[i],
	    factory_item_index(f, i), proc % f->count, &raw, why,
	    sizeof why) == -1) {
		snprintf(err, errlen, "job %u: %s", proc, why);
		return -1;
	}
	/*
	 * Through the wire form: the checks a whole submit's jobs get.  Its
	 * object is what json-c would read back from jobdesc_wire_text()'s
	 * text (the same members, order and values; custom values are
	 * scalars), without writing and parsing that text.
	 */
	o = jobdesc_to_wire(&raw);
	jobdesc_free(&raw);
	if (o == NULL || jobdesc_from_json(o, d, &errstr) == -1) {
		snprintf(err, errlen, "job %u: %s", proc, errstr != NULL ?
		    errstr : "cannot read its description");
		json_object_put(o);
		jobdesc_free(d);
		return -1;
	}
	json_object_put(o);
	if (queue_policy_check(d, why, sizeof why) == -1 ||
	    share_check_desc(d, why, sizeof why) == -1) {
		snprintf(err, errlen, "job %u: %s", proc, why);
		jobdesc_free(d);
		return -1;
	}
	if (um != -1)
		d->umask = um;
	*ad = jobdesc_wire_text(d, &len);
	return 0;
}

struct factory *
factory_new(struct json_object *digest, int64_t umask,
    struct itemstage *items, char *err, size_t errlen)
{
	struct factory	*f;
	struct jobdesc	 d;
	const char	*inline_items;
	char		*ad, *buf = NULL;
	uint32_t	*off = NULL;
	size_t		 n = 0;

	/* The request's object becomes the factory's: what the store keeps. */
	if (digest == NULL || !json_object_is_type(digest,
	    json_type_object)) {
		snprintf(err, errlen, "late materialization: a bad digest");
		return NULL;
	}
	inline_items = jsonx_str(digest, "items", NULL);
	if (items != NULL && jsonx_get(digest, "items") != NULL) {
		snprintf(err, errlen, "late materialization: items came in "
		    "item frames and in the digest");
		return NULL;
	}
	/* A long list in one JSON string would be read in one turn. */
	if (items == NULL && inline_items != NULL &&
	    strlen(inline_items) > ITEMFRAME_MAX) {
		snprintf(err, errlen, "late materialization: more than %u "
		    "bytes of items come as item frames, not in the digest",
		    ITEMFRAME_MAX);
		return NULL;
	}
	json_object_get(digest);
	json_object_object_del(digest, "umask");
	if (umask != -1)
		json_object_object_add(digest, "umask",
		    json_object_new_int64(umask));
	if (items != NULL)
		itemstage_take(items, &buf, &off, &n);
	if ((f = factory_read(digest, buf, off, n, err, errlen)) == NULL)
		return NULL;
	f->upload = itemstage_upload(items);
	if (factory_build(f, 0, &d, &ad, err, errlen) == -1) {
		factory_free(f);
		return NULL;
	}
	/* Nothing is spooled for a factory: refused, not run without. */
	if (jobdesc_xfer_wanted(&d)) {
		snprintf(err, errlen, "%s: late materialization cannot send "
		    "files through the scheduler's spool (should_transfer_"
		    "files, transfer_input_files); use shared files or "
		    "submit without max_materialize and max_idle",
		    jsonx_str(f->digest, "name", "the submit file"));
		jobdesc_free(&d);
		free(ad);
		factory_free(f);
		return NULL;
	}
	jobdesc_free(&d);
	free(ad);
	return f;
}

uint64_t
factory_total(const struct factory *f)
{
	return f->total;
}

int
factory_submit(struct factory *f, uid_t uid, const char *owner,
    const char *batch_name, uint32_t *cluster)
{
	const char	*text;
	size_t		 len;

	if (commit_begin() == -1 || store_cluster_new(sd->store, uid, owner,
	    clock_now_ms(), batch_name, (uint32_t)f->total, cluster) == -1)
		return -1;
	text = jsonx_dump(f->digest, &len);
	if (store_factory_insert(sd->store, *cluster, text, f->total,
	    f->upload) == -1)
		return -1;
	f->cluster = *cluster;
	f->uid = uid;
	f->owner = xstrdup(owner);
	clusters_add(f->cluster, owner, batch_name, (uint32_t)f->total,
	    clock_now_ms());
	return 0;
}

void
factory_start(struct factory *f)
{
	/* Stored, and read into itembuf and index: not kept twice. */
	json_object_object_del(f->digest, "items");
	json_object_object_del(f->digest, "index");
	TAILQ_INSERT_TAIL(&factories, f, entry);
	clusters_waiting(f->cluster, (uint32_t)(f->total - f->next));
	clusters_paused(f->cluster, f->paused != FACTORY_RUN ? (f->reason !=
	    NULL ? f->reason : "paused") : NULL);
	factory_again();
}

/* The jobs F may materialize now. */
static uint64_t
factory_room(struct factory *f)
{
	struct cluster	*cl = clusters_find(f->cluster);
	uint64_t	 room = f->total - f->next, live, idle, have;

	if (f->paused != FACTORY_RUN || f->sf == NULL)
		return 0;	/* (no digest it could read at start-up) */
	live = cl != NULL ? cl->nlive : 0;
	idle = cl != NULL ? cl->nidle : 0;
	if (f->max_materialize > 0)
		room = live >= f->max_materialize ? 0 :
		    room < f->max_materialize - live ? room :
		    f->max_materialize - live;
	if (f->max_idle > 0)
		room = idle >= f->max_idle ? 0 :
		    room < f->max_idle - idle ? room : f->max_idle - idle;
	have = owners_jobs(f->uid);
	if (have >= factory_owner_max)
		return 0;
	if (room > factory_owner_max - have)
		room = factory_owner_max - have;
	return room;
}

int
factory_pending(void)
{
	struct factory	*f;

	TAILQ_FOREACH(f, &factories, entry)
		if (factory_room(f) > 0)
			return 1;
	return 0;
}

/* F's rows: the factory's and its items'. */
static int
factory_delete(struct factory *f)
{
	if (store_factory_delete(sd->store, f->cluster) == -1)
		return -1;
	return f->upload > 0 ? store_factory_items_delete(sd->store,
	    f->upload) : 0;
}

/* F leaves memory: its procs are all made, or it was removed. */
static void
factory_gone(struct factory *f)
{
	TAILQ_REMOVE(&factories, f, entry);
	clusters_paused(f->cluster, NULL);
	clusters_waiting(f->cluster, 0);
	factory_free(f);
}

/* Pause F for a job that cannot be built (WHY), in a unit of its own. */
static void
factory_fail(struct factory *f, const char *why)
{
	log_warnx("cluster %u: late materialization paused: %s", f->cluster,
	    why);
	commit_request_begin();
	if (store_factory_update(sd->store, f->cluster, f->next,
	    FACTORY_FAILED, why) == -1)
		commit_request_fail(NULL);
	if (commit_request_end() == -1)
		return;		/* tried again next turn */
	f->paused = FACTORY_FAILED;
	free(f->reason);
	f->reason = xstrdup(why);
	clusters_paused(f->cluster, why);
}

/*
 * Materialize N jobs of F, fewer if building them passes DEADLINE
 * (clock_mono_ms); *MADE gets how many.  0, or -1 if the store refused.
 */
static int
factory_make(struct factory *f, uint64_t n, int64_t deadline,
    uint64_t *made)
{
	struct jobdesc	*descs;
	char		**ads, err[1024];
	uint64_t	 i, built = 0, next;
	int		 rc = 0, failed = 0;

	*made = 0;
	descs = xcalloc(n, sizeof(*descs));
	ads = xcalloc(n, sizeof(*ads));
	for (i = 0; i < n; i++, built++) {
		if (factory_build(f, (uint32_t)(f->next + i), &descs[i],
		    &ads[i], err, sizeof err) == -1) {
			failed = 1;
			break;
		}
		if (clock_mono_ms() > deadline) {
			built++;
			break;
		}
	}
	next = f->next + built;
	if (built > 0) {
		commit_request_begin();
		queue_request_begin();
		if (queue_materialize(f->uid, f->owner, f->cluster, descs, ads,
		    built) == -1 || (next == f->total ?
		    factory_delete(f) :
		    store_factory_update(sd->store, f->cluster, next,
		    FACTORY_RUN, NULL)) == -1)
			commit_request_fail(NULL);
		if (commit_request_end() == -1) {
			queue_request_end(0);
			log_warnx("cluster %u: materializing jobs %llu-%llu "
			    "failed: %s", f->cluster,
			    (unsigned long long)f->next,
			    (unsigned long long)next - 1,
			    commit_request_why());
			rc = -1;
			goto out;
		}
		queue_request_end(1);
		f->next = next;
		*made = built;
		log_debug("cluster %u: %llu jobs materialized (%llu of %llu)",
		    f->cluster, (unsigned long long)built,
		    (unsigned long long)f->next, (unsigned long long)f->total);
	}
	if (failed)
		factory_fail(f, err);
out:
	for (i = 0; i < n; i++)
		free(ads[i]);
	free(ads);
	jobdesc_free_all(descs, n);
	if (rc == 0 && f->next == f->total) {
		log_info("cluster %u: all %llu jobs materialized", f->cluster,
		    (unsigned long long)f->total);
		factory_gone(f);
	} else if (rc == 0)
		clusters_waiting(f->cluster, (uint32_t)(f->total - f->next));
	return rc;
}

void
factory_turn(void)
{
	struct factory	*f, *next;
	uint64_t	 budget = factory_per_turn, room, made;
	int64_t		 deadline = clock_mono_ms() + FACTORY_TURN_MS;

	/* Only in the turns factory_again() asked for. */
	if (!factory_due)
		return;
	factory_due = 0;
	TAILQ_FOREACH_SAFE(f, &factories, entry, next) {
		if (budget == 0)
			break;
		if ((room = factory_room(f)) == 0)
			continue;
		if (room > budget)
			room = budget;
		/* The next turn starts with the next factory. */
		TAILQ_REMOVE(&factories, f, entry);
		TAILQ_INSERT_TAIL(&factories, f, entry);
		if (factory_make(f, room, deadline, &made) == -1)
			return;		/* the store: next turn */
		budget -= made < budget ? made : budget;
		if (clock_mono_ms() > deadline)
			break;
	}
	/* More to do: another turn, after what waits in the loop. */
	if (factory_pending())
		factory_again();
}

/* The item frames of a factory, read back at start-up. */
struct factory_loaded {
	char		*buf;
	size_t		 len, cap;
	uint32_t	*off;
	size_t		 n, offcap;
};

static int
factory_load_frame(void *arg, const void *items, size_t len)
{
	struct factory_loaded	*l = arg;
	const char		*errstr;
	size_t			 i, k, start;

	/* What the store gives back is checked as what a client sent. */
	if (itemframe_check(items, len, &k, &errstr) == -1 ||
	    len > ITEMFRAME_MAX_TOTAL - l->len ||
	    k > JOBDESC_MAX_PROCS - l->n)
		return -1;
	if (l->len + len > l->cap) {
		l->cap = l->cap == 0 ? ITEMFRAME_MAX : l->cap;
		while (l->cap < l->len + len)
			l->cap *= 2;
		l->buf = xreallocarray(l->buf, l->cap, 1);
	}
	if (l->n + k > l->offcap) {
		l->offcap = l->offcap == 0 ? 4096 : l->offcap;
		while (l->offcap < l->n + k)
			l->offcap *= 2;
		l->off = xreallocarray(l->off, l->offcap, sizeof(*l->off));
	}
	memcpy(l->buf + l->len, items, len);
	for (i = start = l->len; i < l->len + len; i++)
		if (l->buf[i] == '\n') {
			l->buf[i] = '\0';
			l->off[l->n++] = (uint32_t)start;
			start = i + 1;
		}
	l->len += len;
	return 0;
}

static int
factory_load_one(void *arg, const struct store_factory *sf)
{
	struct factory		*f = NULL;
	struct factory_loaded	 l;
	struct json_object	*d;
	char			 err[1024];

	memset(&l, 0, sizeof l);
	err[0] = '\0';
	if ((d = json_tokener_parse(sf->digest)) == NULL)
		snprintf(err, sizeof err, "its digest is not JSON");
	else if (sf->upload > 0 && store_factory_items_load(sd->store,
	    sf->upload, factory_load_frame, &l) == -1) {
		snprintf(err, sizeof err, "its items (upload %llu) are "
		    "damaged or missing", (unsigned long long)sf->upload);
		json_object_put(d);
		free(l.buf);
		free(l.off);
	} else if ((f = factory_read(d, sf->upload > 0 && l.buf == NULL ?
	    xcalloc(1, 1) : l.buf, l.off, l.n, err, sizeof err)) != NULL)
		f->upload = sf->upload;
	if (f == NULL) {
		log_warnx("cluster %u: late materialization cannot go on: %s",
		    sf->cluster, err);
		/* Kept, paused, so that cq rm can remove it. */
		f = xcalloc(1, sizeof(*f));
		f->digest = json_object_new_object();
		f->count = 1;
		f->paused = FACTORY_FAILED;
		f->reason = xstrdup(err);
		f->upload = sf->upload;
	} else {
		f->paused = sf->paused;
		f->reason = sf->reason != NULL ? xstrdup(sf->reason) : NULL;
	}
	f->cluster = sf->cluster;
	f->uid = sf->uid;
	f->owner = xstrdup(sf->owner);
	f->total = sf->total;
	f->next = sf->next;
	clusters_add(f->cluster, sf->owner, sf->batch_name,
	    (uint32_t)sf->total, sf->submitted);
	factory_start(f);
	return 0;
}

int
factory_load(void)
{
	struct factory	*f;
	size_t		 n = 0;
	uint64_t	 next, gone;

	/* Items of a submit that never completed: nobody was told of it. */
	if (store_factory_items_sweep(sd->store, &next, &gone) == -1)
		return -1;
	if (gone > 0)
		log_info("late materialization: the items of %llu submits "
		    "that never completed are removed",
		    (unsigned long long)gone);
	itemstage_init(next);
	if (store_factories_load(sd->store, factory_load_one, NULL) == -1)
		return -1;
	TAILQ_FOREACH(f, &factories, entry)
		n++;
	if (n > 0)
		log_info("late materialization: %zu factories loaded", n);
	return 0;
}

void
factory_shutdown(void)
{
	struct factory	*f;

	while ((f = TAILQ_FIRST(&factories)) != NULL) {
		TAILQ_REMOVE(&factories, f, entry);
		factory_free(f);
	}
	if (factory_ev != NULL)
		event_free(factory_ev);
	factory_ev = NULL;
}

struct factory *
factory_find(uint32_t cluster)
{
	struct factory	*f;

	TAILQ_FOREACH(f, &factories, entry)
		if (f->cluster == cluster)
			return f;
	return NULL;
}

void
factory_walk(void (*cb)(struct factory *, void *), void *arg)
{
	struct factory	*f, *next;

	TAILQ_FOREACH_SAFE(f, &factories, entry, next)
		cb(f, arg);
}

uint32_t
factory_cluster(const struct factory *f)
{
	return f->cluster;
}

uid_t
factory_uid(const struct factory *f)
{
	return f->uid;
}

uint64_t
factory_waiting(const struct factory *f)
{
	return f->total - f->next;
}

uint64_t
factory_unmade(uint32_t cluster, int64_t proc)
{
	struct factory	*f;

	if ((f = factory_find(cluster)) == NULL)
		return 0;
	if (proc < 0)
		return f->total - f->next;
	return (uint64_t)proc >= f->next && (uint64_t)proc < f->total;
}

int
factory_act(struct factory *f, const char *action)
{
	if (strcmp(action, "rm") == 0)
		return factory_delete(f) == -1 ? -1 : 1;
	if (strcmp(action, "hold") == 0 && f->paused == FACTORY_RUN)
		return store_factory_update(sd->store, f->cluster, f->next,
		    FACTORY_HELD, "held by cq hold") == -1 ? -1 : 1;
	if (strcmp(action, "release") == 0 && f->paused != FACTORY_RUN &&
	    f->sf != NULL)
		return store_factory_update(sd->store, f->cluster, f->next,
		    FACTORY_RUN, NULL) == -1 ? -1 : 1;
	return 0;
}

void
factory_act_done(struct factory *f, const char *action)
{
	if (strcmp(action, "rm") == 0) {
		log_info("cluster %u: %llu jobs not materialized are removed",
		    f->cluster, (unsigned long long)(f->total - f->next));
		factory_gone(f);
		return;
	}
	free(f->reason);
	f->reason = NULL;
	if (strcmp(action, "hold") == 0) {
		f->paused = FACTORY_HELD;
		f->reason = xstrdup("held by cq hold");
	}
	clusters_paused(f->cluster, f->reason);
	if (strcmp(action, "release") == 0) {
		f->paused = FACTORY_RUN;
		factory_again();
	}
}
