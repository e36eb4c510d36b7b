/*
 * privc.h: the network child's side of the agent's privilege separation:
 * jobctl's calls as requests to the root parent (priv.c), none of which
 * waits.  Signal, freeze, thaw, kill and release are sent at once and
 * their failures logged when the reply comes (a job already gone, ESRCH,
 * is not worth a line); a spawn, a CRIU dump or restore ends in a
 * callback; job exits come as events.
 */
#ifndef CQ_PRIVC_H
#define CQ_PRIVC_H

#include <sys/types.h>
#include <stdint.h>

struct event_base;
struct jobctl_result;
struct jobctl_spec;

struct privc_cbs {
	/* The leader PID of a job (spawned or restored) ended with RES. */
	void	(*exited)(pid_t pid, const struct jobctl_result *res);
	/* The spawn for JOB/RUN gave PID, or failed with ERR. */
	void	(*spawned)(const char *job, uint32_t run, pid_t pid,
		    const char *err);
	/* The CRIU dump or restore for JOB/RUN could not start (ERR). */
	void	(*criu_failed)(const char *job, uint32_t run, const char *err);
	/* ... ended: OK, with the restored leader PID, or ERR. */
	void	(*criu_done)(const char *job, uint32_t run, int ok, pid_t pid,
		    const char *err);
	/*
	 * The freeze of job PID ended: seen stopped by HOW after MS (ERR
	 * NULL), or not (ERRNUM, ERR: killed because nothing stopped it,
	 * EAGAIN before its exec, ESRCH gone, ECANCELED thawed first).
	 */
	void	(*frozen)(pid_t pid, int errnum, const char *err,
		    const char *how, double ms);
};

/*
 * Talk to the parent over SOCK; the parent's end is fatal to us.  SIG is
 * called with each SIGTERM, SIGINT or SIGHUP the parent got.  Test-only
 * switch: CQ_PRIVC_FORGE=1 sends forged requests first (t-privsep.sh).
 */
void	privc_init(struct event_base *, int sock, const struct privc_cbs *,
	    void (*sig)(int));
/* Take in what the parent has told already (exits), without waiting. */
void	privc_drain(void);
/* Write what is queued (at exit) and close. */
void	privc_shutdown(void);

/*
 * Ask for JOB/RUN's spawn on SLOT as SPEC says: its executable, argv,
 * env, directory, stdio and limits (memory, pids).  Whom it runs as
 * (user, groups, hidden directories) is the parent's own decision from
 * OWNER, the scheduler's UID and SLOT: SPEC's are ignored.  0, or -1 if
 * the request cannot be sent.
 */
int	privc_spawn(const struct jobctl_spec *, const char *owner, int64_t uid,
	    int slot, const char *job, uint32_t run);
/* The job must be dead by AT_MS (CLOCK_MONOTONIC; jobctl_deadline()). */
int	privc_deadline(pid_t pgid, int64_t at_ms);
int	privc_signal(pid_t pgid, int sig);
/* The reply (cbs.frozen) comes once the job is seen stopped, or not. */
int	privc_freeze(pid_t pgid);
int	privc_thaw(pid_t pgid);
int	privc_kill(pid_t pgid);
int	privc_release(pid_t pgid);
/* A CRIU dump of job PID / a restore into IMGDIR: the run's id, or 0. */
uint32_t privc_criu_dump(pid_t pid, const char *imgdir, const char *job,
	    uint32_t run);
uint32_t privc_criu_restore(const char *imgdir, const char *job,
	    uint32_t run);
/* The pid of CRIU run ID's criu once it runs (a restore's is a job that
 * privc_kill() may kill), else 0. */
pid_t	privc_criu_pid(uint32_t id);
/* The input source's opener (act_input_set_opener()): the parent opens
 * the device, act_input_opened() gets it. */
void	privc_input_open(const char *dir, const char *name);
/* Stop CRIU run ID (no callback follows). */
void	privc_criu_abort(uint32_t id);

#endif
