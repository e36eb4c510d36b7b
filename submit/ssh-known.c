/*
 * ssh-known.c: the host key check of `cq -H ssh://...` (ssh.c), as
 * OpenSSH does it.  Entries come from ~/.ssh/known_hosts, then
 * /etc/ssh/ssh_known_hosts, read line by line through libssh2 (so one
 * line of a key type libssh2 does not know costs only that line), each
 * remembered with its file and line for the messages; plain and hashed
 * (|1|...) names, comma lists; @revoked lines go into a list of their
 * own that refuses the key; @cert-authority lines are skipped (libssh2
 * checks no certificates).  The name looked up is HOST for port 22 and
 * "[HOST]:PORT" otherwise, never both (libssh2's own port lookup falls
 * back to the plain name, OpenSSH does not).  Before the handshake the
 * key types known for the host are put first in the host key
 * preferences, after it the server's key must match: an unknown host or
 * another key is refused with the SHA256 fingerprint and the file.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "ssh-known.h"
#include "xmalloc.h"

#define SSH_KNOWN_LINE		16384	/* longest known_hosts line */

/* Where each known_hosts entry came from, for the mismatch message. */
struct ssh_known_src {
	struct libssh2_knownhost	*node;
	const char			*file;
	int				 line;
};

struct ssh_known {
	LIBSSH2_SESSION		*s;
	const char		*url;		/* for messages */
	const char		*kname;		/* HOST or [HOST]:PORT */
	LIBSSH2_KNOWNHOSTS	*hosts, *revoked;
	struct ssh_known_src	*src;
	size_t			 nsrc;
	char			 user_file[PATH_MAX];
};

/* Host key algorithms in OpenSSH's order, with their known_hosts type. */
static const struct {
	const char	*method;
	int		 ktype;
} ssh_known_algs[] = {
	{ "ssh-ed25519",		LIBSSH2_KNOWNHOST_KEY_ED25519 },
	{ "ecdsa-sha2-nistp256",	LIBSSH2_KNOWNHOST_KEY_ECDSA_256 },
	{ "ecdsa-sha2-nistp384",	LIBSSH2_KNOWNHOST_KEY_ECDSA_384 },
	{ "ecdsa-sha2-nistp521",	LIBSSH2_KNOWNHOST_KEY_ECDSA_521 },
	{ "ssh-rsa",			LIBSSH2_KNOWNHOST_KEY_SSHRSA },
};
#define SSH_KNOWN_NALGS (sizeof ssh_known_algs / sizeof ssh_known_algs[0])

static const char *
ssh_known_lasterr(LIBSSH2_SESSION *s)
{
	char	*msg = NULL;

	libssh2_session_last_error(s, &msg, NULL, 0);
	return msg != NULL && *msg != '\0' ? msg : "unknown error";
}

/* Add FILE's entries to K (revoked ones aside); a missing file is empty. */
static void
ssh_known_load(struct ssh_known *k, const char *file)
{
	struct libssh2_knownhost	*prev = NULL, *node;
	FILE				*f;
	char				*line;
	const char			*p;
	int				 lineno = 0;

	if ((f = fopen(file, "re")) == NULL)
		return;
	/* The last node before this file's: new ones follow it. */
	if (k->nsrc > 0)
		prev = k->src[k->nsrc - 1].node;
	line = xmalloc(SSH_KNOWN_LINE);
	while (fgets(line, SSH_KNOWN_LINE, f) != NULL) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, "@revoked", 8) == 0 &&
		    (p[8] == ' ' || p[8] == '\t')) {
			libssh2_knownhost_readline(k->revoked, p + 9,
			    strlen(p + 9), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
			continue;
		}
		/* @cert-authority: libssh2 checks no certificates. */
		if (*p == '@')
			continue;
		/* Lines libssh2 cannot read (other key types) are skipped. */
		if (libssh2_knownhost_readline(k->hosts, p, strlen(p),
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
			continue;
		while (libssh2_knownhost_get(k->hosts, &node, prev) == 0) {
			k->src = xreallocarray(k->src, k->nsrc + 1,
			    sizeof *k->src);
			k->src[k->nsrc].node = node;
			k->src[k->nsrc].file = file;
			k->src[k->nsrc].line = lineno;
			k->nsrc++;
			prev = node;
		}
	}
	free(line);
	fclose(f);
}

void
ssh_known_free(struct ssh_known *k)
{
	if (k == NULL)
		return;
	if (k->hosts != NULL)
		libssh2_knownhost_free(k->hosts);
	if (k->revoked != NULL)
		libssh2_knownhost_free(k->revoked);
	free(k->src);
	free(k);
}

struct ssh_known *
ssh_known_new(LIBSSH2_SESSION *s, const char *url, const char *kname,
    const char *home)
{
	struct ssh_known	*k;

	k = xcalloc(1, sizeof *k);
	k->s = s;
	k->url = url;
	k->kname = kname;
	if ((k->hosts = libssh2_knownhost_init(s)) == NULL ||
	    (k->revoked = libssh2_knownhost_init(s)) == NULL) {
		fprintf(stderr, "cq: %s: %s\n", url, ssh_known_lasterr(s));
		ssh_known_free(k);
		return NULL;
	}
	snprintf(k->user_file, sizeof k->user_file, "%s/.ssh/known_hosts",
	    home);
	ssh_known_load(k, k->user_file);
	ssh_known_load(k, "/etc/ssh/ssh_known_hosts");
	return k;
}

/* Ask first for the host key types the files know for this host. */
int
ssh_known_prefs(struct ssh_known *k)
{
	char	known[256] = "", other[256] = "", all[512];
	size_t	i;
	int	rc;

	for (i = 0; i < SSH_KNOWN_NALGS; i++) {
		/* A key that cannot be right: MISMATCH says the type is known. */
		rc = libssh2_knownhost_checkp(k->hosts, k->kname, -1, "x", 1,
		    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
		    ssh_known_algs[i].ktype, NULL);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
			if (known[0] != '\0')
				strlcat(known, ",", sizeof known);
			strlcat(known, ssh_known_algs[i].method, sizeof known);
		} else {
			if (other[0] != '\0')
				strlcat(other, ",", sizeof other);
			strlcat(other, ssh_known_algs[i].method, sizeof other);
		}
	}
	snprintf(all, sizeof all, "%s%s%s", known, known[0] != '\0' &&
	    other[0] != '\0' ? "," : "", other);
	if (libssh2_session_method_pref(k->s, LIBSSH2_METHOD_HOSTKEY,
	    all) != 0) {
		fprintf(stderr, "cq: %s: %s\n", k->url,
		    ssh_known_lasterr(k->s));
		return -1;
	}
	return 0;
}

/* The key's fingerprint as OpenSSH prints it: SHA256:base64, no '='. */
static void
ssh_known_fingerprint(LIBSSH2_SESSION *s, char *buf, size_t len)
{
	const unsigned char	*h;
	unsigned char		 b64[64];
	int			 n;

	if ((h = (const unsigned char *)libssh2_hostkey_hash(s,
	    LIBSSH2_HOSTKEY_HASH_SHA256)) == NULL) {
		snprintf(buf, len, "SHA256:(unavailable)");
		return;
	}
	n = EVP_EncodeBlock(b64, h, 32);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	b64[n] = '\0';
	snprintf(buf, len, "SHA256:%s", b64);
}

static int
ssh_known_ktype(int type, const char **name)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		*name = "RSA";
		return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		*name = "DSA";
		return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		*name = "ECDSA";
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		*name = "ECDSA";
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		*name = "ECDSA";
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		*name = "ED25519";
		return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default:
		*name = "unknown";
		return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* The key the server showed against the files; 0 only on a match. */
int
ssh_known_check(struct ssh_known *k)
{
	struct libssh2_knownhost	*found = NULL;
	const char			*key, *tname, *file = NULL;
	char				 fp[128];
	size_t				 klen, i;
	int				 type, ktype, rc, line = 0;

	if ((key = libssh2_session_hostkey(k->s, &klen, &type)) == NULL) {
		fprintf(stderr, "cq: %s: no host key: %s\n", k->url,
		    ssh_known_lasterr(k->s));
		return -1;
	}
	ktype = ssh_known_ktype(type, &tname);
	ssh_known_fingerprint(k->s, fp, sizeof fp);
	rc = libssh2_knownhost_checkp(k->revoked, k->kname, -1, key, klen,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
	    ktype, NULL);
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
		fprintf(stderr, "cq: %s: the %s host key of %s (%s) is marked "
		    "@revoked in a known_hosts file; refusing to connect\n",
		    k->url, tname, k->kname, fp);
		return -1;
	}
	rc = libssh2_knownhost_checkp(k->hosts, k->kname, -1, key, klen,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
	    ktype, &found);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		for (i = 0; i < k->nsrc; i++)
			if (k->src[i].node == found) {
				file = k->src[i].file;
				line = k->src[i].line;
			}
		if (file == NULL) {
			file = k->user_file;
			line = 0;
		}
		fprintf(stderr, "cq: %s: HOST KEY MISMATCH: %s presented the "
		    "%s key %s, which is not the key recorded for it at "
		    "%s:%d; refusing to connect (someone may be "
		    "intercepting; if the host's key really changed, fix "
		    "that line)\n", k->url, k->kname, tname, fp, file,
		    line);
		return -1;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		fprintf(stderr, "cq: %s: unknown host key: %s is not in %s "
		    "(its %s key fingerprint is %s); check the fingerprint "
		    "with the host's administrator and add the key there "
		    "(ssh-keyscan, or one interactive ssh login)\n", k->url,
		    k->kname, k->user_file, tname, fp);
		return -1;
	default:
		fprintf(stderr, "cq: %s: checking the host key: %s\n",
		    k->url, ssh_known_lasterr(k->s));
		return -1;
	}
}

