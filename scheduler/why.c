/*
 * why.c: `cq why ID` and `cq q -better-analyze ID`, the answer to "why
 * does my job not run?".  For an idle job every slot of every known
 * machine is judged by the predicate matching uses (slots_judge()), so
 * the answer cannot drift from the decision; the slots are counted per
 * verdict (a requirements clause, a machine's start clause, CRIU, offline,
 * owner present, draining, busy, free), each clause of the requirements
 * is counted on its own as condor_q -better-analyze does, and the answer
 * ends with what change would let the job run.  A running job gets where
 * it runs, a held one its hold reason.  Called by ctl-query.c for a query
 * of what="why"; it reads the scheduler's memory and changes nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "autocluster.h"
#include "jobad.h"
#include "schedd.h"
#include "slots.h"
#include "why.h"
#include "xmalloc.h"

#define WHY_MAX_START	32	/* distinct start clauses told */

/* Slots a machine's start rejects on one clause. */
struct why_start {
	char	 text[256];
	char	 machine[80];	/* the first machine, and how many more */
	int	 nmachines;
	int	 slots;
};

struct why_walk {
	struct autocluster	*ac;
	int64_t			 now;
	int			 nslots;
	int			 verdict[SLOTS_NVERDICTS];
	int			 nclauses;
	int			*first;		/* slots a clause rejects first */
	int			*matched;	/* slots a clause holds for */
	int			*undef;		/* slots it is undefined for */
	struct why_start	 start[WHY_MAX_START];
	int			 nstart;
	int64_t			 max_cpus, max_memory_mb, max_disk_kb;
	const struct machine	*last_machine;
};

static void
why_start_add(struct why_walk *w, const struct slot *s, int k)
{
	const struct machine	*m = s->machine;
	struct why_start	*st;
	char			 text[256];
	int			 i;

	expr_clause_str(m->ad.start, k, text, sizeof text);
	for (i = 0; i < w->nstart; i++)
		if (strcmp(w->start[i].text, text) == 0)
			break;
	if (i == w->nstart) {
		if (w->nstart == WHY_MAX_START)
			return;
		st = &w->start[w->nstart++];
		strlcpy(st->text, text, sizeof st->text);
		strlcpy(st->machine, m->name, sizeof st->machine);
		st->nmachines = 1;
		w->last_machine = m;
	} else {
		st = &w->start[i];
		if (strcmp(st->machine, m->name) != 0 && w->last_machine != m)
			st->nmachines++;
		w->last_machine = m;
	}
	st->slots++;
}

static void
why_slot(struct why_walk *w, const struct slot *s)
{
	struct expr_value	v;
	enum slots_verdict	verdict;
	int			k, clause;

	if (s->cpus > w->max_cpus)
		w->max_cpus = s->cpus;
	if (s->memory_mb > w->max_memory_mb)
		w->max_memory_mb = s->memory_mb;
	if (s->disk_kb > w->max_disk_kb)
		w->max_disk_kb = s->disk_kb;
	w->nslots++;
	verdict = slots_judge(s, w->ac, w->now, &clause);
	w->verdict[verdict]++;
	if (verdict == SLOTS_REQUIREMENTS && clause >= 0 &&
	    clause < w->nclauses)
		w->first[clause]++;
	if (verdict == SLOTS_START && clause >= 0)
		why_start_add(w, s, clause);
	/* Each clause on its own, as condor_q -better-analyze counts. */
	for (k = 0; k < w->nclauses; k++) {
		slots_req_clause(s, w->ac, k, w->now, &v);
		if (expr_is_true(&v))
			w->matched[k]++;
		else if (v.type == EXPR_UNDEFINED)
			w->undef[k]++;
		expr_value_clear(&v);
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

/* The reason key and text of slots that clause K rejects first. */
static const char *
why_clause_reason(const struct why_walk *w, int k, char *text, size_t len)
{
	const struct autocluster	*ac = w->ac;
	char				 src[256];

	autocluster_clause_str(ac, k, src, sizeof src);
	if (strcmp(src, "TARGET.Cpus >= RequestCpus") == 0) {
		snprintf(text, len, "too few cpus (job asks %lld, largest "
		    "slot %lld)", (long long)ac->request_cpus,
		    (long long)w->max_cpus);
		return "cpus";
	}
	if (strcmp(src, "TARGET.Memory >= RequestMemory") == 0) {
		snprintf(text, len, "too little memory (job asks %lld MiB, "
		    "largest slot %lld MiB)", (long long)ac->request_memory_mb,
		    (long long)w->max_memory_mb);
		return "memory";
	}
	if (strcmp(src, "TARGET.Disk >= RequestDisk") == 0) {
		snprintf(text, len, "too little disk (job asks %lld KiB, "
		    "largest slot %lld KiB)", (long long)ac->request_disk_kb,
		    (long long)w->max_disk_kb);
		return "disk";
	}
	snprintf(text, len, "rejected by the job's requirements: %s%s", src,
	    w->undef[k] > 0 ? " (undefined: an attribute neither ad has)" :
	    "");
	return "requirements";
}

/* What change would let the job run; into SUG. */
static void
why_suggest(const struct why_walk *w, struct json_object *sug)
{
	const struct autocluster	*ac = w->ac;
	char				 src[256], text[512];
	int				 k, any = 0;

	if (w->nslots == 0) {
		json_object_array_add(sug, json_object_new_string("start an "
		    "agent (cq-startd) that joins this pool"));
		return;
	}
	for (k = 0; k < w->nclauses; k++) {
		if (w->matched[k] > 0)
			continue;
		autocluster_clause_str(ac, k, src, sizeof src);
		any = 1;
		if (strcmp(src, "TARGET.Cpus >= RequestCpus") == 0)
			snprintf(text, sizeof text, "request_cpus = %lld or "
			    "fewer (the largest slot has %lld)",
			    (long long)w->max_cpus, (long long)w->max_cpus);
		else if (strcmp(src, "TARGET.Memory >= RequestMemory") == 0)
			snprintf(text, sizeof text, "request_memory = %lld "
			    "or less (MiB; the largest slot has that)",
			    (long long)w->max_memory_mb);
		else if (strcmp(src, "TARGET.Disk >= RequestDisk") == 0)
			snprintf(text, sizeof text, "request_disk = %lld or "
			    "less (KiB; the largest slot has that)",
			    (long long)w->max_disk_kb);
		else if (k >= autocluster_nuser(ac))
			snprintf(text, sizeof text, "no slot satisfies %s "
			    "(added because the requirements do not name the "
			    "attribute): name it in requirements", src);
		else if (w->undef[k] == w->nslots)
			snprintf(text, sizeof text, "%s is undefined on every "
			    "slot (an attribute neither ad has: a typo?): "
			    "change or remove it", src);
		else
			snprintf(text, sizeof text, "no slot satisfies %s: "
			    "change or remove it", src);
		json_object_array_add(sug, json_object_new_string(text));
	}
	if (any)
		return;
	if (w->verdict[SLOTS_REQUIREMENTS] == w->nslots) {
		json_object_array_add(sug, json_object_new_string("each clause "
		    "holds for some slot, but no slot satisfies them all: "
		    "relax one"));
		return;
	}
	if (w->nstart > 0 && w->verdict[SLOTS_START] +
	    w->verdict[SLOTS_REQUIREMENTS] == w->nslots) {
		snprintf(text, sizeof text, "the machines that the "
		    "requirements allow refuse it in their start policy (%s): "
		    "ask their owners, or allow other machines",
		    w->start[0].text);
		json_object_array_add(sug, json_object_new_string(text));
		return;
	}
	if (w->verdict[SLOTS_CRIU] > 0 && w->verdict[SLOTS_MATCH] == 0)
		json_object_array_add(sug, json_object_new_string("its "
		    "checkpoint is a CRIU image: it waits for a machine with "
		    "CRIU (or cq release after removing the checkpoint)"));
	if (w->verdict[SLOTS_MATCH] == 0 && w->verdict[SLOTS_OWNER] +
	    w->verdict[SLOTS_BUSY] + w->verdict[SLOTS_OFFLINE] +
	    w->verdict[SLOTS_DRAINING] > 0)
		json_object_array_add(sug, json_object_new_string("nothing "
		    "to change: it runs when one of the slots that fit it is "
		    "free (owner away, job done, agent back)"));
	else if (w->verdict[SLOTS_MATCH] == 0 &&
	    w->verdict[SLOTS_OPTED_OUT] > 0)
		json_object_array_add(sug, json_object_new_string("the "
		    "machines that fit it run no jobs (opted out): allow "
		    "other machines"));
}

/* The idle job's analysis, added to O. */
static void
why_idle(struct job *j, struct machine_list *machines, int64_t now,
    struct json_object *o, const char *id)
{
	struct json_object	*reasons, *clauses, *c, *start, *sug;
	struct machine		*m;
	struct why_walk		 w;
	char			 text[512], src[256];
	const char		*key;
	int			 i, k;

	memset(&w, 0, sizeof w);
	w.ac = autocluster_of(j, jobad_value);
	w.now = now;
	w.nclauses = autocluster_nclauses(w.ac);
	w.first = xcalloc((size_t)w.nclauses + 1, sizeof *w.first);
	w.matched = xcalloc((size_t)w.nclauses + 1, sizeof *w.matched);
	w.undef = xcalloc((size_t)w.nclauses + 1, sizeof *w.undef);
	TAILQ_FOREACH(m, machines, entry)
		for (i = 0; i < m->nslots; i++)
			why_slot(&w, m->slots[i]);

	reasons = json_object_new_array();
	for (k = 0; k < w.nclauses; k++) {
		if (w.first[k] == 0)
			continue;
		key = why_clause_reason(&w, k, text, sizeof text);
		why_add(reasons, key, w.first[k], text);
	}
	for (i = 0; i < w.nstart; i++) {
		if (w.start[i].nmachines > 1)
			snprintf(text, sizeof text, "the start policy of %s and "
			    "%d more machines rejects it: %s", w.start[i].machine,
			    w.start[i].nmachines - 1, w.start[i].text);
		else
			snprintf(text, sizeof text, "the start policy of %s "
			    "rejects it: %s", w.start[i].machine,
			    w.start[i].text);
		why_add(reasons, "start", w.start[i].slots, text);
	}
	if (w.verdict[SLOTS_CRIU] > 0)
		why_add(reasons, "criu", w.verdict[SLOTS_CRIU], "no CRIU there "
		    "(the job restores a CRIU image)");
	if (w.verdict[SLOTS_OFFLINE] > 0)
		why_add(reasons, "offline", w.verdict[SLOTS_OFFLINE],
		    "machine offline");
	if (w.verdict[SLOTS_OPTED_OUT] > 0)
		why_add(reasons, "opted-out", w.verdict[SLOTS_OPTED_OUT],
		    "the machine runs no jobs (opted out with agent = off, or "
		    "too small: cq status says which)");
	if (w.verdict[SLOTS_OWNER] > 0)
		why_add(reasons, "owner", w.verdict[SLOTS_OWNER],
		    "owner present");
	if (w.verdict[SLOTS_DRAINING] > 0)
		why_add(reasons, "draining", w.verdict[SLOTS_DRAINING],
		    "draining");
	if (w.verdict[SLOTS_BUSY] > 0)
		why_add(reasons, "busy", w.verdict[SLOTS_BUSY],
		    "claimed by another job");
	if (w.verdict[SLOTS_MATCH] > 0)
		why_add(reasons, "free", w.verdict[SLOTS_MATCH], "free and "
		    "willing (the job waits its turn)");
	/*
	 * Fair share and concurrency limits: share_why(), which ctl-query.c
	 * calls on this answer (share.c needs the scheduler; this does not).
	 */

	clauses = json_object_new_array();
	for (k = 0; k < w.nclauses; k++) {
		c = json_object_new_object();
		json_object_object_add(c, "clause", json_object_new_int(k));
		json_object_object_add(c, "text", json_object_new_string(
		    autocluster_clause_str(w.ac, k, src, sizeof src)));
		json_object_object_add(c, "matched",
		    json_object_new_int(w.matched[k]));
		json_object_object_add(c, "undefined",
		    json_object_new_int(w.undef[k]));
		json_object_object_add(c, "added", json_object_new_boolean(
		    k >= autocluster_nuser(w.ac)));
		json_object_array_add(clauses, c);
	}
	start = json_object_new_array();
	for (i = 0; i < w.nstart; i++) {
		c = json_object_new_object();
		json_object_object_add(c, "text",
		    json_object_new_string(w.start[i].text));
		json_object_object_add(c, "machine",
		    json_object_new_string(w.start[i].machine));
		json_object_object_add(c, "machines",
		    json_object_new_int(w.start[i].nmachines));
		json_object_object_add(c, "slots",
		    json_object_new_int(w.start[i].slots));
		json_object_array_add(start, c);
	}
	sug = json_object_new_array();
	why_suggest(&w, sug);

	if (w.nslots == 0)
		snprintf(text, sizeof text, "job %s is idle: no machine has "
		    "joined the pool", id);
	else if (w.verdict[SLOTS_REQUIREMENTS] == w.nslots)
		snprintf(text, sizeof text, "job %s is idle: no slot of the "
		    "%d known can ever run it", id, w.nslots);
	else if (w.verdict[SLOTS_REQUIREMENTS] + w.verdict[SLOTS_START] ==
	    w.nslots)
		snprintf(text, sizeof text, "job %s is idle: no slot of the "
		    "%d known takes it (%d rejected by its requirements, %d "
		    "by their machine's start)", id, w.nslots,
		    w.verdict[SLOTS_REQUIREMENTS], w.verdict[SLOTS_START]);
	else
		snprintf(text, sizeof text, "job %s is idle: %d of %d slots "
		    "could run it now", id, w.verdict[SLOTS_MATCH], w.nslots);
	json_object_object_add(o, "summary", json_object_new_string(text));
	json_object_object_add(o, "reasons", reasons);
	json_object_object_add(o, "nslots", json_object_new_int(w.nslots));
	json_object_object_add(o, "requirements", json_object_new_string(
	    autocluster_requirements(w.ac) != NULL ?
	    expr_source(autocluster_requirements(w.ac)) : ""));
	json_object_object_add(o, "clauses", clauses);
	json_object_object_add(o, "rejected_by_requirements",
	    json_object_new_int(w.verdict[SLOTS_REQUIREMENTS]));
	json_object_object_add(o, "rejected_by_start",
	    json_object_new_int(w.verdict[SLOTS_START]));
	json_object_object_add(o, "start", start);
	json_object_object_add(o, "suggestions", sug);
	json_object_object_add(o, "autocluster",
	    json_object_new_int64((int64_t)w.ac->id));
	free(w.first);
	free(w.matched);
	free(w.undef);
}

struct json_object *
why_explain(struct job *j, struct machine_list *machines, int64_t now)
{
	struct json_object	*o;
	char			 id[32], text[512];

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
		break;
	case JOB_HELD:
		snprintf(text, sizeof text, "job %s is held: %s", id,
		    j->hold_reason != NULL ? j->hold_reason : "reason unknown");
		break;
	case JOB_IDLE:
		why_idle(j, machines, now, o, id);
		return o;
	default:
		snprintf(text, sizeof text, "job %s is leaving the queue", id);
		break;
	}
	json_object_object_add(o, "summary", json_object_new_string(text));
	return o;
}
