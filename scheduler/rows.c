/*
 * rows.c: the rows of query replies that are more than a copy of a
 * struct: a job as an array of named fields (query member "fields", the
 * compact rows of `cq q -nobatch`), a slot as an array of named fields
 * (the rows of `cq status`'s table) and a slot's owner side for `cq
 * status` (activity, load, idle times from the agent's heartbeats, aged
 * by the time since that heartbeat).  The compact rows are written
 * straight as JSON text (rows_text_*): with 100,000 jobs, building and
 * freeing json-c objects for them blocked the loop for a third of a
 * second; text strings are escaped here as strict JSON wants (quote,
 * backslash, control characters; the bytes are valid UTF-8 already, they
 * came in through strict JSON).  Called by ctl.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "expr.h"
#include "job.h"
#include "jsonw.h"
#include "xmalloc.h"
#include "rows.h"
#include "schedd.h"
#include "slots.h"

static const char *const rows_field_names[RF_MAX] = {
	"id", "cluster", "proc", "owner", "state", "st", "priority", "cmd",
	"submitted", "started", "finished", "run", "machine", "request_cpus",
	"request_memory_mb", "last_ckpt_ms", "evictions", "run_time_ms"
};

static const char *const rows_slot_field_names[RS_MAX] = {
	"name", "machine", "slot", "state", "connected", "cpus", "memory_mb",
	"contact_age_ms", "job", "activity", "criu", "load", "owner_idle_ms",
	"owner_seen_ms", "image_version", "owner_reason"
};

/* NAME's index among the N of NAMES, or -1. */
static int
rows_name_index(const char *const *names, int n, const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int
rows_field_parse(const char *name, enum rows_field *f)
{
	int	i;

	if ((i = rows_name_index(rows_field_names, RF_MAX, name)) == -1)
		return -1;
	*f = (enum rows_field)i;
	return 0;
}

int
rows_slot_field_parse(const char *name, enum rows_slot_field *f)
{
	int	i;

	if ((i = rows_name_index(rows_slot_field_names, RS_MAX, name)) == -1)
		return -1;
	*f = (enum rows_slot_field)i;
	return 0;
}

/* condor_status's Activity for a slot state. */
static const char *
rows_activity(const struct machine *m, const struct slot *s, int64_t idle)
{
	if (!m->online)
		return "-";
	switch (s->state) {
	case SLOT_UNCLAIMED:
		return "Idle";
	case SLOT_CLAIMED:
		return "Busy";
	case SLOT_SUSPENDED:
		return "Suspended";
	case SLOT_VACATING:
		return "Vacating";
	case SLOT_DRAINING:
		return s->job != NULL ? "Retiring" : "Idle";
	case SLOT_OWNER:
		/* At the keyboard within the last minute, or owner hours. */
		return idle >= 0 && idle < 60000 ? "Owner" : "Idle";
	default:
		return "-";
	}
}

/* M's owner idle time now, -1 if unknown, aged by its heartbeat's age. */
static int64_t
rows_owner_idle(const struct machine *m, int64_t now)
{
	int64_t	age = m->hb_mono > 0 ? now - m->hb_mono : 0;

	return m->owner_idle_ms >= 0 ? m->owner_idle_ms + age : -1;
}

/* When M's owner was last seen, ago, -1 if never or unknown. */
static int64_t
rows_owner_seen(const struct machine *m, int64_t now)
{
	int64_t	age = m->hb_mono > 0 ? now - m->hb_mono : 0;

	return m->owner_seen_ms >= 0 ? m->owner_seen_ms + age : -1;
}

/*
 * What the agent's heartbeats said of its owner, aged by the time since
 * that heartbeat: load, owner_idle_ms, owner_seen_ms (null: unknown, or
 * for owner_seen_ms never seen) and the slot's activity.
 */
void
rows_machine_owner(struct json_object *o, const struct machine *m,
    const struct slot *s, int64_t now)
{
	int64_t	 idle = rows_owner_idle(m, now);
	int64_t	 seen = rows_owner_seen(m, now);

	json_object_object_add(o, "activity",
	    json_object_new_string(rows_activity(m, s, idle)));
	json_object_object_add(o, "criu", json_object_new_boolean(m->criu));
	json_object_object_add(o, "load", m->has_load ?
	    json_object_new_double(m->load) : NULL);
	json_object_object_add(o, "owner_idle_ms", idle >= 0 ?
	    json_object_new_int64(idle) : NULL);
	json_object_object_add(o, "owner_seen_ms", seen >= 0 ?
	    json_object_new_int64(seen) : NULL);
}

struct rows_text {
	struct jsonw	 w;
	size_t		 n;		/* rows so far */
	int		 closed;	/* the rows' array is closed */
};

struct rows_text *
rows_text_new(void)
{
	struct rows_text	*t = xcalloc(1, sizeof *t);

	jsonw_add(&t->w, "{\"rows\":[", 9);
	return t;
}

size_t
rows_text_count(const struct rows_text *t)
{
	return t->n;
}

void
rows_text_job(struct rows_text *t, const struct job *j, size_t cmdlen,
    const enum rows_field *f, size_t n)
{
	const char	*cmd;
	size_t		 i;

	jsonw_add(&t->w, t->n > 0 ? ",[" : "[", t->n > 0 ? 2 : 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jsonw_add(&t->w, ",", 1);
		switch (f[i]) {
		case RF_ID:
			jsonw_add(&t->w, "\"", 1);
			jsonw_int(&t->w, j->cluster);
			jsonw_add(&t->w, ".", 1);
			jsonw_int(&t->w, j->proc);
			jsonw_add(&t->w, "\"", 1);
			break;
		case RF_CLUSTER:
			jsonw_int(&t->w, j->cluster);
			break;
		case RF_PROC:
			jsonw_int(&t->w, j->proc);
			break;
		case RF_OWNER:
			jsonw_str(&t->w, j->owner != NULL ? j->owner : "");
			break;
		case RF_STATE:
			jsonw_str(&t->w, job_state_str(j->state));
			break;
		case RF_ST:
			jsonw_str(&t->w, job_state_letter(j->state));
			break;
		case RF_PRIORITY:
			jsonw_int(&t->w, j->priority);
			break;
		case RF_CMD:
			cmd = j->cmd != NULL ? j->cmd : "";
			jsonw_strn(&t->w, cmd, strnlen(cmd, cmdlen));
			break;
		case RF_SUBMITTED:
			jsonw_int(&t->w, j->submitted);
			break;
		case RF_STARTED:
			jsonw_int(&t->w, j->started);
			break;
		case RF_FINISHED:
			jsonw_int(&t->w, j->finished);
			break;
		case RF_RUN:
			jsonw_int(&t->w, j->run);
			break;
		case RF_MACHINE:
			if (j->machine != NULL)
				jsonw_str(&t->w, j->machine);
			else
				jsonw_add(&t->w, "null", 4);
			break;
		case RF_REQUEST_CPUS:
			jsonw_int(&t->w, j->request_cpus);
			break;
		case RF_REQUEST_MEMORY_MB:
			jsonw_int(&t->w, j->request_memory_mb);
			break;
		case RF_LAST_CKPT_MS:
			jsonw_int(&t->w, j->ckpt_time);
			break;
		case RF_EVICTIONS:
			jsonw_int(&t->w, j->nevictions);
			break;
		case RF_RUN_TIME_MS:
			jsonw_int(&t->w, job_run_time_ms(j, clock_now_ms()));
			break;
		default:
			jsonw_add(&t->w, "null", 4);
			break;
		}
	}
	jsonw_add(&t->w, "]", 1);
	t->n++;
}

/* A number or null (V < 0). */
static void
rows_text_int_or_null(struct rows_text *t, int64_t v)
{
	if (v < 0)
		jsonw_add(&t->w, "null", 4);
	else
		jsonw_int(&t->w, v);
}

/*
 * V as a JSON number that reads back as V: a load is told with two
 * decimals, written so without snprintf() when K / 100 is exactly V
 * (division is correctly rounded, as is reading the decimal back);
 * else %.17g.  ".0" on a whole number, as json-c writes a double.
 */
static void
rows_text_double(struct rows_text *t, double v)
{
	char		num[48];
	int64_t		k;
	int		n;

	if (v >= 0 && !signbit(v) && v < 1e12) {
		k = (int64_t)(v * 100 + 0.5);
		if ((double)k / 100 == v) {
			jsonw_int(&t->w, k / 100);
			num[0] = '.';
			num[1] = (char)('0' + k % 100 / 10);
			num[2] = (char)('0' + k % 10);
			jsonw_add(&t->w, num, k % 10 != 0 ? 3 : 2);
			return;
		}
	}
	n = snprintf(num, sizeof num, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof num - 2) {
		jsonw_add(&t->w, "null", 4);
		return;
	}
	if (strpbrk(num, ".eEin") == NULL) {
		num[n++] = '.';
		num[n++] = '0';
	}
	jsonw_add(&t->w, num, (size_t)n);
}

void
rows_text_slot(struct rows_text *t, const struct slot *s, int64_t now,
    const enum rows_slot_field *f, size_t n)
{
	const struct machine	*m = s->machine;
	size_t			 i;

	jsonw_add(&t->w, t->n > 0 ? ",[" : "[", t->n > 0 ? 2 : 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jsonw_add(&t->w, ",", 1);
		switch (f[i]) {
		case RS_NAME:
			jsonw_add(&t->w, "\"slot", 5);
			jsonw_int(&t->w, s->id);
			jsonw_add(&t->w, "@", 1);
			jsonw_esc(&t->w, m->name, strlen(m->name));
			jsonw_add(&t->w, "\"", 1);
			break;
		case RS_MACHINE:
			jsonw_str(&t->w, m->name);
			break;
		case RS_SLOT:
			jsonw_int(&t->w, s->id);
			break;
		case RS_STATE:
			jsonw_str(&t->w, !m->online ? "OFFLINE" :
			    slot_state_str(s->state));
			break;
		case RS_CONNECTED:
			if (m->peer != NULL)
				jsonw_add(&t->w, "true", 4);
			else
				jsonw_add(&t->w, "false", 5);
			break;
		case RS_CPUS:
			jsonw_int(&t->w, s->cpus);
			break;
		case RS_MEMORY_MB:
			jsonw_int(&t->w, s->memory_mb);
			break;
		case RS_CONTACT_AGE_MS:
			jsonw_int(&t->w, now - m->contact);
			break;
		case RS_JOB:
			if (s->job == NULL) {
				jsonw_add(&t->w, "null", 4);
				break;
			}
			jsonw_add(&t->w, "\"", 1);
			jsonw_int(&t->w, s->job->cluster);
			jsonw_add(&t->w, ".", 1);
			jsonw_int(&t->w, s->job->proc);
			jsonw_add(&t->w, "\"", 1);
			break;
		case RS_ACTIVITY:
			jsonw_str(&t->w, rows_activity(m, s,
			    rows_owner_idle(m, now)));
			break;
		case RS_CRIU:
			if (m->criu)
				jsonw_add(&t->w, "true", 4);
			else
				jsonw_add(&t->w, "false", 5);
			break;
		case RS_LOAD:
			if (m->has_load)
				rows_text_double(t, m->load);
			else
				jsonw_add(&t->w, "null", 4);
			break;
		case RS_OWNER_IDLE_MS:
			rows_text_int_or_null(t, rows_owner_idle(m, now));
			break;
		case RS_OWNER_SEEN_MS:
			rows_text_int_or_null(t, rows_owner_seen(m, now));
			break;
		case RS_IMAGE_VERSION:
			jsonw_str(&t->w, m->ad.image_version);
			break;
		case RS_OWNER_REASON:
			jsonw_str(&t->w, m->ad.owner_reason);
			break;
		default:
			jsonw_add(&t->w, "null", 4);
			break;
		}
	}
	jsonw_add(&t->w, "]", 1);
	t->n++;
}

void
rows_text_raw(struct rows_text *t, const char *row, size_t len)
{
	if (t->n > 0)
		jsonw_add(&t->w, ",", 1);
	jsonw_add(&t->w, row, len);
	t->n++;
}

void
rows_text_member(struct rows_text *t, const char *name, int64_t v)
{
	if (!t->closed) {
		jsonw_add(&t->w, "]", 1);
		t->closed = 1;
	}
	jsonw_add(&t->w, ",", 1);
	jsonw_str(&t->w, name);
	jsonw_add(&t->w, ":", 1);
	jsonw_int(&t->w, v);
}

char *
rows_text_finish(struct rows_text *t, size_t *len)
{
	char	*buf;

	if (!t->closed)
		jsonw_add(&t->w, "]", 1);
	jsonw_add(&t->w, "}", 1);
	buf = jsonw_done(&t->w, len);
	free(t);
	return buf;
}


void
rows_slot_ad(struct json_object *o, const struct slot *s, int64_t now)
{
	static const char *const names[] = { "Name", "Machine", "SlotID",
	    "Arch", "OpSys", "OpSysAndVer", "Cpus", "Memory", "Disk",
	    "TotalCpus", "TotalMemory", "TotalDisk", "KeyboardIdle",
	    "ConsoleIdle", "LoadAvg", "ExpectedOwnerAbsence", "State",
	    "Activity", "HasCRIU", "CqImageVersion", "CqOwnerReason" };
	const struct machinead	*mad = &s->machine->ad;
	struct json_object	*ad;
	struct expr_value	 v;
	size_t			 i;

	ad = json_object_new_object();
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (slots_lookup(s, now, names[i], &v) == -1)
			continue;
		json_object_object_add(ad, names[i], expr_value_json(&v));
		expr_value_clear(&v);
	}
	if (mad->start != NULL)
		json_object_object_add(ad, "Start",
		    json_object_new_string(expr_source(mad->start)));
	if (mad->rank != NULL)
		json_object_object_add(ad, "Rank",
		    json_object_new_string(expr_source(mad->rank)));
	for (i = 0; i < mad->nattrs; i++)
		json_object_object_add(ad, mad->attrs[i].name,
		    expr_value_json(&mad->attrs[i].v));
	json_object_object_add(o, "ad", ad);
}
