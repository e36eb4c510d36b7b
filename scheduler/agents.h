/*
 * agents.h: the agents' side of the scheduler: the TCP listener, one
 * link per agent, the mirror of each agent's slots, and leases.
 */
#ifndef CQ_AGENTS_H
#define CQ_AGENTS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct peer;

struct job;
struct machine;
struct slot;

/* Listen for agents on the configured address; -1 on failure. */
int	agents_init(void);
/* The agents' TLS certificate fingerprint (hex), NULL if insecure. */
const char *agents_fingerprint(void);
/* The address agents connect to, as listen.addr has it ("" before). */
const char *agents_listen_addr(void);
void	agents_shutdown(void);
/* A job loaded as running: its machine gets a lease to claim it. */
void	agents_expect(struct job *j);
/* J's machine field was set (or restored): J joins the jobs of the
 * machine it names (made if new), which agents.c walks instead of the
 * queue.  A field cleared needs no call: the walks drop such jobs. */
void	agents_job_placed(struct job *j);
/* J is being freed: off its machine's list. */
void	agents_job_gone(struct job *j);
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
/* 1 if J's current run is RUN and it was given to M. */
int	agents_run_here(const struct job *j, const struct machine *m,
	    int64_t run);
/*
 * 1 (with WHY) if a claim of M's on run RUN of J (NULL: not queued) is not
 * about a run of its own: a run never given, or given to another machine.
 * 0 if it may be a late report of M's own (or is about its current run).
 */
int	agents_run_foreign(const struct job *j, const struct machine *m,
	    int64_t run, char *why, size_t whylen);
/*
 * Refuse M's claim WHAT on run RUN of job ID (a run not its own, a file
 * the job did not ask for), logged with WHY; it changes nothing.  The
 * AGENTS_MAX_LIES-th such claim closes P (M's link): 1 then.
 */
int	agents_refuse(struct machine *m, struct peer *p, const char *what,
	    const char *id, int64_t run, const char *why);
#define AGENTS_MAX_LIES	3

/* 1 if an agent that proved credential ID is connected. */
int	agents_cred_connected(const char *id);
/* Close the links of agents that proved credential ID (revoked, or its
 * name forgotten); their jobs follow the lease. */
void	agents_cred_revoked(const char *id, const char *why);
/* The machines in order of name: the one called NAME or else the first
 * after it (NULL: the first of all), and the one after M; NULL at the
 * end.  A walk over many loop turns keeps the name it stopped at. */
struct machine *agents_from(const char *name);
/* How many machines there are. */
size_t	agents_count(void);
struct machine *agents_after(struct machine *m);
/* Call CB for each machine. */
void	agents_walk(void (*cb)(struct machine *, void *), void *arg);

#endif
