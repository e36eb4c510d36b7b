/*
 * test_fdpeer.c: unit tests of common/fdpeer.c over a real socketpair on
 * one libevent loop: frames arrive whole and in order, each descriptor
 * with its own frame (a pipe's write end that still works on the far
 * side), many frames with descriptors in one burst, a payload that does
 * not decode is handed up as bad while the stream goes on, and a frame
 * the table refuses or a frame flagged with a descriptor that never came
 * breaks the stream.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "fdpeer.h"
#include "frame.h"
#include "jsonx.h"
#include "msg.h"

#define NMSG	200

struct got {
	int		 n;
	uint32_t	 reqids[NMSG];
	int		 fds[NMSG];
	int		 bad;
	int		 closed;
	char		 reason[128];
	struct event_base *base;
	int		 want;
};

static void
got_msg(struct fdpeer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const char *bad, int fd, void *arg)
{
	struct got	*g = arg;

	if (msg == NULL)
		g->bad++;
	else if (g->n < NMSG) {
		cr_assert_eq(jsonx_int(msg, "pid", -1), (int64_t)reqid);
		g->reqids[g->n] = reqid;
		g->fds[g->n++] = fd;
		fd = -1;
	}
	if (fd != -1)
		close(fd);
	if (g->n + g->bad >= g->want)
		event_base_loopbreak(g->base);
}

static void
got_close(struct fdpeer *p, const char *reason, void *arg)
{
	struct got	*g = arg;

	g->closed = 1;
	strlcpy(g->reason, reason, sizeof g->reason);
	event_base_loopbreak(g->base);
}

static void
nothing_msg(struct fdpeer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const char *bad, int fd, void *arg)
{
	if (fd != -1)
		close(fd);
}

static void
nothing_close(struct fdpeer *p, const char *reason, void *arg)
{
}

static struct json_object *
exitmsg(uint32_t pid)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int64(pid));
	json_object_object_add(o, "code", json_object_new_int(0));
	json_object_object_add(o, "signal", json_object_new_int(0));
	json_object_object_add(o, "utime_ms", json_object_new_int(0));
	json_object_object_add(o, "stime_ms", json_object_new_int(0));
	json_object_object_add(o, "maxrss_kb", json_object_new_int(0));
	return o;
}

static void
run_loop(struct event_base *base)
{
	struct timeval	tv = { 5, 0 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

Test(fdpeer, frames_and_descriptors_in_order)
{
	struct event_base	*base = event_base_new();
	struct fdpeer		*a, *b;
	struct json_object	*o;
	struct got		 g;
	char			 buf[16];
	int			 sv[2], pfd[2], i, rd[NMSG];

	memset(&g, 0, sizeof g);
	g.base = base;
	g.want = NMSG;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a = fdpeer_new(base, sv[0], ROLE_PRIVC, "a", nothing_msg,
	    nothing_close, NULL);
	b = fdpeer_new(base, sv[1], ROLE_PRIV, "b", got_msg, got_close, &g);
	/* Every other frame carries the write end of a pipe of its own. */
	for (i = 0; i < NMSG; i++) {
		rd[i] = -1;
		pfd[1] = -1;
		if (i % 2 == 0) {
			cr_assert_eq(pipe(pfd), 0);
			rd[i] = pfd[0];
		}
		o = exitmsg((uint32_t)i + 1);
		cr_assert_eq(fdpeer_send(a, MSG_PRIV_EXIT, (uint32_t)i + 1, o,
		    pfd[1]), 0);
		json_object_put(o);
	}
	run_loop(base);
	cr_assert_eq(g.closed, 0, "closed: %s", g.reason);
	cr_assert_eq(g.n, NMSG);
	for (i = 0; i < NMSG; i++) {
		cr_assert_eq(g.reqids[i], (uint32_t)i + 1);
		if (i % 2 != 0) {
			cr_assert_eq(g.fds[i], -1);
			continue;
		}
		cr_assert_neq(g.fds[i], -1, "frame %d has no descriptor", i);
		cr_assert(fcntl(g.fds[i], F_GETFD) & FD_CLOEXEC);
		/* The descriptor is that frame's pipe, nobody else's. */
		snprintf(buf, sizeof buf, "%d", i);
		cr_assert_eq(write(g.fds[i], buf, strlen(buf)),
		    (ssize_t)strlen(buf));
		close(g.fds[i]);
		memset(buf, 0, sizeof buf);
		cr_assert_gt(read(rd[i], buf, sizeof buf - 1), 0);
		cr_assert_eq(strtonum(buf, 0, NMSG, NULL), i);
		close(rd[i]);
	}
	fdpeer_free(a);
	fdpeer_free(b);
	event_base_free(base);
}

/* Raw bytes onto SV as a frame of TYPE with PAYLOAD and FLAGS. */
static void
raw_frame(int sv, uint16_t type, uint8_t flags, const char *payload)
{
	struct frame_hdr	h;
	uint8_t			buf[FRAME_HDR_LEN + 256];
	size_t			len = strlen(payload);

	memset(&h, 0, sizeof h);
	h.len = (uint32_t)len;
	h.type = type;
	h.version = FRAME_VERSION;
	h.flags = flags;
	h.reqid = 9;
	frame_hdr_encode(&h, buf);
	memcpy(buf + FRAME_HDR_LEN, payload, len);
	cr_assert_eq(write(sv, buf, FRAME_HDR_LEN + len),
	    (ssize_t)(FRAME_HDR_LEN + len));
}

Test(fdpeer, bad_payload_is_handed_up_and_the_stream_goes_on)
{
	struct event_base	*base = event_base_new();
	struct fdpeer		*b;
	struct got		 g;
	int			 sv[2];

	memset(&g, 0, sizeof g);
	g.base = base;
	g.want = 3;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b = fdpeer_new(base, sv[1], ROLE_PRIV, "b", got_msg, got_close, &g);
	raw_frame(sv[0], MSG_PRIV_EXIT, 0, "{\"pid\":");
	raw_frame(sv[0], MSG_PRIV_EXIT, 0, "{\"pid\":9}");	/* members */
	raw_frame(sv[0], MSG_PRIV_EXIT, 0, "{\"pid\":9,\"code\":0,"
	    "\"signal\":0,\"utime_ms\":0,\"stime_ms\":0,\"maxrss_kb\":0}");
	run_loop(base);
	cr_assert_eq(g.closed, 0, "closed: %s", g.reason);
	cr_assert_eq(g.bad, 2);
	cr_assert_eq(g.n, 1);
	close(sv[0]);
	fdpeer_free(b);
	event_base_free(base);
}

Test(fdpeer, refused_frames_break_the_stream)
{
	static const struct {
		uint16_t	 type;
		uint8_t		 flags;
		const char	*why;
	} cases[] = {
		{ MSG_PRIV_SPAWN, 0, "not allowed" },	/* the child's */
		{ 9999, 0, "unknown message type" },
		{ MSG_PRIV_EXIT, FRAME_F_FD, "without its descriptor" },
		{ MSG_PRIV_EXIT, 0x80, "unknown frame flags" },
	};
	struct event_base	*base;
	struct fdpeer		*b;
	struct got		 g;
	size_t			 i;
	int			 sv[2];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		base = event_base_new();
		memset(&g, 0, sizeof g);
		g.base = base;
		g.want = 1;
		cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		b = fdpeer_new(base, sv[1], ROLE_PRIV, "b", got_msg,
		    got_close, &g);
		raw_frame(sv[0], cases[i].type, cases[i].flags, "{}");
		run_loop(base);
		cr_assert_eq(g.closed, 1, "case %zu not refused", i);
		cr_assert(strstr(g.reason, cases[i].why) != NULL,
		    "case %zu: %s", i, g.reason);
		close(sv[0]);
		fdpeer_free(b);
		event_base_free(base);
	}
}

Test(fdpeer, end_of_file_closes)
{
	struct event_base	*base = event_base_new();
	struct fdpeer		*b;
	struct json_object	*o;
	struct got		 g;
	int			 sv[2];

	memset(&g, 0, sizeof g);
	g.base = base;
	g.want = 100;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b = fdpeer_new(base, sv[1], ROLE_PRIV, "b", got_msg, got_close, &g);
	close(sv[0]);
	run_loop(base);
	cr_assert_eq(g.closed, 1);
	/* Sending on a broken peer fails and closes the descriptor. */
	o = exitmsg(1);
	cr_assert_eq(fdpeer_send(b, MSG_PRIV_EXIT, 1, o, dup(0)), -1);
	json_object_put(o);
	fdpeer_free(b);
	event_base_free(base);
}
