/*
 * policy.h: the desktop policy, one state machine per slot.  Domain code:
 * no libevent, no I/O; the agent feeds it the time, the owner's activity
 * and load, and carries out what it returns.  HTCondor's desktop policy is
 * the default: start after 15 idle minutes (a shorter wait outside owner
 * hours), suspend at once when the owner comes back, resume after 5 idle
 * minutes, vacate after 10 suspended minutes, kill when the vacate grace
 * runs out.  policy_set_state() is the one writer of a slot's state.
 */
#ifndef CQ_POLICY_H
#define CQ_POLICY_H

#include <stdint.h>

#include "slotstate.h"

struct policy_cfg {
	int64_t	idle_after_ms;		/* owner hours: idle before jobs */
	int64_t	idle_after_offhours_ms;	/* outside owner hours */
	int64_t	resume_after_ms;	/* idle before a suspended job resumes */
	int64_t	vacate_after_ms;	/* suspended this long: vacate */
	int64_t	max_vacate_ms;		/* grace after the checkpoint signal */
	double	max_owner_load;		/* non-job load that keeps jobs off */
	int	agent_on;		/* 0: `agent = off`, never run jobs */
};

/* What the agent knows at one moment. */
struct policy_in {
	int64_t	now;			/* wall ms */
	int64_t	last_activity;		/* wall ms of owner activity, 0: never */
	double	owner_load;
	int	owner_hours;		/* inside the owner's calendar */
	int64_t	reclaim_until;		/* the owner reclaimed the desktop */
	int	draining;		/* finish jobs, take no new ones */
};

/* What to do to the slot's job. */
enum policy_act {
	POLICY_NONE,
	POLICY_SUSPEND,		/* freeze it */
	POLICY_RESUME,		/* thaw it */
	POLICY_VACATE,		/* thaw, send the checkpoint signal */
	POLICY_KILL,		/* the grace ran out: kill the tree */
};

struct policy_slot {
	int			 id;
	enum slot_state		 state;
	int64_t			 entered;	/* wall ms the state began */
	int			 has_job;
	int64_t			 kill_at;	/* VACATING: when to kill */
	int			 killed;
};

/* Names for logs. */
const char	*policy_act_str(enum policy_act);
/* Set the defaults (HTCondor's desktop policy). */
void		 policy_defaults(struct policy_cfg *);
/* Start a slot in OWNER at time NOW. */
void		 policy_slot_init(struct policy_slot *, int id, int64_t now);
/* Move S to TO; 0, or -1 (logged) if the move is not in the table. */
int		 policy_set_state(struct policy_slot *s, enum slot_state to,
		    int64_t now);
/* 1 if the owner counts as present: no job may start. */
int		 policy_owner_present(const struct policy_cfg *,
		    const struct policy_in *);
/*
 * Evaluate S: may move it to another state and returns what to do to its
 * job.  Call after every activity and on a tick; cheap.
 */
enum policy_act	 policy_step(const struct policy_cfg *, struct policy_slot *s,
		    const struct policy_in *);
/* A job was started on S (it was UNCLAIMED). */
int		 policy_job_started(struct policy_slot *s, int64_t now);
/* S's job is gone (exited, killed or vacated). */
void		 policy_job_gone(const struct policy_cfg *, struct policy_slot *s,
		    const struct policy_in *);
/* Vacate S's job now (cq vacate, shutdown); returns the action. */
enum policy_act	 policy_vacate(const struct policy_cfg *, struct policy_slot *s,
		    int64_t now);

#endif
