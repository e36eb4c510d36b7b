/*
 * test_peer.c: unit tests of the framed connection (common/peer.c) on a
 * real libevent loop.  The daemon's side of a socketpair(AF_UNIX) is the
 * peer; the test writes frames into the other side as a client would, in
 * pieces or in bulk, and reads back what the peer sends.  The loop is
 * driven with EVLOOP_NONBLOCK passes, bounded so a bug fails rather than
 * hangs.  Run under --enable-asan for the close-from-a-callback cases.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "frame.h"
#include "jsonx.h"
#include "msg.h"
#include "peer.h"
#include "xmalloc.h"

#define MAX_GOT		512
#define MAX_PASSES	1000

struct got {
	int		 who;		/* which peer (index) */
	uint16_t	 type;
	uint32_t	 reqid;
	char		*json;		/* the message, dumped */
};

static struct event_base	*base;
static int			 fds[2][2];	/* [i][0]: the daemon */
static struct peer		*peers[2];
static int			 closed[2];	/* close callback calls */
static char			*reasons[2];
static struct got		 got[MAX_GOT];
static size_t			 ngot;
/* The owner closes the peer on the message with this request id. */
static uint32_t			 close_at_reqid;

static void
on_msg(struct peer *p, uint16_t type, uint32_t reqid, struct json_object *msg,
    const void *raw, size_t rawlen, void *arg)
{
	int	who = *(int *)arg;
	size_t	len;

	cr_assert_lt(ngot, MAX_GOT);
	cr_assert_eq(p, peers[who]);
	cr_assert_not_null(msg);
	cr_assert_null(raw);
	cr_assert_eq(rawlen, 0);
	got[ngot].who = who;
	got[ngot].type = type;
	got[ngot].reqid = reqid;
	got[ngot].json = xstrdup(jsonx_dump(msg, &len));
	ngot++;
	if (close_at_reqid != 0 && reqid == close_at_reqid)
		peer_close(p, "owner closed");
}

static void
on_close(struct peer *p, const char *reason, void *arg)
{
	int	who = *(int *)arg;

	cr_assert_eq(p, peers[who]);
	closed[who]++;
	free(reasons[who]);
	reasons[who] = reason ? xstrdup(reason) : NULL;
}

static int	peer_idx[2] = { 0, 1 };

static void
open_peer(int who)
{
	struct bufferevent	*bev;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds[who]), 0);
	cr_assert_eq(evutil_make_socket_nonblocking(fds[who][0]), 0);
	bev = bufferevent_socket_new(base, fds[who][0], BEV_OPT_CLOSE_ON_FREE);
	cr_assert_not_null(bev);
	peers[who] = peer_new(base, bev, ROLE_CLIENT, who ? "test-b" :
	    "test-a", on_msg, on_close, &peer_idx[who]);
	cr_assert_not_null(peers[who]);
}

static void
setup(void)
{
	memset(fds, -1, sizeof fds);
	ngot = 0;
	close_at_reqid = 0;
	base = event_base_new();
	cr_assert_not_null(base);
	open_peer(0);
}

static void
teardown(void)
{
	size_t	i;
	int	who;

	for (who = 0; who < 2; who++) {
		if (peers[who] != NULL && !closed[who])
			peer_close(peers[who], NULL);
		peers[who] = NULL;
		closed[who] = 0;
		free(reasons[who]);
		reasons[who] = NULL;
		if (fds[who][1] != -1)
			close(fds[who][1]);
	}
	for (i = 0; i < ngot; i++)
		free(got[i].json);
	ngot = 0;
	event_base_free(base);
	base = NULL;
}

TestSuite(peer, .init = setup, .fini = teardown, .timeout = 20);

/* Append a frame of TYPE carrying JSON to BUF at *OFF. */
static void
put_frame(uint8_t *buf, size_t cap, size_t *off, uint16_t type,
    uint32_t reqid, const char *json)
{
	struct frame_hdr	h;
	size_t			len = strlen(json);

	cr_assert_leq(*off + FRAME_HDR_LEN + len, cap);
	h.len = (uint32_t)len;
	h.type = type;
	h.version = FRAME_VERSION;
	h.flags = 0;
	h.reqid = reqid;
	frame_hdr_encode(&h, buf + *off);
	memcpy(buf + *off + FRAME_HDR_LEN, json, len);
	*off += FRAME_HDR_LEN + len;
}

/* Write LEN bytes into the client side of WHO in one call. */
static void
client_write(int who, const void *buf, size_t len)
{
	ssize_t	n;

	n = send(fds[who][1], buf, len, MSG_NOSIGNAL);
	cr_assert_eq(n, (ssize_t)len, "send: %s", strerror(errno));
}

/* Run the loop until DONE says so (or give up); 1 if it did. */
static int
pump_until(int (*done)(void))
{
	int	i;

	for (i = 0; i < MAX_PASSES; i++) {
		if (done != NULL && done())
			return 1;
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	return done != NULL && done();
}

static size_t	want_got;

static int
have_all(void)
{
	return ngot >= want_got;
}

static int
a_closed(void)
{
	return closed[0] > 0;
}

static void
pump(int passes)
{
	int	i;

	for (i = 0; i < passes; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* 1 if the client side of WHO reads end of file (the peer is gone). */
static int
client_sees_eof(int who)
{
	char	c;
	ssize_t	n;
	int	i;

	for (i = 0; i < MAX_PASSES; i++) {
		n = recv(fds[who][1], &c, 1, MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == ECONNRESET;
		pump(1);
	}
	return 0;
}

static void
expect_close(const char *reason_part)
{
	cr_assert(pump_until(a_closed), "peer was not closed");
	cr_assert_eq(closed[0], 1);
	cr_assert_not_null(reasons[0]);
	cr_assert_not_null(strstr(reasons[0], reason_part),
	    "reason <%s> lacks <%s>", reasons[0], reason_part);
	cr_assert(client_sees_eof(0));
}

static const char	hello[] = "{\"version\":1,\"role\":\"client\"}";
static const char	query[] = "{\"what\":\"jobs\",\"limit\":5}";

Test(peer, split_reads_byte_by_byte)
{
	uint8_t	buf[256];
	size_t	len = 0, first, i;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1, hello);
	first = len;
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 2, query);

	for (i = 0; i < len; i++) {
		client_write(0, buf + i, 1);
		pump(2);
		/* Nothing is delivered before its last byte. */
		if (i + 1 < first)
			cr_assert_eq(ngot, 0, "delivered at byte %zu", i);
		else if (i + 1 < len)
			cr_assert_eq(ngot, 1, "at byte %zu", i);
	}
	cr_assert_eq(ngot, 2);
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(got[0].type, MSG_HELLO);
	cr_assert_eq(got[0].reqid, 1);
	cr_assert_str_eq(got[0].json, hello);
	cr_assert_eq(got[1].type, MSG_QUERY);
	cr_assert_eq(got[1].reqid, 2);
	cr_assert_str_eq(got[1].json, query);
}

Test(peer, split_header_and_payload)
{
	uint8_t	buf[256];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_QUERY, 77, query);
	client_write(0, buf, 5);		/* part of the header */
	pump(3);
	client_write(0, buf + 5, FRAME_HDR_LEN - 5 + 3);
	pump(3);
	cr_assert_eq(ngot, 0);
	client_write(0, buf + FRAME_HDR_LEN + 3, len - FRAME_HDR_LEN - 3);
	want_got = 1;
	cr_assert(pump_until(have_all));
	cr_assert_eq(got[0].reqid, 77);
	cr_assert_str_eq(got[0].json, query);
	cr_assert_eq(closed[0], 0);
}

Test(peer, coalesced_frames)
{
	uint8_t	buf[512];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 10, hello);
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 11, query);
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 12,
	    "{\"what\":\"history\"}");
	client_write(0, buf, len);
	want_got = 3;
	cr_assert(pump_until(have_all));
	pump(5);
	cr_assert_eq(ngot, 3);
	cr_assert_eq(got[0].type, MSG_HELLO);
	cr_assert_eq(got[0].reqid, 10);
	cr_assert_eq(got[1].reqid, 11);
	cr_assert_str_eq(got[1].json, query);
	cr_assert_eq(got[2].reqid, 12);
	cr_assert_str_eq(got[2].json, "{\"what\":\"history\"}");
	cr_assert_eq(closed[0], 0);
}

Test(peer, oversize_length_closes_before_payload)
{
	struct frame_hdr	h = {
		.len = 4 * 1024 + 1, .type = MSG_HELLO,
		.version = FRAME_VERSION, .flags = 0, .reqid = 1
	};
	uint8_t			hb[FRAME_HDR_LEN];

	/* Only the header is sent: the peer must not wait for the rest. */
	frame_hdr_encode(&h, hb);
	client_write(0, hb, sizeof hb);
	expect_close("frame longer than its type allows");
	cr_assert_not_null(strstr(reasons[0], "length 4097"), "%s",
	    reasons[0]);
	cr_assert_eq(ngot, 0);
}

Test(peer, huge_length_closes)
{
	struct frame_hdr	h = {
		.len = UINT32_MAX, .type = MSG_QUERY,
		.version = FRAME_VERSION, .flags = 0, .reqid = 1
	};
	uint8_t			hb[FRAME_HDR_LEN];

	frame_hdr_encode(&h, hb);
	client_write(0, hb, sizeof hb);
	expect_close("frame longer than its type allows");
	cr_assert_eq(ngot, 0);
}

Test(peer, wrong_version_closes)
{
	uint8_t	buf[256];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1, hello);
	buf[6] = FRAME_VERSION + 1;
	client_write(0, buf, len);
	expect_close("unsupported protocol version");
	cr_assert_eq(ngot, 0);
}

Test(peer, garbage_closes)
{
	static const char	junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	client_write(0, junk, sizeof junk - 1);
	expect_close("unsupported protocol version");
	cr_assert_eq(ngot, 0);
}

Test(peer, type_not_allowed_closes)
{
	uint8_t	buf[256];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_START, 1, "{}");
	client_write(0, buf, len);
	expect_close("message type not allowed from this peer");
	cr_assert_eq(ngot, 0);
}

Test(peer, bad_json_closes_after_good_frames)
{
	uint8_t	buf[256];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1, hello);
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 2, "{\"what\":");
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 3, query);
	client_write(0, buf, len);
	expect_close("bad query message");
	/* The good frame before it was delivered, nothing after it. */
	cr_assert_eq(ngot, 1);
	cr_assert_eq(got[0].reqid, 1);
}

Test(peer, unknown_member_closes)
{
	uint8_t	buf[256];
	size_t	len = 0;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1,
	    "{\"version\":1,\"role\":\"client\",\"uid\":0}");
	client_write(0, buf, len);
	expect_close("bad hello message: unknown member");
	cr_assert_eq(ngot, 0);
}

Test(peer, eof_closes)
{
	close(fds[0][1]);
	fds[0][1] = -1;
	cr_assert(pump_until(a_closed));
	cr_assert_str_eq(reasons[0], "connection closed by peer");
}

/* Read one whole frame from the client side of peer 0. */
static size_t
client_read_frame(uint8_t *buf, size_t cap)
{
	struct frame_hdr	h;
	size_t			have = 0, want = FRAME_HDR_LEN;
	ssize_t			n;
	int			i;

	for (i = 0; i < MAX_PASSES && have < want; i++) {
		pump(1);
		n = recv(fds[0][1], buf + have, want - have, MSG_DONTWAIT);
		if (n > 0)
			have += (size_t)n;
		if (have >= FRAME_HDR_LEN && want == FRAME_HDR_LEN) {
			frame_hdr_decode(buf, &h);
			cr_assert_leq(FRAME_HDR_LEN + (size_t)h.len, cap);
			want = FRAME_HDR_LEN + h.len;
		}
	}
	cr_assert_eq(have, want, "short frame: %zu of %zu", have, want);
	return have;
}

Test(peer, send_decodes_at_other_end)
{
	struct json_object	*o, *back;
	struct frame_hdr	 h;
	const char		*errstr = NULL;
	uint8_t			 buf[1024];
	size_t			 len;

	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int(3));
	json_object_object_add(o, "detail", json_object_new_string("ok \"q\""));
	cr_assert_eq(peer_send(peers[0], MSG_OK, 0xdeadbeef, o), 0);
	json_object_put(o);
	cr_assert_gt(peer_outq(peers[0]), FRAME_HDR_LEN);

	len = client_read_frame(buf, sizeof buf);
	frame_hdr_decode(buf, &h);
	cr_assert_eq(h.type, MSG_OK);
	cr_assert_eq(h.version, FRAME_VERSION);
	cr_assert_eq(h.flags, 0);
	cr_assert_eq(h.reqid, 0xdeadbeef);
	cr_assert_eq(h.len, len - FRAME_HDR_LEN);
	cr_assert_eq(frame_hdr_check(&h, ROLE_SCHEDD, &errstr), 0, "%s",
	    errstr);
	cr_assert_eq(msg_decode(h.type, buf + FRAME_HDR_LEN, h.len, &back,
	    &errstr), 0, "%s", errstr);
	cr_assert_eq(jsonx_int(back, "count", -1), 3);
	cr_assert_str_eq(jsonx_str(back, "detail", ""), "ok \"q\"");
	json_object_put(back);
	cr_assert_eq(peer_outq(peers[0]), 0);

	cr_assert_eq(peer_send_error(peers[0], 5, "no such job"), 0);
	len = client_read_frame(buf, sizeof buf);
	frame_hdr_decode(buf, &h);
	cr_assert_eq(h.type, MSG_ERROR);
	cr_assert_eq(h.reqid, 5);
	cr_assert_eq(msg_decode(h.type, buf + FRAME_HDR_LEN, h.len, &back,
	    &errstr), 0, "%s", errstr);
	cr_assert_str_eq(jsonx_str(back, "error", ""), "no such job");
	json_object_put(back);
	cr_assert_eq(closed[0], 0);
}

Test(peer, close_after_flush_delivers_then_closes)
{
	struct json_object	*o;
	struct frame_hdr	 h;
	uint8_t			 buf[256];

	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string("bye"));
	cr_assert_eq(peer_send(peers[0], MSG_ERROR, 1, o), 0);
	json_object_put(o);
	peer_close_after_flush(peers[0], "done");
	/* Nothing more may be queued. */
	cr_assert_eq(peer_send_error(peers[0], 2, "late"), -1);
	client_read_frame(buf, sizeof buf);
	frame_hdr_decode(buf, &h);
	cr_assert_eq(h.type, MSG_ERROR);
	cr_assert_eq(h.reqid, 1);
	expect_close("done");
}

/* Send N query frames with request ids 1..N to WHO in one write. */
static void
send_many(int who, uint32_t n)
{
	uint8_t		*buf;
	size_t		 cap = (size_t)n * (FRAME_HDR_LEN + 64), len = 0;
	char		 json[64];
	uint32_t	 i;

	buf = xmalloc(cap);
	for (i = 1; i <= n; i++) {
		snprintf(json, sizeof json, "{\"what\":\"jobs\",\"limit\":%u}",
		    i);
		put_frame(buf, cap, &len, MSG_QUERY, i, json);
	}
	client_write(who, buf, len);
	free(buf);
}

static void
check_in_order(int who, uint32_t n)
{
	size_t		i;
	uint32_t	next = 1;
	char		json[64];

	for (i = 0; i < ngot; i++) {
		if (got[i].who != who)
			continue;
		cr_assert_eq(got[i].reqid, next, "peer %d message %zu", who, i);
		snprintf(json, sizeof json, "{\"what\":\"jobs\",\"limit\":%u}",
		    next);
		cr_assert_str_eq(got[i].json, json);
		next++;
	}
	cr_assert_eq(next - 1, n, "peer %d: %u of %u", who, next - 1, n);
}

static void
many_frames(uint32_t n)
{
	send_many(0, n);
	want_got = n;
	cr_assert(pump_until(have_all), "%zu of %u delivered", ngot, n);
	pump(5);
	cr_assert_eq(ngot, n);
	check_in_order(0, n);
	cr_assert_eq(closed[0], 0);
}

Test(peer, more_than_one_wakeup_of_frames)
{
	many_frames(PEER_MAX_FRAMES_PER_WAKEUP * 3 + 5);
}

Test(peer, exactly_one_wakeup_of_frames)
{
	many_frames(PEER_MAX_FRAMES_PER_WAKEUP);
}

Test(peer, one_more_than_a_wakeup)
{
	many_frames(PEER_MAX_FRAMES_PER_WAKEUP + 1);
}

Test(peer, yields_to_other_peers)
{
	const uint32_t	n = PEER_MAX_FRAMES_PER_WAKEUP * 3 + 4;
	size_t		i, run = 0, maxrun = 0;

	open_peer(1);
	send_many(0, n);
	send_many(1, n);
	want_got = 2 * n;
	cr_assert(pump_until(have_all), "%zu of %u delivered", ngot, 2 * n);
	check_in_order(0, n);
	check_in_order(1, n);
	/* Neither connection had more than a wakeup's worth in a row. */
	for (i = 0; i < ngot; i++) {
		run = (i > 0 && got[i].who == got[i - 1].who) ? run + 1 : 1;
		if (run > maxrun)
			maxrun = run;
	}
	cr_assert_leq(maxrun, PEER_MAX_FRAMES_PER_WAKEUP);
	cr_assert_eq(closed[0] + closed[1], 0);
}

static void
close_from_callback(uint32_t n, uint32_t at)
{
	close_at_reqid = at;
	send_many(0, n);
	expect_close("owner closed");
	pump(5);
	cr_assert_eq(ngot, at, "%zu messages after closing at %u", ngot, at);
	cr_assert_eq(got[ngot - 1].reqid, at);
}

Test(peer, owner_closes_in_message_callback)
{
	close_from_callback(3, 1);
}

Test(peer, owner_closes_on_last_message)
{
	close_from_callback(3, 3);
}

Test(peer, owner_closes_at_end_of_wakeup)
{
	close_from_callback(PEER_MAX_FRAMES_PER_WAKEUP * 2,
	    PEER_MAX_FRAMES_PER_WAKEUP);
}

Test(peer, owner_closes_after_yield)
{
	close_from_callback(PEER_MAX_FRAMES_PER_WAKEUP * 2,
	    PEER_MAX_FRAMES_PER_WAKEUP + 1);
}

Test(peer, set_from_restricts_roles)
{
	uint8_t	buf[256];
	size_t	len = 0;

	peer_set_from(peers[0], ROLE_AGENT);
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 1, query);
	client_write(0, buf, len);
	expect_close("message type not allowed from this peer");
	cr_assert_eq(ngot, 0);
}

Test(peer, accessors)
{
	int	x;

	cr_assert_str_eq(peer_label(peers[0]), "test-a");
	peer_set_label(peers[0], "client 7");
	cr_assert_str_eq(peer_label(peers[0]), "client 7");
	cr_assert_null(peer_data(peers[0]));
	peer_set_data(peers[0], &x);
	cr_assert_eq(peer_data(peers[0]), &x);
	open_peer(1);
	cr_assert_neq(peer_id(peers[0]), peer_id(peers[1]));
	cr_assert_eq(peer_outq(peers[0]), 0);
}

Test(peer, outmax_drops_a_peer_that_does_not_read)
{
	struct json_object	*o;
	int			 i, rc = 0;

	peer_set_outmax(peers[0], 4096);
	o = json_object_new_object();
	json_object_object_add(o, "detail",
	    json_object_new_string("0123456789abcdef0123456789abcdef"));
	/* Nobody reads fds[0][1] and the loop never runs: the queue grows. */
	for (i = 0; i < 1000 && rc == 0; i++)
		rc = peer_send(peers[0], MSG_OK, (uint32_t)i, o);
	json_object_put(o);
	cr_assert_eq(rc, -1);
	cr_assert_eq(closed[0], 1);
	cr_assert_str_eq(reasons[0], "peer is not reading its replies");
}

/* Write a header of TYPE announcing LEN bytes, and PART bytes of it. */
static void
client_half(int who, uint16_t type, uint32_t len, size_t part)
{
	struct frame_hdr	 h = {
		.len = len, .type = type, .version = FRAME_VERSION,
		.flags = 0, .reqid = 7
	};
	uint8_t			 buf[FRAME_HDR_LEN + 64];

	cr_assert_leq(part, 64);
	frame_hdr_encode(&h, buf);
	memset(buf + FRAME_HDR_LEN, ' ', part);
	client_write(who, buf, FRAME_HDR_LEN + part);
}

static int
b_closed(void)
{
	return closed[1] > 0;
}

Test(peer, partial_budget_is_shared_and_given_back)
{
	peer_set_partial_budget(2000);
	open_peer(1);
	/* A parks 1,512 bytes of the 2,000. */
	client_half(0, MSG_QUERY, 1500, 10);
	pump(20);
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(peer_partial_in_use(), 1512);
	cr_assert(peer_partial(peers[0]));
	/* B's 1,012 no longer fit: B alone is refused, with a word. */
	client_half(1, MSG_QUERY, 1000, 10);
	cr_assert(pump_until(b_closed), "B was not refused");
	cr_assert_not_null(strstr(reasons[1], "memory budget for half-sent "
	    "frames exhausted"), "%s", reasons[1]);
	cr_assert(client_sees_eof(1));
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(peer_partial_in_use(), 1512);
	/* A goes: its share comes back. */
	peer_close(peers[0], "test");
	closed[0] = 1;
	cr_assert_eq(peer_partial_in_use(), 0);
	peer_set_partial_budget(PEER_PARTIAL_BUDGET);
}

Test(peer, whole_frame_gives_back_its_budget)
{
	uint8_t	buf[256];
	size_t	off = 0;

	put_frame(buf, sizeof buf, &off, MSG_HELLO, 1, hello);
	client_write(0, buf, off);
	pump(10);
	off = 0;
	put_frame(buf, sizeof buf, &off, MSG_QUERY, 2, query);
	client_write(0, buf, 5 + FRAME_HDR_LEN);
	pump(10);
	cr_assert_eq(peer_partial_in_use(), FRAME_HDR_LEN + strlen(query));
	client_write(0, buf + 5 + FRAME_HDR_LEN, off - 5 - FRAME_HDR_LEN);
	want_got = 2;
	cr_assert(pump_until(have_all));
	cr_assert_eq(peer_partial_in_use(), 0);
	cr_assert_eq(closed[0], 0);
}

Test(peer, quota_refuses_the_peer_that_passes_it)
{
	struct peer_quota	q;

	memset(&q, 0, sizeof q);
	q.max = 1000;
	strlcpy(q.refusal, "too many bytes for the test", sizeof q.refusal);
	open_peer(1);
	peer_set_quota(peers[0], &q);
	peer_set_quota(peers[1], &q);
	cr_assert_eq(q.npeers, 2);
	/* 600 announced by A fit; 600 more by B do not. */
	client_half(0, MSG_QUERY, 600, 10);
	pump(20);
	cr_assert_eq(closed[0], 0);
	client_half(1, MSG_QUERY, 600, 10);
	cr_assert(pump_until(b_closed), "B was not refused");
	cr_assert_str_eq(reasons[1], "too many bytes for the test");
	cr_assert(client_sees_eof(1));
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(q.npeers, 1);
	peer_close(peers[0], "test");
	closed[0] = 1;
	cr_assert_eq(q.npeers, 0);
	cr_assert_eq(q.used, 0);
	cr_assert_eq(q.owed, 0);
}

Test(peer, one_quota_takes_half_of_the_budget_at_most)
{
	struct peer_quota	q;

	memset(&q, 0, sizeof q);
	q.max = 1u << 20;
	strlcpy(q.refusal, "quota", sizeof q.refusal);
	peer_set_partial_budget(2000);
	open_peer(1);
	peer_set_quota(peers[0], &q);
	peer_set_quota(peers[1], &q);
	/* 612 of the quota's 1,000 (half of 2,000), then 612 more: no. */
	client_half(0, MSG_QUERY, 600, 10);
	pump(20);
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(q.reserved, 612);
	client_half(1, MSG_QUERY, 600, 10);
	cr_assert(pump_until(b_closed), "B was not refused");
	cr_assert_not_null(strstr(reasons[1], "half of the budget"), "%s",
	    reasons[1]);
	peer_close(peers[0], "test");
	closed[0] = 1;
	cr_assert_eq(q.reserved, 0);
	cr_assert_eq(peer_partial_in_use(), 0);
	peer_set_partial_budget(PEER_PARTIAL_BUDGET);
}

Test(peer, frame_max_closes_at_the_header)
{
	peer_set_frame_max(peers[0], 4096);
	client_half(0, MSG_SUBMIT, 1u << 20, 10);
	expect_close("a frame of 1048576 bytes where at most 4096");
	cr_assert_eq(peer_partial_in_use(), 0);
}

/* The frame of N bytes of JSON (a string member padded to N). */
static uint8_t *
big_frame(uint32_t reqid, size_t n, size_t *len)
{
	uint8_t			*buf;
	struct frame_hdr	 h;
	const char		 head[] = "{\"what\":\"";
	const char		 tail[] = "\"}";

	cr_assert_gt(n, sizeof head + sizeof tail);
	buf = xmalloc(FRAME_HDR_LEN + n);
	h.len = (uint32_t)n;
	h.type = MSG_QUERY;
	h.version = FRAME_VERSION;
	h.flags = 0;
	h.reqid = reqid;
	frame_hdr_encode(&h, buf);
	memset(buf + FRAME_HDR_LEN, 'x', n);
	memcpy(buf + FRAME_HDR_LEN, head, sizeof head - 1);
	memcpy(buf + FRAME_HDR_LEN + n - (sizeof tail - 1), tail,
	    sizeof tail - 1);
	*len = FRAME_HDR_LEN + n;
	return buf;
}

Test(peer, a_half_frame_that_stalls_is_closed)
{
	peer_set_partial_timeout(1);
	client_half(0, MSG_QUERY, 1500, 10);
	pump(5);
	cr_assert_eq(closed[0], 0);
	/* Nothing more comes: at the deadline the peer goes, with a word. */
	usleep(1200 * 1000);
	expect_close("half a frame arrived too slowly");
	peer_set_partial_timeout(PEER_PARTIAL_TIMEOUT);
}

/*
 * The whole frame is in the kernel when the deadline passes, but the
 * loop had not read it (a long turn elsewhere; the bufferevent reads
 * 16 KiB a pass): the sender is not blamed, the frame is served.
 */
Test(peer, bytes_unread_at_the_deadline_are_not_the_senders_fault)
{
	uint8_t	 hb[256], *buf;
	size_t	 off = 0, len;

	peer_set_partial_timeout(1);
	put_frame(hb, sizeof hb, &off, MSG_HELLO, 1, hello);
	client_write(0, hb, off);
	buf = big_frame(2, 150 * 1024, &len);
	client_write(0, buf, 64);
	want_got = 1;
	cr_assert(pump_until(have_all));
	cr_assert(peer_partial(peers[0]));
	/* The rest arrives at once, and the loop does not run for 1.3 s. */
	client_write(0, buf + 64, len - 64);
	usleep(1300 * 1000);
	want_got = 2;
	cr_assert(pump_until(have_all), "the frame was not served");
	cr_assert_eq(closed[0], 0, "closed: %s", reasons[0]);
	cr_assert_eq(got[1].reqid, 2);
	free(buf);
	peer_set_partial_timeout(PEER_PARTIAL_TIMEOUT);
}

/* Protocol revisions (docs/protocol.md, "Revisions"). */

static void
agent_hello(int who, int rev, uint32_t reqid)
{
	uint8_t	buf[256];
	char	s[128];
	size_t	len = 0;

	if (rev < 0)
		snprintf(s, sizeof s, "{\"version\":1,\"role\":\"agent\"}");
	else
		snprintf(s, sizeof s, "{\"version\":1,\"role\":\"agent\","
		    "\"rev\":%d}", rev);
	put_frame(buf, sizeof buf, &len, MSG_HELLO, reqid, s);
	client_write(who, buf, len);
}

static const char	hb_extra[] =
    "{\"seq\":2,\"owner_mood\":\"fine\"}";

Test(peer, newer_agent_extra_member_accepted)
{
	uint8_t	buf[256];
	size_t	len = 0;

	peer_set_from(peers[0], ROLE_AGENT);
	cr_assert_eq(peer_rev(peers[0]), MSG_REV_UNKNOWN);
	agent_hello(0, MSG_REV + 1, 1);
	put_frame(buf, sizeof buf, &len, MSG_HEARTBEAT, 2, hb_extra);
	client_write(0, buf, len);
	want_got = 2;
	cr_assert(pump_until(have_all));
	cr_assert_eq(closed[0], 0);
	cr_assert_eq(peer_rev(peers[0]), MSG_REV + 1);
	cr_assert_eq(got[1].type, MSG_HEARTBEAT);
	cr_assert_str_eq(got[1].json, "{\"seq\":2}");
}

Test(peer, same_revision_unknown_member_closes_its_own_link_only)
{
	uint8_t	buf[256];
	size_t	len = 0;

	open_peer(1);
	peer_set_from(peers[0], ROLE_AGENT);
	peer_set_from(peers[1], ROLE_AGENT);
	agent_hello(0, MSG_REV, 1);
	agent_hello(1, MSG_REV + 1, 1);
	put_frame(buf, sizeof buf, &len, MSG_HEARTBEAT, 2, hb_extra);
	client_write(0, buf, len);
	client_write(1, buf, len);
	expect_close("bad heartbeat message: unknown member");
	want_got = 3;		/* two hellos, peer 1's heartbeat */
	cr_assert(pump_until(have_all));
	cr_assert_eq(closed[1], 0);
	cr_assert_eq(got[2].who, 1);
	cr_assert_eq(got[2].type, MSG_HEARTBEAT);
}

Test(peer, agent_without_revision_is_revision_0_and_strict)
{
	uint8_t	buf[256];
	size_t	len = 0;

	peer_set_from(peers[0], ROLE_AGENT);
	agent_hello(0, -1, 1);
	put_frame(buf, sizeof buf, &len, MSG_HEARTBEAT, 2, hb_extra);
	client_write(0, buf, len);
	expect_close("bad heartbeat message: unknown member");
	cr_assert_eq(ngot, 1);
}

Test(peer, newer_client_still_strict)
{
	uint8_t	buf[256];
	char	s[128];
	size_t	len = 0;

	snprintf(s, sizeof s, "{\"version\":1,\"role\":\"client\","
	    "\"rev\":%d}", MSG_REV + 1);
	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1, s);
	put_frame(buf, sizeof buf, &len, MSG_QUERY, 2,
	    "{\"what\":\"jobs\",\"sparkle\":true}");
	client_write(0, buf, len);
	expect_close("bad query message: unknown member");
	cr_assert_eq(ngot, 1);
}

Test(peer, older_agent_is_not_sent_newer_members)
{
	struct json_object	*o, *back;
	struct frame_hdr	 h;
	const char		*errstr = NULL;
	uint8_t			 buf[1024];
	size_t			 len;

	peer_set_from(peers[0], ROLE_AGENT);
	agent_hello(0, -1, 1);
	want_got = 1;
	cr_assert(pump_until(have_all));
	cr_assert_eq(peer_rev(peers[0]), 0);
	o = json_object_new_object();
	json_object_object_add(o, "job", json_object_new_string("3.0"));
	json_object_object_add(o, "run", json_object_new_int(1));
	json_object_object_add(o, "slot", json_object_new_int(1));
	json_object_object_add(o, "owner", json_object_new_string("u"));
	json_object_object_add(o, "uid", json_object_new_int(1000));
	json_object_object_add(o, "desc", json_object_new_object());
	json_object_object_add(o, "jobad", json_object_new_object());
	cr_assert_eq(peer_send(peers[0], MSG_START, 0, o), 0);
	cr_assert_not_null(jsonx_get(o, "jobad"), "the caller's stays whole");
	json_object_put(o);
	len = client_read_frame(buf, sizeof buf);
	frame_hdr_decode(buf, &h);
	cr_assert_eq(h.type, MSG_START);
	/* As strict as a revision-0 agent is: nothing unknown to it. */
	cr_assert_eq(msg_decode_rev(h.type, buf + FRAME_HDR_LEN,
	    len - FRAME_HDR_LEN, 0, &back, &errstr), 0, "%s", errstr);
	cr_assert_null(jsonx_get(back, "jobad"));
	cr_assert_str_eq(jsonx_str(back, "job", ""), "3.0");
	json_object_put(back);
}

/* Client hello S answered by peer_hello_accept(): its `rev`, or -1. */
static int64_t
hello_answer_rev(const char *s)
{
	struct json_object	*back, *msg;
	const char		*errstr = NULL;
	uint8_t			 buf[1024];
	size_t			 len = 0;
	int64_t			 rev;

	put_frame(buf, sizeof buf, &len, MSG_HELLO, 1, s);
	client_write(0, buf, len);
	want_got = 1;
	cr_assert(pump_until(have_all));
	cr_assert_eq(jsonx_parse(got[0].json, strlen(got[0].json), &msg,
	    &errstr), 0);
	cr_assert_eq(peer_hello_accept(peers[0], 1, msg, "client", "schedd"),
	    0);
	json_object_put(msg);
	len = client_read_frame(buf, sizeof buf);
	cr_assert_eq(msg_decode(MSG_HELLO, buf + FRAME_HDR_LEN,
	    len - FRAME_HDR_LEN, &back, &errstr), 0, "%s", errstr);
	rev = jsonx_int(back, "rev", -1);
	json_object_put(back);
	return rev;
}

Test(peer, hello_answer_says_the_revision)
{
	char	s[128];

	snprintf(s, sizeof s, "{\"version\":1,\"role\":\"client\","
	    "\"rev\":%d}", MSG_REV);
	cr_assert_eq(hello_answer_rev(s), MSG_REV);
}

Test(peer, hello_answer_to_revision_0_has_none)
{
	/* A revision-0 peer would refuse the member. */
	cr_assert_eq(hello_answer_rev(hello), -1);
}
