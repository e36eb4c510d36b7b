/*
 * slots.h: the scheduler's mirror of the agents' slots.  One setter
 * (slots_set_state) checks each move against a table and is the only
 * writer of a slot's state; the free list holds exactly the slots that
 * are idle (unclaimed, connected, holding no job and cleaning up none);
 * and one predicate, slots_judge(), says whether a slot is free for a
 * job (an autocluster) and if not why: matching (match.c) and `cq why`
 * (why.c) both ask it, so the explanation cannot drift from the decision.
 * Domain code: no libevent, json-c or SQLite; the clock is an argument.
 */
#ifndef CQ_SLOTS_H
#define CQ_SLOTS_H

#include <sys/queue.h>

#include <stdint.h>

#include "expr.h"
#include "slotstate.h"

struct autocluster;
struct machine;
struct slot;

TAILQ_HEAD(slot_list, slot);

/* The mirror's free list and whom to tell when a slot joins it. */
struct slots {
	struct slot_list	 free;
	void			(*on_free)(void *arg);
	void			*arg;
};

/* Why a slot is not free for a job, permanent reasons first. */
enum slots_verdict {
	SLOTS_REQUIREMENTS,	/* a clause of the job's requirements */
	SLOTS_START,		/* a clause of the machine's start */
	SLOTS_CRIU,		/* a CRIU image, and the machine has none */
	SLOTS_OFFLINE,		/* its agent is away */
	SLOTS_OPTED_OUT,	/* its agent runs no jobs (agent = off...) */
	SLOTS_OWNER,		/* the desktop's owner is present */
	SLOTS_DRAINING,
	SLOTS_BUSY,		/* claimed, or cleaning up a job */
	SLOTS_MATCH,		/* free for this job */
	SLOTS_NVERDICTS
};

void	slots_init(struct slots *, void (*on_free)(void *), void *arg);
/* The first state of a slot rebuilt from its agent's ad, before it is
 * listed anywhere (what the agent says it holds): not a move. */
void	slots_first_state(struct slot *s, enum slot_state st);
/* 1 if the mirror may move a slot FROM -> TO (the same state: 1). */
int	slots_move_ok(enum slot_state from, enum slot_state to);
/* Move S to TO if the table allows it (logged); 0, or -1 if not. */
int	slots_set_state(struct slots *, struct slot *s, enum slot_state to);
/* Put S on the free list or take it off, as it is now idle or not
 * (after its job, its stale job or its machine's link changed). */
void	slots_refresh(struct slots *, struct slot *s);
/* Take S off the free list (before it is freed). */
void	slots_unlist(struct slots *, struct slot *s);
/* 1 if S is idle: unclaimed, its agent connected, no job, none stale. */
int	slots_idle(const struct slot *s);

/*
 * Judge S for the jobs of AC at NOW (mono ms, for KeyboardIdle): the
 * job's requirements (clause by clause, the user's then the ones added
 * for the requests), the machine's start, CRIU, then the slot's state.
 * SLOTS_MATCH if S is free for them; else why, and in *CLAUSE (may be
 * NULL) the rejecting clause of the requirements or start.
 */
enum slots_verdict slots_judge(const struct slot *s,
	    const struct autocluster *ac, int64_t now, int *clause);
/* 1 if slots_judge() says SLOTS_MATCH, else 0. */
int	slots_free_for(const struct slot *s, const struct autocluster *ac,
	    int64_t now);
/* Clause K of AC's requirements against S: its value (cleared by the
 * caller). */
void	slots_req_clause(const struct slot *s, const struct autocluster *ac,
	    int k, int64_t now, struct expr_value *out);
/* Clause K of S's machine's start against AC's jobs. */
void	slots_start_clause(const struct slot *s,
	    const struct autocluster *ac, int k, int64_t now,
	    struct expr_value *out);
/* The job's rank of S and the machine's rank of the job (0 when
 * undefined or not a number). */
void	slots_rank(const struct slot *s, const struct autocluster *ac,
	    int64_t now, double *job_rank, double *machine_rank);
/* Attribute NAME of S's slot ad (HTCondor's names, then the site's);
 * 0, or -1 if it has none.  A string is a fresh allocation. */
int	slots_lookup(const struct slot *s, int64_t now, const char *name,
	    struct expr_value *out);
/* 1 if A and B have the same slot ad but for Name and SlotID (one
 * machine, the same size and state), so one judgement holds for both
 * unless an expression names those. */
int	slots_same_ad(const struct slot *a, const struct slot *b);
/* 1 if E names Name or SlotID (the attributes slots of one size do not
 * share). */
int	slots_names_slot(const struct expr *e);
const char *slots_verdict_str(enum slots_verdict);
/* HTCondor's State and Activity of a slot in state ST. */
const char *slots_condor_state(enum slot_state st);
const char *slots_condor_activity(enum slot_state st);

#endif
