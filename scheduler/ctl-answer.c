/*
 * ctl-answer.c: large answers in slices.  A query over every slot or
 * every job (`cq status`, `cq q --json`) is not built in the callback
 * that read it: it is queued here, and each loop turn writes at most
 * CTL_ANSWER_ROWS_PER_TURN rows of all the queued answers together, the
 * answers taking turns, as JSON text (rows.c); the loop polls its
 * sockets between two slices, so agents' reports, submits and the
 * matching that starts jobs never wait for more than one slice.  A
 * finished answer is one frame, {"rows":[...]} as before; it goes once
 * the turn's changes it may show are durable, like any other reply.
 * The rows are those of the moments they were written: a job or slot
 * that changes while the answer is made shows as it was when its row
 * was written, and each appears once.
 * What it wrote is counted in sd (answer_rows, answer_slices and the
 * most rows in one turn), for the query "loop" (ctl-query.c).
 * Called by ctl-query.c (and ctl.c when a client leaves).
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "commit.h"
#include "ctl-int.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "rows.h"
#include "schedd.h"
#include "store.h"
#include "xmalloc.h"

struct ctl_answer {
	struct peer		*peer;
	uint32_t		 reqid;
	struct rows_text	*text;
	ctl_answer_more		 more;
	void			(*done)(void *);
	void			*arg;
	uint64_t		 slices;
	uint64_t		 first_turn;
	TAILQ_ENTRY(ctl_answer)	 entry;
};

static TAILQ_HEAD(, ctl_answer)	 ctl_answers =
    TAILQ_HEAD_INITIALIZER(ctl_answers);
static struct event		*ctl_answer_ev;

static void	ctl_answer_turn(evutil_socket_t, short, void *);

static void
ctl_answer_free(struct ctl_answer *a)
{
	TAILQ_REMOVE(&ctl_answers, a, entry);
	if (a->done != NULL)
		a->done(a->arg);
	if (a->text != NULL)
		free(rows_text_finish(a->text, &(size_t){ 0 }));
	free(a);
}

/* Come back next loop turn, after the loop has polled its sockets. */
static void
ctl_answer_again(void)
{
	struct timeval	tv = { 0, 0 };

	if (ctl_answer_ev == NULL && (ctl_answer_ev = evtimer_new(sd->base,
	    ctl_answer_turn, NULL)) == NULL)
		fatalx("evtimer_new");
	if (!evtimer_pending(ctl_answer_ev, NULL))
		evtimer_add(ctl_answer_ev, &tv);
}

/* A's rows are all written: send them (after the commit if need be). */
static void
ctl_answer_send(struct ctl_answer *a)
{
	char	*text;
	size_t	 len;

	text = rows_text_finish(a->text, &len);
	a->text = NULL;
	if (a->slices > 1)
		log_debug("%s: answer of %zu bytes in %llu slices, loop turns "
		    "%llu-%llu", peer_label(a->peer), len,
		    (unsigned long long)a->slices,
		    (unsigned long long)a->first_turn,
		    (unsigned long long)sd->turns);
	/* Rows may show this turn's changes: they wait for the commit. */
	if (store_in_txn(sd->store))
		commit_later_text(a->peer, MSG_QUERY_REPLY, a->reqid, text,
		    len);
	else {
		peer_send_text(a->peer, MSG_QUERY_REPLY, a->reqid, text, len);
		free(text);
	}
}

static void
ctl_answer_turn(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_answer	*a;
	size_t			 left = CTL_ANSWER_ROWS_PER_TURN, n, rows;
	size_t			 turns = 0;
	int			 done;

	/* Each answer one slice at most: one that found no row to write
	 * in its slice (a filter that selects few) waits for the next. */
	TAILQ_FOREACH(a, &ctl_answers, entry)
		turns++;
	rows = 0;
	while (left > 0 && turns-- > 0 &&
	    (a = TAILQ_FIRST(&ctl_answers)) != NULL) {
		if (a->slices++ == 0)
			a->first_turn = sd->turns;
		done = 0;
		n = a->more(a->arg, a->text, left, &done);
		left -= n < left ? n : left;
		rows += n;
		if (done) {
			ctl_answer_send(a);
			ctl_answer_free(a);
			continue;
		}
		/* The others' turn. */
		TAILQ_REMOVE(&ctl_answers, a, entry);
		TAILQ_INSERT_TAIL(&ctl_answers, a, entry);
	}
	sd->answer_rows += rows;
	sd->answer_slices++;
	if (rows > sd->answer_rows_turn_max)
		sd->answer_rows_turn_max = rows;
	/* A slice is a loop turn: it ends as any other does. */
	schedd_turn_request();
	if (!TAILQ_EMPTY(&ctl_answers))
		ctl_answer_again();
}

void
ctl_answer_start(struct peer *p, uint32_t reqid, struct rows_text *text,
    ctl_answer_more more, void (*done)(void *), void *arg)
{
	struct ctl_answer	*a = xcalloc(1, sizeof *a);

	a->peer = p;
	a->reqid = reqid;
	a->text = text;
	a->more = more;
	a->done = done;
	a->arg = arg;
	TAILQ_INSERT_TAIL(&ctl_answers, a, entry);
	ctl_answer_again();
}

void
ctl_answer_forget(struct peer *p)
{
	struct ctl_answer	*a, *next;

	TAILQ_FOREACH_SAFE(a, &ctl_answers, entry, next)
		if (a->peer == p)
			ctl_answer_free(a);
}

void
ctl_answer_shutdown(void)
{
	while (!TAILQ_EMPTY(&ctl_answers))
		ctl_answer_free(TAILQ_FIRST(&ctl_answers));
	if (ctl_answer_ev != NULL)
		event_free(ctl_answer_ev);
	ctl_answer_ev = NULL;
}
