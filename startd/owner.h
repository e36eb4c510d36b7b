/*
 * owner.h: what the agent knows of its owner: the activity sources, the
 * owner hours, a reclaim in force, draining, and the policy settings.
 * It turns them into the policy's input at a given moment.
 */
#ifndef CQ_OWNER_H
#define CQ_OWNER_H

#include <stddef.h>
#include <stdint.h>

struct cfg;
struct policy_cfg;
struct policy_in;

/* Read the policy keys of CFG and start the activity sources. */
int	owner_init(const struct cfg *, void (*cb)(void *), void *arg,
	    char *err, size_t errlen);
void	owner_shutdown(void);
/* The policy settings in force. */
const struct policy_cfg *owner_policy(void);
/* Why no job runs here for good (agent = off, too small), or NULL. */
const char	*owner_off_reason(void);
/* Fill IN for wall time NOW (ms); samples the polled sources. */
void	owner_input(int64_t now, struct policy_in *in);
/* The same without sampling the polled sources: what they saw last. */
void	owner_input_seen(int64_t now, struct policy_in *in);
/* The owner takes the desktop back until UNTIL (wall ms). */
void	owner_reclaim(int64_t until);
/* Finish running jobs and take no new ones (or stop that). */
void	owner_drain(int on);
int	owner_draining(void);

#endif
