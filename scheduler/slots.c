/*
 * slots.c: the mirror of the agents' slots (slots.h).  The agent owns
 * each slot's state machine (startd/policy.c); the mirror follows its
 * reports, adds CLAIMED when the scheduler starts a job there and
 * OFFLINE when the agent's lease runs out, and refuses a move no agent
 * can make (a slot cannot go from OWNER to CLAIMED: the owner's slot
 * takes no job).  slots_judge() is the one "free for this job"
 * predicate; slots_lookup() is the slot's ad as HTCondor names it, what
 * the job's requirements and rank see as TARGET and the machine's start
 * and rank as MY.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "autocluster.h"
#include "log.h"
#include "machinead.h"
#include "schedd.h"
#include "slots.h"
#include "xmalloc.h"

#define S(x)	(1u << (x))
#define ANY	(S(SLOT_OWNER) | S(SLOT_UNCLAIMED) | S(SLOT_CLAIMED) | \
		    S(SLOT_SUSPENDED) | S(SLOT_VACATING) | S(SLOT_DRAINING) | \
		    S(SLOT_OFFLINE))

/* The states each state may be reached from. */
static const unsigned slots_from[SLOT_OFFLINE + 1] = {
	[SLOT_OWNER] = ANY & ~S(SLOT_OWNER),
	[SLOT_UNCLAIMED] = ANY & ~S(SLOT_UNCLAIMED),
	/* Started here, resumed, or a drain of a running job cancelled. */
	[SLOT_CLAIMED] = S(SLOT_UNCLAIMED) | S(SLOT_SUSPENDED),
	[SLOT_SUSPENDED] = S(SLOT_CLAIMED),
	[SLOT_VACATING] = S(SLOT_CLAIMED) | S(SLOT_SUSPENDED) |
	    S(SLOT_DRAINING),
	[SLOT_DRAINING] = ANY & ~S(SLOT_DRAINING),
	[SLOT_OFFLINE] = ANY & ~S(SLOT_OFFLINE),
};

static const char *const slots_verdicts[SLOTS_NVERDICTS] = {
	[SLOTS_REQUIREMENTS] = "requirements",
	[SLOTS_START] = "start",
	[SLOTS_CRIU] = "criu",
	[SLOTS_OFFLINE] = "offline",
	[SLOTS_OPTED_OUT] = "opted-out",
	[SLOTS_OWNER] = "owner",
	[SLOTS_DRAINING] = "draining",
	[SLOTS_BUSY] = "busy",
	[SLOTS_MATCH] = "free",
};

const char *
slots_verdict_str(enum slots_verdict v)
{
	if ((unsigned)v >= SLOTS_NVERDICTS)
		return "unknown";
	return slots_verdicts[v];
}

void
slots_init(struct slots *ss, void (*on_free)(void *), void *arg)
{
	TAILQ_INIT(&ss->free);
	ss->on_free = on_free;
	ss->arg = arg;
}

int
slots_move_ok(enum slot_state from, enum slot_state to)
{
	if ((unsigned)from > SLOT_OFFLINE || (unsigned)to > SLOT_OFFLINE)
		return 0;
	return from == to || (slots_from[to] & S(from)) != 0;
}

void
slots_first_state(struct slot *s, enum slot_state st)
{
	s->state = st;
}

int
slots_idle(const struct slot *s)
{
	/* An agent that said why it stays Owner (opted out) is never free,
	 * whatever a slot claims. */
	return s->state == SLOT_UNCLAIMED && s->machine->peer != NULL &&
	    s->machine->online && s->job == NULL && s->stale_job[0] == '\0' &&
	    s->machine->ad.owner_reason == NULL;
}

void
slots_unlist(struct slots *ss, struct slot *s)
{
	if (!s->on_free)
		return;
	TAILQ_REMOVE(&ss->free, s, free_entry);
	s->on_free = 0;
}

void
slots_refresh(struct slots *ss, struct slot *s)
{
	if (!slots_idle(s)) {
		slots_unlist(ss, s);
		return;
	}
	if (s->on_free)
		return;
	TAILQ_INSERT_TAIL(&ss->free, s, free_entry);
	s->on_free = 1;
	if (ss->on_free != NULL)
		ss->on_free(ss->arg);
}

int
slots_set_state(struct slots *ss, struct slot *s, enum slot_state to)
{
	if (!slots_move_ok(s->state, to)) {
		log_warnx("slot%d@%s: no move %s -> %s", s->id,
		    s->machine->name, slot_state_str(s->state),
		    slot_state_str(to));
		return -1;
	}
	if (s->state != to)
		log_debug("slot%d@%s: %s -> %s", s->id, s->machine->name,
		    slot_state_str(s->state), slot_state_str(to));
	s->state = to;
	slots_refresh(ss, s);
	return 0;
}

const char *
slots_condor_state(enum slot_state st)
{
	switch (st) {
	case SLOT_OWNER:
		return "Owner";
	case SLOT_UNCLAIMED:
		return "Unclaimed";
	case SLOT_CLAIMED:
	case SLOT_SUSPENDED:
		return "Claimed";
	case SLOT_VACATING:
		return "Preempting";
	case SLOT_DRAINING:
		return "Drained";
	default:
		return "Offline";
	}
}

const char *
slots_condor_activity(enum slot_state st)
{
	switch (st) {
	case SLOT_CLAIMED:
		return "Busy";
	case SLOT_SUSPENDED:
		return "Suspended";
	case SLOT_VACATING:
		return "Vacating";
	case SLOT_DRAINING:
		return "Retiring";
	default:
		return "Idle";
	}
}

static void
slots_str(struct expr_value *out, const char *s)
{
	out->type = EXPR_STRING;
	out->s = xstrdup(s);
}

static void
slots_int(struct expr_value *out, int64_t i)
{
	out->type = EXPR_INT;
	out->i = i;
}

/* Seconds the owner has been idle at NOW, from the last heartbeat. */
static int
slots_idle_s(const struct machine *m, int64_t now, struct expr_value *out)
{
	int64_t	ms;

	if (m->owner_idle_ms < 0 || m->hb_mono <= 0)
		return -1;
	ms = m->owner_idle_ms + (now > m->hb_mono ? now - m->hb_mono : 0);
	slots_int(out, ms / 1000);
	return 0;
}

int
slots_lookup(const struct slot *s, int64_t now, const char *name,
    struct expr_value *out)
{
	const struct machine	*m = s->machine;
	const struct machinead	*ad = &m->ad;
	const struct expr_value	*v;
	char			 buf[160];

	memset(out, 0, sizeof *out);
	switch (name[0]) {
	case 'A': case 'a':
		if (strcasecmp(name, "Arch") == 0 && ad->arch != NULL) {
			slots_str(out, ad->arch);
			return 0;
		}
		if (strcasecmp(name, "Activity") == 0) {
			slots_str(out, slots_condor_activity(s->state));
			return 0;
		}
		break;
	case 'C': case 'c':
		if (strcasecmp(name, "Cpus") == 0) {
			slots_int(out, s->cpus);
			return 0;
		}
		if (strcasecmp(name, "ConsoleIdle") == 0)
			return slots_idle_s(m, now, out);
		if (strcasecmp(name, "CqImageVersion") == 0 &&
		    ad->image_version != NULL) {
			slots_str(out, ad->image_version);
			return 0;
		}
		if (strcasecmp(name, "CqOwnerReason") == 0 &&
		    ad->owner_reason != NULL) {
			slots_str(out, ad->owner_reason);
			return 0;
		}
		break;
	case 'D': case 'd':
		if (strcasecmp(name, "Disk") == 0 && s->disk_kb >= 0) {
			slots_int(out, s->disk_kb);
			return 0;
		}
		break;
	case 'E': case 'e':
		if (strcasecmp(name, "ExpectedOwnerAbsence") == 0 &&
		    m->has_absence) {
			slots_int(out, m->owner_absence_s);
			return 0;
		}
		break;
	case 'H': case 'h':
		if (strcasecmp(name, "HasCRIU") == 0) {
			out->type = EXPR_BOOL;
			out->b = m->criu != 0;
			return 0;
		}
		break;
	case 'K': case 'k':
		if (strcasecmp(name, "KeyboardIdle") == 0)
			return slots_idle_s(m, now, out);
		break;
	case 'L': case 'l':
		if (strcasecmp(name, "LoadAvg") == 0 && m->has_load) {
			out->type = EXPR_REAL;
			out->r = m->load;
			return 0;
		}
		break;
	case 'M': case 'm':
		if (strcasecmp(name, "Memory") == 0) {
			slots_int(out, s->memory_mb);
			return 0;
		}
		if (strcasecmp(name, "Machine") == 0) {
			slots_str(out, m->name);
			return 0;
		}
		if (strcasecmp(name, "MyType") == 0) {
			slots_str(out, "Machine");
			return 0;
		}
		break;
	case 'N': case 'n':
		if (strcasecmp(name, "Name") == 0) {
			snprintf(buf, sizeof buf, "slot%d@%s", s->id, m->name);
			slots_str(out, buf);
			return 0;
		}
		break;
	case 'O': case 'o':
		if (strcasecmp(name, "OpSys") == 0 && ad->opsys != NULL) {
			slots_str(out, ad->opsys);
			return 0;
		}
		if (strcasecmp(name, "OpSysAndVer") == 0 &&
		    ad->opsysandver != NULL) {
			slots_str(out, ad->opsysandver);
			return 0;
		}
		break;
	case 'S': case 's':
		if (strcasecmp(name, "State") == 0) {
			slots_str(out, slots_condor_state(s->state));
			return 0;
		}
		if (strcasecmp(name, "SlotID") == 0) {
			slots_int(out, s->id);
			return 0;
		}
		break;
	case 'T': case 't':
		if (strcasecmp(name, "TotalCpus") == 0 && ad->total_cpus >= 0) {
			slots_int(out, ad->total_cpus);
			return 0;
		}
		if (strcasecmp(name, "TotalMemory") == 0 &&
		    ad->total_memory_mb >= 0) {
			slots_int(out, ad->total_memory_mb);
			return 0;
		}
		if (strcasecmp(name, "TotalDisk") == 0 &&
		    ad->total_disk_kb >= 0) {
			slots_int(out, ad->total_disk_kb);
			return 0;
		}
		break;
	}
	if ((v = machinead_attr(ad, name)) == NULL)
		return -1;
	expr_value_copy(out, v);
	return 0;
}

/* One evaluation's two ads: the job's (an autocluster) and the slot's. */
struct slots_pair {
	const struct slot		*s;
	const struct autocluster	*ac;
	int64_t				 now;
	int				 job_is_my;
};

static int
slots_pair_side(const struct slots_pair *p, int job, const char *name,
    struct expr_value *out)
{
	if (job)
		return autocluster_lookup(p->ac, name, out);
	return slots_lookup(p->s, p->now, name, out);
}

static int
slots_pair_lookup(void *arg, int scope, const char *name,
    struct expr_value *out)
{
	const struct slots_pair	*p = arg;

	switch (scope) {
	case EXPR_SCOPE_MY:
		return slots_pair_side(p, p->job_is_my, name, out);
	case EXPR_SCOPE_TARGET:
		return slots_pair_side(p, !p->job_is_my, name, out);
	default:
		if (slots_pair_side(p, p->job_is_my, name, out) == 0)
			return 0;
		return slots_pair_side(p, !p->job_is_my, name, out);
	}
}

void
slots_req_clause(const struct slot *s, const struct autocluster *ac, int k,
    int64_t now, struct expr_value *out)
{
	struct slots_pair	p = { s, ac, now, 1 };
	struct expr_env		env = { slots_pair_lookup, &p, -1 };

	autocluster_clause_eval(ac, k, &env, out);
}

void
slots_start_clause(const struct slot *s, const struct autocluster *ac,
    int k, int64_t now, struct expr_value *out)
{
	struct slots_pair	p = { s, ac, now, 0 };
	struct expr_env		env = { slots_pair_lookup, &p, -1 };

	expr_clause_eval(s->machine->ad.start, k, &env, out);
}

static int
slots_true(struct expr_value *v)
{
	int	yes = expr_is_true(v);

	expr_value_clear(v);
	return yes;
}

enum slots_verdict
slots_judge(const struct slot *s, const struct autocluster *ac,
    int64_t now, int *clause)
{
	const struct machine	*m = s->machine;
	struct expr_value	 v;
	int			 k, n, dummy;

	if (clause == NULL)
		clause = &dummy;
	*clause = -1;
	n = autocluster_nclauses(ac);
	for (k = 0; k < n; k++) {
		slots_req_clause(s, ac, k, now, &v);
		if (!slots_true(&v)) {
			*clause = k;
			return SLOTS_REQUIREMENTS;
		}
	}
	if (m->ad.start != NULL) {
		n = expr_clause_count(m->ad.start);
		for (k = 0; k < n; k++) {
			slots_start_clause(s, ac, k, now, &v);
			if (!slots_true(&v)) {
				*clause = k;
				return SLOTS_START;
			}
		}
	}
	/* A CRIU image is restored only where CRIU works (docs/criu.md). */
	if (ac->criu && !m->criu)
		return SLOTS_CRIU;
	if (!m->online || m->peer == NULL)
		return SLOTS_OFFLINE;
	if (m->ad.owner_reason != NULL)
		return SLOTS_OPTED_OUT;
	switch (s->state) {
	case SLOT_OWNER:
		return SLOTS_OWNER;
	case SLOT_DRAINING:
		return SLOTS_DRAINING;
	case SLOT_OFFLINE:
		return SLOTS_OFFLINE;
	case SLOT_UNCLAIMED:
		/* A slot still cleaning up a killed job is not free yet. */
		return slots_idle(s) ? SLOTS_MATCH : SLOTS_BUSY;
	default:
		return SLOTS_BUSY;
	}
}

int
slots_free_for(const struct slot *s, const struct autocluster *ac,
    int64_t now)
{
	return slots_judge(s, ac, now, NULL) == SLOTS_MATCH;
}

/* A rank's value as a number: undefined or not a number is 0. */
static double
slots_number(struct expr_value *v)
{
	double	r = 0;

	if (v->type == EXPR_INT)
		r = (double)v->i;
	else if (v->type == EXPR_REAL)
		r = v->r;
	else if (v->type == EXPR_BOOL)
		r = v->b;
	expr_value_clear(v);
	return r;
}

void
slots_rank(const struct slot *s, const struct autocluster *ac, int64_t now,
    double *job_rank, double *machine_rank)
{
	struct slots_pair	 p = { s, ac, now, 1 };
	struct expr_value	 v;
	const struct expr	*rank = autocluster_rank(ac);

	*job_rank = *machine_rank = 0;
	if (rank != NULL) {
		expr_eval(rank, slots_pair_lookup, &p, &v);
		*job_rank = slots_number(&v);
	}
	if (s->machine->ad.rank != NULL) {
		p.job_is_my = 0;
		expr_eval(s->machine->ad.rank, slots_pair_lookup, &p, &v);
		*machine_rank = slots_number(&v);
	}
}

int
slots_same_ad(const struct slot *a, const struct slot *b)
{
	return a->machine == b->machine && a->cpus == b->cpus &&
	    a->memory_mb == b->memory_mb && a->disk_kb == b->disk_kb &&
	    a->state == b->state && a->job == b->job &&
	    a->stale_job[0] == b->stale_job[0];
}

static void
slots_names_slot_cb(void *arg, int scope, const char *name)
{
	if (strcasecmp(name, "Name") == 0 || strcasecmp(name, "SlotID") == 0)
		*(int *)arg = 1;
}

int
slots_names_slot(const struct expr *e)
{
	int	yes = 0;

	if (e != NULL)
		expr_attrs(e, slots_names_slot_cb, &yes);
	return yes;
}
