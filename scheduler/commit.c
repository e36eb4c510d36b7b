/*
 * commit.c: group commit and the outbox.  commit_begin() opens a
 * transaction at the first change of a loop turn and asks main for an
 * end-of-turn callback; commit_flush(), called there, commits once for
 * the whole turn, appends the turn's events to the users' event logs
 * (userlog.c) and only then sends the replies and orders queued with
 * commit_later().  So nobody hears of a change before it is durable.
 * A client's request that changes state is a unit of its own
 * (commit_request_begin/_end): the turn's changes so far are committed
 * first, then the request's in a transaction of their own, so that a
 * store that refuses it (a full disk, a read-only database) rolls back
 * that request alone; the caller undoes what it changed in memory and
 * answers with commit_request_why().  A failed commit of the rest of a
 * turn (agents' reports, matching) is still fatal.
 * What need not hold up the replies (commit_idle(): freeing a big
 * request; the WAL checkpoint once the WAL has grown) runs from a zero
 * timer, so in a later loop iteration than the replies, which go out
 * first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "commit.h"
#include "log.h"
#include "peer.h"
#include "schedd.h"
#include "store.h"
#include "userlog.h"
#include "xmalloc.h"

struct outmsg {
	struct peer		*peer;		/* NULL if it went away */
	uint16_t		 type;
	uint32_t		 reqid;
	struct json_object	*obj;
};

static struct outmsg	*outbox;
static size_t		 noutbox, outbox_cap;

/* A list of callbacks: commit_after()'s and commit_idle()'s. */
struct commit_cbs {
	struct {
		void	(*cb)(void *);
		void	*arg;
	}		*v;
	size_t		 n, cap;
};
static struct commit_cbs	 after, idle;
static struct event		*idle_ev;

/* The client's request being handled (commit_request_begin). */
static struct {
	int	 active;
	int	 failed;
	size_t	 noutbox;		/* the outbox before it */
	char	 why[160];
} req;

static void
commit_cbs_add(struct commit_cbs *l, void (*cb)(void *), void *arg)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].cb = cb;
	l->v[l->n].arg = arg;
	l->n++;
	schedd_turn_request();
}

/* Run the callbacks queued so far; those they queue wait for next time. */
static void
commit_cbs_run(struct commit_cbs *l)
{
	size_t	i, n = l->n;

	for (i = 0; i < n; i++)
		l->v[i].cb(l->v[i].arg);
	if (l->n > n)
		memmove(l->v, l->v + n, (l->n - n) * sizeof *l->v);
	l->n -= n;
}

static void
commit_cbs_free(struct commit_cbs *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Run the idle callbacks queued so far, then checkpoint if due. */
static void
commit_idle_run(void)
{
	commit_cbs_run(&idle);
	/* Not inside a turn's transaction: those end in the same turn. */
	if (store_checkpoint_due(sd->store) && !store_in_txn(sd->store))
		store_checkpoint(sd->store);
}

static void
commit_idle_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	commit_idle_run();
}

void
commit_idle(void (*cb)(void *), void *arg)
{
	commit_cbs_add(&idle, cb, arg);
}

void
commit_after(void (*cb)(void *), void *arg)
{
	commit_cbs_add(&after, cb, arg);
}

int
commit_begin(void)
{
	schedd_turn_request();
	if (store_in_txn(sd->store))
		return 0;
	return store_begin(sd->store);
}

int
commit_request_begin(void)
{
	if (req.active)
		fatalx("commit: a request inside a request");
	/* What the turn changed before is not this request's to lose. */
	if (store_in_txn(sd->store)) {
		if (store_commit(sd->store) == -1)
			fatalx("commit failed: cannot make changes durable");
		userlog_recorded();
	}
	memset(&req, 0, sizeof req);
	req.active = 1;
	req.noutbox = noutbox;
	return 0;
}

int
commit_request_active(void)
{
	return req.active;
}

void
commit_request_fail(const char *why)
{
	if (!req.active)
		fatalx("commit: a failed request outside a request");
	if (!req.failed)
		strlcpy(req.why, why != NULL ? why :
		    store_failure(sd->store), sizeof req.why);
	req.failed = 1;
}

const char *
commit_request_why(void)
{
	return req.why[0] != '\0' ? req.why :
	    "the scheduler's store refused the change";
}

int
commit_request_end(void)
{
	size_t	i;

	if (!req.active)
		fatalx("commit: the end of no request");
	req.active = 0;
	if (!req.failed && store_in_txn(sd->store)) {
		if (store_commit(sd->store) == 0) {
			userlog_recorded();
			return 0;
		}
		strlcpy(req.why, store_failure(sd->store), sizeof req.why);
		req.failed = 1;
	}
	if (!req.failed)
		return 0;
	/* SQLite may have rolled back already (SQLITE_FULL). */
	if (store_in_txn(sd->store) && store_rollback(sd->store) == -1)
		fatalx("commit: cannot roll back a refused request");
	/* Its replies and orders never leave. */
	for (i = req.noutbox; i < noutbox; i++)
		json_object_put(outbox[i].obj);
	noutbox = req.noutbox;
	return -1;
}

void
commit_later(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *obj)
{
	if (noutbox == outbox_cap) {
		outbox_cap = outbox_cap ? outbox_cap * 2 : 64;
		outbox = xreallocarray(outbox, outbox_cap, sizeof *outbox);
	}
	outbox[noutbox].peer = p;
	outbox[noutbox].type = type;
	outbox[noutbox].reqid = reqid;
	outbox[noutbox].obj = obj;
	noutbox++;
	schedd_turn_request();
}

void
commit_forget_peer(struct peer *p)
{
	size_t	i;

	for (i = 0; i < noutbox; i++)
		if (outbox[i].peer == p)
			outbox[i].peer = NULL;
}

void
commit_flush(void)
{
	struct outmsg	*m;
	size_t		 i, n;

	if (store_in_txn(sd->store)) {
		if (store_commit(sd->store) == -1)
			fatalx("commit failed: cannot make changes durable");
		userlog_recorded();
	}
	/* Durable, then in the users' event logs, then told. */
	userlog_flush();
	/* Sending may close peers, which calls commit_forget_peer(). */
	n = noutbox;
	for (i = 0; i < n; i++) {
		m = &outbox[i];
		if (m->peer != NULL)
			peer_send(m->peer, m->type, m->reqid, m->obj);
		json_object_put(m->obj);
		m->obj = NULL;
	}
	/* What was queued while sending waits for the next commit. */
	if (noutbox > n)
		memmove(outbox, outbox + n, (noutbox - n) * sizeof *outbox);
	noutbox -= n;
	/* Then what waited for durability (spool cleanup, file sends). */
	commit_cbs_run(&after);
	if ((idle.n > 0 || store_checkpoint_due(sd->store)) &&
	    sd->base != NULL) {
		struct timeval	zero = { 0, 0 };

		if (idle_ev == NULL)
			idle_ev = evtimer_new(sd->base, commit_idle_cb, NULL);
		if (idle_ev == NULL)
			commit_idle_run();
		else if (!evtimer_pending(idle_ev, NULL))
			evtimer_add(idle_ev, &zero);
	}
}

void
commit_shutdown(void)
{
	size_t	i;

	for (i = 0; i < noutbox; i++)
		json_object_put(outbox[i].obj);
	free(outbox);
	outbox = NULL;
	commit_cbs_free(&after);
	while (idle.n > 0)
		commit_idle_run();
	commit_cbs_free(&idle);
	if (idle_ev != NULL)
		event_free(idle_ev);
	idle_ev = NULL;
	noutbox = outbox_cap = 0;
}
