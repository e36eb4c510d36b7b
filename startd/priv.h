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

#include "jobuser.h"

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
 * The parent's check of a request of TYPE (priv-check.c) against what it
 * knows (the table of runs): 0 if it may be carried out, else -1 with
 * ERR saying why (logged, and sent back as the error) and errno set.
 * Exposed for the unit test of forged requests.
 */
int	priv_check(uint16_t type, struct json_object *msg, char *err,
	    size_t errlen);
/* sandbox_dir: the runs' sandboxes are in it, CRIU images too. */
void	priv_set_sandbox_dir(const char *dir);
const char *priv_sandbox_dir(void);
/*
 * local_socket: the child makes it while still root, so it cannot
 * remove it once it has dropped root; the parent does, as it exits.
 */
void	priv_set_local_socket(const char *path);
const char *priv_local_socket(void);
/* The input source's directory the child may have devices of opened
 * (from the activity key; NULL: none). */
void	priv_set_input_dir(const char *dir);
const char *priv_input_dir(void);
/* 1 if ID is a CRIU run of the parent's (priv.c). */
int	priv_criu_known(uint32_t id);

/*
 * The parent's table of runs (priv-run.c): every job it was asked to run,
 * from its sandbox (or spawn) to the end of both its process and its
 * sandbox.  docs/privileges.md.
 */
#define PRIV_JOB_MAX	32	/* a job id's bytes, its NUL included */

enum priv_run_state {
	PRIV_RUN_READY,		/* known (its sandbox made), nothing runs */
	PRIV_RUN_STARTING,	/* its spawn is queued */
	PRIV_RUN_RUNNING,	/* PID, the job's init, lives */
	PRIV_RUN_RESTORING,	/* PID is the criu that restores it */
	PRIV_RUN_ENDED		/* its process has been reaped */
};

struct priv_run {
	char		 job[PRIV_JOB_MAX];
	uint32_t	 run;
	int		 slot;
	char		*owner;		/* as the child first named it */
	long long	 sched_uid;	/* ... and the scheduler's uid */
	uid_t		 uid;		/* the parent's pick; -1: the agent's */
	gid_t		 gid;
	int		 sbx;		/* its sandbox's number, -1: none */
	int		 dirfd;		/* its sandbox's directory, -1: none */
	char		*path;		/* its sandbox's path, NULL: none */
	pid_t		 pid;		/* its process group while live */
	enum priv_run_state state;
	/* The pick it was made with (groups included); its spawn uses it
	 * when the run was made by that spawn (JU_FRESH), not later. */
	struct jobuser	 ju;
	int		 ju_fresh;
};

const char	*priv_run_state_str(enum priv_run_state);
/*
 * A new run of JOB/RUN on SLOT, whom it runs as picked now from OWNER and
 * SCHED_UID; NULL with ERR (and errno) if the job id or slot is bad, the
 * run is known already or no user can run it here.
 */
struct priv_run	*priv_run_new(const char *job, uint32_t run, int slot,
		    const char *owner, long long sched_uid, char *err,
		    size_t errlen);
/* Forget R if nothing of it is left (no sandbox, no live process). */
void		 priv_run_drop(struct priv_run *r);
/* The only writer of R's state (a transition not in its table is a bug). */
void		 priv_run_set_state(struct priv_run *, enum priv_run_state);
/* 1 if R has a process group alive, or one is being started. */
int		 priv_run_live(const struct priv_run *r);
struct priv_run	*priv_run_find(const char *job, uint32_t run);
/* The live run whose process group is PID, or NULL. */
struct priv_run	*priv_run_pid(pid_t pid);
/* The run whose sandbox PATH is or is in (by its letters), or NULL. */
struct priv_run	*priv_run_path(const char *path);
/* A live run on SLOT other than R, or NULL. */
struct priv_run	*priv_run_slot(int slot, const struct priv_run *r);
/* 1 if PID was a run's process lately (a request for it is a race with
 * its end, not an attack). */
int		 priv_run_ended(pid_t pid);
size_t		 priv_run_count(void);
struct priv_run	*priv_run_get(size_t i);

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
