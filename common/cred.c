/*
 * cred.c: the text form of tokens, agent credentials and request keys
 * (see cred.h), their random making and their hash.  Parsing is strict:
 * the exact prefix, lowercase hex of the exact lengths, nothing else, so
 * a credential has one spelling and its id can be looked up as is.
 * Randomness comes from arc4random_buf (libbsd: the kernel's getrandom).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cred.h"
#include "sha256.h"

static const struct {
	const char	*prefix;
	int		 has_id;
} cred_forms[] = {
	[CRED_TOKEN] = { "cqt1.", 1 },
	[CRED_AGENT] = { "cqa1.", 1 },
	[CRED_REQUEST] = { "cqr1.", 0 },
};

const char *
cred_kind_str(enum cred_kind k)
{
	switch (k) {
	case CRED_TOKEN:
		return "token";
	case CRED_AGENT:
		return "agent credential";
	case CRED_REQUEST:
		return "request key";
	}
	return "unknown";
}

/* 1 if the LEN bytes at S are lowercase hex digits. */
static int
cred_hex(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
cred_id_ok(const char *s)
{
	return strlen(s) == CRED_ID_LEN && cred_hex(s, CRED_ID_LEN);
}

int
cred_parse(const char *s, struct cred *c, const char **errstr)
{
	size_t	i, plen, n = strlen(s);

	memset(c, 0, sizeof *c);
	for (i = 0; i < sizeof cred_forms / sizeof cred_forms[0]; i++) {
		plen = strlen(cred_forms[i].prefix);
		if (strncmp(s, cred_forms[i].prefix, plen) == 0)
			break;
	}
	if (i == sizeof cred_forms / sizeof cred_forms[0]) {
		*errstr = "not a cq credential (cqt1., cqa1. or cqr1.)";
		return -1;
	}
	c->kind = (enum cred_kind)i;
	s += plen;
	n -= plen;
	if (cred_forms[i].has_id) {
		if (n < CRED_ID_LEN + 1 || s[CRED_ID_LEN] != '.' ||
		    !cred_hex(s, CRED_ID_LEN)) {
			*errstr = "bad credential id";
			return -1;
		}
		memcpy(c->id, s, CRED_ID_LEN);
		s += CRED_ID_LEN + 1;
		n -= CRED_ID_LEN + 1;
	}
	if (n != CRED_SECRET_LEN || !cred_hex(s, n)) {
		*errstr = "bad credential secret";
		memset(c, 0, sizeof *c);
		return -1;
	}
	memcpy(c->secret, s, CRED_SECRET_LEN);
	return 0;
}

/* LEN hex digits of the random bytes at B (LEN / 2 of them) into OUT. */
static void
cred_hex_of(char *out, const unsigned char *b, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++)
		out[i] = digits[(b[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[len] = '\0';
}

void
cred_new(enum cred_kind k, struct cred *c)
{
	/* One draw for the id and the secret (each draw asks getpid()). */
	unsigned char	b[(CRED_ID_LEN + CRED_SECRET_LEN) / 2];

	memset(c, 0, sizeof *c);
	c->kind = k;
	arc4random_buf(b, sizeof b);
	if (cred_forms[k].has_id)
		cred_hex_of(c->id, b + CRED_SECRET_LEN / 2, CRED_ID_LEN);
	cred_hex_of(c->secret, b, CRED_SECRET_LEN);
	explicit_bzero(b, sizeof b);
}

void
cred_format(const struct cred *c, char *buf, size_t len)
{
	if (cred_forms[c->kind].has_id)
		snprintf(buf, len, "%s%s.%s", cred_forms[c->kind].prefix,
		    c->id, c->secret);
	else
		snprintf(buf, len, "%s%s", cred_forms[c->kind].prefix,
		    c->secret);
}

int
cred_hash(const struct cred *c, unsigned char *out)
{
	sha256_digest(c->secret, strlen(c->secret), out);
	return 0;
}

int
cred_hash_eq(const unsigned char *a, const unsigned char *b)
{
	unsigned char	d = 0;
	size_t		i;

	/* Every byte, whatever differs first (no early return). */
	for (i = 0; i < CRED_HASH_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}
