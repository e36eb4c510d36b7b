/*
 * peer.c: libevent glue for one framed connection.  The read callback
 * takes at most PEER_MAX_FRAMES_PER_WAKEUP frames, or frames of at most
 * PEER_WAKEUP_BYTES (one at least), and then yields to the loop; a header is checked (frame_hdr_check) before its payload is
 * waited for, so no length from outside reaches the allocator unchecked.
 * A peer that stops reading is dropped once its output queue passes its
 * maximum.  The owner may close the peer from inside its callbacks: the
 * free is then deferred until the read callback unwinds.
 *
 * Memory from outside is bounded three ways.  Half-sent frames of every
 * peer of the process share one budget (peer_set_partial_budget): a
 * header announcing more than what is left of it closes that connection,
 * and the announced length is counted until the frame is whole or the
 * peer gone.  A peer may belong to a quota (peer_set_quota, the client
 * socket's per-user byte limit): evbuffer callbacks keep the bytes of its
 * input and output in the quota's sum, with what its half frame still
 * owes of its announced length, and the peer that takes the sum over its
 * maximum is refused.  A half frame has a deadline (its size at
 * PEER_PARTIAL_MIN_RATE, after PEER_PARTIAL_TIMEOUT), moved a second at
 * a time while its bytes wait unread in the kernel: our slowness is not
 * the sender's.  After big frames and closed connections
 * the heap is given back to the kernel (malloc_trim, at most once a
 * second), so the memory of a burst does not stay.  Listeners share one
 * error callback (peer_accept_error): out of descriptors, a spare one
 * refuses the waiting connections, the listener rests for a while and
 * the log line is rate-limited.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "clock.h"
#include "frame.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "xmalloc.h"

struct peer {
	uint64_t		 id;
	struct event_base	*base;
	struct bufferevent	*bev;
	struct event		*more;		/* continue reading later */
	int			 from;
	char			*label;
	peer_msg_cb		 msg_cb;
	peer_close_cb		 close_cb;
	void			*arg;
	void			*data;
	size_t			 outmax;
	int			 busy;		/* inside a callback */
	int			 dead;		/* closed, free pending */
	int			 flushing;	/* close when drained */
	int			 partial;	/* a half frame is buffered */
	int			 paused;	/* not reading: replies wait */
	struct event		*deadline;	/* first message due */
	peer_drain_cb		 drain_cb;	/* output fell below RESUME */
	void			*drain_arg;
	char			*reason;
	size_t			 reserved;	/* of the partial budget */
	size_t			 owed;		/* of it, not arrived yet */
	size_t			 frame_max;	/* 0: the type's maximum */
	struct event		*slow;		/* the half frame's deadline */
	int			 slow_grace;	/* deadline moved: bytes unread */
	size_t			 held;		/* bytes in input + output */
	size_t			 peak;		/* most bytes held at once */
	struct peer_quota	*quota;		/* NULL: none */
	size_t			 wake_bytes;	/* payload read this wakeup */
	struct evbuffer		*pend;		/* frames of this loop turn */
	struct event		*flush;		/* pend -> the bufferevent */
	int			 linger_us;	/* peer_send_later()'s, or 0 */
	int			 rev;		/* its hello's revision, or
						 * MSG_REV_UNKNOWN before it */
	int			 direct;	/* a plain socket: write at once */
};

static uint64_t	peer_next_id = 1;

/* Half-sent frames of all peers: announced bytes, and their maximum. */
static size_t	peer_partial_used;
static size_t	peer_partial_max = PEER_PARTIAL_BUDGET;
/* Seconds a half frame may sit, before its size's allowance. */
static int	peer_partial_timeout = PEER_PARTIAL_TIMEOUT;
/* Explains a connection error (tls_bev_error), or NULL. */
static peer_bev_error_fn	peer_bev_error;
/* Called when a read callback starts (0) and ends (1): a turn meter. */
static void			(*peer_turn_hook)(int);

/* Bytes freed by big frames and closed peers since the last trim. */
#define PEER_TRIM_MIN		(4u * 1024 * 1024)
#define PEER_TRIM_EVERY_MS	1000
static size_t		 peer_trim_owed;
static struct event	*peer_trim_ev;

static void	peer_read_cb(struct bufferevent *, void *);
static void	peer_write_cb(struct bufferevent *, void *);
static void	peer_event_cb(struct bufferevent *, short, void *);
static void	peer_more_cb(evutil_socket_t, short, void *);
static void	peer_deadline_cb(evutil_socket_t, short, void *);
static void	peer_count_cb(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static void	peer_flush_cb(evutil_socket_t, short, void *);

static void
peer_trim_cb(evutil_socket_t fd, short ev, void *arg)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	peer_trim_owed = 0;
}

/* N bytes of a burst were freed: give the heap back soon (once a second). */
static void
peer_trim_note(struct event_base *base, size_t n)
{
	struct timeval	tv = { 0, PEER_TRIM_EVERY_MS * 1000 };

	peer_trim_owed += n;
	if (peer_trim_owed < PEER_TRIM_MIN)
		return;
	if (peer_trim_ev == NULL &&
	    (peer_trim_ev = evtimer_new(base, peer_trim_cb, NULL)) == NULL)
		return;
	if (!evtimer_pending(peer_trim_ev, NULL))
		evtimer_add(peer_trim_ev, &tv);
}

/* Give back the budget P holds for its half frame. */
static void
peer_unreserve(struct peer *p)
{
	peer_partial_used -= p->reserved;
	if (p->quota != NULL) {
		p->quota->owed -= p->owed;
		p->quota->reserved -= p->reserved;
	}
	p->reserved = 0;
	p->owed = 0;
	if (p->slow != NULL)
		evtimer_del(p->slow);
}

static void
peer_slow_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct peer	*p = arg;
	struct timeval	 tv = { 1, 0 };
	char		 why[128];
	int		 unread = 0, sfd;

	/*
	 * Bytes the kernel holds for us, unread, are not the sender's
	 * slowness but ours (a long loop turn, or the bufferevent's read
	 * size): the deadline moves by a second while there are some, a
	 * bounded number of times.  A peer we stopped reading (it does not
	 * read its replies) gets no such grace.
	 */
	sfd = bufferevent_getfd(p->bev);
	if (!p->paused && p->slow_grace < PEER_PARTIAL_GRACE && sfd != -1 &&
	    ioctl(sfd, FIONREAD, &unread) == 0 && unread > 0) {
		p->slow_grace++;
		evtimer_add(p->slow, &tv);
		return;
	}
	snprintf(why, sizeof why, "half a frame arrived too slowly (%zu "
	    "bytes announced, less than %u MiB/s)", p->reserved,
	    PEER_PARTIAL_MIN_RATE);
	peer_close(p, why);
}

/* Leave P's quota: its bytes no longer count there. */
static void
peer_unquota(struct peer *p)
{
	if (p->quota == NULL)
		return;
	p->quota->used -= p->held;
	p->quota->owed -= p->owed;
	p->quota->reserved -= p->reserved;
	p->quota->npeers--;
	p->quota = NULL;
}

/* Every change of P's input or output: count its bytes. */
static void
peer_count_cb(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct peer	*p = arg;
	size_t		 arrived = 0;

	p->held += info->n_added;
	p->held -= info->n_deleted;
	if (p->held > p->peak)
		p->peak = p->held;
	/* Bytes of an announced frame: no longer owed, now held. */
	if (p->owed > 0 && info->n_added > 0 &&
	    b == bufferevent_get_input(p->bev)) {
		arrived = info->n_added < p->owed ? info->n_added : p->owed;
		p->owed -= arrived;
	}
	if (p->quota != NULL) {
		p->quota->used += info->n_added;
		p->quota->used -= info->n_deleted;
		p->quota->owed -= arrived;
	}
}

static struct peer *
peer_make(struct event_base *base, struct bufferevent *bev, int from,
    const char *label, peer_msg_cb msg_cb, peer_close_cb close_cb, void *arg,
    int direct)
{
	struct peer	*p;

	p = xcalloc(1, sizeof *p);
	p->id = peer_next_id++;
	p->base = base;
	p->bev = bev;
	p->from = from;
	p->label = xstrdup(label);
	p->msg_cb = msg_cb;
	p->close_cb = close_cb;
	p->arg = arg;
	p->outmax = 64u * 1024 * 1024;
	p->rev = MSG_REV_UNKNOWN;
	p->more = event_new(base, -1, 0, peer_more_cb, p);
	p->deadline = evtimer_new(base, peer_deadline_cb, p);
	/*
	 * Frames wait in PEND until the loop turn's callbacks are done and
	 * then go out together: a TLS bufferevent writes (one record, one
	 * system call) as soon as its output grows, so without this every
	 * frame would leave alone and the peer would wake once per frame.
	 */
	if ((p->pend = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	p->flush = event_new(base, -1, 0, peer_flush_cb, p);
	bufferevent_setcb(bev, peer_read_cb, peer_write_cb, peer_event_cb, p);
	evbuffer_add_cb(bufferevent_get_input(bev), peer_count_cb, p);
	evbuffer_add_cb(bufferevent_get_output(bev), peer_count_cb, p);
	evbuffer_add_cb(p->pend, peer_count_cb, p);
	/* The write callback runs once the replies have drained this far. */
	bufferevent_setwatermark(bev, EV_WRITE, PEER_OUT_RESUME, 0);
	/* File chunks are 256 KiB: move them in few system calls. */
	bufferevent_set_max_single_read(bev, 256 * 1024);
	bufferevent_set_max_single_write(bev, 256 * 1024);
	/*
	 * A socket bufferevent watches for writability from its enable on,
	 * even with nothing to write (an epoll_ctl to watch and one more to
	 * stop at the first wakeup): a direct peer's is enabled once a frame
	 * has to wait for it (peer_flush).
	 */
	p->direct = direct;
	bufferevent_enable(bev, direct ? EV_READ : EV_READ | EV_WRITE);
	return p;
}

struct peer *
peer_new(struct event_base *base, struct bufferevent *bev, int from,
    const char *label, peer_msg_cb msg_cb, peer_close_cb close_cb, void *arg)
{
	return peer_make(base, bev, from, label, msg_cb, close_cb, arg, 0);
}

struct peer *
peer_new_plain(struct event_base *base, struct bufferevent *bev, int from,
    const char *label, peer_msg_cb msg_cb, peer_close_cb close_cb, void *arg)
{
	return peer_make(base, bev, from, label, msg_cb, close_cb, arg, 1);
}

static void
peer_free(struct peer *p)
{
	peer_unreserve(p);
	peer_unquota(p);
	if (p->peak >= PEER_TRIM_MIN / 4)
		peer_trim_note(p->base, p->peak);
	if (p->bev != NULL) {
		evbuffer_remove_cb(bufferevent_get_input(p->bev),
		    peer_count_cb, p);
		evbuffer_remove_cb(bufferevent_get_output(p->bev),
		    peer_count_cb, p);
	}
	evbuffer_remove_cb(p->pend, peer_count_cb, p);
	evbuffer_free(p->pend);
	if (p->flush != NULL)
		event_free(p->flush);
	if (p->slow != NULL)
		event_free(p->slow);
	if (p->more != NULL)
		event_free(p->more);
	if (p->deadline != NULL)
		event_free(p->deadline);
	if (p->bev != NULL)
		bufferevent_free(p->bev);
	free(p->label);
	free(p->reason);
	free(p);
}

void
peer_close(struct peer *p, const char *reason)
{
	if (p->dead)
		return;
	p->dead = 1;
	if (reason != NULL)
		log_info("%s: closed: %s", p->label, reason);
	bufferevent_disable(p->bev, EV_READ | EV_WRITE);
	/* The owner may free the quota in its close callback. */
	peer_unreserve(p);
	peer_unquota(p);
	if (p->close_cb != NULL)
		p->close_cb(p, reason, p->arg);
	if (!p->busy)
		peer_free(p);
}

/* The frames of this turn go to the bufferevent (and so, out). */
static void
peer_flush(struct peer *p)
{
	struct evbuffer	*out;

	if (p->dead || evbuffer_get_length(p->pend) == 0)
		return;
	out = bufferevent_get_output(p->bev);
	/*
	 * A plain socket with nothing waiting: written now.  What the kernel
	 * takes needs no write event (two epoll_ctl calls and a wakeup per
	 * reply); what it does not, and an error, go to the bufferevent as
	 * usual.  Not with a drain callback, which that event runs.
	 */
	if (p->direct && p->drain_cb == NULL && evbuffer_get_length(out) == 0)
		(void)evbuffer_write(p->pend, bufferevent_getfd(p->bev));
	if (evbuffer_get_length(p->pend) == 0)
		return;
	if (p->direct && !(bufferevent_get_enabled(p->bev) & EV_WRITE))
		bufferevent_enable(p->bev, EV_WRITE);
	if (evbuffer_add_buffer(out, p->pend) == -1)
		peer_close(p, "cannot queue output");
}

static void
peer_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	peer_flush(arg);
}

void
peer_close_after_flush(struct peer *p, const char *reason)
{
	if (p->dead)
		return;
	peer_flush(p);
	if (p->dead)
		return;
	if (evbuffer_get_length(bufferevent_get_output(p->bev)) == 0) {
		peer_close(p, reason);
		return;
	}
	free(p->reason);
	p->reason = reason ? xstrdup(reason) : NULL;
	p->flushing = 1;
	bufferevent_disable(p->bev, EV_READ);
}

int
peer_send(struct peer *p, uint16_t type, uint32_t reqid,
    struct json_object *obj)
{
	struct json_object	*o;
	const char		*s;
	size_t			 len;
	int			 r;

	if (p->dead || p->flushing)
		return -1;
	/* Nothing the peer's revision does not know (msg.c). */
	if ((o = msg_for_rev(type, obj, p->rev)) == NULL) {
		peer_close(p, "out of memory sending a message");
		return -1;
	}
	s = jsonx_dump(o, &len);
	r = peer_send_text(p, type, reqid, s, len);
	json_object_put(o);
	return r;
}

/* Queue one frame: the header with FLAGS, then LEN bytes of BUF. */
static int
peer_queue(struct peer *p, uint16_t type, uint32_t reqid, uint8_t flags,
    const void *buf, size_t len)
{
	struct frame_hdr	 hdr;
	uint8_t			 hb[FRAME_HDR_LEN];
	struct evbuffer		*out;

	if (p->dead || p->flushing)
		return -1;
	if (len > UINT32_MAX) {
		log_warnx("%s: %s message too long", p->label,
		    msg_type_str(type));
		return -1;
	}
	hdr.len = (uint32_t)len;
	hdr.type = type;
	hdr.version = FRAME_VERSION;
	hdr.flags = flags;
	hdr.reqid = reqid;
	frame_hdr_encode(&hdr, hb);
	out = p->pend;
	if (evbuffer_add(out, hb, sizeof hb) == -1 ||
	    evbuffer_add(out, buf, len) == -1) {
		peer_close(p, "cannot queue output");
		return -1;
	}
	if (p->linger_us > 0) {
		/* It may wait, with what comes meanwhile (not past a frame
		 * that may not: event_active() below runs the flush). */
		if (!evtimer_pending(p->flush, NULL)) {
			struct timeval	tv = { 0, p->linger_us };

			evtimer_add(p->flush, &tv);
		}
	} else
		event_active(p->flush, 0, 0);	/* once, however many frames */
	if (peer_outq(p) > p->outmax) {
		peer_close(p, "peer is not reading its replies");
		return -1;
	}
	if (p->quota != NULL && p->quota->used > p->quota->max) {
		/* Its replies wait unread: a message would wait too. */
		peer_close(p, p->quota->refusal);
		return -1;
	}
	return 0;
}

int
peer_send_later(struct peer *p, uint16_t type, struct json_object *obj,
    int usec)
{
	int	r;

	p->linger_us = usec;
	r = peer_send(p, type, 0, obj);
	p->linger_us = 0;
	return r;
}

int
peer_send_text(struct peer *p, uint16_t type, uint32_t reqid, const char *s,
    size_t len)
{
	return peer_queue(p, type, reqid, 0, s, len);
}

int
peer_send_raw(struct peer *p, uint16_t type, uint32_t reqid, const void *buf,
    size_t len)
{
	return peer_queue(p, type, reqid, FRAME_F_RAW, buf, len);
}

void
peer_set_drain_cb(struct peer *p, peer_drain_cb cb, void *arg)
{
	p->drain_cb = cb;
	p->drain_arg = arg;
}

int
peer_send_error(struct peer *p, uint32_t reqid, const char *text)
{
	struct json_object	*o;
	int			 rc;

	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(text));
	rc = peer_send(p, MSG_ERROR, reqid, o);
	json_object_put(o);
	return rc;
}

/*
 * The header HDR announces a frame whose rest has not arrived (HAVE bytes
 * of it are here): count it in the partial budget and P's quota, or
 * refuse P (-1) if either would pass its maximum.
 */
static int
peer_reserve(struct peer *p, const struct frame_hdr *hdr, size_t have)
{
	struct timeval	 tv;
	char		 why[160];
	size_t		 need = hdr->len + (size_t)FRAME_HDR_LEN;

	if (need > peer_partial_max - peer_partial_used) {
		snprintf(why, sizeof why, "memory budget for half-sent frames "
		    "exhausted (a frame of %u bytes; %zu of %zu bytes in use)",
		    hdr->len, peer_partial_used, peer_partial_max);
		peer_refuse(p, hdr->reqid, why);
		return -1;
	}
	/* One quota (a user) may hold half of the budget, not all of it. */
	if (p->quota != NULL &&
	    p->quota->reserved + need > peer_partial_max / 2) {
		snprintf(why, sizeof why, "memory budget for half-sent frames "
		    "exhausted (a frame of %u bytes; this user's half frames "
		    "may take %zu bytes, half of the budget)", hdr->len,
		    peer_partial_max / 2);
		peer_refuse(p, hdr->reqid, why);
		return -1;
	}
	/* The user's bytes held, owed by its other half frames, and ours. */
	if (p->quota != NULL && p->quota->used + p->quota->owed +
	    (need - have) > p->quota->max) {
		peer_refuse(p, hdr->reqid, p->quota->refusal);
		return -1;
	}
	p->reserved = need;
	peer_partial_used += need;
	p->owed = need - have;
	if (p->quota != NULL) {
		p->quota->owed += p->owed;
		p->quota->reserved += need;
	}
	/*
	 * However its bytes trickle in, the frame has a deadline: a budget
	 * held by a peer that sends a byte now and then is not held long.
	 */
	tv.tv_sec = peer_partial_timeout +
	    need / (PEER_PARTIAL_MIN_RATE * 1024 * 1024);
	tv.tv_usec = 0;
	p->slow_grace = 0;
	if (p->slow == NULL)
		p->slow = evtimer_new(p->base, peer_slow_cb, p);
	if (p->slow != NULL)
		evtimer_add(p->slow, &tv);
	return 0;
}

/* Take one frame off the input.  1 if one was handled, 0 if incomplete. */
static int
peer_one(struct peer *p)
{
	struct evbuffer		*in = bufferevent_get_input(p->bev);
	struct frame_hdr	 hdr;
	uint8_t			 hb[FRAME_HDR_LEN];
	struct json_object	*msg = NULL;
	const char		*errstr;
	unsigned char		*payload;
	char			 why[128];
	size_t			 have = evbuffer_get_length(in);

	if (have < FRAME_HDR_LEN)
		return 0;
	evbuffer_copyout(in, hb, sizeof hb);
	frame_hdr_decode(hb, &hdr);
	if (frame_hdr_check(&hdr, p->from, &errstr) == -1) {
		/* A TLS record (handshake, version 3.x) where frames were due. */
		snprintf(why, sizeof why, "%s (type %u, length %u)%s", errstr,
		    hdr.type, hdr.len, hb[0] == 0x16 && hb[1] == 0x03 ?
		    ": a TLS handshake, but this link is plain TCP" : "");
		peer_close(p, why);
		return -1;
	}
	if (p->frame_max > 0 && hdr.len > p->frame_max) {
		snprintf(why, sizeof why, "a frame of %u bytes where at most "
		    "%zu may come now (type %u)", hdr.len, p->frame_max,
		    hdr.type);
		peer_close(p, why);
		return -1;
	}
	if (have - FRAME_HDR_LEN < hdr.len) {
		if (p->reserved == 0 && peer_reserve(p, &hdr, have) == -1)
			return -1;
		/* Make sure the rest can arrive in one buffer. */
		bufferevent_setwatermark(p->bev, EV_READ, 0, 0);
		return 0;
	}
	peer_unreserve(p);
	if (hdr.len >= PEER_TRIM_MIN / 4)
		peer_trim_note(p->base, hdr.len);
	evbuffer_drain(in, FRAME_HDR_LEN);
	payload = evbuffer_pullup(in, hdr.len);
	if (hdr.len > 0 && payload == NULL) {
		peer_close(p, "out of memory reading a frame");
		return -1;
	}
	if (!(hdr.flags & FRAME_F_RAW)) {
		/*
		 * A newer agent's or scheduler's unknown members are
		 * ignored; a client's never are (an option it thinks it
		 * gave would be ignored): cq and cq-schedd come together.
		 */
		if (msg_decode_rev(hdr.type, payload, hdr.len,
		    p->from & (ROLE_AGENT | ROLE_SCHEDD) ? p->rev : MSG_REV,
		    &msg, &errstr) == -1) {
			snprintf(why, sizeof why, "bad %s message: %s",
			    msg_type_str(hdr.type), errstr);
			peer_close(p, why);
			return -1;
		}
		/* What it may be sent and what it may add: its hello says. */
		if (hdr.type == MSG_HELLO && p->rev == MSG_REV_UNKNOWN)
			p->rev = msg_hello_rev(msg);
		p->msg_cb(p, hdr.type, hdr.reqid, msg, NULL, 0, p->arg);
		json_object_put(msg);
	} else
		p->msg_cb(p, hdr.type, hdr.reqid, NULL, payload, hdr.len,
		    p->arg);
	if (!p->dead)
		evbuffer_drain(in, hdr.len);
	p->wake_bytes += hdr.len;
	return 1;
}

static void
peer_read(struct peer *p)
{
	struct evbuffer	*in;
	struct timeval	 tv = { PEER_PARTIAL_TIMEOUT, 0 }, zero = { 0, 0 };
	int		 n, rc = 0;

	p->busy = 1;
	p->wake_bytes = 0;
	for (n = 0; n < PEER_MAX_FRAMES_PER_WAKEUP && !p->dead &&
	    p->wake_bytes < PEER_WAKEUP_BYTES; n++) {
		/*
		 * A peer that does not read its replies is not served
		 * more: its requests wait in the kernel until it reads.
		 */
		if (peer_outq(p) > PEER_OUT_PAUSE && !p->flushing) {
			p->paused = 1;
			bufferevent_disable(p->bev, EV_READ);
			break;
		}
		if ((rc = peer_one(p)) <= 0)
			break;
	}
	p->busy = 0;
	if (p->dead) {
		peer_free(p);
		return;
	}
	if (p->quota != NULL && p->quota->used > p->quota->max &&
	    !p->flushing) {
		peer_refuse(p, 0, p->quota->refusal);
		return;
	}
	if (p->paused || p->flushing)
		return;
	in = bufferevent_get_input(p->bev);
	if ((n == PEER_MAX_FRAMES_PER_WAKEUP ||
	    p->wake_bytes >= PEER_WAKEUP_BYTES) &&
	    evbuffer_get_length(in) >= FRAME_HDR_LEN) {
		/*
		 * Yield to the loop (a zero timer runs after its next poll,
		 * where an active event would run in this very turn): the
		 * other connections and the loop's own work come first.
		 */
		evtimer_add(p->more, &zero);
		return;
	}
	/* A half frame may not sit forever. */
	if (evbuffer_get_length(in) > 0 && !p->partial) {
		p->partial = 1;
		bufferevent_set_timeouts(p->bev, &tv, NULL);
	} else if (evbuffer_get_length(in) == 0 && p->partial) {
		p->partial = 0;
		bufferevent_set_timeouts(p->bev, NULL, NULL);
	}
}

static void
peer_read_cb(struct bufferevent *bev, void *arg)
{
	if (peer_turn_hook != NULL)
		peer_turn_hook(0);
	peer_read(arg);
	if (peer_turn_hook != NULL)
		peer_turn_hook(1);
}

static void
peer_more_cb(evutil_socket_t fd, short ev, void *arg)
{
	if (peer_turn_hook != NULL)
		peer_turn_hook(0);
	peer_read(arg);
	if (peer_turn_hook != NULL)
		peer_turn_hook(1);
}

void
peer_set_turn_hook(void (*fn)(int))
{
	peer_turn_hook = fn;
}

static void
peer_write_cb(struct bufferevent *bev, void *arg)
{
	struct peer	*p = arg;

	if (p->flushing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		peer_close(p, p->reason);
		return;
	}
	if (p->paused && peer_outq(p) <= PEER_OUT_RESUME) {
		/* It read its replies: serve what it sent meanwhile. */
		p->paused = 0;
		bufferevent_enable(p->bev, EV_READ);
		event_active(p->more, 0, 0);
	}
	if (p->drain_cb != NULL && !p->dead &&
	    peer_outq(p) <= PEER_OUT_RESUME)
		p->drain_cb(p, p->drain_arg);
}

static void
peer_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct peer	*p = arg;

	if (p->flushing)
		peer_close(p, p->reason);	/* refused, and not reading */
	else
		peer_close(p, "no greeting in time");
}

void
peer_refuse(struct peer *p, uint32_t reqid, const char *text)
{
	struct timeval	tv = { PEER_REFUSE_WAIT, 0 };

	if (p->dead || p->flushing)
		return;
	peer_send_error(p, reqid, text);
	if (p->dead)
		return;
	peer_unreserve(p);
	peer_close_after_flush(p, text);
	if (!p->dead)
		evtimer_add(p->deadline, &tv);
}

void
peer_set_deadline(struct peer *p, int secs)
{
	struct timeval	tv = { secs, 0 };

	if (secs <= 0)
		evtimer_del(p->deadline);
	else
		evtimer_add(p->deadline, &tv);
}

static void
peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct peer	*p = arg;
	const char	*why;
	char		 buf[320];

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_EOF)
		peer_close(p, "connection closed by peer");
	else if (what & BEV_EVENT_TIMEOUT)
		peer_close(p, "half a frame sat too long");
	else if (peer_bev_error != NULL &&
	    (why = peer_bev_error(bev, buf, sizeof buf)) != NULL)
		peer_close(p, why);	/* OpenSSL's reasons */
	else
		peer_close(p, "connection error");
}

uint64_t
peer_id(const struct peer *p)
{
	return p->id;
}

const char *
peer_label(const struct peer *p)
{
	return p->label;
}

void
peer_set_label(struct peer *p, const char *label)
{
	free(p->label);
	p->label = xstrdup(label);
}

void
peer_set_from(struct peer *p, int from)
{
	p->from = from;
}

void
peer_set_quota(struct peer *p, struct peer_quota *q)
{
	peer_unquota(p);
	if (q == NULL)
		return;
	p->quota = q;
	q->used += p->held;
	q->owed += p->owed;
	q->reserved += p->reserved;
	q->npeers++;
}

void
peer_set_frame_max(struct peer *p, size_t n)
{
	p->frame_max = n;
}

void
peer_set_partial_budget(size_t n)
{
	peer_partial_max = n;
}

void
peer_set_partial_timeout(int secs)
{
	peer_partial_timeout = secs;
}

void
peer_set_bev_error(peer_bev_error_fn fn)
{
	peer_bev_error = fn;
}

size_t
peer_partial_in_use(void)
{
	return peer_partial_used;
}

int
peer_partial(const struct peer *p)
{
	return p->partial;
}

void
peer_set_outmax(struct peer *p, size_t n)
{
	p->outmax = n;
}

size_t
peer_outq(const struct peer *p)
{
	return evbuffer_get_length(bufferevent_get_output(p->bev)) +
	    evbuffer_get_length(p->pend);
}

void *
peer_data(const struct peer *p)
{
	return p->data;
}

void
peer_set_data(struct peer *p, void *data)
{
	p->data = data;
}

struct peer_listener {
	struct evconnlistener	*l;
	char			*path;
};

/*
 * A listener's accept errors: out of descriptors it would be called again
 * at once, for ever, so it rests (PEER_REST_MIN_MS doubling to
 * PEER_REST_MAX_MS while the errors go on) and says so at most once in
 * PEER_ACCEPT_LOG_MS.
 */
#define PEER_MAX_GUARDS		4
#define PEER_REST_MIN_MS	100
#define PEER_REST_MAX_MS	1000
#define PEER_ACCEPT_LOG_MS	10000
#define PEER_REFUSE_BATCH	128	/* waiting connections refused at once */

struct peer_guard {
	struct evconnlistener	*l;
	struct event		*wake;
	char			 who[32];
	int			 frame;		/* refuse with an error frame */
	int			 rest_ms;
	int64_t			 rested;	/* mono ms of the last wake */
	int64_t			 logged;	/* mono ms of the last line */
	uint64_t		 refused, errors;	/* since that line */
};

static struct peer_guard	peer_guards[PEER_MAX_GUARDS];
static int			peer_spare_fd = -1;

void
peer_spare_fd_open(void)
{
	if (peer_spare_fd == -1)
		peer_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
peer_guard_wake(evutil_socket_t fd, short ev, void *arg)
{
	struct peer_guard	*g = arg;

	g->rested = clock_mono_ms();
	evconnlistener_enable(g->l);
}

static struct peer_guard *
peer_guard_get(struct evconnlistener *l, const char *who, int frame)
{
	struct peer_guard	*g, *free_g = NULL;
	int			 i;

	for (i = 0; i < PEER_MAX_GUARDS; i++) {
		g = &peer_guards[i];
		if (g->l == l)
			return g;
		if (g->l == NULL && free_g == NULL)
			free_g = g;
	}
	if ((g = free_g) == NULL)
		return NULL;
	memset(g, 0, sizeof *g);
	if ((g->wake = evtimer_new(evconnlistener_get_base(l),
	    peer_guard_wake, g)) == NULL)
		return NULL;
	g->l = l;
	g->frame = frame;
	strlcpy(g->who, who, sizeof g->who);
	return g;
}

/* Forget L's guard (the listener is being freed). */
void
peer_guard_drop(struct evconnlistener *l)
{
	int	i;

	for (i = 0; i < PEER_MAX_GUARDS; i++) {
		if (peer_guards[i].l != l)
			continue;
		event_free(peer_guards[i].wake);
		memset(&peer_guards[i], 0, sizeof peer_guards[i]);
	}
}

/* Accept and close what waits on L with the spare descriptor. */
static uint64_t
peer_guard_refuse(struct peer_guard *g)
{
	static const char	 text[] = "{\"error\":\"the scheduler is out of "
	    "file descriptors: try again later\"}";
	struct frame_hdr	 hdr;
	uint8_t			 buf[FRAME_HDR_LEN + sizeof text];
	uint64_t		 n = 0;
	int			 fd, lfd = evconnlistener_get_fd(g->l);

	if (peer_spare_fd == -1)
		return 0;
	close(peer_spare_fd);
	peer_spare_fd = -1;
	memset(&hdr, 0, sizeof hdr);
	hdr.len = sizeof text - 1;
	hdr.type = MSG_ERROR;
	hdr.version = FRAME_VERSION;
	frame_hdr_encode(&hdr, buf);
	memcpy(buf + FRAME_HDR_LEN, text, sizeof text - 1);
	while (n < PEER_REFUSE_BATCH &&
	    (fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) !=
	    -1) {
		/* A cq client reads this after its hello fails. */
		if (g->frame && write(fd, buf, FRAME_HDR_LEN +
		    sizeof text - 1) == -1 && errno != EPIPE)
			log_debug("%s: refusing: %s", g->who,
			    strerror(errno));
		close(fd);
		n++;
	}
	peer_spare_fd_open();
	return n;
}

void
peer_accept_error(struct evconnlistener *l, const char *who, int frame)
{
	struct peer_guard	*g;
	struct timeval		 tv;
	int			 err = EVUTIL_SOCKET_ERROR();
	int64_t			 now = clock_mono_ms();

	if ((g = peer_guard_get(l, who, frame)) == NULL) {
		log_warnx("%s: accept: %s", who, strerror(err));
		return;
	}
	g->errors++;
	if (err == EMFILE || err == ENFILE)
		g->refused += peer_guard_refuse(g);
	/* Errors again soon after a rest: rest longer. */
	if (g->rest_ms == 0 || now - g->rested > 2 * PEER_REST_MAX_MS)
		g->rest_ms = PEER_REST_MIN_MS;
	else if ((g->rest_ms *= 2) > PEER_REST_MAX_MS)
		g->rest_ms = PEER_REST_MAX_MS;
	evconnlistener_disable(l);
	tv.tv_sec = g->rest_ms / 1000;
	tv.tv_usec = (g->rest_ms % 1000) * 1000;
	evtimer_add(g->wake, &tv);
	if (g->logged != 0 && now - g->logged < PEER_ACCEPT_LOG_MS)
		return;
	log_warnx("%s: accept: %s: %llu error(s), %llu waiting connection(s) "
	    "refused; not accepting for %d ms", who, strerror(err),
	    (unsigned long long)g->errors, (unsigned long long)g->refused,
	    g->rest_ms);
	g->logged = now;
	g->errors = g->refused = 0;
}

static void
peer_listen_unix_error(struct evconnlistener *l, void *arg)
{
	peer_accept_error(l, "client socket", 1);
}

/*
 * Remove the unix socket at path unless a daemon still listens on it:
 * 1 if one does (the path is left), 0 otherwise.
 */
int
peer_unix_unlink_stale(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path)
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
			close(fd);
			return 1;
		}
		close(fd);
	}
	(void)unlink(path);
	return 0;
}

struct peer_listener *
peer_listen_unix(struct event_base *base, const char *path,
    void (*cb)(struct evconnlistener *, int, struct sockaddr *, int, void *),
    void *arg, const char *who)
{
	struct peer_listener	*pl;
	struct evconnlistener	*l;
	struct sockaddr_un	 sun;
	mode_t			 old;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		log_warnx("socket: path too long: %s", path);
		return NULL;
	}
	/* A live socket means another daemon: refuse to steal it. */
	if (peer_unix_unlink_stale(path) == 1) {
		log_warnx("socket %s: another %s is running", path, who);
		return NULL;
	}
	/* Anyone may connect: who they are comes from SO_PEERCRED. */
	old = umask(0111);
	l = evconnlistener_new_bind(base, cb, arg,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128,
	    (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (l == NULL) {
		log_warn("socket %s", path);
		return NULL;
	}
	evconnlistener_set_error_cb(l, peer_listen_unix_error);
	peer_spare_fd_open();
	pl = xcalloc(1, sizeof *pl);
	pl->l = l;
	pl->path = xstrdup(path);
	return pl;
}

void
peer_unlisten(struct peer_listener *pl)
{
	if (pl == NULL)
		return;
	peer_guard_drop(pl->l);
	evconnlistener_free(pl->l);
	unlink(pl->path);
	free(pl->path);
	free(pl);
}

int
peer_hello_accept(struct peer *p, uint32_t reqid, struct json_object *msg,
    const char *want_role, const char *my_role)
{
	struct json_object	*o;

	if (jsonx_int(msg, "version", 0) != FRAME_VERSION ||
	    strcmp(jsonx_str(msg, "role", ""), want_role) != 0) {
		peer_send_error(p, reqid, "unsupported version or role");
		peer_close_after_flush(p, "bad hello");
		return -1;
	}
	peer_set_deadline(p, 0);
	o = json_object_new_object();
	json_object_object_add(o, "version",
	    json_object_new_int(FRAME_VERSION));
	json_object_object_add(o, "role", json_object_new_string(my_role));
	json_object_object_add(o, "rev", json_object_new_int(MSG_REV));
	peer_send(p, MSG_HELLO, reqid, o);
	json_object_put(o);
	return 0;
}

int
peer_rev(const struct peer *p)
{
	return p->rev;
}
