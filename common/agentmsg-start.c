/*
 * agentmsg-start.c: the scheduler's start order (MSG_START) as a C
 * struct (agentmsg.h), encoded by the scheduler (scheduler/agents.c) and
 * decoded by the agent (startd/link.c, for startd/jobs.c) in this one
 * place.  The order names the run (job, run, slot), whom it runs as
 * (owner, uid), the job's description in its wire form (jobdesc.c), how
 * its files travel (xfer, nfiles, exe, ckpt) and its job ad, which the
 * agent evaluates its own start expression against before it starts the
 * job.  Every member is checked; a description that does not decode is
 * kept as DESC_ERROR, not a refusal, so the agent can end that run with
 * the reason as it always has.  agentmsg_start_text() writes the order as
 * text, what the scheduler sends at every start, without a json-c object
 * per member or a copy per older peer (msg_for_rev()).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "agentmsg.h"
#include "agentmsg-int.h"
#include "jsonw.h"
#include "jsonx.h"
#include "msg.h"
#include "text.h"
#include "xmalloc.h"

/* 1 if S is an attribute's name: a letter or '_', then [A-Za-z0-9_]. */
static int
agentmsg_attr_name_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n >= AGENTMSG_ATTR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

int
agentmsg_start_attr_add(struct agentmsg_start *so, const char *name,
    const struct expr_value *v)
{
	struct agentmsg_attr	*a;

	if (so->njobad >= AGENTMSG_MAX_JOBAD || !agentmsg_attr_name_ok(name))
		return -1;
	switch (v->type) {
	case EXPR_BOOL:
	case EXPR_INT:
		break;
	case EXPR_REAL:
		if (!isfinite(v->r))
			return -1;
		break;
	case EXPR_STRING:
		if (v->s == NULL || !text_utf8(v->s, strlen(v->s)))
			return -1;
		break;
	default:
		return -1;
	}
	so->jobad = xreallocarray(so->jobad, so->njobad + 1,
	    sizeof *so->jobad);
	a = &so->jobad[so->njobad++];
	a->name = xstrdup(name);
	a->v = *v;
	a->v.b = v->type == EXPR_BOOL ? (v->b != 0) : 0;
	a->v.i = v->type == EXPR_INT ? v->i : 0;
	a->v.r = v->type == EXPR_REAL ? v->r + 0.0 : 0;
	a->v.s = v->type == EXPR_STRING ? xstrdup(v->s) : NULL;
	return 0;
}

const struct expr_value *
agentmsg_start_attr(const struct agentmsg_start *so, const char *name)
{
	size_t	i;

	for (i = 0; i < so->njobad; i++)
		if (strcasecmp(so->jobad[i].name, name) == 0)
			return &so->jobad[i].v;
	return NULL;
}

static int
agentmsg_start_jobad(struct json_object *obj, struct agentmsg_start *so,
    const char **errstr)
{
	struct json_object	*o = jsonx_get(obj, "jobad");
	struct expr_value	 v;
	int			 rc;

	if (o == NULL)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return agentmsg_fail("jobad", "not an object", errstr);
	so->has_jobad = 1;
	if (json_object_object_length(o) > AGENTMSG_MAX_JOBAD)
		return agentmsg_fail("jobad", "too many attributes", errstr);
	json_object_object_foreach(o, k, jv) {
		if (!agentmsg_attr_name_ok(k))
			return agentmsg_fail("jobad", "not an attribute's name",
			    errstr);
		if (jv != NULL && json_object_is_type(jv, json_type_string) &&
		    ((size_t)json_object_get_string_len(jv) !=
		    strlen(json_object_get_string(jv)) ||
		    !text_utf8(json_object_get_string(jv),
		    strlen(json_object_get_string(jv)))))
			return agentmsg_fail("jobad", "not UTF-8 text", errstr);
		expr_value_from_json(jv, &v);
		rc = agentmsg_start_attr_add(so, k, &v);
		expr_value_clear(&v);
		if (rc == -1)
			return agentmsg_fail("jobad",
			    "not a boolean, number or string", errstr);
	}
	return 0;
}

int
agentmsg_start_decode(struct json_object *obj, struct agentmsg_start *so,
    const char **errstr)
{
	const struct msg_type	*mt = msg_type_get(MSG_START);
	const char		*why;
	char			 job[AGENTMSG_JOB_MAX] = "";
	uint32_t		 run = 0;
	int64_t			 n;
	int			 slot = 0;

	memset(so, 0, sizeof *so);
	if (mt == NULL || jsonx_check(obj, mt->members, errstr) == -1)
		goto fail;
	if (agentmsg_jobrun(obj, so->job, &so->run, errstr) == -1 ||
	    agentmsg_int(obj, "slot", 1, AGENTMSG_MAX_SLOTS, 0, 1, &n,
	    errstr) == -1)
		goto fail;
	so->slot = (int)n;
	if (agentmsg_str(obj, "owner", so->owner, sizeof so->owner, 1, 1,
	    errstr) == -1 ||
	    agentmsg_int(obj, "uid", -1, UINT32_MAX, -1, 1, &so->uid,
	    errstr) == -1 ||
	    agentmsg_bool(obj, "xfer", &so->xfer, errstr) == -1 ||
	    agentmsg_int(obj, "nfiles", 0, AGENTMSG_MAX_FILES, 0, 0,
	    &so->nfiles, errstr) == -1 ||
	    agentmsg_str(obj, "exe", so->exe, sizeof so->exe, 0, 1,
	    errstr) == -1 ||
	    agentmsg_int(obj, "ckpt", 0, UINT32_MAX, 0, 0, &so->ckpt,
	    errstr) == -1 ||
	    agentmsg_start_jobad(obj, so, errstr) == -1)
		goto fail;
	if (!so->xfer && (so->nfiles != 0 || so->exe[0] != '\0' ||
	    so->ckpt != 0)) {
		agentmsg_fail("xfer", "missing (files travel with it)", errstr);
		goto fail;
	}
	if (jobdesc_from_json(jsonx_get(obj, "desc"), &so->desc, &why) == -1) {
		memset(&so->desc, 0, sizeof so->desc);
		agentmsg_text_set(so->desc_error, sizeof so->desc_error,
		    why != NULL && *why != '\0' ? why : "does not decode");
	}
	return 0;
fail:
	/* The run (and slot) it names, if it does, so the agent can
	 * answer it. */
	if (agentmsg_job_ok(so->job) && so->run >= 1) {
		strlcpy(job, so->job, sizeof job);
		run = so->run;
		slot = so->slot;
	}
	agentmsg_start_clear(so);
	strlcpy(so->job, job, sizeof so->job);
	so->run = run;
	so->slot = slot;
	return -1;
}

int
agentmsg_start_decode_buf(const void *buf, size_t len,
    struct agentmsg_start *so, const char **errstr)
{
	struct json_object	*obj;
	int			 rc;

	memset(so, 0, sizeof *so);
	if (msg_decode(MSG_START, buf, len, &obj, errstr) == -1)
		return -1;
	rc = agentmsg_start_decode(obj, so, errstr);
	json_object_put(obj);
	return rc;
}

struct json_object *
agentmsg_start_encode(const struct agentmsg_start *so)
{
	struct json_object	*o, *ad;
	size_t			 i;

	o = json_object_new_object();
	agentmsg_add_str(o, "job", so->job);
	agentmsg_add_int(o, "run", so->run);
	agentmsg_add_int(o, "slot", so->slot);
	agentmsg_add_str(o, "owner", so->owner);
	agentmsg_add_int(o, "uid", so->uid);
	if (so->exe[0] != '\0')
		agentmsg_add_str(o, "exe", so->exe);
	if (so->ckpt > 0)
		agentmsg_add_int(o, "ckpt", so->ckpt);
	if (so->xfer) {
		agentmsg_add_true(o, "xfer");
		agentmsg_add_int(o, "nfiles", so->nfiles);
	}
	/* A description that did not decode goes as one the agent refuses. */
	json_object_object_add(o, "desc", so->desc_error[0] != '\0' ?
	    json_object_new_object() : jobdesc_to_wire(&so->desc));
	if (so->has_jobad || so->njobad > 0) {
		ad = json_object_new_object();
		for (i = 0; i < so->njobad; i++)
			json_object_object_add(ad, so->jobad[i].name,
			    expr_value_json(&so->jobad[i].v));
		json_object_object_add(o, "jobad", ad);
	}
	return o;
}

/* 1 if a peer of revision REV is sent MEMBER ("desc.hold": of desc). */
static int
agentmsg_start_for(int rev, const char *member)
{
	return rev == MSG_REV_UNKNOWN || rev >= MSG_REV ||
	    msg_member_rev(MSG_START, member) <= rev;
}

/* ,"KEY": if a peer of revision REV is sent KEY: 1, else 0. */
static int
agentmsg_start_key(struct jsonw *w, int rev, const char *key)
{
	if (!agentmsg_start_for(rev, key))
		return 0;
	jsonw_key(w, key);
	return 1;
}

/* The description's wire form, as REV may see it. */
static void
agentmsg_start_desc(struct jsonw *w, const struct agentmsg_start *so,
    const char *desc, size_t desclen, int rev)
{
	struct jobdesc	 d;
	char		*t;
	size_t		 n;

	if (so->desc_error[0] != '\0') {
		jsonw_add(w, "{}", 2);
		return;
	}
	/* Members it does not know are written at their defaults, which
	 * the wire form leaves out: what msg_for_rev() removes. */
	d = so->desc;
	if (!agentmsg_start_for(rev, "desc.hold"))
		d.hold = 0;
	if (!agentmsg_start_for(rev, "desc.transfer_executable"))
		d.transfer_executable = 1;
	if (desc != NULL && d.hold == so->desc.hold &&
	    d.transfer_executable == so->desc.transfer_executable) {
		jsonw_add(w, desc, desclen);
		return;
	}
	t = jobdesc_wire_text(&d, &n);
	jsonw_add(w, t, n);
	free(t);
}

/* One job-ad value, as expr_value_json() and json-c print it. */
static void
agentmsg_start_value(struct jsonw *w, const struct expr_value *v)
{
	struct json_object	*o;

	switch (v->type) {
	case EXPR_BOOL:
		jsonw_lit(w, v->b ? "true" : "false");
		break;
	case EXPR_INT:
		jsonw_int(w, v->i);
		break;
	case EXPR_STRING:
		jsonw_str(w, v->s);
		break;
	default:
		/* A real (json-c's own format), or what is none: null. */
		o = expr_value_json(v);
		jsonw_json(w, o);
		json_object_put(o);
		break;
	}
}

/* The job ad: as an object, a name said twice keeps its first place
 * and its last value. */
static void
agentmsg_start_jobad_text(struct jsonw *w, const struct agentmsg_start *so)
{
	const struct expr_value	*v;
	size_t			 i, k;

	jsonw_add(w, "{", 1);
	for (i = 0; i < so->njobad; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(so->jobad[k].name, so->jobad[i].name) == 0)
				break;
		if (k < i)
			continue;
		v = &so->jobad[i].v;
		for (k = i + 1; k < so->njobad; k++)
			if (strcmp(so->jobad[k].name, so->jobad[i].name) == 0)
				v = &so->jobad[k].v;
		jsonw_key(w, so->jobad[i].name);
		agentmsg_start_value(w, v);
	}
	jsonw_add(w, "}", 1);
}

char *
agentmsg_start_text(const struct agentmsg_start *so, const char *desc,
    size_t desclen, int rev, size_t *len)
{
	struct jsonw	w = { NULL, 0, 0 };

	/* The members and their order are agentmsg_start_encode()'s. */
	jsonw_add(&w, "{", 1);
	if (agentmsg_start_key(&w, rev, "job"))
		jsonw_str(&w, so->job);
	if (agentmsg_start_key(&w, rev, "run"))
		jsonw_int(&w, so->run);
	if (agentmsg_start_key(&w, rev, "slot"))
		jsonw_int(&w, so->slot);
	if (agentmsg_start_key(&w, rev, "owner"))
		jsonw_str(&w, so->owner);
	if (agentmsg_start_key(&w, rev, "uid"))
		jsonw_int(&w, so->uid);
	if (so->exe[0] != '\0' && agentmsg_start_key(&w, rev, "exe"))
		jsonw_str(&w, so->exe);
	if (so->ckpt > 0 && agentmsg_start_key(&w, rev, "ckpt"))
		jsonw_int(&w, so->ckpt);
	if (so->xfer) {
		if (agentmsg_start_key(&w, rev, "xfer"))
			jsonw_lit(&w, "true");
		if (agentmsg_start_key(&w, rev, "nfiles"))
			jsonw_int(&w, so->nfiles);
	}
	if (agentmsg_start_key(&w, rev, "desc"))
		agentmsg_start_desc(&w, so, desc, desclen, rev);
	if ((so->has_jobad || so->njobad > 0) &&
	    agentmsg_start_key(&w, rev, "jobad"))
		agentmsg_start_jobad_text(&w, so);
	jsonw_add(&w, "}", 1);
	return jsonw_done(&w, len);
}

void
agentmsg_start_clear(struct agentmsg_start *so)
{
	size_t	i;

	jobdesc_free(&so->desc);
	for (i = 0; i < so->njobad; i++) {
		free(so->jobad[i].name);
		expr_value_clear(&so->jobad[i].v);
	}
	free(so->jobad);
	memset(so, 0, sizeof *so);
}
