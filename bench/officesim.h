/*
 * officesim.h: the office simulator's shared state.  One process holds N
 * simulated agents, each a real agent connection to one cq-schedd that
 * speaks the agent protocol through common/ (peer.c frames, msg.c's
 * table, agentmsg*.c's encoders and decoders), and runs the agent's own
 * desktop policy (startd/policy.c) on a virtual clock.
 *
 *   officesim.c         options, the phases of a run, the scheduler's
 *                       CPU and memory (/proc), submitting with `cq submit`
 *   officesim-link.c    the agents' connections: hello, ad, heartbeats,
 *                       start orders, kills, slot moves, exits
 *   officesim-owner.c   the seeded generator of office days
 *   officesim-run.c     the answers to orders (flood mode's at once)
 *   officesim-query.c   flood mode's `cq q` and `cq status` timed
 *   officesim-office.c  office mode: owners, the policy, virtual jobs
 *   officesim-report.c  the report and the SVG of the week
 */
#ifndef CQ_OFFICESIM_H
#define CQ_OFFICESIM_H

#include <stddef.h>
#include <stdint.h>

#include "agentmsg.h"
#include "clock.h"
#include "policy.h"

struct event_base;
struct peer;
struct bufferevent;
struct sim_job;
struct presence;
struct tls;

#define SIM_MAX_SLOTS	8
#define SIM_DAY_MS	(24LL * 3600 * 1000)
#define SIM_WEEK_MS	(7 * SIM_DAY_MS)

enum sim_mode {
	SIM_FLOOD,		/* zero-length jobs as fast as they come */
	SIM_OFFICE,		/* simulated owners and virtual run times */
};

enum sim_link {
	LINK_OFF,		/* not connected (or an always-off desktop) */
	LINK_CONNECTING,	/* TCP connect under way */
	LINK_HELLO,		/* hello sent, waiting for the answer */
	LINK_READY,		/* registered */
};

/* A slot's state from VT on (SLOT_OFFLINE: not connected). */
struct sim_mark {
	int64_t		 vt;
	uint8_t		 state;
};

/* An owner's presence: [from, to) in virtual ms since the week's start. */
struct sim_stay {
	int64_t		 from, to;
};

/* What kind of desktop user a machine has. */
enum sim_persona {
	PERSONA_OFFICE,		/* office hours, lunch, meetings */
	PERSONA_LATE,		/* later hours, evenings */
	PERSONA_NEVER_IDLE,	/* someone is always at it (a kiosk, a lab) */
	PERSONA_OFF,		/* powered off all week: never connects */
};

struct sim_slot {
	struct policy_slot	 ps;
	char			 job[AGENTMSG_JOB_MAX];	/* "" none */
	uint32_t		 run;
	struct sim_job		*sj;		/* office mode: its job */
	int64_t			 since;		/* virtual ms of the last
						   CLAIMED start (progress) */
	int64_t			 offered;	/* real mono ms it was offered
						   with jobs waiting, 0 */
	struct sim_mark		*marks;		/* the slot's states */
	size_t			 nmarks, cap;
};

struct sim_agent {
	int			 idx;
	char			 name[32];
	enum sim_link		 link;
	struct peer		*peer;
	struct bufferevent	*bev;		/* while connecting */
	struct event		*hb;		/* heartbeat timer */
	struct event		*retry;		/* reconnect timer */
	char			 cred[160];	/* the credential issued */
	int64_t			 t_connect;	/* real mono ms */
	int64_t			 t_ready;
	uint32_t		 seq;
	int			 nslots;
	struct sim_slot		 slots[SIM_MAX_SLOTS];
	/* office mode */
	enum sim_persona	 persona;
	struct sim_stay		*stays;		/* sorted, whole run */
	size_t			 nstays, next_stay;
	int64_t			 last_activity;	/* virtual ms, 0: never */
	int			 present;
	int64_t			 last_eval;	/* virtual ms */
	int64_t			 next_eval;
	struct presence		*hist;		/* -A: the owner's history */
};

/* A simulated job (office mode), made by the sim at submission. */
struct sim_job {
	int			 batch;		/* the submission's index */
	int			 proc;
	int64_t			 runtime;	/* virtual ms of work */
	int			 ckpt;		/* checkpoints at a vacate
						   (checkpoint_exit_code) */
	int64_t			 expected;	/* what it tells (ExpectedRuntime) */
	int64_t			 done;		/* work kept (checkpointed) */
	int64_t			 progress;	/* work since the last start */
	int			 running;
	int64_t			 submitted;	/* virtual ms */
	int64_t			 submitted_real;	/* real mono ms */
	int64_t			 first_start;	/* virtual ms, -1 */
	int64_t			 finished;	/* virtual ms, -1 */
	int			 evictions;
	int64_t			 lost;		/* virtual ms of work lost */
};

/* A submission: one cluster. */
struct sim_batch {
	int			 index;
	long			 cluster;	/* -1 until cq submit said */
	int			 njobs;
	struct sim_job		*jobs;
	int64_t			 submitted;	/* virtual ms */
	int64_t			 submitted_real;
};

struct sim_opts {
	enum sim_mode	 mode;
	int		 nagents;
	int		 nslots;
	long		 njobs;		/* flood: zero-length jobs */
	const char	*schedd;	/* host:port */
	const char	*token;
	const char	*fingerprint;	/* NULL: insecure plain TCP */
	const char	*cq;		/* the cq program */
	const char	*outdir;
	long		 schedd_pid;
	int		 hb_window_s;	/* flood: heartbeat-only sample */
	int		 connects;	/* connects in flight at most */
	int		 sources;	/* 127.0.0.x source addresses */
	/* flood mode */
	long		 held;		/* -Q: held jobs queued before */
	int		 query_runs;	/* -M: runs of each query */
	int		 clusters;	/* -k: clusters of the jobs, 0: one
					   that states no run time */
	/* office mode */
	double		 accel;		/* virtual ms per real ms */
	int		 days;		/* simulated days */
	int		 train_days;	/* not measured (placement learns) */
	uint64_t	 seed;
	int		 owner_aware;	/* advertise expected absence */
	int		 queue_depth;	/* jobs kept idle in the queue */
	double		 rate;		/* or: jobs a virtual hour */
	const char	*label;
	const char	*prefix;	/* of the agents' names */
};

/* Office mode's figures, over the measured days. */
struct sim_stats {
	int64_t		 from, to;		/* virtual ms */
	long		 arrivals, busy_arrivals;
	long		 suspends, resumes, evictions;
	long		 evictions_ckpt;	/* of jobs that checkpoint */
	int64_t		 ckpt_kept_ms;		/* the work they kept */
	int64_t		 lost_ms;		/* work lost to evictions */
	long		 completed;
	int64_t		 completed_ms;		/* their run times */
	long		 starts;
	int64_t		*lat;			/* submit to first start, vms */
	int64_t		*lat_real;		/* the same, real ms */
	size_t		 nlat, latcap;
	int64_t		*offer;			/* offered to started, real ms */
	size_t		 noffer, offercap;
	long		 acked;
	long		 rss_max;		/* the scheduler's, KiB */
	double		 cpu0, cpu1;
	int64_t		 t_cpu0, t_cpu1;	/* real mono ms */
	long		 submitted;
	long		 lost_links;
};

struct sim {
	struct sim_opts		 o;
	struct event_base	*base;
	struct tls		*tls;
	struct sim_agent	*agents;
	int64_t			 lease_ms;
	int			 nconnecting, nready, nnext;
	int64_t			 t0;		/* real mono ms: start */
	int64_t			 t_all_ready;
	/* flood */
	long			 started, acked, exited;
	int64_t			 t_submit, t_first_start, t_last_ack;
	/* office: the virtual clock */
	int64_t			 vt0_real;	/* real mono ms at virtual 0 */
	int64_t			 vnow;		/* virtual ms (since Monday 0:00) */
	int64_t			 vend;
	struct sim_batch	*batches;
	size_t			 nbatches;
	struct sim_stats	 os;
	/* the scheduler's CPU (s) and RSS (KiB) */
	double			 st_hb_cpu;	/* share of a core, heartbeats */
	long			 st_hb_rss;
	double			 st_cpu0, st_run_cpu;
	double			 me_cpu0, me_run_cpu;	/* this program's */
	long			 st_run_rss;
	long			 st_query_rss;	/* the most after a query */
	int			 submitting;
	long			 idle_jobs;	/* submitted, not running or done */
	long			 errors;
	long			 refused;	/* start orders refused */
	long			 exits_sent;
	int			 done;
};

extern struct sim	*sim;

/* officesim.c */
/* Run `cq submit --terse` of FILE (text TEXT); CB gets the cluster or -1. */
int	sim_submit(const char *text, void (*cb)(long, void *), void *arg);
void	sim_proc_sample(long pid, double *cpu_s, long *rss_kb);

/* officesim-link.c */
void	link_start_all(void);
void	link_send_am(struct sim_agent *, const struct agentmsg *);
void	link_send_slot(struct sim_agent *, int slot);
void	link_send_started(struct sim_agent *, int slot);
void	link_send_exited(struct sim_agent *, int slot, const char *job,
	    uint32_t run, int evicted);
void	link_heartbeat(struct sim_agent *);

/* officesim-run.c: the answers to orders, flood mode's and the policy */
int	run_claim(struct sim_agent *, const struct agentmsg_start *);
void	run_release(struct sim_agent *, int slot, int evicted);
const struct policy_cfg *run_cfg(void);
void	run_policy_in(struct sim_agent *, struct policy_in *);
void	run_started_order(struct sim_agent *, struct agentmsg_start *);
void	run_kill_order(struct sim_agent *, const char *job, uint32_t run,
	    int vacate);
void	run_exit_acked(struct sim_agent *, const char *job, uint32_t run);
void	run_agent_ready(struct sim_agent *);
void	run_ad_slots(struct sim_agent *, struct agentmsg_ad *);
int64_t	run_flood_absence(const struct sim_agent *);

/* officesim-office.c: office mode */
const struct policy_cfg *office_cfg(void);
void	office_begin(void);
void	office_end(void);
void	office_start(struct sim_agent *, struct agentmsg_start *);
void	office_kill(struct sim_agent *, const char *job, uint32_t run,
	    int vacate);
void	office_exit_acked(struct sim_agent *, const char *job, uint32_t run);
void	office_agent_ready(struct sim_agent *);
void	office_ad(struct sim_agent *, struct agentmsg_ad *);
void	office_mark(struct sim_agent *, int slot, int state);
void	office_link_lost(struct sim_agent *);
int64_t	run_expected_absence(struct sim_agent *);

/* officesim-owner.c */
enum sim_persona owner_persona(uint64_t seed, int idx);
void	owner_make(struct sim_agent *, uint64_t seed, int days);

/* officesim-query.c: flood mode's cq q and cq status */
void	query_begin(void (*)(void));
void	query_report(void);

/* officesim-report.c */
void	report_flood(void);
void	report_office(void);

#endif
