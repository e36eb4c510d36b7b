/*
 * agentmsg-ad.c: an agent's ad at connect (MSG_AD) as a C struct
 * (agentmsg.h): its name, its slots, the jobs it still holds, whether
 * CRIU works there, and its machine ad (common/machinead.c decodes that
 * member).  The decoder checks every member: slots numbered 1, 2...  in
 * order with at least one cpu and a slot state, jobs as "CLUSTER.PROC"
 * with a run and a slot number; what fails names the member and nothing
 * of the ad is kept.  The encoder writes the members in the order the
 * agent has always sent them.  Called by scheduler/agents.c (decode),
 * startd/link.c (encode) and the tests.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "agentmsg-int.h"
#include "jsonx.h"
#include "msg.h"
#include "xmalloc.h"

static const struct msg_member agentmsg_ad_slot_members[] = {
	{ "id", JT_INT, 1 }, { "cpus", JT_INT, 1 },
	{ "memory_mb", JT_INT, 1 }, { "state", JT_STRING, 1 },
	{ NULL, 0, 0 }
};
static const struct msg_member agentmsg_ad_job_members[] = {
	{ "job", JT_STRING, 1 }, { "run", JT_INT, 1 }, { "slot", JT_INT, 1 },
	{ "exited", JT_BOOL, 1 }, { NULL, 0, 0 }
};

/* Element I of the array A, an object with MEMBERS; NULL with ERRSTR. */
static struct json_object *
agentmsg_ad_elem(struct json_object *a, size_t i,
    const struct msg_member *members, const char *what, const char **errstr)
{
	struct json_object	*e = json_object_array_get_idx(a, i);
	const char		*why;

	if (jsonx_check(e, members, &why) == -1) {
		agentmsg_fail(what, why, errstr);
		return NULL;
	}
	return e;
}

static int
agentmsg_ad_slots(struct json_object *obj, struct agentmsg_ad *ad,
    const char **errstr)
{
	struct json_object	*a = jsonx_get(obj, "slots"), *e;
	struct agentmsg_ad_slot	*s;
	char			 state[32];
	int64_t			 n;
	size_t			 i, len;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return agentmsg_fail("slots", "not an array", errstr);
	len = json_object_array_length(a);
	if (len == 0 || len > AGENTMSG_MAX_SLOTS)
		return agentmsg_fail("slots", "bad number of slots", errstr);
	ad->slots = xcalloc(len, sizeof *ad->slots);
	ad->nslots = len;
	for (i = 0; i < len; i++) {
		s = &ad->slots[i];
		if ((e = agentmsg_ad_elem(a, i, agentmsg_ad_slot_members,
		    "slots", errstr)) == NULL)
			return -1;
		if (agentmsg_int(e, "id", 1, AGENTMSG_MAX_SLOTS, 0, 1, &n,
		    errstr) == -1)
			return -1;
		if (n != (int64_t)i + 1)
			return agentmsg_fail("id", "not the slot's place",
			    errstr);
		s->id = (int)n;
		if (agentmsg_int(e, "cpus", 1, INT32_MAX, 0, 1, &s->cpus,
		    errstr) == -1 ||
		    agentmsg_int(e, "memory_mb", 0, INT64_MAX, 0, 1,
		    &s->memory_mb, errstr) == -1 ||
		    agentmsg_str(e, "state", state, sizeof state, 1, 1,
		    errstr) == -1)
			return -1;
		if (slot_state_parse(state, &s->state) == -1)
			return agentmsg_fail("state", "not a slot state",
			    errstr);
	}
	return 0;
}

static int
agentmsg_ad_jobs(struct json_object *obj, struct agentmsg_ad *ad,
    const char **errstr)
{
	struct json_object	*a = jsonx_get(obj, "jobs"), *e;
	struct agentmsg_ad_job	*j;
	int64_t			 n;
	size_t			 i, len;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return agentmsg_fail("jobs", "not an array", errstr);
	len = json_object_array_length(a);
	if (len > AGENTMSG_MAX_AD_JOBS)
		return agentmsg_fail("jobs", "too many", errstr);
	if (len == 0)
		return 0;
	ad->jobs = xcalloc(len, sizeof *ad->jobs);
	ad->njobs = len;
	for (i = 0; i < len; i++) {
		j = &ad->jobs[i];
		if ((e = agentmsg_ad_elem(a, i, agentmsg_ad_job_members,
		    "jobs", errstr)) == NULL)
			return -1;
		if (agentmsg_jobrun(e, j->job, &j->run, errstr) == -1 ||
		    agentmsg_int(e, "slot", 1, AGENTMSG_MAX_SLOTS, 0, 1, &n,
		    errstr) == -1 ||
		    agentmsg_bool(e, "exited", &j->exited, errstr) == -1)
			return -1;
		j->slot = (int)n;
	}
	return 0;
}

/* 1 if S is an agent's name: [A-Za-z0-9._-], 1 to 64 of them. */
static int
agentmsg_ad_name_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n >= AGENTMSG_AGENT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

int
agentmsg_ad_decode(struct json_object *obj, struct agentmsg_ad *ad,
    const char **errstr)
{
	const struct msg_type	*mt = msg_type_get(MSG_AD);
	struct json_object	*mo;
	const char		*why;

	memset(ad, 0, sizeof *ad);
	if (mt == NULL || jsonx_check(obj, mt->members, errstr) == -1)
		goto fail;
	if (agentmsg_str(obj, "name", ad->name, sizeof ad->name, 1, 1,
	    errstr) == -1)
		goto fail;
	if (!agentmsg_ad_name_ok(ad->name)) {
		agentmsg_fail("name", "not an agent's name", errstr);
		goto fail;
	}
	if (agentmsg_ad_slots(obj, ad, errstr) == -1 ||
	    agentmsg_ad_jobs(obj, ad, errstr) == -1 ||
	    agentmsg_bool(obj, "criu", &ad->criu, errstr) == -1)
		goto fail;
	if ((mo = jsonx_get(obj, "machine")) != NULL) {
		ad->machine = xcalloc(1, sizeof *ad->machine);
		if (machinead_decode(mo, ad->machine, &why) == -1) {
			/* Most of its errors say "machine ad: " already. */
			if (strncmp(why, "machine ad: ", 12) == 0)
				*errstr = why;
			else
				agentmsg_fail("machine ad", why, errstr);
			goto fail;
		}
	}
	return 0;
fail:
	agentmsg_ad_clear(ad);
	return -1;
}

int
agentmsg_ad_decode_buf(const void *buf, size_t len, struct agentmsg_ad *ad,
    const char **errstr)
{
	struct json_object	*obj;
	int			 rc;

	memset(ad, 0, sizeof *ad);
	if (msg_decode(MSG_AD, buf, len, &obj, errstr) == -1)
		return -1;
	rc = agentmsg_ad_decode(obj, ad, errstr);
	json_object_put(obj);
	return rc;
}

struct json_object *
agentmsg_ad_encode(const struct agentmsg_ad *ad)
{
	struct json_object	*o, *a, *e;
	size_t			 i;

	o = json_object_new_object();
	agentmsg_add_str(o, "name", ad->name);
	a = json_object_new_array();
	for (i = 0; i < ad->nslots; i++) {
		e = json_object_new_object();
		agentmsg_add_int(e, "id", ad->slots[i].id);
		agentmsg_add_int(e, "cpus", ad->slots[i].cpus);
		agentmsg_add_int(e, "memory_mb", ad->slots[i].memory_mb);
		agentmsg_add_str(e, "state",
		    slot_state_str(ad->slots[i].state));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "slots", a);
	a = json_object_new_array();
	for (i = 0; i < ad->njobs; i++) {
		e = json_object_new_object();
		agentmsg_add_str(e, "job", ad->jobs[i].job);
		agentmsg_add_int(e, "run", ad->jobs[i].run);
		agentmsg_add_int(e, "slot", ad->jobs[i].slot);
		json_object_object_add(e, "exited",
		    json_object_new_boolean(ad->jobs[i].exited));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "jobs", a);
	if (ad->criu)
		agentmsg_add_true(o, "criu");
	if (ad->machine != NULL)
		json_object_object_add(o, "machine",
		    machinead_to_json(ad->machine));
	return o;
}

void
agentmsg_ad_clear(struct agentmsg_ad *ad)
{
	free(ad->slots);
	free(ad->jobs);
	if (ad->machine != NULL) {
		machinead_clear(ad->machine);
		free(ad->machine);
	}
	memset(ad, 0, sizeof *ad);
}
