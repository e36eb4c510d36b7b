/*
 * privc.c: the network child's requests to the agent's root parent
 * (priv.c) and the dispatch of its replies and events (see privc.h).
 * Each request has an id; a table of those still owed a reply (or, for
 * CRIU, its end) remembers the job and run it was for, so a reply for a
 * job that has gone meanwhile finds nothing and is dropped.  A reply the
 * parent sends with no request behind it is a bug between our own
 * processes and is logged.  When the parent's end closes, the child
 * exits: its jobs died with the parent.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "act.h"
#include "cfg.h"
#include "fdpeer.h"
#include "jobctl.h"
#include "jsonx.h"
#include "log.h"
#include "msg.h"
#include "privc.h"
#include "psbx.h"
#include "startd.h"
#include "xmalloc.h"

enum privc_kind {
	PRIVC_SPAWN, PRIVC_JOBCTL, PRIVC_CRIU, PRIVC_OPEN
};

struct privc_req {
	uint32_t	 id;
	enum privc_kind	 kind;
	char		 job[32];
	uint32_t	 run;
	char		 what[16];	/* the jobctl op */
	pid_t		 pid;
	int		 started;	/* CRIU: it runs, the end is owed */
	char		*dir;		/* PRIVC_OPEN: the input's */
	char		 name[32];	/* ... and the device's name */
	int		 slot;		/* PRIVC_SPAWN's */
};

static struct {
	struct fdpeer		*peer;
	struct privc_cbs	 cbs;
	void			(*sig)(int);
	uint32_t		 next;
	struct privc_req	*reqs;
	size_t			 nreqs;
	int			 forge;		/* the second round is owed */
} pc;

static void	privc_forge_run(const char *, uint32_t, pid_t, int);

static struct privc_req *
privc_req_find(uint32_t id)
{
	size_t	i;

	for (i = 0; i < pc.nreqs; i++)
		if (pc.reqs[i].id == id)
			return &pc.reqs[i];
	return NULL;
}

static void
privc_req_del(struct privc_req *r)
{
	free(r->dir);
	*r = pc.reqs[--pc.nreqs];
}

/* Send MSG (not taken) as a request of TYPE, remembered as KIND. */
static struct privc_req *
privc_send(uint16_t type, struct json_object *msg, enum privc_kind kind,
    const char *job, uint32_t run)
{
	struct privc_req	*r;
	uint32_t		 id;

	if ((id = ++pc.next) == 0)
		id = ++pc.next;
	if (pc.peer == NULL || fdpeer_send(pc.peer, type, id, msg, -1) == -1) {
		errno = EPIPE;
		return NULL;
	}
	pc.reqs = xreallocarray(pc.reqs, pc.nreqs + 1, sizeof *pc.reqs);
	r = &pc.reqs[pc.nreqs++];
	memset(r, 0, sizeof *r);
	r->id = id;
	r->kind = kind;
	if (job != NULL)
		strlcpy(r->job, job, sizeof r->job);
	r->run = run;
	return r;
}

static struct json_object *
privc_strings(char *const *v)
{
	struct json_object	*a = json_object_new_array();

	for (; v != NULL && *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void
privc_add_str(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

int
privc_spawn(const struct jobctl_spec *spec, const char *owner, int64_t uid,
    int slot, const char *job, uint32_t run)
{
	struct json_object	*o = json_object_new_object();
	struct privc_req	*r;

	privc_add_str(o, "job", job);
	json_object_object_add(o, "run", json_object_new_int64(run));
	privc_add_str(o, "owner", owner);
	json_object_object_add(o, "uid", json_object_new_int64(uid));
	json_object_object_add(o, "slot", json_object_new_int(slot));
	json_object_object_add(o, "memory_mb",
	    json_object_new_int64(spec->memory_mb));
	if (spec->memory_asked)
		json_object_object_add(o, "memory_asked",
		    json_object_new_boolean(1));
	json_object_object_add(o, "max_pids",
	    json_object_new_int64(spec->max_pids));
	privc_add_str(o, "executable", spec->executable);
	json_object_object_add(o, "argv", privc_strings(spec->argv));
	json_object_object_add(o, "env", privc_strings(spec->envp));
	privc_add_str(o, "iwd", spec->iwd);
	privc_add_str(o, "input", spec->input);
	privc_add_str(o, "output", spec->output);
	privc_add_str(o, "error", spec->error);
	if (spec->append)
		json_object_object_add(o, "append",
		    json_object_new_boolean(1));
	if (spec->pidns)
		json_object_object_add(o, "pidns", json_object_new_boolean(1));
	r = privc_send(MSG_PRIV_SPAWN, o, PRIVC_SPAWN, job, run);
	json_object_put(o);
	if (r == NULL)
		return -1;
	r->slot = slot;
	return 0;
}

static int
privc_jobctl(const char *op, pid_t pgid, int sig, int64_t at)
{
	struct json_object	*o = json_object_new_object();
	struct privc_req	*r;

	json_object_object_add(o, "op", json_object_new_string(op));
	json_object_object_add(o, "pid", json_object_new_int64(pgid));
	if (sig != 0)
		json_object_object_add(o, "signal", json_object_new_int(sig));
	if (strcmp(op, "deadline") == 0)
		json_object_object_add(o, "at", json_object_new_int64(at));
	r = privc_send(MSG_PRIV_JOBCTL, o, PRIVC_JOBCTL, NULL, 0);
	json_object_put(o);
	if (r == NULL)
		return -1;
	strlcpy(r->what, op, sizeof r->what);
	r->pid = pgid;
	return 0;
}

int
privc_signal(pid_t pgid, int sig)
{
	return privc_jobctl("signal", pgid, sig, 0);
}

int
privc_freeze(pid_t pgid)
{
	return privc_jobctl("freeze", pgid, 0, 0);
}

int
privc_thaw(pid_t pgid)
{
	return privc_jobctl("thaw", pgid, 0, 0);
}

int
privc_kill(pid_t pgid)
{
	return privc_jobctl("kill", pgid, 0, 0);
}

int
privc_release(pid_t pgid)
{
	return privc_jobctl("release", pgid, 0, 0);
}

int
privc_deadline(pid_t pgid, int64_t at_ms)
{
	return privc_jobctl("deadline", pgid, 0, at_ms);
}

pid_t
privc_criu_pid(uint32_t id)
{
	struct privc_req	*r = privc_req_find(id);

	return r != NULL && r->started ? r->pid : 0;
}

static uint32_t
privc_criu(const char *op, pid_t pid, const char *imgdir, const char *job,
    uint32_t run)
{
	struct json_object	*o = json_object_new_object();
	struct privc_req	*r;

	json_object_object_add(o, "op", json_object_new_string(op));
	if (pid > 0)
		json_object_object_add(o, "pid", json_object_new_int64(pid));
	privc_add_str(o, "imgdir", imgdir);
	privc_add_str(o, "job", job);
	json_object_object_add(o, "run", json_object_new_int64(run));
	r = privc_send(MSG_PRIV_CRIU, o, PRIVC_CRIU, job, run);
	json_object_put(o);
	return r == NULL ? 0 : r->id;
}

uint32_t
privc_criu_dump(pid_t pid, const char *imgdir, const char *job, uint32_t run)
{
	return privc_criu("dump", pid, imgdir, job, run);
}

uint32_t
privc_criu_restore(const char *imgdir, const char *job, uint32_t run)
{
	return privc_criu("restore", 0, imgdir, job, run);
}

void
privc_criu_abort(uint32_t id)
{
	struct json_object	*o;
	struct privc_req	*r;

	if ((r = privc_req_find(id)) == NULL)
		return;
	privc_req_del(r);
	o = json_object_new_object();
	json_object_object_add(o, "op", json_object_new_string("abort"));
	json_object_object_add(o, "id", json_object_new_int64(id));
	(void)privc_send(MSG_PRIV_CRIU, o, PRIVC_JOBCTL, NULL, 0);
	json_object_put(o);
	if ((r = privc_req_find(pc.next)) != NULL)
		strlcpy(r->what, "criu abort", sizeof r->what);
}

/* The input source's opener: the parent opens DIR/NAME for us. */
void
privc_input_open(const char *dir, const char *name)
{
	struct json_object	*o = json_object_new_object();
	struct privc_req	*r;

	json_object_object_add(o, "what", json_object_new_string("input"));
	json_object_object_add(o, "name", json_object_new_string(name));
	r = privc_send(MSG_PRIV_OPEN, o, PRIVC_OPEN, NULL, 0);
	json_object_put(o);
	if (r != NULL) {
		r->dir = xstrdup(dir);
		strlcpy(r->name, name, sizeof r->name);
	}
}

/* A result reply to request R. */
static void
privc_result(struct privc_req *r, struct json_object *msg)
{
	int		 ok = jsonx_bool(msg, "ok", 0);
	int		 errnum = (int)jsonx_int(msg, "errno", 0);
	const char	*err = jsonx_str(msg, "error", "failed");
	char		 job[32];
	uint32_t	 run = r->run;

	if (r->kind == PRIVC_OPEN) {
		if (errnum != ENOENT)
			log_warnx("activity: input: %s", err);
		act_input_opened(r->dir, r->name, -1);
		privc_req_del(r);
		return;
	}
	if (r->kind == PRIVC_CRIU) {
		if (ok) {
			r->started = 1;	/* its end comes as an event */
			r->pid = (pid_t)jsonx_int(msg, "pid", 0);
			return;
		}
		strlcpy(job, r->job, sizeof job);
		privc_req_del(r);
		pc.cbs.criu_failed(job, run, err);
		return;
	}
	if (strcmp(r->what, "freeze") == 0) {
		pid_t	pid = r->pid;

		privc_req_del(r);
		if (pc.cbs.frozen != NULL)
			pc.cbs.frozen(pid, ok ? 0 : errnum, ok ? NULL : err,
			    jsonx_str(msg, "how", "?"),
			    json_object_get_double(jsonx_get(msg, "ms")));
		return;
	}
	if (!ok && errnum != ESRCH)
		log_warnx("%s", err);
	privc_req_del(r);
}

static void
privc_msg(struct fdpeer *p, uint16_t type, uint32_t reqid,
    struct json_object *msg, const char *bad, int fd, void *arg)
{
	struct jobctl_result	 res;
	struct privc_req	*r;
	char			 job[32];
	uint32_t		 run;
	int			 slot;

	if (type == MSG_PRIV_FD && msg != NULL &&
	    (r = privc_req_find(reqid)) != NULL && r->kind == PRIVC_OPEN) {
		act_input_opened(r->dir, r->name, fd);	/* takes FD */
		privc_req_del(r);
		return;
	}
	if (fd != -1)
		close(fd);
	if (msg == NULL) {
		log_warnx("privc: a %s from the parent does not decode: %s",
		    msg_type_str(type), bad);
		return;
	}
	switch (type) {
	case MSG_PRIV_EXIT:
		memset(&res, 0, sizeof res);
		res.code = (int)jsonx_int(msg, "code", 0);
		res.signal = (int)jsonx_int(msg, "signal", 0);
		res.utime_ms = jsonx_int(msg, "utime_ms", 0);
		res.stime_ms = jsonx_int(msg, "stime_ms", 0);
		res.maxrss_kb = jsonx_int(msg, "maxrss_kb", 0);
		res.expired = jsonx_bool(msg, "expired", 0);
		res.oom_kills = jsonx_int(msg, "oom_kills", 0);
		res.mem_limit_kb = jsonx_int(msg, "mem_limit_kb", 0);
		res.mem_peak_kb = jsonx_int(msg, "mem_peak_kb", 0);
		pc.cbs.exited((pid_t)jsonx_int(msg, "pid", 0), &res);
		return;
	case MSG_PRIV_SIGNAL:
		pc.sig((int)jsonx_int(msg, "signal", 0));
		return;
	case MSG_PRIV_CRIU_DONE:
		reqid = (uint32_t)jsonx_int(msg, "id", 0);
		break;
	}
	if ((r = privc_req_find(reqid)) == NULL) {
		log_debug("privc: %s for request %u, which is not ours (any "
		    "more)", msg_type_str(type), reqid);
		return;
	}
	strlcpy(job, r->job, sizeof job);
	run = r->run;
	switch (type) {
	case MSG_PRIV_SPAWNED:
		slot = r->slot;
		privc_req_del(r);
		if (pc.forge && jsonx_int(msg, "pid", 0) > 0 &&
		    psbxc_forge_id(job, run) != -1) {
			pc.forge = 0;
			privc_forge_run(job, run,
			    (pid_t)jsonx_int(msg, "pid", 0), slot);
		}
		pc.cbs.spawned(job, run, (pid_t)jsonx_int(msg, "pid", 0),
		    jsonx_str(msg, "error", NULL));
		break;
	case MSG_PRIV_RESULT:
		privc_result(r, msg);
		break;
	case MSG_PRIV_CRIU_DONE:
		privc_req_del(r);
		pc.cbs.criu_done(job, run, jsonx_bool(msg, "ok", 0),
		    (pid_t)jsonx_int(msg, "pid", 0),
		    jsonx_str(msg, "error", "failed"));
		break;
	default:
		log_warnx("privc: unexpected %s from the parent",
		    msg_type_str(type));
	}
}

static void
privc_closed(struct fdpeer *p, const char *reason, void *arg)
{
	log_warnx("the agent's parent is gone (%s): leaving", reason);
	exit(1);
}

/*
 * Test only (CQ_PRIVC_FORGE=1, t-privsep.sh): send the requests a child
 * taken over might, each of which the parent must refuse and log: kills
 * of init and of the parent, a CRIU restore from /etc, a dump of init
 * from outside sandbox_dir, a spawn of root's shell on a slot that does
 * not exist, and a request that does not decode.  Their replies find no
 * job here and are dropped.
 */
static void
privc_forge(void)
{
	static const struct {
		uint16_t	 type;
		const char	*json;
	} forged[] = {
		{ MSG_PRIV_JOBCTL, "{\"op\":\"kill\",\"pid\":1}" },
		{ MSG_PRIV_JOBCTL, NULL },	/* the parent, SIGKILL */
		{ MSG_PRIV_CRIU, "{\"op\":\"restore\",\"imgdir\":\"/etc\"}" },
		{ MSG_PRIV_CRIU, "{\"op\":\"dump\",\"pid\":1,"
		    "\"imgdir\":\"/tmp/../etc\"}" },
		{ MSG_PRIV_SPAWN, "{\"job\":\"forged\",\"run\":1,"
		    "\"owner\":\"root\",\"uid\":0,\"slot\":99,"
		    "\"executable\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\","
		    "\"touch /tmp/cq-privc-forged\"],\"env\":[],\"iwd\":\"/\"}" },
		{ MSG_PRIV_JOBCTL, "{\"op\":\"kill\"}" },
	};
	struct json_object	*o;
	char			 buf[128];
	size_t			 i;

	log_warnx("privc: CQ_PRIVC_FORGE=1: sending forged requests");
	/* A sandbox the parent never made. */
	if ((i = (size_t)psbxc_open_read(4242, "etc/shadow")) != (size_t)-1)
		fatalx("privc: a forged sandbox open was served");
	for (i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		if (forged[i].json == NULL) {
			snprintf(buf, sizeof buf, "{\"op\":\"signal\","
			    "\"pid\":%ld,\"signal\":9}", (long)getppid());
			o = json_tokener_parse(buf);
		} else
			o = json_tokener_parse(forged[i].json);
		if (o == NULL)
			fatalx("privc: a forged request does not parse");
		(void)privc_send(forged[i].type, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
}

/*
 * Test only (CQ_PRIVC_FORGE=1): the second round, once the first job with
 * a sandbox, JOB/RUN (PID), runs in it: requests naming that run's
 * sandbox for other jobs, that run again, runs never made, each of which
 * the parent must refuse (t-privsep.sh reads its log); a sandbox request
 * the parent serves is fatal here.  The real job runs on.
 */
static void
privc_forge_run(const char *job, uint32_t run, pid_t pid, int slot)
{
	const char		*owner = "nobody";
	long long		 uid = 65534;
	const char		*dir = cfg_str(st->cfg, "sandbox_dir");
	struct json_object	*o;
	char			 buf[PATH_MAX * 2 + 512];
	char			 sbx[PATH_MAX + 64];
	int			 id, fd;

	log_warnx("privc: CQ_PRIVC_FORGE=1: forged requests against job %s "
	    "run %u", job, run);
	snprintf(sbx, sizeof sbx, "%s/%s.r%u", dir, job, run);
	/* Another job in this run's sandbox; this run once more; a job
	 * that is not running: its restore, a spawn on the busy slot. */
	snprintf(buf, sizeof buf, "{\"job\":\"forged.0\",\"run\":1,"
	    "\"owner\":\"%s\",\"uid\":%lld,\"slot\":%d,"
	    "\"executable\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\","
	    "\"touch /tmp/cq-privc-forged\"],\"env\":[],\"iwd\":\"%s\"}",
	    owner, uid, slot, sbx);
	if ((o = json_tokener_parse(buf)) != NULL) {
		(void)privc_send(MSG_PRIV_SPAWN, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
	snprintf(buf, sizeof buf, "{\"job\":\"%s\",\"run\":%u,"
	    "\"owner\":\"%s\",\"uid\":%lld,\"slot\":%d,"
	    "\"executable\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\","
	    "\"touch /tmp/cq-privc-forged\"],\"env\":[],\"iwd\":\"%s\"}",
	    job, run, owner, uid, slot, sbx);
	if ((o = json_tokener_parse(buf)) != NULL) {
		(void)privc_send(MSG_PRIV_SPAWN, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
	snprintf(buf, sizeof buf, "{\"job\":\"ghost.0\",\"run\":1,"
	    "\"owner\":\"%s\",\"uid\":%lld,\"slot\":%d,"
	    "\"executable\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\","
	    "\"touch /tmp/cq-privc-forged\"],\"env\":[],\"iwd\":\"/\"}",
	    owner, uid, slot);
	if ((o = json_tokener_parse(buf)) != NULL) {
		(void)privc_send(MSG_PRIV_SPAWN, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
	snprintf(buf, sizeof buf, "{\"op\":\"restore\",\"imgdir\":"
	    "\"%s/ghost.0.r1/.cq-criu\",\"job\":\"ghost.0\",\"run\":1}",
	    dir);
	if ((o = json_tokener_parse(buf)) != NULL) {
		(void)privc_send(MSG_PRIV_CRIU, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
	snprintf(buf, sizeof buf, "{\"op\":\"dump\",\"pid\":%ld,"
	    "\"imgdir\":\"%s/ghost.0.r1/.cq-criu\"}", (long)pid, dir);
	if ((o = json_tokener_parse(buf)) != NULL) {
		(void)privc_send(MSG_PRIV_CRIU, o, PRIVC_JOBCTL, NULL, 0);
		json_object_put(o);
	}
	/* Its sandbox's number under another run's name; a path out. */
	if ((id = psbxc_forge_id(job, run)) == -1)
		fatalx("privc: job %s run %u has no sandbox to forge with",
		    job, run);
	if ((fd = psbxc_forge_open(id, "ghost.0", 1, "_cq_stdout")) != -1)
		fatalx("privc: a sandbox open for another run was served");
	if ((fd = psbxc_open_read(id, "../../../etc/passwd")) != -1)
		fatalx("privc: a sandbox open of ../ was served");
	log_warnx("privc: forged sandbox open of ../: refused (%s)",
	    strerror(errno));
}

void
privc_init(struct event_base *base, int sock, const struct privc_cbs *cbs,
    void (*sig)(int))
{
	const char	*forge = getenv("CQ_PRIVC_FORGE");

	pc.cbs = *cbs;
	pc.sig = sig;
	pc.peer = fdpeer_new(base, sock, ROLE_PRIV, "parent", privc_msg,
	    privc_closed, NULL);
	if (forge != NULL && strcmp(forge, "1") == 0) {
		privc_forge();
		pc.forge = 1;
	}
}

void
privc_drain(void)
{
	if (pc.peer != NULL)
		fdpeer_read_now(pc.peer);
}

void
privc_shutdown(void)
{
	if (pc.peer != NULL)
		(void)fdpeer_flush(pc.peer);
	fdpeer_free(pc.peer);
	pc.peer = NULL;
	free(pc.reqs);
	pc.reqs = NULL;
	pc.nreqs = 0;
}
