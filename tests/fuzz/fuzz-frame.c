/*
 * fuzz-frame.c: libFuzzer target of the frame header (common/frame.c)
 * against the message table (common/msg.c).  The input is read as a
 * stream of frames, as a peer's socket would deliver it: a 12-byte
 * header, then min(length, what is left) payload bytes, and so on.  Each
 * header is decoded, encoded again (the 12 bytes must come back
 * unchanged) and checked for every role mask; a JSON payload of an
 * accepted header goes through msg_decode() as peer.c would pass it.
 * Assertions, beyond no crash, leak or sanitizer report:
 *   - encode(decode(x)) == x for the header bytes;
 *   - a header passes for a mask iff it passes for one of the mask's
 *     roles (mask 0 never passes), and what passes has the protocol
 *     version, a known type that role may send, only known flags, the
 *     payload kind of its type and a length within its type's maximum;
 *   - a refusal says why; a payload that decodes gives an object.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "frame.h"
#include "msg.h"

#define FUZZ_MAX_FRAMES	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_payload(const struct frame_hdr *h, const uint8_t *p, size_t n)
{
	struct json_object	*o = NULL;
	const char		*errstr = NULL;

	if (h->flags & FRAME_F_RAW)
		return;		/* raw bytes: nothing to parse */
	if (msg_decode(h->type, p, n, &o, &errstr) == 0) {
		if (o == NULL || !json_object_is_type(o, json_type_object))
			abort();
		json_object_put(o);
	} else if (o != NULL || errstr == NULL || *errstr == '\0')
		abort();
}

/* Check H for every role mask; the roles it passes for, or -1. */
static int
fuzz_check(const struct frame_hdr *h)
{
	const struct msg_type	*mt;
	const char		*errstr;
	int			 mask, ok[8], any, bit;

	for (mask = 0; mask < 8; mask++) {
		errstr = NULL;
		ok[mask] = frame_hdr_check(h, mask, &errstr) == 0;
		if (!ok[mask] && (errstr == NULL || *errstr == '\0'))
			abort();	/* a refusal says why */
	}
	if (ok[0])
		abort();		/* nobody: never allowed */
	for (mask = 1; mask < 8; mask++) {
		any = 0;
		for (bit = 1; bit < 8; bit <<= 1)
			if ((mask & bit) && ok[bit])
				any = 1;
		if (ok[mask] != any)
			abort();	/* a mask is the union of its roles */
	}
	if (!ok[ROLE_ANY])
		return -1;
	if (h->version != FRAME_VERSION ||
	    (mt = msg_type_get(h->type)) == NULL || mt->type != h->type ||
	    (h->flags & ~FRAME_F_RAW) != 0 ||
	    ((h->flags & FRAME_F_RAW) != 0) != (mt->members == NULL) ||
	    h->len > mt->maxlen)
		abort();
	for (bit = 1; bit < 8; bit <<= 1)
		if (ok[bit] != ((mt->from & bit) != 0))
			abort();	/* exactly the roles of the table */
	if (strcmp(msg_type_str(h->type), mt->name) != 0)
		abort();
	return mt->from;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct frame_hdr	 h;
	uint8_t			 again[FRAME_HDR_LEN];
	size_t			 n;
	int			 frames = 0;

	while (len >= FRAME_HDR_LEN && frames++ < FUZZ_MAX_FRAMES) {
		memset(&h, 0xa5, sizeof h);
		frame_hdr_decode(data, &h);
		frame_hdr_encode(&h, again);
		if (memcmp(again, data, FRAME_HDR_LEN) != 0)
			abort();	/* encode(decode(x)) == x */
		data += FRAME_HDR_LEN;
		len -= FRAME_HDR_LEN;
		n = h.len < len ? h.len : len;
		if (fuzz_check(&h) == -1) {
			/* A refused header ends the connection. */
			if (msg_type_get(h.type) == NULL &&
			    strcmp(msg_type_str(h.type), "unknown") != 0)
				abort();
			return 0;
		}
		if (n == h.len)
			fuzz_payload(&h, data, n);
		data += n;
		len -= n;
	}
	return 0;
}
