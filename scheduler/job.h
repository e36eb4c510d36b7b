/*
 * job.h: a job in the scheduler's memory and its state machine.  Domain
 * code only: no libevent, no SQLite, no JSON.  job_set_state() is the one
 * writer of job->state and checks each transition against a table.
 */
#ifndef CQ_JOB_H
#define CQ_JOB_H

#include <sys/types.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/tree.h>

struct machine;

/* HTCondor's JobStatus codes. */
enum job_state {
	JOB_IDLE = 1,
	JOB_RUNNING = 2,
	JOB_REMOVED = 3,
	JOB_COMPLETED = 4,
	JOB_HELD = 5,
	JOB_TRANSFERRING_OUTPUT = 6,
	JOB_SUSPENDED = 7,
};

struct autocluster;
struct slot;
struct jobend_policy;

struct job {
	uint32_t	 cluster;
	uint32_t	 proc;
	enum job_state	 state;
	uid_t		 uid;
	char		*owner;
	int		 priority;
	int64_t		 request_cpus;
	int64_t		 request_memory_mb;
	char		*cmd;		/* executable, for tables */
	size_t		 cmd_exe;	/* 1 + its executable's length in
					 * cmd (0: not known yet; ctl.c) */
	char		*ad;		/* the description, wire JSON text */
	int64_t		 submitted;	/* ms since the epoch */
	int64_t		 started;	/* current/last run start, 0 if none */
	int64_t		 finished;
	uint32_t	 run;		/* run number: bumped at each start */
	char		*machine;	/* "slotN@name" while running */
	struct machine	*on;		/* on its jobs list (agents.c) */
	uint64_t	 idle_turn;	/* sd->turns and answer_rows when */
	uint64_t	 idle_rows;	/* it entered the idle queue */
	TAILQ_ENTRY(job) on_entry;
	int		 exit_code;	/* -1 if none */
	int		 exit_signal;	/* 0 if none */
	int64_t		 utime_ms, stime_ms, maxrss_kb;
	int		 nstarts;
	uint32_t	 ckpt_version;	/* spool/<c>.<p>/ckpt.<N>, 0: none */
	int64_t		 ckpt_time;	/* ms of the last checkpoint, 0 */
	int		 nevictions;
	int64_t		 goodput_ms;	/* run time kept (done, checkpointed) */
	int64_t		 badput_ms;	/* run time lost to evictions */

	int		 xfer;		/* the current run transfers files */
	int		 rx_ok, rx_bad;	/* files of this run arrived */
	int		 rx_hold;	/* an output could not be written */
	int		 ckpt_tmp;	/* a checkpoint is arriving */
	int		 spooled;	/* spool/<c>.<p> may exist (spool.c) */
	int		 logged;	/* its description names a log */
	int		 ckpt_criu;	/* the latest checkpoint is a CRIU
					 * image (stored: schema 004) */
	char		*hold_reason;	/* while HELD (stored: schema 006) */
	int		 hold_code;	/* HoldReasonCode, HoldReasonSubCode */
	int		 hold_subcode;
	int64_t		 entered;	/* ms: EnteredCurrentStatus (0: not
					 * known, QDate is used) */
	int		 ncompletions;	/* NumJobCompletions: runs that ended
					 * by themselves */
	struct jobend_policy *policy;	/* parsed policy, NULL: defaults */
	int		 policy_due;	/* queued for a periodic check */
	int		 vacating;	/* cq vacate asked: its end is an evict */
	size_t		 kept;		/* 1 + its entry in the undo record of
					 * the client's request (queue.c) */

	/* Matching: the description's, set at submit and at load. */
	char		*requirements;	/* the user's, or NULL */
	char		*rank;		/* or NULL */
	int64_t		 request_disk_kb;
	int64_t		 runtime_s;	/* +ExpectedRuntime, -1: none */
	struct autocluster *ac;		/* its group (autocluster.c), or NULL */
	int		 keeps;		/* enum place_keeps: what a vacate
					 * leaves of its work */
	int		 passed;	/* times placement passed it over
					 * (match.c; memory only) */
	int64_t		 passed_at;	/* mono ms of the first time, 0 */

	struct slot	*slot;		/* while RUNNING (or being removed) */
	TAILQ_ENTRY(job) idle_entry;	/* on the idle queue */
	int		 on_idle;

	/* Fair share and concurrency limits (share.c, fairshare.c). */
	char		*submitter;	/* owner, or accounting group.user */
	char		*limits;	/* concurrency_limits, or NULL */
	int		 fs_counted;	/* counted as running by share.c */
	TAILQ_ENTRY(job) sub_entry;	/* on its submitter's idle list */
	int		 on_sub;
	RB_ENTRY(job)	 tree_entry;
};

/* The state's name for logs and tables ("IDLE"...). */
const char	*job_state_str(enum job_state);
/* condor_q's one-letter code ("I", "R", "X", "C", "H", ">", "S"). */
const char	*job_state_letter(enum job_state);
/* 1 if FROM -> TO is an allowed transition. */
int		 job_state_allowed(enum job_state from, enum job_state to);
/* 1 if the state is final (the job leaves the queue). */
int		 job_state_terminal(enum job_state);
/*
 * J's cumulative run time in ms at NOW (ms since the epoch): the runs
 * before (kept or lost) and the current one, as condor_q's RUN_TIME and
 * RemoteWallClockTime count it.
 */
int64_t		 job_run_time_ms(const struct job *j, int64_t now);
/* Move J to TO if the table allows it; 0, or -1 (logged) if not. */
int		 job_set_state(struct job *j, enum job_state to);
/*
 * Put J back in WAS, the state it had before a client's request that the
 * store refused (queue.c's undo): no table check, since WAS was J's state
 * and nothing durable ever saw it leave.
 */
void		 job_state_restore(struct job *j, enum job_state was);
/* Parse "CLUSTER" or "CLUSTER.PROC"; proc is -1 for a whole cluster. */
int		 job_id_parse(const char *s, uint32_t *cluster, int64_t *proc);
/*
 * HTCondor's HoldReasonCode of a hold with REASON as the scheduler worded
 * its holds before it kept the code (jobs held by an older cq-schedd):
 * 1 UserRequest (cq hold), 34 JobOutOfResources (JOB_HOLD_MEMORY), 0.
 */
int		 job_hold_code(const char *reason);
/* The start of the reason of a job held for going over its memory. */
#define JOB_HOLD_MEMORY	"Job has gone over cgroup memory limit of "

/* Allocate an empty job; free one and its strings. */
struct job	*job_new(void);
void		 job_free(struct job *);

#endif
