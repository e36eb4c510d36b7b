/*
 * queue.h: the job queue: every job the scheduler holds in memory and the
 * moves of its life.  Each move is written to the store (inside the turn's
 * transaction) with its event, then matching is asked for where a job or
 * a slot became free.
 */
#ifndef CQ_QUEUE_H
#define CQ_QUEUE_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct job;
struct jobdesc;
struct jobend_run;
struct slot;

struct exit_info {
	int		 code;		/* -1 if signalled */
	int		 signal;
	int64_t		 utime_ms, stime_ms, maxrss_kb;
	const char	*error;		/* the job could not start */
};

/* Load the unfinished jobs from the store at start-up. */
int		 queue_load(void);
/* Free every job in memory at exit. */
void		 queue_shutdown(void);
/* The job CLUSTER.PROC, or NULL if not in memory. */
struct job	*queue_find(uint32_t cluster, uint32_t proc);
/* Call CB for each job in memory, in id order. */
void		 queue_walk(void (*cb)(struct job *, void *), void *arg);
/*
 * Enter N jobs as one cluster.  DESCS are checked descriptions, ADS their
 * wire text ("$(Cluster)" is replaced here).  0 with *CLUSTER, or -1.
 */
int		 queue_submit(uid_t uid, const char *owner,
		    const char *batch_name, struct jobdesc *descs,
		    char **ads, size_t n, uint32_t *cluster);
/*
 * Enter N more jobs of CLUSTER, materialized by a factory (factory.c):
 * DESCS/ADS as for queue_submit, procs from DESCS[0].proc on.  0, or -1.
 */
int		 queue_materialize(uid_t uid, const char *owner,
		    uint32_t cluster, struct jobdesc *descs, char **ads,
		    size_t n);
/*
 * A client's request begins (after commit_request_begin): what the verbs
 * below change is kept; queue_request_end(1) once it is durable (jobs it
 * finished leave memory), (0) if it was rolled back (its changes are
 * undone in memory, the cluster it entered leaves).
 */
void		 queue_request_begin(void);
void		 queue_request_end(int durable);
/* Start J on slot S (matching decided): RUNNING, a new run number. */
void		 queue_start(struct job *j, struct slot *s);
/* The current run of J ended. */
void		 queue_exited(struct job *j, const struct exit_info *ei);
/* The owner came back (ON) or left again: J is SUSPENDED or RUNNING. */
void		 queue_suspend(struct job *j, int on, const char *why);
/* Record EVENT in J's event log (no change of state): J's row is not
 * written, so nothing of it may have changed since the last write. */
void		 queue_note(struct job *j, const char *event,
		    const char *detail);
/* J's output files are arriving: RUNNING -> TRANSFERRING_OUTPUT. */
void		 queue_transferring(struct job *j);
/* J's new checkpoint (spool.c made it J's version) is durable: count it. */
void		 queue_checkpoint(struct job *j);
/* J's run is lost or evicted (agent gone, owner back): back to IDLE. */
void		 queue_requeue(struct job *j, const char *why);
/* The same for a run that left a checkpoint (HTCondor's evicted event
 * with "Job was checkpointed"). */
void		 queue_requeue_checkpointed(struct job *j, const char *why);
/* Hold J at its owner's request (HoldReasonCode 1; a running job is
 * killed); 1 if it was held now, 0 if not. */
int		 queue_hold(struct job *j, const char *by);
/* The same with HTCondor's HoldReasonCode CODE and SUBCODE. */
int		 queue_hold_as(struct job *j, int code, int subcode,
		    const char *why);
/*
 * The current run of J ended as R (its agent's report): jobend.c decides
 * requeue, restart, retry, complete, hold or remove, and it is done.  1
 * if the agent runs the job on (a periodic checkpoint), else 0.
 */
int		 queue_ended(struct job *j, const struct jobend_run *r);
/* Refuse D if its policy expressions do not parse: 0, or -1 with ERR. */
int		 queue_policy_check(const struct jobdesc *d, char *err,
		    size_t errlen);
/* The periodic expressions of every job (the tick)... */
void		 queue_policy_tick(void);
/* ... and of the jobs that changed in this loop turn (its end). */
void		 queue_policy_due(void);
/* Release a held J back to IDLE; 1 if released, 0 if not. */
int		 queue_release(struct job *j, const char *by);
/*
 * Evict a running J from its slot (cq vacate ID): its run is killed and
 * its end recorded as an eviction, so it goes back to IDLE and runs
 * again.  1 if the order went out, 0 if J is not running.
 */
int		 queue_vacate(struct job *j, const char *by);
/*
 * cq qedit, cq prio: idle or held J takes the description AD (taken; the
 * wire text of D) with D's priority, requests, accounting group and
 * limits, recorded as a "qedit" event with DETAIL.  0, or -1 if J is
 * neither idle nor held (AD freed).
 */
int		 queue_edit(struct job *j, char *ad, const struct jobdesc *d,
		    const char *detail);
/* How the detail of a cq vacate's "vacate" event starts. */
#define QUEUE_VACATE_BY	"via cq vacate"
/* The hold reason of a job submitted with hold = true (condor_submit's). */
#define QUEUE_HOLD_SUBMITTED	"submitted on hold at user's request"

/* Remove J at its owner's request; a running job is killed first. */
int		 queue_remove(struct job *j, const char *by);

#endif
