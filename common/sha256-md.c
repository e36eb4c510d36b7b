/*
 * sha256-md.c: sha256.h for the command line, which links no libcrypto
 * (its relocation alone doubled the start of every `cq`: docs/deps.md).
 * A digest of a short text uses libmd.  A stream (a file the client
 * uploads, possibly gigabytes) uses libcrypto's SHA-256 all the same,
 * loaded with dlopen() at its first use: it takes the CPU's SHA
 * instructions, 430-630 MB/s here against libmd's 40-80 MB/s.  Without
 * libcrypto, libmd does the stream too.
 */
#include "config.h"

#include <sys/types.h>

#include <dlfcn.h>
#include <stdlib.h>

#include <sha2.h>

#include "sha256.h"
#include "xmalloc.h"

#define SHA256_LIBCRYPTO	"libcrypto.so.3"

/* The few libcrypto calls a digest needs, as loaded (NULL: not there). */
static struct {
	int	  tried;
	void	*(*ctx_new)(void);
	void	 (*ctx_free)(void *);
	const void *(*sha256)(void);
	int	 (*init)(void *, const void *, void *);
	int	 (*update)(void *, const void *, size_t);
	int	 (*final)(void *, unsigned char *, unsigned int *);
} evp;

struct sha256 {
	void		*evp;		/* an EVP_MD_CTX, or NULL: libmd */
	SHA2_CTX	 ctx;
};

static void
sha256_load(void)
{
	void	*h;

	evp.tried = 1;
	if ((h = dlopen(SHA256_LIBCRYPTO, RTLD_LAZY | RTLD_LOCAL)) == NULL)
		return;
	*(void **)&evp.ctx_new = dlsym(h, "EVP_MD_CTX_new");
	*(void **)&evp.ctx_free = dlsym(h, "EVP_MD_CTX_free");
	*(void **)&evp.sha256 = dlsym(h, "EVP_sha256");
	*(void **)&evp.init = dlsym(h, "EVP_DigestInit_ex");
	*(void **)&evp.update = dlsym(h, "EVP_DigestUpdate");
	*(void **)&evp.final = dlsym(h, "EVP_DigestFinal_ex");
	if (evp.ctx_new == NULL || evp.ctx_free == NULL ||
	    evp.sha256 == NULL || evp.init == NULL || evp.update == NULL ||
	    evp.final == NULL) {
		evp.ctx_new = NULL;	/* libmd, then */
		dlclose(h);
	}
}

struct sha256 *
sha256_new(void)
{
	struct sha256	*s;

	s = xcalloc(1, sizeof *s);
	if (!evp.tried)
		sha256_load();
	if (evp.ctx_new != NULL && (s->evp = evp.ctx_new()) != NULL &&
	    evp.init(s->evp, evp.sha256(), NULL) != 1) {
		evp.ctx_free(s->evp);
		s->evp = NULL;
	}
	if (s->evp == NULL)
		SHA256Init(&s->ctx);
	return s;
}

void
sha256_update(struct sha256 *s, const void *buf, size_t len)
{
	if (s->evp != NULL)
		(void)evp.update(s->evp, buf, len);
	else
		SHA256Update(&s->ctx, buf, len);
}

void
sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	unsigned int	n;

	if (s->evp != NULL) {
		(void)evp.final(s->evp, out, &n);
		evp.ctx_free(s->evp);
	} else
		SHA256Final(out, &s->ctx);
	free(s);
}

void
sha256_free(struct sha256 *s)
{
	if (s == NULL)
		return;
	if (s->evp != NULL)
		evp.ctx_free(s->evp);
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
