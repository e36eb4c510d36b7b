/*
 * jobctl-int.h: what the files of the agent's job control share: the
 * limits, the job table and its cgroups (jobctl-cg.c), the job's init
 * (jobctl-init.c) and what it tells the agent, and the child's side
 * between fork and exec (jobctl-child.c).  jobctl.c is the public
 * interface (jobctl.h).  Private to startd/jobctl*.c.
 */
#ifndef CQ_JOBCTL_INT_H
#define CQ_JOBCTL_INT_H

#include <sys/types.h>
#include <sys/resource.h>

#include <limits.h>
#include <stdint.h>

#include "jobctl.h"

#define JOBCTL_WHAT_MAX	512	/* context a failing child sends back */
#define JOBCTL_MAXFD	65536	/* close loop bound without close_range */
#define JOBCTL_MAXJOBS	256	/* jobs in the table at once */
#define JOBCTL_KILL_WAIT_MS 50	/* freeze wait of the kill fallback */
#define JOBCTL_PARENT	"cq-jobs"
#define JOBCTL_NAME_MAX	32
#define JOBCTL_IDENT_MAX 48	/* the agent's subtree under cq-jobs */
#define JOBCTL_CTL_KILL	(-1)	/* on the deadline pipe: kill the job now */
#define JOBCTL_REAP_MAX	4096	/* processes an init kills and reaps */
#define JOBCTL_BOOST	-20	/* autogroup nice while freezing */
#define JOBCTL_NICE	19	/* jobs yield to the owner and the agent */

/* The hierarchies a job's cgroups live in. */
enum jobctl_hier {
	JOBCTL_CG2,		/* cgroup2: cgroup.freeze, cgroup.kill */
	JOBCTL_FREEZER,		/* the v1 ones */
	JOBCTL_MEMORY,
	JOBCTL_PIDS,
	JOBCTL_CPUACCT,
	JOBCTL_NCG
};
#define JOBCTL_BIT(h)	(1U << (h))
/* A job with one of these is contained: freeze and kill reach it all. */
#define JOBCTL_CONTAIN	(JOBCTL_BIT(JOBCTL_CG2) | JOBCTL_BIT(JOBCTL_FREEZER))

/* The rungs of a job's freeze ladder, in order (jobctl-frz.c). */
#define JOBCTL_FRZ_CG2	0x1U	/* cgroup2 cgroup.freeze */
#define JOBCTL_FRZ_V1	0x2U	/* v1 freezer.state */
#define JOBCTL_FRZ_STOP	0x4U	/* SIGSTOP to the group and the members */
#define JOBCTL_FRZ_ALL	(JOBCTL_FRZ_CG2 | JOBCTL_FRZ_V1 | JOBCTL_FRZ_STOP)

/* Their names in /proc/self/cgroup and mount options (jobctl-cg.c). */
extern const char *const jobctl_hier_names[JOBCTL_NCG];

enum jobctl_state {
	JOBCTL_FREE,
	JOBCTL_PENDING,		/* groups made, fork not done */
	JOBCTL_LIVE,		/* the agent's child has not been reaped */
	JOBCTL_REAPED		/* it has; groups or its start result remain */
};

/*
 * What a job's init tells the agent over its status pipe, one whole
 * record per write (smaller than PIPE_BUF, so never split): first START
 * once the job's execve() succeeded or failed, then EXIT once the
 * job's leader is reaped.  An init killed before it could say EXIT
 * (cgroup.kill) is reported by its own wait status.  Fixed-size fields
 * only: the init (cq-jobinit) may be built with another C library than
 * the agent (musl's struct rusage is not glibc's).
 */
enum jobctl_rtype { JOBCTL_R_START = 1, JOBCTL_R_EXIT };
struct jobctl_report {
	int32_t		type;
	int32_t		err;		/* START: 0, or errno of the failed step */
	int32_t		leader;		/* START: the job, in the agent's pidns */
	int32_t		status;		/* EXIT: the leader's wait status */
	int32_t		expired;	/* EXIT: killed at its deadline */
	int32_t		reserved;
	int64_t		utime_us;	/* EXIT: the leader's rusage */
	int64_t		stime_us;
	int64_t		maxrss_kb;
	char		what[JOBCTL_WHAT_MAX]; /* START: the step that failed */
};

/* A control file of a job's group kept open (jobctl-keep.c). */
#define JOBCTL_KEPT_MAX	10
struct jobctl_kept {
	int	h;		/* its hierarchy */
	int	flags;		/* as opened */
	char	file[28];	/* "" for the group's directory */
	int	fd;
};

/*
 * A job; with cgroups, a group NAME ("SEQ") under each cq-jobs/IDENT of
 * MASK.  A bare job is the agent's own child (CRIU: the job as a pid
 * namespace's init, and criu restore); any other is the child of its init
 * (jobctl-init.c), the agent's child, whose pid names the job.
 */
struct jobctl_job {
	enum jobctl_state	 state;
	pid_t			 pgid;	/* 0 once a new job has the number */
	unsigned		 mask;
	char			 name[JOBCTL_NAME_MAX];
	int			 boosted; /* its autogroup is at JOBCTL_BOOST */
	int			 agnice;  /* and was at this before */
	unsigned		 frz;	  /* JOBCTL_FRZ_* applied (jobctl-frz.c) */
	pid_t			 agpid;	  /* a process of that session */
	int			 bare;	/* no init: the job is our child */
	int			 pidns;	/* its init leads a pid namespace */
	int			 sfd;	/* status pipe (read end), or -1 */
	int			 dfd;	/* deadline pipe (write end), or -1 */
	pid_t			 leader; /* the job's process group, or 0 */
	int			 start;	/* 0 unknown, 1 exec'd, -1 failed */
	int			 taken;	/* the start result was given out */
	int			 serr;	/* start: errno of the failed step */
	char			 swhat[JOBCTL_WHAT_MAX]; /* and its name */
	int			 tainted; /* frozen or killed by its groups once:
					   * never pooled (jobctl-pool.c) */
	int			 reused; /* its groups came from the pool */
	int64_t			 oomk;	/* OOM kills its memory group saw */
	/* The limits its groups hold (jobctl-lim.c): 0 none, -1 unknown;
	 * a pooled set keeps them, so equal ones are not written again. */
	int64_t			 lim_mem;	/* bytes */
	int64_t			 lim_pids;
	int			 exited; /* the init's EXIT record came */
	int			 xstatus; /* its leader's wait status */
	int			 xexpired;
	struct rusage		 xru;
	/* Control files kept open with its groups (jobctl-keep.c). */
	struct jobctl_kept	 kept[JOBCTL_KEPT_MAX];
	int			 nkept;
};

/* Where the cq-jobs groups are, and the jobs (jobctl-cg.c). */
struct jobctl_tab {
	char		 parent[JOBCTL_NCG][PATH_MAX];	/* or "" */
	int		 pfd[JOBCTL_NCG];	/* parent's descriptor, or -1 */
	int		 alias[JOBCTL_NCG];	/* hierarchy sharing the mount */
	unsigned	 mask;		/* hierarchies with a cq-jobs */
	int		 v2kill;	/* cgroup2 has cgroup.kill */
	pid_t		 agent;		/* getpid() at jobctl_init() */
	char		 ident[JOBCTL_IDENT_MAX]; /* our subtree of cq-jobs */
	int		 nopidns;	/* CLONE_NEWPID refused: none tried */
	int		 noclone3;	/* clone3 CLONE_INTO_CGROUP refused */
	unsigned	 seq;
	int		 nreaped;	/* jobs in JOBCTL_REAPED */
	char		 cg2mnt[PATH_MAX];	/* cgroup2's mount, or "" */
	char		 cg2opts[256];	/* its super options */
	int		 dynmods;	/* may set favordynmods (jobctl-dyn.c) */
	int		 memsw;		/* memory.memsw.*: 0 unknown, 1, 2 no */
	struct jobctl_job jobs[JOBCTL_MAXJOBS];
};
extern struct jobctl_tab jobctl_tab;

/* jobctl-dyn.c: cgroup migrations without an RCU wait; see there. */
void	jobctl_dyn_init(void);
/* jobctl-pool.c: groups of ended jobs used again; see there. */
void	jobctl_pool_init(void);
void	jobctl_pool_clear(void);
int	jobctl_pool_put(struct jobctl_job *j);
int	jobctl_pool_get(struct jobctl_job *j);
int	jobctl_inlist(const char *list, const char *word);

/* What a failing child writes to the pipe: errno, then unterminated text. */
struct jobctl_fail {
	int	err;
	char	what[JOBCTL_WHAT_MAX];
};

/* Everything the child needs, computed before fork(). */
struct jobctl_child {
	const struct jobctl_spec *spec;
	const char	*path;		/* for execve(): "./x" if X has no '/' */
	const char	*input;		/* "/dev/null" substituted for NULL */
	const char	*output;
	const char	*error;
	int		 share;		/* error names the output path */
	pid_t		 ppid;		/* to detect the agent died early */
	int		 ep;		/* write end of the error pipe, >= 3 */
	int		 maxfd;		/* close loop bound */
	int		 cgfd[JOBCTL_NCG]; /* cgroup.procs to join, or -1 */
	/* Limits no cgroup holds: 0 or the rlimit to set (jobctl-cg.c). */
	unsigned long long rl_data;
	unsigned long long rl_nproc;
	/* The init's (jobctl-init.c); ep is then the status pipe. */
	int		 pidns;		/* it leads a new pid namespace */
	int		 dp;		/* read end of the deadline pipe */
	int		 sigdfl;	/* every disposition is SIG_DFL already */
	int		 cg2procs;	/* cgroup.procs of its cgroup2 group
					   (born there), or -1 */
};

/* jobctl.c: the job's own process group once known (its exec), or 0. */
pid_t jobctl_leader(struct jobctl_job *j);
/* jobctl-frz.c: the freeze ladder's test-only switch, read at init. */
void jobctl_frz_init(void);

/* jobctl-child.c: the child, from fork() to execve(); never returns. */
void jobctl_child(const struct jobctl_child *c)
	    __attribute__((noreturn));
/* Close every descriptor from 3 up except the KEEP ones (-1: none). */
void jobctl_closefrom(int maxfd, const int *keep, int nkeep);

/* jobctl-exec.c: the init program (cq-jobinit) and its start. */
int	jobctl_exec_open(char *err, size_t errlen);
void	jobctl_exec_close(void);
pid_t	jobctl_exec_init(const struct jobctl_child *c, int cg2, int *pidns,
	    int *into);

/* jobctl-init.c: a job's init (cq-jobinit's main); never returns. */
void jobctl_init_main(const struct jobctl_child *c)
	    __attribute__((noreturn));

/* jobctl-keep.c: a job's hot control files, kept open; see there. */
int	jobctl_keep_fd(struct jobctl_job *j, int h, const char *file,
	    int flags, int *temp);
ssize_t	jobctl_keep_read(struct jobctl_job *j, int h, const char *file,
	    char *buf, size_t len);
int	jobctl_keep_write(struct jobctl_job *j, int h, const char *file,
	    const char *s);
void	jobctl_keep_close(struct jobctl_kept *k, int *n);
int	jobctl_keep_base(void);

/* jobctl-cg.c: cgroup files, the job table and each job's groups. */
int jobctl_open(const char *path, int flags);
ssize_t jobctl_read(const char *path, char *buf, size_t len);
int jobctl_write(const char *path, const char *s);
void jobctl_cg_sweep(int h, int kill);
void jobctl_cg_init(void);
void jobctl_cg_fini(void);
int jobctl_cg_path(char *buf, size_t len, const struct jobctl_job *j, int h,
    const char *file);
int jobctl_cg_write(const struct jobctl_job *j, int h, const char *file,
    const char *s);
struct jobctl_job *jobctl_job_find(pid_t pgid);
int jobctl_cg_rmdirs(struct jobctl_job *j);
struct jobctl_job *jobctl_job_new(int *fd, unsigned skip, unsigned *temp);
void jobctl_job_free(struct jobctl_job *j);
void jobctl_job_started(struct jobctl_job *j, pid_t pgid);
void jobctl_job_abort(struct jobctl_job *j);
int jobctl_cg_freeze(struct jobctl_job *j, int on);
int jobctl_cg_frozen(const struct jobctl_job *j);
int jobctl_cg_killall(struct jobctl_job *j);
int jobctl_cg_empty(const struct jobctl_job *j, int h);
void jobctl_cg_retry(void);
void jobctl_cg_limits(struct jobctl_job *j,
    const struct jobctl_spec *spec, struct jobctl_child *c);
void jobctl_cg_memstat(struct jobctl_job *j, struct jobctl_result *res);

#endif
