/*
 * test_sha256.c: common/sha256.h against FIPS 180-2's examples, at once
 * and fed in uneven pieces.  Built twice: test_sha256_evp links the
 * daemons' implementation (OpenSSL), test_sha256_md the command line's
 * (libmd), so both give the digests the wire and the spool hold.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "sha256.h"
#include "xmalloc.h"

static const struct {
	const char	*text;
	const char	*hex;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void
hex(const uint8_t d[SHA256_LEN], char out[2 * SHA256_LEN + 1])
{
	int	i;

	for (i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

Test(sha256, vectors_at_once)
{
	uint8_t	d[SHA256_LEN];
	char	h[2 * SHA256_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		sha256_digest(vectors[i].text, strlen(vectors[i].text), d);
		hex(d, h);
		cr_assert_str_eq(h, vectors[i].hex, "\"%s\"", vectors[i].text);
	}
}

Test(sha256, vectors_in_pieces)
{
	struct sha256	*s;
	uint8_t		 d[SHA256_LEN];
	char		 h[2 * SHA256_LEN + 1];
	const char	*t;
	size_t		 i, n, step;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		t = vectors[i].text;
		s = sha256_new();
		for (n = 0, step = 1; n < strlen(t); n += step, step += 2)
			sha256_update(s, t + n, strlen(t) - n < step ?
			    strlen(t) - n : step);
		sha256_final(s, d);
		hex(d, h);
		cr_assert_str_eq(h, vectors[i].hex, "\"%s\"", t);
	}
}

/* A million 'a', in blocks that straddle the 64-byte boundary. */
Test(sha256, million_a)
{
	struct sha256	*s;
	uint8_t		 d[SHA256_LEN];
	char		 h[2 * SHA256_LEN + 1], *buf;
	size_t		 n;

	buf = xmalloc(1000);
	memset(buf, 'a', 1000);
	s = sha256_new();
	for (n = 0; n < 1000; n++)
		sha256_update(s, buf, 1000);
	sha256_final(s, d);
	hex(d, h);
	cr_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	/* A context dropped half way frees cleanly. */
	s = sha256_new();
	sha256_update(s, buf, 10);
	sha256_free(s);
	sha256_free(NULL);
	free(buf);
}
