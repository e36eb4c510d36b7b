/*
 * schedd.h: the scheduler's context and the objects its modules share:
 * machines (agents) and their slots.  The one global is `sd`.
 *
 * Modules: main (start-up, tick, end of loop turn), ctl (client socket),
 * agents (agent links, leases, slot mirror), creds (what an agent's hello
 * proves; throttle: failed proofs per address), queue (job lifecycle, the
 * only caller of job_set_state), match (idle jobs -> free slots), commit
 * (group commit and the replies that wait for it), store (SQL),
 * clusters (the clusters with queued jobs: batch name, nprocs), owners
 * (each owner's jobs in the queue, for max_jobs_per_owner), batches
 * (the sums of `cq q`'s batch view), rows (compact job rows as JSON text,
 * the slots' owner side for `cq status`).
 */
#ifndef CQ_SCHEDD_H
#define CQ_SCHEDD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <stdint.h>

#include "job.h"
#include "machinead.h"
#include "slots.h"
#include "slotstate.h"

struct cfg;
struct event;
struct event_base;
struct peer;
struct store;

struct machine;
struct spool_link;

TAILQ_HEAD(job_list, job);

struct slot {
	struct machine		*machine;
	int			 id;		/* 1-based: slot1@name */
	int64_t			 cpus;
	int64_t			 memory_mb;
	int64_t			 disk_kb;	/* -1: not told */
	enum slot_state		 state;		/* slots_set_state() only */
	struct job		*job;		/* the job we run there */
	char			 stale_job[32];	/* a job being killed there */
	uint32_t		 stale_run;
	TAILQ_ENTRY(slot)	 free_entry;
	int			 on_free;
};

struct machine {
	char			*name;
	struct peer		*peer;		/* NULL while disconnected */
	int			 online;	/* 0 once the lease ran out */
	int64_t			 contact;	/* mono ms of the last message */
	int64_t			 first_seen;	/* wall ms */
	/* From the heartbeats (-1: not told): the owner's side. */
	int64_t			 hb_mono;	/* mono ms of the last one */
	double			 load;		/* load minus our jobs' */
	int			 has_load;
	int64_t			 owner_idle_ms;	/* owner idle for, then */
	int64_t			 owner_seen_ms;	/* owner last seen, ago */
	int			 has_absence;	/* owner_absence_s was told */
	int64_t			 owner_absence_s; /* ExpectedOwnerAbsence */
	struct slot		**slots;
	int			 nslots;
	char			*fs_domain;	/* from its hello, or NULL */
	int			 criu;		/* its ad: it can dump/restore */
	struct machinead	 ad;		/* its machine ad (platform,
						   start, rank, site's) */
	/* match.c: one judgement per machine and autocluster in a run,
	 * for its slots whose ads differ only in Name and SlotID. */
	uint64_t		 memo_run;
	const void		*memo_ac;
	const struct slot	*memo_slot;
	int			 memo_free, memo_per_slot;
	double			 memo_rank, memo_mrank;
	struct spool_link	*spool;		/* its transfers (spool.c) */
	int			 lies;		/* claims on runs not its own */
	/* The jobs whose machine field names it (agents_job_placed);
	 * some may have moved on since: agents.c drops those as it walks. */
	struct job_list		 jobs;
	TAILQ_ENTRY(machine)	 entry;
	RB_ENTRY(machine)	 name_entry;	/* sd->machines_by_name */
	TAILQ_ENTRY(machine)	 live_entry;	/* sd->live, while online */
};

RB_HEAD(job_tree, job);
TAILQ_HEAD(machine_list, machine);
RB_HEAD(machine_tree, machine);

int	job_cmp(struct job *, struct job *);
RB_PROTOTYPE(job_tree, job, tree_entry, job_cmp);

struct schedd {
	struct event_base	*base;
	struct cfg		*cfg;
	struct store		*store;
	const char		*state_dir;
	int64_t			 lease_ms;
	int64_t			 started;	/* mono ms at start-up */

	struct job_tree		 jobs;		/* every job in memory */
	struct job_list		 idle;		/* matching order */
	struct slots		 slots;		/* the mirror's free list */
	struct machine_list	 machines;	/* every machine */
	struct machine_list	 live;		/* the online ones, by contact:
						   the lease's oldest first */
	struct machine_tree	 machines_by_name;
	uint64_t		 njobs;		/* in memory */

	struct event		*turn_ev;	/* end of the loop turn */
	int			 turn_pending;
	int			 match_wanted;
	struct event		*tick_ev;
	int64_t			 tick_lease_next;
	int64_t			 rematch_next;	/* mono ms (main.c) */
	int64_t			 tick_policy_next;	/* mono ms */
	int64_t			 policy_ms;	/* periodic_expr_interval */

	uint64_t		 nsubmitted, nstarted, ncompleted;
	uint64_t		 turns;		/* loop turns ended (main.c) */
	/* Large answers (ctl-answer.c): rows written, slices, the most
	 * rows in one loop turn. */
	uint64_t		 answer_rows, answer_slices;
	uint64_t		 answer_rows_turn_max;
	/* Between a job's entering the idle queue and its start (queue.c):
	 * the most loop turns and rows of answers (with a slot free, what
	 * the loop made it wait). */
	uint64_t		 start_wait_turns_max, start_wait_rows_max;
};

extern struct schedd	*sd;

/* Ask for matching and a commit at the end of this loop turn. */
void	schedd_turn_request(void);

#endif
