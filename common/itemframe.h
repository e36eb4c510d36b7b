/*
 * itemframe.h: the items of a late materialization on the wire.  `cq
 * submit` sends them before its factory's submit, on the same
 * connection, as raw frames (MSG_SUBMIT_ITEMS) of whole item lines, each
 * ended by a newline: the scheduler checks and stores a frame at a time
 * and builds no JSON for a million items (docs/protocol.md).
 */
#ifndef CQ_ITEMFRAME_H
#define CQ_ITEMFRAME_H

#include <stddef.h>

/* A frame's payload at most (msg.c's maximum of MSG_SUBMIT_ITEMS). */
#define ITEMFRAME_MAX		(256u * 1024)
/* One item at most: a frame holds it and its newline. */
#define ITEMFRAME_MAX_ITEM	(ITEMFRAME_MAX - 1)
/* The items of one submit at most, in bytes with their newlines. */
#define ITEMFRAME_MAX_TOTAL	(64u * 1024 * 1024)

/*
 * Check the LEN bytes at BUF as an item frame: at least one line, each
 * ended by a newline, UTF-8 with no NUL.  0 with *N its items, or -1
 * with ERRSTR.
 */
int	itemframe_check(const char *buf, size_t len, size_t *n,
	    const char **errstr);
/*
 * Fill BUF (CAP bytes) with the items V[*I], V[*I + 1], ... of the N at
 * V, each and its newline whole, and move *I past them.  The bytes
 * written; 0 when V[*I] alone does not fit (or *I is N).
 */
size_t	itemframe_pack(char *const *v, size_t n, size_t *i, char *buf,
	    size_t cap);

#endif
