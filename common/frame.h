/*
 * frame.h: the wire frame.  A frame is a 12-byte header in network byte
 * order (payload length u32, message type u16, protocol version u8, flags
 * u8, request id u32) followed by the payload.
 */
#ifndef CQ_FRAME_H
#define CQ_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR_LEN	12
#define FRAME_VERSION	1

/* flags */
#define FRAME_F_RAW	0x01	/* payload is raw bytes, not JSON */
#define FRAME_F_FD	0x02	/* a descriptor travels with it (fdpeer.c
				   only: the agent's socketpair) */

struct frame_hdr {
	uint32_t	len;
	uint16_t	type;
	uint8_t		version;
	uint8_t		flags;
	uint32_t	reqid;
};

/* Write HDR into the 12 bytes at BUF. */
void	frame_hdr_encode(const struct frame_hdr *hdr, uint8_t *buf);
/* Read a header from the 12 bytes at BUF (no checks). */
void	frame_hdr_decode(const uint8_t *buf, struct frame_hdr *hdr);
/*
 * Check a decoded header: the version, the type (known to msg and allowed
 * from a peer of role FROM), the flags and the length against the type's
 * maximum.  Returns 0, or -1 with ERRSTR set.
 */
int	frame_hdr_check(const struct frame_hdr *hdr, int from,
	    const char **errstr);

#endif
