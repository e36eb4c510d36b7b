/*
 * tls.c: the TLS contexts of the agent links (OpenSSL 3).  The scheduler
 * makes an ECDSA P-256 key and a self-signed certificate at its first
 * start (STATE_DIR/tls/key.pem mode 0600, cert.pem; each written to a
 * temporary name, fsynced and renamed, the certificate last: a start that
 * finds no cert.pem makes both again) and loads them afterwards, so its
 * fingerprint stays the same across restarts.  An agent's context checks
 * the server certificate inside the handshake: the leaf's SHA-256 over
 * its DER encoding must equal the pinned fingerprint; CA chains, names
 * and validity dates are not looked at.  TLS 1.3 only, no session
 * tickets (every connection is a full handshake, so every one is
 * checked).  Callers: scheduler/agents.c, startd/link.c, common/peer.c
 * (error texts, through the hook tls_server_new and tls_client_new set).
 * The fingerprints' text form is in tls-fp.c, without OpenSSL.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "atomicfile.h"
#include "peer.h"
#include "tls.h"
#include "xmalloc.h"

#define TLS_CERT_DAYS	(100 * 365)	/* the pin is the trust, not dates */
#define TLS_CN		"cq-schedd"

struct tls {
	SSL_CTX		*ctx;
	int		 server;
	uint8_t		 fp[TLS_FP_LEN];	/* ours (server) or the pin */
	uint8_t		 seen[TLS_FP_LEN];	/* client: last handshake */
	int		 have_seen;
};

/* The SHA-256 of X's DER encoding. */
static int
tls_cert_fp(X509 *x, uint8_t fp[TLS_FP_LEN])
{
	unsigned int	len = 0;

	if (X509_digest(x, EVP_sha256(), fp, &len) != 1 || len != TLS_FP_LEN)
		return -1;
	return 0;
}

/* Append OpenSSL error E's reason to BUF ("a; b"). */
static void
tls_reason_add(char *buf, size_t len, unsigned long e)
{
	const char	*r;
	char		 one[256];

	/*
	 * libevent puts SSL_get_error()'s code (SSL_ERROR_SSL, _SYSCALL)
	 * first: no reason, and _SYSCALL alone is a socket error.
	 */
	if (ERR_GET_LIB(e) == 0)
		return;
	if ((r = ERR_reason_error_string(e)) == NULL) {
		ERR_error_string_n(e, one, sizeof one);
		r = one;
	}
	if (buf[0] != '\0')
		strlcat(buf, "; ", len);
	strlcat(buf, r, len);
}

const char *
tls_errors(char *buf, size_t len)
{
	unsigned long	e;

	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0)
		tls_reason_add(buf, len, e);
	return buf;
}

const char *
tls_bev_error(struct bufferevent *bev, char *buf, size_t len)
{
	SSL		*ssl;
	unsigned long	 e;
	char		 reasons[256];

	if ((ssl = bufferevent_openssl_get_ssl(bev)) == NULL)
		return NULL;
	reasons[0] = '\0';
	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		tls_reason_add(reasons, sizeof reasons, e);
	if (reasons[0] == '\0')
		return NULL;
	snprintf(buf, len, "%s%s", SSL_is_init_finished(ssl) ?
	    "TLS error: " : "TLS handshake failed: ", reasons);
	return buf;
}

/* The PEM text of KEY (private) or X (certificate) into PATH. */
static int
tls_write_pem(const char *path, EVP_PKEY *key, X509 *x, mode_t mode)
{
	BIO	*bio;
	char	*data;
	long	 len;
	int	 rc = -1, saved;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if ((key != NULL && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL) != 1) || (x != NULL && PEM_write_bio_X509(bio,
	    x) != 1)) {
		errno = EIO;
		goto out;
	}
	len = BIO_get_mem_data(bio, &data);
	rc = atomicfile_write(path, data, (size_t)len, mode, 0);
	saved = errno;
	/* The private key's text is not left in freed memory. */
	if (key != NULL)
		OPENSSL_cleanse(data, (size_t)len);
	errno = saved;
out:
	BIO_free(bio);
	return rc;
}

/* A new key and self-signed certificate in DIR. */
static int
tls_make(const char *dir, EVP_PKEY **keyp, X509 **xp, char *err,
    size_t errlen)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	X509_NAME	*name;
	BIGNUM		*serial = NULL;
	char		 path[1100], e[256];

	if ((key = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL ||
	    (serial = BN_new()) == NULL) {
		snprintf(err, errlen, "cannot make a key: %s",
		    tls_errors(e, sizeof e));
		goto fail;
	}
	if (X509_set_version(x, 2) != 1 ||
	    BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -24 * 3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), TLS_CERT_DAYS, 0,
	    NULL) == NULL || X509_set_pubkey(x, key) != 1 ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)TLS_CN, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_sign(x, key, EVP_sha256()) == 0) {
		snprintf(err, errlen, "cannot make a certificate: %s",
		    tls_errors(e, sizeof e));
		goto fail;
	}
	/* The key first: the certificate's rename completes the pair. */
	snprintf(path, sizeof path, "%s/key.pem", dir);
	if (tls_write_pem(path, key, NULL, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof path, "%s/cert.pem", dir);
	if (tls_write_pem(path, NULL, x, 0644) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	(void)atomicfile_sync_dir(path);
	BN_free(serial);
	*keyp = key;
	*xp = x;
	return 0;
fail:
	BN_free(serial);
	X509_free(x);
	EVP_PKEY_free(key);
	return -1;
}

/* Load DIR's key and certificate; the key must be its owner's alone. */
static int
tls_load(const char *dir, EVP_PKEY **keyp, X509 **xp, char *err,
    size_t errlen)
{
	struct stat	 sb;
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	FILE		*f;
	char		 path[1100], e[256];

	snprintf(path, sizeof path, "%s/cert.pem", dir);
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		snprintf(err, errlen, "%s: not a PEM certificate: %s", path,
		    tls_errors(e, sizeof e));
		return -1;
	}
	snprintf(path, sizeof path, "%s/key.pem", dir);
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: readable by others (mode %03o); "
		    "it must be mode 0600", path, (unsigned)sb.st_mode & 0777);
		goto fail;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (key == NULL) {
		snprintf(err, errlen, "%s: not a PEM private key: %s", path,
		    tls_errors(e, sizeof e));
		goto fail;
	}
	*keyp = key;
	*xp = x;
	return 0;
fail:
	X509_free(x);
	return -1;
}

static SSL_CTX *
tls_ctx_new(const SSL_METHOD *method)
{
	SSL_CTX	*ctx;

	/* Connection errors of this process's peers get OpenSSL's reasons. */
	peer_set_bev_error(tls_bev_error);
	if ((ctx = SSL_CTX_new(method)) == NULL)
		return NULL;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Frames delimit themselves: a close without close_notify is EOF. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	/*
	 * No read-ahead: records OpenSSL buffered beyond the one asked for
	 * would wait, unseen by libevent, until the socket wakes it again
	 * (tried: a 5,000-job run took 90 s instead of 8).
	 */
	return ctx;
}

struct tls *
tls_server_new(const char *dir, char *err, size_t errlen)
{
	struct tls	*t;
	struct stat	 sb;
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	char		 path[1100], e[256];
	int		 rc;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return NULL;
	}
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof path, "%s/cert.pem", dir);
	if (access(path, F_OK) == 0)
		rc = tls_load(dir, &key, &x, err, errlen);
	else
		rc = tls_make(dir, &key, &x, err, errlen);
	if (rc == -1)
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->server = 1;
	if (tls_cert_fp(x, t->fp) == -1 ||
	    (t->ctx = tls_ctx_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate(t->ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(t->ctx, key) != 1 ||
	    SSL_CTX_check_private_key(t->ctx) != 1) {
		snprintf(err, errlen, "%s: key and certificate unusable: %s",
		    dir, tls_errors(e, sizeof e));
		X509_free(x);
		EVP_PKEY_free(key);
		tls_free(t);
		return NULL;
	}
	/* Agents prove themselves inside the hello, not with certificates. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_num_tickets(t->ctx, 0);
	X509_free(x);
	EVP_PKEY_free(key);
	return t;
}

/*
 * Called for each certificate of the server's chain: only the leaf
 * (depth 0) counts, and only its fingerprint.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL		*ssl;
	struct tls	*t;
	X509		*x;

	if (X509_STORE_CTX_get_error_depth(xs) != 0)
		return 1;
	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (t = SSL_get_app_data(ssl)) == NULL ||
	    (x = X509_STORE_CTX_get_current_cert(xs)) == NULL ||
	    tls_cert_fp(x, t->seen) == -1)
		return 0;
	t->have_seen = 1;
	if (!tls_fp_equal(t->seen, t->fp)) {
		X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}

struct tls *
tls_client_new(const uint8_t pin[TLS_FP_LEN])
{
	struct tls	*t;

	t = xcalloc(1, sizeof *t);
	memcpy(t->fp, pin, TLS_FP_LEN);
	if ((t->ctx = tls_ctx_new(TLS_client_method())) == NULL) {
		free(t);
		return NULL;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, tls_verify_cb);
	return t;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

const uint8_t *
tls_fp(const struct tls *t)
{
	return t->fp;
}

SSL *
tls_ssl_new(struct tls *t)
{
	SSL	*ssl;

	if ((ssl = SSL_new(t->ctx)) == NULL)
		return NULL;
	SSL_set_app_data(ssl, t);
	t->have_seen = 0;
	return ssl;
}

int
tls_seen(const struct tls *t, uint8_t fp[TLS_FP_LEN])
{
	if (!t->have_seen)
		return 0;
	memcpy(fp, t->seen, TLS_FP_LEN);
	return 1;
}

int
tls_peer_ok(struct tls *t, SSL *ssl)
{
	X509	*x;
	uint8_t	 fp[TLS_FP_LEN];

	if (t->server || (x = SSL_get0_peer_certificate(ssl)) == NULL ||
	    tls_cert_fp(x, fp) == -1)
		return 0;
	return tls_fp_equal(fp, t->fp);
}
