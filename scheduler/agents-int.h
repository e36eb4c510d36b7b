/*
 * agents-int.h: what the files of the agent links share: the machine
 * registry and its free-slot list, kills and requeues (agents.c), and the
 * handlers of what agents report (agents-report.c).  Private to
 * scheduler/agents*.c.
 */
#ifndef CQ_AGENTS_INT_H
#define CQ_AGENTS_INT_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include "slotstate.h"

struct agentmsg_ad;
struct agentmsg_exited;
struct agentmsg_heartbeat;
struct agentmsg_slot;
struct agentmsg_started;
struct event;
struct job;
struct json_object;
struct machine;
struct peer;
struct slot;

#define AGENT_NAME_MAX	64
#define AGENT_MAX_SLOTS	1024

/* One agent connection, the peer's data from accept to close. */
enum agent_conn_state {
	AGENT_CONN_NEW,		/* waiting for its hello */
	AGENT_CONN_REFUSED,	/* hello refused: the answer is on its way */
	AGENT_CONN_HELLO	/* proved its credential: NAME is its own */
};

struct agent_conn {
	struct peer		*peer;
	enum agent_conn_state	 state;
	char			 addr[64];	/* numeric source address */
	char			*name;		/* after the hello */
	char			*fs_domain;	/* from the hello, or NULL */
	char			 cred_id[16];	/* the credential it proved */
	struct machine		*machine;	/* after its ad (agents_of) */
	struct event		*delay_ev;	/* a delayed refusal */
	uint32_t		 reqid;
	char			 error[256];	/* the refusal's text */
	TAILQ_ENTRY(agent_conn)	 entry;
	LIST_ENTRY(agent_conn)	 cred_entry;	/* by credential, after the
						   hello (agents.c) */
};

/* agents.c */
struct machine *agents_get(const char *name);
/* M is online (again), heard from now: on the lease's list. */
void agents_online(struct machine *m);
int agents_job_on(const struct job *j, const struct machine *m);
void agents_free_add(struct slot *s);
void agents_free_del(struct slot *s);
/* The mirror's one setter of a slot's state (slots.c), on sd's list. */
void agents_slot_state(struct slot *s, enum slot_state to);
void agents_slots_free(struct machine *m);
void agents_machine_store(struct machine *m);
void agents_requeue_orphans(struct machine *m, const char *why);
void agents_send_kill(struct machine *m, const char *job, uint32_t run);
struct machine *agents_of(struct peer *p);

/*
 * agents-report.c: the ad, started, exited, slot and heartbeat messages
 * (all but the ad decoded and checked by agentmsg.c).
 */
void agents_ad(struct peer *p, struct agentmsg_ad *ad);
void agents_started(struct machine *m, const struct agentmsg_started *msg);
void agents_exited(struct machine *m, const struct agentmsg_exited *msg);
void agents_slot(struct machine *m, const struct agentmsg_slot *msg);
void agents_heartbeat(struct machine *m,
	    const struct agentmsg_heartbeat *msg);

#endif
