/*
 * criu.h: transparent checkpoints of the agent's jobs with CRIU: dump a
 * job's process tree to an image directory, restore a tree from one
 * (perhaps a copy made on another machine) as a job of this agent.  The
 * criu binary is the agent's `criu_path` (scripts/criu-fetch.sh installs
 * one at /var/cache/cq/criu/criu).  A job to be dumped must have been
 * started with jobctl_spec.pidns set, so that it can be restored where
 * its pids are taken.  criu_dump() and criu_restore() block until criu
 * is done; the _start() forms do not.
 */
#ifndef CQ_CRIU_H
#define CQ_CRIU_H

#include <sys/types.h>
#include <stddef.h>

/* What the agent passes down to criu_dump(). */
struct criu_dump_opts {
	const char	*freezer;	/* the job's v1 freezer dir, or NULL */
	int		 leave_running;	/* else criu kills the job once dumped */
};

/*
 * 1 if CRIU_PATH runs and `criu check` passes on this machine, else 0.
 * Run once per path (the answer is cached) and logged.  Needs root.
 */
int	criu_available(const char *criu_path);
/*
 * Dump the tree of job PID (its leader, the pid jobctl_spawn() gave) into
 * IMGDIR, made if missing (mode 0700).  The sizes of the regular files
 * the tree holds open are recorded beside the image (IMGDIR/cq-files),
 * so criu_restore() can cut them back.  Unless OPTS->leave_running, criu
 * kills the tree: the caller still reaps the leader (SIGKILL) and must
 * not mistake that for the job's end.  criu's log is IMGDIR/dump.log.
 * 0, or -1 with ERR saying why.
 */
int	criu_dump(const char *criu_path, pid_t pid, const char *imgdir,
	    const struct criu_dump_opts *opts, char *err, size_t errlen);
/*
 * Restore the tree dumped in IMGDIR (the original or a copy) as a new
 * job of this agent, in cgroups of its own (through jobctl_spawn()), and
 * return its leader, a child of ours, in *PID: from then on it is a job
 * like any other for jobctl_freeze(), jobctl_kill() and jobctl_reap().
 * Files the job held open are cut back to their size at the dump first;
 * they must exist at the same absolute paths (its working directory
 * too).  criu's log is IMGDIR/restore.log.  0, or -1 with ERR.
 */
int	criu_restore(const char *criu_path, const char *imgdir, pid_t *pid,
	    char *err, size_t errlen);
/*
 * Both without waiting, so the agent's loop runs on (a dump takes about
 * 1 s per GiB here, ten times that under load: longer than a short
 * lease).  criu_dump_start() / criu_restore_start() do everything up to
 * starting criu and return the operation, or NULL with ERR.  The
 * caller's reaper hands the exit of criu_op_pid() to criu_op_done(),
 * which finishes and frees the operation: 0 with *PID (may be NULL) the
 * dumped job, or the restored leader, now a job of ours and running;
 * else -1 with ERR (a dumped job is then as it was, running or
 * suspended; a half-restored tree is gone).  A dumped job's own exit
 * (SIGKILL, from criu) may be reaped before or after criu's; a restored
 * tree stays stopped until criu_op_done(), so it cannot exit unseen.
 * criu_op_abort() kills criu and undoes the rest; it accepts NULL.
 */
struct criu_op;
struct jobctl_result;
struct criu_op *criu_dump_start(const char *criu_path, pid_t pid,
	    const char *imgdir, const struct criu_dump_opts *opts, char *err,
	    size_t errlen);
struct criu_op *criu_restore_start(const char *criu_path, const char *imgdir,
	    char *err, size_t errlen);
pid_t	criu_op_pid(const struct criu_op *);
int	criu_op_done(struct criu_op *, const struct jobctl_result *res,
	    pid_t *pid, char *err, size_t errlen);
void	criu_op_abort(struct criu_op *);

#endif
