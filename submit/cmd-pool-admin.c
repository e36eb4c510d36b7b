/*
 * cmd-pool-admin.c: the pool's credentials, for its administrator (root
 * or the scheduler's user; the scheduler checks): `cq pool token`
 * (print a new pool token), `tokens`, `agents` (credentials and
 * requests), `approve N`, `auto-approve [CIDR [--lifetime D]]`,
 * `revoke ID` and `forget NAME`.  Each is one MSG_ADMIN request;
 * docs/credentials.md tells when to use which.  Called by cmd-pool.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cidr.h"
#include "cq.h"
#include "cred.h"
#include "jsonx.h"
#include "msg.h"
#include "table.h"

/* Send the admin request of ACTION; the reply (caller frees) or NULL. */
static struct json_object *
pool_admin_call(const char *action, const char *id, const char *name,
    int64_t lifetime_ms, const char *netblock)
{
	struct json_object	*req, *rep;

	req = json_object_new_object();
	json_object_object_add(req, "action", json_object_new_string(action));
	if (id != NULL)
		json_object_object_add(req, "id", json_object_new_string(id));
	if (name != NULL)
		json_object_object_add(req, "name",
		    json_object_new_string(name));
	if (lifetime_ms >= 0)
		json_object_object_add(req, "lifetime_ms",
		    json_object_new_int64(lifetime_ms));
	if (netblock != NULL)
		json_object_object_add(req, "netblock",
		    json_object_new_string(netblock));
	rep = cq_request(MSG_ADMIN, req);
	json_object_put(req);
	return rep;
}

int
cq_pool_token(const char *machine, int64_t lifetime_ms, char *out,
    size_t len)
{
	struct json_object	*rep;

	if ((rep = pool_admin_call("token", NULL, machine, lifetime_ms,
	    NULL)) == NULL)
		return -1;
	strlcpy(out, jsonx_str(rep, "detail", ""), len);
	json_object_put(rep);
	return out[0] != '\0' ? 0 : -1;
}

/* A machine name as agents may have (the scheduler checks it too). */
static int
pool_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

/* Check SUB's argument ARG (and --machine) here: bad input exits 2. */
static int
pool_args_ok(const char *sub, const char *arg, const char *machine)
{
	struct cidr	 c;
	const char	*errstr;

	if (machine != NULL && !pool_name_ok(machine)) {
		fprintf(stderr, "cq: --machine %s: not a machine name\n",
		    machine);
		return 0;
	}
	if (arg == NULL)
		return 1;
	if (strcmp(sub, "forget") == 0 && !pool_name_ok(arg)) {
		fprintf(stderr, "cq: %s: not a machine name\n", arg);
		return 0;
	}
	if (strcmp(sub, "revoke") == 0 && !cred_id_ok(arg)) {
		fprintf(stderr, "cq: %s: not a token or credential id (8 hex "
		    "digits, see cq pool tokens / agents)\n", arg);
		return 0;
	}
	if (strcmp(sub, "approve") == 0) {
		(void)strtonum(arg, 1, INT64_MAX, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "cq: %s: not a request number (see cq "
			    "pool agents)\n", arg);
			return 0;
		}
	}
	if (strcmp(sub, "auto-approve") == 0 &&
	    cidr_parse(arg, &c, &errstr) == -1) {
		fprintf(stderr, "cq: %s: %s\n", arg, errstr);
		return 0;
	}
	return 1;
}

/* --lifetime DURATION into *MS ("never": 0); -1 on a bad one (printed). */
static int
pool_lifetime(const char *s, int64_t *ms, int *never)
{
	const char	*errstr;

	if (strcmp(s, "never") == 0) {
		*ms = 0;
		*never = 1;
		return 0;
	}
	if (cfg_parse_duration(s, ms, &errstr) == -1) {
		fprintf(stderr, "cq: --lifetime %s: %s\n", s, errstr);
		return -1;
	}
	return 0;
}

static void
pool_cell_time(char *buf, size_t len, struct json_object *r, const char *k)
{
	cq_fmt_time(buf, len, jsonx_int(r, k, 0));
}

/* Print the rows of REP: as JSON, or a table of the columns of WHAT. */
static int
pool_admin_print(struct json_object *rep, const char *what, int json)
{
	static const char *const tok_h[] = { "ID", "MACHINE", "STATE",
	    "ISSUED", "EXPIRES", "USES", "LAST-USED", "SOURCE", "HOW" };
	static const char *const ag_h[] = { "NAME", "ID", "KIND", "STATE",
	    "ISSUED", "EXPIRES", "LAST-SEEN", "SOURCE", "HOW" };
	static const char *const au_h[] = { "NETBLOCK", "FROM", "STATE",
	    "CREATED", "UNTIL" };
	struct json_object	*rows = jsonx_get(rep, "rows"), *r;
	struct table		*t;
	char			 is[32], ex[32], ls[32], uses[24], state[32];
	const char		*cells[9];
	size_t			 i, n = json_object_array_length(rows);

	if (json) {
		printf("%s\n", json_object_to_json_string_ext(rows,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		return CQ_EXIT_OK;
	}
	if (strcmp(what, "tokens") == 0)
		t = table_new(9, tok_h);
	else if (strcmp(what, "agents") == 0)
		t = table_new(9, ag_h);
	else
		t = table_new(5, au_h);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		pool_cell_time(is, sizeof is, r, strcmp(what, "auto-approve")
		    == 0 ? "created" : "issued");
		pool_cell_time(ex, sizeof ex, r, "expires");
		pool_cell_time(ls, sizeof ls, r, "last_seen");
		snprintf(state, sizeof state, "%s%s", jsonx_str(r, "state",
		    ""), jsonx_bool(r, "connected", 0) ? ", connected" : "");
		if (strcmp(what, "tokens") == 0) {
			snprintf(uses, sizeof uses, "%lld",
			    (long long)jsonx_int(r, "uses", 0));
			cells[0] = jsonx_str(r, "id", "");
			cells[1] = jsonx_str(r, "name", "(any)");
			cells[2] = state;
			cells[3] = is;
			cells[4] = ex;
			cells[5] = uses;
			cells[6] = ls;
			cells[7] = jsonx_str(r, "source", "-");
			cells[8] = jsonx_str(r, "how", "");
		} else if (strcmp(what, "agents") == 0) {
			cells[0] = jsonx_str(r, "name", "");
			cells[1] = jsonx_str(r, "id", "");
			cells[2] = jsonx_str(r, "kind", "");
			cells[3] = state;
			cells[4] = is;
			cells[5] = ex;
			cells[6] = ls;
			cells[7] = jsonx_str(r, "source", "-");
			cells[8] = jsonx_str(r, "how", "-");
		} else {
			cells[0] = jsonx_str(r, "netblock", "");
			cells[1] = jsonx_str(r, "from", "");
			cells[2] = strcmp(cells[1], "config") == 0 &&
			    !jsonx_bool(r, "open", 0) ? "closed" : "open";
			cells[3] = is;
			cells[4] = ex;
		}
		table_add(t, cells);
	}
	if (strcmp(what, "tokens") == 0)
		table_right(t, 5);
	table_color(t, table_want_color(stdout));
	table_print(t, stdout, table_term_width(stdout));
	table_free(t);
	return CQ_EXIT_OK;
}

int
cmd_pool_admin(int argc, char **argv)
{
	struct json_object	*rep;
	const char		*sub = argc >= 2 ? argv[1] : "";
	const char		*machine = NULL, *arg = NULL;
	char			 token[128];
	int64_t			 lifetime = -1;
	int			 a, json = 0, rc, never = 0;

	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else if (strcmp(argv[a], "--machine") == 0 && a + 1 < argc)
			machine = argv[++a];
		else if (strcmp(argv[a], "--lifetime") == 0 && a + 1 < argc) {
			if (pool_lifetime(argv[++a], &lifetime, &never) == -1)
				return CQ_EXIT_USAGE;
		} else if (argv[a][0] != '-' && arg == NULL)
			arg = argv[a];
		else
			return cq_bad_arg("pool", argv[a]);
	}
	if (!pool_args_ok(sub, arg, machine))
		return CQ_EXIT_USAGE;
	/* Which options and arguments each subcommand takes. */
	if (strcmp(sub, "token") == 0) {
		if (arg != NULL || json)
			return cq_usage("pool");
		if (lifetime == 0 && !never) {
			fprintf(stderr, "cq: --lifetime must be above 0 (or "
			    "never)\n");
			return CQ_EXIT_USAGE;
		}
		if (cq_pool_token(machine, lifetime, token, sizeof token) ==
		    -1)
			return CQ_EXIT_FAIL;
		printf("%s\n", token);
		return CQ_EXIT_OK;
	}
	if (machine != NULL || never)
		return cq_usage("pool");
	if (strcmp(sub, "tokens") == 0 || strcmp(sub, "agents") == 0 ||
	    (strcmp(sub, "auto-approve") == 0 && arg == NULL)) {
		if (arg != NULL || lifetime >= 0)
			return cq_usage("pool");
		if ((rep = pool_admin_call(sub, NULL, NULL, -1, NULL)) ==
		    NULL)
			return CQ_EXIT_FAIL;
		rc = pool_admin_print(rep, sub, json);
		json_object_put(rep);
		return rc;
	}
	if (json || arg == NULL || (lifetime >= 0 &&
	    strcmp(sub, "auto-approve") != 0))
		return cq_usage("pool");
	if (strcmp(sub, "approve") == 0)
		rep = pool_admin_call(sub, arg, NULL, -1, NULL);
	else if (strcmp(sub, "revoke") == 0)
		rep = pool_admin_call(sub, arg, NULL, -1, NULL);
	else if (strcmp(sub, "forget") == 0)
		rep = pool_admin_call(sub, NULL, arg, -1, NULL);
	else if (strcmp(sub, "auto-approve") == 0)
		rep = pool_admin_call(sub, NULL, NULL, lifetime, arg);
	else
		return cq_usage("pool");
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	if (strcmp(sub, "approve") == 0)
		printf("request %s of %s approved: its credential goes out "
		    "at its next hello\n", arg, jsonx_str(rep, "detail", "?"));
	else if (strcmp(sub, "revoke") == 0)
		printf("%s revoked\n", arg);
	else if (strcmp(sub, "forget") == 0)
		printf("machine name %s is free%s%s%s\n", arg,
		    *jsonx_str(rep, "detail", "") != '\0' ?
		    " (credential " : "", jsonx_str(rep, "detail", ""),
		    *jsonx_str(rep, "detail", "") != '\0' ? " deleted)" : "");
	else if (lifetime == 0)
		printf("auto-approve for %s ended\n", jsonx_str(rep, "detail",
		    arg));
	else
		printf("auto-approve for %s: requests from there are granted "
		    "at once\n", jsonx_str(rep, "detail", arg));
	json_object_put(rep);
	return CQ_EXIT_OK;
}
