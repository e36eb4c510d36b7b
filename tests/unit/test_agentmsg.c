/*
 * test_agentmsg.c: unit tests of the agent's reports as C structs
 * (common/agentmsg.c): each message encoded and decoded again gives the
 * same struct; the encoders write the JSON the agent has always sent;
 * each member with a wrong type, range or length is refused, naming the
 * member; texts the agent puts in a message always decode.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "agentmsg.h"
#include "jsonx.h"
#include "msg.h"
#include "xmalloc.h"

/* AM encoded (as the agent sends it), as text; the caller frees it. */
static char *
encode(const struct agentmsg *am)
{
	struct json_object	*o;
	const char		*s;
	size_t			 len;
	char			*copy;

	o = agentmsg_encode(am);
	cr_assert_not_null(o);
	s = jsonx_dump(o, &len);
	copy = xstrdup(s);
	json_object_put(o);
	return copy;
}

/* AM through the wire and back: the same struct, and the same text. */
static void
round_trip(const struct agentmsg *am)
{
	struct agentmsg	*back = xcalloc(1, sizeof *back);
	struct json_object *o;
	const char	*errstr = NULL;
	char		*text, *again;

	text = encode(am);
	cr_assert_eq(agentmsg_decode(am->type, text, strlen(text), back,
	    &errstr), 0, "%s refused: %s", text, errstr);
	cr_assert_eq(back->type, am->type);
	cr_assert(memcmp(back, am, sizeof *am) == 0, "%s: not the same", text);
	again = encode(back);
	cr_assert_str_eq(again, text);
	free(again);
	/* As the scheduler decodes it: msg_decode(), then no second check. */
	memset(back, 0, sizeof *back);
	cr_assert_eq(msg_decode(am->type, text, strlen(text), &o, &errstr), 0,
	    "%s refused: %s", text, errstr);
	cr_assert_eq(agentmsg_decode_msg(am->type, o, back, &errstr), 0,
	    "%s refused: %s", text, errstr);
	json_object_put(o);
	cr_assert(memcmp(back, am, sizeof *am) == 0, "%s: not the same", text);
	free(text);
	free(back);
}

/* A heartbeat ack's text without json-c: what json-c makes of it. */
static void
ack_text_same(const struct agentmsg *am)
{
	char	*text = encode(am), buf[64];
	size_t	 n;

	n = agentmsg_heartbeat_ack_text(&am->u.heartbeat_ack, buf, sizeof buf);
	cr_assert_eq(n, strlen(text));
	cr_assert_str_eq(buf, text);
	cr_assert_eq(agentmsg_heartbeat_ack_text(&am->u.heartbeat_ack, buf,
	    n), 0, "too short a buffer");
	free(text);
}

static struct agentmsg *
new_msg(uint16_t type)
{
	struct agentmsg	*am = xcalloc(1, sizeof *am);

	am->type = type;
	return am;
}

/* TEXT as a TYPE payload: decoded, into *AM (the caller frees it). */
static struct agentmsg *
decodes(uint16_t type, const char *text)
{
	struct agentmsg	*am = xcalloc(1, sizeof *am);
	const char	*errstr = NULL;

	cr_assert_eq(agentmsg_decode(type, text, strlen(text), am, &errstr),
	    0, "%s refused: %s", text, errstr ? errstr : "?");
	return am;
}

/* TEXT as a TYPE payload: refused with WANT (the exact reason). */
static void
refused(uint16_t type, const char *text, const char *want)
{
	struct agentmsg	*am = xcalloc(1, sizeof *am);
	const char	*errstr = NULL;

	cr_assert_eq(agentmsg_decode(type, text, strlen(text), am, &errstr),
	    -1, "%s accepted", text);
	cr_assert_not_null(errstr);
	cr_assert_str_eq(errstr, want, "%s", text);
	free(am);
}

Test(agentmsg, slot_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_SLOT);
	char		*text;

	am->u.slot.slot = 3;
	am->u.slot.state = SLOT_SUSPENDED;
	round_trip(am);
	am->u.slot.has_job = 1;
	strlcpy(am->u.slot.job, "12.4", sizeof am->u.slot.job);
	am->u.slot.run = 2;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text,
	    "{\"slot\":3,\"state\":\"SUSPENDED\",\"job\":\"12.4\",\"run\":2}");
	free(text);
	free(am);
}

Test(agentmsg, started_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_STARTED);
	char		*text;

	strlcpy(am->u.started.job, "7.0", sizeof am->u.started.job);
	am->u.started.run = 1;
	am->u.started.pid = 4242;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"7.0\",\"run\":1,\"pid\":4242}");
	free(text);
	strlcpy(am->u.started.user, "alice", sizeof am->u.started.user);
	cr_assert_eq(agentmsg_note_add(am->u.started.notes,
	    &am->u.started.nnotes, "criu-restore", "from version 2"), 0);
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"7.0\",\"run\":1,\"pid\":4242,"
	    "\"user\":\"alice\",\"notes\":[[\"criu-restore\","
	    "\"from version 2\"]]}");
	free(text);
	free(am);
}

Test(agentmsg, exited_round_trip)
{
	struct agentmsg		*am = new_msg(MSG_EXITED);
	struct agentmsg_exited	*m = &am->u.exited;
	char			*text;

	strlcpy(m->job, "1.0", sizeof m->job);
	m->run = 4294967295u;
	m->has_slot_state = 1;
	m->slot_state = SLOT_UNCLAIMED;
	m->has_usage = 1;
	m->code = 3;
	m->utime_ms = 10;
	m->stime_ms = 20;
	m->maxrss_kb = 3000;
	m->wall_ms = 1500;
	round_trip(am);
	/* As jobs.c has always sent it. */
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"1.0\",\"run\":4294967295,"
	    "\"slot_state\":\"UNCLAIMED\",\"code\":3,\"signal\":0,"
	    "\"utime_ms\":10,\"stime_ms\":20,\"maxrss_kb\":3000,"
	    "\"wall_ms\":1500}");
	free(text);

	/* Killed over its memory, with files, a checkpoint and notes. */
	m->code = -1;
	m->signal = 9;
	m->evicted = 1;
	m->has_files = 1;
	m->files = 3;
	m->checkpoint = 1;
	m->criu = 1;
	strlcpy(m->missing, "out/result.dat", sizeof m->missing);
	m->memory_exceeded = 1;
	m->memory_limit_mb = 512;
	m->memory_peak_mb = 513;
	cr_assert_eq(agentmsg_note_add(m->notes, &m->nnotes, "criu-dump",
	    "12 MB"), 0);
	cr_assert_eq(agentmsg_note_add(m->notes, &m->nnotes,
	    "checkpoint-failed", ""), 0);
	round_trip(am);

	/* A run that never started: an error, no usage. */
	memset(am, 0, sizeof *am);
	am->type = MSG_EXITED;
	strlcpy(m->job, "1.0", sizeof m->job);
	m->run = 1;
	m->has_slot_state = 1;
	m->slot_state = SLOT_OWNER;
	m->evicted = 1;
	m->code = -1;
	strlcpy(m->error, "slot is OWNER", sizeof m->error);
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"1.0\",\"run\":1,"
	    "\"slot_state\":\"OWNER\",\"evicted\":true,"
	    "\"error\":\"slot is OWNER\"}");
	free(text);
	free(am);
}

/* Why the agent ended a run: each reason goes and comes back; no other. */
Test(agentmsg, exited_kill_reason)
{
	static const enum agentmsg_kill_reason all[] = { AGENTMSG_KILL_OWNER,
	    AGENTMSG_KILL_LEASE, AGENTMSG_KILL_VACATE, AGENTMSG_KILL_SHUTDOWN,
	    AGENTMSG_KILL_REMOVED };
	struct agentmsg		*am = new_msg(MSG_EXITED), *got;
	struct agentmsg_exited	*m = &am->u.exited;
	char			*text;
	size_t			 i;

	strlcpy(m->job, "3.0", sizeof m->job);
	m->run = 2;
	m->evicted = 1;
	m->code = -1;
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		m->kill_reason = all[i];
		round_trip(am);
	}
	m->kill_reason = AGENTMSG_KILL_LEASE;
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"3.0\",\"run\":2,"
	    "\"evicted\":true,\"kill_reason\":\"lease\"}");
	free(text);
	got = decodes(MSG_EXITED, "{\"job\":\"3.0\",\"run\":2}");
	cr_assert_eq(got->u.exited.kill_reason, AGENTMSG_KILL_NONE);
	free(got);
	refused(MSG_EXITED, "{\"job\":\"3.0\",\"run\":2,"
	    "\"kill_reason\":\"bored\"}",
	    "kill_reason: not a reason the agent has");
	refused(MSG_EXITED, "{\"job\":\"3.0\",\"run\":2,"
	    "\"kill_reason\":\"\"}", "kill_reason: empty");
	refused(MSG_EXITED, "{\"job\":\"3.0\",\"run\":2,"
	    "\"kill_reason\":7}", "member has the wrong type");
	free(am);
}

Test(agentmsg, exited_defaults)
{
	struct agentmsg	*am;

	am = decodes(MSG_EXITED, "{\"job\":\"2.1\",\"run\":5}");
	cr_assert_str_eq(am->u.exited.job, "2.1");
	cr_assert_eq(am->u.exited.run, 5);
	cr_assert_eq(am->u.exited.code, -1);
	cr_assert_eq(am->u.exited.has_usage, 0);
	cr_assert_eq(am->u.exited.has_files, 0);
	cr_assert_eq(am->u.exited.has_slot_state, 0);
	cr_assert_str_eq(am->u.exited.error, "");
	free(am);
	/* Part of the usage: the rest reads as its defaults. */
	am = decodes(MSG_EXITED, "{\"job\":\"2.1\",\"run\":5,\"signal\":15}");
	cr_assert_eq(am->u.exited.has_usage, 1);
	cr_assert_eq(am->u.exited.code, -1);
	cr_assert_eq(am->u.exited.signal, 15);
	round_trip(am);
	free(am);
}

Test(agentmsg, heartbeat_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_HEARTBEAT);
	char		*text;

	am->u.heartbeat.owner_idle_ms = -1;
	am->u.heartbeat.owner_seen_ms = -1;
	am->u.heartbeat.owner_absence_s = -1;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{}");
	free(text);
	am->u.heartbeat.has_seq = 1;
	am->u.heartbeat.seq = 17;
	am->u.heartbeat.has_load = 1;
	am->u.heartbeat.load = 1.25;
	am->u.heartbeat.owner_idle_ms = 60000;
	round_trip(am);
	am->u.heartbeat.owner_seen_ms = 60000;
	round_trip(am);
	am->u.heartbeat.owner_absence_s = 7200;
	round_trip(am);
	am->u.heartbeat.owner_absence_s = 0;
	round_trip(am);
	free(am);
	am = decodes(MSG_HEARTBEAT, "{\"seq\":1}");
	cr_assert_eq(am->u.heartbeat.owner_idle_ms, -1);
	cr_assert_eq(am->u.heartbeat.owner_seen_ms, -1);
	cr_assert_eq(am->u.heartbeat.owner_absence_s, -1);
	cr_assert_eq(am->u.heartbeat.has_load, 0);
	free(am);
	am = decodes(MSG_HEARTBEAT, "{\"load\":2}");
	cr_assert_eq(am->u.heartbeat.has_load, 1);
	cr_assert(am->u.heartbeat.load == 2.0);
	free(am);
}

Test(agentmsg, file_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_FILE);
	char		*text;

	strlcpy(am->u.file.job, "9.3", sizeof am->u.file.job);
	am->u.file.run = 2;
	strlcpy(am->u.file.path, "out/a.txt", sizeof am->u.file.path);
	am->u.file.kind = AGENTMSG_FILE_OUTPUT;
	am->u.file.size = 1024;
	am->u.file.mode = 0644;
	memset(am->u.file.sha256, 'a', 64);
	round_trip(am);
	memset(am->u.file.sha256, 0, sizeof am->u.file.sha256);
	am->u.file.dir = 1;
	am->u.file.size = 0;
	am->u.file.mode = 0755;
	am->u.file.kind = AGENTMSG_FILE_CHECKPOINT;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"9.3\",\"run\":2,\"path\":\"out/a.txt\","
	    "\"kind\":\"checkpoint\",\"dir\":true,\"size\":0,\"mode\":493}");
	free(text);
	free(am);
}

Test(agentmsg, file_ack_bye_error_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_FILE_ACK);

	strlcpy(am->u.file_ack.job, "1.0", sizeof am->u.file_ack.job);
	am->u.file_ack.run = 1;
	strlcpy(am->u.file_ack.path, "in.txt", sizeof am->u.file_ack.path);
	round_trip(am);
	am->u.file_ack.ok = 1;
	round_trip(am);
	strlcpy(am->u.file_ack.error, "disk full", sizeof am->u.file_ack.error);
	round_trip(am);
	memset(am, 0, sizeof *am);
	am->type = MSG_BYE;
	strlcpy(am->u.bye.text, "shutting down", sizeof am->u.bye.text);
	round_trip(am);
	memset(am, 0, sizeof *am);
	am->type = MSG_ERROR;
	round_trip(am);
	free(am);
}

/* The scheduler's answers on the same link. */
Test(agentmsg, answers_round_trip)
{
	struct agentmsg	*am = new_msg(MSG_EXIT_ACK);
	char		*text;

	strlcpy(am->u.exit_ack.job, "3.1", sizeof am->u.exit_ack.job);
	am->u.exit_ack.run = 2;
	round_trip(am);
	am->u.exit_ack.restart = 1;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"3.1\",\"run\":2,\"restart\":true}");
	free(text);
	memset(am, 0, sizeof *am);
	am->type = MSG_KILL;
	strlcpy(am->u.kill.job, "3.1", sizeof am->u.kill.job);
	am->u.kill.run = 2;
	round_trip(am);
	am->u.kill.vacate = 1;
	round_trip(am);
	text = encode(am);
	cr_assert_str_eq(text, "{\"job\":\"3.1\",\"run\":2,\"vacate\":true}");
	free(text);
	memset(am, 0, sizeof *am);
	am->type = MSG_HEARTBEAT_ACK;
	round_trip(am);
	ack_text_same(am);
	am->u.heartbeat_ack.has_seq = 1;
	am->u.heartbeat_ack.seq = 9;
	round_trip(am);
	ack_text_same(am);
	am->u.heartbeat_ack.seq = INT64_MAX;
	ack_text_same(am);
	free(am);
}

Test(agentmsg, refuses_bad_answers)
{
	refused(MSG_KILL, "{\"job\":\"1.0\",\"run\":0}", "run: out of range");
	refused(MSG_KILL, "{\"job\":\"a.b\",\"run\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_EXIT_ACK, "{\"job\":\"1.0\",\"run\":-3}",
	    "run: out of range");
	refused(MSG_EXIT_ACK, "{\"job\":\"1.0\",\"run\":1,\"restart\":1}",
	    "member has the wrong type");
	refused(MSG_HEARTBEAT_ACK, "{\"seq\":-1}", "seq: out of range");
}

Test(agentmsg, refuses_other_types)
{
	struct agentmsg	 am;
	const char	*errstr = NULL;

	cr_assert_eq(agentmsg_known(MSG_AD), 0);
	cr_assert_eq(agentmsg_known(MSG_START), 0);
	cr_assert_eq(agentmsg_decode(MSG_AD, "{}", 2, &am, &errstr), -1);
	cr_assert_str_eq(errstr, "not a message of the agent link");
	cr_assert_eq(agentmsg_known(MSG_KILL), 1);
	cr_assert_eq(agentmsg_from_agent(MSG_KILL), 0);
	cr_assert_eq(agentmsg_from_agent(MSG_EXITED), 1);
	am.type = MSG_START;
	cr_assert_null(agentmsg_encode(&am));
}

Test(agentmsg, refuses_bad_jobs_and_runs)
{
	refused(MSG_STARTED, "{\"job\":\"\",\"run\":1,\"pid\":1}",
	    "job: empty");
	refused(MSG_STARTED, "{\"job\":\"1\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"0.1\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"01.1\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"1.-1\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"1.0 \",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"4294967296.0\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"1.4294967296\",\"run\":1,\"pid\":1}",
	    "job: not a job id (CLUSTER.PROC)");
	refused(MSG_STARTED, "{\"job\":\"11111111111111111111111111111111.0\","
	    "\"run\":1,\"pid\":1}", "job: too long");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":0,\"pid\":1}",
	    "run: out of range");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":4294967296,\"pid\":1}",
	    "run: out of range");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":-1,\"pid\":1}",
	    "run: out of range");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":\"1\",\"pid\":1}",
	    "member has the wrong type");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"pid\":1}", "missing member");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,\"x\":1}",
	    "unknown member");
}

Test(agentmsg, refuses_bad_started)
{
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":-1}",
	    "pid: out of range");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":2147483648}",
	    "pid: out of range");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"user\":\"\"}", "user: empty");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,\"user\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\"}", "user: too long");
}

Test(agentmsg, refuses_bad_notes)
{
	char	buf[2048];
	size_t	o;
	int	i;

	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[\"a\"]}", "notes: not [event, detail]");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[\"a\"]]}", "notes: not [event, detail]");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[\"a\",\"b\",\"c\"]]}", "notes: not [event, detail]");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[1,\"b\"]]}", "notes: event: not a string");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[\"a\",2]]}", "notes: detail: not a string");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[\"\",\"b\"]]}", "notes: event: empty");
	refused(MSG_STARTED, "{\"job\":\"1.0\",\"run\":1,\"pid\":1,"
	    "\"notes\":[[\"Bad Event\",\"b\"]]}",
	    "notes: event: not a name of [a-z0-9-]");
	o = (size_t)snprintf(buf, sizeof buf,
	    "{\"job\":\"1.0\",\"run\":1,\"pid\":1,\"notes\":[");
	for (i = 0; i <= AGENTMSG_MAX_NOTES; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s[\"a\",\"b\"]",
		    i > 0 ? "," : "");
	snprintf(buf + o, sizeof buf - o, "]}");
	refused(MSG_STARTED, buf, "notes: too many");
}

Test(agentmsg, refuses_bad_exited)
{
	char	*buf;

	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"code\":256}",
	    "code: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"code\":-2}",
	    "code: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"signal\":-1}",
	    "signal: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"signal\":128}",
	    "signal: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"utime_ms\":-1}",
	    "utime_ms: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"stime_ms\":-1}",
	    "stime_ms: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"maxrss_kb\":-1}",
	    "maxrss_kb: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"wall_ms\":-1}",
	    "wall_ms: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"error\":\"\"}",
	    "error: empty");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"slot_state\":\"X\"}",
	    "slot_state: not a slot state");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,"
	    "\"slot_state\":\"OFFLINE\"}", "slot_state: not a slot state");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"files\":-1}",
	    "files: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"files\":1000001}",
	    "files: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"missing\":\"\"}",
	    "missing: empty");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,"
	    "\"memory_limit_mb\":-1}", "memory_limit_mb: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,"
	    "\"memory_peak_mb\":-1}", "memory_peak_mb: out of range");
	refused(MSG_EXITED, "{\"job\":\"1.0\",\"run\":1,\"evicted\":1}",
	    "member has the wrong type");
	/* An error past its bound. */
	buf = xmalloc(AGENTMSG_TEXT_MAX + 64);
	snprintf(buf, AGENTMSG_TEXT_MAX + 64,
	    "{\"job\":\"1.0\",\"run\":1,\"error\":\"%0*d\"}",
	    AGENTMSG_TEXT_MAX, 0);
	refused(MSG_EXITED, buf, "error: too long");
	free(buf);
}

Test(agentmsg, refuses_bad_slot)
{
	refused(MSG_SLOT, "{\"slot\":0,\"state\":\"OWNER\"}",
	    "slot: out of range");
	refused(MSG_SLOT, "{\"slot\":1025,\"state\":\"OWNER\"}",
	    "slot: out of range");
	refused(MSG_SLOT, "{\"slot\":1,\"state\":\"BUSY\"}",
	    "state: not a slot state");
	refused(MSG_SLOT, "{\"slot\":1,\"state\":\"OFFLINE\"}",
	    "state: not a slot state");
	refused(MSG_SLOT, "{\"slot\":1,\"state\":\"OWNER\",\"job\":\"1.0\"}",
	    "run: missing (job and run go together)");
	refused(MSG_SLOT, "{\"slot\":1,\"state\":\"OWNER\",\"run\":1}",
	    "job: missing (job and run go together)");
	refused(MSG_SLOT, "{\"slot\":1,\"state\":\"OWNER\",\"job\":\"x\","
	    "\"run\":1}", "job: not a job id (CLUSTER.PROC)");
}

Test(agentmsg, refuses_bad_heartbeat)
{
	refused(MSG_HEARTBEAT, "{\"seq\":-1}", "seq: out of range");
	refused(MSG_HEARTBEAT, "{\"load\":-0.5}", "load: out of range");
	refused(MSG_HEARTBEAT, "{\"load\":1e6}", "load: out of range");
	refused(MSG_HEARTBEAT, "{\"owner_idle_ms\":-1}",
	    "owner_idle_ms: out of range");
	refused(MSG_HEARTBEAT, "{\"owner_seen_ms\":-5}",
	    "owner_seen_ms: out of range");
	refused(MSG_HEARTBEAT, "{\"owner_absence_s\":-1}",
	    "owner_absence_s: out of range");
	refused(MSG_HEARTBEAT, "{\"owner_absence_s\":31622401}",
	    "owner_absence_s: out of range");
	refused(MSG_HEARTBEAT, "{\"owner_absence_s\":\"1\"}",
	    "member has the wrong type");
	refused(MSG_HEARTBEAT, "{\"load\":\"1\"}", "member has the wrong type");
}

Test(agentmsg, refuses_bad_file)
{
	const char	*sha = "\"0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\"";
	char		 buf[512];

	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"\","
	    "\"size\":0,\"mode\":420,\"kind\":\"output\"}", "path: empty");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":-1,\"mode\":420,\"kind\":\"output\"}",
	    "size: out of range");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":1099511627777,\"mode\":420,\"kind\":\"output\"}",
	    "size: out of range");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":4096,\"kind\":\"output\"}",
	    "mode: out of range");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":420,\"kind\":\"log\"}",
	    "kind: not input, output or checkpoint");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":420,\"kind\":\"output\",\"sha256\":\"ab\"}",
	    "sha256: not 64 hex digits");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":420,\"kind\":\"output\",\"sha256\":"
	    "\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
	    "\"}", "sha256: not 64 hex digits");
	snprintf(buf, sizeof buf, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":420,\"kind\":\"output\",\"sha256\":%s}", sha);
	free(decodes(MSG_FILE, buf));
	snprintf(buf, sizeof buf, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":0,\"mode\":420,\"kind\":\"output\",\"dir\":true,"
	    "\"sha256\":%s}", sha);
	refused(MSG_FILE, buf, "dir: a directory has no size or sum");
	refused(MSG_FILE, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"size\":5,\"mode\":420,\"kind\":\"output\",\"dir\":true}",
	    "dir: a directory has no size or sum");
}

Test(agentmsg, refuses_bad_file_ack)
{
	refused(MSG_FILE_ACK, "{\"job\":\"1.0\",\"run\":1,\"path\":\"\","
	    "\"ok\":true}", "path: empty");
	refused(MSG_FILE_ACK, "{\"job\":\"1.0\",\"run\":1,\"path\":\"a\","
	    "\"ok\":true,\"error\":\"\"}", "error: empty");
	refused(MSG_FILE_ACK, "{\"job\":\"1.0\",\"run\":0,\"path\":\"a\","
	    "\"ok\":true}", "run: out of range");
}

/* The text an agent puts in a message always decodes. */
Test(agentmsg, text_set)
{
	struct agentmsg	*am = new_msg(MSG_EXITED);
	char		 small[6];

	agentmsg_text_set(small, sizeof small, "abcdefgh");
	cr_assert_str_eq(small, "abcde");
	/* "é" is two bytes: not cut in its middle. */
	agentmsg_text_set(small, sizeof small, "abcd\xc3\xa9");
	cr_assert_str_eq(small, "abcd");
	agentmsg_text_set(small, sizeof small, "a\xff\xc3(b");
	cr_assert_str_eq(small, "a?" "?(b");
	/* An overlong form and a surrogate are not UTF-8. */
	agentmsg_text_set(small, sizeof small, "\xc0\xaf\xed\xa0\x80");
	cr_assert_str_eq(small, "?????");
	agentmsg_text_set(small, sizeof small, NULL);
	cr_assert_str_eq(small, "");

	strlcpy(am->u.exited.job, "1.0", sizeof am->u.exited.job);
	am->u.exited.run = 1;
	am->u.exited.code = -1;		/* as unsaid */
	agentmsg_text_set(am->u.exited.error, sizeof am->u.exited.error,
	    "bad \xfe path \xe2\x82");
	cr_assert_str_eq(am->u.exited.error, "bad ? path ??");
	round_trip(am);
	free(am);
}

Test(agentmsg, note_add)
{
	struct agentmsg_note	 notes[AGENTMSG_MAX_NOTES];
	size_t			 n = 0;
	int			 i;

	cr_assert_eq(agentmsg_note_add(notes, &n, "Not A Name", "x"), -1);
	cr_assert_eq(n, 0);
	for (i = 0; i < AGENTMSG_MAX_NOTES; i++)
		cr_assert_eq(agentmsg_note_add(notes, &n, "criu-dump", "x"), 0);
	cr_assert_eq(agentmsg_note_add(notes, &n, "criu-dump", "x"), -1);
	cr_assert_eq(n, AGENTMSG_MAX_NOTES);
}

Test(agentmsg, file_kinds)
{
	enum agentmsg_file_kind	k;

	cr_assert_eq(agentmsg_file_kind_parse("input", &k), 0);
	cr_assert_eq(k, AGENTMSG_FILE_INPUT);
	cr_assert_eq(agentmsg_file_kind_parse("checkpoint", &k), 0);
	cr_assert_eq(k, AGENTMSG_FILE_CHECKPOINT);
	cr_assert_eq(agentmsg_file_kind_parse("Output", &k), -1);
	cr_assert_str_eq(agentmsg_file_kind_str(AGENTMSG_FILE_OUTPUT),
	    "output");
}
