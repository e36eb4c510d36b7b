/*
 * tls-fp.h: a TLS certificate's fingerprint (the SHA-256 of its DER
 * encoding) as bytes and as text.  Pure C: the command line uses it
 * without linking OpenSSL (tls.h has the rest).
 */
#ifndef CQ_TLS_FP_H
#define CQ_TLS_FP_H

#include <stdint.h>

#define TLS_FP_LEN	32		/* SHA-256 */
#define TLS_FP_HEXLEN	(2 * TLS_FP_LEN)

/*
 * Parse a fingerprint: 64 hex digits in either case, optionally split by
 * ':' between bytes, optionally after "SHA256:".  0, or -1 with ERRSTR.
 */
int		 tls_fp_parse(const char *s, uint8_t fp[TLS_FP_LEN],
		    const char **errstr);
/* FP as 64 lowercase hex digits; OUT has TLS_FP_HEXLEN + 1 bytes. */
void		 tls_fp_format(const uint8_t fp[TLS_FP_LEN], char *out);
/* 1 if A and B are the same fingerprint (constant time), else 0. */
int		 tls_fp_equal(const uint8_t a[TLS_FP_LEN],
		    const uint8_t b[TLS_FP_LEN]);

#endif
