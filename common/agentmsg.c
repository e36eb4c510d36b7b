/*
 * agentmsg.c: the messages an agent sends the scheduler, decoded once
 * into C structs (agentmsg.h) and encoded from them.  A decoder takes a
 * payload that msg_decode() parsed, checks the members against msg.c's
 * table again (so it is safe on any object), then each value: job ids in
 * their canonical form "CLUSTER.PROC", runs 1 to 2^32-1, slot numbers,
 * slot states, counts and times in range, texts within their bounds.
 * What fails names the member; nothing of a refused message is used.
 * The encoders write what the decoders read, member for member, in the
 * order the agent has always sent them, so the JSON on the wire is the
 * same as before this module.  Texts the agent puts in a message go
 * through agentmsg_text_set(), so an encoded message always decodes.
 * The scheduler's exit-ack, kill and heartbeat-ack go the other way, as
 * structs too.  Called by scheduler/agents*.c (decode, at its dispatch;
 * encode of its answers), startd/jobs.c and startd/link.c (encode of the
 * reports; decode of the answers), common/xferq.c and startd/sandbox.c
 * (files both ways) and tests/fuzz/fuzz-agentmsg.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentmsg.h"
#include "agentmsg-int.h"
#include "jsonx.h"
#include "msg.h"
#include "text.h"
#include "xfer.h"

static char	agentmsg_errbuf[160];

/* Fail with "MEMBER: WHAT"; -1. */
int
agentmsg_fail(const char *member, const char *what, const char **errstr)
{
	snprintf(agentmsg_errbuf, sizeof agentmsg_errbuf, "%s: %s", member,
	    what);
	*errstr = agentmsg_errbuf;
	return -1;
}

/* 1 if S is DIGITS with no leading zero (but "0"), at most 10 of them. */
static int
agentmsg_number_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++)
		if (!text_isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* 1 if S is a job id as the scheduler writes it: "CLUSTER.PROC". */
int
agentmsg_job_ok(const char *s)
{
	const char	*dot = strchr(s, '.');
	char		 buf[16];
	long long	 v;
	const char	*errstr;

	if (dot == NULL || !agentmsg_number_ok(s, (size_t)(dot - s)) ||
	    !agentmsg_number_ok(dot + 1, strlen(dot + 1)))
		return 0;
	memcpy(buf, s, (size_t)(dot - s));
	buf[dot - s] = '\0';
	v = strtonum(buf, 1, UINT32_MAX, &errstr);
	if (errstr != NULL || v < 1)
		return 0;
	(void)strtonum(dot + 1, 0, UINT32_MAX, &errstr);
	return errstr == NULL;
}

/* 1 if S is a SHA-256 sum as xfer.c writes it: 64 lower-case hex digits. */
static int
agentmsg_sha_ok(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++)
		if (!text_isdigit((unsigned char)s[i]) &&
		    !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return s[64] == '\0';
}

/* 1 if S is a note's event name: 1 to 63 of [a-z0-9-]. */
static int
agentmsg_event_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n >= AGENTMSG_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !text_isdigit(s[i]) &&
		    s[i] != '-')
			return 0;
	return 1;
}

/* V, a string, into DST (SIZE bytes); NONEMPTY: "" is refused. */
int
agentmsg_strval(struct json_object *v, const char *what, char *dst,
    size_t size, int nonempty, const char **errstr)
{
	const char	*s;
	size_t		 n;

	dst[0] = '\0';
	if (!json_object_is_type(v, json_type_string))
		return agentmsg_fail(what, "not a string", errstr);
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n != strlen(s) || !text_utf8(s, n))
		return agentmsg_fail(what, "not UTF-8 text", errstr);
	if (n >= size)
		return agentmsg_fail(what, "too long", errstr);
	if (n == 0 && nonempty)
		return agentmsg_fail(what, "empty", errstr);
	memcpy(dst, s, n + 1);
	return 0;
}

/*
 * Member KEY of O (a string) into DST (SIZE bytes).  Absent: "" (or an
 * error if REQUIRED).  NONEMPTY: "" is refused.
 */
int
agentmsg_str(struct json_object *o, const char *key, char *dst, size_t size,
    int required, int nonempty, const char **errstr)
{
	struct json_object	*v = jsonx_get(o, key);

	dst[0] = '\0';
	if (v == NULL)
		return required ? agentmsg_fail(key, "missing", errstr) : 0;
	return agentmsg_strval(v, key, dst, size, nonempty, errstr);
}

/* Member KEY of O, an integer in [MIN, MAX]; DEF if absent (or an
 * error if REQUIRED). */
int
agentmsg_int(struct json_object *o, const char *key, int64_t min,
    int64_t max, int64_t def, int required, int64_t *out,
    const char **errstr)
{
	struct json_object	*v = jsonx_get(o, key);
	int64_t			 n;

	*out = def;
	if (v == NULL)
		return required ? agentmsg_fail(key, "missing", errstr) : 0;
	if (!json_object_is_type(v, json_type_int))
		return agentmsg_fail(key, "not an integer", errstr);
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return agentmsg_fail(key, "out of range", errstr);
	*out = n;
	return 0;
}

/* Member KEY of O, a boolean; 0 if absent. */
int
agentmsg_bool(struct json_object *o, const char *key, int *out,
    const char **errstr)
{
	struct json_object	*v = jsonx_get(o, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return agentmsg_fail(key, "not a boolean", errstr);
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

/* "job" (a job id) and "run" (1 to 2^32-1), both required. */
int
agentmsg_jobrun(struct json_object *o, char *job, uint32_t *run,
    const char **errstr)
{
	int64_t	n;

	if (agentmsg_str(o, "job", job, AGENTMSG_JOB_MAX, 1, 1,
	    errstr) == -1)
		return -1;
	if (!agentmsg_job_ok(job))
		return agentmsg_fail("job", "not a job id (CLUSTER.PROC)",
		    errstr);
	if (agentmsg_int(o, "run", 1, UINT32_MAX, 0, 1, &n, errstr) == -1)
		return -1;
	*run = (uint32_t)n;
	return 0;
}

/* A slot state the agent may report (OFFLINE is the scheduler's). */
static int
agentmsg_state(struct json_object *o, const char *key, int required,
    int *has, enum slot_state *st, const char **errstr)
{
	char	buf[32];

	*has = 0;
	*st = SLOT_OWNER;
	if (agentmsg_str(o, key, buf, sizeof buf, required, 0, errstr) == -1)
		return -1;
	if (jsonx_get(o, key) == NULL)
		return 0;
	if (slot_state_parse(buf, st) == -1 || *st == SLOT_OFFLINE)
		return agentmsg_fail(key, "not a slot state", errstr);
	*has = 1;
	return 0;
}

/* "notes": at most AGENTMSG_MAX_NOTES [event, detail] pairs. */
static int
agentmsg_notes(struct json_object *o, struct agentmsg_note *notes,
    size_t *n, const char **errstr)
{
	struct json_object	*a = jsonx_get(o, "notes"), *e;
	size_t			 i, len;

	*n = 0;
	if (a == NULL)
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return agentmsg_fail("notes", "not an array", errstr);
	if ((len = json_object_array_length(a)) > AGENTMSG_MAX_NOTES)
		return agentmsg_fail("notes", "too many", errstr);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_array) ||
		    json_object_array_length(e) != 2)
			return agentmsg_fail("notes", "not [event, detail]",
			    errstr);
		if (agentmsg_strval(json_object_array_get_idx(e, 0),
		    "notes: event", notes[i].event, sizeof notes[i].event, 1,
		    errstr) == -1 ||
		    agentmsg_strval(json_object_array_get_idx(e, 1),
		    "notes: detail", notes[i].detail, sizeof notes[i].detail, 0,
		    errstr) == -1)
			return -1;
		if (!agentmsg_event_ok(notes[i].event))
			return agentmsg_fail("notes: event",
			    "not a name of [a-z0-9-]", errstr);
	}
	*n = len;
	return 0;
}

static int
agentmsg_slot_decode(struct json_object *o, struct agentmsg_slot *m,
    const char **errstr)
{
	int64_t	n;
	int	has;

	if (agentmsg_int(o, "slot", 1, AGENTMSG_MAX_SLOTS, 0, 1, &n,
	    errstr) == -1)
		return -1;
	m->slot = (int)n;
	if (agentmsg_state(o, "state", 1, &has, &m->state, errstr) == -1)
		return -1;
	m->has_job = jsonx_get(o, "job") != NULL;
	if (m->has_job != (jsonx_get(o, "run") != NULL))
		return agentmsg_fail(m->has_job ? "run" : "job",
		    "missing (job and run go together)", errstr);
	m->job[0] = '\0';
	m->run = 0;
	if (m->has_job && agentmsg_jobrun(o, m->job, &m->run, errstr) == -1)
		return -1;
	return 0;
}

static int
agentmsg_started_decode(struct json_object *o, struct agentmsg_started *m,
    const char **errstr)
{
	if (agentmsg_jobrun(o, m->job, &m->run, errstr) == -1 ||
	    agentmsg_int(o, "pid", 0, INT32_MAX, 0, 1, &m->pid,
	    errstr) == -1 ||
	    agentmsg_str(o, "user", m->user, sizeof m->user, 0, 1,
	    errstr) == -1 ||
	    agentmsg_notes(o, m->notes, &m->nnotes, errstr) == -1)
		return -1;
	return 0;
}

static int
agentmsg_exited_decode(struct json_object *o, struct agentmsg_exited *m,
    const char **errstr)
{
	static const char *const usage[] = { "code", "signal", "utime_ms",
	    "stime_ms", "maxrss_kb", "wall_ms" };
	char	 why[16];
	int64_t	 n;
	size_t	 i;

	if (agentmsg_jobrun(o, m->job, &m->run, errstr) == -1)
		return -1;
	m->has_usage = 0;
	for (i = 0; i < sizeof usage / sizeof usage[0]; i++)
		if (jsonx_get(o, usage[i]) != NULL)
			m->has_usage = 1;
	if (agentmsg_int(o, "code", -1, 255, -1, 0, &n, errstr) == -1)
		return -1;
	m->code = (int)n;
	if (agentmsg_int(o, "signal", 0, 127, 0, 0, &n, errstr) == -1)
		return -1;
	m->signal = (int)n;
	if (agentmsg_int(o, "utime_ms", 0, INT64_MAX, 0, 0, &m->utime_ms,
	    errstr) == -1 ||
	    agentmsg_int(o, "stime_ms", 0, INT64_MAX, 0, 0, &m->stime_ms,
	    errstr) == -1 ||
	    agentmsg_int(o, "maxrss_kb", 0, INT64_MAX, 0, 0, &m->maxrss_kb,
	    errstr) == -1 ||
	    agentmsg_int(o, "wall_ms", 0, INT64_MAX, 0, 0, &m->wall_ms,
	    errstr) == -1 ||
	    agentmsg_str(o, "error", m->error, sizeof m->error, 0, 1,
	    errstr) == -1 ||
	    agentmsg_bool(o, "evicted", &m->evicted, errstr) == -1 ||
	    agentmsg_str(o, "kill_reason", why, sizeof why, 0, 1,
	    errstr) == -1 ||
	    agentmsg_state(o, "slot_state", 0, &m->has_slot_state,
	    &m->slot_state, errstr) == -1 ||
	    agentmsg_int(o, "files", 0, AGENTMSG_MAX_FILES, 0, 0, &m->files,
	    errstr) == -1 ||
	    agentmsg_bool(o, "checkpoint", &m->checkpoint, errstr) == -1 ||
	    agentmsg_bool(o, "criu", &m->criu, errstr) == -1 ||
	    agentmsg_str(o, "missing", m->missing, sizeof m->missing, 0, 1,
	    errstr) == -1 ||
	    agentmsg_bool(o, "memory_exceeded", &m->memory_exceeded,
	    errstr) == -1 ||
	    agentmsg_int(o, "memory_limit_mb", 0, INT64_MAX, 0, 0,
	    &m->memory_limit_mb, errstr) == -1 ||
	    agentmsg_int(o, "memory_peak_mb", 0, INT64_MAX, 0, 0,
	    &m->memory_peak_mb, errstr) == -1 ||
	    agentmsg_notes(o, m->notes, &m->nnotes, errstr) == -1)
		return -1;
	m->kill_reason = AGENTMSG_KILL_NONE;
	if (why[0] != '\0' &&
	    agentmsg_kill_reason_parse(why, &m->kill_reason) == -1)
		return agentmsg_fail("kill_reason", "not a reason the agent "
		    "has", errstr);
	m->has_files = jsonx_get(o, "files") != NULL;
	return 0;
}

static int
agentmsg_heartbeat_decode(struct json_object *o,
    struct agentmsg_heartbeat *m, const char **errstr)
{
	struct json_object	*v;

	m->has_seq = jsonx_get(o, "seq") != NULL;
	if (agentmsg_int(o, "seq", 0, INT64_MAX, 0, 0, &m->seq,
	    errstr) == -1 ||
	    agentmsg_int(o, "owner_idle_ms", 0, INT64_MAX, -1, 0,
	    &m->owner_idle_ms, errstr) == -1 ||
	    agentmsg_int(o, "owner_seen_ms", 0, INT64_MAX, -1, 0,
	    &m->owner_seen_ms, errstr) == -1 ||
	    agentmsg_int(o, "owner_absence_s", 0, AGENTMSG_MAX_ABSENCE, -1, 0,
	    &m->owner_absence_s, errstr) == -1)
		return -1;
	m->has_load = 0;
	m->load = 0;
	if ((v = jsonx_get(o, "load")) != NULL) {
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return agentmsg_fail("load", "not a number", errstr);
		m->load = json_object_get_double(v);
		if (!isfinite(m->load) || m->load < 0 ||
		    m->load >= AGENTMSG_MAX_LOAD)
			return agentmsg_fail("load", "out of range", errstr);
		m->load += 0.0;		/* no -0 */
		m->has_load = 1;
	}
	return 0;
}

static int
agentmsg_file_decode(struct json_object *o, struct agentmsg_file *m,
    const char **errstr)
{
	char	kind[16];
	int64_t	n;

	if (agentmsg_jobrun(o, m->job, &m->run, errstr) == -1 ||
	    agentmsg_str(o, "path", m->path, sizeof m->path, 1, 1,
	    errstr) == -1 ||
	    agentmsg_str(o, "kind", kind, sizeof kind, 1, 1, errstr) == -1)
		return -1;
	if (agentmsg_file_kind_parse(kind, &m->kind) == -1)
		return agentmsg_fail("kind", "not input, output or checkpoint",
		    errstr);
	if (agentmsg_bool(o, "dir", &m->dir, errstr) == -1 ||
	    agentmsg_int(o, "size", 0, (int64_t)XFER_MAX_SIZE, 0, 1,
	    &m->size, errstr) == -1 ||
	    agentmsg_int(o, "mode", 0, 07777, 0, 1, &n, errstr) == -1 ||
	    agentmsg_str(o, "sha256", m->sha256, sizeof m->sha256, 0, 1,
	    errstr) == -1)
		return -1;
	m->mode = (int)n;
	if (m->sha256[0] != '\0' && !agentmsg_sha_ok(m->sha256))
		return agentmsg_fail("sha256", "not 64 hex digits", errstr);
	if (m->dir && (m->size != 0 || m->sha256[0] != '\0'))
		return agentmsg_fail("dir", "a directory has no size or sum",
		    errstr);
	return 0;
}

static int
agentmsg_file_ack_decode(struct json_object *o, struct agentmsg_file_ack *m,
    const char **errstr)
{
	if (agentmsg_jobrun(o, m->job, &m->run, errstr) == -1 ||
	    agentmsg_str(o, "path", m->path, sizeof m->path, 1, 1,
	    errstr) == -1 ||
	    agentmsg_bool(o, "ok", &m->ok, errstr) == -1 ||
	    agentmsg_str(o, "error", m->error, sizeof m->error, 0, 1,
	    errstr) == -1)
		return -1;
	return 0;
}

int
agentmsg_known(uint16_t type)
{
	switch (type) {
	case MSG_EXIT_ACK:
	case MSG_KILL:
	case MSG_HEARTBEAT_ACK:
		return 1;
	}
	return agentmsg_from_agent(type);
}

int
agentmsg_from_agent(uint16_t type)
{
	switch (type) {
	case MSG_SLOT:
	case MSG_STARTED:
	case MSG_EXITED:
	case MSG_HEARTBEAT:
	case MSG_FILE:
	case MSG_FILE_ACK:
	case MSG_BYE:
	case MSG_ERROR:
		return 1;
	}
	return 0;
}

/* The bytes of OUT's member for TYPE (the union's largest otherwise). */
static size_t
agentmsg_member_size(uint16_t type)
{
	const struct agentmsg	*am = NULL;

	switch (type) {
	case MSG_SLOT:
		return sizeof am->u.slot;
	case MSG_STARTED:
		return sizeof am->u.started;
	case MSG_EXITED:
		return sizeof am->u.exited;
	case MSG_HEARTBEAT:
		return sizeof am->u.heartbeat;
	case MSG_FILE:
		return sizeof am->u.file;
	case MSG_FILE_ACK:
		return sizeof am->u.file_ack;
	case MSG_BYE:
		return sizeof am->u.bye;
	case MSG_ERROR:
		return sizeof am->u.error;
	case MSG_EXIT_ACK:
		return sizeof am->u.exit_ack;
	case MSG_KILL:
		return sizeof am->u.kill;
	case MSG_HEARTBEAT_ACK:
		return sizeof am->u.heartbeat_ack;
	}
	return sizeof am->u;
}

/* agentmsg_decode_obj(), with CHECK 0 when msg.c checked OBJ already. */
static int
agentmsg_decode_as(uint16_t type, struct json_object *obj,
    struct agentmsg *out, int check, const char **errstr)
{
	const struct msg_type	*mt = msg_type_get(type);
	size_t			 size = agentmsg_member_size(type);
	int			 rc;

	/*
	 * Only TYPE's member is cleared: the union is some 23 KB (an exit
	 * report's notes and files) and a heartbeat's member a few bytes,
	 * and one comes from every agent every few seconds.
	 */
	out->type = type;
	memset(&out->u, 0, size);
	if (!agentmsg_known(type) || mt == NULL) {
		*errstr = "not a message of the agent link";
		return -1;
	}
	if (check && jsonx_check(obj, mt->members, errstr) == -1)
		return -1;
	switch (type) {
	case MSG_SLOT:
		rc = agentmsg_slot_decode(obj, &out->u.slot, errstr);
		break;
	case MSG_STARTED:
		rc = agentmsg_started_decode(obj, &out->u.started, errstr);
		break;
	case MSG_EXITED:
		rc = agentmsg_exited_decode(obj, &out->u.exited, errstr);
		break;
	case MSG_HEARTBEAT:
		rc = agentmsg_heartbeat_decode(obj, &out->u.heartbeat, errstr);
		break;
	case MSG_FILE:
		rc = agentmsg_file_decode(obj, &out->u.file, errstr);
		break;
	case MSG_FILE_ACK:
		rc = agentmsg_file_ack_decode(obj, &out->u.file_ack, errstr);
		break;
	case MSG_BYE:
		rc = agentmsg_str(obj, "reason", out->u.bye.text,
		    sizeof out->u.bye.text, 1, 0, errstr);
		break;
	case MSG_EXIT_ACK:
		rc = agentmsg_jobrun(obj, out->u.exit_ack.job,
		    &out->u.exit_ack.run, errstr) == -1 ||
		    agentmsg_bool(obj, "restart", &out->u.exit_ack.restart,
		    errstr) == -1 ? -1 : 0;
		break;
	case MSG_KILL:
		rc = agentmsg_jobrun(obj, out->u.kill.job, &out->u.kill.run,
		    errstr) == -1 || agentmsg_bool(obj, "vacate",
		    &out->u.kill.vacate, errstr) == -1 ? -1 : 0;
		break;
	case MSG_HEARTBEAT_ACK:
		out->u.heartbeat_ack.has_seq = jsonx_get(obj, "seq") != NULL;
		rc = agentmsg_int(obj, "seq", 0, INT64_MAX, 0, 0,
		    &out->u.heartbeat_ack.seq, errstr);
		break;
	default:	/* MSG_ERROR */
		rc = agentmsg_str(obj, "error", out->u.error.text,
		    sizeof out->u.error.text, 1, 0, errstr);
		break;
	}
	if (rc == -1)
		memset(&out->u, 0, size);
	return rc;
}

int
agentmsg_decode_obj(uint16_t type, struct json_object *obj,
    struct agentmsg *out, const char **errstr)
{
	return agentmsg_decode_as(type, obj, out, 1, errstr);
}

int
agentmsg_decode_msg(uint16_t type, struct json_object *obj,
    struct agentmsg *out, const char **errstr)
{
	return agentmsg_decode_as(type, obj, out, 0, errstr);
}

int
agentmsg_decode(uint16_t type, const void *buf, size_t len,
    struct agentmsg *out, const char **errstr)
{
	struct json_object	*obj;
	int			 rc;

	memset(out, 0, sizeof *out);
	out->type = type;
	if (!agentmsg_known(type)) {
		*errstr = "not a message of the agent link";
		return -1;
	}
	if (msg_decode(type, buf, len, &obj, errstr) == -1)
		return -1;
	rc = agentmsg_decode_obj(type, obj, out, errstr);
	json_object_put(obj);
	return rc;
}

void
agentmsg_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
}

void
agentmsg_add_int(struct json_object *o, const char *key, int64_t n)
{
	json_object_object_add(o, key, json_object_new_int64(n));
}

void
agentmsg_add_true(struct json_object *o, const char *key)
{
	json_object_object_add(o, key, json_object_new_boolean(1));
}

static void
agentmsg_add_notes(struct json_object *o, const struct agentmsg_note *notes,
    size_t n)
{
	struct json_object	*a, *pair;
	size_t			 i;

	if (n == 0)
		return;
	a = json_object_new_array();
	for (i = 0; i < n && i < AGENTMSG_MAX_NOTES; i++) {
		pair = json_object_new_array();
		json_object_array_add(pair,
		    json_object_new_string(notes[i].event));
		json_object_array_add(pair,
		    json_object_new_string(notes[i].detail));
		json_object_array_add(a, pair);
	}
	json_object_object_add(o, "notes", a);
}

static void
agentmsg_exited_encode(struct json_object *o, const struct agentmsg_exited *m)
{
	agentmsg_add_str(o, "job", m->job);
	agentmsg_add_int(o, "run", m->run);
	if (m->has_slot_state)
		agentmsg_add_str(o, "slot_state",
		    slot_state_str(m->slot_state));
	if (m->evicted)
		agentmsg_add_true(o, "evicted");
	if (m->kill_reason != AGENTMSG_KILL_NONE)
		agentmsg_add_str(o, "kill_reason",
		    agentmsg_kill_reason_str(m->kill_reason));
	if (m->has_files)
		agentmsg_add_int(o, "files", m->files);
	if (m->checkpoint)
		agentmsg_add_true(o, "checkpoint");
	if (m->criu)
		agentmsg_add_true(o, "criu");
	if (m->missing[0] != '\0')
		agentmsg_add_str(o, "missing", m->missing);
	if (m->error[0] != '\0')
		agentmsg_add_str(o, "error", m->error);
	if (m->has_usage) {
		agentmsg_add_int(o, "code", m->code);
		agentmsg_add_int(o, "signal", m->signal);
		agentmsg_add_int(o, "utime_ms", m->utime_ms);
		agentmsg_add_int(o, "stime_ms", m->stime_ms);
		agentmsg_add_int(o, "maxrss_kb", m->maxrss_kb);
		agentmsg_add_int(o, "wall_ms", m->wall_ms);
	}
	if (m->memory_peak_mb != 0)
		agentmsg_add_int(o, "memory_peak_mb", m->memory_peak_mb);
	if (m->memory_exceeded)
		agentmsg_add_true(o, "memory_exceeded");
	if (m->memory_exceeded || m->memory_limit_mb != 0)
		agentmsg_add_int(o, "memory_limit_mb", m->memory_limit_mb);
	agentmsg_add_notes(o, m->notes, m->nnotes);
}

static void
agentmsg_file_encode(struct json_object *o, const struct agentmsg_file *m)
{
	agentmsg_add_str(o, "job", m->job);
	agentmsg_add_int(o, "run", m->run);
	agentmsg_add_str(o, "path", m->path);
	agentmsg_add_str(o, "kind", agentmsg_file_kind_str(m->kind));
	if (m->dir)
		agentmsg_add_true(o, "dir");
	agentmsg_add_int(o, "size", m->size);
	agentmsg_add_int(o, "mode", m->mode);
	if (m->sha256[0] != '\0')
		agentmsg_add_str(o, "sha256", m->sha256);
}

struct json_object *
agentmsg_encode(const struct agentmsg *am)
{
	struct json_object	*o;

	if (!agentmsg_known(am->type))
		return NULL;
	o = json_object_new_object();
	switch (am->type) {
	case MSG_SLOT:
		agentmsg_add_int(o, "slot", am->u.slot.slot);
		agentmsg_add_str(o, "state", slot_state_str(am->u.slot.state));
		if (am->u.slot.has_job) {
			agentmsg_add_str(o, "job", am->u.slot.job);
			agentmsg_add_int(o, "run", am->u.slot.run);
		}
		break;
	case MSG_STARTED:
		agentmsg_add_str(o, "job", am->u.started.job);
		agentmsg_add_int(o, "run", am->u.started.run);
		agentmsg_add_int(o, "pid", am->u.started.pid);
		if (am->u.started.user[0] != '\0')
			agentmsg_add_str(o, "user", am->u.started.user);
		agentmsg_add_notes(o, am->u.started.notes,
		    am->u.started.nnotes);
		break;
	case MSG_EXITED:
		agentmsg_exited_encode(o, &am->u.exited);
		break;
	case MSG_HEARTBEAT:
		if (am->u.heartbeat.has_seq)
			agentmsg_add_int(o, "seq", am->u.heartbeat.seq);
		if (am->u.heartbeat.has_load)
			json_object_object_add(o, "load",
			    json_object_new_double(am->u.heartbeat.load));
		if (am->u.heartbeat.owner_idle_ms >= 0)
			agentmsg_add_int(o, "owner_idle_ms",
			    am->u.heartbeat.owner_idle_ms);
		if (am->u.heartbeat.owner_seen_ms >= 0)
			agentmsg_add_int(o, "owner_seen_ms",
			    am->u.heartbeat.owner_seen_ms);
		if (am->u.heartbeat.owner_absence_s >= 0)
			agentmsg_add_int(o, "owner_absence_s",
			    am->u.heartbeat.owner_absence_s);
		break;
	case MSG_FILE:
		agentmsg_file_encode(o, &am->u.file);
		break;
	case MSG_FILE_ACK:
		agentmsg_add_str(o, "job", am->u.file_ack.job);
		agentmsg_add_int(o, "run", am->u.file_ack.run);
		agentmsg_add_str(o, "path", am->u.file_ack.path);
		json_object_object_add(o, "ok",
		    json_object_new_boolean(am->u.file_ack.ok));
		if (am->u.file_ack.error[0] != '\0')
			agentmsg_add_str(o, "error", am->u.file_ack.error);
		break;
	case MSG_BYE:
		agentmsg_add_str(o, "reason", am->u.bye.text);
		break;
	case MSG_ERROR:
		agentmsg_add_str(o, "error", am->u.error.text);
		break;
	case MSG_EXIT_ACK:
		agentmsg_add_str(o, "job", am->u.exit_ack.job);
		agentmsg_add_int(o, "run", am->u.exit_ack.run);
		if (am->u.exit_ack.restart)
			agentmsg_add_true(o, "restart");
		break;
	case MSG_KILL:
		agentmsg_add_str(o, "job", am->u.kill.job);
		agentmsg_add_int(o, "run", am->u.kill.run);
		if (am->u.kill.vacate)
			agentmsg_add_true(o, "vacate");
		break;
	case MSG_HEARTBEAT_ACK:
		if (am->u.heartbeat_ack.has_seq)
			agentmsg_add_int(o, "seq", am->u.heartbeat_ack.seq);
		break;
	}
	return o;
}

size_t
agentmsg_heartbeat_ack_text(const struct agentmsg_heartbeat_ack *m,
    char *buf, size_t len)
{
	int	n;

	if (m->has_seq)
		n = snprintf(buf, len, "{\"seq\":%lld}", (long long)m->seq);
	else
		n = snprintf(buf, len, "{}");
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

void
agentmsg_text_set(char *dst, size_t size, const char *src)
{
	text_utf8_clean(dst, size, src);
}

int
agentmsg_note_add(struct agentmsg_note *notes, size_t *n, const char *event,
    const char *detail)
{
	if (*n >= AGENTMSG_MAX_NOTES || !agentmsg_event_ok(event))
		return -1;
	agentmsg_text_set(notes[*n].event, sizeof notes[*n].event, event);
	agentmsg_text_set(notes[*n].detail, sizeof notes[*n].detail, detail);
	(*n)++;
	return 0;
}

static const char *const agentmsg_kinds[] = {
	[AGENTMSG_FILE_INPUT] = "input",
	[AGENTMSG_FILE_OUTPUT] = "output",
	[AGENTMSG_FILE_CHECKPOINT] = "checkpoint",
};

const char *
agentmsg_file_kind_str(enum agentmsg_file_kind k)
{
	if ((size_t)k >= sizeof agentmsg_kinds / sizeof agentmsg_kinds[0])
		return "unknown";
	return agentmsg_kinds[k];
}

int
agentmsg_file_kind_parse(const char *s, enum agentmsg_file_kind *k)
{
	size_t	i;

	for (i = 0; i < sizeof agentmsg_kinds / sizeof agentmsg_kinds[0]; i++)
		if (strcmp(s, agentmsg_kinds[i]) == 0) {
			*k = (enum agentmsg_file_kind)i;
			return 0;
		}
	return -1;
}

static const char *const agentmsg_reasons[] = {
	[AGENTMSG_KILL_NONE] = "",
	[AGENTMSG_KILL_OWNER] = "owner",
	[AGENTMSG_KILL_LEASE] = "lease",
	[AGENTMSG_KILL_VACATE] = "vacate",
	[AGENTMSG_KILL_SHUTDOWN] = "shutdown",
	[AGENTMSG_KILL_REMOVED] = "removed",
};

const char *
agentmsg_kill_reason_str(enum agentmsg_kill_reason r)
{
	if ((size_t)r >= sizeof agentmsg_reasons / sizeof agentmsg_reasons[0])
		return "";
	return agentmsg_reasons[r];
}

int
agentmsg_kill_reason_parse(const char *s, enum agentmsg_kill_reason *r)
{
	size_t	i;

	/* (Not the empty NONE: a sent reason names one.) */
	for (i = 1; i < sizeof agentmsg_reasons / sizeof agentmsg_reasons[0];
	    i++)
		if (strcmp(s, agentmsg_reasons[i]) == 0) {
			*r = (enum agentmsg_kill_reason)i;
			return 0;
		}
	return -1;
}
