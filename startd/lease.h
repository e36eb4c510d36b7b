/*
 * lease.h: the agent ends its jobs before the scheduler's lease on them
 * runs out (lease.c).
 */
#ifndef CQ_LEASE_H
#define CQ_LEASE_H

#include <sys/types.h>
#include <stdint.h>

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

#endif
