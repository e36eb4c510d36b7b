/*
 * fuzz-agentmsg.c: libFuzzer target of the agent's reports as C structs
 * (agentmsg_decode() in common/agentmsg.c, over msg.c and jsonx.c).  The
 * first input byte picks the message type among those an agent sends and
 * the scheduler's answers (exit-ack, kill, heartbeat-ack), the rest is
 * the payload.  Assertions, beyond no crash, leak or
 * sanitizer report:
 *   - a refusal says why and leaves nothing of the message in the
 *     struct; a type that is not an agent's report is always refused;
 *   - what decodes has its strings NUL-terminated inside their bounds
 *     and valid UTF-8, job ids as "CLUSTER.PROC", runs of at least 1,
 *     slot numbers and states in range, counts within their limits;
 *   - what decodes, encoded again (as the agent does), decodes to the
 *     same struct, and that encodes to the same bytes.
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "jsonx.h"
#include "msg.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint16_t fuzz_types[] = {
	MSG_SLOT, MSG_STARTED, MSG_EXITED, MSG_HEARTBEAT, MSG_FILE,
	MSG_FILE_ACK, MSG_BYE, MSG_ERROR, MSG_EXIT_ACK, MSG_KILL,
	MSG_HEARTBEAT_ACK
};
#define FUZZ_NTYPES	(sizeof fuzz_types / sizeof fuzz_types[0])

static struct agentmsg	fuzz_a, fuzz_b, fuzz_zero;

/* S (SIZE bytes) holds a NUL and valid UTF-8 before it. */
static void
fuzz_text(const char *s, size_t size)
{
	const char	*nul = memchr(s, '\0', size);

	if (nul == NULL || !text_utf8(s, (size_t)(nul - s)))
		abort();
}

static void
fuzz_job(const char *job, uint32_t run)
{
	fuzz_text(job, AGENTMSG_JOB_MAX);
	if (job[0] < '1' || job[0] > '9' || strchr(job, '.') == NULL ||
	    run < 1)
		abort();
}

static void
fuzz_notes(const struct agentmsg_note *notes, size_t n)
{
	size_t	i;

	if (n > AGENTMSG_MAX_NOTES)
		abort();
	for (i = 0; i < n; i++) {
		fuzz_text(notes[i].event, sizeof notes[i].event);
		fuzz_text(notes[i].detail, sizeof notes[i].detail);
		if (notes[i].event[0] == '\0')
			abort();
	}
}

/* What decoded is within the bounds agentmsg.h promises. */
static void
fuzz_bounds(const struct agentmsg *am)
{
	switch (am->type) {
	case MSG_SLOT:
		if (am->u.slot.slot < 1 ||
		    am->u.slot.slot > AGENTMSG_MAX_SLOTS ||
		    am->u.slot.state == SLOT_OFFLINE ||
		    slot_state_str(am->u.slot.state) == NULL)
			abort();
		if (am->u.slot.has_job)
			fuzz_job(am->u.slot.job, am->u.slot.run);
		break;
	case MSG_STARTED:
		fuzz_job(am->u.started.job, am->u.started.run);
		fuzz_text(am->u.started.user, sizeof am->u.started.user);
		fuzz_notes(am->u.started.notes, am->u.started.nnotes);
		if (am->u.started.pid < 0)
			abort();
		break;
	case MSG_EXITED:
		fuzz_job(am->u.exited.job, am->u.exited.run);
		fuzz_text(am->u.exited.error, sizeof am->u.exited.error);
		fuzz_text(am->u.exited.missing, sizeof am->u.exited.missing);
		fuzz_notes(am->u.exited.notes, am->u.exited.nnotes);
		if (am->u.exited.code < -1 || am->u.exited.code > 255 ||
		    am->u.exited.signal < 0 || am->u.exited.files < 0 ||
		    am->u.exited.files > AGENTMSG_MAX_FILES ||
		    am->u.exited.utime_ms < 0 || am->u.exited.wall_ms < 0 ||
		    (am->u.exited.has_slot_state &&
		    am->u.exited.slot_state == SLOT_OFFLINE) ||
		    am->u.exited.kill_reason > AGENTMSG_KILL_REMOVED)
			abort();
		break;
	case MSG_HEARTBEAT:
		if (am->u.heartbeat.owner_idle_ms < -1 ||
		    am->u.heartbeat.owner_seen_ms < -1 ||
		    am->u.heartbeat.owner_absence_s < -1 ||
		    am->u.heartbeat.owner_absence_s > AGENTMSG_MAX_ABSENCE ||
		    (am->u.heartbeat.has_load && (am->u.heartbeat.load < 0 ||
		    am->u.heartbeat.load >= AGENTMSG_MAX_LOAD)))
			abort();
		break;
	case MSG_FILE:
		fuzz_job(am->u.file.job, am->u.file.run);
		fuzz_text(am->u.file.path, sizeof am->u.file.path);
		fuzz_text(am->u.file.sha256, sizeof am->u.file.sha256);
		if (am->u.file.path[0] == '\0' || am->u.file.size < 0 ||
		    am->u.file.mode < 0 || am->u.file.mode > 07777 ||
		    (am->u.file.sha256[0] != '\0' &&
		    strlen(am->u.file.sha256) != 64))
			abort();
		break;
	case MSG_FILE_ACK:
		fuzz_job(am->u.file_ack.job, am->u.file_ack.run);
		fuzz_text(am->u.file_ack.path, sizeof am->u.file_ack.path);
		fuzz_text(am->u.file_ack.error, sizeof am->u.file_ack.error);
		break;
	case MSG_BYE:
		fuzz_text(am->u.bye.text, sizeof am->u.bye.text);
		break;
	case MSG_ERROR:
		fuzz_text(am->u.error.text, sizeof am->u.error.text);
		break;
	case MSG_EXIT_ACK:
		fuzz_job(am->u.exit_ack.job, am->u.exit_ack.run);
		break;
	case MSG_KILL:
		fuzz_job(am->u.kill.job, am->u.kill.run);
		break;
	case MSG_HEARTBEAT_ACK:
		if (am->u.heartbeat_ack.seq < 0)
			abort();
		break;
	default:
		abort();
	}
}

/* AM encoded as the agent sends it: a copy of the bytes (freed by the
 * caller). */
static char *
fuzz_encode(const struct agentmsg *am, size_t *len)
{
	struct json_object	*o;
	const char		*s;
	char			*copy;

	if ((o = agentmsg_encode(am)) == NULL)
		abort();
	s = jsonx_dump(o, len);
	if (s == NULL || strlen(s) != *len)
		abort();
	copy = malloc(*len + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, s, *len + 1);
	json_object_put(o);
	return copy;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*errstr = NULL;
	char		*s1, *s2;
	size_t		 n1, n2;
	uint16_t	 type;

	if (len == 0)
		return 0;
	type = fuzz_types[data[0] % FUZZ_NTYPES];
	data++;
	len--;

	/* Not an agent's report: refused, whatever the bytes. */
	if (agentmsg_decode(MSG_AD, data, len, &fuzz_a, &errstr) != -1 ||
	    errstr == NULL || *errstr == '\0')
		abort();
	errstr = NULL;
	if (agentmsg_decode(type, data, len, &fuzz_a, &errstr) == -1) {
		fuzz_zero.type = type;
		if (errstr == NULL || *errstr == '\0' ||
		    memcmp(&fuzz_a, &fuzz_zero, sizeof fuzz_a) != 0)
			abort();
		return 0;
	}
	if (fuzz_a.type != type)
		abort();
	fuzz_bounds(&fuzz_a);

	/* Sent again by an agent: the same struct, the same bytes. */
	s1 = fuzz_encode(&fuzz_a, &n1);
	errstr = NULL;
	if (agentmsg_decode(type, s1, n1, &fuzz_b, &errstr) == -1)
		abort();
	if (memcmp(&fuzz_a, &fuzz_b, sizeof fuzz_a) != 0)
		abort();
	s2 = fuzz_encode(&fuzz_b, &n2);
	if (n1 != n2 || memcmp(s1, s2, n1) != 0)
		abort();
	free(s1);
	free(s2);
	return 0;
}
