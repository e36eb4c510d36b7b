/*
 * lease.h: the agent ends its jobs before the scheduler's lease on them
 * runs out (lease.c).
 */
#ifndef CQ_LEASE_H
#define CQ_LEASE_H

#include <sys/types.h>
#include <stdint.h>

/* When to vacate and when to kill (lease-plan.c), all in ms. */
struct lease_plan {
	int64_t	margin;		/* M: the kill comes this long before */
	int64_t	grace;		/* V: from the vacate to the kill's margin */
	int64_t	vacate_at;	/* T + L - 2M - V */
	int64_t	kill_at;	/* T + L - M */
};
void	lease_plan(int64_t lease_ms, int64_t t, int64_t max_vacate_ms,
	    struct lease_plan *);

void	lease_init(void);
void	lease_shutdown(void);
/* The lease the scheduler announced in its hello, in ms. */
void	lease_set(int64_t lease_ms);
/* The scheduler has heard a message we sent at SENT (a lease_now() time). */
void	lease_heard(int64_t sent);
/* A heartbeat went out at SENT: an answer is awaited. */
void	lease_asked(int64_t sent);
/* The lease's clock: CLOCK_BOOTTIME in ms (it runs while the host sleeps). */
int64_t	lease_now(void);
/* The job named PGID started (or was restored): it gets the deadline. */
void	lease_job_started(pid_t pgid);
/* Look at the clock (the agent's tick: also after a suspend). */
void	lease_tick(void);
/*
 * 1 if the agent is past its lease (its jobs are to leave now: the
 * scheduler may have given them up), with *SILENT the ms since T and
 * *LEASE the lease; a start order then is refused (jobs.c).
 */
int	lease_past(int64_t *silent, int64_t *lease);

#endif
