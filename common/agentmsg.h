/*
 * agentmsg.h: what an agent tells the scheduler, as C structs: slot
 * changes, started and exited reports, heartbeats, file announcements
 * and acknowledgements, errors and goodbyes; and the scheduler's short
 * answers and orders on the same link (exit-ack, kill, heartbeat-ack).
 * The decoders check every member (type, range, length) of a payload
 * msg_decode() accepted; the encoders build the same JSON the daemons
 * have always sent.  The agent's ad (its slots, the jobs it holds, its
 * machine ad: agentmsg-ad.c) and the scheduler's start order (with the
 * job's description and job ad: agentmsg-start.c) are structs too.  The
 * hello is not here (agents.c, startd/link.c).
 */
#ifndef CQ_AGENTMSG_H
#define CQ_AGENTMSG_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "jobdesc.h"
#include "machinead.h"
#include "slotstate.h"

struct json_object;

#define AGENTMSG_JOB_MAX	32	/* "CLUSTER.PROC" and its NUL */
#define AGENTMSG_NAME_MAX	64	/* a user name, a note's event */
#define AGENTMSG_TEXT_MAX	1024	/* an error, a reason, a note */
#define AGENTMSG_PATH_MAX	4096	/* XFER_MAX_PATH */
#define AGENTMSG_SHA_MAX	65	/* 64 hex digits and the NUL */
#define AGENTMSG_MAX_NOTES	16
#define AGENTMSG_MAX_SLOTS	1024
#define AGENTMSG_MAX_FILES	1000000
#define AGENTMSG_MAX_LOAD	1e6
#define AGENTMSG_MAX_ABSENCE	(366 * 86400)	/* a year, in seconds */
#define AGENTMSG_AGENT_MAX	65	/* an agent's name and its NUL */
#define AGENTMSG_MAX_AD_JOBS	(AGENTMSG_MAX_SLOTS * 4)
#define AGENTMSG_MAX_JOBAD	1024	/* attributes of a start's job ad */
#define AGENTMSG_ATTR_MAX	256	/* an attribute's name and its NUL */

/* An event of a run for the scheduler's event log (CRIU, checkpoints). */
struct agentmsg_note {
	char		 event[AGENTMSG_NAME_MAX];	/* [a-z0-9-]+ */
	char		 detail[AGENTMSG_TEXT_MAX];
};

/* MSG_SLOT: a slot moved to STATE; JOB/RUN are what it holds, if any. */
struct agentmsg_slot {
	int		 slot;				/* 1-based */
	enum slot_state	 state;				/* never OFFLINE */
	int		 has_job;
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
};

/* MSG_STARTED: run RUN of JOB runs as PID (and USER, "" if unsaid). */
struct agentmsg_started {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	int64_t		 pid;
	char		 user[AGENTMSG_NAME_MAX];
	size_t		 nnotes;
	struct agentmsg_note notes[AGENTMSG_MAX_NOTES];
};

/*
 * Why the agent ended a run it did not see end by itself (the exited
 * report's kill_reason): the owner's return (its vacate policy), its own
 * lease (the scheduler unheard for lease_ms), an administrator's vacate
 * (cq vacate), the agent's shutdown, or the scheduler's kill order (a
 * removal or a hold).
 */
enum agentmsg_kill_reason {
	AGENTMSG_KILL_NONE,
	AGENTMSG_KILL_OWNER,
	AGENTMSG_KILL_LEASE,
	AGENTMSG_KILL_VACATE,
	AGENTMSG_KILL_SHUTDOWN,
	AGENTMSG_KILL_REMOVED
};

/*
 * MSG_EXITED: run RUN of JOB ended.  Absent members read as: no error
 * (""), code -1, signal 0, usage 0, no slot state, no files, nothing
 * missing ("").  HAS_USAGE: code, signal and usage were sent (they are
 * sent together, for a run with no error).
 */
struct agentmsg_exited {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	int		 has_usage;
	int		 code;		/* -1 (signalled) to 255 */
	int		 signal;	/* 0 to 127 */
	int64_t		 utime_ms, stime_ms, maxrss_kb, wall_ms;
	char		 error[AGENTMSG_TEXT_MAX];	/* why it never ran */
	int		 evicted;
	enum agentmsg_kill_reason kill_reason;	/* NONE: unsaid */
	int		 has_slot_state;
	enum slot_state	 slot_state;	/* the slot's state after */
	int		 has_files;
	int64_t		 files;		/* files sent before it */
	int		 checkpoint;	/* ... which are a checkpoint */
	int		 criu;		/* ... a CRIU image */
	char		 missing[AGENTMSG_PATH_MAX];	/* an output not made */
	int		 memory_exceeded;
	int64_t		 memory_limit_mb, memory_peak_mb;
	size_t		 nnotes;
	struct agentmsg_note notes[AGENTMSG_MAX_NOTES];
};

/*
 * MSG_HEARTBEAT: renews the lease; owner times are -1 if unsaid.
 * OWNER_ABSENCE_S: how long the owner, if away now, is likely to stay
 * away (common/presence.h), the slot ad's ExpectedOwnerAbsence.
 */
struct agentmsg_heartbeat {
	int		 has_seq;
	int64_t		 seq;
	int		 has_load;
	double		 load;		/* 0 to AGENTMSG_MAX_LOAD */
	int64_t		 owner_idle_ms;
	int64_t		 owner_seen_ms;
	int64_t		 owner_absence_s; /* 0 to AGENTMSG_MAX_ABSENCE */
};

enum agentmsg_file_kind {
	AGENTMSG_FILE_INPUT,
	AGENTMSG_FILE_OUTPUT,
	AGENTMSG_FILE_CHECKPOINT
};

/* MSG_FILE: a file (or a directory, DIR) of run RUN of JOB comes next. */
struct agentmsg_file {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	char		 path[AGENTMSG_PATH_MAX];	/* checked at use */
	enum agentmsg_file_kind kind;
	int		 dir;
	int64_t		 size;		/* 0 to XFER_MAX_SIZE */
	int		 mode;		/* 0 to 07777 */
	char		 sha256[AGENTMSG_SHA_MAX];	/* "" if unsaid */
};

/* MSG_FILE_ACK: a file of run RUN of JOB arrived (OK) or not (ERROR). */
struct agentmsg_file_ack {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	char		 path[AGENTMSG_PATH_MAX];
	int		 ok;
	char		 error[AGENTMSG_TEXT_MAX];
};

/* MSG_EXIT_ACK (scheduler): the exit of run RUN of JOB is durable;
 * RESTART: run it again in place (after a checkpoint of its own). */
struct agentmsg_exit_ack {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	int		 restart;
};

/* MSG_KILL (scheduler): end run RUN of JOB; VACATE: its vacate signal
 * first. */
struct agentmsg_kill {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	int		 vacate;
};

/* MSG_HEARTBEAT_ACK (scheduler): the heartbeat SEQ (if it said) was heard. */
struct agentmsg_heartbeat_ack {
	int		 has_seq;
	int64_t		 seq;
};

/* MSG_BYE and MSG_ERROR: one text. */
struct agentmsg_text {
	char		 text[AGENTMSG_TEXT_MAX];
};

/* Any of them: TYPE says which member of U. */
struct agentmsg {
	uint16_t	 type;
	union {
		struct agentmsg_slot		slot;
		struct agentmsg_started		started;
		struct agentmsg_exited		exited;
		struct agentmsg_heartbeat	heartbeat;
		struct agentmsg_file		file;
		struct agentmsg_file_ack	file_ack;
		struct agentmsg_text		bye;
		struct agentmsg_text		error;
		struct agentmsg_exit_ack	exit_ack;
		struct agentmsg_kill		kill;
		struct agentmsg_heartbeat_ack	heartbeat_ack;
	} u;
};

/* A slot of an ad: ID (1-based, its place), its share, its state. */
struct agentmsg_ad_slot {
	int		 id;
	int64_t		 cpus;		/* 1 to INT32_MAX */
	int64_t		 memory_mb;	/* 0 or more */
	enum slot_state	 state;
};

/* A job an agent holds (running, or exited and not yet acknowledged). */
struct agentmsg_ad_job {
	char		 job[AGENTMSG_JOB_MAX];
	uint32_t	 run;
	int		 slot;		/* 1 to AGENTMSG_MAX_SLOTS */
	int		 exited;
};

/*
 * MSG_AD: an agent's ad at connect: NAME, its slots (1 to
 * AGENTMSG_MAX_SLOTS, numbered from 1 in order), the jobs it holds, CRIU
 * and its machine ad (NULL: it said nothing of its platform).  The
 * decoder allocates SLOTS, JOBS and MACHINE (agentmsg_ad_clear() frees
 * them); an encoder's caller may point MACHINE at an ad of its own and
 * set it NULL again before agentmsg_ad_clear().
 */
struct agentmsg_ad {
	char			 name[AGENTMSG_AGENT_MAX];
	struct agentmsg_ad_slot	*slots;
	size_t			 nslots;
	struct agentmsg_ad_job	*jobs;
	size_t			 njobs;
	int			 criu;
	struct machinead	*machine;
};

/* An attribute of the job ad in a start order (ClassAd name, value). */
struct agentmsg_attr {
	char			*name;
	struct expr_value	 v;	/* BOOL, INT, REAL or STRING */
};

/*
 * MSG_START (scheduler): start run RUN of JOB in SLOT as OWNER (UID on
 * the scheduler's side).  DESC is the job's description; a description
 * that does not decode does not refuse the order (the agent ends the run
 * with DESC_ERROR, as it always has).  XFER: its files travel, NFILES of
 * them, EXE the executable's name in the sandbox ("" if not sent), CKPT
 * the checkpoint's version (0: none).  JOBAD: the attributes of the job
 * ad, as matching saw it, that the machine's start names, for the agent's
 * own check of it; HAS_JOBAD 0 if the order carries none (a scheduler
 * from before: the agent does not judge).  agentmsg_start_clear() frees
 * DESC and JOBAD.
 */
struct agentmsg_start {
	char			 job[AGENTMSG_JOB_MAX];
	uint32_t		 run;
	int			 slot;
	char			 owner[AGENTMSG_NAME_MAX];
	int64_t			 uid;		/* -1 to 2^32-1 */
	struct jobdesc		 desc;
	char			 desc_error[AGENTMSG_TEXT_MAX];
	int			 xfer;
	int64_t			 nfiles;
	char			 exe[AGENTMSG_PATH_MAX];
	int64_t			 ckpt;
	int			 has_jobad;
	struct agentmsg_attr	*jobad;
	size_t			 njobad;
};

/* 1 if TYPE is one of the messages above, else 0. */
int	agentmsg_known(uint16_t type);
/* 1 if TYPE is one an agent sends (slot ... error), else 0. */
int	agentmsg_from_agent(uint16_t type);
/*
 * Decode OBJ, a payload of TYPE, into OUT: every member is checked;
 * -1 with ERRSTR ("run: out of range") if one is wrong.  Sets OUT's type
 * and its member for TYPE (out->u.heartbeat ...), whole, and leaves the
 * rest of the union as it was.
 */
int	agentmsg_decode_obj(uint16_t type, struct json_object *obj,
	    struct agentmsg *out, const char **errstr);
/*
 * The same for OBJ as msg_decode() (or a peer's message callback) gives
 * it: its members are those msg.c's table allows, of the right types,
 * so that check is not made again (the scheduler's agent messages).
 */
int	agentmsg_decode_msg(uint16_t type, struct json_object *obj,
	    struct agentmsg *out, const char **errstr);
/* The same from LEN bytes of JSON (msg_decode() first). */
int	agentmsg_decode(uint16_t type, const void *buf, size_t len,
	    struct agentmsg *out, const char **errstr);
/* The JSON payload of AM (a new object), or NULL if AM->type is unknown. */
struct json_object *agentmsg_encode(const struct agentmsg *am);
/*
 * The text agentmsg_encode() gives a heartbeat ack, made without json-c
 * (the scheduler sends one per heartbeat): into BUF of LEN bytes; its
 * length, or 0 if BUF is too short.
 */
size_t	agentmsg_heartbeat_ack_text(const struct agentmsg_heartbeat_ack *m,
	    char *buf, size_t len);

/*
 * The ad (agentmsg-ad.c): decode OBJ, an ad's payload, into AD (zeroed
 * first): every member checked, the machine ad strictly
 * (machinead_decode()); 0, or -1 with ERRSTR and AD empty.
 */
int	agentmsg_ad_decode(struct json_object *obj, struct agentmsg_ad *ad,
	    const char **errstr);
/* The same from LEN bytes of JSON (msg_decode() first). */
int	agentmsg_ad_decode_buf(const void *buf, size_t len,
	    struct agentmsg_ad *ad, const char **errstr);
/* The ad's JSON payload (a new object). */
struct json_object *agentmsg_ad_encode(const struct agentmsg_ad *ad);
/* Free what AD holds; AD is left zeroed. */
void	agentmsg_ad_clear(struct agentmsg_ad *ad);

/*
 * The start order (agentmsg-start.c): decode OBJ into SO (zeroed
 * first); 0, or -1 with ERRSTR and SO empty but for JOB, RUN and SLOT
 * if those decoded ("", 0 and 0 if not), so the run can be answered.  A
 * bad
 * description is not an error here: DESC_ERROR says it.
 */
int	agentmsg_start_decode(struct json_object *obj,
	    struct agentmsg_start *so, const char **errstr);
int	agentmsg_start_decode_buf(const void *buf, size_t len,
	    struct agentmsg_start *so, const char **errstr);
/* The order's JSON payload (a new object): DESC in its wire form. */
struct json_object *agentmsg_start_encode(const struct agentmsg_start *so);
/*
 * The same as text for a peer of revision REV, without json-c objects:
 * byte for byte jsonx_dump(msg_for_rev(MSG_START,
 * agentmsg_start_encode(SO), REV)).  DESC (DESCLEN bytes) is the text of
 * SO's description's wire form (jobdesc_wire_text(&so->desc)) if the
 * caller has it, else NULL.  NUL-terminated, its length in *LEN; the
 * caller frees it.
 */
char	*agentmsg_start_text(const struct agentmsg_start *so, const char *desc,
	    size_t desclen, int rev, size_t *len);
/* Add NAME = V (copied) to SO's job ad; 0, or -1 if full or bad. */
int	agentmsg_start_attr_add(struct agentmsg_start *so, const char *name,
	    const struct expr_value *v);
/* SO's job-ad attribute NAME (any case), or NULL. */
const struct expr_value *agentmsg_start_attr(const struct agentmsg_start *so,
	    const char *name);
/* Free what SO holds; SO is left zeroed. */
void	agentmsg_start_clear(struct agentmsg_start *so);

/*
 * Copy SRC into DST (SIZE bytes) as text a decoder accepts: cut at a
 * character's boundary, each byte that is not UTF-8 (or a NUL's place)
 * made '?'.
 */
void	agentmsg_text_set(char *dst, size_t size, const char *src);
/* Add a note (EVENT, DETAIL) to NOTES (*N of them); 0, -1 if full. */
int	agentmsg_note_add(struct agentmsg_note *notes, size_t *n,
	    const char *event, const char *detail);
/* The kind's name ("output"), and the reverse: 0, or -1 if unknown. */
const char *agentmsg_file_kind_str(enum agentmsg_file_kind);
/* "owner", "lease", "vacate", "shutdown", "removed" ("" for NONE). */
const char *agentmsg_kill_reason_str(enum agentmsg_kill_reason);
int	agentmsg_kill_reason_parse(const char *,
	    enum agentmsg_kill_reason *);
int	agentmsg_file_kind_parse(const char *, enum agentmsg_file_kind *);

#endif
