/*
 * cred.h: the text of the pool's secrets, shared by the scheduler (which
 * issues and checks them), the agent (which keeps and presents them) and
 * cq (which prints them).  Three kinds:
 *   cqt1.ID.SECRET   a pool token (cq pool token): enrolls agents
 *   cqa1.ID.SECRET   an agent credential, issued at enrollment
 *   cqr1.SECRET      a credential request key an agent makes itself
 * ID is 8 lowercase hex digits (the row the scheduler keeps), SECRET 64
 * (256 random bits).  The scheduler stores only SHA-256 of the SECRET.
 */
#ifndef CQ_CRED_H
#define CQ_CRED_H

#include <stddef.h>

#define CRED_ID_LEN	8		/* hex digits */
#define CRED_SECRET_LEN	64		/* hex digits: 256 bits */
#define CRED_HASH_LEN	32		/* SHA-256 */
#define CRED_TEXT_MAX	96		/* the text with its NUL */

enum cred_kind {
	CRED_TOKEN,
	CRED_AGENT,
	CRED_REQUEST
};

struct cred {
	enum cred_kind	 kind;
	char		 id[CRED_ID_LEN + 1];	/* "" for a request */
	char		 secret[CRED_SECRET_LEN + 1];
};

/* "token", "agent credential", "request key". */
const char	*cred_kind_str(enum cred_kind);
/* Parse text S (strictly: no spaces, lowercase hex); 0 or -1 with ERRSTR. */
int		 cred_parse(const char *s, struct cred *, const char **errstr);
/* A fresh random secret (and id) of KIND. */
void		 cred_new(enum cred_kind, struct cred *);
/* The text form into BUF (at least CRED_TEXT_MAX bytes). */
void		 cred_format(const struct cred *, char *buf, size_t len);
/* SHA-256 of the secret into OUT; 0 or -1. */
int		 cred_hash(const struct cred *, unsigned char *out);
/* Compare two hashes in constant time: 1 if equal. */
int		 cred_hash_eq(const unsigned char *, const unsigned char *);
/* 1 if S is an id: CRED_ID_LEN lowercase hex digits. */
int		 cred_id_ok(const char *s);

#endif
