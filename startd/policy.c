/*
 * policy.c: the desktop policy's state machine for one slot.
 *
 *   OWNER <-> UNCLAIMED -> CLAIMED -> SUSPENDED -> CLAIMED | VACATING
 *   VACATING -> (job gone) -> OWNER | UNCLAIMED | DRAINING
 *   OWNER | UNCLAIMED <-> DRAINING
 *
 * The owner is present when a source saw activity less than idle_after ago
 * (idle_after_offhours outside owner hours), when the non-job load is over
 * max_owner_load, while a reclaim lasts, or always with `agent = off`.
 * A running job is suspended by any activity newer than the moment it
 * started or last resumed; it resumes once the owner has been idle for
 * resume_after; after vacate_after suspended (or at once on a reclaim) it
 * is vacated, and killed when max_vacate runs out.  The table below is the
 * only list of legal moves; policy_set_state() is the only writer.  It
 * logs nothing but a refused move: the agent logs a move once it has acted
 * on it (a freeze comes before any log line).
 */
#include "config.h"

#include <stdint.h>

#include "log.h"
#include "policy.h"

static const unsigned char policy_moves[SLOT_OFFLINE + 1][SLOT_OFFLINE + 1] =
{
	[SLOT_OWNER] = { [SLOT_UNCLAIMED] = 1, [SLOT_DRAINING] = 1 },
	[SLOT_UNCLAIMED] = { [SLOT_OWNER] = 1, [SLOT_CLAIMED] = 1,
	    [SLOT_DRAINING] = 1 },
	[SLOT_CLAIMED] = { [SLOT_SUSPENDED] = 1, [SLOT_VACATING] = 1,
	    [SLOT_OWNER] = 1, [SLOT_UNCLAIMED] = 1, [SLOT_DRAINING] = 1 },
	[SLOT_SUSPENDED] = { [SLOT_CLAIMED] = 1, [SLOT_VACATING] = 1 },
	[SLOT_VACATING] = { [SLOT_OWNER] = 1, [SLOT_UNCLAIMED] = 1,
	    [SLOT_DRAINING] = 1 },
	[SLOT_DRAINING] = { [SLOT_OWNER] = 1, [SLOT_UNCLAIMED] = 1 },
};

const char *
policy_act_str(enum policy_act a)
{
	switch (a) {
	case POLICY_NONE:
		return "none";
	case POLICY_SUSPEND:
		return "suspend";
	case POLICY_RESUME:
		return "resume";
	case POLICY_VACATE:
		return "vacate";
	case POLICY_KILL:
		return "kill";
	}
	return "unknown";
}

void
policy_defaults(struct policy_cfg *c)
{
	c->idle_after_ms = 15 * 60 * 1000;
	c->idle_after_offhours_ms = 15 * 60 * 1000;
	c->resume_after_ms = 5 * 60 * 1000;
	c->vacate_after_ms = 10 * 60 * 1000;
	c->max_vacate_ms = 10 * 60 * 1000;
	c->max_owner_load = 0.3;
	c->agent_on = 1;
}

void
policy_slot_init(struct policy_slot *s, int id, int64_t now)
{
	s->id = id;
	s->state = SLOT_OWNER;
	s->entered = now;
	s->has_job = 0;
	s->kill_at = 0;
	s->killed = 0;
}

int
policy_set_state(struct policy_slot *s, enum slot_state to, int64_t now)
{
	if (s->state == to)
		return 0;
	if ((unsigned)s->state > SLOT_OFFLINE || (unsigned)to > SLOT_OFFLINE ||
	    !policy_moves[s->state][to]) {
		log_warnx("slot%d: refused move %s -> %s", s->id,
		    slot_state_str(s->state), slot_state_str(to));
		return -1;
	}
	s->state = to;
	s->entered = now;
	return 0;
}

static int
policy_reclaimed(const struct policy_in *in)
{
	return in->now < in->reclaim_until;
}

/* Milliseconds since the owner was last seen (large if never). */
static int64_t
policy_idle(const struct policy_in *in)
{
	if (in->last_activity <= 0 || in->last_activity > in->now)
		return in->last_activity > in->now ? 0 : INT64_MAX / 2;
	return in->now - in->last_activity;
}

int
policy_owner_present(const struct policy_cfg *c, const struct policy_in *in)
{
	int64_t	need;

	if (!c->agent_on || policy_reclaimed(in))
		return 1;
	if (in->owner_load > c->max_owner_load)
		return 1;
	need = in->owner_hours ? c->idle_after_ms : c->idle_after_offhours_ms;
	return policy_idle(in) < need;
}

/* Where an empty slot belongs now. */
static enum slot_state
policy_empty_state(const struct policy_cfg *c, const struct policy_in *in)
{
	if (!c->agent_on)
		return SLOT_OWNER;
	if (in->draining)
		return SLOT_DRAINING;
	return policy_owner_present(c, in) ? SLOT_OWNER : SLOT_UNCLAIMED;
}

static enum policy_act
policy_start_vacate(const struct policy_cfg *c, struct policy_slot *s,
    int64_t now)
{
	if (policy_set_state(s, SLOT_VACATING, now) == -1)
		return POLICY_NONE;
	s->kill_at = now + c->max_vacate_ms;
	s->killed = 0;
	return POLICY_VACATE;
}

enum policy_act
policy_step(const struct policy_cfg *c, struct policy_slot *s,
    const struct policy_in *in)
{
	switch (s->state) {
	case SLOT_OWNER:
	case SLOT_UNCLAIMED:
	case SLOT_DRAINING:
		if (!s->has_job)
			policy_set_state(s, policy_empty_state(c, in), in->now);
		return POLICY_NONE;
	case SLOT_CLAIMED:
		if (policy_reclaimed(in) || !c->agent_on)
			return policy_start_vacate(c, s, in->now);
		/* Any activity since the job (re)started: get out of the way. */
		if (in->last_activity > s->entered) {
			if (policy_set_state(s, SLOT_SUSPENDED, in->now) == 0)
				return POLICY_SUSPEND;
		}
		return POLICY_NONE;
	case SLOT_SUSPENDED:
		if (policy_reclaimed(in) || !c->agent_on ||
		    in->now - s->entered >= c->vacate_after_ms)
			return policy_start_vacate(c, s, in->now);
		if (policy_idle(in) >= c->resume_after_ms &&
		    in->owner_load <= c->max_owner_load) {
			if (policy_set_state(s, SLOT_CLAIMED, in->now) == 0)
				return POLICY_RESUME;
		}
		return POLICY_NONE;
	case SLOT_VACATING:
		if (!s->killed && in->now >= s->kill_at) {
			s->killed = 1;
			return POLICY_KILL;
		}
		return POLICY_NONE;
	case SLOT_OFFLINE:
		break;
	}
	return POLICY_NONE;
}

int
policy_job_started(struct policy_slot *s, int64_t now)
{
	if (s->state != SLOT_UNCLAIMED)
		return -1;
	if (policy_set_state(s, SLOT_CLAIMED, now) == -1)
		return -1;
	s->has_job = 1;
	return 0;
}

void
policy_job_gone(const struct policy_cfg *c, struct policy_slot *s,
    const struct policy_in *in)
{
	s->has_job = 0;
	s->killed = 0;
	s->kill_at = 0;
	if (s->state == SLOT_SUSPENDED) {
		/* Died while frozen (killed from outside): owner's now. */
		policy_set_state(s, SLOT_VACATING, in->now);
	}
	policy_set_state(s, policy_empty_state(c, in), in->now);
}

enum policy_act
policy_vacate(const struct policy_cfg *c, struct policy_slot *s, int64_t now)
{
	if (!s->has_job || s->state == SLOT_VACATING)
		return POLICY_NONE;
	return policy_start_vacate(c, s, now);
}
