/*
 * creds.c: what an agent's hello proves, and the administrator's verbs on
 * the pool's credentials (docs/credentials.md).  Everything durable is in
 * the store (creds, cred_requests, auto_approve); only hashes of secrets
 * are kept.  A hello proves one of:
 *   - an agent credential (cqa1.): its row, its secret, not revoked nor
 *     expired, and bound to the name the hello gives;
 *   - a pool token (cqt1.): valid, and the name is free (or the token is
 *     bound to it and it is free): an agent credential is issued, bound
 *     to the name;
 *   - a credential request (cqr1.): recorded as pending, granted once an
 *     administrator approves it or at once from an auto-approve block
 *     (the configured ones during their window after start-up, the
 *     run-time ones until they expire).
 * A name bound to a credential belongs to it: no token or request takes
 * it, except that an auto-approve block may give a new credential to a
 * name whose credential came from auto-approval itself and whose agent
 * is not connected (a netbooted desktop that rebooted and lost its
 * secret with its RAM disk; while that agent is connected, the request
 * is told to wait, not counted as a failure).  Failed proofs are logged with their
 * address and reason and counted there (throttle.c): the answer waits,
 * and an address that keeps failing is refused for a while.  Requests
 * are not proofs and are not counted; their number is capped (in all and
 * per address), and a request past a cap counts as a failure.
 * Called by agents.c (hello) and ctl-admin.c.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "cfg.h"
#include "cidr.h"
#include "clock.h"
#include "commit.h"
#include "cred.h"
#include "creds.h"
#include "log.h"
#include "schedd.h"
#include "store.h"
#include "throttle.h"

static struct cidr	 creds_blocks[CIDR_LIST_MAX];
static size_t		 creds_nblocks;
static int64_t		 creds_window_ms;
static struct throttle	*creds_throttle;

/*
 * The pool tokens that enrolled agents in this loop turn: each token's
 * row (uses, last seen, from where) is written once, just before the
 * turn's commit (commit_before), in the transaction of the credentials
 * it issued, not once per enrollment.
 */
#define CREDS_USES_MAX	16
static struct creds_use {
	char	 id[CRED_ID_LEN + 1];
	int	 uses;
	int64_t	 last;
	char	 source[64];
}			 creds_uses[CREDS_USES_MAX];
static size_t		 creds_nuses;

/*
 * The pool token that enrolled agents in this turn, as the store holds it
 * (a thousand agents of one token in a turn read its row once): forgotten
 * at the turn's commit and by every administrator's action here, so a
 * revoked token is seen revoked at the next enrollment as before.
 */
static struct store_cred creds_tok;
static int		 creds_tok_ok;

int
creds_check_config(const struct cfg *cfg, char *err, size_t errlen)
{
	struct cidr	 v[CIDR_LIST_MAX];
	char		 bad[CIDR_TEXT_MAX];
	const char	*s = cfg_str(cfg, "auto_approve"), *errstr;
	size_t		 n;

	if (*s == '\0')
		return 0;
	if (cidr_list_parse(s, v, CIDR_LIST_MAX, &n, bad, sizeof bad,
	    &errstr) == -1) {
		snprintf(err, errlen, "%s: auto_approve: %s%s%s%s",
		    cfg_origin(cfg, "auto_approve"), bad[0] != '\0' ? "\"" :
		    "", bad, bad[0] != '\0' ? "\": " : "", errstr);
		return -1;
	}
	return 0;
}

/* The pool token ID into C as the store holds it: 1, 0 unknown, -1. */
static int
creds_token_get(const char *id, struct store_cred *c)
{
	int	rc;

	if (creds_tok_ok && strcmp(creds_tok.id, id) == 0) {
		*c = creds_tok;
		return 1;
	}
	if ((rc = store_cred_get(sd->store, id, c)) == 1 &&
	    strcmp(c->kind, "token") == 0) {
		creds_tok = *c;
		creds_tok_ok = 1;
	}
	return rc;
}

void
creds_flush(void)
{
	struct creds_use	*u;
	size_t			 i;

	creds_tok_ok = 0;

	for (i = 0; i < creds_nuses; i++) {
		u = &creds_uses[i];
		if (store_cred_seen(sd->store, u->id, u->last, u->source,
		    u->uses) == -1)
			log_warnx("pool token %s: %d enrollments could not be "
			    "counted", u->id, u->uses);
	}
	creds_nuses = 0;
}

/* Token ID enrolled an agent from ADDR at NOW: counted at the commit. */
static void
creds_use(const char *id, int64_t now, const char *addr)
{
	struct creds_use	*u;
	size_t			 i;

	for (i = 0; i < creds_nuses; i++)
		if (strcmp(creds_uses[i].id, id) == 0)
			break;
	if (i == creds_nuses) {
		if (creds_nuses == CREDS_USES_MAX)
			creds_flush();
		i = creds_nuses++;
		strlcpy(creds_uses[i].id, id, sizeof creds_uses[i].id);
		creds_uses[i].uses = 0;
	}
	u = &creds_uses[i];
	u->uses++;
	u->last = now;
	strlcpy(u->source, addr, sizeof u->source);
}

int
creds_init(void)
{
	char		 err[512], text[CIDR_TEXT_MAX];
	const char	*errstr;
	size_t		 i;

	if (creds_check_config(sd->cfg, err, sizeof err) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	creds_nblocks = 0;
	if (*cfg_str(sd->cfg, "auto_approve") != '\0')
		(void)cidr_list_parse(cfg_str(sd->cfg, "auto_approve"),
		    creds_blocks, CIDR_LIST_MAX, &creds_nblocks, NULL, 0,
		    &errstr);
	creds_window_ms = cfg_ms(sd->cfg, "auto_approve_window");
	for (i = 0; i < creds_nblocks; i++) {
		cidr_format(&creds_blocks[i], text, sizeof text);
		if (creds_window_ms > 0)
			log_info("auto_approve: requests from %s are granted "
			    "for %lld s after start-up", text,
			    (long long)(creds_window_ms / 1000));
		else
			log_info("auto_approve: %s is off "
			    "(auto_approve_window = 0)", text);
	}
	creds_throttle = throttle_new(THROTTLE_CAP,
	    (int)cfg_int(sd->cfg, "auth_failures"),
	    cfg_ms(sd->cfg, "auth_window"), cfg_ms(sd->cfg, "auth_block"));
	commit_before(creds_flush);
	return 0;
}

void
creds_shutdown(void)
{
	throttle_free(creds_throttle);
	creds_throttle = NULL;
}

size_t
creds_config_blocks(char (*text)[64], size_t max, int64_t *left)
{
	int64_t	since = clock_mono_ms() - sd->started;
	size_t	i;

	*left = creds_window_ms > since ? creds_window_ms - since : 0;
	for (i = 0; i < creds_nblocks && i < max; i++)
		cidr_format(&creds_blocks[i], text[i], 64);
	return i;
}

int64_t
creds_blocked(const char *addr)
{
	if (creds_throttle == NULL)
		return 0;
	return throttle_blocked(creds_throttle, addr, clock_mono_ms());
}

/* A failed proof: logged, counted, its answer delayed. */
static void
creds_fail(struct creds_result *r, const char *addr, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
creds_fail(struct creds_result *r, const char *addr, const char *name,
    const char *fmt, ...)
{
	va_list	ap;
	int	blocked, count;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->ok = 0;
	r->failed = 1;
	r->delay_ms = throttle_fail(creds_throttle, addr, clock_mono_ms(),
	    &blocked, &count);
	log_warnx("agent %s from %s: refused: %s (failure %d from %s "
	    "within %lld s)", name, addr, r->error, count, addr,
	    (long long)(cfg_ms(sd->cfg, "auth_window") / 1000));
	if (blocked)
		log_warnx("source %s blocked for %lld s after %d failed "
		    "proofs", addr,
		    (long long)(cfg_ms(sd->cfg, "auth_block") / 1000), count);
}

/* A refusal that is not a failed proof (a request, no proof at all). */
static void
creds_refuse(struct creds_result *r, const char *addr, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
creds_refuse(struct creds_result *r, const char *addr, const char *name,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	r->ok = 0;
	log_info("agent %s from %s: refused: %s", name, addr, r->error);
}

/* Store trouble: refuse without counting it against the agent. */
static void
creds_store_error(struct creds_result *r, const char *addr,
    const char *name)
{
	creds_refuse(r, addr, name, "the scheduler cannot read or write "
	    "its credentials (see its log)");
}

/* A new agent credential for NAME: stored, and its text in R. */
static int
creds_issue(struct creds_result *r, const char *addr, const char *name,
    const char *how)
{
	struct store_cred	c;
	struct cred		k;
	int			tries;

	/* Stalled (commit.c): the store could not tell a name taken. */
	if (commit_stalled() || commit_begin() == -1)
		return -1;
	for (tries = 0; tries < 4; tries++) {
		memset(&c, 0, sizeof c);
		cred_new(CRED_AGENT, &k);
		if (store_cred_get(sd->store, k.id, &c) != 0)
			continue;	/* taken (or trouble: try another) */
		memset(&c, 0, sizeof c);
		strlcpy(c.id, k.id, sizeof c.id);
		strlcpy(c.kind, "agent", sizeof c.kind);
		if (cred_hash(&k, c.hash) == -1)
			break;
		strlcpy(c.name, name, sizeof c.name);
		c.issued = clock_now_ms();
		strlcpy(c.how, how, sizeof c.how);
		/* Seen now, from ADDR: one statement, not two. */
		c.last_seen = c.issued;
		strlcpy(c.source, addr, sizeof c.source);
		if (store_cred_put(sd->store, &c) == -1)
			break;
		cred_format(&k, r->issued, sizeof r->issued);
		strlcpy(r->cred_id, k.id, sizeof r->cred_id);
		explicit_bzero(&k, sizeof k);
		r->ok = 1;
		log_info("agent %s from %s: issued credential %s (%s)", name,
		    addr, c.id, how);
		return 0;
	}
	explicit_bzero(&k, sizeof k);
	return -1;
}

static void
creds_by_credential(struct creds_result *r, const char *addr,
    const char *name, const char *text)
{
	struct store_cred	 c;
	struct cred		 k;
	unsigned char		 h[CRED_HASH_LEN];
	const char		*errstr;
	int64_t			 now = clock_now_ms();
	int			 rc;

	if (cred_parse(text, &k, &errstr) == -1 || k.kind != CRED_AGENT) {
		creds_fail(r, addr, name, "malformed agent credential");
		return;
	}
	if ((rc = store_cred_get(sd->store, k.id, &c)) == -1) {
		creds_store_error(r, addr, name);
		return;
	}
	if (rc == 0 || strcmp(c.kind, "agent") != 0)
		creds_fail(r, addr, name, "unknown credential %s", k.id);
	else if (cred_hash(&k, h) == -1 || !cred_hash_eq(h, c.hash))
		creds_fail(r, addr, name, "wrong secret for credential %s",
		    k.id);
	else if (c.revoked != 0)
		creds_fail(r, addr, name, "credential %s is revoked", k.id);
	else if (c.expires != 0 && c.expires <= now)
		creds_fail(r, addr, name, "credential %s has expired", k.id);
	else if (strcmp(c.name, name) != 0)
		creds_fail(r, addr, name, "credential %s belongs to "
		    "machine %s", k.id, c.name);
	else if (commit_begin() == -1 ||
	    store_cred_seen(sd->store, c.id, now, addr, 0) == -1)
		creds_store_error(r, addr, name);
	else {
		r->ok = 1;
		strlcpy(r->cred_id, c.id, sizeof r->cred_id);
		log_info("agent %s from %s: proved credential %s", name, addr,
		    c.id);
	}
	explicit_bzero(&k, sizeof k);
}

/* 0 if NAME is free, else 1 with the refusal in R (a failure if FAIL). */
static int
creds_name_taken(struct creds_result *r, const char *addr, const char *name,
    int fail)
{
	struct store_cred	c;
	int			rc;

	if ((rc = store_cred_by_name(sd->store, name, &c)) == 0)
		return 0;
	if (rc == -1)
		creds_store_error(r, addr, name);
	else if (fail)
		creds_fail(r, addr, name, "name %s belongs to another agent "
		    "(credential %s; cq pool forget %s frees it)", name, c.id,
		    name);
	else
		creds_refuse(r, addr, name, "name %s belongs to another agent "
		    "(credential %s; cq pool forget %s frees it)", name, c.id,
		    name);
	return 1;
}

static void
creds_by_token(struct creds_result *r, const char *addr, const char *name,
    const char *text)
{
	struct store_cred	 c;
	struct cred		 k;
	unsigned char		 h[CRED_HASH_LEN];
	char			 how[64];
	const char		*errstr;
	int64_t			 now = clock_now_ms();
	int			 rc;

	if (cred_parse(text, &k, &errstr) == -1 || k.kind != CRED_TOKEN) {
		creds_fail(r, addr, name, "malformed pool token");
		return;
	}
	if ((rc = creds_token_get(k.id, &c)) == -1)
		creds_store_error(r, addr, name);
	else if (rc == 0 || strcmp(c.kind, "token") != 0)
		creds_fail(r, addr, name, "unknown pool token %s", k.id);
	else if (cred_hash(&k, h) == -1 || !cred_hash_eq(h, c.hash))
		creds_fail(r, addr, name, "wrong secret for pool token %s",
		    k.id);
	else if (c.revoked != 0)
		creds_fail(r, addr, name, "pool token %s is revoked", k.id);
	else if (c.expires != 0 && c.expires <= now)
		creds_fail(r, addr, name, "pool token %s has expired", k.id);
	else if (c.name[0] != '\0' && strcmp(c.name, name) != 0)
		creds_fail(r, addr, name, "pool token %s is for machine %s",
		    k.id, c.name);
	else if (!creds_name_taken(r, addr, name, 1)) {
		snprintf(how, sizeof how, "token %s", c.id);
		if (creds_issue(r, addr, name, how) == -1)
			creds_store_error(r, addr, name);
		else
			creds_use(c.id, now, addr);
	}
	explicit_bzero(&k, sizeof k);
}

struct creds_auto_walk {
	const char	*addr;
	char		 hit[CIDR_TEXT_MAX];
};

static int
creds_auto_cb(void *arg, int64_t id, const char *netblock, int64_t created,
    int64_t expires)
{
	struct creds_auto_walk	*w = arg;
	struct cidr		 c;
	const char		*errstr;

	if (netblock != NULL && cidr_parse(netblock, &c, &errstr) == 0 &&
	    cidr_match(&c, w->addr)) {
		strlcpy(w->hit, netblock, sizeof w->hit);
		return 1;
	}
	return 0;
}

/* The auto-approve block ADDR is in now, into HIT; 1 or 0. */
static int
creds_auto_match(const char *addr, char *hit, size_t len)
{
	struct creds_auto_walk	w;
	size_t			i;

	if (clock_mono_ms() - sd->started < creds_window_ms)
		for (i = 0; i < creds_nblocks; i++)
			if (cidr_match(&creds_blocks[i], addr)) {
				cidr_format(&creds_blocks[i], hit, len);
				return 1;
			}
	memset(&w, 0, sizeof w);
	w.addr = addr;
	if (store_autos_walk(sd->store, clock_now_ms(), creds_auto_cb, &w) ==
	    0 && w.hit[0] != '\0') {
		strlcpy(hit, w.hit, len);
		return 1;
	}
	return 0;
}

/*
 * An auto-approved request for a NAME bound to a credential: allowed
 * (the old credential is deleted) only if that one came from an
 * auto-approve block too and its agent is not connected.
 */
static int
creds_auto_rebind(struct creds_result *r, const char *addr,
    const char *name)
{
	struct store_cred	c;

	if (store_cred_by_name(sd->store, name, &c) != 1)
		return creds_name_taken(r, addr, name, 0) ? -1 : 0;
	if (strncmp(c.how, "auto ", 5) == 0 && c.revoked == 0 &&
	    agents_cred_connected(c.id)) {
		/*
		 * Its agent is here now: never taken from it.  A desktop
		 * that rebooted without a goodbye waits for its old link
		 * to close (at the lease): its next request gets the name.
		 */
		creds_refuse(r, addr, name, "name %s belongs to credential %s "
		    "(%s), whose agent is connected now: a new one is granted "
		    "once that agent has left or missed its lease", name,
		    c.id, c.how);
		return -1;
	}
	if (strncmp(c.how, "auto ", 5) != 0 || c.revoked != 0) {
		(void)creds_name_taken(r, addr, name, 0);
		return -1;
	}
	/* Held, the delete would be kept and done later, its count not
	 * known now: refused as creds_issue() refuses. */
	if (commit_stalled() || commit_begin() == -1 ||
	    store_cred_delete(sd->store, c.id) != 1) {
		creds_store_error(r, addr, name);
		return -1;
	}
	log_info("agent %s from %s: credential %s (%s, not connected) "
	    "replaced by auto-approval", name, addr, c.id, c.how);
	return 0;
}

/* Grant request Q: issue the credential, mark the request granted. */
static void
creds_grant(struct creds_result *r, const char *addr, const char *name,
    struct store_credreq *q, const char *how)
{
	if (creds_issue(r, addr, name, how) == -1) {
		creds_store_error(r, addr, name);
		return;
	}
	strlcpy(q->state, "granted", sizeof q->state);
	strlcpy(q->cred_id, r->cred_id, sizeof q->cred_id);
	strlcpy(q->source, addr, sizeof q->source);
	q->last_seen = clock_now_ms();
	if (q->how[0] == '\0')
		strlcpy(q->how, how, sizeof q->how);
	if (store_req_update(sd->store, q) == -1) {
		r->ok = 0;
		r->issued[0] = '\0';
		creds_store_error(r, addr, name);
	}
}

static void
creds_by_request(struct creds_result *r, const char *addr, const char *name,
    const char *text)
{
	struct store_credreq	 q;
	struct cred		 k;
	unsigned char		 h[CRED_HASH_LEN];
	char			 block[CIDR_TEXT_MAX], how[96];
	const char		*errstr;
	int64_t			 now = clock_now_ms();
	int			 rc, autook;

	if (cred_parse(text, &k, &errstr) == -1 || k.kind != CRED_REQUEST ||
	    cred_hash(&k, h) == -1) {
		explicit_bzero(&k, sizeof k);
		creds_fail(r, addr, name, "malformed credential request key");
		return;
	}
	explicit_bzero(&k, sizeof k);
	autook = creds_auto_match(addr, block, sizeof block);
	snprintf(how, sizeof how, "auto %s", block);
	if (commit_begin() == -1 ||
	    (rc = store_req_by_hash(sd->store, h, &q)) == -1) {
		creds_store_error(r, addr, name);
		return;
	}
	if (rc == 1) {
		if (strcmp(q.name, name) != 0) {
			creds_fail(r, addr, name, "credential request %lld "
			    "was made for machine %s", (long long)q.id,
			    q.name);
			return;
		}
		if (strcmp(q.state, "granted") == 0) {
			creds_refuse(r, addr, name, "credential request %lld "
			    "was granted already (credential %s)",
			    (long long)q.id, q.cred_id);
			return;
		}
		if (strcmp(q.state, "approved") == 0) {
			if (!creds_name_taken(r, addr, name, 0))
				creds_grant(r, addr, name, &q, q.how);
			return;
		}
		if (autook && creds_auto_rebind(r, addr, name) == 0) {
			strlcpy(q.how, how, sizeof q.how);
			creds_grant(r, addr, name, &q, how);
			return;
		}
		if (r->error[0] != '\0')
			return;
		q.last_seen = now;
		strlcpy(q.source, addr, sizeof q.source);
		if (store_req_update(sd->store, &q) == -1) {
			creds_store_error(r, addr, name);
			return;
		}
		snprintf(r->error, sizeof r->error, "credential request %lld "
		    "pending approval", (long long)q.id);
		return;
	}
	if (autook) {
		if (creds_auto_rebind(r, addr, name) == -1)
			return;
	} else if (creds_name_taken(r, addr, name, 0))
		return;
	/* Pending ones are capped; more is abuse: counted as failures. */
	else if (store_req_pending_from(sd->store, addr) >=
	    CREDS_MAX_PENDING_FROM) {
		creds_fail(r, addr, name, "too many pending credential "
		    "requests from %s (%d): approve or forget some", addr,
		    CREDS_MAX_PENDING_FROM);
		return;
	} else if (store_req_pending(sd->store) >= CREDS_MAX_PENDING) {
		creds_fail(r, addr, name, "too many pending credential "
		    "requests (%d): approve or forget some",
		    CREDS_MAX_PENDING);
		return;
	}
	memset(&q, 0, sizeof q);
	if (store_req_put(sd->store, name, addr, now, h, &q.id) == -1) {
		creds_store_error(r, addr, name);
		return;
	}
	strlcpy(q.name, name, sizeof q.name);
	strlcpy(q.source, addr, sizeof q.source);
	q.created = q.last_seen = now;
	if (autook) {
		strlcpy(q.how, how, sizeof q.how);
		creds_grant(r, addr, name, &q, how);
		return;
	}
	snprintf(r->error, sizeof r->error, "credential request %lld pending "
	    "approval", (long long)q.id);
	log_info("agent %s from %s: credential request %lld pending "
	    "approval (cq pool approve %lld)", name, addr, (long long)q.id,
	    (long long)q.id);
}

void
creds_hello(const char *addr, const char *name, const char *credential,
    const char *token, const char *request, struct creds_result *r)
{
	memset(r, 0, sizeof *r);
	if (credential != NULL)
		creds_by_credential(r, addr, name, credential);
	else if (token != NULL)
		creds_by_token(r, addr, name, token);
	else if (request != NULL)
		creds_by_request(r, addr, name, request);
	else
		creds_refuse(r, addr, name, "no credential, pool token or "
		    "credential request");
}

int
creds_token_new(const char *machine, int64_t lifetime_ms, const char *by,
    char *text, size_t textlen, char *err, size_t errlen)
{
	struct store_cred	c;
	struct cred		k;
	int			tries;
	creds_tok_ok = 0;

	if (lifetime_ms < 0 || lifetime_ms > CREDS_MAX_LIFETIME_MS) {
		snprintf(err, errlen, "lifetime out of range (up to 3650 "
		    "days; 0: never expires)");
		return -1;
	}
	if (commit_begin() == -1)
		goto fail;
	for (tries = 0; tries < 4; tries++) {
		cred_new(CRED_TOKEN, &k);
		if (store_cred_get(sd->store, k.id, &c) != 0)
			continue;
		memset(&c, 0, sizeof c);
		strlcpy(c.id, k.id, sizeof c.id);
		strlcpy(c.kind, "token", sizeof c.kind);
		if (machine != NULL)
			strlcpy(c.name, machine, sizeof c.name);
		c.issued = clock_now_ms();
		c.expires = lifetime_ms > 0 ? c.issued + lifetime_ms : 0;
		snprintf(c.how, sizeof c.how, "cq pool token by %s", by);
		if (cred_hash(&k, c.hash) == -1 ||
		    store_cred_put(sd->store, &c) == -1)
			break;
		cred_format(&k, text, textlen);
		explicit_bzero(&k, sizeof k);
		if (lifetime_ms > 0)
			log_info("pool token %s issued by %s%s%s, expires in "
			    "%lld s", c.id, by, machine != NULL ?
			    " for machine " : "", machine != NULL ? machine :
			    "", (long long)(lifetime_ms / 1000));
		else
			log_info("pool token %s issued by %s%s%s, never "
			    "expires", c.id, by, machine != NULL ?
			    " for machine " : "", machine != NULL ? machine :
			    "");
		return 0;
	}
	explicit_bzero(&k, sizeof k);
fail:
	snprintf(err, errlen, "cannot store the token (see the scheduler's "
	    "log)");
	return -1;
}

int
creds_revoke(const char *id, char *err, size_t errlen)
{
	struct store_cred	c;
	int			rc;
	creds_tok_ok = 0;

	if (!cred_id_ok(id)) {
		snprintf(err, errlen, "%s: not a credential id (8 hex "
		    "digits)", id);
		return -1;
	}
	if ((rc = store_cred_get(sd->store, id, &c)) == -1)
		goto fail;
	if (rc == 0) {
		snprintf(err, errlen, "no credential or token %s", id);
		return -1;
	}
	if (c.revoked != 0) {
		snprintf(err, errlen, "%s %s is revoked already", c.kind, id);
		return -1;
	}
	if (commit_begin() == -1 ||
	    store_cred_revoke(sd->store, id, clock_now_ms()) != 1)
		goto fail;
	log_info("%s %s%s%s revoked", strcmp(c.kind, "token") == 0 ?
	    "pool token" : "agent credential", id, c.name[0] != '\0' ?
	    " of " : "", c.name);
	agents_cred_revoked(id, "its credential was revoked");
	return 0;
fail:
	snprintf(err, errlen, "cannot revoke %s (see the scheduler's log)",
	    id);
	return -1;
}

int
creds_forget(const char *name, char *freed, size_t freedlen, char *err,
    size_t errlen)
{
	struct store_cred	c;
	int			rc, n;
	creds_tok_ok = 0;

	if ((rc = store_cred_by_name(sd->store, name, &c)) == -1)
		goto fail;
	if (commit_begin() == -1 ||
	    (n = store_cred_forget(sd->store, name)) == -1)
		goto fail;
	if (n == 0) {
		snprintf(err, errlen, "no credential or request for %s", name);
		return -1;
	}
	strlcpy(freed, rc == 1 ? c.id : "", freedlen);
	log_info("machine name %s forgotten (%s%s)", name,
	    rc == 1 ? "credential " : "requests only", rc == 1 ? c.id : "");
	if (rc == 1)
		agents_cred_revoked(c.id, "its machine name was forgotten");
	return 0;
fail:
	snprintf(err, errlen, "cannot forget %s (see the scheduler's log)",
	    name);
	return -1;
}

int
creds_approve(const char *number, const char *by, char *name,
    size_t namelen, char *err, size_t errlen)
{
	struct store_credreq	 q;
	struct store_cred	 c;
	const char		*errstr;
	long long		 id;
	int			 rc;
	creds_tok_ok = 0;

	id = strtonum(number, 1, INT64_MAX, &errstr);
	if (errstr != NULL) {
		snprintf(err, errlen, "%s: not a request number", number);
		return -1;
	}
	if ((rc = store_req_get(sd->store, id, &q)) == -1)
		goto fail;
	if (rc == 0) {
		snprintf(err, errlen, "no credential request %lld", id);
		return -1;
	}
	if (strcmp(q.state, "pending") != 0) {
		snprintf(err, errlen, "credential request %lld is %s already",
		    id, q.state);
		return -1;
	}
	if ((rc = store_cred_by_name(sd->store, q.name, &c)) == -1)
		goto fail;
	if (rc == 1) {
		snprintf(err, errlen, "machine name %s belongs to credential "
		    "%s (cq pool forget %s first)", q.name, c.id, q.name);
		return -1;
	}
	strlcpy(q.state, "approved", sizeof q.state);
	snprintf(q.how, sizeof q.how, "approved by %s", by);
	if (commit_begin() == -1 || store_req_update(sd->store, &q) == -1)
		goto fail;
	strlcpy(name, q.name, namelen);
	log_info("credential request %lld of %s from %s approved by %s", id,
	    q.name, q.source, by);
	return 0;
fail:
	snprintf(err, errlen, "cannot approve %s (see the scheduler's log)",
	    number);
	return -1;
}

int
creds_auto_approve(const char *netblock, int64_t lifetime_ms, const char *by,
    char *norm, size_t normlen, char *err, size_t errlen)
{
	struct cidr	 c;
	const char	*errstr;
	int64_t		 now = clock_now_ms();
	int		 n;
	creds_tok_ok = 0;

	if (cidr_parse(netblock, &c, &errstr) == -1) {
		snprintf(err, errlen, "%s: %s", netblock, errstr);
		return -1;
	}
	if (lifetime_ms < 0 || lifetime_ms > CREDS_MAX_LIFETIME_MS) {
		snprintf(err, errlen, "lifetime out of range (0 to 3650 "
		    "days)");
		return -1;
	}
	cidr_format(&c, norm, normlen);
	if (commit_begin() == -1 ||
	    (n = store_auto_end(sd->store, norm, now)) == -1)
		goto fail;
	if (lifetime_ms == 0) {
		log_info("auto-approve for %s ended by %s (%d rule(s))", norm,
		    by, n);
		return 0;
	}
	if (store_auto_put(sd->store, norm, now, now + lifetime_ms) == -1)
		goto fail;
	log_info("auto-approve for %s for %lld s by %s", norm,
	    (long long)(lifetime_ms / 1000), by);
	return 0;
fail:
	snprintf(err, errlen, "cannot store the rule (see the scheduler's "
	    "log)");
	return -1;
}
