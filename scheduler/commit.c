/*
 * commit.c: group commit and the outbox.  commit_begin() opens a
 * transaction at the first change of a loop turn and asks main for an
 * end-of-turn callback; commit_flush(), called there, commits once for
 * the whole turn, appends the turn's events to the users' event logs
 * (userlog.c) and only then sends the replies and orders queued with
 * commit_later().  So nobody hears of a change before it is durable.
 * Each commit first writes the fair-share rows of the submitters the
 * changes touched (share_commit), once each, in the same transaction.
 * A client's request that changes state is a unit of its own
 * (commit_request_begin/_end): the turn's changes so far are committed
 * first, then the request's in a transaction of their own, so that a
 * store that refuses it (a full disk, a read-only database) rolls back
 * that request alone; the caller undoes what it changed in memory and
 * answers with commit_request_why().
 * The rest of a turn (agents' reports, matching, the periodic policy) is
 * not undone in memory when the store refuses it: store.c keeps its
 * writes and holds them (store_hold()), and so every later write, while
 * the replies and orders that report them wait here, unsent (an agent's
 * exit stays unacknowledged, a start does not leave).  While the store is
 * held the scheduler is stalled: a client's request that changes state is
 * refused with why ("the scheduler's disk is full: 2 KiB free"), main.c
 * matches nothing and skips the periodic policy, queries are answered
 * from memory and running jobs go on.  commit_retry(), from diskwatch.c's
 * timer and before each request, replays the held writes once the disk
 * takes them; then what waited is sent and the scheduler goes on.
 * What need not hold up the replies (commit_idle(): freeing a big
 * request; the WAL checkpoint once the WAL has grown) runs from a zero
 * timer, so in a later loop iteration than the replies, which go out
 * first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "clock.h"
#include "commit.h"
#include "diskwatch.h"
#include "log.h"
#include "loopturn.h"
#include "msg.h"
#include "peer.h"
#include "schedd.h"
#include "share.h"
#include "store.h"
#include "userlog.h"
#include "xmalloc.h"

struct outmsg {
	struct peer		*peer;		/* NULL if it went away */
	uint16_t		 type;
	uint32_t		 reqid;
	struct json_object	*obj;
	char			*text;		/* or JSON text (obj NULL) */
	size_t			 len;
	int			 held;		/* reports what is not durable */
};

/* How often a stall that goes on is logged again. */
#define COMMIT_STALL_LOG_MS	60000
/* Replays of the held changes are at least this far apart. */
#define COMMIT_RETRY_MS		250

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
/* Writes that join the turn's transaction just before it commits. */
static void			(*before[4])(void);
static size_t			 nbefore;

/* The client's request being handled (commit_request_begin). */
static struct {
	int	 active;
	int	 failed;
	int	 refused;		/* stalled: refused before it began */
	size_t	 noutbox;		/* the outbox before it */
	char	 why[160];
} req;

/* Since when the store is held (commit_stall), and the last log of it. */
static int64_t	 stall_since, stall_logged, stall_tried;
static char	 stall_why[160];

static void	 commit_why(char *, size_t);
static int	 commit_retry_gap(int64_t);

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

void
commit_before(void (*cb)(void))
{
	if (nbefore == sizeof before / sizeof before[0])
		fatalx("commit: too many writers before the commit");
	before[nbefore++] = cb;
}

static void
commit_before_run(void)
{
	size_t	i;

	for (i = 0; i < nbefore; i++)
		before[i]();
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
	loopturn_begin();
	commit_idle_run();
	loopturn_note();
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

/* What the turn changed is durable: nothing waits for it any more. */
static void
commit_durable(void)
{
	size_t	i;

	for (i = 0; i < noutbox; i++)
		outbox[i].held = 0;
	userlog_recorded();
}

/* Why the store refuses writes, for a client: the disk's free space too. */
static void
commit_why(char *buf, size_t len)
{
	char	free_text[32];

	if (store_failure_full(sd->store)) {
		diskwatch_size(free_text, sizeof free_text, diskwatch_free());
		snprintf(buf, len, "the scheduler's disk is full: %s free",
		    free_text);
	} else
		strlcpy(buf, store_failure(sd->store), len);
}

/*
 * The store is held: query replies need not wait, and a new stall is
 * logged once, with since when and why.
 */
static void
commit_stall_note(int was)
{
	size_t	 i;

	/* Queries are answered from memory while stalled: these too. */
	for (i = 0; i < noutbox; i++)
		if (outbox[i].type == MSG_QUERY_REPLY)
			outbox[i].held = 0;
	if (was)
		return;
	stall_since = stall_logged = clock_mono_ms();
	commit_why(stall_why, sizeof stall_why);
	log_warnx("%s: new work is refused and nothing is started until "
	    "the store takes the held changes; running jobs go on and "
	    "queries are answered", stall_why);
}

/*
 * The store refused the turn's writes: hold them, stall until it takes
 * them again (commit_retry).
 */
static void
commit_stall(void)
{
	int	 was = store_held(sd->store);

	if (store_hold(sd->store) == -1)
		fatalx("commit failed: cannot make changes durable and cannot "
		    "keep them to retry");
	commit_stall_note(was);
}

/*
 * A write in the middle of the turn held the store (store_on_hold): a
 * stall as one at the commit.  A write it could not keep is fatal at the
 * turn's end (commit_stall).
 */
static void
commit_held_cb(void *arg)
{
	(void)arg;
	commit_stall_note(0);
}

/*
 * Commit the turn's open transaction, the fair-share rows it changed
 * last: 0, or -1 with the store held (the writes kept to replay, the
 * rows with them).
 */
static int
commit_turn(void)
{
	commit_before_run();
	share_commit();
	if (!store_held(sd->store) && store_commit(sd->store) == 0) {
		share_committed();
		commit_durable();
		return 0;
	}
	commit_stall();
	share_committed();
	return -1;
}

/* 1 while the store holds the turn's changes. */
int
commit_stalled(void)
{
	return store_held(sd->store);
}

/* Why the scheduler is stalled, NULL if it is not. */
const char *
commit_stall_why(void)
{
	return store_held(sd->store) ? stall_why : NULL;
}

/* Since when (mono ms) it is stalled, 0 if it is not. */
int64_t
commit_stall_since(void)
{
	return store_held(sd->store) ? stall_since : 0;
}

/* Replay the held changes now: 0 once nothing is held. */
int
commit_retry(void)
{
	return commit_retry_gap(0);
}

/* Replay the held changes unless the last try is less than GAP ms old. */
static int
commit_retry_gap(int64_t gap)
{
	size_t	 n;
	int64_t	 now, freeb;

	if (!store_held(sd->store))
		return 0;
	if (store_in_txn(sd->store) || req.active)
		return -1;
	/* Not each request of a storm replays them all. */
	now = clock_mono_ms();
	if (now - stall_tried < gap)
		return -1;
	stall_tried = now;
	/* A full disk: not before a few pages are free. */
	freeb = diskwatch_free();
	if (store_failure_full(sd->store) && freeb >= 0 &&
	    freeb < DISKWATCH_RESUME_BYTES) {
		commit_why(stall_why, sizeof stall_why);
		return -1;
	}
	n = store_held_count(sd->store);
	if (store_resume(sd->store) == -1) {
		commit_why(stall_why, sizeof stall_why);
		if (now - stall_logged >= COMMIT_STALL_LOG_MS) {
			stall_logged = now;
			log_warnx("%s: %zu changes still held", stall_why, n);
		}
		return -1;
	}
	log_info("the store took the %zu held changes after %lld s: new work "
	    "is accepted again", n,
	    (long long)((clock_mono_ms() - stall_since) / 1000));
	stall_why[0] = '\0';
	commit_durable();
	/* What waited (matching, the replies) goes on at the turn's end. */
	sd->match_wanted = 1;
	schedd_turn_request();
	return 0;
}

int
commit_begin(void)
{
	schedd_turn_request();
	/* A request refused by a stalled scheduler writes nothing. */
	if (req.active && (req.refused || store_held(sd->store)))
		return -1;
	if (store_held(sd->store) || store_in_txn(sd->store))
		return 0;
	/* The store this turn writes to (tests open more than one). */
	store_on_hold(sd->store, commit_held_cb, NULL);
	if (store_begin(sd->store) == 0)
		return 0;
	if (req.active)
		return -1;
	/* The turn's writes are kept and held until the store takes them. */
	commit_stall();
	return 0;
}

int
commit_request_begin(void)
{
	if (req.active)
		fatalx("commit: a request inside a request");
	memset(&req, 0, sizeof req);
	/* Space again?  Then the request need not be refused. */
	commit_retry_gap(COMMIT_RETRY_MS);
	/* What the turn changed before is not this request's to lose. */
	if (!store_held(sd->store) && store_in_txn(sd->store))
		commit_turn();
	req.active = 1;
	req.noutbox = noutbox;
	if (store_held(sd->store)) {
		req.failed = req.refused = 1;
		strlcpy(req.why, stall_why, sizeof req.why);
	}
	/* Its writes are undone by its caller, not kept. */
	store_redo(sd->store, 0);
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
	if (!req.failed) {
		if (why != NULL)
			strlcpy(req.why, why, sizeof req.why);
		else
			commit_why(req.why, sizeof req.why);
	}
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
	/* Its fair-share rows, as a write of the request (not kept). */
	if (!req.failed && store_in_txn(sd->store))
		share_commit();
	req.active = 0;
	store_redo(sd->store, 1);
	if (!req.failed && store_in_txn(sd->store)) {
		if (store_commit(sd->store) == 0) {
			share_committed();
			commit_durable();
			return 0;
		}
		commit_why(req.why, sizeof req.why);
		req.failed = 1;
	}
	if (!req.failed)
		return 0;
	/* SQLite may have rolled back already (SQLITE_FULL). */
	if (!req.refused && store_in_txn(sd->store) &&
	    store_rollback(sd->store) == -1)
		fatalx("commit: cannot roll back a refused request");
	/* Its replies and orders never leave. */
	for (i = req.noutbox; i < noutbox; i++) {
		json_object_put(outbox[i].obj);
		free(outbox[i].text);
	}
	noutbox = req.noutbox;
	return -1;
}

static void
commit_later_ex(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *obj, char *text, size_t len)
{
	if (noutbox == outbox_cap) {
		outbox_cap = outbox_cap ? outbox_cap * 2 : 64;
		outbox = xreallocarray(outbox, outbox_cap, sizeof *outbox);
	}
	outbox[noutbox].peer = p;
	outbox[noutbox].type = type;
	outbox[noutbox].reqid = reqid;
	outbox[noutbox].obj = obj;
	outbox[noutbox].text = text;
	outbox[noutbox].len = len;
	/* Until the commit, or while the store is held. */
	outbox[noutbox].held = store_in_txn(sd->store) ||
	    store_held(sd->store);
	noutbox++;
	schedd_turn_request();
}

void
commit_later(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *obj)
{
	commit_later_ex(p, type, reqid, obj, NULL, 0);
}

void
commit_later_text(struct peer *p, uint16_t type, uint32_t reqid, char *text,
    size_t len)
{
	commit_later_ex(p, type, reqid, NULL, text, len);
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
	size_t		 i, n, kept;
	int		 held;

	if (!store_held(sd->store) && store_in_txn(sd->store))
		commit_turn();
	else if (store_held(sd->store)) {
		/* The rows join the held writes, after the turn's. */
		commit_before_run();
		share_commit();
		share_committed();
	}
	held = store_held(sd->store);
	/* Durable, then in the users' event logs, then told. */
	userlog_flush();
	/*
	 * Sending may close peers, which calls commit_forget_peer().  While
	 * the store is held, what reports a held change stays, in order.
	 */
	n = noutbox;
	for (i = kept = 0; i < n; i++) {
		m = &outbox[i];
		if (held && m->held) {
			outbox[kept++] = *m;
			continue;
		}
		if (m->peer != NULL && m->text != NULL)
			peer_send_text(m->peer, m->type, m->reqid, m->text,
			    m->len);
		else if (m->peer != NULL)
			peer_send(m->peer, m->type, m->reqid, m->obj);
		json_object_put(m->obj);
		m->obj = NULL;
		free(m->text);
		m->text = NULL;
	}
	/* What was queued while sending waits for the next commit. */
	if (noutbox > n)
		memmove(outbox + kept, outbox + n,
		    (noutbox - n) * sizeof *outbox);
	noutbox -= n - kept;
	/* Then what waited for durability (spool cleanup, file sends). */
	if (!held)
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

	/* main.c tried once more; what stays held was told to nobody. */
	if (store_held(sd->store))
		log_warnx("%s: %zu held changes are not recorded; the agents "
		    "report their jobs' ends again to the next scheduler",
		    stall_why, store_held_count(sd->store));
	for (i = 0; i < noutbox; i++) {
		json_object_put(outbox[i].obj);
		free(outbox[i].text);
	}
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
