/*
 * msg.h: the message types of the wire protocol and the schema of each.
 * Types are numbered in ranges per conversation and never reused:
 *   1-15   any peer        16-63  client <-> scheduler
 *   64-127 agent <-> scheduler   128-159 client <-> agent (local)
 *   160-191 the agent's network child <-> its root parent (socketpair)
 * docs/protocol.md describes every member.
 */
#ifndef CQ_MSG_H
#define CQ_MSG_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Roles of the sender, a bit mask for msg_type.from. */
#define ROLE_CLIENT	0x01
#define ROLE_AGENT	0x02
#define ROLE_SCHEDD	0x04
#define ROLE_ANY	0x07
#define ROLE_PRIV	0x08	/* the agent's root parent (priv.c) */
#define ROLE_PRIVC	0x10	/* the agent's network child (privc.c) */

enum msg_kind {
	MSG_HELLO = 1,		/* any -> any: version, role, name */
	MSG_ERROR = 2,		/* reply: error text */
	MSG_OK = 3,		/* reply: generic success, optional count */

	MSG_SUBMIT = 16,	/* client: jobs[] or factory{} */
	MSG_SUBMIT_REPLY = 17,	/* schedd: cluster, count */
	MSG_QUERY = 18,		/* client: what, ids[], owner, limit,
				   constraint, desc */
	MSG_QUERY_REPLY = 19,	/* schedd: rows[] */
	MSG_ACT = 20,		/* client: action, ids[], all, machines[],
				   reason, constraint */
	MSG_PUT = 22,		/* client: path, size, mode, sha256 (staging) */
	MSG_PUT_DATA = 23,	/* client: raw chunk of the file PUT announced */
	MSG_ADMIN = 24,		/* client: action on the pool's credentials
				   (administrators only), id, name, ... */
	MSG_EDIT = 25,		/* client: ids[], attr, value (cq qedit;
				   cq prio edits JobPrio) */
	MSG_USERPRIO = 26,	/* client: action ("show", "setfactor",
				   "resetusage"), name, factor */
	MSG_SUBMIT_ITEMS = 27,	/* client: raw item lines of the factory
				   submit that follows (itemframe.h) */

	MSG_AD = 64,		/* agent: slots[], jobs[] (at connect) */
	MSG_HEARTBEAT = 65,	/* agent: lease keep-alive */
	MSG_START = 66,		/* schedd: job, run, slot, owner, desc */
	MSG_STARTED = 67,	/* agent: job, run, pid */
	MSG_EXITED = 68,	/* agent: job, run, code/signal, usage */
	MSG_EXIT_ACK = 69,	/* schedd: job, run: the exit is durable */
	MSG_KILL = 70,		/* schedd: job, run, vacate */
	MSG_SLOT = 71,		/* agent: slot, state (every transition) */
	MSG_BYE = 72,		/* agent: leaving (shutdown), reason */
	MSG_DRAIN = 73,		/* schedd: on (finish jobs, take no new) */
	MSG_VACATE = 74,	/* schedd: vacate every job now */
	MSG_FILE = 75,		/* either: job, run, path, size, mode, sha256,
				   kind ("input", "output", "checkpoint") */
	MSG_DATA = 76,		/* either: raw chunk of the FILE with its reqid */
	MSG_FILE_ACK = 77,	/* either: job, run, path, ok, error */
	MSG_HEARTBEAT_ACK = 78,	/* schedd: seq; answers a heartbeat sent
				   with a request id (and only such) */

	MSG_RECLAIM = 128,	/* client: the owner takes the desktop back */

	MSG_PRIV_SPAWN = 160,	/* child: job, run, owner, uid, the spec */
	MSG_PRIV_SPAWNED = 161,	/* parent: pid, or error (spawn's reply) */
	MSG_PRIV_JOBCTL = 162,	/* child: op (signal, freeze, ...), pid */
	MSG_PRIV_RESULT = 163,	/* parent: ok, errno, error (a reply) */
	MSG_PRIV_CRIU = 164,	/* child: op (dump, restore, abort), ... */
	MSG_PRIV_CRIU_DONE = 165, /* parent: id, ok, pid, error (event) */
	MSG_PRIV_EXIT = 166,	/* parent: pid, code, signal, usage (event) */
	MSG_PRIV_FD = 167,	/* parent: what, name; carries a descriptor */
	MSG_PRIV_SIGNAL = 168,	/* parent: signal (it got it: leave) */
	MSG_PRIV_OPEN = 169,	/* child: what ("input"), name: a priv-fd */
};

/* JSON types for member checks. */
enum jtype {
	JT_STRING, JT_INT, JT_BOOL, JT_OBJECT, JT_ARRAY, JT_DOUBLE
};

struct msg_member {
	const char	*name;
	enum jtype	 type;
	int		 required;
};

/* The members of an ad's machine ad (common/machinead.c). */
extern const struct msg_member	msg_machine_members[];

struct msg_type {
	uint16_t		 type;
	const char		*name;
	int			 from;		/* ROLE_* mask */
	uint32_t		 maxlen;	/* payload bytes */
	const struct msg_member	*members;	/* NULL: raw bytes */
};

/*
 * The protocol revision of this build (docs/protocol.md, "Revisions"):
 * sent as `rev` in every hello; a peer whose hello has none is of
 * revision 0.  MSG_REV_UNKNOWN: a peer that has not said hello yet.
 */
#define MSG_REV		1
#define MSG_REV_MAX	65535		/* the most a hello may announce */
#define MSG_REV_UNKNOWN	(-1)

/* The type's description, or NULL if the type is unknown. */
const struct msg_type	*msg_type_get(uint16_t type);
/* The type's name for logs ("unknown" if unknown). */
const char		*msg_type_str(uint16_t type);
/*
 * Parse and check a JSON payload of TYPE; takes nothing, fills *OUT.
 * Strict: a member the table lacks fails it.
 */
int	msg_decode(uint16_t type, const void *buf, size_t len,
	    struct json_object **out, const char **errstr);
/*
 * The same from a peer of revision PEER_REV (MSG_REV_UNKNOWN before its
 * hello; a hello's own `rev` counts for the hello).  A peer newer than
 * MSG_REV may carry members this build does not know: they are removed
 * (those of the message and of the members listed in msg.c's nested
 * table) before the check; from any other peer they fail it.
 */
int	msg_decode_rev(uint16_t type, const void *buf, size_t len,
	    int peer_rev, struct json_object **out, const char **errstr);
/* The revision a hello announces: its `rev`, 0 if it has none. */
int	msg_hello_rev(struct json_object *hello);
/*
 * OBJ as a message of TYPE for a peer of revision REV: a new reference
 * to OBJ itself, or to a copy without the members added after REV when
 * it has any (msg.c's table of additions).  REV MSG_REV_UNKNOWN or at
 * least MSG_REV: OBJ unchanged.
 */
struct json_object *msg_for_rev(uint16_t type, struct json_object *obj,
	    int rev);
/* The revision that added MEMBER ("machine.CqImageVersion": a member of
 * the member machine) to TYPE; 0 for one of the first tables. */
int	msg_member_rev(uint16_t type, const char *member);

#endif
