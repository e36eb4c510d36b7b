/*
 * peer.h: one framed connection on a libevent loop, for the daemons.  A
 * peer reads frames, checks each header against the message table before
 * buffering the payload, decodes JSON strictly and hands whole messages to
 * its owner.  Any fault closes that one connection with a logged reason.
 */
#ifndef CQ_PEER_H
#define CQ_PEER_H

#include <stddef.h>
#include <stdint.h>

struct bufferevent;
struct event_base;
struct evconnlistener;
struct peer_listener;
struct sockaddr;
struct json_object;
struct peer;

/* A message arrived; MSG is borrowed for the call (NULL for raw frames). */
typedef void (*peer_msg_cb)(struct peer *, uint16_t type, uint32_t reqid,
    struct json_object *msg, const void *raw, size_t rawlen, void *arg);
/* The output queue drained below PEER_OUT_RESUME (see peer_set_drain_cb). */
typedef void (*peer_drain_cb)(struct peer *, void *arg);
/* The connection is going away; the peer is freed after this returns. */
typedef void (*peer_close_cb)(struct peer *, const char *reason, void *arg);
/*
 * Why BEV failed, in BUF (LEN bytes), or NULL if it cannot say (a plain
 * socket error): tls.c's tls_bev_error, with OpenSSL's reasons.
 */
typedef const char *(*peer_bev_error_fn)(struct bufferevent *bev, char *buf,
    size_t len);

#define PEER_MAX_FRAMES_PER_WAKEUP	32
#define PEER_WAKEUP_BYTES	(256u * 1024)	/* payload per wakeup, then
						 * the loop polls again */
#define PEER_PARTIAL_TIMEOUT		30	/* s a half frame may sit */
#define PEER_PARTIAL_GRACE		30	/* 1 s moves while bytes wait */
#define PEER_PARTIAL_MIN_RATE		1	/* MiB/s: after 30 s, a half
						 * frame must arrive this fast */
#define PEER_OUT_PAUSE		(1024 * 1024)	/* stop reading above this */
#define PEER_OUT_RESUME		(256 * 1024)	/* read again below this */
#define PEER_HELLO_TIMEOUT		10	/* s a new peer has to say hello */
#define PEER_REFUSE_WAIT		5	/* s a refused peer has to read */
#define PEER_PARTIAL_BUDGET	(256u * 1024 * 1024)	/* default */

/*
 * Bytes buffered for a group of peers (the client socket's per-user
 * limit), half frames counted at their announced length: USED and OWED
 * are kept by peer.c, the owner sets MAX and REFUSAL (the
 * error the peer that passes MAX is refused with) and frees the quota
 * only once NPEERS is 0.
 */
struct peer_quota {
	size_t		 used;		/* in the peers' buffers */
	size_t		 owed;		/* announced, not arrived yet */
	size_t		 reserved;	/* of the half-frame budget */
	size_t		 max;
	unsigned	 npeers;
	char		 refusal[160];
};

/*
 * Wrap BEV (ownership taken).  FROM is the ROLE_* mask the remote side may
 * send as; LABEL names the peer in logs.
 */
struct peer	*peer_new(struct event_base *, struct bufferevent *bev,
		    int from, const char *label, peer_msg_cb, peer_close_cb,
		    void *arg);
/*
 * The same for a plain socket bufferevent (not TLS): a loop turn's frames
 * are written to the socket at once when nothing waits before them, and
 * the bufferevent watches for writability only while some do.
 */
struct peer	*peer_new_plain(struct event_base *, struct bufferevent *bev,
		    int from, const char *label, peer_msg_cb, peer_close_cb,
		    void *arg);
/* Serialize OBJ (not taken) as a frame of TYPE; -1 if the peer is gone. */
int		 peer_send(struct peer *, uint16_t type, uint32_t reqid,
		    struct json_object *obj);
/*
 * peer_send() of a report that may wait up to USEC microseconds, so that
 * the reports of a busy moment leave together (and the far side wakes,
 * and commits, once for them); a frame sent without waiting takes the
 * waiting ones along.
 */
int		 peer_send_later(struct peer *, uint16_t type,
		    struct json_object *obj, int usec);
/* Send LEN raw bytes (a file chunk) as a frame of TYPE; -1 if gone. */
int		 peer_send_raw(struct peer *, uint16_t type, uint32_t reqid,
		    const void *buf, size_t len);
/* Call CB each time the output queue drains below PEER_OUT_RESUME, so a
 * sender of file chunks can pause and resume (NULL: stop). */
void		 peer_set_drain_cb(struct peer *, peer_drain_cb, void *arg);
/*
 * Send S, LEN bytes of JSON text made by the caller (big replies written
 * without json-c objects), as a frame of TYPE; the caller makes sure it
 * is one strict JSON object of the type's members.
 */
int		 peer_send_text(struct peer *, uint16_t type, uint32_t reqid,
		    const char *s, size_t len);
/* Send an error reply with TEXT. */
int		 peer_send_error(struct peer *, uint32_t reqid,
		    const char *text);
/*
 * Refuse the peer: send an error with TEXT, stop reading and close once it
 * is written (or after PEER_REFUSE_WAIT s if the peer does not read).
 */
void		 peer_refuse(struct peer *, uint32_t reqid, const char *text);
/* Close now: log REASON, call the close callback, free. */
void		 peer_close(struct peer *, const char *reason);
/* Close once everything queued has been written. */
void		 peer_close_after_flush(struct peer *, const char *reason);

/*
 * Answer a client's hello MSG: version and role WANT_ROLE are checked
 * (a bad one gets an error and the peer is closed: -1); a good one ends
 * the greeting deadline and is answered as MY_ROLE (0).
 */
int		 peer_hello_accept(struct peer *, uint32_t reqid,
		    struct json_object *msg, const char *want_role,
		    const char *my_role);
/*
 * The protocol revision the peer's hello announced (0: none), or
 * MSG_REV_UNKNOWN before it.  peer.c sets it from the hello before the
 * owner sees it, then decodes the peer's messages and drops from what
 * is sent to it by it (msg_decode_rev, msg_for_rev).
 */
int		 peer_rev(const struct peer *);
/* Close the peer unless the owner cancels (SECS 0) within SECS. */
void		 peer_set_deadline(struct peer *, int secs);

/* Remove a unix socket nobody listens on: 1 if somebody does. */
int		 peer_unix_unlink_stale(const char *);
/*
 * Listen on the unix socket PATH (mode 0666; a stale file is replaced, a
 * live one is refused: "another WHO is running").  NULL on failure.
 */
struct peer_listener *peer_listen_unix(struct event_base *,
		    const char *path, void (*cb)(struct evconnlistener *, int,
		    struct sockaddr *, int, void *), void *arg,
		    const char *who);
/* Stop listening and remove the socket file (NULL is fine). */
void		 peer_unlisten(struct peer_listener *);
/*
 * The error callback of a listener L (unix listeners get it by
 * themselves): out of descriptors (EMFILE, ENFILE) the waiting
 * connections are accepted on a spare descriptor and closed (with an
 * error frame if FRAME), and L rests 100 ms to 1 s; the line that says
 * so, naming WHO, is logged at most once in 10 s.
 */
void		 peer_accept_error(struct evconnlistener *l, const char *who,
		    int frame);
/* Forget L's accept-error state (before L is freed). */
void		 peer_guard_drop(struct evconnlistener *l);
/* Keep the spare descriptor of peer_accept_error (done by listeners). */
void		 peer_spare_fd_open(void);
/*
 * The most bytes that half-sent frames of all peers of the process may
 * announce together; a frame over what is left closes its peer.
 */
void		 peer_set_partial_budget(size_t);
/* Seconds a half frame may sit (PEER_PARTIAL_TIMEOUT; tests shorten it). */
void		 peer_set_partial_timeout(int);
/*
 * How a connection error is explained (NULL: "connection error" only).
 * Installed by tls.c when a TLS context is made, so peer.c needs no
 * OpenSSL and a program without TLS does not load it.
 */
void		 peer_set_bev_error(peer_bev_error_fn);
size_t		 peer_partial_in_use(void);
/* Call FN(0) at the start of every read callback, FN(1) at its end. */
void		 peer_set_turn_hook(void (*fn)(int end));
/* 1 if part of a frame from P is buffered (more is on its way). */
int		 peer_partial(const struct peer *);
/*
 * A frame of P's announcing more than N bytes closes it, whatever its
 * type allows (0: the type's maximum only): a peer that has not said
 * hello may hold no big half frame.
 */
void		 peer_set_frame_max(struct peer *, size_t n);
/*
 * Count P's buffered bytes in Q (NULL: in none); the peers of one quota
 * may hold at most half of the half-frame budget.
 */
void		 peer_set_quota(struct peer *, struct peer_quota *q);

uint64_t	 peer_id(const struct peer *);
const char	*peer_label(const struct peer *);
void		 peer_set_label(struct peer *, const char *);
/* Change which roles may send (e.g. after hello). */
void		 peer_set_from(struct peer *, int from);
/* The most bytes that may wait to be written before the peer is dropped. */
void		 peer_set_outmax(struct peer *, size_t);
size_t		 peer_outq(const struct peer *);
/* The owner's per-connection data. */
void		*peer_data(const struct peer *);
void		 peer_set_data(struct peer *, void *);

#endif
