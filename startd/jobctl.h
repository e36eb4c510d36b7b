/*
 * jobctl.h: all job control of the agent behind one interface: spawn,
 * signal, freeze, thaw, kill, reap.  When the agent is split into a
 * privileged parent and a network child, this interface is what moves
 * into the parent.  No libevent here: the caller watches the descriptor
 * jobctl_spawn_start() gives and reaps from its SIGCHLD event.  A job is
 * named by its pgid: the pid jobctl_spawn() returned, that of the job's
 * init (the init of a pid namespace where the agent may create one; it
 * dies with the agent and takes every process of the job with it), or,
 * for a bare spec, of the job itself.  Where cgroups allow it the job
 * (and its init) also has cgroups of its own, which hold every process it
 * starts, even one that left the process group.
 */
#ifndef CQ_JOBCTL_H
#define CQ_JOBCTL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct jobctl_spec {
	const char	 *executable;	/* absolute, or relative to iwd */
	char *const	 *argv;		/* argv[0] included, NULL-terminated */
	char *const	 *envp;		/* NULL-terminated */
	const char	 *iwd;		/* working directory */
	const char	 *input;	/* NULL: /dev/null; relative to iwd */
	const char	 *output;	/* NULL: /dev/null; created/truncated */
	const char	 *error;	/* NULL: /dev/null; may equal output */
	int		  append;	/* output/error appended, not truncated */
	int		  switch_user;	/* become uid/gid before exec */
	int		  pidns;	/* init of a new pid namespace (CRIU) */
	int		  bare;		/* no init: the agent's own child */
	uid_t		  uid;
	gid_t		  gid;
	const gid_t	 *groups;	/* switch_user: supplementary groups */
	int		  ngroups;	/* (0: gid alone) */
	/* NULL-terminated directories hidden behind an empty read-only
	 * tmpfs in a mount namespace of the job's own, or NULL. */
	char *const	 *hide;
	/* Limits (docs/jobs-users.md): a memory cgroup's limit, else
	 * RLIMIT_DATA; a pids cgroup's pids.max, else RLIMIT_NPROC where
	 * the uid is the job's alone (nproc_ok).  0: no limit. */
	int64_t		  memory_mb;
	int		  memory_asked;	/* memory_mb is the job's request:
					 * RLIMIT_DATA without a cgroup */
	int64_t		  max_pids;
	int		  nproc_ok;
};

struct jobctl_result {
	int		code;		/* exit code, or -1 if signalled */
	int		signal;		/* terminating signal, or 0 */
	int64_t		utime_ms;
	int64_t		stime_ms;
	int64_t		maxrss_kb;
	int		expired;	/* killed at its jobctl_deadline() */
	/* The job's memory cgroup when its leader was reaped (all 0 without
	 * one): OOM kills in it, its limit and its peak usage. */
	int64_t		oom_kills;
	int64_t		mem_limit_kb;
	int64_t		mem_peak_kb;
};

/*
 * Name this agent's subtree of the cq-jobs groups (before jobctl_init()):
 * IDENT, with anything but letters, digits, '-', '_' and '.' made '_'.
 * Without it the subtree is "pidPID", this process's own.
 */
void	jobctl_ident(const char *ident);
/*
 * Whether jobctl_init() may add favordynmods to the cgroup2 mount when
 * job limits live in v1 groups (jobctl-dyn.c says why); default yes.
 */
void	jobctl_favordynmods(int on);
/*
 * The job's init is the program cq-jobinit (docs/job-control.md), which
 * jobctl_init() looks for beside this program, else in LIBEXECDIR/cq,
 * and keeps open.  jobctl_program() names PATH instead (tests and benches
 * run from a build tree); 0, or -1 with errno.  jobctl_program_path():
 * the one in use, or NULL when none was found (no job can start but a
 * bare one: the agent refuses to start).
 */
int	jobctl_program(const char *path);
const char *jobctl_program_path(void);
/* Close what jobctl_init() opened, in a process that controls no jobs. */
void	jobctl_close(void);
/*
 * Become a child subreaper, so orphans of jobs are ours to reap (-1 if
 * that fails), and find the cgroups jobs can be put in: a
 * "cq-jobs/IDENT" group under the agent's own cgroup in each hierarchy,
 * where what a previous life of this IDENT left is killed and removed
 * (and nothing of another IDENT touched).  Logs the mechanism in use.
 * Test-only switches, read here: CQ_JOBCTL_NO_CGROUP=1 (process groups
 * only), CQ_JOBCTL_NO_CGROUP2=1 (no cgroup2: v1 freezer),
 * CQ_JOBCTL_NO_PIDNS=1 (no pid namespace: the init as a subreaper),
 * CQ_JOBCTL_NO_CLONE3=1 (the init is cloned without CLONE_INTO_CGROUP and
 * joins its cgroup2 group itself, as where the kernel has no clone3).
 */
int	jobctl_init(void);
/*
 * Start a job without waiting: its init (the agent's child, in cgroups of
 * the job's own when jobctl_init() found some: born in the cgroup2 one by
 * clone3, joining the v1 ones itself) forks the job as the leader of a
 * new session and process group, with SIGKILL as its parent-death signal,
 * limited as SPEC says (memory, pids), as SPEC's user with its groups and,
 * with SPEC->hide, in a mount namespace of its own.  Where the agent may,
 * the init leads a new pid namespace and dies with the agent (SIGKILL as
 * its parent-death signal), which kills the whole job; else it is a subreaper that kills the job's orphans with it, and
 * kills the job when the deadline pipe ends (the agent died).  The init
 * passes catchable signals on to the job's group and reports the
 * leader's end.  A SPEC with pidns (CRIU) or bare has no init: the job is
 * the agent's child (with pidns, the init of a new pid namespace: it then
 * ignores signals it has no handler for, SIGTERM included, from outside).
 * Returns 0 with *PID set and *FD a descriptor of the caller's (close-on-
 * exec, non-blocking) that becomes readable when the exec succeeded or
 * failed: then ask jobctl_spawn_result(), and close *FD once it said 1 or
 * -1.  Returns -1 with ERR filled if no process was started.
 */
int	jobctl_spawn_start(const struct jobctl_spec *, pid_t *pid, int *fd,
	    char *err, size_t errlen);
/*
 * How the exec of the job PID (jobctl_spawn_start()) went: 1 it runs, 0
 * not known yet, -1 with errno and ERR naming what failed (open of output,
 * chdir, exec: "No such file...").  A job that failed ends by itself and
 * is reaped as usual (code 127).  Ask until it says 1 or -1, also after
 * the reap: the job's entry is kept until then.
 */
int	jobctl_spawn_result(pid_t pid, char *err, size_t errlen);
/*
 * jobctl_spawn_start(), and wait for the exec.  Returns 0 with *PID set, or
 * -1 with ERR naming what failed; a job that failed is already reaped, its
 * cgroups removed.
 */
int	jobctl_spawn(const struct jobctl_spec *, pid_t *pid, char *err,
	    size_t errlen);
/*
 * Job PGID's init SIGKILLs every process of the job at KILL_AT_MS
 * (CLOCK_MONOTONIC milliseconds, as clock_mono_ms(); 0: no deadline, the
 * latest call wins) and reports its end with `expired` set.  It holds
 * the deadline without the agent: it keeps it when the agent stops, and
 * kills the job at once when the agent dies.  0, or -1: ESRCH (no such
 * job, or its init is gone), ENOTSUP (a bare job: CRIU's), EINVAL.
 */
int	jobctl_deadline(pid_t pgid, int64_t kill_at_ms);
/*
 * The write end of job PGID's deadline pipe (jobctl_deadline() writes
 * 8-byte values there), for a process that keeps deadlines in another's
 * stead; jobctl keeps it and closes it when the init is reaped.  -1
 * (ESRCH, ENOTSUP) as for jobctl_deadline().
 */
int	jobctl_deadline_fd(pid_t pgid);
/*
 * The job whose leader was FROM, a `criu restore --restore-sibling` that
 * jobctl_spawn() started in the job's cgroups, is now led by TO, the
 * restored tree's root (the agent's child too): freeze, kill and the
 * reaper find the job by TO from now on.  FROM may have been reaped
 * already (its cgroups are kept while TO's tree is in them).  0, or -1
 * (ESRCH: FROM is not a job, or its cgroups are gone).
 */
int	jobctl_adopt(pid_t from, pid_t to);
/*
 * Signal the job's process group (not its escapees); 0, or -1 (ESRCH if
 * gone).  Before its exec is known the signal goes to its init, which
 * passes it on once the job runs.  A frozen job gets the signal only once
 * thawed: to deliver a checkpoint signal to a suspended job, jobctl_thaw()
 * it first.  SIGKILL is jobctl_kill().
 */
int	jobctl_signal(pid_t pgid, int sig);
/*
 * Put the job's session autogroup (it leads its own session) at nice 19,
 * where its processes already are: with autogroups on, a process's nice
 * weighs only against its own session, and the job's session as a whole
 * would compete with the owner's and the agent's as an equal.  Call once
 * the job runs (jobctl_spawn_result() said 1).  0, or -1 with errno.
 */
int	jobctl_background(pid_t pgid);
/*
 * Stop every process of the job, without waiting, by the first mechanism
 * of its freeze ladder that takes the order: cgroup2 cgroup.freeze, then
 * the v1 freezer, then SIGSTOP to the job's process group and to every
 * member of its cgroups.  The job's autogroup is boosted until the thaw
 * so that its runnable tasks get a CPU to stop.  jobctl_frozen() tells
 * when it is done; jobctl_freeze_escalate() adds the next mechanism.  0,
 * or -1 with errno: EAGAIN before the exec is known (the caller freezes
 * it once jobctl_spawn_result() said 1), else no mechanism took the order
 * (the caller kills the job).  Test-only switch, read by jobctl_init():
 * CQ_JOBCTL_FREEZE_FAIL=cgroup2 (the cgroup2 freeze fails), =cgroup (both
 * cgroup freezes fail) or =all (SIGSTOP too: nothing can stop a job).
 */
int	jobctl_freeze(pid_t pgid);
/*
 * The freeze has not taken effect in time: add the next mechanism of the
 * ladder (the earlier ones stay).  0, or -1 with errno (ENOSYS: none is
 * left) when none took the order: the caller kills the job.
 */
int	jobctl_freeze_escalate(pid_t pgid);
/*
 * The mechanism of the ladder most recently applied to a frozen job:
 * "cgroup2", "v1 freezer", "SIGSTOP"; "none" when not frozen.
 */
const char *jobctl_freeze_how(pid_t pgid);
/* Undo jobctl_freeze() and every escalation; 0, or -1 with errno. */
int	jobctl_thaw(pid_t pgid);
/*
 * 1 if no process of the job can run (frozen, stopped or gone), else 0:
 * cgroup.events "frozen 1", freezer.state FROZEN, or every member stopped
 * in /proc (state T, or D: it stops as it leaves the kernel).
 */
int	jobctl_frozen(pid_t pgid);
/*
 * SIGKILL every process of the job, escapees included, frozen or not:
 * cgroup.kill, else freeze + SIGKILL each member + thaw (waits up to
 * 50 ms for the freeze), else SIGKILL to the group and the job's init
 * (which kills its orphans).  0, or -1 with errno (ESRCH: a job without
 * cgroups is gone).  The caller still reaps.
 */
int	jobctl_kill(pid_t pgid);
/*
 * Remove the job's cgroups once all its processes are gone; the reaper
 * already tries this when the leader is reaped.  0 (also for a job with
 * none), or -1 with EBUSY while some remain: the caller retries later.
 */
int	jobctl_release(pid_t pgid);
/* 1 if the job is in cgroups of its own (freeze and kill reach all). */
int	jobctl_contained(pid_t pgid);
/*
 * Directory of the job's cgroup in HIERARCHY ("unified", "freezer",
 * "memory", "pids", "cpuacct") into BUF; 0, or -1 if it has none there.
 */
int	jobctl_cgroup_dir(pid_t pgid, const char *hierarchy, char *buf,
	    size_t len);
/*
 * The containment in use: "cgroup2 freeze+kill", "cgroup2 freeze",
 * "v1 freezer" or "process groups only".
 */
const char *jobctl_mechanism(void);
/*
 * Forget all jobs, remove the cgroups of ours that are empty, then our
 * subtree and the cq-jobs groups unless another agent still uses them.
 * Kills nothing (a job whose init is still running dies with the agent).
 */
void	jobctl_fini(void);
/*
 * Reap one exited child without blocking.  1 with *PID and *RES filled, 0
 * when no child has exited, -1 on error (ECHILD when none are left).  For
 * a job's init, *RES is what it said of the job's leader (killed by a
 * signal included), or the init's own end if it was killed first.
 * Releases the cgroups of jobs whose last process this was.
 */
int	jobctl_reap(pid_t *pid, struct jobctl_result *res);

#endif
