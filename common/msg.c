/*
 * msg.c: the table of message types: who may send each, its maximum
 * length and the members its JSON object may and must carry.  frame.c
 * checks headers against it and msg_decode() checks payloads, so a
 * message that reaches a daemon's handler has the right shape.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "msg.h"

#define KiB	1024u
#define MiB	(1024u * 1024u)

static const struct msg_member m_hello[] = {
	{ "version", JT_INT, 1 }, { "role", JT_STRING, 1 },
	{ "name", JT_STRING, 0 }, { "token", JT_STRING, 0 },
	{ "lease_ms", JT_INT, 0 }, { "filesystem_domain", JT_STRING, 0 },
	{ "credential", JT_STRING, 0 }, { "request", JT_STRING, 0 },
	{ "rev", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_error[] = {
	{ "error", JT_STRING, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_ok[] = {
	{ "count", JT_INT, 0 }, { "detail", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_submit[] = {
	{ "jobs", JT_ARRAY, 0 }, { "factory", JT_OBJECT, 0 },
	{ "batch_name", JT_STRING, 0 }, { "umask", JT_INT, 0 },
	{ NULL, 0, 0 }
};
static const struct msg_member m_submit_reply[] = {
	{ "cluster", JT_INT, 1 }, { "count", JT_INT, 1 },
	{ "late", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_query[] = {
	{ "what", JT_STRING, 1 }, { "ids", JT_ARRAY, 0 },
	{ "owner", JT_STRING, 0 }, { "limit", JT_INT, 0 },
	{ "constraint", JT_STRING, 0 }, { "desc", JT_BOOL, 0 },
	{ "ads", JT_BOOL, 0 },
	{ "owners", JT_ARRAY, 0 }, { "mine", JT_BOOL, 0 },
	{ "state", JT_STRING, 0 }, { "fields", JT_ARRAY, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_query_reply[] = {
	{ "rows", JT_ARRAY, 1 }, { "unmaterialized", JT_INT, 0 },
	{ NULL, 0, 0 }
};
static const struct msg_member m_act[] = {
	{ "action", JT_STRING, 1 }, { "ids", JT_ARRAY, 0 },
	{ "all", JT_BOOL, 0 }, { "machines", JT_ARRAY, 0 },
	{ "reason", JT_STRING, 0 }, { "constraint", JT_STRING, 0 },
	{ NULL, 0, 0 }
};
static const struct msg_member m_admin[] = {
	{ "action", JT_STRING, 1 }, { "id", JT_STRING, 0 },
	{ "name", JT_STRING, 0 }, { "lifetime_ms", JT_INT, 0 },
	{ "netblock", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_edit[] = {
	{ "ids", JT_ARRAY, 1 }, { "attr", JT_STRING, 1 },
	{ "value", JT_STRING, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_userprio[] = {
	{ "action", JT_STRING, 1 }, { "name", JT_STRING, 0 },
	{ "factor", JT_DOUBLE, 0 }, { NULL, 0, 0 }
};
/* The ad's machine (common/machinead.c decodes it). */
const struct msg_member msg_machine_members[] = {
	{ "Arch", JT_STRING, 1 }, { "OpSys", JT_STRING, 1 },
	{ "OpSysAndVer", JT_STRING, 0 }, { "TotalCpus", JT_INT, 0 },
	{ "TotalMemory", JT_INT, 0 }, { "TotalDisk", JT_INT, 0 },
	{ "Start", JT_STRING, 0 }, { "Rank", JT_STRING, 0 },
	{ "attrs", JT_OBJECT, 0 }, { "CqImageVersion", JT_STRING, 0 },
	{ "CqOwnerReason", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_ad[] = {
	{ "name", JT_STRING, 1 }, { "slots", JT_ARRAY, 1 },
	{ "jobs", JT_ARRAY, 1 }, { "criu", JT_BOOL, 0 },
	{ "machine", JT_OBJECT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_heartbeat[] = {
	{ "seq", JT_INT, 0 }, { "load", JT_DOUBLE, 0 },
	{ "owner_idle_ms", JT_INT, 0 }, { "owner_seen_ms", JT_INT, 0 },
	{ "owner_absence_s", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_heartbeat_ack[] = {
	{ "seq", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_start[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 }, { "slot", JT_INT, 1 },
	{ "owner", JT_STRING, 1 }, { "uid", JT_INT, 1 },
	{ "desc", JT_OBJECT, 1 }, { "xfer", JT_BOOL, 0 },
	{ "nfiles", JT_INT, 0 }, { "exe", JT_STRING, 0 },
	{ "ckpt", JT_INT, 0 }, { "jobad", JT_OBJECT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_started[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 }, { "pid", JT_INT, 1 },
	{ "notes", JT_ARRAY, 0 }, { "user", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_exited[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "code", JT_INT, 0 }, { "signal", JT_INT, 0 },
	{ "utime_ms", JT_INT, 0 }, { "stime_ms", JT_INT, 0 },
	{ "maxrss_kb", JT_INT, 0 }, { "wall_ms", JT_INT, 0 },
	{ "error", JT_STRING, 0 }, { "evicted", JT_BOOL, 0 },
	{ "slot_state", JT_STRING, 0 }, { "files", JT_INT, 0 },
	{ "checkpoint", JT_BOOL, 0 }, { "missing", JT_STRING, 0 },
	{ "criu", JT_BOOL, 0 }, { "notes", JT_ARRAY, 0 },
	{ "memory_exceeded", JT_BOOL, 0 }, { "memory_limit_mb", JT_INT, 0 },
	{ "memory_peak_mb", JT_INT, 0 }, { "kill_reason", JT_STRING, 0 },
	{ NULL, 0, 0 }
};

static const struct msg_member m_kill[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "vacate", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_exit_ack[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "restart", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_slot[] = {
	{ "slot", JT_INT, 1 }, { "state", JT_STRING, 1 },
	{ "job", JT_STRING, 0 }, { "run", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_bye[] = {
	{ "reason", JT_STRING, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_drain[] = {
	{ "on", JT_BOOL, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_vacate[] = {
	{ "reason", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_put[] = {
	{ "path", JT_STRING, 1 }, { "size", JT_INT, 1 },
	{ "mode", JT_INT, 1 }, { "sha256", JT_STRING, 0 },
	{ "dir", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_file[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "path", JT_STRING, 1 }, { "size", JT_INT, 1 },
	{ "mode", JT_INT, 1 }, { "sha256", JT_STRING, 0 },
	{ "kind", JT_STRING, 1 }, { "dir", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_file_ack[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "path", JT_STRING, 1 }, { "ok", JT_BOOL, 1 },
	{ "error", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_reclaim[] = {
	{ "duration_ms", JT_INT, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_spawn[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 },
	{ "owner", JT_STRING, 1 }, { "uid", JT_INT, 1 },
	{ "slot", JT_INT, 1 }, { "memory_mb", JT_INT, 0 },
	{ "memory_asked", JT_BOOL, 0 }, { "max_pids", JT_INT, 0 },
	{ "executable", JT_STRING, 1 }, { "argv", JT_ARRAY, 1 },
	{ "env", JT_ARRAY, 1 }, { "iwd", JT_STRING, 0 },
	{ "input", JT_STRING, 0 }, { "output", JT_STRING, 0 },
	{ "error", JT_STRING, 0 }, { "append", JT_BOOL, 0 },
	{ "pidns", JT_BOOL, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_spawned[] = {
	{ "pid", JT_INT, 0 }, { "error", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_jobctl[] = {
	{ "op", JT_STRING, 1 }, { "pid", JT_INT, 1 },
	{ "signal", JT_INT, 0 }, { "at", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_result[] = {
	{ "ok", JT_BOOL, 1 }, { "errno", JT_INT, 0 },
	{ "error", JT_STRING, 0 }, { "pid", JT_INT, 0 },
	{ "how", JT_STRING, 0 }, { "ms", JT_DOUBLE, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_criu[] = {
	{ "op", JT_STRING, 1 }, { "pid", JT_INT, 0 },
	{ "imgdir", JT_STRING, 0 }, { "id", JT_INT, 0 },
	{ "job", JT_STRING, 0 }, { "run", JT_INT, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_criu_done[] = {
	{ "id", JT_INT, 1 }, { "ok", JT_BOOL, 1 }, { "pid", JT_INT, 0 },
	{ "error", JT_STRING, 0 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_exit[] = {
	{ "pid", JT_INT, 1 }, { "code", JT_INT, 1 }, { "signal", JT_INT, 1 },
	{ "utime_ms", JT_INT, 1 }, { "stime_ms", JT_INT, 1 },
	{ "maxrss_kb", JT_INT, 1 }, { "expired", JT_BOOL, 0 },
	{ "oom_kills", JT_INT, 0 },
	{ "mem_limit_kb", JT_INT, 0 }, { "mem_peak_kb", JT_INT, 0 },
	{ NULL, 0, 0 }
};
static const struct msg_member m_priv_open[] = {
	{ "what", JT_STRING, 1 }, { "name", JT_STRING, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_signal[] = {
	{ "signal", JT_INT, 1 }, { NULL, 0, 0 }
};
static const struct msg_member m_priv_fd[] = {
	{ "what", JT_STRING, 1 }, { "name", JT_STRING, 0 }, { NULL, 0, 0 }
};

static const struct msg_type msg_types[] = {
	{ MSG_HELLO, "hello", ROLE_ANY, 4 * KiB, m_hello },
	{ MSG_ERROR, "error", ROLE_SCHEDD | ROLE_AGENT, 4 * KiB, m_error },
	{ MSG_OK, "ok", ROLE_SCHEDD | ROLE_AGENT, 4 * KiB, m_ok },
	{ MSG_SUBMIT, "submit", ROLE_CLIENT, 128 * MiB, m_submit },
	{ MSG_SUBMIT_REPLY, "submit-reply", ROLE_SCHEDD, 4 * KiB,
	    m_submit_reply },
	{ MSG_QUERY, "query", ROLE_CLIENT, 1 * MiB, m_query },
	{ MSG_QUERY_REPLY, "query-reply", ROLE_SCHEDD, 512 * MiB,
	    m_query_reply },
	{ MSG_ACT, "act", ROLE_CLIENT, 1 * MiB, m_act },
	{ MSG_ADMIN, "admin", ROLE_CLIENT, 16 * KiB, m_admin },
	{ MSG_EDIT, "edit", ROLE_CLIENT, 1 * MiB, m_edit },
	{ MSG_USERPRIO, "userprio", ROLE_CLIENT, 4 * KiB, m_userprio },
	{ MSG_SUBMIT_ITEMS, "submit-items", ROLE_CLIENT, 256 * KiB, NULL },
	{ MSG_AD, "ad", ROLE_AGENT, 1 * MiB, m_ad },
	{ MSG_HEARTBEAT, "heartbeat", ROLE_AGENT, 4 * KiB, m_heartbeat },
	{ MSG_START, "start", ROLE_SCHEDD, 1 * MiB, m_start },
	{ MSG_STARTED, "started", ROLE_AGENT, 4 * KiB, m_started },
	{ MSG_EXITED, "exited", ROLE_AGENT, 8 * KiB, m_exited },
	{ MSG_EXIT_ACK, "exit-ack", ROLE_SCHEDD, 4 * KiB, m_exit_ack },
	{ MSG_KILL, "kill", ROLE_SCHEDD, 4 * KiB, m_kill },
	{ MSG_SLOT, "slot", ROLE_AGENT, 4 * KiB, m_slot },
	{ MSG_BYE, "bye", ROLE_AGENT, 4 * KiB, m_bye },
	{ MSG_DRAIN, "drain", ROLE_SCHEDD, 4 * KiB, m_drain },
	{ MSG_VACATE, "vacate", ROLE_SCHEDD, 4 * KiB, m_vacate },
	{ MSG_PUT, "put", ROLE_CLIENT, 16 * KiB, m_put },
	{ MSG_PUT_DATA, "put-data", ROLE_CLIENT, 256 * KiB, NULL },
	{ MSG_FILE, "file", ROLE_AGENT | ROLE_SCHEDD, 16 * KiB, m_file },
	{ MSG_DATA, "data", ROLE_AGENT | ROLE_SCHEDD, 256 * KiB, NULL },
	{ MSG_FILE_ACK, "file-ack", ROLE_AGENT | ROLE_SCHEDD, 16 * KiB,
	    m_file_ack },
	{ MSG_HEARTBEAT_ACK, "heartbeat-ack", ROLE_SCHEDD, 4 * KiB,
	    m_heartbeat_ack },
	{ MSG_RECLAIM, "reclaim", ROLE_CLIENT, 4 * KiB, m_reclaim },
	{ MSG_PRIV_SPAWN, "priv-spawn", ROLE_PRIVC, 1 * MiB, m_priv_spawn },
	{ MSG_PRIV_SPAWNED, "priv-spawned", ROLE_PRIV, 4 * KiB,
	    m_priv_spawned },
	{ MSG_PRIV_JOBCTL, "priv-jobctl", ROLE_PRIVC, 4 * KiB, m_priv_jobctl },
	{ MSG_PRIV_RESULT, "priv-result", ROLE_PRIV, 4 * KiB, m_priv_result },
	{ MSG_PRIV_CRIU, "priv-criu", ROLE_PRIVC, 8 * KiB, m_priv_criu },
	{ MSG_PRIV_CRIU_DONE, "priv-criu-done", ROLE_PRIV, 4 * KiB,
	    m_priv_criu_done },
	{ MSG_PRIV_EXIT, "priv-exit", ROLE_PRIV, 4 * KiB, m_priv_exit },
	{ MSG_PRIV_FD, "priv-fd", ROLE_PRIV, 4 * KiB, m_priv_fd },
	{ MSG_PRIV_SIGNAL, "priv-signal", ROLE_PRIV, 4 * KiB, m_priv_signal },
	{ MSG_PRIV_OPEN, "priv-open", ROLE_PRIVC, 4 * KiB, m_priv_open },
};

/*
 * Protocol revisions (docs/protocol.md, "Revisions").  Revision 0 is
 * what a peer that announces none is taken to know: the tables above
 * without the members below.  Each member added to a table after
 * revision 0 is listed here with the revision that added it, and
 * MSG_REV is raised with it: a sender drops them from what goes to an
 * older peer (msg_for_rev).  A name with a dot is a member of a member
 * object ("machine.X": X in the ad's machine).
 *
 * Revision 0 is the agent's and the scheduler's tables as of commit
 * b3e85e6^ (2026-12-06).  Revision 1: the revision number itself, and
 * the optional members added since without one (the agent's own start
 * check, two job description members, the reason a run was killed, the
 * owner's expected absence, the image version and the opt-out reason
 * in the machine ad).  The start order is written as text by
 * agentmsg_start_text(), which asks msg_member_rev() of each member it
 * writes; a member of MSG_START's desc added here must be one that
 * jobdesc_wire_text() leaves out at its default, as these two are, and
 * agentmsg_start_desc() must reset it too.
 */
static const struct msg_added {
	uint16_t	 type;
	const char	*member;
	int		 rev;
} msg_added[] = {
	{ MSG_HELLO, "rev", 1 },
	{ MSG_START, "jobad", 1 },
	{ MSG_START, "desc.transfer_executable", 1 },
	{ MSG_START, "desc.hold", 1 },
	{ MSG_EXITED, "kill_reason", 1 },
	{ MSG_HEARTBEAT, "owner_absence_s", 1 },
	{ MSG_AD, "machine.CqImageVersion", 1 },
	{ MSG_AD, "machine.CqOwnerReason", 1 },
};

/*
 * Member objects whose own members a newer peer may add to: what a
 * peer newer than MSG_REV sends in them and this build does not know is
 * removed with the message's own unknown members (msg_prune).
 */
static const struct msg_nested {
	uint16_t		 type;
	const char		*member;
	const struct msg_member	*members;
} msg_nested[] = {
	{ MSG_AD, "machine", msg_machine_members },
};

const struct msg_type *
msg_type_get(uint16_t type)
{
	size_t	i;

	for (i = 0; i < sizeof msg_types / sizeof msg_types[0]; i++)
		if (msg_types[i].type == type)
			return &msg_types[i];
	return NULL;
}

const char *
msg_type_str(uint16_t type)
{
	const struct msg_type	*mt = msg_type_get(type);

	return mt == NULL ? "unknown" : mt->name;
}

/* 1 if MEMBERS has NAME. */
static int
msg_known(const struct msg_member *members, const char *name)
{
	const struct msg_member	*m;

	for (m = members; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return 1;
	return 0;
}

/*
 * Remove from OBJ, if it is an object, the members MEMBERS lacks; -1 out
 * of memory.  The names are taken first: no member is removed while the
 * object is walked (a removal frees that member's name only).
 */
static int
msg_prune_obj(struct json_object *obj, const struct msg_member *members)
{
	const char	**drop;
	size_t		  i, n = 0;

	if (!json_object_is_type(obj, json_type_object))
		return 0;
	json_object_object_foreach(obj, key, val) {
		(void)val;
		n += !msg_known(members, key);
	}
	if (n == 0)
		return 0;
	if ((drop = calloc(n, sizeof *drop)) == NULL)
		return -1;
	n = 0;
	json_object_object_foreach(obj, key2, val2) {
		(void)val2;
		if (!msg_known(members, key2))
			drop[n++] = key2;
	}
	for (i = 0; i < n; i++)
		json_object_object_del(obj, drop[i]);
	free(drop);
	return 0;
}

/* What a newer peer sent that this build does not know: away. */
static int
msg_prune(const struct msg_type *mt, struct json_object *obj)
{
	size_t	i;

	if (msg_prune_obj(obj, mt->members) == -1)
		return -1;
	for (i = 0; i < sizeof msg_nested / sizeof msg_nested[0]; i++)
		if (msg_nested[i].type == mt->type)
			if (msg_prune_obj(jsonx_get(obj,
			    msg_nested[i].member), msg_nested[i].members) == -1)
				return -1;
	return 0;
}

int
msg_hello_rev(struct json_object *hello)
{
	int64_t	rev = jsonx_int(hello, "rev", 0);

	if (rev < 0)
		return 0;
	return rev > MSG_REV_MAX ? MSG_REV_MAX : (int)rev;
}

int
msg_member_rev(uint16_t type, const char *member)
{
	size_t	i;

	for (i = 0; i < sizeof msg_added / sizeof msg_added[0]; i++)
		if (msg_added[i].type == type &&
		    strcmp(msg_added[i].member, member) == 0)
			return msg_added[i].rev;
	return 0;
}

/* 1 if OBJ has MEMBER ("a" or "a.b"); with DEL, it is removed. */
static int
msg_path(struct json_object *obj, const char *member, int del)
{
	struct json_object	*sub;
	const char		*dot = strchr(member, '.');
	char			 head[64];

	if (dot == NULL) {
		if (jsonx_get(obj, member) == NULL)
			return 0;
		if (del)
			json_object_object_del(obj, member);
		return 1;
	}
	if ((size_t)(dot - member) >= sizeof head)
		return 0;
	memcpy(head, member, (size_t)(dot - member));
	head[dot - member] = '\0';
	sub = jsonx_get(obj, head);
	if (sub == NULL || !json_object_is_type(sub, json_type_object))
		return 0;
	return msg_path(sub, dot + 1, del);
}

struct json_object *
msg_for_rev(uint16_t type, struct json_object *obj, int rev)
{
	struct json_object	*copy = NULL;
	size_t			 i;

	if (rev == MSG_REV_UNKNOWN || rev >= MSG_REV || obj == NULL)
		return json_object_get(obj);
	for (i = 0; i < sizeof msg_added / sizeof msg_added[0]; i++) {
		if (msg_added[i].type != type || msg_added[i].rev <= rev ||
		    !msg_path(copy != NULL ? copy : obj,
		    msg_added[i].member, 0))
			continue;
		/* The caller's object stays whole: it may go to others. */
		if (copy == NULL && json_object_deep_copy(obj, &copy,
		    NULL) != 0)
			return NULL;
		msg_path(copy, msg_added[i].member, 1);
	}
	return copy != NULL ? copy : json_object_get(obj);
}

int
msg_decode(uint16_t type, const void *buf, size_t len,
    struct json_object **out, const char **errstr)
{
	/* As from a peer of this revision: nothing unknown passes. */
	return msg_decode_rev(type, buf, len, MSG_REV, out, errstr);
}

int
msg_decode_rev(uint16_t type, const void *buf, size_t len, int peer_rev,
    struct json_object **out, const char **errstr)
{
	const struct msg_type	*mt;
	struct json_object	*obj;

	*out = NULL;
	if ((mt = msg_type_get(type)) == NULL || mt->members == NULL) {
		*errstr = "not a JSON message type";
		return -1;
	}
	if (jsonx_parse(buf, len, &obj, errstr) == -1)
		return -1;
	if (type == MSG_HELLO && peer_rev == MSG_REV_UNKNOWN &&
	    json_object_is_type(obj, json_type_object))
		peer_rev = msg_hello_rev(obj);
	if (peer_rev > MSG_REV && msg_prune(mt, obj) == -1) {
		json_object_put(obj);
		*errstr = "out of memory";
		return -1;
	}
	if (jsonx_check(obj, mt->members, errstr) == -1) {
		json_object_put(obj);
		return -1;
	}
	*out = obj;
	return 0;
}
