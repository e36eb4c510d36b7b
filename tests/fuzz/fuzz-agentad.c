/*
 * fuzz-agentad.c: libFuzzer target of the agent's ad and the scheduler's
 * start order as C structs (common/agentmsg-ad.c, agentmsg-start.c, over
 * msg.c, jsonx.c, machinead.c and jobdesc.c).  The first input byte
 * picks the ad or the start order, the rest is the payload.  Assertions,
 * beyond no crash, leak or sanitizer report:
 *   - a refusal says why and leaves nothing allocated in the struct
 *     (a start order keeps the run it names, a canonical job id);
 *   - what decodes is within its bounds: slots numbered 1.. in order,
 *     at least one cpu, jobs as "CLUSTER.PROC" with runs of at least 1,
 *     slot numbers in range, strings NUL-terminated UTF-8, the order's
 *     job ad of booleans, numbers and strings under attribute names;
 *   - what decodes, encoded again, decodes to the same values, and that
 *     encodes to the same bytes;
 *   - a start order written as text (agentmsg_start_text) is, for a peer
 *     of each revision, what json-c makes of it (msg_for_rev).
 * Built and run by scripts/fuzz.sh.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "jsonx.h"
#include "msg.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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

/* O's text (a copy the caller frees); O is put. */
static char *
fuzz_dump(struct json_object *o, size_t *len)
{
	const char	*s;
	char		*copy;

	if (o == NULL || (s = jsonx_dump(o, len)) == NULL ||
	    strlen(s) != *len || (copy = malloc(*len + 1)) == NULL)
		abort();
	memcpy(copy, s, *len + 1);
	json_object_put(o);
	return copy;
}

static void
fuzz_ad_bounds(const struct agentmsg_ad *ad)
{
	size_t	i;

	fuzz_text(ad->name, sizeof ad->name);
	if (ad->nslots < 1 || ad->nslots > AGENTMSG_MAX_SLOTS ||
	    ad->njobs > AGENTMSG_MAX_AD_JOBS)
		abort();
	for (i = 0; i < ad->nslots; i++)
		if (ad->slots[i].id != (int)i + 1 || ad->slots[i].cpus < 1 ||
		    ad->slots[i].memory_mb < 0 ||
		    strcmp(slot_state_str(ad->slots[i].state), "UNKNOWN") == 0)
			abort();
	for (i = 0; i < ad->njobs; i++) {
		fuzz_job(ad->jobs[i].job, ad->jobs[i].run);
		if (ad->jobs[i].slot < 1 ||
		    ad->jobs[i].slot > AGENTMSG_MAX_SLOTS)
			abort();
	}
}

static void
fuzz_ad(const uint8_t *data, size_t len)
{
	struct agentmsg_ad	 a, b;
	const char		*errstr = NULL;
	char			*s1, *s2;
	size_t			 n1, n2;

	if (agentmsg_ad_decode_buf(data, len, &a, &errstr) == -1) {
		if (errstr == NULL || *errstr == '\0' || a.slots != NULL ||
		    a.jobs != NULL || a.machine != NULL)
			abort();
		return;
	}
	fuzz_ad_bounds(&a);
	s1 = fuzz_dump(agentmsg_ad_encode(&a), &n1);
	if (agentmsg_ad_decode_buf(s1, n1, &b, &errstr) == -1)
		abort();
	if (strcmp(a.name, b.name) != 0 || a.nslots != b.nslots ||
	    a.njobs != b.njobs || a.criu != b.criu ||
	    (a.machine == NULL) != (b.machine == NULL) ||
	    memcmp(a.slots, b.slots, a.nslots * sizeof *a.slots) != 0 ||
	    (a.njobs > 0 &&
	    memcmp(a.jobs, b.jobs, a.njobs * sizeof *a.jobs) != 0))
		abort();
	s2 = fuzz_dump(agentmsg_ad_encode(&b), &n2);
	if (n1 != n2 || memcmp(s1, s2, n1) != 0)
		abort();
	free(s1);
	free(s2);
	agentmsg_ad_clear(&a);
	agentmsg_ad_clear(&b);
}

static void
fuzz_start_bounds(const struct agentmsg_start *so)
{
	size_t	i;

	fuzz_job(so->job, so->run);
	fuzz_text(so->owner, sizeof so->owner);
	fuzz_text(so->exe, sizeof so->exe);
	fuzz_text(so->desc_error, sizeof so->desc_error);
	if (so->slot < 1 || so->slot > AGENTMSG_MAX_SLOTS ||
	    so->owner[0] == '\0' || so->uid < -1 ||
	    so->uid > (int64_t)UINT32_MAX || so->nfiles < 0 ||
	    so->nfiles > AGENTMSG_MAX_FILES || so->ckpt < 0 ||
	    (!so->xfer && (so->nfiles != 0 || so->exe[0] != '\0' ||
	    so->ckpt != 0)) ||
	    (so->desc_error[0] == '\0') != (so->desc.executable != NULL) ||
	    so->njobad > AGENTMSG_MAX_JOBAD ||
	    (so->njobad > 0 && !so->has_jobad))
		abort();
	for (i = 0; i < so->njobad; i++) {
		if (so->jobad[i].name == NULL || so->jobad[i].name[0] == '\0')
			abort();
		switch (so->jobad[i].v.type) {
		case EXPR_BOOL:
		case EXPR_INT:
			break;
		case EXPR_REAL:
			if (!isfinite(so->jobad[i].v.r))
				abort();
			break;
		case EXPR_STRING:
			if (!text_utf8(so->jobad[i].v.s,
			    strlen(so->jobad[i].v.s)))
				abort();
			break;
		default:
			abort();
		}
	}
}

static int
fuzz_value_eq(const struct expr_value *a, const struct expr_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case EXPR_BOOL:
		return a->b == b->b;
	case EXPR_INT:
		return a->i == b->i;
	case EXPR_REAL:
		return a->r == b->r;
	case EXPR_STRING:
		return strcmp(a->s, b->s) == 0;
	default:
		return 0;
	}
}

/* The order as text is json-c's for every revision. */
static void
fuzz_start_text(const struct agentmsg_start *a)
{
	static const int	 revs[] = { MSG_REV_UNKNOWN, 0, MSG_REV };
	struct json_object	*o, *r;
	const char		*want;
	char			*got, *desc = NULL;
	size_t			 i, wlen, glen, dlen = 0;

	if ((o = agentmsg_start_encode(a)) == NULL)
		abort();
	if (a->desc_error[0] == '\0')
		desc = jobdesc_wire_text(&a->desc, &dlen);
	for (i = 0; i < sizeof revs / sizeof revs[0]; i++) {
		if ((r = msg_for_rev(MSG_START, o, revs[i])) == NULL)
			abort();
		want = jsonx_dump(r, &wlen);
		got = agentmsg_start_text(a, desc, dlen, revs[i], &glen);
		if (glen != wlen || memcmp(got, want, wlen) != 0)
			abort();
		free(got);
		got = agentmsg_start_text(a, NULL, 0, revs[i], &glen);
		if (glen != wlen || memcmp(got, want, wlen) != 0)
			abort();
		free(got);
		json_object_put(r);
	}
	free(desc);
	json_object_put(o);
}

static void
fuzz_start(const uint8_t *data, size_t len)
{
	struct agentmsg_start	 a, b;
	const char		*errstr = NULL;
	char			*s1, *s2;
	size_t			 n1, n2, i;

	if (agentmsg_start_decode_buf(data, len, &a, &errstr) == -1) {
		if (errstr == NULL || *errstr == '\0' || a.jobad != NULL ||
		    a.desc.executable != NULL || a.owner[0] != '\0' ||
		    (a.job[0] != '\0' && (a.run < 1 ||
		    a.slot < 0 || a.slot > AGENTMSG_MAX_SLOTS)))
			abort();
		if (a.job[0] != '\0')
			fuzz_job(a.job, a.run);
		return;
	}
	fuzz_start_bounds(&a);
	fuzz_start_text(&a);
	s1 = fuzz_dump(agentmsg_start_encode(&a), &n1);
	if (agentmsg_start_decode_buf(s1, n1, &b, &errstr) == -1)
		abort();
	if (strcmp(a.job, b.job) != 0 || a.run != b.run ||
	    a.slot != b.slot || strcmp(a.owner, b.owner) != 0 ||
	    a.uid != b.uid || a.xfer != b.xfer || a.nfiles != b.nfiles ||
	    strcmp(a.exe, b.exe) != 0 || a.ckpt != b.ckpt ||
	    (a.desc_error[0] == '\0') != (b.desc_error[0] == '\0') ||
	    a.has_jobad != b.has_jobad || a.njobad != b.njobad)
		abort();
	for (i = 0; i < a.njobad; i++)
		if (strcmp(a.jobad[i].name, b.jobad[i].name) != 0 ||
		    !fuzz_value_eq(&a.jobad[i].v, &b.jobad[i].v))
			abort();
	s2 = fuzz_dump(agentmsg_start_encode(&b), &n2);
	if (n1 != n2 || memcmp(s1, s2, n1) != 0)
		abort();
	free(s1);
	free(s2);
	agentmsg_start_clear(&a);
	agentmsg_start_clear(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len == 0)
		return 0;
	if (data[0] & 1)
		fuzz_start(data + 1, len - 1);
	else
		fuzz_ad(data + 1, len - 1);
	return 0;
}
