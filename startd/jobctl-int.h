/*
 * jobctl-int.h: what the files of the agent's job control share: the
 * limits, the job table and its cgroups (jobctl-cg.c), and the child's
 * side between fork and exec (jobctl-child.c).  jobctl.c is the public
 * interface (jobctl.h).  Private to startd/jobctl*.c.
 */
#ifndef CQ_JOBCTL_INT_H
#define CQ_JOBCTL_INT_H

#include <sys/types.h>

#include <limits.h>

#include "jobctl.h"

#define JOBCTL_WHAT_MAX	512	/* context a failing child sends back */
#define JOBCTL_MAXFD	65536	/* close loop bound without close_range */
#define JOBCTL_MAXJOBS	256	/* jobs in the table at once */
#define JOBCTL_KILL_WAIT_MS 50	/* freeze wait of the kill fallback */
#define JOBCTL_PARENT	"cq-jobs"
#define JOBCTL_NAME_MAX	32
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

/* Their names in /proc/self/cgroup and mount options (jobctl-cg.c). */
extern const char *const jobctl_hier_names[JOBCTL_NCG];

enum jobctl_state {
	JOBCTL_FREE,
	JOBCTL_PENDING,		/* groups made, fork not done */
	JOBCTL_LIVE,		/* the leader has not been reaped */
	JOBCTL_REAPED		/* it has; some groups are still there */
};

/* A job; with cgroups, "AGENTPID.SEQ" under each cq-jobs of MASK. */
struct jobctl_job {
	enum jobctl_state	 state;
	pid_t			 pgid;	/* 0 once a new job has the number */
	unsigned		 mask;
	char			 name[JOBCTL_NAME_MAX];
	int			 boosted; /* its autogroup is at JOBCTL_BOOST */
	int			 agnice;  /* and was at this before */
};

/* Where the cq-jobs groups are, and the jobs (jobctl-cg.c). */
struct jobctl_tab {
	char		 parent[JOBCTL_NCG][PATH_MAX];	/* or "" */
	int		 alias[JOBCTL_NCG];	/* hierarchy sharing the mount */
	unsigned	 mask;		/* hierarchies with a cq-jobs */
	int		 v2kill;	/* cgroup2 has cgroup.kill */
	pid_t		 agent;		/* getpid() at jobctl_init() */
	unsigned	 seq;
	int		 nreaped;	/* jobs in JOBCTL_REAPED */
	struct jobctl_job jobs[JOBCTL_MAXJOBS];
};
extern struct jobctl_tab jobctl_tab;

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
};

/* jobctl-child.c: the child, from fork() to execve(); never returns. */
void jobctl_child(const struct jobctl_child *c)
	    __attribute__((noreturn));

/* jobctl-cg.c: cgroup files, the job table and each job's groups. */
ssize_t jobctl_read(const char *path, char *buf, size_t len);
int jobctl_write(const char *path, const char *s);
void jobctl_cg_sweep(int h, pid_t only);
void jobctl_cg_init(void);
int jobctl_cg_path(char *buf, size_t len, const struct jobctl_job *j, int h,
    const char *file);
int jobctl_cg_write(const struct jobctl_job *j, int h, const char *file,
    const char *s);
struct jobctl_job *jobctl_job_find(pid_t pgid);
int jobctl_cg_rmdirs(struct jobctl_job *j);
struct jobctl_job *jobctl_job_new(int *fd);
void jobctl_job_started(struct jobctl_job *j, pid_t pgid);
void jobctl_job_abort(struct jobctl_job *j);
int jobctl_cg_freeze(const struct jobctl_job *j, int on);
int jobctl_cg_frozen(const struct jobctl_job *j);
int jobctl_cg_killall(const struct jobctl_job *j);
void jobctl_cg_retry(void);
void jobctl_cg_limits(const struct jobctl_job *j,
    const struct jobctl_spec *spec, struct jobctl_child *c);
void jobctl_cg_memstat(const struct jobctl_job *j, struct jobctl_result *res);

#endif
