/*
 * sha256.h: SHA-256 for file transfers and credentials.  One interface,
 * two implementations picked when a program is linked: sha256-evp.c
 * (OpenSSL, which uses the CPU's SHA instructions: the daemons, which
 * load OpenSSL for TLS anyway) and sha256-md.c (libmd, plain C and about
 * a tenth as fast: the command line, which then starts without loading
 * libcrypto; docs/deps.md has the figures).  Same digests either way.
 */
#ifndef CQ_SHA256_H
#define CQ_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32

struct sha256;

/* A new digest in progress (aborts on failure, like xmalloc). */
struct sha256	*sha256_new(void);
void		 sha256_update(struct sha256 *, const void *buf, size_t len);
/* The digest of everything given into OUT; frees the context. */
void		 sha256_final(struct sha256 *, uint8_t out[SHA256_LEN]);
/* Drop a digest in progress; NULL is accepted. */
void		 sha256_free(struct sha256 *);
/* The digest of LEN bytes at BUF into OUT, at once. */
void		 sha256_digest(const void *buf, size_t len,
		    uint8_t out[SHA256_LEN]);

#endif
