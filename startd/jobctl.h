/*
 * jobctl.h: all job control of the agent behind one interface: spawn,
 * signal, reap.  When the agent is split into a privileged parent and a
 * network child, this interface is what moves into the parent.  No
 * libevent here: the caller reaps from its SIGCHLD event.
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
	int		  switch_user;	/* become uid/gid before exec */
	uid_t		  uid;
	gid_t		  gid;
};

struct jobctl_result {
	int		code;		/* exit code, or -1 if signalled */
	int		signal;		/* terminating signal, or 0 */
	int64_t		utime_ms;
	int64_t		stime_ms;
	int64_t		maxrss_kb;
};

/* Become a child subreaper, so orphans of jobs are ours to reap. */
int	jobctl_init(void);
/*
 * Start a job as the leader of a new session and process group, with
 * SIGKILL as its parent-death signal.  Returns 0 with *PID set, or -1 with
 * ERR naming what failed (open of output, chdir, exec: "No such file...").
 */
int	jobctl_spawn(const struct jobctl_spec *, pid_t *pid, char *err,
	    size_t errlen);
/* Signal the job's whole process group; 0, or -1 (ESRCH if gone). */
int	jobctl_signal(pid_t pgid, int sig);
/*
 * Reap one exited child without blocking.  1 with *PID and *RES filled, 0
 * when no child has exited, -1 on error (ECHILD when none are left).
 */
int	jobctl_reap(pid_t *pid, struct jobctl_result *res);

#endif
