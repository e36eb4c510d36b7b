/*
 * priv.c: the agent's privileged parent, OpenBSD's daemons' pattern.
 * cq-startd forks its network child (privc.c, then the rest of the agent)
 * at start and from then on does only what needs root: it spawns jobs
 * (jobctl.c), signals, freezes, thaws, kills and releases them, runs
 * CRIU dumps and restores (criu.c), reaps every child and tells the
 * network child of exits as events.  It trusts nothing the child says:
 * every request is checked first (priv_check, priv-check.c) against what
 * the parent knows itself, its table of runs (priv-run.c): a spawn only
 * of a run that is not running yet, as the user picked when its run was
 * made (getpwnam, never a uid from the child), with its paths in that
 * run's sandbox; a signal, freeze or kill only of a live run's process
 * group; a CRIU image only in the run's own sandbox.  A request that
 * fails the check, or does not decode, gets an error reply and a log
 * line; the parent carries on.  This file moves the runs through their
 * states: starting when a spawn is accepted, running once spawned (or
 * restored), ended when reaped.
 *
 * Lifetime: SIGTERM, SIGINT and SIGHUP are passed on to the child (as
 * messages: it ignores those signals itself), which leaves cleanly
 * (vacate, reports, goodbye) and exits.  Whenever the
 * child is gone (exited, killed, or its end of the socket closed) the
 * parent kills every job it still has, reaps them (1 s at most), removes
 * their cgroups and exits.  The child dies with the parent (its parent-
 * death signal), and the jobs too (theirs).  Requests are served in
 * order as they come, each in well under a millisecond, except spawns
 * (cgroup joins: milliseconds): those wait in a queue and run one per
 * loop turn, after what came with them, so an owner's-return freeze
 * waits at most for one spawn.  Only requests naming jobs that already
 * run can overtake a spawn, so the reordering changes no outcome.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "criu.h"
#include "fdpeer.h"
#include "jobctl.h"
#include "jobuser.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "priv.h"
#include "psbx.h"
#include "startd.h"
#include "xmalloc.h"

#define PRIV_REAP_LAST_MS	1000

struct priv_op {
	uint32_t		 id;	/* the child's request id */
	struct criu_op		*op;
	int			 restore;
	pid_t			 dumped;	/* a dump's job */
	int			 leader_reaped;	/* ... reaped meanwhile */
};

static struct {
	struct event_base	*base;
	struct fdpeer		*peer;
	pid_t			 child;
	int			 child_status;	/* exit code, -1 if killed */
	int			 stopping;	/* told to stop by a signal */
	struct priv_op		*ops;		/* criu runs */
	size_t			 nops;
	struct priv_spawnq {
		uint32_t		 reqid;
		struct json_object	*msg;
	}			*spawnq;	/* checked, waiting */
	size_t			 nspawnq;
	struct event		*spawn_ev;
	struct priv_start {
		uint32_t	 reqid;
		pid_t		 pid;
		int		 fd;
		struct event	*ev;
	}			**starts;	/* exec results awaited */
	size_t			 nstarts;
} pv;

static struct priv_op *
priv_op_find(uint32_t id)
{
	size_t	i;

	for (i = 0; i < pv.nops; i++)
		if (pv.ops[i].id == id)
			return &pv.ops[i];
	return NULL;
}

int
priv_criu_known(uint32_t id)
{
	return priv_op_find(id) != NULL;
}

static void
priv_op_del(struct priv_op *o)
{
	*o = pv.ops[--pv.nops];
}

/* The run criu CPID restores, if any, is ready again (restore failed or
 * aborted: the child may spawn it afresh). */
static void
priv_op_unrestore(pid_t cpid)
{
	struct priv_run	*r;

	if ((r = priv_run_pid(cpid)) != NULL &&
	    r->state == PRIV_RUN_RESTORING)
		priv_run_set_state(r, PRIV_RUN_READY);
}

/* Reply to request REQID of TYPE: ERR NULL for success. */
static void
priv_reply(uint16_t type, uint32_t reqid, int errnum, const char *err,
    pid_t pid)
{
	struct json_object	*o = json_object_new_object();
	uint16_t		 rtype = MSG_PRIV_RESULT;

	if (type == MSG_PRIV_SPAWN) {
		rtype = MSG_PRIV_SPAWNED;
		if (err != NULL)
			json_object_object_add(o, "error",
			    json_object_new_string(err));
		else
			json_object_object_add(o, "pid",
			    json_object_new_int64(pid));
	} else {
		json_object_object_add(o, "ok",
		    json_object_new_boolean(err == NULL));
		if (err != NULL) {
			json_object_object_add(o, "errno",
			    json_object_new_int(errnum));
			json_object_object_add(o, "error",
			    json_object_new_string(err));
		}
		if (pid > 0)
			json_object_object_add(o, "pid",
			    json_object_new_int64(pid));
	}
	(void)fdpeer_send(pv.peer, rtype, reqid, o, -1);
	json_object_put(o);
}

/* A NULL-terminated copy of MSG's string array NAME (borrowed strings). */
static char **
priv_argv(struct json_object *msg, const char *name)
{
	struct json_object	*a = jsonx_get(msg, name);
	size_t			 i, n = json_object_array_length(a);
	char			**v;

	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = (char *)json_object_get_string(
		    json_object_array_get_idx(a, i));
	return v;
}

/*
 * Start S's exec result may be in: the spawn's reply, the job's pid or
 * the error (a job whose exec failed ends by itself and is reaped).
 */
static void
priv_start_done(struct priv_start *s)
{
	char	err[512];
	size_t	i;
	int	r;

	if ((r = jobctl_spawn_result(s->pid, err, sizeof err)) == 0)
		return;
	if (r == 1) {
		(void)jobctl_background(s->pid);	/* it yields to all */
		priv_reply(MSG_PRIV_SPAWN, s->reqid, 0, NULL, s->pid);
	}
	else
		priv_reply(MSG_PRIV_SPAWN, s->reqid, errno, err, 0);
	for (i = 0; i < pv.nstarts; i++)
		if (pv.starts[i] == s)
			pv.starts[i] = pv.starts[--pv.nstarts];
	event_free(s->ev);
	close(s->fd);
	free(s);
}

static void
priv_start_cb(evutil_socket_t fd, short ev, void *arg)
{
	priv_start_done(arg);
}

/* Run R's spawn (request REQID) did not start: ERRNUM, ERR.  R is
 * ready again, or forgotten if it has no sandbox. */
static void
priv_spawn_failed(struct priv_run *r, uint32_t reqid, int errnum,
    const char *err)
{
	priv_run_set_state(r, PRIV_RUN_READY);
	priv_run_drop(r);
	priv_reply(MSG_PRIV_SPAWN, reqid, errnum, err, 0);
}

/*
 * Spawn a job as the child asked, but as whom the parent decides itself
 * (jobuser.c, as the child does: the owner if known here, else the
 * slot's user; root only when the scheduler gave uid 0) from what its
 * run was made with, never from the request, with that user's groups
 * and hidden directories.  The limits come from the
 * child: they only ever restrict the job.
 */
static void
priv_spawn(uint32_t reqid, struct json_object *msg)
{
	struct jobctl_spec	 spec;
	struct jobuser		 ju;
	struct priv_start	*s;
	struct priv_run		*r;
	const char		*hidden;
	char			 err[512], **argv, **env;
	pid_t			 pid;
	int			 fd;

	memset(&spec, 0, sizeof spec);
	memset(&ju, 0, sizeof ju);
	/* Checked and made STARTING when it came (priv_msg). */
	if ((r = priv_run_find(jsonx_str(msg, "job", ""),
	    (uint32_t)jsonx_int(msg, "run", 0))) == NULL ||
	    r->state != PRIV_RUN_STARTING)
		fatalx("priv: a queued spawn has no starting run");
	/* A run made by this spawn was picked for a moment ago (one
	 * look-up per start); a run made with its sandbox, picked again. */
	if (r->ju_fresh) {
		ju = r->ju;
		memset(&r->ju, 0, sizeof r->ju);
		r->ju_fresh = 0;
	} else if (jobuser_pick(r->owner, r->sched_uid, r->slot, &ju, err,
	    sizeof err) == -1) {
		priv_spawn_failed(r, reqid, EPERM, err);
		return;
	}
	jobuser_clear(&r->ju);	/* the sandbox's pick: not needed now */
	if ((ju.switch_user ? ju.uid : (uid_t)-1) != r->uid) {
		snprintf(err, sizeof err, "job %s run %u: its user is not the "
		    "one its sandbox was made for", r->job, r->run);
		priv_spawn_failed(r, reqid, EPERM, err);
		jobuser_clear(&ju);
		return;
	}
	spec.iwd = jsonx_str(msg, "iwd", "/");
	if ((hidden = jobuser_hidden(&ju, spec.iwd)) != NULL) {
		snprintf(err, sizeof err, "initialdir %s is in %s, which jobs "
		    "of slot users do not see (hide_from_slot_users)",
		    spec.iwd, hidden);
		priv_spawn_failed(r, reqid, EPERM, err);
		jobuser_clear(&ju);
		return;
	}
	argv = priv_argv(msg, "argv");
	env = priv_argv(msg, "env");
	spec.executable = jsonx_str(msg, "executable", "");
	spec.argv = argv;
	spec.envp = env;
	spec.input = jsonx_str(msg, "input", NULL);
	spec.output = jsonx_str(msg, "output", NULL);
	spec.error = jsonx_str(msg, "error", NULL);
	spec.append = jsonx_bool(msg, "append", 0);
	spec.pidns = jsonx_bool(msg, "pidns", 0) && st->criu;
	spec.switch_user = ju.switch_user;
	spec.uid = ju.uid;
	spec.gid = ju.gid;
	spec.groups = ju.groups;
	spec.ngroups = ju.ngroups;
	spec.hide = jobuser_hide(&ju);
	spec.nproc_ok = ju.slot_user;	/* its uid is this job's alone */
	spec.memory_mb = jsonx_int(msg, "memory_mb", 0);
	spec.memory_asked = jsonx_bool(msg, "memory_asked", 0);
	spec.max_pids = jsonx_int(msg, "max_pids", 0);
	if (jobctl_spawn_start(&spec, &pid, &fd, err, sizeof err) == -1)
		priv_spawn_failed(r, reqid, errno, err);
	else {
		r->pid = pid;
		priv_run_set_state(r, PRIV_RUN_RUNNING);
		s = xcalloc(1, sizeof *s);
		s->reqid = reqid;
		s->pid = pid;
		s->fd = fd;
		if ((s->ev = event_new(pv.base, fd, EV_READ | EV_PERSIST,
		    priv_start_cb, s)) == NULL)
			fatalx("event_new");
		event_add(s->ev, NULL);
		pv.starts = xreallocarray(pv.starts, pv.nstarts + 1,
		    sizeof *pv.starts);
		pv.starts[pv.nstarts++] = s;
	}
	jobuser_clear(&ju);
	free(argv);
	free(env);
}

/* The end of a freeze (priv-frz.c): stopped by HOW in MS, or ERR. */
static void
priv_frz_reply(uint32_t reqid, int errnum, const char *err, const char *how,
    double ms)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(err == NULL));
	if (err != NULL) {
		json_object_object_add(o, "errno", json_object_new_int(errnum));
		json_object_object_add(o, "error", json_object_new_string(err));
	} else {
		json_object_object_add(o, "how", json_object_new_string(how));
		json_object_object_add(o, "ms", json_object_new_double(ms));
	}
	(void)fdpeer_send(pv.peer, MSG_PRIV_RESULT, reqid, o, -1);
	json_object_put(o);
}

static void
priv_jobctl(uint32_t reqid, struct json_object *msg)
{
	const char	*op = jsonx_str(msg, "op", "");
	pid_t		 pid = (pid_t)jsonx_int(msg, "pid", 0);
	char		 err[256];
	int		 r;

	if (strcmp(op, "freeze") == 0) {
		/* Replied once it is seen stopped, escalated or killed. */
		priv_frz_start(pv.base, reqid, pid, priv_frz_reply);
		return;
	}
	if (strcmp(op, "freeze") != 0 && strcmp(op, "signal") != 0 &&
	    strcmp(op, "deadline") != 0)
		priv_frz_forget(pid);	/* thawed, killed or released */
	if (strcmp(op, "thaw") == 0)
		r = jobctl_thaw(pid);
	else if (strcmp(op, "signal") == 0)
		r = jobctl_signal(pid, (int)jsonx_int(msg, "signal", 0));
	else if (strcmp(op, "kill") == 0)
		r = jobctl_kill(pid);
	else if (strcmp(op, "deadline") == 0)
		r = jobctl_deadline(pid, jsonx_int(msg, "at", 0));
	else
		r = jobctl_release(pid);
	if (r == -1) {
		snprintf(err, sizeof err, "%s %ld: %s", op, (long)pid,
		    strerror(errno));
		priv_reply(MSG_PRIV_JOBCTL, reqid, errno, err, 0);
	} else
		priv_reply(MSG_PRIV_JOBCTL, reqid, 0, NULL, 0);
}

static void
priv_criu(uint32_t reqid, struct json_object *msg)
{
	const char	*op = jsonx_str(msg, "op", "");
	const char	*img = jsonx_str(msg, "imgdir", "");
	struct priv_op	*o;
	struct priv_run	*r = NULL;
	struct criu_op	*cop;
	char		 err[512];

	if (strcmp(op, "abort") == 0) {
		o = priv_op_find((uint32_t)jsonx_int(msg, "id", 0));
		if (o->restore)
			priv_op_unrestore(criu_op_pid(o->op));
		criu_op_abort(o->op);
		priv_op_del(o);
		priv_reply(MSG_PRIV_CRIU, reqid, 0, NULL, 0);
		return;
	}
	if (!st->criu || priv_op_find(reqid) != NULL) {
		priv_reply(MSG_PRIV_CRIU, reqid, ENOTSUP, !st->criu ?
		    "no CRIU on this agent" : "operation id in use", 0);
		return;
	}
	if (strcmp(op, "dump") == 0)
		cop = criu_dump_start(st->criu_path,
		    (pid_t)jsonx_int(msg, "pid", 0), img, NULL, err,
		    sizeof err);
	else {
		/* Checked: a ready run, the image in its sandbox. */
		r = priv_run_find(jsonx_str(msg, "job", ""),
		    (uint32_t)jsonx_int(msg, "run", 0));
		cop = criu_restore_start(st->criu_path, img, err, sizeof err);
	}
	if (cop == NULL) {
		priv_reply(MSG_PRIV_CRIU, reqid, EIO, err, 0);
		return;
	}
	pv.ops = xreallocarray(pv.ops, pv.nops + 1, sizeof *pv.ops);
	pv.ops[pv.nops].id = reqid;
	pv.ops[pv.nops].restore = strcmp(op, "restore") == 0;
	pv.ops[pv.nops].dumped = pv.ops[pv.nops].restore ? 0 :
	    (pid_t)jsonx_int(msg, "pid", 0);
	pv.ops[pv.nops].leader_reaped = 0;
	pv.ops[pv.nops++].op = cop;
	/* A restore's criu is the run's job (its cgroups) until it is
	 * done: the lease may kill it. */
	if (r != NULL) {
		r->pid = criu_op_pid(cop);
		priv_run_set_state(r, PRIV_RUN_RESTORING);
	}
	log_info("priv: criu %s running (pid %ld)", op,
	    (long)criu_op_pid(cop));
	priv_reply(MSG_PRIV_CRIU, reqid, 0, NULL, criu_op_pid(cop));
}

/*
 * Open input device NAME of the input directory for the child (it may
 * not read them itself): read-only, non-blocking, no symlink, and only a
 * character device (a FIFO too, which tests stand in with).
 */
static void
priv_open(uint32_t reqid, struct json_object *msg)
{
	struct json_object	*o;
	struct stat		 sb;
	const char		*name = jsonx_str(msg, "name", "");
	char			 path[PATH_MAX + 32], err[PATH_MAX + 96];
	int			 fd;

	snprintf(path, sizeof path, "%s/%s", priv_input_dir(), name);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1 || fstat(fd, &sb) == -1 ||
	    (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode))) {
		snprintf(err, sizeof err, "open %s: %s", path, fd == -1 ?
		    strerror(errno) : "not a device");
		priv_reply(MSG_PRIV_OPEN, reqid, fd == -1 ? errno : ENODEV,
		    err, 0);
		if (fd != -1)
			close(fd);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "what", json_object_new_string("input"));
	json_object_object_add(o, "name", json_object_new_string(name));
	(void)fdpeer_send(pv.peer, MSG_PRIV_FD, reqid, o, fd);
	json_object_put(o);
}

/* Run the next spawn once the loop has looked at the socket again. */
static void
priv_spawn_soon(void)
{
	struct timeval	tv = { 0, 0 };

	if (pv.nspawnq > 0 && !evtimer_pending(pv.spawn_ev, NULL))
		evtimer_add(pv.spawn_ev, &tv);
}

/* One spawn per loop turn: a request that came meanwhile (the owner's
 * freeze) waits for one spawn (its cgroup joins) at most. */
static void
priv_spawn_next(evutil_socket_t fd, short ev, void *arg)
{
	struct json_object	*msg;
	uint32_t		 reqid;

	if (pv.nspawnq == 0)
		return;
	reqid = pv.spawnq[0].reqid;
	msg = pv.spawnq[0].msg;
	memmove(pv.spawnq, pv.spawnq + 1, --pv.nspawnq * sizeof *pv.spawnq);
	priv_spawn(reqid, msg);
	json_object_put(msg);
	priv_spawn_soon();
}

/*
 * Spawn MSG passed the check: its run, known or new (a job without a
 * sandbox), is starting.  0, or -1 (replied) if no run can be made.
 */
static int
priv_spawn_claim(uint32_t reqid, struct json_object *msg)
{
	struct priv_run	*r;
	const char	*job = jsonx_str(msg, "job", "");
	uint32_t	 run = (uint32_t)jsonx_int(msg, "run", 0);
	char		 err[512], why[256];

	if ((r = priv_run_find(job, run)) == NULL) {
		if ((r = priv_run_new(job, run, (int)jsonx_int(msg, "slot", 0),
		    jsonx_str(msg, "owner", ""), (long long)jsonx_int(msg,
		    "uid", -1), why, sizeof why)) == NULL) {
			snprintf(err, sizeof err, "spawn: job %s run %u: %s",
			    job, run, why);
			log_warnx("priv: request %u refused: %s", reqid, err);
			priv_reply(MSG_PRIV_SPAWN, reqid, errno, err, 0);
			return -1;
		}
		r->ju_fresh = 1;	/* priv_spawn() uses its pick */
	}
	priv_run_set_state(r, PRIV_RUN_STARTING);
	return 0;
}

static void
priv_msg(struct fdpeer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const char *bad, int fd, void *arg)
{
	char	err[512];
	int	errnum;

	if (fd != -1)
		close(fd);		/* the child passes none */
	errno = EINVAL;
	if (msg == NULL)
		snprintf(err, sizeof err, "undecodable %s: %s",
		    msg_type_str(type), bad);
	if (msg == NULL || priv_check(type, msg, err, sizeof err) == -1) {
		errnum = errno;
		/* A job that ended just before is no attack: not logged. */
		if (errnum == ESRCH && msg != NULL && priv_run_ended(
		    (pid_t)jsonx_int(msg, "pid", 0)))
			log_debug("priv: request %u refused: %s", reqid, err);
		else
			log_warnx("priv: request %u refused: %s", reqid, err);
		priv_reply(type, reqid, errnum, err, 0);
		return;
	}
	switch (type) {
	case MSG_PRIV_SPAWN:
		/* Its run (made now for a job without a sandbox) is
		 * starting: a second spawn of it is refused. */
		if (priv_spawn_claim(reqid, msg) == -1)
			break;
		/* After the other requests that came with it (a freeze);
		 * only requests naming jobs that run already can: safe. */
		pv.spawnq = xreallocarray(pv.spawnq, pv.nspawnq + 1,
		    sizeof *pv.spawnq);
		pv.spawnq[pv.nspawnq].reqid = reqid;
		pv.spawnq[pv.nspawnq++].msg = json_object_get(msg);
		priv_spawn_soon();
		break;
	case MSG_PRIV_JOBCTL:
		priv_jobctl(reqid, msg);
		break;
	case MSG_PRIV_CRIU:
		priv_criu(reqid, msg);
		break;
	case MSG_PRIV_OPEN:
		priv_open(reqid, msg);
		break;
	}
}

/* Kill every job and criu run left, reap (bounded), clean up, exit. */
static void __attribute__((noreturn))
priv_exit(int code)
{
	struct jobctl_result	 res;
	struct timespec		 ts = { 0, 10 * 1000 * 1000 };
	struct priv_run		*run;
	pid_t			 pid;
	size_t			 i, njobs = 0;
	int			 n, r;

	for (i = 0; i < priv_run_count(); i++)
		if (priv_run_get(i)->pid > 0)
			njobs++;
	if (njobs > 0 || pv.nops > 0)
		log_warnx("priv: killing %zu job(s) and %zu criu run(s) "
		    "left", njobs, pv.nops);
	for (i = 0; i < pv.nops; i++)
		criu_op_abort(pv.ops[i].op);
	pv.nops = 0;
	for (i = 0; (run = priv_run_get(i)) != NULL; i++)
		if (run->pid > 0)
			(void)jobctl_kill(run->pid);
	if (pv.child > 0)
		(void)kill(pv.child, SIGKILL);
	for (n = 0; n < PRIV_REAP_LAST_MS / 10; n++) {
		while ((r = jobctl_reap(&pid, &res)) == 1)
			;
		if (r == -1)
			break;		/* ECHILD: nothing left */
		nanosleep(&ts, NULL);
	}
	for (i = 0; (run = priv_run_get(i)) != NULL; i++)
		if (run->pid > 0)
			(void)jobctl_release(run->pid);
	jobctl_fini();
	fdpeer_free(pv.peer);
	/* The child is gone: its socket is stale unless another agent's. */
	if (*priv_local_socket() != '\0')
		(void)peer_unix_unlink_stale(priv_local_socket());
	log_info("stopped");
	exit(code);
}

/* The child's end closed: most often it is dying; say how (200 ms). */
static void
priv_closed(struct fdpeer *p, const char *reason, void *arg)
{
	struct timespec	ts = { 0, 5 * 1000 * 1000 };
	int		i, status;
	pid_t		r = 0;

	for (i = 0; i < 40 && (r = waitpid(pv.child, &status, WNOHANG)) == 0;
	    i++)
		nanosleep(&ts, NULL);
	if (r == pv.child) {
		pv.child = 0;
		if (WIFSIGNALED(status))
			log_warnx("priv: the network child was killed by "
			    "signal %d: leaving", WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0 || !pv.stopping)
			log_warnx("priv: the network child exited (code %d): "
			    "leaving", WEXITSTATUS(status));
		priv_exit(pv.stopping && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0 ? 0 : 1);
	}
	log_warnx("priv: the network child closed its socket (%s): "
	    "leaving", reason);
	priv_exit(1);
}

/* Tell the child that PID ended with RES. */
static void
priv_send_exit(pid_t pid, const struct jobctl_result *res)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int64(pid));
	json_object_object_add(o, "code", json_object_new_int(res->code));
	json_object_object_add(o, "signal", json_object_new_int(res->signal));
	json_object_object_add(o, "utime_ms",
	    json_object_new_int64(res->utime_ms));
	json_object_object_add(o, "stime_ms",
	    json_object_new_int64(res->stime_ms));
	json_object_object_add(o, "maxrss_kb",
	    json_object_new_int64(res->maxrss_kb));
	if (res->expired)
		json_object_object_add(o, "expired",
		    json_object_new_boolean(1));
	json_object_object_add(o, "oom_kills",
	    json_object_new_int64(res->oom_kills));
	json_object_object_add(o, "mem_limit_kb",
	    json_object_new_int64(res->mem_limit_kb));
	json_object_object_add(o, "mem_peak_kb",
	    json_object_new_int64(res->mem_peak_kb));
	(void)fdpeer_send(pv.peer, MSG_PRIV_EXIT, 0, o, -1);
	json_object_put(o);
}

/* Criu run O is over with RES: finish it, tell the child. */
static void
priv_op_done(struct priv_op *o, const struct jobctl_result *res)
{
	struct json_object	*m = json_object_new_object();
	struct priv_run		*run = NULL;
	char			 err[512];
	pid_t			 pid = 0;
	int			 r;

	if (o->restore)
		run = priv_run_pid(criu_op_pid(o->op));
	r = criu_op_done(o->op, res, &pid, err, sizeof err);
	if (o->dumped > 0 && o->leader_reaped) {
		/* Its leader went during the dump: now its leftovers. */
		(void)jobctl_kill(o->dumped);
		(void)jobctl_release(o->dumped);
	}
	json_object_object_add(m, "id", json_object_new_int64(o->id));
	json_object_object_add(m, "ok", json_object_new_boolean(r == 0));
	if (run != NULL && r == 0 && pid > 0) {
		/* The restored tree: the run's job now. */
		run->pid = pid;
		priv_run_set_state(run, PRIV_RUN_RUNNING);
	} else if (run != NULL)
		priv_run_set_state(run, PRIV_RUN_READY);
	if (r == 0 && pid > 0)
		json_object_object_add(m, "pid", json_object_new_int64(pid));
	if (r == -1)
		json_object_object_add(m, "error",
		    json_object_new_string(err));
	priv_op_del(o);
	(void)fdpeer_send(pv.peer, MSG_PRIV_CRIU_DONE, 0, m, -1);
	json_object_put(m);
}

static void
priv_reap(void)
{
	struct jobctl_result	 res;
	struct priv_run		*run;
	size_t			 i;
	pid_t			 pid;
	int			 done;

	while (jobctl_reap(&pid, &res) == 1) {
		if (pid == pv.child) {
			pv.child = 0;
			if (res.signal != 0)
				log_warnx("priv: the network child was killed "
				    "by signal %d: leaving", res.signal);
			else if (res.code != 0 || !pv.stopping)
				log_warnx("priv: the network child exited "
				    "(code %d): leaving", res.code);
			priv_exit(pv.stopping && res.signal == 0 &&
			    res.code == 0 ? 0 : 1);
		}
		done = 0;
		for (i = 0; i < pv.nops && !done; i++)
			if (criu_op_pid(pv.ops[i].op) == pid) {
				priv_op_done(&pv.ops[i], &res);
				done = 1;
			}
		if (done)
			continue;
		if ((run = priv_run_pid(pid)) == NULL)
			continue;	/* an orphan of some job */
		for (i = 0; i < pv.nstarts; i++)
			if (pv.starts[i]->pid == pid) {
				/* Its exec result first: the reply. */
				priv_start_done(pv.starts[i]);
				break;
			}
		for (i = 0; i < pv.nops; i++)
			if (pv.ops[i].dumped == pid)
				break;
		if (i < pv.nops)
			/* Killed by criu's dump: criu still needs its
			 * cgroups; the rest waits for criu's end. */
			pv.ops[i].leader_reaped = 1;
		else {
			/* A job's leader: what is left of its tree goes. */
			(void)jobctl_kill(pid);
			(void)jobctl_release(pid);
		}
		priv_run_set_state(run, PRIV_RUN_ENDED);
		priv_run_drop(run);	/* if it has no sandbox */
		priv_send_exit(pid, &res);
	}
}

static void
priv_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct json_object	*o;

	if (sig == SIGCHLD) {
		priv_reap();
		return;
	}
	pv.stopping = 1;
	log_info("priv: signal %d: passed on to the network child",
	    (int)sig);
	/* As a message: the child ignores the signals themselves, so one
	 * sent to the whole group (an init system's) counts once. */
	o = json_object_new_object();
	json_object_object_add(o, "signal", json_object_new_int((int)sig));
	(void)fdpeer_send(pv.peer, MSG_PRIV_SIGNAL, 0, o, -1);
	json_object_put(o);
}

/* The parent's loop; never returns. */
static void __attribute__((noreturn))
priv_main(int sock, int sbxsock, pid_t child)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct event		*ev[4];
	struct event_config	*evcfg;
	size_t			 i;

	pv.child = child;
	/* Precise timers: a freeze is checked every millisecond. */
	if ((evcfg = event_config_new()) == NULL ||
	    event_config_set_flag(evcfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1 ||
	    (pv.base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(evcfg);
	for (i = 0; i < 4; i++) {
		ev[i] = evsignal_new(pv.base, sigs[i], priv_signal, NULL);
		evsignal_add(ev[i], NULL);
	}
	if ((pv.spawn_ev = evtimer_new(pv.base, priv_spawn_next, NULL)) ==
	    NULL)
		fatalx("evtimer_new");
	pv.peer = fdpeer_new(pv.base, sock, ROLE_PRIVC, "network child",
	    priv_msg, priv_closed, NULL);
	psbx_serve(pv.base, sbxsock, priv_sandbox_dir());
	log_debug("priv: network child pid %ld", (long)child);
	/* A child that exited before the signal event existed. */
	priv_reap();
	event_base_dispatch(pv.base);
	priv_exit(1);
}

int
priv_fork(int *sbxsock)
{
	pid_t	parent = getpid(), pid;
	int	sv[2], sx[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sx) == -1)
		fatal("socketpair");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(sv[0]);
		close(sx[0]);
		jobctl_close();		/* the cgroups are the parent's */
		*sbxsock = sx[1];
		/* Told by the parent instead (priv_signal). */
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
			fatal("prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)
			_exit(1);	/* it died already */
		(void)prctl(PR_SET_NAME, "cq-startd-net");
		return sv[1];
	}
	close(sv[1]);
	close(sx[1]);
	priv_main(sv[0], sx[0], pid);
}
