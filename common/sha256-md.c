/*
 * sha256-md.c: sha256.h over libmd (the command line: no libcrypto).
 */
#include "config.h"

#include <sys/types.h>

#include <stdlib.h>

#include <sha2.h>

#include "sha256.h"
#include "xmalloc.h"

struct sha256 {
	SHA2_CTX	 ctx;
};

struct sha256 *
sha256_new(void)
{
	struct sha256	*s;

	s = xmalloc(sizeof *s);
	SHA256Init(&s->ctx);
	return s;
}

void
sha256_update(struct sha256 *s, const void *buf, size_t len)
{
	SHA256Update(&s->ctx, buf, len);
}

void
sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	SHA256Final(out, &s->ctx);
	free(s);
}

void
sha256_free(struct sha256 *s)
{
	free(s);
}

void
sha256_digest(const void *buf, size_t len, uint8_t out[SHA256_LEN])
{
	SHA2_CTX	ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, buf, len);
	SHA256Final(out, &ctx);
}
