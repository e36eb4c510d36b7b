/*
 * fdpeer.c: frames with descriptor passing over a SOCK_STREAM unix socket
 * on a libevent loop (see fdpeer.h).  Invariants: the output is one byte
 * queue with, beside it, the descriptors to send and the stream offset of
 * the first byte of the frame each belongs to; a sendmsg() never spans
 * such an offset except to start at it, so each descriptor leaves with
 * its frame's first byte.  Input: recvmsg() appends bytes to a buffer and
 * descriptors (close-on-exec) to a FIFO; whole frames are checked against
 * the message table before their payload is looked at, and a frame with
 * FRAME_F_FD takes the oldest descriptor.  A bad header or a missing
 * descriptor breaks the stream (the close callback); a payload that does
 * not decode is handed up as such.  Nothing blocks but fdpeer_flush().
 * Used by the agent's parent (startd/priv.c) and child (startd/privc.c).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "fdpeer.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

#define FDPEER_READ		(64 * 1024)
#define FDPEER_CMSG_FDS		16

struct fdpeer_outfd {
	uint64_t	off;		/* stream offset of its frame */
	int		fd;
};

struct fdpeer {
	struct event_base	*base;
	int			 fd;
	int			 from;
	char			 label[64];
	struct event		*rev, *wev;
	fdpeer_msg_cb		 msg_cb;
	fdpeer_close_cb		 close_cb;
	void			*arg;

	uint8_t			*in;		/* bytes read, not yet used */
	size_t			 inlen, insize;
	int			 infds[FDPEER_MAX_FDS];
	size_t			 ninfds;

	uint8_t			*out;		/* out[outoff..outlen) to go */
	size_t			 outoff, outlen, outsize;
	uint64_t		 sent;		/* stream bytes written */
	struct fdpeer_outfd	*outfds;
	size_t			 noutfds, outfdsize;

	int			 broken;
	int			 busy;		/* in a callback */
	int			 dead;		/* freed while busy */
};

static void	fdpeer_read_cb(evutil_socket_t, short, void *);
static void	fdpeer_write_cb(evutil_socket_t, short, void *);

struct fdpeer *
fdpeer_new(struct event_base *base, int fd, int from, const char *label,
    fdpeer_msg_cb msg_cb, fdpeer_close_cb close_cb, void *arg)
{
	struct fdpeer	*p;
	int		 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("fdpeer: fcntl");
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	p = xcalloc(1, sizeof *p);
	p->base = base;
	p->fd = fd;
	p->from = from;
	strlcpy(p->label, label, sizeof p->label);
	p->msg_cb = msg_cb;
	p->close_cb = close_cb;
	p->arg = arg;
	p->rev = event_new(base, fd, EV_READ | EV_PERSIST, fdpeer_read_cb, p);
	p->wev = event_new(base, fd, EV_WRITE, fdpeer_write_cb, p);
	if (p->rev == NULL || p->wev == NULL)
		fatalx("fdpeer: event_new");
	event_add(p->rev, NULL);
	return p;
}

void
fdpeer_free(struct fdpeer *p)
{
	size_t	i;

	if (p == NULL)
		return;
	if (p->busy) {
		p->dead = 1;
		event_del(p->rev);
		event_del(p->wev);
		return;
	}
	event_free(p->rev);
	event_free(p->wev);
	if (p->fd != -1)
		close(p->fd);
	for (i = 0; i < p->ninfds; i++)
		close(p->infds[i]);
	for (i = 0; i < p->noutfds; i++)
		close(p->outfds[i].fd);
	free(p->outfds);
	free(p->in);
	free(p->out);
	free(p);
}

size_t
fdpeer_outq(const struct fdpeer *p)
{
	return p->outlen - p->outoff;
}

/* The stream broke: stop, tell the owner once. */
static void
fdpeer_break(struct fdpeer *p, const char *reason)
{
	if (p->broken)
		return;
	p->broken = 1;
	event_del(p->rev);
	event_del(p->wev);
	p->busy++;
	p->close_cb(p, reason, p->arg);
	p->busy--;
}

/* One sendmsg(); 1 if some went, 0 if the socket is full, -1 on error. */
static int
fdpeer_send_some(struct fdpeer *p)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	size_t		 len = p->outlen - p->outoff;
	ssize_t		 n;
	int		 withfd = 0;

	if (p->noutfds > 0) {
		if (p->outfds[0].off == p->sent) {
			withfd = 1;
			if (p->noutfds > 1 &&
			    p->outfds[1].off - p->sent < len)
				len = p->outfds[1].off - p->sent;
		} else if (p->outfds[0].off - p->sent < len)
			len = p->outfds[0].off - p->sent;
	}
	memset(&mh, 0, sizeof mh);
	iov.iov_base = p->out + p->outoff;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (withfd) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &p->outfds[0].fd, sizeof(int));
	}
	do
		n = sendmsg(p->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (withfd) {
		close(p->outfds[0].fd);
		memmove(p->outfds, p->outfds + 1,
		    (p->noutfds - 1) * sizeof *p->outfds);
		p->noutfds--;
	}
	p->outoff += (size_t)n;
	p->sent += (uint64_t)n;
	if (p->outoff == p->outlen)
		p->outoff = p->outlen = 0;
	return 1;
}

/* Write what the socket takes; arm the write event for the rest. */
static int
fdpeer_write_now(struct fdpeer *p)
{
	int	r;

	while (p->outlen > p->outoff) {
		if ((r = fdpeer_send_some(p)) == -1) {
			fdpeer_break(p, strerror(errno));
			return -1;
		}
		if (r == 0) {
			event_add(p->wev, NULL);
			return 0;
		}
	}
	return 0;
}

static void
fdpeer_write_cb(evutil_socket_t fd, short ev, void *arg)
{
	fdpeer_write_now(arg);
}

int
fdpeer_flush(struct fdpeer *p)
{
	struct pollfd	pfd;

	while (!p->broken && p->outlen > p->outoff) {
		if (fdpeer_write_now(p) == -1)
			return -1;
		if (p->outlen == p->outoff)
			break;
		pfd.fd = p->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 1000) <= 0)
			return -1;
	}
	return p->broken ? -1 : 0;
}

int
fdpeer_send(struct fdpeer *p, uint16_t type, uint32_t reqid,
    struct json_object *obj, int fd)
{
	struct frame_hdr	 hdr;
	const char		*s;
	size_t			 len, need;

	if (p->broken) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	if (fdpeer_outq(p) + FRAME_HDR_LEN + len > FDPEER_OUT_MAX) {
		log_warnx("%s: output queue full", p->label);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (p->outoff > 0 && p->outoff >= p->outsize / 2) {
		memmove(p->out, p->out + p->outoff, p->outlen - p->outoff);
		p->outlen -= p->outoff;
		p->outoff = 0;
	}
	need = p->outlen + FRAME_HDR_LEN + len;
	if (need > p->outsize) {
		p->outsize = need < 4096 ? 4096 : need * 2;
		p->out = xreallocarray(p->out, p->outsize, 1);
	}
	if (fd != -1) {
		if (p->noutfds == p->outfdsize) {
			p->outfdsize = p->outfdsize == 0 ? 8 :
			    p->outfdsize * 2;
			p->outfds = xreallocarray(p->outfds, p->outfdsize,
			    sizeof *p->outfds);
		}
		p->outfds[p->noutfds].off = p->sent + fdpeer_outq(p);
		p->outfds[p->noutfds++].fd = fd;
	}
	memset(&hdr, 0, sizeof hdr);
	hdr.len = (uint32_t)len;
	hdr.type = type;
	hdr.version = FRAME_VERSION;
	hdr.flags = fd != -1 ? FRAME_F_FD : 0;
	hdr.reqid = reqid;
	frame_hdr_encode(&hdr, p->out + p->outlen);
	memcpy(p->out + p->outlen + FRAME_HDR_LEN, s, len);
	p->outlen += FRAME_HDR_LEN + len;
	return fdpeer_write_now(p);
}

/* One recvmsg() into the buffer and the descriptor FIFO. */
static int
fdpeer_recv(struct fdpeer *p, const char **why)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(FDPEER_CMSG_FDS * sizeof(int))];
	} cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	size_t		 i, nfd;
	ssize_t		 n;
	int		 fds[FDPEER_CMSG_FDS], over = 0;

	if (p->insize - p->inlen < FDPEER_READ) {
		p->insize = p->inlen + FDPEER_READ;
		p->in = xreallocarray(p->in, p->insize, 1);
	}
	memset(&mh, 0, sizeof mh);
	iov.iov_base = p->in + p->inlen;
	iov.iov_len = p->insize - p->inlen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof cm.buf;
	do
		n = recvmsg(p->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		*why = strerror(errno);
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
		for (i = 0; i < nfd; i++) {
			if (p->ninfds == FDPEER_MAX_FDS) {
				close(fds[i]);
				over = 1;
			} else
				p->infds[p->ninfds++] = fds[i];
		}
	}
	if (over || (mh.msg_flags & MSG_CTRUNC)) {
		*why = "too many descriptors";
		return -1;
	}
	if (n == 0) {
		*why = "end of file";
		return -1;
	}
	p->inlen += (size_t)n;
	return 1;
}

/* Hand up every whole frame in the buffer; -1 if the stream is bad. */
static int
fdpeer_frames(struct fdpeer *p, const char **why)
{
	struct frame_hdr	 hdr, chk;
	struct json_object	*msg;
	const char		*bad;
	size_t			 off = 0;
	int			 fd;

	while (!p->dead && !p->broken && p->inlen - off >= FRAME_HDR_LEN) {
		frame_hdr_decode(p->in + off, &hdr);
		chk = hdr;
		chk.flags &= ~FRAME_F_FD;	/* known here only */
		if (frame_hdr_check(&chk, p->from, why) == -1)
			return -1;
		if (hdr.flags & FRAME_F_RAW) {
			*why = "raw frame";
			return -1;
		}
		if (p->inlen - off - FRAME_HDR_LEN < hdr.len)
			break;
		fd = -1;
		if (hdr.flags & FRAME_F_FD) {
			if (p->ninfds == 0) {
				*why = "frame without its descriptor";
				return -1;
			}
			fd = p->infds[0];
			memmove(p->infds, p->infds + 1,
			    (p->ninfds - 1) * sizeof *p->infds);
			p->ninfds--;
		}
		bad = NULL;
		if (msg_decode(hdr.type, p->in + off + FRAME_HDR_LEN, hdr.len,
		    &msg, &bad) == -1)
			msg = NULL;
		off += FRAME_HDR_LEN + hdr.len;
		p->msg_cb(p, hdr.type, hdr.reqid, msg, bad, fd, p->arg);
		json_object_put(msg);
	}
	if (off > 0) {
		memmove(p->in, p->in + off, p->inlen - off);
		p->inlen -= off;
	}
	return 0;
}

void
fdpeer_read_now(struct fdpeer *p)
{
	if (!p->broken && !p->dead && p->busy == 0)
		fdpeer_read_cb(p->fd, EV_READ, p);
}

static void
fdpeer_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct fdpeer	*p = arg;
	const char	*why = NULL;
	int		 r;

	p->busy++;
	r = fdpeer_recv(p, &why);
	if (r == 1 && fdpeer_frames(p, &why) == -1)
		r = -1;
	p->busy--;
	if (p->dead) {
		fdpeer_free(p);
		return;
	}
	if (r == -1)
		fdpeer_break(p, why);
}
