/*
 * tls-fp.c: the text form of a certificate fingerprint (see tls-fp.h):
 * plain hex, no OpenSSL, so the command line prints and parses
 * fingerprints without loading libcrypto.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "tls-fp.h"

int
tls_fp_parse(const char *s, uint8_t fp[TLS_FP_LEN], const char **errstr)
{
	size_t	n = 0;
	int	hi, lo;

	if (strncasecmp(s, "SHA256:", 7) == 0)
		s += 7;
	while (*s != '\0') {
		if (n == TLS_FP_LEN) {
			*errstr = "more than 32 bytes (64 hex digits)";
			return -1;
		}
		if (n > 0 && *s == ':')
			s++;
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1])) {
			*errstr = "expected 64 hex digits (a SHA-256 "
			    "fingerprint, from `cq pool fingerprint`)";
			return -1;
		}
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    tolower((unsigned char)s[0]) - 'a' + 10;
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    tolower((unsigned char)s[1]) - 'a' + 10;
		fp[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (n != TLS_FP_LEN) {
		*errstr = "expected 64 hex digits (a SHA-256 fingerprint, "
		    "from `cq pool fingerprint`)";
		return -1;
	}
	return 0;
}

void
tls_fp_format(const uint8_t fp[TLS_FP_LEN], char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < TLS_FP_LEN; i++) {
		out[2 * i] = hex[fp[i] >> 4];
		out[2 * i + 1] = hex[fp[i] & 0xf];
	}
	out[TLS_FP_HEXLEN] = '\0';
}

int
tls_fp_equal(const uint8_t a[TLS_FP_LEN], const uint8_t b[TLS_FP_LEN])
{
	uint8_t	d = 0;
	size_t	i;

	/* Every byte, whatever differs first (no early return). */
	for (i = 0; i < TLS_FP_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}
