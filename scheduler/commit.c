/*
 * commit.c: group commit and the outbox.  commit_begin() opens a
 * transaction at the first change of a loop turn and asks main for an
 * end-of-turn callback; commit_flush(), called there, commits once for
 * the whole turn, appends the turn's events to the users' event logs
 * (userlog.c) and only then sends the replies and orders queued with
 * commit_later().  So nobody hears of a change before it is durable.
 * A failed commit is a broken invariant (the disk is gone): fatal.
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

struct aftercb {
	void		(*cb)(void *);
	void		*arg;
};
static struct aftercb	*after;
static size_t		 nafter, after_cap;

static struct aftercb	*idle;
static size_t		 nidle, idle_cap;
static struct event	*idle_ev;

/* Run the idle callbacks queued so far, then checkpoint if due. */
static void
commit_idle_run(void)
{
	size_t	i, n = nidle;

	/* Callbacks may queue more: those wait for the next round. */
	for (i = 0; i < n; i++)
		idle[i].cb(idle[i].arg);
	if (nidle > n)
		memmove(idle, idle + n, (nidle - n) * sizeof *idle);
	nidle -= n;
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
	if (nidle == idle_cap) {
		idle_cap = idle_cap ? idle_cap * 2 : 16;
		idle = xreallocarray(idle, idle_cap, sizeof *idle);
	}
	idle[nidle].cb = cb;
	idle[nidle].arg = arg;
	nidle++;
	schedd_turn_request();
}

void
commit_after(void (*cb)(void *), void *arg)
{
	if (nafter == after_cap) {
		after_cap = after_cap ? after_cap * 2 : 16;
		after = xreallocarray(after, after_cap, sizeof *after);
	}
	after[nafter].cb = cb;
	after[nafter].arg = arg;
	nafter++;
	schedd_turn_request();
}

int
commit_begin(void)
{
	schedd_turn_request();
	if (store_in_txn(sd->store))
		return 0;
	return store_begin(sd->store);
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
	n = nafter;
	for (i = 0; i < n; i++)
		after[i].cb(after[i].arg);
	if (nafter > n)
		memmove(after, after + n, (nafter - n) * sizeof *after);
	nafter -= n;
	if ((nidle > 0 || store_checkpoint_due(sd->store)) &&
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
	free(after);
	after = NULL;
	while (nidle > 0)
		commit_idle_run();
	free(idle);
	idle = NULL;
	idle_cap = 0;
	if (idle_ev != NULL)
		event_free(idle_ev);
	idle_ev = NULL;
	nafter = after_cap = 0;
	noutbox = outbox_cap = 0;
}
