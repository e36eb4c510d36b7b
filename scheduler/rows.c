/*
 * rows.c: the rows of query replies that are more than a copy of a
 * struct: a job as an array of named fields (query member "fields", the
 * compact rows of `cq q -nobatch`) and a slot's owner side for `cq
 * status` (activity, load, idle times from the agent's heartbeats, aged
 * by the time since that heartbeat).  Called by ctl.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "job.h"
#include "rows.h"
#include "schedd.h"

static const char *const rows_field_names[RF_MAX] = {
	"id", "cluster", "proc", "owner", "state", "st", "priority", "cmd",
	"submitted", "started", "finished", "run", "machine", "request_cpus",
	"request_memory_mb"
};

int
rows_field_parse(const char *name, enum rows_field *f)
{
	int	i;

	for (i = 0; name != NULL && i < RF_MAX; i++) {
		if (strcmp(name, rows_field_names[i]) == 0) {
			*f = (enum rows_field)i;
			return 0;
		}
	}
	return -1;
}

/*
 * J as an array of the fields F[0..N-1]: the compact rows of the table
 * views, several times cheaper to build, send and parse than objects
 * with 100,000 jobs.
 */
struct json_object *
rows_job_cells(const struct job *j, const enum rows_field *f, size_t n)
{
	struct json_object	*a;
	char			 id[32];
	size_t			 i;

	a = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		switch (f[i]) {
		case RF_ID:
			snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
			json_object_array_add(a, json_object_new_string(id));
			break;
		case RF_CLUSTER:
			json_object_array_add(a,
			    json_object_new_int64(j->cluster));
			break;
		case RF_PROC:
			json_object_array_add(a, json_object_new_int64(j->proc));
			break;
		case RF_OWNER:
			json_object_array_add(a,
			    json_object_new_string(j->owner));
			break;
		case RF_STATE:
			json_object_array_add(a, json_object_new_string(
			    job_state_str(j->state)));
			break;
		case RF_ST:
			json_object_array_add(a, json_object_new_string(
			    job_state_letter(j->state)));
			break;
		case RF_PRIORITY:
			json_object_array_add(a,
			    json_object_new_int(j->priority));
			break;
		case RF_CMD:
			json_object_array_add(a, json_object_new_string(
			    j->cmd != NULL ? j->cmd : ""));
			break;
		case RF_SUBMITTED:
			json_object_array_add(a,
			    json_object_new_int64(j->submitted));
			break;
		case RF_STARTED:
			json_object_array_add(a,
			    json_object_new_int64(j->started));
			break;
		case RF_FINISHED:
			json_object_array_add(a,
			    json_object_new_int64(j->finished));
			break;
		case RF_RUN:
			json_object_array_add(a, json_object_new_int64(j->run));
			break;
		case RF_MACHINE:
			json_object_array_add(a, j->machine != NULL ?
			    json_object_new_string(j->machine) : NULL);
			break;
		case RF_REQUEST_CPUS:
			json_object_array_add(a,
			    json_object_new_int64(j->request_cpus));
			break;
		case RF_REQUEST_MEMORY_MB:
			json_object_array_add(a,
			    json_object_new_int64(j->request_memory_mb));
			break;
		default:
			break;
		}
	}
	return a;
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

/*
 * What the agent's heartbeats said of its owner, aged by the time since
 * that heartbeat: load, owner_idle_ms, owner_seen_ms (null: unknown, or
 * for owner_seen_ms never seen) and the slot's activity.
 */
void
rows_machine_owner(struct json_object *o, const struct machine *m,
    const struct slot *s, int64_t now)
{
	int64_t	 age = m->hb_mono > 0 ? now - m->hb_mono : 0;
	int64_t	 idle = m->owner_idle_ms >= 0 ? m->owner_idle_ms + age : -1;

	json_object_object_add(o, "activity",
	    json_object_new_string(rows_activity(m, s, idle)));
	json_object_object_add(o, "load", m->has_load ?
	    json_object_new_double(m->load) : NULL);
	json_object_object_add(o, "owner_idle_ms", idle >= 0 ?
	    json_object_new_int64(idle) : NULL);
	json_object_object_add(o, "owner_seen_ms", m->owner_seen_ms >= 0 ?
	    json_object_new_int64(m->owner_seen_ms + age) : NULL);
}
