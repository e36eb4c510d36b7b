/*
 * test_frame.c: unit tests of the frame header (common/frame.c): the exact
 * bytes of the encoding in network byte order, the round trip, and every
 * refusal of frame_hdr_check() against the message table of msg.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "frame.h"
#include "msg.h"

static struct frame_hdr
hdr_of(uint16_t type, uint32_t len, uint8_t flags)
{
	struct frame_hdr	h;

	memset(&h, 0, sizeof h);
	h.len = len;
	h.type = type;
	h.version = FRAME_VERSION;
	h.flags = flags;
	h.reqid = 7;
	return h;
}

/* Check H from FROM expecting a refusal with MSG. */
static void
refused(const struct frame_hdr *h, int from, const char *msg)
{
	const char	*errstr = NULL;

	cr_assert_eq(frame_hdr_check(h, from, &errstr), -1,
	    "type %u len %u accepted", h->type, h->len);
	cr_assert_not_null(errstr);
	cr_assert_str_eq(errstr, msg);
}

static void
accepted(const struct frame_hdr *h, int from)
{
	const char	*errstr = NULL;

	cr_assert_eq(frame_hdr_check(h, from, &errstr), 0,
	    "type %u len %u refused: %s", h->type, h->len,
	    errstr ? errstr : "?");
}

Test(frame, encode_exact_bytes)
{
	struct frame_hdr	h = {
		.len = 0x01020304, .type = 0x0506, .version = 0x07,
		.flags = 0x08, .reqid = 0xa0b0c0d0
	};
	static const uint8_t	want[FRAME_HDR_LEN] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0xa0, 0xb0, 0xc0, 0xd0
	};
	uint8_t			buf[FRAME_HDR_LEN + 2];

	memset(buf, 0xee, sizeof buf);
	frame_hdr_encode(&h, buf);
	cr_assert_arr_eq(buf, want, FRAME_HDR_LEN);
	/* Exactly twelve bytes are written. */
	cr_assert_eq(buf[FRAME_HDR_LEN], 0xee);
	cr_assert_eq(buf[FRAME_HDR_LEN + 1], 0xee);
}

Test(frame, decode_exact_bytes)
{
	static const uint8_t	buf[FRAME_HDR_LEN] = {
		0xff, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x00,
		0x00, 0x00, 0x01, 0x00
	};
	struct frame_hdr	h;

	frame_hdr_decode(buf, &h);
	cr_assert_eq(h.len, 0xff000001u);
	cr_assert_eq(h.type, MSG_QUERY);
	cr_assert_eq(h.version, 1);
	cr_assert_eq(h.flags, 0);
	cr_assert_eq(h.reqid, 256);
}

Test(frame, round_trip)
{
	static const struct frame_hdr	cases[] = {
		{ 0, 0, 0, 0, 0 },
		{ 0xffffffffu, 0xffff, 0xff, 0xff, 0xffffffffu },
		{ 4096, MSG_HELLO, FRAME_VERSION, 0, 1 },
		{ 0x80000001u, 0x8001, 0x80, 0x81, 0x7fffffffu },
	};
	struct frame_hdr	out;
	uint8_t			buf[FRAME_HDR_LEN];
	size_t			i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		frame_hdr_encode(&cases[i], buf);
		memset(&out, 0x5a, sizeof out);
		frame_hdr_decode(buf, &out);
		cr_assert_eq(out.len, cases[i].len, "case %zu", i);
		cr_assert_eq(out.type, cases[i].type, "case %zu", i);
		cr_assert_eq(out.version, cases[i].version, "case %zu", i);
		cr_assert_eq(out.flags, cases[i].flags, "case %zu", i);
		cr_assert_eq(out.reqid, cases[i].reqid, "case %zu", i);
	}
}

Test(frame, check_accepts_good)
{
	struct frame_hdr	h = hdr_of(MSG_HELLO, 20, 0);

	accepted(&h, ROLE_CLIENT);
	accepted(&h, ROLE_AGENT);
	accepted(&h, ROLE_SCHEDD);
	h = hdr_of(MSG_QUERY, 0, 0);
	accepted(&h, ROLE_CLIENT);
	h = hdr_of(MSG_START, 100, 0);
	accepted(&h, ROLE_SCHEDD);
	h = hdr_of(MSG_HEARTBEAT, 10, 0);
	accepted(&h, ROLE_AGENT);
}

Test(frame, check_wrong_version)
{
	struct frame_hdr	h = hdr_of(MSG_HELLO, 10, 0);

	h.version = 0;
	refused(&h, ROLE_CLIENT, "unsupported protocol version");
	h.version = FRAME_VERSION + 1;
	refused(&h, ROLE_CLIENT, "unsupported protocol version");
	h.version = 0xff;
	refused(&h, ROLE_CLIENT, "unsupported protocol version");
}

Test(frame, check_unknown_type)
{
	static const uint16_t	unknown[] = {
		0, 4, 15, 21, 63, 90, 127, 129, 0xffff
	};
	struct frame_hdr	h;
	size_t			i;

	for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		h = hdr_of(unknown[i], 2, 0);
		refused(&h, ROLE_ANY, "unknown message type");
	}
}

Test(frame, check_type_not_allowed_from_role)
{
	struct frame_hdr	h = hdr_of(MSG_START, 10, 0);

	refused(&h, ROLE_CLIENT, "message type not allowed from this peer");
	refused(&h, ROLE_AGENT, "message type not allowed from this peer");
	h = hdr_of(MSG_SUBMIT, 10, 0);
	refused(&h, ROLE_AGENT, "message type not allowed from this peer");
	refused(&h, ROLE_SCHEDD, "message type not allowed from this peer");
	h = hdr_of(MSG_EXITED, 10, 0);
	refused(&h, ROLE_CLIENT, "message type not allowed from this peer");
	/* A peer whose role is not yet known may send nothing typed. */
	h = hdr_of(MSG_HELLO, 10, 0);
	refused(&h, 0, "message type not allowed from this peer");
}

Test(frame, check_unknown_flags)
{
	struct frame_hdr	h;
	unsigned		bit;

	for (bit = 1; bit < 8; bit++) {
		h = hdr_of(MSG_HELLO, 10, (uint8_t)(1u << bit));
		refused(&h, ROLE_CLIENT, "unknown frame flags");
		h = hdr_of(MSG_HELLO, 10, (uint8_t)(1u << bit | FRAME_F_RAW));
		refused(&h, ROLE_CLIENT, "unknown frame flags");
	}
}

Test(frame, check_raw_flag_on_json_type)
{
	struct frame_hdr	h = hdr_of(MSG_HELLO, 10, FRAME_F_RAW);

	refused(&h, ROLE_CLIENT, "payload kind does not match message type");
	h = hdr_of(MSG_QUERY, 10, FRAME_F_RAW);
	refused(&h, ROLE_CLIENT, "payload kind does not match message type");
}

Test(frame, check_length_at_and_over_maximum)
{
	static const struct {
		uint16_t	type;
		int		from;
	} cases[] = {
		{ MSG_HELLO, ROLE_CLIENT },
		{ MSG_QUERY, ROLE_CLIENT },
		{ MSG_SUBMIT, ROLE_CLIENT },
		{ MSG_QUERY_REPLY, ROLE_SCHEDD },
		{ MSG_EXITED, ROLE_AGENT },
		{ MSG_START, ROLE_SCHEDD },
	};
	const struct msg_type	*mt;
	struct frame_hdr	 h;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mt = msg_type_get(cases[i].type);
		cr_assert_not_null(mt);
		h = hdr_of(cases[i].type, mt->maxlen, 0);
		accepted(&h, cases[i].from);
		h = hdr_of(cases[i].type, mt->maxlen + 1, 0);
		refused(&h, cases[i].from,
		    "frame longer than its type allows");
		h = hdr_of(cases[i].type, UINT32_MAX, 0);
		refused(&h, cases[i].from,
		    "frame longer than its type allows");
	}
}

Test(frame, maxima_from_table)
{
	/* The figures msg.c promises; a change here is a protocol change. */
	cr_assert_eq(msg_type_get(MSG_HELLO)->maxlen, 4096);
	cr_assert_eq(msg_type_get(MSG_QUERY)->maxlen, 1024 * 1024);
	cr_assert_eq(msg_type_get(MSG_EXITED)->maxlen, 8192);
	cr_assert_eq(msg_type_get(MSG_SUBMIT)->maxlen, 128u * 1024 * 1024);
}

Test(frame, type_names)
{
	cr_assert_str_eq(msg_type_str(MSG_HELLO), "hello");
	cr_assert_str_eq(msg_type_str(MSG_QUERY_REPLY), "query-reply");
	cr_assert_str_eq(msg_type_str(MSG_EXIT_ACK), "exit-ack");
	cr_assert_str_eq(msg_type_str(999), "unknown");
	cr_assert_null(msg_type_get(0));
}
