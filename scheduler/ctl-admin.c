/*
 * ctl-admin.c: an administrator's requests on the pool's credentials
 * (MSG_ADMIN, `cq pool token|tokens|agents|approve|auto-approve|revoke|
 * forget`): only root or the scheduler's own user (ctl_is_admin) may
 * make them; anyone else is told so and nothing changes.  The verbs are
 * creds.c's; this file checks the request, answers changes after the
 * commit and lists from the store.  No secret is ever listed: a token's
 * text is shown once, in the answer to the request that made it.
 * Called by ctl.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agents.h"
#include "clock.h"
#include "commit.h"
#include "cred.h"
#include "creds.h"
#include "ctl-int.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "schedd.h"
#include "store.h"

#define ADMIN_NAME_MAX	64
#define CIDR_LIST_MAX_ADMIN	64	/* configured blocks listed */

/* "active", "expired" or "revoked" at NOW. */
static const char *
ctl_admin_state(const struct store_cred *c, int64_t now)
{
	if (c->revoked != 0)
		return "revoked";
	if (c->expires != 0 && c->expires <= now)
		return "expired";
	return "active";
}

static void
ctl_admin_time(struct json_object *o, const char *key, int64_t ms)
{
	json_object_object_add(o, key, ms != 0 ?
	    json_object_new_int64(ms) : NULL);
}

static void
ctl_admin_text(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s != NULL && *s != '\0' ?
	    json_object_new_string(s) : NULL);
}

struct ctl_admin_list {
	struct json_object	*rows;
	int64_t			 now;
};

static int
ctl_admin_cred_row(void *arg, const struct store_cred *c)
{
	struct ctl_admin_list	*l = arg;
	struct json_object	*o = json_object_new_object();
	int			 token = strcmp(c->kind, "token") == 0;

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "kind", json_object_new_string(token ?
	    "token" : "credential"));
	ctl_admin_text(o, "name", c->name);
	json_object_object_add(o, "state",
	    json_object_new_string(ctl_admin_state(c, l->now)));
	ctl_admin_time(o, "issued", c->issued);
	ctl_admin_time(o, "expires", c->expires);
	ctl_admin_time(o, "revoked", c->revoked);
	ctl_admin_time(o, "last_seen", c->last_seen);
	ctl_admin_text(o, "source", c->source);
	ctl_admin_text(o, "how", c->how);
	if (token)
		json_object_object_add(o, "uses",
		    json_object_new_int64(c->uses));
	else
		json_object_object_add(o, "connected",
		    json_object_new_boolean(agents_cred_connected(c->id)));
	json_object_array_add(l->rows, o);
	return 0;
}

static int
ctl_admin_req_row(void *arg, const struct store_credreq *q)
{
	struct ctl_admin_list	*l = arg;
	struct json_object	*o;
	char			 id[24];

	if (strcmp(q->state, "granted") == 0)
		return 0;	/* its credential is listed */
	o = json_object_new_object();
	snprintf(id, sizeof id, "%lld", (long long)q->id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "kind", json_object_new_string("request"));
	ctl_admin_text(o, "name", q->name);
	json_object_object_add(o, "state", json_object_new_string(q->state));
	ctl_admin_time(o, "issued", q->created);
	json_object_object_add(o, "expires", NULL);
	json_object_object_add(o, "revoked", NULL);
	ctl_admin_time(o, "last_seen", q->last_seen);
	ctl_admin_text(o, "source", q->source);
	ctl_admin_text(o, "how", q->how);
	json_object_array_add(l->rows, o);
	return 0;
}

static int
ctl_admin_auto_row(void *arg, int64_t id, const char *netblock,
    int64_t created, int64_t expires)
{
	struct ctl_admin_list	*l = arg;
	struct json_object	*o = json_object_new_object();

	ctl_admin_text(o, "netblock", netblock);
	json_object_object_add(o, "from", json_object_new_string("rule"));
	ctl_admin_time(o, "created", created);
	ctl_admin_time(o, "expires", expires);
	json_object_array_add(l->rows, o);
	return 0;
}

/* Answer a list: WHAT is "tokens", "agents" or "auto-approve". */
static void
ctl_admin_list(struct peer *p, uint32_t reqid, const char *what)
{
	struct ctl_admin_list	 l;
	struct json_object	*reply, *o;
	char			 blocks[CIDR_LIST_MAX_ADMIN][64];
	int64_t			 left;
	size_t			 i, n;
	int			 rc = 0;

	l.rows = json_object_new_array();
	l.now = clock_now_ms();
	/* This turn's enrollments in the tokens' counts. */
	creds_flush();
	if (strcmp(what, "tokens") == 0)
		rc = store_creds_walk(sd->store, "token", ctl_admin_cred_row,
		    &l);
	else if (strcmp(what, "agents") == 0)
		rc = store_creds_walk(sd->store, "agent", ctl_admin_cred_row,
		    &l) == -1 || store_reqs_walk(sd->store, ctl_admin_req_row,
		    &l) == -1 ? -1 : 0;
	else {
		n = creds_config_blocks(blocks, CIDR_LIST_MAX_ADMIN, &left);
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			ctl_admin_text(o, "netblock", blocks[i]);
			json_object_object_add(o, "from",
			    json_object_new_string("config"));
			json_object_object_add(o, "created", NULL);
			ctl_admin_time(o, "expires", left > 0 ?
			    l.now + left : 0);
			json_object_object_add(o, "open",
			    json_object_new_boolean(left > 0));
			json_object_array_add(l.rows, o);
		}
		rc = store_autos_walk(sd->store, l.now, ctl_admin_auto_row,
		    &l);
	}
	if (rc == -1) {
		json_object_put(l.rows);
		peer_send_error(p, reqid, "cannot read the credentials (see "
		    "the scheduler's log)");
		return;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "rows", l.rows);
	peer_send(p, MSG_QUERY_REPLY, reqid, reply);
	json_object_put(reply);
}

/* Answer OK with DETAIL once the change is durable. */
static void
ctl_admin_ok(struct peer *p, uint32_t reqid, const char *detail)
{
	struct json_object	*o = json_object_new_object();

	if (detail != NULL)
		json_object_object_add(o, "detail",
		    json_object_new_string(detail));
	commit_later(p, MSG_OK, reqid, o);
}

/* A machine name as agents give it (agents.c checks the same). */
static int
ctl_admin_name_ok(const char *name)
{
	size_t	i, n = strlen(name);

	if (n == 0 || n > ADMIN_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		    name[i] == '_' || name[i] == '.'))
			return 0;
	return 1;
}

/*
 * The actions that change the credentials: 0 with the answer queued, -1
 * with ERR, 1 for an unknown action or a missing argument.
 */
static int
ctl_admin_write(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg, char *err, size_t errlen)
{
	const char	*action = jsonx_str(msg, "action", "");
	const char	*id = jsonx_str(msg, "id", NULL);
	const char	*name = jsonx_str(msg, "name", NULL);
	const char	*netblock = jsonx_str(msg, "netblock", NULL);
	int64_t		 lifetime = jsonx_int(msg, "lifetime_ms", -1);
	char		 text[CRED_TEXT_MAX + 160], out[128];

	if (strcmp(action, "token") == 0) {
		if (creds_token_new(name, lifetime < 0 ?
		    CREDS_TOKEN_LIFETIME_MS : lifetime, c->owner, text,
		    sizeof text, err, errlen) == -1)
			return -1;
		ctl_admin_ok(p, reqid, text);
		explicit_bzero(text, sizeof text);
		return 0;
	}
	if (strcmp(action, "revoke") == 0 && id != NULL) {
		if (creds_revoke(id, err, errlen) == -1)
			return -1;
		log_info("client %s: revoked %s", c->owner, id);
		ctl_admin_ok(p, reqid, id);
		return 0;
	}
	if (strcmp(action, "forget") == 0 && name != NULL) {
		if (creds_forget(name, out, sizeof out, err, errlen) == -1)
			return -1;
		log_info("client %s: forgot machine name %s", c->owner, name);
		ctl_admin_ok(p, reqid, out);
		return 0;
	}
	if (strcmp(action, "approve") == 0 && id != NULL) {
		if (creds_approve(id, c->owner, out, sizeof out, err,
		    errlen) == -1)
			return -1;
		ctl_admin_ok(p, reqid, out);
		return 0;
	}
	if (strcmp(action, "auto-approve") == 0) {
		if (creds_auto_approve(netblock, lifetime < 0 ?
		    CREDS_AUTO_LIFETIME_MS : lifetime, c->owner, out,
		    sizeof out, err, errlen) == -1)
			return -1;
		ctl_admin_ok(p, reqid, out);
		return 0;
	}
	return 1;
}

void
ctl_admin(struct peer *p, struct client *c, uint32_t reqid,
    struct json_object *msg)
{
	const char	*action = jsonx_str(msg, "action", "");
	const char	*name = jsonx_str(msg, "name", NULL);
	const char	*netblock = jsonx_str(msg, "netblock", NULL);
	char		 err[300];
	int		 rc;

	if (!ctl_is_admin(c)) {
		log_warnx("client %s: admin request refused: not an "
		    "administrator", c->owner);
		peer_send_error(p, reqid, "permission denied: only an "
		    "administrator (root or the scheduler's user) manages "
		    "the pool's credentials");
		return;
	}
	err[0] = '\0';
	if (name != NULL && !ctl_admin_name_ok(name)) {
		peer_send_error(p, reqid, "bad machine name");
		return;
	}
	if (strcmp(action, "tokens") == 0 || strcmp(action, "agents") == 0) {
		ctl_admin_list(p, reqid, action);
		return;
	}
	if (strcmp(action, "auto-approve") == 0 && netblock == NULL) {
		ctl_admin_list(p, reqid, action);
		return;
	}
	/* One unit: a store that refuses it undoes it (commit.c). */
	commit_request_begin();
	if ((rc = ctl_admin_write(p, c, reqid, msg, err, sizeof err)) != 0)
		commit_request_fail(rc == 1 ? "unknown admin action" : err);
	if (commit_request_end() == -1 && rc == 0) {
		snprintf(err, sizeof err, "%s failed, nothing was changed: %s",
		    action, commit_request_why());
		log_warnx("client %s: %s", c->owner, err);
		rc = -1;
	}
	if (rc == 1)
		peer_send_error(p, reqid, "unknown admin action or a missing "
		    "argument");
	else if (rc == -1)
		peer_send_error(p, reqid, err);
}
