/*
 * sha256-evp.c: sha256.h over OpenSSL's EVP interface (the daemons).
 */
#include "config.h"

#include <openssl/evp.h>

#include "log.h"
#include "sha256.h"

struct sha256 *
sha256_new(void)
{
	EVP_MD_CTX	*md;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		fatalx("sha256: cannot set up SHA-256");
	return (struct sha256 *)md;
}

void
sha256_update(struct sha256 *s, const void *buf, size_t len)
{
	if (EVP_DigestUpdate((EVP_MD_CTX *)s, buf, len) != 1)
		fatalx("sha256: EVP_DigestUpdate failed");
}

void
sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	unsigned int	len = 0;

	if (EVP_DigestFinal_ex((EVP_MD_CTX *)s, out, &len) != 1 ||
	    len != SHA256_LEN)
		fatalx("sha256: EVP_DigestFinal_ex failed");
	EVP_MD_CTX_free((EVP_MD_CTX *)s);
}

void
sha256_free(struct sha256 *s)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)s);
}

/*
 * One digest: the algorithm fetched and the context made once, not at
 * each call as EVP_Digest() does (a lookup under locks in OpenSSL 3;
 * the scheduler hashes twice per agent's enrollment).
 */
void
sha256_digest(const void *buf, size_t len, uint8_t out[SHA256_LEN])
{
	static EVP_MD_CTX	*md;
	static const EVP_MD	*alg;
	unsigned int		 dl = 0;

	if (alg == NULL) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		alg = EVP_MD_fetch(NULL, "SHA256", NULL);
#endif
		if (alg == NULL)
			alg = EVP_sha256();
	}
	if (md == NULL && (md = EVP_MD_CTX_new()) == NULL)
		fatalx("sha256: cannot set up SHA-256");
	if (EVP_DigestInit_ex(md, alg, NULL) != 1 ||
	    EVP_DigestUpdate(md, buf, len) != 1 ||
	    EVP_DigestFinal_ex(md, out, &dl) != 1 || dl != SHA256_LEN)
		fatalx("sha256: EVP_Digest failed");
}
