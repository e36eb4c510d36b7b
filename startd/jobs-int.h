/*
 * jobs-int.h: what jobs.c and jobs-criu.c share: a held job and the few
 * steps of its life that the CRIU layer drives (an exit after a dump, a
 * start after a restore).  Private to the agent's job modules.
 */
#ifndef CQ_JOBS_INT_H
#define CQ_JOBS_INT_H

#include <sys/types.h>
#include <stdint.h>

#include "agentmsg.h"
#include "jobctl.h"
#include "jobuser.h"
#include "policy.h"

struct agentmsg_note;

struct ajob {
	char			 id[32];
	uint32_t		 run;
	int			 slot;		/* 1-based */
	pid_t			 pid;		/* 0 if it never started */
	int			 exited;
	int			 evicted;	/* ended by the owner's return */
	enum slot_state		 slot_after;	/* the slot's state after */
	struct jobctl_result	 res;
	char			*error;		/* why it could not start */
	int64_t			 started;	/* mono ms */
	int64_t			 wall_ms;

	/* Jobs whose files travel (sandbox.c); desc kept for restarts. */
	struct jobdesc		*desc;
	struct sandbox		*sb;		/* NULL: no transfer */
	char			*exe;		/* its executable's name there */
	int			 want_files, got_files, bad_files;
	char			*xfer_error;
	int			 waiting;	/* for its input files */
	int			 sending;	/* its files before its exit */
	int			 ckpt;		/* the exit ships a checkpoint */
	int			 periodic;	/* ... of its own: it restarts */
	int			 nfiles;	/* files sent with the exit */
	char			*missing;	/* an output it did not make */
	int			 kill_sig;	/* the vacate signal */
	int			 vacate_order;	/* told to leave (cq vacate ID) */
	int64_t			 kill_at;	/* mono ms: then SIGKILL, or 0 */
	char			*owner;		/* as the scheduler named it */
	int64_t			 sched_uid;	/* ... and its uid there */
	int			 spawning;	/* asked the parent to start it */
	int			 kill_pending;	/* 1 kill, 2 vacate, once it runs */
	int			 lease_killed;	/* by lease.c, at its deadline */
	enum agentmsg_kill_reason why;	/* why the agent ended it */
	int			 kept;		/* its end is on disk (ends.c) */
	struct agentmsg_exited	*report;	/* an end kept before a restart */
	struct jobuser		 user;		/* whom it runs as (jobuser.c) */
	int64_t			 memory_mb;	/* its memory limit */

	/* The owner's return (jobs-frz.c). */
	int			 freezing;	/* asked, the parent's answer owed */
	int64_t			 frz_t0_us;	/* mono us: the owner's event */
	int			 frz_report;	/* its slot's move waits for it */
	enum slot_state		 frz_was;	/* ... from this state */
	int			 unstoppable;	/* killed: nothing stopped it */

	/* CRIU (jobs-criu.c). */
	uint32_t		 copid;		/* a dump or restore running */
	int			 dumping;	/* cop is a dump */
	int			 pidns;		/* can be dumped */
	int			 leader_gone;	/* reaped during the dump */
	int			 criu_ckpt;	/* the exit ships a CRIU image */
	int			 criu_said;	/* "no CRIU here" told */
	struct agentmsg_note	*notes;		/* events for the scheduler */
	size_t			 nnotes;	/* ... AGENTMSG_MAX_NOTES at most */
};

/* jobs.c */
void	jobs_ended(struct ajob *, const struct jobctl_result *);
void	jobs_spawn_now(struct ajob *);
void	jobs_send_started(struct ajob *);
void	jobs_restored(struct ajob *);
void	jobs_frz_settled(struct ajob *);
struct ajob **jobs_all(size_t *);
/* CB for each held job, running or exited (lease.c). */
void	jobs_foreach(void (*cb)(struct ajob *, void *), void *arg);

/* jobs-frz.c */
void	jobs_freeze(struct ajob **, size_t, int64_t t0_us);
void	jobs_frz_forget(struct ajob *);
void	jobs_frz_result(pid_t, int, const char *, const char *, double);
void	jobs_frz_shutdown(void);

/* jobs-criu.c */
int	jobs_criu_want(const struct ajob *);
int	jobs_criu_vacate(struct ajob *);
int	jobs_criu_restore(struct ajob *);
int	jobs_criu_leader(struct ajob *, const struct jobctl_result *);
void	jobs_criu_failed(struct ajob *, const char *);
void	jobs_criu_done(struct ajob *, int, pid_t, const char *);
void	jobs_criu_note(struct ajob *, const char *, const char *);
void	jobs_criu_notes_out(struct ajob *, struct agentmsg_note *, size_t *);
void	jobs_criu_free(struct ajob *);

#endif
