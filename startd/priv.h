/*
 * priv.h: the agent's privileged parent (priv.c) and what it checks.
 * cq-startd is always two processes: this parent, which alone spawns,
 * signals, freezes, thaws, kills, checkpoints (CRIU) and reaps jobs, and
 * the network child (everything else), which asks it for those over a
 * socketpair (privc.h).  docs/privileges.md says who runs what, and why.
 */
#ifndef CQ_PRIV_H
#define CQ_PRIV_H

#include <sys/types.h>
#include <stdint.h>

struct json_object;

/*
 * Split the agent: fork the network child with one end of a socketpair.
 * Returns in the child with the socket (the parent's death kills it);
 * never returns in the parent, which serves the child's requests until
 * the child is gone, then kills every job left and exits.  *SBXSOCK: the
 * child's end of the sandbox requests' socket (psbx.h).
 */
int	priv_fork(int *sbxsock);

/*
 * The parent's check of a request of TYPE: 0 if it may be carried out,
 * else -1 with ERR saying why (logged, and sent back as the error).
 * Exposed for the unit test of forged requests.
 */
int	priv_check(uint16_t type, struct json_object *msg, char *err,
	    size_t errlen);
/* Tell the checker that PGID is a job the parent spawned (or not). */
void	priv_job_add(pid_t pgid);
void	priv_job_del(pid_t pgid);
/* The directory under which CRIU images may be (sandbox_dir). */
void	priv_set_sandbox_dir(const char *dir);
/* The input source's directory the child may have devices of opened
 * (from the activity key; NULL: none). */
void	priv_set_input_dir(const char *dir);

/*
 * The parent's freeze of job PID for request REQID (priv-frz.c): the
 * freeze ladder, checked every millisecond until the job is seen stopped,
 * escalated after a grace, killed when nothing stops it; then REPLY once,
 * with ERR NULL and HOW, MS on success.
 */
struct event_base;
typedef void (*priv_frz_reply_fn)(uint32_t reqid, int errnum,
    const char *err, const char *how, double ms);
void	priv_frz_start(struct event_base *, uint32_t reqid, pid_t pid,
	    priv_frz_reply_fn reply);
void	priv_frz_forget(pid_t pid);

#endif
