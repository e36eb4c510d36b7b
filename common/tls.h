/*
 * tls.h: TLS for the agent <-> scheduler links (OpenSSL 3, TLS 1.3 only).
 * The scheduler holds a self-signed certificate made at its first start;
 * an agent trusts exactly the certificate whose SHA-256 fingerprint (of
 * its DER encoding) it was given, and no CA at all.
 */
#ifndef CQ_TLS_H
#define CQ_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "tls-fp.h"

struct bufferevent;
struct ssl_st;
struct tls;

/*
 * The scheduler's side: load DIR/key.pem and DIR/cert.pem, or make them
 * (ECDSA P-256, self-signed, CN cq-schedd) if DIR holds no certificate
 * yet; DIR is created mode 0700.  NULL with ERR filled on failure.
 */
struct tls	*tls_server_new(const char *dir, char *err, size_t errlen);
/* The agent's side: accept exactly the certificate with fingerprint PIN. */
struct tls	*tls_client_new(const uint8_t pin[TLS_FP_LEN]);
void		 tls_free(struct tls *);
/* The server's own certificate fingerprint (borrowed). */
const uint8_t	*tls_fp(const struct tls *);
/* A new connection object (owned by the caller or its bufferevent). */
struct ssl_st	*tls_ssl_new(struct tls *);
/*
 * The client's last handshake: 1 and FP filled if the server showed a
 * certificate, 0 if it showed none (yet).
 */
int		 tls_seen(const struct tls *, uint8_t fp[TLS_FP_LEN]);
/* 1 if SSL's peer certificate is the pinned one (a client's), else 0. */
int		 tls_peer_ok(struct tls *, struct ssl_st *);

/* Drain OpenSSL's error queue into BUF as "reason; reason" (or ""). */
const char	*tls_errors(char *buf, size_t len);
/*
 * Why the TLS bufferevent BEV failed, from OpenSSL's reasons: "TLS
 * handshake failed: ..." or "TLS error: ..."; NULL if BEV is not a TLS
 * bufferevent or OpenSSL gave no reason (a socket error).
 */
const char	*tls_bev_error(struct bufferevent *bev, char *buf,
		    size_t len);
/*
 * tls_server_new and tls_client_new install tls_bev_error as peer.c's
 * hook (peer_set_bev_error), so peer.c itself links no OpenSSL.
 */

#endif
