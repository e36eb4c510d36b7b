/*
 * frame.c: encoding and checking of the frame header.  Every length is
 * checked against its message type's maximum here, before anybody
 * allocates for the payload.  Pure functions over bytes: peer.c (daemons)
 * and client.c (the blocking command line) both sit on top.
 */
#include "config.h"

#include <string.h>

#include "frame.h"
#include "msg.h"

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
frame_hdr_encode(const struct frame_hdr *hdr, uint8_t *buf)
{
	put32(buf, hdr->len);
	buf[4] = hdr->type >> 8;
	buf[5] = hdr->type & 0xff;
	buf[6] = hdr->version;
	buf[7] = hdr->flags;
	put32(buf + 8, hdr->reqid);
}

void
frame_hdr_decode(const uint8_t *buf, struct frame_hdr *hdr)
{
	hdr->len = get32(buf);
	hdr->type = (uint16_t)(buf[4] << 8 | buf[5]);
	hdr->version = buf[6];
	hdr->flags = buf[7];
	hdr->reqid = get32(buf + 8);
}

int
frame_hdr_check(const struct frame_hdr *hdr, int from, const char **errstr)
{
	const struct msg_type	*mt;

	if (hdr->version != FRAME_VERSION) {
		*errstr = "unsupported protocol version";
		return -1;
	}
	if ((mt = msg_type_get(hdr->type)) == NULL) {
		*errstr = "unknown message type";
		return -1;
	}
	if ((mt->from & from) == 0) {
		*errstr = "message type not allowed from this peer";
		return -1;
	}
	if (hdr->flags & ~FRAME_F_RAW) {
		*errstr = "unknown frame flags";
		return -1;
	}
	if (((hdr->flags & FRAME_F_RAW) != 0) != (mt->members == NULL)) {
		*errstr = "payload kind does not match message type";
		return -1;
	}
	if (hdr->len > mt->maxlen) {
		*errstr = "frame longer than its type allows";
		return -1;
	}
	return 0;
}
