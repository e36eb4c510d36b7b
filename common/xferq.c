/*
 * xferq.c: the sending side of file transfer over a peer (see xferq.h).
 * One file is in flight at a time.  Work per loop wakeup is bounded (a few
 * MiB hashed or sent), then the queue yields with a zero-delay event; it
 * also stops while the peer's output queue is above XFER_HIGH and resumes
 * from the peer's drain callback.  XFER_HIGH stays below PEER_OUT_PAUSE so
 * a sender never stops reading its peer's messages.  Freeing from inside
 * a callback (a send that closes the peer) is deferred to the step's end.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "agentmsg.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "xfer.h"
#include "xferq.h"
#include "xmalloc.h"

#define XFERQ_STEP_BYTES	(8u * 1024 * 1024)

struct xferq_item {
	TAILQ_ENTRY(xferq_item)	 entry;
	char			*job;
	uint32_t		 run;
	char			*kind;
	char			*src;		/* NULL: a directory */
	struct xferq_src	 from;		/* open == NULL: SRC a path */
	char			*rel;
	int			 mark;
	void			(*cb)(void *);
	void			*arg;
};

struct xferq {
	struct peer		*peer;
	struct event		*ev;
	TAILQ_HEAD(, xferq_item) items;
	struct xferq_item	*cur;
	struct xfer_out		 xo;
	int			 announced;
	uint32_t		 reqid;
	uint32_t		 next_reqid;
	int			 npending;
	int			 running;
	int			 dead;
	int			 trust_sums;
};

static void	xferq_step(evutil_socket_t, short, void *);

static void
xferq_item_free(struct xferq_item *it)
{
	free(it->job);
	free(it->kind);
	free(it->src);
	free(it->rel);
	if (it->from.unref != NULL)
		it->from.unref(it->from.arg);
	free(it);
}

static void
xferq_drain(struct peer *p, void *arg)
{
	struct xferq	*q = arg;

	if (q->cur != NULL || !TAILQ_EMPTY(&q->items))
		event_active(q->ev, 0, 0);
}

struct xferq *
xferq_new(struct event_base *base, struct peer *p, int trust_sums)
{
	struct xferq	*q;

	q = xcalloc(1, sizeof *q);
	q->peer = p;
	q->ev = event_new(base, -1, 0, xferq_step, q);
	q->next_reqid = 0x40000000u;
	q->xo.fd = -1;
	q->trust_sums = trust_sums;
	TAILQ_INIT(&q->items);
	peer_set_drain_cb(p, xferq_drain, q);
	return q;
}

static void
xferq_destroy(struct xferq *q)
{
	struct xferq_item	*it;

	while ((it = TAILQ_FIRST(&q->items)) != NULL) {
		TAILQ_REMOVE(&q->items, it, entry);
		xferq_item_free(it);
	}
	if (q->cur != NULL)
		xferq_item_free(q->cur);
	xfer_out_close(&q->xo);
	event_free(q->ev);
	free(q);
}

void
xferq_free(struct xferq *q)
{
	if (q == NULL)
		return;
	if (q->running) {
		q->dead = 1;
		return;
	}
	xferq_destroy(q);
}

static struct xferq_item *
xferq_item(struct xferq *q, const char *job, uint32_t run)
{
	struct xferq_item	*it;

	it = xcalloc(1, sizeof *it);
	it->job = xstrdup(job);
	it->run = run;
	TAILQ_INSERT_TAIL(&q->items, it, entry);
	event_active(q->ev, 0, 0);
	return it;
}

void
xferq_add(struct xferq *q, const char *job, uint32_t run, const char *kind,
    const char *src, const char *rel)
{
	struct xferq_item	*it = xferq_item(q, job, run);

	it->kind = xstrdup(kind);
	it->src = src != NULL ? xstrdup(src) : NULL;
	it->rel = xstrdup(rel);
	q->npending++;
}

void
xferq_add_from(struct xferq *q, const char *job, uint32_t run,
    const char *kind, const struct xferq_src *from, const char *src,
    const char *rel)
{
	struct xferq_item	*it = xferq_item(q, job, run);

	it->kind = xstrdup(kind);
	it->src = xstrdup(src);
	it->rel = xstrdup(rel);
	it->from = *from;
	if (from->ref != NULL)
		from->ref(from->arg);
	q->npending++;
}

/* Open the current item's file into Q's xfer_out; 0 or -1 with ERR. */
static int
xferq_open(struct xferq *q, char *err, size_t errlen)
{
	struct xferq_item	*it = q->cur;
	int			 fd;

	if (it->from.open == NULL)
		return xfer_out_open(&q->xo, it->src, q->trust_sums, err,
		    errlen);
	if ((fd = it->from.open(it->from.arg, it->src, err, errlen)) == -1)
		return -1;
	return xfer_out_open_fd(&q->xo, fd, it->rel, q->trust_sums, err,
	    errlen);
}

void
xferq_mark(struct xferq *q, const char *job, uint32_t run, void (*cb)(void *),
    void *arg)
{
	struct xferq_item	*it = xferq_item(q, job, run);

	it->mark = 1;
	it->cb = cb;
	it->arg = arg;
}

void
xferq_cancel(struct xferq *q, const char *job, uint32_t run)
{
	struct xferq_item	*it, *next;

	for (it = TAILQ_FIRST(&q->items); it != NULL; it = next) {
		next = TAILQ_NEXT(it, entry);
		if (strcmp(it->job, job) != 0 || it->run != run)
			continue;
		TAILQ_REMOVE(&q->items, it, entry);
		if (!it->mark)
			q->npending--;
		xferq_item_free(it);
	}
}

int
xferq_pending(const struct xferq *q)
{
	return q->npending;
}

/* Send the `file` announcement of the current item (agentmsg.c). */
static int
xferq_announce(struct xferq *q, int bad)
{
	struct agentmsg		*am;
	struct agentmsg_file	*f;
	struct json_object	*o;
	struct xferq_item	*it = q->cur;
	int			 rc;

	am = xcalloc(1, sizeof *am);
	am->type = MSG_FILE;
	f = &am->u.file;
	strlcpy(f->job, it->job, sizeof f->job);
	f->run = it->run;
	agentmsg_text_set(f->path, sizeof f->path, it->rel);
	if (agentmsg_file_kind_parse(it->kind, &f->kind) == -1)
		fatalx("xferq: a file of kind %s", it->kind);
	if (it->src == NULL) {
		f->dir = 1;
		f->mode = 0755;
	} else {
		f->size = bad ? 0 : (int64_t)q->xo.size;
		f->mode = bad ? 0600 : (int)q->xo.mode;
		/* A checksum no empty file has: the receiver refuses it. */
		strlcpy(f->sha256, bad ? "0000000000000000000000000000000000000"
		    "000000000000000000000000000" : q->xo.sha,
		    sizeof f->sha256);
	}
	o = agentmsg_encode(am);
	free(am);
	q->reqid = q->next_reqid++;
	rc = peer_send(q->peer, MSG_FILE, q->reqid, o);
	json_object_put(o);
	return rc;
}

/* The current item is done (or given up): on to the next. */
static void
xferq_next(struct xferq *q)
{
	xfer_out_close(&q->xo);
	xferq_item_free(q->cur);
	q->cur = NULL;
	q->announced = 0;
	q->npending--;
}

/* One bounded round of work; 1 to come back at once, 0 to wait. */
static int
xferq_round(struct xferq *q)
{
	static unsigned char	 buf[XFER_CHUNK];
	struct xferq_item	*it;
	char			 err[256];
	size_t			 n, done = 0;
	int			 r;

	while (done < XFERQ_STEP_BYTES) {
		if (q->cur == NULL) {
			if ((it = TAILQ_FIRST(&q->items)) == NULL)
				return 0;
			TAILQ_REMOVE(&q->items, it, entry);
			if (it->mark) {
				it->cb(it->arg);
				xferq_item_free(it);
				if (q->dead)
					return 0;
				continue;
			}
			q->cur = it;
			if (it->src == NULL) {
				if (xferq_announce(q, 0) == -1)
					return 0;
				xferq_next(q);
				continue;
			}
			if (xferq_open(q, err, sizeof err) == -1) {
				log_warnx("transfer of %s for %s: %s", it->rel,
				    it->job, err);
				if (xferq_announce(q, 1) == -1)
					return 0;
				xferq_next(q);
				continue;
			}
		}
		if (!q->xo.hashed) {
			if ((r = xfer_out_hash(&q->xo, XFERQ_STEP_BYTES - done,
			    err, sizeof err)) == -1) {
				log_warnx("transfer of %s for %s: %s",
				    q->cur->rel, q->cur->job, err);
				if (xferq_announce(q, 1) == -1)
					return 0;
				xferq_next(q);
				continue;
			}
			if (r == 0)
				return 1;	/* hashed a step's worth */
			done += XFER_CHUNK;
		}
		if (!q->announced) {
			if (xferq_announce(q, 0) == -1)
				return 0;
			q->announced = 1;
		}
		if (peer_outq(q->peer) > XFER_HIGH)
			return 0;	/* the drain callback resumes */
		if ((n = xfer_out_read(&q->xo, buf, sizeof buf)) == 0) {
			xferq_next(q);
			continue;
		}
		if (peer_send_raw(q->peer, MSG_DATA, q->reqid, buf, n) == -1)
			return 0;
		done += n;
	}
	return 1;
}

static void
xferq_step(evutil_socket_t fd, short ev, void *arg)
{
	struct xferq	*q = arg;
	int		 again;

	q->running = 1;
	again = xferq_round(q);
	q->running = 0;
	if (q->dead) {
		xferq_destroy(q);
		return;
	}
	if (again)
		event_active(q->ev, 0, 0);
}
