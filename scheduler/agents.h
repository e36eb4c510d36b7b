/*
 * agents.h: the agents' side of the scheduler: the TCP listener, one
 * link per agent, the mirror of each agent's slots, and leases.
 */
#ifndef CQ_AGENTS_H
#define CQ_AGENTS_H

#include <stdint.h>

struct json_object;

struct job;
struct machine;
struct slot;

/* Listen for agents on the configured address; -1 on failure. */
int	agents_init(void);
void	agents_shutdown(void);
/* A job loaded as running: its machine gets a lease to claim it. */
void	agents_expect(struct job *j);
/* Claim S for J and order the agent to start it (after the commit). */
void	agents_start(struct slot *s, struct job *j);
/* Order the agent to kill J's current run. */
void	agents_kill(struct slot *s, struct job *j);
/* Order the agent to vacate J's current run: its vacate signal (the job
 * may checkpoint), the kill after max_vacate_time; its end is evicted. */
void	agents_vacate(struct slot *s, struct job *j);
/* J left S: the slot is free again (if its agent is connected). */
void	agents_slot_release(struct slot *s);
/* Expire leases; called from the tick. */
void	agents_tick(int64_t now_mono);
/* The machine called NAME, or NULL. */
struct machine *agents_machine(const char *name);
/* Send an order (drain, vacate) to M's agent now, if connected. */
void	agents_order(struct machine *m, uint16_t type,
	    struct json_object *o);
/* 1 if an agent that proved credential ID is connected. */
int	agents_cred_connected(const char *id);
/* Close the links of agents that proved credential ID (revoked, or its
 * name forgotten); their jobs follow the lease. */
void	agents_cred_revoked(const char *id, const char *why);
/* Call CB for each machine. */
void	agents_walk(void (*cb)(struct machine *, void *), void *arg);

#endif
