/*
 * fdpeer.h: framed messages with descriptor passing over a SOCK_STREAM
 * unix socket (the agent's socketpair between its root parent and its
 * network child), on a libevent loop, never blocking.  Frames are the
 * wire's (frame.h, checked against msg.c's table); a frame with the
 * FRAME_F_FD flag carries one descriptor, sent by SCM_RIGHTS with the
 * frame's first byte.  The kernel hands a descriptor over no later than
 * that byte, so the receiver queues descriptors in arrival order and a
 * whole frame with the flag takes the oldest one.
 */
#ifndef CQ_FDPEER_H
#define CQ_FDPEER_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct json_object;
struct fdpeer;

/*
 * A message arrived.  MSG is borrowed for the call; it is NULL with BAD
 * saying why when the frame was sound but its payload did not decode
 * (the receiver answers with an error and carries on).  FD is the frame's
 * descriptor (the callee owns it) or -1.
 */
typedef void (*fdpeer_msg_cb)(struct fdpeer *, uint16_t type, uint32_t reqid,
    struct json_object *msg, const char *bad, int fd, void *arg);
/* The connection broke (EOF, error, bad frame); the owner frees it. */
typedef void (*fdpeer_close_cb)(struct fdpeer *, const char *reason,
    void *arg);

#define FDPEER_MAX_FDS		64		/* received, not yet taken */
#define FDPEER_OUT_MAX		(64u * 1024 * 1024)

/* Wrap the socket FD (taken, made non-blocking); FROM: the ROLE_* mask
 * the other side may send as. */
struct fdpeer	*fdpeer_new(struct event_base *, int fd, int from,
		    const char *label, fdpeer_msg_cb, fdpeer_close_cb,
		    void *arg);
/*
 * Queue OBJ (not taken) as a frame of TYPE and write what the socket
 * takes now; FD (taken, closed once sent; -1: none) goes with it.  0, or
 * -1 if the peer is broken or its queue is full (FD is closed then).
 */
int		 fdpeer_send(struct fdpeer *, uint16_t type, uint32_t reqid,
		    struct json_object *obj, int fd);
/* Read and hand up what has arrived, now, without waiting. */
void		 fdpeer_read_now(struct fdpeer *);
/* Bytes waiting to be written. */
size_t		 fdpeer_outq(const struct fdpeer *);
/* Write what is queued, blocking (at exit only); 0 or -1. */
int		 fdpeer_flush(struct fdpeer *);
/* Close the socket and every descriptor still queued; NULL is fine. */
void		 fdpeer_free(struct fdpeer *);

#endif
