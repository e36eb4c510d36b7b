/*
 * why.c: `cq why ID`, the answer to "why does my job not run?".  For an
 * idle job every slot of every known machine is judged against the job,
 * the permanent reasons first (too few cpus, too little memory: the job
 * can never run there) and then the passing ones (owner present, offline,
 * draining, busy), and the slots are counted per reason.  A running job
 * gets where it runs, a held one its hold reason.  Called by ctl.c for a
 * query of what="why"; it reads the scheduler's memory and changes
 * nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "agents.h"
#include "schedd.h"
#include "share.h"
#include "why.h"

enum why_reason {
	WHY_CPUS,
	WHY_MEMORY,
	WHY_OFFLINE,
	WHY_OWNER,
	WHY_DRAINING,
	WHY_BUSY,
	WHY_FREE,
	WHY_MAX
};

struct why_walk {
	const struct job	*job;
	int			 count[WHY_MAX];
	int64_t			 max_cpus, max_memory_mb;
	int			 nslots;
};

static enum why_reason
why_slot(const struct job *j, const struct machine *m, const struct slot *s)
{
	if (s->cpus < j->request_cpus)
		return WHY_CPUS;
	if (s->memory_mb < j->request_memory_mb)
		return WHY_MEMORY;
	if (!m->online || m->peer == NULL)
		return WHY_OFFLINE;
	switch (s->state) {
	case SLOT_OWNER:
		return WHY_OWNER;
	case SLOT_DRAINING:
		return WHY_DRAINING;
	case SLOT_UNCLAIMED:
		/* A slot still cleaning up a killed job is not free yet. */
		return s->job == NULL && s->stale_job[0] == '\0' ?
		    WHY_FREE : WHY_BUSY;
	case SLOT_OFFLINE:
		return WHY_OFFLINE;
	default:
		return WHY_BUSY;
	}
}

static void
why_machine_cb(struct machine *m, void *arg)
{
	struct why_walk	*w = arg;
	struct slot	*s;
	int		 i;

	for (i = 0; i < m->nslots; i++) {
		s = m->slots[i];
		if (s->cpus > w->max_cpus)
			w->max_cpus = s->cpus;
		if (s->memory_mb > w->max_memory_mb)
			w->max_memory_mb = s->memory_mb;
		w->count[why_slot(w->job, m, s)]++;
		w->nslots++;
	}
}

static void
why_add(struct json_object *reasons, const char *key, int count,
    const char *text)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "reason", json_object_new_string(key));
	json_object_object_add(o, "slots", json_object_new_int(count));
	json_object_object_add(o, "text", json_object_new_string(text));
	json_object_array_add(reasons, o);
}

struct json_object *
why_explain(const struct job *j)
{
	static const char *const keys[WHY_MAX] = { "cpus", "memory",
	    "offline", "owner", "draining", "busy", "free" };
	struct json_object	*o, *reasons;
	struct why_walk		 w;
	char			 id[32], text[512];
	int			 r;

	snprintf(id, sizeof id, "%u.%u", j->cluster, j->proc);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "state",
	    json_object_new_string(job_state_str(j->state)));
	switch (j->state) {
	case JOB_RUNNING:
	case JOB_SUSPENDED:
	case JOB_TRANSFERRING_OUTPUT:
		snprintf(text, sizeof text, "job %s is %s on %s", id,
		    j->state == JOB_SUSPENDED ? "suspended (its desktop's "
		    "owner is back)" : "running", j->machine != NULL ?
		    j->machine : "a machine that is away");
		json_object_object_add(o, "summary",
		    json_object_new_string(text));
		return o;
	case JOB_HELD:
		snprintf(text, sizeof text, "job %s is held: %s", id,
		    j->hold_reason != NULL ? j->hold_reason : "reason unknown");
		json_object_object_add(o, "summary",
		    json_object_new_string(text));
		return o;
	case JOB_IDLE:
		break;
	default:
		snprintf(text, sizeof text, "job %s is leaving the queue", id);
		json_object_object_add(o, "summary",
		    json_object_new_string(text));
		return o;
	}
	memset(&w, 0, sizeof w);
	w.job = j;
	agents_walk(why_machine_cb, &w);
	reasons = json_object_new_array();
	for (r = 0; r < WHY_MAX; r++) {
		if (w.count[r] == 0)
			continue;
		switch (r) {
		case WHY_CPUS:
			snprintf(text, sizeof text, "too few cpus (job asks "
			    "%lld, largest slot %lld)",
			    (long long)j->request_cpus,
			    (long long)w.max_cpus);
			break;
		case WHY_MEMORY:
			snprintf(text, sizeof text, "too little memory (job "
			    "asks %lld MiB, largest slot %lld MiB)",
			    (long long)j->request_memory_mb,
			    (long long)w.max_memory_mb);
			break;
		case WHY_OFFLINE:
			snprintf(text, sizeof text, "machine offline");
			break;
		case WHY_OWNER:
			snprintf(text, sizeof text, "owner present");
			break;
		case WHY_DRAINING:
			snprintf(text, sizeof text, "draining");
			break;
		case WHY_BUSY:
			snprintf(text, sizeof text, "claimed by another job");
			break;
		default:
			snprintf(text, sizeof text, "free and willing (the "
			    "job waits its turn)");
			break;
		}
		why_add(reasons, keys[r], w.count[r], text);
	}
	if (w.nslots == 0)
		snprintf(text, sizeof text, "job %s is idle: no machine has "
		    "joined the pool", id);
	else if (w.count[WHY_CPUS] + w.count[WHY_MEMORY] == w.nslots)
		snprintf(text, sizeof text, "job %s is idle: no slot of the "
		    "%d known can ever run it", id, w.nslots);
	else
		snprintf(text, sizeof text, "job %s is idle: %d of %d slots "
		    "could run it now", id, w.count[WHY_FREE], w.nslots);
	json_object_object_add(o, "summary", json_object_new_string(text));
	json_object_object_add(o, "reasons", reasons);
	json_object_object_add(o, "nslots", json_object_new_int(w.nslots));

	/* Fair share and concurrency limits (share.c). */
	share_why(j, o);
	return o;
}
