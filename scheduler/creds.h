/*
 * creds.h: the pool's credentials on the scheduler's side: what an
 * agent's hello proves (an agent credential, a pool token, or a
 * credential request), issuing, revoking and forgetting, approvals and
 * auto-approve blocks, and the count of failed proofs per address
 * (throttle.c).  docs/credentials.md tells the administrator's side.
 */
#ifndef CQ_CREDS_H
#define CQ_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "cred.h"

struct cfg;

#define CREDS_MAX_PENDING	256	/* pending requests kept */
#define CREDS_MAX_PENDING_FROM	16	/* of them from one address */
#define CREDS_TOKEN_LIFETIME_MS	(24LL * 3600 * 1000)	/* default */
#define CREDS_AUTO_LIFETIME_MS	(3600LL * 1000)	/* default rule */
#define CREDS_MAX_LIFETIME_MS	(3650LL * 24 * 3600 * 1000)

/* What an agent's hello proved. */
struct creds_result {
	int	 ok;			/* 1: the agent may register */
	int	 failed;		/* a failed proof: counted, delayed */
	int64_t	 delay_ms;		/* wait this long before the error */
	char	 cred_id[CRED_ID_LEN + 1];	/* the credential it holds */
	char	 issued[CRED_TEXT_MAX];	/* a new credential to send, or "" */
	char	 error[256];		/* the reply when not ok */
};

/* -n and start-up: the auto_approve key's blocks, "file:line: why". */
int	creds_check_config(const struct cfg *, char *err, size_t errlen);
/* Read the configuration; -1 on a bad one (logged). */
int	creds_init(void);
void	creds_shutdown(void);
/* The ms left of ADDR's block for failed proofs, 0 if none. */
int64_t	creds_blocked(const char *addr);
/*
 * Judge the hello of agent NAME (checked) from ADDR: at most one of
 * CREDENTIAL, TOKEN, REQUEST is used, in that order.  Store changes join
 * the loop turn's commit (the caller answers after it).
 */
void	creds_hello(const char *addr, const char *name,
	    const char *credential, const char *token, const char *request,
	    struct creds_result *);

/* Write the pool tokens' enrollments of this turn (uses, last seen) to
 * the store: at the turn's commit, and before a list of the tokens. */
void	creds_flush(void);

/* Administrators' actions (ctl-admin.c); BY names who, for the record.
 * Each returns 0, or -1 with ERR filled. */
int	creds_token_new(const char *machine, int64_t lifetime_ms,
	    const char *by, char *text, size_t textlen, char *err,
	    size_t errlen);
int	creds_revoke(const char *id, char *err, size_t errlen);
int	creds_forget(const char *name, char *freed_id, size_t idlen,
	    char *err, size_t errlen);
int	creds_approve(const char *number, const char *by, char *name,
	    size_t namelen, char *err, size_t errlen);
int	creds_auto_approve(const char *netblock, int64_t lifetime_ms,
	    const char *by, char *norm, size_t normlen, char *err,
	    size_t errlen);
/* The configured auto-approve blocks and whether the window is open. */
size_t	creds_config_blocks(char (*text)[64], size_t max,
	    int64_t *window_left_ms);

#endif
